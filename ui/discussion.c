/*
 * discussion.c: the discussion view (heading = the discussion's title).
 *
 * Posts in order, each a header line "#SEQ Name (handle), Organisation, Sector, YYYY-MM-DD
 * HH:MM" (+ " (edited)"), the body word-wrapped with text_wrap, and a blank line. The current
 * post's header is in reverse video with '>' in column 0; J/K move it (its header goes to the
 * top), scrolling moves it to the first post whose header is on screen once the current one
 * has left the screen. It opens at the first unread post, its header at the top.
 *
 * Reading marks: draw() notes the highest post whose header has been on screen; the next key
 * (or leaving the view) stores it with store_thread_mark_read, so a post counts as read once
 * it has been shown, and drawing itself never writes to the store.
 *
 * A discussion may hold thousands of posts: only a window of them is loaded (store_post_range
 * in chunks, at most D_KEEP posts kept), extended as the view moves and trimmed on the side
 * away from it. The scroll position is (post, line within the post), so it survives loading,
 * trimming and re-wrapping after a resize.
 *
 * A discussion promoted from a challenge shows "From challenge #ID" under its heading, and c
 * opens that challenge.
 *
 * Moderation: ! reports the current post (not one's own). Moderators (members get "Only
 * moderators can do that" and nothing changes): H hides the current post with a reason, U
 * shows it again, L locks or unlocks, P pins or unpins, V moves the discussion to a board
 * chosen from a list. Posts are read with store_post_range_for, so a hidden post reaches a
 * member as "[Hidden by a moderator on DATE: REASON]" only; moderators see the notice and the
 * text under it. A verified member's name carries the verified mark in the post header.
 *
 * Must never: read the store while drawing, index outside the loaded window, or scroll past
 * the end of the discussion (only J/K and opening may put a short last post at the top).
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

#define D_CHUNK 40      /* posts loaded at a time */
#define D_KEEP 400      /* posts kept loaded at most (a 500-row screen shows <= 167) */
#define D_REMOVED "[removed by its author]"
#define D_VCACHE 64     /* authors whose verified mark is remembered */
#define D_REASON_MAX 1024

struct dpost {
	struct store_post p;
	char *header;
	const char *text;           /* p.body, D_REMOVED, or own_text */
	char *own_text;             /* a hidden post's notice (and, for moderators, its text) */
	struct text_line *lines;    /* text wrapped to text_cols */
	size_t nlines;
	int rows;                   /* header + lines + blank */
};

struct disc {
	struct ui_screen base;      /* first member */
	struct ui_app *app;         /* outlives every screen */
	struct store_thread t;
	struct dpost *posts;        /* posts[i].p.seq == first + i */
	size_t n;
	int64_t first;
	int64_t top_seq;            /* the first visible row is line top_line of post top_seq */
	int top_line;
	int64_t cur;                /* the current post */
	int64_t seen;               /* highest post whose header was drawn */
	int64_t marked;             /* highest post stored as read */
	bool clamp_pending;         /* pull the view back from the end once laid out */
	/* verified marks of the authors seen (read once per screen) */
	struct { int64_t id; bool verified; } vcache[D_VCACHE];
	size_t nvcache;
	/* layout */
	struct ui_rect rect;
	int heading_y, from_y, text_y, view, x0, text_cols;
	bool laid_compact;          /* the compact layout the posts were wrapped for */
};

/* ---- posts ---- */

static void dp_wrap(struct dpost *dp, int cols)
{
	free(dp->lines);
	dp->lines = NULL;
	dp->nlines = text_wrap(dp->text, cols, &dp->lines);
	if (!dp->lines)
		dp->nlines = 0;
	/* The compact layout has no blank row after a post: the bold header separates. */
	dp->rows = 1 + (int)dp->nlines + (ui_draw_compact() ? 0 : 1);
}

