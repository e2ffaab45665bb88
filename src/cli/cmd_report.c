/*
 * costs report: traffic totals by day or month and service, as a table with
 * human units, CSV or JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "totals.h"

static int exec_report(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_PERIOD_LONGOPTS,
		{"format", required_argument, NULL, CLI_OPT_FORMAT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	extern const struct cmd cmd_report;
	struct cli_period p;
	enum cli_format fmt = CLI_FORMAT_TABLE;
	struct store_query q;
	struct store_total *rows = NULL;
	struct store *st;
	struct err e;
	size_t n = 0;
	int opt, rc;

	cli_period_init(&p);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(&cmd_report);
			return 0;
		}
		if (opt == CLI_OPT_FORMAT) {
			if ((rc = cli_parse_format(&cmd_report, optarg, &fmt)))
				return rc;
			continue;
		}
		rc = opt == '?' ? 1 : cli_period_option(&cmd_report, &p, opt, optarg);
		if (rc == 1)
			return cli_usage(&cmd_report, "unknown option '%s'", argv[optind - 1]);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return cli_usage(&cmd_report, "unexpected argument '%s'", argv[optind]);
	if (!cli_config(cli) || !(st = cli_open_store(cli, false)))
		return 1;
	cli_period_query(&p, &q);
	if (store_totals(st, &q, &rows, &n, &e)) {
		store_close(st);
		return cli_error("%s", e.msg);
	}
	store_close(st);
	if (fmt == CLI_FORMAT_CSV)
		rc = report_totals_csv(stdout, rows, n, p.by_month);
	else if (fmt == CLI_FORMAT_JSON)
		rc = report_totals_json(stdout, rows, n, p.by_month);
	else if (n == 0)
		rc = printf("no traffic recorded for this selection\n") < 0;
	else
		rc = report_totals_table(stdout, rows, n, p.by_month);
	store_totals_free(rows, n);
	return rc ? cli_error("cannot write the report") : 0;
}

const struct cmd cmd_report = {
	.name = "report",
	.synopsis = "[--from DAY] [--to DAY] [--month YYYY-MM] [--yesterday] [--by day|month] "
		    "[--service NAME] [--format table|csv|json]",
	.summary = "print traffic totals by day or month and service",
	.help = CLI_PERIOD_HELP "  --format FMT        table (default, human units), csv or json\n",
	.exec = exec_report,
};
