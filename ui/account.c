/*
 * account.c: "Your account" (profile, keys, password, preferences) and the forced password
 * change after a sysop's reset.
 *
 * The account screen is a short list; each item opens a form (form.c) or, for keys, a list
 * of the member's keys shown as `ssh-keygen -lf` prints them, with a to add a pasted
 * authorized_keys line and d to remove one (never the last way in: the store refuses that and
 * the member is told why). Every change goes through the store with the member's own id; the
 * member record in app->user is the one read at login, so forms read a fresh copy first.
 * Preferences take effect at once where they can (time zone, ASCII-only); colour from the
 * next login.
 *
 * Must never: show or keep a password's text after use, change another member's data, or
 * accept a time zone whose file is not a regular file under /usr/share/zoneinfo.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define ZONEINFO "/usr/share/zoneinfo/"
#define KEY_LINE_MAX 16384

/* ---- shared helpers ---- */

const char *ui_account_new_password(const char *pw, const char *again, char *out, size_t size)
{
	const char *reason = NULL;

	if (size)
		out[0] = '\0';
	if (size < KEYS_PWHASH_LEN)
		return "Internal error";
	if (!pw[0])
		return "Please type a password";
	if (strcmp(pw, again) != 0)
		return "The two passwords differ; type the same one twice";
	if (keys_password_policy(pw, strlen(pw), &reason) != 0)
		return reason ? reason : "That password cannot be used";
	char hash[KEYS_PWHASH_LEN];
	int r = keys_password_hash(pw, strlen(pw), hash);
	if (r != 0)
		return "Could not protect the password right now; please try again";
	bbs_strlcpy(out, hash, size);
	keys_wipe(hash, sizeof hash);
	return NULL;
}

bool ui_account_zone_valid(const char *name)
{
	struct stat sb;
	char path[256];

	if (!name || !name[0] || strcmp(name, "UTC") == 0)
		return true;
	size_t n = strlen(name);
	if (n > STORE_TIMEZONE_MAX || name[0] == '/' || strstr(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '+' || c == '-' || c == '/'))
			return false;
	}
	if (bbs_snprintf(path, sizeof path, ZONEINFO "%s", name) != 0)
		return false;
	/* stat, not lstat: a zone file reached through a symlink is fine in the system's tree
	 * (the name cannot leave it: no "..", no leading '/'), but a directory ("Europe") or a
	 * device is not a zone. */
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Key and password changes go into the audit log (issue 6): who, what, and the key's
 * fingerprint; never the password. A failed append is logged, not shown: the change itself
 * was made. */
static void account_audit(struct ui_app *app, const char *action, const char *detail)
{
	char target[64];
	(void)bbs_snprintf(target, sizeof target, "user %s", app->user->handle);
	int r = store_audit_append(app->st, app->user->id, action, target, detail, NULL);
	if (r != 0)
		log_warn("audit %s: %s", action, bbs_strerror(r));
}

static struct store_user *fresh_user(struct ui_app *app)
{
	struct store_user *u = NULL;
	if (!app->user || store_user_get_by_id(app->st, app->user->id, &u) != 0) {
		store_user_free(u);
		ui_app_message(app, "Could not read your account, please try again");
		return NULL;
	}
	return u;
}

static size_t sector_index(const char *sector)
{
	for (size_t i = 0; i < STORE_NSECTORS; i++)
		if (sector && strcmp(sector, store_sectors[i]) == 0)
			return i;
	return STORE_NSECTORS - 1;
}

/* ---- profile ---- */

struct profile {
	int f_name, f_org, f_sector, f_country, f_bio, f_dir, f_named;
};

