/*
 * test-limits: bbsd's pre-authentication limits and per-source penalties (bbsd/limits.c).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "bbsd/bbsd.h"
#include "tests/unit/check.h"

static struct source_key key4(const char *ip)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct source_key k;
	in->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &in->sin_addr);
	source_key_from(&ss, &k);
	return k;
}

static struct source_key key6(const char *ip)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	struct source_key k;
	in6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, ip, &in6->sin6_addr);
	source_key_from(&ss, &k);
	return k;
}

static void test_parse(void)
{
	struct limits_config c;
	limits_config_defaults(&c);
	CHECK_INT(c.startups_begin, 30);
	CHECK_INT(c.startups_rate, 30);
	CHECK_INT(c.startups_full, 100);
	CHECK(c.per_source < c.startups_begin);
	CHECK_INT(limits_parse_startups("20:50:60", &c), 0);
	CHECK_INT(c.startups_begin, 20);
	CHECK_INT(c.startups_rate, 50);
	CHECK_INT(c.startups_full, 60);
	CHECK_INT(limits_parse_startups("7", &c), 0);
	CHECK_INT(c.startups_begin, 7);
	CHECK_INT(c.startups_full, 7);
	const char *bad[] = { "", "a", "10:", "10:30", "10:30:5", "10:0:20", "10:101:20", "-1",
		"10:30:100:4", "10:30:100x", "0:30:100", "99999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(limits_parse_startups(bad[i], &c), BBS_ERR_INVALID);
	CHECK_INT(limits_parse_startups(NULL, &c), BBS_ERR_INVALID);
}

static void test_keys(void)
{
	struct source_key a = key4("192.0.2.1"), b = key4("192.0.2.2");
	struct source_key m = key6("::ffff:192.0.2.1");
	struct source_key x = key6("2001:db8:1:2::1"), y = key6("2001:db8:1:2:ffff::9");
	struct source_key z = key6("2001:db8:1:3::1");
	CHECK(memcmp(&a, &b, sizeof a) != 0);
	CHECK(memcmp(&a, &m, sizeof a) == 0);   /* v4-mapped is the same source */
	CHECK(memcmp(&x, &y, sizeof x) == 0);   /* same /64 */
	CHECK(memcmp(&x, &z, sizeof x) != 0);
}

static void test_startups(void)
{
	struct limits_config c;
	limits_config_defaults(&c);
	CHECK_INT(limits_parse_startups("10:30:100", &c), 0);
	c.per_source = 10;
	struct limits *l = limits_create(&c);
	struct source_key k = key4("192.0.2.1");
	CHECK_INT(limits_check(l, &k, 1000, 9, 0, 0), LIMITS_ACCEPT);
	/* At begin: 30% drop: rnd 0..29 dropped, 30..99 accepted. */
	CHECK_INT(limits_check(l, &k, 1000, 10, 0, 29), LIMITS_DROP_STARTUPS);
	CHECK_INT(limits_check(l, &k, 1000, 10, 0, 30), LIMITS_ACCEPT);
	/* Half way (55): 30 + 70 * 45 / 90 = 65%. */
	CHECK_INT(limits_check(l, &k, 1000, 55, 0, 64), LIMITS_DROP_STARTUPS);
	CHECK_INT(limits_check(l, &k, 1000, 55, 0, 65), LIMITS_ACCEPT);
	CHECK_INT(limits_check(l, &k, 1000, 100, 0, 99), LIMITS_DROP_STARTUPS);
	/* Per source. */
	CHECK_INT(limits_check(l, &k, 1000, 0, 9, 99), LIMITS_ACCEPT);
	CHECK_INT(limits_check(l, &k, 1000, 0, 10, 99), LIMITS_DROP_SOURCE);
	limits_destroy(l);
	c.per_source = 0;
	l = limits_create(&c);
	CHECK_INT(limits_check(l, &k, 1000, 0, 5000, 99), LIMITS_ACCEPT);
	limits_destroy(l);
	limits_destroy(NULL);
}

