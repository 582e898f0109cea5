/*
 * e2e-access-pending: members whose application is pending or was declined (issue 5, bbsd's
 * side). The applications are put in through the store API (store_application_submit), as
 * the guest's apply screen does.
 *
 * - penny applied with a key: logging in with it gives one line ("... waiting for a sysop's
 *   decision.") and exit status 1, no menu; an exec request gets the line on stderr and
 *   status 1 and runs nothing; her probe is accepted only for her own key; another key, and
 *   "none", are refused like any failed login.
 * - dora applied with a password: the right password (password and keyboard-interactive) gives
 *   the pending line; a wrong one is refused exactly like an unknown or disabled user.
 * - after `bbsctl application approve penny` penny reaches the main menu with her key; after
 *   `bbsctl application decline dora` dora gets "... was declined." and status 1.
 * - bbsd's log says "(application pending)" and never holds a password.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define LINE_PENDING "Your application for membership is waiting for a sysop's decision."
#define LINE_DECLINED "Your application for membership was declined."
#define DORA_PW "dora-applies-2026"

static void apply(struct store *st, const char *handle, const char *keyfile, const char *pw)
{
	struct keys_pub k = { 0 };
	char pub[TC_PATH_MAX + 8], hash[KEYS_PWHASH_LEN];
	struct store_application_form f = {
		.handle = handle, .display_name = handle, .organisation = "Example Org",
		.sector = "Other", .country = "Narnia", .reason = "I want to help.",
		.contact = "applicant@example.org",
	};
	if (keyfile) {
		TC_REQUIRE(bbs_snprintf(pub, sizeof pub, "%s.pub", keyfile) == 0);
		TC_REQUIRE(keys_parse_file(pub, &k, NULL) == 0);
		f.cred.key_type = k.type;
		f.cred.key_blob = k.blob;
		f.cred.key_fp = k.fingerprint;
		f.cred.key_comment = k.comment;
	} else {
		TC_REQUIRE(keys_password_hash(pw, strlen(pw), hash) == 0);
		f.cred.pwhash = hash;
	}
	int64_t id = 0;
	TC_REQUIRE(store_application_submit(st, &f, &id) == 0 && id > 0);
	keys_pub_finish(&k);
}

/* The shell of an authenticated applicant: the line, status 1, never the menu. */
static void expect_line(struct tc *tc, const char *line)
{
	int status = -1;
	TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 80, 24) == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS));
	TC_CHECK(status == 1);
	TC_CHECK(tc_screen_find(tc_screen(tc), line, NULL) >= 0);
	TC_CHECK(!portal_menu_shown(tc_screen(tc)));
	TC_CHECK(tc_screen_find(tc_screen(tc), PORTAL_MENU, NULL) < 0);
	if (status != 1 || tc_screen_find(tc_screen(tc), line, NULL) < 0)
		tc_screen_print(tc_screen(tc), "applicant's shell");
}

static void bbsctl(struct tc_fixture *fx, const char *verb, const char *handle)
{
	char out[2048];
	char *argv[] = { fx->bbsctl, "-d", fx->dir, "application", (char *)verb, (char *)handle,
		NULL };
	int rc = tc_run(argv, NULL, out, sizeof out, 30000);
	if (rc != 0)
		tc_fail("bbsctl application %s %s: status %d: %s", verb, handle, rc, out);
}

