/*
 * The one place that decides which measurements a bill is based on.
 */
#include "egress.h"

#include "date.h"

#include <math.h>
#include <string.h>

static int source_rank(const char *s)
{
	if (strcmp(s, STORE_SOURCE_NFT) == 0)
		return 3;
	if (strcmp(s, STORE_SOURCE_PCAP) == 0)
		return 2;
	if (strcmp(s, STORE_SOURCE_IMPORT) == 0)
		return 1;
	return 0; /* iface: interface totals, not per service */
}

int cli_daily_egress(struct cli *cli, struct store *st, int32_t from, int32_t to, const char *host,
                     double *days)
{
	const struct config *cfg = cli_config(cli);
	struct store_query q = {.from = from, .to = to, .host = host};
	struct store_total *rows = NULL;
	struct err e;
	size_t n = 0;

	if (!cfg)
		return 1;
	for (int32_t d = from; d <= to; d++)
		days[d - from] = NAN;
	if (store_totals(st, &q, &rows, &n, &e))
		return cli_error("%s", e.msg);
	/* Rows come ordered by day and host: handle one (day, host) group at a time. */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int best = 0;
		while (j < n && strcmp(rows[j].period, rows[i].period) == 0 &&
		       strcmp(rows[j].host, rows[i].host) == 0) {
			int r = source_rank(rows[j].source);
			if (r > best)
				best = r;
			j++;
		}
		int32_t day;
		if (best > 0 && date_parse_day(rows[i].period, &day, NULL) == 0 && day >= from &&
		    day <= to) {
			double sum = isnan(days[day - from]) ? 0 : days[day - from];
			for (size_t k = i; k < j; k++)
				if (source_rank(rows[k].source) == best &&
				    config_service_billable(cfg, rows[k].service))
					sum += (double)rows[k].egress_bytes;
			days[day - from] = sum;
		}
		i = j;
	}
	store_totals_free(rows, n);
	return 0;
}
