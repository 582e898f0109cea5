/*
 * store-board.c: discussion boards, discussions (threads), posts, versions and read state.
 *
 * Posting is one write transaction per call (BEGIN IMMEDIATE through store_tx): the seq of a
 * new post is the discussion's last_seq + 1 read under the write lock, so concurrent writers
 * never share or skip a seq. The search index (post_search) is updated in the same
 * transaction as the post it indexes.
 *
 * Read state (see migration 2 in store.c): a post is read by member U when its id is at most
 * U's watermark for the board (board_reads.read_upto), or its seq is at most U's
 * thread_reads.last_read_seq for the discussion. A discussion is unread when its newest post
 * is above the watermark and its last_seq above last_read_seq.
 *
 * Must never: store a title or body that has not been through text_sanitize, return a
 * deleted post's text as its body, move read state backwards, or leave the search index out
 * of step with the posts (a post whose post_search_src row is non-empty is indexed, and no
 * other post is).
 */
#include "store/private.h"

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

/* The most rows one list call returns, whatever limit the caller asks for. */
#define STORE_PAGE_MAX 1000

/* ---- small helpers ---- */

/*
 * store_search_sync (private.h): keeps post_search in step with one post. remove: takes out
 * what the index holds for it
 * (the post_search_src row as it is now, before the change); otherwise adds what
 * post_search_src holds for it now (after the change). Empty rows (deleted posts) are never
 * in the index, so they are neither added nor removed.
 */
int store_search_sync(struct store *st, int64_t post_id, bool remove)
{
	const char *sql = remove
		? "INSERT INTO post_search (post_search, rowid, title, body) "
		  "SELECT 'delete', id, title, body FROM post_search_src "
		  "WHERE id = ?1 AND (title != '' OR body != '')"
		: "INSERT INTO post_search (rowid, title, body) "
		  "SELECT id, title, body FROM post_search_src "
		  "WHERE id = ?1 AND (title != '' OR body != '')";
	int err = store_run_i64(st, sql, &post_id, 1, NULL, "update search index");
	return err < 0 ? err : BBS_OK;
}

/*
 * The seq up to which member U has read discussion t: its thread_reads row r, and the board
 * watermark W (a SQL expression: every post with id <= W is read). Within a discussion seq
 * and id grow together, so the watermark covers the posts up to the last one with id <= W;
 * that lookup walks the (thread_id, seq) index backwards over the posts newer than W only.
 */
#define READ_SEQ(W) \
	"(CASE WHEN t.last_post_id <= " W " THEN t.last_seq " \
	"ELSE max(coalesce(r.last_read_seq, 0), CASE WHEN " W " = 0 THEN 0 ELSE coalesce(" \
	"(SELECT p.seq FROM posts p WHERE p.thread_id = t.id AND p.id <= " W \
	" ORDER BY p.seq DESC LIMIT 1), 0) END) END)"

/* ---- boards ---- */

void store_board_finish(struct store_board *b)
{
	if (!b)
		return;
	free(b->slug);
	free(b->name);
	free(b->description);
	memset(b, 0, sizeof *b);
}

void store_board_list_free(struct store_board *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		store_board_finish(&v[i]);
	free(v);
}

/* A board as listed, with the member's watermark for it. */
struct board_row {
	struct store_board b;
	int64_t upto;
};

static void read_board_row(sqlite3_stmt *stmt, void *elem)
{
	struct board_row *r = elem;
	r->b.id = sqlite3_column_int64(stmt, 0);
	r->b.area_id = sqlite3_column_int64(stmt, 1);
	r->b.slug = store_col_text(stmt, 2);
	r->b.name = store_col_text(stmt, 3);
	r->b.description = store_col_text(stmt, 4);
	r->b.position = sqlite3_column_int(stmt, 5);
	r->b.threads = sqlite3_column_int64(stmt, 6);
	r->b.last_post_at = sqlite3_column_int64(stmt, 7);
	r->upto = sqlite3_column_int64(stmt, 8);
	r->b.archived = sqlite3_column_int(stmt, 9) != 0;
}

static void board_row_finish(void *elem)
{
	store_board_finish(&((struct board_row *)elem)->b);
}

static const struct store_row_type board_rows = {
	sizeof(struct board_row), read_board_row, board_row_finish
};

struct board_list {
	int64_t user_id;
	int64_t area_id;   /* -1 all, 0 general, > 0 that area */
	int64_t board_id;  /* > 0: just this board (archived or not) */
	struct store_rows rows;  /* of struct board_row */
};

/*
 * Fills in unread counts: per board, the discussions active since the watermark (all of
 * them when there is none: the board's counter) minus those the member has read to the end
 * since then. The second part is one pass over the member's thread_reads rows, which
 * "mark read" keeps short.
 */
