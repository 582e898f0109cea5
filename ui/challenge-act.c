/*
 * challenge-act.c: what the challenge screens (the list and the detail) share: who is a
 * moderator, endorsing with the contract's messages, the moderator keys (M merge, H hide,
 * U unhide, P promote, Q question settings), the question's date line, and area names.
 *
 * The role check here only spares a member a prompt that would come to nothing: every
 * moderator function of the store checks the role again and refuses members, whatever the UI
 * does.
 *
 * Must never: open a prompt or a screen for a member pressing a moderator key, or trust the
 * UI's own role check as the only guard.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

bool ui_is_moderator(const struct ui_app *app)
{
	return app->user && app->user->role >= STORE_ROLE_MODERATOR;
}

bool ui_challenge_mod_action(int action)
{
	return action == UI_ACT_MERGE || action == UI_ACT_HIDE || action == UI_ACT_UNHIDE ||
		action == UI_ACT_PROMOTE || action == UI_ACT_SETTINGS;
}

void ui_question_status(const struct store_question *q, char *buf, size_t size)
{
	int64_t now = bbs_now();
	char date[16];

	if (q->opens > now) {
		ui_format_utc_day(q->opens, date, sizeof date);
		(void)bbs_snprintf(buf, size, "Opens on %s UTC", date);
	} else if (q->closes > 0 && q->closes <= now) {
		ui_format_utc_day(q->closes, date, sizeof date);
		(void)bbs_snprintf(buf, size, "Closed on %s UTC", date);
	} else if (!q->current) {
		bbs_strlcpy(buf, "Closed", size); /* a past question takes no answers */
	} else if (q->closes > 0) {
		ui_format_utc_day(q->closes, date, sizeof date);
		(void)bbs_snprintf(buf, size, "Open until %s UTC", date);
	} else {
		bbs_strlcpy(buf, "Open", size);
	}
}

void ui_challenge_areas(const struct store_area *areas, size_t nareas,
	const struct store_challenge *c, bool short_names, char *buf, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < c->nareas; i++) {
		const char *name = "?";
		for (size_t k = 0; k < nareas; k++)
			if (areas[k].id == c->areas[i])
				name = areas[k].name;
		/* The short name is the first word: "Global response" -> "Global". */
		int len = short_names ? (int)strcspn(name, " ") : (int)strlen(name);
		if (bbs_snprintf(buf + used, size - used, "%s%.*s", used ? ", " : "", len, name) != 0)
			return; /* cut: what fitted stays */
		used += strlen(buf + used);
	}
}

void ui_challenge_counts(char **text, const char *heading, const struct store_count *v,
	size_t n)
{
	ui_format_append(text, "%s\n", heading);
	for (size_t i = 0; i < n; i++)
		ui_format_append(text, "  %s: %lld\n", v[i].label, (long long)v[i].count);
	if (n == 0)
		ui_format_append(text, "  none yet\n");
}

bool ui_challenge_endorse(struct ui_app *app, const struct store_challenge *c)
{
	if (c->author_id == app->user->id) {
		ui_app_message(app, "You cannot endorse your own challenge");
		return false;
	}
	bool on = !c->endorsed_by_viewer;
	int r = store_challenge_endorse(app->st, c->id, app->user->id, on);
	if (r == BBS_ERR_DENIED) {
		ui_app_message(app, "You cannot endorse this challenge");
		return false;
	}
	if (r != 0) {
		log_warn("endorse %lld: %s", (long long)c->id, bbs_strerror(r));
		ui_app_message(app, "Could not save, please try again");
		return false;
	}
	ui_app_message(app, on ? "Endorsed." : "Endorsement taken back.");
	return true;
}

