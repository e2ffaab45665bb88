/*
 * Writers for projections.  Egress stays exact integers in CSV and JSON and
 * money keeps its micro-units there; only the table rounds.
 */
#include "report/project.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "report/table.h"
#include "util/csvio.h"
#include "util/date.h"
#include "util/num.h"

const char *const report_project_header[12] = {
    "month",      "as_of",      "provider",  "plan",      "currency",  "egress_p10",
    "egress_p50", "egress_p90", "total_p10", "total_p50", "total_p90", "allowance_exhausted_on"};

static const char *money(int64_t v, char *buf, size_t len)
{
	return num_format_fixed(v, 6, 2, buf, len);
}

static const char *day_or_empty(int32_t d, char buf[static 11])
{
	if (d < 0) {
		buf[0] = '\0';
		return buf;
	}
	return date_format_day(d, buf);
}

int report_project_csv(FILE *f, const struct projection *p, const struct projection_bill *rows,
                       size_t n)
{
	char m[8], a[11], eq[3][24], t[3][32], ex[11];

	if (csvio_write_row(f, report_project_header, 12))
		return -1;
	date_format_month(p->month_first, m);
	date_format_day(p->as_of, a);
	snprintf(eq[0], sizeof(eq[0]), "%.0f", p->p10);
	snprintf(eq[1], sizeof(eq[1]), "%.0f", p->p50);
	snprintf(eq[2], sizeof(eq[2]), "%.0f", p->p90);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 3; k++)
			money(rows[i].bill[k].total, t[k], sizeof(t[k]));
		const char *cells[12] = {m,
		                         a,
		                         rows[i].plan->provider,
		                         rows[i].plan->plan,
		                         rows[i].bill[1].currency,
		                         eq[0],
		                         eq[1],
		                         eq[2],
		                         t[0],
		                         t[1],
		                         t[2],
		                         day_or_empty(rows[i].exhausted_on, ex)};
		if (csvio_write_row(f, cells, 12))
			return -1;
	}
	return 0;
}

int report_project_json(FILE *f, const struct projection *p, const struct projection_bill *rows,
                        size_t n)
{
	char m[8], a[11], t[3][32], ex[11];
	json_t *plans = json_array();
	int rc;

	if (!plans)
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 3; k++)
			money(rows[i].bill[k].total, t[k], sizeof(t[k]));
		json_t *o = json_pack(
		    "{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "provider", rows[i].plan->provider,
		    "plan", rows[i].plan->plan, "currency", rows[i].bill[1].currency, "total_p10",
		    t[0], "total_p50", t[1], "total_p90", t[2], "allowance_exhausted_on",
		    rows[i].exhausted_on < 0 ? json_null()
		                             : json_string(day_or_empty(rows[i].exhausted_on, ex)));
		if (!o || json_array_append_new(plans, o)) {
			json_decref(plans);
			return -1;
		}
	}
	date_format_month(p->month_first, m);
	date_format_day(p->as_of, a);
	json_t *doc = json_pack("{s:s, s:s, s:I, s:I, s:b, s:I, s:I, s:I, s:o}", "month", m,
	                        "as_of", a, "measured_bytes", (json_int_t)llround(p->mtd),
	                        "measured_days", (json_int_t)p->measured_days, "little_history",
	                        projection_widened(p), "egress_p10", (json_int_t)llround(p->p10),
	                        "egress_p50", (json_int_t)llround(p->p50), "egress_p90",
	                        (json_int_t)llround(p->p90), "plans", plans);
	if (!doc)
		return -1;
	rc = json_dumpf(doc, f, JSON_INDENT(2)) != 0 || fputc('\n', f) == EOF ? -1 : 0;
	json_decref(doc);
	return rc;
}

