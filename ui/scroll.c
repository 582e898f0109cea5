/*
 * scroll.c: the scrolling arithmetic the pager and help screens share.
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
