/*
 * The egress a provider would bill for a month, from the store: billable
 * services only, and per host a single source, because two sources that
 * measured the same traffic must never be added.  It reads totals; it does
 * not price them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "pricing.h"
#include "store.h"

/* Most trusted first: kernel counters see every packet of a service; a
 * capture may drop; an import is someone else's figure; interface counters
 * cannot tell services apart (so `billable = no` cannot apply to them). */
static const char *const preference[] = {STORE_SOURCE_NFT, STORE_SOURCE_PCAP, STORE_SOURCE_IMPORT,
                                         STORE_SOURCE_IFACE};
#define NPREF (sizeof(preference) / sizeof(preference[0]))

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
	if (store_totals(st, &q, &rows, &n, e))
		return -1;
	out->found = n > 0;
	for (size_t i = 0; i < n; i++) {
		size_t best = NPREF;
		bool seen = false;
		uint64_t sum = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(rows[j].host, rows[i].host) == 0;
		if (seen)
			continue; /* this host is done */
		for (size_t j = i; j < n; j++) {
			if (strcmp(rows[j].host, rows[i].host) != 0)
				continue;
			for (size_t k = 0; k < best; k++)
				if (strcmp(rows[j].source, preference[k]) == 0)
					best = k;
		}
		if (best == NPREF)
			continue; /* only sources this version does not know */
		for (size_t j = i; j < n; j++)
			if (strcmp(rows[j].host, rows[i].host) == 0 &&
			    strcmp(rows[j].source, preference[best]) == 0 &&
			    (!cfg || config_service_billable(cfg, rows[j].service)) &&
			    !num_add_u64(sum, rows[j].egress_bytes, &sum)) {
				store_totals_free(rows, n);
				return err_set(e, "egress total overflows");
			}
		if (!num_add_u64(out->bytes, sum, &out->bytes)) {
			store_totals_free(rows, n);
			return err_set(e, "egress total overflows");
		}
		out->source = !out->source || strcmp(out->source, preference[best]) == 0
		                  ? preference[best]
		                  : "mixed";
		out->hosts++;
	}
	store_totals_free(rows, n);
	return 0;
}
