/*
 * boards.c: the board list: every board ("Discussion boards", from the main menu) or one
 * focus area's boards ("Boards: <area>", from the area's page).
 *
 * One row per board: the selection marker and the name (reverse video when selected), the
 * number of discussions and, when there are any, the unread ones; the description on the row
 * when it fits, else the selected board's description under the list. There are only a few
 * boards, so the list is read whole (store_board_list) when it opens and whenever it is on top
 * again (counts change as the member reads and writes).
 *
 * Must never: read the store while drawing, or let the selection leave the list.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>

struct boards {
	struct ui_screen base;   /* first member */
	int64_t area_id;         /* -1 for all boards */
	char *heading;
	struct store_board *v;
	size_t n;
	char (*counts)[64];      /* "N discussions  M unread" per board */
	struct ui_select ls;
	/* layout */
	struct ui_rect rect;
	int margin, heading_y, list_y, name_w, counts_w;
	int desc_y;              /* the description under the list, -1 when on the rows */
	bool desc_on_row;
};

static void boards_load(struct boards *b, struct ui_app *app)
{
	int64_t keep = b->n > 0 && b->ls.sel < (int)b->n ? b->v[b->ls.sel].id : 0;

	store_board_list_free(b->v, b->n);
	free(b->counts);
	b->v = NULL;
	b->n = 0;
	b->counts = NULL;
	int r = store_board_list(app->st, app->user->id, b->area_id, &b->v, &b->n);
	if (r != 0) {
		log_warn("board list: %s", bbs_strerror(r));
		ui_app_message(app, "Could not read the boards, please try again");
		b->v = NULL;
		b->n = 0;
	}
	b->counts = xcalloc(b->n ? b->n : 1, sizeof b->counts[0]);
	for (size_t i = 0; i < b->n; i++) {
		char threads[32];
		ui_format_count(b->v[i].threads, "discussion", "discussions", threads, sizeof threads);
		int f = b->v[i].unread > 0
			? bbs_snprintf(b->counts[i], sizeof b->counts[i], "%s  %lld unread", threads,
				(long long)b->v[i].unread)
			: bbs_snprintf(b->counts[i], sizeof b->counts[i], "%s", threads);
		(void)f; /* both fit: numbers are short */
		if (keep && b->v[i].id == keep)
			b->ls.sel = (int)i;
	}
	b->ls.total = (int)b->n;
	ui_select_clamp(&b->ls);
	b->base.laid_rows = -1; /* widths may have changed: lay out again */
}

static void boards_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct boards *b = (struct boards *)s;

	b->rect = *r;
	b->margin = r->cols >= 40 ? 1 : 0;
	int width = r->cols - 2 * b->margin;
	bool roomy = ui_draw_roomy(r->rows, 10);
	b->heading_y = r->y;
	b->list_y = r->y + (roomy ? 2 : 1);

	b->name_w = 0;
	b->counts_w = 0;
	for (size_t i = 0; i < b->n; i++) {
		int w = ui_draw_width(b->v[i].name);
		if (w > b->name_w)
			b->name_w = w;
		w = ui_draw_width(b->counts[i]);
		if (w > b->counts_w)
			b->counts_w = w;
	}
	if (b->name_w > width / 2)
		b->name_w = width / 2;
	/* The description on the row only where a useful part of it fits. */
	b->desc_on_row = width - (2 + b->name_w + 2 + b->counts_w + 2) >= 24;
	int bottom = r->y + r->rows;
	b->desc_y = -1;
	if (!b->desc_on_row && r->rows >= 8) {
		b->desc_y = bottom - 2; /* a blank row, the description, then the message row */
		bottom = b->desc_y - 1;
	}
	b->ls.view = bottom - b->list_y;
	if (b->ls.view < 0)
		b->ls.view = 0;
	ui_select_clamp(&b->ls);
}

