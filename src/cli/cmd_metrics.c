/*
 * costs metrics: the store in the Prometheus text format on stdout, or
 * atomically into --out FILE for node_exporter's textfile collector.  The
 * metrics themselves are made in src/metrics.
 */
#include <string.h>

#include "cli/cli.h"
#include "metrics/metrics.h"
#include "util/date.h"
#include "util/outfile.h"

extern const struct cmd cmd_metrics;

static int exec_metrics(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, CLI_OPT_OUT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct outfile o;
	struct metrics_input in;
	const char *out = NULL;
	struct store *st;
	struct err e;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(&cmd_metrics);
			return 0;
		}
		if (opt != CLI_OPT_OUT)
			return cli_bad_option(&cmd_metrics, opt, argv[optind - 1]);
		out = optarg;
	}
	if (optind < argc)
		return cli_usage(&cmd_metrics, "unexpected argument '%s'", argv[optind]);
	if (!cli_config(cli) || !(st = cli_open_store(cli, false)))
		return 1;
	in = (struct metrics_input){.config = cli->config,
	                            .providers_dir = cli->providers_dir,
	                            .local_host = cli_host(cli),
	                            .today = date_today()};
	if (outfile_open(&o, out, &e)) {
		store_close(st);
		return cli_error("%s", e.msg);
	}
	rc = metrics_write(o.f, st, &in, &e);
	store_close(st);
	if (rc == 0)
		rc = outfile_commit(&o, &e);
	if (rc) {
		outfile_abort(&o);
		return cli_error("%s", e.msg);
	}
	return 0;
}

const struct cmd cmd_metrics = {
    .name = "metrics",
    .synopsis = "[--out FILE]",
    .summary = "print the store as Prometheus metrics (counters, day totals, bills)",
    .help = "  --out FILE          write to FILE atomically (a temporary file renamed into\n"
            "                      place), e.g. for node_exporter's textfile collector\n"
            "\nCounters costs_egress_bytes_total and the like (host, service, source) are\n"
            "sums of the store's daily totals; costs_day_egress_bytes{day} holds the\n"
            "store's own totals of today and the 7 days before, exact at day boundaries;\n"
            "bills are those of the plans `project` selects (the config's [provider]\n"
            "sections, else every plan in force).\n",
    .exec = exec_metrics,
};
