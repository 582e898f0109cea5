/*
 * relay.c: the session channel, its pty and the `bbs` UI process.
 *
 * After authentication the member gets exactly one session channel. A pty request gives
 * TERM and the window size (never taken from the client's environment); the shell request
 * starts the UI on a new pty: openpty -> fork -> login_tty -> close every other fd -> execve.
 * The UI process holds neither the host keys nor the session keys. Visitors (session.c) get
 * `bbs --guest` or `bbs --join`, with `--key "TYPE BASE64"` when they logged in with a key,
 * never --user; an exec request from a visitor is refused here. A member whose application
 * is pending or was declined gets one line (c->refusal) and exit status 1, nothing else.
 * The plain line mode (`bbscmd --line`) replaces the UI for a member without a pty and
 * without a command (on pipes), with TERM dumb (or none), or who chose it (c->line_pref, on
 * the pty); a guest gets `bbscmd --guest --line` (public pages only) without a pty or with
 * TERM dumb; `join` always needs the UI.
 *
 * Bytes from the client go into the pty master; what does not fit waits in a bounded queue
 * (c->queue). libssh offers the unconsumed rest of a packet again only when the next packet
 * arrives, so leftovers are pulled with ssh_channel_read_nonblocking(), which re-enters the
 * data callback: c->pulling makes that re-entry consume nothing.
 *
 * The client's window: libssh grows it (to 1,280,000 bytes) after every read, without
 * counting what it still holds for us. Pulling part of what it holds would therefore let the
 * client send another megabyte each time, and a 10 MiB paste ended up whole in this process
 * (a 1 GiB one would too). So leftovers are pulled only all at once, when the queue has room
 * for everything libssh holds; then what libssh holds plus the window stays bounded, and
 * the client waits for the window like well-behaved clients do.
 *
 * SIGTERM (a sysop ending the session through the store, or the listener stopping) is caught
 * once the session is registered (relay_catch_term): the handler only writes a byte into a
 * self-pipe that the event loop watches, so the relay ends at its next step whatever it was
 * waiting for, and relay_finish ends the UI the gentle way (SIGHUP: it saves a draft).
 *
 * Keepalives (keepalive.c) bound the event loop's wait: a client that leaves them unanswered
 * ends the relay as a dropped link does (c->closing: nothing more is written to it).
 *
 * Must never: block on the pty, let the queue grow past RELAY_QUEUE, or leave the UI
 * running when the connection is gone.
 */
#include "bbsd/bbsd.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

/* Terminal sizes a client may ask for; anything else is clamped. 0 means "use the default". */
#define SIZE_MAX_COLS 1000
#define SIZE_MAX_ROWS 1000

/* SIGTERM: set by the handler, read by the relay. term_pipe is the self-pipe. */
static volatile sig_atomic_t term_requested;
static volatile sig_atomic_t term_from_listener;
static int term_pipe[2] = { -1, -1 };

static void on_term(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	int saved = errno;
	/* The listener is the parent: a shutdown, not a sysop's decision. */
	if (!term_requested)
		term_from_listener = si && si->si_pid == getppid();
	term_requested = 1;
	if (term_pipe[1] >= 0)
		(void)!write(term_pipe[1], "t", 1);
	errno = saved;
}

static int on_term_pipe(socket_t fd, int revents, void *ud)
{
	(void)revents;
	(void)ud;
	char buf[16];
	while (read(fd, buf, sizeof buf) > 0)
		;
	return 0;
}

