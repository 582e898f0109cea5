/*
 * store-search.c: full-text search over posts and discussion titles (FTS5), and drafts.
 *
 * A member's search words are never handed to FTS5 as query syntax: the store splits them
 * at white space and quotes each one as an FTS5 string (a phrase of its tokens), so quotes,
 * operators (AND, OR, NOT, NEAR), column filters, '*', '^', '-' and parentheses are only
 * text. Drafts hold what a member is writing, saved every few seconds by the editor.
 *
 * Must never: build an FTS5 query from member input except through store_fts_query(),
 * return a deleted post from a search, or store a draft that has not been through
 * text_sanitize.
 */
#include "store/private.h"

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

#define SEARCH_LIMIT_MAX 200
/* bm25 is computed for every candidate, so ranking all matches of a common word in a
 * million posts would take about a second: only the most recent matches are ranked. */
#define SEARCH_RANK_WINDOW 5000
/* A prefix query makes FTS5 merge the whole posting lists of every word with that prefix
 * before the first row (0.5 s for "the*" over a million posts), so the last word is only
 * tried as a prefix when the words as typed find too little, and when it is this long. */
#define SEARCH_PREFIX_MIN 3
#define SNIPPET_TOKENS 16
/* Drafts: context strings are short and machine-made. */
#define DRAFT_CONTEXT_MAX 64

/* ---- search ---- */

static void hit_finish(void *elem)
{
	struct store_hit *h = elem;
	free(h->thread_title);
	free(h->author_handle);
	free(h->snippet);
}

static void read_hit(sqlite3_stmt *stmt, void *elem)
{
	struct store_hit *h = elem;
	h->post_id = sqlite3_column_int64(stmt, 0);
	h->thread_id = sqlite3_column_int64(stmt, 1);
	h->seq = sqlite3_column_int64(stmt, 2);
	h->thread_title = store_col_text(stmt, 3);
	h->author_handle = store_col_text(stmt, 4);
	/* The body is clean multi-line text; the snippet is shown on one line. A match in the
	 * title only gives an empty body snippet: show the start of the title then. */
	const unsigned char *snip = sqlite3_column_text(stmt, 5);
	const char *text = snip && *snip ? (const char *)snip : h->thread_title;
	h->snippet = text_sanitize(text, strlen(text), 0);
	h->created = sqlite3_column_int64(stmt, 6);
}

STORE_ROW_LIST(hit, read_hit, hit_finish)

/* A byte that can be part of a word for the unicode61 tokenizer: ASCII letters and digits,
 * and any non-ASCII byte (letters of other scripts; a punctuation-only non-ASCII chunk
 * becomes an empty phrase, which FTS5 ignores in an AND). */
static bool word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| c >= 0x80;
}

/*
 * Turns clean, one-line member text into an FTS5 query: every white-space separated chunk
 * that has a word character becomes "chunk" with its double quotes doubled; with prefix the
 * last one is followed by * (a prefix query); chunks are joined by spaces (implicit AND).
 * Returns a heap string, or NULL when there are no words. A chunk of k bytes and its
 * separator give at most 2k + 2 bytes, so the output is at most 2 * len + 4 bytes (with the
 * '*' and the NUL).
 */
char *store_fts_query(const char *s, bool prefix)
{
	size_t len = strlen(s), cap = 3 * len + 8, o = 0;
	char *q = xmalloc(cap);
	size_t last_close = 0;
	bool any = false;

	for (size_t i = 0; i < len;) {
		while (i < len && s[i] == ' ')
			i++;
		size_t start = i;
		bool has_word = false;
		while (i < len && s[i] != ' ') {
			has_word = has_word || word_byte((unsigned char)s[i]);
			i++;
		}
		if (!has_word)
			continue;
		if (any)
			q[o++] = ' ';
		q[o++] = '"';
		for (size_t j = start; j < i; j++) {
			if (s[j] == '"')
				q[o++] = '"';
			q[o++] = s[j];
		}
		q[o++] = '"';
		last_close = o;
		any = true;
	}
	if (!any) {
		free(q);
		return NULL;
	}
	if (prefix) {
		memmove(q + last_close + 1, q + last_close, o - last_close);
		q[last_close] = '*';
		o++;
	}
	q[o] = '\0';
	return q;
}

struct search_q {
	const char *match;
	int64_t limit;
	struct store_rows rows;  /* of struct store_hit */
};