/* The store's answer to a moderator action, as a message. Returns true on success. */
static bool mod_result(struct ui_app *app, int r, const char *done)
{
	if (r == 0) {
		ui_app_message(app, "%s", done);
		return true;
	}
	if (r == BBS_ERR_DENIED)
		ui_app_message(app, UI_ONLY_MODERATORS);
	else if (r == BBS_ERR_NOTFOUND)
		ui_app_message(app, "No such challenge");
	else if (r == BBS_ERR_INVALID)
		ui_app_message(app, "That cannot be done to this challenge");
	else
		ui_app_message(app, "Could not save, please try again");
	if (r != BBS_ERR_DENIED && r != BBS_ERR_NOTFOUND && r != BBS_ERR_INVALID)
		log_warn("moderation: %s", bbs_strerror(r));
	return false;
}

static bool mod_merge(struct ui_app *app, const struct store_challenge *c)
{
	char question[128], answer[24];

	(void)bbs_snprintf(question, sizeof question,
		"Merge challenge #%lld into #B? Type the number of #B:", (long long)c->id);
	if (!ui_app_input(app, question, answer, sizeof answer) || app->quit)
		return false;
	const char *p = answer;
	while (*p == ' ' || *p == '#')
		p++;
	char *end;
	long long into = strtoll(p, &end, 10);
	while (*end == ' ')
		end++;
	if (end == p || *end || into <= 0) {
		ui_app_message(app, "Type a challenge number, such as 12");
		return false;
	}
	if (into == c->id) {
		ui_app_message(app, "A challenge cannot be merged into itself");
		return false;
	}
	return mod_result(app, store_challenge_merge(app->st, app->user->id, c->id, into),
		"Merged.");
}

static bool mod_hide(struct ui_app *app, const struct store_challenge *c)
{
	char reason[STORE_FIELD_MAX + 1];

	if (!ui_app_input(app, "Reason for hiding:", reason, sizeof reason) || app->quit)
		return false;
	if (!reason[strspn(reason, " ")]) {
		ui_app_message(app, "A reason is needed: members see it");
		return false;
	}
	return mod_result(app, store_challenge_hide(app->st, app->user->id, c->id, reason),
		"Hidden.");
}

/* The board of the challenge's first focus area (the area's first board). */
static int64_t mod_board_for(struct ui_app *app, const struct store_challenge *c)
{
	struct store_board *v = NULL;
	size_t n = 0;
	int64_t board = 0;

	if (c->nareas == 0)
		return 0;
	if (store_board_list(app->st, app->user->id, c->areas[0], &v, &n) == 0 && n > 0)
		board = v[0].id;
	store_board_list_free(v, n);
	return board;
}

static bool mod_promote(struct ui_app *app, const struct store_challenge *c)
{
	int64_t thread_id = 0;

	if (c->thread_id > 0) {
		ui_app_message(app, "Already a discussion");
		return false;
	}
	int64_t board = mod_board_for(app, c);
	if (board <= 0) {
		ui_app_message(app, "Its focus area has no board to start the discussion in");
		return false;
	}
	return mod_result(app, store_challenge_promote(app->st, app->user->id, c->id, board,
		&thread_id), "Promoted to a discussion.");
}

bool ui_challenge_moderate(struct ui_app *app, int action, const struct store_challenge *c,
	int64_t question_id)
{
	if (!ui_is_moderator(app)) {
		ui_app_message(app, UI_ONLY_MODERATORS);
		return false;
	}
	if (action == UI_ACT_SETTINGS) {
		ui_app_push(app, ui_question_create(app, question_id));
		return false;
	}
	if (!c) {
		ui_app_message(app, "No challenge selected");
		return false;
	}
	switch (action) {
	case UI_ACT_MERGE: return mod_merge(app, c);
	case UI_ACT_HIDE: return mod_hide(app, c);
	case UI_ACT_UNHIDE:
		if (!c->hidden) {
			ui_app_message(app, "This challenge is not hidden");
			return false;
		}
		return mod_result(app, store_challenge_unhide(app->st, app->user->id, c->id),
			"Shown again.");
	case UI_ACT_PROMOTE: return mod_promote(app, c);
	default: return false;
	}
}
