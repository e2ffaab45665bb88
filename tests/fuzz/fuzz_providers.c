/*
 * Fuzz target: the provider table parser and validator (CSV through libcsv,
 * every field parser, the cross-row checks), and for a table that checks
 * clean, selection and a bill at a few egress volumes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/date.h"
#include "pricing/pricing.h"
#include "pricing/pricing_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pricing_problem *probs = NULL;
	struct pricing_tables ts = {0};
	struct table t;
	size_t n = 0;
	struct err e;
	FILE *f;

	if (size == 0)
		return 0;
	if (!(f = fmemopen((void *)data, size, "r")))
		return 0;
	if (pricing_table_parse(f, "fuzz.csv", &t, &probs, &n, &e) == 0) {
		if (n == 0) {
			static const uint64_t volumes[] = {0, 1, 999999999, 1300000000000ULL,
			                                   UINT64_MAX};
			struct pricing_select sel = {0};
			struct pricing_plan *p = NULL;
			size_t np = 0;

			ts.t = &t;
			ts.n = 1;
			sel.month = date_from_civil(2026, 5, 1);
			sel.first_month = true;
			if (pricing_select(&ts, &sel, &p, &np, &e) == 0) {
				for (size_t i = 0; i < np; i++)
					for (size_t v = 0; v < 5; v++) {
						struct pricing_bill b;
						pricing_bill(&p[i], volumes[v], &b, &e);
					}
				free(p);
			}
		}
		pricing_table_release(&t);
	}
	free(probs);
	fclose(f);
	return 0;
}
