/*
 * form.c: a form screen shared by the membership screens (application, join, account).
 *
 * A heading, an optional intro paragraph, then fields one under the other: a label and its
 * value (on wide terminals the value is right of the label, on narrow ones under it). Kinds:
 * one-line text (scrolls sideways so a pasted authorized_keys line fits), hidden text
 * (passwords: one '*' per character, the text itself never reaches the screen), multi-line
 * text (a few wrapped rows), a choice among fixed options, yes/no, read-only notes and a
 * button. The whole form scrolls vertically so the current field is always visible.
 *
 * Text lives in ui_editbuf buffers, so typed control characters are refused and pasted text
 * is sanitised (controls become visible, invalid UTF-8 becomes U+FFFD) before it is kept.
 * Each buffer has a byte limit; an insertion that would pass it is refused whole.
 *
 * Must never: draw a hidden field's text, let a byte of a paste act as a command, keep raw
 * control bytes in a field, or touch itself after the submit hook succeeded (it closes).
 */
#include "ui/ui.h"

#include "common/common.h"
#include "keys/keys.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

#define FORM_MAX_FIELDS 32
#define FORM_ERR_MAX 256

struct field {
	enum ui_form_kind kind;
	char *label;
	struct ui_editbuf buf;     /* text kinds */
	bool has_buf;
	char *note;                /* UI_FORM_NOTE text, UI_FORM_BUTTON label */
	const char *const *options;
	size_t noptions, choice;
	bool yes;
	int rows;                  /* multi-line: visible rows */
	int top;                   /* multi-line: first displayed line */
	bool shown;
	char err[FORM_ERR_MAX];
	/* layout (virtual rows, 0 = first row under the heading) */
	int y, h;
	struct text_line *wrap;    /* notes: wrapped text */
	size_t nwrap;
};

struct form {
	struct ui_screen base;   /* first member */
	char *heading, *intro;
	ui_form_submit_fn submit;
	ui_form_change_fn change;
	void (*free_ctx)(void *);
	void *ctx;
	bool no_leave;
	bool typed;              /* something was changed: Esc asks */
	struct field f[FORM_MAX_FIELDS];
	int n;
	int sel;
	/* layout */
	struct ui_rect r;
	int x0, width, label_w, value_x, value_w;
	bool stacked;            /* value under its label */
	struct text_line *intro_lines;
	size_t nintro;
	int total;               /* virtual rows */
	int scroll;              /* first virtual row shown */
	int cy, cx;              /* cursor (screen) */
};

static bool is_text(const struct field *fl)
{
	return fl->kind == UI_FORM_TEXT || fl->kind == UI_FORM_HIDDEN || fl->kind == UI_FORM_MULTI;
}

static bool selectable(const struct field *fl)
{
	return fl->shown && fl->kind != UI_FORM_NOTE;
}

bool ui_form_is(const struct ui_screen *s)
{
	return s && s->keymap == &ui_keymap_form;
}

static struct form *as_form(struct ui_screen *s)
{
	return ui_form_is(s) ? (struct form *)s : NULL;
}

static struct field *get_field(struct ui_screen *s, int i)
{
	struct form *fm = as_form(s);
	return fm && i >= 0 && i < fm->n ? &fm->f[i] : NULL;
}

/* ---- layout ---- */

static void form_relayout(struct form *fm)
{
	fm->base.laid_rows = -1; /* the app calls layout again before the next draw */
}

