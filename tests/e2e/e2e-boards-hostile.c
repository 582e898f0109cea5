/*
 * e2e-boards-hostile: a post cannot drive another member's terminal. The same hostile text
 * (ESC [2J, ESC [H, cursor moves, an OSC 52 clipboard write, an OSC 0 title change,
 * bracketed-paste markers, C1 CSI both as U+009B and as a raw 0x9b byte, invalid UTF-8, a
 * zero-width space and a U+202E bidi override) goes in twice: through the store API (post
 * #2) and typed into the editor by alice (post #3, pasted as a terminal would). A discussion
 * with a hostile title goes in through the store too. Then carol opens the board and the
 * discussion: the top line, the heading and the hints are where they belong, the posts
 * around the hostile ones are intact and in order, the hostile text shows as harmless
 * visible text ("^[" caret notation), the terminal saw no title change, no OSC 52 and no
 * DCS, the bytes sent were valid UTF-8 with no OSC, and what the store holds is clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"
#include "text/text.h"

#define TITLE "Escape sequence drill"
#define EVIL_TITLE "Evil\033]0;t2\007\033[2J title"
#define CANARY1 "canary-one: the post before the hostile ones."
#define CANARY2 "canary-two: the post after the hostile ones."
/* No 'y' in it: a stray y/n prompt must not be what saves or loses the text. */
#define HOSTILE \
	"HOSTILE-START clear\033[2J home\033[H move\033[10;10H up\033[5A " \
	"clip\033]52;c;aGk=\007 title\033]0;pwned-title\007 " \
	"paste\033[200~inside\033[201~ c1\xc2\x9b" "31m raw\x9b" "31m bad\xff\xfe" "utf " \
	"zw\xe2\x80\x8bx bidi\xe2\x80\xae" "reversed HOSTILE-END"

/* Output bytes from off on: valid UTF-8, no OSC, no DCS. */
static void check_bytes(struct tc *tc, size_t off)
{
	size_t n = 0;
	const char *out = tc_output(tc, &n);
	size_t len = n > off ? n - off : 0;
	bool osc = false, dcs = false;

	for (size_t i = off; i + 1 < n; i++) {
		osc |= out[i] == '\033' && out[i + 1] == ']';
		dcs |= out[i] == '\033' && out[i + 1] == 'P';
	}
	tc_note("%zu bytes sent to carol's terminal for the view", len);
	TC_CHECK(!osc);
	TC_CHECK(!dcs);
	TC_CHECK(text_utf8_valid(out + off, len));
	TC_CHECK(memmem(out + off, len, "\033[200~", 6) == NULL);
	TC_CHECK(memmem(out + off, len, "pwned-title\007", 12) == NULL);
}

static void check_events(struct tc *tc, const char *where)
{
	struct tc_screen_events ev;

	tc_screen_events(tc_screen(tc), &ev);
	if (!TC_CHECK(ev.titles == 0 && ev.oscs == 0 && ev.dcss == 0))
		tc_note("%s: %d title changes (last \"%s\"), %d OSC (last \"%s\"), %d DCS", where,
			ev.titles, ev.title, ev.oscs, ev.osc, ev.dcss);
}

