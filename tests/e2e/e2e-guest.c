/*
 * e2e-guest: a first-time visitor, `ssh guest@host` (issue 5). A guest logs in by
 * keyboard-interactive with no prompt at all (no password) or by public key with any key;
 * "none" and password are denied. The guest reaches the public menu (Welcome, the three
 * focus areas, the challenge question's text, Who we are, Apply for membership, Log off) and
 * every public page; every key that opens members' content on member screens is tried on
 * every guest screen, and the rendered screen is checked at every step for the boards, a
 * discussion, its post and a challenge put in beforehand through the store API. An exec
 * request from a guest is refused with exit 1. Logging in as guest with alice's key gives the
 * guest menu, never alice's; alice's password as guest is refused. With guest_access "off"
 * every method is refused. `bbsctl user add guest` and a store row named "guest" are refused.
 * (e2e-access-visitors covers the visitor logins in more depth.)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "common/common.h"
#include "store/store.h"
#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define SECRET_THREAD "Secretthreadtitle guestcheck"
#define SECRET_POST "Secretpostbody guestcheck"
#define SECRET_CHALLENGE "Secretchallengetitle guestcheck"
#define SECRET_CHALLENGE_BODY "Secretchallengebody guestcheck"
#define MEMBERS_ANSWER "Members answer this question after logging in."
#define QUESTION_START "What is stopping us"

#define N_GUEST_ITEMS 8   /* with "Apply for membership" (registration OPEN, the default) */
#define MAX_BOARDS 32

static const char *guest_items[N_GUEST_ITEMS];
static char area_names[3][128];
static char board_names[MAX_BOARDS][128];
static size_t n_boards;

/* Texts a guest must never see: what members wrote, the boards, member-only screens. */
static bool leaks(const struct tc_screen *sc, char *what, size_t n)
{
	static const char *const never[] = {
		SECRET_THREAD, SECRET_POST, SECRET_CHALLENGE, SECRET_CHALLENGE_BODY,
		"guestcheck", "Discussion boards", "Search:", "next unread", "unread",
		"^X send", "Boards:", "No unread posts", "No posts match",
		"unsent draft", "members answered",
	};
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
		if (tc_screen_find(sc, never[i], NULL) >= 0) {
			bbs_strlcpy(what, never[i], n);
			return true;
		}
	}
	for (size_t i = 0; i < n_boards; i++) {
		if (tc_screen_find(sc, board_names[i], NULL) >= 0) {
			bbs_strlcpy(what, board_names[i], n);
			return true;
		}
	}
	return false;
}

static void check_no_leak(struct tc *tc, const char *step)
{
	char what[160];
	if (!TC_CHECK(!leaks(tc_screen(tc), what, sizeof what))) {
		tc_note("%s: the guest sees \"%s\"", step, what);
		tc_screen_print(tc_screen(tc), step);
	}
}

static bool guest_menu_ready(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	if (tc_screen_find(sc, PORTAL_MENU, NULL) < 0)
		return false;
	for (int i = 0; i < N_GUEST_ITEMS; i++)
		if (tc_screen_find(sc, guest_items[i], NULL) < 0)
			return false;
	return true;
}

static bool wait_guest_menu(struct tc *tc)
{
	return tc_wait_pred(tc, guest_menu_ready, NULL, "the guest menu", TC_WAIT_MS);
}

/* The selected guest item: '>' left of its name and the name in reverse video; -1 if none
 * or more than one. */
static int guest_selected(const struct tc_screen *sc)
{
	int rows, found = -1;

	tc_screen_size(sc, NULL, &rows);
	for (int i = 0; i < N_GUEST_ITEMS; i++) {
		for (int r = 1; r < rows - 1; r++) {
			int col = tc_screen_find_in_row(sc, r, guest_items[i]);
			struct tc_cell cell;
			bool marker = false;
			if (col < 0)
				continue;
			for (int c = 0; c < col && !marker; c++)
				marker = tc_screen_cell(sc, r, c, &cell) && strcmp(cell.text, ">") == 0;
			if (marker && tc_screen_cell(sc, r, col, &cell) && cell.reverse) {
				if (found >= 0)
					return -1;
				found = i;
			}
			break;
		}
	}
	return found;
}

