/*
 * test-line: the plain line mode (line_main) on a real store, with its input and output as
 * memory streams: hostile lines at a menu (unknown numbers and words, invalid UTF-8, a line
 * far over the limit, escape sequences), a text over the size limit refused whole and
 * abandoning with ~q (nothing stored), the end of input in the middle of a text saved as the
 * draft the UI names the same way and offered back at the next login, control characters
 * taken out of what is stored, the forced password change without a terminal, Log off asked
 * after q, the idle logout (the text being typed becomes a draft), the member's time zone,
 * reporting and the moderators' report queue, hiding and locking; the moderators' actions on
 * challenges (merge, hide, unhide, promote, the question settings) with hostile ids, dates and
 * reasons, refused to members; the sysops'
 * administration (members: applications, edit, verify, password, silence, lock, delete;
 * invites; who is online, ending a session of a child process; the audit log; focus areas
 * and boards), each checked in the store, and refused to moderators and members (by number,
 * by calling the functions, and by the store for a sysop demoted meanwhile). No output byte
 * is ever a control character but a newline.
 */
#include "cmd/cmd.h"
#include "tests/unit/fixture.h"

#include "keys/keys.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
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

/* The id of member handle. */
static int64_t user_id(const char *handle)
{
	struct store_user *u = NULL;
	int64_t id = 0;
	if (store_user_get(st, handle, &u) == 0)
		id = u->id;
	store_user_free(u);
	return id;
}

/* The moderators' actions on challenges (merge, hide, unhide, promote, the question
 * settings), with hostile input, checked in the store; a member typing the same letters is
 * refused and nothing changes. */
