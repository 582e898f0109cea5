/*
 * store-member.c: what members see of each other and of the portal (schema version 4): the
 * member directory, news and announcements with each member's read watermark, the names of
 * endorsers who chose to be named, and a member's data export (JSON).
 *
 * The export's JSON is made by SQLite's JSON functions, one value per row (json_object
 * escapes quotes, backslashes and control characters), and joined here with constant
 * punctuation, so no member text is ever pasted into JSON by hand.
 *
 * Must never: list a member who is not active or who opted out of the directory, name an
 * endorser who did not opt in, put a password hash in any result or export, or let anyone
 * but a sysop (or the console) publish or delete an announcement.
 */
#include "store/private.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

#define DIRECTORY_PAGE_MAX 500
#define ANNOUNCEMENT_PAGE_MAX 500
#define ANNOUNCEMENT_UNREAD_MAX 20
#define QUERY_WORDS_MAX 16

/* ---- the member directory ---- */

/* ASCII case folding, in place. */
static void fold(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static bool contains_folded(const char *hay, const char *word)
{
	char *h = xstrdup(hay);
	fold(h);
	bool found = strstr(h, word) != NULL;
	free(h);
	return found;
}

/* Every word appears in one of the member's searchable fields (private.h). */
bool store_user_match(const struct store_user *u, char *const *words, size_t nwords)
{
	const char *fields[5] = { u->handle, u->display_name, u->organisation, u->sector,
		u->country };
	for (size_t w = 0; w < nwords; w++) {
		bool found = false;
		for (int f = 0; f < 5 && !found; f++)
			found = contains_folded(fields[f], words[w]);
		if (!found)
			return false;
	}
	return true;
}

struct directory_q {
	const char *sector;      /* NULL for all */
	char **words;
	size_t nwords;
	int64_t offset, limit;
	struct store_rows rows;  /* of struct store_user * */
};

int store_user_page(struct store *st, sqlite3_stmt *stmt, char *const *words, size_t nwords,
	int64_t offset, int64_t limit, struct store_rows *rows, const char *what)
{
	struct store_user **v = NULL;
	size_t n = 0;
	int64_t skipped = 0;
	int rc = SQLITE_DONE, err = 0;
	v = xcalloc((size_t)limit, sizeof *v);
	while ((int64_t)n < limit && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_user *u = store_user_from_row(stmt);
		if (!store_user_match(u, words, nwords) || skipped++ < offset) {
			store_user_free(u);
			continue;
		}
		v[n++] = u;
	}
	if ((int64_t)n < limit && rc != SQLITE_DONE) {
		err = store_rc(st, rc, what);
		goto out;
	}
	if (n > 0) {
		rows->v = v;
		rows->n = n;
		v = NULL;
		n = 0;
	}
out:
	store_user_list_free(v, n);  /* frees v even when n is 0 */
	return err;
}

/*
 * The directory is a few thousand members at most: the words are matched here, over the
 * listed members in order, so that any field and any word count stay constant SQL.
 */
static int directory_tx(struct store *st, void *ctx)
{
	struct directory_q *q = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_prepare(st, "SELECT " STORE_USER_COLUMNS("NULL") " FROM users u "
		"WHERE u.status = 0 AND u.in_directory = 1 AND (?1 IS NULL OR u.sector = ?1) "
		"ORDER BY lower(CASE WHEN u.display_name = '' THEN u.handle ELSE u.display_name END), "
		"u.handle", &stmt);
	if (err < 0 || (err = store_bind_text(stmt, 1, q->sector)) < 0)
		goto out;
	err = store_user_page(st, stmt, q->words, q->nwords, q->offset, q->limit, &q->rows,
		"list directory");
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_directory(struct store *st, const char *query, const char *sector, int64_t offset,
	int64_t limit, struct store_user ***v, size_t *n)
{
	struct directory_q q = { 0 };
	char *clean = NULL, *csector = NULL;
	int err;

	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (!st || offset < 0 || limit < 1)
		return BBS_ERR_INVALID;
	if (limit > DIRECTORY_PAGE_MAX)
		limit = DIRECTORY_PAGE_MAX;
	if ((err = store_clean_optional(query, STORE_QUERY_MAX, false, &clean)) < 0
	    || (err = store_clean_optional(sector, STORE_FIELD_MAX, false, &csector)) < 0)
		goto out;
	fold(clean);
	q.words = xcalloc(QUERY_WORDS_MAX, sizeof *q.words);
	for (char *save = NULL, *w = strtok_r(clean, " ", &save); w && q.nwords < QUERY_WORDS_MAX;
	     w = strtok_r(NULL, " ", &save))
		q.words[q.nwords++] = w;
	q.sector = *csector ? csector : NULL;
	q.offset = offset;
	q.limit = limit;
	if ((err = store_tx(st, false, directory_tx, &q)) < 0)
		goto out;
	*v = q.rows.v;
	*n = q.rows.n;
	err = BBS_OK;
out:
	free(q.words);
	free(clean);
	free(csector);
	return err;
}

/* ---- news and announcements ---- */

void store_announcement_finish(struct store_announcement *a)
{
	if (!a)
		return;
	free(a->title);
	free(a->body);
	free(a->author_handle);
	memset(a, 0, sizeof *a);
}

static void read_announcement(sqlite3_stmt *stmt, void *elem)
{
	struct store_announcement *a = elem;
	a->id = sqlite3_column_int64(stmt, 0);
	a->title = store_col_text(stmt, 1);
	a->body = store_col_text(stmt, 2);
	a->author_handle = store_col_text(stmt, 3);
	a->created = sqlite3_column_int64(stmt, 4);
	a->unread = sqlite3_column_int(stmt, 5) != 0;
}

STORE_ROW_LIST_FINISH(announcement, read_announcement)

/* ?1 = the member asked about. */
#define ANNOUNCEMENT_SELECT \
	"SELECT a.id, a.title, a.body, coalesce(" STORE_AUTHOR("u") ", ''), a.created, " \
	"a.id > coalesce((SELECT seen_upto FROM announcement_seen WHERE user_id = ?1), 0) " \
	"FROM announcements a LEFT JOIN users u ON u.id = a.author_id "

struct announce {
	int64_t author_id;
	char *title, *body;
	int64_t id;
};

static int announce_tx(struct store *st, void *ctx)
{
	struct announce *a = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_require_sysop(st, a->author_id);
	if (err < 0)
		return err;
	int64_t args[2] = { a->author_id, bbs_now() };
	if ((err = store_prepare(st, "INSERT INTO announcements (author_id, created, title, body) "
		     "VALUES (nullif(?1, 0), ?2, ?3, ?4)", &stmt)) >= 0
	    && (err = store_bind_i64s(stmt, args, 2)) >= 0
	    && (err = store_bind_text(stmt, 3, a->title)) >= 0
	    && (err = store_bind_text(stmt, 4, a->body)) >= 0
	    && (err = store_exec_stmt(st, stmt, "add announcement")) >= 0) {
		a->id = sqlite3_last_insert_rowid(st->db);
		char *target = xasprintf("announcement %" PRId64, a->id);
		err = store_audit_add(st, a->author_id, "announcement-create", target, a->title, NULL);
		free(target);
	}
	sqlite3_finalize(stmt);
	return err;
}

int store_announcement_create(struct store *st, int64_t author_id, const char *title,
	const char *body, int64_t *id)
{
	struct announce a = { .author_id = author_id };
	if (id)
		*id = 0;
	if (!st)
		return BBS_ERR_INVALID;
	int e1 = store_clean_text(title, STORE_TITLE_MAX, false, &a.title);
	int e2 = store_clean_text(body, STORE_ANNOUNCEMENT_MAX, true, &a.body);
	int err = e1 == BBS_ERR_TOOBIG || e2 == BBS_ERR_TOOBIG ? BBS_ERR_TOOBIG
		: e1 < 0 ? e1 : e2;
	if (err >= 0 && (err = store_write(st, announce_tx, &a)) >= 0 && id)
		*id = a.id;
	free(a.title);
	free(a.body);
	return err;
}

static int announcement_delete_tx(struct store *st, void *ctx)
{
	const int64_t *args = ctx;
	sqlite3_stmt *stmt = NULL;
	int err = store_require_sysop(st, args[0]);
	if (err < 0)
		return err;
	/* The title goes into the audit entry: what was deleted stays known. */
	if ((err = store_prepare(st, "SELECT title FROM announcements WHERE id = ?1", &stmt)) < 0
	    || (err = store_bind_i64(stmt, 1, args[1])) < 0
	    || (err = store_step_row(st, stmt, "read announcement")) < 0)
		goto out;
	char *title = store_col_text(stmt, 0);
	char *target = xasprintf("announcement %" PRId64, args[1]);
	if ((err = store_run_i64(st, "DELETE FROM announcements WHERE id = ?2", args, 2, NULL,
		     "delete announcement")) >= 0)
		err = store_audit_add(st, args[0], "announcement-delete", target, title, NULL);
	free(title);
	free(target);
out:
	sqlite3_finalize(stmt);
	return err;
}

int store_announcement_delete(struct store *st, int64_t actor_id, int64_t id)
{
	int64_t args[2] = { actor_id, id };
	return store_write(st, announcement_delete_tx, args);
}

struct announcement_q {
	int64_t args[3];  /* user_id, limit, offset */
	struct store_rows rows;
};

static int announcement_list_tx(struct store *st, void *ctx)
{
	struct announcement_q *q = ctx;
	return store_select(st, ANNOUNCEMENT_SELECT "ORDER BY a.id DESC LIMIT ?2 OFFSET ?3",
		q->args, 3, &announcement_rows, STORE_ROWS_ALL, &q->rows, "list announcements");
}

static int announcement_unread_tx(struct store *st, void *ctx)
{
	struct announcement_q *q = ctx;
	return store_select(st, ANNOUNCEMENT_SELECT "WHERE a.id > coalesce((SELECT seen_upto "
		"FROM announcement_seen WHERE user_id = ?1), 0) ORDER BY a.id LIMIT ?2", q->args, 2,
		&announcement_rows, STORE_ROWS_ALL, &q->rows, "list unread announcements");
}

static int announcement_query(struct store *st, store_tx_fn fn, struct announcement_q *q,
	struct store_announcement **v, size_t *n)
{
	int err = store_tx(st, false, fn, q);
	if (err < 0)
		return err;
	*v = q->rows.v;
	*n = q->rows.n;
	return BBS_OK;
}

int store_announcement_list(struct store *st, int64_t user_id, int64_t offset, int64_t limit,
	struct store_announcement **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (offset < 0 || limit < 1)
		return BBS_ERR_INVALID;
	if (limit > ANNOUNCEMENT_PAGE_MAX)
		limit = ANNOUNCEMENT_PAGE_MAX;
	struct announcement_q q = { .args = { user_id, limit, offset } };
	return announcement_query(st, announcement_list_tx, &q, v, n);
}

int store_announcement_unread(struct store *st, int64_t user_id, struct store_announcement **v,
	size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	struct announcement_q q = { .args = { user_id, ANNOUNCEMENT_UNREAD_MAX } };
	return announcement_query(st, announcement_unread_tx, &q, v, n);
}

static int mark_seen_tx(struct store *st, void *ctx)
{
	const int64_t *args = ctx;
	/* The watermark never moves backwards. */
	int err = store_run_i64(st, "INSERT INTO announcement_seen (user_id, seen_upto) "
		"VALUES (?1, ?2) ON CONFLICT (user_id) DO UPDATE SET "
		"seen_upto = max(seen_upto, excluded.seen_upto)", args, 2, NULL,
		"mark announcements seen");
	return err < 0 ? err : BBS_OK;
}

int store_announcement_mark_seen(struct store *st, int64_t user_id, int64_t id)
{
	if (id < 0)
		return BBS_ERR_INVALID;
	int64_t args[2] = { user_id, id };
	/* An unknown member fails the foreign key: BBS_ERR_NOTFOUND. */
	return store_write(st, mark_seen_tx, args);
}

/* ---- endorser names ---- */

void store_strings_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void read_string(sqlite3_stmt *stmt, void *elem)
{
	*(char **)elem = store_col_text(stmt, 0);
}

static void string_finish(void *elem)
{
	free(*(char **)elem);
}

static const struct store_row_type string_rows = { sizeof(char *), read_string, string_finish };

struct names_q {
	int64_t id;
	int64_t others;
	struct store_rows rows;
};

static int endorser_names_tx(struct store *st, void *ctx)
{
	struct names_q *q = ctx;
	int err = store_run_i64(st, "SELECT 1 FROM challenges WHERE id = ?1", &q->id, 1, NULL,
		"read challenge");
	if (err == 0)
		err = BBS_ERR_NOTFOUND;
	if (err < 0)
		return err;
	/* Named: active members who opted in. Everyone else is only counted. */
	if ((err = store_run_i64(st, "SELECT count(*) FROM endorsements e JOIN users u "
		     "ON u.id = e.user_id WHERE e.challenge_id = ?1 AND NOT (u.named_endorsements = 1 "
		     "AND u.status = 0)", &q->id, 1, &q->others, "count endorsers")) < 0)
		return err;
	return store_select(st, "SELECT name FROM (SELECT CASE WHEN u.display_name = '' "
		"THEN u.handle ELSE u.display_name || ' (' || u.handle || ')' END AS name "
		"FROM endorsements e JOIN users u ON u.id = e.user_id WHERE e.challenge_id = ?1 "
		"AND u.named_endorsements = 1 AND u.status = 0) ORDER BY lower(name), name",
		&q->id, 1, &string_rows, STORE_ROWS_ALL, &q->rows, "list endorsers");
}

int store_challenge_endorser_names(struct store *st, int64_t id, char ***names, size_t *n,
	int64_t *others)
{
	if (!names || !n)
		return BBS_ERR_INVALID;
	*names = NULL;
	*n = 0;
	if (others)
		*others = 0;
	struct names_q q = { .id = id };
	int err = store_tx(st, false, endorser_names_tx, &q);
	if (err < 0)
		return err;
	*names = q.rows.v;
	*n = q.rows.n;
	if (others)
		*others = q.others;
	return BBS_OK;
}

/* ---- data rights: the export ---- */

struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (b->len + n + 1 > cap)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/*
 * One section of the export: "name": followed by the rows of sql (?1 = the member), each one
 * JSON value in column 0, as an array (or, with single, the one row's value or null).
 */
static int export_section(struct store *st, struct buf *b, int64_t user_id, const char *name,
	const char *sql, bool single)
{
	sqlite3_stmt *stmt = NULL;
	int rc = SQLITE_DONE, rows = 0;
	int err = store_prepare(st, sql, &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, user_id)) < 0)
		goto out;
	buf_str(b, ",\n\"");
	buf_str(b, name);
	buf_str(b, single ? "\": " : "\": [");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(stmt, 0);
		if (rows++)
			buf_str(b, ",");
		buf_str(b, "\n  ");
		buf_str(b, v ? v : "null");
		if (single)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = store_rc(st, rc, "export");
		goto out;
	}
	if (single && rows == 0)
		buf_str(b, "null");
	if (!single)
		buf_str(b, rows ? "\n]" : "]");
