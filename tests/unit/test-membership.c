/*
 * test-membership.c: unit tests for membership in store/ (schema version 4), against real
 * database files in a temporary directory.
 *
 * Covers reserved handles and the sector list, the new member fields and their defaults,
 * password resets, profile and preferences (limits, hostile text, time zone names), removing
 * one's own key, the registration mode, applications (every documented refusal, the pending
 * cap, decisions and who may make them), invites (states, presets, a taken handle leaving
 * the invite valid, two processes redeeming one code at once), private messages (who may
 * send to whom, blocking, deleting, read marks, unread counts, client tokens, drafts),
 * the member directory, announcements, endorser names, the data export (checked with a
 * JSON parser) and the migration of a version-3 database to version 4.
 *
 * Some rows are written with SQLite directly (the version-3 database, 499 pending
 * applications, an expired invite): the store's own functions cannot make them.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "common/common.h"
#include "store/store.h"
#include "fixture.h"

#define PWHASH "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
#define BLOB_A "AAAAC3NzaC1lZDI1NTE5AAAAIAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define BLOB_B "AAAAC3NzaC1lZDI1NTE5AAAAIBbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HASH_1 "1111111111111111111111111111111111111111111111111111111111111111"
#define HASH_2 "2222222222222222222222222222222222222222222222222222222222222222"
#define HASH_3 "3333333333333333333333333333333333333333333333333333333333333333"
#define HASH_4 "4444444444444444444444444444444444444444444444444444444444444444"
#define HASH_5 "5555555555555555555555555555555555555555555555555555555555555555"

static int64_t add_user(struct store *st, const char *handle, int role, const char *name)
{
	char *h = xstrdup(handle), *d = xstrdup(name ? name : "");
	struct store_user u = { .handle = h, .display_name = d, .role = role };
	int64_t id = 0;
	CHECK_INT(store_user_add(st, &u, &id), BBS_OK);
	free(h);
	free(d);
	return id;
}

static int set_prefs(struct store *st, int64_t id, const char *tz, bool ascii, bool colour)
{
	struct store_prefs p = { .timezone = tz, .ascii_only = ascii, .colour = colour };
	return store_user_set_prefs(st, id, &p);
}

static struct store_user *get_user(struct store *st, const char *handle)
{
	struct store_user *u = NULL;
	CHECK_INT(store_user_get(st, handle, &u), BBS_OK);
	return u;
}

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "sql: %s\n", msg ? msg : "?");
	sqlite3_free(msg);
	return rc;
}

/* Runs sql on the database file with a connection of its own. */
static int exec_file(const char *name, const char *sql)
{
	char *path = db_path(name);
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(db, 5000);
		rc = exec_sql(db, sql);
	}
	sqlite3_close(db);
	free(path);
	return rc;
}

/* ---- a small JSON checker (RFC 8259 syntax, no duplicate-key check) ---- */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c == '\0' || c < 0x20)
			return NULL;  /* raw control characters are not allowed in strings */
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++) {
					char h = p[i];
					if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f')
						    || (h >= 'A' && h <= 'F')))
						return NULL;
				}
				p += 5;
				continue;
			}
			if (!*p || !strchr("\"\\/bfnrt", *p))
				return NULL;
		}
		p++;
	}
	return p + 1;
}

