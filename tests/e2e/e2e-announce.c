/*
 * e2e-announce: news and announcements, driven over SSH.
 *
 * The sysop opens "News and announcements" from the main menu, writes one with n (title,
 * Tab, text, ^X) and sees it listed. alice, a member, logs in: the new announcement opens at
 * once in a page ("News and announcements", its date and title, its text); leaving it shows
 * the main menu, whose News row then says "nothing new"; at the next login it is not shown
 * again. In the list alice has neither n nor d (not in the hints, not in help, and pressing
 * them opens nothing). The sysop deletes it with d (asks first). An announcement with escape
 * sequences (put in through the store) reaches the screen as visible text only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Portal maintenance on Saturday"
#define BODY "The portal will be down for an hour from 06:00 UTC."
#define TITLE2 "Hostile \033]0;NEWS-TITLE\007 \033[2J headline"

static void check_events(struct tc *tc, const char *where)
{
	struct tc_screen_events ev;

	tc_screen_events(tc_screen(tc), &ev);
	if (!TC_CHECK(ev.titles == 0 && ev.oscs == 0 && ev.dcss == 0))
		tc_note("%s: %d title changes, %d OSC, %d DCS", where, ev.titles, ev.oscs, ev.dcss);
}

static void sysop_writes(struct tc_fixture *fx)
{
	struct tc *tc = bt_login(fx, "sysop", 80, 24);

	tc_note("the sysop writes an announcement");
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_NEWS) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "News and announcements", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "No announcements yet. Press n to write one.", TC_WAIT_MS));
	TC_CHECK(portal_wait_bottom(tc, "n new", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "New announcement", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TITLE) == 0);
	TC_REQUIRE(tc_wait_text(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_TAB BODY) == 0);
	TC_REQUIRE(tc_wait_text(tc, BODY, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_message(tc, "Announcement published.", TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, "News and announcements", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static bool news_page(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	return tc_screen_find(sc, PORTAL_MENU, NULL) < 0 &&
		tc_screen_find_in_row(sc, 1, "News and announcements") >= 0 &&
		tc_screen_find(sc, TITLE, NULL) >= 0 && tc_screen_find(sc, BODY, NULL) >= 0 &&
		portal_hints_last_row(sc);
}

static void member_sees_once(struct tc_fixture *fx, struct store *st, int64_t alice)
{
	struct tc *tc;
	struct store_announcement *v = NULL;
	size_t n = 0;
	char buf[1024];

	tc_note("alice: shown once after login");
	tc = tc_login_password(fx, "alice", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(tc_wait_pred(tc, news_page, NULL, "the news page after login", TC_WAIT_MS));
	{
		char *text = tc_screen_text(tc_screen(tc));
		TC_CHECK(bt_has_datetime(text));
		free(text);
	}
	/* Not seen until the page is left. */
	TC_REQUIRE(store_announcement_unread(st, alice, &v, &n) == 0);
	TC_CHECK(n == 1);
	store_announcement_list_free(v, n);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(bt_row_with(tc, "News and announcements", buf, sizeof buf, NULL) &&
		strstr(buf, "nothing new"));
	TC_REQUIRE(store_announcement_unread(st, alice, &v, &n) == 0);
	TC_CHECK(n == 0);
	store_announcement_list_free(v, n);

	tc_note("alice: the list has no n and no d");
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_NEWS) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "News and announcements", TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(!portal_thread_unread(tc_screen(tc), TITLE));
	TC_CHECK(tc_find(tc, "n new", NULL) < 0 && tc_find(tc, "d delete", NULL) < 0);
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(tc_send(tc, "d") == 0);
	(void)tc_wait_quiet(tc, 150, 3000);
	TC_CHECK(tc_find(tc, PORTAL_EDITOR_HINT, NULL) < 0);
	TC_CHECK(tc_find(tc, "(y/n)", NULL) < 0);
	TC_CHECK(tc_find(tc, TITLE, NULL) >= 0);
	TC_REQUIRE(tc_send(tc, "?") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Help", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Sysops", NULL) < 0);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "News and announcements", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, BODY, TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	tc_note("alice: not shown again at the next login");
	tc = bt_login(fx, "alice", 80, 24);
	(void)tc_wait_quiet(tc, 150, 3000);
	TC_CHECK(portal_menu_shown(tc_screen(tc)));
	TC_CHECK(tc_find(tc, BODY, NULL) < 0);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void hostile_and_delete(struct tc_fixture *fx, struct store *st)
{
	struct tc *tc;
	int64_t id = 0;

	TC_REQUIRE(store_announcement_create(st, 0, TITLE2, "Text \033[31mred\033[0m", &id) == 0);
	tc_note("alice: a hostile announcement after login");
	tc = tc_login_password(fx, "alice", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(tc_wait_text(tc, "NEWS-TITLE", TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "alice (member)"));
	check_events(tc, "hostile announcement");
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	tc_note("the sysop deletes it");
	tc = tc_login_password(fx, "sysop", TC_PASSWORD, "xterm-256color", 80, 24);
	/* The sysop has not seen it either: the page comes first. */
	TC_REQUIRE(tc_wait_text(tc, "NEWS-TITLE", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_NEWS) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "News and announcements", TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, "Hostile", 5));
	TC_REQUIRE(tc_send(tc, "d") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Delete this announcement", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(portal_wait_message(tc, "Announcement deleted.", TC_WAIT_MS));
	TC_CHECK(tc_wait_gone(tc, "NEWS-TITLE", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, TITLE, NULL) >= 0);
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;

	tc_fixture_standard(&fx, &u, 170);
	st = bt_store_open(&fx);
	sysop_writes(&fx);
	member_sees_once(&fx, st, bt_user_id(st, "alice"));
	hostile_and_delete(&fx, st);
	/* A member cannot publish, whatever reaches the store. */
	{
		int64_t id = 0;
		TC_CHECK(store_announcement_create(st, bt_user_id(st, "alice"), "x", "y", &id) ==
			BBS_ERR_DENIED);
	}
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
