/*
 * Entry point: global options, environment, default paths, then dispatch to
 * a command from the table.  Each command parses its own options.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

#ifndef COSTS_VERSION
#define COSTS_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: costs [--db FILE] [--config FILE] [--providers DIR] [-q|-v] COMMAND [ARGS]\n"
	       "\n"
	       "Measures the bytes each service on this host sends, keeps daily totals in\n"
	       "SQLite and prices them for hosting providers.\n"
	       "\n"
	       "Commands:\n");
	for (const struct cmd *const *c = cli_commands; *c; c++)
		fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fprintf(f,
	        "\n"
	        "Global options:\n"
	        "  --db FILE         database (env COSTS_DB; default " CLI_SYSTEM_DB " for\n"
	        "                    root, else $XDG_DATA_HOME/costs/costs.db)\n"
	        "  --config FILE     config (env COSTS_CONFIG; default /etc/costs/costs.conf for\n"
	        "                    root, else $XDG_CONFIG_HOME/costs/costs.conf)\n"
	        "  --providers DIR   provider tables (env COSTS_PROVIDERS)\n"
	        "  -q, --quiet       only errors on stderr\n"
	        "  -v, --verbose     more detail on stderr\n"
	        "  -h, --help        this help; 'costs COMMAND --help' for a command\n"
	        "  -V, --version     print the version\n"
	        "\n"
	        "Exit status: 0 ok, 1 failure, 2 usage error, 3 a limit passed: over budget\n"
	        "(project --budget) or stale price rows (providers check --stale).\n");
}

/* Builds "$XDG_x_HOME/costs/NAME" or "$HOME/FALLBACK/costs/NAME" into buf. */
static const char *xdg_path(char *buf, size_t len, const char *xdg_var, const char *fallback,
                            const char *name)
{
	const char *xdg = getenv(xdg_var);
	const char *home = getenv("HOME");

	if (xdg && *xdg == '/')
		snprintf(buf, len, "%s/costs/%s", xdg, name);
	else
		snprintf(buf, len, "%s/%s/costs/%s", home && *home ? home : ".", fallback, name);
	return buf;
}

/*
 * A folder of the installed share directory (installed), or the source
 * tree's folder of the same name when this binary runs from its build
 * directory: provider tables and gnuplot templates.
 */
static const char *default_share_dir(char *buf, size_t len, const char *name, const char *installed)
{
#if defined(COSTS_BUILD_ROOT) && defined(COSTS_SOURCE_ROOT)
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		size_t bl = strlen(COSTS_BUILD_ROOT);
		if (strncmp(exe, COSTS_BUILD_ROOT, bl) == 0 && exe[bl] == '/') {
			snprintf(buf, len, "%s/%s", COSTS_SOURCE_ROOT, name);
			return buf;
		}
	}
#else
	(void)name;
#endif
	snprintf(buf, len, "%s", installed);
	return buf;
}

/*
 * Moves the global options found among a command's arguments (before a
 * "--") to the front, so `costs report --db x.db` means what
 * `costs --db x.db report` means.  No command has options of these names.
 * Returns the new index of the command in argv.
 */
static int hoist_global_options(int argc, char **argv, int cmd_index)
{
	static const char *const with_value[] = {"--db", "--config", "--providers"};
	static const char *const flags[] = {"--quiet", "--verbose", "-q", "-v"};
	char **moved = calloc((size_t)argc, sizeof(*moved));
	char **rest = calloc((size_t)argc, sizeof(*rest));
	int nm = 0, nr = 0, i;

	if (!moved || !rest) {
		free(moved);
		free(rest);
		return cmd_index;
	}
	for (i = cmd_index + 1; i < argc; i++) {
		const char *a = argv[i];
		bool taken = false;

		if (strcmp(a, "--") == 0)
			break;
		for (size_t k = 0; k < sizeof(with_value) / sizeof(*with_value) && !taken; k++) {
			size_t n = strlen(with_value[k]);
			if (strncmp(a, with_value[k], n) == 0 && a[n] == '=') {
				moved[nm++] = argv[i];
				taken = true;
			} else if (strcmp(a, with_value[k]) == 0 && i + 1 < argc) {
				moved[nm++] = argv[i];
				moved[nm++] = argv[++i];
				taken = true;
			}
		}
		for (size_t k = 0; k < sizeof(flags) / sizeof(*flags) && !taken; k++)
			if (strcmp(a, flags[k]) == 0) {
				moved[nm++] = argv[i];
				taken = true;
			}
		if (!taken)
			rest[nr++] = argv[i];
	}
	for (; i < argc; i++)
		rest[nr++] = argv[i];
	if (nm) {
		char *cmd = argv[cmd_index];
		int j = cmd_index;
		for (int k = 0; k < nm; k++)
			argv[j++] = moved[k];
		argv[j++] = cmd;
		for (int k = 0; k < nr; k++)
			argv[j++] = rest[k];
		cmd_index += nm;
	}
	free(moved);
	free(rest);
	return cmd_index;
}

