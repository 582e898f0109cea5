/*
 * store-message.c: private messages between members and blocking (schema version 4).
 *
 * A message is one row seen by two people: each party has their own deleted flag, so
 * deleting removes it from the viewer's folders only. A member who blocks another stops
 * their new messages (refused, BBS_ERR_DENIED, so the sender knows it did not arrive) and no
 * longer sees their earlier ones in the inbox or the unread count.
 *
 * Must never: show a message to anyone but its sender and recipient, deliver a message to a
 * member who is not active or who blocks the sender, store text that has not been through
 * text_sanitize, or create two messages for one client token.
 */
#include "store/private.h"

#include <stdlib.h>
#include <string.h>

#define MESSAGE_PAGE_MAX 500

void store_message_finish(struct store_message *m)
{
	if (!m)
		return;
	free(m->sender_handle);
	free(m->sender_name);
	free(m->recipient_handle);
	free(m->recipient_name);
	free(m->subject);
	free(m->body);
	memset(m, 0, sizeof *m);
}

static void read_message(sqlite3_stmt *stmt, void *elem)
{
	struct store_message *m = elem;
	m->id = sqlite3_column_int64(stmt, 0);
	m->sender_id = sqlite3_column_int64(stmt, 1);
	m->sender_handle = store_col_text(stmt, 2);
	m->sender_name = store_col_text(stmt, 3);
	m->recipient_id = sqlite3_column_int64(stmt, 4);
	m->recipient_handle = store_col_text(stmt, 5);
	m->recipient_name = store_col_text(stmt, 6);
	m->subject = store_col_text(stmt, 7);
	m->body = store_col_text(stmt, 8);
	m->created = sqlite3_column_int64(stmt, 9);
	m->read_at = sqlite3_column_int64(stmt, 10);
	m->reply_to = sqlite3_column_int64(stmt, 11);
}

STORE_ROW_LIST_FINISH(message, read_message)

#define MESSAGE_SELECT \
	"SELECT m.id, m.sender_id, " STORE_AUTHOR("s") ", s.display_name, m.recipient_id, " \
	STORE_AUTHOR("r") ", " \
	"r.display_name, m.subject, m.body, m.created, m.read_at, coalesce(m.reply_to, 0) " \
	"FROM messages m JOIN users s ON s.id = m.sender_id JOIN users r ON r.id = m.recipient_id "

/* A message ?2 that member ?1 may see: theirs, and not deleted by them. */
#define MESSAGE_VISIBLE \
	"((m.sender_id = ?1 AND m.sender_deleted = 0) " \
	"OR (m.recipient_id = ?1 AND m.recipient_deleted = 0)) "

/* ---- sending ---- */

struct send {
	int64_t sender_id;
	const char *recipient;
	char *subject, *body;
	int64_t reply_to;
	const char *token;
	int64_t id;
};

/* A message already sent with this token: 1 (sets s->id) when it went to the same member,
 * BBS_ERR_EXISTS when the token was used for someone else, 0 when it is new. */
static int token_lookup(struct store *st, struct send *s, int64_t recipient_id)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT id, recipient_id FROM messages "
		"WHERE sender_id = ?1 AND client_token = ?2", &stmt);
	if (err >= 0 && (err = store_bind_i64(stmt, 1, s->sender_id)) >= 0
	    && (err = store_bind_text(stmt, 2, s->token)) >= 0
	    && (err = store_step_row(st, stmt, "read message token")) >= 0) {
		if (sqlite3_column_int64(stmt, 1) == recipient_id) {
			s->id = sqlite3_column_int64(stmt, 0);
			err = 1;
		} else {
			err = BBS_ERR_EXISTS;
		}
	}
	sqlite3_finalize(stmt);
	return err == BBS_ERR_NOTFOUND ? 0 : err;
}