static void form_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct form *fm = (struct form *)s;
	int lw = 0;

	fm->r = *r;
	fm->x0 = r->cols >= 40 ? 1 : 0;
	fm->width = r->cols - 2 * fm->x0;
	if (fm->width < 1)
		fm->width = 1;
	for (int i = 0; i < fm->n; i++) {
		struct field *fl = &fm->f[i];
		if (!fl->shown || fl->kind == UI_FORM_NOTE || fl->kind == UI_FORM_BUTTON)
			continue;
		int w = ui_draw_width(fl->label) + 1; /* "Label:" */
		if (w > lw)
			lw = w;
	}
	/* Label and value side by side when both get a fair share, else the value under it. */
	fm->stacked = lw + 2 + 20 > fm->width || lw > fm->width / 2;
	fm->label_w = fm->stacked ? fm->width - 2 : lw;
	fm->value_x = fm->stacked ? fm->x0 + 4 : fm->x0 + 2 + lw + 1;
	fm->value_w = fm->x0 + fm->width - fm->value_x;
	if (fm->value_w < 1)
		fm->value_w = 1;

	free(fm->intro_lines);
	fm->intro_lines = NULL;
	fm->nintro = 0;
	if (fm->intro && fm->intro[0]) {
		fm->nintro = text_wrap(fm->intro, fm->width, &fm->intro_lines);
		if (!fm->intro_lines)
			fm->nintro = 0;
	}
	int y = fm->nintro > 0 ? (int)fm->nintro + 1 : 0;
	for (int i = 0; i < fm->n; i++) {
		struct field *fl = &fm->f[i];
		free(fl->wrap);
		fl->wrap = NULL;
		fl->nwrap = 0;
		if (!fl->shown) {
			fl->y = y;
			fl->h = 0;
			continue;
		}
		switch (fl->kind) {
		case UI_FORM_NOTE:
			fl->nwrap = text_wrap(fl->note ? fl->note : "", fm->width - 2 > 0 ?
				fm->width - 2 : 1, &fl->wrap);
			if (!fl->wrap)
				fl->nwrap = 0;
			fl->h = (int)fl->nwrap;
			break;
		case UI_FORM_MULTI:
			ui_editbuf_set_cols(&fl->buf, fm->stacked ? fm->value_w - 1 :
				fm->width - 4 - 1); /* drawn from x0 + 4 (see form_draw) */
			fl->h = 1 + fl->rows; /* label row, then the text rows under it */
			break;
		case UI_FORM_BUTTON:
			y++; /* apart from the fields */
			fl->h = 1;
			break;
		default:
			fl->h = fm->stacked ? 2 : 1;
			break;
		}
		if (fl->err[0])
			fl->h++;
		fl->y = y;
		y += fl->h;
	}
	fm->total = y;
}

/* Scrolls so that the selected field (or the part of it with the cursor) is visible. */
static void form_scroll(struct form *fm, int view)
{
	if (fm->sel < 0 || fm->sel >= fm->n || view <= 0)
		return;
	struct field *fl = &fm->f[fm->sel];
	int top = fl->y, bottom = fl->y + fl->h;
	if (fm->sel == fm->n - 1 || fl->kind == UI_FORM_BUTTON)
		bottom = fm->total;
	if (bottom - top > view)
		bottom = top + view;
	if (fm->scroll > top)
		fm->scroll = top;
	if (bottom > fm->scroll + view)
		fm->scroll = bottom - view;
	/* The intro stays in view while the first field is selected. */
	int first = 0;
	while (first < fm->n && !selectable(&fm->f[first]))
		first++;
	if (fm->sel == first && fl->y + fl->h <= view)
		fm->scroll = 0;
	if (fm->scroll < 0)
		fm->scroll = 0;
}

/* ---- drawing ---- */

/* Draws a one-line buffer at (y, x) in cols columns, scrolled so the cursor is visible;
 * hidden: one '*' per character. Returns the cursor's column. */
