/*
 * e2e-join: joining with an invite code as the SSH user "join" (issue 5).
 *
 * - `bbsctl invite create` prints a code; join with a key: the code is accepted, a taken
 *   handle and a handle with escape sequences are refused, a handle is chosen, and the key
 *   connected with is bound: the new member logs in with it; the invite is used.
 * - The same code again: refused as used. An expired code (created through the store with an
 *   expiry a moment away, then waited out on the clock) and a revoked code: refused with their
 *   messages. A wrong code and a hostile one: "not a valid invite code" with the tries left.
 * - Five wrong codes end the session with status 4 (BBS_UI_EXIT_ABUSE, as bbsd reports it).
 * - join without a key: passwords that differ are refused; then a password is set, the last
 *   page shows how to make a key (ssh-keygen, PuTTYgen), and the password logs in.
 * - Registration closed: the join screen says the portal takes no new members.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"
#include "tests/e2e/e2e-forms.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define CODE_FORM "Join with an invite code"
#define DETAILS "Your new account"
#define WELCOME "Welcome to the portal"
#define MSG_USED "has been used already"
#define MSG_EXPIRED "has expired"
#define MSG_REVOKED "was withdrawn by a sysop"
#define MSG_WRONG "not a valid invite code"
#define JOIN_PW "joiner-password-7"

static struct tc *join_login(struct tc_fixture *fx, const char *keyfile, const char *from)
{
	struct tc *tc;

	if (!from) {
		tc = tc_login_visitor(fx, "join", keyfile, "xterm-256color", 160, 30);
	} else {
		char err[512];
		tc = tc_connect(fx, "join", from, NULL, err, sizeof err);
		if (!tc)
			tc_fail("connect as join: %s", err);
		TC_REQUIRE(tc_auth_kbdint_noprompt(tc) == SSH_AUTH_SUCCESS);
		TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 160, 30) == 0);
	}
	TC_REQUIRE(form_wait(tc, CODE_FORM, TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "join"));
	return tc;
}

/* Types code (after clearing the field) and presses Enter. */
static void send_code(struct tc *tc, const char *code)
{
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	TC_REQUIRE(tc_send(tc, code) == 0);
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
}

static void join_with_key(struct tc_fixture *fx, const char *code, const char *key)
{
	char fp[128], out[4096];
	int status = -1;

	tc_note("join with a key");
	form_fingerprint(key, fp, sizeof fp);
	struct tc *tc = join_login(fx, key, NULL);
	send_code(tc, code);
	TC_REQUIRE(form_wait(tc, DETAILS, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, fp, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Password", NULL) < 0);
	/* Taken, then hostile, then a good handle. */
	TC_REQUIRE(tc_send(tc, "alice\tJo Iner\030") == 0);
	TC_CHECK(portal_wait_message(tc, "That handle is taken", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	form_paste(tc, "jo\033]0;PWNED\007iner");
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "A handle is 1 to 32 letters", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025joiner\030") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Your account joiner is ready", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "key you connected with", NULL) >= 0);
	{
		struct tc_screen_events ev;
		tc_screen_events(tc_screen(tc), &ev);
		TC_CHECK(ev.titles == 0 && ev.oscs == 0);
	}
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 0);
	tc_close(tc);

	/* The key that joined is joiner's way in. */
	tc = tc_login_key(fx, "joiner", key, "xterm-256color", 100, 30);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "joiner (member)"));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	TC_CHECK(form_bbsctl(fx, NULL, out, sizeof out, "invite", "list", (char *)NULL) == 0);
	TC_CHECK(strstr(out, "used") && strstr(out, "joiner"));
}

