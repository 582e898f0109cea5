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

	/*
	 * 2: discussion boards. Counters (boards.threads, threads.posts/last_seq/last_post_*) are
	 * kept by the posting transactions so that lists never count posts. Read state is a
	 * per-board watermark (board_reads.read_upto: every post with id <= it is read; set by
	 * "mark board/all read") plus per-discussion thread_reads rows for what was read since;
	 * marking a board read deletes the rows the watermark covers, so unread counts scan only
	 * what changed since the last "mark read". posts.id is AUTOINCREMENT so that ids only
	 * grow: the watermark compares post ids, and within a discussion seq and id grow together.
	 * post_search is an external-content FTS5 index over post_search_src; it is kept in sync
	 * by the store's own code (store-board.c), not by triggers, because with trusted_schema
	 * off SQLite refuses virtual tables inside triggers. Deleted posts are not in it.
	 */
	"CREATE TABLE boards ("
	"  id INTEGER PRIMARY KEY,"
	"  area_id INTEGER REFERENCES areas(id),"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),"
	"  threads INTEGER NOT NULL DEFAULT 0,"
	"  last_post_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE TABLE threads ("
	"  id INTEGER PRIMARY KEY,"
	"  board_id INTEGER NOT NULL REFERENCES boards(id),"
	"  title TEXT NOT NULL,"
	"  author_id INTEGER NOT NULL REFERENCES users(id),"
	"  created INTEGER NOT NULL,"
	"  last_post_at INTEGER NOT NULL,"
	"  last_post_id INTEGER NOT NULL DEFAULT 0,"
	"  posts INTEGER NOT NULL DEFAULT 0,"
	"  last_seq INTEGER NOT NULL DEFAULT 0,"
	"  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),"
	"  locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),"
	"  client_token TEXT"
	") STRICT;"
	/* A board page at any offset walks this index only (id is in it). */
	"CREATE INDEX threads_page ON threads(board_id, pinned DESC, last_post_at DESC, id DESC);"
	/* Unread counts and next unread: the discussions active since a board watermark. */
	"CREATE INDEX threads_activity ON threads(board_id, last_post_id);"
	"CREATE UNIQUE INDEX threads_token ON threads(author_id, client_token) "
	"  WHERE client_token IS NOT NULL;"
	"CREATE TABLE posts ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  thread_id INTEGER NOT NULL REFERENCES threads(id),"
	"  seq INTEGER NOT NULL CHECK (seq >= 1),"
	"  author_id INTEGER NOT NULL REFERENCES users(id),"
	"  body TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  edited INTEGER NOT NULL DEFAULT 0,"
	"  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
	"  quote_of INTEGER REFERENCES posts(id),"
	"  client_token TEXT,"
	"  UNIQUE (thread_id, seq)"
	") STRICT;"
	"CREATE UNIQUE INDEX posts_token ON posts(author_id, client_token) "
	"  WHERE client_token IS NOT NULL;"
	"CREATE TABLE post_versions ("
	"  id INTEGER PRIMARY KEY,"
	"  post_id INTEGER NOT NULL REFERENCES posts(id),"
	"  body TEXT NOT NULL,"
	"  created INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX post_versions_post ON post_versions(post_id, id);"
	"CREATE TABLE thread_reads ("
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,"
	"  last_read_seq INTEGER NOT NULL,"
	"  PRIMARY KEY (user_id, thread_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE board_reads ("
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,"
	"  read_upto INTEGER NOT NULL,"
	"  PRIMARY KEY (user_id, board_id)"
	") STRICT, WITHOUT ROWID;"
	/* A rowid table: INSERT OR REPLACE gives a saved draft a new, larger rowid, which breaks
	 * ties between drafts saved in the same second (store_draft_latest). */
	"CREATE TABLE drafts ("
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  context TEXT NOT NULL,"
	"  title TEXT NOT NULL DEFAULT '',"
	"  body TEXT NOT NULL DEFAULT '',"
	"  updated INTEGER NOT NULL,"
	"  PRIMARY KEY (user_id, context)"
	") STRICT;"
	"CREATE INDEX drafts_latest ON drafts(user_id, updated);"
	/* What the search index holds for each post: the discussion title with its first post
	 * only (so a title match finds the discussion once), nothing for deleted posts. */
	"CREATE VIEW post_search_src AS SELECT p.id AS id,"
	"  CASE WHEN p.deleted = 0 AND p.seq = 1 THEN t.title ELSE '' END AS title,"
	"  CASE WHEN p.deleted = 0 THEN p.body ELSE '' END AS body"
	"  FROM posts p JOIN threads t ON t.id = p.thread_id;"
	"CREATE VIRTUAL TABLE post_search USING fts5(title, body, content='post_search_src',"
	"  content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
	/* A word in the title weighs twice a word in a body. */
	"INSERT INTO post_search(post_search, rank) VALUES ('rank', 'bm25(2.0, 1.0)');"
	"PRAGMA user_version = 2;",

	/*
	 * 3: the challenge question. A member's region (for the open results) and the link from a
	 * discussion to the challenge it was promoted from. Endorsement counts are never stored:
	 * they are count(*) over endorsements, whose primary key makes each member count once
	 * (a merge copies the merged challenge's endorsers with INSERT OR IGNORE). The moderation
	 * record keeps the actor's role, not their name (members see it; the names are in
	 * actor_id for the sysops). At most one question is current (a partial unique index).
	 */
	"ALTER TABLE users ADD COLUMN region TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE questions ("
	"  id INTEGER PRIMARY KEY,"
	"  text TEXT NOT NULL,"
	"  intro TEXT NOT NULL DEFAULT '',"
	"  opens INTEGER NOT NULL DEFAULT 0,"
	"  closes INTEGER NOT NULL DEFAULT 0,"
	"  reveal_after_answer INTEGER NOT NULL DEFAULT 0 CHECK (reveal_after_answer IN (0, 1)),"
	"  current INTEGER NOT NULL DEFAULT 0 CHECK (current IN (0, 1)),"
	"  created INTEGER NOT NULL"
	") STRICT;"
	"CREATE UNIQUE INDEX questions_current ON questions(current) WHERE current = 1;"
	"CREATE TABLE challenges ("
	"  id INTEGER PRIMARY KEY,"
	"  question_id INTEGER NOT NULL REFERENCES questions(id),"
	"  author_id INTEGER NOT NULL REFERENCES users(id),"
	"  title TEXT NOT NULL,"
	"  body TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  edited INTEGER NOT NULL DEFAULT 0,"
	"  withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),"
	"  hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),"
	"  hidden_reason TEXT NOT NULL DEFAULT '',"
	"  hidden_at INTEGER NOT NULL DEFAULT 0,"
	"  merged_into INTEGER REFERENCES challenges(id),"
	"  thread_id INTEGER REFERENCES threads(id),"
	"  client_token TEXT"
	") STRICT;"
	"CREATE INDEX challenges_question ON challenges(question_id, created);"
	"CREATE INDEX challenges_author ON challenges(author_id, question_id);"
	"CREATE UNIQUE INDEX challenges_token ON challenges(author_id, client_token) "
	"  WHERE client_token IS NOT NULL;"
	"CREATE TABLE challenge_areas ("
	"  challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,"
	"  area_id INTEGER NOT NULL REFERENCES areas(id),"
	"  PRIMARY KEY (challenge_id, area_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX challenge_areas_area ON challenge_areas(area_id, challenge_id);"
	"CREATE TABLE endorsements ("
	"  challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (challenge_id, user_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX endorsements_user ON endorsements(user_id, challenge_id);"
	/* Members credited on a challenge after a merge (the merged challenge's author). */
	"CREATE TABLE credits ("
	"  challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (challenge_id, user_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE moderation_log ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  actor_id INTEGER NOT NULL REFERENCES users(id),"
	"  actor_role INTEGER NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  reason TEXT NOT NULL DEFAULT ''"
	") STRICT;"
	/* Added after challenges exists; an added column with REFERENCES must default to NULL. */
	"ALTER TABLE threads ADD COLUMN challenge_id INTEGER REFERENCES challenges(id);"
	"PRAGMA user_version = 3;",

	/*
	 * 4: membership. users gains the profile and preference columns, and its status CHECK
	 * allows PENDING (2) and DECLINED (3): a CHECK cannot be altered, so the table is rebuilt
	 * (SQLite's documented procedure; ids are copied, so every reference stays valid). This
	 * needs foreign keys off, which open_at does around migrations; migrate_step runs
	 * PRAGMA foreign_key_check afterwards. Existing statuses keep their numbers.
	 * An application is one row per applicant (the pending member); pending means
	 * decided = 0. Invites keep only the hash of the code (UNIQUE); their state is computed
	 * (used, revoked, expired by time). Messages are kept once, with a deleted flag for each
	 * party; the indexes serve the inbox and sent listings (newest first by id) and the
	 * unread count. A member's announcements read state is one watermark (seen_upto).
	 */
	"CREATE TABLE users_v4 ("
	"  id INTEGER PRIMARY KEY,"
	"  handle TEXT NOT NULL UNIQUE CHECK (length(handle) BETWEEN 2 AND 32),"
	"  display_name TEXT NOT NULL DEFAULT '',"
	"  organisation TEXT NOT NULL DEFAULT '',"
	"  sector TEXT NOT NULL DEFAULT '',"
	"  country TEXT NOT NULL DEFAULT '',"
	"  role INTEGER NOT NULL DEFAULT 1 CHECK (role IN (1, 2, 3)),"
	"  status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2, 3)),"
	"  pwhash TEXT,"
	"  created INTEGER NOT NULL,"
	"  last_login INTEGER NOT NULL DEFAULT 0,"
	"  region TEXT NOT NULL DEFAULT '',"
	"  bio TEXT NOT NULL DEFAULT '',"
	"  in_directory INTEGER NOT NULL DEFAULT 1 CHECK (in_directory IN (0, 1)),"
	"  named_endorsements INTEGER NOT NULL DEFAULT 0 CHECK (named_endorsements IN (0, 1)),"
	"  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),"
	"  timezone TEXT NOT NULL DEFAULT '',"
	"  ascii_only INTEGER NOT NULL DEFAULT 0 CHECK (ascii_only IN (0, 1)),"
	"  colour INTEGER NOT NULL DEFAULT 1 CHECK (colour IN (0, 1))"
	") STRICT;"
	"INSERT INTO users_v4 (id, handle, display_name, organisation, sector, country, role,"
	"  status, pwhash, created, last_login, region)"
	"  SELECT id, handle, display_name, organisation, sector, country, role, status, pwhash,"
	"  created, last_login, region FROM users;"
	"DROP TABLE users;"
	"ALTER TABLE users_v4 RENAME TO users;"
	"CREATE INDEX users_status ON users(status, in_directory);"
	"CREATE TABLE applications ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	"  reason TEXT NOT NULL,"
	"  contact TEXT NOT NULL,"
	"  login TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  decided INTEGER NOT NULL DEFAULT 0,"
	"  decided_by INTEGER REFERENCES users(id)"
	") STRICT;"
	"CREATE INDEX applications_pending ON applications(decided, created);"
	"CREATE TABLE invites ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  code_hash TEXT NOT NULL UNIQUE,"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES users(id),"
	"  role INTEGER NOT NULL DEFAULT 1 CHECK (role IN (1, 2, 3)),"
	"  organisation TEXT NOT NULL DEFAULT '',"
	"  sector TEXT NOT NULL DEFAULT '',"
	"  note TEXT NOT NULL DEFAULT '',"
	"  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),"
	"  used_by INTEGER REFERENCES users(id),"
	"  used_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  sender_id INTEGER NOT NULL REFERENCES users(id),"
	"  recipient_id INTEGER NOT NULL REFERENCES users(id),"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  read_at INTEGER NOT NULL DEFAULT 0,"
	"  reply_to INTEGER REFERENCES messages(id),"
	"  sender_deleted INTEGER NOT NULL DEFAULT 0 CHECK (sender_deleted IN (0, 1)),"
	"  recipient_deleted INTEGER NOT NULL DEFAULT 0 CHECK (recipient_deleted IN (0, 1)),"
	"  client_token TEXT,"
	"  CHECK (sender_id != recipient_id)"
	") STRICT;"
	"CREATE INDEX messages_inbox ON messages(recipient_id, recipient_deleted, id);"
	"CREATE INDEX messages_sent ON messages(sender_id, sender_deleted, id);"
	/* Only unread messages; all three equalities, so the planner prefers it to the inbox
	 * index for counting (and it covers the blocked-sender check). */
	"CREATE INDEX messages_unread ON messages(recipient_id, recipient_deleted, read_at, sender_id)"
	"  WHERE read_at = 0;"
	"CREATE UNIQUE INDEX messages_token ON messages(sender_id, client_token) "
	"  WHERE client_token IS NOT NULL;"
	"CREATE TABLE blocks ("
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  blocked_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (user_id, blocked_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE announcements ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  title TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  author_id INTEGER REFERENCES users(id),"
	"  created INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE announcement_seen ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	"  seen_upto INTEGER NOT NULL"
	") STRICT;"
	"PRAGMA user_version = 4;",

	/*
	 * 5: administration, moderation and the audit log. users gains the verified mark and
	 * silencing; posts can be hidden by moderators, and the search index's source view is
	 * redefined so that hidden posts, like deleted ones, hold nothing (the store takes a
	 * post out of the index before hiding it and puts it back after unhiding). The
	 * moderation record's actor may now be the console (NULL): the table is rebuilt (ids
	 * kept). The audit log is a hash chain (store-audit.c): its ids are given by the store
	 * (previous + 1) and audit_head keeps the last id and hash so that removing the newest
	 * entries is detected too. The source address is outside the chain (it may be
	 * forgotten). sessions are live SSH sessions (pid and its start time identify the
	 * process); reports are members' reports to the moderators, one per member and thing.
	 */
	"ALTER TABLE users ADD COLUMN verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1));"
	"ALTER TABLE users ADD COLUMN silenced_until INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN silence_reason TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE posts ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));"
	"ALTER TABLE posts ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE posts ADD COLUMN hidden_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE posts ADD COLUMN hidden_by INTEGER REFERENCES users(id);"
	"DROP VIEW post_search_src;"
	"CREATE VIEW post_search_src AS SELECT p.id AS id,"
	"  CASE WHEN p.deleted = 0 AND p.hidden = 0 AND p.seq = 1 THEN t.title ELSE '' END AS title,"
	"  CASE WHEN p.deleted = 0 AND p.hidden = 0 THEN p.body ELSE '' END AS body"
	"  FROM posts p JOIN threads t ON t.id = p.thread_id;"
	"CREATE TABLE moderation_log_v5 ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  actor_id INTEGER REFERENCES users(id),"
	"  actor_role INTEGER NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  reason TEXT NOT NULL DEFAULT ''"
	") STRICT;"
	"INSERT INTO moderation_log_v5 (id, at, actor_id, actor_role, action, target, reason)"
	"  SELECT id, at, actor_id, actor_role, action, target, reason FROM moderation_log;"
	"DROP TABLE moderation_log;"
	"ALTER TABLE moderation_log_v5 RENAME TO moderation_log;"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL DEFAULT '',"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  source TEXT NOT NULL DEFAULT '',"
	"  hash TEXT NOT NULL,"
	"  prev_hash TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX audit_at ON audit(at);"
	"CREATE TABLE audit_head ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  last_id INTEGER NOT NULL,"
	"  hash TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('member', 'guest', 'join', 'command')),"
	"  pid INTEGER NOT NULL CHECK (pid > 0),"
	"  pid_start INTEGER NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  source TEXT NOT NULL DEFAULT ''"
	") STRICT;"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE reports ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3)),"
	"  target_id INTEGER NOT NULL,"
	"  reporter_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  target TEXT NOT NULL,"
	"  excerpt TEXT NOT NULL DEFAULT '',"
	"  reason TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  resolved INTEGER NOT NULL DEFAULT 0,"
	"  resolved_by INTEGER REFERENCES users(id),"
	"  resolution TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (reporter_id, kind, target_id)"
	") STRICT;"
	"CREATE INDEX reports_queue ON reports(resolved, created);"
	"PRAGMA user_version = 5;",

	/* 6: failed password logins per account name, for the login backoff (issue 8; see
	 * store-throttle.c). Keyed by the name as typed (a blob of at most 64 bytes), whether or
	 * not a member has it, so that the delay never tells whether an account exists. */
	"CREATE TABLE auth_throttle ("
	"  name BLOB PRIMARY KEY NOT NULL CHECK (length(name) <= 64),"
	"  failures INTEGER NOT NULL CHECK (failures >= 0),"
	"  last_at INTEGER NOT NULL"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX auth_throttle_age ON auth_throttle(last_at);"
	"PRAGMA user_version = 6;",

	/* 7: low-bandwidth preferences and resuming after a dropped link (issue 7), removed
	 * members (issue 10). compact: the denser screen layout; line_mode: the plain line mode
	 * instead of the full-screen UI; resume: where the member was when the link dropped
	 * ("" when they logged off normally; a short word string the UI writes and parses);
	 * removed: a sysop deleted the member (their row stays so that what they wrote keeps
	 * an author; the handle and profile are replaced, see store_user_remove). */
	"ALTER TABLE users ADD COLUMN compact INTEGER NOT NULL DEFAULT 0 CHECK (compact IN (0, 1));"
	"ALTER TABLE users ADD COLUMN line_mode INTEGER NOT NULL DEFAULT 0"
	"  CHECK (line_mode IN (0, 1));"
	"ALTER TABLE users ADD COLUMN resume TEXT NOT NULL DEFAULT '' CHECK (length(resume) <= 200);"
	"ALTER TABLE users ADD COLUMN removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1));"
	"PRAGMA user_version = 7;",
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

