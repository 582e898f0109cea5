/*
 * test-challenge.c: unit tests for the challenge question in store/ (schema version 3),
 * against real database files in a temporary directory.
 *
 * Covers the seed question, questions (create, update, current, archive, open/closed/not yet
 * open), submitting (limits, hostile text, focus areas, client tokens), edit and withdraw,
 * endorsements (once per member, never one's own, take back), answer-before-reveal, hiding,
 * merging (counts combined, credits), promoting to a discussion (linked both ways), the
 * breakdowns by sector and region, the moderation record, permissions (members calling
 * moderator functions) and the migration of a version-2 database to version 3.
 *
 * The migration test writes its version-2 rows with SQLite directly, as a version-2 build
 * did: the store's own functions write version-3 columns and cannot run on that schema.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/common.h"
#include "store/store.h"
#include "text/text.h"
#include "fixture.h"

static const char first_question[] =
	"What is stopping us making faster progress to protect children from sexual exploitation "
	"and abuse online?";

static int64_t add_user(struct store *st, const char *handle, int role, const char *sector,
	const char *region)
{
	char *h = xstrdup(handle), *s = xstrdup(sector), *r = xstrdup(region);
	struct store_user u = { .handle = h, .display_name = h, .sector = s, .region = r,
		.role = role };
	int64_t id = 0;
	CHECK_INT(store_user_add(st, &u, &id), BBS_OK);
	free(h);
	free(s);
	free(r);
	return id;
}

/* The focus areas' ids in menu order (global, national, technology). */
static void area_ids(struct store *st, int64_t ids[3])
{
	struct store_area *v = NULL;
	size_t n = 0;
	CHECK_INT(store_area_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, 3);
	for (size_t i = 0; i < 3; i++)
		ids[i] = i < n ? v[i].id : 0;
	store_area_list_free(v, n);
}

static int64_t current_id(struct store *st)
{
	struct store_question q;
	int64_t id = 0;
	if (store_question_current(st, &q) == BBS_OK)
		id = q.id;
	store_question_finish(&q);
	return id;
}

static int64_t submit(struct store *st, int64_t q, int64_t author, const char *title,
	int64_t area)
{
	int64_t id = 0;
	CHECK_INT(store_challenge_submit(st, q, author, title, "Why it matters.", &area, 1, NULL,
		&id), BBS_OK);
	CHECK(id > 0);
	return id;
}

static int64_t endorsements(struct store *st, int64_t viewer, int64_t id)
{
	struct store_challenge c;
	int64_t n = -1;
	if (store_challenge_get(st, viewer, id, &c) == BBS_OK)
		n = c.endorsements;
	store_challenge_finish(&c);
	return n;
}

/* The moderators and members most tests use. */
struct cast {
	struct store *st;
	int64_t q, mod, sysop, u1, u2, u3, u4;
	int64_t areas[3];
};

static bool cast_open(struct cast *c, const char *name)
{
	memset(c, 0, sizeof *c);
	c->st = open_new(name);
	if (!c->st)
		return false;
	c->q = current_id(c->st);
	c->mod = add_user(c->st, "mod", STORE_ROLE_MODERATOR, "Government", "Europe");
	c->sysop = add_user(c->st, "sysop", STORE_ROLE_SYSOP, "", "");
	c->u1 = add_user(c->st, "u1", STORE_ROLE_MEMBER, "Government", "Europe");
	c->u2 = add_user(c->st, "u2", STORE_ROLE_MEMBER, "Industry", "Africa");
	c->u3 = add_user(c->st, "u3", STORE_ROLE_MEMBER, "Government", "");
	c->u4 = add_user(c->st, "u4", STORE_ROLE_MEMBER, "Civil society", "Asia");
	area_ids(c->st, c->areas);
	return true;
}

/* ---- questions ---- */

