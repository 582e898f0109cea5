/*
 * store-challenge.c: the challenge question (schema version 3): questions, the challenges
 * members submit as answers, endorsements, merges, hiding, promotion to a discussion, the
 * open results (counts by sector and region) and the public moderation record.
 *
 * Permissions are decided here, from the actor's role and status in the users table, never
 * from what the caller says: moderator functions refuse members (and disabled or unknown
 * actors) with BBS_ERR_DENIED. Endorsement counts are always count(*) over endorsements,
 * whose primary key (challenge_id, user_id) makes each member count once.
 *
 * Errors beyond store.h's: a merged-away or withdrawn challenge is BBS_ERR_NOTFOUND to
 * endorse, merge or promote (it is not listed); a hidden one cannot be endorsed or promoted
 * (BBS_ERR_DENIED); endorsing or taking back is refused (BBS_ERR_DENIED) while its question
 * is not open, so the results of a closed question stay as they were.
 *
 * Must never: store text that has not been through text_sanitize, show a hidden challenge's
 * title or body to a member who is not a moderator, show others' answers before the viewer
 * has answered when the question asks for that, or count one member twice.
 */
#include "store/private.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

#define QUESTION_TEXT_MAX (STORE_FIELD_MAX * 4)
#define CHALLENGE_AREAS_MAX 8
#define CHALLENGE_PAGE_MAX 1000

/* ---- who is acting ---- */

/* The role of an active member, or 0 for nobody (unknown id, disabled account). */
static int actor_role(struct store *st, int64_t user_id, int *role)
{
	int64_t v = 0;
	*role = 0;
	int err = store_run_i64(st, "SELECT role FROM users WHERE id = ?1 AND status = 0",
		&user_id, 1, &v, "read role");
	if (err < 0)
		return err;
	*role = err == 1 ? (int)v : 0;
	return BBS_OK;
}

static bool is_moderator(int role)
{
	return role >= STORE_ROLE_MODERATOR;
}

/* BBS_OK when the actor may moderate (sets *role), BBS_ERR_DENIED otherwise. */
static int require_moderator(struct store *st, int64_t actor_id, int *role)
{
	int err = actor_role(st, actor_id, role);
	if (err < 0)
		return err;
	return is_moderator(*role) ? BBS_OK : BBS_ERR_DENIED;
}

/*
 * Whether answer-before-reveal hides the others' answers to question_id from viewer (role):
 * 1 when it does, 0 when it does not, BBS_ERR_NOTFOUND for no such question.
 */
static int reveal_pending(struct store *st, int64_t viewer, int role, int64_t question_id)
{
	int64_t args[2] = { question_id, viewer }, v = 0;
	/* The public view (?2 = -1, exports) is that of a member who has answered. */
	int err = store_run_i64(st, "SELECT ?2 != -1 AND q.reveal_after_answer AND NOT EXISTS "
		"(SELECT 1 FROM challenges c WHERE c.question_id = q.id AND c.author_id = ?2 "
		"AND c.withdrawn = 0) FROM questions q WHERE q.id = ?1", args, 2, &v,
		"read reveal rule");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;
	return v && !is_moderator(role) ? 1 : 0;
}

