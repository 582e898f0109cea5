/*
 * challenge.c: the challenge question in the command interface (`ssh host challenge ...`).
 *
 *   challenge [question]          the current question, its status, counts and focus areas
 *   challenge list [--newest] [--mine] [--area AREA]
 *                                 its challenges, one line each
 *   challenge show ID             one challenge with its explanation and endorsements
 *   challenge submit --title T --area AREA [--area AREA...] [--id TOKEN] < text
 *   challenge endorse ID / challenge unendorse ID
 *
 * The same rules as the full-screen UI (ui/challenge*.c): the store decides who sees what
 * (answer-before-reveal, hidden challenges blanked for members, withdrawn and merged ones not
 * listed) and refuses what is not allowed (a closed question, a silenced member, one's own
 * challenge, a hidden one); this file only words its answers. Like the UI, a question that is
 * no longer the current one takes no answers and no endorsements.
 *
 * Output: plain UTF-8, fields separated by two spaces, times "YYYY-MM-DD HH:MM" UTC. Text from
 * the store is already clean. Exit status: 0 done, 1 refused (message on stderr), 2 bad usage
 * (the caller prints the usage line).
 *
 * Must never: store part of an explanation (too large or not UTF-8: refused whole), echo a
 * word the member typed that the store did not accept (it may hold anything), or print a
 * hidden challenge's text to a member (the store blanks it; nothing here asks for more).
 */
#include "cmd/cmd.h"
#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

#define LIST_PAGE 200       /* rows read at a time */
#define LIST_MAX 5000       /* rows printed at most */
#define AREAS_MAX 8         /* focus areas on one challenge (the store's limit) */
#define REVEAL_NOTE "other members' answers are shown after you submit your own"

struct chx {
	struct store *st;
	const struct store_user *u;
	FILE *in, *out, *err;
	struct store_area *areas;   /* focus areas, read once */
	size_t nareas;
};

static int oops(struct chx *x, int r, const char *what)
{
	fprintf(x->err, "bbs: could not %s (%s), please try again\n", what, bbs_strerror(r));
	return 1;
}

static const char *area_name(const struct chx *x, int64_t id, bool short_name, int *len)
{
	for (size_t k = 0; k < x->nareas; k++) {
		if (x->areas[k].id == id) {
			const char *name = x->areas[k].name;
			/* The short name is the first word, as on the UI's list: "Global". */
			*len = short_name ? (int)strcspn(name, " ") : (int)strlen(name);
			return name;
		}
	}
	*len = 1;
	return "?";
}

static void print_areas(const struct chx *x, const struct store_challenge *c, bool short_names)
{
	for (size_t i = 0; i < c->nareas; i++) {
		int len;
		const char *name = area_name(x, c->areas[i], short_names, &len);
		fprintf(x->out, "%s%.*s", i ? ", " : "", len, name);
	}
}

/* An area given as its slug ("global") or its number. */
static bool area_parse(const struct chx *x, const char *s, int64_t *id)
{
	int64_t n = 0;
	bool numeric = cmd_parse_id(s, &n);
	for (size_t k = 0; k < x->nareas; k++) {
		if ((numeric && x->areas[k].id == n) || strcmp(x->areas[k].slug, s) == 0) {
			*id = x->areas[k].id;
			return true;
		}
	}
	return false;
}

static void print_count(FILE *out, int64_t n, const char *one, const char *many)
{
	fprintf(out, "%lld %s", (long long)n, n == 1 ? one : many);
}

/* "Open", "Open until YYYY-MM-DD UTC", "Closed on ...", "Opens on ...", "Closed" (a question
 * that is no longer the current one): the UI's wording (ui_question_status). */
static void print_status(FILE *out, const struct store_question *q)
{
	int64_t now = bbs_now();
	char day[20];
	if (q->opens > now) {
		cmd_fmt_time(q->opens, day);
		fprintf(out, "Opens on %.10s UTC", day);
	} else if (q->closes > 0 && q->closes <= now) {
		cmd_fmt_time(q->closes, day);
		fprintf(out, "Closed on %.10s UTC", day);
	} else if (!q->current) {
		fputs("Closed", out);
	} else if (q->closes > 0) {
		cmd_fmt_time(q->closes, day);
		fprintf(out, "Open until %.10s UTC", day);
	} else {
		fputs("Open", out);
	}
}