static void test_seed_and_questions(void)
{
	struct cast c;
	if (!cast_open(&c, "questions.db"))
		return;
	struct store *st = c.st;
	CHECK(store_schema_version() >= 3);

	struct store_question q;
	CHECK_INT(store_question_current(st, &q), BBS_OK);
	CHECK_STR(q.text, first_question);
	CHECK(strlen(q.intro) > 20);
	CHECK(q.current);
	CHECK_INT(q.opens, 0);
	CHECK_INT(q.closes, 0);
	CHECK(!q.reveal_after_answer);
	CHECK(store_question_is_open(&q, bbs_now()));
	CHECK_INT(q.respondents, 0);
	CHECK_INT(q.challenges, 0);
	store_question_finish(&q);

	/* Seeding again adds no second question. */
	CHECK_INT(store_seed(st), BBS_OK);
	struct store_question *v = NULL;
	size_t n = 0;
	CHECK_INT(store_question_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, 1);
	store_question_list_free(v, n);

	/* Members may not ask, change or switch questions. */
	int64_t id = 0;
	CHECK_INT(store_question_create(st, c.u1, "Q?", "", 0, 0, false, &id), BBS_ERR_DENIED);
	CHECK_INT(id, 0);
	CHECK_INT(store_question_update(st, c.u1, c.q, "Changed?", "", 0, 0, false),
		BBS_ERR_DENIED);
	CHECK_INT(store_question_set_current(st, c.u1, c.q), BBS_ERR_DENIED);
	CHECK_INT(store_question_create(st, 9999, "Q?", "", 0, 0, false, &id), BBS_ERR_DENIED);

	/* Bad input. */
	CHECK_INT(store_question_create(st, c.mod, "   ", "", 0, 0, false, &id), BBS_ERR_INVALID);
	CHECK_INT(store_question_create(st, c.mod, NULL, "", 0, 0, false, &id), BBS_ERR_INVALID);
	CHECK_INT(store_question_create(st, c.mod, "Q?", "", 100, 50, false, &id), BBS_ERR_INVALID);
	CHECK_INT(store_question_create(st, c.mod, "Q?", "", -1, 0, false, &id), BBS_ERR_INVALID);
	char *big = repeat('x', STORE_FIELD_MAX * 4 + 1);
	CHECK_INT(store_question_create(st, c.mod, big, "", 0, 0, false, &id), BBS_ERR_TOOBIG);
	free(big);
	CHECK_INT(store_question_update(st, c.mod, 9999, "Q?", "", 0, 0, false), BBS_ERR_NOTFOUND);
	CHECK_INT(store_question_set_current(st, c.mod, 9999), BBS_ERR_NOTFOUND);
	CHECK_INT(current_id(st), c.q);

	/* A new question becomes current; the old one stays in the archive. */
	CHECK_INT(store_question_create(st, c.mod, "Second\x1b[2J question?\n\nMore.",
		"Intro\x07", 0, 0, true, &id), BBS_OK);
	CHECK(id > c.q);
	CHECK_INT(current_id(st), id);
	CHECK_INT(store_question_get(st, id, &q), BBS_OK);
	CHECK(text_is_clean(q.text, TEXT_MULTILINE));
	CHECK(strchr(q.text, '\x1b') == NULL);
	CHECK(strstr(q.text, "\n\nMore.") != NULL);
	CHECK(strchr(q.intro, '\x07') == NULL);
	CHECK(q.reveal_after_answer);
	store_question_finish(&q);
	CHECK_INT(store_question_list(st, &v, &n), BBS_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(v[0].id, id);  /* newest first */
		CHECK(v[0].current && !v[1].current);
	}
	store_question_list_free(v, n);

	CHECK_INT(store_question_update(st, c.sysop, id, "Second, changed?", "", 10, 20, false),
		BBS_OK);
	CHECK_INT(store_question_get(st, id, &q), BBS_OK);
	CHECK_STR(q.text, "Second, changed?");
	CHECK_INT(q.opens, 10);
	CHECK_INT(q.closes, 20);
	CHECK(!store_question_is_open(&q, bbs_now()));
	CHECK(!store_question_is_open(&q, 9));
	CHECK(store_question_is_open(&q, 10));
	CHECK(!store_question_is_open(&q, 20));
	store_question_finish(&q);
	CHECK(!store_question_is_open(NULL, 0));

	CHECK_INT(store_question_set_current(st, c.mod, c.q), BBS_OK);
	CHECK_INT(current_id(st), c.q);
	CHECK_INT(store_question_get(st, 424242, &q), BBS_ERR_NOTFOUND);
	CHECK(q.text == NULL);

	/* Each of these was recorded. */
	struct store_modlog *m = NULL;
	CHECK_INT(store_modlog_list(st, 0, 100, &m, &n), BBS_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(m[0].action, "made current");
		CHECK_STR(m[1].action, "changed");
		CHECK_STR(m[1].by_role, "sysop");
		CHECK_STR(m[2].action, "asked");
		CHECK_STR(m[2].by_role, "moderator");
	}
	store_modlog_list_free(m, n);
	store_close(st);
}

/* ---- submitting ---- */

