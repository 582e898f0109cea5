/*
 * e2e-challenge-hide: a moderator hides a challenge with a reason. nora (moderator) selects
 * rui's challenge, H, "Reason for hiding: ", the reason, Enter. Members then see the row
 * "[hidden by a moderator: REASON]" and neither its title nor its body (list and detail);
 * the moderator still sees the title. The moderation record (R, open to every member) lists
 * "YYYY-MM-DD HH:MM  hidden  challenge ID: Title  (REASON)  by a moderator". U unhides it:
 * members see the title again and the record gains the entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define H_T "Buy followers to reach children"
#define H_L "Buy followers"
#define H_BODY "SPAMMARK-3 visit my site for cheap followers."
#define K_T "Hotlines lack analysts at night"
#define K_L "Hotlines lack"
#define REASON "Advertising, not a challenge"

struct hidden_arg {
	struct store *st;
	int64_t viewer, id;
	bool want;
};

static bool stored_hidden(void *arg)
{
	struct hidden_arg *h = arg;
	struct store_challenge c = { 0 };
	bool r = store_challenge_get(h->st, h->viewer, h->id, &c) == 0 && c.hidden == h->want;

	store_challenge_finish(&c);
	return r;
}

static void member_sees_hidden(struct tc_fixture *fx, int64_t id)
{
	struct tc *tc = bt_login(fx, "sam", 140, 32);   /* a record line is long */
	char buf[1024], line[128], detail[64];
	int r;

	TC_REQUIRE(ch_open(tc));
	TC_CHECK(tc_wait_text(tc, CH_HIDDEN_PREFIX REASON "]", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, K_L, TC_WAIT_MS));
	tc_wait_quiet(tc, 100, 2000);
	TC_CHECK(tc_find(tc, H_L, NULL) < 0);
	TC_CHECK(tc_find(tc, "SPAMMARK", NULL) < 0);
	if (bt_row_with(tc, CH_HIDDEN_PREFIX, buf, sizeof buf, NULL))
		tc_note("sam's row: %s", buf);

	tc_note("sam: Enter on the hidden row: neither title nor body");
	snprintf(detail, sizeof detail, "Challenge #%lld", (long long)id);
	TC_REQUIRE(ch_select(tc, CH_HIDDEN_PREFIX));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	tc_wait_quiet(tc, 300, 3000);
	TC_CHECK(tc_find(tc, H_L, NULL) < 0 && tc_find(tc, "SPAMMARK", NULL) < 0);
	if (tc_find(tc, detail, NULL) >= 0)
		TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(ch_wait_screen(tc));

	tc_note("sam: R, the moderation record");
	TC_REQUIRE(tc_send(tc, "R") == 0);
	TC_REQUIRE(portal_wait_heading(tc, CH_MODLOG, TC_WAIT_MS));
	snprintf(line, sizeof line, "hidden  challenge %lld: " H_T, (long long)id);
	TC_CHECK(tc_wait_text(tc, line, TC_WAIT_MS));
	if (!TC_CHECK(bt_row_with(tc, line, buf, sizeof buf, &r)))
		tc_screen_print(tc_screen(tc), "moderation record");
	tc_note("record: %s", buf);
	TC_CHECK(bt_has_datetime(buf));
	TC_CHECK(strstr(buf, "(" REASON ")") != NULL);
	TC_CHECK(strstr(buf, "by a moderator") != NULL);
	TC_CHECK(strstr(buf, "nora") == NULL && strstr(buf, "Nora") == NULL);
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct store_modlog *log = NULL;
	struct store_challenge c = { 0 };
	struct hidden_arg ha;
	char buf[1024];
	size_t nlog = 0;
	int64_t q, rui, sam, nora, id;

	tc_fixture_standard(&fx, &u, 100);
	ch_user_add(&fx, "rui", "Rui Pinto", "member", "Industry", "Europe");
	ch_user_add(&fx, "sam", "Sam Reed", "member", "Civil society", "Oceania");
	ch_user_add(&fx, "nora", "Nora Berg", "moderator", "Government", "Europe");
	st = bt_store_open(&fx);
	q = ch_question_id(st);
	rui = bt_user_id(st, "rui");
	sam = bt_user_id(st, "sam");
	nora = bt_user_id(st, "nora");
	id = ch_submit(st, q, rui, H_T, H_BODY, CH_AREA_BIT(CH_GLOBAL));
	ch_submit(st, q, sam, K_T, "Reports wait until the morning.", CH_AREA_BIT(CH_NATIONAL));

	tc_note("nora (moderator): select, H, reason, Enter");
	tc = bt_login(&fx, "nora", 100, 32);
	TC_REQUIRE(ch_open(tc));
	TC_REQUIRE(ch_select(tc, H_L));
	TC_REQUIRE(tc_send(tc, "H") == 0);
	TC_REQUIRE(tc_wait_text(tc, CH_REASON_PROMPT, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, REASON) == 0);
	TC_REQUIRE(tc_wait_text(tc, REASON, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	ha = (struct hidden_arg){ st, nora, id, true };
	TC_CHECK(ch_wait_cond(tc, stored_hidden, &ha, "the challenge hidden in the store",
		TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, CH_REASON_PROMPT, TC_WAIT_MS));
	tc_wait_quiet(tc, 200, 2000);
	TC_CHECK(tc_find(tc, H_L, NULL) > 0);   /* the moderator sees the title */
	if (bt_row_with(tc, H_L, buf, sizeof buf, NULL))
		tc_note("nora's row: %s", buf);

	ch_get(st, nora, id, &c);
	TC_CHECK(c.hidden && strcmp(c.hidden_reason, REASON) == 0 && strcmp(c.title, H_T) == 0);
	store_challenge_finish(&c);
	ch_get(st, sam, id, &c);
	TC_CHECK(c.hidden && (c.title == NULL || strstr(c.title, "Buy") == NULL) &&
		(c.body == NULL || strstr(c.body, "SPAMMARK") == NULL));
	store_challenge_finish(&c);
	TC_CHECK(store_modlog_list(st, 0, 100, &log, &nlog) == 0);
	TC_CHECK(nlog == 1 && strcmp(log[0].action, "hidden") == 0 &&
		strcmp(log[0].reason, REASON) == 0 && strstr(log[0].target, H_T) != NULL &&
		strcmp(log[0].by_role, "moderator") == 0);
	store_modlog_list_free(log, nlog);

	member_sees_hidden(&fx, id);

	tc_note("nora: U unhides it");
	TC_REQUIRE(ch_select(tc, H_L));
	TC_REQUIRE(tc_send(tc, "U") == 0);
	ha.want = false;
	TC_CHECK(ch_wait_cond(tc, stored_hidden, &ha, "the challenge shown again in the store",
		TC_WAIT_MS));
	tc_close(tc);
	tc = bt_login(&fx, "sam", 100, 32);
	TC_REQUIRE(ch_open(tc));
	TC_CHECK(tc_wait_text(tc, H_L, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, CH_HIDDEN_PREFIX, NULL) < 0);
	TC_REQUIRE(tc_send(tc, "R") == 0);
	TC_REQUIRE(portal_wait_heading(tc, CH_MODLOG, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "unhidden", TC_WAIT_MS));
	/* Newest first: "unhidden" above "hidden". */
	{
		int ru = tc_find(tc, "unhidden", NULL), rh = -1, rows;

		tc_screen_size(tc_screen(tc), NULL, &rows);
		for (int r = 1; r < rows - 1 && rh < 0; r++)
			if (tc_screen_find_in_row(tc_screen(tc), r, "  hidden  ") >= 0)
				rh = r;
		TC_CHECK(ru > 0 && rh > ru);
	}
	tc_close(tc);
	TC_CHECK(ch_modlog_count(st) == 2);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
