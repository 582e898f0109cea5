/*
 * store/private.h: what the store's own files share; never included outside store/.
 *
 * Every statement goes through store_prepare() (bound parameters only) and every batch of
 * statements through store_tx(), which opens a short transaction, retries when the database
 * stays busy past the busy timeout, and maps SQLite result codes to enum bbs_err.
 * Nothing here may build SQL from input or log member text unescaped.
 */
#ifndef BBS_STORE_PRIVATE_H
#define BBS_STORE_PRIVATE_H

#include <sqlite3.h>

#include "common/common.h"
#include "store/store.h"

struct store {
	sqlite3 *db;
};

/* Whole transactions are retried this many times when SQLite is still busy after the
 * busy timeout (which already waited STORE_BUSY_TIMEOUT_MS each time). */
#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_BUSY_RETRIES 3

/* Prepares one constant SQL statement. Returns 0 or a negative bbs_err (logged). */
int store_prepare(struct store *st, const char *sql, sqlite3_stmt **out);

/*
 * Maps a SQLite result code to an enum bbs_err: BUSY/LOCKED -> BBS_ERR_BUSY (store_tx
 * retries), UNIQUE/PRIMARY KEY -> BBS_ERR_EXISTS, FOREIGN KEY -> BBS_ERR_NOTFOUND (the row
 * referred to is missing), other constraints -> BBS_ERR_INVALID, NOMEM -> BBS_ERR_NOMEM,
 * TOOBIG -> BBS_ERR_TOOBIG, anything else -> BBS_ERR_DB. Errors that are not the caller's
 * input (BBS_ERR_DB) are logged with what (a constant string naming the operation).
 */
int store_rc(struct store *st, int rc, const char *what);

/* Steps a statement that returns no rows (INSERT/UPDATE/DELETE). 0 or a negative bbs_err. */
int store_exec_stmt(struct store *st, sqlite3_stmt *stmt, const char *what);

/*
 * Runs fn(st, ctx) inside one transaction: BEGIN IMMEDIATE when write is true, a deferred
 * (read) transaction otherwise, then COMMIT. If fn fails the transaction is rolled back; if it
 * fails with BBS_ERR_BUSY (or BEGIN/COMMIT do), the whole transaction is retried up to
 * STORE_BUSY_RETRIES times. fn must therefore leave no partial results behind on failure.
 * Returns fn's result (>= 0) or a negative bbs_err.
 */
typedef int (*store_tx_fn)(struct store *st, void *ctx);
int store_tx(struct store *st, bool write, store_tx_fn fn, void *ctx);

/*
 * Changes at most one row in its own write transaction: sql is a constant UPDATE or DELETE
 * that may use ?1 = id, ?2 = num and ?3 = text (NULL binds SQL NULL). Returns 0, or
 * BBS_ERR_NOTFOUND if no row changed, or another negative bbs_err.
 */
int store_change_row(struct store *st, const char *sql, int64_t id, int64_t num, const char *text,
	const char *what);

/* Binding helpers. Text is bound as a copy (SQLITE_TRANSIENT); NULL binds SQL NULL. */
int store_bind_text(sqlite3_stmt *stmt, int idx, const char *s);
/* A heap copy of a text column; "" for NULL (never returns NULL). */
char *store_col_text(sqlite3_stmt *stmt, int col);
/* A heap copy of a text column, or NULL for SQL NULL. */
char *store_col_text_or_null(sqlite3_stmt *stmt, int col);

/*
 * Input checks. Both return 0 or BBS_ERR_TOOBIG (over max bytes). store_clean() stores in
 * *out a heap copy of s cleaned by text_sanitize (flags 0 = single line, TEXT_MULTILINE for
 * bodies); s == NULL gives "".
 */
int store_clean(const char *s, size_t max, int flags, char **out);
/* True for 1..max bytes of printable ASCII without spaces (key types, fingerprints,
 * password hashes: machine-made strings that must be exact, so they are checked, not cleaned). */
bool store_token_valid(const char *s, size_t max);
/* True for 1..max bytes of [a-z0-9_.-] starting with a letter or digit (setting keys, slugs). */
bool store_slug_valid(const char *s, size_t max);

#endif
