/*
 * e2e-resize: the UI follows the terminal. After a window-change to 100x30 and to 40x15
 * (on the menu and on a page) the rendered screen shows the menu laid out for the new size:
 * the top line spans the new width, every item is visible, the hints are on the new last
 * row. An unknown TERM still gets the menu. Small sizes are where layouts break, so each
 * check looks at positions, not only at text being somewhere.
 */
#include <stdio.h>
#include <string.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

static struct tc_fixture *g_fixture;   /* for diagnostics */

struct layout {
	const char *handle_role;
};

/* The whole menu laid out for the current size. */
static bool menu_fits(const struct tc_screen *sc, void *arg)
{
	const struct layout *l = arg;

	return portal_menu_shown(sc) && portal_top_line(sc, l->handle_role) &&
		portal_hints_last_row(sc) && portal_selected(sc) >= 0;
}

static void resize_to(struct tc *tc, int cols, int rows, const char *handle_role)
{
	struct layout l = { handle_role };
	char what[64];

	snprintf(what, sizeof what, "menu redrawn at %dx%d", cols, rows);
	tc_note("resize to %dx%d", cols, rows);
	TC_REQUIRE(tc_resize(tc, cols, rows) == 0);
	if (!TC_CHECK(tc_wait_pred(tc, menu_fits, &l, what, TC_WAIT_MS)))
		tc_fixture_print_ui_sizes(g_fixture);
}

static bool top_line_sysop(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	return portal_top_line(sc, "sysop (sysop)");
}

static void page_at_size(struct tc *tc, int cols, int rows)
{
	tc_note("a page at %dx%d, then resized to 80x24 and back", cols, rows);
	TC_REQUIRE(tc_resize(tc, cols, rows) == 0);
	TC_REQUIRE(portal_open(tc, PORTAL_ITEM_WHO));
	TC_REQUIRE(portal_wait_page(tc, portal_items[PORTAL_ITEM_WHO], TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "sysop (sysop)"));
	TC_REQUIRE(tc_resize(tc, 80, 24) == 0);
	/* The hints move to the new last row, the top line to the new width. */
	if (!TC_CHECK(portal_wait_page(tc, portal_items[PORTAL_ITEM_WHO], TC_WAIT_MS) &&
	    tc_wait_pred(tc, top_line_sysop, NULL, "top line at 80 columns", TC_WAIT_MS)))
		tc_fixture_print_ui_sizes(g_fixture);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct tc *tc;
	int status;

	tc_fixture_standard(&fx, &u, 110);
	g_fixture = &fx;
	tc = tc_login_password(&fx, "sysop", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	resize_to(tc, 100, 30, "sysop (sysop)");
	resize_to(tc, 40, 15, "sysop (sysop)");
	resize_to(tc, 80, 24, "sysop (sysop)");
	page_at_size(tc, 40, 15);
	/* Keys still work after the resizes. */
	TC_REQUIRE(portal_move_to(tc, 2, TC_KEY_DOWN, TC_KEY_UP));
	status = portal_logoff(tc, "q");
	TC_CHECK(status == 0);
	tc_close(tc);

	/* Starting small: the first screen already fits 40x15. */
	tc_note("login at 40x15");
	tc = tc_login_password(&fx, "sysop", TC_PASSWORD, "xterm", 40, 15);
	{
		struct layout l = { "sysop (sysop)" };

		TC_CHECK(tc_wait_pred(tc, menu_fits, &l, "menu at 40x15", TC_WAIT_MS));
	}
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	/* An unknown terminal type must not kill the UI. */
	tc_note("TERM=xyz-unknown-term");
	tc = tc_login_key(&fx, "alice", u.alice_key, "xyz-unknown-term", 80, 24);
	TC_CHECK(tc_wait_text(tc, PORTAL_MENU, TC_WAIT_MS));
	for (int i = 0; i < PORTAL_N_ITEMS; i++)
		TC_CHECK(tc_wait_text(tc, portal_items[i], TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	return tc_done();
}
