/*
 * e2e-challenge-lib.c: helpers shared by the challenge-question end-to-end tests (see
 * e2e-challenge.h). State goes in and is checked through the store API only (no SQL here);
 * screens are read by text, never by fixed positions beyond the contract; waits are for text,
 * a condition or a quiet channel, never a fixed sleep.
 */
#include "tests/e2e/e2e-challenge.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"
#include "keys/keys.h"

const char *const ch_area_slugs[CH_N_AREAS] = { "global", "national", "technology" };
const char *const ch_area_names[CH_N_AREAS] = {
	"Global response", "National response", "Technology solutions",
};

/* ================================================================ setup */

static void user_add_store(struct tc_fixture *fx, const char *handle, const char *name,
	const char *role, const char *sector, const char *region)
{
	struct store_user u = { 0 };
	char hash[KEYS_PWHASH_LEN];
	struct store *st;
	int rc;

	if (keys_init() != 0)
		tc_fail("keys_init failed");
	rc = keys_password_hash(TC_PASSWORD, strlen(TC_PASSWORD), hash);
	if (rc != 0)
		tc_fail("keys_password_hash: %s", bbs_strerror(rc));
	if (store_role_parse(role, &u.role) != 0)
		tc_fail("bad role %s", role);
	u.handle = (char *)handle;
	u.display_name = (char *)name;
	u.sector = (char *)sector;
	u.region = (char *)region;
	u.status = STORE_STATUS_ACTIVE;
	u.pwhash = hash;
	st = bt_store_open(fx);
	rc = store_user_add(st, &u, NULL);
	store_close(st);
	if (rc != 0)
		tc_fail("store_user_add %s: %s", handle, bbs_strerror(rc));
}

void ch_user_add(struct tc_fixture *fx, const char *handle, const char *name, const char *role,
	const char *sector, const char *region)
{
	static bool noted;
	char *argv[20];
	char out[4096];
	int i = 0, rc;

	argv[i++] = fx->bbsctl;
	argv[i++] = "-d";
	argv[i++] = fx->dir;
	argv[i++] = "user";
	argv[i++] = "add";
	argv[i++] = (char *)handle;
	argv[i++] = "--role";
	argv[i++] = (char *)role;
	argv[i++] = "--password-stdin";
	argv[i++] = "--name";
	argv[i++] = (char *)name;
	argv[i++] = "--sector";
	argv[i++] = (char *)sector;
	argv[i++] = "--region";
	argv[i++] = (char *)region;
	argv[i] = NULL;
	rc = tc_run(argv, TC_PASSWORD "\n", out, sizeof out, 60000);
	if (rc == 0)
		return;
	/* bbsctl refuses options it does not know before it adds anything (status 2). */
	if (!noted) {
		tc_note("bbsctl user add --region not available (status %d: %.200s); adding users "
			"through store_user_add", rc, out);
		noted = true;
	}
	user_add_store(fx, handle, name, role, sector, region);
}

int64_t ch_question_id(struct store *st)
{
	struct store_question q = { 0 };
	int64_t id;
	int rc = store_question_current(st, &q);

	if (rc != 0)
		tc_fail("store_question_current: %s", bbs_strerror(rc));
	id = q.id;
	store_question_finish(&q);
	return id;
}

void ch_area_ids(struct store *st, int64_t ids[CH_N_AREAS])
{
	struct store_area *v = NULL;
	size_t n = 0;
	int rc = store_area_list(st, &v, &n);

	if (rc != 0)
		tc_fail("store_area_list: %s", bbs_strerror(rc));
	for (int a = 0; a < CH_N_AREAS; a++) {
		ids[a] = 0;
		for (size_t i = 0; i < n; i++)
			if (v[i].slug && strcmp(v[i].slug, ch_area_slugs[a]) == 0)
				ids[a] = v[i].id;
	}
	store_area_list_free(v, n);
	for (int a = 0; a < CH_N_AREAS; a++)
		if (ids[a] == 0)
			tc_fail("no focus area %s in the seed", ch_area_slugs[a]);
}

