/*
 * Parsing of the plan selection options (see select.h).
 */
#include "cli/select.h"

int cli_select_option(const struct cmd *cmd, struct pricing_select *sel, int opt, const char *arg)
{
	struct err e;

	switch (opt) {
	case CLI_OPT_PROVIDER:
		sel->provider = arg;
		return 0;
	case CLI_OPT_PLAN:
		sel->plan = arg;
		return 0;
	case CLI_OPT_REGION:
		sel->region = arg;
		return 0;
	case CLI_OPT_NEED:
		if (pricing_need_parse(arg, &sel->need, &e))
			return cli_usage(cmd, "bad --need '%s': %s", arg, e.msg);
		return 0;
	}
	return 1;
}