/* The audit log's word for each moderation record action of this file. */
static const char *audit_action(const char *action)
{
	static const char *const map[][2] = {
		{ "asked", "question-create" }, { "changed", "question-update" },
		{ "made current", "question-current" }, { "merged", "challenge-merge" },
		{ "hidden", "challenge-hide" }, { "unhidden", "challenge-unhide" },
		{ "promoted", "challenge-promote" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(action, map[i][0]) == 0)
			return map[i][1];
	return "moderation";
}

/* Appends one entry to the moderation record and its audit entry (schema 5), in the
 * caller's transaction. */
static int modlog_add(struct store *st, int64_t actor_id, int role, const char *action,
	const char *target, const char *reason)
{
	int err = store_modlog_add(st, actor_id, role, action, target, reason);
	if (err >= 0)
		err = store_audit_add(st, actor_id, audit_action(action), target,
			reason && *reason ? reason : "", NULL);
	return err;
}

/* Text that may be empty: NULL or only white space gives "". */
static int clean_optional(const char *s, size_t max, bool multiline, char **out)
{
	int err = store_clean_text(s ? s : "", max, multiline, out);
	if (err == BBS_ERR_INVALID) {
		*out = xstrdup("");
		err = BBS_OK;
	}
	return err;
}

/* ---- questions ---- */

void store_question_finish(struct store_question *q)
{
	if (!q)
		return;
	free(q->text);
	free(q->intro);
	memset(q, 0, sizeof *q);
}

bool store_question_is_open(const struct store_question *q, int64_t now)
{
	return q && q->opens <= now && (q->closes == 0 || now < q->closes);
}

#define QUESTION_SELECT \
	"SELECT q.id, q.text, q.intro, q.opens, q.closes, q.reveal_after_answer, q.current, " \
	"q.created, (SELECT count(DISTINCT c.author_id) FROM challenges c " \
	"WHERE c.question_id = q.id AND c.withdrawn = 0), (SELECT count(*) FROM challenges c " \
	"WHERE c.question_id = q.id AND c.withdrawn = 0 AND c.merged_into IS NULL) " \
	"FROM questions q "

static void read_question(sqlite3_stmt *stmt, void *elem)
{
	struct store_question *q = elem;
	q->id = sqlite3_column_int64(stmt, 0);
	q->text = store_col_text(stmt, 1);
	q->intro = store_col_text(stmt, 2);
	q->opens = sqlite3_column_int64(stmt, 3);
	q->closes = sqlite3_column_int64(stmt, 4);
	q->reveal_after_answer = sqlite3_column_int(stmt, 5) != 0;
	q->current = sqlite3_column_int(stmt, 6) != 0;
	q->created = sqlite3_column_int64(stmt, 7);
	q->respondents = sqlite3_column_int64(stmt, 8);
	q->challenges = sqlite3_column_int64(stmt, 9);
}

STORE_ROW_LIST_FINISH(question, read_question)

struct question_q {
	const char *sql;
	int64_t id;
	struct store_rows rows;
};

static int question_q_tx(struct store *st, void *ctx)
{
	struct question_q *q = ctx;
	return store_select(st, q->sql, &q->id, 1, &question_rows, CHALLENGE_PAGE_MAX, &q->rows,
		"read questions");
}

/* One question by sql (?1 = id). */
static int question_one(struct store *st, const char *sql, int64_t id, struct store_question *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	struct question_q q = { .sql = sql, .id = id };
	int err = store_tx(st, false, question_q_tx, &q);
	if (err < 0)
		return err;
	if (q.rows.n != 1) {
		store_rows_free(&question_rows, &q.rows);
		return BBS_ERR_NOTFOUND;
	}
	*out = *(struct store_question *)q.rows.v;
	free(q.rows.v);
	return BBS_OK;
}

int store_question_current(struct store *st, struct store_question *out)
{
	/* ?1 is bound but unused: the one current question. */
	return question_one(st, QUESTION_SELECT "WHERE q.current = 1 AND ?1 = 0", 0, out);
}

int store_question_get(struct store *st, int64_t id, struct store_question *out)
{
	return question_one(st, QUESTION_SELECT "WHERE q.id = ?1", id, out);
}

int store_question_list(struct store *st, struct store_question **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct question_q q = { .sql = QUESTION_SELECT "WHERE ?1 = 0 "
		"ORDER BY q.created DESC, q.id DESC" };
	int err = store_tx(st, false, question_q_tx, &q);
	if (err < 0)
		return err;
	*v = q.rows.v;
	*n = q.rows.n;
	return BBS_OK;
}

struct question_w {
	int64_t actor_id;
	int64_t id;          /* 0: create */
	char *text, *intro;  /* cleaned */
	int64_t opens, closes;
	bool reveal;
};

/* Makes question id the current one (the others stop being current). */
static int make_current(struct store *st, int64_t id)
{
	int err = store_run_i64(st, "UPDATE questions SET current = 0 WHERE current = 1 AND id != ?1",
		&id, 1, NULL, "change current question");
	if (err >= 0)
		err = store_run_i64(st, "UPDATE questions SET current = 1 WHERE id = ?1", &id, 1, NULL,
			"change current question");
	if (err >= 0 && sqlite3_changes(st->db) == 0)
		err = BBS_ERR_NOTFOUND;
	return err < 0 ? err : BBS_OK;
}

static int question_w_tx(struct store *st, void *ctx)
{
	struct question_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	char target[64];
	int role = 0;
	bool create = w->id == 0;
	int err = require_moderator(st, w->actor_id, &role);
	if (err < 0)
		return err;
	if (create)
		err = store_prepare(st, "INSERT INTO questions (text, intro, opens, closes, "
			"reveal_after_answer, created, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)", &stmt);
	else
		err = store_prepare(st, "UPDATE questions SET text = ?1, intro = ?2, opens = ?3, "
			"closes = ?4, reveal_after_answer = ?5 WHERE id = ?7 AND ?6 = ?6", &stmt);
	if (err < 0 || (err = store_bind_text(stmt, 1, w->text)) < 0
	    || (err = store_bind_text(stmt, 2, w->intro)) < 0
	    || (err = store_bind_i64(stmt, 3, w->opens)) < 0
	    || (err = store_bind_i64(stmt, 4, w->closes)) < 0
	    || (err = store_bind_i64(stmt, 5, w->reveal ? 1 : 0)) < 0
	    || (err = store_bind_i64(stmt, 6, bbs_now())) < 0
	    || (!create && (err = store_bind_i64(stmt, 7, w->id)) < 0)
	    || (err = store_exec_stmt(st, stmt, "write question")) < 0)
		goto out;
	if (create) {
		w->id = sqlite3_last_insert_rowid(st->db);
		if ((err = make_current(st, w->id)) < 0)
			goto out;
	} else if (sqlite3_changes(st->db) == 0) {
		err = BBS_ERR_NOTFOUND;
		goto out;
	}
	bbs_snprintf(target, sizeof target, "question %" PRId64, w->id);
	err = modlog_add(st, w->actor_id, role, create ? "asked" : "changed", target, "");
out:
	sqlite3_finalize(stmt);
	return err;
}

static int question_write(struct store *st, struct question_w *w, const char *text,
	const char *intro)
{
	int err;
	if (w->opens < 0 || w->closes < 0 || (w->closes && w->closes <= w->opens))
		return BBS_ERR_INVALID;
	if ((err = store_clean_text(text, QUESTION_TEXT_MAX, true, &w->text)) < 0
	    || (err = clean_optional(intro, QUESTION_TEXT_MAX, true, &w->intro)) < 0)
		goto out;
	err = store_tx(st, true, question_w_tx, w);
out:
	free(w->text);
	free(w->intro);
	return err < 0 ? err : BBS_OK;
}

int store_question_create(struct store *st, int64_t actor_id, const char *text, const char *intro,
	int64_t opens, int64_t closes, bool reveal_after_answer, int64_t *id)
{
	if (id)
		*id = 0;
	struct question_w w = { .actor_id = actor_id, .opens = opens, .closes = closes,
		.reveal = reveal_after_answer };
	int err = question_write(st, &w, text, intro);
	if (err == 0 && id)
		*id = w.id;
	return err;
}

int store_question_update(struct store *st, int64_t actor_id, int64_t id, const char *text,
	const char *intro, int64_t opens, int64_t closes, bool reveal_after_answer)
{
	if (id <= 0)
		return BBS_ERR_NOTFOUND;
	struct question_w w = { .actor_id = actor_id, .id = id, .opens = opens, .closes = closes,
		.reveal = reveal_after_answer };
	return question_write(st, &w, text, intro);
}

struct set_current {
	int64_t actor_id;
	int64_t id;
};

static int set_current_tx(struct store *st, void *ctx)
{
	struct set_current *c = ctx;
	char target[64];
	int role = 0;
	int err = require_moderator(st, c->actor_id, &role);
	if (err < 0 || (err = make_current(st, c->id)) < 0)
		return err;
	bbs_snprintf(target, sizeof target, "question %" PRId64, c->id);
	return modlog_add(st, c->actor_id, role, "made current", target, "");
}

int store_question_set_current(struct store *st, int64_t actor_id, int64_t id)
{
	struct set_current c = { .actor_id = actor_id, .id = id };
	return store_write(st, set_current_tx, &c);
}

/* ---- challenges ---- */

void store_challenge_finish(struct store_challenge *c)
{
	if (!c)
		return;
	free(c->title);
	free(c->body);
	free(c->author_handle);
	free(c->author_name);
	free(c->credits);
	free(c->areas);
	free(c->hidden_reason);
	memset(c, 0, sizeof *c);
}

/*
 * Columns for read_challenge(): challenges c joined with users u (the author); ?1 is the
 * viewer. Areas come as a comma-separated list of ids in area order, credits as handles in
 * the order they were credited. n_end is the endorsement count (list order).
 */
#define CHALLENGE_COLS \
	"c.id, c.question_id, c.title, c.body, c.author_id, " STORE_AUTHOR("u") ", " \
	"u.display_name, coalesce((SELECT group_concat(h, ', ') FROM (SELECT " \
	STORE_AUTHOR("cu") " AS h FROM credits cr " \
	"JOIN users cu ON cu.id = cr.user_id WHERE cr.challenge_id = c.id " \
	"ORDER BY cr.created, cu.handle)), ''), " \
	"coalesce((SELECT group_concat(a, ',') FROM (SELECT ca.area_id AS a FROM challenge_areas ca " \
	"JOIN areas ar ON ar.id = ca.area_id WHERE ca.challenge_id = c.id " \
	"ORDER BY ar.position, ar.id)), ''), " \
	"c.created, c.edited, " \
	"(SELECT count(*) FROM endorsements e WHERE e.challenge_id = c.id) AS n_end, " \
	"EXISTS (SELECT 1 FROM endorsements e WHERE e.challenge_id = c.id AND e.user_id = ?1), " \
	"c.withdrawn, c.hidden, c.hidden_reason, c.hidden_at, coalesce(c.merged_into, 0), " \
	"coalesce(c.thread_id, 0)"

/* "3,1,2" -> an array of ids (at most CHALLENGE_AREAS_MAX: that is all a challenge has). */
static void parse_ids(const char *s, int64_t **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	while (s && *s && *n < CHALLENGE_AREAS_MAX) {
		char *end = NULL;
		long long id = strtoll(s, &end, 10);
		if (end == s)
			break;
		if (!*v)
			*v = xcalloc(CHALLENGE_AREAS_MAX, sizeof **v);
		(*v)[(*n)++] = id;
		s = *end == ',' ? end + 1 : end;
	}
}

static void read_challenge(sqlite3_stmt *stmt, void *elem)
{
	struct store_challenge *c = elem;
	c->id = sqlite3_column_int64(stmt, 0);
	c->question_id = sqlite3_column_int64(stmt, 1);
	c->title = store_col_text(stmt, 2);
	c->body = store_col_text(stmt, 3);
	c->author_id = sqlite3_column_int64(stmt, 4);
	c->author_handle = store_col_text(stmt, 5);
	c->author_name = store_col_text(stmt, 6);
	c->credits = store_col_text(stmt, 7);
	parse_ids((const char *)sqlite3_column_text(stmt, 8), &c->areas, &c->nareas);
	c->created = sqlite3_column_int64(stmt, 9);
	c->edited = sqlite3_column_int64(stmt, 10);
	c->endorsements = sqlite3_column_int64(stmt, 11);
	c->endorsed_by_viewer = sqlite3_column_int(stmt, 12) != 0;
	c->withdrawn = sqlite3_column_int(stmt, 13) != 0;
	c->hidden = sqlite3_column_int(stmt, 14) != 0;
	c->hidden_reason = store_col_text(stmt, 15);
	c->hidden_at = sqlite3_column_int64(stmt, 16);
	c->merged_into = sqlite3_column_int64(stmt, 17);
	c->thread_id = sqlite3_column_int64(stmt, 18);
}

STORE_ROW_LIST_FINISH(challenge, read_challenge)

/* What a member who is not a moderator sees of a hidden challenge: that it was hidden and
 * why, not what it said. */
static void blank_hidden(struct store_challenge *c, int role)
{
	if (!c->hidden || is_moderator(role))
		return;
	free(c->title);
	free(c->body);
	c->title = xstrdup("");
	c->body = xstrdup("");
}

/* Reads challenge id as viewer sees its counts (no permission checks). Fills *out, which
 * the caller frees. */
static int challenge_load(struct store *st, int64_t viewer, int64_t id, struct store_challenge *out)
{
	struct store_rows rows = { 0 };
	int64_t args[2] = { viewer, id };
	int err = store_select(st, "SELECT " CHALLENGE_COLS " FROM challenges c "
		"JOIN users u ON u.id = c.author_id WHERE c.id = ?2", args, 2, &challenge_rows, 1,
		&rows, "read challenge");
	if (err < 0)
		return err;
	if (rows.n != 1)
		return BBS_ERR_NOTFOUND;
	*out = *(struct store_challenge *)rows.v;
	free(rows.v);
	return BBS_OK;
}

/* Whether the question of a challenge takes answers and endorsements now: the current
 * question, between its dates (an earlier question is closed whatever its dates say).
 * BBS_OK, or BBS_ERR_DENIED. */
static int question_open(struct store *st, int64_t question_id)
{
	int64_t args[2] = { question_id, bbs_now() }, v = 0;
	int err = store_run_i64(st,
		"SELECT current = 1 AND opens <= ?2 AND (closes = 0 OR ?2 < closes) "
		"FROM questions WHERE id = ?1", args, 2, &v, "read question");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;
	return v ? BBS_OK : BBS_ERR_DENIED;
}

/* Replaces a challenge's focus areas (each must exist and not be archived). */
static int set_areas(struct store *st, int64_t id, const int64_t *areas, size_t nareas)
{
	int err = store_run_i64(st, "DELETE FROM challenge_areas WHERE challenge_id = ?1", &id, 1,
		NULL, "write focus areas");
	for (size_t i = 0; err >= 0 && i < nareas; i++) {
		int64_t args[2] = { id, areas[i] };
		err = store_run_i64(st, "INSERT OR IGNORE INTO challenge_areas (challenge_id, area_id) "
			"SELECT ?1, id FROM areas WHERE id = ?2 AND archived = 0", args, 2, NULL,
			"write focus areas");
		if (err >= 0 && sqlite3_changes(st->db) == 0) {
			/* Either a repeated id (fine) or an area that does not exist. */
			int64_t v = 0;
			err = store_run_i64(st, "SELECT count(*) FROM challenge_areas "
				"WHERE challenge_id = ?1 AND area_id = ?2", args, 2, &v,
				"read focus areas");
			if (err >= 0 && v == 0)
				err = BBS_ERR_NOTFOUND;
		}
	}
	return err < 0 ? err : BBS_OK;
}

struct challenge_w {
	int64_t id;           /* edit; result of submit */
	int64_t question_id;
	int64_t user_id;
	char *title, *body;   /* cleaned */
	const int64_t *areas;
	size_t nareas;
	const char *token;
};

/* An earlier submit with the same client token: 1 (w->id set), 0 none, or an error. */
static int find_challenge_token(struct store *st, struct challenge_w *w)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT id, question_id FROM challenges "
		"WHERE author_id = ?1 AND client_token = ?2", &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, w->user_id)) < 0
	    || (err = store_bind_text(stmt, 2, w->token)) < 0)
		goto out;
	err = store_step_row(st, stmt, "find challenge by token");
	if (err == BBS_ERR_NOTFOUND) {
		err = 0;
	} else if (err == 0) {
		w->id = sqlite3_column_int64(stmt, 0);
		/* A token reused for another question is a caller bug, not a retry. */
		err = sqlite3_column_int64(stmt, 1) == w->question_id ? 1 : BBS_ERR_EXISTS;
	}