static const char *profile_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct profile *p = ctx;
	struct store_profile sp;

	(void)next;
	sp.display_name = ui_form_text(form, p->f_name);
	sp.organisation = ui_form_text(form, p->f_org);
	sp.sector = store_sectors[ui_form_choice(form, p->f_sector)];
	sp.country = ui_form_text(form, p->f_country);
	sp.bio = ui_form_text(form, p->f_bio);
	sp.in_directory = ui_form_yes(form, p->f_dir);
	sp.named_endorsements = ui_form_yes(form, p->f_named);
	if (strspn(sp.display_name, " ") == strlen(sp.display_name)) {
		*field = p->f_name;
		return "Please give the name to show to other members";
	}
	int r = store_user_set_profile(app->st, app->user->id, &sp);
	if (r == BBS_ERR_INVALID || r == BBS_ERR_TOOBIG)
		return "One of the fields is too long or not allowed";
	if (r != 0)
		return "Could not save, please try again";
	ui_app_message(app, "Profile saved.");
	return NULL;
}

static struct ui_screen *profile_create(struct ui_app *app)
{
	struct store_user *u = fresh_user(app);
	if (!u)
		return NULL;
	struct profile *p = xcalloc(1, sizeof *p);
	struct ui_form_spec spec = {
		.heading = "Your profile",
		.intro = "What other members see in the directory and on your profile. ^X saves.",
		.submit = profile_submit,
		.free_ctx = free,
	};
	struct ui_screen *f = ui_form_create(&spec, p);
	p->f_name = ui_form_add(f, UI_FORM_TEXT, "Display name", u->display_name, STORE_FIELD_MAX, 0);
	p->f_org = ui_form_add(f, UI_FORM_TEXT, "Organisation", u->organisation, STORE_FIELD_MAX, 0);
	p->f_sector = ui_form_add_choice(f, "Sector", store_sectors, STORE_NSECTORS,
		sector_index(u->sector));
	p->f_country = ui_form_add(f, UI_FORM_TEXT, "Country", u->country, STORE_FIELD_MAX, 0);
	p->f_bio = ui_form_add(f, UI_FORM_MULTI, "About you (short)", u->bio, STORE_BIO_MAX, 4);
	p->f_dir = ui_form_add_yesno(f, "Listed in the member directory", u->in_directory);
	p->f_named = ui_form_add_yesno(f, "Named in endorsement breakdowns", u->named_endorsements);
	(void)ui_form_add(f, UI_FORM_BUTTON, "", "Save", 0, 0);
	store_user_free(u);
	return f;
}

/* ---- password ---- */

struct password {
	int f_cur, f_new, f_again;
	bool has_current;
	bool forced;
	bool *done;              /* forced: set when changed */
};

static const char *password_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct password *p = ctx;
	char hash[KEYS_PWHASH_LEN];
	const char *err;

	(void)next;
	if (p->has_current) {
		struct store_user *u = fresh_user(app);
		const char *cur = ui_form_text(form, p->f_cur);
		bool ok = u && keys_password_verify(u->pwhash, cur, strlen(cur));
		store_user_free(u);
		if (!ok) {
			*field = p->f_cur;
			return "That is not your current password";
		}
	}
	err = ui_account_new_password(ui_form_text(form, p->f_new), ui_form_text(form, p->f_again),
		hash, sizeof hash);
	if (err) {
		/* Both typed again: half of a mismatched pair cannot be seen to be fixed. */
		ui_form_set_text(form, p->f_new, "");
		ui_form_set_text(form, p->f_again, "");
		*field = p->f_new;
		return err;
	}
	int r = store_user_set_password(app->st, app->user->id, hash);
	keys_wipe(hash, sizeof hash);
	if (r != 0)
		return "Could not save the password, please try again";
	account_audit(app, "password-change", p->forced ? "forced change after a reset" : "");
	ui_form_wipe_hidden(form);
	if (p->done)
		*p->done = true;
	ui_app_message(app, "Password changed. Use the new one from your next login.");
	return NULL;
}

