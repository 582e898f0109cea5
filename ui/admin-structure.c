/*
 * admin-structure.c: structure and content, for sysops (heading "Structure and content").
 *
 * A list of what can be changed: the site name, the registration mode (open, invite, closed),
 * guest access (on, off), the welcome page, the "who we are" page, the focus areas and the
 * boards. Enter changes or opens the selected item: one-line values are asked on the bottom
 * line, choices come from a list, pages open in the editor (title and text).
 * The focus areas and boards lists (archived ones too, marked) take c create (a form: slug,
 * name, summary; a board also its focus area), e edit, a archive / unarchive (asks first), K/J
 * move up / down, p the focus area's page, Enter a focus area's boards.
 *
 * Also here: the generic chooser (ui_choose_create) the moderators' move uses.
 *
 * Every change goes through the store's audited store_area_* / store_board_* /
 * store_admin_page_set / store_admin_setting_set, which check the role again.
 *
 * Must never: open (or change anything) for anyone but a sysop: every screen and every action
 * checks the role; draw a byte of a name other than through ui_draw_text.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

static bool st_sysop(struct ui_app *app)
{
	if (!app->user || app->guest || app->user->role != STORE_ROLE_SYSOP) {
		ui_app_message(app, UI_ONLY_SYSOPS);
		return false;
	}
	return true;
}

static const char *st_err(int r)
{
	switch (r) {
	case BBS_ERR_DENIED: return UI_ONLY_SYSOPS;
	case BBS_ERR_EXISTS: return "That short name is taken";
	case BBS_ERR_INVALID: return "Not saved: check the short name (a-z, 0-9, -) and the name";
	case BBS_ERR_TOOBIG: return "Not saved: too long";
	case BBS_ERR_NOTFOUND: return "It is gone";
	default: return "Could not save, please try again";
	}
}

/* ---- a generic list screen: heading, rows of text, Enter/keys to its owner ---- */

struct chooser {
	struct ui_screen base;   /* first member */
	char *heading;
	char **labels;
	size_t n;
	struct ui_select ls;
	struct ui_list_geom g;
	ui_choose_fn done;
	void *ctx;
	void (*free_ctx)(void *ctx);
};

static void ch_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct chooser *c = (struct chooser *)s;

	ui_list_layout(r, &c->g, &c->ls);
}

static void list_draw(WINDOW *w, const struct ui_list_geom *g, const struct ui_select *ls,
	const char *heading, char *const *labels, size_t n, const char *empty)
{
	if (g->width <= 0)
		return;
	ui_draw_str(w, g->heading_y, g->x0, g->width, heading, ui_term_heading_attr());
	if (n == 0) {
		ui_draw_str(w, g->list_y, g->x0, g->width, empty, A_NORMAL);
		return;
	}
	for (int i = 0; i < ls->view; i++) {
		int k = ls->top + i;
		if (k >= (int)n)
			break;
		bool sel = k == ls->sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		if (sel)
			ui_draw_fill(w, g->list_y + i, g->x0, g->width, A_REVERSE);
		ui_draw_str(w, g->list_y + i, g->x0, 2, sel ? "> " : "  ", attr);
		ui_draw_str(w, g->list_y + i, g->x0 + 2, g->width - 2, labels[k], attr);
	}
}

static void ch_draw(struct ui_screen *s, WINDOW *w)
{
	struct chooser *c = (struct chooser *)s;

	list_draw(w, &c->g, &c->ls, c->heading, c->labels, c->n, "Nothing to choose from.");
}

static void ch_cursor(struct ui_screen *s, int *y, int *x)
{
	struct chooser *c = (struct chooser *)s;
	*y = c->g.list_y + c->ls.sel - c->ls.top;
	*x = 0;
}

