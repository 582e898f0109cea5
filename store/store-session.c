/*
 * store-session.c: who is online (schema version 5). bbsd's session process registers a row
 * after login (its pid and the pid's start time) and removes it when it ends; sysops list
 * the rows and end sessions.
 *
 * A pid alone does not name a process for long: after a crash the row stays and the number
 * may be given to another process. So a row is live only while kill(pid, 0) finds the
 * process and its start time (field 22 of /proc/PID/stat) is still the recorded one. Rows
 * that fail this are pruned when listed, and a session is signalled only after the check.
 *
 * Must never: send a signal to a process that is not the one the row recorded, signal
 * anything but SIGTERM, or let anyone but a sysop (or the console) end a session.
 */
#include "store/private.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SESSIONS_MAX 10000

int store_proc_start_time(int64_t pid, int64_t *start)
{
	char path[64], buf[1024];
	if (!start)
		return BBS_ERR_INVALID;
	*start = 0;
	if (pid <= 0 || pid > INT_MAX)
		return BBS_ERR_INVALID;
	snprintf(path, sizeof path, "/proc/%" PRId64 "/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? BBS_ERR_NOTFOUND : BBS_ERR_IO;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	int saved = errno;
	close(fd);
	if (n <= 0)
		return n < 0 && saved == ESRCH ? BBS_ERR_NOTFOUND : BBS_ERR_IO;
	buf[n] = '\0';
	/* "PID (COMM) STATE PPID ...": COMM may hold spaces and ')', so fields are counted
	 * from the last ')'. Field 3 (STATE) is the first after it; starttime is field 22. */
	char *p = strrchr(buf, ')');
	if (!p)
		return BBS_ERR_IO;
	p++;
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return BBS_ERR_IO;
		if (field == 22) {
			char *end = NULL;
			errno = 0;
			long long v = strtoll(p, &end, 10);
			if (errno || end == p || v < 0)
				return BBS_ERR_IO;
			*start = v;
			return BBS_OK;
		}
		while (*p && *p != ' ')
			p++;
	}
	return BBS_ERR_IO;
}

/* Whether pid is still the process that started at start. When /proc cannot be read at
 * all, kill() alone decides (never a false "gone" that would prune a live row). */
static bool session_alive(int64_t pid, int64_t start)
{
	if (pid <= 0 || pid > INT_MAX)
		return false;
	if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return false;
	int64_t now = 0;
	int err = store_proc_start_time(pid, &now);
	if (err == BBS_ERR_NOTFOUND)
		return false;
	return err < 0 || now == start;
}

/* ---- rows ---- */

static void read_session(sqlite3_stmt *stmt, void *elem)
{
	struct store_session *s = elem;
	s->id = sqlite3_column_int64(stmt, 0);
	s->user_id = sqlite3_column_int64(stmt, 1);
	s->handle = store_col_text(stmt, 2);
	s->kind = store_col_text(stmt, 3);
	s->pid = sqlite3_column_int64(stmt, 4);
	s->pid_start = sqlite3_column_int64(stmt, 5);
	s->since = sqlite3_column_int64(stmt, 6);
	s->source = store_col_text(stmt, 7);
}

static void session_finish(void *elem)
{
	struct store_session *s = elem;
	free(s->handle);
	free(s->kind);
	free(s->source);
}

STORE_ROW_LIST(session, read_session, session_finish)

#define SESSION_SELECT \
	"SELECT s.id, coalesce(s.user_id, 0), coalesce(u.handle, ''), s.kind, s.pid, " \
	"s.pid_start, s.since, s.source FROM sessions s LEFT JOIN users u ON u.id = s.user_id "

