/*
 * app.c: the screen stack and the event loop.
 *
 * Each turn: if something changed, lay out the top screen (only when the terminal size
 * differs from the size it was laid out for), draw the top line, the screen body, the message
 * row and the bottom line into the virtual screen, park the cursor, then wnoutrefresh +
 * doupdate so that curses sends only the difference. Drawing waits while more input is already
 * there (typing ahead, a paste arriving as keys): one update for the lot, not one per key.
 * Then block for one key (no timeout, unless the screen asks for one: the editor's draft timer)
 * and hand the bound action to the screen; text input screens get unbound keys through their
 * key() hook. '?' opens help generated from the current screen's binding table.
 *
 * Must never: repaint on a timer, clear the terminal except after a resize (clearok), or
 * act on a key that is not in the current screen's table (except by handing it to key()).
 */
#include "ui/ui.h"

#include "common/common.h"
#include "text/text.h"

#include <stdarg.h>
#include <stdio.h>

static struct ui_screen *app_top(struct ui_app *app)
{
	return app->depth > 0 ? app->stack[app->depth - 1] : NULL;
}

static void app_layout(struct ui_screen *s, int rows, int cols)
{
	/* Row 0 is the top line, the last row the bottom line; the body is what is between. */
	s->body.y = 1;
	s->body.x = 0;
	s->body.rows = rows > 2 ? rows - 2 : 0;
	s->body.cols = cols > 0 ? cols : 0;
	s->layout(s, &s->body);
	s->laid_rows = rows;
	s->laid_cols = cols;
}

/* Draws a one-line input from column x of row y, scrolled sideways so that the cursor is
 * visible. Returns the cursor's column. */
static int app_draw_input(struct ui_editbuf *in, int y, int x, int cols)
{
	int row, col;
	size_t start = 0;

	if (x < cols - 1)
		x++; /* one blank after the prompt */
	int avail = cols - x - 1;
	if (avail < 1)
		return cols - 1;
	ui_editbuf_cursor(in, &row, &col);
	/* Drop characters from the left until the cursor fits. */
	while (col >= avail && start < in->cur) {
		uint32_t cp;
		start += text_utf8_decode(in->text + start, in->len - start, &cp);
		col -= text_cp_width(cp);
	}
	ui_draw_text(stdscr, y, x, avail, in->text + start, in->len - start, A_NORMAL);
	return x + (col > 0 ? col : 0);
}

static void app_draw(struct ui_app *app)
{
	struct ui_screen *s = app_top(app);
	int rows, cols;

	if (!s)
		return;
	getmaxyx(stdscr, rows, cols);
	if (ui_draw_compact() != app->compact) {
		/* The preference changed (or this is the first draw): every screen on the stack
		 * lays itself out again when it is next on top. */
		ui_draw_set_compact(app->compact);
		for (int i = 0; i < app->depth; i++)
			app->stack[i]->laid_rows = -1;
	}
	if (s->laid_rows != rows || s->laid_cols != cols)
		app_layout(s, rows, cols);

	/* werase only clears the virtual screen; doupdate compares with what the terminal
	 * shows and sends the changes. */
	(void)werase(stdscr);
	if (rows >= 1)
		ui_draw_top(stdscr, cols, app->site_name, app->identity);
	if (s->body.rows > 0 && s->body.cols > 0)
		s->draw(s, stdscr);

	/* The message row is the row above the hints; the message covers the body's last row. */
	if (app->message[0] && rows >= 3) {
		ui_draw_fill(stdscr, rows - 2, 0, cols, A_NORMAL);
		ui_draw_str(stdscr, rows - 2, 0, cols, app->message, A_BOLD);
	}

	int cy = 0, cx = 0;
	bool show = false;
	if (rows >= 2) {
		if (app->prompt) {
			cx = ui_draw_str(stdscr, rows - 1, 0, cols, app->prompt, A_BOLD);
			cy = rows - 1;
			if (app->input) {
				cx = app_draw_input(app->input, rows - 1, cx, cols);
				show = true;
			} else if (cx < cols - 1) {
				cx++;
			}
		} else {
			ui_draw_hints(stdscr, rows - 1, cols, s->keymap);
			if (s->cursor)
				s->cursor(s, &cy, &cx);
			show = s->show_cursor;
		}
	}
	ui_term_show_cursor(show);
	/* Where the cursor cannot be hidden, put it somewhere meaningful (a screen reader
	 * and a member both look there); where text is typed, it is where the text goes. */
	if ((show || !ui_term_cursor_hidden()) && cy >= 0 && cy < rows && cx >= 0 && cx < cols)
		(void)wmove(stdscr, cy, cx);
	(void)wnoutrefresh(stdscr);
	(void)doupdate();
	ui_term_updated();
	app->dirty = false;
}

