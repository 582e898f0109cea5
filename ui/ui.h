/*
 * ui: the `bbs` program a member works in (ncurses, full screen).
 *
 * This is the module's one header, shared by the files of ui/ only. It is the only place
 * in the project (with the .c files of ui/) that includes curses.h.
 *
 * Shape of the module (neomutt-style windows, tmux-style binding tables):
 *   main.c    command line, user lookup, startup and teardown
 *   term.c    terminal choice and fallback, curses modes, key definitions, signals, key input
 *   keymap.c  every key-binding table (key -> action -> description) and key names
 *   draw.c    the one safe text-drawing function, the top line, the bottom (hints) line
 *   app.c     screen stack, event loop (layout / draw / cursor steps), yes/no prompt
 *   scroll.c  scrolling arithmetic shared by the pager and help screens
 *   menu.c    the main menu screen
 *   pager.c   the page viewer screen
 *   help.c    the help screen, generated from the opener's binding table
 *
 * What must never happen: a byte from the store or a member reaching the terminal other than
 * through ui_draw_text() (which measures with text_width/text_fit and writes with waddnstr);
 * drawing outside the window; repainting on a timer.
 */
#ifndef BBS_UI_H
#define BBS_UI_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_user;

/* ---- keys (term.c) ----
 * ui_term_getkey() returns one normalised key:
 * - a Unicode code point for a character key (Enter is always UI_KEY_ENTER, both DEL and ^H
 *   are UI_KEY_BACKSPACE, a lone Esc is UI_KEY_ESC);
 * - UI_FN(KEY_xxx) for a curses function key (never collides with a code point);
 * - UI_KEY_RESIZE after a window size change (curses has already resized stdscr);
 * - UI_KEY_HANGUP when the input has gone (the pty's other side closed).
 * SIGHUP/SIGTERM/SIGINT never come back here: they end the process at once, with the tty
 * modes restored and status 128 + signal. */
#define UI_KEY_FNBIT 0x01000000
#define UI_FN(k) (UI_KEY_FNBIT | (k))
enum {
	UI_KEY_BACKSPACE = 127,
	UI_KEY_ENTER = '\r',
	UI_KEY_ESC = 27,
	UI_KEY_RESIZE = UI_FN(KEY_RESIZE),
	UI_KEY_HANGUP = 0x02000000,
};

enum ui_term_result {
	UI_TERM_OK = 0,
	UI_TERM_DUMB = 1,     /* the terminal cannot address the cursor: no full-screen UI */
	UI_TERM_FAIL = -1,    /* not a terminal, or curses could not start */
};

/* Chooses the terminal type (TERM, else xterm-256color, else vt100; "dumb" or a type
 * without cursor addressing gives UI_TERM_DUMB), starts curses with newterm() and sets the
 * modes and key definitions. Installs the SIGHUP/SIGTERM/SIGINT/SIGWINCH handlers and keeps
 * SIGWINCH blocked except while waiting for a key. On UI_TERM_OK, *used_term points to the
 * name of the terminal type in use. Never exits. */
enum ui_term_result ui_term_open(const char **used_term);
/* endwin() and free the curses screen. Safe to call when ui_term_open failed or twice. */
void ui_term_close(void);
/* Blocks (no timeout) until a key or a resize arrives; see the UI_KEY_ values above. */
int ui_term_getkey(void);
/* The process exit status after ui_term_getkey() returned UI_KEY_HANGUP (1). */
int ui_term_hangup_status(void);
/* True if the terminal can hide the cursor (else screens park it somewhere sensible). */
bool ui_term_cursor_hidden(void);
/* True if colours were started (has_colors()). Everything stays readable without them. */
bool ui_term_has_colors(void);
/* Attribute for headings: bold, plus a colour when the terminal has colours. */
int ui_term_heading_attr(void);

/* ---- key bindings (keymap.c) ---- */
enum ui_action {
	UI_ACT_NONE = 0,
	UI_ACT_UP,
	UI_ACT_DOWN,
	UI_ACT_PGUP,
	UI_ACT_PGDN,
	UI_ACT_HOME,
	UI_ACT_END,
	UI_ACT_OPEN,
	UI_ACT_JUMP,    /* menu: digit N opens item N */
	UI_ACT_BACK,    /* leave this screen */
	UI_ACT_QUIT,    /* ask to log off */
	UI_ACT_HELP,
};

#define UI_BINDING_KEYS 10
struct ui_binding {
	int action;                  /* enum ui_action */
	int keys[UI_BINDING_KEYS];   /* normalised keys (see above), 0-terminated unless full */
	const char *keys_label;      /* help label; NULL: generated from keys ("Up, k") */
	const char *desc;            /* help text: "Move up" */
	const char *hint_keys;       /* bottom-line key label ("j/k"); NULL: not in hints */
	const char *hint;            /* bottom-line word ("move") */
};

struct ui_keymap {
	const char *screen;          /* the name help shows: "Main menu" */
	const struct ui_binding *bindings;
	size_t n;
};

extern const struct ui_keymap ui_keymap_menu;
extern const struct ui_keymap ui_keymap_pager;
extern const struct ui_keymap ui_keymap_help;

/* The action bound to key in km, or UI_ACT_NONE. */
int ui_keymap_lookup(const struct ui_keymap *km, int key);
/* Writes the help label of b ("Up, k", or b->keys_label) into buf (always NUL-terminated). */
void ui_keymap_keys_label(const struct ui_binding *b, char *buf, size_t size);
/* A static name for one key: "Up", "Enter", "Esc", "Space", "k"; buf used for characters. */
const char *ui_keymap_key_name(int key, char *buf, size_t size);

