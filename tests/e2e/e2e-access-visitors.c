/*
 * e2e-access-visitors: how the visitors "guest" and "join" get in (issue 5, bbsd's side).
 *
 * - guest: "none" alone is denied (and the server offers publickey and keyboard-interactive
 *   next); keyboard-interactive gets in with no prompt at all; any key of a supported type
 *   gets in, an unregistered one included (the probe is accepted for it, and bbsd logs its
 *   fingerprint); a 1024-bit RSA key and password are refused; with guest_access "off" every
 *   method is refused (and "join" still gets in).
 * - members keep their guarantees: a probe with a key not authorized for alice is denied.
 * - exec requests from guest and join are refused with exit 1, whatever the command.
 * - join with a key: the UI is started with --key: the join screen names the key's
 *   fingerprint, the invite binds it and the new member logs in with it; the invite is then
 *   used. join without a key is asked for a password instead. Five wrong codes end the
 *   session and bbsd treats it as a failed login (the per-source penalty applies).
 *
 * Refused logins come from source addresses of their own (127.0.0.2...) so that per-source
 * penalties never disturb the logins that must work.
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

#define GUEST_ITEM "Apply for membership"
#define JOIN_HEADING "Join with an invite code"

/* The SHA256 fingerprint of a private key's public half (DIR/NAME.pub), as ssh-keygen -lf. */
static void fingerprint(const char *keyfile, char *out, size_t n)
{
	char pub[TC_PATH_MAX + 8];
	struct keys_pub k = { 0 };
	TC_REQUIRE(bbs_snprintf(pub, sizeof pub, "%s.pub", keyfile) == 0);
	TC_REQUIRE(keys_parse_file(pub, &k, NULL) == 0);
	bbs_strlcpy(out, k.fingerprint, n);
	keys_pub_finish(&k);
}

/* True when bbsd's log has a line containing both a and b. */
static bool log_has(struct tc_fixture *fx, const char *a, const char *b)
{
	size_t n = 0;
	char *log = tc_fixture_read_log(fx, &n);
	bool found = false;
	for (char *line = log; line && *line && !found;) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		found = strstr(line, a) && (!b || strstr(line, b));
		line = eol ? eol + 1 : NULL;
	}
	free(log);
	return found;
}

/* Polls bbsd's log for a line with a and b until ms pass. */
static bool wait_log(struct tc_fixture *fx, const char *a, const char *b, int ms)
{
	int64_t deadline = tc_now_ms() + ms;
	while (!log_has(fx, a, b)) {
		if (tc_now_ms() >= deadline)
			return false;
		(void)poll(NULL, 0, 20);
	}
	return true;
}

/* `bbsctl invite create` and the code it printed. */
static void invite_create(struct tc_fixture *fx, char *code, size_t n)
{
	char out[4096];
	char *argv[] = { fx->bbsctl, "-d", fx->dir, "invite", "create", "--note", "e2e", NULL };
	int rc = tc_run(argv, NULL, out, sizeof out, 30000);
	char *p = strstr(out, "code: ");
	if (rc != 0 || !p)
		tc_fail("bbsctl invite create: status %d: %s", rc, out);
	p += 6;
	p[strcspn(p, "\r\n")] = '\0';
	bbs_strlcpy(code, p, n);
	TC_REQUIRE(strlen(code) == KEYS_INVITE_CODE_LEN - 1);
}

static bool guest_menu(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	return tc_screen_find(sc, PORTAL_MENU, NULL) >= 0 &&
		tc_screen_find(sc, GUEST_ITEM, NULL) >= 0 && portal_top_line(sc, "guest");
}

