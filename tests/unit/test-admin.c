/*
 * test-admin.c: administration, moderation and the audit log (schema version 5): role
 * refusals, the last-sysop rule, audit entries of every actor function, the hash chain and
 * its tamper detection (through a raw SQLite handle), silencing, hidden posts, reports,
 * sessions (with real child processes), structure editing, settings, and the migration
 * from schema 4.
 * Never touches files outside the test's temporary directory; every child it forks is
 * waited for.
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/common.h"
#include "tests/unit/fixture.h"

#define BLOB "AAAAC3NzaC1lZDI1NTE5AAAAIG9sZA=="

static int64_t add_user(struct store *st, const char *handle, int role)
{
	struct store_user u = { .handle = (char *)handle, .display_name = (char *)handle,
		.role = role };
	int64_t id = 0;
	CHECK_INT(store_user_add(st, &u, &id), BBS_OK);
	return id;
}

static struct store_user *get_user(struct store *st, int64_t id)
{
	struct store_user *u = NULL;
	CHECK_INT(store_user_get_by_id(st, id, &u), BBS_OK);
	return u;
}

/* How many audit entries have this action (and, when target is not NULL, this target). */
static int count_audit(struct store *st, const char *action, const char *target)
{
	struct store_audit *v = NULL;
	size_t n = 0;
	int c = 0;
	CHECK_INT(store_audit_list(st, NULL, 0, 1000, &v, &n), BBS_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].action, action) == 0 && (!target || strcmp(v[i].target, target) == 0))
			c++;
	store_audit_list_free(v, n);
	return c;
}

/* The newest audit entry's detail (a heap string, "" if none). */
static char *last_detail(struct store *st)
{
	struct store_audit *v = NULL;
	size_t n = 0;
	CHECK_INT(store_audit_list(st, NULL, 0, 1, &v, &n), BBS_OK);
	char *d = xstrdup(n ? v[0].detail : "");
	store_audit_list_free(v, n);
	return d;
}

static void verify_ok(struct store *st)
{
	int64_t count = -1, bad = -1;
	char *head = NULL;
	CHECK_INT(store_audit_verify(st, &count, &bad, &head), BBS_OK);
	CHECK_INT(bad, 0);
	CHECK(head && (count == 0 ? strlen(head) == 0 : strlen(head) == 64));
	free(head);
}

static int64_t verify_bad(struct store *st)
{
	int64_t count = -1, bad = -1;
	char *head = NULL;
	CHECK_INT(store_audit_verify(st, &count, &bad, &head), BBS_ERR_INVALID);
	CHECK(head == NULL);
	return bad;
}

static void raw_exec(const char *name, const char *sql)
{
	char *path = db_path(name);
	sqlite3 *db = NULL;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "sql: %s\n", msg ? msg : "?");
	CHECK_INT(rc, SQLITE_OK);
	sqlite3_free(msg);
	sqlite3_close(db);
	free(path);
}

/* ---- the audit log ---- */

