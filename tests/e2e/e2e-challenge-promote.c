/*
 * e2e-challenge-promote: a moderator turns a challenge into a discussion. The challenge (by
 * lena, in Technology solutions) is selected and P pressed: "Promoted to a discussion."; the
 * store has a discussion in the area's board (safety-by-design) with the challenge's title
 * and body, by lena, linked both ways. The detail shows "Discussion: <title>"; d opens the
 * discussion, which shows "From challenge #N" under its heading; c goes back to the
 * challenge. The author (a member) follows the same links. The moderation record has it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define TITLE "Encrypted platforms cannot detect grooming"
#define TITLE_L "Encrypted platforms"
#define BODY "Detection breaks once messages are end-to-end encrypted."

/* From the detail: d, the discussion with "From challenge #id", c back to the detail. */
static void follow_links(struct tc *tc, int64_t id)
{
	char from[64], heading[64];
	int rh, rf;

	snprintf(from, sizeof from, "From challenge #%lld", (long long)id);
	snprintf(heading, sizeof heading, "Challenge #%lld", (long long)id);
	TC_CHECK(tc_wait_text(tc, "Discussion: " TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "d") == 0);
	TC_REQUIRE(tc_wait_gone(tc, heading, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, from, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, BODY, TC_WAIT_MS));
	rh = tc_find(tc, TITLE, NULL);
	rf = tc_find(tc, from, NULL);
	TC_CHECK(rh > 0 && rf > rh && rf <= rh + 2);   /* under the heading */
	TC_CHECK(portal_post_row(tc_screen(tc), 1) > rf);
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_CHECK(portal_wait_heading(tc, heading, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Discussion: " TITLE, TC_WAIT_MS));
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct store_challenge c = { 0 };
	struct store_thread t = { 0 };
	struct store_modlog *log = NULL;
	size_t nlog = 0;
	int64_t q, lena, pim, id, board;

	tc_fixture_standard(&fx, &u, 100);
	ch_user_add(&fx, "lena", "Lena Vogel", "member", "Industry", "Europe");
	ch_user_add(&fx, "pim", "Pim de Vries", "moderator", "Government", "Europe");
	st = bt_store_open(&fx);
	q = ch_question_id(st);
	lena = bt_user_id(st, "lena");
	pim = bt_user_id(st, "pim");
	board = bt_board_id(st, "safety-by-design");
	id = ch_submit(st, q, lena, TITLE, BODY, CH_AREA_BIT(CH_TECHNOLOGY));

	tc_note("pim (moderator): select, P");
	tc = bt_login(&fx, "pim", 100, 32);
	TC_REQUIRE(ch_open(tc));
	TC_REQUIRE(ch_select(tc, TITLE_L));
	TC_REQUIRE(tc_send(tc, "P") == 0);
	TC_CHECK(portal_wait_message(tc, CH_PROMOTED, TC_WAIT_MS));

	ch_get(st, pim, id, &c);
	TC_CHECK(c.thread_id > 0);
	if (c.thread_id > 0) {
		TC_CHECK(store_thread_get(st, pim, c.thread_id, &t) == 0);
		TC_CHECK(t.board_id == board);
		TC_CHECK(t.title && strcmp(t.title, TITLE) == 0);
		TC_CHECK(t.author_id == lena);
		TC_CHECK(t.challenge_id == id);
		TC_CHECK(bt_count_posts_with(st, c.thread_id, BODY) == 1);
		store_thread_finish(&t);
	}
	store_challenge_finish(&c);
	TC_CHECK(store_modlog_list(st, 0, 100, &log, &nlog) == 0);
	TC_CHECK(nlog == 1 && strcmp(log[0].action, "promoted") == 0);
	store_modlog_list_free(log, nlog);

	tc_note("pim: Enter, d, c");
	TC_REQUIRE(ch_open_detail(tc, TITLE, id));
	follow_links(tc, id);
	tc_close(tc);

	tc_note("lena (the author, a member): the same links");
	tc = bt_login(&fx, "lena", 100, 32);
	TC_REQUIRE(ch_open(tc));
	TC_REQUIRE(ch_open_detail(tc, TITLE, id));
	follow_links(tc, id);
	/* The discussion is in the board's list too. */
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(bt_open_discussion(tc, "Safety by design", TITLE));
	TC_CHECK(tc_wait_text(tc, "From challenge #", TC_WAIT_MS));
	tc_close(tc);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
