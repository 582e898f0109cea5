/*
 * test-editbuf: unit tests for the editor's text buffer (ui/editbuf.c).
 *
 * Covers what a member can do to it: type and delete characters of any width (ASCII, CJK,
 * combining marks), move by character, word and displayed line across soft wrap boundaries,
 * paste (10,000 bytes, control bytes, invalid UTF-8), and the size limits (a typed character
 * or a paste that would pass the limit is refused whole). After every operation the buffer
 * must be clean UTF-8 with the cursor on a character boundary.
 * Must never depend on the process locale or on a terminal (no curses calls are made).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/common.h"
#include "text/text.h"
#include "ui/ui.h"

/* The invariants: clean text, len consistent, cursor on a boundary, never past max. */
static int sane(const struct ui_editbuf *b)
{
	if (strlen(b->text) != b->len || b->len > b->max || b->cur > b->len)
		return 0;
	if (!text_utf8_valid(b->text, b->len))
		return 0;
	if (!text_is_clean(b->text, b->one_line ? 0 : TEXT_MULTILINE))
		return 0;
	if (b->cur < b->len && ((unsigned char)b->text[b->cur] & 0xC0) == 0x80)
		return 0;
	return 1;
}

static void type_str(struct ui_editbuf *b, const char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		uint32_t cp;
		i += text_utf8_decode(s + i, len - i, &cp);
		CHECK_INT(ui_editbuf_type(b, cp), 0);
	}
}

static void test_typing(void)
{
	struct ui_editbuf b;

	ui_editbuf_init(&b, 1000, false);
	type_str(&b, "hello");
	CHECK_STR(b.text, "hello");
	CHECK_INT(b.cur, 5);
	CHECK(ui_editbuf_left(&b));
	CHECK(ui_editbuf_backspace(&b));
	CHECK_STR(b.text, "helo");
	CHECK(ui_editbuf_delete(&b));
	CHECK_STR(b.text, "hel");
	CHECK(!ui_editbuf_delete(&b));
	CHECK_INT(ui_editbuf_type(&b, '\n'), 0);
	CHECK_INT(ui_editbuf_type(&b, '\r'), 0); /* Enter as CR is a newline too */
	CHECK_STR(b.text, "hel\n\n");
	CHECK(sane(&b));

	/* Typed control characters never enter the buffer. */
	const uint32_t bad[] = { 0x1B, 0x07, 0x00, 0x7F, 0x85, 0x9B, '\t', 0x200B, 0x202E,
		0xFEFF, 0xD800, 0x110000 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(ui_editbuf_type(&b, bad[i]), BBS_ERR_INVALID);
	CHECK_STR(b.text, "hel\n\n");
	CHECK(sane(&b));
	ui_editbuf_finish(&b);

	/* One-line buffers refuse newlines. */
	ui_editbuf_init(&b, 100, true);
	type_str(&b, "title");
	CHECK_INT(ui_editbuf_type(&b, '\n'), BBS_ERR_INVALID);
	CHECK_STR(b.text, "title");
	ui_editbuf_finish(&b);
}

static void test_wide_and_combining(void)
{
	struct ui_editbuf b;
	int row, col;

	ui_editbuf_init(&b, 1000, false);
	ui_editbuf_set_cols(&b, 40);
	/* CJK: two columns each. */
	type_str(&b, "\xE4\xB8\xAD\xE6\x96\x87");                    /* 中文 */
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 0);
	CHECK_INT(col, 4);
	CHECK(ui_editbuf_left(&b));
	CHECK_INT(b.cur, 3);
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(col, 2);
	CHECK(ui_editbuf_backspace(&b));
	CHECK_STR(b.text, "\xE6\x96\x87");
	CHECK(sane(&b));

	/* e + combining acute: one character for the cursor and for deletion. */
	CHECK(ui_editbuf_set(&b, "") == 0);
	type_str(&b, "e\xCC\x81x");                                  /* é (decomposed), x */
	CHECK_INT(b.len, 4);
	CHECK(ui_editbuf_left(&b));                                  /* before x */
	CHECK_INT(b.cur, 3);
	CHECK(ui_editbuf_left(&b));                                  /* before e, not inside é */
	CHECK_INT(b.cur, 0);
	CHECK(ui_editbuf_right(&b));
	CHECK_INT(b.cur, 3);
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(col, 1);
	CHECK(ui_editbuf_backspace(&b));                             /* removes e and its accent */
	CHECK_STR(b.text, "x");
	CHECK(sane(&b));
	CHECK(ui_editbuf_set(&b, "a\xCC\x81\xCC\x82" "b") == 0);     /* two marks on a */
	b.cur = 0;
	CHECK(ui_editbuf_delete(&b));
	CHECK_STR(b.text, "b");

	/* A combining mark typed after a letter attaches to it. */
	CHECK(ui_editbuf_set(&b, "o") == 0);
	CHECK_INT(ui_editbuf_type(&b, 0x308), 0);                    /* ö */
	CHECK_STR(b.text, "o\xCC\x88");
	CHECK(ui_editbuf_left(&b));
	CHECK_INT(b.cur, 0);
	CHECK(sane(&b));
	ui_editbuf_finish(&b);
}