static bool selected_is(const struct tc_screen *sc, void *arg)
{
	return guest_menu_ready(sc, NULL) && guest_selected(sc) == *(int *)arg;
}

/* Moves the selection one key at a time, each step confirmed on screen. */
static bool guest_move_to(struct tc *tc, int item)
{
	if (!wait_guest_menu(tc))
		return false;
	int cur = guest_selected(tc_screen(tc));
	while (cur != item) {
		int next = cur < item ? cur + 1 : cur - 1;
		if (cur < 0 || tc_send(tc, cur < item ? TC_KEY_DOWN : TC_KEY_UP) != 0 ||
		    !tc_wait_pred(tc, selected_is, &next, "guest selection", TC_WAIT_MS))
			return false;
		cur = next;
	}
	return true;
}

/* Sends key, lets the screen settle, checks nothing leaked. */
static void probe(struct tc *tc, const char *key, const char *where)
{
	char step[160];
	(void)snprintf(step, sizeof step, "%s, key 0x%02x", where, (unsigned char)key[0]);
	TC_REQUIRE(tc_send(tc, key) == 0);
	(void)tc_wait_quiet(tc, 80, 3000);
	check_no_leak(tc, step);
}

/* Keys that open members' content on member screens (n next unread, / search, b boards,
 * c/r/a/e/M/m/... on boards and challenges, ^X send, digits beyond the menu). q, Esc and
 * Enter are left out: they navigate and are checked on their own. */
static const char *const member_keys[] = {
	"n", "/", "b", "c", "r", "R", "a", "e", "M", "m", "N", "s", "d", "w", "A", "H", "U", "P",
	"Q", "o", "f", "x", "D", "E", "t", "\x18", "9", "0",   /* 8 is "Log off" */
};
#define N_MEMBER_KEYS (sizeof member_keys / sizeof member_keys[0])

static void probe_all(struct tc *tc, const char *where)
{
	for (size_t i = 0; i < N_MEMBER_KEYS; i++)
		probe(tc, member_keys[i], where);
}

/* Opens item (digit or Enter after moving), probes every key there, goes back. */
static void visit(struct tc *tc, int item, bool with_enter)
{
	char key[2] = { (char)('1' + item), '\0' };
	tc_note("guest opens \"%s\" with %s", guest_items[item], with_enter ? "Enter" : key);
	if (with_enter) {
		TC_REQUIRE(guest_move_to(tc, item));
		TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	} else {
		TC_REQUIRE(tc_send(tc, key) == 0);
	}
	TC_REQUIRE(portal_wait_page(tc, guest_items[item], TC_WAIT_MS));
	TC_CHECK(portal_top_line(tc_screen(tc), "guest"));
	check_no_leak(tc, guest_items[item]);
	if (item == 4) {
		TC_CHECK(tc_wait_text(tc, QUESTION_START, TC_WAIT_MS));
		TC_CHECK(tc_wait_text(tc, MEMBERS_ANSWER, TC_WAIT_MS));
		TC_CHECK(tc_find(tc, "challenges", NULL) < 0);
	}
	/* Every key on every page once (the digit visits); the Enter visits check the page. */
	if (!with_enter)
		probe_all(tc, guest_items[item]);
	/* Enter scrolls a page; it opens nothing. */
	probe(tc, TC_KEY_ENTER, guest_items[item]);
	/* Help for this page lists no member key. */
	probe(tc, "?", guest_items[item]);
	TC_CHECK(tc_find(tc, "boards", NULL) < 0);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	(void)tc_wait_quiet(tc, 150, 3000);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(wait_guest_menu(tc));
	check_no_leak(tc, "back on the menu");
}

/* from: a source address of its own for each login meant to fail, so that bbsd's per-source
 * penalties for failed logins do not refuse the next connection. */
