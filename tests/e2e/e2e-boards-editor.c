/*
 * e2e-boards-editor: the post editor over SSH. A new discussion with CJK in its title and body
 * shows them correctly (two cells each) and stores them unchanged; a 10,000-byte paste in one
 * send arrives whole (the stored reply is exactly the paste); a 70,000-byte body shows
 * "Too long: 70000 bytes, the limit is 65536" and ^X does not send; Esc asks "Discard this
 * draft? (y/n)", n keeps the text, y discards; a paste over twice the limit is refused whole
 * ("Paste too large", nothing inserted: ^X then says "Write something first").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Wide characters \xe6\xbc\xa2\xe5\xad\x97"
#define CJK "\xe6\xbc\xa2\xe5\xad\x97\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88 " \
	"\xe4\xb8\xad\xe6\x96\x87 \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"
#define PASTE_N 10000
#define LONG_N 70000
#define HUGE_N 140000

/* n bytes of words, a newline (sent as CR, as Enter) after every tenth, ending in end. */
static char *words(size_t n, const char *end, bool cr)
{
	char *s = xmalloc(n + 1);
	size_t len = 0, elen = strlen(end);
	unsigned i = 0;

	while (len + 8 < n - elen) {
		char w[16];
		int k = snprintf(w, sizeof w, "w%05u%c", i % 100000, cr && i % 10 == 9 ? '\r' : ' ');

		memcpy(s + len, w, (size_t)k);
		len += (size_t)k;
		i++;
	}
	while (len < n - elen)
		s[len++] = 'x';
	memcpy(s + len, end, elen);
	len += elen;
	s[len] = '\0';
	return s;
}

