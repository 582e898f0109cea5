/*
 * challenge-detail.c: one challenge (heading "Challenge #ID"), a page of text in the pager.
 *
 * The title, "by Display Name (handle)" (", with a, b" when credited after a merge), its
 * areas, date and endorsements, the discussion it was promoted to ("Discussion: <title>"),
 * the explanation, then "Endorsed by sector:" and "Endorsed by region:" with one count per
 * line, and "Named endorsers: A, B (and N others)" naming only the endorsers who chose to be
 * named (store_challenge_endorser_names). ! reports it to the moderators (not one's own). Keys: e endorse / take back (one's own: edit, while the question is
 * open), w withdraw one's own, d the discussion, the moderator keys, q back. The page is
 * built again after every change and whenever the screen is on top again.
 *
 * Must never: name an endorser who did not choose to be named, show a hidden challenge's text to a member
 * (the store blanks it), or open anything for a member pressing a moderator key.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

struct detail {
	int64_t id;
	struct store_challenge c;     /* as last read */
};

/* "Named endorsers: A, B (and N others)": only endorsers who chose to be named; nothing when
 * none did. */
static void detail_named(struct ui_app *app, const struct store_challenge *c, char **text)
{
	char **names = NULL;
	size_t n = 0;
	int64_t others = 0;

	if (store_challenge_endorser_names(app->st, c->id, &names, &n, &others) != 0 || n == 0) {
		if (n == 0)
			names = NULL;
		store_strings_free(names, n);
		return;
	}
	ui_format_append(text, "Named endorsers: ");
	for (size_t i = 0; i < n; i++)
		ui_format_append(text, "%s%s", i ? ", " : "", names[i]);
	if (others > 0)
		ui_format_append(text, " (and %lld %s)", (long long)others,
			others == 1 ? "other" : "others");
	ui_format_append(text, "\n");
	store_strings_free(names, n);
}

/* The page's text for c. */
static char *detail_text(struct ui_app *app, const struct store_challenge *c)
{
	struct store_area *areas = NULL;
	struct store_count *v = NULL;
	size_t nareas = 0, n = 0;
	char *text = NULL, when[UI_TIME_LEN], count[48], list[256];

	if (store_area_list(app->st, &areas, &nareas) != 0) {
		areas = NULL;
		nareas = 0;
	}
	if (c->hidden)
		ui_format_append(&text, "[hidden by a moderator: %s]\n", c->hidden_reason);
	if (c->title && c->title[0])
		ui_format_append(&text, "%s\n", c->title);
	if (c->author_handle && strcmp(c->author_handle, STORE_REMOVED_NAME) == 0)
		ui_format_append(&text, "by %s%s%s\n", c->author_handle,   /* deleted by a sysop */
			c->credits && c->credits[0] ? ", with " : "", c->credits ? c->credits : "");
	else
		ui_format_append(&text, "by %s (%s)%s%s\n",
			c->author_name && c->author_name[0] ? c->author_name : c->author_handle,
			c->author_handle, c->credits && c->credits[0] ? ", with " : "",
			c->credits ? c->credits : "");
	ui_challenge_areas(areas, nareas, c, false, list, sizeof list);
	ui_format_append(&text, "Areas: %s\n", list);
	ui_format_time(c->created, when, sizeof when);
	ui_format_append(&text, "Submitted %s", when);
	if (c->edited > 0) {
		ui_format_time(c->edited, when, sizeof when);
		ui_format_append(&text, ", edited %s", when);
	}
	ui_format_count(c->endorsements, "endorsement", "endorsements", count, sizeof count);
	ui_format_append(&text, "\n%s%s\n", count,
		c->endorsed_by_viewer ? " (you endorse it)" : "");
	detail_named(app, c, &text);
	if (c->withdrawn)
		ui_format_append(&text, "Withdrawn by its author\n");
	if (c->merged_into > 0)
		ui_format_append(&text, "Merged into challenge #%lld\n", (long long)c->merged_into);
	if (c->thread_id > 0) {
		struct store_thread t = { 0 };
		if (store_thread_get(app->st, app->user->id, c->thread_id, &t) == 0)
			ui_format_append(&text, "Discussion: %s (press d)\n", t.title);
		store_thread_finish(&t);
	}
	ui_format_append(&text, "\n%s\n\n", c->body ? c->body : "");

	if (store_challenge_endorsers(app->st, c->id, STORE_BY_SECTOR, &v, &n) != 0) {
		v = NULL;
		n = 0;
	}
	ui_challenge_counts(&text, "Endorsed by sector:", v, n);
	store_count_list_free(v, n);
	if (store_challenge_endorsers(app->st, c->id, STORE_BY_REGION, &v, &n) != 0) {
		v = NULL;
		n = 0;
	}
	ui_challenge_counts(&text, "Endorsed by region:", v, n);
	store_count_list_free(v, n);
	store_area_list_free(areas, nareas);
	return text;
}

/* Reads the challenge again and rebuilds the page. False (message shown) if it cannot be
 * read any more. s NULL: only read. */
