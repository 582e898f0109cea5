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
 *   format.c  time ("YYYY-MM-DD HH:MM" in the member's zone) and count wording (no curses)
 *   editbuf.c the editor's text buffer: UTF-8 editing, cursor moves, wrap (no curses)
 *   editor.c  the editor screen (new discussion, reply, edit) and its drafts
 *   boards.c  the board list
 *   threads.c the discussion list of one board (paged from the store)
 *   discussion.c  the discussion view (posts, current post, reading marks)
 *   search.c  the search results screen
 *   nav.c     what several screens share: next unread, search prompt, open a discussion
 *   idle.c    the idle warning and idle logout (deadlines read from settings at startup)
 *
 * What must never happen: a byte from the store or a member reaching the terminal other than
 * through ui_draw_text() (which measures with text_width/text_fit and writes with waddnstr);
 * drawing outside the window; repainting on a timer (the one exception: idle.c's one-line
 * warning, once per idle spell).
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

struct store_hit;
struct ui_editbuf;

/* ---- keys (term.c) ----
 * ui_term_getkey() returns one normalised key:
 * - a Unicode code point for a character key (Enter is always UI_KEY_ENTER, both DEL and ^H
 *   are UI_KEY_BACKSPACE, a lone Esc is UI_KEY_ESC);
 * - UI_FN(KEY_xxx) for a curses function key (never collides with a code point);
 * - UI_KEY_RESIZE after a window size change (curses has already resized stdscr);
 * - UI_KEY_HANGUP when the input has gone (the pty's other side closed).
 * - UI_KEY_HANGUP also after SIGHUP/SIGTERM/SIGINT: the handler only notes the signal and
 *   wakes the wait, so that the screens can save what the member typed (a draft) while the
 *   program unwinds; ui_term_hangup_status() is then 128 + signal. A safety alarm ends the
 *   process one second after the signal whatever it is doing (a write blocked on a stalled
 *   link, a busy database), with the tty modes restored.
 * - UI_KEY_PASTE when a bracketed paste (ESC [200~ ... ESC [201~) has arrived whole; the text
 *   is in ui_term_paste(). Bytes inside a paste are never keys (an ESC in it cancels nothing).
 * - UI_KEY_WORD_LEFT/RIGHT for Ctrl-Left/Ctrl-Right and Alt-b/Alt-f.
 * - UI_KEY_TIMEOUT from ui_term_getkey_timeout() when nothing came in time.
 * - never UI_KEY_QUICK_EXIT (^\): that key wipes the screen and the scrollback at once and
 *   every wait reports UI_KEY_HANGUP from then on (status 0); see ui_term_quick_exited().
 * - UI_KEY_HANGUP (status 0) when the idle logout is due (idle.c). */
#define UI_KEY_FNBIT 0x01000000
#define UI_FN(k) (UI_KEY_FNBIT | (k))
#define UI_CTRL(c) ((c) & 0x1f)
enum {
	UI_KEY_BACKSPACE = 127,
	UI_KEY_ENTER = '\r',
	UI_KEY_ESC = 27,
	UI_KEY_TAB = '\t',
	UI_KEY_DELETE = UI_FN(KEY_DC),
	UI_KEY_RESIZE = UI_FN(KEY_RESIZE),
	UI_KEY_HANGUP = 0x02000000,
	UI_KEY_TIMEOUT = 0x02000001,
	UI_KEY_PASTE = 0x02000002,
	UI_KEY_WORD_LEFT = 0x02000003,
	UI_KEY_WORD_RIGHT = 0x02000004,
	UI_KEY_QUICK_EXIT = 0x1C,   /* ^\: in raw mode a plain byte, never SIGQUIT */
};

/* The most a bracketed paste keeps (bytes); a longer paste is reported as overflowing and
 * its bytes are dropped, so a paste bomb costs the process nothing more than this. */
#define UI_PASTE_MAX (4 * 65536 + 1024)

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
/* As ui_term_getkey, but gives up after ms milliseconds (UI_KEY_TIMEOUT); ms < 0 waits for
 * ever. Only the editor uses a timeout (to save a draft). Whatever ms is, the wait also wakes
 * when the idle warning (shown, then the wait goes on) or the idle logout is due (idle.c). */
int ui_term_getkey_timeout(int ms);
/* True if a key can be read at once (typed ahead or part of a paste arriving as keys). The key
 * stays queued for the next ui_term_getkey. Never waits. */
bool ui_term_pending(void);
/* The key ui_term_getkey would return now without waiting, or 0 if none is ready. */
int ui_term_peek(void);
/* The text of the last UI_KEY_PASTE: raw bytes as the terminal sent them (not yet cleaned;
 * never NUL-terminated for the caller's purposes: use *len). *overflow: the paste was longer
 * than UI_PASTE_MAX and its text is incomplete. */
void ui_term_paste(const char **text, size_t *len, bool *overflow);
/* The process exit status after ui_term_getkey() returned UI_KEY_HANGUP: 128 + signal after
 * a signal, 1 when the input went away. */
int ui_term_hangup_status(void);
/* True after the quick-exit key: the screen is wiped and output goes nowhere. */
bool ui_term_quick_exited(void);
/* Called after each screen update (doupdate): switches bracketed paste on once; an update is
 * activity for the idle timer. */
void ui_term_updated(void);
/* Shows (true) or hides the cursor where the terminal can hide it; cheap when unchanged. */
void ui_term_show_cursor(bool show);
/* True if the terminal can hide the cursor (else screens park it somewhere sensible). */
bool ui_term_cursor_hidden(void);
/* True if colours were started (has_colors()). Everything stays readable without them. */
bool ui_term_has_colors(void);
/* Attribute for headings: bold, plus a colour when the terminal has colours. */
int ui_term_heading_attr(void);

/* ---- idle warning and logout (idle.c) ---- */
/* Reads idle_warn_minutes (default 25) and idle_logout_minutes (default 30), 0 = off, or
 * idle_warn_seconds / idle_logout_seconds when set (they take precedence), and starts the
 * timer. Without a call nothing is ever due. */
void ui_idle_setup(struct store *st);
/* A key or a screen update: restarts the timer and takes a shown warning away. */
void ui_idle_activity(void);
/* Milliseconds until the warning or the logout is due (0: now), -1 when nothing is. */
int64_t ui_idle_due_ms(void);
/* Called when ui_idle_due_ms() is 0: shows the warning (returns false) or reports that the
 * logout is due (returns true). */
bool ui_idle_fire(void);
/* After an idle logout: the goodbye line into buf and true; else "" and false. */
bool ui_idle_goodbye(char *buf, size_t size);

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
	/* discussion boards */
	UI_ACT_NEXT_UNREAD, /* open the next discussion with unread posts */
	UI_ACT_SEARCH,      /* ask for words and search */
	UI_ACT_BOARDS,      /* area page: this area's boards */
	UI_ACT_MARK_READ,   /* mark this board read */
	UI_ACT_MARK_ALL,    /* mark everything read (asks) */
	UI_ACT_NEW,         /* start a discussion */
	UI_ACT_NEXT_POST,
	UI_ACT_PREV_POST,
	UI_ACT_REPLY,
	UI_ACT_QUOTE,       /* reply quoting the current post */
	UI_ACT_EDIT,
	UI_ACT_DELETE,
	/* editor */
	UI_ACT_SEND,
	UI_ACT_CANCEL,
	UI_ACT_SWITCH,      /* title <-> body */
	UI_ACT_LEFT,
	UI_ACT_RIGHT,
	UI_ACT_WORD_LEFT,
	UI_ACT_WORD_RIGHT,
	UI_ACT_LINE_START,
	UI_ACT_LINE_END,
	UI_ACT_BACKSPACE,
	UI_ACT_DELETE_CHAR,
	UI_ACT_NEWLINE,
	/* the challenge question */
	UI_ACT_ANSWER,      /* submit a challenge */
	UI_ACT_ENDORSE,     /* endorse / take back (own challenge in the detail: edit) */
	UI_ACT_ORDER,       /* most endorsed <-> newest */
	UI_ACT_FILTER,      /* cycle the focus area filter */
	UI_ACT_MINE,        /* only my challenges */
	UI_ACT_RESULTS,
	UI_ACT_ARCHIVE,     /* past questions */
	UI_ACT_MODLOG,      /* the moderation record */
	UI_ACT_WITHDRAW,
	UI_ACT_DISCUSSION,  /* the discussion a challenge was promoted to */
	UI_ACT_CHALLENGE,   /* the challenge a discussion came from */
	UI_ACT_TOGGLE,      /* Space: a checkbox or a yes/no field */
	UI_ACT_MERGE,       /* moderators: M H U P Q */
	UI_ACT_HIDE,
	UI_ACT_UNHIDE,
	UI_ACT_PROMOTE,
	UI_ACT_SETTINGS,
	UI_ACT_QUICK_EXIT,  /* ^\: handled in term.c on every screen; in the tables for help */
	/* membership: directory and messages */
	UI_ACT_MESSAGE,     /* write a private message to this member */
	UI_ACT_BLOCK,       /* block / unblock the sender (asks first) */
	UI_ACT_BLOCKED,     /* the list of members one blocks */
	/* administration (admin-*.c) */
	UI_ACT_VERIFY,      /* mark / unmark a member's affiliation verified */
	UI_ACT_APPROVE,     /* accept an application (asks first) */
	UI_ACT_DECLINE,     /* decline an application (asks first) */
	UI_ACT_PASSWORD,    /* reset a member's password (one-time password) */
	UI_ACT_KEYS,        /* a member's keys */
	UI_ACT_LOCK,        /* disable and end the sessions */
	UI_ACT_UNLOCK,
	UI_ACT_END_SESSIONS,/* end a session / all of a member's sessions now */
	UI_ACT_SILENCE,     /* silence a member for N days */
	UI_ACT_DELETE_MEMBER, /* sysops: delete a member (a choice, then the handle typed) */
	UI_ACT_REFRESH,
	/* moderation and structure (reports.c, admin-structure.c, discussion.c, threads.c) */
	UI_ACT_REPORT,      /* !: report this to the moderators */
	UI_ACT_RESOLVE,     /* resolve a report with a note */
	UI_ACT_PIN,         /* moderators: pin / unpin a discussion */
	UI_ACT_MOVE,        /* moderators: move a discussion to another board */
	UI_ACT_MOVE_UP,     /* structure: move the selected area or board up / down */
	UI_ACT_MOVE_DOWN,
	UI_ACT_PAGE,        /* structure: edit the selected area's page */
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
extern const struct ui_keymap ui_keymap_area;        /* an area page: the pager plus b */
/* Guests: the menu without n and /, an area page without b. */
extern const struct ui_keymap ui_keymap_menu_guest;
extern const struct ui_keymap ui_keymap_area_guest;
extern const struct ui_keymap ui_keymap_boards;
extern const struct ui_keymap ui_keymap_threads;
extern const struct ui_keymap ui_keymap_discussion;
extern const struct ui_keymap ui_keymap_search;
extern const struct ui_keymap ui_keymap_editor_new; /* with the title field (Tab) */
extern const struct ui_keymap ui_keymap_editor;     /* body only */
extern const struct ui_keymap ui_keymap_challenge;        /* the challenge list */
extern const struct ui_keymap ui_keymap_challenge_detail;
extern const struct ui_keymap ui_keymap_areas_choose;
extern const struct ui_keymap ui_keymap_archive;
extern const struct ui_keymap ui_keymap_question;         /* question settings */
extern const struct ui_keymap ui_keymap_form;             /* form.c */
extern const struct ui_keymap ui_keymap_account;          /* Your account's menu */
extern const struct ui_keymap ui_keymap_keys;             /* Your account > Keys */
extern const struct ui_keymap ui_keymap_join;             /* the join screen's page */
extern const struct ui_keymap ui_keymap_directory;        /* the member directory */
extern const struct ui_keymap ui_keymap_profile;          /* a member's profile */
extern const struct ui_keymap ui_keymap_messages;         /* inbox / sent */
extern const struct ui_keymap ui_keymap_message;          /* one message */
extern const struct ui_keymap ui_keymap_blocked;          /* members one blocks */
extern const struct ui_keymap ui_keymap_announce;         /* news: members */
extern const struct ui_keymap ui_keymap_announce_sysop;   /* news: sysops (n, d) */
extern const struct ui_keymap ui_keymap_admin;            /* the admin menu */
extern const struct ui_keymap ui_keymap_admin_members;    /* the admin member list */
extern const struct ui_keymap ui_keymap_admin_member;     /* one member (admin) */
extern const struct ui_keymap ui_keymap_admin_keys;       /* a member's keys (admin) */
extern const struct ui_keymap ui_keymap_admin_invites;
extern const struct ui_keymap ui_keymap_admin_online;
extern const struct ui_keymap ui_keymap_admin_audit;
extern const struct ui_keymap ui_keymap_reports;         /* the report queue */
extern const struct ui_keymap ui_keymap_structure;       /* structure and content */
extern const struct ui_keymap ui_keymap_structure_list;  /* areas or boards (sysops) */
extern const struct ui_keymap ui_keymap_choose;          /* choose one item (Enter) */

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

/* The compact layout (the member's preference; app.c keeps it in step with app->compact and
 * lays every screen out again when it changes): no blank separator rows (ui_draw_roomy is
 * false), hints only up to the help key, denser post headers. */
void ui_draw_set_compact(bool compact);
bool ui_draw_compact(void);
/* True when a layout may spend rows on blank separators: rows >= min_rows and not compact.
 * Screens consult it instead of testing the size alone. */
bool ui_draw_roomy(int rows, int min_rows);
/* ASCII mode: every non-ASCII character is drawn as '?' (locale without UTF-8). */
void ui_draw_set_ascii(bool ascii);
/* True in ASCII mode (set by ui_draw_set_ascii). */
bool ui_draw_ascii(void);
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
 * Optional hooks (NULL when unused):
 * - key(): keys the keymap does not bind, UI_KEY_PASTE and UI_KEY_TIMEOUT (text input);
 * - wait_ms(): how long the next key wait may last (-1: no timeout); the editor's draft timer;
 * - resume(): the screen is on top again (the one above it closed): reload what may have
 *   changed (counts, read marks);
 * - start(): called once by ui_app_run for the first screen, before it is first drawn (and by
 *   the forced password change for the main menu it opens, which is then the real start).
 * - where(): the screen is worth coming back to after a dropped link: writes its position as
 *   printable ASCII words ("discussion 12 7", "board 3", "messages") into buf (size bytes,
 *   at most STORE_RESUME_MAX) and returns true; resume.c parses and checks them again.
 * show_cursor: the terminal's cursor is shown at cursor() (text input).
 */
struct ui_screen {
	const struct ui_keymap *keymap;
	void (*layout)(struct ui_screen *s, const struct ui_rect *body);
	void (*draw)(struct ui_screen *s, WINDOW *w);
	void (*cursor)(struct ui_screen *s, int *y, int *x);
	enum ui_result (*action)(struct ui_screen *s, struct ui_app *app, int action, int key);
	void (*destroy)(struct ui_screen *s);
	enum ui_result (*key)(struct ui_screen *s, struct ui_app *app, int key);
	int (*wait_ms)(struct ui_screen *s);
	void (*resume)(struct ui_screen *s, struct ui_app *app);
	void (*start)(struct ui_screen *s, struct ui_app *app);
	bool (*where)(struct ui_screen *s, char *buf, size_t size);
	bool show_cursor;
	struct ui_rect body;         /* set by app before layout() */
	int laid_rows, laid_cols;    /* the terminal size layout() last ran for */
};

#define UI_STACK_MAX 16
struct ui_app {
	struct store *st;
	/* The member, or NULL for a guest (`bbs --guest`): a guest reaches only the public
	 * screens (menu, pages, the question's text, help), whose tables bind nothing else. */
	const struct store_user *user;
	bool guest;
	/* `bbs --join`: a newcomer with an invite code (bbsd's "join" login); app->user NULL. */
	bool join;
	/* Guest or join: the public key they connected with, "TYPE BASE64" (from bbsd's
	 * --key), or NULL when they logged in without a key. */
	const char *login_key;
	const char *site_name;       /* clean text for the top line */
	const char *identity;        /* "handle (role)" */
	bool compact;                /* the member's compact layout preference (at once) */
	bool quit;
	int status;                  /* exit status when quit */
	/* Owned by app.c: */
	struct ui_screen *stack[UI_STACK_MAX];
	int depth;
	const char *prompt;          /* shown instead of the hints while asking */
	struct ui_editbuf *input;    /* the line being typed after prompt (ui_app_input) */
	char message[256];           /* one-line message above the hints until the next key */
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
/* Shows a one-line message (clean text; control characters are drawn visibly) on the row above
 * the hints until the next key. */
void ui_app_message(struct ui_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Asks for one line of text on the bottom line after prompt ("Search: "): Enter gives true and
 * the clean text in out (at most size - 1 bytes), Esc or ^C (or a hangup) gives false. */
bool ui_app_input(struct ui_app *app, const char *prompt, char *out, size_t size);

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

/* A selection in a list of total items of which view rows show (board list, discussion list,
 * search results). */
struct ui_select {
	int sel;      /* selected item (0 when the list is empty) */
	int top;      /* first item shown */
	int total;
	int view;     /* items visible (>= 0) */
};
/* Keeps sel in [0, total) and on screen, and top within bounds. */
void ui_select_clamp(struct ui_select *ls);
/* Applies UP/DOWN/PGUP/PGDN/HOME/END. Returns UI_RES_REDRAW if sel or top moved. */
enum ui_result ui_select_action(struct ui_select *ls, int action);
/* Where a simple list screen (heading, then one row per item) puts things in r; sets
 * ls->view and clamps ls. */
struct ui_list_geom {
	int heading_y, list_y, x0, width;
};
void ui_list_layout(const struct ui_rect *r, struct ui_list_geom *g, struct ui_select *ls);

/* ---- formatting (format.c; no curses) ---- */
#define UI_TIME_LEN 17   /* "YYYY-MM-DD HH:MM" + NUL */
/* The one time format of the UI: "YYYY-MM-DD HH:MM" in the member's time zone (TZ: set by
 * main.c at startup and by the preferences form; UTC by default) ("" for t <= 0). */
void ui_format_time(int64_t t, char *buf, size_t size);
/* "YYYY-MM-DD" of t in the member's time zone (as ui_format_time), "" for t <= 0. */
void ui_format_date(int64_t t, char *buf, size_t size);
/* "YYYY-MM-DD" of t in UTC, "" for t <= 0: for the challenge question's opening and closing
 * days, which are UTC days whatever the member's time zone (shown with "UTC" after them). */
void ui_format_utc_day(int64_t t, char *buf, size_t size);
/* Appends printf-formatted text to *text (NULL or a heap string), for screens built as a
 * page of text. */
void ui_format_append(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "0 replies", "1 reply", "N replies" etc.: n and the singular or plural word. */
void ui_format_count(int64_t n, const char *one, const char *many, char *buf, size_t size);

/* ---- the editor's text buffer (editbuf.c; no curses, unit-tested) ----
 * Clean UTF-8 text (what text_sanitize with TEXT_MULTILINE, or without it for a one-line
 * buffer, would leave unchanged) and a cursor that is always on a character boundary, never
 * between a character and its combining marks. Typed control characters are refused; pasted
 * text is sanitised first (controls become visible caret notation, invalid bytes U+FFFD), so
 * no raw control byte or invalid UTF-8 ever enters the buffer. The buffer never grows past
 * max bytes: an insertion that would is refused whole (BBS_ERR_TOOBIG).
 * Lines for display are the text word-wrapped with text_wrap to cols columns; the author's own
 * line breaks are kept. Up/down move by displayed line and keep the wanted column. */
struct text_line;
struct ui_editbuf {
	char *text;              /* NUL-terminated */
	size_t len, cap;
	size_t cur;              /* cursor, a byte offset */
	size_t max;              /* the hard limit on len */
	bool one_line;
	int cols;                /* wrap width, >= 1 */
	int goal;                /* column up/down aim for, -1 for the cursor's own */
	struct text_line *lines; /* wrap cache (NULL: stale) */
	size_t nlines;
};
void ui_editbuf_init(struct ui_editbuf *b, size_t max, bool one_line);
void ui_editbuf_finish(struct ui_editbuf *b);
/* Replaces the text with the sanitised s (cursor at the end). BBS_ERR_TOOBIG (and unchanged)
 * if it would not fit in max. */
int ui_editbuf_set(struct ui_editbuf *b, const char *s);
/* Inserts one typed character at the cursor. BBS_ERR_INVALID for a character that cannot be
 * typed into text (controls, '\n' in a one-line buffer, invisible format characters),
 * BBS_ERR_TOOBIG past max; the buffer is then unchanged. */
int ui_editbuf_type(struct ui_editbuf *b, uint32_t cp);
/* Inserts pasted bytes s[0..n) at the cursor after sanitising them; whole or not at all
 * (BBS_ERR_TOOBIG when the result would pass max). */
int ui_editbuf_paste(struct ui_editbuf *b, const char *s, size_t n);
/* Delete the character (with its combining marks) before / after the cursor. False if none. */
bool ui_editbuf_backspace(struct ui_editbuf *b);
bool ui_editbuf_delete(struct ui_editbuf *b);
/* Cursor moves; each returns true if the cursor moved. */
bool ui_editbuf_left(struct ui_editbuf *b);
bool ui_editbuf_right(struct ui_editbuf *b);
bool ui_editbuf_word_left(struct ui_editbuf *b);   /* to the start of this or the previous word */
bool ui_editbuf_word_right(struct ui_editbuf *b);  /* to the end of this or the next word */
bool ui_editbuf_home(struct ui_editbuf *b);        /* start of the displayed line */
bool ui_editbuf_end(struct ui_editbuf *b);         /* end of the displayed line */
bool ui_editbuf_up(struct ui_editbuf *b, int rows);    /* rows displayed lines up (top: start) */
bool ui_editbuf_down(struct ui_editbuf *b, int rows);  /* rows down (last line: the end) */
/* Sets the wrap width (cols < 1 is 1). */
void ui_editbuf_set_cols(struct ui_editbuf *b, int cols);
/* The displayed lines (byte ranges into b->text); valid until the next change. */
size_t ui_editbuf_lines(struct ui_editbuf *b, const struct text_line **lines);
/* The cursor's displayed line and column. */
void ui_editbuf_cursor(struct ui_editbuf *b, int *row, int *col);

/* ---- screens ---- */
/* The main menu: focus areas, Who we are, Log off. Reads the areas from the store now. For a
 * guest (app->guest): Welcome, the focus areas, the challenge question's text, Who we are,
 * Log off, and no draft is offered. */
struct ui_screen *ui_menu_create(struct ui_app *app);
/* A page viewer for title and body (copied). */
struct ui_screen *ui_pager_create(const char *title, const char *body);
/* A pager with its opener's keys: km (static) binds the scrolling actions (UP..END, BACK) and
 * any others, which go to ops->action. ctx belongs to the pager when ops->free_ctx is set.
 * ops->action may close the pager (ui_app_pop) and must then not touch it. */
struct ui_pager_ops {
	enum ui_result (*action)(struct ui_screen *s, struct ui_app *app, void *ctx, int action);
	void (*resume)(struct ui_screen *s, struct ui_app *app, void *ctx);  /* may be NULL */
	void (*free_ctx)(void *ctx);                                          /* may be NULL */
};
struct ui_screen *ui_pager_create_ops(const char *title, const char *body,
	const struct ui_keymap *km, const struct ui_pager_ops *ops, void *ctx);
/* The ctx of s if s is a pager with these ops, else NULL. */
void *ui_pager_ctx(const struct ui_screen *s, const struct ui_pager_ops *ops);
/* Replaces a pager's heading and text (copied); it is wrapped again at the next draw. */
void ui_pager_set_text(struct ui_screen *s, const char *title, const char *body);
/* Opens the page with this slug in a pager; a missing page shows a short notice titled
 * fallback_title. */
struct ui_screen *ui_pager_open_page(struct ui_app *app, const char *slug,
	const char *fallback_title);
/* Help for km (the opener's bindings). km must outlive the screen (tables are static). */
struct ui_screen *ui_help_create(const struct ui_keymap *km);
/* A focus area's page with the key b for its boards. */
struct ui_screen *ui_pager_open_area(struct ui_app *app, int64_t area_id, const char *area_name,
	const char *slug);

/* Board list: area_id -1 for every board (heading "Discussion boards"), else that area's boards
 * (heading "Boards: <area_name>"). */
struct ui_screen *ui_boards_create(struct ui_app *app, int64_t area_id, const char *area_name);
/* A board's discussion list, or NULL (message shown) if the board cannot be read. */
struct ui_screen *ui_threads_create(struct ui_app *app, int64_t board_id);
/* The discussion view at post seq (its header at the top; seq 0: the first unread post, or the
 * first post when all are read). NULL (message shown) if it cannot be read. */
struct ui_screen *ui_discussion_create(struct ui_app *app, int64_t thread_id, int64_t seq);
/* The discussion a discussion view shows, 0 if s is not one. */
int64_t ui_discussion_thread(const struct ui_screen *s);
/* If s is a discussion view of thread_id: reload it, show post seq at the top and return true. */
bool ui_discussion_goto(struct ui_screen *s, struct ui_app *app, int64_t thread_id, int64_t seq);
/* Search results for query (already searched: hits are taken over). */
struct ui_screen *ui_search_create(const char *query, struct store_hit *hits, size_t n);

/* The editor. Each returns NULL (message shown) if what it is for cannot be read. A saved
 * draft for the same purpose is loaded. */
struct ui_screen *ui_editor_new_thread(struct ui_app *app, int64_t board_id);
struct ui_screen *ui_editor_reply(struct ui_app *app, int64_t thread_id, int64_t quote_post_id);
struct ui_screen *ui_editor_edit(struct ui_app *app, int64_t post_id);
/* For a draft's context ("new:B", "reply:T[:P]", "edit:P"). */
struct ui_screen *ui_editor_from_context(struct ui_app *app, const char *context);
/* "new discussion in <board>", "reply to <title>" or "edit of post #N" for a draft context;
 * false if the context is malformed or what it is for no longer exists. */
bool ui_editor_describe(struct ui_app *app, const char *context, char *buf, size_t size);

/* An editor whose text goes somewhere of its opener's choosing (a challenge, a question). */
struct ui_editor_spec {
	const char *heading;
	const char *context;        /* draft context, NULL: no drafts */
	bool with_title;            /* a one-line "Title: " field above the text */
	size_t title_max, body_max; /* what may be sent (bytes) */
	const char *title, *body;   /* initial text, may be NULL (a saved draft replaces it) */
};
struct ui_editor_hooks {
	/* ^X, with the text not blank and within the limits. token: the editor's client token.
	 * Returns true when the text was taken: the editor deletes its draft and closes. False:
	 * it stays open (the hook showed a message, or opened a screen on top of it that ends
	 * with ui_editor_sent). */
	bool (*send)(struct ui_app *app, struct ui_screen *ed, void *ctx, const char *title,
		const char *body, const char *token);
	void (*free_ctx)(void *ctx);   /* may be NULL: ctx is not the editor's */
};
struct ui_screen *ui_editor_custom(struct ui_app *app, const struct ui_editor_spec *spec,
	const struct ui_editor_hooks *hooks, void *ctx);
/* The editor's text was taken: deletes its draft and, when it is the top screen, closes it. */
void ui_editor_sent(struct ui_app *app, struct ui_screen *ed);

/* ---- the challenge question ----
 * challenge.c         the challenge screen: the question, its challenges, the keys
 * challenge-act.c     what the challenge screens share: roles, endorsing, moderator keys,
 *                     area names, the question's date line
 * challenge-detail.c  one challenge (a pager with its own keys)
 * challenge-edit.c    submitting and editing through the editor and the area chooser
 * areas-choose.c      the focus area chooser
 * results.c archive.c question.c modlog.c  results, past questions, question settings,
 *                     the moderation record */
struct store_challenge;
struct store_question;
struct store_area;

/* The challenge screen of the current question (question_id 0) or of a past one
 * (read-only). NULL (message shown) when there is no such question. */
struct ui_screen *ui_challenge_create(struct ui_app *app, int64_t question_id, bool readonly);
/* For guests: a page with the current question's text and dates only (no challenges, no
 * counts) and "Members answer this question after logging in." */
struct ui_screen *ui_question_public_create(struct ui_app *app);
/* The detail of challenge id; NULL (message shown) if the member may not see it. */
struct ui_screen *ui_challenge_detail_create(struct ui_app *app, int64_t id);
/* If s is the detail screen of challenge id. */
bool ui_challenge_detail_is(const struct ui_screen *s, int64_t id);
/* The area chooser ("Focus areas for your challenge"): checked[] preselected. done() gets
 * the chosen ids (at least one) on Enter; it returns true when it has closed the chooser
 * (ui_app_pop), which then touches nothing of itself. */
typedef bool (*ui_areas_done_fn)(struct ui_app *app, void *ctx, const int64_t *areas, size_t n);
struct ui_screen *ui_areas_choose_create(struct ui_app *app, const int64_t *checked,
	size_t nchecked, ui_areas_done_fn done, void *ctx);
/* The editor for a new challenge to question_id, or to edit challenge id (c). NULL (message
 * shown) when the question is closed. */
struct ui_screen *ui_challenge_editor_new(struct ui_app *app, int64_t question_id);
struct ui_screen *ui_challenge_editor_edit(struct ui_app *app, const struct store_challenge *c);
/* Draft contexts "challenge:QUESTION_ID" and "challenge-edit:ID". */
bool ui_challenge_editor_context(const char *context);
struct ui_screen *ui_challenge_editor_from_context(struct ui_app *app, const char *context);
bool ui_challenge_editor_describe(struct ui_app *app, const char *context, char *buf,
	size_t size);
struct ui_screen *ui_results_create(struct ui_app *app, int64_t question_id);
struct ui_screen *ui_archive_create(struct ui_app *app);
struct ui_screen *ui_question_create(struct ui_app *app, int64_t question_id);
struct ui_screen *ui_modlog_create(struct ui_app *app);

/* challenge-act.c */
#define UI_ONLY_MODERATORS "Only moderators can do that"
#define UI_QUESTION_CLOSED "This question is closed: no new answers"
/* True for moderators and sysops. The store refuses members too; this only spares them a
 * prompt that would come to nothing. */
bool ui_is_moderator(const struct ui_app *app);
/* True for the moderator actions (M H U P Q). */
bool ui_challenge_mod_action(int action);
/* Handles a moderator action on challenge c (NULL: none selected; Q needs none) of question
 * question_id. Members get "Only moderators can do that" and nothing opens. Returns true if
 * something changed (reload). */
bool ui_challenge_moderate(struct ui_app *app, int action, const struct store_challenge *c,
	int64_t question_id);
/* e on someone else's challenge: endorse or take back, with the contract's messages. Returns
 * true if something changed. */
bool ui_challenge_endorse(struct ui_app *app, const struct store_challenge *c);
/* Appends "heading\n" and one line "  label: N" per count ("  none yet" if there are none). */
struct store_count;
void ui_challenge_counts(char **text, const char *heading, const struct store_count *v,
	size_t n);
/* "Open until YYYY-MM-DD", "Open", "Closed on ...", "Opens on ...". */
void ui_question_status(const struct store_question *q, char *buf, size_t size);
/* "Global, Technology" (short) or "Global response, Technology solutions" for c's areas. */
void ui_challenge_areas(const struct store_area *areas, size_t nareas,
	const struct store_challenge *c, bool short_names, char *buf, size_t size);

/* ---- membership (issue 5) ----
 * form.c      a form screen: labelled one-line, multi-line, hidden (password), choice and
 *             yes/no fields; shared by the screens below
 * apply.c     a guest's application for membership
 * join.c      `bbs --join`: invite code, then handle and a way to log in
 * account.c   "Your account": profile, keys, password, preferences; the forced password change
 * directory.c the member directory and a member's profile
 * messages.c  private messages: inbox, sent, read, reply, delete, block
 * announce.c  news and announcements (and the unread ones shown once after login) */
/* A form screen (form.c). Fields are added after ui_form_create, in order, and named by the
 * index the add function returns. Keys: Up/Down/Tab/Shift-Tab move between fields, Enter on a
 * one-line field goes to the next one (in a multi-line field it starts a new line; on the
 * button it submits), ^X submits, Esc leaves (asking first when something was typed), ^G help.
 * Space, Left and Right change a choice or a yes/no field. A bracketed paste goes into the
 * current text field after ui_editbuf_paste's sanitising. Each text field has a byte limit: a
 * key or paste that would pass it is refused whole with a message. Hidden (password) fields
 * draw one '*' per character, never the text. */
enum ui_form_kind {
	UI_FORM_TEXT,     /* one line, scrolls sideways */
	UI_FORM_HIDDEN,   /* one line, drawn as '*' */
	UI_FORM_MULTI,    /* a few rows, wrapped */
	UI_FORM_CHOICE,   /* one of fixed options */
	UI_FORM_YESNO,
	UI_FORM_NOTE,     /* read-only text (wrapped), never selected */
	UI_FORM_BUTTON,   /* Enter submits */
};
/* Submit hook (^X or Enter on the button). Returns NULL when the form is done: the form then
 * closes itself and opens *next if the hook set it. Otherwise returns an error message (copied
 * at once) that the form shows under field *field (-1: on the message row) and stays open. */
typedef const char *(*ui_form_submit_fn)(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next);
/* Called after a choice or yes/no field changed (may show or hide fields); may be NULL. */
typedef void (*ui_form_change_fn)(struct ui_app *app, struct ui_screen *form, void *ctx,
	int field);
struct ui_form_spec {
	const char *heading;
	const char *intro;            /* may be NULL: a paragraph under the heading */
	ui_form_submit_fn submit;
	ui_form_change_fn change;     /* may be NULL */
	void (*free_ctx)(void *ctx);  /* may be NULL */
	bool no_leave;                /* Esc asks "Log off?" instead of leaving (a forced form) */
};
/* spec's strings are copied. ctx belongs to the form when spec->free_ctx is set. */
struct ui_screen *ui_form_create(const struct ui_form_spec *spec, void *ctx);
/* Adds a field; returns its index. label: "Handle"; value: initial text (NULL: empty) for
 * text kinds, the note's text for UI_FORM_NOTE, the button's label for UI_FORM_BUTTON. max:
 * byte limit of a text field. rows: visible rows of a multi-line field. */
int ui_form_add(struct ui_screen *form, enum ui_form_kind kind, const char *label,
	const char *value, size_t max, int rows);
/* A choice among n options (copied pointers: the strings must outlive the form), sel chosen. */
int ui_form_add_choice(struct ui_screen *form, const char *label, const char *const *options,
	size_t n, size_t sel);
int ui_form_add_yesno(struct ui_screen *form, const char *label, bool yes);
/* A field's clean text ("" for non-text kinds); valid until the field changes. */
const char *ui_form_text(struct ui_screen *form, int field);
size_t ui_form_choice(struct ui_screen *form, int field);
bool ui_form_yes(struct ui_screen *form, int field);
/* Shows or hides a field (hidden fields are neither drawn nor visited). */
void ui_form_show(struct ui_screen *form, int field, bool shown);
/* Replaces a text field's text (a hidden field's old text is wiped first) or a note's text. */
void ui_form_set_text(struct ui_screen *form, int field, const char *text);
/* Wipes the text of every hidden (password) field (after use). */
void ui_form_wipe_hidden(struct ui_screen *form);
/* Moves the selection to field. */
void ui_form_focus(struct ui_screen *form, int field);
/* True if s is a form screen. */
bool ui_form_is(const struct ui_screen *s);
/* account.c, for the joining screens too: checks a new password typed twice (the same, and
 * keys_password_policy) and hashes it into out (size >= KEYS_PWHASH_LEN). NULL on success,
 * else a static message (then out is ""). */
const char *ui_account_new_password(const char *pw, const char *again, char *out, size_t size);
/* Checks a time zone name: "" or "UTC" (UTC), or an IANA name whose file
 * /usr/share/zoneinfo/NAME is a regular file. */
bool ui_account_zone_valid(const char *name);

/* For a guest: the application form. NULL (message shown) if applications are closed. */
struct ui_screen *ui_apply_create(struct ui_app *app);
/* For `bbs --join`: the first screen (asks for the invite code). */
struct ui_screen *ui_join_create(struct ui_app *app);
/* After the join screen ended the session (too many wrong codes): the line to print below
 * the screen into buf and true; else "" and false. */
bool ui_join_goodbye(char *buf, size_t size);
/* Exit status of `bbs` after too many wrong invite codes (bbsd counts it as a failed login). */
#define BBS_UI_EXIT_ABUSE 4
/* Colours off (a member's preference): call before ui_term_open. */
void ui_term_set_colour(bool on);
/* "Your account" for the member. */
struct ui_screen *ui_account_create(struct ui_app *app);
/* The forced password change (must_change_password): the first screen before the menu. */
struct ui_screen *ui_password_forced_create(struct ui_app *app);
struct ui_screen *ui_directory_create(struct ui_app *app);
/* A member's profile (from the directory or a message); NULL (message shown) if not listed. */
struct ui_screen *ui_member_profile_create(struct ui_app *app, const char *handle);
struct ui_screen *ui_messages_create(struct ui_app *app);
/* The editor for a new message to handle (asks for the handle when NULL). */
struct ui_screen *ui_message_compose(struct ui_app *app, const char *handle);
struct ui_screen *ui_announcements_create(struct ui_app *app);
/* Draft contexts "message:HANDLE" and "message-reply:ID" (messages.c), for the draft offer
 * after login (ui_editor_from_context / ui_editor_describe). */
bool ui_message_context(const char *context);
struct ui_screen *ui_message_from_context(struct ui_app *app, const char *context);
bool ui_message_describe(struct ui_app *app, const char *context, char *buf, size_t size);

/* ---- administration and moderation (issue 6) ----
 * admin.c          the admin menu (sysops: every section; moderators: the moderation part)
 * admin-members.c  members: list, filters, search, one member's screen and its actions
 * admin-invites.c  invites: create, list, revoke
 * admin-online.c   who is online: sessions, end one
 * admin-audit.c    the audit log: browse and filter
 * admin-structure.c  focus areas, boards, pages, site name, registration mode, guest access
 * reports.c        reporting a post, challenge or message; the moderators' report queue */
/* NULL (message shown) for members. */
struct ui_screen *ui_admin_create(struct ui_app *app);
struct ui_screen *ui_admin_members_create(struct ui_app *app);
struct ui_screen *ui_admin_invites_create(struct ui_app *app);
struct ui_screen *ui_admin_online_create(struct ui_app *app);
struct ui_screen *ui_admin_audit_create(struct ui_app *app);
struct ui_screen *ui_admin_structure_create(struct ui_app *app);
struct ui_screen *ui_reports_create(struct ui_app *app);
/* Asks for a reason and files a report (enum store_report_kind); shows the outcome. */
void ui_report_ask(struct ui_app *app, int kind, int64_t target_id);
/* True for sysops (not for a guest or a join visitor). */
bool ui_is_sysop(const struct ui_app *app);
/* The role check of the sysop-only admin screens, made again at each action (the role may
 * have changed since the screen opened): false for a sysop; otherwise shows UI_ONLY_SYSOPS
 * and returns true. */
bool ui_refuse_non_sysop(struct ui_app *app);
#define UI_ONLY_SYSOPS "Only sysops can do that"
#define UI_ONLY_STAFF "Only sysops and moderators can do that"
/* reports.c: the verified mark after a member's name: " ✓" (ASCII mode: " (verified)"),
 * "" when not verified. */
const char *ui_verified_mark(bool verified);
/* reports.c: after BBS_ERR_DENIED from posting, replying, submitting or sending: if the
 * member is silenced now (read again from the store), shows "You are silenced until DATE:
 * REASON" and returns true; else shows nothing and returns false. */
bool ui_silenced_message(struct ui_app *app);
/* reports.c: moderators pin or unpin discussion thread_id (message shown); true if done. */
bool ui_mod_thread_pin(struct ui_app *app, int64_t thread_id, bool pinned);
/* reports.c: moderators choose a board from a list (every board but from_board) and the
 * discussion moves there (message shown). */
void ui_mod_thread_move(struct ui_app *app, int64_t thread_id, int64_t from_board);
/* admin-structure.c: a list to choose one of n items (labels copied). On Enter the chooser
 * closes itself, then calls done(app, ctx, index) (then the screen below resumes again); free_ctx (may be NULL) frees ctx when the
 * chooser is gone, chosen or not. */
typedef void (*ui_choose_fn)(struct ui_app *app, void *ctx, size_t index);
struct ui_screen *ui_choose_create(const char *heading, const char *const *labels, size_t n,
	ui_choose_fn done, void *ctx, void (*free_ctx)(void *ctx));

/* ---- going back to where the member was after a dropped link (resume.c) ---- */
/* At the end of ui_app_run, before the screens are destroyed: the position of the top-most
 * screen that has a where() hook, when the session ends by a hangup or a signal; "" after a
 * log off, the quick exit or the idle logout. Written by ui_resume_save. */
void ui_resume_note(struct ui_app *app);
/* After the screens were destroyed (drafts saved first): stores what ui_resume_note noted
 * (store_user_set_resume). Members only; does nothing for guests and newcomers. */
void ui_resume_save(struct ui_app *app);
/* Right after login (menu.c, before the draft offer): offers "Go back to where you were
 * (...)? [y/N]" for a stored position that still parses and that the member may still see;
 * y opens it, anything else clears it; a position no longer there is cleared with a short
 * message. A hangup while asking keeps it. */
void ui_resume_offer(struct ui_app *app);

/* ---- shared navigation (nav.c) ---- */
/* Opens the next discussion with unread posts at its first unread post, on top of the current
 * screen, or in its place when replace is true (from a discussion view); "No unread posts"
 * when there is none. */
void ui_nav_next_unread(struct ui_app *app, bool replace);
/* Asks "Search: " and opens the results, or shows "No posts match <words>". */
void ui_nav_search(struct ui_app *app);

#endif
