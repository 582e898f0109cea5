/*
 * e2e-login: logging in over real SSH. Password, public key and keyboard-interactive
 * logins reach the main menu with the right top line; the host key is pinned (a wrong
 * expected key is detected); a wrong password, an unknown user and a disabled user are
 * refused alike (same libssh result and error text, same methods offered, no channel).
 * The refused attempts come from other 127.0.0.x source addresses, so any per-source
 * penalty in bbsd cannot affect the successful logins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

static void check_main_menu(struct tc *tc, const char *handle_role)
{
	struct tc_screen *sc = tc_screen(tc);

	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	if (!TC_CHECK(portal_top_line(sc, handle_role)))
		tc_screen_print(sc, handle_role);
	TC_CHECK(portal_menu_shown(sc));
	TC_CHECK(portal_selected(sc) == 0);
	TC_CHECK(portal_hints_last_row(sc));
	TC_CHECK(tc_bytes(tc) > 0);
}

static void login_password(struct tc_fixture *fx)
{
	struct tc *tc = tc_login_password(fx, "sysop", TC_PASSWORD, "xterm-256color", 80, 24);

	tc_note("password login as sysop");
	check_main_menu(tc, "sysop (sysop)");
	tc_note("main menu drawn in %llu bytes", (unsigned long long)tc_bytes(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void login_key(struct tc_fixture *fx, const struct tc_users *u)
{
	struct tc *tc = tc_login_key(fx, "alice", u->alice_key, "xterm", 80, 24);

	tc_note("public key login as alice");
	check_main_menu(tc, "alice (member)");
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void login_kbdint(struct tc_fixture *fx)
{
	char err[512];
	struct tc *tc = tc_connect(fx, "alice", NULL, NULL, err, sizeof err);
	int rc;

	tc_note("keyboard-interactive login as alice");
	if (!tc)
		tc_fail("connect: %s", err);
	rc = tc_auth_kbdint(tc, TC_PASSWORD);
	if (!TC_CHECK(rc == SSH_AUTH_SUCCESS))
		tc_note("kbdint rc %d: %s (prompts: %s)", rc, tc_error(tc), tc_kbdint_prompts(tc));
	TC_CHECK(strcmp(tc_kbdint_prompts(tc), "Password: ") == 0);
	if (rc == SSH_AUTH_SUCCESS) {
		TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 80, 24) == 0);
		check_main_menu(tc, "alice (member)");
		TC_CHECK(portal_logoff(tc, "q") == 0);
	}
	tc_close(tc);
}

static void hostkey_pinned(struct tc_fixture *fx, const struct tc_users *u)
{
	char err[512];
	struct tc *tc;

	tc_note("host key pinning: the server's key is not alice's key");
	tc = tc_connect(fx, "alice", NULL, u->alice_key, err, sizeof err);
	TC_CHECK(tc == NULL);
	TC_CHECK(strstr(err, "host key mismatch") != NULL);
	tc_close(tc);
	/* And the real key matches. */
	tc = tc_connect(fx, "alice", NULL, NULL, err, sizeof err);
	if (!TC_CHECK(tc != NULL))
		tc_note("connect: %s", err);
	tc_close(tc);
}

/* A shell without a pty (ssh -T): the plain line mode on pipes (issue 7), plain text without
 * an escape byte; x logs off with exit status 0. */
static void no_pty(struct tc_fixture *fx, const struct tc_users *u)
{
	char err[512];
	struct tc *tc = tc_connect(fx, "alice", NULL, NULL, err, sizeof err);
	int status = -1;
	size_t n = 0;
	const char *out = NULL;

	tc_note("shell without a pty");
	if (!tc)
		tc_fail("connect: %s", err);
	TC_REQUIRE(tc_auth_pubkey(tc, u->alice_key) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_shell(tc, false, NULL, 0, 0) == 0);
	/* The raw output, not the screen: without a pty there is no carriage return. */
	for (int64_t end = tc_now_ms() + TC_WAIT_MS; tc_now_ms() < end;) {
		out = tc_output(tc, &n);
		if (strstr(out, "Main menu: type"))
			break;
		if (tc_pump(tc, 100) < 0)
			break;
	}
	out = tc_output(tc, &n);
	TC_CHECK(strstr(out, "plain line mode") != NULL && strstr(out, "Main menu: type") != NULL);
	TC_CHECK(tc_send(tc, "x\n") == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS));
	TC_CHECK(status == 0);
	out = tc_output(tc, &n);
	tc_note("no-pty output: %zu bytes", n);
	TC_CHECK(strstr(out, "Goodbye.") != NULL);
	/* Plain text, not a full-screen UI drawn blind. */
	TC_CHECK(memchr(out, '\033', n) == NULL);
	tc_close(tc);
}

