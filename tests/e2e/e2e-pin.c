/*
 * e2e-pin: P (pin / unpin) in a board's discussion list (ui/threads.c), driven over SSH.
 * Three discussions, the oldest one last in the list. sam (member) selects it and presses P:
 * "Only moderators can do that", the store still has it unpinned and the order is unchanged.
 * nora (moderator) selects it and presses P: "Discussion pinned.", it moves to the top with
 * "[pinned]", stored pinned. sam logs in again and sees it first with the mark too. nora
 * presses P on it again: "Discussion unpinned.", back last, no mark, stored unpinned.
 * Never sleeps a fixed time: every step waits for screen text or the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define OLDEST "Pinme oldest thread"
#define MIDDLE "Middle thread here"
#define NEWEST "Newest thread here"

static bool thread_pinned(struct store *st, int64_t user, int64_t th)
{
	struct store_thread t = { 0 };
	bool p = store_thread_get(st, user, th, &t) == 0 && t.pinned;
	store_thread_finish(&t);
	return p;
}

static bool wait_pinned(struct tc *tc, struct store *st, int64_t user, int64_t th, bool want)
{
	for (int i = 0; i < 100; i++) {
		if (thread_pinned(st, user, th) == want)
			return true;
		tc_wait_quiet(tc, 50, 100);
	}
	return false;
}

/* From the main menu: the discussion list of the general board. */
static bool open_list(struct tc *tc)
{
	return tc_send(tc, PORTAL_KEY_BOARDS) == 0 &&
		portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS) &&
		portal_list_select(tc, BT_GENERAL, 12) && tc_send(tc, TC_KEY_ENTER) == 0 &&
		tc_wait_gone(tc, PORTAL_BOARDS, TC_WAIT_MS) &&
		portal_wait_heading(tc, BT_GENERAL, TC_WAIT_MS) &&
		tc_wait_text(tc, OLDEST, TC_WAIT_MS);
}

/* The row of each title; true when they are in the order a above b above c. */
static bool order(struct tc *tc, const char *a, const char *b, const char *c)
{
	char row[512];
	int ra = -1, rb = -1, rc = -1;

	if (!bt_row_with(tc, a, row, sizeof row, &ra) || !bt_row_with(tc, b, row, sizeof row, &rb) ||
	    !bt_row_with(tc, c, row, sizeof row, &rc))
		return false;
	return ra > 0 && rb > ra && rc > rb;
}

static bool row_has(struct tc *tc, const char *title, const char *mark)
{
	char row[512];
	int r = -1;

	return bt_row_with(tc, title, row, sizeof row, &r) && strstr(row, mark) != NULL;
}

/* Waits until the list shows a, b, c top to bottom. */
static bool wait_order(struct tc *tc, const char *a, const char *b, const char *c)
{
	for (int i = 0; i < 100; i++) {
		if (order(tc, a, b, c))
			return true;
		tc_wait_quiet(tc, 50, 100);
	}
	tc_screen_print(tc_screen(tc), "order");
	return false;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;

	tc_fixture_standard(&fx, &u, 150);
	bt_user_add(&fx, "sam", "Sam Reed", "Helpline", "Civil society");
	bt_user_add(&fx, "nora", "Nora Berg", "Board", "Government");
	st = bt_store_open(&fx);
	int64_t sam = bt_user_id(st, "sam"), nora = bt_user_id(st, "nora");
	int64_t general = bt_board_id(st, "general");
	struct store_user_edit e = { .role = STORE_ROLE_MODERATOR, .status = -1, .verified = 1 };
	TC_REQUIRE(store_admin_user_edit(st, 0, nora, &e) == 0);
	/* Created in this order, so the list (latest activity first) shows them reversed. */
	int64_t oldest = bt_thread(st, general, sam, OLDEST, "first body");
	int64_t middle = bt_thread(st, general, sam, MIDDLE, "second body");
	(void)bt_thread(st, general, sam, NEWEST, "third body");
	/* A reply makes the order certain even when the three share a second. */
	(void)bt_reply(st, middle, sam, "bump the middle");
	int64_t newest = bt_thread_by_title(st, sam, general, NEWEST);
	(void)bt_reply(st, newest, sam, "bump the newest");

	tc_note("sam (member): P refused, nothing changes");
	tc = bt_login(&fx, "sam", 100, 30);
	TC_REQUIRE(open_list(tc));
	TC_REQUIRE(wait_order(tc, NEWEST, MIDDLE, OLDEST));
	TC_REQUIRE(portal_list_select(tc, OLDEST, 5));
	TC_REQUIRE(tc_send(tc, "P") == 0);
	TC_CHECK(portal_wait_message(tc, "Only moderators can do that", TC_WAIT_MS));
	tc_wait_quiet(tc, 100, 1000);
	TC_CHECK(!thread_pinned(st, sam, oldest));
	TC_CHECK(order(tc, NEWEST, MIDDLE, OLDEST));
	TC_CHECK(tc_find(tc, "[pinned]", NULL) < 0);
	tc_close(tc);

	tc_note("nora (moderator): P pins, the discussion moves to the top with its mark");
	tc = bt_login(&fx, "nora", 100, 30);
	TC_REQUIRE(open_list(tc));
	TC_REQUIRE(wait_order(tc, NEWEST, MIDDLE, OLDEST));
	TC_REQUIRE(portal_list_select(tc, OLDEST, 5));
	TC_REQUIRE(tc_send(tc, "P") == 0);
	TC_CHECK(portal_wait_message(tc, "Discussion pinned.", TC_WAIT_MS));
	TC_CHECK(wait_pinned(tc, st, nora, oldest, true));
	TC_CHECK(wait_order(tc, OLDEST, NEWEST, MIDDLE));
	TC_CHECK(row_has(tc, OLDEST, "[pinned]"));
	TC_CHECK(!row_has(tc, NEWEST, "[pinned]") && !row_has(tc, MIDDLE, "[pinned]"));
	tc_close(tc);

	tc_note("sam sees it first and marked");
	tc = bt_login(&fx, "sam", 100, 30);
	TC_REQUIRE(open_list(tc));
	TC_CHECK(wait_order(tc, OLDEST, NEWEST, MIDDLE));
	TC_CHECK(row_has(tc, OLDEST, "[pinned]"));
	tc_note("sam's P on the pinned discussion is refused too");
	TC_REQUIRE(portal_list_select(tc, OLDEST, 5));
	TC_REQUIRE(tc_send(tc, "P") == 0);
	TC_CHECK(portal_wait_message(tc, "Only moderators can do that", TC_WAIT_MS));
	tc_wait_quiet(tc, 100, 1000);
	TC_CHECK(thread_pinned(st, sam, oldest));
	tc_close(tc);

	tc_note("nora: P again unpins, back in activity order");
	tc = bt_login(&fx, "nora", 100, 30);
	TC_REQUIRE(open_list(tc));
	TC_REQUIRE(wait_order(tc, OLDEST, NEWEST, MIDDLE));
	TC_REQUIRE(portal_list_select(tc, OLDEST, 5));
	TC_REQUIRE(tc_send(tc, "P") == 0);
	TC_CHECK(portal_wait_message(tc, "Discussion unpinned.", TC_WAIT_MS));
	TC_CHECK(wait_pinned(tc, st, nora, oldest, false));
	TC_CHECK(wait_order(tc, NEWEST, MIDDLE, OLDEST));
	TC_CHECK(tc_find(tc, "[pinned]", NULL) < 0);
	tc_close(tc);

	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
