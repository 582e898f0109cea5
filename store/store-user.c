/*
 * store-user.c: member accounts (handle, profile, role, status, password hash, logins) and,
 * from schema 4, what members set themselves: profile with bio and directory/endorsement
 * choices, display preferences (time zone, ASCII, colour), and the forced password change
 * after a sysop's reset.
 *
 * Must never: store a handle that bbs_handle_valid() refuses or store_handle_reserved()
 * names, store profile text that has not been through text_sanitize, store a role or status
 * outside its enum, store a time zone name that could name a path outside the zone files,
 * or log a password hash.
 */
#include "store/private.h"

#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {
	[STORE_ROLE_MEMBER] = "member",
	[STORE_ROLE_MODERATOR] = "moderator",
	[STORE_ROLE_SYSOP] = "sysop",
};

static bool role_valid(int role)
{
	return role >= STORE_ROLE_MEMBER && role <= STORE_ROLE_SYSOP;
}

static bool status_valid(int status)
{
	return status >= STORE_STATUS_ACTIVE && status <= STORE_STATUS_DECLINED;
}

const char *store_role_name(int role)
{
	return role_valid(role) ? role_names[role] : "?";
}

int store_role_parse(const char *name, int *role)
{
	if (!role)
		return BBS_ERR_INVALID;
	*role = 0;
	if (!name)
		return BBS_ERR_INVALID;
	for (int r = STORE_ROLE_MEMBER; r <= STORE_ROLE_SYSOP; r++) {
		if (strcmp(name, role_names[r]) == 0) {
			*role = r;
			return BBS_OK;
		}
	}
	return BBS_ERR_INVALID;
}

const char *store_status_name(int status)
{
	switch (status) {
	case STORE_STATUS_ACTIVE: return "active";
	case STORE_STATUS_DISABLED: return "disabled";
	case STORE_STATUS_PENDING: return "pending";
	case STORE_STATUS_DECLINED: return "declined";
	default: return "?";
	}
}

void store_user_free(struct store_user *u)
{
	if (!u)
		return;
	free(u->handle);
	free(u->display_name);
	free(u->organisation);
	free(u->sector);
	free(u->country);
	free(u->pwhash);
	free(u->region);
	free(u->bio);
	free(u->timezone);
	free(u->silence_reason);
	free(u->resume);
	free(u);
}


/* ---- adding ---- */

struct user_add {
	const char *handle;
	char *text[5];  /* display_name, organisation, sector, country, region: cleaned */
	int role;
	int status;
	const char *pwhash;
	int64_t created;
	int64_t last_login;
	int64_t id;
};

