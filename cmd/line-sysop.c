/*
 * line-sysop.c: the sysops' administration in the plain line mode, as numbered lists and
 * prompts: members (the list with pending applications first, search and a filter, one
 * member's page with approve / decline, edit, verify, password reset, lock / unlock,
 * silence, keys, ending their sessions and deleting them), invites (create, list,
 * revoke), who is online (end a session), the audit log (pages, one entry whole, the chain
 * verified) and the structure (site name, registration, guest access, pages; focus areas
 * and boards: create, edit, archive, move).
 * Reached from line_admin (line-admin.c), which offers these items to sysops only.
 *
 * The same store calls as the full-screen screens (ui/admin-members.c, admin-invites.c,
 * admin-online.c, admin-audit.c, admin-structure.c), with the same confirmations; each
 * entry point and each action checks the role again as the UI does, and the store checks the
 * actor's role in the same transaction as the change (BBS_ERR_DENIED otherwise).
 * Must never: act for anyone but a sysop; print a password hash; print a one-time password
 * or an invite code more than once or keep it after printing; print store text unclean.
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SYS_PAGE 20
#define SYS_ONETIME_LEN 17          /* 16 characters + NUL, as the full-screen UI */
#define SYS_SILENCE_MAX_DAYS 3650
#define SYS_INVITE_DAYS_MAX 365
#define SYS_ONLY "Only sysops can do that.\n"

/* A page of rows from the store appended to the rows already shown: the new array (the
 * page's own array is freed; its elements now belong to the result). */
static void *append_page(void *v, size_t n, void *page, size_t pn, size_t size)
{
	if (pn) {
		v = xrealloc(v, (n + pn) * size);
		memcpy((char *)v + n * size, page, pn * size);
	}
	free(page);
	return v;
}

/* True (and a message) when the member is not a sysop: every entry point and action asks. */
static bool refuse(struct line *l)
{
	if (l->u && l->u->role == STORE_ROLE_SYSOP)
		return false;
	fputs(SYS_ONLY, l->out);
	return true;
}

/* The one sentence for a store refusal of a member change (as the full-screen UI). */
static const char *edit_error(int r)
{
	switch (r) {
	case BBS_ERR_DENIED:
		return "Refused: the last active sysop cannot be demoted or disabled "
			"(make another member sysop first).";
	case BBS_ERR_NOTFOUND: return "That member no longer exists.";
	case BBS_ERR_TOOBIG: return "Too long.";
	case BBS_ERR_INVALID: return "Not a valid value.";
	case BBS_ERR_BUSY: return "The portal is busy, please try again.";
	default: return "Could not save, please try again.";
	}
}

/* Reads a whole number from lo to hi; false (and a message) for anything else. */
static bool read_number(struct line *l, const char *prompt, long lo, long hi, long *out)
{
	char buf[32], *end = NULL;
	if (!line_read(l, prompt, buf, sizeof buf))
		return false;
	long v = strtol(buf, &end, 10);
	if (!buf[0] || !end || *end != '\0' || v < lo || v > hi) {
		fprintf(l->out, "Give a number from %ld to %ld.\n", lo, hi);
		return false;
	}
	*out = v;
	return true;
}

/* ---- members ---- */

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static void member_page(struct line *l, const struct store_user *u)
{
	char t1[LINE_TIME_LEN], t2[LINE_TIME_LEN];
	struct store_application a = { 0 };

	fprintf(l->out, "\nMember: %s\n", line_clean(l, u->handle, false));
	fprintf(l->out, "  Name:          %s\n", line_clean(l, or_dash(u->display_name), false));
	fprintf(l->out, "  Organisation:  %s\n", line_clean(l, or_dash(u->organisation), false));
	fprintf(l->out, "  Sector:        %s\n", line_clean(l, or_dash(u->sector), false));
	fprintf(l->out, "  Country:       %s\n", line_clean(l, or_dash(u->country), false));
	fprintf(l->out, "  Region:        %s\n", line_clean(l, or_dash(u->region), false));
	fprintf(l->out, "  Role:          %s\n", store_role_name(u->role));
	fprintf(l->out, "  Status:        %s\n", store_status_name(u->status));
	fprintf(l->out, "  Verified:      %s\n", u->verified ? "yes" : "no");
	if (u->silenced_until > (int64_t)time(NULL)) {
		line_time(l, u->silenced_until, t1);
		fprintf(l->out, "  Silenced:      until %s\n", t1);
	}
	line_time(l, u->created, t1);
	fprintf(l->out, "  Member since:  %s\n", t1);
	if (u->last_login > 0)
		line_time(l, u->last_login, t2);
	fprintf(l->out, "  Last login:    %s\n", u->last_login > 0 ? t2 : "never");
	fprintf(l->out, "  Password:      %s%s\n", u->pwhash && u->pwhash[0] ? "set" : "none",
		u->must_change_password ? " (must be changed at the next login)" : "");
	fprintf(l->out, "  In directory:  %s\n", u->in_directory ? "yes" : "no");
	fprintf(l->out, "  Time zone:     %s\n", line_clean(l, u->timezone[0] ? u->timezone : "UTC",
		false));
	fprintf(l->out, "  Bio:\n");
	line_print_text(l, u->bio && u->bio[0] ? u->bio : "(no bio)");

	int r = store_application_get(l->st, u->handle, &a);
	if (r == 0) {
		line_time(l, a.created, t1);
		fprintf(l->out, "\n  Application of %s (%s)\n", t1, store_status_name(a.status));
		fprintf(l->out, "  Contact:       %s\n", line_clean(l, a.contact, false));
		fprintf(l->out, "  Logs in with:  %s\n", line_clean(l, a.login, false));
		if (a.decided > 0) {
			line_time(l, a.decided, t2);
			fprintf(l->out, "  Decided:       %s by %s\n", t2,
				a.decided_by[0] ? line_clean(l, a.decided_by, false) : "the console");
		}
		fprintf(l->out, "  Reason:\n");
		line_print_text(l, a.reason);
	} else if (r != BBS_ERR_NOTFOUND) {
		fprintf(l->out, "  (The application could not be read.)\n");
	}
	store_application_finish(&a);
}

static void do_decide(struct line *l, const struct store_user *u, bool accept)
{
	char q[160];
	if (u->status != STORE_STATUS_PENDING) {
		fprintf(l->out, "%s has no pending application.\n", u->handle);
		return;
	}
	(void)bbs_snprintf(q, sizeof q, "%s the application of %s? (y/n): ",
		accept ? "Approve" : "Decline", u->handle);
	if (!line_yes(l, q))
		return;
	int r = store_application_decide(l->st, l->u->id, u->handle, accept);
	if (r == 0)
		fprintf(l->out, accept ? "Approved: %s can log in now.\n" :
			"Declined: %s cannot log in.\n", u->handle);
	else if (r == BBS_ERR_INVALID)
		fprintf(l->out, "The application was decided already.\n");
	else if (r == BBS_ERR_DENIED)
		fputs(SYS_ONLY, l->out);
	else
		fprintf(l->out, "Could not decide the application, please try again.\n");
}

