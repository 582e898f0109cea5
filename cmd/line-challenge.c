/*
 * line-challenge.c: the challenge question in the plain line mode, as a member may use it in
 * the full-screen UI: the current question, its challenges (by endorsements, newest, one's
 * own), one challenge with its endorsement counts, endorsing and taking it back, reporting,
 * submitting (title, focus areas, explanation), changing and withdrawing one's own, the
 * results (counts by sector and region), earlier questions and the moderation record.
 *
 * For moderators and sysops, as the full-screen UI's moderator keys (ui/challenge-act.c,
 * ui/question.c) offer them: in one challenge, m merge it into another (its number asked,
 * then y/n), h hide it (a reason members see, one line), s show it again (unhide), p promote
 * it to a discussion in the first board of its first focus area (y/n); in the question's menu
 * and in a list of challenges, s the question settings (text, opening and closing days,
 * whether answers are visible before answering; saved, or asked as a new question). Hidden
 * challenges keep their title for moderators. d opens the discussion a challenge became.
 *
 * The store decides who sees what (answer-before-reveal, hidden ones blanked) and who may do
 * what (closed questions, silenced members, never endorsing one's own, moderators only for
 * the actions above). A member typing a moderator's letter is told so and nothing is asked;
 * the store would refuse anyway. Merging into itself, into a hidden, withdrawn, merged or
 * other question's challenge is refused here before the store is asked.
 * Must never: print store text that is not clean, or open a moderator's prompt for a member.
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CH_PAGE 20
#define Q_TEXT_MAX (STORE_FIELD_MAX * 4)   /* the question's text, as ui/question.c */
#define Q_DAY 86400

static void challenge_error(struct line *l, int r, const char *what)
{
	if (r == BBS_ERR_DENIED)
		fprintf(l->out, "Not allowed now (the question is closed, it is your own, or you may "
			"not post at the moment): nothing was %s.\n", what);
	else if (r == BBS_ERR_TOOBIG)
		fprintf(l->out, "Too long: nothing was %s.\n", what);
	else if (r == BBS_ERR_INVALID)
		fprintf(l->out, "The title and the explanation must not be empty: nothing was %s.\n",
			what);
	else
		fprintf(l->out, "Could not do it (%s): nothing was %s.\n", bbs_strerror(r), what);
}

/* Asks for the focus areas (numbers); 0 with 1..8 ids in areas, 1 when they cannot be read,
 * -1 at the end of input. */
static int ask_areas(struct line *l, int64_t areas[8], size_t *na)
{
	char buf[CMD_LINE_MAX + 1];
	struct store_area *av = NULL;
	size_t an = 0;
	*na = 0;
	if (store_area_list(l->st, &av, &an) != 0 || an == 0) {
		store_area_list_free(av, an);
		fprintf(l->out, "The focus areas cannot be read right now.\n");
		return 1;
	}
	fprintf(l->out, "Focus areas:\n");
	for (size_t i = 0; i < an; i++)
		fprintf(l->out, "  %zu. %s\n", i + 1, line_clean(l, av[i].name, false));
	while (*na == 0) {
		if (!line_read(l, "Which focus areas? Their numbers, separated by spaces: ", buf,
			sizeof buf)) {
			store_area_list_free(av, an);
			return -1;
		}
		bool bad = false;
		for (char *save = NULL, *w = strtok_r(buf, " ,", &save); w;
		     w = strtok_r(NULL, " ,", &save)) {
			int64_t v;
			if (!cmd_parse_id(w, &v) || v > (int64_t)an) {
				bad = true;
				break;
			}
			bool dup = false;
			for (size_t k = 0; k < *na; k++)
				dup = dup || areas[k] == av[v - 1].id;
			if (!dup && *na < 8)
				areas[(*na)++] = av[v - 1].id;
		}
		if (bad || *na == 0) {
			*na = 0;
			fprintf(l->out, "Type one or more of the numbers 1 to %zu.\n", an);
		}
	}
	store_area_list_free(av, an);
	return 0;
}

