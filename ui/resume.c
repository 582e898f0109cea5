/*
 * resume.c: going back to where the member was when the link dropped.
 *
 * When the session ends by a hangup or a signal (a dropped link, the session process gone, a
 * sysop's end), ui_app_run asks the top-most screen that has a where()
 * hook for its position, a few printable ASCII words:
 *   discussion THREAD SEQ   a discussion at post SEQ (discussion.c)
 *   board BOARD             a board's discussion list (threads.c)
 *   boards [AREA]           the board list, of every board or one focus area (boards.c)
 *   messages | directory | challenges
 *   challenge ID            one challenge (challenge-detail.c)
 * and stores it (store_user_set_resume) after the screens are destroyed, so that the drafts the
 * editor saves while unwinding go first. A log off, the quick exit and the idle logout (the
 * member chose to leave, or left long ago; a draft is kept all the same) clear it.
 *
 * At the next login the main menu (menu.c) offers it back before the draft offer:
 * "Go back to where you were (discussion 'TITLE', post N)? [y/N]". y opens it, anything else
 * clears it. What is read back is parsed strictly and checked again: the discussion, board,
 * area or challenge must still exist and be visible to this member now (no archived board, no
 * hidden challenge for a member who is not a moderator); otherwise it is cleared with a short
 * message and nothing opens.
 *
 * Must never: trust the stored words (they come from the database), open anything the member
 * could not open from the menu, or block the unwinding after a hangup for more than one short
 * write.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

/* The position noted at the end of the run (ui_resume_note), written by ui_resume_save. */
static char resume_noted[STORE_RESUME_MAX + 1];
static bool resume_have_note;
/* What the store holds now as far as this process knows (so that an unchanged position is not
 * written again), and a position offered but not answered (a hangup while asking: kept). */
static char resume_stored[STORE_RESUME_MAX + 1];
static bool resume_stored_known;
static char resume_kept[STORE_RESUME_MAX + 1];

#define RESUME_TITLE_COLS 40   /* a title in the question is cut to this width */
#define RESUME_GONE "Where you were before the link dropped is no longer there"

static bool resume_member(const struct ui_app *app)
{
	return app->user && !app->guest && !app->join;
}

void ui_resume_note(struct ui_app *app)
{
	resume_have_note = false;
	if (!resume_member(app))
		return;
	resume_noted[0] = '\0';
	/* status 0: a log off, the quick exit or the idle logout; else 128 + signal or 1 (the
	 * input went away): the link dropped or the session was ended. */
	if (app->status != 0 && !ui_term_quick_exited()) {
		for (int i = app->depth - 1; i >= 0; i--) {
			struct ui_screen *s = app->stack[i];
			char buf[STORE_RESUME_MAX + 1];
			if (s && s->where && s->where(s, buf, sizeof buf)) {
				bbs_strlcpy(resume_noted, buf, sizeof resume_noted);
				break;
			}
		}
		/* Nowhere to go back to on screen: an offer not answered yet stays. */
		if (!resume_noted[0])
			bbs_strlcpy(resume_noted, resume_kept, sizeof resume_noted);
	}
	resume_have_note = true;
}

/* Stores where ("" clears) unless the store already holds it. */
static void resume_store(struct ui_app *app, const char *where)
{
	const char *now = resume_stored_known ? resume_stored
		: (app->user->resume ? app->user->resume : "");
	if (strcmp(now, where) == 0)
		return;
	int r = store_user_set_resume(app->st, app->user->id, where);
	if (r != 0) {
		log_warn("resume position: %s", bbs_strerror(r));
		return;
	}
	bbs_strlcpy(resume_stored, where, sizeof resume_stored);
	resume_stored_known = true;
}

void ui_resume_save(struct ui_app *app)
{
	if (!resume_member(app) || !resume_have_note)
		return;
	resume_store(app, resume_noted);
	resume_have_note = false;
}

/* ---- reading a position back ---- */

enum resume_kind { R_NONE, R_DISCUSSION, R_BOARD, R_BOARDS, R_MESSAGES, R_DIRECTORY,
	R_CHALLENGES, R_CHALLENGE };

