/*
 * costs project: month-to-date egress plus a forecast of the rest of the
 * month (src/forecast), and a backtest of that forecast over past months.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/select.h"
#include "util/date.h"
#include "cli/egress.h"
#include "forecast/forecast.h"
#include "pricing/pricing.h"
#include "cli/projection.h"
#include "util/csvio.h"
#include "util/num.h"
#include "report/table.h"

extern const struct cmd cmd_project;

enum {
	OPT_AS_OF = CLI_OPT_FIRST_FREE,
	OPT_BACKTEST,
	OPT_BUDGET,
};

/* A selected plan's bills at the projected egress quantiles. */
struct plan_row {
	const struct pricing_plan *plan;
	struct pricing_bill bill[3]; /* p10, p50, p90 */
	int32_t exhausted_on;        /* first day the p50 path passes the allowance, or -1 */
};

static int cmp_rows(const void *a, const void *b)
{
	const struct plan_row *x = a, *y = b;
	int c = strcmp(x->bill[1].currency, y->bill[1].currency);
	if (c)
		return c;
	if (x->bill[1].total != y->bill[1].total)
		return x->bill[1].total < y->bill[1].total ? -1 : 1;
	c = strcmp(x->plan->provider, y->plan->provider);
	return c ? c : strcmp(x->plan->plan, y->plan->plan);
}

/*
 * Prices the projection on every selected plan: bills grow with egress, so
 * the bill quantiles are the bills of the egress quantiles.  Returns 0 or 1
 * after printing an error.
 */
static int price_rows(const struct projection *p, const struct pricing_plan *plans, size_t n,
                      struct plan_row *rows)
{
	const double q[3] = {p->p10, p->p50, p->p90};
	struct err e;

	for (size_t i = 0; i < n; i++) {
		rows[i].plan = &plans[i];
		rows[i].exhausted_on = -1;
		for (int k = 0; k < 3; k++)
			if (pricing_bill(&plans[i], (uint64_t)llround(q[k]), &rows[i].bill[k], &e))
				return cli_error("%s/%s: %s", plans[i].provider, plans[i].plan,
				                 e.msg);
		if (plans[i].unlimited || plans[i].included == 0)
			continue;
		for (int32_t d = p->month_first; d <= p->month_last; d++)
			if (p->cum_p50[d - p->month_first] > (double)plans[i].included) {
				rows[i].exhausted_on = d;
				break;
			}
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);
	return 0;
}

static const char *money(int64_t v, char *buf, size_t len)
{
	return num_format_fixed(v, 6, 2, buf, len);
}

static int backtest(struct cli *cli, struct store *st, const char *host)
{
	static const int at[] = {7, 14, 21};
	int32_t first, last, today = date_today();
	struct report_table *t;
	struct err e;
	int runs[3] = {0}, inside[3] = {0};
	double abserr[3] = {0};
	int status = 1;

	if (store_day_range(st, &first, &last, &e))
		return cli_error("%s", e.msg);
	if (first < 0)
		return cli_error("no data in '%s' to backtest", store_path(st));
	static const char *const head[] = {"month", "as of", "truth",     "p10",
	                                   "p50",   "p90",   "p50 error", "inside"};
	t = report_table_new(8, head, "llrrrrrl");
	if (!t)
		return cli_error("out of memory");
	for (int32_t m = date_month_first(first); m <= last; m += date_days_in_month(m)) {
		int32_t mlast = m + date_days_in_month(m) - 1;
		double *days, truth = 0;
		size_t have = 0;
		/* Only months that are over and fully measured have a truth to compare. */
		if (mlast >= today || mlast > last)
			continue;
		days = malloc((size_t)(mlast - m + 1) * sizeof(*days));
		if (!days || cli_daily_egress(cli, st, m, mlast, host, days)) {
			free(days);
			goto out;
		}
		for (int32_t d = m; d <= mlast; d++)
			if (!isnan(days[d - m])) {
				truth += days[d - m];
				have++;
			}
		free(days);
		if (have < (size_t)(mlast - m + 1) || truth <= 0)
			continue;
		for (int k = 0; k < 3; k++) {
			struct projection p;
			char c[7][32];
			if (cli_project(cli, st, m + at[k] - 1, host, &p))
				goto out;
			double err = (p.p50 - truth) / truth;
			bool in = p.p10 <= truth && truth <= p.p90;
			runs[k]++;
			inside[k] += in;
			abserr[k] += fabs(err);
			date_format_month(m, c[0]);
			date_format_day(p.as_of, c[1]);
			num_format_bytes((uint64_t)truth, c[2], sizeof(c[2]));
			num_format_bytes((uint64_t)p.p10, c[3], sizeof(c[3]));
			num_format_bytes((uint64_t)p.p50, c[4], sizeof(c[4]));
			num_format_bytes((uint64_t)p.p90, c[5], sizeof(c[5]));
			snprintf(c[6], sizeof(c[6]), "%+.1f %%", 100 * err);
			const char *cells[8] = {c[0], c[1], c[2], c[3],
			                        c[4], c[5], c[6], in ? "yes" : "no"};
			projection_release(&p);
			if (report_table_add(t, cells))
				goto out;
		}
	}
	if (runs[0] == 0) {
		status = cli_error("no complete past month in '%s' to backtest", store_path(st));
		goto out;
	}
	report_table_print(t, stdout);
	printf("\n");
	for (int k = 0; k < 3; k++)
		printf("day %2d: mean absolute p50 error %.1f %%, truth inside p10-p90 in %d of %d "
		       "months (%.0f %%)\n",
		       at[k], 100 * abserr[k] / runs[k], inside[k], runs[k],
		       100.0 * inside[k] / runs[k]);
	status = 0;
out:
	report_table_free(t);
	return status;
}

