/*
 * portal.c: screen predicates and key sequences for the portal's UI (see portal.h).
 * Must never assume a fixed layout beyond the contract: positions are found by text.
 */
#include "tests/e2e/portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const portal_items[PORTAL_N_ITEMS] = {
	"Global response",
	"National response",
	"Technology solutions",
	"Discussion boards",
	"The challenge question",
	"Messages",
	"Member directory",
	"News and announcements",
	"Your account",
	"Who we are",
	"Log off",
};

bool portal_menu_shown(const struct tc_screen *sc)
{
	if (tc_screen_find(sc, PORTAL_MENU, NULL) < 0)
		return false;
	for (int i = 0; i < PORTAL_N_ITEMS; i++)
		if (tc_screen_find(sc, portal_items[i], NULL) < 0)
			return false;
	return true;
}

/* Finds the item's row, skipping row 0 (the title line) and the last row (hints). */
static int item_row(const struct tc_screen *sc, int item, int *col)
{
	int rows;

	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++) {
		*col = tc_screen_find_in_row(sc, r, portal_items[item]);
		if (*col >= 0)
			return r;
	}
	return -1;
}

static bool item_is_selected(const struct tc_screen *sc, int item)
{
	struct tc_cell cell;
	bool marker = false;
	int col, r = item_row(sc, item, &col);

	if (r < 0)
		return false;
	for (int c = 0; c < col && !marker; c++)
		marker = tc_screen_cell(sc, r, c, &cell) && strcmp(cell.text, ">") == 0;
	return marker && tc_screen_cell(sc, r, col, &cell) && cell.reverse;
}

int portal_selected(const struct tc_screen *sc)
{
	int found = -1;

	for (int i = 0; i < PORTAL_N_ITEMS; i++) {
		if (!item_is_selected(sc, i))
			continue;
		if (found >= 0)
			return -1;
		found = i;
	}
	return found;
}

bool portal_top_line(const struct tc_screen *sc, const char *handle_role)
{
	int cols, site, who;

	tc_screen_size(sc, &cols, NULL);
	site = tc_screen_find_in_row(sc, 0, PORTAL_SITE);
	who = tc_screen_find_in_row(sc, 0, handle_role);
	if (site < 0 || who < site + (int)strlen(PORTAL_SITE))
		return false;
	/* Left: the site name starts near the left edge. Right: the handle ends near the right. */
	return site <= 2 && who + (int)strlen(handle_role) >= cols - 2;
}

bool portal_hints_last_row(const struct tc_screen *sc)
{
	char buf[1024];
	int rows;

	tc_screen_size(sc, NULL, &rows);
	tc_screen_row(sc, rows - 1, buf, sizeof buf);
	return strstr(buf, PORTAL_HINT_HELP) != NULL;
}

/* The row of the menu's selection marker ('>' left of a reverse-video label), -1 if none. */
static int menu_marker_row(const struct tc_screen *sc)
{
	struct tc_cell cell;
	int rows;

	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++)
		for (int c = 0; c < 4; c++)
			if (tc_screen_cell(sc, r, c, &cell) && strcmp(cell.text, ">") == 0 &&
				tc_screen_cell(sc, r, c + 2, &cell) && cell.reverse)
				return r;
	return -1;
}

static bool menu_ready(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	/* The selection may rest on "Administration" (moderators, sysops): not in portal_items. */
	return portal_menu_shown(sc) && menu_marker_row(sc) >= 0 && portal_hints_last_row(sc);
}

/* The menu with the offer to go back to where the link dropped on its last row. */
static bool menu_resume_offer(const struct tc_screen *sc)
{
	int rows;

	tc_screen_size(sc, NULL, &rows);
	return portal_menu_shown(sc) && tc_screen_find_in_row(sc, rows - 1, PORTAL_RESUME_ASK) >= 0;
}

static bool menu_or_offer(const struct tc_screen *sc, void *arg)
{
	return menu_ready(sc, arg) || menu_resume_offer(sc);
}

