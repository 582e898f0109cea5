/*
 * libFuzzer target: the plain line mode's input handling (cmd/line*.c), run as a member on a
 * scratch store: whatever the lines are (menus, numbers, texts, invalid UTF-8, controls,
 * overlong lines), line_main must return, and its output must hold no control byte but
 * newlines. The store lives in a temporary directory made once per process (removed at
 * exit).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"

static struct store *st;
static char dir[] = "/tmp/fuzz-line.XXXXXX";

/* The scratch store goes when the fuzzer ends. */
static void cleanup(void)
{
	static const char *const files[] = { "portal.db", "portal.db-wal", "portal.db-shm" };
	store_close(st);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *path = xasprintf("%s/%s", dir, files[i]);
		(void)unlink(path);
		free(path);
	}
	(void)rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	char *path = xasprintf("%s/portal.db", dir);
	if (store_open(path, &st) != 0 || store_seed(st) != 0)
		abort();
	free(path);
	struct store_user u = { .handle = (char *)"alice", .display_name = (char *)"" };
	struct store_user v = { .handle = (char *)"bob", .display_name = (char *)"" };
	if (store_user_add(st, &u, NULL) != 0 || store_user_add(st, &v, NULL) != 0)
		abort();
	bbs_log_init("fuzz-line", false, BBS_LOG_ERROR);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_user *u = NULL;
	char *out = NULL;
	size_t outn = 0;
	if (size == 0 || store_user_get(st, "alice", &u) != 0)
		return 0;
	FILE *in = fmemopen((void *)data, size, "r"), *o = open_memstream(&out, &outn);
	if (!in || !o)
		abort();
	(void)line_main(st, u, in, o, false);
	fclose(in);
	fclose(o);
	for (size_t i = 0; i < outn; i++)
		if (out[i] != '\n' && (unsigned char)out[i] < 0x20)
			abort();
	free(out);
	return 0;
}
