/*
 * term.c: terminal setup and fallback, curses modes, key definitions, signals, key input.
 *
 * bbsd gives us TERM from the client's pty request, so it can be anything. initscr() exits
 * the process on an unknown type, so each candidate is checked with setupterm() first and
 * curses is started with newterm(): TERM, then xterm-256color, then vt100. A known type that
 * cannot address the cursor ("dumb", hardcopy) gets no full-screen UI.
 *
 * Signals: SIGHUP/SIGTERM/SIGINT end the session promptly, whatever we are doing. Once curses
 * runs, the handler only records the signal, wakes the key wait through a pipe (so there is no
 * window between checking a flag and sleeping) and arms alarm(): the key wait then reports
 * UI_KEY_HANGUP, the editor saves the member's draft, and the program unwinds normally. If it
 * has not ended when the alarm fires (a write blocked on a stalled link, a busy database), the
 * SIGALRM handler restores the saved tty modes, puts the screen back (not after a hangup: the
 * terminal is gone) and leaves with _exit(), using only async-signal-safe calls. Before curses
 * starts, the first handler does that at once.
 *
 * SIGWINCH is ours, not curses': it is blocked except while we wait for input in ppoll(), so
 * a resize that arrives while we draw is seen the moment we wait (curses' own handler only
 * looks at its flag before drawing and after an interrupted read, and misses a resize that
 * lands in between). We then ask the pty for its size and call resizeterm().
 *
 * Input: curses reads in nodelay mode (it decodes key sequences, waiting ESCDELAY for the rest
 * of one); when it has nothing, we wait in ppoll() without a timeout (or with the caller's
 * timeout: only the editor's draft timer asks for one). UTF-8 is assembled here from single
 * bytes, so a character split across two reads is kept, not dropped.
 *
 * Bracketed paste is switched on (ESC [?2004h). When ESC [200~ arrives, keypad decoding is
 * switched off and the raw bytes are collected until ESC [201~ (matched here byte by byte), so
 * nothing in a paste is ever taken for a key: an ESC inside pasted text is just text. The text
 * is bounded (UI_PASTE_MAX); the rest of a larger paste is dropped and flagged.
 *
 * Quick exit (^\, byte 0x1C, never a signal in raw mode): the moment it is read, the screen,
 * the alternate screen and the terminal's scrollback are cleared (ESC [2J, ESC [3J, rmcup in
 * between), the tty modes are restored, and stdout/stderr are pointed at /dev/null so that
 * nothing curses or the program writes while it unwinds (saving the editor's draft) can put
 * portal text back on the member's screen. Every later key wait then reports UI_KEY_HANGUP
 * and the exit status is 0. The same alarm as for a signal bounds the unwinding.
 *
 * Idle logout (idle.c keeps the deadlines): the key wait also wakes when the idle warning or
 * the idle logout is due, and only then; at logout it reports UI_KEY_HANGUP (status 0).
 *
 * Must never: call initscr(), poll with a timeout nobody asked for (the caller's or an idle
 * deadline), or pass key bytes on unchecked.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "text/text.h"

#include <term.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Terminal type names are looked up as file names in the terminfo database: accept only a
 * short name of safe characters (no '/', no "..", nothing a client could use as a path). */
#define TERM_NAME_MAX 64

/* How long curses waits after ESC for the rest of a sequence. Short so that Esc feels
 * immediate; an SSH client sends a whole key sequence in one packet. */
#define TERM_ESCDELAY_MS 25

/* Bounds on the size we lay out for: a hostile client may claim any window size, and curses
 * allocates rows x cols cells. A bigger window just shows the portal at this size. */
#define TERM_MAX_ROWS 500
#define TERM_MAX_COLS 1000

/* Seconds a signal leaves the program to save a draft and unwind before it is ended anyway. */
#define TERM_SIGNAL_GRACE_S 1

/* Key codes of our own for define_key (above every curses code). */
enum {
	TERM_KEY_WORD_LEFT = KEY_MAX + 1,
	TERM_KEY_WORD_RIGHT,
	TERM_KEY_PASTE_BEGIN,
};

#define TERM_PASTE_END "\033[201~"
#define TERM_PASTE_END_LEN 6
#define TERM_PASTE_ON "\033[?2004h"
#define TERM_PASTE_OFF "\033[?2004l"