static enum ui_result ch_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct chooser *c = (struct chooser *)s;

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys c */
		return UI_RES_REDRAW;
	case UI_ACT_OPEN: {
		if (c->n == 0)
			return UI_RES_NONE;
		ui_choose_fn done = c->done;
		void *ctx = c->ctx;
		void (*free_ctx)(void *) = c->free_ctx;
		size_t index = (size_t)c->ls.sel;
		c->ctx = NULL; /* the chooser must not free it: done gets it first */
		ui_app_pop(app); /* destroys c */
		if (done)
			done(app, ctx, index);
		if (free_ctx)
			free_ctx(ctx);
		/* The screen below resumed before done() changed anything: show the change. */
		struct ui_screen *top = app->depth > 0 ? app->stack[app->depth - 1] : NULL;
		if (top && top->resume)
			top->resume(top, app);
		return UI_RES_REDRAW;
	}
	default:
		return ui_select_action(&c->ls, action);
	}
}

static void ch_destroy(struct ui_screen *s)
{
	struct chooser *c = (struct chooser *)s;

	if (!c)
		return;
	if (c->free_ctx && c->ctx)
		c->free_ctx(c->ctx);
	for (size_t i = 0; i < c->n; i++)
		free(c->labels[i]);
	free(c->labels);
	free(c->heading);
	free(c);
}

struct ui_screen *ui_choose_create(const char *heading, const char *const *labels, size_t n,
	ui_choose_fn done, void *ctx, void (*free_ctx)(void *ctx))
{
	struct chooser *c = xcalloc(1, sizeof *c);

	c->base.keymap = &ui_keymap_choose;
	c->base.layout = ch_layout;
	c->base.draw = ch_draw;
	c->base.cursor = ch_cursor;
	c->base.action = ch_action;
	c->base.destroy = ch_destroy;
	c->heading = xstrdup(heading);
	c->labels = xcalloc(n ? n : 1, sizeof *c->labels);
	for (size_t i = 0; i < n; i++)
		c->labels[i] = xstrdup(labels[i]);
	c->n = n;
	c->ls.total = (int)n;
	c->done = done;
	c->ctx = ctx;
	c->free_ctx = free_ctx;
	return &c->base;
}

/* ---- pages through the editor ---- */

struct page_ctx {
	char slug[STORE_FIELD_MAX + 8];
};

static bool page_send(struct ui_app *app, struct ui_screen *ed, void *ctx, const char *title,
	const char *body, const char *token)
{
	struct page_ctx *p = ctx;

	(void)ed;
	(void)token;
	int r = store_admin_page_set(app->st, app->user->id, p->slug, title, body);
	if (r != 0) {
		ui_app_message(app, "%s", st_err(r));
		return false;
	}
	ui_app_message(app, "Page saved.");
	return true;
}

static const struct ui_editor_hooks page_hooks = { page_send, free };

static void page_edit(struct ui_app *app, const char *slug, const char *fallback_title)
{
	struct store_page pg = { 0 };

	if (!st_sysop(app))
		return;
	int r = store_page_get(app->st, slug, &pg);
	if (r != 0 && r != BBS_ERR_NOTFOUND) {
		store_page_finish(&pg);
		ui_app_message(app, "Could not read the page, please try again");
		return;
	}
	struct page_ctx *p = xcalloc(1, sizeof *p);
	bbs_strlcpy(p->slug, slug, sizeof p->slug);
	char *heading = xasprintf("Edit the page %s", slug);
	struct ui_editor_spec spec = {
		.heading = heading,
		.context = NULL,
		.with_title = true,
		.title_max = STORE_FIELD_MAX,
		.body_max = STORE_BODY_MAX,
		.title = r == 0 && pg.title ? pg.title : fallback_title,
		.body = r == 0 ? pg.body : NULL,
	};
	struct ui_screen *s = ui_editor_custom(app, &spec, &page_hooks, p);
	free(heading);
	store_page_finish(&pg);
	if (s)
		ui_app_push(app, s);
}

/* ---- focus areas and boards ---- */

struct slist {
	struct ui_screen base;   /* first member */
	bool boards;             /* else focus areas */
	int64_t area_id;         /* boards: -1 every board, else that area's (0: general) */
	char heading[STORE_FIELD_MAX + 32];
	struct store_area *areas;   /* every area (boards: for their names) */
	size_t nareas;
	struct store_board *bv;
	size_t nb;
	int64_t *ids;            /* the rows' ids */
	char **labels;
	size_t n;
	struct ui_select ls;
	struct ui_list_geom g;
};

