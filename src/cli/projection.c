/*
 * Month-to-date plus forecast for one month, from the store.
 */
#include "cli/projection.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "cli/egress.h"

void projection_release(struct projection *p)
{
	forecast_release(&p->fc);
	free(p->cum_p50);
	p->cum_p50 = NULL;
}

int cli_project(struct cli *cli, struct store *st, int32_t as_of, const char *host,
                struct projection *p)
{
	int32_t hist_first = as_of - (FORECAST_WINDOW - 1);
	size_t n = (size_t)(as_of - hist_first + 1);
	double *days = malloc(n * sizeof(*days));
	struct err e;
	int rc = 1;

	memset(p, 0, sizeof(*p));
	p->as_of = as_of;
	p->month_first = date_month_first(as_of);
	p->month_last = p->month_first + date_days_in_month(as_of) - 1;
	p->cum_p50 = calloc((size_t)(p->month_last - p->month_first + 1), sizeof(double));
	if (!days || !p->cum_p50) {
		cli_error("out of memory");
		goto out;
	}
	if (cli_daily_egress(cli, st, hist_first, as_of, host, days))
		goto out;
	/* Start the history at the first day with data, so that the days before
	 * measuring began do not count as missing. */
	size_t skip = 0;
	while (skip < n && isnan(days[skip]))
		skip++;
	struct forecast_input in = {.values = days + skip,
	                            .n = n - skip,
	                            .first_day = hist_first + (int32_t)skip,
	                            .horizon = (size_t)(p->month_last - as_of)};
	if (forecast_run(&in, &p->fc, &e)) {
		cli_error("%s", e.msg);
		goto out;
	}
	double cum = 0;
	for (int32_t d = p->month_first; d <= p->month_last; d++) {
		if (d <= as_of) {
			double v = days[d - hist_first];
			if (!isnan(v)) {
				cum += v;
				p->mtd += v;
				p->measured_days++;
			}
		} else {
			cum += p->fc.daily[d - as_of - 1];
		}
		p->cum_p50[d - p->month_first] = cum;
	}
	p->p10 = p->mtd + p->fc.sum_p10;
	p->p50 = p->mtd + p->fc.sum_p50;
	p->p90 = p->mtd + p->fc.sum_p90;
	rc = 0;
out:
	free(days);
	if (rc)
		projection_release(p);
	return rc;
}
