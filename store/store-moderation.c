/*
 * store-moderation.c: moderation of discussions (schema version 5): members' reports and
 * the moderators' queue, hiding and unhiding posts, reading posts as a viewer (hidden
 * bodies blanked for members), and locking, pinning and moving discussions.
 *
 * Every moderator action writes its public moderation record entry and its audit entry in
 * the same transaction as the change. A report keeps a snapshot of what was reported (a
 * one-line description and the first line of the text) so that the queue still makes sense
 * after the text is edited, hidden or deleted.
 *
 * Must never: show a hidden post's body to a member who is not a moderator through
 * store_post_range_for, keep a hidden post in the search index, tell a member anything
 * about a private message they did not receive, or store uncleaned text.
 */
#include "store/private.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_REASON_MAX (STORE_FIELD_MAX * 4)
#define REPORT_PAGE_MAX 1000

/* The first line of s, cut to STORE_FIELD_MAX bytes at a character boundary ("..." when
 * cut). s is clean text. */
static char *first_line(const char *s)
{
	size_t n = strcspn(s, "\n");
	bool cut = s[n] != '\0';
	if (n > STORE_FIELD_MAX - 3) {
		n = STORE_FIELD_MAX - 3;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		cut = true;
	}
	char *out = xmalloc(n + 4);
	memcpy(out, s, n);
	memcpy(out + n, cut ? "..." : "", cut ? 4 : 1);
	return out;
}

/* ---- reports ---- */

static void read_report(sqlite3_stmt *stmt, void *elem)
{
	struct store_report *r = elem;
	r->id = sqlite3_column_int64(stmt, 0);
	r->kind = sqlite3_column_int(stmt, 1);
	r->target_id = sqlite3_column_int64(stmt, 2);
	r->target = store_col_text(stmt, 3);
	r->excerpt = store_col_text(stmt, 4);
	r->reporter = store_col_text(stmt, 5);
	r->reason = store_col_text(stmt, 6);
	r->created = sqlite3_column_int64(stmt, 7);
	r->open = sqlite3_column_int(stmt, 8) != 0;
	r->resolution = store_col_text(stmt, 9);
}

static void report_finish(void *elem)
{
	struct store_report *r = elem;
	free(r->target);
	free(r->excerpt);
	free(r->reporter);
	free(r->reason);
	free(r->resolution);
}

STORE_ROW_LIST(report, read_report, report_finish)

struct report_w {
	int64_t actor_id;
	int kind;
	int64_t target_id;   /* resolve: the report */
	char *text;          /* reason or note, cleaned */
	int64_t id;
};

/* What is reported, as the reporter may see it: *target and *excerpt (heap strings), or
 * BBS_ERR_NOTFOUND (also for a message the reporter did not receive). */
