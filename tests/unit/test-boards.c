/*
 * test-boards.c: unit tests for the discussion boards in store/ (schema version 2), against
 * real database files in a temporary directory.
 *
 * Covers the seed boards, starting discussions and replying (limits, cleaning of hostile
 * text, client tokens), edits and deletes with their versions and permissions, pagination
 * order, read state (unread counts, mark read, watermarks, next unread), search (ranking,
 * prefixes, deleted posts, hostile queries), drafts, four processes replying to one
 * discussion at once, and a post surviving SIGKILL of its writer right after the call.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "common/common.h"
#include "store/store.h"
#include "text/text.h"
#include "fixture.h"

static int64_t add_user(struct store *st, const char *handle, const char *name)
{
	char *h = xstrdup(handle), *n = xstrdup(name), *org = xstrdup("Example Org"),
	     *sector = xstrdup("civil society");
	struct store_user u = { .handle = h, .display_name = n, .organisation = org,
		.sector = sector };
	int64_t id = 0;
	CHECK_INT(store_user_add(st, &u, &id), BBS_OK);
	free(h);
	free(n);
	free(org);
	free(sector);
	return id;
}

/* The id of the board with this slug (0 if none). */
static int64_t board_id(struct store *st, const char *slug)
{
	struct store_board *v = NULL;
	size_t n = 0;
	int64_t id = 0;
	CHECK_INT(store_board_list(st, 0, -1, &v, &n), BBS_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].slug, slug) == 0)
			id = v[i].id;
	store_board_list_free(v, n);
	return id;
}

static int64_t board_unread(struct store *st, int64_t user, int64_t board)
{
	struct store_board b;
	int64_t unread = -1;
	if (store_board_get(st, user, board, &b) == BBS_OK)
		unread = b.unread;
	store_board_finish(&b);
	return unread;
}

static int64_t board_threads(struct store *st, int64_t board)
{
	struct store_board b;
	int64_t n = -1;
	if (store_board_get(st, 0, board, &b) == BBS_OK)
		n = b.threads;
	store_board_finish(&b);
	return n;
}

/* Fills *t for member user (caller finishes it). */
static void get_thread(struct store *st, int64_t user, int64_t thread, struct store_thread *t)
{
	CHECK_INT(store_thread_get(st, user, thread, t), BBS_OK);
}

