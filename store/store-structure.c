/*
 * store-structure.c: the portal's structure and content as sysops edit it (schema version
 * 5): focus areas and boards (create, rename, order, archive), pages and settings, each
 * with its audit entry in the same transaction.
 *
 * Ordering: positions are renumbered 1..n in the current order on every move, so rows that
 * share a position (seeded or older data) still move one step at a time.
 *
 * Must never: accept a slug outside [a-z0-9-] (it names pages and appears in commands),
 * store a setting the portal does not know or a value it cannot use, store uncleaned text,
 * or delete an area or board (archiving keeps what members wrote readable).
 */
#include "store/private.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

#define AREA_PAGE_PREFIX "area-"
#define IDLE_MINUTES_MAX (7 * 24 * 60)   /* what ui/idle.c accepts */

/* [a-z0-9-], starting with a letter or digit, 1..max bytes. */
static bool structure_slug_valid(const char *s, size_t max)
{
	if (!store_slug_valid(s, max))
		return false;
	for (const char *c = s; *c; c++)
		if (*c == '_' || *c == '.')
			return false;
	return true;
}

/* name (required) and a second optional text, cleaned one line. NULL name with allow_null:
 * unchanged (left NULL). */
static int clean_pair(const char *name, const char *other, bool allow_null, char **cname,
	char **cother)
{
	*cname = NULL;
	*cother = NULL;
	int e1 = BBS_OK, e2 = BBS_OK;
	if (name || !allow_null)
		e1 = store_clean_text(name, STORE_FIELD_MAX, false, cname);
	if (other || !allow_null)
		e2 = store_clean_optional(other, STORE_FIELD_MAX, false, cother);
	int err = e1 == BBS_ERR_TOOBIG || e2 == BBS_ERR_TOOBIG ? BBS_ERR_TOOBIG : e1 < 0 ? e1 : e2;
	if (err < 0) {
		free(*cname);
		free(*cother);
		*cname = NULL;
		*cother = NULL;
	}
	return err;
}

/* ---- moving ---- */

static void read_id(sqlite3_stmt *stmt, void *elem)
{
	*(int64_t *)elem = sqlite3_column_int64(stmt, 0);
}

static const struct store_row_type id_rows = { sizeof(int64_t), read_id, NULL };

/*
 * Moves id one step (delta -1 or +1) among the rows list_sql gives (ids in order, ?1 =
 * group), renumbering them 1..n; update_sql sets ?2 as the position of ?1. *moved is false
 * at either end (nothing changes). BBS_ERR_NOTFOUND when id is not in the list.
 */
static int move_in(struct store *st, const char *list_sql, const char *update_sql, int64_t group,
	int64_t id, int delta, bool *moved)
{
	struct store_rows rows = { 0 };
	*moved = false;
	int err = store_select(st, list_sql, &group, 1, &id_rows, STORE_ROWS_ALL, &rows,
		"read order");
	if (err < 0)
		return err;
	int64_t *ids = rows.v;
	size_t at = rows.n;
	for (size_t i = 0; i < rows.n; i++)
		if (ids[i] == id)
			at = i;
	if (at == rows.n) {
		err = BBS_ERR_NOTFOUND;
		goto out;
	}
	if ((delta < 0 && at == 0) || (delta > 0 && at + 1 == rows.n))
		goto out;
	size_t other = delta < 0 ? at - 1 : at + 1;
	ids[at] = ids[other];
	ids[other] = id;
	*moved = true;
	for (size_t i = 0; i < rows.n && err >= 0; i++) {
		int64_t args[2] = { ids[i], (int64_t)i + 1 };
		err = store_run_i64(st, update_sql, args, 2, NULL, "write order");
	}
out:
	store_rows_free(&id_rows, &rows);
	return err < 0 ? err : BBS_OK;
}

/* ---- focus areas ---- */

struct structure_w {
	int64_t actor_id;
	int64_t id;          /* the area or board; result of create */
	int64_t area_id;     /* boards: 0 for general */
	const char *slug;
	char *name, *text;   /* cleaned; NULL: unchanged (updates) */
	int delta;
	bool archived;
};

