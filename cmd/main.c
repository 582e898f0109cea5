/*
 * bbscmd: runs one command of the command interface for a member.
 *
 *   bbscmd -d DIR --user HANDLE --command 'LINE'
 *   bbscmd -d DIR --user HANDLE --line
 *   bbscmd -d DIR --guest --line
 *
 * With --line it runs the plain line mode (line.c) on its stdin and stdout: bbsd starts it on
 * pipes for a connection without a pty, and on the pty for TERM=dumb or a member who chose
 * the line mode.
 *
 * bbsd starts it for an exec request, with pipes for stdin, stdout and stderr (no pty) and a
 * clean environment. It never holds host or session keys. The command line arrives as one
 * string and is split by cmd_split(): no shell ever sees it.
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "keys/keys.h"
#include "sandbox/sandbox.h"
#include "store/store.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The plain line mode: everything on stdout (one ordered stream for a pipe), flushed at
 * every prompt. */
/* Opens DIR/portal.db for the line mode, with stdout fully buffered (the line mode flushes
 * at each prompt). Says so on stdout and returns false when the database is not there. */
static bool line_store_open(const char *dir, struct store **st)
{
	char path[4096];
	struct stat sb;
	static char obuf[16384];
	(void)setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	if (bbs_snprintf(path, sizeof path, "%s/portal.db", dir) != 0 || stat(path, &sb) != 0 ||
	    store_open(path, st) != 0) {
		printf("The portal's database is not available. Please try later.\n");
		fflush(stdout);
		return false;
	}
	return true;
}

static int run_line(const char *dir, const char *handle)
{
	struct store *st = NULL;
	struct store_user *u = NULL;
	if (!line_store_open(dir, &st))
		return 1;
	if (store_user_get(st, handle, &u) != 0 || u->status != STORE_STATUS_ACTIVE) {
		printf("This account cannot use the portal.\n");
		fflush(stdout);
		store_user_free(u);
		store_close(st);
		return 1;
	}
	int status = line_main(st, u, stdin, stdout, isatty(0) == 1);
	store_close(st);
	return status;
}

static int run_guest(const char *dir)
{
	struct store *st = NULL;
	if (!line_store_open(dir, &st))
		return 1;
	int status = line_guest(st, stdin, stdout);
	store_close(st);
	return status;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *handle = NULL, *line = NULL;
	bool line_mode = argc == 6 && strcmp(argv[5], "--line") == 0;
	/* A visitor: bbscmd -d DIR --guest --line (the public pages only, no member). */
	if (argc == 5 && strcmp(argv[1], "-d") == 0 && strcmp(argv[3], "--guest") == 0 &&
	    strcmp(argv[4], "--line") == 0) {
		bbs_log_init("bbscmd", false, BBS_LOG_WARN);
		if (sandbox_child(argv[2]) < 0)
			log_warn("the sandbox could not be set up");
		return run_guest(argv[2]);
	}
	for (int i = 1; i + 1 < argc - (line_mode ? 1 : 0); i += 2) {
		if (strcmp(argv[i], "-d") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--user") == 0)
			handle = argv[i + 1];
		else if (strcmp(argv[i], "--command") == 0)
			line = argv[i + 1];
	}
	if (!dir || !handle || (line_mode ? line != NULL : !line || argc != 7)) {
		fprintf(stderr, "usage: bbscmd -d DIR (--user HANDLE (--command LINE | --line) | "
			"--guest --line)\n");
		return 2;
	}
	bbs_log_init("bbscmd", false, BBS_LOG_WARN);
	/* The line mode checks and hashes passwords and parses keys (Your account). */
	if (line_mode && keys_init() != 0) {
		printf("The portal cannot serve this right now. Please try later.\n");
		return 1;
	}
	/* Confined from here on (sandbox/): the data directory and the system's read-only files,
	 * no exec, no sockets but AF_UNIX. */
	if (sandbox_child(dir) < 0)
		log_warn("the sandbox could not be set up");
	if (line_mode)
		return run_line(dir, handle);

	char **words = NULL;
	int n = 0;
	const char *why = NULL;
	if (cmd_split(line, &words, &n, &why) != 0) {
		fprintf(stderr, "bbs: %s\n", why);
		return 2;
	}
	char path[4096];
	struct stat sb;
	struct store *st = NULL;
	struct store_user *u = NULL;
	int status = 1;
	if (bbs_snprintf(path, sizeof path, "%s/portal.db", dir) != 0 || stat(path, &sb) != 0 ||
	    store_open(path, &st) != 0) {
		fprintf(stderr, "bbs: the portal's database is not available\n");
		goto out;
	}
	if (store_user_get(st, handle, &u) != 0 || u->status != STORE_STATUS_ACTIVE) {
		fprintf(stderr, "bbs: this account cannot use the portal\n");
		goto out;
	}
	status = cmd_run(st, u, n, words, stdin, stdout, stderr);
	if (fflush(stdout) != 0)
		status = 1;
out:
	store_user_free(u);
	store_close(st);
	cmd_words_free(words);
	return status;
}
