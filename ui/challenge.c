/*
 * challenge.c: the challenge screen (heading "The challenge question").
 *
 * Top: the question wrapped (at most a third of the window), its date line ("Open until
 * YYYY-MM-DD", "Open", "Closed on ...", "Opens on ..."), then "N challenges from M members"
 * with the filter ("Area: all", "Showing: mine"); the order ("Sorted by: most endorsed") is
 * on the heading line. Then the challenges, one row each: the selection marker '>' (reverse
 * video), '+' when the member endorses it, "N endorsements", the title and the areas' short
 * names in brackets. A hidden challenge reads "[hidden by a moderator: REASON]" (moderators
 * also see its title). When answer-before-reveal hides the others, only the member's own are
 * listed, with a line saying why.
 *
 * The list is read from the store a page at a time (CHL_PAGE rows) as the selection moves
 * down, never whole; it is read again from the start after anything that changes it.
 * A past question (from the archive) is shown read-only: no answering, no endorsing.
 *
 * Must never: read the store while drawing, show a hidden challenge's title to a member (the
 * store blanks it; this screen never asks for more), or let a moderator key open anything
 * for a member (challenge-act.c).
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

#define CHL_PAGE 100               /* rows read at a time */
#define CHL_MAX 100000             /* rows kept at most */
#define CHL_REVEAL "Other members' answers are shown after you submit your own."

struct chl {
	struct ui_screen base;        /* first member */
	struct ui_app *app;           /* outlives every screen */
	int64_t question_id;          /* 0: the current question, whichever it is */
	bool readonly;
	struct store_question q;
	struct store_area *areas;
	size_t nareas;
	enum store_challenge_order order;
	size_t area;                  /* 0: all, else areas[area - 1] */
	bool mine;
	struct store_challenge *v;
	size_t n;
	bool at_end;                  /* every row has been read */
	bool reveal_pending;
	bool no_question;
	struct text_line *qlines;     /* the question wrapped to the width */
	size_t nq;
	struct ui_select ls;
	int count_w;                  /* widest "N endorsements" read */
	/* layout */
	struct ui_rect rect;
	int heading_y, q_y, q_rows, status_y, counts_y, list_y, notice_y, x0, width;
};

static void chl_drop(struct chl *c)
{
	store_challenge_list_free(c->v, c->n);
	c->v = NULL;
	c->n = 0;
	c->at_end = false;
	c->count_w = 0;
}

static void chl_count(int64_t n, char *buf, size_t size)
{
	ui_format_count(n, "endorsement", "endorsements", buf, size);
}

/* Reads the next page of rows. */
static void chl_more(struct chl *c)
{
	struct store_challenge *v = NULL;
	size_t k = 0;
	bool pending = false;

	if (c->at_end || c->no_question || c->n >= CHL_MAX)
		return;
	int64_t area = c->area > 0 ? c->areas[c->area - 1].id : 0;
	int r = store_challenge_list(c->app->st, c->app->user->id, c->q.id, c->order, area,
		c->mine ? c->app->user->id : 0, (int64_t)c->n, CHL_PAGE, &v, &k, &pending);
	if (r != 0) {
		log_warn("challenge list: %s", bbs_strerror(r));
		ui_app_message(c->app, "Could not read the challenges, please try again");
		c->at_end = true;
		return;
	}
	c->reveal_pending = pending;
	c->v = xrealloc(c->v, (c->n + k + 1) * sizeof c->v[0]);
	if (k > 0)
		memcpy(c->v + c->n, v, k * sizeof v[0]);
	free(v); /* the strings now belong to c->v */
	for (size_t i = c->n; i < c->n + k; i++) {
		char count[48];
		chl_count(c->v[i].endorsements, count, sizeof count);
		int w = ui_draw_width(count);
		if (w > c->count_w)
			c->count_w = w;
	}
	c->n += k;
	c->at_end = k < CHL_PAGE;
	c->ls.total = (int)c->n;
	ui_select_clamp(&c->ls);
}

