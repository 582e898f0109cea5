/*
 * e2e-challenge-reveal: answer-before-reveal. A member's attempt to turn it on through the
 * store is refused; the moderator turns it on in the settings screen (Q, "Answers visible
 * before answering: yes" -> Space -> "no", "Save changes"; a bad date on the way gives
 * "Dates are YYYY-MM-DD" and stores nothing). ben, who has not answered, sees only the notice
 * "Other members' answers are shown after you submit your own." and none of the others'
 * titles (nor their counts); after he submits his own through the UI, everyone's are shown.
 * The moderator sees every challenge without answering, and the settings screen (Q) shows
 * "Answers visible before answering: no".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define ANA_T "Offender networks move faster than law"
#define ANA_L "Offender networks"
#define ANA2_T "Nobody funds victim identification"
#define ANA2_L "Nobody funds victim"
#define BEN_T "Detection tools are too expensive"
#define BEN_L "Detection tools are"

static void ben_answers(struct tc_fixture *fx, struct store *st, int64_t q, int64_t ben)
{
	struct tc *tc = bt_login(fx, "ben", 100, 32);
	struct store_challenge *v = NULL;
	bool pending = false;
	size_t n;

	n = ch_list(st, ben, q, STORE_CH_BY_ENDORSEMENTS, &v, &pending);
	TC_CHECK(pending && n == 0);
	store_challenge_list_free(v, n);

	tc_note("ben (not answered yet): 5");
	TC_REQUIRE(ch_open(tc));
	TC_CHECK(tc_wait_text(tc, CH_REVEAL, TC_WAIT_MS));
	tc_wait_quiet(tc, 100, 2000);
	TC_CHECK(tc_find(tc, ANA_L, NULL) < 0);
	TC_CHECK(tc_find(tc, ANA2_L, NULL) < 0);
	TC_CHECK(tc_find(tc, "endorsement", NULL) < 0);   /* no rows of others */
	TC_CHECK(tc_find(tc, CH_HIDDEN_PREFIX, NULL) < 0);
	/* Enter on an empty list opens nothing of the others'. */
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	tc_wait_quiet(tc, 200, 2000);
	TC_CHECK(tc_find(tc, ANA_L, NULL) < 0 && tc_find(tc, "Challenge #", NULL) < 0);
	if (tc_find(tc, CH_HEADING, NULL) < 0)
		TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(ch_wait_screen(tc));

	tc_note("ben: submits his own");
	TC_REQUIRE(ch_submit_ui(tc, BEN_T, "They cost more than a small platform earns.",
		CH_AREA_BIT(CH_TECHNOLOGY)));
	TC_CHECK(tc_wait_gone(tc, CH_REVEAL, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, ANA_L, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, ANA2_L, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, ANA_L, 0, false, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, BEN_L, 0, false, TC_WAIT_MS));
	n = ch_list(st, ben, q, STORE_CH_BY_ENDORSEMENTS, &v, &pending);
	TC_CHECK(!pending && n == 3);
	store_challenge_list_free(v, n);

	/* Reopened later, everything is still shown. */
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(ch_open(tc));
	TC_CHECK(tc_wait_text(tc, ANA_L, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, CH_REVEAL, NULL) < 0);
	tc_close(tc);
}

