/*
 * costs report: traffic totals by day or month and service, as a table with
 * human units, CSV or JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/date.h"
#include "report/totals.h"

struct notes {
	int32_t today;
	FILE *out;
	size_t n;
};

/*
 * Prints a note for each day whose coverage says its totals are incomplete:
 * a capture that did not watch the whole day or lost packets, or counters
 * that were reset or not sampled for longer than the configured gap.
 */
static int coverage_note(void *ctx, const char *host, int32_t day, const char *source,
                         const struct store_coverage *c)
{
	struct notes *nt = ctx;
	char d[11], what[512] = "";
	size_t len = 0;

	if (strcmp(source, STORE_SOURCE_PCAP) == 0 && c->seconds < 86400 && day < nt->today)
		len += c->seconds < 3600 ? (size_t)snprintf(what + len, sizeof(what) - len,
		                                            ", observed %llu s of 24 h",
		                                            (unsigned long long)c->seconds)
		                         : (size_t)snprintf(what + len, sizeof(what) - len,
		                                            ", observed %.1f of 24 h",
		                                            (double)c->seconds / 3600.0);
	if (c->drops && len < sizeof(what))
		len += (size_t)snprintf(what + len, sizeof(what) - len,
		                        ", %llu packets dropped by the kernel",
		                        (unsigned long long)c->drops);
	if (c->malformed && len < sizeof(what))
		len += (size_t)snprintf(what + len, sizeof(what) - len,
		                        ", %llu malformed packets (counted in other)",
		                        (unsigned long long)c->malformed);
	if (c->resets && len < sizeof(what))
		len += (size_t)snprintf(what + len, sizeof(what) - len,
		                        ", %llu counter resets (bytes since the sample before "
		                        "each are lost)",
		                        (unsigned long long)c->resets);
	if (c->gaps && len < sizeof(what))
		len += (size_t)snprintf(
		    what + len, sizeof(what) - len, ", %llu gaps between samples (%.1f h)",
		    (unsigned long long)c->gaps, (double)c->gap_seconds / 3600.0);
	if (!len)
		return 0;
	if (nt->n++ == 0)
		fputc('\n', nt->out);
	fprintf(nt->out, "note: %s %s on %s: %s\n", date_format_day(day, d), source, host,
	        what + 2);
	return 0;
}

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
	if (!cli_config(cli) || !(st = cli_open_store(cli, false)))
		return 1;
	cli_period_query(&p, &q);
	if (store_totals(st, &q, &rows, &n, &e)) {
		store_close(st);
		return cli_error("%s", e.msg);
	}
	if (fmt == CLI_FORMAT_CSV)
		rc = report_totals_csv(stdout, rows, n, p.by_month);
	else if (fmt == CLI_FORMAT_JSON)
		rc = report_totals_json(stdout, rows, n, p.by_month);
	else if (n == 0)
		rc = printf("no traffic recorded for this selection\n") < 0;
	else
		rc = report_totals_table(stdout, rows, n, p.by_month);
	store_totals_free(rows, n);
	if (rc == 0 && fmt == CLI_FORMAT_TABLE) {
		struct notes nt = {.today = date_today(), .out = stdout};
		if (store_coverage_each(st, p.from, p.to, p.host, coverage_note, &nt, &e))
			rc = cli_error("%s", e.msg);
	}
	store_close(st);
	return rc ? cli_error("cannot write the report") : 0;
}

const struct cmd cmd_report = {
    .name = "report",
    .synopsis = "[--from DAY] [--to DAY] [--month YYYY-MM] [--yesterday] [--by day|month] "
                "[--service NAME] [--format table|csv|json]",
    .summary = "print traffic totals by day or month and service",
    .help =
        CLI_PERIOD_HELP "  --format FMT        table (default, human units), csv or json\n"
                        "\nThe table ends with a note for each day whose totals are incomplete:\n"
                        "a capture that did not watch the whole day or lost packets, counter\n"
                        "resets, or gaps between samples.\n",
    .exec = exec_report,
};
