/*
 * e2e-challenge-merge: a moderator merges duplicates and the counts stay right. A (by xavi)
 * is endorsed by ines and jon, B (by yuki) by jon and kim. The moderator selects B, presses
 * M, answers the prompt with A's number: "Merged."; A shows "3 endorsements" (jon counts
 * once), B is no longer listed, A's detail credits both authors (by xavi, with yuki). A
 * member sees the same list, with "+" on A for jon. The store agrees, and the moderation
 * record has the merge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define A_T "Age checks leak personal data"
#define A_L "Age checks leak"
#define B_T "Age verification exposes users"
#define B_L "Age verification"

static void moderator_merges(struct tc_fixture *fx, struct store *st, int64_t a, int64_t b,
	int64_t mona)
{
	struct tc *tc = bt_login(fx, "mona", 100, 36);
	struct store_challenge c = { 0 };
	struct store_modlog *log = NULL;
	char prompt[64], num[32], buf[1024];
	size_t nlog = 0;
	int r;

	TC_REQUIRE(ch_open(tc));
	TC_CHECK(ch_wait_row(tc, A_L, 2, false, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, B_L, 2, false, TC_WAIT_MS));
	tc_note("mona: select B, M, type A's number");
	TC_REQUIRE(ch_select(tc, B_L));
	TC_REQUIRE(tc_send(tc, "M") == 0);
	snprintf(prompt, sizeof prompt, "Merge challenge #%lld", (long long)b);
	TC_CHECK(tc_wait_text(tc, prompt, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, "Type the number", TC_WAIT_MS));
	snprintf(num, sizeof num, "%lld", (long long)a);
	TC_REQUIRE(tc_send(tc, num) == 0);
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_CHECK(portal_wait_message(tc, CH_MERGED, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, A_L, 3, false, TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, B_L, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "1 challenge", NULL) > 0);

	/* The store: B merged into A, A counts ines, jon, kim once each, yuki credited. */
	ch_get(st, mona, a, &c);
	TC_CHECK(c.endorsements == 3);
	TC_CHECK(c.credits && strstr(c.credits, "yuki") != NULL);
	tc_note("store: A has %lld endorsements, credits \"%s\"", (long long)c.endorsements,
		c.credits ? c.credits : "(null)");
	store_challenge_finish(&c);
	ch_get(st, mona, b, &c);
	TC_CHECK(c.merged_into == a);
	store_challenge_finish(&c);
	TC_CHECK(store_modlog_list(st, 0, 100, &log, &nlog) == 0);
	TC_CHECK(nlog == 1 && strcmp(log[0].action, "merged") == 0);
	store_modlog_list_free(log, nlog);

	tc_note("mona: Enter on A: both authors credited");
	TC_REQUIRE(ch_open_detail(tc, A_T, a));
	TC_CHECK(tc_wait_text(tc, "by Xavi Ruiz (xavi)", TC_WAIT_MS));
	r = tc_find(tc, "yuki", NULL);
	TC_CHECK(r > 0);
	tc_row(tc, r, buf, sizeof buf);
	tc_note("credit line: %s", buf);
	TC_CHECK(strstr(buf, "with") != NULL);
	TC_CHECK(tc_find(tc, "3 endorsements", NULL) > 0);
	TC_CHECK(ch_section_lines(tc_screen(tc), "Endorsed by sector:", "Endorsed by region:") >= 1);
	TC_CHECK(ch_section_has(tc_screen(tc), "Endorsed by sector:", "Endorsed by region:",
		"Government", 2) == 1);
	TC_CHECK(ch_section_has(tc_screen(tc), "Endorsed by sector:", "Endorsed by region:",
		"Industry", 1) == 1);
	tc_close(tc);
}

static void member_sees(struct tc_fixture *fx)
{
	struct tc *tc = bt_login(fx, "jon", 100, 32);

	TC_REQUIRE(ch_open(tc));
	TC_CHECK(ch_wait_row(tc, A_L, 3, true, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, B_L, NULL) < 0);
	tc_note("jon: e takes his endorsement of A back: 2 left (ines, kim)");
	TC_REQUIRE(ch_select(tc, A_L));
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_CHECK(portal_wait_message(tc, CH_TAKEN_BACK, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, A_L, 2, false, TC_WAIT_MS));
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct store_challenge *v = NULL;
	int64_t q, a, b, xavi, yuki, ines, jon, kim, mona;
	size_t n;

	tc_fixture_standard(&fx, &u, 100);
	ch_user_add(&fx, "xavi", "Xavi Ruiz", "member", "Industry", "Europe");
	ch_user_add(&fx, "yuki", "Yuki Tanaka", "member", "Industry", "Asia");
	ch_user_add(&fx, "ines", "Ines Silva", "member", "Government", "Europe");
	ch_user_add(&fx, "jon", "Jon Berg", "member", "Government", "Europe");
	ch_user_add(&fx, "kim", "Kim Lee", "member", "Industry", "Asia");
	ch_user_add(&fx, "mona", "Mona Aziz", "moderator", "Civil society", "Africa");
	st = bt_store_open(&fx);
	q = ch_question_id(st);
	xavi = bt_user_id(st, "xavi");
	yuki = bt_user_id(st, "yuki");
	ines = bt_user_id(st, "ines");
	jon = bt_user_id(st, "jon");
	kim = bt_user_id(st, "kim");
	mona = bt_user_id(st, "mona");
	a = ch_submit(st, q, xavi, A_T, "Each site asks for an ID and keeps it.",
		CH_AREA_BIT(CH_TECHNOLOGY));
	b = ch_submit(st, q, yuki, B_T, "Verification vendors store documents.",
		CH_AREA_BIT(CH_TECHNOLOGY) | CH_AREA_BIT(CH_NATIONAL));
	ch_endorse(st, a, ines);
	ch_endorse(st, a, jon);
	ch_endorse(st, b, jon);
	ch_endorse(st, b, kim);

	moderator_merges(&fx, st, a, b, mona);
	member_sees(&fx);
	/* After jon's take-back: A has ines and kim (kim came from B). */
	n = ch_list(st, jon, q, STORE_CH_BY_ENDORSEMENTS, &v, NULL);
	TC_CHECK(n == 1 && v[0].id == a && v[0].endorsements == 2 && !v[0].endorsed_by_viewer);
	store_challenge_list_free(v, n);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