static int area_create_tx(struct store *st, void *ctx)
{
	struct structure_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *page = xasprintf(AREA_PAGE_PREFIX "%s", w->slug);
	char *target = xasprintf("area %s", w->slug);
	int err = store_require_sysop(st, w->actor_id);
	if (err < 0)
		goto out;
	/* The area's page, empty, unless a page by that name is there already. */
	if ((err = store_prepare(st, "INSERT OR IGNORE INTO pages (slug, title, body, updated) "
		     "VALUES (?1, ?2, '', ?3)", &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, page)) < 0
	    || (err = store_bind_text(stmt, 2, w->name)) < 0
	    || (err = store_bind_i64(stmt, 3, bbs_now())) < 0
	    || (err = store_exec_stmt(st, stmt, "add area page")) < 0)
		goto out;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((err = store_prepare(st, "INSERT INTO areas (slug, name, summary, page_slug, position) "
		     "VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(position), 0) + 1 FROM areas))",
		     &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, w->slug)) < 0
	    || (err = store_bind_text(stmt, 2, w->name)) < 0
	    || (err = store_bind_text(stmt, 3, w->text)) < 0
	    || (err = store_bind_text(stmt, 4, page)) < 0
	    || (err = store_exec_stmt(st, stmt, "add area")) < 0)
		goto out;
	w->id = sqlite3_last_insert_rowid(st->db);
	err = store_audit_addf(st, w->actor_id, "area-create", target, "name \"%s\", summary \"%s\"",
		w->name, w->text);
out:
	sqlite3_finalize(stmt);
	free(page);
	free(target);
	return err;
}

int store_area_create(struct store *st, int64_t actor_id, const char *slug, const char *name,
	const char *summary, int64_t *id)
{
	struct structure_w w = { .actor_id = actor_id, .slug = slug };
	if (id)
		*id = 0;
	if (!st)
		return BBS_ERR_INVALID;
	int err = clean_pair(name, summary, false, &w.name, &w.text);
	if (err < 0)
		return err;
	if (!structure_slug_valid(slug, STORE_SLUG_MAX - strlen(AREA_PAGE_PREFIX)))
		err = BBS_ERR_INVALID;
	else
		err = store_write(st, area_create_tx, &w);
	if (err >= 0 && id)
		*id = w.id;
	free(w.name);
	free(w.text);
	return err;
}

/*
 * Renames (name, text) one area or board: table_sql reads (slug, name, text) of ?1 and
 * update_sql writes ?2 name and ?3 text of ?1. Audited as kind-update with old -> new.
 */
static int rename_row(struct store *st, struct structure_w *w, const char *read_sql,
	const char *update_sql, const char *kind, const char *text_name)
{
	sqlite3_stmt *stmt = NULL;
	char *slug = NULL, *old_name = NULL, *old_text = NULL, *target = NULL, *action = NULL;
	int err = store_require_sysop(st, w->actor_id);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, read_sql, &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, w->id)) < 0
	    || (err = store_step_row(st, stmt, "read structure")) < 0)
		goto out;
	slug = store_col_text(stmt, 0);
	old_name = store_col_text(stmt, 1);
	old_text = store_col_text(stmt, 2);
	sqlite3_finalize(stmt);
	stmt = NULL;
	const char *name = w->name ? w->name : old_name, *text = w->text ? w->text : old_text;
	if (strcmp(name, old_name) == 0 && strcmp(text, old_text) == 0)
		goto out;  /* nothing changes, nothing to record */
	if ((err = store_prepare(st, update_sql, &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, w->id)) < 0
	    || (err = store_bind_text(stmt, 2, name)) < 0
	    || (err = store_bind_text(stmt, 3, text)) < 0
	    || (err = store_exec_stmt(st, stmt, "rename")) < 0)
		goto out;
	target = xasprintf("%s %s", kind, slug);
	action = xasprintf("%s-update", kind);
	err = store_audit_addf(st, w->actor_id, action, target,
		"name \"%s\" -> \"%s\", %s \"%s\" -> \"%s\"", old_name, name, text_name, old_text,
		text);