static const char *json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool object = *p == '{';
		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (object) {
				if (!(p = json_string(json_ws(p))))
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if (!(p = json_value(p, depth + 1)))
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_string(p);
	if (strncmp(p, "true", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	if (strncmp(p, "null", 4) == 0)
		return p + 4;
	return json_number(p);
}

static bool json_valid(const char *s)
{
	const char *end = s ? json_value(s, 0) : NULL;
	return end && *json_ws(end) == '\0';
}

static void test_json_checker(void)
{
	CHECK(json_valid("{\"a\": [1, -2.5e3, true, false, null, \"x\\\"\\\\\\u0001\"]}"));
	CHECK(!json_valid("{\"a\": \"raw\x01\"}"));
	CHECK(!json_valid("{\"a\": [1, 2}"));
	CHECK(!json_valid("{\"a\": 1,}"));
	CHECK(!json_valid("{\"a\" 1}"));
	CHECK(!json_valid("\"bad \\x escape\""));
	CHECK(!json_valid("{} x"));
}

/* ---- users: reserved handles, new fields, passwords, profile, preferences, keys ---- */

static void test_users(void)
{
	struct store *st = open_new("users.db");
	if (!st)
		return;
	CHECK(store_handle_reserved("guest"));
	CHECK(store_handle_reserved("join"));
	CHECK(!store_handle_reserved("alice"));
	CHECK(!store_handle_reserved("guests"));
	CHECK(!store_handle_reserved(NULL));
	CHECK_STR(store_sectors[0], "Government");
	CHECK_STR(store_sectors[1], "Private sector");
	CHECK_STR(store_sectors[2], "Civil society");
	CHECK_STR(store_sectors[3], "Other");
	CHECK_STR(store_status_name(STORE_STATUS_ACTIVE), "active");
	CHECK_STR(store_status_name(STORE_STATUS_DISABLED), "disabled");
	CHECK_STR(store_status_name(STORE_STATUS_PENDING), "pending");
	CHECK_STR(store_status_name(STORE_STATUS_DECLINED), "declined");
	CHECK_STR(store_status_name(4), "?");

	struct store_user g = { .handle = "guest" }, j = { .handle = "join" };
	int64_t id = 77;
	CHECK_INT(store_user_add(st, &g, &id), BBS_ERR_INVALID);
	CHECK_INT(id, 0);
	CHECK_INT(store_user_add(st, &j, NULL), BBS_ERR_INVALID);

	int64_t alice = add_user(st, "alice", 0, "Alice");
	struct store_user *u = get_user(st, "alice");
	if (u) {
		CHECK_STR(u->bio, "");
		CHECK(u->in_directory);
		CHECK(!u->named_endorsements);
		CHECK(!u->must_change_password);
		CHECK_STR(u->timezone, "");
		CHECK(!u->ascii_only);
		CHECK(u->colour);
	}
	store_user_free(u);

	/* Statuses: the new ones are accepted, nothing past them. */
	CHECK_INT(store_user_set_status(st, alice, STORE_STATUS_PENDING), BBS_OK);
	CHECK_INT(store_user_set_status(st, alice, STORE_STATUS_DECLINED), BBS_OK);
	CHECK_INT(store_user_set_status(st, alice, 4), BBS_ERR_INVALID);
	CHECK_INT(store_user_set_status(st, alice, -1), BBS_ERR_INVALID);
	CHECK_INT(store_user_set_status(st, alice, STORE_STATUS_ACTIVE), BBS_OK);

	/* A sysop's reset forces a change; the member's own choice clears it. */
	CHECK_INT(store_user_reset_password(st, alice, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_user_reset_password(st, alice, ""), BBS_ERR_INVALID);
	CHECK_INT(store_user_reset_password(st, alice, "bad hash"), BBS_ERR_INVALID);
	char *bigtok = repeat('x', STORE_TOKEN_MAX + 1);
	CHECK_INT(store_user_reset_password(st, alice, bigtok), BBS_ERR_TOOBIG);
	free(bigtok);
	CHECK_INT(store_user_reset_password(st, 999999, PWHASH), BBS_ERR_NOTFOUND);
	CHECK_INT(store_user_reset_password(st, alice, PWHASH), BBS_OK);
	u = get_user(st, "alice");
	CHECK(u && u->must_change_password);
	CHECK_STR(u ? u->pwhash : NULL, PWHASH);
	store_user_free(u);
	CHECK_INT(store_user_set_password(st, alice, PWHASH "x"), BBS_OK);
	u = get_user(st, "alice");
	CHECK(u && !u->must_change_password);
	CHECK_STR(u ? u->pwhash : NULL, PWHASH "x");
	store_user_free(u);

	/* Profile: cleaned, trimmed, sized. */
	struct store_profile p = { .display_name = "  Alice \x1b[31mRed ", .organisation = "Org\x01",
		.sector = "Civil society", .country = "Bad \xff UTF-8",
		.bio = "Line one\r\nLine two\x1b]0;x\x07\n\n", .in_directory = false,
		.named_endorsements = true };
	CHECK_INT(store_user_set_profile(st, alice, &p), BBS_OK);
	u = get_user(st, "alice");
	if (u) {
		CHECK_STR(u->display_name, "Alice ^[[31mRed");
		CHECK_STR(u->organisation, "Org^A");
		CHECK_STR(u->sector, "Civil society");
		CHECK_STR(u->country, "Bad \xef\xbf\xbd UTF-8");
		CHECK_STR(u->bio, "Line one\nLine two^[]0;x^G");
		CHECK(!u->in_directory);
		CHECK(u->named_endorsements);
	}
	store_user_free(u);
	char *big = repeat('b', STORE_BIO_MAX + 1);
	struct store_profile p2 = { .display_name = "Alice", .bio = big };
	CHECK_INT(store_user_set_profile(st, alice, &p2), BBS_ERR_TOOBIG);
	free(big);
	big = repeat('n', STORE_FIELD_MAX + 1);
	struct store_profile p3 = { .display_name = big };
	CHECK_INT(store_user_set_profile(st, alice, &p3), BBS_ERR_TOOBIG);
	free(big);
	u = get_user(st, "alice");  /* nothing changed by the refused calls */
	CHECK_STR(u ? u->display_name : NULL, "Alice ^[[31mRed");
	store_user_free(u);
	struct store_profile p4 = { .display_name = "Alice", .in_directory = true };
	CHECK_INT(store_user_set_profile(st, 999999, &p4), BBS_ERR_NOTFOUND);
	CHECK_INT(store_user_set_profile(st, alice, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_user_set_profile(st, alice, &p4), BBS_OK);
	u = get_user(st, "alice");
	CHECK(u && u->in_directory && !u->named_endorsements);
	CHECK_STR(u ? u->bio : NULL, "");
	CHECK_STR(u ? u->organisation : NULL, "");
	store_user_free(u);

	/* Preferences and time zone names. */
	CHECK_INT(set_prefs(st, alice, "Europe/London", true, false), BBS_OK);
	u = get_user(st, "alice");
	CHECK_STR(u ? u->timezone : NULL, "Europe/London");
	CHECK(u && u->ascii_only && !u->colour);
	store_user_free(u);
	CHECK_INT(set_prefs(st, alice, "America/Argentina/Buenos_Aires", false, true),
		BBS_OK);
	CHECK_INT(set_prefs(st, alice, "Etc/GMT+5", false, true), BBS_OK);
	CHECK_INT(set_prefs(st, alice, "/etc/passwd", false, true), BBS_ERR_INVALID);
	CHECK_INT(set_prefs(st, alice, "../../etc/passwd", false, true), BBS_ERR_INVALID);
	CHECK_INT(set_prefs(st, alice, "Europe/../../x", false, true), BBS_ERR_INVALID);
	CHECK_INT(set_prefs(st, alice, "Europe/Lon don", false, true), BBS_ERR_INVALID);
	CHECK_INT(set_prefs(st, alice, "Europe\x1b", false, true), BBS_ERR_INVALID);
	CHECK_INT(set_prefs(st, alice, NULL, false, true), BBS_ERR_INVALID);
	big = repeat('a', STORE_TIMEZONE_MAX + 1);
	CHECK_INT(set_prefs(st, alice, big, false, true), BBS_ERR_TOOBIG);
	big[STORE_TIMEZONE_MAX] = '\0';
	CHECK_INT(set_prefs(st, alice, big, false, true), BBS_OK);
	free(big);
	CHECK_INT(set_prefs(st, 999999, "", false, true), BBS_ERR_NOTFOUND);
	CHECK_INT(store_user_set_prefs(st, alice, NULL), BBS_ERR_INVALID);
	{
		/* Schema 7: compact layout and line mode; the resume position. */
		struct store_prefs lp = { .timezone = "", .colour = true, .compact = true,
			.line_mode = true };
		CHECK_INT(store_user_set_prefs(st, alice, &lp), BBS_OK);
		u = get_user(st, "alice");
		CHECK(u && u->compact && u->line_mode && !u->removed);
		CHECK_STR(u ? u->resume : NULL, "");
		store_user_free(u);
		CHECK_INT(store_user_set_resume(st, alice, "thread 12 post 40"), BBS_OK);
		u = get_user(st, "alice");
		CHECK_STR(u ? u->resume : NULL, "thread 12 post 40");
		store_user_free(u);
		CHECK_INT(store_user_set_resume(st, alice, "bad\x1b[2J"), BBS_ERR_INVALID);
		CHECK_INT(store_user_set_resume(st, alice, "caf\xc3\xa9"), BBS_ERR_INVALID);
		CHECK_INT(store_user_set_resume(st, alice, NULL), BBS_ERR_INVALID);
		char *longer = repeat('x', STORE_RESUME_MAX + 1);
		CHECK_INT(store_user_set_resume(st, alice, longer), BBS_ERR_INVALID);
		longer[STORE_RESUME_MAX] = '\0';
		CHECK_INT(store_user_set_resume(st, alice, longer), BBS_OK);
		free(longer);
		CHECK_INT(store_user_set_resume(st, 999999, ""), BBS_ERR_NOTFOUND);
		CHECK_INT(store_user_set_resume(st, alice, ""), BBS_OK);
	}
	CHECK_INT(set_prefs(st, alice, "", false, true), BBS_OK);
	u = get_user(st, "alice");
	CHECK_STR(u ? u->timezone : NULL, "");
	CHECK(u && !u->ascii_only && u->colour);
	store_user_free(u);

	/* Removing one's own keys: never the last way in. */
	int64_t bob = add_user(st, "bob", 0, "Bob");
	CHECK_INT(store_key_add(st, bob, "ssh-ed25519", BLOB_A, "SHA256:aaaa", "", NULL), BBS_OK);
	CHECK_INT(store_key_remove_own(st, bob, "SHA256:aaaa"), BBS_ERR_DENIED);
	struct store_key *k = NULL;
	size_t nk = 0;
	CHECK_INT(store_key_list(st, bob, &k, &nk), BBS_OK);
	CHECK_INT(nk, 1);
	store_key_list_free(k, nk);
	CHECK_INT(store_key_remove_own(st, bob, "SHA256:none"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_key_remove_own(st, bob, "bad fp"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_key_add(st, bob, "ssh-ed25519", BLOB_B, "SHA256:bbbb", "", NULL), BBS_OK);
	CHECK_INT(store_key_remove_own(st, bob, "SHA256:aaaa"), BBS_OK);
	CHECK_INT(store_key_remove_own(st, bob, "SHA256:bbbb"), BBS_ERR_DENIED);
	CHECK_INT(store_user_set_password(st, bob, PWHASH), BBS_OK);
	CHECK_INT(store_key_remove_own(st, bob, "SHA256:bbbb"), BBS_OK);
	CHECK_INT(store_key_list(st, bob, &k, &nk), BBS_OK);
	CHECK_INT(nk, 0);
	store_key_list_free(k, nk);
	CHECK_INT(store_key_remove_own(st, 999999, "SHA256:bbbb"), BBS_ERR_NOTFOUND);
	store_close(st);
}

/* ---- registration mode ---- */

static void test_registration(void)
{
	struct store *st = open_new("registration.db");
	if (!st)
		return;
	int mode = -1;
	CHECK_INT(store_registration_get(st, &mode), BBS_OK);
	CHECK_INT(mode, STORE_REG_OPEN);
	CHECK_STR(store_registration_name(STORE_REG_OPEN), "open");
	CHECK_STR(store_registration_name(STORE_REG_INVITE), "invite");
	CHECK_STR(store_registration_name(STORE_REG_CLOSED), "closed");
	CHECK_STR(store_registration_name(7), "?");
	CHECK_INT(store_registration_parse("invite", &mode), BBS_OK);
	CHECK_INT(mode, STORE_REG_INVITE);
	CHECK_INT(store_registration_parse("closed", &mode), BBS_OK);
	CHECK_INT(mode, STORE_REG_CLOSED);
	CHECK_INT(store_registration_parse("Open", &mode), BBS_ERR_INVALID);
	CHECK_INT(store_registration_parse(NULL, &mode), BBS_ERR_INVALID);
	CHECK_INT(store_registration_parse("open", NULL), BBS_ERR_INVALID);
	CHECK_INT(store_registration_set(st, STORE_REG_CLOSED), BBS_OK);
	CHECK_INT(store_registration_get(st, &mode), BBS_OK);
	CHECK_INT(mode, STORE_REG_CLOSED);
	CHECK_INT(store_registration_set(st, 3), BBS_ERR_INVALID);
	CHECK_INT(store_registration_set(st, -1), BBS_ERR_INVALID);
	CHECK_INT(store_registration_get(st, &mode), BBS_OK);
	CHECK_INT(mode, STORE_REG_CLOSED);
	/* An unreadable word is OPEN. */
	CHECK_INT(store_setting_set(st, "registration", "sometimes"), BBS_OK);
	CHECK_INT(store_registration_get(st, &mode), BBS_OK);
	CHECK_INT(mode, STORE_REG_OPEN);
	store_close(st);
}

/* ---- applications ---- */

static struct store_application_form app_form(const char *handle)
{
	struct store_application_form f = { .handle = handle, .display_name = "Applicant",
		.organisation = "Org", .sector = "Government", .country = "UK",
		.reason = "I work on child protection.\nI want to help.", .contact = "me@example.org",
		.cred = { .pwhash = PWHASH } };
	return f;
}

static void test_applications(void)
{
	struct store *st = open_new("applications.db");
	if (!st)
		return;
	int64_t sysop = add_user(st, "sysop", STORE_ROLE_SYSOP, "Sysop");
	int64_t mod = add_user(st, "mod", STORE_ROLE_MODERATOR, "Mod");
	int64_t member = add_user(st, "member", 0, "Member");

	struct store_application_form f = app_form("appl");
	int64_t id = 0, id2 = 0;
	CHECK_INT(store_application_submit(st, &f, &id), BBS_OK);
	CHECK(id > 0);
	struct store_user *u = get_user(st, "appl");
	CHECK_INT(u ? u->status : -1, STORE_STATUS_PENDING);
	CHECK_INT(u ? u->role : -1, STORE_ROLE_MEMBER);
	CHECK_STR(u ? u->pwhash : NULL, PWHASH);
	CHECK_STR(u ? u->organisation : NULL, "Org");
	store_user_free(u);
	struct store_application a;
	CHECK_INT(store_application_get(st, "appl", &a), BBS_OK);
	CHECK_INT(a.user_id, id);
	CHECK_STR(a.handle, "appl");
	CHECK_STR(a.display_name, "Applicant");
	CHECK_STR(a.reason, "I work on child protection.\nI want to help.");
	CHECK_STR(a.contact, "me@example.org");
	CHECK_STR(a.login, "password");
	CHECK_INT(a.status, STORE_STATUS_PENDING);
	CHECK(a.created > 0);
	CHECK_INT(a.decided, 0);
	CHECK_STR(a.decided_by, "");
	store_application_finish(&a);
	CHECK_INT(store_application_get(st, "nobody", &a), BBS_ERR_NOTFOUND);
	CHECK_INT(store_application_get(st, "member", &a), BBS_ERR_NOTFOUND);
	CHECK_INT(store_application_get(st, "BAD!", &a), BBS_ERR_NOTFOUND);

	/* With a key instead of a password. */
	struct store_application_form fk = app_form("keyed");
	fk.cred = (struct store_credential){ .key_type = "ssh-ed25519", .key_blob = BLOB_A,
		.key_fp = "SHA256:keyed", .key_comment = "me@laptop" };
	CHECK_INT(store_application_submit(st, &fk, &id2), BBS_OK);
	CHECK_INT(store_application_get(st, "keyed", &a), BBS_OK);
	CHECK_STR(a.login, "key SHA256:keyed");
	store_application_finish(&a);
	struct store_key *k = NULL;
	size_t nk = 0;
	CHECK_INT(store_key_list(st, id2, &k, &nk), BBS_OK);
	CHECK_INT(nk, 1);
	CHECK_STR(nk ? k[0].fingerprint : NULL, "SHA256:keyed");
	CHECK_STR(nk ? k[0].comment : NULL, "me@laptop");
	store_key_list_free(k, nk);
	u = get_user(st, "keyed");
	CHECK(u && u->pwhash == NULL);
	store_user_free(u);

	/* Refusals. */
	int64_t none = 5;
	f = app_form("appl");
	CHECK_INT(store_application_submit(st, &f, &none), BBS_ERR_EXISTS);
	CHECK_INT(none, 0);
	f = app_form("member");
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_EXISTS);
	f = app_form("guest");
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);
	f = app_form("join");
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);
	f = app_form("Bad Handle");
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);
	f = app_form(NULL);
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);
	f = app_form("fresh");
	f.display_name = "   ";
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);
	f = app_form("fresh");
	f.reason = "\n \n";
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);
	f = app_form("fresh");
	f.contact = NULL;
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);
	f = app_form("fresh");
	f.cred = (struct store_credential){ 0 };
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);
	f = app_form("fresh");
	f.cred.key_type = "ssh-ed25519";
	f.cred.key_blob = BLOB_A;
	f.cred.key_fp = "SHA256:x";
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);  /* both */
	f = app_form("fresh");
	f.cred = (struct store_credential){ .key_type = "ssh-ed25519", .key_blob = "not base64!",
		.key_fp = "SHA256:x" };
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);
	f = app_form("fresh");
	f.cred = (struct store_credential){ .key_type = "ssh-ed25519", .key_blob = BLOB_A };
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_INVALID);  /* no fingerprint */
	char *big = repeat('r', STORE_REASON_MAX + 1);
	f = app_form("fresh");
	f.reason = big;
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_TOOBIG);
	big[STORE_REASON_MAX] = '\0';
	f.handle = "fresh2";
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_OK);
	free(big);
	big = repeat('c', STORE_FIELD_MAX + 1);
	f = app_form("fresh");
	f.contact = big;
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_TOOBIG);
	f = app_form("fresh");
	f.organisation = big;
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_TOOBIG);
	free(big);
	CHECK_INT(store_user_get(st, "fresh", &u), BBS_ERR_NOTFOUND);  /* nothing half-made */

	/* Hostile text is cleaned. */
	f = app_form("hostile");
	f.display_name = "Evil\x1b[2J\xc3";
	f.reason = "Please\x1b]52;c;AAAA\x07 let me in\x7f";
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_OK);
	CHECK_INT(store_application_get(st, "hostile", &a), BBS_OK);
	CHECK_STR(a.display_name, "Evil^[[2J\xef\xbf\xbd");
	CHECK_STR(a.reason, "Please^[]52;c;AAAA^G let me in^?");
	store_application_finish(&a);

	/* Only OPEN takes applications. */
	CHECK_INT(store_registration_set(st, STORE_REG_INVITE), BBS_OK);
	f = app_form("later");
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_DENIED);
	CHECK_INT(store_registration_set(st, STORE_REG_CLOSED), BBS_OK);
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_DENIED);
	CHECK_INT(store_registration_set(st, STORE_REG_OPEN), BBS_OK);

	/* Deciding: sysops and the console only, once. */
	CHECK_INT(store_application_decide(st, member, "appl", true), BBS_ERR_DENIED);
	CHECK_INT(store_application_decide(st, mod, "appl", true), BBS_ERR_DENIED);
	CHECK_INT(store_application_decide(st, 999999, "appl", true), BBS_ERR_DENIED);
	CHECK_INT(store_application_decide(st, sysop, "nobody", true), BBS_ERR_NOTFOUND);
	CHECK_INT(store_application_decide(st, sysop, "member", true), BBS_ERR_NOTFOUND);
	CHECK_INT(store_application_decide(st, sysop, "appl", true), BBS_OK);
	CHECK_INT(store_application_decide(st, sysop, "appl", false), BBS_ERR_INVALID);
	CHECK_INT(store_application_decide(st, 0, "appl", true), BBS_ERR_INVALID);
	u = get_user(st, "appl");
	CHECK_INT(u ? u->status : -1, STORE_STATUS_ACTIVE);
	store_user_free(u);
	CHECK_INT(store_application_get(st, "appl", &a), BBS_OK);
	CHECK_INT(a.status, STORE_STATUS_ACTIVE);
	CHECK(a.decided > 0);
	CHECK_STR(a.decided_by, "sysop");
	store_application_finish(&a);
	CHECK_INT(store_application_decide(st, 0, "keyed", false), BBS_OK);
	CHECK_INT(store_application_get(st, "keyed", &a), BBS_OK);
	CHECK_INT(a.status, STORE_STATUS_DECLINED);
	CHECK_STR(a.decided_by, "");
	store_application_finish(&a);
	u = get_user(st, "keyed");
	CHECK_INT(u ? u->status : -1, STORE_STATUS_DECLINED);
	store_user_free(u);
	/* A disabled sysop decides nothing. */
	int64_t sysop2 = add_user(st, "sysop2", STORE_ROLE_SYSOP, "");
	CHECK_INT(store_user_set_status(st, sysop2, STORE_STATUS_DISABLED), BBS_OK);
	CHECK_INT(store_application_decide(st, sysop2, "fresh2", true), BBS_ERR_DENIED);

	/* Lists: pending first (oldest first), then decided. */
	struct store_application *v = NULL;
	size_t n = 0;
	CHECK_INT(store_application_list(st, true, &v, &n), BBS_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(v[0].handle, "fresh2");
		CHECK_STR(v[1].handle, "hostile");
	}
	store_application_list_free(v, n);
	CHECK_INT(store_application_list(st, false, &v, &n), BBS_OK);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(v[0].handle, "fresh2");
		CHECK_STR(v[1].handle, "hostile");
		CHECK(v[2].decided >= v[3].decided);
		CHECK(v[2].decided > 0 && v[3].decided > 0);
	}
	store_application_list_free(v, n);
	store_close(st);
}