int relay_catch_term(struct conn *c)
{
	if (term_pipe[0] < 0 && pipe2(term_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		log_error("pipe: %m");
		return BBS_ERR_IO;
	}
	if (c->event && ssh_event_add_fd(c->event, term_pipe[0], POLLIN, on_term_pipe, c) != SSH_OK)
		return BBS_ERR_IO;
	struct sigaction sa = { .sa_sigaction = on_term, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0)
		return BBS_ERR_IO;
	return 0;
}

static void clamp_size(int *cols, int *rows)
{
	if (*cols <= 0)
		*cols = 80;
	if (*rows <= 0)
		*rows = 24;
	if (*cols > SIZE_MAX_COLS)
		*cols = SIZE_MAX_COLS;
	if (*rows > SIZE_MAX_ROWS)
		*rows = SIZE_MAX_ROWS;
}

/* TERM is handed to the UI's environment: only a plain terminfo name is passed on. */
static void set_term(struct conn *c, const char *term)
{
	size_t n = term ? strlen(term) : 0;
	bool ok = n > 0 && n < sizeof c->term;
	for (size_t i = 0; ok && i < n; i++) {
		char ch = term[i];
		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			ch == '-' || ch == '_' || ch == '.' || ch == '+';
	}
	bbs_strlcpy(c->term, ok ? term : "vt100", sizeof c->term);
}

/* Free space after the queued bytes (where new bytes go). */
static size_t queue_room(const struct conn *c)
{
	return RELAY_QUEUE - c->qhead - c->qlen;
}

/*
 * Writes what it can of the queue into the child. The pty takes a few KiB at a time, so the
 * written bytes are skipped (qhead), not moved; the rest moves to the front only once the
 * front half is used up, which keeps the copying linear in the bytes relayed.
 */
static void queue_flush(struct conn *c)
{
	while (c->qlen > 0 && c->in_fd >= 0) {
		ssize_t n = write(c->in_fd, c->queue + c->qhead, c->qlen);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EPIPE && c->out_fd != c->in_fd) {
				/* The command stopped reading its input: drop the rest. */
				c->qlen = 0;
				close(c->in_fd);
				c->in_fd = -1;
			}
			break; /* EAGAIN: full; EIO on a pty: the UI is gone (seen on read) */
		}
		c->qhead += (size_t)n;
		c->qlen -= (size_t)n;
	}
	if (c->qlen == 0) {
		c->qhead = 0;
	} else if (c->qhead >= RELAY_QUEUE / 2) {
		memmove(c->queue, c->queue + c->qhead, c->qlen);
		c->qhead = 0;
	}
}

static int on_data(ssh_session s, ssh_channel ch, void *data, uint32_t len, int is_stderr,
	void *ud)
{
	struct conn *c = ud;
	if (c->pulling || is_stderr)
		return is_stderr ? (int)len : 0;
	queue_flush(c);
	size_t room = queue_room(c);
	size_t take = len < room ? len : room;
	memcpy(c->queue + c->qhead + c->qlen, data, take);
	c->qlen += take;
	c->bytes_in += take;
	if (take < len)
		c->stranded = true;
	queue_flush(c);
	return (int)take;
}

static void on_eof(ssh_session s, ssh_channel ch, void *ud)
{
	/* The client will send no more input. A command sees the end of its input once the
	 * queue is written; the UI keeps running until it ends or the channel is closed. */
	struct conn *c = ud;
	c->in_eof = true;
}

static void on_close(ssh_session s, ssh_channel ch, void *ud)
{
	struct conn *c = ud;
	c->closing = true;
}

static int on_pty_request(ssh_session s, ssh_channel ch, const char *term, int cols, int rows,
	int pxw, int pxh, void *ud)
{
	struct conn *c = ud;
	if (c->pty || c->shell)
		return -1;
	/* A member whose client names no terminal type gets the plain line mode (as for
	 * "dumb"); a visitor keeps the vt100 guess (the line mode is for members). */
	set_term(c, (!term || !term[0]) && c->handle[0] && !c->guest && !c->join ? "dumb" : term);
	c->cols = cols;
	c->rows = rows;
	clamp_size(&c->cols, &c->rows);
	c->pty = true;
	return 0;
}

static int on_window_change(ssh_session s, ssh_channel ch, int cols, int rows, int pxw, int pxh,
	void *ud)
{
	struct conn *c = ud;
	clamp_size(&cols, &rows);
	c->cols = cols;
	c->rows = rows;
	if (c->pty && c->in_fd >= 0) {
		struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
		/* The kernel sends SIGWINCH to the UI, which redraws. */
		if (ioctl(c->in_fd, TIOCSWINSZ, &ws) != 0)
			log_warn("TIOCSWINSZ: %m");
	}
	return 0;
}

