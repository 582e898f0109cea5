/*
 * app.c: the screen stack and the event loop.
 *
 * Each turn: if something changed, lay out the top screen (only when the terminal size
 * differs from the size it was laid out for), draw the top line, the screen body and the
 * bottom line into the virtual screen, park the cursor, then wnoutrefresh + doupdate so that
 * curses sends only the difference. Then block for one key (no timeout) and hand the bound
 * action to the screen. '?' opens help generated from the current screen's binding table.
 *
 * Must never: repaint on a timer, clear the terminal except after a resize (clearok), or
 * act on a key that is not in the current screen's table.
 */
#include "ui/ui.h"

#include "common/common.h"

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

static void app_draw(struct ui_app *app)
{
	struct ui_screen *s = app_top(app);
	int rows, cols;

	if (!s)
		return;
	getmaxyx(stdscr, rows, cols);
	if (s->laid_rows != rows || s->laid_cols != cols)
		app_layout(s, rows, cols);

	/* werase only clears the virtual screen; doupdate compares with what the terminal
	 * shows and sends the changes. */
	(void)werase(stdscr);
	if (rows >= 1)
		ui_draw_top(stdscr, cols, app->site_name, app->identity);
	if (s->body.rows > 0 && s->body.cols > 0)
		s->draw(s, stdscr);

	int cy = 0, cx = 0;
	if (rows >= 2) {
		if (app->prompt) {
			cx = ui_draw_str(stdscr, rows - 1, 0, cols, app->prompt, A_BOLD);
			if (cx < cols - 1)
				cx++;
			cy = rows - 1;
		} else {
			ui_draw_hints(stdscr, rows - 1, cols, s->keymap);
			if (s->cursor)
				s->cursor(s, &cy, &cx);
		}
	}
	/* Where the cursor cannot be hidden, put it somewhere meaningful (a screen reader
	 * and a member both look there). */
	if (!ui_term_cursor_hidden() && cy >= 0 && cy < rows && cx >= 0 && cx < cols)
		(void)wmove(stdscr, cy, cx);
	(void)wnoutrefresh(stdscr);
	(void)doupdate();
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

int ui_app_run(struct ui_app *app, struct ui_screen *first)
{
	ui_app_push(app, first);
	while (!app->quit && app->depth > 0) {
		if (app->dirty)
			app_draw(app);

		int key = ui_term_getkey();
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

		struct ui_screen *s = app_top(app);
		int action = ui_keymap_lookup(s->keymap, key);
		if (action == UI_ACT_NONE)
			continue;
		if (action == UI_ACT_HELP) {
			ui_app_push(app, ui_help_create(s->keymap));
			continue;
		}
		if (s->action(s, app, action, key) != UI_RES_NONE)
			app->dirty = true;
	}

	while (app->depth > 0) {
		struct ui_screen *s = app->stack[--app->depth];
		app->stack[app->depth] = NULL;
		if (s->destroy)
			s->destroy(s);
	}
	return app->status;
}
