/*
 * line-account.c: "Your account" in the plain line mode: the profile (shown, edited field by
 * field), preferences (including switching the line mode off), keys (list, add by pasting a
 * public key line, remove with the UI's rule: never the last way in), and the password
 * (only when the input is a terminal, typed with echo off).
 *
 * Must never: echo a password, keep one in memory longer than needed (wiped), accept a
 * private key line, or remove the member's last way in.
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* Writes what a member did to their own account into the audit log, as the UI does. */
static void audit(struct line *l, const char *action, const char *detail)
{
	char target[64];
	(void)bbs_snprintf(target, sizeof target, "user %s", l->u->handle);
	int r = store_audit_append(l->st, l->u->id, action, target, detail, NULL);
	if (r != 0)
		log_warn("audit %s: %s", action, bbs_strerror(r));
}

static void reload(struct line *l)
{
	struct store_user *u = NULL;
	if (store_user_get_by_id(l->st, l->u->id, &u) == 0) {
		store_user_free(l->u);
		l->u = u;
	}
}

/* Asks for a new value of a one-line field: Enter keeps it, "-" empties it. Returns false
 * at the end of input. */
static bool ask_field(struct line *l, const char *name, const char *cur, char *out, size_t size)
{
	char prompt[128];
	(void)bbs_snprintf(prompt, sizeof prompt, "%s (Enter keeps it, - empties it): ", name);
	fprintf(l->out, "%s now: %s\n", name, cur[0] ? line_clean(l, cur, false) : "(empty)");
	if (!line_read(l, prompt, out, size))
		return false;
	if (!out[0])
		bbs_strlcpy(out, cur, size);
	else if (strcmp(out, "-") == 0)
		out[0] = '\0';
	return true;
}

static void profile_edit(struct line *l)
{
	char name[CMD_LINE_MAX + 1], org[CMD_LINE_MAX + 1], country[CMD_LINE_MAX + 1];
	char sector[64];
	char *bio = NULL;
	const struct store_user *u = l->u;
	if (!ask_field(l, "Name", u->display_name, name, sizeof name) ||
	    !ask_field(l, "Organisation", u->organisation, org, sizeof org))
		return;
	fprintf(l->out, "Sector now: %s\n", u->sector[0] ? line_clean(l, u->sector, false)
		: "(not stated)");
	for (int i = 0; i < STORE_NSECTORS; i++)
		fprintf(l->out, "  %d. %s\n", i + 1, store_sectors[i]);
	bbs_strlcpy(sector, u->sector, sizeof sector);
	char word[16];
	int c = line_choose(l, "Sector: type 1-4, k to keep it> ", STORE_NSECTORS, "k", NULL, word,
		sizeof word);
	if (c < 0)
		return;
	if (c > 0)
		bbs_strlcpy(sector, store_sectors[c - 1], sizeof sector);
	if (!ask_field(l, "Country", u->country, country, sizeof country))
		return;
	bool listed = u->in_directory, named = u->named_endorsements;
	fprintf(l->out, "About you now:\n");
	line_print_text(l, u->bio[0] ? u->bio : "(empty)");
	if (line_yes(l, "Write a new About you text? (y/n): ")) {
		struct line_body b = { .what = "the new About you text", .max = STORE_BIO_MAX };
		if (line_body(l, &b, &bio) != 0)
			return;
	}
	if (line_done(l))
		return;
	fprintf(l->out, "Listed in the member directory now: %s\n", listed ? "yes" : "no");
	listed = line_yes(l, "Be listed in the member directory? (y/n): ");
	fprintf(l->out, "Named among a challenge's endorsers now: %s\n", named ? "yes" : "no");
	named = line_yes(l, "Be named among the endorsers of challenges you endorse? (y/n): ");
	if (line_done(l)) {
		free(bio);
		return;
	}
	struct store_profile p = { .display_name = name, .organisation = org, .sector = sector,
		.country = country, .bio = bio ? bio : u->bio, .in_directory = listed,
		.named_endorsements = named };
	int r = store_user_set_profile(l->st, l->u->id, &p);
	free(bio);
	if (r == BBS_ERR_TOOBIG)
		fprintf(l->out, "A field is too long: nothing was changed.\n");
	else if (r != 0)
		fprintf(l->out, "Could not save the profile (%s): nothing was changed.\n",
			bbs_strerror(r));
	else
		fprintf(l->out, "Your profile is saved.\n");
	reload(l);
}