int64_t ch_submit(struct store *st, int64_t question_id, int64_t author, const char *title,
	const char *body, unsigned mask)
{
	int64_t ids[CH_N_AREAS], areas[CH_N_AREAS], id = 0;
	size_t n = 0;
	int rc;

	ch_area_ids(st, ids);
	for (int a = 0; a < CH_N_AREAS; a++)
		if (mask & CH_AREA_BIT(a))
			areas[n++] = ids[a];
	rc = store_challenge_submit(st, question_id, author, title, body, areas, n, NULL, &id);
	if (rc != 0)
		tc_fail("store_challenge_submit \"%s\": %s", title, bbs_strerror(rc));
	return id;
}

void ch_endorse(struct store *st, int64_t id, int64_t user)
{
	int rc = store_challenge_endorse(st, id, user, true);

	if (rc != 0)
		tc_fail("store_challenge_endorse %lld by %lld: %s", (long long)id, (long long)user,
			bbs_strerror(rc));
}

void ch_get(struct store *st, int64_t viewer, int64_t id, struct store_challenge *out)
{
	int rc = store_challenge_get(st, viewer, id, out);

	if (rc != 0)
		tc_fail("store_challenge_get %lld: %s", (long long)id, bbs_strerror(rc));
}

size_t ch_list(struct store *st, int64_t viewer, int64_t question_id,
	enum store_challenge_order order, struct store_challenge **v, bool *reveal_pending)
{
	bool pending = false;
	size_t n = 0;
	int rc = store_challenge_list(st, viewer, question_id, order, 0, 0, 0, 1000, v, &n,
		&pending);

	if (rc != 0)
		tc_fail("store_challenge_list: %s", bbs_strerror(rc));
	if (reveal_pending)
		*reveal_pending = pending;
	return n;
}

void ch_question_set(struct store *st, int64_t actor, int64_t question_id, int64_t opens,
	int64_t closes, bool reveal)
{
	struct store_question q = { 0 };
	int rc = store_question_get(st, question_id, &q);

	if (rc != 0)
		tc_fail("store_question_get: %s", bbs_strerror(rc));
	rc = store_question_update(st, actor, question_id, q.text, q.intro ? q.intro : "", opens,
		closes, reveal);
	store_question_finish(&q);
	if (rc != 0)
		tc_fail("store_question_update: %s", bbs_strerror(rc));
}

size_t ch_modlog_count(struct store *st)
{
	struct store_modlog *v = NULL;
	size_t n = 0;
	int rc = store_modlog_list(st, 0, 1000, &v, &n);

	if (rc != 0)
		tc_fail("store_modlog_list: %s", bbs_strerror(rc));
	store_modlog_list_free(v, n);
	return n;
}

void ch_date(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(buf, n, "%Y-%m-%d", &tm) == 0)
		tc_fail("cannot format time %lld", (long long)t);
}

bool ch_wait_cond(struct tc *tc, bool (*cond)(void *arg), void *arg, const char *what, int ms)
{
	int64_t deadline = tc_now_ms() + ms;

	for (;;) {
		if (cond(arg))
			return true;
		if (tc_now_ms() >= deadline)
			break;
		/* Reads the client's channel for at most 50 ms: a bounded poll, not a sleep. */
		if (tc_pump(tc, 50) < 0 && !cond(arg))
			break;
	}
	fprintf(stderr, "wait for %s failed after %d ms\n", what, ms);
	tc_screen_print(tc_screen(tc), what);
	return false;
}