/* The last column: when the p50 path uses up the plan's allowance. */
static const char *exhausted(const struct projection_bill *r, char *buf, size_t len)
{
	if (r->plan->unlimited)
		snprintf(buf, len, "unmetered");
	else if (r->plan->included == 0)
		snprintf(buf, len, "none included");
	else if (r->exhausted_on < 0)
		snprintf(buf, len, "not this month");
	else
		date_format_day(r->exhausted_on, buf);
	return buf;
}

int report_project_table(FILE *f, const struct projection *p, const struct projection_bill *rows,
                         size_t n)
{
	static const char *const head[] = {"provider", "plan",     "bill p10",         "bill p50",
	                                   "bill p90", "currency", "allowance used up"};
	char m[8], a[11], b[3][32], mtd[32];
	struct report_table *t;
	int rc = -1;

	date_format_month(p->month_first, m);
	date_format_day(p->as_of, a);
	if (fprintf(f, "%s as of %s: %zu of %d days measured, %s so far\n", m, a, p->measured_days,
	            date_days_in_month(p->month_first),
	            num_format_bytes((uint64_t)p->mtd, mtd, sizeof(mtd))) < 0 ||
	    fprintf(f, "egress for the month: p10 %s, p50 %s, p90 %s\n",
	            num_format_bytes((uint64_t)p->p10, b[0], sizeof(b[0])),
	            num_format_bytes((uint64_t)p->p50, b[1], sizeof(b[1])),
	            num_format_bytes((uint64_t)p->p90, b[2], sizeof(b[2]))) < 0)
		return -1;
	if (n == 0)
		return 0;
	if (!(t = report_table_new(7, head, "llrrrll")))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c[3][32], ex[64];
		for (int k = 0; k < 3; k++)
			num_format_cents(rows[i].bill[k].total, c[k], sizeof(c[k]));
		const char *cells[7] = {rows[i].plan->provider,
		                        rows[i].plan->plan,
		                        c[0],
		                        c[1],
		                        c[2],
		                        rows[i].bill[1].currency,
		                        exhausted(&rows[i], ex, sizeof(ex))};
		if (report_table_add(t, cells))
			goto out;
	}
	if (fputc('\n', f) != EOF)
		rc = report_table_print(t, f);
out:
	report_table_free(t);
	return rc;
}

int report_backtest_table(FILE *f, const struct projection_backtest *b)
{
	static const char *const head[] = {"month", "as of", "truth",     "p10",
	                                   "p50",   "p90",   "p50 error", "inside"};
	struct report_table *t = report_table_new(8, head, "llrrrrrl");
	int rc = -1;

	if (!t)
		return -1;
	for (size_t i = 0; i < b->n; i++) {
		const struct projection_trial *r = &b->trials[i];
		char c[7][32];
		date_format_month(r->month_first, c[0]);
		date_format_day(r->as_of, c[1]);
		num_format_bytes((uint64_t)r->truth, c[2], sizeof(c[2]));
		num_format_bytes((uint64_t)r->p10, c[3], sizeof(c[3]));
		num_format_bytes((uint64_t)r->p50, c[4], sizeof(c[4]));
		num_format_bytes((uint64_t)r->p90, c[5], sizeof(c[5]));
		snprintf(c[6], sizeof(c[6]), "%+.1f %%", 100 * r->error);
		const char *cells[8] = {c[0], c[1], c[2], c[3],
		                        c[4], c[5], c[6], r->inside ? "yes" : "no"};
		if (report_table_add(t, cells))
			goto out;
	}
	if (report_table_print(t, f) || fputc('\n', f) == EOF)
		goto out;
	for (int k = 0; k < PROJECTION_BACKTEST_DAYS; k++)
		if (fprintf(f,
		            "day %2d: mean absolute p50 error %.1f %%, truth inside p10-p90 in %d "
		            "of %d months (%.0f %%)\n",
		            projection_backtest_days[k], 100 * b->abserr[k] / b->runs[k],
		            b->inside[k], b->runs[k], 100.0 * b->inside[k] / b->runs[k]) < 0)
			goto out;
	rc = 0;
out:
	report_table_free(t);
	return rc;
}
