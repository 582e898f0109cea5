/*
 * test-throttle: the login backoff's shared state (store/store-throttle.c, schema version 6)
 * and its bbsd.conf keywords (bbsd/config.c).
 *
 * Counting per name, the delay curve (free failures, doubling, cap), window expiry, clearing
 * on success, pruning (by age and by the row cap), name bounds (cut to 64 bytes), hostile
 * names (quotes, SQL, control bytes, invalid UTF-8, empty), names of members and unknown
 * names counted alike, two connections sharing one count, and bad arguments.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bbsd/bbsd.h"
#include "store/store.h"
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

static const struct store_throttle_policy policy = {
	.free_failures = 3, .window = 900, .base_ms = 1000, .max_ms = 30000,
};

static struct store *open_db(const char *name)
{
	char *path = db_path(name);
	struct store *st = NULL;
	CHECK_INT(store_open(path, &st), BBS_OK);
	free(path);
	return st;
}

/* One attempt; returns the delay it was given (-1 on error). */
static int64_t attempt(struct store *st, const char *name, int64_t now)
{
	int64_t d = -2;
	int r = store_throttle_begin(st, name, now, &policy, &d);
	CHECK_INT(r, BBS_OK);
	return r == BBS_OK ? d : -1;
}

static int failures(struct store *st, const char *name, int64_t now)
{
	int n = -1;
	CHECK_INT(store_throttle_failures(st, name, now, policy.window, &n), BBS_OK);
	return n;
}

static void test_delay_curve(void)
{
	CHECK_INT(store_schema_version(), 7);
	CHECK_INT(store_throttle_delay_ms(&policy, 0), 0);
	CHECK_INT(store_throttle_delay_ms(&policy, 2), 0);
	CHECK_INT(store_throttle_delay_ms(&policy, 3), 1000);
	CHECK_INT(store_throttle_delay_ms(&policy, 4), 2000);
	CHECK_INT(store_throttle_delay_ms(&policy, 5), 4000);
	CHECK_INT(store_throttle_delay_ms(&policy, 7), 16000);
	CHECK_INT(store_throttle_delay_ms(&policy, 8), 30000);   /* 32 s, capped */
	CHECK_INT(store_throttle_delay_ms(&policy, 1000000), 30000);
	CHECK_INT(store_throttle_delay_ms(&policy, INT32_MAX), 30000);
	struct store_throttle_policy off = policy;
	off.base_ms = 0;
	CHECK_INT(store_throttle_delay_ms(&off, 100), 0);
	struct store_throttle_policy at_once = policy;
	at_once.free_failures = 0;
	CHECK_INT(store_throttle_delay_ms(&at_once, 0), 1000);
	struct store_throttle_policy low_cap = policy;
	low_cap.max_ms = 300;   /* a cap below the base wins */
	CHECK_INT(store_throttle_delay_ms(&low_cap, 3), 300);
	CHECK_INT(store_throttle_delay_ms(NULL, 10), 0);
}

static void test_counting(void)
{
	struct store *st = open_db("count.db");
	int64_t t = 1000000;
	/* alice is a member here; "nobody" is not: they are counted exactly alike. */
	struct store_user nu = { .handle = "alice", .display_name = "Alice", .role = STORE_ROLE_MEMBER,
		.status = STORE_STATUS_ACTIVE };
	int64_t id = 0;
	CHECK_INT(store_user_add(st, &nu, &id), BBS_OK);
	const char *names[] = { "alice", "nobody" };
	for (int k = 0; k < 2; k++) {
		const char *n = names[k];
		CHECK_INT(failures(st, n, t), 0);
		CHECK_INT(attempt(st, n, t), 0);
		CHECK_INT(attempt(st, n, t), 0);
		CHECK_INT(attempt(st, n, t + 1), 0);
		CHECK_INT(failures(st, n, t + 1), 3);
		CHECK_INT(attempt(st, n, t + 2), 1000);
		CHECK_INT(attempt(st, n, t + 3), 2000);
		CHECK_INT(attempt(st, n, t + 4), 4000);
		for (int i = 0; i < 10; i++)
			(void)attempt(st, n, t + 5);
		CHECK_INT(attempt(st, n, t + 6), 30000);   /* the cap */
		CHECK_INT(failures(st, n, t + 6), 17);
	}
	/* Per name: another name, and a different case, start from nothing. */
	CHECK_INT(attempt(st, "bob", t + 6), 0);
	CHECK_INT(attempt(st, "Alice", t + 6), 0);
	CHECK_INT(failures(st, "alice", t + 6), 17);

	/* Clearing on success: the name starts again; other names keep their counts. */
	CHECK_INT(store_throttle_clear(st, "alice"), BBS_OK);
	CHECK_INT(failures(st, "alice", t + 7), 0);
	CHECK_INT(attempt(st, "alice", t + 7), 0);
	CHECK_INT(failures(st, "nobody", t + 7), 17);
	CHECK_INT(store_throttle_clear(st, "never-seen"), BBS_OK);
	store_close(st);
}