static int board_unread(struct store *st, struct board_list *l)
{
	struct board_row *r = l->rows.v;
	sqlite3_stmt *stmt = NULL;
	int rc, err = BBS_OK;

	for (size_t i = 0; i < l->rows.n; i++) {
		struct store_board *b = &r[i].b;
		b->unread = b->threads;
		if (r[i].upto == 0)
			continue;
		int64_t args[2] = { b->id, r[i].upto };
		err = store_run_i64(st, "SELECT count(*) FROM threads WHERE board_id = ?1 "
			"AND last_post_id > ?2", args, 2, &b->unread, "count unread");
		if (err < 0)
			return err;
	}
	/* CROSS JOIN: walk this member's rows, never a whole board. */
	err = store_prepare(st,
		"SELECT t.board_id, count(*) FROM thread_reads r CROSS JOIN threads t "
		"ON t.id = r.thread_id "
		"WHERE r.user_id = ?1 AND r.last_read_seq >= t.last_seq AND t.last_post_id > "
		"coalesce((SELECT read_upto FROM board_reads br WHERE br.user_id = ?1 "
		"AND br.board_id = t.board_id), 0) "
		"GROUP BY t.board_id", &stmt);
	if (err < 0 || (err = store_bind_i64s(stmt, &l->user_id, 1)) < 0)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t board = sqlite3_column_int64(stmt, 0), read = sqlite3_column_int64(stmt, 1);
		for (size_t i = 0; i < l->rows.n; i++) {
			if (r[i].b.id == board) {
				r[i].b.unread -= read;
				if (r[i].b.unread < 0)
					r[i].b.unread = 0;
			}
		}
	}
	if (rc != SQLITE_DONE)
		err = store_rc(st, rc, "count read discussions");
out:
	sqlite3_finalize(stmt);
	return err;
}

static int board_list_tx(struct store *st, void *ctx)
{
	struct board_list *l = ctx;
	int64_t args[3] = { l->user_id, l->area_id, l->board_id };
	int err = store_select(st,
		"SELECT b.id, coalesce(b.area_id, 0), b.slug, b.name, b.description, b.position, "
		"b.threads, b.last_post_at, coalesce(br.read_upto, 0), b.archived "
		"FROM boards b LEFT JOIN areas a ON a.id = b.area_id "
		"LEFT JOIN board_reads br ON br.user_id = ?1 AND br.board_id = b.id "
		"WHERE CASE WHEN ?3 > 0 THEN b.id = ?3 "
		"ELSE b.archived = 0 AND (?2 < 0 OR coalesce(b.area_id, 0) = ?2) END "
		"ORDER BY b.area_id IS NOT NULL, a.position, a.id, b.position, b.id",
		args, 3, &board_rows, STORE_ROWS_ALL, &l->rows, "list boards");
	if (err >= 0 && (err = board_unread(st, l)) < 0)
		store_rows_free(&board_rows, &l->rows);  /* store_tx may retry: leave nothing behind */
	return err;
}

int store_board_list(struct store *st, int64_t user_id, int64_t area_id,
	struct store_board **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct board_list l = { .user_id = user_id, .area_id = area_id < 0 ? -1 : area_id };
	int err = store_tx(st, false, board_list_tx, &l);
	if (err < 0)
		return err;
	struct board_row *r = l.rows.v;
	if (l.rows.n > 0)
		*v = xcalloc(l.rows.n, sizeof **v);
	for (size_t i = 0; i < l.rows.n; i++)
		(*v)[i] = r[i].b;
	*n = l.rows.n;
	free(r);
	return BBS_OK;
}

int store_board_get(struct store *st, int64_t user_id, int64_t board_id, struct store_board *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	if (board_id <= 0)
		return BBS_ERR_NOTFOUND;
	struct board_list l = { .user_id = user_id, .area_id = -1, .board_id = board_id };
	int err = store_tx(st, false, board_list_tx, &l);
	if (err < 0)
		return err;
	if (l.rows.n != 1) {
		store_rows_free(&board_rows, &l.rows);
		return BBS_ERR_NOTFOUND;
	}
	*out = ((struct board_row *)l.rows.v)->b;
	free(l.rows.v);
	return BBS_OK;
}

/* ---- discussions ---- */

void store_thread_finish(struct store_thread *t)
{
	if (!t)
		return;
	free(t->title);
	free(t->author_handle);
	free(t->author_name);
	memset(t, 0, sizeof *t);
}

/* Columns for read_thread(); the query joins users u, thread_reads r for member ?1 and
 * provides the watermark as W. */
#define THREAD_COLS(W) \
	"t.id, t.board_id, t.title, t.author_id, " STORE_AUTHOR("u") ", u.display_name, " \
	"t.created, " \
	"t.last_post_at, t.posts, t.pinned, t.locked, t.last_seq, " READ_SEQ(W) \
	", coalesce(t.challenge_id, 0)"

static void read_thread(sqlite3_stmt *stmt, void *elem)
{
	struct store_thread *t = elem;
	t->id = sqlite3_column_int64(stmt, 0);
	t->board_id = sqlite3_column_int64(stmt, 1);
	t->title = store_col_text(stmt, 2);
	t->author_id = sqlite3_column_int64(stmt, 3);
	t->author_handle = store_col_text(stmt, 4);
	t->author_name = store_col_text(stmt, 5);
	t->created = sqlite3_column_int64(stmt, 6);
	t->last_post_at = sqlite3_column_int64(stmt, 7);
	t->posts = sqlite3_column_int64(stmt, 8);
	t->pinned = sqlite3_column_int(stmt, 9) != 0;
	t->locked = sqlite3_column_int(stmt, 10) != 0;
	int64_t last_seq = sqlite3_column_int64(stmt, 11);
	int64_t read = sqlite3_column_int64(stmt, 12);
	if (read > last_seq)
		read = last_seq;
	t->unread = last_seq - read;
	t->first_unread = read < last_seq ? read + 1 : 0;
	t->challenge_id = sqlite3_column_int64(stmt, 13);
}

STORE_ROW_LIST_FINISH(thread, read_thread)

struct thread_q {
	int64_t user_id;
	int64_t board_id;
	int64_t thread_id;
	int64_t offset;
	int64_t limit;
	struct store_rows rows;  /* of struct store_thread */
};

