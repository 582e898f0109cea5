/*
 * pager.c: the page viewer (focus area pages, "Who we are").
 *
 * The title is the heading; the body is word-wrapped with text_wrap() to the window width
 * on every layout, and scrolls like less (j/k, Space/b, g/G and the cursor keys). After a
 * resize the line that was at the top stays at the top: the position is kept as a byte
 * offset into the body, not as a line number.
 *
 * A focus area's page has one more key, b, for the area's discussion boards. Other screens
 * that are a page of text with keys of their own (a challenge's detail, results, the
 * moderation record) are pagers with an opener's keymap and ops (ui_pager_create_ops): the
 * pager scrolls, ops handle the rest and may replace the text (ui_pager_set_text).
 *
 * For guests an area page has no b (ui_keymap_area_guest), and the challenge question is a
 * plain page with its text and dates only (ui_question_public_create).
 *
 * Must never: draw body text except through ui_draw_text, or index past the wrapped lines;
 * open anything members wrote for a guest.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

struct pager {
	struct ui_screen base;   /* first member */
	char *title;
	char *body;
	struct text_line *lines; /* from text_wrap, for text_cols */
	size_t nlines;
	struct ui_scroll sc;
	/* layout */
	struct ui_rect rect;
	int margin;
	int heading_y;
	int text_y;
	int text_cols;
	/* A focus area's page (keymap ui_keymap_area): */
	int64_t area_id;
	char *area_name;
	/* A pager with an opener's keys (ui_pager_create_ops): */
	const struct ui_pager_ops *ops;
	void *ctx;
};

/* Line index to keep at the top for a byte offset: the last line starting at or before it. */
static int pager_line_at(const struct pager *p, size_t offset)
{
	int found = 0;
	for (size_t i = 0; i < p->nlines; i++) {
		if (p->lines[i].start > offset)
			break;
		found = (int)i;
	}
	return found;
}

static void pager_layout(struct ui_screen *s, const struct ui_rect *b)
{
	struct pager *p = (struct pager *)s;
	size_t anchor = 0;

	if (p->lines && p->sc.top >= 0 && (size_t)p->sc.top < p->nlines)
		anchor = p->lines[p->sc.top].start;

	p->rect = *b;
	p->margin = b->cols >= 60 ? 2 : b->cols >= 30 ? 1 : 0;
	/* With room, a blank line between heading and text. */
	bool roomy = ui_draw_roomy(b->rows, 8);
	p->heading_y = b->y;
	p->text_y = b->y + (roomy ? 2 : 1);
	int view = b->y + b->rows - p->text_y;
	p->text_cols = b->cols - 2 * p->margin;
	if (p->text_cols < 1)
		p->text_cols = 1;

	free(p->lines);
	p->lines = NULL;
	p->nlines = text_wrap(p->body, p->text_cols, &p->lines);
	if (!p->lines)
		p->nlines = 0;

	p->sc.view = view > 0 ? view : 0;
	p->sc.total = (int)p->nlines;
	p->sc.top = pager_line_at(p, anchor);
	ui_scroll_clamp(&p->sc);
}

static void pager_draw(struct ui_screen *s, WINDOW *w)
{
	struct pager *p = (struct pager *)s;
	int x0 = p->rect.x + p->margin;
	int width = p->rect.cols - 2 * p->margin;
	char pos[16];

	if (width <= 0)
		return;
	/* Position like less, at the right of the heading, when there is room for both. */
	int title_w = width;
	ui_scroll_position(&p->sc, pos, sizeof pos);
	int pos_w = ui_draw_width(pos);
	if (width >= 20 + pos_w) {
		ui_draw_str(w, p->heading_y, x0 + width - pos_w, pos_w, pos, A_NORMAL);
		title_w = width - pos_w - 1;
	}
	ui_draw_str(w, p->heading_y, x0, title_w, p->title, ui_term_heading_attr());

	for (int row = 0; row < p->sc.view; row++) {
		size_t i = (size_t)p->sc.top + (size_t)row;
		if (i >= p->nlines)
			break;
		ui_draw_text(w, p->text_y + row, x0, p->text_cols, p->body + p->lines[i].start,
			p->lines[i].len, A_NORMAL);
	}
}

static void pager_cursor(struct ui_screen *s, int *y, int *x)
{
	struct pager *p = (struct pager *)s;
	*y = p->heading_y;
	*x = p->rect.x + p->margin;
}

static enum ui_result pager_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct pager *p = (struct pager *)s;

	if (action == UI_ACT_BACK) {
		ui_app_pop(app); /* destroys p: do not touch it after this */
		return UI_RES_REDRAW;
	}
	/* A guest's table does not bind b; this keeps the boards closed to guests even so. */
	if (action == UI_ACT_BOARDS && p->area_id > 0 && !app->guest) {
		ui_app_push(app, ui_boards_create(app, p->area_id, p->area_name));
		return UI_RES_REDRAW;
	}
	enum ui_result res = ui_scroll_action(&p->sc, action);
	if (res == UI_RES_NONE && p->ops && p->ops->action &&
	    !(action >= UI_ACT_UP && action <= UI_ACT_END))
		res = p->ops->action(s, app, p->ctx, action); /* may destroy p */
	return res;
}

