/* libFuzzer target: the command interface's command-line splitter (cmd_split). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	char **words = NULL;
	int n = 0;
	const char *why = NULL;
	int r = cmd_split(line, &words, &n, &why);
	if (r == 0) {
		if (!words || n < 0 || n > CMD_WORDS_MAX || words[n] != NULL)
			abort();
		for (int i = 0; i < n; i++)
			if (strlen(words[i]) > size)
				abort();
	} else if (words || !why) {
		abort();
	}
	cmd_words_free(words);
	free(line);
	return 0;
}
