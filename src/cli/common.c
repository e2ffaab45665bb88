/*
 * Helpers shared by the commands: messages, lazily loaded config and store,
 * and the period options.  Messages follow "costs: cannot open 'x': reason".
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
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
	static const char *const globals[] = {"--db",    "--config", "--providers", "-q",
	                                      "--quiet", "-v",       "--verbose"};
	size_t n = strcspn(arg, "=");

	if (opt == ':')
		return cli_usage(cmd, "option '%s' needs a value", arg);

	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++)
		if (strlen(globals[i]) == n && strncmp(arg, globals[i], n) == 0)
			return cli_usage(cmd,
			                 "'%.*s' is a global option: give it before the command "
			                 "(costs %.*s ... %s)",
			                 (int)n, arg, (int)n, arg, cmd->name);
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
	if (!cli->config->path)
		cli_verbose(cli, "no config at '%s': using the built-in services",
		            cli->config_path);
	return cli->config;
}

struct store *cli_open_store(struct cli *cli, bool create)
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
	if (store_open(cli->db_path, create, (int)secs * 1000, &s, &e)) {
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
		p->from = p->to = date_today() - 1;
		p->yesterday = true;
		return 0;
	case CLI_OPT_BY:
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
		if (strcmp(arg, "pcap") && strcmp(arg, "nft") && strcmp(arg, "iface") &&
		    strcmp(arg, "import"))
			return cli_usage(cmd, "bad --source '%s' (pcap, nft, iface or import)",
			                 arg);
		p->source = arg;
		return 0;
	}
	return 1;
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