static void test_submit(void)
{
	struct cast c;
	if (!cast_open(&c, "submit.db"))
		return;
	struct store *st = c.st;
	int64_t id = 0, areas2[2] = { c.areas[2], c.areas[0] };

	CHECK_INT(store_challenge_submit(st, c.q, c.u1,
		"  Evidence \x1b]0;pwned\x07 is hard to share\r\n across borders  ",
		"\n\nBody line one\x1b[31m\nline two\x9b\n\n", areas2, 2, NULL, &id), BBS_OK);
	struct store_challenge ch;
	CHECK_INT(store_challenge_get(st, c.u1, id, &ch), BBS_OK);
	CHECK(text_is_clean(ch.title, 0));
	CHECK(text_is_clean(ch.body, TEXT_MULTILINE));
	CHECK(strchr(ch.title, '\x1b') == NULL && strchr(ch.title, '\n') == NULL);
	CHECK(strchr(ch.body, '\x1b') == NULL);
	CHECK(ch.title[0] == 'E');
	CHECK(strncmp(ch.body, "Body", 4) == 0);
	CHECK_INT(ch.nareas, 2);
	if (ch.nareas == 2) {
		CHECK_INT(ch.areas[0], c.areas[0]);  /* area order, not the order given */
		CHECK_INT(ch.areas[1], c.areas[2]);
	}
	CHECK_STR(ch.author_handle, "u1");
	CHECK_INT(ch.question_id, c.q);
	CHECK_STR(ch.credits, "");
	CHECK_INT(ch.endorsements, 0);
	CHECK(!ch.hidden && !ch.withdrawn && ch.merged_into == 0 && ch.thread_id == 0);
	CHECK(ch.created > 0 && ch.edited == 0);
	store_challenge_finish(&ch);

	/* Limits and bad input; nothing is stored. */
	char *title = repeat('t', STORE_CHALLENGE_TITLE_MAX), *body = repeat('b',
		STORE_CHALLENGE_BODY_MAX);
	int64_t a = c.areas[0];
	CHECK_INT(store_challenge_submit(st, c.q, c.u2, title, body, &a, 1, NULL, &id), BBS_OK);
	title[0] = 'T';
	char *title2 = xasprintf("%sx", title), *body2 = xasprintf("%sx", body);
	CHECK_INT(store_challenge_submit(st, c.q, c.u2, title2, "b", &a, 1, NULL, &id),
		BBS_ERR_TOOBIG);
	CHECK_INT(id, 0);
	CHECK_INT(store_challenge_submit(st, c.q, c.u2, "t", body2, &a, 1, NULL, &id),
		BBS_ERR_TOOBIG);
	free(title);
	free(body);
	free(title2);
	free(body2);
	CHECK_INT(store_challenge_submit(st, c.q, c.u2, " \t ", "b", &a, 1, NULL, &id),
		BBS_ERR_INVALID);
	CHECK_INT(store_challenge_submit(st, c.q, c.u2, "t", "b", NULL, 0, NULL, &id),
		BBS_ERR_INVALID);
	CHECK_INT(store_challenge_submit(st, c.q, c.u2, "t", "b", &a, 0, NULL, &id),
		BBS_ERR_INVALID);
	int64_t nine[9] = { a, a, a, a, a, a, a, a, a };
	CHECK_INT(store_challenge_submit(st, c.q, c.u2, "t", "b", nine, 9, NULL, &id),
		BBS_ERR_INVALID);
	int64_t bad_area = 999;
	CHECK_INT(store_challenge_submit(st, c.q, c.u2, "t", "b", &bad_area, 1, NULL, &id),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_submit(st, 999, c.u2, "t", "b", &a, 1, NULL, &id),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_submit(st, c.q, 999, "t", "b", &a, 1, NULL, &id),
		BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_submit(st, c.q, c.u2, "t", "b", &a, 1, "bad token", &id),
		BBS_ERR_INVALID);
	/* Repeated areas count once; an empty body is allowed. */
	CHECK_INT(store_challenge_submit(st, c.q, c.u3, "No body", NULL, nine, 8, NULL, &id),
		BBS_OK);
	CHECK_INT(store_challenge_get(st, c.u3, id, &ch), BBS_OK);
	CHECK_INT(ch.nareas, 1);
	CHECK_STR(ch.body, "");
	store_challenge_finish(&ch);

	/* Client tokens: a retry creates nothing new. */
	int64_t t1 = 0, t2 = 0;
	CHECK_INT(store_challenge_submit(st, c.q, c.u4, "Token", "b", &a, 1, "tok-1", &t1), BBS_OK);
	CHECK_INT(store_challenge_submit(st, c.q, c.u4, "Token again", "b", &a, 1, "tok-1", &t2),
		BBS_OK);
	CHECK_INT(t1, t2);
	/* The same token from another member is theirs. */
	CHECK_INT(store_challenge_submit(st, c.q, c.u3, "Token", "b", &a, 1, "tok-1", &t2), BBS_OK);
	CHECK(t2 != t1);

	struct store_question q;
	CHECK_INT(store_question_get(st, c.q, &q), BBS_OK);
	CHECK_INT(q.challenges, 5);
	CHECK_INT(q.respondents, 4);
	store_question_finish(&q);

	/* Closed and not-yet-open questions take no answers. */
	int64_t closed = 0, later = 0;
	CHECK_INT(store_question_create(st, c.mod, "Closed?", "", 1, 2, false, &closed), BBS_OK);
	CHECK_INT(store_challenge_submit(st, closed, c.u1, "t", "b", &a, 1, NULL, &id),
		BBS_ERR_DENIED);
	CHECK_INT(store_question_create(st, c.mod, "Later?", "", bbs_now() + 3600, 0, false, &later),
		BBS_OK);
	CHECK_INT(store_challenge_submit(st, later, c.u1, "t", "b", &a, 1, NULL, &id),
		BBS_ERR_DENIED);
	/* A token used for another question is not a retry. */
	CHECK_INT(store_question_create(st, c.mod, "Open?", "", 0, 0, false, &id), BBS_OK);
	CHECK_INT(store_challenge_submit(st, id, c.u4, "Token", "b", &a, 1, "tok-1", &t2),
		BBS_ERR_EXISTS);
	store_close(st);
}

static void test_edit_withdraw(void)
{
	struct cast c;
	if (!cast_open(&c, "edit.db"))
		return;
	struct store *st = c.st;
	int64_t id = submit(st, c.q, c.u1, "Original", c.areas[0]);
	int64_t a2[2] = { c.areas[1], c.areas[2] };

	CHECK_INT(store_challenge_edit(st, id, c.u2, "Not mine", "b", a2, 2), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_edit(st, id, c.mod, "Not mine", "b", a2, 2), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_edit(st, 999, c.u1, "x", "b", a2, 2), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_edit(st, id, c.u1, "", "b", a2, 2), BBS_ERR_INVALID);
	CHECK_INT(store_challenge_edit(st, id, c.u1, "Edited\x1b[H", "New body", a2, 2), BBS_OK);
	struct store_challenge ch;
	CHECK_INT(store_challenge_get(st, c.u2, id, &ch), BBS_OK);
	CHECK(strncmp(ch.title, "Edited", 6) == 0 && strchr(ch.title, '\x1b') == NULL);
	CHECK_STR(ch.body, "New body");
	CHECK(ch.edited > 0);
	CHECK_INT(ch.nareas, 2);
	store_challenge_finish(&ch);

	/* Once the question has closed, no more edits. */
	CHECK_INT(store_question_update(st, c.mod, c.q, first_question, "", 1, 2, false), BBS_OK);
	CHECK_INT(store_challenge_edit(st, id, c.u1, "Too late", "b", a2, 2), BBS_ERR_DENIED);
	CHECK_INT(store_question_update(st, c.mod, c.q, first_question, "", 0, 0, false), BBS_OK);

	/* Withdraw: only the author; then it is gone for the others. */
	CHECK_INT(store_challenge_withdraw(st, id, c.u2), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_withdraw(st, id, c.mod), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_withdraw(st, 999, c.u1), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_withdraw(st, id, c.u1), BBS_OK);
	CHECK_INT(store_challenge_withdraw(st, id, c.u1), BBS_OK);  /* again: no change */
	CHECK_INT(store_challenge_get(st, c.u2, id, &ch), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_get(st, c.u1, id, &ch), BBS_OK);
	CHECK(ch.withdrawn);
	store_challenge_finish(&ch);
	CHECK_INT(store_challenge_edit(st, id, c.u1, "Back", "b", a2, 2), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_endorse(st, id, c.u2, true), BBS_ERR_NOTFOUND);
	struct store_challenge *v = NULL;
	size_t n = 0;
	CHECK_INT(store_challenge_list(st, c.u1, c.q, STORE_CH_NEWEST, 0, 0, 0, 50, &v, &n, NULL),
		BBS_OK);
	CHECK_INT(n, 0);
	store_challenge_list_free(v, n);
	struct store_question q;
	CHECK_INT(store_question_get(st, c.q, &q), BBS_OK);
	CHECK_INT(q.challenges, 0);
	CHECK_INT(q.respondents, 0);
	store_question_finish(&q);
	store_close(st);
}