/* alice types the hostile text into a reply (as a paste) and sends it. */
static void alice_types(struct tc_fixture *fx, int64_t tid, struct store *st)
{
	struct tc *tc = bt_login(fx, "alice", 100, 30);
	const char *text = "TYPED-START " HOSTILE " TYPED-END";

	TC_REQUIRE(bt_open_discussion(tc, BT_GENERAL, TITLE));
	TC_REQUIRE(tc_wait_text(tc, "HOSTILE-START", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_REQUIRE(bt_paste(tc, text, strlen(text)) == 0);
	TC_CHECK(tc_wait_text(tc, "TYPED-END", TC_WAIT_MS));
	tc_wait_quiet(tc, 300, 3000);
	if (!TC_CHECK(tc_find(tc, "Discard this draft?", NULL) < 0)) {
		tc_screen_print(tc_screen(tc), "the editor took typed text as a command");
		TC_REQUIRE(tc_send(tc, "n") == 0);
		TC_REQUIRE(tc_wait_gone(tc, "Discard this draft?", TC_WAIT_MS));
	}
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "TYPED-START", NULL) > 0);
	check_events(tc, "alice's editor");
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_CHECK(portal_wait_post(tc, 3, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "TYPED-END", TC_WAIT_MS));
	check_events(tc, "alice's view");
	TC_CHECK(bt_count_posts_with(st, tid, "TYPED-START") == 1);
	TC_CHECK(bt_count_posts_with(st, tid, "TYPED-END") == 1);
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void carol_reads(struct tc_fixture *fx, const char *evil_shown)
{
	struct tc *tc = bt_login(fx, "carol", 100, 40);
	struct tc_screen *sc = tc_screen(tc);
	size_t off = 0;
	int r[4], c1, h1, h2, t1, c2, hx;

	tc_output(tc, &off);
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, BT_GENERAL, 10));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_gone(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, BT_GENERAL, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, TITLE, TC_WAIT_MS));
	tc_note("the discussion list with a hostile title");
	TC_CHECK(tc_wait_text(tc, evil_shown, TC_WAIT_MS));
	TC_CHECK(portal_top_line(sc, "carol (member)"));
	TC_CHECK(portal_hints_last_row(sc));
	check_events(tc, "discussion list");

	TC_REQUIRE(portal_list_select(tc, TITLE, 5));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, CANARY2, TC_WAIT_MS));
	tc_wait_quiet(tc, 200, 3000);
	tc_screen_print(sc, "carol reads the hostile discussion");

	/* The frame: top line, heading, hints. */
	TC_CHECK(portal_top_line(sc, "carol (member)"));
	TC_CHECK(portal_hints_last_row(sc));
	hx = -1;
	for (int i = 1; i <= 3 && hx < 0; i++)
		if (tc_screen_find_in_row(sc, i, TITLE) >= 0)
			hx = i;
	TC_CHECK(hx > 0);
	/* The four posts in order, the canaries intact under their headers. */
	for (int i = 0; i < 4; i++)
		r[i] = portal_post_row(sc, i + 1);
	tc_note("headers at rows %d %d %d %d", r[0], r[1], r[2], r[3]);
	TC_CHECK(r[0] > hx && r[1] > r[0] && r[2] > r[1] && r[3] > r[2]);
	c1 = tc_find(tc, CANARY1, NULL);
	h1 = tc_find(tc, "HOSTILE-START", NULL);
	h2 = tc_find(tc, "HOSTILE-END", NULL);
	t1 = tc_find(tc, "TYPED-START", NULL);
	c2 = tc_find(tc, CANARY2, NULL);
	TC_CHECK(c1 == r[0] + 1);
	TC_CHECK(h1 == r[1] + 1);
	TC_CHECK(h2 >= h1 && h2 < r[2]);
	TC_CHECK(t1 == r[2] + 1);
	TC_CHECK(c2 == r[3] + 1);
	/* The hostile text is visible and harmless. */
	TC_CHECK(bt_screen_count(sc, "^[") >= 8);   /* post #2 has eight ESCs */
	TC_CHECK(tc_find(tc, "clear^[[2J", NULL) > 0);
	TC_CHECK(tc_find(tc, "^[]52;c;aGk=^G", NULL) > 0);
	TC_CHECK(tc_find(tc, "pwned-title", NULL) > 0);
	TC_CHECK(tc_find(tc, "zwx", NULL) > 0);             /* zero-width space removed */
	TC_CHECK(tc_find(tc, "bidireversed", NULL) > 0);    /* U+202E removed */
	TC_CHECK(bt_screen_count(sc, "\xe2\x80\xae") == 0);
	TC_CHECK(bt_screen_count(sc, "\xe2\x80\x8b") == 0);
	TC_CHECK(bt_screen_count(sc, "\xc2\x9b") == 0);
	check_events(tc, "discussion view");
	check_bytes(tc, off);

	/* Paging over it keeps the frame too. */
	TC_REQUIRE(tc_send(tc, "G") == 0);
	tc_wait_quiet(tc, 200, 3000);
	TC_REQUIRE(tc_send(tc, "g") == 0);
	TC_CHECK(portal_wait_post_top(tc, 1, TC_WAIT_MS));
	TC_CHECK(portal_top_line(sc, "carol (member)"));
	check_events(tc, "after paging");
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	int64_t sysop, board, tid, evil;
	struct store_thread et = { 0 };
	struct store_post *v = NULL;
	size_t n;

	tc_fixture_standard(&fx, &u, 110);
	bt_user_add(&fx, "carol", "Carol Jones", "Hotline Network", "Civil society");
	st = bt_store_open(&fx);
	sysop = bt_user_id(st, "sysop");
	board = bt_board_id(st, "general");
	tid = bt_thread(st, board, sysop, TITLE, CANARY1);
	bt_reply(st, tid, sysop, HOSTILE);
	evil = bt_thread(st, board, sysop, EVIL_TITLE, "A discussion with a hostile title.");
	TC_REQUIRE(store_thread_get(st, sysop, evil, &et) == 0);
	tc_note("hostile title stored as \"%s\"", et.title);
	TC_CHECK(text_is_clean(et.title, 0));
	TC_CHECK(strchr(et.title, '\033') == NULL);

	alice_types(&fx, tid, st);
	bt_reply(st, tid, sysop, CANARY2);

	/* What the store holds is clean, with the escapes as caret notation. */
	n = bt_posts(st, tid, &v);
	TC_CHECK(n == 4);
	for (size_t i = 0; i < n; i++) {
		TC_CHECK(text_is_clean(v[i].body, TEXT_MULTILINE));
		TC_CHECK(strchr(v[i].body, '\033') == NULL);
	}
	if (n == 4) {
		tc_note("stored #2: %s", v[1].body);
		tc_note("stored #3: %s", v[2].body);
		TC_CHECK(strstr(v[1].body, "^[[2J") != NULL);
		TC_CHECK(strstr(v[2].body, "TYPED-START") != NULL);
	}
	store_post_list_free(v, n);

	/* The shown title: the first 20 bytes of the stored (clean) title are enough. */
	{
		char shown[21];

		bbs_strlcpy(shown, et.title, sizeof shown);
		carol_reads(&fx, shown);
	}
	store_thread_finish(&et);
	store_close(st);
	return tc_done();
}
