/*
 * The one place that decides which measurements a bill is based on.
 */
#include "cli/egress.h"

#include "util/date.h"

#include <math.h>
#include <string.h>

int cli_daily_egress(struct cli *cli, struct store *st, int32_t from, int32_t to, const char *host,
                     double *days)
{
	const struct config *cfg = cli_config(cli);
	struct store_query q = {.from = from, .to = to, .host = host, .best_source = true};
	struct store_total *rows = NULL;
	struct err e;
	size_t n = 0;

	if (!cfg)
		return 1;
	for (int32_t d = from; d <= to; d++)
		days[d - from] = NAN;
	if (store_totals(st, &q, &rows, &n, &e))
		return cli_error("%s", e.msg);
	for (size_t i = 0; i < n; i++) {
		int32_t day;
		if (date_parse_day(rows[i].period, &day, NULL) || day < from || day > to)
			continue;
		if (isnan(days[day - from]))
			days[day - from] = 0; /* measured, even if nothing billable */
		if (config_service_billable(cfg, rows[i].service))
			days[day - from] += (double)rows[i].egress_bytes;
	}
	store_totals_free(rows, n);
	return 0;
}
