/*
 * costs plot: renders daily or monthly egress by service to PNG or SVG with
 * gnuplot, from the editable templates in reports/.  The data file and the
 * generated script are kept beside the image.  The drawing is src/plot's.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/select.h"
#include "util/date.h"
#include "util/num.h"
#include "plot/plot.h"
#include "pricing/pricing.h"
#include "projection/projection.h"
#include "report/compare.h"
#include "report/plotdata.h"

extern const struct cmd cmd_plot;

enum {
	OPT_ALLOWANCE = CLI_OPT_FIRST_FREE,
	OPT_TITLE,
	OPT_TEMPLATE,
	OPT_SIZE,
	OPT_AS_OF,
	OPT_EGRESS,
};

/* Parses "WIDTHxHEIGHT" in pixels, each 100 to 10000. */
static int parse_size(const char *s, int *w, int *h)
{
	char buf[32];
	char *x;
	uint64_t a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if (!(x = strchr(buf, 'x')))
		return -1;
	*x++ = '\0';
	if (num_parse_u64(buf, 100, 10000, &a, NULL) || num_parse_u64(x, 100, 10000, &b, NULL))
		return -1;
	*w = (int)a;
	*h = (int)b;
	return 0;
}

/* Prints what gnuplot said on a successful run, line by line. */
static void pass_log(struct cli *cli, char *log)
{
	char *save = NULL;

	if (!log)
		return;
	for (char *line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (*line)
			cli_warn(cli, "gnuplot: %s", line);
}

/*
 * What a kind of plot gets from the command line.  A new kind (compare,
 * project) adds its options here, a runner below and a line in `kinds`.
 */
struct plot_args {
	struct plot_opts po;
	struct cli_period period;
	int32_t as_of;      /* project: -1 for today */
	struct cli_quote q; /* compare: as compare's; daily, monthly, project: the plan */
	bool egress_set;    /* compare: --egress instead of the measured month */
	uint64_t egress;
};

/*
 * A runner builds its kind's input and renders it.  Returns 0,
 * PLOT_NO_GNUPLOT, or 1 after printing the error; *log gets gnuplot's
 * output on success.
 */
struct plot_kind {
	const char *name;
	int (*run)(struct cli *cli, struct plot_args *a, char **log);
};

/*
 * The included egress of the one plan --provider and --plan select for the
 * month of `day`, when --allowance did not give one.  Returns 0, or 1 or 2
 * after printing the error.
 */
static int plan_allowance(struct cli *cli, struct plot_args *a, int32_t day)
{
	struct pricing_tables *tables = NULL;
	struct pricing_plan *plans = NULL;
	size_t n = 0;
	struct err e;
	int rc = 0;

	if (a->po.allowance || (!a->q.sel.provider && !a->q.sel.plan))
		return 0;
	a->q.sel.month = day;
	a->q.sel.config = cli->config;
	if (pricing_load_dir(cli->providers_dir, &tables, &e) ||
	    pricing_select(tables, &a->q.sel, &plans, &n, &e))
		rc = cli_error("%s", e.msg);
	else if (cli_select_notes(cli, plans, n), n != 1)
		rc = cli_usage(
		    &cmd_plot,
		    "--provider and --plan select %zu plans: the allowance line needs one", n);
	else if (!plans[0].unlimited)
		a->po.allowance = plans[0].included;
	free(plans);
	pricing_tables_free(tables);
	return rc;
}

/* daily and monthly: egress by service from the store. */
static int run_totals(struct cli *cli, struct plot_args *a, char **log)
{
	struct cli_period *p = &a->period;
	struct store_total *rows = NULL;
	struct plot_table table;
	struct store_query q;
	struct store *st;
	struct err e;
	size_t n = 0;
	int rc;

	if (!cli_config(cli))
		return 1;
	if ((rc = plan_allowance(cli, a, p->from <= p->to && p->from > 0 ? p->from : date_today())))
		return rc;
	if (!(st = cli_open_store(cli, false)))
		return 1;
	/*
	 * By day even for monthly, and one source per host and day (unless
	 * --source names one), as project and compare count.
	 */
	cli_period_query(p, &q);
	q.by_month = false;
	q.best_source = !p->source;
	if (store_totals(st, &q, &rows, &n, &e)) {
		store_close(st);
		return cli_error("%s", e.msg);
	}
	store_close(st);
	if (n == 0)
		rc = cli_error("no traffic recorded for this selection: nothing to plot");
	else if (plot_table_from_totals(rows, n, p->by_month, p->from, p->to, &table, &e))
		rc = cli_error("%s", e.msg);
	else
		rc = 0;
	store_totals_free(rows, n);
	if (rc)
		return rc;
	rc = p->by_month ? plot_monthly(&a->po, &table, log, &e)
	                 : plot_daily(&a->po, &table, log, &e);
	plot_table_release(&table);
	if (rc == -1)
		return cli_error("%s", e.msg);
	return rc;
}

static int run_daily(struct cli *cli, struct plot_args *a, char **log)
{
	a->period.by_month = false;
	return run_totals(cli, a, log);
}

static int run_monthly(struct cli *cli, struct plot_args *a, char **log)
{
	a->period.by_month = true;
	return run_totals(cli, a, log);
}

/* project: the month's cumulative egress, measured and forecast. */
static int run_project(struct cli *cli, struct plot_args *a, char **log)
{
	int32_t today = date_today(), as_of = a->as_of;
	struct plot_project_day *days = NULL;
	struct projection p;
	struct store *st;
	struct err e;
	int rc = 1;

	if (as_of < 0)
		as_of = a->period.month_set && a->period.to < today ? a->period.to : today;
	if (a->period.month_set && (as_of < a->period.from || as_of > a->period.to))
		return cli_usage(&cmd_plot, "--as-of is not in --month");
	if (!cli_config(cli) || !(st = cli_open_store(cli, false)))
		return 1;
	rc = projection_run(st, cli->config, as_of, a->period.host, &p, &e);
	store_close(st);
	if (rc)
		return cli_error("%s", e.msg);
	rc = 1;
	if (p.measured_days == 0 && p.fc.observed == 0) {
		cli_error("no egress recorded up to %s: nothing to project from",
		          date_format_day(as_of, (char[11]){0}));
		goto out;
	}
	/* The allowance of one selected plan, unless --allowance gives it. */
	if ((rc = plan_allowance(cli, a, p.month_first)))
		goto out;
	size_t n;
	if (report_plot_project(&p, as_of, &days, &n)) {
		rc = cli_error("out of memory");
		goto out;
	}
	struct plot_project pp = {.as_of = as_of, .days = days, .n = n};
	rc = plot_project(&a->po, &pp, log, &e);
	if (rc == -1)
		rc = cli_error("%s", e.msg);
out:
	free(days);
	projection_release(&p);
	return rc;
}

/* Measured egress of --month for compare, into a->egress. */
static int compare_egress(struct cli *cli, struct plot_args *a)
{
	struct pricing_measured m = {0};
	struct store *st;
	struct err e;
	char mon[8];
	int rc;

	if (a->egress_set)
		return 0;
	if (!a->period.month_set)
		return cli_usage(&cmd_plot, "compare needs --month YYYY-MM or --egress SIZE");
	if (!(st = cli_open_store(cli, false)))
		return 1;
	rc = pricing_month_egress(st, cli->config, a->period.host, a->period.from, a->period.to, &m,
	                          &e);
	store_close(st);
	if (rc)
		return cli_error("%s", e.msg);
	if (!m.found)
		return cli_error("no traffic recorded for %s (give --egress SIZE)",
		                 date_format_month(a->period.from, mon));
	a->egress = m.bytes;
	a->q.sel.private_bytes = m.private_bytes;
	return 0;
}

/*
 * compare: the bill of every selected plan, line items stacked, from the
 * same quote as `costs compare` (so the same options give the same rows);
 * rows in another currency than the bars' are left out with a warning.
 */
static int run_compare(struct cli *cli, struct plot_args *a, char **log)
{
	struct pricing_tables *tables = NULL;
	struct report_plot_compare bars = {0};
	struct pricing_quote q = {0};
	char mon[8], note[160] = "";
	struct err e;
	int rc;

	if (!cli_config(cli))
		return 1;
	a->q.sel.month = a->period.month_set ? a->period.from : date_today();
	a->q.sel.config = cli->config;
	if ((rc = compare_egress(cli, a)))
		return rc;
	rc = 1;
	if (pricing_load_dir(cli->providers_dir, &tables, &e) ||
	    pricing_quote(tables, &a->q.sel, &a->q.money, a->egress, &q, &e)) {
		cli_error("%s", e.msg);
		goto out;
	}
	cli_select_notes(cli, q.plans, q.n);
	if (report_plot_compare(&q, &bars)) {
		cli_error("out of memory");
		goto out;
	}
	if (bars.left_out)
		cli_warn(
		    cli,
		    "left out %zu plans billed in %s: give --rate CUR=X to convert them into %s",
		    bars.left_out, bars.skipped, q.currency);
	if (bars.n == 0) {
		cli_error("no selected plan is billed in %s (see --currency and --rate)",
		          q.currency);
		goto out;
	}
	report_compare_note(&q, note, sizeof(note));
	struct plot_compare c = {.month = date_format_month(a->q.sel.month, mon),
	                         .currency = q.currency,
	                         .egress_bytes = a->egress,
	                         .rows = bars.rows,
	                         .n = bars.n,
	                         .note = note[0] ? note : NULL};
	rc = plot_compare(&a->po, &c, log, &e);
	if (rc == -1)
		rc = cli_error("%s", e.msg);
out:
	report_plot_compare_release(&bars);
	pricing_quote_release(&q);
	pricing_tables_free(tables);
	return rc;
}

static const struct plot_kind kinds[] = {
    {"daily", run_daily},
    {"monthly", run_monthly},
    {"compare", run_compare},
    {"project", run_project},
    {NULL, NULL},
};

/*
 * Handles one option of plot's own.  Returns 0 when handled, 1 when opt is
 * not one of them, or 2 after printing a usage error.
 */
static int plot_option(struct plot_args *a, int opt, const char *arg)
{
	struct plot_opts *po = &a->po;
	struct err e;

	switch (opt) {
	case OPT_AS_OF:
		if (date_parse_day(arg, &a->as_of, &e))
			return cli_usage(&cmd_plot, "%s", e.msg);
		return 0;
	case OPT_EGRESS:
		if (num_parse_size(arg, &a->egress, &e))
			return cli_usage(&cmd_plot, "bad --egress: %s", e.msg);
		a->egress_set = true;
		return 0;
	case CLI_OPT_OUT:
		po->image = arg;
		return 0;
	case OPT_ALLOWANCE:
		if (num_parse_size(arg, &po->allowance, &e))
			return cli_usage(&cmd_plot, "bad --allowance: %s", e.msg);
		return 0;
	case OPT_TITLE:
		po->title = arg;
		return 0;
	case OPT_TEMPLATE:
		po->template_path = arg;
		return 0;
	case OPT_SIZE:
		if (parse_size(arg, &po->width, &po->height))
			return cli_usage(
			    &cmd_plot, "bad --size '%s' (WIDTHxHEIGHT, 100 to 10000 pixels)", arg);
		return 0;
	case CLI_OPT_BY:
		return cli_usage(&cmd_plot, "--by does not apply: the kind is daily or monthly");
	}
	int rc = cli_period_option(&cmd_plot, &a->period, opt, arg);
	if (rc == 1)
		rc = cli_quote_option(&cmd_plot, &a->q, opt, arg);
	return rc;
}

/* Parses plot's arguments; *kind is the kind asked for.  Returns 0, 2, or -1 for --help. */
static int plot_parse(int argc, char **argv, struct plot_args *a, const struct plot_kind **kind)
{
	static const struct option opts[] = {
	    CLI_PERIOD_LONGOPTS,
	    {"out", required_argument, NULL, CLI_OPT_OUT},
	    {"allowance", required_argument, NULL, OPT_ALLOWANCE},
	    {"title", required_argument, NULL, OPT_TITLE},
	    {"template", required_argument, NULL, OPT_TEMPLATE},
	    {"size", required_argument, NULL, OPT_SIZE},
	    {"as-of", required_argument, NULL, OPT_AS_OF},
	    CLI_QUOTE_LONGOPTS,
	    {"egress", required_argument, NULL, OPT_EGRESS},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum plot_format fmt;
	const char *name;
	int opt, rc;

	cli_period_init(&a->period);
	a->as_of = -1;
	cli_quote_init(&a->q);
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(&cmd_plot);
			return -1;
		}
		rc = opt == '?' || opt == ':' ? 1 : plot_option(a, opt, optarg);
		if (rc == 1)
			return cli_bad_option(&cmd_plot, opt, argv[optind - 1]);
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return cli_usage(&cmd_plot,
		                 "missing the kind of plot (daily, monthly, compare or project)");
	name = argv[optind++];
	for (*kind = kinds; (*kind)->name && strcmp((*kind)->name, name) != 0; (*kind)++)
		;
	if (!(*kind)->name)
		return cli_usage(&cmd_plot,
		                 "unknown kind of plot '%s' (daily, monthly, compare or project)",
		                 name);
	if (optind < argc)
		return cli_usage(&cmd_plot, "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_period_finish(&cmd_plot, &a->period)) ||
	    (rc = cli_quote_check(&cmd_plot, &a->q)))
		return rc;
	if (!a->po.image)
		return cli_usage(&cmd_plot, "missing --out FILE.png or FILE.svg");
	if (plot_format_of(a->po.image, &fmt))
		return cli_usage(&cmd_plot, "bad --out '%s': the name must end in .png or .svg",
		                 a->po.image);
	return 0;
}

static int exec_plot(struct cli *cli, int argc, char **argv)
{
	struct plot_args a = {0};
	struct plot_opts *po = &a.po;
	const struct plot_kind *k = NULL;
	char *log = NULL;
	int rc = plot_parse(argc, argv, &a, &k);

	if (rc)
		return rc < 0 ? 0 : rc;
	po->templates_dir = cli->reports_dir;
	po->zone = cli->config && cli->config->timezone ? cli->config->timezone : "UTC";
	rc = k->run(cli, &a, &log);
	if (rc == PLOT_NO_GNUPLOT) {
		size_t stem = strlen(po->image) - 4;
		return cli_error("gnuplot not found: install gnuplot-nox (the data and the script "
		                 "are in %.*s.dat and %.*s.gp)",
		                 (int)stem, po->image, (int)stem, po->image);
	}
	if (rc)
		return rc;
	pass_log(cli, log);
	free(log);
	cli_verbose(cli, "wrote '%s' (data and script beside it)", po->image);
	return 0;
}

const struct cmd cmd_plot = {
    .name = "plot",
    .synopsis =
        "daily|monthly|compare|project --out FILE.png|FILE.svg " CLI_PERIOD_SYNOPSIS_NO_BY
        " [--allowance SIZE] [--provider NAME] [--plan NAME] [--region NAME] "
        "[--as-of DAY] [--egress SIZE] [--need SPEC] [--allow-shared] [--seats N] [--hours H] "
        "[--first-month] [--rate CUR=X] [--currency CUR] [--vat PCT] [--title TEXT] "
        "[--template FILE] [--size WxH]",
    .summary = "draw egress by day or month, bills by plan, or the month's projection",
    .help = "  daily               egress per day stacked by service; with --allowance a\n"
            "                      dashed line at its daily pace (the monthly allowance\n"
            "                      divided by the days of that month)\n"
            "  monthly             egress per month stacked by service; with --allowance a\n"
            "                      dashed line at the monthly allowance\n"
            "  compare             the rows 'costs compare' prints for the same options\n"
            "                      (--provider, --plan, --region, --need, --allow-shared,\n"
            "                      --seats, --hours, --first-month, --rate, --currency,\n"
            "                      --vat; lists as in compare) for --month's measured\n"
            "                      egress or --egress SIZE, line items stacked, in its\n"
            "                      order, each bar named with the instances priced and\n"
            "                      their fit, the need (or that compute is unknown) in\n"
            "                      the subtitle; bars share one\n"
            "                      currency (--currency, default USD): plans billed in\n"
            "                      another are left out unless --rate CUR=X converts them\n"
            "  project             the month's cumulative egress (--month or --as-of, as\n"
            "                      'costs project'): measured, the p50 forecast and its\n"
            "                      p10-p90 band, and the allowance of --allowance or of the\n"
            "                      one plan --provider and --plan select\n"
            "  --as-of DAY         project: data up to and including DAY (default today)\n"
            "  --provider NAME     compare: the providers; daily, monthly, project: with\n"
            "                      --plan, the one plan whose allowance to draw\n"
            "  --plan NAME         the plan (as --provider)\n"
            "  --region NAME       the provider's region\n"
            "  --egress SIZE       compare: price this volume instead of the measured month\n"
            "  --need, --allow-shared, --seats, --hours, --first-month, --rate CUR=X\n"
            "  (repeatable),\n"
            "  --currency CUR, --vat PCT   compare: as 'costs compare --help' says\n"
            "  --out FILE          FILE.png or FILE.svg; FILE.dat (data) and FILE.gp (the\n"
            "                      gnuplot script, rerun with 'gnuplot FILE.gp') go beside it\n"
            "  --allowance SIZE    included egress per month, e.g. 1TB or 500GiB\n"
            "  --title TEXT        the plot's title\n"
            "  --template FILE     a gnuplot template instead of KIND.gp from the reports\n"
            "                      folder (env COSTS_REPORTS, else the installed one)\n"
            "  --size WxH          image size in pixels (default 1280x720)\n" CLI_PERIOD_HELP_NO_BY
            "Needs gnuplot (Debian: gnuplot-nox).\n",
    .exec = exec_plot,
};
