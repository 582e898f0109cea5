/*
 * config.c: bbsd.conf, in the "Keyword value" style of sshd_config.
 *
 * One keyword per line, case-insensitive; '#' starts a comment; a value may be in double
 * quotes. Every error names the file and line. Command-line flags are applied after the file,
 * so they override it. The parser is pure (config_parse) so it can be tested and fuzzed; it
 * never trusts a line: lengths are bounded, numbers range-checked, unknown keywords refused.
 */
#include "bbsd/bbsd.h"
#include "text/text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define CONFIG_MAX (64 * 1024)   /* bytes in a configuration file */
#define LINE_MAX_LEN 1024

void config_defaults(struct bbsd_config *cfg)
{
	*cfg = (struct bbsd_config){
		.port = 2222,
		.user = "bbs",
		.grace_seconds = 30,
		.max_auth_tries = 6,
		.max_sessions = 4000,
		.log_level = BBS_LOG_INFO,
		.log_facility = -1,
		.source_retention_days = 30,
		.auth_backoff_after = 5,
		.auth_backoff_window = 15 * 60,
		.auth_backoff_base_ms = 1000,
		/* Below the 30 s grace time, so that the answer to a delayed attempt can arrive
		 * within it. */
		.auth_backoff_max_ms = 20000,
		.client_alive_interval = 60,
		.client_alive_count_max = 3,
	};
	limits_config_defaults(&cfg->limits);
}

static int parse_num(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi)
		return BBS_ERR_INVALID;
	*out = n;
	return 0;
}

/* "90", "90s", "5m", "1h" -> seconds. */
static int parse_time(const char *v, long lo, long hi, long *out)
{
	char buf[32];
	size_t n = strlen(v);
	long mul = 1;
	if (n == 0 || n >= sizeof buf)
		return BBS_ERR_INVALID;
	memcpy(buf, v, n + 1);
	char last = (char)tolower((unsigned char)buf[n - 1]);
	if (last == 's' || last == 'm' || last == 'h') {
		mul = last == 'm' ? 60 : last == 'h' ? 3600 : 1;
		buf[n - 1] = '\0';
	}
	long x;
	if (parse_num(buf, 0, hi, &x) != 0 || x * mul < lo || x * mul > hi)
		return BBS_ERR_INVALID;
	*out = x * mul;
	return 0;
}

/* "250ms", "2", "2s", "1m" -> milliseconds (a bare number is seconds, as elsewhere). */
static int parse_ms(const char *v, long lo_ms, long hi_ms, int64_t *out)
{
	char buf[32];
	size_t n = strlen(v);
	long x;
	if (n > 2 && n < sizeof buf && strcasecmp(v + n - 2, "ms") == 0) {
		memcpy(buf, v, n - 2);
		buf[n - 2] = '\0';
		if (parse_num(buf, lo_ms, hi_ms, &x) != 0)
			return BBS_ERR_INVALID;
		*out = x;
		return 0;
	}
	if (parse_time(v, 0, hi_ms / 1000, &x) != 0 || x * 1000 < lo_ms)
		return BBS_ERR_INVALID;
	*out = (int64_t)x * 1000;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (strcasecmp(v, "yes") == 0)
		*out = true;
	else if (strcasecmp(v, "no") == 0)
		*out = false;
	else
		return BBS_ERR_INVALID;
	return 0;
}

typedef const char *kw_fn(struct bbsd_config *cfg, const char *v);

static const char *kw_listen(struct bbsd_config *cfg, const char *v)
{
	if (cfg->nlisten == BBSD_MAX_LISTEN)
		return "too many ListenAddress lines (at most 8)";
	if (bbs_strlcpy(cfg->listen[cfg->nlisten], v, sizeof cfg->listen[0]) >= sizeof cfg->listen[0])
		return "address too long";
	cfg->nlisten++;
	return NULL;
}

static const char *kw_port(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (parse_num(v, 0, 65535, &n) != 0)
		return "Port wants a number from 0 to 65535";
	cfg->port = (int)n;
	return NULL;
}

static const char *kw_dir(struct bbsd_config *cfg, const char *v)
{
	if (v[0] != '/')
		return "DataDirectory wants an absolute path";
	if (bbs_strlcpy(cfg->dir, v, sizeof cfg->dir) >= sizeof cfg->dir)
		return "path too long";
	return NULL;
}

/* A user name as useradd allows it: letters, digits, '_', '-', '.', not starting with '-'. */
static const char *kw_user(struct bbsd_config *cfg, const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n >= sizeof cfg->user || v[0] == '-')
		return "User wants a user name";
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr("_-.", v[i]))
			return "User wants a user name";
	bbs_strlcpy(cfg->user, v, sizeof cfg->user);
	return NULL;
}

