/*
 * admin-members.c: the sysops' member administration.
 *
 * The list (store_user_search): pending applications first, then every member by handle,
 * one row each with handle, name, status, role, sector, country and a verified mark. / asks
 * for words (handle, name, organisation, sector, country); f cycles one filter through each
 * status, each role and each sector, then none. Rows are read in pages.
 *
 * Enter opens one member: a page with every profile field, the application (reason,
 * contact, how they log in) if there is one, and the keys for what can be done:
 *   e edit (display name, organisation, sector, country, role, status: a form),
 *   v verified / not verified, a approve / x decline a pending application (asks first),
 *   p reset the password (a one-time password shown once; the member must change it at the
 *   next login), k keys (list, a add a pasted line, d revoke), l lock (disable and end the
 *   sessions) / u unlock, E end every session now, S silence for N days with a reason,
 *   D delete the member (store_user_remove): k keeps their posts (shown as from "removed
 *   member"), r removes them too; then the handle must be typed to confirm. Afterwards the
 *   page closes (the member is no longer anyone).
 * Every change goes through an audited store function that takes the sysop's id and checks
 * the role again (store_admin_*, store_application_decide, store_session_end_user,
 * store_silence); a refusal (the last active sysop) is shown as the store gives it.
 *
 * Must never: open for anyone but a sysop (each constructor checks, whatever key came);
 * show a password hash; show a one-time password twice or keep it longer than the page that
 * shows it; read the store while drawing.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEM_PAGE 200
#define MEM_COL_MAX 20
#define MEM_KEY_LINE_MAX 16384
#define MEM_ONETIME_LEN 17          /* 16 characters + NUL */
#define MEM_SILENCE_MAX_DAYS 3650

/* ---- shared ---- */

static bool ascii_mode(const struct ui_app *app)
{
	const char *cs = nl_langinfo(CODESET);
	return (app->user && app->user->ascii_only) || !cs || strcmp(cs, "UTF-8") != 0;
}

static const char *verified_mark(const struct ui_app *app)
{
	return ascii_mode(app) ? "(verified)" : "\u2713";
}

/* The one sentence for a store refusal of an admin change. */
static const char *edit_error(int r)
{
	switch (r) {
	case BBS_ERR_DENIED:
		return "Refused: the last active sysop cannot be demoted or disabled "
			"(make another member sysop first)";
	case BBS_ERR_NOTFOUND: return "That member no longer exists";
	case BBS_ERR_TOOBIG: return "Too long";
	case BBS_ERR_INVALID: return "Not a valid value";
	case BBS_ERR_BUSY: return "The portal is busy, please try again";
	default: return "Could not save, please try again";
	}
}

/* ---- filters ---- */

enum filter_kind { F_NONE, F_STATUS, F_ROLE, F_SECTOR };
struct filter {
	enum filter_kind kind;
	int value;              /* status, role or sector index */
};
static const struct filter filters[] = {
	{ F_NONE, 0 },
	{ F_STATUS, STORE_STATUS_PENDING }, { F_STATUS, STORE_STATUS_ACTIVE },
	{ F_STATUS, STORE_STATUS_DISABLED }, { F_STATUS, STORE_STATUS_DECLINED },
	{ F_ROLE, STORE_ROLE_MEMBER }, { F_ROLE, STORE_ROLE_MODERATOR }, { F_ROLE, STORE_ROLE_SYSOP },
	{ F_SECTOR, 0 }, { F_SECTOR, 1 }, { F_SECTOR, 2 }, { F_SECTOR, 3 },
};
#define N_FILTERS (sizeof filters / sizeof filters[0])

static void filter_label(size_t i, char *buf, size_t size)
{
	const struct filter *f = &filters[i];
	int r = 0;

	switch (f->kind) {
	case F_NONE: buf[0] = '\0'; return;
	case F_STATUS: r = bbs_snprintf(buf, size, "status: %s", store_status_name(f->value)); break;
	case F_ROLE: r = bbs_snprintf(buf, size, "role: %s", store_role_name(f->value)); break;
	case F_SECTOR:
		r = bbs_snprintf(buf, size, "sector: %s",
			f->value < STORE_NSECTORS ? store_sectors[f->value] : "?");
		break;
	}
	(void)r; /* cut to fit is fine */
}

/* ---- the list ---- */

struct members {
	struct ui_screen base;   /* first member */
	struct ui_app *app;
	struct store_user **v;
	size_t n;
	bool more;
	char query[STORE_QUERY_MAX + 1];
	size_t filter;           /* index into filters */
	struct ui_select ls;
	struct ui_list_geom g;
	int handle_w, name_w, sector_w;
};

static const char *user_name(const struct store_user *u)
{
	return u->display_name && u->display_name[0] ? u->display_name : "-";
}

static int clamp_w(int w)
{
	return w > MEM_COL_MAX ? MEM_COL_MAX : w;
}

