/*
 * tclient: the end-to-end test harness. Three parts:
 *
 * - a fixture: a temporary data directory set up with the real `bbsctl`, and a real `bbsd`
 *   listening on 127.0.0.1 on a port it picked itself (so tests run in parallel);
 * - a client: libssh's client API, host key pinned to the fixture's ed25519 host key,
 *   password / public-key / keyboard-interactive authentication, one session channel with
 *   a pty and a shell;
 * - a screen: every byte the server sends is fed into a libvterm terminal of the pty's
 *   size, and the tests assert on the rendered text and attributes.
 *
 * Tests wait for text to appear (polling the channel against a deadline); they never sleep a
 * fixed time. The harness never answers terminal queries back to the server, never reads
 * ~/.ssh/config, never connects anywhere but 127.0.0.1 and never kills a process it did not
 * start.
 *
 * Binary paths come from the environment: BBSD, BBSCTL, BBS (set by meson).
 */
#ifndef BBS_TEST_TCLIENT_H
#define BBS_TEST_TCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TC_PATH_MAX 512

/* Default deadline for waiting on the server (login, a screen redraw). */
#define TC_WAIT_MS 10000

/* ---------------------------------------------------------------- results */

/*
 * Checks. TC_CHECK records a failure and carries on; TC_REQUIRE records it, prints the
 * bbsd log, tears down the fixture and exits 1 (for steps later steps depend on).
 * A test's main() ends with `return tc_done();`.
 */
#define TC_CHECK(cond) tc_check_at((cond), __FILE__, __LINE__, #cond)
#define TC_REQUIRE(cond) tc_require_at((cond), __FILE__, __LINE__, #cond)
bool tc_check_at(bool ok, const char *file, int line, const char *what);
void tc_require_at(bool ok, const char *file, int line, const char *what);
/* Prints "file:line: msg" and exits 1 after tearing the fixture down. */
void tc_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Prints a summary; tears the fixture down; returns the exit status for main(). */
int tc_done(void);
/* Progress note on stderr (shows in meson's test log). */
void tc_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Milliseconds on a monotonic clock. */
int64_t tc_now_ms(void);

/* ---------------------------------------------------------------- fixture */

struct tc_fixture {
	char dir[TC_PATH_MAX];      /* temporary data directory (bbsctl -d / bbsd -d) */
	char bbsd[TC_PATH_MAX];
	char bbsctl[TC_PATH_MAX];
	char bbs[TC_PATH_MAX];
	char log[TC_PATH_MAX];      /* bbsd's stderr */
	char hostkey[TC_PATH_MAX];  /* DIR/ssh_host_ed25519_key, the pinned host key */
	pid_t bbsd_pid;             /* 0 when not running */
	int port;                   /* 0 until bbsd is listening */
};

/*
 * Creates the temporary directory and runs `bbsctl -d DIR init`. Registers the fixture so
 * tc_fail()/tc_done() and SIGTERM/SIGINT/SIGALRM tear it down. Also makes this process a
 * child subreaper, so any process orphaned by bbsd becomes ours and can be seen (see
 * tc_fixture_leftovers). Arms alarm(timeout_s) as a last-resort deadline. Fails the test on
 * error (returns only on success).
 */
void tc_fixture_init(struct tc_fixture *fx, int timeout_s);
/*
 * `bbsctl -d DIR user add NAME --role ROLE [--password-stdin] [--key KEYFILE]`; password
 * (written to stdin) and keyfile may be NULL. Returns bbsctl's exit status (0 = success),
 * or -1 if it could not be run.
 */
int tc_fixture_user_add(struct tc_fixture *fx, const char *name, const char *role,
	const char *password, const char *pubkey_file);
/* `bbsctl -d DIR user disable NAME`; returns its exit status. */
int tc_fixture_user_disable(struct tc_fixture *fx, const char *name);
/*
 * Generates an ed25519 key pair DIR/NAME and DIR/NAME.pub with ssh-keygen (no passphrase).
 * Writes the private key path to path (size n). Fails the test on error.
 */
void tc_fixture_keygen(struct tc_fixture *fx, const char *name, char *path, size_t n);
/*
 * Starts `bbsd -d DIR -l 127.0.0.1 -p 0 -D` (stderr to DIR/bbsd.log) and waits until
 * DIR/bbsd.port holds the port. Fails the test if bbsd exits or the deadline passes.
 */
void tc_fixture_start(struct tc_fixture *fx);
/* As tc_fixture_start, with conf_text (when not NULL) written to DIR/bbsd.conf and given
 * with -f, for tests of configuration keywords. */
