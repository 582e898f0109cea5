/*
 * join.c: `bbs --join`, a newcomer with an invite code (bbsd's "join" login).
 *
 * The bottom screen is a page that explains the current step; forms open on top of it:
 * first the invite code, then handle, names and a way to log in. With the key they connected
 * with (bbsd's --key), that key becomes their way in; without one they choose a password and
 * the last page explains in plain words how to make a key and add it later.
 * When the registration mode is CLOSED the page says the portal takes no new members and
 * nothing else can be done.
 *
 * Guessing codes is limited: at most JOIN_MAX_WRONG refused codes per connection, and from the
 * third one on each answer waits 1 s, 2 s, 4 s... Then the session ends with status
 * BBS_UI_EXIT_ABUSE (4), so bbsd applies its per-source penalty.
 *
 * Must never: send a code that is not well-formed to the store (keys_invite_hash refuses it
 * first), tell apart more than the invite's own state (unknown, used, expired, revoked), or
 * keep a typed password after use.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"
#include "text/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JOIN_MAX_WRONG 5
#define JOIN_CODE_MAX 64

enum join_state { J_START, J_CLOSED, J_DONE };

struct join {
	enum join_state state;
	int wrong;
	char hash[KEYS_INVITE_HASH_LEN];
	char *org, *sector;          /* the invite's presets */
	struct keys_pub key;
	bool have_key;
	char handle[BBS_HANDLE_MAX + 1];
	bool with_password;
	struct ui_screen *page;      /* the bottom page */
	char msg[300];
	int f_code;
	int f_handle, f_name, f_org, f_sector, f_country, f_pw, f_pw2;
};

static char join_goodbye[200];

bool ui_join_goodbye(char *buf, size_t size)
{
	bbs_strlcpy(buf, join_goodbye, size);
	return join_goodbye[0] != '\0';
}

static void join_free(void *ctx)
{
	struct join *j = ctx;
	if (!j)
		return;
	keys_pub_finish(&j->key);
	free(j->org);
	free(j->sector);
	free(j);
}

static void pause_s(int seconds)
{
	struct timespec ts = { seconds, 0 };
	/* A signal (hangup) cuts the wait short; the event loop then sees it. */
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR && ts.tv_sec > 0)
		;
}

static struct ui_screen *details_form(struct join *j, struct ui_app *app);

static const char *code_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct join *j = ctx;
	struct store_invite inv;
	const char *err = NULL;

	memset(&inv, 0, sizeof inv);
	*field = j->f_code;
	const char *code = ui_form_text(form, j->f_code);
	if (strspn(code, " ") == strlen(code))
		return "Type the invite code you were sent";

	int r = keys_invite_hash(code, j->hash);
	if (r == 0)
		r = store_invite_check(app->st, j->hash, &inv);
	if (r == 0 && inv.state == STORE_INVITE_VALID) {
		free(j->org);
		free(j->sector);
		j->org = xstrdup(inv.organisation ? inv.organisation : "");
		j->sector = xstrdup(inv.sector ? inv.sector : "");
		store_invite_finish(&inv);
		*next = details_form(j, app);
		return NULL;
	}
	if (r == 0 && inv.state == STORE_INVITE_USED)
		err = "That invite code has been used already. Ask the sysop who sent it for a new one.";
	else if (r == 0 && inv.state == STORE_INVITE_EXPIRED)
		err = "That invite code has expired. Ask the sysop who sent it for a new one.";
	else if (r == 0 && inv.state == STORE_INVITE_REVOKED)
		err = "That invite code was withdrawn by a sysop.";
	else if (r == 0 || r == BBS_ERR_NOTFOUND || r == BBS_ERR_INVALID)
		err = "That is not a valid invite code. Check it and type it again "
			"(four groups of four letters and digits).";
	else
		err = "Could not check the code right now, please try again";
	store_invite_finish(&inv);
	j->hash[0] = '\0';
	if (r != 0 && r != BBS_ERR_NOTFOUND && r != BBS_ERR_INVALID)
		return err; /* the store's trouble, not a wrong code */

	j->wrong++;
	/* Each answer after the second wrong code comes later: 1 s, 2 s, 4 s... */
	if (j->wrong > 2)
		pause_s(1 << (j->wrong - 3));
	if (j->wrong >= JOIN_MAX_WRONG) {
		bbs_strlcpy(join_goodbye, "Too many wrong invite codes: the connection is closed. "
			"Check the code you were sent and try again later.", sizeof join_goodbye);
		app->quit = true;
		app->status = BBS_UI_EXIT_ABUSE;
		return err;
	}
	(void)bbs_snprintf(j->msg, sizeof j->msg, "%s (%d of %d tries left)", err,
		JOIN_MAX_WRONG - j->wrong, JOIN_MAX_WRONG);
	return j->msg;
}