static void t_challenge_moderation(void)
{
	int64_t alice = user_id("alice"), carol = user_id("carol"), mod = user_id("mod");
	CHECK(alice > 0 && carol > 0 && mod > 0);
	struct store_question q = { 0 };
	CHECK_INT(store_question_current(st, &q), 0);
	int64_t qid = q.id;
	store_question_finish(&q);
	struct store_area *av = NULL;
	size_t an = 0;
	CHECK_INT(store_area_list(st, &av, &an), 0);
	int64_t area = an > 0 ? av[0].id : 0;
	store_area_list_free(av, an);
	int64_t a = 0, b = 0, w = 0, d = 0;
	CHECK_INT(store_challenge_submit(st, qid, alice, "Slow data sharing", "Agencies wait "
		"months.", &area, 1, NULL, &a), 0);
	CHECK_INT(store_challenge_submit(st, qid, carol, "Data sharing takes too long", "Same.",
		&area, 1, NULL, &b), 0);
	CHECK_INT(store_challenge_submit(st, qid, alice, "To be withdrawn", "x", &area, 1, NULL,
		&w), 0);
	CHECK_INT(store_challenge_submit(st, qid, carol, "Target to hide", "y", &area, 1, NULL,
		&d), 0);
	CHECK_INT(store_challenge_withdraw(st, w, alice), 0);
	CHECK_INT(store_challenge_endorse(st, a, carol, true), 0);
	CHECK_INT(store_challenge_endorse(st, b, mod, true), 0);
	CHECK_INT(store_challenge_endorse(st, b, alice, true), 0);

	/* A member: every moderator letter refused, no prompt opened. Newest first: d, b, a. */
	char *out = run_str("carol", "5\ns\n2\ns\n3\nm\nh\ns\np\nq\nq\nq\nx\n");
	CHECK(strstr(out, "Only moderators can do that: nothing was changed.") != NULL);
	CHECK(strstr(out, "Merge challenge") == NULL);
	CHECK(strstr(out, "Reason for hiding") == NULL);
	CHECK(strstr(out, "Promote it") == NULL);
	CHECK(strstr(out, "Question settings (dates") == NULL);
	CHECK(strstr(out, "(challenge ") == NULL);   /* ids are listed for moderators only */
	free(out);
	struct store_challenge c = { 0 };
	CHECK_INT(store_challenge_get(st, mod, a, &c), 0);
	CHECK(!c.hidden && !c.merged_into && c.thread_id == 0);
	store_challenge_finish(&c);
	CHECK_INT(store_challenge_hide(st, carol, a, "no"), BBS_ERR_DENIED);   /* the store too */

	/* The moderator. d: a reason too long, one with escape codes, then promoting the hidden
	 * one refused. b: merging into garbage, a negative number, itself, nothing, the
	 * withdrawn one, the hidden one, answered n, then into a. a: promoted, again refused, d
	 * opens the discussion. d: shown again, twice. */
	char *big = repeat('r', 300);
	char *in = xasprintf("5\n2\n1\nh\n%s\nh\n\033[31mDuplicate spam\033[0m\np\nq\n"
		"2\nm\nabc\nm\n-1\nm\n#%lld\nm\n99999999999999999999\nm\n%lld\nm\n%lld\n"
		"m\n%lld\nn\nm\n#%lld\ny\n"
		"2\np\ny\np\nd\nq\nq\n"
		"1\ns\ns\nq\nq\nq\nx\n", big, (long long)b, (long long)w, (long long)d,
		(long long)a, (long long)a);
	out = run_str("mod", in);
	CHECK(strstr(out, "That reason is too long (at most 256 bytes): nothing was hidden.") !=
		NULL);
	CHECK(strstr(out, "Hidden; the moderation record shows it.") != NULL);
	CHECK(strstr(out, "Target to hide [hidden by a moderator]") != NULL);
	CHECK(strstr(out, "A hidden challenge is not made a discussion") != NULL);
	CHECK(strstr(out, "Type a challenge number, such as 12: nothing was merged.") != NULL);
	CHECK(strstr(out, "A challenge cannot be merged into itself") != NULL);
	CHECK(strstr(out, "There is no challenge ") != NULL);
	CHECK(strstr(out, " was withdrawn by its author: nothing was merged.") != NULL);
	CHECK(strstr(out, " is hidden: show it again first") != NULL);
	CHECK(strstr(out, "Nothing was merged.") != NULL);
	CHECK(strstr(out, "Merged; the moderation record shows it.") != NULL);
	CHECK(strstr(out, "Promoted to a discussion; d opens it.") != NULL);
	CHECK(strstr(out, "Already a discussion (d opens it).") != NULL);
	CHECK(strstr(out, "\nDiscussion: Slow data sharing") != NULL);
	CHECK(strstr(out, "Shown again.") != NULL);
	CHECK(strstr(out, "This challenge is not hidden.") != NULL);
	free(out);
	free(in);
	free(big);
	/* In the store: b merged into a (its endorsers joined, its author credited), a a
	 * discussion linked both ways, d hidden with the cleaned reason and shown again. */
	CHECK_INT(store_challenge_get(st, mod, b, &c), 0);
	CHECK_INT(c.merged_into, a);
	store_challenge_finish(&c);
	CHECK_INT(store_challenge_get(st, mod, a, &c), 0);
	CHECK_INT(c.endorsements, 2);   /* carol and mod; alice is its author */
	CHECK(c.credits && strstr(c.credits, "carol") != NULL);
	CHECK(c.thread_id > 0);
	int64_t thread = c.thread_id;
	store_challenge_finish(&c);
	struct store_thread t = { 0 };
	CHECK_INT(store_thread_get(st, mod, thread, &t), 0);
	CHECK_INT(t.challenge_id, a);
	CHECK_STR(t.title ? t.title : "", "Slow data sharing");
	store_thread_finish(&t);
	CHECK_INT(store_challenge_get(st, mod, d, &c), 0);
	CHECK(!c.hidden);
	store_challenge_finish(&c);
	struct store_modlog *mv = NULL;
	size_t mn = 0;
	bool hidden = false, unhidden = false, merged = false, promoted = false;
	CHECK_INT(store_modlog_list(st, 0, 20, &mv, &mn), 0);
	for (size_t i = 0; i < mn; i++) {
		if (strncmp(mv[i].target, "challenge ", 10) != 0)
			continue;   /* the posts hidden in t_moderation */
		if (strcmp(mv[i].action, "hidden") == 0) {
			hidden = true;
			CHECK(strstr(mv[i].reason, "Duplicate spam") != NULL);
			CHECK(strchr(mv[i].reason, '\033') == NULL);
		}
		unhidden = unhidden || strcmp(mv[i].action, "unhidden") == 0;
		merged = merged || strcmp(mv[i].action, "merged") == 0;
		promoted = promoted || strcmp(mv[i].action, "promoted") == 0;
	}
	store_modlog_list_free(mv, mn);
	CHECK(hidden && unhidden && merged && promoted);

	/* The question settings: an impossible day, closing before opening, then the text, the
	 * days and the reveal setting saved; asked as a new question answered n, then y. */
	out = run_str("mod", "5\ns\n2\n2030-02-30\n2\n2030-01-10\n3\n2030-01-05\n5\n"
		"3\n2031-01-31\n2\n\n4\n1\nWhat slows us down?\n.\n5\n"
		"s\n6\nn\nq\nq\nx\n");
	CHECK(strstr(out, "Dates are YYYY-MM-DD: nothing was changed.") != NULL);
	CHECK(strstr(out, "It must close after it opens: nothing was stored.") != NULL);
	CHECK(strstr(out, "Question saved.") != NULL);
	CHECK(strstr(out, "3. Closes (YYYY-MM-DD, empty = never): 2031-01-31") != NULL);
	CHECK(strstr(out, "Nothing was stored.") != NULL);
	free(out);
	CHECK_INT(store_question_current(st, &q), 0);
	CHECK_INT(q.id, qid);
	CHECK_STR(q.text ? q.text : "", "What slows us down?");
	CHECK_INT(q.opens, 0);
	CHECK_INT(q.closes, 1927670399);   /* 2031-01-31 23:59:59 UTC */
	CHECK(q.reveal_after_answer);
	store_question_finish(&q);
	out = run_str("mod", "5\ns\n6\ny\nq\nx\n");
	CHECK(strstr(out, "Asked as a new question.") != NULL);
	free(out);
	CHECK_INT(store_question_current(st, &q), 0);
	CHECK(q.id != qid);
	CHECK_STR(q.text ? q.text : "", "What slows us down?");
	store_question_finish(&q);
}