static int thread_page_tx(struct store *st, void *ctx)
{
	struct thread_q *q = ctx;
	int64_t upto = 0;
	int err;

	/* The board must exist; its watermark is bound so the page needs no extra join. */
	int64_t bargs[2] = { q->board_id, q->user_id };
	err = store_run_i64(st, "SELECT coalesce((SELECT read_upto FROM board_reads "
		"WHERE board_id = ?1 AND user_id = ?2), 0) FROM boards WHERE id = ?1",
		bargs, 2, &upto, "read board");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;

	/* The inner query walks the covering index to the offset; only the rows of the page
	 * are joined. */
	int64_t args[5] = { q->user_id, q->board_id, q->offset, q->limit, upto };
	return store_select(st,
		"SELECT " THREAD_COLS("?5") " FROM (SELECT id FROM threads WHERE board_id = ?2 "
		"ORDER BY pinned DESC, last_post_at DESC, id DESC LIMIT ?4 OFFSET ?3) pg "
		"JOIN threads t ON t.id = pg.id JOIN users u ON u.id = t.author_id "
		"LEFT JOIN thread_reads r ON r.user_id = ?1 AND r.thread_id = t.id "
		"ORDER BY t.pinned DESC, t.last_post_at DESC, t.id DESC",
		args, 5, &thread_rows, (size_t)q->limit, &q->rows, "list discussions");
}

int store_thread_page(struct store *st, int64_t user_id, int64_t board_id, int64_t offset,
	int64_t limit, struct store_thread **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (offset < 0 || limit < 1)
		return BBS_ERR_INVALID;
	struct thread_q q = { .user_id = user_id, .board_id = board_id, .offset = offset,
		.limit = limit > STORE_PAGE_MAX ? STORE_PAGE_MAX : limit };
	int err = store_tx(st, false, thread_page_tx, &q);
	if (err < 0)
		return err;
	*v = q.rows.v;
	*n = q.rows.n;
	return BBS_OK;
}

static int thread_get_tx(struct store *st, void *ctx)
{
	struct thread_q *q = ctx;
	int64_t args[2] = { q->user_id, q->thread_id };
	int err = store_select(st,
		"SELECT " THREAD_COLS("coalesce(br.read_upto, 0)") " FROM threads t "
		"JOIN users u ON u.id = t.author_id "
		"LEFT JOIN thread_reads r ON r.user_id = ?1 AND r.thread_id = t.id "
		"LEFT JOIN board_reads br ON br.user_id = ?1 AND br.board_id = t.board_id "
		"WHERE t.id = ?2", args, 2, &thread_rows, 1, &q->rows, "read discussion");
	return err < 0 ? err : q->rows.n == 1 ? BBS_OK : BBS_ERR_NOTFOUND;
}

int store_thread_get(struct store *st, int64_t user_id, int64_t thread_id,
	struct store_thread *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	struct thread_q q = { .user_id = user_id, .thread_id = thread_id };
	int err = store_tx(st, false, thread_get_tx, &q);
	if (err < 0)
		return err;
	*out = *(struct store_thread *)q.rows.v;
	free(q.rows.v);
	return BBS_OK;
}

int store_thread_set_pinned(struct store *st, int64_t thread_id, bool pinned)
{
	return store_change_row(st, "UPDATE threads SET pinned = ?2 WHERE id = ?1", thread_id,
		pinned ? 1 : 0, NULL, "pin discussion");
}

int store_thread_set_locked(struct store *st, int64_t thread_id, bool locked)
{
	return store_change_row(st, "UPDATE threads SET locked = ?2 WHERE id = ?1", thread_id,
		locked ? 1 : 0, NULL, "lock discussion");
}

/* ---- posting ---- */

struct post_w {
	int64_t board_id;
	int64_t thread_id;
	int64_t post_id;     /* edit, delete; result of create and reply */
	int64_t user_id;
	int64_t quote_of;
	const char *title;   /* cleaned */
	const char *body;    /* cleaned */
	const char *token;
};

/*
 * Member U's effective read seq of discussion T (watermark and thread_reads together), for
 * use inside a transaction. Sets *read and *last_seq.
 */
static int read_seq_of(struct store *st, int64_t user_id, int64_t thread_id, int64_t *read)
{
	int64_t args[2] = { user_id, thread_id };
	*read = 0;
	int err = store_run_i64(st, "SELECT " READ_SEQ("coalesce(br.read_upto, 0)") " FROM threads t "
		"LEFT JOIN thread_reads r ON r.user_id = ?1 AND r.thread_id = t.id "
		"LEFT JOIN board_reads br ON br.user_id = ?1 AND br.board_id = t.board_id "
		"WHERE t.id = ?2", args, 2, read, "read state");
	if (err == 0)
		err = BBS_ERR_NOTFOUND;
	return err < 0 ? err : BBS_OK;
}

/* Sets member U's read seq of a discussion to at least seq (never lower). */
static int set_read(struct store *st, int64_t user_id, int64_t thread_id, int64_t seq)
{
	int64_t args[3] = { user_id, thread_id, seq };
	int err = store_run_i64(st, "INSERT INTO thread_reads (user_id, thread_id, last_read_seq) "
		"VALUES (?1, ?2, ?3) ON CONFLICT (user_id, thread_id) DO UPDATE SET "
		"last_read_seq = max(last_read_seq, excluded.last_read_seq)",
		args, 3, NULL, "mark read");
	return err < 0 ? err : BBS_OK;
}

/*
 * Inserts post seq of discussion w->thread_id by w->user_id with body w->body at time now and
 * makes it the discussion's latest post; sets w->post_id.
 */