/* ---- endorsements ---- */

static void test_endorse(void)
{
	struct cast c;
	if (!cast_open(&c, "endorse.db"))
		return;
	struct store *st = c.st;
	int64_t id = submit(st, c.q, c.u1, "Endorse me", c.areas[0]);

	CHECK_INT(store_challenge_endorse(st, id, c.u1, true), BBS_ERR_DENIED);  /* own */
	CHECK_INT(endorsements(st, c.u1, id), 0);
	CHECK_INT(store_challenge_endorse(st, id, c.u2, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, id, c.u2, true), BBS_OK);  /* twice: once */
	CHECK_INT(endorsements(st, c.u1, id), 1);
	CHECK_INT(store_challenge_endorse(st, id, c.u3, true), BBS_OK);
	CHECK_INT(endorsements(st, c.u1, id), 2);
	struct store_challenge ch;
	CHECK_INT(store_challenge_get(st, c.u2, id, &ch), BBS_OK);
	CHECK(ch.endorsed_by_viewer);
	store_challenge_finish(&ch);
	CHECK_INT(store_challenge_get(st, c.u4, id, &ch), BBS_OK);
	CHECK(!ch.endorsed_by_viewer);
	store_challenge_finish(&ch);

	CHECK_INT(store_challenge_endorse(st, id, c.u2, false), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, id, c.u2, false), BBS_OK);
	CHECK_INT(endorsements(st, c.u1, id), 1);
	CHECK_INT(store_challenge_endorse(st, 999, c.u2, true), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_endorse(st, id, 999, true), BBS_ERR_DENIED);  /* nobody */

	/* Breakdowns of the endorsers: counts only, "Not stated" for empty. */
	CHECK_INT(store_challenge_endorse(st, id, c.u2, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, id, c.mod, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, id, c.sysop, true), BBS_OK);
	struct store_count *v = NULL;
	size_t n = 0;
	CHECK_INT(store_challenge_endorsers(st, id, STORE_BY_SECTOR, &v, &n), BBS_OK);
	/* u2 Industry, u3 Government, mod Government, sysop "" */
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(v[0].label, "Government");
		CHECK_INT(v[0].count, 2);
		CHECK_STR(v[1].label, "Industry");
		CHECK_INT(v[1].count, 1);
		CHECK_STR(v[2].label, "Not stated");
		CHECK_INT(v[2].count, 1);
	}
	store_count_list_free(v, n);
	CHECK_INT(store_challenge_endorsers(st, id, STORE_BY_REGION, &v, &n), BBS_OK);
	/* u2 Africa, u3 "", mod Europe, sysop "": Not stated 2, then Africa, Europe */
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(v[0].label, "Not stated");
		CHECK_INT(v[0].count, 2);
		CHECK_STR(v[1].label, "Africa");
		CHECK_STR(v[2].label, "Europe");
	}
	store_count_list_free(v, n);
	CHECK_INT(store_challenge_endorsers(st, 999, STORE_BY_REGION, &v, &n), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_endorsers(st, id, (enum store_breakdown)7, &v, &n),
		BBS_ERR_INVALID);

	/* An earlier question (no longer current) takes no endorsements or answers even when
	 * its dates leave it open; it takes them again when it is made current. */
	int64_t q2 = 0;
	CHECK_INT(store_question_create(st, c.mod, "A second question?", "", 0, 0, false, &q2),
		BBS_OK);
	CHECK_INT(store_question_set_current(st, c.mod, q2), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, id, c.u4, true), BBS_ERR_DENIED);
	int64_t late = 0;
	CHECK_INT(store_challenge_submit(st, c.q, c.u4, "Late", "Too late", &c.areas[0], 1, NULL,
		&late), BBS_ERR_DENIED);
	CHECK_INT(store_question_set_current(st, c.mod, c.q), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, id, c.u4, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, id, c.u4, false), BBS_OK);

	/* A closed question's endorsements stay as they are. */
	CHECK_INT(store_question_update(st, c.mod, c.q, first_question, "", 1, 2, false), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, id, c.u4, true), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_endorse(st, id, c.u2, false), BBS_ERR_DENIED);
	CHECK_INT(endorsements(st, c.u1, id), 4);
	store_close(st);
}

/* ---- listing and answer-before-reveal ---- */

