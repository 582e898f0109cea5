/*
 * store.c: opening the database, schema migrations, transactions with busy retries, result
 * code mapping, settings, and the helpers the other store-*.c files share.
 *
 * Must never: build SQL from input (every value is a bound parameter), hold a write
 * transaction longer than one operation, open a database whose schema is newer than this
 * build knows, or log member text unescaped.
 */
#include "store/private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "text/text.h"

/*
 * Migrations, applied in order, one transaction each. Step i (0-based) migrates from
 * user_version i to i + 1 and must end by setting user_version to i + 1 (checked after
 * running it). Never edit a step that has shipped; append a new one.
 */
static const char *const migrations[] = {
	/* 1: the initial schema */
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  handle TEXT NOT NULL UNIQUE CHECK (length(handle) BETWEEN 2 AND 32),"
	"  display_name TEXT NOT NULL DEFAULT '',"
	"  organisation TEXT NOT NULL DEFAULT '',"
	"  sector TEXT NOT NULL DEFAULT '',"
	"  country TEXT NOT NULL DEFAULT '',"
	"  role INTEGER NOT NULL DEFAULT 1 CHECK (role IN (1, 2, 3)),"
	"  status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1)),"
	"  pwhash TEXT,"
	"  created INTEGER NOT NULL,"
	"  last_login INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE TABLE user_keys ("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  type TEXT NOT NULL,"
	"  blob TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  comment TEXT NOT NULL DEFAULT '',"
	"  added INTEGER NOT NULL,"
	"  last_used INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (user_id, blob)"
	") STRICT;"
	/* UNIQUE (user_id, blob) serves lookups by user; these serve the others. */
	"CREATE INDEX user_keys_blob ON user_keys(blob);"
	"CREATE INDEX user_keys_fingerprint ON user_keys(user_id, fingerprint);"
	"CREATE TABLE pages ("
	"  slug TEXT PRIMARY KEY NOT NULL,"
	"  title TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  updated INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE areas ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  summary TEXT NOT NULL DEFAULT '',"
	"  page_slug TEXT REFERENCES pages(slug) ON UPDATE CASCADE,"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))"
	") STRICT;"
	"PRAGMA user_version = 1;",
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(void)
{
	return SCHEMA_VERSION;
}

/* ---- shared helpers ---- */

/* sqlite3_errmsg is ours (constant SQL, column names), but escape it anyway: a log line must
 * never carry raw bytes that did not come from this program. */
static void log_db_error(struct store *st, int rc, const char *what)
{
	char *msg = text_escape_log(st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc), 200);
	log_error("store: %s: %s (sqlite %d)", what, msg, rc);
	free(msg);
}

int store_rc(struct store *st, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return BBS_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return BBS_ERR_BUSY;
	case SQLITE_CONSTRAINT:
		switch (rc) {
		case SQLITE_CONSTRAINT_UNIQUE:
		case SQLITE_CONSTRAINT_PRIMARYKEY:
			return BBS_ERR_EXISTS;
		case SQLITE_CONSTRAINT_FOREIGNKEY:
			return BBS_ERR_NOTFOUND;
		default:
			return BBS_ERR_INVALID;
		}
	case SQLITE_NOMEM:
		return BBS_ERR_NOMEM;
	case SQLITE_TOOBIG:
		return BBS_ERR_TOOBIG;
	default:
		log_db_error(st, rc, what);
		return BBS_ERR_DB;
	}
}

int store_prepare(struct store *st, const char *sql, sqlite3_stmt **out)
{
	*out = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, out, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(*out);
		*out = NULL;
		int err = store_rc(st, rc, "prepare");
		/* A statement that does not prepare is a bug or a damaged file, never the caller's
		 * input: report it as a database error unless it is a retryable lock. */
		return err == BBS_ERR_BUSY || err == BBS_ERR_NOMEM ? err : BBS_ERR_DB;
	}
	return BBS_OK;
}

int store_exec_stmt(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return BBS_OK;
	/* With extended result codes on, step returns the precise constraint code. */
	return store_rc(st, rc, what);
}

