/*
 * store-audit.c: the audit log (a hash chain over every sysop and moderator action, logins,
 * key and password changes), who an actor is (roles, the console), silencing checks and the
 * public moderation record that members see.
 *
 * The chain: entry i's hash is keys_hash_hex over a canonical serialisation of (id, at,
 * actor, action, target, detail, prev_hash) in which every field is length-prefixed, so no
 * two different entries serialise alike. Entries are appended only inside write
 * transactions (BEGIN IMMEDIATE), so the previous hash read there is the true last one and
 * two processes never fork the chain. audit_head holds the last id and hash: deleting the
 * newest entries is detected too (the chain alone would end earlier and still verify), and
 * an append after such a deletion keeps the gap visible. The source address is kept beside
 * the chain, not in it, so that store_forget_sources can drop it.
 *
 * Must never: write an entry outside the caller's transaction for the action it records,
 * refuse an entry for its size (it is cut instead), store uncleaned text, let the console's
 * or an unknown actor's entry pass as a member's, or change an entry once written (only the
 * source may be cleared).
 */
#include "store/private.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "text/text.h"

#define AUDIT_PAGE_MAX 1000
#define AUDIT_FILTER_WORDS 8
#define AUDIT_ACTION_MAX 64

/* ---- cleaning and cutting ---- */

