/*
 * costs export: the CSV contracts of DESIGN §2 on stdout or, atomically, in
 * a file.  This file holds `daily` and `monthly`; later contracts add kinds.
 */
#include <string.h>

#include "cli.h"
#include "outfile.h"
#include "totals.h"

static int exec_export(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_PERIOD_LONGOPTS,
	    {"out", required_argument, NULL, CLI_OPT_OUT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	extern const struct cmd cmd_export;
	struct cli_period p;
	const char *out = NULL, *kind;
	struct store_query q;
	struct store_total *rows = NULL;
	struct store *st;
	struct outfile of;
	struct err e;
	size_t n = 0;
	int opt, rc;

	cli_period_init(&p);
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(&cmd_export);
			return 0;
		}
		if (opt == CLI_OPT_OUT) {
			out = optarg;
			continue;
		}
		rc = opt == '?' || opt == ':' ? 1 : cli_period_option(&cmd_export, &p, opt, optarg);
		if (rc == 1)
			return cli_bad_option(&cmd_export, opt, argv[optind - 1]);
		if (rc)
			return rc;
	}
	if (argc - optind != 1)
		return cli_usage(&cmd_export, "expected what to export: daily or monthly");
	kind = argv[optind];
	if (strcmp(kind, "daily") == 0)
		p.by_month = false;
	else if (strcmp(kind, "monthly") == 0)
		p.by_month = true;
	else
		return cli_usage(&cmd_export, "unknown export '%s' (daily or monthly)", kind);
	if (!cli_config(cli) || !(st = cli_open_store(cli, false)))
		return 1;
	cli_period_query(&p, &q);
	rc = store_totals(st, &q, &rows, &n, &e);
	store_close(st);
	if (rc)
		return cli_error("%s", e.msg);
	if (outfile_open(&of, out, &e)) {
		store_totals_free(rows, n);
		return cli_error("%s", e.msg);
	}
	rc = report_totals_csv(of.f, rows, n, p.by_month);
	store_totals_free(rows, n);
	if (rc) {
		outfile_abort(&of);
		return cli_error("cannot write '%s'", out ? out : "standard output");
	}
	if (outfile_commit(&of, &e))
		return cli_error("%s", e.msg);
	return 0;
}

const struct cmd cmd_export = {
    .name = "export",
    .synopsis = "daily|monthly [--from DAY] [--to DAY] [--month YYYY-MM] [--out FILE]",
    .summary = "write daily or monthly totals as CSV (RFC 4180)",
    .help = "Kinds:\n"
            "  daily     day,host,service,source,egress_bytes,ingress_bytes,egress_packets,\n"
            "            ingress_packets\n"
            "  monthly   the same with month (YYYY-MM) in the first column\n"
            "\nOptions:\n" CLI_PERIOD_HELP
            "  --out FILE          write FILE (replaced atomically) instead of stdout\n",
    .exec = exec_export,
};
