/*
 * main.c: bbsd's command line. Parses flags, binds, drops privileges, checks the data
 * directory, host keys and database once, then hands over to the listener.
 *
 * Started as root, bbsd binds its ports and then becomes the service user (User, default
 * "bbs") for good, before it touches the data directory; it refuses to start if that user is
 * missing or is root. Started as anyone else it already is the service user (only capabilities
 * it was given for binding are dropped). Must never serve a connection as root.
 *
 *   bbsd -d DIR [-l ADDR]... [-p PORT] [-D] [-U PATH-TO-BBS] [-g GRACE-SECONDS]
 */
#include "bbsd/bbsd.h"
#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bbsd [-f CONFIG] [-t] [-d DIR] [-l ADDR]... [-p PORT] [-D] [-U BBS-PATH]\n"
		"            [-g SECONDS] [-S BEGIN:RATE:FULL] [-s PER-SOURCE] [-N]\n"
		"  -f CONFIG   configuration file (bbsd.conf(5)); flags override it\n"
		"  -t          check the configuration, print it, and exit\n"
		"  -d DIR      data directory (database, host keys)\n"
		"  -l ADDR     listen address, IPv4 or IPv6 (repeatable; default 0.0.0.0 and ::)\n"
		"  -p PORT     TCP port (default 2222; 0 picks a free one and writes DIR/bbsd.port)\n"
		"  -D          stay in the foreground and log to stderr\n"
		"  -U PATH     the bbs UI program (default: next to bbsd)\n"
		"  -g SECONDS  login grace time (default 30)\n"
		"  -S B:R:F    unauthenticated connections: random early drop from B (R%%) to F\n"
		"              (default 30:30:100)\n"
		"  -s N        unauthenticated connections per source address (default 5; 0 = no limit)\n"
		"  -N          no per-source penalties for failed or abandoned logins\n");
}

static bool executable(const char *path)
{
	return access(path, X_OK) == 0;
}

/* The programs bbsd starts are installed next to it, or sit in ../DIR/ in a build tree. */
static int find_program(const char *name, const char *builddir, char *out, size_t outsize)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return BBS_ERR_IO;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return BBS_ERR_NOTFOUND;
	*slash = '\0';
	if ((bbs_snprintf(out, outsize, "%s/%s", self, name) == 0 && executable(out)) ||
	    (bbs_snprintf(out, outsize, "%s/../%s/%s", self, builddir, name) == 0 && executable(out)) ||
	    (bbs_snprintf(out, outsize, "%s/../bin/%s", self, name) == 0 && executable(out)))
		return 0;
	return BBS_ERR_NOTFOUND;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return BBS_ERR_INVALID;
	*out = (int)v;
	return 0;
}

static int bad(const char *what, const char *value)
{
	fprintf(stderr, "bbsd: bad %s '%s'\n", what, value);
	return 2;
}

