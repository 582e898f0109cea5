/*
 * store-admin.c: what sysops do to members (schema version 5): the admin member list and
 * search, editing a member (profile, role, status, the verified mark) under the last-sysop
 * rule, password resets, adding and revoking keys, and silencing by moderators.
 *
 * Each function checks the actor's role inside its write transaction and writes the audit
 * entry (with old -> new values) in that same transaction, so a change is never made
 * without its record and a record never describes a change that was rolled back.
 *
 * Must never: leave the portal without an active sysop (checked under the write lock, so
 * two sysops demoting each other at once cannot both succeed), let a moderator silence a
 * sysop, store uncleaned text, or put a password hash into an audit entry or a list.
 */
#include "store/private.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_PAGE_MAX 1000
#define SEARCH_WORDS_MAX 16

static char *user_target(const char *handle)
{
	return xasprintf("user %s", handle);
}

/* ---- the member list ---- */

struct search_q {
	char **words;
	size_t nwords;
	int64_t status, role;
	const char *sector, *country;  /* NULL for any */
	int64_t offset, limit;
	struct store_rows rows;        /* of struct store_user * */
};

/* As store_directory: the words are matched here, over the rows the filters leave, so any
 * number of words stays one constant statement. */
static int search_tx(struct store *st, void *ctx)
{
	struct search_q *q = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT " STORE_USER_COLUMNS("NULL") " FROM users u "
		"WHERE u.removed = 0 AND (?1 < 0 OR u.status = ?1) AND (?2 < 0 OR u.role = ?2) "
		"AND (?3 IS NULL OR u.sector = ?3) AND (?4 IS NULL OR u.country = ?4) "
		"ORDER BY u.status != 2, CASE WHEN u.status = 2 THEN u.created ELSE 0 END, "
		"u.handle", &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, q->status)) < 0
	    || (err = store_bind_i64(stmt, 2, q->role)) < 0
	    || (err = store_bind_text(stmt, 3, q->sector)) < 0
	    || (err = store_bind_text(stmt, 4, q->country)) < 0)
		goto out;
	err = store_user_page(st, stmt, q->words, q->nwords, q->offset, q->limit, &q->rows,
		"search members");
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_user_search(struct store *st, const char *query, int status, int role,
	const char *sector, const char *country, int64_t offset, int64_t limit,
	struct store_user ***v, size_t *n)
{
	struct search_q q = { 0 };
	char *clean = NULL, *csector = NULL, *ccountry = NULL;
	int err;

	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (!st || offset < 0 || limit < 1 || status < -1 || status > STORE_STATUS_DECLINED
	    || (role != -1 && (role < STORE_ROLE_MEMBER || role > STORE_ROLE_SYSOP)))
		return BBS_ERR_INVALID;
	if ((err = store_clean_optional(query, STORE_QUERY_MAX, false, &clean)) < 0
	    || (err = store_clean_optional(sector, STORE_FIELD_MAX, false, &csector)) < 0
	    || (err = store_clean_optional(country, STORE_FIELD_MAX, false, &ccountry)) < 0)
		goto out;
	for (char *c = clean; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	q.words = xcalloc(SEARCH_WORDS_MAX, sizeof *q.words);
	for (char *save = NULL, *w = strtok_r(clean, " ", &save); w && q.nwords < SEARCH_WORDS_MAX;
	     w = strtok_r(NULL, " ", &save))
		q.words[q.nwords++] = w;
	q.status = status;
	q.role = role;
	q.sector = *csector ? csector : NULL;
	q.country = *ccountry ? ccountry : NULL;
	q.offset = offset;
	q.limit = limit > SEARCH_PAGE_MAX ? SEARCH_PAGE_MAX : limit;
	if ((err = store_tx(st, false, search_tx, &q)) < 0)
		goto out;
	*v = q.rows.v;
	*n = q.rows.n;
	err = BBS_OK;
out:
	free(q.words);
	free(clean);
	free(csector);
	free(ccountry);
	return err;
}

/* ---- editing a member ---- */

/* The member as it is now, inside the caller's transaction. */
static int load_user(struct store *st, int64_t id, struct store_user **out)
{
	sqlite3_stmt *stmt = NULL;
	*out = NULL;
	int err = store_prepare(st, "SELECT " STORE_USER_COLUMNS("NULL") " FROM users u "
		"WHERE u.id = ?1", &stmt);
	if (err >= 0 && (err = store_bind_i64(stmt, 1, id)) >= 0
	    && (err = store_step_row(st, stmt, "read member")) >= 0)
		*out = store_user_from_row(stmt);
	sqlite3_finalize(stmt);
	return err;
}

/* BBS_ERR_DENIED when user_id is the only active sysop (so it must stay one). */
static int keep_a_sysop(struct store *st, int64_t user_id)
{
	int64_t others = 0;
	int err = store_run_i64(st, "SELECT count(*) FROM users WHERE role = 3 AND status = 0 "
		"AND id != ?1", &user_id, 1, &others, "count sysops");
	if (err < 0)
		return err;
	return others > 0 ? BBS_OK : BBS_ERR_DENIED;
}

struct user_edit {
	int64_t actor_id, user_id;
	char *text[4];       /* display_name, organisation, sector, country; NULL: unchanged */
	int role, status, verified;
};

static const char *const edit_columns[4] = { "display_name", "organisation", "sector",
	"country" };

/* One text column of users: constant SQL per column (never built from input). */
static int set_text(struct store *st, int i, int64_t id, const char *value)
{
	static const char *const sql[4] = {
		"UPDATE users SET display_name = ?2 WHERE id = ?1",
		"UPDATE users SET organisation = ?2 WHERE id = ?1",
		"UPDATE users SET sector = ?2 WHERE id = ?1",
		"UPDATE users SET country = ?2 WHERE id = ?1",
	};
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, sql[i], &stmt);
	if (err >= 0 && (err = store_bind_i64(stmt, 1, id)) >= 0
	    && (err = store_bind_text(stmt, 2, value)) >= 0)
		err = store_exec_stmt(st, stmt, "edit member");
	sqlite3_finalize(stmt);
	return err;
}