static void members_widths(struct members *m)
{
	m->handle_w = m->name_w = m->sector_w = 6;
	for (size_t i = 0; i < m->n; i++) {
		int w = clamp_w(ui_draw_width(m->v[i]->handle));
		if (w > m->handle_w)
			m->handle_w = w;
		w = clamp_w(ui_draw_width(user_name(m->v[i])));
		if (w > m->name_w)
			m->name_w = w;
		w = clamp_w(ui_draw_width(m->v[i]->sector));
		if (w > m->sector_w)
			m->sector_w = w;
	}
}

static void members_fetch(struct members *m, struct ui_app *app, bool append)
{
	struct store_user **v = NULL;
	size_t n = 0;
	const struct filter *f = &filters[m->filter];
	int status = f->kind == F_STATUS ? f->value : -1;
	int role = f->kind == F_ROLE ? f->value : -1;
	const char *sector = f->kind == F_SECTOR && f->value < STORE_NSECTORS ?
		store_sectors[f->value] : NULL;

	if (!append) {
		store_user_list_free(m->v, m->n);
		m->v = NULL;
		m->n = 0;
		m->more = false;
	}
	int r = store_user_search(app->st, m->query[0] ? m->query : NULL, status, role, sector,
		NULL, (int64_t)m->n, MEM_PAGE, &v, &n);
	if (r != 0) {
		log_warn("admin members: %s", bbs_strerror(r));
		ui_app_message(app, r == BBS_ERR_TOOBIG ? "The search is too long"
							: "Could not read the members, please try again");
		m->more = false;
	} else {
		m->v = xrealloc(m->v, (m->n + n + 1) * sizeof m->v[0]);
		if (n)
			memcpy(m->v + m->n, v, n * sizeof v[0]);
		m->n += n;
		free(v); /* the array only: the structs moved to m->v */
		m->more = n == MEM_PAGE;
	}
	m->ls.total = (int)m->n;
	ui_select_clamp(&m->ls);
	members_widths(m);
}

static void members_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct members *m = (struct members *)s;
	ui_list_layout(r, &m->g, &m->ls);
}

/* Draws one column and returns the x after it (and its gap). */
static int column(WINDOW *w, int y, int x, int end, int cw, const char *text, int attr)
{
	if (x >= end)
		return x;
	ui_draw_str(w, y, x, cw < end - x ? cw : end - x, text, attr);
	return x + cw + 2;
}

static void members_draw(struct ui_screen *s, WINDOW *w)
{
	struct members *m = (struct members *)s;
	int x0 = m->g.x0, width = m->g.width;
	char heading[STORE_QUERY_MAX + 128], flt[64] = "", count[48];

	if (width <= 0)
		return;
	filter_label(m->filter, flt, sizeof flt);
	(void)bbs_snprintf(heading, sizeof heading, "Members%s%s%s%s%s", flt[0] ? "  " : "", flt,
		m->query[0] ? "  search: \"" : "", m->query, m->query[0] ? "\"" : "");
	ui_format_count((int64_t)m->n, "member", "members", count, sizeof count);
	if (m->more)
		bbs_strlcpy(count + strlen(count), "+", sizeof count - strlen(count));
	int cw = ui_draw_width(count);
	if (width >= 40 + cw)
		ui_draw_str(w, m->g.heading_y, x0 + width - cw, cw, count, A_NORMAL);
	ui_draw_str(w, m->g.heading_y, x0, width >= 40 + cw ? width - cw - 2 : width, heading,
		ui_term_heading_attr());
	if (m->n == 0) {
		ui_draw_str(w, m->g.list_y, x0, width,
			"No members match. Press / or f to change the search.", A_NORMAL);
		return;
	}
	for (int row = 0; row < m->ls.view; row++) {
		int i = m->ls.top + row;
		if (i >= (int)m->n)
			break;
		const struct store_user *u = m->v[i];
		int y = m->g.list_y + row;
		bool sel = i == m->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		int end = x0 + width, x = x0;
		char name[STORE_FIELD_MAX + 32];

		(void)bbs_snprintf(name, sizeof name, "%s%s%s", user_name(u), u->verified ? " " : "",
			u->verified ? verified_mark(m->app) : "");
		if (sel)
			ui_draw_fill(w, y, x0, 2 + m->handle_w < width ? 2 + m->handle_w : width,
				A_REVERSE);
		ui_draw_str(w, y, x, end - x, sel ? "> " : "  ", attr);
		x += 2;
		x = column(w, y, x, end, m->handle_w, u->handle, attr);
		x = column(w, y, x, end, m->name_w + 11, name, A_NORMAL);
		x = column(w, y, x, end, 8, store_status_name(u->status),
			u->status == STORE_STATUS_PENDING ? A_BOLD : A_NORMAL);
		x = column(w, y, x, end, 9, store_role_name(u->role), A_NORMAL);
		x = column(w, y, x, end, m->sector_w, u->sector[0] ? u->sector : "-", A_NORMAL);
		(void)column(w, y, x, end, MEM_COL_MAX, u->country[0] ? u->country : "-", A_NORMAL);
	}
}

