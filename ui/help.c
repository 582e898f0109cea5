/*
 * help.c: the help screen, generated from the binding table of the screen it was opened
 * from (so help can never disagree with what the keys do).
 *
 * One row per binding: its keys ("Up, k") and its description, in two columns; on a narrow
 * window the description goes on its own line below the keys. Scrolls like the pager.
 *
 * Must never: hold text of its own about keys (everything comes from the table).
 */
#include "ui/ui.h"

#include "common/common.h"

#include <stdlib.h>

#define HELP_KEYS_MAX 96

struct help_row {
	char keys[HELP_KEYS_MAX];
	const char *desc;        /* static, from the table */
};

struct help {
	struct ui_screen base;   /* first member */
	char *heading;
	struct help_row *rows;
	size_t n;
	struct ui_scroll sc;
	/* layout */
	struct ui_rect rect;
	int margin;
	int heading_y;
	int text_y;
	int key_w;
	bool stacked;            /* description below the keys, not beside them */
};

static void help_layout(struct ui_screen *s, const struct ui_rect *b)
{
	struct help *h = (struct help *)s;

	h->rect = *b;
	h->margin = b->cols >= 40 ? 1 : 0;
	int width = b->cols - 2 * h->margin;
	bool roomy = b->rows >= 8;
	h->heading_y = b->y;
	h->text_y = b->y + (roomy ? 2 : 1);
	int view = b->y + b->rows - h->text_y;

	h->key_w = 0;
	for (size_t i = 0; i < h->n; i++) {
		int w = ui_draw_width(h->rows[i].keys);
		if (w > h->key_w)
			h->key_w = w;
	}
	if (h->key_w > width / 2)
		h->key_w = width / 2;
	h->stacked = width - h->key_w - 2 < 16;

	h->sc.view = view > 0 ? view : 0;
	h->sc.total = (int)h->n * (h->stacked ? 2 : 1);
	ui_scroll_clamp(&h->sc);
}

static void help_draw(struct ui_screen *s, WINDOW *w)
{
	struct help *h = (struct help *)s;
	int x0 = h->rect.x + h->margin;
	int width = h->rect.cols - 2 * h->margin;

	if (width <= 0)
		return;
	ui_draw_str(w, h->heading_y, x0, width, h->heading, ui_term_heading_attr());
	for (int row = 0; row < h->sc.view; row++) {
		int line = h->sc.top + row;
		if (line >= h->sc.total)
			break;
		int y = h->text_y + row;
		if (h->stacked) {
			const struct help_row *r = &h->rows[line / 2];
			if (line % 2 == 0)
				ui_draw_str(w, y, x0, width, r->keys, A_BOLD);
			else
				ui_draw_str(w, y, x0 + 2, width - 2, r->desc, A_NORMAL);
		} else {
			const struct help_row *r = &h->rows[line];
			ui_draw_str(w, y, x0, h->key_w, r->keys, A_BOLD);
			int dx = x0 + h->key_w + 2;
			ui_draw_str(w, y, dx, x0 + width - dx, r->desc, A_NORMAL);
		}
	}
}

static void help_cursor(struct ui_screen *s, int *y, int *x)
{
	struct help *h = (struct help *)s;
	*y = h->heading_y;
	*x = h->rect.x + h->margin;
}

static enum ui_result help_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct help *h = (struct help *)s;

	if (action == UI_ACT_BACK) {
		ui_app_pop(app); /* destroys h */
		return UI_RES_REDRAW;
	}
	return ui_scroll_action(&h->sc, action);
}

static void help_destroy(struct ui_screen *s)
{
	struct help *h = (struct help *)s;

	if (!h)
		return;
	free(h->heading);
	free(h->rows);
	free(h);
}

struct ui_screen *ui_help_create(const struct ui_keymap *km)
{
	struct help *h = xcalloc(1, sizeof *h);

	h->base.keymap = &ui_keymap_help;
	h->base.layout = help_layout;
	h->base.draw = help_draw;
	h->base.cursor = help_cursor;
	h->base.action = help_action;
	h->base.destroy = help_destroy;
	h->heading = xasprintf("Help: %s", km->screen);
	h->rows = xcalloc(km->n ? km->n : 1, sizeof h->rows[0]);
	for (size_t i = 0; i < km->n; i++) {
		ui_keymap_keys_label(&km->bindings[i], h->rows[i].keys, sizeof h->rows[i].keys);
		h->rows[i].desc = km->bindings[i].desc ? km->bindings[i].desc : "";
	}
	h->n = km->n;
	return &h->base;
}