static const char *day_or_empty(int32_t d, char buf[static 11])
{
	if (d < 0) {
		buf[0] = '\0';
		return buf;
	}
	return date_format_day(d, buf);
}

static int show_csv(const struct projection *p, const struct plan_row *rows, size_t n)
{
	static const char *const head[] = {"month",      "as_of",      "provider",
	                                   "plan",       "currency",   "egress_p10",
	                                   "egress_p50", "egress_p90", "total_p10",
	                                   "total_p50",  "total_p90",  "allowance_exhausted_on"};
	char m[8], a[11], eq[3][24], t[3][32], ex[11];

	if (csvio_write_row(stdout, head, 12))
		return 1;
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
		if (csvio_write_row(stdout, cells, 12))
			return 1;
	}
	return 0;
}

static int show_json(const struct projection *p, const struct plan_row *rows, size_t n)
{
	char m[8], a[11], t[3][32], ex[11];
	json_t *plans = json_array();
	int rc;

	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 3; k++)
			money(rows[i].bill[k].total, t[k], sizeof(t[k]));
		json_array_append_new(
		    plans, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "provider",
		                     rows[i].plan->provider, "plan", rows[i].plan->plan, "currency",
		                     rows[i].bill[1].currency, "total_p10", t[0], "total_p50", t[1],
		                     "total_p90", t[2], "allowance_exhausted_on",
		                     rows[i].exhausted_on < 0
		                         ? json_null()
		                         : json_string(day_or_empty(rows[i].exhausted_on, ex))));
	}
	date_format_month(p->month_first, m);
	date_format_day(p->as_of, a);
	json_t *doc = json_pack("{s:s, s:s, s:I, s:I, s:b, s:I, s:I, s:I, s:o}", "month", m,
	                        "as_of", a, "measured_bytes", (json_int_t)llround(p->mtd),
	                        "measured_days", (json_int_t)p->measured_days, "little_history",
	                        p->fc.little_history, "egress_p10", (json_int_t)llround(p->p10),
	                        "egress_p50", (json_int_t)llround(p->p50), "egress_p90",
	                        (json_int_t)llround(p->p90), "plans", plans);
	if (!doc)
		return 1;
	rc = json_dumpf(doc, stdout, JSON_INDENT(2)) != 0 || putchar('\n') == EOF;
	json_decref(doc);
	return rc;
}