out:
	sqlite3_finalize(stmt);
	return err;
}

static int submit_tx(struct store *st, void *ctx)
{
	struct challenge_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	int err;

	if (w->token && (err = find_challenge_token(st, w)) != 0)
		return err;
	/* A silenced member submits nothing until the silence ends (schema 5). */
	if ((err = store_check_silenced(st, w->user_id)) < 0)
		return err;
	if ((err = question_open(st, w->question_id)) < 0)
		return err;
	err = store_prepare(st, "INSERT INTO challenges (question_id, author_id, title, body, "
		"created, client_token) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &stmt);
	int64_t args[2] = { w->question_id, w->user_id };
	if (err < 0 || (err = store_bind_i64s(stmt, args, 2)) < 0
	    || (err = store_bind_text(stmt, 3, w->title)) < 0
	    || (err = store_bind_text(stmt, 4, w->body)) < 0
	    || (err = store_bind_i64(stmt, 5, bbs_now())) < 0
	    || (err = store_bind_text(stmt, 6, w->token)) < 0
	    || (err = store_exec_stmt(st, stmt, "add challenge")) < 0)
		goto out;
	w->id = sqlite3_last_insert_rowid(st->db);
	err = set_areas(st, w->id, w->areas, w->nareas);
out:
	sqlite3_finalize(stmt);
	return err;
}

/* Checks and cleans what a member wrote; then runs fn. */
static int challenge_write(struct store *st, struct challenge_w *w, const char *title,
	const char *body, store_tx_fn fn)
{
	int err;
	if (!w->areas || w->nareas < 1 || w->nareas > CHALLENGE_AREAS_MAX
	    || !store_client_token_ok(w->token))
		return BBS_ERR_INVALID;
	for (size_t i = 0; i < w->nareas; i++)
		if (w->areas[i] <= 0)
			return BBS_ERR_INVALID;
	/* Size first: an oversized title is TOOBIG even if the body is empty. */
	if ((title && strnlen(title, STORE_CHALLENGE_TITLE_MAX + 1) > STORE_CHALLENGE_TITLE_MAX)
	    || (body && strnlen(body, STORE_CHALLENGE_BODY_MAX + 1) > STORE_CHALLENGE_BODY_MAX))
		return BBS_ERR_TOOBIG;
	if ((err = store_clean_text(title, STORE_CHALLENGE_TITLE_MAX, false, &w->title)) < 0
	    || (err = clean_optional(body, STORE_CHALLENGE_BODY_MAX, true, &w->body)) < 0)
		goto out;
	err = store_tx(st, true, fn, w);
out:
	free(w->title);
	free(w->body);
	return err < 0 ? err : BBS_OK;
}

int store_challenge_submit(struct store *st, int64_t question_id, int64_t author_id,
	const char *title, const char *body, const int64_t *areas, size_t nareas,
	const char *client_token, int64_t *id)
{
	if (id)
		*id = 0;
	struct challenge_w w = { .question_id = question_id, .user_id = author_id,
		.areas = areas, .nareas = nareas, .token = client_token };
	int err = challenge_write(st, &w, title, body, submit_tx);
	if (err == 0 && id)
		*id = w.id;
	return err;
}

/*
 * The author's own challenge, for a change by them: BBS_ERR_NOTFOUND for none,
 * BBS_ERR_DENIED for anyone else's. Sets *question_id and *withdrawn.
 */
static int own_challenge(struct store *st, int64_t id, int64_t user_id, int64_t *question_id,
	bool *gone)
{
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT author_id, question_id, withdrawn OR merged_into IS NOT "
		"NULL FROM challenges WHERE id = ?1", &stmt);
	if (err < 0 || (err = store_bind_i64s(stmt, &id, 1)) < 0
	    || (err = store_step_row(st, stmt, "read challenge")) < 0)
		goto out;
	if (sqlite3_column_int64(stmt, 0) != user_id || user_id <= 0)
		err = BBS_ERR_DENIED;
	*question_id = sqlite3_column_int64(stmt, 1);
	*gone = sqlite3_column_int(stmt, 2) != 0;
out:
	sqlite3_finalize(stmt);
	return err;
}