static struct ui_screen *password_form(struct ui_app *app, bool forced, bool *done)
{
	struct store_user *u = fresh_user(app);
	if (!u)
		return NULL;
	struct password *p = xcalloc(1, sizeof *p);
	p->forced = forced;
	p->done = done;
	p->has_current = !forced && u->pwhash && u->pwhash[0];
	struct ui_form_spec spec = {
		.heading = forced ? "Choose a new password" : "Change your password",
		.intro = forced ? "A sysop has reset your password. Choose a new one that only you "
			"know before you go on (at least 10 characters; a few words make a good one). "
			"^X saves." :
			p->has_current ? "Type your current password, then the new one twice (at least "
			"10 characters; a few words make a good one). ^X saves." :
			"You have no password yet (you log in with a key). Setting one gives you a "
			"second way in. ^X saves.",
		.submit = password_submit,
		.free_ctx = free,
		.no_leave = forced,
	};
	struct ui_screen *f = ui_form_create(&spec, p);
	p->f_cur = p->has_current ? ui_form_add(f, UI_FORM_HIDDEN, "Current password", NULL,
		BBS_PASSWORD_MAX, 0) : -1;
	p->f_new = ui_form_add(f, UI_FORM_HIDDEN, "New password", NULL, BBS_PASSWORD_MAX, 0);
	p->f_again = ui_form_add(f, UI_FORM_HIDDEN, "New password again", NULL, BBS_PASSWORD_MAX, 0);
	(void)ui_form_add(f, UI_FORM_BUTTON, "", "Save the new password", 0, 0);
	store_user_free(u);
	return f;
}

/* ---- preferences ---- */

struct prefs {
	int f_tz, f_ascii, f_colour, f_compact, f_line;
	bool colour_was, line_was;
};

static const char *prefs_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct prefs *p = ctx;
	char tz[STORE_TIMEZONE_MAX + 8];

	(void)next;
	const char *in = ui_form_text(form, p->f_tz);
	while (*in == ' ')
		in++;
	bbs_strlcpy(tz, in, sizeof tz);
	size_t n = strlen(tz);
	while (n > 0 && tz[n - 1] == ' ')
		tz[--n] = '\0';
	if (strcmp(tz, "UTC") == 0)
		tz[0] = '\0';
	if (!ui_account_zone_valid(tz)) {
		*field = p->f_tz;
		return "Unknown time zone: use a name like Europe/Paris, America/New_York or UTC";
	}
	bool ascii = ui_form_yes(form, p->f_ascii), colour = ui_form_yes(form, p->f_colour);
	bool compact = ui_form_yes(form, p->f_compact), line = ui_form_yes(form, p->f_line);
	struct store_prefs prefs = { .timezone = tz, .ascii_only = ascii, .colour = colour,
		.compact = compact, .line_mode = line };
	int r = store_user_set_prefs(app->st, app->user->id, &prefs);
	if (r == BBS_ERR_INVALID) {
		*field = p->f_tz;
		return "Unknown time zone: use a name like Europe/Paris, America/New_York or UTC";
	}
	if (r != 0)
		return "Could not save, please try again";
	/* At once: times are formatted with localtime_r, and drawing checks the ASCII flag on
	 * every call. Colours are chosen when the terminal starts. */
	if (setenv("TZ", tz[0] ? tz : "UTC", 1) == 0)
		tzset();
	ui_draw_set_ascii(ascii);
	app->compact = compact;   /* screens read it when they lay out */
	if (line && !p->line_was)
		ui_app_message(app, "Preferences saved. The plain line mode starts at your next login.");
	else if (colour != p->colour_was)
		ui_app_message(app, "Preferences saved. Colour changes from your next login.");
	else
		ui_app_message(app, "Preferences saved.");
	return NULL;
}

