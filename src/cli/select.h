/*
 * The plan selection options shared by compare, project and plot:
 * --provider, --plan, --region and --need fill a struct pricing_select.
 */
#ifndef COSTS_CLI_SELECT_H
#define COSTS_CLI_SELECT_H

#include "cli/cli.h"
#include "pricing/pricing.h"

#define CLI_SELECT_LONGOPTS                                                                        \
	{"provider", required_argument, NULL, CLI_OPT_PROVIDER},                                   \
	    {"plan", required_argument, NULL, CLI_OPT_PLAN},                                       \
	    {"region", required_argument, NULL, CLI_OPT_REGION},                                   \
	{                                                                                          \
		"need", required_argument, NULL, CLI_OPT_NEED                                      \
	}

/*
 * Handles one selection option.  Returns 0 when handled, 1 when opt is not
 * a selection option, or 2 after printing a usage error.
 */
int cli_select_option(const struct cmd *cmd, struct pricing_select *sel, int opt, const char *arg);

#endif