static SCREEN *term_screen;
static bool term_cursor_hidden;
static bool term_colors;
static bool term_colour_wanted = true;  /* a member may turn colours off */
static int term_heading = A_BOLD;

static volatile sig_atomic_t term_winch;    /* a SIGWINCH arrived since we last looked */
static sigset_t term_wait_mask;             /* the signal mask while waiting in ppoll */
static struct termios term_saved_tio;       /* modes before curses, for the signal path */
static bool term_have_tio;
static char term_reset[256];                /* precomputed: attributes off, leave ca mode */
static size_t term_reset_len;
static char term_wipe[320];                 /* precomputed: clear, scrollback, leave ca mode, clear */
static size_t term_wipe_len;
/* Why the session is ending without a signal: quick exit or idle logout (both status 0). */
enum { TERM_QUIT_NONE, TERM_QUIT_QUICK, TERM_QUIT_IDLE };
static volatile sig_atomic_t term_quit;
static volatile sig_atomic_t term_defer;    /* signals are noted, not acted on at once */
static volatile sig_atomic_t term_sig;      /* the signal that asked us to end, 0 if none */
static int term_wake[2] = { -1, -1 };       /* the handler writes a byte to wake ppoll */
static bool term_cursor_shown;              /* ui_term_show_cursor(true) is in effect */
static bool term_paste_mode;                /* bracketed paste switched on */
static int term_stash;                      /* a key read ahead (ui_term_pending), 0 if none */

/* A bracketed paste being collected. */
static bool term_in_paste;
static char *term_paste_buf;
static size_t term_paste_len;
static bool term_paste_over;
static size_t term_paste_match;             /* bytes of TERM_PASTE_END matched so far */

/* A UTF-8 character being assembled from the bytes curses hands us. */
static unsigned char term_mb[4];
static size_t term_mb_len, term_mb_need;

/* Both forms of the cursor and editing keys: many clients (paramiko, some PuTTY settings)
 * send CSI sequences while the terminfo entry in keypad mode expects SS3, or the reverse. */
static const struct {
	const char *seq;
	int key;
} term_extra_keys[] = {
	/* Word moves: Ctrl-Left/Right as xterm, rxvt and PuTTY send them; Alt-b / Alt-f. */
	{ "\033[1;5D", TERM_KEY_WORD_LEFT }, { "\033[1;5C", TERM_KEY_WORD_RIGHT },
	{ "\033[5D", TERM_KEY_WORD_LEFT }, { "\033[5C", TERM_KEY_WORD_RIGHT },
	{ "\033Od", TERM_KEY_WORD_LEFT }, { "\033Oc", TERM_KEY_WORD_RIGHT },
	{ "\033b", TERM_KEY_WORD_LEFT }, { "\033f", TERM_KEY_WORD_RIGHT },
	{ "\033[200~", TERM_KEY_PASTE_BEGIN },
	{ "\033[A", KEY_UP }, { "\033OA", KEY_UP },
	{ "\033[B", KEY_DOWN }, { "\033OB", KEY_DOWN },
	{ "\033[C", KEY_RIGHT }, { "\033OC", KEY_RIGHT },
	{ "\033[D", KEY_LEFT }, { "\033OD", KEY_LEFT },
	{ "\033[H", KEY_HOME }, { "\033OH", KEY_HOME }, { "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME },
	{ "\033[F", KEY_END }, { "\033OF", KEY_END }, { "\033[4~", KEY_END }, { "\033[8~", KEY_END },
	{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
	{ "\033[2~", KEY_IC }, { "\033[3~", KEY_DC },
	{ "\033[Z", KEY_BTAB },   /* Shift-Tab (forms) */
};

/* Leaves at once from a signal handler: async-signal-safe calls only. */
static void term_write_all(const char *s, size_t n);

static void term_exit_now(int sig)
{
	if (term_have_tio)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &term_saved_tio);
	/* After a hangup the terminal is gone; after SIGTERM put the screen back. */
	if (sig != SIGHUP && term_reset_len > 0) {
		ssize_t r = write(STDOUT_FILENO, term_reset, term_reset_len);
		(void)r;
	}
	_exit(128 + sig);
}

static void term_on_signal(int sig)
{
	if (!term_defer)
		term_exit_now(sig);
	int saved = errno;
	if (!term_sig) {
		term_sig = sig;
		/* The bound on how long saving and unwinding may take. */
		(void)alarm(TERM_SIGNAL_GRACE_S);
	}
	if (term_wake[1] >= 0) {
		ssize_t r = write(term_wake[1], "", 1);
		(void)r; /* a full pipe already wakes ppoll */
	}
	errno = saved;
}

static void term_on_alarm(int sig)
{
	if (term_quit == TERM_QUIT_QUICK)
		_exit(0); /* the screen is already wiped and the modes restored */
	if (term_quit == TERM_QUIT_IDLE) {
		if (term_have_tio)
			(void)tcsetattr(STDIN_FILENO, TCSANOW, &term_saved_tio);
		term_write_all(term_reset, term_reset_len);
		_exit(0);
	}
	term_exit_now(term_sig ? term_sig : sig);
}

static void term_on_winch(int sig)
{
	(void)sig;
	term_winch = 1;
}

/* Installs our handlers. Called before newterm (so that curses, which only takes signals
 * that are at their default, leaves them alone) and again after it, to be sure. */
static void term_install_signals(void)
{
	static const int ends[] = { SIGHUP, SIGTERM, SIGINT };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = term_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		sigaddset(&sa.sa_mask, ends[i]);
	sigaddset(&sa.sa_mask, SIGWINCH);
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
		if (sigaction(ends[i], &sa, NULL) != 0)
			log_warn("sigaction(%d) failed", ends[i]);
	sa.sa_handler = term_on_alarm;
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		log_warn("sigaction(SIGALRM) failed");

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = term_on_winch;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: ppoll must come back when the window changes. */
	if (sigaction(SIGWINCH, &sa, NULL) != 0)
		log_warn("sigaction(SIGWINCH) failed");
}

/* Blocks SIGWINCH except inside ppoll (see the comment at the top). */
static void term_block_winch(void)
{
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &block, &old) != 0)
		log_warn("sigprocmask failed");
	term_wait_mask = old;
	sigdelset(&term_wait_mask, SIGWINCH);
}

