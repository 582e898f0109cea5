/*
 * apply.c: a guest's application for membership (registration mode OPEN only).
 *
 * One form: handle, display name, organisation, sector, country, why they want to join, how
 * to reach them, and a way to log in later: the key they connected with (offered only when
 * bbsd passed one), a pasted authorized_keys line (a bad line gets keys_parse_authorized's
 * reason), or a password typed twice (hashed here with keys_password_hash; the text is wiped).
 * The store creates a PENDING member and the application in one transaction; a success page
 * says what happens next.
 *
 * Must never: reveal anything about other accounts beyond "this handle is taken" (which the
 * handle's owner would see on the directory anyway), keep a typed password after submitting,
 * or store a key line it could not parse.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APPLY_KEY_MAX 16384

enum { LOGIN_CONNECTED, LOGIN_PASTE, LOGIN_PASSWORD };

struct apply {
	const char *options[3];
	int kinds[3];
	size_t nopt;
	struct keys_pub login;        /* the key they connected with, if any */
	bool have_login;
	char key_note[200];
	int f_handle, f_name, f_org, f_sector, f_country, f_reason, f_contact, f_how, f_note,
		f_key, f_pw, f_pw2;
	char msg[300];
};

static void apply_free(void *ctx)
{
	struct apply *a = ctx;
	if (!a)
		return;
	keys_pub_finish(&a->login);
	free(a);
}

static void apply_change(struct ui_app *app, struct ui_screen *form, void *ctx, int field)
{
	struct apply *a = ctx;
	(void)app;
	if (field != a->f_how)
		return;
	int how = a->kinds[ui_form_choice(form, a->f_how)];
	ui_form_show(form, a->f_note, how == LOGIN_CONNECTED);
	ui_form_show(form, a->f_key, how == LOGIN_PASTE);
	ui_form_show(form, a->f_pw, how == LOGIN_PASSWORD);
	ui_form_show(form, a->f_pw2, how == LOGIN_PASSWORD);
}

/* Trimmed copy of a one-line field (blanks at the ends dropped). */
static char *trimmed(const char *s)
{
	while (*s == ' ')
		s++;
	char *c = xstrdup(s);
	size_t n = strlen(c);
	while (n > 0 && c[n - 1] == ' ')
		c[--n] = '\0';
	return c;
}

static const char *apply_submit(struct ui_app *app, struct ui_screen *form, void *ctx,
	int *field, struct ui_screen **next)
{
	struct apply *a = ctx;
	struct store_application_form f;
	struct keys_pub pasted = { 0 };
	char pwhash[KEYS_PWHASH_LEN] = "";
	const char *err = NULL;
	const char *reason = NULL;
	int64_t id = 0;
	int mode = STORE_REG_OPEN;

	memset(&f, 0, sizeof f);
	char *handle = trimmed(ui_form_text(form, a->f_handle));
	char *name = trimmed(ui_form_text(form, a->f_name));
	char *org = trimmed(ui_form_text(form, a->f_org));
	char *country = trimmed(ui_form_text(form, a->f_country));
	char *contact = trimmed(ui_form_text(form, a->f_contact));
	const char *why = ui_form_text(form, a->f_reason);
	int how = a->kinds[ui_form_choice(form, a->f_how)];

	if (!handle[0]) {
		*field = a->f_handle;
		err = "Choose a handle: the name you will log in with";
		goto out;
	}
	if (!bbs_handle_valid(handle) || store_handle_reserved(handle)) {
		*field = a->f_handle;
		err = store_handle_reserved(handle) ? "That handle is reserved; choose another" :
			"A handle is 1 to 32 letters, digits, '-' or '_', starting with a letter";
		goto out;
	}
	if (!name[0]) {
		*field = a->f_name;
		err = "Please give the name to show to other members";
		goto out;
	}
	if (!text_utf8_valid(why, strlen(why)) || strspn(why, " \n") == strlen(why)) {
		*field = a->f_reason;
		err = "Please say in a few words why you want to join";
		goto out;
	}
	if (!contact[0]) {
		*field = a->f_contact;
		err = "Please say how a sysop can reach you (e-mail, phone...)";
		goto out;
	}
	switch (how) {
	case LOGIN_CONNECTED:
		f.cred.key_type = a->login.type;
		f.cred.key_blob = a->login.blob;
		f.cred.key_fp = a->login.fingerprint;
		f.cred.key_comment = a->login.comment;
		break;
	case LOGIN_PASTE:
		if (keys_parse_authorized(ui_form_text(form, a->f_key), &pasted, &reason) != 0) {
			*field = a->f_key;
			(void)bbs_snprintf(a->msg, sizeof a->msg, "That key line cannot be used: %s",
				reason ? reason : "not a public key");
			err = a->msg;
			goto out;
		}
		f.cred.key_type = pasted.type;
		f.cred.key_blob = pasted.blob;
		f.cred.key_fp = pasted.fingerprint;
		f.cred.key_comment = pasted.comment;
		break;
	default:
		err = ui_account_new_password(ui_form_text(form, a->f_pw),
			ui_form_text(form, a->f_pw2), pwhash, sizeof pwhash);
		if (err) {
			ui_form_set_text(form, a->f_pw, "");   /* both typed again */
			ui_form_set_text(form, a->f_pw2, "");
			*field = a->f_pw;
			goto out;
		}
		f.cred.pwhash = pwhash;
		break;
	}
	f.handle = handle;
	f.display_name = name;
	f.organisation = org;
	f.sector = store_sectors[ui_form_choice(form, a->f_sector)];
	f.country = country;
	f.reason = why;
	f.contact = contact;
	int r = store_application_submit(app->st, &f, &id);
	switch (r) {
	case 0:
		break;
	case BBS_ERR_EXISTS:
		*field = a->f_handle;
		err = "That handle is taken; choose another";
		goto out;
	case BBS_ERR_DENIED:
		err = "The portal does not take applications at the moment";
		goto out;
	case BBS_ERR_BUSY:
		err = "Too many applications are waiting; please try again in a few days";
		goto out;
	case BBS_ERR_INVALID:
		*field = store_registration_get(app->st, &mode) == 0 && mode != STORE_REG_OPEN ?
			-1 : a->f_handle;
		err = "Please check the fields: one of them is empty or not allowed";
		goto out;
	case BBS_ERR_TOOBIG:
		err = "One of the fields is too long";
		goto out;
	default:
		err = "Could not save the application, please try again";
		goto out;
	}
	ui_form_wipe_hidden(form);
	{
		char *body = NULL;
		ui_format_append(&body,
			"Thank you. Your application is with the sysops.\n\n"
			"What happens next: a sysop reads it and decides. They may contact you at the "
			"address you gave.\n\n"
			"Log in as %s later: use the same ssh command as now, with %s instead of "
			"guest, and %s. Until a sysop decides, logging in tells you that the "
			"application is pending; after that, it tells you the decision or takes you "
			"in.\n\nPress q to go back to the menu.",
			handle, handle,
			how == LOGIN_PASSWORD ? "the password you chose" : "the key you gave");
		*next = ui_pager_create("Application sent", body);
		free(body);
	}
out:
	keys_wipe(pwhash, sizeof pwhash);
	keys_pub_finish(&pasted);
	free(handle);
	free(name);
	free(org);
	free(country);
	free(contact);
	return err;
}

