/*
 * admin.c: the administration menu, and the role checks the admin screens share.
 *
 * Sysops get: Members, Invites, Structure and content, Who is online, Audit log, Reports.
 * Moderators get only Reports (moderation). Members never get the menu: the main menu has no
 * item for them, and ui_admin_create refuses them too ("Only sysops and moderators can do
 * that"), in case the keys that would open it arrive anyway. Each item's screen re-checks the
 * role itself when it is created, so a way around this menu would still be refused.
 *
 * Must never: open for a member, a guest or a join visitor; offer a moderator an item only
 * sysops may use; read the store while drawing.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>

bool ui_is_sysop(const struct ui_app *app)
{
	return app && !app->guest && !app->join && app->user &&
		app->user->role == STORE_ROLE_SYSOP;
}

bool ui_refuse_non_sysop(struct ui_app *app)
{
	if (ui_is_sysop(app))
		return false;
	ui_app_message(app, UI_ONLY_SYSOPS);
	return true;
}

enum admin_item { ADM_MEMBERS, ADM_INVITES, ADM_STRUCTURE, ADM_ONLINE, ADM_AUDIT, ADM_REPORTS };

struct admin_entry {
	enum admin_item item;
	const char *name, *desc;
	bool sysop_only;
};

static const struct admin_entry admin_entries[] = {
	{ ADM_MEMBERS, "Members", "accounts, applications, keys, passwords, locks", true },
	{ ADM_INVITES, "Invites", "create, list and revoke invite codes", true },
	{ ADM_STRUCTURE, "Structure and content", "focus areas, boards, pages, site settings",
		true },
	{ ADM_ONLINE, "Who is online", "sessions now, end one", true },
	{ ADM_AUDIT, "Audit log", "every sysop and moderator action, logins, key changes", true },
	{ ADM_REPORTS, "Reports", "what members reported to the moderators", false },
};
#define N_ENTRIES (sizeof admin_entries / sizeof admin_entries[0])

struct admin {
	struct ui_screen base;   /* first member */
	const struct admin_entry *items[N_ENTRIES];
	int n;
	struct ui_select ls;
	struct ui_rect r;
	int x0, width, list_y;
};

static void admin_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct admin *a = (struct admin *)s;

	a->r = *r;
	a->x0 = r->cols >= 40 ? 1 : 0;
	a->width = r->cols - 2 * a->x0;
	a->list_y = r->y + (r->rows >= 12 ? 2 : 1);
	a->ls.total = a->n;
	a->ls.view = r->y + r->rows - a->list_y;
	if (a->ls.view < 0)
		a->ls.view = 0;
	ui_select_clamp(&a->ls);
}

static void admin_draw(struct ui_screen *s, WINDOW *w)
{
	struct admin *a = (struct admin *)s;
	char line[96];

	if (a->width <= 0)
		return;
	ui_draw_str(w, a->r.y, a->x0, a->width, "Administration", ui_term_heading_attr());
	for (int row = 0; row < a->ls.view && a->ls.top + row < a->n; row++) {
		int i = a->ls.top + row;
		bool sel = i == a->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		int y = a->list_y + row;
		(void)bbs_snprintf(line, sizeof line, "%d. %s", i + 1, a->items[i]->name);
		ui_draw_str(w, y, a->x0, 2, sel ? "> " : "  ", attr);
		int used = ui_draw_str(w, y, a->x0 + 2, a->width - 2, line, attr);
		if (a->width > 2 + 28 + 16 && used < 27)
			ui_draw_str(w, y, a->x0 + 2 + 28, a->width - 30, a->items[i]->desc, A_NORMAL);
	}
}

static void admin_cursor(struct ui_screen *s, int *y, int *x)
{
	struct admin *a = (struct admin *)s;

	*y = a->list_y + a->ls.sel - a->ls.top;
	*x = a->x0;
}

static void admin_open(struct ui_app *app, const struct admin_entry *e)
{
	/* Checked again here (and by each screen): the role may have changed since. */
	if (e->sysop_only && ui_refuse_non_sysop(app))
		return;
	switch (e->item) {
	case ADM_MEMBERS: ui_app_push(app, ui_admin_members_create(app)); break;
	case ADM_INVITES: ui_app_push(app, ui_admin_invites_create(app)); break;
	case ADM_STRUCTURE: ui_app_push(app, ui_admin_structure_create(app)); break;
	case ADM_ONLINE: ui_app_push(app, ui_admin_online_create(app)); break;
	case ADM_AUDIT: ui_app_push(app, ui_admin_audit_create(app)); break;
	case ADM_REPORTS: ui_app_push(app, ui_reports_create(app)); break;
	}
}

static enum ui_result admin_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct admin *a = (struct admin *)s;
	int item;

	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_JUMP:
		item = key - '1';
		if (item < 0 || item >= a->n)
			return UI_RES_NONE;
		a->ls.sel = item;
		ui_select_clamp(&a->ls);
		break;
	case UI_ACT_OPEN:
		if (a->n == 0)
			return UI_RES_NONE;
		item = a->ls.sel;
		break;
	default:
		return ui_select_action(&a->ls, action);
	}
	admin_open(app, a->items[item]);
	return UI_RES_REDRAW;
}

static void admin_destroy(struct ui_screen *s)
{
	free(s);
}

struct ui_screen *ui_admin_create(struct ui_app *app)
{
	if (!ui_is_moderator(app) || app->guest || app->join) {
		ui_app_message(app, UI_ONLY_STAFF);
		return NULL;
	}
	struct admin *a = xcalloc(1, sizeof *a);
	bool sysop = ui_is_sysop(app);

	a->base.keymap = &ui_keymap_admin;
	a->base.layout = admin_layout;
	a->base.draw = admin_draw;
	a->base.cursor = admin_cursor;
	a->base.action = admin_action;
	a->base.destroy = admin_destroy;
	for (size_t i = 0; i < N_ENTRIES; i++)
		if (sysop || !admin_entries[i].sysop_only)
			a->items[a->n++] = &admin_entries[i];
	return &a->base;
}
