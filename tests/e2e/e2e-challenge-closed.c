/*
 * e2e-challenge-closed: the question's dates (set through the store API as a moderator) as
 * the challenge screen shows them, and a closed question refusing answers. With a closing
 * date ahead: "Open until YYYY-MM-DD". Closed (closes in the past): "Closed on YYYY-MM-DD";
 * a gives "This question is closed: no new answers" and no editor opens, and nothing is
 * stored (the store refuses a submission too). Not open yet: "Opens on YYYY-MM-DD" and a
 * opens no editor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define DAY 86400

/* q back to the menu, 5 again: the screen reads the question afresh. */
static void reopen(struct tc *tc)
{
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(ch_open(tc));
	tc_wait_quiet(tc, 100, 2000);
}

/* a: no editor comes (the hints never show "^X send"), the screen stays. */
static void a_opens_nothing(struct tc *tc, const char *message)
{
	int rows;
	char buf[512];

	TC_REQUIRE(tc_send(tc, "a") == 0);
	if (message)
		TC_CHECK(portal_wait_message(tc, message, TC_WAIT_MS));
	tc_wait_quiet(tc, 300, 3000);
	tc_screen_size(tc_screen(tc), NULL, &rows);
	tc_row(tc, rows - 1, buf, sizeof buf);
	if (!TC_CHECK(strstr(buf, PORTAL_EDITOR_HINT) == NULL && tc_find(tc, "Title:", NULL) < 0 &&
	    tc_find(tc, CH_AREAS, NULL) < 0))
		tc_screen_print(tc_screen(tc), "an editor opened on a question not open");
	TC_CHECK(tc_find(tc, CH_HEADING, NULL) >= 0);
	/* Whatever happened, typed text goes nowhere. */
	TC_REQUIRE(tc_send(tc, "Sneaky title" BT_TAB "sneaky body" BT_CTRL_X) == 0);
	tc_wait_quiet(tc, 300, 3000);
	if (tc_find(tc, CH_AREAS, NULL) >= 0) {
		TC_CHECK(!"the area chooser opened");
		TC_REQUIRE(tc_send(tc, " " TC_KEY_ENTER) == 0);
		tc_wait_quiet(tc, 300, 3000);
	}
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct store_challenge *v = NULL;
	int64_t q, kofi, mod, now = (int64_t)time(NULL), id = 0, area[CH_N_AREAS];
	char date[16], want[64];
	size_t n;

	tc_fixture_standard(&fx, &u, 100);
	ch_user_add(&fx, "kofi", "Kofi Mensah", "member", "Civil society", "Africa");
	ch_user_add(&fx, "mod", "Moderator One", "moderator", "Government", "Europe");
	st = bt_store_open(&fx);
	q = ch_question_id(st);
	kofi = bt_user_id(st, "kofi");
	mod = bt_user_id(st, "mod");
	ch_area_ids(st, area);

	tc_note("closes in ten days, at 23:00 UTC; kofi lives at UTC+14, where it is the next day");
	{
		struct store_prefs far = { .timezone = "Pacific/Kiritimati", .colour = true };
		TC_CHECK(store_user_set_prefs(st, kofi, &far) == BBS_OK);
	}
	int64_t late = now / DAY * DAY + 10 * DAY + 23 * 3600;
	ch_question_set(st, mod, q, 0, late, false);
	ch_date(late, date, sizeof date);
	snprintf(want, sizeof want, "Open until %s UTC", date);
	tc = bt_login(&fx, "kofi", 100, 32);
	TC_REQUIRE(ch_open(tc));
	TC_CHECK(tc_wait_text(tc, want, TC_WAIT_MS));

	tc_note("closed yesterday");
	ch_question_set(st, mod, q, now - 20 * DAY, now - DAY, false);
	ch_date(now - DAY, date, sizeof date);
	snprintf(want, sizeof want, "Closed on %s UTC", date);
	reopen(tc);
	TC_CHECK(tc_wait_text(tc, want, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Open until", NULL) < 0);
	tc_note("kofi: a on the closed question");
	a_opens_nothing(tc, CH_CLOSED);
	n = ch_list(st, kofi, q, STORE_CH_NEWEST, &v, NULL);
	TC_CHECK(n == 0);
	store_challenge_list_free(v, n);
	/* The store refuses too, whoever calls it. */
	TC_CHECK(store_challenge_submit(st, q, kofi, "Direct", "Through the API", &area[0], 1,
		NULL, &id) == BBS_ERR_DENIED);

	tc_note("opens in five days");
	ch_question_set(st, mod, q, now + 5 * DAY, 0, false);
	ch_date(now + 5 * DAY, date, sizeof date);
	snprintf(want, sizeof want, "Opens on %s UTC", date);
	reopen(tc);
	TC_CHECK(tc_wait_text(tc, want, TC_WAIT_MS));
	tc_note("kofi: a on a question not open yet");
	a_opens_nothing(tc, NULL);
	n = ch_list(st, kofi, q, STORE_CH_NEWEST, &v, NULL);
	TC_CHECK(n == 0);
	store_challenge_list_free(v, n);

	tc_note("open again: a works");
	ch_question_set(st, mod, q, 0, 0, false);
	reopen(tc);
	TC_CHECK(ch_submit_ui(tc, "Open again at last", "Now it is open.", CH_AREA_BIT(CH_GLOBAL)));
	n = ch_list(st, kofi, q, STORE_CH_NEWEST, &v, NULL);
	TC_CHECK(n == 1);
	store_challenge_list_free(v, n);
	tc_close(tc);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