bool portal_wait_menu(struct tc *tc, int ms)
{
	if (!tc_wait_pred(tc, menu_or_offer, NULL, "main menu with a selection and hints", ms))
		return false;
	if (!menu_resume_offer(tc_screen(tc)))
		return true;
	/* An earlier session of this member ended while a screen was open (tc_close counts as a
	 * dropped link): decline going back, as tests that want the menu expect it. */
	tc_note("declining the offer to go back to where the last session ended");
	if (tc_send(tc, "n") != 0)
		return false;
	return tc_wait_pred(tc, menu_ready, NULL, "main menu with a selection and hints", ms);
}

struct moved_arg {
	int from_row;
};

static bool menu_moved(const struct tc_screen *sc, void *arg)
{
	const struct moved_arg *ma = arg;
	int r = menu_marker_row(sc);

	return portal_menu_shown(sc) && r >= 0 && r != ma->from_row;
}

bool portal_move_to(struct tc *tc, int item, const char *down, const char *up)
{
	char what[128];
	int cur, steps = 0;
	bool go_down;

	if (!portal_wait_menu(tc, TC_WAIT_MS))
		return false;
	cur = portal_selected(tc_screen(tc));
	/* -1: on "Administration", which is right before "Your account". */
	go_down = cur < 0 ? item >= PORTAL_ITEM_ACCOUNT : cur < item;
	/* One key at a time, each confirmed on screen, so no key is lost to a redraw race.
	 * Moderators and sysops have an extra item ("Administration") that is not in
	 * portal_items: the selection may rest on it (cur -1) on the way. */
	while (cur != item) {
		struct moved_arg ma = { menu_marker_row(tc_screen(tc)) };

		if (++steps > PORTAL_N_ITEMS + 4)
			return false;
		if (tc_send(tc, go_down ? down : up) != 0)
			return false;
		snprintf(what, sizeof what, "selection moving towards \"%s\"", portal_items[item]);
		if (!tc_wait_pred(tc, menu_moved, &ma, what, TC_WAIT_MS))
			return false;
		cur = portal_selected(tc_screen(tc));
		if (cur >= 0)
			go_down = cur < item;
	}
	return true;
}

bool portal_open(struct tc *tc, int item)
{
	return portal_move_to(tc, item, "j", "k") && tc_send(tc, "\r") == 0;
}

struct page_arg {
	const char *title;
};

static bool page_shown(const struct tc_screen *sc, void *arg)
{
	const struct page_arg *pa = arg;

	return tc_screen_find(sc, PORTAL_MENU, NULL) < 0 &&
		tc_screen_find(sc, pa->title, NULL) >= 0 && portal_hints_last_row(sc);
}

bool portal_wait_page(struct tc *tc, const char *title, int ms)
{
	struct page_arg pa = { title };
	char what[128];

	snprintf(what, sizeof what, "page \"%s\"", title);
	return tc_wait_pred(tc, page_shown, &pa, what, ms);
}

int portal_logoff(struct tc *tc, const char *key)
{
	int status = -1;

	if (tc_send(tc, key) != 0 || !tc_wait_text(tc, PORTAL_LOGOFF_PROMPT, TC_WAIT_MS))
		return -1000;
	if (tc_send(tc, "y") != 0 || !tc_wait_exit(tc, &status, TC_WAIT_MS))
		return -1000;
	return status;
}

/* ================================================================ discussion boards */

/*
 * A wait that saw its condition, then let the redraw finish (curses may send one screen in
 * several writes): the checks that follow see the whole screen, not half of it.
 */
static bool settled(struct tc *tc, bool ok)
{
	if (ok)
		tc_wait_quiet(tc, 50, 1000);
	return ok;
}

static bool row_has_reverse(const struct tc_screen *sc, int r)
{
	struct tc_cell cell;
	int cols;

	tc_screen_size(sc, &cols, NULL);
	for (int c = 0; c < cols; c++)
		if (tc_screen_cell(sc, r, c, &cell) && cell.reverse)
			return true;
	return false;
}

static bool row_has_marker(const struct tc_screen *sc, int r)
{
	struct tc_cell cell;

	for (int c = 0; c < 3; c++)
		if (tc_screen_cell(sc, r, c, &cell) && strcmp(cell.text, ">") == 0)
			return true;
	return false;
}