static bool term_name_ok(const char *name)
{
	size_t n = 0;

	if (!name)
		return false;
	for (; name[n]; n++) {
		char c = name[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '+';
		if (!ok || n >= TERM_NAME_MAX)
			return false;
	}
	return n > 0 && name[0] != '.';
}

enum term_probe { PROBE_UNKNOWN, PROBE_DUMB, PROBE_OK };

/* Looks name up without starting curses (setupterm with an error pointer never exits). */
static enum term_probe term_probe(const char *name)
{
	int err = 0;

	if (!term_name_ok(name))
		return PROBE_UNKNOWN;
	if (setupterm(name, STDOUT_FILENO, &err) != OK)
		return PROBE_UNKNOWN;
	const char *cup = tigetstr("cup");
	bool addressable = cup != NULL && cup != (char *)-1 && tigetflag("hc") <= 0;
	/* "gn" marks placeholder entries such as "unknown": as good as no entry at all. */
	bool generic = tigetflag("gn") > 0;
	del_curterm(cur_term);
	if (generic)
		return PROBE_UNKNOWN;
	return addressable ? PROBE_OK : PROBE_DUMB;
}

/* Appends terminfo capability name to buf[*len], without "$<..>" padding. */
static void term_add_reset_cap(const char *name, char *buf, size_t size, size_t *len)
{
	const char *s = tigetstr(name);

	if (!s || s == (char *)-1)
		return;
	for (; *s && *len < size - 1; s++) {
		if (s[0] == '$' && s[1] == '<') {
			const char *end = strchr(s, '>');
			if (end) {
				s = end;
				continue;
			}
		}
		buf[(*len)++] = *s;
	}
}

/* What the signal handler writes to put the terminal back, computed while it is safe to ask
 * terminfo. The length is published last, so the handler never sees a half-built string. */
static void term_make_reset(void)
{
	size_t len = 0;

	term_reset_len = 0;
	term_add_reset_cap("sgr0", term_reset, sizeof term_reset, &len);
	term_add_reset_cap("cnorm", term_reset, sizeof term_reset, &len);
	term_add_reset_cap("rmkx", term_reset, sizeof term_reset, &len);
	term_add_reset_cap("rmcup", term_reset, sizeof term_reset, &len);
	static const char paste_off[] = "\033[?2004l";
	if (len + sizeof paste_off - 1 < sizeof term_reset) {
		memcpy(term_reset + len, paste_off, sizeof paste_off - 1);
		len += sizeof paste_off - 1;
	}
	if (len + 2 < sizeof term_reset) {
		term_reset[len++] = '\r';
		term_reset[len++] = '\n';
	}
	term_reset_len = len;

	/* The quick exit's wipe: clear and home, erase the scrollback (ESC [3J: xterm, PuTTY,
	 * tmux, VTE), attributes off, cursor back, leave the alternate screen, then the same on
	 * the normal screen, which may still show what came before the portal. */
	static const char clear[] = "\033[H\033[2J\033[3J";
	len = 0;
	memcpy(term_wipe, clear, sizeof clear - 1);
	len += sizeof clear - 1;
	term_add_reset_cap("sgr0", term_wipe, sizeof term_wipe - (sizeof clear - 1), &len);
	term_add_reset_cap("cnorm", term_wipe, sizeof term_wipe - (sizeof clear - 1), &len);
	term_add_reset_cap("rmkx", term_wipe, sizeof term_wipe - (sizeof clear - 1), &len);
	term_add_reset_cap("rmcup", term_wipe, sizeof term_wipe - (sizeof clear - 1), &len);
	memcpy(term_wipe + len, clear, sizeof clear - 1);
	len += sizeof clear - 1;
	term_wipe_len = len;
}

static void term_set_modes(void)
{
	/* raw rather than cbreak: ^C, ^Z, ^S and ^Q are keys, never signals or flow control. */
	if (raw() != OK || noecho() != OK)
		log_warn("cannot set terminal modes");
	/* nonl lets curses move with CR (fewer bytes); Enter may then come as CR or LF. */
	(void)nonl();
	(void)intrflush(stdscr, FALSE);
	(void)keypad(stdscr, TRUE);
	(void)meta(stdscr, TRUE);
	(void)set_escdelay(TERM_ESCDELAY_MS);

	term_cursor_hidden = curs_set(0) != ERR;
	/* With the cursor hidden, curses need not move it after each update: fewer bytes. */
	if (term_cursor_hidden)
		(void)leaveok(stdscr, TRUE);

	for (size_t i = 0; i < sizeof term_extra_keys / sizeof term_extra_keys[0]; i++)
		if (define_key(term_extra_keys[i].seq, term_extra_keys[i].key) != OK)
			log_debug("define_key %zu failed", i);

	/* No typeahead checks during an update: curses would flush its output before each check,
	 * sending a screen in dozens of small writes (dozens of SSH packets, each with its own
	 * overhead, and half-drawn screens in between). The event loop already skips drawing while
	 * input is waiting, so each update goes out in one write. */
	(void)typeahead(-1);

	/* Hardware scrolling (insert/delete line, scroll regions): scrolling a discussion by one
	 * line then costs about one line of output instead of a whole screen. */
	(void)idlok(stdscr, TRUE);


	if (term_colour_wanted && has_colors() && start_color() == OK) {
		short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
		if (init_pair(1, COLOR_CYAN, bg) == OK) {
			term_colors = true;
			term_heading = A_BOLD | COLOR_PAIR(1);
		}
	}

	/* curses never blocks in a read: we wait in ppoll (see ui_term_getkey). */
	(void)nodelay(stdscr, TRUE);
	term_make_reset();
}

/* Lays out for the pty's size, within bounds. Returns true if the size changed. */
static bool term_apply_size(void)
{
	struct winsize ws;
	int rows, cols;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) {
		/* No size from the pty: keep what curses has, but within bounds. */
		rows = LINES;
		cols = COLS;
	} else {
		rows = ws.ws_row;
		cols = ws.ws_col;
	}
	if (rows > TERM_MAX_ROWS)
		rows = TERM_MAX_ROWS;
	if (cols > TERM_MAX_COLS)
		cols = TERM_MAX_COLS;
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	if (rows == LINES && cols == COLS)
		return false;
	if (resizeterm(rows, cols) != OK)
		log_warn("resizeterm(%d, %d) failed", rows, cols);
	return true;
}

