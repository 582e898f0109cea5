/*
 * admin-audit.c: the audit log for sysops: browse, filter, one entry whole.
 *
 * When the screen opens, the whole chain is checked (store_audit_verify) and the first line
 * says "Chain: intact (N entries)" or "Chain: BROKEN at entry ID". Below it the entries,
 * newest first, one row each (time, actor, action, target, detail), read in pages of
 * AUD_PAGE as the selection reaches the end. / asks for filter words (each must appear in
 * actor, action, target or detail). Enter shows the selected entry whole on a page: every
 * field, the source address, its hash and the previous entry's hash.
 *
 * Must never: open for anyone but a sysop; change the log; read the store while drawing.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define AUD_PAGE 200

struct audit {
	struct ui_screen base;   /* first member */
	struct store_audit *v;
	size_t n;
	bool more;
	char filter[STORE_QUERY_MAX + 1];
	char chain[128];
	bool broken;
	struct ui_select ls;
	struct ui_list_geom g;
	int chain_y;
};

static void audit_fetch(struct audit *a, struct ui_app *app, bool append)
{
	struct store_audit *v = NULL;
	size_t n = 0;

	if (!append) {
		store_audit_list_free(a->v, a->n);
		a->v = NULL;
		a->n = 0;
		a->more = false;
	}
	int r = store_audit_list(app->st, a->filter[0] ? a->filter : NULL, (int64_t)a->n, AUD_PAGE,
		&v, &n);
	if (r != 0) {
		log_warn("audit list: %s", bbs_strerror(r));
		ui_app_message(app, r == BBS_ERR_TOOBIG ? "The filter is too long"
							: "Could not read the audit log, please try again");
		a->more = false;
	} else {
		a->v = xrealloc(a->v, (a->n + n + 1) * sizeof a->v[0]);
		if (n)
			memcpy(a->v + a->n, v, n * sizeof v[0]);
		a->n += n;
		free(v); /* the array only: the entries moved to a->v */
		a->more = n == AUD_PAGE;
	}
	a->ls.total = (int)a->n;
	ui_select_clamp(&a->ls);
}

static void audit_verify(struct audit *a, struct ui_app *app)
{
	int64_t count = 0, bad = 0;
	char *head = NULL;

	int r = store_audit_verify(app->st, &count, &bad, &head);
	a->broken = r != 0;
	if (r == 0)
		(void)bbs_snprintf(a->chain, sizeof a->chain, "Chain: intact (%lld entr%s)",
			(long long)count, count == 1 ? "y" : "ies");
	else if (r == BBS_ERR_INVALID)
		(void)bbs_snprintf(a->chain, sizeof a->chain, "Chain: BROKEN at entry %lld",
			(long long)bad);
	else
		(void)bbs_snprintf(a->chain, sizeof a->chain, "Chain: could not be checked (%s)",
			bbs_strerror(r));
	free(head);
}

static void audit_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct audit *a = (struct audit *)s;
	struct ui_rect rr = *r;

	/* The chain line first, then a list with its heading. */
	a->chain_y = r->y;
	if (rr.rows > 1) {
		rr.y++;
		rr.rows--;
	}
	ui_list_layout(&rr, &a->g, &a->ls);
}

static void audit_row(const struct store_audit *e, char *buf, size_t size)
{
	char when[UI_TIME_LEN];

	ui_format_time(e->at, when, sizeof when);
	(void)bbs_snprintf(buf, size, "%s  %-10s %-16s %s  %s", when, e->actor, e->action,
		e->target, e->detail);
}

