/*
 * e2e-challenge-named: a challenge's detail names only the endorsers who chose to be named.
 * Four members endorse sofia's challenge: ana and ben chose to be named (their profile's
 * named_endorsements, set through the store as the profile screen would), cleo and dan did
 * not. The detail shows "Named endorsers: Ana Lopez (ana), Ben Okafor (ben) (and 2 others)",
 * and neither cleo's nor dan's name or handle anywhere on the page.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define TITLE "Reports arrive without hashes"

static void set_named(struct store *st, const char *handle, bool named)
{
	struct store_user *u = NULL;
	TC_REQUIRE(store_user_get(st, handle, &u) == 0);
	struct store_profile p = {
		.display_name = u->display_name, .organisation = u->organisation,
		.sector = u->sector, .country = u->country, .bio = u->bio,
		.in_directory = u->in_directory, .named_endorsements = named,
	};
	TC_REQUIRE(store_user_set_profile(st, u->id, &p) == 0);
	store_user_free(u);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;

	tc_fixture_standard(&fx, &u, 110);
	ch_user_add(&fx, "sofia", "Sofia Reyes", "member", "Civil society", "Latin America");
	ch_user_add(&fx, "ana", "Ana Lopez", "member", "Government", "Europe");
	ch_user_add(&fx, "ben", "Ben Okafor", "member", "Private sector", "Africa");
	ch_user_add(&fx, "cleo", "Cleo Hidden", "member", "Government", "Asia");
	ch_user_add(&fx, "dan", "Dan Quiet", "member", "Other", "Europe");
	st = bt_store_open(&fx);
	set_named(st, "ana", true);
	set_named(st, "ben", true);
	set_named(st, "cleo", false);
	int64_t qid = ch_question_id(st);
	int64_t id = ch_submit(st, qid, bt_user_id(st, "sofia"), TITLE,
		"Hotlines get reports with no hash to match.", CH_AREA_BIT(CH_GLOBAL));
	ch_endorse(st, id, bt_user_id(st, "ana"));
	ch_endorse(st, id, bt_user_id(st, "ben"));
	ch_endorse(st, id, bt_user_id(st, "cleo"));
	ch_endorse(st, id, bt_user_id(st, "dan"));

	tc = bt_login(&fx, "sofia", 100, 30);
	TC_REQUIRE(ch_open(tc));
	TC_REQUIRE(ch_open_detail(tc, TITLE, id));
	TC_CHECK(tc_wait_text(tc, "Named endorsers: Ana Lopez (ana), Ben Okafor (ben) (and 2 others)",
		TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Cleo", NULL) < 0 && tc_find(tc, "cleo", NULL) < 0);
	TC_CHECK(tc_find(tc, "Dan Quiet", NULL) < 0 && tc_find(tc, "(dan)", NULL) < 0);
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