static bool question_takes_answers(const struct store_question *q)
{
	return q->current && store_question_is_open(q, bbs_now());
}

/* The current question into *q; 1 (message printed) when there is none or on error. */
static int current_question(struct chx *x, struct store_question *q)
{
	int r = store_question_current(x->st, q);
	if (r == 0)
		return 0;
	store_question_finish(q);
	if (r == BBS_ERR_NOTFOUND) {
		fprintf(x->err, "bbs: no question has been asked yet\n");
		return 1;
	}
	return oops(x, r, "read the question");
}

/* challenge [question] */
static int ch_question(struct chx *x, int argc, char **argv)
{
	(void)argv;
	if (argc > 2)
		return 2;
	struct store_question q = { 0 };
	if (current_question(x, &q) != 0)
		return 1;
	fprintf(x->out, "Question %lld: ", (long long)q.id);
	print_status(x->out, &q);
	fputc('\n', x->out);
	cmd_print_indented(x->out, q.text);
	if (q.intro && q.intro[0]) {
		fputc('\n', x->out);
		cmd_print_indented(x->out, q.intro);
	}
	fputc('\n', x->out);
	print_count(x->out, q.challenges, "challenge", "challenges");
	fputs(" from ", x->out);
	print_count(x->out, q.respondents, "member", "members");
	fputc('\n', x->out);
	fprintf(x->out, "Focus areas (for submit --area):\n");
	for (size_t k = 0; k < x->nareas; k++)
		fprintf(x->out, "  %s  %s\n", x->areas[k].slug, x->areas[k].name);
	store_question_finish(&q);
	return 0;
}

/* One row: "ID  N endorsements  AUTHOR  STATUS  TITLE  [Areas]", STATUS a comma-separated
 * list of yours, endorsed, hidden, promoted, or "-". */
static void list_row(struct chx *x, const struct store_challenge *c)
{
	fprintf(x->out, "%lld  ", (long long)c->id);
	print_count(x->out, c->endorsements, "endorsement", "endorsements");
	fprintf(x->out, "  %s  ", c->author_handle);
	const char *sep = "";
	if (c->author_id == x->u->id) {
		fprintf(x->out, "%syours", sep);
		sep = ",";
	}
	if (c->endorsed_by_viewer) {
		fprintf(x->out, "%sendorsed", sep);
		sep = ",";
	}
	if (c->hidden) {
		fprintf(x->out, "%shidden", sep);
		sep = ",";
	}
	if (c->thread_id > 0) {
		fprintf(x->out, "%spromoted", sep);
		sep = ",";
	}
	fprintf(x->out, "%s  ", sep[0] ? "" : "-");
	/* Members get a hidden challenge's title blanked by the store; moderators see it. */
	if (c->hidden)
		fprintf(x->out, "%s%s[hidden by a moderator: %s]", c->title ? c->title : "",
			c->title && c->title[0] ? " " : "", c->hidden_reason ? c->hidden_reason : "");
	else
		fputs(c->title ? c->title : "", x->out);
	if (c->nareas > 0) {
		fputs("  [", x->out);
		print_areas(x, c, true);
		fputc(']', x->out);
	}
	fputc('\n', x->out);
}

