/*
 * test-line: the plain line mode (line_main) on a real store, with its input and output as
 * memory streams: hostile lines at a menu (unknown numbers and words, invalid UTF-8, a line
 * far over the limit, escape sequences), a text over the size limit refused whole and
 * abandoning with ~q (nothing stored), the end of input in the middle of a text saved as the
 * draft the UI names the same way and offered back at the next login, control characters
 * taken out of what is stored, the forced password change without a terminal, Log off asked
 * after q, the idle logout (the text being typed becomes a draft), the member's time zone,
 * reporting and the moderators' report queue, hiding and locking. No output byte is ever a
 * control character but a newline.
 */
#include "cmd/cmd.h"
#include "tests/unit/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store *st;
static int64_t general;  /* the first board of the menu ("General discussion") */

/* Runs the line mode as handle with input in[0..n) and returns its output (heap). */
static char *run_line(const char *handle, const char *in, size_t n)
{
	char *out = NULL;
	size_t outn = 0;
	struct store_user *u = NULL;
	CHECK_INT(store_user_get(st, handle, &u), 0);
	FILE *fi = fmemopen((void *)in, n, "r"), *fo = open_memstream(&out, &outn);
	CHECK(fi && fo);
	if (!u || !fi || !fo)
		return xstrdup("");
	CHECK_INT(line_main(st, u, fi, fo, false), 0);
	fclose(fi);
	fclose(fo);
	for (size_t i = 0; i < outn; i++)
		CHECK(out[i] == '\n' || (unsigned char)out[i] >= 0x20);
	return out;
}

static char *run_str(const char *handle, const char *in)
{
	return run_line(handle, in, strlen(in));
}

static int64_t threads_in(int64_t board)
{
	struct store_board b = { 0 };
	CHECK_INT(store_board_get(st, 0, board, &b), 0);
	int64_t n = b.threads;
	store_board_finish(&b);
	return n;
}

static void t_setup(void)
{
	st = open_new("line.db");
	static const char *const handles[] = { "alice", "bob" };
	for (size_t i = 0; i < 2; i++) {
		struct store_user u = { .handle = (char *)handles[i], .display_name = (char *)"" };
		CHECK_INT(store_user_add(st, &u, NULL), 0);
	}
	struct store_board *v = NULL;
	size_t n = 0;
	CHECK_INT(store_board_list(st, 0, -1, &v, &n), 0);
	CHECK(n > 0);
	general = n > 0 ? v[0].id : 0;
	store_board_list_free(v, n);
}

static void t_menu_hostile(void)
{
	/* 99, a word, invalid UTF-8, an escape sequence, a line of 100,000 bytes, "?", then q
	 * answered n (stays), then x. */
	char *big = repeat('a', 100000);
	char *in = xasprintf("99\nzork\nbad \377\376\n\033[2J\033]0;t\007\n%s\n?\nq\nn\nx\n", big);
	char *out = run_str("alice", in);
	CHECK(strstr(out, "There is no number 99 here: choose 1 to") != NULL);
	CHECK(strstr(out, "That is not one of the choices") != NULL);
	CHECK(strstr(out, "not valid UTF-8") != NULL);
	CHECK(strstr(out, "That line is too long (the limit is 4096 bytes)") != NULL);
	CHECK(strstr(out, "Main menu choices:") != NULL);
	CHECK(strstr(out, "Log off? (y/n): ") != NULL);
	CHECK(strstr(out, "Goodbye.") != NULL);
	CHECK(strstr(out, "aaaaaaaaaa") == NULL);   /* the long line is never echoed */
	/* Every prompt is the end of a line: "> " or ": " before the next answer. */
	CHECK(strstr(out, "help> ") != NULL);
	free(out);
	free(in);
	free(big);

	/* The end of input at a menu just ends the session. */
	out = run_str("alice", "4\n");
	CHECK(strstr(out, "Boards: type a number") != NULL);
	free(out);
}

static void t_body_refused(void)
{
	/* Main menu 4 = Discussion boards (three focus areas first), 1 = General, w = write. */
	char *line = repeat('b', 1000);
	size_t cap = 80 * 1002 + 200, len = 0;
	char *in = xmalloc(cap);
	len += (size_t)snprintf(in + len, cap - len, "4\n1\nw\nToo big\n");
	for (int i = 0; i < 70; i++)
		len += (size_t)snprintf(in + len, cap - len, "%s\n", line);
	len += (size_t)snprintf(in + len, cap - len, ".\nw\nAbandoned\nsome text\n~q\nq\nq\nx\n");
	char *out = run_line("alice", in, len);
	CHECK(strstr(out, "over the limit of 65536 bytes") != NULL);
	CHECK(strstr(out, "The text is too large (the limit is 65536 bytes): nothing was stored.")
		!= NULL);
	CHECK(strstr(out, "Abandoned: nothing was kept.") != NULL);
	CHECK_INT(threads_in(general), 0);
	struct store_draft d = { 0 };
	struct store_user *a = NULL;
	CHECK_INT(store_user_get(st, "alice", &a), 0);
	CHECK_INT(store_draft_latest(st, a ? a->id : 0, &d), BBS_ERR_NOTFOUND);
	store_draft_finish(&d);
	store_user_free(a);
	free(out);
	free(in);
	free(line);
}

