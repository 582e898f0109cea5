/*
 * menu.c: the main menu screen.
 *
 * Items, in order: the focus areas from the store (store_area_list), "Discussion boards"
 * (its summary is the member's unread count), "The challenge question" (its summary: "N
 * challenges, M members answered"), "Messages" ("N unread" / "no unread messages"), "Member
 * directory", "News and announcements" ("N new"), "Administration" (moderators and sysops
 * only), "Your account", "Who we are", "Log off".
 * Each shows its number (1-9 open it directly), its name and, when there is room, its
 * one-line summary. The selected item is drawn in reverse video AND marked with ">", so it
 * is visible on terminals without attributes. n opens the next unread discussion, / searches.
 * Right after login, the announcements the member has not seen open once in a pager (leaving
 * it marks them seen), then the place the member was at when the link dropped (resume.c) and a
 * draft the member left unsent are offered back on the bottom line, one after the other.
 *
 * A guest (app->guest) gets the public menu: Welcome, the focus areas, "The challenge
 * question" (its text and dates only, ui_question_public_create), "Who we are", "Apply for
 * membership" (only while the registration mode is OPEN), "Log off"; no boards, no messages,
 * no directory, no news, no n, no /, no draft, and no summary that counts what members wrote.
 *
 * Must never: read the store while drawing (items are loaded at creation, the unread count
 * when the menu is on top again), or let the selection leave the item list whatever the
 * window size; give a guest an item, a key or a summary that reaches members' content.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>

enum menu_kind { ITEM_PAGE, ITEM_AREA, ITEM_BOARDS, ITEM_CHALLENGE, ITEM_QUESTION_PUBLIC,
	ITEM_MESSAGES, ITEM_DIRECTORY, ITEM_NEWS, ITEM_ADMIN, ITEM_ACCOUNT, ITEM_APPLY, ITEM_LOGOFF };

struct menu_item {
	enum menu_kind kind;
	char *name;
	char *summary;     /* may be empty */
	char *page_slug;   /* ITEM_PAGE and ITEM_AREA */
	int64_t area_id;   /* ITEM_AREA only */
};

struct menu {
	struct ui_screen base;   /* first member: the screen is the menu */
	struct menu_item *items;
	size_t n;
	int sel;                 /* selected item */
	int top;                 /* first item shown */
	/* layout */
	struct ui_rect body;
	int margin;
	int heading_y;
	int list_y;
	int list_rows;
	int label_w;             /* widest "N. name" */
	/* After login: the news pager is open; when the menu is on top again, mark up to this
	 * announcement seen and offer the draft. */
	int64_t news_seen_upto;
	bool offer_draft;
};

/* Why this text is here and not in the store: it is the label of a UI function, like
 * "Log off". The summary is a setting so that sysops can reword it. */
#define MENU_WHO_NAME "Who we are"
#define MENU_WHO_SLUG "who-we-are"
#define MENU_WHO_SUMMARY_KEY "who_we_are_summary"
#define MENU_WHO_SUMMARY_DEFAULT "The alliance and its shared principles"
#define MENU_LOGOFF_NAME "Log off"
#define MENU_BOARDS_NAME "Discussion boards"
#define MENU_CHALLENGE_NAME "The challenge question"
#define MENU_WELCOME_NAME "Welcome"
#define MENU_WELCOME_SLUG "welcome"
#define MENU_MESSAGES_NAME "Messages"
#define MENU_DIRECTORY_NAME "Member directory"
#define MENU_DIRECTORY_SUMMARY "Find members by name, organisation, sector, country"
#define MENU_NEWS_NAME "News and announcements"
#define MENU_ADMIN_NAME "Administration"
#define MENU_ADMIN_SUMMARY_SYSOP "Members, invites, structure, sessions, audit log, reports"
#define MENU_ADMIN_SUMMARY_MOD "Reports from members"
#define MENU_ACCOUNT_NAME "Your account"
#define MENU_ACCOUNT_SUMMARY "Profile, keys, password, preferences"
#define MENU_APPLY_NAME "Apply for membership"
#define MENU_APPLY_SUMMARY "Ask to join the portal"
#define MENU_NEWS_TITLE "News and announcements"

