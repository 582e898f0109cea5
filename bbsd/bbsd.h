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
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#include <libssh/server.h>

#include "common/common.h"

#define BBSD_MAX_LISTEN 8
/* The SSH user names of visitors, who are never members (store_handle_reserved; bbsctl and
 * the store refuse them as handles) and are never looked up in the store. They log in by
 * public key with any key whose signature verifies (the key is passed on to the UI) or by
 * keyboard-interactive with no prompts; "none" and password are denied.
 * "guest": a first-time visitor, the public pages (`bbs --guest`);
 * "join": a newcomer with an invite code (`bbs --join`). */
#define BBSD_GUEST "guest"
#define BBSD_JOIN "join"
/* The UI's exit status for abuse (BBS_UI_EXIT_ABUSE in ui/ui.h: too many wrong invite codes):
 * the session then exits with SESSION_EXIT_AUTH_FAILED, so the per-source penalty applies. */
#define BBSD_UI_EXIT_ABUSE 4

/*
 * Pre-authentication limits (limits.c), the OpenSSH model: MaxStartups-style random early
 * drop of unauthenticated connections, a per-source limit of unauthenticated connections, and
 * per-source penalties accrued from how session processes ended. A source is an IPv4 address
 * or an IPv6 /64. Pure logic: the listener feeds it and acts on its verdicts.
 */
struct limits_config {
	int startups_begin;     /* unauthenticated connections before random drops start */
	int startups_rate;      /* percent dropped at startups_begin, rising to 100 ... */
	int startups_full;      /* ... at startups_full */
	int per_source;         /* unauthenticated connections per source; 0 = no limit */
	bool penalties;         /* per-source penalties on */
	int penalty_authfail;   /* seconds added when a connection failed to authenticate */
	int penalty_noauth;     /* ... left without trying */
	int penalty_grace;      /* ... ran out of login grace time */
	int penalty_crash;      /* ... made its session process crash */
	int penalty_min;        /* accrued seconds before a source is refused */
	int penalty_max;        /* cap on accrued seconds */
	int max_sources;        /* sources remembered at most (oldest forgotten first) */
};
/* Fills in the defaults: startups 30:30:100, 5 per source (so that one flooding source never
 * starts the random drops that would hit everyone), and OpenSSH's penalties 5/1/10/90 s,
 * min 15 s, max 600 s, 65536 sources. */
void limits_config_defaults(struct limits_config *lc);
/* Parses "begin:rate:full" (or a single number N meaning N:100:N). 0 or BBS_ERR_INVALID. */
int limits_parse_startups(const char *s, struct limits_config *lc);

struct source_key {
	unsigned char b[17];   /* family byte + address prefix */
};
void source_key_from(const struct sockaddr_storage *ss, struct source_key *key);

enum limits_verdict {
	LIMITS_ACCEPT = 0,
	LIMITS_DROP_STARTUPS,  /* too many unauthenticated connections overall */
	LIMITS_DROP_SOURCE,    /* too many unauthenticated connections from this source */
	LIMITS_DROP_PENALTY,   /* this source is serving a penalty */
};
enum limits_event { LIMITS_EV_AUTHFAIL, LIMITS_EV_NOAUTH, LIMITS_EV_GRACE, LIMITS_EV_CRASH };

struct limits;
struct limits *limits_create(const struct limits_config *lc);
/* New settings (after a reload); what the sources have accrued is kept. */
void limits_reconfigure(struct limits *l, const struct limits_config *lc);
void limits_destroy(struct limits *l);
/* Decides on a new connection. unauth_total / unauth_source: unauthenticated connections now
 * (overall and from this source); rnd: a random number in [0, 100). */
enum limits_verdict limits_check(struct limits *l, const struct source_key *key, int64_t now,
	int unauth_total, int unauth_source, unsigned rnd);
/* Records how a connection from key ended. Returns the seconds of penalty added (0: none). */
int limits_penalize(struct limits *l, const struct source_key *key, enum limits_event ev,
	int64_t now);
const char *limits_verdict_name(enum limits_verdict v);

