/*
 * store-join.c: joining the portal (schema version 4): reserved handles, the sector list, the
 * registration mode, applications (a PENDING member a sysop accepts or declines) and invites
 * (a sysop-made code, kept only as its hash, that makes an ACTIVE member at once).
 *
 * Every joining write is one transaction: the member, their credential and the application
 * (or the used invite) are written together or not at all, so a refused handle leaves an
 * invite valid and a failed key leaves no half-made member behind.
 *
 * Must never: let a handle that store_handle_reserved() names become a member, take an
 * application unless the mode is OPEN or an invite while the mode is CLOSED, let one invite
 * make two members, let more than STORE_PENDING_MAX applications wait at once, store an
 * invite code itself, or let anyone but a sysop (or the console) decide or make invites.
 */
#include "store/private.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const store_sectors[STORE_NSECTORS] = {
	"Government", "Private sector", "Civil society", "Other",
};

bool store_handle_reserved(const char *handle)
{
	static const char *const reserved[] = { "guest", "join" };
	if (!handle)
		return false;
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcasecmp(handle, reserved[i]) == 0)
			return true;
	/* The placeholders of removed members (store-remove.c): never a member's own name. */
	return strncasecmp(handle, "removed-", 8) == 0;
}

int store_require_sysop(struct store *st, int64_t actor_id)
{
	if (actor_id == 0)
		return BBS_OK;
	int64_t role = 0;
	int err = store_run_i64(st, "SELECT role FROM users WHERE id = ?1 AND status = 0",
		&actor_id, 1, &role, "read role");
	if (err < 0)
		return err;
	return err == 1 && role == STORE_ROLE_SYSOP ? BBS_OK : BBS_ERR_DENIED;
}

/* ---- the registration mode ---- */

static const char *const reg_names[] = {
	[STORE_REG_OPEN] = "open",
	[STORE_REG_INVITE] = "invite",
	[STORE_REG_CLOSED] = "closed",
};

const char *store_registration_name(int mode)
{
	return mode >= STORE_REG_OPEN && mode <= STORE_REG_CLOSED ? reg_names[mode] : "?";
}

int store_registration_parse(const char *name, int *mode)
{
	if (!mode)
		return BBS_ERR_INVALID;
	*mode = STORE_REG_OPEN;
	if (!name)
		return BBS_ERR_INVALID;
	for (int m = STORE_REG_OPEN; m <= STORE_REG_CLOSED; m++) {
		if (strcmp(name, reg_names[m]) == 0) {
			*mode = m;
			return BBS_OK;
		}
	}
	return BBS_ERR_INVALID;
}

/* The mode inside the caller's transaction: OPEN when the setting is absent or not a mode. */
static int registration_read(struct store *st, int *mode)
{
	sqlite3_stmt *stmt = NULL;
	*mode = STORE_REG_OPEN;
	int err = store_prepare(st, "SELECT value FROM settings WHERE key = 'registration'", &stmt);
	if (err >= 0 && (err = store_step_row(st, stmt, "read registration mode")) >= 0) {
		const char *v = (const char *)sqlite3_column_text(stmt, 0);
		if (store_registration_parse(v, mode) < 0)
			*mode = STORE_REG_OPEN;
	}
	if (err == BBS_ERR_NOTFOUND)
		err = BBS_OK;
	sqlite3_finalize(stmt);
	return err;
}

static int registration_get_tx(struct store *st, void *ctx)
{
	return registration_read(st, ctx);
}

int store_registration_get(struct store *st, int *mode)
{
	if (!mode)
		return BBS_ERR_INVALID;
	*mode = STORE_REG_OPEN;
	int m = STORE_REG_OPEN;
	int err = store_tx(st, false, registration_get_tx, &m);
	if (err < 0)
		return err;
	*mode = m;
	return BBS_OK;
}

int store_registration_set(struct store *st, int mode)
{
	if (mode < STORE_REG_OPEN || mode > STORE_REG_CLOSED)
		return BBS_ERR_INVALID;
	return store_setting_set(st, "registration", reg_names[mode]);
}

/* ---- new members (shared by applications and invites) ---- */

