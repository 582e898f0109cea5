/*
 * editbuf.c: the editor's text buffer (UTF-8 text, a cursor, word wrap for display).
 *
 * What goes in is checked here, once, for every way text can arrive: a typed character must
 * be a printable character (controls and invisible format characters are refused), pasted or
 * loaded text goes through text_sanitize (invalid bytes become U+FFFD, controls visible caret
 * notation). So the buffer is always clean text that the store would keep unchanged and that
 * text_wrap and the drawing code accept. The cursor moves by character cluster (a character
 * and the combining marks after it), so it never sits inside a character or splits an accent
 * from its letter. Display lines come from text_wrap and are cached until the next change.
 *
 * Must never: call curses (the unit test links this file alone), let len pass max, or leave
 * the cursor off a character boundary.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

/* One-line buffers are never wrapped: the field scrolls sideways instead. */
#define EB_NO_WRAP (1 << 28)

static int eb_flags(const struct ui_editbuf *b)
{
	return b->one_line ? 0 : TEXT_MULTILINE;
}

static void eb_changed(struct ui_editbuf *b)
{
	free(b->lines);
	b->lines = NULL;
	b->nlines = 0;
	b->goal = -1;
}

void ui_editbuf_init(struct ui_editbuf *b, size_t max, bool one_line)
{
	memset(b, 0, sizeof *b);
	b->max = max;
	b->one_line = one_line;
	b->cols = one_line ? EB_NO_WRAP : 80;
	b->goal = -1;
	b->cap = 64;
	b->text = xmalloc(b->cap);
	b->text[0] = '\0';
}

void ui_editbuf_finish(struct ui_editbuf *b)
{
	if (!b)
		return;
	free(b->text);
	free(b->lines);
	memset(b, 0, sizeof *b);
}

static void eb_reserve(struct ui_editbuf *b, size_t need)
{
	if (need + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need + 1)
		cap *= 2;
	b->text = xrealloc(b->text, cap);
	b->cap = cap;
}

/* Inserts clean bytes at the cursor, whole or not at all. */
static int eb_insert(struct ui_editbuf *b, const char *s, size_t n)
{
	if (n > b->max || b->len > b->max - n)
		return BBS_ERR_TOOBIG;
	eb_reserve(b, b->len + n);
	memmove(b->text + b->cur + n, b->text + b->cur, b->len - b->cur + 1);
	memcpy(b->text + b->cur, s, n);
	b->len += n;
	b->cur += n;
	eb_changed(b);
	return 0;
}

int ui_editbuf_set(struct ui_editbuf *b, const char *s)
{
	char *clean = text_sanitize(s ? s : "", s ? strlen(s) : 0, eb_flags(b));
	size_t n = strlen(clean);

	if (n > b->max) {
		free(clean);
		return BBS_ERR_TOOBIG;
	}
	b->len = 0;
	b->cur = 0;
	b->text[0] = '\0';
	int r = eb_insert(b, clean, n);
	free(clean);
	return r;
}

int ui_editbuf_type(struct ui_editbuf *b, uint32_t cp)
{
	char enc[5];

	if (cp == '\n' || cp == '\r') {
		if (b->one_line)
			return BBS_ERR_INVALID;
		return eb_insert(b, "\n", 1);
	}
	/* C0, DEL and C1 controls, surrogates and values past Unicode are never text. */
	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return BBS_ERR_INVALID;
	size_t n = text_utf8_encode(cp, enc);
	enc[n] = '\0';
	/* What the sanitiser would change (invisible format and bidi controls, non-characters)
	 * is refused rather than stored. */
	if (!text_is_clean(enc, eb_flags(b)))
		return BBS_ERR_INVALID;
	return eb_insert(b, enc, n);
}

int ui_editbuf_paste(struct ui_editbuf *b, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	char *clean = text_sanitize(s, n, eb_flags(b));
	int r = eb_insert(b, clean, strlen(clean));
	free(clean);
	return r;
}

/* ---- characters and clusters ---- */

static uint32_t eb_cp_at(const struct ui_editbuf *b, size_t pos, size_t *next)
{
	uint32_t cp = 0;
	size_t n = text_utf8_decode(b->text + pos, b->len - pos, &cp);
	if (next)
		*next = pos + n;
	return cp;
}

/* A combining mark or other zero-width character that belongs to the character before it. */
static bool eb_is_mark(uint32_t cp)
{
	return cp != '\n' && cp >= 0x300 && text_cp_width(cp) == 0;
}

