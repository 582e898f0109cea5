/*
 * e2e-boards-draft: nothing typed is lost. alice starts a reply, types, and her TCP
 * connection is dropped abruptly (RST): once right after the keys went out without waiting
 * for anything, once after the text showed on her screen. Each time the draft must be in the
 * store once her session is gone; at the next login the bottom line offers "You have an
 * unsent draft (reply to TITLE). Resume it? (y/n)"; n leaves it saved (offered again next
 * time); y opens the editor with the typed text, and ^X sends it and deletes the draft.
 * A new discussion left idle is saved within a few seconds (context "new:BOARD_ID"), and
 * Esc, y discards it and deletes the saved draft.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Draft survival on lossy links"
#define TITLE0 "Typing into a dying link"
#define TYPED0 "Sent just before the reset"
#define TYPED "Typed on a train, the link died right after this sentence"
#define OFFER "You have an unsent draft (reply to " TITLE "). Resume it? (y/n)"

/* Polls the store until the member's latest draft body contains text (or ms pass). */
static bool draft_has(struct store *st, int64_t user, const char *text, int ms,
	struct store_draft *out)
{
	int64_t deadline = tc_now_ms() + ms;

	for (;;) {
		store_draft_finish(out);
		memset(out, 0, sizeof *out);
		if (store_draft_latest(st, user, out) == 0 && out->body && strstr(out->body, text))
			return true;
		if (tc_now_ms() > deadline)
			return false;
		{
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);   /* polling interval, not a fixed wait */
		}
	}
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct store_draft d = { 0 };
	int64_t alice, sysop, tid, tid0, board;
	char ctx[64];

	tc_fixture_standard(&fx, &u, 110);
	st = bt_store_open(&fx);
	alice = bt_user_id(st, "alice");
	sysop = bt_user_id(st, "sysop");
	board = bt_board_id(st, "national-action");
	tid0 = bt_thread(st, board, sysop, TITLE0, "What did you type last?");
	tid = bt_thread(st, board, sysop, TITLE, "Tell us how your link behaves.");

	/*
	 * 1. The brief's case: type and drop at once, without waiting for anything. The bytes
	 * reach the server's socket just before the RST; the draft must still be saved.
	 */
	tc_note("alice: open the first discussion, r, type, then RST at once");
	tc = bt_login(&fx, "alice", 80, 24);
	TC_REQUIRE(bt_open_discussion(tc, "National action", TITLE0));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE0, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TYPED0) == 0);
	tc_drop(tc);
	tc_close(tc);
	TC_CHECK(tc_fixture_wait_no_leftovers(&fx, NULL, 0, 15000) == 0);
	snprintf(ctx, sizeof ctx, "reply:%lld", (long long)tid0);
	{
		int64_t deadline = tc_now_ms() + 5000;
		int rc;

		while ((rc = store_draft_get(st, alice, ctx, &d)) != 0 && tc_now_ms() < deadline) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);   /* polling interval, not a fixed wait */
		}
		if (!TC_CHECK(rc == 0 && d.body && strcmp(d.body, TYPED0) == 0))
			tc_note("typed then dropped at once: draft %s (rc %d, body \"%s\")", ctx, rc,
				rc == 0 && d.body ? d.body : "");
		store_draft_finish(&d);
		memset(&d, 0, sizeof d);
	}

	/* 2. The text was on the member's screen (the UI had it), then the link died. */
	tc_note("alice: open the second discussion, r, type, see the echo, then RST");
	tc = tc_login_password(&fx, "alice", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(tc_wait_text(tc, PORTAL_MENU, TC_WAIT_MS));
	/* First the offer to go back to the discussion the link dropped in (ui/resume.c). */
	TC_CHECK(portal_wait_bottom(tc, PORTAL_RESUME_ASK "discussion '" TITLE0 "', post 1)? [y/N]",
		TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_CHECK(tc_wait_gone(tc, PORTAL_RESUME_ASK, TC_WAIT_MS));
	tc_wait_quiet(tc, 200, 2000);
	if (tc_find(tc, "Resume it? (y/n)", NULL) >= 0)   /* the first draft, when it was kept */
		TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_REQUIRE(bt_open_discussion(tc, "National action", TITLE));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TYPED) == 0);
	TC_REQUIRE(tc_wait_text(tc, "the link died", TC_WAIT_MS));
	tc_drop(tc);
	tc_close(tc);
	TC_CHECK(tc_fixture_wait_no_leftovers(&fx, NULL, 0, 15000) == 0);
	if (!TC_CHECK(draft_has(st, alice, TYPED, 5000, &d)))
		tc_note("no draft with the typed text in the store after the drop");
	else
		tc_note("draft context \"%s\", body \"%s\"", d.context, d.body);
	snprintf(ctx, sizeof ctx, "reply:%lld", (long long)tid);
	TC_CHECK(d.context && strncmp(d.context, ctx, strlen(ctx)) == 0);
	store_draft_finish(&d);
	memset(&d, 0, sizeof d);

	tc_note("login again: going back is offered first (n), then the draft; n keeps it");
	tc = tc_login_password(&fx, "alice", TC_PASSWORD, "xterm-256color", 100, 24);
	TC_REQUIRE(portal_wait_bottom(tc, PORTAL_RESUME_ASK "discussion '" TITLE "', post 1)? [y/N]",
		TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Resume it? (y/n)", TC_WAIT_MS));
	TC_CHECK(portal_wait_bottom(tc, OFFER, TC_WAIT_MS));
	TC_CHECK(portal_menu_shown(tc_screen(tc)));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_CHECK(tc_wait_gone(tc, "Resume it?", TC_WAIT_MS));
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(draft_has(st, alice, TYPED, 0, &d));
	store_draft_finish(&d);
	memset(&d, 0, sizeof d);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	tc_note("login again: offered again; y opens the editor with the text");
	tc = tc_login_password(&fx, "alice", TC_PASSWORD, "xterm-256color", 100, 24);
	TC_REQUIRE(portal_wait_bottom(tc, "Resume it? (y/n)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, TYPED, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, ".") == 0);
	TC_REQUIRE(tc_wait_text(tc, TYPED ".", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(portal_wait_post(tc, 2, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, TYPED ".", TC_WAIT_MS));
	TC_CHECK(bt_count_posts_with(st, tid, TYPED ".") == 1);
	TC_CHECK(store_draft_get(st, alice, ctx, &d) == BBS_ERR_NOTFOUND);
	store_draft_finish(&d);
	memset(&d, 0, sizeof d);
	TC_REQUIRE(bt_back_to_menu(tc));

	tc_note("a new discussion left idle is saved; Esc, y discards it");
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, "National action", 12));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_gone(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, "National action", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "New discussion in National action", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "Idle title" BT_TAB "Idle body that is saved by the timer") == 0);
	TC_REQUIRE(tc_wait_text(tc, "saved by the timer", TC_WAIT_MS));
	TC_CHECK(draft_has(st, alice, "saved by the timer", 6000, &d));
	snprintf(ctx, sizeof ctx, "new:%lld", (long long)board);
	TC_CHECK(d.context && strcmp(d.context, ctx) == 0);
	TC_CHECK(d.title && strcmp(d.title, "Idle title") == 0);
	store_draft_finish(&d);
	memset(&d, 0, sizeof d);
	TC_REQUIRE(tc_send(tc, TC_KEY_ESC) == 0);
	TC_REQUIRE(tc_wait_text(tc, "Discard this draft? (y/n)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(tc_wait_gone(tc, "New discussion in", TC_WAIT_MS));
	TC_CHECK(portal_wait_heading(tc, "National action", TC_WAIT_MS));
	{
		int64_t deadline = tc_now_ms() + 3000;
		int rc;

		while ((rc = store_draft_get(st, alice, ctx, &d)) == 0 && tc_now_ms() < deadline) {
			store_draft_finish(&d);
			memset(&d, 0, sizeof d);
			tc_pump(tc, 50);
		}
		TC_CHECK(rc == BBS_ERR_NOTFOUND);
		store_draft_finish(&d);
	}
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	store_close(st);
	return tc_done();
}