static void test_audit_chain(void)
{
	struct store *st = open_new("audit.db");
	if (!st)
		return;
	int64_t alice = add_user(st, "alice", STORE_ROLE_MEMBER);
	verify_ok(st);  /* empty: intact, head "" */

	CHECK_INT(store_audit_append(st, 0, "setting", "setting x", "a -> b", NULL), BBS_OK);
	CHECK_INT(store_audit_append(st, -1, "login-failed", "user alice", "password",
		"192.0.2.1"), BBS_OK);
	CHECK_INT(store_audit_append(st, alice, "login", "user alice", "key SHA256:abc",
		"192.0.2.2"), BBS_OK);
	CHECK_INT(store_audit_append(st, 424242, "login", "user ghost", "", NULL), BBS_OK);
	/* Hostile input: escape sequences cleaned, a huge detail cut, never refused. */
	char *big = xmalloc(100001);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	CHECK_INT(store_audit_append(st, 0, "note", "target\x1b[2J", big, NULL), BBS_OK);
	/* Cut input whose cleaned text would be short (zero-width characters vanish). */
	char *zw = xmalloc(3 * 2000 + 1);
	for (int i = 0; i < 2000; i++)
		memcpy(zw + 3 * i, "\xe2\x80\x8b", 3);
	zw[3 * 2000] = '\0';
	CHECK_INT(store_audit_append(st, 0, "note", "zw", zw, NULL), BBS_OK);
	free(zw);
	free(big);
	CHECK_INT(store_audit_append(st, 0, "Bad Action", "t", "d", NULL), BBS_ERR_INVALID);
	CHECK_INT(store_audit_append(st, 0, NULL, "t", "d", NULL), BBS_ERR_INVALID);
	CHECK_INT(store_audit_append(st, -2, "x", "t", "d", NULL), BBS_ERR_INVALID);

	struct store_audit *v = NULL;
	size_t n = 0;
	CHECK_INT(store_audit_list(st, NULL, 0, 100, &v, &n), BBS_OK);
	CHECK_INT(n, 6);
	if (n == 6) {
		/* Newest first. */
		CHECK_INT(v[0].id, 6);
		CHECK_STR(v[0].detail, "...");
		v++;
		CHECK_INT(v[0].id, 5);
		CHECK(strchr(v[0].target, '\x1b') == NULL);
		CHECK(strlen(v[0].detail) <= STORE_FIELD_MAX);
		CHECK(strstr(v[0].detail, "...") != NULL);
		CHECK_STR(v[1].actor, "#424242");
		CHECK_STR(v[2].actor, "alice");
		CHECK_STR(v[2].source, "192.0.2.2");
		CHECK_STR(v[3].actor, "-");
		CHECK_STR(v[4].actor, "console");
		CHECK_STR(v[4].prev_hash, "");
		CHECK_STR(v[3].prev_hash, v[4].hash);
		CHECK_INT(strlen(v[4].hash), 64);
		v--;
	}
	store_audit_list_free(v, n);
	CHECK_INT(store_audit_list(st, "ALICE login", 0, 100, &v, &n), BBS_OK);
	CHECK_INT(n, 2);  /* the failed login's target names alice too */
	store_audit_list_free(v, n);
	CHECK_INT(store_audit_list(st, "key sha256:ABC", 0, 100, &v, &n), BBS_OK);
	CHECK_INT(n, 1);
	store_audit_list_free(v, n);
	CHECK_INT(store_audit_list(st, NULL, 1, 2, &v, &n), BBS_OK);
	CHECK_INT(n, 2);
	CHECK_INT(n ? v[0].id : 0, 5);
	store_audit_list_free(v, n);
	CHECK_INT(store_audit_list(st, "a b c d e f g h i", 0, 10, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(store_audit_list(st, NULL, 0, 0, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(store_audit_list(st, NULL, -1, 10, &v, &n), BBS_ERR_INVALID);
	big = xmalloc(STORE_QUERY_MAX + 2);
	memset(big, 'a', STORE_QUERY_MAX + 1);
	big[STORE_QUERY_MAX + 1] = '\0';
	CHECK_INT(store_audit_list(st, big, 0, 10, &v, &n), BBS_ERR_TOOBIG);
	free(big);

	int64_t count = 0, bad = 0;
	char *head = NULL;
	CHECK_INT(store_audit_verify(st, &count, &bad, &head), BBS_OK);
	CHECK_INT(count, 6);
	CHECK_INT(bad, 0);
	CHECK(head && strlen(head) == 64);
	free(head);
	CHECK_INT(store_audit_verify(st, NULL, &bad, NULL), BBS_ERR_INVALID);

	/* Forgetting sources keeps the chain intact. */
	int64_t cleared = 0;
	CHECK_INT(store_forget_sources(st, 30, &cleared), BBS_OK);
	CHECK_INT(cleared, 0);
	CHECK_INT(store_forget_sources(st, 0, &cleared), BBS_OK);
	CHECK_INT(cleared, 2);
	CHECK_INT(store_forget_sources(st, -1, &cleared), BBS_ERR_INVALID);
	CHECK_INT(store_audit_list(st, "alice login", 0, 100, &v, &n), BBS_OK);
	for (size_t i = 0; i < n; i++)
		CHECK_STR(v[i].source, "");
	store_audit_list_free(v, n);
	verify_ok(st);
	store_close(st);

	/* A changed detail is found at its entry. */
	raw_exec("audit.db", "UPDATE audit SET detail = 'b -> a' WHERE id = 1");
	char *path = db_path("audit.db");
	CHECK_INT(store_open(path, &st), BBS_OK);
	CHECK_INT(verify_bad(st), 1);
	store_close(st);
	raw_exec("audit.db", "UPDATE audit SET detail = 'a -> b' WHERE id = 1");
	CHECK_INT(store_open(path, &st), BBS_OK);
	verify_ok(st);
	store_close(st);
	/* A changed hash: that entry. */
	raw_exec("audit.db", "UPDATE audit SET hash = substr(hash, 2) || '0' WHERE id = 3");
	CHECK_INT(store_open(path, &st), BBS_OK);
	CHECK_INT(verify_bad(st), 3);
	store_close(st);
	free(path);
}

static void test_audit_deletions(void)
{
	char *path = db_path("audit-del.db");
	struct store *st = open_new("audit-del.db");
	if (!st)
		goto out;
	for (int i = 0; i < 5; i++)
		CHECK_INT(store_audit_append(st, 0, "note", "t", "d", NULL), BBS_OK);
	verify_ok(st);
	store_close(st);
	/* A deleted middle entry: the one after it is the first that does not verify. */
	raw_exec("audit-del.db", "DELETE FROM audit WHERE id = 3");
	CHECK_INT(store_open(path, &st), BBS_OK);
	CHECK_INT(verify_bad(st), 4);
	store_close(st);

	/* A deleted newest entry: the anchor notices, and an append keeps the gap. */
	struct store *s2 = open_new("audit-tail.db");
	if (!s2)
		goto out;
	for (int i = 0; i < 4; i++)
		CHECK_INT(store_audit_append(s2, 0, "note", "t", "d", NULL), BBS_OK);
	store_close(s2);
	raw_exec("audit-tail.db", "DELETE FROM audit WHERE id = 4");
	char *p2 = db_path("audit-tail.db");
	CHECK_INT(store_open(p2, &s2), BBS_OK);
	CHECK_INT(verify_bad(s2), 4);
	CHECK_INT(store_audit_append(s2, 0, "note", "t", "after", NULL), BBS_OK);
	CHECK_INT(verify_bad(s2), 5);
	store_close(s2);
	/* The first entry deleted: the second follows nothing. */
	struct store *s3 = open_new("audit-head.db");
	if (s3) {
		for (int i = 0; i < 3; i++)
			CHECK_INT(store_audit_append(s3, 0, "note", "t", "d", NULL), BBS_OK);
		store_close(s3);
		raw_exec("audit-head.db", "DELETE FROM audit WHERE id = 1");
		char *p3 = db_path("audit-head.db");
		CHECK_INT(store_open(p3, &s3), BBS_OK);
		CHECK_INT(verify_bad(s3), 2);
		store_close(s3);
		free(p3);
	}
	free(p2);
out:
	free(path);
}

/* ---- members ---- */

struct cast {
	struct store *st;
	int64_t sysop, mod, mem, bob;
};

static void cast_open(struct cast *c, const char *name)
{
	memset(c, 0, sizeof *c);
	c->st = open_new(name);
	if (!c->st)
		return;
	c->sysop = add_user(c->st, "sam", STORE_ROLE_SYSOP);
	c->mod = add_user(c->st, "mo", STORE_ROLE_MODERATOR);
	c->mem = add_user(c->st, "mem", STORE_ROLE_MEMBER);
	c->bob = add_user(c->st, "bob", STORE_ROLE_MEMBER);
}

static void test_user_edit(void)
{
	struct cast c;
	cast_open(&c, "edit.db");
	struct store *st = c.st;
	if (!st)
		return;
	struct store_user_edit e = { .display_name = "Mem \x1b[31mRed", .organisation = "Org",
		.role = 0, .status = -1, .verified = 1 };
	/* Refused to members and moderators, whatever they ask. */
	CHECK_INT(store_admin_user_edit(st, c.mem, c.bob, &e), BBS_ERR_DENIED);
	CHECK_INT(store_admin_user_edit(st, c.mod, c.bob, &e), BBS_ERR_DENIED);
	CHECK_INT(store_admin_user_edit(st, c.mem, c.mem, &e), BBS_ERR_DENIED);
	CHECK_INT(store_admin_user_edit(st, c.sysop, 9999, &e), BBS_ERR_NOTFOUND);
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.mem, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.mem, &e), BBS_OK);
	struct store_user *u = get_user(st, c.mem);
	if (u) {
		CHECK(strchr(u->display_name, '\x1b') == NULL);
		CHECK_STR(u->organisation, "Org");
		CHECK(u->verified);
		CHECK_INT(u->silenced_until, 0);
		CHECK_STR(u->silence_reason, "");
	}
	store_user_free(u);
	CHECK_INT(count_audit(st, "verify", "user mem"), 1);
	CHECK_INT(count_audit(st, "profile", "user mem"), 2);
	/* The same again changes nothing and records nothing. */
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.mem, &e), BBS_OK);
	CHECK_INT(count_audit(st, "profile", "user mem"), 2);

	struct store_user_edit r = { .role = STORE_ROLE_MODERATOR, .status = -1, .verified = -1 };
	CHECK_INT(store_admin_user_edit(st, 0, c.bob, &r), BBS_OK);  /* the console */
	char *d = last_detail(st);
	CHECK_STR(d, "member -> moderator");
	free(d);
	r.role = 7;
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.bob, &r), BBS_ERR_INVALID);
	r.role = 0;
	r.status = STORE_STATUS_PENDING;
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.bob, &r), BBS_ERR_INVALID);
	r.status = STORE_STATUS_DISABLED;
	r.verified = 2;
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.bob, &r), BBS_ERR_INVALID);
	r.verified = -1;
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.bob, &r), BBS_OK);
	CHECK_INT(count_audit(st, "lock", "user bob"), 1);
	r.status = STORE_STATUS_ACTIVE;
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.bob, &r), BBS_OK);
	CHECK_INT(count_audit(st, "unlock", "user bob"), 1);
	char *huge = xmalloc(STORE_FIELD_MAX + 2);
	memset(huge, 'a', STORE_FIELD_MAX + 1);
	huge[STORE_FIELD_MAX + 1] = '\0';
	struct store_user_edit h = { .country = huge, .status = -1, .verified = -1 };
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.bob, &h), BBS_ERR_TOOBIG);
	free(huge);

	/* A pending applicant's status is decided by store_application_decide. */
	struct store_application_form f = { .handle = "appl", .display_name = "Applicant",
		.reason = "To help", .contact = "a@example.org",
		.cred = { .pwhash = "$argon2id$x" } };
	int64_t appl = 0;
	CHECK_INT(store_application_submit(st, &f, &appl), BBS_OK);
	struct store_user_edit en = { .status = STORE_STATUS_ACTIVE, .verified = -1 };
	CHECK_INT(store_admin_user_edit(st, c.sysop, appl, &en), BBS_ERR_INVALID);

	/* The member list: pending first, filters, words. */
	struct store_user **v = NULL;
	size_t n = 0;
	CHECK_INT(store_user_search(st, NULL, -1, -1, NULL, NULL, 0, 100, &v, &n), BBS_OK);
	CHECK_INT(n, 5);
	CHECK_STR(n ? v[0]->handle : NULL, "appl");
	CHECK_STR(n > 1 ? v[1]->handle : NULL, "bob");
	CHECK(n && v[0]->pwhash == NULL);
	store_user_list_free(v, n);
	CHECK_INT(store_user_search(st, "ORG", -1, -1, NULL, NULL, 0, 100, &v, &n), BBS_OK);
	CHECK_INT(n, 1);
	store_user_list_free(v, n);
	CHECK_INT(store_user_search(st, NULL, -1, STORE_ROLE_MODERATOR, NULL, NULL, 0, 100, &v, &n),
		BBS_OK);
	CHECK_INT(n, 2);
	store_user_list_free(v, n);
	CHECK_INT(store_user_search(st, NULL, STORE_STATUS_PENDING, -1, "", NULL, 0, 100, &v, &n),
		BBS_OK);
	CHECK_INT(n, 1);
	store_user_list_free(v, n);
	CHECK_INT(store_user_search(st, NULL, 9, -1, NULL, NULL, 0, 100, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(store_user_search(st, NULL, -1, -1, NULL, NULL, 0, 0, &v, &n), BBS_ERR_INVALID);

	/* Password reset and keys. */
	CHECK_INT(store_admin_password_reset(st, c.mod, c.mem, "$argon2id$new"), BBS_ERR_DENIED);
	CHECK_INT(store_admin_password_reset(st, c.sysop, c.mem, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_admin_password_reset(st, c.sysop, c.mem, "has space"), BBS_ERR_INVALID);
	CHECK_INT(store_admin_password_reset(st, c.sysop, 9999, "$argon2id$new"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_admin_password_reset(st, c.sysop, c.mem, "$argon2id$new"), BBS_OK);
	u = get_user(st, c.mem);
	CHECK(u && u->must_change_password);
	CHECK_STR(u ? u->pwhash : NULL, "$argon2id$new");
	store_user_free(u);
	CHECK_INT(count_audit(st, "password-reset", "user mem"), 1);
	d = last_detail(st);
	CHECK(strstr(d, "argon2") == NULL);  /* never the hash */
	free(d);
	CHECK_INT(store_admin_key_add(st, c.mem, c.mem, "ssh-ed25519", BLOB, "SHA256:k1", "c"),
		BBS_ERR_DENIED);
	CHECK_INT(store_admin_key_add(st, c.sysop, c.mem, "ssh-ed25519", "not base64!",
		"SHA256:k1", "c"), BBS_ERR_INVALID);
	CHECK_INT(store_admin_key_add(st, c.sysop, 9999, "ssh-ed25519", BLOB, "SHA256:k1", "c"),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_admin_key_add(st, c.sysop, c.mem, "ssh-ed25519", BLOB, "SHA256:k1",
		"laptop\x1b[2J"), BBS_OK);
	CHECK_INT(store_admin_key_add(st, c.sysop, c.mem, "ssh-ed25519", BLOB, "SHA256:k1", "c"),
		BBS_ERR_EXISTS);
	CHECK_INT(count_audit(st, "key-add", "user mem"), 1);
	CHECK_INT(store_admin_key_remove(st, c.mod, c.mem, "SHA256:k1"), BBS_ERR_DENIED);
	CHECK_INT(store_admin_key_remove(st, c.sysop, c.mem, "SHA256:none"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_admin_key_remove(st, c.sysop, c.mem, "SHA256:k1"), BBS_OK);
	CHECK_INT(count_audit(st, "key-remove", "user mem"), 1);
	verify_ok(st);
	store_close(st);
}

static void test_last_sysop(void)
{
	struct cast c;
	cast_open(&c, "sysop.db");
	struct store *st = c.st;
	if (!st)
		return;
	struct store_user_edit demote = { .role = STORE_ROLE_MEMBER, .status = -1, .verified = -1 };
	struct store_user_edit disable = { .status = STORE_STATUS_DISABLED, .verified = -1 };
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.sysop, &demote), BBS_ERR_DENIED);
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.sysop, &disable), BBS_ERR_DENIED);
	CHECK_INT(store_admin_user_edit(st, 0, c.sysop, &demote), BBS_ERR_DENIED);
	struct store_user *u = get_user(st, c.sysop);
	CHECK_INT(u ? u->role : 0, STORE_ROLE_SYSOP);
	store_user_free(u);
	/* With two sysops one may go; then the other is the last. */
	struct store_user_edit promote = { .role = STORE_ROLE_SYSOP, .status = -1, .verified = -1 };
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.mod, &promote), BBS_OK);
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.sysop, &demote), BBS_OK);
	CHECK_INT(store_admin_user_edit(st, c.sysop, c.mod, &demote), BBS_ERR_DENIED);  /* no longer sysop */
	CHECK_INT(store_admin_user_edit(st, c.mod, c.mod, &disable), BBS_ERR_DENIED);
	CHECK_INT(store_admin_user_edit(st, c.mod, c.mod, &demote), BBS_ERR_DENIED);
	/* A disabled sysop does not count as one. */
	CHECK_INT(store_admin_user_edit(st, c.mod, c.sysop, &promote), BBS_OK);
	CHECK_INT(store_admin_user_edit(st, c.mod, c.sysop, &disable), BBS_OK);
	CHECK_INT(store_admin_user_edit(st, c.mod, c.mod, &demote), BBS_ERR_DENIED);
	verify_ok(st);
	store_close(st);
}