enum ui_term_result ui_term_open(const char **used_term)
{
	const char *env = getenv("TERM");
	const char *candidates[] = { env, "xterm-256color", "vt100" };
	const char *chosen = NULL;

	*used_term = NULL;
	if (env && strcmp(env, "dumb") == 0)
		return UI_TERM_DUMB;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return UI_TERM_FAIL;

	if (tcgetattr(STDIN_FILENO, &term_saved_tio) == 0)
		term_have_tio = true;

	/* Before newterm, so that curses leaves these signals to us. */
	term_install_signals();

	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0] && !chosen; i++) {
		if (!candidates[i] || !candidates[i][0])
			continue;
		switch (term_probe(candidates[i])) {
		case PROBE_OK:
			term_screen = newterm(candidates[i], stdout, stdin);
			if (term_screen)
				chosen = candidates[i];
			break;
		case PROBE_DUMB:
			if (i == 0)
				return UI_TERM_DUMB; /* a real terminal type, just not a screen */
			break;
		case PROBE_UNKNOWN:
			break;
		}
	}
	if (!chosen)
		return UI_TERM_FAIL;

	(void)set_term(term_screen);
	/* Until the screen has been left once with endwin() and taken back by an update, ncurses
	 * flushes its output after every cursor movement (its "initial" state), so each update
	 * would leave in one write per row: one SSH packet each, with its overhead, and half-drawn
	 * screens in between. Doing that now, before anything is drawn, costs a few bytes once;
	 * and before colours start, so that coming back sends no palette reset (an OSC). */
	(void)endwin();
	(void)doupdate();
	term_install_signals();
	term_block_winch();
	term_set_modes();
	(void)term_apply_size();
	/* From now on a signal is noted and handled by the program (see the top). Without the
	 * wake pipe the handler could not wake ppoll reliably, so then it keeps ending at once. */
	if (pipe2(term_wake, O_NONBLOCK | O_CLOEXEC) == 0)
		term_defer = 1;
	else
		log_warn("pipe2 failed: signals end the session at once");
	*used_term = chosen;
	return UI_TERM_OK;
}

