/*
 * apply-fixture: submits an application for membership through the store API, for
 * tests/cli/bbsctl.sh (bbsctl has no command that applies: newcomers do that in the UI as
 * guests). Test use only; never run it on a real portal.
 *
 *   apply-fixture DIR HANDLE NAME REASON (--key PUBFILE | --password PASSWORD)
 *
 * Organisation, sector, country and contact are fixed test values. Prints the new user id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "keys/keys.h"
#include "store/store.h"

int main(int argc, char **argv)
{
	struct store *st = NULL;
	struct keys_pub k = { 0 };
	char hash[KEYS_PWHASH_LEN] = "";
	const char *reason = NULL;
	char *path = NULL;
	int r = BBS_ERR_INVALID;

	if (argc != 7 || (strcmp(argv[5], "--key") != 0 && strcmp(argv[5], "--password") != 0)) {
		fprintf(stderr, "usage: apply-fixture DIR HANDLE NAME REASON "
			"(--key PUBFILE | --password PASSWORD)\n");
		return 2;
	}
	if (keys_init() != 0)
		return 1;
	struct store_application_form f = {
		.handle = argv[2], .display_name = argv[3], .organisation = "Example Org",
		.sector = "Civil society", .country = "Narnia", .reason = argv[4],
		.contact = "by e-mail: applicant@example.org",
	};
	if (strcmp(argv[5], "--key") == 0) {
		if ((r = keys_parse_file(argv[6], &k, &reason)) != 0) {
			fprintf(stderr, "apply-fixture: %s: %s\n", argv[6], reason ? reason : "?");
			goto out;
		}
		f.cred.key_type = k.type;
		f.cred.key_blob = k.blob;
		f.cred.key_fp = k.fingerprint;
		f.cred.key_comment = k.comment;
	} else {
		if ((r = keys_password_hash(argv[6], strlen(argv[6]), hash)) != 0)
			goto out;
		f.cred.pwhash = hash;
	}
	path = xasprintf("%s/portal.db", argv[1]);
	int64_t id = 0;
	if ((r = store_open(path, &st)) != 0 || (r = store_application_submit(st, &f, &id)) != 0)
		goto out;
	printf("%lld\n", (long long)id);
out:
	if (r != 0)
		fprintf(stderr, "apply-fixture: %s\n", bbs_strerror(r));
	keys_pub_finish(&k);
	store_close(st);
	free(path);
	return r == 0 ? 0 : 1;
}
