/*
 * test-cmd-challenge: the command interface's challenge commands (challenge, challenge list /
 * show / submit / endorse / unendorse) run through cmd_run on a real store, with stdin,
 * stdout and stderr as memory streams: the exact limits (an explanation of 8192 bytes taken,
 * 8193 refused whole; a title of 160 bytes taken, 161 refused; a NUL or invalid UTF-8
 * refused), --id tokens (64 characters taken, 65 or a bad character a usage error; a retry
 * answers the same and stores one), areas by name or number (unknown: usage error), endorse
 * twice is one, unendorse, one's own refused, a withdrawn one gone for others, a hidden one
 * blanked for members and shown to moderators, usage errors (status 2), and no control byte
 * in any output.
 */
#include "cmd/cmd.h"
#include "tests/unit/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct store *st;
static struct store_user *alice, *bob, *mod;

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
	FILE *in = body && n ? fmemopen((void *)body, n, "r") : fopen("/dev/null", "r");
	FILE *out = open_memstream(&r.out, &r.outn), *err = open_memstream(&r.err, &r.errn);

	CHECK(in && out && err);
	CHECK_INT(cmd_split(line, &words, &nw, &why), 0);
	r.status = cmd_run(st, u, nw, words, in, out, err);
	fclose(in);
	fclose(out);
	fclose(err);
	cmd_words_free(words);
	for (size_t i = 0; i < r.outn; i++)
		CHECK(r.out[i] == '\n' || (unsigned char)r.out[i] >= 0x20);
	for (size_t i = 0; i < r.errn; i++)
		CHECK(r.err[i] == '\n' || (unsigned char)r.err[i] >= 0x20);
	return r;
}

/* Runs line and checks its status (and, if not NULL, that want is in stdout or stderr). */
static void expect(struct store_user *u, const char *line, const char *body, size_t n,
	int status, const char *want)
{
	struct run r = run_cmd(u, line, body, n);
	CHECK_INT(r.status, status);
	if (want && !strstr(r.out, want) && !strstr(r.err, want)) {
		CHECK(!"output lacks the wanted text");
		fprintf(stderr, "  '%s': wanted '%s' in:\n%s%s\n", line, want, r.out, r.err);
	}
	run_finish(&r);
}

static struct store_user *add_user(const char *handle, int role)
{
	struct store_user u = { .handle = (char *)handle, .display_name = (char *)"",
		.role = role };
	struct store_user *got = NULL;
	CHECK_INT(store_user_add(st, &u, NULL), 0);
	CHECK_INT(store_user_get(st, handle, &got), 0);
	return got;
}

/* The number of challenge rows u's `challenge list` shows. */
static int rows(struct store_user *u)
{
	struct run r = run_cmd(u, "challenge list", NULL, 0);
	int n = 0;
	for (const char *p = r.out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
		if (*p >= '0' && *p <= '9')
			n++;
	run_finish(&r);
	return n;
}

/* Submits as u; returns the new id (0 on failure). */
static int64_t submit(struct store_user *u, const char *line, const char *body)
{
	struct run r = run_cmd(u, line, body, strlen(body));
	long long id = 0;
	CHECK_INT(r.status, 0);
	CHECK(sscanf(r.out, "submitted: challenge %lld", &id) == 1);
	run_finish(&r);
	return id;
}

static void t_setup(void)
{
	st = open_new("cmd-challenge.db");
	alice = add_user("alice", STORE_ROLE_MEMBER);
	bob = add_user("bob", STORE_ROLE_MEMBER);
	mod = add_user("mod", STORE_ROLE_MODERATOR);
}

static void t_limits(void)
{
	char *body = repeat('b', STORE_CHALLENGE_BODY_MAX + 1);
	char line[512];

	/* 8193 bytes: refused whole; 8192: taken. */
	expect(alice, "challenge submit --title Big --area global", body,
		STORE_CHALLENGE_BODY_MAX + 1, 1, "too large");
	CHECK_INT(rows(alice), 0);
	body[STORE_CHALLENGE_BODY_MAX] = '\0';
	CHECK(submit(alice, "challenge submit --title Exact --area global", body) > 0);
	free(body);

	/* A NUL or invalid UTF-8: refused. */
	expect(alice, "challenge submit --title Nul --area global", "a\0b", 3, 1, "UTF-8");
	expect(alice, "challenge submit --title Bad --area global", "a\xff", 2, 1, "UTF-8");

	/* Titles of 160 and 161 bytes. */
	char *title = repeat('t', STORE_CHALLENGE_TITLE_MAX + 1);
	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge submit --title %s --area 1", title), 0);
	expect(alice, line, "x", 1, 1, "title is too long");
	title[STORE_CHALLENGE_TITLE_MAX] = '\0';
	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge submit --title %s --area 1", title), 0);
	CHECK(submit(alice, line, "x") > 0);
	free(title);
	CHECK_INT(rows(bob), 2);
}

static void t_tokens(void)
{
	char line[512];
	char *tok = repeat('k', 65);

	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge submit --title T --area global "
		"--id %s", tok), 0);
	expect(bob, line, "x", 1, 2, "usage: challenge");
	tok[64] = '\0';
	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge submit --title Tok --area global "
		"--area national --id %s", tok), 0);
	int64_t a = submit(bob, line, "first");
	int64_t b = submit(bob, line, "first");   /* the retry */
	CHECK(a > 0 && a == b);
	free(tok);
	expect(bob, "challenge submit --title T --area global --id a/b", "x", 1, 2, NULL);
	expect(bob, "challenge submit --title T --area global --id ''", "x", 1, 2, NULL);
	CHECK_INT(rows(bob), 3);
}

