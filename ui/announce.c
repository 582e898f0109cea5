/*
 * announce.c: "News and announcements" from the sysops.
 *
 * A list, newest first: the new marker '*' (not seen yet), the date, the title and who wrote
 * it. Enter reads one in a page (and marks it, and the older ones, seen: the store keeps one
 * watermark per member). Sysops also have n (write one: the editor with a title field) and d
 * (delete one, asks first); members have neither key, in the table or in the hints, and the
 * store refuses them whatever they send. The announcements a member has not seen are also
 * shown once right after login (menu.c).
 *
 * Must never: give a member a way to write or delete (the keys are not in their table, and
 * the actions are refused here too), read the store while drawing, open anything for a guest.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define ANN_PAGE 200

struct announce {
	struct ui_screen base;   /* first member */
	struct store_announcement *v;
	size_t n;
	bool sysop;
	struct ui_select ls;
	struct ui_list_geom g;
};

static bool ann_is_sysop(const struct ui_app *app)
{
	return app->user && !app->guest && app->user->role == STORE_ROLE_SYSOP;
}

static void ann_load(struct announce *a, struct ui_app *app)
{
	store_announcement_list_free(a->v, a->n);
	a->v = NULL;
	a->n = 0;
	int r = store_announcement_list(app->st, app->user->id, 0, ANN_PAGE, &a->v, &a->n);
	if (r != 0) {
		log_warn("announcements: %s", bbs_strerror(r));
		ui_app_message(app, "Could not read the announcements, please try again");
		a->v = NULL;
		a->n = 0;
	}
	a->ls.total = (int)a->n;
	ui_select_clamp(&a->ls);
}

static void ann_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct announce *a = (struct announce *)s;

	ui_list_layout(r, &a->g, &a->ls);
}

static void ann_draw(struct ui_screen *s, WINDOW *w)
{
	struct announce *a = (struct announce *)s;
	int x0 = a->g.x0, width = a->g.width;

	if (width <= 0)
		return;
	ui_draw_str(w, a->g.heading_y, x0, width, "News and announcements", ui_term_heading_attr());
	if (a->n == 0) {
		ui_draw_str(w, a->g.list_y, x0, width, a->sysop
			? "No announcements yet. Press n to write one." : "No announcements yet.",
			A_NORMAL);
		return;
	}
	for (int row = 0; row < a->ls.view; row++) {
		int i = a->ls.top + row;
		if (i >= (int)a->n)
			break;
		const struct store_announcement *an = &a->v[i];
		int y = a->g.list_y + row, x = x0, end = x0 + width;
		bool sel = i == a->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		char when[UI_TIME_LEN];
		if (sel)
			ui_draw_fill(w, y, x0, width, A_REVERSE);
		ui_draw_str(w, y, x, end - x, sel ? ">" : " ", attr);
		ui_draw_str(w, y, x + 1, end - x - 1, an->unread ? "*" : " ", attr);
		x += 3;
		if (width >= 40) {
			ui_format_date(an->created, when, sizeof when);
			x += ui_draw_str(w, y, x, end - x, when, attr) + 2;
		}
		if (x < end)
			x += ui_draw_str(w, y, x, end - x, an->title, attr);
		if (x + 4 < end && an->author_handle && an->author_handle[0]) {
			char by[96];
			(void)bbs_snprintf(by, sizeof by, "  by %s", an->author_handle);
			ui_draw_str(w, y, x, end - x, by, attr);
		}
	}
}

static void ann_cursor(struct ui_screen *s, int *y, int *x)
{
	struct announce *a = (struct announce *)s;

	*y = a->n > 0 && a->ls.view > 0 ? a->g.list_y + a->ls.sel - a->ls.top : a->g.heading_y;
	*x = a->g.x0;
}

/* ---- writing (sysops) ---- */