static void t_eof_draft(void)
{
	/* The input ends in the middle of a new discussion's text: a draft "new:BOARD". */
	char *out = run_str("alice", "4\n1\nw\nDraft title\nline one\nline two");
	CHECK(strstr(out, "Text (. ends, ~q abandons): ") != NULL);
	free(out);
	char context[64];
	(void)bbs_snprintf(context, sizeof context, "new:%lld", (long long)general);
	struct store_user *a = NULL;
	CHECK_INT(store_user_get(st, "alice", &a), 0);
	struct store_draft d = { 0 };
	CHECK_INT(store_draft_get(st, a->id, context, &d), 0);
	CHECK_STR(d.title, "Draft title");
	CHECK_STR(d.body, "line one\nline two\n");
	store_draft_finish(&d);
	CHECK_INT(threads_in(general), 0);

	/* Offered back at the next login; n keeps it. */
	out = run_str("alice", "n\nx\n");
	CHECK(strstr(out, "You have an unsent draft (a new discussion \"Draft title\")") != NULL);
	CHECK(strstr(out, "The draft is kept for later.") != NULL);
	free(out);
	/* y resumes it: more lines, then "." posts it, once, and the draft is gone. */
	out = run_str("alice", "y\nline three\n.\nx\n");
	CHECK(strstr(out, "Your discussion is posted") != NULL);
	free(out);
	CHECK_INT(threads_in(general), 1);
	CHECK_INT(store_draft_get(st, a->id, context, &d), BBS_ERR_NOTFOUND);
	store_draft_finish(&d);
	struct store_thread *tv = NULL;
	size_t tn = 0;
	CHECK_INT(store_thread_page(st, a->id, general, 0, 10, &tv, &tn), 0);
	if (tn == 1) {
		struct store_post *pv = NULL;
		size_t pn = 0;
		CHECK_INT(store_post_range(st, tv[0].id, 1, 10, &pv, &pn), 0);
		CHECK_INT(pn, 1);
		if (pn == 1)
			CHECK_STR(pv[0].body, "line one\nline two\nline three");
		store_post_list_free(pv, pn);
	}
	store_thread_list_free(tv, tn);
	store_user_free(a);
}

static void t_clean_stored(void)
{
	/* Escape sequences, BEL and a C1 control (U+009B) in a title and a body. */
	char *out = run_str("bob", "4\n1\nw\nEvil \033]0;x\007 title \302\233 end\n"
		"body \033[31mred\033[0m\n.\nq\nq\nx\n");
	CHECK(strstr(out, "Your discussion is posted") != NULL);
	free(out);
	struct store_thread *tv = NULL;
	size_t tn = 0;
	CHECK_INT(store_thread_page(st, 0, general, 0, 10, &tv, &tn), 0);
	bool found = false;
	for (size_t i = 0; i < tn; i++) {
		if (strncmp(tv[i].title, "Evil", 4) != 0)
			continue;
		found = true;
		CHECK(strchr(tv[i].title, '\033') == NULL && strchr(tv[i].title, '\007') == NULL);
		CHECK(strstr(tv[i].title, "\302\233") == NULL);
		struct store_post *pv = NULL;
		size_t pn = 0;
		CHECK_INT(store_post_range(st, tv[i].id, 1, 1, &pv, &pn), 0);
		if (pn == 1)
			CHECK_STR(pv[0].body, "body [31mred[0m");
		store_post_list_free(pv, pn);
	}
	CHECK(found);
	store_thread_list_free(tv, tn);
}

static void t_forced_password(void)
{
	struct store_user *b = NULL;
	CHECK_INT(store_user_get(st, "bob", &b), 0);
	CHECK_INT(store_user_reset_password(st, b->id, "$argon2id$v=19$m=65536,t=2,p=1$x$y"), 0);
	char *out = run_str("bob", "x\n");
	CHECK(strstr(out, "A sysop has reset your password") != NULL);
	CHECK(strstr(out, "can only be typed on a terminal") != NULL);
	CHECK(strstr(out, "Main menu") == NULL);
	free(out);
	store_user_free(b);
}