/* A joining member's cleaned fields. */
struct joiner {
	const char *handle;
	char *text[4];          /* display_name, organisation, sector, country */
	const char *pwhash;     /* checked, or NULL */
	const char *key_type, *key_blob, *key_fp;  /* checked, or NULL */
	char *key_comment;
	char *login;            /* "key SHA256:..." or "password" */
};

static void joiner_finish(struct joiner *j)
{
	for (int i = 0; i < 4; i++)
		free(j->text[i]);
	free(j->key_comment);
	free(j->login);
	memset(j, 0, sizeof *j);
}

/* Exactly one way in: a password hash or a whole key. */
static int credential_check(const struct store_credential *c, struct joiner *j)
{
	bool pw = c->pwhash && *c->pwhash;
	bool key = c->key_type || c->key_blob || c->key_fp;
	if (pw == key)
		return BBS_ERR_INVALID;
	if (pw) {
		if (strnlen(c->pwhash, STORE_TOKEN_MAX + 1) > STORE_TOKEN_MAX)
			return BBS_ERR_TOOBIG;
		if (!store_token_valid(c->pwhash, STORE_TOKEN_MAX))
			return BBS_ERR_INVALID;
		j->pwhash = c->pwhash;
		j->login = xstrdup("password");
		return BBS_OK;
	}
	int err = store_key_check(c->key_type, c->key_blob, c->key_fp);
	if (err < 0 || (err = store_clean(c->key_comment, STORE_FIELD_MAX, 0, &j->key_comment)) < 0)
		return err;
	j->key_type = c->key_type;
	j->key_blob = c->key_blob;
	j->key_fp = c->key_fp;
	j->login = xasprintf("key %s", c->key_fp);
	return BBS_OK;
}

/* Handle and credential checks and the four profile fields, cleaned (all optional here). */
static int joiner_prepare(const char *handle, const char *const fields[4],
	const struct store_credential *cred, struct joiner *j)
{
	int err = BBS_OK;
	memset(j, 0, sizeof *j);
	for (int i = 0; i < 4; i++) {
		int e = store_clean_optional(fields[i], STORE_FIELD_MAX, false, &j->text[i]);
		if (e < 0 && err == BBS_OK)
			err = e;
	}
	if (err < 0)
		return err;
	if (!bbs_handle_valid(handle) || store_handle_reserved(handle) || !cred)
		return BBS_ERR_INVALID;
	j->handle = handle;
	return credential_check(cred, j);
}

/* Inserts the member and their credential inside the caller's write transaction.
 * BBS_ERR_EXISTS when the handle is taken. */