struct bbsd_config {
	char dir[4096];                   /* data directory: portal.db, host keys, bbsd.port */
	char user[33];                    /* User: the service user bbsd drops to when started
	                                   * as root (main.c); ignored otherwise */
	char listen[BBSD_MAX_LISTEN][64]; /* listen addresses */
	size_t nlisten;
	int port;                         /* 0: pick a free port and write DIR/bbsd.port */
	bool foreground;
	int log_level;                    /* enum bbs_log_level */
	int log_facility;                 /* LogFacility: -1 stderr, else a syslog(3) facility
	                                   * (LOG_AUTH ...); detached (no -D), stderr means
	                                   * syslog AUTH, as stderr goes nowhere then */
	char ui_path[4096];               /* the bbs program */
	char cmd_path[4096];              /* the bbscmd program (the command interface) */
	int grace_seconds;                /* time allowed from accept to authenticated */
	int max_auth_tries;               /* failed attempts per connection */
	int max_sessions;                 /* session processes at once; more are refused at accept */
	struct limits_config limits;      /* pre-authentication limits and penalties */
	bool legacy_clients;              /* also offer group14-sha256 and ssh-rsa (SHA-1) */
	int source_retention_days;        /* source addresses in the audit log and sessions are
	                                   * dropped after this many days; 0 keeps them */
	/* The login backoff per account name (session.c, store-throttle.c): after
	 * auth_backoff_after failed password or keyboard-interactive attempts for one name within
	 * auth_backoff_window seconds, each further attempt for it is answered only after
	 * auth_backoff_base_ms, doubling up to auth_backoff_max_ms, whichever connection or source
	 * it comes from. Public-key logins are never delayed. base 0 turns it off. */
	int auth_backoff_after;
	int64_t auth_backoff_window;      /* seconds */
	int64_t auth_backoff_base_ms;
	int64_t auth_backoff_max_ms;
	/* Keepalives (keepalive.c), as OpenSSH's ClientAlive*: after client_alive_interval seconds
	 * in which nothing came from the client, a keepalive request that wants an answer, then
	 * one per interval; after client_alive_count_max of them without any answer the session
	 * ends. Interval 0 turns them off. */
	int client_alive_interval;
	int client_alive_count_max;
};

/* config.c: the built-in defaults; bbsd.conf ("Keyword value" lines, see bbsd.conf(5)). */
void config_defaults(struct bbsd_config *cfg);
/* Parses configuration text (len bytes; name is the file name for messages) into cfg, on top of
 * what cfg holds. Returns 0, or a negative bbs_err with "name:line: reason" in err. */
int config_parse(const char *text, size_t len, const char *name, struct bbsd_config *cfg,
	char *err, size_t errlen);
/* Reads and parses the file at path (at most 64 KiB, a regular file). */
int config_load(const char *path, struct bbsd_config *cfg, char *err, size_t errlen);
/* LogFacility's value as a word ("stderr", "auth", "local0" ...), for bbsd -t. */
const char *config_facility_name(int facility);
/* Starts (or, on a reload, restarts) logging as cfg says: LogLevel, LogFacility, -D. */
void bbsd_log_init(const struct bbsd_config *cfg);
/* main.c: builds the whole configuration from the defaults, the file (-f) and the flags, as at
 * startup. Used again on SIGHUP. Returns 0, or prints why and returns the exit status. */
int bbsd_configure(int argc, char **argv, struct bbsd_config *cfg, bool *test_only);

/* keeper.c: the store keeper process (see there): holds a connection to the database while
 * bbsd runs, removes the sessions rows of ended session processes, drops old source
 * addresses. The listener starts it, hands it each reaped session, restarts it (after a pause)
 * when it ends, and stops it by closing the pipe. */
struct keeper {
	pid_t pid;           /* 0 when not running */
	int fd;              /* the pipe's write end (non-blocking), -1 when not running */
	int64_t restart_at;  /* when not running: bbs_now() at which to start it again */
};
/* Starts the keeper when it is not running and its restart time has come (at once the first
 * time and after keeper_stop; RESTART_DELAY after it ended by itself or failed to start). The
 * child frees its copy of b (the host keys) and closes every other descriptor. Returns the
 * poll timeout until it should be called again: -1 (no need) while the keeper runs. */