static void test_list_and_reveal(void)
{
	struct cast c;
	if (!cast_open(&c, "reveal.db"))
		return;
	struct store *st = c.st;
	int64_t q = 0;
	CHECK_INT(store_question_create(st, c.mod, "Reveal?", "", 0, 0, true, &q), BBS_OK);
	int64_t a = submit(st, q, c.u1, "A global one", c.areas[0]);
	int64_t b = submit(st, q, c.u2, "B technology", c.areas[2]);
	int64_t cc = submit(st, q, c.u2, "C technology too", c.areas[2]);

	struct store_challenge *v = NULL;
	size_t n = 0;
	bool pending = false;
	/* u3 has not answered: sees nothing, and is told why. */
	CHECK_INT(store_challenge_list(st, c.u3, q, STORE_CH_NEWEST, 0, 0, 0, 50, &v, &n,
		&pending), BBS_OK);
	CHECK_INT(n, 0);
	CHECK(pending);
	store_challenge_list_free(v, n);
	struct store_challenge ch;
	CHECK_INT(store_challenge_get(st, c.u3, a, &ch), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_endorse(st, a, c.u3, true), BBS_ERR_DENIED);
	/* Not even by naming an author. */
	CHECK_INT(store_challenge_list(st, c.u3, q, STORE_CH_NEWEST, 0, c.u1, 0, 50, &v, &n,
		&pending), BBS_OK);
	CHECK_INT(n, 0);
	store_challenge_list_free(v, n);
	/* u1 has answered: sees all. Moderators always do. */
	CHECK_INT(store_challenge_list(st, c.u1, q, STORE_CH_NEWEST, 0, 0, 0, 50, &v, &n,
		&pending), BBS_OK);
	CHECK_INT(n, 3);
	CHECK(!pending);
	store_challenge_list_free(v, n);
	CHECK_INT(store_challenge_list(st, c.mod, q, STORE_CH_NEWEST, 0, 0, 0, 50, &v, &n,
		&pending), BBS_OK);
	CHECK_INT(n, 3);
	CHECK(!pending);
	store_challenge_list_free(v, n);
	CHECK_INT(store_challenge_get(st, c.mod, a, &ch), BBS_OK);
	store_challenge_finish(&ch);
	/* u3 answers, and then sees the others. */
	int64_t d = submit(st, q, c.u3, "D mine", c.areas[1]);
	CHECK_INT(store_challenge_get(st, c.u3, a, &ch), BBS_OK);
	store_challenge_finish(&ch);

	/* Orders: most endorsed (ties by id), newest (ties by id, newest first). */
	CHECK_INT(store_challenge_endorse(st, cc, c.u1, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, cc, c.u3, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, b, c.u1, true), BBS_OK);
	CHECK_INT(store_challenge_list(st, c.u1, q, STORE_CH_BY_ENDORSEMENTS, 0, 0, 0, 50, &v, &n,
		NULL), BBS_OK);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(v[0].id, cc);
		CHECK_INT(v[0].endorsements, 2);
		CHECK(v[0].endorsed_by_viewer);
		CHECK_INT(v[1].id, b);
		CHECK_INT(v[2].id, a);
		CHECK_INT(v[3].id, d);
	}
	store_challenge_list_free(v, n);
	CHECK_INT(store_challenge_list(st, c.u1, q, STORE_CH_NEWEST, 0, 0, 0, 50, &v, &n, NULL),
		BBS_OK);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(v[0].id, d);
		CHECK_INT(v[3].id, a);
	}
	store_challenge_list_free(v, n);
	/* Filters: area, author; paging. */
	CHECK_INT(store_challenge_list(st, c.u1, q, STORE_CH_NEWEST, c.areas[2], 0, 0, 50, &v, &n,
		NULL), BBS_OK);
	CHECK_INT(n, 2);
	store_challenge_list_free(v, n);
	CHECK_INT(store_challenge_list(st, c.u1, q, STORE_CH_NEWEST, 0, c.u2, 0, 50, &v, &n, NULL),
		BBS_OK);
	CHECK_INT(n, 2);
	store_challenge_list_free(v, n);
	CHECK_INT(store_challenge_list(st, c.u1, q, STORE_CH_BY_ENDORSEMENTS, 0, 0, 1, 2, &v, &n,
		NULL), BBS_OK);
	CHECK_INT(n, 2);
	if (n == 2)
		CHECK_INT(v[0].id, b);
	store_challenge_list_free(v, n);
	CHECK_INT(store_challenge_list(st, c.u1, q, STORE_CH_NEWEST, 0, 0, -1, 50, &v, &n, NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_challenge_list(st, c.u1, q, STORE_CH_NEWEST, 0, 0, 0, 0, &v, &n, NULL),
		BBS_ERR_INVALID);
	CHECK_INT(store_challenge_list(st, c.u1, 999, STORE_CH_NEWEST, 0, 0, 0, 5, &v, &n, NULL),
		BBS_ERR_NOTFOUND);
	/* The public view (exports) is a member's who has answered. */
	CHECK_INT(store_challenge_list(st, STORE_VIEWER_PUBLIC, q, STORE_CH_NEWEST, 0, 0, 0, 50, &v,
		&n, &pending), BBS_OK);
	CHECK_INT(n, 4);
	CHECK(!pending);
	store_challenge_list_free(v, n);

	/* Respondents by sector and region: u1 Government/Europe, u2 Industry/Africa,
	 * u3 Government/"" */
	struct store_count *cv = NULL;
	size_t cn = 0;
	CHECK_INT(store_question_respondents(st, q, STORE_BY_SECTOR, &cv, &cn), BBS_OK);
	CHECK_INT(cn, 2);
	if (cn == 2) {
		CHECK_STR(cv[0].label, "Government");
		CHECK_INT(cv[0].count, 2);
		CHECK_STR(cv[1].label, "Industry");
		CHECK_INT(cv[1].count, 1);
	}
	store_count_list_free(cv, cn);
	CHECK_INT(store_question_respondents(st, q, STORE_BY_REGION, &cv, &cn), BBS_OK);
	CHECK_INT(cn, 3);
	if (cn == 3) {
		CHECK_STR(cv[0].label, "Africa");
		CHECK_STR(cv[1].label, "Europe");
		CHECK_STR(cv[2].label, "Not stated");
	}
	store_count_list_free(cv, cn);
	CHECK_INT(store_question_respondents(st, 999, STORE_BY_REGION, &cv, &cn), BBS_ERR_NOTFOUND);
	store_close(st);
}