/* Reads the question and the first rows again, keeping the selected challenge selected. */
static void chl_load(struct chl *c)
{
	struct store_question q = { 0 };
	int64_t keep = c->n > 0 && c->ls.sel < (int)c->n ? c->v[c->ls.sel].id : 0;
	int keep_row = c->ls.sel;

	int r = c->question_id > 0 ? store_question_get(c->app->st, c->question_id, &q)
				   : store_question_current(c->app->st, &q);
	if (r == 0) {
		store_question_finish(&c->q);
		c->q = q;
		c->no_question = false;
	} else {
		store_question_finish(&q);
		if (r != BBS_ERR_NOTFOUND)
			log_warn("question: %s", bbs_strerror(r));
		c->no_question = c->q.id == 0;
	}
	chl_drop(c);
	c->ls.total = 0;
	chl_more(c);
	/* The selected challenge may have moved (new endorsements) or gone (merged). */
	while (keep && !c->at_end && (size_t)keep_row + 1 >= c->n)
		chl_more(c);
	for (size_t i = 0; keep && i < c->n; i++)
		if (c->v[i].id == keep)
			keep_row = (int)i;
	c->ls.sel = keep_row;
	ui_select_clamp(&c->ls);
	c->base.laid_rows = -1; /* the question's text or the widths may have changed */
}

static void chl_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct chl *c = (struct chl *)s;

	c->rect = *r;
	c->x0 = r->cols >= 40 ? 1 : 0;
	c->width = r->cols - 2 * c->x0;
	if (c->width < 1)
		c->width = 1;
	free(c->qlines);
	c->qlines = NULL;
	c->nq = text_wrap(c->q.text ? c->q.text : "", c->width, &c->qlines);
	if (!c->qlines)
		c->nq = 0;

	bool roomy = r->rows >= 12;
	int y = r->y;
	c->heading_y = y++;
	c->q_y = y;
	int qmax = r->rows / 3 > 1 ? r->rows / 3 : 1;
	c->q_rows = (int)c->nq < qmax ? (int)c->nq : qmax;
	y += c->q_rows;
	c->status_y = y++;
	c->counts_y = y++;
	if (roomy)
		y++; /* a blank row above the list */
	c->list_y = y;
	/* The last body row is the message row; the reveal notice takes the one above it. */
	int end = r->y + r->rows - (roomy ? 1 : 0);
	c->notice_y = -1;
	if (c->reveal_pending) {
		c->notice_y = end - 1;
		end = c->notice_y - (roomy ? 1 : 0);
	}
	c->ls.view = end - c->list_y > 0 ? end - c->list_y : 0;
	ui_select_clamp(&c->ls);
}

static void chl_draw_row(const struct chl *c, WINDOW *w, int y, int i)
{
	const struct store_challenge *ch = &c->v[i];
	bool sel = i == c->ls.sel;
	int attr = sel ? A_REVERSE : A_NORMAL;
	int x0 = c->x0, right = c->x0 + c->width;
	char count[48], areas[256], title[STORE_FIELD_MAX + STORE_CHALLENGE_TITLE_MAX + 64];

	chl_count(ch->endorsements, count, sizeof count);
	ui_challenge_areas(c->areas, c->nareas, ch, true, areas, sizeof areas);
	if (ch->hidden && ui_is_moderator(c->app))
		(void)bbs_snprintf(title, sizeof title, "%s [hidden by a moderator: %s]",
			ch->title, ch->hidden_reason);
	else if (ch->hidden)
		(void)bbs_snprintf(title, sizeof title, "[hidden by a moderator: %s]",
			ch->hidden_reason);
	else
		bbs_strlcpy(title, ch->title ? ch->title : "", sizeof title);

	/* "> + 12 endorsements  Title [Global, Technology]" */
	int tx = x0 + 4 + c->count_w + 2;
	int aw = areas[0] ? ui_draw_width(areas) + 3 : 0;
	int tw = right - tx - aw;
	if (tw < 10) {
		aw = 0; /* narrow: the title first */
		tw = right - tx;
	}
	int tused = ui_draw_width(title) < tw ? ui_draw_width(title) : tw;
	if (sel)
		ui_draw_fill(w, y, x0, tx - x0 + (tused > 0 ? tused : 0), A_REVERSE);
	ui_draw_str(w, y, x0, 2, sel ? ">" : " ", attr);
	ui_draw_str(w, y, x0 + 2, 1, ch->endorsed_by_viewer ? "+" : " ", attr);
	int cw = ui_draw_width(count);
	ui_draw_str(w, y, x0 + 4 + c->count_w - cw, cw, count, attr);
	int used = tw > 0 ? ui_draw_str(w, y, tx, tw, title, attr) : 0;
	if (aw > 0) {
		char bracket[260];
		(void)bbs_snprintf(bracket, sizeof bracket, "[%s]", areas);
		ui_draw_str(w, y, tx + used + 1, right - (tx + used + 1), bracket, A_NORMAL);
	}
}