/* Whether author id is verified (read once per screen, then remembered). */
static bool d_verified(struct disc *d, int64_t id)
{
	struct store_user *u = NULL;
	bool v = false;

	for (size_t i = 0; i < d->nvcache; i++)
		if (d->vcache[i].id == id)
			return d->vcache[i].verified;
	if (store_user_get_by_id(d->app->st, id, &u) == 0 && u)
		v = u->verified;
	store_user_free(u);
	size_t slot = d->nvcache < D_VCACHE ? d->nvcache++ : (size_t)id % D_VCACHE;
	d->vcache[slot].id = id;
	d->vcache[slot].verified = v;
	return v;
}

static char *dp_header(const struct store_post *p, bool verified)
{
	char when[UI_TIME_LEN];
	const char *handle = p->author_handle ? p->author_handle : "";
	const char *name = p->author_name && p->author_name[0] ? p->author_name : handle;
	const char *org = p->author_org ? p->author_org : "";
	const char *sector = p->author_sector ? p->author_sector : "";

	ui_format_time(p->created, when, sizeof when);
	/* Compact: name, handle and time only (organisation and sector are on the profile). */
	if (ui_draw_compact())
		org = sector = "";
	if (strcmp(handle, STORE_REMOVED_NAME) == 0)   /* a member a sysop deleted: no one */
		return xasprintf("#%lld %s, %s%s", (long long)p->seq, handle, when,
			p->edited ? " (edited)" : "");
	return xasprintf("#%lld %s%s (%s)%s%s%s%s, %s%s", (long long)p->seq, name,
		ui_verified_mark(verified), handle, org[0] ? ", " : "", org, sector[0] ? ", " : "",
		sector, when, p->edited ? " (edited)" : "");
}

/* Takes over src's strings. */
static void dp_init(struct disc *d, struct dpost *dp, struct store_post *src, int cols)
{
	memset(dp, 0, sizeof *dp);
	dp->p = *src;
	memset(src, 0, sizeof *src);
	dp->header = dp_header(&dp->p, d_verified(d, dp->p.author_id));
	dp->text = dp->p.deleted || !dp->p.body ? D_REMOVED : dp->p.body;
	if (dp->p.hidden && !dp->p.deleted) {
		char when[UI_TIME_LEN];
		ui_format_time(dp->p.hidden_at, when, sizeof when);
		ui_format_append(&dp->own_text, "[Hidden by a moderator on %s: %s]", when,
			dp->p.hidden_reason ? dp->p.hidden_reason : "");
		/* The store blanks the text for members; moderators read it under the notice. */
		if (ui_is_moderator(d->app) && dp->p.body && dp->p.body[0])
			ui_format_append(&dp->own_text, "\n%s", dp->p.body);
		dp->text = dp->own_text;
	}
	dp_wrap(dp, cols);
}

static void dp_finish(struct dpost *dp)
{
	store_post_finish(&dp->p);
	free(dp->header);
	free(dp->own_text);
	free(dp->lines);
	memset(dp, 0, sizeof *dp);
}

static struct dpost *d_post(struct disc *d, int64_t seq)
{
	if (d->n == 0 || seq < d->first || seq >= d->first + (int64_t)d->n)
		return NULL;
	return &d->posts[seq - d->first];
}

static void d_reset(struct disc *d)
{
	for (size_t i = 0; i < d->n; i++)
		dp_finish(&d->posts[i]);
	free(d->posts);
	d->posts = NULL;
	d->n = 0;
	d->first = 0;
}

/* Reads posts from..from+count-1 into a new array. Returns how many (0 on error). */
static size_t d_fetch(struct disc *d, int64_t from, int64_t count, struct dpost **out)
{
	struct store_post *v = NULL;
	size_t k = 0;

	*out = NULL;
	int r = store_post_range_for(d->app->st, d->app->user->id, d->t.id, from, count, &v, &k);
	if (r != 0) {
		log_warn("posts of %lld: %s", (long long)d->t.id, bbs_strerror(r));
		ui_app_message(d->app, "Could not read the posts, please try again");
		return 0;
	}
	/* Only the run of consecutive seqs from `from` is used: the window stays contiguous. */
	size_t used = 0;
	while (used < k && v[used].seq == from + (int64_t)used)
		used++;
	if (used > 0) {
		*out = xcalloc(used, sizeof **out);
		for (size_t i = 0; i < used; i++)
			dp_init(d, &(*out)[i], &v[i], d->text_cols);
	}
	store_post_list_free(v, k);
	return used;
}