int line_challenge_submit(struct line *l, int64_t question_id, const char *title,
	const char *draft_body)
{
	char t[CMD_LINE_MAX + 1], context[64];
	char *body = NULL;
	struct store_question q = { 0 };
	if (store_question_get(l->st, question_id, &q) != 0 ||
	    !store_question_is_open(&q, bbs_now())) {
		store_question_finish(&q);
		fprintf(l->out, "This question is not open for answers now.\n");
		return 1;
	}
	store_question_finish(&q);
	if (l->u->silenced_until > bbs_now()) {
		fprintf(l->out, "A moderator has silenced you for now: you cannot submit.\n");
		return 1;
	}
	(void)bbs_snprintf(context, sizeof context, "challenge:%lld", (long long)question_id);
	if (title && title[0]) {
		bbs_strlcpy(t, title, sizeof t);
	} else {
		fprintf(l->out, "Name one specific problem: a title (one line, at most %d bytes), the "
			"focus areas it concerns, then an explanation.\n", STORE_CHALLENGE_TITLE_MAX);
		for (;;) {
			if (!line_read(l, "Title (empty: cancel): ", t, sizeof t))
				return -1;
			if (!t[0]) {
				fprintf(l->out, "Cancelled: nothing was submitted.\n");
				return 1;
			}
			if (strlen(t) <= STORE_CHALLENGE_TITLE_MAX)
				break;
			fprintf(l->out, "That title is too long (at most %d bytes).\n",
				STORE_CHALLENGE_TITLE_MAX);
		}
	}
	int64_t areas[8];
	size_t na = 0;
	int r = ask_areas(l, areas, &na);
	if (r != 0)
		return r;
	struct line_body b = { .what = "the explanation", .max = STORE_CHALLENGE_BODY_MAX,
		.context = context, .title = t, .initial = draft_body };
	r = line_body(l, &b, &body);
	if (r != 0)
		return r;
	int64_t id = 0;
	int e = store_challenge_submit(l->st, question_id, l->u->id, t, body, areas, na, NULL, &id);
	free(body);
	if (e != 0) {
		challenge_error(l, e, "submitted");
		return 1;
	}
	(void)store_draft_delete(l->st, l->u->id, context);
	fprintf(l->out, "Your challenge is submitted (challenge %lld).\n", (long long)id);
	return 0;
}

static void print_counts(struct line *l, const char *what, struct store_count *v, size_t n)
{
	if (n == 0)
		return;
	fprintf(l->out, "  %s:", what);
	for (size_t i = 0; i < n; i++)
		fprintf(l->out, "%s %s %lld", i ? "," : "", line_clean(l, v[i].label, false),
			(long long)v[i].count);
	fputc('\n', l->out);
}

/* ---- moderators (as ui/challenge-act.c and ui/question.c) ---- */

static bool is_moderator(const struct line *l)
{
	return l->u->role >= STORE_ROLE_MODERATOR;
}

/* A member typed a moderator's letter: nothing is asked (the store would refuse anyway). */
static bool mod_refused(struct line *l)
{
	if (is_moderator(l))
		return false;
	fprintf(l->out, "Only moderators can do that: nothing was changed.\n");
	return true;
}

/* The store's answer to a moderator action; true when it was done. */
static bool mod_result(struct line *l, int r, const char *done, const char *what)
{
	if (r == 0)
		fprintf(l->out, "%s\n", done);
	else if (r == BBS_ERR_DENIED)
		fprintf(l->out, "Only moderators can do that: nothing was %s.\n", what);
	else if (r == BBS_ERR_NOTFOUND)
		fprintf(l->out, "That challenge is no longer listed (withdrawn or merged meanwhile): "
			"nothing was %s.\n", what);
	else if (r == BBS_ERR_INVALID)
		fprintf(l->out, "That cannot be done to this challenge: nothing was %s.\n", what);
	else if (r == BBS_ERR_TOOBIG)
		fprintf(l->out, "The reason is too long: nothing was %s.\n", what);
	else if (r == BBS_ERR_EXISTS)
		fprintf(l->out, "It is a discussion already: nothing was %s.\n", what);
	else
		fprintf(l->out, "Could not save (%s), please try again: nothing was %s.\n",
			bbs_strerror(r), what);
	return r == 0;
}

/* m: merges c into another challenge of the same question (asked), after y/n. True when
 * merged (c is no longer listed). */
