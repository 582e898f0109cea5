/* libFuzzer target: bbsd.conf parsing (config_parse). Errors must name a line; nothing crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bbsd/bbsd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bbsd_config cfg;
	char err[512];
	config_defaults(&cfg);
	int r = config_parse((const char *)data, size, "fuzz.conf", &cfg, err, sizeof err);
	if (r != 0 && strncmp(err, "fuzz.conf:", 10) != 0)
		abort();
	if (r == 0 && (cfg.nlisten > BBSD_MAX_LISTEN || cfg.port < 0 || cfg.port > 65535))
		abort();
	return 0;
}
