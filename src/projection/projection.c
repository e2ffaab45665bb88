/*
 * Month-to-date plus forecast for one month, from the store.  The one place
 * that decides which measurements a projected bill is based on.
 */
#include "projection/projection.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

struct day_sum {
	int32_t from, to;
	double *days;
};

static int day_add(const struct store_total *r, bool billable, void *arg)
{
	struct day_sum *d = arg;
	int32_t day;

	if (date_parse_day(r->period, &day, NULL) || day < d->from || day > d->to)
		return 0;
	if (isnan(d->days[day - d->from]))
		d->days[day - d->from] = 0; /* measured, even if nothing billable */
	if (billable)
		d->days[day - d->from] += (double)r->egress_bytes;
	return 0;
}

int projection_daily_egress(struct store *st, const struct config *cfg, int32_t from, int32_t to,
                            const char *host, double *days, struct err *e)
{
	struct day_sum d = {.from = from, .to = to, .days = days};

	for (int32_t day = from; day <= to; day++)
		days[day - from] = NAN;
	return pricing_egress_rows(st, cfg, host, from, to, false, day_add, &d, e) ? -1 : 0;
}

void projection_release(struct projection *p)
{
	forecast_release(&p->fc);
	free(p->cum_p50);
	free(p->measured);
	p->cum_p50 = NULL;
	p->measured = NULL;
}

bool projection_widened(const struct projection *p)
{
	return p->fc.little_history && p->as_of < p->month_last;
}

void projection_band(const struct projection *p, size_t i, double *p10, double *p50, double *p90)
{
	double c = p->cum_p50[i];
	double lo = p->fc.sum_p50 > 0 ? p->fc.sum_p10 / p->fc.sum_p50 : 1;
	double hi = p->fc.sum_p50 > 0 ? p->fc.sum_p90 / p->fc.sum_p50 : 1;

	*p50 = c;
	*p10 = p->mtd + (c - p->mtd) * lo;
	*p90 = p->mtd + (c - p->mtd) * hi;
}

int projection_run(struct store *st, const struct config *cfg, int32_t as_of, const char *host,
                   struct projection *p, struct err *e)
{
	int32_t hist_first = as_of - (FORECAST_WINDOW - 1);
	size_t n = (size_t)(as_of - hist_first + 1);
	double *days = malloc(n * sizeof(*days));
	int rc = -1;

	memset(p, 0, sizeof(*p));
	p->as_of = as_of;
	p->month_first = date_month_first(as_of);
	p->month_last = p->month_first + date_days_in_month(as_of) - 1;
	size_t ndays = (size_t)(p->month_last - p->month_first + 1);
	p->cum_p50 = calloc(ndays, sizeof(double));
	p->measured = calloc(ndays, sizeof(bool));
	if (!days || !p->cum_p50 || !p->measured) {
		err_set(e, "out of memory");
		goto out;
	}
	if (projection_daily_egress(st, cfg, hist_first, as_of, host, days, e))
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
	if (forecast_run(&in, &p->fc, e))
		goto out;
	double cum = 0;
	for (int32_t d = p->month_first; d <= p->month_last; d++) {
		if (d <= as_of) {
			double v = days[d - hist_first];
			if (!isnan(v)) {
				cum += v;
				p->mtd += v;
				p->measured_days++;
				p->measured[d - p->month_first] = true;
			}
		} else {
			cum += p->fc.daily[d - as_of - 1];
		}
		p->cum_p50[d - p->month_first] = cum;
	}
	p->p10 = p->mtd + p->fc.sum_p10;
	p->p50 = p->mtd + p->fc.sum_p50;
	p->p90 = p->mtd + p->fc.sum_p90;
	/* Bytes are priced as 64-bit integers: refuse what cannot be one. */
	if (!(p->p90 < 9.2e18)) {
		err_set(e,
		        "the projected egress for the month (%.3g bytes) is beyond what costs can "
		        "price (2^63-1 bytes): check the imported totals",
		        p->p90);
		goto out;
	}
	rc = 0;
out:
	free(days);
	if (rc)
		projection_release(p);
	return rc;
}

static int cmp_bills(const void *a, const void *b)
{
	const struct projection_bill *x = a, *y = b;
	int c = strcmp(x->bill[1].currency, y->bill[1].currency);
	if (c)
		return c;
	if (x->bill[1].total != y->bill[1].total)
		return x->bill[1].total < y->bill[1].total ? -1 : 1;
	c = strcmp(x->plan->provider, y->plan->provider);
	return c ? c : strcmp(x->plan->plan, y->plan->plan);
}