static int joiner_insert(struct store *st, const struct joiner *j, int role, int status,
	int64_t *id)
{
	sqlite3_stmt *stmt = NULL;
	/* A removed member's handle stays reserved (store-remove.c). */
	int err = store_handle_was_removed(st, j->handle);
	if (err < 0)
		return err;
	err = store_prepare(st,
		"INSERT INTO users (handle, display_name, organisation, sector, country, role, "
		"status, pwhash, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &stmt);
	if (err < 0 || (err = store_bind_text(stmt, 1, j->handle)) < 0)
		goto out;
	for (int i = 0; i < 4; i++)
		if ((err = store_bind_text(stmt, 2 + i, j->text[i])) < 0)
			goto out;
	if ((err = store_bind_i64(stmt, 6, role)) < 0
	    || (err = store_bind_i64(stmt, 7, status)) < 0
	    || (err = store_bind_text(stmt, 8, j->pwhash)) < 0
	    || (err = store_bind_i64(stmt, 9, bbs_now())) < 0
	    || (err = store_exec_stmt(st, stmt, "add member")) < 0)
		goto out;
	*id = sqlite3_last_insert_rowid(st->db);
	if (j->key_type)
		err = store_key_insert(st, *id, j->key_type, j->key_blob, j->key_fp, j->key_comment,
			NULL);
out:
	sqlite3_finalize(stmt);
	return err;
}

/* ---- applications ---- */

/* A positive result of submit_tx (store_tx commits on >= 0): the cap was reached and
 * nothing was written. Returned to the caller as BBS_ERR_BUSY, which store_tx itself would
 * take for a lock and retry. */
#define PENDING_FULL 1

struct submit {
	struct joiner j;
	char *reason, *contact;
	int64_t id;
};

static int submit_tx(struct store *st, void *ctx)
{
	struct submit *s = ctx;
	int mode = 0;
	int64_t pending = 0;
	int err = registration_read(st, &mode);
	if (err < 0)
		return err;
	if (mode != STORE_REG_OPEN)
		return BBS_ERR_DENIED;
	if ((err = store_run_i64(st, "SELECT count(*) FROM applications WHERE decided = 0", NULL, 0,
		     &pending, "count applications")) < 0)
		return err;
	if (pending >= STORE_PENDING_MAX)
		return PENDING_FULL;
	if ((err = joiner_insert(st, &s->j, STORE_ROLE_MEMBER, STORE_STATUS_PENDING, &s->id)) < 0)
		return err;
	char target[48];
	(void)bbs_snprintf(target, sizeof target, "user %s", s->j.handle);
	if ((err = store_audit_addf(st, s->id, "application", target, "login by %s",
		     s->j.login)) < 0)
		return err;
	sqlite3_stmt *stmt = NULL;
	int64_t args[2] = { s->id, bbs_now() };
	if ((err = store_prepare(st, "INSERT INTO applications (user_id, created, reason, contact, "
		     "login) VALUES (?1, ?2, ?3, ?4, ?5)", &stmt)) >= 0
	    && (err = store_bind_i64s(stmt, args, 2)) >= 0
	    && (err = store_bind_text(stmt, 3, s->reason)) >= 0
	    && (err = store_bind_text(stmt, 4, s->contact)) >= 0
	    && (err = store_bind_text(stmt, 5, s->j.login)) >= 0)
		err = store_exec_stmt(st, stmt, "add application");
	sqlite3_finalize(stmt);
	return err;
}

int store_application_submit(struct store *st, const struct store_application_form *f,
	int64_t *user_id)
{
	struct submit s = { 0 };
	int err;

	if (user_id)
		*user_id = 0;
	if (!st || !f)
		return BBS_ERR_INVALID;
	const char *fields[4] = { f->display_name, f->organisation, f->sector, f->country };
	/* Sizes first (BBS_ERR_TOOBIG), then what is missing or malformed. */
	int e1 = store_clean_text(f->reason ? f->reason : "", STORE_REASON_MAX, true, &s.reason);
	int e2 = store_clean_text(f->contact ? f->contact : "", STORE_FIELD_MAX, false, &s.contact);
	err = joiner_prepare(f->handle, fields, &f->cred, &s.j);
	if (e1 == BBS_ERR_TOOBIG || e2 == BBS_ERR_TOOBIG)
		err = BBS_ERR_TOOBIG;
	else if (err == BBS_OK && (e1 < 0 || e2 < 0 || !*s.j.text[0]))
		err = BBS_ERR_INVALID;  /* reason, contact and display name are required */
	if (err < 0)
		goto out;
	err = store_tx(st, true, submit_tx, &s);
	if (err == PENDING_FULL)
		err = BBS_ERR_BUSY;
	if (err < 0)
		goto out;
	if (user_id)
		*user_id = s.id;
	err = BBS_OK;
out:
	joiner_finish(&s.j);
	free(s.reason);
	free(s.contact);
	return err;
}

void store_application_finish(struct store_application *a)
{
	if (!a)
		return;
	free(a->handle);
	free(a->display_name);
	free(a->organisation);
	free(a->sector);
	free(a->country);
	free(a->reason);
	free(a->contact);
	free(a->login);
	free(a->decided_by);
	memset(a, 0, sizeof *a);
}

static void read_application(sqlite3_stmt *stmt, void *elem)
{
	struct store_application *a = elem;
	a->user_id = sqlite3_column_int64(stmt, 0);
	a->handle = store_col_text(stmt, 1);
	a->display_name = store_col_text(stmt, 2);
	a->organisation = store_col_text(stmt, 3);
	a->sector = store_col_text(stmt, 4);
	a->country = store_col_text(stmt, 5);
	a->reason = store_col_text(stmt, 6);
	a->contact = store_col_text(stmt, 7);
	a->login = store_col_text(stmt, 8);
	a->status = sqlite3_column_int(stmt, 9);
	a->created = sqlite3_column_int64(stmt, 10);
	a->decided = sqlite3_column_int64(stmt, 11);
	a->decided_by = store_col_text(stmt, 12);
}

STORE_ROW_LIST_FINISH(application, read_application)

#define APPLICATION_SELECT \
	"SELECT a.user_id, u.handle, u.display_name, u.organisation, u.sector, u.country, " \
	"a.reason, a.contact, a.login, u.status, a.created, a.decided, coalesce(d.handle, '') " \
	"FROM applications a JOIN users u ON u.id = a.user_id " \
	"LEFT JOIN users d ON d.id = a.decided_by "

struct application_q {
	bool pending_only;
	const char *handle;
	struct store_rows rows;
};

static int application_list_tx(struct store *st, void *ctx)
{
	struct application_q *q = ctx;
	int64_t pending_only = q->pending_only;
	/* Pending first, oldest first; then decided, newest decision first. */
	return store_select(st, APPLICATION_SELECT "WHERE ?1 = 0 OR a.decided = 0 "
		"ORDER BY a.decided != 0, CASE WHEN a.decided = 0 THEN a.created ELSE -a.decided END, "
		"a.user_id", &pending_only, 1, &application_rows, STORE_ROWS_ALL, &q->rows,
		"list applications");
}

int store_application_list(struct store *st, bool pending_only, struct store_application **v,
	size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct application_q q = { .pending_only = pending_only };
	int err = store_tx(st, false, application_list_tx, &q);
	if (err < 0)
		return err;
	*v = q.rows.v;
	*n = q.rows.n;
	return BBS_OK;
}

static int application_get_tx(struct store *st, void *ctx)
{
	struct application_q *q = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, APPLICATION_SELECT "WHERE u.handle = ?1", &stmt);
	if (err >= 0 && (err = store_bind_text(stmt, 1, q->handle)) >= 0)
		err = store_collect(st, stmt, &application_rows, 1, &q->rows, "read application");
	sqlite3_finalize(stmt);
	if (err >= 0 && q->rows.n == 0)
		err = BBS_ERR_NOTFOUND;
	return err;
}