static bool mod_merge(struct line *l, const struct store_challenge *c)
{
	char prompt[128], buf[CMD_LINE_MAX + 1];
	int64_t into;
	(void)bbs_snprintf(prompt, sizeof prompt, "Merge challenge %lld into which challenge? Its "
		"number (empty: cancel): ", (long long)c->id);
	if (!line_read(l, prompt, buf, sizeof buf) || !buf[0])
		return false;
	const char *p = buf + strspn(buf, "#");
	if (!cmd_parse_id(p, &into)) {
		fprintf(l->out, "Type a challenge number, such as 12: nothing was merged.\n");
		return false;
	}
	if (into == c->id) {
		fprintf(l->out, "A challenge cannot be merged into itself: nothing was merged.\n");
		return false;
	}
	/* The store refuses what is withdrawn, merged or of another question too; saying which
	 * spares the moderator a guess. A hidden one is refused here: what is merged into it
	 * would vanish from members' view with it. */
	struct store_challenge t = { 0 };
	int r = store_challenge_get(l->st, l->u->id, into, &t);
	bool ok = false;
	if (r == BBS_ERR_DENIED)
		fprintf(l->out, "Only moderators can do that: nothing was merged.\n");
	else if (r != 0)
		fprintf(l->out, "There is no challenge %lld: nothing was merged.\n", (long long)into);
	else if (t.withdrawn)
		fprintf(l->out, "Challenge %lld was withdrawn by its author: nothing was merged.\n",
			(long long)into);
	else if (t.merged_into)
		fprintf(l->out, "Challenge %lld was merged into challenge %lld already: nothing was "
			"merged.\n", (long long)into, (long long)t.merged_into);
	else if (t.question_id != c->question_id)
		fprintf(l->out, "Challenge %lld answers another question: nothing was merged.\n",
			(long long)into);
	else if (t.hidden)
		fprintf(l->out, "Challenge %lld is hidden: show it again first (s), or merge it into "
			"this one. Nothing was merged.\n", (long long)into);
	else
		ok = true;
	if (ok) {
		fprintf(l->out, "Into: challenge %lld, %s\n", (long long)into,
			line_clean(l, t.title, false));
		ok = line_yes(l, "Merge it? Its endorsements and its author go to that one. (y/n): ");
		if (!ok)
			fprintf(l->out, "Nothing was merged.\n");
	}
	store_challenge_finish(&t);
	return ok && mod_result(l, store_challenge_merge(l->st, l->u->id, c->id, into),
		"Merged; the moderation record shows it.", "merged");
}

/* h: hides c with a reason members see (one line, 1..STORE_FIELD_MAX bytes). */
static bool mod_hide(struct line *l, const struct store_challenge *c)
{
	char reason[CMD_LINE_MAX + 1];
	if (!line_read(l, "Reason for hiding, shown to members (one line; empty: cancel): ", reason,
		sizeof reason))
		return false;
	if (!reason[0]) {
		fprintf(l->out, "Not hidden: a reason is needed, members see it.\n");
		return false;
	}
	if (strlen(reason) > STORE_FIELD_MAX) {
		fprintf(l->out, "That reason is too long (at most %d bytes): nothing was hidden.\n",
			STORE_FIELD_MAX);
		return false;
	}
	return mod_result(l, store_challenge_hide(l->st, l->u->id, c->id, reason),
		"Hidden; the moderation record shows it.", "hidden");
}

/* s: shows a hidden c again. */
static bool mod_unhide(struct line *l, const struct store_challenge *c)
{
	if (!c->hidden) {
		fprintf(l->out, "This challenge is not hidden.\n");
		return false;
	}
	return mod_result(l, store_challenge_unhide(l->st, l->u->id, c->id), "Shown again.",
		"changed");
}

/* p: starts a discussion from c in the first board of its first focus area (as the UI does),
 * after y/n. */
static bool mod_promote(struct line *l, const struct store_challenge *c)
{
	if (c->thread_id > 0) {
		fprintf(l->out, "Already a discussion (d opens it).\n");
		return false;
	}
	if (c->hidden) {
		fprintf(l->out, "A hidden challenge is not made a discussion: show it again first "
			"(s).\n");
		return false;
	}
	struct store_board *v = NULL;
	size_t n = 0;
	if (c->nareas == 0 || store_board_list(l->st, l->u->id, c->areas[0], &v, &n) != 0 ||
	    n == 0) {
		store_board_list_free(v, n);
		fprintf(l->out, "Its focus area has no board to start the discussion in.\n");
		return false;
	}
	int64_t board = v[0].id, thread = 0;
	fprintf(l->out, "The discussion starts in the board %s, by the challenge's author, with "
		"its title and explanation.\n", line_clean(l, v[0].name, false));
	store_board_list_free(v, n);
	if (!line_yes(l, "Promote it to a discussion? (y/n): ")) {
		fprintf(l->out, "Nothing was promoted.\n");
		return false;
	}
	return mod_result(l, store_challenge_promote(l->st, l->u->id, c->id, board, &thread),
		"Promoted to a discussion; d opens it.", "promoted");
}

