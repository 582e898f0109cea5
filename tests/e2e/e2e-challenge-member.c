/*
 * e2e-challenge-member: a member cannot reach the moderators' actions by any key sequence.
 * On the challenge screen and on a challenge's detail screen, ravi (member) sends each of
 * M (merge), H (hide), U (unhide), P (promote), Q (question settings): the message "Only
 * moderators can do that" appears and nothing opens (no merge or hide prompt, no settings
 * screen); then each again followed at once, in the same write, by another challenge's
 * number, Enter and y (what would answer a prompt or a confirmation). Nothing changes in the
 * store: no challenge hidden, merged or promoted, the moderation record is empty, the
 * question is as it was, no discussion was created.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define X_T "Platforms delete evidence too early"
#define X_L "Platforms delete"
#define Y_T "Courts do not accept hash matches"
#define Y_L "Courts do not"

static const char *const mod_keys[] = { "M", "H", "U", "P", "Q" };
#define N_MOD_KEYS (sizeof mod_keys / sizeof mod_keys[0])

/* Texts that only a moderator's action can bring up. */
static const char *const forbidden[] = {
	"Merge challenge", "Type the number", "Reason for hiding", CH_SETTINGS, CH_MERGED,
	CH_PROMOTED, CH_HIDDEN_PREFIX, "Save changes", "Ask as a new question",
	"Answers visible before answering", "Unhidden", "Discussion:",
};

static bool nothing_forbidden(struct tc *tc, const char *what)
{
	bool ok = true;

	for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++) {
		if (tc_find(tc, forbidden[i], NULL) >= 0) {
			fprintf(stderr, "after %s: \"%s\" is on the screen\n", what, forbidden[i]);
			ok = false;
		}
	}
	if (!ok)
		tc_screen_print(tc_screen(tc), what);
	return ok;
}

static bool message_gone(const struct tc_screen *sc, void *arg)
{
	char buf[512];
	int rows;

	(void)arg;
	tc_screen_size(sc, NULL, &rows);
	tc_screen_row(sc, rows - 2, buf, sizeof buf);
	return strstr(buf, CH_ONLY_MODS) == NULL;
}

/* Back to where the round started: the challenge screen or X's detail. */
static void back_to(struct tc *tc, const char *heading, int64_t x)
{
	tc_wait_quiet(tc, 200, 3000);
	for (int i = 0; i < 3 && tc_find(tc, heading, NULL) < 0; i++) {
		TC_REQUIRE(tc_send(tc, "q") == 0);
		tc_wait_quiet(tc, 200, 3000);
	}
	if (tc_find(tc, heading, NULL) < 0 && strcmp(heading, CH_HEADING) != 0) {
		/* Left the detail altogether: open it again. */
		TC_REQUIRE(ch_wait_screen(tc));
		TC_REQUIRE(ch_open_detail(tc, X_T, x));
	}
	TC_REQUIRE(portal_wait_heading(tc, heading, TC_WAIT_MS));
}

