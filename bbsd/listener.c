/*
 * listener.c: the listening sockets and the session processes.
 *
 * The listener opens its own sockets (a real backlog, the peer address before any crypto),
 * accepts, sets TCP_NODELAY (libssh sets it only for clients: without it every echoed key
 * waits for Nagle and delayed ACK), and forks one session process per connection. It loads
 * the host keys once (a libssh bind object the children inherit), but it never reads a byte
 * from a client and never opens a libssh session, so no client can make it fall over. It reaps
 * its children and, on SIGTERM/SIGINT, ends them and exits.
 *
 * Least privilege: listener_open binds while bbsd may still be root (a port below 1024);
 * main.c loads the host keys into the bind object (as root before the drop if root owns
 * them, else as the service user after it), drops to the service user and calls
 * listener_run. The listener and every session process run as that
 * user; each session confines itself further after authentication (session.c, sandbox/).
 *
 * The database: the listener holds no connection (one must not cross fork). Its one child
 * that is not a session, the store keeper (keeper.c), holds one for bbsd's lifetime, removes
 * the sessions rows of the session processes reaped here, and drops source addresses older
 * than SourceRetentionDays about hourly.
 */
#include "bbsd/bbsd.h"
#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int sig_pipe[2] = { -1, -1 };
static struct keeper keeper = { .fd = -1 };   /* the store keeper (keeper.c) */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGTERM || sig == SIGINT)
		stop_requested = 1;
	char b = (char)sig;
	(void)!write(sig_pipe[1], &b, 1);
	errno = saved;
}

/* Binds one address. Returns the socket or -1 (logged). *port is the port to use; if it is 0
 * the kernel picks one and *port is updated so the next address uses the same. */
static int bind_one(const char *addr, int *port)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
		.ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char portstr[8];
	if (bbs_snprintf(portstr, sizeof portstr, "%d", *port) != 0)
		return -1;
	int r = getaddrinfo(addr, portstr, &hints, &res);
	if (r != 0) {
		log_error("listen address %s: %s", addr, gai_strerror(r));
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		log_error("socket for %s: %m", addr);
		freeaddrinfo(res);
		return -1;
	}
	int one = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
		log_warn("SO_REUSEADDR on %s: %m", addr);
	/* "::" must not also claim the IPv4 port: "0.0.0.0" is listed on its own. */
	if (res->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
		log_warn("IPV6_V6ONLY on %s: %m", addr);
	if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 512) != 0) {
		log_error("cannot listen on %s port %d: %m", addr, *port);
		close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	if (*port == 0) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
			close(fd);
			return -1;
		}
		*port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
			: ((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	log_info("listening on %s port %d", addr, *port);
	return fd;
}

/* Writes DIR/bbsd.port atomically, so a reader never sees a partial number. */
static int write_port_file(const char *dir, int port)
{
	char path[4096], tmp[4096], text[16];
	if (bbs_snprintf(path, sizeof path, "%s/bbsd.port", dir) != 0 ||
	    bbs_snprintf(tmp, sizeof tmp, "%s/bbsd.port.tmp", dir) != 0 ||
	    bbs_snprintf(text, sizeof text, "%d\n", port) != 0)
		return BBS_ERR_TOOBIG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return BBS_ERR_IO;
	size_t len = strlen(text);
	bool ok = write(fd, text, len) == (ssize_t)len;
	ok = (close(fd) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return BBS_ERR_IO;
	}
	return 0;
}

static void peer_name(const struct sockaddr_storage *ss, char *out, size_t outsize)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
	}
	if (bbs_snprintf(out, outsize, "%s port %d", host, port) != 0)
		bbs_strlcpy(out, "?", outsize);
}

/* One session process, as the listener sees it. */
struct child {
	pid_t pid;
	struct source_key key;
	int notify;          /* read end of its notify pipe: one byte = authenticated; -1 after */
	bool authenticated;
	int64_t start;       /* its start time (store_proc_start_time), for the keeper */
	char tag[KEYS_SESSION_TAG_LEN];  /* the tag its own log lines carry (keys_session_tag) */
	char source[INET6_ADDRSTRLEN];   /* its peer address, for the lines logged here */
};

struct children {
	struct child *v;
	size_t n, cap;
};

static void children_add(struct children *c, const struct child *k)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xrealloc(c->v, c->cap * sizeof *c->v);
	}
	c->v[c->n++] = *k;
}

static struct child *children_find(struct children *c, pid_t pid)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].pid == pid)
			return &c->v[i];
	return NULL;
}

static void children_remove(struct children *c, struct child *k)
{
	if (k->notify >= 0)
		close(k->notify);
	*k = c->v[--c->n];
}

