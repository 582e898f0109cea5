/*
 * admin-online.c: "Who is online" for sysops: the live sessions and ending one.
 *
 * One row per session (store_session_list, oldest first; rows of processes that are gone are
 * pruned by the store): member (or "(guest)" / "(join)"), kind, since when, the source
 * address and the session's tag in bbsd's log lines (keys_session_tag: session=TAG). e ends the selected session after asking (store_session_end: SIGTERM to the
 * session process after checking it is still the same process; audited). R reads the list
 * again. The sysop's own session is marked, and ending it asks the same way.
 *
 * Must never: open for anyone but a sysop; read the store while drawing; end a session
 * without asking.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct online {
	struct ui_screen base;   /* first member */
	struct store_session *v;
	size_t n;
	struct ui_select ls;
	struct ui_list_geom g;
};

static void online_load(struct online *o, struct ui_app *app)
{
	store_session_list_free(o->v, o->n);
	o->v = NULL;
	o->n = 0;
	int r = store_session_list(app->st, &o->v, &o->n);
	if (r != 0) {
		log_warn("who is online: %s", bbs_strerror(r));
		o->v = NULL;
		o->n = 0;
		ui_app_message(app, "Could not read the sessions, please try again");
	}
	o->ls.total = (int)o->n;
	ui_select_clamp(&o->ls);
}

static void online_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct online *o = (struct online *)s;
	ui_list_layout(r, &o->g, &o->ls);
}

static const char *who(const struct store_session *ss)
{
	if (ss->handle && ss->handle[0])
		return ss->handle;
	return ss->kind && strcmp(ss->kind, "join") == 0 ? "(join)" : "(guest)";
}

static void online_draw(struct ui_screen *s, WINDOW *w)
{
	struct online *o = (struct online *)s;
	char row[STORE_FIELD_MAX * 2], since[UI_TIME_LEN], count[48];

	if (o->g.width <= 0)
		return;
	ui_format_count((int64_t)o->n, "session", "sessions", count, sizeof count);
	int cw = ui_draw_width(count);
	if (o->g.width >= 30 + cw)
		ui_draw_str(w, o->g.heading_y, o->g.x0 + o->g.width - cw, cw, count, A_NORMAL);
	ui_draw_str(w, o->g.heading_y, o->g.x0, o->g.width >= 30 + cw ? o->g.width - cw - 2 :
		o->g.width, "Who is online", ui_term_heading_attr());
	if (o->n == 0) {
		ui_draw_str(w, o->g.list_y, o->g.x0, o->g.width, "Nobody is online.", A_NORMAL);
		return;
	}
	for (int i = 0; i < o->ls.view && o->ls.top + i < (int)o->n; i++) {
		int idx = o->ls.top + i;
		const struct store_session *ss = &o->v[idx];
		bool sel = idx == o->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		char tag[KEYS_SESSION_TAG_LEN];
		ui_format_time(ss->since, since, sizeof since);
		keys_session_tag(ss->pid, ss->pid_start, tag);
		(void)bbs_snprintf(row, sizeof row, "%-16s %-8s since %s  from %s  session %s",
			who(ss), ss->kind ? ss->kind : "?", since,
			ss->source && ss->source[0] ? ss->source : "-", tag);
		ui_draw_str(w, o->g.list_y + i, o->g.x0, 2, sel ? "> " : "  ", attr);
		ui_draw_str(w, o->g.list_y + i, o->g.x0 + 2, o->g.width - 2, row, attr);
	}
}

static void online_cursor(struct ui_screen *s, int *y, int *x)
{
	struct online *o = (struct online *)s;
	*y = o->n > 0 ? o->g.list_y + o->ls.sel - o->ls.top : o->g.heading_y;
	*x = o->g.x0;
}

static enum ui_result online_action(struct ui_screen *s, struct ui_app *app, int action,
	int key)
{
	struct online *o = (struct online *)s;
	char q[STORE_FIELD_MAX + 64];

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_REFRESH:
		if (!ui_refuse_non_sysop(app))
			online_load(o, app);
		return UI_RES_REDRAW;
	case UI_ACT_END_SESSIONS: {
		if (ui_refuse_non_sysop(app) || o->n == 0)
			return UI_RES_REDRAW;
		const struct store_session *ss = &o->v[o->ls.sel];
		int64_t id = ss->id;
		bool own = app->user && ss->user_id == app->user->id &&
			ss->pid == (int64_t)getppid();
		if (own)
			bbs_strlcpy(q, "End your own session (you will be logged off)? (y/n)",
				sizeof q);
		else
			(void)bbs_snprintf(q, sizeof q, "End the session of %s (%s)? (y/n)", who(ss),
				ss->kind ? ss->kind : "?");
		if (!ui_app_confirm(app, q) || app->quit)
			return UI_RES_REDRAW;
		int r = store_session_end(app->st, app->user->id, id);
		if (r == 0)
			ui_app_message(app, "Session ended.");
		else if (r == BBS_ERR_NOTFOUND)
			ui_app_message(app, "That session had ended already");
		else if (r == BBS_ERR_DENIED)
			ui_app_message(app, UI_ONLY_SYSOPS);
		else
			ui_app_message(app, "Could not end the session, please try again");
		online_load(o, app);
		return UI_RES_REDRAW;
	}
	default:
		return ui_select_action(&o->ls, action);
	}
}

static void online_resume(struct ui_screen *s, struct ui_app *app)
{
	online_load((struct online *)s, app);
}

static void online_destroy(struct ui_screen *s)
{
	struct online *o = (struct online *)s;
	if (!o)
		return;
	store_session_list_free(o->v, o->n);
	free(o);
}

struct ui_screen *ui_admin_online_create(struct ui_app *app)
{
	if (ui_refuse_non_sysop(app))
		return NULL;
	struct online *o = xcalloc(1, sizeof *o);
	o->base.keymap = &ui_keymap_admin_online;
	o->base.layout = online_layout;
	o->base.draw = online_draw;
	o->base.cursor = online_cursor;
	o->base.action = online_action;
	o->base.destroy = online_destroy;
	o->base.resume = online_resume;
	online_load(o, app);
	return &o->base;
}
