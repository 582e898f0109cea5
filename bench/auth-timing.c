/*
 * auth-timing: can a client tell an unknown user, a wrong password and a disabled account
 * apart by how long the server takes to refuse a password? (issue 8)
 *
 * Measures, through real SSH against a real bbsd (tests/e2e/tclient.h), the time from sending
 * a password attempt to the failure answer for three cases:
 *   unknown   a name no member has;
 *   wrong     an active member's name with a wrong password;
 *   disabled  a disabled member's name (with its right password, the hardest case: only the
 *             account's status differs).
 * BENCH_ATTEMPTS (default 50) attempts per case, interleaved: three connections are held at
 * once, one per case, and each round sends one attempt on each, in a rotating order. bbsd
 * runs with its default configuration, the login backoff included (so its store work is in
 * the figures), and each name gets fewer attempts than AuthBackoffAfter (5), on fresh
 * accounts, so that no delay kicks in. Every connection comes from its own 127.0.0.x source,
 * so the per-source penalties never refuse one. Prints median and p90 per case and the
 * largest difference between medians, and the first attempt of each connection apart (work
 * done once per session process shows there: it found the dummy password hash being made in
 * each session process, which doubled the first unknown or disabled attempt); with BENCH_JSON=FILE also writes them as JSON.
 * Nothing is asserted: figures are reported (the tests check the behaviour).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libssh/libssh.h>

#include "tests/e2e/tclient.h"

#define PER_NAME 4   /* attempts per name: under bbsd's default AuthBackoffAfter (5) */
#define CASES 3

static const char *const case_names[CASES] = { "unknown", "wrong", "disabled" };

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The p-quantile (nearest rank) of n sorted values, in ms. */
static double quantile_ms(const int64_t *v, int n, double p)
{
	int i = (int)(p * n + 0.999999) - 1;
	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return (double)v[i] / 1000.0;
}

static void user_name(char *buf, size_t n, int c, int k)
{
	static const char *const prefix[CASES] = { "nobody", "wrong", "off" };
	snprintf(buf, n, "%s%03d", prefix[c], k);
}

