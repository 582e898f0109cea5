/*
 * format.c: the UI's wording of times and counts, in one place.
 *
 * Times are always "YYYY-MM-DD HH:MM": one unambiguous form. They are in the member's time
 * zone preference: main.c sets TZ at startup (UTC unless the member chose a zone that
 * /usr/share/zoneinfo has) and the account screen when it changes, and this file uses
 * localtime_r.
 *
 * Must never: depend on the locale, or call curses.
 */
#include "ui/ui.h"

#include "common/common.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "YYYY-MM-DD HH:MM" (or only the day) of t in the member's time zone or in UTC; "" for
 * t <= 0. */
static void format_at(int64_t t, bool utc, bool day_only, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (t <= 0 || !(utc ? gmtime_r(&tt, &tm) : localtime_r(&tt, &tm)))
		return;
	if (strftime(buf, size, day_only ? "%Y-%m-%d" : "%Y-%m-%d %H:%M", &tm) == 0)
		buf[0] = '\0';
}

void ui_format_time(int64_t t, char *buf, size_t size)
{
	format_at(t, false, false, buf, size);
}

void ui_format_date(int64_t t, char *buf, size_t size)
{
	format_at(t, false, true, buf, size);
}

void ui_format_utc_day(int64_t t, char *buf, size_t size)
{
	format_at(t, true, true, buf, size);
}

void ui_format_count(int64_t n, const char *one, const char *many, char *buf, size_t size)
{
	if (bbs_snprintf(buf, size, "%lld %s", (long long)n, n == 1 ? one : many) != 0 && size)
		buf[0] = '\0';
}

void ui_format_append(char **text, const char *fmt, ...)
{
	va_list ap;
	size_t have = *text ? strlen(*text) : 0;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0) {
		if (!*text)
			*text = xstrdup("");
		return;
	}
	*text = xrealloc(*text, have + (size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(*text + have, (size_t)n + 1, fmt, ap);
	va_end(ap);
}