static int user_add_tx(struct store *st, void *ctx)
{
	struct user_add *a = ctx;
	sqlite3_stmt *stmt = NULL;
	/* A removed member's handle stays reserved (store-remove.c). */
	int err = store_handle_was_removed(st, a->handle);
	if (err < 0)
		return err;
	err = store_prepare(st,
		"INSERT INTO users (handle, display_name, organisation, sector, country, role, "
		"status, pwhash, created, last_login, region) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		&stmt);
	if (err < 0 || (err = store_bind_text(stmt, 1, a->handle)) < 0)
		goto out;
	for (int i = 0; i < 4; i++)
		if ((err = store_bind_text(stmt, 2 + i, a->text[i])) < 0)
			goto out;
	if ((err = store_bind_text(stmt, 11, a->text[4])) < 0)
		goto out;
	if ((err = store_bind_i64(stmt, 6, a->role)) < 0
	    || (err = store_bind_i64(stmt, 7, a->status)) < 0
	    || (err = store_bind_text(stmt, 8, a->pwhash)) < 0
	    || (err = store_bind_i64(stmt, 9, a->created)) < 0
	    || (err = store_bind_i64(stmt, 10, a->last_login)) < 0
	    || (err = store_exec_stmt(st, stmt, "add user")) < 0)
		goto out;
	a->id = sqlite3_last_insert_rowid(st->db);
out:
	sqlite3_finalize(stmt);
	return err;
}

/* A password hash is machine-made (keys_password_hash): check it, never "clean" it.
 * NULL or "" mean no password. */
static int pwhash_check(const char *pwhash, const char **out)
{
	*out = NULL;
	if (!pwhash || !*pwhash)
		return BBS_OK;
	if (strnlen(pwhash, STORE_TOKEN_MAX + 1) > STORE_TOKEN_MAX)
		return BBS_ERR_TOOBIG;
	if (!store_token_valid(pwhash, STORE_TOKEN_MAX))
		return BBS_ERR_INVALID;
	*out = pwhash;
	return BBS_OK;
}

int store_user_add(struct store *st, const struct store_user *u, int64_t *id)
{
	struct user_add a = { 0 };
	int err;

	if (id)
		*id = 0;
	if (!st || !u || !bbs_handle_valid(u->handle) || store_handle_reserved(u->handle))
		return BBS_ERR_INVALID;
	/* A zeroed struct means an ordinary member: the default is the least privilege. */
	a.role = u->role ? u->role : STORE_ROLE_MEMBER;
	a.status = u->status;
	if (!role_valid(a.role) || !status_valid(a.status) || u->created < 0 || u->last_login < 0)
		return BBS_ERR_INVALID;
	if ((err = pwhash_check(u->pwhash, &a.pwhash)) < 0)
		return err;
	const char *fields[5] = { u->display_name, u->organisation, u->sector, u->country,
		u->region };
	for (int i = 0; i < 5; i++)
		if ((err = store_clean(fields[i], STORE_FIELD_MAX, 0, &a.text[i])) < 0)
			goto out;
	a.handle = u->handle;
	a.created = u->created ? u->created : bbs_now();
	a.last_login = u->last_login;
	if ((err = store_tx(st, true, user_add_tx, &a)) < 0)
		goto out;
	if (id)
		*id = a.id;
	err = BBS_OK;
out:
	for (int i = 0; i < 5; i++)
		free(a.text[i]);
	return err;
}

/* ---- reading ---- */

#define USER_COLUMNS STORE_USER_COLUMNS("u.pwhash")

struct store_user *store_user_from_row(sqlite3_stmt *stmt)
{
	struct store_user *u = xcalloc(1, sizeof *u);
	u->id = sqlite3_column_int64(stmt, 0);
	u->handle = store_col_text(stmt, 1);
	u->display_name = store_col_text(stmt, 2);
	u->organisation = store_col_text(stmt, 3);
	u->sector = store_col_text(stmt, 4);
	u->country = store_col_text(stmt, 5);
	u->role = sqlite3_column_int(stmt, 6);
	u->status = sqlite3_column_int(stmt, 7);
	u->pwhash = store_col_text_or_null(stmt, 8);
	u->created = sqlite3_column_int64(stmt, 9);
	u->last_login = sqlite3_column_int64(stmt, 10);
	u->region = store_col_text(stmt, 11);
	u->bio = store_col_text(stmt, 12);
	u->in_directory = sqlite3_column_int(stmt, 13) != 0;
	u->named_endorsements = sqlite3_column_int(stmt, 14) != 0;
	u->must_change_password = sqlite3_column_int(stmt, 15) != 0;
	u->timezone = store_col_text(stmt, 16);
	u->ascii_only = sqlite3_column_int(stmt, 17) != 0;
	u->colour = sqlite3_column_int(stmt, 18) != 0;
	u->verified = sqlite3_column_int(stmt, 19) != 0;
	u->silenced_until = sqlite3_column_int64(stmt, 20);
	u->silence_reason = store_col_text(stmt, 21);
	u->compact = sqlite3_column_int(stmt, 22) != 0;
	u->line_mode = sqlite3_column_int(stmt, 23) != 0;
	u->resume = store_col_text(stmt, 24);
	u->removed = sqlite3_column_int(stmt, 25) != 0;
	return u;
}

struct user_get {
	const char *handle;  /* by handle if not NULL, else by id */
	int64_t id;
	struct store_user *user;
};

static int user_get_tx(struct store *st, void *ctx)
{
	struct user_get *g = ctx;
	sqlite3_stmt *stmt = NULL;
	int err;

	if (g->handle) {
		err = store_prepare(st, "SELECT " USER_COLUMNS " FROM users u WHERE u.handle = ?1", &stmt);
		if (err == 0)
			err = store_bind_text(stmt, 1, g->handle);
	} else {
		err = store_prepare(st, "SELECT " USER_COLUMNS " FROM users u WHERE u.id = ?1", &stmt);
		if (err == 0)
			err = store_bind_i64(stmt, 1, g->id);
	}
	if (err == 0 && (err = store_step_row(st, stmt, "read user")) == 0)
		g->user = store_user_from_row(stmt);
	sqlite3_finalize(stmt);
	return err;
}

static int user_get(struct store *st, struct user_get *g, struct store_user **out)
{
	int err = store_tx(st, false, user_get_tx, g);
	if (err < 0)
		return err;
	*out = g->user;
	return BBS_OK;
}

int store_user_get(struct store *st, const char *handle, struct store_user **out)
{
	if (!out)
		return BBS_ERR_INVALID;
	*out = NULL;
	/* Whatever a client typed as a user name: an invalid handle simply names nobody. */
	if (!bbs_handle_valid(handle))
		return BBS_ERR_NOTFOUND;
	struct user_get g = { .handle = handle };
	return user_get(st, &g, out);
}

int store_user_get_by_id(struct store *st, int64_t id, struct store_user **out)
{
	if (!out)
		return BBS_ERR_INVALID;
	*out = NULL;
	struct user_get g = { .id = id };
	return user_get(st, &g, out);
}

/* The list holds pointers: each element is a struct store_user *. */
static void read_user_ptr(sqlite3_stmt *stmt, void *elem)
{
	*(struct store_user **)elem = store_user_from_row(stmt);
}

static void user_ptr_finish(void *elem)
{
	store_user_free(*(struct store_user **)elem);
}

const struct store_row_type store_user_rows = {
	sizeof(struct store_user *), read_user_ptr, user_ptr_finish
};

void store_user_list_free(struct store_user **v, size_t n)
{
	struct store_rows rows = { v, n };
	store_rows_free(&store_user_rows, &rows);
}

static int user_list_tx(struct store *st, void *ctx)
{
	/* Removed members (store-remove.c) are no longer anyone: never listed. */
	return store_select(st, "SELECT " USER_COLUMNS " FROM users u WHERE u.removed = 0 "
		"ORDER BY u.handle", NULL, 0,
		&store_user_rows, STORE_ROWS_ALL, ctx, "list users");
}

int store_user_list(struct store *st, struct store_user ***v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct store_rows rows = { 0 };
	int err = store_tx(st, false, user_list_tx, &rows);
	if (err < 0)
		return err;
	*v = rows.v;
	*n = rows.n;
	return BBS_OK;
}

/* ---- changing ---- */

int store_user_set_status(struct store *st, int64_t id, int status)
{
	if (!status_valid(status))
		return BBS_ERR_INVALID;
	return store_change_row(st, "UPDATE users SET status = ?2 WHERE id = ?1", id, status, NULL,
		"set user status");
}

int store_user_set_role(struct store *st, int64_t id, int role)
{
	if (!role_valid(role))
		return BBS_ERR_INVALID;
	return store_change_row(st, "UPDATE users SET role = ?2 WHERE id = ?1", id, role, NULL,
		"set user role");
}

int store_user_set_password(struct store *st, int64_t id, const char *pwhash)
{
	const char *checked = NULL;
	int err = pwhash_check(pwhash, &checked);
	if (err < 0)
		return err;
	return store_change_row(st,
		"UPDATE users SET pwhash = ?3, must_change_password = 0 WHERE id = ?1", id, 0,
		checked, "set user password");
}

int store_user_reset_password(struct store *st, int64_t id, const char *pwhash)
{
	const char *checked = NULL;
	int err = pwhash_check(pwhash, &checked);
	if (err < 0)
		return err;
	/* A reset always leaves a password to log in with (NULL or "" would remove it). */
	if (!checked)
		return BBS_ERR_INVALID;
	return store_change_row(st,
		"UPDATE users SET pwhash = ?3, must_change_password = 1 WHERE id = ?1", id, 0,
		checked, "reset user password");
}

/* ---- profile and preferences (schema 4) ---- */

struct profile_set {
	int64_t id;
	char *text[5];  /* display_name, organisation, sector, country, bio: cleaned */
	bool in_directory, named_endorsements;
};

static int profile_set_tx(struct store *st, void *ctx)
{
	struct profile_set *p = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "UPDATE users SET display_name = ?2, organisation = ?3, "
		"sector = ?4, country = ?5, bio = ?6, in_directory = ?7, named_endorsements = ?8 "
		"WHERE id = ?1", &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, p->id)) < 0)
		goto out;
	for (int i = 0; i < 5; i++)
		if ((err = store_bind_text(stmt, 2 + i, p->text[i])) < 0)
			goto out;
	if ((err = store_bind_i64(stmt, 7, p->in_directory)) < 0
	    || (err = store_bind_i64(stmt, 8, p->named_endorsements)) < 0
	    || (err = store_exec_stmt(st, stmt, "set profile")) < 0)
		goto out;
	if (sqlite3_changes(st->db) == 0)
		err = BBS_ERR_NOTFOUND;
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_user_set_profile(struct store *st, int64_t id, const struct store_profile *p)
{
	struct profile_set ps = { .id = id };
	int err = BBS_OK;

	if (!st || !p)
		return BBS_ERR_INVALID;
	const char *fields[5] = { p->display_name, p->organisation, p->sector, p->country, p->bio };
	/* Every size is checked before anything is written. */
	for (int i = 0; i < 5 && err >= 0; i++)
		err = store_clean_optional(fields[i], i == 4 ? STORE_BIO_MAX : STORE_FIELD_MAX, i == 4,
			&ps.text[i]);
	if (err < 0)
		goto out;
	ps.in_directory = p->in_directory;
	ps.named_endorsements = p->named_endorsements;
	err = store_write(st, profile_set_tx, &ps);
out:
	for (int i = 0; i < 5; i++)
		free(ps.text[i]);
	return err;
}

