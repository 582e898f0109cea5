/*
 * store-bench: what the discussion-board queries cost on a big board, through the store API.
 *
 * Creates a temporary database, generates BENCH_THREADS discussions holding BENCH_POSTS posts
 * (default 100,000 / 1,000,000) in one board with store_bench_generate, adds some activity
 * through the posting API, then times (median of BENCH_RUNS runs, CLOCK_MONOTONIC) the
 * queries the UI makes: the board list with unread counts, a board page at offset 0 and
 * 50,000, opening a discussion at its first unread post, next unread, search, and a reply.
 * Two members are measured: "fresh" has read nothing (every discussion unread), "regular"
 * marked everything read and has since read some of the new activity.
 * Prints a table; asserts nothing (the unit tests check behaviour). BENCH_DB=PATH uses (and
 * keeps) that database file instead of a temporary one, and skips the generation when its
 * board already holds the discussions, so queries can be measured again quickly.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/common.h"
#include "store/store.h"

static int64_t env_int(const char *name, int64_t def)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return def;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	return end && *end == '\0' && v > 0 ? (int64_t)v : def;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "store-bench: %s: %s\n", what, bbs_strerror(err));
	exit(1);
}

/* ---- the measured operations ---- */

struct ctx {
	struct store *st;
	int64_t user;
	int64_t board;
	int64_t thread;
	const char *query;
	int64_t offset;
	int64_t result;   /* something from the last run, printed to show what was measured */
};

typedef void (*op_fn)(struct ctx *c);

static void op_board_list(struct ctx *c)
{
	struct store_board *v = NULL;
	size_t n = 0;
	int err = store_board_list(c->st, c->user, -1, &v, &n);
	if (err < 0)
		die("board list", err);
	c->result = 0;
	for (size_t i = 0; i < n; i++)
		c->result += v[i].unread;
	store_board_list_free(v, n);
}

static void op_unread_total(struct ctx *c)
{
	int err = store_unread_total(c->st, c->user, &c->result);
	if (err < 0)
		die("unread total", err);
}

static void op_page(struct ctx *c)
{
	struct store_thread *v = NULL;
	size_t n = 0;
	int err = store_thread_page(c->st, c->user, c->board, c->offset, 50, &v, &n);
	if (err < 0)
		die("board page", err);
	c->result = (int64_t)n;
	store_thread_list_free(v, n);
}

static void op_open(struct ctx *c)
{
	struct store_thread t;
	struct store_post *v = NULL;
	size_t n = 0;
	int err = store_thread_get(c->st, c->user, c->thread, &t);
	if (err < 0)
		die("thread get", err);
	err = store_post_range(c->st, c->thread, t.first_unread ? t.first_unread : 1, 30, &v, &n);
	if (err < 0)
		die("post range", err);
	c->result = (int64_t)n;
	store_post_list_free(v, n);
	store_thread_finish(&t);
}

static void op_next_unread(struct ctx *c)
{
	int64_t thread = 0, seq = 0;
	int err = store_next_unread(c->st, c->user, &thread, &seq);
	if (err < 0 && err != BBS_ERR_NOTFOUND)
		die("next unread", err);
	c->result = thread;
}

static void op_search(struct ctx *c)
{
	struct store_hit *v = NULL;
	size_t n = 0;
	int err = store_search(c->st, c->user, c->query, 20, &v, &n);
	if (err < 0)
		die("search", err);
	c->result = (int64_t)n;
	store_hit_list_free(v, n);
}

static void op_reply(struct ctx *c)
{
	int64_t id = 0;
	int err = store_post_reply(c->st, c->thread, c->user,
		"A reply written during the benchmark, synced to disk before the call returns.", 0,
		NULL, &id);
	if (err < 0)
		die("reply", err);
	c->result = id;
}

static void op_mark_read(struct ctx *c)
{
	struct store_thread t;
	int err = store_thread_get(c->st, c->user, c->thread, &t);
	if (err < 0)
		die("thread get", err);
	err = store_thread_mark_read(c->st, c->user, c->thread, t.posts);
	if (err < 0)
		die("mark read", err);
	store_thread_finish(&t);
}