static struct ui_screen *code_form(struct join *j)
{
	struct ui_form_spec spec = {
		.heading = "Join with an invite code",
		.intro = "Type the invite code a sysop sent you (for example ABCD-EFGH-JKMN-PQRS; "
			"upper or lower case, with or without dashes), then press Enter or ^X.",
		.submit = code_submit,
	};
	struct ui_screen *f = ui_form_create(&spec, j);
	j->f_code = ui_form_add(f, UI_FORM_TEXT, "Invite code", NULL, JOIN_CODE_MAX, 0);
	(void)ui_form_add(f, UI_FORM_BUTTON, "", "Check the code", 0, 0);
	return f;
}

static const char *details_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct join *j = ctx;
	struct store_join_form f;
	char pwhash[KEYS_PWHASH_LEN] = "";
	const char *err = NULL;
	int64_t id = 0;

	(void)next;
	memset(&f, 0, sizeof f);
	const char *handle = ui_form_text(form, j->f_handle);
	while (*handle == ' ')
		handle++;
	char h[BBS_HANDLE_MAX + 2];
	bbs_strlcpy(h, handle, sizeof h);
	size_t n = strlen(h);
	while (n > 0 && h[n - 1] == ' ')
		h[--n] = '\0';
	if (!h[0] || !bbs_handle_valid(h) || store_handle_reserved(h)) {
		*field = j->f_handle;
		return !h[0] ? "Choose a handle: the name you will log in with" :
			store_handle_reserved(h) ? "That handle is reserved; choose another" :
			"A handle is 1 to 32 letters, digits, '-' or '_', starting with a letter";
	}
	const char *name = ui_form_text(form, j->f_name);
	if (strspn(name, " ") == strlen(name)) {
		*field = j->f_name;
		return "Please give the name to show to other members";
	}
	if (j->have_key) {
		f.cred.key_type = j->key.type;
		f.cred.key_blob = j->key.blob;
		f.cred.key_fp = j->key.fingerprint;
		f.cred.key_comment = j->key.comment;
	} else {
		err = ui_account_new_password(ui_form_text(form, j->f_pw), ui_form_text(form, j->f_pw2),
			pwhash, sizeof pwhash);
		if (err) {
			ui_form_set_text(form, j->f_pw, "");   /* both typed again */
			ui_form_set_text(form, j->f_pw2, "");
			*field = j->f_pw;
			return err;
		}
		f.cred.pwhash = pwhash;
	}
	f.code_hash = j->hash;
	f.handle = h;
	f.display_name = name;
	f.organisation = ui_form_text(form, j->f_org);
	f.sector = store_sectors[ui_form_choice(form, j->f_sector)];
	f.country = ui_form_text(form, j->f_country);
	int r = store_invite_redeem(app->st, &f, &id);
	keys_wipe(pwhash, sizeof pwhash);
	switch (r) {
	case 0:
		break;
	case BBS_ERR_EXISTS:
		*field = j->f_handle;
		return "That handle is taken; choose another (your code is still valid)";
	case BBS_ERR_NOTFOUND:
	case BBS_ERR_DENIED:
		return "The invite code can no longer be used (used, expired or withdrawn meanwhile)";
	case BBS_ERR_INVALID:
	case BBS_ERR_TOOBIG:
		return "Please check the fields: one of them is empty, too long or not allowed";
	default:
		return "Could not create your account, please try again";
	}
	ui_form_wipe_hidden(form);
	bbs_strlcpy(j->handle, h, sizeof j->handle);
	j->with_password = !j->have_key;
	j->state = J_DONE;
	return NULL;
}

static struct ui_screen *details_form(struct join *j, struct ui_app *app)
{
	char note[300];
	size_t sector = STORE_NSECTORS - 1;

	(void)app;
	for (size_t i = 0; i < STORE_NSECTORS; i++)
		if (j->sector && strcmp(j->sector, store_sectors[i]) == 0)
			sector = i;
	struct ui_form_spec spec = {
		.heading = "Your new account",
		.intro = "The code is valid. Choose the handle you will log in with and tell the "
			"other members who you are. ^X creates the account.",
		.submit = details_submit,
	};
	struct ui_screen *f = ui_form_create(&spec, j);
	j->f_handle = ui_form_add(f, UI_FORM_TEXT, "Handle (log-in name)", NULL, BBS_HANDLE_MAX, 0);
	j->f_name = ui_form_add(f, UI_FORM_TEXT, "Display name", NULL, STORE_FIELD_MAX, 0);
	j->f_org = ui_form_add(f, UI_FORM_TEXT, "Organisation", j->org, STORE_FIELD_MAX, 0);
	j->f_sector = ui_form_add_choice(f, "Sector", store_sectors, STORE_NSECTORS, sector);
	j->f_country = ui_form_add(f, UI_FORM_TEXT, "Country", NULL, STORE_FIELD_MAX, 0);
	if (j->have_key) {
		(void)bbs_snprintf(note, sizeof note, "Your key %s (%s) will be your way in: log in "
			"with it as your new handle.", j->key.fingerprint, j->key.type);
		(void)ui_form_add(f, UI_FORM_NOTE, "", note, 0, 0);
		j->f_pw = j->f_pw2 = -1;
	} else {
		(void)ui_form_add(f, UI_FORM_NOTE, "", "You connected without a key, so choose a "
			"password (at least 10 characters). Afterwards we show you how to make a key, "
			"which is safer.", 0, 0);
		j->f_pw = ui_form_add(f, UI_FORM_HIDDEN, "Password", NULL, BBS_PASSWORD_MAX, 0);
		j->f_pw2 = ui_form_add(f, UI_FORM_HIDDEN, "Password again", NULL, BBS_PASSWORD_MAX, 0);
	}
	(void)ui_form_add(f, UI_FORM_BUTTON, "", "Create my account", 0, 0);
	return f;
}

