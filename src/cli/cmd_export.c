/*
 * costs export: the CSV contracts of DESIGN §2 on stdout or, atomically, in
 * a file.  This file holds `daily` and `monthly`; later contracts add kinds.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/compare.h"
#include "cli/project.h"
#include "util/outfile.h"
#include "report/totals.h"

extern const struct cmd cmd_export;

/* argv without the kind (at index kind), in a new array to free. */
static char **without_kind(int kind, int argc, char **argv, int *n)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));

	*n = 0;
	for (int i = 0; args && i < argc; i++)
		if (i != kind)
			args[(*n)++] = argv[i];
	return args;
}

/*
 * Writes what run writes into --out atomically (stdout without it): a
 * failed run leaves an earlier file as it was.  Exit status 3 (a budget
 * exceeded) still writes the file.
 */
static int export_write(const char *out, int (*run)(void *ctx, FILE *f), void *ctx)
{
	struct outfile of;
	struct err e;
	int rc;

	if (outfile_open(&of, out, &e))
		return cli_error("%s", e.msg);
	rc = run(ctx, of.f);
	if (rc != 0 && rc != EXIT_BUDGET) {
		outfile_abort(&of);
		return rc;
	}
	if (outfile_commit(&of, &e))
		return cli_error("%s", e.msg);
	return rc;
}

struct export_run {
	struct cli *cli;
	void *args;
};

static int run_compare(void *ctx, FILE *f)
{
	struct export_run *r = ctx;
	return cli_compare_run(r->cli, &cmd_export, r->args, f);
}

static int run_project(void *ctx, FILE *f)
{
	struct export_run *r = ctx;
	return cli_project_run(r->cli, &cmd_export, r->args, f);
}

/* export compare|project: that command's options, parser, run and CSV writer. */
static int export_command(struct cli *cli, bool compare, int kind, int argc, char **argv)
{
	struct cli_compare_args ca;
	struct cli_project_args pa;
	struct export_run r = {.cli = cli, .args = compare ? (void *)&ca : (void *)&pa};
	int n, rc;
	char **args = without_kind(kind, argc, argv, &n);

	if (!args)
		return cli_error("out of memory");
	rc = compare ? cli_compare_parse(&cmd_export, n, args, &ca)
	             : cli_project_parse(&cmd_export, n, args, &pa);
	free(args);
	if (rc)
		return rc < 0 ? 0 : rc;
	return export_write(compare ? ca.out : pa.out, compare ? run_compare : run_project, &r);
}

struct totals_out {
	struct store *st;
	const struct store_query *q;
	bool monthly;
	const char *out;
	FILE *f;
};

static int write_total(void *ctx, const struct store_total *t)
{
	return report_totals_csv_row(((struct totals_out *)ctx)->f, t) ? 1 : 0;
}

/* Streams the rows into f as the store reads them: a million days, one row's memory. */
static int write_totals(void *ctx, FILE *f)
{
	struct totals_out *t = ctx;
	struct err e;

	t->f = f;
	int rc = report_totals_csv_head(f, t->monthly)
	             ? 1
	             : store_totals_each(t->st, t->q, write_total, t, &e);
	if (rc < 0)
		return cli_error("%s", e.msg);
	return rc ? cli_error("cannot write '%s'", t->out ? t->out : "standard output") : 0;
}

/* export daily|monthly: the totals of a period, one source per host and day. */
static int export_totals(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_PERIOD_LONGOPTS,
	    {"out", required_argument, NULL, CLI_OPT_OUT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cli_period p;
	const char *out = NULL, *kind;
	struct store_query q;
	struct store *st;
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
		return cli_usage(&cmd_export,
		                 "expected what to export: daily, monthly, compare or project");
	kind = argv[optind];
	if (strcmp(kind, "daily") != 0 && strcmp(kind, "monthly") != 0)
		return cli_usage(&cmd_export,
		                 "unknown export '%s' (daily, monthly, compare or project)", kind);
	if (p.by_set)
		return cli_usage(&cmd_export,
		                 "--by does not apply to export: 'daily' has a row per day, "
		                 "'monthly' a row per month");
	p.by_month = strcmp(kind, "monthly") == 0;
	if (!cli_config(cli))
		return 1;
	if ((rc = cli_period_finish(&cmd_export, &p)))
		return rc;
	if (!(st = cli_open_store(cli, false)))
		return 1;
	cli_period_query(&p, &q);
	struct totals_out t = {.st = st, .q = &q, .monthly = p.by_month, .out = out};
	rc = export_write(out, write_totals, &t);
	store_close(st);
	return rc;
}

static int exec_export(struct cli *cli, int argc, char **argv)
{
	static const char *const kinds[] = {"daily", "monthly", "compare", "project"};
	int k = argc;

	/*
	 * The kind: the first argument when it names one (as in every example),
	 * else the one argument anywhere that names a kind.  Which options take
	 * a value is not guessed here; when two arguments name kinds (a kind
	 * given as an option's value too), the user is asked to put it first.
	 */
	for (int i = 1; i < argc; i++)
		for (size_t j = 0; j < sizeof(kinds) / sizeof(kinds[0]); j++)
			if (strcmp(argv[i], kinds[j]) == 0) {
				if (i == 1) {
					k = 1;
					goto found;
				}
				if (k != argc)
					return cli_usage(
					    &cmd_export,
					    "give what to export (%s) right after 'export'",
					    argv[k]);
				k = i;
			}
found:
	if (k < argc && (strcmp(argv[k], "compare") == 0 || strcmp(argv[k], "project") == 0))
		return export_command(cli, argv[k][0] == 'c', k, argc, argv);
	return export_totals(cli, argc, argv);
}

const struct cmd cmd_export = {
    .name = "export",
    .synopsis = "daily|monthly " CLI_PERIOD_SYNOPSIS_NO_BY " [--out FILE] | "
                "compare|project [that command's options] [--out FILE]",
    .summary = "write the CSV contracts (RFC 4180): totals, bills, projections",
    .help = "Kinds:\n"
            "  daily     day,host,service,source,egress_bytes,ingress_bytes,egress_packets,\n"
            "            ingress_packets (one source per host and day unless --source)\n"
            "  monthly   the same with month (YYYY-MM) in the first column\n"
            "  compare   what 'costs compare --format csv' prints, with compare's options:\n"
            "            provider,plan,region,month,currency,egress_bytes,included_bytes,\n"
            "            billable_bytes,base,compute,egress,other,total\n"
            "  project   what 'costs project --format csv' prints, with project's options:\n"
            "            month,as_of,provider,plan,currency,egress_p10,egress_p50,egress_p90,\n"
            "            total_p10,total_p50,total_p90,allowance_exhausted_on\n"
            "\nOptions of daily and monthly:\n" CLI_PERIOD_HELP_NO_BY
            "  --out FILE          write FILE (replaced atomically) instead of stdout\n",
    .exec = exec_export,
};