static struct tc *connect_guest(struct tc_fixture *fx, const char *from)
{
	char err[512];
	struct tc *tc = tc_connect(fx, "guest", from, NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect as guest: %s", err);
	return tc;
}

/* Seeds members' content through the store API and fills in the names the test looks for. */
static void seed(struct store *st)
{
	struct store_user *alice = NULL;
	struct store_area *areas = NULL;
	struct store_board *boards = NULL;
	struct store_question q = { 0 };
	size_t na = 0, nb = 0;
	int64_t thread = 0, post = 0, challenge = 0;

	TC_REQUIRE(store_user_get(st, "alice", &alice) == 0);
	TC_REQUIRE(store_area_list(st, &areas, &na) == 0 && na == 3);
	for (size_t i = 0; i < na; i++)
		bbs_strlcpy(area_names[i], areas[i].name, sizeof area_names[i]);
	TC_REQUIRE(store_board_list(st, alice->id, -1, &boards, &nb) == 0 && nb > 0);
	for (size_t i = 0; i < nb && i < MAX_BOARDS; i++)
		bbs_strlcpy(board_names[n_boards++], boards[i].name, sizeof board_names[0]);
	TC_REQUIRE(store_thread_create(st, boards[0].id, alice->id, SECRET_THREAD, SECRET_POST,
		NULL, &thread, &post) == 0);
	TC_REQUIRE(store_question_current(st, &q) == 0);
	TC_REQUIRE(store_challenge_submit(st, q.id, alice->id, SECRET_CHALLENGE,
		SECRET_CHALLENGE_BODY, &areas[0].id, 1, NULL, &challenge) == 0);

	/* No member may be called "guest": the store refuses the handle. */
	struct store_user g = { .handle = "guest", .role = STORE_ROLE_SYSOP,
		.pwhash = alice->pwhash };
	TC_CHECK(store_user_add(st, &g, NULL) == BBS_ERR_INVALID);

	store_question_finish(&q);
	store_board_list_free(boards, nb);
	store_area_list_free(areas, na);
	store_user_free(alice);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st = NULL;
	struct tc *tc;
	int status = -1;
	char path[TC_PATH_MAX + 32];

	tc_fixture_standard(&fx, &u, 170);

	/* bbsctl refuses a member named "guest" (before this process opens the store). */
	TC_CHECK(tc_fixture_user_add(&fx, "guest", "member", TC_PASSWORD, NULL) != 0);

	TC_REQUIRE(bbs_snprintf(path, sizeof path, "%s/portal.db", fx.dir) == 0);
	TC_REQUIRE(store_open(path, &st) == 0);
	seed(st);
	guest_items[0] = "Welcome";
	guest_items[1] = area_names[0];
	guest_items[2] = area_names[1];
	guest_items[3] = area_names[2];
	guest_items[4] = "The challenge question";
	guest_items[5] = "Who we are";
	guest_items[6] = "Apply for membership";   /* a form, not a page: not visited here */
	guest_items[7] = "Log off";

	/* Keyboard-interactive with no prompt as guest: the public menu. */
	tc = connect_guest(&fx, NULL);
	TC_REQUIRE(tc_auth_kbdint_noprompt(tc) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 80, 24) == 0);
	TC_REQUIRE(wait_guest_menu(tc));
	TC_CHECK(portal_top_line(tc_screen(tc), "guest"));
	TC_CHECK(guest_selected(tc_screen(tc)) == 0);
	check_no_leak(tc, "guest menu");
	TC_CHECK(tc_find(tc, "n next", NULL) < 0 && tc_find(tc, "/ search", NULL) < 0);