/* A UTC day as "YYYY-MM-DD", or none when t is 0. */
static void fmt_day(int64_t t, const char *none, char out[20])
{
	if (t <= 0) {
		bbs_strlcpy(out, none, 20);
		return;
	}
	cmd_fmt_time(t, out);
	out[10] = '\0';
}

static const char settings_help[] =
	"Question settings: 1 the question's text; 2 the day it opens; 3 the day it closes; 4 "
	"whether answers are visible before answering (switches); 5 save the changes; 6 ask it as "
	"a new question (the current one goes to the archive); q back, unsaved changes are lost; "
	"x log off.\n";

/* s: the question settings (moderators), as ui/question.c: nothing is stored before 5 or 6. */
static void question_settings(struct line *l, int64_t qid)
{
	if (mod_refused(l))
		return;
	struct store_question q = { 0 };
	if (store_question_get(l->st, qid, &q) != 0) {
		store_question_finish(&q);
		fprintf(l->out, "The question cannot be read right now.\n");
		return;
	}
	char *text = xstrdup(q.text ? q.text : ""), *intro = xstrdup(q.intro ? q.intro : "");
	int64_t opens = q.opens, closes = q.closes;
	bool reveal = q.reveal_after_answer;
	store_question_finish(&q);
	bool show = true;
	while (!line_done(l)) {
		char a[20], b[20], word[16], buf[CMD_LINE_MAX + 1];
		if (show) {
			fmt_day(opens, "now", a);
			fmt_day(closes, "never", b);
			fprintf(l->out, "\nQuestion settings (dates are UTC days; nothing is stored "
				"before 5 or 6)\n  1. Question:\n");
			line_print_text(l, text);
			fprintf(l->out, "  2. Opens (YYYY-MM-DD, empty = now): %s\n  3. Closes "
				"(YYYY-MM-DD, empty = never): %s\n  4. Answers visible before answering: "
				"%s\n  5. Save changes\n  6. Ask as a new question\n", a, b,
				reveal ? "no" : "yes");
		}
		show = true;
		int c = line_choose(l, "Question settings: type 1-6, q back> ", 6, "", settings_help,
			word, sizeof word);
		if (c <= 0)
			break;
		if (c == 1) {
			char *body = NULL;
			struct line_body lb = { .what = "the question (it replaces the old text)",
				.max = Q_TEXT_MAX, .title = "" };
			if (line_body(l, &lb, &body) != 0)
				continue;
			size_t len = strlen(body);
			while (len > 0 && body[len - 1] == '\n')
				body[--len] = '\0';
			if (!body[strspn(body, " \n")]) {
				fprintf(l->out, "The question must not be empty: the text was kept.\n");
				free(body);
			} else {
				free(text);
				text = body;
			}
		} else if (c == 2 || c == 3) {
			int64_t t;
			if (!line_read(l, c == 2 ? "Opens (YYYY-MM-DD, empty = now): " :
				"Closes (YYYY-MM-DD, empty = never): ", buf, sizeof buf))
				break;
			if (!bbs_parse_utc_day(buf, &t))
				fprintf(l->out, "Dates are YYYY-MM-DD: nothing was changed.\n");
			else if (c == 2)
				opens = t;
			else
				closes = t > 0 ? t + Q_DAY - 1 : 0;   /* until the end of that day */
		} else if (c == 4) {
			reveal = !reveal;
		} else if (closes > 0 && closes <= opens) {
			fprintf(l->out, "It must close after it opens: nothing was stored.\n");
			show = false;
		} else {
			bool as_new = c == 6;
			int64_t id = 0;
			int r;
			if (as_new && !line_yes(l, "Ask this as a new question? The current one goes to "
				"the archive. (y/n): ")) {
				fprintf(l->out, "Nothing was stored.\n");
				show = false;
				continue;
			}
			r = as_new ? store_question_create(l->st, l->u->id, text, "", opens, closes,
				reveal, &id) : store_question_update(l->st, l->u->id, qid, text, intro,
				opens, closes, reveal);
			if (r == 0) {
				fprintf(l->out, as_new ? "Asked as a new question.\n" : "Question saved.\n");
				break;
			}
			if (r == BBS_ERR_DENIED)
				fprintf(l->out, "Only moderators can do that: nothing was stored.\n");
			else if (r == BBS_ERR_INVALID || r == BBS_ERR_TOOBIG)
				fprintf(l->out, "The question must be 1 to %d bytes: nothing was stored.\n",
					Q_TEXT_MAX);
			else
				fprintf(l->out, "Could not save (%s), please try again: nothing was "
					"stored.\n", bbs_strerror(r));
			show = false;
		}
	}
	free(text);
	free(intro);
}