/* Drops posts on the side away from the view while more than D_KEEP are loaded. */
static void d_trim(struct disc *d)
{
	while (d->n > D_KEEP) {
		int64_t last = d->first + (int64_t)d->n - 1;
		size_t drop = d->n - D_KEEP;
		if (d->top_seq - d->first > last - d->top_seq) {
			for (size_t i = 0; i < drop; i++)
				dp_finish(&d->posts[i]);
			memmove(d->posts, d->posts + drop, (d->n - drop) * sizeof d->posts[0]);
			d->first += (int64_t)drop;
		} else {
			for (size_t i = d->n - drop; i < d->n; i++)
				dp_finish(&d->posts[i]);
		}
		d->n -= drop;
	}
}

/* Makes sure posts from..to (within 1..posts) are loaded, in chunks. */
static void d_need(struct disc *d, int64_t from, int64_t to)
{
	struct dpost *v;
	size_t k;

	if (from < 1)
		from = 1;
	if (to > d->t.posts)
		to = d->t.posts;
	if (from > to)
		return;
	int64_t last = d->first + (int64_t)d->n - 1;
	if (d->n == 0 || to < d->first - 1 || from > last + 1) {
		/* Nowhere near what is loaded: start a new window. */
		d_reset(d);
		int64_t count = to - from + 1 < D_CHUNK ? D_CHUNK : to - from + 1;
		k = d_fetch(d, from, count, &v);
		if (k > 0) {
			d->posts = v;
			d->n = k;
			d->first = from;
		}
		d_trim(d);
		return;
	}
	if (from < d->first) {
		int64_t f = d->first - D_CHUNK < from ? d->first - D_CHUNK : from;
		if (f < 1)
			f = 1;
		k = d_fetch(d, f, d->first - f, &v);
		if (k == (size_t)(d->first - f)) {
			d->posts = xrealloc(d->posts, (d->n + k) * sizeof d->posts[0]);
			memmove(d->posts + k, d->posts, d->n * sizeof d->posts[0]);
			memcpy(d->posts, v, k * sizeof v[0]);
			d->n += k;
			d->first = f;
			free(v);
		} else {
			/* The discussion changed under us: keep the window as it is. */
			for (size_t i = 0; i < k; i++)
				dp_finish(&v[i]);
			free(v);
		}
	}
	last = d->first + (int64_t)d->n - 1;
	if (to > last) {
		int64_t count = to - last < D_CHUNK ? D_CHUNK : to - last;
		k = d_fetch(d, last + 1, count, &v);
		if (k > 0) {
			d->posts = xrealloc(d->posts, (d->n + k) * sizeof d->posts[0]);
			memcpy(d->posts + d->n, v, k * sizeof v[0]);
			d->n += k;
			free(v);
		} else if (d->t.posts > last) {
			d->t.posts = last; /* fewer posts than the count said */
		}
	}
	d_trim(d);
}

/* The post seq, loading it (and a chunk around it) when needed. */
static struct dpost *d_get(struct disc *d, int64_t seq, bool backwards)
{
	struct dpost *dp = d_post(d, seq);

	if (dp || seq < 1 || seq > d->t.posts)
		return dp;
	if (backwards)
		d_need(d, seq - D_CHUNK + 1, seq);
	else
		d_need(d, seq, seq + D_CHUNK - 1);
	return d_post(d, seq);
}

/* ---- scrolling ---- */

/* Rows from the top of the view to the end of the discussion, counting at most limit. */
static int d_rows_below(struct disc *d, int limit)
{
	int64_t seq = d->top_seq;
	int line = d->top_line, rows = 0;

	while (rows < limit && seq <= d->t.posts) {
		struct dpost *dp = d_get(d, seq, false);
		if (!dp)
			break;
		rows += dp->rows - line;
		line = 0;
		seq++;
	}
	return rows;
}

