/* libFuzzer target: one authorized_keys line (keys_parse_authorized). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		keys_init();
		ready = 1;
	}
	char *line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	struct keys_pub k = { 0 };
	const char *reason = NULL;
	if (keys_parse_authorized(line, &k, &reason) == 0) {
		/* A key that parses has every field, and a fingerprint in ssh-keygen's form. */
		if (!k.type || !k.blob || !k.comment || !k.fingerprint ||
		    strncmp(k.fingerprint, "SHA256:", 7) != 0)
			abort();
	} else if (!reason) {
		abort();
	}
	keys_pub_finish(&k);
	free(line);
	return 0;
}
