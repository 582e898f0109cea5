/*
 * reports.c: reporting a post, challenge or private message to the moderators, and the
 * moderators' report queue (heading "Reports").
 *
 * Reporting (`!` in the discussion view, the challenge detail and a received message) asks
 * "Reason for reporting: " on the bottom line and files store_report_create: "Reported to the
 * moderators." or "You reported this already.".
 *
 * The queue lists open reports first (oldest first), then resolved ones (newest first), one
 * row each: "[open]" or "[done]", the date, the kind and the target. Below the list the
 * selected report is shown whole: target, excerpt, reporter, reason, date and resolution.
 * Enter opens what was reported (the discussion at the post, the challenge detail; a message
 * is shown in a page with the queue entry only: moderators never open others' messages),
 * r resolves with a note, S silences the author for N days with a reason (0 lifts it).
 *
 * Also here, shared by the screens that show members or refuse posting: the verified mark
 * and the "You are silenced until DATE" message.
 *
 * Must never: show the queue or a report to a member (checked here and by the store), draw a
 * byte of a report other than through ui_draw_text.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define REPORTS_MAX 500
#define REPORT_REASON_MAX 1024
#define REPORT_DETAIL_ROWS 7

const char *ui_verified_mark(bool verified)
{
	if (!verified)
		return "";
	return ui_draw_ascii() ? " (verified)" : " \u2713";
}

bool ui_silenced_message(struct ui_app *app)
{
	struct store_user *u = NULL;
	bool silenced = false;

	if (!app->user)
		return false;
	if (store_user_get_by_id(app->st, app->user->id, &u) == 0 && u &&
	    u->silenced_until > bbs_now()) {
		char when[UI_TIME_LEN];
		ui_format_time(u->silenced_until, when, sizeof when);
		if (u->silence_reason && u->silence_reason[0])
			ui_app_message(app, "You are silenced until %s: %s", when, u->silence_reason);
		else
			ui_app_message(app, "You are silenced until %s", when);
		silenced = true;
	}
	store_user_free(u);
	return silenced;
}

void ui_report_ask(struct ui_app *app, int kind, int64_t target_id)
{
	char reason[REPORT_REASON_MAX];
	int64_t id = 0;

	if (!app->user || app->guest)
		return;
	if (!ui_app_input(app, "Reason for reporting: ", reason, sizeof reason))
		return;
	if (!reason[0]) {
		ui_app_message(app, "Not reported: please give a reason");
		return;
	}
	int r = store_report_create(app->st, app->user->id, kind, target_id, reason, &id);
	switch (r) {
	case 0:
		ui_app_message(app, "Reported to the moderators.");
		break;
	case BBS_ERR_EXISTS:
		ui_app_message(app, "You reported this already.");
		break;
	case BBS_ERR_NOTFOUND:
		ui_app_message(app, "There is nothing to report here");
		break;
	case BBS_ERR_INVALID:
	case BBS_ERR_TOOBIG:
		ui_app_message(app, "Not reported: the reason is empty or too long");
		break;
	default:
		log_warn("report: %s", bbs_strerror(r));
		ui_app_message(app, "Could not save, please try again");
		break;
	}
}

/* ---- the queue ---- */

struct reports {
	struct ui_screen base;   /* first member */
	struct ui_app *app;
	struct store_report *v;
	size_t n;
	struct ui_select ls;
	struct ui_list_geom g;
	struct ui_rect rect;
	int detail_y, detail_rows;
};

static const char *report_kind(int kind)
{
	switch (kind) {
	case STORE_REPORT_POST: return "post";
	case STORE_REPORT_CHALLENGE: return "challenge";
	case STORE_REPORT_MESSAGE: return "message";
	default: return "?";
	}
}

static void reports_load(struct reports *rs, struct ui_app *app)
{
	struct store_report *v = NULL;
	size_t n = 0;

	int r = store_report_list(app->st, app->user->id, false, 0, REPORTS_MAX, &v, &n);
	if (r != 0) {
		log_warn("reports: %s", bbs_strerror(r));
		ui_app_message(app, r == BBS_ERR_DENIED ? UI_ONLY_MODERATORS
							: "Could not read the reports, please try again");
		return;
	}
	store_report_list_free(rs->v, rs->n);
	rs->v = v;
	rs->n = n;
	rs->ls.total = (int)n;
	ui_select_clamp(&rs->ls);
}