/* The cap on pending applications: 499 written directly, then the store's own. */
static void test_pending_cap(void)
{
	struct store *st = open_new("cap.db");
	if (!st)
		return;
	int64_t sysop = add_user(st, "sysop", STORE_ROLE_SYSOP, "");
	CHECK_INT(exec_file("cap.db", "BEGIN;"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 499) "
		"INSERT INTO users (handle, status, created) SELECT 'pend' || i, 2, 1 FROM n;"
		"INSERT INTO applications (user_id, reason, contact, login, created) "
		"SELECT id, 'r', 'c', 'password', 1 FROM users WHERE handle LIKE 'pend%';"
		"COMMIT;"), SQLITE_OK);
	struct store_application_form f = app_form("last");
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_OK);
	f = app_form("onetoomany");
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_BUSY);
	struct store_user *u = NULL;
	CHECK_INT(store_user_get(st, "onetoomany", &u), BBS_ERR_NOTFOUND);
	/* A decision makes room. */
	CHECK_INT(store_application_decide(st, sysop, "pend1", false), BBS_OK);
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_OK);
	f = app_form("another");
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_ERR_BUSY);
	store_close(st);
}

/* ---- invites ---- */

static struct store_join_form join_form(const char *hash, const char *handle)
{
	struct store_join_form f = { .code_hash = hash, .handle = handle, .display_name = "Joiner",
		.cred = { .pwhash = PWHASH } };
	return f;
}

/* A child process: redeems hash as handle and exits 0 (joined), 1 (denied) or 2. */
static void redeem_child(const char *hash, const char *handle, int gate)
{
	char c;
	/* Wait for the parent to open the gate, so both children go at once. */
	if (read(gate, &c, 1) < 0)
		_exit(3);
	char *path = db_path("invites.db");
	struct store *st = NULL;
	int r = store_open(path, &st);
	if (r == BBS_OK) {
		struct store_join_form f = join_form(hash, handle);
		r = store_invite_redeem(st, &f, NULL);
	}
	store_close(st);
	free(path);
	_exit(r == BBS_OK ? 0 : r == BBS_ERR_DENIED ? 1 : 2);
}