static int draw_line(WINDOW *w, int y, int x, int cols, struct ui_editbuf *b, bool hidden,
	int attr)
{
	if (cols < 2)
		return x;
	if (hidden) {
		/* Count characters only: the text itself is never measured for the screen. */
		size_t before = 0, total = 0;
		for (size_t i = 0; i < b->len;) {
			uint32_t cp;
			size_t k = text_utf8_decode(b->text + i, b->len - i, &cp);
			if (k == 0)
				k = 1;
			if (i < b->cur)
				before++;
			total++;
			i += k;
		}
		size_t avail = (size_t)cols - 1, start = 0;
		if (before >= avail)
			start = before - avail + 1;
		char stars[1024];
		size_t n = total - start;
		if (n > avail)
			n = avail;
		if (n >= sizeof stars)
			n = sizeof stars - 1;
		memset(stars, '*', n);
		stars[n] = '\0';
		ui_draw_fill(w, y, x, cols, attr);
		ui_draw_str(w, y, x, cols, stars, attr);
		return x + (int)(before - start);
	}
	int row, col;
	size_t start = 0;
	int avail = cols - 1;
	ui_editbuf_cursor(b, &row, &col);
	(void)row;
	/* A one-line buffer is wrapped at its cols; measure the column from the start instead. */
	col = 0;
	for (size_t i = 0; i < b->cur;) {
		uint32_t cp;
		size_t k = text_utf8_decode(b->text + i, b->cur - i, &cp);
		if (k == 0)
			k = 1;
		col += text_cp_width(cp) > 0 ? text_cp_width(cp) : 0;
		i += k;
	}
	while (col >= avail && start < b->cur) {
		uint32_t cp;
		size_t k = text_utf8_decode(b->text + start, b->len - start, &cp);
		if (k == 0)
			k = 1;
		start += k;
		col -= text_cp_width(cp) > 0 ? text_cp_width(cp) : 0;
	}
	ui_draw_fill(w, y, x, cols, attr);
	ui_draw_text(w, y, x, avail, b->text + start, b->len - start, attr);
	return x + (col > 0 ? col : 0);
}