static int search_tx(struct store *st, void *ctx)
{
	struct search_q *q = ctx;
	sqlite3_stmt *stmt = NULL;
	int64_t floor = 0;
	int err;

	/* The rowid (post id) of the SEARCH_RANK_WINDOW-th most recent match: walking the
	 * match in rowid order computes no rank and stops there. */
	if ((err = store_prepare(st, "SELECT rowid FROM post_search WHERE post_search MATCH ?1 "
			"ORDER BY rowid DESC LIMIT 1 OFFSET ?2", &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, q->match)) < 0
	    || (err = store_bind_i64(stmt, 2, SEARCH_RANK_WINDOW - 1)) < 0)
		goto out;
	err = store_step_row(st, stmt, "search");
	if (err == BBS_OK)
		floor = sqlite3_column_int64(stmt, 0);
	else if (err != BBS_ERR_NOTFOUND)
		goto out;
	sqlite3_finalize(stmt);
	stmt = NULL;

	/*
	 * The inner query ranks inside FTS5 (ORDER BY rank with LIMIT lets FTS5 keep only the
	 * best rows) and makes snippets for those rows only; the outer joins add the rest.
	 * Deleted and hidden posts are not in the index; the WHERE says so again.
	 */
	err = store_prepare(st,
		"SELECT p.id, p.thread_id, p.seq, t.title, " STORE_AUTHOR("u") ", s.snip, p.created "
		"FROM (SELECT rowid AS id, rank AS r, snippet(post_search, 1, '', '', '...', "
		"?3) AS snip FROM post_search WHERE post_search MATCH ?1 AND rowid >= ?4 "
		"ORDER BY rank LIMIT ?2) s "
		"JOIN posts p ON p.id = s.id JOIN threads t ON t.id = p.thread_id "
		"JOIN users u ON u.id = p.author_id WHERE p.deleted = 0 AND p.hidden = 0 "
		"ORDER BY s.r, p.id", &stmt);
	if (err < 0 || (err = store_bind_text(stmt, 1, q->match)) < 0
	    || (err = store_bind_i64(stmt, 2, q->limit)) < 0
	    || (err = store_bind_i64(stmt, 3, SNIPPET_TOKENS)) < 0
	    || (err = store_bind_i64(stmt, 4, floor)) < 0)
		goto out;
	err = store_collect(st, stmt, &hit_rows, (size_t)q->limit, &q->rows, "search");
out:
	sqlite3_finalize(stmt);
	return err;
}

/* Bytes of word characters in the last white-space separated chunk of s. */
static size_t last_word_len(const char *s)
{
	size_t end = strlen(s), len = 0;
	while (end > 0 && s[end - 1] == ' ')
		end--;
	for (; end > 0 && s[end - 1] != ' '; end--)
		if (word_byte((unsigned char)s[end - 1]))
			len++;
	return len;
}

int store_search(struct store *st, int64_t user_id, const char *query, int64_t limit,
	struct store_hit **v, size_t *n)
{
	char *clean = NULL, *match = NULL;
	int err;

	(void)user_id;  /* every post is readable by every member for now */
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (!query || limit < 1)
		return BBS_ERR_INVALID;
	if ((err = store_clean(query, STORE_QUERY_MAX, 0, &clean)) < 0)
		return err;
	match = store_fts_query(clean, false);
	if (!match) {
		free(clean);
		return BBS_ERR_INVALID;
	}
	struct search_q q = { .match = match,
		.limit = limit > SEARCH_LIMIT_MAX ? SEARCH_LIMIT_MAX : limit };
	err = store_tx(st, false, search_tx, &q);
	free(match);
	if (err >= 0 && q.rows.n < (size_t)q.limit && last_word_len(clean) >= SEARCH_PREFIX_MIN) {
		/* Too few hits for the words as typed: the last one may be unfinished. The prefix
		 * query finds everything the exact one did, and more. */
		match = store_fts_query(clean, true);
		struct search_q pq = { .match = match, .limit = q.limit };
		err = store_tx(st, false, search_tx, &pq);
		free(match);
		if (err >= 0) {
			store_rows_free(&hit_rows, &q.rows);
			q = pq;
		}
	}
	free(clean);
	if (err < 0) {
		store_rows_free(&hit_rows, &q.rows);
		return err;
	}
	*v = q.rows.v;
	*n = q.rows.n;
	return BBS_OK;
}

/* ---- drafts ---- */

void store_draft_finish(struct store_draft *d)
{
	if (!d)
		return;
	free(d->context);
	free(d->title);
	free(d->body);
	memset(d, 0, sizeof *d);
}

/* Reads a run of 1..19 digits at *p and moves *p past it. */
static bool skip_number(const char **p)
{
	size_t n = 0;
	while ((*p)[n] >= '0' && (*p)[n] <= '9')
		n++;
	if (n == 0 || n > 19)
		return false;
	*p += n;
	return true;
}

/* "new:N", "reply:N", "reply:N:M", "edit:N", (schema 3) "challenge:QUESTION_ID" and
 * "challenge-edit:CHALLENGE_ID", (schema 4) "message:HANDLE" and "message-reply:MESSAGE_ID"
 * (N, M decimal ids; HANDLE as bbs_handle_valid). */
