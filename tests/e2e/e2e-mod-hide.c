/*
 * e2e-mod-hide: reporting and moderating a discussion, driven over SSH.
 * sam (member) reports rui's post with "!" and a reason ("Reported to the moderators.", a
 * second time "You reported this already."); sam's H/U/L/P/V get "Only moderators can do
 * that" and nothing changes. nora (moderator) finds the report in Administration > Reports,
 * Enter opens the discussion at the post, H hides it with a reason carrying an escape
 * sequence (stored clean); sam sees "[Hidden by a moderator on DATE: REASON]" and not the
 * text (UI and `read` over exec); nora sees the notice and the text; U shows it again. L locks
 * (sam's reply refused), P pins (first in the list), V moves it to another board. nora
 * silences the post's author rui from the queue (S): rui's reply and new discussion get "You
 * are silenced until DATE: REASON".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Cheap followers for your hotline"
#define SPAM "SPAMMARK-9 buy followers at my site"
#define OTHER "Night shifts at hotlines"
#define REASON "Advertising"
#define EVIL_REASON "Spam \033]0;pwned\007 here"
#define CLEAN_PART "Spam"

static bool post_hidden(struct store *st, int64_t post_id)
{
	struct store_post p = { 0 };
	bool h = store_post_get(st, post_id, &p) == 0 && p.hidden;
	store_post_finish(&p);
	return h;
}

static bool open_reports(struct tc *tc)
{
	if (!portal_list_select(tc, "Administration", 15))
		return false;
	if (tc_send(tc, TC_KEY_ENTER) != 0 || !portal_wait_heading(tc, "Administration", TC_WAIT_MS))
		return false;
	if (!portal_list_select(tc, "Reports", 8) || tc_send(tc, TC_KEY_ENTER) != 0)
		return false;
	return portal_wait_heading(tc, "Reports", TC_WAIT_MS);
}

static bool wait_stored(struct tc *tc, struct store *st, int64_t post_id, bool want)
{
	for (int i = 0; i < 100; i++) {
		if (post_hidden(st, post_id) == want)
			return true;
		tc_wait_quiet(tc, 50, 100);
	}
	return false;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct store_post p = { 0 };
	struct store_thread t = { 0 };
	char cmd[64];
	size_t n;
	int status;

	tc_fixture_standard(&fx, &u, 150);
	bt_user_add(&fx, "rui", "Rui Pinto", "Acme", "Industry");
	bt_user_add(&fx, "sam", "Sam Reed", "Helpline", "Civil society");
	st = bt_store_open(&fx);
	int64_t rui = bt_user_id(st, "rui"), sam = bt_user_id(st, "sam");
	int64_t sysop = bt_user_id(st, "sysop");
	int64_t general = bt_board_id(st, "general");
	(void)bt_thread(st, general, sam, OTHER, "Who covers the night?");
	int64_t th = bt_thread(st, general, rui, TITLE, SPAM);
	struct store_post *pv = NULL;
	TC_REQUIRE(bt_posts(st, th, &pv) == 1);
	int64_t post_id = pv[0].id;
	store_post_list_free(pv, 1);
	/* nora, a moderator (the console may do anything). */
	bt_user_add(&fx, "nora", "Nora Berg", "Board", "Government");
	int64_t nora = bt_user_id(st, "nora");
	struct store_user_edit e = { .role = STORE_ROLE_MODERATOR, .status = -1, .verified = 1 };
	TC_REQUIRE(store_admin_user_edit(st, 0, nora, &e) == 0);
	(void)sysop;

	tc_note("sam reports the post; H/U/L/P/V refused");
	tc = bt_login(&fx, "sam", 100, 30);
	TC_REQUIRE(bt_open_discussion(tc, BT_GENERAL, TITLE));
	TC_REQUIRE(tc_wait_text(tc, "SPAMMARK-9", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Nora", NULL) < 0);
	TC_REQUIRE(tc_send(tc, "!") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Reason for reporting:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, REASON "\r") == 0);
	TC_CHECK(portal_wait_message(tc, "Reported to the moderators.", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "!") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Reason for reporting:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "again\r") == 0);
	TC_CHECK(portal_wait_message(tc, "You reported this already.", TC_WAIT_MS));
	const char *keys[] = { "H", "U", "L", "P", "V" };
	for (size_t i = 0; i < 5; i++) {
		TC_REQUIRE(tc_send(tc, keys[i]) == 0);
		TC_CHECK(portal_wait_message(tc, "Only moderators can do that", TC_WAIT_MS));
		TC_REQUIRE(tc_send(tc, "j") == 0);
		TC_CHECK(tc_wait_gone(tc, "Only moderators can do that", TC_WAIT_MS));
	}
	TC_CHECK(!post_hidden(st, post_id));
	TC_REQUIRE(store_thread_get(st, sam, th, &t) == 0);
	TC_CHECK(!t.locked && !t.pinned && t.board_id == general);
	store_thread_finish(&t);
	tc_close(tc);

	tc_note("nora: Administration > Reports, Enter, H with a hostile reason");
	tc = bt_login(&fx, "nora", 120, 30);
	TC_REQUIRE(open_reports(tc));
	TC_CHECK(tc_wait_text(tc, "[open]", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Reason:    " REASON, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "sam", NULL) > 0);
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "H") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Reason for hiding:", TC_WAIT_MS));
	/* Pasted: a typed Esc would cancel the prompt. */
	TC_REQUIRE(bt_paste(tc, EVIL_REASON, strlen(EVIL_REASON)) == 0);
	TC_REQUIRE(tc_wait_text(tc, "here", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\r") == 0);
	TC_CHECK(portal_wait_message(tc, "Post hidden.", TC_WAIT_MS));
	TC_CHECK(wait_stored(tc, st, post_id, true));
	TC_CHECK(tc_wait_text(tc, "[Hidden by a moderator on", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "SPAMMARK-9", NULL) > 0);   /* moderators still read it */
	TC_REQUIRE(store_post_get(st, post_id, &p) == 0);
	TC_CHECK(p.hidden_reason && strchr(p.hidden_reason, '\033') == NULL &&
		strchr(p.hidden_reason, '\007') == NULL && strstr(p.hidden_reason, CLEAN_PART));
	store_post_finish(&p);
	tc_close(tc);

	tc_note("sam sees the notice only (UI and exec read)");
	tc = bt_login(&fx, "sam", 100, 30);
	TC_REQUIRE(bt_open_discussion(tc, BT_GENERAL, TITLE));
	TC_CHECK(tc_wait_text(tc, "[Hidden by a moderator on", TC_WAIT_MS));
	tc_wait_quiet(tc, 100, 2000);
	TC_CHECK(tc_find(tc, "SPAMMARK", NULL) < 0);
	tc_close(tc);
	char err[256];
	tc = tc_connect(&fx, "sam", "127.0.0.1", NULL, err, sizeof err);
	TC_REQUIRE(tc != NULL);
	TC_REQUIRE(tc_auth_password(tc, TC_PASSWORD) == 0);
	(void)snprintf(cmd, sizeof cmd, "read %lld", (long long)th);
	TC_REQUIRE(tc_open_exec(tc, cmd) == 0);
	TC_REQUIRE(tc_wait_exit(tc, &status, TC_WAIT_MS));
	const char *out = tc_output(tc, &n);
	TC_CHECK(status == 0);
	TC_CHECK(strstr(out, "[Hidden by a moderator on") != NULL);
	TC_CHECK(strstr(out, "SPAMMARK") == NULL);
	tc_close(tc);

	tc_note("nora: U, L, P, then the queue: S silences rui, r resolves");
	tc = bt_login(&fx, "nora", 120, 30);
	TC_REQUIRE(bt_open_discussion(tc, BT_GENERAL, TITLE));
	TC_REQUIRE(tc_wait_text(tc, "[Hidden by a moderator on", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "U") == 0);
	TC_CHECK(portal_wait_message(tc, "Post shown again.", TC_WAIT_MS));
	TC_CHECK(wait_stored(tc, st, post_id, false));
	TC_CHECK(tc_wait_gone(tc, "[Hidden by a moderator on", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "L") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Reason for locking:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "Off topic\r") == 0);
	TC_CHECK(portal_wait_message(tc, "Discussion locked.", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "P") == 0);
	TC_CHECK(portal_wait_message(tc, "Discussion pinned.", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, BT_GENERAL, TC_WAIT_MS));
	{
		char row[512];
		int r1 = -1, r2 = -1;
		TC_CHECK(tc_wait_text(tc, "[pinned]", TC_WAIT_MS));
		TC_CHECK(bt_row_with(tc, TITLE, row, sizeof row, &r1));
		TC_CHECK(bt_row_with(tc, OTHER, row, sizeof row, &r2));
		TC_CHECK(r1 > 0 && r2 > r1);   /* pinned first */
	}
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(open_reports(tc));
	TC_REQUIRE(tc_send(tc, "S") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Silence for how many days", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "3\r") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Reason:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "Spamming\r") == 0);
	TC_CHECK(portal_wait_message(tc, "Silenced until", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Resolution note:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "Hidden and silenced\r") == 0);
	TC_CHECK(portal_wait_message(tc, "Report resolved.", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "[done]", TC_WAIT_MS));
	tc_close(tc);

	tc_note("sam: the locked discussion refuses a reply; silenced elsewhere");
	tc = bt_login(&fx, "sam", 100, 30);
	TC_REQUIRE(bt_open_discussion(tc, BT_GENERAL, TITLE));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_CHECK(portal_wait_message(tc, "This discussion is locked", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, BT_GENERAL, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, OTHER, 5));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, OTHER, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_CHECK(portal_wait_editor(tc, "Reply to", TC_WAIT_MS));   /* sam is not silenced */
	tc_close(tc);

	tc_note("rui (silenced from the queue) cannot reply or start a discussion");
	tc = bt_login(&fx, "rui", 100, 30);
	TC_REQUIRE(bt_open_discussion(tc, BT_GENERAL, OTHER));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_CHECK(portal_wait_message(tc, "You are silenced until", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Spamming", NULL) > 0);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, BT_GENERAL, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_CHECK(portal_wait_message(tc, "You are silenced until", TC_WAIT_MS));
	tc_note("rui cannot answer the challenge question either, and is told why");
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_CHALLENGE) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "The challenge question", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "a") == 0);
	TC_CHECK(portal_wait_message(tc, "You are silenced until", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Your challenge:", NULL) < 0);
	tc_close(tc);

	tc_note("nora: V moves the discussion to another board");
	tc = bt_login(&fx, "nora", 120, 30);
	TC_REQUIRE(bt_open_discussion(tc, BT_GENERAL, TITLE));
	TC_REQUIRE(tc_send(tc, "V") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Move the discussion to", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_CHECK(portal_wait_message(tc, "Moved to", TC_WAIT_MS));
	TC_REQUIRE(store_thread_get(st, nora, th, &t) == 0);
	TC_CHECK(t.board_id != general && t.locked && t.pinned);
	int64_t moved_to = t.board_id;
	store_thread_finish(&t);
	struct store_board b = { 0 };
	TC_REQUIRE(store_board_get(st, nora, moved_to, &b) == 0);
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, b.name, 20));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, b.name, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, TITLE, TC_WAIT_MS));
	store_board_finish(&b);
	tc_close(tc);

	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