static void join_show_done(struct join *j, struct ui_screen *page)
{
	char *body = NULL;

	ui_format_append(&body, "Welcome! Your account %s is ready.\n\n"
		"You can now log in: use the same ssh command you used to connect now, with %s "
		"instead of join (for example ssh -p PORT %s@host, where PORT and host are the ones "
		"you used).\n\n", j->handle, j->handle, j->handle);
	if (j->with_password) {
		ui_format_append(&body,
			"Log in with the password you chose. A key is safer and saves typing it. "
			"How to make one:\n\n"
			"On Linux, macOS or Windows 10 and later (in a terminal or PowerShell):\n"
			"  1. Type: ssh-keygen -t ed25519\n"
			"     Press Enter to keep the suggested file; choose a passphrase if you like.\n"
			"  2. This makes two files. Never share the first one (id_ed25519): it is your "
			"private key.\n"
			"  3. Show the second one, the public key: cat ~/.ssh/id_ed25519.pub (on "
			"Windows: type %%USERPROFILE%%\\.ssh\\id_ed25519.pub). It is one line starting "
			"with ssh-ed25519.\n"
			"  4. Log in here with your password, open Your account > Keys, press a and "
			"paste that line.\n\n"
			"With PuTTY on Windows: open PuTTYgen, choose EdDSA (Ed25519), click Generate, "
			"save the private key, and copy the text in the box \"Public key for pasting "
			"into OpenSSH authorized_keys file\"; paste it in Your account > Keys as above.\n\n");
	} else {
		ui_format_append(&body, "Log in with the key you connected with now. You can add more "
			"keys (another computer, a phone) in Your account > Keys.\n\n");
	}
	ui_format_append(&body, "Press q to leave.");
	ui_pager_set_text(page, "Welcome to the portal", body);
	free(body);
}

static enum ui_result join_action(struct ui_screen *s, struct ui_app *app, void *ctx,
	int action)
{
	struct join *j = ctx;
	(void)s;
	if (action == UI_ACT_QUIT || (action == UI_ACT_OPEN && j->state != J_START)) {
		app->quit = true;
		app->status = 0;
		return UI_RES_REDRAW;
	}
	if (action == UI_ACT_OPEN) {
		ui_app_push(app, code_form(j));
		return UI_RES_REDRAW;
	}
	return UI_RES_NONE;
}

static void join_resume(struct ui_screen *s, struct ui_app *app, void *ctx)
{
	struct join *j = ctx;
	(void)app;
	if (j->state == J_DONE)
		join_show_done(j, s);
}

static const struct ui_pager_ops join_ops = { join_action, join_resume, join_free };

static void join_start(struct ui_screen *s, struct ui_app *app)
{
	struct join *j = ui_pager_ctx(s, &join_ops);
	if (j && j->state == J_START)
		ui_app_push(app, code_form(j));
}

struct ui_screen *ui_join_create(struct ui_app *app)
{
	int mode = STORE_REG_OPEN;
	struct join *j = xcalloc(1, sizeof *j);

	if (app->login_key && keys_parse_authorized(app->login_key, &j->key, NULL) == 0)
		j->have_key = true;
	if (store_registration_get(app->st, &mode) != 0)
		mode = STORE_REG_OPEN;
	if (mode == STORE_REG_CLOSED) {
		j->state = J_CLOSED;
		return ui_pager_create_ops("Joining is closed",
			"This portal takes no new members at the moment, so invite codes cannot be "
			"used. If a sysop sent you a code, ask them when joining opens again.\n\n"
			"Press q to leave.", &ui_keymap_join, &join_ops, j);
	}
	struct ui_screen *s = ui_pager_create_ops("Join the portal",
		"Welcome. To join, type the invite code a sysop sent you.\n\n"
		"Press Enter to type the code, or q to leave.", &ui_keymap_join, &join_ops, j);
	j->page = s;
	s->start = join_start;
	return s;
}
