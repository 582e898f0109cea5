/*
 * log.c: one line per event, to stderr (with a UTC timestamp) or to syslog.
 * Callers escape member- or client-supplied text with text_escape_log() before passing it.
 */
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "bbs";
static bool log_syslog;
static enum bbs_log_level log_max = BBS_LOG_INFO;
static int log_facility = LOG_AUTH;

void bbs_log_set_facility(int facility)
{
	log_facility = facility;
}

void bbs_log_init(const char *prog, bool to_syslog, enum bbs_log_level max_level)
{
	if (log_syslog)
		closelog();   /* a reload may change the facility */
	log_prog = prog;
	log_syslog = to_syslog;
	log_max = max_level;
	if (to_syslog)
		openlog(prog, LOG_PID | LOG_NDELAY, log_facility);
}

static void vlog(enum bbs_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void vlog(enum bbs_log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char msg[1024];

	if (level > log_max)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	/* One event, one line: callers escape what came from outside (text_escape_log), and this
	 * is the last guard, should a line break or another control character slip through. */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
	if (log_syslog) {
		syslog(prio[level], "%s", msg);
		return;
	}
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s[%ld] %s: %s\n", ts, log_prog, (long)getpid(), names[level], msg);
}

void bbs_log(enum bbs_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void bbs_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(BBS_LOG_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}