/* Waits (polling, not a fixed sleep) until the clock has moved past t. */
static void wait_past(int64_t t)
{
	while (bbs_now() <= t) {
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* ---- seed ---- */

static void test_seed_boards(void)
{
	struct store *st = open_new("seed.db");
	if (!st)
		return;
	CHECK(store_schema_version() >= 2);  /* 3 since the challenge question */
	struct store_board *v = NULL;
	size_t n = 0;
	CHECK_INT(store_board_list(st, 0, -1, &v, &n), BBS_OK);
	CHECK_INT(n, 5);
	static const char *const slugs[5] = { "general", "introductions", "global-coordination",
		"national-action", "safety-by-design" };
	static const char *const names[5] = { "General discussion", "Introductions",
		"International coordination", "National action", "Safety by design" };
	struct store_area *areas = NULL;
	size_t na = 0;
	CHECK_INT(store_area_list(st, &areas, &na), BBS_OK);
	CHECK_INT(na, 3);
	int64_t ids[5] = { 0 };
	for (size_t i = 0; i < n && i < 5; i++) {
		CHECK_STR(v[i].slug, slugs[i]);
		CHECK_STR(v[i].name, names[i]);
		CHECK(v[i].description && strlen(v[i].description) > 20);
		CHECK(text_is_clean(v[i].description, 0));
		CHECK_INT(v[i].threads, 0);
		CHECK_INT(v[i].unread, 0);
		CHECK_INT(v[i].last_post_at, 0);
		ids[i] = v[i].id;
		if (i < 2)
			CHECK_INT(v[i].area_id, 0);
		else if (na == 3)
			CHECK_INT(v[i].area_id, areas[i - 2].id);
	}
	CHECK_INT(v[0].position, 1);
	CHECK_INT(v[1].position, 2);
	store_board_list_free(v, n);

	/* Filters: general boards only, one area's boards, an unknown area. */
	CHECK_INT(store_board_list(st, 0, 0, &v, &n), BBS_OK);
	CHECK(n == 2 && strcmp(v[0].slug, "general") == 0 && strcmp(v[1].slug, "introductions") == 0);
	store_board_list_free(v, n);
	if (na == 3) {
		CHECK_INT(store_board_list(st, 0, areas[2].id, &v, &n), BBS_OK);
		CHECK(n == 1 && strcmp(v[0].slug, "safety-by-design") == 0);
		store_board_list_free(v, n);
	}
	CHECK_INT(store_board_list(st, 0, 9999, &v, &n), BBS_OK);
	CHECK(n == 0 && v == NULL);
	store_area_list_free(areas, na);

	/* Seeding again changes nothing. */
	CHECK_INT(store_seed(st), BBS_OK);
	CHECK_INT(store_board_list(st, 0, -1, &v, &n), BBS_OK);
	CHECK_INT(n, 5);
	for (size_t i = 0; i < n && i < 5; i++)
		CHECK_INT(v[i].id, ids[i]);
	store_board_list_free(v, n);

	struct store_board b;
	CHECK_INT(store_board_get(st, 0, ids[3], &b), BBS_OK);
	CHECK_STR(b.slug, "national-action");
	store_board_finish(&b);
	CHECK_INT(store_board_get(st, 0, 424242, &b), BBS_ERR_NOTFOUND);
	CHECK(b.slug == NULL);
	CHECK_INT(store_board_get(st, 0, 0, &b), BBS_ERR_NOTFOUND);
	CHECK_INT(store_board_list(st, 0, -1, NULL, &n), BBS_ERR_INVALID);
	store_board_finish(NULL);
	store_board_list_free(NULL, 0);
	store_close(st);
}

/* ---- posting ---- */

static void test_posting(void)
{
	struct store *st = open_new("post.db");
	if (!st)
		return;
	int64_t alice = add_user(st, "alice", "Alice Example");
	int64_t bob = add_user(st, "bob", "Bob");
	int64_t general = board_id(st, "general"), intro = board_id(st, "introductions");
	int64_t before = bbs_now();

	int64_t t1 = 0, p1 = 0;
	CHECK_INT(store_thread_create(st, general, alice, "  First topic  ", "Hello\nworld\n\n",
		NULL, &t1, &p1), BBS_OK);
	CHECK(t1 > 0 && p1 > 0);
	struct store_thread t;
	get_thread(st, alice, t1, &t);
	CHECK_STR(t.title, "First topic");  /* trimmed */
	CHECK_INT(t.board_id, general);
	CHECK_INT(t.author_id, alice);
	CHECK_STR(t.author_handle, "alice");
	CHECK_STR(t.author_name, "Alice Example");
	CHECK_INT(t.posts, 1);
	CHECK(t.created >= before && t.created <= bbs_now());
	CHECK_INT(t.last_post_at, t.created);
	CHECK(!t.pinned && !t.locked);
	CHECK_INT(t.unread, 0);        /* the author has read their post */
	CHECK_INT(t.first_unread, 0);
	store_thread_finish(&t);
	get_thread(st, bob, t1, &t);
	CHECK_INT(t.unread, 1);
	CHECK_INT(t.first_unread, 1);
	store_thread_finish(&t);

	struct store_post p;
	CHECK_INT(store_post_get(st, p1, &p), BBS_OK);
	CHECK_STR(p.body, "Hello\nworld");  /* lines kept, trailing white space gone */
	CHECK_INT(p.seq, 1);
	CHECK_INT(p.thread_id, t1);
	CHECK_STR(p.author_handle, "alice");
	CHECK_STR(p.author_name, "Alice Example");
	CHECK_STR(p.author_org, "Example Org");
	CHECK_STR(p.author_sector, "civil society");
	CHECK_INT(p.edited, 0);
	CHECK(!p.deleted);
	CHECK_INT(p.quote_of, 0);
	store_post_finish(&p);

	/* Replies: seq grows, counters follow, quotes must be in the same discussion. */
	int64_t r1 = 0, r2 = 0, other = 0, op = 0;
	CHECK_INT(store_post_reply(st, t1, bob, "  indented code\n  stays", p1, NULL, &r1), BBS_OK);
	CHECK_INT(store_post_reply(st, t1, alice, "Second reply", 0, NULL, &r2), BBS_OK);
	CHECK_INT(store_post_get(st, r1, &p), BBS_OK);
	CHECK_INT(p.seq, 2);
	CHECK_INT(p.quote_of, p1);
	CHECK_STR(p.body, "  indented code\n  stays");
	store_post_finish(&p);
	CHECK_INT(store_thread_create(st, intro, bob, "Other", "Other body", NULL, &other, &op),
		BBS_OK);
	int64_t x = 77;
	CHECK_INT(store_post_reply(st, t1, bob, "quote elsewhere", op, NULL, &x), BBS_ERR_INVALID);
	CHECK_INT(x, 0);
	CHECK_INT(store_post_reply(st, t1, bob, "quote nothing", 999999, NULL, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_post_reply(st, t1, bob, "negative", -1, NULL, NULL), BBS_ERR_INVALID);
	get_thread(st, bob, t1, &t);
	CHECK_INT(t.posts, 3);
	store_thread_finish(&t);

	struct store_post *v = NULL;
	size_t n = 0;
	CHECK_INT(store_post_range(st, t1, 1, 30, &v, &n), BBS_OK);
	CHECK_INT(n, 3);
	for (size_t i = 0; i < n; i++)
		CHECK_INT(v[i].seq, (int64_t)i + 1);
	store_post_list_free(v, n);
	CHECK_INT(store_post_range(st, t1, 2, 1, &v, &n), BBS_OK);
	CHECK(n == 1 && v[0].id == r1);
	store_post_list_free(v, n);
	CHECK_INT(store_post_range(st, t1, 4, 10, &v, &n), BBS_OK);
	CHECK(n == 0 && v == NULL);
	CHECK_INT(store_post_range(st, 424242, 1, 10, &v, &n), BBS_ERR_NOTFOUND);
	CHECK_INT(store_post_range(st, t1, 1, 0, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(store_post_get(st, 424242, &p), BBS_ERR_NOTFOUND);
	CHECK(p.body == NULL);

	struct store_board b;
	CHECK_INT(store_board_get(st, alice, general, &b), BBS_OK);
	CHECK_INT(b.threads, 1);
	CHECK(b.last_post_at >= before);
	store_board_finish(&b);

	/* Limits: over is TOOBIG and nothing is stored; exactly at the limit is fine. */
	char *big_title = repeat('t', STORE_TITLE_MAX + 1);
	char *big_body = repeat('b', STORE_POST_MAX + 1);
	int64_t tid = 5, pid = 5;
	CHECK_INT(store_thread_create(st, general, alice, big_title, "ok", NULL, &tid, &pid),
		BBS_ERR_TOOBIG);
	CHECK(tid == 0 && pid == 0);
	CHECK_INT(store_thread_create(st, general, alice, big_title, "", NULL, NULL, NULL),
		BBS_ERR_TOOBIG);
	CHECK_INT(store_thread_create(st, general, alice, "ok", big_body, NULL, NULL, NULL),
		BBS_ERR_TOOBIG);
	CHECK_INT(store_post_reply(st, t1, alice, big_body, 0, NULL, NULL), BBS_ERR_TOOBIG);
	CHECK_INT(board_threads(st, general), 1);
	get_thread(st, alice, t1, &t);
	CHECK_INT(t.posts, 3);
	store_thread_finish(&t);
	big_title[STORE_TITLE_MAX] = '\0';
	big_body[STORE_POST_MAX] = '\0';
	int64_t tmax = 0, rmax = 0;
	CHECK_INT(store_thread_create(st, general, alice, big_title, big_body, NULL, &tmax, NULL),
		BBS_OK);
	CHECK_INT(store_post_reply(st, tmax, bob, big_body, 0, NULL, &rmax), BBS_OK);
	CHECK_INT(store_post_get(st, rmax, &p), BBS_OK);
	CHECK(p.body && strlen(p.body) == STORE_POST_MAX);
	store_post_finish(&p);
	free(big_title);
	free(big_body);

	/* Empty after trimming, NULL, unknown board or author, bad tokens. */
	CHECK_INT(store_thread_create(st, general, alice, " \t ", "body", NULL, NULL, NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_thread_create(st, general, alice, "title", " \n\n \n", NULL, NULL, NULL),
		BBS_ERR_INVALID);
	/* Invisible characters only (zero-width space, bidi override) are nothing too. */
	CHECK_INT(store_thread_create(st, general, alice, "\xe2\x80\x8b\xe2\x80\xae", "body", NULL,
		NULL, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_thread_create(st, general, alice, NULL, "body", NULL, NULL, NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_thread_create(st, general, alice, "title", NULL, NULL, NULL, NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_post_reply(st, t1, alice, "", 0, NULL, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_post_reply(st, t1, alice, "\n \n", 0, NULL, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_thread_create(st, 424242, alice, "t", "b", NULL, NULL, NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_thread_create(st, general, 424242, "t", "b", NULL, NULL, NULL),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_post_reply(st, 424242, alice, "b", 0, NULL, NULL), BBS_ERR_NOTFOUND);
	CHECK_INT(store_post_reply(st, t1, 424242, "b", 0, NULL, NULL), BBS_ERR_NOTFOUND);
	CHECK_INT(store_thread_create(st, general, alice, "t", "b", "has space", NULL, NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_thread_create(st, general, alice, "t", "b", "", NULL, NULL),
		BBS_ERR_INVALID);
	char *long_token = repeat('k', 65);
	CHECK_INT(store_post_reply(st, t1, alice, "b", 0, long_token, NULL), BBS_ERR_INVALID);
	free(long_token);
	CHECK_INT(board_threads(st, general), 2);
	CHECK_INT(store_thread_get(st, alice, 424242, &t), BBS_ERR_NOTFOUND);
	CHECK(t.title == NULL);

	/* Locked: no replies. */
	CHECK_INT(store_thread_set_locked(st, t1, true), BBS_OK);
	get_thread(st, alice, t1, &t);
	CHECK(t.locked);
	store_thread_finish(&t);
	CHECK_INT(store_post_reply(st, t1, bob, "refused", 0, NULL, NULL), BBS_ERR_DENIED);
	CHECK_INT(store_thread_set_locked(st, t1, false), BBS_OK);
	CHECK_INT(store_post_reply(st, t1, bob, "accepted", 0, NULL, NULL), BBS_OK);
	CHECK_INT(store_thread_set_locked(st, 424242, true), BBS_ERR_NOTFOUND);
	CHECK_INT(store_thread_set_pinned(st, 424242, true), BBS_ERR_NOTFOUND);

	store_thread_finish(NULL);
	store_thread_list_free(NULL, 0);
	store_post_finish(NULL);
	store_post_list_free(NULL, 0);
	store_close(st);
}

/* Escape sequences, OSC 52, C1 controls, bidi overrides, invalid UTF-8: all come back clean. */
static void test_hostile_text(void)
{
	struct store *st = open_new("hostile.db");
	if (!st)
		return;
	int64_t mallory = add_user(st, "mallory", "Mallory");
	int64_t general = board_id(st, "general");
	static const char evil_title[] = "\x1b[31mRed\x1b]0;pwned\x07 \x1b]52;c;ZXZpbA==\x07"
		"\xc2\x9b" "2J \xe2\x80\xae" "txet\xff\xfe\xc0\xaf\r\nend";
	static const char evil_body[] = "Line one\r\n\x1b[2J\x1b[HLine two\x1b]52;c;ZXZpbA==\x07\n"
		"\xe2\x80\xaeReversed\xe2\x80\xac \xf0\x28\x8c\x28 \x7f\x01 tab\there\n\xc2\x85" "end";
	int64_t t = 0, p = 0, r = 0;
	CHECK_INT(store_thread_create(st, general, mallory, evil_title, evil_body, NULL, &t, &p),
		BBS_OK);
	CHECK_INT(store_post_reply(st, t, mallory, evil_body, 0, NULL, &r), BBS_OK);

	struct store_thread th;
	get_thread(st, mallory, t, &th);
	char *want_title = text_sanitize(evil_title, strlen(evil_title), 0);
	CHECK_STR(th.title, want_title);
	CHECK(th.title && text_is_clean(th.title, 0) && strchr(th.title, '\x1b') == NULL
		&& strchr(th.title, '\n') == NULL && strchr(th.title, '\a') == NULL
		&& strstr(th.title, "\xe2\x80\xae") == NULL && strstr(th.title, "\xc2\x9b") == NULL
		&& text_utf8_valid(th.title, strlen(th.title)));
	store_thread_finish(&th);
	free(want_title);

	char *want_body = text_sanitize(evil_body, strlen(evil_body), TEXT_MULTILINE);
	struct store_post *v = NULL;
	size_t n = 0;
	CHECK_INT(store_post_range(st, t, 1, 10, &v, &n), BBS_OK);
	CHECK_INT(n, 2);
	for (size_t i = 0; i < n; i++) {
		CHECK_STR(v[i].body, want_body);
		CHECK(text_is_clean(v[i].body, TEXT_MULTILINE));
		CHECK(strchr(v[i].body, '\x1b') == NULL && strchr(v[i].body, '\r') == NULL
			&& strchr(v[i].body, '\a') == NULL && strchr(v[i].body, '\x7f') == NULL);
		CHECK(strstr(v[i].body, "\xe2\x80\xae") == NULL);
		CHECK(strstr(v[i].body, "Line one\n") != NULL);
		CHECK(text_utf8_valid(v[i].body, strlen(v[i].body)));
	}
	store_post_list_free(v, n);

	/* Edits are cleaned the same way. */
	CHECK_INT(store_post_edit(st, r, mallory, evil_body), BBS_OK);  /* same text: no-op */
	CHECK_INT(store_post_edit(st, r, mallory, "\x1b[5mblink\x1b[0m"), BBS_OK);
	struct store_post pp;
	CHECK_INT(store_post_get(st, r, &pp), BBS_OK);
	CHECK(pp.body && text_is_clean(pp.body, TEXT_MULTILINE) && strchr(pp.body, '\x1b') == NULL);
	store_post_finish(&pp);

	/* Search snippets and titles are clean too. */
	struct store_hit *h = NULL;
	CHECK_INT(store_search(st, mallory, "reversed", 10, &h, &n), BBS_OK);
	CHECK(n >= 1);
	for (size_t i = 0; i < n; i++) {
		CHECK(text_is_clean(h[i].snippet, 0) && strchr(h[i].snippet, '\n') == NULL);
		CHECK(text_is_clean(h[i].thread_title, 0));
	}
	store_hit_list_free(h, n);
	free(want_body);
	store_close(st);
}

static void test_tokens(void)
{
	struct store *st = open_new("tokens.db");
	if (!st)
		return;
	int64_t alice = add_user(st, "alice", "Alice"), bob = add_user(st, "bob", "Bob");
	int64_t general = board_id(st, "general"), intro = board_id(st, "introductions");

	int64_t t1 = 0, p1 = 0, t2 = 0, p2 = 0;
	CHECK_INT(store_thread_create(st, general, alice, "Once", "Only once", "tok-1", &t1, &p1),
		BBS_OK);
	/* A retry (e.g. after a dropped link) creates nothing and returns the first ids. */
	CHECK_INT(store_thread_create(st, general, alice, "Once", "Only once", "tok-1", &t2, &p2),
		BBS_OK);
	CHECK_INT(t2, t1);
	CHECK_INT(p2, p1);
	CHECK_INT(board_threads(st, general), 1);
	/* The same token for another board is a different thing. */
	CHECK_INT(store_thread_create(st, intro, alice, "Once", "Only once", "tok-1", &t2, &p2),
		BBS_ERR_EXISTS);
	CHECK(t2 == 0 && p2 == 0);
	/* Tokens are per author. */
	int64_t t3 = 0;
	CHECK_INT(store_thread_create(st, general, bob, "Bob's", "Bob's", "tok-1", &t3, NULL),
		BBS_OK);
	CHECK(t3 != t1);

	int64_t r1 = 0, r2 = 0;
	CHECK_INT(store_post_reply(st, t1, bob, "Reply once", 0, "r-1", &r1), BBS_OK);
	CHECK_INT(store_post_reply(st, t1, bob, "Reply once", 0, "r-1", &r2), BBS_OK);
	CHECK_INT(r2, r1);
	struct store_thread t;
	get_thread(st, bob, t1, &t);
	CHECK_INT(t.posts, 2);
	store_thread_finish(&t);
	CHECK_INT(store_post_reply(st, t3, bob, "Reply once", 0, "r-1", &r2), BBS_ERR_EXISTS);
	CHECK_INT(r2, 0);
	CHECK_INT(store_post_reply(st, t1, alice, "Alice's", 0, "r-1", &r2), BBS_OK);
	CHECK(r2 != r1);
	store_close(st);
}

/* ---- edit and delete ---- */

static void test_edit_delete(void)
{
	struct store *st = open_new("edit.db");
	if (!st)
		return;
	int64_t alice = add_user(st, "alice", "Alice"), bob = add_user(st, "bob", "Bob");
	int64_t general = board_id(st, "general");
	int64_t t = 0, p = 0, r = 0;
	CHECK_INT(store_thread_create(st, general, alice, "Edits", "first text", NULL, &t, &p),
		BBS_OK);
	CHECK_INT(store_post_reply(st, t, bob, "bob's reply", 0, NULL, &r), BBS_OK);

	/* Only the author. */
	CHECK_INT(store_post_edit(st, p, bob, "hijacked"), BBS_ERR_DENIED);
	CHECK_INT(store_post_delete(st, p, bob), BBS_ERR_DENIED);
	CHECK_INT(store_post_edit(st, 424242, alice, "x"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_post_delete(st, 424242, alice), BBS_ERR_NOTFOUND);
	CHECK_INT(store_post_edit(st, p, alice, "  \n "), BBS_ERR_INVALID);
	char *big = repeat('x', STORE_POST_MAX + 1);
	CHECK_INT(store_post_edit(st, p, alice, big), BBS_ERR_TOOBIG);
	free(big);

	char **bodies = NULL;
	int64_t *times = NULL;
	size_t n = 9;
	CHECK_INT(store_post_versions(st, p, &bodies, &times, &n), BBS_OK);
	CHECK(n == 0 && bodies == NULL && times == NULL);

	struct store_post got;
	CHECK_INT(store_post_get(st, p, &got), BBS_OK);
	int64_t created = got.created;
	store_post_finish(&got);

	CHECK_INT(store_post_edit(st, p, alice, "second text"), BBS_OK);
	CHECK_INT(store_post_edit(st, p, alice, "second text"), BBS_OK);  /* same: nothing new */
	CHECK_INT(store_post_edit(st, p, alice, "third text"), BBS_OK);
	CHECK_INT(store_post_get(st, p, &got), BBS_OK);
	CHECK_STR(got.body, "third text");
	CHECK(got.edited >= created && got.edited > 0);
	CHECK(!got.deleted);
	store_post_finish(&got);
	CHECK_INT(store_post_versions(st, p, &bodies, &times, &n), BBS_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(bodies[0], "first text");
		CHECK_STR(bodies[1], "second text");
		CHECK_INT(times[0], created);
		CHECK(times[1] >= times[0]);
	}
	store_post_versions_free(bodies, times, n);

	/* Delete: shows as removed, the text is kept as a version. */
	CHECK_INT(store_post_delete(st, p, alice), BBS_OK);
	CHECK_INT(store_post_get(st, p, &got), BBS_OK);
	CHECK(got.deleted);
	CHECK_STR(got.body, "");
	CHECK_INT(got.seq, 1);
	store_post_finish(&got);
	struct store_post *v = NULL;
	CHECK_INT(store_post_range(st, t, 1, 10, &v, &n), BBS_OK);
	CHECK(n == 2 && v[0].deleted && strcmp(v[0].body, "") == 0 && !v[1].deleted);
	store_post_list_free(v, n);
	CHECK_INT(store_post_versions(st, p, &bodies, &times, &n), BBS_OK);
	CHECK(n == 3 && strcmp(bodies[2], "third text") == 0);
	store_post_versions_free(bodies, times, n);
	/* Deleted: no edits; deleting again changes nothing; others still may not. */
	CHECK_INT(store_post_edit(st, p, alice, "back to life"), BBS_ERR_DENIED);
	CHECK_INT(store_post_delete(st, p, alice), BBS_OK);
	CHECK_INT(store_post_delete(st, p, bob), BBS_ERR_DENIED);
	CHECK_INT(store_post_versions(st, p, &bodies, &times, &n), BBS_OK);
	CHECK_INT(n, 3);
	store_post_versions_free(bodies, times, n);
	CHECK_INT(store_post_versions(st, 424242, &bodies, &times, &n), BBS_ERR_NOTFOUND);
	store_post_versions_free(NULL, NULL, 0);

	/* The discussion keeps its count (the removed post still shows). */
	struct store_thread th;
	get_thread(st, alice, t, &th);
	CHECK_INT(th.posts, 2);
	store_thread_finish(&th);
	store_close(st);
}

/* ---- pagination ---- */

static void test_pages(void)
{
	struct store *st = open_new("pages.db");
	if (!st)
		return;
	int64_t alice = add_user(st, "alice", "Alice");
	int64_t board = board_id(st, "general");
	enum { N = 37 };
	int64_t ids[N];
	for (int i = 0; i < N; i++) {
		char title[32];
		snprintf(title, sizeof title, "Topic %d", i);
		CHECK_INT(store_thread_create(st, board, alice, title, "body", NULL, &ids[i], NULL),
			BBS_OK);
	}
	CHECK_INT(store_thread_set_pinned(st, ids[3], true), BBS_OK);
	/* A reply a second later puts an old discussion on top (after the pinned one). */
	wait_past(bbs_now());
	CHECK_INT(store_post_reply(st, ids[0], alice, "bump", 0, NULL, NULL), BBS_OK);

	bool seen[N] = { false };
	int total = 0;
	struct store_thread prev = { 0 };
	bool have_prev = false;
	for (int64_t off = 0;; off += 10) {
		struct store_thread *v = NULL;
		size_t n = 0;
		CHECK_INT(store_thread_page(st, alice, board, off, 10, &v, &n), BBS_OK);
		if (n == 0) {
			CHECK(v == NULL);
			break;
		}
		if (off == 0 && n >= 2) {
			CHECK_INT(v[0].id, ids[3]);
			CHECK(v[0].pinned);
			CHECK_INT(v[1].id, ids[0]);
			CHECK_INT(v[1].posts, 2);
		}
		for (size_t i = 0; i < n; i++) {
			for (int j = 0; j < N; j++)
				if (ids[j] == v[i].id) {
					CHECK(!seen[j]);
					seen[j] = true;
				}
			total++;
			if (have_prev) {
				/* pinned first, then newest activity, then newest id */
				bool ok = prev.pinned > v[i].pinned
					|| (prev.pinned == v[i].pinned
						&& (prev.last_post_at > v[i].last_post_at
							|| (prev.last_post_at == v[i].last_post_at
								&& prev.id > v[i].id)));
				CHECK(ok);
			}
			prev.pinned = v[i].pinned;
			prev.last_post_at = v[i].last_post_at;
			prev.id = v[i].id;
			have_prev = true;
		}
		store_thread_list_free(v, n);
		if (off > 100)
			break;
	}
	CHECK_INT(total, N);
	for (int j = 0; j < N; j++)
		CHECK(seen[j]);

	struct store_thread *v = NULL;
	size_t n = 0;
	CHECK_INT(store_thread_page(st, alice, board, 0, 100000, &v, &n), BBS_OK);
	CHECK_INT(n, N);  /* a huge limit is capped, not refused */
	store_thread_list_free(v, n);
	CHECK_INT(store_thread_page(st, alice, board, -1, 10, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(store_thread_page(st, alice, board, 0, 0, &v, &n), BBS_ERR_INVALID);
	CHECK_INT(store_thread_page(st, alice, 424242, 0, 10, &v, &n), BBS_ERR_NOTFOUND);
	CHECK(v == NULL && n == 0);
	CHECK_INT(store_thread_page(st, alice, board_id(st, "introductions"), 0, 10, &v, &n),
		BBS_OK);
	CHECK(n == 0 && v == NULL);
	store_close(st);
}

/* ---- read state ---- */

static void test_read_state(void)
{
	struct store *st = open_new("read.db");
	if (!st)
		return;
	int64_t alice = add_user(st, "alice", "Alice"), bob = add_user(st, "bob", "Bob");
	int64_t carol = add_user(st, "carol", "Carol");
	int64_t general = board_id(st, "general"), intro = board_id(st, "introductions");
	int64_t global = board_id(st, "global-coordination");
	int64_t total = -1, th = -1, seq = -1;

	CHECK_INT(store_unread_total(st, bob, &total), BBS_OK);
	CHECK_INT(total, 0);
	CHECK_INT(store_next_unread(st, bob, &th, &seq), BBS_ERR_NOTFOUND);
	CHECK(th == 0 && seq == 0);

	int64_t t1 = 0, t2 = 0, t3 = 0;
	CHECK_INT(store_thread_create(st, general, alice, "One", "1", NULL, &t1, NULL), BBS_OK);
	CHECK_INT(store_thread_create(st, intro, alice, "Two", "1", NULL, &t2, NULL), BBS_OK);
	CHECK_INT(store_thread_create(st, global, alice, "Three", "1", NULL, &t3, NULL), BBS_OK);
	CHECK_INT(store_post_reply(st, t1, alice, "2", 0, NULL, NULL), BBS_OK);
	CHECK_INT(store_post_reply(st, t1, alice, "3", 0, NULL, NULL), BBS_OK);

	/* The author has read everything; bob nothing. */
	CHECK_INT(store_unread_total(st, alice, &total), BBS_OK);
	CHECK_INT(total, 0);
	CHECK_INT(store_unread_total(st, bob, &total), BBS_OK);
	CHECK_INT(total, 3);
	CHECK_INT(board_unread(st, bob, general), 1);
	CHECK_INT(board_unread(st, bob, intro), 1);
	struct store_thread t;
	get_thread(st, bob, t1, &t);
	CHECK_INT(t.unread, 3);
	CHECK_INT(t.first_unread, 1);
	store_thread_finish(&t);

	/* Next unread: the discussion whose newest post is oldest (t2), at its first post. */
	CHECK_INT(store_next_unread(st, bob, &th, &seq), BBS_OK);
	CHECK_INT(th, t2);
	CHECK_INT(seq, 1);

	/* Mark read moves forward only, and past the end means all. */
	CHECK_INT(store_thread_mark_read(st, bob, t1, 2), BBS_OK);
	get_thread(st, bob, t1, &t);
	CHECK_INT(t.unread, 1);
	CHECK_INT(t.first_unread, 3);
	store_thread_finish(&t);
	CHECK_INT(store_thread_mark_read(st, bob, t1, 1), BBS_OK);
	CHECK_INT(store_thread_mark_read(st, bob, t1, 0), BBS_OK);
	get_thread(st, bob, t1, &t);
	CHECK_INT(t.first_unread, 3);
	store_thread_finish(&t);
	CHECK_INT(store_thread_mark_read(st, bob, t1, -1), BBS_ERR_INVALID);
	CHECK_INT(store_thread_mark_read(st, bob, 424242, 1), BBS_ERR_NOTFOUND);
	CHECK_INT(store_thread_mark_read(st, bob, t1, 99), BBS_OK);
	get_thread(st, bob, t1, &t);
	CHECK(t.unread == 0 && t.first_unread == 0);
	store_thread_finish(&t);
	CHECK_INT(board_unread(st, bob, general), 0);
	/* ... a later reply is unread: reading "past the end" did not read the future. */
	CHECK_INT(store_post_reply(st, t1, alice, "4", 0, NULL, NULL), BBS_OK);
	get_thread(st, bob, t1, &t);
	CHECK(t.unread == 1 && t.first_unread == 4);
	store_thread_finish(&t);
	CHECK_INT(board_unread(st, bob, general), 1);

	/* Mark a board read; the watermark covers exactly what was there. */
	CHECK_INT(store_board_mark_read(st, bob, general), BBS_OK);
	CHECK_INT(board_unread(st, bob, general), 0);
	CHECK_INT(board_unread(st, bob, intro), 1);
	CHECK_INT(store_post_reply(st, t1, alice, "5", 0, NULL, NULL), BBS_OK);
	CHECK_INT(store_post_reply(st, t1, alice, "6", 0, NULL, NULL), BBS_OK);
	get_thread(st, bob, t1, &t);
	CHECK_INT(t.unread, 2);
	CHECK_INT(t.first_unread, 5);
	store_thread_finish(&t);
	CHECK_INT(board_unread(st, bob, general), 1);
	struct store_thread *pg = NULL;
	size_t n = 0;
	CHECK_INT(store_thread_page(st, bob, general, 0, 10, &pg, &n), BBS_OK);
	CHECK(n == 1 && pg[0].unread == 2 && pg[0].first_unread == 5);
	store_thread_list_free(pg, n);
	/* Marking below the watermark changes nothing; above it counts. */
	CHECK_INT(store_thread_mark_read(st, bob, t1, 3), BBS_OK);
	get_thread(st, bob, t1, &t);
	CHECK_INT(t.first_unread, 5);
	store_thread_finish(&t);
	CHECK_INT(store_thread_mark_read(st, bob, t1, 5), BBS_OK);
	get_thread(st, bob, t1, &t);
	CHECK(t.unread == 1 && t.first_unread == 6);
	store_thread_finish(&t);
	CHECK_INT(store_thread_mark_read(st, bob, t1, 6), BBS_OK);
	CHECK_INT(board_unread(st, bob, general), 0);
	/* A new discussion after the mark is unread. */
	int64_t t4 = 0;
	CHECK_INT(store_thread_create(st, general, carol, "Four", "1", NULL, &t4, NULL), BBS_OK);
	CHECK_INT(board_unread(st, bob, general), 1);
	CHECK_INT(store_board_mark_read(st, bob, general), BBS_OK);
	CHECK_INT(board_unread(st, bob, general), 0);
	CHECK_INT(store_board_mark_read(st, bob, 424242), BBS_ERR_NOTFOUND);

	/* Next unread over boards; then mark all read. */
	CHECK_INT(store_next_unread(st, bob, &th, &seq), BBS_OK);
	CHECK_INT(th, t2);
	CHECK_INT(store_thread_mark_read(st, bob, t2, 1), BBS_OK);
	CHECK_INT(store_next_unread(st, bob, &th, &seq), BBS_OK);
	CHECK_INT(th, t3);
	CHECK_INT(store_unread_total(st, bob, &total), BBS_OK);
	CHECK_INT(total, 1);
	CHECK_INT(store_mark_all_read(st, bob), BBS_OK);
	CHECK_INT(store_unread_total(st, bob, &total), BBS_OK);
	CHECK_INT(total, 0);
	CHECK_INT(store_next_unread(st, bob, &th, &seq), BBS_ERR_NOTFOUND);
	/* After "all read", a reply in t2 is next, at the reply. */
	CHECK_INT(store_post_reply(st, t2, carol, "2", 0, NULL, NULL), BBS_OK);
	CHECK_INT(store_next_unread(st, bob, &th, &seq), BBS_OK);
	CHECK_INT(th, t2);
	CHECK_INT(seq, 2);
	CHECK_INT(store_unread_total(st, bob, &total), BBS_OK);
	CHECK_INT(total, 1);

	/* Carol (never marked anything) sees everything but her own posts as unread. */
	CHECK_INT(store_unread_total(st, carol, &total), BBS_OK);
	CHECK_INT(total, 3);  /* t1, t2 and t3; t4 is her own */
	get_thread(st, carol, t2, &t);
	CHECK_INT(t.first_unread, 1);  /* she replied without reading post 1: it stays unread */
	store_thread_finish(&t);
	get_thread(st, carol, t4, &t);
	CHECK_INT(t.unread, 0);
	store_thread_finish(&t);

	/* The author's reply is read when they had read everything before it. */
	CHECK_INT(store_thread_mark_read(st, bob, t2, 2), BBS_OK);
	CHECK_INT(store_post_reply(st, t2, bob, "3", 0, NULL, NULL), BBS_OK);
	get_thread(st, bob, t2, &t);
	CHECK_INT(t.unread, 0);
	store_thread_finish(&t);
	CHECK_INT(store_post_reply(st, t2, alice, "4", 0, NULL, NULL), BBS_OK);
	CHECK_INT(store_post_reply(st, t2, bob, "5", 0, NULL, NULL), BBS_OK);
	get_thread(st, bob, t2, &t);
	CHECK_INT(t.first_unread, 4);  /* alice's post, written while bob was writing */
	store_thread_finish(&t);

	/* Bad arguments. */
	CHECK_INT(store_unread_total(st, bob, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_next_unread(st, bob, NULL, &seq), BBS_ERR_INVALID);
	store_close(st);
}

/* ---- search ---- */

static void test_search(void)
{
	struct store *st = open_new("search.db");
	if (!st)
		return;
	int64_t alice = add_user(st, "alice", "Alice"), bob = add_user(st, "bob", "Bob");
	int64_t general = board_id(st, "general");
	int64_t t1 = 0, p1 = 0, t2 = 0, p2 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0;
	CHECK_INT(store_thread_create(st, general, alice, "Hotline referral delays",
		"We see long delays between a report and its referral.", NULL, &t1, &p1), BBS_OK);
	CHECK_INT(store_post_reply(st, t1, bob,
		"Encryption encryption encryption: the encryption debate again.", 0, NULL, &r1), BBS_OK);
	CHECK_INT(store_post_reply(st, t1, alice, "One mention of encryption here, among many "
		"other words about training and capacity building.", 0, NULL, &r2), BBS_OK);
	CHECK_INT(store_thread_create(st, general, bob, "Capacity building",
		"Training budgets for analysts.\nSecond line about col bar values.", NULL, &t2, &p2),
		BBS_OK);
	CHECK_INT(store_post_reply(st, t2, alice, "secretword that will be deleted", 0, NULL, &r3),
		BBS_OK);
	CHECK_INT(store_post_reply(st, t2, bob, "oldword to be edited", 0, NULL, &r4), BBS_OK);

	struct store_hit *h = NULL;
	size_t n = 0;
	/* Ranking: the post that is about encryption first. */
	CHECK_INT(store_search(st, bob, "encryption", 10, &h, &n), BBS_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(h[0].post_id, r1);
		CHECK_INT(h[1].post_id, r2);
		CHECK_INT(h[0].thread_id, t1);
		CHECK_INT(h[0].seq, 2);
		CHECK_STR(h[0].thread_title, "Hotline referral delays");
		CHECK_STR(h[0].author_handle, "bob");
		CHECK(h[0].created > 0);
		CHECK(strstr(h[0].snippet, "ncryption") != NULL);
	}
	store_hit_list_free(h, n);
	/* Every word must match; the last is a prefix; case and accents do not matter. */
	CHECK_INT(store_search(st, bob, "ENCRYPTION trai", 10, &h, &n), BBS_OK);
	CHECK(n == 1 && h[0].post_id == r2);
	store_hit_list_free(h, n);
	CHECK_INT(store_search(st, bob, "encrypti\xc3\xb3n", 10, &h, &n), BBS_OK);
	CHECK_INT(n, 2);
	store_hit_list_free(h, n);
	/* The title is searched with the first post, and weighs more. */
	CHECK_INT(store_search(st, bob, "capacity", 10, &h, &n), BBS_OK);
	CHECK(n == 2 && h[0].post_id == p2 && h[1].post_id == r2);
	store_hit_list_free(h, n);
	CHECK_INT(store_search(st, bob, "hotline", 10, &h, &n), BBS_OK);
	CHECK(n == 1 && h[0].post_id == p1 && h[0].snippet && h[0].snippet[0] != '\0');
	store_hit_list_free(h, n);
	/* Snippets are one line. */
	CHECK_INT(store_search(st, bob, "analysts", 10, &h, &n), BBS_OK);
	CHECK(n == 1 && strchr(h[0].snippet, '\n') == NULL && strstr(h[0].snippet, "Second line"));
	store_hit_list_free(h, n);
	/* Limit. */
	CHECK_INT(store_search(st, bob, "encryption", 1, &h, &n), BBS_OK);
	CHECK(n == 1 && h[0].post_id == r1);
	store_hit_list_free(h, n);

	/* Deleted posts are never found; edited posts are found by their new text only. */
	CHECK_INT(store_search(st, bob, "secretword", 10, &h, &n), BBS_OK);
	CHECK_INT(n, 1);
	store_hit_list_free(h, n);
	CHECK_INT(store_post_delete(st, r3, alice), BBS_OK);
	CHECK_INT(store_search(st, bob, "secretword", 10, &h, &n), BBS_OK);
	CHECK(n == 0 && h == NULL);
	CHECK_INT(store_post_edit(st, r4, bob, "newword after the edit"), BBS_OK);
	CHECK_INT(store_search(st, bob, "oldword", 10, &h, &n), BBS_OK);
	CHECK_INT(n, 0);
	CHECK_INT(store_search(st, bob, "newword", 10, &h, &n), BBS_OK);
	CHECK(n == 1 && h[0].post_id == r4);
	store_hit_list_free(h, n);
	/* Deleting a first post takes its title out of the index with it. */
	CHECK_INT(store_post_delete(st, p1, alice), BBS_OK);
	CHECK_INT(store_search(st, bob, "hotline", 10, &h, &n), BBS_OK);
	CHECK_INT(n, 0);
	CHECK_INT(store_search(st, bob, "referral", 10, &h, &n), BBS_OK);
	CHECK_INT(n, 0);

	/* Hostile queries: FTS5 syntax is only text; never an error, never everything. */
	static const char *const hostile[] = { "\" OR *", "NEAR(", "NEAR(encryption training, 2)",
		"-foo", "col:bar", "title:hotline", "body:encryption", "encryption OR training",
		"encryption NOT training", "{title body}:capacity", "^capacity", "(a OR b)", "a AND",
		"'; DROP TABLE posts; --", "\"unterminated", "encryption\"\"", "x*y*", "+training",
		"\" OR * (", "\x1b[31m", "*encryption", "encryption*", "NEAR" };
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		int err = store_search(st, bob, hostile[i], 50, &h, &n);
		CHECK_INT(err, BBS_OK);
		CHECK(n <= 2);  /* 4 posts are live; the most any of these words match is 2 */
		store_hit_list_free(h, n);
	}
	/* Operators and punctuation around a word leave just the word. */
	CHECK_INT(store_search(st, bob, "^capacity", 10, &h, &n), BBS_OK);
	CHECK_INT(n, 2);
	store_hit_list_free(h, n);
	CHECK_INT(store_search(st, bob, "-encryption*", 10, &h, &n), BBS_OK);
	CHECK_INT(n, 2);
	store_hit_list_free(h, n);
	/* "col:bar" is the two words "col bar" next to each other: that post only. */
	CHECK_INT(store_search(st, bob, "col:bar", 10, &h, &n), BBS_OK);
	CHECK(n == 1 && h[0].post_id == p2);
	store_hit_list_free(h, n);
	/* "encryption OR training" means all three words. */
	CHECK_INT(store_search(st, bob, "encryption OR training", 10, &h, &n), BBS_OK);
	CHECK_INT(n, 0);
	/* No words at all. */
	static const char *const empty[] = { "", "   ", "\"", "*", "!!! ... ---", "\"\" *() :",
		"\t\n" };
	for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
		h = (struct store_hit *)1;
		CHECK_INT(store_search(st, bob, empty[i], 10, &h, &n), BBS_ERR_INVALID);
		CHECK(h == NULL && n == 0);
	}
	CHECK_INT(store_search(st, bob, NULL, 10, &h, &n), BBS_ERR_INVALID);
	CHECK_INT(store_search(st, bob, "x", 0, &h, &n), BBS_ERR_INVALID);
	char *big = repeat('a', STORE_QUERY_MAX + 1);
	CHECK_INT(store_search(st, bob, big, 10, &h, &n), BBS_ERR_TOOBIG);
	big[STORE_QUERY_MAX] = '\0';
	CHECK_INT(store_search(st, bob, big, 10, &h, &n), BBS_OK);
	CHECK_INT(n, 0);
	free(big);
	store_hit_list_free(NULL, 0);
	store_close(st);
}

/* ---- drafts ---- */

static void test_drafts(void)
{
	struct store *st = open_new("drafts.db");
	if (!st)
		return;
	int64_t alice = add_user(st, "alice", "Alice"), bob = add_user(st, "bob", "Bob");
	struct store_draft d;

	CHECK_INT(store_draft_latest(st, alice, &d), BBS_ERR_NOTFOUND);
	CHECK(d.context == NULL);
	CHECK_INT(store_draft_save(st, alice, "new:1", "A title", "Body\nline two"), BBS_OK);
	CHECK_INT(store_draft_get(st, alice, "new:1", &d), BBS_OK);
	CHECK_STR(d.context, "new:1");
	CHECK_STR(d.title, "A title");
	CHECK_STR(d.body, "Body\nline two");
	CHECK(d.updated > 0);
	store_draft_finish(&d);
	/* Replace; empty text is a valid draft. */
	CHECK_INT(store_draft_save(st, alice, "new:1", "", ""), BBS_OK);
	CHECK_INT(store_draft_get(st, alice, "new:1", &d), BBS_OK);
	CHECK(d.title && d.title[0] == '\0' && d.body && d.body[0] == '\0');
	store_draft_finish(&d);
	CHECK_INT(store_draft_save(st, alice, "reply:7:12", NULL, "a reply"), BBS_OK);
	CHECK_INT(store_draft_save(st, alice, "edit:3", NULL, "an edit"), BBS_OK);
	/* Latest: the last saved, even within one second. */
	CHECK_INT(store_draft_latest(st, alice, &d), BBS_OK);
	CHECK_STR(d.context, "edit:3");
	store_draft_finish(&d);
	CHECK_INT(store_draft_save(st, alice, "reply:7:12", NULL, "a longer reply"), BBS_OK);
	CHECK_INT(store_draft_latest(st, alice, &d), BBS_OK);
	CHECK_STR(d.context, "reply:7:12");
	CHECK_STR(d.body, "a longer reply");
	CHECK_STR(d.title, "");
	store_draft_finish(&d);
	/* Per member. */
	CHECK_INT(store_draft_latest(st, bob, &d), BBS_ERR_NOTFOUND);
	CHECK_INT(store_draft_get(st, bob, "new:1", &d), BBS_ERR_NOTFOUND);
	/* Hostile text is cleaned; sizes are limited. */
	CHECK_INT(store_draft_save(st, bob, "reply:1", "\x1b]52;c;eA==\x07t", "\x1b[2Jb\r\nc\xff"),
		BBS_OK);
	CHECK_INT(store_draft_get(st, bob, "reply:1", &d), BBS_OK);
	CHECK(d.title && text_is_clean(d.title, 0) && strchr(d.title, '\x1b') == NULL);
	CHECK(d.body && text_is_clean(d.body, TEXT_MULTILINE) && strchr(d.body, '\x1b') == NULL
		&& strstr(d.body, "\nc") != NULL);
	store_draft_finish(&d);
	char *big = repeat('x', STORE_POST_MAX + 1);
	CHECK_INT(store_draft_save(st, bob, "reply:1", "", big), BBS_ERR_TOOBIG);
	big[STORE_TITLE_MAX + 1] = '\0';
	CHECK_INT(store_draft_save(st, bob, "reply:1", big, ""), BBS_ERR_TOOBIG);
	free(big);
	/* Contexts are exactly the documented forms. */
	static const char *const bad[] = { "", "new:", "new:x", "reply:1:", "reply:1:2:3",
		"edit:-1", "new:1 ", "other:1", "new:12345678901234567890", NULL };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(store_draft_save(st, alice, bad[i], "t", "b"), BBS_ERR_INVALID);
	CHECK_INT(store_draft_save(st, 424242, "new:1", "t", "b"), BBS_ERR_NOTFOUND);
	/* Delete. */
	CHECK_INT(store_draft_delete(st, alice, "reply:7:12"), BBS_OK);
	CHECK_INT(store_draft_delete(st, alice, "reply:7:12"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_draft_latest(st, alice, &d), BBS_OK);
	CHECK_STR(d.context, "edit:3");
	store_draft_finish(&d);
	CHECK_INT(store_draft_delete(st, alice, "bogus"), BBS_ERR_NOTFOUND);
	store_draft_finish(NULL);
	store_close(st);
}

/* ---- several writers, one discussion ---- */

#define PROCS 4
#define REPLIES 50

static void test_concurrent_replies(void)
{
	char *path = db_path("concurrent.db");
	struct store *st = NULL;
	CHECK_INT(store_open(path, &st), BBS_OK);
	if (!st) {
		free(path);
		return;
	}
	CHECK_INT(store_seed(st), BBS_OK);
	int64_t users[PROCS], thread = 0;
	for (int i = 0; i < PROCS; i++) {
		char handle[16];
		snprintf(handle, sizeof handle, "writer%d", i);
		users[i] = add_user(st, handle, handle);
	}
	CHECK_INT(store_thread_create(st, board_id(st, "general"), users[0], "Busy", "Start", NULL,
		&thread, NULL), BBS_OK);
	store_close(st);

	pid_t pids[PROCS];
	int go[2];
	CHECK(pipe(go) == 0);
	for (int i = 0; i < PROCS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) != 0)  /* EOF: everyone starts at once */
				_exit(2);
			struct store *cst = NULL;
			if (store_open(path, &cst) != BBS_OK)
				_exit(3);
			int bad = 0;
			for (int j = 0; j < REPLIES; j++) {
				char body[64];
				snprintf(body, sizeof body, "reply %d from writer %d", j, i);
				int err = store_post_reply(cst, thread, users[i], body, 0, NULL, NULL);
				if (err != BBS_OK) {
					fprintf(stderr, "writer %d: %s\n", i, bbs_strerror(err));
					bad++;
				}
			}
			store_close(cst);
			_exit(bad ? 4 : 0);
		}
	}
	close(go[0]);
	close(go[1]);
	for (int i = 0; i < PROCS; i++) {
		int status = 0;
		CHECK(waitpid(pids[i], &status, 0) == pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}

	CHECK_INT(store_open(path, &st), BBS_OK);
	if (st) {
		struct store_thread t;
		get_thread(st, users[0], thread, &t);
		CHECK_INT(t.posts, 1 + PROCS * REPLIES);
		store_thread_finish(&t);
		struct store_post *v = NULL;
		size_t n = 0;
		CHECK_INT(store_post_range(st, thread, 1, 1000, &v, &n), BBS_OK);
		CHECK_INT(n, 1 + PROCS * REPLIES);
		int per[PROCS] = { 0 };
		for (size_t i = 0; i < n; i++) {
			CHECK_INT(v[i].seq, (int64_t)i + 1);  /* 1..N: no gaps, no duplicates */
			for (int k = 0; k < PROCS; k++)
				if (i > 0 && v[i].author_id == users[k])
					per[k]++;
		}
		for (int k = 0; k < PROCS; k++)
			CHECK_INT(per[k], REPLIES);
		store_post_list_free(v, n);
	}
	store_close(st);
	free(path);
}

/* ---- durability ---- */

static void test_kill_after_post(void)
{
	char *path = db_path("durable.db");
	struct store *st = NULL;
	int64_t alice = 0, thread = 0;
	CHECK_INT(store_open(path, &st), BBS_OK);
	if (!st) {
		free(path);
		return;
	}
	CHECK_INT(store_seed(st), BBS_OK);
	alice = add_user(st, "alice", "Alice");
	CHECK_INT(store_thread_create(st, board_id(st, "general"), alice, "Durable", "First", NULL,
		&thread, NULL), BBS_OK);
	store_close(st);

	int fds[2];
	CHECK(pipe(fds) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		struct store *cst = NULL;
		int64_t id = 0;
		if (store_open(path, &cst) != BBS_OK
		    || store_post_reply(cst, thread, alice, "This must survive kill -9", 0, "durable-1",
			    &id) != BBS_OK)
			_exit(3);
		/* Tell the parent, then wait to be killed: no close, no checkpoint, no exit. */
		if (write(fds[1], &id, sizeof id) != (ssize_t)sizeof id)
			_exit(4);
		for (;;)
			pause();
	}
	close(fds[1]);
	int64_t id = 0;
	CHECK(read(fds[0], &id, sizeof id) == (ssize_t)sizeof id);
	CHECK(kill(pid, SIGKILL) == 0);
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(fds[0]);

	CHECK(id > 0);
	CHECK_INT(store_open(path, &st), BBS_OK);
	if (st) {
		struct store_post p;
		CHECK_INT(store_post_get(st, id, &p), BBS_OK);
		CHECK_STR(p.body, "This must survive kill -9");
		CHECK_INT(p.seq, 2);
		store_post_finish(&p);
		struct store_hit *h = NULL;
		size_t n = 0;
		CHECK_INT(store_search(st, alice, "survive", 10, &h, &n), BBS_OK);
		CHECK(n == 1 && h[0].post_id == id);
		store_hit_list_free(h, n);
		/* And the token still knows it: a retry after the crash creates nothing. */
		int64_t again = 0;
		CHECK_INT(store_post_reply(st, thread, alice, "This must survive kill -9", 0,
			"durable-1", &again), BBS_OK);
		CHECK_INT(again, id);
	}
	store_close(st);
	free(path);
}

/* ---- a generated board (store_bench_generate) is consistent ---- */

static void test_generated(void)
{
	struct store *st = open_new("generated.db");
	if (!st)
		return;
	int64_t general = board_id(st, "general");
	int64_t reader = add_user(st, "reader", "Reader");
	CHECK_INT(store_bench_generate(st, general, 300, 3000, 7), BBS_OK);
	CHECK_INT(store_bench_generate(st, 424242, 1, 1, 7), BBS_ERR_NOTFOUND);
	CHECK_INT(store_bench_generate(st, general, 10, 5, 7), BBS_ERR_INVALID);
	CHECK_INT(board_threads(st, general), 300);
	CHECK_INT(board_unread(st, reader, general), 300);
	int64_t posts = 0, off = 0;
	for (;; off += 100) {
		struct store_thread *v = NULL;
		size_t n = 0;
		CHECK_INT(store_thread_page(st, reader, general, off, 100, &v, &n), BBS_OK);
		for (size_t i = 0; i < n; i++) {
			posts += v[i].posts;
			CHECK_INT(v[i].unread, v[i].posts);
		}
		store_thread_list_free(v, n);
		if (n == 0)
			break;
	}
	CHECK_INT(posts, 3000);
	struct store_hit *h = NULL;
	size_t n = 0;
	CHECK_INT(store_search(st, reader, "safety", 20, &h, &n), BBS_OK);
	CHECK_INT(n, 20);
	store_hit_list_free(h, n);
	CHECK_INT(store_board_mark_read(st, reader, general), BBS_OK);
	CHECK_INT(board_unread(st, reader, general), 0);
	store_close(st);
}

int main(void)
{
	static void (*const steps[])(void) = {
		test_seed_boards, test_posting, test_hostile_text, test_tokens,
		test_edit_delete, test_pages, test_read_state, test_search, test_drafts,
		test_concurrent_replies, test_kill_after_post, test_generated
	};
	return tmpdir_main("test-boards", BBS_LOG_WARN, steps, sizeof steps / sizeof steps[0]);
}
