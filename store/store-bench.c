/*
 * store-bench.c: generates large, realistic boards for benchmarks and tests
 * (store_bench_generate). Discussions and posts are written in big transactions with
 * prepared statements, keeping every counter and the search index exactly as the posting
 * functions in store-board.c do, so the queries that are measured see a real database.
 *
 * Must never: run on a portal's real database (nothing calls it but bench/ and tests/), or
 * hold the write lock for more than one batch.
 */
#include "store/private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

#define BENCH_USERS 200
#define BATCH_THREADS 2000
#define VOCAB 5000
#define SPAN_SECONDS (2 * 365 * 24 * 3600)

/* Frequent words first: sampled by a Zipf law, so "the" is everywhere and "safety" common. */
static const char *const common_words[] = {
	"the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "we", "on", "with", "as",
	"are", "this", "be", "by", "not", "our", "safety", "children", "online", "have", "from",
	"or", "can", "at", "more", "report", "they", "which", "but", "their", "will", "all",
	"been", "one", "has", "there", "data", "would", "work", "platform", "abuse", "law",
	"enforcement", "policy", "national", "global", "response", "technology", "industry",
	"detection", "reporting", "victims", "support", "government", "civil", "society",
	"coordination", "standards", "evidence", "privacy", "encryption", "hotline", "referral",
	"training", "prevention", "research", "companies", "moderation", "tools", "review",
	"process", "legal", "framework", "cooperation", "international", "partners", "members",
	"question", "problem", "challenge", "progress", "faster", "protect", "exploitation",
	"transparency", "accountability", "design", "product", "teams", "country", "region",
	"capacity", "funding", "guidance", "model", "practice", "lessons", "learned", "pilot",
	"results", "measure", "outcome", "share", "information", "across", "borders", "agency",
	"ministry", "regulator", "court", "case", "time", "delay", "backlog", "volume", "quality",
};

struct gen {
	uint64_t rng;
	const char *words[VOCAB];
	char synth[VOCAB][16];
	double cum[VOCAB];        /* cumulative Zipf weights */
	int64_t users[BENCH_USERS];
	int64_t board_id;
	int64_t threads_left;
	int64_t posts_left;
	int64_t made;             /* discussions generated so far */
	int64_t posts_made;       /* posts generated so far */
	int64_t total_threads;
	int64_t start_time;
	char *buf;                /* body being built */
	size_t cap;
	sqlite3_stmt *ins_thread, *ins_post, *upd_thread, *ins_fts;
};

static uint64_t next_rand(struct gen *g)
{
	/* xorshift64*: deterministic for a seed, good enough for text. */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 0x2545F4914F6CDD1DULL;
}

static double rand01(struct gen *g)
{
	return (double)(next_rand(g) >> 11) / 9007199254740992.0;
}

static int64_t rand_range(struct gen *g, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(next_rand(g) % (uint64_t)(hi - lo + 1));
}

