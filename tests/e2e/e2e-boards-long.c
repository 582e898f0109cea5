/*
 * e2e-boards-long: a long discussion (60 posts of two lines, put in through the store API)
 * of which carol has read the first 20. n opens it at post #21 (its header at the top of the
 * view); Space and PgDn move down a page each without skipping a post, b and PgUp back;
 * J and K move the current post; End (and G) reach post #60, Home (and g) post #1; each key
 * answers within a second. Posts are marked read as they are shown: after End the store
 * has nothing unread for carol.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Sixty posts on safety by design"
#define N_POSTS 60
#define READ_UPTO 20
#define KEY_MS 1000

/* The last post header on screen (0 if none). */
static long last_post(const struct tc_screen *sc)
{
	long last = 0;
	int rows;

	tc_screen_size(sc, NULL, &rows);
	for (long s = 1; s <= N_POSTS; s++)
		if (portal_post_row(sc, s) > 0)
			last = s;
	return last;
}

struct page_arg {
	long first;   /* first header before the key */
};

static bool first_changed(const struct tc_screen *sc, void *arg)
{
	struct page_arg *pa = arg;
	long f = portal_first_post(sc, NULL);

	return f > 0 && f != pa->first && portal_hints_last_row(sc);
}

/*
 * Sends key and waits (at most KEY_MS) until the first header on screen changes; returns
 * the new first seq, or 0 on a timeout.
 */
static long page(struct tc *tc, const char *key, const char *name)
{
	struct page_arg pa = { portal_first_post(tc_screen(tc), NULL) };
	long before_last = last_post(tc_screen(tc));
	int64_t t0 = tc_now_ms();
	long f;

	TC_REQUIRE(tc_send(tc, key) == 0);
	if (!TC_CHECK(tc_wait_pred(tc, first_changed, &pa, name, KEY_MS)))
		return 0;
	tc_wait_quiet(tc, 50, 1000);
	f = portal_first_post(tc_screen(tc), NULL);
	tc_note("%s: first post #%ld -> #%ld (last was #%ld) in %lld ms", name, pa.first, f,
		before_last, (long long)(tc_now_ms() - t0));
	return f;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct tc_screen *sc;
	int64_t sysop, carol, tid;
	long f, prev_first, prev_last;

	tc_fixture_standard(&fx, &u, 110);
	bt_user_add(&fx, "carol", "Carol Jones", "Hotline Network", "Civil society");
	st = bt_store_open(&fx);
	sysop = bt_user_id(st, "sysop");
	carol = bt_user_id(st, "carol");
	{
		char body[256];

		snprintf(body, sizeof body, "Long discussion post 1, first line.\nSecond line of post 1.");
		tid = bt_thread(st, bt_board_id(st, "safety-by-design"), sysop, TITLE, body);
		for (int i = 2; i <= N_POSTS; i++) {
			snprintf(body, sizeof body,
				"Long discussion post %d, first line.\nSecond line of post %d.", i, i);
			bt_reply(st, tid, sysop, body);
		}
	}
	TC_REQUIRE(store_thread_mark_read(st, carol, tid, READ_UPTO) == 0);

	tc = bt_login(&fx, "carol", 80, 24);
	sc = tc_screen(tc);
	tc_note("n opens the discussion at the first unread post, #%d", READ_UPTO + 1);
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(portal_wait_post_top(tc, READ_UPTO + 1, TC_WAIT_MS));
	TC_CHECK(portal_wait_current_post(tc, READ_UPTO + 1, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Second line of post 21.", NULL) > 0);
	TC_CHECK(portal_top_line(sc, "carol (member)"));

	/* Space and PgDn: a page down each, no post skipped. */
	prev_first = portal_first_post(sc, NULL);
	prev_last = last_post(sc);
	f = page(tc, " ", "Space");
	TC_CHECK(f > prev_first && f <= prev_last + 1);
	/*
	 * Shown posts are marked read: the first unread moves past what was on screen. (The UI
	 * stores the mark on the next key or when leaving the view, not while drawing, so this
	 * is checked after the first key.)
	 */
	{
		int64_t deadline = tc_now_ms() + TC_WAIT_MS;
		struct store_thread t = { 0 };
		long shown = last_post(sc);

		for (;;) {
			store_thread_finish(&t);
			TC_REQUIRE(store_thread_get(st, carol, tid, &t) == 0);
			if (t.first_unread > prev_last || tc_now_ms() > deadline)
				break;
			tc_pump(tc, 50);
		}
		tc_note("after Space: first unread #%lld (#%d..#%ld were shown, now up to #%ld)",
			(long long)t.first_unread, READ_UPTO + 1, prev_last, shown);
		TC_CHECK(t.first_unread > prev_last && t.first_unread <= shown + 1);
		store_thread_finish(&t);
	}
	prev_first = f;
	prev_last = last_post(sc);
	f = page(tc, BT_PGDN, "PgDn");
	TC_CHECK(f > prev_first && f <= prev_last + 1);
	/* b and PgUp: back up. */
	prev_first = f;
	f = page(tc, "b", "b");
	TC_CHECK(f > 0 && f < prev_first);
	prev_first = f;
	f = page(tc, BT_PGUP, "PgUp");
	TC_CHECK(f > 0 && f < prev_first);

	/* J and K move the current post. */
	{
		long cur = portal_current_post(sc);

		tc_note("current post #%ld; J then K", cur);
		TC_CHECK(cur > 0);
		if (cur > 0) {
			TC_REQUIRE(tc_send(tc, "J") == 0);
			TC_CHECK(portal_wait_current_post(tc, cur + 1, KEY_MS));
			TC_REQUIRE(tc_send(tc, "K") == 0);
			TC_CHECK(portal_wait_current_post(tc, cur, KEY_MS));
		}
	}

	/* End reaches the last post, Home the first; G and g too. */
	TC_REQUIRE(tc_send(tc, BT_END) == 0);
	TC_CHECK(portal_wait_post(tc, N_POSTS, KEY_MS));
	TC_CHECK(tc_wait_text(tc, "Second line of post 60.", KEY_MS));
	TC_REQUIRE(tc_send(tc, BT_HOME) == 0);
	TC_CHECK(portal_wait_post_top(tc, 1, KEY_MS));
	TC_REQUIRE(tc_send(tc, "G") == 0);
	TC_CHECK(portal_wait_post(tc, N_POSTS, KEY_MS));
	TC_REQUIRE(tc_send(tc, "g") == 0);
	TC_CHECK(portal_wait_post_top(tc, 1, KEY_MS));
	TC_REQUIRE(tc_send(tc, "G") == 0);
	TC_CHECK(portal_wait_post(tc, N_POSTS, KEY_MS));

	/* Everything has been on screen: nothing unread. */
	{
		int64_t deadline = tc_now_ms() + TC_WAIT_MS;
		struct store_thread t = { 0 };

		for (;;) {
			store_thread_finish(&t);
			TC_REQUIRE(store_thread_get(st, carol, tid, &t) == 0);
			if (t.unread == 0 || tc_now_ms() > deadline)
				break;
			tc_pump(tc, 50);
		}
		TC_CHECK(t.unread == 0 && t.first_unread == 0 && t.posts == N_POSTS);
		store_thread_finish(&t);
	}
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	store_close(st);
	return tc_done();
}
