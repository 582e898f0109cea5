/*
 * question.c: the question settings (moderators; heading "Question settings").
 *
 * A small form: "Question:" (its text below it; Enter edits it in the editor), "Opens
 * (YYYY-MM-DD, empty = now):", "Closes (YYYY-MM-DD, empty = never):" (Enter asks on the
 * bottom line; anything but a date: "Dates are YYYY-MM-DD"), "Answers visible before
 * answering: yes/no" (Space or Enter switches), and two actions: "Save changes" and "Ask as a
 * new question" (a new current question; the old one goes to the archive). Nothing is stored
 * before one of the actions. Dates are UTC days: a question opens at the start of its
 * opening day and closes at the end of its closing day.
 *
 * Must never: open for a member (the opener checks, and the store refuses members anyway),
 * or store a date it could not read.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define Q_DAY 86400
#define Q_PREVIEW 4      /* rows of the question's text shown under its label */
#define Q_TEXT_MAX (STORE_FIELD_MAX * 4)
#define Q_BAD_DATE "Dates are YYYY-MM-DD"

enum q_field { F_TEXT, F_OPENS, F_CLOSES, F_VISIBLE, F_SAVE, F_NEW, F_COUNT };

struct qform {
	struct ui_screen base;   /* first member */
	int64_t id;
	char *text;
	char *intro;
	int64_t opens, closes;
	bool reveal;             /* answers visible before answering: !reveal */
	int sel;
	struct text_line *lines; /* text wrapped */
	size_t nlines;
	int y[F_COUNT];          /* each field's row */
	int heading_y, x0, width, preview;
};

static const char *const q_labels[F_COUNT] = {
	"Question:", "Opens (YYYY-MM-DD, empty = now):", "Closes (YYYY-MM-DD, empty = never):",
	"Answers visible before answering:", "Save changes", "Ask as a new question",
};

static void q_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct qform *f = (struct qform *)s;
	bool roomy = r->rows >= 14;

	f->x0 = r->cols >= 40 ? 1 : 0;
	f->width = r->cols - 2 * f->x0;
	free(f->lines);
	f->lines = NULL;
	f->nlines = text_wrap(f->text, f->width > 3 ? f->width - 2 : 1, &f->lines);
	if (!f->lines)
		f->nlines = 0;
	f->heading_y = r->y;
	int y = r->y + (roomy ? 2 : 1);
	f->y[F_TEXT] = y++;
	f->preview = (int)f->nlines < Q_PREVIEW ? (int)f->nlines : Q_PREVIEW;
	if (r->rows < 12)
		f->preview = f->preview > 1 ? 1 : f->preview;
	y += f->preview + (roomy ? 1 : 0);
	for (int i = F_OPENS; i < F_COUNT; i++) {
		if (i == F_SAVE && roomy)
			y++; /* the actions apart from the fields */
		f->y[i] = y++;
	}
}

static void q_value(const struct qform *f, int i, char *buf, size_t size)
{
	buf[0] = '\0';
	if (i == F_OPENS)
		ui_format_utc_day(f->opens, buf, size);
	else if (i == F_CLOSES)
		ui_format_utc_day(f->closes, buf, size);
	else if (i == F_VISIBLE)
		bbs_strlcpy(buf, f->reveal ? "no" : "yes", size);
}

static void q_draw(struct ui_screen *s, WINDOW *w)
{
	struct qform *f = (struct qform *)s;
	int maxy = getmaxy(w) - 1;

	if (f->width <= 0)
		return;
	ui_draw_str(w, f->heading_y, f->x0, f->width, "Question settings (dates are UTC days)",
		ui_term_heading_attr());
	for (int i = 0; i < F_COUNT; i++) {
		char label[160], value[32];
		bool sel = i == f->sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		q_value(f, i, value, sizeof value);
		(void)bbs_snprintf(label, sizeof label, i >= F_SAVE ? "[ %s ]" : "%s", q_labels[i]);
		int x = f->x0 + ui_draw_str(w, f->y[i], f->x0, 2, sel ? ">" : " ", attr);
		x += 1;
		x += ui_draw_str(w, f->y[i], x, f->x0 + f->width - x, label, attr);
		if (value[0])
			ui_draw_str(w, f->y[i], x + 1, f->x0 + f->width - x - 1, value, A_BOLD);
	}
	for (int k = 0; k < f->preview && f->y[F_TEXT] + 1 + k < maxy; k++)
		ui_draw_text(w, f->y[F_TEXT] + 1 + k, f->x0 + 2, f->width - 2,
			f->text + f->lines[k].start, f->lines[k].len, A_NORMAL);
}

static void q_cursor(struct ui_screen *s, int *y, int *x)
{
	struct qform *f = (struct qform *)s;
	*y = f->y[f->sel];
	*x = f->x0;
}

