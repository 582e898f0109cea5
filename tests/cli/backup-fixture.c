/*
 * backup-fixture: writers and checkers for tests/cli/backup.sh, through the store API.
 * Test use only; never run it on a real portal.
 *
 *   backup-fixture DIR fill HANDLE N               N large posts (to make a backup take a while)
 *   backup-fixture DIR write HANDLE K ACKS STOP     posts until the file STOP exists; after each
 *                                                  post returned, appends "ID K I" to ACKS
 *   backup-fixture DB check ACKS                   every post listed in ACKS is in database DB,
 *                                                  with its text
 *   backup-fixture DIR hold READY STOP             keeps the database open (as a member's
 *                                                  session does), creates READY, waits for STOP
 *   backup-fixture DB old VERSION                  creates a portal database at an old schema
 *
 * A line of ACKS is written with one write() to an O_APPEND file, so a reader sees whole lines:
 * a line is there only after the store reported the post saved.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "store/store.h"

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int64_t first_board(struct store *st, int64_t uid)
{
	struct store_board *v = NULL;
	size_t n = 0;
	int64_t id = 0;
	if (store_board_list(st, uid, -1, &v, &n) == BBS_OK && n > 0)
		id = v[0].id;
	store_board_list_free(v, n);
	return id;
}

static char *body_for(long k, long i, size_t pad)
{
	char *b = xmalloc(pad + 64);
	int n = snprintf(b, 64, "writer %ld post %ld\n", k, i);
	memset(b + n, 'x', pad);
	b[n + (int)pad] = '\0';
	return b;
}

static int do_write(struct store *st, int64_t uid, long k, const char *acks, const char *stop,
	long limit, size_t pad)
{
	int64_t board = first_board(st, uid), thread = 0, post = 0;
	int fd = acks ? open(acks, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
	if (!board || (acks && fd < 0))
		return 1;
	for (long i = 1; (limit == 0 || i <= limit) && !(stop && exists(stop)); i++) {
		char *body = body_for(k, i, pad);
		int r;
		if (thread == 0) {
			char title[64];
			snprintf(title, sizeof title, "writer %ld", k);
			r = store_thread_create(st, board, uid, title, body, NULL, &thread, &post);
		} else {
			r = store_post_reply(st, thread, uid, body, 0, NULL, &post);
		}
		free(body);
		if (r == BBS_ERR_BUSY)
			continue;   /* not acknowledged: not listed */
		if (r != 0) {
			fprintf(stderr, "backup-fixture: post: %s\n", bbs_strerror(r));
			return 1;
		}
		if (fd >= 0) {
			char line[80];
			int n = snprintf(line, sizeof line, "%lld %ld %ld\n", (long long)post, k, i);
			if (write(fd, line, (size_t)n) != n)
				return 1;
		}
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

static int do_check(struct store *st, const char *acks)
{
	FILE *f = fopen(acks, "r");
	long long id;
	long k, i, n = 0;
	if (!f)
		return 1;
	while (fscanf(f, "%lld %ld %ld", &id, &k, &i) == 3) {
		struct store_post p = { 0 };
		char want[64];
		snprintf(want, sizeof want, "writer %ld post %ld\n", k, i);
		int r = store_post_get(st, id, &p);
		if (r != 0 || strncmp(p.body, want, strlen(want)) != 0) {
			fprintf(stderr, "backup-fixture: post %lld (writer %ld post %ld) %s\n", id, k, i,
				r != 0 ? "missing" : "has other text");
			store_post_finish(&p);
			fclose(f);
			return 1;
		}
		store_post_finish(&p);
		n++;
	}
	fclose(f);
	printf("%ld\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	struct store *st = NULL;
	int rc = 2;

	if (argc < 4) {
		fprintf(stderr, "usage: backup-fixture DIR|DB fill|write|check|hold ...\n");
		return 2;
	}
	const char *mode = argv[2];
	bool is_db = strcmp(mode, "check") == 0 || strcmp(mode, "old") == 0;
	char *path = is_db ? xstrdup(argv[1]) : xasprintf("%s/portal.db", argv[1]);
	int r = strcmp(mode, "old") == 0 ? store_open_at_version(path, atoi(argv[3]), &st)
		: store_open(path, &st);
	if (r != 0) {
		fprintf(stderr, "backup-fixture: %s: %s\n", path, bbs_strerror(r));
		rc = 1;
		goto out;
	}
	int64_t uid = 0;
	if (strcmp(mode, "fill") == 0 || strcmp(mode, "write") == 0) {
		struct store_user *u = NULL;
		if (store_user_get(st, argv[3], &u) != 0) {
			rc = 1;
			goto out;
		}
		uid = u->id;
		store_user_free(u);
	}
	if (strcmp(mode, "fill") == 0 && argc == 5)
		rc = do_write(st, uid, 0, NULL, NULL, atol(argv[4]), 60000);
	else if (strcmp(mode, "write") == 0 && argc == 7)
		rc = do_write(st, uid, atol(argv[4]), argv[5], argv[6], 0, 200);
	else if (strcmp(mode, "check") == 0 && argc == 4)
		rc = do_check(st, argv[3]);
	else if (strcmp(mode, "old") == 0 && argc == 4)
		rc = 0;
	else if (strcmp(mode, "hold") == 0 && argc == 5) {
		/* A read, as a session does at login: the connection now holds its shared lock. */
		if (first_board(st, 0) == 0 || close(open(argv[3], O_WRONLY | O_CREAT, 0600)) != 0) {
			rc = 1;
			goto out;
		}
		while (!exists(argv[4])) {
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
		}
		rc = 0;
	}
out:
	store_close(st);
	free(path);
	return rc;
}