static int user_edit_tx(struct store *st, void *ctx)
{
	struct user_edit *e = ctx;
	struct store_user *u = NULL;
	char *target = NULL;
	int err = store_require_sysop(st, e->actor_id);
	if (err < 0 || (err = load_user(st, e->user_id, &u)) < 0)
		goto out;
	int role = e->role ? e->role : u->role;
	int status = e->status >= 0 ? e->status : u->status;
	bool verified = e->verified >= 0 ? e->verified != 0 : u->verified;
	/* Applications are decided with store_application_decide, not here. */
	if (status != u->status && (u->status == STORE_STATUS_PENDING
				    || u->status == STORE_STATUS_DECLINED)) {
		err = BBS_ERR_INVALID;
		goto out;
	}
	/* The last-sysop rule, under the write lock. */
	bool active_sysop = u->role == STORE_ROLE_SYSOP && u->status == STORE_STATUS_ACTIVE;
	if (active_sysop && (role != STORE_ROLE_SYSOP || status != STORE_STATUS_ACTIVE)
	    && (err = keep_a_sysop(st, u->id)) < 0)
		goto out;
	target = user_target(u->handle);
	const char *old[4] = { u->display_name, u->organisation, u->sector, u->country };
	for (int i = 0; i < 4; i++) {
		if (!e->text[i] || strcmp(e->text[i], old[i]) == 0)
			continue;
		if ((err = set_text(st, i, u->id, e->text[i])) < 0
		    || (err = store_audit_addf(st, e->actor_id, "profile", target,
			     "%s: \"%s\" -> \"%s\"", edit_columns[i], old[i], e->text[i])) < 0)
			goto out;
	}
	int64_t args[2] = { u->id, role };
	if (role != u->role
	    && ((err = store_run_i64(st, "UPDATE users SET role = ?2 WHERE id = ?1", args, 2, NULL,
			 "edit member")) < 0
		|| (err = store_audit_addf(st, e->actor_id, "role", target, "%s -> %s",
			 store_role_name(u->role), store_role_name(role))) < 0))
		goto out;
	args[1] = status;
	if (status != u->status
	    && ((err = store_run_i64(st, "UPDATE users SET status = ?2 WHERE id = ?1", args, 2,
			 NULL, "edit member")) < 0
		|| (err = store_audit_addf(st, e->actor_id,
			 status == STORE_STATUS_DISABLED ? "lock" : "unlock", target, "status %s -> %s",
			 store_status_name(u->status), store_status_name(status))) < 0))
		goto out;
	args[1] = verified;
	if (verified != u->verified
	    && ((err = store_run_i64(st, "UPDATE users SET verified = ?2 WHERE id = ?1", args, 2,
			 NULL, "edit member")) < 0
		|| (err = store_audit_add(st, e->actor_id, verified ? "verify" : "unverify", target,
			 verified ? "unverified -> verified" : "verified -> unverified", NULL)) < 0))
		goto out;
	err = BBS_OK;
out:
	free(target);
	store_user_free(u);
	return err;
}