/* ---- silencing ---- */

static void test_silence(void)
{
	struct cast c;
	cast_open(&c, "silence.db");
	struct store *st = c.st;
	if (!st)
		return;
	int64_t board = 0, thread = 0, q = 0, area = 0;
	CHECK_INT(store_board_create(st, 0, 0, "talk", "Talk", "", &board), BBS_OK);
	CHECK_INT(store_thread_create(st, board, c.bob, "Hello", "Body", NULL, &thread, NULL),
		BBS_OK);
	CHECK_INT(store_question_create(st, c.mod, "Q?", "", 0, 0, false, &q), BBS_OK);
	struct store_area *areas = NULL;
	size_t na = 0;
	CHECK_INT(store_area_list(st, &areas, &na), BBS_OK);
	area = na ? areas[0].id : 0;
	store_area_list_free(areas, na);

	int64_t until = bbs_now() + 3600;
	CHECK_INT(store_silence(st, c.mem, c.bob, until, "spam"), BBS_ERR_DENIED);
	CHECK_INT(store_silence(st, c.mod, c.sysop, until, "no"), BBS_ERR_DENIED);
	CHECK_INT(store_silence(st, c.mod, 9999, until, "x"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_silence(st, c.mod, c.mem, until, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_silence(st, c.mod, c.mem, -5, "x"), BBS_ERR_INVALID);
	char *huge = xmalloc(STORE_FIELD_MAX + 2);
	memset(huge, 'r', STORE_FIELD_MAX + 1);
	huge[STORE_FIELD_MAX + 1] = '\0';
	CHECK_INT(store_silence(st, c.mod, c.mem, until, huge), BBS_ERR_TOOBIG);
	free(huge);
	CHECK_INT(store_silence(st, c.mod, c.mem, until, "Spam\x1b[2J links"), BBS_OK);
	struct store_user *u = get_user(st, c.mem);
	CHECK_INT(u ? u->silenced_until : 0, until);
	CHECK(u && strchr(u->silence_reason, '\x1b') == NULL && strstr(u->silence_reason, "links"));
	store_user_free(u);
	CHECK_INT(count_audit(st, "silence", "member mem"), 1);

	/* All four write paths refuse. */
	int64_t id = 0;
	CHECK_INT(store_thread_create(st, board, c.mem, "T", "B", NULL, &id, NULL), BBS_ERR_DENIED);
	CHECK_INT(store_post_reply(st, thread, c.mem, "Reply", 0, NULL, &id), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_submit(st, q, c.mem, "Title", "Body", &area, 1, NULL, &id),
		BBS_ERR_DENIED);
	CHECK_INT(store_message_send(st, c.mem, "bob", "Hi", "Body", 0, NULL, &id), BBS_ERR_DENIED);
	/* Others are not affected. */
	CHECK_INT(store_post_reply(st, thread, c.bob, "Reply", 0, NULL, &id), BBS_OK);

	/* The public record shows it, without the moderator's name. */
	struct store_modlog *m = NULL;
	size_t nm = 0;
	CHECK_INT(store_modlog_list(st, 0, 10, &m, &nm), BBS_OK);
	CHECK(nm >= 1 && strcmp(m[0].action, "silenced") == 0);
	CHECK_STR(nm ? m[0].by_role : NULL, "moderator");
	store_modlog_list_free(m, nm);

	/* A sysop may silence a moderator; lifting a silence lets the member post again. */
	CHECK_INT(store_silence(st, c.sysop, c.mod, until, "cool down"), BBS_OK);
	CHECK_INT(store_silence(st, c.mod, c.mem, 0, NULL), BBS_OK);
	CHECK_INT(count_audit(st, "unsilence", "member mem"), 1);
	CHECK_INT(store_post_reply(st, thread, c.mem, "Back", 0, NULL, &id), BBS_OK);
	CHECK_INT(store_message_send(st, c.mem, "bob", "Hi", "Body", 0, NULL, &id), BBS_OK);
	CHECK_INT(store_challenge_submit(st, q, c.mem, "Title", "Body", &area, 1, NULL, &id), BBS_OK);
	CHECK_INT(store_thread_create(st, board, c.mem, "T", "B", NULL, &id, NULL), BBS_OK);
	/* A silence that has ended is no silence. */
	CHECK_INT(store_silence(st, c.sysop, c.bob, bbs_now() - 10, "past"), BBS_OK);
	CHECK_INT(store_post_reply(st, thread, c.bob, "Still here", 0, NULL, &id), BBS_OK);
	verify_ok(st);
	store_close(st);
}

/* ---- hidden posts, reports, discussions ---- */

static void test_moderation(void)
{
	struct cast c;
	cast_open(&c, "moderation.db");
	struct store *st = c.st;
	if (!st)
		return;
	int64_t board = 0, other = 0, archived = 0, thread = 0, p1 = 0, p2 = 0;
	CHECK_INT(store_board_create(st, 0, 0, "talk", "Talk", "", &board), BBS_OK);
	CHECK_INT(store_board_create(st, 0, 0, "other", "Other", "", &other), BBS_OK);
	CHECK_INT(store_board_create(st, 0, 0, "old", "Old", "", &archived), BBS_OK);
	CHECK_INT(store_board_set_archived(st, 0, archived, true), BBS_OK);
	CHECK_INT(store_thread_create(st, board, c.bob, "Platypus", "first quokka post", NULL,
		&thread, &p1), BBS_OK);
	CHECK_INT(store_post_reply(st, thread, c.mem, "second wombat post\nline two", 0, NULL, &p2),
		BBS_OK);

	/* Hiding. */
	CHECK_INT(store_post_hide(st, c.mem, p2, "rude"), BBS_ERR_DENIED);
	CHECK_INT(store_post_hide(st, c.mod, 9999, "rude"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_post_hide(st, c.mod, p2, ""), BBS_ERR_INVALID);
	CHECK_INT(store_post_hide(st, c.mod, p2, "Rude\x07 remark"), BBS_OK);
	struct store_post *v = NULL;
	size_t n = 0;
	CHECK_INT(store_post_range_for(st, c.mem, thread, 1, 10, &v, &n), BBS_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK(!v[0].hidden);
		CHECK_STR(v[0].body, "first quokka post");
		CHECK(v[1].hidden);
		CHECK_STR(v[1].body, "");
		CHECK(strstr(v[1].hidden_reason, "remark") && !strchr(v[1].hidden_reason, '\x07'));
		CHECK(v[1].hidden_at > 0);
	}
	store_post_list_free(v, n);
	CHECK_INT(store_post_range_for(st, -1, thread, 1, 10, &v, &n), BBS_OK);
	CHECK_STR(n == 2 ? v[1].body : NULL, "");
	store_post_list_free(v, n);
	CHECK_INT(store_post_range_for(st, c.mod, thread, 1, 10, &v, &n), BBS_OK);
	CHECK_STR(n == 2 ? v[1].body : NULL, "second wombat post\nline two");
	store_post_list_free(v, n);
	CHECK_INT(store_post_range_for(st, c.sysop, thread, 1, 10, &v, &n), BBS_OK);
	CHECK_STR(n == 2 ? v[1].body : NULL, "second wombat post\nline two");
	store_post_list_free(v, n);
	CHECK_INT(store_post_range_for(st, c.mem, 9999, 1, 10, &v, &n), BBS_ERR_NOTFOUND);
	struct store_hit *hits = NULL;
	size_t nh = 0;
	CHECK_INT(store_search(st, c.mem, "wombat", 10, &hits, &nh), BBS_OK);
	CHECK_INT(nh, 0);
	store_hit_list_free(hits, nh);
	CHECK_INT(store_search(st, c.mod, "wombat", 10, &hits, &nh), BBS_OK);
	CHECK_INT(nh, 0);  /* search never finds hidden posts, for anyone */
	store_hit_list_free(hits, nh);
	CHECK_INT(store_search(st, c.mem, "quokka", 10, &hits, &nh), BBS_OK);
	CHECK_INT(nh, 1);
	store_hit_list_free(hits, nh);
	/* Hiding again with another reason is recorded; the same again is not. */
	CHECK_INT(store_post_hide(st, c.mod, p2, "Rude\x07 remark"), BBS_OK);
	CHECK_INT(count_audit(st, "hide", NULL), 1);
	CHECK_INT(store_post_unhide(st, c.mem, p2), BBS_ERR_DENIED);
	CHECK_INT(store_post_unhide(st, c.mod, p2), BBS_OK);
	CHECK_INT(store_post_unhide(st, c.mod, p2), BBS_OK);
	CHECK_INT(count_audit(st, "unhide", "post 2"), 1);
	CHECK_INT(store_search(st, c.mem, "wombat", 10, &hits, &nh), BBS_OK);
	CHECK_INT(nh, 1);
	store_hit_list_free(hits, nh);
	CHECK_INT(store_post_range_for(st, c.mem, thread, 1, 10, &v, &n), BBS_OK);
	CHECK(n == 2 && !v[1].hidden && strcmp(v[1].body, "second wombat post\nline two") == 0);
	store_post_list_free(v, n);
	/* A post's text deleted by its author and hidden stays out of the index. */
	CHECK_INT(store_post_hide(st, c.mod, p1, "spoiler"), BBS_OK);
	CHECK_INT(store_search(st, c.mem, "platypus", 10, &hits, &nh), BBS_OK);
	CHECK_INT(nh, 0);
	store_hit_list_free(hits, nh);
	CHECK_INT(store_post_unhide(st, c.mod, p1), BBS_OK);
	CHECK_INT(store_search(st, c.mem, "platypus", 10, &hits, &nh), BBS_OK);
	CHECK_INT(nh, 1);
	store_hit_list_free(hits, nh);

	struct store_modlog *m = NULL;
	size_t nm = 0;
	CHECK_INT(store_modlog_list(st, 0, 20, &m, &nm), BBS_OK);
	int hidden = 0, unhidden = 0;
	for (size_t i = 0; i < nm; i++) {
		hidden += strcmp(m[i].action, "hidden") == 0;
		unhidden += strcmp(m[i].action, "unhidden") == 0;
	}
	CHECK_INT(hidden, 2);
	CHECK_INT(unhidden, 2);
	store_modlog_list_free(m, nm);

	/* Lock, pin, move. */
	CHECK_INT(store_mod_thread_lock(st, c.mem, thread, true, "heat"), BBS_ERR_DENIED);
	CHECK_INT(store_mod_thread_lock(st, c.mod, 9999, true, "heat"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_mod_thread_lock(st, c.mod, thread, true, NULL), BBS_OK);
	int64_t id = 0;
	CHECK_INT(store_post_reply(st, thread, c.mem, "more", 0, NULL, &id), BBS_ERR_DENIED);
	CHECK_INT(store_mod_thread_lock(st, c.mod, thread, false, "calm"), BBS_OK);
	CHECK_INT(store_post_reply(st, thread, c.mem, "more", 0, NULL, &id), BBS_OK);
	CHECK_INT(count_audit(st, "thread-lock", NULL), 1);
	CHECK_INT(count_audit(st, "thread-unlock", NULL), 1);
	CHECK_INT(store_mod_thread_pin(st, c.mem, thread, true), BBS_ERR_DENIED);
	CHECK_INT(store_mod_thread_pin(st, c.mod, thread, true), BBS_OK);
	struct store_thread t;
	CHECK_INT(store_thread_get(st, c.mem, thread, &t), BBS_OK);
	CHECK(t.pinned);
	store_thread_finish(&t);
	CHECK_INT(count_audit(st, "thread-pin", NULL), 1);
	CHECK_INT(store_mod_thread_move(st, c.mem, thread, other), BBS_ERR_DENIED);
	CHECK_INT(store_mod_thread_move(st, c.mod, thread, 9999), BBS_ERR_NOTFOUND);
	CHECK_INT(store_mod_thread_move(st, c.mod, thread, archived), BBS_ERR_DENIED);
	CHECK_INT(store_mod_thread_move(st, c.mod, thread, other), BBS_OK);
	struct store_board b;
	CHECK_INT(store_board_get(st, c.mem, other, &b), BBS_OK);
	CHECK_INT(b.threads, 1);
	store_board_finish(&b);
	CHECK_INT(store_board_get(st, c.mem, board, &b), BBS_OK);
	CHECK_INT(b.threads, 0);
	CHECK_INT(b.last_post_at, 0);
	store_board_finish(&b);
	CHECK_INT(store_thread_get(st, c.mem, thread, &t), BBS_OK);
	CHECK_INT(t.board_id, other);
	store_thread_finish(&t);
	char *d = last_detail(st);
	CHECK_STR(d, "board talk -> other");
	free(d);

	/* Reports. */
	int64_t r1 = 0, r2 = 0, r3 = 0, msg = 0, q = 0, ch = 0;
	CHECK_INT(store_report_create(st, c.mem, STORE_REPORT_POST, p1, "Spam\x1b[2J here", &r1),
		BBS_OK);
	CHECK_INT(store_report_create(st, c.mem, STORE_REPORT_POST, p1, "again", NULL),
		BBS_ERR_EXISTS);
	CHECK_INT(store_report_create(st, c.mem, STORE_REPORT_POST, 9999, "x", NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_report_create(st, c.mem, 7, p1, "x", NULL), BBS_ERR_INVALID);
	CHECK_INT(store_report_create(st, c.mem, STORE_REPORT_POST, p1, "  ", NULL),
		BBS_ERR_INVALID);
	char *huge = xmalloc(STORE_FIELD_MAX * 4 + 2);
	memset(huge, 'r', STORE_FIELD_MAX * 4 + 1);
	huge[STORE_FIELD_MAX * 4 + 1] = '\0';
	CHECK_INT(store_report_create(st, c.bob, STORE_REPORT_POST, p1, huge, NULL),
		BBS_ERR_TOOBIG);
	free(huge);
	CHECK_INT(store_message_send(st, c.bob, "mem", "Hi", "Buy now\nreally", 0, NULL, &msg),
		BBS_OK);
	CHECK_INT(store_report_create(st, c.mod, STORE_REPORT_MESSAGE, msg, "not mine", NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_report_create(st, c.bob, STORE_REPORT_MESSAGE, msg, "my own", NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_report_create(st, c.mem, STORE_REPORT_MESSAGE, msg, "scam", &r2), BBS_OK);
	CHECK_INT(store_question_create(st, c.mod, "Q?", "", 0, 0, false, &q), BBS_OK);
	struct store_area *areas = NULL;
	size_t na = 0;
	CHECK_INT(store_area_list(st, &areas, &na), BBS_OK);
	int64_t area = na ? areas[0].id : 0;
	store_area_list_free(areas, na);
	CHECK_INT(store_challenge_submit(st, q, c.bob, "A problem", "", &area, 1, NULL, &ch),
		BBS_OK);
	CHECK_INT(store_report_create(st, c.mem, STORE_REPORT_CHALLENGE, ch, "duplicate", &r3),
		BBS_OK);
	CHECK_INT(store_report_create(st, 0, STORE_REPORT_CHALLENGE, ch, "console", NULL),
		BBS_ERR_DENIED);

	struct store_report *rv = NULL;
	size_t nr = 0;
	CHECK_INT(store_report_list(st, c.mem, false, 0, 10, &rv, &nr), BBS_ERR_DENIED);
	CHECK_INT(store_report_list(st, c.mod, true, 0, 10, &rv, &nr), BBS_OK);
	CHECK_INT(nr, 3);
	if (nr == 3) {
		CHECK_INT(rv[0].id, r1);
		CHECK_INT(rv[0].kind, STORE_REPORT_POST);
		CHECK_STR(rv[0].target, "post 1 in Platypus");
		CHECK_STR(rv[0].excerpt, "first quokka post");
		CHECK_STR(rv[0].reporter, "mem");
		CHECK(strchr(rv[0].reason, '\x1b') == NULL);
		CHECK(rv[0].open);
		CHECK_STR(rv[1].target, "message 1 from bob");
		CHECK_STR(rv[1].excerpt, "Buy now...");
		CHECK_STR(rv[2].target, "challenge 1: A problem");
	}
	store_report_list_free(rv, nr);
	CHECK_INT(store_report_resolve(st, c.mem, r1, "done"), BBS_ERR_DENIED);
	CHECK_INT(store_report_resolve(st, c.mod, r1, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_report_resolve(st, c.mod, 9999, "x"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_report_resolve(st, c.mod, r1, "Hidden the post"), BBS_OK);
	CHECK_INT(store_report_resolve(st, c.mod, r1, "again"), BBS_ERR_INVALID);
	CHECK_INT(count_audit(st, "report-resolve", NULL), 1);
	CHECK_INT(store_report_list(st, c.mod, true, 0, 10, &rv, &nr), BBS_OK);
	CHECK_INT(nr, 2);
	store_report_list_free(rv, nr);
	CHECK_INT(store_report_list(st, c.sysop, false, 0, 10, &rv, &nr), BBS_OK);
	CHECK_INT(nr, 3);
	CHECK(nr == 3 && !rv[2].open && strcmp(rv[2].resolution, "Hidden the post") == 0);
	store_report_list_free(rv, nr);
	CHECK_INT(store_report_list(st, c.mod, false, 0, 0, &rv, &nr), BBS_ERR_INVALID);

	/* The existing moderator functions write audit entries too. */
	CHECK_INT(store_challenge_hide(st, c.mod, ch, "dup"), BBS_OK);
	CHECK_INT(store_challenge_unhide(st, c.mod, ch), BBS_OK);
	int64_t ch2 = 0, nt = 0;
	CHECK_INT(store_challenge_submit(st, q, c.mem, "Another", "", &area, 1, NULL, &ch2), BBS_OK);
	CHECK_INT(store_challenge_merge(st, c.mod, ch2, ch), BBS_OK);
	CHECK_INT(store_challenge_promote(st, c.mod, ch, board, &nt), BBS_OK);
	CHECK_INT(store_question_update(st, c.mod, q, "Q2?", "", 0, 0, false), BBS_OK);
	CHECK_INT(store_question_set_current(st, c.mod, q), BBS_OK);
	const char *actions[] = { "challenge-hide", "challenge-unhide", "challenge-merge",
		"challenge-promote", "question-create", "question-update", "question-current" };
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		CHECK_INT(count_audit(st, actions[i], NULL), 1);
	verify_ok(st);
	store_close(st);
}

/* ---- joining, invites, announcements are audited ---- */

static void test_membership_audited(void)
{
	struct cast c;
	cast_open(&c, "membership.db");
	struct store *st = c.st;
	if (!st)
		return;
	struct store_application_form f = { .handle = "appl", .display_name = "Applicant",
		.reason = "To help", .contact = "a@example.org",
		.cred = { .pwhash = "$argon2id$x" } };
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_OK);
	f.handle = "appl2";
	CHECK_INT(store_application_submit(st, &f, NULL), BBS_OK);
	CHECK_INT(store_application_decide(st, c.sysop, "appl", true), BBS_OK);
	CHECK_INT(store_application_decide(st, 0, "appl2", false), BBS_OK);
	CHECK_INT(count_audit(st, "application-accept", "user appl"), 1);
	CHECK_INT(count_audit(st, "application-decline", "user appl2"), 1);
	int64_t inv = 0, ann = 0;
	const char hash[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	CHECK_INT(store_invite_create(st, c.sysop, hash, bbs_now() + 3600, 0, "Org", "", "for x",
		&inv), BBS_OK);
	CHECK_INT(count_audit(st, "invite-create", NULL), 1);
	CHECK_INT(store_admin_invite_revoke(st, c.mod, inv), BBS_ERR_DENIED);
	CHECK_INT(store_admin_invite_revoke(st, c.sysop, 9999), BBS_ERR_NOTFOUND);
	CHECK_INT(store_admin_invite_revoke(st, c.sysop, inv), BBS_OK);
	CHECK_INT(store_invite_revoke(st, inv), BBS_OK);  /* twice is fine, recorded once */
	CHECK_INT(count_audit(st, "invite-revoke", NULL), 1);
	CHECK_INT(store_announcement_create(st, c.sysop, "News", "Body", &ann), BBS_OK);
	CHECK_INT(store_announcement_delete(st, c.mod, ann), BBS_ERR_DENIED);
	CHECK_INT(store_announcement_delete(st, c.sysop, ann), BBS_OK);
	CHECK_INT(store_announcement_delete(st, c.sysop, ann), BBS_ERR_NOTFOUND);
	CHECK_INT(count_audit(st, "announcement-create", NULL), 1);
	CHECK_INT(count_audit(st, "announcement-delete", NULL), 1);
	verify_ok(st);
	store_close(st);
}

/* ---- structure and settings ---- */

static void test_structure(void)
{
	struct cast c;
	cast_open(&c, "structure.db");
	struct store *st = c.st;
	if (!st)
		return;
	int64_t a = 0, b1 = 0, b2 = 0, b3 = 0;
	CHECK_INT(store_area_create(st, c.mod, "research", "Research", "", &a), BBS_ERR_DENIED);
	CHECK_INT(store_area_create(st, c.sysop, "Research", "Research", "", &a), BBS_ERR_INVALID);
	CHECK_INT(store_area_create(st, c.sysop, "re_search", "Research", "", &a), BBS_ERR_INVALID);
	CHECK_INT(store_area_create(st, c.sysop, "re.search", "Research", "", &a), BBS_ERR_INVALID);
	CHECK_INT(store_area_create(st, c.sysop, "", "Research", "", &a), BBS_ERR_INVALID);
	CHECK_INT(store_area_create(st, c.sysop, "research", "  ", "", &a), BBS_ERR_INVALID);
	CHECK_INT(store_area_create(st, c.sysop, "research", "Research\x1b[1m", "Studies", &a),
		BBS_OK);
	CHECK_INT(store_area_create(st, c.sysop, "research", "Again", "", NULL), BBS_ERR_EXISTS);
	struct store_page pg;
	CHECK_INT(store_page_get(st, "area-research", &pg), BBS_OK);
	store_page_finish(&pg);
	struct store_area *av = NULL;
	size_t na = 0;
	CHECK_INT(store_area_list(st, &av, &na), BBS_OK);
	CHECK_INT(na, 4);
	CHECK_INT(na ? av[na - 1].id : 0, a);
	CHECK(na && strchr(av[na - 1].name, '\x1b') == NULL);
	CHECK_STR(na ? av[na - 1].page_slug : NULL, "area-research");
	store_area_list_free(av, na);
	CHECK_INT(store_area_update(st, c.mod, a, "R", NULL), BBS_ERR_DENIED);
	CHECK_INT(store_area_update(st, c.sysop, 9999, "R", NULL), BBS_ERR_NOTFOUND);
	CHECK_INT(store_area_update(st, c.sysop, a, NULL, "New summary"), BBS_OK);
	char *d = last_detail(st);
	CHECK(strstr(d, "\"Studies\" -> \"New summary\"") != NULL);
	free(d);
	CHECK_INT(store_area_move(st, c.sysop, a, 2), BBS_ERR_INVALID);
	CHECK_INT(store_area_move(st, c.mod, a, -1), BBS_ERR_DENIED);
	CHECK_INT(store_area_move(st, c.sysop, a, -1), BBS_OK);
	CHECK_INT(store_area_list(st, &av, &na), BBS_OK);
	CHECK_INT(na == 4 ? av[2].id : 0, a);
	store_area_list_free(av, na);
	CHECK_INT(store_area_move(st, c.sysop, a, 1), BBS_OK);
	CHECK_INT(store_area_move(st, c.sysop, a, 1), BBS_OK);  /* last already: no change */
	CHECK_INT(count_audit(st, "area-move", NULL), 2);
	CHECK_INT(store_area_set_archived(st, c.mod, a, true), BBS_ERR_DENIED);
	CHECK_INT(store_area_set_archived(st, c.sysop, a, true), BBS_OK);
	CHECK_INT(store_area_list(st, &av, &na), BBS_OK);
	CHECK_INT(na, 3);
	store_area_list_free(av, na);
	CHECK_INT(store_area_list_all(st, &av, &na), BBS_OK);
	CHECK_INT(na, 4);
	CHECK(na == 4 && av[3].archived);
	store_area_list_free(av, na);

	CHECK_INT(store_board_create(st, c.mem, 0, "b-one", "One", "", &b1), BBS_ERR_DENIED);
	CHECK_INT(store_board_create(st, c.sysop, 9999, "b-one", "One", "", &b1), BBS_ERR_NOTFOUND);
	CHECK_INT(store_board_create(st, c.sysop, 0, "B one", "One", "", &b1), BBS_ERR_INVALID);
	CHECK_INT(store_board_create(st, c.sysop, 0, "b-one", "One", "First", &b1), BBS_OK);
	CHECK_INT(store_board_create(st, c.sysop, 0, "b-two", "Two", "", &b2), BBS_OK);
	CHECK_INT(store_board_create(st, c.sysop, a, "b-three", "Three", "", &b3), BBS_OK);
	CHECK_INT(store_board_create(st, c.sysop, 0, "b-one", "Dup", "", NULL), BBS_ERR_EXISTS);
	CHECK_INT(store_board_update(st, c.sysop, b1, "Uno", "Primero"), BBS_OK);
	CHECK_INT(store_board_update(st, c.mod, b1, "Uno", "Primero"), BBS_ERR_DENIED);
	CHECK_INT(store_board_move(st, c.sysop, b2, -1), BBS_OK);
	CHECK_INT(store_board_move(st, c.sysop, 9999, -1), BBS_ERR_NOTFOUND);
	CHECK_INT(store_board_set_archived(st, c.sysop, b1, true), BBS_OK);
	int64_t t = 0;
	CHECK_INT(store_thread_create(st, b1, c.mem, "T", "B", NULL, &t, NULL), BBS_ERR_DENIED);
	struct store_board *bv = NULL;
	size_t nb = 0;
	CHECK_INT(store_board_list_all(st, &bv, &nb), BBS_OK);
	int pos2 = -1, pos1 = -1;
	for (size_t i = 0; i < nb; i++) {
		if (bv[i].id == b1) {
			pos1 = (int)i;
			CHECK(bv[i].archived);
			CHECK_STR(bv[i].name, "Uno");
			CHECK_STR(bv[i].description, "Primero");
		}
		if (bv[i].id == b2)
			pos2 = (int)i;
	}
	CHECK(pos1 >= 0 && pos2 >= 0 && pos2 < pos1);
	store_board_list_free(bv, nb);
	CHECK_INT(store_board_list(st, c.mem, -1, &bv, &nb), BBS_OK);
	for (size_t i = 0; i < nb; i++)
		CHECK(bv[i].id != b1);
	store_board_list_free(bv, nb);
	const char *actions[] = { "area-create", "area-update", "area-archive", "board-create",
		"board-update", "board-move", "board-archive" };
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		CHECK(count_audit(st, actions[i], NULL) >= 1);

	/* Pages. */
	CHECK_INT(store_admin_page_set(st, c.mod, "welcome", "Hi", "Body"), BBS_ERR_DENIED);
	CHECK_INT(store_admin_page_set(st, c.sysop, "Bad Slug", "Hi", "Body"), BBS_ERR_INVALID);
	CHECK_INT(store_admin_page_set(st, c.sysop, "welcome", NULL, "Body"), BBS_ERR_INVALID);
	CHECK_INT(store_admin_page_set(st, c.sysop, "welcome", "Welcome!\x1b[2J", "New body\n"),
		BBS_OK);
	CHECK_INT(store_page_get(st, "welcome", &pg), BBS_OK);
	CHECK(strchr(pg.title, '\x1b') == NULL);
	store_page_finish(&pg);
	CHECK_INT(count_audit(st, "page-edit", "page welcome"), 1);
	char *body = xmalloc(STORE_BODY_MAX + 2);
	memset(body, 'b', STORE_BODY_MAX + 1);
	body[STORE_BODY_MAX + 1] = '\0';
	CHECK_INT(store_admin_page_set(st, c.sysop, "welcome", "T", body), BBS_ERR_TOOBIG);
	free(body);

	/* Settings: only known keys, only usable values. */
	CHECK_INT(store_admin_setting_set(st, c.mod, "site_name", "X"), BBS_ERR_DENIED);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "unknown_key", "X"), BBS_ERR_INVALID);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "site_name", ""), BBS_ERR_INVALID);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "site_name", NULL), BBS_ERR_INVALID);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "site_name", "New \x1b[5mportal"), BBS_OK);
	char *val = NULL;
	CHECK_INT(store_setting_get(st, "site_name", &val), BBS_OK);
	CHECK(val && strchr(val, '\x1b') == NULL);
	free(val);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "registration", "sometimes"), BBS_ERR_INVALID);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "registration", "invite"), BBS_OK);
	int mode = 0;
	CHECK_INT(store_registration_get(st, &mode), BBS_OK);
	CHECK_INT(mode, STORE_REG_INVITE);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "guest_access", "maybe"), BBS_ERR_INVALID);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "guest_access", "off"), BBS_OK);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "idle_warn_minutes", "-1"), BBS_ERR_INVALID);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "idle_warn_minutes", "99999"),
		BBS_ERR_INVALID);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "idle_warn_minutes", "1x"), BBS_ERR_INVALID);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "idle_logout_minutes", "045"), BBS_OK);
	CHECK_INT(store_setting_get(st, "idle_logout_minutes", &val), BBS_OK);
	CHECK_STR(val, "45");
	free(val);
	CHECK_INT(store_admin_setting_set(st, c.sysop, "who_we_are_summary", "Us"), BBS_OK);
	char *huge = xmalloc(STORE_FIELD_MAX + 2);
	memset(huge, 'n', STORE_FIELD_MAX + 1);
	huge[STORE_FIELD_MAX + 1] = '\0';
	CHECK_INT(store_admin_setting_set(st, c.sysop, "site_name", huge), BBS_ERR_TOOBIG);
	free(huge);
	CHECK_INT(count_audit(st, "setting", NULL), 5);
	CHECK_INT(store_admin_setting_set(st, 0, "guest_access", "off"), BBS_OK);  /* unchanged */
	CHECK_INT(count_audit(st, "setting", NULL), 5);
	verify_ok(st);
	store_close(st);
}

