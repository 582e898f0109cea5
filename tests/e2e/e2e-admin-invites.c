/*
 * e2e-admin-invites: a sysop's invites, the online list and the audit log, over SSH.
 *
 * Invites: c with a hostile note and bad days (refused), then a good form: the code is shown
 * once with "join@", the store has the invite with its presets (role, organisation, sector,
 * note cleaned); the code works (store_invite_check of its hash); r revokes it after asking
 * (state revoked in the list and the store).
 * Who is online: alice's session is listed with its kind and source; e ends it (asks) and her
 * client sees the session end; R reads the list again.
 * Audit log: "Chain: intact (N entries)" at the top; / filters; Enter shows one entry whole
 * with its hash and previous hash (a broken chain is bbsctl's test: no SQL outside store/).
 * A moderator's admin menu has none of these (the digits open nothing).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "keys/keys.h"
#include "tests/e2e/e2e-boards.h"
#include "tests/e2e/e2e-forms.h"

static void open_item(struct tc *tc, const char *key, const char *heading)
{
	TC_REQUIRE(tc_send(tc, key) == 0);
	TC_REQUIRE(tc_wait_gone(tc, "2. Invites", TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, heading, TC_WAIT_MS));
}

static void back_to_admin(struct tc *tc)
{
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(tc_wait_text(tc, "2. Invites", TC_WAIT_MS));
}

/* The invite code on the page: the token of the form XXXX-XXXX-XXXX-XXXX. */
static void read_code(struct tc *tc, char *code, size_t n)
{
	char row[512];
	int rows;

	code[0] = '\0';
	tc_screen_size(tc_screen(tc), NULL, &rows);
	for (int r = 1; r < rows - 1 && !code[0]; r++) {
		tc_row(tc, r, row, sizeof row);
		char *p = row;
		while (*p == ' ')
			p++;
		if (strlen(p) >= 19 && p[4] == '-' && p[9] == '-' && p[14] == '-' &&
			(p[19] == '\0' || p[19] == ' ') && n > 19) {
			memcpy(code, p, 19);
			code[19] = '\0';
		}
	}
	TC_REQUIRE(code[0] != '\0');
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc, *atc;
	char code[32], hash[KEYS_INVITE_HASH_LEN], buf[1024];
	int status = -1;

	tc_fixture_standard(&fx, &u, 200);
	TC_REQUIRE(tc_fixture_user_add(&fx, "mona", "moderator", TC_PASSWORD, NULL) == 0);
	st = bt_store_open(&fx);

	tc_note("a moderator: none of these items, the digits open nothing");
	tc = bt_login(&fx, "mona", 100, 30);
	TC_REQUIRE(portal_open_admin(tc));
	TC_CHECK(tc_find(tc, "Invites", NULL) < 0 && tc_find(tc, "Who is online", NULL) < 0 &&
		tc_find(tc, "Audit log", NULL) < 0);
	TC_REQUIRE(tc_send(tc, "2345") == 0);
	TC_REQUIRE(tc_send(tc, "?") == 0);
	TC_CHECK(tc_wait_text(tc, "Help: Administration", TC_WAIT_MS));
	tc_close(tc);

	tc = bt_login(&fx, "sysop", 120, 32);
	TC_REQUIRE(portal_open_admin(tc));

	tc_note("invites: create (bad days refused, hostile note cleaned), code shown once");
	open_item(tc, "2", "Invites");
	TC_CHECK(tc_wait_text(tc, "No invites yet", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_REQUIRE(form_wait(tc, "Create an invite", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025x9") == 0);      /* days: "x9" */
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_CHECK(tc_wait_text(tc, "a number from 1 to 365", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\0257") == 0);       /* days: 7 */
	TC_REQUIRE(tc_send(tc, TC_KEY_DOWN) == 0);  /* role */
	TC_REQUIRE(tc_send(tc, TC_KEY_RIGHT) == 0); /* moderator */
	TC_REQUIRE(tc_send(tc, TC_KEY_DOWN) == 0);  /* organisation */
	TC_REQUIRE(tc_send(tc, "Hotline Network") == 0);
	TC_REQUIRE(tc_send(tc, TC_KEY_DOWN) == 0);  /* sector */
	TC_REQUIRE(tc_send(tc, TC_KEY_RIGHT) == 0); /* the first sector */
	TC_REQUIRE(tc_send(tc, TC_KEY_DOWN) == 0);  /* note */
	form_paste(tc, "for erin \033]0;INV-TITLE\007\033[2J");
	TC_REQUIRE(tc_send(tc, "\030") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "New invite", TC_WAIT_MS));
	{
		char want[64];
		(void)snprintf(want, sizeof want, "ssh -p %d join@", fx.port);
		TC_CHECK(tc_wait_text(tc, want, TC_WAIT_MS));
	}
	TC_CHECK(tc_find(tc, "shown only this once", NULL) >= 0);
	read_code(tc, code, sizeof code);
	TC_REQUIRE(keys_invite_hash(code, hash) == 0);
	{
		struct store_invite inv = { 0 };
		TC_REQUIRE(store_invite_check(st, hash, &inv) == 0);
		TC_CHECK(inv.state == STORE_INVITE_VALID);
		TC_CHECK(inv.role == STORE_ROLE_MODERATOR);
		TC_CHECK(strcmp(inv.organisation, "Hotline Network") == 0);
		TC_CHECK(strcmp(inv.sector, store_sectors[0]) == 0);
		TC_CHECK(strstr(inv.note, "for erin") == inv.note && form_text_clean(inv.note, false));
		store_invite_finish(&inv);
	}
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Invites", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "valid", TC_WAIT_MS));
	TC_CHECK(bt_row_with(tc, "for erin", buf, sizeof buf, NULL) && strstr(buf, "moderator"));
	TC_CHECK(tc_find(tc, code, NULL) < 0);
	{
		struct tc_screen_events ev;
		tc_screen_events(tc_screen(tc), &ev);
		TC_CHECK(ev.titles == 0 && ev.oscs == 0);
	}
	tc_note("r revokes it");
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Revoke invite", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(portal_wait_message(tc, "revoked.", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "revoked", TC_WAIT_MS));
	{
		struct store_invite inv = { 0 };
		TC_REQUIRE(store_invite_check(st, hash, &inv) == 0);
		TC_CHECK(inv.state == STORE_INVITE_REVOKED);
		store_invite_finish(&inv);
	}
	back_to_admin(tc);

	tc_note("who is online: alice listed; e ends her session");
	atc = bt_login(&fx, "alice", 80, 24);
	open_item(tc, "4", "Who is online");
	TC_REQUIRE(tc_wait_text(tc, "alice", TC_WAIT_MS));
	TC_CHECK(bt_row_with(tc, "alice", buf, sizeof buf, NULL) && strstr(buf, "member") &&
		strstr(buf, "127.0.0.1"));
	TC_REQUIRE(portal_list_select(tc, "alice", 5));
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "End the session of alice", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(portal_wait_message(tc, "Session ended.", TC_WAIT_MS));
	TC_CHECK(tc_wait_exit(atc, &status, TC_WAIT_MS));
	tc_close(atc);
	/* Her session process removes its row as it ends: wait for that in the store, then R. */
	{
		int64_t deadline = tc_now_ms() + TC_WAIT_MS;
		bool gone = false;
		while (!gone && tc_now_ms() < deadline) {
			struct store_session *sv = NULL;
			size_t sn = 0;
			gone = true;
			TC_REQUIRE(store_session_list(st, &sv, &sn) == 0);
			for (size_t i = 0; i < sn; i++)
				if (strcmp(sv[i].handle, "alice") == 0)
					gone = false;
			store_session_list_free(sv, sn);
			if (!gone)
				(void)tc_pump(tc, 50); /* waits for screen output at most 50 ms */
		}
		TC_CHECK(gone);
	}
	TC_REQUIRE(tc_send(tc, "R") == 0);
	TC_CHECK(tc_wait_gone(tc, "alice", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "sysop", NULL) >= 0);
	back_to_admin(tc);

	tc_note("audit log: chain intact, filter, one entry whole");
	open_item(tc, "5", "Audit log");
	TC_CHECK(tc_wait_text(tc, "Chain: intact (", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "invite-create", NULL) >= 0);
	TC_REQUIRE(tc_send(tc, "/") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Filter", TC_WAIT_MS));
	{
		static const char hostile[] = "\033]0;AUD-TITLE\007";
		TC_REQUIRE(bt_paste(tc, hostile, sizeof hostile - 1) == 0);
	}
	TC_REQUIRE(tc_send(tc, "\r") == 0);
	TC_CHECK(tc_wait_text(tc, "No entries match", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "/") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Filter", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025invite-create\r") == 0);
	TC_CHECK(tc_wait_text(tc, "filter: \"invite-create\"", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "invite-create", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Audit entry", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Previous hash:", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Action:     invite-create", NULL) >= 0);
	{
		struct store_audit *v = NULL;
		size_t n = 0;
		TC_REQUIRE(store_audit_list(st, "invite-create", 0, 10, &v, &n) == 0 && n >= 1);
		TC_CHECK(tc_find(tc, v[0].hash, NULL) >= 0);
		store_audit_list_free(v, n);
	}
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Audit log", TC_WAIT_MS));
	back_to_admin(tc);
	{
		struct tc_screen_events ev;
		tc_screen_events(tc_screen(tc), &ev);
		TC_CHECK(ev.titles == 0 && ev.oscs == 0);
	}
	tc_close(tc);
	store_close(st);
	tc_fixture_finish(&fx);
	return tc_done();
}