static void d_advance(struct disc *d, int k)
{
	while (k > 0) {
		struct dpost *dp = d_get(d, d->top_seq, false);
		if (!dp)
			break;
		int left = dp->rows - d->top_line;
		if (k < left) {
			d->top_line += k;
			break;
		}
		if (d->top_seq >= d->t.posts) {
			d->top_line = dp->rows - 1;
			break;
		}
		k -= left;
		d->top_seq++;
		d->top_line = 0;
	}
}

static void d_retreat(struct disc *d, int k)
{
	while (k > 0) {
		if (k <= d->top_line) {
			d->top_line -= k;
			break;
		}
		k -= d->top_line + 1;
		if (d->top_seq <= 1) {
			d->top_line = 0;
			break;
		}
		struct dpost *dp = d_get(d, d->top_seq - 1, true);
		if (!dp) {
			d->top_line = 0;
			break;
		}
		d->top_seq--;
		d->top_line = dp->rows - 1;
	}
}

static bool d_scroll_down(struct disc *d, int k)
{
	int avail = d_rows_below(d, d->view + k) - d->view;
	if (avail <= 0)
		return false;
	d_advance(d, k < avail ? k : avail);
	return true;
}

static bool d_scroll_up(struct disc *d, int k)
{
	if (d->top_seq <= 1 && d->top_line == 0)
		return false;
	d_retreat(d, k);
	return true;
}

/* Pulls the view back so that it ends with the discussion's last row, if it shows less. */
static void d_clamp(struct disc *d)
{
	int below = d_rows_below(d, d->view);
	if (below < d->view)
		d_retreat(d, d->view - below);
}

/* Puts post seq's header at the top; with clamp, not past the end of the discussion. */
static void d_place(struct disc *d, int64_t seq, bool clamp)
{
	if (seq > d->t.posts)
		seq = d->t.posts;
	if (seq < 1)
		seq = 1;
	d->top_seq = seq;
	d->top_line = 0;
	d_need(d, seq - 2, seq + D_CHUNK - 1);
	d->clamp_pending = false;
	if (clamp) {
		if (d->view > 0)
			d_clamp(d);
		else
			d->clamp_pending = true;
	}
}

static void d_end(struct disc *d)
{
	d_need(d, d->t.posts - D_CHUNK + 1, d->t.posts);
	struct dpost *dp = d_post(d, d->t.posts);
	if (!dp)
		return;
	d->top_seq = d->t.posts;
	d->top_line = dp->rows - 1;
	d_retreat(d, d->view > 1 ? d->view - 1 : 0);
}

/* After scrolling: the current post stays if its header is on screen, else it becomes the
 * first post whose header is, else the post at the top. */
static void d_update_cur(struct disc *d)
{
	int64_t seq = d->top_seq, first_hdr = 0;
	int line = d->top_line, row = 0;

	while (row < d->view) {
		struct dpost *dp = d_post(d, seq);
		if (!dp)
			break;
		if (line == 0) {
			if (seq == d->cur)
				return;
			if (!first_hdr)
				first_hdr = seq;
		}
		row += dp->rows - line;
		line = 0;
		seq++;
	}
	d->cur = first_hdr ? first_hdr : d->top_seq;
}

static void d_flush_read(struct disc *d)
{
	if (d->seen <= d->marked)
		return;
	int r = store_thread_mark_read(d->app->st, d->app->user->id, d->t.id, d->seen);
	if (r != 0)
		log_warn("mark read: %s", bbs_strerror(r));
	else
		d->marked = d->seen;
}

/* ---- the screen ---- */