/* ---- sessions ---- */

/* A child that waits until the pipe closes (or a signal ends it). */
static pid_t spawn_waiter(int fds[2])
{
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		while (read(fds[0], &c, 1) < 0)
			;
		_exit(0);
	}
	CHECK(pid > 0);
	return pid;
}

static int64_t add_session(struct store *st, int64_t user_id, pid_t pid, int64_t start)
{
	struct store_session s = { .user_id = user_id, .kind = "member", .pid = pid,
		.pid_start = start, .source = "198.51.100.7" };
	int64_t id = 0;
	CHECK_INT(store_session_add(st, &s, &id), BBS_OK);
	return id;
}

static void test_sessions(void)
{
	struct cast c;
	cast_open(&c, "sessions.db");
	struct store *st = c.st;
	if (!st)
		return;
	int fds[2];
	CHECK_INT(pipe(fds), 0);
	pid_t a = spawn_waiter(fds), b = spawn_waiter(fds), e = spawn_waiter(fds);
	int64_t sa = 0, sb = 0, dead_start = 0, own_start = 0;
	CHECK_INT(store_proc_start_time(a, &sa), BBS_OK);
	CHECK_INT(store_proc_start_time(b, &sb), BBS_OK);
	CHECK_INT(store_proc_start_time(getpid(), &own_start), BBS_OK);
	CHECK(own_start > 0);
	CHECK_INT(store_proc_start_time(0, &dead_start), BBS_ERR_INVALID);
	/* A process that is gone. */
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	int status = 0;
	CHECK_INT(waitpid(gone, &status, 0), gone);
	CHECK_INT(store_proc_start_time(gone, &dead_start), BBS_ERR_NOTFOUND);

	int64_t id_a = add_session(st, c.mem, a, sa);
	int64_t id_b = add_session(st, c.bob, b, sb);
	int64_t id_e = 0;
	int64_t se = 0;
	CHECK_INT(store_proc_start_time(e, &se), BBS_OK);
	id_e = add_session(st, c.bob, e, se);
	int64_t id_dead = add_session(st, c.mem, gone, 12345);
	int64_t id_reused = add_session(st, 0, getpid(), own_start + 1);  /* pid reused */
	struct store_session bad = { .kind = "shell", .pid = a };
	CHECK_INT(store_session_add(st, &bad, NULL), BBS_ERR_INVALID);
	bad.kind = "guest";
	bad.pid = 0;
	CHECK_INT(store_session_add(st, &bad, NULL), BBS_ERR_INVALID);
	bad.pid = a;
	bad.user_id = 9999;
	CHECK_INT(store_session_add(st, &bad, NULL), BBS_ERR_NOTFOUND);

	struct store_session *v = NULL;
	size_t n = 0;
	CHECK_INT(store_session_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(v[0].id, id_a);
		CHECK_STR(v[0].handle, "mem");
		CHECK_STR(v[0].kind, "member");
		CHECK_STR(v[0].source, "198.51.100.7");
		CHECK_INT(v[0].pid, a);
		CHECK_INT(v[1].id, id_b);
	}
	store_session_list_free(v, n);
	/* Pruned rows are gone for good. */
	struct store_proc pruned[2] = { { gone, 12345 }, { getpid(), own_start + 1 } };
	int64_t removed = -1;
	CHECK_INT(store_session_remove_ended(st, pruned, 2, &removed), BBS_OK);
	CHECK_INT(removed, 0);
	(void)id_dead;
	(void)id_reused;

	CHECK_INT(store_session_end(st, c.mem, id_a), BBS_ERR_DENIED);
	CHECK_INT(store_session_end(st, c.mod, id_a), BBS_ERR_DENIED);
	CHECK_INT(store_session_end(st, c.sysop, 9999), BBS_ERR_NOTFOUND);
	CHECK_INT(store_session_end(st, c.sysop, id_a), BBS_OK);
	CHECK_INT(waitpid(a, &status, 0), a);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK_INT(count_audit(st, "session-end", "session 1"), 1);
	CHECK_INT(store_session_end(st, c.sysop, id_a), BBS_ERR_NOTFOUND);  /* pruned now */
	CHECK_INT(store_session_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, 2);
	store_session_list_free(v, n);

	/* All of bob's sessions. */
	int64_t ended = -1;
	CHECK_INT(store_session_end_user(st, c.mem, c.bob, &ended), BBS_ERR_DENIED);
	CHECK_INT(store_session_end_user(st, c.sysop, 9999, &ended), BBS_ERR_NOTFOUND);
	CHECK_INT(store_session_end_user(st, 0, c.bob, &ended), BBS_OK);
	CHECK_INT(ended, 2);
	CHECK_INT(waitpid(b, &status, 0), b);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK_INT(waitpid(e, &status, 0), e);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK_INT(count_audit(st, "session-end", "user bob"), 1);
	CHECK_INT(store_session_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, 0);
	store_session_list_free(v, n);
	CHECK_INT(store_session_end_user(st, 0, c.bob, &ended), BBS_OK);
	CHECK_INT(ended, 0);
	(void)id_e;

	/* A removed session; sources are forgotten with the audit log's. */
	int64_t own = add_session(st, 0, getpid(), own_start);
	int64_t cleared = 0;
	CHECK_INT(store_forget_sources(st, 0, &cleared), BBS_OK);
	CHECK(cleared >= 1);
	CHECK_INT(store_session_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, 1);
	CHECK_STR(n ? v[0].source : NULL, "");
	CHECK_STR(n ? v[0].handle : NULL, "");
	store_session_list_free(v, n);
	/* Ended processes: only the row with the same pid and start time goes. */
	int64_t newer = add_session(st, 0, getpid(), own_start + 7);   /* a pid reused later */
	struct store_proc own_proc = { getpid(), own_start };
	CHECK_INT(store_session_remove_ended(st, &own_proc, 1, &removed), BBS_OK);
	CHECK_INT(removed, 1);
	CHECK_INT(store_session_remove_ended(st, &own_proc, 1, &removed), BBS_OK);
	CHECK_INT(removed, 0);
	CHECK_INT(store_session_remove_ended(st, NULL, 0, &removed), BBS_OK);
	CHECK_INT(store_session_remove_ended(st, NULL, 1, &removed), BBS_ERR_INVALID);
	struct store_proc later = { getpid(), own_start + 7 };
	CHECK_INT(store_session_remove_ended(st, &later, 1, &removed), BBS_OK);
	CHECK_INT(removed, 1);
	(void)own;
	(void)newer;
	close(fds[0]);
	close(fds[1]);
	verify_ok(st);
	store_close(st);
}