bool ch_profile_is(struct store *st, const char *handle, const char *sector, const char *region)
{
	struct store_user *u = NULL;
	bool ok;

	if (store_user_get(st, handle, &u) != 0)
		return false;
	ok = u->sector && strcmp(u->sector, sector) == 0 && u->region &&
		strcmp(u->region, region) == 0;
	if (!ok)
		tc_note("%s: stored sector \"%s\" region \"%s\", expected \"%s\" \"%s\"", handle,
			u->sector ? u->sector : "(null)", u->region ? u->region : "(null)", sector,
			region);
	store_user_free(u);
	return ok;
}

struct store *ch_sample_setup(struct tc_fixture *fx, struct ch_sample *s)
{
	struct store *st;

	static const struct {
		const char *handle, *name, *sector, *region;
	} users[7] = {
		{ "ada", "Ada Brown", "Government", "Europe" },
		{ "bo", "Bo Chen", "Industry", "Asia" },
		{ "cy", "Cy Hart", "Industry", "Europe" },
		{ "dee", "Dee Obi", "Civil society", "Africa" },
		{ "eli", "Eli Park", "Government", "Asia" },
		{ "fay", "Fay Moss", "Industry", "Europe" },
		{ "gus", "Gus Vale", "Civil society", "Africa" },
	};
	static const char *const titles[CH_SAMPLE_N] = {
		"Cross-border data requests take months",
		"Small apps have no trust and safety team",
		"No shared definition of grooming",
		"Police units lack digital forensics",
		"Safety tools are not open source",
		"Funding cycles are too short",
	};
	static const unsigned areas[CH_SAMPLE_N] = {
		CH_AREA_BIT(CH_GLOBAL),
		CH_AREA_BIT(CH_TECHNOLOGY),
		CH_AREA_BIT(CH_GLOBAL) | CH_AREA_BIT(CH_NATIONAL),
		CH_AREA_BIT(CH_NATIONAL),
		CH_AREA_BIT(CH_TECHNOLOGY),
		CH_AREA_BIT(CH_GLOBAL),
	};
	int64_t uid[7];

	memset(s, 0, sizeof *s);
	for (int i = 0; i < 7; i++)
		ch_user_add(fx, users[i].handle, users[i].name, "member", users[i].sector,
			users[i].region);
	st = bt_store_open(fx);   /* only now: see ch_user_add */
	for (int i = 0; i < 7; i++) {
		uid[i] = bt_user_id(st, users[i].handle);
		TC_CHECK(ch_profile_is(st, users[i].handle, users[i].sector, users[i].region));
	}
	s->question_id = ch_question_id(st);
	s->viewer = uid[6];
	for (int c = 0; c < CH_SAMPLE_N; c++) {
		char body[128];

		snprintf(body, sizeof body, "Why this matters, part %d.", c + 1);
		s->titles[c] = titles[c];
		s->areas[c] = areas[c];
		s->counts[c] = CH_SAMPLE_N - c;
		s->ids[c] = ch_submit(st, s->question_id, uid[c], titles[c], body, areas[c]);
	}
	/* Challenge c gets 6 - c endorsements from the first members other than its author. */
	for (int c = 0; c < CH_SAMPLE_N; c++) {
		long given = 0;

		for (int m = 0; m < 7 && given < s->counts[c]; m++) {
			if (m == c)
				continue;
			ch_endorse(st, s->ids[c], uid[m]);
			given++;
		}
	}
	return st;
}

/* ================================================================ screens */

bool ch_wait_screen(struct tc *tc)
{
	return portal_wait_heading(tc, CH_HEADING, TC_WAIT_MS);
}

bool ch_open(struct tc *tc)
{
	if (!portal_wait_menu(tc, TC_WAIT_MS) || tc_send(tc, CH_MENU_KEY) != 0)
		return false;
	return ch_wait_screen(tc);
}

/* Parses "N endorsement(s)" in s: the number before the word, or -1. */
static long parse_count(const char *s)
{
	const char *p = strstr(s, " endorsement");
	const char *q;

	if (!p || p == s)
		return -1;
	q = p;
	while (q > s && isdigit((unsigned char)q[-1]))
		q--;
	if (q == p)
		return -1;
	return strtol(q, NULL, 10);
}