static void members_cursor(struct ui_screen *s, int *y, int *x)
{
	struct members *m = (struct members *)s;
	*y = m->ls.view > 0 && m->n > 0 ? m->g.list_y + m->ls.sel - m->ls.top : m->g.heading_y;
	*x = m->g.x0;
}

static struct ui_screen *member_create(struct ui_app *app, int64_t user_id);

static enum ui_result members_action(struct ui_screen *s, struct ui_app *app, int action,
	int key)
{
	struct members *m = (struct members *)s;
	char q[STORE_QUERY_MAX + 1];

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (ui_refuse_non_sysop(app))
			return UI_RES_REDRAW;
		if (m->n > 0)
			ui_app_push(app, member_create(app, m->v[m->ls.sel]->id));
		return UI_RES_REDRAW;
	case UI_ACT_SEARCH:
		if (!ui_app_input(app, "Search members (empty: all):", q, sizeof q))
			return UI_RES_REDRAW;
		bbs_strlcpy(m->query, q, sizeof m->query);
		m->ls.sel = m->ls.top = 0;
		members_fetch(m, app, false);
		return UI_RES_REDRAW;
	case UI_ACT_FILTER:
		m->filter = (m->filter + 1) % N_FILTERS;
		m->ls.sel = m->ls.top = 0;
		members_fetch(m, app, false);
		return UI_RES_REDRAW;
	default: {
		enum ui_result res = ui_select_action(&m->ls, action);
		if (m->more && m->ls.sel >= (int)m->n - 1) {
			members_fetch(m, app, true);
			res = UI_RES_REDRAW;
		}
		return res;
	}
	}
}

static void members_resume(struct ui_screen *s, struct ui_app *app)
{
	struct members *m = (struct members *)s;
	int sel = m->ls.sel;

	/* A member was changed (status, role, name): read the list again, keep the place. */
	members_fetch(m, app, false);
	m->ls.sel = sel;
	ui_select_clamp(&m->ls);
}

static void members_destroy(struct ui_screen *s)
{
	struct members *m = (struct members *)s;
	if (!m)
		return;
	store_user_list_free(m->v, m->n);
	free(m);
}

struct ui_screen *ui_admin_members_create(struct ui_app *app)
{
	if (ui_refuse_non_sysop(app))
		return NULL;
	struct members *m = xcalloc(1, sizeof *m);
	m->base.keymap = &ui_keymap_admin_members;
	m->base.layout = members_layout;
	m->base.draw = members_draw;
	m->base.cursor = members_cursor;
	m->base.action = members_action;
	m->base.destroy = members_destroy;
	m->base.resume = members_resume;
	m->app = app;
	members_fetch(m, app, false);
	return &m->base;
}

/* ---- one member ---- */

struct member {
	int64_t id;
	char handle[64];
};

static void member_text(struct ui_app *app, const struct store_user *u, char **text)
{
	struct store_application a = { 0 };
	char t1[UI_TIME_LEN], t2[UI_TIME_LEN];

	ui_format_append(text, "Handle:        %s\n", u->handle);
	ui_format_append(text, "Name:          %s\n", user_name(u));
	ui_format_append(text, "Organisation:  %s\n", u->organisation[0] ? u->organisation : "-");
	ui_format_append(text, "Sector:        %s\n", u->sector[0] ? u->sector : "-");
	ui_format_append(text, "Country:       %s\n", u->country[0] ? u->country : "-");
	ui_format_append(text, "Region:        %s\n", u->region[0] ? u->region : "-");
	ui_format_append(text, "Role:          %s\n", store_role_name(u->role));
	ui_format_append(text, "Status:        %s\n", store_status_name(u->status));
	ui_format_append(text, "Verified:      %s\n", u->verified ? "yes" : "no");
	if (u->silenced_until > (int64_t)time(NULL)) {
		ui_format_time(u->silenced_until, t1, sizeof t1);
		ui_format_append(text, "Silenced:      until %s\n", t1);
	}
	ui_format_time(u->created, t1, sizeof t1);
	ui_format_time(u->last_login, t2, sizeof t2);
	ui_format_append(text, "Member since:  %s\n", t1);
	ui_format_append(text, "Last login:    %s\n", t2[0] ? t2 : "never");
	ui_format_append(text, "Password:      %s%s\n", u->pwhash && u->pwhash[0] ? "set" : "none",
		u->must_change_password ? " (must be changed at the next login)" : "");
	ui_format_append(text, "In directory:  %s\n", u->in_directory ? "yes" : "no");
	ui_format_append(text, "Time zone:     %s\n", u->timezone[0] ? u->timezone : "UTC");
	ui_format_append(text, "\nBio:\n%s\n", u->bio && u->bio[0] ? u->bio : "(no bio)");

	int r = store_application_get(app->st, u->handle, &a);
	if (r == 0) {
		ui_format_time(a.created, t1, sizeof t1);
		ui_format_append(text, "\nApplication of %s (%s)\n", t1, store_status_name(a.status));
		ui_format_append(text, "Contact:       %s\n", a.contact);
		ui_format_append(text, "Logs in with:  %s\n", a.login);
		if (a.decided > 0) {
			ui_format_time(a.decided, t2, sizeof t2);
			ui_format_append(text, "Decided:       %s by %s\n", t2,
				a.decided_by[0] ? a.decided_by : "the console");
		}
		ui_format_append(text, "Reason:\n%s\n", a.reason);
		if (a.status == STORE_STATUS_PENDING)
			ui_format_append(text, "\nPress a to approve or x to decline.\n");
	} else if (r != BBS_ERR_NOTFOUND) {
		ui_format_append(text, "\n(The application could not be read.)\n");
	}
	store_application_finish(&a);
}