static void menu_add(struct menu *m, enum menu_kind kind, const char *name, const char *summary,
	const char *slug)
{
	m->items = xrealloc(m->items, (m->n + 1) * sizeof m->items[0]);
	struct menu_item *it = &m->items[m->n++];
	it->kind = kind;
	it->name = xstrdup(name ? name : "");
	it->summary = xstrdup(summary ? summary : "");
	it->page_slug = slug ? xstrdup(slug) : NULL;
}

/* The challenge item's summary: "N challenges, M members answered". */
static char *menu_challenge_summary(struct ui_app *app)
{
	struct store_question q = { 0 };
	char ch[48], mem[48];

	int r = store_question_current(app->st, &q);
	if (r != 0) {
		store_question_finish(&q);
		return xstrdup(r == BBS_ERR_NOTFOUND ? "no question yet" : "");
	}
	ui_format_count(q.challenges, "challenge", "challenges", ch, sizeof ch);
	ui_format_count(q.respondents, "member", "members", mem, sizeof mem);
	store_question_finish(&q);
	return xasprintf("%s, %s answered", ch, mem);
}

/* A guest's challenge item: the question's status ("Open until ..."), no counts. */
static char *menu_question_public_summary(struct ui_app *app)
{
	struct store_question q = { 0 };
	char status[64] = "";

	if (store_question_current(app->st, &q) == 0)
		ui_question_status(&q, status, sizeof status);
	store_question_finish(&q);
	return xstrdup(status);
}

/* "N unread" / "no unread messages" ("" when the count cannot be read). */
static char *menu_messages_summary(struct ui_app *app)
{
	int64_t count = 0;

	if (store_message_unread(app->st, app->user->id, &count) != 0)
		return xstrdup("");
	return count > 0 ? xasprintf("%lld unread", (long long)count)
			 : xstrdup("no unread messages");
}

/* "N new" / "nothing new". */
static char *menu_news_summary(struct ui_app *app)
{
	struct store_announcement *v = NULL;
	size_t n = 0;

	if (store_announcement_unread(app->st, app->user->id, &v, &n) != 0)
		return xstrdup("");
	store_announcement_list_free(v, n);
	return n > 0 ? xasprintf("%zu new", n) : xstrdup("nothing new");
}

/* The summaries that change as members write: unread discussions, challenges, messages,
 * news. */
static void menu_summaries(struct menu *m, struct ui_app *app)
{
	int64_t count = 0;

	if (app->guest || !app->user)
		return; /* these count members' content */
	for (size_t i = 0; i < m->n; i++) {
		struct menu_item *it = &m->items[i];
		if (it->kind == ITEM_CHALLENGE) {
			free(it->summary);
			it->summary = menu_challenge_summary(app);
		}
		if (it->kind == ITEM_MESSAGES) {
			free(it->summary);
			it->summary = menu_messages_summary(app);
		}
		if (it->kind == ITEM_NEWS) {
			free(it->summary);
			it->summary = menu_news_summary(app);
		}
		if (it->kind != ITEM_BOARDS)
			continue;
		free(it->summary);
		if (store_unread_total(app->st, app->user->id, &count) != 0)
			it->summary = xstrdup("");
		else if (count > 0)
			it->summary = xasprintf("%lld unread", (long long)count);
		else
			it->summary = xstrdup("all read");
	}
}

static void menu_label(const struct menu *m, size_t i, char *buf, size_t size)
{
	/* Only items 1-9 have a digit key; later ones get blanks so the names line up. */
	int r = i < 9 ? bbs_snprintf(buf, size, "%zu. %s", i + 1, m->items[i].name)
		      : bbs_snprintf(buf, size, "   %s", m->items[i].name);
	(void)r; /* a truncated label is still a valid, shorter label */
}

static void menu_keep_visible(struct menu *m)
{
	if (m->sel < 0)
		m->sel = 0;
	if (m->sel >= (int)m->n)
		m->sel = (int)m->n - 1;
	if (m->list_rows <= 0) {
		m->top = m->sel;
		return;
	}
	if (m->sel < m->top)
		m->top = m->sel;
	if (m->sel >= m->top + m->list_rows)
		m->top = m->sel - m->list_rows + 1;
	int max_top = (int)m->n - m->list_rows;
	if (m->top > max_top)
		m->top = max_top;
	if (m->top < 0)
		m->top = 0;
}

