/*
 * e2e-boards-lib.c: helpers shared by the discussion-board end-to-end tests (see
 * e2e-boards.h). Content goes in and is checked through the store API only; it never builds
 * SQL, never touches the database file directly and never sleeps a fixed time.
 */
#include "tests/e2e/e2e-boards.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

void bt_user_add(struct tc_fixture *fx, const char *handle, const char *name, const char *org,
	const char *sector)
{
	char *argv[16];
	char out[4096];
	int i = 0, rc;

	argv[i++] = fx->bbsctl;
	argv[i++] = "-d";
	argv[i++] = fx->dir;
	argv[i++] = "user";
	argv[i++] = "add";
	argv[i++] = (char *)handle;
	argv[i++] = "--role";
	argv[i++] = "member";
	argv[i++] = "--password-stdin";
	if (name) {
		argv[i++] = "--name";
		argv[i++] = (char *)name;
	}
	if (org) {
		argv[i++] = "--org";
		argv[i++] = (char *)org;
	}
	if (sector) {
		argv[i++] = "--sector";
		argv[i++] = (char *)sector;
	}
	argv[i] = NULL;
	rc = tc_run(argv, TC_PASSWORD "\n", out, sizeof out, 60000);
	if (rc != 0)
		tc_fail("bbsctl user add %s: status %d: %s", handle, rc, out);
}

struct store *bt_store_open(const struct tc_fixture *fx)
{
	char path[TC_PATH_MAX + 16];
	struct store *st = NULL;
	int rc;

	if (bbs_snprintf(path, sizeof path, "%s/portal.db", fx->dir) != 0)
		tc_fail("database path too long");
	rc = store_open(path, &st);
	if (rc != 0)
		tc_fail("store_open %s: %s", path, bbs_strerror(rc));
	return st;
}

int64_t bt_user_id(struct store *st, const char *handle)
{
	struct store_user *u = NULL;
	int64_t id;
	int rc = store_user_get(st, handle, &u);

	if (rc != 0)
		tc_fail("store_user_get %s: %s", handle, bbs_strerror(rc));
	id = u->id;
	store_user_free(u);
	return id;
}

int64_t bt_board_id(struct store *st, const char *slug)
{
	struct store_board *v = NULL;
	size_t n = 0;
	int64_t id = 0;
	int rc = store_board_list(st, 0, -1, &v, &n);

	if (rc != 0)
		tc_fail("store_board_list: %s", bbs_strerror(rc));
	for (size_t i = 0; i < n; i++)
		if (v[i].slug && strcmp(v[i].slug, slug) == 0)
			id = v[i].id;
	store_board_list_free(v, n);
	if (id == 0)
		tc_fail("no board with slug %s in the seed", slug);
	return id;
}

int64_t bt_thread(struct store *st, int64_t board_id, int64_t author, const char *title,
	const char *body)
{
	int64_t tid = 0, pid = 0;
	int rc = store_thread_create(st, board_id, author, title, body, NULL, &tid, &pid);

	if (rc != 0)
		tc_fail("store_thread_create \"%s\": %s", title, bbs_strerror(rc));
	return tid;
}

int64_t bt_reply(struct store *st, int64_t thread_id, int64_t author, const char *body)
{
	int64_t pid = 0;
	int rc = store_post_reply(st, thread_id, author, body, 0, NULL, &pid);

	if (rc != 0)
		tc_fail("store_post_reply: %s", bbs_strerror(rc));
	return pid;
}

size_t bt_posts(struct store *st, int64_t thread_id, struct store_post **v)
{
	size_t n = 0;
	int rc = store_post_range(st, thread_id, 1, 100000, v, &n);

	if (rc != 0)
		tc_fail("store_post_range: %s", bbs_strerror(rc));
	return n;
}

int bt_count_posts_with(struct store *st, int64_t thread_id, const char *needle)
{
	struct store_post *v = NULL;
	size_t n = bt_posts(st, thread_id, &v);
	int count = 0;

	for (size_t i = 0; i < n; i++)
		count += v[i].body && strstr(v[i].body, needle) != NULL;
	store_post_list_free(v, n);
	return count;
}

int64_t bt_thread_by_title(struct store *st, int64_t user_id, int64_t board_id,
	const char *title)
{
	struct store_thread *v = NULL;
	size_t n = 0;
	int64_t id = 0;
	int rc = store_thread_page(st, user_id, board_id, 0, 200, &v, &n);

	if (rc != 0)
		tc_fail("store_thread_page: %s", bbs_strerror(rc));
	for (size_t i = 0; i < n && id == 0; i++)
		if (v[i].title && strcmp(v[i].title, title) == 0)
			id = v[i].id;
	store_thread_list_free(v, n);
	return id;
}

