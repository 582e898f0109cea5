/*
 * e2e-bytes: what the portal costs on the wire, at 80x24, for four steps: the first main-menu
 * screen, moving the selection one line, opening a discussion, and paging once in it.
 *
 * For each step it counts the channel payload the server sent (the bytes the terminal gets,
 * counted by the harness) and the TCP bytes received (the kernel's TCP_INFO on the socket:
 * SSH framing, padding, MAC and compression included), once with SSH compression
 * ("zlib@openssh.com,zlib,none"; zlib@openssh.com starts after authentication) and once
 * without ("none"), and for a member with the compact layout off and one with it on. Every
 * figure is printed on stdout (a table for the README and the lead) and checked against a
 * budget: the measured value with a margin, so that a change that makes a screen cost much
 * more fails here. A step is measured from the key to the end of the redraw (the server
 * quiet for QUIET_MS; the UI never repaints on a timer).
 *
 * It also checks that the compact layout shows more: more post headers on the discussion
 * screen and more discussions in the list; and that a client asking for pre-authentication
 * "zlib" only is refused (bbsd offers compression only after login) while the server goes
 * on serving.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define TITLE "Bytes on the wire for slow links"
#define N_POSTS 40
#define N_FILLER 24   /* more discussions than one screen of the list shows */
#define QUIET_MS 300

#define ZLIB "zlib@openssh.com,zlib,none"
#define NONE "none"

enum step { S_MENU, S_MOVE, S_OPEN, S_PAGE, N_STEPS };
static const char *const step_names[N_STEPS] = {
	"first main menu", "move selection one line", "open a discussion", "page once",
};

/*
 * Budgets (bytes), from the figures measured on Debian 12 (libssh 0.10.6 with
 * chacha20-poly1305, ncurses 6.4, TERM xterm-256color, 80x24, 2026-11-26), with a margin of
 * about a third (more for the small steps and the first screen, which may come in more or
 * fewer SSH packets depending on timing; one more packet costs ~40-70 TCP bytes),
 * so that a whole-screen repaint where a line changed fails at once. Measured:
 *
 *                            payload   TCP, none   TCP, zlib@openssh.com
 *   compact off
 *     first main menu           1160   1348-1500     760-812
 *     move selection one line     81         152      88-96
 *     open a discussion         1186        1220        316
 *     page once                  871         908        172
 *   compact on
 *     first main menu           1045   1236-1280     764-800
 *     move selection one line     81         152         96
 *     open a discussion         1374        1412        340   (6 posts shown, not 4)
 *     page once                  402         436        172   (the new page's rows have
 *                                                            the old ones' shape: only the
 *                                                            numbers change)
 *
 * Authentication itself (key exchange, host key, password) was 1187 TCP bytes. The move is
 * two rows rewritten ("   1. Global response" plain, "> 2. National response" in reverse
 * video): curses sends only the difference; nothing clears the screen.
 * Indexes: [compact][step].
 */
static const long budget_payload[2][N_STEPS] = {
	{ 1550, 120, 1600, 1200 },
	{ 1400, 120, 1850, 700 },
};
static const long budget_wire_none[2][N_STEPS] = {
	{ 2000, 240, 1650, 1250 },
	{ 1800, 240, 1900, 720 },
};
static const long budget_wire_zlib[2][N_STEPS] = {
	{ 1200, 200, 500, 300 },
	{ 1200, 200, 500, 300 },
};

struct figures {
	uint64_t payload[N_STEPS], wire[N_STEPS];
	uint64_t login_wire;   /* TCP bytes from connect to the end of authentication */
	int posts_shown;       /* post headers on the discussion screen when it opened */
	int threads_shown;     /* discussions in the list on one screen */
	bool hints_full;       /* the menu's hints go on past "? help" ("q log off") */
};

struct counts {
	uint64_t payload, rx;
};

static void counts_now(struct tc *tc, struct counts *c)
{
	uint64_t tx;

	c->payload = tc_bytes(tc);
	tc_wire_bytes(tc, &c->rx, &tx);
}