int projection_price(const struct projection *p, const struct pricing_plan *plans, size_t n,
                     const struct pricing_money *m, struct projection_bill *rows, struct err *e)
{
	const double q[3] = {p->p10, p->p50, p->p90};
	struct pricing_money plain;
	struct err sub;
	bool conv;

	if (!m) {
		pricing_money_init(&plain);
		m = &plain;
	}
	for (size_t i = 0; i < n; i++) {
		rows[i].plan = &plans[i];
		rows[i].exhausted_on = -1;
		/* Rounded per line as the invoice is, so what is shown, written and
		 * held against a budget is the invoice's figure, not micro-units. */
		for (int k = 0; k < 3; k++)
			if (pricing_money_bill(m, &plans[i], (uint64_t)llround(q[k]),
			                       &rows[i].bill[k], &conv, &sub))
				return err_set(e, "%s/%s: %s", plans[i].provider, plans[i].plan,
				               sub.msg);
		if (plans[i].unlimited || plans[i].included == 0)
			continue;
		for (int32_t d = p->month_first; d <= p->month_last; d++)
			if (p->cum_p50[d - p->month_first] > (double)plans[i].included) {
				rows[i].exhausted_on = d;
				break;
			}
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_bills);
	return 0;
}

const int projection_backtest_days[PROJECTION_BACKTEST_DAYS] = {7, 14, 21};

void projection_backtest_release(struct projection_backtest *b)
{
	free(b->trials);
	memset(b, 0, sizeof(*b));
}

/* The month's truth: its total, when every day of it was measured. */
static int month_truth(struct store *st, const struct config *cfg, const char *host, int32_t m,
                       double *truth, struct err *e)
{
	int32_t mlast = m + date_days_in_month(m) - 1;
	double *days = malloc((size_t)(mlast - m + 1) * sizeof(*days));
	size_t have = 0;

	*truth = 0;
	if (!days)
		return err_set(e, "out of memory");
	if (projection_daily_egress(st, cfg, m, mlast, host, days, e)) {
		free(days);
		return -1;
	}
	for (int32_t d = m; d <= mlast; d++)
		if (!isnan(days[d - m])) {
			*truth += days[d - m];
			have++;
		}
	free(days);
	if (have < (size_t)(mlast - m + 1))
		*truth = 0;
	return 0;
}

int projection_backtest(struct store *st, const struct config *cfg, const char *host, int32_t today,
                        struct projection_backtest *out, struct err *e)
{
	int32_t first, last;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	if (store_day_range(st, &first, &last, e))
		return -1;
	if (first < 0)
		return err_set(e, "no data in '%s' to backtest", store_path(st));
	for (int32_t m = date_month_first(first); m <= last; m += date_days_in_month(m)) {
		int32_t mlast = m + date_days_in_month(m) - 1;
		double truth;
		/* Only months that are over and fully measured have a truth to compare. */
		if (mlast >= today || mlast > last)
			continue;
		if (month_truth(st, cfg, host, m, &truth, e))
			goto fail;
		if (truth <= 0)
			continue;
		for (int k = 0; k < PROJECTION_BACKTEST_DAYS; k++) {
			struct projection p;
			if (projection_run(st, cfg, m + projection_backtest_days[k] - 1, host, &p,
			                   e))
				goto fail;
			if (out->n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct projection_trial *v = realloc(out->trials, nc * sizeof(*v));
				if (!v) {
					projection_release(&p);
					err_set(e, "out of memory");
					goto fail;
				}
				out->trials = v;
				cap = nc;
			}
			struct projection_trial *t = &out->trials[out->n++];
			t->month_first = m;
			t->as_of = p.as_of;
			t->truth = truth;
			t->p10 = p.p10;
			t->p50 = p.p50;
			t->p90 = p.p90;
			t->error = (p.p50 - truth) / truth;
			t->inside = p.p10 <= truth && truth <= p.p90;
			out->runs[k]++;
			out->inside[k] += t->inside;
			out->abserr[k] += fabs(t->error);
			projection_release(&p);
		}
	}
	if (out->runs[0] == 0) {
		err_set(e, "no complete past month in '%s' to backtest", store_path(st));
		goto fail;
	}
	return 0;
fail:
	projection_backtest_release(out);
	return -1;
}