int bbsd_configure(int argc, char **argv, struct bbsd_config *cfg, bool *test_only)
{
	const char *file = NULL, *ui = NULL;
	int c;

	/* First the file (wherever -f stands), then the flags on top of it. */
	config_defaults(cfg);
	*test_only = false;
	optind = 1;
	while ((c = getopt(argc, argv, "f:td:l:p:DU:g:S:s:Nh")) != -1) {
		if (c == 'f')
			file = optarg;
		else if (c == 'h') {
			usage(stdout);
			exit(0);
		} else if (c == '?') {
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (file) {
		char err[512];
		if (config_load(file, cfg, err, sizeof err) != 0) {
			fprintf(stderr, "bbsd: %s\n", err);
			return 2;
		}
	}
	size_t file_listen = cfg->nlisten;
	optind = 1;
	while ((c = getopt(argc, argv, "f:td:l:p:DU:g:S:s:Nh")) != -1) {
		int n;
		switch (c) {
		case 't': *test_only = true; break;
		case 'd':
			if (bbs_strlcpy(cfg->dir, optarg, sizeof cfg->dir) >= sizeof cfg->dir)
				return bad("data directory", optarg);
			break;
		case 'l':
			/* Addresses on the command line replace those of the file. */
			if (file_listen) {
				cfg->nlisten = 0;
				file_listen = 0;
			}
			if (cfg->nlisten == BBSD_MAX_LISTEN ||
			    bbs_strlcpy(cfg->listen[cfg->nlisten], optarg, sizeof cfg->listen[0]) >=
			    sizeof cfg->listen[0])
				return bad("listen address", optarg);
			cfg->nlisten++;
			break;
		case 'p':
			if (parse_int(optarg, 0, 65535, &cfg->port) != 0)
				return bad("port", optarg);
			break;
		case 'D': cfg->foreground = true; break;
		case 'U': ui = optarg; break;
		case 'g':
			if (parse_int(optarg, 1, 3600, &cfg->grace_seconds) != 0)
				return bad("grace time", optarg);
			break;
		case 'S':
			if (limits_parse_startups(optarg, &cfg->limits) != 0)
				return bad("-S (BEGIN:RATE:FULL, e.g. 30:30:100)", optarg);
			break;
		case 's':
			if (parse_int(optarg, 0, 100000, &n) != 0)
				return bad("per-source limit", optarg);
			cfg->limits.per_source = n;
			break;
		case 'N': cfg->limits.penalties = false; break;
		default: break;
		}
	}
	if (!cfg->dir[0]) {
		fprintf(stderr, "bbsd: no data directory: give -d DIR or DataDirectory\n");
		return 2;
	}
	if (cfg->nlisten == 0) {
		bbs_strlcpy(cfg->listen[cfg->nlisten++], "0.0.0.0", sizeof cfg->listen[0]);
		bbs_strlcpy(cfg->listen[cfg->nlisten++], "::", sizeof cfg->listen[0]);
	}
	if (ui) {
		if (bbs_snprintf(cfg->ui_path, sizeof cfg->ui_path, "%s", ui) != 0 || !executable(ui)) {
			fprintf(stderr, "bbsd: UI program '%s' is not executable\n", ui);
			return 2;
		}
	} else if (find_program("bbs", "ui", cfg->ui_path, sizeof cfg->ui_path) != 0) {
		fprintf(stderr, "bbsd: cannot find the bbs program next to bbsd; use -U PATH\n");
		return 2;
	}
	if (cfg->auth_backoff_base_ms > 0 &&
	    cfg->auth_backoff_max_ms >= (int64_t)cfg->grace_seconds * 1000)
		fprintf(stderr, "bbsd: warning: AuthBackoffMax is not below LoginGraceTime: a password "
			"attempt delayed that long is never answered\n");
	if (find_program("bbscmd", "cmd", cfg->cmd_path, sizeof cfg->cmd_path) != 0) {
		fprintf(stderr, "bbsd: warning: no bbscmd next to bbsd: commands will be refused\n");
		cfg->cmd_path[0] = '\0';
	}
	return 0;
}

/* DIR/bbsd.pid, locked for as long as bbsd (and any of its sessions) runs: a second bbsd on
 * the same directory, and `bbsctl restore`, see it. The lock goes with the processes, so a
 * file left behind by a crash blocks nothing. */
static void lock_pidfile(const char *dir)
{
	char path[4200], text[32];
	if (bbs_snprintf(path, sizeof path, "%s/bbsd.pid", dir) != 0)
		bbs_fatal("data directory path too long");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		bbs_fatal("%s: %m (the service user must own the data directory and its files)", path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		bbs_fatal("another bbsd is serving %s", dir);
	if (bbs_snprintf(text, sizeof text, "%ld\n", (long)getpid()) != 0 || ftruncate(fd, 0) != 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		log_warn("cannot write %s", path);
	/* fd stays open (and locked) until bbsd exits. */
}

/* The user bbsd serves as. */
struct service_user {
	char name[64];
	uid_t uid;
	gid_t gid;
};

/* Looks up User for a bbsd started as root. Prints why and returns -1 if it does not exist
 * or is root itself. */
static int find_service_user(const char *name, struct service_user *u)
{
	errno = 0;
	struct passwd *pw = getpwnam(name);
	if (!pw) {
		fprintf(stderr, "bbsd: started as root, but the service user '%s' (User) does not "
			"exist; bbsd will not serve as root. Create it (useradd --system --user-group "
			"--shell /usr/sbin/nologin %s) or set User in bbsd.conf\n", name, name);
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		fprintf(stderr, "bbsd: User '%s' is root (uid or gid 0); bbsd will not serve as "
			"root: give an unprivileged user\n", name);
		return -1;
	}
	bbs_strlcpy(u->name, name, sizeof u->name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

/* From root to the service user for good: no supplementary groups, real, effective and saved
 * ids all changed (so no capability survives), then checked the way OpenSSH's
 * permanently_set_uid does: getting root back must fail. Any doubt is fatal. */
static void drop_privileges(const struct service_user *u)
{
	if (setgroups(1, &u->gid) != 0 || setresgid(u->gid, u->gid, u->gid) != 0 ||
	    setresuid(u->uid, u->uid, u->uid) != 0)
		bbs_fatal("cannot drop privileges to user %s: %m", u->name);
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
	    ru != u->uid || eu != u->uid || su != u->uid ||
	    rg != u->gid || eg != u->gid || sg != u->gid)
		bbs_fatal("privilege drop to user %s did not take; refusing to serve", u->name);
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || setegid(0) == 0)
		bbs_fatal("root could be regained after the privilege drop; refusing to serve");
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[2] = { { 0 } };
	if (syscall(SYS_capget, &hdr, caps) != 0 || caps[0].effective || caps[0].permitted ||
	    caps[1].effective || caps[1].permitted)
		bbs_fatal("capabilities survived the privilege drop; refusing to serve");
	log_info("serving as user %s (uid %u)", u->name, (unsigned)u->uid);
}

/* Started as an ordinary user with capabilities (systemd's AmbientCapabilities for port 22):
 * they were for binding; none is kept for serving. */
static void drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &hdr, data) != 0)
		log_warn("cannot clear capabilities: %m");
}

/* Makes the missing host keys and loads them all, as the user bbsd is now (owner: its name
 * for messages). keys_host_ensure refuses, as sshd does, a key that group or others could
 * read (the mode is never repaired: it may have been copied already) or that another user
 * owns. Fatal on error. */
static void load_host_keys(const struct bbsd_config *cfg, struct listener *l, const char *owner)
{
	int r = keys_host_ensure(cfg->dir);
	if (r != 0)
		bbs_fatal("host keys in %s: %s (each must be a file of user %s with mode 0600)",
			cfg->dir, bbs_strerror(r), owner);
	l->bind = session_bind_create(cfg);
	if (!l->bind)
		bbs_fatal("cannot load the host keys from %s", cfg->dir);
}

/* What -t prints: the configuration in effect, in bbsd.conf's own words. */
static void print_config(const struct bbsd_config *cfg)
{
	static const char *const levels[] = { "error", "warn", "info", "debug" };
	printf("DataDirectory %s\nUser %s\n", cfg->dir, cfg->user);
	for (size_t i = 0; i < cfg->nlisten; i++)
		printf("ListenAddress %s\n", cfg->listen[i]);
	printf("Port %d\nLoginGraceTime %d\nMaxAuthTries %d\nMaxSessions %d\n", cfg->port,
		cfg->grace_seconds, cfg->max_auth_tries, cfg->max_sessions);
	printf("MaxStartups %d:%d:%d\n", cfg->limits.startups_begin, cfg->limits.startups_rate,
		cfg->limits.startups_full);
	if (cfg->limits.per_source)
		printf("PerSourceMaxStartups %d\n", cfg->limits.per_source);
	else
		printf("PerSourceMaxStartups none\n");
	printf("PerSourcePenalties %s\nLogLevel %s\nLegacyClients %s\n",
		cfg->limits.penalties ? "yes" : "no", levels[cfg->log_level],
		cfg->legacy_clients ? "yes" : "no");
	printf("SourceRetentionDays %d\n", cfg->source_retention_days);
	printf("LogFacility %s\n", config_facility_name(cfg->log_facility));
	printf("AuthBackoffAfter %d\nAuthBackoffWindow %lld\nAuthBackoffBase %lldms\n"
		"AuthBackoffMax %lldms\n", cfg->auth_backoff_after,
		(long long)cfg->auth_backoff_window, (long long)cfg->auth_backoff_base_ms,
		(long long)cfg->auth_backoff_max_ms);
	printf("ClientAliveInterval %d\nClientAliveCountMax %d\n", cfg->client_alive_interval,
		cfg->client_alive_count_max);
}

int main(int argc, char **argv)
{
	struct bbsd_config cfg;
	bool test_only;
	int r = bbsd_configure(argc, argv, &cfg, &test_only);
	if (r != 0)
		return r;
	if (test_only) {
		print_config(&cfg);
		return 0;
	}
	/* Started as root: find the service user now, before anything is opened, and refuse
	 * rather than serve as root. Started as anyone else: that user is the service user. */
	struct service_user svc = { .uid = geteuid(), .gid = getegid() };
	bool root = getuid() == 0 || geteuid() == 0;
	if (root && find_service_user(cfg.user, &svc) != 0)
		return 1;
	if (!root) {
		struct passwd *pw = getpwuid(svc.uid);
		if (!pw || bbs_strlcpy(svc.name, pw->pw_name, sizeof svc.name) >= sizeof svc.name)
			(void)bbs_snprintf(svc.name, sizeof svc.name, "%u", (unsigned)svc.uid);
	}

	bbsd_log_init(&cfg);
	if (keys_init() != 0)
		bbs_fatal("cannot initialise the crypto library");
	/* Makes the dummy password hash now, in the listener, so that every session process
	 * inherits it. keys_password_verify makes it on first use; made in each session process
	 * instead, the first unknown-user or disabled-account attempt of a connection cost two
	 * Argon2id computations against one for a wrong password (110 ms against 55 ms here:
	 * measured by bench/auth-timing), which told them apart. */
	(void)keys_password_verify(NULL, "", 0);

	/* Root is needed for the ports (below 1024), and for host keys that root owns: those
	 * are read before the drop and stay out of the service user's reach (a compromised
	 * session or UI, which may read the data directory, cannot read them). Otherwise root
	 * is given up before any file of the data directory is touched, so that everything bbsd
	 * creates there belongs to the service user. */
	struct listener l;
	listener_open(&cfg, &l);
	bool keys_as_root = root && keys_host_owned_by_root(cfg.dir);
	if (keys_as_root)
		load_host_keys(&cfg, &l, "root");
	if (root)
		drop_privileges(&svc);
	else
		drop_capabilities();
	/* No process of bbsd ever gains privileges again (no set-user-id program, no file
	 * capabilities), whatever it runs. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		bbs_fatal("cannot set no_new_privs: %m");
	if (root && access(cfg.dir, F_OK) != 0 && errno == ENOENT)
		bbs_fatal("no data directory %s: create it with bbsctl -d %s init (run as root, it "
			"gives it to user %s)", cfg.dir, cfg.dir, svc.name);
	if (!executable(cfg.ui_path))
		bbs_fatal("user %s cannot run the UI program %s", svc.name, cfg.ui_path);
	if (access(cfg.dir, R_OK | W_OK | X_OK) != 0 && errno != ENOENT)
		bbs_fatal("user %s cannot use the data directory %s (%m): it must own it "
			"(bbsctl -d DIR init --user %s, or chown -R)", svc.name, cfg.dir, svc.name);

	if (!keys_as_root)
		load_host_keys(&cfg, &l, svc.name);

	/* Migrate once here, so that session processes never race to do it. */
	char dbpath[4200];
	if (bbs_snprintf(dbpath, sizeof dbpath, "%s/portal.db", cfg.dir) != 0)
		bbs_fatal("data directory path too long");
	struct store *st = NULL;
	r = store_open(dbpath, &st);
	if (r != 0)
		bbs_fatal("database %s: %s", dbpath, bbs_strerror(r));
	store_close(st);

	if (!cfg.foreground && daemon(1, 0) != 0)
		bbs_fatal("cannot detach: %m");
	lock_pidfile(cfg.dir);
	return listener_run(&cfg, &l, argc, argv);
}
