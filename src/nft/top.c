/*
 * Live rates for `costs top`: the difference of two readings of the table's
 * named counters and of /proc/net/dev.  The per-counter rule is sample.c's
 * (nftc_counter_delta); the table-wide events come from the table's handle
 * and generation counter.  Nothing here touches the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nft/top.h"
#include "nft/ruleset.h"
#include "nft/sample.h"
#include "store/store.h"

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int nftc_top_read(struct nftc_top_point *p, const char *net_dev, enum nftc_status *status,
                  struct err *e)
{
	enum nftc_status st = NFTC_OK;

	memset(p, 0, sizeof(*p));
	if (nftc_read(&p->nft, &st, e) == 0) {
		p->table = true;
	} else if (st != NFTC_ERR_NO_TABLE) {
		if (status)
			*status = st;
		return -1;
	}
	/* The time of the counters, as close to the nft listing as can be. */
	p->mono_us = clock_us(CLOCK_MONOTONIC);
	p->wall_us = clock_us(CLOCK_REALTIME);
	if (nftc_iface_read(net_dev, &p->ifs, &p->nifs, e)) {
		nftc_top_point_release(p);
		if (status)
			*status = NFTC_OK;
		return -1;
	}
	if (status)
		*status = NFTC_OK;
	return 0;
}

void nftc_top_point_release(struct nftc_top_point *p)
{
	nftc_reading_release(&p->nft);
	free(p->ifs);
	memset(p, 0, sizeof(*p));
}

uint64_t nftc_top_generation(const struct nftc_reading *r)
{
	const struct nftc_counter *g = nftc_reading_find(r, NFTC_GENERATION);

	return g ? g->packets : 0;
}

const char *nftc_top_table_name(enum nftc_top_table t)
{
	switch (t) {
	case NFTC_TOP_SAME:
		return "";
	case NFTC_TOP_ABSENT:
		return "no table";
	case NFTC_TOP_REMOVED:
		return "removed";
	case NFTC_TOP_NEW:
		return "reapplied";
	case NFTC_TOP_RESET:
		return "reset";
	case NFTC_TOP_RESTORED:
		return "restored";
	}
	return "?";
}

static bool gens_has(const struct nftc_top_gens *g, uint64_t id)
{
	for (size_t i = 0; g && i < g->n; i++)
		if (g->id[i] == id)
			return true;
	return false;
}

int nftc_top_gens_add(struct nftc_top_gens *g, uint64_t id, struct err *e)
{
	uint64_t *p;

	if (id == 0 || gens_has(g, id))
		return 0;
	if (!(p = realloc(g->id, (g->n + 1) * sizeof(*p))))
		return err_set(e, "out of memory");
	g->id = p;
	g->id[g->n++] = id;
	return 0;
}

void nftc_top_gens_release(struct nftc_top_gens *g)
{
	free(g->id);
	g->id = NULL;
	g->n = 0;
}

/*
 * The table's event between a and b.  A new handle is a table deleted and
 * created again: counted from zero, unless its generation is one already
 * seen (a saved ruleset restored, its counters holding what they held when
 * it was saved).  The same handle with the generation gone to zero is
 * `nft reset counters`.
 */
static enum nftc_top_table table_event(const struct nftc_top_point *a,
                                       const struct nftc_top_point *b,
                                       const struct nftc_top_gens *gens)
{
	uint64_t ga, gb;

	if (!b->table)
		return a->table ? NFTC_TOP_REMOVED : NFTC_TOP_ABSENT;
	gb = nftc_top_generation(&b->nft);
	ga = a->table ? nftc_top_generation(&a->nft) : 0;
	if (a->table && a->nft.handle == b->nft.handle)
		return ga != 0 && gb == 0 ? NFTC_TOP_RESET : NFTC_TOP_SAME;
	if (gb != 0 && (gb == ga || gens_has(gens, gb)))
		return NFTC_TOP_RESTORED;
	return NFTC_TOP_NEW;
}