static void guest_logins(struct tc_fixture *fx, const struct tc_users *u)
{
	char stranger[TC_PATH_MAX], fp[128];
	struct tc *tc;
	int status = -1;

	tc_fixture_keygen(fx, "stranger_key", stranger, sizeof stranger);
	fingerprint(stranger, fp, sizeof fp);

	/* "none" alone: denied, and the server names the methods that work. */
	tc_note("guest: none");
	tc = portal_connect_as(fx, "guest", NULL);
	TC_CHECK(tc_auth_none(tc) == SSH_AUTH_DENIED);
	int methods = tc_auth_methods(tc);
	TC_CHECK(methods > 0 && (methods & SSH_AUTH_METHOD_PUBLICKEY) &&
		(methods & SSH_AUTH_METHOD_INTERACTIVE));
	/* Then keyboard-interactive on the same connection, with no prompt. */
	TC_CHECK(tc_auth_kbdint_noprompt(tc) == SSH_AUTH_SUCCESS);
	TC_CHECK(strcmp(tc_kbdint_prompts(tc), "") == 0);
	TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 80, 24) == 0);
	TC_CHECK(tc_wait_pred(tc, guest_menu, NULL, "the guest menu", TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	/* An unregistered key: the probe is accepted, and the login gives the guest menu. */
	tc_note("guest: an unregistered key");
	tc = portal_connect_as(fx, "guest", NULL);
	TC_CHECK(tc_auth_pubkey_probe(tc, stranger) == SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_pubkey(tc, stranger) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 80, 24) == 0);
	TC_CHECK(tc_wait_pred(tc, guest_menu, NULL, "the guest menu (key)", TC_WAIT_MS));
	tc_close(tc);
	TC_CHECK(log_has(fx, "event=visitor-login user=guest from=127.0.0.1 method=publickey key=", fp));
	TC_CHECK(log_has(fx, "event=visitor-login user=guest", "method=publickey key=SHA256:"));

	/* A key the portal never accepts (1024-bit RSA): refused, probe and signature. */
	{
		char weak[TC_PATH_MAX + 16], out[1024];
		TC_REQUIRE(bbs_snprintf(weak, sizeof weak, "%s/weak_rsa", fx->dir) == 0);
		char *argv[] = { "ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", weak,
			NULL };
		if (tc_run(argv, NULL, out, sizeof out, 30000) == 0) {
			tc_note("guest: a 1024-bit RSA key");
			tc = portal_connect_as(fx, "guest", "127.0.0.2");
			TC_CHECK(tc_auth_pubkey_probe(tc, weak) != SSH_AUTH_SUCCESS);
			TC_CHECK(tc_auth_pubkey(tc, weak) != SSH_AUTH_SUCCESS);
			tc_close(tc);
		} else {
			tc_note("ssh-keygen makes no 1024-bit RSA key here: %s", out);
		}
	}

	/* Password as guest: refused, even with a member's password. */
	tc_note("guest: password");
	tc = portal_connect_as(fx, "guest", "127.0.0.3");
	TC_CHECK(tc_auth_password(tc, TC_PASSWORD) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_password(tc, "") != SSH_AUTH_SUCCESS);
	tc_close(tc);

	/* Members keep their guarantee: no probe accepted for a key that is not theirs. */
	tc_note("member probes");
	tc = portal_connect_as(fx, "alice", "127.0.0.4");
	TC_CHECK(tc_auth_pubkey_probe(tc, stranger) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_pubkey_probe(tc, u->alice_key) == SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_pubkey(tc, stranger) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_none(tc) != SSH_AUTH_SUCCESS);
	tc_close(tc);

	/* Exec as guest, by either method: refused with exit 1. */
	tc_note("guest: exec");
	tc = portal_connect_as(fx, "guest", NULL);
	TC_REQUIRE(tc_auth_pubkey(tc, stranger) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_exec(tc, "messages") == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 1);
	TC_CHECK(strstr(tc_output(tc, NULL), "guests cannot run commands") != NULL);
	tc_close(tc);
}

/* What happens with guest_access "off" (the store is set directly, as the sysop's setting). */
static void guest_off(struct tc_fixture *fx, struct store *st, const char *key)
{
	struct tc *tc;
	tc_note("guest_access off");
	TC_REQUIRE(store_setting_set(st, "guest_access", "off") == 0);
	tc = portal_connect_as(fx, "guest", "127.0.0.5");
	TC_CHECK(tc_auth_none(tc) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_kbdint_noprompt(tc) != SSH_AUTH_SUCCESS);
	tc_close(tc);
	tc = portal_connect_as(fx, "guest", "127.0.0.5");
	TC_CHECK(tc_auth_pubkey_probe(tc, key) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_pubkey(tc, key) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_password(tc, TC_PASSWORD) != SSH_AUTH_SUCCESS);
	tc_close(tc);
	TC_CHECK(log_has(fx, "event=auth-fail user=guest from=127.0.0.5", "reason=guest-access-off"));
	/* join is not a guest: it still gets in. */
	tc = tc_login_visitor(fx, "join", NULL, "xterm-256color", 100, 30);
	TC_CHECK(tc_wait_text(tc, JOIN_HEADING, TC_WAIT_MS));
	tc_close(tc);
	TC_REQUIRE(store_setting_set(st, "guest_access", "on") == 0);
}