/* "" or a plausible IANA zone name: [A-Za-z0-9_+-/.], not starting with '/', no "..", so
 * that it can never name a file outside the zoneinfo directory. */
static int timezone_check(const char *tz)
{
	if (!tz)
		return BBS_ERR_INVALID;
	size_t len = strnlen(tz, STORE_TIMEZONE_MAX + 1);
	if (len > STORE_TIMEZONE_MAX)
		return BBS_ERR_TOOBIG;
	if (tz[0] == '/' || strstr(tz, ".."))
		return BBS_ERR_INVALID;
	for (size_t i = 0; i < len; i++) {
		char c = tz[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
			|| c == '_' || c == '+' || c == '-' || c == '/' || c == '.';
		if (!ok)
			return BBS_ERR_INVALID;
	}
	return BBS_OK;
}

struct prefs_set {
	int64_t id;
	const struct store_prefs *p;
};

static int prefs_set_tx(struct store *st, void *ctx)
{
	struct prefs_set *ps = ctx;
	const struct store_prefs *p = ps->p;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "UPDATE users SET timezone = ?2, ascii_only = ?3, colour = ?4, "
		"compact = ?5, line_mode = ?6 WHERE id = ?1", &stmt);
	if (err >= 0 && (err = store_bind_i64(stmt, 1, ps->id)) >= 0
	    && (err = store_bind_text(stmt, 2, p->timezone)) >= 0
	    && (err = store_bind_i64(stmt, 3, p->ascii_only)) >= 0
	    && (err = store_bind_i64(stmt, 4, p->colour)) >= 0
	    && (err = store_bind_i64(stmt, 5, p->compact)) >= 0
	    && (err = store_bind_i64(stmt, 6, p->line_mode)) >= 0
	    && (err = store_exec_stmt(st, stmt, "set preferences")) >= 0
	    && sqlite3_changes(st->db) == 0)
		err = BBS_ERR_NOTFOUND;
	sqlite3_finalize(stmt);
	return err;
}