	/* Every key on the menu itself (n, /, digits past the last item, ...). */
	probe_all(tc, "guest menu");
	TC_REQUIRE(wait_guest_menu(tc));
	/* Help on the menu: generated from the guest table, so no n and no /. */
	TC_REQUIRE(tc_send(tc, "?") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Help", TC_WAIT_MS));
	check_no_leak(tc, "menu help");
	TC_CHECK(tc_find(tc, "Search", NULL) < 0);
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(wait_guest_menu(tc));

	/* Every public page, by digit and by Enter. */
	for (int i = 0; i < N_GUEST_ITEMS - 2; i++)
		visit(tc, i, false);
	for (int i = 0; i < N_GUEST_ITEMS - 2; i++)
		visit(tc, i, true);

	/* Log off with the menu item. */
	TC_REQUIRE(guest_move_to(tc, N_GUEST_ITEMS - 1));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 0);
	tc_close(tc);
	{
		size_t n = 0;
		char *log = tc_fixture_read_log(&fx, &n);
		const char *line = strstr(log, "event=visitor-login user=guest from=127.0.0.1 ");
		const char *eol = line ? strchr(line, '\n') : NULL;
		const char *m = line ? strstr(line, " method=keyboard-interactive") : NULL;
		TC_CHECK(line && m && (!eol || m < eol));
		free(log);
	}

	/* An exec request from a guest: refused, exit 1. */
	tc_note("guest exec request");
	tc = connect_guest(&fx, NULL);
	TC_REQUIRE(tc_auth_kbdint_noprompt(tc) == SSH_AUTH_SUCCESS);
	TC_REQUIRE(tc_open_exec(tc, "digest") == 0);
	status = -1;
	TC_CHECK(tc_wait_exit(tc, &status, TC_WAIT_MS) && status == 1);
	{
		size_t n = 0;
		const char *out = tc_output(tc, &n);
		TC_CHECK(strstr(out, "guests cannot run commands") != NULL);
		TC_CHECK(strstr(out, SECRET_THREAD) == NULL);
	}
	tc_close(tc);

	/* Alice's key as guest: the guest menu, never alice's. */
	tc_note("alice's key as guest");
	tc = tc_login_visitor(&fx, "guest", u.alice_key, "xterm-256color", 80, 24);
	TC_REQUIRE(wait_guest_menu(tc));
	TC_CHECK(portal_top_line(tc_screen(tc), "guest"));
	TC_CHECK(tc_find(tc, "alice", NULL) < 0);
	check_no_leak(tc, "guest menu by key");
	tc_close(tc);

	/* "none" and password as guest: denied (alice's password is nothing to a guest). */
	tc_note("none and password as guest");
	tc = connect_guest(&fx, "127.0.0.2");
	TC_CHECK(tc_auth_none(tc) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_password(tc, TC_PASSWORD) != SSH_AUTH_SUCCESS);
	tc_close(tc);

	/* The none method for a member gets nobody in. */
	{
		char err[512];
		tc = tc_connect(&fx, "alice", "127.0.0.5", NULL, err, sizeof err);
		TC_REQUIRE(tc != NULL);
		TC_CHECK(tc_auth_none(tc) != SSH_AUTH_SUCCESS);
		tc_close(tc);
	}

	/* guest_access "off": every method is refused. */
	tc_note("guest_access off");
	TC_REQUIRE(store_setting_set(st, "guest_access", "off") == 0);
	tc = connect_guest(&fx, "127.0.0.6");
	TC_CHECK(tc_auth_none(tc) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_kbdint_noprompt(tc) != SSH_AUTH_SUCCESS);
	tc_close(tc);
	tc = connect_guest(&fx, "127.0.0.6");
	TC_CHECK(tc_auth_pubkey_probe(tc, u.alice_key) != SSH_AUTH_SUCCESS);
	TC_CHECK(tc_auth_pubkey(tc, u.alice_key) != SSH_AUTH_SUCCESS);
	tc_close(tc);
	/* And on again. */
	TC_REQUIRE(store_setting_set(st, "guest_access", "on") == 0);
	tc = connect_guest(&fx, "127.0.0.7");
	TC_CHECK(tc_auth_kbdint_noprompt(tc) == SSH_AUTH_SUCCESS);
	tc_close(tc);

	store_close(st);
	return tc_done();
}