static void test_invite_race(void)
{
	int gate[2];
	if (pipe(gate) != 0) {
		CHECK(!"pipe");
		return;
	}
	pid_t pids[2];
	const char *handles[2] = { "racer1", "racer2" };
	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(gate[1]);
			redeem_child(HASH_5, handles[i], gate[0]);
		}
	}
	close(gate[0]);
	close(gate[1]);  /* both reads return 0 now */
	int joined = 0, denied = 0;
	for (int i = 0; i < 2; i++) {
		int status = 0;
		if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status)) {
			joined += WEXITSTATUS(status) == 0;
			denied += WEXITSTATUS(status) == 1;
		}
	}
	CHECK_INT(joined, 1);
	CHECK_INT(denied, 1);
}

static void test_invites(void)
{
	struct store *st = open_new("invites.db");
	if (!st)
		return;
	int64_t sysop = add_user(st, "sysop", STORE_ROLE_SYSOP, "");
	int64_t mod = add_user(st, "mod", STORE_ROLE_MODERATOR, "");
	add_user(st, "taken", 0, "");
	int64_t later = bbs_now() + 86400, id1 = 0, id2 = 0, id3 = 0, id4 = 0, id5 = 0, none = 9;

	CHECK_INT(store_invite_create(st, mod, HASH_1, later, 0, "", "", "", &none),
		BBS_ERR_DENIED);
	CHECK_INT(none, 0);
	CHECK_INT(store_invite_create(st, 999999, HASH_1, later, 0, "", "", "", NULL),
		BBS_ERR_DENIED);
	CHECK_INT(store_invite_create(st, sysop, "ABCD", later, 0, "", "", "", NULL),
		BBS_ERR_INVALID);
	char *upper = xstrdup(HASH_1);
	upper[0] = 'A';
	CHECK_INT(store_invite_create(st, sysop, upper, later, 0, "", "", "", NULL),
		BBS_ERR_INVALID);
	free(upper);
	CHECK_INT(store_invite_create(st, sysop, HASH_1, bbs_now() - 1, 0, "", "", "", NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_invite_create(st, sysop, HASH_1, later, 9, "", "", "", NULL),
		BBS_ERR_INVALID);
	char *big = repeat('n', STORE_FIELD_MAX + 1);
	CHECK_INT(store_invite_create(st, sysop, HASH_1, later, 0, "", "", big, NULL),
		BBS_ERR_TOOBIG);
	free(big);
	CHECK_INT(store_invite_create(st, sysop, HASH_1, later, STORE_ROLE_MODERATOR, "Police",
		"Government", "For Dana\x1b[1m", &id1), BBS_OK);
	CHECK_INT(store_invite_create(st, sysop, HASH_1, later, 0, "", "", "", NULL),
		BBS_ERR_EXISTS);
	CHECK_INT(store_invite_create(st, 0, HASH_2, later, 0, NULL, NULL, NULL, &id2), BBS_OK);
	CHECK_INT(store_invite_create(st, 0, HASH_3, later, 0, NULL, NULL, "expire me", &id3),
		BBS_OK);
	CHECK_INT(store_invite_create(st, 0, HASH_4, later, 0, NULL, NULL, NULL, &id4), BBS_OK);
	CHECK_INT(store_invite_create(st, 0, HASH_5, later, 0, NULL, NULL, "race", &id5), BBS_OK);

	struct store_invite inv;
	CHECK_INT(store_invite_check(st, HASH_1, &inv), BBS_OK);
	CHECK_INT(inv.id, id1);
	CHECK_INT(inv.state, STORE_INVITE_VALID);
	CHECK_INT(inv.role, STORE_ROLE_MODERATOR);
	CHECK_STR(inv.created_by, "sysop");
	CHECK_STR(inv.organisation, "Police");
	CHECK_STR(inv.note, "For Dana^[[1m");
	CHECK_STR(inv.used_by, "");
	CHECK_INT(inv.expires, later);
	store_invite_finish(&inv);
	CHECK_INT(store_invite_check(st, HASH_2, &inv), BBS_OK);
	CHECK_STR(inv.created_by, "");
	CHECK_INT(inv.role, STORE_ROLE_MEMBER);
	store_invite_finish(&inv);
	CHECK_INT(store_invite_check(st, "9999999999999999999999999999999999999999999999999999999999999999",
		&inv), BBS_ERR_NOTFOUND);
	CHECK_INT(store_invite_check(st, "nonsense", &inv), BBS_ERR_NOTFOUND);
	CHECK_STR(store_invite_state_name(STORE_INVITE_VALID), "valid");
	CHECK_STR(store_invite_state_name(STORE_INVITE_USED), "used");
	CHECK_STR(store_invite_state_name(STORE_INVITE_EXPIRED), "expired");
	CHECK_STR(store_invite_state_name(STORE_INVITE_REVOKED), "revoked");

	/* Unknown code; taken handle leaves the invite valid. */
	struct store_join_form f = join_form(
		"9999999999999999999999999999999999999999999999999999999999999999", "dana");
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_ERR_NOTFOUND);
	f = join_form("short", "dana");
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_ERR_NOTFOUND);
	f = join_form(HASH_1, "taken");
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_ERR_EXISTS);
	f = join_form(HASH_1, "guest");
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_ERR_INVALID);
	f = join_form(HASH_1, "dana");
	f.cred = (struct store_credential){ 0 };
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_invite_check(st, HASH_1, &inv), BBS_OK);
	CHECK_INT(inv.state, STORE_INVITE_VALID);
	store_invite_finish(&inv);

	/* Redeeming: an active member with the presets, the invite used. */
	int64_t dana = 0;
	f = join_form(HASH_1, "dana");
	f.sector = "";
	f.cred = (struct store_credential){ .key_type = "ssh-ed25519", .key_blob = BLOB_A,
		.key_fp = "SHA256:dana" };
	CHECK_INT(store_invite_redeem(st, &f, &dana), BBS_OK);
	CHECK(dana > 0);
	struct store_user *u = get_user(st, "dana");
	CHECK_INT(u ? u->status : -1, STORE_STATUS_ACTIVE);
	CHECK_INT(u ? u->role : -1, STORE_ROLE_MODERATOR);
	CHECK_STR(u ? u->organisation : NULL, "Police");
	CHECK_STR(u ? u->sector : NULL, "Government");
	CHECK(u && u->pwhash == NULL);
	store_user_free(u);
	struct store_key *k = NULL;
	size_t nk = 0;
	CHECK_INT(store_key_list(st, dana, &k, &nk), BBS_OK);
	CHECK_INT(nk, 1);
	store_key_list_free(k, nk);
	CHECK_INT(store_invite_check(st, HASH_1, &inv), BBS_OK);
	CHECK_INT(inv.state, STORE_INVITE_USED);
	CHECK_STR(inv.used_by, "dana");
	CHECK(inv.used_at > 0);
	store_invite_finish(&inv);
	f = join_form(HASH_1, "dana2");
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_ERR_DENIED);
	CHECK_INT(store_invite_revoke(st, id1), BBS_ERR_INVALID);

	/* The form's own organisation wins over the preset. */
	CHECK_INT(store_invite_create(st, 0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		later, 0, "Preset Org", "Other", NULL, NULL), BBS_OK);
	f = join_form("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "erin");
	f.organisation = "Own Org";
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_OK);
	u = get_user(st, "erin");
	CHECK_STR(u ? u->organisation : NULL, "Own Org");
	CHECK_STR(u ? u->sector : NULL, "Other");
	CHECK_INT(u ? u->role : -1, STORE_ROLE_MEMBER);
	store_user_free(u);

	/* Revoked. */
	CHECK_INT(store_invite_revoke(st, id2), BBS_OK);
	CHECK_INT(store_invite_revoke(st, id2), BBS_OK);
	CHECK_INT(store_invite_revoke(st, 999999), BBS_ERR_NOTFOUND);
	CHECK_INT(store_invite_check(st, HASH_2, &inv), BBS_OK);
	CHECK_INT(inv.state, STORE_INVITE_REVOKED);
	store_invite_finish(&inv);
	f = join_form(HASH_2, "frank");
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_ERR_DENIED);

	/* Expired (the expiry moved into the past directly: no waiting). */
	CHECK_INT(exec_file("invites.db", "UPDATE invites SET expires = 1000 WHERE note = 'expire me'"),
		SQLITE_OK);
	CHECK_INT(store_invite_check(st, HASH_3, &inv), BBS_OK);
	CHECK_INT(inv.state, STORE_INVITE_EXPIRED);
	store_invite_finish(&inv);
	f = join_form(HASH_3, "frank");
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_ERR_DENIED);
	CHECK_INT(store_user_get(st, "frank", &u), BBS_ERR_NOTFOUND);

	/* The registration mode: INVITE still takes invites, CLOSED does not. */
	CHECK_INT(store_registration_set(st, STORE_REG_CLOSED), BBS_OK);
	f = join_form(HASH_4, "gina");
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_ERR_DENIED);
	CHECK_INT(store_invite_check(st, HASH_4, &inv), BBS_OK);
	CHECK_INT(inv.state, STORE_INVITE_VALID);
	store_invite_finish(&inv);
	CHECK_INT(store_registration_set(st, STORE_REG_INVITE), BBS_OK);
	CHECK_INT(store_invite_redeem(st, &f, NULL), BBS_OK);

	/* Two processes redeeming one code at once: exactly one member. */
	test_invite_race();
	CHECK_INT(store_invite_check(st, HASH_5, &inv), BBS_OK);
	CHECK_INT(inv.state, STORE_INVITE_USED);
	CHECK(strcmp(inv.used_by, "racer1") == 0 || strcmp(inv.used_by, "racer2") == 0);
	store_invite_finish(&inv);
	struct store_user *r1 = NULL, *r2 = NULL;
	int e1 = store_user_get(st, "racer1", &r1), e2 = store_user_get(st, "racer2", &r2);
	CHECK((e1 == BBS_OK) != (e2 == BBS_OK));
	store_user_free(r1);
	store_user_free(r2);

	/* The list, newest first, with states. */
	struct store_invite *v = NULL;
	size_t n = 0;
	CHECK_INT(store_invite_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, 6);
	for (size_t i = 1; i < n; i++)
		CHECK(v[i - 1].id > v[i].id);
	if (n == 6) {
		CHECK_INT(v[5].id, id1);
		CHECK_INT(v[5].state, STORE_INVITE_USED);
		CHECK_INT(v[4].state, STORE_INVITE_REVOKED);
		CHECK_INT(v[3].state, STORE_INVITE_EXPIRED);
	}
	store_invite_list_free(v, n);
	store_close(st);
}