static void reports_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct reports *rs = (struct reports *)s;
	struct ui_rect list = *r;

	rs->rect = *r;
	rs->detail_rows = 0;
	if (r->rows >= 14) {
		rs->detail_rows = REPORT_DETAIL_ROWS;
		list.rows = r->rows - rs->detail_rows - 1;
	}
	ui_list_layout(&list, &rs->g, &rs->ls);
	rs->detail_y = list.y + list.rows;
}

static void reports_draw(struct ui_screen *s, WINDOW *w)
{
	struct reports *rs = (struct reports *)s;
	int x0 = rs->g.x0, width = rs->g.width;
	char when[UI_TIME_LEN], row[512], count[48];
	size_t open = 0;

	if (width <= 0)
		return;
	for (size_t i = 0; i < rs->n; i++)
		open += rs->v[i].open;
	(void)bbs_snprintf(count, sizeof count, "%zu open", open);
	int cw = ui_draw_width(count);
	ui_draw_str(w, rs->g.heading_y, x0, width - cw - 2, "Reports", ui_term_heading_attr());
	if (width >= 20 + cw)
		ui_draw_str(w, rs->g.heading_y, x0 + width - cw, cw, count, A_NORMAL);
	if (rs->n == 0) {
		ui_draw_str(w, rs->g.list_y, x0, width, "No reports.", A_NORMAL);
		return;
	}
	for (int i = 0; i < rs->ls.view; i++) {
		int k = rs->ls.top + i;
		if (k >= (int)rs->n)
			break;
		const struct store_report *p = &rs->v[k];
		bool sel = k == rs->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		ui_format_time(p->created, when, sizeof when);
		(void)bbs_snprintf(row, sizeof row, "%s %s  %s  %s: %s", p->open ? "[open]" : "[done]",
			when, p->reporter, report_kind(p->kind), p->target);
		if (sel)
			ui_draw_fill(w, rs->g.list_y + i, x0, width, A_REVERSE);
		ui_draw_str(w, rs->g.list_y + i, x0, 2, sel ? "> " : "  ", attr);
		ui_draw_str(w, rs->g.list_y + i, x0 + 2, width - 2, row, attr);
	}
	if (rs->detail_rows <= 0 || rs->ls.sel < 0 || rs->ls.sel >= (int)rs->n)
		return;
	const struct store_report *p = &rs->v[rs->ls.sel];
	int y = rs->detail_y;
	ui_format_time(p->created, when, sizeof when);
	ui_draw_fill(w, y, x0, width, A_NORMAL);
	(void)bbs_snprintf(row, sizeof row, "Reported %s: %s", report_kind(p->kind), p->target);
	ui_draw_str(w, y++, x0, width, row, A_BOLD);
	(void)bbs_snprintf(row, sizeof row, "Text:      %s", p->excerpt ? p->excerpt : "");
	ui_draw_str(w, y++, x0, width, row, A_NORMAL);
	(void)bbs_snprintf(row, sizeof row, "Reporter:  %s, %s", p->reporter, when);
	ui_draw_str(w, y++, x0, width, row, A_NORMAL);
	(void)bbs_snprintf(row, sizeof row, "Reason:    %s", p->reason);
	ui_draw_str(w, y++, x0, width, row, A_NORMAL);
	(void)bbs_snprintf(row, sizeof row, "Status:    %s%s%s", p->open ? "open" : "resolved",
		!p->open && p->resolution && p->resolution[0] ? ": " : "",
		!p->open && p->resolution ? p->resolution : "");
	ui_draw_str(w, y++, x0, width, row, A_NORMAL);
}

static void reports_cursor(struct ui_screen *s, int *y, int *x)
{
	struct reports *rs = (struct reports *)s;
	*y = rs->n > 0 ? rs->g.list_y + rs->ls.sel - rs->ls.top : rs->g.heading_y;
	*x = 0;
}

static const struct store_report *reports_selected(const struct reports *rs)
{
	if (rs->n == 0 || rs->ls.sel < 0 || rs->ls.sel >= (int)rs->n)
		return NULL;
	return &rs->v[rs->ls.sel];
}