static int insert_post(struct store *st, struct post_w *w, int64_t seq, int64_t now)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st,
		"INSERT INTO posts (thread_id, seq, author_id, body, created, quote_of, client_token) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &stmt);
	int64_t args[3] = { w->thread_id, seq, w->user_id };
	if (err < 0 || (err = store_bind_i64s(stmt, args, 3)) < 0
	    || (err = store_bind_text(stmt, 4, w->body)) < 0
	    || (err = store_bind_i64(stmt, 5, now)) < 0
	    || (w->quote_of && (err = store_bind_i64(stmt, 6, w->quote_of)) < 0)  /* else NULL */
	    || (err = store_bind_text(stmt, 7, w->token)) < 0
	    || (err = store_exec_stmt(st, stmt, "add post")) < 0)
		goto out;
	w->post_id = sqlite3_last_insert_rowid(st->db);

	int64_t targs[4] = { w->thread_id, seq, now, w->post_id };
	err = store_run_i64(st, "UPDATE threads SET posts = posts + 1, last_seq = ?2, "
		"last_post_at = max(last_post_at, ?3), last_post_id = ?4 WHERE id = ?1",
		targs, 4, NULL, "update discussion");
	if (err < 0)
		goto out;
	int64_t bargs[2] = { w->board_id, now };
	err = store_run_i64(st, "UPDATE boards SET last_post_at = max(last_post_at, ?2) WHERE id = ?1",
		bargs, 2, NULL, "update board");
	if (err < 0)
		goto out;
	err = store_search_sync(st, w->post_id, false);
out:
	sqlite3_finalize(stmt);
	return err;
}

/*
 * Finds what an earlier submission by w->user_id with client token w->token made (sql has
 * ?1 = user and ?2 = token, and gives ncols integer columns). Returns 1 and fills cols when
 * there is one, 0 when there is none, or a negative bbs_err.
 */
static int find_token(struct store *st, const char *sql, const struct post_w *w,
	int64_t *cols, int ncols, const char *what)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, sql, &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, w->user_id)) < 0
	    || (err = store_bind_text(stmt, 2, w->token)) < 0)
		goto out;
	if ((err = store_step_row(st, stmt, what)) < 0) {
		if (err == BBS_ERR_NOTFOUND)
			err = 0;
		goto out;
	}
	for (int i = 0; i < ncols; i++)
		cols[i] = sqlite3_column_int64(stmt, i);
	err = 1;
out:
	sqlite3_finalize(stmt);
	return err;
}

/* Starts discussion w (title, body, board, author; cleaned) in the caller's transaction. */
static int thread_insert(struct store *st, struct post_w *w)
{
	sqlite3_stmt *stmt = NULL;
	int64_t v = 0;
	int err = store_run_i64(st, "SELECT archived FROM boards WHERE id = ?1", &w->board_id, 1,
		&v, "read board");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;
	if (v)
		return BBS_ERR_DENIED;  /* an archived board takes no new discussions */

	int64_t now = bbs_now();
	err = store_prepare(st, "INSERT INTO threads (board_id, title, author_id, created, "
		"last_post_at, client_token) VALUES (?1, ?2, ?3, ?4, ?4, ?5)", &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, w->board_id)) < 0
	    || (err = store_bind_text(stmt, 2, w->title)) < 0
	    || (err = store_bind_i64(stmt, 3, w->user_id)) < 0
	    || (err = store_bind_i64(stmt, 4, now)) < 0
	    || (err = store_bind_text(stmt, 5, w->token)) < 0
	    || (err = store_exec_stmt(st, stmt, "add discussion")) < 0)
		goto out;
	w->thread_id = sqlite3_last_insert_rowid(st->db);
	/* The token marks the discussion; its first post does not carry it too. */
	const char *token = w->token;
	w->token = NULL;
	err = insert_post(st, w, 1, now);
	w->token = token;
	if (err < 0)
		goto out;
	err = store_run_i64(st, "UPDATE boards SET threads = threads + 1 WHERE id = ?1",
		&w->board_id, 1, NULL, "update board");
	if (err < 0)
		goto out;
	err = set_read(st, w->user_id, w->thread_id, 1);
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_thread_insert(struct store *st, int64_t board_id, int64_t author_id, const char *title,
	const char *body, int64_t *thread_id, int64_t *post_id)
{
	struct post_w w = { .board_id = board_id, .user_id = author_id, .title = title,
		.body = body };
	int err = thread_insert(st, &w);
	if (err >= 0) {
		if (thread_id)
			*thread_id = w.thread_id;
		if (post_id)
			*post_id = w.post_id;
	}
	return err;
}

static int thread_create_tx(struct store *st, void *ctx)
{
	struct post_w *w = ctx;

	if (w->token) {
		/* The same submission again (a retry after a dropped link): the first result. */
		int64_t c[3];
		int err = find_token(st, "SELECT t.id, t.board_id, p.id FROM threads t "
			"JOIN posts p ON p.thread_id = t.id AND p.seq = 1 "
			"WHERE t.author_id = ?1 AND t.client_token = ?2", w, c, 3,
			"find discussion by token");
		if (err == 1) {
			w->thread_id = c[0];
			w->post_id = c[2];
			/* A token reused for a different board is a caller bug, not a retry. */
			err = c[1] == w->board_id ? 1 : BBS_ERR_EXISTS;
		}
		if (err != 0)
			return err;
	}
	/* A silenced member starts nothing until the silence ends (schema 5). */
	int err = store_check_silenced(st, w->user_id);
	if (err < 0)
		return err;
	return thread_insert(st, w);
}

