/*
 * test-tclient.c: tests of the e2e harness itself that need no server: the libvterm screen
 * (text, attributes, UTF-8, alternate screen, resize) and tc_run. Must never start bbsd.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

static void feed(struct tc_screen *sc, const char *s)
{
	tc_screen_feed(sc, s, strlen(s));
}

static void test_screen(void)
{
	struct tc_screen *sc = tc_screen_create(20, 5);
	struct tc_cell cell;
	char row[256];
	char *text;
	int r, c, cols, rows;
	/* Alternate screen on, clear, home, a heading, a reverse-video item, UTF-8. */
	static const char bytes[] =
		"\033[?1049h\033[H\033[2JMain menu\r\n"
		"\033[7m> Global\033[m\r\n"
		"  Caf\xc3\xa9 \xe4\xb8\xad x\r\n"
		"\033[5;1H? help";

	tc_screen_feed(sc, bytes, sizeof bytes - 1);
	TC_CHECK(strcmp(tc_screen_row(sc, 0, row, sizeof row), "Main menu") == 0);
	TC_CHECK(strcmp(tc_screen_row(sc, 1, row, sizeof row), "> Global") == 0);
	TC_CHECK(strcmp(tc_screen_row(sc, 2, row, sizeof row), "  Caf\xc3\xa9 \xe4\xb8\xad x") == 0);
	TC_CHECK(strcmp(tc_screen_row(sc, 4, row, sizeof row), "? help") == 0);
	TC_CHECK(strcmp(tc_screen_row(sc, 9, row, sizeof row), "") == 0);
	r = tc_screen_find(sc, "Global", &c);
	TC_CHECK(r == 1 && c == 2);
	/* Columns count cells: the wide character takes two. */
	r = tc_screen_find(sc, "x", &c);
	TC_CHECK(r == 2 && c == 10);
	TC_CHECK(tc_screen_find(sc, "absent", &c) == -1 && c == -1);
	TC_CHECK(tc_screen_cell(sc, 1, 0, &cell) && cell.reverse && strcmp(cell.text, ">") == 0);
	TC_CHECK(tc_screen_cell(sc, 0, 0, &cell) && !cell.reverse && strcmp(cell.text, "M") == 0);
	TC_CHECK(tc_screen_cell(sc, 2, 7, &cell) && cell.width == 2);
	TC_CHECK(!tc_screen_cell(sc, 5, 0, &cell));
	text = tc_screen_text(sc);
	TC_CHECK(strstr(text, "Main menu\n> Global\n") == text);
	free(text);
	tc_screen_cursor(sc, &r, &c);
	TC_CHECK(r == 4 && c == 6);

	/* Resize, then the program redraws within the new size. */
	tc_screen_resize(sc, 40, 10);
	tc_screen_size(sc, &cols, &rows);
	TC_CHECK(cols == 40 && rows == 10);
	feed(sc, "\033[H\033[2J\033[10;1H? help");
	TC_CHECK(tc_screen_find(sc, "? help", &c) == 9);
	TC_CHECK(tc_screen_find(sc, "Main menu", NULL) == -1);

	/* Leaving the alternate screen restores what was there before. */
	feed(sc, "\033[?1049l");
	TC_CHECK(tc_screen_find(sc, "? help", NULL) == -1);
	tc_screen_destroy(sc);
	tc_screen_destroy(NULL);
}

/* Title changes and OSC 52 clipboard writes are seen (the hostile-post tests rely on it). */
static void test_events(void)
{
	struct tc_screen *sc = tc_screen_create(20, 5);
	struct tc_screen_events ev;

	tc_screen_events(sc, &ev);
	TC_CHECK(ev.titles == 0 && ev.oscs == 0 && ev.dcss == 0);
	feed(sc, "plain ^[ text\r\n");
	tc_screen_events(sc, &ev);
	TC_CHECK(ev.titles == 0 && ev.oscs == 0);
	feed(sc, "\033]0;pwned\007");
	tc_screen_events(sc, &ev);
	TC_CHECK(ev.titles >= 1 && strcmp(ev.title, "pwned") == 0);
	feed(sc, "\033]52;c;aGk=\007");
	tc_screen_events(sc, &ev);
	TC_CHECK(ev.oscs == 1 && strncmp(ev.osc, "52;", 3) == 0);
	feed(sc, "\033P1$qm\033\\");
	tc_screen_events(sc, &ev);
	TC_CHECK(ev.dcss == 1);
	tc_screen_destroy(sc);
}