static void moderator_sees_all(struct tc_fixture *fx)
{
	struct tc *tc = bt_login(fx, "maria", 100, 32);

	tc_note("maria (moderator, not answered): 5");
	TC_REQUIRE(ch_open(tc));
	TC_CHECK(tc_wait_text(tc, ANA_L, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, ANA2_L, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, CH_REVEAL, NULL) < 0);
	tc_note("maria: Q -> the settings show answer-before-reveal");
	TC_REQUIRE(tc_send(tc, "Q") == 0);
	TC_CHECK(portal_wait_heading(tc, CH_SETTINGS, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Answers visible before answering: no", TC_WAIT_MS));
	tc_close(tc);
}

struct reveal_arg {
	struct store *st;
	int64_t q;
};

static bool stored_reveal(void *arg)
{
	struct reveal_arg *ra = arg;
	struct store_question qq = { 0 };
	bool on = store_question_get(ra->st, ra->q, &qq) == 0 && qq.reveal_after_answer;

	store_question_finish(&qq);
	return on;
}

/* maria: Q, a bad closing date, then the switch and Save changes. False if any step failed. */
static bool moderator_turns_on(struct tc_fixture *fx, struct store *st, int64_t q)
{
	struct tc *tc = bt_login(fx, "maria", 100, 32);
	struct reveal_arg ra = { st, q };
	struct store_question qq = { 0 };
	bool ok;

	tc_note("maria: Q, Closes: a bad date");
	ok = TC_CHECK(ch_open(tc)) && TC_CHECK(tc_send(tc, "Q") == 0) &&
		TC_CHECK(portal_wait_heading(tc, CH_SETTINGS, TC_WAIT_MS)) &&
		TC_CHECK(tc_wait_text(tc, "Answers visible before answering: yes", TC_WAIT_MS)) &&
		TC_CHECK(portal_list_select(tc, "Closes (YYYY-MM-DD, empty = never):", 6)) &&
		TC_CHECK(tc_send(tc, TC_KEY_ENTER) == 0);
	if (ok) {
		tc_wait_quiet(tc, 200, 2000);
		ok = TC_CHECK(tc_send(tc, "2026-13-45" TC_KEY_ENTER) == 0) &&
			TC_CHECK(portal_wait_message(tc, "Dates are YYYY-MM-DD", TC_WAIT_MS));
	}
	TC_CHECK(store_question_get(st, q, &qq) == 0 && qq.closes == 0);
	store_question_finish(&qq);
	tc_note("maria: Answers visible before answering, Space, Save changes");
	ok = ok && TC_CHECK(portal_list_select(tc, "Answers visible before answering", 6)) &&
		TC_CHECK(tc_send(tc, " ") == 0) &&
		TC_CHECK(tc_wait_text(tc, "Answers visible before answering: no", TC_WAIT_MS)) &&
		TC_CHECK(!stored_reveal(&ra)) &&   /* nothing stored before an action */
		TC_CHECK(portal_list_select(tc, "Save changes", 6)) &&
		TC_CHECK(tc_send(tc, TC_KEY_ENTER) == 0) &&
		TC_CHECK(ch_wait_cond(tc, stored_reveal, &ra, "reveal_after_answer stored",
			TC_WAIT_MS));
	TC_CHECK(ch_question_id(st) == q);   /* Save changes keeps the question */
	tc_close(tc);
	return ok;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	int64_t q, ana, ben, maria;

	tc_fixture_standard(&fx, &u, 100);
	ch_user_add(&fx, "ana", "Ana Costa", "member", "Government", "Europe");
	ch_user_add(&fx, "ben", "Ben Okafor", "member", "Industry", "Africa");
	ch_user_add(&fx, "maria", "Maria Lind", "moderator", "Civil society", "Europe");
	st = bt_store_open(&fx);
	q = ch_question_id(st);
	ana = bt_user_id(st, "ana");
	ben = bt_user_id(st, "ben");
	maria = bt_user_id(st, "maria");
	ch_submit(st, q, ana, ANA_T, "Laws take years; networks adapt in weeks.",
		CH_AREA_BIT(CH_GLOBAL));
	ch_submit(st, q, ana, ANA2_T, "Victim identification teams are small.",
		CH_AREA_BIT(CH_NATIONAL));

	tc_note("a member cannot turn answer-before-reveal on; the moderator can");
	{
		struct store_question qq = { 0 };

		TC_REQUIRE(store_question_get(st, q, &qq) == 0);
		TC_CHECK(store_question_update(st, ben, q, qq.text, qq.intro ? qq.intro : "",
			qq.opens, qq.closes, true) == BBS_ERR_DENIED);
		store_question_finish(&qq);
		TC_REQUIRE(store_question_get(st, q, &qq) == 0);
		TC_CHECK(!qq.reveal_after_answer);
		store_question_finish(&qq);
	}
	if (!moderator_turns_on(&fx, st, q)) {
		tc_note("the settings screen did not turn it on: the store API does, to go on");
		ch_question_set(st, maria, q, 0, 0, true);
	}

	ben_answers(&fx, st, q, ben);
	moderator_sees_all(&fx);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