static void open_reply(struct tc *tc, const char *title)
{
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: ", TC_WAIT_MS));
	TC_REQUIRE(tc_find(tc, title, NULL) > 0);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct tc_screen *sc;
	int64_t alice, tid;
	struct tc_cell cell;
	int r, c;

	tc_fixture_standard(&fx, &u, 110);
	st = bt_store_open(&fx);
	alice = bt_user_id(st, "alice");
	tc = bt_login(&fx, "alice", 80, 24);
	sc = tc_screen(tc);

	tc_note("a new discussion with CJK");
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, BT_GENERAL, 10));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_gone(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, BT_GENERAL, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "New discussion in " BT_GENERAL, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TITLE BT_TAB CJK) == 0);
	TC_CHECK(tc_wait_text(tc, CJK, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, CJK, TC_WAIT_MS));
	r = tc_find(tc, CJK, &c);
	TC_CHECK(tc_screen_cell(sc, r, c, &cell) && cell.width == 2 &&
		strcmp(cell.text, "\xe6\xbc\xa2") == 0);
	/* "漢字テスト" is five wide characters: the space after it is ten cells on. */
	TC_CHECK(tc_screen_cell(sc, r, c + 10, &cell) &&
		(strcmp(cell.text, "") == 0 || strcmp(cell.text, " ") == 0));
	TC_CHECK(tc_screen_cell(sc, r, c + 11, &cell) && strcmp(cell.text, "\xe4\xb8\xad") == 0);
	tid = bt_thread_by_title(st, alice, bt_board_id(st, "general"), TITLE);
	TC_REQUIRE(tid > 0);
	TC_CHECK(bt_count_posts_with(st, tid, CJK) == 1);

	/* The UI switches bracketed paste on, so terminals mark pastes (ESC [200~ ... 201~). */
	TC_CHECK(bt_bracketed_paste_on(tc));

	tc_note("a paste of %d bytes in one send", PASTE_N);
	{
		char *paste = words(PASTE_N, "ENDOFPASTE", true);
		char *want = xstrdup(paste);
		struct store_post *v = NULL;
		size_t n;

		for (char *p = want; *p; p++)
			if (*p == '\r')
				*p = '\n';
		open_reply(tc, TITLE);
		TC_REQUIRE(bt_paste(tc, paste, PASTE_N) == 0);
		TC_CHECK(tc_wait_text(tc, "ENDOFPASTE", TC_WAIT_MS));
		TC_CHECK(tc_find(tc, "Too long", NULL) < 0);
		TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
		TC_REQUIRE(tc_wait_gone(tc, "Reply to: ", TC_WAIT_MS));
		TC_CHECK(portal_wait_post(tc, 2, TC_WAIT_MS));
		n = bt_posts(st, tid, &v);
		TC_CHECK(n == 2);
		if (n == 2) {
			tc_note("stored %zu bytes", strlen(v[1].body));
			TC_CHECK(strlen(v[1].body) == PASTE_N);
			TC_CHECK(strcmp(v[1].body, want) == 0);
		}
		store_post_list_free(v, n);
		free(paste);
		free(want);
	}

	tc_note("a body of %d bytes: Too long, ^X refuses; Esc n keeps it, Esc y discards", LONG_N);
	{
		char *big = words(LONG_N, "BIGEND", false);

		open_reply(tc, TITLE);
		TC_REQUIRE(bt_paste(tc, big, LONG_N) == 0);
		TC_CHECK(tc_wait_text(tc, "BIGEND", TC_WAIT_MS));
		TC_CHECK(portal_wait_message(tc, "Too long: 70000 bytes, the limit is 65536",
			TC_WAIT_MS));
		/* Give the idle draft save (which refuses this size) time to run: nothing of the
		 * program's own log may reach the member's screen. */
		tc_wait_quiet(tc, 2500, 6000);
		if (!TC_CHECK(tc_find(tc, "warn:", NULL) < 0 && tc_find(tc, "bbs[", NULL) < 0))
			tc_screen_print(sc, "a log line on the member's screen");
		TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
		tc_wait_quiet(tc, 500, 5000);
		TC_CHECK(portal_wait_editor(tc, "Reply to: ", 100));
		TC_CHECK(tc_find(tc, "Too long", NULL) > 0);
		{
			struct store_post *v = NULL;
			size_t n = bt_posts(st, tid, &v);

			TC_CHECK(n == 2);
			store_post_list_free(v, n);
		}
		TC_REQUIRE(tc_send(tc, TC_KEY_ESC) == 0);
		TC_REQUIRE(tc_wait_text(tc, "Discard this draft? (y/n)", TC_WAIT_MS));
		TC_REQUIRE(tc_send(tc, "n") == 0);
		TC_CHECK(tc_wait_gone(tc, "Discard this draft?", TC_WAIT_MS));
		TC_CHECK(portal_wait_editor(tc, "Reply to: ", TC_WAIT_MS));
		TC_CHECK(tc_wait_text(tc, "BIGEND", TC_WAIT_MS));
		TC_REQUIRE(tc_send(tc, BT_CTRL_C) == 0);
		TC_REQUIRE(tc_wait_text(tc, "Discard this draft? (y/n)", TC_WAIT_MS));
		TC_REQUIRE(tc_send(tc, "y") == 0);
		TC_CHECK(tc_wait_gone(tc, "Reply to: ", TC_WAIT_MS));
		TC_CHECK(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
		free(big);
	}

	tc_note("a paste of %d bytes is refused whole", HUGE_N);
	{
		char *huge = words(HUGE_N, "HUGEEND", false);

		open_reply(tc, TITLE);
		TC_REQUIRE(bt_paste(tc, huge, HUGE_N) == 0);
		TC_CHECK(portal_wait_message(tc, "Paste too large", TC_WAIT_MS));
		tc_wait_quiet(tc, 300, 5000);
		TC_CHECK(tc_find(tc, "HUGEEND", NULL) < 0);
		TC_CHECK(tc_find(tc, "w00001", NULL) < 0);
		TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
		TC_CHECK(portal_wait_message(tc, "Write something first", TC_WAIT_MS));
		TC_REQUIRE(tc_send(tc, TC_KEY_ESC) == 0);
		/* Nothing was typed: Esc may close at once or ask; either way the view comes back. */
		tc_wait_quiet(tc, 300, 3000);
		if (tc_find(tc, "Discard this draft?", NULL) >= 0)
			TC_REQUIRE(tc_send(tc, "y") == 0);
		TC_CHECK(tc_wait_gone(tc, "Reply to: ", TC_WAIT_MS));
		free(huge);
	}
	{
		struct store_post *v = NULL;
		size_t n = bt_posts(st, tid, &v);

		TC_CHECK(n == 2);
		store_post_list_free(v, n);
	}
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	store_close(st);
	return tc_done();
}
