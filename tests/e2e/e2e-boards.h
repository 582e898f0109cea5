/*
 * e2e-boards.h: shared helpers of the discussion-board end-to-end tests (e2e-boards-*.c):
 * members with a full profile (bbsctl), the fixture's database opened through the store API
 * (to put content in and to check what was stored), and the key strings the boards use.
 * The SQL stays in store/: these helpers only call store_*(). Never used by the harness
 * itself (tclient) so that it stays independent of the store.
 */
#ifndef BBS_TEST_E2E_BOARDS_H
#define BBS_TEST_E2E_BOARDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

/* Keys. */
#define BT_CTRL_X "\030"
#define BT_CTRL_C "\003"
#define BT_CTRL_E "\005"
#define BT_TAB "\t"
#define BT_PGDN "\033[6~"
#define BT_PGUP "\033[5~"
#define BT_END "\033OF"
#define BT_HOME "\033OH"

/* Lists may cut long titles to fit: look rows up by this many bytes of a title. */
#define BT_LIST_PREFIX 20

/* Board names of the seed (the contract). */
#define BT_GENERAL "General discussion"

/*
 * `bbsctl user add HANDLE --role member --password-stdin` (password TC_PASSWORD) with the
 * display name, organisation and sector given (each may be NULL). Fails the test on error.
 */
void bt_user_add(struct tc_fixture *fx, const char *handle, const char *name, const char *org,
	const char *sector);

/* Opens DIR/portal.db with store_open. Fails the test on error. */
struct store *bt_store_open(const struct tc_fixture *fx);
/* The id of a user / of a board (by slug). Fail the test when absent. */
int64_t bt_user_id(struct store *st, const char *handle);
int64_t bt_board_id(struct store *st, const char *slug);
/* store_thread_create / store_post_reply that fail the test on error; return the new id
 * (the discussion's id for bt_thread). */
int64_t bt_thread(struct store *st, int64_t board_id, int64_t author, const char *title,
	const char *body);
int64_t bt_reply(struct store *st, int64_t thread_id, int64_t author, const char *body);
/* All posts of a discussion (heap array, free with store_post_list_free). */
size_t bt_posts(struct store *st, int64_t thread_id, struct store_post **v);
/* Posts of the discussion whose body contains needle. */
int bt_count_posts_with(struct store *st, int64_t thread_id, const char *needle);
/* The thread id with this exact title in the board (first page of 200), or 0. */
int64_t bt_thread_by_title(struct store *st, int64_t user_id, int64_t board_id,
	const char *title);

/* True when s holds a time "YYYY-MM-DD HH:MM". */
bool bt_has_datetime(const char *s);
/* Text of the row where text is (rows 1..rows-2) into buf; "" and false when absent. */
bool bt_row_with(struct tc *tc, const char *text, char *buf, size_t n, int *row);

/* Occurrences of needle in the rendered screen text. */
int bt_screen_count(const struct tc_screen *sc, const char *needle);

/*
 * Logs in with the password at cols x rows and waits for the main menu; fails the test
 * otherwise.
 */
struct tc *bt_login(struct tc_fixture *fx, const char *handle, int cols, int rows);

/*
 * Goes back to the main menu with q (at most 5 presses, each waited for); never presses q
 * on the main menu itself. Returns false (screen printed) when the menu does not come.
 */
bool bt_back_to_menu(struct tc *tc);
/* Opens the discussion with title from the main menu: 4, the board, the discussion. */
bool bt_open_discussion(struct tc *tc, const char *board, const char *title);

/* True when the UI's output last switched bracketed paste mode on (ESC [?2004h). */
bool bt_bracketed_paste_on(struct tc *tc);
/*
 * Sends text as a terminal sends a paste in bracketed paste mode: ESC [200~ text ESC [201~,
 * with one tc_send_n for the text. Returns 0 or -1.
 */
int bt_paste(struct tc *tc, const char *text, size_t n);

#endif
