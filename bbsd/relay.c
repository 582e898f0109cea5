/*
 * relay.c: the session channel, its pty and the `bbs` UI process.
 *
 * After authentication the member gets exactly one session channel. A pty request gives
 * TERM and the window size (never taken from the client's environment); the shell request
 * starts the UI on a new pty: openpty -> fork -> login_tty -> close every other fd -> execve.
 * The UI process holds neither the host keys nor the session keys.
 *
 * Bytes from the client go into the pty master; what does not fit waits in a bounded queue
 * (c->queue). libssh offers the unconsumed rest of a packet again only when the next packet
 * arrives, so leftovers are pulled with ssh_channel_read_nonblocking(), which re-enters the
 * data callback: c->pulling makes that re-entry consume nothing.
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

static void queue_flush(struct conn *c)
{
	while (c->qlen > 0 && c->master >= 0) {
		ssize_t n = write(c->master, c->queue, c->qlen);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return; /* EAGAIN: the pty is full; EIO: the UI is gone (seen on read) */
		}
		memmove(c->queue, c->queue + n, c->qlen - (size_t)n);
		c->qlen -= (size_t)n;
	}
}

static int on_data(ssh_session s, ssh_channel ch, void *data, uint32_t len, int is_stderr,
	void *ud)
{
	struct conn *c = ud;
	if (c->pulling || is_stderr)
		return is_stderr ? (int)len : 0;
	queue_flush(c);
	size_t room = RELAY_QUEUE - c->qlen;
	size_t take = len < room ? len : room;
	memcpy(c->queue + c->qlen, data, take);
	c->qlen += take;
	if (take < len)
		c->stranded = true;
	queue_flush(c);
	return (int)take;
}

static void on_eof(ssh_session s, ssh_channel ch, void *ud)
{
	/* The client will send no more input. The UI keeps running until it ends or the
	 * channel is closed. */
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
	set_term(c, term);
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
	if (c->master >= 0) {
		struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
		/* The kernel sends SIGWINCH to the UI, which redraws. */
		if (ioctl(c->master, TIOCSWINSZ, &ws) != 0)
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
	if (c->shell)
		return -1;
	c->shell = true;
	c->exec = true;
	return 0;
}

void relay_channel_callbacks(struct conn *c)
{
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

static void write_all(struct conn *c, const char *s, size_t len)
{
	if (ssh_channel_write(c->channel, s, (uint32_t)len) == SSH_ERROR)
		c->closing = true;
}

/* In the forked child: becomes the UI. Never returns. */
static void exec_ui(struct conn *c, int slave)
{
	pid_t parent = getppid();
	if (login_tty(slave) != 0)
		_exit(127);
	/* If the session process dies, the UI goes too (the pty hangup also does this). */
	prctl(PR_SET_PDEATHSIG, SIGHUP);
	if (getppid() != parent)
		_exit(127);
	close_range(3, ~0U, 0);

	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);

	char term[80], home[4200];
	if (bbs_snprintf(term, sizeof term, "TERM=%s", c->term) != 0 ||
	    bbs_snprintf(home, sizeof home, "HOME=%s", c->cfg->dir) != 0)
		_exit(127);
	char *envp[8] = { term, home, "LC_ALL=C.UTF-8", "PATH=/usr/bin:/bin", NULL };
	/* Sanitizer settings are the only variables passed on from bbsd's own environment, so
	 * that a sanitizer build of the UI reports the way its tests ask. */
	size_t ne = 4;
	for (char **e = environ; *e && ne < 7; e++) {
		if (strncmp(*e, "ASAN_OPTIONS=", 13) == 0 || strncmp(*e, "LSAN_OPTIONS=", 13) == 0 ||
		    strncmp(*e, "UBSAN_OPTIONS=", 14) == 0)
			envp[ne++] = *e;
	}
	char *argv[] = { "bbs", "-d", (char *)c->cfg->dir, "--user", c->handle, NULL };
	execve(c->cfg->ui_path, argv, envp);
	static const char msg[] = "The portal cannot start its screen right now. Please try later.\r\n";
	(void)!write(1, msg, sizeof msg - 1);
	_exit(127);
}

static int watch_master(struct conn *c, short events);

static int on_master(socket_t fd, int revents, void *ud)
{
	struct conn *c = ud;
	if (revents & POLLOUT)
		queue_flush(c);
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		char buf[16384];
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0) {
			write_all(c, buf, (size_t)n);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			/* EIO on the master: every slave fd is closed, the UI has gone. */
			c->ui_done = true;
		}
	}
	return 0;
}