static int edit_tx(struct store *st, void *ctx)
{
	struct challenge_w *w = ctx;
	bool gone = false;
	int err = own_challenge(st, w->id, w->user_id, &w->question_id, &gone);
	if (err < 0)
		return err;
	if (gone)
		return BBS_ERR_DENIED;  /* withdrawn or merged: nothing left to edit */
	if ((err = question_open(st, w->question_id)) < 0)
		return err;
	sqlite3_stmt *stmt = NULL;
	err = store_prepare(st, "UPDATE challenges SET title = ?2, body = ?3, edited = ?4 "
		"WHERE id = ?1", &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, w->id)) < 0
	    || (err = store_bind_text(stmt, 2, w->title)) < 0
	    || (err = store_bind_text(stmt, 3, w->body)) < 0
	    || (err = store_bind_i64(stmt, 4, bbs_now())) < 0
	    || (err = store_exec_stmt(st, stmt, "edit challenge")) < 0)
		goto out;
	err = set_areas(st, w->id, w->areas, w->nareas);
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_challenge_edit(struct store *st, int64_t id, int64_t actor_id, const char *title,
	const char *body, const int64_t *areas, size_t nareas)
{
	struct challenge_w w = { .id = id, .user_id = actor_id, .areas = areas,
		.nareas = nareas };
	return challenge_write(st, &w, title, body, edit_tx);
}

