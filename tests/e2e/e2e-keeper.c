/*
 * e2e-keeper: bbsd's store keeper (bbsd/keeper.c) as it runs.
 *
 * - While bbsd runs it has exactly one child named TC_KEEPER_NAME, and that child holds
 *   DIR/portal.db open. A SIGTERM sent to the keeper alone does not end it (it ends with the
 *   listener).
 * - A member's session registers a row in the sessions table (its process's pid); after she
 *   logs off, and after a client that drops its connection (RST) without logging off, the
 *   row is removed from the table by the keeper.
 * - SIGKILL of the keeper: bbsd goes on serving (a login reaches the menu), logs "store keeper
 *   (pid N) ended", starts another keeper (another pid) after its restart delay, and that one
 *   removes the rows of ended sessions again.
 * - bbsd stopped with SIGTERM while a member is logged in: it exits by itself, her row is
 *   removed, and no keeper (nor anything else) is left behind.
 *
 * The sessions table is read raw (read-only connection, one SELECT per look): every listing
 * function (store_session_list, `bbsctl session list`, Who is online) prunes rows of
 * processes that are gone, so a listing could not tell whether the keeper removed a row.
 * Never calls a listing function, never writes to the database, never signals a process
 * it did not start but the keeper it tests (bbsd's child: SIGTERM, which the keeper must
 * ignore, and SIGKILL).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

/* bbsd starts another keeper RESTART_DELAY (10 s) after one ended: a margin on top. */
#define RESTART_MS 15000

static char db_path[TC_PATH_MAX + 16];   /* DIR/portal.db */
static char db_real[PATH_MAX];           /* the same, as /proc/PID/fd links show it */

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000 * 1000 };
	nanosleep(&ts, NULL);   /* polling interval while waiting for a condition */
}

/* One process's comm, state and parent from /proc/PID/stat; false if it is gone. */
static bool proc_stat(pid_t pid, char *comm, size_t n, char *state, pid_t *ppid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* pid (comm) state ppid: comm may hold spaces and parentheses; the last ')' ends it. */
	char *rp = strrchr(buf, ')'), *lp = strchr(buf, '(');
	int pp = 0;
	if (!rp || !lp || rp < lp || sscanf(rp + 1, " %c %d", state, &pp) != 2)
		return false;
	*rp = '\0';
	snprintf(comm, n, "%s", lp + 1);
	*ppid = (pid_t)pp;
	return true;
}

/* Live (not zombie) children of parent named comm: up to max pids into pids; the count. */
static int children_named(pid_t parent, const char *comm, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int count = 0;
	while (d && (e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name), ppid = 0;
		char name[64], state = 0;
		if (pid <= 0 || !proc_stat(pid, name, sizeof name, &state, &ppid))
			continue;
		if (ppid != parent || state == 'Z' || strcmp(name, comm) != 0)
			continue;
		if (count < max)
			pids[count] = pid;
		count++;
	}
	if (d)
		closedir(d);
	return count;
}

/* Waits (bounded) until parent has exactly one live child named comm other than not;
 * returns it, or 0. */
static pid_t wait_one_child(pid_t parent, const char *comm, pid_t not, int ms)
{
	int64_t end = tc_now_ms() + ms;
	for (;;) {
		pid_t pids[8];
		int n = children_named(parent, comm, pids, 8);
		if (n == 1 && pids[0] != not)
			return pids[0];
		if (tc_now_ms() > end) {
			tc_note("%d children of %d named %s (want one, not %d)", n, (int)parent, comm,
				(int)not);
			tc_print_procs(pids, n < 8 ? n : 8);
			return 0;
		}
		pause_ms(20);
	}
}

/* True while pid is a live process named TC_KEEPER_NAME (a reused pid is another name). */
static bool keeper_alive(pid_t pid)
{
	char name[64], state = 0;
	pid_t ppid = 0;
	return pid > 0 && proc_stat(pid, name, sizeof name, &state, &ppid) && state != 'Z' &&
		strcmp(name, TC_KEEPER_NAME) == 0;
}