static void chl_draw(struct ui_screen *s, WINDOW *w)
{
	struct chl *c = (struct chl *)s;
	int x0 = c->x0, width = c->width;
	char line[256], a[48], b[48];

	const char *order = c->order == STORE_CH_NEWEST ? "Sorted by: newest"
							: "Sorted by: most endorsed";
	int ow = ui_draw_width(order);
	int hw = width - (width >= 40 ? ow + 2 : 0);
	ui_draw_str(w, c->heading_y, x0, hw, "The challenge question", ui_term_heading_attr());
	if (width >= 40)
		ui_draw_str(w, c->heading_y, x0 + width - ow, ow, order, A_NORMAL);
	if (c->no_question) {
		ui_draw_str(w, c->q_y, x0, width, "No question has been asked yet.", A_NORMAL);
		return;
	}
	for (int i = 0; i < c->q_rows; i++)
		ui_draw_text(w, c->q_y + i, x0, width, c->q.text + c->qlines[i].start,
			c->qlines[i].len, A_BOLD);

	ui_question_status(&c->q, line, sizeof line);
	ui_draw_str(w, c->status_y, x0, width, line, A_NORMAL);

	ui_format_count(c->q.challenges, "challenge", "challenges", a, sizeof a);
	ui_format_count(c->q.respondents, "member", "members", b, sizeof b);
	(void)bbs_snprintf(line, sizeof line, "%s from %s    Area: %s%s", a, b,
		c->area > 0 ? c->areas[c->area - 1].name : "all", c->mine ? "    Showing: mine" : "");
	ui_draw_str(w, c->counts_y, x0, width, line, A_NORMAL);

	if (c->n == 0 && c->ls.view > 0) {
		const char *empty = c->mine ? "You have not answered this question yet."
			: c->area > 0 ? "No challenges in this area yet."
			: c->readonly ? "No challenges were submitted."
			: "No challenges yet. Press a to answer the question.";
		ui_draw_str(w, c->list_y, x0, width, empty, A_NORMAL);
	}
	for (int row = 0; row < c->ls.view; row++) {
		int i = c->ls.top + row;
		if (i >= (int)c->n)
			break;
		chl_draw_row(c, w, c->list_y + row, i);
	}
	if (c->notice_y >= 0)
		ui_draw_str(w, c->notice_y, x0, width, CHL_REVEAL, A_BOLD);
}

static void chl_cursor(struct ui_screen *s, int *y, int *x)
{
	struct chl *c = (struct chl *)s;
	*y = c->n > 0 && c->ls.view > 0 ? c->list_y + c->ls.sel - c->ls.top : c->heading_y;
	*x = c->x0;
}

static const struct store_challenge *chl_selected(const struct chl *c)
{
	return c->n > 0 && c->ls.sel < (int)c->n ? &c->v[c->ls.sel] : NULL;
}

static enum ui_result chl_answer(struct chl *c, struct ui_app *app)
{
	if (c->no_question)
		return UI_RES_NONE;
	if (c->readonly || !store_question_is_open(&c->q, bbs_now())) {
		ui_app_message(app, UI_QUESTION_CLOSED);
		return UI_RES_REDRAW;
	}
	if (ui_silenced_message(app))
		return UI_RES_REDRAW; /* before the member writes anything */
	ui_app_push(app, ui_challenge_editor_new(app, c->q.id));
	return UI_RES_REDRAW;
}

