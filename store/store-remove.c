/*
 * store-remove.c: a sysop deletes a member (issue 10; users.removed, schema 7).
 *
 * The member's row stays, so that everything that points at it (posts, threads, messages,
 * challenges, the moderation record, the audit log) keeps an author, but nothing of the person
 * is left in it: in one write transaction
 *   - the handle becomes "removed-<id>" and every author shown comes out as "removed member"
 *     (STORE_AUTHOR in private.h);
 *   - the profile (name, organisation, sector, country, region, about, time zone, resume
 *     position, silence reason) is cleared, the password hash and every key are dropped, the
 *     role becomes member, the status disabled, removed = 1, not listed, never named;
 *   - their drafts, read marks, blocks (both ways), announcement watermark and their
 *     application are deleted;
 *   - private messages: what they received leaves their inbox (recipient_deleted); what they
 *     sent leaves their sent folder (sender_deleted) and stays with its recipients, from
 *     "removed member": a recipient's copy is the recipient's;
 *   - endorsements they gave are kept (results already shown stay consistent) and are never
 *     named (named_endorsements = 0); challenges they named stay, from "removed member";
 *   - with remove_posts, every post they wrote is deleted the way a member deletes their own
 *     (the row stays as a tombstone, so seq numbers, thread counters and quotes stay
 *     consistent; it leaves the search index first), and the earlier versions of their posts
 *     are deleted as well, and so are the excerpts of reports about them (the text must be
 *     gone, not kept as a record); a discussion they started keeps the replies of others and
 *     is titled STORE_REMOVED_TITLE;
 *   - an audit entry "member-remove" names the actor, the target (the old handle), the id and
 *     the choice.
 * Then their live sessions are ended (store_session_end_user, audited; each process removes
 * its own row), so that no process of theirs outlives the account; logging in again is
 * impossible (no password, no keys, status disabled, and the handle is gone). Ending them
 * after the removal, not before, means a refused removal (the last sysop) ends nothing.
 *
 * The old handle stays reserved for good (store_handle_was_removed): a newcomer taking it
 * could pass for the removed member in old discussions, quotes and the audit log (the OpenSSH
 * caution about reused names). The audit entry is the reservation: it can be neither edited
 * nor dropped without breaking the chain.
 *
 * Must never: remove the actor themselves or the last active sysop, leave a password hash or
 * a key behind, keep text of their posts with remove_posts, or change anything without its
 * audit entry.
 */
#include "store/private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct remove_w {
	int64_t actor_id, user_id;
	bool remove_posts;
	char *old_handle;   /* out: the handle before (heap) */
	int64_t posts;      /* out: posts deleted */
};

/* Their posts, removed like a member deletes their own, then all versions of them. */
static int remove_posts_tx(struct store *st, struct remove_w *w)
{
	sqlite3_stmt *stmt = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int err = store_prepare(st, "SELECT id FROM posts WHERE author_id = ?1 AND deleted = 0 "
		"ORDER BY id", &stmt);
	if (err < 0 || (err = store_bind_i64(stmt, 1, w->user_id)) < 0)
		goto out;
	for (;;) {
		int rc = sqlite3_step(stmt);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			err = store_rc(st, rc, "list posts");
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[n++] = sqlite3_column_int64(stmt, 0);
	}
	for (size_t i = 0; i < n; i++) {
		/* Out of the search index as the post is now, then emptied. */
		if ((err = store_search_sync(st, ids[i], true)) < 0
		    || (err = store_run_i64(st, "UPDATE posts SET deleted = 1, body = '' WHERE id = ?1",
			     &ids[i], 1, NULL, "remove post")) < 0)
			goto out;
	}
	if ((err = store_run_i64(st, "DELETE FROM post_versions WHERE post_id IN "
		     "(SELECT id FROM posts WHERE author_id = ?1)", &w->user_id, 1, NULL,
		     "remove post versions")) < 0)
		goto out;
	/* Reports about their posts keep their record, but not the copy of the text (nor the
	 * discussion's title in the target). */
	if ((err = store_run_i64(st, "UPDATE reports SET excerpt = '', target = 'post ' || "
		     "target_id WHERE kind = 1 AND "
		     "target_id IN (SELECT id FROM posts WHERE author_id = ?1)", &w->user_id, 1,
		     NULL, "remove report excerpts")) < 0)
		goto out;
	sqlite3_stmt *t = NULL;
	if ((err = store_prepare(st, "UPDATE threads SET title = ?2 WHERE author_id = ?1", &t)) >= 0
	    && (err = store_bind_i64(t, 1, w->user_id)) >= 0
	    && (err = store_bind_text(t, 2, STORE_REMOVED_TITLE)) >= 0)
		err = store_exec_stmt(st, t, "retitle threads");
	sqlite3_finalize(t);
	if (err < 0)
		goto out;
	w->posts = (int64_t)n;
	err = BBS_OK;
out:
	sqlite3_finalize(stmt);
	free(ids);
	return err;
}

