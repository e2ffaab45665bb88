/*
 * Helpers shared by `costs sample` and `costs nft`, which samples the
 * counters it is about to replace or remove.  Defined in cmd_sample.c.
 */
#ifndef COSTS_CLI_NFT_CLI_H
#define COSTS_CLI_NFT_CLI_H

#include <stdbool.h>

#include "cli/cli.h"
#include "nft/kernel.h"
#include "nft/sample.h"

/*
 * Samples inside the caller's transaction (begun before, so the counters are
 * read under the write lock).  With require_table false a missing table
 * only means there are no nft counters to sample; with dry_run the kernel is
 * not written (a reset or restored table keeps its generation counter).  Prints the error (with a
 * hint) and returns 1 on failure; prints gap warnings.
 */
int cli_nft_sample(struct cli *cli, struct store *st, const char *boot_id_file, bool require_table,
                   bool dry_run, struct nftc_sample_result *res);

/* The hint that goes with a kernel failure, starting with a space, or "". */
const char *cli_nft_hint(enum nftc_status st);

/* Sets TZ to the config's time zone (UTC without one); prints and returns 1 on failure. */
int cli_nft_set_timezone(const struct config *c);

#endif
