/*
 * e2e-idle: the idle warning and the idle logout, with tiny deadlines set through the store
 * API before login (idle_warn_seconds 2, idle_logout_seconds 5; they take precedence over the
 * _minutes settings). On the main menu the one-line warning appears, and a key takes it away
 * (the timer restarts). Then in the editor, with text typed and no more keys, the warning
 * comes, then the session ends by itself with status 0 and a goodbye line, and the typed text
 * is in the store as a draft. A second login with the settings at 0 sees no warning.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "store/store.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define WARNING "You will be logged out in 3 seconds unless you press a key"
#define GOODBYE "Logged out after 5 seconds without activity. Goodbye."
#define TITLE "Idle sessions on shared machines"
#define TYPED "Left the room in the middle of this"
#define BOARD "National action"

static struct tc *login(struct tc_fixture *fx)
{
	struct tc *tc = tc_login_password(fx, "alice", TC_PASSWORD, "xterm-256color", 80, 24);

	if (!portal_wait_menu(tc, TC_WAIT_MS))
		tc_fail("no main menu after login");
	return tc;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st = NULL;
	struct store_user *alice = NULL, *sysop = NULL;
	struct store_draft d = { 0 };
	char path[TC_PATH_MAX + 16], ctx[64];
	int64_t tid = 0, pid = 0, board = 0;
	int status = -1;

	tc_fixture_standard(&fx, &u, 100);
	TC_REQUIRE(bbs_snprintf(path, sizeof path, "%s/portal.db", fx.dir) == 0);
	TC_REQUIRE(store_open(path, &st) == 0);
	TC_REQUIRE(store_user_get(st, "alice", &alice) == 0);
	TC_REQUIRE(store_user_get(st, "sysop", &sysop) == 0);
	{
		struct store_board *v = NULL;
		size_t n = 0;
		TC_REQUIRE(store_board_list(st, 0, -1, &v, &n) == 0);
		for (size_t i = 0; i < n; i++)
			if (v[i].slug && strcmp(v[i].slug, "national-action") == 0)
				board = v[i].id;
		store_board_list_free(v, n);
	}
	TC_REQUIRE(board > 0);
	TC_REQUIRE(store_thread_create(st, board, sysop->id, TITLE, "Who locks the screen?", NULL,
		&tid, &pid) == 0);
	TC_REQUIRE(store_setting_set(st, "idle_warn_seconds", "2") == 0);
	TC_REQUIRE(store_setting_set(st, "idle_logout_seconds", "5") == 0);

	tc_note("main menu: the warning comes, a key takes it away");
	struct tc *tc = login(&fx);
	int64_t t0 = tc_now_ms();
	TC_REQUIRE(portal_wait_message(tc, WARNING, 6000));
	tc_note("warning after %lld ms", (long long)(tc_now_ms() - t0));
	TC_REQUIRE(tc_send(tc, "j") == 0);
	TC_CHECK(tc_wait_gone(tc, WARNING, TC_WAIT_MS));
	TC_CHECK(portal_menu_shown(tc_screen(tc)));
	TC_CHECK(portal_hints_last_row(tc_screen(tc)));

	tc_note("editor: type, then no keys: warning, logout, goodbye, draft saved");
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_BOARDS) == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, BOARD, 12));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_gone(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, "Idle sessions", 30));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TYPED) == 0);
	TC_REQUIRE(tc_wait_text(tc, TYPED, TC_WAIT_MS));
	int cy0 = -1, cx0 = -1, cy1 = -2, cx1 = -2;
	tc_screen_cursor(tc_screen(tc), &cy0, &cx0);
	TC_CHECK(portal_wait_message(tc, WARNING, 6000));
	/* The warning leaves what was typed on screen, and the cursor where the text goes. */
	TC_CHECK(tc_find(tc, TYPED, NULL) >= 0);
	tc_screen_cursor(tc_screen(tc), &cy1, &cx1);
	if (!TC_CHECK(cy0 == cy1 && cx0 == cx1))
		tc_note("cursor moved from %d,%d to %d,%d", cy0, cx0, cy1, cx1);
	t0 = tc_now_ms();
	TC_CHECK(tc_wait_exit(tc, &status, 8000));
	tc_note("logged out %lld ms after the warning, status %d", (long long)(tc_now_ms() - t0),
		status);
	TC_CHECK(status == 0);
	TC_CHECK(tc_find(tc, GOODBYE, NULL) >= 0);
	tc_close(tc);
	snprintf(ctx, sizeof ctx, "reply:%lld", (long long)tid);
	int rc = store_draft_get(st, alice->id, ctx, &d);
	if (!TC_CHECK(rc == 0 && d.body && strcmp(d.body, TYPED) == 0))
		tc_note("draft %s: rc %d body \"%s\"", ctx, rc, rc == 0 && d.body ? d.body : "");
	store_draft_finish(&d);
	memset(&d, 0, sizeof d);

	tc_note("settings at 0: no warning, no logout");
	TC_REQUIRE(store_setting_set(st, "idle_warn_seconds", "0") == 0);
	TC_REQUIRE(store_setting_set(st, "idle_logout_seconds", "0") == 0);
	tc = tc_login_password(&fx, "alice", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(tc_wait_text(tc, PORTAL_MENU, TC_WAIT_MS));
	if (portal_wait_bottom(tc, "You have an unsent draft", TC_WAIT_MS))   /* offered */
		TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	/* Quiet for longer than the old deadlines: nothing is sent at all. */
	TC_CHECK(tc_wait_quiet(tc, 6000, 8000));
	TC_CHECK(tc_find(tc, "You will be logged out", NULL) < 0);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	store_user_free(alice);
	store_user_free(sysop);
	store_close(st);
	return tc_done();
}