static void menu_layout(struct ui_screen *s, const struct ui_rect *b)
{
	struct menu *m = (struct menu *)s;

	m->body = *b;
	m->margin = b->cols >= 40 ? 1 : 0;
	/* With room, a blank line above and below the heading; on small windows (or when the
	 * blank lines would push items off the screen) every row is an item. */
	bool roomy = ui_draw_roomy(b->rows, 10) && b->rows >= (int)m->n + 3;
	m->heading_y = b->y + (roomy ? 1 : 0);
	m->list_y = m->heading_y + (roomy ? 2 : 1);
	m->list_rows = b->y + b->rows - m->list_y;
	if (m->list_rows < 0)
		m->list_rows = 0;

	m->label_w = 0;
	for (size_t i = 0; i < m->n; i++) {
		char label[256];
		menu_label(m, i, label, sizeof label);
		int w = ui_draw_width(label);
		if (w > m->label_w)
			m->label_w = w;
	}
	menu_keep_visible(m);
}

static void menu_draw(struct ui_screen *s, WINDOW *w)
{
	struct menu *m = (struct menu *)s;
	int x0 = m->body.x + m->margin;
	int width = m->body.cols - 2 * m->margin;

	if (width <= 0)
		return;
	ui_draw_str(w, m->heading_y, x0, width, "Main menu", ui_term_heading_attr());

	for (int row = 0; row < m->list_rows; row++) {
		int i = m->top + row;
		if (i >= (int)m->n)
			break;
		int y = m->list_y + row;
		bool selected = i == m->sel;
		int attr = selected ? A_REVERSE : A_NORMAL;
		char label[256];

		/* The bar covers marker and label only, not the summary: moving the selection
		 * then rewrites a few cells per line instead of two whole lines (slow links). */
		if (selected)
			ui_draw_fill(w, y, x0, 2 + m->label_w, A_REVERSE);
		int x = x0 + ui_draw_str(w, y, x0, width, selected ? "> " : "  ", attr);
		menu_label(m, (size_t)i, label, sizeof label);
		ui_draw_str(w, y, x, x0 + width - x, label, attr);

		/* The summary only where a useful part of it fits. */
		int sx = x0 + 2 + m->label_w + 2;
		int sw = x0 + width - sx;
		if (m->items[i].summary[0] && sw >= 12)
			ui_draw_str(w, y, sx, sw, m->items[i].summary, A_NORMAL);
	}
}

static void menu_cursor(struct ui_screen *s, int *y, int *x)
{
	struct menu *m = (struct menu *)s;
	*y = m->list_rows > 0 ? m->list_y + m->sel - m->top : m->heading_y;
	*x = m->body.x + m->margin;
}

static void menu_open(struct menu *m, struct ui_app *app)
{
	const struct menu_item *it = &m->items[m->sel];

	/* A guest's menu has no such items; refuse them even so (nothing members wrote). A
	 * member has no application to make. */
	bool members_only = it->kind == ITEM_BOARDS || it->kind == ITEM_CHALLENGE ||
		it->kind == ITEM_MESSAGES || it->kind == ITEM_DIRECTORY || it->kind == ITEM_NEWS ||
		it->kind == ITEM_ACCOUNT;
	if ((app->guest || !app->user) && members_only)
		return;
	if (it->kind == ITEM_APPLY && !app->guest)
		return;
	/* Only moderators and sysops have this item; the admin menu checks again. */
	if (it->kind == ITEM_ADMIN && !ui_is_moderator(app))
		return;

	switch (it->kind) {
	case ITEM_PAGE:
		ui_app_push(app, ui_pager_open_page(app, it->page_slug, it->name));
		break;
	case ITEM_AREA:
		ui_app_push(app, ui_pager_open_area(app, it->area_id, it->name, it->page_slug));
		break;
	case ITEM_BOARDS:
		ui_app_push(app, ui_boards_create(app, -1, NULL));
		break;
	case ITEM_CHALLENGE:
		ui_app_push(app, ui_challenge_create(app, 0, false));
		break;
	case ITEM_QUESTION_PUBLIC:
		ui_app_push(app, ui_question_public_create(app));
		break;
	case ITEM_MESSAGES:
		ui_app_push(app, ui_messages_create(app));
		break;
	case ITEM_DIRECTORY:
		ui_app_push(app, ui_directory_create(app));
		break;
	case ITEM_NEWS:
		ui_app_push(app, ui_announcements_create(app));
		break;
	case ITEM_ADMIN:
		ui_app_push(app, ui_admin_create(app));
		break;
	case ITEM_ACCOUNT:
		ui_app_push(app, ui_account_create(app));
		break;
	case ITEM_APPLY:
		ui_app_push(app, ui_apply_create(app));
		break;
	case ITEM_LOGOFF:
		/* Choosing "Log off" is already the explicit request: no second question. */
		app->quit = true;
		app->status = 0;
		break;
	}
}