/* ---- migration from schema 4 ---- */

static void test_migration_v4(void)
{
	char *path = db_path("v4.db");
	struct store *st = NULL;
	CHECK_INT(store_schema_version(), 7);
	CHECK_INT(store_open_at_version(path, 4, &st), BBS_OK);
	store_close(st);
	raw_exec("v4.db", "PRAGMA foreign_keys = ON;"
		"INSERT INTO users (handle, display_name, role, status, created) "
		"VALUES ('olduser', 'Old User', 3, 0, 1000);"
		"INSERT INTO boards (slug, name) VALUES ('oldboard', 'Old board');"
		"INSERT INTO threads (board_id, title, author_id, created, last_post_at, posts, "
		"last_seq) VALUES (1, 'Old discussion', 1, 1000, 1000, 1, 1);"
		"INSERT INTO posts (thread_id, seq, author_id, body, created) "
		"VALUES (1, 1, 1, 'Old echidna body', 1000);"
		"INSERT INTO post_search (rowid, title, body) SELECT id, title, body "
		"FROM post_search_src;"
		"INSERT INTO questions (text, created, current) VALUES ('Q?', 1000, 1);"
		"INSERT INTO challenges (question_id, author_id, title, created) "
		"VALUES (1, 1, 'Old challenge', 1000);"
		"INSERT INTO moderation_log (at, actor_id, actor_role, action, target) "
		"VALUES (1000, 1, 3, 'hidden', 'challenge 1: Old challenge');");
	CHECK_INT(store_open(path, &st), BBS_OK);
	if (st) {
		struct store_user *u = get_user(st, 1);
		CHECK(u && !u->verified && u->silenced_until == 0 && strcmp(u->silence_reason, "") == 0);
		CHECK_STR(u ? u->display_name : NULL, "Old User");
		store_user_free(u);
		struct store_post *p = NULL;
		size_t n = 0;
		CHECK_INT(store_post_range_for(st, 1, 1, 1, 10, &p, &n), BBS_OK);
		CHECK(n == 1 && !p[0].hidden && strcmp(p[0].body, "Old echidna body") == 0);
		store_post_list_free(p, n);
		struct store_hit *h = NULL;
		size_t nh = 0;
		CHECK_INT(store_search(st, 1, "echidna", 10, &h, &nh), BBS_OK);
		CHECK_INT(nh, 1);
		store_hit_list_free(h, nh);
		/* The index follows the new view: hiding takes the old post out. */
		CHECK_INT(store_post_hide(st, 1, 1, "test"), BBS_OK);
		CHECK_INT(store_search(st, 1, "echidna", 10, &h, &nh), BBS_OK);
		CHECK_INT(nh, 0);
		store_hit_list_free(h, nh);
		struct store_modlog *m = NULL;
		size_t nm = 0;
		CHECK_INT(store_modlog_list(st, 0, 10, &m, &nm), BBS_OK);
		CHECK_INT(nm, 2);
		CHECK_STR(nm == 2 ? m[1].target : NULL, "challenge 1: Old challenge");
		store_modlog_list_free(m, nm);
		/* The console may moderate now (no member behind the record). */
		CHECK_INT(store_post_unhide(st, 0, 1), BBS_OK);
		verify_ok(st);
		store_close(st);
	}
	sqlite3 *db = NULL;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *stmt = NULL;
	CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &stmt, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(stmt, 0), 7);
	sqlite3_finalize(stmt);
	CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(stmt, 0), "ok");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	free(path);
}

int main(void)
{
	static void (*const steps[])(void) = {
		test_audit_chain, test_audit_deletions, test_user_edit, test_last_sysop,
		test_silence, test_moderation, test_membership_audited, test_structure,
		test_sessions, test_migration_v4,
	};
	return tmpdir_main("test-admin", BBS_LOG_ERROR, steps, sizeof steps / sizeof steps[0]);
}
