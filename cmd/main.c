/*
 * bbscmd: runs one command of the command interface for a member.
 *
 *   bbscmd -d DIR --user HANDLE --command 'LINE'
 *
 * bbsd starts it for an exec request, with pipes for stdin, stdout and stderr (no pty) and a
 * clean environment. It never holds host or session keys. The command line arrives as one
 * string and is split by cmd_split(): no shell ever sees it.
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"

#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	const char *dir = NULL, *handle = NULL, *line = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-d") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--user") == 0)
			handle = argv[i + 1];
		else if (strcmp(argv[i], "--command") == 0)
			line = argv[i + 1];
	}
	if (!dir || !handle || !line || argc != 7) {
		fprintf(stderr, "usage: bbscmd -d DIR --user HANDLE --command LINE\n");
		return 2;
	}
	bbs_log_init("bbscmd", false, BBS_LOG_WARN);

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
