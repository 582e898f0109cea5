/*
 * common: what every module of the portal shares and nothing else.
 *
 * - error codes: negative numbers from one list, with bbs_strerror();
 * - memory helpers that never return NULL (out of memory is fatal);
 * - bounded string copy and formatting;
 * - logging to stderr (or syslog), one line per event. Never log a secret, and pass any text
 *   that came from a client or member through text_escape_log() (text/text.h) first.
 *
 * No third-party headers here.
 */
#ifndef BBS_COMMON_H
#define BBS_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Project-wide error codes. Functions return 0 (BBS_OK) or one of these. */
enum bbs_err {
	BBS_OK = 0,
	BBS_ERR_NOMEM = -1,     /* out of memory */
	BBS_ERR_INVALID = -2,   /* bad argument or malformed input */
	BBS_ERR_NOTFOUND = -3,  /* no such user, key, page ... */
	BBS_ERR_EXISTS = -4,    /* already exists (unique constraint) */
	BBS_ERR_IO = -5,        /* file or socket error; errno may say more */
	BBS_ERR_DB = -6,        /* database error */
	BBS_ERR_TOOBIG = -7,    /* input over its size limit */
	BBS_ERR_AUTH = -8,      /* authentication failed */
	BBS_ERR_BUSY = -9,      /* database busy after retries */
	BBS_ERR_CRYPTO = -10,   /* cryptographic library failure */
	BBS_ERR_DENIED = -11,   /* not allowed for this role */
	BBS_ERR_WEAK = -12,     /* password or key too weak for the policy */
};

/* Returns a static, human-readable string for an enum bbs_err value. Never NULL. */
const char *bbs_strerror(int err);

/* Allocation that aborts with a message on failure; never returns NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);          /* s must not be NULL */
char *xstrndup(const char *s, size_t n);
/* printf into a new heap string; aborts on failure. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Copies at most dstsize-1 bytes of src into dst and NUL-terminates (dstsize > 0).
 * Returns strlen(src); a result >= dstsize means the copy was truncated.
 */
size_t bbs_strlcpy(char *dst, const char *src, size_t dstsize);

/* snprintf that returns BBS_ERR_TOOBIG instead of truncating silently, 0 on success. */
int bbs_snprintf(char *dst, size_t dstsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Logging. */
enum bbs_log_level { BBS_LOG_ERROR, BBS_LOG_WARN, BBS_LOG_INFO, BBS_LOG_DEBUG };
/* prog is kept by pointer. to_syslog false: lines go to stderr with a timestamp. */
void bbs_log_init(const char *prog, bool to_syslog, enum bbs_log_level max_level);
/* The syslog(3) facility (LOG_AUTH, LOG_DAEMON, LOG_LOCAL0 ...) for the next bbs_log_init with
 * to_syslog; LOG_AUTH unless set. */
void bbs_log_set_facility(int facility);
void bbs_log(enum bbs_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) bbs_log(BBS_LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  bbs_log(BBS_LOG_WARN, __VA_ARGS__)
#define log_info(...)  bbs_log(BBS_LOG_INFO, __VA_ARGS__)
#define log_debug(...) bbs_log(BBS_LOG_DEBUG, __VA_ARGS__)
/* Logs the message and exits with status 1. For broken invariants and startup errors only. */
void bbs_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Seconds since the epoch (UTC). */
int64_t bbs_now(void);
/* "YYYY-MM-DD" (leading spaces allowed), a UTC day from 1970 to 9999, to the first second of
 * that day; "" to 0. False for anything else, also for a day the month lacks (2025-02-30).
 * The challenge question's opening and closing days are typed this way. */
bool bbs_parse_utc_day(const char *s, int64_t *out);

/* Limits shared by every module. */
#define BBS_HANDLE_MAX 32          /* bytes in a user handle, excluding NUL */
#define BBS_PASSWORD_MIN 10        /* characters */
#define BBS_PASSWORD_MAX 1024      /* bytes */

/*
 * A valid handle is 2..BBS_HANDLE_MAX characters of [a-z0-9_.-], starting with a letter.
 * Handles are compared case-sensitively and stored lower-case.
 */
bool bbs_handle_valid(const char *s);

#endif