static const char one_help[] =
	"Challenge choices: e endorse it; u take your endorsement back; ! report it to the "
	"moderators; d the discussion it became; yours only: c change it (while the question is "
	"open), w withdraw it; moderators: m merge it into another, h hide it (asks a reason), s "
	"show it again, p promote it to a discussion; q back; x log off.\n";

/* The author changes their challenge: title, areas and explanation, all typed again. */
static void challenge_change(struct line *l, const struct store_challenge *c)
{
	char t[CMD_LINE_MAX + 1], context[64];
	char *body = NULL;
	int64_t areas[8];
	size_t na = 0;
	fprintf(l->out, "Its title now: %s\n", line_clean(l, c->title, false));
	if (!line_read(l, "New title (Enter keeps it): ", t, sizeof t))
		return;
	if (!t[0])
		bbs_strlcpy(t, c->title, sizeof t);
	if (strlen(t) > STORE_CHALLENGE_TITLE_MAX) {
		fprintf(l->out, "That title is too long (at most %d bytes): nothing was changed.\n",
			STORE_CHALLENGE_TITLE_MAX);
		return;
	}
	if (ask_areas(l, areas, &na) != 0)
		return;
	fprintf(l->out, "Its explanation now:\n");
	line_print_text(l, c->body);
	(void)bbs_snprintf(context, sizeof context, "challenge-edit:%lld", (long long)c->id);
	struct line_body b = { .what = "the new explanation (it replaces the old one)",
		.max = STORE_CHALLENGE_BODY_MAX, .context = context, .title = t };
	if (line_body(l, &b, &body) != 0)
		return;
	int r = store_challenge_edit(l->st, c->id, l->u->id, t, body, areas, na);
	free(body);
	if (r != 0) {
		challenge_error(l, r, "changed");
		return;
	}
	(void)store_draft_delete(l->st, l->u->id, context);
	fprintf(l->out, "Your challenge is changed.\n");
}

/* One of the moderators' letters in one challenge. */
static bool mod_key(const char *word)
{
	return word[0] && !word[1] && strchr("mhsp", word[0]);
}

/* A moderator's letter in one challenge (members are refused): true when c changed. *gone
 * is set when c is no longer listed (merged). */
static bool challenge_moderate(struct line *l, const struct store_challenge *c, char key,
	bool *gone)
{
	if (mod_refused(l))
		return false;
	switch (key) {
	case 'm': return *gone = mod_merge(l, c);
	case 'h': return mod_hide(l, c);
	case 's': return mod_unhide(l, c);
	case 'p': return mod_promote(l, c);
	default: return false;
	}
}