static void t_usage(void)
{
	expect(bob, "challenge nonsense", NULL, 0, 2, "usage: challenge");
	expect(bob, "challenge question extra", NULL, 0, 2, NULL);
	expect(bob, "challenge show", NULL, 0, 2, NULL);
	expect(bob, "challenge show 0", NULL, 0, 2, NULL);
	expect(bob, "challenge show 12x", NULL, 0, 2, NULL);
	expect(bob, "challenge show 1 2", NULL, 0, 2, NULL);
	expect(bob, "challenge endorse", NULL, 0, 2, NULL);
	expect(bob, "challenge unendorse -1", NULL, 0, 2, NULL);
	expect(bob, "challenge list --area", NULL, 0, 2, NULL);
	expect(bob, "challenge list --area 99", NULL, 0, 2, "no such focus area");
	expect(bob, "challenge submit --title T", "x", 1, 2, NULL);
	expect(bob, "challenge submit --title T --area", "x", 1, 2, NULL);
	expect(bob, "challenge submit --title T --area moon", "x", 1, 2, "no such focus area");
	expect(bob, "challenge submit --title T --area global --colour red", "x", 1, 2, NULL);
	expect(bob, "challenge", NULL, 0, 0, "Question 1: Open");
	expect(bob, "help", NULL, 0, 0, "challenge submit --title TITLE --area AREA");
	CHECK_INT(rows(bob), 3);
}

static void t_endorse(void)
{
	int64_t id = submit(alice, "challenge submit --title 'Slow takedowns' --area technology",
		"Takedown requests take weeks.\n");
	char line[64];

	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge endorse %lld", (long long)id), 0);
	expect(bob, line, NULL, 0, 0, "(1 endorsement)");
	expect(bob, line, NULL, 0, 0, "(1 endorsement)");   /* twice is one */
	expect(mod, line, NULL, 0, 0, "(2 endorsements)");
	expect(alice, line, NULL, 0, 1, "your own");
	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge unendorse %lld", (long long)id), 0);
	expect(bob, line, NULL, 0, 0, "taken back: challenge");
	expect(bob, line, NULL, 0, 0, "(1 endorsement)");
	expect(bob, "challenge endorse 987654", NULL, 0, 1, "no challenge 987654");

	/* Hidden: members see the reason only and cannot endorse it; the moderator sees it. */
	CHECK_INT(store_challenge_hide(st, mod->id, id, "Needs sources"), 0);
	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge show %lld", (long long)id), 0);
	struct run r = run_cmd(bob, line, NULL, 0);
	CHECK_INT(r.status, 0);
	CHECK(strstr(r.out, "[hidden by a moderator: Needs sources]") != NULL);
	CHECK(strstr(r.out, "Slow takedowns") == NULL && strstr(r.out, "take weeks") == NULL);
	run_finish(&r);
	r = run_cmd(mod, "challenge list", NULL, 0);
	CHECK(strstr(r.out, "Slow takedowns [hidden by a moderator: Needs sources]") != NULL);
	run_finish(&r);
	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge endorse %lld", (long long)id), 0);
	expect(bob, line, NULL, 0, 1, "cannot endorse this challenge");

	/* Withdrawn by its author: gone for the others, still shown to her as withdrawn. */
	int64_t w = submit(alice, "challenge submit --title Withdrawn --area 2", "x");
	CHECK_INT(store_challenge_withdraw(st, w, alice->id), 0);
	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge show %lld", (long long)w), 0);
	expect(bob, line, NULL, 0, 1, "no challenge");
	expect(alice, line, NULL, 0, 0, "Withdrawn by its author");
	CHECK_INT(bbs_snprintf(line, sizeof line, "challenge endorse %lld", (long long)w), 0);
	expect(bob, line, NULL, 0, 1, "no challenge");
	r = run_cmd(bob, "challenge list --mine", NULL, 0);
	CHECK(strstr(r.out, "Withdrawn") == NULL && strstr(r.out, "Tok") != NULL);
	run_finish(&r);
}

static void t_teardown(void)
{
	store_user_free(alice);
	store_user_free(bob);
	store_user_free(mod);
	store_close(st);
}

int main(void)
{
	static void (*const steps[])(void) = { t_setup, t_limits, t_tokens, t_usage, t_endorse,
		t_teardown };
	return tmpdir_main("test-cmd-challenge", BBS_LOG_ERROR, steps,
		sizeof steps / sizeof steps[0]);
}
