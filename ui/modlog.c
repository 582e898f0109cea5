/*
 * modlog.c: the moderation record (heading "Moderation record"), open to every member: what
 * moderators did, newest first, one line each:
 * "YYYY-MM-DD HH:MM  hidden  challenge 12: Title  (reason)  by a moderator".
 * A page of text in the pager, read when it opens (the newest MODLOG_MAX entries).
 *
 * Must never: name the moderator (the store gives only the role).
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>

#define MODLOG_MAX 1000

struct ui_screen *ui_modlog_create(struct ui_app *app)
{
	struct store_modlog *v = NULL;
	size_t n = 0;
	char *text = NULL, when[UI_TIME_LEN];

	int r = store_modlog_list(app->st, 0, MODLOG_MAX, &v, &n);
	if (r != 0) {
		log_warn("moderation record: %s", bbs_strerror(r));
		ui_app_message(app, "Could not read the moderation record, please try again");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		ui_format_time(v[i].at, when, sizeof when);
		ui_format_append(&text, "%s  %s  %s", when, v[i].action, v[i].target);
		if (v[i].reason && v[i].reason[0])
			ui_format_append(&text, "  (%s)", v[i].reason);
		ui_format_append(&text, "  by a %s\n", v[i].by_role && v[i].by_role[0]
			? v[i].by_role : "moderator");
	}
	if (n == 0)
		ui_format_append(&text, "Nothing has been moderated yet.\n");
	store_modlog_list_free(v, n);
	struct ui_screen *s = ui_pager_create("Moderation record", text);
	free(text);
	return s;
}
