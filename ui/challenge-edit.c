/*
 * challenge-edit.c: submitting a challenge ("a") and editing one's own ("e" in the detail).
 *
 * The boards' editor (editor.c, ui_editor_custom) takes a one-line title and the
 * explanation, with its drafts (contexts "challenge:QUESTION_ID" and "challenge-edit:ID")
 * and ^X / ^C; ^X opens the area chooser on top of it, and the chooser's Enter sends to the
 * store. Sent: the chooser and the editor close ("Challenge submitted." / "Saved."). Refused
 * (the question closed meanwhile): back to the editor with the text intact.
 *
 * Must never: lose the text on an error, or send to a question that the store says is closed
 * (the store decides; the UI only spares the member the editor when it is closed already).
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define CTX_NEW "challenge:"
#define CTX_EDIT "challenge-edit:"

struct ched {
	int64_t question_id;
	int64_t challenge_id;       /* 0: a new challenge */
	int64_t areas[8];
	size_t nareas;
	struct ui_screen *ed;       /* the editor below the chooser */
	char *title, *body;         /* taken at ^X */
	char token[72];
};

static void ched_free(void *ctx)
{
	struct ched *c = ctx;

	if (!c)
		return;
	free(c->title);
	free(c->body);
	free(c);
}

static bool ched_done(struct ui_app *app, void *ctx, const int64_t *areas, size_t n)
{
	struct ched *c = ctx;
	int64_t id = 0;
	int r;

	if (c->challenge_id > 0)
		r = store_challenge_edit(app->st, c->challenge_id, app->user->id, c->title, c->body,
			areas, n);
	else
		r = store_challenge_submit(app->st, c->question_id, app->user->id, c->title, c->body,
			areas, n, c->token, &id);
	/* The same token again for the same question returns 0 with the first try's id;
	 * BBS_ERR_EXISTS means the token went with another question: nothing was stored. */
	if (r != 0) {
		if (r == BBS_ERR_EXISTS) {
			ui_app_message(app, "This text was already sent for an earlier question");
		} else if (r == BBS_ERR_TOOBIG || r == BBS_ERR_INVALID) {
			ui_app_message(app, "Too long or empty: please shorten the text");
		} else if (r == BBS_ERR_DENIED) {
			/* Silenced since the editor opened, or the question closed meanwhile. */
			if (!ui_silenced_message(app))
				ui_app_message(app, c->challenge_id > 0 ?
					"This challenge can no longer be edited" : UI_QUESTION_CLOSED);
		} else {
			log_warn("challenge send: %s", bbs_strerror(r));
			ui_app_message(app, "Could not save, please try again");
			return false; /* the chooser stays: Enter tries again */
		}
		ui_app_pop(app); /* the chooser: back to the text */
		return true;
	}
	bool edited = c->challenge_id > 0;
	struct ui_screen *ed = c->ed;
	ui_app_pop(app);          /* the chooser */
	ui_editor_sent(app, ed);  /* the editor; frees c */
	ui_app_message(app, edited ? "Saved." : "Challenge submitted.");
	return true;
}

static bool ched_send(struct ui_app *app, struct ui_screen *ed, void *ctx, const char *title,
	const char *body, const char *token)
{
	struct ched *c = ctx;

	free(c->title);
	free(c->body);
	c->title = xstrdup(title);
	c->body = xstrdup(body);
	bbs_strlcpy(c->token, token, sizeof c->token);
	c->ed = ed;
	ui_app_push(app, ui_areas_choose_create(app, c->areas, c->nareas, ched_done, c));
	return false; /* the editor stays below the chooser */
}

static const struct ui_editor_hooks ched_hooks = { ched_send, ched_free };

static struct ui_screen *ched_open(struct ui_app *app, struct ched *c, const char *heading,
	const char *title, const char *body)
{
	char context[64];
	struct ui_editor_spec spec = {
		.heading = heading,
		.context = context,
		.with_title = true,
		.title_max = STORE_CHALLENGE_TITLE_MAX,
		.body_max = STORE_CHALLENGE_BODY_MAX,
		.title = title,
		.body = body,
	};

	if (c->challenge_id > 0)
		(void)bbs_snprintf(context, sizeof context, CTX_EDIT "%lld", (long long)c->challenge_id);
	else
		(void)bbs_snprintf(context, sizeof context, CTX_NEW "%lld", (long long)c->question_id);
	return ui_editor_custom(app, &spec, &ched_hooks, c);
}