/* How a session process ended, as a penalty event; false when it earns none. */
static bool exit_event(int status, enum limits_event *ev)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		if (sig == SIGALRM) {
			*ev = LIMITS_EV_GRACE;
			return true;
		}
		if (sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
			*ev = LIMITS_EV_CRASH;
			return true;
		}
		return false;
	}
	if (!WIFEXITED(status))
		return false;
	switch (WEXITSTATUS(status)) {
	case SESSION_EXIT_AUTH_FAILED: *ev = LIMITS_EV_AUTHFAIL; return true;
	case SESSION_EXIT_NOAUTH:
	case SESSION_EXIT_ERROR: *ev = LIMITS_EV_NOAUTH; return true;
	default: return false;
	}
}

static void reap(struct children *c, struct limits *lim)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (keeper_reaped(&keeper, pid, status))
			continue;
		struct child *k = children_find(c, pid);
		enum limits_event ev;
		const char *tag = k ? k->tag : "-", *from = k ? k->source : "-";
		if (k && exit_event(status, &ev)) {
			static const char *const why[] = { "auth-fail", "no-auth", "grace-time", "crash" };
			int secs = limits_penalize(lim, &k->key, ev, bbs_now());
			if (secs > 0)
				log_info("session=%s event=penalty from=%s reason=%s seconds=%d", tag, from,
					why[ev], secs);
		}
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			log_info("session=%s event=end from=%s reason=grace-time", tag, from);
		else if (WIFSIGNALED(status))
			log_warn("session=%s event=end from=%s reason=signal signal=%d", tag, from,
				WTERMSIG(status));
		if (k) {
			keeper_ended(&keeper, pid, k->start);
			children_remove(c, k);
		}
	}
}

/* Reads the notify pipes that poll() flagged. */
static void read_notify(struct children *c, const struct pollfd *p, size_t np)
{
	for (size_t i = 0; i < np; i++) {
		if (!p[i].revents)
			continue;
		for (size_t j = 0; j < c->n; j++) {
			struct child *k = &c->v[j];
			if (k->notify != p[i].fd)
				continue;
			char b;
			ssize_t r = read(k->notify, &b, 1);
			if (r == 1)
				k->authenticated = true;
			if (r == 1 || r == 0 || (errno != EAGAIN && errno != EINTR)) {
				/* Authenticated, or gone (its exit is reaped separately). */
				close(k->notify);
				k->notify = -1;
			}
			break;
		}
	}
}

static void count_unauth(const struct children *c, const struct source_key *key, int *total,
	int *from_source)
{
	*total = *from_source = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].authenticated)
			continue;
		(*total)++;
		if (memcmp(&c->v[i].key, key, sizeof *key) == 0)
			(*from_source)++;
	}
}

/* TCP_NODELAY: libssh sets it only for clients, and without it every echoed key waits for
 * Nagle and a delayed ACK (~40 ms). Keepalive probes find links that died silently (a phone
 * that lost coverage) after about two minutes, so their processes do not linger. */
static void set_socket_options(int fd)
{
	int one = 1, idle = 60, intvl = 15, cnt = 4;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) != 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) != 0)
		log_warn("socket options: %m");
}

/* Limits for a session process (and the UI it starts): no core files (they would hold host
 * and session keys), few open files, bounded memory (an Argon2id check needs 64 MiB for a
 * moment). AddressSanitizer reserves terabytes of address space, so no RLIMIT_AS there. */
static void limit_child(void)
{
	struct rlimit core = { 0, 0 }, files = { 64, 64 };
	if (setrlimit(RLIMIT_CORE, &core) != 0 || setrlimit(RLIMIT_NOFILE, &files) != 0)
		log_warn("setrlimit: %m");
#ifndef __SANITIZE_ADDRESS__
	struct rlimit as = { 512UL << 20, 512UL << 20 };
	if (setrlimit(RLIMIT_AS, &as) != 0)
		log_warn("setrlimit: %m");
#endif
	/* Not dumpable: other processes of the same user cannot ptrace it or read its memory. */
	prctl(PR_SET_DUMPABLE, 0);
}

static void child_start(const struct bbsd_config *cfg, ssh_bind b, int fd, int notify,
	const char *peer, const struct pollfd *pfds, size_t npfds, struct children *kids)
{
	/* The session process must not hold the listener's sockets, its signal pipe or other
	 * sessions' notify pipes. */
	for (size_t i = 0; i < npfds; i++)
		close(pfds[i].fd);
	for (size_t i = 0; i < kids->n; i++)
		if (kids->v[i].notify >= 0)
			close(kids->v[i].notify);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	if (keeper.fd >= 0)
		close(keeper.fd);
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	limit_child();
	session_run(cfg, b, fd, notify, peer);
}