void tc_fixture_start_conf(struct tc_fixture *fx, const char *conf_text);
/* True while the bbsd we started is running (not exited). */
bool tc_fixture_alive(struct tc_fixture *fx);
/* SIGTERM to bbsd, wait; SIGKILL after a deadline. Returns bbsd's wait status or -1. */
int tc_fixture_stop(struct tc_fixture *fx);
/* Stops bbsd if running and removes the directory (kept if E2E_KEEP is set). */
void tc_fixture_finish(struct tc_fixture *fx);
/*
 * bbsd's log so far as a heap string (NUL-terminated, bounded to 4 MiB; may contain NULs);
 * *n gets its length. Never NULL.
 */
char *tc_fixture_read_log(const struct tc_fixture *fx, size_t *n);
/* Prints bbsd's log to stderr. */
void tc_fixture_dump_log(const struct tc_fixture *fx);

/*
 * Standard users, made by tc_fixture_standard(): "sysop" (sysop) and "alice" (member) with
 * password TC_PASSWORD and keys DIR/sysop_key, DIR/alice_key; "bob" (member, password
 * TC_PASSWORD, key DIR/bob_key) disabled. Then starts bbsd.
 */
#define TC_PASSWORD "correct-horse-battery-staple"
struct tc_users {
	char sysop_key[TC_PATH_MAX];
	char alice_key[TC_PATH_MAX];
	char bob_key[TC_PATH_MAX];
};
void tc_fixture_standard(struct tc_fixture *fx, struct tc_users *u, int timeout_s);

/* The name (comm) bbsd gives its store keeper, the one child that is not a session. */
#define TC_KEEPER_NAME "bbsd-keeper"
/*
 * Processes left behind by bbsd: its live descendants (the session and UI processes; not the
 * store keeper while bbsd runs) plus
 * live processes orphaned to us (we are a subreaper) other than bbsd and the pids in
 * `ignore` (n_ignore entries, e.g. a forked client that is still ours). Zombies are not
 * counted; orphaned zombies are reaped. Writes up to max pids to pids (may be NULL).
 * Returns the count.
 */
int tc_fixture_leftovers(struct tc_fixture *fx, const pid_t *ignore, int n_ignore,
	pid_t *pids, int max);
/* Polls tc_fixture_leftovers until it is 0 or ms pass; returns the last count. */
int tc_fixture_wait_no_leftovers(struct tc_fixture *fx, const pid_t *ignore, int n_ignore,
	int ms);
/*
 * Diagnostics for resize failures: the window size of the terminal on process pid's stdin
 * (the pty slave the UI sees), read with TIOCGWINSZ. Returns 0 or -1.
 */
int tc_proc_winsize(pid_t pid, int *cols, int *rows);
/* Prints the terminal size each live `bbs` (BBS) under bbsd sees. */
void tc_fixture_print_ui_sizes(struct tc_fixture *fx);
/* Prints pid, comm and exe of each process in pids to stderr. */
void tc_print_procs(const pid_t *pids, int n);

/*
 * Runs argv[0] with fork/execv, stdin from `input` (may be NULL: /dev/null), stdout+stderr
 * captured into out (size n, may be NULL). Waits at most timeout_ms, then kills it.
 * Returns the exit status, 128+signal if it was killed, -1 if it could not run.
 */
int tc_run(char *const argv[], const char *input, char *out, size_t n, int timeout_ms);

/* ---------------------------------------------------------------- screen */

/* A libvterm terminal that renders whatever is fed to it. */
struct tc_screen;
struct tc_screen *tc_screen_create(int cols, int rows);
void tc_screen_destroy(struct tc_screen *sc);
void tc_screen_feed(struct tc_screen *sc, const char *bytes, size_t n);
void tc_screen_resize(struct tc_screen *sc, int cols, int rows);
void tc_screen_size(const struct tc_screen *sc, int *cols, int *rows);
/*
 * Text of row r (0-based) as UTF-8, trailing blanks removed, into buf (size n). Returns buf
 * ("" for a row out of range).
 */