/* Reads the member again and puts the page's text; false if they cannot be read. */
static bool member_reload(struct ui_screen *s, struct ui_app *app, struct member *mb)
{
	struct store_user *u = NULL;
	char *text = NULL, *title;

	int r = store_user_get_by_id(app->st, mb->id, &u);
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_NOTFOUND ? "That member no longer exists"
							   : "Could not read the member, please try again");
		return false;
	}
	member_text(app, u, &text);
	title = xasprintf("Member: %s%s%s", u->handle, u->verified ? " " : "",
		u->verified ? verified_mark(app) : "");
	if (s)
		ui_pager_set_text(s, title, text);
	free(title);
	free(text);
	store_user_free(u);
	return true;
}

static struct store_user *member_get(struct ui_app *app, const struct member *mb)
{
	struct store_user *u = NULL;
	if (store_user_get_by_id(app->st, mb->id, &u) != 0) {
		ui_app_message(app, "Could not read the member, please try again");
		return NULL;
	}
	return u;
}

/* The edit form. */
static const char *const role_options[] = { "member", "moderator", "sysop" };
struct edit_ctx {
	int64_t id;
	int f_name, f_org, f_sector, f_country, f_role, f_status;
	char *sector_opts[STORE_NSECTORS + 2];
	size_t nsector;
	const char *status_opts[3];
	int status_vals[3];
	size_t nstatus;
};

static void edit_free(void *p)
{
	struct edit_ctx *e = p;
	if (!e)
		return;
	for (size_t i = 0; i < e->nsector; i++)
		free(e->sector_opts[i]);
	free(e);
}

static const char *edit_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct edit_ctx *e = ctx;
	static char msg[256];
	size_t sec = ui_form_choice(form, e->f_sector);
	size_t st = ui_form_choice(form, e->f_status);
	struct store_user_edit ed = {
		.display_name = ui_form_text(form, e->f_name),
		.organisation = ui_form_text(form, e->f_org),
		.sector = sec == 0 || sec >= e->nsector ? "" : e->sector_opts[sec],
		.country = ui_form_text(form, e->f_country),
		.role = (int)ui_form_choice(form, e->f_role) + STORE_ROLE_MEMBER,
		.status = st < e->nstatus ? e->status_vals[st] : -1,
		.verified = -1,
	};

	(void)next;
	if (!ui_is_sysop(app))
		return UI_ONLY_SYSOPS;
	int r = store_admin_user_edit(app->st, app->user->id, e->id, &ed);
	if (r != 0) {
		*field = r == BBS_ERR_DENIED ? e->f_role : -1;
		bbs_strlcpy(msg, edit_error(r), sizeof msg);
		return msg;
	}
	ui_app_message(app, "Saved.");
	return NULL;
}

static struct ui_screen *edit_create(struct ui_app *app, const struct store_user *u)
{
	struct edit_ctx *e = xcalloc(1, sizeof *e);
	size_t sector_sel = 0;
	char *heading = xasprintf("Edit member %s", u->handle);
	struct ui_form_spec spec = {
		.heading = heading,
		.intro = "Role and status changes are written to the audit log. The last active "
			"sysop cannot be demoted or disabled. ^X saves.",
		.submit = edit_submit,
		.free_ctx = edit_free,
	};

	(void)app;
	e->id = u->id;
	e->sector_opts[e->nsector++] = xstrdup("(none)");
	for (size_t i = 0; i < STORE_NSECTORS; i++) {
		if (strcmp(u->sector, store_sectors[i]) == 0)
			sector_sel = e->nsector;
		e->sector_opts[e->nsector++] = xstrdup(store_sectors[i]);
	}
	if (u->sector[0] && sector_sel == 0) {
		/* A sector from before the list: keep it as a choice so saving keeps it. */
		sector_sel = e->nsector;
		e->sector_opts[e->nsector++] = xstrdup(u->sector);
	}
	/* Applications are decided with a and x, not here: a pending or declined member keeps
	 * that status unless the sysop picks one. */
	if (u->status != STORE_STATUS_ACTIVE && u->status != STORE_STATUS_DISABLED) {
		e->status_opts[e->nstatus] = u->status == STORE_STATUS_PENDING ?
			"pending (unchanged)" : "declined (unchanged)";
		e->status_vals[e->nstatus++] = -1;
	}
	e->status_opts[e->nstatus] = "active";
	e->status_vals[e->nstatus++] = STORE_STATUS_ACTIVE;
	e->status_opts[e->nstatus] = "disabled";
	e->status_vals[e->nstatus++] = STORE_STATUS_DISABLED;
	size_t status_sel = 0;
	for (size_t i = 0; i < e->nstatus; i++)
		if (e->status_vals[i] == u->status)
			status_sel = i;

