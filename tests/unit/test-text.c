/*
 * test-text: unit tests for text/ (UTF-8, sanitising, width, fit, wrap, log escaping).
 *
 * The hostile-input cases are the ones a member could use to reach another member's
 * terminal; every one must come out with no control byte, no DEL, no C1 and valid UTF-8.
 * Must never depend on the process locale.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "check.h"
#include "text/text.h"

/* True if s contains no byte < 0x20 except '\n' (if allowed), no 0x7F and no C1 (C2 80..9F). */
static int no_controls(const char *s, int allow_nl)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; p[i]; i++) {
		if (p[i] < 0x20 && !(allow_nl && p[i] == '\n'))
			return 0;
		if (p[i] == 0x7F)
			return 0;
		if (p[i] == 0xC2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
			return 0;
	}
	return 1;
}

static int is_safe(const char *s, int flags)
{
	return no_controls(s, flags & TEXT_MULTILINE) && text_utf8_valid(s, strlen(s)) &&
		text_is_clean(s, flags);
}

static void check_sanitized(const char *in, size_t len, int flags, const char *expect)
{
	char *out = text_sanitize(in, len, flags);
	CHECK(is_safe(out, flags));
	CHECK(strlen(out) <= 4 * len);
	if (expect)
		CHECK_STR(out, expect);
	free(out);
}

#define SAN(lit, flags, expect) check_sanitized(lit, sizeof(lit) - 1, flags, expect)