void ui_term_close(void)
{
	if (!term_screen)
		return;
	if (term_paste_mode)
		term_write_all(TERM_PASTE_OFF, sizeof TERM_PASTE_OFF - 1);
	if (term_cursor_shown)
		(void)curs_set(0);
	(void)endwin();
	delscreen(term_screen);
	term_screen = NULL;
	free(term_paste_buf);
	term_paste_buf = NULL;
}

/* Normalises a key code from curses (not a UTF-8 byte) to a UI key. */
static int term_fn_key(int ch)
{
	switch (ch) {
	case KEY_BACKSPACE: return UI_KEY_BACKSPACE;
	case KEY_ENTER: return UI_KEY_ENTER;
	case TERM_KEY_WORD_LEFT: return UI_KEY_WORD_LEFT;
	case TERM_KEY_WORD_RIGHT: return UI_KEY_WORD_RIGHT;
	default: return UI_FN(ch);
	}
}

/* Feeds one input byte; returns a key, or 0 while a UTF-8 character is incomplete or was
 * malformed (malformed input is dropped: it cannot be a key). */
static int term_byte(int byte)
{
	if (term_mb_len > 0 && (byte & 0xC0) != 0x80) {
		/* The character was cut short: drop it and read this byte afresh. */
		term_mb_len = 0;
	}
	if (term_mb_len == 0) {
		if (byte < 0x80) {
			if (byte == '\r' || byte == '\n')
				return UI_KEY_ENTER;
			if (byte == 8 || byte == 127)
				return UI_KEY_BACKSPACE;
			return byte; /* 0 (NUL) is no key */
		}
		if (byte >= 0xC2 && byte <= 0xDF)
			term_mb_need = 2;
		else if (byte >= 0xE0 && byte <= 0xEF)
			term_mb_need = 3;
		else if (byte >= 0xF0 && byte <= 0xF4)
			term_mb_need = 4;
		else
			return 0; /* a stray continuation byte or an invalid lead */
	}
	term_mb[term_mb_len++] = (unsigned char)byte;
	if (term_mb_len < term_mb_need)
		return 0;
	term_mb_len = 0;

	uint32_t cp = 0;
	/* text_utf8_valid rejects overlongs and surrogates that the lead byte let through. */
	if (!text_utf8_valid((const char *)term_mb, term_mb_need))
		return 0;
	(void)text_utf8_decode((const char *)term_mb, term_mb_need, &cp);
	return (int)cp;
}