int ch_row(const struct tc_screen *sc, const char *text, long *count, bool *plus)
{
	char buf[2048];
	int rows, col;

	if (count)
		*count = -1;
	if (plus)
		*plus = false;
	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++) {
		col = tc_screen_find_in_row(sc, r, text);
		if (col < 0)
			continue;
		tc_screen_row(sc, r, buf, sizeof buf);
		if (count)
			*count = parse_count(buf);
		if (plus) {
			/* A "+" cell left of the title, standing alone (not part of a word). */
			for (int c = 0; c < col; c++) {
				struct tc_cell cell, prev, next;

				if (!tc_screen_cell(sc, r, c, &cell) || strcmp(cell.text, "+") != 0)
					continue;
				if ((c == 0 || (tc_screen_cell(sc, r, c - 1, &prev) &&
				    (prev.text[0] == '\0' || strcmp(prev.text, " ") == 0 ||
				    strcmp(prev.text, ">") == 0))) &&
				    tc_screen_cell(sc, r, c + 1, &next) &&
				    (next.text[0] == '\0' || strcmp(next.text, " ") == 0))
					*plus = true;
			}
		}
		return r;
	}
	return -1;
}

struct row_want {
	const char *text;
	long count;
	bool plus;
};

static bool row_is(const struct tc_screen *sc, void *arg)
{
	const struct row_want *w = arg;
	long count;
	bool plus;

	return ch_row(sc, w->text, &count, &plus) > 0 && count == w->count && plus == w->plus;
}

bool ch_wait_row(struct tc *tc, const char *text, long count, bool plus, int ms)
{
	struct row_want w = { text, count, plus };
	char what[512];
	bool ok;

	snprintf(what, sizeof what, "row \"%s\" with %ld endorsement(s) and %s\"+\"", text, count,
		plus ? "" : "no ");
	ok = tc_wait_pred(tc, row_is, &w, what, ms);
	if (ok)
		tc_wait_quiet(tc, 50, 1000);
	return ok && row_is(tc_screen(tc), &w);
}

bool ch_select(struct tc *tc, const char *text)
{
	static const char *const keys[2] = { TC_KEY_DOWN, TC_KEY_UP };
	char what[512];

	snprintf(what, sizeof what, "list selection on \"%s\"", text);
	tc_wait_quiet(tc, 50, 1000);
	for (int dir = 0; dir < 2; dir++) {
		for (int i = 0; i < 40; i++) {
			char *before;
			int from;
			bool same;

			if (portal_list_is_selected(tc_screen(tc), text))
				return true;
			from = portal_list_selected_row(tc_screen(tc));
			before = tc_screen_text(tc_screen(tc));
			if (tc_send(tc, keys[dir]) != 0) {
				free(before);
				return false;
			}
			/* The redraw after the key (or none at the end of the list). */
			tc_wait_quiet(tc, 150, 3000);
			{
				char *after = tc_screen_text(tc_screen(tc));

				same = strcmp(before, after) == 0 &&
					portal_list_selected_row(tc_screen(tc)) == from;
				free(after);
			}
			free(before);
			if (same)
				break;   /* the end of the list this way: try the other */
		}
	}
	if (portal_list_is_selected(tc_screen(tc), text))
		return true;
	fprintf(stderr, "no selection on \"%s\" after moving down and up\n", text);
	tc_screen_print(tc_screen(tc), what);
	return false;
}

bool ch_open_detail(struct tc *tc, const char *title, int64_t id)
{
	char prefix[BT_LIST_PREFIX + 1], heading[64];

	bbs_strlcpy(prefix, title, sizeof prefix);
	snprintf(heading, sizeof heading, "Challenge #%lld", (long long)id);
	return ch_select(tc, prefix) && tc_send(tc, TC_KEY_ENTER) == 0 &&
		portal_wait_heading(tc, heading, TC_WAIT_MS);
}