static int report_subject(struct store *st, const struct report_w *w, char **target,
	char **excerpt)
{
	static const char *const sql[] = {
		[STORE_REPORT_POST] = "SELECT t.title, p.body FROM posts p "
			"JOIN threads t ON t.id = p.thread_id WHERE p.id = ?1 AND ?2 = ?2",
		[STORE_REPORT_CHALLENGE] = "SELECT c.title, CASE WHEN c.body = '' THEN c.title "
			"ELSE c.body END FROM challenges c WHERE c.id = ?1 AND ?2 = ?2",
		[STORE_REPORT_MESSAGE] = "SELECT " STORE_AUTHOR("u") ", m.body FROM messages m "
			"JOIN users u ON u.id = m.sender_id WHERE m.id = ?1 AND m.recipient_id = ?2 "
			"AND m.recipient_deleted = 0",
	};
	sqlite3_stmt *stmt = NULL;
	int64_t args[2] = { w->target_id, w->actor_id };
	*target = NULL;
	*excerpt = NULL;
	int err = store_prepare(st, sql[w->kind], &stmt);
	if (err >= 0 && (err = store_bind_i64s(stmt, args, 2)) >= 0
	    && (err = store_step_row(st, stmt, "read reported text")) >= 0) {
		const char *what = (const char *)sqlite3_column_text(stmt, 0);
		if (w->kind == STORE_REPORT_POST)
			*target = xasprintf("post %" PRId64 " in %s", w->target_id, what);
		else if (w->kind == STORE_REPORT_CHALLENGE)
			*target = xasprintf("challenge %" PRId64 ": %s", w->target_id, what);
		else
			*target = xasprintf("message %" PRId64 " from %s", w->target_id, what);
		*excerpt = first_line((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return err;
}

static int report_create_tx(struct store *st, void *ctx)
{
	struct report_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *target = NULL, *excerpt = NULL;
	int role = 0;
	int err = store_actor_role(st, w->actor_id, &role);
	if (err < 0)
		return err;
	if (w->actor_id <= 0 || role == 0)
		return BBS_ERR_DENIED;  /* only active members report */
	if ((err = report_subject(st, w, &target, &excerpt)) < 0)
		goto out;
	int64_t args[4] = { w->kind, w->target_id, w->actor_id, bbs_now() };
	if ((err = store_prepare(st, "INSERT INTO reports (kind, target_id, reporter_id, created, "
		     "target, excerpt, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &stmt)) < 0
	    || (err = store_bind_i64s(stmt, args, 4)) < 0
	    || (err = store_bind_text(stmt, 5, target)) < 0
	    || (err = store_bind_text(stmt, 6, excerpt)) < 0
	    || (err = store_bind_text(stmt, 7, w->text)) < 0
	    || (err = store_exec_stmt(st, stmt, "add report")) < 0)
		goto out;
	w->id = sqlite3_last_insert_rowid(st->db);
out:
	sqlite3_finalize(stmt);
	free(target);
	free(excerpt);
	return err;
}

int store_report_create(struct store *st, int64_t reporter_id, int kind, int64_t target_id,
	const char *reason, int64_t *id)
{
	struct report_w w = { .actor_id = reporter_id, .kind = kind, .target_id = target_id };
	if (id)
		*id = 0;
	if (!st || kind < STORE_REPORT_POST || kind > STORE_REPORT_MESSAGE)
		return BBS_ERR_INVALID;
	int err = store_clean_text(reason, REPORT_REASON_MAX, false, &w.text);
	if (err < 0)
		return err;
	if (target_id <= 0)
		err = BBS_ERR_NOTFOUND;
	else
		err = store_write(st, report_create_tx, &w);
	free(w.text);
	if (err >= 0 && id)
		*id = w.id;
	return err;
}

struct report_q {
	int64_t actor_id, open_only, offset, limit;
	struct store_rows rows;
};

static int report_list_tx(struct store *st, void *ctx)
{
	struct report_q *q = ctx;
	int err = store_require_moderator(st, q->actor_id, NULL);
	if (err < 0)
		return err;
	int64_t args[3] = { q->open_only, q->limit, q->offset };
	/* Open ones first, oldest first; then resolved ones, newest resolution first. */
	return store_select(st, "SELECT r.id, r.kind, r.target_id, r.target, r.excerpt, "
		"coalesce(" STORE_AUTHOR("u") ", ''), r.reason, r.created, r.resolved = 0, "
		"r.resolution "
		"FROM reports r LEFT JOIN users u ON u.id = r.reporter_id "
		"WHERE ?1 = 0 OR r.resolved = 0 "
		"ORDER BY r.resolved != 0, CASE WHEN r.resolved = 0 THEN r.created "
		"ELSE -r.resolved END, r.id LIMIT ?2 OFFSET ?3", args, 3, &report_rows,
		(size_t)q->limit, &q->rows, "list reports");
}

int store_report_list(struct store *st, int64_t actor_id, bool open_only, int64_t offset,
	int64_t limit, struct store_report **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (!st || offset < 0 || limit < 1)
		return BBS_ERR_INVALID;
	struct report_q q = { .actor_id = actor_id, .open_only = open_only, .offset = offset,
		.limit = limit > REPORT_PAGE_MAX ? REPORT_PAGE_MAX : limit };
	int err = store_tx(st, false, report_list_tx, &q);
	if (err < 0)
		return err;
	*v = q.rows.v;
	*n = q.rows.n;
	return BBS_OK;
}

static int report_resolve_tx(struct store *st, void *ctx)
{
	struct report_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *target = NULL;
	int err = store_require_moderator(st, w->actor_id, NULL);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, "SELECT target, resolved FROM reports WHERE id = ?1",
		     &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, w->target_id)) < 0
	    || (err = store_step_row(st, stmt, "read report")) < 0)
		goto out;
	if (sqlite3_column_int64(stmt, 1) != 0) {
		err = BBS_ERR_INVALID;  /* resolved already */
		goto out;
	}
	target = xasprintf("report %" PRId64 " (%s)", w->target_id,
		(const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	stmt = NULL;
	int64_t args[3] = { w->target_id, bbs_now(), w->actor_id };
	if ((err = store_prepare(st, "UPDATE reports SET resolved = ?2, resolved_by = nullif(?3, 0), "
		     "resolution = ?4 WHERE id = ?1", &stmt)) < 0
	    || (err = store_bind_i64s(stmt, args, 3)) < 0
	    || (err = store_bind_text(stmt, 4, w->text)) < 0
	    || (err = store_exec_stmt(st, stmt, "resolve report")) < 0)
		goto out;
	err = store_audit_add(st, w->actor_id, "report-resolve", target, w->text, NULL);
out:
	sqlite3_finalize(stmt);
	free(target);
	return err;
}

int store_report_resolve(struct store *st, int64_t actor_id, int64_t id, const char *note)
{
	struct report_w w = { .actor_id = actor_id, .target_id = id };
	if (!st)
		return BBS_ERR_INVALID;
	int err = store_clean_text(note, STORE_FIELD_MAX, false, &w.text);
	if (err < 0)
		return err;
	err = store_write(st, report_resolve_tx, &w);
	free(w.text);
	return err;
}

/* ---- hiding posts ---- */

struct mod_w {
	int64_t actor_id;
	int64_t id;          /* post or discussion */
	int64_t other;       /* move: the board */
	const char *reason;  /* cleaned; "" when none */
	bool on;
};

static int post_hide_tx(struct store *st, void *ctx)
{
	struct mod_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *record = NULL, *target = NULL, *old_reason = NULL;
	int role = 0;
	int err = store_require_moderator(st, w->actor_id, &role);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, "SELECT t.title, p.hidden, p.hidden_reason FROM posts p "
		     "JOIN threads t ON t.id = p.thread_id WHERE p.id = ?1", &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, w->id)) < 0
	    || (err = store_step_row(st, stmt, "read post")) < 0)
		goto out;
	record = xasprintf("post %" PRId64 " in %s", w->id,
		(const char *)sqlite3_column_text(stmt, 0));
	bool hidden = sqlite3_column_int(stmt, 1) != 0;
	old_reason = store_col_text(stmt, 2);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (!w->on && !hidden)
		goto out;  /* nothing to undo, nothing to record */
	if (w->on && hidden && strcmp(old_reason, w->reason) == 0)
		goto out;  /* the same again (a retry) */
	/* Out of the index while the view still shows its text; back in once it shows again. */
	if (w->on && !hidden && (err = store_search_sync(st, w->id, true)) < 0)
		goto out;
	int64_t args[4] = { w->id, w->on ? 1 : 0, w->on ? bbs_now() : 0, w->actor_id };
	if ((err = store_prepare(st, "UPDATE posts SET hidden = ?2, hidden_at = ?3, "
		     "hidden_by = CASE WHEN ?2 THEN nullif(?4, 0) END, hidden_reason = ?5 "
		     "WHERE id = ?1", &stmt)) < 0
	    || (err = store_bind_i64s(stmt, args, 4)) < 0
	    || (err = store_bind_text(stmt, 5, w->on ? w->reason : "")) < 0
	    || (err = store_exec_stmt(st, stmt, "hide post")) < 0)
		goto out;
	if (!w->on && (err = store_search_sync(st, w->id, false)) < 0)
		goto out;
	if ((err = store_modlog_add(st, w->actor_id, role, w->on ? "hidden" : "unhidden", record,
		     w->reason)) < 0)
		goto out;
	target = xasprintf("post %" PRId64, w->id);
	if (w->on && hidden)
		err = store_audit_addf(st, w->actor_id, "hide", target, "reason \"%s\" -> \"%s\"",
			old_reason, w->reason);
	else
		err = store_audit_add(st, w->actor_id, w->on ? "hide" : "unhide", target,
			w->on ? w->reason : old_reason, NULL);
out:
	sqlite3_finalize(stmt);
	free(record);
	free(target);
	free(old_reason);
	return err;
}

int store_post_hide(struct store *st, int64_t actor_id, int64_t post_id, const char *reason)
{
	char *clean = NULL;
	if (!st)
		return BBS_ERR_INVALID;
	int err = store_clean_text(reason, STORE_FIELD_MAX, false, &clean);
	if (err < 0)
		return err;
	struct mod_w w = { .actor_id = actor_id, .id = post_id, .on = true, .reason = clean };
	err = store_write(st, post_hide_tx, &w);
	free(clean);
	return err;
}

int store_post_unhide(struct store *st, int64_t actor_id, int64_t post_id)
{
	struct mod_w w = { .actor_id = actor_id, .id = post_id, .on = false, .reason = "" };
	if (!st)
		return BBS_ERR_INVALID;
	return store_write(st, post_hide_tx, &w);
}

struct viewer_q {
	int64_t viewer;
	int role;
};

static int viewer_role_tx(struct store *st, void *ctx)
{
	struct viewer_q *q = ctx;
	return store_actor_role(st, q->viewer, &q->role);
}

int store_post_range_for(struct store *st, int64_t viewer_id, int64_t thread_id,
	int64_t from_seq, int64_t limit, struct store_post **v, size_t *n)
{
	struct viewer_q q = { .viewer = viewer_id };
	if (v)
		*v = NULL;
	if (n)
		*n = 0;
	if (!st || !v || !n)
		return BBS_ERR_INVALID;
	/* The role first: a failure leaves nothing to blank. The console (0) reads everything;
	 * the public viewer (-1) reads as a member. */
	int err = store_tx(st, false, viewer_role_tx, &q);
	if (err < 0)
		return err;
	if ((err = store_post_range(st, thread_id, from_seq, limit, v, n)) < 0)
		return err;
	if (q.role >= STORE_ROLE_MODERATOR)
		return BBS_OK;
	for (size_t i = 0; i < *n; i++) {
		if (!(*v)[i].hidden)
			continue;
		free((*v)[i].body);
		(*v)[i].body = xstrdup("");
	}
	return BBS_OK;
}

/* ---- discussions ---- */

enum thread_op { OP_LOCK, OP_PIN, OP_MOVE };

struct thread_w {
	struct mod_w m;
	enum thread_op op;
};

/* Moves discussion id from board from to board to, keeping both boards' counters. */
static int move_thread(struct store *st, int64_t id, int64_t from, int64_t to)
{
	int64_t args[3] = { id, from, to };
	int err = store_run_i64(st, "UPDATE threads SET board_id = ?3 WHERE id = ?1 AND ?2 = ?2",
		args, 3, NULL, "move discussion");
	if (err >= 0)
		err = store_run_i64(st, "UPDATE boards SET threads = threads + 1, last_post_at = "
			"max(last_post_at, (SELECT last_post_at FROM threads WHERE id = ?1)) "
			"WHERE id = ?3 AND ?2 = ?2", args, 3, NULL, "move discussion");
	if (err >= 0)
		err = store_run_i64(st, "UPDATE boards SET threads = max(threads - 1, 0), "
			"last_post_at = coalesce((SELECT max(last_post_at) FROM threads "
			"WHERE board_id = ?2), 0) WHERE id = ?2 AND ?1 = ?1", args, 2, NULL,
			"move discussion");
	return err < 0 ? err : BBS_OK;
}

static int thread_mod_tx(struct store *st, void *ctx)
{
	struct thread_w *t = ctx;
	struct mod_w *w = &t->m;
	sqlite3_stmt *stmt = NULL;
	char *record = NULL, *target = NULL, *detail = NULL;
	int role = 0;
	int err = store_require_moderator(st, w->actor_id, &role);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, "SELECT t.title, t.locked, t.pinned, t.board_id, b.slug "
		     "FROM threads t JOIN boards b ON b.id = t.board_id WHERE t.id = ?1", &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, w->id)) < 0
	    || (err = store_step_row(st, stmt, "read discussion")) < 0)
		goto out;
	record = xasprintf("discussion %" PRId64 ": %s", w->id,
		(const char *)sqlite3_column_text(stmt, 0));
	target = xasprintf("discussion %" PRId64, w->id);
	bool locked = sqlite3_column_int(stmt, 1) != 0, pinned = sqlite3_column_int(stmt, 2) != 0;
	int64_t board = sqlite3_column_int64(stmt, 3);
	char *from_slug = store_col_text(stmt, 4);
	sqlite3_finalize(stmt);
	stmt = NULL;
	const char *action = NULL, *audit_action = NULL;
	int64_t args[2] = { w->id, w->on ? 1 : 0 };
	switch (t->op) {
	case OP_LOCK:
		if (locked == w->on)
			break;
		action = w->on ? "locked" : "unlocked";
		audit_action = w->on ? "thread-lock" : "thread-unlock";
		err = store_run_i64(st, "UPDATE threads SET locked = ?2 WHERE id = ?1", args, 2, NULL,
			"lock discussion");
		detail = xstrdup(w->reason);
		break;
	case OP_PIN:
		if (pinned == w->on)
			break;
		action = w->on ? "pinned" : "unpinned";
		audit_action = w->on ? "thread-pin" : "thread-unpin";
		err = store_run_i64(st, "UPDATE threads SET pinned = ?2 WHERE id = ?1", args, 2, NULL,
			"pin discussion");
		detail = xstrdup("");
		break;
	case OP_MOVE: {
		if (board == w->other)
			break;
		sqlite3_stmt *b = NULL;
		err = store_prepare(st, "SELECT slug, archived FROM boards WHERE id = ?1", &b);
		if (err >= 0 && (err = store_bind_i64(b, 1, w->other)) >= 0
		    && (err = store_step_row(st, b, "read board")) >= 0) {
			if (sqlite3_column_int(b, 1))
				err = BBS_ERR_DENIED;  /* an archived board takes no discussions */
			else
				detail = xasprintf("board %s -> %s", from_slug,
					(const char *)sqlite3_column_text(b, 0));
		}
		sqlite3_finalize(b);
		if (err >= 0)
			err = move_thread(st, w->id, board, w->other);
		action = "moved";
		audit_action = "thread-move";
		break;
	}
	}
	free(from_slug);
	if (err < 0 || !action)
		goto out;
	if ((err = store_modlog_add(st, w->actor_id, role, action, record, detail)) < 0)
		goto out;
	err = store_audit_add(st, w->actor_id, audit_action, target, detail, NULL);