static bool detail_load(struct ui_screen *s, struct ui_app *app, struct detail *d)
{
	struct store_challenge c = { 0 };
	int r = store_challenge_get(app->st, app->user->id, d->id, &c);

	if (r != 0) {
		store_challenge_finish(&c);
		if (r == BBS_ERR_DENIED)
			ui_app_message(app, "Other members' answers are shown after you submit your own.");
		else if (r == BBS_ERR_NOTFOUND)
			ui_app_message(app, "No such challenge");
		else
			ui_app_message(app, "Could not read the challenge, please try again");
		return false;
	}
	store_challenge_finish(&d->c);
	d->c = c;
	if (s) {
		char heading[48];
		(void)bbs_snprintf(heading, sizeof heading, "Challenge #%lld", (long long)d->id);
		char *text = detail_text(app, &d->c);
		ui_pager_set_text(s, heading, text);
		free(text);
	}
	return true;
}

/* True while its question takes answers (and so edits). */
static bool detail_open(struct ui_app *app, const struct store_challenge *c)
{
	struct store_question q = { 0 };
	bool open = store_question_get(app->st, c->question_id, &q) == 0 && q.current &&
		store_question_is_open(&q, bbs_now());

	store_question_finish(&q);
	return open;
}

static void detail_discussion(struct ui_app *app, const struct store_challenge *c)
{
	if (c->thread_id <= 0) {
		ui_app_message(app, "Not a discussion yet");
		return;
	}
	/* Opened from that discussion (its c key): go back to it rather than stack another. */
	struct ui_screen *below = app->depth >= 2 ? app->stack[app->depth - 2] : NULL;
	if (ui_discussion_thread(below) == c->thread_id) {
		ui_app_pop(app);
		return;
	}
	ui_app_push(app, ui_discussion_create(app, c->thread_id, 1));
}

static enum ui_result detail_action(struct ui_screen *s, struct ui_app *app, void *ctx,
	int action)
{
	struct detail *d = ctx;
	const struct store_challenge *c = &d->c;
	bool own = c->author_id == app->user->id;

	if (ui_challenge_mod_action(action)) {
		if (ui_challenge_moderate(app, action, c, c->question_id))
			(void)detail_load(s, app, d);
		return UI_RES_REDRAW;
	}
	switch (action) {
	case UI_ACT_ENDORSE:
		if (!own) {
			if (ui_challenge_endorse(app, c))
				(void)detail_load(s, app, d);
		} else if (!detail_open(app, c)) {
			ui_app_message(app, UI_QUESTION_CLOSED);
		} else {
			ui_app_push(app, ui_challenge_editor_edit(app, c));
		}
		return UI_RES_REDRAW;
	case UI_ACT_WITHDRAW:
		if (!own) {
			ui_app_message(app, "You can only withdraw your own challenges");
			return UI_RES_REDRAW;
		}
		if (!ui_app_confirm(app, "Withdraw this challenge? (y/n)"))
			return UI_RES_REDRAW;
		int r = store_challenge_withdraw(app->st, c->id, app->user->id);
		if (r != 0) {
			ui_app_message(app, r == BBS_ERR_DENIED ? "This challenge can no longer be withdrawn"
							       : "Could not save, please try again");
			return UI_RES_REDRAW;
		}
		ui_app_pop(app); /* destroys s and d */
		ui_app_message(app, "Challenge withdrawn.");
		return UI_RES_REDRAW;
	case UI_ACT_DISCUSSION:
		detail_discussion(app, c); /* may destroy s */
		return UI_RES_REDRAW;
	case UI_ACT_REPORT:
		if (own)
			ui_app_message(app, "You cannot report your own challenge");
		else
			ui_report_ask(app, STORE_REPORT_CHALLENGE, c->id);
		return UI_RES_REDRAW;
	default:
		return UI_RES_NONE;
	}
}

static void detail_resume(struct ui_screen *s, struct ui_app *app, void *ctx)
{
	(void)detail_load(s, app, ctx);
}

static void detail_free(void *ctx)
{
	struct detail *d = ctx;

	if (!d)
		return;
	store_challenge_finish(&d->c);
	free(d);
}

static const struct ui_pager_ops detail_ops = { detail_action, detail_resume, detail_free };

bool ui_challenge_detail_is(const struct ui_screen *s, int64_t id)
{
	const struct detail *d = ui_pager_ctx(s, &detail_ops);
	return d && d->id == id;
}

/* resume.c: "challenge ID". */
static bool detail_where(struct ui_screen *s, char *buf, size_t size)
{
	const struct detail *d = ui_pager_ctx(s, &detail_ops);

	return d && bbs_snprintf(buf, size, "challenge %lld", (long long)d->id) == 0;
}

struct ui_screen *ui_challenge_detail_create(struct ui_app *app, int64_t id)
{
	struct detail *d = xcalloc(1, sizeof *d);

	d->id = id;
	if (!detail_load(NULL, app, d)) {
		detail_free(d);
		return NULL;
	}
	char heading[48];
	(void)bbs_snprintf(heading, sizeof heading, "Challenge #%lld", (long long)id);
	char *text = detail_text(app, &d->c);
	struct ui_screen *s = ui_pager_create_ops(heading, text, &ui_keymap_challenge_detail,
		&detail_ops, d);
	free(text);
	if (s)
		s->where = detail_where;
	return s;
}