int portal_list_selected_row(const struct tc_screen *sc)
{
	int rows;

	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++)
		if (row_has_marker(sc, r) && row_has_reverse(sc, r))
			return r;
	return -1;
}

bool portal_list_is_selected(const struct tc_screen *sc, const char *text)
{
	int r = portal_list_selected_row(sc);

	return r >= 0 && tc_screen_find_in_row(sc, r, text) >= 0;
}

struct sel_arg {
	const char *text;
	int from;   /* selected row before the key */
};

static bool selection_moved(const struct tc_screen *sc, void *arg)
{
	struct sel_arg *sa = arg;
	int r = portal_list_selected_row(sc);

	return r >= 0 && (r != sa->from || portal_list_is_selected(sc, sa->text));
}

bool portal_list_select(struct tc *tc, const char *text, int max_moves)
{
	char what[256];

	snprintf(what, sizeof what, "list selection on \"%s\"", text);
	for (int i = 0; i <= max_moves; i++) {
		struct sel_arg sa = { text, -1 };

		if (!tc_wait_pred(tc, selection_moved, &sa, "a list selection", TC_WAIT_MS))
			return false;
		tc_wait_quiet(tc, 50, 1000);   /* the whole redraw, not half of it */
		if (portal_list_is_selected(tc_screen(tc), text))
			return true;
		if (i == max_moves)
			break;
		sa.from = portal_list_selected_row(tc_screen(tc));
		if (tc_send(tc, "\033[B") != 0 ||
		    !tc_wait_pred(tc, selection_moved, &sa, what, TC_WAIT_MS))
			return false;
	}
	fprintf(stderr, "no selection on \"%s\" after %d moves\n", text, max_moves);
	tc_screen_print(tc_screen(tc), what);
	return false;
}

static bool heading_shown(const struct tc_screen *sc, void *arg)
{
	const char *heading = arg;

	if (tc_screen_find(sc, PORTAL_MENU, NULL) >= 0 || !portal_hints_last_row(sc))
		return false;
	for (int r = 1; r <= 3; r++)
		if (tc_screen_find_in_row(sc, r, heading) >= 0)
			return true;
	return false;
}

bool portal_wait_heading(struct tc *tc, const char *heading, int ms)
{
	char what[256];

	snprintf(what, sizeof what, "heading \"%s\" and hints", heading);
	return settled(tc, tc_wait_pred(tc, heading_shown, (void *)heading, what, ms));
}

static bool editor_shown(const struct tc_screen *sc, void *arg)
{
	const char *heading = arg;
	int rows;

	tc_screen_size(sc, NULL, &rows);
	if (tc_screen_find_in_row(sc, rows - 1, PORTAL_EDITOR_HINT) < 0)
		return false;
	for (int r = 1; r <= 3; r++)
		if (tc_screen_find_in_row(sc, r, heading) >= 0)
			return true;
	return false;
}

bool portal_wait_editor(struct tc *tc, const char *heading, int ms)
{
	char what[256];

	snprintf(what, sizeof what, "editor \"%s\" with \"" PORTAL_EDITOR_HINT "\"", heading);
	return settled(tc, tc_wait_pred(tc, editor_shown, (void *)heading, what, ms));
}

struct row_text {
	int from_bottom;   /* 1 = last row, 2 = the row above */
	const char *text;
};

static bool row_text_shown(const struct tc_screen *sc, void *arg)
{
	const struct row_text *rt = arg;
	int rows;

	tc_screen_size(sc, NULL, &rows);
	return tc_screen_find_in_row(sc, rows - rt->from_bottom, rt->text) >= 0;
}

bool portal_wait_message(struct tc *tc, const char *text, int ms)
{
	struct row_text rt = { 2, text };
	char what[256];

	snprintf(what, sizeof what, "message \"%s\" above the hints", text);
	return tc_wait_pred(tc, row_text_shown, &rt, what, ms);
}

bool portal_wait_bottom(struct tc *tc, const char *text, int ms)
{
	struct row_text rt = { 1, text };
	char what[256];

	snprintf(what, sizeof what, "\"%s\" on the last row", text);
	return tc_wait_pred(tc, row_text_shown, &rt, what, ms);
}

