#include "report/plotdata.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare.h"

int report_plot_project(const struct projection *p, int32_t as_of, struct plot_project_day **days,
                        size_t *n)
{
	size_t len = (size_t)(p->month_last - p->month_first + 1);
	struct plot_project_day *d = calloc(len, sizeof(*d));

	if (!d)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int32_t day = p->month_first + (int32_t)i;
		double lo, mid, hi;
		projection_band(p, i, &lo, &mid, &hi);
		d[i].day = day;
		d[i].has_actual = day <= as_of && p->measured[i];
		d[i].actual = (uint64_t)llround(mid);
		d[i].has_forecast = day >= as_of;
		d[i].p50 = (uint64_t)llround(mid);
		d[i].p10 = (uint64_t)llround(lo);
		d[i].p90 = (uint64_t)llround(hi);
	}
	*days = d;
	*n = len;
	return 0;
}

int report_plot_compare(const struct pricing_quote *q, struct report_plot_compare *out)
{
	memset(out, 0, sizeof(*out));
	out->rows = calloc(q->n ? q->n : 1, sizeof(*out->rows));
	out->inst = calloc(q->n ? q->n : 1, sizeof(*out->inst));
	if (!out->rows || !out->inst) {
		report_plot_compare_release(out);
		return -1;
	}
	/* Converted rows come first in a quote; bars in two currencies cannot share an axis. */
	for (size_t i = 0; i < q->n && q->rows[i].converted; i++) {
		const struct pricing_bill *b = &q->rows[i].bill;
		const struct pricing_plan *p = q->rows[i].plan;
		report_compare_instances(p, out->inst[out->n], sizeof(out->inst[out->n]));
		out->rows[out->n] = (struct plot_compare_row){.provider = p->provider,
		                                              .plan = p->plan,
		                                              .base = b->base + b->seats,
		                                              .compute = b->compute,
		                                              .egress = b->egress,
		                                              .other = b->other + b->vat,
		                                              .total = b->total,
		                                              .instances = out->inst[out->n],
		                                              .fit = report_compare_fit(p),
		                                              .uncertain = p->uncertain};
		out->n++;
	}
	out->left_out = q->n - out->n;
	for (size_t i = out->n; i < q->n; i++) {
		size_t l = strlen(out->skipped);
		if (!strstr(out->skipped, q->rows[i].bill.currency) && l < 50)
			snprintf(out->skipped + l, sizeof(out->skipped) - l, "%s%s", l ? ", " : "",
			         q->rows[i].bill.currency);
	}
	return 0;
}

void report_plot_compare_release(struct report_plot_compare *c)
{
	free(c->rows);
	free(c->inst);
	c->rows = NULL;
	c->inst = NULL;
}