/* One text field of the edit: empty keeps it, "-" empties it. False at the end of input. */
static bool edit_field(struct line *l, const char *label, const char *now, char *buf,
	size_t size, const char **out)
{
	char prompt[STORE_FIELD_MAX + 96];
	(void)bbs_snprintf(prompt, sizeof prompt, "%s (now \"%s\"; empty keeps, - empties): ",
		label, line_clean(l, now, false));
	if (!line_read(l, prompt, buf, size))
		return false;
	if (strcmp(buf, "-") == 0)
		*out = "";
	else if (buf[0])
		*out = buf;
	return true;
}

static const char pick_help[] = "Type the number of a choice; k keeps what is there; q "
	"cancels the whole edit (nothing is saved); x log off.\n";

/* The edit, field by field; leaving part-way (q) saves nothing, and says so. */
static void do_edit(struct line *l, const struct store_user *u)
{
	char name[STORE_FIELD_MAX + 1], org[STORE_FIELD_MAX + 1], country[STORE_FIELD_MAX + 1];
	char word[16], prompt[128];
	struct store_user_edit ed = { .role = 0, .status = -1, .verified = -1 };

	fprintf(l->out, "\nEdit member %s. Role and status changes are written to the audit log; "
		"the last active sysop cannot be demoted or disabled.\n", u->handle);
	if (!edit_field(l, "Display name", u->display_name ? u->display_name : "", name,
			sizeof name, &ed.display_name) ||
	    !edit_field(l, "Organisation", u->organisation, org, sizeof org, &ed.organisation))
		goto cancel;
	fprintf(l->out, "Sector (now \"%s\"):\n  1. (none)\n", line_clean(l, u->sector, false));
	for (size_t i = 0; i < STORE_NSECTORS; i++)
		fprintf(l->out, "  %zu. %s\n", i + 2, store_sectors[i]);
	int c = line_choose(l, "Sector: type a number, k keep> ", STORE_NSECTORS + 1, "k", pick_help,
		word, sizeof word);
	if (c < 0)
		goto cancel;
	if (c == 0 && strcmp(word, "q") == 0)
		goto cancel;
	if (c > 0)
		ed.sector = c == 1 ? "" : store_sectors[c - 2];
	if (!edit_field(l, "Country", u->country, country, sizeof country, &ed.country))
		goto cancel;
	fprintf(l->out, "Role (now %s):\n  1. member\n  2. moderator\n  3. sysop\n",
		store_role_name(u->role));
	c = line_choose(l, "Role: type a number, k keep> ", 3, "k", pick_help, word, sizeof word);
	if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
		goto cancel;
	if (c > 0)
		ed.role = STORE_ROLE_MEMBER + c - 1;
	/* Applications are decided with a and d, not here (as in the full-screen form). */
	if (u->status == STORE_STATUS_ACTIVE || u->status == STORE_STATUS_DISABLED) {
		(void)bbs_snprintf(prompt, sizeof prompt, "Status (now %s):\n  1. active\n  "
			"2. disabled\n", store_status_name(u->status));
		fputs(prompt, l->out);
		c = line_choose(l, "Status: type a number, k keep> ", 2, "k", pick_help, word,
			sizeof word);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			goto cancel;
		if (c > 0)
			ed.status = c == 1 ? STORE_STATUS_ACTIVE : STORE_STATUS_DISABLED;
	}
	if (refuse(l))
		return;
	int r = store_admin_user_edit(l->st, l->u->id, u->id, &ed);
	fprintf(l->out, "%s\n", r == 0 ? "Saved." : edit_error(r));
	return;
cancel:
	if (!line_done(l))
		fprintf(l->out, "Nothing was saved.\n");
}

static void do_verify(struct line *l, const struct store_user *u)
{
	struct store_user_edit ed = { .role = 0, .status = -1, .verified = u->verified ? 0 : 1 };
	int r = store_admin_user_edit(l->st, l->u->id, u->id, &ed);
	if (r != 0)
		fprintf(l->out, "%s\n", edit_error(r));
	else
		fprintf(l->out, "%s's affiliation is %s.\n", u->handle,
			ed.verified ? "marked verified" : "no longer marked verified");
}

static void do_password(struct line *l, const struct store_user *u)
{
	char q[128], pw[SYS_ONETIME_LEN], hash[KEYS_PWHASH_LEN];

	(void)bbs_snprintf(q, sizeof q, "Reset the password of %s? (y/n): ", u->handle);
	if (!line_yes(l, q))
		return;
	keys_random_password(pw, sizeof pw);
	int r = keys_password_hash(pw, strlen(pw), hash);
	if (r == 0)
		r = store_admin_password_reset(l->st, l->u->id, u->id, hash);
	keys_wipe(hash, sizeof hash);
	if (r != 0) {
		keys_wipe(pw, sizeof pw);
		fputs(r == BBS_ERR_DENIED ? SYS_ONLY :
			"Could not reset the password, please try again.\n", l->out);
		return;
	}
	fprintf(l->out, "The one-time password of %s is:\n\n    %s\n\n"
		"It is shown only this once: give it to the member by a safe channel. They must "
		"choose a new password when they next log in with it.\n", u->handle, pw);
	fflush(l->out);
	keys_wipe(pw, sizeof pw);
}

static void do_status(struct line *l, const struct store_user *u, bool lock)
{
	char q[160];
	int64_t ended = 0;

	if (lock) {
		(void)bbs_snprintf(q, sizeof q,
			"Lock %s: disable the account and end their sessions? (y/n): ", u->handle);
		if (!line_yes(l, q))
			return;
	}
	struct store_user_edit ed = { .role = 0, .verified = -1,
		.status = lock ? STORE_STATUS_DISABLED : STORE_STATUS_ACTIVE };
	int r = store_admin_user_edit(l->st, l->u->id, u->id, &ed);
	if (r != 0) {
		fprintf(l->out, "%s\n", edit_error(r));
		return;
	}
	if (!lock) {
		fprintf(l->out, "%s is unlocked: they can log in again.\n", u->handle);
		return;
	}
	r = store_session_end_user(l->st, l->u->id, u->id, &ended);
	if (r != 0)
		fprintf(l->out, "%s is locked, but their sessions could not be ended.\n", u->handle);
	else
		fprintf(l->out, "%s is locked; %lld session%s ended.\n", u->handle, (long long)ended,
			ended == 1 ? "" : "s");
}

