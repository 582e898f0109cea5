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

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bbsd -d DIR [-l ADDR]... [-p PORT] [-D] [-U BBS-PATH] [-g SECONDS]\n"
		"            [-S BEGIN:RATE:FULL] [-s PER-SOURCE] [-N]\n"
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

int main(int argc, char **argv)
{
	struct bbsd_config cfg = {
		.port = 2222,
		.grace_seconds = 30,
		.max_auth_tries = 6,
		.max_sessions = 4000,
	};
	const char *ui = NULL;
	int c;

	limits_config_defaults(&cfg.limits);
	while ((c = getopt(argc, argv, "d:l:p:DU:g:S:s:Nh")) != -1) {
		switch (c) {
		case 'd': cfg.dir = optarg; break;
		case 'l':
			if (cfg.nlisten == BBSD_MAX_LISTEN) {
				fprintf(stderr, "bbsd: at most %d -l addresses\n", BBSD_MAX_LISTEN);
				return 2;
			}
			cfg.listen[cfg.nlisten++] = optarg;
			break;
		case 'p':
			if (parse_int(optarg, 0, 65535, &cfg.port) != 0) {
				fprintf(stderr, "bbsd: bad port '%s'\n", optarg);
				return 2;
			}
			break;
		case 'D': cfg.foreground = true; break;
		case 'U': ui = optarg; break;
		case 'g':
			if (parse_int(optarg, 1, 3600, &cfg.grace_seconds) != 0) {
				fprintf(stderr, "bbsd: bad grace time '%s'\n", optarg);
				return 2;
			}
			break;
		case 'S':
			if (limits_parse_startups(optarg, &cfg.limits) != 0) {
				fprintf(stderr, "bbsd: -S wants BEGIN:RATE:FULL, e.g. 30:30:100\n");
				return 2;
			}
			break;
		case 's':
			if (parse_int(optarg, 0, 100000, &cfg.limits.per_source) != 0) {
				fprintf(stderr, "bbsd: bad per-source limit '%s'\n", optarg);
				return 2;
			}
			break;
		case 'N': cfg.limits.penalties = false; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !cfg.dir) {
		usage(stderr);
		return 2;
	}
	if (cfg.nlisten == 0) {
		cfg.listen[cfg.nlisten++] = "0.0.0.0";
		cfg.listen[cfg.nlisten++] = "::";
	}
	if (ui) {
		if (bbs_snprintf(cfg.ui_path, sizeof cfg.ui_path, "%s", ui) != 0 || !executable(ui)) {
			fprintf(stderr, "bbsd: UI program '%s' is not executable\n", ui);
			return 2;
		}
	} else if (find_program("bbs", "ui", cfg.ui_path, sizeof cfg.ui_path) != 0) {
		fprintf(stderr, "bbsd: cannot find the bbs program next to bbsd; use -U PATH\n");
		return 2;
	}
	if (find_program("bbscmd", "cmd", cfg.cmd_path, sizeof cfg.cmd_path) != 0) {
		fprintf(stderr, "bbsd: warning: no bbscmd next to bbsd: commands will be refused\n");
		cfg.cmd_path[0] = '\0';
	}
	if (geteuid() == 0)
		fprintf(stderr, "bbsd: warning: running as root; a privilege drop comes with hardening\n");

	bbs_log_init("bbsd", !cfg.foreground, BBS_LOG_INFO);
	if (keys_init() != 0)
		bbs_fatal("cannot initialise the crypto library");
	int r = keys_host_ensure(cfg.dir);
	if (r != 0)
		bbs_fatal("host keys in %s: %s", cfg.dir, bbs_strerror(r));

	/* Migrate once here, so that session processes never race to do it. */
	char dbpath[4096];
	if (bbs_snprintf(dbpath, sizeof dbpath, "%s/portal.db", cfg.dir) != 0)
		bbs_fatal("data directory path too long");
	struct store *st = NULL;
	r = store_open(dbpath, &st);
	if (r != 0)
		bbs_fatal("database %s: %s", dbpath, bbs_strerror(r));
	store_close(st);

	if (!cfg.foreground && daemon(1, 0) != 0)
		bbs_fatal("cannot detach: %m");
	return listener_run(&cfg);
}
