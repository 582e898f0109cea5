/*
 * e2e-account: the forced password change after a sysop's reset, and "Your account" (keys,
 * profile, preferences, password) driven over SSH (issue 5).
 *
 * Forced change: a reset password (store_user_reset_password, then `bbsctl user password`)
 * logs in to "Choose a new password", never to the menu; Esc only offers to log off; menu
 * keys are text; two different passwords are refused; a good one leads to the main menu with
 * "Password changed." and the next login with it goes straight to the menu. After the
 * change the menu's start runs: an unread announcement is shown once.
 * Your account: keys list as ssh-keygen -lf prints them; a bad pasted line gets its reason; a
 * hostile paste (escape sequences, OSC, C1, invalid UTF-8) reaches neither the store nor the
 * terminal; a good line is added; the same line again is refused as a duplicate; removal
 * asks and works; the last way in cannot be removed. Profile: a hostile paste is stored
 * clean and never drawn raw; an over-long paste is refused whole. Preferences: an unknown
 * zone (a path, a directory) is refused; Asia/Tokyo changes a displayed time (a key's "added"
 * time). Password: a wrong current one is refused, then a change works and the next login
 * takes the new password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"
#include "tests/e2e/e2e-forms.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define TEMP_PW "temporary-pass-1"
#define NEW_PW "brand-new-pass-1"
#define SECOND_PW "second-new-pass-2"
#define LAST_PW "another-pass-22"
#define HOSTILE "\033]0;PWNED\007\033]52;c;SGk=\007\033[2J\x9b" "31m\xff\xfe\xc2\x9b"
#define NEWS_TITLE "Maintenance tonight"

static bool no_terminal_side_effects(struct tc *tc)
{
	struct tc_screen_events ev;
	tc_screen_events(tc_screen(tc), &ev);
	if (ev.titles || ev.oscs || ev.dcss)
		tc_note("terminal side effects: %d titles (%s), %d OSC (%s), %d DCS", ev.titles,
			ev.title, ev.oscs, ev.osc, ev.dcss);
	return ev.titles == 0 && ev.oscs == 0 && ev.dcss == 0;
}

/* Logs in with a reset password, checks the menu cannot be reached, and sets new_pw. */
static struct tc *forced_change(struct tc_fixture *fx, const char *temp_pw,
	const char *new_pw)
{
	struct tc *tc = tc_login_password(fx, "alice", temp_pw, "xterm-256color", 80, 24);
	TC_REQUIRE(form_wait(tc, "Choose a new password", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "New password again:", TC_WAIT_MS));
	TC_CHECK(!portal_menu_shown(tc_screen(tc)));
	/* Esc offers only to log off; n stays on the form. */
	TC_REQUIRE(tc_send(tc, TC_KEY_ESC) == 0);
	TC_REQUIRE(tc_wait_text(tc, PORTAL_LOGOFF_PROMPT, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(tc_wait_gone(tc, PORTAL_LOGOFF_PROMPT, TC_WAIT_MS));
	/* Menu keys do nothing here: they are text (hidden as '*'). */
	TC_REQUIRE(tc_send(tc, "4q9") == 0);
	TC_REQUIRE(tc_wait_text(tc, "***", TC_WAIT_MS));
	TC_CHECK(!portal_menu_shown(tc_screen(tc)));
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	TC_REQUIRE(tc_wait_gone(tc, "***", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, new_pw) == 0);
	TC_REQUIRE(tc_send(tc, "\t") == 0);
	TC_REQUIRE(tc_send(tc, new_pw) == 0);
	TC_REQUIRE(tc_send(tc, "x\030") == 0);
	TC_CHECK(portal_wait_message(tc, "The two passwords differ", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025short\tshort\030") == 0);
	TC_CHECK(portal_wait_message(tc, "at least", TC_WAIT_MS));
	TC_CHECK(!portal_menu_shown(tc_screen(tc)));
	/* The error moved the selection to the new password; Tab to the repeat. */
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	TC_REQUIRE(tc_send(tc, new_pw) == 0);
	TC_REQUIRE(tc_send(tc, "\t\025") == 0);
	TC_REQUIRE(tc_send(tc, new_pw) == 0);
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	return tc;
}

static void check_changed(struct store *st, int64_t id, const char *pw)
{
	struct store_user *u = NULL;
	TC_REQUIRE(store_user_get_by_id(st, id, &u) == 0);
	TC_CHECK(!u->must_change_password);
	TC_CHECK(keys_password_verify(u->pwhash, pw, strlen(pw)));
	store_user_free(u);
}

static void forced(struct tc_fixture *fx, struct store *st, int64_t id)
{
	char hash[KEYS_PWHASH_LEN], out[1024];
	int status = -1;

	/* 1. The store's reset: the menu comes with "Password changed.". */
	tc_note("forced change after store_user_reset_password");
	TC_REQUIRE(keys_password_hash(TEMP_PW, strlen(TEMP_PW), hash) == 0);
	TC_REQUIRE(store_user_reset_password(st, id, hash) == 0);
	struct tc *tc = forced_change(fx, TEMP_PW, NEW_PW);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_wait_message(tc, "Password changed.", TC_WAIT_MS));
	check_changed(st, id, NEW_PW);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	tc = tc_login_password(fx, "alice", NEW_PW, "xterm-256color", 80, 24);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	status = portal_logoff(tc, "q");
	TC_CHECK(status == 0);
	tc_close(tc);

	/* 2. `bbsctl user password alice` with an announcement waiting: after the change the
	 * menu's start shows it (once), as after any login. */
	tc_note("forced change after bbsctl user password, with news");
	TC_REQUIRE(store_announcement_create(st, 0, NEWS_TITLE, "The portal restarts at 22:00.",
		NULL) == 0);
	TC_REQUIRE(form_bbsctl(fx, TEMP_PW "\n", out, sizeof out, "user", "password", "alice",
		"--password-stdin", (char *)NULL) == 0);
	TC_CHECK(strstr(out, "must choose a new one") != NULL);
	/* The old password is gone, the temporary one works (and forces the change). */
	tc = forced_change(fx, TEMP_PW, SECOND_PW);
	TC_CHECK(portal_wait_heading(tc, "News and announcements", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, NEWS_TITLE, TC_WAIT_MS));
	check_changed(st, id, SECOND_PW);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	/* Shown once: the next login goes straight to the menu. */
	tc = tc_login_password(fx, "alice", SECOND_PW, "xterm-256color", 80, 24);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, NEWS_TITLE, NULL) < 0);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static bool open_account(struct tc *tc)
{
	return portal_wait_menu(tc, TC_WAIT_MS) && portal_open(tc, PORTAL_ITEM_ACCOUNT) &&
		portal_wait_heading(tc, "Your account", TC_WAIT_MS);
}

/* "added TIME" of a key's added time in zone tz, as the keys screen shows it. */
static void added_in_zone(int64_t t, const char *tz, char *buf, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char when[32];

	TC_REQUIRE(setenv("TZ", tz, 1) == 0);
	tzset();
	TC_REQUIRE(localtime_r(&tt, &tm) != NULL);
	TC_REQUIRE(strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm) > 0);
	(void)snprintf(buf, n, "added %s", when);
	TC_REQUIRE(setenv("TZ", "UTC", 1) == 0);
	tzset();
}

static void keys(struct tc *tc, struct tc_users *u, struct store *st, int64_t id)
{
	char line[4096], fp[128], hostile[512];

	tc_note("keys");
	TC_REQUIRE(tc_send(tc, "2") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your keys", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "(ED25519)", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "256 SHA256:", NULL) >= 0);

	/* A bad line gets its reason; a hostile paste gets one too and draws nothing raw. */
	TC_REQUIRE(tc_send(tc, "a") == 0);
	TC_REQUIRE(form_wait(tc, "Add a key", TC_WAIT_MS));
	form_paste(tc, "ssh-ed25519 AAAA!!notbase64 x");
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "That key line cannot be used", TC_WAIT_MS));
	(void)bbs_snprintf(hostile, sizeof hostile, "%s", "ssh-ed25519 " HOSTILE);
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	form_paste(tc, hostile);
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "That key line cannot be used", TC_WAIT_MS));
	TC_CHECK(no_terminal_side_effects(tc));
	if (!TC_CHECK(tc_find(tc, "PWNED", NULL) < 0 || tc_find(tc, "^[", NULL) >= 0))
		tc_screen_print(tc_screen(tc), "hostile key line");
	/* A good line (bob's key), with the line break a copied line has, is added; the same
	 * again is a duplicate. */
	form_pub_line(u->bob_key, line, sizeof line);
	form_fingerprint(u->bob_key, fp, sizeof fp);
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	{
		char withnl[4200];
		(void)snprintf(withnl, sizeof withnl, "%s\n", line);
		form_paste(tc, withnl);
	}
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your keys", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, fp, TC_WAIT_MS));
	TC_CHECK(portal_wait_message(tc, "added: you can log in with it now", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "a") == 0);
	TC_REQUIRE(form_wait(tc, "Add a key", TC_WAIT_MS));
	form_paste(tc, line);
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "You have this key already", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TC_KEY_ESC) == 0);
	TC_REQUIRE(tc_wait_text(tc, "Leave this form?", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your keys", TC_WAIT_MS));
	{
		struct store_key *v = NULL;
		size_t n = 0;
		TC_REQUIRE(store_key_list(st, id, &v, &n) == 0);
		TC_CHECK(n == 2);
		for (size_t i = 0; i < n; i++)
			TC_CHECK(form_text_clean(v[i].comment, false));
		store_key_list_free(v, n);
	}

	/* Remove the new key: asks, then gone. */
	TC_REQUIRE(portal_list_select(tc, fp, 4));
	TC_REQUIRE(tc_send(tc, "d") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Remove key", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(tc_wait_gone(tc, fp, TC_WAIT_MS));
	TC_CHECK(portal_wait_message(tc, "Key removed.", TC_WAIT_MS));
	/* Both changes are in the audit log, with the key's fingerprint, as alice's. */
	{
		struct store_audit *v = NULL;
		size_t n = 0;
		TC_REQUIRE(store_audit_list(st, "key", 0, 100, &v, &n) == 0);
		bool added = false, removed = false;
		for (size_t i = 0; i < n; i++) {
			bool this_key = strstr(v[i].detail, fp) && strcmp(v[i].actor, "alice") == 0;
			added |= this_key && strcmp(v[i].action, "key-add") == 0;
			removed |= this_key && strcmp(v[i].action, "key-remove") == 0;
		}
		TC_CHECK(added);
		TC_CHECK(removed);
		store_audit_list_free(v, n);
	}

	/* Without a password, the last key is the last way in: refused. */
	TC_REQUIRE(store_user_set_password(st, id, NULL) == 0);
	TC_REQUIRE(tc_send(tc, "d") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Remove key", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(portal_wait_message(tc, "Not removed: it is your last way in", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "(ED25519)", NULL) >= 0);
	{
		struct store_key *v = NULL;
		size_t n = 0;
		TC_REQUIRE(store_key_list(st, id, &v, &n) == 0);
		TC_CHECK(n == 1);
		store_key_list_free(v, n);
	}
	{
		char hash[KEYS_PWHASH_LEN];
		TC_REQUIRE(keys_password_hash(NEW_PW, strlen(NEW_PW), hash) == 0);
		TC_REQUIRE(store_user_set_password(st, id, hash) == 0);
	}
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your account", TC_WAIT_MS));
}

static void profile(struct tc *tc, struct store *st, int64_t id)
{
	char big[600];
	struct store_user *u = NULL;

	tc_note("profile: hostile and over-long pastes");
	TC_REQUIRE(tc_send(tc, "1") == 0);
	TC_REQUIRE(form_wait(tc, "Your profile", TC_WAIT_MS));
	/* Display name: escape sequences, OSC 0/52, C1 and invalid UTF-8 around a name. */
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	form_paste(tc, "Alice " HOSTILE " Liddell");
	TC_REQUIRE(tc_wait_text(tc, "Liddell", TC_WAIT_MS));
	/* Organisation: over-long paste, refused whole. */
	TC_REQUIRE(tc_send(tc, "\t\025") == 0);
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	form_paste(tc, big);
	TC_CHECK(portal_wait_message(tc, "Paste too long", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "AAAAAAAAAA", NULL) < 0);
	form_paste(tc, "Rabbit Hole Ltd");
	TC_REQUIRE(tc_wait_text(tc, "Rabbit Hole Ltd", TC_WAIT_MS));
	/* Sector, country, then the bio: several lines with hostile bytes. */
	TC_REQUIRE(tc_send(tc, "\t\t\t") == 0);
	form_paste(tc, "Line one\n\033[31mred\033[0m \x9b" "2J line\r\ntwo\xff");
	TC_REQUIRE(tc_wait_text(tc, "Line one", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your account", TC_WAIT_MS));
	TC_CHECK(portal_wait_message(tc, "Profile saved.", TC_WAIT_MS));
	TC_CHECK(no_terminal_side_effects(tc));

	TC_REQUIRE(store_user_get_by_id(st, id, &u) == 0);
	TC_CHECK(strncmp(u->display_name, "Alice ", 6) == 0 && strstr(u->display_name, "Liddell"));
	TC_CHECK(form_text_clean(u->display_name, false));
	TC_CHECK(strcmp(u->organisation, "Rabbit Hole Ltd") == 0);
	TC_CHECK(strstr(u->bio, "Line one\n") != NULL);
	TC_CHECK(form_text_clean(u->bio, true));
	store_user_free(u);

	/* Drawn again from the store: still nothing raw reaches the terminal. */
	TC_REQUIRE(tc_send(tc, "1") == 0);
	TC_REQUIRE(form_wait(tc, "Your profile", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Liddell", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "^[", NULL) >= 0); /* the escapes shown as caret notation */
	TC_CHECK(no_terminal_side_effects(tc));
	TC_REQUIRE(tc_send(tc, TC_KEY_ESC) == 0); /* nothing typed: leaves without asking */
	TC_REQUIRE(portal_wait_heading(tc, "Your account", TC_WAIT_MS));
}

static void prefs(struct tc *tc, struct store *st, int64_t id)
{
	char utc[64], tokyo[64];
	struct store_key *v = NULL;
	size_t n = 0;

	tc_note("preferences: time zone");
	TC_REQUIRE(store_key_list(st, id, &v, &n) == 0 && n >= 1);
	added_in_zone(v[0].added, "UTC", utc, sizeof utc);
	added_in_zone(v[0].added, "Asia/Tokyo", tokyo, sizeof tokyo);
	store_key_list_free(v, n);
	TC_CHECK(strcmp(utc, tokyo) != 0);
	TC_CHECK(tc_find(tc, "Time zone: UTC", NULL) >= 0);
	TC_REQUIRE(tc_send(tc, "2") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your keys", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, utc, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your account", TC_WAIT_MS));

	/* An unknown zone (a path, a directory, escapes) is refused; a real one is taken. */
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(form_wait(tc, "Preferences", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025../../etc/passwd\030") == 0);
	TC_CHECK(portal_wait_message(tc, "Unknown time zone", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025Europe\030") == 0);
	TC_CHECK(portal_wait_message(tc, "Unknown time zone", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	form_paste(tc, "Asia/\033[2JTokyo");
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "Unknown time zone", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025Asia/Tokyo\030") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your account", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Time zone: Asia/Tokyo", TC_WAIT_MS));
	{
		struct store_user *u = NULL;
		TC_REQUIRE(store_user_get_by_id(st, id, &u) == 0);
		TC_CHECK(strcmp(u->timezone, "Asia/Tokyo") == 0);
		store_user_free(u);
	}
	/* The same key's "added" time, now in Tokyo time. */
	TC_REQUIRE(tc_send(tc, "2") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your keys", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, tokyo, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, utc, NULL) < 0);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your account", TC_WAIT_MS));
}

static void password(struct tc_fixture *fx, struct tc **tcp, struct store *st, int64_t id)
{
	struct tc *tc = *tcp;

	tc_note("password change");
	TC_REQUIRE(tc_send(tc, "3") == 0);
	TC_REQUIRE(form_wait(tc, "Change your password", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "wrong-password-0\t" LAST_PW "\t" LAST_PW "\030") == 0);
	TC_CHECK(portal_wait_message(tc, "That is not your current password", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "another", NULL) < 0); /* hidden fields */
	TC_CHECK(tc_find(tc, "wrong-pass", NULL) < 0);
	/* A mismatch is refused too. */
	TC_REQUIRE(tc_send(tc, "\025" NEW_PW "\t\025" LAST_PW "\t\025" LAST_PW "x\030") == 0);
	TC_CHECK(portal_wait_message(tc, "The two passwords differ", TC_WAIT_MS));
	check_changed(st, id, NEW_PW);
	/* The selection is on the new password: set both again. */
	TC_REQUIRE(tc_send(tc, "\025" LAST_PW "\t\025" LAST_PW "\030") == 0);
	TC_CHECK(portal_wait_heading(tc, "Your account", TC_WAIT_MS));
	TC_CHECK(portal_wait_message(tc, "Password changed.", TC_WAIT_MS));
	check_changed(st, id, LAST_PW);
	tc_close(tc);
	tc = tc_login_password(fx, "alice", LAST_PW, "xterm-256color", 80, 24);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	*tcp = tc;
}

static void account(struct tc_fixture *fx, struct tc_users *u, struct store *st, int64_t id)
{
	struct tc *tc = tc_login_password(fx, "alice", NEW_PW, "xterm-256color", 100, 30);

	TC_REQUIRE(open_account(tc));
	keys(tc, u, st, id);
	profile(tc, st, id);
	prefs(tc, st, id);
	password(fx, &tc, st, id);
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st = NULL;
	struct store_user *alice = NULL;
	char path[TC_PATH_MAX + 16];

	TC_REQUIRE(keys_init() == 0);
	TC_REQUIRE(setenv("TZ", "UTC", 1) == 0);
	tzset();
	tc_fixture_standard(&fx, &u, 140);
	TC_REQUIRE(bbs_snprintf(path, sizeof path, "%s/portal.db", fx.dir) == 0);
	TC_REQUIRE(store_open(path, &st) == 0);
	TC_REQUIRE(store_user_get(st, "alice", &alice) == 0);
	forced(&fx, st, alice->id);
	{
		/* The account part starts from NEW_PW. */
		char hash[KEYS_PWHASH_LEN];
		TC_REQUIRE(keys_password_hash(NEW_PW, strlen(NEW_PW), hash) == 0);
		TC_REQUIRE(store_user_set_password(st, alice->id, hash) == 0);
	}
	account(&fx, &u, st, alice->id);
	store_user_free(alice);
	store_close(st);
	tc_fixture_finish(&fx);
	return tc_done();
}