static void test_window(void)
{
	struct store *st = open_db("window.db");
	int64_t t = 2000000;
	for (int i = 0; i < 5; i++)
		(void)attempt(st, "carol", t + i);
	CHECK_INT(failures(st, "carol", t + 4), 5);
	CHECK_INT(attempt(st, "carol", t + 5), 4000);
	/* The window runs from the last failure (t + 5): one second before it ends the count
	 * holds, at its end the name starts again. */
	CHECK_INT(failures(st, "carol", t + 5 + policy.window - 1), 6);
	CHECK_INT(failures(st, "carol", t + 5 + policy.window), 0);
	CHECK_INT(attempt(st, "carol", t + 5 + policy.window), 0);
	CHECK_INT(failures(st, "carol", t + 5 + policy.window), 1);

	/* A clock that steps back never lowers last_at (the row is not forgotten early). */
	int64_t t2 = t + 10000;
	for (int i = 0; i < 4; i++)
		(void)attempt(st, "dave", t2);
	(void)attempt(st, "dave", t2 - 100);
	CHECK_INT(failures(st, "dave", t2 + policy.window - 1), 5);
	store_close(st);
}

static void test_prune(void)
{
	struct store *st = open_db("prune.db");
	int64_t t = 3000000;
	char name[32];
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "old%d", i);
		(void)attempt(st, name, t);
	}
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "new%d", i);
		(void)attempt(st, name, t + 600);
	}
	int removed = -1;
	/* Nothing is a window old yet. */
	CHECK_INT(store_throttle_prune(st, t + 600, policy.window, 1000, &removed), BBS_OK);
	CHECK_INT(removed, 0);
	/* The old ones are now; the new ones stay. */
	CHECK_INT(store_throttle_prune(st, t + policy.window, policy.window, 1000, &removed),
		BBS_OK);
	CHECK_INT(removed, 20);
	CHECK_INT(failures(st, "new3", t + policy.window), 1);
	/* The row cap keeps the most recent. */
	(void)attempt(st, "newest", t + 700);
	CHECK_INT(store_throttle_prune(st, t + 700, policy.window, 2, &removed), BBS_OK);
	CHECK_INT(removed, 4);
	CHECK_INT(failures(st, "newest", t + 700), 1);
	/* begin prunes by itself: a window later a new attempt finds an empty table. */
	(void)attempt(st, "late", t + 700 + policy.window);
	CHECK_INT(store_throttle_prune(st, t + 700 + policy.window, policy.window, 1, &removed),
		BBS_OK);
	CHECK_INT(removed, 0);
	CHECK_INT(failures(st, "late", t + 700 + policy.window), 1);
	/* Bad arguments. */
	CHECK_INT(store_throttle_prune(st, t, 0, 10, &removed), BBS_ERR_INVALID);
	CHECK_INT(removed, 0);
	CHECK_INT(store_throttle_prune(st, t, 10, 0, NULL), BBS_ERR_INVALID);
	store_close(st);
}