static struct ui_screen *prefs_create(struct ui_app *app)
{
	struct store_user *u = fresh_user(app);
	if (!u)
		return NULL;
	struct prefs *p = xcalloc(1, sizeof *p);
	p->colour_was = u->colour;
	p->line_was = u->line_mode;
	struct ui_form_spec spec = {
		.heading = "Preferences",
		.intro = "Time zone: an IANA name such as Europe/Paris, Asia/Manila or "
			"America/New_York; empty or UTC for UTC. Times are shown in it. ^X saves.",
		.submit = prefs_submit,
		.free_ctx = free,
	};
	struct ui_screen *f = ui_form_create(&spec, p);
	p->f_tz = ui_form_add(f, UI_FORM_TEXT, "Time zone", u->timezone[0] ? u->timezone : "UTC",
		STORE_TIMEZONE_MAX, 0);
	p->f_ascii = ui_form_add_yesno(f, "Draw with ASCII characters only", u->ascii_only);
	p->f_colour = ui_form_add_yesno(f, "Colour", u->colour);
	p->f_compact = ui_form_add_yesno(f, "Compact layout (fewer lines and hints)", u->compact);
	p->f_line = ui_form_add_yesno(f, "Plain line mode (numbered menus, for screen readers "
		"and slow links)", u->line_mode);
	(void)ui_form_add(f, UI_FORM_BUTTON, "", "Save", 0, 0);
	store_user_free(u);
	return f;
}

/* ---- keys ---- */

struct keylist {
	struct ui_screen base;   /* first member */
	struct store_key *v;
	size_t n;
	char **lines;            /* "256 SHA256:... comment (ED25519)" per key */
	struct ui_select ls;
	struct ui_rect r;
	int list_y, x0, width;
};

/* The ssh-keygen -lf label of a key type. */
static const char *type_label(const char *type)
{
	static const struct { const char *prefix, *label; } t[] = {
		{ "ssh-ed25519", "ED25519" }, { "sk-ssh-ed25519", "ED25519-SK" },
		{ "ecdsa-sha2-", "ECDSA" }, { "sk-ecdsa-sha2-", "ECDSA-SK" }, { "ssh-rsa", "RSA" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strncmp(type, t[i].prefix, strlen(t[i].prefix)) == 0)
			return t[i].label;
	return "?";
}

static void keylist_free_rows(struct keylist *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->lines ? k->lines[i] : NULL);
	free(k->lines);
	k->lines = NULL;
	store_key_list_free(k->v, k->n);
	k->v = NULL;
	k->n = 0;
}

static void keylist_load(struct keylist *k, struct ui_app *app)
{
	keylist_free_rows(k);
	if (store_key_list(app->st, app->user->id, &k->v, &k->n) != 0) {
		k->v = NULL;
		k->n = 0;
		ui_app_message(app, "Could not read your keys, please try again");
	}
	k->lines = xcalloc(k->n ? k->n : 1, sizeof *k->lines);
	for (size_t i = 0; i < k->n; i++) {
		struct keys_pub pub = { 0 };
		char *line = xasprintf("%s %s", k->v[i].type, k->v[i].blob);
		int bits = keys_parse_authorized(line, &pub, NULL) == 0 ? pub.bits : 0;
		keys_pub_finish(&pub);
		free(line);
		/* As `ssh-keygen -lf` prints it: bits, fingerprint, comment, (TYPE). */
		k->lines[i] = k->v[i].comment[0] ?
			xasprintf("%d %s %s (%s)", bits, k->v[i].fingerprint, k->v[i].comment,
				type_label(k->v[i].type)) :
			xasprintf("%d %s (%s)", bits, k->v[i].fingerprint, type_label(k->v[i].type));
	}
	k->ls.total = (int)k->n;
	ui_select_clamp(&k->ls);
}

static void keylist_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct keylist *k = (struct keylist *)s;
	k->r = *r;
	k->x0 = r->cols >= 40 ? 1 : 0;
	k->width = r->cols - 2 * k->x0;
	k->list_y = r->y + (r->rows >= 10 ? 2 : 1);
	int avail = r->y + r->rows - 1 - k->list_y; /* the last body row is the message row */
	k->ls.view = avail > 0 ? avail / 2 : 0;
	ui_select_clamp(&k->ls);
}

