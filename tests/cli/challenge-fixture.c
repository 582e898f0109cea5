/*
 * challenge-fixture: writes challenge-question data into a test portal through the store API,
 * for tests/cli/bbsctl.sh (bbsctl has no commands that submit or endorse: members do that in
 * the UI). Test use only; never run it on a real portal.
 *
 *   challenge-fixture DIR submit HANDLE AREA_SLUG TITLE [BODY]   (prints the new id)
 *   challenge-fixture DIR endorse HANDLE ID
 *   challenge-fixture DIR hide HANDLE ID REASON
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "store/store.h"

static int64_t user_id(struct store *st, const char *handle)
{
	struct store_user *u = NULL;
	int64_t id = store_user_get(st, handle, &u) == BBS_OK ? u->id : 0;
	store_user_free(u);
	return id;
}

static int64_t area_id(struct store *st, const char *slug)
{
	struct store_area *v = NULL;
	size_t n = 0;
	int64_t id = 0;
	if (store_area_list(st, &v, &n) == BBS_OK)
		for (size_t i = 0; i < n; i++)
			if (strcmp(v[i].slug, slug) == 0)
				id = v[i].id;
	store_area_list_free(v, n);
	return id;
}

int main(int argc, char **argv)
{
	struct store *st = NULL;
	struct store_question q = { 0 };
	int r = BBS_ERR_INVALID;

	if (argc < 5) {
		fprintf(stderr, "usage: challenge-fixture DIR submit|endorse|hide HANDLE ...\n");
		return 2;
	}
	char *path = xasprintf("%s/portal.db", argv[1]);
	if ((r = store_open(path, &st)) != 0 || (r = store_question_current(st, &q)) != 0)
		goto out;
	int64_t user = user_id(st, argv[3]);
	if (strcmp(argv[2], "submit") == 0 && (argc == 6 || argc == 7)) {
		int64_t area = area_id(st, argv[4]), id = 0;
		r = store_challenge_submit(st, q.id, user, argv[5], argc == 7 ? argv[6]
			: "Explained here.", &area, 1, NULL, &id);
		if (r == 0)
			printf("%lld\n", (long long)id);
	} else if (strcmp(argv[2], "endorse") == 0 && argc == 5) {
		r = store_challenge_endorse(st, strtoll(argv[4], NULL, 10), user, true);
	} else if (strcmp(argv[2], "hide") == 0 && argc == 6) {
		r = store_challenge_hide(st, user, strtoll(argv[4], NULL, 10), argv[5]);
	}
out:
	if (r != 0)
		fprintf(stderr, "challenge-fixture: %s\n", bbs_strerror(r));
	store_question_finish(&q);
	store_close(st);
	free(path);
	return r == 0 ? 0 : 1;
}