static int remove_tx(struct store *st, void *ctx)
{
	/* Everything that is theirs alone, deleted; constant statements, ?1 = the member. */
	static const char *const wipe[] = {
		"DELETE FROM user_keys WHERE user_id = ?1",
		"DELETE FROM drafts WHERE user_id = ?1",
		"DELETE FROM thread_reads WHERE user_id = ?1",
		"DELETE FROM board_reads WHERE user_id = ?1",
		"DELETE FROM blocks WHERE user_id = ?1 OR blocked_id = ?1",
		"DELETE FROM announcement_seen WHERE user_id = ?1",
		"DELETE FROM applications WHERE user_id = ?1",
		"UPDATE messages SET recipient_deleted = 1 WHERE recipient_id = ?1",
		"UPDATE messages SET sender_deleted = 1 WHERE sender_id = ?1",
		"UPDATE users SET handle = 'removed-' || id, display_name = '', organisation = '', "
		"  sector = '', country = '', region = '', bio = '', timezone = '', resume = '', "
		"  silence_reason = '', silenced_until = 0, pwhash = NULL, must_change_password = 0, "
		"  in_directory = 0, named_endorsements = 0, verified = 0, role = 1, status = 1, "
		"  removed = 1 WHERE id = ?1",
	};
	struct remove_w *w = ctx;
	struct store_user *u = NULL;
	char target[64];
	int err = store_require_sysop(st, w->actor_id);
	if (err < 0)
		return err;
	if (w->actor_id == w->user_id)
		return BBS_ERR_DENIED;   /* never yourself: another sysop must do it */
	sqlite3_stmt *stmt = NULL;
	if ((err = store_prepare(st, "SELECT " STORE_USER_COLUMNS("NULL") " FROM users u "
		     "WHERE u.id = ?1 AND u.removed = 0", &stmt)) >= 0
	    && (err = store_bind_i64(stmt, 1, w->user_id)) >= 0
	    && (err = store_step_row(st, stmt, "read member")) >= 0)
		u = store_user_from_row(stmt);
	sqlite3_finalize(stmt);
	if (err < 0)
		return err;
	/* The last-sysop rule, under the write lock. */
	int64_t others = 0;
	if (u->role == STORE_ROLE_SYSOP && u->status == STORE_STATUS_ACTIVE) {
		err = store_run_i64(st, "SELECT count(*) FROM users WHERE role = 3 AND status = 0 "
			"AND removed = 0 AND id != ?1", &w->user_id, 1, &others, "count sysops");
		if (err >= 0 && others == 0)
			err = BBS_ERR_DENIED;
		if (err < 0)
			goto out;
	}
	if (w->remove_posts && (err = remove_posts_tx(st, w)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof wipe / sizeof wipe[0]; i++)
		if ((err = store_run_i64(st, wipe[i], &w->user_id, 1, NULL, "remove member")) < 0)
			goto out;
	(void)bbs_snprintf(target, sizeof target, "user %s", u->handle);
	err = store_audit_addf(st, w->actor_id, "member-remove", target,
		"id %" PRId64 " now removed-%" PRId64 "; %s (%" PRId64 " deleted)", w->user_id,
		w->user_id, w->remove_posts ? "posts removed" : "posts kept", w->posts);
	if (err < 0)
		goto out;
	w->old_handle = xstrdup(u->handle);
	err = BBS_OK;
out:
	store_user_free(u);
	return err;
}

int store_user_remove(struct store *st, int64_t actor_id, int64_t user_id, bool remove_posts,
	char **old_handle)
{
	if (old_handle)
		*old_handle = NULL;
	if (!st || actor_id < 0 || user_id <= 0)
		return BBS_ERR_INVALID;
	if (actor_id == user_id)
		return BBS_ERR_DENIED;
	struct remove_w w = { .actor_id = actor_id, .user_id = user_id,
		.remove_posts = remove_posts };
	int err = store_write(st, remove_tx, &w);
	if (err == BBS_OK) {
		/* Their sessions end now (SIGTERM, audited). The removal stands whatever this
		 * says: they can no longer log in, and a session left over is listed and ended
		 * like any other. */
		int e2 = store_session_end_user(st, actor_id, user_id, NULL);
		if (e2 < 0)
			log_warn("store: member %" PRId64 " removed; ending their sessions: %s",
				user_id, bbs_strerror(e2));
	}
	if (err == BBS_OK && old_handle)
		*old_handle = w.old_handle;
	else
		free(w.old_handle);
	return err;
}

int store_handle_was_removed(struct store *st, const char *handle)
{
	sqlite3_stmt *stmt = NULL;
	char target[64];
	if (bbs_snprintf(target, sizeof target, "user %s", handle ? handle : "") != 0)
		return BBS_OK;   /* longer than any handle: never one */
	int err = store_prepare(st, "SELECT 1 FROM audit WHERE action = 'member-remove' "
		"AND target = ?1 LIMIT 1", &stmt);
	if (err >= 0 && (err = store_bind_text(stmt, 1, target)) >= 0) {
		int rc = sqlite3_step(stmt);
		err = rc == SQLITE_ROW ? BBS_ERR_EXISTS : rc == SQLITE_DONE ? BBS_OK
			: store_rc(st, rc, "reserved handles");
	}
	sqlite3_finalize(stmt);
	return err;
}
