/*
 * e2e-boards-search: / from the main menu asks "Search: " on the bottom line; a distinctive
 * word from post #25 of a 30-post discussion finds it ("Search: WORD" heading, a row with
 * the discussion title); Enter opens the discussion with #25's header at the top. Queries
 * full of FTS5 syntax ("foo OR *, NEAR(, col:, ^, -) give "No posts match" or results, never
 * an error or a crash, and the session keeps working after each.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Age assurance options compared"
#define WORD "quokkanomicon"

static const char *const nasty[] = {
	"\"foo OR *",
	"NEAR(age assurance",
	"title:x AND",
	"*",
	"^-\"'",
	"') OR 1=1 --",
	"a AND OR NOT b",
	"{body}: zz*",
};

/* The results screen or the "No posts match" message for the query (never an error). */
static bool answered(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	return tc_screen_find(sc, "No posts match", NULL) >= 0 ||
		(tc_screen_find(sc, "Search: ", NULL) > 0 && portal_hints_last_row(sc) &&
		 tc_screen_find(sc, PORTAL_MENU, NULL) < 0);
}

static void search(struct tc *tc, const char *query)
{
	TC_REQUIRE(tc_send(tc, "/") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Search: ", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, query) == 0);
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct tc_screen *sc;
	int64_t sysop, tid;
	char buf[1024];

	tc_fixture_standard(&fx, &u, 110);
	st = bt_store_open(&fx);
	sysop = bt_user_id(st, "sysop");
	{
		char body[256];
		int64_t other = bt_thread(st, bt_board_id(st, "general"), sysop,
			"Unrelated talk", "Nothing to find here, foo bar.");

		bt_reply(st, other, sysop, "More foo, age and assurance but not the word.");
		tid = bt_thread(st, bt_board_id(st, "safety-by-design"), sysop, TITLE,
			"Post 1 of the age assurance comparison.");
		for (int i = 2; i <= 30; i++) {
			snprintf(body, sizeof body, "Post %d of the comparison.%s", i,
				i == 25 ? " The " WORD " method needs no documents." : "");
			bt_reply(st, tid, sysop, body);
		}
	}

	tc = bt_login(&fx, "alice", 80, 24);
	sc = tc_screen(tc);
	tc_note("/ " WORD);
	search(tc, WORD);
	TC_REQUIRE(portal_wait_heading(tc, "Search: " WORD, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(bt_row_with(tc, TITLE, buf, sizeof buf, NULL));
	tc_note("hit row: %s", buf);
	TC_CHECK(strstr(buf, "sysop") != NULL || tc_find(tc, "sysop", NULL) > 0);
	TC_CHECK(tc_find(tc, "Unrelated talk", NULL) < 0);
	TC_CHECK(portal_top_line(sc, "alice (member)"));
	TC_REQUIRE(portal_list_select(tc, TITLE, 3));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_gone(tc, "Search: " WORD, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(portal_wait_post_top(tc, 25, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, WORD, NULL) > 0);
	TC_REQUIRE(bt_back_to_menu(tc));

	/* The last word matches as a prefix. */
	tc_note("/ quokkanom (a prefix)");
	search(tc, "quokkanom");
	TC_CHECK(tc_wait_pred(tc, answered, NULL, "an answer to the prefix search", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));

	tc_note("/ a word that is nowhere");
	search(tc, "zyxwvutsrq");
	TC_CHECK(tc_wait_text(tc, "No posts match zyxwvutsrq", TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));

	for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
		tc_note("/ %s", nasty[i]);
		search(tc, nasty[i]);
		TC_CHECK(tc_wait_pred(tc, answered, NULL, "results or \"No posts match\"",
			TC_WAIT_MS));
		TC_CHECK(tc_find(tc, "rror", NULL) < 0);      /* Error / error */
		TC_CHECK(tc_find(tc, "syntax", NULL) < 0);
		TC_CHECK(tc_find(tc, "fts5", NULL) < 0);
		TC_CHECK(tc_find(tc, "Could not", NULL) < 0);
		TC_REQUIRE(bt_back_to_menu(tc));
	}

	/* Esc cancels the search prompt. */
	TC_REQUIRE(tc_send(tc, "/") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Search: ", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "abc" TC_KEY_ESC) == 0);
	TC_CHECK(tc_wait_gone(tc, "Search: ", TC_WAIT_MS));
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));

	/* Still working: the search works again and the session logs off cleanly. */
	search(tc, WORD);
	TC_CHECK(portal_wait_heading(tc, "Search: " WORD, TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	TC_CHECK(tc_fixture_alive(&fx));
	(void)tid;
	store_close(st);
	return tc_done();
}