static void do_end_sessions(struct line *l, const struct store_user *u)
{
	char q[128];
	int64_t ended = 0;

	(void)bbs_snprintf(q, sizeof q, "End every session of %s now? (y/n): ", u->handle);
	if (!line_yes(l, q))
		return;
	int r = store_session_end_user(l->st, l->u->id, u->id, &ended);
	if (r != 0)
		fputs(r == BBS_ERR_DENIED ? SYS_ONLY :
			"Could not end the sessions, please try again.\n", l->out);
	else
		fprintf(l->out, "%lld session%s of %s ended.\n", (long long)ended,
			ended == 1 ? "" : "s", u->handle);
}

static void do_silence(struct line *l, const struct store_user *u)
{
	char reason[STORE_FIELD_MAX + 1];
	long days = 0;

	if (!read_number(l, "Silence for how many days (0 lifts it): ", 0, SYS_SILENCE_MAX_DAYS,
			&days))
		return;
	reason[0] = '\0';
	if (days > 0 && (!line_read(l, "Reason (members see it): ", reason, sizeof reason) ||
			!reason[0])) {
		fprintf(l->out, "Not silenced: a reason is needed.\n");
		return;
	}
	int64_t until = days > 0 ? (int64_t)time(NULL) + (int64_t)days * 86400 : 0;
	int r = store_silence(l->st, l->u->id, u->id, until, days > 0 ? reason : "lifted");
	if (r != 0) {
		fprintf(l->out, "%s\n", r == BBS_ERR_DENIED ? "Refused: sysops cannot be silenced." :
			edit_error(r));
	} else if (days == 0) {
		fprintf(l->out, "%s is no longer silenced.\n", u->handle);
	} else {
		char when[LINE_TIME_LEN];
		line_time(l, until, when);
		fprintf(l->out, "%s is silenced until %s.\n", u->handle, when);
	}
}

/* Deletes the member: keep or remove their posts, then the handle typed again. True when the
 * member is gone (the page must close). */
static bool do_delete(struct line *l, const struct store_user *u)
{
	char word[16], typed[BBS_HANDLE_MAX + 8], q[160];

	if (u->id == l->u->id) {
		fprintf(l->out, "You cannot delete yourself: another sysop must.\n");
		return false;
	}
	int c = line_choose(l, "Delete: k keep their posts (from \"removed member\"), r remove "
		"them too, q cancel> ", 0, "k r", "Delete: k keeps their posts, shown from \"removed "
		"member\"; r removes their posts too; q cancels; x log off.\n", word, sizeof word);
	if (c != 0 || strcmp(word, "q") == 0)
		return false;
	bool remove = strcmp(word, "r") == 0;
	(void)bbs_snprintf(q, sizeof q, "This cannot be undone. Type %s to delete them: ",
		u->handle);
	if (!line_read(l, q, typed, sizeof typed))
		return false;
	if (strcmp(typed, u->handle) != 0) {
		fprintf(l->out, "Not deleted: the handle typed was not %s.\n", u->handle);
		return false;
	}
	if (refuse(l))
		return false;
	int r = store_user_remove(l->st, l->u->id, u->id, remove, NULL);
	if (r == BBS_ERR_DENIED) {
		fprintf(l->out, "Refused: the last active sysop cannot be deleted.\n");
		return false;
	} else if (r == BBS_ERR_NOTFOUND) {
		fprintf(l->out, "That member no longer exists.\n");
		return true;
	} else if (r != 0) {
		fprintf(l->out, "Could not delete the member, please try again.\n");
		return false;
	}
	fprintf(l->out, "%s is deleted; their posts are %s.\n", u->handle,
		remove ? "removed" : "kept, from \"removed member\"");
	return true;
}

/* A member's keys: listed; a adds a pasted line of a .pub file; a number revokes that key. */
static void do_keys(struct line *l, const struct store_user *u)
{
	static const char help[] = "Keys: a add a key (paste one line of the member's .pub "
		"file); a number revokes that key (asks first); q back; x log off.\n";
	while (!line_done(l)) {
		struct store_key *v = NULL;
		size_t n = 0;
		if (store_key_list(l->st, u->id, &v, &n) != 0) {
			fprintf(l->out, "Could not read the keys, please try again.\n");
			return;
		}
		fprintf(l->out, "\nKeys of %s:\n", u->handle);
		for (size_t i = 0; i < n; i++) {
			char added[LINE_TIME_LEN];
			line_time(l, v[i].added, added);
			fprintf(l->out, "  %zu. %s %s  %s  added %s\n", i + 1,
				line_clean(l, v[i].type, false), line_clean(l, v[i].fingerprint, false),
				line_clean(l, or_dash(v[i].comment), false), added);
		}
		if (n == 0)
			fprintf(l->out, "  No keys.\n");
		char word[16], q[STORE_FIELD_MAX + 96];
		int c = line_choose(l, "Keys: a add, a number to revoke, q back> ", (int)n, "a", help,
			word, sizeof word);
		if (c > 0 && !refuse(l)) {
			(void)bbs_snprintf(q, sizeof q, "Revoke key %s of %s? (y/n): ",
				line_clean(l, v[c - 1].fingerprint, false), u->handle);
			if (line_yes(l, q)) {
				int r = store_admin_key_remove(l->st, l->u->id, u->id, v[c - 1].fingerprint);
				fputs(r == 0 || r == BBS_ERR_NOTFOUND ? "Key revoked.\n" :
					r == BBS_ERR_DENIED ? SYS_ONLY :
					"Could not revoke the key, please try again.\n", l->out);
			}
		}
		store_key_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (c == 0 && !refuse(l)) {
			char kl[CMD_LINE_MAX + 1];
			struct keys_pub pub = { 0 };
			const char *reason = NULL;
			if (!line_read(l, "Public key (one line; empty: cancel): ", kl, sizeof kl) ||
			    !kl[0])
				continue;
			if (keys_parse_authorized(kl, &pub, &reason) != 0) {
				fprintf(l->out, "That key line cannot be used: %s.\n",
					reason ? reason : "not a public key");
				continue;
			}
			int r = store_admin_key_add(l->st, l->u->id, u->id, pub.type, pub.blob,
				pub.fingerprint, pub.comment);
			if (r == 0)
				fprintf(l->out, "Key %s added.\n", pub.fingerprint);
			else
				fputs(r == BBS_ERR_EXISTS ? "This key is in use already.\n" :
					r == BBS_ERR_DENIED ? SYS_ONLY :
					"Could not add the key, please try again.\n", l->out);
			keys_pub_finish(&pub);
		}
	}
}