static const char *kw_grace(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (parse_time(v, 1, 3600, &n) != 0)
		return "LoginGraceTime wants a time from 1s to 1h (e.g. 30, 30s, 2m)";
	cfg->grace_seconds = (int)n;
	return NULL;
}

static const char *kw_tries(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (parse_num(v, 1, 100, &n) != 0)
		return "MaxAuthTries wants a number from 1 to 100";
	cfg->max_auth_tries = (int)n;
	return NULL;
}

static const char *kw_sessions(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (parse_num(v, 1, 100000, &n) != 0)
		return "MaxSessions wants a number from 1 to 100000";
	cfg->max_sessions = (int)n;
	return NULL;
}

static const char *kw_startups(struct bbsd_config *cfg, const char *v)
{
	return limits_parse_startups(v, &cfg->limits) == 0 ? NULL
		: "MaxStartups wants begin:rate:full, e.g. 30:30:100";
}

static const char *kw_per_source(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (strcasecmp(v, "none") == 0)
		n = 0;
	else if (parse_num(v, 1, 100000, &n) != 0)
		return "PerSourceMaxStartups wants a number or none";
	cfg->limits.per_source = (int)n;
	return NULL;
}

static const char *kw_penalties(struct bbsd_config *cfg, const char *v)
{
	return parse_bool(v, &cfg->limits.penalties) == 0 ? NULL
		: "PerSourcePenalties wants yes or no";
}

static const char *kw_legacy(struct bbsd_config *cfg, const char *v)
{
	return parse_bool(v, &cfg->legacy_clients) == 0 ? NULL : "LegacyClients wants yes or no";
}

static const char *kw_retention(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (parse_num(v, 0, 36500, &n) != 0)
		return "SourceRetentionDays wants a number of days from 0 (keep) to 36500";
	cfg->source_retention_days = (int)n;
	return NULL;
}

static const char *kw_backoff_after(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (parse_num(v, 0, 100, &n) != 0)
		return "AuthBackoffAfter wants a number of failures from 0 to 100";
	cfg->auth_backoff_after = (int)n;
	return NULL;
}

static const char *kw_backoff_window(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (parse_time(v, 1, 86400, &n) != 0)
		return "AuthBackoffWindow wants a time from 1s to 24h (e.g. 15m)";
	cfg->auth_backoff_window = n;
	return NULL;
}

static const char *kw_backoff_base(struct bbsd_config *cfg, const char *v)
{
	if (parse_ms(v, 0, 60000, &cfg->auth_backoff_base_ms) != 0)
		return "AuthBackoffBase wants a time from 0 (off) to 60s (e.g. 1s, 250ms)";
	return NULL;
}

static const char *kw_backoff_max(struct bbsd_config *cfg, const char *v)
{
	if (parse_ms(v, 1, 600000, &cfg->auth_backoff_max_ms) != 0)
		return "AuthBackoffMax wants a time from 1ms to 10m (e.g. 30s)";
	return NULL;
}

static const char *kw_alive_interval(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (parse_time(v, 0, 86400, &n) != 0)
		return "ClientAliveInterval wants a time from 0 (off) to 1d (e.g. 60, 60s, 2m)";
	cfg->client_alive_interval = (int)n;
	return NULL;
}

static const char *kw_alive_count(struct bbsd_config *cfg, const char *v)
{
	long n;
	if (parse_num(v, 1, 100, &n) != 0)
		return "ClientAliveCountMax wants a number from 1 to 100";
	cfg->client_alive_count_max = (int)n;
	return NULL;
}

static const char *kw_log_level(struct bbsd_config *cfg, const char *v)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(v, names[i]) == 0) {
			cfg->log_level = i;
			return NULL;
		}
	}
	return "LogLevel wants error, warn, info or debug";
}

/* "stderr" (journald reads it under systemd), "syslog" (facility AUTH) or a syslog facility
 * by name, which also means syslog. */
