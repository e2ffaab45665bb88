/* Fuzz target: the config parser (INI structure, match rules, values). */
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = NULL;
	struct err e;

	if (config_parse((const char *)data, size, "fuzz.conf", &c, &e) == 0)
		config_free(c);
	return 0;
}