static void form_draw(struct ui_screen *s, WINDOW *w)
{
	struct form *fm = (struct form *)s;
	const struct ui_rect *r = &fm->r;
	int view = r->rows - 2; /* heading + blank row */
	int base_y = r->y + 2;

	if (r->rows < 3) {
		view = r->rows - 1;
		base_y = r->y + 1;
	}
	if (fm->width <= 0 || r->rows <= 0)
		return;
	ui_draw_str(w, r->y, fm->x0, fm->width, fm->heading, ui_term_heading_attr());
	if (view <= 0)
		return;
	form_scroll(fm, view);
	fm->cy = r->y;
	fm->cx = fm->x0;

	for (size_t k = 0; k < fm->nintro; k++) {
		int y = (int)k - fm->scroll;
		if (y >= 0 && y < view)
			ui_draw_text(w, base_y + y, fm->x0, fm->width, fm->intro + fm->intro_lines[k].start,
				fm->intro_lines[k].len, A_NORMAL);
	}
	for (int i = 0; i < fm->n; i++) {
		struct field *fl = &fm->f[i];
		bool sel = i == fm->sel;
		int vy = fl->y - fm->scroll;
#define ROW_OK(v) ((v) >= 0 && (v) < view)
		if (!fl->shown)
			continue;
		if (fl->kind == UI_FORM_NOTE) {
			for (size_t k = 0; k < fl->nwrap; k++)
				if (ROW_OK(vy + (int)k))
					ui_draw_text(w, base_y + vy + (int)k, fm->x0 + 2, fm->width - 2,
						fl->note + fl->wrap[k].start, fl->wrap[k].len, A_NORMAL);
			continue;
		}
		int attr = sel ? A_REVERSE : A_NORMAL;
		if (fl->kind == UI_FORM_BUTTON) {
			if (ROW_OK(vy)) {
				char label[160];
				(void)bbs_snprintf(label, sizeof label, "[ %s ]", fl->note ? fl->note : "");
				ui_draw_str(w, base_y + vy, fm->x0, 2, sel ? ">" : " ", attr);
				ui_draw_str(w, base_y + vy, fm->x0 + 2, fm->width - 2, label, attr);
				if (sel) {
					fm->cy = base_y + vy;
					fm->cx = fm->x0 + 2;
				}
			}
		} else if (ROW_OK(vy)) {
			char label[200];
			(void)bbs_snprintf(label, sizeof label, "%s:", fl->label);
			ui_draw_str(w, base_y + vy, fm->x0, 2, sel ? ">" : " ", attr);
			ui_draw_str(w, base_y + vy, fm->x0 + 2, fm->label_w, label, attr);
			if (sel) {
				fm->cy = base_y + vy;
				fm->cx = fm->x0;
			}
		}
		int valy = fl->kind == UI_FORM_MULTI || fm->stacked ? vy + 1 : vy;
		int vattr = A_UNDERLINE;
		switch (fl->kind) {
		case UI_FORM_TEXT:
		case UI_FORM_HIDDEN:
			if (ROW_OK(valy)) {
				int cx = draw_line(w, base_y + valy, fm->value_x, fm->value_w, &fl->buf,
					fl->kind == UI_FORM_HIDDEN, vattr);
				if (sel) {
					fm->cy = base_y + valy;
					fm->cx = cx;
				}
			}
			break;
		case UI_FORM_MULTI: {
			const struct text_line *lines;
			size_t nl = ui_editbuf_lines(&fl->buf, &lines);
			int crow, ccol;
			ui_editbuf_cursor(&fl->buf, &crow, &ccol);
			if (crow < fl->top)
				fl->top = crow;
			if (crow >= fl->top + fl->rows)
				fl->top = crow - fl->rows + 1;
			int mx = fm->value_x, mw = fm->x0 + fm->width - mx;
			if (!fm->stacked) {
				mx = fm->x0 + 4;
				mw = fm->x0 + fm->width - mx;
			}
			for (int k = 0; k < fl->rows; k++) {
				int yy = valy + k;
				if (!ROW_OK(yy))
					continue;
				ui_draw_fill(w, base_y + yy, mx, mw, vattr);
				size_t li = (size_t)(fl->top + k);
				if (li < nl)
					ui_draw_text(w, base_y + yy, mx, mw, fl->buf.text + lines[li].start,
						lines[li].len, vattr);
			}
			if (sel && ROW_OK(valy + crow - fl->top)) {
				fm->cy = base_y + valy + crow - fl->top;
				fm->cx = mx + (ccol < mw ? ccol : mw - 1);
			}
			break;
		}
		case UI_FORM_CHOICE:
			if (ROW_OK(valy) && fl->noptions > 0) {
				char v[200];
				(void)bbs_snprintf(v, sizeof v, "< %s >", fl->options[fl->choice]);
				ui_draw_str(w, base_y + valy, fm->value_x, fm->value_w, v, A_BOLD);
				if (sel) {
					fm->cy = base_y + valy;
					fm->cx = fm->value_x;
				}
			}
			break;
		case UI_FORM_YESNO:
			if (ROW_OK(valy)) {
				ui_draw_str(w, base_y + valy, fm->value_x, fm->value_w,
					fl->yes ? "[x] yes" : "[ ] no", A_BOLD);
				if (sel) {
					fm->cy = base_y + valy;
					fm->cx = fm->value_x + 1;
				}
			}
			break;
		default:
			break;
		}
		if (fl->err[0]) {
			int ey = vy + fl->h - 1;
			if (ROW_OK(ey))
				ui_draw_str(w, base_y + ey, fm->x0 + 4, fm->width - 4, fl->err, A_BOLD);
		}
#undef ROW_OK
	}
	/* More below or above: a marker in the last column of the heading row. */
	if (fm->total - fm->scroll > view || fm->scroll > 0)
		ui_draw_str(w, r->y, fm->x0 + fm->width - 8, 8,
			fm->scroll > 0 ? (fm->total - fm->scroll > view ? " [more]" : " [more^]")
				: " [more]", A_NORMAL);
	fm->base.show_cursor = fm->sel >= 0 && fm->sel < fm->n && is_text(&fm->f[fm->sel]);
}