int store_thread_create(struct store *st, int64_t board_id, int64_t author_id, const char *title,
	const char *body, const char *client_token, int64_t *thread_id, int64_t *post_id)
{
	char *ctitle = NULL, *cbody = NULL;
	int err;

	if (thread_id)
		*thread_id = 0;
	if (post_id)
		*post_id = 0;
	if (!store_client_token_ok(client_token))
		return BBS_ERR_INVALID;
	/* Size first: an oversized title is TOOBIG even if the body is empty. */
	if ((title && strnlen(title, STORE_TITLE_MAX + 1) > STORE_TITLE_MAX)
	    || (body && strnlen(body, STORE_POST_MAX + 1) > STORE_POST_MAX))
		return BBS_ERR_TOOBIG;
	if ((err = store_clean_text(title, STORE_TITLE_MAX, false, &ctitle)) < 0
	    || (err = store_clean_text(body, STORE_POST_MAX, true, &cbody)) < 0)
		goto out;
	struct post_w w = { .board_id = board_id, .user_id = author_id, .title = ctitle,
		.body = cbody, .token = client_token };
	err = store_tx(st, true, thread_create_tx, &w);
	if (err < 0)
		goto out;
	err = BBS_OK;
	if (thread_id)
		*thread_id = w.thread_id;
	if (post_id)
		*post_id = w.post_id;
out:
	free(ctitle);
	free(cbody);
	return err;
}

static int post_reply_tx(struct store *st, void *ctx)
{
	struct post_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	int err;

	if (w->token) {
		int64_t c[2];
		err = find_token(st, "SELECT id, thread_id FROM posts "
			"WHERE author_id = ?1 AND client_token = ?2", w, c, 2, "find post by token");
		if (err == 1) {
			w->post_id = c[0];
			err = c[1] == w->thread_id ? 1 : BBS_ERR_EXISTS;
		}
		if (err != 0)
			return err;
	}
	if ((err = store_check_silenced(st, w->user_id)) < 0)
		return err;

	err = store_prepare(st, "SELECT t.board_id, t.last_seq, t.locked, b.archived "
		"FROM threads t JOIN boards b ON b.id = t.board_id WHERE t.id = ?1", &stmt);
	if (err < 0 || (err = store_bind_i64s(stmt, &w->thread_id, 1)) < 0
	    || (err = store_step_row(st, stmt, "read discussion")) < 0)
		goto out;
	w->board_id = sqlite3_column_int64(stmt, 0);
	int64_t last_seq = sqlite3_column_int64(stmt, 1);
	if (sqlite3_column_int(stmt, 2) || sqlite3_column_int(stmt, 3)) {
		err = BBS_ERR_DENIED;  /* locked, or in an archived board */
		goto out;
	}
	if (w->quote_of) {
		int64_t qthread = 0;
		err = store_run_i64(st, "SELECT thread_id FROM posts WHERE id = ?1", &w->quote_of, 1,
			&qthread, "read quoted post");
		if (err < 0)
			goto out;
		if (err == 0 || qthread != w->thread_id) {
			err = BBS_ERR_INVALID;
			goto out;
		}
	}
	/* Whether the author had read everything before this reply (the FK check on author_id
	 * comes with the insert). */
	int64_t read = 0;
	if ((err = read_seq_of(st, w->user_id, w->thread_id, &read)) < 0)
		goto out;
	if ((err = insert_post(st, w, last_seq + 1, bbs_now())) < 0)
		goto out;
	/*
	 * The author has read their own reply. When posts by others arrived while they were
	 * writing (read < last_seq), their read state stays where it was: moving it past their
	 * reply would hide those posts from them.
	 */
	if (read >= last_seq)
		err = set_read(st, w->user_id, w->thread_id, last_seq + 1);
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_post_reply(struct store *st, int64_t thread_id, int64_t author_id, const char *body,
	int64_t quote_of, const char *client_token, int64_t *post_id)
{
	char *cbody = NULL;
	int err;

	if (post_id)
		*post_id = 0;
	if (!store_client_token_ok(client_token) || quote_of < 0)
		return BBS_ERR_INVALID;
	if ((err = store_clean_text(body, STORE_POST_MAX, true, &cbody)) < 0)
		return err;
	struct post_w w = { .thread_id = thread_id, .user_id = author_id, .body = cbody,
		.quote_of = quote_of, .token = client_token };
	err = store_tx(st, true, post_reply_tx, &w);
	free(cbody);
	if (err < 0)
		return err;
	if (post_id)
		*post_id = w.post_id;
	return BBS_OK;
}

/*
 * Checks that member w->user_id may change post w->post_id. Returns 0 (allowed; *old is the
 * current body and *since the time it was written), 1 (already deleted) or a negative bbs_err.
 */
static int post_owned(struct store *st, struct post_w *w, char **old, int64_t *since)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT author_id, deleted, body, "
		"CASE WHEN edited > 0 THEN edited ELSE created END FROM posts WHERE id = ?1", &stmt);
	*old = NULL;
	if (err < 0 || (err = store_bind_i64s(stmt, &w->post_id, 1)) < 0
	    || (err = store_step_row(st, stmt, "read post")) < 0)
		goto out;
	if (sqlite3_column_int64(stmt, 0) != w->user_id) {
		err = BBS_ERR_DENIED;
		goto out;
	}
	if (sqlite3_column_int(stmt, 1)) {
		err = 1;
		goto out;
	}
	*old = store_col_text(stmt, 2);
	*since = sqlite3_column_int64(stmt, 3);