static const struct facility {
	const char *name;
	int value;
} facilities[] = {
	{ "stderr", -1 }, { "syslog", LOG_AUTH }, { "auth", LOG_AUTH },
	{ "authpriv", LOG_AUTHPRIV }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

static const char *kw_log_facility(struct bbsd_config *cfg, const char *v)
{
	for (size_t i = 0; i < sizeof facilities / sizeof facilities[0]; i++) {
		if (strcasecmp(v, facilities[i].name) == 0) {
			cfg->log_facility = facilities[i].value;
			return NULL;
		}
	}
	return "LogFacility wants stderr, syslog, AUTH, AUTHPRIV, DAEMON, USER or LOCAL0..LOCAL7";
}

void bbsd_log_init(const struct bbsd_config *cfg)
{
	bool to_syslog = cfg->log_facility >= 0 || !cfg->foreground;
	bbs_log_set_facility(cfg->log_facility >= 0 ? cfg->log_facility : LOG_AUTH);
	bbs_log_init("bbsd", to_syslog, (enum bbs_log_level)cfg->log_level);
}

const char *config_facility_name(int facility)
{
	for (size_t i = 2; i < sizeof facilities / sizeof facilities[0]; i++)
		if (facilities[i].value == facility)
			return facilities[i].name;
	return "stderr";
}

static const struct keyword {
	const char *name;
	kw_fn *fn;
} keywords[] = {
	{ "ListenAddress", kw_listen },
	{ "Port", kw_port },
	{ "DataDirectory", kw_dir },
	{ "User", kw_user },
	{ "LoginGraceTime", kw_grace },
	{ "MaxAuthTries", kw_tries },
	{ "MaxSessions", kw_sessions },
	{ "MaxStartups", kw_startups },
	{ "PerSourceMaxStartups", kw_per_source },
	{ "PerSourcePenalties", kw_penalties },
	{ "LogLevel", kw_log_level },
	{ "LogFacility", kw_log_facility },
	{ "SyslogFacility", kw_log_facility },
	{ "LegacyClients", kw_legacy },
	{ "SourceRetentionDays", kw_retention },
	{ "AuthBackoffAfter", kw_backoff_after },
	{ "AuthBackoffWindow", kw_backoff_window },
	{ "AuthBackoffBase", kw_backoff_base },
	{ "AuthBackoffMax", kw_backoff_max },
	{ "ClientAliveInterval", kw_alive_interval },
	{ "ClientAliveCountMax", kw_alive_count },
};

static void say(char *err, size_t errlen, const char *name, int line, const char *msg)
{
	if (bbs_snprintf(err, errlen, "%s:%d: %s", name, line, msg) != 0)
		bbs_strlcpy(err, msg, errlen);
}

int config_parse(const char *text, size_t len, const char *name, struct bbsd_config *cfg,
	char *err, size_t errlen)
{
	int lineno = 0;
	size_t pos = 0;
	err[0] = '\0';
	if (len > CONFIG_MAX) {
		say(err, errlen, name, 0, "the file is too large");
		return BBS_ERR_TOOBIG;
	}
	if (memchr(text, '\0', len)) {
		say(err, errlen, name, 0, "the file contains a NUL byte");
		return BBS_ERR_INVALID;
	}
	while (pos < len) {
		lineno++;
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char line[LINE_MAX_LEN];
		if (n >= sizeof line) {
			say(err, errlen, name, lineno, "line too long");
			return BBS_ERR_INVALID;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);

		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *p = line;
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		char *end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!*p)
			continue;
		for (char *q = p; *q; q++) {
			if ((unsigned char)*q < 0x20 && *q != '\t') {
				say(err, errlen, name, lineno, "control character in the line");
				return BBS_ERR_INVALID;
			}
		}
		char *kw = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '=')
			p++;
		if (*p)
			*p++ = '\0';
		while (*p == ' ' || *p == '\t' || *p == '=')
			p++;
		char *val = p;
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
			val[vl - 1] = '\0';
			val++;
		} else if (strchr(val, '"')) {
			say(err, errlen, name, lineno, "unbalanced quotes");
			return BBS_ERR_INVALID;
		}
		if (!*val) {
			char msg[128];
			if (bbs_snprintf(msg, sizeof msg, "%.60s needs a value", kw) != 0)
				bbs_strlcpy(msg, "missing value", sizeof msg);
			say(err, errlen, name, lineno, msg);
			return BBS_ERR_INVALID;
		}
		const struct keyword *k = NULL;
		for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
			if (strcasecmp(kw, keywords[i].name) == 0)
				k = &keywords[i];
		if (!k) {
			char msg[160];
			char *safe = text_escape_log(kw, 60);
			if (bbs_snprintf(msg, sizeof msg, "unknown keyword '%s'", safe) != 0)
				bbs_strlcpy(msg, "unknown keyword", sizeof msg);
			free(safe);
			say(err, errlen, name, lineno, msg);
			return BBS_ERR_INVALID;
		}
		const char *why = k->fn(cfg, val);
		if (why) {
			say(err, errlen, name, lineno, why);
			return BBS_ERR_INVALID;
		}
	}
	return 0;
}

int config_load(const char *path, struct bbsd_config *cfg, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (bbs_snprintf(err, errlen, "%s: %s", path, fd < 0 ? strerror(errno)
			: "not a regular file") != 0)
			bbs_strlcpy(err, "cannot read the configuration", errlen);
		if (fd >= 0)
			close(fd);
		return BBS_ERR_IO;
	}
	char *buf = xmalloc(CONFIG_MAX + 1);
	size_t len = 0;
	ssize_t r;
	while (len <= CONFIG_MAX && (r = read(fd, buf + len, CONFIG_MAX + 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	int rc = config_parse(buf, len, path, cfg, err, errlen);
	free(buf);
	return rc;
}