static void member(struct line *l, int64_t id)
{
	static const char help[] = "Member choices: a approve / d decline a pending application; "
		"e edit (name, organisation, sector, country, role, status); v verified or not; "
		"p reset the password (a one-time password, shown once); k keys (list, add, "
		"revoke); l lock (disable, end their sessions) / u unlock; s silence for some days "
		"(0 lifts it); end: end every session now; delete: delete the member; i shows the "
		"member's page again; q back; x log off.\n";
	bool show = true;
	while (!line_done(l)) {
		struct store_user *u = NULL;
		int r = store_user_get_by_id(l->st, id, &u);
		if (r != 0) {
			fprintf(l->out, "%s\n", r == BBS_ERR_NOTFOUND ? "That member no longer exists." :
				"Could not read the member, please try again.");
			return;
		}
		if (show)
			member_page(l, u);
		/* After an action only its answer and the prompt: i shows the page again. */
		show = false;
		char word[16];
		int c = line_choose(l, "Member: a approve, d decline, e edit, v verify, p password, "
			"k keys, l lock, u unlock, s silence, end, delete, i show again, ? help, "
			"q back> ", 0, "a d e v p k l u s end delete i", help, word, sizeof word);
		bool gone = false;
		/* Every action re-checks the role, as the full-screen page does. */
		if (c != 0 || strcmp(word, "q") == 0 || refuse(l)) {
			store_user_free(u);
			return;
		}
		if (strcmp(word, "a") == 0 || strcmp(word, "d") == 0)
			do_decide(l, u, word[0] == 'a');
		else if (strcmp(word, "e") == 0)
			do_edit(l, u);
		else if (strcmp(word, "v") == 0)
			do_verify(l, u);
		else if (strcmp(word, "p") == 0)
			do_password(l, u);
		else if (strcmp(word, "i") == 0)
			show = true;
		else if (strcmp(word, "k") == 0)
			do_keys(l, u);
		else if (strcmp(word, "l") == 0 || strcmp(word, "u") == 0)
			do_status(l, u, word[0] == 'l');
		else if (strcmp(word, "s") == 0)
			do_silence(l, u);
		else if (strcmp(word, "end") == 0)
			do_end_sessions(l, u);
		else if (strcmp(word, "delete") == 0)
			gone = do_delete(l, u);
		store_user_free(u);
		if (gone)
			return;
	}
}

struct filter {
	const char *label;
	int status, role;
};
static const struct filter filters[] = {
	{ "everyone", -1, -1 },
	{ "pending applications", STORE_STATUS_PENDING, -1 },
	{ "active", STORE_STATUS_ACTIVE, -1 },
	{ "disabled", STORE_STATUS_DISABLED, -1 },
	{ "declined", STORE_STATUS_DECLINED, -1 },
	{ "members", -1, STORE_ROLE_MEMBER },
	{ "moderators", -1, STORE_ROLE_MODERATOR },
	{ "sysops", -1, STORE_ROLE_SYSOP },
};
#define N_FILTERS (sizeof filters / sizeof filters[0])

static void choose_filter(struct line *l, size_t *filter)
{
	char word[16];
	fprintf(l->out, "Show:\n");
	for (size_t i = 0; i < N_FILTERS; i++)
		fprintf(l->out, "  %zu. %s\n", i + 1, filters[i].label);
	int c = line_choose(l, "Filter: type a number, q keep> ", (int)N_FILTERS, "", pick_help, word,
		sizeof word);
	if (c > 0)
		*filter = (size_t)c - 1;
}

void line_sysop_members(struct line *l)
{
	static const char help[] = "Members: pending applications first, then by handle. A number "
		"shows that member (and what can be done); m more; / search by words (handle, name, "
		"organisation, sector, country; empty: all); f filter by status or role; q back; "
		"x log off.\n";
	char query[STORE_QUERY_MAX + 1] = "";
	size_t filter = 0;
	struct store_user **v = NULL;
	size_t n = 0, shown = 0;
	bool more = false, reload = true, fetch = false;

	if (refuse(l))
		return;
	while (!line_done(l)) {
		if (reload) {
			store_user_list_free(v, n);
			v = NULL;
			n = shown = 0;
			more = false;
			reload = false;
			fetch = true;
		}
		if (fetch) {
			fetch = false;
			struct store_user **p = NULL;
			size_t pn = 0;
			int r = store_user_search(l->st, query[0] ? query : NULL, filters[filter].status,
				filters[filter].role, NULL, NULL, (int64_t)n, SYS_PAGE, &p, &pn);
			if (r != 0) {
				fprintf(l->out, "%s\n", r == BBS_ERR_TOOBIG ? "The search is too long." :
					"Could not read the members, please try again.");
				query[0] = '\0';
				pn = 0;
			}
			v = append_page(v, n, p, pn, sizeof v[0]);
			n += pn;
			more = r == 0 && pn == SYS_PAGE;
		}
		if (shown == 0)
			fprintf(l->out, "\nMembers (%s%s%s%s):\n", filters[filter].label,
				query[0] ? ", search \"" : "", query[0] ? line_clean(l, query, false) : "",
				query[0] ? "\"" : "");
		for (; shown < n; shown++) {
			const struct store_user *u = v[shown];
			fprintf(l->out, "  %zu. %s  %s%s  %s  %s  %s  %s\n", shown + 1,
				line_clean(l, u->handle, false),
				line_clean(l, or_dash(u->display_name), false),
				u->verified ? " (verified)" : "", store_status_name(u->status),
				store_role_name(u->role), line_clean(l, or_dash(u->sector), false),
				line_clean(l, or_dash(u->country), false));
		}
		if (n == 0)
			fprintf(l->out, "  No members match.\n");
		char word[16];
		int c = line_choose(l, more ? "Members: type a number, m more, / search, f filter, "
			"q back> " : "Members: type a number, / search, f filter, q back> ", (int)n,
			more ? "m / f" : "/ f", help, word, sizeof word);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			break;
		if (refuse(l))
			break;
		if (c > 0) {
			member(l, v[c - 1]->id);
			reload = true;   /* it may have changed, or be gone */
		} else if (strcmp(word, "/") == 0) {
			if (line_read(l, "Search members (words; empty: all): ", query, sizeof query))
				reload = true;
		} else if (strcmp(word, "f") == 0) {
			choose_filter(l, &filter);
			reload = true;
		} else if (strcmp(word, "m") == 0) {
			fetch = true;   /* the loop reads and prints the next page */
		}
	}
	store_user_list_free(v, n);
}

/* ---- invites ---- */

/* "ssh -p PORT join@HOST" from the settings ssh_host and ssh_port when a sysop set them. */
static void join_command(struct line *l, char *buf, size_t size)
{
	char *host = NULL, *port = NULL, *end = NULL;
	long p = 0;

	if (store_setting_get(l->st, "ssh_host", &host) != 0) {
		free(host);
		host = NULL;
	}
	if (store_setting_get(l->st, "ssh_port", &port) == 0 && port)
		p = strtol(port, &end, 10);
	if (p < 1 || p > 65535 || !end || *end != '\0')
		p = 2222;
	(void)bbs_snprintf(buf, size, "ssh -p %ld join@%s", p,
		host && host[0] ? line_clean(l, host, false) : "HOST");
	free(host);
	free(port);
}

static const char cancel_help[] = "Type the number of a choice; q cancels (nothing is "
	"created); x log off.\n";

