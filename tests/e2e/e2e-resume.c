/*
 * e2e-resume: back to where the member was after a dropped link (issue 7, ui/resume.c).
 *
 * - alice reads a discussion at post 5 and her TCP connection is reset: the store holds
 *   "discussion ID 5"; at the next login the first question is "Go back to where you were
 *   (discussion 'TITLE', post 5)? [y/N]"; y opens the discussion at post 5, with the board's
 *   discussion list under it (q goes there), and clears the position.
 * - a board's discussion list left by closing the connection: offered as the board's name; n
 *   clears it and leaves the main menu.
 * - messages: y opens "Messages: Inbox".
 * - a reply being typed when the link drops: both offers, one after the other: y goes back to
 *   the discussion, then the draft offer shows over it, and y opens the editor with the text.
 * - log off and the quick exit (^\) leave nothing to go back to; a link that drops while the
 *   question is asked keeps it for the next login.
 * - hostile and stale positions put straight into the store (unknown words, bad ids, a
 *   discussion that does not exist, a board since archived, a hidden challenge): no question,
 *   a short message, the position cleared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Resuming over a flaky satellite link"
#define BOARD "National action"
#define GONE "no longer there"
#define TYPED "Half a reply, then the satellite went behind a cloud"

/* alice's stored position now ("" if none, "?" if she cannot be read). */
static void resume_of(struct store *st, char *buf, size_t n)
{
	struct store_user *u = NULL;

	bbs_strlcpy(buf, "?", n);
	if (store_user_get(st, "alice", &u) == 0 && u)
		bbs_strlcpy(buf, u->resume ? u->resume : "", n);
	store_user_free(u);
}

/* Polls the store until alice's position is want (or ms pass). */
static bool resume_is(struct store *st, const char *want, int ms)
{
	char now[STORE_RESUME_MAX + 2];
	int64_t deadline = tc_now_ms() + ms;

	for (;;) {
		resume_of(st, now, sizeof now);
		if (strcmp(now, want) == 0)
			return true;
		if (tc_now_ms() > deadline) {
			tc_note("resume position \"%s\", expected \"%s\"", now, want);
			return false;
		}
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);   /* polling interval, not a fixed wait */
	}
}

static struct tc *login(struct tc_fixture *fx)
{
	struct tc *tc = tc_login_password(fx, "alice", TC_PASSWORD, "xterm-256color", 100, 24);
	TC_REQUIRE(tc_wait_text(tc, PORTAL_MENU, TC_WAIT_MS));
	return tc;
}

/* Ends the connection the way a dying link does (RST) and waits for the session to go. */
static void drop(struct tc_fixture *fx, struct tc *tc)
{
	tc_drop(tc);
	tc_close(tc);
	TC_CHECK(tc_fixture_wait_no_leftovers(fx, NULL, 0, 15000) == 0);
}