struct refusal {
	int methods;
	int rc_password;
	char error[512];
	int rc_kbdint;
	char prompts[512];
	int rc_channel;
};

static void refuse(struct tc_fixture *fx, const char *user, const char *password,
	const char *src, const char *keyfile, struct refusal *out)
{
	char err[512];
	struct tc *tc = tc_connect(fx, user, src, NULL, err, sizeof err);

	memset(out, 0, sizeof *out);
	if (!tc)
		tc_fail("connect as %s from %s: %s", user, src, err);
	out->methods = tc_auth_methods(tc);
	out->rc_password = tc_auth_password(tc, password);
	snprintf(out->error, sizeof out->error, "%s", tc_error(tc));
	out->rc_kbdint = tc_auth_kbdint(tc, password);
	snprintf(out->prompts, sizeof out->prompts, "%s", tc_kbdint_prompts(tc));
	/* Not logged in: the server must not give a channel. */
	out->rc_channel = tc_open_channel_only(tc);
	tc_note("%s from %s: methods 0x%x, password rc %d (%s), kbdint rc %d (prompts \"%s\"), "
		"channel %d", user, src, (unsigned)out->methods, out->rc_password, out->error,
		out->rc_kbdint, out->prompts, out->rc_channel);
	tc_close(tc);

	/* A key that is registered but whose user is disabled: refused too (own connection). */
	if (keyfile) {
		int rc;

		tc = tc_connect(fx, user, "127.0.0.5", NULL, err, sizeof err);
		if (!tc)
			tc_fail("connect as %s: %s", user, err);
		rc = tc_auth_pubkey(tc, keyfile);
		tc_note("%s publickey rc %d (%s)", user, rc, tc_error(tc));
		TC_CHECK(rc == SSH_AUTH_DENIED);
		TC_CHECK(tc_open_channel_only(tc) != 0);
		tc_close(tc);
	}
}

static void refused_alike(struct tc_fixture *fx, const struct tc_users *u)
{
	struct refusal wrong, unknown, disabled;

	refuse(fx, "alice", "wrong-password-123", "127.0.0.2", NULL, &wrong);
	refuse(fx, "nobody", TC_PASSWORD, "127.0.0.3", NULL, &unknown);
	refuse(fx, "bob", TC_PASSWORD, "127.0.0.4", u->bob_key, &disabled);

	TC_CHECK(wrong.rc_password == SSH_AUTH_DENIED);
	TC_CHECK(unknown.rc_password == SSH_AUTH_DENIED);
	TC_CHECK(disabled.rc_password == SSH_AUTH_DENIED);
	TC_CHECK(wrong.rc_kbdint == SSH_AUTH_DENIED);
	TC_CHECK(unknown.rc_kbdint == SSH_AUTH_DENIED);
	TC_CHECK(disabled.rc_kbdint == SSH_AUTH_DENIED);
	TC_CHECK(strcmp(wrong.prompts, "Password: ") == 0);
	TC_CHECK(strcmp(wrong.prompts, unknown.prompts) == 0);
	TC_CHECK(strcmp(wrong.prompts, disabled.prompts) == 0);
	TC_CHECK(strcmp(wrong.error, unknown.error) == 0);
	TC_CHECK(strcmp(wrong.error, disabled.error) == 0);
	TC_CHECK(wrong.methods == unknown.methods && wrong.methods == disabled.methods);
	TC_CHECK((wrong.methods & SSH_AUTH_METHOD_PASSWORD) != 0);
	TC_CHECK((wrong.methods & SSH_AUTH_METHOD_PUBLICKEY) != 0);
	TC_CHECK((wrong.methods & SSH_AUTH_METHOD_INTERACTIVE) != 0);
	TC_CHECK(wrong.rc_channel != 0);
	TC_CHECK(unknown.rc_channel != 0);
	TC_CHECK(disabled.rc_channel != 0);
}

/* Secrets never reach the log: neither the right nor the wrong passwords. */
static void no_secrets_logged(struct tc_fixture *fx)
{
	size_t n;
	char *log = tc_fixture_read_log(fx, &n);

	TC_CHECK(n > 0);
	TC_CHECK(strstr(log, TC_PASSWORD) == NULL);
	TC_CHECK(strstr(log, "wrong-password-123") == NULL);
	free(log);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;

	tc_fixture_standard(&fx, &u, 110);
	login_password(&fx);
	login_key(&fx, &u);
	login_kbdint(&fx);
	hostkey_pinned(&fx, &u);
	no_pty(&fx, &u);
	refused_alike(&fx, &u);
	no_secrets_logged(&fx);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