int store_application_get(struct store *st, const char *handle, struct store_application *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	if (!bbs_handle_valid(handle))
		return BBS_ERR_NOTFOUND;
	struct application_q q = { .handle = handle };
	int err = store_tx(st, false, application_get_tx, &q);
	if (err < 0)
		return err;
	*out = *(struct store_application *)q.rows.v;
	free(q.rows.v);
	return BBS_OK;
}

struct decide {
	int64_t actor_id;
	const char *handle;
	bool accept;
};

static int decide_tx(struct store *st, void *ctx)
{
	struct decide *d = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_require_sysop(st, d->actor_id);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, "SELECT a.user_id, a.decided FROM applications a "
		     "JOIN users u ON u.id = a.user_id WHERE u.handle = ?1", &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, d->handle)) < 0
	    || (err = store_step_row(st, stmt, "read application")) < 0)
		goto out;
	int64_t args[4] = { sqlite3_column_int64(stmt, 0),
		d->accept ? STORE_STATUS_ACTIVE : STORE_STATUS_DECLINED, bbs_now(), d->actor_id };
	if (sqlite3_column_int64(stmt, 1) != 0) {
		err = BBS_ERR_INVALID;
		goto out;
	}
	if ((err = store_run_i64(st, "UPDATE users SET status = ?2 WHERE id = ?1", args, 2, NULL,
		     "decide application")) < 0
	    || (err = store_run_i64(st, "UPDATE applications SET decided = ?3, "
		     "decided_by = nullif(?4, 0) WHERE user_id = ?1", args, 4, NULL,
		     "decide application")) < 0)
		goto out;
	char *target = xasprintf("user %s", d->handle);
	err = store_audit_add(st, d->actor_id, d->accept ? "application-accept"
		: "application-decline", target, d->accept ? "status pending -> active"
		: "status pending -> declined", NULL);
	free(target);
	if (err < 0)
		goto out;
	err = BBS_OK;
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_application_decide(struct store *st, int64_t actor_id, const char *handle, bool accept)
{
	if (!st)
		return BBS_ERR_INVALID;
	if (!bbs_handle_valid(handle))
		return BBS_ERR_NOTFOUND;
	struct decide d = { .actor_id = actor_id, .handle = handle, .accept = accept };
	return store_write(st, decide_tx, &d);
}