struct challenge_op;

/* What moderate_tx hands a moderator action: the actor's role, the challenge as a moderator
 * sees it and its description for the record (both freed by moderate_tx). */
struct moderation {
	int role;
	struct store_challenge c;
	char *target;
};

struct challenge_op {
	int64_t actor_id;
	int64_t id;
	int64_t other;        /* merge: into; promote: board */
	const char *text;     /* hide: the reason, cleaned */
	bool on;
	int64_t result;       /* promote: the discussion */
	/* moderator actions: what moderate_tx runs after its checks */
	int (*act)(struct store *st, struct challenge_op *o, struct moderation *m);
};

static int withdraw_tx(struct store *st, void *ctx)
{
	struct challenge_op *o = ctx;
	int64_t question_id = 0;
	bool gone = false;
	int err = own_challenge(st, o->id, o->actor_id, &question_id, &gone);
	if (err < 0)
		return err;
	return store_run_i64(st, "UPDATE challenges SET withdrawn = 1 WHERE id = ?1", &o->id, 1,
		NULL, "withdraw challenge");
}

int store_challenge_withdraw(struct store *st, int64_t id, int64_t actor_id)
{
	struct challenge_op o = { .actor_id = actor_id, .id = id };
	return store_write(st, withdraw_tx, &o);
}

/*
 * Loads challenge id as viewer may see it: BBS_ERR_NOTFOUND when there is none or it was
 * withdrawn (except for its author and moderators), BBS_ERR_DENIED when answer-before-reveal
 * hides it from the viewer. Sets *role to the viewer's role.
 */
static int challenge_visible(struct store *st, int64_t viewer, int64_t id, int *role,
	struct store_challenge *out)
{
	int err = actor_role(st, viewer, role);
	if (err < 0 || (err = challenge_load(st, viewer, id, out)) < 0)
		return err;
	bool own = viewer > 0 && out->author_id == viewer;
	if (out->withdrawn && !own && !is_moderator(*role))
		err = BBS_ERR_NOTFOUND;
	else if (!own && (err = reveal_pending(st, viewer, *role, out->question_id)) == 1)
		err = BBS_ERR_DENIED;
	if (err < 0) {
		store_challenge_finish(out);
		return err;
	}
	blank_hidden(out, *role);
	return BBS_OK;
}