int store_bind_text(sqlite3_stmt *stmt, int idx, const char *s)
{
	int rc = s ? sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT)
		   : sqlite3_bind_null(stmt, idx);
	return rc == SQLITE_OK ? BBS_OK : (rc == SQLITE_TOOBIG ? BBS_ERR_TOOBIG : BBS_ERR_DB);
}

char *store_col_text(sqlite3_stmt *stmt, int col)
{
	const unsigned char *s = sqlite3_column_text(stmt, col);
	return xstrdup(s ? (const char *)s : "");
}

char *store_col_text_or_null(sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return NULL;
	return store_col_text(stmt, col);
}

int store_clean(const char *s, size_t max, int flags, char **out)
{
	*out = NULL;
	if (!s)
		s = "";
	size_t len = strnlen(s, max + 1);
	if (len > max)
		return BBS_ERR_TOOBIG;
	*out = text_sanitize(s, len, flags);
	return BBS_OK;
}

bool store_token_valid(const char *s, size_t max)
{
	size_t n;
	if (!s)
		return false;
	for (n = 0; s[n]; n++)
		if (n >= max || s[n] <= ' ' || s[n] > '~')
			return false;
	return n > 0;
}

bool store_slug_valid(const char *s, size_t max)
{
	size_t n;
	if (!s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (n = 0; s[n]; n++) {
		char c = s[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
			|| c == '-';
		if (!ok || n >= max)
			return false;
	}
	return true;
}

/* Runs one constant, parameterless statement (BEGIN, COMMIT, PRAGMA ...). */
static int exec_const(struct store *st, const char *sql, const char *what)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? BBS_OK : store_rc(st, rc, what);
}

static void rollback(struct store *st)
{
	/* Harmless if SQLite already rolled back on its own (some errors do). */
	if (!sqlite3_get_autocommit(st->db))
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_tx(struct store *st, bool write, store_tx_fn fn, void *ctx)
{
	int err = BBS_ERR_BUSY;

	if (!st)
		return BBS_ERR_INVALID;
	for (int attempt = 0; attempt <= STORE_BUSY_RETRIES && err == BBS_ERR_BUSY; attempt++) {
		/* IMMEDIATE takes the write lock up front: a deferred transaction that upgrades
		 * from read to write can fail with BUSY without the busy handler being able to
		 * help (the snapshot would be stale), so writers never start deferred. */
		err = exec_const(st, write ? "BEGIN IMMEDIATE" : "BEGIN", "begin");
		if (err < 0)
			continue;
		err = fn(st, ctx);
		if (err < 0) {
			rollback(st);
			continue;
		}
		int result = err;
		err = exec_const(st, "COMMIT", "commit");
		if (err < 0) {
			rollback(st);
			continue;
		}
		return result;
	}
	if (err == BBS_ERR_BUSY)
		log_warn("store: database busy, gave up after %d attempts", STORE_BUSY_RETRIES + 1);
	return err;
}

struct change_row {
	const char *sql;
	const char *what;
	int64_t id;
	int64_t num;
	const char *text;
};

static int change_row_tx(struct store *st, void *ctx)
{
	const struct change_row *c = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, c->sql, &stmt);
	if (err < 0)
		goto out;
	/* Bind only the parameters this statement has (binding others is SQLITE_RANGE). */
	int nparams = sqlite3_bind_parameter_count(stmt);
	if (nparams >= 1 && sqlite3_bind_int64(stmt, 1, c->id) != SQLITE_OK)
		err = BBS_ERR_DB;
	if (nparams >= 2 && sqlite3_bind_int64(stmt, 2, c->num) != SQLITE_OK)
		err = BBS_ERR_DB;
	if (err < 0 || (nparams >= 3 && (err = store_bind_text(stmt, 3, c->text)) < 0))
		goto out;
	if ((err = store_exec_stmt(st, stmt, c->what)) < 0)
		goto out;
	if (sqlite3_changes(st->db) == 0)
		err = BBS_ERR_NOTFOUND;
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_change_row(struct store *st, const char *sql, int64_t id, int64_t num, const char *text,
	const char *what)
{
	struct change_row c = { .sql = sql, .what = what, .id = id, .num = num, .text = text };
	int err = store_tx(st, true, change_row_tx, &c);
	return err < 0 ? err : BBS_OK;
}

/* ---- opening and migrating ---- */

static int read_user_version(struct store *st, int *version)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "PRAGMA user_version", &stmt);
	if (err < 0)
		return err;
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(stmt, 0);
	else
		err = store_rc(st, rc == SQLITE_DONE ? SQLITE_ERROR : rc, "read schema version");
	sqlite3_finalize(stmt);
	return err;
}

