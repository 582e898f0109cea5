/*
 * e2e-challenge-submit: answering and endorsing the challenge question over SSH.
 * hana and omar each submit a challenge (a, title, Tab, body, ^X, the area chooser: Enter
 * with no area gives "Choose at least one focus area"; Space, Enter); both are listed with
 * "0 endorsements" and the main menu counts them. omar endorses hana's (e: "Endorsed.",
 * "1 endorsement", "+"); "ee" in one write toggles twice (from endorsed and from not
 * endorsed) and the count never reaches 2; hana's e on her own gives the message. The detail
 * screen shows the endorsers as counts by sector and region (never names), matching the
 * users' profiles and store_challenge_endorsers. Every step is checked in the store too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define T1 "Hash lists are not shared across borders"
#define T1_BODY_1 "Each hotline keeps its own list of known images."
#define T1_BODY_2 "Platforms in other countries never see them."
#define T2 "Reporting laws differ by country"
#define T2_BODY "A platform must follow many reporting rules at once."
#define QUESTION_START "What is stopping us making faster progress"

static bool order_is(const struct tc_screen *sc, void *arg)
{
	return tc_screen_find(sc, arg, NULL) >= 0;
}

/* Presses o and waits for the other order in the heading line and the message cleared. */
static bool toggle_order(struct tc *tc, const char *msg_to_clear)
{
	const char *next = tc_find(tc, CH_SORT_NEWEST, NULL) >= 0 ? CH_SORT_ENDORSED :
		CH_SORT_NEWEST;
	int rows;
	char buf[512];

	if (tc_send(tc, "o") != 0 ||
	    !tc_wait_pred(tc, order_is, (void *)next, next, TC_WAIT_MS))
		return false;
	tc_wait_quiet(tc, 50, 1000);
	tc_screen_size(tc_screen(tc), NULL, &rows);
	tc_row(tc, rows - 2, buf, sizeof buf);
	if (msg_to_clear && strstr(buf, msg_to_clear)) {
		fprintf(stderr, "message \"%s\" still shown after the next key (o)\n", msg_to_clear);
		return false;
	}
	return true;
}

struct toggle_watch {
	const char *text;
	const char *msg;
	long count;
	bool plus;
	long max_seen;
};

/* The message and the row's final state; records the highest count seen on the way. */
static bool toggled(const struct tc_screen *sc, void *arg)
{
	struct toggle_watch *w = arg;
	char buf[512];
	long count;
	bool plus;
	int rows;

	if (ch_row(sc, w->text, &count, &plus) < 0)
		return false;
	if (count > w->max_seen)
		w->max_seen = count;
	tc_screen_size(sc, NULL, &rows);
	tc_screen_row(sc, rows - 2, buf, sizeof buf);
	return strstr(buf, w->msg) != NULL && count == w->count && plus == w->plus;
}

static void expect_endorsement(struct store *st, int64_t id, int64_t viewer, long count,
	bool endorsed)
{
	struct store_challenge c = { 0 };

	ch_get(st, viewer, id, &c);
	if (!TC_CHECK(c.endorsements == count && c.endorsed_by_viewer == endorsed))
		tc_note("store: challenge %lld has %lld endorsements, endorsed by viewer %d; "
			"expected %ld, %d", (long long)id, (long long)c.endorsements,
			c.endorsed_by_viewer, count, endorsed);
	store_challenge_finish(&c);
}

static bool menu_summary(struct tc *tc, const char *want)
{
	char buf[1024];

	if (!TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS)))
		return false;
	if (!bt_row_with(tc, CH_MENU_ITEM, buf, sizeof buf, NULL)) {
		tc_screen_print(tc_screen(tc), "no challenge item on the menu");
		return false;
	}
	tc_note("menu row: %s", buf);
	return strstr(buf, want) != NULL;
}

