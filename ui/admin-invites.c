/*
 * admin-invites.c: the sysops' invites: list, create, revoke.
 *
 * The list (store_invite_list, newest first) shows each invite's state (valid, used,
 * expired, revoked), expiry, presets (role, organisation, sector), note and who used it.
 * c opens a form (days valid, role, organisation, sector, note); on ^X a new code is made
 * (keys_invite_code), only its hash is stored (keys_invite_hash, store_invite_create), and
 * the code is shown once on a page with how to use it ("ssh -p PORT join@HOST"). r revokes
 * the selected invite after asking.
 *
 * Must never: open for anyone but a sysop; show a code other than right after it was made
 * (the store has only its hash); read the store while drawing.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INV_DAYS_MAX 365
#define INV_DAYS_DEFAULT "14"

struct invites {
	struct ui_screen base;   /* first member */
	struct store_invite *v;
	size_t n;
	struct ui_select ls;
	struct ui_list_geom g;
};

static void invites_load(struct invites *iv, struct ui_app *app)
{
	store_invite_list_free(iv->v, iv->n);
	iv->v = NULL;
	iv->n = 0;
	int r = store_invite_list(app->st, &iv->v, &iv->n);
	if (r != 0) {
		log_warn("admin invites: %s", bbs_strerror(r));
		iv->v = NULL;
		iv->n = 0;
		ui_app_message(app, "Could not read the invites, please try again");
	}
	iv->ls.total = (int)iv->n;
	ui_select_clamp(&iv->ls);
}

static void invites_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct invites *iv = (struct invites *)s;
	ui_list_layout(r, &iv->g, &iv->ls);
}

static void invite_row(const struct store_invite *inv, char *buf, size_t size)
{
	char exp[UI_TIME_LEN], presets[STORE_FIELD_MAX * 2 + 64], used[STORE_FIELD_MAX + 32];

	ui_format_date(inv->expires, exp, sizeof exp);
	(void)bbs_snprintf(presets, sizeof presets, "%s%s%s%s%s", store_role_name(inv->role),
		inv->organisation[0] ? ", " : "", inv->organisation, inv->sector[0] ? ", " : "",
		inv->sector);
	used[0] = '\0';
	if (inv->used_by[0])
		(void)bbs_snprintf(used, sizeof used, "  used by %s", inv->used_by);
	(void)bbs_snprintf(buf, size, "#%-4lld %-8s expires %s  %s  %s%s",
		(long long)inv->id, store_invite_state_name(inv->state), exp, presets,
		inv->note[0] ? inv->note : "-", used);
}

static void invites_draw(struct ui_screen *s, WINDOW *w)
{
	struct invites *iv = (struct invites *)s;
	char row[STORE_FIELD_MAX * 5];

	if (iv->g.width <= 0)
		return;
	ui_draw_str(w, iv->g.heading_y, iv->g.x0, iv->g.width, "Invites", ui_term_heading_attr());
	if (iv->n == 0) {
		ui_draw_str(w, iv->g.list_y, iv->g.x0, iv->g.width,
			"No invites yet. Press c to create one.", A_NORMAL);
		return;
	}
	for (int i = 0; i < iv->ls.view && iv->ls.top + i < (int)iv->n; i++) {
		int idx = iv->ls.top + i;
		bool sel = idx == iv->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		invite_row(&iv->v[idx], row, sizeof row);
		ui_draw_str(w, iv->g.list_y + i, iv->g.x0, 2, sel ? "> " : "  ", attr);
		ui_draw_str(w, iv->g.list_y + i, iv->g.x0 + 2, iv->g.width - 2, row, attr);
	}
}

static void invites_cursor(struct ui_screen *s, int *y, int *x)
{
	struct invites *iv = (struct invites *)s;
	*y = iv->n > 0 ? iv->g.list_y + iv->ls.sel - iv->ls.top : iv->g.heading_y;
	*x = iv->g.x0;
}

/* ---- the create form ---- */

static const char *const role_options[] = { "member", "moderator", "sysop" };
struct create_ctx {
	int f_days, f_role, f_org, f_sector, f_note;
	const char *sector_opts[STORE_NSECTORS + 1];
};

