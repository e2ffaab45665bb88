/*
 * compare's output: a pricing_quote as an aligned table, as CSV (the
 * contract header of DESIGN §2, columns only ever added at the end) or as
 * JSON.  `costs compare` and `costs export compare` write through these.
 */
#ifndef COSTS_REPORT_COMPARE_H
#define COSTS_REPORT_COMPARE_H

#include <stdio.h>

#include "pricing/quote.h"

/* What row p prices: "2x standard", the config's list, or "-". */
const char *report_compare_instances(const struct pricing_plan *p, char *buf, size_t len);

/*
 * How p's compute was found: "config" (its [provider] section says what runs
 * there), "need" (the cheapest fit for the need) or "unknown".
 */
const char *report_compare_fit(const struct pricing_plan *p);

/*
 * The line that heads q's rows: the need matched and where it came from,
 * or that compute is unknown and the order is by egress and fees only;
 * "" when neither applies.  Returns buf.
 */
char *report_compare_note(const struct pricing_quote *q, char *buf, size_t len);

/*
 * Writes the rows of q as a table with amounts in cents, then the notes
 * that apply: a row using an uncertain figure, compute not priced, rows in
 * several currencies.  Returns 0, or -1 on a write error or when out of
 * memory.
 */
int report_compare_table(FILE *f, const struct pricing_quote *q);

/*
 * Writes q as CSV: the header, then one row per plan in q's order, money
 * with at least two decimals.  Returns 0 or -1.
 */
int report_compare_csv(FILE *f, const struct pricing_quote *q);

/* Writes q as a JSON array of objects, one per plan.  Returns 0 or -1. */
int report_compare_json(FILE *f, const struct pricing_quote *q);

/*
 * Writes, for the cheapest row of each provider in q (q's order), every
 * egress up to PRICING_SEARCH_LIMIT at which the cheaper of each pair
 * changes (pricing_breakeven with m, the money q was priced with), one line
 * per pair.  Returns 0, or -1 with e set on a pricing or write error.
 */
int report_compare_breakeven(FILE *f, const struct pricing_money *m, const struct pricing_quote *q,
                             struct err *e);

/*
 * Writes the migration view: against row `now` of q (what runs now), every
 * other row's monthly difference, one-off costs (setup fees, and with
 * overlap a month of running both) and the months to pay them back
 * (pricing_migration with m, the money q was priced with).  Returns 0, or
 * -1 with e set on a pricing or write error.
 */
int report_compare_migration(FILE *f, const struct pricing_money *m, const struct pricing_quote *q,
                             size_t now, bool overlap, struct err *e);

#endif