static void keylist_draw(struct ui_screen *s, WINDOW *w)
{
	struct keylist *k = (struct keylist *)s;
	char a[UI_TIME_LEN], u[UI_TIME_LEN], row[128];

	ui_draw_str(w, k->r.y, k->x0, k->width, "Your keys", ui_term_heading_attr());
	if (k->n == 0) {
		ui_draw_str(w, k->list_y, k->x0 + 2, k->width - 2,
			"You have no keys. Press a to add one (paste a line of your .pub file).",
			A_NORMAL);
		return;
	}
	for (int i = 0; i < k->ls.view && k->ls.top + i < (int)k->n; i++) {
		int idx = k->ls.top + i;
		bool sel = idx == k->ls.sel;
		int y = k->list_y + 2 * i;
		int attr = sel ? A_REVERSE : A_NORMAL;
		ui_draw_str(w, y, k->x0, 2, sel ? ">" : " ", attr);
		ui_draw_str(w, y, k->x0 + 2, k->width - 2, k->lines[idx], attr);
		ui_format_time(k->v[idx].added, a, sizeof a);
		ui_format_time(k->v[idx].last_used, u, sizeof u);
		(void)bbs_snprintf(row, sizeof row, "added %s, last used %s", a[0] ? a : "-",
			u[0] ? u : "never");
		ui_draw_str(w, y + 1, k->x0 + 4, k->width - 4, row, A_NORMAL);
	}
}

static void keylist_cursor(struct ui_screen *s, int *y, int *x)
{
	struct keylist *k = (struct keylist *)s;
	*y = k->list_y + 2 * (k->ls.sel - k->ls.top);
	*x = k->x0;
}

struct keyadd {
	int f_line;
};

static const char *keyadd_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct keyadd *ka = ctx;
	struct keys_pub pub = { 0 };
	const char *reason = NULL;
	static char msg[300];

	(void)next;
	*field = ka->f_line;
	if (keys_parse_authorized(ui_form_text(form, ka->f_line), &pub, &reason) != 0) {
		(void)bbs_snprintf(msg, sizeof msg, "That key line cannot be used: %s",
			reason ? reason : "not a public key");
		return msg;
	}
	int r = store_key_add(app->st, app->user->id, pub.type, pub.blob, pub.fingerprint,
		pub.comment, NULL);
	if (r == BBS_ERR_EXISTS) {
		keys_pub_finish(&pub);
		return "You have this key already";
	}
	if (r != 0) {
		keys_pub_finish(&pub);
		return "Could not add the key, please try again";
	}
	account_audit(app, "key-add", pub.fingerprint);
	ui_app_message(app, "Key %s added: you can log in with it now.", pub.fingerprint);
	keys_pub_finish(&pub);
	return NULL;
}

static struct ui_screen *keyadd_create(void)
{
	struct keyadd *ka = xcalloc(1, sizeof *ka);
	struct ui_form_spec spec = {
		.heading = "Add a key",
		.intro = "Paste the line of your public key file (for example ~/.ssh/id_ed25519.pub; "
			"it starts with ssh-ed25519, ecdsa-sha2-... or ssh-rsa). Never paste the "
			"private key. ^X adds it.",
		.submit = keyadd_submit,
		.free_ctx = free,
	};
	struct ui_screen *f = ui_form_create(&spec, ka);
	ka->f_line = ui_form_add(f, UI_FORM_TEXT, "Public key", NULL, KEY_LINE_MAX, 0);
	(void)ui_form_add(f, UI_FORM_BUTTON, "", "Add the key", 0, 0);
	return f;
}

static enum ui_result keylist_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct keylist *k = (struct keylist *)s;
	char q[200];

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_NEW:
		ui_app_push(app, keyadd_create());
		return UI_RES_REDRAW;
	case UI_ACT_DELETE: {
		if (k->n == 0)
			return UI_RES_NONE;
		const struct store_key *sk = &k->v[k->ls.sel];
		(void)bbs_snprintf(q, sizeof q, "Remove key %s? (y/n)", sk->fingerprint);
		if (!ui_app_confirm(app, q) || app->quit)
			return UI_RES_REDRAW;
		int r = store_key_remove_own(app->st, app->user->id, sk->fingerprint);
		if (r == BBS_ERR_DENIED)
			ui_app_message(app, "Not removed: it is your last way in. Add another key or "
				"a password first.");
		else if (r != 0 && r != BBS_ERR_NOTFOUND)
			ui_app_message(app, "Could not remove the key, please try again");
		else {
			account_audit(app, "key-remove", sk->fingerprint);
			ui_app_message(app, "Key removed.");
		}
		keylist_load(k, app);
		return UI_RES_REDRAW;
	}
	default:
		return ui_select_action(&k->ls, action);
	}
}