int store_bind_i64(sqlite3_stmt *stmt, int idx, int64_t v)
{
	return sqlite3_bind_int64(stmt, idx, v) == SQLITE_OK ? BBS_OK : BBS_ERR_DB;
}

int store_bind_i64s(sqlite3_stmt *stmt, const int64_t *args, int nargs)
{
	for (int i = 0; i < nargs; i++)
		if (sqlite3_bind_int64(stmt, i + 1, args[i]) != SQLITE_OK)
			return BBS_ERR_DB;
	return BBS_OK;
}

int store_step_row(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return BBS_OK;
	return rc == SQLITE_DONE ? BBS_ERR_NOTFOUND : store_rc(st, rc, what);
}

int store_collect(struct store *st, sqlite3_stmt *stmt, const struct store_row_type *type,
	size_t max, struct store_rows *rows, const char *what)
{
	unsigned char *v = NULL;
	size_t n = 0, cap = 0;
	int rc = SQLITE_DONE;

	rows->v = NULL;
	rows->n = 0;
	/* The limit is checked before stepping: no row past it is read. */
	while (n < max && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if (cap > max)
				cap = max;
			v = xrealloc(v, cap * type->size);
		}
		void *elem = v + n * type->size;
		memset(elem, 0, type->size);
		type->read(stmt, elem);
		n++;
	}
	rows->v = v;
	rows->n = n;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return BBS_OK;
	store_rows_free(type, rows);
	return store_rc(st, rc, what);
}