	struct ui_screen *f = ui_form_create(&spec, e);
	free(heading);
	e->f_name = ui_form_add(f, UI_FORM_TEXT, "Display name", u->display_name, STORE_FIELD_MAX,
		0);
	e->f_org = ui_form_add(f, UI_FORM_TEXT, "Organisation", u->organisation, STORE_FIELD_MAX,
		0);
	e->f_sector = ui_form_add_choice(f, "Sector", (const char *const *)e->sector_opts,
		e->nsector, sector_sel);
	e->f_country = ui_form_add(f, UI_FORM_TEXT, "Country", u->country, STORE_FIELD_MAX, 0);
	int role = u->role >= STORE_ROLE_MEMBER && u->role <= STORE_ROLE_SYSOP ? u->role :
		STORE_ROLE_MEMBER;
	e->f_role = ui_form_add_choice(f, "Role", role_options, 3,
		(size_t)(role - STORE_ROLE_MEMBER));
	e->f_status = ui_form_add_choice(f, "Status", e->status_opts, e->nstatus, status_sel);
	(void)ui_form_add(f, UI_FORM_BUTTON, "", "Save", 0, 0);
	return f;
}

/* ---- a member's keys (sysop) ---- */

struct mkeys {
	struct ui_screen base;   /* first member */
	int64_t user_id;
	char handle[64];
	struct store_key *v;
	size_t n;
	struct ui_select ls;
	struct ui_list_geom g;
};

static void mkeys_load(struct mkeys *k, struct ui_app *app)
{
	store_key_list_free(k->v, k->n);
	k->v = NULL;
	k->n = 0;
	if (store_key_list(app->st, k->user_id, &k->v, &k->n) != 0) {
		k->v = NULL;
		k->n = 0;
		ui_app_message(app, "Could not read the keys, please try again");
	}
	k->ls.total = (int)k->n;
	ui_select_clamp(&k->ls);
}

static void mkeys_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct mkeys *k = (struct mkeys *)s;
	ui_list_layout(r, &k->g, &k->ls);
}

static void mkeys_draw(struct ui_screen *s, WINDOW *w)
{
	struct mkeys *k = (struct mkeys *)s;
	char heading[128], row[STORE_TOKEN_MAX + STORE_FIELD_MAX + 64], added[UI_TIME_LEN];

	(void)bbs_snprintf(heading, sizeof heading, "Keys of %s", k->handle);
	ui_draw_str(w, k->g.heading_y, k->g.x0, k->g.width, heading, ui_term_heading_attr());
	if (k->n == 0) {
		ui_draw_str(w, k->g.list_y, k->g.x0, k->g.width,
			"No keys. Press a to add one (paste a line of a .pub file).", A_NORMAL);
		return;
	}
	for (int i = 0; i < k->ls.view && k->ls.top + i < (int)k->n; i++) {
		int idx = k->ls.top + i;
		bool sel = idx == k->ls.sel;
		const struct store_key *sk = &k->v[idx];
		ui_format_date(sk->added, added, sizeof added);
		(void)bbs_snprintf(row, sizeof row, "%s %s  %s  added %s", sk->type, sk->fingerprint,
			sk->comment[0] ? sk->comment : "-", added);
		ui_draw_str(w, k->g.list_y + i, k->g.x0, 2, sel ? "> " : "  ",
			sel ? A_REVERSE : A_NORMAL);
		ui_draw_str(w, k->g.list_y + i, k->g.x0 + 2, k->g.width - 2, row,
			sel ? A_REVERSE : A_NORMAL);
	}
}

static void mkeys_cursor(struct ui_screen *s, int *y, int *x)
{
	struct mkeys *k = (struct mkeys *)s;
	*y = k->n > 0 ? k->g.list_y + k->ls.sel - k->ls.top : k->g.heading_y;
	*x = k->g.x0;
}

struct keyadd_ctx {
	int64_t user_id;
	int f_line;
};

