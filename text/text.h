/*
 * text: UTF-8 text handling for everything a member or a client can send.
 *
 * Pure functions, no I/O, no third-party headers. The portal cleans text twice: on the way
 * into the store (text_sanitize) and on the way out to a terminal (the UI draws only what
 * text_sanitize lets through and measures it with text_width). What must never happen:
 * a byte sequence from a member reaching another member's terminal as a control sequence.
 */
#ifndef BBS_TEXT_H
#define BBS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
bool text_utf8_valid(const char *s, size_t len);

/*
 * Decodes one code point from s[0..len) (len > 0). Stores it in *cp and returns the number
 * of bytes used (1..4). Malformed input yields *cp = 0xFFFD and consumes 1 byte.
 */
size_t text_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encodes cp into out (at least 4 bytes). Returns bytes written (1..4). */
size_t text_utf8_encode(uint32_t cp, char *out);

/* Flags for text_sanitize. */
enum {
	TEXT_MULTILINE = 1 << 0,  /* keep '\n' (CR LF and lone CR become '\n'); else newlines become spaces */
	TEXT_ASCII = 1 << 1,      /* output pure ASCII: every non-ASCII code point becomes '?' */
};

/*
 * Returns a new heap string (caller frees) that is safe to store and to show on a terminal:
 * - invalid UTF-8 bytes become U+FFFD;
 * - ESC and other C0 controls (except '\n' with TEXT_MULTILINE) and DEL become visible
 *   caret notation ("^[" for ESC), TAB becomes spaces to the next multiple of 4 columns
 *   in multi-line text and one space otherwise;
 * - C1 controls (U+0080..U+009F) become "?";
 * - zero-width and bidirectional control characters (U+200B..U+200F, U+202A..U+202E,
 *   U+2060..U+2064, U+2066..U+2069, U+061C, U+FEFF) are removed, as are non-characters
 *   (U+FDD0..U+FDEF, U+xxFFFE/U+xxFFFF) and the invisible tag characters (U+E0001,
 *   U+E0020..U+E007F);
 * - with TEXT_ASCII every remaining non-ASCII code point (and every invalid byte) becomes '?';
 * - U+2028/U+2029 (line/paragraph separator) are treated as a newline.
 * The result is at most 4 * len + 1 bytes including the terminating NUL: a TAB can grow to
 * four spaces and every other input byte yields at most three output bytes. An embedded NUL
 * in s[0..len) becomes "^@", so the result is a proper C string of the whole input.
 * s may be NULL only if len is 0. Sanitising is idempotent. Never returns NULL (out of memory
 * is fatal).
 */
char *text_sanitize(const char *s, size_t len, int flags);

/* True if s (NUL-terminated) is already what text_sanitize(s, strlen(s), flags) would return.
 * NULL gives false. */
bool text_is_clean(const char *s, int flags);

/* Display width of one code point in terminal columns: 0, 1 or 2 (control characters: 0). */
int text_cp_width(uint32_t cp);

/* Display width in columns of a clean UTF-8 string (stops at NUL or '\n'). */
int text_width(const char *s);

/*
 * Returns how many bytes of s (stopping at NUL or '\n') fit in cols columns without splitting
 * a code point or a wide character; stores the columns used in *used if used is not NULL.
 */
size_t text_fit(const char *s, int cols, int *used);

/*
 * Word-wraps clean text to cols columns (cols >= 1). Paragraphs ('\n') are kept; words longer
 * than a line are broken. Each output line is a [start, start+len) byte range into s, without
 * the trailing space or newline.
 * Lines are broken at spaces; spaces at a break are dropped, spaces inside a line are kept.
 * No line is wider than cols, with one unavoidable exception: when cols is 1, a line may
 * hold a single double-width character (2 columns) rather than lose it. A base character
 * and its combining marks (width 0) are never separated. cols < 1 is treated as 1.
 */
struct text_line {
	size_t start;
	size_t len;
};
/* Returns the number of lines (>= 1 for any input, an empty string gives one empty line) and
 * stores a heap array (caller frees) in *lines. */
size_t text_wrap(const char *s, int cols, struct text_line **lines);

/*
 * Escapes text for a log line: printable ASCII is kept, everything else (controls, non-ASCII,
 * backslash) becomes \xHH; when that does not fit in max bytes, the output is cut (never
 * inside an escape) and ends in "...", the whole being at most max bytes plus the NUL.
 * s may be NULL (gives "(null)"). Returns a new heap string (caller frees).
 */
char *text_escape_log(const char *s, size_t max);

#endif
