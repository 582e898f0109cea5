/*
 * e2e-boards-post: writing in the discussion boards, driven like members would over SSH.
 * alice starts a discussion (board list -> General discussion -> c -> title, Tab, body, ^X)
 * and sees it in the discussion view, the discussion list and the board list; carol replies
 * quoting it (R: "alice wrote:" and "> " lines); carol cannot edit or delete alice's post
 * ("You can only edit your own posts"); carol edits her own post ("(edited)", the new text)
 * and deletes it (d, y: "[removed by its author]"). Every step is checked on the rendered
 * screen and, through the store API, in the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Shared hash lists for small platforms"
#define TITLE_LIST "Shared hash lists"   /* a list may cut the title to fit */
#define LINE1 "Small platforms cannot afford their own hash matching."
#define LINE2 "Who would host a shared service?"
#define REPLY "Carol here: our network could host it."
#define EDITMARK "EDITMARK-7 we budgeted it"

static void alice_creates(struct tc_fixture *fx, struct store *st, int64_t alice)
{
	struct tc *tc = bt_login(fx, "alice", 80, 24);
	struct tc_screen *sc = tc_screen(tc);
	struct store_draft d = { 0 };
	char buf[1024];
	int r1, r2, hr;

	tc_note("alice: board list -> %s -> c", BT_GENERAL);
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, BT_GENERAL, TC_WAIT_MS));
	TC_CHECK(portal_top_line(sc, "alice (member)"));
	TC_REQUIRE(portal_list_select(tc, BT_GENERAL, 10));
	TC_CHECK(bt_row_with(tc, BT_GENERAL, buf, sizeof buf, NULL) && strstr(buf, "0 discussions"));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, BT_GENERAL, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "No discussions yet. Press c to start one.", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "New discussion in " BT_GENERAL, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Title:", NULL) > 0);

	tc_note("alice: title, Tab, two lines of body, ^X");
	TC_REQUIRE(tc_send(tc, TITLE) == 0);
	TC_REQUIRE(tc_wait_text(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_TAB LINE1 "\r" LINE2) == 0);
	TC_REQUIRE(tc_wait_text(tc, LINE2, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);

	/* The discussion view opens at the new post. */
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, LINE1, TC_WAIT_MS));
	hr = portal_post_row(sc, 1);
	if (!TC_CHECK(hr > 0))
		tc_screen_print(sc, "no header #1");
	tc_row(tc, hr, buf, sizeof buf);
	tc_note("header: %s", buf);
	TC_CHECK(strstr(buf, "alice (alice)") != NULL);
	TC_CHECK(bt_has_datetime(buf));
	TC_CHECK(strstr(buf, "(edited)") == NULL);
	/* The author's own line break is kept: two rows, in order, under the header. */
	r1 = tc_find(tc, LINE1, NULL);
	r2 = tc_find(tc, LINE2, NULL);
	TC_CHECK(r1 > hr && r2 > r1);
	TC_CHECK(portal_hints_last_row(sc));
	TC_CHECK(portal_top_line(sc, "alice (member)"));

	/* In the store: the discussion, its body with the newline; no draft left. */
	{
		int64_t tid = bt_thread_by_title(st, alice, bt_board_id(st, "general"), TITLE);
		struct store_post *v = NULL;
		size_t n;

		TC_REQUIRE(tid > 0);
		n = bt_posts(st, tid, &v);
		TC_CHECK(n == 1);
		TC_CHECK(n >= 1 && strcmp(v[0].body, LINE1 "\n" LINE2) == 0);
		if (n >= 1)
			tc_note("stored body: \"%s\"", v[0].body);
		store_post_list_free(v, n);
	}
	TC_CHECK(store_draft_latest(st, alice, &d) == BBS_ERR_NOTFOUND);
	store_draft_finish(&d);

	tc_note("alice: q to the discussion list, q to the board list, q to the main menu");
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, BT_GENERAL, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, TITLE_LIST, 0));
	if (!TC_CHECK(bt_row_with(tc, TITLE_LIST, buf, sizeof buf, NULL)))
		tc_screen_print(sc, "discussion list");
	tc_note("discussion row: %s", buf);
	TC_CHECK(strstr(buf, "alice") != NULL);
	TC_CHECK(strstr(buf, "0 replies") != NULL);
	TC_CHECK(!portal_thread_unread(sc, TITLE_LIST));   /* the author has read her post */
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_CHECK(bt_row_with(tc, BT_GENERAL, buf, sizeof buf, NULL));
	tc_note("board row: %s", buf);
	TC_CHECK(strstr(buf, "1 discussion") != NULL);
	TC_CHECK(strstr(buf, "unread") == NULL);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(bt_row_with(tc, PORTAL_BOARDS, buf, sizeof buf, NULL) &&
		strstr(buf, "all read") != NULL);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

