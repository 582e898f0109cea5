/*
 * e2e-backoff: the login backoff per account name (issue 8), through real SSH.
 *
 * bbsd runs with a bbsd.conf that shortens the delays (AuthBackoffAfter 3, AuthBackoffBase
 * 1s, AuthBackoffMax 2s) so the test stays quick:
 * - three wrong passwords for alice, each from its own connection and source address, are
 *   answered at once; the fourth attempt's answer comes no sooner than the base delay;
 * - alice's valid key still logs her in at once (well under the delay);
 * - an unknown name and a disabled account get the same delay after the same failures, and
 *   the same answer;
 * - a successful password login clears alice's count: her next wrong password is answered at
 *   once again.
 * Every attempt comes from its own 127.0.0.x address, so the listener's per-source penalties
 * never interfere: what is measured is the per-account delay alone. Times are measured around
 * each blocking authentication call against the monotonic clock; nothing sleeps.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define BASE_MS 1000
#define MAX_MS 2000
#define AFTER 3
/* Slack for scheduling: the delay is measured by the client, which sees it whole. */
#define MARGIN_MS 50

static int next_source = 11;

/* A fresh 127.0.0.x source for each connection. */
static const char *source(char *buf, size_t n)
{
	if (next_source > 250)
		tc_fail("out of source addresses");
	snprintf(buf, n, "127.0.0.%d", next_source++);
	return buf;
}

/* Starts bbsd with a DIR/bbsd.conf for this test. */
static void start_with_conf(struct tc_fixture *fx)
{
	char text[256];
	snprintf(text, sizeof text, "# e2e-backoff: short delays\nAuthBackoffAfter %d\n"
		"AuthBackoffBase %dms\nAuthBackoffMax %dms\nAuthBackoffWindow 15m\n", AFTER, BASE_MS,
		MAX_MS);
	tc_fixture_start_conf(fx, text);
	tc_note("bbsd pid %d on port %d with AuthBackoffAfter %d, Base %d ms, Max %d ms",
		(int)fx->bbsd_pid, fx->port, AFTER, BASE_MS, MAX_MS);
}

/* One password attempt for user from a new connection; returns the time from sending it to
 * the answer (ms) and the answer in *rc. */
static int64_t timed_password(struct tc_fixture *fx, const char *user, const char *pw, int *rc,
	bool kbdint)
{
	char src[32], err[256];
	struct tc *tc = tc_connect(fx, user, source(src, sizeof src), NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect as %s from %s: %s", user, src, err);
	int64_t t0 = tc_now_ms();
	*rc = kbdint ? tc_auth_kbdint(tc, pw) : tc_auth_password(tc, pw);
	int64_t ms = tc_now_ms() - t0;
	tc_close(tc);
	return ms;
}

/* AFTER failures for user, each answered at once (no delay yet). */
static void free_failures(struct tc_fixture *fx, const char *user)
{
	for (int i = 0; i < AFTER; i++) {
		int rc;
		/* One of them by keyboard-interactive: it is a password attempt as well. */
		int64_t ms = timed_password(fx, user, "wrong password here", &rc, i == 1);
		tc_note("%s: failure %d answered in %lld ms", user, i + 1, (long long)ms);
		TC_CHECK(rc == SSH_AUTH_DENIED);
		TC_CHECK(ms < BASE_MS - MARGIN_MS);
	}
}

/* The next wrong password for user waits at least the base delay. Returns the time. */
static int64_t delayed_failure(struct tc_fixture *fx, const char *user, int64_t want_ms)
{
	int rc;
	int64_t ms = timed_password(fx, user, "wrong password here", &rc, false);
	tc_note("%s: next attempt answered after %lld ms (want >= %lld)", user, (long long)ms,
		(long long)want_ms);
	TC_CHECK(rc == SSH_AUTH_DENIED);
	TC_CHECK(ms >= want_ms - MARGIN_MS);
	TC_CHECK(ms < want_ms + 5000);
	return ms;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	char pub[TC_PATH_MAX + 8];

	/* tc_fixture_standard's users, with bbsd started on our configuration. */
	tc_fixture_init(&fx, 110);
	tc_fixture_keygen(&fx, "alice_key", u.alice_key, sizeof u.alice_key);
	snprintf(pub, sizeof pub, "%s.pub", u.alice_key);
	if (tc_fixture_user_add(&fx, "alice", "member", TC_PASSWORD, pub) != 0 ||
	    tc_fixture_user_add(&fx, "bob", "member", TC_PASSWORD, NULL) != 0 ||
	    tc_fixture_user_disable(&fx, "bob") != 0)
		tc_fail("bbsctl could not set up the users");
	start_with_conf(&fx);

	tc_note("alice: %d wrong passwords from separate connections", AFTER);
	free_failures(&fx, "alice");
	delayed_failure(&fx, "alice", BASE_MS);

	tc_note("alice's key logs in at once while her password is delayed");
	char src[32], err[256];
	struct tc *tc = tc_connect(&fx, "alice", source(src, sizeof src), NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect: %s", err);
	int64_t t0 = tc_now_ms();
	int rc = tc_auth_pubkey(tc, u.alice_key);
	int64_t key_ms = tc_now_ms() - t0;
	tc_note("alice: key accepted in %lld ms", (long long)key_ms);
	TC_CHECK(rc == SSH_AUTH_SUCCESS);
	TC_CHECK(key_ms < BASE_MS / 2);
	if (rc == SSH_AUTH_SUCCESS) {
		TC_REQUIRE(tc_open_shell(tc, true, "xterm", 80, 24) == 0);
		TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
		TC_CHECK(portal_logoff(tc, "q") == 0);
	}
	tc_close(tc);

	tc_note("an unknown name and a disabled account: the same delay after the same failures");
	free_failures(&fx, "mallory");
	delayed_failure(&fx, "mallory", BASE_MS);
	free_failures(&fx, "bob");
	delayed_failure(&fx, "bob", BASE_MS);

	tc_note("alice's right password (after the doubled delay) clears her count");
	int64_t ms = timed_password(&fx, "alice", TC_PASSWORD, &rc, false);
	tc_note("alice: right password answered after %lld ms", (long long)ms);
	TC_CHECK(rc == SSH_AUTH_SUCCESS);
	TC_CHECK(ms >= MAX_MS - MARGIN_MS);   /* 2 x base = the cap: the answer waits too */
	ms = timed_password(&fx, "alice", "wrong again", &rc, false);
	tc_note("alice: wrong password after the login answered in %lld ms", (long long)ms);
	TC_CHECK(rc == SSH_AUTH_DENIED);
	TC_CHECK(ms < BASE_MS - MARGIN_MS);

	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