static enum ui_result menu_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct menu *m = (struct menu *)s;
	int old = m->sel;
	int page = m->list_rows > 1 ? m->list_rows - 1 : 1;

	switch (action) {
	case UI_ACT_UP: m->sel--; break;
	case UI_ACT_DOWN: m->sel++; break;
	case UI_ACT_PGUP: m->sel -= page; break;
	case UI_ACT_PGDN: m->sel += page; break;
	case UI_ACT_HOME: m->sel = 0; break;
	case UI_ACT_END: m->sel = (int)m->n - 1; break;
	case UI_ACT_OPEN:
		menu_open(m, app);
		return UI_RES_REDRAW;
	case UI_ACT_JUMP:
		if (key < '1' || key > '9' || key - '1' >= (int)m->n)
			return UI_RES_NONE;
		m->sel = key - '1';
		menu_keep_visible(m);
		menu_open(m, app);
		return UI_RES_REDRAW;
	case UI_ACT_QUIT:
		ui_app_ask_logoff(app);
		return UI_RES_REDRAW;
	case UI_ACT_NEXT_UNREAD:
		if (app->guest)
			return UI_RES_NONE; /* not in a guest's table; never for a guest */
		ui_nav_next_unread(app, false);
		return UI_RES_REDRAW;
	case UI_ACT_SEARCH:
		if (app->guest)
			return UI_RES_NONE;
		ui_nav_search(app);
		return UI_RES_REDRAW;
	default:
		return UI_RES_NONE;
	}
	menu_keep_visible(m);
	return m->sel != old ? UI_RES_REDRAW : UI_RES_NONE;
}

/* Offers the latest unsent draft back (the link may have dropped mid-post). */
static void menu_offer_draft(struct ui_app *app)
{
	struct store_draft d = { 0 };
	char what[STORE_FIELD_MAX + 64];

	if (store_draft_latest(app->st, app->user->id, &d) != 0)
		return;
	if (d.context && ui_editor_describe(app, d.context, what, sizeof what)) {
		char *question = xasprintf("You have an unsent draft (%s). Resume it? (y/n)", what);
		if (ui_app_confirm(app, question) && !app->quit)
			ui_app_push(app, ui_editor_from_context(app, d.context));
		free(question);
	}
	store_draft_finish(&d);
}

/* After login, one after the other: going back to where the link dropped (resume.c), then
 * the unsent draft (which then opens on top of that place: a reply over its discussion). */
static void menu_offers(struct ui_app *app)
{
	ui_resume_offer(app);
	if (!app->quit)
		menu_offer_draft(app);
}

static void menu_resume(struct ui_screen *s, struct ui_app *app)
{
	struct menu *m = (struct menu *)s;

	/* The news shown after login was left: it has been seen. Only now, so that a dropped
	 * link while it is shown keeps it for the next login. */
	if (m->news_seen_upto > 0) {
		int r = store_announcement_mark_seen(app->st, app->user->id, m->news_seen_upto);
		if (r != 0)
			log_warn("announcements seen: %s", bbs_strerror(r));
		m->news_seen_upto = 0;
	}
	menu_summaries(m, app);
	if (m->offer_draft) {
		m->offer_draft = false;
		menu_offers(app);
	}
}

