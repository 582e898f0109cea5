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
#include <stdint.h>

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
/* store_tx for a write transaction whose caller wants only BBS_OK or a negative bbs_err. */
int store_write(struct store *st, store_tx_fn fn, void *ctx);

/*
 * Changes at most one row in its own write transaction: sql is a constant UPDATE or DELETE
 * that may use ?1 = id, ?2 = num and ?3 = text (NULL binds SQL NULL). Returns 0, or
 * BBS_ERR_NOTFOUND if no row changed, or another negative bbs_err.
 */
int store_change_row(struct store *st, const char *sql, int64_t id, int64_t num, const char *text,
	const char *what);

/*
 * Runs sql with integer parameters ?1..?nargs. Returns 1 and sets *out to column 0 of the
 * first row (0 for NULL) if there is a row, 0 if there is none (or for statements that
 * return no rows), or a negative bbs_err. out may be NULL.
 */
int store_run_i64(struct store *st, const char *sql, const int64_t *args, int nargs,
	int64_t *out, const char *what);

/*
 * Cleans member text: at most max bytes of input (BBS_ERR_TOOBIG otherwise, checked before
 * anything else), sanitised, then trimmed. A one-line title loses its leading and trailing
 * spaces; a multi-line body loses leading blank lines and trailing white space (indentation
 * of the first line is kept). BBS_ERR_INVALID for NULL or for nothing left.
 */
int store_clean_text(const char *s, size_t max, bool multiline, char **out);

/* Bytes of a client token (printable ASCII, no spaces). */
#define STORE_CLIENT_TOKEN_MAX 64
/* NULL is fine (no token); anything else must be 1..64 bytes of printable ASCII. */
bool store_client_token_ok(const char *token);

/*
 * store-board.c: starts a discussion inside the caller's write transaction (what
 * store_thread_create does after its client-token check): title and body already cleaned and
 * trimmed (store_clean_text), the board must exist (BBS_ERR_NOTFOUND) and not be archived
 * (BBS_ERR_DENIED). Counters, search index and the author's read state are kept as for
 * store_thread_create. Sets *thread_id and *post_id (either may be NULL).
 */
int store_thread_insert(struct store *st, int64_t board_id, int64_t author_id, const char *title,
	const char *body, int64_t *thread_id, int64_t *post_id);

/* Binding helpers: 0, or BBS_ERR_TOOBIG / BBS_ERR_DB, so that binds chain in one if.
 * Text is bound as a copy (SQLITE_TRANSIENT); NULL binds SQL NULL. */
int store_bind_text(sqlite3_stmt *stmt, int idx, const char *s);
int store_bind_i64(sqlite3_stmt *stmt, int idx, int64_t v);
/* Binds ?1..?nargs to args[0..nargs-1] (args may be NULL when nargs is 0). */
int store_bind_i64s(sqlite3_stmt *stmt, const int64_t *args, int nargs);

/* Steps a statement that gives at most one row: 0 when it gave one (read its columns now),
 * BBS_ERR_NOTFOUND when it gave none, or another negative bbs_err. */
int store_step_row(struct store *st, sqlite3_stmt *stmt, const char *what);

/*
 * Reading the rows of a query into a heap array. A store_row_type says how big one element
 * is, how to fill a (zeroed) element from the current row, and how to free what an element
 * owns (finish may be NULL; it never frees the element itself).
 */
struct store_row_type {
	size_t size;
	void (*read)(sqlite3_stmt *stmt, void *elem);
	void (*finish)(void *elem);
};

/* n elements of the row type at v; v is NULL when n is 0. */
struct store_rows {
	void *v;
	size_t n;
};

/* No limit on the number of rows (the query itself bounds them). */
#define STORE_ROWS_ALL SIZE_MAX

/*
 * Steps stmt (prepared and bound) and reads up to max rows into rows, which must be empty.
 * Returns 0, or a negative bbs_err with rows emptied again (store_tx may retry, so nothing
 * is left behind). The statement is not finalized.
 */
int store_collect(struct store *st, sqlite3_stmt *stmt, const struct store_row_type *type,
	size_t max, struct store_rows *rows, const char *what);
/* store_collect for a constant SELECT with integer parameters ?1..?nargs. */
int store_select(struct store *st, const char *sql, const int64_t *args, int nargs,
	const struct store_row_type *type, size_t max, struct store_rows *rows, const char *what);
/* Frees every element and the array; rows is empty afterwards. NULL and empty are fine. */
void store_rows_free(const struct store_row_type *type, struct store_rows *rows);

/*
 * Defines name_rows, the store_row_type of struct store_name (filled by read, freed by
 * finish), and the public store_name_list_free() that store.h declares for it. One macro so
 * that every list type frees its elements the same way.
 */