static int check_not_newer(struct store *st, int version)
{
	if (version > SCHEMA_VERSION) {
		log_error("store: database schema version %d is newer than this program knows (%d); "
			  "refusing to open it", version, SCHEMA_VERSION);
		return BBS_ERR_DB;
	}
	return BBS_OK;
}

/* One migration step, inside its own write transaction. The version is read again under the
 * write lock, so two processes opening a new file at once migrate it only once.
 * Returns 1 if it applied a step, 0 if the schema is current. */
static int migrate_step(struct store *st, void *ctx)
{
	int version = 0;
	int err = read_user_version(st, &version);
	if (err < 0)
		return err;
	if ((err = check_not_newer(st, version)) < 0)
		return err;
	if (version == SCHEMA_VERSION)
		return 0;
	int rc = sqlite3_exec(st->db, migrations[version], NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		err = store_rc(st, rc, "migrate");
		return err == BBS_ERR_BUSY ? err : BBS_ERR_DB;
	}
	int now = 0;
	if ((err = read_user_version(st, &now)) < 0)
		return err;
	if (now != version + 1) {
		log_error("store: migration %d set schema version %d", version + 1, now);
		return BBS_ERR_DB;
	}
	log_info("store: migrated database schema to version %d", now);
	return 1;
}

static int migrate(struct store *st)
{
	for (;;) {
		int err = store_tx(st, true, migrate_step, NULL);
		if (err < 0)
			return err;
		if (err == 0)
			return BBS_OK;
	}
}

/* Creates the file with mode 0600 if it does not exist: it holds password hashes, and SQLite
 * gives its -wal and -shm files the same mode as the database. */
static int create_private(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		char *safe = text_escape_log(path, 200);
		log_error("store: cannot open %s: %s", safe, strerror(errno));
		free(safe);
		return BBS_ERR_IO;
	}
	close(fd);
	return BBS_OK;
}

static int set_wal(struct store *st)
{
	int err;
	sqlite3_stmt *stmt = NULL;

	/* journal_mode answers with the mode it ended up in; anything but WAL is an error. */
	if ((err = store_prepare(st, "PRAGMA journal_mode = WAL", &stmt)) < 0)
		return err;
	int rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		err = store_rc(st, rc, "set journal mode");
	} else if (sqlite3_stricmp((const char *)sqlite3_column_text(stmt, 0), "wal") != 0) {
		log_error("store: the database did not switch to WAL mode");
		err = BBS_ERR_DB;
	}
	sqlite3_finalize(stmt);
	return err;
}

static int set_pragmas(struct store *st)
{
	int err;

	/*
	 * Switching a new file to WAL needs an exclusive lock, and when other processes open the
	 * same new file at that moment SQLite answers BUSY at once instead of calling the busy
	 * handler (measured: 4 processes opening one new file). Once the file is in WAL mode
	 * (which is persistent) this succeeds at once, so the retry only runs on a new file.
	 * Wait with a growing pause, up to about the busy timeout.
	 */
	long waited_ms = 0;
	for (long pause_ms = 1;; pause_ms = pause_ms < 50 ? pause_ms * 2 : 50) {
		err = set_wal(st);
		if (err != BBS_ERR_BUSY || waited_ms >= STORE_BUSY_TIMEOUT_MS)
			break;
		struct timespec ts = { .tv_sec = 0, .tv_nsec = pause_ms * 1000000L };
		nanosleep(&ts, NULL);
		waited_ms += pause_ms;
	}
	if (err == BBS_ERR_BUSY)
		log_warn("store: database busy while switching to WAL mode");
	if (err < 0)
		return err;
	/* FULL syncs the WAL on every commit: a post the UI reported saved survives power loss
	 * and kill -9 (NORMAL may lose the last commits on power loss). */
	return exec_const(st, "PRAGMA synchronous = FULL", "set synchronous");
}