struct resume_pos {
	enum resume_kind kind;
	int64_t a, b;               /* the ids: thread and post, board, area, challenge */
};

/* A positive decimal id of at most 18 digits, nothing else. */
static bool resume_id(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;

	if (len == 0 || len > 18)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return v > 0;
}

/* Parses the words; false for anything malformed (unknown word, extra or missing ids, two
 * spaces, a sign, a leading blank). */
static bool resume_parse(const char *where, struct resume_pos *p)
{
	const char *w[4];
	size_t len[4], n = 0;
	const char *s = where;

	memset(p, 0, sizeof *p);
	if (!where || !*where || strlen(where) > STORE_RESUME_MAX)
		return false;
	for (;;) {
		const char *sp = strchr(s, ' ');
		size_t l = sp ? (size_t)(sp - s) : strlen(s);
		if (l == 0 || n == 4)
			return false;
		w[n] = s;
		len[n++] = l;
		if (!sp)
			break;
		s = sp + 1;
	}
#define WORD_IS(i, lit) (len[i] == sizeof(lit) - 1 && memcmp(w[i], lit, len[i]) == 0)
	if (WORD_IS(0, "discussion") && n == 3 && resume_id(w[1], len[1], &p->a) &&
	    resume_id(w[2], len[2], &p->b))
		p->kind = R_DISCUSSION;
	else if (WORD_IS(0, "board") && n == 2 && resume_id(w[1], len[1], &p->a))
		p->kind = R_BOARD;
	else if (WORD_IS(0, "boards") && (n == 1 || (n == 2 && resume_id(w[1], len[1], &p->a))))
		p->kind = R_BOARDS;
	else if (WORD_IS(0, "messages") && n == 1)
		p->kind = R_MESSAGES;
	else if (WORD_IS(0, "directory") && n == 1)
		p->kind = R_DIRECTORY;
	else if (WORD_IS(0, "challenges") && n == 1)
		p->kind = R_CHALLENGES;
	else if (WORD_IS(0, "challenge") && n == 2 && resume_id(w[1], len[1], &p->a))
		p->kind = R_CHALLENGE;
#undef WORD_IS
	return p->kind != R_NONE;
}

/* "'TITLE'" cut to RESUME_TITLE_COLS columns (clean text from the store; drawing cleans it
 * again). */
static void resume_quote(const char *title, char *buf, size_t size)
{
	int used = 0;
	size_t n = text_fit(title ? title : "", RESUME_TITLE_COLS, &used);
	bool cut = title && title[n] != '\0';
	(void)bbs_snprintf(buf, size, "'%.*s%s'", (int)n, title ? title : "", cut ? "..." : "");
}

/* A board the member can see: it exists and is not archived. */
static bool resume_board_ok(struct ui_app *app, int64_t board_id, char *name, size_t size)
{
	struct store_board b = { 0 };
	bool ok = store_board_get(app->st, app->user->id, board_id, &b) == 0 && !b.archived;

	if (ok && name)
		resume_quote(b.name, name, size);
	store_board_finish(&b);
	return ok;
}

/* A focus area in the menu (not archived): its name into name. */
static bool resume_area_ok(struct ui_app *app, int64_t area_id, char *name, size_t size)
{
	struct store_area *v = NULL;
	size_t n = 0;
	bool ok = false;

	if (store_area_list(app->st, &v, &n) != 0)
		return false;
	for (size_t i = 0; i < n && !ok; i++) {
		if (v[i].id == area_id) {
			bbs_strlcpy(name, v[i].name ? v[i].name : "", size);
			ok = true;
		}
	}
	store_area_list_free(v, n);
	return ok;
}

/* Checks p against the store for this member now and describes it into what; p->b (a post)
 * is brought within the discussion; *board gets a discussion's board. */
