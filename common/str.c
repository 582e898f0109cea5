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
