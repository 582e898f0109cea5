/*
 * nav.c: the moves several screens share: n (next unread discussion) and / (search).
 *
 * Both may be pressed on the main menu, the board list, the discussion list and in a
 * discussion; the result is the same everywhere, so it lives here once.
 *
 * Must never: build a query for the store itself (store_search takes the member's words as
 * they are), or grow the screen stack when n is pressed inside a discussion (it replaces it).
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <string.h>

void ui_nav_next_unread(struct ui_app *app, bool replace)
{
	int64_t thread_id = 0, seq = 0;
	int r = store_next_unread(app->st, app->user->id, &thread_id, &seq);

	if (r == BBS_ERR_NOTFOUND) {
		ui_app_message(app, "No unread posts");
		return;
	}
	if (r != 0) {
		log_warn("next unread: %s", bbs_strerror(r));
		ui_app_message(app, "Could not read the discussions, please try again");
		return;
	}
	struct ui_screen *s = ui_discussion_create(app, thread_id, seq);
	if (!s)
		return;
	if (replace)
		ui_app_pop(app);
	ui_app_push(app, s);
}

void ui_nav_search(struct ui_app *app)
{
	char words[STORE_QUERY_MAX + 1];
	struct store_hit *hits = NULL;
	size_t n = 0;

	if (!ui_app_input(app, "Search:", words, sizeof words) || app->quit)
		return;
	/* Leading and trailing blanks are not words. */
	size_t len = strlen(words);
	while (len > 0 && words[len - 1] == ' ')
		words[--len] = '\0';
	const char *w = words;
	while (*w == ' ')
		w++;
	if (!*w)
		return;

	int r = store_search(app->st, app->user->id, w, 200, &hits, &n);
	if (r == BBS_ERR_INVALID || (r == 0 && n == 0)) {
		store_hit_list_free(hits, n);
		ui_app_message(app, "No posts match %s", w);
		return;
	}
	if (r != 0) {
		log_warn("search: %s", bbs_strerror(r));
		ui_app_message(app, "Search failed, please try again");
		return;
	}
	ui_app_push(app, ui_search_create(w, hits, n));
}
