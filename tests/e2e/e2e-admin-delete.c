/*
 * e2e-admin-delete: a sysop deletes a member from the Administration menu (issue 10).
 *
 * carol started a discussion that alice replied to. The sysop opens carol's page in
 * Members: D asks keep or remove; an answer other than k or r, and a wrong handle typed to
 * confirm, delete nothing; k and then "carol" delete her, keeping her posts, and the page
 * closes. The store no longer finds carol by her handle (so she can no longer log in: her key
 * and password are gone too, checked through SSH), and alice, opening the discussion, sees
 * the first post as from "removed member" and nothing of carol's name; her own reply is
 * untouched. The sysop's own page has D too, but deleting yourself is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Shared hotline terms"
#define CAROL_BODY "Carol's first post about terms"
#define ALICE_BODY "Alice agrees with the terms"

static void open_member(struct tc *tc, const char *handle)
{
	char heading[64];
	TC_REQUIRE(portal_open_admin(tc));
	TC_REQUIRE(tc_send(tc, "1") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Members", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "/") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Search members", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025") == 0);
	TC_REQUIRE(tc_send(tc, handle) == 0);
	TC_REQUIRE(tc_send(tc, "\r") == 0);
	TC_REQUIRE(tc_wait_text(tc, "search: \"", TC_WAIT_MS));
	(void)snprintf(heading, sizeof heading, "Member: %s", handle);
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, heading, TC_WAIT_MS));
}

/* D, the choice, the handle typed. */
static void delete_keys(struct tc *tc, const char *choice, const char *typed)
{
	TC_REQUIRE(tc_send(tc, "D") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "k keep their posts", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, choice) == 0);
	TC_REQUIRE(tc_send(tc, "\r") == 0);
	if (!typed)
		return;
	TC_REQUIRE(portal_wait_bottom(tc, "cannot be undone", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, typed) == 0);
	TC_REQUIRE(tc_send(tc, "\r") == 0);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	char err[512], key[TC_PATH_MAX];

	tc_fixture_standard(&fx, &u, 150);
	bt_user_add(&fx, "carol", "Carol Example", "Carol's Org", "Other");
	tc_fixture_keygen(&fx, "carol_key", key, sizeof key);
	{
		char pub[TC_PATH_MAX + 8];
		(void)snprintf(pub, sizeof pub, "%s.pub", key);
		char *argv[] = { fx.bbsctl, "-d", fx.dir, "key", "add", "carol", pub, NULL };
		char out[1024];
		TC_REQUIRE(tc_run(argv, NULL, out, sizeof out, 30000) == 0);
	}
	struct store *st = bt_store_open(&fx);
	int64_t carol = bt_user_id(st, "carol"), alice = bt_user_id(st, "alice");
	int64_t thread = bt_thread(st, bt_board_id(st, "general"), carol, TITLE, CAROL_BODY);
	(void)bt_reply(st, thread, alice, ALICE_BODY);

	struct tc *tc = bt_login(&fx, "sysop", 100, 30);
	tc_note("deleting yourself is refused");
	open_member(tc, "sysop");
	TC_REQUIRE(tc_send(tc, "D") == 0);
	TC_CHECK(tc_wait_text(tc, "You cannot delete yourself", TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));

	tc_note("carol: a wrong answer and a wrong handle delete nothing");
	open_member(tc, "carol");
	delete_keys(tc, "x", NULL);
	TC_CHECK(tc_wait_text(tc, "answer k or r", TC_WAIT_MS));
	delete_keys(tc, "k", "carl");
	TC_CHECK(tc_wait_text(tc, "Not deleted", TC_WAIT_MS));
	struct store_user *cu = NULL;
	TC_CHECK(store_user_get(st, "carol", &cu) == 0);
	store_user_free(cu);
	cu = NULL;

	tc_note("k and her handle: deleted, posts kept");
	delete_keys(tc, "k", "carol");
	TC_CHECK(tc_wait_text(tc, "carol is deleted", TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, "Member: carol", TC_WAIT_MS));
	TC_CHECK(store_user_get(st, "carol", &cu) == BBS_ERR_NOTFOUND);
	store_user_free(cu);
	TC_REQUIRE(bt_back_to_menu(tc));
	tc_close(tc);

	tc_note("carol can no longer log in, by key or password");
	tc = tc_connect(&fx, "carol", NULL, NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect: %s", err);
	TC_CHECK(tc_auth_pubkey(tc, key) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_password(tc, TC_PASSWORD) != SSH_AUTH_SUCCESS);
	tc_close(tc);

	tc_note("alice sees the discussion from \"removed member\"");
	tc = bt_login(&fx, "alice", 100, 30);
	TC_REQUIRE(bt_open_discussion(tc, BT_GENERAL, TITLE));
	TC_CHECK(tc_wait_text(tc, CAROL_BODY, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "removed member", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, ALICE_BODY, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "carol", NULL) < 0);
	TC_CHECK(tc_find(tc, "Carol Example", NULL) < 0);
	TC_CHECK(tc_find(tc, "Carol's Org", NULL) < 0);
	tc_close(tc);

	store_close(st);
	return tc_done();
}