/* challenge list [--newest] [--mine] [--area AREA] */
static int ch_list(struct chx *x, int argc, char **argv)
{
	enum store_challenge_order order = STORE_CH_BY_ENDORSEMENTS;
	bool mine = false;
	int64_t area = 0;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--newest") == 0) {
			order = STORE_CH_NEWEST;
		} else if (strcmp(argv[i], "--mine") == 0) {
			mine = true;
		} else if (strcmp(argv[i], "--area") == 0 && i + 1 < argc) {
			if (!area_parse(x, argv[++i], &area)) {
				fprintf(x->err, "bbs: no such focus area (see: challenge question)\n");
				return 2;
			}
		} else {
			return 2;
		}
	}
	struct store_question q = { 0 };
	if (current_question(x, &q) != 0)
		return 1;
	fprintf(x->out, "Question %lld: ", (long long)q.id);
	print_status(x->out, &q);
	fputs("  ", x->out);
	print_count(x->out, q.challenges, "challenge", "challenges");
	fputs(" from ", x->out);
	print_count(x->out, q.respondents, "member", "members");
	fputc('\n', x->out);

	int r = 0;
	bool pending = false;
	int64_t shown = 0;
	for (int64_t off = 0; shown < LIST_MAX; off += LIST_PAGE) {
		struct store_challenge *v = NULL;
		size_t n = 0;
		r = store_challenge_list(x->st, x->u->id, q.id, order, area, mine ? x->u->id : 0, off,
			LIST_PAGE, &v, &n, &pending);
		if (r != 0)
			break;
		for (size_t i = 0; i < n && shown < LIST_MAX; i++, shown++)
			list_row(x, &v[i]);
		store_challenge_list_free(v, n);
		if (n < LIST_PAGE)
			break;
	}
	store_question_finish(&q);
	if (r != 0)
		return oops(x, r, "read the challenges");
	if (shown == 0)
		fprintf(x->out, mine ? "you have not answered this question yet\n"
			: area ? "no challenges in this area yet\n" : "no challenges yet\n");
	if (pending)
		fprintf(x->out, "%s\n", REVEAL_NOTE);
	return 0;
}

/* A challenge as the member may see it into *c; 1 (message printed) if they may not. */
static int get_challenge(struct chx *x, int64_t id, struct store_challenge *c)
{
	int r = store_challenge_get(x->st, x->u->id, id, c);
	if (r == 0)
		return 0;
	store_challenge_finish(c);
	if (r == BBS_ERR_NOTFOUND)
		fprintf(x->err, "bbs: no challenge %lld\n", (long long)id);
	else if (r == BBS_ERR_DENIED)
		fprintf(x->err, "bbs: %s\n", REVEAL_NOTE);
	else
		return oops(x, r, "read the challenge");
	return 1;
}

static void print_counts(struct chx *x, int64_t id, enum store_breakdown by, const char *heading)
{
	struct store_count *v = NULL;
	size_t n = 0;
	if (store_challenge_endorsers(x->st, id, by, &v, &n) != 0) {
		v = NULL;
		n = 0;
	}
	fprintf(x->out, "%s\n", heading);
	for (size_t i = 0; i < n; i++)
		fprintf(x->out, "  %s: %lld\n", v[i].label, (long long)v[i].count);
	if (n == 0)
		fprintf(x->out, "  none yet\n");
	store_count_list_free(v, n);
}

/* "Named endorsers: A, B (and N others)": only those who chose to be named. */
static void print_named(struct chx *x, int64_t id)
{
	char **names = NULL;
	size_t n = 0;
	int64_t others = 0;
	if (store_challenge_endorser_names(x->st, id, &names, &n, &others) != 0)
		return;
	if (n > 0) {
		fputs("Named endorsers: ", x->out);
		for (size_t i = 0; i < n; i++)
			fprintf(x->out, "%s%s", i ? ", " : "", names[i]);
		if (others > 0)
			fprintf(x->out, " (and %lld %s)", (long long)others,
				others == 1 ? "other" : "others");
		fputc('\n', x->out);
	}
	store_strings_free(names, n);
}

/* challenge show ID */
static int ch_show(struct chx *x, int argc, char **argv)
{
	int64_t id;
	if (argc != 3 || !cmd_parse_id(argv[2], &id))
		return 2;
	struct store_challenge c = { 0 };
	if (get_challenge(x, id, &c) != 0)
		return 1;
	char when[20];
	fprintf(x->out, "Challenge %lld (question %lld)\n", (long long)c.id,
		(long long)c.question_id);
	if (c.hidden)
		fprintf(x->out, "[hidden by a moderator: %s]\n", c.hidden_reason ? c.hidden_reason : "");
	if (c.title && c.title[0])
		fprintf(x->out, "Title: %s\n", c.title);
	fputs("By: ", x->out);
	cmd_print_party(x->out, c.author_name, c.author_handle);
	if (c.credits && c.credits[0])
		fprintf(x->out, ", with %s", c.credits);
	fputs("\nAreas: ", x->out);
	print_areas(x, &c, false);
	cmd_fmt_time(c.created, when);
	fprintf(x->out, "\nSubmitted: %s UTC", when);
	if (c.edited > 0) {
		cmd_fmt_time(c.edited, when);
		fprintf(x->out, ", edited %s UTC", when);
	}
	fputs("\nEndorsements: ", x->out);
	fprintf(x->out, "%lld%s\n", (long long)c.endorsements,
		c.endorsed_by_viewer ? " (you endorse it)" : "");
	print_named(x, c.id);
	if (c.withdrawn)
		fprintf(x->out, "Withdrawn by its author\n");
	if (c.merged_into > 0)
		fprintf(x->out, "Merged into challenge %lld\n", (long long)c.merged_into);
	if (c.thread_id > 0)
		fprintf(x->out, "Discussion: %lld (see: read %lld)\n", (long long)c.thread_id,
			(long long)c.thread_id);
	fputc('\n', x->out);
	if (c.body && c.body[0])
		cmd_print_indented(x->out, c.body);
	fputc('\n', x->out);
	print_counts(x, c.id, STORE_BY_SECTOR, "Endorsed by sector:");
	print_counts(x, c.id, STORE_BY_REGION, "Endorsed by region:");
	store_challenge_finish(&c);
	return 0;
}