char *tc_screen_row(const struct tc_screen *sc, int r, char *buf, size_t n);
/* The whole screen, rows joined with '\n'. Returns a heap string the caller frees. */
char *tc_screen_text(const struct tc_screen *sc);
/* First row containing text, or -1; *col gets the column (cells) where it starts. */
int tc_screen_find(const struct tc_screen *sc, const char *text, int *col);
/* Column (cells) where text starts in row r, or -1. */
int tc_screen_find_in_row(const struct tc_screen *sc, int r, const char *text);
/* Attributes of one cell; false when out of range. */
struct tc_cell {
	char text[16];   /* UTF-8 of the cell ("" for blank) */
	int width;
	bool bold, underline, reverse;
};
bool tc_screen_cell(const struct tc_screen *sc, int row, int col, struct tc_cell *cell);
/*
 * Side effects the byte stream asked of the terminal, counted since the screen was created:
 * window title / icon name changes (OSC 0/1/2), other OSC strings libvterm does not handle
 * (OSC 52 clipboard writes, ...) and DCS strings. Tests of hostile text assert all are 0.
 */
struct tc_screen_events {
	int titles;        /* OSC 0/1/2 title or icon name changes */
	char title[256];   /* the last title set */
	int oscs;          /* unhandled OSC strings (e.g. "52;c;...") */
	char osc[256];     /* the last one */
	int dcss;          /* DCS strings */
};
void tc_screen_events(const struct tc_screen *sc, struct tc_screen_events *out);
/* Cursor position. */
void tc_screen_cursor(const struct tc_screen *sc, int *row, int *col);
/* Prints the screen with a frame and row numbers to stderr. */
void tc_screen_print(const struct tc_screen *sc, const char *title);

/* ---------------------------------------------------------------- client */

struct tc;

/* Keys, in the forms terminals send them. */
#define TC_KEY_UP "\033[A"
#define TC_KEY_DOWN "\033[B"
#define TC_KEY_RIGHT "\033[C"
#define TC_KEY_LEFT "\033[D"
#define TC_KEY_UP_SS3 "\033OA"
#define TC_KEY_DOWN_SS3 "\033OB"
#define TC_KEY_RIGHT_SS3 "\033OC"
#define TC_KEY_LEFT_SS3 "\033OD"
#define TC_KEY_ENTER "\r"
#define TC_KEY_ESC "\033"

/*
 * The SSH compression tc_connect offers from now on, as libssh's SSH_OPTIONS_COMPRESSION list
 * ("zlib@openssh.com,zlib,none", "none"); NULL or "": libssh's default. Copied.
 */
void tc_set_compression(const char *algs);
/*
 * Connects as user to the fixture's bbsd (127.0.0.1:port) from source address bind_addr
 * (NULL for any, or e.g. "127.0.0.2"), completes key exchange and checks the server's
 * host key against the private key file expect_hostkey (NULL: the fixture's ed25519 host
 * key). Returns NULL and writes a reason to err (size n) on failure, including a host key
 * mismatch. Never reads ~/.ssh or an ssh config file. (libssh 0.10 takes the user name
 * from the session options, so it is given here, not to the auth calls.)
 */
struct tc *tc_connect(const struct tc_fixture *fx, const char *user, const char *bind_addr,
	const char *expect_hostkey, char *err, size_t n);
/*
 * Authentication, each returning libssh's SSH_AUTH_* code (SSH_AUTH_SUCCESS = 0). The
 * error text libssh gave is kept (tc_error).
 */
int tc_auth_password(struct tc *tc, const char *password);
/* The "none" method (no password, no key): how a guest logs in. */
int tc_auth_none(struct tc *tc);
int tc_auth_pubkey(struct tc *tc, const char *keyfile);
/* Offers the public half of the key in keyfile (a private key file) without signing: the
 * "probe". SSH_AUTH_SUCCESS means the server would accept a signature with it. */
int tc_auth_pubkey_probe(struct tc *tc, const char *keyfile);
/* Answers every prompt with password; the prompts seen are kept (tc_kbdint_prompts). */
int tc_auth_kbdint(struct tc *tc, const char *password);
/* How visitors ("guest", "join") log in without a key: keyboard-interactive with no prompt.
 * Returns SSH_AUTH_SUCCESS only if the server asked nothing at all (a prompt is answered
 * with "" and then the result is SSH_AUTH_ERROR). */
int tc_auth_kbdint_noprompt(struct tc *tc);
const char *tc_kbdint_prompts(const struct tc *tc);   /* prompts joined with '|' */
const char *tc_error(const struct tc *tc);            /* libssh's last error text */
/* Auth methods the server offers (SSH_AUTH_METHOD_* bits), after a "none" attempt. */
int tc_auth_methods(struct tc *tc);

