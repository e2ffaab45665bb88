/*
 * costs report: traffic totals by day or month and service, as a table with
 * human units, CSV or JSON.  One source per host and day unless --source.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/date.h"
#include "report/notes.h"
#include "report/totals.h"

extern const struct cmd cmd_report;

static int print(struct store *st, const struct cli_period *p, enum cli_format fmt,
                 const struct store_query *q, const struct store_total *rows, size_t n)
{
	struct report_notes nt;
	struct err e;
	int rc;

	if (fmt == CLI_FORMAT_CSV) {
		if (report_totals_csv(stdout, rows, n, p->by_month))
			return cli_error("cannot write the report");
		return 0;
	}
	if (report_notes_collect(st, p->from, p->to, p->host, date_today(),
	                         p->every_source ? NULL : rows, n, &nt, &e))
		return cli_error("%s", e.msg);
	if (fmt == CLI_FORMAT_JSON)
		rc = report_totals_json(stdout, rows, n, p->by_month, &nt);
	else if (n == 0)
		rc = printf("no traffic recorded for this selection\n") < 0;
	else {
		size_t hidden = q->best_source && q->hidden ? *q->hidden : 0;
		rc = report_totals_table(stdout, rows, n, p->by_month) ||
		     report_notes_print(stdout, &nt);
		if (!rc && hidden)
			rc = printf("\none source per host and day (nft, else pcap, else import, "
			            "else prometheus, else iface): %zu rows of other sources "
			            "measuring the same "
			            "traffic are not shown (--source all shows them)\n",
			            hidden) < 0;
	}
	report_notes_release(&nt);
	return rc ? cli_error("cannot write the report") : 0;
}

static int exec_report(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_PERIOD_LONGOPTS,
	    {"format", required_argument, NULL, CLI_OPT_FORMAT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cli_period p;
	enum cli_format fmt = CLI_FORMAT_TABLE;
	struct store_query q;
	struct store_total *rows = NULL;
	struct store *st;
	struct err e;
	size_t n = 0, hidden = 0;
	int opt, rc;

	cli_period_init(&p);
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(&cmd_report);
			return 0;
		}
		if (opt == CLI_OPT_FORMAT) {
			if ((rc = cli_parse_format(&cmd_report, optarg, &fmt)))
				return rc;
			continue;
		}
		rc = opt == '?' || opt == ':' ? 1 : cli_period_option(&cmd_report, &p, opt, optarg);
		if (rc == 1)
			return cli_bad_option(&cmd_report, opt, argv[optind - 1]);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return cli_usage(&cmd_report, "unexpected argument '%s'", argv[optind]);
	if (!cli_config(cli))
		return 1;
	if ((rc = cli_period_finish(&cmd_report, &p)))
		return rc;
	if (!(st = cli_open_store(cli, false)))
		return 1;
	cli_period_query(&p, &q);
	q.hidden = &hidden;
	if (store_totals(st, &q, &rows, &n, &e)) {
		store_close(st);
		return cli_error("%s", e.msg);
	}
	rc = print(st, &p, fmt, &q, rows, n);
	store_totals_free(rows, n);
	store_close(st);
	return rc;
}

const struct cmd cmd_report = {
    .name = "report",
    .synopsis = "[--from DAY] [--to DAY] [--month YYYY-MM] [--yesterday] [--by day|month] "
                "[--service NAME] [--host NAME] [--source SRC|all] [--format table|csv|json]",
    .summary = "print traffic totals by day or month and service",
    .help =
        CLI_PERIOD_HELP "  --format FMT        table (default, human units), csv or json\n"
                        "\nThe table ends with a note for each day whose totals are incomplete:\n"
                        "a capture that did not watch the whole day or lost packets, counter\n"
                        "resets that lost bytes, or gaps between samples (JSON: \"notes\").\n",
    .exec = exec_report,
};