static void invite_create(struct line *l)
{
	char org[STORE_FIELD_MAX + 1], note[STORE_FIELD_MAX + 1], word[16], cmd[STORE_FIELD_MAX + 64];
	char code[KEYS_INVITE_CODE_LEN], hash[KEYS_INVITE_HASH_LEN];
	long days = 0;
	int64_t id = 0;

	fprintf(l->out, "\nCreate an invite. The new member gets the role, organisation and "
		"sector set here.\n");
	if (!read_number(l, "Days valid (1-365): ", 1, SYS_INVITE_DAYS_MAX, &days))
		return;
	fprintf(l->out, "Role:\n  1. member\n  2. moderator\n  3. sysop\n");
	int role = line_choose(l, "Role: type a number, q cancel> ", 3, "", cancel_help, word,
		sizeof word);
	if (role <= 0)
		return;
	if (!line_read(l, "Organisation (empty: none): ", org, sizeof org))
		return;
	fprintf(l->out, "Sector:\n  1. (none)\n");
	for (size_t i = 0; i < STORE_NSECTORS; i++)
		fprintf(l->out, "  %zu. %s\n", i + 2, store_sectors[i]);
	int sec = line_choose(l, "Sector: type a number, q cancel> ", STORE_NSECTORS + 1, "",
		cancel_help, word, sizeof word);
	if (sec <= 0)
		return;
	if (!line_read(l, "Note, who it is for (empty: none): ", note, sizeof note))
		return;
	if (refuse(l))
		return;
	keys_invite_code(code);
	if (keys_invite_hash(code, hash) != 0) {
		keys_wipe(code, sizeof code);
		fprintf(l->out, "Could not make a code, please try again.\n");
		return;
	}
	int r = store_invite_create(l->st, l->u->id, hash,
		(int64_t)time(NULL) + (int64_t)days * 86400, STORE_ROLE_MEMBER + role - 1, org,
		sec == 1 ? "" : store_sectors[sec - 2], note, &id);
	if (r != 0) {
		keys_wipe(code, sizeof code);
		fputs(r == BBS_ERR_DENIED ? SYS_ONLY : r == BBS_ERR_TOOBIG ? "A field is too long.\n" :
			r == BBS_ERR_INVALID ? "A field is not valid.\n" :
			"Could not create the invite, please try again.\n", l->out);
		return;
	}
	join_command(l, cmd, sizeof cmd);
	fprintf(l->out, "Invite #%lld is valid for %ld day%s. Its code is:\n\n    %s\n\n"
		"It is shown only this once (the portal keeps only a hash of it). Give it to the new "
		"member by a safe channel, with how to use it:\n\n    %s\n\n%s"
		"They type the code there, choose a handle, and the key they connect with (or a "
		"password) becomes their way in.\n", (long long)id, days, days == 1 ? "" : "s",
		code, cmd, strstr(cmd, "@HOST") ? "(HOST: this portal's host name.) " : "");
	fflush(l->out);
	keys_wipe(code, sizeof code);
}

static void invite_revoke(struct line *l, const struct store_invite *inv)
{
	char q[96];
	if (inv->state != STORE_INVITE_VALID) {
		fprintf(l->out, "Invite #%lld is %s already.\n", (long long)inv->id,
			store_invite_state_name(inv->state));
		return;
	}
	(void)bbs_snprintf(q, sizeof q, "Revoke invite #%lld? (y/n): ", (long long)inv->id);
	if (!line_yes(l, q) || refuse(l))
		return;
	/* Checks the role and writes the audit entry in the same transaction. */
	int r = store_admin_invite_revoke(l->st, l->u->id, inv->id);
	if (r == 0)
		fprintf(l->out, "Invite #%lld revoked.\n", (long long)inv->id);
	else if (r == BBS_ERR_INVALID)
		fprintf(l->out, "Invite #%lld was used already.\n", (long long)inv->id);
	else if (r == BBS_ERR_DENIED)
		fputs(SYS_ONLY, l->out);
	else
		fprintf(l->out, "Could not revoke the invite, please try again.\n");
}

void line_sysop_invites(struct line *l)
{
	static const char help[] = "Invites, newest first: c create one (its code is shown once); "
		"a number revokes that invite (asks first); q back; x log off.\n";
	if (refuse(l))
		return;
	while (!line_done(l)) {
		struct store_invite *v = NULL;
		size_t n = 0;
		if (store_invite_list(l->st, &v, &n) != 0) {
			fprintf(l->out, "Could not read the invites, please try again.\n");
			return;
		}
		fprintf(l->out, "\nInvites:\n");
		for (size_t i = 0; i < n; i++) {
			const struct store_invite *inv = &v[i];
			char exp[LINE_TIME_LEN];
			line_time(l, inv->expires, exp);
			fprintf(l->out, "  %zu. #%lld %s, expires %s; %s%s%s", i + 1, (long long)inv->id,
				store_invite_state_name(inv->state), exp, store_role_name(inv->role),
				inv->organisation[0] ? ", " : "",
				line_clean(l, inv->organisation, false));
			fprintf(l->out, "%s%s; %s", inv->sector[0] ? ", " : "",
				line_clean(l, inv->sector, false), line_clean(l, or_dash(inv->note), false));
			if (inv->used_by[0])
				fprintf(l->out, "; used by %s", line_clean(l, inv->used_by, false));
			fputc('\n', l->out);
		}
		if (n == 0)
			fprintf(l->out, "  No invites yet.\n");
		char word[16];
		int c = line_choose(l, "Invites: c create, a number to revoke, q back> ", (int)n, "c",
			help, word, sizeof word);
		if (c > 0 && !refuse(l))
			invite_revoke(l, &v[c - 1]);
		store_invite_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (c == 0 && !refuse(l))
			invite_create(l);
	}
}

/* ---- who is online ---- */

static const char *who(const struct store_session *ss)
{
	if (ss->handle && ss->handle[0])
		return ss->handle;
	return ss->kind && strcmp(ss->kind, "join") == 0 ? "(join)" : "(guest)";
}