static void challenge_one(struct line *l, int64_t id)
{
	bool show = true;  /* false: only a message was printed, the challenge stands */
	while (!line_done(l)) {
		struct store_challenge c = { 0 };
		int r = store_challenge_get(l->st, l->u->id, id, &c);
		if (r != 0) {
			store_challenge_finish(&c);
			fprintf(l->out, "That challenge cannot be shown.\n");
			return;
		}
		bool mod = is_moderator(l);
		if (show) {
			char when[LINE_TIME_LEN];
			line_time(l, c.created, when);
			/* Moderators see a hidden challenge's title (the store blanks it for members). */
			fprintf(l->out, "\nChallenge %lld: %s%s\n", (long long)c.id,
				c.hidden && !mod ? "[hidden by a moderator]" : line_clean(l, c.title, false),
				c.hidden && mod ? " [hidden by a moderator]" : "");
			fprintf(l->out, "  By ");
			cmd_print_party(l->out, line_clean(l, c.author_name, false),
				line_clean(l, c.author_handle, false));
			fprintf(l->out, ", %s%s\n", when, c.edited ? " (edited)" : "");
			if (c.credits[0])
				fprintf(l->out, "  Also credited: %s\n", line_clean(l, c.credits, false));
			if (c.hidden)
				fprintf(l->out, "  Hidden by a moderator: %s\n",
					line_clean(l, c.hidden_reason, false));
			if (c.withdrawn)
				fprintf(l->out, "  Withdrawn by its author.\n");
			if (c.merged_into)
				fprintf(l->out, "  Merged into challenge %lld.\n", (long long)c.merged_into);
			if (c.body && c.body[0])
				line_print_text(l, c.body);
			fprintf(l->out, "  Endorsements: %lld%s\n", (long long)c.endorsements,
				c.endorsed_by_viewer ? " (you endorse it)" : "");
			struct store_count *cv = NULL;
			size_t cn = 0;
			if (store_challenge_endorsers(l->st, c.id, STORE_BY_SECTOR, &cv, &cn) == 0)
				print_counts(l, "By sector", cv, cn);
			store_count_list_free(cv, cn);
			if (c.thread_id)
				fprintf(l->out, "  Promoted to discussion %lld (d opens it).\n",
					(long long)c.thread_id);
		}
		show = true;
		bool mine = c.author_id == l->u->id;
		char word[16];
		/* The moderators' letters are known to everyone so that a member is told "only
		 * moderators" rather than "unknown choice". */
		int k = line_choose(l, mine ? (mod ? "Challenge: c change, w withdraw, m/h/s/p "
			"moderate, q back, ? help> " : "Challenge: c change, w withdraw it, q back> ")
			: (mod ? "Challenge: e endorse, u take back, ! report, m/h/s/p moderate, q back, ? "
			"help> " : "Challenge: e endorse, u take back, ! report, q back> "), 0,
			mine ? "c w d m h s p" : "e u ! d m h s p", one_help, word, sizeof word);
		bool gone = false;
		if (k == 0 && strcmp(word, "c") == 0 && mine)
			challenge_change(l, &c);
		else if (k == 0 && mod_key(word))
			show = challenge_moderate(l, &c, word[0], &gone);
		int64_t thread = c.thread_id;
		store_challenge_finish(&c);
		if (k < 0 || strcmp(word, "q") == 0 || gone)
			return;
		if (strcmp(word, "c") == 0 || mod_key(word))
			continue;
		if (strcmp(word, "d") == 0) {
			if (thread > 0)
				line_thread(l, thread, 0);
			else {
				fprintf(l->out, "Not a discussion yet.\n");
				show = false;
			}
			continue;
		}
		if (strcmp(word, "!") == 0) {
			line_report(l, STORE_REPORT_CHALLENGE, id);
			show = false;
			continue;
		}
		if ((strcmp(word, "e") == 0 || strcmp(word, "u") == 0) && !mine) {
			bool on = word[0] == 'e';
			r = store_challenge_endorse(l->st, id, l->u->id, on);
			if (r != 0)
				challenge_error(l, r, on ? "endorsed" : "changed");
			else
				fprintf(l->out, on ? "You endorse it.\n" : "Your endorsement is taken back.\n");
		} else if (strcmp(word, "w") == 0 && mine) {
			if (line_yes(l, "Withdraw your challenge? (y/n): ")) {
				r = store_challenge_withdraw(l->st, id, l->u->id);
				if (r != 0)
					challenge_error(l, r, "withdrawn");
				else {
					fprintf(l->out, "Withdrawn.\n");
					return;
				}
			}
		} else {
			line_unknown(l);
		}
	}
}