/*
 * Opens a session channel; with pty true requests a pty of term/cols/rows first; then a
 * shell. The screen is created with cols x rows (80x24 when no pty), clamped to 1..1000
 * (the pty request carries the values as given, e.g. 0x0). Returns 0 or -1.
 */
int tc_open_shell(struct tc *tc, bool pty, const char *term, int cols, int rows);
/* Opens a session channel (no pty) and sends an exec request for command; the output goes to
 * tc_output and the screen (80x24). Returns 0, or -1 if the channel or the request failed. */
int tc_open_exec(struct tc *tc, const char *command);
/* Tries to open a session channel only; returns 0 if the server allowed it. */
int tc_open_channel_only(struct tc *tc);

/* Convenience: connect, authenticate with the password, open a shell with a pty. Fails the
 * test on any error. */
struct tc *tc_login_password(const struct tc_fixture *fx, const char *user,
	const char *password, const char *term, int cols, int rows);
struct tc *tc_login_key(const struct tc_fixture *fx, const char *user, const char *keyfile,
	const char *term, int cols, int rows);
/* A visitor ("guest" or "join"): with keyfile, public key (any key the server supports);
 * without, keyboard-interactive with no prompt (tc_auth_kbdint_noprompt). Then a shell with a
 * pty. Fails the test on any error. */
struct tc *tc_login_visitor(const struct tc_fixture *fx, const char *user, const char *keyfile,
	const char *term, int cols, int rows);

/* Reads whatever arrives within ms into the screen; returns bytes read, -1 on EOF/error. */
int tc_pump(struct tc *tc, int ms);
/* Sends bytes (all of them). Returns 0 or -1. */
int tc_send(struct tc *tc, const char *bytes);
int tc_send_n(struct tc *tc, const char *bytes, size_t n);

/*
 * Waits until the rendered screen contains text (returns true), or until ms pass or the
 * channel closes (prints the screen to stderr and returns false).
 */
bool tc_wait_text(struct tc *tc, const char *text, int ms);
/* Waits until the screen no longer contains text. */
bool tc_wait_gone(struct tc *tc, const char *text, int ms);
/* Waits until pred(screen, arg) is true; what names it in the failure message. */
typedef bool tc_pred(const struct tc_screen *sc, void *arg);
bool tc_wait_pred(struct tc *tc, tc_pred *pred, void *arg, const char *what, int ms);
/*
 * Waits until the server has been quiet for quiet_ms (no bytes), at most ms in total.
 * For checks that something did NOT change.
 */
bool tc_wait_quiet(struct tc *tc, int quiet_ms, int ms);

/* Changes the pty size (window-change) and the local screen size. Returns 0 or -1. */
int tc_resize(struct tc *tc, int cols, int rows);
/*
 * Reads until the channel reaches EOF/close (or ms pass), then gets the exit status.
 * Returns true when the channel closed in time; *status = exit status (-1 when none).
 */
bool tc_wait_exit(struct tc *tc, int *status, int ms);
/* All stdout+stderr payload received, as raw bytes (NUL-terminated, may contain NULs). */
const char *tc_output(const struct tc *tc, size_t *n);

struct tc_screen *tc_screen(struct tc *tc);
uint64_t tc_bytes(const struct tc *tc);   /* channel payload bytes received */
int tc_fd(struct tc *tc);                 /* the TCP socket */
/* TCP payload bytes received from and sent (acknowledged) to the server on this connection
 * so far, from the kernel (TCP_INFO); both 0 when it cannot tell. */
void tc_wire_bytes(struct tc *tc, uint64_t *rx, uint64_t *tx);
/* Drops the TCP connection abruptly (RST, no SSH disconnect); tc_close is still needed. */
void tc_drop(struct tc *tc);
/* Sends EOF/close, disconnects and frees. NULL is fine. */
void tc_close(struct tc *tc);

/* Convenience wrappers reading the client's screen. */
char *tc_row(struct tc *tc, int r, char *buf, size_t n);
int tc_find(struct tc *tc, const char *text, int *col);

/* ---------------------------------------------------------------- raw sockets */

/* A plain TCP connection to 127.0.0.1:port (optionally from bind_addr); -1 on error. */
int tc_raw_connect(int port, const char *bind_addr);
/*
 * Reads and discards until the peer closes (returns true) or ms pass (false). Bytes read
 * are counted into *nread when not NULL.
 */
bool tc_raw_wait_closed(int fd, int ms, size_t *nread);
/* Reads one line (up to '\n') within ms; returns its length or -1. */
int tc_raw_read_line(int fd, char *buf, size_t n, int ms);

#endif