void line_sysop_online(struct line *l)
{
	static const char help[] = "Who is online, oldest session first: a number ends that "
		"session (asks first); r read the list again; q back; x log off.\n";
	if (refuse(l))
		return;
	while (!line_done(l)) {
		struct store_session *v = NULL;
		size_t n = 0;
		if (store_session_list(l->st, &v, &n) != 0) {
			fprintf(l->out, "Could not read the sessions, please try again.\n");
			return;
		}
		fprintf(l->out, "\nWho is online:\n");
		for (size_t i = 0; i < n; i++) {
			char since[LINE_TIME_LEN], tag[KEYS_SESSION_TAG_LEN];
			line_time(l, v[i].since, since);
			keys_session_tag(v[i].pid, v[i].pid_start, tag);
			fprintf(l->out, "  %zu. %s  %s  since %s  from %s  session %s\n", i + 1,
				line_clean(l, who(&v[i]), false), line_clean(l, or_dash(v[i].kind), false),
				since, line_clean(l, or_dash(v[i].source), false), tag);
		}
		if (n == 0)
			fprintf(l->out, "  Nobody is online.\n");
		char word[16];
		int c = line_choose(l, "Sessions: a number to end it, r refresh, q back> ", (int)n, "r",
			help, word, sizeof word);
		if (c > 0 && !refuse(l)) {
			const struct store_session *ss = &v[c - 1];
			char q[STORE_FIELD_MAX + 64];
			/* The line mode runs as a child of the session process. */
			if (ss->user_id == l->u->id && ss->pid == (int64_t)getppid())
				bbs_strlcpy(q, "End your own session (you will be logged off)? (y/n): ",
					sizeof q);
			else
				(void)bbs_snprintf(q, sizeof q, "End the session of %s (%s)? (y/n): ",
					line_clean(l, who(ss), false), line_clean(l, or_dash(ss->kind), false));
			if (line_yes(l, q)) {
				int r = store_session_end(l->st, l->u->id, ss->id);
				fputs(r == 0 ? "Session ended.\n" : r == BBS_ERR_NOTFOUND ?
					"That session had ended already.\n" : r == BBS_ERR_DENIED ? SYS_ONLY :
					"Could not end the session, please try again.\n", l->out);
			}
		}
		store_session_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
	}
}

/* ---- the audit log ---- */

static void audit_verify(struct line *l)
{
	int64_t count = 0, bad = 0;
	char *head = NULL;
	int r = store_audit_verify(l->st, &count, &bad, &head);
	if (r == 0)
		fprintf(l->out, "Chain: intact (%lld entr%s); head %s\n", (long long)count,
			count == 1 ? "y" : "ies", head && head[0] ? head : "-");
	else if (r == BBS_ERR_INVALID)
		fprintf(l->out, "Chain: BROKEN at entry %lld (%lld entr%s before it verify).\n",
			(long long)bad, (long long)count, count == 1 ? "y" : "ies");
	else
		fprintf(l->out, "Chain: could not be checked (%s).\n", bbs_strerror(r));
	free(head);
}

static void audit_entry(struct line *l, const struct store_audit *e)
{
	char when[LINE_TIME_LEN];
	line_time(l, e->at, when);
	fprintf(l->out, "\nAudit entry %lld, %s\n  Actor:   %s\n  Action:  %s\n  Target:  %s\n"
		"  Detail:  %s\n  Source:  %s\n  Hash:    %s\n  Previous: %s\n", (long long)e->id, when,
		line_clean(l, e->actor, false), line_clean(l, e->action, false),
		line_clean(l, e->target, false), line_clean(l, e->detail, false),
		line_clean(l, or_dash(e->source), false), line_clean(l, e->hash, false),
		line_clean(l, or_dash(e->prev_hash), false));
}

void line_sysop_audit(struct line *l)
{
	static const char help[] = "Audit log, newest first: a number shows that entry whole; m "
		"more; / filter by words (empty: all); v verify the chain; q back; x log off.\n";
	char filter[STORE_QUERY_MAX + 1] = "";
	struct store_audit *v = NULL;
	size_t n = 0, shown = 0;
	bool more = false, reload = true, fetch = false;

	if (refuse(l))
		return;
	audit_verify(l);
	while (!line_done(l)) {
		if (reload) {
			store_audit_list_free(v, n);
			v = NULL;
			n = shown = 0;
			more = false;
			reload = false;
			fetch = true;
		}
		if (fetch) {
			fetch = false;
			struct store_audit *p = NULL;
			size_t pn = 0;
			int r = store_audit_list(l->st, filter[0] ? filter : NULL, (int64_t)n, SYS_PAGE,
				&p, &pn);
			if (r != 0) {
				fprintf(l->out, "%s\n", r == BBS_ERR_TOOBIG ? "The filter is too long." :
					"Could not read the audit log, please try again.");
				filter[0] = '\0';
				pn = 0;
			}
			v = append_page(v, n, p, pn, sizeof v[0]);
			n += pn;
			more = r == 0 && pn == SYS_PAGE;
		}
		if (shown == 0)
			fprintf(l->out, "\nAudit log%s%s%s:\n", filter[0] ? ", filter \"" : "",
				filter[0] ? line_clean(l, filter, false) : "", filter[0] ? "\"" : "");
		for (; shown < n; shown++) {
			char when[LINE_TIME_LEN];
			line_time(l, v[shown].at, when);
			fprintf(l->out, "  %zu. %s  %s  %s  %s  %s\n", shown + 1, when,
				line_clean(l, v[shown].actor, false), line_clean(l, v[shown].action, false),
				line_clean(l, v[shown].target, false), line_clean(l, v[shown].detail, false));
		}
		if (n == 0)
			fprintf(l->out, "  %s\n", filter[0] ? "No entries match." : "The audit log is empty.");
		char word[16];
		int c = line_choose(l, more ? "Audit log: type a number, m more, / filter, v verify, "
			"q back> " : "Audit log: type a number, / filter, v verify, q back> ", (int)n,
			more ? "m / v" : "/ v", help, word, sizeof word);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0) || refuse(l))
			break;
		if (c > 0)
			audit_entry(l, &v[c - 1]);
		else if (strcmp(word, "v") == 0)
			audit_verify(l);
		else if (strcmp(word, "m") == 0)
			fetch = true;
		else if (strcmp(word, "/") == 0 &&
			 line_read(l, "Filter (words; empty: all): ", filter, sizeof filter))
			reload = true;
	}
	store_audit_list_free(v, n);
}

/* ---- structure: focus areas and boards ---- */

static const char *st_err(int r)
{
	switch (r) {
	case BBS_ERR_DENIED: return SYS_ONLY;
	case BBS_ERR_EXISTS: return "That short name is taken.\n";
	case BBS_ERR_INVALID: return "Not saved: check the short name (a-z, 0-9, -) and the name.\n";
	case BBS_ERR_TOOBIG: return "Not saved: too long.\n";
	case BBS_ERR_NOTFOUND: return "It is gone.\n";
	default: return "Could not save, please try again.\n";
	}
}

/* Both lists as the store has them now; one row per area (boards false) or per board. */
struct slist {
	bool boards;
	struct store_area *areas;
	size_t nareas;
	struct store_board *bv;
	size_t nb;
};

static void sl_free(struct slist *s)
{
	store_area_list_free(s->areas, s->nareas);
	store_board_list_free(s->bv, s->nb);
	s->areas = NULL;
	s->bv = NULL;
	s->nareas = s->nb = 0;
}

static bool sl_load(struct line *l, struct slist *s)
{
	sl_free(s);
	if (store_area_list_all(l->st, &s->areas, &s->nareas) != 0 ||
	    (s->boards && store_board_list_all(l->st, &s->bv, &s->nb) != 0)) {
		fprintf(l->out, "Could not read the structure, please try again.\n");
		return false;
	}
	return true;
}