int store_select(struct store *st, const char *sql, const int64_t *args, int nargs,
	const struct store_row_type *type, size_t max, struct store_rows *rows, const char *what)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, sql, &stmt);
	if (err >= 0 && (err = store_bind_i64s(stmt, args, nargs)) >= 0)
		err = store_collect(st, stmt, type, max, rows, what);
	sqlite3_finalize(stmt);
	return err;
}

void store_rows_free(const struct store_row_type *type, struct store_rows *rows)
{
	if (!rows || !rows->v)
		return;
	if (type->finish)
		for (size_t i = 0; i < rows->n; i++)
			type->finish((unsigned char *)rows->v + i * type->size);
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
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

int store_run_i64(struct store *st, const char *sql, const int64_t *args, int nargs,
	int64_t *out, const char *what)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, sql, &stmt);
	if (err < 0 || (err = store_bind_i64s(stmt, args, nargs)) < 0)
		goto out;
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if (out)
			*out = sqlite3_column_int64(stmt, 0);
		err = 1;
	} else if (rc == SQLITE_DONE) {
		err = 0;
	} else {
		err = store_rc(st, rc, what);
	}
out:
	sqlite3_finalize(stmt);
	return err;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\n';
}

int store_clean_text(const char *s, size_t max, bool multiline, char **out)
{
	char *clean = NULL;
	*out = NULL;
	if (!s)
		return BBS_ERR_INVALID;
	int err = store_clean(s, max, multiline ? TEXT_MULTILINE : 0, &clean);
	if (err < 0)
		return err;
	size_t start = 0, end = strlen(clean);
	while (end > 0 && is_space(clean[end - 1]))
		end--;
	for (size_t i = 0; i < end && is_space(clean[i]); i++)
		if (!multiline || clean[i] == '\n')
			start = i + 1;
	if (!multiline)
		while (start < end && clean[start] == ' ')
			start++;
	if (start >= end) {
		free(clean);
		return BBS_ERR_INVALID;
	}
	*out = xstrndup(clean + start, end - start);
	free(clean);
	return BBS_OK;
}

