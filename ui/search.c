/*
 * search.c: the search results screen (heading "Search: <words>").
 *
 * Two rows per hit: the selection marker and the discussion's title (reverse video when
 * selected), the author's handle and the date; then the snippet, indented. Enter opens the
 * discussion with that post's header at the top. The hits come from store_search, already
 * ranked and bounded; this screen only shows them.
 *
 * Must never: read the store while drawing, or show a hit's text except through ui_draw_*.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>

struct search {
	struct ui_screen base;   /* first member */
	char *heading;
	struct store_hit *hits;
	size_t n;
	struct ui_select ls;     /* over hits; each takes two rows */
	/* layout */
	struct ui_rect rect;
	int heading_y, list_y;
};

static void search_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct search *se = (struct search *)s;

	se->rect = *r;
	bool roomy = r->rows >= 10;
	se->heading_y = r->y;
	se->list_y = r->y + (roomy ? 2 : 1);
	/* Keep the last body row for messages. */
	int rows = r->y + r->rows - (roomy ? 1 : 0) - se->list_y;
	se->ls.view = rows > 0 ? rows / 2 : 0;
	if (se->ls.view == 0 && rows > 0)
		se->ls.view = 1;
	ui_select_clamp(&se->ls);
}

static void search_draw(struct ui_screen *s, WINDOW *w)
{
	struct search *se = (struct search *)s;
	int cols = se->rect.cols;
	int bottom = se->rect.y + se->rect.rows;
	char when[UI_TIME_LEN], pos[48];

	if (cols <= 0)
		return;
	int hx = cols >= 40 ? 1 : 0, pos_w = 0;
	if (cols >= 40 && bbs_snprintf(pos, sizeof pos, "%d of %zu", se->ls.sel + 1, se->n) == 0) {
		pos_w = ui_draw_width(pos);
		ui_draw_str(w, se->heading_y, cols - 1 - pos_w, pos_w, pos, A_NORMAL);
	}
	ui_draw_str(w, se->heading_y, hx, cols - hx - (pos_w ? pos_w + 2 : 0), se->heading,
		ui_term_heading_attr());
	for (int k = 0; k < se->ls.view; k++) {
		int i = se->ls.top + k;
		if (i >= (int)se->n)
			break;
		const struct store_hit *h = &se->hits[i];
		int y = se->list_y + 2 * k;
		bool sel = i == se->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;

		/* Right: "handle  date"; the title gets what is left. */
		ui_format_time(h->created, when, sizeof when);
		int right = cols - 1;
		if (cols >= 60) {
			right -= UI_TIME_LEN - 1;
			ui_draw_str(w, y, right, UI_TIME_LEN - 1, when, A_NORMAL);
			right -= 2;
		}
		if (cols >= 40) {
			right -= 12;
			ui_draw_str(w, y, right, 12, h->author_handle, A_NORMAL);
			right -= 2;
		}
		int title_w = right - 2 + 1;
		if (title_w < 1)
			title_w = 1;
		if (sel)
			ui_draw_fill(w, y, 0, 2 + title_w, A_REVERSE);
		ui_draw_str(w, y, 0, 2, sel ? ">" : " ", attr);
		ui_draw_str(w, y, 2, title_w, h->thread_title, attr);
		if (y + 1 < bottom)
			ui_draw_str(w, y + 1, 4, cols - 5, h->snippet, A_NORMAL);
	}
}

static void search_cursor(struct ui_screen *s, int *y, int *x)
{
	struct search *se = (struct search *)s;
	*y = se->list_y + 2 * (se->ls.sel - se->ls.top);
	*x = 0;
}

static enum ui_result search_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct search *se = (struct search *)s;

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys se */
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (se->n > 0) {
			const struct store_hit *h = &se->hits[se->ls.sel];
			ui_app_push(app, ui_discussion_create(app, h->thread_id, h->seq));
		}
		return UI_RES_REDRAW;
	case UI_ACT_SEARCH:
		ui_nav_search(app);
		return UI_RES_REDRAW;
	default:
		return ui_select_action(&se->ls, action);
	}
}

static void search_destroy(struct ui_screen *s)
{
	struct search *se = (struct search *)s;

	if (!se)
		return;
	store_hit_list_free(se->hits, se->n);
	free(se->heading);
	free(se);
}

struct ui_screen *ui_search_create(const char *query, struct store_hit *hits, size_t n)
{
	struct search *se = xcalloc(1, sizeof *se);

	se->base.keymap = &ui_keymap_search;
	se->base.layout = search_layout;
	se->base.draw = search_draw;
	se->base.cursor = search_cursor;
	se->base.action = search_action;
	se->base.destroy = search_destroy;
	se->heading = xasprintf("Search: %s", query ? query : "");
	se->hits = hits;
	se->n = n;
	se->ls.total = n > 100000 ? 100000 : (int)n;
	return &se->base;
}