static bool ann_send(struct ui_app *app, struct ui_screen *ed, void *ctx, const char *title,
	const char *body, const char *token)
{
	int64_t id = 0;

	(void)ed;
	(void)ctx;
	(void)token;
	int r = store_announcement_create(app->st, app->user->id, title, body, &id);
	if (r != 0) {
		log_warn("announcement: %s", bbs_strerror(r));
		ui_app_message(app, r == BBS_ERR_DENIED ? "Only sysops can do that"
			: r == BBS_ERR_TOOBIG ? "Too long: nothing was published"
			: "Could not publish, please try again");
		return false;
	}
	ui_app_message(app, "Announcement published.");
	return true;
}

static const struct ui_editor_hooks ann_hooks = { ann_send, NULL };

static void ann_read(struct announce *a, struct ui_app *app)
{
	const struct store_announcement *an = &a->v[a->ls.sel];
	char when[UI_TIME_LEN];
	char *text = NULL;

	ui_format_time(an->created, when, sizeof when);
	ui_format_append(&text, "%s%s%s\n\n%s\n", when,
		an->author_handle && an->author_handle[0] ? "  by " : "",
		an->author_handle ? an->author_handle : "", an->body);
	if (an->unread) {
		int r = store_announcement_mark_seen(app->st, app->user->id, an->id);
		if (r != 0)
			log_warn("announcement seen: %s", bbs_strerror(r));
	}
	ui_app_push(app, ui_pager_create(an->title, text)); /* the list reloads on resume */
	free(text);
}

static enum ui_result ann_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct announce *a = (struct announce *)s;

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (a->n > 0)
			ann_read(a, app);
		return UI_RES_REDRAW;
	case UI_ACT_NEW: {
		if (!ann_is_sysop(app))
			return UI_RES_NONE; /* not in a member's table; never for a member */
		struct ui_editor_spec spec = {
			.heading = "New announcement",
			.context = NULL,
			.with_title = true,
			.title_max = STORE_TITLE_MAX,
			.body_max = STORE_ANNOUNCEMENT_MAX,
		};
		ui_app_push(app, ui_editor_custom(app, &spec, &ann_hooks, NULL));
		return UI_RES_REDRAW;
	}
	case UI_ACT_DELETE: {
		if (!ann_is_sysop(app) || a->n == 0)
			return UI_RES_NONE;
		if (!ui_app_confirm(app, "Delete this announcement for everyone? (y/n)"))
			return UI_RES_REDRAW;
		int r = store_announcement_delete(app->st, app->user->id, a->v[a->ls.sel].id);
		if (r != 0) {
			log_warn("announcement delete: %s", bbs_strerror(r));
			ui_app_message(app, r == BBS_ERR_DENIED ? "Only sysops can do that"
								: "Could not delete, please try again");
		} else {
			ui_app_message(app, "Announcement deleted.");
		}
		ann_load(a, app);
		return UI_RES_REDRAW;
	}
	default:
		return ui_select_action(&a->ls, action);
	}
}

static void ann_resume(struct ui_screen *s, struct ui_app *app)
{
	ann_load((struct announce *)s, app);
}

static void ann_destroy(struct ui_screen *s)
{
	struct announce *a = (struct announce *)s;

	if (!a)
		return;
	store_announcement_list_free(a->v, a->n);
	free(a);
}

struct ui_screen *ui_announcements_create(struct ui_app *app)
{
	if (app->guest || !app->user)
		return NULL;
	struct announce *a = xcalloc(1, sizeof *a);

	a->sysop = ann_is_sysop(app);
	a->base.keymap = a->sysop ? &ui_keymap_announce_sysop : &ui_keymap_announce;
	a->base.layout = ann_layout;
	a->base.draw = ann_draw;
	a->base.cursor = ann_cursor;
	a->base.action = ann_action;
	a->base.destroy = ann_destroy;
	a->base.resume = ann_resume;
	ann_load(a, app);
	return &a->base;
}