out:
	sqlite3_finalize(stmt);
	free(slug);
	free(old_name);
	free(old_text);
	free(target);
	free(action);
	return err;
}

static int area_update_tx(struct store *st, void *ctx)
{
	return rename_row(st, ctx, "SELECT slug, name, summary FROM areas WHERE id = ?1",
		"UPDATE areas SET name = ?2, summary = ?3 WHERE id = ?1", "area", "summary");
}

int store_area_update(struct store *st, int64_t actor_id, int64_t id, const char *name,
	const char *summary)
{
	struct structure_w w = { .actor_id = actor_id, .id = id };
	if (!st)
		return BBS_ERR_INVALID;
	int err = clean_pair(name, summary, true, &w.name, &w.text);
	if (err >= 0)
		err = store_write(st, area_update_tx, &w);
	free(w.name);
	free(w.text);
	return err;
}

/* Moves or archives: kind "area"/"board"; group_sql gives the row's slug and group. */
static int move_tx(struct store *st, void *ctx, bool board)
{
	struct structure_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *target = NULL;
	bool moved = false;
	int err = store_require_sysop(st, w->actor_id);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, board
		     ? "SELECT slug, coalesce(area_id, 0), position FROM boards WHERE id = ?1"
		     : "SELECT slug, 0, position FROM areas WHERE id = ?1", &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, w->id)) < 0
	    || (err = store_step_row(st, stmt, "read structure")) < 0)
		goto out;
	target = xasprintf("%s %s", board ? "board" : "area",
		(const char *)sqlite3_column_text(stmt, 0));
	int64_t group = sqlite3_column_int64(stmt, 1);
	sqlite3_finalize(stmt);
	stmt = NULL;
	err = board
		? move_in(st, "SELECT id FROM boards WHERE coalesce(area_id, 0) = ?1 "
			  "ORDER BY position, id", "UPDATE boards SET position = ?2 WHERE id = ?1",
			  group, w->id, w->delta, &moved)
		: move_in(st, "SELECT id FROM areas WHERE ?1 = ?1 ORDER BY position, id",
			  "UPDATE areas SET position = ?2 WHERE id = ?1", group, w->id, w->delta,
			  &moved);
	if (err >= 0 && moved)
		err = store_audit_add(st, w->actor_id, board ? "board-move" : "area-move", target,
			w->delta < 0 ? "up" : "down", NULL);
out:
	sqlite3_finalize(stmt);
	free(target);
	return err;
}

static int area_move_tx(struct store *st, void *ctx)
{
	return move_tx(st, ctx, false);
}

int store_area_move(struct store *st, int64_t actor_id, int64_t id, int delta)
{
	if (!st || (delta != -1 && delta != 1))
		return BBS_ERR_INVALID;
	struct structure_w w = { .actor_id = actor_id, .id = id, .delta = delta };
	return store_write(st, area_move_tx, &w);
}

static int archive_tx(struct store *st, void *ctx, bool board)
{
	struct structure_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *target = NULL;
	int err = store_require_sysop(st, w->actor_id);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, board ? "SELECT slug, archived FROM boards WHERE id = ?1"
		     : "SELECT slug, archived FROM areas WHERE id = ?1", &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, w->id)) < 0
	    || (err = store_step_row(st, stmt, "read structure")) < 0)
		goto out;
	target = xasprintf("%s %s", board ? "board" : "area",
		(const char *)sqlite3_column_text(stmt, 0));
	bool was = sqlite3_column_int(stmt, 1) != 0;
	if (was == w->archived)
		goto out;
	int64_t args[2] = { w->id, w->archived ? 1 : 0 };
	if ((err = store_run_i64(st, board ? "UPDATE boards SET archived = ?2 WHERE id = ?1"
		     : "UPDATE areas SET archived = ?2 WHERE id = ?1", args, 2, NULL, "archive")) < 0)
		goto out;
	const char *action = board ? (w->archived ? "board-archive" : "board-unarchive")
		: (w->archived ? "area-archive" : "area-unarchive");
	err = store_audit_add(st, w->actor_id, action, target,
		w->archived ? "active -> archived" : "archived -> active", NULL);
out:
	sqlite3_finalize(stmt);
	free(target);
	return err;
}