#define STORE_ROW_LIST(name, read, finish) \
	static const struct store_row_type name##_rows = { \
		sizeof(struct store_##name), read, finish \
	}; \
	void store_##name##_list_free(struct store_##name *v, size_t n) \
	{ \
		struct store_rows rows = { v, n }; \
		store_rows_free(&name##_rows, &rows); \
	}

/* STORE_ROW_LIST for a type whose elements are freed by its public store_name_finish(). */
#define STORE_ROW_LIST_FINISH(name, read) \
	static void name##_finish(void *elem) \
	{ \
		store_##name##_finish(elem); \
	} \
	STORE_ROW_LIST(name, read, name##_finish)

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

/* Optional member text: NULL or only white space gives "" (else as store_clean_text). */
int store_clean_optional(const char *s, size_t max, bool multiline, char **out);

/* store-key.c: the checks of store_key_add (BBS_ERR_TOOBIG, BBS_ERR_INVALID), and the insert
 * inside the caller's write transaction (comment already cleaned; NULL is ""). */
int store_key_check(const char *type, const char *blob, const char *fingerprint);
int store_key_insert(struct store *st, int64_t user_id, const char *type, const char *blob,
	const char *fingerprint, const char *comment, int64_t *id);

/* store-user.c: a member row. STORE_USER_COLUMNS(PW) selects what store_user_from_row reads
 * from "users u"; PW is "u.pwhash", or "NULL" for lists shown to other members. */
#define STORE_USER_COLUMNS(PW) \
	"u.id, u.handle, u.display_name, u.organisation, u.sector, u.country, u.role, " \
	"u.status, " PW ", u.created, u.last_login, u.region, u.bio, u.in_directory, " \
	"u.named_endorsements, u.must_change_password, u.timezone, u.ascii_only, u.colour, " \
	"u.verified, u.silenced_until, u.silence_reason, u.compact, u.line_mode, u.resume, " \
	"u.removed"
struct store_user *store_user_from_row(sqlite3_stmt *stmt);
/* An author's handle as shown to others, from users alias U: STORE_REMOVED_NAME for a
 * removed member (store-remove.c), whose "removed-<id>" handle means nothing to readers. */
#define STORE_AUTHOR(U) "(CASE WHEN " U ".removed THEN '" STORE_REMOVED_NAME "' ELSE " U \
	".handle END)"
/* store-remove.c: BBS_ERR_EXISTS when handle belonged to a member a sysop removed (it stays
 * reserved), BBS_OK when not, or a store error; inside the caller's transaction. */
int store_handle_was_removed(struct store *st, const char *handle);
/* Rows of struct store_user * (pointers), as store_user_list returns them. */
extern const struct store_row_type store_user_rows;

/* store-board.c: takes post_id out of the search index (remove, before a change) or puts
 * what post_search_src holds for it back (after a change), inside the caller's transaction. */
int store_search_sync(struct store *st, int64_t post_id, bool remove);

/* store-member.c: every word (ASCII-folded, lower case) appears in the member's handle,
 * display name, organisation, sector or country. */
bool store_user_match(const struct store_user *u, char *const *words, size_t nwords);
/* store-member.c: steps stmt (a query of STORE_USER_COLUMNS) and keeps, of the members that
 * store_user_match the words, at most limit after skipping offset, in rows (of struct
 * store_user *; left empty when none). 0, or the store error (what names the step for the
 * log). The caller finalizes stmt. */
int store_user_page(struct store *st, sqlite3_stmt *stmt, char *const *words, size_t nwords,
	int64_t offset, int64_t limit, struct store_rows *rows, const char *what);

/* ---- schema 5: audit log, roles, moderation record (store-audit.c) ---- */

/*
 * Appends an audit entry inside the caller's write transaction (store_audit_append's rules:
 * actor_id 0 the console, -1 nobody, else the member's handle; text cleaned and cut to
 * STORE_FIELD_MAX bytes; source may be NULL). Because it runs under the write lock, the
 * previous hash it reads is the true last one. Never fails for size.
 */
int store_audit_add(struct store *st, int64_t actor_id, const char *action, const char *target,
	const char *detail, const char *source);
/* store_audit_add with a printf-style detail. */
int store_audit_addf(struct store *st, int64_t actor_id, const char *action, const char *target,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The role of actor_id inside the caller's transaction: the console (0) counts as a sysop;
 * an unknown, disabled or pending member as 0 (nobody). */
int store_actor_role(struct store *st, int64_t actor_id, int *role);
/* BBS_OK (and *role) when actor_id is the console or an active moderator or sysop,
 * BBS_ERR_DENIED otherwise. role may be NULL. */
int store_require_moderator(struct store *st, int64_t actor_id, int *role);
/* BBS_ERR_DENIED while member user_id is silenced (silenced_until > now), else BBS_OK. */
int store_check_silenced(struct store *st, int64_t user_id);
/* Appends to the public moderation record (actor 0: the console, recorded as a sysop). */
int store_modlog_add(struct store *st, int64_t actor_id, int role, const char *action,
	const char *target, const char *reason);

/* store-join.c: BBS_OK when actor_id is 0 (the console) or an active sysop, BBS_ERR_DENIED
 * otherwise. Inside the caller's transaction. */
int store_require_sysop(struct store *st, int64_t actor_id);

/*
 * Turns clean one-line search words into a safe FTS5 query (store-search.c): each white-space
 * separated chunk with a word character becomes an FTS5 string with its quotes doubled, with
 * prefix the last one a prefix query; NULL when there are no words. Returns a heap string.
 */
char *store_fts_query(const char *s, bool prefix);

#endif
