/*
 * fixture.h: store helpers that several store tests share. Include it once, in the test's .c
 * file; it brings check.h, tmpdir.h and store.h with it.
 * Never touches files outside the test's temporary directory.
 */
#ifndef BBS_TEST_FIXTURE_H
#define BBS_TEST_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "store/store.h"
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

/* Opens a new database file name in the temporary directory and seeds it; NULL (with a
 * failed CHECK) when that fails. */
static struct store *open_new(const char *name)
{
	char *path = db_path(name);
	struct store *st = NULL;
	CHECK_INT(store_open(path, &st), BBS_OK);
	free(path);
	if (st)
		CHECK_INT(store_seed(st), BBS_OK);
	return st;
}

/* A new heap string of n copies of c (for the over-long inputs); the caller frees it. Inline
 * so that the tests which do not use it stay warning-free. */
static inline char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

#endif