/* ---- private messages and blocking ---- */

static int64_t inbox_count(struct store *st, int64_t user, enum store_folder folder)
{
	struct store_message *v = NULL;
	size_t n = 0;
	CHECK_INT(store_message_list(st, user, folder, 0, 500, &v, &n), BBS_OK);
	store_message_list_free(v, n);
	return (int64_t)n;
}

static int64_t unread(struct store *st, int64_t user)
{
	int64_t c = -1;
	CHECK_INT(store_message_unread(st, user, &c), BBS_OK);
	return c;
}

static void test_messages(void)
{
	struct store *st = open_new("messages.db");
	if (!st)
		return;
	int64_t amy = add_user(st, "amy", 0, "Amy");
	int64_t ben = add_user(st, "ben", 0, "Ben");
	int64_t cat = add_user(st, "cat", 0, "Cat");
	int64_t dis = add_user(st, "dis", 0, "Disabled");
	CHECK_INT(store_user_set_status(st, dis, STORE_STATUS_DISABLED), BBS_OK);
	struct store_application_form af = app_form("pend");
	CHECK_INT(store_application_submit(st, &af, NULL), BBS_OK);

	int64_t m1 = 0, m2 = 0, none = 4;
	CHECK_INT(store_message_send(st, amy, "amy", "Hi", "Me", 0, NULL, &none), BBS_ERR_INVALID);
	CHECK_INT(none, 0);
	CHECK_INT(store_message_send(st, amy, "nobody", "Hi", "Body", 0, NULL, NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_message_send(st, amy, "Not A Handle", "Hi", "Body", 0, NULL, NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_message_send(st, amy, "pend", "Hi", "Body", 0, NULL, NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_message_send(st, amy, "dis", "Hi", "Body", 0, NULL, NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_message_send(st, dis, "amy", "Hi", "Body", 0, NULL, NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_message_send(st, amy, "ben", "  ", "Body", 0, NULL, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_message_send(st, amy, "ben", "Hi", "\n\n", 0, NULL, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_message_send(st, amy, "ben", NULL, "Body", 0, NULL, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_message_send(st, amy, "ben", "Hi", "Body", 0, "bad token", NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_message_send(st, amy, "ben", "Hi", "Body", 424242, NULL, NULL),
		BBS_ERR_INVALID);
	char *big = repeat('m', STORE_MESSAGE_MAX + 1);
	CHECK_INT(store_message_send(st, amy, "ben", "Hi", big, 0, NULL, NULL), BBS_ERR_TOOBIG);
	free(big);
	big = repeat('s', STORE_TITLE_MAX + 1);
	CHECK_INT(store_message_send(st, amy, "ben", big, "Body", 0, NULL, NULL), BBS_ERR_TOOBIG);
	free(big);
	CHECK_INT(inbox_count(st, ben, STORE_INBOX), 0);

	/* Sending, with hostile text cleaned, and an idempotent token. */
	CHECK_INT(store_message_send(st, amy, "ben", "Hello\x1b[2J", "Line 1\r\nLine \xff 2\x1b]0;t\x07",
		0, "tok-1", &m1), BBS_OK);
	CHECK(m1 > 0);
	CHECK_INT(store_message_send(st, amy, "ben", "Hello again", "Other", 0, "tok-1", &m2),
		BBS_OK);
	CHECK_INT(m2, m1);
	CHECK_INT(store_message_send(st, amy, "cat", "Hello", "Body", 0, "tok-1", &m2),
		BBS_ERR_EXISTS);
	CHECK_INT(inbox_count(st, ben, STORE_INBOX), 1);
	CHECK_INT(inbox_count(st, amy, STORE_SENT), 1);
	/* A retry after the recipient blocked the sender still answers with the first id. */
	CHECK_INT(store_block_set(st, ben, "amy", true), BBS_OK);
	CHECK_INT(store_message_send(st, amy, "ben", "Hello", "Body", 0, "tok-1", &m2), BBS_OK);
	CHECK_INT(m2, m1);
	CHECK_INT(store_block_set(st, ben, "amy", false), BBS_OK);
	CHECK_INT(inbox_count(st, amy, STORE_INBOX), 0);
	CHECK_INT(unread(st, ben), 1);
	CHECK_INT(unread(st, amy), 0);

	struct store_message m;
	CHECK_INT(store_message_get(st, cat, m1, &m), BBS_ERR_NOTFOUND);
	CHECK_INT(store_message_get(st, amy, 999999, &m), BBS_ERR_NOTFOUND);
	CHECK_INT(store_message_get(st, amy, m1, &m), BBS_OK);  /* the sender: stays unread */
	CHECK_INT(m.read_at, 0);
	store_message_finish(&m);
	CHECK_INT(unread(st, ben), 1);
	CHECK_INT(store_message_get(st, ben, m1, &m), BBS_OK);
	CHECK_STR(m.subject, "Hello^[[2J");
	CHECK_STR(m.body, "Line 1\nLine \xef\xbf\xbd 2^[]0;t^G");
	CHECK_STR(m.sender_handle, "amy");
	CHECK_STR(m.sender_name, "Amy");
	CHECK_STR(m.recipient_handle, "ben");
	CHECK_STR(m.recipient_name, "Ben");
	CHECK_INT(m.sender_id, amy);
	CHECK_INT(m.recipient_id, ben);
	CHECK(m.read_at > 0);
	CHECK(m.created > 0);
	store_message_finish(&m);
	CHECK_INT(unread(st, ben), 0);

	/* Replies: only to a message the sender can see. */
	int64_t r1 = 0;
	CHECK_INT(store_message_send(st, cat, "ben", "Re: Hello", "Me too", m1, NULL, NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_message_send(st, ben, "amy", "Re: Hello", "Hi back", m1, NULL, &r1), BBS_OK);
	CHECK_INT(store_message_get(st, amy, r1, &m), BBS_OK);
	CHECK_INT(m.reply_to, m1);
	store_message_finish(&m);

	/* Folders list newest first. */
	int64_t m3 = 0;
	CHECK_INT(store_message_send(st, amy, "ben", "Second", "Body", 0, NULL, &m3), BBS_OK);
	CHECK_INT(store_message_send(st, cat, "ben", "From cat", "Body", 0, NULL, NULL), BBS_OK);
	struct store_message *v = NULL;
	size_t n = 0;
	CHECK_INT(store_message_list(st, ben, STORE_INBOX, 0, 2, &v, &n), BBS_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(v[0].subject, "From cat");
		CHECK_STR(v[1].subject, "Second");
	}
	store_message_list_free(v, n);
	CHECK_INT(store_message_list(st, ben, STORE_INBOX, 2, 2, &v, &n), BBS_OK);
	CHECK_INT(n, 1);
	store_message_list_free(v, n);
	CHECK_INT(store_message_list(st, ben, STORE_INBOX, 0, 0, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(store_message_list(st, ben, STORE_INBOX, -1, 5, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(store_message_list(st, ben, (enum store_folder)7, 0, 5, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(unread(st, ben), 2);

	/* Blocking: refused sends, hidden inbox, unread count, list, check. */
	CHECK_INT(store_block_set(st, ben, "ben", true), BBS_ERR_INVALID);
	CHECK_INT(store_block_set(st, ben, "nobody", true), BBS_ERR_NOTFOUND);
	CHECK_INT(store_block_set(st, ben, "BAD HANDLE", true), BBS_ERR_NOTFOUND);
	CHECK_INT(store_block_set(st, ben, "amy", true), BBS_OK);
	CHECK_INT(store_block_set(st, ben, "amy", true), BBS_OK);
	CHECK_INT(store_message_send(st, amy, "ben", "Blocked?", "Body", 0, NULL, NULL),
		BBS_ERR_DENIED);
	CHECK_INT(store_message_send(st, ben, "amy", "I can still write", "Body", 0, NULL, NULL),
		BBS_OK);
	CHECK_INT(inbox_count(st, ben, STORE_INBOX), 1);
	CHECK_INT(unread(st, ben), 1);
	bool blocked = false;
	CHECK_INT(store_block_check(st, ben, amy, &blocked), BBS_OK);
	CHECK(blocked);
	CHECK_INT(store_block_check(st, amy, ben, &blocked), BBS_OK);
	CHECK(!blocked);
	struct store_user **bl = NULL;
	size_t nb = 0;
	CHECK_INT(store_user_set_password(st, amy, PWHASH), BBS_OK);
	CHECK_INT(store_block_list(st, ben, &bl, &nb), BBS_OK);
	CHECK_INT(nb, 1);
	if (nb == 1) {
		CHECK_STR(bl[0]->handle, "amy");
		CHECK(bl[0]->pwhash == NULL);
	}
	store_user_list_free(bl, nb);
	CHECK_INT(store_block_set(st, ben, "amy", false), BBS_OK);
	CHECK_INT(store_block_set(st, ben, "amy", false), BBS_OK);
	CHECK_INT(inbox_count(st, ben, STORE_INBOX), 3);
	CHECK_INT(unread(st, ben), 2);
	CHECK_INT(store_block_list(st, ben, &bl, &nb), BBS_OK);
	CHECK_INT(nb, 0);
	store_user_list_free(bl, nb);

	/* Deleting: gone from the viewer's folders only. */
	CHECK_INT(store_message_delete(st, cat, m3), BBS_ERR_NOTFOUND);
	CHECK_INT(store_message_delete(st, ben, m3), BBS_OK);
	CHECK_INT(store_message_delete(st, ben, m3), BBS_ERR_NOTFOUND);
	CHECK_INT(store_message_get(st, ben, m3, &m), BBS_ERR_NOTFOUND);
	CHECK_INT(inbox_count(st, ben, STORE_INBOX), 2);
	CHECK_INT(unread(st, ben), 1);
	CHECK_INT(store_message_get(st, amy, m3, &m), BBS_OK);
	store_message_finish(&m);
	CHECK_INT(inbox_count(st, amy, STORE_SENT), 2);
	CHECK_INT(store_message_delete(st, amy, m3), BBS_OK);
	CHECK_INT(inbox_count(st, amy, STORE_SENT), 1);
	/* A deleted message cannot be replied to by the one who deleted it. */
	CHECK_INT(store_message_send(st, amy, "ben", "Re", "x", m3, NULL, NULL), BBS_ERR_INVALID);

	/* Drafts for messages. */
	CHECK_INT(store_draft_save(st, amy, "message:ben", "Subject", "Body\x1b"), BBS_OK);
	struct store_draft d;
	CHECK_INT(store_draft_get(st, amy, "message:ben", &d), BBS_OK);
	CHECK_STR(d.title, "Subject");
	CHECK_STR(d.body, "Body^[");
	store_draft_finish(&d);
	char ctx[64];
	CHECK_INT(bbs_snprintf(ctx, sizeof ctx, "message-reply:%lld", (long long)m1), 0);
	CHECK_INT(store_draft_save(st, amy, ctx, "", "Reply"), BBS_OK);
	CHECK_INT(store_draft_get(st, amy, ctx, &d), BBS_OK);
	CHECK_STR(d.body, "Reply");
	store_draft_finish(&d);
	CHECK_INT(store_draft_delete(st, amy, ctx), BBS_OK);
	CHECK_INT(store_draft_get(st, amy, ctx, &d), BBS_ERR_NOTFOUND);
	CHECK_INT(store_draft_delete(st, amy, "message:ben"), BBS_OK);
	CHECK_INT(store_draft_save(st, amy, "message:", "", "x"), BBS_ERR_INVALID);
	CHECK_INT(store_draft_save(st, amy, "message:Bad Handle", "", "x"), BBS_ERR_INVALID);
	CHECK_INT(store_draft_save(st, amy, "message-reply:", "", "x"), BBS_ERR_INVALID);
	CHECK_INT(store_draft_save(st, amy, "message-reply:12x", "", "x"), BBS_ERR_INVALID);
	CHECK_INT(store_draft_save(st, amy, "messages:ben", "", "x"), BBS_ERR_INVALID);
	CHECK_INT(store_draft_get(st, amy, "message:", &d), BBS_ERR_NOTFOUND);
	store_close(st);
}

/* ---- the member directory ---- */

static void set_profile(struct store *st, int64_t id, const char *name, const char *org,
	const char *sector, const char *country, bool listed)
{
	struct store_profile p = { .display_name = name, .organisation = org, .sector = sector,
		.country = country, .in_directory = listed };
	CHECK_INT(store_user_set_profile(st, id, &p), BBS_OK);
}

/* The handles of a directory query, space-separated, into out. */
static int directory(struct store *st, const char *query, const char *sector, int64_t offset,
	int64_t limit, char *out, size_t outlen)
{
	struct store_user **v = NULL;
	size_t n = 0;
	out[0] = '\0';
	int err = store_directory(st, query, sector, offset, limit, &v, &n);
	for (size_t i = 0; i < n; i++) {
		CHECK(v[i]->pwhash == NULL);
		size_t len = strlen(out);
		CHECK_INT(bbs_snprintf(out + len, outlen - len, "%s%s", len ? " " : "",
			v[i]->handle), 0);
	}
	store_user_list_free(v, n);
	return err;
}

static void test_directory(void)
{
	struct store *st = open_new("directory.db");
	if (!st)
		return;
	char out[512];
	int64_t a = add_user(st, "zed", 0, "");
	int64_t b = add_user(st, "bea", 0, "");
	int64_t c = add_user(st, "carl", 0, "");
	int64_t d = add_user(st, "dora", 0, "");
	int64_t e = add_user(st, "hidden", 0, "");
	int64_t f = add_user(st, "gone", 0, "");
	set_profile(st, a, "Anna Zed", "Interpol", "Government", "France", true);
	set_profile(st, b, "beatrice Smith", "SafeNet", "Civil society", "Kenya", true);
	set_profile(st, c, "Carl Jones", "TechCorp", "Private sector", "USA", true);
	set_profile(st, d, "", "Hotline", "Civil society", "Brazil", true);
	set_profile(st, e, "Hidden Person", "Interpol", "Government", "France", false);
	set_profile(st, f, "Gone Person", "Interpol", "Government", "France", true);
	CHECK_INT(store_user_set_password(st, a, PWHASH), BBS_OK);
	CHECK_INT(store_user_set_status(st, f, STORE_STATUS_DISABLED), BBS_OK);
	struct store_application_form af = app_form("pending");
	af.organisation = "Interpol";
	CHECK_INT(store_application_submit(st, &af, NULL), BBS_OK);

	/* Ordered by display name (the handle where there is none), case-insensitive. */
	CHECK_INT(directory(st, NULL, NULL, 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "zed bea carl dora");
	CHECK_INT(directory(st, "", "", 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "zed bea carl dora");
	CHECK_INT(directory(st, NULL, NULL, 1, 2, out, sizeof out), BBS_OK);
	CHECK_STR(out, "bea carl");
	CHECK_INT(directory(st, NULL, NULL, 10, 2, out, sizeof out), BBS_OK);
	CHECK_STR(out, "");
	/* Each field matches, case-insensitively. */
	CHECK_INT(directory(st, "DORA", NULL, 0, 100, out, sizeof out), BBS_OK);   /* handle */
	CHECK_STR(out, "dora");
	CHECK_INT(directory(st, "smith", NULL, 0, 100, out, sizeof out), BBS_OK);  /* name */
	CHECK_STR(out, "bea");
	CHECK_INT(directory(st, "interPOL", NULL, 0, 100, out, sizeof out), BBS_OK); /* org */
	CHECK_STR(out, "zed");
	CHECK_INT(directory(st, "private", NULL, 0, 100, out, sizeof out), BBS_OK); /* sector */
	CHECK_STR(out, "carl");
	CHECK_INT(directory(st, "kenya", NULL, 0, 100, out, sizeof out), BBS_OK);  /* country */
	CHECK_STR(out, "bea");
	/* Every word must match (in any field). */
	CHECK_INT(directory(st, "civil hotline", NULL, 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "dora");
	CHECK_INT(directory(st, "  civil   society ", NULL, 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "bea dora");
	CHECK_INT(directory(st, "civil usa", NULL, 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "");
	CHECK_INT(directory(st, "person", NULL, 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "");  /* opted out, disabled */
	CHECK_INT(directory(st, "applicant", NULL, 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "");  /* pending */
	CHECK_INT(directory(st, "%", NULL, 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "");  /* no LIKE wildcards */
	/* The sector filter. */
	CHECK_INT(directory(st, NULL, "Civil society", 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "bea dora");
	CHECK_INT(directory(st, "kenya", "Civil society", 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "bea");
	CHECK_INT(directory(st, NULL, "Nowhere", 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "");
	/* Hostile and malformed input. */
	CHECK_INT(directory(st, "\x1b[2J\xff", NULL, 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "");
	char *big = repeat('q', STORE_QUERY_MAX + 1);
	CHECK_INT(directory(st, big, NULL, 0, 100, out, sizeof out), BBS_ERR_TOOBIG);
	free(big);
	CHECK_INT(directory(st, NULL, NULL, 0, 0, out, sizeof out), BBS_ERR_INVALID);
	CHECK_INT(directory(st, NULL, NULL, -1, 5, out, sizeof out), BBS_ERR_INVALID);
	/* Opting back in lists the member again. */
	set_profile(st, e, "Hidden Person", "Interpol", "Government", "France", true);
	CHECK_INT(directory(st, "person", NULL, 0, 100, out, sizeof out), BBS_OK);
	CHECK_STR(out, "hidden");
	store_close(st);
}

/* ---- announcements ---- */

static void test_announcements(void)
{
	struct store *st = open_new("news.db");
	if (!st)
		return;
	int64_t sysop = add_user(st, "sysop", STORE_ROLE_SYSOP, "");
	int64_t mod = add_user(st, "mod", STORE_ROLE_MODERATOR, "");
	int64_t mem = add_user(st, "mem", 0, "");
	int64_t a1 = 0, a2 = 0, a3 = 0, none = 3;
	CHECK_INT(store_announcement_create(st, mem, "News", "Body", &none), BBS_ERR_DENIED);
	CHECK_INT(none, 0);
	CHECK_INT(store_announcement_create(st, mod, "News", "Body", NULL), BBS_ERR_DENIED);
	CHECK_INT(store_announcement_create(st, sysop, " ", "Body", NULL), BBS_ERR_INVALID);
	CHECK_INT(store_announcement_create(st, sysop, "News", "", NULL), BBS_ERR_INVALID);
	char *big = repeat('x', STORE_ANNOUNCEMENT_MAX + 1);
	CHECK_INT(store_announcement_create(st, sysop, "News", big, NULL), BBS_ERR_TOOBIG);
	free(big);
	big = repeat('x', STORE_TITLE_MAX + 1);
	CHECK_INT(store_announcement_create(st, sysop, big, "Body", NULL), BBS_ERR_TOOBIG);
	free(big);
	CHECK_INT(store_announcement_create(st, sysop, "First\x1b[5m", "One\nTwo", &a1), BBS_OK);
	CHECK_INT(store_announcement_create(st, 0, "Second", "Body", &a2), BBS_OK);
	CHECK_INT(store_announcement_create(st, sysop, "Third", "Body", &a3), BBS_OK);

	struct store_announcement *v = NULL;
	size_t n = 0;
	CHECK_INT(store_announcement_unread(st, mem, &v, &n), BBS_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(v[0].id, a1);  /* oldest first */
		CHECK_STR(v[0].title, "First^[[5m");
		CHECK_STR(v[0].body, "One\nTwo");
		CHECK_STR(v[0].author_handle, "sysop");
		CHECK_STR(v[1].author_handle, "");
		CHECK(v[0].unread);
	}
	store_announcement_list_free(v, n);
	CHECK_INT(store_announcement_mark_seen(st, mem, a2), BBS_OK);
	CHECK_INT(store_announcement_mark_seen(st, mem, a1), BBS_OK);  /* never backwards */
	CHECK_INT(store_announcement_unread(st, mem, &v, &n), BBS_OK);
	CHECK_INT(n, 1);
	CHECK_INT(n ? v[0].id : 0, a3);
	store_announcement_list_free(v, n);
	CHECK_INT(store_announcement_list(st, mem, 0, 10, &v, &n), BBS_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(v[0].id, a3);  /* newest first */
		CHECK(v[0].unread);
		CHECK(!v[1].unread);
		CHECK(!v[2].unread);
	}
	store_announcement_list_free(v, n);
	CHECK_INT(store_announcement_list(st, sysop, 1, 1, &v, &n), BBS_OK);
	CHECK_INT(n, 1);
	CHECK(n && v[0].id == a2 && v[0].unread);
	store_announcement_list_free(v, n);
	CHECK_INT(store_announcement_list(st, mem, 0, 0, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(store_announcement_mark_seen(st, 999999, a3), BBS_ERR_NOTFOUND);
	CHECK_INT(store_announcement_mark_seen(st, mem, a3), BBS_OK);
	CHECK_INT(store_announcement_unread(st, mem, &v, &n), BBS_OK);
	CHECK_INT(n, 0);
	store_announcement_list_free(v, n);

	CHECK_INT(store_announcement_delete(st, mem, a1), BBS_ERR_DENIED);
	CHECK_INT(store_announcement_delete(st, mod, a1), BBS_ERR_DENIED);
	CHECK_INT(store_announcement_delete(st, sysop, a1), BBS_OK);
	CHECK_INT(store_announcement_delete(st, sysop, a1), BBS_ERR_NOTFOUND);
	CHECK_INT(store_announcement_delete(st, 0, a2), BBS_OK);
	CHECK_INT(store_announcement_list(st, mem, 0, 10, &v, &n), BBS_OK);
	CHECK_INT(n, 1);
	store_announcement_list_free(v, n);
	/* A newer one than anything seen is unread again. */
	int64_t a4 = 0;
	CHECK_INT(store_announcement_create(st, 0, "Fourth", "Body", &a4), BBS_OK);
	CHECK(a4 > a3);
	CHECK_INT(store_announcement_unread(st, mem, &v, &n), BBS_OK);
	CHECK_INT(n, 1);
	store_announcement_list_free(v, n);
	/* At most 20 unread at once, the oldest first. */
	for (int i = 0; i < 25; i++)
		CHECK_INT(store_announcement_create(st, 0, "More", "Body", NULL), BBS_OK);
	CHECK_INT(store_announcement_unread(st, mem, &v, &n), BBS_OK);
	CHECK_INT(n, 20);
	CHECK_INT(n ? v[0].id : 0, a4);
	for (size_t i = 1; i < n; i++)
		CHECK(v[i - 1].id < v[i].id);
	store_announcement_list_free(v, n);
	store_close(st);
}

/* ---- endorser names and the export ---- */

static int64_t current_question(struct store *st)
{
	struct store_question q;
	int64_t id = 0;
	if (store_question_current(st, &q) == BBS_OK)
		id = q.id;
	store_question_finish(&q);
	return id;
}

static int64_t first_area(struct store *st)
{
	struct store_area *v = NULL;
	size_t n = 0;
	CHECK_INT(store_area_list(st, &v, &n), BBS_OK);
	int64_t id = n ? v[0].id : 0;
	store_area_list_free(v, n);
	return id;
}

static void test_endorser_names(void)
{
	struct store *st = open_new("names.db");
	if (!st)
		return;
	int64_t author = add_user(st, "author", 0, "Author");
	int64_t e1 = add_user(st, "zoe", 0, "Zoe Zed");
	int64_t e2 = add_user(st, "adam", 0, "");
	int64_t e3 = add_user(st, "quiet", 0, "Quiet One");
	int64_t e4 = add_user(st, "mia", 0, "mia Moss");
	struct store_profile named = { .named_endorsements = true, .in_directory = true };
	named.display_name = "Zoe Zed";
	CHECK_INT(store_user_set_profile(st, e1, &named), BBS_OK);
	named.display_name = "";
	CHECK_INT(store_user_set_profile(st, e2, &named), BBS_OK);
	named.display_name = "mia Moss";
	CHECK_INT(store_user_set_profile(st, e4, &named), BBS_OK);
	int64_t q = current_question(st), area = first_area(st), ch = 0;
	CHECK_INT(store_challenge_submit(st, q, author, "A problem", "Why", &area, 1, NULL, &ch),
		BBS_OK);
	char **names = NULL;
	size_t n = 9;
	int64_t others = -1;
	CHECK_INT(store_challenge_endorser_names(st, ch, &names, &n, &others), BBS_OK);
	CHECK_INT(n, 0);
	CHECK_INT(others, 0);
	store_strings_free(names, n);
	CHECK_INT(store_challenge_endorse(st, ch, e1, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, ch, e2, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, ch, e3, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, ch, e4, true), BBS_OK);
	CHECK_INT(store_challenge_endorser_names(st, ch, &names, &n, &others), BBS_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(names[0], "adam");
		CHECK_STR(names[1], "mia Moss (mia)");
		CHECK_STR(names[2], "Zoe Zed (zoe)");
	}
	CHECK_INT(others, 1);
	store_strings_free(names, n);
	/* A disabled member is no longer named, only counted. */
	CHECK_INT(store_user_set_status(st, e1, STORE_STATUS_DISABLED), BBS_OK);
	CHECK_INT(store_challenge_endorser_names(st, ch, &names, &n, NULL), BBS_OK);
	CHECK_INT(n, 2);
	store_strings_free(names, n);
	CHECK_INT(store_challenge_endorser_names(st, 999999, &names, &n, &others), BBS_ERR_NOTFOUND);
	CHECK(names == NULL && n == 0);
	store_close(st);
}

static void test_export(void)
{
	struct store *st = open_new("export.db");
	if (!st)
		return;
	int64_t me = add_user(st, "me", 0, "Me \"Quoted\" \\ Name");
	int64_t other = add_user(st, "other", 0, "Other");
	int64_t third = add_user(st, "third", 0, "Third");
	CHECK_INT(store_user_set_password(st, me, PWHASH), BBS_OK);
	CHECK_INT(store_key_add(st, me, "ssh-ed25519", BLOB_A, "SHA256:mine", "laptop", NULL),
		BBS_OK);
	struct store_board *boards = NULL;
	size_t nboards = 0;
	CHECK_INT(store_board_list(st, me, -1, &boards, &nboards), BBS_OK);
	int64_t board = nboards ? boards[0].id : 0;
	store_board_list_free(boards, nboards);
	int64_t thread = 0;
	CHECK_INT(store_thread_create(st, board, me, "My \"discussion\"",
		"Post body with \\backslash\\ and\ttab\nand a second line \x1b[31m", NULL, &thread,
		NULL), BBS_OK);
	CHECK_INT(store_thread_create(st, board, other, "Not mine", "Other's post body", NULL,
		NULL, NULL), BBS_OK);
	CHECK_INT(store_message_send(st, me, "other", "Sent subject", "Sent body", 0, NULL, NULL),
		BBS_OK);
	CHECK_INT(store_message_send(st, other, "me", "Received subject", "Received body", 0, NULL,
		NULL), BBS_OK);
	CHECK_INT(store_message_send(st, other, "third", "Private to third", "Secret", 0, NULL,
		NULL), BBS_OK);
	CHECK_INT(store_draft_save(st, me, "message:other", "Draft subject", "Draft body"), BBS_OK);
	CHECK_INT(store_block_set(st, me, "third", true), BBS_OK);
	int64_t q = current_question(st), area = first_area(st), ch = 0;
	CHECK_INT(store_challenge_submit(st, q, other, "Their challenge", "Why", &area, 1, NULL,
		&ch), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, ch, me, true), BBS_OK);
	(void)third;

	char *json = NULL;
	CHECK_INT(store_user_export(st, 999999, &json), BBS_ERR_NOTFOUND);
	CHECK(json == NULL);
	CHECK_INT(store_user_export(st, me, &json), BBS_OK);
	CHECK(json != NULL);
	if (json) {
		CHECK(json_valid(json));
		CHECK(strstr(json, "argon2") == NULL);
		CHECK(strstr(json, "pwhash") == NULL);
		CHECK(strstr(json, "\"has_password\":true") != NULL);
		CHECK(strstr(json, "\"handle\":\"me\"") != NULL);
		CHECK(strstr(json, "Me \\\"Quoted\\\" \\\\ Name") != NULL);
		CHECK(strstr(json, "SHA256:mine") != NULL);
		CHECK(strstr(json, "My \\\"discussion\\\"") != NULL);
		CHECK(strstr(json, "Post body with \\\\backslash\\\\ and") != NULL);
		CHECK(strstr(json, "second line ^[[31m") != NULL);
		CHECK(strstr(json, "Other's post body") == NULL);
		CHECK(strstr(json, "Sent subject") != NULL);
		CHECK(strstr(json, "Received body") != NULL);
		CHECK(strstr(json, "Secret") == NULL);
		CHECK(strstr(json, "Draft body") != NULL);
		CHECK(strstr(json, "Their challenge") != NULL);  /* endorsed */
		CHECK(strstr(json, "\"blocked_members\": [\n  \"third\"") != NULL);
		bool raw = false;
		for (const char *p = json; *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\n')
				raw = true;
		CHECK(!raw);
	}
	free(json);
	/* A member with nothing but a profile still exports valid JSON. */
	CHECK_INT(store_user_export(st, third, &json), BBS_OK);
	CHECK(json && json_valid(json));
	CHECK(json && strstr(json, "\"application\": null") != NULL);
	free(json);
	/* An applicant's export has the application. */
	struct store_application_form af = app_form("applicant");
	af.reason = "Reason with \"quotes\"";
	int64_t appl = 0;
	CHECK_INT(store_application_submit(st, &af, &appl), BBS_OK);
	CHECK_INT(store_user_export(st, appl, &json), BBS_OK);
	CHECK(json && json_valid(json));
	CHECK(json && strstr(json, "Reason with \\\"quotes\\\"") != NULL);
	CHECK(json && strstr(json, "argon2") == NULL);
	free(json);
	store_close(st);
}

/* ---- migration from version 3 ---- */

static void test_migration_v3(void)
{
	char *path = db_path("v3.db");
	struct store *st = NULL;
	CHECK_INT(store_schema_version(), 7);
	CHECK_INT(store_open_at_version(path, 3, &st), BBS_OK);
	store_close(st);

	/* Rows as a version-3 build wrote them. */
	sqlite3 *db = NULL;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(exec_sql(db, "PRAGMA foreign_keys = ON;"
		"INSERT INTO users (handle, display_name, organisation, sector, country, role, status, "
		"pwhash, created, last_login, region) VALUES ('olduser', 'Old User', 'Old Org', "
		"'Government', 'UK', 3, 0, 'hash', 1000, 2000, 'Europe');"
		"INSERT INTO users (handle, status, created) VALUES ('olddisabled', 1, 1000);"
		"INSERT INTO user_keys (user_id, type, blob, fingerprint, added) "
		"VALUES (1, 'ssh-ed25519', 'AAAA', 'SHA256:old', 1000);"
		"INSERT INTO boards (slug, name) VALUES ('oldboard', 'Old board');"
		"INSERT INTO threads (board_id, title, author_id, created, last_post_at, posts, "
		"last_seq) VALUES (1, 'Old discussion', 1, 1000, 1000, 1, 1);"
		"INSERT INTO posts (thread_id, seq, author_id, body, created) "
		"VALUES (1, 1, 1, 'Old post body', 1000);"
		"INSERT INTO drafts (user_id, context, body, updated) VALUES (2, 'new:1', 'd', 1);"),
		SQLITE_OK);
	sqlite3_close(db);

	CHECK_INT(store_open(path, &st), BBS_OK);
	if (st) {
		struct store_user *u = get_user(st, "olduser");
		if (u) {
			CHECK_INT(u->id, 1);
			CHECK_STR(u->display_name, "Old User");
			CHECK_STR(u->organisation, "Old Org");
			CHECK_STR(u->sector, "Government");
			CHECK_STR(u->country, "UK");
			CHECK_STR(u->region, "Europe");
			CHECK_INT(u->role, STORE_ROLE_SYSOP);
			CHECK_INT(u->status, STORE_STATUS_ACTIVE);
			CHECK_STR(u->pwhash, "hash");
			CHECK_INT(u->created, 1000);
			CHECK_INT(u->last_login, 2000);
			CHECK_STR(u->bio, "");
			CHECK(u->in_directory);
			CHECK(!u->named_endorsements);
			CHECK(!u->must_change_password);
			CHECK_STR(u->timezone, "");
			CHECK(!u->ascii_only);
			CHECK(u->colour);
			/* schema 5 defaults */
			CHECK(!u->verified);
			CHECK_INT(u->silenced_until, 0);
			CHECK_STR(u->silence_reason, "");
			/* schema 7 defaults */
			CHECK(!u->compact && !u->line_mode && !u->removed);
			CHECK_STR(u->resume, "");
		}
		store_user_free(u);
		u = get_user(st, "olddisabled");
		CHECK_INT(u ? u->status : -1, STORE_STATUS_DISABLED);
		CHECK(u && u->pwhash == NULL);
		store_user_free(u);
		struct store_key *k = NULL;
		size_t nk = 0;
		CHECK_INT(store_key_list(st, 1, &k, &nk), BBS_OK);
		CHECK_INT(nk, 1);
		store_key_list_free(k, nk);
		struct store_post *p = NULL;
		size_t np = 0;
		CHECK_INT(store_post_range(st, 1, 1, 10, &p, &np), BBS_OK);
		CHECK_INT(np, 1);
		CHECK_STR(np ? p[0].body : NULL, "Old post body");
		CHECK_STR(np ? p[0].author_handle : NULL, "olduser");
		store_post_list_free(p, np);
		struct store_draft d;
		CHECK_INT(store_draft_get(st, 2, "new:1", &d), BBS_OK);
		store_draft_finish(&d);
		/* Foreign keys are on again and point at the rebuilt users table. */
		CHECK_INT(store_key_add(st, 424242, "ssh-ed25519", BLOB_B, "SHA256:x", "", NULL),
			BBS_ERR_NOTFOUND);
		CHECK_INT(store_message_send(st, 1, "olddisabled", "Hi", "Body", 0, NULL, NULL),
			BBS_ERR_NOTFOUND);
		int64_t nu = 0;
		CHECK_INT(store_user_add(st, &(struct store_user){ .handle = "newuser" }, &nu), BBS_OK);
		CHECK_INT(nu, 3);
		CHECK_INT(store_message_send(st, 1, "newuser", "Hi", "Body", 0, NULL, NULL), BBS_OK);
		store_close(st);
	}
	/* Every reference holds in the migrated file. */
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *stmt = NULL;
	CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &stmt, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(stmt, 0), store_schema_version());
	sqlite3_finalize(stmt);
	CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(stmt, 0), "ok");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	/* The version-3 opener leaves a newer file as it is. */
	CHECK_INT(store_open_at_version(path, 3, &st), BBS_OK);
	store_close(st);
	free(path);
}

int main(void)
{
	static void (*const steps[])(void) = {
		test_json_checker, test_users, test_registration, test_applications, test_pending_cap,
		test_invites, test_messages, test_directory, test_announcements, test_endorser_names,
		test_export, test_migration_v3,
	};
	return tmpdir_main("test-membership", BBS_LOG_ERROR, steps,
		sizeof steps / sizeof steps[0]);
}