static void q_ask_date(struct qform *f, struct ui_app *app, int field)
{
	char in[32];
	int64_t t;

	if (!ui_app_input(app, q_labels[field], in, sizeof in) || app->quit)
		return;
	if (!bbs_parse_utc_day(in, &t)) {
		ui_app_message(app, Q_BAD_DATE);
		return;
	}
	if (field == F_OPENS)
		f->opens = t;
	else
		f->closes = t > 0 ? t + Q_DAY - 1 : 0; /* until the end of that day */
}

static bool q_text_sent(struct ui_app *app, struct ui_screen *ed, void *ctx, const char *title,
	const char *body, const char *token)
{
	struct qform *f = ctx;

	(void)app;
	(void)ed;
	(void)title;
	(void)token;
	free(f->text);
	f->text = xstrdup(body);
	f->base.laid_rows = -1;
	return true;
}

static const struct ui_editor_hooks q_text_hooks = { q_text_sent, NULL };

static void q_store(struct qform *f, struct ui_app *app, bool as_new)
{
	int64_t id = 0;
	int r;

	if (f->closes > 0 && f->opens > 0 && f->closes <= f->opens) {
		ui_app_message(app, "It must close after it opens");
		return;
	}
	if (as_new) {
		if (!ui_app_confirm(app, "Ask this as a new question? The current one goes to the "
		    "archive. (y/n)"))
			return;
		r = store_question_create(app->st, app->user->id, f->text, "", f->opens, f->closes,
			f->reveal, &id);
	} else {
		r = store_question_update(app->st, app->user->id, f->id, f->text, f->intro, f->opens,
			f->closes, f->reveal);
	}
	if (r != 0) {
		if (r == BBS_ERR_DENIED)
			ui_app_message(app, UI_ONLY_MODERATORS);
		else if (r == BBS_ERR_INVALID || r == BBS_ERR_TOOBIG)
			ui_app_message(app, "The question must be 1 to %d bytes", Q_TEXT_MAX);
		else
			ui_app_message(app, "Could not save, please try again");
		return;
	}
	ui_app_pop(app); /* destroys f */
	ui_app_message(app, as_new ? "Asked as a new question." : "Question saved.");
}

static enum ui_result q_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct qform *f = (struct qform *)s;
	struct ui_editor_spec spec = { "The question", NULL, false, 0, Q_TEXT_MAX, NULL, NULL };

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys f */
		return UI_RES_REDRAW;
	case UI_ACT_UP:
		f->sel = f->sel > 0 ? f->sel - 1 : 0;
		return UI_RES_REDRAW;
	case UI_ACT_DOWN:
		f->sel = f->sel < F_COUNT - 1 ? f->sel + 1 : F_COUNT - 1;
		return UI_RES_REDRAW;
	case UI_ACT_TOGGLE:
		if (f->sel != F_VISIBLE)
			return UI_RES_NONE;
		f->reveal = !f->reveal;
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		switch (f->sel) {
		case F_TEXT:
			spec.body = f->text;
			ui_app_push(app, ui_editor_custom(app, &spec, &q_text_hooks, f));
			break;
		case F_OPENS:
		case F_CLOSES:
			q_ask_date(f, app, f->sel);
			break;
		case F_VISIBLE:
			f->reveal = !f->reveal;
			break;
		default:
			q_store(f, app, f->sel == F_NEW); /* may destroy f */
			break;
		}
		return UI_RES_REDRAW;
	default:
		return UI_RES_NONE;
	}
}

static void q_destroy(struct ui_screen *s)
{
	struct qform *f = (struct qform *)s;

	if (!f)
		return;
	free(f->text);
	free(f->intro);
	free(f->lines);
	free(f);
}

struct ui_screen *ui_question_create(struct ui_app *app, int64_t question_id)
{
	struct store_question q = { 0 };

	if (!ui_is_moderator(app)) {
		ui_app_message(app, UI_ONLY_MODERATORS);
		return NULL;
	}
	if (store_question_get(app->st, question_id, &q) != 0) {
		store_question_finish(&q);
		ui_app_message(app, "Could not read the question, please try again");
		return NULL;
	}
	struct qform *f = xcalloc(1, sizeof *f);
	f->base.keymap = &ui_keymap_question;
	f->base.layout = q_layout;
	f->base.draw = q_draw;
	f->base.cursor = q_cursor;
	f->base.action = q_action;
	f->base.destroy = q_destroy;
	f->id = q.id;
	f->text = xstrdup(q.text ? q.text : "");
	f->intro = xstrdup(q.intro ? q.intro : "");
	f->opens = q.opens;
	f->closes = q.closes;
	f->reveal = q.reveal_after_answer;
	store_question_finish(&q);
	return &f->base;
}