/* Sends key, waits for the screen to settle, answers y if a delete prompt came anyway. */
static void carol_cannot_touch(struct tc *tc)
{
	struct tc_screen *sc = tc_screen(tc);

	tc_note("carol: e on alice's post");
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_CHECK(portal_wait_message(tc, "You can only edit your own posts", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Edit post", NULL) < 0);
	tc_note("carol: d on alice's post (y if asked)");
	TC_REQUIRE(tc_send(tc, "d") == 0);
	tc_wait_quiet(tc, 300, 3000);
	if (tc_find(tc, "Delete this post? (y/n)", NULL) >= 0) {
		TC_CHECK(!"carol was offered to delete alice's post");
		TC_REQUIRE(tc_send(tc, "y") == 0);
		tc_wait_quiet(tc, 300, 3000);
	}
	TC_CHECK(tc_find(tc, "[removed by its author]", NULL) < 0);
	TC_CHECK(tc_find(tc, LINE1, NULL) > 0);
	TC_CHECK(portal_hints_last_row(sc));
}

static void carol_replies(struct tc_fixture *fx, struct store *st, int64_t alice,
	int64_t carol)
{
	struct tc *tc = bt_login(fx, "carol", 100, 30);
	struct tc_screen *sc = tc_screen(tc);
	int64_t tid = bt_thread_by_title(st, alice, bt_board_id(st, "general"), TITLE);
	char buf[1024];
	int hr, rw, rq1, rq2, rt;

	TC_REQUIRE(tid > 0);
	tc_note("carol: n from the main menu, then R on post #1");
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_post_top(tc, 1, TC_WAIT_MS));
	TC_CHECK(portal_wait_current_post(tc, 1, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "R") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "alice wrote:", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "> " LINE1, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "> " LINE2, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, REPLY) == 0);
	TC_REQUIRE(tc_wait_text(tc, REPLY, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);

	/* The view opens at the new post #2: header, the quote, then carol's text. */
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(portal_wait_post(tc, 2, TC_WAIT_MS));
	hr = portal_post_row(sc, 2);
	if (!TC_CHECK(hr > 0))
		tc_screen_print(sc, "no header #2 after sending the reply");
	tc_row(tc, hr, buf, sizeof buf);
	tc_note("header: %s", buf);
	TC_CHECK(strstr(buf, "#2 Carol Jones (carol), Hotline Network, Civil society, ") != NULL);
	TC_CHECK(bt_has_datetime(buf));
	TC_CHECK(bt_row_with(tc, "alice wrote:", buf, sizeof buf, &rw));
	rq1 = tc_find(tc, "> " LINE1, NULL);
	rq2 = tc_find(tc, "> " LINE2, NULL);
	rt = tc_find(tc, REPLY, NULL);
	tc_note("rows: header %d, 'alice wrote:' %d, quotes %d %d, text %d", hr, rw, rq1, rq2, rt);
	TC_CHECK(hr > 0 && rw > hr && rq1 > rw && rq2 > rq1 && rt > rq2);

	/* In the store: the reply quotes post #1 and starts with the quote. */
	{
		struct store_post *v = NULL;
		size_t n = bt_posts(st, tid, &v);

		TC_CHECK(n == 2);
		if (n == 2) {
			TC_CHECK(v[1].author_id == carol);
			TC_CHECK(v[1].quote_of == v[0].id);
			TC_CHECK(strncmp(v[1].body, "alice wrote:\n> " LINE1 "\n> " LINE2 "\n",
				strlen("alice wrote:\n> " LINE1 "\n> " LINE2 "\n")) == 0);
			TC_CHECK(strstr(v[1].body, REPLY) != NULL);
			tc_note("stored reply: \"%s\"", v[1].body);
		}
		store_post_list_free(v, n);
	}

	/* alice's post: neither editable nor deletable by carol. */
	TC_REQUIRE(tc_send(tc, "K") == 0);
	TC_REQUIRE(portal_wait_current_post(tc, 1, TC_WAIT_MS));
	carol_cannot_touch(tc);
	{
		struct store_post *v = NULL;
		size_t n = bt_posts(st, tid, &v);

		TC_CHECK(n >= 1 && !v[0].deleted && v[0].edited == 0 &&
			strcmp(v[0].body, LINE1 "\n" LINE2) == 0);
		store_post_list_free(v, n);
	}

	tc_note("carol: J to her post, e, append text, ^X");
	TC_REQUIRE(tc_send(tc, "J") == 0);
	TC_REQUIRE(portal_wait_current_post(tc, 2, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Edit post #2", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, REPLY, TC_WAIT_MS));
	/* To the end of the text wherever the cursor starts: Down a few times, then ^E. */
	for (int i = 0; i < 8; i++)
		TC_REQUIRE(tc_send(tc, TC_KEY_DOWN) == 0);
	TC_REQUIRE(tc_send(tc, BT_CTRL_E " " EDITMARK) == 0);
	TC_REQUIRE(tc_wait_text(tc, EDITMARK, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "(edited)", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, EDITMARK, TC_WAIT_MS));
	hr = portal_post_row(sc, 2);
	tc_row(tc, hr, buf, sizeof buf);
	tc_note("header after the edit: %s", buf);
	TC_CHECK(hr > 0 && strstr(buf, "(edited)") != NULL);
	hr = portal_post_row(sc, 1);   /* may be above the screen's top */
	tc_row(tc, hr, buf, sizeof buf);
	TC_CHECK(hr < 0 || strstr(buf, "(edited)") == NULL);
	{
		struct store_post *v = NULL;
		size_t n = bt_posts(st, tid, &v);
		char **bodies = NULL;
		int64_t *times = NULL;
		size_t nv = 0;

		TC_CHECK(n == 2 && v[1].edited != 0 && strstr(v[1].body, EDITMARK) != NULL &&
			strstr(v[1].body, REPLY) != NULL);
		if (n == 2) {
			TC_CHECK(store_post_versions(st, v[1].id, &bodies, &times, &nv) == 0);
			TC_CHECK(nv == 1 && strstr(bodies[0], EDITMARK) == NULL);
			store_post_versions_free(bodies, times, nv);
		}
		store_post_list_free(v, n);
	}

	tc_note("carol: d on her own post, y");
	TC_REQUIRE(portal_wait_current_post(tc, 2, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "d") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Delete this post? (y/n)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(tc_wait_text(tc, "[removed by its author]", TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, EDITMARK, TC_WAIT_MS));
	hr = portal_post_row(sc, 2);
	rt = tc_find(tc, "[removed by its author]", NULL);
	TC_CHECK(hr > 0 && rt == hr + 1);
	{
		struct store_post *v = NULL;
		size_t n = bt_posts(st, tid, &v);

		TC_CHECK(n == 2 && v[1].deleted && !v[0].deleted);
		store_post_list_free(v, n);
	}
	/* Back in the discussion list, the discussion is read (no '*'). */
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, BT_GENERAL, 10));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_CHECK(tc_wait_gone(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_CHECK(portal_list_select(tc, TITLE_LIST, 0));
	TC_CHECK(bt_row_with(tc, TITLE_LIST, buf, sizeof buf, NULL) &&
		strstr(buf, " repl") != NULL);
	TC_CHECK(!portal_thread_unread(sc, TITLE_LIST));
	tc_note("discussion row for carol: %s", buf);
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	int64_t alice, carol;

	tc_fixture_standard(&fx, &u, 110);
	bt_user_add(&fx, "carol", "Carol Jones", "Hotline Network", "Civil society");
	st = bt_store_open(&fx);
	alice = bt_user_id(st, "alice");
	carol = bt_user_id(st, "carol");
	alice_creates(&fx, st, alice);
	carol_replies(&fx, st, alice, carol);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