static void test_names(void)
{
	struct store *st = open_db("names.db");
	int64_t t = 4000000;
	/* Bounded: only the first 64 bytes count, so two long names sharing them share a count
	 * (harmless: neither can be a handle) and nothing longer is ever stored. */
	char a[200], b[200];
	memset(a, 'x', sizeof a - 1);
	a[sizeof a - 1] = '\0';
	memcpy(b, a, sizeof b);
	b[150] = 'y';
	for (int i = 0; i < 3; i++)
		(void)attempt(st, a, t);
	CHECK_INT(attempt(st, b, t), 1000);
	CHECK_INT(failures(st, b, t), 4);
	char c64[65];
	memcpy(c64, a, 64);
	c64[64] = '\0';
	CHECK_INT(failures(st, c64, t), 4);
	c64[63] = '\0';
	CHECK_INT(failures(st, c64, t), 0);

	/* Hostile names are bytes: each its own count, none confused with another. */
	const char *hostile[] = {
		"", "'", "' OR 1=1 --", "alice'; DROP TABLE users; --", "%s%n%x", "\x1b[2J\x1b]0;t\x07",
		"\xff\xfe\xc3", "\xc3\xa9l\xc3\xa8ve", "alice ", " alice", "ALICE", "\t\r\n",
	};
	size_t nh = sizeof hostile / sizeof hostile[0];
	for (size_t i = 0; i < nh; i++)
		for (size_t k = 0; k <= i; k++)
			(void)attempt(st, hostile[i], t);
	for (size_t i = 0; i < nh; i++)
		CHECK_INT(failures(st, hostile[i], t), (int)i + 1);
	CHECK_INT(failures(st, "alice", t), 0);
	CHECK_INT(store_throttle_clear(st, ""), BBS_OK);
	CHECK_INT(failures(st, "", t), 0);
	CHECK_INT(failures(st, "'", t), 2);

	/* Bad arguments clear the out-parameters and change nothing. */
	int64_t d = 99;
	int n = 99;
	struct store_throttle_policy bad = policy;
	bad.window = 0;
	CHECK_INT(store_throttle_begin(st, NULL, t, &policy, &d), BBS_ERR_INVALID);
	CHECK_INT(d, 0);
	CHECK_INT(store_throttle_begin(st, "x", t, NULL, &d), BBS_ERR_INVALID);
	CHECK_INT(store_throttle_begin(st, "x", t, &policy, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_throttle_begin(st, "x", t, &bad, &d), BBS_ERR_INVALID);
	CHECK_INT(store_throttle_begin(NULL, "x", t, &policy, &d), BBS_ERR_INVALID);
	CHECK_INT(store_throttle_clear(st, NULL), BBS_ERR_INVALID);
	CHECK_INT(store_throttle_failures(st, NULL, t, 10, &n), BBS_ERR_INVALID);
	CHECK_INT(n, 0);
	CHECK_INT(failures(st, "x", t), 0);
	store_close(st);
}

/* Two handles on one file, as two session processes: one count. */
static void test_shared(void)
{
	struct store *s1 = open_db("shared.db");
	struct store *s2 = open_db("shared.db");
	int64_t t = 5000000;
	CHECK_INT(attempt(s1, "erin", t), 0);
	CHECK_INT(attempt(s2, "erin", t), 0);
	CHECK_INT(attempt(s1, "erin", t), 0);
	CHECK_INT(attempt(s2, "erin", t), 1000);
	CHECK_INT(attempt(s1, "erin", t), 2000);
	CHECK_INT(store_throttle_clear(s2, "erin"), BBS_OK);
	CHECK_INT(failures(s1, "erin", t), 0);
	store_close(s1);
	store_close(s2);
}

static int parse(const char *text, struct bbsd_config *cfg, char *err, size_t n)
{
	config_defaults(cfg);
	return config_parse(text, strlen(text), "t.conf", cfg, err, n);
}

static void test_config(void)
{
	struct bbsd_config cfg;
	char err[256];
	CHECK_INT(parse("", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.auth_backoff_after, 5);
	CHECK_INT(cfg.auth_backoff_window, 900);
	CHECK_INT(cfg.auth_backoff_base_ms, 1000);
	CHECK_INT(cfg.auth_backoff_max_ms, 20000);
	CHECK_INT(parse("AuthBackoffAfter 2\nAuthBackoffWindow 1h\nAuthBackoffBase 250ms\n"
		"AuthBackoffMax 2s\n", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.auth_backoff_after, 2);
	CHECK_INT(cfg.auth_backoff_window, 3600);
	CHECK_INT(cfg.auth_backoff_base_ms, 250);
	CHECK_INT(cfg.auth_backoff_max_ms, 2000);
	CHECK_INT(parse("AuthBackoffBase 0\nAuthBackoffMax 1m\n", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.auth_backoff_base_ms, 0);
	CHECK_INT(cfg.auth_backoff_max_ms, 60000);
	CHECK_INT(parse("authbackoffbase 3\n", &cfg, err, sizeof err), 0);
	CHECK_INT(cfg.auth_backoff_base_ms, 3000);
	const char *bad[] = {
		"AuthBackoffAfter -1\n", "AuthBackoffAfter 101\n", "AuthBackoffAfter x\n",
		"AuthBackoffWindow 0\n", "AuthBackoffWindow 2d\n", "AuthBackoffBase 61s\n",
		"AuthBackoffBase -5ms\n", "AuthBackoffBase ms\n", "AuthBackoffMax 0\n",
		"AuthBackoffMax 11m\n", "AuthBackoffMax 99999999999999999999ms\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parse(bad[i], &cfg, err, sizeof err) == 0) {
			CHECK(!"accepted a bad value");
			fprintf(stderr, "  accepted: %s", bad[i]);
		} else {
			CHECK(strstr(err, "t.conf:1: AuthBackoff") != NULL);
		}
	}
}

int main(void)
{
	static void (*const steps[])(void) = {
		test_delay_curve, test_counting, test_window, test_prune, test_names, test_shared,
		test_config,
	};
	return tmpdir_main("test-throttle", BBS_LOG_WARN, steps, sizeof steps / sizeof steps[0]);
}