static void audit_draw(struct ui_screen *s, WINDOW *w)
{
	struct audit *a = (struct audit *)s;
	char heading[STORE_QUERY_MAX + 64], row[STORE_FIELD_MAX * 4 + 64];

	if (a->g.width <= 0)
		return;
	ui_draw_str(w, a->chain_y, a->g.x0, a->g.width, a->chain,
		a->broken ? (A_BOLD | A_REVERSE) : A_BOLD);
	(void)bbs_snprintf(heading, sizeof heading, "Audit log%s%s%s",
		a->filter[0] ? "  filter: \"" : "", a->filter, a->filter[0] ? "\"" : "");
	ui_draw_str(w, a->g.heading_y, a->g.x0, a->g.width, heading, ui_term_heading_attr());
	if (a->n == 0) {
		ui_draw_str(w, a->g.list_y, a->g.x0, a->g.width,
			a->filter[0] ? "No entries match. Press / to change the filter." :
			"The audit log is empty.", A_NORMAL);
		return;
	}
	for (int i = 0; i < a->ls.view && a->ls.top + i < (int)a->n; i++) {
		int idx = a->ls.top + i;
		bool sel = idx == a->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		audit_row(&a->v[idx], row, sizeof row);
		ui_draw_str(w, a->g.list_y + i, a->g.x0, 2, sel ? "> " : "  ", attr);
		ui_draw_str(w, a->g.list_y + i, a->g.x0 + 2, a->g.width - 2, row, attr);
	}
}

static void audit_cursor(struct ui_screen *s, int *y, int *x)
{
	struct audit *a = (struct audit *)s;
	*y = a->n > 0 ? a->g.list_y + a->ls.sel - a->ls.top : a->g.heading_y;
	*x = a->g.x0;
}

static struct ui_screen *entry_create(const struct store_audit *e)
{
	char when[UI_TIME_LEN];
	char *text = NULL;

	ui_format_time(e->at, when, sizeof when);
	ui_format_append(&text, "Entry:      %lld\n", (long long)e->id);
	ui_format_append(&text, "Time:       %s\n", when);
	ui_format_append(&text, "Actor:      %s\n", e->actor);
	ui_format_append(&text, "Action:     %s\n", e->action);
	ui_format_append(&text, "Target:     %s\n", e->target);
	ui_format_append(&text, "Source:     %s\n", e->source && e->source[0] ? e->source : "-");
	ui_format_append(&text, "Detail:\n%s\n\n", e->detail && e->detail[0] ? e->detail : "-");
	ui_format_append(&text, "Hash:\n%s\n", e->hash);
	ui_format_append(&text, "Previous hash:\n%s\n",
		e->prev_hash && e->prev_hash[0] ? e->prev_hash : "(none: the first entry)");
	char *title = xasprintf("Audit entry %lld", (long long)e->id);
	struct ui_screen *s = ui_pager_create(title, text);
	free(title);
	free(text);
	return s;
}

static enum ui_result audit_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct audit *a = (struct audit *)s;
	char q[STORE_QUERY_MAX + 1];

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (!ui_refuse_non_sysop(app) && a->n > 0)
			ui_app_push(app, entry_create(&a->v[a->ls.sel]));
		return UI_RES_REDRAW;
	case UI_ACT_SEARCH:
		if (ui_refuse_non_sysop(app))
			return UI_RES_REDRAW;
		if (!ui_app_input(app, "Filter (words; empty: all):", q, sizeof q))
			return UI_RES_REDRAW;
		bbs_strlcpy(a->filter, q, sizeof a->filter);
		a->ls.sel = a->ls.top = 0;
		audit_fetch(a, app, false);
		return UI_RES_REDRAW;
	default: {
		enum ui_result res = ui_select_action(&a->ls, action);
		if (a->more && a->ls.sel >= (int)a->n - 1) {
			audit_fetch(a, app, true);
			res = UI_RES_REDRAW;
		}
		return res;
	}
	}
}

static void audit_destroy(struct ui_screen *s)
{
	struct audit *a = (struct audit *)s;
	if (!a)
		return;
	store_audit_list_free(a->v, a->n);
	free(a);
}

struct ui_screen *ui_admin_audit_create(struct ui_app *app)
{
	if (ui_refuse_non_sysop(app))
		return NULL;
	struct audit *a = xcalloc(1, sizeof *a);
	a->base.keymap = &ui_keymap_admin_audit;
	a->base.layout = audit_layout;
	a->base.draw = audit_draw;
	a->base.cursor = audit_cursor;
	a->base.action = audit_action;
	a->base.destroy = audit_destroy;
	audit_verify(a, app);
	audit_fetch(a, app, false);
	return &a->base;
}