struct challenge_get {
	int64_t viewer;
	int64_t id;
	struct store_challenge c;
};

static int challenge_get_tx(struct store *st, void *ctx)
{
	struct challenge_get *g = ctx;
	int role = 0;
	return challenge_visible(st, g->viewer, g->id, &role, &g->c);
}

int store_challenge_get(struct store *st, int64_t viewer_id, int64_t id, struct store_challenge *out)
{
	if (!out)
		return BBS_ERR_INVALID;
	memset(out, 0, sizeof *out);
	struct challenge_get g = { .viewer = viewer_id, .id = id };
	int err = store_tx(st, false, challenge_get_tx, &g);
	if (err < 0)
		return err;
	*out = g.c;
	return BBS_OK;
}

struct challenge_list {
	int64_t viewer, question_id, area_id, author_id, offset, limit;
	enum store_challenge_order order;
	bool pending;
	struct store_rows rows;
};

static int challenge_list_tx(struct store *st, void *ctx)
{
	struct challenge_list *l = ctx;
	int role = 0;
	int err = actor_role(st, l->viewer, &role);
	if (err < 0 || (err = reveal_pending(st, l->viewer, role, l->question_id)) < 0)
		return err;
	l->pending = err == 1;
	int64_t author = l->author_id;
	if (l->pending) {
		/* Only the viewer's own; nobody's when the filter names someone else. */
		if (l->viewer <= 0 || (author && author != l->viewer))
			return BBS_OK;
		author = l->viewer;
	}
	int64_t args[7] = { l->viewer, l->question_id, l->order == STORE_CH_NEWEST ? 1 : 0,
		l->area_id, author, l->offset, l->limit };
	err = store_select(st, "SELECT " CHALLENGE_COLS " FROM challenges c "
		"JOIN users u ON u.id = c.author_id "
		"WHERE c.question_id = ?2 AND c.withdrawn = 0 AND c.merged_into IS NULL "
		"AND (?4 = 0 OR EXISTS (SELECT 1 FROM challenge_areas ca "
		"WHERE ca.challenge_id = c.id AND ca.area_id = ?4)) "
		"AND (?5 = 0 OR c.author_id = ?5) "
		"ORDER BY CASE WHEN ?3 = 0 THEN n_end ELSE c.created END DESC, "
		"CASE WHEN ?3 = 0 THEN c.id ELSE -c.id END "
		"LIMIT ?7 OFFSET ?6", args, 7, &challenge_rows, (size_t)l->limit, &l->rows,
		"list challenges");
	if (err < 0)
		return err;
	struct store_challenge *v = l->rows.v;
	for (size_t i = 0; i < l->rows.n; i++)
		blank_hidden(&v[i], role);
	return BBS_OK;
}

int store_challenge_list(struct store *st, int64_t viewer_id, int64_t question_id,
	enum store_challenge_order order, int64_t area_id, int64_t author_id, int64_t offset,
	int64_t limit, struct store_challenge **v, size_t *n, bool *reveal_pending_out)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (reveal_pending_out)
		*reveal_pending_out = false;
	if (offset < 0 || limit < 1 || area_id < 0 || author_id < 0
	    || (order != STORE_CH_BY_ENDORSEMENTS && order != STORE_CH_NEWEST))
		return BBS_ERR_INVALID;
	struct challenge_list l = { .viewer = viewer_id, .question_id = question_id,
		.area_id = area_id, .author_id = author_id, .offset = offset,
		.limit = limit > CHALLENGE_PAGE_MAX ? CHALLENGE_PAGE_MAX : limit, .order = order };
	int err = store_tx(st, false, challenge_list_tx, &l);
	if (err < 0)
		return err;
	*v = l.rows.v;
	*n = l.rows.n;
	if (reveal_pending_out)
		*reveal_pending_out = l.pending;
	return BBS_OK;
}

/* ---- endorsements ---- */

static int endorse_tx(struct store *st, void *ctx)
{
	struct challenge_op *o = ctx;
	struct store_challenge c = { 0 };
	int role = 0;
	int err = challenge_visible(st, o->actor_id, o->id, &role, &c);
	if (err < 0)
		return err;
	if (c.withdrawn || c.merged_into)
		err = BBS_ERR_NOTFOUND;  /* not listed: nothing to endorse */
	else if (o->actor_id <= 0 || role == 0 || c.author_id == o->actor_id || (o->on && c.hidden))
		err = BBS_ERR_DENIED;
	else
		err = question_open(st, c.question_id);
	int64_t args[3] = { o->id, o->actor_id, bbs_now() };
	if (err >= 0)
		err = store_run_i64(st, o->on
			? "INSERT OR IGNORE INTO endorsements (challenge_id, user_id, created) "
			  "VALUES (?1, ?2, ?3)"
			: "DELETE FROM endorsements WHERE challenge_id = ?1 AND user_id = ?2 AND ?3 = ?3",
			args, 3, NULL, "endorse");
	store_challenge_finish(&c);
	return err;
}

int store_challenge_endorse(struct store *st, int64_t id, int64_t user_id, bool on)
{
	struct challenge_op o = { .actor_id = user_id, .id = id, .on = on };
	return store_write(st, endorse_tx, &o);
}

/* ---- results ---- */

static void read_count(sqlite3_stmt *stmt, void *elem)
{
	struct store_count *c = elem;
	c->label = store_col_text(stmt, 0);
	c->count = sqlite3_column_int64(stmt, 1);
}