static void test_wrap_moves(void)
{
	struct ui_editbuf b;
	const struct text_line *lines;
	int row, col;

	ui_editbuf_init(&b, 1000, false);
	ui_editbuf_set_cols(&b, 10);
	/* "alpha beta gamma" at 10 columns: "alpha beta" / "gamma". */
	CHECK(ui_editbuf_set(&b, "alpha beta gamma\nsecond") == 0);
	size_t n = ui_editbuf_lines(&b, &lines);
	CHECK_INT(n, 3);
	CHECK_INT(lines[0].start, 0);
	CHECK_INT(lines[0].len, 10);
	CHECK_INT(lines[1].start, 11);
	CHECK_INT(lines[2].start, 17);

	/* End on the first displayed line stops before the space the break swallowed. */
	b.cur = 2;
	CHECK(ui_editbuf_end(&b));
	CHECK_INT(b.cur, 10);
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 0);
	CHECK_INT(col, 10);
	/* Right from there crosses the soft break: first the space, then "gamma". */
	CHECK(ui_editbuf_right(&b));
	CHECK_INT(b.cur, 11);
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 1);
	CHECK_INT(col, 0);
	/* Home and End on the second displayed line. */
	b.cur = 13;
	CHECK(ui_editbuf_home(&b));
	CHECK_INT(b.cur, 11);
	CHECK(ui_editbuf_end(&b));
	CHECK_INT(b.cur, 16);                                        /* before the '\n' */

	/* Words across the soft break and across the newline. */
	b.cur = 7;                                                   /* inside "beta" */
	CHECK(ui_editbuf_word_right(&b));
	CHECK_INT(b.cur, 10);                                        /* end of "beta" */
	CHECK(ui_editbuf_word_right(&b));
	CHECK_INT(b.cur, 16);                                        /* end of "gamma" */
	CHECK(ui_editbuf_word_right(&b));
	CHECK_INT(b.cur, 23);                                        /* end of "second" */
	CHECK(!ui_editbuf_word_right(&b));
	CHECK(ui_editbuf_word_left(&b));
	CHECK_INT(b.cur, 17);
	CHECK(ui_editbuf_word_left(&b));
	CHECK_INT(b.cur, 11);                                        /* start of "gamma" */
	CHECK(ui_editbuf_word_left(&b));
	CHECK_INT(b.cur, 6);
	CHECK(ui_editbuf_word_left(&b));
	CHECK_INT(b.cur, 0);
	CHECK(!ui_editbuf_word_left(&b));

	/* Up and down keep the wanted column across shorter lines. */
	b.cur = 8;                                                   /* row 0, col 8 */
	CHECK(ui_editbuf_down(&b, 1));
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 1);
	CHECK_INT(col, 5);                                           /* "gamma" is 5 wide */
	CHECK(ui_editbuf_down(&b, 1));
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 2);
	CHECK_INT(col, 6);                                           /* "second": end */
	CHECK(ui_editbuf_up(&b, 2));
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 0);
	CHECK_INT(col, 8);                                           /* back to the goal */
	CHECK(ui_editbuf_up(&b, 1));                                 /* top line: to the start */
	CHECK_INT(b.cur, 0);
	CHECK(ui_editbuf_down(&b, 99));                              /* the last line */
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 2);
	CHECK(ui_editbuf_down(&b, 1));                               /* last line: to the end */
	CHECK_INT(b.cur, b.len);

	/* Wide characters at the wrap: never split, and up/down land on a boundary. */
	CHECK(ui_editbuf_set(&b, "\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD"
		"\xE4\xB8\xAD\xE4\xB8\xAD") == 0);                       /* 7 x 中 = 14 columns */
	n = ui_editbuf_lines(&b, &lines);
	CHECK_INT(n, 2);
	CHECK_INT(lines[0].len, 15);                                 /* 5 characters, 10 columns */
	b.cur = 3;                                                   /* col 2 */
	ui_editbuf_set_cols(&b, 9);                                  /* 4 per line now */
	n = ui_editbuf_lines(&b, &lines);
	CHECK_INT(n, 2);
	CHECK_INT(lines[0].len, 12);
	b.goal = 3;                                                  /* between columns of a glyph */
	CHECK(ui_editbuf_down(&b, 1));
	CHECK(sane(&b));
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 1);
	CHECK_INT(col, 2);                                           /* not half a character */
	ui_editbuf_finish(&b);
}