static void test_utf8(void)
{
	uint32_t cp;
	char buf[4];

	CHECK(text_utf8_valid("", 0));
	CHECK(text_utf8_valid("abc", 3));
	CHECK(text_utf8_valid("\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80", 9));
	CHECK(text_utf8_valid("\xF4\x8F\xBF\xBF", 4));         /* U+10FFFF */
	CHECK(!text_utf8_valid("\xF4\x90\x80\x80", 4));        /* > U+10FFFF */
	CHECK(!text_utf8_valid("\xC0\xAF", 2));                /* overlong '/' */
	CHECK(!text_utf8_valid("\xE0\x80\xAF", 3));            /* overlong '/' */
	CHECK(!text_utf8_valid("\xF0\x80\x80\xAF", 4));        /* overlong '/' */
	CHECK(!text_utf8_valid("\xC1\xBF", 2));
	CHECK(!text_utf8_valid("\xED\xA0\x80", 3));            /* surrogate D800 */
	CHECK(!text_utf8_valid("\xED\xBF\xBF", 3));            /* surrogate DFFF */
	CHECK(text_utf8_valid("\xED\x9F\xBF", 3));             /* U+D7FF */
	CHECK(!text_utf8_valid("\x80", 1));
	CHECK(!text_utf8_valid("\xE4\xB8", 2));                /* truncated */
	CHECK(!text_utf8_valid("\xF8\x88\x80\x80\x80", 5));
	CHECK(!text_utf8_valid("\xFF", 1));
	CHECK(text_utf8_valid("a\0b", 3));                     /* NUL is valid UTF-8 */

	CHECK_INT(text_utf8_decode("\xE4\xB8\xAD", 3, &cp), 3);
	CHECK_INT(cp, 0x4E2D);
	CHECK_INT(text_utf8_decode("\xE4\xB8", 2, &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(text_utf8_decode("\xC0\x80", 2, &cp), 1);
	CHECK_INT(cp, 0xFFFD);
	CHECK_INT(text_utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
	CHECK_INT(cp, 0x1F600);

	CHECK_INT(text_utf8_encode(0x41, buf), 1);
	CHECK_INT(text_utf8_encode(0xE9, buf), 2);
	CHECK(memcmp(buf, "\xC3\xA9", 2) == 0);
	CHECK_INT(text_utf8_encode(0x4E2D, buf), 3);
	CHECK(memcmp(buf, "\xE4\xB8\xAD", 3) == 0);
	CHECK_INT(text_utf8_encode(0x10FFFF, buf), 4);
	CHECK(memcmp(buf, "\xF4\x8F\xBF\xBF", 4) == 0);
	CHECK_INT(text_utf8_encode(0xD800, buf), 3);           /* surrogate -> U+FFFD */
	CHECK(memcmp(buf, "\xEF\xBF\xBD", 3) == 0);

	/* Round trip over all scalar values. */
	int bad = 0;
	for (uint32_t c = 0; c <= 0x10FFFF; c++) {
		size_t n;
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		n = text_utf8_encode(c, buf);
		if (!text_utf8_valid(buf, n) || text_utf8_decode(buf, n, &cp) != n || cp != c)
			bad++;
	}
	CHECK_INT(bad, 0);
}

static void test_sanitize_hostile(void)
{
	const int modes[] = { 0, TEXT_MULTILINE, TEXT_ASCII, TEXT_MULTILINE | TEXT_ASCII };

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		int f = modes[m];
		SAN("\x1b[2J", f, "^[[2J");                           /* clear screen */
		SAN("\x1b]52;c;aGVsbG8=\x07", f, "^[]52;c;aGVsbG8=^G"); /* OSC 52 clipboard */
		SAN("\x1b]0;pwned\x07", f, "^[]0;pwned^G");           /* window title */
		SAN("\x1b[200~ls\x1b[201~", f, "^[[200~ls^[[201~");   /* bracketed paste */
		SAN("\x9b" "2J", f, (f & TEXT_ASCII) ? "?2J" : "\xEF\xBF\xBD" "2J"); /* raw C1 CSI */
		SAN("\xC2\x9b" "2J", f, "?2J");                       /* encoded C1 CSI */
		SAN("\xC2\x85", f, "?");                              /* NEL */
		SAN("\xC0\x9b", f, (f & TEXT_ASCII) ? "??" : "\xEF\xBF\xBD\xEF\xBF\xBD"); /* overlong */
		SAN("\xE0\x80\x9b", f, NULL);
		SAN("\xED\xA0\x80", f, (f & TEXT_ASCII) ? "???" :
			"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");    /* surrogate */
		SAN("a\xE2\x80\xAE" "evil", f, "aevil");              /* RLO */
		SAN("a\xE2\x80\x8B" "b", f, "ab");                    /* ZWSP */
		SAN("\xEF\xBB\xBF" "bom", f, "bom");                  /* BOM */
		SAN("x\xE2\x81\xA6y\xE2\x81\xA9", f, "xy");           /* isolates */
		SAN("\x7f", f, "^?");
		SAN("a\0b", f, "a^@b");
		SAN("\x01\x1f", f, "^A^_");
		SAN("\xEF\xBF\xBE", f, "");                           /* non-character U+FFFE */
		SAN("\xF3\xA0\x80\x81tag", f, "tag");                 /* tag character */
		SAN("\x1bP1;2|x\x1b\\", f, "^[P1;2|x^[\\");           /* DCS */
		SAN("\x1b" "c", f, "^[c");                            /* RIS */
	}

	SAN("caf\xC3\xA9 \xE4\xB8\xAD", 0, "caf\xC3\xA9 \xE4\xB8\xAD");
	SAN("caf\xC3\xA9 \xE4\xB8\xAD", TEXT_ASCII, "caf? ?");
	SAN("a\r\nb\rc\nd", TEXT_MULTILINE, "a\nb\nc\nd");
	SAN("a\r\nb\rc\nd", 0, "a b c d");
	SAN("a\tb", 0, "a b");
	SAN("a\tb", TEXT_MULTILINE, "a   b");
	SAN("abcd\tb\n\tc", TEXT_MULTILINE, "abcd    b\n    c");
	SAN("\xE4\xB8\xAD\tx", TEXT_MULTILINE, "\xE4\xB8\xAD  x");   /* wide char counts 2 */
	SAN("a\xE2\x80\xA8" "b", TEXT_MULTILINE, "a\nb");
	SAN("", 0, "");

	/* Multiline text without a flag: the newline itself is not clean. */
	CHECK(!text_is_clean("a\nb", 0));
	CHECK(text_is_clean("a\nb", TEXT_MULTILINE));
	CHECK(!text_is_clean("\x1b[0m", 0));
	CHECK(!text_is_clean("\xff", 0));
	CHECK(text_is_clean("^[[2J", 0));
	CHECK(!text_is_clean(NULL, 0));

	/* NULL with len 0 is an empty string. */
	char *e = text_sanitize(NULL, 0, 0);
	CHECK_STR(e, "");
	free(e);
}

/* Deterministic xorshift so the brute-force test is reproducible. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

static void test_sanitize_random(void)
{
	/* Bias towards interesting bytes: controls, UTF-8 lead/continuation bytes, ESC. */
	static const unsigned char interesting[] = {
		0x00, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x1b, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0xa0,
		0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
		0x80, 0x8b, 0xae, 0xbb, ' ', '[', ']',
	};
	const int modes[] = { 0, TEXT_MULTILINE, TEXT_ASCII, TEXT_MULTILINE | TEXT_ASCII };
	unsigned char buf[64];
	int fails = 0;

	for (int iter = 0; iter < 200000; iter++) {
		size_t len = rng() % sizeof(buf);
		int f = modes[iter % 4];
		for (size_t i = 0; i < len; i++) {
			uint32_t r = rng();
			buf[i] = (r & 1) ? (unsigned char)(r >> 8)
				: interesting[(r >> 8) % sizeof(interesting)];
		}
		char *out = text_sanitize((const char *)buf, len, f);
		size_t olen = strlen(out);
		if (olen > 4 * len || !no_controls(out, f & TEXT_MULTILINE) ||
		    !text_utf8_valid(out, olen) || !text_is_clean(out, f)) {
			if (fails++ < 5) {
				char *esc = text_escape_log((const char *)buf, 400);
				fprintf(stderr, "random sanitize failed (flags %d): %s\n", f, esc);
				free(esc);
			}
		}
		if ((f & TEXT_ASCII)) {
			for (size_t i = 0; i < olen; i++)
				if ((unsigned char)out[i] >= 0x80)
					fails++;
		}
		free(out);
	}
	CHECK_INT(fails, 0);
}

static void test_width(void)
{
	CHECK_INT(text_cp_width('a'), 1);
	CHECK_INT(text_cp_width(0x1b), 0);
	CHECK_INT(text_cp_width(0x9b), 0);
	CHECK_INT(text_cp_width(0x4E2D), 2);       /* 中 */
	CHECK_INT(text_cp_width(0xAC00), 2);       /* 가 */
	CHECK_INT(text_cp_width(0x3042), 2);       /* あ */
	CHECK_INT(text_cp_width(0xFF21), 2);       /* fullwidth A */
	CHECK_INT(text_cp_width(0x1F600), 2);      /* emoji */
	CHECK_INT(text_cp_width(0x20000), 2);      /* CJK ext B */
	CHECK_INT(text_cp_width(0x0301), 0);       /* combining acute */
	CHECK_INT(text_cp_width(0x0591), 0);       /* Hebrew accent */
	CHECK_INT(text_cp_width(0x200B), 0);
	CHECK_INT(text_cp_width(0xE9), 1);
	CHECK_INT(text_cp_width(0x0416), 1);       /* Cyrillic */
	CHECK_INT(text_cp_width(0x0627), 1);       /* Arabic */

	CHECK_INT(text_width(""), 0);
	CHECK_INT(text_width("hello"), 5);
	CHECK_INT(text_width("\xE4\xB8\xAD\xE6\x96\x87"), 4);                 /* 中文 */
	CHECK_INT(text_width("e\xCC\x81"), 1);                                /* e + combining acute */
	CHECK_INT(text_width("ab\ncdef"), 2);
	CHECK_INT(text_width("\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 ok"), 9);  /* 한국어 ok */
}

/*
 * Our table must agree with the C library's wcwidth() in C.UTF-8 (what ncurses uses to
 * place characters) for every printable code point it knows. Uses a thread locale, so the
 * process locale is untouched; skipped if C.UTF-8 is not installed.
 */
static void test_width_matches_libc(void)
{
	locale_t loc = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0), old;
	int diff = 0;

	if (loc == (locale_t)0) {
		fprintf(stderr, "C.UTF-8 locale missing: wcwidth comparison skipped\n");
		return;
	}
	old = uselocale(loc);
	for (uint32_t c = 0x20; c < 0x40000; c++) {
		int lw;
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		lw = wcwidth((wchar_t)c);
		if (lw >= 0 && lw != text_cp_width(c) && diff++ < 10)
			fprintf(stderr, "width of U+%04X: libc %d, text %d\n", (unsigned)c, lw,
				text_cp_width(c));
	}
	uselocale(old);
	freelocale(loc);
	CHECK_INT(diff, 0);
}

