/*
 * costs export: the CSV contracts of DESIGN §2 on stdout or, atomically, in
 * a file.  This file holds `daily` and `monthly`; later contracts add kinds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/project.h"
#include "util/outfile.h"
#include "report/totals.h"

extern const struct cmd cmd_export;

/*
 * export compare|project: the command's own CSV (--format csv) with its own
 * options, written to --out atomically.  Standard output is pointed at the
 * temporary file for the call, so the CSV is produced in one place only.
 */
static int export_delegate(struct cli *cli, const struct cmd *cmd, int kind, int argc, char **argv)
{
	char **args = calloc((size_t)argc + 3, sizeof(*args));
	const char *out = NULL;
	struct outfile of;
	struct err e;
	int n = 0, rc, saved;

	if (!args)
		return cli_error("out of memory");
	args[n++] = (char *)cmd->name;
	args[n++] = (char *)"--format";
	args[n++] = (char *)"csv";
	for (int i = 1; i < argc; i++) {
		if (i == kind)
			continue; /* the kind may follow export's own --out */
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strncmp(argv[i], "--out=", 6) == 0)
			out = argv[i] + 6;
		else if (strcmp(argv[i], "--format") == 0 ||
		         strncmp(argv[i], "--format=", 9) == 0) {
			free(args);
			return cli_usage(&cmd_export, "export writes CSV: --format does not apply");
		} else
			args[n++] = argv[i];
	}
	if (strcmp(argv[argc - 1], "--out") == 0) {
		free(args);
		return cli_usage(&cmd_export, "option '--out' needs a value");
	}
	if (outfile_open(&of, out, &e)) {
		free(args);
		return cli_error("%s", e.msg);
	}
	fflush(stdout);
	saved = out ? dup(STDOUT_FILENO) : -1;
	if (out && (saved < 0 || dup2(fileno(of.f), STDOUT_FILENO) < 0)) {
		outfile_abort(&of);
		free(args);
		return cli_error("cannot write '%s': %s", out, strerror(errno));
	}
	optind = 0;
	rc = cmd->exec(cli, n, args);
	fflush(stdout);
	if (out) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	free(args);
	if (rc != 0 && rc != EXIT_BUDGET) {
		outfile_abort(&of);
		return rc;
	}
	if (outfile_commit(&of, &e))
		return cli_error("%s", e.msg);
	return rc;
}

/*
 * export project: project's options and run, its CSV writer, into --out
 * atomically (a failed run leaves an earlier file as it was).
 */
static int export_project(struct cli *cli, int kind, int argc, char **argv)
{
	struct cli_project_args a;
	struct outfile of;
	struct err e;
	char **args = calloc((size_t)argc, sizeof(*args));
	int n = 0, rc;

	/* Project's options without the kind, wherever it stood. */
	if (!args)
		return cli_error("out of memory");
	for (int i = 0; i < argc; i++)
		if (i != kind)
			args[n++] = argv[i];
	rc = cli_project_parse(&cmd_export, n, args, &a);
	free(args);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (outfile_open(&of, a.out, &e))
		return cli_error("%s", e.msg);
	rc = cli_project_run(cli, &cmd_export, &a, of.f);
	if (rc != 0 && rc != EXIT_BUDGET) {
		outfile_abort(&of);
		return rc;
	}
	if (outfile_commit(&of, &e))
		return cli_error("%s", e.msg);
	return rc;
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

static int exec_export(struct cli *cli, int argc, char **argv)
{
	extern const struct cmd cmd_compare;

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
	if (k < argc && strcmp(argv[k], "compare") == 0)
		return export_delegate(cli, &cmd_compare, k, argc, argv);
	if (k < argc && strcmp(argv[k], "project") == 0)
		return export_project(cli, k, argc, argv);
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