out:
	sqlite3_finalize(stmt);
	return err;
}

/* Keeps body (written at since) as an earlier version of post id. */
static int keep_version(struct store *st, int64_t id, const char *body, int64_t since)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "INSERT INTO post_versions (post_id, body, created) "
		"VALUES (?1, ?2, ?3)", &stmt);
	if (err >= 0 && (err = store_bind_i64(stmt, 1, id)) >= 0
	    && (err = store_bind_text(stmt, 2, body)) >= 0
	    && (err = store_bind_i64(stmt, 3, since)) >= 0)
		err = store_exec_stmt(st, stmt, "keep post version");
	sqlite3_finalize(stmt);
	return err;
}

static int post_edit_tx(struct store *st, void *ctx)
{
	struct post_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *old = NULL;
	int64_t since = 0;
	int err = post_owned(st, w, &old, &since);
	if (err == 1)
		err = BBS_ERR_DENIED;  /* a deleted post cannot be edited back to life */
	if (err < 0)
		goto out;
	if (strcmp(old, w->body) == 0)
		goto out;  /* the same text again (a retry): nothing to record */
	if ((err = keep_version(st, w->post_id, old, since)) < 0
	    || (err = store_search_sync(st, w->post_id, true)) < 0)
		goto out;
	if ((err = store_prepare(st, "UPDATE posts SET body = ?2, edited = ?3 WHERE id = ?1",
		     &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, w->post_id)) < 0
	    || (err = store_bind_text(stmt, 2, w->body)) < 0
	    || (err = store_bind_i64(stmt, 3, bbs_now())) < 0
	    || (err = store_exec_stmt(st, stmt, "edit post")) < 0)
		goto out;
	err = store_search_sync(st, w->post_id, false);
out:
	sqlite3_finalize(stmt);
	free(old);
	return err;
}

int store_post_edit(struct store *st, int64_t post_id, int64_t user_id, const char *body)
{
	char *cbody = NULL;
	int err = store_clean_text(body, STORE_POST_MAX, true, &cbody);
	if (err < 0)
		return err;
	struct post_w w = { .post_id = post_id, .user_id = user_id, .body = cbody };
	err = store_tx(st, true, post_edit_tx, &w);
	free(cbody);
	return err < 0 ? err : BBS_OK;
}

static int post_delete_tx(struct store *st, void *ctx)
{
	struct post_w *w = ctx;
	char *old = NULL;
	int64_t since = 0;
	int err = post_owned(st, w, &old, &since);
	if (err == 1)
		return BBS_OK;  /* already deleted: a retry, nothing to do */
	if (err < 0)
		goto out;
	/* The text is kept as a version (the record); the post itself no longer holds it. */
	if ((err = keep_version(st, w->post_id, old, since)) < 0
	    || (err = store_search_sync(st, w->post_id, true)) < 0)
		goto out;
	err = store_run_i64(st, "UPDATE posts SET deleted = 1, body = '' WHERE id = ?1", &w->post_id, 1,
		NULL, "delete post");
out:
	free(old);
	return err;
}

int store_post_delete(struct store *st, int64_t post_id, int64_t user_id)
{
	struct post_w w = { .post_id = post_id, .user_id = user_id };
	return store_write(st, post_delete_tx, &w);
}

/* ---- reading posts ---- */

void store_post_finish(struct store_post *p)
{
	if (!p)
		return;
	free(p->author_handle);
	free(p->author_name);
	free(p->author_org);
	free(p->author_sector);
	free(p->body);
	free(p->hidden_reason);
	memset(p, 0, sizeof *p);
}

#define POST_SELECT \
	"SELECT p.id, p.thread_id, p.seq, p.author_id, " STORE_AUTHOR("u") ", u.display_name, " \
	"u.organisation, u.sector, CASE WHEN p.deleted = 0 THEN p.body ELSE '' END, p.created, " \
	"p.edited, p.deleted, coalesce(p.quote_of, 0), p.hidden, p.hidden_reason, p.hidden_at " \
	"FROM posts p JOIN users u ON u.id = p.author_id "

static void read_post(sqlite3_stmt *stmt, void *elem)
{
	struct store_post *p = elem;
	p->id = sqlite3_column_int64(stmt, 0);
	p->thread_id = sqlite3_column_int64(stmt, 1);
	p->seq = sqlite3_column_int64(stmt, 2);
	p->author_id = sqlite3_column_int64(stmt, 3);
	p->author_handle = store_col_text(stmt, 4);
	p->author_name = store_col_text(stmt, 5);
	p->author_org = store_col_text(stmt, 6);
	p->author_sector = store_col_text(stmt, 7);
	p->body = store_col_text(stmt, 8);
	p->created = sqlite3_column_int64(stmt, 9);
	p->edited = sqlite3_column_int64(stmt, 10);
	p->deleted = sqlite3_column_int(stmt, 11) != 0;
	p->quote_of = sqlite3_column_int64(stmt, 12);
	p->hidden = sqlite3_column_int(stmt, 13) != 0;
	p->hidden_reason = store_col_text(stmt, 14);
	p->hidden_at = sqlite3_column_int64(stmt, 15);
}

STORE_ROW_LIST_FINISH(post, read_post)

struct post_q {
	int64_t id;       /* thread for a range, post for get and versions */
	int64_t from;
	int64_t limit;
	struct store_rows rows;  /* of struct store_post (of struct version for versions) */
};