/* ---- invites ---- */

const char *store_invite_state_name(int state)
{
	switch (state) {
	case STORE_INVITE_VALID: return "valid";
	case STORE_INVITE_USED: return "used";
	case STORE_INVITE_EXPIRED: return "expired";
	case STORE_INVITE_REVOKED: return "revoked";
	default: return "?";
	}
}

/* keys_invite_hash's form: 64 lowercase hex digits. */
static bool code_hash_valid(const char *h)
{
	size_t n;
	if (!h)
		return false;
	for (n = 0; h[n]; n++)
		if (n >= 64 || !((h[n] >= '0' && h[n] <= '9') || (h[n] >= 'a' && h[n] <= 'f')))
			return false;
	return n == 64;
}

void store_invite_finish(struct store_invite *inv)
{
	if (!inv)
		return;
	free(inv->created_by);
	free(inv->organisation);
	free(inv->sector);
	free(inv->note);
	free(inv->used_by);
	memset(inv, 0, sizeof *inv);
}

static void read_invite(sqlite3_stmt *stmt, void *elem)
{
	struct store_invite *i = elem;
	i->id = sqlite3_column_int64(stmt, 0);
	i->created = sqlite3_column_int64(stmt, 1);
	i->expires = sqlite3_column_int64(stmt, 2);
	i->created_by = store_col_text(stmt, 3);
	i->role = sqlite3_column_int(stmt, 4);
	i->organisation = store_col_text(stmt, 5);
	i->sector = store_col_text(stmt, 6);
	i->note = store_col_text(stmt, 7);
	i->state = sqlite3_column_int(stmt, 8);
	i->used_by = store_col_text(stmt, 9);
	i->used_at = sqlite3_column_int64(stmt, 10);
}

STORE_ROW_LIST_FINISH(invite, read_invite)

/* ?1 = now. The state is computed: used wins over revoked, revoked over expired. */
#define INVITE_SELECT \
	"SELECT i.id, i.created, i.expires, coalesce(c.handle, ''), i.role, i.organisation, " \
	"i.sector, i.note, CASE WHEN i.used_by IS NOT NULL THEN 1 WHEN i.revoked THEN 3 " \
	"WHEN i.expires <= ?1 THEN 2 ELSE 0 END, coalesce(u.handle, ''), i.used_at " \
	"FROM invites i LEFT JOIN users c ON c.id = i.created_by " \
	"LEFT JOIN users u ON u.id = i.used_by "

struct invite_add {
	int64_t created_by;
	const char *code_hash;
	int64_t expires;
	int role;
	char *text[3];  /* organisation, sector, note */
	int64_t id;
};