static bool context_valid(const char *c)
{
	static const char *const one_id[] = { "new:", "edit:", "challenge:", "challenge-edit:",
		"message-reply:" };
	if (!c || strnlen(c, DRAFT_CONTEXT_MAX + 1) > DRAFT_CONTEXT_MAX)
		return false;
	if (strncmp(c, "message:", 8) == 0)
		return bbs_handle_valid(c + 8);
	for (size_t i = 0; i < sizeof one_id / sizeof one_id[0]; i++) {
		size_t len = strlen(one_id[i]);
		if (strncmp(c, one_id[i], len) == 0) {
			c += len;
			return skip_number(&c) && *c == '\0';
		}
	}
	if (strncmp(c, "reply:", 6) == 0) {
		c += 6;
		if (!skip_number(&c))
			return false;
		if (*c == ':') {
			c++;
			if (!skip_number(&c))
				return false;
		}
		return *c == '\0';
	}
	return false;
}

struct draft_q {
	int64_t user_id;
	const char *context;  /* NULL: the latest */
	const char *title;
	const char *body;
	struct store_draft d;
};

static int draft_save_tx(struct store *st, void *ctx)
{
	struct draft_q *q = ctx;
	sqlite3_stmt *stmt = NULL;
	/* REPLACE (not an upsert) gives the row a new rowid: the newest save sorts last. */
	int err = store_prepare(st, "INSERT OR REPLACE INTO drafts (user_id, context, title, body, "
		"updated) VALUES (?1, ?2, ?3, ?4, ?5)", &stmt);
	if (err >= 0 && (err = store_bind_i64(stmt, 1, q->user_id)) >= 0
	    && (err = store_bind_text(stmt, 2, q->context)) >= 0
	    && (err = store_bind_text(stmt, 3, q->title)) >= 0
	    && (err = store_bind_text(stmt, 4, q->body)) >= 0
	    && (err = store_bind_i64(stmt, 5, bbs_now())) >= 0)
		err = store_exec_stmt(st, stmt, "save draft");
	sqlite3_finalize(stmt);
	return err;
}

int store_draft_save(struct store *st, int64_t user_id, const char *context, const char *title,
	const char *body)
{
	char *ctitle = NULL, *cbody = NULL;
	int err;

	if (!context_valid(context))
		return BBS_ERR_INVALID;
	/* A draft may be empty or half-written: cleaned, never trimmed or refused for that. */
	if ((err = store_clean(title, STORE_TITLE_MAX, 0, &ctitle)) < 0
	    || (err = store_clean(body, STORE_POST_MAX, TEXT_MULTILINE, &cbody)) < 0)
		goto out;
	struct draft_q q = { .user_id = user_id, .context = context, .title = ctitle,
		.body = cbody };
	err = store_tx(st, true, draft_save_tx, &q);
	if (err > 0)
		err = BBS_OK;
out:
	free(ctitle);
	free(cbody);
	return err;
}

static int draft_get_tx(struct store *st, void *ctx)
{
	struct draft_q *q = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, q->context
		? "SELECT context, title, body, updated FROM drafts WHERE user_id = ?1 "
		  "AND context = ?2"
		: "SELECT context, title, body, updated FROM drafts WHERE user_id = ?1 "
		  "ORDER BY updated DESC, rowid DESC LIMIT 1", &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, q->user_id)) < 0
	    || (q->context && (err = store_bind_text(stmt, 2, q->context)) < 0)
	    || (err = store_step_row(st, stmt, "read draft")) < 0)
		goto out;
	q->d.context = store_col_text(stmt, 0);
	q->d.title = store_col_text(stmt, 1);
	q->d.body = store_col_text(stmt, 2);
	q->d.updated = sqlite3_column_int64(stmt, 3);
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_draft_get(struct store *st, int64_t user_id, const char *context, struct store_draft *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	if (!context_valid(context))
		return BBS_ERR_NOTFOUND;
	struct draft_q q = { .user_id = user_id, .context = context };
	int err = store_tx(st, false, draft_get_tx, &q);
	if (err < 0)
		return err;
	*out = q.d;
	return BBS_OK;
}

int store_draft_latest(struct store *st, int64_t user_id, struct store_draft *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	struct draft_q q = { .user_id = user_id };
	int err = store_tx(st, false, draft_get_tx, &q);
	if (err < 0)
		return err;
	*out = q.d;
	return BBS_OK;
}

int store_draft_delete(struct store *st, int64_t user_id, const char *context)
{
	if (!context_valid(context))
		return BBS_ERR_NOTFOUND;
	return store_change_row(st, "DELETE FROM drafts WHERE user_id = ?1 AND context = ?3",
		user_id, 0, context, "delete draft");
}
