/*
 * costs project: month-to-date egress plus a forecast of the rest of the
 * month (src/forecast), and a backtest of that forecast over past months.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "egress.h"
#include "forecast.h"
#include "num.h"
#include "table.h"

extern const struct cmd cmd_project;

enum {
	OPT_AS_OF = CLI_OPT_FIRST_FREE,
	OPT_BACKTEST,
};

/* The outcome of one projection: egress quantiles for the whole month. */
struct projection {
	int32_t month_first, month_last, as_of;
	double mtd;           /* measured so far this month */
	size_t measured_days; /* days of this month with data */
	struct forecast_result fc;
	double p10, p50, p90; /* month totals */
	double *cum_p50;      /* cumulative p50 egress by day of the month */
};

static void projection_release(struct projection *p)
{
	forecast_release(&p->fc);
	free(p->cum_p50);
	p->cum_p50 = NULL;
}

/*
 * Projects the month containing as_of from the store's data up to and
 * including as_of.  Returns 0 or 1 after printing an error.
 */
static int project(struct cli *cli, struct store *st, int32_t as_of, const char *host,
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
			if (project(cli, st, m + at[k] - 1, host, &p))
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

static int show(struct cli *cli, const struct projection *p, enum cli_format fmt)
{
	char m[8], a[11], b[3][32], mtd[32];

	date_format_month(p->month_first, m);
	date_format_day(p->as_of, a);
	if (fmt == CLI_FORMAT_CSV) {
		printf("month,as_of,egress_p10,egress_p50,egress_p90\n%s,%s,%.0f,%.0f,%.0f\n", m, a,
		       p->p10, p->p50, p->p90);
		return 0;
	}
	if (fmt == CLI_FORMAT_JSON) {
		printf(
		    "{\n  \"month\": \"%s\",\n  \"as_of\": \"%s\",\n  \"measured_bytes\": %.0f,\n"
		    "  \"measured_days\": %zu,\n  \"little_history\": %s,\n"
		    "  \"egress_p10\": %.0f,\n  \"egress_p50\": %.0f,\n  \"egress_p90\": %.0f\n}\n",
		    m, a, p->mtd, p->measured_days, p->fc.little_history ? "true" : "false", p->p10,
		    p->p50, p->p90);
		return 0;
	}
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
	return 0;
}

static int exec_project(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"month", required_argument, NULL, CLI_OPT_MONTH},
	    {"as-of", required_argument, NULL, OPT_AS_OF},
	    {"host", required_argument, NULL, CLI_OPT_HOST},
	    {"format", required_argument, NULL, CLI_OPT_FORMAT},
	    {"backtest", no_argument, NULL, OPT_BACKTEST},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum cli_format fmt = CLI_FORMAT_TABLE;
	const char *host = NULL;
	int32_t month_first = -1, month_last = -1, as_of = -1, today = date_today();
	bool do_backtest = false;
	struct projection p;
	struct store *st;
	struct err e;
	int opt, rc;

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
		default:
			return cli_bad_option(&cmd_project, opt, argv[optind - 1]);
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
	if (!cli_config(cli) || !(st = cli_open_store(cli, false)))
		return 1;
	if (do_backtest) {
		rc = backtest(cli, st, host);
		store_close(st);
		return rc;
	}
	rc = project(cli, st, as_of, host, &p);
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
	rc = show(cli, &p, fmt);
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
            "  --format FMT        table (default), csv or json\n"
            "  --backtest          replay the forecast over every complete past month at\n"
            "                      day 7, 14 and 21 and print its error and coverage\n",
    .exec = exec_project,
};