static int area_archive_tx(struct store *st, void *ctx)
{
	return archive_tx(st, ctx, false);
}

int store_area_set_archived(struct store *st, int64_t actor_id, int64_t id, bool archived)
{
	if (!st)
		return BBS_ERR_INVALID;
	struct structure_w w = { .actor_id = actor_id, .id = id, .archived = archived };
	return store_write(st, area_archive_tx, &w);
}

/* ---- boards ---- */

static int board_create_tx(struct store *st, void *ctx)
{
	struct structure_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *target = xasprintf("board %s", w->slug);
	int err = store_require_sysop(st, w->actor_id);
	if (err < 0)
		goto out;
	if (w->area_id) {
		if ((err = store_run_i64(st, "SELECT 1 FROM areas WHERE id = ?1", &w->area_id, 1, NULL,
			     "read area")) < 0)
			goto out;
		if (err == 0) {
			err = BBS_ERR_NOTFOUND;
			goto out;
		}
	}
	if ((err = store_prepare(st, "INSERT INTO boards (area_id, slug, name, description, "
		     "position) VALUES (nullif(?1, 0), ?2, ?3, ?4, (SELECT coalesce(max(position), "
		     "0) + 1 FROM boards WHERE coalesce(area_id, 0) = ?1))", &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, w->area_id)) < 0
	    || (err = store_bind_text(stmt, 2, w->slug)) < 0
	    || (err = store_bind_text(stmt, 3, w->name)) < 0
	    || (err = store_bind_text(stmt, 4, w->text)) < 0
	    || (err = store_exec_stmt(st, stmt, "add board")) < 0)
		goto out;
	w->id = sqlite3_last_insert_rowid(st->db);
	err = store_audit_addf(st, w->actor_id, "board-create", target,
		"area %" PRId64 ", name \"%s\", description \"%s\"", w->area_id, w->name, w->text);
out:
	sqlite3_finalize(stmt);
	free(target);
	return err;
}

int store_board_create(struct store *st, int64_t actor_id, int64_t area_id, const char *slug,
	const char *name, const char *description, int64_t *id)
{
	struct structure_w w = { .actor_id = actor_id, .slug = slug, .area_id = area_id };
	if (id)
		*id = 0;
	if (!st || area_id < 0)
		return BBS_ERR_INVALID;
	int err = clean_pair(name, description, false, &w.name, &w.text);
	if (err < 0)
		return err;
	if (!structure_slug_valid(slug, STORE_SLUG_MAX))
		err = BBS_ERR_INVALID;
	else
		err = store_write(st, board_create_tx, &w);
	if (err >= 0 && id)
		*id = w.id;
	free(w.name);
	free(w.text);
	return err;
}

static int board_update_tx(struct store *st, void *ctx)
{
	return rename_row(st, ctx, "SELECT slug, name, description FROM boards WHERE id = ?1",
		"UPDATE boards SET name = ?2, description = ?3 WHERE id = ?1", "board",
		"description");
}

int store_board_update(struct store *st, int64_t actor_id, int64_t id, const char *name,
	const char *description)
{
	struct structure_w w = { .actor_id = actor_id, .id = id };
	if (!st)
		return BBS_ERR_INVALID;
	int err = clean_pair(name, description, true, &w.name, &w.text);
	if (err >= 0)
		err = store_write(st, board_update_tx, &w);
	free(w.name);
	free(w.text);
	return err;
}

static int board_move_tx(struct store *st, void *ctx)
{
	return move_tx(st, ctx, true);
}

int store_board_move(struct store *st, int64_t actor_id, int64_t id, int delta)
{
	if (!st || (delta != -1 && delta != 1))
		return BBS_ERR_INVALID;
	struct structure_w w = { .actor_id = actor_id, .id = id, .delta = delta };
	return store_write(st, board_move_tx, &w);
}

static int board_archive_tx(struct store *st, void *ctx)
{
	return archive_tx(st, ctx, true);
}

int store_board_set_archived(struct store *st, int64_t actor_id, int64_t id, bool archived)
{
	if (!st)
		return BBS_ERR_INVALID;
	struct structure_w w = { .actor_id = actor_id, .id = id, .archived = archived };
	return store_write(st, board_archive_tx, &w);
}

