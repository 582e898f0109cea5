/*
 * e2e-apply: a guest applies for membership in the UI, a sysop approves with bbsctl, and the
 * applicant logs in with the key they gave (issue 5).
 *
 * - A guest who connected with an unregistered key opens "Apply for membership": an empty
 *   form names what is missing; a handle with escape sequences is refused with the rule; a
 *   bad pasted key line gets its reason; a taken handle ("alice") is refused; then a valid
 *   application with a pasted key (and a hostile "why" text, stored clean, nothing raw
 *   drawn) says what happens next. The store has a PENDING member and the application.
 * - The applicant's login says the application is pending (exit 1, no menu); after
 *   `bbsctl application approve` it reaches the main menu as a member.
 * - A second guest applies with "the key you connected with" (the form names its
 *   fingerprint); after approval that key logs in.
 * - After `bbsctl registration invite` the guest menu has no "Apply for membership".
 */
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

#define APPLY "Apply for membership"
#define LINE_PENDING "waiting for a sysop's decision"
#define HOSTILE "\033]0;PWNED\007\033]52;c;SGk=\007\033[2J\x9b" "31m\xff\xfe"

static bool guest_menu(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	return tc_screen_find(sc, PORTAL_MENU, NULL) >= 0 &&
		tc_screen_find(sc, "Who we are", NULL) >= 0 &&
		tc_screen_find(sc, "Log off", NULL) >= 0 && portal_top_line(sc, "guest");
}

static void open_apply(struct tc *tc)
{
	TC_REQUIRE(tc_wait_pred(tc, guest_menu, NULL, "the guest menu", TC_WAIT_MS));
	TC_REQUIRE(tc_find(tc, APPLY, NULL) >= 0);
	TC_REQUIRE(portal_list_select(tc, APPLY, 20));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(form_wait(tc, APPLY, TC_WAIT_MS));
}

static bool no_terminal_side_effects(struct tc *tc)
{
	struct tc_screen_events ev;
	tc_screen_events(tc_screen(tc), &ev);
	return ev.titles == 0 && ev.oscs == 0 && ev.dcss == 0;
}

/* Logs in as handle with keyfile and expects the pending line and exit status 1. */
static void expect_pending(struct tc_fixture *fx, const char *handle, const char *keyfile)
{
	char err[512];
	int status = -1;
	struct tc *tc = tc_connect(fx, handle, NULL, NULL, err, sizeof err);

	TC_REQUIRE(tc != NULL);
	TC_REQUIRE(tc_auth_pubkey(tc, keyfile) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 100, 30) == 0);
	TC_CHECK(tc_wait_text(tc, LINE_PENDING, TC_WAIT_MS));
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 1);
	TC_CHECK(!portal_menu_shown(tc_screen(tc)));
	tc_close(tc);
}

