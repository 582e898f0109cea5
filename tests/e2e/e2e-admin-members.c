/*
 * e2e-admin-members: a sysop administers members from inside the portal, over SSH.
 *
 * The list shows the pending application (dora) first, then members by handle, with status
 * and role; a hostile search is visible text and finds nothing; f filters by status.
 * Opening dora shows her application (reason, contact); a approves it (asks first) and dora
 * then logs in to the main menu. On alice: e edits her organisation (the store has it);
 * v marks her verified (store and the mark on her page); p shows a one-time password once,
 * with which alice logs in to the forced password change; k adds a pasted key (and refuses
 * a hostile line) and d revokes it; l locks her while she is logged in: her session ends and
 * she can no longer log in; u unlocks her. The last sysop cannot demote themselves (the
 * refusal is shown, the store keeps the role). A member and a moderator never reach this
 * screen (e2e-admin-access covers the menu; here the keys on their menus do nothing).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"
#include "keys/keys.h"
#include "tests/e2e/e2e-boards.h"
#include "tests/e2e/e2e-forms.h"

#define DORA_PW "dora-applies-2026"

static void apply(struct store *st, const char *handle, const char *pw)
{
	char hash[KEYS_PWHASH_LEN];
	struct store_application_form f = {
		.handle = handle, .display_name = "Dora Applicant", .organisation = "Hopeful Org",
		.sector = "Other", .country = "Narnia", .reason = "I want to help the hotline.",
		.contact = "dora@example.org",
	};
	int64_t id = 0;

	TC_REQUIRE(keys_password_hash(pw, strlen(pw), hash) == 0);
	f.cred.pwhash = hash;
	TC_REQUIRE(store_application_submit(st, &f, &id) == 0 && id > 0);
}

static struct store_user *get_user(struct store *st, const char *handle)
{
	struct store_user *u = NULL;
	TC_REQUIRE(store_user_get(st, handle, &u) == 0);
	return u;
}

/* Opens Members from the main menu and waits for the list. */
static void open_members(struct tc *tc)
{
	TC_REQUIRE(portal_open_admin(tc));
	TC_REQUIRE(tc_send(tc, "1") == 0);
	TC_REQUIRE(tc_wait_gone(tc, "2. Invites", TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, "Members", TC_WAIT_MS));
}

static void search(struct tc *tc, const char *words)
{
	TC_REQUIRE(tc_send(tc, "/") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Search members", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	TC_REQUIRE(tc_send(tc, words) == 0);
	TC_REQUIRE(tc_send(tc, "\r") == 0);
}

/* From the list: search for handle, select its row, open it. */
static void open_member(struct tc *tc, const char *handle)
{
	char heading[64];

	search(tc, handle);
	TC_REQUIRE(tc_wait_text(tc, "search: \"", TC_WAIT_MS));
	(void)snprintf(heading, sizeof heading, "Member: %s", handle);
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, heading, TC_WAIT_MS));
}