static const char *sl_area_name(const struct slist *s, int64_t id)
{
	for (size_t i = 0; i < s->nareas; i++)
		if (s->areas[i].id == id)
			return s->areas[i].name;
	return "?";
}

/* (position, id) of a before b in the store's order, as the full-screen screen decides. */
static bool sl_before(int pa, int64_t ia, int pb, int64_t ib)
{
	return pa < pb || (pa == pb && ia < ib);
}

/* True when row i has a neighbour in direction delta within its group (the store moves an
 * area among all areas, a board among the boards of its focus area, and at either end
 * changes nothing and returns 0, so the line mode must tell itself). */
static bool sl_can_move(const struct slist *s, size_t i, int delta)
{
	size_t n = s->boards ? s->nb : s->nareas;
	for (size_t j = 0; j < n; j++) {
		int pa, pb;
		int64_t ia, ib;
		if (j == i)
			continue;
		if (s->boards) {
			if (s->bv[j].area_id != s->bv[i].area_id)
				continue;
			pa = s->bv[j].position, ia = s->bv[j].id, pb = s->bv[i].position,
			ib = s->bv[i].id;
		} else {
			pa = s->areas[j].position, ia = s->areas[j].id, pb = s->areas[i].position,
			ib = s->areas[i].id;
		}
		if (delta < 0 ? sl_before(pa, ia, pb, ib) : sl_before(pb, ib, pa, ia))
			return true;
	}
	return false;
}

static void sl_create(struct line *l, const struct slist *s)
{
	char slug[STORE_FIELD_MAX + 1], name[STORE_FIELD_MAX + 1], summary[STORE_FIELD_MAX + 1];
	char word[16];
	int64_t area = 0, id = 0;

	fprintf(l->out, "\nNew %s.\n", s->boards ? "board" : "focus area");
	if (s->boards) {
		fprintf(l->out, "Its focus area:\n  1. (none: a general board)\n");
		for (size_t i = 0; i < s->nareas; i++)
			fprintf(l->out, "  %zu. %s%s\n", i + 2, line_clean(l, s->areas[i].name, false),
				s->areas[i].archived ? " [archived]" : "");
		int c = line_choose(l, "Focus area: type a number, q cancel> ", (int)s->nareas + 1,
			"", cancel_help, word, sizeof word);
		if (c <= 0)
			return;
		area = c == 1 ? 0 : s->areas[c - 2].id;
	}
	if (!line_read(l, "Short name (a-z, 0-9, -; empty: cancel): ", slug, sizeof slug) ||
	    !slug[0])
		return;
	if (!line_read(l, "Name (empty: cancel): ", name, sizeof name) || !name[0])
		return;
	if (!line_read(l, s->boards ? "Description (one line): " : "Summary (one line): ", summary,
			sizeof summary) || refuse(l))
		return;
	int r = s->boards ? store_board_create(l->st, l->u->id, area, slug, name, summary, &id) :
		store_area_create(l->st, l->u->id, slug, name, summary, &id);
	fputs(r == 0 ? "Created.\n" : st_err(r), l->out);
}

static void sl_edit(struct line *l, const struct slist *s, size_t i)
{
	char name[STORE_FIELD_MAX + 1], summary[STORE_FIELD_MAX + 1];
	const char *nm = NULL, *sm = NULL;
	const char *now_name = s->boards ? s->bv[i].name : s->areas[i].name;
	const char *now_sum = s->boards ? s->bv[i].description : s->areas[i].summary;

	if (!edit_field(l, "Name", now_name ? now_name : "", name, sizeof name, &nm) ||
	    !edit_field(l, s->boards ? "Description" : "Summary", now_sum ? now_sum : "", summary,
			sizeof summary, &sm) || refuse(l))
		return;
	if (nm && !nm[0]) {
		fprintf(l->out, "Not saved: a name is needed.\n");
		return;
	}
	int64_t id = s->boards ? s->bv[i].id : s->areas[i].id;
	int r = s->boards ? store_board_update(l->st, l->u->id, id, nm, sm) :
		store_area_update(l->st, l->u->id, id, nm, sm);
	fputs(r == 0 ? "Saved.\n" : st_err(r), l->out);
}

static void page_edit(struct line *l, const char *slug, const char *fallback_title);

static void sl_item(struct line *l, struct slist *s, size_t i)
{
	static const char help[] = "e edit the name and the summary or description; a archive "
		"or unarchive (asks first); u move up; d move down; p edit a focus area's page; q "
		"back; x log off.\n";
	char word[16], q[STORE_FIELD_MAX + 64];
	bool archived = s->boards ? s->bv[i].archived : s->areas[i].archived;
	const char *name = s->boards ? s->bv[i].name : s->areas[i].name;
	int64_t id = s->boards ? s->bv[i].id : s->areas[i].id;

	fprintf(l->out, "\n%s: %s (%s)%s\n", s->boards ? "Board" : "Focus area",
		line_clean(l, name, false),
		line_clean(l, s->boards ? s->bv[i].slug : s->areas[i].slug, false),
		archived ? " [archived]" : "");
	int c = line_choose(l, s->boards ? "e edit, a archive or unarchive, u up, d down, q back> " :
		"e edit, a archive or unarchive, u up, d down, p its page, q back> ", 0,
		s->boards ? "e a u d" : "e a u d p", help, word, sizeof word);
	if (c != 0 || strcmp(word, "q") == 0 || refuse(l))
		return;
	if (strcmp(word, "p") == 0) {
		char slug[STORE_FIELD_MAX + 8];
		/* The area's page, "area-SLUG" unless the store names another one. */
		if (s->areas[i].page_slug && s->areas[i].page_slug[0])
			bbs_strlcpy(slug, s->areas[i].page_slug, sizeof slug);
		else
			(void)bbs_snprintf(slug, sizeof slug, "area-%s", s->areas[i].slug);
		page_edit(l, slug, name);
	} else if (strcmp(word, "e") == 0) {
		sl_edit(l, s, i);
	} else if (strcmp(word, "a") == 0) {
		(void)bbs_snprintf(q, sizeof q, "%s %s? (y/n): ", archived ? "Unarchive" : "Archive",
			line_clean(l, name, false));
		if (!line_yes(l, q))
			return;
		int r = s->boards ? store_board_set_archived(l->st, l->u->id, id, !archived) :
			store_area_set_archived(l->st, l->u->id, id, !archived);
		fputs(r != 0 ? st_err(r) : archived ? "Unarchived.\n" : "Archived.\n", l->out);
	} else {
		int delta = word[0] == 'u' ? -1 : 1;
		if (!sl_can_move(s, i, delta)) {
			fprintf(l->out, "It cannot move further.\n");
			return;
		}
		int r = s->boards ? store_board_move(l->st, l->u->id, id, delta) :
			store_area_move(l->st, l->u->id, id, delta);
		fputs(r == 0 ? "Moved.\n" : r == BBS_ERR_INVALID ? "It cannot move further.\n" :
			st_err(r), l->out);
	}
}