int store_admin_user_edit(struct store *st, int64_t actor_id, int64_t user_id,
	const struct store_user_edit *e)
{
	struct user_edit w = { .actor_id = actor_id, .user_id = user_id };
	int err = BBS_OK;

	if (!st || !e)
		return BBS_ERR_INVALID;
	const char *fields[4] = { e->display_name, e->organisation, e->sector, e->country };
	for (int i = 0; i < 4; i++) {
		if (!fields[i])
			continue;
		int e2 = store_clean_optional(fields[i], STORE_FIELD_MAX, false, &w.text[i]);
		if (e2 < 0 && err == BBS_OK)
			err = e2;
	}
	if (err < 0)
		goto out;
	if ((e->role != 0 && (e->role < STORE_ROLE_MEMBER || e->role > STORE_ROLE_SYSOP))
	    || (e->status != -1 && e->status != STORE_STATUS_ACTIVE
		&& e->status != STORE_STATUS_DISABLED)
	    || e->verified < -1 || e->verified > 1) {
		err = BBS_ERR_INVALID;
		goto out;
	}
	w.role = e->role;
	w.status = e->status;
	w.verified = e->verified;
	err = store_write(st, user_edit_tx, &w);
out:
	for (int i = 0; i < 4; i++)
		free(w.text[i]);
	return err;
}

/* ---- passwords and keys ---- */

struct admin_cred {
	int64_t actor_id, user_id;
	const char *pwhash;                   /* password reset */
	const char *type, *blob, *fp;         /* keys */
	char *comment;
};

/* The target member's handle (BBS_ERR_NOTFOUND for none), after the sysop check. */
static int sysop_and_target(struct store *st, int64_t actor_id, int64_t user_id, char **target)
{
	sqlite3_stmt *stmt = NULL;
	*target = NULL;
	int err = store_require_sysop(st, actor_id);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, "SELECT handle FROM users WHERE id = ?1", &stmt)) >= 0
	    && (err = store_bind_i64(stmt, 1, user_id)) >= 0
	    && (err = store_step_row(st, stmt, "read member")) >= 0)
		*target = user_target((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return err;
}

static int password_reset_tx(struct store *st, void *ctx)
{
	struct admin_cred *c = ctx;
	char *target = NULL;
	sqlite3_stmt *stmt = NULL;
	int err = sysop_and_target(st, c->actor_id, c->user_id, &target);
	if (err < 0)
		goto out;
	if ((err = store_prepare(st, "UPDATE users SET pwhash = ?2, must_change_password = 1 "
		     "WHERE id = ?1", &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, c->user_id)) < 0
	    || (err = store_bind_text(stmt, 2, c->pwhash)) < 0
	    || (err = store_exec_stmt(st, stmt, "reset password")) < 0)
		goto out;
	err = store_audit_add(st, c->actor_id, "password-reset", target,
		"one-time password set; must change at next login", NULL);
out:
	sqlite3_finalize(stmt);
	free(target);
	return err;
}

int store_admin_password_reset(struct store *st, int64_t actor_id, int64_t user_id,
	const char *pwhash)
{
	if (!st || !pwhash || !*pwhash)
		return BBS_ERR_INVALID;
	if (strnlen(pwhash, STORE_TOKEN_MAX + 1) > STORE_TOKEN_MAX)
		return BBS_ERR_TOOBIG;
	if (!store_token_valid(pwhash, STORE_TOKEN_MAX))
		return BBS_ERR_INVALID;
	struct admin_cred c = { .actor_id = actor_id, .user_id = user_id, .pwhash = pwhash };
	return store_write(st, password_reset_tx, &c);
}

static int key_add_tx(struct store *st, void *ctx)
{
	struct admin_cred *c = ctx;
	char *target = NULL;
	int err = sysop_and_target(st, c->actor_id, c->user_id, &target);
	if (err < 0 || (err = store_key_insert(st, c->user_id, c->type, c->blob, c->fp, c->comment,
			     NULL)) < 0)
		goto out;
	err = store_audit_addf(st, c->actor_id, "key-add", target, "%s %s %s", c->type, c->fp,
		c->comment);
out:
	free(target);
	return err;
}

int store_admin_key_add(struct store *st, int64_t actor_id, int64_t user_id, const char *type,
	const char *blob, const char *fingerprint, const char *comment)
{
	if (!st)
		return BBS_ERR_INVALID;
	struct admin_cred c = { .actor_id = actor_id, .user_id = user_id, .type = type,
		.blob = blob, .fp = fingerprint };
	int err = store_key_check(type, blob, fingerprint);
	if (err < 0 || (err = store_clean(comment, STORE_FIELD_MAX, 0, &c.comment)) < 0)
		return err;
	err = store_write(st, key_add_tx, &c);
	free(c.comment);
	return err;
}

static int key_remove_tx(struct store *st, void *ctx)
{
	struct admin_cred *c = ctx;
	char *target = NULL;
	sqlite3_stmt *stmt = NULL;
	int err = sysop_and_target(st, c->actor_id, c->user_id, &target);
	if (err < 0)
		goto out;
	if ((err = store_prepare(st, "DELETE FROM user_keys WHERE user_id = ?1 AND fingerprint = ?2",
		     &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, c->user_id)) < 0
	    || (err = store_bind_text(stmt, 2, c->fp)) < 0
	    || (err = store_exec_stmt(st, stmt, "remove key")) < 0)
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		err = BBS_ERR_NOTFOUND;
		goto out;
	}
	err = store_audit_add(st, c->actor_id, "key-remove", target, c->fp, NULL);
out:
	sqlite3_finalize(stmt);
	free(target);
	return err;
}

