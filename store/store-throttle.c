/*
 * store-throttle.c: failed password logins counted per account name (schema version 6), the
 * shared state behind bbsd's login backoff (issue 8). Every session process is its own
 * process, so the count lives in the database: one row per name as the client typed it.
 *
 * An attempt is counted when it starts (store_throttle_begin), before its answer is known,
 * and a successful password login removes the row (store_throttle_clear). Counting first
 * means that neither dropping the connection during the delay nor sending many attempts in
 * parallel escapes the count: parallel attempts see each other's increments and wait longer.
 *
 * Must never: look the name up among the members or treat a member's name differently from
 * any other string (the delay would then tell whether an account exists), interpret the
 * name's bytes (they are a blob, cut to STORE_THROTTLE_NAME_MAX), grow without bound (rows a
 * window old are dropped, and at most STORE_THROTTLE_ROWS_MAX are kept), or log a name.
 */
#include "store/private.h"

#include <string.h>

int64_t store_throttle_delay_ms(const struct store_throttle_policy *p, int failures)
{
	if (!p || p->base_ms <= 0 || p->max_ms <= 0 || failures < p->free_failures)
		return 0;
	int64_t d = p->base_ms;
	/* Doubling stops at the cap, so it can never overflow. */
	for (int k = failures - p->free_failures; k > 0 && d < p->max_ms; k--)
		d = d > INT64_MAX / 2 ? INT64_MAX : d * 2;
	return d < p->max_ms ? d : p->max_ms;
}

/* The name's key: its first STORE_THROTTLE_NAME_MAX bytes, bound as a blob. */
static int bind_name(sqlite3_stmt *stmt, int idx, const char *name)
{
	size_t n = strnlen(name, STORE_THROTTLE_NAME_MAX);
	/* A zero-length blob with a NULL pointer would bind SQL NULL: give it a real pointer. */
	return sqlite3_bind_blob(stmt, idx, n ? name : "", (int)n, SQLITE_TRANSIENT) == SQLITE_OK
		? BBS_OK : BBS_ERR_DB;
}

struct prune_ctx {
	int64_t now, window, max_rows;
	int removed;
};

/* Drops the rows a window old. Cheap: the index on last_at finds them. */
static int expire_rows(struct store *st, struct prune_ctx *pc)
{
	sqlite3_stmt *stmt = NULL;
	int err;
	if ((err = store_prepare(st, "DELETE FROM auth_throttle WHERE last_at <= ?1", &stmt)) >= 0 &&
	    (err = store_bind_i64(stmt, 1, pc->now - pc->window)) >= 0 &&
	    (err = store_exec_stmt(st, stmt, "throttle prune")) >= 0)
		pc->removed += sqlite3_changes(st->db);
	sqlite3_finalize(stmt);
	return err < 0 ? err : BBS_OK;
}

/* The cap: keeps the keep most recent rows. Only reached when names are sprayed (each
 * attempt costs an Argon2id verification in bbsd); the least recent go, never a name under
 * attack right now. Walks the index, so it runs only when a new name is about to be added. */
static int cap_rows(struct store *st, struct prune_ctx *pc, int64_t keep)
{
	sqlite3_stmt *stmt = NULL;
	int err;
	if ((err = store_prepare(st, "DELETE FROM auth_throttle WHERE name IN (SELECT name FROM "
		"auth_throttle ORDER BY last_at DESC LIMIT -1 OFFSET ?1)", &stmt)) >= 0 &&
	    (err = store_bind_i64(stmt, 1, keep < 0 ? 0 : keep)) >= 0 &&
	    (err = store_exec_stmt(st, stmt, "throttle prune")) >= 0)
		pc->removed += sqlite3_changes(st->db);
	sqlite3_finalize(stmt);
	return err < 0 ? err : BBS_OK;
}

static int prune_tx(struct store *st, void *ctx)
{
	struct prune_ctx *pc = ctx;
	int err;
	pc->removed = 0;
	if ((err = expire_rows(st, pc)) < 0)
		return err;
	return cap_rows(st, pc, pc->max_rows);
}

int store_throttle_prune(struct store *st, int64_t now, int64_t window, int64_t max_rows,
	int *removed)
{
	struct prune_ctx pc = { .now = now, .window = window, .max_rows = max_rows };
	if (removed)
		*removed = 0;
	if (!st || window <= 0 || max_rows <= 0)
		return BBS_ERR_INVALID;
	int err = store_write(st, prune_tx, &pc);
	if (err == BBS_OK && removed)
		*removed = pc.removed;
	return err;
}