out:
	sqlite3_finalize(stmt);
	free(record);
	free(target);
	free(detail);
	return err;
}

int store_mod_thread_lock(struct store *st, int64_t actor_id, int64_t thread_id, bool locked,
	const char *reason)
{
	char *clean = NULL;
	if (!st)
		return BBS_ERR_INVALID;
	int err = store_clean_optional(reason, STORE_FIELD_MAX, false, &clean);
	if (err < 0)
		return err;
	struct thread_w t = { .m = { .actor_id = actor_id, .id = thread_id, .on = locked,
		.reason = clean }, .op = OP_LOCK };
	err = store_write(st, thread_mod_tx, &t);
	free(clean);
	return err;
}

int store_mod_thread_pin(struct store *st, int64_t actor_id, int64_t thread_id, bool pinned)
{
	struct thread_w t = { .m = { .actor_id = actor_id, .id = thread_id, .on = pinned,
		.reason = "" }, .op = OP_PIN };
	if (!st)
		return BBS_ERR_INVALID;
	return store_write(st, thread_mod_tx, &t);
}

int store_mod_thread_move(struct store *st, int64_t actor_id, int64_t thread_id,
	int64_t board_id)
{
	struct thread_w t = { .m = { .actor_id = actor_id, .id = thread_id, .other = board_id,
		.reason = "" }, .op = OP_MOVE };
	if (!st)
		return BBS_ERR_INVALID;
	if (board_id <= 0)
		return BBS_ERR_NOTFOUND;
	return store_write(st, thread_mod_tx, &t);
}