static void test_paste(void)
{
	struct ui_editbuf b;
	char *big = xmalloc(10001);

	ui_editbuf_init(&b, 2 * 65536, false);
	/* 10,000 bytes of mixed text with newlines, inserted at once. */
	for (size_t i = 0; i < 10000; i++)
		big[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 26);
	big[10000] = '\0';
	CHECK_INT(ui_editbuf_paste(&b, big, 10000), 0);
	CHECK_INT(b.len, 10000);
	CHECK_INT(b.cur, 10000);
	CHECK(memcmp(b.text, big, 10000) == 0);
	CHECK(sane(&b));
	/* In the middle too. */
	b.cur = 5000;
	CHECK_INT(ui_editbuf_paste(&b, "XYZ", 3), 0);
	CHECK_INT(b.len, 10003);
	CHECK(memcmp(b.text + 5000, "XYZ", 3) == 0);
	CHECK_INT(b.cur, 5003);

	/* Control bytes in a paste become visible text; invalid UTF-8 becomes U+FFFD. */
	CHECK(ui_editbuf_set(&b, "") == 0);
	CHECK_INT(ui_editbuf_paste(&b, "a\033[31mb\r\nc\xFF\xC0\x80" "d\x9b", 15), 0);
	CHECK(sane(&b));
	CHECK(strchr(b.text, '\033') == NULL);
	CHECK(strchr(b.text, '\r') == NULL);
	CHECK(strstr(b.text, "^[[31mb\nc") != NULL);
	CHECK(strstr(b.text, "\xEF\xBF\xBD") != NULL);
	CHECK(text_utf8_valid(b.text, b.len));
	/* A one-line buffer gets pasted newlines as spaces. */
	struct ui_editbuf t;
	ui_editbuf_init(&t, 200, true);
	CHECK_INT(ui_editbuf_paste(&t, "one\ntwo", 7), 0);
	CHECK_STR(t.text, "one two");
	CHECK(sane(&t));
	ui_editbuf_finish(&t);
	ui_editbuf_finish(&b);
	free(big);
}

static void test_limits(void)
{
	struct ui_editbuf b;
	char *fill = xmalloc(200);

	ui_editbuf_init(&b, 100, false);
	memset(fill, 'x', 99);
	CHECK_INT(ui_editbuf_paste(&b, fill, 99), 0);
	CHECK_INT(ui_editbuf_type(&b, 'y'), 0);                      /* exactly max */
	CHECK_INT(b.len, 100);
	CHECK_INT(ui_editbuf_type(&b, 'z'), BBS_ERR_TOOBIG);
	CHECK_INT(ui_editbuf_type(&b, 0x4E2D), BBS_ERR_TOOBIG);
	CHECK_INT(b.len, 100);
	/* A paste that does not fit is refused whole: nothing of it goes in. */
	CHECK(ui_editbuf_backspace(&b));
	CHECK(ui_editbuf_backspace(&b));
	CHECK_INT(ui_editbuf_paste(&b, "abc", 3), BBS_ERR_TOOBIG);
	CHECK_INT(b.len, 98);
	CHECK(b.text[97] == 'x');
	CHECK_INT(ui_editbuf_paste(&b, "ab", 2), 0);
	CHECK_INT(b.len, 100);
	/* Cleaning may grow a paste (ESC -> "^["): the limit counts the cleaned size. */
	CHECK(ui_editbuf_set(&b, "") == 0);
	memset(fill, '\033', 60);
	CHECK_INT(ui_editbuf_paste(&b, fill, 60), BBS_ERR_TOOBIG);
	CHECK_INT(b.len, 0);
	CHECK_INT(ui_editbuf_paste(&b, fill, 50), 0);
	CHECK_INT(b.len, 100);
	CHECK(sane(&b));
	/* set refuses text over max and keeps what was there. */
	memset(fill, 'q', 150);
	fill[150] = '\0';
	CHECK_INT(ui_editbuf_set(&b, fill), BBS_ERR_TOOBIG);
	CHECK_INT(b.len, 100);
	ui_editbuf_finish(&b);
	free(fill);
}