int keeper_tend(struct keeper *k, const struct bbsd_config *cfg, ssh_bind b);
/* Hands over an ended session process (never blocks; dropped rows are pruned when listed). */
void keeper_ended(struct keeper *k, pid_t pid, int64_t start);
/* For the listener's reaping: true if pid was the keeper (then it is marked for a restart). */
bool keeper_reaped(struct keeper *k, pid_t pid, int status);
/* Closes the pipe (the keeper then ends by itself); with wait, waits for it to end. The
 * next keeper_tend starts another. */
void keeper_stop(struct keeper *k, bool wait);

/* The listening sockets (listener_open, while bbsd may still be root) and the bind object with
 * the host keys (session_bind_create, called by main.c around the privilege drop). */
struct listener {
	ssh_bind bind;                    /* set by the caller before listener_run */
	int fds[BBSD_MAX_LISTEN];
	size_t n;
	int port;                         /* the port in use (the kernel's pick for Port 0) */
};
/* Binds every address of cfg; fatal (logged) on any error. */
void listener_open(const struct bbsd_config *cfg, struct listener *l);
/* Serves on what listener_open made until SIGTERM/SIGINT; SIGHUP reloads the configuration
 * (argc and argv are bbsd's own, to read it again the same way). Returns the exit status. */
int listener_run(struct bbsd_config *cfg, struct listener *l, int argc, char **argv);

/* The listener's libssh bind object with the host keys loaded (NULL on error, logged). */
ssh_bind session_bind_create(const struct bbsd_config *cfg);
/* Runs one connection in a freshly forked process (the socket is fd). Never returns. */
/* notify: write end of the pipe to the listener: one byte is written on authentication. */
void session_run(const struct bbsd_config *cfg, ssh_bind b, int fd, int notify, const char *peer)
	__attribute__((noreturn));

/* Exit statuses of a session process; the listener turns them into per-source penalties.
 * Ended by SIGALRM: the login grace time ran out. */
enum session_exit {
	SESSION_EXIT_OK = 0,          /* the member logged off or the link closed after login */
	SESSION_EXIT_AUTH_FAILED = 3, /* never authenticated, or a visitor the UI ended for abuse
	                               * (BBSD_UI_EXIT_ABUSE: guessing invite codes) */
	SESSION_EXIT_ERROR = 4,       /* key exchange or protocol error */
	SESSION_EXIT_NOAUTH = 5,      /* left without trying to authenticate */
};

/* ---- inside a session process (session.c and relay.c) ---- */
struct store;

/* Bytes from the client waiting to go into the pty. Larger than all libssh can hold for one
 * channel (its window of 1,280,000 bytes plus a packet), so that what libssh holds can always
 * be taken in one piece: see the top of relay.c. Heap, touched only as far as it is used. */
#define RELAY_QUEUE (2 * 1024 * 1024)
/* At the end of a session, the longest wait for the client to close after the exit status
 * was sent (relay_finish): one round trip on a fast link, seconds on a lossy one. */