static void test_penalties(void)
{
	struct limits_config c;
	limits_config_defaults(&c);
	struct limits *l = limits_create(&c);
	struct source_key bad = key4("192.0.2.66"), good = key4("192.0.2.7");
	int64_t t = 1000;

	/* One or two failures cost nothing; the third within the window reaches 15 s. */
	limits_penalize(l, &bad, LIMITS_EV_AUTHFAIL, t);
	CHECK_INT(limits_check(l, &bad, t, 0, 0, 99), LIMITS_ACCEPT);
	limits_penalize(l, &bad, LIMITS_EV_AUTHFAIL, t);
	CHECK_INT(limits_check(l, &bad, t, 0, 0, 99), LIMITS_ACCEPT);
	limits_penalize(l, &bad, LIMITS_EV_AUTHFAIL, t);
	CHECK_INT(limits_check(l, &bad, t, 0, 0, 99), LIMITS_DROP_PENALTY);
	CHECK_INT(limits_check(l, &good, t, 0, 0, 99), LIMITS_ACCEPT);
	/* It drains in real time: refused until the account runs out, then accepted. */
	CHECK_INT(limits_check(l, &bad, t + 14, 0, 0, 99), LIMITS_DROP_PENALTY);
	CHECK_INT(limits_check(l, &bad, t + 15, 0, 0, 99), LIMITS_ACCEPT);
	/* Failures spread out never accrue. */
	for (int i = 0; i < 20; i++)
		limits_penalize(l, &good, LIMITS_EV_AUTHFAIL, t + 100 + i * 6);
	CHECK_INT(limits_check(l, &good, t + 100 + 19 * 6, 0, 0, 99), LIMITS_ACCEPT);
	/* Noauth (1 s) needs fifteen quick ones. */
	struct source_key scan = key4("198.51.100.1");
	for (int i = 0; i < 14; i++)
		limits_penalize(l, &scan, LIMITS_EV_NOAUTH, t);
	CHECK_INT(limits_check(l, &scan, t, 0, 0, 99), LIMITS_ACCEPT);
	limits_penalize(l, &scan, LIMITS_EV_NOAUTH, t);
	CHECK_INT(limits_check(l, &scan, t, 0, 0, 99), LIMITS_DROP_PENALTY);
	/* A crash is enforced at once and capped at penalty_max. */
	struct source_key crash = key4("203.0.113.5");
	for (int i = 0; i < 100; i++)
		limits_penalize(l, &crash, LIMITS_EV_CRASH, t);
	CHECK_INT(limits_check(l, &crash, t + c.penalty_max - 1, 0, 0, 99), LIMITS_DROP_PENALTY);
	CHECK_INT(limits_check(l, &crash, t + c.penalty_max, 0, 0, 99), LIMITS_ACCEPT);
	limits_destroy(l);

	/* Penalties off. */
	c.penalties = false;
	l = limits_create(&c);
	for (int i = 0; i < 10; i++)
		limits_penalize(l, &bad, LIMITS_EV_CRASH, t);
	CHECK_INT(limits_check(l, &bad, t, 0, 0, 99), LIMITS_ACCEPT);
	limits_destroy(l);
}

static void test_bounded(void)
{
	/* A flood of sources keeps at most max_sources; the newest offenders are kept. */
	struct limits_config c;
	limits_config_defaults(&c);
	c.max_sources = 100;
	struct limits *l = limits_create(&c);
	char ip[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(ip, sizeof ip, "10.%d.%d.1", i / 250, i % 250);
		struct source_key k = key4(ip);
		for (int j = 0; j < 3; j++)
			limits_penalize(l, &k, LIMITS_EV_AUTHFAIL, 1000 + i);
	}
	struct source_key last = key4("10.19.249.1");
	CHECK_INT(limits_check(l, &last, 5999, 0, 0, 99), LIMITS_DROP_PENALTY);
	limits_destroy(l);
}

int main(void)
{
	test_parse();
	test_keys();
	test_startups();
	test_penalties();
	test_bounded();
	return check_done();
}