struct ui_screen *ui_challenge_editor_new(struct ui_app *app, int64_t question_id)
{
	struct store_question q = { 0 };

	if (store_question_get(app->st, question_id, &q) != 0) {
		store_question_finish(&q);
		ui_app_message(app, "Could not read the question, please try again");
		return NULL;
	}
	bool open = store_question_is_open(&q, bbs_now()) && q.current;
	store_question_finish(&q);
	if (!open) {
		ui_app_message(app, UI_QUESTION_CLOSED);
		return NULL;
	}
	struct ched *c = xcalloc(1, sizeof *c);
	c->question_id = question_id;
	return ched_open(app, c, "Your challenge: name one specific problem", NULL, NULL);
}

struct ui_screen *ui_challenge_editor_edit(struct ui_app *app, const struct store_challenge *ch)
{
	if (ch->author_id != app->user->id) {
		ui_app_message(app, "You can only edit your own challenges");
		return NULL;
	}
	struct ched *c = xcalloc(1, sizeof *c);
	c->question_id = ch->question_id;
	c->challenge_id = ch->id;
	for (size_t i = 0; i < ch->nareas && c->nareas < sizeof c->areas / sizeof c->areas[0]; i++)
		c->areas[c->nareas++] = ch->areas[i];
	char heading[64];
	(void)bbs_snprintf(heading, sizeof heading, "Edit challenge #%lld", (long long)ch->id);
	return ched_open(app, c, heading, ch->title, ch->body);
}

/* The id after the context's prefix, 0 if it is not one of ours. */
static int64_t ched_context_id(const char *context, bool *edit)
{
	const char *p;

	*edit = false;
	if (!context)
		return 0;
	if (strncmp(context, CTX_EDIT, strlen(CTX_EDIT)) == 0) {
		*edit = true;
		p = context + strlen(CTX_EDIT);
	} else if (strncmp(context, CTX_NEW, strlen(CTX_NEW)) == 0) {
		p = context + strlen(CTX_NEW);
	} else {
		return 0;
	}
	char *end;
	long long v = strtoll(p, &end, 10);
	return end != p && *end == '\0' && v > 0 ? v : 0;
}

bool ui_challenge_editor_context(const char *context)
{
	return context && (strncmp(context, CTX_NEW, strlen(CTX_NEW)) == 0 ||
		strncmp(context, CTX_EDIT, strlen(CTX_EDIT)) == 0);
}

/* The challenge of an edit draft, if it is the member's own; false otherwise. */
static bool ched_own(struct ui_app *app, int64_t id, struct store_challenge *out)
{
	if (store_challenge_get(app->st, app->user->id, id, out) != 0)
		return false;
	return out->author_id == app->user->id && !out->withdrawn && out->merged_into == 0;
}

struct ui_screen *ui_challenge_editor_from_context(struct ui_app *app, const char *context)
{
	bool edit;
	int64_t id = ched_context_id(context, &edit);
	struct ui_screen *s = NULL;

	if (id <= 0)
		return NULL;
	if (!edit)
		return ui_challenge_editor_new(app, id);
	struct store_challenge c = { 0 };
	if (ched_own(app, id, &c))
		s = ui_challenge_editor_edit(app, &c);
	store_challenge_finish(&c);
	return s;
}

bool ui_challenge_editor_describe(struct ui_app *app, const char *context, char *buf,
	size_t size)
{
	bool edit, ok = false;
	int64_t id = ched_context_id(context, &edit);

	if (id <= 0)
		return false;
	if (edit) {
		struct store_challenge c = { 0 };
		if (ched_own(app, id, &c))
			ok = bbs_snprintf(buf, size, "edit of challenge #%lld", (long long)id) == 0;
		store_challenge_finish(&c);
		return ok;
	}
	struct store_question q = { 0 };
	if (store_question_get(app->st, id, &q) == 0 && q.current &&
	    store_question_is_open(&q, bbs_now()))
		ok = bbs_snprintf(buf, size, "your answer to the challenge question") == 0;
	store_question_finish(&q);
	return ok;
}