static const char *area_name(const struct slist *l, int64_t id)
{
	for (size_t i = 0; i < l->nareas; i++)
		if (l->areas[i].id == id)
			return l->areas[i].name;
	return "?";
}

static void sl_clear(struct slist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->labels[i]);
	free(l->labels);
	free(l->ids);
	l->labels = NULL;
	l->ids = NULL;
	l->n = 0;
	store_area_list_free(l->areas, l->nareas);
	store_board_list_free(l->bv, l->nb);
	l->areas = NULL;
	l->bv = NULL;
	l->nareas = l->nb = 0;
}

static void sl_load(struct slist *l, struct ui_app *app)
{
	sl_clear(l);
	if (store_area_list_all(app->st, &l->areas, &l->nareas) != 0) {
		l->areas = NULL;
		l->nareas = 0;
		ui_app_message(app, "Could not read the focus areas, please try again");
	}
	if (l->boards) {
		if (store_board_list_all(app->st, &l->bv, &l->nb) != 0) {
			l->bv = NULL;
			l->nb = 0;
			ui_app_message(app, "Could not read the boards, please try again");
		}
		l->ids = xcalloc(l->nb ? l->nb : 1, sizeof *l->ids);
		l->labels = xcalloc(l->nb ? l->nb : 1, sizeof *l->labels);
		for (size_t i = 0; i < l->nb; i++) {
			const struct store_board *b = &l->bv[i];
			if (l->area_id >= 0 && b->area_id != l->area_id)
				continue;
			l->ids[l->n] = b->id;
			l->labels[l->n] = xasprintf("%s  (%s, %s)%s", b->name, b->slug,
				b->area_id > 0 ? area_name(l, b->area_id) : "general",
				b->archived ? "  [archived]" : "");
			l->n++;
		}
	} else {
		l->ids = xcalloc(l->nareas ? l->nareas : 1, sizeof *l->ids);
		l->labels = xcalloc(l->nareas ? l->nareas : 1, sizeof *l->labels);
		for (size_t i = 0; i < l->nareas; i++) {
			const struct store_area *a = &l->areas[i];
			l->ids[l->n] = a->id;
			l->labels[l->n] = xasprintf("%s  (%s)%s  %s", a->name, a->slug,
				a->archived ? "  [archived]" : "", a->summary ? a->summary : "");
			l->n++;
		}
	}
	l->ls.total = (int)l->n;
	ui_select_clamp(&l->ls);
}

static const struct store_area *sl_area(const struct slist *l, int64_t id)
{
	for (size_t i = 0; i < l->nareas; i++)
		if (l->areas[i].id == id)
			return &l->areas[i];
	return NULL;
}

static const struct store_board *sl_board(const struct slist *l, int64_t id)
{
	for (size_t i = 0; i < l->nb; i++)
		if (l->bv[i].id == id)
			return &l->bv[i];
	return NULL;
}

static void sl_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct slist *l = (struct slist *)s;

	ui_list_layout(r, &l->g, &l->ls);
}

static void sl_draw(struct ui_screen *s, WINDOW *w)
{
	struct slist *l = (struct slist *)s;

	list_draw(w, &l->g, &l->ls, l->heading, l->labels, l->n,
		"None yet. Press c to create one.");
}

static void sl_cursor(struct ui_screen *s, int *y, int *x)
{
	struct slist *l = (struct slist *)s;
	*y = l->g.list_y + l->ls.sel - l->ls.top;
	*x = 0;
}

/* The create / edit form. */
struct sform {
	struct slist *l;         /* the list below the form (it outlives the form) */
	bool boards, create;
	int64_t id;              /* edit: what */
	int f_slug, f_name, f_summary, f_area;
	int64_t *area_ids;       /* the area choice's ids (index 0: general) */
	char **area_names;
	size_t nareas;
};

static void sform_free(void *ctx)
{
	struct sform *f = ctx;

	if (!f)
		return;
	for (size_t i = 0; i < f->nareas; i++)
		free(f->area_names[i]);
	free(f->area_names);
	free(f->area_ids);
	free(f);
}

