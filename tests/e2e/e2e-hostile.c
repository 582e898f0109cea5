/*
 * e2e-hostile: hostile clients only hurt themselves. While a bystander member (carol) keeps a
 * session open and checks after each case that it still works, a member (alice):
 *
 * - pastes 10 MiB into the main menu at once: the UI survives and answers a key afterwards;
 * - asks for what the portal does not serve: an env variable, X11, agent forwarding, the sftp
 *   subsystem, remote and local port forwarding, a second session channel: each request is
 *   refused (the library call fails; agent forwarding is sent without a reply wanted, so
 *   there only the session going on is checked), each refusal is logged (at most 10 a
 *   connection), and her session still works;
 * - stops reading while her screen is redrawn 200 times at a large size, for 10 s, while
 *   carol logs in again and works; every session process stays under MEM_BOUND_KB of VmRSS;
 * - and invalid UTF-8 and escape sequences go into the user name and password fields:
 *   refused, and logged escaped;
 * - 100 idle unauthenticated connections from 20 addresses (127.0.0.10-29) while a member
 *   logs in from 127.0.0.1.
 * At the end bbsd is alive and carol can log in again. The channel requests use libssh's client
 * API directly (tclient does not expose its session); the screen is still a tclient screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "tests/e2e/portal.h"
#include "tests/e2e/tclient.h"

/*
 * What a session process may use, in KiB of VmRSS. A session process idles at about 7 MiB
 * RSS (mostly libssh, OpenSSL and libc pages shared with bbsd, counted whole in RSS). What a
 * client can make it hold on top is bounded: the 64 KiB queue towards the pty, the client's
 * channel window (libssh's client grants about 1.2 MiB) and socket buffers. 200 redraws of a
 * 400x200 screen are megabytes each time, so a relay that buffered output for a client that
 * does not read would pass 100 MiB; 32 MiB leaves room for allocator slack and nothing more.
 */
#define MEM_BOUND_KB (32 * 1024)
/* Under AddressSanitizer freed memory sits in a quarantine (256 MiB by default) and RSS says
 * nothing about what bbsd keeps: the memory bounds are checked in plain builds only. */
#if defined(__SANITIZE_ADDRESS__)
#define MEM_CHECKED false
#else
#define MEM_CHECKED true
#endif
#define PASTE_BYTES (10 * 1024 * 1024)
/* Growth of a session process while a client pastes: the relay queue (2 MiB), libssh's
 * window for the client (1.25 MB, held in a buffer that grows by doubling) and slack. */
#define PASTE_GROWTH_KB (6 * 1024)

static char carol_key[TC_PATH_MAX];

/* ---------------------------------------------------------------- helpers */

/* A member who works normally: opens the first page and goes back. */
static bool works(struct tc *tc)
{
	return tc_send(tc, "1") == 0 && portal_wait_page(tc, portal_items[0], TC_WAIT_MS) &&
		tc_send(tc, "q") == 0 && portal_wait_menu(tc, TC_WAIT_MS);
}

static void bystander_ok(struct tc_fixture *fx, struct tc *carol, const char *after)
{
	if (!TC_CHECK(tc_fixture_alive(fx)))
		tc_fail("bbsd died (%s)", after);
	if (!TC_CHECK(works(carol)))
		tc_note("the bystander's session stopped working after: %s", after);
}