/* ---------------------------------------------------------------- area chooser */

static int area_row(const struct tc_screen *sc, int a, int *col)
{
	int rows;

	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++) {
		*col = tc_screen_find_in_row(sc, r, ch_area_names[a]);
		if (*col >= 0 && tc_screen_find_in_row(sc, r, "[") >= 0)
			return r;
	}
	return -1;
}

/* 1 checked, 0 unchecked, -1 no checkbox row for the area. */
static int box_state(const struct tc_screen *sc, int a)
{
	int col, r = area_row(sc, a, &col);

	if (r < 0)
		return -1;
	if (tc_screen_find_in_row(sc, r, "[x]") >= 0 || tc_screen_find_in_row(sc, r, "[X]") >= 0)
		return 1;
	if (tc_screen_find_in_row(sc, r, "[ ]") >= 0)
		return 0;
	return -1;
}

/* The area row the chooser's cursor is on: '>' in the first columns or reverse video. */
static int chooser_cursor(const struct tc_screen *sc)
{
	int found = -1;

	for (int a = 0; a < CH_N_AREAS; a++) {
		struct tc_cell cell;
		int col, cols, r = area_row(sc, a, &col);
		bool on = false;

		if (r < 0)
			return -1;
		tc_screen_size(sc, &cols, NULL);
		for (int c = 0; c < cols && !on; c++)
			on = tc_screen_cell(sc, r, c, &cell) &&
				(cell.reverse || (c < 3 && strcmp(cell.text, ">") == 0));
		if (on) {
			if (found >= 0)
				return -1;
			found = a;
		}
	}
	return found;
}

static bool cursor_on(const struct tc_screen *sc, void *arg)
{
	return chooser_cursor(sc) == *(int *)arg;
}

struct box_want {
	int area;
	int state;
};

static bool box_is(const struct tc_screen *sc, void *arg)
{
	const struct box_want *w = arg;

	return box_state(sc, w->area) == w->state;
}

bool ch_choose_areas(struct tc *tc, unsigned mask)
{
	struct tc_screen *sc = tc_screen(tc);

	if (!tc_wait_text(tc, CH_AREAS, TC_WAIT_MS))
		return false;
	tc_wait_quiet(tc, 50, 1000);
	for (int a = 0; a < CH_N_AREAS; a++) {
		int want = (mask & CH_AREA_BIT(a)) != 0, cur;

		if (box_state(sc, a) < 0) {
			fprintf(stderr, "no \"[x]\"/\"[ ]\" checkbox on the row of %s\n",
				ch_area_names[a]);
			tc_screen_print(sc, "area chooser");
			return false;
		}
		if (box_state(sc, a) == want)
			continue;
		cur = chooser_cursor(sc);
		if (cur < 0) {
			fprintf(stderr, "cannot see the area chooser's cursor (\">\" or reverse video)\n");
			tc_screen_print(sc, "area chooser");
			return false;
		}
		while (cur != a) {
			int next = cur < a ? cur + 1 : cur - 1;

			if (tc_send(tc, cur < a ? TC_KEY_DOWN : TC_KEY_UP) != 0 ||
			    !tc_wait_pred(tc, cursor_on, &next, "the chooser's cursor to move",
			    TC_WAIT_MS))
				return false;
			cur = next;
		}
		{
			struct box_want w = { a, want };

			if (tc_send(tc, " ") != 0 ||
			    !tc_wait_pred(tc, box_is, &w, "the checkbox to toggle", TC_WAIT_MS))
				return false;
		}
	}
	return true;
}

static bool editor_ready(const struct tc_screen *sc, void *arg)
{
	int rows;

	(void)arg;
	tc_screen_size(sc, NULL, &rows);
	return tc_screen_find_in_row(sc, rows - 1, PORTAL_EDITOR_HINT) >= 0 &&
		tc_screen_find(sc, "Title:", NULL) >= 0;
}