/* ---- moderators ---- */

static void test_hide(void)
{
	struct cast c;
	if (!cast_open(&c, "hide.db"))
		return;
	struct store *st = c.st;
	int64_t id = submit(st, c.q, c.u1, "Something hidden", c.areas[0]);

	CHECK_INT(store_challenge_hide(st, c.u2, id, "spam"), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_hide(st, c.u1, id, "spam"), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_hide(st, c.mod, id, "  "), BBS_ERR_INVALID);
	char *big = repeat('r', STORE_FIELD_MAX + 1);
	CHECK_INT(store_challenge_hide(st, c.mod, id, big), BBS_ERR_TOOBIG);
	free(big);
	CHECK_INT(store_challenge_hide(st, c.mod, 999, "spam"), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_hide(st, c.mod, id, "Names a person\x1b[2J"), BBS_OK);

	struct store_challenge ch;
	CHECK_INT(store_challenge_get(st, c.u2, id, &ch), BBS_OK);
	CHECK(ch.hidden);
	CHECK_STR(ch.title, "");
	CHECK_STR(ch.body, "");
	CHECK(strncmp(ch.hidden_reason, "Names a person", 14) == 0);
	CHECK(strchr(ch.hidden_reason, '\x1b') == NULL);
	CHECK(ch.hidden_at > 0);
	store_challenge_finish(&ch);
	CHECK_INT(store_challenge_get(st, c.u1, id, &ch), BBS_OK);  /* the author too */
	CHECK_STR(ch.title, "");
	store_challenge_finish(&ch);
	CHECK_INT(store_challenge_get(st, c.mod, id, &ch), BBS_OK);
	CHECK_STR(ch.title, "Something hidden");
	store_challenge_finish(&ch);
	struct store_challenge *v = NULL;
	size_t n = 0;
	CHECK_INT(store_challenge_list(st, c.u2, c.q, STORE_CH_NEWEST, 0, 0, 0, 50, &v, &n, NULL),
		BBS_OK);
	CHECK_INT(n, 1);  /* listed, blanked */
	if (n == 1) {
		CHECK(v[0].hidden);
		CHECK_STR(v[0].title, "");
	}
	store_challenge_list_free(v, n);
	CHECK_INT(store_challenge_list(st, STORE_VIEWER_PUBLIC, c.q, STORE_CH_NEWEST, 0, 0, 0, 50,
		&v, &n, NULL), BBS_OK);
	CHECK(n == 1 && v[0].title[0] == '\0');
	store_challenge_list_free(v, n);
	CHECK_INT(store_challenge_endorse(st, id, c.u2, true), BBS_ERR_DENIED);
	int64_t tid = 0;
	CHECK_INT(store_challenge_promote(st, c.mod, id, 1, &tid), BBS_ERR_DENIED);

	CHECK_INT(store_challenge_unhide(st, c.u2, id), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_unhide(st, c.mod, id), BBS_OK);
	CHECK_INT(store_challenge_unhide(st, c.mod, id), BBS_OK);  /* nothing to do, not recorded */
	CHECK_INT(store_challenge_get(st, c.u2, id, &ch), BBS_OK);
	CHECK(!ch.hidden);
	CHECK_STR(ch.title, "Something hidden");
	CHECK_STR(ch.hidden_reason, "");
	store_challenge_finish(&ch);

	struct store_modlog *m = NULL;
	CHECK_INT(store_modlog_list(st, 0, 10, &m, &n), BBS_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(m[0].action, "unhidden");
		CHECK_STR(m[1].action, "hidden");
		char *want = xasprintf("challenge %lld: Something hidden", (long long)id);
		CHECK_STR(m[1].target, want);
		free(want);
		CHECK(strncmp(m[1].reason, "Names a person", 14) == 0);
		CHECK(text_is_clean(m[1].reason, 0));
		CHECK_STR(m[1].by_role, "moderator");
		CHECK(m[1].at > 0 && m[0].id > m[1].id);
	}
	store_modlog_list_free(m, n);
	CHECK_INT(store_modlog_list(st, 1, 10, &m, &n), BBS_OK);
	CHECK_INT(n, 1);
	store_modlog_list_free(m, n);
	CHECK_INT(store_modlog_list(st, 0, 0, &m, &n), BBS_ERR_INVALID);
	store_close(st);
}