static void profile_show(struct line *l)
{
	const struct store_user *u = l->u;
	fprintf(l->out, "\nYour profile (%s, %s)\n", line_clean(l, u->handle, false),
		store_role_name(u->role));
	fprintf(l->out, "  Name: %s\n  Organisation: %s\n  Sector: %s\n  Country: %s\n",
		line_clean(l, u->display_name, false), line_clean(l, u->organisation, false),
		line_clean(l, u->sector, false), line_clean(l, u->country, false));
	fprintf(l->out, "  Listed in the directory: %s\n  Named among endorsers: %s\n",
		u->in_directory ? "yes" : "no", u->named_endorsements ? "yes" : "no");
	fprintf(l->out, "  About you:\n");
	line_print_text(l, u->bio[0] ? u->bio : "(empty)");
	char word[16];
	int c = line_choose(l, "Profile: e edit it, q back> ", 0, "e",
		"Profile choices: e edit it field by field; q back; x log off.\n", word, sizeof word);
	if (c == 0 && strcmp(word, "e") == 0)
		profile_edit(l);
}

static void prefs(struct line *l)
{
	static const char help[] = "Preferences: a number changes that one (yes/no ones switch); "
		"q back; x log off.\n";
	while (!line_done(l)) {
		const struct store_user *u = l->u;
		fprintf(l->out, "\nPreferences\n  1. Time zone: %s\n  2. ASCII characters only: %s\n"
			"  3. Colours: %s\n  4. Compact layout: %s\n  5. Plain line mode: %s\n",
			u->timezone[0] ? line_clean(l, u->timezone, false) : "UTC",
			u->ascii_only ? "yes" : "no", u->colour ? "yes" : "no", u->compact ? "yes" : "no",
			u->line_mode ? "yes (this mode at every login)" : "no");
		char word[16], tz[CMD_LINE_MAX + 1];
		int c = line_choose(l, "Preferences: type 1-5 to change, q back> ", 5, "", help, word,
			sizeof word);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (c == 0) {
			line_unknown(l);
			continue;
		}
		struct store_prefs p = { .timezone = u->timezone, .ascii_only = u->ascii_only,
			.colour = u->colour, .compact = u->compact, .line_mode = u->line_mode };
		if (c == 1) {
			if (!line_read(l, "Time zone, e.g. Europe/Paris (empty: UTC): ", tz, sizeof tz))
				return;
			/* As the full-screen form: only a zone this system knows. */
			char path[CMD_LINE_MAX + 32];
			struct stat sb;
			if (tz[0] && (strstr(tz, "..") || tz[0] == '/' ||
				      bbs_snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz) != 0 ||
				      stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))) {
				fprintf(l->out, "That is not a time zone name this portal knows (for "
					"example Europe/Paris, America/New_York): nothing was changed.\n");
				continue;
			}
			p.timezone = tz;
		} else if (c == 2) {
			p.ascii_only = !p.ascii_only;
		} else if (c == 3) {
			p.colour = !p.colour;
		} else if (c == 4) {
			p.compact = !p.compact;
		} else {
			p.line_mode = !p.line_mode;
		}
		int r = store_user_set_prefs(l->st, l->u->id, &p);
		if (r == BBS_ERR_INVALID || r == BBS_ERR_TOOBIG)
			fprintf(l->out, "That is not a time zone name: nothing was changed.\n");
		else if (r != 0)
			fprintf(l->out, "Could not save it, please try again.\n");
		else if (c == 5)
			fprintf(l->out, p.line_mode ? "Saved: you get this plain line mode at every login.\n"
				: "Saved: from your next login with a terminal (ssh -t) you get the "
				  "full-screen screens.\n");
		else
			fprintf(l->out, "Saved.\n");
		reload(l);
		line_apply_tz(l);
	}
}