static void challenge_list(struct line *l, int64_t qid, enum store_challenge_order order,
	bool own)
{
	static const char help[] = "Challenges: a number shows that one; m more; p previous page; "
		"moderators: s the question settings; q back; x log off.\n";
	bool mod = is_moderator(l);
	int64_t off = 0;
	bool show = true;  /* false: only a message was printed, the list stands */
	while (!line_done(l)) {
		struct store_challenge *v = NULL;
		size_t n = 0;
		bool pending = false;
		if (store_challenge_list(l->st, l->u->id, qid, order, 0, own ? l->u->id : 0, off,
			CH_PAGE, &v, &n, &pending) != 0) {
			fprintf(l->out, "The challenges cannot be read right now.\n");
			return;
		}
		if (show) {
			if (pending)
				fprintf(l->out, "Others' answers are shown once you have submitted your own.\n");
			fprintf(l->out, "\nChallenges%s:\n", own ? " you submitted" : order == STORE_CH_NEWEST
				? ", newest first" : ", most endorsed first");
			/* Moderators: the title of a hidden one too, and each one's number (merging
			 * asks for it). */
			for (size_t i = 0; i < n; i++) {
				fprintf(l->out, "  %zu. %s%s - %lld endorsement%s%s", i + 1,
					v[i].hidden && !mod ? "[hidden by a moderator]"
					: line_clean(l, v[i].title, false),
					v[i].hidden && mod ? " [hidden by a moderator]" : "",
					(long long)v[i].endorsements, v[i].endorsements == 1 ? "" : "s",
					v[i].endorsed_by_viewer ? ", you endorse it" : "");
				if (mod)
					fprintf(l->out, " (challenge %lld)", (long long)v[i].id);
				fputc('\n', l->out);
			}
			if (n == 0)
				fprintf(l->out, "  None%s.\n", off ? " more" : " yet");
		}
		show = true;
		char word[16];
		int c = line_choose(l, mod ? "Challenges: type a number to show, m more, s settings, q "
			"back> " : "Challenges: type a number to show, m more, q back> ", (int)n, "m p s",
			help, word, sizeof word);
		int64_t open = c > 0 ? v[c - 1].id : 0;
		store_challenge_list_free(v, n);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		if (open)
			challenge_one(l, open);
		else if (strcmp(word, "m") == 0 && n == CH_PAGE)
			off += CH_PAGE;
		else if (strcmp(word, "m") == 0) {
			fprintf(l->out, "There are no more.\n");
			show = false;
		}
		else if (strcmp(word, "p") == 0)
			off = off > CH_PAGE ? off - CH_PAGE : 0;
		else if (strcmp(word, "s") == 0)
			question_settings(l, qid);
		else
			line_unknown(l);
	}
}

/* Who answered, by sector and region, and the ten most endorsed (counts only, no names). */
static void results(struct line *l, const struct store_question *q)
{
	struct store_count *cv = NULL;
	size_t cn = 0;
	fprintf(l->out, "\nResults: %lld member%s answered.\n", (long long)q->respondents,
		q->respondents == 1 ? "" : "s");
	if (store_question_respondents(l->st, q->id, STORE_BY_SECTOR, &cv, &cn) == 0)
		print_counts(l, "By sector", cv, cn);
	store_count_list_free(cv, cn);
	cv = NULL;
	cn = 0;
	if (store_question_respondents(l->st, q->id, STORE_BY_REGION, &cv, &cn) == 0)
		print_counts(l, "By region", cv, cn);
	store_count_list_free(cv, cn);
	struct store_challenge *v = NULL;
	size_t n = 0;
	bool pending = false;
	if (store_challenge_list(l->st, l->u->id, q->id, STORE_CH_BY_ENDORSEMENTS, 0, 0, 0, 10, &v,
		&n, &pending) != 0) {
		fprintf(l->out, "The challenges cannot be read right now.\n");
		return;
	}
	fprintf(l->out, "Most endorsed:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(l->out, "  %lld endorsement%s: %s\n", (long long)v[i].endorsements,
			v[i].endorsements == 1 ? "" : "s",
			v[i].hidden ? "[hidden by a moderator]" : line_clean(l, v[i].title, false));
	if (n == 0)
		fprintf(l->out, "  None%s.\n", pending ? " shown until you have answered" : " yet");
	store_challenge_list_free(v, n);
}

/* The public moderation record, newest first (moderators are never named). */
static void modlog(struct line *l)
{
	struct store_modlog *v = NULL;
	size_t n = 0;
	if (store_modlog_list(l->st, 0, 100, &v, &n) != 0) {
		fprintf(l->out, "The moderation record cannot be read right now.\n");
		return;
	}
	fprintf(l->out, "\nThe moderation record (newest first, at most 100):\n");
	for (size_t i = 0; i < n; i++) {
		char when[LINE_TIME_LEN];
		line_time(l, v[i].at, when);
		fprintf(l->out, "  %s  %s  %s", when, line_clean(l, v[i].action, false),
			line_clean(l, v[i].target, false));
		if (v[i].reason[0])
			fprintf(l->out, "  (%s)", line_clean(l, v[i].reason, false));
		fprintf(l->out, "  by a %s\n", line_clean(l, v[i].by_role, false));
	}
	if (n == 0)
		fprintf(l->out, "  Nothing yet.\n");
	store_modlog_list_free(v, n);
}

