/*
 * costs project: month-to-date egress plus a forecast of the rest of the
 * month (src/projection), its bills, and a backtest of that forecast over
 * past months.  `export project` runs the same through cli_project_run.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/project.h"
#include "cli/select.h"
#include "projection/projection.h"
#include "report/project.h"
#include "util/date.h"
#include "util/num.h"

extern const struct cmd cmd_project;

enum {
	OPT_AS_OF = CLI_OPT_FIRST_FREE,
	OPT_BACKTEST,
	OPT_BUDGET,
};

/* Handles one option of project's own; 1 when opt is not one of them. */
static int project_option(const struct cmd *cmd, struct cli_project_args *a, int opt,
                          const char *arg)
{
	struct err e;

	switch (opt) {
	case CLI_OPT_MONTH:
		if (date_parse_month(arg, &a->month_first, &a->month_last, &e))
			return cli_usage(cmd, "%s", e.msg);
		return 0;
	case OPT_AS_OF:
		if (date_parse_day(arg, &a->as_of, &e))
			return cli_usage(cmd, "%s", e.msg);
		return 0;
	case CLI_OPT_HOST:
		a->host = arg;
		return 0;
	case OPT_BACKTEST:
		a->backtest = true;
		return 0;
	case OPT_BUDGET:
		if (num_parse_fixed(arg, 6, &a->budget, &e) || a->budget < 0)
			return cli_usage(
			    cmd,
			    "bad --budget '%s' (an amount such as 150 or 99.50, in the "
			    "plan's currency)",
			    arg);
		a->budget_set = true;
		return 0;
	}
	int rc = cli_money_option(cmd, &a->money, opt, arg);
	return rc != 1 ? rc : cli_select_option(cmd, &a->sel, opt, arg);
}

int cli_project_parse(const struct cmd *cmd, int argc, char **argv, struct cli_project_args *a)
{
	static const struct option opts[] = {
	    {"month", required_argument, NULL, CLI_OPT_MONTH},
	    {"as-of", required_argument, NULL, OPT_AS_OF},
	    {"host", required_argument, NULL, CLI_OPT_HOST},
	    {"format", required_argument, NULL, CLI_OPT_FORMAT},
	    {"out", required_argument, NULL, CLI_OPT_OUT},
	    {"backtest", no_argument, NULL, OPT_BACKTEST},
	    CLI_SELECT_LONGOPTS,
	    {"rate", required_argument, NULL, CLI_OPT_RATE},
	    {"currency", required_argument, NULL, CLI_OPT_CURRENCY},
	    {"vat", required_argument, NULL, CLI_OPT_VAT},
	    {"budget", required_argument, NULL, OPT_BUDGET},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool exporting = cmd != &cmd_project;
	struct err e;
	int opt, rc;

	memset(a, 0, sizeof(*a));
	pricing_money_init(&a->money);
	a->month_first = a->month_last = a->as_of = -1;
	a->fmt = exporting ? CLI_FORMAT_CSV : CLI_FORMAT_TABLE;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(cmd);
			return -1;
		}
		if (opt == CLI_OPT_FORMAT && !exporting) {
			if ((rc = cli_parse_format(cmd, optarg, &a->fmt)))
				return rc;
			continue;
		}
		if (opt == CLI_OPT_OUT && exporting) {
			a->out = optarg;
			continue;
		}
		if (opt == CLI_OPT_FORMAT || opt == CLI_OPT_OUT ||
		    (exporting && opt == OPT_BACKTEST))
			return cli_usage(cmd, "'--%s' does not apply here",
			                 cli_option_name(opts, opt));
		rc = opt == '?' || opt == ':' ? 1 : project_option(cmd, a, opt, optarg);
		if (rc == 1)
			return cli_bad_option(cmd, opt, argv[optind - 1]);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	if (a->backtest && a->budget_set)
		return cli_usage(cmd, "--budget does not go with --backtest");
	if (pricing_money_check(&a->money, &e))
		return cli_usage(cmd, "--%s (see --currency)", e.msg);
	return 0;
}

/*
 * Exit status 3 and one line on stderr when the p50 bill is over budget:
 * the bill as shown, rounded as the invoice is (projection_price), so a
 * budget equal to the figure shown is not exceeded.
 */
static int check_budget(const struct projection *p, const struct projection_bill *r, int64_t budget)
{
	char m[8], t[3][32], bud[32];

	if (r->bill[1].total <= budget)
		return 0;
	fflush(stdout);
	for (int k = 0; k < 3; k++)
		num_format_fixed(r->bill[k].total, 6, 2, t[k], sizeof(t[k]));
	fprintf(stderr,
	        "costs: budget exceeded: the projected bill for %s %s in %s is %s %s (p50, "
	        "%s to %s), over the budget of %s %s\n",
	        r->plan->provider, r->plan->plan, date_format_month(p->month_first, m),
	        r->bill[1].currency, t[1], t[0], t[2],
	        num_format_fixed(budget, 6, 2, bud, sizeof(bud)), r->bill[1].currency);
	return EXIT_BUDGET;
}

static int write_projection(struct cli *cli, const struct cli_project_args *a, FILE *out,
                            const struct projection *p, const struct projection_bill *rows,
                            size_t n)
{
	const struct forecast_result *fc = &p->fc;

	if (a->fmt == CLI_FORMAT_CSV)
		return report_project_csv(out, p, rows, n);
	if (a->fmt == CLI_FORMAT_JSON)
		return report_project_json(out, p, rows, n);
	cli_verbose(cli,
	            "model: %zu days observed, level %.4g B/day, trend %+.4g B/day/day, "
	            "weekday factors %.2f %.2f %.2f %.2f %.2f %.2f %.2f, residual p10 %+.3f "
	            "p90 %+.3f",
	            fc->observed, fc->level, fc->slope, fc->weekday[0], fc->weekday[1],
	            fc->weekday[2], fc->weekday[3], fc->weekday[4], fc->weekday[5], fc->weekday[6],
	            fc->resid_p10, fc->resid_p90);
	return report_project_table(out, p, rows, n);
}