static int on_shell_request(ssh_session s, ssh_channel ch, void *ud)
{
	struct conn *c = ud;
	if (c->shell)
		return -1;
	c->shell = true;
	return 0;
}

static int on_exec_request(ssh_session s, ssh_channel ch, const char *command, void *ud)
{
	struct conn *c = ud;
	/* bbscmd explains a line that is too long; anything far beyond is refused here. */
	if (c->shell || !command || strlen(command) > 2 * RELAY_COMMAND_MAX)
		return -1;
	c->shell = true;
	c->command = xstrdup(command);
	return 0;
}

void relay_channel_callbacks(struct conn *c)
{
	/* malloc, not calloc: pages are only touched as far as the queue fills. */
	if (!c->queue)
		c->queue = xmalloc(RELAY_QUEUE);
	c->chan_cb = (struct ssh_channel_callbacks_struct){
		.userdata = c,
		.channel_data_function = on_data,
		.channel_eof_function = on_eof,
		.channel_close_function = on_close,
		.channel_pty_request_function = on_pty_request,
		.channel_pty_window_change_function = on_window_change,
		.channel_shell_request_function = on_shell_request,
		.channel_exec_request_function = on_exec_request,
	};
	ssh_callbacks_init(&c->chan_cb);
	ssh_set_channel_callbacks(c->channel, &c->chan_cb);
}


/* In a forked child: signals back to default, other fds closed, dies with its parent. */
static void child_reset(pid_t parent)
{
	/* If the session process dies, the child goes too (a pty hangup also does this). */
	prctl(PR_SET_PDEATHSIG, SIGHUP);
	if (getppid() != parent)
		_exit(127);
	close_range(3, ~0U, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
}

/* execve()s path with a clean environment: TERM (when there is a pty), HOME, a UTF-8 locale,
 * a plain PATH, and sanitizer settings if bbsd has them. Never returns. */
static void exec_clean(struct conn *c, const char *path, char **argv)
{
	char term[80], home[4200];
	size_t ne = 0;
	char *envp[8];
	if (bbs_snprintf(term, sizeof term, "TERM=%s", c->term) != 0 ||
	    bbs_snprintf(home, sizeof home, "HOME=%s", c->cfg->dir) != 0)
		_exit(127);
	if (c->pty)
		envp[ne++] = term;
	envp[ne++] = home;
	envp[ne++] = "LC_ALL=C.UTF-8";
	envp[ne++] = "PATH=/usr/bin:/bin";
	/* Sanitizer settings are the only variables passed on from bbsd's own environment, so
	 * that a sanitizer build of the UI reports the way its tests ask. */
	for (char **e = environ; *e && ne < 7; e++) {
		if (strncmp(*e, "ASAN_OPTIONS=", 13) == 0 || strncmp(*e, "LSAN_OPTIONS=", 13) == 0 ||
		    strncmp(*e, "UBSAN_OPTIONS=", 14) == 0)
			envp[ne++] = *e;
	}
	envp[ne] = NULL;
	execve(path, argv, envp);
	static const char msg[] = "The portal cannot serve this right now. Please try later.\r\n";
	(void)!write(c->pty ? 1 : 2, msg, sizeof msg - 1);
	_exit(127);
}

static int on_fd(socket_t fd, int revents, void *ud)
{
	struct conn *c = ud;
	if ((revents & POLLOUT) && fd == c->in_fd)
		queue_flush(c);
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return 0;
	if (fd != c->out_fd && fd != c->err_fd) {
		/* POLLERR on the command's input: it closed its end. */
		c->qlen = c->qhead = 0;
		c->rewatch = true;
		return 0;
	}
	char buf[16384];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n > 0) {
		int w = fd == c->err_fd ? ssh_channel_write_stderr(c->channel, buf, (uint32_t)n)
			: ssh_channel_write(c->channel, buf, (uint32_t)n);
		if (w == SSH_ERROR)
			c->closing = true;
		else
			c->bytes_out += (uint64_t)n;
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		/* End of output. On a pty this is EIO on the master: every slave fd is closed, the
		 * UI has gone. */
		c->rewatch = true;
		if (fd == c->err_fd) {
			c->err_open = false;
		} else {
			c->out_open = false;
			if (c->pty)
				c->err_open = false;
		}
		c->ui_done = !c->out_open && !c->err_open;
	}
	return 0;
}

