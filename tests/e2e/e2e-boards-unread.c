/*
 * e2e-boards-unread: what is new since the last visit. alice's discussion (two posts, put in
 * through the store API) is unread for carol: "1 unread" on the main menu and in the board
 * list, the '*' marker in the discussion list. n from the main menu opens it at post #1;
 * once read the main menu says "all read". Then alice, in her own session at the same time,
 * replies through the UI; carol's n lands at that reply (#3) at the top of the view, not at
 * #1; afterwards n says "No unread posts" and the store agrees (store_unread_total 0).
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Reporting pathways across borders"
#define TITLE_LIST "Reporting pathways"   /* a list may cut the title to fit */
#define BODY1 "Which hotline takes a report when the host is abroad?"
#define BODY2 "Follow-up: we should map the referral agreements."
#define BODY3 "New from alice: the map is ready for review."

static bool menu_boards_says(struct tc *tc, const char *what)
{
	char buf[1024];
	int64_t deadline = tc_now_ms() + TC_WAIT_MS;

	for (;;) {
		if (bt_row_with(tc, PORTAL_BOARDS, buf, sizeof buf, NULL) && strstr(buf, what))
			return true;
		if (tc_now_ms() > deadline || tc_pump(tc, 50) < 0)
			break;
	}
	tc_note("the \"%s\" row does not say \"%s\": \"%s\"", PORTAL_BOARDS, what, buf);
	tc_screen_print(tc_screen(tc), "main menu");
	return false;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *carol, *alice;
	int64_t alice_id, carol_id, tid, count = -1;
	char buf[1024];

	tc_fixture_standard(&fx, &u, 110);
	bt_user_add(&fx, "carol", "Carol Jones", "Hotline Network", "Civil society");
	st = bt_store_open(&fx);
	alice_id = bt_user_id(st, "alice");
	carol_id = bt_user_id(st, "carol");
	tid = bt_thread(st, bt_board_id(st, "general"), alice_id, TITLE, BODY1);
	bt_reply(st, tid, alice_id, BODY2);

	tc_note("carol: the main menu, the board list and the discussion list show it unread");
	carol = bt_login(&fx, "carol", 80, 24);
	TC_CHECK(menu_boards_says(carol, "1 unread"));
	TC_REQUIRE(tc_send(carol, "4") == 0);
	TC_REQUIRE(portal_wait_heading(carol, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(carol, "1 unread", TC_WAIT_MS));
	TC_CHECK(bt_row_with(carol, BT_GENERAL, buf, sizeof buf, NULL));
	tc_note("board row: %s", buf);
	TC_CHECK(strstr(buf, "1 unread") != NULL && strstr(buf, "1 discussion") != NULL);
	TC_REQUIRE(portal_list_select(carol, BT_GENERAL, 10));
	TC_REQUIRE(tc_send(carol, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_gone(carol, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(carol, BT_GENERAL, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(carol, TITLE_LIST, 0));
	TC_CHECK(portal_thread_unread(tc_screen(carol), TITLE_LIST));
	TC_CHECK(bt_row_with(carol, TITLE_LIST, buf, sizeof buf, NULL) && strstr(buf, "1 reply"));
	tc_note("discussion row: %s", buf);
	TC_REQUIRE(bt_back_to_menu(carol));

	tc_note("carol: n from the main menu opens the discussion at post #1");
	TC_REQUIRE(tc_send(carol, "n") == 0);
	TC_REQUIRE(portal_wait_heading(carol, TITLE, TC_WAIT_MS));
	TC_CHECK(portal_wait_post_top(carol, 1, TC_WAIT_MS));
	TC_CHECK(portal_wait_current_post(carol, 1, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(carol, BODY2, TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(carol));
	TC_CHECK(menu_boards_says(carol, "all read"));
	TC_CHECK(store_unread_total(st, carol_id, &count) == 0 && count == 0);

	tc_note("alice (another session, at the same time) replies through the UI");
	alice = bt_login(&fx, "alice", 80, 24);
	TC_REQUIRE(bt_open_discussion(alice, BT_GENERAL, TITLE));
	TC_REQUIRE(tc_wait_text(alice, BODY2, TC_WAIT_MS));
	TC_REQUIRE(tc_send(alice, "r") == 0);
	TC_REQUIRE(portal_wait_editor(alice, "Reply to: " TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(alice, BODY3) == 0);
	TC_REQUIRE(tc_wait_text(alice, BODY3, TC_WAIT_MS));
	TC_REQUIRE(tc_send(alice, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_heading(alice, TITLE, TC_WAIT_MS));
	TC_CHECK(portal_wait_post(alice, 3, TC_WAIT_MS));
	TC_CHECK(bt_count_posts_with(st, tid, BODY3) == 1);

	tc_note("carol: the menu shows it again after a redraw; n lands at #3");
	TC_REQUIRE(tc_send(carol, "4") == 0);
	TC_REQUIRE(portal_wait_heading(carol, PORTAL_BOARDS, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(carol, "1 unread", TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(carol));
	TC_CHECK(menu_boards_says(carol, "1 unread"));
	TC_REQUIRE(tc_send(carol, "n") == 0);
	TC_REQUIRE(portal_wait_heading(carol, TITLE, TC_WAIT_MS));
	TC_CHECK(portal_wait_post_top(carol, 3, TC_WAIT_MS));
	TC_CHECK(portal_wait_current_post(carol, 3, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(carol, BODY3, TC_WAIT_MS));
	TC_CHECK(tc_find(carol, BODY1, NULL) < 0);   /* #1 is above, off the screen's top */
	TC_REQUIRE(bt_back_to_menu(carol));
	TC_CHECK(menu_boards_says(carol, "all read"));
	TC_REQUIRE(tc_send(carol, "n") == 0);
	TC_CHECK(portal_wait_message(carol, "No unread posts", TC_WAIT_MS));
	TC_CHECK(portal_menu_shown(tc_screen(carol)));
	TC_CHECK(store_unread_total(st, carol_id, &count) == 0 && count == 0);
	{
		struct store_thread t = { 0 };

		TC_CHECK(store_thread_get(st, carol_id, tid, &t) == 0 && t.unread == 0 &&
			t.first_unread == 0 && t.posts == 3);
		store_thread_finish(&t);
	}

	TC_CHECK(portal_logoff(carol, "q") == 0);
	tc_close(carol);
	TC_REQUIRE(bt_back_to_menu(alice));
	TC_CHECK(menu_boards_says(alice, "all read"));
	TC_CHECK(portal_logoff(alice, "q") == 0);
	tc_close(alice);
	store_close(st);
	return tc_done();
}
