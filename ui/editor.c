/*
 * editor.c: the editor screen: a new discussion (title and text), a reply (optionally quoting
 * a post) or an edit of one's own post.
 *
 * The text itself lives in two ui_editbuf (editbuf.c): this file maps keys to buffer
 * operations, draws the buffers, and talks to the store. Printable keys that arrive together
 * (typing ahead, a paste without bracketed paste) are inserted as one piece; a bracketed paste
 * arrives whole (UI_KEY_PASTE). A paste that would grow the text past twice the limit is
 * refused whole ("Paste too large"); text over the limit itself is kept but cannot be sent
 * until it is shortened ("Too long: ...").
 *
 * Drafts: what the member types is saved (store_draft_save) about two seconds after the last
 * change, using a key-wait timeout only while there are unsaved changes, and when the screen
 * is destroyed with unsaved changes: on a hangup or a signal the program unwinds through
 * destroy (see term.c), so the text survives a dropped link. Sending deletes the draft, and
 * so does cancelling with "Discard this draft? (y/n)" answered y.
 * Each editor has a random client token, so sending twice (a retry after an error that was
 * in fact a success) creates one post.
 *
 * Other screens use the same editor with their own sending (ui_editor_custom): a challenge
 * (title, text, then the focus area chooser), a question's text. Their limits are their own.
 *
 * Must never: lose typed text on an error (the editor stays open with it), send text over the
 * store's limits, or treat a byte inside a paste as a command.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define ED_SAVE_MS 2000                     /* draft saved this long after the last change */
#define ED_BURST_MAX 65536                  /* bytes of typed-ahead text inserted at once */

enum ed_kind { ED_NEW, ED_REPLY, ED_EDIT, ED_CUSTOM };

struct editor {
	struct ui_screen base;   /* first member */
	struct ui_app *app;      /* outlives every screen */
	enum ed_kind kind;
	int64_t board_id;        /* ED_NEW */
	int64_t thread_id;       /* ED_REPLY, ED_EDIT */
	int64_t quote_id;        /* ED_REPLY: the quoted post, 0 if none */
	int64_t post_id;         /* ED_EDIT */
	int64_t post_seq;        /* ED_EDIT */
	char *heading;
	char context[64];        /* the draft's context ("" for none) */
	bool has_title;
	size_t title_limit, body_limit; /* what may be sent */
	const struct ui_editor_hooks *hooks; /* ED_CUSTOM */
	void *hook_ctx;
	char token[40];          /* client token for idempotent sending */
	struct ui_editbuf title, body;
	bool in_title;
	bool touched;            /* the member changed something here */
	bool unsaved;            /* changed since the draft was last saved */
	bool closing;            /* sent or discarded: nothing to save on destroy */
	int64_t changed_ms;
	int body_top;            /* first displayed line of the body */
	/* layout */
	struct ui_rect rect;
	int heading_y, title_y, body_y, body_rows, status_y, x0, width;
};

static int64_t ed_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ed_make_token(struct editor *e)
{
	unsigned char r[16];
	static const char hex[] = "0123456789abcdef";

	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		/* Unlikely; a token only has to be unique per member and attempt. */
		uint64_t v = (uint64_t)ed_now_ms() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)e;
		memcpy(r, &v, sizeof v);
		memcpy(r + 8, &v, sizeof v);
	}
	size_t n = 0;
	e->token[n++] = 'u';
	e->token[n++] = '-';
	for (size_t i = 0; i < sizeof r && n + 2 < sizeof e->token; i++) {
		e->token[n++] = hex[r[i] >> 4];
		e->token[n++] = hex[r[i] & 15];
	}
	e->token[n] = '\0';
}

static void ed_save_draft(struct editor *e)
{
	if (!e->context[0]) {
		e->unsaved = false;
		return;
	}
	int r = store_draft_save(e->app->st, e->app->user->id, e->context, e->title.text,
		e->body.text);
	if (r == BBS_ERR_INVALID) {
		/* The store does not keep drafts of this kind: stop trying. */
		log_warn("draft context %s refused: no drafts for this editor", e->context);
		e->context[0] = '\0';
		e->unsaved = false;
		return;
	}
	if (r != 0 && r != BBS_ERR_TOOBIG) /* too long is expected: "Too long" is on screen */
		log_warn("draft save: %s", bbs_strerror(r));
	/* On failure (over the size limit, database busy) try again after the next change or
	 * timeout, not in a loop. */
	e->unsaved = false;
	if (r != 0 && r != BBS_ERR_TOOBIG) {
		e->unsaved = true;
		e->changed_ms = ed_now_ms();
	}
}

