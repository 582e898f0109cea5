/*
 * limits.c: pre-authentication limits and per-source penalties (the OpenSSH model).
 *
 * The listener asks limits_check() before forking for a new connection and reports with
 * limits_penalize() how each session process ended. A penalty is time added to a source's
 * account; the source is refused while its account holds at least penalty_min seconds, and
 * the account drains in real time. So one mistyped password costs nothing, while a stream of
 * failures from one address shuts that address out for a while without touching anyone else.
 *
 * Pure logic with a bounded table (max_sources entries, the one expiring first is forgotten):
 * a flood of sources cannot make it grow without bound. Never reads client data.
 */
#include "bbsd/bbsd.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

struct source {
	struct source_key key;
	int64_t until;      /* the penalty account runs out at this time */
	bool enforcing;     /* the account reached penalty_min: refuse until it runs out */
};

struct limits {
	struct limits_config cfg;
	struct source *v;
	size_t n, cap;
};

void limits_config_defaults(struct limits_config *lc)
{
	*lc = (struct limits_config){
		.startups_begin = 30, .startups_rate = 30, .startups_full = 100,
		.per_source = 5,
		.penalties = true,
		.penalty_authfail = 5, .penalty_noauth = 1, .penalty_grace = 10, .penalty_crash = 90,
		.penalty_min = 15, .penalty_max = 600,
		.max_sources = 65536,
	};
}

static int parse_num(const char *s, const char **end, int *out)
{
	char *e;
	long v = strtol(s, &e, 10);
	if (e == s || v < 0 || v > 1000000)
		return BBS_ERR_INVALID;
	*out = (int)v;
	*end = e;
	return 0;
}

int limits_parse_startups(const char *s, struct limits_config *lc)
{
	int a, b, c;
	const char *p;
	if (!s || parse_num(s, &p, &a) != 0)
		return BBS_ERR_INVALID;
	if (*p == '\0') {
		b = 100;
		c = a;
	} else if (*p != ':' || parse_num(p + 1, &p, &b) != 0 || *p != ':' ||
		   parse_num(p + 1, &p, &c) != 0 || *p != '\0') {
		return BBS_ERR_INVALID;
	}
	if (a < 1 || b < 1 || b > 100 || c < a)
		return BBS_ERR_INVALID;
	lc->startups_begin = a;
	lc->startups_rate = b;
	lc->startups_full = c;
	return 0;
}

void source_key_from(const struct sockaddr_storage *ss, struct source_key *key)
{
	memset(key, 0, sizeof *key);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		key->b[0] = 4;
		memcpy(key->b + 1, &in->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			key->b[0] = 4;
			memcpy(key->b + 1, in6->sin6_addr.s6_addr + 12, 4);
		} else {
			/* One IPv6 host usually owns a whole /64. */
			key->b[0] = 6;
			memcpy(key->b + 1, in6->sin6_addr.s6_addr, 8);
		}
	}
}

struct limits *limits_create(const struct limits_config *lc)
{
	struct limits *l = xcalloc(1, sizeof *l);
	l->cfg = *lc;
	if (l->cfg.max_sources < 1)
		l->cfg.max_sources = 1;
	return l;
}

void limits_reconfigure(struct limits *l, const struct limits_config *lc)
{
	l->cfg = *lc;
	if (l->cfg.max_sources < 1)
		l->cfg.max_sources = 1;
}

void limits_destroy(struct limits *l)
{
	if (!l)
		return;
	free(l->v);
	free(l);
}

static struct source *find(struct limits *l, const struct source_key *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (memcmp(&l->v[i].key, key, sizeof *key) == 0)
			return &l->v[i];
	return NULL;
}

/* Drops sources whose account has run out. */
static void expire(struct limits *l, int64_t now)
{
	for (size_t i = 0; i < l->n;) {
		if (l->v[i].until <= now)
			l->v[i] = l->v[--l->n];
		else
			i++;
	}
}

enum limits_verdict limits_check(struct limits *l, const struct source_key *key, int64_t now,
	int unauth_total, int unauth_source, unsigned rnd)
{
	const struct limits_config *c = &l->cfg;
	if (c->penalties) {
		struct source *s = find(l, key);
		if (s && s->enforcing && s->until > now)
			return LIMITS_DROP_PENALTY;
	}
	if (c->per_source > 0 && unauth_source >= c->per_source)
		return LIMITS_DROP_SOURCE;
	if (unauth_total >= c->startups_full)
		return LIMITS_DROP_STARTUPS;
	if (unauth_total >= c->startups_begin) {
		/* Drop probability rises linearly from rate% at begin to 100% at full. */
		int span = c->startups_full - c->startups_begin;
		int p = span > 0 ? c->startups_rate + (100 - c->startups_rate) *
			(unauth_total - c->startups_begin) / span : 100;
		if ((int)rnd < p)
			return LIMITS_DROP_STARTUPS;
	}
	return LIMITS_ACCEPT;
}

int limits_penalize(struct limits *l, const struct source_key *key, enum limits_event ev,
	int64_t now)
{
	const struct limits_config *c = &l->cfg;
	if (!c->penalties)
		return 0;
	int add = ev == LIMITS_EV_AUTHFAIL ? c->penalty_authfail
		: ev == LIMITS_EV_NOAUTH ? c->penalty_noauth
		: ev == LIMITS_EV_GRACE ? c->penalty_grace : c->penalty_crash;
	if (add <= 0)
		return 0;
	struct source *s = find(l, key);
	if (!s) {
		expire(l, now);
		if (l->n >= (size_t)c->max_sources) {
			/* Full: forget the source whose account runs out first. */
			size_t oldest = 0;
			for (size_t i = 1; i < l->n; i++)
				if (l->v[i].until < l->v[oldest].until)
					oldest = i;
			l->v[oldest] = l->v[--l->n];
		}
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 64;
			l->v = xrealloc(l->v, l->cap * sizeof *l->v);
		}
		s = &l->v[l->n++];
		*s = (struct source){ .key = *key, .until = now };
	}
	if (s->until < now) {
		s->until = now;
		s->enforcing = false;
	}
	s->until += add;
	if (s->until > now + c->penalty_max)
		s->until = now + c->penalty_max;
	if (s->until - now >= c->penalty_min)
		s->enforcing = true;
	return add;
}

const char *limits_verdict_name(enum limits_verdict v)
{
	switch (v) {
	case LIMITS_ACCEPT: return "accepted";
	case LIMITS_DROP_STARTUPS: return "too many unauthenticated connections";
	case LIMITS_DROP_SOURCE: return "too many unauthenticated connections from this source";
	case LIMITS_DROP_PENALTY: return "source penalized";
	}
	return "?";
}
