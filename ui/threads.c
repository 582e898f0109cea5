/*
 * threads.c: the discussion list of one board (heading = the board's name).
 *
 * Rows: the selection marker ('>', with the title in reverse video), the unread marker ('*'),
 * "[pinned] " and the title, then on the right the author's handle, "N replies" and the time
 * of the last activity, as far as they fit. Order is the store's: pinned first, then latest
 * activity first.
 *
 * A board may hold 100,000 discussions, so the list is never read whole: only a window of
 * rows around what is on screen (the visible rows and about a page on each side) is fetched
 * with store_thread_page, again whenever the view leaves that window. The number of
 * discussions (for the selection's range) comes from store_board_get.
 *
 * Moderators pin or unpin the selected discussion with P (members: "Only moderators can do
 * that"); a silenced member pressing c gets "You are silenced until DATE".
 *
 * Must never: read the store while drawing, fetch more than a few pages at once, or index
 * outside the fetched window.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <stdlib.h>

/* Widths of the right-hand columns: the handle column is as wide as the widest handle in
 * the fetched window, up to TH_HANDLE_MAX, so that titles keep as much room as possible. */
#define TH_HANDLE_MAX 16
#define TH_TIME_W 16      /* "YYYY-MM-DD HH:MM" */

struct threads {
	struct ui_screen base;   /* first member */
	struct ui_app *app;      /* outlives every screen */
	int64_t board_id;
	struct store_board board;
	struct store_thread *win;  /* fetched rows off .. off + n - 1 */
	size_t n;
	int64_t off;
	int handle_w, replies_w;   /* widest in the window */
	struct ui_select ls;
	/* layout */
	struct ui_rect rect;
	int heading_y, list_y;
};

static void threads_drop_window(struct threads *t)
{
	store_thread_list_free(t->win, t->n);
	t->win = NULL;
	t->n = 0;
	t->off = 0;
}

/* Fetches the rows around the view unless they are already there. */
static void threads_fetch(struct threads *t, struct ui_app *app)
{
	int view = t->ls.view > 0 ? t->ls.view : 1;
	int64_t need_from = t->ls.top, need_to = t->ls.top + view; /* [from, to) */

	if (need_to > t->ls.total)
		need_to = t->ls.total;
	if (t->ls.total == 0 || (t->win && need_from >= t->off &&
	    need_to <= t->off + (int64_t)t->n))
		return;
	threads_drop_window(t);
	int64_t off = need_from - view;
	if (off < 0)
		off = 0;
	int64_t limit = 3 * (int64_t)view;
	if (limit < 30)
		limit = 30;
	int r = store_thread_page(app->st, app->user->id, t->board_id, off, limit, &t->win, &t->n);
	if (r != 0) {
		log_warn("thread page: %s", bbs_strerror(r));
		ui_app_message(app, "Could not read the discussions, please try again");
		t->win = NULL;
		t->n = 0;
		return;
	}
	t->off = off;
	t->handle_w = t->replies_w = 0;
	for (size_t i = 0; i < t->n; i++) {
		char replies[32];
		int w = ui_draw_width(t->win[i].author_handle);
		if (w > t->handle_w)
			t->handle_w = w > TH_HANDLE_MAX ? TH_HANDLE_MAX : w;
		ui_format_count(t->win[i].posts > 0 ? t->win[i].posts - 1 : 0, "reply", "replies",
			replies, sizeof replies);
		w = ui_draw_width(replies);
		if (w > t->replies_w)
			t->replies_w = w;
	}
	/* Fewer rows than asked: the board has fewer discussions than we counted. */
	if ((int64_t)t->n < limit && off + (int64_t)t->n < t->ls.total) {
		t->ls.total = (int)(off + (int64_t)t->n);
		ui_select_clamp(&t->ls);
	}
}

