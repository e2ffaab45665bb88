/*
 * The compare command's options and run, shared with `export compare`, so
 * that export writes the same CSV through the same writer, not by
 * rewriting argv.
 */
#ifndef COSTS_CLI_COMPARE_H
#define COSTS_CLI_COMPARE_H

#include <stdio.h>

#include "cli/cli.h"
#include "cli/select.h"
#include "pricing/pricing.h"

struct cli_compare_args {
	struct cli_quote q;
	enum cli_format fmt;
	const char *host;
	const char *out; /* export: --out FILE */
	bool month_set, egress_set, allow_empty, breakeven, invoice_set, overlap;
	enum pricing_line invoice_line;
	int64_t invoice;
	uint64_t egress;
};

/*
 * Parses compare's options for cmd (cmd_compare, or export, which takes
 * --out instead of --format, writes CSV and has no text-only options).
 * Returns 0, 2 after a usage error, or -1 after printing --help.
 */
int cli_compare_parse(const struct cmd *cmd, int argc, char **argv, struct cli_compare_args *a);

/* Prices and writes to out in a->fmt.  Returns the exit status after printing any error. */
int cli_compare_run(struct cli *cli, const struct cmd *cmd, struct cli_compare_args *a, FILE *out);

#endif
