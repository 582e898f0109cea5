/*
 * e2e-directory: the member directory, driven over SSH.
 *
 * Members with profiles (set through the store API, as the profile screen would): alice and
 * carol listed (and the sysop, listed by default), dora opted out of the directory, erin pending (an application), bob disabled.
 * alice opens "Member directory" from the main menu: the listed members are there with
 * organisation, sector and country; the opted-out, pending and disabled ones are not (neither
 * their names nor their organisations). / searches by organisation and by country (case does
 * not matter), s filters by sector. Enter opens carol's profile (organisation, sector, country,
 * member since, bio), m opens a message to her. A hostile search (a pasted escape sequence) is
 * shown as visible text and finds nothing. The profile of the opted-out member cannot be
 * reached through the message path either (the store's directory never returns her).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

static void profile(struct store *st, const char *handle, const char *name, const char *org,
	const char *sector, const char *country, const char *bio, bool listed)
{
	struct store_profile p = {
		.display_name = name, .organisation = org, .sector = sector, .country = country,
		.bio = bio, .in_directory = listed, .named_endorsements = false,
	};
	int64_t id = bt_user_id(st, handle);
	int r = store_user_set_profile(st, id, &p);

	if (r != 0)
		tc_fail("store_user_set_profile %s: %s", handle, bbs_strerror(r));
}

static void check_events(struct tc *tc, const char *where)
{
	struct tc_screen_events ev;

	tc_screen_events(tc_screen(tc), &ev);
	if (!TC_CHECK(ev.titles == 0 && ev.oscs == 0 && ev.dcss == 0))
		tc_note("%s: %d title changes, %d OSC, %d DCS", where, ev.titles, ev.oscs, ev.dcss);
}

/* Nothing of the unlisted members on the screen. */
static void no_unlisted(struct tc *tc, const char *where)
{
	static const char *const never[] = { "Dora Hidden", "Quiet Org", "Erin Waiting",
		"Pending Org", "Bob Disabled", "Gone Org" };
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
		if (!TC_CHECK(tc_find(tc, never[i], NULL) < 0))
			tc_note("%s: \"%s\" is on the screen", where, never[i]);
}

