/*
 * portal.h: what the e2e tests know about the portal's screens (the contract of `bbs`):
 * the top line, the main menu and its selection marker, the log-off prompt, the hints line.
 * Kept apart from tclient so the harness stays generic. Never sends anything but keys.
 */
#ifndef BBS_TEST_PORTAL_H
#define BBS_TEST_PORTAL_H

#include <stdbool.h>

#include "tests/e2e/tclient.h"

#define PORTAL_SITE "Protectors' Portal"
#define PORTAL_MENU "Main menu"
#define PORTAL_LOGOFF_PROMPT "Log off? (y/n)"
#define PORTAL_HINT_HELP "? help"
#define PORTAL_N_ITEMS 5

/* The main menu items, in order (item N opens with digit N). */
extern const char *const portal_items[PORTAL_N_ITEMS];

/* "Main menu" and every item are on the screen. */
bool portal_menu_shown(const struct tc_screen *sc);
/*
 * The selected item: its row has a '>' left of the item name, and the name is drawn in
 * reverse video. Returns the index or -1 (also when more than one looks selected).
 */
int portal_selected(const struct tc_screen *sc);
/* Row 0 has the site name at the left and "handle (role)" right of it, in the right half. */
bool portal_top_line(const struct tc_screen *sc, const char *handle_role);
/* The last row shows the key hints, including "? help". */
bool portal_hints_last_row(const struct tc_screen *sc);

/* Waits for the main menu with every item and a selection. */
bool portal_wait_menu(struct tc *tc, int ms);
/*
 * Moves the selection to item with the given key strings (down/up) and waits until the
 * screen shows it selected. Returns false (screen printed) on a timeout.
 */
bool portal_move_to(struct tc *tc, int item, const char *down, const char *up);
/*
 * From a page: waits until the page with title is shown (the main menu heading gone,
 * title on screen, hints on the last row).
 */
bool portal_wait_page(struct tc *tc, const char *title, int ms);
/*
 * Logs off from the main menu with key (q or Esc), answers y and waits for the session to
 * end. Returns the exit status, or -1000 when the prompt or the exit did not come.
 */
int portal_logoff(struct tc *tc, const char *key);

#endif