/* Found by fuzz-editbuf: a combining mark after a space (or a line break) belongs to it, and
 * no move may stop between them: word left, Home on a display line that starts at the mark
 * (a 1-column wrap), and up/down used to. */
static void test_mark_after_space(void)
{
	struct ui_editbuf b;
	int row, col;

	ui_editbuf_init(&b, 512, false);
	ui_editbuf_set_cols(&b, 1);
	CHECK_INT(ui_editbuf_type(&b, ' '), 0);
	CHECK_INT(ui_editbuf_type(&b, 0x301), 0);                     /* " \u0301", 3 bytes */
	CHECK_INT(b.len, 3);
	CHECK(ui_editbuf_word_left(&b));
	CHECK_INT(b.cur, 0);                                         /* not 1: before the mark */
	CHECK(sane(&b));
	CHECK(ui_editbuf_end(&b));
	CHECK_INT(b.cur, 3);
	/* "a \u0301b" at 1 column: whatever the lines, no move ends on the mark (byte 2). */
	CHECK_INT(ui_editbuf_set(&b, "a \xcc\x81" "b"), 0);
	for (int i = 0; i < 6; i++) {
		(void)ui_editbuf_up(&b, 1);
		CHECK(b.cur != 2);
		(void)ui_editbuf_home(&b);
		CHECK(b.cur != 2);
		(void)ui_editbuf_word_left(&b);
		CHECK(b.cur != 2);
		(void)ui_editbuf_end(&b);
		CHECK(b.cur != 2);
		(void)ui_editbuf_down(&b, 1);
		CHECK(b.cur != 2);
		ui_editbuf_cursor(&b, &row, &col);
		CHECK(row >= 0 && col >= 0);
		CHECK(sane(&b));
	}
	/* After a line break too: the mark goes with the '\n' as for the left arrow. */
	CHECK_INT(ui_editbuf_set(&b, "x\n\xcc\x81" "y"), 0);
	CHECK(ui_editbuf_word_left(&b));
	CHECK(b.cur != 2);
	ui_editbuf_finish(&b);
}

/* Found with fuzz-editbuf's row check: a word longer than a line is broken inside it, so a
 * line ends where the next begins and that position shows on the next line. Up from the end
 * of the last piece used to land there and stay (Up never left the line), and End went to
 * the next line. */
static void test_broken_word_rows(void)
{
	struct ui_editbuf b;
	int row, col;

	ui_editbuf_init(&b, 512, false);
	ui_editbuf_set_cols(&b, 4);
	CHECK_INT(ui_editbuf_set(&b, "abcdefghij"), 0);              /* abcd / efgh / ij */
	const struct text_line *l = NULL;
	CHECK_INT(ui_editbuf_lines(&b, &l), 3);
	b.cur = 8;                                                   /* "ij": row 2, col 0 */
	CHECK(ui_editbuf_end(&b));
	CHECK_INT(b.cur, 10);
	CHECK(ui_editbuf_up(&b, 1));                                  /* goal 2 */
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 1);
	CHECK_INT(col, 2);
	b.cur = 10;
	b.goal = 4;                                                  /* as after End on "efgh" */
	CHECK(ui_editbuf_up(&b, 1));
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 1);                                           /* not stuck on row 2 */
	CHECK(ui_editbuf_up(&b, 1));
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 0);
	/* End on a broken line: its last character, still on that line. */
	b.cur = 4;                                                   /* row 1, col 0 */
	CHECK(ui_editbuf_end(&b));
	ui_editbuf_cursor(&b, &row, &col);
	CHECK_INT(row, 1);
	CHECK_INT(b.cur, 7);
	/* Home on a line that starts with combining marks stays on it. */
	CHECK_INT(ui_editbuf_set(&b, "ab \xcc\x81" "cdef"), 0);
	for (b.cur = b.len; ui_editbuf_up(&b, 1);)
		;
	CHECK_INT(b.cur, 0);
	CHECK(sane(&b));
	ui_editbuf_finish(&b);
}

int main(void)
{
	test_broken_word_rows();
	test_mark_after_space();
	test_typing();
	test_wide_and_combining();
	test_wrap_moves();
	test_paste();
	test_limits();
	return check_done();
}