#define RELAY_CLOSE_WAIT_MS 10000
#define RELAY_COMMAND_MAX 4096  /* an exec request's command line (bbscmd's own limit) */

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
	char handle[BBS_HANDLE_MAX + 1];      /* the authenticated member, "" before (and for a visitor) */
	int auth_failures;
	bool authenticated;
	bool guest;                           /* logged in as "guest": public pages only, never
	                                       * a member, never a command */
	bool join;                            /* logged in as "join": the join screen only */
	char *login_key;                      /* a visitor's key "TYPE BASE64" (heap), or NULL */
	const char *refusal;                  /* a member whose application is pending or was
	                                       * declined: the one line they get instead of the
	                                       * UI or a command (static), or NULL */
	int notify;                           /* pipe to the listener, -1 once told */
	int refusals;                         /* requests refused (and logged) so far */
	int64_t user_id;                      /* the authenticated member's id, 0 for a visitor */
	char source[64];                      /* the peer address without the port */
	/* logging (session.c conn_event): one line per event, all carrying the tag */
	char tag[9];                          /* keys_session_tag(getpid(), pid_start) */
	int64_t pid_start;                    /* this process's start time (store_proc_start_time) */
	int64_t start_ms;                     /* monotonic milliseconds at the connection's start */
	uint64_t bytes_in, bytes_out;         /* channel payload relayed: client->child, child->client */
	const char *end_reason;               /* why the session ended (static word), or NULL */
	bool line_pref;                       /* the member chose the plain line mode */

	/* the channel's requests */
	char term[64];
	int cols, rows;
	bool pty;
	bool shell;          /* shell (or exec) asked for: start the UI or explain */
	char *command;       /* an exec request's command line (heap), or NULL */
	bool started;
	bool closing;        /* the client sent EOF or close, or the link is gone */

	/* the child: the UI on its pty (in_fd == out_fd == the master), or a command on pipes */
	pid_t ui_pid;
	int in_fd, out_fd, err_fd;   /* -1 when not open */
	bool out_open, err_open;     /* output not at end of file yet */
	bool in_eof;                 /* the client sent EOF */
	bool ui_done;
	int ui_status;
	unsigned char *queue;  /* RELAY_QUEUE bytes: client -> pty bytes not written yet */
	size_t qhead, qlen;  /* the bytes waiting are queue[qhead, qhead + qlen) */
	bool stranded;       /* libssh holds client bytes it will not offer again by itself */
	size_t stranded_len; /* how many, when last asked (0: not known yet) */
	bool pulling;        /* pulling those: the data callback must not consume */
	bool watched_out;    /* POLLOUT is registered for in_fd */
	bool rewatch;        /* the fds to watch changed */
};

/* session.c: logs one event of this connection as one line of key=value fields:
 * "session=TAG event=EVENT [user=U] from=ADDR REST". user: a name as the client typed it
 * (escaped: text_escape_log, spaces too), or NULL for the authenticated member or visitor (none
 * before login). REST (printf-style, may be "") must hold only words this program chose or
 * numbers: never a secret, never anything a member wrote. */
void conn_event(const struct conn *c, enum bbs_log_level level, const char *event,
	const char *user, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* keepalive.c: ClientAliveInterval / ClientAliveCountMax (see there). keepalive_start once the
 * relay runs; keepalive_timeout bounds the relay's poll timeout (ms, -1 for none) so that the
 * next request goes out in time; keepalive_check after each poll sends what is due and returns
 * false when the client has left count_max requests unanswered (logged: keepalive-timeout). */
void keepalive_start(struct conn *c);
int keepalive_timeout(const struct conn *c, int timeout_ms);
bool keepalive_check(struct conn *c);

/* relay.c */
/* The session's line when a sysop ends it (SIGTERM from anyone but the listener), and when
 * the portal shuts down (SIGTERM from the listener). */
#define RELAY_ENDED_BY_SYSOP "Your session was ended by a sysop."
#define RELAY_ENDED_SHUTDOWN "The portal is shutting down."
/* From now on SIGTERM ends this session cleanly (relay_step returns false, relay_finish hangs
 * up the UI so that it saves a draft, tells the client why and sends the exit status) instead
 * of killing the process. Call before the session is registered, so that a sysop who ends it
 * at once is never lost. Returns 0 or a negative bbs_err (then SIGTERM stays fatal). */
int relay_catch_term(struct conn *c);
void relay_channel_callbacks(struct conn *c);
/* Starts the UI for c->handle on a new pty. Returns 0 or a negative bbs_err. */
int relay_start(struct conn *c);
/* One step of the relay main loop; returns false when the session is over. */
bool relay_step(struct conn *c);
/* Ends the UI (if any), sends the exit status, closes the channel. Returns the status (the
 * UI's or the command's exit status). */
int relay_finish(struct conn *c);

#endif