static void t_idle(void)
{
	/* Idle settings in seconds; the input stays open (a pipe nobody writes to any more). */
	CHECK_INT(store_setting_set(st, "idle_warn_seconds", "1"), 0);
	CHECK_INT(store_setting_set(st, "idle_logout_seconds", "2"), 0);
	int p[2];
	CHECK_INT(pipe(p), 0);
	static const char in[] = "4\n1\nw\nIdle title\nTyped, then nothing.\n";
	CHECK_INT(write(p[1], in, sizeof in - 1), (long long)(sizeof in - 1));
	char *out = NULL;
	size_t outn = 0;
	struct store_user *u = NULL;
	CHECK_INT(store_user_get(st, "alice", &u), 0);
	int64_t uid = u ? u->id : 0;
	FILE *fi = fdopen(p[0], "r"), *fo = open_memstream(&out, &outn);
	CHECK(fi && fo);
	CHECK_INT(line_main(st, u, fi, fo, false), 0);
	fclose(fi);
	fclose(fo);
	close(p[1]);
	CHECK(strstr(out, "Logged out after 2 seconds without activity. Goodbye.") != NULL);
	free(out);
	char context[64];
	(void)bbs_snprintf(context, sizeof context, "new:%lld", (long long)general);
	struct store_draft d = { 0 };
	CHECK_INT(store_draft_get(st, uid, context, &d), 0);
	CHECK_STR(d.title, "Idle title");
	CHECK_STR(d.body, "Typed, then nothing.\n");
	store_draft_finish(&d);
	CHECK_INT(store_draft_delete(st, uid, context), 0);
	CHECK_INT(store_setting_set(st, "idle_warn_seconds", "0"), 0);
	CHECK_INT(store_setting_set(st, "idle_logout_seconds", "0"), 0);
}

static void t_timezone(void)
{
	struct store_user *a = NULL;
	CHECK_INT(store_user_get(st, "alice", &a), 0);
	if (!a)
		return;
	/* A zone this system does not know is refused; a known one is used for times. */
	char *out = run_str("alice", "9\n2\n1\nNo/Such_Zone\n1\nAsia/Tokyo\nq\nq\n4\n1\nq\nq\nx\n");
	CHECK(strstr(out, "That is not a time zone name this portal knows") != NULL);
	CHECK(strstr(out, "1. Time zone: Asia/Tokyo") != NULL);
	CHECK(strstr(out, " JST\n") != NULL);      /* the board's "last ..." times */
	free(out);
	struct store_prefs p = { .timezone = "", .colour = true };
	CHECK_INT(store_user_set_prefs(st, a->id, &p), 0);
	out = run_str("alice", "4\n1\nq\nq\nx\n");
	CHECK(strstr(out, " UTC\n") != NULL && strstr(out, "JST") == NULL);
	free(out);
	store_user_free(a);
}

static void t_moderation(void)
{
	struct store_user m = { .handle = (char *)"mod", .display_name = (char *)"",
		.role = STORE_ROLE_MODERATOR };
	CHECK_INT(store_user_add(st, &m, NULL), 0);
	struct store_user c = { .handle = (char *)"carol", .display_name = (char *)"" };
	CHECK_INT(store_user_add(st, &c, NULL), 0);
	/* carol (bob must change his password by now) reports the first post of the newest
	 * discussion in General ("Evil ..."). */
	char *out = run_str("carol", "4\n1\n1\n!\n1\nOff topic\nq\nq\nq\nx\n");
	CHECK(strstr(out, "Reported to the moderators.") != NULL);
	free(out);
	/* A member has no Administration item and no moderator keys. */
	out = run_str("carol", "4\n1\n1\nh\nq\nq\nq\nx\n");
	CHECK(strstr(out, "Administration") == NULL);
	CHECK(strstr(out, "That is not one of the choices") != NULL);
	free(out);
	/* The moderator: Administration (item 9, before Your account) lists the report and
	 * resolves it; in the discussion, hides #1 and locks it. */
	out = run_str("mod", "9\n1\n1\nr\nTalked to them\nq\nq\n"
		"4\n1\n1\nh\n1\nAbusive\nl\nSpam wave\nq\nq\nq\nx\n");
	CHECK(strstr(out, "9. Administration") != NULL);
	CHECK(strstr(out, "Off topic") != NULL);
	CHECK(strstr(out, "Resolved.") != NULL);
	CHECK(strstr(out, "Hidden; the moderation record shows it.") != NULL);
	CHECK(strstr(out, "Locked: no new replies.") != NULL);
	free(out);
	/* carol sees the notice, not the text, and cannot reply. */
	out = run_str("carol", "4\n1\n1\nr\nA reply\n.\nq\nq\nq\nx\n");
	CHECK(strstr(out, "[Hidden by a moderator on ") != NULL && strstr(out, "Abusive") != NULL);
	CHECK(strstr(out, "body [31mred") == NULL);
	CHECK(strstr(out, "locked: no new replies") != NULL);
	CHECK(strstr(out, "nothing was posted") != NULL);
	free(out);
}

static void t_quote(void)
{
	char *q = line_quote("bob", "one\ntwo");
	CHECK_STR(q, "bob wrote:\n> one\n> two\n\n");
	free(q);
	q = line_quote("bob", "");
	CHECK_STR(q, "bob wrote:\n> \n\n");
	free(q);
	q = line_quote("bob", "\n\n\n");   /* only newlines: the worst case for the size */
	CHECK_STR(q, "bob wrote:\n> \n> \n> \n> \n\n");
	free(q);
}

static void t_teardown(void)
{
	store_close(st);
}

int main(void)
{
	static void (*const steps[])(void) = { t_setup, t_menu_hostile, t_body_refused,
		t_eof_draft, t_clean_stored, t_forced_password, t_idle, t_timezone,
		t_moderation, t_quote, t_teardown };
	return tmpdir_main("test-line", BBS_LOG_ERROR, steps, sizeof steps / sizeof steps[0]);
}
