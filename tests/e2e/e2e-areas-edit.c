/*
 * e2e-areas-edit: focus areas in Administration > Structure and content (ui/admin-structure.c),
 * driven over SSH. A member has no Administration; a moderator's Administration has no
 * "Structure and content". The sysop opens Focus areas, c: a 400-byte name pasted is refused
 * ("Paste too long"), a name with escape sequences and C0 controls is pasted and stored clean
 * (store_area_list_all); the new area is last, K twice moves it to second place (screen and
 * store), once more to the top, J back; K on the first area (and on the first board) says
 * "It cannot move further". alice (member) then sees the new order on her main menu.
 * Never sleeps a fixed time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define AREA "Health care response"
#define EVIL_AREA AREA " \033[2J\033]0;x\007\001\t end"
#define SLUG "health"
#define FIRST "Global response"
#define SECOND "National response"

static bool open_structure(struct tc *tc)
{
	if (!portal_list_select(tc, "Administration", 15))
		return false;
	if (tc_send(tc, TC_KEY_ENTER) != 0 || !portal_wait_heading(tc, "Administration", TC_WAIT_MS))
		return false;
	if (!portal_list_select(tc, "Structure and content", 8) || tc_send(tc, TC_KEY_ENTER) != 0)
		return false;
	return portal_wait_heading(tc, "Structure and content", TC_WAIT_MS);
}

/* Position (0-based, menu order) of the area with slug, or -1; *clean false when its name
 * holds a control character. */
static int area_pos(struct store *st, const char *slug, bool *clean, size_t *name_len)
{
	struct store_area *v = NULL;
	size_t n = 0;
	int pos = -1;

	if (store_area_list_all(st, &v, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].slug, slug) == 0) {
			pos = (int)i;
			if (clean) {
				*clean = true;
				for (const unsigned char *p = (const unsigned char *)v[i].name; *p; p++)
					if (*p < 0x20 || *p == 0x7f)
						*clean = false;
			}
			if (name_len)
				*name_len = strlen(v[i].name);
		}
	store_area_list_free(v, n);
	return pos;
}

static bool wait_pos(struct tc *tc, struct store *st, const char *slug, int want)
{
	for (int i = 0; i < 100; i++) {
		if (area_pos(st, slug, NULL, NULL) == want)
			return true;
		tc_wait_quiet(tc, 50, 100);
	}
	return false;
}

