/*
 * test-config: bbsd.conf parsing (bbsd/config.c): every keyword, comments, quotes, and broken
 * or hostile files, each error naming its line.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "bbsd/bbsd.h"
#include "tests/unit/check.h"

static int parse(const char *text, struct bbsd_config *cfg, char *err, size_t n)
{
	config_defaults(cfg);
	return config_parse(text, strlen(text), "t.conf", cfg, err, n);
}

static void expect_error(const char *text, const char *msg)
{
	struct bbsd_config cfg;
	char err[512];
	CHECK(parse(text, &cfg, err, sizeof err) != 0);
	if (!strstr(err, msg)) {
		CHECK(!"error message");
		fprintf(stderr, "  wanted '%s' in '%s'\n", msg, err);
	}
}

int main(void)
{
	struct bbsd_config cfg;
	char err[512];

	CHECK_INT(parse("", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.port, 2222);
	CHECK_INT(cfg.grace_seconds, 30);
	CHECK_INT(cfg.limits.per_source, 5);
	CHECK_INT(cfg.log_facility, -1);   /* stderr */

	/* Keepalives: ClientAliveInterval (a time, 0 = off) and ClientAliveCountMax. */
	CHECK_INT(cfg.client_alive_interval, 60);
	CHECK_INT(cfg.client_alive_count_max, 3);
	CHECK_INT(parse("ClientAliveInterval 15\nclientalivecountmax 5\n", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.client_alive_interval, 15);
	CHECK_INT(cfg.client_alive_count_max, 5);
	CHECK_INT(parse("ClientAliveInterval 2m\n", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.client_alive_interval, 120);
	CHECK_INT(parse("ClientAliveInterval 0\n", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.client_alive_interval, 0);
	expect_error("ClientAliveInterval -1\n", "ClientAliveInterval wants");
	expect_error("ClientAliveInterval 2d\n", "ClientAliveInterval wants");
	expect_error("ClientAliveInterval 99999999999999999999\n", "ClientAliveInterval wants");
	expect_error("ClientAliveInterval 1x\n", "ClientAliveInterval wants");
	expect_error("ClientAliveInterval\n", "ClientAliveInterval needs a value");
	expect_error("ClientAliveCountMax 0\n", "ClientAliveCountMax wants");
	expect_error("ClientAliveCountMax 101\n", "ClientAliveCountMax wants");
	expect_error("ClientAliveCountMax 3 4\n", "ClientAliveCountMax");

	/* LogFacility (and its sshd-style alias SyslogFacility). */
	CHECK_INT(parse("LogFacility LOCAL3\n", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.log_facility, LOG_LOCAL3);
	CHECK_STR(config_facility_name(cfg.log_facility), "local3");
	CHECK_INT(parse("SyslogFacility syslog\n", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.log_facility, LOG_AUTH);
	CHECK_INT(parse("LogFacility authpriv\nLogFacility stderr\n", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.log_facility, -1);
	CHECK_STR(config_facility_name(cfg.log_facility), "stderr");

	const char *good =
		"# a comment\n"
		"\n"
		"  Port 2022   # trailing comment\n"
		"ListenAddress 127.0.0.1\n"
		"listenaddress ::1\n"
		"DataDirectory \"/var/lib/portal\"\n"
		"LoginGraceTime 2m\r\n"
		"MaxAuthTries 3\n"
		"MaxSessions=500\n"
		"MaxStartups 20:40:60\n"
		"PerSourceMaxStartups none\n"
		"PerSourcePenalties no\n"
		"LogLevel DEBUG\n";
	CHECK_INT(parse(good, &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.port, 2022);
	CHECK_INT((int)cfg.nlisten, 2);
	CHECK_STR(cfg.listen[0], "127.0.0.1");
	CHECK_STR(cfg.listen[1], "::1");
	CHECK_STR(cfg.dir, "/var/lib/portal");
	CHECK_INT(cfg.grace_seconds, 120);
	CHECK_INT(cfg.max_auth_tries, 3);
	CHECK_INT(cfg.max_sessions, 500);
	CHECK_INT(cfg.limits.startups_begin, 20);
	CHECK_INT(cfg.limits.startups_rate, 40);
	CHECK_INT(cfg.limits.startups_full, 60);
	CHECK_INT(cfg.limits.per_source, 0);
	CHECK(!cfg.limits.penalties);
	CHECK_INT(cfg.log_level, BBS_LOG_DEBUG);

	expect_error("Port 65536\n", "t.conf:1: Port wants");
	expect_error("\n\nPort -1\n", "t.conf:3:");
	expect_error("Port 22abc\n", "Port wants");
	expect_error("Port\n", "Port needs a value");
	expect_error("Frobnicate yes\n", "unknown keyword 'Frobnicate'");
	expect_error("Evil\033[2J yes\n", "control character");
	expect_error("DataDirectory relative/path\n", "absolute path");
	expect_error("DataDirectory \"/unbalanced\n", "unbalanced quotes");
	expect_error("LoginGraceTime 2d\n", "LoginGraceTime wants");
	expect_error("LoginGraceTime 0\n", "LoginGraceTime wants");
	expect_error("LoginGraceTime 2h\n", "LoginGraceTime wants");
	expect_error("MaxStartups 10:30\n", "MaxStartups wants");
	expect_error("PerSourcePenalties maybe\n", "yes or no");
	expect_error("LogLevel loud\n", "LogLevel wants");
	expect_error("LogFacility kern\n", "LogFacility wants");
	expect_error("LogFacility\n", "LogFacility needs a value");
	expect_error("SyslogFacility local8\n", "LogFacility wants");
	expect_error("LogFacility \"local0 local1\"\n", "LogFacility wants");
	expect_error("MaxAuthTries 99999999999999999999\n", "MaxAuthTries wants");
	/* User: the service user bbsd drops to when started as root (default bbs). */
	CHECK_INT(parse("", &cfg, err, sizeof err), 0);
	CHECK_STR(cfg.user, "bbs");
	CHECK_INT(parse("User portal_svc-1.x\n", &cfg, err, sizeof err), 0);
	CHECK_STR(cfg.user, "portal_svc-1.x");
	expect_error("User -rf\n", "User wants a user name");
	expect_error("User ../etc\n", "User wants a user name");
	expect_error("User \"a b\"\n", "User wants a user name");
	expect_error("User aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "User wants a user name");
	expect_error("User\n", "User needs a value");
	/* Nine addresses: one too many. */
	char many[1024];
	size_t used = 0;
	for (int i = 0; i < 9; i++)
		used += (size_t)snprintf(many + used, sizeof many - used, "ListenAddress 127.0.0.1\n");
	expect_error(many, "too many ListenAddress");
	/* A line over 1 KiB, a NUL byte, a file over 64 KiB. */
	char *longline = malloc(2000);
	memset(longline, 'x', 1999);
	longline[1999] = '\0';
	expect_error(longline, "line too long");
	free(longline);
	config_defaults(&cfg);
	CHECK(config_parse("Port 22\0Port 23\n", 16, "t.conf", &cfg, err, sizeof err) != 0);
	CHECK(strstr(err, "NUL") != NULL);
	size_t big = 70000;
	char *huge = malloc(big);
	memset(huge, '#', big);
	config_defaults(&cfg);
	CHECK_INT(config_parse(huge, big, "t.conf", &cfg, err, sizeof err), BBS_ERR_TOOBIG);
	/* Random bytes never crash the parser. */
	srand(11);
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(rand() % 200);
		for (size_t i = 0; i < n; i++)
			huge[i] = (char)(rand() % 4 == 0 ? "PortListenAddress \n#\"=:"[rand() % 24]
				: rand() % 256);
		config_defaults(&cfg);
		int r = config_parse(huge, n, "t.conf", &cfg, err, sizeof err);
		CHECK(r == 0 || err[0] != '\0');
	}
	free(huge);
	return check_done();
}
