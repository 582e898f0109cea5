/*
 * directory.c: the member directory and a member's profile.
 *
 * The directory lists active members who chose to be listed (store_directory does the
 * choosing), ordered by display name: one row each with the display name, handle,
 * organisation, sector and country, as many columns as fit. / asks for words that must each
 * appear in the name, handle, organisation, sector or country; s cycles a sector filter
 * (each sector in turn, then all); Enter opens the profile, m writes the member a message.
 * Rows are read in pages of DIR_PAGE; the next page is read when the selection reaches the
 * end of what was read.
 *
 * A profile is a page: name, handle, organisation, sector, country, member since, bio; m
 * writes a message.
 *
 * Must never: list or show the profile of a member who opted out of the directory or who is
 * not active (pending, declined, disabled), whatever handle is asked for; read the store
 * while drawing; open anything for a guest.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define DIR_PAGE 200
#define DIR_COL_MAX 24          /* widest name / organisation column */

struct directory {
	struct ui_screen base;   /* first member */
	struct ui_app *app;
	struct store_user **v;
	size_t n;
	bool more;               /* the last read filled a page: there may be more rows */
	char query[STORE_QUERY_MAX + 1];
	int sector;              /* index into store_sectors, -1 for all */
	struct ui_select ls;
	struct ui_list_geom g;
	int name_w, handle_w, org_w, sector_w;
};

static const char *dir_name(const struct store_user *u)
{
	return u->display_name && u->display_name[0] ? u->display_name : u->handle;
}

static void dir_widths(struct directory *d)
{
	d->name_w = d->handle_w = d->org_w = d->sector_w = 0;
	for (size_t i = 0; i < d->n; i++) {
		int w = ui_draw_width(dir_name(d->v[i])) +
			ui_draw_width(ui_verified_mark(d->v[i]->verified));
		if (w > d->name_w)
			d->name_w = w > DIR_COL_MAX ? DIR_COL_MAX : w;
		w = ui_draw_width(d->v[i]->handle);
		if (w > d->handle_w)
			d->handle_w = w > DIR_COL_MAX ? DIR_COL_MAX : w;
		w = ui_draw_width(d->v[i]->organisation);
		if (w > d->org_w)
			d->org_w = w > DIR_COL_MAX ? DIR_COL_MAX : w;
		w = ui_draw_width(d->v[i]->sector);
		if (w > d->sector_w)
			d->sector_w = w > DIR_COL_MAX ? DIR_COL_MAX : w;
	}
}

/* Reads the next page (append) or everything from the start (append false). */
static void dir_fetch(struct directory *d, struct ui_app *app, bool append)
{
	struct store_user **v = NULL;
	size_t n = 0;
	const char *sector = d->sector >= 0 ? store_sectors[d->sector] : NULL;

	if (!append) {
		store_user_list_free(d->v, d->n);
		d->v = NULL;
		d->n = 0;
		d->more = false;
	}
	int r = store_directory(app->st, d->query[0] ? d->query : NULL, sector, (int64_t)d->n,
		DIR_PAGE, &v, &n);
	if (r != 0) {
		log_warn("directory: %s", bbs_strerror(r));
		ui_app_message(app, r == BBS_ERR_TOOBIG ? "The search is too long"
							: "Could not read the directory, please try again");
		d->more = false;
	} else {
		d->v = xrealloc(d->v, (d->n + n + 1) * sizeof d->v[0]);
		if (n) /* v may be NULL when n is 0 */
			memcpy(d->v + d->n, v, n * sizeof v[0]);
		d->n += n;
		free(v); /* the array only: the structs moved to d->v */
		d->more = n == DIR_PAGE;
	}
	d->ls.total = (int)d->n;
	ui_select_clamp(&d->ls);
	dir_widths(d);
}

static void dir_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct directory *d = (struct directory *)s;

	ui_list_layout(r, &d->g, &d->ls);
}

