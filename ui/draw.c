/*
 * draw.c: safe text drawing, the top line and the bottom (hints) line.
 *
 * ui_draw_text() is the only function in the UI that hands text to curses. It measures with
 * text_fit() (never splitting a character or a wide glyph), clips to the window, and writes
 * with waddnstr(). Store text is already clean, but this function checks again and
 * sanitises anything that is not clean single-line text, so no control byte (ESC, C1, ...)
 * can ever reach a member's terminal through the UI.
 *
 * Must never: write outside the window, write raw bytes, or clear the screen (the event loop
 * lets curses send only the difference).
 */
#include "ui/ui.h"

#include "common/common.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

/* Upper bound on the bytes one call looks at: a line is at most a few hundred columns, so
 * this only cuts pathological input (e.g. thousands of combining marks). */
#define DRAW_MAX_BYTES 16384

static bool draw_ascii;
static bool draw_compact;

void ui_draw_set_ascii(bool ascii)
{
	draw_ascii = ascii;
}

void ui_draw_set_compact(bool compact)
{
	draw_compact = compact;
}

bool ui_draw_compact(void)
{
	return draw_compact;
}

bool ui_draw_roomy(int rows, int min_rows)
{
	/* The compact layout gives the blank separator rows to content, whatever the size. */
	return !draw_compact && rows >= min_rows;
}

bool ui_draw_ascii(void)
{
	return draw_ascii;
}

/* Returns a clean, NUL-terminated copy of s[0..len) in buf, or on the heap (*heap set). */
static const char *clean_copy(const char *s, size_t len, char *buf, size_t bufsize, char **heap)
{
	const char *nul = memchr(s, '\0', len);
	if (nul)
		len = (size_t)(nul - s);
	if (len > DRAW_MAX_BYTES)
		len = DRAW_MAX_BYTES;

	char *copy = len < bufsize ? buf : (*heap = xmalloc(len + 1));
	memcpy(copy, s, len);
	copy[len] = '\0';

	/* Defence in depth: the store promises clean text, but the terminal is what we protect. */
	int flags = draw_ascii ? TEXT_ASCII : 0;
	if (!text_is_clean(copy, flags)) {
		char *clean = text_sanitize(copy, len, flags);
		free(*heap);
		*heap = clean;
		return clean;
	}
	return copy;
}

int ui_draw_text(WINDOW *w, int y, int x, int cols, const char *s, size_t len, int attr)
{
	int maxy, maxx;

	if (!w || !s)
		return 0;
	getmaxyx(w, maxy, maxx);
	if (y < 0 || y >= maxy || x < 0 || x >= maxx || cols <= 0)
		return 0;
	if (cols > maxx - x)
		cols = maxx - x;

	char buf[512];
	char *heap = NULL;
	const char *t = clean_copy(s, len, buf, sizeof buf, &heap);
	int used = 0;
	size_t bytes = text_fit(t, cols, &used);
	if (bytes > 0 && used > 0) {
		(void)wattrset(w, attr);
		/* Writing the bottom-right cell returns ERR (the cursor cannot advance) but the
		 * character is drawn; nothing else can fail here. */
		(void)mvwaddnstr(w, y, x, t, (int)bytes);
		(void)wattrset(w, A_NORMAL);
	} else {
		used = 0;
	}
	free(heap);
	return used;
}

int ui_draw_str(WINDOW *w, int y, int x, int cols, const char *s, int attr)
{
	if (!s)
		return 0;
	return ui_draw_text(w, y, x, cols, s, strlen(s), attr);
}

int ui_draw_width(const char *s)
{
	if (!s)
		return 0;
	/* Measure exactly what ui_draw_text would draw (after any sanitising). */
	char buf[512];
	char *heap = NULL;
	const char *t = clean_copy(s, strlen(s), buf, sizeof buf, &heap);
	int w = text_width(t);
	free(heap);
	return w;
}

void ui_draw_fill(WINDOW *w, int y, int x, int cols, int attr)
{
	int maxy, maxx;

	if (!w)
		return;
	getmaxyx(w, maxy, maxx);
	if (y < 0 || y >= maxy || x < 0 || x >= maxx || cols <= 0)
		return;
	if (cols > maxx - x)
		cols = maxx - x;
	(void)mvwhline(w, y, x, (chtype)' ' | (chtype)attr, cols);
}

void ui_draw_top(WINDOW *w, int cols, const char *left, const char *right)
{
	if (cols <= 0)
		return;
	ui_draw_fill(w, 0, 0, cols, A_REVERSE);
	int rw = ui_draw_width(right);
	if (rw > cols)
		rw = cols;
	rw = ui_draw_str(w, 0, cols - rw, rw, right, A_REVERSE);
	/* The left text gets what is left, with one blank column before the right text. */
	int lw = cols - rw - (rw > 0 ? 1 : 0);
	if (lw > 0)
		ui_draw_str(w, 0, 0, lw, left, A_REVERSE);
}

void ui_draw_hints(WINDOW *w, int y, int cols, const struct ui_keymap *km)
{
	int x = 0;
	bool first = true;

	if (cols <= 0 || !km)
		return;
	for (size_t i = 0; i < km->n; i++) {
		const struct ui_binding *b = &km->bindings[i];
		if (!b->hint_keys)
			continue;
		int kw = ui_draw_width(b->hint_keys);
		int hw = b->hint ? ui_draw_width(b->hint) + 1 : 0;
		int gap = first ? 0 : 2;
		if (x + gap + kw + hw > cols) {
			if (first) {
				/* Not even one hint fits whole: show as much of it as fits. */
				int used = ui_draw_str(w, y, 0, cols, b->hint_keys, A_BOLD);
				if (b->hint && used + 1 < cols)
					ui_draw_str(w, y, used + 1, cols - used - 1, b->hint, A_NORMAL);
			}
			break;
		}
		x += gap;
		x += ui_draw_str(w, y, x, kw, b->hint_keys, A_BOLD);
		if (b->hint) {
			x += 1;
			x += ui_draw_str(w, y, x, cols - x, b->hint, A_NORMAL);
		}
		first = false;
		/* Compact: the hints up to the help key only (tables put the most important
		 * first); help lists the rest. Fewer bytes on every change of screen. */
		if (draw_compact && b->action == UI_ACT_HELP)
			break;
	}
}
