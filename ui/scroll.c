/*
 * scroll.c: the scrolling arithmetic the pager and help screens share, and the selection
 * arithmetic of the lists (board list, discussion list, search results).
 *
 * Pure integer logic on (top, total, view); no drawing. Must never let top go negative or
 * past the last full page, whatever the sizes (a 1-row window included).
 */
#include "ui/ui.h"

#include "common/common.h"

void ui_scroll_clamp(struct ui_scroll *sc)
{
	int view = sc->view > 0 ? sc->view : 1;
	int max = sc->total - view;
	if (max < 0)
		max = 0;
	if (sc->top > max)
		sc->top = max;
	if (sc->top < 0)
		sc->top = 0;
}

enum ui_result ui_scroll_action(struct ui_scroll *sc, int action)
{
	int old = sc->top;
	/* A page keeps one line of context, as less and mutt do. */
	int page = sc->view > 2 ? sc->view - 1 : 1;

	switch (action) {
	case UI_ACT_UP: sc->top--; break;
	case UI_ACT_DOWN: sc->top++; break;
	case UI_ACT_PGUP: sc->top -= page; break;
	case UI_ACT_PGDN: sc->top += page; break;
	case UI_ACT_HOME: sc->top = 0; break;
	case UI_ACT_END: sc->top = sc->total; break;
	default: return UI_RES_NONE;
	}
	ui_scroll_clamp(sc);
	return sc->top != old ? UI_RES_REDRAW : UI_RES_NONE;
}

void ui_scroll_position(const struct ui_scroll *sc, char *buf, size_t size)
{
	int view = sc->view > 0 ? sc->view : 1;
	const char *word = NULL;

	if (size == 0)
		return;
	if (sc->total <= view)
		word = "All";
	else if (sc->top <= 0)
		word = "Top";
	else if (sc->top + view >= sc->total)
		word = "Bot";
	if (word) {
		bbs_strlcpy(buf, word, size);
		return;
	}
	long pct = (long)(sc->top + view) * 100 / sc->total;
	if (bbs_snprintf(buf, size, "%ld%%", pct) != 0)
		buf[0] = '\0';
}

void ui_select_clamp(struct ui_select *ls)
{
	int view = ls->view > 0 ? ls->view : 1;

	if (ls->sel >= ls->total)
		ls->sel = ls->total - 1;
	if (ls->sel < 0)
		ls->sel = 0;
	if (ls->sel < ls->top)
		ls->top = ls->sel;
	if (ls->sel >= ls->top + view)
		ls->top = ls->sel - view + 1;
	int max_top = ls->total - view;
	if (ls->top > max_top)
		ls->top = max_top;
	if (ls->top < 0)
		ls->top = 0;
}

enum ui_result ui_select_action(struct ui_select *ls, int action)
{
	int old_sel = ls->sel, old_top = ls->top;
	int page = ls->view > 1 ? ls->view - 1 : 1;

	switch (action) {
	case UI_ACT_UP: ls->sel--; break;
	case UI_ACT_DOWN: ls->sel++; break;
	case UI_ACT_PGUP: ls->sel -= page; ls->top -= page; break;
	case UI_ACT_PGDN: ls->sel += page; ls->top += page; break;
	case UI_ACT_HOME: ls->sel = 0; break;
	case UI_ACT_END: ls->sel = ls->total - 1; break;
	default: return UI_RES_NONE;
	}
	ui_select_clamp(ls);
	return ls->sel != old_sel || ls->top != old_top ? UI_RES_REDRAW : UI_RES_NONE;
}

void ui_list_layout(const struct ui_rect *r, struct ui_list_geom *g, struct ui_select *ls)
{
	bool roomy = ui_draw_roomy(r->rows, 10);

	g->x0 = r->cols >= 40 ? 1 : 0;
	g->width = r->cols - 2 * g->x0;
	g->heading_y = r->y;
	g->list_y = r->y + (roomy ? 2 : 1);
	/* With room, a blank row under the heading and the last row kept for messages. */
	int view = r->y + r->rows - (roomy ? 1 : 0) - g->list_y;
	ls->view = view > 0 ? view : 0;
	ui_select_clamp(ls);
}