static void term_paste_add(const char *p, size_t n)
{
	if (term_paste_over)
		return;
	if (n > UI_PASTE_MAX - term_paste_len) {
		term_paste_over = true; /* the rest is dropped; the screen refuses the paste */
		return;
	}
	if (!term_paste_buf)
		term_paste_buf = xmalloc(UI_PASTE_MAX);
	memcpy(term_paste_buf + term_paste_len, p, n);
	term_paste_len += n;
}

static void term_paste_begin(void)
{
	term_in_paste = true;
	term_paste_len = 0;
	term_paste_over = false;
	term_paste_match = 0;
	term_mb_len = 0;
	/* Raw bytes from here to the end marker: nothing in a paste may become a key. */
	(void)keypad(stdscr, FALSE);
}

/* One byte inside a paste. Returns UI_KEY_PASTE when the end marker completed it, else 0. */
static int term_paste_byte(int byte)
{
	char c = (char)byte;

	for (;;) {
		if (c == TERM_PASTE_END[term_paste_match]) {
			if (++term_paste_match < TERM_PASTE_END_LEN)
				return 0;
			term_in_paste = false;
			term_paste_match = 0;
			(void)keypad(stdscr, TRUE);
			return UI_KEY_PASTE;
		}
		if (term_paste_match == 0) {
			term_paste_add(&c, 1);
			return 0;
		}
		/* Not the end marker after all: what matched was text; look at c again. */
		term_paste_add(TERM_PASTE_END, term_paste_match);
		term_paste_match = 0;
	}
}

/* Reads what curses has without waiting. Returns a key (> 0), 0 when a byte was used but no
 * key is complete yet, or -1 when there is nothing to read. */
static int term_read_key(void)
{
	int ch = wgetch(stdscr);

	if (ch == ERR)
		return -1;
	if (term_in_paste)
		return term_paste_byte(ch & 0xFF);
	if (ch == KEY_RESIZE)
		return 0; /* resizeterm's own notice: we report the resize ourselves */
	if (ch == TERM_KEY_PASTE_BEGIN) {
		term_paste_begin();
		return 0;
	}
	if (ch >= KEY_MIN) {
		term_mb_len = 0;
		return term_fn_key(ch);
	}
	return term_byte(ch & 0xFF);
}

static void term_drain_wake(void)
{
	char buf[64];

	while (term_wake[0] >= 0 && read(term_wake[0], buf, sizeof buf) > 0)
		;
}

/*
 * The session is ending (a signal, or the input has gone): hands out what the member typed
 * that is still unread, then UI_KEY_HANGUP, so that the last keystrokes reach the draft. A
 * bracketed paste cut off by the drop is delivered as far as it came. Reads only what is
 * there (never waits); the signal's alarm bounds how long a flood could keep this going.
 */
static int term_last_keys(void)
{
	if (term_stash) {
		int key = term_stash;
		term_stash = 0;
		return key;
	}
	for (;;) {
		int key = term_read_key();
		if (key > 0)
			return key;
		if (key < 0)
			break;
	}
	if (term_in_paste && term_paste_len > 0) {
		if (term_paste_match > 0)
			term_paste_add(TERM_PASTE_END, term_paste_match);
		term_in_paste = false;
		term_paste_match = 0;
		return UI_KEY_PASTE;
	}
	return UI_KEY_HANGUP;
}

static int64_t term_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The quick exit: wipe the screen at once, restore the modes and send every later byte of
 * output nowhere (see the top). */
static void term_quick_exit(void)
{
	if (term_quit)
		return;
	term_quit = TERM_QUIT_QUICK;
	/* What curses still holds must not go out after the wipe. */
	(void)fflush(stdout);
	if (term_paste_mode)
		term_write_all(TERM_PASTE_OFF, sizeof TERM_PASTE_OFF - 1);
	term_write_all(term_wipe, term_wipe_len);
	if (term_have_tio)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &term_saved_tio);
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			log_warn("quick exit: cannot silence the output");
		(void)close(fd);
	}
	/* Saving a draft and unwinding get the same bound as after a signal. */
	(void)alarm(TERM_SIGNAL_GRACE_S);
}

/* Every key leaves through here: the quick-exit key ends the session, any other key is
 * activity for the idle timer. */
static int term_deliver(int key)
{
	if (key == UI_KEY_QUICK_EXIT) {
		term_quick_exit();
		return UI_KEY_HANGUP;
	}
	ui_idle_activity();
	return key;
}

bool ui_term_quick_exited(void)
{
	return term_quit == TERM_QUIT_QUICK;
}