void ui_app_push(struct ui_app *app, struct ui_screen *s)
{
	if (!s)
		return;
	if (app->depth >= UI_STACK_MAX) {
		/* Screens only nest a few deep (menu, page, help); refuse rather than grow. */
		if (s->destroy)
			s->destroy(s);
		return;
	}
	s->laid_rows = s->laid_cols = -1;
	app->stack[app->depth++] = s;
	app->dirty = true;
}

void ui_app_pop(struct ui_app *app)
{
	if (app->depth <= 1)
		return;
	struct ui_screen *s = app->stack[--app->depth];
	app->stack[app->depth] = NULL;
	if (s->destroy)
		s->destroy(s);
	app->dirty = true;
	struct ui_screen *top = app_top(app);
	if (top && top->resume)
		top->resume(top, app);
}

static void app_hangup(struct ui_app *app)
{
	app->quit = true;
	app->status = ui_term_hangup_status();
}

bool ui_app_confirm(struct ui_app *app, const char *question)
{
	bool yes = false;

	app->prompt = question;
	for (;;) {
		app_draw(app);
		int key = ui_term_getkey();
		if (key == UI_KEY_RESIZE) {
			(void)clearok(curscr, TRUE);
			continue;
		}
		if (key == UI_KEY_HANGUP)
			app_hangup(app);
		yes = key == 'y' || key == 'Y';
		break;
	}
	app->prompt = NULL;
	app->dirty = true;
	return yes;
}

void ui_app_ask_logoff(struct ui_app *app)
{
	if (ui_app_confirm(app, "Log off? (y/n)")) {
		app->quit = true;
		app->status = 0;
	}
}

void ui_app_message(struct ui_app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* A cut message is still a message; drawing cleans whatever the cut left. */
	int r = vsnprintf(app->message, sizeof app->message, fmt, ap);
	va_end(ap);
	if (r < 0)
		app->message[0] = '\0';
	app->dirty = true;
}

/* Applies one key to a one-line input. Returns 1 for Enter, -1 to cancel, 0 to go on. */
static int app_input_key(struct ui_editbuf *in, int key)
{
	const char *text;
	size_t len;
	bool over;

	switch (key) {
	case UI_KEY_ENTER: return 1;
	case UI_KEY_ESC:
		/* An ESC followed at once by more input is part of a paste, not the Esc key. */
		return ui_term_pending() ? 0 : -1;
	case UI_CTRL('c'): case UI_CTRL('g'): return -1;
	case UI_KEY_BACKSPACE: (void)ui_editbuf_backspace(in); return 0;
	case UI_KEY_DELETE: case UI_CTRL('d'): (void)ui_editbuf_delete(in); return 0;
	case UI_FN(KEY_LEFT): (void)ui_editbuf_left(in); return 0;
	case UI_FN(KEY_RIGHT): (void)ui_editbuf_right(in); return 0;
	case UI_KEY_WORD_LEFT: (void)ui_editbuf_word_left(in); return 0;
	case UI_KEY_WORD_RIGHT: (void)ui_editbuf_word_right(in); return 0;
	case UI_FN(KEY_HOME): case UI_CTRL('a'): (void)ui_editbuf_home(in); return 0;
	case UI_FN(KEY_END): case UI_CTRL('e'): (void)ui_editbuf_end(in); return 0;
	case UI_CTRL('u'): (void)ui_editbuf_set(in, ""); return 0;
	case UI_KEY_PASTE:
		ui_term_paste(&text, &len, &over);
		if (!over)
			(void)ui_editbuf_paste(in, text, len); /* too long: refused whole */
		return 0;
	default:
		if (key > 0 && key < UI_KEY_FNBIT)
			(void)ui_editbuf_type(in, (uint32_t)key); /* controls are refused */
		return 0;
	}
}