static const char *rand_word(struct gen *g)
{
	double x = rand01(g) * g->cum[VOCAB - 1];
	size_t lo = 0, hi = VOCAB - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (g->cum[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return g->words[lo];
}

static void gen_init(struct gen *g, uint64_t seed)
{
	static const char *const syl[] = { "ka", "lo", "mi", "ren", "tor", "va", "shi", "den",
		"pra", "ul", "es", "bo", "qui", "na", "fel", "gar", "im", "zo", "te", "wy" };
	size_t nsyl = sizeof syl / sizeof syl[0], ncommon = sizeof common_words / sizeof common_words[0];
	double sum = 0;

	g->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
	for (size_t i = 0; i < VOCAB; i++) {
		if (i < ncommon) {
			g->words[i] = common_words[i];
		} else {
			/* Made-up words of three syllables from the index: unique and pronounceable. */
			size_t k = i;
			if (bbs_snprintf(g->synth[i], sizeof g->synth[i], "%s%s%s", syl[k % nsyl],
				    syl[(k / nsyl) % nsyl], syl[(k / (nsyl * nsyl)) % nsyl]) != 0)
				bbs_strlcpy(g->synth[i], "x", sizeof g->synth[i]);
			g->words[i] = g->synth[i];
		}
		sum += 1.0 / pow((double)(i + 1), 1.05);
		g->cum[i] = sum;
	}
}

static void put(struct gen *g, const char *s)
{
	size_t len = strlen(s);
	if (strlen(g->buf) + len + 1 > g->cap) {
		g->cap = (g->cap + len) * 2;
		g->buf = xrealloc(g->buf, g->cap);
	}
	memcpy(g->buf + strlen(g->buf), s, len + 1);
}

/* A title of 3..8 words, capitalised. */
static void make_title(struct gen *g)
{
	g->buf[0] = '\0';
	int64_t n = rand_range(g, 3, 8);
	for (int64_t i = 0; i < n; i++) {
		if (i)
			put(g, " ");
		put(g, rand_word(g));
	}
	if (g->buf[0] >= 'a' && g->buf[0] <= 'z')
		g->buf[0] = (char)(g->buf[0] - 'a' + 'A');
}

/* A body of 1..4 paragraphs of sentences, 10..120 words in all. */
static void make_body(struct gen *g, int64_t post_no)
{
	g->buf[0] = '\0';
	int64_t words = rand_range(g, 10, 120), sentence = 0;
	for (int64_t i = 0; i < words; i++) {
		const char *w = rand_word(g);
		if (i > 0)
			put(g, sentence == 0 && rand01(g) < 0.15 ? "\n\n" : " ");
		if (sentence == 0) {
			char cap[24];
			bbs_strlcpy(cap, w, sizeof cap);
			if (cap[0] >= 'a' && cap[0] <= 'z')
				cap[0] = (char)(cap[0] - 'a' + 'A');
			put(g, cap);
		} else {
			put(g, w);
		}
		sentence++;
		if (sentence > 4 && rand01(g) < 0.15) {
			put(g, ".");
			sentence = 0;
		}
	}
	/* The rare word, about one post in 50,000. */
	if (post_no % 50000 == 49999)
		put(g, " quokka");
	put(g, ".");
}

static int bind_step(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int err = store_exec_stmt(st, stmt, what);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return err;
}

static int users_tx(struct store *st, void *ctx)
{
	struct gen *g = ctx;
	sqlite3_stmt *ins = NULL, *get = NULL;
	int err;
	if ((err = store_prepare(st, "INSERT OR IGNORE INTO users (handle, display_name, "
			"organisation, sector, country, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			&ins)) < 0
	    || (err = store_prepare(st, "SELECT id FROM users WHERE handle = ?1", &get)) < 0)
		goto out;
	static const char *const sectors[] = { "government", "industry", "civil society" };
	static const char *const countries[] = { "Kenya", "Brazil", "Germany", "India",
		"Philippines", "Canada", "Ghana", "Japan" };
	for (int i = 0; i < BENCH_USERS; i++) {
		char handle[32], name[64], org[64];
		if (bbs_snprintf(handle, sizeof handle, "bench-u%03d", i) < 0
		    || bbs_snprintf(name, sizeof name, "Bench Member %d", i) < 0
		    || bbs_snprintf(org, sizeof org, "Organisation %d", i % 37) < 0) {
			err = BBS_ERR_INVALID;
			goto out;
		}
		if ((err = store_bind_text(ins, 1, handle)) < 0 || (err = store_bind_text(ins, 2, name)) < 0
		    || (err = store_bind_text(ins, 3, org)) < 0
		    || (err = store_bind_text(ins, 4, sectors[i % 3])) < 0
		    || (err = store_bind_text(ins, 5, countries[i % 8])) < 0)
			goto out;
		if (sqlite3_bind_int64(ins, 6, g->start_time) != SQLITE_OK) {
			err = BBS_ERR_DB;
			goto out;
		}
		if ((err = bind_step(st, ins, "add bench user")) < 0
		    || (err = store_bind_text(get, 1, handle)) < 0)
			goto out;
		int rc = sqlite3_step(get);
		if (rc != SQLITE_ROW) {
			err = store_rc(st, rc == SQLITE_DONE ? SQLITE_ERROR : rc, "read bench user");
			goto out;
		}
		g->users[i] = sqlite3_column_int64(get, 0);
		sqlite3_reset(get);
	}
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(get);
	return err;
}

/* One discussion of n posts starting at time t; *last becomes the time of its last post. */
static int gen_thread(struct store *st, struct gen *g, int64_t n, int64_t t, int64_t *post_no,
	int64_t *last)
{
	int64_t author = g->users[rand_range(g, 0, BENCH_USERS - 1)];
	int64_t thread_id, post_id = 0, at = t;
	int err;

	make_title(g);
	char *title = xstrdup(g->buf);
	if (sqlite3_bind_int64(g->ins_thread, 1, g->board_id) != SQLITE_OK
	    || sqlite3_bind_int64(g->ins_thread, 3, author) != SQLITE_OK
	    || sqlite3_bind_int64(g->ins_thread, 4, t) != SQLITE_OK) {
		err = BBS_ERR_DB;
		goto out;
	}
	if ((err = store_bind_text(g->ins_thread, 2, title)) < 0
	    || (err = bind_step(st, g->ins_thread, "add bench discussion")) < 0)
		goto out;
	thread_id = sqlite3_last_insert_rowid(st->db);

	for (int64_t seq = 1; seq <= n; seq++) {
		int64_t who = seq == 1 ? author : g->users[rand_range(g, 0, BENCH_USERS - 1)];
		make_body(g, (*post_no)++);
		if (seq > 1)
			at += rand_range(g, 30, 6 * 3600);
		if (sqlite3_bind_int64(g->ins_post, 1, thread_id) != SQLITE_OK
		    || sqlite3_bind_int64(g->ins_post, 2, seq) != SQLITE_OK
		    || sqlite3_bind_int64(g->ins_post, 3, who) != SQLITE_OK
		    || sqlite3_bind_int64(g->ins_post, 5, at) != SQLITE_OK) {
			err = BBS_ERR_DB;
			goto out;
		}
		if ((err = store_bind_text(g->ins_post, 4, g->buf)) < 0
		    || (err = bind_step(st, g->ins_post, "add bench post")) < 0)
			goto out;
		post_id = sqlite3_last_insert_rowid(st->db);
		/* The index holds what post_search_src shows: the title with the first post. */
		if (sqlite3_bind_int64(g->ins_fts, 1, post_id) != SQLITE_OK) {
			err = BBS_ERR_DB;
			goto out;
		}
		if ((err = store_bind_text(g->ins_fts, 2, seq == 1 ? title : "")) < 0
		    || (err = store_bind_text(g->ins_fts, 3, g->buf)) < 0
		    || (err = bind_step(st, g->ins_fts, "index bench post")) < 0)
			goto out;
	}
	if (sqlite3_bind_int64(g->upd_thread, 1, thread_id) != SQLITE_OK
	    || sqlite3_bind_int64(g->upd_thread, 2, n) != SQLITE_OK
	    || sqlite3_bind_int64(g->upd_thread, 3, at) != SQLITE_OK
	    || sqlite3_bind_int64(g->upd_thread, 4, post_id) != SQLITE_OK) {
		err = BBS_ERR_DB;
		goto out;
	}
	err = bind_step(st, g->upd_thread, "finish bench discussion");
	*last = at;
out:
	free(title);
	return err;
}

/* One batch of discussions in one transaction. A retry after busy would repeat the batch, so
 * the counters move only after a batch has been written in full. */
static int batch_tx(struct store *st, void *ctx)
{
	struct gen *g = ctx;
	int64_t count = g->threads_left < BATCH_THREADS ? g->threads_left : BATCH_THREADS;
	int64_t posts_left = g->posts_left, threads_left = g->threads_left, post_no = 0, last = 0;
	uint64_t rng = g->rng;
	int err = BBS_OK;

	post_no = g->posts_made;  /* a running number, for the rare word */
	for (int64_t i = 0; i < count && err >= 0; i++) {
		/* Sizes: exponential around the mean that is left, at least one post each. */
		double mean = (double)posts_left / (double)threads_left;
		int64_t n = 1 + (int64_t)(-log(1.0 - rand01(g)) * (mean - 1.0));
		int64_t max = posts_left - (threads_left - 1);
		if (n > max || threads_left == 1)
			n = max;
		if (n < 1)
			n = 1;
		/* Discussions start evenly over the span, a little jittered. */
		int64_t t = g->start_time + (SPAN_SECONDS * (g->made + i)) / g->total_threads
			+ rand_range(g, 0, 600);
		int64_t at = 0;
		err = gen_thread(st, g, n, t, &post_no, &at);
		posts_left -= n;
		threads_left--;
		if (at > last)
			last = at;
	}
	if (err >= 0) {
		sqlite3_stmt *stmt = NULL;
		err = store_prepare(st, "UPDATE boards SET threads = threads + ?1, "
			"last_post_at = max(last_post_at, ?3) WHERE id = ?2", &stmt);
		if (err >= 0 && (sqlite3_bind_int64(stmt, 1, count) != SQLITE_OK
			       || sqlite3_bind_int64(stmt, 2, g->board_id) != SQLITE_OK
			       || sqlite3_bind_int64(stmt, 3, last) != SQLITE_OK))
			err = BBS_ERR_DB;
		if (err >= 0)
			err = store_exec_stmt(st, stmt, "update bench board");
		sqlite3_finalize(stmt);
	}
	if (err < 0) {
		g->rng = rng;
		return err;
	}
	g->posts_left = posts_left;
	g->threads_left = threads_left;
	g->made += count;
	g->posts_made = post_no;
	return BBS_OK;
}

int store_bench_generate(struct store *st, int64_t board_id, int64_t threads, int64_t posts,
	uint64_t seed)
{
	struct gen *g = NULL;
	int err;

	if (!st || threads < 1 || posts < threads || threads > 100000000 || posts > 1000000000)
		return BBS_ERR_INVALID;
	g = xcalloc(1, sizeof *g);
	gen_init(g, seed);
	g->board_id = board_id;
	g->threads_left = threads;
	g->posts_left = posts;
	g->total_threads = threads;
	g->start_time = bbs_now() - SPAN_SECONDS;
	g->cap = 4096;
	g->buf = xmalloc(g->cap);
	g->buf[0] = '\0';

	int64_t exists = 0;
	sqlite3_stmt *chk = NULL;
	if ((err = store_prepare(st, "SELECT count(*) FROM boards WHERE id = ?1", &chk)) < 0)
		goto out;
	if (sqlite3_bind_int64(chk, 1, board_id) == SQLITE_OK && sqlite3_step(chk) == SQLITE_ROW)
		exists = sqlite3_column_int64(chk, 0);
	sqlite3_finalize(chk);
	if (!exists) {
		err = BBS_ERR_NOTFOUND;
		goto out;
	}
	if ((err = store_tx(st, true, users_tx, g)) < 0)
		goto out;
	if ((err = store_prepare(st, "INSERT INTO threads (board_id, title, author_id, created, "
			"last_post_at) VALUES (?1, ?2, ?3, ?4, ?4)", &g->ins_thread)) < 0
	    || (err = store_prepare(st, "INSERT INTO posts (thread_id, seq, author_id, body, "
			"created) VALUES (?1, ?2, ?3, ?4, ?5)", &g->ins_post)) < 0
	    || (err = store_prepare(st, "UPDATE threads SET posts = ?2, last_seq = ?2, "
			"last_post_at = ?3, last_post_id = ?4 WHERE id = ?1", &g->upd_thread)) < 0
	    || (err = store_prepare(st, "INSERT INTO post_search (rowid, title, body) "
			"VALUES (?1, ?2, ?3)", &g->ins_fts)) < 0)
		goto out;
	/* A bigger page cache while building 100,000s of index entries; back to the default
	 * afterwards so that what is measured next runs as in the portal. */
	if (sqlite3_exec(st->db, "PRAGMA cache_size = -262144", NULL, NULL, NULL) != SQLITE_OK) {
		err = BBS_ERR_DB;
		goto out;
	}
	while (g->threads_left > 0 && err >= 0)
		err = store_tx(st, true, batch_tx, g);
	if (sqlite3_exec(st->db, "PRAGMA cache_size = -2000", NULL, NULL, NULL) != SQLITE_OK
	    && err >= 0)
		err = BBS_ERR_DB;
out:
	sqlite3_finalize(g->ins_thread);
	sqlite3_finalize(g->ins_post);
	sqlite3_finalize(g->upd_thread);
	sqlite3_finalize(g->ins_fts);
	free(g->buf);
	free(g);
	return err < 0 ? err : BBS_OK;
}
