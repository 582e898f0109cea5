/* libFuzzer target: the text sanitiser, width and wrap (text/text.h). The output of
 * text_sanitize must be clean valid UTF-8, and every wrapped line must fit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int flags = data[0] & 3;
	int cols = 1 + data[0] % 97;
	const char *in = (const char *)data + 1;
	char *s = text_sanitize(in, size - 1, flags);
	size_t len = strlen(s);
	if (!text_utf8_valid(s, len) || !text_is_clean(s, flags))
		abort();
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
		if (c == '\n' && !(flags & TEXT_MULTILINE))
			abort();
	}
	struct text_line *lines = NULL;
	size_t n = text_wrap(s, cols, &lines);
	for (size_t i = 0; i < n; i++) {
		if (lines[i].start + lines[i].len > len)
			abort();
		char *line = strndup(s + lines[i].start, lines[i].len);
		/* A lone double-width character may stand on a 1-column line (documented). */
		if (text_width(line) > (cols < 2 ? 2 : cols))
			abort();
		free(line);
	}
	int used = 0;
	size_t fit = text_fit(s, cols, &used);
	if (fit > len || used > cols)
		abort();
	free(lines);
	free(s);
	return 0;
}