static void confirm(struct tc *tc, const char *question)
{
	TC_REQUIRE(portal_wait_bottom(tc, question, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
}

/* The one-time password: the token on the row under "The one-time password of ...". */
static void read_onetime(struct tc *tc, char *pw, size_t n)
{
	char row[512];
	int r = tc_find(tc, "The one-time password of", NULL);

	pw[0] = '\0';
	TC_REQUIRE(r > 0);
	for (int i = r + 1; i < r + 4 && !pw[0]; i++) {
		tc_row(tc, i, row, sizeof row);
		char *p = row;
		while (*p == ' ')
			p++;
		size_t len = 0;
		while (p[len] && !isspace((unsigned char)p[len]))
			len++;
		if (len >= 10 && len < n) {
			memcpy(pw, p, len);
			pw[len] = '\0';
		}
	}
	TC_REQUIRE(pw[0] != '\0');
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc, *atc;
	char buf[1024], pw[64], line[4096];
	int status = -1;

	tc_fixture_standard(&fx, &u, 240);
	TC_REQUIRE(tc_fixture_user_add(&fx, "mona", "moderator", TC_PASSWORD, NULL) == 0);
	st = bt_store_open(&fx);
	apply(st, "dora", DORA_PW);
	apply(st, "erin", DORA_PW);

	tc_note("a moderator's and a member's menus have no way to Members");
	tc = bt_login(&fx, "mona", 100, 30);
	TC_REQUIRE(portal_open_admin(tc));
	TC_REQUIRE(tc_send(tc, "2") == 0);
	TC_REQUIRE(tc_send(tc, "?") == 0);
	TC_CHECK(tc_wait_text(tc, "Help: Administration", TC_WAIT_MS));
	tc_close(tc);

	tc = bt_login(&fx, "sysop", 120, 32);
	open_members(tc);
	tc_note("the pending application is listed first");
	TC_REQUIRE(tc_wait_text(tc, "dora", TC_WAIT_MS));
	{
		int dora_row = -1, alice_row = -1;
		TC_CHECK(bt_row_with(tc, "dora", buf, sizeof buf, &dora_row) &&
			strstr(buf, "pending") != NULL);
		TC_CHECK(bt_row_with(tc, "alice", buf, sizeof buf, &alice_row) &&
			strstr(buf, "active") && strstr(buf, "member"));
		TC_CHECK(dora_row > 0 && alice_row > dora_row);
		TC_CHECK(portal_list_is_selected(tc_screen(tc), "dora"));
	}
	tc_note("f filters: status pending");
	TC_REQUIRE(tc_send(tc, "f") == 0);
	TC_CHECK(tc_wait_text(tc, "status: pending", TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, "alice", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "dora", NULL) >= 0);
	TC_REQUIRE(tc_send(tc, "f") == 0);
	TC_CHECK(tc_wait_text(tc, "status: active", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "alice", TC_WAIT_MS));
	for (int i = 0; i < 10; i++)
		TC_REQUIRE(tc_send(tc, "f") == 0);   /* round to "all" again */
	TC_CHECK(tc_wait_gone(tc, "sector: Other", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "dora", TC_WAIT_MS));

	tc_note("a hostile search is visible text and finds nothing");
	TC_REQUIRE(tc_send(tc, "/") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Search members", TC_WAIT_MS));
	{
		static const char hostile[] = "\033]0;ADM-TITLE\007\033[2J' OR 1=1 --";
		TC_REQUIRE(bt_paste(tc, hostile, sizeof hostile - 1) == 0);
	}
	TC_REQUIRE(tc_send(tc, "\r") == 0);
	TC_CHECK(tc_wait_text(tc, "ADM-TITLE", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "No members match", TC_WAIT_MS));
	{
		struct tc_screen_events ev;
		tc_screen_events(tc_screen(tc), &ev);
		TC_CHECK(ev.titles == 0 && ev.oscs == 0);
	}

	tc_note("dora's application: approve with a");
	open_member(tc, "dora");
	TC_CHECK(tc_wait_text(tc, "I want to help the hotline.", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "dora@example.org", NULL) >= 0);
	TC_REQUIRE(tc_send(tc, "a") == 0);
	confirm(tc, "Approve the application of dora?");
	TC_CHECK(portal_wait_message(tc, "Approved: dora can log in now.", TC_WAIT_MS));
	{
		struct store_user *d = get_user(st, "dora");
		TC_CHECK(d->status == STORE_STATUS_ACTIVE);
		store_user_free(d);
	}
	atc = tc_login_password(&fx, "dora", DORA_PW, "xterm-256color", 80, 24);
	TC_CHECK(portal_wait_menu(atc, TC_WAIT_MS));
	tc_close(atc);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Members", TC_WAIT_MS));

	tc_note("erin's application: decline with x");
	open_member(tc, "erin");
	TC_REQUIRE(tc_send(tc, "x") == 0);
	confirm(tc, "Decline the application of erin?");
	TC_CHECK(portal_wait_message(tc, "Declined: erin cannot log in.", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Status:        declined", TC_WAIT_MS));
	{
		struct store_user *e = get_user(st, "erin");
		TC_CHECK(e->status == STORE_STATUS_DECLINED);
		store_user_free(e);
	}
	TC_REQUIRE(tc_send(tc, "a") == 0);   /* decided already: nothing to approve */
	TC_CHECK(portal_wait_message(tc, "erin has no pending application", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Members", TC_WAIT_MS));

	tc_note("alice: edit the organisation, verify");
	open_member(tc, "alice");
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_REQUIRE(form_wait(tc, "Edit member alice", TC_WAIT_MS));
	/* Display name, then Organisation: move down and replace it. */
	TC_REQUIRE(tc_send(tc, TC_KEY_DOWN) == 0);
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	form_paste(tc, "Acme \033[31mSafety\033[0m");
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_heading(tc, "Member: alice", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Acme ", TC_WAIT_MS));
	{
		struct store_user *a = get_user(st, "alice");
		TC_CHECK(strstr(a->organisation, "Acme ") == a->organisation);
		TC_CHECK(form_text_clean(a->organisation, false));
		store_user_free(a);
	}
	TC_REQUIRE(tc_send(tc, "v") == 0);
	TC_CHECK(portal_wait_message(tc, "marked verified", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Verified:      yes", TC_WAIT_MS));
	{
		struct store_user *a = get_user(st, "alice");
		TC_CHECK(a->verified);
		store_user_free(a);
	}
	TC_CHECK(tc_wait_text(tc, "Member: alice \u2713", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "v") == 0);   /* and back */
	TC_CHECK(portal_wait_message(tc, "no longer marked verified", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Verified:      no", TC_WAIT_MS));
	{
		struct store_user *a = get_user(st, "alice");
		TC_CHECK(!a->verified);
		store_user_free(a);
	}
	TC_REQUIRE(tc_send(tc, "v") == 0);
	TC_CHECK(tc_wait_text(tc, "Verified:      yes", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);   /* the list shows the mark too */
	TC_REQUIRE(portal_wait_heading(tc, "Members", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "\u2713", TC_WAIT_MS));
	TC_CHECK(bt_row_with(tc, "\u2713", buf, sizeof buf, NULL) && strstr(buf, "alice") &&
		strstr(buf, "active"));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Member: alice", TC_WAIT_MS));

	tc_note("k: add a key (a hostile line refused), d revokes it");
	TC_REQUIRE(tc_send(tc, "k") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Keys of alice", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "a") == 0);
	TC_REQUIRE(form_wait(tc, "Add a key for alice", TC_WAIT_MS));
	form_paste(tc, "ssh-ed25519 \033]0;KEY-TITLE\007AAAA");
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(tc_wait_text(tc, "cannot be used", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	{
		char kp[TC_PATH_MAX], fp[128];
		tc_fixture_keygen(&fx, "alice2", kp, sizeof kp);
		form_pub_line(kp, line, sizeof line);
		form_fingerprint(kp, fp, sizeof fp);
		form_paste(tc, line);
		TC_REQUIRE(tc_send(tc, "\030") == 0);
		TC_CHECK(portal_wait_heading(tc, "Keys of alice", TC_WAIT_MS));
		TC_CHECK(tc_wait_text(tc, fp, TC_WAIT_MS));
		struct store_key *kv = NULL;
		size_t kn = 0;
		bool found = false;
		TC_REQUIRE(store_key_list(st, bt_user_id(st, "alice"), &kv, &kn) == 0);
		for (size_t i = 0; i < kn; i++)
			found = found || strcmp(kv[i].fingerprint, fp) == 0;
		store_key_list_free(kv, kn);
		TC_CHECK(found && kn == 2);
		TC_REQUIRE(portal_list_select(tc, fp, 3));
		TC_REQUIRE(tc_send(tc, "d") == 0);
		confirm(tc, "Revoke key");
		TC_CHECK(portal_wait_message(tc, "Key revoked.", TC_WAIT_MS));
		TC_CHECK(tc_wait_gone(tc, fp, TC_WAIT_MS));
		TC_REQUIRE(store_key_list(st, bt_user_id(st, "alice"), &kv, &kn) == 0);
		store_key_list_free(kv, kn);
		TC_CHECK(kn == 1);
	}
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Member: alice", TC_WAIT_MS));

	tc_note("l locks alice while she is logged in: her session ends");
	atc = bt_login(&fx, "alice", 80, 24);
	TC_REQUIRE(tc_send(tc, "l") == 0);
	confirm(tc, "Lock alice");
	TC_CHECK(portal_wait_message(tc, "alice is locked", TC_WAIT_MS));
	TC_CHECK(tc_wait_exit(atc, &status, TC_WAIT_MS));
	tc_close(atc);
	{
		struct store_user *a = get_user(st, "alice");
		TC_CHECK(a->status == STORE_STATUS_DISABLED);
		store_user_free(a);
		char err[256];
		struct tc *x = tc_connect(&fx, "alice", NULL, NULL, err, sizeof err);
		TC_REQUIRE(x != NULL);
		TC_CHECK(tc_auth_password(x, TC_PASSWORD) != 0);
		tc_close(x);
	}
	TC_REQUIRE(tc_send(tc, "u") == 0);
	TC_CHECK(portal_wait_message(tc, "alice is unlocked", TC_WAIT_MS));
	{
		struct store_user *a = get_user(st, "alice");
		TC_CHECK(a->status == STORE_STATUS_ACTIVE);
		store_user_free(a);
	}

	tc_note("E ends every session of alice now");
	atc = bt_login(&fx, "alice", 80, 24);
	TC_REQUIRE(tc_send(tc, "E") == 0);
	confirm(tc, "End every session of alice now?");
	TC_CHECK(portal_wait_message(tc, "of alice ended.", TC_WAIT_MS));
	TC_CHECK(tc_wait_exit(atc, &status, TC_WAIT_MS));
	tc_close(atc);

	tc_note("S silences alice for 3 days with a (hostile) reason; S 0 lifts it");
	TC_REQUIRE(tc_send(tc, "S") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Silence for how many days", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "3\r") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Reason", TC_WAIT_MS));
	{
		static const char hostile[] = "spam \033]0;SIL-TITLE\007\033[2J";
		TC_REQUIRE(bt_paste(tc, hostile, sizeof hostile - 1) == 0);
	}
	TC_REQUIRE(tc_send(tc, "\r") == 0);
	TC_CHECK(portal_wait_message(tc, "alice is silenced until", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Silenced:      until", TC_WAIT_MS));
	{
		struct store_user *a = get_user(st, "alice");
		TC_CHECK(a->silenced_until > (int64_t)time(NULL) + 2 * 86400);
		store_user_free(a);
	}
	TC_REQUIRE(tc_send(tc, "S") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Silence for how many days", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "0\r") == 0);
	TC_CHECK(portal_wait_message(tc, "alice is no longer silenced.", TC_WAIT_MS));
	{
		struct store_user *a = get_user(st, "alice");
		TC_CHECK(a->silenced_until <= (int64_t)time(NULL));
		store_user_free(a);
	}
	TC_REQUIRE(tc_send(tc, "S") == 0);   /* not a number: refused */
	TC_REQUIRE(portal_wait_bottom(tc, "Silence for how many days", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "-1x\r") == 0);
	TC_CHECK(portal_wait_message(tc, "Give a number of days", TC_WAIT_MS));

	tc_note("p: a one-time password, shown once; alice must change it");
	TC_REQUIRE(tc_send(tc, "p") == 0);
	confirm(tc, "Reset the password of alice?");
	TC_REQUIRE(portal_wait_heading(tc, "One-time password", TC_WAIT_MS));
	read_onetime(tc, pw, sizeof pw);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Member: alice", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, pw, NULL) < 0);
	TC_CHECK(tc_wait_text(tc, "must be changed at the next login", TC_WAIT_MS));
	atc = tc_login_password(&fx, "alice", pw, "xterm-256color", 80, 24);
	TC_CHECK(form_wait(atc, "Choose a new password", TC_WAIT_MS));
	TC_CHECK(tc_find(atc, PORTAL_MENU, NULL) < 0);
	tc_close(atc);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Members", TC_WAIT_MS));

	tc_note("the last sysop cannot demote themselves");
	open_member(tc, "sysop");
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_REQUIRE(form_wait(tc, "Edit member sysop", TC_WAIT_MS));
	/* Display name, Organisation, Sector, Country, Role: four moves down, then Left. */
	for (int i = 0; i < 4; i++)
		TC_REQUIRE(tc_send(tc, TC_KEY_DOWN) == 0);
	TC_REQUIRE(tc_send(tc, TC_KEY_LEFT) == 0);
	TC_REQUIRE(tc_wait_text(tc, "moderator", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(tc_wait_text(tc, "last active sysop cannot be demoted", TC_WAIT_MS));
	{
		struct store_user *s = get_user(st, "sysop");
		TC_CHECK(s->role == STORE_ROLE_SYSOP);
		store_user_free(s);
	}
	TC_REQUIRE(tc_send(tc, TC_KEY_ESC) == 0);
	if (tc_wait_text(tc, "(y/n)", 2000))
		TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(portal_wait_heading(tc, "Member: sysop", TC_WAIT_MS));

	tc_note("the audit log has the actions");
	{
		struct store_audit *v = NULL;
		size_t n = 0;
		static const char *const want[] = { "application-accept", "verify",
			"password-reset", "key-add", "key-remove" };
		TC_REQUIRE(store_audit_list(st, "sysop", 0, 1000, &v, &n) == 0);
		for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
			bool found = false;
			for (size_t i = 0; i < n; i++)
				found = found || strcmp(v[i].action, want[w]) == 0;
			if (!TC_CHECK(found))
				tc_note("no audit entry \"%s\"", want[w]);
		}
		bool locked = false;
		for (size_t i = 0; i < n; i++)
			locked = locked || strcmp(v[i].action, "lock") == 0 ||
				strcmp(v[i].action, "status") == 0;
		TC_CHECK(locked);
		store_audit_list_free(v, n);
	}
	tc_close(tc);
	store_close(st);
	tc_fixture_finish(&fx);
	return tc_done();
}
