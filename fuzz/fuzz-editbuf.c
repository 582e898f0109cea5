/*
 * libFuzzer target: the editor's input handling (ui/editbuf.c, no curses). The input is a
 * byte stream of editor operations, as the editor screen would call them for keys and pastes:
 * typed characters (any 21-bit value, controls and invisible format characters included),
 * pastes of raw bytes (escape sequences, invalid UTF-8, NUL, CR LF), backspace and delete,
 * cursor moves by character, word, line and page, wrap width changes, and loading a draft.
 *
 * After every operation the buffer must hold: len == strlen(text), len <= max, valid UTF-8
 * that the sanitiser would leave unchanged (no control byte but '\n', and none in a one-line
 * buffer), the cursor on a code point boundary within the text; the displayed lines in order
 * inside the text; the cursor's row among them. A move that reports "not moved" left the
 * cursor where it was, one that reports "moved" changed it and never stopped before a
 * combining mark (splitting it from its character); Up off the first row and Down off the
 * last always change the row that way. abort() on any breach.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "text/text.h"
#include "ui/ui.h"

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t next_byte(struct input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static void check(struct ui_editbuf *b)
{
	int flags = b->one_line ? 0 : TEXT_MULTILINE;

	if (!b->text || b->len > b->max || b->len + 1 > b->cap || strlen(b->text) != b->len)
		abort();
	if (b->cur > b->len)
		abort();
	if (!text_utf8_valid(b->text, b->len) || !text_is_clean(b->text, flags))
		abort();
	if (b->one_line && memchr(b->text, '\n', b->len))
		abort();
	/* The cursor never inside a code point. */
	if (b->cur < b->len && ((unsigned char)b->text[b->cur] & 0xC0) == 0x80)
		abort();

	const struct text_line *lines = NULL;
	size_t n = ui_editbuf_lines(b, &lines);
	if (n < 1 || !lines)
		abort();
	size_t prev = 0;
	for (size_t i = 0; i < n; i++) {
		if (lines[i].start < prev || lines[i].start + lines[i].len > b->len)
			abort();
		prev = lines[i].start;
	}
	int row = -1, col = -1;
	ui_editbuf_cursor(b, &row, &col);
	if (row < 0 || (size_t)row >= n || col < 0)
		abort();
}

/* A move must report truthfully whether the cursor moved, and one that moved never lands
 * between a character and its combining marks (typing a letter in front of a mark may leave
 * the cursor there: the mark then belongs to what was typed). */
static void check_move(struct ui_editbuf *b, size_t before, bool moved)
{
	if (moved != (b->cur != before))
		abort();
	if (moved && b->cur > 0 && b->cur < b->len) {
		uint32_t cp = 0;
		(void)text_utf8_decode(b->text + b->cur, b->len - b->cur, &cp);
		if (cp >= 0x300 && text_cp_width(cp) == 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t maxes[4] = { 8, 64, 512, 8192 };
	struct input in = { data, size };
	struct ui_editbuf b;

	if (size < 2)
		return 0;
	uint8_t cfg = next_byte(&in);
	ui_editbuf_init(&b, maxes[(cfg >> 1) & 3], cfg & 1);
	ui_editbuf_set_cols(&b, (int)next_byte(&in) % 100 - 2);
	check(&b);

	while (in.n > 0) {
		uint8_t op = next_byte(&in);
		size_t before = b.cur;
		switch (op % 16) {
		case 0: { /* a typed character: any value up to 21 bits */
			uint32_t cp = (uint32_t)next_byte(&in) << 16;
			cp |= (uint32_t)next_byte(&in) << 8;
			cp |= next_byte(&in);
			size_t len = b.len;
			int r = ui_editbuf_type(&b, cp & 0x1FFFFF);
			if (r != 0 && (b.len != len || b.cur != before))
				abort(); /* refused: unchanged */
			break;
		}
		case 1: { /* a typed ASCII or Latin-1 character (the common case) */
			size_t len = b.len;
			if (ui_editbuf_type(&b, next_byte(&in)) != 0 && (b.len != len || b.cur != before))
				abort();
			break;
		}
		case 2: { /* a paste of raw bytes */
			size_t n = next_byte(&in) % 128;
			if (n > in.n)
				n = in.n;
			size_t len = b.len;
			int r = ui_editbuf_paste(&b, (const char *)in.p, n);
			in.p += n;
			in.n -= n;
			if (r != 0 && (b.len != len || b.cur != before))
				abort(); /* whole or not at all */
			break;
		}
		case 3: check_move(&b, before, ui_editbuf_left(&b)); break;
		case 4: check_move(&b, before, ui_editbuf_right(&b)); break;
		case 5: check_move(&b, before, ui_editbuf_word_left(&b)); break;
		case 6: check_move(&b, before, ui_editbuf_word_right(&b)); break;
		case 7: check_move(&b, before, ui_editbuf_home(&b)); break;
		case 8: check_move(&b, before, ui_editbuf_end(&b)); break;
		case 9:
		case 10: { /* up / down: off the first / last row, the row changes that way */
			int r0, c0, r1, c1;
			const struct text_line *lines = NULL;
			size_t n = ui_editbuf_lines(&b, &lines);
			ui_editbuf_cursor(&b, &r0, &c0);
			int rows = next_byte(&in) % 30 - 1;
			bool up = op % 16 == 9;
			check_move(&b, before, up ? ui_editbuf_up(&b, rows) : ui_editbuf_down(&b, rows));
			ui_editbuf_cursor(&b, &r1, &c1);
			if (up ? (r0 > 0 && r1 >= r0) : ((size_t)r0 + 1 < n && r1 <= r0))
				abort();
			break;
		}
		case 11: {
			size_t len = b.len;
			bool done = ui_editbuf_backspace(&b);
			if (done != (b.len < len) || (!done && b.cur != before))
				abort();
			break;
		}
		case 12: {
			size_t len = b.len;
			bool done = ui_editbuf_delete(&b);
			if (done != (b.len < len) || b.cur != before)
				abort();
			break;
		}
		case 13: /* a resize */
			ui_editbuf_set_cols(&b, (int)next_byte(&in) % 120 - 2);
			break;
		case 14: { /* a draft loaded: NUL-terminated copy of the next bytes */
			size_t n = next_byte(&in) % 128;
			if (n > in.n)
				n = in.n;
			char *s = xmalloc(n + 1);
			memcpy(s, in.p, n);
			s[n] = '\0';
			in.p += n;
			in.n -= n;
			size_t len = b.len;
			if (ui_editbuf_set(&b, s) != 0 && (b.len != len || b.cur != before))
				abort();
			free(s);
			break;
		}
		default: /* a newline (Enter) */
			(void)ui_editbuf_type(&b, '\n');
			break;
		}
		check(&b);
	}
	ui_editbuf_finish(&b);
	return 0;
}