static int runs;

static void measure(const char *name, op_fn fn, struct ctx *c)
{
	double *t = calloc((size_t)runs, sizeof *t);
	if (!t)
		die("calloc", BBS_ERR_NOMEM);
	for (int i = 0; i < runs; i++) {
		double a = now_ms();
		fn(c);
		t[i] = now_ms() - a;
	}
	qsort(t, (size_t)runs, sizeof *t, cmp_double);
	printf("| %-52s | %9.3f | %9.3f | %9.3f | %10lld |\n", name, t[runs / 2], t[0],
		t[runs - 1], (long long)c->result);
	free(t);
}

/* ---- setup ---- */

static char tmpdir[256];

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = xasprintf("%s/%s", tmpdir, e->d_name);
		if (unlink(p) != 0)
			fprintf(stderr, "cannot remove %s: %s\n", p, strerror(errno));
		free(p);
	}
	closedir(d);
	if (rmdir(tmpdir) != 0)
		fprintf(stderr, "cannot remove %s: %s\n", tmpdir, strerror(errno));
}

/* The member's id, added if missing (a kept database is reused). */
static int64_t add_user(struct store *st, const char *handle)
{
	struct store_user *got = NULL;
	int64_t id = 0;
	if (store_user_get(st, handle, &got) == BBS_OK) {
		id = got->id;
		store_user_free(got);
		return id;
	}
	char *h = xstrdup(handle);
	struct store_user u = { .handle = h, .display_name = h };
	int err = store_user_add(st, &u, &id);
	free(h);
	if (err < 0)
		die("add user", err);
	return id;
}

