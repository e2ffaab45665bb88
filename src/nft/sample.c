/*
 * Counter deltas into daily totals.  Each series (a service or interface in
 * one direction) keeps two counter states in the store, bytes and packets,
 * named "iface/NAME/tx_bytes", "nftgen/ID/COUNTER/bytes" (per identity of a
 * table with a generation counter) or "nft/COUNTER/bytes" (a table without)
 * and so on.  A series is taken from zero when either of its counters shows
 * a reboot or a reset, so bytes and packets stay consistent.  It reads and
 * writes no kernel state itself: it says when the generation counter must
 * be renewed.
 */
#include "nft/sample.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/date.h"
#include "util/num.h"
#include "config/config.h"
#include "nft/ruleset.h"

const char *nftc_event_name(enum nftc_event ev)
{
	switch (ev) {
	case NFTC_EV_NONE:
		return "";
	case NFTC_EV_FIRST:
		return "new";
	case NFTC_EV_BASELINE:
		return "baseline";
	case NFTC_EV_REBOOT:
		return "reboot";
	case NFTC_EV_RESET:
		return "reset";
	case NFTC_EV_WRAP:
		return "wrap";
	case NFTC_EV_RESTORE:
		return "restored";
	}
	return "?";
}

enum nftc_event nftc_counter_delta(const struct store_counter *prev, bool found,
                                   const char *boot_id, uint64_t handle, uint64_t value,
                                   bool first_counts, bool wrap32, uint64_t *delta)
{
	if (!found) {
		*delta = first_counts ? value : 0;
		return first_counts ? NFTC_EV_FIRST : NFTC_EV_BASELINE;
	}
	if (strcmp(prev->boot_id, boot_id) != 0) {
		*delta = value;
		return NFTC_EV_REBOOT;
	}
	if (prev->handle != handle) {
		*delta = value;
		return NFTC_EV_RESET;
	}
	if (value >= prev->value) {
		*delta = value - prev->value;
		return NFTC_EV_NONE;
	}
	/*
	 * Same boot, same table or interface, and a smaller value: a counter
	 * that only ever held 32 bits wrapped; anything larger was reset.
	 */
	if (wrap32 && prev->value <= UINT32_MAX && value <= UINT32_MAX) {
		*delta = value + ((uint64_t)1 << 32) - prev->value;
		return NFTC_EV_WRAP;
	}
	*delta = value;
	return NFTC_EV_RESET;
}