static int post_range_tx(struct store *st, void *ctx)
{
	struct post_q *q = ctx;
	int err = store_run_i64(st, "SELECT 1 FROM threads WHERE id = ?1", &q->id, 1, NULL,
		"read discussion");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;
	int64_t args[3] = { q->id, q->from, q->limit };
	return store_select(st, POST_SELECT "WHERE p.thread_id = ?1 AND p.seq >= ?2 "
		"ORDER BY p.seq LIMIT ?3", args, 3, &post_rows, (size_t)q->limit, &q->rows,
		"read posts");
}

int store_post_range(struct store *st, int64_t thread_id, int64_t from_seq, int64_t limit,
	struct store_post **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (limit < 1)
		return BBS_ERR_INVALID;
	struct post_q q = { .id = thread_id, .from = from_seq < 1 ? 1 : from_seq,
		.limit = limit > STORE_PAGE_MAX ? STORE_PAGE_MAX : limit };
	int err = store_tx(st, false, post_range_tx, &q);
	if (err < 0)
		return err;
	*v = q.rows.v;
	*n = q.rows.n;
	return BBS_OK;
}

static int post_get_tx(struct store *st, void *ctx)
{
	struct post_q *q = ctx;
	int err = store_select(st, POST_SELECT "WHERE p.id = ?1", &q->id, 1, &post_rows, 1,
		&q->rows, "read post");
	return err < 0 ? err : q->rows.n == 1 ? BBS_OK : BBS_ERR_NOTFOUND;
}

int store_post_get(struct store *st, int64_t post_id, struct store_post *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	struct post_q q = { .id = post_id };
	int err = store_tx(st, false, post_get_tx, &q);
	if (err < 0)
		return err;
	*out = *(struct store_post *)q.rows.v;
	free(q.rows.v);
	return BBS_OK;
}

/* An earlier version of a post: its text and when it was written. */
struct version {
	char *body;
	int64_t time;
};

static void read_version(sqlite3_stmt *stmt, void *elem)
{
	struct version *ver = elem;
	ver->body = store_col_text(stmt, 0);
	ver->time = sqlite3_column_int64(stmt, 1);
}

static void version_finish(void *elem)
{
	free(((struct version *)elem)->body);
}

static const struct store_row_type version_rows = {
	sizeof(struct version), read_version, version_finish
};

void store_post_versions_free(char **bodies, int64_t *times, size_t n)
{
	if (bodies)
		for (size_t i = 0; i < n; i++)
			free(bodies[i]);
	free(bodies);
	free(times);
}

static int post_versions_tx(struct store *st, void *ctx)
{
	struct post_q *q = ctx;
	int err = store_run_i64(st, "SELECT 1 FROM posts WHERE id = ?1", &q->id, 1, NULL, "read post");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;
	return store_select(st, "SELECT body, created FROM post_versions WHERE post_id = ?1 "
		"ORDER BY id LIMIT 1000", &q->id, 1, &version_rows, STORE_ROWS_ALL, &q->rows,
		"read post versions");
}

int store_post_versions(struct store *st, int64_t post_id, char ***bodies, int64_t **times,
	size_t *n)
{
	if (!bodies || !times || !n)
		return BBS_ERR_INVALID;
	*bodies = NULL;
	*times = NULL;
	*n = 0;
	struct post_q q = { .id = post_id };
	int err = store_tx(st, false, post_versions_tx, &q);
	if (err < 0)
		return err;
	/* The API keeps bodies and times in two arrays. */
	struct version *ver = q.rows.v;
	if (q.rows.n > 0) {
		*bodies = xcalloc(q.rows.n, sizeof **bodies);
		*times = xcalloc(q.rows.n, sizeof **times);
	}
	for (size_t i = 0; i < q.rows.n; i++) {
		(*bodies)[i] = ver[i].body;
		(*times)[i] = ver[i].time;
	}
	*n = q.rows.n;
	free(ver);
	return BBS_OK;
}

/* ---- read state ---- */

struct mark_q {
	int64_t user_id;
	int64_t id;        /* thread or board */
	int64_t seq;
	int64_t read;      /* result of the check */
	int64_t last_seq;
};

static int read_check_tx(struct store *st, void *ctx)
{
	struct mark_q *q = ctx;
	int err = store_run_i64(st, "SELECT last_seq FROM threads WHERE id = ?1", &q->id, 1,
		&q->last_seq, "read discussion");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;
	return read_seq_of(st, q->user_id, q->id, &q->read);
}

static int mark_read_tx(struct store *st, void *ctx)
{
	struct mark_q *q = ctx;
	int err = read_check_tx(st, q);
	if (err < 0 || q->read >= q->seq)
		return err;
	return set_read(st, q->user_id, q->id, q->seq < q->last_seq ? q->seq : q->last_seq);
}

int store_thread_mark_read(struct store *st, int64_t user_id, int64_t thread_id, int64_t seq)
{
	if (seq < 0)
		return BBS_ERR_INVALID;
	struct mark_q q = { .user_id = user_id, .id = thread_id, .seq = seq };
	/* The UI calls this as posts scroll past: most calls change nothing, so look first
	 * without taking the write lock (and without a commit to sync). */
	int err = store_tx(st, false, read_check_tx, &q);
	if (err < 0)
		return err;
	if (q.read >= seq || q.read >= q.last_seq)
		return BBS_OK;
	return store_write(st, mark_read_tx, &q);
}

/* Moves member U's watermark for a board to its newest post; the thread_reads rows it now
 * covers are dropped (every discussion of the board is at or below it). */