static void disc_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct disc *d = (struct disc *)s;

	d->rect = *r;
	d->heading_y = r->y;
	d->text_y = r->y + (ui_draw_roomy(r->rows, 8) ? 2 : 1);
	/* "From challenge #ID" takes the blank row under the heading, or a row of its own. */
	d->from_y = -1;
	if (d->t.challenge_id > 0) {
		d->from_y = r->y + 1;
		bool roomy = ui_draw_roomy(r->rows, 12);
		if (d->text_y == d->from_y || roomy)
			d->text_y = d->from_y + (roomy ? 2 : 1);
	}
	d->view = r->y + r->rows - d->text_y;
	if (d->view < 0)
		d->view = 0;
	d->x0 = 2; /* column 0: the current post's '>' */
	int cols = r->cols - d->x0 - 1;
	if (cols < 1)
		cols = 1;
	if (cols != d->text_cols || d->laid_compact != ui_draw_compact()) {
		d->text_cols = cols;
		if (d->laid_compact != ui_draw_compact()) {
			d->laid_compact = ui_draw_compact();
			for (size_t i = 0; i < d->n; i++) {
				free(d->posts[i].header);
				d->posts[i].header = dp_header(&d->posts[i].p,
					d_verified(d, d->posts[i].p.author_id));
			}
		}
		for (size_t i = 0; i < d->n; i++)
			dp_wrap(&d->posts[i], cols);
		struct dpost *top = d_post(d, d->top_seq);
		if (top && d->top_line >= top->rows)
			d->top_line = top->rows - 1;
	}
	(void)d_rows_below(d, d->view); /* load what the screen shows */
	if (d->clamp_pending) {
		d->clamp_pending = false;
		d_clamp(d);
	}
}

static void disc_draw(struct ui_screen *s, WINDOW *w)
{
	struct disc *d = (struct disc *)s;
	int cols = d->rect.cols;
	char pos[64];

	if (cols <= 0)
		return;
	int hx = cols >= 40 ? 1 : 0, pos_w = 0;
	if (cols >= 40 && bbs_snprintf(pos, sizeof pos, "%spost %lld of %lld",
	    d->t.locked ? "[locked] " : "", (long long)d->cur, (long long)d->t.posts) == 0) {
		pos_w = ui_draw_width(pos);
		ui_draw_str(w, d->heading_y, cols - 1 - pos_w, pos_w, pos, A_NORMAL);
	}
	ui_draw_str(w, d->heading_y, hx, cols - hx - (pos_w ? pos_w + 2 : 0), d->t.title,
		ui_term_heading_attr());
	if (d->from_y >= 0) {
		char from[64];
		(void)bbs_snprintf(from, sizeof from, "From challenge #%lld (press c)",
			(long long)d->t.challenge_id);
		ui_draw_str(w, d->from_y, hx, cols - hx, from, A_NORMAL);
	}
	if (d->t.posts <= 0) {
		ui_draw_str(w, d->text_y, d->x0, cols - d->x0, "This discussion has no posts.", A_NORMAL);
		return;
	}

	int64_t seq = d->top_seq;
	int line = d->top_line, row = 0;
	while (row < d->view) {
		struct dpost *dp = d_post(d, seq);
		if (!dp)
			break;
		for (int l = line; l < dp->rows && row < d->view; l++, row++) {
			int y = d->text_y + row;
			if (l == 0) {
				bool current = seq == d->cur;
				if (current) {
					ui_draw_fill(w, y, 0, cols, A_REVERSE);
					ui_draw_str(w, y, 0, 1, ">", A_REVERSE);
				}
				ui_draw_str(w, y, d->x0, cols - d->x0, dp->header,
					current ? A_REVERSE | A_BOLD : A_BOLD);
				if (seq > d->seen)
					d->seen = seq; /* stored by the next key: see the top */
			} else if ((size_t)l <= dp->nlines) {
				const struct text_line *tl = &dp->lines[l - 1];
				ui_draw_text(w, y, d->x0, d->text_cols, dp->text + tl->start, tl->len,
					A_NORMAL);
			}
		}
		seq++;
		line = 0;
	}
}

static void disc_cursor(struct ui_screen *s, int *y, int *x)
{
	struct disc *d = (struct disc *)s;
	*y = d->heading_y;
	*x = 0;
}

static struct dpost *disc_current(struct disc *d)
{
	return d_get(d, d->cur, false);
}

static enum ui_result disc_reply(struct disc *d, struct ui_app *app, bool quote)
{
	if (d->t.locked) {
		ui_app_message(app, "This discussion is locked");
		return UI_RES_REDRAW;
	}
	if (ui_silenced_message(app))
		return UI_RES_REDRAW;
	struct dpost *dp = quote ? disc_current(d) : NULL;
	/* A hidden post is never quoted (the editor would read its text from the store). */
	int64_t quote_id = dp && !dp->p.deleted && !dp->p.hidden ? dp->p.id : 0;
	ui_app_push(app, ui_editor_reply(app, d->t.id, quote_id));
	return UI_RES_REDRAW;
}

