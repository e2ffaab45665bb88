/*
 * costs plot: renders daily or monthly egress by service to PNG or SVG with
 * gnuplot, from the editable templates in reports/.  The data file and the
 * generated script are kept beside the image.  The drawing is src/plot's.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "num.h"
#include "plot.h"

extern const struct cmd cmd_plot;

enum {
	OPT_ALLOWANCE = CLI_OPT_FIRST_FREE,
	OPT_TITLE,
	OPT_TEMPLATE,
	OPT_SIZE,
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

	if (!cli_config(cli) || !(st = cli_open_store(cli, false)))
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

static const struct plot_kind kinds[] = {
    {"daily", run_daily},
    {"monthly", run_monthly},
    {NULL, NULL},
};

static int exec_plot(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_PERIOD_LONGOPTS,
	    {"out", required_argument, NULL, CLI_OPT_OUT},
	    {"allowance", required_argument, NULL, OPT_ALLOWANCE},
	    {"title", required_argument, NULL, OPT_TITLE},
	    {"template", required_argument, NULL, OPT_TEMPLATE},
	    {"size", required_argument, NULL, OPT_SIZE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct plot_args a = {0};
	struct plot_opts *po = &a.po;
	struct cli_period *p = &a.period;
	const struct plot_kind *k;
	enum plot_format fmt;
	struct err e;
	const char *kind;
	char *log = NULL;
	int opt, rc;

	cli_period_init(p);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_plot);
			return 0;
		case CLI_OPT_OUT:
			po->image = optarg;
			continue;
		case OPT_ALLOWANCE:
			if (num_parse_size(optarg, &po->allowance, &e))
				return cli_usage(&cmd_plot, "bad --allowance: %s", e.msg);
			continue;
		case OPT_TITLE:
			po->title = optarg;
			continue;
		case OPT_TEMPLATE:
			po->template_path = optarg;
			continue;
		case OPT_SIZE:
			if (parse_size(optarg, &po->width, &po->height))
				return cli_usage(
				    &cmd_plot,
				    "bad --size '%s' (WIDTHxHEIGHT, 100 to 10000 pixels)", optarg);
			continue;
		case CLI_OPT_BY:
			return cli_usage(&cmd_plot,
			                 "--by does not apply: the kind is daily or monthly");
		}
		rc = opt == '?' ? 1 : cli_period_option(&cmd_plot, p, opt, optarg);
		if (rc == 1)
			return cli_usage(&cmd_plot, "unknown option '%s'", argv[optind - 1]);
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return cli_usage(&cmd_plot, "missing the kind of plot (daily or monthly)");
	kind = argv[optind++];
	for (k = kinds; k->name && strcmp(k->name, kind) != 0; k++)
		;
	if (!k->name)
		return cli_usage(&cmd_plot, "unknown kind of plot '%s' (daily or monthly)", kind);
	if (optind < argc)
		return cli_usage(&cmd_plot, "unexpected argument '%s'", argv[optind]);
	if (!po->image)
		return cli_usage(&cmd_plot, "missing --out FILE.png or FILE.svg");
	if (plot_format_of(po->image, &fmt))
		return cli_usage(&cmd_plot, "bad --out '%s': the name must end in .png or .svg",
		                 po->image);
	po->templates_dir = cli->reports_dir;

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
    .synopsis = "daily|monthly --out FILE.png|FILE.svg [period options] [--allowance SIZE] "
                "[--title TEXT] [--template FILE] [--size WxH]",
    .summary = "draw egress per day or month, stacked by service, with gnuplot",
    .help = "  daily               egress per day stacked by service; with --allowance a\n"
            "                      dashed line at its daily pace (the monthly allowance\n"
            "                      divided by the days of that month)\n"
            "  monthly             egress per month stacked by service; with --allowance a\n"
            "                      dashed line at the monthly allowance\n"
            "  --out FILE          FILE.png or FILE.svg; FILE.dat (data) and FILE.gp (the\n"
            "                      gnuplot script, rerun with 'gnuplot FILE.gp') go beside it\n"
            "  --allowance SIZE    included egress per month, e.g. 1TB or 500GiB\n"
            "  --title TEXT        the plot's title\n"
            "  --template FILE     a gnuplot template instead of KIND.gp from the reports\n"
            "                      folder (env COSTS_REPORTS, else the installed one)\n"
            "  --size WxH          image size in pixels (default 1280x720)\n" CLI_PERIOD_HELP
            "Needs gnuplot (Debian: gnuplot-nox).  --by does not apply.\n",
    .exec = exec_plot,
};