int bt_screen_count(const struct tc_screen *sc, const char *needle)
{
	char *text = tc_screen_text(sc);
	const char *p = text;
	size_t len = strlen(needle);
	int count = 0;

	if (len == 0) {
		free(text);
		return 0;
	}
	while ((p = strstr(p, needle)) != NULL) {
		count++;
		p += len;
	}
	free(text);
	return count;
}

struct tc *bt_login(struct tc_fixture *fx, const char *handle, int cols, int rows)
{
	struct tc *tc = tc_login_password(fx, handle, TC_PASSWORD, "xterm-256color", cols, rows);

	if (!portal_wait_menu(tc, TC_WAIT_MS))
		tc_fail("%s: no main menu after login", handle);
	return tc;
}

bool bt_bracketed_paste_on(struct tc *tc)
{
	size_t n = 0;
	const char *out = tc_output(tc, &n);
	bool on = false;

	for (size_t i = 0; i + 8 <= n; i++) {
		if (memcmp(out + i, "\033[?2004h", 8) == 0)
			on = true;
		else if (memcmp(out + i, "\033[?2004l", 8) == 0)
			on = false;
	}
	return on;
}

int bt_paste(struct tc *tc, const char *text, size_t n)
{
	/*
	 * Always marked as a paste: the UI says it switches bracketed paste on, and a terminal
	 * then wraps every paste like this (whether the mode really was switched on is checked
	 * separately with bt_bracketed_paste_on).
	 */
	tc_note("pasting %zu bytes in a bracketed paste (mode %s by the UI)", n,
		bt_bracketed_paste_on(tc) ? "switched on" : "NOT switched on");
	if (tc_send(tc, "\033[200~") != 0 || tc_send_n(tc, text, n) != 0 ||
	    tc_send(tc, "\033[201~") != 0)
		return -1;
	return 0;
}

bool bt_has_datetime(const char *s)
{
	static const char pat[] = "dddd-dd-dd dd:dd";
	size_t len = strlen(s), plen = sizeof pat - 1;

	for (size_t i = 0; i + plen <= len; i++) {
		size_t k = 0;

		while (k < plen && (pat[k] == 'd' ? isdigit((unsigned char)s[i + k]) != 0 :
		       s[i + k] == pat[k]))
			k++;
		if (k == plen)
			return true;
	}
	return false;
}

bool bt_row_with(struct tc *tc, const char *text, char *buf, size_t n, int *row)
{
	struct tc_screen *sc = tc_screen(tc);
	int rows;

	if (row)
		*row = -1;
	if (n)
		buf[0] = '\0';
	tc_screen_size(sc, NULL, &rows);
	for (int r = 1; r < rows - 1; r++) {
		if (tc_screen_find_in_row(sc, r, text) >= 0) {
			tc_screen_row(sc, r, buf, n);
			if (row)
				*row = r;
			return true;
		}
	}
	return false;
}

static bool menu_or_changed(const struct tc_screen *sc, void *arg)
{
	char *text = tc_screen_text(sc);
	bool r = portal_menu_shown(sc) || strcmp(text, arg) != 0;

	free(text);
	return r;
}

bool bt_back_to_menu(struct tc *tc)
{
	for (int i = 0; i < 5; i++) {
		char *before;

		tc_wait_quiet(tc, 100, 2000);
		if (portal_menu_shown(tc_screen(tc)) &&
		    tc_find(tc, PORTAL_LOGOFF_PROMPT, NULL) < 0)
			return portal_wait_menu(tc, TC_WAIT_MS);
		before = tc_screen_text(tc_screen(tc));
		if (tc_send(tc, "q") != 0) {
			free(before);
			return false;
		}
		tc_wait_pred(tc, menu_or_changed, before, "the screen to change after q",
			TC_WAIT_MS);
		free(before);
	}
	return portal_wait_menu(tc, TC_WAIT_MS);
}

bool bt_open_discussion(struct tc *tc, const char *board, const char *title)
{
	char prefix[BT_LIST_PREFIX + 1];

	bbs_strlcpy(prefix, title, sizeof prefix);
	return tc_send(tc, "4") == 0 &&
		portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS) &&
		portal_list_select(tc, board, 12) &&
		tc_send(tc, TC_KEY_ENTER) == 0 &&
		tc_wait_gone(tc, PORTAL_BOARDS, TC_WAIT_MS) &&
		portal_wait_heading(tc, board, TC_WAIT_MS) &&
		portal_list_select(tc, prefix, 30) &&
		tc_send(tc, TC_KEY_ENTER) == 0 &&
		portal_wait_heading(tc, title, TC_WAIT_MS);
}