/* The port members connect to: the setting ssh_port if a sysop set one, else the port bbsd
 * wrote to DATADIR/bbsd.port (bbsd runs the UI with HOME set to the data directory), else
 * 2222 (bbsctl's answer too). */
static long join_port(struct ui_app *app)
{
	char *val = NULL, path[4200], buf[16] = "";
	char *end = NULL;
	const char *home = getenv("HOME");
	long port = 0;

	if (store_setting_get(app->st, "ssh_port", &val) == 0 && val)
		port = strtol(val, &end, 10);
	free(val);
	if (port >= 1 && port <= 65535 && end && *end == '\0')
		return port;
	if (home && home[0] == '/' && bbs_snprintf(path, sizeof path, "%s/bbsd.port", home) == 0) {
		FILE *f = fopen(path, "r");
		if (f) {
			if (!fgets(buf, sizeof buf, f))
				buf[0] = '\0';
			fclose(f);
		}
		buf[strcspn(buf, "\r\n")] = '\0';
		end = NULL;
		port = strtol(buf, &end, 10);
		if (buf[0] && port >= 1 && port <= 65535 && end && *end == '\0')
			return port;
	}
	return 2222;
}

/* "ssh -p PORT join@HOST": HOST is the setting ssh_host when a sysop set it. */
static void join_command(struct ui_app *app, char *buf, size_t size)
{
	char *host = NULL;

	if (store_setting_get(app->st, "ssh_host", &host) != 0) {
		free(host);
		host = NULL;
	}
	(void)bbs_snprintf(buf, size, "ssh -p %ld join@%s", join_port(app),
		host && host[0] ? host : "HOST");
	free(host);
}

static const char *create_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct create_ctx *c = ctx;
	const char *days_s = ui_form_text(form, c->f_days);
	char code[KEYS_INVITE_CODE_LEN], hash[KEYS_INVITE_HASH_LEN], cmd[STORE_FIELD_MAX + 32];
	char *end = NULL, *text = NULL;
	int64_t id = 0;

	if (!ui_is_sysop(app))
		return UI_ONLY_SYSOPS;
	long days = strtol(days_s, &end, 10);
	if (!days_s[0] || !end || *end != '\0' || days < 1 || days > INV_DAYS_MAX) {
		*field = c->f_days;
		return "Days valid: a number from 1 to 365";
	}
	size_t sec = ui_form_choice(form, c->f_sector);
	keys_invite_code(code);
	if (keys_invite_hash(code, hash) != 0) {
		keys_wipe(code, sizeof code);
		return "Could not make a code, please try again";
	}
	int r = store_invite_create(app->st, app->user->id, hash,
		(int64_t)time(NULL) + (int64_t)days * 86400,
		(int)ui_form_choice(form, c->f_role) + STORE_ROLE_MEMBER,
		ui_form_text(form, c->f_org), sec == 0 ? "" : c->sector_opts[sec],
		ui_form_text(form, c->f_note), &id);
	if (r != 0) {
		keys_wipe(code, sizeof code);
		switch (r) {
		case BBS_ERR_DENIED: return UI_ONLY_SYSOPS;
		case BBS_ERR_TOOBIG: return "A field is too long";
		case BBS_ERR_INVALID: return "A field is not valid";
		default: return "Could not create the invite, please try again";
		}
	}
	join_command(app, cmd, sizeof cmd);
	ui_format_append(&text,
		"Invite #%lld is valid for %ld day%s. Its code is:\n\n    %s\n\n"
		"It is shown only this once (the portal keeps only a hash of it). Give it to the "
		"new member by a safe channel, with how to use it:\n\n    %s\n\n%s"
		"They type the code there, choose a handle, and the key they connect with (or a "
		"password) becomes their way in.\n\nPress q to leave this page.\n",
		(long long)id, days, days == 1 ? "" : "s", code, cmd,
		strstr(cmd, "@HOST") ? "(HOST: this portal's host name.) " : "");
	keys_wipe(code, sizeof code);
	*next = ui_pager_create("New invite", text);
	keys_wipe(text, strlen(text));
	free(text);
	return NULL;
}

