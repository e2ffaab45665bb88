/*
 * One month's projection above forecast and store: the billable egress
 * measured so far plus the forecast of the remaining days, the day-by-day
 * path and band that `plot project` draws, shared by `costs project` and
 * `costs plot project`.  It reads totals; it prices nothing.
 */
#ifndef COSTS_PROJECTION_PROJECTION_H
#define COSTS_PROJECTION_PROJECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "forecast/forecast.h"
#include "pricing/pricing.h"
#include "pricing/quote.h"
#include "store/store.h"
#include "util/err.h"

/*
 * Fills days[0 .. to - from] with the billable egress bytes of each day
 * from `from` to `to` (inclusive), summed over hosts (or only `host` when
 * not NULL): for each host and day one source (nft, else pcap, else import,
 * else interface counters), so traffic measured twice is not billed twice,
 * and only services the config marks billable.  A day with no data at all
 * is NAN.  Returns 0, or -1 with a message.
 */
int projection_daily_egress(struct store *st, const struct config *cfg, int32_t from, int32_t to,
                            const char *host, double *days, struct err *e);

/* The outcome of one projection: egress quantiles for the whole month. */
struct projection {
	int32_t month_first, month_last, as_of;
	double mtd;           /* measured so far this month */
	size_t measured_days; /* days of this month with data */
	struct forecast_result fc;
	double p10, p50, p90; /* month totals */
	double *cum_p50;      /* cumulative p50 egress by day of the month */
	bool *measured;       /* by day of the month: the day has data */
};

/*
 * Projects the month containing as_of from the store's data up to and
 * including as_of (history: up to FORECAST_WINDOW days).  A projection
 * beyond 2^63-1 bytes is an error (nothing can price it).  Returns 0, or -1
 * with a message.  Release *p with projection_release.
 */
int projection_run(struct store *st, const struct config *cfg, int32_t as_of, const char *host,
                   struct projection *p, struct err *e);
void projection_release(struct projection *p);

/* Whether the forecast part of p was widened for lack of history. */
bool projection_widened(const struct projection *p);

/*
 * The band of day i of the month (0-based): the cumulative p10, p50 and p90
 * egress at the end of that day, widening from the measured total as the
 * forecast's sum does.
 */
void projection_band(const struct projection *p, size_t i, double *p10, double *p50, double *p90);

/* A plan's bills at the projected egress quantiles. */
struct projection_bill {
	const struct pricing_plan *plan;
	struct pricing_bill bill[3]; /* p10, p50, p90 */
	int32_t exhausted_on;        /* first day the p50 path passes the allowance, or -1 */
};

/*
 * Prices the projection on every plan as the provider's invoice would, the
 * way compare does (pricing_money_bill): each line rounded half up to cents,
 * the total their sum, converted line by line and VAT added on the rounded
 * net as m says (NULL: the plan's own currency, no VAT), so the lines of
 * every bill add up to its total.  Bills never fall as egress grows, so the
 * bill quantiles are the bills of the egress quantiles (the egress
 * quantiles themselves stay exact).  Fills rows[0 .. n-1] (pointing into
 * plans), sorted by currency, then p50 total, provider and plan.  Returns
 * 0, or -1 with a message naming the plan.
 */
int projection_price(const struct projection *p, const struct pricing_plan *plans, size_t n,
                     const struct pricing_money *m, struct projection_bill *rows, struct err *e);

/* One month of a backtest: the forecast made on a day against the truth. */
struct projection_trial {
	int32_t month_first, as_of;
	double truth, p10, p50, p90;
	double error; /* (p50 - truth) / truth */
	bool inside;  /* p10 <= truth <= p90 */
};

/* The days of the month a backtest projects from. */
#define PROJECTION_BACKTEST_DAYS 3
extern const int projection_backtest_days[PROJECTION_BACKTEST_DAYS];

struct projection_backtest {
	struct projection_trial *trials; /* by month, then day */
	size_t n;
	int runs[PROJECTION_BACKTEST_DAYS], inside[PROJECTION_BACKTEST_DAYS];
	double abserr[PROJECTION_BACKTEST_DAYS]; /* sums of |error| */
};

/*
 * Replays the projection over every complete, fully measured month before
 * today, from days 7, 14 and 21.  No such month is an error.  Returns 0, or
 * -1 with a message; release with projection_backtest_release.
 */
int projection_backtest(struct store *st, const struct config *cfg, const char *host, int32_t today,
                        struct projection_backtest *out, struct err *e);
void projection_backtest_release(struct projection_backtest *b);

#endif