static int invite_add_tx(struct store *st, void *ctx)
{
	struct invite_add *a = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_require_sysop(st, a->created_by);
	if (err < 0)
		return err;
	int64_t args[4] = { bbs_now(), a->expires, a->created_by, a->role };
	if ((err = store_prepare(st, "INSERT INTO invites (created, expires, created_by, role, "
		     "code_hash, organisation, sector, note) VALUES (?1, ?2, nullif(?3, 0), ?4, ?5, "
		     "?6, ?7, ?8)", &stmt)) < 0
	    || (err = store_bind_i64s(stmt, args, 4)) < 0
	    || (err = store_bind_text(stmt, 5, a->code_hash)) < 0)
		goto out;
	for (int i = 0; i < 3; i++)
		if ((err = store_bind_text(stmt, 6 + i, a->text[i])) < 0)
			goto out;
	if ((err = store_exec_stmt(st, stmt, "add invite")) < 0)
		goto out;
	a->id = sqlite3_last_insert_rowid(st->db);
	char target[64];
	bbs_snprintf(target, sizeof target, "invite %" PRId64, a->id);
	err = store_audit_addf(st, a->created_by, "invite-create", target,
		"expires %" PRId64 ", role %s, organisation \"%s\", sector \"%s\", note \"%s\"",
		a->expires, store_role_name(a->role), a->text[0], a->text[1], a->text[2]);
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_invite_create(struct store *st, int64_t created_by, const char *code_hash,
	int64_t expires, int role, const char *organisation, const char *sector, const char *note,
	int64_t *id)
{
	struct invite_add a = { .created_by = created_by, .code_hash = code_hash,
		.expires = expires, .role = role ? role : STORE_ROLE_MEMBER };
	const char *fields[3] = { organisation, sector, note };
	int err = BBS_OK;

	if (id)
		*id = 0;
	if (!st)
		return BBS_ERR_INVALID;
	for (int i = 0; i < 3; i++) {
		int e = store_clean_optional(fields[i], STORE_FIELD_MAX, false, &a.text[i]);
		if (e < 0 && err == BBS_OK)
			err = e;
	}
	if (err < 0)
		goto out;
	if (!code_hash_valid(code_hash) || expires <= bbs_now() || a.role < STORE_ROLE_MEMBER
	    || a.role > STORE_ROLE_SYSOP) {
		err = BBS_ERR_INVALID;
		goto out;
	}
	if ((err = store_write(st, invite_add_tx, &a)) < 0)
		goto out;
	if (id)
		*id = a.id;
out:
	for (int i = 0; i < 3; i++)
		free(a.text[i]);
	return err;
}

struct invite_q {
	const char *code_hash;
	struct store_rows rows;
};

static int invite_list_tx(struct store *st, void *ctx)
{
	struct invite_q *q = ctx;
	int64_t now = bbs_now();
	return store_select(st, INVITE_SELECT "ORDER BY i.id DESC", &now, 1, &invite_rows,
		STORE_ROWS_ALL, &q->rows, "list invites");
}

int store_invite_list(struct store *st, struct store_invite **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct invite_q q = { 0 };
	int err = store_tx(st, false, invite_list_tx, &q);
	if (err < 0)
		return err;
	*v = q.rows.v;
	*n = q.rows.n;
	return BBS_OK;
}

static int invite_check_tx(struct store *st, void *ctx)
{
	struct invite_q *q = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, INVITE_SELECT "WHERE i.code_hash = ?2", &stmt);
	if (err >= 0 && (err = store_bind_i64(stmt, 1, bbs_now())) >= 0
	    && (err = store_bind_text(stmt, 2, q->code_hash)) >= 0)
		err = store_collect(st, stmt, &invite_rows, 1, &q->rows, "read invite");
	sqlite3_finalize(stmt);
	if (err >= 0 && q->rows.n == 0)
		err = BBS_ERR_NOTFOUND;
	return err;
}

/* Reads one invite by its hash inside the caller's transaction into *out. */
static int invite_load(struct store *st, const char *code_hash, struct store_invite *out)
{
	struct invite_q q = { .code_hash = code_hash };
	int err = invite_check_tx(st, &q);
	if (err < 0)
		return err;
	*out = *(struct store_invite *)q.rows.v;
	free(q.rows.v);
	return BBS_OK;
}

int store_invite_check(struct store *st, const char *code_hash, struct store_invite *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	if (!code_hash_valid(code_hash))
		return BBS_ERR_NOTFOUND;
	struct invite_q q = { .code_hash = code_hash };
	int err = store_tx(st, false, invite_check_tx, &q);
	if (err < 0)
		return err;
	*out = *(struct store_invite *)q.rows.v;
	free(q.rows.v);
	return BBS_OK;
}

struct invite_revoke {
	int64_t actor_id;
	int64_t id;
};