static void form_cursor(struct ui_screen *s, int *y, int *x)
{
	struct form *fm = (struct form *)s;
	*y = fm->cy;
	*x = fm->cx;
}

/* ---- editing ---- */

static void move_sel(struct form *fm, int dir)
{
	int i = fm->sel;
	for (;;) {
		i += dir;
		if (i < 0 || i >= fm->n)
			return; /* stay at the first / last field */
		if (selectable(&fm->f[i])) {
			fm->sel = i;
			return;
		}
	}
}

static void refused(struct ui_app *app, const struct field *fl, int r)
{
	if (r == BBS_ERR_TOOBIG)
		ui_app_message(app, "Too long: %s takes at most %zu bytes", fl->label, fl->buf.max);
}

static void changed(struct form *fm, struct ui_app *app, int i)
{
	fm->typed = true;
	if (fm->f[i].err[0]) {
		fm->f[i].err[0] = '\0';
		form_relayout(fm);
	}
	if (fm->change && (fm->f[i].kind == UI_FORM_CHOICE || fm->f[i].kind == UI_FORM_YESNO)) {
		fm->change(app, &fm->base, fm->ctx, i);
		form_relayout(fm);
	}
}

static bool cycle(struct form *fm, struct ui_app *app, int dir)
{
	struct field *fl = &fm->f[fm->sel];
	if (fl->kind == UI_FORM_YESNO) {
		fl->yes = !fl->yes;
	} else if (fl->kind == UI_FORM_CHOICE && fl->noptions > 0) {
		fl->choice = (fl->choice + fl->noptions + (size_t)(dir < 0 ? -1 : 1)) % fl->noptions;
	} else {
		return false;
	}
	changed(fm, app, fm->sel);
	return true;
}

static void form_submit(struct form *fm, struct ui_app *app)
{
	struct ui_screen *next = NULL;
	int field = -1;

	for (int i = 0; i < fm->n; i++)
		fm->f[i].err[0] = '\0';
	form_relayout(fm);
	const char *err = fm->submit ? fm->submit(app, &fm->base, fm->ctx, &field, &next) : NULL;
	if (app->quit) {
		if (next && next->destroy)
			next->destroy(next);
		return;
	}
	if (err) {
		if (next && next->destroy)
			next->destroy(next);
		if (field >= 0 && field < fm->n && fm->f[field].shown) {
			bbs_strlcpy(fm->f[field].err, err, sizeof fm->f[field].err);
			fm->sel = selectable(&fm->f[field]) ? field : fm->sel;
			ui_app_message(app, "%s", err);
		} else {
			ui_app_message(app, "%s", err);
		}
		return;
	}
	ui_app_pop(app); /* destroys fm */
	if (next)
		ui_app_push(app, next);
}