static const char *sform_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct sform *f = ctx;
	const char *name = ui_form_text(form, f->f_name);
	const char *summary = ui_form_text(form, f->f_summary);
	int64_t id = 0;
	int r;

	(void)next;
	if (!app->user || app->user->role != STORE_ROLE_SYSOP)
		return UI_ONLY_SYSOPS;
	if (!name[0]) {
		*field = f->f_name;
		return "Please give a name";
	}
	if (f->create) {
		const char *slug = ui_form_text(form, f->f_slug);
		if (!slug[0]) {
			*field = f->f_slug;
			return "Please give a short name (a-z, 0-9, -)";
		}
		if (f->boards) {
			size_t a = f->nareas ? ui_form_choice(form, f->f_area) : 0;
			int64_t area = a < f->nareas ? f->area_ids[a] : 0;
			r = store_board_create(app->st, app->user->id, area, slug, name, summary, &id);
		} else {
			r = store_area_create(app->st, app->user->id, slug, name, summary, &id);
		}
	} else if (f->boards) {
		r = store_board_update(app->st, app->user->id, f->id, name, summary);
	} else {
		r = store_area_update(app->st, app->user->id, f->id, name, summary);
	}
	if (r != 0) {
		*field = -1;
		return st_err(r);
	}
	ui_app_message(app, f->create ? "Created." : "Saved.");
	return NULL;
}

static void sl_form(struct slist *l, struct ui_app *app, bool create)
{
	int64_t id = 0;
	const char *name = NULL, *summary = NULL;

	if (!create) {
		if (l->n == 0)
			return;
		id = l->ids[l->ls.sel];
		if (l->boards) {
			const struct store_board *b = sl_board(l, id);
			if (!b)
				return;
			name = b->name;
			summary = b->description;
		} else {
			const struct store_area *a = sl_area(l, id);
			if (!a)
				return;
			name = a->name;
			summary = a->summary;
		}
	}
	struct sform *f = xcalloc(1, sizeof *f);
	f->l = l;
	f->boards = l->boards;
	f->create = create;
	f->id = id;
	char heading[64];
	(void)bbs_snprintf(heading, sizeof heading, "%s %s", create ? "New" : "Edit",
		l->boards ? "board" : "focus area");
	struct ui_form_spec spec = {
		.heading = heading,
		.intro = create ? "The short name is part of addresses and cannot change later: "
			"lower-case letters, digits and '-'." : NULL,
		.submit = sform_submit,
		.free_ctx = sform_free,
	};
	struct ui_screen *form = ui_form_create(&spec, f);
	f->f_slug = -1;
	f->f_area = -1;
	if (create)
		f->f_slug = ui_form_add(form, UI_FORM_TEXT, "Short name", NULL, 64, 1);
	f->f_name = ui_form_add(form, UI_FORM_TEXT, "Name", name, STORE_FIELD_MAX, 1);
	f->f_summary = ui_form_add(form, UI_FORM_TEXT, l->boards ? "Description" : "Summary",
		summary, STORE_FIELD_MAX, 1);
	if (create && l->boards) {
		f->area_ids = xcalloc(l->nareas + 1, sizeof *f->area_ids);
		f->area_names = xcalloc(l->nareas + 1, sizeof *f->area_names);
		f->area_names[f->nareas] = xstrdup("General (no focus area)");
		f->area_ids[f->nareas++] = 0;
		size_t sel = 0;
		for (size_t i = 0; i < l->nareas; i++) {
			if (l->areas[i].archived)
				continue;
			if (l->areas[i].id == l->area_id)
				sel = f->nareas;
			f->area_names[f->nareas] = xstrdup(l->areas[i].name);
			f->area_ids[f->nareas++] = l->areas[i].id;
		}
		f->f_area = ui_form_add_choice(form, "Focus area", (const char *const *)f->area_names,
			f->nareas, sel);
	}
	(void)ui_form_add(form, UI_FORM_BUTTON, NULL, create ? "Create" : "Save", 0, 0);
	ui_app_push(app, form);
}