/* A refused password login, with what libssh said, for comparing refusals. */
static int refused_password(struct tc_fixture *fx, const char *user, const char *pw,
	const char *from)
{
	struct tc *tc = portal_connect_as(fx, user, from);
	int rc = tc_auth_password(tc, pw);
	tc_close(tc);
	return rc;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st = NULL;
	struct tc *tc;
	char path[TC_PATH_MAX + 32], penny_key[TC_PATH_MAX], other_key[TC_PATH_MAX];
	int status = -1;

	TC_REQUIRE(keys_init() == 0);
	tc_fixture_standard(&fx, &u, 130);
	TC_REQUIRE(bbs_snprintf(path, sizeof path, "%s/portal.db", fx.dir) == 0);
	TC_REQUIRE(store_open(path, &st) == 0);
	tc_fixture_keygen(&fx, "penny_key", penny_key, sizeof penny_key);
	tc_fixture_keygen(&fx, "other_key", other_key, sizeof other_key);
	apply(st, "penny", penny_key, NULL);
	apply(st, "dora", NULL, DORA_PW);

	/* penny, pending, with her key: the line and status 1. */
	tc_note("pending applicant with her key");
	tc = portal_connect_as(&fx, "penny", NULL);
	TC_CHECK(tc_auth_none(tc) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_pubkey_probe(tc, other_key) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_pubkey_probe(tc, penny_key) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_auth_pubkey(tc, penny_key) == SSH_AUTH_SUCCESS);
	expect_line(tc, LINE_PENDING);
	tc_close(tc);

	/* An exec request: the line on stderr, status 1, the command never runs. */
	tc_note("pending applicant's exec request");
	tc = portal_connect_as(&fx, "penny", NULL);
	TC_REQUIRE(tc_auth_pubkey(tc, penny_key) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_exec(tc, "help") == 0);
	status = -1;
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 1);
	{
		size_t n = 0;
		const char *out = tc_output(tc, &n);
		TC_CHECK(strstr(out, LINE_PENDING) != NULL);
		TC_CHECK(n < strlen(LINE_PENDING) + 8);   /* nothing but the line */
	}
	tc_close(tc);

	/* Another key for penny: the normal failure. */
	tc_note("pending applicant, wrong key");
	tc = portal_connect_as(&fx, "penny", "127.0.0.2");
	TC_CHECK(tc_auth_pubkey(tc, other_key) == SSH_AUTH_DENIED);
	TC_CHECK(tc_auth_password(tc, DORA_PW) == SSH_AUTH_DENIED);
	tc_close(tc);

	/* dora, pending, by password and by keyboard-interactive. */
	tc_note("pending applicant with her password");
	tc = portal_connect_as(&fx, "dora", NULL);
	TC_REQUIRE(tc_auth_password(tc, DORA_PW) == SSH_AUTH_SUCCESS);
	expect_line(tc, LINE_PENDING);
	tc_close(tc);
	tc = portal_connect_as(&fx, "dora", NULL);
	TC_REQUIRE(tc_auth_kbdint(tc, DORA_PW) == SSH_AUTH_SUCCESS);
	expect_line(tc, LINE_PENDING);
	tc_close(tc);

	/* A wrong password for a pending applicant is refused like an unknown user and a
	 * disabled one (bob), with the same answer. */
	tc_note("wrong password, unknown user, disabled user");
	int r_dora = refused_password(&fx, "dora", "wrong-password-1", "127.0.0.3");
	int r_unknown = refused_password(&fx, "nobody", "wrong-password-1", "127.0.0.4");
	int r_bob = refused_password(&fx, "bob", TC_PASSWORD, "127.0.0.5");
	TC_CHECK(r_dora == SSH_AUTH_DENIED && r_unknown == SSH_AUTH_DENIED &&
		r_bob == SSH_AUTH_DENIED);

	/* The sysop decides. */
	tc_note("approve penny, decline dora");
	bbsctl(&fx, "approve", "penny");
	bbsctl(&fx, "decline", "dora");

	tc = tc_login_key(&fx, "penny", penny_key, "xterm-256color", 80, 24);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "penny (member)"));
	TC_CHECK(tc_find(tc, LINE_PENDING, NULL) < 0);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	tc = portal_connect_as(&fx, "dora", NULL);
	TC_REQUIRE(tc_auth_password(tc, DORA_PW) == SSH_AUTH_SUCCESS);
	expect_line(tc, LINE_DECLINED);
	tc_close(tc);
	tc = portal_connect_as(&fx, "dora", NULL);
	TC_REQUIRE(tc_auth_password(tc, DORA_PW) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_exec(tc, "messages") == 0);
	status = -1;
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 1);
	TC_CHECK(strstr(tc_output(tc, NULL), LINE_DECLINED) != NULL);
	tc_close(tc);

	/* The log: the accepted logins say why nothing followed; no password is in it. */
	{
		size_t n = 0;
		char *log = tc_fixture_read_log(&fx, &n);
		TC_CHECK(strstr(log, "event=login user=penny from=") != NULL);
		TC_CHECK(strstr(log, " application=pending") != NULL);
		TC_CHECK(strstr(log, " application=declined") != NULL);
		TC_CHECK(strstr(log, DORA_PW) == NULL);
		TC_CHECK(strstr(log, "wrong-password-1") == NULL);
		free(log);
	}

	store_close(st);
	return tc_done();
}
