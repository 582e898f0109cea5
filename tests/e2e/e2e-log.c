/*
 * e2e-log: bbsd's log lines (issue 10), through real SSH.
 *
 * - alice logs in with her key and opens the UI; while she is in, `bbsctl session list` shows
 *   her session with the same SESSION tag as her log lines (session=TAG), and her login line
 *   names her key's fingerprint (as ssh-keygen -lf prints it);
 * - sysop logs in with a password and runs a command: the lines say method=password,
 *   kind=command and the command's name, never its arguments;
 * - a login fails with a password holding a marker, as a user name with a blank in it: the
 *   failure is logged with the name escaped (user=no\x20body), the marker never; a login
 *   with a key that is not the member's names that key's fingerprint;
 * - every line is one line in the log's format; all lines of one session process carry one
 *   tag; the listener's penalty line for the failed connection carries that connection's tag;
 *   each connection ends with an end line (reason, duration, bytes in and out).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libssh/libssh.h>

#include "common/common.h"
#include "keys/keys.h"
#include "tests/e2e/portal.h"

#define PW_MARKER "pw-MARKER-q7Zx-secret"
#define ARG_MARKER "ARGMARKER9k"

/* The tag on a log line ("session=TAG "), copied into tag; false when there is none. */
static bool line_tag(const char *line, char *tag, size_t n)
{
	const char *p = strstr(line, " session=");
	if (!p)
		return false;
	p += 9;
	size_t len = strcspn(p, " ");
	if (len == 0 || len >= n)
		return false;
	memcpy(tag, p, len);
	tag[len] = '\0';
	return true;
}

/* The pid in a line's prefix "TIME bbsd[PID] LEVEL: ", or -1 when the line is not in that form. */
static long line_pid(const char *line)
{
	/* 2026-11-26T22:00:00Z */
	if (strlen(line) < 21 || line[4] != '-' || line[10] != 'T' || line[19] != 'Z' ||
	    strncmp(line + 20, " bbsd[", 6) != 0)
		return -1;
	char *end = NULL;
	long pid = strtol(line + 26, &end, 10);
	if (!end || strncmp(end, "] ", 2) != 0 || !strstr(end, ": "))
		return -1;
	return pid;
}

/* The tag of the first line holding both a and b (b may be NULL), or "" (tag size 16). */
static void tag_of(char *log, const char *a, const char *b, char *tag)
{
	tag[0] = '\0';
	for (char *line = log; line && *line;) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		bool hit = strstr(line, a) && (!b || strstr(line, b));
		if (hit && !line_tag(line, tag, 16))
			tag[0] = '\0';
		if (eol)
			*eol = '\n';
		if (hit)
			return;
		line = eol ? eol + 1 : NULL;
	}
}