static void sl_archive(struct slist *l, struct ui_app *app)
{
	if (l->n == 0)
		return;
	int64_t id = l->ids[l->ls.sel];
	bool archived;
	const char *name;
	if (l->boards) {
		const struct store_board *b = sl_board(l, id);
		if (!b)
			return;
		archived = b->archived;
		name = b->name;
	} else {
		const struct store_area *a = sl_area(l, id);
		if (!a)
			return;
		archived = a->archived;
		name = a->name;
	}
	char q[STORE_FIELD_MAX + 64];
	(void)bbs_snprintf(q, sizeof q, "%s %s? (y/n)", archived ? "Unarchive" : "Archive", name);
	if (!ui_app_confirm(app, q))
		return;
	int r = l->boards ? store_board_set_archived(app->st, app->user->id, id, !archived)
			  : store_area_set_archived(app->st, app->user->id, id, !archived);
	if (r != 0)
		ui_app_message(app, "%s", st_err(r));
	else
		ui_app_message(app, archived ? "Unarchived." : "Archived.");
	sl_load(l, app);
}

/* (position, id) of a before b in the store's order (store-structure.c's move_in). */
static bool sl_before(int pa, int64_t ia, int pb, int64_t ib)
{
	return pa < pb || (pa == pb && ia < ib);
}

/*
 * True when id has a neighbour in direction delta within its group (the store moves an area
 * among all areas, a board among the boards of its focus area). At either end the store
 * changes nothing and returns 0 (store.h), so the UI must tell itself.
 */
static bool sl_can_move(const struct slist *l, int64_t id, int delta)
{
	if (l->boards) {
		const struct store_board *me = sl_board(l, id);
		if (!me)
			return false;
		for (size_t i = 0; i < l->nb; i++) {
			const struct store_board *b = &l->bv[i];
			if (b->id == id || b->area_id != me->area_id)
				continue;
			if (delta < 0 ? sl_before(b->position, b->id, me->position, me->id)
				      : sl_before(me->position, me->id, b->position, b->id))
				return true;
		}
		return false;
	}
	const struct store_area *me = sl_area(l, id);
	if (!me)
		return false;
	for (size_t i = 0; i < l->nareas; i++) {
		const struct store_area *a = &l->areas[i];
		if (a->id == id)
			continue;
		if (delta < 0 ? sl_before(a->position, a->id, me->position, me->id)
			      : sl_before(me->position, me->id, a->position, a->id))
			return true;
	}
	return false;
}

static void sl_move(struct slist *l, struct ui_app *app, int delta)
{
	if (l->n == 0)
		return;
	int64_t id = l->ids[l->ls.sel];
	if (!st_sysop(app))
		return;
	if (!sl_can_move(l, id, delta)) {
		ui_app_message(app, "It cannot move further");
		return;
	}
	int r = l->boards ? store_board_move(app->st, app->user->id, id, delta)
			  : store_area_move(app->st, app->user->id, id, delta);
	if (r != 0) {
		ui_app_message(app, "%s", r == BBS_ERR_INVALID ? "It cannot move further" : st_err(r));
		return;
	}
	sl_load(l, app);
	for (size_t i = 0; i < l->n; i++)
		if (l->ids[i] == id)
			l->ls.sel = (int)i;
	ui_select_clamp(&l->ls);
}

static struct ui_screen *slist_create(struct ui_app *app, bool boards, int64_t area_id,
	const char *area);

static enum ui_result sl_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct slist *l = (struct slist *)s;

	(void)key;
	if (action == UI_ACT_BACK) {
		ui_app_pop(app); /* destroys l */
		return UI_RES_REDRAW;
	}
	if (action == UI_ACT_UP || action == UI_ACT_DOWN || action == UI_ACT_PGUP ||
	    action == UI_ACT_PGDN || action == UI_ACT_HOME || action == UI_ACT_END)
		return ui_select_action(&l->ls, action);
	if (!st_sysop(app))
		return UI_RES_REDRAW;
	switch (action) {
	case UI_ACT_NEW: sl_form(l, app, true); break;
	case UI_ACT_EDIT: sl_form(l, app, false); break;
	case UI_ACT_ARCHIVE: sl_archive(l, app); break;
	case UI_ACT_MOVE_UP: sl_move(l, app, -1); break;
	case UI_ACT_MOVE_DOWN: sl_move(l, app, 1); break;
	case UI_ACT_PAGE:
	case UI_ACT_OPEN:
		if (l->boards || l->n == 0) {
			if (action == UI_ACT_PAGE)
				ui_app_message(app, "Boards have no page: their description is in e");
			break;
		}
		{
			const struct store_area *a = sl_area(l, l->ids[l->ls.sel]);
			if (!a)
				break;
			if (action == UI_ACT_OPEN) {
				ui_app_push(app, slist_create(app, true, a->id, a->name));
			} else {
				char slug[STORE_FIELD_MAX + 8];
				if (a->page_slug && a->page_slug[0])
					bbs_strlcpy(slug, a->page_slug, sizeof slug);
				else
					(void)bbs_snprintf(slug, sizeof slug, "area-%s", a->slug);
				page_edit(app, slug, a->name);
			}
		}
		break;
	default:
		return UI_RES_NONE;
	}
	return UI_RES_REDRAW;
}

