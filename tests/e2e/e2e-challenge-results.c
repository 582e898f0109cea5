/*
 * e2e-challenge-results: the results screen (r) against the store. Six members answered
 * (counts by sector and region as store_question_respondents gives them, and as their
 * profiles say), six challenges with 6..1 endorsements: "Most endorsed:" lists them in that
 * order as "  N endorsements  Title", and each focus area's "Most endorsed in <area>:" lists
 * its own in order. Nothing but counts: no member's name appears.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-challenge.h"

/* "N endorsements" / "1 endorsement" followed by the title on the same row. */
static bool top_row_ok(struct tc *tc, int r, long count, const char *title)
{
	char buf[1024], want[64];
	const char *p, *t;

	tc_row(tc, r, buf, sizeof buf);
	snprintf(want, sizeof want, count == 1 ? "%ld endorsement" : "%ld endorsements", count);
	p = strstr(buf, want);
	t = strstr(buf, title);
	if (p && t && p < t && (count != 1 || strstr(buf, "1 endorsements") == NULL))
		return true;
	fprintf(stderr, "row %d \"%s\": expected \"%s\" then \"%s\"\n", r, buf, want, title);
	return false;
}

/* The section's rows hold the challenges of mask, in the sample's order (most endorsed
 * first), and no other sample challenge. */
static void check_top(struct tc *tc, const struct ch_sample *s, const char *from, const char *to,
	unsigned mask)
{
	int last = -1;

	for (int c = 0; c < CH_SAMPLE_N; c++) {
		int r = ch_section_row(tc_screen(tc), from, to, s->titles[c]);

		if (mask && !(s->areas[c] & mask)) {
			if (!TC_CHECK(r < 0))
				tc_note("\"%s\" listed under \"%s\"", s->titles[c], from);
			continue;
		}
		if (!TC_CHECK(r > last)) {
			tc_note("\"%s\" not found in order under \"%s\" (row %d, previous %d)",
				s->titles[c], from, r, last);
			continue;
		}
		TC_CHECK(top_row_ok(tc, r, s->counts[c], s->titles[c]));
		last = r;
	}
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	struct ch_sample s;
	struct store_count *cv = NULL;
	struct store_question q = { 0 };
	struct store_challenge *v = NULL;
	char want[64];
	size_t cn = 0, n;
	static const char *const names[] = { "Ada", "Bo Chen", "Cy Hart", "Dee", "Eli", "Fay",
		"Gus" };

	tc_fixture_standard(&fx, &u, 100);
	st = ch_sample_setup(&fx, &s);

	/* The store's own view first: what the screen must show. */
	TC_REQUIRE(store_question_get(st, s.question_id, &q) == 0);
	TC_CHECK(q.respondents == 6 && q.challenges == 6);
	n = ch_list(st, s.viewer, s.question_id, STORE_CH_BY_ENDORSEMENTS, &v, NULL);
	TC_CHECK(n == CH_SAMPLE_N);
	for (size_t i = 0; i < n && i < CH_SAMPLE_N; i++)
		TC_CHECK(v[i].id == s.ids[i] && v[i].endorsements == s.counts[i]);
	store_challenge_list_free(v, n);

	tc = bt_login(&fx, "gus", 100, 60);
	TC_REQUIRE(ch_open(tc));
	tc_note("gus: r");
	TC_REQUIRE(tc_send(tc, "r") == 0);
	TC_REQUIRE(portal_wait_heading(tc, CH_RESULTS, TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, "Most endorsed in Technology solutions:", TC_WAIT_MS));
	tc_wait_quiet(tc, 100, 2000);
	snprintf(want, sizeof want, "%lld members answered", (long long)q.respondents);
	TC_CHECK(tc_find(tc, want, NULL) > 0);

	tc_note("by sector and by region, as the store counts them");
	TC_CHECK(store_question_respondents(st, s.question_id, STORE_BY_SECTOR, &cv, &cn) == 0);
	TC_CHECK(cn == 3);
	for (size_t i = 0; i < cn; i++)
		if (!TC_CHECK(ch_section_has(tc_screen(tc), "By sector:", "By region:", cv[i].label,
		    (long)cv[i].count) == 1))
			tc_note("no line \"%s: %lld\" under By sector:", cv[i].label,
				(long long)cv[i].count);
	TC_CHECK(ch_section_lines(tc_screen(tc), "By sector:", "By region:") == (int)cn);
	store_count_list_free(cv, cn);
	TC_CHECK(ch_section_has(tc_screen(tc), "By sector:", "By region:", "Government", 2) == 1);
	TC_CHECK(ch_section_has(tc_screen(tc), "By sector:", "By region:", "Industry", 3) == 1);
	TC_CHECK(ch_section_has(tc_screen(tc), "By sector:", "By region:", "Civil society", 1) == 1);
	cv = NULL;
	TC_CHECK(store_question_respondents(st, s.question_id, STORE_BY_REGION, &cv, &cn) == 0);
	TC_CHECK(cn == 3);
	for (size_t i = 0; i < cn; i++)
		TC_CHECK(ch_section_has(tc_screen(tc), "By region:", "Most endorsed:", cv[i].label,
			(long)cv[i].count) == 1);
	TC_CHECK(ch_section_lines(tc_screen(tc), "By region:", "Most endorsed:") == (int)cn);
	store_count_list_free(cv, cn);
	TC_CHECK(ch_section_has(tc_screen(tc), "By region:", "Most endorsed:", "Europe", 3) == 1);
	TC_CHECK(ch_section_has(tc_screen(tc), "By region:", "Most endorsed:", "Asia", 2) == 1);
	TC_CHECK(ch_section_has(tc_screen(tc), "By region:", "Most endorsed:", "Africa", 1) == 1);

	tc_note("most endorsed, overall and by area");
	check_top(tc, &s, "Most endorsed:", "Most endorsed in ", 0);
	check_top(tc, &s, "Most endorsed in Global response:", "Most endorsed in National response:",
		CH_AREA_BIT(CH_GLOBAL));
	check_top(tc, &s, "Most endorsed in National response:",
		"Most endorsed in Technology solutions:", CH_AREA_BIT(CH_NATIONAL));
	check_top(tc, &s, "Most endorsed in Technology solutions:", NULL,
		CH_AREA_BIT(CH_TECHNOLOGY));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		TC_CHECK(tc_find(tc, names[i], NULL) < 0);
	tc_screen_print(tc_screen(tc), "the results screen (for the log)");

	tc_note("q back to the challenge screen");
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_CHECK(ch_wait_screen(tc));
	tc_close(tc);
	store_question_finish(&q);
	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