static void dir_draw(struct ui_screen *s, WINDOW *w)
{
	struct directory *d = (struct directory *)s;
	int x0 = d->g.x0, width = d->g.width;
	char heading[STORE_QUERY_MAX + 128], count[48];

	if (width <= 0)
		return;
	int f = bbs_snprintf(heading, sizeof heading, "Member directory%s%s%s%s%s",
		d->sector >= 0 ? "  sector: " : "", d->sector >= 0 ? store_sectors[d->sector] : "",
		d->query[0] ? "  search: \"" : "", d->query, d->query[0] ? "\"" : "");
	(void)f; /* cut to fit is fine */
	ui_format_count((int64_t)d->n, "member", "members", count, sizeof count);
	if (d->more)
		bbs_strlcpy(count + strlen(count), "+", sizeof count - strlen(count));
	int cw = ui_draw_width(count);
	if (width >= 40 + cw)
		ui_draw_str(w, d->g.heading_y, x0 + width - cw, cw, count, A_NORMAL);
	ui_draw_str(w, d->g.heading_y, x0, width >= 40 + cw ? width - cw - 2 : width, heading,
		ui_term_heading_attr());
	if (d->n == 0) {
		ui_draw_str(w, d->g.list_y, x0, width,
			d->query[0] || d->sector >= 0 ? "No members match. Press / or s to change the search."
						      : "No members are listed yet.", A_NORMAL);
		return;
	}
	int name_w = d->name_w, handle_w = d->handle_w;
	for (int row = 0; row < d->ls.view; row++) {
		int i = d->ls.top + row;
		if (i >= (int)d->n)
			break;
		const struct store_user *u = d->v[i];
		int y = d->g.list_y + row;
		bool sel = i == d->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		int x = x0, end = x0 + width;
		if (sel)
			ui_draw_fill(w, y, x0, 2 + name_w < width ? 2 + name_w : width, A_REVERSE);
		ui_draw_str(w, y, x, end - x, sel ? "> " : "  ", attr);
		x += 2;
		{
			int nx = ui_draw_str(w, y, x, name_w < end - x ? name_w : end - x, dir_name(u),
				attr);
			if (u->verified && nx < name_w)
				ui_draw_str(w, y, x + nx, name_w - nx < end - x - nx ? name_w - nx
					: end - x - nx, ui_verified_mark(true), attr);
		}
		x += name_w + 2;
		if (x < end) {
			ui_draw_str(w, y, x, handle_w < end - x ? handle_w : end - x, u->handle, A_NORMAL);
			x += handle_w + 2;
		}
		if (x < end && d->org_w > 0) {
			ui_draw_str(w, y, x, d->org_w < end - x ? d->org_w : end - x, u->organisation,
				A_NORMAL);
			x += d->org_w + 2;
		}
		if (x < end && d->sector_w > 0) {
			ui_draw_str(w, y, x, d->sector_w < end - x ? d->sector_w : end - x, u->sector,
				A_NORMAL);
			x += d->sector_w + 2;
		}
		if (x < end)
			ui_draw_str(w, y, x, end - x, u->country, A_NORMAL);
	}
}

static void dir_cursor(struct ui_screen *s, int *y, int *x)
{
	struct directory *d = (struct directory *)s;

	*y = d->ls.view > 0 && d->n > 0 ? d->g.list_y + d->ls.sel - d->ls.top : d->g.heading_y;
	*x = d->g.x0;
}

static const struct store_user *dir_selected(const struct directory *d)
{
	return d->n > 0 && d->ls.sel >= 0 && d->ls.sel < (int)d->n ? d->v[d->ls.sel] : NULL;
}

static enum ui_result dir_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct directory *d = (struct directory *)s;
	const struct store_user *u = dir_selected(d);
	char q[STORE_QUERY_MAX + 1];

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys d */
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (u)
			ui_app_push(app, ui_member_profile_create(app, u->handle));
		return UI_RES_REDRAW;
	case UI_ACT_MESSAGE:
		if (u)
			ui_app_push(app, ui_message_compose(app, u->handle));
		return UI_RES_REDRAW;
	case UI_ACT_SEARCH:
		if (!ui_app_input(app, "Search members (empty: all):", q, sizeof q))
			return UI_RES_REDRAW;
		bbs_strlcpy(d->query, q, sizeof d->query);
		d->ls.sel = d->ls.top = 0;
		dir_fetch(d, app, false);
		return UI_RES_REDRAW;
	case UI_ACT_FILTER:
		d->sector = d->sector + 1 >= STORE_NSECTORS ? -1 : d->sector + 1;
		d->ls.sel = d->ls.top = 0;
		dir_fetch(d, app, false);
		return UI_RES_REDRAW;
	default: {
		enum ui_result res = ui_select_action(&d->ls, action);
		/* At the end of what was read: read the next page. */
		if (d->more && d->ls.sel >= (int)d->n - 1) {
			dir_fetch(d, app, true);
			if (action == UI_ACT_DOWN || action == UI_ACT_PGDN || action == UI_ACT_END)
				res = UI_RES_REDRAW;
		}
		return res;
	}
	}
}