/* The projection's bills on the selected plans, written to out. */
static int price_and_write(struct cli *cli, struct cli_project_args *a, const struct cmd *cmd,
                           const struct projection *p, FILE *out)
{
	struct pricing_tables *tables = NULL;
	struct pricing_plan *plans = NULL;
	struct projection_bill *rows = NULL;
	size_t nplans = 0;
	struct err e;
	int rc = 1;

	a->sel.month = p->month_first;
	a->sel.config = cli->config;
	if (pricing_load_dir(cli->providers_dir, &tables, &e) ||
	    pricing_select(tables, &a->sel, &plans, &nplans, &e)) {
		cli_error("%s", e.msg);
		goto out;
	}
	cli_select_notes(cli, plans, nplans); /* retired plans priced as their successor */
	if (a->budget_set && nplans != 1) {
		rc = cli_usage(cmd,
		               "--budget needs one plan, this selection has %zu: give --provider "
		               "and --plan (or one [provider] section with a plan in the config)",
		               nplans);
		goto out;
	}
	if (!(rows = calloc(nplans ? nplans : 1, sizeof(*rows)))) {
		cli_error("out of memory");
		goto out;
	}
	if (projection_price(p, plans, nplans, &a->money, rows, &e)) {
		cli_error("%s", e.msg);
		goto out;
	}
	if (write_projection(cli, a, out, p, rows, nplans))
		rc = cli_error("cannot write the projection");
	else
		rc = a->budget_set ? check_budget(p, &rows[0], a->budget) : 0;
out:
	free(rows);
	free(plans);
	pricing_tables_free(tables);
	return rc;
}

int cli_project_run(struct cli *cli, const struct cmd *cmd, struct cli_project_args *a, FILE *out)
{
	int32_t today = date_today(), as_of = a->as_of;
	struct projection p;
	struct store *st;
	struct err e;
	int rc;

	if (as_of < 0)
		as_of = a->month_first >= 0 && a->month_last < today ? a->month_last : today;
	if (a->month_first >= 0 && (as_of < a->month_first || as_of > a->month_last))
		return cli_usage(cmd, "--as-of %s is not in --month %s",
		                 date_format_day(as_of, (char[11]){0}),
		                 date_format_month(a->month_first, (char[8]){0}));
	if (!cli_config(cli) || !(st = cli_open_store(cli, false)))
		return 1;
	if (a->backtest) {
		struct projection_backtest b;
		rc = projection_backtest(st, cli->config, a->host, today, &b, &e);
		store_close(st);
		if (rc)
			return cli_error("%s", e.msg);
		rc = report_backtest_table(out, &b) ? cli_error("cannot write the backtest") : 0;
		projection_backtest_release(&b);
		return rc;
	}
	rc = projection_run(st, cli->config, as_of, a->host, &p, &e);
	store_close(st);
	if (rc)
		return cli_error("%s", e.msg);
	if (p.measured_days == 0 && p.fc.observed == 0)
		rc = cli_error("no egress recorded up to %s: nothing to project from",
		               date_format_day(as_of, (char[11]){0}));
	else {
		if (projection_widened(&p))
			cli_warn(cli, "only %zu days of history: the interval is widened",
			         p.fc.observed);
		rc = price_and_write(cli, a, cmd, &p, out);
	}
	projection_release(&p);
	return rc;
}

static int exec_project(struct cli *cli, int argc, char **argv)
{
	struct cli_project_args a;
	int rc = cli_project_parse(&cmd_project, argc, argv, &a);

	if (rc)
		return rc < 0 ? 0 : rc;
	return cli_project_run(cli, &cmd_project, &a, stdout);
}

const struct cmd cmd_project = {
    .name = "project",
    .synopsis = "[--month YYYY-MM] [--as-of DAY] [--host NAME] [--provider NAME] [--plan NAME] "
                "[--region NAME] [--need SPEC] [--rate CUR=X] [--currency CUR] [--vat PCT] "
                "[--budget AMOUNT] [--format table|csv|json] [--backtest]",
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
            "  --rate CUR=X        convert bills in CUR at X units of the report currency,\n"
            "                      line by line (repeat for several currencies)\n"
            "  --currency CUR      the report currency for --rate (default USD)\n"
            "  --vat PCT           add VAT at PCT percent of the rounded net bill\n"
            "  --budget AMOUNT     exit 3, with one line on stderr, when the p50 bill of the\n"
            "                      one selected plan, as shown (in cents), exceeds AMOUNT\n"
            "                      (in the bill's currency: the plan's, or the report\n"
            "                      currency when --rate converts it)\n"
            "  --format FMT        table (default), csv or json\n"
            "  --backtest          replay the forecast over every complete past month at\n"
            "                      day 7, 14 and 21 and print its error and coverage\n"
            "\nBills are the bills of the egress quantiles (a bill never falls as egress\n"
            "grows), each rounded as the provider's invoice is (every line half up to\n"
            "cents, the total their sum), the same in every format; the egress figures\n"
            "stay exact.  The allowance is used up on the first day the p50 path passes\n"
            "it.\n",
    .exec = exec_project,
};
