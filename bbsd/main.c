/*
 * main.c: bbsd's command line. Parses flags, checks the data directory, host keys and
 * database once, then hands over to the listener.
 *
 *   bbsd -d DIR [-l ADDR]... [-p PORT] [-D] [-U PATH-TO-BBS] [-g GRACE-SECONDS]
 */
#include "bbsd/bbsd.h"
#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/file.h>
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
		bbs_fatal("%s: %m", path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		bbs_fatal("another bbsd is serving %s", dir);
	if (bbs_snprintf(text, sizeof text, "%ld\n", (long)getpid()) != 0 || ftruncate(fd, 0) != 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		log_warn("cannot write %s", path);
	/* fd stays open (and locked) until bbsd exits. */
}

/* What -t prints: the configuration in effect, in bbsd.conf's own words. */
static void print_config(const struct bbsd_config *cfg)
{
	static const char *const levels[] = { "error", "warn", "info", "debug" };
	printf("DataDirectory %s\n", cfg->dir);
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
	printf("AuthBackoffAfter %d\nAuthBackoffWindow %lld\nAuthBackoffBase %lldms\n"
		"AuthBackoffMax %lldms\n", cfg->auth_backoff_after,
		(long long)cfg->auth_backoff_window, (long long)cfg->auth_backoff_base_ms,
		(long long)cfg->auth_backoff_max_ms);
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
	if (geteuid() == 0)
		fprintf(stderr, "bbsd: warning: running as root; a privilege drop comes with hardening\n");

	bbs_log_init("bbsd", !cfg.foreground, (enum bbs_log_level)cfg.log_level);
	if (keys_init() != 0)
		bbs_fatal("cannot initialise the crypto library");
	/* Makes the dummy password hash now, in the listener, so that every session process
	 * inherits it. keys_password_verify makes it on first use; made in each session process
	 * instead, the first unknown-user or disabled-account attempt of a connection cost two
	 * Argon2id computations against one for a wrong password (110 ms against 55 ms here:
	 * measured by bench/auth-timing), which told them apart. */
	(void)keys_password_verify(NULL, "", 0);
	r = keys_host_ensure(cfg.dir);
	if (r != 0)
		bbs_fatal("host keys in %s: %s", cfg.dir, bbs_strerror(r));

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
	return listener_run(&cfg, argc, argv);
}