static void keylist_resume(struct ui_screen *s, struct ui_app *app)
{
	keylist_load((struct keylist *)s, app);
}

static void keylist_destroy(struct ui_screen *s)
{
	struct keylist *k = (struct keylist *)s;
	if (!k)
		return;
	keylist_free_rows(k);
	free(k);
}

static struct ui_screen *keylist_create(struct ui_app *app)
{
	struct keylist *k = xcalloc(1, sizeof *k);
	k->base.keymap = &ui_keymap_keys;
	k->base.layout = keylist_layout;
	k->base.draw = keylist_draw;
	k->base.cursor = keylist_cursor;
	k->base.action = keylist_action;
	k->base.destroy = keylist_destroy;
	k->base.resume = keylist_resume;
	keylist_load(k, app);
	return &k->base;
}

/* ---- the account screen ---- */

enum { ITEM_PROFILE, ITEM_KEYS, ITEM_PASSWORD, ITEM_PREFS, N_ITEMS };
static const char *const item_names[N_ITEMS] = { "Profile", "Keys", "Password", "Preferences" };
static const char *const item_desc[N_ITEMS] = {
	"name, organisation, sector, country, bio, directory",
	"the SSH keys you log in with",
	"change your password",
	"time zone, ASCII-only, colour",
};

struct account {
	struct ui_screen base;   /* first member */
	struct ui_select ls;
	struct ui_rect r;
	int x0, width, list_y;
	char zone[STORE_TIMEZONE_MAX + 1];
};

static void account_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct account *a = (struct account *)s;
	a->r = *r;
	a->x0 = r->cols >= 40 ? 1 : 0;
	a->width = r->cols - 2 * a->x0;
	a->list_y = r->y + (r->rows >= 12 ? 3 : 2);
	a->ls.total = N_ITEMS;
	a->ls.view = N_ITEMS;
	ui_select_clamp(&a->ls);
}

static void account_draw_body(struct ui_screen *s, WINDOW *w)
{
	struct account *a = (struct account *)s;
	char line[160], now[UI_TIME_LEN];

	ui_draw_str(w, a->r.y, a->x0, a->width, "Your account", ui_term_heading_attr());
	ui_format_time((int64_t)time(NULL), now, sizeof now);
	(void)bbs_snprintf(line, sizeof line, "Time zone: %s (now %s)", a->zone[0] ? a->zone :
		"UTC", now);
	if (a->list_y - a->r.y >= 3)
		ui_draw_str(w, a->r.y + 1, a->x0, a->width, line, A_NORMAL);
	for (int i = 0; i < N_ITEMS; i++) {
		bool sel = i == a->ls.sel;
		int attr = sel ? A_REVERSE : A_NORMAL;
		int y = a->list_y + i;
		(void)bbs_snprintf(line, sizeof line, "%d. %s", i + 1, item_names[i]);
		ui_draw_str(w, y, a->x0, 2, sel ? ">" : " ", attr);
		int used = ui_draw_str(w, y, a->x0 + 2, a->width - 2, line, attr);
		if (a->width > 2 + used + 24)
			ui_draw_str(w, y, a->x0 + 2 + 18, a->width - 20, item_desc[i], A_NORMAL);
	}
}

static void account_cursor(struct ui_screen *s, int *y, int *x)
{
	struct account *a = (struct account *)s;
	*y = a->list_y + a->ls.sel;
	*x = a->x0;
}

static void account_load(struct account *a, struct ui_app *app)
{
	struct store_user *u = NULL;
	a->zone[0] = '\0';
	if (app->user && store_user_get_by_id(app->st, app->user->id, &u) == 0)
		bbs_strlcpy(a->zone, u->timezone, sizeof a->zone);
	store_user_free(u);
}