static void keys(struct line *l)
{
	static const char help[] = "Keys: a number removes that key (never your last way in); a "
		"adds a key by pasting its public key line; q back; x log off.\n";
	while (!line_done(l)) {
		struct store_key *v = NULL;
		size_t n = 0;
		if (store_key_list(l->st, l->u->id, &v, &n) != 0) {
			fprintf(l->out, "Your keys cannot be read right now.\n");
			return;
		}
		fprintf(l->out, "\nYour keys (a number removes one):\n");
		for (size_t i = 0; i < n; i++) {
			char when[LINE_TIME_LEN] = "never";
			if (v[i].last_used)
				line_time(l, v[i].last_used, when);
			fprintf(l->out, "  %zu. %s %s %s, last used %s\n", i + 1,
				line_clean(l, v[i].type, false), line_clean(l, v[i].fingerprint, false),
				line_clean(l, v[i].comment, false), when);
		}
		if (n == 0)
			fprintf(l->out, "  You have no keys (you log in with your password).\n");
		char word[16];
		int c = line_choose(l, "Keys: a add, a number to remove, q back> ", (int)n, "a", help, word,
			sizeof word);
		if (c > 0) {
			char q[160];
			(void)bbs_snprintf(q, sizeof q, "Remove key %s? (y/n): ",
				line_clean(l, v[c - 1].fingerprint, false));
			if (line_yes(l, q)) {
				int r = store_key_remove_own(l->st, l->u->id, v[c - 1].fingerprint);
				if (r == BBS_ERR_DENIED) {
					fprintf(l->out, "Not removed: it is your last way in. Add another key "
						"or a password first.\n");
				} else if (r != 0 && r != BBS_ERR_NOTFOUND) {
					fprintf(l->out, "Could not remove the key, please try again.\n");
				} else {
					audit(l, "key-remove", v[c - 1].fingerprint);
					fprintf(l->out, "Key removed.\n");
				}
			}
		}
		store_key_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (c > 0)
			continue;
		if (strcmp(word, "a") != 0) {
			line_unknown(l);
			continue;
		}
		char kl[CMD_LINE_MAX + 1];
		fprintf(l->out, "Paste the line of your public key file (for example "
			"~/.ssh/id_ed25519.pub; it starts with ssh-ed25519, ecdsa-sha2-... or ssh-rsa). "
			"Never paste the private key.\n");
		if (!line_read(l, "Public key line (empty: cancel): ", kl, sizeof kl) || !kl[0])
			continue;
		struct keys_pub pub = { 0 };
		const char *reason = NULL;
		if (keys_parse_authorized(kl, &pub, &reason) != 0) {
			fprintf(l->out, "That key line cannot be used: %s.\n", reason ? reason
				: "not a public key");
			keys_pub_finish(&pub);
			continue;
		}
		int r = store_key_add(l->st, l->u->id, pub.type, pub.blob, pub.fingerprint,
			pub.comment, NULL);
		if (r == BBS_ERR_EXISTS)
			fprintf(l->out, "You have this key already.\n");
		else if (r != 0)
			fprintf(l->out, "Could not add the key, please try again.\n");
		else {
			audit(l, "key-add", pub.fingerprint);
			fprintf(l->out, "Key %s added: you can log in with it now.\n",
				line_clean(l, pub.fingerprint, false));
		}
		keys_pub_finish(&pub);
	}
}