static void boards_draw(struct ui_screen *s, WINDOW *w)
{
	struct boards *b = (struct boards *)s;
	int x0 = b->rect.x + b->margin;
	int width = b->rect.cols - 2 * b->margin;

	if (width <= 0)
		return;
	ui_draw_str(w, b->heading_y, x0, width, b->heading, ui_term_heading_attr());
	if (b->n == 0) {
		ui_draw_str(w, b->list_y, x0, width, "No boards here yet.", A_NORMAL);
		return;
	}
	for (int row = 0; row < b->ls.view; row++) {
		int i = b->ls.top + row;
		if (i >= (int)b->n)
			break;
		int y = b->list_y + row;
		bool sel = i == b->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		if (sel)
			ui_draw_fill(w, y, x0, 2 + b->name_w, A_REVERSE);
		ui_draw_str(w, y, x0, width, sel ? "> " : "  ", attr);
		ui_draw_str(w, y, x0 + 2, b->name_w, b->v[i].name, attr);
		int cx = x0 + 2 + b->name_w + 2;
		ui_draw_str(w, y, cx, x0 + width - cx, b->counts[i], A_NORMAL);
		if (b->desc_on_row) {
			int dx = cx + b->counts_w + 2;
			ui_draw_str(w, y, dx, x0 + width - dx, b->v[i].description, A_NORMAL);
		}
	}
	if (b->desc_y >= 0)
		ui_draw_str(w, b->desc_y, x0, width, b->v[b->ls.sel].description, A_NORMAL);
}

static void boards_cursor(struct ui_screen *s, int *y, int *x)
{
	struct boards *b = (struct boards *)s;
	*y = b->ls.view > 0 ? b->list_y + b->ls.sel - b->ls.top : b->heading_y;
	*x = b->rect.x + b->margin;
}

static enum ui_result boards_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct boards *b = (struct boards *)s;
	int r;

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys b */
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (b->n > 0)
			ui_app_push(app, ui_threads_create(app, b->v[b->ls.sel].id));
		return UI_RES_REDRAW;
	case UI_ACT_MARK_READ:
		if (b->n == 0)
			return UI_RES_NONE;
		r = store_board_mark_read(app->st, app->user->id, b->v[b->ls.sel].id);
		ui_app_message(app, r == 0 ? "Marked read." : "Could not save, please try again");
		boards_load(b, app);
		return UI_RES_REDRAW;
	case UI_ACT_MARK_ALL:
		if (!ui_app_confirm(app, "Mark everything read? (y/n)"))
			return UI_RES_REDRAW;
		r = store_mark_all_read(app->st, app->user->id);
		ui_app_message(app, r == 0 ? "Everything marked read." : "Could not save, please try again");
		boards_load(b, app);
		return UI_RES_REDRAW;
	case UI_ACT_NEXT_UNREAD:
		ui_nav_next_unread(app, false);
		return UI_RES_REDRAW;
	case UI_ACT_SEARCH:
		ui_nav_search(app);
		return UI_RES_REDRAW;
	default:
		return ui_select_action(&b->ls, action);
	}
}

static void boards_resume(struct ui_screen *s, struct ui_app *app)
{
	boards_load((struct boards *)s, app);
}

static void boards_destroy(struct ui_screen *s)
{
	struct boards *b = (struct boards *)s;

	if (!b)
		return;
	store_board_list_free(b->v, b->n);
	free(b->counts);
	free(b->heading);
	free(b);
}

/* resume.c: "boards" (every board) or "boards AREA" (one focus area's boards). */
static bool boards_where(struct ui_screen *s, char *buf, size_t size)
{
	struct boards *b = (struct boards *)s;

	return (b->area_id > 0 ? bbs_snprintf(buf, size, "boards %lld", (long long)b->area_id)
		: bbs_snprintf(buf, size, "boards")) == 0;
}

struct ui_screen *ui_boards_create(struct ui_app *app, int64_t area_id, const char *area_name)
{
	struct boards *b = xcalloc(1, sizeof *b);

	b->base.keymap = &ui_keymap_boards;
	b->base.layout = boards_layout;
	b->base.draw = boards_draw;
	b->base.cursor = boards_cursor;
	b->base.action = boards_action;
	b->base.destroy = boards_destroy;
	b->base.resume = boards_resume;
	b->base.where = boards_where;
	b->area_id = area_id > 0 ? area_id : -1;
	b->heading = area_id > 0 ? xasprintf("Boards: %s", area_name ? area_name : "")
				 : xstrdup("Discussion boards");
	boards_load(b, app);
	return &b->base;
}