/* (Re)registers the child's fds with the event loop for what is wanted now. */
static int watch(struct conn *c)
{
	int fds[3] = { c->in_fd, c->out_fd, c->err_fd };
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			ssh_event_remove_fd(c->event, fds[i]);
	c->watched_out = c->qlen > 0;
	c->rewatch = false;
	int ok = SSH_OK;
	if (c->pty) {
		if (c->out_open)
			ok = ssh_event_add_fd(c->event, c->out_fd,
				POLLIN | (c->watched_out ? POLLOUT : 0), on_fd, c);
		return ok == SSH_OK ? 0 : BBS_ERR_IO;
	}
	if (c->out_open && ok == SSH_OK)
		ok = ssh_event_add_fd(c->event, c->out_fd, POLLIN, on_fd, c);
	if (c->err_open && ok == SSH_OK)
		ok = ssh_event_add_fd(c->event, c->err_fd, POLLIN, on_fd, c);
	if (c->in_fd >= 0 && c->watched_out && ok == SSH_OK)
		ok = ssh_event_add_fd(c->event, c->in_fd, POLLOUT, on_fd, c);
	return ok == SSH_OK ? 0 : BBS_ERR_IO;
}

static int nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 ? 0 : BBS_ERR_IO;
}

/* The plain line mode (bbscmd --line) instead of the full-screen UI: for a member on a
 * terminal without cursor addressing (TERM dumb) or who chose it (users.line_mode), when the
 * command interface is installed. */
static bool wants_line(const struct conn *c)
{
	if (!c->cfg->cmd_path[0] || c->join || c->refusal)
		return false;
	if (c->guest)   /* the public pages only: bbscmd --guest --line */
		return strcmp(c->term, "dumb") == 0;
	return c->handle[0] && (c->line_pref || strcmp(c->term, "dumb") == 0);
}

/* The UI (or the line mode, wants_line) on a new pty: openpty -> fork -> login_tty -> execve. */
static int start_ui(struct conn *c)
{
	int master = -1, slave = -1;
	struct winsize ws = { .ws_row = (unsigned short)c->rows, .ws_col = (unsigned short)c->cols };
	if (openpty(&master, &slave, NULL, NULL, &ws) != 0) {
		log_error("openpty: %m");
		return BBS_ERR_IO;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		log_error("fork: %m");
		close(master);
		close(slave);
		return BBS_ERR_IO;
	}
	if (pid == 0) {
		if (login_tty(slave) != 0)
			_exit(127);
		child_reset(parent);
		char *argv[] = { "bbs", "-d", (char *)c->cfg->dir, "--user", c->handle, NULL };
		char *visitor_argv[] = { "bbs", "-d", (char *)c->cfg->dir,
			c->join ? "--join" : "--guest", c->login_key ? "--key" : NULL, c->login_key,
			NULL };
		char *line_argv[] = { "bbscmd", "-d", (char *)c->cfg->dir, "--user", c->handle,
			"--line", NULL };
		char *guest_line_argv[] = { "bbscmd", "-d", (char *)c->cfg->dir, "--guest",
			"--line", NULL };
		if (wants_line(c))
			exec_clean(c, c->cfg->cmd_path, c->guest ? guest_line_argv : line_argv);
		exec_clean(c, c->cfg->ui_path, c->guest || c->join ? visitor_argv : argv);
	}
	close(slave);
	c->ui_pid = pid;
	c->in_fd = c->out_fd = master;
	c->out_open = true;
	return nonblocking(master) == 0 && fcntl(master, F_SETFD, FD_CLOEXEC) == 0 ? 0 : BBS_ERR_IO;
}

