/*
 * e2e-session-end: who is online and ending sessions (issue 6, bbsd's and bbsctl's side).
 *
 * - alice logs in with her key: `bbsctl session list` shows her session (member, source
 *   127.0.0.1, the session process's pid).
 * - alice is writing a reply when `bbsctl session end ID` ends her session: the channel
 *   closes with "Your session was ended by a sysop." and an exit status, the row is gone, and
 *   what she typed is in the store as a draft (offered back at her next login).
 * - `bbsctl session end` ends only that session: sysop's session, open at the same time, goes
 *   on working.
 * - `bbsctl user lock alice` disconnects her logged-in session the same way, and her next
 *   login (key or password) is refused; after `bbsctl user unlock alice` she is back in.
 * - the audit log records the ends and the lock, and its chain is intact.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libssh/libssh.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define ENDED "Your session was ended by a sysop."
#define TITLE "Coordination over unreliable links"
#define TYPED "Half a reply that must survive the sysop"

/* Runs bbsctl -d DIR args...; returns its exit status, output in out. */
static int ctl(struct tc_fixture *fx, char *out, size_t n, const char *a1, const char *a2,
	const char *a3)
{
	char *argv[] = { fx->bbsctl, "-d", fx->dir, (char *)a1, (char *)a2, (char *)a3, NULL };
	return tc_run(argv, NULL, out, n, 30000);
}