int ui_term_getkey_timeout(int ms)
{
	int idle = 0; /* times ppoll said "readable" but curses found nothing */
	int64_t deadline = ms >= 0 ? term_now_ms() + ms : 0;

	for (;;) {
		if (term_quit == TERM_QUIT_QUICK)
			return UI_KEY_HANGUP;
		if (term_sig || term_quit)
			return term_last_keys();
		if (term_winch) {
			term_winch = 0;
			if (term_apply_size())
				return term_deliver(UI_KEY_RESIZE);
		}
		if (term_stash) {
			int key = term_stash;
			term_stash = 0;
			return term_deliver(key);
		}

		int key = term_read_key();
		if (key > 0)
			return term_deliver(key);
		if (key == 0) {
			idle = 0;
			continue;
		}
		/* A live terminal cannot stay readable with nothing to read; never spin. */
		if (idle > 100)
			return UI_KEY_HANGUP;

		/* Nothing buffered: wait for input, a signal or a resize, with SIGWINCH unblocked
		 * only inside ppoll, so none can slip in between the check above and the wait. */
		struct timespec ts, *tsp = NULL;
		int64_t now = term_now_ms();
		int64_t left = -1;
		if (ms >= 0) {
			left = deadline - now;
			if (left <= 0)
				return UI_KEY_TIMEOUT;
		}
		/* The idle warning or logout, when one is due before the caller's deadline. */
		int64_t idle_left = ui_idle_due_ms();
		if (idle_left == 0) {
			if (ui_idle_fire()) {
				term_quit = TERM_QUIT_IDLE;
				(void)alarm(TERM_SIGNAL_GRACE_S);
				return term_last_keys();
			}
			continue; /* the warning is shown; wait for the logout */
		}
		if (idle_left > 0 && (left < 0 || idle_left < left))
			left = idle_left;
		if (left >= 0) {
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000L;
			tsp = &ts;
		}
		struct pollfd p[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = term_wake[0], .events = POLLIN },
		};
		int r = ppoll(p, term_wake[0] >= 0 ? 2 : 1, tsp, &term_wait_mask);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return UI_KEY_HANGUP;
		}
		if (term_wake[0] >= 0 && (p[1].revents & POLLIN))
			term_drain_wake();
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			return term_last_keys(); /* the pty's other side has gone */
		if (p[0].revents & POLLIN)
			idle++;
	}
}

int ui_term_getkey(void)
{
	return ui_term_getkey_timeout(-1);
}

int ui_term_peek(void)
{
	if (term_stash)
		return term_stash;
	for (;;) {
		int key = term_read_key();
		if (key > 0) {
			term_stash = key;
			return key;
		}
		if (key < 0)
			return 0;
	}
}

bool ui_term_pending(void)
{
	return ui_term_peek() != 0;
}

void ui_term_paste(const char **text, size_t *len, bool *overflow)
{
	*text = term_paste_buf ? term_paste_buf : "";
	*len = term_paste_len;
	*overflow = term_paste_over;
}

void ui_term_show_cursor(bool show)
{
	/* Where the cursor cannot be hidden it is always shown; nothing to switch. */
	if (!term_cursor_hidden || show == term_cursor_shown)
		return;
	(void)curs_set(show ? 1 : 0);
	(void)leaveok(stdscr, show ? FALSE : TRUE);
	term_cursor_shown = show;
}

/* Writes all of s (the terminal may take it in pieces). */
static void term_write_all(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

void ui_term_updated(void)
{
	/* Bracketed paste: terminals that know it mark pasted text; the others ignore this.
	 * Written by us, after curses has flushed its first screen (curses does not know the
	 * mode, and output queued through it before the first update is not kept). */
	if (!term_paste_mode) {
		term_paste_mode = true;
		term_write_all(TERM_PASTE_ON, sizeof TERM_PASTE_ON - 1);
	}
	ui_idle_activity();
}

int ui_term_hangup_status(void)
{
	if (term_sig)
		return 128 + term_sig;
	return term_quit ? 0 : 1;
}

bool ui_term_cursor_hidden(void)
{
	return term_cursor_hidden;
}

bool ui_term_has_colors(void)
{
	return term_colors;
}

int ui_term_heading_attr(void)
{
	return term_heading;
}

void ui_term_set_colour(bool on)
{
	term_colour_wanted = on;
}