/* A command of the command interface (or, with c->command NULL, the plain line mode), with
 * pipes for stdin, stdout and stderr. */
static int start_command(struct conn *c)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	/* A guest gets only the visitor's line mode (never a command, never --user). */
	bool guest_line = c->guest && !c->command;
	if (c->join || c->refusal || (!guest_line && (c->guest || !c->handle[0])))
		return BBS_ERR_DENIED; /* relay_start refuses these first; never run one for them */
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		log_error("pipe: %m");
		for (int i = 0; i < 2; i++) {
			if (in[i] >= 0) close(in[i]);
			if (out[i] >= 0) close(out[i]);
			if (err[i] >= 0) close(err[i]);
		}
		return BBS_ERR_IO;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0 || setsid() < 0)
			_exit(127);
		child_reset(parent);
		char *argv[] = { "bbscmd", "-d", (char *)c->cfg->dir, "--user", c->handle,
			c->command ? "--command" : "--line", c->command, NULL };
		char *guest_argv[] = { "bbscmd", "-d", (char *)c->cfg->dir, "--guest", "--line",
			NULL };
		exec_clean(c, c->cfg->cmd_path, guest_line ? guest_argv : argv);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		log_error("fork: %m");
		close(in[1]);
		close(out[0]);
		close(err[0]);
		return BBS_ERR_IO;
	}
	c->ui_pid = pid;
	c->in_fd = in[1];
	c->out_fd = out[0];
	c->err_fd = err[0];
	c->out_open = c->err_open = true;
	if (nonblocking(c->in_fd) != 0 || nonblocking(c->out_fd) != 0 || nonblocking(c->err_fd) != 0)
		return BBS_ERR_IO;
	return 0;
}

int relay_start(struct conn *c)
{
	int r;
	if (c->refusal) {
		/* An application not accepted: the one line (stderr for a command), status 1. */
		char line[256];
		int len = snprintf(line, sizeof line, "%s\r\n", c->refusal);
		if (len < 0 || (size_t)len >= sizeof line ||
		    (c->command ? ssh_channel_write_stderr(c->channel, line, (uint32_t)len)
			: ssh_channel_write(c->channel, line, (uint32_t)len)) == SSH_ERROR)
			c->closing = true;
		c->ui_done = true;
		c->ui_status = 1;
		return 0;
	} else if (c->command && (c->guest || c->join)) {
		/* The command interface is for members: a visitor has no handle to run it as. */
		static const char no_guest[] = "guests cannot run commands\r\n";
		static const char no_join[] = "commands are for members: join with an invite code "
			"in an interactive session (ssh -t)\r\n";
		const char *msg = c->join ? no_join : no_guest;
		if (ssh_channel_write_stderr(c->channel, msg, (uint32_t)strlen(msg)) == SSH_ERROR)
			c->closing = true;
		c->ui_done = true;
		c->ui_status = 1;
		return 0;
	} else if (c->command && c->cfg->cmd_path[0]) {
		r = start_command(c);
	} else if (c->command) {
		static const char no_cmd[] = "bbs: the command interface is not installed here\r\n";
		if (ssh_channel_write_stderr(c->channel, no_cmd, sizeof no_cmd - 1) == SSH_ERROR)
			c->closing = true;
		c->ui_done = true;
		c->ui_status = 1;
		return 0;
	} else if (c->pty) {
		r = start_ui(c);
	} else if (c->cfg->cmd_path[0] && !c->join) {
		/* No pty and no command (ssh -T): the plain line mode, on pipes (for a guest, the
		 * public pages only). */
		r = start_command(c);
	} else if (c->guest || c->join) {
		static const char no_pty_join[] = "Joining needs a terminal: connect with "
			"'ssh -t'.\r\n";
		static const char no_pty_guest[] = "Visitors need a terminal here: connect with "
			"'ssh -t'.\r\n";
		const char *msg = c->join ? no_pty_join : no_pty_guest;
		if (ssh_channel_write(c->channel, msg, (uint32_t)strlen(msg)) == SSH_ERROR)
			c->closing = true;
		c->ui_done = true;
		c->ui_status = 1;
		return 0;
	} else {
		static const char no_pty[] =
			"This portal is an interactive screen and needs a terminal: connect with "
			"'ssh -t', or give a command (try: ssh ... help).\r\n";
		if (ssh_channel_write(c->channel, no_pty, sizeof no_pty - 1) == SSH_ERROR)
			c->closing = true;
		c->ui_done = true;
		c->ui_status = 1;
		return 0;
	}
	if (r != 0)
		return r;
	c->started = true;
	keepalive_start(c);
	queue_flush(c);
	return watch(c);
}