/* Earlier questions: a number shows one with its challenges. */
static void archive(struct line *l)
{
	static const char help[] = "Earlier questions: a number shows that question and its "
		"challenges; q back; x log off.\n";
	while (!line_done(l)) {
		struct store_question *v = NULL;
		size_t n = 0;
		if (store_question_list(l->st, &v, &n) != 0) {
			fprintf(l->out, "The questions cannot be read right now.\n");
			return;
		}
		fprintf(l->out, "\nAll questions, newest first:\n");
		for (size_t i = 0; i < n; i++) {
			char when[LINE_TIME_LEN];
			line_time(l, v[i].created, when);
			fprintf(l->out, "  %zu. %s%s (asked %s, %lld challenge%s)\n", i + 1,
				v[i].current ? "(current) " : "", line_clean(l, v[i].text, false), when,
				(long long)v[i].challenges, v[i].challenges == 1 ? "" : "s");
		}
		char word[16];
		int c = line_choose(l, "Questions: type a number to show, q back> ", (int)n, "", help,
			word, sizeof word);
		if (c > 0) {
			fprintf(l->out, "\nQuestion:\n");
			line_print_text(l, v[c - 1].text);
			results(l, &v[c - 1]);
			challenge_list(l, v[c - 1].id, STORE_CH_BY_ENDORSEMENTS, false);
		}
		store_question_list_free(v, n);
		if (c <= 0)
			return;
	}
}

static const char question_help[] =
	"The challenge question: 1 challenges by endorsements, 2 newest first, 3 your own, 4 "
	"submit a challenge, 5 results, 6 earlier questions, 7 the moderation record; moderators: "
	"s the question settings; q back; x log off.\n";

void line_challenge(struct line *l)
{
	/* The question's text once; after that only its status and the choices. */
	bool first = true;
	while (!line_done(l)) {
		struct store_question q = { 0 };
		int r = store_question_current(l->st, &q);
		if (r != 0) {
			store_question_finish(&q);
			fprintf(l->out, "There is no challenge question at the moment.\n");
			return;
		}
		int64_t now = bbs_now();
		bool open = store_question_is_open(&q, now);
		char opens[20], closes[20];
		cmd_fmt_time(q.opens, opens);
		cmd_fmt_time(q.closes, closes);
		fprintf(l->out, "\nThe challenge question\n");
		if (first) {
			fputc('\n', l->out);
			line_print_text(l, q.text);
			if (q.intro[0]) {
				fputc('\n', l->out);
				line_print_text(l, q.intro);
			}
			first = false;
		}
		if (open)
			fprintf(l->out, "\nOpen for answers%s%s%s. Challenges: %lld; members who "
				"answered: %lld.\n", q.closes ? " until " : "", q.closes ? closes : "",
				q.closes ? " UTC" : "", (long long)q.challenges, (long long)q.respondents);
		else if (q.opens > now)
			fprintf(l->out, "\nOpens for answers on %s UTC.\n", opens);
		else
			fprintf(l->out, "\nClosed for answers. Challenges: %lld; members who answered: "
				"%lld.\n", (long long)q.challenges, (long long)q.respondents);
		int64_t qid = q.id;
		fprintf(l->out, "  1. Challenges, most endorsed first\n  2. Challenges, newest first\n"
			"  3. Your challenges\n  4. Submit a challenge\n  5. Results\n"
			"  6. Earlier questions\n  7. The moderation record\n");
		char word[16];
		int c = line_choose(l, is_moderator(l) ? "Challenge question: type 1-7, s settings, q "
			"back> " : "Challenge question: type 1-7, q back> ", 7, "s", question_help, word,
			sizeof word);
		if (c == 5)
			results(l, &q);
		store_question_finish(&q);
		if (c < 0 || (c == 0 && strcmp(word, "q") == 0))
			return;
		switch (c) {
		case 1: challenge_list(l, qid, STORE_CH_BY_ENDORSEMENTS, false); break;
		case 2: challenge_list(l, qid, STORE_CH_NEWEST, false); break;
		case 3: challenge_list(l, qid, STORE_CH_BY_ENDORSEMENTS, true); break;
		case 4: (void)line_challenge_submit(l, qid, NULL, NULL); break;
		case 5: break;
		case 6: archive(l); break;
		case 7: modlog(l); break;
		default:
			if (strcmp(word, "s") == 0)
				question_settings(l, qid);
			else
				line_unknown(l);
		}
	}
}
