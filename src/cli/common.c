/*
 * Helpers shared by the commands: messages, lazily loaded config and store,
 * and the period options.  Messages follow "costs: cannot open 'x': reason".
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/date.h"
#include "util/num.h"

int cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("costs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cli_usage(const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("costs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "usage: costs %s %s\n(see 'costs %s --help')\n", cmd->name,
		        cmd->synopsis, cmd->name);
	else
		fputs("(see 'costs --help')\n", stderr);
	return EXIT_USAGE;
}

int cli_bad_option(const struct cmd *cmd, int opt, const char *arg)
{
	if (opt == ':')
		return cli_usage(cmd, "option '%s' needs a value", arg);
	return cli_usage(cmd, "unknown option '%s'", arg);
}

void cli_warn(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->verbosity < 0)
		return;
	fflush(stdout);
	fputs("costs: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_verbose(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->verbosity < 1)
		return;
	fputs("costs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_print_help(const struct cmd *cmd)
{
	printf("usage: costs [GLOBAL OPTIONS] %s %s\n\n%s.\n", cmd->name, cmd->synopsis,
	       cmd->summary);
	if (cmd->help && *cmd->help)
		printf("\n%s", cmd->help);
	printf("\nGlobal options are listed by 'costs --help'; 'man costs' has examples.\n");
}

const struct config *cli_config(struct cli *cli)
{
	struct err e;

	if (cli->config)
		return cli->config;
	if (config_load(cli->config_path, cli->config_explicit, &cli->config, &e)) {
		cli_error("%s", e.msg);
		return NULL;
	}
	/* The config's zone decides days everywhere: storage, --yesterday, today. */
	if (date_zone_apply(cli->config->timezone, &e)) {
		cli_error("%s: %s", cli->config->path ? cli->config->path : "config", e.msg);
		config_free(cli->config);
		cli->config = NULL;
		return NULL;
	}
	if (!cli->config->path)
		cli_verbose(cli, "no config at '%s': using the built-in services",
		            cli->config_path);
	return cli->config;
}

static struct store *open_store(struct cli *cli, bool create, bool readonly);

struct store *cli_open_store(struct cli *cli, bool create)
{
	return open_store(cli, create, !create);
}

struct store *cli_open_store_rw(struct cli *cli)
{
	return open_store(cli, false, false);
}

static struct store *open_store(struct cli *cli, bool create, bool readonly)
{
	struct store *s;
	struct err e;
	uint64_t secs = 30;
	const char *env = getenv("COSTS_BUSY_TIMEOUT");

	/* How long to wait for a lock another process holds (tests set it short). */
	if (env && *env && num_parse_u64(env, 0, 86400, &secs, &e)) {
		cli_error("bad COSTS_BUSY_TIMEOUT '%s' (seconds, 0 to 86400): %s", env, e.msg);
		return NULL;
	}
	if (readonly)
		return cli_open_store_ro(cli);
	if (store_open(cli->db_path, create, (int)secs * 1000, &s, &e)) {
		cli_error("%s", e.msg);
		return NULL;
	}
	return s;
}

struct store *cli_open_store_ro(struct cli *cli)
{
	static const char system_db[] = CLI_SYSTEM_DB;
	struct store *s;
	struct err e;
	struct stat sb;

	/*
	 * A user without a database of their own reads the system one when
	 * it is readable, and is told where it is when it is not.
	 */
	if (!cli->db_explicit && geteuid() != 0 && stat(cli->db_path, &sb) != 0 &&
	    errno == ENOENT) {
		int found = stat(system_db, &sb) == 0 ? 0 : errno;
		if (found == 0 && access(system_db, R_OK) == 0) {
			cli_verbose(cli, "no database at '%s': reading the system database '%s'",
			            cli->db_path, system_db);
			cli->db_path = system_db;
		} else if (found == 0 || found == EACCES) {
			cli_error("no database at '%s', and the system database '%s' is not "
			          "readable by you: ask for read access (its group), or give --db "
			          "FILE",
			          cli->db_path, system_db);
			return NULL;
		}
	}
	if (store_open_readonly(cli->db_path, 30000, &s, &e)) {
		cli_error("%s", e.msg);
		return NULL;
	}
	return s;
}

