/*
 * Forecast of daily egress for the rest of a month from the recent daily
 * series: a robust level (medians), a weekday profile, a robust trend
 * (Theil-Sen), and an interval built from the empirical quantiles of the
 * in-sample residuals, scaled for the number of days ahead and for the
 * uncertainty of the level and trend.  Pure arithmetic: no store, no
 * pricing, no time zone; deterministic for the same input.
 */
#ifndef COSTS_FORECAST_H
#define COSTS_FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* History shorter than this many observed days is "little history". */
#define FORECAST_MIN_DAYS 7
/* At most this many days before the forecast origin are used. */
#define FORECAST_WINDOW 56

struct forecast_input {
	const double *values; /* daily egress; values[n - 1] is the origin day; NAN = missing */
	size_t n;             /* days of history, the origin included */
	int32_t first_day;    /* day number of values[0], for the weekday profile */
	size_t horizon;       /* days to forecast after the origin */
};

struct forecast_result {
	double *daily; /* horizon p50 values; owned, see forecast_release */
	size_t horizon;
	double sum_p10, sum_p50, sum_p90; /* sum over the horizon */
	size_t observed;                  /* non-missing days used */
	bool little_history;              /* fewer than FORECAST_MIN_DAYS observed days */
	double level;                     /* deseasonalised level at the origin, bytes/day */
	double slope;                     /* trend, bytes/day per day */
	double weekday[7];                /* multiplicative profile, Monday first, mean 1 */
	double resid_p10, resid_p90;      /* empirical quantiles of relative residuals */
};

/*
 * Forecasts in->horizon days after the origin.  With no observed day at all
 * the forecast is zero with a zero-width interval.  Returns 0, or -1 when
 * out of memory.  Release the result with forecast_release.
 */
int forecast_run(const struct forecast_input *in, struct forecast_result *out, struct err *e);
void forecast_release(struct forecast_result *r);

#endif