static void test_merge(void)
{
	struct cast c;
	if (!cast_open(&c, "merge.db"))
		return;
	struct store *st = c.st;
	int64_t A = submit(st, c.q, c.u4, "Challenge A", c.areas[0]);
	int64_t B = submit(st, c.q, c.mod, "Challenge B", c.areas[0]);
	CHECK_INT(store_challenge_endorse(st, A, c.u1, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, A, c.u2, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, B, c.u2, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, B, c.u3, true), BBS_OK);
	CHECK_INT(store_challenge_endorse(st, B, c.u4, true), BBS_OK);  /* A's own author */

	CHECK_INT(store_challenge_merge(st, c.u1, B, A), BBS_ERR_DENIED);
	CHECK_INT(store_challenge_merge(st, c.mod, A, A), BBS_ERR_INVALID);
	CHECK_INT(store_challenge_merge(st, c.mod, B, 999), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_merge(st, c.mod, B, A), BBS_OK);
	/* u1, u2, u3: u2 once, and u4 (A's author) not at all. */
	CHECK_INT(endorsements(st, c.u1, A), 3);
	struct store_challenge ch;
	CHECK_INT(store_challenge_get(st, c.u1, A, &ch), BBS_OK);
	CHECK_STR(ch.credits, "mod");
	store_challenge_finish(&ch);
	CHECK_INT(store_challenge_get(st, c.u1, B, &ch), BBS_OK);
	CHECK_INT(ch.merged_into, A);
	store_challenge_finish(&ch);

	/* Merged away: not listed, not endorsable, not mergeable again. */
	struct store_challenge *v = NULL;
	size_t n = 0;
	CHECK_INT(store_challenge_list(st, c.u1, c.q, STORE_CH_NEWEST, 0, 0, 0, 50, &v, &n, NULL),
		BBS_OK);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_INT(v[0].id, A);
	store_challenge_list_free(v, n);
	CHECK_INT(store_challenge_endorse(st, B, c.u4, false), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_endorse(st, B, c.sysop, true), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_merge(st, c.mod, B, A), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_merge(st, c.mod, A, B), BBS_ERR_NOTFOUND);
	CHECK_INT(endorsements(st, c.u1, A), 3);
	/* A member who endorsed B and now endorses A counts once. */
	CHECK_INT(store_challenge_endorse(st, A, c.u3, true), BBS_OK);
	CHECK_INT(endorsements(st, c.u1, A), 3);
	struct store_question q;
	CHECK_INT(store_question_get(st, c.q, &q), BBS_OK);
	CHECK_INT(q.challenges, 1);
	CHECK_INT(q.respondents, 2);  /* B's author answered too */
	store_question_finish(&q);

	/* Another question's challenge cannot be merged in. */
	int64_t q2 = 0;
	CHECK_INT(store_question_create(st, c.mod, "Other?", "", 0, 0, false, &q2), BBS_OK);
	int64_t C = submit(st, q2, c.u1, "Challenge C", c.areas[1]);
	CHECK_INT(store_challenge_merge(st, c.mod, C, A), BBS_ERR_INVALID);

	struct store_modlog *m = NULL;
	CHECK_INT(store_modlog_list(st, 0, 1, &m, &n), BBS_OK);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(m[0].action, "asked");
	}
	store_modlog_list_free(m, n);
	CHECK_INT(store_modlog_list(st, 1, 1, &m, &n), BBS_OK);
	if (n == 1) {
		CHECK_STR(m[0].action, "merged");
		char *want = xasprintf("into challenge %lld", (long long)A);
		CHECK_STR(m[0].reason, want);
		free(want);
	}
	store_modlog_list_free(m, n);
	store_close(st);
}

static void test_promote(void)
{
	struct cast c;
	if (!cast_open(&c, "promote.db"))
		return;
	struct store *st = c.st;
	int64_t id = submit(st, c.q, c.u1, "Promote me", c.areas[0]);
	struct store_board *boards = NULL;
	size_t nb = 0;
	CHECK_INT(store_board_list(st, 0, c.areas[0], &boards, &nb), BBS_OK);
	int64_t board = nb > 0 ? boards[0].id : 0;
	store_board_list_free(boards, nb);

	int64_t tid = 0;
	CHECK_INT(store_challenge_promote(st, c.u2, id, board, &tid), BBS_ERR_DENIED);
	CHECK_INT(tid, 0);
	CHECK_INT(store_challenge_promote(st, c.mod, id, 999, &tid), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_promote(st, c.mod, 999, board, &tid), BBS_ERR_NOTFOUND);
	CHECK_INT(store_challenge_promote(st, c.mod, id, board, &tid), BBS_OK);
	CHECK(tid > 0);

	struct store_thread t;
	CHECK_INT(store_thread_get(st, c.u2, tid, &t), BBS_OK);
	CHECK_INT(t.challenge_id, id);
	CHECK_STR(t.title, "Promote me");
	CHECK_INT(t.author_id, c.u1);
	CHECK_INT(t.board_id, board);
	CHECK_INT(t.posts, 1);
	store_thread_finish(&t);
	struct store_post *p = NULL;
	size_t np = 0;
	CHECK_INT(store_post_range(st, tid, 1, 10, &p, &np), BBS_OK);
	CHECK(np == 1 && strcmp(p[0].body, "Why it matters.") == 0);
	store_post_list_free(p, np);
	struct store_challenge ch;
	CHECK_INT(store_challenge_get(st, c.u2, id, &ch), BBS_OK);
	CHECK_INT(ch.thread_id, tid);
	store_challenge_finish(&ch);
	/* Discussions that were never challenges say so. */
	struct store_thread *tv = NULL;
	size_t nt = 0;
	int64_t other = 0;
	CHECK_INT(store_thread_create(st, board, c.u2, "Plain", "Body", NULL, &other, NULL), BBS_OK);
	CHECK_INT(store_thread_page(st, c.u2, board, 0, 10, &tv, &nt), BBS_OK);
	CHECK_INT(nt, 2);
	for (size_t i = 0; i < nt; i++)
		CHECK_INT(tv[i].challenge_id, tv[i].id == tid ? id : 0);
	store_thread_list_free(tv, nt);

	CHECK_INT(store_challenge_promote(st, c.sysop, id, board, &tid), BBS_ERR_EXISTS);
	/* Search finds the promoted discussion like any other. */
	struct store_hit *h = NULL;
	size_t nh = 0;
	CHECK_INT(store_search(st, c.u2, "promote", 10, &h, &nh), BBS_OK);
	CHECK_INT(nh, 1);
	store_hit_list_free(h, nh);

	struct store_modlog *m = NULL;
	size_t n = 0;
	CHECK_INT(store_modlog_list(st, 0, 10, &m, &n), BBS_OK);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(m[0].action, "promoted");
	store_modlog_list_free(m, n);
	store_close(st);
}

