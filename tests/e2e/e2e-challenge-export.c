/*
 * e2e-challenge-export: `bbsctl -d DIR challenge export --format json` says what the screen
 * says. The sample's six challenges are read off the challenge screen (title, "N
 * endorsements") and off the export (every JSON object with a "title" string and an
 * "endorsements" number, found by a small strict JSON reader here); both must agree, with
 * each other and with the store. The export must be valid JSON.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

#define MAX_ITEMS 64

struct item {
	char title[512];
	long endorsements;
};

struct json {
	const char *p, *end;
	bool bad;
	struct item items[MAX_ITEMS];
	int n;
};

static void skip_ws(struct json *j)
{
	while (j->p < j->end && isspace((unsigned char)*j->p))
		j->p++;
}

static bool expect(struct json *j, char c)
{
	skip_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	j->bad = true;
	return false;
}

/* A JSON string into out (size n, cut to fit; \u escapes kept as '?'). */
static bool parse_string(struct json *j, char *out, size_t n)
{
	size_t k = 0;

	if (!expect(j, '"'))
		return false;
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;

		if ((unsigned char)c < 0x20) {
			j->bad = true;
			return false;
		}
		if (c == '\\') {
			if (j->p >= j->end) {
				j->bad = true;
				return false;
			}
			c = *j->p++;
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				for (int i = 0; i < 4; i++)
					if (j->p >= j->end || !isxdigit((unsigned char)*j->p++)) {
						j->bad = true;
						return false;
					}
				c = '?';
				break;
			default:
				j->bad = true;
				return false;
			}
		}
		if (out && k + 1 < n)
			out[k++] = c;
	}
	if (out && n)
		out[k] = '\0';
	return expect(j, '"');
}

static bool parse_value(struct json *j, int depth, char *str, size_t n, double *num,
	int *kind);

static bool parse_object(struct json *j, int depth)
{
	char key[64], title[512] = "";
	bool has_title = false, has_count = false;
	double count = 0;

	if (!expect(j, '{'))
		return false;
	skip_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return true;
	}
	for (;;) {
		char sval[512];
		double nval = 0;
		int kind = 0;

		if (!parse_string(j, key, sizeof key) || !expect(j, ':') ||
		    !parse_value(j, depth + 1, sval, sizeof sval, &nval, &kind))
			return false;
		if (strcmp(key, "title") == 0 && kind == 's') {
			bbs_strlcpy(title, sval, sizeof title);
			has_title = true;
		} else if (strcmp(key, "endorsements") == 0 && kind == 'n') {
			count = nval;
			has_count = true;
		}
		skip_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (!expect(j, '}'))
			return false;
		break;
	}
	if (has_title && has_count && j->n < MAX_ITEMS) {
		bbs_strlcpy(j->items[j->n].title, title, sizeof j->items[j->n].title);
		j->items[j->n].endorsements = (long)count;
		j->n++;
	}
	return true;
}

static bool parse_value(struct json *j, int depth, char *str, size_t n, double *num, int *kind)
{
	if (depth > 32) {
		j->bad = true;
		return false;
	}
	skip_ws(j);
	if (j->p >= j->end) {
		j->bad = true;
		return false;
	}
	*kind = *j->p;
	switch (*j->p) {
	case '{':
		return parse_object(j, depth);
	case '[':
		j->p++;
		skip_ws(j);
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return true;
		}
		for (;;) {
			char s2[8];
			double d2;
			int k2;

			if (!parse_value(j, depth + 1, s2, sizeof s2, &d2, &k2))
				return false;
			skip_ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			return expect(j, ']');
		}
	case '"':
		*kind = 's';
		return parse_string(j, str, n);
	default:
		if (*j->p == '-' || isdigit((unsigned char)*j->p)) {
			char *endp;

			*kind = 'n';
			*num = strtod(j->p, &endp);
			if (endp == j->p || endp > j->end) {
				j->bad = true;
				return false;
			}
			j->p = endp;
			return true;
		}
		for (const char *lit = "true\0false\0null\0"; *lit; lit += strlen(lit) + 1) {
			size_t len = strlen(lit);

			if ((size_t)(j->end - j->p) >= len && memcmp(j->p, lit, len) == 0) {
				j->p += len;
				*kind = 'l';
				return true;
			}
		}
		j->bad = true;
		return false;
	}
}

int main(void)
{
	static char out[1 << 20];
	static struct json j;
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct ch_sample s;
	long screen[CH_SAMPLE_N];
	char *argv[10];
	const char *start;
	int rc, i = 0;

	tc_fixture_standard(&fx, &u, 100);
	st = ch_sample_setup(&fx, &s);

	tc_note("gus: the challenge screen, every row's count");
	tc = bt_login(&fx, "gus", 100, 40);
	TC_REQUIRE(ch_open(tc));
	for (int c = 0; c < CH_SAMPLE_N; c++) {
		char prefix[BT_LIST_PREFIX + 1];
		bool plus;

		bbs_strlcpy(prefix, s.titles[c], sizeof prefix);
		TC_CHECK(tc_wait_text(tc, prefix, TC_WAIT_MS));
		TC_CHECK(ch_row(tc_screen(tc), prefix, &screen[c], &plus) > 0);
		TC_CHECK(screen[c] == s.counts[c]);
		TC_CHECK(plus == (c == 0));   /* gus endorses only the first */
		tc_note("screen: %ld  %s", screen[c], s.titles[c]);
	}
	tc_close(tc);

	tc_note("bbsctl challenge export --format json");
	argv[i++] = fx.bbsctl;
	argv[i++] = "-d";
	argv[i++] = fx.dir;
	argv[i++] = "challenge";
	argv[i++] = "export";
	argv[i++] = "--format";
	argv[i++] = "json";
	argv[i] = NULL;
	rc = tc_run(argv, NULL, out, sizeof out, 30000);
	if (!TC_CHECK(rc == 0))
		tc_note("bbsctl challenge export: status %d: %.500s", rc, out);
	start = out + strcspn(out, "{[");
	j.p = start;
	j.end = out + strlen(out);
	{
		char sv[8];
		double dv;
		int kind;

		TC_CHECK(parse_value(&j, 0, sv, sizeof sv, &dv, &kind) && !j.bad);
		skip_ws(&j);
		TC_CHECK(j.p == j.end);   /* nothing after the document */
	}
	if (j.bad || rc != 0)
		tc_note("export output: %.2000s", out);
	TC_CHECK(j.n == CH_SAMPLE_N);
	for (int c = 0; c < CH_SAMPLE_N; c++) {
		int found = -1;

		for (int k = 0; k < j.n; k++)
			if (strcmp(j.items[k].title, s.titles[c]) == 0)
				found = k;
		if (!TC_CHECK(found >= 0)) {
			tc_note("\"%s\" is on the screen but not in the export", s.titles[c]);
			continue;
		}
		if (!TC_CHECK(j.items[found].endorsements == screen[c]))
			tc_note("\"%s\": %ld endorsements in the export, %ld on the screen",
				s.titles[c], j.items[found].endorsements, screen[c]);
	}
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