static void threads_load(struct threads *t, struct ui_app *app)
{
	struct store_board b = { 0 };

	int r = store_board_get(app->st, app->user->id, t->board_id, &b);
	if (r == 0) {
		store_board_finish(&t->board);
		t->board = b;
	} else {
		log_warn("board %lld: %s", (long long)t->board_id, bbs_strerror(r));
	}
	t->ls.total = t->board.threads > 1000000000 ? 1000000000 : (int)t->board.threads;
	ui_select_clamp(&t->ls);
	threads_drop_window(t);
	threads_fetch(t, app);
}

static void threads_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct threads *t = (struct threads *)s;

	t->rect = *r;
	bool roomy = ui_draw_roomy(r->rows, 10);
	t->heading_y = r->y;
	t->list_y = r->y + (roomy ? 2 : 1);
	/* The last body row is left for messages. */
	int view = r->y + r->rows - (roomy ? 1 : 0) - t->list_y;
	t->ls.view = view > 0 ? view : 0;
	ui_select_clamp(&t->ls);
	threads_fetch(t, t->app); /* a taller window may show rows outside the fetched ones */
}

static const struct store_thread *threads_row(const struct threads *t, int i)
{
	if (!t->win || i < t->off || i >= t->off + (int64_t)t->n)
		return NULL;
	return &t->win[i - t->off];
}

static void threads_draw_row(const struct threads *t, WINDOW *w, int y, int i, bool sel)
{
	const struct store_thread *th = threads_row(t, i);
	int cols = t->rect.cols;
	char replies[32], when[UI_TIME_LEN];

	if (!th)
		return;
	/* Right-hand columns, dropped from the left as the window narrows. */
	int right = cols - 1;
	bool show_time = cols >= 56, show_handle = cols >= 40;
	if (show_time) {
		right -= TH_TIME_W;
		ui_format_time(th->last_post_at, when, sizeof when);
		ui_draw_str(w, y, right, TH_TIME_W, when, A_NORMAL);
		right -= 2;
	}
	ui_format_count(th->posts > 0 ? th->posts - 1 : 0, "reply", "replies", replies, sizeof replies);
	int rw = ui_draw_width(replies);
	if (cols >= 30) {
		right -= t->replies_w;
		ui_draw_str(w, y, right + t->replies_w - rw, rw, replies, A_NORMAL);
		right -= 2;
	}
	if (show_handle) {
		right -= t->handle_w;
		ui_draw_str(w, y, right, t->handle_w, th->author_handle, A_NORMAL);
		right -= 2;
	}

	int attr = sel ? A_REVERSE : A_NORMAL;
	int title_x = 3, title_w = right - title_x; /* right: the first column after the title */
	if (title_w < 1)
		title_w = 1;
	if (sel)
		ui_draw_fill(w, y, 0, title_x + title_w, A_REVERSE);
	ui_draw_str(w, y, 0, cols, sel ? ">" : " ", attr);
	ui_draw_str(w, y, 1, cols - 1, th->unread > 0 ? "*" : " ", attr);
	int x = title_x;
	if (th->pinned)
		x += ui_draw_str(w, y, x, title_x + title_w - x, "[pinned] ", attr);
	if (th->locked)
		x += ui_draw_str(w, y, x, title_x + title_w - x, "[locked] ", attr);
	ui_draw_str(w, y, x, title_x + title_w - x, th->title, attr);
}

static void threads_draw(struct ui_screen *s, WINDOW *w)
{
	struct threads *t = (struct threads *)s;
	int cols = t->rect.cols;

	if (cols <= 0)
		return;
	int pos_w = 0;
	if (t->ls.total > 0 && cols >= 40) {
		char pos[48];
		if (bbs_snprintf(pos, sizeof pos, "%d of %d", t->ls.sel + 1, t->ls.total) == 0) {
			pos_w = ui_draw_width(pos);
			ui_draw_str(w, t->heading_y, cols - 1 - pos_w, pos_w, pos, A_NORMAL);
		}
	}
	int hx = cols >= 40 ? 1 : 0;
	ui_draw_str(w, t->heading_y, hx, cols - hx - (pos_w ? pos_w + 2 : 0), t->board.name,
		ui_term_heading_attr());
	if (t->ls.total == 0) {
		ui_draw_str(w, t->list_y, hx, cols - hx, "No discussions yet. Press c to start one.",
			A_NORMAL);
		return;
	}
	for (int row = 0; row < t->ls.view; row++) {
		int i = t->ls.top + row;
		if (i >= t->ls.total)
			break;
		threads_draw_row(t, w, t->list_y + row, i, i == t->ls.sel);
	}
}