static enum ui_result disc_edit(struct disc *d, struct ui_app *app)
{
	struct dpost *dp = disc_current(d);

	if (!dp)
		return UI_RES_NONE;
	if (dp->p.author_id != app->user->id) {
		ui_app_message(app, "You can only edit your own posts");
		return UI_RES_REDRAW;
	}
	if (dp->p.deleted) {
		ui_app_message(app, "This post has been removed");
		return UI_RES_REDRAW;
	}
	ui_app_push(app, ui_editor_edit(app, dp->p.id));
	return UI_RES_REDRAW;
}

static enum ui_result disc_delete(struct disc *d, struct ui_app *app)
{
	struct dpost *dp = disc_current(d);
	struct store_post np = { 0 };

	if (!dp)
		return UI_RES_NONE;
	if (dp->p.author_id != app->user->id) {
		ui_app_message(app, "You can only delete your own posts");
		return UI_RES_REDRAW;
	}
	if (dp->p.deleted) {
		ui_app_message(app, "This post has been removed");
		return UI_RES_REDRAW;
	}
	int64_t id = dp->p.id;
	if (!ui_app_confirm(app, "Delete this post? (y/n)"))
		return UI_RES_REDRAW;
	int r = store_post_delete(app->st, id, app->user->id);
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_DENIED ? "You can only delete your own posts"
						   : "Could not save, please try again");
		return UI_RES_REDRAW;
	}
	/* The confirm prompt did not change the window, but look the post up again anyway. */
	dp = disc_current(d);
	if (dp && dp->p.id == id && store_post_get(app->st, id, &np) == 0) {
		dp_finish(dp);
		dp_init(d, dp, &np, d->text_cols);
	}
	store_post_finish(&np);
	ui_app_message(app, "Post deleted.");
	return UI_RES_REDRAW;
}

static void disc_reload_thread(struct disc *d, struct ui_app *app);

/* Reads the discussion and its posts again, keeping the current post. */
static void disc_reload(struct disc *d, struct ui_app *app)
{
	int64_t cur = d->cur, top = d->top_seq;
	int line = d->top_line;

	disc_reload_thread(d, app);
	d_reset(d);
	d->cur = cur;
	d_place(d, top, false);
	struct dpost *dp = d_post(d, top);
	if (dp && line < dp->rows)
		d->top_line = line;
}

static enum ui_result disc_report(struct disc *d, struct ui_app *app)
{
	struct dpost *dp = disc_current(d);

	if (!dp)
		return UI_RES_NONE;
	if (dp->p.author_id == app->user->id) {
		ui_app_message(app, "You cannot report your own post");
		return UI_RES_REDRAW;
	}
	ui_report_ask(app, STORE_REPORT_POST, dp->p.id);
	return UI_RES_REDRAW;
}

static enum ui_result disc_hide(struct disc *d, struct ui_app *app, bool hide)
{
	struct dpost *dp = disc_current(d);
	char reason[D_REASON_MAX];
	int r;

	if (!dp)
		return UI_RES_NONE;
	int64_t id = dp->p.id;
	if (hide) {
		if (dp->p.hidden) {
			ui_app_message(app, "This post is hidden already");
			return UI_RES_REDRAW;
		}
		if (!ui_app_input(app, "Reason for hiding: ", reason, sizeof reason))
			return UI_RES_REDRAW;
		if (!reason[0]) {
			ui_app_message(app, "Not hidden: please give a reason");
			return UI_RES_REDRAW;
		}
		r = store_post_hide(app->st, app->user->id, id, reason);
	} else {
		if (!dp->p.hidden) {
			ui_app_message(app, "This post is not hidden");
			return UI_RES_REDRAW;
		}
		r = store_post_unhide(app->st, app->user->id, id);
	}
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_DENIED ? UI_ONLY_MODERATORS
							: "Could not save, please try again");
		return UI_RES_REDRAW;
	}
	disc_reload(d, app);
	ui_app_message(app, hide ? "Post hidden." : "Post shown again.");
	return UI_RES_REDRAW;
}

