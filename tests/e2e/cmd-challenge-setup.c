/*
 * cmd-challenge-setup: puts challenge-question state into a test portal through the store API
 * for cmd-challenge.sh: what bbsctl cannot do and the command
 * interface must not (moderator actions, closing the question, silencing a member), as the
 * moderator MOD (the challenge functions refuse the console's actor 0).
 *
 *   cmd-challenge-setup DIR MOD close             the current question closed a minute ago
 *   cmd-challenge-setup DIR MOD reveal on|off     answer-before-reveal on the current question
 *   cmd-challenge-setup DIR MOD hide ID REASON
 *   cmd-challenge-setup DIR MOD merge FROM INTO
 *   cmd-challenge-setup DIR MOD silence HANDLE    for a day, with a reason
 *
 * A test tool only: never run it on a real portal's data.
 */
#include "common/common.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int question_set(struct store *st, int64_t mod, bool close, int reveal)
{
	struct store_question q = { 0 };
	int r = store_question_current(st, &q);
	if (r == 0) {
		int64_t opens = q.opens, closes = q.closes;
		if (close) {
			opens = 0;
			closes = bbs_now() - 60;
		}
		r = store_question_update(st, mod, q.id, q.text, q.intro, opens, closes,
			reveal < 0 ? q.reveal_after_answer : reveal == 1);
	}
	store_question_finish(&q);
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: cmd-challenge-setup DIR MOD ACTION ARGS...\n");
		return 2;
	}
	char path[4096];
	struct store *st = NULL;
	if (bbs_snprintf(path, sizeof path, "%s/portal.db", argv[1]) != 0 ||
	    store_open(path, &st) != 0) {
		fprintf(stderr, "cannot open %s\n", path);
		return 1;
	}
	struct store_user *m = NULL;
	int r = store_user_get(st, argv[2], &m);
	int64_t mod = r == 0 ? m->id : -1;
	store_user_free(m);
	argc--;
	argv++;  /* now as without MOD */
	const char *a = argv[2];
	r = BBS_ERR_INVALID;
	if (strcmp(a, "close") == 0 && argc == 3) {
		r = question_set(st, mod, true, -1);
	} else if (strcmp(a, "reveal") == 0 && argc == 4) {
		r = question_set(st, mod, false, strcmp(argv[3], "on") == 0 ? 1 : 0);
	} else if (strcmp(a, "hide") == 0 && argc == 5) {
		r = store_challenge_hide(st, mod, strtoll(argv[3], NULL, 10), argv[4]);
	} else if (strcmp(a, "merge") == 0 && argc == 5) {
		r = store_challenge_merge(st, mod, strtoll(argv[3], NULL, 10),
			strtoll(argv[4], NULL, 10));
	} else if (strcmp(a, "silence") == 0 && argc == 4) {
		struct store_user *u = NULL;
		r = store_user_get(st, argv[3], &u);
		if (r == 0)
			r = store_silence(st, mod, u->id, bbs_now() + 86400, "Cooling off");
		store_user_free(u);
	}
	store_close(st);
	if (r != 0) {
		fprintf(stderr, "cmd-challenge-setup %s: %s\n", a, bbs_strerror(r));
		return 1;
	}
	return 0;
}
