/*
 * e2e-keepalive: bbsd's keepalives (ClientAliveInterval, ClientAliveCountMax; bbsd/keepalive.c).
 *
 * bbsd runs with ClientAliveInterval 1 and ClientAliveCountMax 2 (from a bbsd.conf):
 * - a live client left idle for several times interval * (count + 1) keeps its session: the
 *   libssh client answers each keepalive, and the menu still answers a key afterwards;
 * - a client behind a TCP proxy that stops forwarding (both ways, connections left open, as a
 *   link that dies without FIN or RST) is let go: its session and UI processes end no later
 *   than interval * (count + 1) after the freeze (each of the count requests gets an interval
 *   to be answered; count * interval after the first unanswered one), and not before
 *   interval * count; bbsd logs "event=keepalive-timeout", and the UI was hung up like on a
 *   dropped link (where the member was is stored).
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "common/common.h"
#include "tests/e2e/e2e-boards.h"

#define INTERVAL 1
#define COUNT 2
#define SLACK_MS 1500

/* Starts bbsd with a DIR/bbsd.conf for this test. */
static void start_with_conf(struct tc_fixture *fx)
{
	char text[256];
	snprintf(text, sizeof text, "# e2e-keepalive\nClientAliveInterval %d\n"
		"ClientAliveCountMax %d\n", INTERVAL, COUNT);
	tc_fixture_start_conf(fx, text);
}

/* ---- a TCP proxy that can freeze ---- */

static volatile sig_atomic_t proxy_frozen;

static void on_usr1(int sig)
{
	(void)sig;
	proxy_frozen = 1;
}

/* Copies what is there from one socket to the other; false at EOF or an error. */
static bool proxy_copy(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof buf);
	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN);
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += w;
	}
	return true;
}

/* Forks a proxy on 127.0.0.1 (port into *port) to the server's port, for one connection. After
 * SIGUSR1 it reads and writes nothing more but keeps both connections open. */
static pid_t proxy_start(int server_port, int *port)
{
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 1) != 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &alen) != 0)
		tc_fail("proxy socket: %s", strerror(errno));
	*port = ntohs(a.sin_port);
	pid_t pid = fork();
	if (pid < 0)
		tc_fail("fork: %s", strerror(errno));
	if (pid > 0) {
		close(ls);
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGUSR1, on_usr1);
	int cl = accept(ls, NULL, NULL);
	int sv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons((uint16_t)server_port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (cl < 0 || sv < 0 || connect(sv, (struct sockaddr *)&s, sizeof s) != 0)
		_exit(1);
	while (!proxy_frozen) {
		struct pollfd p[2] = { { .fd = cl, .events = POLLIN }, { .fd = sv, .events = POLLIN } };
		if (poll(p, 2, 100) < 0 && errno != EINTR)
			_exit(1);
		if (proxy_frozen)
			break;
		if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && !proxy_copy(cl, sv))
			_exit(0);
		if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !proxy_copy(sv, cl))
			_exit(0);
	}
	for (;;)
		pause();   /* frozen: the connections stay open, nothing moves */
}

static bool log_has(const struct tc_fixture *fx, const char *text)
{
	size_t n = 0;
	char *log = tc_fixture_read_log(fx, &n);
	bool has = strstr(log, text) != NULL;
	free(log);
	return has;
}

int main(void)
{
	struct tc_fixture fx;
	struct tc *tc;

	tc_fixture_init(&fx, 120);
	TC_REQUIRE(tc_fixture_user_add(&fx, "alice", "member", TC_PASSWORD, NULL) == 0);
	start_with_conf(&fx);
	tc_note("bbsd on port %d with ClientAliveInterval %d, ClientAliveCountMax %d", fx.port,
		INTERVAL, COUNT);

	/* 1. A live, idle client keeps its session. */
	int idle_ms = 3 * INTERVAL * (COUNT + 1) * 1000;
	tc_note("a live client idles for %d ms", idle_ms);
	tc = tc_login_password(&fx, "alice", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	/* Reading only (libssh answers the keepalives as it reads): the length of the idle spell
	 * is the point of this check, so it is a wait for a time, not for text. */
	for (int64_t end = tc_now_ms() + idle_ms; tc_now_ms() < end;)
		TC_REQUIRE(tc_pump(tc, 200) >= 0);
	TC_CHECK(!log_has(&fx, "event=keepalive-timeout"));
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_BOARDS) == 0);
	TC_CHECK(portal_wait_heading(tc, PORTAL_BOARDS, TC_WAIT_MS));
	TC_CHECK(bt_back_to_menu(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	TC_CHECK(tc_fixture_wait_no_leftovers(&fx, NULL, 0, 10000) == 0);

	/* 2. Behind a proxy that freezes. */
	int pport = 0;
	pid_t proxy = proxy_start(fx.port, &pport);
	struct tc_fixture pfx = fx;   /* the same server and host key, reached through the proxy */
	pfx.port = pport;
	tc = tc_login_password(&pfx, "alice", TC_PASSWORD, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_REQUIRE(tc_send(tc, PORTAL_KEY_MESSAGES) == 0);
	TC_REQUIRE(tc_wait_text(tc, "Messages: Inbox", TC_WAIT_MS));
	TC_CHECK(tc_fixture_leftovers(&fx, &proxy, 1, NULL, 0) >= 2);   /* session and UI */
	tc_note("the proxy stops forwarding");
	TC_REQUIRE(kill(proxy, SIGUSR1) == 0);
	int64_t t0 = tc_now_ms();
	int left = tc_fixture_wait_no_leftovers(&fx, &proxy, 1,
		INTERVAL * (COUNT + 1) * 1000 + SLACK_MS + 5000);
	int64_t took = tc_now_ms() - t0;
	tc_note("session gone %lld ms after the freeze (%d left)", (long long)took, left);
	TC_CHECK(left == 0);
	TC_CHECK(took <= INTERVAL * (COUNT + 1) * 1000 + SLACK_MS);
	TC_CHECK(took >= INTERVAL * COUNT * 1000 - 200);
	TC_CHECK(log_has(&fx, "event=keepalive-timeout"));
	/* The UI was hung up as on a dropped link: where she was is kept for her next login. */
	{
		struct store *st = bt_store_open(&fx);
		struct store_user *au = NULL;
		TC_CHECK(store_user_get(st, "alice", &au) == 0 && au && au->resume &&
			strcmp(au->resume, "messages") == 0);
		store_user_free(au);
		store_close(st);
	}
	kill(proxy, SIGKILL);
	waitpid(proxy, NULL, 0);
	tc_close(tc);
	TC_CHECK(tc_fixture_alive(&fx));
	return tc_done();
}