static size_t eb_prev_cp(const struct ui_editbuf *b, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)b->text[pos] & 0xC0) == 0x80)
		pos--;
	return pos;
}

/* The end of the cluster that starts at pos. */
static size_t eb_next_cluster(const struct ui_editbuf *b, size_t pos)
{
	size_t next;

	if (pos >= b->len)
		return b->len;
	(void)eb_cp_at(b, pos, &next);
	while (next < b->len) {
		size_t after;
		uint32_t cp = eb_cp_at(b, next, &after);
		if (!eb_is_mark(cp))
			break;
		next = after;
	}
	return next;
}

/* The start of the cluster that ends at pos. */
static size_t eb_prev_cluster(const struct ui_editbuf *b, size_t pos)
{
	size_t p = eb_prev_cp(b, pos);

	while (p > 0 && eb_is_mark(eb_cp_at(b, p, NULL)))
		p = eb_prev_cp(b, p);
	return p;
}

static int eb_width(const struct ui_editbuf *b, size_t from, size_t to)
{
	int w = 0;

	while (from < to) {
		uint32_t cp = eb_cp_at(b, from, &from);
		w += text_cp_width(cp);
	}
	return w;
}

bool ui_editbuf_backspace(struct ui_editbuf *b)
{
	if (b->cur == 0)
		return false;
	size_t p = eb_prev_cluster(b, b->cur);
	memmove(b->text + p, b->text + b->cur, b->len - b->cur + 1);
	b->len -= b->cur - p;
	b->cur = p;
	eb_changed(b);
	return true;
}

bool ui_editbuf_delete(struct ui_editbuf *b)
{
	if (b->cur >= b->len)
		return false;
	size_t q = eb_next_cluster(b, b->cur);
	memmove(b->text + b->cur, b->text + q, b->len - q + 1);
	b->len -= q - b->cur;
	eb_changed(b);
	return true;
}

/* The start of the cluster that holds pos: a position before a combining mark (after a
 * space or a line break, where word moves and display lines can start) goes back to the
 * character the mark belongs to, so a move never splits a cluster (found by fuzz-editbuf). */
static size_t eb_cluster_start(const struct ui_editbuf *b, size_t pos)
{
	while (pos > 0 && pos < b->len && eb_is_mark(eb_cp_at(b, pos, NULL)))
		pos = eb_prev_cp(b, pos);
	return pos;
}

static bool eb_move(struct ui_editbuf *b, size_t to)
{
	to = eb_cluster_start(b, to);
	b->goal = -1;
	if (to == b->cur)
		return false;
	b->cur = to;
	return true;
}

bool ui_editbuf_left(struct ui_editbuf *b)
{
	return eb_move(b, eb_prev_cluster(b, b->cur));
}

bool ui_editbuf_right(struct ui_editbuf *b)
{
	return eb_move(b, eb_next_cluster(b, b->cur));
}

/* Words are separated by spaces and line breaks; everything else (letters in any script,
 * digits, punctuation) belongs to a word. Both separators are ASCII, so byte steps are safe. */
static bool eb_sep(char c)
{
	return c == ' ' || c == '\n';
}

bool ui_editbuf_word_right(struct ui_editbuf *b)
{
	size_t p = b->cur;

	while (p < b->len && eb_sep(b->text[p]))
		p++;
	while (p < b->len && !eb_sep(b->text[p]))
		p++;
	return eb_move(b, p);
}

bool ui_editbuf_word_left(struct ui_editbuf *b)
{
	size_t p = b->cur;

	while (p > 0 && eb_sep(b->text[p - 1]))
		p--;
	while (p > 0 && !eb_sep(b->text[p - 1]))
		p--;
	return eb_move(b, p);
}

/* ---- display lines ---- */

static void eb_wrap(struct ui_editbuf *b)
{
	if (b->lines)
		return;
	b->nlines = text_wrap(b->text, b->cols, &b->lines);
	if (!b->lines || b->nlines == 0) {
		/* text_wrap always gives a line; keep that promise here too. */
		free(b->lines);
		b->lines = xcalloc(1, sizeof *b->lines);
		b->nlines = 1;
	}
}

void ui_editbuf_set_cols(struct ui_editbuf *b, int cols)
{
	if (b->one_line)
		return;
	if (cols < 1)
		cols = 1;
	if (cols == b->cols)
		return;
	int goal = b->goal;
	b->cols = cols;
	eb_changed(b);
	b->goal = goal;
}

size_t ui_editbuf_lines(struct ui_editbuf *b, const struct text_line **lines)
{
	eb_wrap(b);
	*lines = b->lines;
	return b->nlines;
}

