/*
 * What the plots draw, made from the same projection and quote the text
 * outputs print: the plot library knows nothing of bills or forecasts, so
 * the mapping lives here, once, beside the other writers.
 */
#ifndef COSTS_REPORT_PLOTDATA_H
#define COSTS_REPORT_PLOTDATA_H

#include <stddef.h>
#include <stdint.h>

#include "plot/plot.h"
#include "pricing/quote.h"
#include "projection/projection.h"

/*
 * The month of p as plot days: the measured cumulative line up to as_of
 * (a day without data is a gap, not a zero) and the p10/p50/p90 band from
 * as_of on.  *days is allocated (free()).  Returns 0 or -1 (out of memory).
 */
int report_plot_project(const struct projection *p, int32_t as_of, struct plot_project_day **days,
                        size_t *n);

/* The bars of plot compare: the quote's rows billed in its currency. */
struct report_plot_compare {
	struct plot_compare_row *rows;
	size_t n;
	size_t left_out;  /* rows in another currency (not converted) */
	char skipped[64]; /* their currencies, "EUR, GBP" */
	char (*inst)[96]; /* storage of the rows' instances text */
};

/* Fills out from q, in q's order.  Returns 0 or -1 (out of memory). */
int report_plot_compare(const struct pricing_quote *q, struct report_plot_compare *out);
void report_plot_compare_release(struct report_plot_compare *c);

#endif
