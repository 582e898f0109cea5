/*
 * results.c: the results of a question (heading "Results"), a page of text in the pager.
 *
 * "N members answered", who answered by sector and by region (counts), the ten most endorsed
 * challenges ("  12 endorsements  Title") and the five most endorsed in each focus area.
 * Read once when it opens: results are a snapshot, q and r again refresh them.
 *
 * Must never: name who answered or endorsed (counts only), or show a hidden challenge's title
 * to a member (the store's list blanks it; it reads "[hidden by a moderator]").
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>

/* "Most endorsed...:" and up to limit rows of the question's challenges in area (0: all). */
static void results_top(struct ui_app *app, char **text, int64_t question_id, int64_t area,
	int64_t limit, const char *heading)
{
	struct store_challenge *v = NULL;
	size_t n = 0;
	bool pending = false;
	char count[48];

	ui_format_append(text, "\n%s\n", heading);
	if (store_challenge_list(app->st, app->user->id, question_id, STORE_CH_BY_ENDORSEMENTS,
	    area, 0, 0, limit, &v, &n, &pending) != 0) {
		ui_format_append(text, "  (could not be read)\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		ui_format_count(v[i].endorsements, "endorsement", "endorsements", count, sizeof count);
		ui_format_append(text, "  %s  %s\n", count,
			v[i].hidden && !(v[i].title && v[i].title[0]) ? "[hidden by a moderator]"
								       : v[i].title);
	}
	if (n == 0)
		ui_format_append(text, "  none yet\n");
	if (pending)
		ui_format_append(text, "  (others' answers are shown after you submit your own)\n");
	store_challenge_list_free(v, n);
}

static void results_breakdown(struct ui_app *app, char **text, int64_t question_id,
	enum store_breakdown by, const char *heading)
{
	struct store_count *v = NULL;
	size_t n = 0;

	if (store_question_respondents(app->st, question_id, by, &v, &n) != 0) {
		v = NULL;
		n = 0;
	}
	ui_challenge_counts(text, heading, v, n);
	store_count_list_free(v, n);
}

struct ui_screen *ui_results_create(struct ui_app *app, int64_t question_id)
{
	struct store_question q = { 0 };
	struct store_area *areas = NULL;
	size_t nareas = 0;
	char *text = NULL, members[48];

	if (store_question_get(app->st, question_id, &q) != 0) {
		store_question_finish(&q);
		ui_app_message(app, "Could not read the results, please try again");
		return NULL;
	}
	ui_format_count(q.respondents, "member", "members", members, sizeof members);
	ui_format_append(&text, "%s answered\n\n", members);
	results_breakdown(app, &text, q.id, STORE_BY_SECTOR, "By sector:");
	results_breakdown(app, &text, q.id, STORE_BY_REGION, "By region:");
	results_top(app, &text, q.id, 0, 10, "Most endorsed:");
	if (store_area_list(app->st, &areas, &nareas) != 0) {
		areas = NULL;
		nareas = 0;
	}
	for (size_t i = 0; i < nareas; i++) {
		char *heading = xasprintf("Most endorsed in %s:", areas[i].name);
		results_top(app, &text, q.id, areas[i].id, 5, heading);
		free(heading);
	}
	store_area_list_free(areas, nareas);
	store_question_finish(&q);
	struct ui_screen *s = ui_pager_create("Results", text);
	free(text);
	return s;
}