/* ---- drawing (draw.c) ---- */
struct ui_rect {
	int y, x, rows, cols;
};

/* ASCII mode: every non-ASCII character is drawn as '?' (locale without UTF-8). */
void ui_draw_set_ascii(bool ascii);
/*
 * The only way text reaches the screen. Draws s[0..len) (it also stops at NUL; text after
 * a newline is drawn as if the newline were a space) at (y, x) of w, using at most cols
 * columns and never past the window edge, never splitting a character. Text that is not
 * clean single-line text is sanitised first, so no control byte reaches curses.
 * Returns the columns used. attr is a curses attribute (A_BOLD, A_REVERSE, COLOR_PAIR...).
 */
int ui_draw_text(WINDOW *w, int y, int x, int cols, const char *s, size_t len, int attr);
/* ui_draw_text for a NUL-terminated string. */
int ui_draw_str(WINDOW *w, int y, int x, int cols, const char *s, int attr);
/* Fills cols cells of row y from x with blanks in attr (clipped to the window). */
void ui_draw_fill(WINDOW *w, int y, int x, int cols, int attr);
/* Display width of a NUL-terminated clean string (as ui_draw_str would measure it). */
int ui_draw_width(const char *s);
/* Top line in reverse video: left text, and right text right-aligned; the right text keeps
 * priority when the width is short. */
void ui_draw_top(WINDOW *w, int cols, const char *left, const char *right);
/* Bottom line (row y): the hints of km, whole hints only, as many as fit. */
void ui_draw_hints(WINDOW *w, int y, int cols, const struct ui_keymap *km);

/* ---- screens and the event loop (app.c) ---- */
struct ui_app;

enum ui_result {
	UI_RES_NONE = 0,     /* nothing changed on screen */
	UI_RES_REDRAW,       /* the screen changed: draw again */
};

/*
 * A screen, neomutt-style: layout() computes positions for a body rectangle (called on
 * open and after every resize), draw() paints the body into the virtual screen only,
 * cursor() says where to park the cursor when it cannot be hidden. action() handles one
 * bound action. Screens embed this struct as their first member.
 */
struct ui_screen {
	const struct ui_keymap *keymap;
	void (*layout)(struct ui_screen *s, const struct ui_rect *body);
	void (*draw)(struct ui_screen *s, WINDOW *w);
	void (*cursor)(struct ui_screen *s, int *y, int *x);
	enum ui_result (*action)(struct ui_screen *s, struct ui_app *app, int action, int key);
	void (*destroy)(struct ui_screen *s);
	struct ui_rect body;         /* set by app before layout() */
	int laid_rows, laid_cols;    /* the terminal size layout() last ran for */
};

#define UI_STACK_MAX 16
struct ui_app {
	struct store *st;
	const struct store_user *user;
	const char *site_name;       /* clean text for the top line */
	const char *identity;        /* "handle (role)" */
	bool quit;
	int status;                  /* exit status when quit */
	/* Owned by app.c: */
	struct ui_screen *stack[UI_STACK_MAX];
	int depth;
	const char *prompt;          /* shown instead of the hints while asking */
	bool dirty;                  /* the virtual screen must be drawn again */
};

/* Runs the event loop with first as the bottom screen, until log off or hangup. Destroys
 * every screen before it returns. Returns the process exit status. */
int ui_app_run(struct ui_app *app, struct ui_screen *first);
/* Opens s on top of the current screen (takes ownership). */
void ui_app_push(struct ui_app *app, struct ui_screen *s);
/* Closes the current screen (never the last one). */
void ui_app_pop(struct ui_app *app);
/* Asks question on the bottom line. Returns true for y/Y; false for anything else. On hangup
 * it sets app->quit and returns false. Redraws after a resize while asking. */
bool ui_app_confirm(struct ui_app *app, const char *question);
/* Asks "Log off? (y/n)" and sets app->quit with status 0 on yes. */
void ui_app_ask_logoff(struct ui_app *app);

/* ---- scrolling (scroll.c) ---- */
struct ui_scroll {
	int top;      /* first visible line */
	int total;    /* lines in the content */
	int view;     /* rows visible */
};
/* Keeps top within [0, max(0, total - view)]. */
void ui_scroll_clamp(struct ui_scroll *sc);
/* Applies UP/DOWN/PGUP/PGDN/HOME/END. Returns UI_RES_REDRAW if top moved. */
enum ui_result ui_scroll_action(struct ui_scroll *sc, int action);
/* "All", "Top", "Bot" or "NN%" into buf, like less. */
void ui_scroll_position(const struct ui_scroll *sc, char *buf, size_t size);

/* ---- screens ---- */
/* The main menu: focus areas, Who we are, Log off. Reads the areas from the store now. */
struct ui_screen *ui_menu_create(struct ui_app *app);
/* A page viewer for title and body (copied). */
struct ui_screen *ui_pager_create(const char *title, const char *body);
/* Opens the page with this slug in a pager; a missing page shows a short notice titled
 * fallback_title. */
struct ui_screen *ui_pager_open_page(struct ui_app *app, const char *slug,
	const char *fallback_title);
/* Help for km (the opener's bindings). km must outlive the screen (tables are static). */
struct ui_screen *ui_help_create(const struct ui_keymap *km);

#endif
