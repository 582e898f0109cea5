/*
 * test-store-locks: a second connection opened and closed in the same process must not make
 * the first one's commits invisible to other processes (POSIX locks are per process and file:
 * closing any descriptor of the database drops them all, and SQLite then loses its WAL).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "store/store.h"
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

/* Reads the setting "probe" and exits 0 if it equals want: run in a fresh process (exec'd),
 * which, unlike a forked one, shares no SQLite state with the test. */
static int probe(const char *db, const char *want)
{
	struct store *st = NULL;
	char *v = NULL;
	int ok = store_open(db, &st) == 0 && store_setting_get(st, "probe", &v) == 0 &&
		strcmp(v, want) == 0;
	free(v);
	store_close(st);
	return ok ? 0 : 1;
}

static bool other_process_sees(const char *db, const char *want)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "test-store-locks", "--probe", db, want, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		WEXITSTATUS(status) == 0;
}

static void test_second_connection(void)
{
	char *db = db_path("portal.db");

	struct store *a = NULL, *b = NULL;
	CHECK_INT(store_open(db, &a), 0);
	CHECK_INT(store_setting_set(a, "probe", "one"), 0);
	CHECK(other_process_sees(db, "one"));

	/* A second connection in the same process, opened and closed. */
	CHECK_INT(store_open(db, &b), 0);
	store_close(b);
	/* Another process opens and closes the database (as bbsctl does). */
	CHECK(other_process_sees(db, "one"));

	/* The first connection's commits must still reach other processes at once. */
	CHECK_INT(store_setting_set(a, "probe", "two"), 0);
	CHECK(other_process_sees(db, "two"));
	char wal[600];
	snprintf(wal, sizeof wal, "%s-wal", db);
	CHECK(access(wal, F_OK) == 0);
	store_close(a);
	free(db);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--probe") == 0)
		return probe(argv[2], argv[3]);
	static void (*const steps[])(void) = { test_second_connection };
	return tmpdir_main("test-store-locks", BBS_LOG_WARN, steps, 1);
}