static struct ui_editbuf *ed_buf(struct editor *e)
{
	return e->in_title ? &e->title : &e->body;
}

/* Keeps the cursor's line inside the body area. */
static void ed_follow(struct editor *e)
{
	int row, col;

	if (e->body_rows <= 0)
		return;
	ui_editbuf_cursor(&e->body, &row, &col);
	if (row < e->body_top)
		e->body_top = row;
	if (row >= e->body_top + e->body_rows)
		e->body_top = row - e->body_rows + 1;
	const struct text_line *lines;
	int n = (int)ui_editbuf_lines(&e->body, &lines);
	if (e->body_top > n - 1)
		e->body_top = n - 1 > 0 ? n - 1 : 0;
	if (e->body_top < 0)
		e->body_top = 0;
}

static void ed_changed(struct editor *e)
{
	e->touched = true;
	e->unsaved = true;
	e->changed_ms = ed_now_ms();
	ed_follow(e);
}

/* ---- layout and drawing ---- */

static void ed_layout(struct ui_screen *s, const struct ui_rect *r)
{
	struct editor *e = (struct editor *)s;

	e->rect = *r;
	e->x0 = r->cols >= 40 ? 1 : 0;
	e->width = r->cols - 2 * e->x0;
	if (e->width < 2)
		e->width = 2;
	bool roomy = r->rows >= 10;
	e->heading_y = r->y;
	int y = r->y + 1;
	e->title_y = -1;
	if (e->has_title)
		e->title_y = y++;
	if (roomy)
		y++; /* a blank row under the heading (and title) */
	e->body_y = y;
	/* The last body row shows "Too long" and messages; on tiny screens it is text too. */
	e->status_y = r->rows >= 5 ? r->y + r->rows - 1 : -1;
	int end = e->status_y >= 0 ? e->status_y : r->y + r->rows;
	e->body_rows = end - e->body_y;
	if (e->body_rows < 0)
		e->body_rows = 0;
	/* One column to spare, so that the cursor can stand after the last character. */
	ui_editbuf_set_cols(&e->body, e->width - 1);
	ed_follow(e);
}

/* Draws a one-line buffer from x in cols columns, scrolled to show the cursor. Returns the
 * cursor's column. */
static int ed_draw_field(WINDOW *w, struct ui_editbuf *b, int y, int x, int cols, bool draw)
{
	int row, col;
	size_t start = 0;

	if (cols < 2)
		return x;
	ui_editbuf_cursor(b, &row, &col);
	while (col >= cols - 1 && start < b->cur) {
		uint32_t cp;
		start += text_utf8_decode(b->text + start, b->len - start, &cp);
		col -= text_cp_width(cp);
	}
	if (draw)
		ui_draw_text(w, y, x, cols, b->text + start, b->len - start, A_NORMAL);
	return x + (col > 0 ? col : 0);
}

#define ED_TITLE_LABEL "Title: "

static void ed_draw(struct ui_screen *s, WINDOW *w)
{
	struct editor *e = (struct editor *)s;
	char status[96];

	ui_draw_str(w, e->heading_y, e->x0, e->width, e->heading, ui_term_heading_attr());
	if (e->title_y >= 0) {
		int lw = ui_draw_str(w, e->title_y, e->x0, e->width, ED_TITLE_LABEL, A_BOLD);
		(void)ed_draw_field(w, &e->title, e->title_y, e->x0 + lw, e->width - lw, true);
	}

	const struct text_line *lines;
	size_t n = ui_editbuf_lines(&e->body, &lines);
	for (int row = 0; row < e->body_rows; row++) {
		size_t i = (size_t)e->body_top + (size_t)row;
		if (i >= n)
			break;
		ui_draw_text(w, e->body_y + row, e->x0, e->width, e->body.text + lines[i].start,
			lines[i].len, A_NORMAL);
	}

	status[0] = '\0';
	if (e->body.len > e->body_limit)
		(void)bbs_snprintf(status, sizeof status, "Too long: %zu bytes, the limit is %zu",
			e->body.len, e->body_limit);
	else if (e->title.len > e->title_limit)
		(void)bbs_snprintf(status, sizeof status, "Too long: %zu bytes, the limit is %zu",
			e->title.len, e->title_limit);
	if (status[0] && e->status_y >= 0)
		ui_draw_str(w, e->status_y, e->x0, e->width, status, A_BOLD);
}

