/*
 * e2e-challenge-own: the list's filters and a member's own challenge. f cycles the focus
 * area ("Area: Global response" ... "Area: all") and the list follows; m shows only the
 * member's own ("Showing: mine") and back. In the detail of her own challenge zoe edits it
 * (e, the editor with her text, ^X, the area chooser with her areas ticked, Enter) and the
 * store has the new text; w asks "Withdraw this challenge? (y/n)": n keeps it, y withdraws
 * it and the list no longer shows it. In someone else's detail e endorses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define Z_T "Referral pathways are unclear"
#define Z_L "Referral pathways"
#define Z_BODY "Nobody knows where to send a report."
#define W_T "Classifiers miss new material"
#define W_L "Classifiers miss"
#define EDITMARK "EDITMARK-9 in three countries"

struct shown {
	bool z, w;
};

static bool list_is(const struct tc_screen *sc, void *arg)
{
	const struct shown *s = arg;

	return (tc_screen_find(sc, Z_L, NULL) >= 0) == s->z &&
		(tc_screen_find(sc, W_L, NULL) >= 0) == s->w;
}

/* Presses key, waits for label and for the list to show exactly what s says. */
static void filter_step(struct tc *tc, const char *key, const char *label, bool z, bool w)
{
	struct shown s = { z, w };
	char what[256];

	snprintf(what, sizeof what, "%s: %s%s", label, z ? "zoe's " : "", w ? "wen's" : "");
	tc_note("zoe: %s -> %s", key, what);
	TC_REQUIRE(tc_send(tc, key) == 0);
	TC_CHECK(tc_wait_text(tc, label, TC_WAIT_MS));
	TC_CHECK(tc_wait_pred(tc, list_is, &s, what, TC_WAIT_MS));
}

struct edited_arg {
	struct store *st;
	int64_t viewer, id;
};

static bool stored_edit(void *arg)
{
	struct edited_arg *e = arg;
	struct store_challenge c = { 0 };
	bool r = store_challenge_get(e->st, e->viewer, e->id, &c) == 0 && c.edited != 0 &&
		c.body && strstr(c.body, EDITMARK) != NULL;

	store_challenge_finish(&c);
	return r;
}

static bool stored_withdrawn(void *arg)
{
	struct edited_arg *e = arg;
	struct store_challenge c = { 0 };
	int rc = store_challenge_get(e->st, e->viewer, e->id, &c);
	bool r = rc == 0 && c.withdrawn;

	store_challenge_finish(&c);
	return r;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct store_challenge c = { 0 };
	struct edited_arg ea;
	char heading[64];
	int64_t q, zoe, wen, z, w;

	tc_fixture_standard(&fx, &u, 100);
	ch_user_add(&fx, "zoe", "Zoe Adams", "member", "Civil society", "Europe");
	ch_user_add(&fx, "wen", "Wen Li", "member", "Industry", "Asia");
	st = bt_store_open(&fx);
	q = ch_question_id(st);
	zoe = bt_user_id(st, "zoe");
	wen = bt_user_id(st, "wen");
	z = ch_submit(st, q, zoe, Z_T, Z_BODY, CH_AREA_BIT(CH_GLOBAL));
	w = ch_submit(st, q, wen, W_T, "New images are not in any hash list.",
		CH_AREA_BIT(CH_TECHNOLOGY));

	tc = bt_login(&fx, "zoe", 100, 32);
	TC_REQUIRE(ch_open(tc));
	TC_REQUIRE(tc_wait_text(tc, Z_L, TC_WAIT_MS) && tc_wait_text(tc, W_L, TC_WAIT_MS));
	filter_step(tc, "f", "Area: Global response", true, false);
	filter_step(tc, "f", "Area: National response", false, false);
	filter_step(tc, "f", "Area: Technology solutions", false, true);
	filter_step(tc, "f", "Area: all", true, true);
	filter_step(tc, "m", "Showing: mine", true, false);
	TC_REQUIRE(tc_send(tc, "m") == 0);
	TC_CHECK(tc_wait_gone(tc, "Showing: mine", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, W_L, TC_WAIT_MS));

	tc_note("zoe: Enter on wen's, e endorses it");
	TC_REQUIRE(ch_open_detail(tc, W_T, w));
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_CHECK(portal_wait_message(tc, CH_ENDORSED, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "1 endorsement", TC_WAIT_MS));
	ch_get(st, zoe, w, &c);
	TC_CHECK(c.endorsements == 1 && c.endorsed_by_viewer);
	store_challenge_finish(&c);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(ch_wait_screen(tc));
	TC_CHECK(ch_wait_row(tc, W_L, 1, true, TC_WAIT_MS));

	tc_note("zoe: Enter on her own, e, add a line, ^X, Enter");
	TC_REQUIRE(ch_open_detail(tc, Z_T, z));
	TC_REQUIRE(tc_send(tc, "e") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, PORTAL_EDITOR_HINT, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, Z_BODY, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, Z_T, NULL) > 0);
	/* To the end of the text wherever the cursor starts: Down a few times, then ^E. */
	for (int i = 0; i < 6; i++)
		TC_REQUIRE(tc_send(tc, TC_KEY_DOWN) == 0);
	TC_REQUIRE(tc_send(tc, BT_CTRL_E " " EDITMARK) == 0);
	TC_REQUIRE(tc_wait_text(tc, EDITMARK, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(tc_wait_text(tc, CH_AREAS, TC_WAIT_MS));
	tc_wait_quiet(tc, 100, 2000);
	TC_CHECK(ch_choose_areas(tc, CH_AREA_BIT(CH_GLOBAL) | CH_AREA_BIT(CH_NATIONAL)));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	ea = (struct edited_arg){ st, zoe, z };
	TC_CHECK(ch_wait_cond(tc, stored_edit, &ea, "the edit in the store", TC_WAIT_MS));
	snprintf(heading, sizeof heading, "Challenge #%lld", (long long)z);
	TC_CHECK(tc_wait_text(tc, EDITMARK, TC_WAIT_MS));
	ch_get(st, zoe, z, &c);
	TC_CHECK(c.nareas == 2 && strcmp(c.title, Z_T) == 0);
	store_challenge_finish(&c);
	if (tc_find(tc, heading, NULL) < 0) {
		/* Back on the list after the edit: open the detail again. */
		TC_REQUIRE(ch_wait_screen(tc));
		TC_REQUIRE(ch_open_detail(tc, Z_T, z));
	}

	tc_note("zoe: w, n keeps it; w, y withdraws it");
	TC_REQUIRE(portal_wait_heading(tc, heading, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "w") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Withdraw this challenge? (y/n)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_CHECK(tc_wait_gone(tc, "Withdraw this challenge? (y/n)", TC_WAIT_MS));
	tc_wait_quiet(tc, 200, 2000);
	TC_CHECK(!stored_withdrawn(&ea));
	TC_REQUIRE(tc_send(tc, "w") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Withdraw this challenge? (y/n)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(ch_wait_cond(tc, stored_withdrawn, &ea, "the withdrawal in the store",
		TC_WAIT_MS));
	TC_CHECK(bt_back_to_menu(tc));
	TC_REQUIRE(ch_open(tc));
	TC_CHECK(tc_wait_text(tc, W_L, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, Z_L, NULL) < 0);
	tc_close(tc);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
