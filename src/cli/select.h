/*
 * The plan selection and quote options shared by compare, project and
 * plot: --provider, --plan, --region and --need fill a struct
 * pricing_select; compare and plot compare also take --seats, --hours,
 * --first-month (selection) and --rate, --currency, --vat (money), so both
 * price the same rows.
 */
#ifndef COSTS_CLI_SELECT_H
#define COSTS_CLI_SELECT_H

#include "cli/cli.h"
#include "pricing/pricing.h"
#include "pricing/quote.h"

#define CLI_SELECT_LONGOPTS                                                                        \
	{"provider", required_argument, NULL, CLI_OPT_PROVIDER},                                   \
	    {"plan", required_argument, NULL, CLI_OPT_PLAN},                                       \
	    {"region", required_argument, NULL, CLI_OPT_REGION},                                   \
	{                                                                                          \
		"need", required_argument, NULL, CLI_OPT_NEED                                      \
	}

/* Option values of the quote options, clear of the commands' own. */
enum {
	CLI_OPT_SEATS = CLI_OPT_FIRST_FREE + 100,
	CLI_OPT_HOURS,
	CLI_OPT_FIRST_MONTH,
	CLI_OPT_RATE,
	CLI_OPT_CURRENCY,
	CLI_OPT_VAT,
	CLI_OPT_ALLOW_SHARED,
	CLI_OPT_FROM_PROVIDER, /* compare's --from PROVIDER[:PLAN] (plot's --from is a day) */
};

#define CLI_QUOTE_LONGOPTS                                                                         \
	CLI_SELECT_LONGOPTS, {"seats", required_argument, NULL, CLI_OPT_SEATS},                    \
	    {"hours", required_argument, NULL, CLI_OPT_HOURS},                                     \
	    {"first-month", no_argument, NULL, CLI_OPT_FIRST_MONTH},                               \
	    {"rate", required_argument, NULL, CLI_OPT_RATE},                                       \
	    {"currency", required_argument, NULL, CLI_OPT_CURRENCY},                               \
	    {"allow-shared", no_argument, NULL, CLI_OPT_ALLOW_SHARED},                             \
	{                                                                                          \
		"vat", required_argument, NULL, CLI_OPT_VAT                                        \
	}

/* The help lines of the quote options, as compare and plot print them. */
#define CLI_QUOTE_HELP                                                                             \
	"  --provider NAME     only this provider's table (or a list: render,fly)\n"               \
	"  --plan NAME         only this plan, or a list: professional,ex44\n"                     \
	"                      (default: every plan in force); a plan retired that\n"              \
	"                      month is priced as its successor, with a note\n"                    \
	"  --region NAME       price in this region (default: the config's, else the\n"            \
	"                      table's first)\n"                                                   \
	"  --need SPEC         what runs, priced on every provider as the cheapest\n"              \
	"                      instances or servers that meet it: 2x1cpu/2GB,dedicated\n"          \
	"                      (COUNTxCPUcpu/RAM[/DISK], then dedicated, shared or\n"              \
	"                      disk=SIZE) or ram=4GB,cpu=2,count=2; overrides the need\n"          \
	"                      derived from the config (the first [provider] section\n"            \
	"                      with instances, need, or a server plan)\n"                          \
	"  --allow-shared      a need for dedicated CPUs may be met by shared ones\n"              \
	"  --seats N           seats for per-seat plans (default: config, else 1)\n"               \
	"  --hours H           hours each instance runs this month (default: all),\n"              \
	"                      billed by the provider's rule (per second, started\n"               \
	"                      hour, monthly cap)\n"                                               \
	"  --first-month       include one-off setup fees\n"                                       \
	"  --rate CUR=X        convert amounts in CUR at X units of the report currency\n"         \
	"                      (repeat for several currencies)\n"                                  \
	"  --currency CUR      the report currency for --rate (default USD)\n"                     \
	"  --vat PCT           add VAT at PCT percent of the net total\n"

/* A selection and the money it is reported in. */
struct cli_quote {
	struct pricing_select sel;
	const char *from_plan; /* --from PROVIDER:PLAN's plan, or NULL */
	char from[64];         /* --from's provider (sel.from points here) */
	struct pricing_money money;
};

/* Zeroes q: every plan in force, USD, no rate, no VAT. */
void cli_quote_init(struct cli_quote *q);

/*
 * Handles one selection option.  Returns 0 when handled, 1 when opt is not
 * a selection option, or 2 after printing a usage error.
 */
int cli_select_option(const struct cmd *cmd, struct pricing_select *sel, int opt, const char *arg);

/*
 * Handles --rate, --currency and --vat into m (compare's, plot's and
 * project's money options).  Returns 0, 1 when opt is not one of them, or
 * 2 after printing a usage error.
 */
int cli_money_option(const struct cmd *cmd, struct pricing_money *m, int opt, const char *arg);

/* The same for every quote option (selection and money). */
int cli_quote_option(const struct cmd *cmd, struct cli_quote *q, int opt, const char *arg);

/* After option parsing: checks the rates.  Returns 0 or 2 after a usage error. */
int cli_quote_check(const struct cmd *cmd, const struct cli_quote *q);

/*
 * Prints, once per retired plan, the note that it is priced as its
 * successor (pricing_plan.replaces), unless quiet.
 */
void cli_select_notes(const struct cli *cli, const struct pricing_plan *plans, size_t n);

#endif