#define KEY_LINE "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJnxpsK7pPGDXnUfxP+e+pjEDxipptnGPXNzOuJ9" \
	"z1MJ bob@laptop"
#define KEY_FP "SHA256:rAUB0PfM4PHDE7rFiV/iiHEcR63LJ+Do3GRLU2F3V9g"

/* The member's role and status as the store has them now. */
static void user_state(const char *handle, int *role, int *status)
{
	struct store_user *u = NULL;
	*role = *status = -1;
	if (store_user_get(st, handle, &u) == 0) {
		*role = u->role;
		*status = u->status;
	}
	store_user_free(u);
}

static void t_sysop_members(void)
{
	struct store_user root = { .handle = (char *)"root", .display_name = (char *)"",
		.role = STORE_ROLE_SYSOP };
	CHECK_INT(store_user_add(st, &root, NULL), 0);
	for (int i = 0; i < 20; i++) {
		char h[16];
		(void)bbs_snprintf(h, sizeof h, "user%02d", i);
		struct store_user u = { .handle = h, .display_name = (char *)"" };
		CHECK_INT(store_user_add(st, &u, NULL), 0);
	}
	static const char *const appl[] = { "appla", "applb" };
	for (size_t i = 0; i < 2; i++) {
		struct store_application_form f = { .handle = appl[i], .display_name = "Applicant",
			.reason = "To help protect\nthe network", .contact = "a@example.org",
			.cred = { .pwhash = "$argon2id$x" } };
		CHECK_INT(store_application_submit(st, &f, NULL), 0);
	}
	int role, status;

	/* A moderator and a member typing the sysop items' numbers: refused, nothing changes. */
	char *out = run_str("mod", "9\n2\n3\n4\n5\n6\nq\nx\n");
	CHECK(strstr(out, "There is no number 2 here: choose 1 to 1") != NULL);
	CHECK(strstr(out, "2. Members") == NULL);
	free(out);
	out = run_str("alice", "9\n2\nq\nx\n");
	CHECK(strstr(out, "Administration") == NULL);
	free(out);
	user_state("appla", &role, &status);
	CHECK_INT(status, STORE_STATUS_PENDING);
	/* The sysop functions themselves refuse a non-sysop whatever reached them. */
	struct line ml = { .st = st, .in = stdin, .out = NULL };
	char *mout = NULL;
	size_t mn = 0;
	CHECK_INT(store_user_get(st, "mod", &ml.u), 0);
	ml.out = open_memstream(&mout, &mn);
	line_sysop_members(&ml);
	line_sysop_invites(&ml);
	line_sysop_online(&ml);
	line_sysop_audit(&ml);
	line_sysop_structure(&ml);
	fclose(ml.out);
	CHECK(strstr(mout, "Only sysops can do that.\nOnly sysops can do that.\n"
		"Only sysops can do that.\nOnly sysops can do that.\nOnly sysops can do that.\n")
		!= NULL);
	CHECK(strstr(mout, "Members (") == NULL && strstr(mout, "Chain:") == NULL);
	free(mout);
	store_user_free(ml.u);

	/* The sysop: the list (pending first, paged), an application approved, the other
	 * declined. */
	out = run_str("root", "9\n2\n99\nm\n1\na\ny\nq\n1\nd\ny\nq\nq\nq\nx\n");
	CHECK(strstr(out, "9. Administration - reports, members, invites") != NULL);
	CHECK(strstr(out, "  1. appla  Applicant  pending  member") != NULL);
	CHECK(strstr(out, "  2. applb  Applicant  pending  member") != NULL);
	CHECK(strstr(out, "There is no number 99 here: choose 1 to 20") != NULL);
	CHECK(strstr(out, "  21. ") != NULL);                  /* the second page */
	CHECK(strstr(out, "  Contact:       a@example.org") != NULL);
	CHECK(strstr(out, "  To help protect\n  the network\n") != NULL);
	CHECK(strstr(out, "Approved: appla can log in now.") != NULL);
	CHECK(strstr(out, "Declined: applb cannot log in.") != NULL);
	free(out);
	user_state("appla", &role, &status);
	CHECK_INT(status, STORE_STATUS_ACTIVE);
	user_state("applb", &role, &status);
	CHECK_INT(status, STORE_STATUS_DECLINED);
	/* The filter: declined ones only. */
	out = run_str("root", "9\n2\nf\n5\nq\nq\nx\n");
	CHECK(strstr(out, "Members (declined):\n  1. applb  Applicant  declined") != NULL);
	CHECK(strstr(out, "Members (declined):\n  1. applb  Applicant  declined  member  -  -\n"
		"Members: type") != NULL);
	free(out);

	/* Search, hostile lines, edit, verify, password, silence, lock and unlock. */
	char *big = repeat('z', 5000);
	char *in = xasprintf("9\n2\n/\n%s\nnosuchhandle\n/\nbob\n1\nv\ne\n%s\n"
		"Bob \033[31mB\007\n\n3\n-\n2\nk\np\ny\ns\n9999\ns\n0\ns\n3\nBe kind\nl\ny\nu\n"
		"end\ny\nk\na\nnot a key\na\n" KEY_LINE "\na\n" KEY_LINE "\n1\nn\nq\n"
		"a\nzork\nq\nq\nq\nx\n", big, big);
	out = run_str("root", in);
	CHECK(strstr(out, "That line is too long") != NULL);
	CHECK(strstr(out, "No members match.") != NULL);
	CHECK(strstr(out, "bob's affiliation is marked verified.") != NULL);
	CHECK(strstr(out, "Saved.") != NULL);
	CHECK(strstr(out, "The one-time password of bob is:\n\n    ") != NULL);
	CHECK(strstr(out, "Give a number from 0 to 3650.") != NULL);
	CHECK(strstr(out, "bob is silenced until ") != NULL);
	CHECK(strstr(out, "bob is locked; 0 sessions ended.") != NULL);
	CHECK(strstr(out, "bob is unlocked: they can log in again.") != NULL);
	CHECK(strstr(out, "bob has no pending application.") != NULL);
	CHECK(strstr(out, "bob is no longer silenced.") != NULL);
	CHECK(strstr(out, "0 sessions of bob ended.") != NULL);
	CHECK(strstr(out, "That key line cannot be used: ") != NULL);
	CHECK(strstr(out, "Key " KEY_FP " added.") != NULL);
	CHECK(strstr(out, "This key is in use already.") != NULL);
	CHECK(strstr(out, "Revoke key " KEY_FP " of bob? (y/n): ") != NULL);
	CHECK(strstr(out, "zzzzzzzzzz") == NULL);
	free(out);
	free(in);
	free(big);
	struct store_user *b = NULL;
	CHECK_INT(store_user_get(st, "bob", &b), 0);
	if (b) {
		CHECK_STR(b->display_name, "Bob [31mB");
		CHECK_STR(b->sector, "Private sector");
		CHECK_STR(b->country, "");
		CHECK_INT(b->role, STORE_ROLE_MODERATOR);
		CHECK_INT(b->status, STORE_STATUS_ACTIVE);
		CHECK(b->verified);
		CHECK(b->must_change_password);
		CHECK(b->silenced_until > (int64_t)time(NULL));
	}
	struct store_key *kv = NULL;
	size_t kn = 0;
	CHECK_INT(store_key_list(st, b ? b->id : 0, &kv, &kn), 0);
	CHECK_INT(kn, 1);   /* added once, kept (n) */
	if (kn == 1)
		CHECK_STR(kv[0].fingerprint, KEY_FP);
	store_key_list_free(kv, kn);
	if (b) {
		/* Revoked with y; then it is gone. */
		out = run_str("root", "9\n2\n/\nbob\n1\nk\n1\ny\nq\nq\nq\nq\nx\n");
		CHECK(strstr(out, "Key revoked.") != NULL);
		free(out);
		CHECK_INT(store_key_list(st, b->id, &kv, &kn), 0);
		CHECK_INT(kn, 0);
		store_key_list_free(kv, kn);
	}
	store_user_free(b);

	/* Demoting the last sysop is refused; deleting: the handle typed wrong, then right. */
	out = run_str("root", "9\n2\n/\nroot\n1\ne\n\n\nk\n\n1\nk\ne\n\n\nq\ndelete\nq\n/\ncarol\n1\n"
		"delete\nk\nCarol\ndelete\nr\ncarol\nq\nq\nx\n");
	CHECK(strstr(out, "Refused: the last active sysop cannot be demoted") != NULL);
	CHECK(strstr(out, "You cannot delete yourself") != NULL);
	CHECK(strstr(out, "Nothing was saved.") != NULL);
	CHECK(strstr(out, "Not deleted: the handle typed was not carol.") != NULL);
	CHECK(strstr(out, "carol is deleted; their posts are removed.") != NULL);
	free(out);
	user_state("root", &role, &status);
	CHECK_INT(role, STORE_ROLE_SYSOP);
	struct store_user *c = NULL;
	CHECK_INT(store_user_get(st, "carol", &c), BBS_ERR_NOTFOUND);
	store_user_free(c);

	/* A sysop demoted while their session runs: the store refuses what they try. */
	struct store_user s2 = { .handle = (char *)"root2", .display_name = (char *)"",
		.role = STORE_ROLE_SYSOP };
	CHECK_INT(store_user_add(st, &s2, NULL), 0);
	struct store_user *r2 = NULL, *rt = NULL;
	CHECK_INT(store_user_get(st, "root2", &r2), 0);
	CHECK_INT(store_user_get(st, "root", &rt), 0);
	if (r2 && rt) {
		struct store_user_edit ed = { .role = STORE_ROLE_MEMBER, .status = -1,
			.verified = -1 };
		CHECK_INT(store_admin_user_edit(st, rt->id, r2->id, &ed), 0);
		static const char in2[] = "9\n2\n/\nuser05\n1\nl\ny\nq\nq\nq\nx\n";
		char *o2 = NULL;
		size_t o2n = 0;
		FILE *fi = fmemopen((void *)in2, sizeof in2 - 1, "r"), *fo = open_memstream(&o2, &o2n);
		CHECK_INT(line_main(st, r2, fi, fo, false), 0);   /* takes r2 over */
		r2 = NULL;
		fclose(fi);
		fclose(fo);
		CHECK(strstr(o2, "Refused") != NULL || strstr(o2, "Only sysops") != NULL);
		free(o2);
		user_state("user05", &role, &status);
		CHECK_INT(status, STORE_STATUS_ACTIVE);
	}
	store_user_free(r2);
	store_user_free(rt);
}