int store_admin_key_remove(struct store *st, int64_t actor_id, int64_t user_id,
	const char *fingerprint)
{
	if (!st)
		return BBS_ERR_INVALID;
	if (!store_token_valid(fingerprint, STORE_TOKEN_MAX))
		return BBS_ERR_NOTFOUND;
	struct admin_cred c = { .actor_id = actor_id, .user_id = user_id, .fp = fingerprint };
	return store_write(st, key_remove_tx, &c);
}

/* ---- silencing ---- */

struct silence {
	int64_t actor_id, user_id, until;
	char *reason;
};

static int silence_tx(struct store *st, void *ctx)
{
	struct silence *s = ctx;
	struct store_user *u = NULL;
	char *target = NULL;
	sqlite3_stmt *stmt = NULL;
	int role = 0;
	int err = store_require_moderator(st, s->actor_id, &role);
	if (err < 0 || (err = load_user(st, s->user_id, &u)) < 0)
		goto out;
	if (u->role == STORE_ROLE_SYSOP && role < STORE_ROLE_SYSOP) {
		err = BBS_ERR_DENIED;  /* moderators do not silence sysops */
		goto out;
	}
	if ((err = store_prepare(st, "UPDATE users SET silenced_until = ?2, silence_reason = ?3 "
		     "WHERE id = ?1", &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, u->id)) < 0
	    || (err = store_bind_i64(stmt, 2, s->until)) < 0
	    || (err = store_bind_text(stmt, 3, s->reason)) < 0
	    || (err = store_exec_stmt(st, stmt, "silence member")) < 0)
		goto out;
	target = xasprintf("member %s", u->handle);
	const char *action = s->until ? "silenced" : "unsilenced";
	char *why = s->until ? xasprintf("until %" PRId64 ": %s", s->until, s->reason)
		: xstrdup(s->reason);
	err = store_modlog_add(st, s->actor_id, role, action, target, why);
	if (err >= 0)
		err = store_audit_addf(st, s->actor_id, s->until ? "silence" : "unsilence", target,
			"until %" PRId64 " -> %" PRId64 "%s%s", u->silenced_until, s->until,
			*s->reason ? ": " : "", s->reason);
	free(why);
out:
	sqlite3_finalize(stmt);
	free(target);
	store_user_free(u);
	return err;
}

int store_silence(struct store *st, int64_t actor_id, int64_t user_id, int64_t until,
	const char *reason)
{
	struct silence s = { .actor_id = actor_id, .user_id = user_id, .until = until };
	int err;
	if (!st || until < 0)
		return BBS_ERR_INVALID;
	/* A silence needs its reason; lifting one may say why. */
	if (until > 0)
		err = store_clean_text(reason, STORE_FIELD_MAX, false, &s.reason);
	else
		err = store_clean_optional(reason, STORE_FIELD_MAX, false, &s.reason);
	if (err < 0)
		return err;
	err = store_write(st, silence_tx, &s);
	free(s.reason);
	return err;
}
