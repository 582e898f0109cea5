/*
 * e2e-audit-login: bbsd records every login in the audit log (issue 6).
 *
 * - successes: alice by key (the key's fingerprint), sysop by password and by
 *   keyboard-interactive, each with the member as actor and source 127.0.0.1;
 * - failures, with actor "-", the method and the source: a wrong password (127.0.0.2), a user
 *   who does not exist (127.0.0.3: refused exactly like the wrong password), a disabled
 *   member with the right password (127.0.0.5); a wrong key is only a refused probe (clients
 *   offer every key they hold), not a failure; a name with escape sequences
 *   (127.0.0.4) is stored escaped and never reaches the sysop's terminal raw; a 300-byte name
 *   is cut to 64 bytes;
 * - visitors: "visitor-login" for guest;
 * - `bbsctl audit list --filter`, `audit export` (JSON lines with the source) and
 *   `audit verify` (intact) see all of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "common/common.h"
#include "keys/keys.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

static char out[65536];

static int ctl(struct tc_fixture *fx, const char *a1, const char *a2, const char *a3,
	const char *a4)
{
	char *argv[] = { fx->bbsctl, "-d", fx->dir, (char *)a1, (char *)a2, (char *)a3, (char *)a4,
		NULL };
	return tc_run(argv, NULL, out, sizeof out, 30000);
}

/* A line of out holding every one of the (up to three) strings. */
static bool has_line(const char *a, const char *b, const char *c)
{
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[2048];
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (strstr(line, a) && (!b || strstr(line, b)) && (!c || strstr(line, c)))
			return true;
		p = nl ? nl + 1 : p + n;
	}
	return false;
}

static void check_line(const char *a, const char *b, const char *c)
{
	if (!TC_CHECK(has_line(a, b, c)))
		tc_note("no audit line with \"%s\" \"%s\" \"%s\" in:\n%s", a, b ? b : "",
			c ? c : "", out);
}

static int refused_password(struct tc_fixture *fx, const char *user, const char *pw,
	const char *from)
{
	char err[256];
	struct tc *tc = tc_connect(fx, user, from, NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect as a refused user from %s: %s", from, err);
	int rc = tc_auth_password(tc, pw);
	tc_close(tc);
	return rc;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct tc *tc;
	struct keys_pub k = { 0 };
	char pub[TC_PATH_MAX + 8], other[TC_PATH_MAX];

	TC_REQUIRE(keys_init() == 0);
	tc_fixture_standard(&fx, &u, 120);
	tc_fixture_keygen(&fx, "other_key", other, sizeof other);
	TC_REQUIRE(bbs_snprintf(pub, sizeof pub, "%s.pub", u.alice_key) == 0);
	TC_REQUIRE(keys_parse_file(pub, &k, NULL) == 0);

	tc_note("successful logins: key, password, keyboard-interactive");
	tc = tc_login_key(&fx, "alice", u.alice_key, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	tc = tc_login_password(&fx, "sysop", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	{
		char err[256];
		tc = tc_connect(&fx, "sysop", NULL, NULL, err, sizeof err);
		TC_REQUIRE(tc != NULL);
		TC_CHECK(tc_auth_kbdint(tc, TC_PASSWORD) == SSH_AUTH_SUCCESS);
		tc_close(tc);
	}

	tc_note("failed logins: wrong password, unknown user, hostile and long names, disabled");
	int r_wrong = refused_password(&fx, "alice", "not-her-password-1", "127.0.0.2");
	int r_unknown = refused_password(&fx, "nobody", "not-her-password-1", "127.0.0.3");
	TC_CHECK(r_wrong == SSH_AUTH_DENIED && r_unknown == SSH_AUTH_DENIED);
	TC_CHECK(refused_password(&fx, "\033[31mevil\033]0 t\007\r\nfake", "x-password-1", "127.0.0.4")
		== SSH_AUTH_DENIED);
	{
		char longname[301];
		memset(longname, 'l', 300);
		longname[300] = '\0';
		TC_CHECK(refused_password(&fx, longname, "x-password-1", "127.0.0.6")
			== SSH_AUTH_DENIED);
	}
	TC_CHECK(refused_password(&fx, "bob", TC_PASSWORD, "127.0.0.5") == SSH_AUTH_DENIED);
	{
		char err[256];
		tc = tc_connect(&fx, "alice", "127.0.0.2", NULL, err, sizeof err);
		TC_REQUIRE(tc != NULL);
		TC_CHECK(tc_auth_pubkey(tc, other) == SSH_AUTH_DENIED);
		tc_close(tc);
	}

	tc_note("a guest");
	tc = tc_login_visitor(&fx, "guest", NULL, "xterm-256color", 80, 24);
	tc_close(tc);

	tc_note("bbsctl audit list");
	TC_REQUIRE(ctl(&fx, "audit", "list", "--limit", "1000") == 0);
	TC_CHECK(strchr(out, '\033') == NULL && strchr(out, '\007') == NULL);
	check_line(" alice login [user alice] publickey ", k.fingerprint, "from 127.0.0.1");
	check_line(" sysop login [user sysop] password", "from 127.0.0.1", NULL);
	check_line(" sysop login [user sysop] keyboard-interactive", "from 127.0.0.1", NULL);
	check_line(" - login-failed [user alice] password", "from 127.0.0.2", NULL);
	check_line(" - login-failed [user nobody] password", "from 127.0.0.3", NULL);
	check_line(" - login-failed [user ", "evil", "from 127.0.0.4");
	check_line(" - login-failed [user bob] password", "from 127.0.0.5", NULL);
	check_line("visitor-login [user guest] keyboard-interactive", "from 127.0.0.1", NULL);
	{
		/* The 300-byte name: cut to 64 bytes in all, "..." marking the cut. */
		char cut[80], longer[80];
		memset(cut, 'l', 60);
		memcpy(cut + 60, "...]", 5);
		memset(longer, 'l', 65);
		longer[65] = '\0';
		check_line(" - login-failed [user ", cut, "from 127.0.0.6");
		TC_CHECK(strstr(out, longer) == NULL);
	}
	/* No password ever reaches the log. */
	TC_CHECK(strstr(out, TC_PASSWORD) == NULL && strstr(out, "not-her-password") == NULL);

	tc_note("--filter");
	TC_REQUIRE(ctl(&fx, "audit", "list", "--filter", "login-failed nobody") == 0);
	check_line("[user nobody]", NULL, NULL);
	TC_CHECK(!has_line("[user alice]", NULL, NULL));

	tc_note("export and verify");
	TC_REQUIRE(ctl(&fx, "audit", "export", NULL, NULL) == 0);
	check_line("\"action\":\"login-failed\"", "\"source\":\"127.0.0.3\"", "\"target\":\"user nobody\"");
	check_line("\"action\":\"login\"", "\"actor\":\"alice\"", k.fingerprint);
	TC_REQUIRE(ctl(&fx, "audit", "verify", NULL, NULL) == 0);
	TC_CHECK(strstr(out, "chain intact") != NULL);

	keys_pub_finish(&k);
	return tc_done();
}