/* Users' region is read and written like the other profile fields. */
static void test_region(void)
{
	struct cast c;
	if (!cast_open(&c, "region.db"))
		return;
	char *h = xstrdup("hostile"), *r = xstrdup("South\x1b[31m Asia\n");
	struct store_user u = { .handle = h, .region = r };
	CHECK_INT(store_user_add(c.st, &u, NULL), BBS_OK);
	free(h);
	free(r);
	struct store_user *got = NULL;
	CHECK_INT(store_user_get(c.st, "hostile", &got), BBS_OK);
	CHECK(got && text_is_clean(got->region, 0) && strstr(got->region, "Asia"));
	CHECK(got && strchr(got->region, '\x1b') == NULL);
	store_user_free(got);
	CHECK_INT(store_user_get(c.st, "u2", &got), BBS_OK);
	CHECK_STR(got ? got->region : NULL, "Africa");
	store_user_free(got);
	char *big = repeat('x', STORE_FIELD_MAX + 1), *h2 = xstrdup("bigregion");
	struct store_user u2 = { .handle = h2, .region = big };
	CHECK_INT(store_user_add(c.st, &u2, NULL), BBS_ERR_TOOBIG);
	free(big);
	free(h2);
	store_close(c.st);
}

/* Drafts of challenges use the contexts the UI contract names. */
static void test_drafts(void)
{
	struct cast c;
	if (!cast_open(&c, "drafts.db"))
		return;
	struct store_draft d;
	CHECK_INT(store_draft_save(c.st, c.u1, "challenge:1", "Title", "Body"), BBS_OK);
	CHECK_INT(store_draft_save(c.st, c.u1, "challenge-edit:7", "T", "B"), BBS_OK);
	CHECK_INT(store_draft_get(c.st, c.u1, "challenge:1", &d), BBS_OK);
	CHECK_STR(d.title, "Title");
	store_draft_finish(&d);
	CHECK_INT(store_draft_save(c.st, c.u1, "challenge:", "T", "B"), BBS_ERR_INVALID);
	CHECK_INT(store_draft_save(c.st, c.u1, "challenge:1:2", "T", "B"), BBS_ERR_INVALID);
	CHECK_INT(store_draft_save(c.st, c.u1, "challenge-edit:x", "T", "B"), BBS_ERR_INVALID);
	CHECK_INT(store_draft_delete(c.st, c.u1, "challenge-edit:7"), BBS_OK);
	store_close(c.st);
}

/* ---- migration from version 2 ---- */

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "sql: %s\n", msg ? msg : "?");
	sqlite3_free(msg);
	return rc;
}

static void test_migration(void)
{
	char *path = db_path("v2.db");
	struct store *st = NULL;
	CHECK_INT(store_open_at_version(path, 0, &st), BBS_ERR_INVALID);
	CHECK_INT(store_open_at_version(path, store_schema_version() + 1, &st), BBS_ERR_INVALID);
	CHECK_INT(store_open_at_version(path, 2, &st), BBS_OK);
	CHECK_INT(store_setting_set(st, "site_name", "Old portal"), BBS_OK);
	store_close(st);

	/* Rows as a version-2 build wrote them (no region, no challenge_id). */
	sqlite3 *db = NULL;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(exec_sql(db, "PRAGMA foreign_keys = ON;"
		"INSERT INTO users (handle, display_name, sector, created) "
		"VALUES ('olduser', 'Old User', 'Government', 1000);"
		"INSERT INTO boards (slug, name) VALUES ('oldboard', 'Old board');"
		"INSERT INTO threads (board_id, title, author_id, created, last_post_at, posts, "
		"last_seq) VALUES (1, 'Old discussion', 1, 1000, 1000, 0, 0);"), SQLITE_OK);
	sqlite3_stmt *stmt = NULL;
	CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_step(stmt), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(stmt, 0), 2);
	sqlite3_finalize(stmt);
	sqlite3_close(db);

	/* Opening with this build migrates to 3 and keeps every row. */
	CHECK_INT(store_open(path, &st), BBS_OK);
	if (st) {
		char *v = NULL;
		CHECK_INT(store_setting_get(st, "site_name", &v), BBS_OK);
		CHECK_STR(v, "Old portal");
		free(v);
		struct store_user *u = NULL;
		CHECK_INT(store_user_get(st, "olduser", &u), BBS_OK);
		CHECK_STR(u ? u->display_name : NULL, "Old User");
		CHECK_STR(u ? u->sector : NULL, "Government");
		CHECK_STR(u ? u->region : NULL, "");
		/* Schema 4 (membership) defaults after migrating through every step. */
		CHECK_INT(u ? u->status : -1, STORE_STATUS_ACTIVE);
		CHECK(u && u->in_directory && u->colour && !u->named_endorsements);
		CHECK_STR(u ? u->bio : NULL, "");
		int64_t uid = u ? u->id : 0;
		store_user_free(u);
		struct store_thread t;
		CHECK_INT(store_thread_get(st, uid, 1, &t), BBS_OK);
		CHECK_STR(t.title, "Old discussion");
		CHECK_INT(t.challenge_id, 0);
		store_thread_finish(&t);
		/* No question until the seed runs (bbsctl init does), then the first one. */
		struct store_question q;
		CHECK_INT(store_question_current(st, &q), BBS_ERR_NOTFOUND);
		CHECK_INT(store_seed(st), BBS_OK);
		CHECK_INT(store_question_current(st, &q), BBS_OK);
		CHECK_STR(q.text, first_question);
		store_question_finish(&q);
		store_close(st);
	}
	/* The version-2 opener leaves a version-3 file as it is. */
	CHECK_INT(store_open_at_version(path, 2, &st), BBS_OK);
	store_close(st);
	CHECK_INT(store_open(path, &st), BBS_OK);
	store_close(st);
	free(path);
}

int main(void)
{
	static void (*const steps[])(void) = {
		test_seed_and_questions, test_submit, test_edit_withdraw, test_endorse,
		test_list_and_reveal, test_hide, test_merge, test_promote, test_region,
		test_drafts, test_migration
	};
	return tmpdir_main("test-challenge", BBS_LOG_ERROR, steps, sizeof steps / sizeof steps[0]);
}