static enum ui_result disc_lock(struct disc *d, struct ui_app *app)
{
	char reason[D_REASON_MAX] = "";
	bool lock = !d->t.locked;

	if (lock && !ui_app_input(app, "Reason for locking: ", reason, sizeof reason))
		return UI_RES_REDRAW;
	int r = store_mod_thread_lock(app->st, app->user->id, d->t.id, lock, reason);
	if (r != 0) {
		ui_app_message(app, r == BBS_ERR_DENIED ? UI_ONLY_MODERATORS
							: "Could not save, please try again");
		return UI_RES_REDRAW;
	}
	disc_reload_thread(d, app);
	ui_app_message(app, lock ? "Discussion locked." : "Discussion unlocked.");
	return UI_RES_REDRAW;
}

static enum ui_result disc_moderate(struct disc *d, struct ui_app *app, int action)
{
	if (!ui_is_moderator(app)) {
		ui_app_message(app, UI_ONLY_MODERATORS);
		return UI_RES_REDRAW;
	}
	switch (action) {
	case UI_ACT_HIDE: return disc_hide(d, app, true);
	case UI_ACT_UNHIDE: return disc_hide(d, app, false);
	case UI_ACT_LOCK: return disc_lock(d, app);
	case UI_ACT_PIN:
		if (ui_mod_thread_pin(app, d->t.id, !d->t.pinned))
			disc_reload_thread(d, app);
		return UI_RES_REDRAW;
	case UI_ACT_MOVE:
		ui_mod_thread_move(app, d->t.id, d->t.board_id);
		return UI_RES_REDRAW;
	default:
		return UI_RES_NONE;
	}
}

/* c: the challenge this discussion came from; back to it if the view was opened from it. */
static enum ui_result disc_challenge(struct disc *d, struct ui_app *app)
{
	int64_t id = d->t.challenge_id;

	if (id <= 0) {
		ui_app_message(app, "This discussion did not come from a challenge");
		return UI_RES_REDRAW;
	}
	struct ui_screen *below = app->depth >= 2 ? app->stack[app->depth - 2] : NULL;
	if (ui_challenge_detail_is(below, id))
		ui_app_pop(app); /* destroys d */
	else
		ui_app_push(app, ui_challenge_detail_create(app, id));
	return UI_RES_REDRAW;
}

static enum ui_result disc_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct disc *d = (struct disc *)s;
	int page = d->view > 2 ? d->view - 1 : 1;
	bool moved = false;

	(void)key;
	d_flush_read(d);
	switch (action) {
	case UI_ACT_BACK:
		ui_app_pop(app); /* destroys d */
		return UI_RES_REDRAW;
	case UI_ACT_UP: moved = d_scroll_up(d, 1); break;
	case UI_ACT_DOWN: moved = d_scroll_down(d, 1); break;
	case UI_ACT_PGUP: moved = d_scroll_up(d, page); break;
	case UI_ACT_PGDN: moved = d_scroll_down(d, page); break;
	case UI_ACT_HOME:
		d_place(d, 1, true);
		d->cur = 1;
		return UI_RES_REDRAW;
	case UI_ACT_END:
		d_end(d);
		moved = true;
		break;
	case UI_ACT_NEXT_POST:
	case UI_ACT_PREV_POST: {
		int64_t to = d->cur + (action == UI_ACT_NEXT_POST ? 1 : -1);
		if (to < 1 || to > d->t.posts)
			return UI_RES_NONE;
		d->cur = to;
		d_place(d, to, false);
		return UI_RES_REDRAW;
	}
	case UI_ACT_REPLY: return disc_reply(d, app, false);
	case UI_ACT_QUOTE: return disc_reply(d, app, true);
	case UI_ACT_EDIT: return disc_edit(d, app);
	case UI_ACT_DELETE: return disc_delete(d, app);
	case UI_ACT_NEXT_UNREAD:
		ui_nav_next_unread(app, true); /* may destroy d */
		return UI_RES_REDRAW;
	case UI_ACT_SEARCH:
		ui_nav_search(app);
		return UI_RES_REDRAW;
	case UI_ACT_CHALLENGE:
		return disc_challenge(d, app);
	case UI_ACT_REPORT:
		return disc_report(d, app);
	case UI_ACT_HIDE:
	case UI_ACT_UNHIDE:
	case UI_ACT_LOCK:
	case UI_ACT_PIN:
	case UI_ACT_MOVE:
		return disc_moderate(d, app, action);
	default:
		return UI_RES_NONE;
	}
	if (!moved)
		return UI_RES_NONE;
	d_update_cur(d);
	return UI_RES_REDRAW;
}