static int count(const char *log, const char *what)
{
	int n = 0;
	for (const char *p = log; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

/* The SESSION column of handle's row in `bbsctl session list` ("" if none). */
static void listed_tag(struct tc_fixture *fx, const char *handle, char *tag, size_t n)
{
	char out[8192];
	char *argv[] = { fx->bbsctl, "-d", fx->dir, "session", "list", NULL };
	tag[0] = '\0';
	if (tc_run(argv, NULL, out, sizeof out, 30000) != 0)
		tc_fail("bbsctl session list failed: %s", out);
	TC_CHECK(strstr(out, " SESSION ") != NULL);
	for (char *p = out; p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		long long id, pid;
		char who[64], kind[16], day[16], hm[16], t[16];
		/* ID MEMBER KIND SINCE ("YYYY-MM-DD HH:MM UTC") PID SESSION SOURCE */
		if (sscanf(p, "%lld %63s %15s %15s %15s UTC %lld %15s", &id, who, kind, day, hm, &pid,
			t) == 7 && strcmp(who, handle) == 0) {
			bbs_strlcpy(tag, t, n);
			return;
		}
		p = nl ? nl + 1 : NULL;
	}
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	char err[512], pub[TC_PATH_MAX + 8], tag[16], listed[16];
	int status = -1;

	TC_REQUIRE(keys_init() == 0);
	tc_fixture_standard(&fx, &u, 110);

	/* alice, by key, the UI. */
	struct tc *tc = tc_login_key(&fx, "alice", u.alice_key, "xterm", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	listed_tag(&fx, "alice", listed, sizeof listed);
	tc_note("alice's session is listed with the tag '%s'", listed);
	TC_CHECK(strlen(listed) == 8);
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);

	/* sysop, by password, one command with an argument that must not be logged. */
	tc = tc_connect(&fx, "sysop", NULL, NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect: %s", err);
	TC_REQUIRE(tc_auth_password(tc, TC_PASSWORD) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_exec(tc, "search " ARG_MARKER) == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS));
	tc_close(tc);

	/* A failed login: a name with a blank, a password with a marker. */
	tc = tc_connect(&fx, "no body", "127.0.0.3", NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect: %s", err);
	TC_CHECK(tc_auth_password(tc, PW_MARKER) == SSH_AUTH_DENIED);
	tc_close(tc);
	/* A key that is not alice's: the failure names the key offered. */
	tc = tc_connect(&fx, "alice", "127.0.0.4", NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect: %s", err);
	TC_CHECK(tc_auth_pubkey(tc, u.sysop_key) != SSH_AUTH_SUCCESS);
	tc_close(tc);

	/* Three connections, three end lines, and the penalty for the failed one (logged after
	 * the client has gone, so waited for). */
	size_t n = 0;
	char *log = NULL;
	for (int64_t end = tc_now_ms() + TC_WAIT_MS; tc_now_ms() < end;) {
		free(log);
		log = tc_fixture_read_log(&fx, &n);
		if (count(log, " event=end ") >= 4 && count(log, " event=penalty ") >= 2)
			break;
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	TC_REQUIRE(log != NULL);

	/* alice: her login line has her key's fingerprint and the tag bbsctl showed. */
	TC_REQUIRE(bbs_snprintf(pub, sizeof pub, "%s.pub", u.alice_key) == 0);
	struct keys_pub kp = { 0 };
	TC_REQUIRE(keys_parse_file(pub, &kp, NULL) == 0);
	char want[256];
	TC_REQUIRE(bbs_snprintf(want, sizeof want, "method=publickey key=%s", kp.fingerprint) == 0);
	tag_of(log, " event=login user=alice from=127.0.0.1 ", want, tag);
	TC_CHECK(tag[0] != '\0');
	TC_CHECK(strcmp(tag, listed) == 0);
	char alice[16];
	bbs_strlcpy(alice, tag, sizeof alice);
	tag_of(log, " event=session-start user=alice ", "kind=ui term=xterm size=80x24", tag);
	TC_CHECK(strcmp(tag, alice) == 0);
	tag_of(log, " event=end user=alice ", " reason=exit duration=", tag);
	TC_CHECK(strcmp(tag, alice) == 0);
	tag_of(log, " event=end user=alice ", " in=", tag);
	TC_CHECK(strcmp(tag, alice) == 0);
	keys_pub_finish(&kp);

	/* sysop: password, a command by name only. */
	char sysop[16];
	tag_of(log, " event=login user=sysop from=127.0.0.1 method=password", NULL, sysop);
	TC_CHECK(sysop[0] != '\0' && strcmp(sysop, alice) != 0);
	tag_of(log, " event=session-start user=sysop ", "kind=command", tag);
	TC_CHECK(strcmp(tag, sysop) == 0);
	tag_of(log, " event=command user=sysop ", "name=search", tag);
	TC_CHECK(strcmp(tag, sysop) == 0);
	TC_CHECK(strstr(log, ARG_MARKER) == NULL);

	/* The failure: escaped name, no password; the listener's penalty has its tag. */
	char failed[16];
	tag_of(log, " event=auth-fail user=no\\x20body from=127.0.0.3 method=password", NULL,
		failed);
	TC_CHECK(failed[0] != '\0');
	tag_of(log, " event=end from=127.0.0.3 reason=auth-fail", NULL, tag);
	TC_CHECK(strcmp(tag, failed) == 0);
	tag_of(log, " event=penalty from=127.0.0.3 reason=auth-fail", NULL, tag);
	TC_CHECK(strcmp(tag, failed) == 0);
	TC_CHECK(strstr(log, PW_MARKER) == NULL);
	struct keys_pub sp = { 0 };
	TC_REQUIRE(bbs_snprintf(pub, sizeof pub, "%s.pub", u.sysop_key) == 0);
	TC_REQUIRE(keys_parse_file(pub, &sp, NULL) == 0);
	TC_REQUIRE(bbs_snprintf(want, sizeof want, "method=publickey key=%s", sp.fingerprint) == 0);
	tag_of(log, " event=auth-fail user=alice from=127.0.0.4 ", want, tag);
	TC_CHECK(tag[0] != '\0');
	keys_pub_finish(&sp);
	TC_CHECK(strstr(log, TC_PASSWORD) == NULL);

	/* Every line is one event in the log's format; one tag per session process. */
	struct { long pid; char tag[16]; } seen[64];
	int nseen = 0, lines = 0;
	bool ok_format = true, ok_tags = true;
	for (char *line = log; line && *line;) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		long pid = line_pid(line);
		lines++;
		if (pid < 0) {
			ok_format = false;
			tc_note("not a log line: %.200s", line);
		} else if (pid != (long)fx.bbsd_pid && line_tag(line, tag, sizeof tag)) {
			int i = 0;
			while (i < nseen && seen[i].pid != pid)
				i++;
			if (i == nseen && nseen < 64) {
				seen[nseen].pid = pid;
				bbs_strlcpy(seen[nseen].tag, tag, sizeof seen[nseen].tag);
				nseen++;
			} else if (i < nseen && strcmp(seen[i].tag, tag) != 0) {
				ok_tags = false;
				tc_note("pid %ld logged tags %s and %s", pid, seen[i].tag, tag);
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	tc_note("%d log lines from %d session processes", lines, nseen);
	TC_CHECK(ok_format);
	TC_CHECK(ok_tags);
	if (!TC_CHECK(nseen >= 3) || !ok_format || !ok_tags)
		tc_fixture_dump_log(&fx);
	free(log);
	return tc_done();
}