static enum ui_result form_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct form *fm = (struct form *)s;
	struct field *fl = fm->sel >= 0 && fm->sel < fm->n ? &fm->f[fm->sel] : NULL;
	struct ui_editbuf *b = fl && is_text(fl) ? &fl->buf : NULL;
	int row, col;

	(void)key;
	switch (action) {
	case UI_ACT_SEND:
		form_submit(fm, app); /* may destroy fm */
		return UI_RES_REDRAW;
	case UI_ACT_CANCEL:
		/* An ESC with more input right behind it is part of a sequence being pasted. */
		if (key == UI_KEY_ESC && ui_term_pending())
			return UI_RES_NONE;
		if (fm->no_leave) {
			ui_app_ask_logoff(app);
			return UI_RES_REDRAW;
		}
		if (fm->typed && !ui_app_confirm(app, "Leave this form? What you typed is lost. (y/n)"))
			return UI_RES_REDRAW;
		if (app->quit)
			return UI_RES_REDRAW;
		if (app->depth <= 1) {
			app->quit = true;
			app->status = 0;
			return UI_RES_REDRAW;
		}
		ui_app_pop(app); /* destroys fm */
		return UI_RES_REDRAW;
	case UI_ACT_UP:
		if (b && fl->kind == UI_FORM_MULTI) {
			ui_editbuf_cursor(b, &row, &col);
			if (row > 0) {
				(void)ui_editbuf_up(b, 1);
				return UI_RES_REDRAW;
			}
		}
		move_sel(fm, -1);
		return UI_RES_REDRAW;
	case UI_ACT_DOWN:
		if (b && fl->kind == UI_FORM_MULTI && key != UI_KEY_TAB) {
			const struct text_line *lines;
			size_t nl = ui_editbuf_lines(b, &lines);
			ui_editbuf_cursor(b, &row, &col);
			if ((size_t)row + 1 < nl) {
				(void)ui_editbuf_down(b, 1);
				return UI_RES_REDRAW;
			}
		}
		move_sel(fm, 1);
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (!fl)
			return UI_RES_NONE;
		if (fl->kind == UI_FORM_BUTTON) {
			form_submit(fm, app); /* may destroy fm */
			return UI_RES_REDRAW;
		}
		if (fl->kind == UI_FORM_MULTI) {
			int r = ui_editbuf_type(b, '\n');
			if (r == 0)
				changed(fm, app, fm->sel);
			else
				refused(app, fl, r);
			return UI_RES_REDRAW;
		}
		{
			/* Enter on the last field before the button submits, as on a web form. */
			int nx = fm->sel + 1;
			while (nx < fm->n && !selectable(&fm->f[nx]))
				nx++;
			if (nx < fm->n && fm->f[nx].kind == UI_FORM_BUTTON) {
				form_submit(fm, app); /* may destroy fm */
				return UI_RES_REDRAW;
			}
		}
		move_sel(fm, 1);
		return UI_RES_REDRAW;
	case UI_ACT_LEFT:
		if (b)
			(void)ui_editbuf_left(b);
		else if (fl)
			(void)cycle(fm, app, -1);
		return UI_RES_REDRAW;
	case UI_ACT_RIGHT:
		if (b)
			(void)ui_editbuf_right(b);
		else if (fl)
			(void)cycle(fm, app, 1);
		return UI_RES_REDRAW;
	case UI_ACT_WORD_LEFT:
		if (b && fl->kind != UI_FORM_HIDDEN)
			(void)ui_editbuf_word_left(b);
		return UI_RES_REDRAW;
	case UI_ACT_WORD_RIGHT:
		if (b && fl->kind != UI_FORM_HIDDEN)
			(void)ui_editbuf_word_right(b);
		return UI_RES_REDRAW;
	case UI_ACT_LINE_START:
		if (b) {
			if (fl->kind == UI_FORM_MULTI)
				(void)ui_editbuf_home(b);
			else
				b->cur = 0;
		}
		return UI_RES_REDRAW;
	case UI_ACT_LINE_END:
		if (b) {
			if (fl->kind == UI_FORM_MULTI)
				(void)ui_editbuf_end(b);
			else
				b->cur = b->len;
		}
		return UI_RES_REDRAW;
	case UI_ACT_BACKSPACE:
		if (b && ui_editbuf_backspace(b))
			changed(fm, app, fm->sel);
		return UI_RES_REDRAW;
	case UI_ACT_DELETE_CHAR:
		if (b && ui_editbuf_delete(b))
			changed(fm, app, fm->sel);
		return UI_RES_REDRAW;
	default:
		return UI_RES_NONE;
	}
}

static enum ui_result form_key(struct ui_screen *s, struct ui_app *app, int key)
{
	struct form *fm = (struct form *)s;
	struct field *fl = fm->sel >= 0 && fm->sel < fm->n ? &fm->f[fm->sel] : NULL;