out:
	sqlite3_finalize(stmt);
	return err;
}

struct export_section_def {
	const char *name;
	const char *sql;
	bool single;
};

/* Every value is built by json_object (or json() for nested arrays from a subquery, whose
 * results would otherwise be embedded as strings). pwhash is never selected: only whether
 * there is one. */
static const struct export_section_def export_sections[] = {
	{ "profile", "SELECT json_object('id', id, 'handle', handle, 'display_name', display_name, "
	  "'organisation', organisation, 'sector', sector, 'country', country, 'region', region, "
	  "'bio', bio, 'role', role, 'status', status, 'created', created, "
	  "'last_login', last_login, 'has_password', json(CASE WHEN pwhash IS NULL THEN 'false' "
	  "ELSE 'true' END), 'in_directory', json(CASE WHEN in_directory THEN 'true' ELSE 'false' END), "
	  "'named_endorsements', json(CASE WHEN named_endorsements THEN 'true' ELSE 'false' END), "
	  "'must_change_password', json(CASE WHEN must_change_password THEN 'true' ELSE 'false' END), "
	  "'timezone', timezone, 'ascii_only', json(CASE WHEN ascii_only THEN 'true' ELSE 'false' END), "
	  "'colour', json(CASE WHEN colour THEN 'true' ELSE 'false' END), "
	  "'compact', json(CASE WHEN compact THEN 'true' ELSE 'false' END), "
	  "'line_mode', json(CASE WHEN line_mode THEN 'true' ELSE 'false' END), "
	  "'removed', json(CASE WHEN removed THEN 'true' ELSE 'false' END)) "
	  "FROM users WHERE id = ?1", true },
	{ "keys", "SELECT json_object('type', type, 'fingerprint', fingerprint, 'comment', comment, "
	  "'added', added, 'last_used', last_used) FROM user_keys WHERE user_id = ?1 "
	  "ORDER BY added, id", false },
	{ "application", "SELECT json_object('reason', reason, 'contact', contact, 'login', login, "
	  "'created', created, 'decided', decided) FROM applications WHERE user_id = ?1", true },
	{ "posts", "SELECT json_object('id', p.id, 'discussion_id', p.thread_id, "
	  "'discussion_title', t.title, 'board', b.name, 'seq', p.seq, 'created', p.created, "
	  "'edited', p.edited, 'deleted', json(CASE WHEN p.deleted THEN 'true' ELSE 'false' END), "
	  "'body', p.body, 'earlier_versions', json((SELECT json_group_array(json_object('body', "
	  "v.body, 'created', v.created)) FROM (SELECT body, created FROM post_versions "
	  "WHERE post_id = p.id ORDER BY id) v))) FROM posts p JOIN threads t ON t.id = p.thread_id "
	  "JOIN boards b ON b.id = t.board_id WHERE p.author_id = ?1 ORDER BY p.id", false },
	{ "challenges", "SELECT json_object('id', c.id, 'question', q.text, 'title', c.title, "
	  "'body', c.body, 'created', c.created, 'edited', c.edited, "
	  "'withdrawn', json(CASE WHEN c.withdrawn THEN 'true' ELSE 'false' END), "
	  "'hidden', json(CASE WHEN c.hidden THEN 'true' ELSE 'false' END)) FROM challenges c "
	  "JOIN questions q ON q.id = c.question_id WHERE c.author_id = ?1 ORDER BY c.id", false },
	{ "endorsements", "SELECT json_object('challenge_id', e.challenge_id, 'title', c.title, "
	  "'created', e.created) FROM endorsements e JOIN challenges c ON c.id = e.challenge_id "
	  "WHERE e.user_id = ?1 ORDER BY e.created, e.challenge_id", false },
	{ "messages_sent", "SELECT json_object('id', m.id, 'to', " STORE_AUTHOR("r") ", "
	  "'subject', m.subject, "
	  "'body', m.body, 'created', m.created, 'read_at', m.read_at, "
	  "'reply_to', coalesce(m.reply_to, 0), "
	  "'deleted', json(CASE WHEN m.sender_deleted THEN 'true' ELSE 'false' END)) "
	  "FROM messages m JOIN users r ON r.id = m.recipient_id WHERE m.sender_id = ?1 "
	  "ORDER BY m.id", false },
	{ "messages_received", "SELECT json_object('id', m.id, 'from', " STORE_AUTHOR("s") ", "
	  "'subject', m.subject, 'body', m.body, 'created', m.created, 'read_at', m.read_at, "
	  "'reply_to', coalesce(m.reply_to, 0), "
	  "'deleted', json(CASE WHEN m.recipient_deleted THEN 'true' ELSE 'false' END)) "
	  "FROM messages m JOIN users s ON s.id = m.sender_id WHERE m.recipient_id = ?1 "
	  "ORDER BY m.id", false },
	{ "blocked_members", "SELECT json_quote(u.handle) FROM blocks b JOIN users u "
	  "ON u.id = b.blocked_id WHERE b.user_id = ?1 ORDER BY u.handle", false },
	{ "drafts", "SELECT json_object('context', context, 'title', title, 'body', body, "
	  "'updated', updated) FROM drafts WHERE user_id = ?1 ORDER BY updated, rowid", false },
	{ "invite_used", "SELECT json_object('created', created, 'used_at', used_at) "
	  "FROM invites WHERE used_by = ?1", true },
};

