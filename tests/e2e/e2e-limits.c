/*
 * e2e-limits: bbsd's pre-authentication limits, through real connections.
 *
 * - A source that fails to log in again and again is refused at accept (no SSH banner)
 *   while a member from another address logs in.
 * - One source cannot hold more than 5 unauthenticated connections; another source can
 *   still connect, and a member from a third address logs in during the flood.
 * Sources are distinct 127.0.0.x addresses, so each part is independent.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

/* True if the server answers a new connection from src with its SSH banner. */
static bool gets_banner(const struct tc_fixture *fx, const char *src, int *fd_out)
{
	char line[256];
	int fd = tc_raw_connect(fx->port, src);
	if (fd < 0)
		tc_fail("cannot connect from %s", src);
	bool ok = tc_raw_read_line(fd, line, sizeof line, 5000) > 0 &&
		strncmp(line, "SSH-2.0-", 8) == 0;
	if (fd_out && ok)
		*fd_out = fd;
	else
		close(fd);
	return ok;
}

static void member_logs_in(struct tc_fixture *fx, const struct tc_users *u)
{
	struct tc *tc = tc_login_key(fx, "alice", u->alice_key, "xterm", 80, 24);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void repeated_failures(struct tc_fixture *fx, const struct tc_users *u)
{
	const char *src = "127.0.0.9";
	char err[256];
	tc_note("three failed logins from %s", src);
	for (int i = 0; i < 3; i++) {
		struct tc *tc = tc_connect(fx, "alice", src, NULL, err, sizeof err);
		TC_REQUIRE(tc != NULL);
		TC_CHECK(tc_auth_password(tc, "wrong password here") != SSH_AUTH_SUCCESS);
		tc_close(tc);
	}
	/* The listener learns of each failure when the session process exits: wait for the
	 * verdict to show rather than for a fixed time. */
	int64_t deadline = tc_now_ms() + 5000;
	bool refused = false;
	while (!refused && tc_now_ms() < deadline)
		refused = !gets_banner(fx, src, NULL);
	TC_CHECK(refused);
	tc_note("%s is refused; a member from 127.0.0.1 still logs in", src);
	member_logs_in(fx, u);
	TC_CHECK(gets_banner(fx, "127.0.0.10", NULL));
}

static void per_source_flood(struct tc_fixture *fx, const struct tc_users *u)
{
	const char *src = "127.0.0.20";
	int fds[40];
	int held = 0, refused = 0;
	tc_note("40 idle connections from %s", src);
	for (int i = 0; i < 40; i++) {
		int fd = -1;
		if (gets_banner(fx, src, &fd))
			fds[held++] = fd;
		else
			refused++;
	}
	tc_note("held %d, refused %d", held, refused);
	TC_CHECK(held == 5);
	TC_CHECK(refused == 35);
	TC_CHECK(gets_banner(fx, "127.0.0.21", NULL));
	member_logs_in(fx, u);
	for (int i = 0; i < held; i++)
		close(fds[i]);
	TC_CHECK(tc_fixture_alive(fx));
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	tc_fixture_standard(&fx, &u, 100);
	repeated_failures(&fx, &u);
	per_source_flood(&fx, &u);
	return tc_done();
}