static void counts_since(struct tc *tc, const struct counts *a, struct figures *f, enum step s)
{
	struct counts b;

	tc_wait_quiet(tc, QUIET_MS, 5000);
	counts_now(tc, &b);
	f->payload[s] = b.payload - a->payload;
	f->wire[s] = b.rx - a->rx;
}

/* Shows what the server sent since offset `from` of the output (escapes visible), for the
 * small steps: a whole-screen repaint would be obvious here. */
static void note_bytes(struct tc *tc, uint64_t from, const char *what)
{
	size_t n = 0;
	const char *out = tc_output(tc, &n);
	char shown[1024];
	size_t k = 0;

	for (size_t i = (size_t)from; i < n && k + 8 < sizeof shown; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c >= 0x20 && c < 0x7f)
			shown[k++] = (char)c;
		else
			k += (size_t)snprintf(shown + k, sizeof shown - k, "\\x%02x", c);
	}
	shown[k] = '\0';
	tc_note("%s: %s", what, shown);
}

static bool selected_second(const struct tc_screen *sc, void *arg)
{
	(void)arg;
	return portal_selected(sc) == 1;
}

struct first_arg {
	long before;
};

static bool first_post_moved(const struct tc_screen *sc, void *arg)
{
	struct first_arg *fa = arg;
	long f = portal_first_post(sc, NULL);

	return f > 0 && f != fa->before && portal_hints_last_row(sc);
}

static int count_posts(const struct tc_screen *sc)
{
	int n = 0;

	for (long s = 1; s <= N_POSTS; s++)
		if (portal_post_row(sc, s) > 0)
			n++;
	return n;
}

/* One member's session: log in and go through the four steps, counting each. */
static void measure(struct tc_fixture *fx, const char *handle, const char *compression,
	struct figures *f)
{
	char err[256];
	struct counts a;
	struct tc *tc;

	memset(f, 0, sizeof *f);
	tc_set_compression(compression);
	tc = tc_connect(fx, handle, NULL, NULL, err, sizeof err);
	if (!tc)
		tc_fail("%s: connect: %s", handle, err);
	TC_REQUIRE(tc_auth_password(tc, TC_PASSWORD) == 0);
	counts_now(tc, &a);
	f->login_wire = a.rx;