/* The silence message if u is silenced now (as the UI's ui_silenced_message). */
static bool silenced(struct chx *x)
{
	struct store_user *u = NULL;
	bool yes = false;
	/* Read again: a moderator may have silenced the member a moment ago. */
	if (store_user_get_by_id(x->st, x->u->id, &u) == 0 && u && u->silenced_until > bbs_now()) {
		char until[20];
		cmd_fmt_time(u->silenced_until, until);
		fprintf(x->err, "bbs: you are silenced until %s UTC%s%s; nothing was submitted\n", until,
			u->silence_reason && u->silence_reason[0] ? ": " : "",
			u->silence_reason ? u->silence_reason : "");
		yes = true;
	}
	store_user_free(u);
	return yes;
}

/* challenge submit --title T --area AREA [--area AREA...] [--id TOKEN] < text */
static int ch_submit(struct chx *x, int argc, char **argv)
{
	const char *title = NULL, *token = NULL;
	int64_t areas[AREAS_MAX];
	size_t nareas = 0;
	for (int i = 2; i < argc; i += 2) {
		if (i + 1 >= argc)
			return 2;
		if (strcmp(argv[i], "--title") == 0) {
			title = argv[i + 1];
		} else if (strcmp(argv[i], "--id") == 0 && cmd_token_valid(argv[i + 1])) {
			token = argv[i + 1];
		} else if (strcmp(argv[i], "--area") == 0) {
			int64_t a;
			if (!area_parse(x, argv[i + 1], &a)) {
				fprintf(x->err, "bbs: no such focus area (see: challenge question); "
					"nothing was submitted\n");
				return 2;
			}
			bool dup = false;
			for (size_t k = 0; k < nareas; k++)
				dup = dup || areas[k] == a;
			if (!dup && nareas == AREAS_MAX)
				return 2;
			if (!dup)
				areas[nareas++] = a;
		} else {
			return 2;
		}
	}
	if (!title || nareas == 0)
		return 2;
	if (strlen(title) > STORE_CHALLENGE_TITLE_MAX) {
		fprintf(x->err, "bbs: the title is too long (at most %d bytes); nothing was "
			"submitted\n", STORE_CHALLENGE_TITLE_MAX);
		return 1;
	}
	struct store_question q = { 0 };
	if (current_question(x, &q) != 0)
		return 1;
	int64_t qid = q.id;
	store_question_finish(&q);
	/* The body is read whole before anything is decided, so a refused one is never half
	 * taken; the store checks the question and the member again in its transaction, after
	 * looking up the token (a retry of a stored submit succeeds even if it closed since). */
	char *body = cmd_read_body(x->in, x->err, STORE_CHALLENGE_BODY_MAX, "submitted");
	if (!body)
		return 1;
	int64_t id = 0;
	int r = store_challenge_submit(x->st, qid, x->u->id, title, body, areas, nareas, token,
		&id);
	free(body);
	switch (r) {
	case 0:
		fprintf(x->out, "submitted: challenge %lld\n", (long long)id);
		return 0;
	case BBS_ERR_DENIED:
		if (!silenced(x))
			fprintf(x->err, "bbs: this question is closed: no new answers; nothing was "
				"submitted\n");
		return 1;
	case BBS_ERR_TOOBIG:
		fprintf(x->err, "bbs: too long; nothing was submitted\n");
		return 1;
	case BBS_ERR_INVALID:
		fprintf(x->err, "bbs: a challenge needs a title; nothing was submitted\n");
		return 1;
	case BBS_ERR_NOTFOUND:
		fprintf(x->err, "bbs: no such focus area; nothing was submitted\n");
		return 1;
	case BBS_ERR_EXISTS:
		fprintf(x->err, "bbs: that --id was used for an answer to another question; nothing "
			"was submitted\n");
		return 1;
	default:
		fprintf(x->err, "bbs: could not submit (%s); nothing was submitted, please try again\n",
			bbs_strerror(r));
		return 1;
	}
}