/* After login: the unread announcements once (a pager), then the draft offer. */
static void menu_start(struct ui_screen *s, struct ui_app *app)
{
	struct menu *m = (struct menu *)s;
	struct store_announcement *v = NULL;
	size_t n = 0;

	if (app->guest || !app->user)
		return; /* a guest has no drafts and no news of members */
	if (store_announcement_unread(app->st, app->user->id, &v, &n) == 0 && n > 0) {
		char *text = NULL;
		for (size_t i = 0; i < n; i++) {
			char when[UI_TIME_LEN];
			ui_format_time(v[i].created, when, sizeof when);
			ui_format_append(&text, "%s%s  %s\n\n%s\n", i ? "\n" : "", when, v[i].title,
				v[i].body);
			if (v[i].id > m->news_seen_upto)
				m->news_seen_upto = v[i].id;
		}
		store_announcement_list_free(v, n);
		ui_app_push(app, ui_pager_create(MENU_NEWS_TITLE, text));
		free(text);
		m->offer_draft = true; /* when the pager is left (menu_resume) */
		return;
	}
	menu_offers(app);
}

static void menu_destroy(struct ui_screen *s)
{
	struct menu *m = (struct menu *)s;

	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->items[i].name);
		free(m->items[i].summary);
		free(m->items[i].page_slug);
	}
	free(m->items);
	free(m);
}

struct ui_screen *ui_menu_create(struct ui_app *app)
{
	struct menu *m = xcalloc(1, sizeof *m);
	struct store_area *areas = NULL;
	size_t n_areas = 0;
	char *who_summary = NULL;

	m->base.keymap = app->guest ? &ui_keymap_menu_guest : &ui_keymap_menu;
	m->base.layout = menu_layout;
	m->base.draw = menu_draw;
	m->base.cursor = menu_cursor;
	m->base.action = menu_action;
	m->base.destroy = menu_destroy;
	m->base.resume = menu_resume;
	m->base.start = menu_start;

	if (app->guest)
		menu_add(m, ITEM_PAGE, MENU_WELCOME_NAME, NULL, MENU_WELCOME_SLUG);
	int r = store_area_list(app->st, &areas, &n_areas);
	if (r != 0) {
		log_warn("cannot read the focus areas: %s", bbs_strerror(r));
		areas = NULL;
		n_areas = 0;
	}
	for (size_t i = 0; i < n_areas; i++) {
		menu_add(m, ITEM_AREA, areas[i].name, areas[i].summary, areas[i].page_slug);
		m->items[m->n - 1].area_id = areas[i].id;
	}
	store_area_list_free(areas, n_areas);
	if (app->guest || !app->user) {
		char *summary = menu_question_public_summary(app);
		menu_add(m, ITEM_QUESTION_PUBLIC, MENU_CHALLENGE_NAME, summary, NULL);
		free(summary);
	} else {
		menu_add(m, ITEM_BOARDS, MENU_BOARDS_NAME, NULL, NULL);
		menu_add(m, ITEM_CHALLENGE, MENU_CHALLENGE_NAME, NULL, NULL);
		menu_add(m, ITEM_MESSAGES, MENU_MESSAGES_NAME, NULL, NULL);
		menu_add(m, ITEM_DIRECTORY, MENU_DIRECTORY_NAME, MENU_DIRECTORY_SUMMARY, NULL);
		menu_add(m, ITEM_NEWS, MENU_NEWS_NAME, NULL, NULL);
		if (ui_is_moderator(app))
			menu_add(m, ITEM_ADMIN, MENU_ADMIN_NAME, ui_is_sysop(app) ?
				MENU_ADMIN_SUMMARY_SYSOP : MENU_ADMIN_SUMMARY_MOD, NULL);
		menu_add(m, ITEM_ACCOUNT, MENU_ACCOUNT_NAME, MENU_ACCOUNT_SUMMARY, NULL);
		menu_summaries(m, app);
	}

	if (store_setting_get(app->st, MENU_WHO_SUMMARY_KEY, &who_summary) != 0)
		who_summary = NULL;
	menu_add(m, ITEM_PAGE, MENU_WHO_NAME,
		who_summary && who_summary[0] ? who_summary : MENU_WHO_SUMMARY_DEFAULT, MENU_WHO_SLUG);
	free(who_summary);
	if (app->guest) {
		int mode = STORE_REG_OPEN;
		if (store_registration_get(app->st, &mode) == 0 && mode == STORE_REG_OPEN)
			menu_add(m, ITEM_APPLY, MENU_APPLY_NAME, MENU_APPLY_SUMMARY, NULL);
	}
	menu_add(m, ITEM_LOGOFF, MENU_LOGOFF_NAME, NULL, NULL);
	return &m->base;
}