int main(void)
{
	int attempts = getenv("BENCH_ATTEMPTS") ? atoi(getenv("BENCH_ATTEMPTS")) : 50;
	if (attempts < 1 || attempts > 1000)
		tc_fail("BENCH_ATTEMPTS must be 1..1000");
	int names = (attempts + PER_NAME - 1) / PER_NAME;
	if (names * CASES > 240)
		tc_fail("too many connections for the 127.0.0.x sources");
	struct tc_fixture fx;
	tc_fixture_init(&fx, 900);

	/* Fresh accounts: "wrongNNN" active, "offNNN" disabled, all with TC_PASSWORD. */
	tc_note("creating %d active and %d disabled accounts", names, names);
	for (int k = 0; k < names; k++) {
		char w[32], d[32];
		user_name(w, sizeof w, 1, k);
		user_name(d, sizeof d, 2, k);
		if (tc_fixture_user_add(&fx, w, "member", TC_PASSWORD, NULL) != 0 ||
		    tc_fixture_user_add(&fx, d, "member", TC_PASSWORD, NULL) != 0 ||
		    tc_fixture_user_disable(&fx, d) != 0)
			tc_fail("bbsctl could not set up %s / %s", w, d);
	}
	tc_fixture_start(&fx);

	int64_t *us[CASES], *first[CASES];
	int got[CASES] = { 0 }, nfirst[CASES] = { 0 };
	for (int c = 0; c < CASES; c++) {
		us[c] = calloc((size_t)attempts, sizeof *us[c]);
		first[c] = calloc((size_t)names, sizeof *first[c]);
		if (!us[c] || !first[c])
			tc_fail("out of memory");
	}
	int other_answers = 0, source = 2;
	for (int k = 0; k < names; k++) {
		struct tc *tc[CASES];
		for (int c = 0; c < CASES; c++) {
			char user[32], src[32], err[256];
			user_name(user, sizeof user, c, k);
			snprintf(src, sizeof src, "127.0.0.%d", source++);
			tc[c] = tc_connect(&fx, user, src, NULL, err, sizeof err);
			if (!tc[c])
				tc_fail("connect as %s from %s: %s", user, src, err);
		}
		for (int j = 0; j < PER_NAME; j++) {
			for (int r = 0; r < CASES; r++) {
				int c = (k + j + r) % CASES;   /* rotate the order */
				if (got[c] == attempts)
					continue;
				/* The disabled account gets its right password: only its status may
				 * make it fail. */
				const char *pw = c == 2 ? TC_PASSWORD : "not the password at all";
				int64_t t0 = now_us();
				int rc = tc_auth_password(tc[c], pw);
				int64_t t1 = now_us();
				if (rc != SSH_AUTH_DENIED)
					other_answers++;
				us[c][got[c]++] = t1 - t0;
				/* The first attempt of a connection is also kept apart: work done once
				 * per session process shows there. */
				if (j == 0)
					first[c][nfirst[c]++] = t1 - t0;
			}
		}
		for (int c = 0; c < CASES; c++)
			tc_close(tc[c]);
	}

	double med[CASES], p90[CASES];
	printf("\nauth-timing: time from a password attempt to its failure answer, "
		"%d attempts per case, interleaved\n", attempts);
	printf("  %-10s %10s %10s %10s %10s\n", "case", "median ms", "p90 ms", "min ms", "max ms");
	for (int c = 0; c < CASES; c++) {
		qsort(us[c], (size_t)got[c], sizeof *us[c], cmp_i64);
		med[c] = quantile_ms(us[c], got[c], 0.5);
		p90[c] = quantile_ms(us[c], got[c], 0.9);
		printf("  %-10s %10.2f %10.2f %10.2f %10.2f\n", case_names[c], med[c], p90[c],
			(double)us[c][0] / 1000.0, (double)us[c][got[c] - 1] / 1000.0);
	}
	for (int c = 0; c < CASES; c++) {
		qsort(first[c], (size_t)nfirst[c], sizeof *first[c], cmp_i64);
		printf("  %-10s first attempt of each connection (%d): median %.2f ms, max %.2f ms\n",
			case_names[c], nfirst[c], quantile_ms(first[c], nfirst[c], 0.5),
			(double)first[c][nfirst[c] - 1] / 1000.0);
	}
	double dmax = 0, pmax = 0;
	int da = 0, db = 1;
	for (int a = 0; a < CASES; a++) {
		for (int b = a + 1; b < CASES; b++) {
			double d = med[a] > med[b] ? med[a] - med[b] : med[b] - med[a];
			double p = p90[a] > p90[b] ? p90[a] - p90[b] : p90[b] - p90[a];
			if (d > dmax) {
				dmax = d;
				da = a;
				db = b;
			}
			if (p > pmax)
				pmax = p;
		}
	}
	printf("  largest median difference: %.2f ms (%s vs %s), %.1f%% of the smallest median;"
		" largest p90 difference %.2f ms\n", dmax, case_names[da], case_names[db],
		100.0 * dmax / (med[0] < med[1] ? (med[0] < med[2] ? med[0] : med[2])
			: (med[1] < med[2] ? med[1] : med[2])), pmax);
	if (other_answers)
		printf("  WARNING: %d attempts were not answered with a plain denial\n",
			other_answers);
	const char *json = getenv("BENCH_JSON");
	if (json) {
		FILE *f = fopen(json, "w");
		if (f) {
			fprintf(f, "{\"attempts\": %d", attempts);
			for (int c = 0; c < CASES; c++)
				fprintf(f, ", \"%s_median_ms\": %.3f, \"%s_p90_ms\": %.3f", case_names[c],
					med[c], case_names[c], p90[c]);
			fprintf(f, ", \"max_median_diff_ms\": %.3f}\n", dmax);
			fclose(f);
		}
	}
	for (int c = 0; c < CASES; c++) {
		free(us[c]);
		free(first[c]);
	}
	return tc_done();
}
