/*
 * cmd: the portal's command interface, for `ssh -p 2222 alice@host COMMAND ...`.
 *
 * Members on slow or costly links use it for store-and-forward: fetch a digest, post a reply
 * written offline. bbsd runs the `bbscmd` program with pipes (no pty) for an exec request; the
 * output is plain UTF-8 text without escape codes, stable enough for scripts, and the exit
 * status means something: 0 done, 1 refused or failed (a message on stderr), 2 bad usage.
 *
 * Same permissions as the UI: everything runs as the authenticated member through the store.
 * Must never: store part of a body (a body that is too large or not UTF-8 is refused whole),
 * interpret the command line with a shell, or print a byte that is not clean text.
 */
#ifndef BBS_CMD_H
#define BBS_CMD_H

#include <stdio.h>

struct store;
struct store_user;

#define CMD_LINE_MAX 4096   /* bytes in one command line */
#define CMD_WORDS_MAX 64    /* words in one command line */

/*
 * Splits a command line into words, the way a member expects from a shell but without any
 * expansion: blanks separate words; '...' is literal; "..." allows \" and \\; a backslash
 * outside quotes escapes the next character. Returns 0 and a heap array of heap strings
 * (NULL-terminated; free with cmd_words_free) in *words and the count in *n; or
 * BBS_ERR_INVALID (unterminated quote, invalid UTF-8, control characters) / BBS_ERR_TOOBIG,
 * with *why set to a static sentence.
 */
int cmd_split(const char *line, char ***words, int *n, const char **why);
void cmd_words_free(char **words);

/* Runs one command (words[0] is its name) for member u. Reads a body from in when the
 * command takes one. Returns the exit status (0, 1 or 2). */
int cmd_run(struct store *st, const struct store_user *u, int n, char **words, FILE *in,
	FILE *out, FILE *err);

#endif