static void count_finish(void *elem)
{
	free(((struct store_count *)elem)->label);
}

STORE_ROW_LIST(count, read_count, count_finish)

/* The members in WHO (a subquery with ?1), counted by COL, labels exactly as stored. */
#define BREAKDOWN(COL, WHO) \
	"SELECT CASE WHEN u." COL " = '' THEN 'Not stated' ELSE u." COL " END AS label, " \
	"count(*) AS n FROM users u WHERE u.id IN (" WHO ") GROUP BY label " \
	"ORDER BY n DESC, label"
#define ENDORSERS "SELECT user_id FROM endorsements WHERE challenge_id = ?1"
#define RESPONDENTS "SELECT author_id FROM challenges WHERE question_id = ?1 AND withdrawn = 0"

struct breakdown_q {
	const char *exists;  /* SQL giving a row when the subject (?1) exists */
	const char *sql;
	int64_t id;
	struct store_rows rows;
};

static int breakdown_tx(struct store *st, void *ctx)
{
	struct breakdown_q *q = ctx;
	int err = store_run_i64(st, q->exists, &q->id, 1, NULL, "read results");
	if (err < 0)
		return err;
	if (err == 0)
		return BBS_ERR_NOTFOUND;
	return store_select(st, q->sql, &q->id, 1, &count_rows, STORE_ROWS_ALL, &q->rows,
		"read results");
}

static int breakdown(struct store *st, struct breakdown_q *q, struct store_count **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (!q->sql)
		return BBS_ERR_INVALID;
	int err = store_tx(st, false, breakdown_tx, q);
	if (err < 0)
		return err;
	*v = q->rows.v;
	*n = q->rows.n;
	return BBS_OK;
}

int store_challenge_endorsers(struct store *st, int64_t id, enum store_breakdown by,
	struct store_count **v, size_t *n)
{
	struct breakdown_q q = { .id = id,
		.exists = "SELECT 1 FROM challenges WHERE id = ?1",
		.sql = by == STORE_BY_SECTOR ? BREAKDOWN("sector", ENDORSERS)
		     : by == STORE_BY_REGION ? BREAKDOWN("region", ENDORSERS) : NULL };
	return breakdown(st, &q, v, n);
}

int store_question_respondents(struct store *st, int64_t question_id, enum store_breakdown by,
	struct store_count **v, size_t *n)
{
	struct breakdown_q q = { .id = question_id,
		.exists = "SELECT 1 FROM questions WHERE id = ?1",
		.sql = by == STORE_BY_SECTOR ? BREAKDOWN("sector", RESPONDENTS)
		     : by == STORE_BY_REGION ? BREAKDOWN("region", RESPONDENTS) : NULL };
	return breakdown(st, &q, v, n);
}

/* ---- moderators ---- */

/*
 * The start of every moderator action on challenge o->id: the actor must be a moderator
 * (sets *role), the challenge must exist and still be listed (not withdrawn, not merged
 * away: BBS_ERR_NOTFOUND). Fills *c (as a moderator sees it) and *target for the record.
 */
static int moderate_begin(struct store *st, const struct challenge_op *o, int *role,
	struct store_challenge *c, char **target)
{
	*target = NULL;
	int err = require_moderator(st, o->actor_id, role);
	if (err < 0 || (err = challenge_load(st, o->actor_id, o->id, c)) < 0)
		return err;
	if (c->withdrawn || c->merged_into) {
		store_challenge_finish(c);
		return BBS_ERR_NOTFOUND;
	}
	*target = xasprintf("challenge %" PRId64 ": %s", c->id, c->title);
	return BBS_OK;
}

/* Every moderator action: moderate_begin, then o->act with what it found, then cleanup. */
static int moderate_tx(struct store *st, void *ctx)
{
	struct challenge_op *o = ctx;
	struct moderation m = { 0 };
	int err = moderate_begin(st, o, &m.role, &m.c, &m.target);
	if (err < 0)
		return err;
	err = o->act(st, o, &m);
	free(m.target);
	store_challenge_finish(&m.c);
	return err;
}

static int merge(struct store *st, struct challenge_op *o, struct moderation *m)
{
	const struct store_challenge *from = &m->c;
	struct store_challenge into = { 0 };
	char *into_target = NULL, *reason = NULL;
	struct challenge_op io = { .actor_id = o->actor_id, .id = o->other };
	int role = 0;
	int err = moderate_begin(st, &io, &role, &into, &into_target);
	if (err < 0)
		goto out;
	if (from->id == into.id || from->question_id != into.question_id) {
		err = BBS_ERR_INVALID;
		goto out;
	}
	/* into's author never endorses or is credited on their own challenge. */
	int64_t args[4] = { into.id, from->id, into.author_id, bbs_now() };
	if ((err = store_run_i64(st, "INSERT OR IGNORE INTO endorsements (challenge_id, user_id, "
		     "created) SELECT ?1, user_id, created FROM endorsements "
		     "WHERE challenge_id = ?2 AND user_id != ?3", args, 3, NULL, "merge")) < 0
	    || (err = store_run_i64(st, "INSERT OR IGNORE INTO credits (challenge_id, user_id, "
		     "created) SELECT ?1, author_id, ?4 FROM challenges WHERE id = ?2 "
		     "AND author_id != ?3 UNION ALL SELECT ?1, user_id, ?4 FROM credits "
		     "WHERE challenge_id = ?2 AND user_id != ?3", args, 4, NULL, "merge")) < 0
	    || (err = store_run_i64(st, "UPDATE challenges SET merged_into = ?1 WHERE id = ?2",
		     args, 2, NULL, "merge")) < 0)
		goto out;
	reason = xasprintf("into challenge %" PRId64, into.id);
	err = modlog_add(st, o->actor_id, m->role, "merged", m->target, reason);
out:
	free(reason);
	free(into_target);
	store_challenge_finish(&into);
	return err;
}

