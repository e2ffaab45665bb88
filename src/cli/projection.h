/*
 * One month's projection: the billable egress measured so far plus the
 * forecast of the remaining days (src/forecast), shared by `costs project`
 * and `costs plot project`.
 */
#ifndef COSTS_CLI_PROJECTION_H
#define COSTS_CLI_PROJECTION_H

#include "cli/cli.h"
#include "forecast/forecast.h"

/* The outcome of one projection: egress quantiles for the whole month. */
struct projection {
	int32_t month_first, month_last, as_of;
	double mtd;           /* measured so far this month */
	size_t measured_days; /* days of this month with data */
	struct forecast_result fc;
	double p10, p50, p90; /* month totals */
	double *cum_p50;      /* cumulative p50 egress by day of the month */
};

/*
 * Projects the month containing as_of from the store's data up to and
 * including as_of (history: up to FORECAST_WINDOW days).  Returns 0, or 1
 * after printing an error.  Release *p with projection_release.
 */
int cli_project(struct cli *cli, struct store *st, int32_t as_of, const char *host,
                struct projection *p);
void projection_release(struct projection *p);

#endif