static void sl_list(struct line *l, bool boards)
{
	static const char help[] = "A number opens that item (edit, archive, move); c create a "
		"new one; q back; x log off.\n";
	struct slist s = { .boards = boards };
	while (!line_done(l) && sl_load(l, &s)) {
		size_t n = boards ? s.nb : s.nareas;
		fprintf(l->out, "\n%s, in menu order (archived ones too):\n",
			boards ? "Boards" : "Focus areas");
		for (size_t i = 0; i < n; i++) {
			if (boards)
				fprintf(l->out, "  %zu. %s  (%s, %s)%s\n", i + 1,
					line_clean(l, s.bv[i].name, false), line_clean(l, s.bv[i].slug, false),
					s.bv[i].area_id > 0 ? line_clean(l, sl_area_name(&s, s.bv[i].area_id),
					false) : "general", s.bv[i].archived ? "  [archived]" : "");
			else
				fprintf(l->out, "  %zu. %s  (%s)%s  %s\n", i + 1,
					line_clean(l, s.areas[i].name, false),
					line_clean(l, s.areas[i].slug, false),
					s.areas[i].archived ? "  [archived]" : "",
					line_clean(l, or_dash(s.areas[i].summary), false));
		}
		if (n == 0)
			fprintf(l->out, "  None yet.\n");
		char word[16];
		int c = line_choose(l, "Type a number, c create, q back> ", (int)n, "c", help, word,
			sizeof word);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0) || refuse(l))
			break;
		if (c > 0)
			sl_item(l, &s, (size_t)c - 1);
		else
			sl_create(l, &s);
	}
	sl_free(&s);
}

/* A page (welcome, who-we-are, area-SLUG) replaced whole: a title, then the text. */
static void page_edit(struct line *l, const char *slug, const char *fallback_title)
{
	struct store_page pg = { 0 };
	char title[STORE_FIELD_MAX + 1];
	const char *t = NULL;
	char *body = NULL;

	int r = store_page_get(l->st, slug, &pg);
	if (r != 0 && r != BBS_ERR_NOTFOUND) {
		store_page_finish(&pg);
		fprintf(l->out, "Could not read the page, please try again.\n");
		return;
	}
	const char *now_title = r == 0 && pg.title ? pg.title : fallback_title;
	fprintf(l->out, "\nThe page %s now:\n== %s ==\n", slug, line_clean(l, now_title, false));
	line_print_text(l, r == 0 && pg.body && pg.body[0] ? pg.body : "(empty)");
	if (!edit_field(l, "Title", now_title, title, sizeof title, &t))
		goto out;
	if (t && !t[0]) {
		fprintf(l->out, "Not saved: a title is needed.\n");
		goto out;
	}
	fprintf(l->out, "The new text replaces the page whole; a text of only \".\" keeps it.\n");
	struct line_body b = { .what = "the page's text", .max = STORE_BODY_MAX, .context = NULL,
		.title = "", .initial = NULL };
	if (line_body(l, &b, &body) != 0 || refuse(l))
		goto out;
	r = store_admin_page_set(l->st, l->u->id, slug, t ? t : now_title,
		body[0] ? body : (r == 0 && pg.body ? pg.body : ""));
	fputs(r == 0 ? "Page saved.\n" : st_err(r), l->out);
out:
	free(body);
	store_page_finish(&pg);
}

/* The site settings the full-screen screen offers: site name, registration, guest access. */
static void site_name(struct line *l)
{
	char buf[STORE_FIELD_MAX + 1];
	if (!line_read(l, "Site name (empty: unchanged): ", buf, sizeof buf) || !buf[0] ||
	    refuse(l))
		return;
	int r = store_admin_setting_set(l->st, l->u->id, "site_name", buf);
	fputs(r == 0 ? "Site name changed.\n" : st_err(r), l->out);
}

static void registration(struct line *l)
{
	char word[16];
	fprintf(l->out, "Registration mode:\n  1. open: guests apply, invites work\n"
		"  2. invite: only with an invite\n  3. closed: nobody joins\n");
	int c = line_choose(l, "Registration: type a number, q keep> ", 3, "",
		"Type 1, 2 or 3; q keeps the mode as it is; x log off.\n", word, sizeof word);
	if (c <= 0 || refuse(l))
		return;
	int mode = c - 1 + STORE_REG_OPEN;
	int r = store_admin_setting_set(l->st, l->u->id, "registration",
		store_registration_name(mode));
	if (r == 0)
		fprintf(l->out, "Registration is now %s.\n", store_registration_name(mode));
	else
		fputs(st_err(r), l->out);
}

static void guest_access(struct line *l, bool on)
{
	if (!line_yes(l, on ? "Turn guest access off? (y/n): " : "Turn guest access on? (y/n): ") ||
	    refuse(l))
		return;
	int r = store_admin_setting_set(l->st, l->u->id, "guest_access", on ? "off" : "on");
	fputs(r != 0 ? st_err(r) : on ? "Guest access is off.\n" : "Guest access is on.\n",
		l->out);
}

void line_sysop_structure(struct line *l)
{
	static const char help[] = "Structure: 1 the site name; 2 the registration mode; 3 guest "
		"access on or off; 4 the welcome page; 5 the \"who we are\" page; 6 the focus areas "
		"(and their pages); 7 the boards; q back; x log off.\n";
	if (refuse(l))
		return;
	while (!line_done(l)) {
		char word[16], *site = NULL, *guest = NULL;
		int mode = STORE_REG_OPEN;
		if (store_setting_get(l->st, "site_name", &site) != 0)
			site = NULL;
		if (store_registration_get(l->st, &mode) != 0)
			mode = STORE_REG_OPEN;
		if (store_setting_get(l->st, "guest_access", &guest) != 0)
			guest = NULL;
		bool guest_on = !(guest && strcmp(guest, "off") == 0);
		fprintf(l->out, "\nStructure and content\n  1. Site name: %s\n  2. Registration: %s\n"
			"  3. Guest access: %s\n  4. Welcome page\n  5. Who we are page\n"
			"  6. Focus areas\n  7. Boards\n", site && site[0] ? line_clean(l, site, false) :
			"(not set)", store_registration_name(mode), guest_on ? "on" : "off");
		free(site);
		free(guest);
		int c = line_choose(l, "Structure: type 1-7, q back> ", 7, "", help, word,
			sizeof word);
		if (c <= 0 || refuse(l))
			return;
		switch (c) {
		case 1: site_name(l); break;
		case 2: registration(l); break;
		case 3: guest_access(l, guest_on); break;
		case 4: page_edit(l, "welcome", "Welcome"); break;
		case 5: page_edit(l, "who-we-are", "Who we are"); break;
		default: sl_list(l, c == 7); break;
		}
	}
}
