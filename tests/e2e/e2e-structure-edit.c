/*
 * e2e-structure-edit: structure and content, for sysops, driven over SSH.
 * The sysop opens Administration > Structure and content: creates a board (Boards, c, a form;
 * its name carries an escape sequence, stored clean) that then appears in the board list,
 * archives it (a, y) and it disappears; edits the welcome page in the editor and a guest sees
 * the new text; changes the site name (the top line changes) and the registration mode to
 * invite (the guest's "Apply for membership" disappears). A moderator and a member cannot
 * open structure editing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define BOARD "Hotline coordination"
#define EVIL_BOARD BOARD " \033[2J\033]0;x\007"
#define WELCOME_MARK "WELCOMEMARK-4 new text for guests"
#define SITE "Guardians Hub"

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

static int64_t board_by_slug(struct store *st, const char *slug, bool *archived)
{
	struct store_board *v = NULL;
	size_t n = 0;
	int64_t id = 0;

	if (store_board_list_all(st, &v, &n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].slug, slug) == 0) {
			id = v[i].id;
			if (archived)
				*archived = v[i].archived;
			if (strchr(v[i].name, '\033') || strchr(v[i].name, '\007'))
				id = -1;
		}
	store_board_list_free(v, n);
	return id;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct tc *tc;
	char visitor[TC_PATH_MAX];

	tc_fixture_standard(&fx, &u, 150);
	bt_user_add(&fx, "nora", "Nora Berg", "Board", "Government");
	st = bt_store_open(&fx);
	int64_t nora = bt_user_id(st, "nora");
	struct store_user_edit e = { .role = STORE_ROLE_MODERATOR, .status = -1, .verified = -1 };
	TC_REQUIRE(store_admin_user_edit(st, 0, nora, &e) == 0);
	tc_fixture_keygen(&fx, "visitor_key", visitor, sizeof visitor);

	tc_note("a member and a moderator cannot open structure editing");
	tc = bt_login(&fx, "alice", 100, 30);
	TC_CHECK(tc_find(tc, "Administration", NULL) < 0);
	tc_close(tc);
	tc = bt_login(&fx, "nora", 100, 30);
	TC_REQUIRE(portal_list_select(tc, "Administration", 15));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Administration", TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Structure and content", NULL) < 0);
	tc_close(tc);

	tc_note("sysop: Boards, c, a board with a hostile name");
	tc = bt_login(&fx, "sysop", 120, 30);
	TC_REQUIRE(open_structure(tc));
	TC_REQUIRE(portal_list_select(tc, "Boards", 8));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Boards (structure)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "c") == 0);
	TC_REQUIRE(tc_wait_text(tc, "New board", TC_WAIT_MS));
	TC_REQUIRE(tc_wait_text(tc, "Short name:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "hotlines\r") == 0);
	TC_REQUIRE(tc_wait_text(tc, "hotlines", TC_WAIT_MS));
	TC_REQUIRE(bt_paste(tc, EVIL_BOARD, strlen(EVIL_BOARD)) == 0);
	TC_REQUIRE(tc_wait_text(tc, BOARD, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "\rWho answers when\030") == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Boards (structure)", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, BOARD, TC_WAIT_MS));
	bool archived = true;
	int64_t bid = board_by_slug(st, "hotlines", &archived);
	TC_CHECK(bid > 0 && !archived);
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, BOARD, TC_WAIT_MS));

	tc_note("sysop: archive it; it leaves the board list");
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(open_structure(tc));
	TC_REQUIRE(portal_list_select(tc, "Boards", 8));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Boards (structure)", TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, BOARD, 20));
	TC_REQUIRE(tc_send(tc, "a") == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "(y/n)", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "y") == 0);
	TC_CHECK(tc_wait_text(tc, "[archived]", TC_WAIT_MS));
	TC_CHECK(board_by_slug(st, "hotlines", &archived) > 0 && archived);
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, BT_GENERAL, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, BOARD, NULL) < 0);

	tc_note("sysop: welcome page, site name, registration mode");
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_REQUIRE(open_structure(tc));
	TC_REQUIRE(tc_send(tc, "g") == 0);
	TC_REQUIRE(portal_list_select(tc, "Welcome page", 8));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_editor(tc, "Edit the page welcome", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_TAB) == 0);
	TC_REQUIRE(tc_send(tc, "\r" WELCOME_MARK) == 0);
	TC_REQUIRE(tc_wait_text(tc, WELCOME_MARK, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, BT_CTRL_X) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Structure and content", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "g") == 0);
	TC_REQUIRE(portal_list_select(tc, "Site name", 8));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_bottom(tc, "Site name:", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, SITE "\r") == 0);
	TC_CHECK(portal_wait_message(tc, "Site name changed.", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, "Site name: " SITE, TC_WAIT_MS));
	{
		char row0[256];
		tc_row(tc, 0, row0, sizeof row0);
		TC_CHECK(strstr(row0, SITE) != NULL);
	}
	TC_REQUIRE(tc_send(tc, "g") == 0);
	TC_REQUIRE(portal_list_select(tc, "Registration", 8));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Registration mode", TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, "invite:", 4));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_CHECK(tc_wait_text(tc, "Registration: invite", TC_WAIT_MS));
	tc_close(tc);

	tc_note("a guest: the new site name and welcome text, no Apply item");
	tc = tc_login_visitor(&fx, "guest", visitor, "xterm-256color", 100, 30);
	TC_REQUIRE(tc_wait_text(tc, "Log off", TC_WAIT_MS));
	TC_CHECK(tc_wait_text(tc, SITE, TC_WAIT_MS));
	TC_CHECK(tc_find(tc, "Apply for membership", NULL) < 0);
	TC_REQUIRE(portal_list_select(tc, "Welcome", 8));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_CHECK(tc_wait_text(tc, "WELCOMEMARK-4", TC_WAIT_MS));
	tc_close(tc);

	store_close(st);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