/* Accepts one connection on lfd and starts its session process, unless a limit says no. */
static void accept_one(const struct bbsd_config *cfg, ssh_bind b, int lfd, struct limits *lim,
	struct children *kids, const struct pollfd *pfds, size_t npfds)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("accept: %m");
		return;
	}
	char peer[INET6_ADDRSTRLEN + 16];
	peer_name(&ss, peer, sizeof peer);
	struct child k = { .notify = -1 };
	/* The address alone, for log lines (key=value fields) about this connection. */
	const char *sp = strstr(peer, " port ");
	size_t sl = sp ? (size_t)(sp - peer) : strlen(peer);
	if (sl >= sizeof k.source)
		sl = sizeof k.source - 1;
	memcpy(k.source, peer, sl);
	k.source[sl] = '\0';
	if (kids->n >= (size_t)cfg->max_sessions) {
		log_warn("session=- event=refused from=%s reason=max-sessions sessions=%zu", k.source,
			kids->n);
		close(fd);
		return;
	}
	int total, from_source;
	source_key_from(&ss, &k.key);
	count_unauth(kids, &k.key, &total, &from_source);
	enum limits_verdict v = limits_check(lim, &k.key, bbs_now(), total, from_source,
		keys_random_uniform(100));
	if (v != LIMITS_ACCEPT) {
		log_info("session=- event=refused from=%s reason=%s", k.source,
			v == LIMITS_DROP_STARTUPS ? "max-startups" : v == LIMITS_DROP_SOURCE
			? "per-source-max-startups" : "penalty");
		close(fd);
		return;
	}
	set_socket_options(fd);
	int np[2];
	if (pipe2(np, O_CLOEXEC) != 0) {
		log_error("pipe: %m");
		close(fd);
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		log_error("fork: %m");
		close(np[0]);
		close(np[1]);
		close(fd);
		return;
	}
	if (pid == 0) {
		close(np[0]);
		child_start(cfg, b, fd, np[1], peer, pfds, npfds, kids);
	}
	close(np[1]);
	close(fd);
	if (fcntl(np[0], F_SETFL, O_NONBLOCK) != 0)
		log_warn("notify pipe: %m");
	k.pid = pid;
	k.notify = np[0];
	/* The child's tag, for the lines logged here about it (its start time is set by fork). */
	int64_t start = 0;
	if (store_proc_start_time((int64_t)pid, &start) != 0)
		start = 0;
	keys_session_tag((int64_t)pid, start, k.tag);
	k.start = start;
	children_add(kids, &k);
}

/*
 * Makes the crypto library build its algorithm tables and random generator here, once, so that
 * every session process shares them copy-on-write instead of building its own (measured: about
 * 150 kB less per session and 0.7 ms less CPU per login).
 */
static void warm_crypto(void)
{
	static const enum ssh_keytypes_e types[] = { SSH_KEYTYPE_ED25519, SSH_KEYTYPE_ECDSA_P256 };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		ssh_key k = NULL;
		if (ssh_pki_generate(types[i], types[i] == SSH_KEYTYPE_ECDSA_P256 ? 256 : 0, &k) == SSH_OK)
			ssh_key_free(k);
	}
}

/* SIGHUP: reads the configuration again. New settings apply to new connections; members'
 * sessions go on. Where to listen and the data directory need a restart. */
static void reload(struct bbsd_config *cfg, int argc, char **argv, struct limits *lim)
{
	struct bbsd_config fresh;
	bool test_only;
	if (bbsd_configure(argc, argv, &fresh, &test_only) != 0) {
		log_error("reload: the configuration has errors; keeping the current one");
		return;
	}
	if (strcmp(fresh.dir, cfg->dir) != 0 || fresh.port != cfg->port ||
	    fresh.nlisten != cfg->nlisten ||
	    memcmp(fresh.listen, cfg->listen, sizeof cfg->listen) != 0)
		log_warn("reload: addresses, port and data directory change only on restart");
	/* The crypto policy is set on the bind object, made once with the host keys. */
	if (fresh.legacy_clients != cfg->legacy_clients)
		log_warn("reload: LegacyClients changes only on restart");
	if (strcmp(fresh.user, cfg->user) != 0)
		log_warn("reload: User changes only on restart");
	/* Everything else applies from now on: start from the new settings and keep only what
	 * needs a restart, so that a setting added later cannot be forgotten here. */
	bbs_strlcpy(fresh.dir, cfg->dir, sizeof fresh.dir);
	bbs_strlcpy(fresh.user, cfg->user, sizeof fresh.user);
	memcpy(fresh.listen, cfg->listen, sizeof fresh.listen);
	fresh.nlisten = cfg->nlisten;
	fresh.port = cfg->port;
	fresh.foreground = cfg->foreground;
	bbs_strlcpy(fresh.ui_path, cfg->ui_path, sizeof fresh.ui_path);
	bbs_strlcpy(fresh.cmd_path, cfg->cmd_path, sizeof fresh.cmd_path);
	fresh.legacy_clients = cfg->legacy_clients;
	/* The keeper drops old source addresses with the settings it was started with. */
	bool new_keeper = fresh.source_retention_days != cfg->source_retention_days;
	*cfg = fresh;
	if (new_keeper)
		keeper_stop(&keeper, false);   /* ends by itself; the loop starts a new one */
	bbsd_log_init(cfg);
	limits_reconfigure(lim, &cfg->limits);
	log_info("reloaded the configuration");
}