/* The board-screen predicates of portal.c on a drawn discussion view and list. */
static void test_portal_boards(void)
{
	struct tc_screen *sc = tc_screen_create(60, 10);
	static const char view[] =
		"\033[H\033[2JProtectors' Portal\r\n"
		"Budget talk\r\n"
		"#3 Carol Jones (carol), Hotline, 2026-01-02 10:00\r\n"
		"body #4 not a header (x)\r\n"
		"\033[7m>#4 alice (alice), 2026-01-02 10:05\033[m\r\n"
		"text\r\n"
		"\r\n\r\n\r\n"
		"q back  ? help";
	static const char list[] =
		"\033[H\033[2JProtectors' Portal\r\n"
		"General discussion\r\n"
		"   First title  alice  0 replies\r\n"
		"\033[7m> * Second title  bob  1 reply\033[m\r\n"
		"\033[10;1Hq back  ? help";

	tc_screen_feed(sc, view, sizeof view - 1);
	TC_CHECK(portal_post_row(sc, 3) == 2);
	TC_CHECK(portal_post_row(sc, 4) == 4);
	TC_CHECK(portal_first_post(sc, NULL) == 3);
	TC_CHECK(portal_current_post(sc) == 4);
	tc_screen_feed(sc, list, sizeof list - 1);
	TC_CHECK(portal_list_selected_row(sc) == 3);
	TC_CHECK(portal_list_is_selected(sc, "Second title"));
	TC_CHECK(!portal_list_is_selected(sc, "First title"));
	TC_CHECK(portal_thread_unread(sc, "Second title"));
	TC_CHECK(!portal_thread_unread(sc, "First title"));
	TC_CHECK(portal_first_post(sc, NULL) == 0);
	tc_screen_destroy(sc);
}

static void test_run(void)
{
	char out[256];
	char *cat[] = { "cat", NULL };
	char *fail[] = { "false", NULL };
	char *missing[] = { "/nonexistent/program", NULL };

	TC_CHECK(tc_run(cat, "hello\n", out, sizeof out, 10000) == 0);
	TC_CHECK(strcmp(out, "hello\n") == 0);
	TC_CHECK(tc_run(fail, NULL, NULL, 0, 10000) == 1);
	TC_CHECK(tc_run(missing, NULL, out, sizeof out, 10000) == 127);
}

/*
 * The orphan detection of tc_fixture_leftovers: a grandchild whose parent exits is
 * re-parented to us (subreaper) and counted; once killed it is reaped and not counted.
 */
static void test_leftovers(void)
{
	struct tc_fixture fx;
	int fds[2];
	pid_t child, gc = 0, seen[8];

	memset(&fx, 0, sizeof fx);
	TC_CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
	TC_CHECK(tc_fixture_leftovers(&fx, NULL, 0, NULL, 0) == 0);
	TC_CHECK(pipe(fds) == 0);
	child = fork();
	if (child == 0) {
		pid_t g = fork();

		if (g == 0) {
			/* Not PDEATHSIG: its parent exits at once. A bound in case we fail. */
			signal(SIGALRM, SIG_DFL);
			alarm(30);
			for (;;)
				pause();
		}
		_exit(write(fds[1], &g, sizeof g) == sizeof g ? 0 : 1);
	}
	close(fds[1]);
	TC_CHECK(child > 0 && waitpid(child, NULL, 0) == child);
	TC_CHECK(read(fds[0], &gc, sizeof gc) == sizeof gc && gc > 0);
	close(fds[0]);
	TC_CHECK(tc_fixture_leftovers(&fx, NULL, 0, seen, 8) == 1 && seen[0] == gc);
	TC_CHECK(tc_fixture_leftovers(&fx, &gc, 1, NULL, 0) == 0);
	TC_CHECK(kill(gc, SIGKILL) == 0);
	TC_CHECK(tc_fixture_wait_no_leftovers(&fx, NULL, 0, 5000) == 0);
	TC_CHECK(kill(gc, 0) != 0);   /* reaped, not a zombie */
}

int main(void)
{
	test_screen();
	test_events();
	test_portal_boards();
	test_run();
	test_leftovers();
	return tc_done();
}
