/*
 * store-content.c: the portal's own pages (welcome, who we are, area descriptions) and the
 * focus areas that organise the boards.
 *
 * Must never: store a title or body that has not been through text_sanitize, or accept a
 * slug outside [a-z0-9_.-].
 */
#include "store/private.h"

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

void store_page_finish(struct store_page *p)
{
	if (!p)
		return;
	free(p->slug);
	free(p->title);
	free(p->body);
	memset(p, 0, sizeof *p);
}

struct page_ctx {
	const char *slug;
	const char *title;  /* cleaned, for set */
	const char *body;   /* cleaned, for set */
	struct store_page page;
};

static int page_get_tx(struct store *st, void *ctx)
{
	struct page_ctx *c = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT slug, title, body, updated FROM pages WHERE slug = ?1",
		&stmt);
	if (err >= 0 && (err = store_bind_text(stmt, 1, c->slug)) >= 0
	    && (err = store_step_row(st, stmt, "read page")) >= 0) {
		c->page.slug = store_col_text(stmt, 0);
		c->page.title = store_col_text(stmt, 1);
		c->page.body = store_col_text(stmt, 2);
		c->page.updated = sqlite3_column_int64(stmt, 3);
	}
	sqlite3_finalize(stmt);
	return err;
}

int store_page_get(struct store *st, const char *slug, struct store_page *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	if (!store_slug_valid(slug, STORE_SLUG_MAX))
		return BBS_ERR_NOTFOUND;
	struct page_ctx c = { .slug = slug };
	int err = store_tx(st, false, page_get_tx, &c);
	if (err < 0)
		return err;
	*out = c.page;
	return BBS_OK;
}

static int page_set_tx(struct store *st, void *ctx)
{
	struct page_ctx *c = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st,
		"INSERT INTO pages (slug, title, body, updated) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT (slug) DO UPDATE SET title = excluded.title, body = excluded.body, "
		"updated = excluded.updated", &stmt);
	if (err >= 0 && (err = store_bind_text(stmt, 1, c->slug)) >= 0
	    && (err = store_bind_text(stmt, 2, c->title)) >= 0
	    && (err = store_bind_text(stmt, 3, c->body)) >= 0
	    && (err = store_bind_i64(stmt, 4, bbs_now())) >= 0)
		err = store_exec_stmt(st, stmt, "write page");
	sqlite3_finalize(stmt);
	return err;
}

int store_page_set(struct store *st, const char *slug, const char *title, const char *body)
{
	struct page_ctx c = { .slug = slug };
	char *ctitle = NULL, *cbody = NULL;
	int err;

	if (!store_slug_valid(slug, STORE_SLUG_MAX) || !title || !body)
		return BBS_ERR_INVALID;
	if ((err = store_clean(title, STORE_FIELD_MAX, 0, &ctitle)) < 0
	    || (err = store_clean(body, STORE_BODY_MAX, TEXT_MULTILINE, &cbody)) < 0)
		goto out;
	c.title = ctitle;
	c.body = cbody;
	err = store_tx(st, true, page_set_tx, &c);
	if (err > 0)
		err = BBS_OK;
out:
	free(ctitle);
	free(cbody);
	return err;
}

static void area_finish(void *elem)
{
	struct store_area *a = elem;
	free(a->slug);
	free(a->name);
	free(a->summary);
	free(a->page_slug);
}

static void read_area(sqlite3_stmt *stmt, void *elem)
{
	struct store_area *a = elem;
	a->id = sqlite3_column_int64(stmt, 0);
	a->slug = store_col_text(stmt, 1);
	a->name = store_col_text(stmt, 2);
	a->summary = store_col_text(stmt, 3);
	a->page_slug = store_col_text(stmt, 4);
	a->position = sqlite3_column_int(stmt, 5);
	a->archived = sqlite3_column_int(stmt, 6) != 0;
}

STORE_ROW_LIST(area, read_area, area_finish)

static int area_list_tx(struct store *st, void *ctx)
{
	return store_select(st, "SELECT id, slug, name, summary, coalesce(page_slug, ''), position, "
		"archived FROM areas WHERE archived = 0 ORDER BY position, id", NULL, 0, &area_rows,
		STORE_ROWS_ALL, ctx, "list areas");
}

int store_area_list(struct store *st, struct store_area **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct store_rows rows = { 0 };
	int err = store_tx(st, false, area_list_tx, &rows);
	if (err < 0)
		return err;
	*v = rows.v;
	*n = rows.n;
	return BBS_OK;
}

static int area_list_all_tx(struct store *st, void *ctx)
{
	return store_select(st, "SELECT id, slug, name, summary, coalesce(page_slug, ''), position, "
		"archived FROM areas ORDER BY position, id", NULL, 0, &area_rows, STORE_ROWS_ALL, ctx,
		"list areas");
}

int store_area_list_all(struct store *st, struct store_area **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct store_rows rows = { 0 };
	int err = store_tx(st, false, area_list_all_tx, &rows);
	if (err < 0)
		return err;
	*v = rows.v;
	*n = rows.n;
	return BBS_OK;
}