static void ed_cursor(struct ui_screen *s, int *y, int *x)
{
	struct editor *e = (struct editor *)s;

	if (e->in_title && e->title_y >= 0) {
		int lw = ui_draw_width(ED_TITLE_LABEL);
		if (lw > e->width)
			lw = e->width;
		*y = e->title_y;
		*x = ed_draw_field(NULL, &e->title, e->title_y, e->x0 + lw, e->width - lw, false);
		return;
	}
	int row, col;
	ui_editbuf_cursor(&e->body, &row, &col);
	if (col > e->width - 1)
		col = e->width - 1;
	*y = e->body_y + row - e->body_top;
	*x = e->x0 + col;
}

/* ---- sending ---- */

static bool ed_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\n')
			return false;
	return true;
}

static void ed_delete_draft(struct editor *e, struct ui_app *app)
{
	if (!e->context[0])
		return;
	int r = store_draft_delete(app->st, app->user->id, e->context);
	if (r != 0 && r != BBS_ERR_NOTFOUND)
		log_warn("draft delete: %s", bbs_strerror(r));
}

void ui_editor_sent(struct ui_app *app, struct ui_screen *s)
{
	struct editor *e = (struct editor *)s;

	ed_delete_draft(e, app);
	e->closing = true;
	if (app->depth > 0 && app->stack[app->depth - 1] == s)
		ui_app_pop(app); /* destroys e */
}

static enum ui_result ed_send(struct editor *e, struct ui_app *app)
{
	int64_t thread_id = e->thread_id, post_id = 0, seq = 0;
	int r;

	if (e->has_title && ed_blank(e->title.text)) {
		e->in_title = true;
		ui_app_message(app, "Write a title first");
		return UI_RES_REDRAW;
	}
	if (ed_blank(e->body.text)) {
		if (e->has_title)
			e->in_title = false;
		ui_app_message(app, "Write something first");
		return UI_RES_REDRAW;
	}
	if (e->body.len > e->body_limit || e->title.len > e->title_limit)
		return UI_RES_REDRAW; /* "Too long" is on screen already */
	if (e->kind == ED_CUSTOM) {
		if (e->hooks->send(app, &e->base, e->hook_ctx, e->title.text, e->body.text, e->token))
			ui_editor_sent(app, &e->base); /* destroys e */
		return UI_RES_REDRAW;
	}

	switch (e->kind) {
	case ED_NEW:
		r = store_thread_create(app->st, e->board_id, app->user->id, e->title.text,
			e->body.text, e->token, &thread_id, &post_id);
		seq = 1;
		break;
	case ED_REPLY:
		r = store_post_reply(app->st, e->thread_id, app->user->id, e->body.text, e->quote_id,
			e->token, &post_id);
		if (r == 0) {
			struct store_post p = { 0 };
			if (store_post_get(app->st, post_id, &p) == 0)
				seq = p.seq;
			store_post_finish(&p);
		}
		break;
	case ED_EDIT:
	default:
		r = store_post_edit(app->st, e->post_id, app->user->id, e->body.text);
		seq = e->post_seq;
		break;
	}
	if (r != 0) {
		log_warn("send: %s", bbs_strerror(r));
		if (r == BBS_ERR_DENIED && e->kind == ED_REPLY)
			ui_app_message(app, "This discussion is locked");
		else if (r == BBS_ERR_DENIED)
			ui_app_message(app, "You can only edit your own posts");
		else
			ui_app_message(app, "Could not save, please try again");
		return UI_RES_REDRAW; /* the text stays, so the member can try again */
	}

	ed_delete_draft(e, app);
	bool edited = e->kind == ED_EDIT;
	e->closing = true;
	ui_app_pop(app); /* destroys e: only locals from here */