static void t_sysop_invites(void)
{
	char *out = run_str("root", "9\n3\nc\n400\nc\n7\n2\nACME \033]0;t\007\n3\nFor dana\n"
		"1\nn\n1\ny\n1\nq\nq\nx\n");
	CHECK(strstr(out, "Give a number from 1 to 365.") != NULL);
	CHECK(strstr(out, "No invites yet.") != NULL);
	const char *p = strstr(out, "Its code is:\n\n    ");
	CHECK(p != NULL);
	CHECK(strstr(out, "ssh -p 2222 join@HOST") != NULL);
	CHECK(strstr(out, "#1 valid, expires ") != NULL);
	CHECK(strstr(out, "Invite #1 revoked.") != NULL);
	CHECK(strstr(out, "Invite #1 is revoked already.") != NULL);
	if (p) {
		char code[KEYS_INVITE_CODE_LEN], hash[KEYS_INVITE_HASH_LEN];
		bbs_strlcpy(code, p + strlen("Its code is:\n\n    "), sizeof code);
		CHECK_INT(keys_invite_hash(code, hash), 0);
		struct store_invite inv = { 0 };
		CHECK_INT(store_invite_check(st, hash, &inv), 0);
		CHECK_INT(inv.state, STORE_INVITE_REVOKED);
		CHECK_INT(inv.role, STORE_ROLE_MODERATOR);
		CHECK_STR(inv.organisation, "ACME ]0;t");
		CHECK_STR(inv.sector, "Private sector");
		CHECK_STR(inv.note, "For dana");
		store_invite_finish(&inv);
	}
	free(out);
}