static void test_fit(void)
{
	int used;
	const char *cjk = "a\xE4\xB8\xAD\xE6\x96\x87" "b";  /* a中文b: widths 1,2,2,1 */

	CHECK_INT(text_fit("hello", 3, &used), 3);
	CHECK_INT(used, 3);
	CHECK_INT(text_fit("hello", 10, &used), 5);
	CHECK_INT(used, 5);
	CHECK_INT(text_fit("hello", 0, &used), 0);
	CHECK_INT(used, 0);
	CHECK_INT(text_fit("ab\ncd", 10, &used), 2);
	CHECK_INT(text_fit(cjk, 1, &used), 1);
	CHECK_INT(text_fit(cjk, 2, &used), 1);     /* 中 does not fit in 1 remaining column */
	CHECK_INT(used, 1);
	CHECK_INT(text_fit(cjk, 3, &used), 4);
	CHECK_INT(used, 3);
	CHECK_INT(text_fit(cjk, 4, &used), 4);
	CHECK_INT(text_fit(cjk, 5, &used), 7);
	CHECK_INT(text_fit(cjk, 6, &used), 8);
	CHECK_INT(used, 6);
	/* The combining mark stays with its base character. */
	CHECK_INT(text_fit("e\xCC\x81x", 1, &used), 3);
	CHECK_INT(used, 1);
	CHECK(text_fit("x", 5, NULL) == 1);

	/* Never splits a code point, for every width. */
	const char *mix = "\xC3\xA9\xE4\xB8\xAD" "e\xCC\x81\xF0\x9F\x98\x80z";
	for (int c = 0; c < 12; c++) {
		size_t n = text_fit(mix, c, &used);
		CHECK(text_utf8_valid(mix, n));
		CHECK(used <= c);
		char tmp[64];
		memcpy(tmp, mix, n);
		tmp[n] = '\0';
		CHECK_INT(text_width(tmp), used);
		/* The rest must also start on a character boundary. */
		CHECK(text_utf8_valid(mix + n, strlen(mix + n)));
	}
}