	if (!fl)
		return UI_RES_NONE;
	if (key == UI_KEY_PASTE) {
		const char *text;
		size_t len;
		bool over;
		ui_term_paste(&text, &len, &over);
		if (!is_text(fl)) {
			ui_app_message(app, "Paste into a text field");
			return UI_RES_REDRAW;
		}
		/* A paste into a one-line field drops the line breaks at its ends (a copied
		 * authorized_keys line usually ends in one); inner ones become blanks when the
		 * buffer sanitises it. */
		while (fl->kind != UI_FORM_MULTI && len > 0 &&
		       (text[len - 1] == '\n' || text[len - 1] == '\r'))
			len--;
		while (fl->kind != UI_FORM_MULTI && len > 0 && (text[0] == '\n' || text[0] == '\r')) {
			text++;
			len--;
		}
		int r = over ? BBS_ERR_TOOBIG : ui_editbuf_paste(&fl->buf, text, len);
		if (r == 0)
			changed(fm, app, fm->sel);
		else if (r == BBS_ERR_TOOBIG)
			ui_app_message(app, "Paste too long: %s takes at most %zu bytes", fl->label,
				fl->buf.max);
		return UI_RES_REDRAW;
	}
	if (key == ' ' && (fl->kind == UI_FORM_CHOICE || fl->kind == UI_FORM_YESNO)) {
		(void)cycle(fm, app, 1);
		return UI_RES_REDRAW;
	}
	if (key == UI_CTRL('u') && is_text(fl)) {
		if (fl->buf.len > 0) {
			keys_wipe(fl->buf.text, fl->buf.len);
			(void)ui_editbuf_set(&fl->buf, "");
			changed(fm, app, fm->sel);
		}
		return UI_RES_REDRAW;
	}
	if (key <= 0 || key >= UI_KEY_FNBIT || key == UI_KEY_TIMEOUT)
		return UI_RES_NONE;
	if (!is_text(fl))
		return UI_RES_NONE;
	int r = ui_editbuf_type(&fl->buf, (uint32_t)key);
	if (r == 0)
		changed(fm, app, fm->sel);
	else
		refused(app, fl, r);
	return UI_RES_REDRAW;
}

static void form_destroy(struct ui_screen *s)
{
	struct form *fm = (struct form *)s;

	if (!fm)
		return;
	for (int i = 0; i < fm->n; i++) {
		struct field *fl = &fm->f[i];
		if (fl->has_buf) {
			keys_wipe(fl->buf.text, fl->buf.cap);
			ui_editbuf_finish(&fl->buf);
		}
		free(fl->label);
		free(fl->note);
		free(fl->wrap);
	}
	if (fm->free_ctx)
		fm->free_ctx(fm->ctx);
	free(fm->heading);
	free(fm->intro);
	free(fm->intro_lines);
	free(fm);
}

struct ui_screen *ui_form_create(const struct ui_form_spec *spec, void *ctx)
{
	struct form *fm = xcalloc(1, sizeof *fm);

	fm->base.keymap = &ui_keymap_form;
	fm->base.layout = form_layout;
	fm->base.draw = form_draw;
	fm->base.cursor = form_cursor;
	fm->base.action = form_action;
	fm->base.key = form_key;
	fm->base.destroy = form_destroy;
	fm->heading = xstrdup(spec->heading ? spec->heading : "");
	fm->intro = spec->intro ? xstrdup(spec->intro) : NULL;
	fm->submit = spec->submit;
	fm->change = spec->change;
	fm->free_ctx = spec->free_ctx;
	fm->no_leave = spec->no_leave;
	fm->ctx = ctx;
	fm->sel = -1;
	return &fm->base;
}