static void dir_destroy(struct ui_screen *s)
{
	struct directory *d = (struct directory *)s;

	if (!d)
		return;
	store_user_list_free(d->v, d->n);
	free(d);
}

/* resume.c: "directory" (the list from its start, without the search). */
static bool dir_where(struct ui_screen *s, char *buf, size_t size)
{
	(void)s;
	return bbs_snprintf(buf, size, "directory") == 0;
}

struct ui_screen *ui_directory_create(struct ui_app *app)
{
	if (app->guest || !app->user)
		return NULL; /* members only */
	struct directory *d = xcalloc(1, sizeof *d);

	d->base.keymap = &ui_keymap_directory;
	d->base.layout = dir_layout;
	d->base.draw = dir_draw;
	d->base.cursor = dir_cursor;
	d->base.action = dir_action;
	d->base.destroy = dir_destroy;
	d->base.where = dir_where;
	d->app = app;
	d->sector = -1;
	dir_fetch(d, app, false);
	return &d->base;
}

/* ---- a member's profile ---- */

struct profile {
	char handle[64];
};

static enum ui_result profile_action(struct ui_screen *s, struct ui_app *app, void *ctx,
	int action)
{
	struct profile *p = ctx;

	(void)s;
	if (action != UI_ACT_MESSAGE)
		return UI_RES_NONE;
	ui_app_push(app, ui_message_compose(app, p->handle));
	return UI_RES_REDRAW;
}

static const struct ui_pager_ops profile_ops = { profile_action, NULL, free };

struct ui_screen *ui_member_profile_create(struct ui_app *app, const char *handle)
{
	struct store_user *u = NULL;
	char *text = NULL, since[16];

	if (app->guest || !app->user || !handle)
		return NULL;
	int r = store_user_get(app->st, handle, &u);
	/* Opted out or not an active member: the same answer as no such member. */
	if (r != 0 || u->status != STORE_STATUS_ACTIVE || !u->in_directory) {
		if (r != 0 && r != BBS_ERR_NOTFOUND)
			log_warn("profile: %s", bbs_strerror(r));
		ui_app_message(app, r != 0 && r != BBS_ERR_NOTFOUND
			? "Could not read the profile, please try again"
			: "This member is not listed in the directory");
		store_user_free(u);
		return NULL;
	}
	ui_format_date(u->created, since, sizeof since);
	ui_format_append(&text, "Name:          %s%s\n", dir_name(u),
		ui_verified_mark(u->verified));
	ui_format_append(&text, "Handle:        %s\n", u->handle);
	ui_format_append(&text, "Organisation:  %s\n", u->organisation[0] ? u->organisation : "-");
	ui_format_append(&text, "Sector:        %s\n", u->sector[0] ? u->sector : "-");
	ui_format_append(&text, "Country:       %s\n", u->country[0] ? u->country : "-");
	ui_format_append(&text, "Member since:  %s\n\n", since);
	ui_format_append(&text, "%s\n", u->bio && u->bio[0] ? u->bio : "(no bio)");

	struct profile *p = xcalloc(1, sizeof *p);
	bbs_strlcpy(p->handle, u->handle, sizeof p->handle);
	char *heading = xasprintf("Profile: %s", dir_name(u));
	struct ui_screen *s = ui_pager_create_ops(heading, text, &ui_keymap_profile, &profile_ops, p);
	free(heading);
	free(text);
	store_user_free(u);
	return s;
}
