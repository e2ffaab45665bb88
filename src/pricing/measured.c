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

int pricing_egress_rows(struct store *st, const struct config *cfg, const char *host, int32_t from,
                        int32_t to, bool by_month, pricing_egress_fn fn, void *arg, struct err *e)
{
	struct store_query q = {
	    .from = from, .to = to, .host = host, .by_month = by_month, .best_source = true};
	struct store_total *rows = NULL;
	size_t n = 0;
	int rc = 0;

	if (store_totals(st, &q, &rows, &n, e))
		return -1;
	for (size_t i = 0; i < n && !rc; i++)
		rc = fn(&rows[i], !cfg || config_service_billable(cfg, rows[i].service), arg);
	store_totals_free(rows, n);
	return rc;
}

struct month_sum {
	struct pricing_measured *out;
	const struct config *cfg;
	const char **hosts; /* the rows' hosts seen so far (valid during the walk) */
	size_t nhosts, hcap;
	struct err *e;
};

static int month_add(const struct store_total *r, bool billable, void *arg)
{
	struct month_sum *m = arg;
	bool seen = false;

	m->out->found = true;
	for (size_t j = 0; j < m->nhosts && !seen; j++)
		seen = strcmp(m->hosts[j], r->host) == 0;
	if (!seen) {
		if (m->nhosts == m->hcap) {
			size_t cap = m->hcap ? 2 * m->hcap : 8;
			const char **h = realloc(m->hosts, cap * sizeof(*h));
			if (!h)
				return err_set(m->e, "out of memory");
			m->hosts = h;
			m->hcap = cap;
		}
		m->hosts[m->nhosts++] = r->host;
		m->out->hosts++;
	}
	if (!billable)
		return 0;
	if (!num_add_u64(m->out->bytes, r->egress_bytes, &m->out->bytes))
		return err_set(m->e, "egress total overflows");
	if (config_service_private(m->cfg, r->service) &&
	    !num_add_u64(m->out->private_bytes, r->egress_bytes, &m->out->private_bytes))
		return err_set(m->e, "egress total overflows");
	/* Sources are static strings; the rows' copies are freed after the walk. */
	const char *src = strcmp(r->source, STORE_SOURCE_NFT) == 0      ? STORE_SOURCE_NFT
	                  : strcmp(r->source, STORE_SOURCE_PCAP) == 0   ? STORE_SOURCE_PCAP
	                  : strcmp(r->source, STORE_SOURCE_IMPORT) == 0 ? STORE_SOURCE_IMPORT
	                  : strcmp(r->source, STORE_SOURCE_PROMETHEUS) == 0
	                      ? STORE_SOURCE_PROMETHEUS
	                      : STORE_SOURCE_IFACE;
	m->out->source = !m->out->source || strcmp(m->out->source, src) == 0 ? src : "mixed";
	return 0;
}

int pricing_month_egress(struct store *st, const struct config *cfg, const char *host,
                         int32_t first, int32_t last, struct pricing_measured *out, struct err *e)
{
	struct month_sum m = {.out = out, .cfg = cfg, .e = e};

	memset(out, 0, sizeof(*out));
	int rc = pricing_egress_rows(st, cfg, host, first, last, true, month_add, &m, e);
	free(m.hosts);
	return rc ? -1 : 0;
}