static void read_board(sqlite3_stmt *stmt, void *elem)
{
	struct store_board *b = elem;
	b->id = sqlite3_column_int64(stmt, 0);
	b->area_id = sqlite3_column_int64(stmt, 1);
	b->slug = store_col_text(stmt, 2);
	b->name = store_col_text(stmt, 3);
	b->description = store_col_text(stmt, 4);
	b->position = sqlite3_column_int(stmt, 5);
	b->threads = sqlite3_column_int64(stmt, 6);
	b->last_post_at = sqlite3_column_int64(stmt, 7);
	b->archived = sqlite3_column_int(stmt, 8) != 0;
}

static void board_finish(void *elem)
{
	store_board_finish(elem);
}

static const struct store_row_type all_board_rows = {
	sizeof(struct store_board), read_board, board_finish
};

static int board_list_all_tx(struct store *st, void *ctx)
{
	/* The menu order of store_board_list, archived boards included (unread is 0: this is
	 * the sysops' list, not a member's). */
	return store_select(st, "SELECT b.id, coalesce(b.area_id, 0), b.slug, b.name, "
		"b.description, b.position, b.threads, b.last_post_at, b.archived "
		"FROM boards b LEFT JOIN areas a ON a.id = b.area_id "
		"ORDER BY b.area_id IS NOT NULL, a.position, a.id, b.position, b.id", NULL, 0,
		&all_board_rows, STORE_ROWS_ALL, ctx, "list boards");
}

int store_board_list_all(struct store *st, struct store_board **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (!st)
		return BBS_ERR_INVALID;
	struct store_rows rows = { 0 };
	int err = store_tx(st, false, board_list_all_tx, &rows);
	if (err < 0)
		return err;
	*v = rows.v;
	*n = rows.n;
	return BBS_OK;
}

/* ---- pages ---- */

struct page_w {
	int64_t actor_id;
	const char *slug;
	char *title, *body;
};

static int admin_page_tx(struct store *st, void *ctx)
{
	struct page_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *old_title = NULL, *target = NULL;
	int64_t old_len = -1;
	int err = store_require_sysop(st, w->actor_id);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, "SELECT title, length(CAST(body AS BLOB)) FROM pages "
		     "WHERE slug = ?1", &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, w->slug)) < 0)
		goto out;
	err = store_step_row(st, stmt, "read page");
	if (err == BBS_OK) {
		old_title = store_col_text(stmt, 0);
		old_len = sqlite3_column_int64(stmt, 1);
	} else if (err != BBS_ERR_NOTFOUND) {
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((err = store_prepare(st, "INSERT INTO pages (slug, title, body, updated) "
		     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (slug) DO UPDATE SET title = excluded.title, "
		     "body = excluded.body, updated = excluded.updated", &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, w->slug)) < 0
	    || (err = store_bind_text(stmt, 2, w->title)) < 0
	    || (err = store_bind_text(stmt, 3, w->body)) < 0
	    || (err = store_bind_i64(stmt, 4, bbs_now())) < 0
	    || (err = store_exec_stmt(st, stmt, "write page")) < 0)
		goto out;
	target = xasprintf("page %s", w->slug);
	if (old_title)
		err = store_audit_addf(st, w->actor_id, "page-edit", target,
			"title \"%s\" -> \"%s\", body %" PRId64 " -> %zu bytes", old_title, w->title,
			old_len, strlen(w->body));
	else
		err = store_audit_addf(st, w->actor_id, "page-create", target,
			"title \"%s\", body %zu bytes", w->title, strlen(w->body));
out:
	sqlite3_finalize(stmt);
	free(old_title);
	free(target);
	return err;
}

int store_admin_page_set(struct store *st, int64_t actor_id, const char *slug, const char *title,
	const char *body)
{
	struct page_w w = { .actor_id = actor_id, .slug = slug };
	int err;
	if (!st || !store_slug_valid(slug, STORE_SLUG_MAX) || !title || !body)
		return BBS_ERR_INVALID;
	if ((err = store_clean(title, STORE_FIELD_MAX, 0, &w.title)) >= 0
	    && (err = store_clean(body, STORE_BODY_MAX, TEXT_MULTILINE, &w.body)) >= 0)
		err = store_write(st, admin_page_tx, &w);
	free(w.title);
	free(w.body);
	return err;
}

