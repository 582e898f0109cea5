/*
 * areas-choose.c: the focus area chooser ("Focus areas for your challenge").
 *
 * One row per focus area: the cursor marker '>' (reverse video), a checkbox "[x]" / "[ ]"
 * and the area's name. Space ticks or unticks, Enter hands the ticked areas to the opener's
 * done() (at least one: "Choose at least one focus area"), q goes back to the editor below
 * with its text intact.
 *
 * Must never: call done() with no area, or touch itself after done() has closed it.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>

struct chooser {
	struct ui_screen base;     /* first member */
	struct store_area *areas;
	size_t n;
	bool *checked;
	struct ui_select ls;
	ui_areas_done_fn done;
	void *ctx;
	/* layout */
	struct ui_list_geom g;
};

static void chooser_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct chooser *c = (struct chooser *)s;

	ui_list_layout(r, &c->g, &c->ls);
}

static void chooser_draw(struct ui_screen *s, WINDOW *w)
{
	struct chooser *c = (struct chooser *)s;

	if (c->g.width <= 0)
		return;
	ui_draw_str(w, c->g.heading_y, c->g.x0, c->g.width, "Focus areas for your challenge",
		ui_term_heading_attr());
	for (int row = 0; row < c->ls.view; row++) {
		int i = c->ls.top + row;
		if (i >= (int)c->n)
			break;
		int y = c->g.list_y + row;
		bool sel = i == c->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		int x = c->g.x0;
		if (sel)
			ui_draw_fill(w, y, x, 6 + ui_draw_width(c->areas[i].name), A_REVERSE);
		x += ui_draw_str(w, y, x, 2, sel ? "> " : "  ", attr);
		x += ui_draw_str(w, y, x, 4, c->checked[i] ? "[x] " : "[ ] ", attr);
		ui_draw_str(w, y, x, c->g.x0 + c->g.width - x, c->areas[i].name, attr);
	}
}

static void chooser_cursor(struct ui_screen *s, int *y, int *x)
{
	struct chooser *c = (struct chooser *)s;
	*y = c->g.list_y + c->ls.sel - c->ls.top;
	*x = c->g.x0;
}

static enum ui_result chooser_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct chooser *c = (struct chooser *)s;
	int64_t ids[8];
	size_t k = 0;

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys c */
		return UI_RES_REDRAW;
	case UI_ACT_TOGGLE:
		if (c->n == 0)
			return UI_RES_NONE;
		c->checked[c->ls.sel] = !c->checked[c->ls.sel];
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		for (size_t i = 0; i < c->n && k < sizeof ids / sizeof ids[0]; i++)
			if (c->checked[i])
				ids[k++] = c->areas[i].id;
		if (k == 0) {
			ui_app_message(app, "Choose at least one focus area");
			return UI_RES_REDRAW;
		}
		(void)c->done(app, c->ctx, ids, k); /* true: c is gone */
		return UI_RES_REDRAW;
	default:
		return ui_select_action(&c->ls, action);
	}
}

static void chooser_destroy(struct ui_screen *s)
{
	struct chooser *c = (struct chooser *)s;

	if (!c)
		return;
	store_area_list_free(c->areas, c->n);
	free(c->checked);
	free(c);
}

struct ui_screen *ui_areas_choose_create(struct ui_app *app, const int64_t *checked,
	size_t nchecked, ui_areas_done_fn done, void *ctx)
{
	struct chooser *c = xcalloc(1, sizeof *c);

	c->base.keymap = &ui_keymap_areas_choose;
	c->base.layout = chooser_layout;
	c->base.draw = chooser_draw;
	c->base.cursor = chooser_cursor;
	c->base.action = chooser_action;
	c->base.destroy = chooser_destroy;
	c->done = done;
	c->ctx = ctx;
	if (store_area_list(app->st, &c->areas, &c->n) != 0) {
		ui_app_message(app, "Could not read the focus areas, please try again");
		free(c);
		return NULL;
	}
	c->checked = xcalloc(c->n ? c->n : 1, sizeof c->checked[0]);
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < nchecked; k++)
			if (checked[k] == c->areas[i].id)
				c->checked[i] = true;
	c->ls.total = (int)c->n;
	return &c->base;
}
