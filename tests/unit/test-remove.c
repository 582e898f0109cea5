/*
 * test-remove: deleting a member (store_user_remove, issue 10).
 *
 * Both choices (keep their posts, shown as from "removed member"; remove them: tombstones,
 * threads with others' replies survive, the search index and the thread counters stay
 * consistent), what goes (profile, password, keys, drafts, their folders) and what stays
 * (messages with the other party), the audit entry and an intact chain, a removed member no
 * longer found by their handle (so never logged in), the handle reserved for good, and
 * hostile input: an unknown member, deleting yourself, the last sysop, a moderator acting,
 * a member removed twice.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/unit/fixture.h"

#define BLOB "AAAAC3NzaC1lZDI1NTE5AAAAIG9sZA=="

static int add_user_err(struct store *st, const char *handle)
{
	struct store_user u = { .handle = (char *)handle };
	int64_t id = 0;
	return store_user_add(st, &u, &id);
}

static int64_t add_user(struct store *st, const char *handle, int role, const char *pwhash)
{
	struct store_user u = { .handle = (char *)handle, .display_name = "Real Name",
		.organisation = "Org", .country = "Somewhere", .role = role,
		.pwhash = (char *)pwhash };
	int64_t id = 0;
	CHECK_INT(store_user_add(st, &u, &id), BBS_OK);
	return id;
}

/* One integer from SQL run directly on the file (a second connection, read only). */
static int64_t sql_i64(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int64_t v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

/* The full-text index is sound (FTS5's own integrity check, of the index itself: the
 * external-content comparison does not apply, as deleted posts are source rows left out of
 * the index on purpose). What it holds is checked by searching. */
static bool fts_consistent(const char *path)
{
	sqlite3 *db = NULL;
	bool ok = sqlite3_open(path, &db) == SQLITE_OK &&
		sqlite3_exec(db, "INSERT INTO post_search (post_search) VALUES ('integrity-check')",
			NULL, NULL, NULL) == SQLITE_OK;
	if (!ok)
		fprintf(stderr, "  fts: %s\n", db ? sqlite3_errmsg(db) : "no db");
	sqlite3_close(db);
	return ok;
}

static int hits(struct store *st, int64_t viewer, const char *word)
{
	struct store_hit *v = NULL;
	size_t n = 0;
	CHECK_INT(store_search(st, viewer, word, 50, &v, &n), BBS_OK);
	store_hit_list_free(v, n);
	return (int)n;
}

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

static void verify_ok(struct store *st)
{
	int64_t count = -1, bad = -1;
	char *head = NULL;
	CHECK_INT(store_audit_verify(st, &count, &bad, &head), BBS_OK);
	CHECK_INT(bad, 0);
	CHECK(count > 0);
	free(head);
}

struct world {
	int64_t sysop, alice, bob, board;
	int64_t alice_thread, alice_post1, bob_reply, alice_reply, bob_thread, alice_in_bob;
	int64_t msg_to_bob, msg_to_alice;
};

/* alice starts a discussion that bob replies to, replies herself, and replies in bob's; they
 * exchange messages; alice has a key, a draft and a block. */
static void build(struct store *st, const char *path, struct world *w)
{
	w->sysop = add_user(st, "sysop", STORE_ROLE_SYSOP, NULL);
	w->alice = add_user(st, "alice", STORE_ROLE_MEMBER, "$argon2id$fake");
	w->bob = add_user(st, "bob", STORE_ROLE_MEMBER, NULL);
	w->board = sql_i64(path, "SELECT min(id) FROM boards");
	CHECK(w->board > 0);
	CHECK_INT(store_thread_create(st, w->board, w->alice, "Zebracorn title",
		"alice writes about quokkaword", NULL, &w->alice_thread, &w->alice_post1), BBS_OK);
	CHECK_INT(store_post_reply(st, w->alice_thread, w->bob, "bob answers with wombatword", 0,
		NULL, &w->bob_reply), BBS_OK);
	CHECK_INT(store_post_reply(st, w->alice_thread, w->alice, "alice again, narwhalword", 0,
		NULL, &w->alice_reply), BBS_OK);
	CHECK_INT(store_post_edit(st, w->alice_reply, w->alice, "alice edited, narwhalword"),
		BBS_OK);
	int64_t p = 0;
	CHECK_INT(store_thread_create(st, w->board, w->bob, "Bob's own", "bob opens ibexword",
		NULL, &w->bob_thread, &p), BBS_OK);
	CHECK_INT(store_post_reply(st, w->bob_thread, w->alice, "alice in bob's, yakword", 0,
		NULL, &w->alice_in_bob), BBS_OK);
	CHECK_INT(store_message_send(st, w->alice, "bob", "Hello", "a message to bob", 0, NULL,
		&w->msg_to_bob), BBS_OK);
	CHECK_INT(store_message_send(st, w->bob, "alice", "Re", "a message to alice", 0, NULL,
		&w->msg_to_alice), BBS_OK);
	CHECK_INT(store_key_add(st, w->alice, "ssh-ed25519", BLOB, "SHA256:abc", "laptop", NULL),
		BBS_OK);
	CHECK_INT(store_draft_save(st, w->alice, "new:1", "t", "a draft"), BBS_OK);
	CHECK(hits(st, w->bob, "quokkaword") == 1);
}

static void removed_state(struct store *st, const char *path, const struct world *w)
{
	struct store_user *u = NULL;
	/* Not found by the handle (bbsd looks members up by it: no login). */
	CHECK_INT(store_user_get(st, "alice", &u), BBS_ERR_NOTFOUND);
	CHECK_INT(store_user_get_by_id(st, w->alice, &u), BBS_OK);
	if (u) {
		char want[32];
		snprintf(want, sizeof want, "removed-%lld", (long long)w->alice);
		CHECK_STR(u->handle, want);
		CHECK(u->removed);
		CHECK_INT(u->status, STORE_STATUS_DISABLED);
		CHECK(u->pwhash == NULL);
		CHECK_STR(u->display_name, "");
		CHECK_STR(u->organisation, "");
		CHECK_STR(u->country, "");
		CHECK(!u->in_directory);
		CHECK(store_handle_reserved(u->handle));
	}
	store_user_free(u);
	struct store_key *k = NULL;
	size_t nk = 9;
	CHECK_INT(store_key_list(st, w->alice, &k, &nk), BBS_OK);
	CHECK_INT((int)nk, 0);
	store_key_list_free(k, nk);
	struct store_draft d = { 0 };
	CHECK_INT(store_draft_latest(st, w->alice, &d), BBS_ERR_NOTFOUND);
	/* Never listed. */
	struct store_user **v = NULL;
	size_t n = 0;
	CHECK_INT(store_user_list(st, &v, &n), BBS_OK);
	for (size_t i = 0; i < n; i++)
		CHECK(!v[i]->removed && strncmp(v[i]->handle, "removed-", 8) != 0);
	store_user_list_free(v, n);
	CHECK_INT(store_user_search(st, "", -1, -1, NULL, NULL, 0, 100, &v, &n), BBS_OK);
	for (size_t i = 0; i < n; i++)
		CHECK(!v[i]->removed);
	store_user_list_free(v, n);
	/* bob keeps the message alice sent him, from "removed member"; her folders are empty. */
	struct store_message m = { 0 };
	CHECK_INT(store_message_get(st, w->bob, w->msg_to_bob, &m), BBS_OK);
	CHECK_STR(m.sender_handle, STORE_REMOVED_NAME);
	store_message_finish(&m);
	CHECK_INT(store_message_get(st, w->bob, w->msg_to_alice, &m), BBS_OK);
	CHECK_STR(m.recipient_handle, STORE_REMOVED_NAME);
	store_message_finish(&m);
	struct store_message *mv = NULL;
	CHECK_INT(store_message_list(st, w->alice, STORE_INBOX, 0, 50, &mv, &n), BBS_OK);
	CHECK_INT((int)n, 0);
	store_message_list_free(mv, n);
	/* The handle stays reserved: neither a new member nor a retry can take it. */
	CHECK_INT(add_user_err(st, "alice"), BBS_ERR_EXISTS);
	CHECK(fts_consistent(path));
	verify_ok(st);
}

static struct store_post post(struct store *st, int64_t id)
{
	struct store_post p = { 0 };
	CHECK_INT(store_post_get(st, id, &p), BBS_OK);
	return p;
}

/* Keep their posts: all there, from "removed member"; the search still finds them. */
static void keep_posts(void)
{
	char *path = db_path("keep.db");
	struct store *st = open_new("keep.db");
	struct world w;
	build(st, path, &w);
	int64_t posts_before = sql_i64(path, "SELECT sum(posts) FROM threads");
	char *old = NULL;
	CHECK_INT(store_user_remove(st, w.sysop, w.alice, false, &old), BBS_OK);
	CHECK_STR(old, "alice");
	free(old);
	removed_state(st, path, &w);
	struct store_post p = post(st, w.alice_post1);
	CHECK(!p.deleted);
	CHECK_STR(p.body, "alice writes about quokkaword");
	CHECK_STR(p.author_handle, STORE_REMOVED_NAME);
	CHECK_STR(p.author_name, "");
	store_post_finish(&p);
	CHECK_INT(hits(st, w.bob, "quokkaword"), 1);
	CHECK_INT(hits(st, w.bob, "zebracorn"), 1);
	CHECK_INT(sql_i64(path, "SELECT sum(posts) FROM threads"), posts_before);
	CHECK_INT(count_audit(st, "member-remove", "user alice"), 1);
	/* Twice: she is no longer there to remove. */
	CHECK_INT(store_user_remove(st, w.sysop, w.alice, false, NULL), BBS_ERR_NOTFOUND);
	CHECK_INT(count_audit(st, "member-remove", NULL), 1);
	store_close(st);
	free(path);
}

/* Remove their posts: tombstones, versions gone, out of the index; bob's replies and bob's
 * thread survive. */
static void remove_posts(void)
{
	char *path = db_path("remove.db");
	struct store *st = open_new("remove.db");
	struct world w;
	build(st, path, &w);
	int64_t posts_before = sql_i64(path, "SELECT sum(posts) FROM threads");
	int64_t threads_before = sql_i64(path, "SELECT count(*) FROM threads");
	int64_t report = 0;
	CHECK_INT(store_report_create(st, w.bob, STORE_REPORT_POST, w.alice_post1, "spam",
		&report), BBS_OK);
	CHECK_INT(sql_i64(path, "SELECT count(*) FROM reports WHERE excerpt LIKE '%quokka%'"), 1);
	CHECK_INT(store_user_remove(st, 0, w.alice, true, NULL), BBS_OK);   /* the console */
	CHECK_INT(sql_i64(path, "SELECT count(*) FROM reports WHERE excerpt LIKE '%quokka%' "
		"OR target LIKE '%Zebracorn%'"), 0);
	CHECK_INT(sql_i64(path, "SELECT count(*) FROM reports"), 1);
	removed_state(st, path, &w);
	int64_t mine[3] = { w.alice_post1, w.alice_reply, w.alice_in_bob };
	for (int i = 0; i < 3; i++) {
		struct store_post p = post(st, mine[i]);
		CHECK(p.deleted);
		CHECK_STR(p.body, "");
		CHECK_STR(p.author_handle, STORE_REMOVED_NAME);
		store_post_finish(&p);
	}
	CHECK_INT(sql_i64(path, "SELECT count(*) FROM post_versions v JOIN posts p "
		"ON p.id = v.post_id WHERE p.author_id = 2"), 0);
	CHECK_INT(sql_i64(path, "SELECT count(*) FROM posts WHERE body LIKE '%narwhal%' "
		"OR body LIKE '%quokka%' OR body LIKE '%yakword%'"), 0);
	struct store_post b = post(st, w.bob_reply);
	CHECK(!b.deleted);
	CHECK_STR(b.author_handle, "bob");
	store_post_finish(&b);
	CHECK_INT(hits(st, w.bob, "quokkaword"), 0);
	CHECK_INT(hits(st, w.bob, "narwhalword"), 0);
	CHECK_INT(hits(st, w.bob, "yakword"), 0);
	CHECK_INT(hits(st, w.bob, "zebracorn"), 0);
	CHECK_INT(hits(st, w.bob, "wombatword"), 1);
	CHECK_INT(hits(st, w.bob, "ibexword"), 1);
	/* Threads and counters as before; hers retitled. */
	CHECK_INT(sql_i64(path, "SELECT count(*) FROM threads"), threads_before);
	CHECK_INT(sql_i64(path, "SELECT sum(posts) FROM threads"), posts_before);
	struct store_thread t = { 0 };
	CHECK_INT(store_thread_get(st, w.bob, w.alice_thread, &t), BBS_OK);
	CHECK_STR(t.title, STORE_REMOVED_TITLE);
	CHECK_STR(t.author_handle, STORE_REMOVED_NAME);
	store_thread_finish(&t);
	/* The audit entry names the choice. */
	struct store_audit *v = NULL;
	size_t n = 0;
	CHECK_INT(store_audit_list(st, "member-remove", 0, 10, &v, &n), BBS_OK);
	CHECK_INT((int)n, 1);
	if (n) {
		CHECK_STR(v[0].target, "user alice");
		CHECK(strstr(v[0].detail, "posts removed") != NULL);
		CHECK(strstr(v[0].detail, "3 deleted") != NULL);
	}
	store_audit_list_free(v, n);
	store_close(st);
	free(path);
}

/* Refusals: nothing changes, nothing is audited. */
static void hostile(void)
{
	char *path = db_path("hostile.db");
	struct store *st = open_new("hostile.db");
	struct world w;
	build(st, path, &w);
	int64_t mod = add_user(st, "mod", STORE_ROLE_MODERATOR, NULL);
	CHECK_INT(store_user_remove(st, w.sysop, 9999, false, NULL), BBS_ERR_NOTFOUND);
	CHECK_INT(store_user_remove(st, w.sysop, -1, false, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_user_remove(st, w.sysop, 0, false, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_user_remove(NULL, w.sysop, w.bob, false, NULL), BBS_ERR_INVALID);
	/* Yourself. */
	CHECK_INT(store_user_remove(st, w.sysop, w.sysop, true, NULL), BBS_ERR_DENIED);
	/* Only sysops. */
	CHECK_INT(store_user_remove(st, mod, w.bob, false, NULL), BBS_ERR_DENIED);
	CHECK_INT(store_user_remove(st, w.alice, w.bob, false, NULL), BBS_ERR_DENIED);
	/* The last active sysop, even by the console. */
	CHECK_INT(store_user_remove(st, 0, w.sysop, false, NULL), BBS_ERR_DENIED);
	CHECK_INT(count_audit(st, "member-remove", NULL), 0);
	struct store_user *u = NULL;
	CHECK_INT(store_user_get(st, "sysop", &u), BBS_OK);
	store_user_free(u);
	CHECK_INT(store_user_get(st, "bob", &u), BBS_OK);
	store_user_free(u);
	/* A second sysop: now the first may go (by the second). */
	int64_t sysop2 = add_user(st, "sysop2", STORE_ROLE_SYSOP, NULL);
	CHECK_INT(store_user_remove(st, sysop2, w.sysop, false, NULL), BBS_OK);
	CHECK_INT(store_user_remove(st, sysop2, sysop2, false, NULL), BBS_ERR_DENIED);
	/* The placeholders are never a new member's handle. */
	CHECK_INT(add_user_err(st, "removed-77"), BBS_ERR_INVALID);
	CHECK_INT(add_user_err(st, "sysop"), BBS_ERR_EXISTS);
	verify_ok(st);
	store_close(st);
	free(path);
}

int main(void)
{
	static void (*const steps[])(void) = { keep_posts, remove_posts, hostile };
	return tmpdir_main("test-remove", BBS_LOG_ERROR, steps, sizeof steps / sizeof steps[0]);
}