int store_user_set_prefs(struct store *st, int64_t id, const struct store_prefs *p)
{
	if (!p)
		return BBS_ERR_INVALID;
	int err = timezone_check(p->timezone);
	if (err < 0)
		return err;
	struct prefs_set ps = { .id = id, .p = p };
	return store_write(st, prefs_set_tx, &ps);
}

/* The resume position: printable ASCII words only, so that it can never carry a control
 * byte back to a screen, and short. */
static bool resume_valid(const char *where)
{
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)where; *c; c++, n++)
		if (*c < 0x20 || *c > 0x7e || n >= STORE_RESUME_MAX)
			return false;
	return true;
}

struct resume_set {
	int64_t id;
	const char *where;
};

static int resume_set_tx(struct store *st, void *ctx)
{
	struct resume_set *r = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "UPDATE users SET resume = ?2 WHERE id = ?1", &stmt);
	if (err >= 0 && (err = store_bind_i64(stmt, 1, r->id)) >= 0
	    && (err = store_bind_text(stmt, 2, r->where)) >= 0
	    && (err = store_exec_stmt(st, stmt, "set resume position")) >= 0
	    && sqlite3_changes(st->db) == 0)
		err = BBS_ERR_NOTFOUND;
	sqlite3_finalize(stmt);
	return err;
}

int store_user_set_resume(struct store *st, int64_t id, const char *where)
{
	if (!where || !resume_valid(where))
		return BBS_ERR_INVALID;
	struct resume_set r = { .id = id, .where = where };
	return store_write(st, resume_set_tx, &r);
}