static void threads_cursor(struct ui_screen *s, int *y, int *x)
{
	struct threads *t = (struct threads *)s;
	*y = t->ls.view > 0 && t->ls.total > 0 ? t->list_y + t->ls.sel - t->ls.top : t->heading_y;
	*x = 0;
}

static enum ui_result threads_action(struct ui_screen *s, struct ui_app *app, int action,
	int key)
{
	struct threads *t = (struct threads *)s;
	const struct store_thread *th;
	enum ui_result res;
	int r;

	(void)key;
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys t */
		return UI_RES_REDRAW;
	case UI_ACT_OPEN:
		threads_fetch(t, app);
		th = threads_row(t, t->ls.sel);
		if (th)
			ui_app_push(app, ui_discussion_create(app, th->id, 0));
		return UI_RES_REDRAW;
	case UI_ACT_NEW:
		if (ui_silenced_message(app))
			return UI_RES_REDRAW;
		ui_app_push(app, ui_editor_new_thread(app, t->board_id));
		return UI_RES_REDRAW;
	case UI_ACT_PIN:
		if (!ui_is_moderator(app)) {
			ui_app_message(app, UI_ONLY_MODERATORS);
			return UI_RES_REDRAW;
		}
		threads_fetch(t, app);
		th = threads_row(t, t->ls.sel);
		if (th && ui_mod_thread_pin(app, th->id, !th->pinned))
			threads_load(t, app);
		return UI_RES_REDRAW;
	case UI_ACT_MARK_READ:
		r = store_board_mark_read(app->st, app->user->id, t->board_id);
		ui_app_message(app, r == 0 ? "Marked read." : "Could not save, please try again");
		threads_load(t, app);
		return UI_RES_REDRAW;
	case UI_ACT_NEXT_UNREAD:
		ui_nav_next_unread(app, false);
		return UI_RES_REDRAW;
	case UI_ACT_SEARCH:
		ui_nav_search(app);
		return UI_RES_REDRAW;
	default:
		res = ui_select_action(&t->ls, action);
		threads_fetch(t, app);
		return res;
	}
}

static void threads_resume(struct ui_screen *s, struct ui_app *app)
{
	threads_load((struct threads *)s, app);
}

static void threads_destroy(struct ui_screen *s)
{
	struct threads *t = (struct threads *)s;

	if (!t)
		return;
	threads_drop_window(t);
	store_board_finish(&t->board);
	free(t);
}

/* resume.c: "board ID", this board's discussion list. */
static bool threads_where(struct ui_screen *s, char *buf, size_t size)
{
	return bbs_snprintf(buf, size, "board %lld", (long long)((struct threads *)s)->board_id) == 0;
}

struct ui_screen *ui_threads_create(struct ui_app *app, int64_t board_id)
{
	struct threads *t = xcalloc(1, sizeof *t);
	int r = store_board_get(app->st, app->user->id, board_id, &t->board);

	if (r != 0) {
		log_warn("board %lld: %s", (long long)board_id, bbs_strerror(r));
		ui_app_message(app, "Could not open the board, please try again");
		free(t);
		return NULL;
	}
	t->base.keymap = &ui_keymap_threads;
	t->base.layout = threads_layout;
	t->base.draw = threads_draw;
	t->base.cursor = threads_cursor;
	t->base.action = threads_action;
	t->base.destroy = threads_destroy;
	t->base.resume = threads_resume;
	t->base.where = threads_where;
	t->app = app;
	t->board_id = board_id;
	t->ls.total = t->board.threads > 1000000000 ? 1000000000 : (int)t->board.threads;
	return &t->base; /* the first layout fetches the rows on screen */
}