int store_clean_optional(const char *s, size_t max, bool multiline, char **out)
{
	int err = store_clean_text(s ? s : "", max, multiline, out);
	if (err == BBS_ERR_INVALID) {
		*out = xstrdup("");
		err = BBS_OK;
	}
	return err;
}

bool store_client_token_ok(const char *token)
{
	return !token || store_token_valid(token, STORE_CLIENT_TOKEN_MAX);
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

int store_write(struct store *st, store_tx_fn fn, void *ctx)
{
	int err = store_tx(st, true, fn, ctx);
	return err < 0 ? err : BBS_OK;
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
	return store_write(st, change_row_tx, &c);
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
	const int *target = ctx;
	int version = 0;
	int err = read_user_version(st, &version);
	if (err < 0)
		return err;
	if ((err = check_not_newer(st, version)) < 0)
		return err;
	if (version >= *target)
		return 0;
	int rc = sqlite3_exec(st->db, migrations[version], NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		err = store_rc(st, rc, "migrate");
		return err == BBS_ERR_BUSY ? err : BBS_ERR_DB;
	}
	/* A step that rebuilds a table runs with foreign keys off (open_at): check that every
	 * reference still holds before committing. */
	if ((err = store_run_i64(st, "PRAGMA foreign_key_check", NULL, 0, NULL, "migrate")) < 0)
		return err == BBS_ERR_BUSY ? err : BBS_ERR_DB;
	if (err == 1) {
		log_error("store: migration %d broke a foreign key", version + 1);
		return BBS_ERR_DB;
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

/* Migrates forward to schema version target (SCHEMA_VERSION but in migration tests). */
static int migrate(struct store *st, int target)
{
	for (;;) {
		int err = store_tx(st, true, migrate_step, &target);
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
	/* Only a missing file is created (O_EXCL): opening and closing a descriptor on an existing
	 * database would drop every POSIX lock this process holds on it, including those of a
	 * connection already open, and SQLite would then lose track of its WAL. */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0 && errno == EEXIST)
		return BBS_OK;
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

static int open_at(const char *path, int target, struct store **out)
{
	struct store *st = NULL;
	int err, version = 0;

	if (!out)
		return BBS_ERR_INVALID;
	*out = NULL;
	if (!path || !*path || target < 1 || target > SCHEMA_VERSION)
		return BBS_ERR_INVALID;
	if ((err = create_private(path)) < 0)
		return err;

	/* No bulk page-cache allocation up front: every member has a process with its own
	 * connection, and pages on demand cost about 85 kB less per process. It must be set before
	 * SQLite initialises (the first open); later calls fail harmlessly. */
	static bool configured;
	if (!configured) {
		configured = true;
		(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
	}
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
	/* Migrations that rebuild a table need foreign keys off: dropping the old table would
	 * otherwise delete (cascade) every row that refers to it. The pragma is a no-op inside a
	 * transaction, so it is switched here, around the migration transactions. */
	if (version < target) {
		if ((err = exec_const(st, "PRAGMA foreign_keys = OFF", "disable foreign keys")) < 0)
			goto out;
		err = migrate(st, target);
		int err2 = exec_const(st, "PRAGMA foreign_keys = ON", "enable foreign keys");
		if (err < 0 || (err = err2) < 0)
			goto out;
	}
	*out = st;
	st = NULL;
out:
	store_close(st);
	return err;
}

int store_open(const char *path, struct store **out)
{
	return open_at(path, SCHEMA_VERSION, out);
}

int store_open_at_version(const char *path, int version, struct store **out)
{
	return open_at(path, version, out);
}

int store_relax_sync(struct store *st)
{
	if (!st)
		return BBS_ERR_INVALID;
	return exec_const(st, "PRAGMA synchronous = NORMAL", "relax synchronous");
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
	if (err >= 0 && (err = store_bind_text(stmt, 1, g->key)) >= 0
	    && (err = store_step_row(st, stmt, "read setting")) >= 0)
		g->value = store_col_text(stmt, 0);
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
	if (err >= 0 && (err = store_bind_text(stmt, 1, s->key)) >= 0
	    && (err = store_bind_text(stmt, 2, s->value)) >= 0)
		err = store_exec_stmt(st, stmt, "write setting");
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