static void reports_open(struct ui_app *app, const struct store_report *p)
{
	struct store_post post = { 0 };
	char *text = NULL, when[UI_TIME_LEN];

	switch (p->kind) {
	case STORE_REPORT_POST:
		if (store_post_get(app->st, p->target_id, &post) != 0) {
			ui_app_message(app, "That post is gone");
		} else {
			struct ui_screen *d = ui_discussion_create(app, post.thread_id, post.seq);
			if (d)
				ui_app_push(app, d);
		}
		store_post_finish(&post);
		break;
	case STORE_REPORT_CHALLENGE: {
		struct ui_screen *d = ui_challenge_detail_create(app, p->target_id);
		if (d)
			ui_app_push(app, d);
		break;
	}
	default:
		/* A private message: moderators see only what the report holds. */
		ui_format_time(p->created, when, sizeof when);
		ui_format_append(&text, "Reported message: %s\n\nText (first line):\n%s\n\n"
			"Reported by %s on %s\nReason: %s\n", p->target, p->excerpt ? p->excerpt : "",
			p->reporter, when, p->reason);
		ui_app_push(app, ui_pager_create("Reported message", text));
		free(text);
		break;
	}
}

/* The author of what p reports, 0 (message shown) if it cannot be found. */
static int64_t reports_author(struct ui_app *app, const struct store_report *p)
{
	int64_t id = 0;

	if (p->kind == STORE_REPORT_POST) {
		struct store_post post = { 0 };
		if (store_post_get(app->st, p->target_id, &post) == 0)
			id = post.author_id;
		store_post_finish(&post);
	} else if (p->kind == STORE_REPORT_CHALLENGE) {
		struct store_challenge c = { 0 };
		if (store_challenge_get(app->st, app->user->id, p->target_id, &c) == 0)
			id = c.author_id;
		store_challenge_finish(&c);
	} else if (p->kind == STORE_REPORT_MESSAGE && p->target) {
		/* "message 7 from bob": the store names the sender in the target. */
		const char *from = strstr(p->target, " from ");
		struct store_user *u = NULL;
		if (from) {
			char handle[64];
			bbs_strlcpy(handle, from + 6, sizeof handle);
			handle[strcspn(handle, " ")] = '\0';
			if (bbs_handle_valid(handle) && store_user_get(app->st, handle, &u) == 0 && u)
				id = u->id;
			store_user_free(u);
		}
	}
	if (id <= 0)
		ui_app_message(app, "Could not find who wrote it");
	return id;
}

static void reports_silence(struct ui_app *app, const struct store_report *p)
{
	char days[16], reason[REPORT_REASON_MAX], when[UI_TIME_LEN];
	int64_t author = reports_author(app, p);

	if (author <= 0)
		return;
	if (!ui_app_input(app, "Silence for how many days (0 lifts it): ", days, sizeof days))
		return;
	char *end = NULL;
	long n = strtol(days, &end, 10);
	if (!days[0] || *end || n < 0 || n > 3650) {
		ui_app_message(app, "Not silenced: give a number of days from 0 to 3650");
		return;
	}
	if (!ui_app_input(app, "Reason: ", reason, sizeof reason))
		return;
	if (n > 0 && !reason[0]) {
		ui_app_message(app, "Not silenced: please give a reason");
		return;
	}
	int64_t until = n > 0 ? bbs_now() + (int64_t)n * 86400 : 0;
	int r = store_silence(app->st, app->user->id, author, until, reason);
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_DENIED ? "You cannot silence that member"
							: "Could not save, please try again");
		return;
	}
	if (until > 0) {
		ui_format_time(until, when, sizeof when);
		ui_app_message(app, "Silenced until %s.", when);
	} else {
		ui_app_message(app, "Silence lifted.");
	}
}

