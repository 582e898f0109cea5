/*
 * e2e-menu: the main menu and the pages behind it, driven like a member would. Each of the
 * three focus areas, "Discussion boards", "The challenge question", "Member directory", "News
 * and announcements" and "Who we are" opens and closes, reached with CSI arrows, SS3 arrows,
 * j/k and digits (items 10 and 11 have no digit); q and Esc go back; ? opens the help screen and q closes it; Esc then n
 * keeps the session; q then y logs off with exit status 0.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

static void open_and_close(struct tc *tc, int item, const char *open_key,
	const char *back_key)
{
	struct tc_screen *sc = tc_screen(tc);

	tc_note("open \"%s\" with %s, back with %s", portal_items[item],
		open_key[0] == '\r' ? "Enter" : open_key, back_key[0] == '\033' ? "Esc" : back_key);
	TC_REQUIRE(tc_send(tc, open_key) == 0);
	TC_REQUIRE(portal_wait_page(tc, portal_items[item], TC_WAIT_MS));
	/* The page keeps the top line and shows its title as the heading. */
	if (!TC_CHECK(portal_top_line(sc, "sysop (sysop)")))
		tc_screen_print(sc, "top line on a page");
	TC_CHECK(tc_screen_find(sc, portal_items[item], NULL) > 0);
	TC_REQUIRE(tc_send(tc, back_key) == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
}

/*
 * The help screen: a "Help" heading, the menu items gone, and key hints on the last row
 * that tell how to close it.
 */
static bool help_shown(const struct tc_screen *sc, void *arg)
{
	char last[1024];
	int rows, r;

	(void)arg;
	tc_screen_size(sc, NULL, &rows);
	r = tc_screen_find(sc, "Help", NULL);
	tc_screen_row(sc, rows - 1, last, sizeof last);
	return r > 0 && r < rows - 1 && tc_screen_find(sc, portal_items[0], NULL) < 0 &&
		strstr(last, "q") != NULL;
}

static void help(struct tc *tc)
{
	tc_note("? opens help, q closes it");
	TC_REQUIRE(tc_send(tc, "?") == 0);
	TC_REQUIRE(tc_wait_pred(tc, help_shown, NULL, "help screen", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Help", NULL) < 0);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct tc *tc;
	int status;

	tc_fixture_standard(&fx, &u, 110);
	tc = tc_login_password(&fx, "sysop", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_selected(tc_screen(tc)) == 0);

	/* CSI arrows. */
	TC_REQUIRE(portal_move_to(tc, 1, TC_KEY_DOWN, TC_KEY_UP));
	TC_REQUIRE(portal_move_to(tc, 0, TC_KEY_DOWN, TC_KEY_UP));
	open_and_close(tc, 0, TC_KEY_ENTER, "q");
	/* SS3 arrows (what ncurses' keypad mode expects). */
	TC_REQUIRE(portal_move_to(tc, 2, TC_KEY_DOWN_SS3, TC_KEY_UP_SS3));
	TC_REQUIRE(portal_move_to(tc, 1, TC_KEY_DOWN_SS3, TC_KEY_UP_SS3));
	open_and_close(tc, 1, TC_KEY_ENTER, TC_KEY_ESC);
	/* vi keys. */
	TC_REQUIRE(portal_move_to(tc, 3, "j", "k"));
	TC_REQUIRE(portal_move_to(tc, 2, "j", "k"));
	open_and_close(tc, 2, TC_KEY_ENTER, "q");
	TC_REQUIRE(portal_move_to(tc, PORTAL_ITEM_BOARDS, "j", "k"));
	open_and_close(tc, PORTAL_ITEM_BOARDS, TC_KEY_ENTER, TC_KEY_ESC);
	TC_REQUIRE(portal_move_to(tc, PORTAL_ITEM_CHALLENGE, "j", "k"));
	open_and_close(tc, PORTAL_ITEM_CHALLENGE, TC_KEY_ENTER, "q");
	TC_REQUIRE(portal_move_to(tc, PORTAL_ITEM_WHO, "j", "k"));
	open_and_close(tc, PORTAL_ITEM_WHO, TC_KEY_ENTER, TC_KEY_ESC);
	/* Digits open item N directly, whatever is selected. */
	open_and_close(tc, 0, "1", "q");
	open_and_close(tc, 1, "2", "q");
	open_and_close(tc, 2, "3", TC_KEY_ESC);
	open_and_close(tc, PORTAL_ITEM_BOARDS, PORTAL_KEY_BOARDS, "q");
	open_and_close(tc, PORTAL_ITEM_CHALLENGE, PORTAL_KEY_CHALLENGE, TC_KEY_ESC);
	open_and_close(tc, PORTAL_ITEM_DIRECTORY, PORTAL_KEY_DIRECTORY, "q");
	open_and_close(tc, PORTAL_ITEM_NEWS, PORTAL_KEY_NEWS, TC_KEY_ESC);

	help(tc);

	/* Esc asks to log off; n keeps the session. */
	tc_note("Esc then n stays; q then y logs off");
	TC_REQUIRE(tc_send(tc, TC_KEY_ESC) == 0);
	TC_REQUIRE(tc_wait_text(tc, PORTAL_LOGOFF_PROMPT, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_REQUIRE(tc_wait_gone(tc, PORTAL_LOGOFF_PROMPT, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	status = portal_logoff(tc, "q");
	TC_CHECK(status == 0);
	tc_note("session used %llu bytes, exit status %d", (unsigned long long)tc_bytes(tc),
		status);
	tc_close(tc);

	/* The "Log off" menu item does the same. */
	tc = tc_login_password(&fx, "sysop", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_move_to(tc, PORTAL_ITEM_LOGOFF, TC_KEY_DOWN, TC_KEY_UP));
	tc_note("Log off item, then y");
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	/* The item may ask first (answer y) or log off at once; either way status 0. */
	{
		int64_t deadline = tc_now_ms() + TC_WAIT_MS;
		bool closed = false;

		while (tc_find(tc, PORTAL_LOGOFF_PROMPT, NULL) < 0 && tc_now_ms() < deadline) {
			if (tc_pump(tc, 50) < 0) {
				closed = true;
				break;
			}
		}
		if (!closed) {
			TC_REQUIRE(tc_find(tc, PORTAL_LOGOFF_PROMPT, NULL) >= 0);
			TC_REQUIRE(tc_send(tc, "y") == 0);
		}
	}
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 0);
	tc_close(tc);
	return tc_done();
}