/* The seq of a post header on row r, or 0 when the row is not a header. */
static long header_seq(const struct tc_screen *sc, int r)
{
	char buf[2048];
	const char *p;
	char *end;
	long seq;

	tc_screen_row(sc, r, buf, sizeof buf);
	p = buf;
	if (*p == '>')
		p++;
	while (*p == ' ')
		p++;
	if (p - buf > 2 || *p != '#')
		return 0;
	seq = strtol(p + 1, &end, 10);
	if (end == p + 1 || *end != ' ' || seq <= 0)
		return 0;
	if (!strstr(end, " (") || !strchr(end, ')'))
		return 0;
	return seq;
}

int portal_post_row(const struct tc_screen *sc, long seq)
{
	int rows;

	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++)
		if (header_seq(sc, r) == seq)
			return r;
	return -1;
}

long portal_first_post(const struct tc_screen *sc, int *row)
{
	int rows;

	if (row)
		*row = -1;
	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++) {
		long seq = header_seq(sc, r);

		if (seq > 0) {
			if (row)
				*row = r;
			return seq;
		}
	}
	return 0;
}

long portal_current_post(const struct tc_screen *sc)
{
	struct tc_cell cell;
	int rows;

	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++) {
		long seq = header_seq(sc, r);

		if (seq > 0 && tc_screen_cell(sc, r, 0, &cell) && strcmp(cell.text, ">") == 0 &&
		    row_has_reverse(sc, r))
			return seq;
	}
	return 0;
}

static bool post_on_top(const struct tc_screen *sc, void *arg)
{
	int row;

	return portal_first_post(sc, &row) == *(long *)arg && row >= 1 && row <= 4 &&
		portal_hints_last_row(sc);
}

bool portal_wait_post_top(struct tc *tc, long seq, int ms)
{
	char what[128];

	snprintf(what, sizeof what, "post #%ld's header at the top of the view", seq);
	return settled(tc, tc_wait_pred(tc, post_on_top, &seq, what, ms));
}

static bool post_shown(const struct tc_screen *sc, void *arg)
{
	return portal_post_row(sc, *(long *)arg) > 0;
}

bool portal_wait_post(struct tc *tc, long seq, int ms)
{
	char what[128];

	snprintf(what, sizeof what, "post #%ld's header", seq);
	return settled(tc, tc_wait_pred(tc, post_shown, &seq, what, ms));
}

static bool post_is_current(const struct tc_screen *sc, void *arg)
{
	return portal_current_post(sc) == *(long *)arg;
}

bool portal_wait_current_post(struct tc *tc, long seq, int ms)
{
	char what[128];

	snprintf(what, sizeof what, "post #%ld as the current post", seq);
	return settled(tc, tc_wait_pred(tc, post_is_current, &seq, what, ms));
}

bool portal_thread_unread(const struct tc_screen *sc, const char *title)
{
	struct tc_cell cell;
	int col, r = -1, rows;

	tc_screen_size(sc, NULL, &rows);
	for (int i = 1; i < rows - 1 && r < 0; i++) {
		col = tc_screen_find_in_row(sc, i, title);
		if (col >= 0)
			r = i;
	}
	if (r < 0)
		return false;
	for (int c = 0; c < col; c++)
		if (tc_screen_cell(sc, r, c, &cell) && strcmp(cell.text, "*") == 0)
			return true;
	return false;
}

/* ================================================================ administration */

bool portal_open_admin(struct tc *tc)
{
	return portal_wait_menu(tc, TC_WAIT_MS) &&
		tc_wait_text(tc, PORTAL_ADMIN, TC_WAIT_MS) &&
		tc_send(tc, PORTAL_KEY_ADMIN) == 0 && portal_wait_heading(tc, PORTAL_ADMIN, TC_WAIT_MS);
}

struct tc *portal_connect_as(struct tc_fixture *fx, const char *user, const char *from)
{
	char err[512];
	struct tc *tc = tc_connect(fx, user, from, NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect as %s: %s", user, err);
	return tc;
}
