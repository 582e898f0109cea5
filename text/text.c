/*
 * text.c: UTF-8 validation, decoding, sanitising, display width and word wrap.
 *
 * Everything here is a pure function of its arguments: no I/O, no locale, no global state.
 * Display widths come from a built-in table (generated from Unicode 14 data: East Asian Wide
 * and Fullwidth characters are 2 columns, nonspacing/enclosing marks and format characters
 * are 0) rather than wcwidth(), because the UI and the tests must agree whatever locale the
 * process happens to run in.
 *
 * Must never: let a byte sequence through text_sanitize that a terminal would read as a
 * control (C0, DEL, C1, ESC-introduced sequences), emit invalid UTF-8, or read past the
 * length it was given.
 */
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

#include "common/common.h"

struct cp_range {
	uint32_t first;
	uint32_t last;
};

/*
 * Generated with Python's unicodedata (Unicode 14.0):
 * zero_width = categories Mn, Me, Cf (except U+00AD SOFT HYPHEN and the visible prepended
 * concatenation marks such as U+0600) plus the Hangul medial and final jamo U+1160..U+11FF and
 * U+D7B0..U+D7FF, which combine into the preceding syllable;
 * double_width = East Asian Width W or F (plus the unassigned CJK ideograph blocks, which
 * Unicode defaults to W, and U+3248..U+324F, U+4DC0..U+4DFF as glibc has them).
 * The result matches glibc 2.36's wcwidth() in C.UTF-8 for every assigned printable code point
 * below U+40000 (checked when the table was made), so ncurses and our layout agree.
 */