void listener_open(const struct bbsd_config *cfg, struct listener *l)
{
	*l = (struct listener){ .port = cfg->port };
	for (size_t i = 0; i < cfg->nlisten; i++) {
		int fd = bind_one(cfg->listen[i], &l->port);
		if (fd < 0)
			bbs_fatal("cannot listen on %s", cfg->listen[i]);
		l->fds[l->n++] = fd;
	}
}

int listener_run(struct bbsd_config *cfg, struct listener *l, int argc, char **argv)
{
	struct pollfd lfds[BBSD_MAX_LISTEN + 1];
	size_t nlisten = 0;
	int port = l->port;
	struct children kids = { 0 };
	struct pollfd *pfds = NULL;
	size_t pcap = 0;
	ssh_bind b = l->bind;

	if (!b)
		bbs_fatal("no host keys loaded");
	warm_crypto();
	struct limits *lim = limits_create(&cfg->limits);
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		bbs_fatal("pipe: %m");
	for (size_t i = 0; i < l->n; i++)
		lfds[nlisten++] = (struct pollfd){ .fd = l->fds[i], .events = POLLIN };
	lfds[nlisten] = (struct pollfd){ .fd = sig_pipe[0], .events = POLLIN };

	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cfg->port == 0 && write_port_file(cfg->dir, port) != 0)
		bbs_fatal("cannot write %s/bbsd.port", cfg->dir);

	while (!stop_requested) {
		/* Started here, and again after a pause if it ended (keeper.c). */
		int timeout = keeper_tend(&keeper, cfg, b);
		/* The listening sockets and the signal pipe, then the notify pipes of the session
		 * processes that have not authenticated yet. */
		size_t np = nlisten + 1;
		if (pcap < np + kids.n) {
			pcap = (np + kids.n) * 2;
			pfds = xrealloc(pfds, pcap * sizeof *pfds);
		}
		memcpy(pfds, lfds, np * sizeof *pfds);
		for (size_t i = 0; i < kids.n; i++)
			if (kids.v[i].notify >= 0)
				pfds[np++] = (struct pollfd){ .fd = kids.v[i].notify, .events = POLLIN };
		if (poll(pfds, np, timeout) < 0) {
			if (errno == EINTR)
				continue;
			bbs_fatal("poll: %m");
		}
		read_notify(&kids, pfds + nlisten + 1, np - nlisten - 1);
		if (pfds[nlisten].revents & POLLIN) {
			char buf[64];
			ssize_t n;
			bool hup = false;
			while ((n = read(sig_pipe[0], buf, sizeof buf)) > 0)
				hup = hup || memchr(buf, SIGHUP, (size_t)n) != NULL;
			reap(&kids, lim);
			if (hup)
				reload(cfg, argc, argv, lim);
		}
		for (size_t i = 0; i < nlisten && !stop_requested; i++)
			if (pfds[i].revents & POLLIN)
				accept_one(cfg, b, lfds[i].fd, lim, &kids, lfds, nlisten + 1);
	}

	log_info("stopping: ending %zu sessions", kids.n);
	for (size_t i = 0; i < nlisten; i++)
		close(lfds[i].fd);
	for (size_t i = 0; i < kids.n; i++)
		kill(kids.v[i].pid, SIGTERM);
	while (kids.n > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0)
			break;
		struct child *k = children_find(&kids, pid);
		if (k) {
			keeper_ended(&keeper, pid, k->start);
			children_remove(&kids, k);
		}
	}
	keeper_stop(&keeper, true);
	if (cfg->port == 0) {
		char path[4096];
		if (bbs_snprintf(path, sizeof path, "%s/bbsd.port", cfg->dir) == 0)
			unlink(path);
	}
	free(kids.v);
	free(pfds);
	limits_destroy(lim);
	ssh_bind_free(b);
	return 0;
}
