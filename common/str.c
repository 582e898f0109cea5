/* str.c: bounded string helpers and handle validation. */
#include "common/common.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

size_t bbs_strlcpy(char *dst, const char *src, size_t dstsize)
{
	size_t len = strlen(src);
	if (dstsize) {
		size_t n = len < dstsize - 1 ? len : dstsize - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int bbs_snprintf(char *dst, size_t dstsize, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(dst, dstsize, fmt, ap);
	va_end(ap);
	if (r < 0)
		return BBS_ERR_INVALID;
	if ((size_t)r >= dstsize)
		return BBS_ERR_TOOBIG;
	return BBS_OK;
}

bool bbs_handle_valid(const char *s)
{
	size_t n = 0;
	if (!s || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (; s[n]; n++) {
		char c = s[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
		if (!ok || n >= BBS_HANDLE_MAX)
			return false;
	}
	return n >= 2;
}

int64_t bbs_now(void)
{
	return (int64_t)time(NULL);
}

bool bbs_parse_utc_day(const char *s, int64_t *out)
{
	int y, m, d;
	char tail;

	while (*s == ' ')
		s++;
	*out = 0;
	if (!*s)
		return true;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || y > 9999 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d) /* 2025-02-30 is not a day */
		return false;
	*out = (int64_t)t;
	return true;
}