bool ch_submit_ui(struct tc *tc, const char *title, const char *body, unsigned mask)
{
	char prefix[BT_LIST_PREFIX + 1], first[41];
	const char *nl;

	bbs_strlcpy(prefix, title, sizeof prefix);
	/* The first line of the body (at most 40 bytes) shows in the editor once typed. */
	nl = strchr(body, '\n');
	bbs_strlcpy(first, body, nl && (size_t)(nl - body) < sizeof first ?
		(size_t)(nl - body) + 1 : sizeof first);
	if (tc_send(tc, "a") != 0 ||
	    !tc_wait_pred(tc, editor_ready, NULL, "the challenge editor (Title: and ^X send)",
	    TC_WAIT_MS))
		return false;
	tc_wait_quiet(tc, 50, 1000);
	if (tc_send(tc, title) != 0 || !tc_wait_text(tc, prefix, TC_WAIT_MS))
		return false;
	if (tc_send(tc, BT_TAB) != 0)
		return false;
	for (const char *p = body; *p; p++) {
		char c[2] = { *p == '\n' ? '\r' : *p, '\0' };

		if (tc_send(tc, c) != 0)
			return false;
	}
	if (!tc_wait_text(tc, first, TC_WAIT_MS) || tc_send(tc, BT_CTRL_X) != 0)
		return false;
	if (!ch_choose_areas(tc, mask) || tc_send(tc, TC_KEY_ENTER) != 0)
		return false;
	return portal_wait_message(tc, CH_SUBMITTED, TC_WAIT_MS) && ch_wait_screen(tc) &&
		tc_wait_text(tc, prefix, TC_WAIT_MS);
}

/* ---------------------------------------------------------------- sections */

static bool section_bounds(const struct tc_screen *sc, const char *from, const char *to,
	int *start, int *end)
{
	int rows;

	tc_screen_size(sc, NULL, &rows);
	*start = -1;
	*end = rows - 1;   /* the hints row ends every section */
	for (int r = 1; r < rows - 1; r++) {
		if (*start < 0) {
			if (tc_screen_find_in_row(sc, r, from) >= 0)
				*start = r;
		} else if (to && tc_screen_find_in_row(sc, r, to) >= 0) {
			*end = r;
			break;
		}
	}
	return *start >= 0;
}

/* "label: N" after leading blanks, exactly. */
static bool line_is(const char *line, const char *label, long count)
{
	char want[512];

	while (*line == ' ')
		line++;
	snprintf(want, sizeof want, "%s: %ld", label, count);
	return strcmp(line, want) == 0;
}

int ch_section_has(const struct tc_screen *sc, const char *from, const char *to,
	const char *label, long count)
{
	char buf[2048];
	int start, end;

	if (!section_bounds(sc, from, to, &start, &end))
		return -1;
	for (int r = start + 1; r < end; r++)
		if (line_is(tc_screen_row(sc, r, buf, sizeof buf), label, count))
			return 1;
	return 0;
}

int ch_section_lines(const struct tc_screen *sc, const char *from, const char *to)
{
	char buf[2048];
	int start, end, n = 0;

	if (!section_bounds(sc, from, to, &start, &end))
		return -1;
	for (int r = start + 1; r < end; r++) {
		const char *p = tc_screen_row(sc, r, buf, sizeof buf), *colon;

		while (*p == ' ')
			p++;
		colon = strrchr(p, ':');
		if (colon && colon > p && colon[1] == ' ' && isdigit((unsigned char)colon[2]))
			n++;
	}
	return n;
}

int ch_section_row(const struct tc_screen *sc, const char *from, const char *to,
	const char *text)
{
	int start, end;

	if (!section_bounds(sc, from, to, &start, &end))
		return -1;
	for (int r = start + 1; r < end; r++)
		if (tc_screen_find_in_row(sc, r, text) >= 0)
			return r;
	return -1;
}