/* Whether a command's arguments ask only for its help. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

/*
 * costs is not written to be setuid or setgid: it reads files named by the
 * caller, runs gnuplot from the caller's PATH and quotes files in messages.
 * A copy installed that way would do all of it with the owner's rights, so
 * it refuses before reading anything.
 */
static bool refuse_setid(void)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (getresuid(&ruid, &euid, &suid) == 0 && getresgid(&rgid, &egid, &sgid) == 0 &&
	    ruid == euid && euid == suid && rgid == egid && egid == sgid)
		return false;
	fputs("costs: refusing to run setuid or setgid (the real and effective user or "
	      "group ids differ); run costs as the user it should act as, e.g. with sudo\n",
	      stderr);
	return true;
}

/*
 * The global options, wherever they stand (they are moved before the
 * command first).  Returns -1 to go on with the command at argv[optind], or
 * an exit status.
 */
static int global_options(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},        {"config", required_argument, NULL, 'c'},
	    {"providers", required_argument, NULL, 'p'}, {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},         {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},         {NULL, 0, NULL, 0},
	};
	int opt;

	/* The command is the first argument that is neither an option nor a value. */
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-') {
			hoist_global_options(argc, argv, i);
			break;
		}
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--config") == 0 ||
		    strcmp(argv[i], "--providers") == 0)
			i++;
	}
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+qvhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			cli->db_path = optarg;
			cli->db_explicit = true;
			break;
		case 'c':
			cli->config_path = optarg;
			cli->config_explicit = true;
			break;
		case 'p':
			cli->providers_dir = optarg;
			break;
		case 'q':
			cli->verbosity = -1;
			break;
		case 'v':
			cli->verbosity = 1;
			break;
		case 'h':
			usage(stdout);
			return cli_finish(0);
		case 'V':
			printf("costs %s\n", COSTS_VERSION);
			return cli_finish(0);
		default:
			if (optopt)
				return cli_usage(NULL, "unknown option '-%c'", optopt);
			return cli_usage(NULL, "unknown or incomplete option '%s'",
			                 argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/* Paths not given by an option or the environment: the defaults of DESIGN §2. */
static void default_paths(struct cli *cli)
{
	static char dbbuf[PATH_MAX], cfgbuf[PATH_MAX], provbuf[PATH_MAX], repbuf[PATH_MAX];

	if (!cli->db_path || !*cli->db_path)
		cli->db_path = geteuid() == 0 ? CLI_SYSTEM_DB
		                              : xdg_path(dbbuf, sizeof(dbbuf), "XDG_DATA_HOME",
		                                         ".local/share", "costs.db");
	if (!cli->config_path)
		cli->config_path = geteuid() == 0
		                       ? "/etc/costs/costs.conf"
		                       : xdg_path(cfgbuf, sizeof(cfgbuf), "XDG_CONFIG_HOME",
		                                  ".config", "costs.conf");
	if (!cli->providers_dir || !*cli->providers_dir)
		cli->providers_dir =
		    default_share_dir(provbuf, sizeof(provbuf), "providers", COSTS_PROVIDERS_DIR);
	cli->reports_dir = getenv("COSTS_REPORTS");
	if (!cli->reports_dir || !*cli->reports_dir)
		cli->reports_dir =
		    default_share_dir(repbuf, sizeof(repbuf), "reports", COSTS_REPORTS_DIR);
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	const char *env;
	int status;

	if (refuse_setid())
		return 1;
	cli.db_path = getenv("COSTS_DB");
	cli.db_explicit = cli.db_path && *cli.db_path;
	if ((env = getenv("COSTS_CONFIG")) && *env) {
		cli.config_path = env;
		cli.config_explicit = true;
	}
	cli.providers_dir = getenv("COSTS_PROVIDERS");
	if ((status = global_options(&cli, argc, argv)) >= 0)
		return status;
	default_paths(&cli);

	for (const struct cmd *const *c = cli_commands; *c; c++) {
		if (strcmp((*c)->name, argv[optind]) != 0)
			continue;
		/* Commands parse their own options from a fresh getopt state. */
		int cargc = argc - optind;
		char **cargv = argv + optind;
		optind = 0;
		opterr = 0;
		/*
		 * The config, and with it the time zone that decides days, is
		 * applied once, before the command runs (the provider tables do
		 * not depend on it; a command's --help needs nothing).
		 */
		if (strcmp((*c)->name, "providers") != 0 && !wants_help(cargc, cargv) &&
		    !cli_config(&cli))
			return 1;
		status = (*c)->exec(&cli, cargc, cargv);
		config_free(cli.config);
		return cli_finish(status);
	}
	return cli_usage(NULL, "unknown command '%s'", argv[optind]);
}
