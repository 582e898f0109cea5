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
/* After a session that ended by a dropped link: the first question after login (ui/resume.c);
 * portal_wait_menu answers it n. */
#define PORTAL_RESUME_ASK "Go back to where you were ("
#define PORTAL_N_ITEMS 11
/* Indexes into portal_items (digit = index + 1 for the first nine), and the digits that open
 * them. "Who we are" and "Log off" have no digit: portal_open() moves to them. */
#define PORTAL_ITEM_BOARDS 3
#define PORTAL_ITEM_CHALLENGE 4
#define PORTAL_ITEM_MESSAGES 5
#define PORTAL_ITEM_DIRECTORY 6
#define PORTAL_ITEM_NEWS 7
#define PORTAL_ITEM_ACCOUNT 8
#define PORTAL_ITEM_WHO 9
#define PORTAL_ITEM_LOGOFF 10
#define PORTAL_KEY_BOARDS "4"
#define PORTAL_KEY_CHALLENGE "5"
#define PORTAL_KEY_MESSAGES "6"
#define PORTAL_KEY_DIRECTORY "7"
#define PORTAL_KEY_NEWS "8"
#define PORTAL_KEY_ACCOUNT "9"

/* Moderators and sysops have one more item, "Administration", right before "Your account"
 * (so for them it is item 9 and "Your account" has no digit); it is not in portal_items.
 * portal_move_to / portal_open step over it. */
#define PORTAL_ADMIN "Administration"
#define PORTAL_KEY_ADMIN "9"

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

/*
 * From the main menu: moves the selection to item (j/k, each move confirmed on screen) and
 * presses Enter. Returns false (screen printed) when the menu or a move did not come.
 */
bool portal_open(struct tc *tc, int item);

/* Waits for the main menu with every item and a selection; an offer to go back to where the
 * last session ended (PORTAL_RESUME_ASK) is answered n first. */
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
/* Connects as user from the address from (NULL: the default) with no key file, and fails the
 * test (tc_fail) when that is refused; never NULL. */
struct tc *portal_connect_as(struct tc_fixture *fx, const char *user, const char *from);

/* ---------------------------------------------------------------- discussion boards */

#define PORTAL_BOARDS "Discussion boards"
#define PORTAL_EDITOR_HINT "^X send"

/*
 * The selected row of a list (board list, discussion list, search results): a '>' in one of
 * its first three columns and reverse video on the row. Only rows 1..rows-2 count (not the
 * top line nor the hints). Returns the row or -1.
 */
int portal_list_selected_row(const struct tc_screen *sc);
/* True when the row with text (rows 1..rows-2) is the selected row. */
bool portal_list_is_selected(const struct tc_screen *sc, const char *text);
/*
 * Moves the list selection with Down (at most max_moves presses, each confirmed on screen)
 * until the row showing text is selected. Returns false (screen printed) otherwise.
 */
bool portal_list_select(struct tc *tc, const char *text, int max_moves);
/*
 * Waits for a screen other than the main menu whose heading (rows 1..3) contains heading,
 * with the key hints on the last row.
 */
bool portal_wait_heading(struct tc *tc, const char *heading, int ms);
/* Waits for the editor: heading on rows 1..3 and "^X send" on the last row. */
bool portal_wait_editor(struct tc *tc, const char *heading, int ms);
/* Waits for text on the message row (the row above the hints). */
bool portal_wait_message(struct tc *tc, const char *text, int ms);
/* Waits for text on the last row. */
bool portal_wait_bottom(struct tc *tc, const char *text, int ms);
/*
 * Post headers in a discussion view: a row that starts (after an optional '>' marker in
 * column 0) with "#SEQ " and holds "(handle)". Returns the row of post seq, or -1.
 */
int portal_post_row(const struct tc_screen *sc, long seq);
/* The seq of the topmost post header on screen (0 if none); *row gets its row if not NULL. */
long portal_first_post(const struct tc_screen *sc, int *row);
/* The seq of the current post: its header has '>' in column 0 and reverse video; 0 if none. */
long portal_current_post(const struct tc_screen *sc);
/*
 * Waits until post seq's header is the first header on screen and at the top of the body
 * area (row 1..4, right under the heading).
 */
bool portal_wait_post_top(struct tc *tc, long seq, int ms);
/* Waits until post seq's header is on screen. */
bool portal_wait_post(struct tc *tc, long seq, int ms);
/* Waits until post seq is the current post. */
bool portal_wait_current_post(struct tc *tc, long seq, int ms);
/* In a discussion list: the row with title has the unread marker '*' left of the title. */
bool portal_thread_unread(const struct tc_screen *sc, const char *title);

/* ---------------------------------------------------------------- administration */

/* From the main menu of a moderator or sysop: opens "Administration" with its digit and waits
 * for its heading. */
bool portal_open_admin(struct tc *tc);

#endif