const char *cli_host(struct cli *cli)
{
	const struct config *c = cli->config;

	if (c && c->host)
		return c->host;
	if (!cli->hostname[0]) {
		if (gethostname(cli->hostname, sizeof(cli->hostname) - 1) != 0 || !cli->hostname[0])
			strcpy(cli->hostname, "localhost");
	}
	return cli->hostname;
}

int cli_finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "costs: cannot write standard output: %s\n",
		        strerror(errno ? errno : EIO));
		return status ? status : 1;
	}
	return status;
}

void cli_period_init(struct cli_period *p)
{
	memset(p, 0, sizeof(*p));
	p->from = 1;
	p->to = 0; /* from > to: all days */
}

int cli_period_option(const struct cmd *cmd, struct cli_period *p, int opt, const char *arg)
{
	struct err e;
	int32_t d, last;

	switch (opt) {
	case CLI_OPT_FROM:
	case CLI_OPT_TO:
		if (date_parse_day(arg, &d, &e))
			return cli_usage(cmd, "%s", e.msg);
		if (opt == CLI_OPT_FROM) {
			p->from = d;
			if (!p->range_set)
				p->to = INT32_MAX;
		} else {
			p->to = d;
			if (!p->range_set)
				p->from = 0;
		}
		p->range_set = true;
		return 0;
	case CLI_OPT_MONTH:
		if (date_parse_month(arg, &d, &last, &e))
			return cli_usage(cmd, "%s", e.msg);
		p->from = d;
		p->to = last;
		p->month_set = true;
		return 0;
	case CLI_OPT_YESTERDAY:
		/* Resolved by cli_period_finish, once the config's zone applies. */
		p->yesterday = true;
		return 0;
	case CLI_OPT_BY:
		p->by_set = true;
		if (strcmp(arg, "day") == 0)
			p->by_month = false;
		else if (strcmp(arg, "month") == 0)
			p->by_month = true;
		else
			return cli_usage(cmd, "bad --by '%s' (day or month)", arg);
		return 0;
	case CLI_OPT_SERVICE:
		p->service = arg;
		return 0;
	case CLI_OPT_HOST:
		p->host = arg;
		return 0;
	case CLI_OPT_SOURCE:
		if (strcmp(arg, "all") == 0) {
			p->every_source = true;
			p->source = NULL;
			return 0;
		}
		if (strcmp(arg, "pcap") && strcmp(arg, "nft") && strcmp(arg, "iface") &&
		    strcmp(arg, "import") && strcmp(arg, STORE_SOURCE_PROMETHEUS))
			return cli_usage(
			    cmd,
			    "bad --source '%s' (pcap, nft, iface, import, prometheus or "
			    "all)",
			    arg);
		p->source = arg;
		p->every_source = false;
		return 0;
	}
	return 1;
}

int cli_period_finish(const struct cmd *cmd, struct cli_period *p)
{
	char a[11], b[11];
	int kinds = p->yesterday + p->month_set + p->range_set;

	if (kinds > 1)
		return cli_usage(cmd, "give one of --yesterday, --month and --from/--to");
	if (p->yesterday)
		p->from = p->to = date_today() - 1;
	if (p->range_set && p->from > p->to)
		return cli_usage(cmd, "--from %s is after --to %s", date_format_day(p->from, a),
		                 date_format_day(p->to, b));
	return 0;
}

void cli_period_query(const struct cli_period *p, struct store_query *q)
{
	memset(q, 0, sizeof(*q));
	q->from = p->from;
	q->to = p->to;
	q->service = p->service;
	q->host = p->host;
	q->source = p->source;
	q->by_month = p->by_month;
	q->best_source = !p->source && !p->every_source;
}

int cli_parse_format(const struct cmd *cmd, const char *arg, enum cli_format *out)
{
	if (strcmp(arg, "table") == 0)
		*out = CLI_FORMAT_TABLE;
	else if (strcmp(arg, "csv") == 0)
		*out = CLI_FORMAT_CSV;
	else if (strcmp(arg, "json") == 0)
		*out = CLI_FORMAT_JSON;
	else
		return cli_usage(cmd, "bad --format '%s' (table, csv or json)", arg);
	return 0;
}

const char *cli_option_name(const struct option *opts, int val)
{
	for (; opts->name; opts++)
		if (opts->val == val)
			return opts->name;
	return "?";
}