static void pager_resume(struct ui_screen *s, struct ui_app *app)
{
	struct pager *p = (struct pager *)s;

	if (p->ops && p->ops->resume)
		p->ops->resume(s, app, p->ctx);
}

static void pager_destroy(struct ui_screen *s)
{
	struct pager *p = (struct pager *)s;

	if (!p)
		return;
	free(p->title);
	free(p->body);
	free(p->lines);
	free(p->area_name);
	if (p->ops && p->ops->free_ctx)
		p->ops->free_ctx(p->ctx);
	free(p);
}

struct ui_screen *ui_pager_create(const char *title, const char *body)
{
	struct pager *p = xcalloc(1, sizeof *p);

	p->base.keymap = &ui_keymap_pager;
	p->base.layout = pager_layout;
	p->base.draw = pager_draw;
	p->base.cursor = pager_cursor;
	p->base.action = pager_action;
	p->base.destroy = pager_destroy;
	p->title = xstrdup(title ? title : "");
	p->body = xstrdup(body ? body : "");
	return &p->base;
}

struct ui_screen *ui_pager_create_ops(const char *title, const char *body,
	const struct ui_keymap *km, const struct ui_pager_ops *ops, void *ctx)
{
	struct ui_screen *s = ui_pager_create(title, body);
	struct pager *p = (struct pager *)s;

	p->base.keymap = km;
	p->base.resume = pager_resume;
	p->ops = ops;
	p->ctx = ctx;
	return s;
}

void *ui_pager_ctx(const struct ui_screen *s, const struct ui_pager_ops *ops)
{
	const struct pager *p = (const struct pager *)s;

	return s && s->layout == pager_layout && p->ops == ops ? p->ctx : NULL;
}

void ui_pager_set_text(struct ui_screen *s, const char *title, const char *body)
{
	struct pager *p = (struct pager *)s;

	free(p->title);
	free(p->body);
	p->title = xstrdup(title ? title : "");
	p->body = xstrdup(body ? body : "");
	/* Wrap again at the next draw; the top line's byte offset is kept where it still fits. */
	if (p->lines && p->sc.top >= 0 && (size_t)p->sc.top < p->nlines &&
	    p->lines[p->sc.top].start > strlen(p->body))
		p->sc.top = 0;
	p->base.laid_rows = -1;
}

struct ui_screen *ui_pager_open_page(struct ui_app *app, const char *slug,
	const char *fallback_title)
{
	struct store_page page = { 0 };
	struct ui_screen *s;

	if (slug && store_page_get(app->st, slug, &page) == 0) {
		s = ui_pager_create(page.title && page.title[0] ? page.title : fallback_title,
			page.body ? page.body : "");
	} else {
		s = ui_pager_create(fallback_title, "This page has not been written yet.");
	}
	store_page_finish(&page);
	return s;
}

struct ui_screen *ui_pager_open_area(struct ui_app *app, int64_t area_id, const char *area_name,
	const char *slug)
{
	struct ui_screen *s = ui_pager_open_page(app, slug && slug[0] ? slug : NULL, area_name);
	struct pager *p = (struct pager *)s;

	p->base.keymap = app->guest ? &ui_keymap_area_guest : &ui_keymap_area;
	p->area_id = area_id;
	p->area_name = xstrdup(area_name ? area_name : "");
	return s;
}

/* The wording of the guest's question page that is a UI label, not content. */
#define QUESTION_PUBLIC_TITLE "The challenge question"
#define QUESTION_PUBLIC_MEMBERS "Members answer this question after logging in."

struct ui_screen *ui_question_public_create(struct ui_app *app)
{
	struct store_question q = { 0 };
	char *body = NULL;
	struct ui_screen *s;

	/* Only the question and its dates: intro, challenges and counts are members' work. */
	int r = store_question_current(app->st, &q);
	if (r == 0) {
		char status[64], date[16];
		ui_format_append(&body, "%s\n\n", q.text ? q.text : "");
		if (q.opens > 0) {
			ui_format_utc_day(q.opens, date, sizeof date);
			ui_format_append(&body, "Opens: %s UTC\n", date);
		}
		if (q.closes > 0) {
			ui_format_utc_day(q.closes, date, sizeof date);
			ui_format_append(&body, "Closes: %s UTC\n", date);
		}
		ui_question_status(&q, status, sizeof status);
		ui_format_append(&body, "Status: %s\n\n%s", status, QUESTION_PUBLIC_MEMBERS);
	} else {
		ui_format_append(&body, "%s", r == BBS_ERR_NOTFOUND ? "There is no question yet."
			: "The question cannot be shown right now.");
	}
	store_question_finish(&q);
	s = ui_pager_create(QUESTION_PUBLIC_TITLE, body);
	free(body);
	return s;
}