static const char *keyadd_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct keyadd_ctx *ka = ctx;
	struct keys_pub pub = { 0 };
	const char *reason = NULL;
	static char msg[320];

	(void)next;
	*field = ka->f_line;
	if (!ui_is_sysop(app))
		return UI_ONLY_SYSOPS;
	if (keys_parse_authorized(ui_form_text(form, ka->f_line), &pub, &reason) != 0) {
		(void)bbs_snprintf(msg, sizeof msg, "That key line cannot be used: %s",
			reason ? reason : "not a public key");
		return msg;
	}
	int r = store_admin_key_add(app->st, app->user->id, ka->user_id, pub.type, pub.blob,
		pub.fingerprint, pub.comment);
	if (r == 0)
		ui_app_message(app, "Key %s added.", pub.fingerprint);
	keys_pub_finish(&pub);
	if (r == BBS_ERR_EXISTS)
		return "This key is in use already";
	if (r == BBS_ERR_DENIED)
		return UI_ONLY_SYSOPS;
	if (r != 0)
		return "Could not add the key, please try again";
	return NULL;
}

static enum ui_result mkeys_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct mkeys *k = (struct mkeys *)s;
	char q[STORE_TOKEN_MAX + 64];

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_NEW: {
		if (ui_refuse_non_sysop(app))
			return UI_RES_REDRAW;
		struct keyadd_ctx *ka = xcalloc(1, sizeof *ka);
		char *heading = xasprintf("Add a key for %s", k->handle);
		struct ui_form_spec spec = {
			.heading = heading,
			.intro = "Paste one line of the member's public key file (ssh-ed25519 ..., "
				"ecdsa-sha2-... or ssh-rsa ...). ^X adds it.",
			.submit = keyadd_submit,
			.free_ctx = free,
		};
		ka->user_id = k->user_id;
		struct ui_screen *f = ui_form_create(&spec, ka);
		free(heading);
		ka->f_line = ui_form_add(f, UI_FORM_TEXT, "Public key", NULL, MEM_KEY_LINE_MAX, 0);
		(void)ui_form_add(f, UI_FORM_BUTTON, "", "Add the key", 0, 0);
		ui_app_push(app, f);
		return UI_RES_REDRAW;
	}
	case UI_ACT_DELETE: {
		if (ui_refuse_non_sysop(app) || k->n == 0)
			return UI_RES_REDRAW;
		const struct store_key *sk = &k->v[k->ls.sel];
		(void)bbs_snprintf(q, sizeof q, "Revoke key %s of %s? (y/n)", sk->fingerprint,
			k->handle);
		if (!ui_app_confirm(app, q) || app->quit)
			return UI_RES_REDRAW;
		int r = store_admin_key_remove(app->st, app->user->id, k->user_id, sk->fingerprint);
		if (r != 0 && r != BBS_ERR_NOTFOUND)
			ui_app_message(app, "%s", r == BBS_ERR_DENIED ? UI_ONLY_SYSOPS :
				"Could not revoke the key, please try again");
		else
			ui_app_message(app, "Key revoked.");
		mkeys_load(k, app);
		return UI_RES_REDRAW;
	}
	default:
		return ui_select_action(&k->ls, action);
	}
}

static void mkeys_resume(struct ui_screen *s, struct ui_app *app)
{
	mkeys_load((struct mkeys *)s, app);
}

static void mkeys_destroy(struct ui_screen *s)
{
	struct mkeys *k = (struct mkeys *)s;
	if (!k)
		return;
	store_key_list_free(k->v, k->n);
	free(k);
}

static struct ui_screen *mkeys_create(struct ui_app *app, const struct member *mb)
{
	struct mkeys *k = xcalloc(1, sizeof *k);
	k->base.keymap = &ui_keymap_admin_keys;
	k->base.layout = mkeys_layout;
	k->base.draw = mkeys_draw;
	k->base.cursor = mkeys_cursor;
	k->base.action = mkeys_action;
	k->base.destroy = mkeys_destroy;
	k->base.resume = mkeys_resume;
	k->user_id = mb->id;
	bbs_strlcpy(k->handle, mb->handle, sizeof k->handle);
	mkeys_load(k, app);
	return &k->base;
}

/* ---- the member's actions ---- */

static void do_verify(struct ui_app *app, const struct member *mb)
{
	struct store_user *u = member_get(app, mb);
	if (!u)
		return;
	struct store_user_edit ed = { .role = 0, .status = -1, .verified = u->verified ? 0 : 1 };
	int r = store_admin_user_edit(app->st, app->user->id, mb->id, &ed);
	if (r != 0)
		ui_app_message(app, "%s", edit_error(r));
	else
		ui_app_message(app, "%s's affiliation is %s.", mb->handle,
			ed.verified ? "marked verified" : "no longer marked verified");
	store_user_free(u);
}

static void do_decide(struct ui_app *app, const struct member *mb, bool accept)
{
	struct store_user *u = member_get(app, mb);
	char q[128];

	if (!u)
		return;
	bool pending = u->status == STORE_STATUS_PENDING;
	store_user_free(u);
	if (!pending) {
		ui_app_message(app, "%s has no pending application", mb->handle);
		return;
	}
	(void)bbs_snprintf(q, sizeof q, "%s the application of %s? (y/n)",
		accept ? "Approve" : "Decline", mb->handle);
	if (!ui_app_confirm(app, q) || app->quit)
		return;
	int r = store_application_decide(app->st, app->user->id, mb->handle, accept);
	if (r == 0)
		ui_app_message(app, accept ? "Approved: %s can log in now." :
			"Declined: %s cannot log in.", mb->handle);
	else if (r == BBS_ERR_INVALID)
		ui_app_message(app, "The application was decided already");
	else if (r == BBS_ERR_DENIED)
		ui_app_message(app, UI_ONLY_SYSOPS);
	else
		ui_app_message(app, "Could not decide the application, please try again");
}

