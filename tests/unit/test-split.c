/*
 * test-split: the command interface's command-line splitter (cmd/split.c), with ordinary,
 * quoted and hostile input.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/common.h"
#include "tests/unit/check.h"

/* Splits line and checks the words (NULL-terminated list). */
static void expect_words(const char *line, const char *const *want)
{
	char **w = NULL;
	int n = -1;
	const char *why = NULL;
	int r = cmd_split(line, &w, &n, &why);
	CHECK_INT(r, 0);
	if (r != 0) {
		fprintf(stderr, "  line: %s (%s)\n", line, why ? why : "?");
		return;
	}
	int k = 0;
	while (want[k])
		k++;
	CHECK_INT(n, k);
	for (int i = 0; i < n && i < k; i++)
		CHECK_STR(w[i], want[i]);
	CHECK(w[n] == NULL);
	cmd_words_free(w);
}

static void expect_error(const char *line, int err)
{
	char **w = (char **)1;
	int n = -1;
	const char *why = NULL;
	CHECK_INT(cmd_split(line, &w, &n, &why), err);
	CHECK(w == NULL);
	CHECK(why != NULL && why[0] != '\0');
}

int main(void)
{
	expect_words("", (const char *[]){ NULL });
	expect_words("   \t ", (const char *[]){ NULL });
	expect_words("help", (const char *[]){ "help", NULL });
	expect_words("  digest   --since  last ", (const char *[]){ "digest", "--since", "last", NULL });
	expect_words("post general --title 'A title with \"quotes\"'",
		(const char *[]){ "post", "general", "--title", "A title with \"quotes\"", NULL });
	expect_words("post general --title \"say \\\"hi\\\" \\\\ now\"",
		(const char *[]){ "post", "general", "--title", "say \"hi\" \\ now", NULL });
	expect_words("a\\ b c", (const char *[]){ "a b", "c", NULL });
	expect_words("''", (const char *[]){ "", NULL });
	expect_words("x'y'\"z\"", (const char *[]){ "xyz", NULL });
	expect_words("search 東京 ünïcode", (const char *[]){ "search", "東京", "ünïcode", NULL });
	/* No expansion of any kind: these are plain characters. */
	expect_words("search $HOME `id` $(id) *; | & > <",
		(const char *[]){ "search", "$HOME", "`id`", "$(id)", "*;", "|", "&", ">", "<", NULL });

	expect_error("post 'unterminated", BBS_ERR_INVALID);
	expect_error("post \"unterminated", BBS_ERR_INVALID);
	expect_error("trailing\\", BBS_ERR_INVALID);
	expect_error("esc \033[2J here", BBS_ERR_INVALID);
	expect_error("bell \a", BBS_ERR_INVALID);
	expect_error("del \x7f", BBS_ERR_INVALID);
	expect_error("bad \xff\xfe utf8", BBS_ERR_INVALID);
	expect_error("overlong \xc0\xaf", BBS_ERR_INVALID);

	/* Limits: 64 words fit, 65 do not; 4096 bytes fit, 4097 do not. */
	char line[CMD_LINE_MAX + 2];
	size_t len = 0;
	for (int i = 0; i < CMD_WORDS_MAX; i++) {
		line[len++] = 'w';
		line[len++] = ' ';
	}
	line[len] = '\0';
	char **w = NULL;
	int n = 0;
	const char *why = NULL;
	CHECK_INT(cmd_split(line, &w, &n, &why), 0);
	CHECK_INT(n, CMD_WORDS_MAX);
	cmd_words_free(w);
	line[len++] = 'x';
	line[len] = '\0';
	expect_error(line, BBS_ERR_TOOBIG);
	memset(line, 'a', CMD_LINE_MAX);
	line[CMD_LINE_MAX] = '\0';
	CHECK_INT(cmd_split(line, &w, &n, &why), 0);
	CHECK_INT(n, 1);
	cmd_words_free(w);
	line[CMD_LINE_MAX] = 'a';
	line[CMD_LINE_MAX + 1] = '\0';
	expect_error(line, BBS_ERR_TOOBIG);
	cmd_words_free(NULL);

	/* Random bytes never crash it and either split or give a reason. */
	srand(7);
	for (int round = 0; round < 20000; round++) {
		char buf[64];
		int l = rand() % 63;
		for (int i = 0; i < l; i++)
			buf[i] = (char)(1 + rand() % 255);
		buf[l] = '\0';
		char **ww = NULL;
		int nn = 0;
		const char *yy = NULL;
		int r = cmd_split(buf, &ww, &nn, &yy);
		CHECK(r == 0 ? ww != NULL && yy == NULL : ww == NULL && yy != NULL);
		cmd_words_free(ww);
	}
	return check_done();
}