bool relay_step(struct conn *c)
{
	if (c->ui_done || c->closing || term_requested || !ssh_is_connected(c->session))
		return false;
	queue_flush(c);
	if (!c->pty && c->in_eof && c->qlen == 0 && c->in_fd >= 0) {
		/* The client's input ended: the command reads end of file. */
		ssh_event_remove_fd(c->event, c->in_fd);
		close(c->in_fd);
		c->in_fd = -1;
	}
	if (c->stranded && queue_room(c) > 0) {
		/* Pull what libssh holds but did not offer again, all of it or nothing; see the top
		 * of this file. (A client that ignores the window can make libssh hold more than the
		 * queue: then it is taken in pieces once the queue is empty.) */
		c->pulling = true;
		int avail = ssh_channel_poll(c->channel, 0);
		size_t room = queue_room(c);
		c->stranded_len = avail > 0 ? (size_t)avail : 0;
		if (avail <= 0) {
			c->stranded = false;
		} else if ((size_t)avail <= room || c->qlen == 0) {
			uint32_t want = (size_t)avail <= room ? (uint32_t)avail : (uint32_t)room;
			int n = ssh_channel_read_nonblocking(c->channel,
				c->queue + c->qhead + c->qlen, want, 0);
			if (n > 0) {
				c->qlen += (size_t)n;
				c->bytes_in += (uint64_t)n;
				c->stranded_len = 0; /* there may be more: ask again */
				queue_flush(c);
			} else {
				c->stranded = false;
			}
		}
		c->pulling = false;
	}
	if (c->rewatch || (c->qlen > 0) != c->watched_out) {
		if (watch(c) != 0)
			return false;
	}
	/* Straight back when a pull can go ahead; otherwise the pty's POLLOUT wakes us. */
	int timeout = (c->stranded && (c->qlen == 0 || c->stranded_len <= queue_room(c))) ? 0 : -1;
	if (ssh_event_dopoll(c->event, keepalive_timeout(c, timeout)) == SSH_ERROR)
		return false;
	if (!keepalive_check(c)) {
		c->closing = true;   /* the link is as good as gone: nothing more is sent on it */
		return false;
	}
	return true;
}

static void close_fd(struct conn *c, int *fd);

/* Passes on (or, with the client gone, discards) what the child has written so far; closes an
 * output at its end (a pty master stays open: the child may still read from it). */