static void do_password(struct ui_app *app, const struct member *mb)
{
	char q[128], pw[MEM_ONETIME_LEN], hash[KEYS_PWHASH_LEN];
	char *text = NULL;

	(void)bbs_snprintf(q, sizeof q, "Reset the password of %s? (y/n)", mb->handle);
	if (!ui_app_confirm(app, q) || app->quit)
		return;
	keys_random_password(pw, sizeof pw);
	int r = keys_password_hash(pw, strlen(pw), hash);
	if (r == 0)
		r = store_admin_password_reset(app->st, app->user->id, mb->id, hash);
	keys_wipe(hash, sizeof hash);
	if (r != 0) {
		keys_wipe(pw, sizeof pw);
		ui_app_message(app, "%s", r == BBS_ERR_DENIED ? UI_ONLY_SYSOPS :
			"Could not reset the password, please try again");
		return;
	}
	ui_format_append(&text,
		"The one-time password of %s is:\n\n    %s\n\n"
		"It is shown only this once: give it to the member by a safe channel. "
		"They must choose a new password when they next log in with it.\n\n"
		"Press q to leave this page.\n", mb->handle, pw);
	keys_wipe(pw, sizeof pw);
	ui_app_push(app, ui_pager_create("One-time password", text));
	keys_wipe(text, strlen(text));
	free(text);
}

static void do_status(struct ui_app *app, const struct member *mb, bool lock)
{
	char q[160];
	int64_t ended = 0;

	if (lock) {
		(void)bbs_snprintf(q, sizeof q,
			"Lock %s: disable the account and end their sessions? (y/n)", mb->handle);
		if (!ui_app_confirm(app, q) || app->quit)
			return;
	}
	struct store_user_edit ed = { .role = 0, .verified = -1,
		.status = lock ? STORE_STATUS_DISABLED : STORE_STATUS_ACTIVE };
	int r = store_admin_user_edit(app->st, app->user->id, mb->id, &ed);
	if (r != 0) {
		ui_app_message(app, "%s", edit_error(r));
		return;
	}
	if (!lock) {
		ui_app_message(app, "%s is unlocked: they can log in again.", mb->handle);
		return;
	}
	r = store_session_end_user(app->st, app->user->id, mb->id, &ended);
	if (r != 0)
		ui_app_message(app, "%s is locked, but their sessions could not be ended", mb->handle);
	else
		ui_app_message(app, "%s is locked; %lld session%s ended.", mb->handle,
			(long long)ended, ended == 1 ? "" : "s");
}

static void do_end_sessions(struct ui_app *app, const struct member *mb)
{
	char q[128];
	int64_t ended = 0;

	(void)bbs_snprintf(q, sizeof q, "End every session of %s now? (y/n)", mb->handle);
	if (!ui_app_confirm(app, q) || app->quit)
		return;
	int r = store_session_end_user(app->st, app->user->id, mb->id, &ended);
	if (r != 0)
		ui_app_message(app, "%s", r == BBS_ERR_DENIED ? UI_ONLY_SYSOPS :
			"Could not end the sessions, please try again");
	else
		ui_app_message(app, "%lld session%s of %s ended.", (long long)ended,
			ended == 1 ? "" : "s", mb->handle);
}

static void do_silence(struct ui_app *app, const struct member *mb)
{
	char days_s[16], reason[STORE_FIELD_MAX + 1];
	char *end = NULL;

	if (!ui_app_input(app, "Silence for how many days (0 lifts it):", days_s, sizeof days_s))
		return;
	long days = strtol(days_s, &end, 10);
	if (!days_s[0] || !end || *end != '\0' || days < 0 || days > MEM_SILENCE_MAX_DAYS) {
		ui_app_message(app, "Give a number of days from 0 to %d", MEM_SILENCE_MAX_DAYS);
		return;
	}
	reason[0] = '\0';
	if (days > 0 && (!ui_app_input(app, "Reason (members see it):", reason, sizeof reason) ||
			!reason[0])) {
		ui_app_message(app, "Not silenced: a reason is needed");
		return;
	}
	int64_t until = days > 0 ? (int64_t)time(NULL) + (int64_t)days * 86400 : 0;
	int r = store_silence(app->st, app->user->id, mb->id, until, days > 0 ? reason : "lifted");
	if (r != 0) {
		ui_app_message(app, "%s", r == BBS_ERR_DENIED ? "Refused: sysops cannot be silenced" :
			edit_error(r));
		return;
	}
	if (days == 0) {
		ui_app_message(app, "%s is no longer silenced.", mb->handle);
	} else {
		char when[UI_TIME_LEN];
		ui_format_time(until, when, sizeof when);
		ui_app_message(app, "%s is silenced until %s.", mb->handle, when);
	}
}