static int64_t hana_submits(struct tc_fixture *fx, struct store *st, int64_t q, int64_t hana,
	const int64_t areas[CH_N_AREAS])
{
	struct tc *tc = bt_login(fx, "hana", 100, 32);
	struct tc_screen *sc = tc_screen(tc);
	struct store_challenge *v = NULL;
	struct store_draft d = { 0 };
	char buf[1024];
	int64_t id = 0;
	size_t n;
	int rows;

	TC_CHECK(menu_summary(tc, "0 challenges, 0 members answered"));
	tc_note("hana: 5 -> the challenge screen");
	TC_REQUIRE(ch_open(tc));
	TC_CHECK(portal_top_line(sc, "hana (member)"));
	TC_CHECK(tc_find(tc, QUESTION_START, NULL) > 0);
	TC_CHECK(tc_find(tc, "0 challenges from 0 members", NULL) > 0);
	TC_CHECK(tc_find(tc, CH_SORT_ENDORSED, NULL) > 0 || tc_find(tc, CH_SORT_NEWEST, NULL) > 0);
	TC_CHECK(tc_find(tc, "Area: all", NULL) > 0);
	TC_CHECK(portal_wait_bottom(tc, "a answer", TC_WAIT_MS));
	{
		/* The state line: "Open" (the seed has no closing date). */
		bool open_line = false;

		tc_screen_size(sc, NULL, &rows);
		for (int r = 1; r < rows - 1; r++) {
			const char *p = tc_row(tc, r, buf, sizeof buf);

			while (*p == ' ')
				p++;
			open_line |= strcmp(p, "Open") == 0 || strncmp(p, "Open  ", 6) == 0;
		}
		if (!TC_CHECK(open_line))
			tc_screen_print(sc, "no line \"Open\"");
	}

	tc_note("hana: a, title, Tab, two lines, ^X");
	TC_REQUIRE(tc_send(tc, "a") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, PORTAL_EDITOR_HINT, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, "Title:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, T1) == 0);
	TC_REQUIRE(tc_wait_text(tc, T1, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_TAB T1_BODY_1 "\r" T1_BODY_2) == 0);
	TC_REQUIRE(tc_wait_text(tc, T1_BODY_2, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(tc_wait_text(tc, CH_AREAS, TC_WAIT_MS));

	tc_note("hana: no area, Enter -> \"%s\"", CH_NO_AREA);
	TC_REQUIRE(ch_choose_areas(tc, 0));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_CHECK(portal_wait_message(tc, CH_NO_AREA, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, CH_AREAS, NULL) >= 0);
	TC_CHECK(ch_list(st, hana, q, STORE_CH_NEWEST, &v, NULL) == 0);
	store_challenge_list_free(v, 0);
	v = NULL;

	tc_note("hana: Global and Technology, Enter");
	TC_REQUIRE(ch_choose_areas(tc, CH_AREA_BIT(CH_GLOBAL) | CH_AREA_BIT(CH_TECHNOLOGY)));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_CHECK(portal_wait_message(tc, CH_SUBMITTED, TC_WAIT_MS));
	TC_REQUIRE(ch_wait_screen(tc));
	TC_REQUIRE(tc_wait_text(tc, "Hash lists are not", TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, "Hash lists are not", 0, false, TC_WAIT_MS));
	TC_CHECK(bt_row_with(tc, "Hash lists are not", buf, sizeof buf, NULL));
	tc_note("hana's row: %s", buf);
	TC_CHECK(strstr(buf, "0 endorsements") != NULL);
	TC_CHECK(strstr(buf, "[Global, Technology]") != NULL);
	TC_CHECK(tc_find(tc, "1 challenge", NULL) > 0);

	/* In the store: one challenge, as typed, with both areas; the draft is gone. */
	n = ch_list(st, hana, q, STORE_CH_NEWEST, &v, NULL);
	TC_CHECK(n == 1);
	if (n >= 1) {
		id = v[0].id;
		TC_CHECK(strcmp(v[0].title, T1) == 0);
		TC_CHECK(strcmp(v[0].body, T1_BODY_1 "\n" T1_BODY_2) == 0);
		TC_CHECK(v[0].author_id == hana);
		TC_CHECK(v[0].endorsements == 0);
		TC_CHECK(v[0].nareas == 2);
		for (size_t i = 0; i < v[0].nareas; i++)
			TC_CHECK(v[0].areas[i] == areas[CH_GLOBAL] ||
				v[0].areas[i] == areas[CH_TECHNOLOGY]);
		tc_note("stored: #%lld \"%s\" / \"%s\"", (long long)id, v[0].title, v[0].body);
	}
	store_challenge_list_free(v, n);
	TC_CHECK(store_draft_latest(st, hana, &d) == BBS_ERR_NOTFOUND);
	store_draft_finish(&d);
	TC_REQUIRE(id > 0);

	tc_note("hana: e on her own challenge");
	TC_REQUIRE(ch_select(tc, "Hash lists are not"));
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_CHECK(portal_wait_message(tc, CH_OWN, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, "Hash lists are not", 0, false, TC_WAIT_MS));
	expect_endorsement(st, id, hana, 0, false);

	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(menu_summary(tc, "1 challenge"));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	return id;
}

static void omar_endorses(struct tc_fixture *fx, struct store *st, int64_t q, int64_t id1,
	int64_t omar)
{
	struct tc *tc = bt_login(fx, "omar", 100, 32);
	struct toggle_watch w;
	struct store_challenge *v = NULL;
	size_t n;

	TC_REQUIRE(ch_open(tc));
	tc_note("omar: submits a challenge in National response");
	TC_REQUIRE(ch_submit_ui(tc, T2, T2_BODY, CH_AREA_BIT(CH_NATIONAL)));
	TC_CHECK(ch_wait_row(tc, "Hash lists are not", 0, false, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, "Reporting laws", 0, false, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "2 challenges from 2 members", NULL) > 0);
	n = ch_list(st, omar, q, STORE_CH_NEWEST, &v, NULL);
	TC_CHECK(n == 2 && strcmp(v[0].title, T2) == 0 && v[0].author_id == omar &&
		v[0].nareas == 1);
	store_challenge_list_free(v, n);

	tc_note("omar: o, then e on hana's challenge");
	TC_REQUIRE(toggle_order(tc, NULL));
	TC_REQUIRE(ch_select(tc, "Hash lists are not"));
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_CHECK(portal_wait_message(tc, CH_ENDORSED, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, "Hash lists are not", 1, true, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, "Reporting laws", 0, false, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "1 endorsement", NULL) > 0 && tc_find(tc, "1 endorsements", NULL) < 0);
	expect_endorsement(st, id1, omar, 1, true);

	tc_note("omar: o (clears the message), \"ee\" in one write from endorsed");
	TC_REQUIRE(toggle_order(tc, CH_ENDORSED));
	TC_REQUIRE(ch_select(tc, "Hash lists are not"));
	w = (struct toggle_watch){ "Hash lists are not", CH_ENDORSED, 1, true, 0 };
	TC_REQUIRE(tc_send(tc, "ee") == 0);
	TC_CHECK(tc_wait_pred(tc, toggled, &w, "\"ee\" from endorsed: Endorsed., 1, +",
		TC_WAIT_MS));
	tc_wait_quiet(tc, 200, 2000);
	TC_CHECK(toggled(tc_screen(tc), &w));
	if (!TC_CHECK(w.max_seen <= 1))
		tc_note("the count reached %ld during \"ee\"", w.max_seen);
	expect_endorsement(st, id1, omar, 1, true);

	tc_note("omar: e takes it back");
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_CHECK(portal_wait_message(tc, CH_TAKEN_BACK, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, "Hash lists are not", 0, false, TC_WAIT_MS));
	expect_endorsement(st, id1, omar, 0, false);

	tc_note("omar: o, \"ee\" in one write from not endorsed");
	TC_REQUIRE(toggle_order(tc, CH_TAKEN_BACK));
	TC_REQUIRE(ch_select(tc, "Hash lists are not"));
	w = (struct toggle_watch){ "Hash lists are not", CH_TAKEN_BACK, 0, false, 0 };
	TC_REQUIRE(tc_send(tc, "ee") == 0);
	TC_CHECK(tc_wait_pred(tc, toggled, &w, "\"ee\" from not endorsed: taken back, 0, no +",
		TC_WAIT_MS));
	tc_wait_quiet(tc, 200, 2000);
	TC_CHECK(toggled(tc_screen(tc), &w));
	if (!TC_CHECK(w.max_seen <= 1))
		tc_note("the count reached %ld during \"ee\"", w.max_seen);
	expect_endorsement(st, id1, omar, 0, false);

	tc_note("omar: e endorses again");
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_CHECK(portal_wait_message(tc, CH_ENDORSED, TC_WAIT_MS));
	TC_CHECK(ch_wait_row(tc, "Hash lists are not", 1, true, TC_WAIT_MS));
	expect_endorsement(st, id1, omar, 1, true);

	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(menu_summary(tc, "2 challenges, 2 members answered"));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void hana_detail(struct tc_fixture *fx, struct store *st, int64_t id1, int64_t hana)
{
	struct tc *tc = bt_login(fx, "hana", 100, 40);
	struct tc_screen *sc = tc_screen(tc);
	struct store_count *cv = NULL;
	char date[16];
	struct store_challenge c = { 0 };
	size_t cn = 0;
	int rt, r1, r2;

	TC_REQUIRE(ch_open(tc));
	TC_CHECK(ch_wait_row(tc, "Hash lists are not", 2, false, TC_WAIT_MS));
	tc_note("hana: Enter on her challenge");
	TC_REQUIRE(ch_open_detail(tc, T1, id1));
	TC_CHECK(tc_wait_text(tc, "Endorsed by region:", TC_WAIT_MS));
	tc_wait_quiet(tc, 100, 2000);
	TC_CHECK(tc_find(tc, T1, NULL) > 0);
	TC_CHECK(tc_find(tc, "by Hana Sato (hana)", NULL) > 0);
	TC_CHECK(tc_find(tc, "2 endorsements", NULL) > 0);
	TC_CHECK(tc_find(tc, "Global", NULL) > 0 && tc_find(tc, "Technology", NULL) > 0);
	ch_get(st, hana, id1, &c);
	ch_date(c.created, date, sizeof date);
	store_challenge_finish(&c);
	TC_CHECK(tc_find(tc, date, NULL) > 0);
	rt = tc_find(tc, T1, NULL);
	r1 = tc_find(tc, T1_BODY_1, NULL);
	r2 = tc_find(tc, T1_BODY_2, NULL);
	TC_CHECK(rt > 0 && r1 > rt && r2 > r1);
	TC_CHECK(tc_find(tc, "Endorsed by sector:", NULL) > r2);
	TC_CHECK(tc_find(tc, "Endorsed by region:", NULL) > tc_find(tc, "Endorsed by sector:", NULL));

	/* The breakdown: counts only, as the profiles say and as the store says. */
	TC_CHECK(ch_section_has(sc, "Endorsed by sector:", "Endorsed by region:", "Industry", 1) == 1);
	TC_CHECK(ch_section_has(sc, "Endorsed by sector:", "Endorsed by region:",
		"Civil society", 1) == 1);
	TC_CHECK(ch_section_lines(sc, "Endorsed by sector:", "Endorsed by region:") == 2);
	TC_CHECK(ch_section_has(sc, "Endorsed by region:", NULL, "Middle East", 1) == 1);
	TC_CHECK(ch_section_has(sc, "Endorsed by region:", NULL, "Latin America", 1) == 1);
	TC_CHECK(ch_section_lines(sc, "Endorsed by region:", NULL) == 2);
	TC_CHECK(store_challenge_endorsers(st, id1, STORE_BY_SECTOR, &cv, &cn) == 0);
	TC_CHECK(cn == 2);
	for (size_t i = 0; i < cn; i++)
		TC_CHECK(ch_section_has(sc, "Endorsed by sector:", "Endorsed by region:",
			cv[i].label, (long)cv[i].count) == 1);
	store_count_list_free(cv, cn);
	cv = NULL;
	TC_CHECK(store_challenge_endorsers(st, id1, STORE_BY_REGION, &cv, &cn) == 0);
	TC_CHECK(cn == 2);
	for (size_t i = 0; i < cn; i++)
		TC_CHECK(ch_section_has(sc, "Endorsed by region:", NULL, cv[i].label,
			(long)cv[i].count) == 1);
	store_count_list_free(cv, cn);
	/* Never names. */
	TC_CHECK(tc_find(tc, "omar", NULL) < 0 && tc_find(tc, "Omar", NULL) < 0);
	TC_CHECK(tc_find(tc, "lucia", NULL) < 0 && tc_find(tc, "Lucia", NULL) < 0);
	if (!TC_CHECK(portal_hints_last_row(sc)))
		tc_screen_print(sc, "detail");

	tc_note("hana: q back to the challenge screen");
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_CHECK(ch_wait_screen(tc));
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	int64_t q, hana, omar, lucia, id1, areas[CH_N_AREAS];

	tc_fixture_standard(&fx, &u, 100);
	ch_user_add(&fx, "hana", "Hana Sato", "member", "Government", "Asia");
	ch_user_add(&fx, "omar", "Omar Haddad", "member", "Industry", "Middle East");
	ch_user_add(&fx, "lucia", "Lucia Reyes", "member", "Civil society", "Latin America");
	st = bt_store_open(&fx);
	q = ch_question_id(st);
	hana = bt_user_id(st, "hana");
	omar = bt_user_id(st, "omar");
	lucia = bt_user_id(st, "lucia");
	TC_CHECK(ch_profile_is(st, "hana", "Government", "Asia"));
	TC_CHECK(ch_profile_is(st, "omar", "Industry", "Middle East"));
	TC_CHECK(ch_profile_is(st, "lucia", "Civil society", "Latin America"));
	ch_area_ids(st, areas);

	id1 = hana_submits(&fx, st, q, hana, areas);
	omar_endorses(&fx, st, q, id1, omar);
	tc_note("lucia endorses hana's challenge (store API)");
	ch_endorse(st, id1, lucia);
	hana_detail(&fx, st, id1, hana);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
