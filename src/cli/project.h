/*
 * The project command's options and run, shared with `export project`, so
 * that export writes the same CSV through the same writer, not by
 * rewriting argv.
 */
#ifndef COSTS_CLI_PROJECT_H
#define COSTS_CLI_PROJECT_H

#include <stdio.h>

#include "cli/cli.h"
#include "pricing/pricing.h"
#include "pricing/quote.h"

struct cli_project_args {
	enum cli_format fmt;
	const char *host;
	const char *out; /* export: --out FILE */
	int32_t month_first, month_last, as_of;
	bool backtest, budget_set;
	int64_t budget;
	struct pricing_select sel;
	struct pricing_money money; /* --rate, --currency, --vat */
};

/*
 * Parses project's options for cmd (cmd_project, or export, which takes
 * --out instead of --format and writes CSV).  Returns 0, 2 after a usage
 * error, or -1 after printing --help.
 */
int cli_project_parse(const struct cmd *cmd, int argc, char **argv, struct cli_project_args *a);

/*
 * Projects, prices and writes to out in a->fmt.  Returns the exit status
 * (3 when a --budget is exceeded) after printing any error.
 */
int cli_project_run(struct cli *cli, const struct cmd *cmd, struct cli_project_args *a, FILE *out);

#endif