/* Deletes the member: a choice, then the handle typed again. True when deleted (the page
 * must then close). */
static bool do_delete(struct ui_app *app, const struct member *mb)
{
	char choice[8], typed[BBS_HANDLE_MAX + 8], q[160];
	if (mb->id == app->user->id) {
		ui_app_message(app, "You cannot delete yourself: another sysop must");
		return false;
	}
	if (!ui_app_input(app, "Delete: k keep their posts (from \"removed member\"), r remove "
		"them too:", choice, sizeof choice) || app->quit)
		return false;
	bool remove = strcmp(choice, "r") == 0 || strcmp(choice, "R") == 0;
	if (!remove && strcmp(choice, "k") != 0 && strcmp(choice, "K") != 0) {
		ui_app_message(app, "Not deleted: answer k or r");
		return false;
	}
	(void)bbs_snprintf(q, sizeof q, "This cannot be undone. Type %s to delete them:",
		mb->handle);
	if (!ui_app_input(app, q, typed, sizeof typed) || app->quit)
		return false;
	if (strcmp(typed, mb->handle) != 0) {
		ui_app_message(app, "Not deleted: the handle typed was not %s", mb->handle);
		return false;
	}
	int r = store_user_remove(app->st, app->user->id, mb->id, remove, NULL);
	if (r == BBS_ERR_DENIED) {
		ui_app_message(app, "Refused: the last active sysop cannot be deleted");
		return false;
	} else if (r == BBS_ERR_NOTFOUND) {
		ui_app_message(app, "That member no longer exists");
		return true;
	} else if (r != 0) {
		ui_app_message(app, "Could not delete the member, please try again");
		return false;
	}
	ui_app_message(app, "%s is deleted; their posts are %s.", mb->handle,
		remove ? "removed" : "kept, from \"removed member\"");
	return true;
}

static enum ui_result member_action(struct ui_screen *s, struct ui_app *app, void *ctx,
	int action)
{
	struct member *mb = ctx;

	/* Every action re-checks: the page may have been open while the role changed. */
	if (ui_refuse_non_sysop(app))
		return UI_RES_REDRAW;
	switch (action) {
	case UI_ACT_EDIT: {
		struct store_user *u = member_get(app, mb);
		if (u)
			ui_app_push(app, edit_create(app, u));
		store_user_free(u);
		return UI_RES_REDRAW;
	}
	case UI_ACT_VERIFY: do_verify(app, mb); break;
	case UI_ACT_APPROVE: do_decide(app, mb, true); break;
	case UI_ACT_DECLINE: do_decide(app, mb, false); break;
	case UI_ACT_PASSWORD: do_password(app, mb); return UI_RES_REDRAW;
	case UI_ACT_KEYS: ui_app_push(app, mkeys_create(app, mb)); return UI_RES_REDRAW;
	case UI_ACT_LOCK: do_status(app, mb, true); break;
	case UI_ACT_UNLOCK: do_status(app, mb, false); break;
	case UI_ACT_END_SESSIONS: do_end_sessions(app, mb); break;
	case UI_ACT_SILENCE: do_silence(app, mb); break;
	case UI_ACT_DELETE_MEMBER:
		if (do_delete(app, mb) && !app->quit) {
			ui_app_pop(app);   /* closes this page: mb is gone */
			return UI_RES_REDRAW;
		}
		break;
	default: return UI_RES_NONE;
	}
	if (!app->quit)
		(void)member_reload(s, app, mb);
	return UI_RES_REDRAW;
}

static void member_resume(struct ui_screen *s, struct ui_app *app, void *ctx)
{
	(void)member_reload(s, app, ctx);
}

static const struct ui_pager_ops member_ops = { member_action, member_resume, free };

static struct ui_screen *member_create(struct ui_app *app, int64_t user_id)
{
	struct store_user *u = NULL;
	char *text = NULL;

	if (ui_refuse_non_sysop(app))
		return NULL;
	int r = store_user_get_by_id(app->st, user_id, &u);
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_NOTFOUND ? "That member no longer exists"
							   : "Could not read the member, please try again");
		return NULL;
	}
	struct member *mb = xcalloc(1, sizeof *mb);
	mb->id = u->id;
	bbs_strlcpy(mb->handle, u->handle, sizeof mb->handle);
	member_text(app, u, &text);
	char *title = xasprintf("Member: %s%s%s", u->handle, u->verified ? " " : "",
		u->verified ? verified_mark(app) : "");
	struct ui_screen *s = ui_pager_create_ops(title, text, &ui_keymap_admin_member, &member_ops,
		mb);
	free(title);
	free(text);
	store_user_free(u);
	return s;
}
