/*
 * bbsd.h: what the parts of the SSH server share (private to bbsd/).
 *
 * listener.c  owns the listening sockets, accepts and forks one session process per TCP
 *             connection, and reaps them. It never parses a byte from a client.
 * session.c   runs in that process: libssh key exchange and authentication against the store.
 * relay.c     after authentication: one session channel, a pty, the `bbs` UI exec'd on the
 *             pty slave, and the byte relay between the channel and the pty master.
 */
#ifndef BBSD_H
#define BBSD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#include <libssh/server.h>

#include "common/common.h"

#define BBSD_MAX_LISTEN 8

struct bbsd_config {
	const char *dir;                  /* data directory: portal.db, host keys, bbsd.port */
	const char *listen[BBSD_MAX_LISTEN];
	size_t nlisten;
	int port;                         /* 0: pick a free port and write DIR/bbsd.port */
	bool foreground;
	char ui_path[4096];               /* the bbs program */
	int grace_seconds;                /* time allowed from accept to authenticated */
	int max_auth_tries;               /* failed attempts per connection */
	int max_sessions;                 /* session processes at once; more are refused at accept */
};

/* Binds, listens and serves until SIGTERM/SIGINT. Returns the process exit status. */
int listener_run(const struct bbsd_config *cfg);

/* The listener's libssh bind object with the host keys loaded (NULL on error, logged). */
ssh_bind session_bind_create(const struct bbsd_config *cfg);
/* Runs one connection in a freshly forked process (the socket is fd). Never returns. */
void session_run(const struct bbsd_config *cfg, ssh_bind b, int fd, const char *peer)
	__attribute__((noreturn));

/* Exit statuses of a session process; the listener reads them (penalties come later). */
enum session_exit {
	SESSION_EXIT_OK = 0,          /* the member logged off or the link closed after login */
	SESSION_EXIT_AUTH_FAILED = 3, /* never authenticated */
	SESSION_EXIT_ERROR = 4,       /* key exchange or protocol error */
};

#endif

/* ---- inside a session process (session.c and relay.c) ---- */
struct store;

#define RELAY_QUEUE 65536   /* bytes from the client waiting to go into the pty */

struct conn {
	const struct bbsd_config *cfg;
	const char *peer;
	struct store *st;
	ssh_session session;
	ssh_event event;
	ssh_channel channel;
	struct ssh_channel_callbacks_struct chan_cb;

	/* authentication */
	char kbdint_user[BBS_HANDLE_MAX + 1]; /* user of a keyboard-interactive exchange */
	char handle[BBS_HANDLE_MAX + 1];      /* the authenticated member, "" before */
	int auth_failures;
	bool authenticated;

	/* the channel's requests */
	char term[64];
	int cols, rows;
	bool pty;
	bool shell;          /* shell (or exec) asked for: start the UI or explain */
	bool exec;           /* an exec request rather than a shell */
	bool started;
	bool closing;        /* the client sent EOF or close, or the link is gone */

	/* the UI on its pty */
	pid_t ui_pid;
	int master;          /* pty master, -1 before the UI starts */
	bool ui_done;
	int ui_status;
	unsigned char queue[RELAY_QUEUE];  /* client -> pty bytes not written yet */
	size_t qlen;
	bool stranded;       /* libssh holds client bytes it will not offer again by itself */
	bool pulling;        /* pulling those: the data callback must not consume */
	bool want_pollout;
};

/* relay.c */
void relay_channel_callbacks(struct conn *c);
/* Starts the UI for c->handle on a new pty. Returns 0 or a negative bbs_err. */
int relay_start(struct conn *c);
/* One step of the relay main loop; returns false when the session is over. */
bool relay_step(struct conn *c);
/* Ends the UI (if any), sends the exit status, closes the channel. Returns the status. */
int relay_finish(struct conn *c);