static void sl_resume(struct ui_screen *s, struct ui_app *app)
{
	sl_load((struct slist *)s, app);
}

static void sl_destroy(struct ui_screen *s)
{
	struct slist *l = (struct slist *)s;

	if (!l)
		return;
	sl_clear(l);
	free(l);
}

static struct ui_screen *slist_create(struct ui_app *app, bool boards, int64_t area_id,
	const char *area)
{
	struct slist *l = xcalloc(1, sizeof *l);

	l->base.keymap = &ui_keymap_structure_list;
	l->base.layout = sl_layout;
	l->base.draw = sl_draw;
	l->base.cursor = sl_cursor;
	l->base.action = sl_action;
	l->base.destroy = sl_destroy;
	l->base.resume = sl_resume;
	l->boards = boards;
	l->area_id = area_id;
	if (!boards)
		bbs_strlcpy(l->heading, "Focus areas (structure)", sizeof l->heading);
	else if (area)
		(void)bbs_snprintf(l->heading, sizeof l->heading, "Boards of %s (structure)", area);
	else
		bbs_strlcpy(l->heading, "Boards (structure)", sizeof l->heading);
	sl_load(l, app);
	return &l->base;
}

/* ---- the structure screen ---- */

enum { SI_SITE, SI_REG, SI_GUEST, SI_WELCOME, SI_WHO, SI_AREAS, SI_BOARDS, SI_N };

struct structure {
	struct ui_screen base;   /* first member */
	char *labels[SI_N];
	bool guest_on;
	struct ui_select ls;
	struct ui_list_geom g;
};

/* The site name the top line shows after a change (app->site_name is main.c's string). */
static char site_name_buf[STORE_FIELD_MAX + 1];

static void sc_load(struct structure *sc, struct ui_app *app)
{
	char *site = NULL, *guest = NULL;
	int mode = STORE_REG_OPEN;

	for (int i = 0; i < SI_N; i++) {
		free(sc->labels[i]);
		sc->labels[i] = NULL;
	}
	if (store_setting_get(app->st, "site_name", &site) != 0)
		site = NULL;
	if (store_registration_get(app->st, &mode) != 0)
		mode = STORE_REG_OPEN;
	if (store_setting_get(app->st, "guest_access", &guest) != 0)
		guest = NULL;
	sc->guest_on = !(guest && strcmp(guest, "off") == 0);
	sc->labels[SI_SITE] = xasprintf("Site name: %s", site ? site : app->site_name);
	sc->labels[SI_REG] = xasprintf("Registration: %s", store_registration_name(mode));
	sc->labels[SI_GUEST] = xasprintf("Guest access: %s", sc->guest_on ? "on" : "off");
	sc->labels[SI_WELCOME] = xstrdup("Welcome page");
	sc->labels[SI_WHO] = xstrdup("Who we are page");
	sc->labels[SI_AREAS] = xstrdup("Focus areas");
	sc->labels[SI_BOARDS] = xstrdup("Boards");
	free(site);
	free(guest);
	sc->ls.total = SI_N;
	ui_select_clamp(&sc->ls);
}

static void sc_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct structure *sc = (struct structure *)s;

	ui_list_layout(r, &sc->g, &sc->ls);
}