static void try_keys(struct tc *tc, const char *heading, int64_t x, int64_t y)
{
	char follow[64], what[128];

	snprintf(follow, sizeof follow, "%lld\ry", (long long)y);
	for (size_t k = 0; k < N_MOD_KEYS; k++) {
		char both[80];

		/* The key alone: the message, nothing opens. */
		TC_REQUIRE(tc_wait_pred(tc, message_gone, NULL, "no message left", TC_WAIT_MS));
		if (strcmp(heading, CH_HEADING) == 0)
			TC_REQUIRE(ch_select(tc, X_L));
		snprintf(what, sizeof what, "%s on \"%s\"", mod_keys[k], heading);
		tc_note("ravi: %s", what);
		TC_REQUIRE(tc_send(tc, mod_keys[k]) == 0);
		if (!TC_CHECK(portal_wait_message(tc, CH_ONLY_MODS, TC_WAIT_MS)))
			tc_note("no refusal message after %s", what);
		tc_wait_quiet(tc, 100, 2000);
		TC_CHECK(tc_find(tc, heading, NULL) >= 0);
		TC_CHECK(nothing_forbidden(tc, what));
		/* Then a number, Enter and y, as if a prompt had opened. */
		TC_REQUIRE(tc_send(tc, follow) == 0);
		tc_wait_quiet(tc, 200, 3000);
		snprintf(what, sizeof what, "%s then \"%lld Enter y\" on \"%s\"", mod_keys[k],
			(long long)y, heading);
		TC_CHECK(nothing_forbidden(tc, what));
		back_to(tc, heading, x);

		/* The key and the answers in one write (typed ahead). */
		TC_REQUIRE(tc_wait_pred(tc, message_gone, NULL, "no message left", TC_WAIT_MS));
		if (strcmp(heading, CH_HEADING) == 0)
			TC_REQUIRE(ch_select(tc, X_L));
		snprintf(both, sizeof both, "%s%s", mod_keys[k], follow);
		snprintf(what, sizeof what, "\"%s%lld Enter y\" in one write on \"%s\"", mod_keys[k],
			(long long)y, heading);
		tc_note("ravi: %s", what);
		TC_REQUIRE(tc_send(tc, both) == 0);
		tc_wait_quiet(tc, 300, 3000);
		TC_CHECK(nothing_forbidden(tc, what));
		back_to(tc, heading, x);
	}
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct store_question before = { 0 }, after = { 0 };
	struct store_question *qs = NULL;
	struct store_challenge *v = NULL;
	struct store_board *boards = NULL;
	char heading[64];
	int64_t q, sofia, tariq, ravi, x, y, threads = 0;
	size_t n, nq = 0, nb = 0;

	tc_fixture_standard(&fx, &u, 110);
	ch_user_add(&fx, "sofia", "Sofia Alves", "member", "Civil society", "Europe");
	ch_user_add(&fx, "tariq", "Tariq Khan", "member", "Government", "Asia");
	ch_user_add(&fx, "ravi", "Ravi Nair", "member", "Industry", "Asia");
	st = bt_store_open(&fx);
	q = ch_question_id(st);
	sofia = bt_user_id(st, "sofia");
	tariq = bt_user_id(st, "tariq");
	ravi = bt_user_id(st, "ravi");
	x = ch_submit(st, q, sofia, X_T, "Retention periods are too short.", CH_AREA_BIT(CH_NATIONAL));
	y = ch_submit(st, q, tariq, Y_T, "Judges ask for the images themselves.",
		CH_AREA_BIT(CH_NATIONAL));
	TC_REQUIRE(store_question_get(st, q, &before) == 0);

	tc = bt_login(&fx, "ravi", 100, 32);
	TC_REQUIRE(ch_open(tc));
	TC_REQUIRE(tc_wait_text(tc, X_L, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, Y_L, TC_WAIT_MS));
	tc_note("the challenge screen");
	try_keys(tc, CH_HEADING, x, y);
	tc_note("the detail screen of sofia's challenge");
	TC_REQUIRE(ch_open_detail(tc, X_T, x));
	snprintf(heading, sizeof heading, "Challenge #%lld", (long long)x);
	try_keys(tc, heading, x, y);
	tc_close(tc);

	tc_note("the store: nothing changed");
	n = ch_list(st, ravi, q, STORE_CH_NEWEST, &v, NULL);
	TC_CHECK(n == 2);
	for (size_t i = 0; i < n; i++) {
		TC_CHECK(!v[i].hidden && v[i].merged_into == 0 && v[i].thread_id == 0 &&
			!v[i].withdrawn && v[i].endorsements == 0);
		TC_CHECK(v[i].credits == NULL || v[i].credits[0] == '\0');
	}
	store_challenge_list_free(v, n);
	TC_CHECK(ch_modlog_count(st) == 0);
	TC_REQUIRE(store_question_get(st, q, &after) == 0);
	TC_CHECK(strcmp(before.text, after.text) == 0);
	TC_CHECK(strcmp(before.intro ? before.intro : "", after.intro ? after.intro : "") == 0);
	TC_CHECK(before.opens == after.opens && before.closes == after.closes &&
		before.reveal_after_answer == after.reveal_after_answer && after.current);
	TC_CHECK(ch_question_id(st) == q);
	TC_CHECK(store_question_list(st, &qs, &nq) == 0 && nq == 1);
	store_question_list_free(qs, nq);
	TC_CHECK(store_board_list(st, ravi, -1, &boards, &nb) == 0);
	for (size_t i = 0; i < nb; i++)
		threads += boards[i].threads;
	TC_CHECK(threads == 0);
	store_board_list_free(boards, nb);
	store_question_finish(&before);
	store_question_finish(&after);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