int main(void)
{
	int64_t nthreads = env_int("BENCH_THREADS", 100000);
	int64_t nposts = env_int("BENCH_POSTS", 1000000);
	runs = (int)env_int("BENCH_RUNS", 21);
	const char *base = getenv("TMPDIR");
	struct store *st = NULL;
	int err;

	bbs_log_init("store-bench", false, BBS_LOG_WARN);
	if (nposts < nthreads)
		nposts = nthreads;
	if (bbs_snprintf(tmpdir, sizeof tmpdir, "%s/store-bench.XXXXXX",
		    base && *base ? base : "/tmp") != 0 || !mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	const char *keep = getenv("BENCH_DB");
	char *path = keep && *keep ? xstrdup(keep) : xasprintf("%s/portal.db", tmpdir);
	if ((err = store_open(path, &st)) < 0)
		die("open", err);
	if ((err = store_seed(st)) < 0)
		die("seed", err);

	struct store_board *boards = NULL;
	size_t nb = 0;
	if ((err = store_board_list(st, 0, 0, &boards, &nb)) < 0 || nb == 0)
		die("board list", err < 0 ? err : BBS_ERR_NOTFOUND);
	int64_t board = boards[0].id;  /* "general" */
	int64_t have = boards[0].threads;
	store_board_list_free(boards, nb);

	printf("store-bench: %lld discussions, %lld posts in one board, median of %d runs\n",
		(long long)nthreads, (long long)nposts, runs);
	double t0 = now_ms();
	if (have >= nthreads) {
		printf("generation: skipped, %s already holds %lld discussions\n", path,
			(long long)have);
	} else {
		if ((err = store_bench_generate(st, board, nthreads, nposts, 42)) < 0)
			die("generate", err);
		double gen_ms = now_ms() - t0;
		printf("generation: %.1f s (%.0f posts/s)\n", gen_ms / 1e3,
			(double)nposts / (gen_ms / 1e3));
	}

	/* A little more activity through the API: "regular" marked everything read before it. */
	int64_t fresh = add_user(st, "fresh"), regular = add_user(st, "regular");
	int64_t writer = add_user(st, "writer");
	if ((err = store_mark_all_read(st, regular)) < 0)
		die("mark all read", err);
	uint64_t r = 12345;
	int64_t new_threads[20] = { 0 };
	t0 = now_ms();
	for (int i = 0; i < 20; i++) {
		char title[64];
		if (bbs_snprintf(title, sizeof title, "New discussion %d about safety", i) < 0)
			die("title", BBS_ERR_INVALID);
		if ((err = store_thread_create(st, board, writer, title,
			     "Something new since the last visit.", NULL, &new_threads[i], NULL)) < 0)
			die("thread create", err);
	}
	for (int i = 0; i < 200; i++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		int64_t thread = 1 + (int64_t)((r >> 33) % (uint64_t)nthreads);
		if ((err = store_post_reply(st, thread, writer, "A new reply to an old discussion.", 0,
			     NULL, NULL)) < 0)
			die("reply", err);
	}
	double api_ms = now_ms() - t0;
	printf("API writes: 20 discussions + 200 replies in %.1f ms (%.2f ms each, synchronous)\n",
		api_ms, api_ms / 220);
	/* "regular" reads some of the new activity. */
	for (int i = 0; i < 10; i++)
		if ((err = store_thread_mark_read(st, regular, new_threads[i], 1)) < 0)
			die("mark read", err);

	/* The discussion with the most posts, to open. */
	struct store_thread *page = NULL;
	size_t np = 0;
	int64_t big = 0, big_posts = 0;
	for (int64_t off = 0; off < 2000; off += 500) {
		if ((err = store_thread_page(st, fresh, board, off, 500, &page, &np)) < 0)
			die("page", err);
		for (size_t i = 0; i < np; i++)
			if (page[i].posts > big_posts) {
				big_posts = page[i].posts;
				big = page[i].id;
			}
		store_thread_list_free(page, np);
	}
	/* "regular" has read half of it. */
	if ((err = store_thread_mark_read(st, regular, big, big_posts / 2)) < 0)
		die("mark read", err);

	printf("\n| %-52s | %9s | %9s | %9s | %10s |\n", "operation", "median ms", "min ms",
		"max ms", "result");
	printf("|%s|%s|%s|%s|%s|\n", "------------------------------------------------------",
		"-----------", "-----------", "-----------", "------------");
	static const char *const who_name[2] = { "fresh", "regular" };
	int64_t who[2] = { fresh, regular };
	for (int w = 0; w < 2; w++) {
		struct ctx c = { .st = st, .user = who[w], .board = board, .thread = big };
		char name[96];
#define M(label, fn) do { \
		if (bbs_snprintf(name, sizeof name, "%s (%s)", label, who_name[w]) < 0) \
			die("name", BBS_ERR_INVALID); \
		measure(name, fn, &c); \
	} while (0)
		M("board list with unread counts", op_board_list);
		M("unread total", op_unread_total);
		c.offset = 0;
		M("board page offset 0, 50 rows", op_page);
		c.offset = 50000 < nthreads ? 50000 : nthreads / 2;
		M("board page offset 50000, 50 rows", op_page);
		M("open discussion at first unread (get + 30 posts)", op_open);
		M("next unread", op_next_unread);
#undef M
	}
	struct ctx c = { .st = st, .user = fresh, .board = board, .thread = big };
	c.query = "safety";
	measure("search common word \"safety\" (top 20)", op_search, &c);
	c.query = "the";
	measure("search very common word \"the\" (top 20)", op_search, &c);
	c.query = "quokka";
	measure("search rare word \"quokka\"", op_search, &c);
	c.query = "safety children";
	measure("search two common words \"safety children\"", op_search, &c);
	c.query = "saf";
	measure("search prefix \"saf\"", op_search, &c);
	c.user = writer;
	measure("reply (one write transaction, fsync)", op_reply, &c);
	c.user = regular;
	measure("mark discussion read (no change after first)", op_mark_read, &c);

	store_close(st);
	if (keep && *keep)
		printf("database kept: %s\n", path);
	remove_tmpdir();
	free(path);
	return 0;
}
