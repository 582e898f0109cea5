/*
 * idle.c: the idle warning and the idle logout.
 *
 * A member who walks away from a session on a shared or watched machine leaves the portal
 * open on the screen. After idle_warn_minutes without a key (or a screen update of the UI's
 * own) a one-line warning appears on the message row; after idle_logout_minutes the session
 * ends (status 0), the editor saving its draft on the way out. Both are settings read from the
 * store once at startup (0 = off); idle_warn_seconds / idle_logout_seconds take precedence
 * when present (for tests, and for sysops who want seconds).
 *
 * The key wait (term.c) asks ui_idle_due_ms() how long it may sleep, so there is a timeout
 * only when a warning or the logout is due: no periodic wakeups. The warning is drawn in its
 * own one-row window over the screen, so that the next key can take it away again without the
 * screen below having to redraw.
 *
 * Must never: count its own warning as activity, wake the process when nothing is due, or
 * draw text except through ui_draw_str.
 */
#include "ui/ui.h"

#include "common/common.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define IDLE_WARN_MIN_DEFAULT 25
#define IDLE_LOGOUT_MIN_DEFAULT 30
/* A sysop's typo must not overflow the arithmetic: at most a week. */
#define IDLE_MAX_S (7 * 24 * 3600)

static int64_t idle_warn_ms;     /* 0: no warning */
static int64_t idle_logout_ms;   /* 0: no logout */
static int64_t idle_last_ms;     /* the last activity */
static bool idle_warned;         /* the warning for this idle spell was shown */
static bool idle_logged_out;
static WINDOW *idle_win;         /* the warning, while it is on screen */

static int64_t idle_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A setting as a whole number of seconds (minutes scaled by the caller); -1 if absent or not
 * a number in 0..IDLE_MAX_S. */
static int64_t idle_setting(struct store *st, const char *key, int64_t scale)
{
	char *v = NULL, *end = NULL;
	int64_t out = -1;

	if (store_setting_get(st, key, &v) != 0 || !v || !v[0])
		goto out;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > IDLE_MAX_S / scale) {
		log_warn("setting %s: not a number of %s in range", key,
			scale == 60 ? "minutes" : "seconds");
		goto out;
	}
	out = (int64_t)n * scale;
out:
	free(v);
	return out;
}

void ui_idle_setup(struct store *st)
{
	int64_t warn = idle_setting(st, "idle_warn_seconds", 1);
	int64_t logout = idle_setting(st, "idle_logout_seconds", 1);

	if (warn < 0)
		warn = idle_setting(st, "idle_warn_minutes", 60);
	if (warn < 0)
		warn = IDLE_WARN_MIN_DEFAULT * 60;
	if (logout < 0)
		logout = idle_setting(st, "idle_logout_minutes", 60);
	if (logout < 0)
		logout = IDLE_LOGOUT_MIN_DEFAULT * 60;
	/* A warning at or after the logout would never be seen. */
	if (logout > 0 && warn >= logout)
		warn = 0;
	idle_warn_ms = warn * 1000;
	idle_logout_ms = logout * 1000;
	idle_last_ms = idle_now_ms();
	idle_warned = false;
	idle_logged_out = false;
}

void ui_idle_activity(void)
{
	idle_last_ms = idle_now_ms();
	idle_warned = false;
	if (idle_win) {
		int y = getbegy(idle_win);
		(void)delwin(idle_win);
		idle_win = NULL;
		/* Show what the screen has under the warning again. */
		(void)touchline(stdscr, y, 1);
		(void)wnoutrefresh(stdscr);
		(void)doupdate();
	}
}

int64_t ui_idle_due_ms(void)
{
	int64_t due;

	if (idle_warn_ms > 0 && !idle_warned)
		due = idle_last_ms + idle_warn_ms;
	else if (idle_logout_ms > 0)
		due = idle_last_ms + idle_logout_ms;
	else
		return -1;
	int64_t left = due - idle_now_ms();
	return left > 0 ? left : 0;
}

/* "N minutes" when it is whole minutes, else "N seconds". */
static void idle_wording(int64_t ms, char *buf, size_t size)
{
	int64_t s = (ms + 999) / 1000;
	int r = s >= 60 && s % 60 == 0
		? bbs_snprintf(buf, size, "%lld minute%s", (long long)(s / 60), s == 60 ? "" : "s")
		: bbs_snprintf(buf, size, "%lld second%s", (long long)s, s == 1 ? "" : "s");
	(void)r; /* the buffers are large enough for any int64 */
}

static void idle_show_warning(void)
{
	char left[48], line[160];
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	if (rows < 2 || cols < 1)
		return;
	idle_wording(idle_logout_ms - idle_warn_ms, left, sizeof left);
	if (bbs_snprintf(line, sizeof line, "You will be logged out in %s unless you press a key",
		    left) != 0)
		return;
	/* The message row (above the hints); on a one-row window, that row. */
	int y = rows >= 3 ? rows - 2 : rows - 1;
	if (!idle_win)
		idle_win = newwin(1, cols, y, 0);
	if (!idle_win)
		return;
	(void)werase(idle_win);
	ui_draw_fill(idle_win, 0, 0, cols, A_REVERSE);
	ui_draw_str(idle_win, 0, 0, cols, line, A_REVERSE | A_BOLD);
	(void)leaveok(idle_win, TRUE);
	(void)wnoutrefresh(idle_win);
	/* stdscr is untouched, so this copies nothing over the warning; it only puts the cursor
	 * back where the screen had it (the editor's insertion point). */
	(void)wnoutrefresh(stdscr);
	(void)doupdate();
}

bool ui_idle_fire(void)
{
	if (idle_warn_ms > 0 && !idle_warned) {
		idle_warned = true;
		if (idle_logout_ms > 0)
			idle_show_warning();
		return false;
	}
	if (idle_logout_ms <= 0)
		return false;
	idle_logged_out = true;
	return true;
}

bool ui_idle_goodbye(char *buf, size_t size)
{
	char after[48];

	if (size)
		buf[0] = '\0';
	if (!idle_logged_out)
		return false;
	idle_wording(idle_logout_ms, after, sizeof after);
	return bbs_snprintf(buf, size, "Logged out after %s without activity. Goodbye.", after) == 0;
}
