/*
 * login-bench: what a login costs on this machine, measured through real SSH.
 *
 *   - time from TCP connect to the main menu being drawn (public-key logins, one at a time);
 *   - channel payload bytes of the first main-menu screen at 80x24;
 *   - PSS of the server-side processes per held session, with N sessions logged in at once.
 *
 * It uses the end-to-end harness (tests/e2e/tclient.h): a real bbsd on 127.0.0.1 started
 * from a temporary data directory. Prints a table and, with BENCH_JSON=FILE, writes JSON.
 * Run with `meson test -C build --benchmark -v` or directly with BBSD/BBSCTL/BBS set.
 * Nothing here is asserted: figures are reported, not checked (tests do the checking).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static double pct(const int64_t *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);
	return (double)v[i];
}

/* PSS in kB of one process, from /proc/PID/smaps_rollup; 0 if it has gone. */
static long pss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Pss: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static pid_t ppid_of(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	int ppid = -1;
	if (!p || sscanf(p + 2, "%*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* Sums the PSS of every descendant of root (not root itself); counts them in *nproc. */
static long descendants_pss(pid_t root, int *nproc)
{
	long total = 0;
	*nproc = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		pid_t pid = atoi(e->d_name);
		if (pid <= 0 || pid == root)
			continue;
		for (pid_t p = ppid_of(pid); p > 1; p = ppid_of(p)) {
			if (p == root) {
				total += pss_kb(pid);
				(*nproc)++;
				break;
			}
		}
	}
	if (d)
		closedir(d);
	return total;
}

static struct tc *login(struct tc_fixture *fx, const char *key)
{
	char err[256];
	struct tc *tc = tc_connect(fx, "sysop", NULL, NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect: %s", err);
	if (tc_auth_pubkey(tc, key) != 0 || tc_open_shell(tc, true, "xterm-256color", 80, 24) != 0)
		tc_fail("login failed: %s", tc_error(tc));
	if (!portal_wait_menu(tc, TC_WAIT_MS))
		tc_fail("no main menu");
	return tc;
}

int main(void)
{
	int rounds = getenv("BENCH_ROUNDS") ? atoi(getenv("BENCH_ROUNDS")) : 50;
	int held = getenv("BENCH_SESSIONS") ? atoi(getenv("BENCH_SESSIONS")) : 50;
	struct tc_fixture fx;
	struct tc_users u;
	if (rounds < 1 || held < 1)
		tc_fail("BENCH_ROUNDS and BENCH_SESSIONS must be positive");
	tc_fixture_standard(&fx, &u, 600);

	/* Connect-to-menu time, one login at a time. */
	int64_t *ms10 = calloc((size_t)rounds, sizeof *ms10); /* tenths of a millisecond */
	uint64_t first_screen = 0;
	for (int i = 0; i < rounds; i++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		struct tc *tc = login(&fx, u.sysop_key);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms10[i] = (t1.tv_sec - t0.tv_sec) * 10000 + (t1.tv_nsec - t0.tv_nsec) / 100000;
		if (i == 0) {
			tc_wait_quiet(tc, 300, 3000); /* the whole first screen, not just its first part */
			first_screen = tc_bytes(tc);
		}
		tc_close(tc);
	}
	qsort(ms10, (size_t)rounds, sizeof *ms10, cmp_i64);

	/* Memory with sessions held. */
	struct tc **tcs = calloc((size_t)held, sizeof *tcs);
	for (int i = 0; i < held; i++)
		tcs[i] = login(&fx, u.sysop_key);
	int nproc = 0;
	long total = descendants_pss(fx.bbsd_pid, &nproc);
	long listener = pss_kb(fx.bbsd_pid);
	for (int i = 0; i < held; i++)
		tc_close(tcs[i]);

	printf("\nlogin-bench: %d public-key logins, %d sessions held\n", rounds, held);
	printf("  connect -> main menu drawn    p50 %.1f ms   p99 %.1f ms   min %.1f ms\n",
		pct(ms10, rounds, 0.5) / 10, pct(ms10, rounds, 0.99) / 10, ms10[0] / 10.0);
	printf("  first main menu at 80x24      %llu bytes of channel data\n",
		(unsigned long long)first_screen);
	printf("  PSS per held session          %.0f kB (%d processes, %ld kB; listener %ld kB)\n",
		(double)total / held, nproc, total, listener);
	const char *json = getenv("BENCH_JSON");
	if (json) {
		FILE *f = fopen(json, "w");
		if (f) {
			fprintf(f, "{\"login_ms_p50\": %.1f, \"login_ms_p99\": %.1f, "
				"\"first_menu_bytes\": %llu, \"pss_kb_per_session\": %.0f, "
				"\"sessions\": %d}\n", pct(ms10, rounds, 0.5) / 10,
				pct(ms10, rounds, 0.99) / 10, (unsigned long long)first_screen,
				(double)total / held, held);
			fclose(f);
		}
	}
	free(ms10);
	free(tcs);
	return tc_done();
}