static enum ui_result account_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct account *a = (struct account *)s;
	int item;

	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app);
		return UI_RES_REDRAW;
	case UI_ACT_JUMP:
		item = key - '1';
		if (item < 0 || item >= N_ITEMS)
			return UI_RES_NONE;
		a->ls.sel = item;
		break;
	case UI_ACT_OPEN:
		item = a->ls.sel;
		break;
	default:
		return ui_select_action(&a->ls, action);
	}
	switch (item) {
	case ITEM_PROFILE: ui_app_push(app, profile_create(app)); break;
	case ITEM_KEYS: ui_app_push(app, keylist_create(app)); break;
	case ITEM_PASSWORD: ui_app_push(app, password_form(app, false, NULL)); break;
	default: ui_app_push(app, prefs_create(app)); break;
	}
	return UI_RES_REDRAW;
}

static void account_resume(struct ui_screen *s, struct ui_app *app)
{
	account_load((struct account *)s, app);
}

static void account_destroy(struct ui_screen *s)
{
	free(s);
}

struct ui_screen *ui_account_create(struct ui_app *app)
{
	if (!app->user) {
		ui_app_message(app, "Only members have an account here");
		return NULL;
	}
	struct account *a = xcalloc(1, sizeof *a);
	a->base.keymap = &ui_keymap_account;
	a->base.layout = account_layout;
	a->base.draw = account_draw_body;
	a->base.cursor = account_cursor;
	a->base.action = account_action;
	a->base.destroy = account_destroy;
	a->base.resume = account_resume;
	account_load(a, app);
	return &a->base;
}

/* ---- the forced password change ----
 * A page at the bottom of the stack: the form opens on top of it at once; when the password
 * is changed, the main menu opens on top of the page (so the menu's own log off works and
 * nothing can go back to the page). Leaving the form without a new password comes back to
 * the page, where Enter opens the form again and q logs off. */

struct forced {
	bool done;
	bool menu_open;
};

static enum ui_result forced_action(struct ui_screen *s, struct ui_app *app, void *ctx,
	int action)
{
	struct forced *fc = ctx;
	(void)s;
	if (action == UI_ACT_QUIT) {
		ui_app_ask_logoff(app);
		return UI_RES_REDRAW;
	}
	if (action == UI_ACT_OPEN && !fc->done) {
		ui_app_push(app, password_form(app, true, &fc->done));
		return UI_RES_REDRAW;
	}
	return UI_RES_NONE;
}

static void forced_resume(struct ui_screen *s, struct ui_app *app, void *ctx)
{
	struct forced *fc = ctx;
	(void)s;
	if (fc->done && !fc->menu_open) {
		fc->menu_open = true;
		struct ui_screen *menu = ui_menu_create(app);
		ui_app_push(app, menu);
		ui_app_message(app, "Password changed.");
		/* This is the member's real start of the session: the menu's start hook (unread
		 * announcements, the draft offer) runs now, as ui_app_run runs it for a menu that
		 * is the first screen. A pager it opens carries the message along. */
		if (app->depth > 0 && app->stack[app->depth - 1] == menu && menu->start)
			menu->start(menu, app);
	}
}

static const struct ui_pager_ops forced_ops = { forced_action, forced_resume, free };

static void forced_start(struct ui_screen *s, struct ui_app *app)
{
	struct forced *fc = ui_pager_ctx(s, &forced_ops);
	if (fc && !fc->done)
		ui_app_push(app, password_form(app, true, &fc->done));
}

struct ui_screen *ui_password_forced_create(struct ui_app *app)
{
	(void)app;
	struct forced *fc = xcalloc(1, sizeof *fc);
	struct ui_screen *s = ui_pager_create_ops("Choose a new password",
		"A sysop has reset your password. Before you go on, choose a new one that only you "
		"know.\n\nPress Enter to choose it, or q to log off.",
		&ui_keymap_join, &forced_ops, fc);
	s->start = forced_start;
	return s;
}