	struct ui_screen *below = app->depth > 0 ? app->stack[app->depth - 1] : NULL;
	if (!ui_discussion_goto(below, app, thread_id, seq)) {
		/* A new view, placed as goto places it: the post, with what comes before it when
		 * the end of the discussion is near. */
		struct ui_screen *v = ui_discussion_create(app, thread_id, seq);
		(void)ui_discussion_goto(v, app, thread_id, seq);
		ui_app_push(app, v);
	}
	ui_app_message(app, edited ? "Saved." : "Posted.");
	return UI_RES_REDRAW;
}

static enum ui_result ed_cancel(struct editor *e, struct ui_app *app)
{
	if (e->touched) {
		if (!ui_app_confirm(app, "Discard this draft? (y/n)"))
			return UI_RES_REDRAW; /* back to the text, intact */
		ed_delete_draft(e, app);
	}
	/* Untouched: a draft loaded from the store stays saved for later. */
	e->closing = true;
	ui_app_pop(app); /* destroys e */
	return UI_RES_REDRAW;
}

/* ---- keys ---- */

static enum ui_result ed_action(struct ui_screen *s, struct ui_app *app, int action, int key)
{
	struct editor *e = (struct editor *)s;
	struct ui_editbuf *b = ed_buf(e);
	int page = e->body_rows > 1 ? e->body_rows - 1 : 1;
	bool changed = false, moved = false;

	switch (action) {
	case UI_ACT_SEND:
		return ed_send(e, app);
	case UI_ACT_CANCEL:
		/* An ESC followed at once by more input is inside a paste, not the Esc key. */
		if (key == UI_KEY_ESC && ui_term_pending())
			return UI_RES_NONE;
		return ed_cancel(e, app);
	case UI_ACT_SWITCH:
		if (!e->has_title)
			return UI_RES_NONE;
		e->in_title = !e->in_title;
		return UI_RES_REDRAW;
	case UI_ACT_NEWLINE:
		if (e->in_title) {
			e->in_title = false;
			return UI_RES_REDRAW;
		}
		if (ui_editbuf_type(b, '\n') != 0) {
			ui_app_message(app, "Too long");
			return UI_RES_REDRAW;
		}
		changed = true;
		break;
	case UI_ACT_LEFT: moved = ui_editbuf_left(b); break;
	case UI_ACT_RIGHT: moved = ui_editbuf_right(b); break;
	case UI_ACT_WORD_LEFT: moved = ui_editbuf_word_left(b); break;
	case UI_ACT_WORD_RIGHT: moved = ui_editbuf_word_right(b); break;
	case UI_ACT_LINE_START: moved = ui_editbuf_home(b); break;
	case UI_ACT_LINE_END: moved = ui_editbuf_end(b); break;
	case UI_ACT_UP:
		if (e->in_title)
			return UI_RES_NONE;
		if (e->has_title && e->body.cur == 0) {
			e->in_title = true; /* up from the text's start: the title */
			return UI_RES_REDRAW;
		}
		moved = ui_editbuf_up(b, 1);
		break;
	case UI_ACT_DOWN:
		if (e->in_title) {
			e->in_title = false;
			return UI_RES_REDRAW;
		}
		moved = ui_editbuf_down(b, 1);
		break;
	case UI_ACT_PGUP: moved = !e->in_title && ui_editbuf_up(b, page); break;
	case UI_ACT_PGDN: moved = !e->in_title && ui_editbuf_down(b, page); break;
	case UI_ACT_BACKSPACE: changed = ui_editbuf_backspace(b); break;
	case UI_ACT_DELETE_CHAR: changed = ui_editbuf_delete(b); break;
	default:
		return UI_RES_NONE;
	}
	if (changed)
		ed_changed(e);
	else if (moved)
		ed_follow(e);
	return changed || moved ? UI_RES_REDRAW : UI_RES_NONE;
}

static bool ed_text_key(int key)
{
	return key >= 0x20 && key != 0x7F && key < 0x110000 && !(key >= 0x80 && key < 0xA0);
}

/* Drops the rest of a refused paste that is still arriving as keys. */
static void ed_drop_burst(void)
{
	for (int key = ui_term_peek(); key && (ed_text_key(key) || key == UI_KEY_ENTER);
	     key = ui_term_peek())
		(void)ui_term_getkey();
}