/* Whether one of pid's descriptors is DIR/portal.db. */
static bool has_db_open(pid_t pid)
{
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;
	while (d && !found && (e = readdir(d))) {
		char path[320], target[PATH_MAX];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		ssize_t r = readlink(path, target, sizeof target - 1);
		if (r <= 0)
			continue;
		target[r] = '\0';
		found = strcmp(target, db_real) == 0;
	}
	if (d)
		closedir(d);
	return found;
}

/* The keeper opens the database right after it starts: waits (bounded) for the link. */
static bool wait_db_open(pid_t pid, int ms)
{
	int64_t end = tc_now_ms() + ms;
	while (!has_db_open(pid)) {
		if (tc_now_ms() > end || !keeper_alive(pid))
			return false;
		pause_ms(20);
	}
	return true;
}

/* Rows of the raw sessions table with this pid, or -1 (reason noted). A fresh read-only
 * connection per look, closed at once: the test must not hold the database. */
static int rows_of(pid_t pid)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	int n = -1;
	int rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(db, 5000);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sessions WHERE pid = ?1", -1, &q,
			NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(q, 1, (sqlite3_int64)pid);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW)
			n = sqlite3_column_int(q, 0);
	}
	if (n < 0)
		tc_note("reading sessions: %s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* Polls the raw table until pid has want rows (true) or ms pass (false, noted). */
static bool wait_rows(pid_t pid, int want, int ms, const char *what)
{
	int64_t t0 = tc_now_ms(), end = t0 + ms;
	int n;
	while ((n = rows_of(pid)) != want) {
		if (tc_now_ms() > end) {
			tc_note("%s: pid %d has %d rows after %d ms, want %d", what, (int)pid, n, ms,
				want);
			return false;
		}
		pause_ms(20);
	}
	tc_note("%s: pid %d has %d rows (after %lld ms)", what, (int)pid, want,
		(long long)(tc_now_ms() - t0));
	return true;
}

/* Polls bbsd's log until it contains text (true) or ms pass. */
static bool wait_log(const struct tc_fixture *fx, const char *text, int ms)
{
	int64_t end = tc_now_ms() + ms;
	for (;;) {
		char *log = tc_fixture_read_log(fx, NULL);
		bool found = strstr(log, text) != NULL;
		free(log);
		if (found)
			return true;
		if (tc_now_ms() > end)
			return false;
		pause_ms(20);
	}
}

static bool log_has(const struct tc_fixture *fx, const char *text)
{
	char *log = tc_fixture_read_log(fx, NULL);
	bool found = strstr(log, text) != NULL;
	free(log);
	return found;
}

/* alice logs in with her key and reaches the menu; her session process (bbsd's child named
 * like bbsd, not the keeper) into *session, and its row is in the table. */
static struct tc *login(struct tc_fixture *fx, const struct tc_users *u, pid_t keeper,
	pid_t *session)
{
	struct tc *tc = tc_login_key(fx, "alice", u->alice_key, "xterm", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	/* The session process is a fork of the listener: the same comm as bbsd. */
	*session = wait_one_child(fx->bbsd_pid, "bbsd", 0, TC_WAIT_MS);
	TC_REQUIRE(*session > 0);
	TC_REQUIRE(*session != keeper);
	TC_REQUIRE(wait_rows(*session, 1, TC_WAIT_MS, "logged in"));
	return tc;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	pid_t session = 0;
	char line[160];

	tc_fixture_standard(&fx, &u, 100);
	snprintf(db_path, sizeof db_path, "%s/portal.db", fx.dir);
	if (!realpath(db_path, db_real))
		tc_fail("realpath %s: %s", db_path, strerror(errno));

	tc_note("one store keeper, holding the database open");
	pid_t keeper = wait_one_child(fx.bbsd_pid, TC_KEEPER_NAME, 0, TC_WAIT_MS);
	TC_REQUIRE(keeper > 0);
	TC_REQUIRE(wait_db_open(keeper, TC_WAIT_MS));
	tc_note("keeper %d has %s open", (int)keeper, db_real);
	/* It ends with the listener only: a SIGTERM to it alone (or to all of bbsd's processes)
	 * changes nothing; the checks below find the same keeper at work. */
	TC_CHECK(kill(keeper, SIGTERM) == 0);

	tc_note("log off: the keeper removes the row");
	struct tc *tc = login(&fx, &u, keeper, &session);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	TC_CHECK(wait_rows(session, 0, TC_WAIT_MS, "logged off"));
	TC_CHECK(keeper_alive(keeper));
	TC_CHECK(wait_one_child(fx.bbsd_pid, TC_KEEPER_NAME, 0, 0) == keeper);
	TC_CHECK(!log_has(&fx, "store keeper (pid"));

	tc_note("a client that drops (RST) without logging off: the row is removed too");
	tc = login(&fx, &u, keeper, &session);
	tc_drop(tc);
	tc_close(tc);
	TC_CHECK(wait_rows(session, 0, TC_WAIT_MS, "dropped"));
	TC_CHECK(keeper_alive(keeper));

	tc_note("SIGKILL of the keeper: bbsd serves on and starts another");
	TC_REQUIRE(kill(keeper, SIGKILL) == 0);
	snprintf(line, sizeof line, "store keeper (pid %d) ended (status %d)", (int)keeper,
		128 + SIGKILL);
	TC_CHECK(wait_log(&fx, line, TC_WAIT_MS));
	int64_t killed_at = tc_now_ms();
	/* A login while there is no keeper (its restart delay is 10 s) reaches the menu. */
	tc = login(&fx, &u, keeper, &session);
	TC_CHECK(tc_fixture_alive(&fx));
	pid_t none[4];
	/* (bbsd counts its delay in whole seconds: a new one comes after 9 s at the earliest.) */
	TC_CHECK(tc_now_ms() - killed_at > 8000 ||
		children_named(fx.bbsd_pid, TC_KEEPER_NAME, none, 4) == 0);
	pid_t keeper2 = wait_one_child(fx.bbsd_pid, TC_KEEPER_NAME, keeper, RESTART_MS);
	TC_REQUIRE(keeper2 > 0);
	tc_note("keeper %d replaced keeper %d after %lld ms", (int)keeper2, (int)keeper,
		(long long)(tc_now_ms() - killed_at));
	TC_CHECK(!keeper_alive(keeper));
	TC_REQUIRE(wait_db_open(keeper2, TC_WAIT_MS));
	/* That session logs off with the new keeper running: its row is removed again. */
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	TC_CHECK(wait_rows(session, 0, TC_WAIT_MS, "logged off, new keeper"));
	tc = login(&fx, &u, keeper2, &session);
	tc_drop(tc);
	tc_close(tc);
	TC_CHECK(wait_rows(session, 0, TC_WAIT_MS, "dropped, new keeper"));

	tc_note("bbsd stopped (SIGTERM) with a member logged in: no keeper left");
	tc = login(&fx, &u, keeper2, &session);
	TC_REQUIRE(keeper_alive(keeper2));   /* what the check after the stop tells apart */
	/* SIGTERM to bbsd, then the client reads to the end and disconnects: the session waits
	 * (RELAY_CLOSE_WAIT_MS, 10 s) for the client's own close after the exit status, and a
	 * client that did not read meanwhile would make tc_fixture_stop's 5 s run out. */
	TC_REQUIRE(kill(fx.bbsd_pid, SIGTERM) == 0);
	int status = -1;
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS));
	tc_note("the member's session ended with exit status %d", status);
	tc_close(tc);
	status = tc_fixture_stop(&fx);   /* waits; SIGKILL only after 5 s */
	tc_note("bbsd wait status 0x%x", (unsigned)status);
	TC_CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* bbsd waited for its keeper before exiting; a keeper that outlived it would now be
	 * ours (we are a subreaper) and alive. */
	TC_CHECK(!keeper_alive(keeper2));
	int left = tc_fixture_wait_no_leftovers(&fx, NULL, 0, 5000);
	if (!TC_CHECK(left == 0)) {
		pid_t pids[64];
		left = tc_fixture_leftovers(&fx, NULL, 0, pids, 64);
		tc_print_procs(pids, left < 64 ? left : 64);
		for (int i = 0; i < left && i < 64; i++)
			kill(pids[i], SIGKILL);   /* ours now: bbsd's orphans */
	}
	/* Her session ended at the stop; the keeper removed its row before it ended. */
	TC_CHECK(wait_rows(session, 0, 0, "after the stop"));
	tc_fixture_finish(&fx);
	return tc_done();
}