struct ui_screen *ui_apply_create(struct ui_app *app)
{
	int mode = STORE_REG_OPEN;

	if (store_registration_get(app->st, &mode) != 0 || mode != STORE_REG_OPEN) {
		ui_app_message(app, "The portal does not take applications at the moment");
		return NULL;
	}
	struct apply *a = xcalloc(1, sizeof *a);
	if (app->login_key && keys_parse_authorized(app->login_key, &a->login, NULL) == 0) {
		a->have_login = true;
		a->options[a->nopt] = "the key you connected with";
		a->kinds[a->nopt++] = LOGIN_CONNECTED;
		(void)bbs_snprintf(a->key_note, sizeof a->key_note,
			"Your key %s (%s) will be your way in.", a->login.fingerprint, a->login.type);
	}
	a->options[a->nopt] = "paste a public key (authorized_keys line)";
	a->kinds[a->nopt++] = LOGIN_PASTE;
	a->options[a->nopt] = "a password";
	a->kinds[a->nopt++] = LOGIN_PASSWORD;

	struct ui_form_spec spec = {
		.heading = "Apply for membership",
		.intro = "Tell the sysops who you are. Members of the alliance are professionals from "
			"government, the private sector and civil society. Tab moves between fields, "
			"^X sends the application.",
		.submit = apply_submit,
		.change = apply_change,
		.free_ctx = apply_free,
	};
	struct ui_screen *form = ui_form_create(&spec, a);
	a->f_handle = ui_form_add(form, UI_FORM_TEXT, "Handle (log-in name)", NULL, BBS_HANDLE_MAX, 0);
	a->f_name = ui_form_add(form, UI_FORM_TEXT, "Display name", NULL, STORE_FIELD_MAX, 0);
	a->f_org = ui_form_add(form, UI_FORM_TEXT, "Organisation", NULL, STORE_FIELD_MAX, 0);
	a->f_sector = ui_form_add_choice(form, "Sector", store_sectors, STORE_NSECTORS, 0);
	a->f_country = ui_form_add(form, UI_FORM_TEXT, "Country", NULL, STORE_FIELD_MAX, 0);
	a->f_reason = ui_form_add(form, UI_FORM_MULTI, "Why you want to join", NULL,
		STORE_REASON_MAX, 4);
	a->f_contact = ui_form_add(form, UI_FORM_TEXT, "How to reach you", NULL, STORE_FIELD_MAX, 0);
	a->f_how = ui_form_add_choice(form, "Log in with", a->options, a->nopt, 0);
	a->f_note = ui_form_add(form, UI_FORM_NOTE, "", a->key_note, 0, 0);
	a->f_key = ui_form_add(form, UI_FORM_TEXT, "Public key", NULL, APPLY_KEY_MAX, 0);
	a->f_pw = ui_form_add(form, UI_FORM_HIDDEN, "Password", NULL, BBS_PASSWORD_MAX, 0);
	a->f_pw2 = ui_form_add(form, UI_FORM_HIDDEN, "Password again", NULL, BBS_PASSWORD_MAX, 0);
	(void)ui_form_add(form, UI_FORM_BUTTON, "", "Send the application", 0, 0);
	apply_change(app, form, a, a->f_how);
	return form;
}