/* A position put into the store is dropped at login with a message and no question. */
static void stale(struct tc_fixture *fx, struct store *st, const char *where)
{
	tc_note("stale or hostile position \"%s\"", where);
	TC_REQUIRE(store_user_set_resume(st, bt_user_id(st, "alice"), where) == 0);
	struct tc *tc = login(fx);
	TC_CHECK(portal_wait_message(tc, GONE, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, PORTAL_RESUME_ASK, NULL) < 0);
	TC_CHECK(resume_is(st, "", 5000));
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct tc *tc;
	char want[STORE_RESUME_MAX + 1], ask[512];

	tc_fixture_standard(&fx, &u, 200);
	struct store *st = bt_store_open(&fx);
	int64_t sysop = bt_user_id(st, "sysop");
	int64_t board = bt_board_id(st, "national-action");
	int64_t tid = bt_thread(st, board, sysop, TITLE, "Post one: where were we?");
	for (int i = 2; i <= 12; i++) {
		char body[64];
		snprintf(body, sizeof body, "Post number %d of the flaky link discussion", i);
		bt_reply(st, tid, sysop, body);
	}

	/* 1. A discussion at post 5, RST, y. */
	tc_note("alice reads post 5, the link resets");
	tc = login(&fx);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_REQUIRE(bt_open_discussion(tc, BOARD, TITLE));
	TC_REQUIRE(portal_wait_current_post(tc, 1, TC_WAIT_MS));
	for (int i = 2; i <= 5; i++) {
		TC_REQUIRE(tc_send(tc, "J") == 0);
		TC_REQUIRE(portal_wait_current_post(tc, i, TC_WAIT_MS));
	}
	drop(&fx, tc);
	snprintf(want, sizeof want, "discussion %lld 5", (long long)tid);
	TC_CHECK(resume_is(st, want, 5000));

	tc_note("login: going back is offered first; y opens post 5");
	tc = login(&fx);
	snprintf(ask, sizeof ask, PORTAL_RESUME_ASK "discussion '%s', post 5)? [y/N]", TITLE);
	TC_REQUIRE(portal_wait_bottom(tc, ask, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(portal_wait_current_post(tc, 5, TC_WAIT_MS));
	TC_CHECK(resume_is(st, "", 5000));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_CHECK(portal_wait_heading(tc, BOARD, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, TITLE, NULL) >= 0);

	/* 2. The board's list, a plain close (as a closed terminal window), n. */
	tc_note("alice closes the connection on the board's list");
	tc_close(tc);
	TC_CHECK(tc_fixture_wait_no_leftovers(&fx, NULL, 0, 15000) == 0);
	snprintf(want, sizeof want, "board %lld", (long long)board);
	TC_CHECK(resume_is(st, want, 5000));
	tc = login(&fx);
	TC_REQUIRE(portal_wait_bottom(tc, PORTAL_RESUME_ASK "the discussions of board '" BOARD
		"')? [y/N]", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_CHECK(tc_wait_gone(tc, PORTAL_RESUME_ASK, TC_WAIT_MS));
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(resume_is(st, "", 5000));

	/* 3. Messages. */
	tc_note("messages, RST, y");
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(tc_wait_text(tc, "Messages: Inbox", TC_WAIT_MS));
	drop(&fx, tc);
	TC_CHECK(resume_is(st, "messages", 5000));
	tc = login(&fx);
	TC_REQUIRE(portal_wait_bottom(tc, PORTAL_RESUME_ASK "Messages)? [y/N]", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(tc_wait_text(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_CHECK(bt_back_to_menu(tc));

	/* 4. Both offers: the discussion, then the reply's draft over it. */
	tc_note("a reply being typed when the link drops: both offers");
	TC_REQUIRE(bt_open_discussion(tc, BOARD, TITLE));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TYPED) == 0);
	TC_REQUIRE(tc_wait_text(tc, "behind a cloud", TC_WAIT_MS));
	drop(&fx, tc);
	tc = login(&fx);
	TC_REQUIRE(portal_wait_bottom(tc, PORTAL_RESUME_ASK "discussion '" TITLE "', post",
		TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "You have an unsent draft (reply to " TITLE
		"). Resume it? (y/n)", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "#1 ", NULL) >= 0 || tc_find(tc, "#12 ", NULL) >= 0); /* over it */
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, TYPED, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(bt_count_posts_with(st, tid, TYPED) == 1);

	/* 5. The quick exit and a log off leave nothing to go back to. */
	tc_note("quick exit in the discussion: nothing kept");
	TC_REQUIRE(tc_send(tc, "\034") == 0);
	{
		int status = -1;
		TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 0);
	}
	tc_close(tc);
	TC_CHECK(tc_fixture_wait_no_leftovers(&fx, NULL, 0, 15000) == 0);
	TC_CHECK(resume_is(st, "", 2000));
	TC_REQUIRE(store_user_set_resume(st, bt_user_id(st, "alice"), "messages") == 0);
	tc_note("the link drops while the question is asked: it is asked again next time");
	tc = login(&fx);
	TC_REQUIRE(portal_wait_bottom(tc, PORTAL_RESUME_ASK "Messages)? [y/N]", TC_WAIT_MS));
	drop(&fx, tc);
	TC_CHECK(resume_is(st, "messages", 2000));
	tc_note("a log off clears a position left from elsewhere");
	tc = login(&fx);
	TC_REQUIRE(portal_wait_bottom(tc, PORTAL_RESUME_ASK "Messages)? [y/N]", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	TC_CHECK(resume_is(st, "", 5000));

	/* 6. Stale and hostile positions. */
	char buf[128];
	stale(&fx, st, "discussion 999999 1");
	snprintf(buf, sizeof buf, "discussion %lld 1 2", (long long)tid);
	stale(&fx, st, buf);
	snprintf(buf, sizeof buf, "discussion %lld -1", (long long)tid);
	stale(&fx, st, buf);
	snprintf(buf, sizeof buf, "discussion  %lld 1", (long long)tid);
	stale(&fx, st, buf);
	stale(&fx, st, "discussion 99999999999999999999999 1");
	stale(&fx, st, "board 0");
	stale(&fx, st, "admin");
	stale(&fx, st, "messages; rm -rf /");
	stale(&fx, st, "challenge 424242");
	{
		/* A board archived since: neither its list nor its discussions are offered. */
		int64_t general = bt_board_id(st, "general");
		int64_t t2 = bt_thread(st, general, sysop, "Soon archived", "In a board to be archived");
		TC_REQUIRE(store_board_set_archived(st, sysop, general, true) == 0);
		snprintf(buf, sizeof buf, "board %lld", (long long)general);
		stale(&fx, st, buf);
		snprintf(buf, sizeof buf, "discussion %lld 1", (long long)t2);
		stale(&fx, st, buf);
		TC_REQUIRE(store_board_set_archived(st, sysop, general, false) == 0);
	}
	/* The store itself refuses what is not printable ASCII or too long. */
	TC_CHECK(store_user_set_resume(st, bt_user_id(st, "alice"), "board 1\x1b[2J") ==
		BBS_ERR_INVALID);

	store_close(st);
	return tc_done();
}