static int invite_revoke_tx(struct store *st, void *ctx)
{
	const struct invite_revoke *r = ctx;
	const int64_t *id = &r->id;
	int64_t used = 0, revoked = 0;
	int err = store_require_sysop(st, r->actor_id);
	if (err < 0)
		return err;
	if ((err = store_run_i64(st, "SELECT revoked FROM invites WHERE id = ?1", id, 1, &revoked,
		     "read invite")) < 0)
		return err;
	err = store_run_i64(st, "SELECT used_by IS NOT NULL FROM invites WHERE id = ?1", id, 1,
		&used, "read invite");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;
	if (used)
		return BBS_ERR_INVALID;
	if (revoked)
		return BBS_OK;  /* revoking twice is fine, and records nothing new */
	err = store_run_i64(st, "UPDATE invites SET revoked = 1 WHERE id = ?1", id, 1, NULL,
		"revoke invite");
	if (err < 0)
		return err;
	char target[64];
	bbs_snprintf(target, sizeof target, "invite %" PRId64, r->id);
	return store_audit_add(st, r->actor_id, "invite-revoke", target, "valid -> revoked", NULL);
}

int store_invite_revoke(struct store *st, int64_t id)
{
	struct invite_revoke r = { .actor_id = 0, .id = id };
	return store_write(st, invite_revoke_tx, &r);
}

int store_admin_invite_revoke(struct store *st, int64_t actor_id, int64_t id)
{
	struct invite_revoke r = { .actor_id = actor_id, .id = id };
	return store_write(st, invite_revoke_tx, &r);
}

struct redeem {
	const char *code_hash;
	struct joiner j;
	int64_t id;
};

static int redeem_tx(struct store *st, void *ctx)
{
	struct redeem *r = ctx;
	struct store_invite inv = { 0 };
	int mode = 0;
	int err = registration_read(st, &mode);
	if (err < 0)
		return err;
	if (mode == STORE_REG_CLOSED)
		return BBS_ERR_DENIED;
	if ((err = invite_load(st, r->code_hash, &inv)) < 0)
		return err;
	if (inv.state != STORE_INVITE_VALID) {
		err = BBS_ERR_DENIED;
		goto out;
	}
	/* The presets fill what the form leaves empty. */
	const char *presets[2] = { inv.organisation, inv.sector };
	for (int i = 0; i < 2; i++) {
		if (!*r->j.text[1 + i] && *presets[i]) {
			free(r->j.text[1 + i]);
			r->j.text[1 + i] = xstrdup(presets[i]);
		}
	}
	if ((err = joiner_insert(st, &r->j, inv.role, STORE_STATUS_ACTIVE, &r->id)) < 0)
		goto out;
	/* used_by IS NULL: the write lock already serialises redeems, this states the rule. */
	int64_t args[3] = { inv.id, r->id, bbs_now() };
	if ((err = store_run_i64(st, "UPDATE invites SET used_by = ?2, used_at = ?3 "
		     "WHERE id = ?1 AND used_by IS NULL", args, 3, NULL, "use invite")) < 0)
		goto out;
	if (sqlite3_changes(st->db) != 1) {
		err = BBS_ERR_DENIED;
		goto out;
	}
	char target[48];
	(void)bbs_snprintf(target, sizeof target, "user %s", r->j.handle);
	err = store_audit_addf(st, r->id, "invite-use", target, "invite %lld, role %s, login by %s",
		(long long)inv.id, store_role_name(inv.role), r->j.login);
out:
	store_invite_finish(&inv);
	return err;
}

int store_invite_redeem(struct store *st, const struct store_join_form *f, int64_t *user_id)
{
	struct redeem r = { 0 };
	int err;

	if (user_id)
		*user_id = 0;
	if (!st || !f)
		return BBS_ERR_INVALID;
	const char *fields[4] = { f->display_name, f->organisation, f->sector, f->country };
	if ((err = joiner_prepare(f->handle, fields, &f->cred, &r.j)) < 0)
		goto out;
	if (!code_hash_valid(f->code_hash)) {
		err = BBS_ERR_NOTFOUND;
		goto out;
	}
	r.code_hash = f->code_hash;
	if ((err = store_write(st, redeem_tx, &r)) < 0)
		goto out;
	if (user_id)
		*user_id = r.id;
out:
	joiner_finish(&r.j);
	return err;
}