static struct ui_screen *create_form(void)
{
	struct create_ctx *c = xcalloc(1, sizeof *c);
	struct ui_form_spec spec = {
		.heading = "Create an invite",
		.intro = "The new member gets the role, organisation and sector set here (they may "
			"fill in an empty organisation or sector themselves). ^X creates the invite "
			"and shows its code once.",
		.submit = create_submit,
		.free_ctx = free,
	};
	c->sector_opts[0] = "(none)";
	for (size_t i = 0; i < STORE_NSECTORS; i++)
		c->sector_opts[i + 1] = store_sectors[i];
	struct ui_screen *f = ui_form_create(&spec, c);
	c->f_days = ui_form_add(f, UI_FORM_TEXT, "Days valid", INV_DAYS_DEFAULT, 3, 0);
	c->f_role = ui_form_add_choice(f, "Role", role_options, 3, 0);
	c->f_org = ui_form_add(f, UI_FORM_TEXT, "Organisation", NULL, STORE_FIELD_MAX, 0);
	c->f_sector = ui_form_add_choice(f, "Sector", c->sector_opts, STORE_NSECTORS + 1, 0);
	c->f_note = ui_form_add(f, UI_FORM_TEXT, "Note (who it is for)", NULL, STORE_FIELD_MAX, 0);
	(void)ui_form_add(f, UI_FORM_BUTTON, "", "Create the invite", 0, 0);
	return f;
}

static enum ui_result invites_action(struct ui_screen *s, struct ui_app *app, int action,
	int key)
{
	struct invites *iv = (struct invites *)s;
	char q[96];

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_NEW:
		if (!ui_refuse_non_sysop(app))
			ui_app_push(app, create_form());
		return UI_RES_REDRAW;
	case UI_ACT_DELETE: {
		if (ui_refuse_non_sysop(app) || iv->n == 0)
			return UI_RES_REDRAW;
		const struct store_invite *inv = &iv->v[iv->ls.sel];
		if (inv->state != STORE_INVITE_VALID) {
			ui_app_message(app, "Invite #%lld is %s already", (long long)inv->id,
				store_invite_state_name(inv->state));
			return UI_RES_REDRAW;
		}
		(void)bbs_snprintf(q, sizeof q, "Revoke invite #%lld? (y/n)", (long long)inv->id);
		if (!ui_app_confirm(app, q) || app->quit)
			return UI_RES_REDRAW;
		int64_t id = inv->id;
		/* Checks the role and writes the audit entry in the same transaction. */
		int r = store_admin_invite_revoke(app->st, app->user->id, id);
		if (r == 0)
			ui_app_message(app, "Invite #%lld revoked.", (long long)id);
		else if (r == BBS_ERR_INVALID)
			ui_app_message(app, "Invite #%lld was used already", (long long)id);
		else
			ui_app_message(app, "Could not revoke the invite, please try again");
		invites_load(iv, app);
		return UI_RES_REDRAW;
	}
	default:
		return ui_select_action(&iv->ls, action);
	}
}

static void invites_resume(struct ui_screen *s, struct ui_app *app)
{
	invites_load((struct invites *)s, app);
}

static void invites_destroy(struct ui_screen *s)
{
	struct invites *iv = (struct invites *)s;
	if (!iv)
		return;
	store_invite_list_free(iv->v, iv->n);
	free(iv);
}

struct ui_screen *ui_admin_invites_create(struct ui_app *app)
{
	if (ui_refuse_non_sysop(app))
		return NULL;
	struct invites *iv = xcalloc(1, sizeof *iv);
	iv->base.keymap = &ui_keymap_admin_invites;
	iv->base.layout = invites_layout;
	iv->base.draw = invites_draw;
	iv->base.cursor = invites_cursor;
	iv->base.action = invites_action;
	iv->base.destroy = invites_destroy;
	iv->base.resume = invites_resume;
	invites_load(iv, app);
	return &iv->base;
}
