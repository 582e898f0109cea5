/*
 * archive.c: past questions (heading "Past questions"), newest first.
 *
 * One row per question: the selection marker '>' (reverse video), the date it was asked,
 * its date line ("Open", "Closed on ..."), its counts and the start of its text. Enter shows
 * that question's challenge screen, read-only unless it is the current question. There are
 * few questions (one every few months), so the list is read whole when it opens.
 *
 * Must never: read the store while drawing, or let the selection leave the list.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>

struct archive {
	struct ui_screen base;   /* first member */
	struct store_question *v;
	size_t n;
	char **rows;             /* each question's row text after the marker */
	struct ui_select ls;
	struct ui_list_geom g;
};

static void archive_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct archive *a = (struct archive *)s;

	ui_list_layout(r, &a->g, &a->ls);
}

static void archive_draw(struct ui_screen *s, WINDOW *w)
{
	struct archive *a = (struct archive *)s;

	if (a->g.width <= 0)
		return;
	ui_draw_str(w, a->g.heading_y, a->g.x0, a->g.width, "Past questions",
		ui_term_heading_attr());
	if (a->n == 0)
		ui_draw_str(w, a->g.list_y, a->g.x0, a->g.width, "No questions yet.", A_NORMAL);
	for (int row = 0; row < a->ls.view; row++) {
		int i = a->ls.top + row;
		if (i >= (int)a->n)
			break;
		int y = a->g.list_y + row;
		bool sel = i == a->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		if (sel)
			ui_draw_fill(w, y, a->g.x0, a->g.width, A_REVERSE);
		ui_draw_str(w, y, a->g.x0, 2, sel ? ">" : " ", attr);
		ui_draw_str(w, y, a->g.x0 + 2, a->g.width - 2, a->rows[i], attr);
	}
}

static void archive_cursor(struct ui_screen *s, int *y, int *x)
{
	struct archive *a = (struct archive *)s;
	*y = a->n > 0 ? a->g.list_y + a->ls.sel - a->ls.top : a->g.heading_y;
	*x = a->g.x0;
}

static enum ui_result archive_action(struct ui_screen *s, struct ui_app *app, int action,
	int key)
{
	struct archive *a = (struct archive *)s;

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys a */
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (a->n > 0) {
			const struct store_question *q = &a->v[a->ls.sel];
			ui_app_push(app, ui_challenge_create(app, q->id, !q->current));
		}
		return UI_RES_REDRAW;
	default:
		return ui_select_action(&a->ls, action);
	}
}

static void archive_destroy(struct ui_screen *s)
{
	struct archive *a = (struct archive *)s;

	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		free(a->rows[i]);
	free(a->rows);
	store_question_list_free(a->v, a->n);
	free(a);
}

struct ui_screen *ui_archive_create(struct ui_app *app)
{
	struct archive *a = xcalloc(1, sizeof *a);

	a->base.keymap = &ui_keymap_archive;
	a->base.layout = archive_layout;
	a->base.draw = archive_draw;
	a->base.cursor = archive_cursor;
	a->base.action = archive_action;
	a->base.destroy = archive_destroy;
	if (store_question_list(app->st, &a->v, &a->n) != 0) {
		ui_app_message(app, "Could not read the questions, please try again");
		free(a);
		return NULL;
	}
	a->rows = xcalloc(a->n ? a->n : 1, sizeof a->rows[0]);
	for (size_t i = 0; i < a->n; i++) {
		const struct store_question *q = &a->v[i];
		char asked[16], status[64], ch[48], mem[48];
		ui_format_date(q->created, asked, sizeof asked);
		ui_question_status(q, status, sizeof status);
		ui_format_count(q->challenges, "challenge", "challenges", ch, sizeof ch);
		ui_format_count(q->respondents, "member", "members", mem, sizeof mem);
		a->rows[i] = xasprintf("%s  %s%s  %s from %s  %s", asked, status,
			q->current ? " (current)" : "", ch, mem, q->text ? q->text : "");
	}
	a->ls.total = (int)a->n;
	return &a->base;
}
