/*
 * tmpdir.h: a temporary directory for the files one test program makes (database files and
 * their -wal and -shm companions). Include it once, in the test's .c file.
 *
 * tmpdir_create("test-x") makes $TMPDIR/test-x.XXXXXX (/tmp when TMPDIR is unset);
 * db_path("a.db") names a file in it (a heap string); remove_tmpdir() removes the files in
 * it and then the directory. Never removes anything outside it, nor subdirectories.
 * tmpdir_main() is the whole main() of a test program made of steps that share the directory.
 */
#ifndef BBS_TEST_TMPDIR_H
#define BBS_TEST_TMPDIR_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "tests/unit/check.h"

static char tmpdir[256];

static char *db_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

/* 0, or -1 after printing why. */
static int tmpdir_create(const char *prefix)
{
	const char *base = getenv("TMPDIR");
	if (bbs_snprintf(tmpdir, sizeof tmpdir, "%s/%s.XXXXXX", base && *base ? base : "/tmp",
		    prefix) != 0 || !mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = db_path(e->d_name);
		if (unlink(p) != 0)
			fprintf(stderr, "cannot remove %s: %s\n", p, strerror(errno));
		free(p);
	}
	closedir(d);
	if (rmdir(tmpdir) != 0)
		fprintf(stderr, "cannot remove %s: %s\n", tmpdir, strerror(errno));
}

/* Logs at level as name, makes the directory, runs the n steps in order, removes the
 * directory: the exit status for main() (1 when the directory cannot be made). */
static int tmpdir_main(const char *name, enum bbs_log_level level, void (*const steps[])(void),
	size_t n)
{
	bbs_log_init(name, false, level);
	if (tmpdir_create(name) != 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		steps[i]();
	remove_tmpdir();
	return check_done();
}

#endif
