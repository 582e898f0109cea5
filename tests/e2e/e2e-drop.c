/*
 * e2e-drop: a client that vanishes leaves nothing behind. While a member is logged in there
 * is a session process and a `bbs` UI process under bbsd; after the client is killed (the
 * kernel closes its socket), after an abrupt RST in the middle of a page, after a drop
 * during typing and after a drop before authentication, bbsd has no descendants left and no
 * orphan was re-parented to us (this test is a child subreaper). bbsd itself keeps serving,
 * and when it is stopped with a member logged in, her session ends and nothing is left.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define GONE_MS 15000

static char bbs_real[PATH_MAX];

/* Does one of the leftover processes run the bbs binary? */
static bool ui_running(const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		char path[64], exe[PATH_MAX];
		ssize_t r;

		snprintf(path, sizeof path, "/proc/%d/exe", (int)pids[i]);
		r = readlink(path, exe, sizeof exe - 1);
		if (r <= 0)
			continue;
		exe[r] = '\0';
		if (strcmp(exe, bbs_real) == 0)
			return true;
	}
	return false;
}

/* Before a drop: the session and its UI exist (shows we count the right processes). */
static void expect_session(struct tc_fixture *fx, const pid_t *ignore, int n_ignore)
{
	pid_t pids[64];
	int n = tc_fixture_leftovers(fx, ignore, n_ignore, pids, 64);

	tc_note("%d processes under bbsd while logged in", n);
	tc_print_procs(pids, n < 64 ? n : 64);
	TC_CHECK(n >= 2);
	TC_CHECK(ui_running(pids, n < 64 ? n : 64));
}

static void expect_nothing_left(struct tc_fixture *fx, const char *after)
{
	int64_t t0 = tc_now_ms();
	int n = tc_fixture_wait_no_leftovers(fx, NULL, 0, GONE_MS);

	if (!TC_CHECK(n == 0)) {
		pid_t pids[64];

		n = tc_fixture_leftovers(fx, NULL, 0, pids, 64);
		tc_note("after %s, %d processes are left:", after, n);
		tc_print_procs(pids, n < 64 ? n : 64);
	} else {
		tc_note("after %s, all gone in %lld ms", after, (long long)(tc_now_ms() - t0));
	}
	TC_REQUIRE(tc_fixture_alive(fx));
}

/* A client in a child process, killed with SIGKILL at the main menu. */
static void drop_by_kill(struct tc_fixture *fx, const struct tc_users *u)
{
	int ready[2];
	pid_t child;
	char c = 0;
	struct pollfd pfd;

	tc_note("client process killed at the main menu");
	TC_REQUIRE(pipe(ready) == 0);
	child = fork();
	TC_REQUIRE(child >= 0);
	if (child == 0) {
		struct tc *tc;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		tc = tc_login_key(fx, "alice", u->alice_key, "xterm", 80, 24);
		if (!portal_wait_menu(tc, TC_WAIT_MS))
			_exit(2);
		if (write(ready[1], "R", 1) != 1)
			_exit(3);
		for (;;)
			pause();   /* until the parent kills us */
	}
	close(ready[1]);
	pfd.fd = ready[0];
	pfd.events = POLLIN;
	TC_REQUIRE(poll(&pfd, 1, 2 * TC_WAIT_MS) == 1);
	TC_REQUIRE(read(ready[0], &c, 1) == 1 && c == 'R');
	close(ready[0]);
	expect_session(fx, &child, 1);
	TC_REQUIRE(kill(child, SIGKILL) == 0);
	TC_REQUIRE(waitpid(child, NULL, 0) == child);
	expect_nothing_left(fx, "SIGKILL of the client");
}

/* RST while a page is shown. */
static void drop_on_page(struct tc_fixture *fx)
{
	struct tc *tc = tc_login_password(fx, "sysop", TC_PASSWORD, "xterm-256color", 80, 24);

	tc_note("RST while a page is shown");
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_REQUIRE(portal_open(tc, PORTAL_ITEM_WHO));
	TC_REQUIRE(portal_wait_page(tc, portal_items[PORTAL_ITEM_WHO], TC_WAIT_MS));
	expect_session(fx, NULL, 0);
	tc_drop(tc);
	tc_close(tc);
	expect_nothing_left(fx, "RST on a page");
}

/* RST right after a burst of keys, with output still on its way. */
static void drop_while_typing(struct tc_fixture *fx, const struct tc_users *u)
{
	struct tc *tc = tc_login_key(fx, "sysop", u->sysop_key, "xterm-256color", 80, 24);
	char keys[4096];

	tc_note("RST during a burst of keys");
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	for (size_t i = 0; i + 1 < sizeof keys; i++)
		keys[i] = "jk?q"[i % 4];
	keys[sizeof keys - 1] = '\0';
	TC_REQUIRE(tc_send(tc, keys) == 0);
	tc_drop(tc);
	tc_close(tc);
	expect_nothing_left(fx, "RST while typing");
}

/* Key exchange done, no authentication, then gone. */
static void drop_before_auth(struct tc_fixture *fx)
{
	char err[512];
	struct tc *tc = tc_connect(fx, "alice", NULL, NULL, err, sizeof err);

	tc_note("RST before authentication");
	if (!tc)
		tc_fail("connect: %s", err);
	tc_drop(tc);
	tc_close(tc);
	expect_nothing_left(fx, "RST before auth");
}

/* A polite logoff cleans up too, and bbsd still serves after all the drops. */
static void still_serving(struct tc_fixture *fx)
{
	struct tc *tc = tc_login_password(fx, "alice", TC_PASSWORD, "xterm", 80, 24);

	tc_note("bbsd still serves; log off cleans up");
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	expect_nothing_left(fx, "log off");
}

/* bbsd stopped (SIGTERM) with a member logged in: her session ends and nothing is left. */
static void stop_with_session(struct tc_fixture *fx, const struct tc_users *u)
{
	struct tc *tc = tc_login_key(fx, "alice", u->alice_key, "xterm", 80, 24);
	int status = 0, n;

	tc_note("SIGTERM to bbsd with a member logged in");
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	expect_session(fx, NULL, 0);
	/* SIGTERM, then the client reads to the end: after the exit status the session waits for
	 * the client's own close (as sshd does), so a client nobody reads would hold the stop. */
	TC_REQUIRE(kill(fx->bbsd_pid, SIGTERM) == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS));
	tc_note("the member's session ended with exit status %d", status);
	tc_close(tc);
	status = tc_fixture_stop(fx);
	TC_CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tc_note("bbsd wait status 0x%x", (unsigned)status);
	n = tc_fixture_wait_no_leftovers(fx, NULL, 0, GONE_MS);
	if (!TC_CHECK(n == 0)) {
		pid_t pids[64];

		n = tc_fixture_leftovers(fx, NULL, 0, pids, 64);
		tc_print_procs(pids, n < 64 ? n : 64);
	}
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;

	tc_fixture_standard(&fx, &u, 110);
	if (!realpath(fx.bbs, bbs_real))
		tc_fail("realpath %s: %s", fx.bbs, strerror(errno));
	drop_by_kill(&fx, &u);
	drop_on_page(&fx);
	drop_while_typing(&fx, &u);
	drop_before_auth(&fx);
	still_serving(&fx);
	stop_with_session(&fx, &u);
	return tc_done();
}