/* ---- settings ---- */

/* The settings sysops may change and how each value is checked. */
enum setting_kind { SETTING_LINE, SETTING_WORD, SETTING_MINUTES };
static const struct {
	const char *key;
	enum setting_kind kind;
	const char *words[4];   /* SETTING_WORD: the allowed values */
} settings[] = {
	{ "site_name", SETTING_LINE, { NULL } },
	{ "registration", SETTING_WORD, { "open", "invite", "closed", NULL } },
	{ "guest_access", SETTING_WORD, { "on", "off", NULL } },
	{ "idle_warn_minutes", SETTING_MINUTES, { NULL } },
	{ "idle_logout_minutes", SETTING_MINUTES, { NULL } },
	{ "who_we_are_summary", SETTING_LINE, { NULL } },
};

/* The cleaned value to store for key, or BBS_ERR_INVALID / BBS_ERR_TOOBIG. */
static int setting_value(const char *key, const char *value, char **out)
{
	*out = NULL;
	if (!key || !value)
		return BBS_ERR_INVALID;
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		if (strcmp(key, settings[i].key) != 0)
			continue;
		if (settings[i].kind == SETTING_LINE)
			return store_clean_text(value, STORE_FIELD_MAX, false, out);
		if (settings[i].kind == SETTING_WORD) {
			for (int w = 0; settings[i].words[w]; w++)
				if (strcmp(value, settings[i].words[w]) == 0) {
					*out = xstrdup(value);
					return BBS_OK;
				}
			return BBS_ERR_INVALID;
		}
		/* Minutes: 1..5 decimal digits, 0 (off) .. a week. */
		size_t len = strnlen(value, 6);
		if (len < 1 || len > 5 || strspn(value, "0123456789") != len)
			return BBS_ERR_INVALID;
		long v = strtol(value, NULL, 10);
		if (v > IDLE_MINUTES_MAX)
			return BBS_ERR_INVALID;
		*out = xasprintf("%ld", v);
		return BBS_OK;
	}
	return BBS_ERR_INVALID;
}

struct setting_w {
	int64_t actor_id;
	const char *key;
	char *value;
};

static int admin_setting_tx(struct store *st, void *ctx)
{
	struct setting_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char *old = NULL, *target = NULL;
	int err = store_require_sysop(st, w->actor_id);
	if (err < 0)
		return err;
	if ((err = store_prepare(st, "SELECT value FROM settings WHERE key = ?1", &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, w->key)) < 0)
		goto out;
	err = store_step_row(st, stmt, "read setting");
	if (err == BBS_OK)
		old = store_col_text(stmt, 0);
	else if (err != BBS_ERR_NOTFOUND)
		goto out;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (old && strcmp(old, w->value) == 0) {
		err = BBS_OK;  /* unchanged: nothing to record */
		goto out;
	}
	if ((err = store_prepare(st, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
		     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", &stmt)) < 0
	    || (err = store_bind_text(stmt, 1, w->key)) < 0
	    || (err = store_bind_text(stmt, 2, w->value)) < 0
	    || (err = store_exec_stmt(st, stmt, "write setting")) < 0)
		goto out;
	target = xasprintf("setting %s", w->key);
	err = store_audit_addf(st, w->actor_id, "setting", target, "\"%s\" -> \"%s\"",
		old ? old : "", w->value);
out:
	sqlite3_finalize(stmt);
	free(old);
	free(target);
	return err;
}

int store_admin_setting_set(struct store *st, int64_t actor_id, const char *key,
	const char *value)
{
	struct setting_w w = { .actor_id = actor_id, .key = key };
	if (!st)
		return BBS_ERR_INVALID;
	int err = setting_value(key, value, &w.value);
	if (err >= 0)
		err = store_write(st, admin_setting_tx, &w);
	free(w.value);
	return err;
}