static int watch_master(struct conn *c, short events)
{
	ssh_event_remove_fd(c->event, c->master);
	return ssh_event_add_fd(c->event, c->master, events, on_master, c) == SSH_OK ? 0 : BBS_ERR_IO;
}

int relay_start(struct conn *c)
{
	if (c->exec || !c->pty) {
		static const char no_pty[] =
			"This portal is an interactive screen and needs a terminal: "
			"connect with 'ssh -t' and no command.\r\n";
		write_all(c, no_pty, sizeof no_pty - 1);
		c->ui_done = true;
		c->ui_status = 1;
		return 0;
	}
	int slave = -1;
	struct winsize ws = { .ws_row = (unsigned short)c->rows, .ws_col = (unsigned short)c->cols };
	if (openpty(&c->master, &slave, NULL, NULL, &ws) != 0) {
		log_error("openpty: %m");
		return BBS_ERR_IO;
	}
	pid_t pid = fork();
	if (pid < 0) {
		log_error("fork: %m");
		close(slave);
		return BBS_ERR_IO;
	}
	if (pid == 0)
		exec_ui(c, slave);
	close(slave);
	c->ui_pid = pid;
	c->started = true;
	int fl = fcntl(c->master, F_GETFL);
	if (fl < 0 || fcntl(c->master, F_SETFL, fl | O_NONBLOCK | O_CLOEXEC) != 0)
		return BBS_ERR_IO;
	queue_flush(c);
	return watch_master(c, POLLIN);
}

bool relay_step(struct conn *c)
{
	if (c->ui_done || c->closing || !ssh_is_connected(c->session))
		return false;
	queue_flush(c);
	if (c->stranded && c->qlen < RELAY_QUEUE) {
		/* Pull what libssh holds but did not offer again; see the top of this file. */
		c->stranded = false;
		c->pulling = true;
		int n = ssh_channel_read_nonblocking(c->channel, c->queue + c->qlen,
			(uint32_t)(RELAY_QUEUE - c->qlen), 0);
		c->pulling = false;
		if (n > 0) {
			c->qlen += (size_t)n;
			c->stranded = true; /* there may be more */
			queue_flush(c);
		}
	}
	bool want_out = c->qlen > 0;
	if (want_out != c->want_pollout) {
		c->want_pollout = want_out;
		if (watch_master(c, want_out ? POLLIN | POLLOUT : POLLIN) != 0)
			return false;
	}
	int timeout = (c->stranded && c->qlen < RELAY_QUEUE) ? 0 : -1;
	if (ssh_event_dopoll(c->event, timeout) == SSH_ERROR)
		return false;
	return true;
}

/* Waits up to ms milliseconds for the UI to exit. Returns true if it did. */
static bool wait_ui(struct conn *c, int ms)
{
	for (int waited = 0;; waited += 10) {
		int status;
		pid_t r = waitpid(c->ui_pid, &status, WNOHANG);
		if (r == c->ui_pid) {
			c->ui_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			c->ui_pid = 0;
			return true;
		}
		if (r < 0 || waited >= ms)
			return r < 0;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int relay_finish(struct conn *c)
{
	bool connected = !c->closing && ssh_is_connected(c->session);
	if (c->master >= 0) {
		ssh_event_remove_fd(c->event, c->master);
		/* Pass on what the UI wrote last (its final screen), then hang up the pty. */
		char buf[16384];
		ssize_t n;
		while (connected && (n = read(c->master, buf, sizeof buf)) > 0)
			write_all(c, buf, (size_t)n);
		close(c->master);
		c->master = -1;
	}
	if (c->ui_pid > 0) {
		if (!c->ui_done)
			kill(c->ui_pid, SIGHUP);
		if (!wait_ui(c, 2000)) {
			kill(c->ui_pid, SIGKILL);
			wait_ui(c, 1000);
		}
	}
	if (connected && c->channel) {
		/* The exit status must go before EOF and close, or clients report -1. */
		ssh_channel_request_send_exit_status(c->channel, c->ui_status);
		ssh_channel_send_eof(c->channel);
		ssh_channel_close(c->channel);
		/* Wait (briefly) for the client's own close, as sshd does: disconnecting first makes
		 * clients fail with "Broken pipe" and exit 255 instead of the status just sent. */
		for (int i = 0; i < 20 && !c->closing && ssh_is_connected(c->session); i++) {
			if (ssh_event_dopoll(c->event, 100) == SSH_ERROR)
				break;
		}
	}
	return c->ui_status;
}