/* challenge endorse ID / challenge unendorse ID: as the UI's e, with its refusals. */
static int ch_endorse(struct chx *x, int argc, char **argv, bool on)
{
	int64_t id;
	if (argc != 3 || !cmd_parse_id(argv[2], &id))
		return 2;
	struct store_challenge c = { 0 };
	if (get_challenge(x, id, &c) != 0)
		return 1;
	struct store_question q = { 0 };
	int r = store_question_get(x->st, c.question_id, &q);
	bool open = r == 0 && question_takes_answers(&q);
	bool own = c.author_id == x->u->id, gone = c.withdrawn || c.merged_into > 0;
	bool hidden = c.hidden;
	store_question_finish(&q);
	store_challenge_finish(&c);
	if (r != 0)
		return oops(x, r, "read the question");
	if (gone) {
		fprintf(x->err, "bbs: challenge %lld was withdrawn or merged: nothing to endorse\n",
			(long long)id);
		return 1;
	}
	if (own) {
		fprintf(x->err, "bbs: you cannot endorse your own challenge\n");
		return 1;
	}
	if (!open) {
		fprintf(x->err, "bbs: this question is closed: endorsements can no longer change\n");
		return 1;
	}
	if (hidden && on) {
		fprintf(x->err, "bbs: you cannot endorse this challenge\n");
		return 1;
	}
	r = store_challenge_endorse(x->st, id, x->u->id, on);
	if (r == BBS_ERR_DENIED) {
		fprintf(x->err, "bbs: you cannot endorse this challenge\n");
		return 1;
	} else if (r == BBS_ERR_NOTFOUND) {
		fprintf(x->err, "bbs: no challenge %lld\n", (long long)id);
		return 1;
	} else if (r != 0) {
		return oops(x, r, "save");
	}
	/* Read back for the count the member now sees. */
	if (store_challenge_get(x->st, x->u->id, id, &c) == 0) {
		fprintf(x->out, "%s: challenge %lld (", on ? "endorsed" : "endorsement taken back",
			(long long)id);
		print_count(x->out, c.endorsements, "endorsement", "endorsements");
		fputs(")\n", x->out);
	} else {
		fprintf(x->out, "%s: challenge %lld\n", on ? "endorsed" : "endorsement taken back",
			(long long)id);
	}
	store_challenge_finish(&c);
	return 0;
}

int cmd_challenge(struct store *st, const struct store_user *u, int argc, char **argv,
	FILE *in, FILE *out, FILE *err)
{
	struct chx x = { .st = st, .u = u, .in = in, .out = out, .err = err };
	const char *sub = argc >= 2 ? argv[1] : "question";
	int r;

	if (store_area_list(st, &x.areas, &x.nareas) != 0) {
		x.areas = NULL;
		x.nareas = 0;
	}
	if (strcmp(sub, "question") == 0)
		r = ch_question(&x, argc, argv);
	else if (strcmp(sub, "list") == 0)
		r = ch_list(&x, argc, argv);
	else if (strcmp(sub, "show") == 0)
		r = ch_show(&x, argc, argv);
	else if (strcmp(sub, "submit") == 0)
		r = ch_submit(&x, argc, argv);
	else if (strcmp(sub, "endorse") == 0)
		r = ch_endorse(&x, argc, argv, true);
	else if (strcmp(sub, "unendorse") == 0)
		r = ch_endorse(&x, argc, argv, false);
	else
		r = 2;
	store_area_list_free(x.areas, x.nareas);
	return r;
}
