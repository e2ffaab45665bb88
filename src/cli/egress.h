/*
 * Billable egress per day, as pricing and projection see it: for each host
 * and day one source (store_query.best_source: nft, else pcap, else import,
 * else interface counters) so traffic measured twice is not billed twice,
 * and only services the config marks billable count.
 */
#ifndef COSTS_CLI_EGRESS_H
#define COSTS_CLI_EGRESS_H

#include <stdint.h>

#include "cli/cli.h"

/*
 * Fills days[0 .. to - from] with the billable egress bytes of each day
 * from `from` to `to` (inclusive), summed over hosts (or only `host` when
 * not NULL); a day with no data at all is NAN.  Returns 0, or 1 after
 * printing an error.
 */
int cli_daily_egress(struct cli *cli, struct store *st, int32_t from, int32_t to, const char *host,
                     double *days);

#endif