/* The name's count within the window (0 for no row or an expired one). */
static int read_failures(struct store *st, const char *name, int64_t now, int64_t window,
	int *failures, bool *found)
{
	sqlite3_stmt *stmt = NULL;
	int err;
	*failures = 0;
	if (found)
		*found = false;
	if ((err = store_prepare(st, "SELECT failures FROM auth_throttle WHERE name = ?1 "
		"AND last_at > ?2", &stmt)) < 0 ||
	    (err = bind_name(stmt, 1, name)) < 0 ||
	    (err = store_bind_i64(stmt, 2, now - window)) < 0)
		goto out;
	err = store_step_row(st, stmt, "throttle read");
	if (err == BBS_OK) {
		int64_t v = sqlite3_column_int64(stmt, 0);
		*failures = v < 0 ? 0 : v > INT32_MAX ? INT32_MAX : (int)v;
		if (found)
			*found = true;
	} else if (err == BBS_ERR_NOTFOUND) {
		err = BBS_OK;
	}
out:
	sqlite3_finalize(stmt);
	return err;
}

struct begin_ctx {
	const char *name;
	int64_t now;
	const struct store_throttle_policy *p;
	int before;   /* the count before this attempt */
};

static int begin_tx(struct store *st, void *ctx)
{
	struct begin_ctx *bc = ctx;
	struct prune_ctx pc = { .now = bc->now, .window = bc->p->window,
		.max_rows = STORE_THROTTLE_ROWS_MAX };
	sqlite3_stmt *stmt = NULL;
	bool found = false;
	int err;
	/* Expired rows go first, the name's own included: its count then starts again. */
	if ((err = expire_rows(st, &pc)) < 0 ||
	    (err = read_failures(st, bc->name, bc->now, bc->p->window, &bc->before, &found)) < 0 ||
	    (!found && (err = cap_rows(st, &pc, STORE_THROTTLE_ROWS_MAX - 1)) < 0))
		goto out;
	/* Bounded: a count never needs to exceed what reaches the cap, and stays an int. */
	if ((err = store_prepare(st, "INSERT INTO auth_throttle (name, failures, last_at) "
		"VALUES (?1, 1, ?2) ON CONFLICT (name) DO UPDATE SET "
		"failures = min(failures + 1, 1000000), last_at = max(last_at, excluded.last_at)",
		&stmt)) < 0 ||
	    (err = bind_name(stmt, 1, bc->name)) < 0 ||
	    (err = store_bind_i64(stmt, 2, bc->now)) < 0 ||
	    (err = store_exec_stmt(st, stmt, "throttle count")) < 0)
		goto out;
	err = BBS_OK;
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_throttle_begin(struct store *st, const char *name, int64_t now,
	const struct store_throttle_policy *p, int64_t *delay_ms)
{
	if (delay_ms)
		*delay_ms = 0;
	if (!st || !name || !p || !delay_ms || p->window <= 0)
		return BBS_ERR_INVALID;
	struct begin_ctx bc = { .name = name, .now = now, .p = p };
	int err = store_write(st, begin_tx, &bc);
	if (err == BBS_OK)
		*delay_ms = store_throttle_delay_ms(p, bc.before);
	return err;
}

static int clear_tx(struct store *st, void *ctx)
{
	sqlite3_stmt *stmt = NULL;
	int err;
	if ((err = store_prepare(st, "DELETE FROM auth_throttle WHERE name = ?1", &stmt)) >= 0 &&
	    (err = bind_name(stmt, 1, ctx)) >= 0)
		err = store_exec_stmt(st, stmt, "throttle clear");
	sqlite3_finalize(stmt);
	return err < 0 ? err : BBS_OK;
}

int store_throttle_clear(struct store *st, const char *name)
{
	if (!st || !name)
		return BBS_ERR_INVALID;
	return store_write(st, clear_tx, (void *)name);
}

struct failures_ctx {
	const char *name;
	int64_t now, window;
	int failures;
};

static int failures_tx(struct store *st, void *ctx)
{
	struct failures_ctx *fc = ctx;
	return read_failures(st, fc->name, fc->now, fc->window, &fc->failures, NULL);
}

int store_throttle_failures(struct store *st, const char *name, int64_t now, int64_t window,
	int *failures)
{
	if (failures)
		*failures = 0;
	if (!st || !name || !failures || window <= 0)
		return BBS_ERR_INVALID;
	struct failures_ctx fc = { .name = name, .now = now, .window = window };
	int err = store_tx(st, false, failures_tx, &fc);
	if (err >= 0) {
		*failures = fc.failures;
		err = BBS_OK;
	}
	return err;
}
