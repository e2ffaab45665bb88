/*
 * Fuzz target: the parser of a Prometheus /api/v1/query answer that
 * `import --prometheus` reads from the network (fleet_parse), with the
 * range check of the day labels.
 */
#include <stddef.h>
#include <stdint.h>

#include "fleet/fleet.h"
#include "util/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fleet_pull p = {0};
	struct err e;
	int32_t from = date_from_civil(2026, 11, 24), to = date_from_civil(2026, 12, 1);

	fleet_parse((const char *)data, size, from, to, &p, &e);
	fleet_pull_release(&p);
	return 0;
}