/* Reads a line with echo off (the input is a terminal). */
static bool read_secret(struct line *l, const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	if (tcgetattr(fileno(l->in), &old) != 0) {
		fprintf(l->out, "This terminal cannot hide what you type: nothing was changed.\n");
		return false;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(fileno(l->in), TCSAFLUSH, &quiet) != 0) {
		fprintf(l->out, "This terminal cannot hide what you type: nothing was changed.\n");
		return false;
	}
	bool ok = line_read(l, prompt, buf, size);
	(void)tcsetattr(fileno(l->in), TCSAFLUSH, &old);
	return ok;
}

/* Changes the password; forced: after a sysop's reset (the current one is not asked).
 * Returns true when it was changed. */
static bool password(struct line *l, bool forced)
{
	if (!l->tty) {
		fprintf(l->out, "A password can only be typed on a terminal, where it is not shown: "
			"connect with ssh -t to change it. Nothing was changed.\n");
		return false;
	}
	char cur[256] = "", pw[256] = "", again[256] = "";
	char hash[KEYS_PWHASH_LEN] = "";
	bool changed = false;
	struct store_user *u = NULL;
	bool has = !forced && store_user_get_by_id(l->st, l->u->id, &u) == 0 && u->pwhash &&
		u->pwhash[0];
	if (has) {
		if (!read_secret(l, "Your current password (not shown): ", cur, sizeof cur))
			goto out;
		if (!keys_password_verify(u->pwhash, cur, strlen(cur))) {
			fprintf(l->out, "That is not your current password: nothing was changed.\n");
			goto out;
		}
	}
	if (!read_secret(l, "New password (not shown): ", pw, sizeof pw) ||
	    !read_secret(l, "The new password again: ", again, sizeof again))
		goto out;
	const char *reason = NULL;
	if (!pw[0] || strcmp(pw, again) != 0) {
		fprintf(l->out, "The two passwords differ (or are empty): nothing was changed.\n");
	} else if (keys_password_policy(pw, strlen(pw), &reason) != 0) {
		fprintf(l->out, "%s: nothing was changed.\n", reason ? reason
			: "That password cannot be used");
	} else if (keys_password_hash(pw, strlen(pw), hash) != 0 ||
		   store_user_set_password(l->st, l->u->id, hash) != 0) {
		fprintf(l->out, "Could not save the password, please try again.\n");
	} else {
		audit(l, "password-change", forced ? "forced change after a reset" : "");
		fprintf(l->out, "Password changed. Use the new one from your next login.\n");
		changed = true;
	}
out:
	keys_wipe(cur, sizeof cur);
	keys_wipe(pw, sizeof pw);
	keys_wipe(again, sizeof again);
	keys_wipe(hash, sizeof hash);
	store_user_free(u);
	reload(l);
	return changed;
}

bool line_password_forced(struct line *l)
{
	fprintf(l->out, "A sysop has reset your password. Choose a new one that only you know "
		"before going on.\n");
	if (!l->tty) {
		fprintf(l->out, "A password can only be typed on a terminal, where it is not shown: "
			"connect with ssh -t, or ask a sysop.\n");
		return false;
	}
	/* A few tries (a mistyped pair, a password the policy refuses), then the session ends:
	 * never a loop that a terminal which cannot hide input would make endless. */
	for (int i = 0; i < 5 && !line_done(l); i++) {
		if (password(l, true))
			return true;
	}
	return false;
}

static const char account_help[] =
	"Your account: 1 profile, 2 preferences (also the plain line mode), 3 keys, 4 password; "
	"q back; x log off.\n";

void line_account(struct line *l)
{
	while (!line_done(l)) {
		fprintf(l->out, "\nYour account\n  1. Profile\n  2. Preferences\n  3. Keys\n"
			"  4. Password\n");
		char word[16];
		int c = line_choose(l, "Your account: type 1-4, q back> ", 4, "", account_help, word,
			sizeof word);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		switch (c) {
		case 1: profile_show(l); break;
		case 2: prefs(l); break;
		case 3: keys(l); break;
		case 4: (void)password(l, false); break;
		default: line_unknown(l);
		}
	}
}