static void approve_and_login(struct tc_fixture *fx, const char *handle, const char *keyfile)
{
	char out[1024], role[64];

	TC_CHECK(form_bbsctl(fx, NULL, out, sizeof out, "application", "approve", handle,
		(char *)NULL) == 0);
	TC_CHECK(strstr(out, "application accepted") != NULL);
	struct tc *tc = tc_login_key(fx, handle, keyfile, "xterm-256color", 100, 30);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	(void)snprintf(role, sizeof role, "%s (member)", handle);
	TC_CHECK(portal_top_line(tc_screen(tc), role));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void apply_pasted(struct tc_fixture *fx, struct store *st)
{
	char visitor[TC_PATH_MAX], mine[TC_PATH_MAX], line[4096];
	struct store_user *u = NULL;
	struct store_application a = { 0 };
	int status = -1;

	tc_fixture_keygen(fx, "visitor_key", visitor, sizeof visitor);
	tc_fixture_keygen(fx, "applicant_key", mine, sizeof mine);
	form_pub_line(mine, line, sizeof line);

	tc_note("apply with a pasted key");
	struct tc *tc = tc_login_visitor(fx, "guest", visitor, "xterm-256color", 100, 30);
	open_apply(tc);
	/* With a key, the first way in offered is that key. */
	TC_CHECK(tc_find(tc, "the key you connected with", NULL) >= 0);

	/* Empty: the handle is asked for first. */
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "Choose a handle", TC_WAIT_MS));
	/* A handle with escape sequences: the rule (the paste is shown as caret notation). */
	form_paste(tc, "ev\033[2Jil");
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "A handle is 1 to 32 letters", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025alice\t") == 0);
	TC_REQUIRE(tc_send(tc, "Newt Comer\tHarbour Authority\t") == 0);
	TC_REQUIRE(tc_send(tc, TC_KEY_RIGHT) == 0);               /* sector: Private sector */
	TC_REQUIRE(tc_wait_text(tc, "< Private sector >", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\tIceland\t") == 0);
	form_paste(tc, "To share\nwarnings " HOSTILE " about ports.");
	TC_REQUIRE(tc_send(tc, "\tnewt@example.org\t") == 0);
	/* Log in with: the pasted key. */
	TC_REQUIRE(tc_send(tc, TC_KEY_RIGHT) == 0);
	TC_REQUIRE(tc_wait_text(tc, "< paste a public key", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\t") == 0);
	form_paste(tc, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA short");
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "That key line cannot be used: ", TC_WAIT_MS));
	/* The private key is refused too, with a reason. */
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	form_paste(tc, "-----BEGIN OPENSSH PRIVATE KEY-----");
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "That key line cannot be used: ", TC_WAIT_MS));
	/* A good key: now the taken handle is the trouble. */
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	form_paste(tc, line);
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "That handle is taken", TC_WAIT_MS));
	TC_CHECK(no_terminal_side_effects(tc));
	/* The selection moved to the handle. */
	TC_REQUIRE(tc_send(tc, "\025newt\030") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Application sent", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Log in as newt later", TC_WAIT_MS));
	TC_CHECK(no_terminal_side_effects(tc));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(tc_wait_pred(tc, guest_menu, NULL, "the guest menu again", TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	/* In the store: a pending member with that key, and the application, clean. */
	TC_REQUIRE(store_user_get(st, "newt", &u) == 0);
	TC_CHECK(u->status == STORE_STATUS_PENDING);
	TC_CHECK(strcmp(u->organisation, "Harbour Authority") == 0);
	TC_CHECK(strcmp(u->sector, "Private sector") == 0);
	TC_CHECK(strcmp(u->country, "Iceland") == 0);
	{
		struct store_key *v = NULL;
		size_t n = 0;
		char fp[128];
		form_fingerprint(mine, fp, sizeof fp);
		TC_REQUIRE(store_key_list(st, u->id, &v, &n) == 0);
		TC_CHECK(n == 1 && strcmp(v[0].fingerprint, fp) == 0);
		store_key_list_free(v, n);
	}
	store_user_free(u);
	TC_REQUIRE(store_application_get(st, "newt", &a) == 0);
	TC_CHECK(strstr(a.reason, "To share\nwarnings") != NULL);
	TC_CHECK(form_text_clean(a.reason, true));
	TC_CHECK(strstr(a.contact, "newt@example.org") != NULL);
	store_application_finish(&a);

	/* Pending: no menu. The visitor key is not newt's. Approved: the pasted key gets in. */
	expect_pending(fx, "newt", mine);
	{
		char err[512];
		struct tc *t2 = tc_connect(fx, "newt", "127.0.0.2", NULL, err, sizeof err);
		TC_REQUIRE(t2 != NULL);
		TC_CHECK(tc_auth_pubkey(t2, visitor) != SSH_AUTH_SUCCESS);
		tc_close(t2);
	}
	approve_and_login(fx, "newt", mine);
	(void)status;
}

static void apply_connected(struct tc_fixture *fx)
{
	char key[TC_PATH_MAX], fp[128];

	tc_note("apply with the key connected with");
	tc_fixture_keygen(fx, "kiwi_key", key, sizeof key);
	form_fingerprint(key, fp, sizeof fp);
	struct tc *tc = tc_login_visitor(fx, "guest", key, "xterm-256color", 120, 40);
	open_apply(tc);
	TC_CHECK(tc_wait_text(tc, fp, TC_WAIT_MS)); /* "Your key SHA256:... will be your way in" */
	TC_REQUIRE(tc_send(tc, "kiwi\tKiri Wilson\tNGO Watch\t\t\t") == 0);
	TC_REQUIRE(tc_send(tc, "To learn.\tphone +64 000\t") == 0);
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Application sent", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "the key you gave", TC_WAIT_MS));
	tc_close(tc);
	expect_pending(fx, "kiwi", key);
	approve_and_login(fx, "kiwi", key);
}

static void apply_closed(struct tc_fixture *fx)
{
	char out[512];

	tc_note("registration invite: no Apply item");
	TC_REQUIRE(form_bbsctl(fx, NULL, out, sizeof out, "registration", "invite",
		(char *)NULL) == 0);
	struct tc *tc = tc_login_visitor(fx, "guest", NULL, "xterm-256color", 100, 30);
	TC_REQUIRE(tc_wait_pred(tc, guest_menu, NULL, "the guest menu", TC_WAIT_MS));
	TC_CHECK(tc_wait_quiet(tc, 100, 2000));
	TC_CHECK(tc_find(tc, APPLY, NULL) < 0);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st = NULL;
	char path[TC_PATH_MAX + 16];

	TC_REQUIRE(keys_init() == 0);
	tc_fixture_standard(&fx, &u, 140);
	TC_REQUIRE(bbs_snprintf(path, sizeof path, "%s/portal.db", fx.dir) == 0);
	TC_REQUIRE(store_open(path, &st) == 0);
	apply_pasted(&fx, st);
	apply_connected(&fx);
	apply_closed(&fx);
	store_close(st);
	tc_fixture_finish(&fx);
	return tc_done();
}
