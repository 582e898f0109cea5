/*
 * e2e-quickexit: the quick-exit key (^\, byte 0x1C) on the main menu, in a discussion view
 * and in the editor with text typed: one key, no prompt, the session ends with status 0 within
 * a couple of seconds, the output ends with the scrollback wipe (ESC [3J), and the rendered
 * screen shows nothing at all afterwards (no portal text). The text typed in the editor is
 * kept as a draft. The help screens and the main menu's hints name the key.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "store/store.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define QUICK "\034"
#define TITLE "Quick exit from a discussion"
#define TYPED "Half a sentence I may want back"
#define BOARD "National action"

/* Every row of the rendered screen is blank. */
static bool screen_blank(struct tc *tc)
{
	const struct tc_screen *sc = tc_screen(tc);
	char row[2048];
	int cols = 0, rows = 0;

	tc_screen_size(sc, &cols, &rows);

	for (int r = 0; r < rows; r++) {
		tc_row(tc, r, row, sizeof row);
		for (const char *p = row; *p; p++)
			if (*p != ' ') {
				tc_screen_print(sc, "not blank after the quick exit");
				return false;
			}
	}
	return true;
}

/* The raw output has the scrollback wipe (ESC [3J), and after the last one nothing but control
 * sequences and blanks. */
static bool output_wiped(struct tc *tc)
{
	size_t n = 0;
	const char *out = tc_output(tc, &n);
	size_t last = n;

	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(out + i, "\033[3J", 4) == 0)
			last = i;
	if (last == n) {
		tc_note("no ESC [3J in the output");
		return false;
	}
	for (size_t i = last; i < n; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c == 0x1B && i + 1 < n) {
			i++;
			if (out[i] == '[' || out[i] == '(' || out[i] == ')') {
				/* parameters and intermediates, then one final byte */
				while (i + 1 < n && ((unsigned char)out[i + 1] < 0x40 ||
					(unsigned char)out[i + 1] > 0x7E))
					i++;
				i++;
			}
			continue;
		}
		if (c > 0x20) {
			tc_note("printable byte 0x%02x after the wipe", c);
			return false;
		}
	}
	return true;
}

/* Sends the key and checks that the session ends at once, with status 0 and a blank screen. */
static void quick_exit(struct tc *tc, const char *where)
{
	int status = -1;

	tc_note("quick exit from %s", where);
	int64_t t0 = tc_now_ms();
	TC_REQUIRE(tc_send(tc, QUICK) == 0);
	TC_CHECK(tc_wait_exit(tc, &status, 5000));
	int64_t took = tc_now_ms() - t0;
	tc_note("%s: exit status %d after %lld ms", where, status, (long long)took);
	TC_CHECK(status == 0);
	TC_CHECK(took < 2000);
	TC_CHECK(screen_blank(tc));
	TC_CHECK(tc_find(tc, PORTAL_SITE, NULL) < 0);
	TC_CHECK(output_wiped(tc));
	tc_close(tc);
}

static bool open_discussion(struct tc *tc)
{
	return tc_send(tc, PORTAL_KEY_BOARDS) == 0 &&
		portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS) &&
		portal_list_select(tc, BOARD, 12) &&
		tc_send(tc, TC_KEY_ENTER) == 0 &&
		tc_wait_gone(tc, PORTAL_BOARDS, TC_WAIT_MS) &&
		portal_wait_heading(tc, BOARD, TC_WAIT_MS) &&
		portal_list_select(tc, "Quick exit from", 30) &&
		tc_send(tc, TC_KEY_ENTER) == 0 &&
		portal_wait_heading(tc, TITLE, TC_WAIT_MS);
}

static struct tc *login(struct tc_fixture *fx, int cols)
{
	struct tc *tc = tc_login_password(fx, "alice", TC_PASSWORD, "xterm-256color", cols, 24);

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
	TC_REQUIRE(store_thread_create(st, board, sysop->id, TITLE, "Press ^\\ to try it.", NULL,
		&tid, &pid) == 0);

	/* The key is documented: on the main menu's hints and in help. */
	struct tc *tc = login(&fx, 120);
	TC_CHECK(portal_wait_bottom(tc, "^\\ quick exit", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "?") == 0);
	TC_CHECK(tc_wait_text(tc, "Quick exit", TC_WAIT_MS));
	quick_exit(tc, "the help screen");

	quick_exit(login(&fx, 80), "the main menu");

	tc = login(&fx, 80);
	TC_REQUIRE(open_discussion(tc));
	quick_exit(tc, "a discussion view");

	tc = login(&fx, 80);
	TC_REQUIRE(open_discussion(tc));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TYPED) == 0);
	TC_REQUIRE(tc_wait_text(tc, TYPED, TC_WAIT_MS));
	quick_exit(tc, "the editor");

	/* What was typed is kept as a draft (the member may want it back). */
	snprintf(ctx, sizeof ctx, "reply:%lld", (long long)tid);
	int rc = store_draft_get(st, alice->id, ctx, &d);
	if (!TC_CHECK(rc == 0 && d.body && strcmp(d.body, TYPED) == 0))
		tc_note("draft %s: rc %d body \"%s\"", ctx, rc, rc == 0 && d.body ? d.body : "");
	store_draft_finish(&d);

	store_user_free(alice);
	store_user_free(sysop);
	store_close(st);
	return tc_done();
}