int ui_form_add(struct ui_screen *s, enum ui_form_kind kind, const char *label,
	const char *value, size_t max, int rows)
{
	struct form *fm = as_form(s);

	if (!fm || fm->n >= FORM_MAX_FIELDS)
		return -1;
	int i = fm->n++;
	struct field *fl = &fm->f[i];
	memset(fl, 0, sizeof *fl);
	fl->kind = kind;
	fl->label = xstrdup(label ? label : "");
	fl->shown = true;
	fl->rows = rows > 0 ? rows : 4;
	if (is_text(fl)) {
		ui_editbuf_init(&fl->buf, max > 0 ? max : 1, kind != UI_FORM_MULTI);
		fl->has_buf = true;
		ui_editbuf_set_cols(&fl->buf, 1000000); /* one-line: never wrapped */
		if (value && ui_editbuf_set(&fl->buf, value) != 0)
			(void)ui_editbuf_set(&fl->buf, "");
	} else if (kind == UI_FORM_NOTE || kind == UI_FORM_BUTTON) {
		fl->note = xstrdup(value ? value : "");
	}
	if (fm->sel < 0 && selectable(fl))
		fm->sel = i;
	form_relayout(fm);
	return i;
}

int ui_form_add_choice(struct ui_screen *s, const char *label, const char *const *options,
	size_t n, size_t sel)
{
	int i = ui_form_add(s, UI_FORM_CHOICE, label, NULL, 0, 0);
	struct field *fl = get_field(s, i);
	if (!fl)
		return -1;
	fl->options = options;
	fl->noptions = n;
	fl->choice = sel < n ? sel : 0;
	return i;
}

int ui_form_add_yesno(struct ui_screen *s, const char *label, bool yes)
{
	int i = ui_form_add(s, UI_FORM_YESNO, label, NULL, 0, 0);
	struct field *fl = get_field(s, i);
	if (fl)
		fl->yes = yes;
	return i;
}

const char *ui_form_text(struct ui_screen *s, int i)
{
	struct field *fl = get_field(s, i);
	return fl && fl->has_buf ? fl->buf.text : "";
}

size_t ui_form_choice(struct ui_screen *s, int i)
{
	struct field *fl = get_field(s, i);
	return fl ? fl->choice : 0;
}

bool ui_form_yes(struct ui_screen *s, int i)
{
	struct field *fl = get_field(s, i);
	return fl && fl->yes;
}

void ui_form_show(struct ui_screen *s, int i, bool shown)
{
	struct form *fm = as_form(s);
	struct field *fl = get_field(s, i);
	if (!fl || fl->shown == shown)
		return;
	fl->shown = shown;
	if (!shown && fm->sel == i) {
		move_sel(fm, 1);
		if (fm->sel == i)
			move_sel(fm, -1);
	}
	form_relayout(fm);
}

void ui_form_set_text(struct ui_screen *s, int i, const char *text)
{
	struct field *fl = get_field(s, i);
	if (!fl)
		return;
	if (fl->has_buf) {
		if (fl->kind == UI_FORM_HIDDEN)
			keys_wipe(fl->buf.text, fl->buf.cap); /* a password's text goes for good */
		(void)ui_editbuf_set(&fl->buf, text ? text : "");
	} else if (fl->kind == UI_FORM_NOTE || fl->kind == UI_FORM_BUTTON) {
		free(fl->note);
		fl->note = xstrdup(text ? text : "");
	}
	form_relayout(as_form(s));
}

void ui_form_wipe_hidden(struct ui_screen *s)
{
	struct form *fm = as_form(s);
	if (!fm)
		return;
	for (int i = 0; i < fm->n; i++) {
		struct field *fl = &fm->f[i];
		if (fl->kind == UI_FORM_HIDDEN && fl->has_buf) {
			keys_wipe(fl->buf.text, fl->buf.cap);
			(void)ui_editbuf_set(&fl->buf, "");
		}
	}
}

void ui_form_focus(struct ui_screen *s, int i)
{
	struct form *fm = as_form(s);
	struct field *fl = get_field(s, i);
	if (fl && selectable(fl))
		fm->sel = i;
}