static int show_table(struct cli *cli, const struct projection *p, const struct plan_row *rows,
                      size_t n)
{
	static const char *const head[] = {"provider", "plan",     "bill p10",         "bill p50",
	                                   "bill p90", "currency", "allowance used up"};
	char m[8], a[11], b[3][32], mtd[32];
	struct report_table *t;
	int rc;

	date_format_month(p->month_first, m);
	date_format_day(p->as_of, a);
	cli_verbose(cli,
	            "model: %zu days observed, level %.4g B/day, trend %+.4g B/day/day, "
	            "weekday factors %.2f %.2f %.2f %.2f %.2f %.2f %.2f, residual p10 %+.3f "
	            "p90 %+.3f",
	            p->fc.observed, p->fc.level, p->fc.slope, p->fc.weekday[0], p->fc.weekday[1],
	            p->fc.weekday[2], p->fc.weekday[3], p->fc.weekday[4], p->fc.weekday[5],
	            p->fc.weekday[6], p->fc.resid_p10, p->fc.resid_p90);
	printf("%s as of %s: %zu of %d days measured, %s so far\n", m, a, p->measured_days,
	       date_days_in_month(p->month_first),
	       num_format_bytes((uint64_t)p->mtd, mtd, sizeof(mtd)));
	printf("egress for the month: p10 %s, p50 %s, p90 %s\n",
	       num_format_bytes((uint64_t)p->p10, b[0], sizeof(b[0])),
	       num_format_bytes((uint64_t)p->p50, b[1], sizeof(b[1])),
	       num_format_bytes((uint64_t)p->p90, b[2], sizeof(b[2])));
	if (n == 0)
		return 0;
	if (!(t = report_table_new(7, head, "llrrrll")))
		return 1;
	for (size_t i = 0; i < n; i++) {
		char c[3][32], ex[64];
		for (int k = 0; k < 3; k++)
			num_format_cents(rows[i].bill[k].total, c[k], sizeof(c[k]));
		if (rows[i].plan->unlimited)
			snprintf(ex, sizeof(ex), "unmetered");
		else if (rows[i].plan->included == 0)
			snprintf(ex, sizeof(ex), "none included");
		else if (rows[i].exhausted_on < 0)
			snprintf(ex, sizeof(ex), "not this month");
		else
			day_or_empty(rows[i].exhausted_on, ex);
		const char *cells[7] = {rows[i].plan->provider,
		                        rows[i].plan->plan,
		                        c[0],
		                        c[1],
		                        c[2],
		                        rows[i].bill[1].currency,
		                        ex};
		if (report_table_add(t, cells)) {
			report_table_free(t);
			return 1;
		}
	}
	putchar('\n');
	rc = report_table_print(t, stdout);
	report_table_free(t);
	return rc;
}

/* Exit status 3 and one line on stderr when the p50 bill is over budget. */
static int check_budget(const struct projection *p, const struct plan_row *r, int64_t budget)
{
	char m[8], t[32], bud[32];

	if (r->bill[1].total <= budget)
		return 0;
	fflush(stdout);
	fprintf(stderr,
	        "costs: budget exceeded: the projected bill for %s %s in %s is %s %s (p50, "
	        "%s to %s), over the budget of %s %s\n",
	        r->plan->provider, r->plan->plan, date_format_month(p->month_first, m),
	        r->bill[1].currency, money(r->bill[1].total, t, sizeof(t)),
	        money(r->bill[0].total, (char[32]){0}, 32),
	        money(r->bill[2].total, (char[32]){0}, 32), money(budget, bud, sizeof(bud)),
	        r->bill[1].currency);
	return EXIT_BUDGET;
}

