/*
 * e2e-badinput: hostile and broken clients do not hurt anyone else. Raw TCP clients send
 * an HTTP request, binary noise, or a valid banner followed by an impossible packet, and
 * one connects and says nothing; meanwhile a member logs in and works normally. The server
 * closes each garbage connection. Then pty requests with a zero and an absurd size must not
 * take bbsd down. Bad clients use other 127.0.0.x source addresses than the member, so a
 * per-source penalty (a correct defence) cannot be mistaken for a failure here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

#define CLOSE_MS 15000

static int raw(struct tc_fixture *fx, const char *src)
{
	int fd = tc_raw_connect(fx->port, src);

	if (fd < 0)
		tc_fail("raw connect from %s failed", src);
	return fd;
}

static void send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;   /* the server may close while we write: that is fine */
		p += w;
		n -= (size_t)w;
	}
}

static void member_works(struct tc_fixture *fx, const struct tc_users *u)
{
	struct tc *tc = tc_login_key(fx, "alice", u->alice_key, "xterm-256color", 80, 24);

	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "1") == 0);
	TC_CHECK(portal_wait_page(tc, portal_items[0], TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, "q") == 0);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

static void check_closed(int fd, const char *what)
{
	size_t got = 0;
	bool closed = tc_raw_wait_closed(fd, CLOSE_MS, &got);

	if (!TC_CHECK(closed))
		tc_note("%s: the server did not close the connection within %d ms", what, CLOSE_MS);
	else
		tc_note("%s: closed by the server (%zu bytes received)", what, got);
	close(fd);
}

static void garbage_and_silence(struct tc_fixture *fx, const struct tc_users *u)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: portal\r\n\r\n";
	/* A real banner, then a packet claiming to be 4 GiB long. */
	static const char badpkt[] = "SSH-2.0-Evil_1.0\r\n\xff\xff\xff\xf0\x07junkjunkjunk";
	char *noise = malloc(65536);
	char line[512];
	int quiet, g_http, g_noise, g_pkt;
	unsigned int seed = 12345;

	TC_REQUIRE(noise != NULL);
	for (size_t i = 0; i < 65536; i++) {
		seed = seed * 1103515245u + 12345u;
		noise[i] = (char)(seed >> 16);
	}
	tc_note("a silent client, HTTP, binary noise and a bad packet, while alice logs in");
	quiet = raw(fx, "127.0.0.2");
	g_http = raw(fx, "127.0.0.3");
	g_noise = raw(fx, "127.0.0.4");
	g_pkt = raw(fx, "127.0.0.5");
	/* The server speaks first: its banner. */
	if (TC_CHECK(tc_raw_read_line(g_http, line, sizeof line, TC_WAIT_MS) > 0))
		TC_CHECK(strncmp(line, "SSH-2.0-", 8) == 0);
	send_all(g_http, http, sizeof http - 1);
	send_all(g_noise, noise, 65536);
	send_all(g_pkt, badpkt, sizeof badpkt - 1);

	member_works(fx, u);

	check_closed(g_http, "HTTP request");
	check_closed(g_noise, "binary noise");
	check_closed(g_pkt, "bad packet length");
	/* The silent one may wait for its login grace time; it just must not block others. */
	close(quiet);
	free(noise);
	TC_REQUIRE(tc_fixture_alive(fx));
}

/* pty-req with sizes no terminal has: bbsd must survive (what the UI shows is not judged). */
static void odd_sizes(struct tc_fixture *fx, const struct tc_users *u)
{
	static const int sizes[][2] = { { 0, 0 }, { 1, 1 }, { 2000, 3 } };

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char err[512];
		struct tc *tc = tc_connect(fx, "alice", NULL, NULL, err, sizeof err);

		tc_note("pty %dx%d", sizes[i][0], sizes[i][1]);
		if (!tc)
			tc_fail("connect: %s", err);
		TC_REQUIRE(tc_auth_pubkey(tc, u->alice_key) == 0);
		if (tc_open_shell(tc, true, "xterm", sizes[i][0], sizes[i][1]) == 0) {
			/* Let it draw whatever it draws (or refuse); then hang up. */
			tc_wait_quiet(tc, 300, 3000);
		}
		tc_close(tc);
		TC_REQUIRE(tc_fixture_alive(fx));
	}
	member_works(fx, u);
}

/*
 * A user name with control characters: refused like any unknown user, and nothing of it
 * reaches the log raw (no ESC, no forged line).
 */
static void hostile_user_name(struct tc_fixture *fx)
{
	/* (libssh's client refuses ; and quotes in a user name, so none are used here.) */
	static const char evil[] = "x\033]0 pwned\007\033[2J\r\nfake log line";
	char err[512];
	struct tc *tc = tc_connect(fx, evil, "127.0.0.6", NULL, err, sizeof err);
	size_t n;
	char *log;

	tc_note("a user name with escape sequences and a newline");
	if (!tc)
		tc_fail("connect: %s", err);
	TC_CHECK(tc_auth_password(tc, TC_PASSWORD) == SSH_AUTH_DENIED);
	TC_CHECK(tc_auth_kbdint(tc, TC_PASSWORD) == SSH_AUTH_DENIED);
	tc_close(tc);
	TC_REQUIRE(tc_fixture_alive(fx));
	log = tc_fixture_read_log(fx, &n);
	TC_CHECK(memchr(log, '\033', n) == NULL);
	TC_CHECK(memchr(log, '\007', n) == NULL);
	TC_CHECK(strstr(log, "\nfake log line") == NULL);
	free(log);
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;

	tc_fixture_standard(&fx, &u, 110);
	garbage_and_silence(&fx, &u);
	odd_sizes(&fx, &u);
	hostile_user_name(&fx);
	return tc_done();
}