static int mark_board(struct store *st, int64_t user_id, int64_t board_id)
{
	int64_t upto = 0;
	int err = store_run_i64(st, "SELECT coalesce(max(last_post_id), 0) FROM threads "
		"WHERE board_id = ?1", &board_id, 1, &upto, "read board");
	if (err < 0)
		return err;
	int64_t args[3] = { user_id, board_id, upto };
	err = store_run_i64(st, "INSERT INTO board_reads (user_id, board_id, read_upto) "
		"VALUES (?1, ?2, ?3) ON CONFLICT (user_id, board_id) DO UPDATE SET "
		"read_upto = max(read_upto, excluded.read_upto)", args, 3, NULL, "mark board read");
	if (err < 0)
		return err;
	err = store_run_i64(st, "DELETE FROM thread_reads WHERE user_id = ?1 AND thread_id IN ("
		"SELECT r.thread_id FROM thread_reads r CROSS JOIN threads t ON t.id = r.thread_id "
		"WHERE r.user_id = ?1 AND t.board_id = ?2 AND t.last_post_id <= ?3)",
		args, 3, NULL, "drop covered read state");
	return err < 0 ? err : BBS_OK;
}

static int board_mark_read_tx(struct store *st, void *ctx)
{
	struct mark_q *q = ctx;
	int err = store_run_i64(st, "SELECT 1 FROM boards WHERE id = ?1", &q->id, 1, NULL, "read board");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;
	return mark_board(st, q->user_id, q->id);
}

int store_board_mark_read(struct store *st, int64_t user_id, int64_t board_id)
{
	struct mark_q q = { .user_id = user_id, .id = board_id };
	return store_write(st, board_mark_read_tx, &q);
}

static void read_id(sqlite3_stmt *stmt, void *elem)
{
	*(int64_t *)elem = sqlite3_column_int64(stmt, 0);
}

static const struct store_row_type id_rows = { sizeof(int64_t), read_id, NULL };

static int mark_all_read_tx(struct store *st, void *ctx)
{
	struct mark_q *q = ctx;
	struct store_rows ids = { 0 };
	int err = store_select(st, "SELECT id FROM boards ORDER BY id", NULL, 0, &id_rows,
		STORE_ROWS_ALL, &ids, "list boards");
	for (size_t i = 0; i < ids.n && err >= 0; i++)
		err = mark_board(st, q->user_id, ((int64_t *)ids.v)[i]);
	store_rows_free(&id_rows, &ids);
	return err;
}

int store_mark_all_read(struct store *st, int64_t user_id)
{
	struct mark_q q = { .user_id = user_id };
	return store_write(st, mark_all_read_tx, &q);
}

int store_unread_total(struct store *st, int64_t user_id, int64_t *count)
{
	if (!count)
		return BBS_ERR_INVALID;
	*count = 0;
	struct board_list l = { .user_id = user_id, .area_id = -1 };
	int err = store_tx(st, false, board_list_tx, &l);
	if (err < 0)
		return err;
	struct board_row *r = l.rows.v;
	int64_t sum = 0;
	for (size_t i = 0; i < l.rows.n; i++)
		sum += r[i].b.unread;
	store_rows_free(&board_rows, &l.rows);
	*count = sum;
	return BBS_OK;
}

struct next_q {
	int64_t user_id;
	int64_t thread_id;
	int64_t seq;
};

static int next_unread_tx(struct store *st, void *ctx)
{
	struct next_q *q = ctx;
	struct board_list l = { .user_id = q->user_id, .area_id = -1 };
	sqlite3_stmt *stmt = NULL;
	int64_t best = 0;
	int err = board_list_tx(st, &l);
	if (err < 0)
		return err;
	/* Per board, the unread discussion whose newest post is oldest (the activity index from
	 * the watermark on, skipping discussions read since); the oldest over all boards wins. */
	err = store_prepare(st, "SELECT t.id, t.last_post_id, " READ_SEQ("?3") " FROM threads t "
		"LEFT JOIN thread_reads r ON r.user_id = ?1 AND r.thread_id = t.id "
		"WHERE t.board_id = ?2 AND t.last_post_id > ?3 "
		"AND coalesce(r.last_read_seq, 0) < t.last_seq "
		"ORDER BY t.last_post_id LIMIT 1", &stmt);
	struct board_row *r = l.rows.v;
	for (size_t i = 0; i < l.rows.n && err >= 0; i++) {
		if (r[i].b.unread == 0)
			continue;
		int64_t args[3] = { q->user_id, r[i].b.id, r[i].upto };
		sqlite3_reset(stmt);
		if ((err = store_bind_i64s(stmt, args, 3)) < 0)
			break;
		int rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			int64_t last = sqlite3_column_int64(stmt, 1);
			if (best == 0 || last < best) {
				best = last;
				q->thread_id = sqlite3_column_int64(stmt, 0);
				q->seq = sqlite3_column_int64(stmt, 2) + 1;
			}
		} else if (rc != SQLITE_DONE) {
			err = store_rc(st, rc, "find next unread");
		}
	}
	sqlite3_finalize(stmt);
	store_rows_free(&board_rows, &l.rows);
	if (err >= 0 && best == 0)
		err = BBS_ERR_NOTFOUND;
	return err;
}

int store_next_unread(struct store *st, int64_t user_id, int64_t *thread_id, int64_t *seq)
{
	if (!thread_id || !seq)
		return BBS_ERR_INVALID;
	*thread_id = 0;
	*seq = 0;
	struct next_q q = { .user_id = user_id };
	int err = store_tx(st, false, next_unread_tx, &q);
	if (err < 0)
		return err;
	*thread_id = q.thread_id;
	*seq = q.seq;
	return BBS_OK;
}