struct export_q {
	int64_t user_id;
	struct buf b;
};

static int export_tx(struct store *st, void *ctx)
{
	struct export_q *q = ctx;
	int err = store_run_i64(st, "SELECT 1 FROM users WHERE id = ?1", &q->user_id, 1, NULL,
		"read member");
	if (err == 0)
		err = BBS_ERR_NOTFOUND;
	if (err < 0)
		return err;
	/* store_tx may run this again: start from an empty buffer each time. */
	free(q->b.s);
	memset(&q->b, 0, sizeof q->b);
	char head[96];
	if ((err = bbs_snprintf(head, sizeof head, "{\n\"export\": \"portal member data\",\n"
		     "\"exported\": %lld", (long long)bbs_now())) < 0)
		return err;
	buf_str(&q->b, head);
	for (size_t i = 0; i < sizeof export_sections / sizeof export_sections[0]; i++) {
		const struct export_section_def *d = &export_sections[i];
		if ((err = export_section(st, &q->b, q->user_id, d->name, d->sql, d->single)) < 0)
			return err;
	}
	buf_str(&q->b, "\n}\n");
	return BBS_OK;
}

int store_user_export(struct store *st, int64_t user_id, char **json)
{
	if (!json)
		return BBS_ERR_INVALID;
	*json = NULL;
	struct export_q q = { .user_id = user_id };
	int err = store_tx(st, false, export_tx, &q);
	if (err < 0) {
		free(q.b.s);
		return err;
	}
	*json = q.b.s;
	return BBS_OK;
}