/* Used, expired, revoked and wrong codes, in one connection (each counts as a wrong try). */
static void refused_codes(struct tc_fixture *fx, struct store *st, const char *used)
{
	char expired[KEYS_INVITE_CODE_LEN], revoked[KEYS_INVITE_CODE_LEN], hash[KEYS_INVITE_HASH_LEN];
	char out[4096];
	int64_t id = 0, expires;

	tc_note("used, expired, revoked, wrong codes");
	/* An invite that expires a moment from now (the store takes only future expiries). */
	keys_invite_code(expired);
	TC_REQUIRE(keys_invite_hash(expired, hash) == 0);
	expires = bbs_now() + 1;
	TC_REQUIRE(store_invite_create(st, 0, hash, expires, 0, NULL, NULL, "expiring", &id) == 0);
	/* A revoked one. */
	form_invite_create(fx, revoked, sizeof revoked);
	{
		struct store_invite inv = { 0 };
		char idtext[32];
		TC_REQUIRE(keys_invite_hash(revoked, hash) == 0);
		TC_REQUIRE(store_invite_check(st, hash, &inv) == 0);
		(void)snprintf(idtext, sizeof idtext, "%lld", (long long)inv.id);
		store_invite_finish(&inv);
		TC_CHECK(form_bbsctl(fx, NULL, out, sizeof out, "invite", "revoke", idtext,
			(char *)NULL) == 0);
	}

	struct tc *tc = join_login(fx, NULL, NULL);
	send_code(tc, used);
	TC_CHECK(portal_wait_message(tc, MSG_USED, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "4 of 5 tries left", TC_WAIT_MS));
	/* The clock, not a fixed pause: wait until the expiry has passed. */
	while (bbs_now() <= expires)
		(void)poll(NULL, 0, 50);
	send_code(tc, expired);
	TC_CHECK(portal_wait_message(tc, MSG_EXPIRED, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "3 of 5 tries left", TC_WAIT_MS));
	send_code(tc, revoked);
	TC_CHECK(portal_wait_message(tc, MSG_REVOKED, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "2 of 5 tries left", TC_WAIT_MS));
	/* The details form never opened. */
	TC_CHECK(tc_find(tc, DETAILS, NULL) < 0);
	tc_close(tc);

	/* A new connection starts again at 5; a wrong code and a hostile paste. */
	tc = join_login(fx, NULL, NULL);
	send_code(tc, "ABCD-EFGH-JKMN-PQRS");
	TC_CHECK(portal_wait_message(tc, MSG_WRONG, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "4 of 5 tries left", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	form_paste(tc, "\033]0;PWNED\007' OR 1=1 --\xff");
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_CHECK(tc_wait_text(tc, "3 of 5 tries left", TC_WAIT_MS));
	{
		struct tc_screen_events ev;
		tc_screen_events(tc_screen(tc), &ev);
		TC_CHECK(ev.titles == 0 && ev.oscs == 0);
	}
	tc_close(tc);
}

static void guessing(struct tc_fixture *fx)
{
	int status = -1;

	tc_note("five wrong codes");
	struct tc *tc = join_login(fx, NULL, "127.0.0.2");
	for (int i = 0; i < 5; i++) {
		send_code(tc, i % 2 ? "WXYZ-WXYZ-WXYZ-WXYZ" : "nope");
		if (i < 4) {
			char left[32];
			(void)snprintf(left, sizeof left, "%d of 5 tries left", 4 - i);
			TC_REQUIRE(tc_wait_text(tc, left, 20000));
		}
	}
	TC_CHECK(tc_wait_exit(tc, &status, 30000) && status == 4);
	TC_CHECK(strstr(tc_output(tc, NULL), "Too many wrong invite codes") != NULL);
	tc_close(tc);
}

static void join_with_password(struct tc_fixture *fx, const char *code)
{
	int status = -1;

	tc_note("join without a key");
	struct tc *tc = join_login(fx, NULL, NULL);
	send_code(tc, code);
	TC_REQUIRE(form_wait(tc, DETAILS, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "You connected without a key", TC_WAIT_MS));
	/* handle, name, organisation, sector, country, password, again. */
	TC_REQUIRE(tc_send(tc, "pwuser\tPat Word\tCity Council\t\tMalta\t") == 0);
	TC_REQUIRE(tc_send(tc, JOIN_PW "\t" JOIN_PW "x\030") == 0);
	TC_CHECK(portal_wait_message(tc, "The two passwords differ", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, JOIN_PW, NULL) < 0); /* hidden */
	TC_REQUIRE(tc_send(tc, "\025" JOIN_PW "\t\025" JOIN_PW "\030") == 0);
	TC_REQUIRE(portal_wait_heading(tc, WELCOME, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Your account pwuser is ready", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "ssh-keygen -t ed25519", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "password you chose", NULL) >= 0);
	/* PuTTYgen is further down the page. */
	TC_REQUIRE(tc_send(tc, " ") == 0);
	TC_CHECK(tc_wait_text(tc, "PuTTYgen", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 0);
	tc_close(tc);

	tc = tc_login_password(fx, "pwuser", JOIN_PW, "xterm-256color", 100, 30);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "pwuser (member)"));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void join_closed(struct tc_fixture *fx)
{
	char out[512];
	int status = -1;

	tc_note("registration closed");
	TC_REQUIRE(form_bbsctl(fx, NULL, out, sizeof out, "registration", "closed",
		(char *)NULL) == 0);
	struct tc *tc = tc_login_visitor(fx, "join", NULL, "xterm-256color", 100, 30);
	TC_REQUIRE(portal_wait_heading(tc, "Joining is closed", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "takes no new members", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, CODE_FORM, NULL) < 0);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 0);
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st = NULL;
	char path[TC_PATH_MAX + 16], key[TC_PATH_MAX];
	char code[KEYS_INVITE_CODE_LEN], code2[KEYS_INVITE_CODE_LEN];

	TC_REQUIRE(keys_init() == 0);
	tc_fixture_standard(&fx, &u, 140);
	TC_REQUIRE(bbs_snprintf(path, sizeof path, "%s/portal.db", fx.dir) == 0);
	TC_REQUIRE(store_open(path, &st) == 0);
	tc_fixture_keygen(&fx, "joiner_key", key, sizeof key);
	form_invite_create(&fx, code, sizeof code);
	form_invite_create(&fx, code2, sizeof code2);

	join_with_key(&fx, code, key);
	refused_codes(&fx, st, code);
	join_with_password(&fx, code2);
	guessing(&fx);
	join_closed(&fx);
	store_close(st);
	tc_fixture_finish(&fx);
	return tc_done();
}