static enum ui_result ed_key(struct ui_screen *s, struct ui_app *app, int key)
{
	struct editor *e = (struct editor *)s;
	struct ui_editbuf *b = ed_buf(e);
	const char *text;
	size_t len;
	bool over;

	if (key == UI_KEY_TIMEOUT) {
		if (e->unsaved && ed_now_ms() - e->changed_ms >= ED_SAVE_MS - 50)
			ed_save_draft(e);
		return UI_RES_NONE;
	}
	if (key == UI_KEY_PASTE) {
		ui_term_paste(&text, &len, &over);
		if (over || ui_editbuf_paste(b, text, len) != 0) {
			ui_app_message(app, "Paste too large");
			return UI_RES_REDRAW;
		}
		ed_changed(e);
		return UI_RES_REDRAW;
	}
	if (!ed_text_key(key))
		return UI_RES_NONE; /* other control keys type nothing */

	/* This key and the printable keys already waiting behind it go in as one piece. */
	char *burst = xmalloc(ED_BURST_MAX + 4);
	size_t first = text_utf8_encode((uint32_t)key, burst), n = first;
	for (int next = ui_term_peek(); next && ed_text_key(next) && n < ED_BURST_MAX;
	     next = ui_term_peek()) {
		(void)ui_term_getkey();
		n += text_utf8_encode((uint32_t)next, burst + n);
	}
	/* One key is checked as typed (refused if it cannot be text); more are a paste. */
	int r = n == first ? ui_editbuf_type(b, (uint32_t)key) : ui_editbuf_paste(b, burst, n);
	free(burst);
	if (r == BBS_ERR_TOOBIG) {
		ed_drop_burst();
		ui_app_message(app, "Paste too large");
		return UI_RES_REDRAW;
	}
	if (r != 0)
		return UI_RES_NONE; /* a character that cannot be typed into text */
	ed_changed(e);
	return UI_RES_REDRAW;
}

static int ed_wait_ms(struct ui_screen *s)
{
	struct editor *e = (struct editor *)s;

	if (!e->unsaved)
		return -1; /* nothing to save: no timer */
	int64_t left = ED_SAVE_MS - (ed_now_ms() - e->changed_ms);
	return left > 0 ? (int)left : 0;
}

static void ed_destroy(struct ui_screen *s)
{
	struct editor *e = (struct editor *)s;

	if (!e)
		return;
	/* Leaving without sending or discarding (hangup, signal, input gone): keep the text. */
	if (!e->closing && e->unsaved)
		ed_save_draft(e);
	ui_editbuf_finish(&e->title);
	ui_editbuf_finish(&e->body);
	free(e->heading);
	if (e->hooks && e->hooks->free_ctx)
		e->hooks->free_ctx(e->hook_ctx);
	free(e);
}

/* ---- creation ---- */

static struct editor *ed_create_sized(struct ui_app *app, enum ed_kind kind, const char *context,
	bool has_title, size_t title_limit, size_t body_limit)
{
	struct editor *e = xcalloc(1, sizeof *e);

	e->has_title = has_title;
	e->title_limit = title_limit;
	e->body_limit = body_limit;
	e->base.keymap = has_title ? &ui_keymap_editor_new : &ui_keymap_editor;
	e->base.layout = ed_layout;
	e->base.draw = ed_draw;
	e->base.cursor = ed_cursor;
	e->base.action = ed_action;
	e->base.destroy = ed_destroy;
	e->base.key = ed_key;
	e->base.wait_ms = ed_wait_ms;
	e->base.show_cursor = true;
	e->app = app;
	e->kind = kind;
	bbs_strlcpy(e->context, context ? context : "", sizeof e->context);
	/* The buffers hold up to twice what may be sent: text over the limit is kept (and
	 * shown as too long) rather than cut. */
	ui_editbuf_init(&e->title, 2 * title_limit, true);
	ui_editbuf_init(&e->body, 2 * body_limit, false);
	e->in_title = has_title;
	ed_make_token(e);
	return e;
}

static struct editor *ed_create(struct ui_app *app, enum ed_kind kind, const char *context)
{
	return ed_create_sized(app, kind, context, kind == ED_NEW, STORE_TITLE_MAX, STORE_POST_MAX);
}