static void search(struct tc *tc, const char *words)
{
	TC_REQUIRE(tc_send(tc, "/") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Search members", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\025") == 0);   /* ^U: clear what a previous search left */
	TC_REQUIRE(tc_send(tc, words) == 0);
	TC_REQUIRE(tc_send(tc, "\r") == 0);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	char buf[1024];

	tc_fixture_standard(&fx, &u, 170);
	bt_user_add(&fx, "carol", "Carol Jones", "Hotline Network", "Civil society");
	bt_user_add(&fx, "dora", "Dora Hidden", "Quiet Org", "Government");
	bt_user_add(&fx, "erin", "Erin Waiting", "Pending Org", "Government");
	st = bt_store_open(&fx);
	profile(st, "alice", "Alice Smith", "Acme Safety", "Private sector", "Brazil",
		"Trust and safety lead.", true);
	profile(st, "carol", "Carol Jones", "Hotline Network", "Civil society", "Kenya",
		"I run a reporting hotline.\nAsk me about triage.", true);
	profile(st, "dora", "Dora Hidden", "Quiet Org", "Government", "Norway", "", false);
	profile(st, "erin", "Erin Waiting", "Pending Org", "Government", "Chile", "", true);
	profile(st, "bob", "Bob Disabled", "Gone Org", "Other", "Peru", "", true);
	TC_REQUIRE(store_user_set_status(st, bt_user_id(st, "erin"), STORE_STATUS_PENDING) == 0);

	tc = bt_login(&fx, "alice", 100, 30);
	tc_note("the directory lists alice and carol only");
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_DIRECTORY) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Member directory", TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, "Carol Jones", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Alice Smith", TC_WAIT_MS));
	TC_CHECK(bt_row_with(tc, "Carol Jones", buf, sizeof buf, NULL) &&
		strstr(buf, "carol") && strstr(buf, "Hotline Network") &&
		strstr(buf, "Civil society") && strstr(buf, "Kenya"));
	{
		/* The count in the heading: every listed member (the sysop, alice, carol). */
		struct store_user **v = NULL;
		size_t n = 0;
		char want[32];
		TC_REQUIRE(store_directory(st, NULL, NULL, 0, 500, &v, &n) == 0);
		store_user_list_free(v, n);
		TC_CHECK(n == 3);
		(void)snprintf(want, sizeof want, "%zu members", n);
		TC_CHECK(tc_find(tc, want, NULL) >= 0);
	}
	no_unlisted(tc, "directory");

	tc_note("search by organisation, by country, and a sector filter");
	search(tc, "hotline");
	TC_REQUIRE(tc_wait_text(tc, "search: \"hotline\"", TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, "Alice Smith", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Carol Jones", NULL) >= 0);
	search(tc, "BRAZIL");
	TC_REQUIRE(tc_wait_text(tc, "Alice Smith", TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, "Carol Jones", TC_WAIT_MS));
	search(tc, "norway");   /* only dora is from Norway, and she opted out */
	TC_CHECK(tc_wait_text(tc, "No members match", TC_WAIT_MS));
	no_unlisted(tc, "search norway");
	search(tc, "pending");  /* erin's organisation: she is not a member yet */
	TC_CHECK(tc_wait_text(tc, "No members match", TC_WAIT_MS));
	no_unlisted(tc, "search pending");
	search(tc, "");
	TC_REQUIRE(tc_wait_text(tc, "Carol Jones", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "s") == 0);   /* Government: only dora and erin, both unlisted */
	TC_CHECK(tc_wait_text(tc, "sector: Government", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "No members match", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "s") == 0);
	TC_CHECK(tc_wait_text(tc, "sector: Private sector", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Alice Smith", TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, "Carol Jones", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "s") == 0);
	TC_CHECK(tc_wait_text(tc, "sector: Civil society", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Carol Jones", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "s") == 0);
	TC_CHECK(tc_wait_text(tc, "sector: Other", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "No members match", TC_WAIT_MS));
	no_unlisted(tc, "sector Other");   /* bob is disabled */
	TC_REQUIRE(tc_send(tc, "s") == 0);
	TC_CHECK(tc_wait_gone(tc, "sector:", TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, "Carol Jones", TC_WAIT_MS));

	tc_note("carol's profile, then m");
	TC_REQUIRE(portal_list_select(tc, "Carol Jones", 5));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Profile: Carol Jones", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "I run a reporting hotline.", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Ask me about triage.", NULL) >= 0);
	TC_CHECK(tc_find(tc, "Member since:", NULL) >= 0);
	TC_CHECK(tc_find(tc, "Kenya", NULL) >= 0 && tc_find(tc, "Civil society", NULL) >= 0);
	TC_REQUIRE(tc_send(tc, "m") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Message to Carol Jones (carol)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TC_KEY_ESC) == 0);   /* nothing typed: closes at once */
	TC_REQUIRE(portal_wait_heading(tc, "Profile: Carol Jones", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Member directory", TC_WAIT_MS));

	tc_note("a hostile search is visible text and finds nothing");
	TC_REQUIRE(tc_send(tc, "/") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Search members", TC_WAIT_MS));
	{
		static const char hostile[] = "\033]0;DIR-TITLE\007\033[2J";
		TC_REQUIRE(bt_paste(tc, hostile, sizeof hostile - 1) == 0);
	}
	TC_REQUIRE(tc_send(tc, "\r") == 0);
	TC_CHECK(tc_wait_text(tc, "DIR-TITLE", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "No members match", TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "alice (member)"));
	check_events(tc, "hostile search");
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	/* The store's view: the directory never returns the unlisted members, whatever the
	 * query. */
	{
		struct store_user **v = NULL;
		size_t n = 0;
		TC_REQUIRE(store_directory(st, NULL, NULL, 0, 500, &v, &n) == 0);
		for (size_t i = 0; i < n; i++)
			TC_CHECK(strcmp(v[i]->handle, "dora") != 0 && strcmp(v[i]->handle, "erin") != 0 &&
				strcmp(v[i]->handle, "bob") != 0);
		store_user_list_free(v, n);
		TC_REQUIRE(store_directory(st, "dora", NULL, 0, 500, &v, &n) == 0);
		TC_CHECK(n == 0);
		store_user_list_free(v, n);
	}
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
