/*
 * split.c: command-line splitting for the command interface. No shell is involved, so there is
 * nothing to expand: quoting only groups words. Hostile input gets a reason, never a crash.
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

void cmd_words_free(char **words)
{
	if (!words)
		return;
	for (char **w = words; *w; w++)
		free(*w);
	free(words);
}

int cmd_split(const char *line, char ***words, int *n, const char **why)
{
	*words = NULL;
	*n = 0;
	*why = NULL;
	size_t len = strlen(line);
	if (len > CMD_LINE_MAX) {
		*why = "the command line is too long";
		return BBS_ERR_TOOBIG;
	}
	if (!text_utf8_valid(line, len)) {
		*why = "the command line is not valid UTF-8";
		return BBS_ERR_INVALID;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			*why = "the command line contains control characters";
			return BBS_ERR_INVALID;
		}
	}

	char **v = xcalloc(CMD_WORDS_MAX + 1, sizeof *v);
	char *cur = xmalloc(len + 1);
	size_t cl = 0;
	int count = 0, r = 0;
	bool in_word = false;
	char quote = 0;

	for (size_t i = 0; i <= len && r == 0; i++) {
		char c = line[i];
		if (quote == '\'') {
			if (c == '\0') {
				*why = "a quote ' is not closed";
				r = BBS_ERR_INVALID;
			} else if (c == '\'') {
				quote = 0;
			} else {
				cur[cl++] = c;
			}
			continue;
		}
		if (quote == '"') {
			if (c == '\0') {
				*why = "a quote \" is not closed";
				r = BBS_ERR_INVALID;
			} else if (c == '"') {
				quote = 0;
			} else if (c == '\\' && (line[i + 1] == '"' || line[i + 1] == '\\')) {
				cur[cl++] = line[++i];
			} else {
				cur[cl++] = c;
			}
			continue;
		}
		if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				if (count == CMD_WORDS_MAX) {
					*why = "too many words on the command line";
					r = BBS_ERR_TOOBIG;
					break;
				}
				v[count++] = xstrndup(cur, cl);
				cl = 0;
				in_word = false;
			}
			continue;
		}
		in_word = true;
		if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '\\') {
			if (line[i + 1] == '\0') {
				*why = "the command line ends with a backslash";
				r = BBS_ERR_INVALID;
			} else {
				cur[cl++] = line[++i];
			}
		} else {
			cur[cl++] = c;
		}
	}
	free(cur);
	if (r != 0) {
		cmd_words_free(v);
		return r;
	}
	*words = v;
	*n = count;
	return 0;
}
