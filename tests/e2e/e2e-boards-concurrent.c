/*
 * e2e-boards-concurrent: four members reply to the same discussion at the same moment. Their
 * sessions open the discussion and the reply editor, their keystrokes are interleaved in
 * small chunks, and the four ^X go out back to back. Each session then shows its own post;
 * the store holds every reply exactly once with distinct seqs 1..5; a fifth session sees all
 * five posts once each, in order.
 * Then moderation set through the store API: a pinned discussion is listed first with
 * "[pinned] "; a locked discussion refuses r and R with "This discussion is locked"; a
 * discussion locked while a member is writing keeps her editor open with the text when ^X
 * is refused, and nothing is stored.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Everyone answer at once"
#define N 4

static const char *const who[N] = { "alice", "carol", "dave", "erin" };

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc[N], *watcher;
	char text[N][128], marker[N][32];
	int64_t sysop, tid;
	size_t longest = 0;

	tc_fixture_standard(&fx, &u, 110);
	bt_user_add(&fx, "carol", "Carol Jones", "Hotline Network", "Civil society");
	bt_user_add(&fx, "dave", "Dave Okafor", "Platform Trust", "Technology");
	bt_user_add(&fx, "erin", "Erin Silva", "Ministry of Justice", "Government");
	st = bt_store_open(&fx);
	sysop = bt_user_id(st, "sysop");
	tid = bt_thread(st, bt_board_id(st, "global-coordination"), sysop, TITLE,
		"Reply all at the same time, please.");

	for (int i = 0; i < N; i++) {
		snprintf(marker[i], sizeof marker[i], "CR-%s-mark", who[i]);
		snprintf(text[i], sizeof text[i], "Concurrent reply from %s, %s.", who[i],
			marker[i]);
		if (strlen(text[i]) > longest)
			longest = strlen(text[i]);
		tc[i] = bt_login(&fx, who[i], 80, 24);
		TC_REQUIRE(tc_send(tc[i], "n") == 0);
		TC_REQUIRE(portal_wait_heading(tc[i], TITLE, TC_WAIT_MS));
		TC_REQUIRE(tc_send(tc[i], "r") == 0);
		TC_REQUIRE(portal_wait_editor(tc[i], "Reply to: " TITLE, TC_WAIT_MS));
	}

	tc_note("interleaved typing, then four ^X back to back");
	for (size_t off = 0; off < longest; off += 5)
		for (int i = 0; i < N; i++) {
			size_t len = strlen(text[i]);

			if (off < len)
				TC_REQUIRE(tc_send_n(tc[i], text[i] + off, len - off < 5 ? len - off : 5) == 0);
		}
	for (int i = 0; i < N; i++)
		TC_REQUIRE(tc_wait_text(tc[i], marker[i], TC_WAIT_MS));
	for (int i = 0; i < N; i++)
		TC_REQUIRE(tc_send(tc[i], BT_CTRL_X) == 0);
	for (int i = 0; i < N; i++) {
		TC_CHECK(tc_wait_gone(tc[i], "Reply to: ", TC_WAIT_MS));
		TC_CHECK(portal_wait_heading(tc[i], TITLE, TC_WAIT_MS));
		TC_CHECK(tc_wait_text(tc[i], marker[i], TC_WAIT_MS));
		TC_CHECK(tc_find(tc[i], "Could not save", NULL) < 0);
	}

	/* The store: five posts, seqs 1..5, each reply once. */
	{
		struct store_post *v = NULL;
		size_t n = bt_posts(st, tid, &v);

		TC_CHECK(n == N + 1);
		for (size_t i = 0; i < n; i++)
			TC_CHECK(v[i].seq == (int64_t)i + 1);
		store_post_list_free(v, n);
		for (int i = 0; i < N; i++)
			if (!TC_CHECK(bt_count_posts_with(st, tid, marker[i]) == 1))
				tc_note("%s's reply is stored %d times", who[i],
					bt_count_posts_with(st, tid, marker[i]));
	}

	/* On screen: a fifth member sees every reply once, in seq order. */
	watcher = bt_login(&fx, "sysop", 100, 40);
	TC_REQUIRE(bt_open_discussion(watcher, "International coordination", TITLE));
	TC_REQUIRE(portal_wait_post(watcher, N + 1, TC_WAIT_MS));
	/* sysop wrote #1, so the view opens at #2: go to the top to see all five. */
	TC_REQUIRE(tc_send(watcher, "g") == 0);
	TC_REQUIRE(portal_wait_post_top(watcher, 1, TC_WAIT_MS));
	tc_wait_quiet(watcher, 200, 3000);
	for (int s = 1; s <= N + 1; s++)
		TC_CHECK(portal_post_row(tc_screen(watcher), s) > 0);
	TC_CHECK(portal_post_row(tc_screen(watcher), N + 2) < 0);
	for (int i = 0; i < N; i++) {
		int c = bt_screen_count(tc_screen(watcher), marker[i]);

		if (!TC_CHECK(c == 1))
			tc_note("%s shown %d times", marker[i], c);
	}
	tc_close(watcher);

	tc_note("pinned and locked discussions");
	{
		int64_t board = bt_board_id(st, "global-coordination");
		int64_t pinned = bt_thread(st, board, sysop, "Read this first", "House rules.");
		int64_t locked = bt_thread(st, board, sysop, "Closed for review", "No more replies.");
		struct tc *a = tc[0], *d = tc[2];
		char buf[1024];

		TC_REQUIRE(store_thread_set_pinned(st, pinned, true) == 0);
		TC_REQUIRE(store_thread_set_locked(st, locked, true) == 0);
		/* alice: the pinned one is listed first, the locked one refuses r and R. */
		TC_REQUIRE(bt_back_to_menu(a));
		TC_REQUIRE(tc_send(a, "4") == 0);
		TC_REQUIRE(portal_wait_heading(a, PORTAL_BOARDS, TC_WAIT_MS));
		TC_REQUIRE(portal_list_select(a, "International coordination", 12));
		TC_REQUIRE(tc_send(a, TC_KEY_ENTER) == 0);
		TC_REQUIRE(tc_wait_gone(a, PORTAL_BOARDS, TC_WAIT_MS));
		TC_REQUIRE(portal_wait_heading(a, "International coordination", TC_WAIT_MS));
		TC_REQUIRE(tc_wait_text(a, "[pinned] Read this first", TC_WAIT_MS));
		{
			int rp = tc_find(a, "[pinned] Read this first", NULL);
			int rl = tc_find(a, "Closed for review", NULL);
			int rt = tc_find(a, TITLE, NULL);

			tc_note("rows: pinned %d, locked %d, busy %d", rp, rl, rt);
			TC_CHECK(rp > 0 && rl > rp && rt > rp);
		}
		TC_REQUIRE(portal_list_select(a, "Closed for review", 5));
		TC_REQUIRE(tc_send(a, TC_KEY_ENTER) == 0);
		TC_REQUIRE(portal_wait_heading(a, "Closed for review", TC_WAIT_MS));
		TC_REQUIRE(tc_send(a, "r") == 0);
		TC_CHECK(portal_wait_message(a, "This discussion is locked", TC_WAIT_MS));
		TC_CHECK(tc_find(a, "Reply to:", NULL) < 0);
		TC_REQUIRE(tc_send(a, "R") == 0);
		tc_wait_quiet(a, 200, 2000);
		TC_CHECK(portal_wait_message(a, "This discussion is locked", TC_WAIT_MS));
		TC_CHECK(tc_find(a, "Reply to:", NULL) < 0);
		TC_CHECK(bt_count_posts_with(st, locked, "") == 1);

		/* dave: writing when the discussion gets locked; ^X is refused, the text stays. */
		TC_REQUIRE(tc_send(d, "r") == 0);
		TC_REQUIRE(portal_wait_editor(d, "Reply to: " TITLE, TC_WAIT_MS));
		TC_REQUIRE(tc_send(d, "Late words from dave") == 0);
		TC_REQUIRE(tc_wait_text(d, "Late words from dave", TC_WAIT_MS));
		TC_REQUIRE(store_thread_set_locked(st, tid, true) == 0);
		TC_REQUIRE(tc_send(d, BT_CTRL_X) == 0);
		tc_wait_quiet(d, 300, 3000);
		if (!TC_CHECK(portal_wait_editor(d, "Reply to: " TITLE, 100) &&
		    tc_find(d, "Late words from dave", NULL) > 0))
			tc_screen_print(tc_screen(d), "dave after ^X on a locked discussion");
		tc_row(d, 22, buf, sizeof buf);
		tc_note("dave's message row: %s", buf);
		TC_CHECK(bt_count_posts_with(st, tid, "Late words from dave") == 0);
		TC_REQUIRE(tc_send(d, BT_CTRL_C) == 0);
		TC_REQUIRE(tc_wait_text(d, "Discard this draft? (y/n)", TC_WAIT_MS));
		TC_REQUIRE(tc_send(d, "y") == 0);
		TC_CHECK(tc_wait_gone(d, "Reply to:", TC_WAIT_MS));
	}

	for (int i = 0; i < N; i++) {
		TC_CHECK(bt_back_to_menu(tc[i]));
		TC_CHECK(portal_logoff(tc[i], "q") == 0);
		tc_close(tc[i]);
	}
	store_close(st);
	return tc_done();
}