/* Rows of three texts on screen in this order, top to bottom. */
static bool rows_in_order(struct tc *tc, const char *a, const char *b, const char *c)
{
	char row[512];
	int ra = -1, rb = -1, rc = -1;

	for (int i = 0; i < 100; i++) {
		if (bt_row_with(tc, a, row, sizeof row, &ra) && bt_row_with(tc, b, row, sizeof row, &rb) &&
		    bt_row_with(tc, c, row, sizeof row, &rc) && ra > 0 && rb > ra && rc > rb)
			return true;
		tc_wait_quiet(tc, 50, 100);
	}
	tc_screen_print(tc_screen(tc), "order");
	return false;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	char longname[401];

	tc_fixture_standard(&fx, &u, 150);
	bt_user_add(&fx, "nora", "Nora Berg", "Board", "Government");
	st = bt_store_open(&fx);
	int64_t nora = bt_user_id(st, "nora");
	struct store_user_edit e = { .role = STORE_ROLE_MODERATOR, .status = -1, .verified = -1 };
	TC_REQUIRE(store_admin_user_edit(st, 0, nora, &e) == 0);
	memset(longname, 'L', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';

	tc_note("a member has no Administration; a moderator has no structure editing");
	tc = bt_login(&fx, "alice", 100, 30);
	TC_CHECK(tc_find(tc, PORTAL_ADMIN, NULL) < 0);
	tc_close(tc);
	tc = bt_login(&fx, "nora", 100, 30);
	TC_REQUIRE(portal_list_select(tc, PORTAL_ADMIN, 15));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_ADMIN, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Structure and content", NULL) < 0);
	TC_CHECK(tc_find(tc, "Focus areas", NULL) < 0);
	tc_close(tc);

	tc_note("sysop: Focus areas, c, an over-long then a hostile name");
	tc = bt_login(&fx, "sysop", 120, 30);
	TC_REQUIRE(open_structure(tc));
	TC_REQUIRE(portal_list_select(tc, "Focus areas", 8));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Focus areas (structure)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_REQUIRE(tc_wait_text(tc, "New focus area", TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, "Short name:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, SLUG "\r") == 0);
	TC_REQUIRE(tc_wait_text(tc, SLUG, TC_WAIT_MS));
	TC_REQUIRE(bt_paste(tc, longname, strlen(longname)) == 0);
	TC_CHECK(portal_wait_message(tc, "Paste too long", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "LLLLLLLL", NULL) < 0);
	TC_REQUIRE(bt_paste(tc, EVIL_AREA, strlen(EVIL_AREA)) == 0);
	TC_REQUIRE(tc_wait_text(tc, AREA, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\rCare workers\030") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Focus areas (structure)", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, AREA, TC_WAIT_MS));
	bool clean = false;
	size_t len = 0;
	TC_CHECK(area_pos(st, SLUG, &clean, &len) == 3);   /* after the three standard ones */
	TC_CHECK(clean && len > 0 && len <= STORE_FIELD_MAX);
	{
		struct tc_screen_events ev;
		tc_screen_events(tc_screen(tc), &ev);
		TC_CHECK(ev.oscs == 0);
	}

	tc_note("sysop: K twice moves it to second place; K on the first cannot move");
	TC_REQUIRE(portal_list_select(tc, AREA, 8));
	TC_REQUIRE(tc_send(tc, "K") == 0);
	TC_CHECK(wait_pos(tc, st, SLUG, 2));
	(void)tc_wait_quiet(tc, 100, 2000);
	TC_CHECK(portal_list_is_selected(tc_screen(tc), AREA));   /* the selection follows it */
	TC_REQUIRE(tc_send(tc, "K") == 0);
	TC_CHECK(wait_pos(tc, st, SLUG, 1));
	TC_CHECK(rows_in_order(tc, FIRST, AREA, SECOND));
	TC_REQUIRE(tc_send(tc, "K") == 0);
	TC_CHECK(wait_pos(tc, st, SLUG, 0));
	TC_REQUIRE(tc_send(tc, "J") == 0);   /* and back down one */
	TC_CHECK(wait_pos(tc, st, SLUG, 1));
	TC_CHECK(rows_in_order(tc, FIRST, AREA, SECOND));
	TC_REQUIRE(tc_send(tc, "k") == 0);
	for (int i = 0; i < 100 && !portal_list_is_selected(tc_screen(tc), FIRST); i++)
		tc_wait_quiet(tc, 50, 100);
	TC_REQUIRE(portal_list_is_selected(tc_screen(tc), FIRST));
	TC_REQUIRE(tc_send(tc, "K") == 0);
	TC_CHECK(portal_wait_message(tc, "It cannot move further", TC_WAIT_MS));
	TC_CHECK(area_pos(st, SLUG, NULL, NULL) == 1);
	tc_note("sysop: K on the first board of the Boards list cannot move either");
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Structure and content", TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, "Boards", 8));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Boards (structure)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "K") == 0);   /* the first row: the first general board */
	TC_CHECK(portal_wait_message(tc, "It cannot move further", TC_WAIT_MS));
	tc_close(tc);

	tc_note("alice's main menu shows the new order");
	tc = bt_login(&fx, "alice", 100, 30);
	TC_CHECK(rows_in_order(tc, FIRST, AREA, SECOND));
	TC_CHECK(rows_in_order(tc, AREA, SECOND, PORTAL_BOARDS));
	tc_close(tc);

	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