/* Loads a saved draft for the editor's context over the initial text. */
static void ed_load_draft(struct editor *e)
{
	struct store_draft d = { 0 };

	if (store_draft_get(e->app->st, e->app->user->id, e->context, &d) == 0) {
		(void)ui_editbuf_set(&e->title, d.title ? d.title : "");
		(void)ui_editbuf_set(&e->body, d.body ? d.body : "");
		/* A new discussion whose title is written continues in the text. */
		if (e->has_title && e->title.len > 0)
			e->in_title = false;
	}
	store_draft_finish(&d);
}

/* "handle wrote:", the quoted post's lines each prefixed "> ", then an empty line. */
static char *ed_quote(const struct store_post *p)
{
	const char *body = p->body ? p->body : "";
	size_t lines = 1;

	for (const char *q = body; *q; q++)
		lines += *q == '\n';
	size_t cap = strlen(p->author_handle) + 16 + strlen(body) + 2 * lines + 2;
	char *out = xmalloc(cap), *o = out;
	size_t n = strlen(p->author_handle);
	memcpy(o, p->author_handle, n);
	o += n;
	memcpy(o, " wrote:\n", 8);
	o += 8;
	for (const char *line = body;;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		*o++ = '>';
		*o++ = ' ';
		memcpy(o, line, len);
		o += len;
		*o++ = '\n';
		if (!nl)
			break;
		line = nl + 1;
	}
	*o++ = '\n';
	*o = '\0';
	return out;
}

struct ui_screen *ui_editor_custom(struct ui_app *app, const struct ui_editor_spec *spec,
	const struct ui_editor_hooks *hooks, void *ctx)
{
	struct editor *e = ed_create_sized(app, ED_CUSTOM, spec->context, spec->with_title,
		spec->title_max, spec->body_max);

	e->hooks = hooks;
	e->hook_ctx = ctx;
	e->heading = xstrdup(spec->heading ? spec->heading : "");
	if (spec->title && ui_editbuf_set(&e->title, spec->title) != 0)
		(void)ui_editbuf_set(&e->title, "");
	if (spec->body && ui_editbuf_set(&e->body, spec->body) != 0)
		(void)ui_editbuf_set(&e->body, "");
	if (e->has_title && e->title.len > 0)
		e->in_title = false;
	if (e->context[0])
		ed_load_draft(e);
	return &e->base;
}

struct ui_screen *ui_editor_new_thread(struct ui_app *app, int64_t board_id)
{
	struct store_board b = { 0 };
	char context[64];

	if (store_board_get(app->st, app->user->id, board_id, &b) != 0) {
		ui_app_message(app, "Could not open the board, please try again");
		store_board_finish(&b);
		return NULL;
	}
	(void)bbs_snprintf(context, sizeof context, "new:%lld", (long long)board_id);
	struct editor *e = ed_create(app, ED_NEW, context);
	e->board_id = board_id;
	e->heading = xasprintf("New discussion in %s", b.name ? b.name : "");
	store_board_finish(&b);
	ed_load_draft(e);
	return &e->base;
}

struct ui_screen *ui_editor_reply(struct ui_app *app, int64_t thread_id, int64_t quote_post_id)
{
	struct store_thread t = { 0 };
	struct store_post p = { 0 };
	char context[64];

	if (store_thread_get(app->st, app->user->id, thread_id, &t) != 0) {
		ui_app_message(app, "Could not open the discussion, please try again");
		store_thread_finish(&t);
		return NULL;
	}
	if (quote_post_id > 0 && (store_post_get(app->st, quote_post_id, &p) != 0 ||
	    p.thread_id != thread_id || p.deleted))
		quote_post_id = 0; /* nothing to quote: a plain reply */
	if (quote_post_id > 0)
		(void)bbs_snprintf(context, sizeof context, "reply:%lld:%lld", (long long)thread_id,
			(long long)quote_post_id);
	else
		(void)bbs_snprintf(context, sizeof context, "reply:%lld", (long long)thread_id);
	struct editor *e = ed_create(app, ED_REPLY, context);
	e->thread_id = thread_id;
	e->quote_id = quote_post_id;
	e->heading = xasprintf("Reply to: %s", t.title ? t.title : "");
	if (quote_post_id > 0) {
		char *q = ed_quote(&p);
		if (ui_editbuf_set(&e->body, q) != 0)
			(void)ui_editbuf_set(&e->body, ""); /* a quote past the hard limit: none */
		free(q);
	}
	store_thread_finish(&t);
	store_post_finish(&p);
	ed_load_draft(e);
	return &e->base;
}