/* Concatenation of all non-space bytes of s (excluding '\n'). */
static char *non_space(const char *s, size_t len)
{
	char *o = malloc(len + 1);
	size_t n = 0;

	if (!o)
		abort();
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\n')
			o[n++] = s[i];
	o[n] = '\0';
	return o;
}

/* Wraps s at cols and checks widths, coverage and boundaries. Returns the line count. */
static size_t check_wrap(const char *s, int cols)
{
	struct text_line *lines = NULL;
	size_t n = text_wrap(s, cols, &lines), total = 0, len = strlen(s);
	char *joined = malloc(len + 1), *a, *b;
	int bad_width = 0, bad_utf8 = 0, bad_trail = 0;

	if (!joined)
		abort();
	CHECK(n >= 1);
	CHECK(lines != NULL);
	for (size_t i = 0; i < n; i++) {
		char tmp[4096];
		CHECK(lines[i].start + lines[i].len <= len);
		CHECK(lines[i].len < sizeof(tmp));
		memcpy(tmp, s + lines[i].start, lines[i].len);
		tmp[lines[i].len] = '\0';
		int w = text_width(tmp);
		/* Only exception: cols == 1 and a line of one wide character. */
		if (w > cols && !(cols == 1 && w == 2 && text_fit(tmp, 2, NULL) == lines[i].len))
			bad_width++;
		if (!text_utf8_valid(tmp, lines[i].len) || strchr(tmp, '\n'))
			bad_utf8++;
		if (lines[i].len && tmp[lines[i].len - 1] == ' ')
			bad_trail++;
		memcpy(joined + total, tmp, lines[i].len);
		total += lines[i].len;
		/* Lines are in order and do not overlap. */
		if (i > 0)
			CHECK(lines[i].start >= lines[i - 1].start + lines[i - 1].len);
	}
	joined[total] = '\0';
	if (bad_width || bad_utf8 || bad_trail)
		fprintf(stderr, "wrap at %d of \"%s\": width %d utf8 %d trail %d\n", cols, s,
			bad_width, bad_utf8, bad_trail);
	CHECK_INT(bad_width, 0);
	CHECK_INT(bad_utf8, 0);
	CHECK_INT(bad_trail, 0);
	a = non_space(s, len);
	b = non_space(joined, total);
	CHECK_STR(a, b);
	free(a);
	free(b);
	free(joined);
	free(lines);
	return n;
}