static void sc_draw(struct ui_screen *s, WINDOW *w)
{
	struct structure *sc = (struct structure *)s;

	list_draw(w, &sc->g, &sc->ls, "Structure and content", sc->labels, SI_N, "");
}

static void sc_cursor(struct ui_screen *s, int *y, int *x)
{
	struct structure *sc = (struct structure *)s;
	*y = sc->g.list_y + sc->ls.sel - sc->ls.top;
	*x = 0;
}

static void reg_done(struct ui_app *app, void *ctx, size_t index)
{
	(void)ctx;
	if (index > STORE_REG_CLOSED || !st_sysop(app))
		return;
	int r = store_admin_setting_set(app->st, app->user->id, "registration",
		store_registration_name((int)index));
	if (r != 0)
		ui_app_message(app, "%s", st_err(r));
	else
		ui_app_message(app, "Registration is now %s.", store_registration_name((int)index));
}

static void sc_open(struct structure *sc, struct ui_app *app)
{
	char buf[STORE_FIELD_MAX + 1];
	int r;

	switch (sc->ls.sel) {
	case SI_SITE:
		if (!ui_app_input(app, "Site name: ", buf, sizeof buf))
			return;
		if (!buf[0]) {
			ui_app_message(app, "Not changed: the name is empty");
			return;
		}
		r = store_admin_setting_set(app->st, app->user->id, "site_name", buf);
		if (r != 0) {
			ui_app_message(app, "%s", st_err(r));
			return;
		}
		{
			char *now = NULL;
			if (store_setting_get(app->st, "site_name", &now) == 0 && now) {
				bbs_strlcpy(site_name_buf, now, sizeof site_name_buf);
				app->site_name = site_name_buf;
			}
			free(now);
		}
		ui_app_message(app, "Site name changed.");
		break;
	case SI_REG: {
		const char *modes[] = { "open: guests apply, invites work",
			"invite: only with an invite", "closed: nobody joins" };
		ui_app_push(app, ui_choose_create("Registration mode", modes, 3, reg_done, NULL,
			NULL));
		break;
	}
	case SI_GUEST:
		if (!ui_app_confirm(app, sc->guest_on ? "Turn guest access off? (y/n)"
						      : "Turn guest access on? (y/n)"))
			return;
		r = store_admin_setting_set(app->st, app->user->id, "guest_access",
			sc->guest_on ? "off" : "on");
		ui_app_message(app, "%s", r == 0 ? (sc->guest_on ? "Guest access is off."
							      : "Guest access is on.") : st_err(r));
		break;
	case SI_WELCOME:
		page_edit(app, "welcome", "Welcome");
		break;
	case SI_WHO:
		page_edit(app, "who-we-are", "Who we are");
		break;
	case SI_AREAS:
		ui_app_push(app, slist_create(app, false, -1, NULL));
		break;
	case SI_BOARDS:
		ui_app_push(app, slist_create(app, true, -1, NULL));
		break;
	default:
		break;
	}
}

static enum ui_result sc_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct structure *sc = (struct structure *)s;

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys sc */
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		if (st_sysop(app))
			sc_open(sc, app);
		sc_load(sc, app);
		return UI_RES_REDRAW;
	default:
		return ui_select_action(&sc->ls, action);
	}
}

static void sc_resume(struct ui_screen *s, struct ui_app *app)
{
	sc_load((struct structure *)s, app);
}

static void sc_destroy(struct ui_screen *s)
{
	struct structure *sc = (struct structure *)s;

	if (!sc)
		return;
	for (int i = 0; i < SI_N; i++)
		free(sc->labels[i]);
	free(sc);
}

struct ui_screen *ui_admin_structure_create(struct ui_app *app)
{
	if (!st_sysop(app))
		return NULL;
	struct structure *sc = xcalloc(1, sizeof *sc);
	sc->base.keymap = &ui_keymap_structure;
	sc->base.layout = sc_layout;
	sc->base.draw = sc_draw;
	sc->base.cursor = sc_cursor;
	sc->base.action = sc_action;
	sc->base.destroy = sc_destroy;
	sc->base.resume = sc_resume;
	sc_load(sc, app);
	return &sc->base;
}