bool ui_app_input(struct ui_app *app, const char *prompt, char *out, size_t size)
{
	struct ui_editbuf in;
	int done = 0;

	if (size == 0)
		return false;
	out[0] = '\0';
	ui_editbuf_init(&in, size - 1, true);
	app->prompt = prompt;
	app->input = &in;
	while (!done) {
		if (!ui_term_pending())
			app_draw(app);
		int key = ui_term_getkey();
		if (key == UI_KEY_RESIZE) {
			(void)clearok(curscr, TRUE);
			continue;
		}
		if (key == UI_KEY_HANGUP) {
			app_hangup(app);
			done = -1;
			break;
		}
		app->message[0] = '\0';
		done = app_input_key(&in, key);
	}
	if (done > 0)
		bbs_strlcpy(out, in.text, size);
	ui_editbuf_finish(&in);
	app->prompt = NULL;
	app->input = NULL;
	app->dirty = true;
	return done > 0;
}

int ui_app_run(struct ui_app *app, struct ui_screen *first)
{
	ui_idle_setup(app->st);
	ui_app_push(app, first);
	/* Before the first draw: what start() asks (going back, a draft) is then on the very first
	 * screen, so a key typed as soon as the menu shows answers nothing it did not see, and a
	 * slow link does not carry the menu twice. */
	if (first && first->start && app->depth > 0)
		first->start(first, app);
	while (!app->quit && app->depth > 0) {
		/* With more input already waiting, draw once after it rather than once per key. */
		if (app->dirty && !ui_term_pending())
			app_draw(app);

		struct ui_screen *s = app_top(app);
		int key = ui_term_getkey_timeout(s->wait_ms ? s->wait_ms(s) : -1);
		if (key == UI_KEY_HANGUP) {
			app_hangup(app);
			break;
		}
		if (key == UI_KEY_RESIZE) {
			/* curses has resized stdscr; lay out again and repaint everything once. */
			(void)clearok(curscr, TRUE);
			app->dirty = true;
			continue;
		}
		if (key != UI_KEY_TIMEOUT && app->message[0]) {
			app->message[0] = '\0';   /* a message lasts until the next key */
			app->dirty = true;
		}

		int action = ui_keymap_lookup(s->keymap, key);
		enum ui_result res = UI_RES_NONE;
		if (action == UI_ACT_HELP) {
			ui_app_push(app, ui_help_create(s->keymap));
			continue;
		}
		if (action != UI_ACT_NONE)
			res = s->action(s, app, action, key);
		else if (s->key)
			res = s->key(s, app, key);
		if (res != UI_RES_NONE)
			app->dirty = true;
	}

	/* Where the member was, noted while the screens still exist and stored once they are gone
	 * (after a hangup the editor's draft matters more than the position: it goes first). */
	ui_resume_note(app);
	while (app->depth > 0) {
		struct ui_screen *s = app->stack[--app->depth];
		app->stack[app->depth] = NULL;
		if (s->destroy)
			s->destroy(s);
	}
	ui_resume_save(app);
	return app->status;
}