static void join_with_key(struct tc_fixture *fx)
{
	char key[TC_PATH_MAX], fp[128], code[KEYS_INVITE_CODE_LEN], lower[KEYS_INVITE_CODE_LEN];
	char out[4096];
	int status = -1;

	tc_fixture_keygen(fx, "newbie_key", key, sizeof key);
	fingerprint(key, fp, sizeof fp);
	invite_create(fx, code, sizeof code);

	/* The probe is accepted for a key nobody registered; the join screen names it. */
	tc_note("join with a key");
	struct tc *tc = portal_connect_as(fx, "join", NULL);
	TC_CHECK(tc_auth_pubkey_probe(tc, key) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_auth_pubkey(tc, key) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 100, 30) == 0);
	TC_REQUIRE(tc_wait_text(tc, JOIN_HEADING, TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "join"));
	/* As typed from a phone: lower case, blanks for dashes. */
	for (size_t i = 0; i < sizeof lower; i++)
		lower[i] = code[i] == '-' ? ' ' : (code[i] >= 'A' && code[i] <= 'Z')
			? (char)(code[i] - 'A' + 'a') : code[i];
	TC_REQUIRE(tc_send(tc, lower) == 0);
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_text(tc, "Your new account", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, fp, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Password", NULL) < 0);
	TC_REQUIRE(tc_send(tc, "newbie\t") == 0);
	TC_REQUIRE(tc_send(tc, "New Bie") == 0);
	TC_REQUIRE(tc_send(tc, "\x18") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Your account newbie is ready", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 0);
	tc_close(tc);
	TC_CHECK(log_has(fx, "event=visitor-login user=join from=127.0.0.1", fp));

	/* The key that joined is newbie's way in. */
	tc = tc_login_key(fx, "newbie", key, "xterm-256color", 100, 30);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "newbie (member)"));
	tc_close(tc);

	/* The invite is used now. */
	char *argv[] = { fx->bbsctl, "-d", fx->dir, "invite", "list", NULL };
	TC_CHECK(tc_run(argv, NULL, out, sizeof out, 30000) == 0);
	TC_CHECK(strstr(out, "used") && strstr(out, "newbie"));
	TC_CHECK(strstr(out, code) == NULL);

	/* Exec as join: refused with exit 1. */
	tc_note("join: exec");
	tc = portal_connect_as(fx, "join", NULL);
	TC_REQUIRE(tc_auth_pubkey(tc, key) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_exec(tc, "help") == 0);
	status = -1;
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 1);
	TC_CHECK(strstr(tc_output(tc, NULL), "commands are for members") != NULL);
	tc_close(tc);
}

/* join without a key: the details form asks for a password (no --key was given). */
static void join_without_key(struct tc_fixture *fx)
{
	char code[KEYS_INVITE_CODE_LEN];
	tc_note("join without a key");
	invite_create(fx, code, sizeof code);
	struct tc *tc = tc_login_visitor(fx, "join", NULL, "xterm-256color", 100, 30);
	TC_REQUIRE(tc_wait_text(tc, JOIN_HEADING, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, code) == 0);
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_text(tc, "Your new account", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "You connected without a key", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "SHA256:", NULL) < 0);
	tc_close(tc);
	TC_CHECK(log_has(fx, "event=visitor-login user=join", "method=keyboard-interactive"));
}

/* Five wrong codes: the UI ends with status 4 and bbsd counts a failed login. */
static void join_guessing(struct tc_fixture *fx)
{
	char err[512];
	int status = -1;
	tc_note("join: five wrong codes");
	struct tc *tc = tc_connect(fx, "join", "127.0.0.6", NULL, err, sizeof err);
	TC_REQUIRE(tc != NULL);
	TC_REQUIRE(tc_auth_kbdint_noprompt(tc) == SSH_AUTH_SUCCESS);
	/* Wide: the answer with the tries left is one long line. */
	TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 200, 30) == 0);
	TC_REQUIRE(tc_wait_text(tc, JOIN_HEADING, TC_WAIT_MS));
	for (int i = 0; i < 5; i++) {
		/* A wrong code of the right form, then one of the wrong form. */
		TC_REQUIRE(tc_send(tc, i % 2 ? "ABCD-EFGH-JKMN-PQRS" : "x' OR 1=1 --") == 0);
		TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
		if (i < 4) {
			char left[32];
			(void)snprintf(left, sizeof left, "%d of 5 tries left", 4 - i);
			TC_REQUIRE(tc_wait_text(tc, left, TC_WAIT_MS));
			/* Clear the field for the next try (^U, or backspaces). */
			for (int k = 0; k < 40; k++)
				TC_REQUIRE(tc_send(tc, "\x7f") == 0);
		}
	}
	TC_CHECK(tc_wait_exit(tc, &status, 20000) && status == 4);
	tc_close(tc);
	/* bbsd logs it and its session exits as a failed login (the listener's penalty); the
	 * line comes after the client saw the end, so it is waited for. */
	TC_CHECK(wait_log(fx, "event=abuse user=join from=127.0.0.6", "reason=invite-codes",
		TC_WAIT_MS));
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st = NULL;
	char path[TC_PATH_MAX + 32];

	TC_REQUIRE(keys_init() == 0);
	tc_fixture_standard(&fx, &u, 110);
	TC_REQUIRE(bbs_snprintf(path, sizeof path, "%s/portal.db", fx.dir) == 0);
	TC_REQUIRE(store_open(path, &st) == 0);

	guest_logins(&fx, &u);
	guest_off(&fx, st, u.alice_key);
	join_with_key(&fx);
	join_without_key(&fx);
	join_guessing(&fx);

	/* The codes never reach bbsd's log. */
	TC_CHECK(!log_has(&fx, "ABCD-EFGH-JKMN-PQRS", NULL));

	store_close(st);
	return tc_done();
}