static void t_sysop_online(void)
{
	/* A session of bob's, run by a child that waits to be ended. It says when it is ready:
	 * until it has put SIGTERM back to the default, a SIGTERM would only reach the handler
	 * inherited from earlier line sessions in this process, and the child would live on. */
	int ready[2];
	CHECK_INT(pipe(ready), 0);
	pid_t child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		sigset_t none;
		sigemptyset(&none);
		(void)signal(SIGTERM, SIG_DFL);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		close(ready[0]);
		(void)!write(ready[1], "r", 1);
		close(ready[1]);
		for (;;)
			pause();
	}
	close(ready[1]);
	char r = 0;
	ssize_t got;
	do
		got = read(ready[0], &r, 1);
	while (got < 0 && errno == EINTR);
	CHECK_INT(got, 1);
	close(ready[0]);
	struct store_user *b = NULL;
	CHECK_INT(store_user_get(st, "bob", &b), 0);
	int64_t start = 0;
	CHECK_INT(store_proc_start_time(child, &start), 0);
	struct store_session ss = { .user_id = b ? b->id : 0, .kind = (char *)"member",
		.pid = child, .pid_start = start, .source = (char *)"192.0.2.7" };
	CHECK_INT(store_session_add(st, &ss, NULL), 0);
	store_user_free(b);
	char tag[KEYS_SESSION_TAG_LEN], want[64];
	keys_session_tag(child, start, tag);
	(void)bbs_snprintf(want, sizeof want, "session %s", tag);
	char *out = run_str("root", "9\n4\n2\n1\nn\n1\ny\nq\nq\nx\n");
	CHECK(strstr(out, "  1. bob  member  since ") != NULL);
	CHECK(strstr(out, "from 192.0.2.7") != NULL);
	CHECK(strstr(out, want) != NULL);
	CHECK(strstr(out, "There is no number 2 here") != NULL);
	CHECK(strstr(out, "End the session of bob (member)? (y/n): ") != NULL);
	CHECK(strstr(out, "Session ended.") != NULL);
	free(out);
	int ws = 0;
	pid_t w;
	do
		w = waitpid(child, &ws, 0);
	while (w < 0 && errno == EINTR);
	CHECK_INT(w, child);
	CHECK(w == child && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM);
	if (w != child) {
		(void)kill(child, SIGKILL);
		(void)waitpid(child, NULL, 0);
	}
}