static const struct cp_range zero_width[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
	{0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x061C, 0x061C}, {0x064B, 0x065F},
	{0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED},
	{0x0711, 0x0711}, {0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x07EB, 0x07F3}, {0x07FD, 0x07FD},
	{0x0816, 0x0819}, {0x081B, 0x0823}, {0x0825, 0x0827}, {0x0829, 0x082D}, {0x0859, 0x085B},
	{0x0898, 0x089F}, {0x08CA, 0x08E1}, {0x08E3, 0x0902}, {0x093A, 0x093A}, {0x093C, 0x093C},
	{0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957}, {0x0962, 0x0963}, {0x0981, 0x0981},
	{0x09BC, 0x09BC}, {0x09C1, 0x09C4}, {0x09CD, 0x09CD}, {0x09E2, 0x09E3}, {0x09FE, 0x09FE},
	{0x0A01, 0x0A02}, {0x0A3C, 0x0A3C}, {0x0A41, 0x0A42}, {0x0A47, 0x0A48}, {0x0A4B, 0x0A4D},
	{0x0A51, 0x0A51}, {0x0A70, 0x0A71}, {0x0A75, 0x0A75}, {0x0A81, 0x0A82}, {0x0ABC, 0x0ABC},
	{0x0AC1, 0x0AC5}, {0x0AC7, 0x0AC8}, {0x0ACD, 0x0ACD}, {0x0AE2, 0x0AE3}, {0x0AFA, 0x0AFF},
	{0x0B01, 0x0B01}, {0x0B3C, 0x0B3C}, {0x0B3F, 0x0B3F}, {0x0B41, 0x0B44}, {0x0B4D, 0x0B4D},
	{0x0B55, 0x0B56}, {0x0B62, 0x0B63}, {0x0B82, 0x0B82}, {0x0BC0, 0x0BC0}, {0x0BCD, 0x0BCD},
	{0x0C00, 0x0C00}, {0x0C04, 0x0C04}, {0x0C3C, 0x0C3C}, {0x0C3E, 0x0C40}, {0x0C46, 0x0C48},
	{0x0C4A, 0x0C4D}, {0x0C55, 0x0C56}, {0x0C62, 0x0C63}, {0x0C81, 0x0C81}, {0x0CBC, 0x0CBC},
	{0x0CBF, 0x0CBF}, {0x0CC6, 0x0CC6}, {0x0CCC, 0x0CCD}, {0x0CE2, 0x0CE3}, {0x0D00, 0x0D01},
	{0x0D3B, 0x0D3C}, {0x0D41, 0x0D44}, {0x0D4D, 0x0D4D}, {0x0D62, 0x0D63}, {0x0D81, 0x0D81},
	{0x0DCA, 0x0DCA}, {0x0DD2, 0x0DD4}, {0x0DD6, 0x0DD6}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
	{0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC}, {0x0EC8, 0x0ECD}, {0x0F18, 0x0F19},
	{0x0F35, 0x0F35}, {0x0F37, 0x0F37}, {0x0F39, 0x0F39}, {0x0F71, 0x0F7E}, {0x0F80, 0x0F84},
	{0x0F86, 0x0F87}, {0x0F8D, 0x0F97}, {0x0F99, 0x0FBC}, {0x0FC6, 0x0FC6}, {0x102D, 0x1030},
	{0x1032, 0x1037}, {0x1039, 0x103A}, {0x103D, 0x103E}, {0x1058, 0x1059}, {0x105E, 0x1060},
	{0x1071, 0x1074}, {0x1082, 0x1082}, {0x1085, 0x1086}, {0x108D, 0x108D}, {0x109D, 0x109D},
	{0x1160, 0x11FF}, {0x135D, 0x135F}, {0x1712, 0x1714}, {0x1732, 0x1733}, {0x1752, 0x1753},
	{0x1772, 0x1773}, {0x17B4, 0x17B5}, {0x17B7, 0x17BD}, {0x17C6, 0x17C6}, {0x17C9, 0x17D3},
	{0x17DD, 0x17DD}, {0x180B, 0x180F}, {0x1885, 0x1886}, {0x18A9, 0x18A9}, {0x1920, 0x1922},
	{0x1927, 0x1928}, {0x1932, 0x1932}, {0x1939, 0x193B}, {0x1A17, 0x1A18}, {0x1A1B, 0x1A1B},
	{0x1A56, 0x1A56}, {0x1A58, 0x1A5E}, {0x1A60, 0x1A60}, {0x1A62, 0x1A62}, {0x1A65, 0x1A6C},
	{0x1A73, 0x1A7C}, {0x1A7F, 0x1A7F}, {0x1AB0, 0x1ACE}, {0x1B00, 0x1B03}, {0x1B34, 0x1B34},
	{0x1B36, 0x1B3A}, {0x1B3C, 0x1B3C}, {0x1B42, 0x1B42}, {0x1B6B, 0x1B73}, {0x1B80, 0x1B81},
	{0x1BA2, 0x1BA5}, {0x1BA8, 0x1BA9}, {0x1BAB, 0x1BAD}, {0x1BE6, 0x1BE6}, {0x1BE8, 0x1BE9},
	{0x1BED, 0x1BED}, {0x1BEF, 0x1BF1}, {0x1C2C, 0x1C33}, {0x1C36, 0x1C37}, {0x1CD0, 0x1CD2},
	{0x1CD4, 0x1CE0}, {0x1CE2, 0x1CE8}, {0x1CED, 0x1CED}, {0x1CF4, 0x1CF4}, {0x1CF8, 0x1CF9},
	{0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x206F},
	{0x20D0, 0x20F0}, {0x2CEF, 0x2CF1}, {0x2D7F, 0x2D7F}, {0x2DE0, 0x2DFF}, {0x302A, 0x302D},
	{0x3099, 0x309A}, {0xA66F, 0xA672}, {0xA674, 0xA67D}, {0xA69E, 0xA69F}, {0xA6F0, 0xA6F1},
	{0xA802, 0xA802}, {0xA806, 0xA806}, {0xA80B, 0xA80B}, {0xA825, 0xA826}, {0xA82C, 0xA82C},
	{0xA8C4, 0xA8C5}, {0xA8E0, 0xA8F1}, {0xA8FF, 0xA8FF}, {0xA926, 0xA92D}, {0xA947, 0xA951},
	{0xA980, 0xA982}, {0xA9B3, 0xA9B3}, {0xA9B6, 0xA9B9}, {0xA9BC, 0xA9BD}, {0xA9E5, 0xA9E5},
	{0xAA29, 0xAA2E}, {0xAA31, 0xAA32}, {0xAA35, 0xAA36}, {0xAA43, 0xAA43}, {0xAA4C, 0xAA4C},
	{0xAA7C, 0xAA7C}, {0xAAB0, 0xAAB0}, {0xAAB2, 0xAAB4}, {0xAAB7, 0xAAB8}, {0xAABE, 0xAABF},
	{0xAAC1, 0xAAC1}, {0xAAEC, 0xAAED}, {0xAAF6, 0xAAF6}, {0xABE5, 0xABE5}, {0xABE8, 0xABE8},
	{0xABED, 0xABED}, {0xD7B0, 0xD7FF}, {0xFB1E, 0xFB1E}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
	{0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB}, {0x101FD, 0x101FD}, {0x102E0, 0x102E0},
	{0x10376, 0x1037A}, {0x10A01, 0x10A03}, {0x10A05, 0x10A06}, {0x10A0C, 0x10A0F},
	{0x10A38, 0x10A3A}, {0x10A3F, 0x10A3F}, {0x10AE5, 0x10AE6}, {0x10D24, 0x10D27},
	{0x10EAB, 0x10EAC}, {0x10F46, 0x10F50}, {0x10F82, 0x10F85}, {0x11001, 0x11001},
	{0x11038, 0x11046}, {0x11070, 0x11070}, {0x11073, 0x11074}, {0x1107F, 0x11081},
	{0x110B3, 0x110B6}, {0x110B9, 0x110BA}, {0x110C2, 0x110C2}, {0x11100, 0x11102},
	{0x11127, 0x1112B}, {0x1112D, 0x11134}, {0x11173, 0x11173}, {0x11180, 0x11181},
	{0x111B6, 0x111BE}, {0x111C9, 0x111CC}, {0x111CF, 0x111CF}, {0x1122F, 0x11231},
	{0x11234, 0x11234}, {0x11236, 0x11237}, {0x1123E, 0x1123E}, {0x112DF, 0x112DF},
	{0x112E3, 0x112EA}, {0x11300, 0x11301}, {0x1133B, 0x1133C}, {0x11340, 0x11340},
	{0x11366, 0x1136C}, {0x11370, 0x11374}, {0x11438, 0x1143F}, {0x11442, 0x11444},
	{0x11446, 0x11446}, {0x1145E, 0x1145E}, {0x114B3, 0x114B8}, {0x114BA, 0x114BA},
	{0x114BF, 0x114C0}, {0x114C2, 0x114C3}, {0x115B2, 0x115B5}, {0x115BC, 0x115BD},
	{0x115BF, 0x115C0}, {0x115DC, 0x115DD}, {0x11633, 0x1163A}, {0x1163D, 0x1163D},
	{0x1163F, 0x11640}, {0x116AB, 0x116AB}, {0x116AD, 0x116AD}, {0x116B0, 0x116B5},
	{0x116B7, 0x116B7}, {0x1171D, 0x1171F}, {0x11722, 0x11725}, {0x11727, 0x1172B},
	{0x1182F, 0x11837}, {0x11839, 0x1183A}, {0x1193B, 0x1193C}, {0x1193E, 0x1193E},
	{0x11943, 0x11943}, {0x119D4, 0x119D7}, {0x119DA, 0x119DB}, {0x119E0, 0x119E0},
	{0x11A01, 0x11A0A}, {0x11A33, 0x11A38}, {0x11A3B, 0x11A3E}, {0x11A47, 0x11A47},
	{0x11A51, 0x11A56}, {0x11A59, 0x11A5B}, {0x11A8A, 0x11A96}, {0x11A98, 0x11A99},
	{0x11C30, 0x11C36}, {0x11C38, 0x11C3D}, {0x11C3F, 0x11C3F}, {0x11C92, 0x11CA7},
	{0x11CAA, 0x11CB0}, {0x11CB2, 0x11CB3}, {0x11CB5, 0x11CB6}, {0x11D31, 0x11D36},
	{0x11D3A, 0x11D3A}, {0x11D3C, 0x11D3D}, {0x11D3F, 0x11D45}, {0x11D47, 0x11D47},
	{0x11D90, 0x11D91}, {0x11D95, 0x11D95}, {0x11D97, 0x11D97}, {0x11EF3, 0x11EF4},
	{0x13430, 0x13438}, {0x16AF0, 0x16AF4}, {0x16B30, 0x16B36}, {0x16F4F, 0x16F4F},
	{0x16F8F, 0x16F92}, {0x16FE4, 0x16FE4}, {0x1BC9D, 0x1BC9E}, {0x1BCA0, 0x1BCA3},
	{0x1CF00, 0x1CF2D}, {0x1CF30, 0x1CF46}, {0x1D167, 0x1D169}, {0x1D173, 0x1D182},
	{0x1D185, 0x1D18B}, {0x1D1AA, 0x1D1AD}, {0x1D242, 0x1D244}, {0x1DA00, 0x1DA36},
	{0x1DA3B, 0x1DA6C}, {0x1DA75, 0x1DA75}, {0x1DA84, 0x1DA84}, {0x1DA9B, 0x1DA9F},
	{0x1DAA1, 0x1DAAF}, {0x1E000, 0x1E006}, {0x1E008, 0x1E018}, {0x1E01B, 0x1E021},
	{0x1E023, 0x1E024}, {0x1E026, 0x1E02A}, {0x1E130, 0x1E136}, {0x1E2AE, 0x1E2AE},
	{0x1E2EC, 0x1E2EF}, {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A}, {0xE0001, 0xE0001},
	{0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
};
static const struct cp_range double_width[] = {
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0},
	{0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267F, 0x267F},
	{0x2693, 0x2693}, {0x26A1, 0x26A1}, {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5},
	{0x26CE, 0x26CE}, {0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
	{0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728},
	{0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
	{0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
	{0x2E80, 0x2E99}, {0x2E9B, 0x2EF3}, {0x2F00, 0x2FD5}, {0x2FF0, 0x2FFB}, {0x3000, 0x3029},
	{0x302E, 0x303E}, {0x3041, 0x3096}, {0x309B, 0x30FF}, {0x3105, 0x312F}, {0x3131, 0x318E},
	{0x3190, 0x31E3}, {0x31F0, 0x321E}, {0x3220, 0xA48C}, {0xA490, 0xA4C6}, {0xA960, 0xA97C},
	{0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE52}, {0xFE54, 0xFE66},
	{0xFE68, 0xFE6B}, {0xFF01, 0xFF60}, {0xFFE0, 0xFFE6}, {0x16FE0, 0x16FE3}, {0x16FF0, 0x16FF1},
	{0x17000, 0x187F7}, {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3},
	{0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122}, {0x1B150, 0x1B152},
	{0x1B164, 0x1B167}, {0x1B170, 0x1B2FB}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
	{0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F202}, {0x1F210, 0x1F23B},
	{0x1F240, 0x1F248}, {0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F320},
	{0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
	{0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
	{0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
	{0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
	{0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
	{0x1F6D5, 0x1F6D7}, {0x1F6DD, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
	{0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
	{0x1F947, 0x1F9FF}, {0x1FA70, 0x1FA74}, {0x1FA78, 0x1FA7C}, {0x1FA80, 0x1FA86},
	{0x1FA90, 0x1FAAC}, {0x1FAB0, 0x1FABA}, {0x1FAC0, 0x1FAC5}, {0x1FAD0, 0x1FAD9},
	{0x1FAE0, 0x1FAE7}, {0x1FAF0, 0x1FAF6}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static bool in_table(uint32_t cp, const struct cp_range *t, size_t n)
{
	size_t lo = 0, hi = n;

	if (n == 0 || cp < t[0].first || cp > t[n - 1].last)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < t[mid].first)
			hi = mid;
		else if (cp > t[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- UTF-8 ---- */

size_t text_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t c;

	*cp = 0xFFFD;
	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	/*
	 * The second byte's allowed range excludes overlongs (E0, F0), surrogates (ED) and code
	 * points above U+10FFFF (F4); C0, C1 and F5..FF can never start a valid sequence.
	 */
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		need = 1;
		c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		need = 2;
		c = p[0] & 0x0F;
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		need = 3;
		c = p[0] & 0x07;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;
	} else {
		return 1;
	}
	if (len < need + 1)
		return 1;
	for (i = 1; i <= need; i++) {
		unsigned char b = p[i];
		if (b < lo || b > hi)
			return 1;
		lo = 0x80;
		hi = 0xBF;
		c = (c << 6) | (b & 0x3F);
	}
	*cp = c;
	return need + 1;
}

bool text_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	if (!s)
		return len == 0;
	while (i < len) {
		uint32_t cp;
		size_t n = text_utf8_decode(s + i, len - i, &cp);
		/* A real U+FFFD is 3 bytes; a 1-byte U+FFFD result is a decoding error. */
		if (cp == 0xFFFD && n == 1)
			return false;
		i += n;
	}
	return true;
}

size_t text_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	/* Surrogates and out-of-range values cannot be encoded; write U+FFFD instead. */
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ---- width ---- */

int text_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if (cp < 0x300)
		return 1;
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	if (in_table(cp, zero_width, N_ELEMS(zero_width)))
		return 0;
	if (in_table(cp, double_width, N_ELEMS(double_width)))
		return 2;
	return 1;
}

int text_width(const char *s)
{
	size_t len, i = 0;
	int w = 0;

	if (!s)
		return 0;
	len = strcspn(s, "\n");
	while (i < len) {
		uint32_t cp;
		i += text_utf8_decode(s + i, len - i, &cp);
		w += text_cp_width(cp);
	}
	return w;
}

size_t text_fit(const char *s, int cols, int *used)
{
	size_t len, i = 0;
	int w = 0;

	if (used)
		*used = 0;
	if (!s)
		return 0;
	len = strcspn(s, "\n");
	while (i < len) {
		uint32_t cp;
		size_t n = text_utf8_decode(s + i, len - i, &cp);
		int cw = text_cp_width(cp);
		/*
		 * Zero-width characters (combining marks) are taken along with the character
		 * before them, so that a base character is never separated from its marks.
		 */
		if (w + cw > cols)
			break;
		w += cw;
		i += n;
	}
	if (used)
		*used = w;
	return i;
}

/* ---- sanitising ---- */

/* Characters that are removed: invisible, direction-changing or not characters at all. */
static bool cp_removed(uint32_t cp)
{
	if (cp >= 0x200B && cp <= 0x200F)      /* ZWSP, ZWNJ, ZWJ, LRM, RLM */
		return true;
	if (cp >= 0x202A && cp <= 0x202E)      /* bidi embeddings and overrides */
		return true;
	if (cp >= 0x2060 && cp <= 0x2064)      /* word joiner, invisible operators */
		return true;
	if (cp >= 0x2066 && cp <= 0x2069)      /* bidi isolates */
		return true;
	if (cp == 0xFEFF || cp == 0x061C)      /* BOM / ZWNBSP, Arabic letter mark */
		return true;
	if (cp >= 0xFDD0 && cp <= 0xFDEF)      /* non-characters */
		return true;
	if ((cp & 0xFFFE) == 0xFFFE)           /* U+xxFFFE, U+xxFFFF non-characters */
		return true;
	if (cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F)) /* invisible tag characters */
		return true;
	return false;
}

struct outbuf {
	char *p;
	size_t n;
	size_t cap;
};

static void out_bytes(struct outbuf *o, const char *b, size_t n)
{
	/* The capacity is computed from the proven bound; overflowing it is a bug. */
	if (o->n + n >= o->cap)
		bbs_fatal("text_sanitize: output bound exceeded");
	memcpy(o->p + o->n, b, n);
	o->n += n;
}

static void out_byte(struct outbuf *o, char c)
{
	out_bytes(o, &c, 1);
}

char *text_sanitize(const char *s, size_t len, int flags)
{
	const bool multi = (flags & TEXT_MULTILINE) != 0;
	const bool ascii = (flags & TEXT_ASCII) != 0;
	struct outbuf o;
	size_t i = 0;
	int col = 0;  /* display column in the current line, for TAB stops */

	if (!s)
		len = 0;
	if (len > (SIZE_MAX - 1) / 4)
		bbs_fatal("text_sanitize: input too large");
	o.cap = 4 * len + 1;
	o.p = xmalloc(o.cap);
	o.n = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;

		if (c == '\r' || c == '\n') {
			/* CR LF, lone CR and LF are all one line break. */
			if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			i++;
			out_byte(&o, multi ? '\n' : ' ');
			col = multi ? 0 : col + 1;
			continue;
		}
		if (c == '\t') {
			int k = multi ? 4 - col % 4 : 1;
			for (int j = 0; j < k; j++)
				out_byte(&o, ' ');
			col += k;
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7F) {
			/* ESC and friends become visible text: "^[" cannot start a sequence. */
			char caret[2] = { '^', c == 0x7F ? '?' : (char)(c + 0x40) };
			out_bytes(&o, caret, 2);
			col += 2;
			i++;
			continue;
		}
		n = text_utf8_decode(s + i, len - i, &cp);
		if (cp == 0xFFFD && n == 1) {
			/* Invalid byte (including raw C1 bytes such as 0x9B CSI). */
			if (ascii)
				out_byte(&o, '?');
			else
				out_bytes(&o, "\xEF\xBF\xBD", 3);
			col += 1;
			i += 1;
			continue;
		}
		i += n;
		if (cp >= 0x80 && cp <= 0x9F) {
			out_byte(&o, '?');
			col += 1;
			continue;
		}
		if (cp_removed(cp))
			continue;
		if (cp == 0x2028 || cp == 0x2029) {
			/* Unicode line/paragraph separators: treat like a newline. */
			out_byte(&o, multi ? '\n' : ' ');
			col = multi ? 0 : col + 1;
			continue;
		}
		if (ascii && cp >= 0x80) {
			out_byte(&o, '?');
			col += 1;
			continue;
		}
		out_bytes(&o, s + i - n, n);
		col += text_cp_width(cp);
	}
	o.p[o.n] = '\0';
	return o.p;
}

bool text_is_clean(const char *s, int flags)
{
	size_t len;
	char *clean;
	bool same;

	if (!s)
		return false;
	len = strlen(s);
	/* Defined as "sanitising changes nothing", so the two can never disagree. */
	clean = text_sanitize(s, len, flags);
	same = strcmp(clean, s) == 0;
	free(clean);
	return same;
}

/* ---- word wrap ---- */

struct linevec {
	struct text_line *v;
	size_t n;
	size_t cap;
};

static void lines_push(struct linevec *lv, size_t start, size_t len)
{
	if (lv->n == lv->cap) {
		lv->cap = lv->cap ? lv->cap * 2 : 16;
		lv->v = xrealloc(lv->v, lv->cap * sizeof(*lv->v));
	}
	lv->v[lv->n].start = start;
	lv->v[lv->n].len = len;
	lv->n++;
}

/* Pushes [start, end) without its trailing spaces. */
static void lines_push_trim(struct linevec *lv, const char *s, size_t start, size_t end)
{
	while (end > start && s[end - 1] == ' ')
		end--;
	lines_push(lv, start, end - start);
}

static int width_range(const char *s, size_t from, size_t to)
{
	int w = 0;

	while (from < to) {
		uint32_t cp;
		from += text_utf8_decode(s + from, to - from, &cp);
		w += text_cp_width(cp);
	}
	return w;
}

/* Greedy wrap of one paragraph s[p, end) (no '\n' inside). */
static void wrap_paragraph(const char *s, size_t p, size_t end, int cols, struct linevec *lv)
{
	size_t ls = p;            /* start of the current line */
	size_t pos = p;
	size_t brk = SIZE_MAX;    /* end of the content before the last space run on this line */
	size_t wstart = p;        /* start of the word after that space run */
	int lw = 0;               /* width of s[ls, pos) */
	bool content = false;     /* a non-space character is on the line */
	bool in_space = false;

	while (pos < end) {
		uint32_t cp;
		size_t n = text_utf8_decode(s + pos, end - pos, &cp);
		int w = text_cp_width(cp);

		if (cp == ' ') {
			if (content && !in_space)
				brk = pos;
			in_space = true;
			lw += w;
			pos += n;
			continue;
		}
		if (in_space) {
			wstart = pos;
			in_space = false;
		}
		if (lw > 0 && lw + w > cols) {
			if (!content) {
				/* Only spaces so far (indentation wider than the line): drop them. */
				ls = pos;
				lw = 0;
			} else if (brk != SIZE_MAX) {
				/* Break at the last space; the current word moves to the next line. */
				lines_push(lv, ls, brk - ls);
				ls = wstart;
				lw = width_range(s, wstart, pos);
				content = pos > wstart;
				brk = SIZE_MAX;
			} else {
				/* One word longer than the line: break it between characters. */
				lines_push(lv, ls, pos - ls);
				ls = pos;
				lw = 0;
				content = false;
			}
			continue;  /* look at the same character again on the new line */
		}
		/*
		 * lw == 0 always takes the character, even a wide one when cols == 1, so that no
		 * text is ever lost and the loop always makes progress.
		 */
		lw += w;
		content = true;
		pos += n;
	}
	lines_push_trim(lv, s, ls, end);
}

size_t text_wrap(const char *s, int cols, struct text_line **lines)
{
	struct linevec lv = { NULL, 0, 0 };
	size_t p = 0, len;

	*lines = NULL;
	if (!s)
		s = "";
	if (cols < 1)
		cols = 1;
	len = strlen(s);
	for (;;) {
		const char *nl = memchr(s + p, '\n', len - p);
		size_t end = nl ? (size_t)(nl - s) : len;
		wrap_paragraph(s, p, end, cols, &lv);
		if (!nl)
			break;
		p = end + 1;
	}
	*lines = lv.v;
	return lv.n;
}

/* ---- logging ---- */

static size_t escaped_len(unsigned char c)
{
	return (c >= 0x20 && c < 0x7F && c != '\\') ? 1 : 4;
}

char *text_escape_log(const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t len, i, total = 0, room, n = 0;
	char *out;

	if (!s)
		s = "(null)";
	len = strlen(s);
	for (i = 0; i < len && total <= max; i++)
		total += escaped_len((unsigned char)s[i]);
	/* Keep room for "..." only if the whole escaped text does not fit. */
	room = total <= max ? max : (max >= 3 ? max - 3 : 0);
	out = xmalloc(max + 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (n + escaped_len(c) > room)
			break;
		if (escaped_len(c) == 1) {
			out[n++] = (char)c;
		} else {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xF];
		}
	}
	if (i < len) {
		const char *dots = "...";
		for (size_t k = 0; k < 3 && n < max; k++)
			out[n++] = dots[k];
	}
	out[n] = '\0';
	return out;
}