/* The display line that holds pos: the last one starting at or before it. A position in the
 * spaces dropped at a soft break, or on a '\n', belongs to the line before. */
static size_t eb_row_of(struct ui_editbuf *b, size_t pos)
{
	eb_wrap(b);
	size_t lo = 0, hi = b->nlines;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->lines[mid].start <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void ui_editbuf_cursor(struct ui_editbuf *b, int *row, int *col)
{
	size_t i = eb_row_of(b, b->cur);
	size_t s = b->lines[i].start, e = s + b->lines[i].len;

	if (b->cur <= e) {
		*col = eb_width(b, s, b->cur);
	} else {
		/* In the spaces after the line's last character (dropped at the break or trailing):
		 * one column each. */
		*col = eb_width(b, s, e) + (int)(b->cur - e);
	}
	*row = (int)i;
}

/* The position on display line i closest to column goal without passing it. */
/* Whether display line i was broken inside a word: it ends where line i + 1 starts, and that
 * position shows at the start of the next line, so a cursor meant for line i must stop
 * before its last character (else Up from the end of a long word's line never leaves it;
 * found by fuzz-editbuf's neighbours in test-editbuf). */
static bool eb_joined(const struct ui_editbuf *b, size_t i)
{
	size_t e = b->lines[i].start + b->lines[i].len;
	return i + 1 < b->nlines && b->lines[i + 1].start == e && b->lines[i].len > 0;
}

static size_t eb_pos_at(struct ui_editbuf *b, size_t i, int goal)
{
	size_t pos = b->lines[i].start, e = pos + b->lines[i].len;
	bool joined = eb_joined(b, i);
	int w = 0;

	while (pos < e) {
		size_t next = eb_next_cluster(b, pos);
		if (next > e)
			next = e;
		if (joined && next >= e)
			break;
		int cw = eb_width(b, pos, next);
		if (w + cw > goal)
			break;
		w += cw;
		pos = next;
	}
	return pos;
}

bool ui_editbuf_up(struct ui_editbuf *b, int rows)
{
	int row, col;

	if (rows < 1)
		rows = 1;
	ui_editbuf_cursor(b, &row, &col);
	int goal = b->goal >= 0 ? b->goal : col;
	if (row == 0)
		return eb_move(b, 0);
	int target = row - rows < 0 ? 0 : row - rows;
	size_t to = eb_cluster_start(b, eb_pos_at(b, (size_t)target, goal));
	bool moved = to != b->cur;
	b->cur = to;
	b->goal = goal;
	return moved;
}

bool ui_editbuf_down(struct ui_editbuf *b, int rows)
{
	int row, col;

	if (rows < 1)
		rows = 1;
	ui_editbuf_cursor(b, &row, &col);
	int goal = b->goal >= 0 ? b->goal : col;
	if ((size_t)row + 1 >= b->nlines)
		return eb_move(b, b->len);
	size_t target = (size_t)row + (size_t)rows;
	if (target >= b->nlines)
		target = b->nlines - 1;
	size_t to = eb_cluster_start(b, eb_pos_at(b, target, goal));
	bool moved = to != b->cur;
	b->cur = to;
	b->goal = goal;
	return moved;
}

bool ui_editbuf_home(struct ui_editbuf *b)
{
	size_t i = eb_row_of(b, b->cur);
	size_t p = b->lines[i].start, e = p + b->lines[i].len;

	/* A line that starts with combining marks (after a break): past them, so the cursor
	 * stays on this line and does not split them from the character before. */
	while (p > 0 && p < e && eb_is_mark(eb_cp_at(b, p, NULL)))
		(void)eb_cp_at(b, p, &p);
	return eb_move(b, p);
}

bool ui_editbuf_end(struct ui_editbuf *b)
{
	size_t i = eb_row_of(b, b->cur);
	size_t e = b->lines[i].start + b->lines[i].len;
	size_t p = e;

	/* At the end of a paragraph, past its trailing spaces (the author typed them); at a soft
	 * break, before the spaces the break swallowed, so the cursor stays on this line. */
	while (p < b->len && b->text[p] == ' ')
		p++;
	if (eb_joined(b, i)) {
		/* Broken inside a word: e shows at the start of the next line, so stop on the
		 * last character of this one. */
		size_t q = eb_prev_cluster(b, e);
		return eb_move(b, q > b->lines[i].start ? q : b->lines[i].start);
	}
	return eb_move(b, p == b->len || b->text[p] == '\n' ? p : e);
}