/* Re-reads the discussion's counts (replies may have come, it may have been locked). */
static void disc_reload_thread(struct disc *d, struct ui_app *app)
{
	struct store_thread t = { 0 };

	if (store_thread_get(app->st, app->user->id, d->t.id, &t) != 0) {
		store_thread_finish(&t);
		return;
	}
	store_thread_finish(&d->t);
	d->t = t;
}

static void disc_resume(struct ui_screen *s, struct ui_app *app)
{
	struct disc *d = (struct disc *)s;

	d_flush_read(d);
	disc_reload_thread(d, app);
}

static void disc_destroy(struct ui_screen *s)
{
	struct disc *d = (struct disc *)s;

	if (!d)
		return;
	d_flush_read(d);
	d_reset(d);
	store_thread_finish(&d->t);
	free(d);
}

/* resume.c: "discussion THREAD SEQ", the current post. */
static bool disc_where(struct ui_screen *s, char *buf, size_t size)
{
	struct disc *d = (struct disc *)s;

	return bbs_snprintf(buf, size, "discussion %lld %lld", (long long)d->t.id,
		(long long)d->cur) == 0;
}

int64_t ui_discussion_thread(const struct ui_screen *s)
{
	const struct disc *d = (const struct disc *)s;

	return s && s->keymap == &ui_keymap_discussion ? d->t.id : 0;
}

bool ui_discussion_goto(struct ui_screen *s, struct ui_app *app, int64_t thread_id, int64_t seq)
{
	struct disc *d = (struct disc *)s;

	if (!s || s->keymap != &ui_keymap_discussion || d->t.id != thread_id)
		return false;
	d_flush_read(d);
	disc_reload_thread(d, app);
	d_reset(d); /* posts may have been added, edited or removed */
	d->cur = seq;
	/* Show the post, with what comes before it when the end of the discussion is near. */
	d_place(d, seq, true);
	app->dirty = true;
	return true;
}

struct ui_screen *ui_discussion_create(struct ui_app *app, int64_t thread_id, int64_t seq)
{
	struct disc *d = xcalloc(1, sizeof *d);

	int r = store_thread_get(app->st, app->user->id, thread_id, &d->t);
	if (r != 0) {
		log_warn("discussion %lld: %s", (long long)thread_id, bbs_strerror(r));
		ui_app_message(app, "Could not open the discussion, please try again");
		store_thread_finish(&d->t);
		free(d);
		return NULL;
	}
	d->base.keymap = &ui_keymap_discussion;
	d->base.layout = disc_layout;
	d->base.draw = disc_draw;
	d->base.cursor = disc_cursor;
	d->base.action = disc_action;
	d->base.destroy = disc_destroy;
	d->base.resume = disc_resume;
	d->base.where = disc_where;
	d->app = app;
	d->text_cols = 77; /* until the first layout says otherwise */
	d->laid_compact = ui_draw_compact();   /* what dp_init formats the headers for */
	if (seq <= 0)
		seq = d->t.first_unread > 0 ? d->t.first_unread : 1;
	/* Posts before the first unread one are read already: no need to store that again. */
	d->marked = d->t.first_unread > 0 ? d->t.first_unread - 1 : d->t.posts;
	if (seq > d->t.posts)
		seq = d->t.posts;
	d->cur = seq > 0 ? seq : 1;
	d_place(d, d->cur, false);
	return &d->base;
}