	/* The first screen: from the shell request to the drawn main menu. */
	TC_REQUIRE(tc_open_shell(tc, true, "xterm-256color", 80, 24) == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	counts_since(tc, &a, f, S_MENU);
	{
		char last[256];

		tc_row(tc, 23, last, sizeof last);
		TC_CHECK(strstr(last, PORTAL_HINT_HELP) != NULL);
		f->hints_full = strstr(last, "log off") != NULL;
	}

	/* One line down: only the old and the new selected rows change. */
	counts_now(tc, &a);
	TC_REQUIRE(tc_send(tc, "j") == 0);
	TC_REQUIRE(tc_wait_pred(tc, selected_second, NULL, "the second item selected", TC_WAIT_MS));
	counts_since(tc, &a, f, S_MOVE);
	note_bytes(tc, a.payload, "move");

	/* To the discussion list (not counted), then open the discussion. */
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_BOARDS) == 0);
	TC_REQUIRE(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_list_select(tc, BT_GENERAL, 12));
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(tc_wait_gone(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, BT_GENERAL, TC_WAIT_MS));
	tc_wait_quiet(tc, QUIET_MS, 5000);
	f->threads_shown = bt_screen_count(tc_screen(tc), "Filler discussion ");
	TC_REQUIRE(portal_list_is_selected(tc_screen(tc), "Bytes on the wire"));

	counts_now(tc, &a);
	TC_REQUIRE(tc_send(tc, TC_KEY_ENTER) == 0);
	TC_REQUIRE(portal_wait_heading(tc, TITLE, TC_WAIT_MS));
	TC_REQUIRE(portal_wait_post_top(tc, 1, TC_WAIT_MS));
	counts_since(tc, &a, f, S_OPEN);
	note_bytes(tc, a.payload, "open");
	f->posts_shown = count_posts(tc_screen(tc));

	struct first_arg fa = { portal_first_post(tc_screen(tc), NULL) };
	counts_now(tc, &a);
	TC_REQUIRE(tc_send(tc, " ") == 0);
	TC_REQUIRE(tc_wait_pred(tc, first_post_moved, &fa, "a page further", TC_WAIT_MS));
	counts_since(tc, &a, f, S_PAGE);
	note_bytes(tc, a.payload, "page");
	/* Log off properly, so that the next login is not offered the discussion back. */
	TC_REQUIRE(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static bool menu_hints_short(const struct tc_screen *sc, void *arg)
{
	char last[256];

	(void)arg;
	tc_screen_row(sc, 23, last, sizeof last);
	return portal_menu_shown(sc) && strstr(last, PORTAL_HINT_HELP) && !strstr(last, "log off");
}

/*
 * The preference takes effect at once: anna (compact off) turns it on in Your account >
 * Preferences (Tab to the fourth field, Space, ^X) and the main menu she goes back to has
 * the short hints and no blank row above its heading; the store has it too.
 */
static void compact_at_once(struct tc_fixture *fx)
{
	struct tc *tc = bt_login(fx, "anna", 80, 24);
	char row1[256];

	TC_REQUIRE(!menu_hints_short(tc_screen(tc), NULL));
	tc_row(tc, 1, row1, sizeof row1);
	TC_CHECK(strstr(row1, PORTAL_MENU) == NULL);   /* a blank row above the heading */
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_ACCOUNT) == 0);
	TC_REQUIRE(portal_wait_heading(tc, "Your account", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "4") == 0);
	TC_REQUIRE(tc_wait_text(tc, "Compact layout", TC_WAIT_MS));   /* the form (^G help) */
	tc_wait_quiet(tc, 50, 1000);
	TC_REQUIRE(tc_send(tc, "\t\t\t \030") == 0);
	TC_CHECK(portal_wait_message(tc, "Preferences saved", TC_WAIT_MS));
	TC_REQUIRE(portal_wait_heading(tc, "Your account", TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_CHECK(tc_wait_pred(tc, menu_hints_short, NULL, "the compact main menu", TC_WAIT_MS));
	tc_row(tc, 1, row1, sizeof row1);
	TC_CHECK(strstr(row1, PORTAL_MENU) != NULL);   /* the heading on the first body row */
	{
		struct store *st = bt_store_open(fx);
		struct store_user *u = NULL;

		TC_REQUIRE(store_user_get(st, "anna", &u) == 0 && u);
		TC_CHECK(u->compact);
		store_user_free(u);
		store_close(st);
	}
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void report(const char *what, const struct figures *f)
{
	printf("%s (login: %llu TCP bytes to the end of authentication)\n", what,
		(unsigned long long)f->login_wire);
	for (int s = 0; s < N_STEPS; s++)
		printf("  %-26s payload %6llu  TCP %6llu\n", step_names[s],
			(unsigned long long)f->payload[s], (unsigned long long)f->wire[s]);
	printf("  post headers on the discussion screen: %d; discussions in the list: %d\n",
		f->posts_shown, f->threads_shown);
}

static void check_budgets(const char *what, const struct figures *f, int compact,
	const long wire_budget[2][N_STEPS])
{
	for (int s = 0; s < N_STEPS; s++) {
		if ((long)f->payload[s] > budget_payload[compact][s]) {
			tc_note("%s, %s: payload %llu over the budget %ld", what, step_names[s],
				(unsigned long long)f->payload[s], budget_payload[compact][s]);
			TC_CHECK(!"payload within budget");
		}
		if ((long)f->wire[s] > wire_budget[compact][s]) {
			tc_note("%s, %s: TCP %llu over the budget %ld", what, step_names[s],
				(unsigned long long)f->wire[s], wire_budget[compact][s]);
			TC_CHECK(!"TCP bytes within budget");
		}
	}
}

int main(void)
{
	static const char *const handles[4] = { "anna", "bert", "cleo", "dora" };
	struct tc_fixture fx;
	struct tc_users u;
	struct store *st;
	struct figures fig[4];   /* [compact * 2 + zlib] */
	int64_t alice;

	tc_fixture_standard(&fx, &u, 170);
	for (int i = 0; i < 4; i++)
		bt_user_add(&fx, handles[i], "Reader of bytes", "Bandwidth Trust", "Civil society");
	st = bt_store_open(&fx);
	alice = bt_user_id(st, "alice");
	{
		int64_t board = bt_board_id(st, "general");
		char title[64], body[512];

		for (int i = 1; i <= N_FILLER; i++) {
			snprintf(title, sizeof title, "Filler discussion %02d", i);
			bt_thread(st, board, alice, title, "A discussion that fills the list.");
		}
		/* Three lines a post: what a short reply looks like. */
		for (int i = 1; i <= N_POSTS; i++) {
			snprintf(body, sizeof body, "Post %d: how much does a screen cost on a slow "
				"link?\nSecond line of post %d, about compression.\nThird line of post %d.",
				i, i, i);
			if (i == 1)
				bt_thread(st, board, alice, TITLE, body);
			else
				bt_reply(st, bt_thread_by_title(st, alice, board, TITLE), alice, body);
		}
	}
	/* cleo and dora chose the compact layout. */
	for (int i = 2; i < 4; i++) {
		struct store_prefs p = { .timezone = "", .colour = true, .compact = true };
		TC_REQUIRE(store_user_set_prefs(st, bt_user_id(st, handles[i]), &p) == 0);
	}
	store_close(st);

	measure(&fx, handles[0], NONE, &fig[0]);
	measure(&fx, handles[1], ZLIB, &fig[1]);
	measure(&fx, handles[2], NONE, &fig[2]);
	measure(&fx, handles[3], ZLIB, &fig[3]);

	printf("Bytes the server sent at 80x24 (TERM xterm-256color):\n");
	report("compact off, no compression", &fig[0]);
	report("compact off, zlib@openssh.com", &fig[1]);
	report("compact on, no compression", &fig[2]);
	report("compact on, zlib@openssh.com", &fig[3]);
	(void)fflush(stdout);

	check_budgets("compact off, no compression", &fig[0], 0, budget_wire_none);
	check_budgets("compact off, zlib", &fig[1], 0, budget_wire_zlib);
	check_budgets("compact on, no compression", &fig[2], 1, budget_wire_none);
	check_budgets("compact on, zlib", &fig[3], 1, budget_wire_zlib);

	/* Compression pays: every step that draws a whole screen costs fewer TCP bytes. */
	TC_CHECK(fig[1].wire[S_MENU] < fig[0].wire[S_MENU]);
	TC_CHECK(fig[1].wire[S_OPEN] < fig[0].wire[S_OPEN]);
	TC_CHECK(fig[3].wire[S_OPEN] < fig[2].wire[S_OPEN]);
	/* The same screens were drawn whatever the compression (payload is the terminal's). */
	TC_CHECK(fig[0].posts_shown == fig[1].posts_shown);
	/* Compact shows more of the discussion and more of the list on one screen. */
	TC_CHECK(fig[2].posts_shown > fig[0].posts_shown);
	TC_CHECK(fig[2].threads_shown > fig[0].threads_shown);
	/* ...and its hints stop at "? help" (help lists every key). */
	TC_CHECK(fig[0].hints_full && !fig[2].hints_full);

	compact_at_once(&fx);

	/* Hostile: pre-authentication "zlib" only. bbsd offers zlib@openssh.com (after login)
	 * and none, so there is no common method and the key exchange fails; bbsd serves on. */
	{
		char err[256];
		struct tc *tc;

		tc_set_compression("zlib");
		tc = tc_connect(&fx, "alice", "127.0.0.2", NULL, err, sizeof err);
		TC_CHECK(tc == NULL);
		if (tc)
			tc_close(tc);
		else
			tc_note("pre-authentication zlib only: refused (%s)", err);
		tc_set_compression(NULL);
		tc = bt_login(&fx, "alice", 80, 24);
		TC_CHECK(portal_logoff(tc, "q") == 0);
		tc_close(tc);
	}
	return tc_done();
}
