/*
 * test-cmd-messages: the command interface's private-message commands (messages, message
 * read, message send, block, unblock, blocked) run through cmd_run on a real store, with
 * stdin/stdout/stderr as memory streams: output format, unread marks, a third member refused
 * like a missing message, bodies refused whole (too large, invalid UTF-8, NUL), --id
 * idempotence, blocking, usage errors (status 2), no control byte in any output.
 */
#include "cmd/cmd.h"
#include "tests/unit/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct store *st;
static struct store_user *alice, *bob, *carol;

struct run {
	int status;
	char *out, *err;
	size_t outn, errn;
};

static void run_finish(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* Runs line (split like bbscmd does) as u with body (may be NULL, n bytes) on stdin. */
static struct run run_cmd(struct store_user *u, const char *line, const char *body, size_t n)
{
	struct run r = { 0 };
	char **words = NULL;
	int nw = 0;
	const char *why = NULL;
	FILE *in = body ? fmemopen((void *)body, n ? n : 1, "r") : fopen("/dev/null", "r");
	FILE *out = open_memstream(&r.out, &r.outn), *err = open_memstream(&r.err, &r.errn);

	if (body && n == 0) {   /* an empty body: fmemopen cannot take size 0 */
		fclose(in);
		in = fopen("/dev/null", "r");
	}
	CHECK(in && out && err);
	CHECK_INT(cmd_split(line, &words, &nw, &why), 0);
	r.status = cmd_run(st, u, nw, words, in, out, err);
	fclose(in);
	fclose(out);
	fclose(err);
	cmd_words_free(words);
	/* Never a control byte but newlines. */
	for (size_t i = 0; i < r.outn; i++)
		CHECK(r.out[i] == '\n' || (unsigned char)r.out[i] >= 0x20);
	for (size_t i = 0; i < r.errn; i++)
		CHECK(r.err[i] == '\n' || (unsigned char)r.err[i] >= 0x20);
	return r;
}

static struct store_user *add_user(const char *handle)
{
	struct store_user u = { .handle = (char *)handle, .display_name = (char *)"" };
	struct store_user *got = NULL;
	CHECK_INT(store_user_add(st, &u, NULL), 0);
	CHECK_INT(store_user_get(st, handle, &got), 0);
	return got;
}

static int64_t last_id;

static void t_setup(void)
{
	st = open_new("cmd.db");
	alice = add_user("alice");
	bob = add_user("bob");
	carol = add_user("carol");
}

static void t_send_list_read(void)
{
	static const char body[] = "Hello bob,\nsee you \033[2J soon.\n";
	struct run r = run_cmd(alice, "message send bob --subject 'Pilot plans'", body,
		sizeof body - 1);
	CHECK_INT(r.status, 0);
	CHECK(sscanf(r.out, "sent: message %lld to bob", (long long *)&last_id) == 1);
	run_finish(&r);

	r = run_cmd(bob, "messages", NULL, 0);
	CHECK_INT(r.status, 0);
	char want[64];
	snprintf(want, sizeof want, "*%lld  ", (long long)last_id);
	CHECK(strstr(r.out, want) == r.out);
	CHECK(strstr(r.out, "  alice  Pilot plans\n") != NULL);
	CHECK(strstr(r.out, "1 unread\n") != NULL);
	run_finish(&r);

	char line[64];
	snprintf(line, sizeof line, "message read %lld", (long long)last_id);
	r = run_cmd(bob, line, NULL, 0);
	CHECK_INT(r.status, 0);
	CHECK(strstr(r.out, "From: alice\n") != NULL);
	CHECK(strstr(r.out, "Subject: Pilot plans\n") != NULL);
	CHECK(strstr(r.out, "  see you ^[[2J soon.\n") != NULL);
	run_finish(&r);

	r = run_cmd(bob, "messages", NULL, 0);
	CHECK(strstr(r.out, "0 unread\n") != NULL);
	CHECK(r.out[0] == ' ');
	run_finish(&r);

	r = run_cmd(alice, "messages --sent", NULL, 0);
	CHECK_INT(r.status, 0);
	CHECK(strstr(r.out, "to bob  Pilot plans") != NULL);
	run_finish(&r);

	/* carol: the answer for a message that does not exist. */
	r = run_cmd(carol, line, NULL, 0);
	CHECK_INT(r.status, 1);
	CHECK(r.outn == 0);
	CHECK(strstr(r.err, "no message") != NULL);
	run_finish(&r);
	r = run_cmd(carol, "messages", NULL, 0);
	CHECK(strstr(r.out, "no messages") != NULL && !strstr(r.out, "Pilot"));
	run_finish(&r);
}

static int64_t inbox_count(struct store_user *u)
{
	struct store_message *v = NULL;
	size_t n = 0;
	CHECK_INT(store_message_list(st, u->id, STORE_INBOX, 0, 500, &v, &n), 0);
	store_message_list_free(v, n);
	return (int64_t)n;
}

static void t_refused_whole(void)
{
	int64_t before = inbox_count(bob);
	size_t big = STORE_MESSAGE_MAX + 1;
	char *text = xmalloc(big);
	memset(text, 'a', big);
	struct run r = run_cmd(alice, "message send bob --subject Big", text, big);
	CHECK_INT(r.status, 1);
	CHECK(strstr(r.err, "too large") && strstr(r.err, "nothing was sent"));
	run_finish(&r);
	free(text);

	static const char bad[] = "bad \xff\xfe bytes";
	r = run_cmd(alice, "message send bob --subject Bad", bad, sizeof bad - 1);
	CHECK_INT(r.status, 1);
	CHECK(strstr(r.err, "not valid UTF-8") != NULL);
	run_finish(&r);

	static const char nul[] = "a\0b";
	r = run_cmd(alice, "message send bob --subject Nul", nul, 3);
	CHECK_INT(r.status, 1);
	run_finish(&r);

	r = run_cmd(alice, "message send bob --subject Empty", "", 0);
	CHECK_INT(r.status, 1);
	run_finish(&r);
	r = run_cmd(alice, "message send alice --subject Self", "x", 1);
	CHECK_INT(r.status, 1);
	run_finish(&r);
	r = run_cmd(alice, "message send nobody --subject x", "x", 1);
	CHECK_INT(r.status, 1);
	CHECK(strstr(r.err, "no member with that handle") != NULL);
	run_finish(&r);
	CHECK_INT(inbox_count(bob), before);
}

static void t_usage(void)
{
	static const char *const bad[] = {
		"message", "message read", "message read x", "message read 0", "message send",
		"message send bob", "message send bob --subject", "message send bob --title x",
		"message send bob --subject x --id 'no spaces'", "messages extra", "block",
		"blocked now", "message frobnicate 1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct run r = run_cmd(alice, bad[i], "x", 1);
		CHECK_INT(r.status, 2);
		CHECK(strstr(r.err, "usage:") != NULL);
		run_finish(&r);
	}
}

static void t_idempotent(void)
{
	int64_t before = inbox_count(bob);
	struct run a = run_cmd(alice, "message send bob --subject Again --id tok-1", "x", 1);
	struct run b = run_cmd(alice, "message send bob --subject Again --id tok-1", "x", 1);
	CHECK_INT(a.status, 0);
	CHECK_INT(b.status, 0);
	CHECK_STR(a.out, b.out);
	run_finish(&a);
	run_finish(&b);
	CHECK_INT(inbox_count(bob), before + 1);
}

static void t_block(void)
{
	struct run r = run_cmd(bob, "block alice", NULL, 0);
	CHECK_INT(r.status, 0);
	run_finish(&r);
	r = run_cmd(bob, "blocked", NULL, 0);
	CHECK(strncmp(r.out, "alice", 5) == 0);
	run_finish(&r);
	r = run_cmd(alice, "message send bob --subject Blocked", "x", 1);
	CHECK_INT(r.status, 1);
	CHECK(strstr(r.err, "bob does not accept messages from you") != NULL);
	run_finish(&r);
	CHECK_INT(inbox_count(bob), 0);   /* her earlier messages are hidden too */
	r = run_cmd(bob, "block bob", NULL, 0);
	CHECK_INT(r.status, 1);
	run_finish(&r);
	r = run_cmd(bob, "unblock alice", NULL, 0);
	CHECK_INT(r.status, 0);
	run_finish(&r);
	r = run_cmd(bob, "blocked", NULL, 0);
	CHECK(strstr(r.out, "you block nobody") != NULL);
	run_finish(&r);
	r = run_cmd(alice, "message send bob --subject Unblocked", "x", 1);
	CHECK_INT(r.status, 0);
	run_finish(&r);
}

static void t_help(void)
{
	struct run r = run_cmd(alice, "help", NULL, 0);
	CHECK(strstr(r.out, "messages") && strstr(r.out, "message send HANDLE --subject") &&
		strstr(r.out, "block HANDLE"));
	run_finish(&r);
}

static void t_teardown(void)
{
	store_user_free(alice);
	store_user_free(bob);
	store_user_free(carol);
	store_close(st);
}

int main(void)
{
	static void (*const steps[])(void) = { t_setup, t_send_list_read, t_refused_whole, t_usage,
		t_idempotent, t_block, t_help, t_teardown };
	return tmpdir_main("test-cmd-messages", BBS_LOG_ERROR, steps, sizeof steps / sizeof steps[0]);
}
