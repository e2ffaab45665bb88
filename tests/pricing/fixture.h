/*
 * Set-up shared by the pricing unit tests: the shipped provider tables of
 * $SRCDIR/providers, loaded once per group (cmocka's group set-up), and the
 * units the hand-worked figures are written in.  Include after cmocka.h.
 */
#ifndef COSTS_TESTS_PRICING_FIXTURE_H
#define COSTS_TESTS_PRICING_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "util/num.h"
#include "pricing/pricing.h"

#define GB     1000000000ULL
#define TB     1000000000000ULL
#define TiB    1099511627776ULL
#define GiB    1073741824ULL
#define MiB    1048576ULL
#define USD(x) ((int64_t)((x)*1000000.0 + 0.5)) /* readable constants only */

static struct pricing_tables *tables;

static int setup(void **state)
{
	const char *src = getenv("SRCDIR");
	char dir[4096];
	struct err e;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/providers", src ? src : ".");
	if (pricing_load_dir(dir, &tables, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pricing_tables_free(tables);
	return 0;
}

/* Fails with both amounts (micro-units, shown to the micro-unit) when they differ. */
static inline void expect(const char *what, int64_t got, int64_t want)
{
	char g[32], w[32];
	if (got != want)
		fail_msg("%s: got %s, want %s", what, num_format_fixed(got, 6, 6, g, 32),
		         num_format_fixed(want, 6, 6, w, 32));
}

#endif