static void test_wrap(void)
{
	struct text_line *l = NULL;
	size_t n;
	const char *text = "The quick brown fox jumps over the lazy dog.\n\n"
		"What is stopping us making faster progress to protect children?";
	const char *cjk = "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6 abc "
		"\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 "
		"e\xCC\x81t\xC3\xA9 x\xE4\xB8\xAD";
	const char *samples[] = {
		text, cjk, "", "\n", "a\n", "   indented line here", "word", "a  b   c",
		"supercalifragilisticexpialidocious is long", "   ", "\n\n\nx", "a b\n\nc d",
		"e\xCC\x81\xCC\x81\xCC\x81 \xF0\x9F\x98\x80\xF0\x9F\x98\x80",
	};

	n = text_wrap("", 10, &l);
	CHECK_INT(n, 1);
	CHECK_INT(l[0].len, 0);
	free(l);

	n = text_wrap("hello world foo", 11, &l);
	CHECK_INT(n, 2);
	CHECK_INT(l[0].start, 0);
	CHECK_INT(l[0].len, 11);
	CHECK_INT(l[1].start, 12);
	CHECK_INT(l[1].len, 3);
	free(l);

	n = text_wrap("hello world", 5, &l);
	CHECK_INT(n, 2);
	CHECK_INT(l[0].len, 5);
	CHECK_INT(l[1].start, 6);
	free(l);

	n = text_wrap("abcdefgh", 3, &l);      /* long word broken */
	CHECK_INT(n, 3);
	CHECK_INT(l[0].len, 3);
	CHECK_INT(l[1].start, 3);
	CHECK_INT(l[2].start, 6);
	CHECK_INT(l[2].len, 2);
	free(l);

	n = text_wrap("a\n\nb", 10, &l);       /* paragraphs kept, blank line kept */
	CHECK_INT(n, 3);
	CHECK_INT(l[1].len, 0);
	CHECK_INT(l[2].start, 3);
	free(l);

	/* 中文字符 at 3 columns: one wide character per line, never split. */
	n = text_wrap("\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97", 3, &l);
	CHECK_INT(n, 3);
	CHECK_INT(l[0].len, 3);
	CHECK_INT(l[1].start, 3);
	free(l);
	n = text_wrap("\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97", 4, &l);
	CHECK_INT(n, 2);
	CHECK_INT(l[0].len, 6);
	free(l);

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		for (int c = 1; c <= 50; c++)
			check_wrap(samples[i], c);
	CHECK_INT(check_wrap("abc", 1), 3);

	/* Random clean text, many widths. */
	static const char *const pieces[] = {
		"a", "bc", "word", " ", " ", "  ", "\n", "\xE4\xB8\xAD", "\xC3\xA9", "e\xCC\x81",
		"\xF0\x9F\x98\x80", "longerwordthanmost", "x",
	};
	for (int iter = 0; iter < 2000; iter++) {
		char buf[512];
		size_t len = 0;
		int parts = (int)(rng() % 40);
		for (int k = 0; k < parts; k++) {
			const char *p = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t pl = strlen(p);
			if (len + pl >= sizeof(buf))
				break;
			memcpy(buf + len, p, pl);
			len += pl;
		}
		buf[len] = '\0';
		check_wrap(buf, 1 + (int)(rng() % 30));
	}
}

static void test_escape_log(void)
{
	char *s;

	s = text_escape_log("plain text", 100);
	CHECK_STR(s, "plain text");
	free(s);
	s = text_escape_log("a\x1b[2J\\b\xC3\xA9", 100);
	CHECK_STR(s, "a\\x1b[2J\\x5cb\\xc3\\xa9");
	free(s);
	s = text_escape_log("abcdefghij", 8);
	CHECK_STR(s, "abcde...");
	free(s);
	s = text_escape_log("abcdefgh", 8);
	CHECK_STR(s, "abcdefgh");
	free(s);
	s = text_escape_log("ab\x01zzzzzzz", 8);  /* the escape is not cut */
	CHECK_STR(s, "ab...");
	free(s);
	s = text_escape_log("abcdef", 2);
	CHECK(strlen(s) <= 2);
	free(s);
	s = text_escape_log(NULL, 20);
	CHECK_STR(s, "(null)");
	free(s);
	for (size_t max = 0; max < 30; max++) {
		s = text_escape_log("\x1b\x1b\x1b hello \xff world", max);
		CHECK(strlen(s) <= max);
		for (size_t i = 0; s[i]; i++)
			CHECK(s[i] >= 0x20 && s[i] < 0x7f);
		free(s);
	}
}

int main(void)
{
	test_utf8();
	test_sanitize_hostile();
	test_sanitize_random();
	test_width();
	test_width_matches_libc();
	test_fit();
	test_wrap();
	test_escape_log();
	return check_done();
}