struct ui_screen *ui_editor_edit(struct ui_app *app, int64_t post_id)
{
	struct store_post p = { 0 };
	char context[64];

	if (store_post_get(app->st, post_id, &p) != 0) {
		ui_app_message(app, "Could not read the post, please try again");
		store_post_finish(&p);
		return NULL;
	}
	if (p.author_id != app->user->id || p.deleted) {
		ui_app_message(app, p.deleted ? "This post has been removed"
					      : "You can only edit your own posts");
		store_post_finish(&p);
		return NULL;
	}
	(void)bbs_snprintf(context, sizeof context, "edit:%lld", (long long)post_id);
	struct editor *e = ed_create(app, ED_EDIT, context);
	e->thread_id = p.thread_id;
	e->post_id = post_id;
	e->post_seq = p.seq;
	e->heading = xasprintf("Edit post #%lld", (long long)p.seq);
	(void)ui_editbuf_set(&e->body, p.body ? p.body : "");
	store_post_finish(&p);
	ed_load_draft(e);
	return &e->base;
}

/* Parses "new:N", "reply:N[:M]", "edit:N". Returns the kind or -1. */
static int ed_parse_context(const char *c, int64_t *a, int64_t *b)
{
	static const struct {
		const char *prefix;
		int kind;
		bool two;
	} forms[] = { { "new:", ED_NEW, false }, { "reply:", ED_REPLY, true }, { "edit:", ED_EDIT, false } };

	*a = *b = 0;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		size_t n = strlen(forms[i].prefix);
		if (strncmp(c, forms[i].prefix, n) != 0)
			continue;
		char *end;
		long long v = strtoll(c + n, &end, 10);
		if (end == c + n || v <= 0)
			return -1;
		*a = v;
		if (*end == ':' && forms[i].two) {
			const char *p = end + 1;
			v = strtoll(p, &end, 10);
			if (end == p || v <= 0)
				return -1;
			*b = v;
		}
		return *end == '\0' ? forms[i].kind : -1;
	}
	return -1;
}

struct ui_screen *ui_editor_from_context(struct ui_app *app, const char *context)
{
	int64_t a, b;

	if (ui_challenge_editor_context(context))
		return ui_challenge_editor_from_context(app, context);
	if (ui_message_context(context))
		return ui_message_from_context(app, context);
	switch (ed_parse_context(context ? context : "", &a, &b)) {
	case ED_NEW: return ui_editor_new_thread(app, a);
	case ED_REPLY: return ui_editor_reply(app, a, b);
	case ED_EDIT: return ui_editor_edit(app, a);
	default: return NULL;
	}
}

bool ui_editor_describe(struct ui_app *app, const char *context, char *buf, size_t size)
{
	int64_t a, b;
	bool ok = false;

	if (ui_challenge_editor_context(context))
		return ui_challenge_editor_describe(app, context, buf, size);
	if (ui_message_context(context))
		return ui_message_describe(app, context, buf, size);
	switch (ed_parse_context(context ? context : "", &a, &b)) {
	case ED_NEW: {
		struct store_board bd = { 0 };
		if (store_board_get(app->st, app->user->id, a, &bd) == 0)
			ok = bbs_snprintf(buf, size, "new discussion in %s", bd.name) == 0;
		store_board_finish(&bd);
		break;
	}
	case ED_REPLY: {
		struct store_thread t = { 0 };
		if (store_thread_get(app->st, app->user->id, a, &t) == 0)
			ok = bbs_snprintf(buf, size, "reply to %s", t.title) == 0;
		store_thread_finish(&t);
		break;
	}
	case ED_EDIT: {
		struct store_post p = { 0 };
		if (store_post_get(app->st, a, &p) == 0 && p.author_id == app->user->id && !p.deleted)
			ok = bbs_snprintf(buf, size, "edit of post #%lld", (long long)p.seq) == 0;
		store_post_finish(&p);
		break;
	}
	default:
		break;
	}
	return ok;
}