int32_t nftc_local_day(int64_t t_us)
{
	time_t t = (time_t)(t_us / 1000000);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return date_utc_day(t);
	return date_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The first local midnight after t (seconds), found with mktime. */
static time_t next_midnight(time_t t)
{
	struct tm tm;
	time_t m;

	if (!localtime_r(&t, &tm))
		return t - t % 86400 + 86400;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += 1;
	tm.tm_isdst = -1;
	m = mktime(&tm);
	/* A zone whose midnight does not exist on some day: step past it. */
	if (m == (time_t)-1 || m <= t)
		m = t - t % 3600 + 3600;
	return m;
}

int nftc_split(int64_t t0_us, int64_t t1_us, uint64_t value, struct nftc_part **parts, size_t *n,
               struct err *e)
{
	int32_t d0 = nftc_local_day(t0_us), d1 = nftc_local_day(t1_us);
	struct nftc_part *p;
	size_t cnt = 0, cap;
	uint64_t given = 0;
	int64_t t = t0_us;

	if (t0_us >= t1_us || d0 >= d1) {
		if (!(p = malloc(sizeof(*p))))
			return err_set(e, "out of memory");
		p[0] = (struct nftc_part){d1, value};
		*parts = p;
		*n = 1;
		return 0;
	}
	cap = (size_t)(d1 - d0) + 2;
	if (!(p = calloc(cap, sizeof(*p))))
		return err_set(e, "out of memory");
	while (t < t1_us && cnt < cap) {
		int64_t m = (int64_t)next_midnight((time_t)(t / 1000000)) * 1000000;
		int64_t end = m < t1_us ? m : t1_us;
		int32_t day = nftc_local_day(t);
		/* 128-bit product: value * microseconds can exceed 64 bits. */
		uint64_t share = (uint64_t)((num_u128)value * (uint64_t)(end - t0_us) /
		                            (uint64_t)(t1_us - t0_us)) -
		                 given;
		if (cnt > 0 && p[cnt - 1].day == day)
			p[cnt - 1].value += share;
		else
			p[cnt++] = (struct nftc_part){day, share};
		given += share;
		t = end;
	}
	/* Rounding leaves nothing behind: the cumulative share at t1 is value. */
	if (given < value)
		p[cnt - 1].value += value - given;
	*parts = p;
	*n = cnt;
	return 0;
}

struct cov {
	int32_t day;
	const char *source;
	struct store_coverage c;
};

struct run {
	struct store *st;
	const struct nftc_sample_opts *o;
	struct nftc_sample_result *res;
	size_t cap;
	struct cov *cov;
	size_t ncov;
	int64_t last_nft, last_iface;
	struct err *e;
};

static struct store_coverage *cov_at(struct run *r, int32_t day, const char *source)
{
	struct cov *c;

	for (size_t i = 0; i < r->ncov; i++)
		if (r->cov[i].day == day && strcmp(r->cov[i].source, source) == 0)
			return &r->cov[i].c;
	if (!(c = realloc(r->cov, (r->ncov + 1) * sizeof(*c))))
		return NULL;
	r->cov = c;
	c = &r->cov[r->ncov++];
	memset(c, 0, sizeof(*c));
	c->day = day;
	c->source = source;
	return &c->c;
}

static int get_state(struct run *r, const char *name, struct store_counter *c, bool *found)
{
	return store_counter_get(r->st, name, c, found, r->e);
}

static int put_state(struct run *r, const char *name, uint64_t handle, uint64_t value)
{
	struct store_counter c = {.handle = handle, .value = value, .time_us = r->o->now_us};

	snprintf(c.boot_id, sizeof(c.boot_id), "%s", r->o->boot_id);
	return store_counter_put(r->st, name, &c, r->e);
}

static struct nftc_delta *new_delta(struct run *r)
{
	struct nftc_sample_result *res = r->res;

	if (res->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 32;
		struct nftc_delta *d = realloc(res->d, nc * sizeof(*d));
		if (!d)
			return NULL;
		res->d = d;
		r->cap = nc;
	}
	memset(&res->d[res->n], 0, sizeof(res->d[0]));
	return &res->d[res->n++];
}

/* Adds one series' delta to the daily totals, spread over its interval. */
static int store_delta(struct run *r, const struct nftc_delta *d)
{
	struct nftc_part *pb = NULL, *pp = NULL;
	size_t nb = 0, np = 0;
	int rc = -1;

	if (d->bytes == 0 && d->packets == 0)
		return 0;
	if (nftc_split(d->since_us, r->o->now_us, d->bytes, &pb, &nb, r->e) ||
	    nftc_split(d->since_us, r->o->now_us, d->packets, &pp, &np, r->e))
		goto out;
	/* Both splits cover the same days in the same order. */
	for (size_t i = 0; i < nb && i < np; i++) {
		if (d->total) {
			struct store_coverage *c = cov_at(r, pb[i].day, d->source);
			if (!c) {
				err_set(r->e, "out of memory");
				goto out;
			}
			c->packets += pp[i].value;
			continue;
		}
		if ((pb[i].value || pp[i].value) &&
		    store_add_daily(r->st, r->o->host, pb[i].day, d->service, d->dir, d->source,
		                    pb[i].value, pp[i].value, r->e))
			goto out;
	}
	rc = 0;
out:
	free(pb);
	free(pp);
	return rc;
}

/*
 * Samples one series from its two counters.  state is the state name
 * prefix; bname and pname the suffixes of the bytes and packets states.
 */
static int series(struct run *r, struct nftc_delta *d, const char *state, const char *bname,
                  const char *pname, uint64_t handle, uint64_t bytes, uint64_t packets,
                  bool first_counts, bool wrap32, int64_t *last)
{
	char nb[256], np[256];
	struct store_counter sb, sp;
	bool fb, fp;
	enum nftc_event eb, ep;

	snprintf(nb, sizeof(nb), "%s/%s", state, bname);
	snprintf(np, sizeof(np), "%s/%s", state, pname);
	if (get_state(r, nb, &sb, &fb) || get_state(r, np, &sp, &fp))
		return -1;
	eb = nftc_counter_delta(&sb, fb, r->o->boot_id, handle, bytes, first_counts, wrap32,
	                        &d->bytes);
	ep = nftc_counter_delta(&sp, fp, r->o->boot_id, handle, packets, first_counts, wrap32,
	                        &d->packets);
	d->event = eb;
	if (eb == NFTC_EV_REBOOT || ep == NFTC_EV_REBOOT)
		d->event = NFTC_EV_REBOOT;
	else if (eb == NFTC_EV_RESET || ep == NFTC_EV_RESET)
		d->event = NFTC_EV_RESET;
	else if (ep == NFTC_EV_WRAP)
		d->event = NFTC_EV_WRAP;
	if (d->event == NFTC_EV_REBOOT || d->event == NFTC_EV_RESET) {
		d->bytes = bytes;
		d->packets = packets;
	}
	switch (d->event) {
	case NFTC_EV_FIRST:
	case NFTC_EV_BASELINE:
		d->since_us = r->o->now_us;
		break;
	case NFTC_EV_REBOOT:
		/* Nothing was counted before the boot; spread over the time since. */
		d->since_us = sb.time_us > r->o->boot_us ? sb.time_us : r->o->boot_us;
		break;
	default:
		d->since_us = sb.time_us;
		break;
	}
	if (fb && sb.time_us > *last)
		*last = sb.time_us;
	if (d->since_us > r->o->now_us)
		d->since_us = r->o->now_us;
	if (d->event == NFTC_EV_REBOOT || d->event == NFTC_EV_RESET)
		r->res->resets++;
	if (store_delta(r, d))
		return -1;
	if (put_state(r, nb, handle, bytes) || put_state(r, np, handle, packets))
		return -1;
	return 0;
}

/* How a table with a generation counter relates to the stored state. */
enum gen_kind {
	GEN_NORMAL,  /* the table sampled last time, counting on */
	GEN_RESTORE, /* restored from a saved ruleset: a known identity, another table */
	GEN_NEW,     /* an identity never stored: a new table, counting from zero */
	GEN_RESET,   /* the generation counter reads 0: `nft reset counters` */
};

struct gen {
	enum gen_kind kind;
	uint64_t base;    /* the identity whose stored values the deltas are taken from */
	uint64_t current; /* the identity the new state is stored under */
	uint64_t parent;  /* the identity current continues (its counter's bytes) */
	int64_t since_us; /* start of the interval, for GEN_NEW and GEN_RESET */
	bool reboot;      /* the last nft sample was on another boot */
	uint64_t handle;  /* the table's handle */
};

/*
 * State names of the generation path: "nftgen/last" (the last sample: boot
 * id, time, the identity in handle and the table handle in value),
 * "nftgen/ID" (an identity: the table handle and boot it was sampled on)
 * and "nftgen/ID/COUNTER/bytes|packets" (the highest value counted).
 */
static void gen_name(char *buf, size_t len, uint64_t id, const char *counter, const char *what)
{
	if (counter)
		snprintf(buf, len, "nftgen/%016" PRIx64 "/%s/%s", id, counter, what);
	else
		snprintf(buf, len, "nftgen/%016" PRIx64, id);
}

/* Decides how the table relates to the stored state (see enum gen_kind). */
static int gen_decide(struct run *r, const struct nftc_reading *nft, const struct nftc_counter *gc,
                      struct gen *g)
{
	const struct nftc_sample_opts *o = r->o;
	struct store_counter last, known;
	bool found_last, found;
	char name[64];
	uint64_t id = gc->packets, parent = gc->bytes;

	memset(g, 0, sizeof(*g));
	g->handle = nft->handle;
	if (get_state(r, "nftgen/last", &last, &found_last))
		return -1;
	g->reboot = found_last && strcmp(last.boot_id, o->boot_id) != 0;
	g->since_us = o->now_us;
	if (found_last) {
		r->last_nft = last.time_us;
		g->since_us = last.time_us;
		if (g->reboot && o->boot_us > g->since_us)
			g->since_us = o->boot_us;
	}
	if (id == 0) {
		/* Every counter was zeroed with it: all they hold is new. */
		g->kind = GEN_RESET;
		g->current = o->new_generation;
		return g->current ? 0 : err_set(r->e, "no identity for a new table generation");
	}
	gen_name(name, sizeof(name), id, NULL, NULL);
	if (get_state(r, name, &known, &found))
		return -1;
	if (found) {
		bool same = known.handle == nft->handle && strcmp(known.boot_id, o->boot_id) == 0;
		g->kind = same ? GEN_NORMAL : GEN_RESTORE;
		g->base = id;
		/*
		 * A restored table forks the identity's history: it gets an
		 * identity of its own, so that restoring the same save again
		 * is compared with everything counted under the old one.
		 */
		g->current = same ? id : o->new_generation;
		g->parent = same ? parent : id;
		return g->current ? 0 : err_set(r->e, "no identity for a new table generation");
	}
	if (parent != 0) {
		gen_name(name, sizeof(name), parent, NULL, NULL);
		if (get_state(r, name, &known, &found))
			return -1;
	}
	if (parent != 0 && found) {
		/*
		 * A sample renewed the counter and then failed to commit: the
		 * parent's state is what was counted.  The identity is fresh,
		 * so it is adopted as it is.
		 */
		bool same = known.handle == nft->handle && strcmp(known.boot_id, o->boot_id) == 0;
		g->kind = same ? GEN_NORMAL : GEN_RESTORE;
		g->base = parent;
		g->current = id;
		g->parent = parent;
		return 0;
	}
	g->kind = GEN_NEW;
	g->current = id;
	g->parent = parent;
	return 0;
}

/* One counter value under the generation g: its delta and event. */
static int gen_value(struct run *r, const struct gen *g, const char *counter, const char *what,
                     uint64_t v, uint64_t *delta, enum nftc_event *ev, int64_t *since)
{
	struct store_counter prev;
	bool found = false;
	char name[256];

	*since = g->since_us;
	if (g->kind == GEN_NORMAL || g->kind == GEN_RESTORE) {
		gen_name(name, sizeof(name), g->base, counter, what);
		if (get_state(r, name, &prev, &found))
			return -1;
	}
	if (!found) {
		*delta = v;
		*ev = g->kind == GEN_RESET ? NFTC_EV_RESET
		      : g->reboot          ? NFTC_EV_REBOOT
		                           : NFTC_EV_FIRST;
		return 0;
	}
	if (g->kind == GEN_RESTORE) {
		/*
		 * The saved values were counted before, and how much of what
		 * the table holds was counted since the save is unknown: only
		 * what goes beyond the highest value counted is new.
		 */
		*delta = v > prev.value ? v - prev.value : 0;
		*ev = NFTC_EV_RESTORE;
		/* The old identity keeps the highest value counted under it. */
		if (v > prev.value && put_state(r, name, prev.handle, v))
			return -1;
		return 0;
	}
	*since = prev.time_us;
	if (v >= prev.value) {
		*delta = v - prev.value;
		*ev = NFTC_EV_NONE;
	} else {
		/* One counter reset by hand (`nft reset counter ...`). */
		*delta = v;
		*ev = NFTC_EV_RESET;
	}
	return 0;
}

/* Samples one series of a table with a generation counter. */
static int gen_series(struct run *r, const struct gen *g, struct nftc_delta *d,
                      const struct nftc_counter *c)
{
	enum nftc_event eb, ep;
	int64_t sb, sp;
	char name[256];

	if (gen_value(r, g, c->name, "bytes", c->bytes, &d->bytes, &eb, &sb) ||
	    gen_value(r, g, c->name, "packets", c->packets, &d->packets, &ep, &sp))
		return -1;
	d->event = eb != NFTC_EV_NONE ? eb : ep;
	/* A counter reset by hand: bytes and packets both from zero. */
	if (g->kind == GEN_NORMAL && (eb == NFTC_EV_RESET || ep == NFTC_EV_RESET)) {
		d->event = NFTC_EV_RESET;
		d->bytes = c->bytes;
		d->packets = c->packets;
	}
	d->since_us = sb;
	if (d->since_us > r->o->now_us)
		d->since_us = r->o->now_us;
	if (d->event == NFTC_EV_REBOOT || d->event == NFTC_EV_RESET || d->event == NFTC_EV_RESTORE)
		r->res->resets++;
	if (store_delta(r, d))
		return -1;
	gen_name(name, sizeof(name), g->current, c->name, "bytes");
	if (put_state(r, name, g->handle, c->bytes))
		return -1;
	gen_name(name, sizeof(name), g->current, c->name, "packets");
	return put_state(r, name, g->handle, c->packets);
}

/*
 * Whether name is one of the counters costs makes for a service or a total:
 * anything else in the table is someone else's and left alone.
 */
bool nftc_series_name(const char *name, const char **svc, enum store_dir *dir, bool *total)
{
	*total = false;
	if (strcmp(name, NFTC_TOTAL_EGRESS) == 0) {
		*svc = "total", *dir = STORE_EGRESS, *total = true;
	} else if (strcmp(name, NFTC_TOTAL_INGRESS) == 0) {
		*svc = "total", *dir = STORE_INGRESS, *total = true;
	} else if (strncmp(name, "egress_", 7) == 0) {
		*svc = name + 7, *dir = STORE_EGRESS;
	} else if (strncmp(name, "ingress_", 8) == 0) {
		*svc = name + 8, *dir = STORE_INGRESS;
	} else {
		return false;
	}
	/* Counters added by hand to the table may have any name. */
	return *total || config_valid_service_name(*svc);
}

/* The nft counters of a table that has a generation counter. */
static int sample_gen(struct run *r, const struct nftc_reading *nft, const struct nftc_counter *gc)
{
	struct store_counter st = {.time_us = r->o->now_us};
	struct gen g;
	char name[64];

	if (gen_decide(r, nft, gc, &g))
		return -1;
	for (size_t i = 0; i < nft->n; i++) {
		const struct nftc_counter *c = &nft->counters[i];
		struct nftc_delta *d;
		const char *svc;
		enum store_dir dir;
		bool total;

		if (!nftc_series_name(c->name, &svc, &dir, &total))
			continue; /* not one of ours */
		if (!(d = new_delta(r)))
			return err_set(r->e, "out of memory");
		snprintf(d->service, sizeof(d->service), "%s", svc);
		d->source = STORE_SOURCE_NFT;
		d->dir = dir;
		d->total = total;
		if (gen_series(r, &g, d, c))
			return -1;
	}
	snprintf(st.boot_id, sizeof(st.boot_id), "%s", r->o->boot_id);
	st.handle = nft->handle;
	st.value = g.parent;
	gen_name(name, sizeof(name), g.current, NULL, NULL);
	if (store_counter_put(r->st, name, &st, r->e))
		return -1;
	st.handle = g.current;
	st.value = nft->handle;
	if (store_counter_put(r->st, "nftgen/last", &st, r->e))
		return -1;
	if (g.current != gc->packets || g.parent != gc->bytes) {
		r->res->restamp = true;
		r->res->gen_id = g.current;
		r->res->gen_parent = g.parent;
	}
	return 0;
}

static int sample_nft(struct run *r, const struct nftc_reading *nft)
{
	const struct nftc_counter *gc = nftc_reading_find(nft, NFTC_GENERATION);

	if (gc)
		return sample_gen(r, nft, gc);
	/* A table without a generation counter (loaded by an older costs). */
	for (size_t i = 0; i < nft->n; i++) {
		const struct nftc_counter *c = &nft->counters[i];
		struct nftc_delta *d;
		char state[160];
		const char *svc;
		enum store_dir dir;
		bool total;

		if (!nftc_series_name(c->name, &svc, &dir, &total))
			continue; /* not one of ours */
		if (!(d = new_delta(r)))
			return err_set(r->e, "out of memory");
		snprintf(d->service, sizeof(d->service), "%s", svc);
		d->source = STORE_SOURCE_NFT;
		d->dir = dir;
		d->total = total;
		snprintf(state, sizeof(state), "nft/%s", c->name);
		if (series(r, d, state, "bytes", "packets", nft->handle, c->bytes, c->packets, true,
		           false, &r->last_nft))
			return -1;
	}
	return 0;
}

static int sample_iface(struct run *r, const struct nftc_iface *ifs, size_t nifs)
{
	for (size_t i = 0; i < nifs; i++) {
		for (int tx = 1; tx >= 0; tx--) {
			struct nftc_delta *d = new_delta(r);
			char state[64];
			if (!d)
				return err_set(r->e, "out of memory");
			snprintf(d->service, sizeof(d->service), "%s", ifs[i].name);
			d->source = STORE_SOURCE_IFACE;
			d->dir = tx ? STORE_EGRESS : STORE_INGRESS;
			snprintf(state, sizeof(state), "iface/%s", ifs[i].name);
			if (series(r, d, state, tx ? "tx_bytes" : "rx_bytes",
			           tx ? "tx_packets" : "rx_packets", ifs[i].ifindex,
			           tx ? ifs[i].tx_bytes : ifs[i].rx_bytes,
			           tx ? ifs[i].tx_packets : ifs[i].rx_packets, false,
			           r->o->iface_wrap32, &r->last_iface))
				return -1;
		}
	}
	return 0;
}

/* Coverage of one source: the interval since its last sample, a gap, resets. */
static int source_coverage(struct run *r, const char *source, int64_t last, unsigned resets)
{
	const struct nftc_sample_opts *o = r->o;
	int32_t today = nftc_local_day(o->now_us);
	struct store_coverage *c = cov_at(r, today, source);
	bool gap;

	if (!c)
		return err_set(r->e, "out of memory");
	c->samples++;
	c->resets += resets;
	if (last <= 0 || last >= o->now_us)
		return 0;
	gap = o->gap > 0 && o->now_us - last > (int64_t)o->gap * 1000000;
	if (gap)
		c->gaps++;
	struct nftc_part *p = NULL;
	size_t n = 0;
	if (nftc_split(last, o->now_us, (uint64_t)((o->now_us - last) / 1000000), &p, &n, r->e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct store_coverage *dc = cov_at(r, p[i].day, source);
		if (!dc) {
			free(p);
			return err_set(r->e, "out of memory");
		}
		dc->seconds += p[i].value;
		if (gap)
			dc->gap_seconds += p[i].value;
	}
	free(p);
	return 0;
}

static unsigned count_resets(const struct nftc_sample_result *res, const char *source)
{
	unsigned n = 0;

	for (size_t i = 0; i < res->n; i++)
		if (res->d[i].source == source &&
		    (res->d[i].event == NFTC_EV_REBOOT || res->d[i].event == NFTC_EV_RESET))
			n++;
	return n;
}

int nftc_sample_store(struct store *st, const struct nftc_reading *nft,
                      const struct nftc_iface *ifs, size_t nifs, const struct nftc_sample_opts *o,
                      struct nftc_sample_result *res, struct err *e)
{
	struct run r = {.st = st, .o = o, .res = res, .e = e};
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (nft && sample_nft(&r, nft))
		goto out;
	if (sample_iface(&r, ifs, nifs))
		goto out;
	res->last_us = r.last_nft > r.last_iface ? r.last_nft : r.last_iface;
	if (res->last_us > 0 && o->gap > 0 &&
	    o->now_us - res->last_us > (int64_t)o->gap * 1000000) {
		res->gap = true;
		res->gap_seconds = (uint64_t)((o->now_us - res->last_us) / 1000000);
	}
	if (nft &&
	    source_coverage(&r, STORE_SOURCE_NFT, r.last_nft, count_resets(res, STORE_SOURCE_NFT)))
		goto out;
	if (nifs > 0 && source_coverage(&r, STORE_SOURCE_IFACE, r.last_iface,
	                                count_resets(res, STORE_SOURCE_IFACE)))
		goto out;
	for (size_t i = 0; i < r.ncov; i++)
		if (store_add_coverage(st, o->host, r.cov[i].day, r.cov[i].source, &r.cov[i].c, e))
			goto out;
	/* What `costs watch` decided since, now that the counters hold it. */
	if (store_moves_apply(st, o->host, e))
		goto out;
	rc = 0;
out:
	free(r.cov);
	if (rc)
		nftc_sample_result_release(res);
	return rc;
}

void nftc_sample_result_release(struct nftc_sample_result *res)
{
	free(res->d);
	memset(res, 0, sizeof(*res));
}

int nftc_read_boot_id(const char *path, char *buf, size_t len, struct err *e)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return err_set(e, "cannot open boot id file '%s': %s", path, strerror(errno));
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return err_set(e, "cannot read boot id file '%s': empty", path);
	}
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	if (n == 0)
		return err_set(e, "cannot read boot id file '%s': empty", path);
	return 0;
}

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int nftc_sample_take(struct store *st, const struct nftc_sample_env *env,
                     struct nftc_sample_result *res, enum nftc_status *status, struct err *e)
{
	struct nftc_sample_opts o = {.host = env->host, .gap = env->gap};
	struct nftc_reading rd = {0};
	struct nftc_iface *ifs = NULL;
	size_t nifs = 0;
	char boot_id[64];
	bool have_nft = true;
	int rc;