int store_open(const char *path, struct store **out)
{
	struct store *st = NULL;
	int err, version = 0;

	if (!out)
		return BBS_ERR_INVALID;
	*out = NULL;
	if (!path || !*path)
		return BBS_ERR_INVALID;
	if ((err = create_private(path)) < 0)
		return err;

	st = xcalloc(1, sizeof *st);
	int rc = sqlite3_open_v2(path, &st->db,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err = store_rc(st, rc, "open");
		if (err != BBS_ERR_NOMEM)
			err = BBS_ERR_DB;
		goto out;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	/* Hardening: no schema tricks from a tampered file, bounded values and SQL. */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_limit(st->db, SQLITE_LIMIT_LENGTH, 4 * 1024 * 1024);
	sqlite3_limit(st->db, SQLITE_LIMIT_SQL_LENGTH, 64 * 1024);

	if ((err = exec_const(st, "PRAGMA foreign_keys = ON", "enable foreign keys")) < 0)
		goto out;
	/* Refuse a newer schema before changing anything in the file (even its journal mode). */
	if ((err = read_user_version(st, &version)) < 0)
		goto out;
	if ((err = check_not_newer(st, version)) < 0)
		goto out;
	if ((err = set_pragmas(st)) < 0)
		goto out;
	if ((err = migrate(st)) < 0)
		goto out;
	*out = st;
	st = NULL;
out:
	store_close(st);
	return err;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	/* close_v2 never fails for a busy connection; statements are always finalized here. */
	sqlite3_close_v2(st->db);
	free(st);
}

/* ---- settings ---- */

struct setting_get {
	const char *key;
	char *value;
};

static int setting_get_tx(struct store *st, void *ctx)
{
	struct setting_get *g = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT value FROM settings WHERE key = ?1", &stmt);
	if (err < 0)
		goto out;
	if ((err = store_bind_text(stmt, 1, g->key)) < 0)
		goto out;
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		g->value = store_col_text(stmt, 0);
	else if (rc == SQLITE_DONE)
		err = BBS_ERR_NOTFOUND;
	else
		err = store_rc(st, rc, "read setting");
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_setting_get(struct store *st, const char *key, char **out)
{
	if (!out)
		return BBS_ERR_INVALID;
	*out = NULL;
	if (!store_slug_valid(key, STORE_SLUG_MAX))
		return BBS_ERR_INVALID;
	struct setting_get g = { .key = key };
	int err = store_tx(st, false, setting_get_tx, &g);
	if (err < 0)
		return err;
	*out = g.value;
	return BBS_OK;
}

struct setting_set {
	const char *key;
	const char *value;
};

static int setting_set_tx(struct store *st, void *ctx)
{
	struct setting_set *s = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st,
		"INSERT INTO settings (key, value) VALUES (?1, ?2) "
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value", &stmt);
	if (err < 0)
		goto out;
	if ((err = store_bind_text(stmt, 1, s->key)) < 0 || (err = store_bind_text(stmt, 2, s->value)) < 0)
		goto out;
	err = store_exec_stmt(st, stmt, "write setting");
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_setting_set(struct store *st, const char *key, const char *value)
{
	char *clean = NULL;
	if (!store_slug_valid(key, STORE_SLUG_MAX) || !value)
		return BBS_ERR_INVALID;
	int err = store_clean(value, STORE_SETTING_MAX, 0, &clean);
	if (err < 0)
		return err;
	struct setting_set s = { .key = key, .value = clean };
	err = store_tx(st, true, setting_set_tx, &s);
	free(clean);
	return err < 0 ? err : BBS_OK;
}