static enum ui_result chl_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct chl *c = (struct chl *)s;
	const struct store_challenge *sel = chl_selected(c);
	enum ui_result res;

	(void)key;
	if (ui_challenge_mod_action(action)) {
		if (!c->no_question && ui_challenge_moderate(app, action, sel, c->q.id))
			chl_load(c);
		return UI_RES_REDRAW;
	}
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys c */
		return UI_RES_REDRAW;
	case UI_ACT_ANSWER:
		return chl_answer(c, app);
	case UI_ACT_OPEN:
		if (sel)
			ui_app_push(app, ui_challenge_detail_create(app, sel->id));
		return UI_RES_REDRAW;
	case UI_ACT_ENDORSE:
		if (!sel)
			return UI_RES_NONE;
		if (c->readonly) {
			ui_app_message(app, "This question is closed");
			return UI_RES_REDRAW;
		}
		if (ui_challenge_endorse(app, sel))
			chl_load(c);
		return UI_RES_REDRAW;
	case UI_ACT_ORDER:
		c->order = c->order == STORE_CH_NEWEST ? STORE_CH_BY_ENDORSEMENTS : STORE_CH_NEWEST;
		c->ls.sel = c->ls.top = 0;
		chl_drop(c);
		chl_load(c);
		return UI_RES_REDRAW;
	case UI_ACT_FILTER:
		c->area = (c->area + 1) % (c->nareas + 1);
		c->ls.sel = c->ls.top = 0;
		chl_drop(c);
		chl_load(c);
		return UI_RES_REDRAW;
	case UI_ACT_MINE:
		c->mine = !c->mine;
		c->ls.sel = c->ls.top = 0;
		chl_drop(c);
		chl_load(c);
		return UI_RES_REDRAW;
	case UI_ACT_RESULTS:
		if (!c->no_question)
			ui_app_push(app, ui_results_create(app, c->q.id));
		return UI_RES_REDRAW;
	case UI_ACT_ARCHIVE:
		ui_app_push(app, ui_archive_create(app));
		return UI_RES_REDRAW;
	case UI_ACT_MODLOG:
		ui_app_push(app, ui_modlog_create(app));
		return UI_RES_REDRAW;
	case UI_ACT_SEARCH:
		ui_nav_search(app);
		return UI_RES_REDRAW;
	default:
		res = ui_select_action(&c->ls, action);
		/* Near the end of what was read: read the next page. */
		if (!c->at_end && c->ls.sel + c->ls.view >= (int)c->n) {
			chl_more(c);
			res = UI_RES_REDRAW;
		}
		return res;
	}
}

static void chl_resume(struct ui_screen *s, struct ui_app *app)
{
	(void)app;
	chl_load((struct chl *)s);
}

static void chl_destroy(struct ui_screen *s)
{
	struct chl *c = (struct chl *)s;

	if (!c)
		return;
	chl_drop(c);
	store_question_finish(&c->q);
	store_area_list_free(c->areas, c->nareas);
	free(c->qlines);
	free(c);
}

/* resume.c: "challenges", the current question's list (a past question's is not kept). */
static bool chl_where(struct ui_screen *s, char *buf, size_t size)
{
	struct chl *c = (struct chl *)s;

	return c->question_id == 0 && !c->readonly && bbs_snprintf(buf, size, "challenges") == 0;
}

struct ui_screen *ui_challenge_create(struct ui_app *app, int64_t question_id, bool readonly)
{
	struct chl *c = xcalloc(1, sizeof *c);

	c->base.keymap = &ui_keymap_challenge;
	c->base.layout = chl_layout;
	c->base.draw = chl_draw;
	c->base.cursor = chl_cursor;
	c->base.action = chl_action;
	c->base.destroy = chl_destroy;
	c->base.resume = chl_resume;
	c->base.where = chl_where;
	c->app = app;
	c->question_id = question_id;
	c->readonly = readonly;
	if (store_area_list(app->st, &c->areas, &c->nareas) != 0) {
		c->areas = NULL;
		c->nareas = 0;
	}
	chl_load(c);
	if (question_id > 0 && c->no_question) {
		ui_app_message(app, "Could not read the question, please try again");
		chl_destroy(&c->base);
		return NULL;
	}
	return &c->base;
}