static enum ui_result reports_action(struct ui_screen *s, struct ui_app *app, int action,
	int key)
{
	struct reports *rs = (struct reports *)s;
	const struct store_report *p = reports_selected(rs);
	char note[REPORT_REASON_MAX];

	(void)key;
	if (!ui_is_moderator(app) && action != UI_ACT_BACK) {
		ui_app_message(app, UI_ONLY_MODERATORS);
		return UI_RES_REDRAW;
	}
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys rs */
		return UI_RES_REDRAW;
	case UI_ACT_REFRESH:
		reports_load(rs, app);
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (p)
			reports_open(app, p);
		return UI_RES_REDRAW;
	case UI_ACT_RESOLVE: {
		if (!p)
			return UI_RES_NONE;
		if (!p->open) {
			ui_app_message(app, "This report is resolved already");
			return UI_RES_REDRAW;
		}
		int64_t id = p->id;
		if (!ui_app_input(app, "Resolution note: ", note, sizeof note))
			return UI_RES_REDRAW;
		int r = store_report_resolve(app->st, app->user->id, id, note);
		ui_app_message(app, r == 0 ? "Report resolved." : "Could not save, please try again");
		reports_load(rs, app);
		return UI_RES_REDRAW;
	}
	case UI_ACT_SILENCE:
		if (p)
			reports_silence(app, p);
		return UI_RES_REDRAW;
	default:
		return ui_select_action(&rs->ls, action);
	}
}

static void reports_resume(struct ui_screen *s, struct ui_app *app)
{
	reports_load((struct reports *)s, app);
}

static void reports_destroy(struct ui_screen *s)
{
	struct reports *rs = (struct reports *)s;

	if (!rs)
		return;
	store_report_list_free(rs->v, rs->n);
	free(rs);
}

struct ui_screen *ui_reports_create(struct ui_app *app)
{
	if (!ui_is_moderator(app)) {
		ui_app_message(app, UI_ONLY_MODERATORS);
		return NULL;
	}
	struct reports *rs = xcalloc(1, sizeof *rs);
	rs->base.keymap = &ui_keymap_reports;
	rs->base.layout = reports_layout;
	rs->base.draw = reports_draw;
	rs->base.cursor = reports_cursor;
	rs->base.action = reports_action;
	rs->base.destroy = reports_destroy;
	rs->base.resume = reports_resume;
	rs->app = app;
	reports_load(rs, app);
	return &rs->base;
}

/* ---- moderators' discussion actions shared by the discussion list and view ---- */

bool ui_mod_thread_pin(struct ui_app *app, int64_t thread_id, bool pinned)
{
	if (!ui_is_moderator(app)) {
		ui_app_message(app, UI_ONLY_MODERATORS);
		return false;
	}
	int r = store_mod_thread_pin(app->st, app->user->id, thread_id, pinned);
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_DENIED ? UI_ONLY_MODERATORS
							: "Could not save, please try again");
		return false;
	}
	ui_app_message(app, pinned ? "Discussion pinned." : "Discussion unpinned.");
	return true;
}

struct move_ctx {
	int64_t thread_id;
	int64_t *boards;
	char **names;
	size_t n;
};

static void move_free(void *ctx)
{
	struct move_ctx *m = ctx;

	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->names[i]);
	free(m->names);
	free(m->boards);
	free(m);
}

static void move_done(struct ui_app *app, void *ctx, size_t index)
{
	struct move_ctx *m = ctx;

	if (index >= m->n)
		return;
	int r = store_mod_thread_move(app->st, app->user->id, m->thread_id, m->boards[index]);
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_DENIED ? UI_ONLY_MODERATORS
							: "Could not move the discussion, please try again");
		return;
	}
	ui_app_message(app, "Moved to %s.", m->names[index]);
}

void ui_mod_thread_move(struct ui_app *app, int64_t thread_id, int64_t from_board)
{
	struct store_board *v = NULL;
	size_t n = 0;

	if (!ui_is_moderator(app)) {
		ui_app_message(app, UI_ONLY_MODERATORS);
		return;
	}
	if (store_board_list(app->st, app->user->id, -1, &v, &n) != 0) {
		ui_app_message(app, "Could not read the boards, please try again");
		return;
	}
	struct move_ctx *m = xcalloc(1, sizeof *m);
	m->thread_id = thread_id;
	m->boards = xcalloc(n ? n : 1, sizeof *m->boards);
	m->names = xcalloc(n ? n : 1, sizeof *m->names);
	for (size_t i = 0; i < n; i++) {
		if (v[i].id == from_board)
			continue;
		m->boards[m->n] = v[i].id;
		m->names[m->n] = xstrdup(v[i].name);
		m->n++;
	}
	store_board_list_free(v, n);
	if (m->n == 0) {
		ui_app_message(app, "There is no other board to move it to");
		move_free(m);
		return;
	}
	ui_app_push(app, ui_choose_create("Move the discussion to", (const char *const *)m->names,
		m->n, move_done, m, move_free));
}