static void t_sysop_audit(void)
{
	for (int i = 0; i < 25; i++)
		CHECK_INT(store_audit_append(st, 0, "test-entry", "nothing", "filler \033[2J", NULL),
			0);
	char *out = run_str("root", "9\n5\nm\n1\nv\n/\napplication-accept\n1\nq\nq\nx\n");
	CHECK(strstr(out, "Chain: intact (") != NULL);
	CHECK(strstr(out, "  21. ") != NULL);
	CHECK(strstr(out, "test-entry") != NULL);
	CHECK(strstr(out, "  Hash:    ") != NULL);
	CHECK(strstr(out, "Audit log, filter \"application-accept\":") != NULL);
	CHECK(strstr(out, "  Action:  application-accept\n  Target:  ") != NULL);
	free(out);
}

static void t_sysop_structure(void)
{
	struct store_area *av = NULL;
	size_t an = 0;
	CHECK_INT(store_area_list_all(st, &av, &an), 0);
	size_t areas0 = an;
	store_area_list_free(av, an);
	char *big = repeat('n', 3000);
	char *in = xasprintf("9\n6\n6\nc\nBad Slug!\nName\n\nc\nnew-area\n%s\nNew area\n"
		"Summary one\n%zu\nu\n1\nu\n%zu\ne\nRenamed area\n\n%zu\na\ny\nq\n"
		"7\nc\n1\ngen-two\nGeneral two\nDesc\n1\nd\nq\nq\nq\nx\n", big, areas0 + 1, areas0,
		areas0);
	char *out = run_str("root", in);
	CHECK(strstr(out, "Not saved: check the short name") != NULL);
	CHECK(strstr(out, "That line is too long") != NULL);
	CHECK(strstr(out, "Created.") != NULL);
	CHECK(strstr(out, "Moved.") != NULL);
	CHECK(strstr(out, "It cannot move further.") != NULL);
	CHECK(strstr(out, "Saved.") != NULL);
	CHECK(strstr(out, "Archived.") != NULL);
	free(out);
	free(in);
	free(big);
	CHECK_INT(store_area_list_all(st, &av, &an), 0);
	CHECK_INT(an, areas0 + 1);
	if (an == areas0 + 1) {
		/* Moved up one place, renamed, archived; the summary kept. */
		CHECK_STR(av[areas0 - 1].slug, "new-area");
		CHECK_STR(av[areas0 - 1].name, "Renamed area");
		CHECK_STR(av[areas0 - 1].summary, "Summary one");
		CHECK(av[areas0 - 1].archived);
	}
	store_area_list_free(av, an);
	/* The new general board (last), and General discussion (the first) moved down one. */
	struct store_board *bv = NULL;
	size_t bn = 0;
	CHECK_INT(store_board_list(st, 0, 0, &bv, &bn), 0);
	CHECK(bn >= 3);
	if (bn >= 3) {
		CHECK_INT(bv[1].id, general);
		CHECK_STR(bv[bn - 1].slug, "gen-two");
		CHECK_STR(bv[bn - 1].description, "Desc");
	}
	store_board_list_free(bv, bn);

	/* Settings and pages: site name, registration, guest access, the welcome page, an area's
	 * page (its title kept, a text of only "." keeps the text). */
	out = run_str("root", "9\n6\n1\nNew \033[1mSite\n2\n9\n2\n3\ny\n4\n\nWelcome, \007all.\n"
		"Second line.\n.\n6\n1\np\nArea page title\n.\nq\nq\nq\nq\nx\n");
	CHECK(strstr(out, "Site name changed.") != NULL);
	CHECK(strstr(out, "There is no number 9 here") != NULL);
	CHECK(strstr(out, "Registration is now invite.") != NULL);
	CHECK(strstr(out, "Guest access is off.") != NULL);
	CHECK(strstr(out, "1. Site name: New [1mSite") != NULL);
	CHECK(strstr(out, "Page saved.") != NULL);
	free(out);
	char *v = NULL;
	CHECK_INT(store_setting_get(st, "site_name", &v), 0);
	CHECK_STR(v ? v : "", "New [1mSite");
	free(v);
	v = NULL;
	CHECK_INT(store_setting_get(st, "guest_access", &v), 0);
	CHECK_STR(v ? v : "", "off");
	free(v);
	int mode = -1;
	CHECK_INT(store_registration_get(st, &mode), 0);
	CHECK_INT(mode, STORE_REG_INVITE);
	struct store_page pg = { 0 };
	CHECK_INT(store_page_get(st, "welcome", &pg), 0);
	CHECK(pg.body && strstr(pg.body, "Welcome, all.\nSecond line.") != NULL);
	store_page_finish(&pg);
	CHECK_INT(store_area_list_all(st, &av, &an), 0);
	if (an > 0) {
		char slug[STORE_FIELD_MAX + 8];
		if (av[0].page_slug && av[0].page_slug[0])
			bbs_strlcpy(slug, av[0].page_slug, sizeof slug);
		else
			(void)bbs_snprintf(slug, sizeof slug, "area-%s", av[0].slug);
		CHECK_INT(store_page_get(st, slug, &pg), 0);
		CHECK_STR(pg.title ? pg.title : "", "Area page title");
		store_page_finish(&pg);
	}
	store_area_list_free(av, an);
	CHECK_INT(store_setting_set(st, "guest_access", "on"), 0);
	CHECK_INT(store_registration_set(st, STORE_REG_OPEN), 0);
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
		t_moderation, t_challenge_moderation, t_sysop_members, t_sysop_invites,
		t_sysop_online, t_sysop_audit, t_sysop_structure, t_quote, t_teardown };
	return tmpdir_main("test-line", BBS_LOG_ERROR, steps, sizeof steps / sizeof steps[0]);
}