static void drain(struct conn *c, bool forward)
{
	int *fds[2] = { &c->out_fd, &c->err_fd };
	for (int i = 0; i < 2; i++) {
		char buf[16384];
		ssize_t n = -1;
		while (*fds[i] >= 0 && (n = read(*fds[i], buf, sizeof buf)) > 0) {
			if (!forward)
				continue;
			int w = fds[i] == &c->err_fd
				? ssh_channel_write_stderr(c->channel, buf, (uint32_t)n)
				: ssh_channel_write(c->channel, buf, (uint32_t)n);
			if (w == SSH_ERROR)
				forward = false;
			else
				c->bytes_out += (uint64_t)n;
		}
		if (*fds[i] >= 0 && *fds[i] != c->in_fd && n == 0)
			close_fd(c, fds[i]);
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits up to ms milliseconds for the child to exit, draining its output meanwhile so that
 * it never blocks writing to a full pty or pipe. Returns true if it exited.
 */
static bool wait_child(struct conn *c, int ms, bool forward)
{
	int64_t deadline = now_ms() + ms;
	for (;;) {
		int status;
		drain(c, forward);
		pid_t r = waitpid(c->ui_pid, &status, WNOHANG);
		if (r == c->ui_pid) {
			c->ui_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			c->ui_pid = 0;
			return true;
		}
		if (r < 0 || now_ms() >= deadline)
			return false;
		struct pollfd p[2] = { { .fd = c->out_fd, .events = POLLIN },
			{ .fd = c->err_fd, .events = POLLIN } };
		if (poll(p, 2, 10) < 0 && errno != EINTR)
			return false;
	}
}

static void close_fd(struct conn *c, int *fd)
{
	if (*fd < 0)
		return;
	ssh_event_remove_fd(c->event, *fd);
	close(*fd);
	*fd = -1;
}

int relay_finish(struct conn *c)
{
	bool connected = !c->closing && ssh_is_connected(c->session);
	/* Why it ends, for the session's last log line (session.c). */
	if (term_requested)
		c->end_reason = term_from_listener ? "shutdown" : "sysop";
	else if (c->ui_done || c->ui_pid <= 0)
		c->end_reason = "exit";
	else
		c->end_reason = connected ? "closed" : "hangup";
	if (c->ui_pid > 0 && !c->ui_done && !term_requested && !connected)
		conn_event(c, BBS_LOG_INFO, "hangup", NULL, "note=link-gone-child-hung-up");
	if (c->ui_pid > 0) {
		/* Hang up the child while its pty is still open: closing the master first would
		 * throw away input it has not read yet, such as the last words of a draft typed
		 * just before the link dropped. It saves what it has and exits. */
		/* Ended on purpose with the client still there: SIGTERM, which saves the same way
		 * and also puts the client's screen back, so that the line below shows on it. */
		if (!c->ui_done)
			kill(c->ui_pid, term_requested && connected ? SIGTERM : SIGHUP);
		if (!wait_child(c, 2000, connected)) {
			kill(c->ui_pid, SIGKILL);
			wait_child(c, 1000, false);
		}
	}
	/* Pass on what the child wrote last (the UI's final screen, a command's last lines). */
	drain(c, connected);
	if (term_requested && connected && c->channel) {
		/* Ended on purpose: say so where the client shows it (stderr for a command). */
		char line[128];
		int len = snprintf(line, sizeof line, "\r\n%s\r\n",
			term_from_listener ? RELAY_ENDED_SHUTDOWN : RELAY_ENDED_BY_SYSOP);
		if (len > 0 && (size_t)len < sizeof line &&
		    (c->command ? ssh_channel_write_stderr(c->channel, line, (uint32_t)len)
			: ssh_channel_write(c->channel, line, (uint32_t)len)) == SSH_ERROR)
			connected = false;
	}
	if (c->in_fd == c->out_fd)
		c->in_fd = -1;
	close_fd(c, &c->in_fd);
	close_fd(c, &c->out_fd);
	close_fd(c, &c->err_fd);
	if (connected && c->channel) {
		/* The exit status must go before EOF and close, or clients report -1. */
		ssh_channel_request_send_exit_status(c->channel, c->ui_status);
		ssh_channel_send_eof(c->channel);
		ssh_channel_close(c->channel);
		/* Wait for the client's own close, as sshd does: disconnecting first makes clients
		 * fail with "Broken pipe" or a reset and exit 255 instead of the status just sent.
		 * On a fast link that is one round trip; a lossy 600 ms link can need several
		 * seconds (retransmissions), so up to RELAY_CLOSE_WAIT_MS. */
		for (int i = 0; i < RELAY_CLOSE_WAIT_MS / 100 && !c->closing &&
		     ssh_is_connected(c->session); i++) {
			if (ssh_event_dopoll(c->event, 100) == SSH_ERROR)
				break;
		}
	}
	free(c->command);
	c->command = NULL;
	return c->ui_status;
}