static int exec_project(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"month", required_argument, NULL, CLI_OPT_MONTH},
	    {"as-of", required_argument, NULL, OPT_AS_OF},
	    {"host", required_argument, NULL, CLI_OPT_HOST},
	    {"format", required_argument, NULL, CLI_OPT_FORMAT},
	    {"backtest", no_argument, NULL, OPT_BACKTEST},
	    CLI_SELECT_LONGOPTS,
	    {"budget", required_argument, NULL, OPT_BUDGET},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum cli_format fmt = CLI_FORMAT_TABLE;
	const char *host = NULL;
	int32_t month_first = -1, month_last = -1, as_of = -1, today = date_today();
	bool do_backtest = false, budget_set = false;
	int64_t budget = 0;
	struct pricing_select sel;
	struct pricing_tables *tables = NULL;
	struct pricing_plan *plans = NULL;
	struct plan_row *rows = NULL;
	size_t nplans = 0;
	struct projection p;
	struct store *st;
	struct err e;
	int opt, rc;

	memset(&sel, 0, sizeof(sel));
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_project);
			return 0;
		case CLI_OPT_MONTH:
			if (date_parse_month(optarg, &month_first, &month_last, &e))
				return cli_usage(&cmd_project, "%s", e.msg);
			break;
		case OPT_AS_OF:
			if (date_parse_day(optarg, &as_of, &e))
				return cli_usage(&cmd_project, "%s", e.msg);
			break;
		case CLI_OPT_HOST:
			host = optarg;
			break;
		case CLI_OPT_FORMAT:
			if ((rc = cli_parse_format(&cmd_project, optarg, &fmt)))
				return rc;
			break;
		case OPT_BACKTEST:
			do_backtest = true;
			break;
		case OPT_BUDGET:
			if (num_parse_fixed(optarg, 6, &budget, &e) || budget < 0)
				return cli_usage(
				    &cmd_project,
				    "bad --budget '%s' (an amount such as 150 or 99.50, in "
				    "the plan's currency)",
				    optarg);
			budget_set = true;
			break;
		default:
			rc = opt == '?' || opt == ':'
			         ? 1
			         : cli_select_option(&cmd_project, &sel, opt, optarg);
			if (rc == 1)
				return cli_bad_option(&cmd_project, opt, argv[optind - 1]);
			if (rc)
				return rc;
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_project, "unexpected argument '%s'", argv[optind]);
	if (as_of < 0)
		as_of = month_first >= 0 && month_last < today ? month_last : today;
	if (month_first >= 0 && (as_of < month_first || as_of > month_last))
		return cli_usage(&cmd_project, "--as-of %s is not in --month %s",
		                 date_format_day(as_of, (char[11]){0}),
		                 date_format_month(month_first, (char[8]){0}));
	if (do_backtest && budget_set)
		return cli_usage(&cmd_project, "--budget does not go with --backtest");
	if (!(sel.config = cli_config(cli)) || !(st = cli_open_store(cli, false)))
		return 1;
	if (do_backtest) {
		rc = backtest(cli, st, host);
		store_close(st);
		return rc;
	}
	rc = cli_project(cli, st, as_of, host, &p);
	store_close(st);
	if (rc)
		return rc;
	if (p.measured_days == 0 && p.fc.observed == 0) {
		projection_release(&p);
		return cli_error("no egress recorded up to %s: nothing to project from",
		                 date_format_day(as_of, (char[11]){0}));
	}
	if (p.fc.little_history)
		cli_warn(cli, "only %zu days of history: the interval is widened", p.fc.observed);

	sel.month = p.month_first;
	if (pricing_load_dir(cli->providers_dir, &tables, &e)) {
		rc = cli_error("%s", e.msg);
		goto out;
	}
	if (pricing_select(tables, &sel, &plans, &nplans, &e)) {
		rc = cli_error("%s", e.msg);
		goto out;
	}
	cli_select_notes(cli, plans, nplans);
	if (budget_set && nplans != 1) {
		rc = cli_usage(&cmd_project,
		               "--budget needs one plan, this selection has %zu: give --provider "
		               "and --plan (or one [provider] section with a plan in the config)",
		               nplans);
		goto out;
	}
	if (!(rows = calloc(nplans ? nplans : 1, sizeof(*rows)))) {
		rc = cli_error("out of memory");
		goto out;
	}
	if ((rc = price_rows(&p, plans, nplans, rows)))
		goto out;
	if (fmt == CLI_FORMAT_CSV)
		rc = show_csv(&p, rows, nplans);
	else if (fmt == CLI_FORMAT_JSON)
		rc = show_json(&p, rows, nplans);
	else
		rc = show_table(cli, &p, rows, nplans);
	if (rc)
		rc = cli_error("cannot write the projection");
	else if (budget_set)
		rc = check_budget(&p, &rows[0], budget);
out:
	free(rows);
	free(plans);
	pricing_tables_free(tables);
	projection_release(&p);
	return rc;
}

const struct cmd cmd_project = {
    .name = "project",
    .synopsis = "[--month YYYY-MM] [--as-of DAY] [--format table|csv|json] [--backtest]",
    .summary = "forecast the month's egress and bill from the days measured so far",
    .help = "  --month YYYY-MM     the month to project (default: the month of --as-of)\n"
            "  --as-of DAY         use data up to and including DAY (default: today, or the\n"
            "                      last day of a past --month)\n"
            "  --host NAME         only this host (default: all hosts)\n"
            "  --provider NAME     price on this provider only (default: every provider)\n"
            "  --plan NAME         price on this plan only (default: every plan in force,\n"
            "                      or the config's [provider] sections)\n"
            "  --region NAME       the provider's region (default: the config's, else the\n"
            "                      table's first)\n"
            "  --need SPEC         what runs there: ram=4GB,cpu=2,count=2 (as compare)\n"
            "  --budget AMOUNT     exit 3, with one line on stderr, when the p50 bill of the\n"
            "                      one selected plan exceeds AMOUNT (in its currency)\n"
            "  --format FMT        table (default), csv or json\n"
            "  --backtest          replay the forecast over every complete past month at\n"
            "                      day 7, 14 and 21 and print its error and coverage\n"
            "\nBills are the bills of the egress quantiles (a bill never falls as egress\n"
            "grows); the allowance is used up on the first day the p50 path passes it.\n",
    .exec = exec_project,
};