	*status = NFTC_OK;
	memset(res, 0, sizeof(*res));
	if (nftc_read_boot_id(env->boot_id_file, boot_id, sizeof(boot_id), e))
		return -1;
	if (nftc_read(&rd, status, e)) {
		if (*status != NFTC_ERR_NO_TABLE || env->require_table)
			return -1;
		*status = NFTC_OK;
		have_nft = false;
	}
	/* The readings' time: after both reads, so the interval covers them. */
	if (nftc_iface_read(env->net_dev, &ifs, &nifs, e)) {
		nftc_reading_release(&rd);
		return -1;
	}
	o.now_us = clock_us(CLOCK_REALTIME);
	o.boot_us = o.now_us - clock_us(CLOCK_BOOTTIME);
	o.boot_id = boot_id;
	o.new_generation = nftc_random_generation();
	o.iface_wrap32 = nftc_iface_counters_32bit();
	rc = nftc_sample_store(st, have_nft ? &rd : NULL, ifs, nifs, &o, res, e);
	/*
	 * The kernel is written last, after every write to the store, so a
	 * failure before leaves the table as it was; the caller commits after.
	 */
	if (rc == 0 && res->restamp && !env->dry_run &&
	    nftc_restamp(res->gen_id, res->gen_parent, status, e)) {
		nftc_sample_result_release(res);
		rc = -1;
	}
	nftc_reading_release(&rd);
	free(ifs);
	return rc;
}