/* Backs n off to the start of a UTF-8 sequence in s. */
static size_t utf8_floor(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/*
 * s cleaned as one line and cut to at most STORE_FIELD_MAX bytes at a character boundary,
 * ending in "..." when cut. Only a bounded prefix of s is ever looked at. NULL gives "".
 */
static char *audit_text(const char *s)
{
	if (!s)
		return xstrdup("");
	/* Enough input for a full field even when cleaning removes characters. */
	size_t in = strnlen(s, STORE_FIELD_MAX * 4 + 1);
	bool cut = in > STORE_FIELD_MAX * 4;
	if (cut)
		in = utf8_floor(s, STORE_FIELD_MAX * 4);
	char *clean = text_sanitize(s, in, 0);
	size_t len = strlen(clean);
	if (len > STORE_FIELD_MAX || cut) {
		size_t keep = len > STORE_FIELD_MAX - 3 ? utf8_floor(clean, STORE_FIELD_MAX - 3) : len;
		clean = xrealloc(clean, keep + 4);
		memcpy(clean + keep, "...", 4);
	}
	return clean;
}

/* ---- the chain ---- */

struct audit_entry {
	int64_t id, at;
	const char *actor, *action, *target, *detail, *prev_hash;
};

static void put_field(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	char prefix[32];
	int p = snprintf(prefix, sizeof prefix, "%zu:", n);
	size_t need = *len + (size_t)p + n + 1;
	if (need > *cap) {
		*cap = need * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, prefix, (size_t)p);
	memcpy(*buf + *len + p, s, n);
	(*buf)[*len + p + n] = '\n';
	*len += (size_t)p + n + 1;
}

/* The entry's hash: BLAKE2b-256 over "audit-v1\n" and each field as "LENGTH:BYTES\n". */
static void audit_hash(const struct audit_entry *e, char out[KEYS_HASH_HEX_LEN])
{
	char num[2][32];
	size_t len = 0, cap = 512;
	char *buf = xmalloc(cap);
	snprintf(num[0], sizeof num[0], "%" PRId64, e->id);
	snprintf(num[1], sizeof num[1], "%" PRId64, e->at);
	const char *fields[7] = { num[0], num[1], e->actor, e->action, e->target, e->detail,
		e->prev_hash };
	put_field(&buf, &len, &cap, "audit-v1", 8);
	for (int i = 0; i < 7; i++)
		put_field(&buf, &len, &cap, fields[i], strlen(fields[i]));
	keys_hash_hex(buf, len, out);
	free(buf);
}

/* The actor's name for the log: "console", "-", the handle, or "#ID" for an id that names
 * nobody (kept so that the entry still says who it claimed to be). */
static int actor_name(struct store *st, int64_t actor_id, char **out)
{
	*out = NULL;
	if (actor_id == 0) {
		*out = xstrdup("console");
		return BBS_OK;
	}
	if (actor_id < 0) {
		*out = xstrdup("-");
		return BBS_OK;
	}
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT handle FROM users WHERE id = ?1", &stmt);
	if (err >= 0 && (err = store_bind_i64(stmt, 1, actor_id)) >= 0
	    && (err = store_step_row(st, stmt, "read actor")) >= 0)
		*out = store_col_text(stmt, 0);
	sqlite3_finalize(stmt);
	if (err == BBS_ERR_NOTFOUND) {
		*out = xasprintf("#%" PRId64, actor_id);
		err = BBS_OK;
	}
	return err;
}

/* The id and hash the next entry follows: audit_head when it is there (so that a deleted
 * tail stays a visible gap), else the newest entry, else nothing (id 0, ""). */
static int chain_tail(struct store *st, int64_t *last_id, char **last_hash)
{
	sqlite3_stmt *stmt = NULL;
	*last_id = 0;
	*last_hash = NULL;
	int err = store_prepare(st, "SELECT last_id, hash FROM audit_head WHERE one = 1 "
		"UNION ALL SELECT * FROM (SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1)",
		&stmt);
	if (err >= 0 && (err = store_step_row(st, stmt, "read audit head")) >= 0) {
		*last_id = sqlite3_column_int64(stmt, 0);
		*last_hash = store_col_text(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (err == BBS_ERR_NOTFOUND) {
		*last_hash = xstrdup("");
		err = BBS_OK;
	}
	return err;
}

int store_audit_add(struct store *st, int64_t actor_id, const char *action, const char *target,
	const char *detail, const char *source)
{
	char *actor = NULL, *prev = NULL, *text[3] = { NULL, NULL, NULL };
	char hash[KEYS_HASH_HEX_LEN];
	sqlite3_stmt *stmt = NULL;
	int64_t last_id = 0;

	if (!store_slug_valid(action, AUDIT_ACTION_MAX))
		return BBS_ERR_INVALID;
	int err = actor_name(st, actor_id, &actor);
	if (err < 0 || (err = chain_tail(st, &last_id, &prev)) < 0)
		goto out;
	text[0] = audit_text(target);
	text[1] = audit_text(detail);
	text[2] = audit_text(source);
	struct audit_entry e = { .id = last_id + 1, .at = bbs_now(), .actor = actor,
		.action = action, .target = text[0], .detail = text[1], .prev_hash = prev };
	audit_hash(&e, hash);
	if (!hash[0]) {
		err = BBS_ERR_CRYPTO;
		goto out;
	}
	int64_t args[2] = { e.id, e.at };
	if ((err = store_prepare(st, "INSERT INTO audit (id, at, actor, action, target, detail, "
		     "source, hash, prev_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &stmt)) < 0
	    || (err = store_bind_i64s(stmt, args, 2)) < 0
	    || (err = store_bind_text(stmt, 3, actor)) < 0
	    || (err = store_bind_text(stmt, 4, action)) < 0
	    || (err = store_bind_text(stmt, 5, text[0])) < 0
	    || (err = store_bind_text(stmt, 6, text[1])) < 0
	    || (err = store_bind_text(stmt, 7, text[2])) < 0
	    || (err = store_bind_text(stmt, 8, hash)) < 0
	    || (err = store_bind_text(stmt, 9, prev)) < 0
	    || (err = store_exec_stmt(st, stmt, "append audit entry")) < 0)
		goto out;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((err = store_prepare(st, "INSERT INTO audit_head (one, last_id, hash) VALUES (1, ?1, ?2) "
		     "ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, "
		     "hash = excluded.hash", &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, e.id)) < 0
	    || (err = store_bind_text(stmt, 2, hash)) < 0)
		goto out;
	err = store_exec_stmt(st, stmt, "append audit entry");
out:
	sqlite3_finalize(stmt);
	free(actor);
	free(prev);
	for (int i = 0; i < 3; i++)
		free(text[i]);
	return err;
}

int store_audit_addf(struct store *st, int64_t actor_id, const char *action, const char *target,
	const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *detail = xmalloc(len > 0 ? (size_t)len + 1 : 1);
	if (len < 0 || vsnprintf(detail, (size_t)len + 1, fmt, ap2) < 0)
		detail[0] = '\0';
	va_end(ap2);
	int err = store_audit_add(st, actor_id, action, target, detail, NULL);
	free(detail);
	return err;
}

struct audit_w {
	int64_t actor_id;
	const char *action, *target, *detail, *source;
};

static int audit_append_tx(struct store *st, void *ctx)
{
	struct audit_w *w = ctx;
	return store_audit_add(st, w->actor_id, w->action, w->target, w->detail, w->source);
}

int store_audit_append(struct store *st, int64_t actor_id, const char *action,
	const char *target, const char *detail, const char *source)
{
	if (!st || actor_id < -1 || !store_slug_valid(action, AUDIT_ACTION_MAX))
		return BBS_ERR_INVALID;
	struct audit_w w = { .actor_id = actor_id, .action = action, .target = target,
		.detail = detail, .source = source };
	return store_write(st, audit_append_tx, &w);
}

struct login_w {
	int64_t user_id, key_id;
	bool touch;
	const char *target, *detail, *source;
};

static int login_record_tx(struct store *st, void *ctx)
{
	struct login_w *w = ctx;
	int64_t args[2] = { w->user_id, bbs_now() };
	int err = 0;
	if (w->touch) {
		err = store_run_i64(st, "UPDATE users SET last_login = ?2 WHERE id = ?1", args, 2,
			NULL, "record login");
		if (err >= 0 && sqlite3_changes(st->db) == 0)
			err = BBS_ERR_NOTFOUND;
	}
	if (err >= 0 && w->key_id > 0) {
		int64_t kargs[3] = { w->key_id, bbs_now(), w->user_id };
		err = store_run_i64(st, "UPDATE user_keys SET last_used = ?2 "
			"WHERE id = ?1 AND user_id = ?3", kargs, 3, NULL, "record key use");
		if (err >= 0 && sqlite3_changes(st->db) == 0)
			err = BBS_ERR_NOTFOUND;   /* no such key of this member */
	}
	if (err >= 0)
		err = store_audit_add(st, w->user_id, "login", w->target, w->detail, w->source);
	return err;
}

int store_login_record(struct store *st, int64_t user_id, bool touch, int64_t key_id,
	const char *target, const char *detail, const char *source)
{
	if (!st || user_id <= 0 || key_id < 0)
		return BBS_ERR_INVALID;
	struct login_w w = { .user_id = user_id, .key_id = key_id, .touch = touch,
		.target = target, .detail = detail, .source = source };
	return store_write(st, login_record_tx, &w);
}

/* ---- reading ---- */

static void read_audit(sqlite3_stmt *stmt, void *elem)
{
	struct store_audit *a = elem;
	a->id = sqlite3_column_int64(stmt, 0);
	a->at = sqlite3_column_int64(stmt, 1);
	a->actor = store_col_text(stmt, 2);
	a->action = store_col_text(stmt, 3);
	a->target = store_col_text(stmt, 4);
	a->detail = store_col_text(stmt, 5);
	a->source = store_col_text(stmt, 6);
	a->hash = store_col_text(stmt, 7);
	a->prev_hash = store_col_text(stmt, 8);
}

static void audit_finish(void *elem)
{
	struct store_audit *a = elem;
	free(a->actor);
	free(a->action);
	free(a->target);
	free(a->detail);
	free(a->source);
	free(a->hash);
	free(a->prev_hash);
}

STORE_ROW_LIST(audit, read_audit, audit_finish)

/* One filter word slot: NULL (unused) or a word that must appear in the entry. */
#define AUDIT_WORD(N) "AND (?" #N " IS NULL OR instr(lower(actor || ' ' || action || ' ' || " \
	"target || ' ' || detail), ?" #N ") > 0) "

struct audit_q {
	char *words[AUDIT_FILTER_WORDS];
	int64_t offset, limit;
	struct store_rows rows;
};

static int audit_list_tx(struct store *st, void *ctx)
{
	struct audit_q *q = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT id, at, actor, action, target, detail, source, hash, "
		"prev_hash FROM audit WHERE 1 " AUDIT_WORD(1) AUDIT_WORD(2) AUDIT_WORD(3) AUDIT_WORD(4)
		AUDIT_WORD(5) AUDIT_WORD(6) AUDIT_WORD(7) AUDIT_WORD(8)
		"ORDER BY id DESC LIMIT ?9 OFFSET ?10", &stmt);
	for (int i = 0; i < AUDIT_FILTER_WORDS && err >= 0; i++)
		err = store_bind_text(stmt, i + 1, q->words[i]);
	if (err >= 0 && (err = store_bind_i64(stmt, 9, q->limit)) >= 0
	    && (err = store_bind_i64(stmt, 10, q->offset)) >= 0)
		err = store_collect(st, stmt, &audit_rows, (size_t)q->limit, &q->rows, "list audit");
	sqlite3_finalize(stmt);
	return err;
}

int store_audit_list(struct store *st, const char *filter, int64_t offset, int64_t limit,
	struct store_audit **v, size_t *n)
{
	struct audit_q q = { 0 };
	char *clean = NULL;
	int nwords = 0, err;

	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (!st || offset < 0 || limit < 1)
		return BBS_ERR_INVALID;
	if ((err = store_clean_optional(filter, STORE_QUERY_MAX, false, &clean)) < 0)
		return err;
	/* ASCII folding, as SQLite's lower() does on the other side. */
	for (char *c = clean; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	for (char *save = NULL, *w = strtok_r(clean, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (nwords == AUDIT_FILTER_WORDS) {
			err = BBS_ERR_INVALID;  /* more words than a filter takes */
			goto out;
		}
		q.words[nwords++] = w;
	}
	q.offset = offset;
	q.limit = limit > AUDIT_PAGE_MAX ? AUDIT_PAGE_MAX : limit;
	if ((err = store_tx(st, false, audit_list_tx, &q)) < 0)
		goto out;
	*v = q.rows.v;
	*n = q.rows.n;
	err = BBS_OK;
out:
	free(clean);
	return err;
}

/* ---- verifying ---- */

struct audit_verify {
	int64_t count;
	int64_t first_bad;   /* 0 while intact */
	char head[KEYS_HASH_HEX_LEN];
};

static const char *col(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? (const char *)s : "";
}

/* Streams the whole log in id order (one read snapshot), recomputing every hash. */
static int audit_verify_tx(struct store *st, void *ctx)
{
	struct audit_verify *r = ctx;
	sqlite3_stmt *stmt = NULL;
	int64_t expect = 1;
	int rc;

	r->count = 0;
	r->first_bad = 0;
	r->head[0] = '\0';
	int err = store_prepare(st, "SELECT id, at, actor, action, target, detail, hash, prev_hash "
		"FROM audit ORDER BY id", &stmt);
	if (err < 0)
		return err;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char hash[KEYS_HASH_HEX_LEN];
		struct audit_entry e = { .id = sqlite3_column_int64(stmt, 0),
			.at = sqlite3_column_int64(stmt, 1), .actor = col(stmt, 2),
			.action = col(stmt, 3), .target = col(stmt, 4), .detail = col(stmt, 5),
			.prev_hash = col(stmt, 7) };
		audit_hash(&e, hash);
		/* An id gap or a wrong prev_hash: an entry before this one was deleted (or its
		 * hash changed); a wrong hash: this entry was changed. */
		if (e.id != expect || strcmp(e.prev_hash, r->head) != 0
		    || strcmp(hash, col(stmt, 6)) != 0) {
			r->first_bad = e.id;
			break;
		}
		bbs_strlcpy(r->head, hash, sizeof r->head);
		r->count++;
		expect = e.id + 1;
	}
	if (r->first_bad == 0 && rc != SQLITE_DONE)
		err = store_rc(st, rc, "verify audit log");
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (err < 0 || r->first_bad)
		return err;

	/* The anchor: the newest entry the store wrote must still be the newest. */
	if ((err = store_prepare(st, "SELECT last_id, hash FROM audit_head WHERE one = 1",
		     &stmt)) < 0)
		return err;
	err = store_step_row(st, stmt, "verify audit log");
	if (err == BBS_ERR_NOTFOUND) {
		/* No anchor: right for an empty log; for a non-empty one it was removed. */
		if (r->count > 0)
			r->first_bad = r->count;
		err = BBS_OK;
	} else if (err == BBS_OK) {
		int64_t last = sqlite3_column_int64(stmt, 0);
		if (last > r->count)
			r->first_bad = r->count + 1;   /* the first of the deleted newest entries */
		else if (last < r->count)
			r->first_bad = last + 1;       /* entries added behind the store's back */
		else if (strcmp(col(stmt, 1), r->head) != 0)
			r->first_bad = last > 0 ? last : 1;
	}
	sqlite3_finalize(stmt);
	return err;
}

int store_audit_verify(struct store *st, int64_t *count, int64_t *first_bad, char **head)
{
	if (count)
		*count = 0;
	if (first_bad)
		*first_bad = 0;
	if (head)
		*head = NULL;
	if (!st || !count || !first_bad)
		return BBS_ERR_INVALID;
	struct audit_verify r = { 0 };
	int err = store_tx(st, false, audit_verify_tx, &r);
	if (err < 0)
		return err;
	if (r.first_bad) {
		*first_bad = r.first_bad;
		*count = r.count;
		return BBS_ERR_INVALID;
	}
	*count = r.count;
	if (head)
		*head = xstrdup(r.head);
	return BBS_OK;
}

/* ---- retention ---- */

struct forget {
	int64_t cutoff;
	int64_t cleared;
};

static int forget_tx(struct store *st, void *ctx)
{
	struct forget *f = ctx;
	int err = store_run_i64(st, "UPDATE audit SET source = '' WHERE at <= ?1 AND source != ''",
		&f->cutoff, 1, NULL, "forget sources");
	if (err < 0)
		return err;
	f->cleared = sqlite3_changes(st->db);
	err = store_run_i64(st, "UPDATE sessions SET source = '' WHERE since <= ?1 AND source != ''",
		&f->cutoff, 1, NULL, "forget sources");
	if (err < 0)
		return err;
	f->cleared += sqlite3_changes(st->db);
	return BBS_OK;
}

int store_forget_sources(struct store *st, int days, int64_t *cleared)
{
	if (cleared)
		*cleared = 0;
	/* Up to 100 years: beyond that the cutoff would be before the epoch anyway. */
	if (!st || days < 0 || days > 36500)
		return BBS_ERR_INVALID;
	struct forget f = { .cutoff = bbs_now() - (int64_t)days * 86400 };
	int err = store_write(st, forget_tx, &f);
	if (err < 0)
		return err;
	if (cleared)
		*cleared = f.cleared;
	return BBS_OK;
}

/* ---- who acts ---- */

int store_actor_role(struct store *st, int64_t actor_id, int *role)
{
	int64_t v = 0;
	*role = 0;
	if (actor_id == 0) {
		*role = STORE_ROLE_SYSOP;
		return BBS_OK;
	}
	if (actor_id < 0)
		return BBS_OK;
	int err = store_run_i64(st, "SELECT role FROM users WHERE id = ?1 AND status = 0",
		&actor_id, 1, &v, "read role");
	if (err < 0)
		return err;
	*role = err == 1 ? (int)v : 0;
	return BBS_OK;
}

int store_require_moderator(struct store *st, int64_t actor_id, int *role)
{
	int r = 0;
	int err = store_actor_role(st, actor_id, &r);
	if (role)
		*role = r;
	if (err < 0)
		return err;
	return r >= STORE_ROLE_MODERATOR ? BBS_OK : BBS_ERR_DENIED;
}

int store_check_silenced(struct store *st, int64_t user_id)
{
	int64_t args[2] = { user_id, bbs_now() }, v = 0;
	int err = store_run_i64(st, "SELECT silenced_until > ?2 FROM users WHERE id = ?1", args, 2,
		&v, "read silence");
	if (err < 0)
		return err;
	return err == 1 && v ? BBS_ERR_DENIED : BBS_OK;
}

int store_modlog_add(struct store *st, int64_t actor_id, int role, const char *action,
	const char *target, const char *reason)
{
	sqlite3_stmt *stmt = NULL;
	int64_t args[3] = { bbs_now(), actor_id, actor_id == 0 ? STORE_ROLE_SYSOP : role };
	int err = store_prepare(st, "INSERT INTO moderation_log (at, actor_id, actor_role, action, "
		"target, reason) VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6)", &stmt);
	if (err >= 0 && (err = store_bind_i64s(stmt, args, 3)) >= 0
	    && (err = store_bind_text(stmt, 4, action)) >= 0
	    && (err = store_bind_text(stmt, 5, target)) >= 0
	    && (err = store_bind_text(stmt, 6, reason ? reason : "")) >= 0)
		err = store_exec_stmt(st, stmt, "write moderation record");
	sqlite3_finalize(stmt);
	return err;
}