static int send_tx(struct store *st, void *ctx)
{
	struct send *s = ctx;
	sqlite3_stmt *stmt = NULL;
	int64_t recipient_id = 0, v = 0;

	/* The sender must be an active member too (a disabled account sends nothing). */
	int err = store_run_i64(st, "SELECT 1 FROM users WHERE id = ?1 AND status = 0",
		&s->sender_id, 1, NULL, "read sender");
	if (err == 0)
		err = BBS_ERR_NOTFOUND;
	if (err < 0 || (err = store_check_silenced(st, s->sender_id)) < 0)
		return err;
	if ((err = store_prepare(st, "SELECT id FROM users WHERE handle = ?1 AND status = 0",
		     &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, s->recipient)) < 0
	    || (err = store_step_row(st, stmt, "read recipient")) < 0)
		goto out;
	recipient_id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (recipient_id == s->sender_id) {
		err = BBS_ERR_INVALID;
		goto out;
	}
	/* A retry of a send that worked returns the first message, whatever changed since. */
	if (s->token && (err = token_lookup(st, s, recipient_id)) != 0) {
		if (err > 0)
			err = BBS_OK;
		goto out;
	}
	int64_t pair[2] = { recipient_id, s->sender_id };
	if ((err = store_run_i64(st, "SELECT 1 FROM blocks WHERE user_id = ?1 AND blocked_id = ?2",
		     pair, 2, NULL, "read blocks")) < 0)
		goto out;
	if (err == 1) {
		err = BBS_ERR_DENIED;
		goto out;
	}
	if (s->reply_to) {
		int64_t args[2] = { s->sender_id, s->reply_to };
		if ((err = store_run_i64(st, "SELECT 1 FROM messages m WHERE m.id = ?2 AND "
			     MESSAGE_VISIBLE, args, 2, &v, "read replied message")) < 0)
			goto out;
		if (err == 0) {
			err = BBS_ERR_INVALID;
			goto out;
		}
	}
	int64_t args[4] = { s->sender_id, recipient_id, bbs_now(), s->reply_to };
	if ((err = store_prepare(st, "INSERT INTO messages (sender_id, recipient_id, created, "
		     "reply_to, subject, body, client_token) VALUES (?1, ?2, ?3, nullif(?4, 0), ?5, "
		     "?6, ?7)", &stmt)) < 0
	    || (err = store_bind_i64s(stmt, args, 4)) < 0
	    || (err = store_bind_text(stmt, 5, s->subject)) < 0
	    || (err = store_bind_text(stmt, 6, s->body)) < 0
	    || (err = store_bind_text(stmt, 7, s->token)) < 0
	    || (err = store_exec_stmt(st, stmt, "send message")) < 0)
		goto out;
	s->id = sqlite3_last_insert_rowid(st->db);
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_message_send(struct store *st, int64_t sender_id, const char *recipient_handle,
	const char *subject, const char *body, int64_t reply_to, const char *client_token,
	int64_t *id)
{
	struct send s = { .sender_id = sender_id, .recipient = recipient_handle,
		.reply_to = reply_to, .token = client_token };
	if (id)
		*id = 0;
	if (!st)
		return BBS_ERR_INVALID;
	/* Sizes first (BBS_ERR_TOOBIG), then what is empty or malformed. */
	int e1 = store_clean_text(subject, STORE_TITLE_MAX, false, &s.subject);
	int e2 = store_clean_text(body, STORE_MESSAGE_MAX, true, &s.body);
	int err = e1 == BBS_ERR_TOOBIG || e2 == BBS_ERR_TOOBIG ? BBS_ERR_TOOBIG
		: e1 < 0 ? e1 : e2;
	if (err < 0)
		goto out;
	if (!store_client_token_ok(client_token) || reply_to < 0) {
		err = BBS_ERR_INVALID;
		goto out;
	}
	if (!bbs_handle_valid(recipient_handle)) {
		err = BBS_ERR_NOTFOUND;
		goto out;
	}
	if ((err = store_write(st, send_tx, &s)) < 0)
		goto out;
	if (id)
		*id = s.id;
out:
	free(s.subject);
	free(s.body);
	return err;
}

/* ---- reading ---- */

struct message_q {
	int64_t args[3];  /* user_id, limit, offset; or user_id, message id */
	struct store_message m;
	struct store_rows rows;
};

static int inbox_tx(struct store *st, void *ctx)
{
	struct message_q *q = ctx;
	return store_select(st, MESSAGE_SELECT "WHERE m.recipient_id = ?1 AND "
		"m.recipient_deleted = 0 AND NOT EXISTS (SELECT 1 FROM blocks b "
		"WHERE b.user_id = ?1 AND b.blocked_id = m.sender_id) "
		"ORDER BY m.id DESC LIMIT ?2 OFFSET ?3", q->args, 3, &message_rows, STORE_ROWS_ALL,
		&q->rows, "list inbox");
}

static int sent_tx(struct store *st, void *ctx)
{
	struct message_q *q = ctx;
	return store_select(st, MESSAGE_SELECT "WHERE m.sender_id = ?1 AND m.sender_deleted = 0 "
		"ORDER BY m.id DESC LIMIT ?2 OFFSET ?3", q->args, 3, &message_rows, STORE_ROWS_ALL,
		&q->rows, "list sent messages");
}

int store_message_list(struct store *st, int64_t user_id, enum store_folder folder,
	int64_t offset, int64_t limit, struct store_message **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (offset < 0 || limit < 1 || (folder != STORE_INBOX && folder != STORE_SENT))
		return BBS_ERR_INVALID;
	if (limit > MESSAGE_PAGE_MAX)
		limit = MESSAGE_PAGE_MAX;
	struct message_q q = { .args = { user_id, limit, offset } };
	int err = store_tx(st, false, folder == STORE_INBOX ? inbox_tx : sent_tx, &q);
	if (err < 0)
		return err;
	*v = q.rows.v;
	*n = q.rows.n;
	return BBS_OK;
}

static int message_get_tx(struct store *st, void *ctx)
{
	struct message_q *q = ctx;
	int err = store_select(st, MESSAGE_SELECT "WHERE m.id = ?2 AND " MESSAGE_VISIBLE,
		q->args, 2, &message_rows, 1, &q->rows, "read message");
	if (err < 0)
		return err;
	if (q->rows.n == 0)
		return BBS_ERR_NOTFOUND;
	struct store_message *m = q->rows.v;
	if (m->recipient_id == q->args[0] && m->read_at == 0) {
		m->read_at = bbs_now();
		int64_t args[2] = { m->id, m->read_at };
		err = store_run_i64(st, "UPDATE messages SET read_at = ?2 WHERE id = ?1 "
			"AND read_at = 0", args, 2, NULL, "mark message read");
		if (err < 0) {
			store_rows_free(&message_rows, &q->rows);
			return err;
		}
	}
	return BBS_OK;
}

int store_message_get(struct store *st, int64_t user_id, int64_t id, struct store_message *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	struct message_q q = { .args = { user_id, id } };
	/* A write transaction: opening a message marks it read. */
	int err = store_tx(st, true, message_get_tx, &q);
	if (err < 0)
		return err;
	*out = *(struct store_message *)q.rows.v;
	free(q.rows.v);
	return BBS_OK;
}

static int message_delete_tx(struct store *st, void *ctx)
{
	const int64_t *args = ctx;
	int err = store_run_i64(st, "UPDATE messages SET "
		"sender_deleted = sender_deleted OR sender_id = ?1, "
		"recipient_deleted = recipient_deleted OR recipient_id = ?1 "
		"WHERE id = ?2 AND ((sender_id = ?1 AND sender_deleted = 0) "
		"OR (recipient_id = ?1 AND recipient_deleted = 0))", args, 2, NULL, "delete message");
	if (err < 0)
		return err;
	return sqlite3_changes(st->db) == 0 ? BBS_ERR_NOTFOUND : BBS_OK;
}

int store_message_delete(struct store *st, int64_t user_id, int64_t id)
{
	int64_t args[2] = { user_id, id };
	return store_write(st, message_delete_tx, args);
}

static int unread_tx(struct store *st, void *ctx)
{
	struct message_q *q = ctx;
	int err = store_run_i64(st, "SELECT count(*) FROM messages m WHERE m.recipient_id = ?1 "
		"AND m.read_at = 0 AND m.recipient_deleted = 0 AND NOT EXISTS (SELECT 1 FROM blocks b "
		"WHERE b.user_id = ?1 AND b.blocked_id = m.sender_id)", q->args, 1, &q->args[1],
		"count unread messages");
	return err < 0 ? err : BBS_OK;
}

int store_message_unread(struct store *st, int64_t user_id, int64_t *count)
{
	if (!count)
		return BBS_ERR_INVALID;
	*count = 0;
	struct message_q q = { .args = { user_id } };
	int err = store_tx(st, false, unread_tx, &q);
	if (err < 0)
		return err;
	*count = q.args[1];
	return BBS_OK;
}

/* ---- blocking ---- */

struct block_set {
	int64_t user_id;
	const char *handle;
	bool blocked;
};

static int block_set_tx(struct store *st, void *ctx)
{
	struct block_set *b = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_run_i64(st, "SELECT 1 FROM users WHERE id = ?1", &b->user_id, 1, NULL,
		"read member");
	if (err == 0)
		err = BBS_ERR_NOTFOUND;
	if (err < 0)
		return err;
	if ((err = store_prepare(st, "SELECT id FROM users WHERE handle = ?1", &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, b->handle)) < 0
	    || (err = store_step_row(st, stmt, "read member")) < 0)
		goto out;
	int64_t args[3] = { b->user_id, sqlite3_column_int64(stmt, 0), bbs_now() };
	if (args[1] == b->user_id) {
		err = BBS_ERR_INVALID;
		goto out;
	}
	err = store_run_i64(st, b->blocked
		? "INSERT OR IGNORE INTO blocks (user_id, blocked_id, created) VALUES (?1, ?2, ?3)"
		: "DELETE FROM blocks WHERE user_id = ?1 AND blocked_id = ?2",
		args, b->blocked ? 3 : 2, NULL, "set block");
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_block_set(struct store *st, int64_t user_id, const char *handle, bool blocked)
{
	if (!bbs_handle_valid(handle))
		return BBS_ERR_NOTFOUND;
	struct block_set b = { .user_id = user_id, .handle = handle, .blocked = blocked };
	return store_write(st, block_set_tx, &b);
}

struct block_list {
	int64_t user_id;
	struct store_rows rows;
};

static int block_list_tx(struct store *st, void *ctx)
{
	struct block_list *l = ctx;
	return store_select(st, "SELECT " STORE_USER_COLUMNS("NULL") " FROM blocks b "
		"JOIN users u ON u.id = b.blocked_id WHERE b.user_id = ?1 ORDER BY u.handle",
		&l->user_id, 1, &store_user_rows, STORE_ROWS_ALL, &l->rows, "list blocks");
}

int store_block_list(struct store *st, int64_t user_id, struct store_user ***v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct block_list l = { .user_id = user_id };
	int err = store_tx(st, false, block_list_tx, &l);
	if (err < 0)
		return err;
	*v = l.rows.v;
	*n = l.rows.n;
	return BBS_OK;
}

static int block_check_tx(struct store *st, void *ctx)
{
	int64_t *args = ctx;
	int err = store_run_i64(st, "SELECT 1 FROM blocks WHERE user_id = ?1 AND blocked_id = ?2",
		args, 2, NULL, "read blocks");
	if (err >= 0)
		args[2] = err;
	return err < 0 ? err : BBS_OK;
}

int store_block_check(struct store *st, int64_t user_id, int64_t other_id, bool *blocked)
{
	if (!blocked)
		return BBS_ERR_INVALID;
	*blocked = false;
	int64_t args[3] = { user_id, other_id, 0 };
	int err = store_tx(st, false, block_check_tx, args);
	if (err < 0)
		return err;
	*blocked = args[2] != 0;
	return BBS_OK;
}
