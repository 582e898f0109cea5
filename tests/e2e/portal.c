/*
 * portal.c: screen predicates and key sequences for the portal's UI (see portal.h).
 * Must never assume a fixed layout beyond the contract: positions are found by text.
 */
#include "tests/e2e/portal.h"

#include <stdio.h>
#include <string.h>

const char *const portal_items[PORTAL_N_ITEMS] = {
	"Global response",
	"National response",
	"Technology solutions",
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

static bool menu_ready(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	return portal_menu_shown(sc) && portal_selected(sc) >= 0 && portal_hints_last_row(sc);
}

bool portal_wait_menu(struct tc *tc, int ms)
{
	return tc_wait_pred(tc, menu_ready, NULL, "main menu with a selection and hints", ms);
}

static bool selected_is(const struct tc_screen *sc, void *arg)
{
	return portal_menu_shown(sc) && portal_selected(sc) == *(int *)arg;
}

bool portal_move_to(struct tc *tc, int item, const char *down, const char *up)
{
	char what[128];
	int cur;

	if (!portal_wait_menu(tc, TC_WAIT_MS))
		return false;
	cur = portal_selected(tc_screen(tc));
	/* One key at a time, each confirmed on screen, so no key is lost to a redraw race. */
	while (cur != item) {
		int next = cur < item ? cur + 1 : cur - 1;

		if (tc_send(tc, cur < item ? down : up) != 0)
			return false;
		snprintf(what, sizeof what, "selection on \"%s\"", portal_items[next]);
		if (!tc_wait_pred(tc, selected_is, &next, what, TC_WAIT_MS))
			return false;
		cur = next;
	}
	return true;
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