/* The id of handle's session in `bbsctl session list` (0 if none); its line into line. */
static long long session_of(struct tc_fixture *fx, const char *handle, char *line, size_t n)
{
	char out[8192];
	line[0] = '\0';
	if (ctl(fx, out, sizeof out, "session", "list", NULL) != 0)
		tc_fail("bbsctl session list failed: %s", out);
	for (char *p = out; p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		long long id = 0;
		char who[64];
		if (sscanf(p, "%lld %63s", &id, who) == 2 && strcmp(who, handle) == 0) {
			bbs_strlcpy(line, p, n);
			return id;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* Polls until handle has no session listed (a row is removed as its process ends). */
static bool wait_no_session(struct tc_fixture *fx, const char *handle, int ms)
{
	char line[512];
	int64_t deadline = tc_now_ms() + ms;
	while (session_of(fx, handle, line, sizeof line) != 0) {
		if (tc_now_ms() > deadline)
			return false;
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);   /* polling interval, not a fixed wait */
	}
	return true;
}

/* The session was ended: the channel closes, the line was sent, an exit status came. */
static void expect_ended(struct tc *tc, const char *who)
{
	int status = -1;
	if (!TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS)))
		tc_note("%s: the channel did not close", who);
	/* On the screen as the member sees it (the UI put the screen back first), and in the
	 * bytes received. */
	if (!TC_CHECK(strstr(tc_output(tc, NULL), ENDED) != NULL &&
		tc_screen_find(tc_screen(tc), ENDED, NULL) >= 0))
		tc_screen_print(tc_screen(tc), "the ended session");
	if (!TC_CHECK(status >= 0))
		tc_note("%s: no exit status (%d)", who, status);
	else
		tc_note("%s: exit status %d", who, status);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct tc *tc, *sys;
	struct store *st;
	char out[8192], line[512], id[32], ctxname[64];
	struct store_draft d = { 0 };

	tc_fixture_standard(&fx, &u, 150);
	st = bt_store_open(&fx);
	int64_t alice = bt_user_id(st, "alice");
	int64_t sysop = bt_user_id(st, "sysop");
	int64_t board = bt_board_id(st, "national-action");
	int64_t tid = bt_thread(st, board, sysop, TITLE, "How do you keep in touch?");

	/* 1. Listed while logged in, with the source address. */
	tc_note("alice logs in with her key: listed with source 127.0.0.1");
	tc = tc_login_key(&fx, "alice", u.alice_key, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	long long sid = session_of(&fx, "alice", line, sizeof line);
	TC_CHECK(sid > 0);
	TC_CHECK(strstr(line, " member ") != NULL);
	TC_CHECK(strstr(line, "127.0.0.1") != NULL);
	if (sid <= 0 || !strstr(line, "127.0.0.1"))
		tc_note("session line: \"%s\"", line);

	/* The sysop is online too: ending alice's session must leave this one alone. */
	sys = tc_login_password(&fx, "sysop", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_menu(sys, TC_WAIT_MS));
	long long sys_sid = session_of(&fx, "sysop", line, sizeof line);
	TC_CHECK(sys_sid > 0 && sys_sid != sid);

	/* 2. session end while she types a reply: the draft is kept. */
	tc_note("alice types a reply; bbsctl session end %lld", sid);
	TC_REQUIRE(bt_open_discussion(tc, "National action", TITLE));
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Reply to: " TITLE, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, TYPED) == 0);
	TC_REQUIRE(tc_wait_text(tc, "must survive", TC_WAIT_MS));
	TC_REQUIRE(bbs_snprintf(id, sizeof id, "%lld", sid) == 0);
	int rc = ctl(&fx, out, sizeof out, "session", "end", id);
	if (!TC_CHECK(rc == 0))
		tc_note("bbsctl session end: %d: %s", rc, out);
	expect_ended(tc, "alice");
	tc_close(tc);
	TC_CHECK(wait_no_session(&fx, "alice", 10000));
	TC_REQUIRE(bbs_snprintf(ctxname, sizeof ctxname, "reply:%lld", (long long)tid) == 0);
	rc = store_draft_get(st, alice, ctxname, &d);
	if (!TC_CHECK(rc == 0 && d.body && strstr(d.body, TYPED)))
		tc_note("draft %s after the end: rc %d body \"%s\"", ctxname, rc,
			rc == 0 && d.body ? d.body : "");
	store_draft_finish(&d);
	memset(&d, 0, sizeof d);
	/* Ending it again: it is gone. */
	TC_CHECK(ctl(&fx, out, sizeof out, "session", "end", id) == 1);
	TC_CHECK(strstr(out, "no session") != NULL);

	/* The sysop's session went on. */
	tc_note("the sysop's session is untouched");
	TC_CHECK(session_of(&fx, "sysop", line, sizeof line) == sys_sid);
	TC_REQUIRE(tc_send(sys, "4") == 0);
	TC_CHECK(portal_wait_heading(sys, PORTAL_BOARDS, TC_WAIT_MS));
	TC_CHECK(bt_back_to_menu(sys));

	/* 3. The draft is offered back at the next login. */
	tc_note("alice logs in again: the draft is offered");
	tc = tc_login_key(&fx, "alice", u.alice_key, "xterm-256color", 100, 24);
	/* First the discussion she was in (ui/resume.c), declined; then the draft. */
	TC_CHECK(portal_wait_bottom(tc, PORTAL_RESUME_ASK "discussion '" TITLE "', post 1)? [y/N]",
		TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_CHECK(portal_wait_bottom(tc, "Resume it? (y/n)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_CHECK(tc_wait_gone(tc, "Resume it?", TC_WAIT_MS));
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));

	/* 4. user lock: disconnected now, refused next time. */
	tc_note("bbsctl user lock alice while she is logged in");
	rc = ctl(&fx, out, sizeof out, "user", "lock", "alice");
	if (!TC_CHECK(rc == 0 && strstr(out, "1 session ended")))
		tc_note("bbsctl user lock: %d: %s", rc, out);
	expect_ended(tc, "alice (locked)");
	tc_close(tc);
	TC_CHECK(wait_no_session(&fx, "alice", 10000));

	tc_note("a locked member cannot log in");
	{
		char err[256];
		struct tc *t = tc_connect(&fx, "alice", NULL, NULL, err, sizeof err);
		TC_REQUIRE(t != NULL);
		TC_CHECK(tc_auth_pubkey(t, u.alice_key) == SSH_AUTH_DENIED);
		TC_CHECK(tc_auth_password(t, TC_PASSWORD) == SSH_AUTH_DENIED);
		tc_close(t);
	}

	tc_note("bbsctl user unlock alice: she is back");
	TC_CHECK(ctl(&fx, out, sizeof out, "user", "unlock", "alice") == 0);
	tc = tc_login_key(&fx, "alice", u.alice_key, "xterm-256color", 100, 24);
	if (tc_wait_text(tc, "Resume it? (y/n)", 3000))
		TC_REQUIRE(tc_send(tc, "n") == 0);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	TC_CHECK(wait_no_session(&fx, "alice", 10000));

	TC_CHECK(portal_logoff(sys, "q") == 0);
	tc_close(sys);
	TC_CHECK(wait_no_session(&fx, "sysop", 10000));

	/* 5. The audit log has it all, unbroken. */
	tc_note("the audit log");
	rc = ctl(&fx, out, sizeof out, "audit", "list", "--filter");
	TC_CHECK(rc == 2);   /* --filter needs words */
	{
		char *argv[] = { fx.bbsctl, "-d", fx.dir, "audit", "list", "--limit", "200", NULL };
		TC_CHECK(tc_run(argv, NULL, out, sizeof out, 30000) == 0);
		TC_CHECK(strstr(out, "session-end") != NULL || strstr(out, "session end") != NULL ||
			strstr(out, "end-session") != NULL);
		TC_CHECK(strstr(out, "[user alice]") != NULL);
		if (!strstr(out, "[user alice]"))
			tc_note("audit list:\n%s", out);
	}
	rc = ctl(&fx, out, sizeof out, "audit", "verify", NULL);
	if (!TC_CHECK(rc == 0 && strstr(out, "chain intact")))
		tc_note("audit verify: %d: %s", rc, out);

	TC_CHECK(tc_fixture_wait_no_leftovers(&fx, NULL, 0, 15000) == 0);
	store_close(st);
	return tc_done();
}
