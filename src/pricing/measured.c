/*
 * The egress a provider would bill for a month, from the store: billable
 * services only, and per host a single source, because two sources that
 * measured the same traffic must never be added.  It reads totals; it does
 * not price them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"
#include "pricing/pricing.h"
#include "store/store.h"

int pricing_month_egress(struct store *st, const struct config *cfg, const char *host,
                         int32_t first, int32_t last, struct pricing_measured *out, struct err *e)
{
	struct store_query q;
	struct store_total *rows = NULL;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	memset(&q, 0, sizeof(q));
	q.from = first;
	q.to = last;
	q.host = host;
	q.by_month = true;
	/* One source per host and day: sources measure the same traffic. */
	q.best_source = true;
	if (store_totals(st, &q, &rows, &n, e))
		return -1;
	out->found = n > 0;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(rows[j].host, rows[i].host) == 0;
		out->hosts += !seen;
		if (cfg && !config_service_billable(cfg, rows[i].service))
			continue;
		if (!num_add_u64(out->bytes, rows[i].egress_bytes, &out->bytes)) {
			store_totals_free(rows, n);
			return err_set(e, "egress total overflows");
		}
		/* Sources are static strings; the rows' copies are freed below. */
		const char *src =
		    strcmp(rows[i].source, STORE_SOURCE_NFT) == 0          ? STORE_SOURCE_NFT
		    : strcmp(rows[i].source, STORE_SOURCE_PCAP) == 0       ? STORE_SOURCE_PCAP
		    : strcmp(rows[i].source, STORE_SOURCE_IMPORT) == 0     ? STORE_SOURCE_IMPORT
		    : strcmp(rows[i].source, STORE_SOURCE_PROMETHEUS) == 0 ? STORE_SOURCE_PROMETHEUS
		                                                           : STORE_SOURCE_IFACE;
		out->source = !out->source || strcmp(out->source, src) == 0 ? src : "mixed";
	}
	store_totals_free(rows, n);
	return 0;
}