/* carol logs in afresh, works, and logs off. */
static void member_works(struct tc_fixture *fx)
{
	struct tc *tc = tc_login_key(fx, "carol", carol_key, "xterm-256color", 80, 24);

	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(works(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
}

/* VmRSS (KiB) of pid, or -1. */
static long vmrss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static bool is_session(pid_t pid)
{
	char path[64], comm[64] = "";

	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(comm, sizeof comm, f) && strncmp(comm, "bbsd", 4) == 0;
	fclose(f);
	return ok;
}

/* The largest VmRSS among bbsd's session processes (its descendants named bbsd). */
static long max_session_rss(struct tc_fixture *fx, pid_t *which)
{
	pid_t pids[256];
	int n = tc_fixture_leftovers(fx, NULL, 0, pids, 256);
	long max = 0;

	for (int i = 0; i < n && i < 256; i++) {
		long kb = is_session(pids[i]) ? vmrss_kb(pids[i]) : -1;
		if (kb > max) {
			max = kb;
			if (which)
				*which = pids[i];
		}
	}
	return max;
}

/* ---------------------------------------------------------------- a paste flood */

static void paste_flood(struct tc_fixture *fx, struct tc *carol, const char *alice_key)
{
	/* Keys the main menu has no use for (and UTF-8 text): a paste, not commands. */
	static const char pattern[] = "zzxw zx \xc3\xa9t\xc3\xa9 wxz ";
	char *paste = malloc(PASTE_BYTES);
	struct tc *tc = tc_login_key(fx, "alice", alice_key, "xterm-256color", 80, 24);

	TC_REQUIRE(paste != NULL);
	tc_note("a 10 MiB paste into the main menu");
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	for (size_t i = 0; i < PASTE_BYTES; i++)
		paste[i] = pattern[i % (sizeof pattern - 1)];
	long base = max_session_rss(fx, NULL), peak = base;
	int64_t t0 = tc_now_ms();
	/* Written in 256 KiB pieces, reading what comes back between them, as a terminal would;
	 * the session processes' memory is sampled between pieces. */
	for (size_t off = 0; off < PASTE_BYTES; off += 256 * 1024) {
		if (!TC_CHECK(tc_send_n(tc, paste + off, 256 * 1024) == 0))
			break;
		tc_pump(tc, 0);
		long kb = max_session_rss(fx, NULL);
		if (kb > peak)
			peak = kb;
	}
	tc_note("sent in %lld ms", (long long)(tc_now_ms() - t0));
	free(paste);
	tc_note("largest session VmRSS: %ld KiB before the paste, at most %ld KiB during it",
		base, peak);
	TC_CHECK(!MEM_CHECKED || (peak > 0 && peak < MEM_BOUND_KB));
	/* What bbsd holds of a paste is bounded by its queue (2 MiB) and libssh's window for the
	 * client (1.25 MB); a relay that let libssh take it all grew by the whole 10 MiB. */
	TC_CHECK(!MEM_CHECKED || peak - base < PASTE_GROWTH_KB);
	/* Responsive afterwards: a key changes the screen (the UI has eaten the paste by then). */
	TC_CHECK(tc_send(tc, "1") == 0);
	TC_CHECK(portal_wait_page(tc, portal_items[0], 60000));
	tc_note("the UI answered %lld ms after the paste began", (long long)(tc_now_ms() - t0));
	TC_CHECK(tc_send(tc, "q") == 0);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	bystander_ok(fx, carol, "a paste flood");
}

/* ---------------------------------------------------------------- refused requests */

struct raw_client {
	ssh_session s;
	ssh_channel ch;
	struct tc_screen *sc;
};

/* Reads what the channel has within ms into the screen. */
static void raw_pump(struct raw_client *rc, int ms)
{
	char buf[16384];
	int64_t end = tc_now_ms() + ms;

	do {
		int n = ssh_channel_read_timeout(rc->ch, buf, sizeof buf, 0, 50);
		if (n > 0)
			tc_screen_feed(rc->sc, buf, (size_t)n);
		else if (n < 0 || ssh_channel_is_eof(rc->ch))
			return;
	} while (tc_now_ms() < end);
}

static bool raw_wait_text(struct raw_client *rc, const char *text, int ms)
{
	int64_t end = tc_now_ms() + ms;
	int col;

	while (tc_now_ms() < end) {
		if (tc_screen_find(rc->sc, text, &col) >= 0)
			return true;
		raw_pump(rc, 100);
		if (ssh_channel_is_closed(rc->ch) || ssh_channel_is_eof(rc->ch))
			break;
	}
	if (tc_screen_find(rc->sc, text, &col) >= 0)
		return true;
	tc_screen_print(rc->sc, text);
	return false;
}

static bool raw_works(struct raw_client *rc)
{
	return ssh_channel_write(rc->ch, "1", 1) == 1 &&
		raw_wait_text(rc, portal_items[0], TC_WAIT_MS) &&
		ssh_channel_write(rc->ch, "q", 1) == 1 && raw_wait_text(rc, PORTAL_MENU, TC_WAIT_MS);
}

static void refused_requests(struct tc_fixture *fx, struct tc *carol, const char *alice_key)
{
	struct raw_client rc = { 0 };
	ssh_key srv = NULL, want = NULL, key = NULL;
	unsigned int port = (unsigned int)fx->port;
	long timeout = 10;
	bool no = false;

	tc_note("requests the portal does not serve");
	rc.s = ssh_new();
	TC_REQUIRE(rc.s != NULL);
	TC_REQUIRE(ssh_options_set(rc.s, SSH_OPTIONS_PROCESS_CONFIG, &no) == 0 &&
		ssh_options_set(rc.s, SSH_OPTIONS_HOST, "127.0.0.1") == 0 &&
		ssh_options_set(rc.s, SSH_OPTIONS_PORT, &port) == 0 &&
		ssh_options_set(rc.s, SSH_OPTIONS_USER, "alice") == 0 &&
		ssh_options_set(rc.s, SSH_OPTIONS_HOSTKEYS, "ssh-ed25519") == 0 &&
		ssh_options_set(rc.s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") == 0 &&
		ssh_options_set(rc.s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") == 0 &&
		ssh_options_set(rc.s, SSH_OPTIONS_TIMEOUT, &timeout) == 0);
	TC_REQUIRE(ssh_connect(rc.s) == SSH_OK);
	TC_REQUIRE(ssh_get_server_publickey(rc.s, &srv) == SSH_OK);
	TC_REQUIRE(ssh_pki_import_privkey_file(fx->hostkey, NULL, NULL, NULL, &want) == SSH_OK);
	TC_REQUIRE(ssh_key_cmp(srv, want, SSH_KEY_CMP_PUBLIC) == 0);
	TC_REQUIRE(ssh_pki_import_privkey_file(alice_key, NULL, NULL, NULL, &key) == SSH_OK);
	TC_REQUIRE(ssh_userauth_publickey(rc.s, NULL, key) == SSH_AUTH_SUCCESS);
	rc.ch = ssh_channel_new(rc.s);
	TC_REQUIRE(rc.ch && ssh_channel_open_session(rc.ch) == SSH_OK);
	TC_REQUIRE(ssh_channel_request_pty_size(rc.ch, "xterm", 80, 24) == SSH_OK);

	/* Before the shell: environment, X11, agent, a subsystem. */
	TC_CHECK(ssh_channel_request_env(rc.ch, "LD_PRELOAD", "/tmp/evil.so") == SSH_ERROR);
	TC_CHECK(ssh_channel_request_x11(rc.ch, 0, "MIT-MAGIC-COOKIE-1",
		"0123456789abcdef0123456789abcdef", 0) == SSH_ERROR);
	/* libssh's client sends auth-agent-req without asking for a reply, so the call cannot
	 * fail; libssh's server, with no agent callback set, ignores it (no agent channel is
	 * ever opened). What is checked is that the session goes on. */
	TC_CHECK(ssh_channel_request_auth_agent(rc.ch) == SSH_OK);
	TC_CHECK(ssh_channel_request_subsystem(rc.ch, "sftp") == SSH_ERROR);
	TC_REQUIRE(ssh_channel_request_shell(rc.ch) == SSH_OK);
	rc.sc = tc_screen_create(80, 24);
	TC_REQUIRE(raw_wait_text(&rc, PORTAL_MENU, TC_WAIT_MS));

	/* With the UI running: forwarding, a second channel, then the channel requests again. */
	int bound = 0;
	TC_CHECK(ssh_channel_listen_forward(rc.s, "127.0.0.1", 0, &bound) == SSH_ERROR);
	ssh_channel fwd = ssh_channel_new(rc.s);
	TC_REQUIRE(fwd != NULL);
	TC_CHECK(ssh_channel_open_forward(fwd, "127.0.0.1", fx->port, "127.0.0.1", 5555) ==
		SSH_ERROR);
	ssh_channel_free(fwd);
	ssh_channel second = ssh_channel_new(rc.s);
	TC_REQUIRE(second != NULL);
	TC_CHECK(ssh_channel_open_session(second) == SSH_ERROR);
	ssh_channel_free(second);
	TC_CHECK(ssh_channel_request_env(rc.ch, "TERM", "evil") == SSH_ERROR);
	TC_CHECK(ssh_channel_request_x11(rc.ch, 0, NULL, NULL, 0) == SSH_ERROR);
	TC_CHECK(ssh_channel_request_auth_agent(rc.ch) == SSH_OK);
	TC_CHECK(ssh_channel_request_subsystem(rc.ch, "sftp") == SSH_ERROR);
	/* Many more: refused every time, but the log is not flooded. */
	for (int i = 0; i < 50; i++)
		TC_CHECK(ssh_channel_request_env(rc.ch, "X", "y") == SSH_ERROR);
	TC_CHECK(raw_works(&rc));

	ssh_channel_send_eof(rc.ch);
	ssh_channel_close(rc.ch);
	ssh_channel_free(rc.ch);
	ssh_disconnect(rc.s);
	ssh_free(rc.s);
	tc_screen_destroy(rc.sc);
	ssh_key_free(srv);
	ssh_key_free(want);
	ssh_key_free(key);
	/* Each refusal is in the log (the first 10 per connection), then one line saying no more
	 * are logged. */
	static const char *const logged[] = {
		"request=environment-variable", "request=x11-forwarding",
		"request=subsystem", "request=remote-port-forwarding",
		"request=local-port-forwarding", "request=another-session-channel",
		"note=no-longer-logged",
	};
	size_t n;
	char *log = tc_fixture_read_log(fx, &n);
	int lines = 0;
	for (size_t i = 0; i < sizeof logged / sizeof logged[0]; i++)
		if (!TC_CHECK(strstr(log, logged[i]) != NULL))
			tc_note("not in the log: %s", logged[i]);
	for (const char *p = log; (p = strstr(p, " event=refused ")) != NULL; p++)
		lines++;
	tc_note("%d refusals logged for 61 refused requests", lines);
	TC_CHECK(lines <= 11);
	free(log);
	bystander_ok(fx, carol, "refused requests");
}

/* ---------------------------------------------------------------- a client that stops reading */

static void stops_reading(struct tc_fixture *fx, struct tc *carol, const char *alice_key)
{
	struct tc *tc = tc_login_key(fx, "alice", alice_key, "xterm-256color", 80, 24);
	long base, worst = 0;
	pid_t who = 0;

	tc_note("a client that stops reading while its screen is redrawn 200 times");
	TC_REQUIRE(portal_wait_menu(tc, TC_WAIT_MS));
	base = max_session_rss(fx, NULL);
	int64_t t0 = tc_now_ms();
	for (int i = 0; i < 200; i++)
		if (!TC_CHECK(tc_resize(tc, 400 - i % 2, 200 - i % 2) == 0))
			break;
	/* Meanwhile (and without alice reading) carol logs in and works. */
	member_works(fx);
	TC_CHECK(works(carol));
	/* Until 10 s have passed, watch the session processes' memory. */
	while (tc_now_ms() - t0 < 10000) {
		pid_t p = 0;
		long kb = max_session_rss(fx, &p);
		if (kb > worst) {
			worst = kb;
			who = p;
		}
		tc_wait_quiet(carol, 200, 200);   /* carol's screen: the 200 ms between samples */
	}
	tc_note("session VmRSS: %ld KiB before, at most %ld KiB (pid %d) while alice did not read",
		base, worst, (int)who);
	TC_CHECK(!MEM_CHECKED || (worst > 0 && worst < MEM_BOUND_KB));
	/* alice reads again: her session catches up and answers. */
	TC_CHECK(tc_resize(tc, 80, 24) == 0);
	TC_CHECK(portal_wait_menu(tc, 30000));
	TC_CHECK(tc_wait_quiet(tc, 500, 30000));
	TC_CHECK(works(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	bystander_ok(fx, carol, "a client that stopped reading");
}

/* ---------------------------------------------------------------- hostile credentials */

static void hostile_credentials(struct tc_fixture *fx, struct tc *carol)
{
	/* Invalid UTF-8 (a lone continuation byte, an overlong '/', a truncated sequence) and
	 * escape sequences (a title change, clear screen, a bell). libssh's client refuses ';'
	 * and quotes in a user name, so there are none. */
	static const char evil_user[] = "\x80\xc0\xaf\xe2\x82x\033]0 owned\007\033[2J";
	static const char evil_pw[] = "pw\xff\xfe\033[31m\xc3(\033]52;c;aGk=\007";
	char err[512];
	size_t n;

	tc_note("invalid UTF-8 and escape sequences as user name and password");
	struct tc *tc = tc_connect(fx, evil_user, "127.0.0.7", NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect: %s", err);
	TC_CHECK(tc_auth_password(tc, evil_pw) == SSH_AUTH_DENIED);
	TC_CHECK(tc_auth_kbdint(tc, evil_pw) == SSH_AUTH_DENIED);
	TC_CHECK(tc_auth_password(tc, TC_PASSWORD) == SSH_AUTH_DENIED);
	tc_close(tc);
	/* A real member name with a hostile password. */
	tc = tc_connect(fx, "alice", "127.0.0.7", NULL, err, sizeof err);
	if (!tc)
		tc_fail("connect: %s", err);
	TC_CHECK(tc_auth_password(tc, evil_pw) == SSH_AUTH_DENIED);
	TC_CHECK(tc_auth_kbdint(tc, evil_pw) == SSH_AUTH_DENIED);
	tc_close(tc);

	TC_REQUIRE(tc_fixture_alive(fx));
	/* The log: the user name escaped, the password nowhere, no raw control or high bytes. */
	bool seen = false;
	for (int64_t end = tc_now_ms() + TC_WAIT_MS; !seen && tc_now_ms() < end;) {
		char *log = tc_fixture_read_log(fx, &n);
		seen = strstr(log, "user=\\x80\\xc0\\xafx") != NULL ||
			strstr(log, "user=\\x80\\xc0\\xaf\\xe2\\x82x") != NULL;
		free(log);
		if (!seen)
			tc_wait_quiet(carol, 100, 100);
	}
	if (!TC_CHECK(seen))
		tc_fixture_dump_log(fx);
	char *log = tc_fixture_read_log(fx, &n);
	TC_CHECK(memchr(log, '\033', n) == NULL);
	TC_CHECK(memchr(log, '\007', n) == NULL);
	bool high = false;
	for (size_t i = 0; i < n; i++)
		high |= (unsigned char)log[i] >= 0x80;
	TC_CHECK(!high);
	TC_CHECK(strstr(log, "pw\\xff") == NULL && strstr(log, "aGk=") == NULL);
	TC_CHECK(strstr(log, "event=auth-fail user=alice ") != NULL);
	free(log);
	bystander_ok(fx, carol, "hostile credentials");
}

/* ---------------------------------------------------------------- idle unauthenticated flood */

static void idle_flood(struct tc_fixture *fx, struct tc *carol)
{
	int fds[100];
	int banners = 0, attempts = 0;
	char src[32], line[256];
	struct tc *tc = NULL;

	tc_note("100 idle unauthenticated connections from 20 addresses");
	for (int i = 0; i < 100; i++) {
		snprintf(src, sizeof src, "127.0.0.%d", 10 + i % 20);
		fds[i] = tc_raw_connect(fx->port, src);
		TC_REQUIRE(fds[i] >= 0);
	}
	for (int i = 0; i < 100; i++)
		if (tc_raw_read_line(fds[i], line, sizeof line, 2000) > 0 &&
		    strncmp(line, "SSH-2.0-", 8) == 0)
			banners++;
	tc_note("%d of them got a banner (the rest were refused by the pre-auth limits)",
		banners);
	/* The first 30 are below MaxStartups' start (and at most 2 per source): all served; from
	 * there on random early drop, reaching 100% at 100, so never all of them. */
	TC_CHECK(banners >= 30 && banners < 100);
	/* A member logs in from 127.0.0.1. MaxStartups may drop her first attempts, as OpenSSH
	 * would; a member's client tries again. */
	for (int64_t end = tc_now_ms() + 20000; !tc && tc_now_ms() < end;) {
		char err[512];
		attempts++;
		tc = tc_connect(fx, "carol", "127.0.0.1", NULL, err, sizeof err);
		if (tc && tc_auth_pubkey(tc, carol_key) != SSH_AUTH_SUCCESS) {
			tc_note("attempt %d: %s", attempts, tc_error(tc));
			tc_close(tc);
			tc = NULL;
		}
	}
	tc_note("carol logged in after %d attempt(s)", attempts);
	TC_REQUIRE(tc != NULL);
	TC_REQUIRE(tc_open_shell(tc, true, "xterm", 80, 24) == 0);
	TC_CHECK(portal_wait_menu(tc, TC_WAIT_MS));
	TC_CHECK(works(tc));
	TC_CHECK(portal_logoff(tc, "q") == 0);
	tc_close(tc);
	for (int i = 0; i < 100; i++)
		close(fds[i]);
	bystander_ok(fx, carol, "an idle flood");
}

int main(void)
{
	struct tc_fixture fx;
	struct tc_users u;

	tc_fixture_standard(&fx, &u, 170);
	tc_fixture_keygen(&fx, "carol_key", carol_key, sizeof carol_key);
	char pub[TC_PATH_MAX + 8];
	snprintf(pub, sizeof pub, "%s.pub", carol_key);
	TC_REQUIRE(tc_fixture_user_add(&fx, "carol", "member", TC_PASSWORD, pub) == 0);

	struct tc *carol = tc_login_key(&fx, "carol", carol_key, "xterm-256color", 80, 24);
	TC_REQUIRE(portal_wait_menu(carol, TC_WAIT_MS));

	paste_flood(&fx, carol, u.alice_key);
	refused_requests(&fx, carol, u.alice_key);
	stops_reading(&fx, carol, u.alice_key);
	hostile_credentials(&fx, carol);
	idle_flood(&fx, carol);

	TC_CHECK(portal_logoff(carol, "q") == 0);
	tc_close(carol);
	TC_REQUIRE(tc_fixture_alive(&fx));
	member_works(&fx);
	return tc_done();
}