/* The row of kind and name in t, added (zeroed) when missing; NULL when out of memory. */
static struct nftc_rate *row(struct nftc_top *t, size_t *cap, enum nftc_rate_kind kind,
                             const char *name)
{
	struct nftc_rate *r;

	for (size_t i = 0; i < t->n; i++)
		if (t->r[i].kind == kind && strcmp(t->r[i].name, name) == 0)
			return &t->r[i];
	if (t->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		if (!(r = realloc(t->r, nc * sizeof(*r))))
			return NULL;
		t->r = r;
		*cap = nc;
	}
	r = &t->r[t->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

/* One value's delta by sample.c's rule; false when it says nothing (a baseline). */
static bool value_delta(bool found, uint64_t prev_handle, uint64_t prev, uint64_t handle,
                        uint64_t value, bool first_counts, bool wrap32, uint64_t *delta,
                        bool *reset)
{
	struct store_counter c = {.boot_id = "", .handle = prev_handle, .value = prev};
	enum nftc_event ev =
	    nftc_counter_delta(&c, found, "", handle, value, first_counts, wrap32, delta);

	*reset = ev == NFTC_EV_RESET || ev == NFTC_EV_FIRST;
	return ev != NFTC_EV_BASELINE;
}

static int nft_rows(const struct nftc_top_point *a, const struct nftc_top_point *b,
                    struct nftc_top *t, size_t *cap, struct err *e)
{
	bool from_zero = t->table == NFTC_TOP_NEW || t->table == NFTC_TOP_RESET;
	bool unknown = t->table == NFTC_TOP_RESTORED;

	for (size_t i = 0; i < b->nft.n; i++) {
		const struct nftc_counter *c = &b->nft.counters[i], *p = NULL;
		struct nftc_rate_dir *d;
		struct nftc_rate *r;
		enum store_dir dir;
		const char *svc;
		bool total, rb, rp;

		if (!nftc_series_name(c->name, &svc, &dir, &total))
			continue;
		if (!(r = row(t, cap, total ? NFTC_RATE_TOTAL : NFTC_RATE_SERVICE, svc)))
			return err_set(e, "out of memory");
		d = &r->d[dir];
		d->present = true;
		if (unknown)
			continue;
		d->known = true;
		if (from_zero) {
			d->bytes = c->bytes, d->packets = c->packets, d->reset = true;
			continue;
		}
		/* Same table: a counter new to it or gone down counts from zero. */
		p = nftc_reading_find(&a->nft, c->name);
		value_delta(p != NULL, 0, p ? p->bytes : 0, 0, c->bytes, true, false, &d->bytes,
		            &rb);
		value_delta(p != NULL, 0, p ? p->packets : 0, 0, c->packets, true, false,
		            &d->packets, &rp);
		d->reset = rb || rp;
	}
	return 0;
}

static int iface_rows(const struct nftc_top_point *a, const struct nftc_top_point *b, bool wrap32,
                      struct nftc_top *t, size_t *cap, struct err *e)
{
	for (size_t i = 0; i < b->nifs; i++) {
		const struct nftc_iface *c = &b->ifs[i], *p = NULL;
		struct nftc_rate *r;
		uint64_t v[4];
		bool reset[4], ok = true;

		for (size_t j = 0; j < a->nifs && !p; j++)
			if (strcmp(a->ifs[j].name, c->name) == 0)
				p = &a->ifs[j];
		if (!(r = row(t, cap, NFTC_RATE_IFACE, c->name)))
			return err_set(e, "out of memory");
		r->d[STORE_EGRESS].present = r->d[STORE_INGRESS].present = true;
		/*
		 * An interface counts from its creation, which may be long
		 * before it arrived here (moved in from another namespace):
		 * a new or recreated one says nothing about this interval.
		 */
		ok &= value_delta(p != NULL, p ? p->ifindex : 0, p ? p->tx_bytes : 0, c->ifindex,
		                  c->tx_bytes, false, wrap32, &v[0], &reset[0]);
		ok &= value_delta(p != NULL, p ? p->ifindex : 0, p ? p->tx_packets : 0, c->ifindex,
		                  c->tx_packets, false, wrap32, &v[1], &reset[1]);
		ok &= value_delta(p != NULL, p ? p->ifindex : 0, p ? p->rx_bytes : 0, c->ifindex,
		                  c->rx_bytes, false, wrap32, &v[2], &reset[2]);
		ok &= value_delta(p != NULL, p ? p->ifindex : 0, p ? p->rx_packets : 0, c->ifindex,
		                  c->rx_packets, false, wrap32, &v[3], &reset[3]);
		if (!ok || reset[0] || reset[1] || reset[2] || reset[3])
			continue;
		r->d[STORE_EGRESS] = (struct nftc_rate_dir){true, true, false, v[0], v[1]};
		r->d[STORE_INGRESS] = (struct nftc_rate_dir){true, true, false, v[2], v[3]};
	}
	return 0;
}

static int kind_rank(enum nftc_rate_kind k)
{
	return k == NFTC_RATE_SERVICE ? 0 : k == NFTC_RATE_TOTAL ? 1 : 2;
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_rate(const void *pa, const void *pb)
{
	const struct nftc_rate *a = pa, *b = pb;
	int c = kind_rank(a->kind) - kind_rank(b->kind);

	if (c)
		return c;
	if (a->kind == NFTC_RATE_SERVICE) {
		if ((c = cmp_u64_desc(a->d[STORE_EGRESS].bytes, b->d[STORE_EGRESS].bytes)))
			return c;
		if ((c = cmp_u64_desc(a->d[STORE_INGRESS].bytes, b->d[STORE_INGRESS].bytes)))
			return c;
	}
	return strcmp(a->name, b->name);
}

int nftc_top_diff(const struct nftc_top_point *a, const struct nftc_top_point *b,
                  const struct nftc_top_gens *gens, bool wrap32, struct nftc_top *out,
                  struct err *e)
{
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	out->interval_us = b->mono_us - a->mono_us;
	out->table = table_event(a, b, gens);
	if (nft_rows(a, b, out, &cap, e) || iface_rows(a, b, wrap32, out, &cap, e)) {
		nftc_top_release(out);
		return -1;
	}
	if (out->n > 1)
		qsort(out->r, out->n, sizeof(*out->r), cmp_rate);
	return 0;
}

void nftc_top_release(struct nftc_top *t)
{
	free(t->r);
	memset(t, 0, sizeof(*t));
}

uint64_t nftc_top_per_second(uint64_t bytes, int64_t interval_us)
{
	double v;

	if (interval_us <= 0)
		return 0;
	v = (double)bytes * 1e6 / (double)interval_us + 0.5;
	return v >= 18446744073709549568.0 ? UINT64_MAX : (uint64_t)v;
}
