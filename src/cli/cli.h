/*
 * The command-line layer: global options, the command table, and helpers
 * shared by commands (opening the store, loading the config, period
 * options, error messages).  Only this layer prints, exits or reads argv.
 */
#ifndef COSTS_CLI_H
#define COSTS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "util/err.h"
#include "store/store.h"

#define EXIT_USAGE  2
#define EXIT_BUDGET 3

/* The database root uses, and other users are pointed at when they have none. */
#define CLI_SYSTEM_DB "/var/lib/costs/costs.db"

struct cli {
	const char *db_path;
	const char *config_path;
	bool config_explicit; /* given by --config or COSTS_CONFIG: must exist */
	bool db_explicit;     /* given by --db or COSTS_DB */
	const char *providers_dir;
	const char *reports_dir; /* gnuplot templates: COSTS_REPORTS, share dir or source tree */
	int verbosity;           /* -1 quiet, 0 normal, 1 verbose */
	struct config *config;
	char hostname[256];
};

struct cmd {
	const char *name;
	const char *synopsis; /* arguments after the command name */
	const char *summary;  /* one line for the command list */
	const char *help;     /* option descriptions for `costs CMD --help` */
	int (*exec)(struct cli *cli, int argc, char **argv);
};

/* The command table, NULL-terminated, in the order `costs --help` lists them. */
extern const struct cmd *const cli_commands[];

/* Prints "costs: message" on stderr; returns 1 (the failure exit status). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "costs: message" and a usage hint for cmd; returns 2. */
int cli_usage(const struct cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The usage error after getopt_long returned opt ('?' or, with an optstring
 * starting with ':', ':' for a missing value); arg is the argv element it
 * stopped at.  Returns 2.
 */
int cli_bad_option(const struct cmd *cmd, int opt, const char *arg);

/* Prints "costs: warning: message" unless quiet. */
void cli_warn(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "costs: message" only with -v. */
void cli_verbose(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a command's full help on stdout. */
void cli_print_help(const struct cmd *cmd);

/*
 * Loads the config once (cached in cli->config).  Returns NULL after
 * printing the error.
 */
const struct config *cli_config(struct cli *cli);

/*
 * Opens the store; returns NULL after printing the error.  Without create
 * the store is opened read-only (cli_open_store_ro): commands that only
 * read never need write access to the file, its folder or the mount.
 */
struct store *cli_open_store(struct cli *cli, bool create);

/*
 * Opens the store read-only.  A user other than root with no database of
 * their own (and no --db or COSTS_DB) reads the system database when it is
 * readable, or is told where it is.
 */
struct store *cli_open_store_ro(struct cli *cli);

/* Opens an existing store for writing (forget): never creates one. */
struct store *cli_open_store_rw(struct cli *cli);

/* The host name recorded with totals: the config's, else gethostname(). */
const char *cli_host(struct cli *cli);

/* Flushes stdout and reports a write error; returns status or 1. */
int cli_finish(int status);

/*
 * Period options shared by report, export and plot:
 *   --from DAY --to DAY --month YYYY-MM --yesterday --by day|month
 *   --service NAME --host NAME --source SRC
 */
struct cli_period {
	int32_t from, to;
	bool by_month;
	const char *service;
	const char *host;
	const char *source; /* one source; NULL: the best of each host and day */
	bool every_source;  /* --source all: every source, each its own row */
	bool month_set, range_set, yesterday, by_set;
};

enum {
	CLI_OPT_FROM = 1000,
	CLI_OPT_TO,
	CLI_OPT_MONTH,
	CLI_OPT_YESTERDAY,
	CLI_OPT_BY,
	CLI_OPT_SERVICE,
	CLI_OPT_HOST,
	CLI_OPT_SOURCE,
	CLI_OPT_FORMAT,
	CLI_OPT_OUT,
	CLI_OPT_HELP,
	CLI_OPT_PROVIDER,
	CLI_OPT_PLAN,
	CLI_OPT_REGION,
	CLI_OPT_NEED,
	CLI_OPT_FIRST_FREE, /* commands number their own options from here */
};

#define CLI_PERIOD_LONGOPTS                                                                        \
	{"from", required_argument, NULL, CLI_OPT_FROM},                                           \
	    {"to", required_argument, NULL, CLI_OPT_TO},                                           \
	    {"month", required_argument, NULL, CLI_OPT_MONTH},                                     \
	    {"yesterday", no_argument, NULL, CLI_OPT_YESTERDAY},                                   \
	    {"by", required_argument, NULL, CLI_OPT_BY},                                           \
	    {"service", required_argument, NULL, CLI_OPT_SERVICE},                                 \
	    {"host", required_argument, NULL, CLI_OPT_HOST},                                       \
	{                                                                                          \
		"source", required_argument, NULL, CLI_OPT_SOURCE                                  \
	}

#define CLI_PERIOD_HELP_RANGE                                                                      \
	"  --from DAY          first day (YYYY-MM-DD), inclusive\n"                                \
	"  --to DAY            last day, inclusive\n"                                              \
	"  --month YYYY-MM     one calendar month\n"                                               \
	"  --yesterday         the day before today (in the config's time zone)\n"

#define CLI_PERIOD_HELP_FILTER                                                                     \
	"  --service NAME      only this service\n"                                                \
	"  --host NAME         only this host\n"                                                   \
	"  --source SRC        pcap, nft, iface, import, prometheus, or all (every\n"              \
	"                      source, each its own row); default: one source per host\n"          \
	"                      and day, the best present (nft, else pcap, else import,\n"          \
	"                      else prometheus, else iface)\n"

#define CLI_PERIOD_HELP                                                                            \
	CLI_PERIOD_HELP_RANGE                                                                      \
	"  --by day|month      one row per day (default) or per month\n" CLI_PERIOD_HELP_FILTER

/* For commands whose kind fixes the rows (export daily, plot monthly): no --by. */
#define CLI_PERIOD_HELP_NO_BY CLI_PERIOD_HELP_RANGE CLI_PERIOD_HELP_FILTER

#define CLI_PERIOD_SYNOPSIS_NO_BY                                                                  \
	"[--from DAY] [--to DAY] [--month YYYY-MM] [--yesterday] [--service NAME] [--host NAME] "  \
	"[--source SRC|all]"

void cli_period_init(struct cli_period *p);

/*
 * Handles one period option.  Returns 0 when handled, 1 when opt is not a
 * period option, or 2 after printing a usage error.
 */
int cli_period_option(const struct cmd *cmd, struct cli_period *p, int opt, const char *arg);

/*
 * Checks the period once every option is parsed and resolves --yesterday in
 * the config's time zone (so call it after cli_config).  A reversed range or
 * two kinds of period are usage errors.  Returns 0 or 2 after printing.
 */
int cli_period_finish(const struct cmd *cmd, struct cli_period *p);

/* Fills a store query from the period (best source unless --source). */
void cli_period_query(const struct cli_period *p, struct store_query *q);

enum cli_format { CLI_FORMAT_TABLE, CLI_FORMAT_CSV, CLI_FORMAT_JSON };

/* Parses --format; returns 0 or 2 after printing a usage error. */
int cli_parse_format(const struct cmd *cmd, const char *arg, enum cli_format *out);

/* The long name of the option whose getopt value is val ("?" when none). */
struct option;
const char *cli_option_name(const struct option *opts, int val);

#endif