static bool resume_check(struct ui_app *app, struct resume_pos *p, int64_t *board, char *what,
	size_t size)
{
	char q[RESUME_TITLE_COLS * 4 + 16], area[STORE_FIELD_MAX + 1];

	*board = 0;
	switch (p->kind) {
	case R_DISCUSSION: {
		struct store_thread t = { 0 };
		bool ok = store_thread_get(app->st, app->user->id, p->a, &t) == 0 && t.posts > 0 &&
			resume_board_ok(app, t.board_id, NULL, 0);
		if (ok) {
			if (p->b > t.posts)
				p->b = t.posts;
			*board = t.board_id;
			resume_quote(t.title, q, sizeof q);
			ok = bbs_snprintf(what, size, "discussion %s, post %lld", q, (long long)p->b) == 0;
		}
		store_thread_finish(&t);
		return ok;
	}
	case R_BOARD:
		return resume_board_ok(app, p->a, q, sizeof q) &&
			bbs_snprintf(what, size, "the discussions of board %s", q) == 0;
	case R_BOARDS:
		if (p->a == 0)
			return bbs_snprintf(what, size, "Discussion boards") == 0;
		return resume_area_ok(app, p->a, area, sizeof area) &&
			bbs_snprintf(what, size, "the boards of %s", area) == 0;
	case R_MESSAGES:
		return bbs_snprintf(what, size, "Messages") == 0;
	case R_DIRECTORY:
		return bbs_snprintf(what, size, "Member directory") == 0;
	case R_CHALLENGES:
		return bbs_snprintf(what, size, "The challenge question") == 0;
	case R_CHALLENGE: {
		struct store_challenge c = { 0 };
		/* Hidden from this member (answer-before-reveal, or hidden by a moderator): gone. */
		bool ok = store_challenge_get(app->st, app->user->id, p->a, &c) == 0 &&
			(!c.hidden || ui_is_moderator(app));
		if (ok) {
			resume_quote(c.title, q, sizeof q);
			ok = bbs_snprintf(what, size, "challenge #%lld %s", (long long)p->a, q) == 0;
		}
		store_challenge_finish(&c);
		return ok;
	}
	case R_NONE:
		break;
	}
	return false;
}

/* Opens p on top of the menu (with what leads to it underneath, so that q walks back). */
static void resume_open(struct ui_app *app, const struct resume_pos *p, int64_t board)
{
	char area[STORE_FIELD_MAX + 1];

	switch (p->kind) {
	case R_DISCUSSION:
		ui_app_push(app, ui_threads_create(app, board));
		ui_app_push(app, ui_discussion_create(app, p->a, p->b));
		break;
	case R_BOARD:
		ui_app_push(app, ui_threads_create(app, p->a));
		break;
	case R_BOARDS:
		if (p->a > 0 && resume_area_ok(app, p->a, area, sizeof area))
			ui_app_push(app, ui_boards_create(app, p->a, area));
		else
			ui_app_push(app, ui_boards_create(app, -1, NULL));
		break;
	case R_MESSAGES:
		ui_app_push(app, ui_messages_create(app));
		break;
	case R_DIRECTORY:
		ui_app_push(app, ui_directory_create(app));
		break;
	case R_CHALLENGES:
		ui_app_push(app, ui_challenge_create(app, 0, false));
		break;
	case R_CHALLENGE:
		ui_app_push(app, ui_challenge_create(app, 0, false));
		ui_app_push(app, ui_challenge_detail_create(app, p->a));
		break;
	case R_NONE:
		break;
	}
}

void ui_resume_offer(struct ui_app *app)
{
	struct resume_pos p;
	char what[STORE_FIELD_MAX + RESUME_TITLE_COLS * 4 + 64];
	int64_t board = 0;

	if (!resume_member(app) || !app->user->resume || !app->user->resume[0])
		return;
	const char *where = app->user->resume;
	if (!resume_parse(where, &p) || !resume_check(app, &p, &board, what, sizeof what)) {
		/* Malformed, or no longer there for this member: dropped, with a word why. */
		resume_store(app, "");
		ui_app_message(app, RESUME_GONE);
		return;
	}
	char *question = xasprintf("Go back to where you were (%s)? [y/N]", what);
	bool yes = ui_app_confirm(app, question);
	free(question);
	if (app->quit) {
		/* The link dropped while asking: ask again next time. */
		bbs_strlcpy(resume_kept, where, sizeof resume_kept);
		return;
	}
	resume_store(app, "");
	if (yes)
		resume_open(app, &p, board);
}