int store_challenge_merge(struct store *st, int64_t actor_id, int64_t from_id, int64_t into_id)
{
	struct challenge_op o = { .actor_id = actor_id, .id = from_id, .other = into_id,
		.act = merge };
	return store_write(st, moderate_tx, &o);
}

static int hide(struct store *st, struct challenge_op *o, struct moderation *m)
{
	if (!o->on && !m->c.hidden)
		return BBS_OK;  /* nothing to undo, nothing to record */
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "UPDATE challenges SET hidden = ?2, hidden_reason = ?3, "
		"hidden_at = ?4 WHERE id = ?1", &stmt);
	int64_t args[2] = { m->c.id, o->on ? 1 : 0 };
	if (err >= 0 && (err = store_bind_i64s(stmt, args, 2)) >= 0
	    && (err = store_bind_text(stmt, 3, o->on ? o->text : "")) >= 0
	    && (err = store_bind_i64(stmt, 4, o->on ? bbs_now() : 0)) >= 0)
		err = store_exec_stmt(st, stmt, "hide challenge");
	sqlite3_finalize(stmt);
	if (err >= 0)
		err = modlog_add(st, o->actor_id, m->role, o->on ? "hidden" : "unhidden", m->target,
			o->on ? o->text : "");
	return err;
}

int store_challenge_hide(struct store *st, int64_t actor_id, int64_t id, const char *reason)
{
	char *clean = NULL;
	int err = store_clean_text(reason, STORE_FIELD_MAX, false, &clean);
	if (err < 0)
		return err;
	struct challenge_op o = { .actor_id = actor_id, .id = id, .text = clean, .on = true,
		.act = hide };
	err = store_write(st, moderate_tx, &o);
	free(clean);
	return err;
}

int store_challenge_unhide(struct store *st, int64_t actor_id, int64_t id)
{
	struct challenge_op o = { .actor_id = actor_id, .id = id, .on = false, .act = hide };
	return store_write(st, moderate_tx, &o);
}

static int promote(struct store *st, struct challenge_op *o, struct moderation *m)
{
	const struct store_challenge *c = &m->c;
	int err;
	if (c->thread_id)
		err = BBS_ERR_EXISTS;
	else if (c->hidden)
		err = BBS_ERR_DENIED;  /* what moderators hid is not made a discussion */
	/* A challenge may have no explanation; a discussion's first post needs one. */
	else
		err = store_thread_insert(st, o->other, c->author_id, c->title,
			*c->body ? c->body : c->title, &o->result, NULL);
	int64_t args[2] = { c->id, o->result };
	if (err >= 0)
		err = store_run_i64(st, "UPDATE challenges SET thread_id = ?2 WHERE id = ?1", args, 2,
			NULL, "promote challenge");
	if (err >= 0)
		err = store_run_i64(st, "UPDATE threads SET challenge_id = ?1 WHERE id = ?2", args, 2,
			NULL, "promote challenge");
	if (err >= 0)
		err = modlog_add(st, o->actor_id, m->role, "promoted", m->target, "");
	return err;
}

int store_challenge_promote(struct store *st, int64_t actor_id, int64_t id, int64_t board_id,
	int64_t *thread_id)
{
	if (thread_id)
		*thread_id = 0;
	struct challenge_op o = { .actor_id = actor_id, .id = id, .other = board_id,
		.act = promote };
	int err = store_write(st, moderate_tx, &o);
	if (err < 0)
		return err;
	if (thread_id)
		*thread_id = o.result;
	return BBS_OK;
}

/* ---- the moderation record ---- */

static void read_modlog(sqlite3_stmt *stmt, void *elem)
{
	struct store_modlog *m = elem;
	m->id = sqlite3_column_int64(stmt, 0);
	m->at = sqlite3_column_int64(stmt, 1);
	m->action = store_col_text(stmt, 2);
	m->target = store_col_text(stmt, 3);
	m->reason = store_col_text(stmt, 4);
	m->by_role = xstrdup(store_role_name(sqlite3_column_int(stmt, 5)));
}

static void modlog_finish(void *elem)
{
	struct store_modlog *m = elem;
	free(m->action);
	free(m->target);
	free(m->reason);
	free(m->by_role);
}

STORE_ROW_LIST(modlog, read_modlog, modlog_finish)

struct modlog_q {
	int64_t offset, limit;
	struct store_rows rows;
};

static int modlog_tx(struct store *st, void *ctx)
{
	struct modlog_q *q = ctx;
	int64_t args[2] = { q->offset, q->limit };
	return store_select(st, "SELECT id, at, action, target, reason, actor_role "
		"FROM moderation_log ORDER BY id DESC LIMIT ?2 OFFSET ?1", args, 2, &modlog_rows,
		(size_t)q->limit, &q->rows, "read moderation record");
}

int store_modlog_list(struct store *st, int64_t offset, int64_t limit, struct store_modlog **v,
	size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (offset < 0 || limit < 1)
		return BBS_ERR_INVALID;
	struct modlog_q q = { .offset = offset,
		.limit = limit > CHALLENGE_PAGE_MAX ? CHALLENGE_PAGE_MAX : limit };
	int err = store_tx(st, false, modlog_tx, &q);
	if (err < 0)
		return err;
	*v = q.rows.v;
	*n = q.rows.n;
	return BBS_OK;
}