static bool kind_valid(const char *kind)
{
	static const char *const kinds[] = { "member", "guest", "join", "command" };
	if (!kind)
		return false;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

struct session_w {
	const struct store_session *s;
	char *source;
	int64_t id;
};

static int session_add_tx(struct store *st, void *ctx)
{
	struct session_w *w = ctx;
	sqlite3_stmt *stmt = NULL;
	int64_t args[4] = { w->s->user_id, w->s->pid, w->s->pid_start,
		w->s->since ? w->s->since : bbs_now() };
	int err = store_prepare(st, "INSERT INTO sessions (user_id, pid, pid_start, since, kind, "
		"source) VALUES (nullif(?1, 0), ?2, ?3, ?4, ?5, ?6)", &stmt);
	if (err >= 0 && (err = store_bind_i64s(stmt, args, 4)) >= 0
	    && (err = store_bind_text(stmt, 5, w->s->kind)) >= 0
	    && (err = store_bind_text(stmt, 6, w->source)) >= 0
	    && (err = store_exec_stmt(st, stmt, "add session")) >= 0)
		w->id = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(stmt);
	return err;
}

int store_session_add(struct store *st, const struct store_session *s, int64_t *id)
{
	if (id)
		*id = 0;
	if (!st || !s || !kind_valid(s->kind) || s->pid <= 0 || s->pid > INT_MAX || s->user_id < 0
	    || s->pid_start < 0 || s->since < 0)
		return BBS_ERR_INVALID;
	struct session_w w = { .s = s };
	int err = store_clean(s->source, STORE_FIELD_MAX, 0, &w.source);
	if (err < 0)
		return err;
	/* A user_id that names nobody fails the foreign key: BBS_ERR_NOTFOUND. */
	err = store_write(st, session_add_tx, &w);
	free(w.source);
	if (err >= 0 && id)
		*id = w.id;
	return err;
}

struct ended_w {
	const struct store_proc *v;
	size_t n;
	int64_t removed;
};

static int remove_ended_tx(struct store *st, void *ctx)
{
	struct ended_w *w = ctx;
	int err = BBS_OK;
	for (size_t i = 0; i < w->n && err >= 0; i++) {
		int64_t args[2] = { w->v[i].pid, w->v[i].start };
		err = store_run_i64(st, "DELETE FROM sessions WHERE pid = ?1 AND pid_start = ?2",
			args, 2, NULL, "remove ended session");
		if (err >= 0)
			w->removed += sqlite3_changes(st->db);
	}
	return err < 0 ? err : BBS_OK;
}

int store_session_remove_ended(struct store *st, const struct store_proc *v, size_t n,
	int64_t *removed)
{
	if (removed)
		*removed = 0;
	if (!st || (n > 0 && !v))
		return BBS_ERR_INVALID;
	struct ended_w w = { .v = v, .n = n };
	int err = n > 0 ? store_write(st, remove_ended_tx, &w) : BBS_OK;
	if (err >= 0 && removed)
		*removed = w.removed;
	return err;
}

struct session_q {
	int64_t user_id;         /* > 0: only this member's */
	struct store_rows rows;  /* of struct store_session */
};

static int session_read_tx(struct store *st, void *ctx)
{
	struct session_q *q = ctx;
	return store_select(st, SESSION_SELECT "WHERE ?1 = 0 OR s.user_id = ?1 "
		"ORDER BY s.since, s.id", &q->user_id, 1, &session_rows, SESSIONS_MAX, &q->rows,
		"list sessions");
}

/* Deletes row s if it still records the same process (a concurrent re-registration of the
 * same id cannot happen: ids only grow). */
static int prune(struct store *st, const struct store_session *s)
{
	int64_t args[3] = { s->id, s->pid, s->pid_start };
	int err = store_run_i64(st, "DELETE FROM sessions WHERE id = ?1 AND pid = ?2 "
		"AND pid_start = ?3", args, 3, NULL, "prune session");
	return err < 0 ? err : BBS_OK;
}

struct prune_w {
	struct store_session *v;
	size_t n;
};

static int prune_tx(struct store *st, void *ctx)
{
	struct prune_w *p = ctx;
	int err = BBS_OK;
	for (size_t i = 0; i < p->n && err >= 0; i++)
		err = prune(st, &p->v[i]);
	return err;
}

int store_session_list(struct store *st, struct store_session **v, size_t *n)
{
	if (!v || !n)
		return BBS_ERR_INVALID;
	*v = NULL;
	*n = 0;
	if (!st)
		return BBS_ERR_INVALID;
	struct session_q q = { 0 };
	int err = store_tx(st, false, session_read_tx, &q);
	if (err < 0)
		return err;
	/* Live rows stay in order at the front; stale ones move to a second array. */
	struct store_session *all = q.rows.v, *stale = NULL;
	size_t live = 0, nstale = 0;
	if (q.rows.n > 0)
		stale = xcalloc(q.rows.n, sizeof *stale);
	for (size_t i = 0; i < q.rows.n; i++) {
		if (session_alive(all[i].pid, all[i].pid_start))
			all[live++] = all[i];
		else
			stale[nstale++] = all[i];
	}
	if (nstale > 0) {
		struct prune_w p = { stale, nstale };
		err = store_write(st, prune_tx, &p);
	}
	store_session_list_free(stale, nstale);
	if (err < 0) {
		store_session_list_free(all, live);
		return err;
	}
	if (live == 0) {
		free(all);
		all = NULL;
	}
	*v = all;
	*n = live;
	return BBS_OK;
}

/* ---- ending sessions ---- */

struct session_end {
	int64_t actor_id;
	int64_t id;          /* one session; 0 for all of user_id's */
	int64_t user_id;
	int64_t ended;
};

/* A positive result of the transaction (store_tx commits it): the session was gone; its
 * row was pruned. Returned to the caller as BBS_ERR_NOTFOUND. */
#define SESSION_GONE 1

/* Checks row s and sends SIGTERM to its process: 1 sent, 0 gone (row pruned), or an error. */
static int end_one(struct store *st, const struct store_session *s)
{
	if (session_alive(s->pid, s->pid_start)) {
		if (kill((pid_t)s->pid, SIGTERM) == 0)
			return 1;
		if (errno != ESRCH)
			return BBS_ERR_DENIED;  /* not ours to signal: never pretend it ended */
	}
	int err = prune(st, s);
	return err < 0 ? err : 0;
}

static int session_end_tx(struct store *st, void *ctx)
{
	struct session_end *e = ctx;
	struct session_q q = { .user_id = e->user_id };
	char *target = NULL;
	int err = store_require_sysop(st, e->actor_id);
	if (err < 0)
		return err;
	e->ended = 0;
	if (e->id) {
		err = store_select(st, SESSION_SELECT "WHERE s.id = ?1", &e->id, 1, &session_rows, 1,
			&q.rows, "read session");
		if (err >= 0 && q.rows.n == 0)
			err = BBS_ERR_NOTFOUND;
	} else {
		int64_t v = 0;
		err = store_run_i64(st, "SELECT 1 FROM users WHERE id = ?1", &e->user_id, 1, &v,
			"read member");
		if (err == 0)
			err = BBS_ERR_NOTFOUND;
		if (err >= 0)
			err = session_read_tx(st, &q);
	}
	if (err < 0)
		goto out;
	struct store_session *s = q.rows.v;
	for (size_t i = 0; i < q.rows.n && err >= 0; i++) {
		err = end_one(st, &s[i]);
		if (err > 0)
			e->ended++;
	}
	if (err < 0)
		goto out;
	if (e->id) {
		if (e->ended == 0) {
			err = SESSION_GONE;
			goto out;
		}
		target = xasprintf("session %" PRId64, e->id);
		err = store_audit_addf(st, e->actor_id, "session-end", target,
			"%s%s%s, pid %" PRId64 ", since %" PRId64, s[0].kind, *s[0].handle ? " " : "",
			s[0].handle, s[0].pid, s[0].since);
	} else {
		char *handle = NULL;
		sqlite3_stmt *stmt = NULL;
		if ((err = store_prepare(st, "SELECT handle FROM users WHERE id = ?1", &stmt)) >= 0
		    && (err = store_bind_i64(stmt, 1, e->user_id)) >= 0
		    && (err = store_step_row(st, stmt, "read member")) >= 0)
			handle = store_col_text(stmt, 0);
		sqlite3_finalize(stmt);
		if (err >= 0) {
			target = xasprintf("user %s", handle);
			err = store_audit_addf(st, e->actor_id, "session-end", target,
				"%" PRId64 " session(s) ended", e->ended);
		}
		free(handle);
	}
out:
	free(target);
	store_rows_free(&session_rows, &q.rows);
	return err;
}

int store_session_end(struct store *st, int64_t actor_id, int64_t id)
{
	if (!st)
		return BBS_ERR_INVALID;
	if (id <= 0)
		return BBS_ERR_NOTFOUND;
	struct session_end e = { .actor_id = actor_id, .id = id };
	int err = store_tx(st, true, session_end_tx, &e);
	if (err == SESSION_GONE)
		return BBS_ERR_NOTFOUND;
	return err < 0 ? err : BBS_OK;
}

int store_session_end_user(struct store *st, int64_t actor_id, int64_t user_id, int64_t *ended)
{
	if (ended)
		*ended = 0;
	if (!st)
		return BBS_ERR_INVALID;
	if (user_id <= 0)
		return BBS_ERR_NOTFOUND;
	struct session_end e = { .actor_id = actor_id, .user_id = user_id };
	int err = store_write(st, session_end_tx, &e);
	if (err < 0)
		return err;
	if (ended)
		*ended = e.ended;
	return BBS_OK;
}
