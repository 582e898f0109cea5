/*
 * store-key.c: members' authorized public keys.
 *
 * Key type, blob and fingerprint are machine-made (keys_parse_authorized) and compared
 * byte for byte, so they are checked (printable ASCII, base64) rather than cleaned; only
 * the free-text comment is cleaned. Must never: store a blob that is not base64, a key
 * for a user that does not exist (the foreign key refuses it), or let a member remove their
 * own last way in (store_key_remove_own).
 */
#include "store/private.h"

#include <stdlib.h>
#include <string.h>

static void key_finish(void *elem)
{
	struct store_key *k = elem;
	free(k->type);
	free(k->blob);
	free(k->fingerprint);
	free(k->comment);
}


static bool base64_valid(const char *s, size_t max)
{
	size_t n;
	if (!s)
		return false;
	for (n = 0; s[n]; n++) {
		char c = s[n];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
			|| c == '+' || c == '/' || c == '=';
		if (!ok || n >= max)
			return false;
	}
	return n > 0;
}

int store_key_check(const char *type, const char *blob, const char *fingerprint)
{
	if (blob && strnlen(blob, STORE_KEY_BLOB_MAX + 1) > STORE_KEY_BLOB_MAX)
		return BBS_ERR_TOOBIG;
	if (!store_token_valid(type, STORE_TOKEN_MAX) || !base64_valid(blob, STORE_KEY_BLOB_MAX)
	    || !store_token_valid(fingerprint, STORE_TOKEN_MAX))
		return BBS_ERR_INVALID;
	return BBS_OK;
}

int store_key_insert(struct store *st, int64_t user_id, const char *type, const char *blob,
	const char *fingerprint, const char *comment, int64_t *id)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st,
		"INSERT INTO user_keys (user_id, type, blob, fingerprint, comment, added) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, user_id)) < 0
	    || (err = store_bind_text(stmt, 2, type)) < 0
	    || (err = store_bind_text(stmt, 3, blob)) < 0
	    || (err = store_bind_text(stmt, 4, fingerprint)) < 0
	    || (err = store_bind_text(stmt, 5, comment ? comment : "")) < 0
	    || (err = store_bind_i64(stmt, 6, bbs_now())) < 0
	    || (err = store_exec_stmt(st, stmt, "add key")) < 0)
		goto out;
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
out:
	sqlite3_finalize(stmt);
	return err;
}

struct key_add {
	int64_t user_id;
	const char *type;
	const char *blob;
	const char *fingerprint;
	char *comment;
	int64_t id;
};

static int key_add_tx(struct store *st, void *ctx)
{
	struct key_add *a = ctx;
	return store_key_insert(st, a->user_id, a->type, a->blob, a->fingerprint, a->comment,
		&a->id);
}

int store_key_add(struct store *st, int64_t user_id, const char *type, const char *blob,
	const char *fingerprint, const char *comment, int64_t *id)
{
	struct key_add a = { .user_id = user_id, .type = type, .blob = blob,
		.fingerprint = fingerprint };
	int err;

	if (id)
		*id = 0;
	if (!st)
		return BBS_ERR_INVALID;
	if ((err = store_key_check(type, blob, fingerprint)) < 0)
		return err;
	if ((err = store_clean(comment, STORE_FIELD_MAX, 0, &a.comment)) < 0)
		return err;
	/* A missing user fails the foreign key: BBS_ERR_NOTFOUND. */
	err = store_tx(st, true, key_add_tx, &a);
	free(a.comment);
	if (err < 0)
		return err;
	if (id)
		*id = a.id;
	return BBS_OK;
}

static void read_key(sqlite3_stmt *stmt, void *elem)
{
	struct store_key *k = elem;
	k->id = sqlite3_column_int64(stmt, 0);
	k->user_id = sqlite3_column_int64(stmt, 1);
	k->type = store_col_text(stmt, 2);
	k->blob = store_col_text(stmt, 3);
	k->fingerprint = store_col_text(stmt, 4);
	k->comment = store_col_text(stmt, 5);
	k->added = sqlite3_column_int64(stmt, 6);
	k->last_used = sqlite3_column_int64(stmt, 7);
}

STORE_ROW_LIST(key, read_key, key_finish)

struct key_list {
	int64_t user_id;
	struct store_rows rows;  /* of struct store_key */
};

static int key_list_tx(struct store *st, void *ctx)
{
	struct key_list *l = ctx;
	return store_select(st,
		"SELECT id, user_id, type, blob, fingerprint, comment, added, last_used "
		"FROM user_keys WHERE user_id = ?1 ORDER BY added, id", &l->user_id, 1, &key_rows,
		STORE_ROWS_ALL, &l->rows, "list keys");
}

int store_key_list(struct store *st, int64_t user_id, struct store_key **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct key_list l = { .user_id = user_id };
	int err = store_tx(st, false, key_list_tx, &l);
	if (err < 0)
		return err;
	*v = l.rows.v;
	*n = l.rows.n;
	return BBS_OK;
}

int store_key_remove(struct store *st, int64_t user_id, const char *fingerprint)
{
	if (!store_token_valid(fingerprint, STORE_TOKEN_MAX))
		return BBS_ERR_NOTFOUND;
	return store_change_row(st, "DELETE FROM user_keys WHERE user_id = ?1 AND fingerprint = ?3",
		user_id, 0, fingerprint, "remove key");
}

struct key_remove_own {
	int64_t user_id;
	const char *fingerprint;
};

/* Counts and removes in one write transaction, so that two sessions removing the member's
 * last two keys at once cannot both succeed and lock them out. */
static int key_remove_own_tx(struct store *st, void *ctx)
{
	struct key_remove_own *r = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st,
		"SELECT (SELECT count(*) FROM user_keys WHERE user_id = ?1 AND fingerprint = ?2), "
		"(SELECT count(*) FROM user_keys WHERE user_id = ?1 AND fingerprint != ?2), "
		"(SELECT pwhash IS NOT NULL FROM users WHERE id = ?1)", &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, r->user_id)) < 0
	    || (err = store_bind_text(stmt, 2, r->fingerprint)) < 0
	    || (err = store_step_row(st, stmt, "check keys")) < 0)
		goto out;
	int64_t matching = sqlite3_column_int64(stmt, 0), others = sqlite3_column_int64(stmt, 1);
	bool password = sqlite3_column_int(stmt, 2) != 0;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (matching == 0) {
		err = BBS_ERR_NOTFOUND;
		goto out;
	}
	if (others == 0 && !password) {
		err = BBS_ERR_DENIED;
		goto out;
	}
	if ((err = store_prepare(st, "DELETE FROM user_keys WHERE user_id = ?1 AND fingerprint = ?2",
		     &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, r->user_id)) < 0
	    || (err = store_bind_text(stmt, 2, r->fingerprint)) < 0)
		goto out;
	err = store_exec_stmt(st, stmt, "remove key");
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_key_remove_own(struct store *st, int64_t user_id, const char *fingerprint)
{
	if (!store_token_valid(fingerprint, STORE_TOKEN_MAX))
		return BBS_ERR_NOTFOUND;
	struct key_remove_own r = { .user_id = user_id, .fingerprint = fingerprint };
	return store_write(st, key_remove_own_tx, &r);
}
