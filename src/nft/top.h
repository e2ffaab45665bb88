/*
 * Live rates for `costs top`: two readings of the `inet costs` counters and
 * of the interface counters, and what each series counted between them,
 * with a table re-applied, reset or restored in between told apart so a
 * rate is never negative nor made of a restored table's old values.  It
 * neither reads nor writes the store, and it does not print.
 */
#ifndef COSTS_NFT_TOP_H
#define COSTS_NFT_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "nft/iface.h"
#include "nft/kernel.h"
#include "store/store.h"

/* The counters at one moment. */
struct nftc_top_point {
	bool table; /* the table inet costs exists */
	struct nftc_reading nft;
	struct nftc_iface *ifs;
	size_t nifs;
	int64_t mono_us; /* CLOCK_MONOTONIC when the readings were taken */
	int64_t wall_us; /* the wall clock at the same moment */
};

/*
 * Reads the table (a missing table is not an error: p->table is false) and
 * the interface counters of net_dev (normally NFTC_NET_DEV_FILE).  On
 * failure sets *status and e.  Release p with nftc_top_point_release.
 */
int nftc_top_read(struct nftc_top_point *p, const char *net_dev, enum nftc_status *status,
                  struct err *e);

/* Frees what p holds and zeroes it; safe on a zeroed point. */
void nftc_top_point_release(struct nftc_top_point *p);

/* The identity the table's generation counter holds, 0 when none. */
uint64_t nftc_top_generation(const struct nftc_reading *r);

/* What happened to the table between two readings. */
enum nftc_top_table {
	NFTC_TOP_SAME,     /* counted on (a counter that went down counts from zero) */
	NFTC_TOP_ABSENT,   /* no table at either reading */
	NFTC_TOP_REMOVED,  /* the table was deleted */
	NFTC_TOP_NEW,      /* applied (or created) anew: its counters count from zero */
	NFTC_TOP_RESET,    /* `nft reset counters`: the counters count from zero */
	NFTC_TOP_RESTORED, /* restored from a saved ruleset: what it counted is unknown */
};

/* A short word for a table event ("reapplied", "restored"), "" for SAME. */
const char *nftc_top_table_name(enum nftc_top_table t);

enum nftc_rate_kind {
	NFTC_RATE_SERVICE, /* a service's counter pair */
	NFTC_RATE_TOTAL,   /* the table's per-direction totals */
	NFTC_RATE_IFACE,   /* an interface (egress = sent, ingress = received) */
};

/* What one direction of a series counted over the interval. */
struct nftc_rate_dir {
	bool present; /* the series has this direction */
	bool known;   /* false: restored table or new interface, nothing to say */
	bool reset;   /* counted from zero: the counter was reset in the interval */
	uint64_t bytes, packets;
};

struct nftc_rate {
	enum nftc_rate_kind kind;
	char name[128];            /* service, "total" or interface name */
	struct nftc_rate_dir d[2]; /* indexed by enum store_dir */
};

struct nftc_top {
	struct nftc_rate *r; /* services, then the totals, then interfaces */
	size_t n;
	int64_t interval_us;
	enum nftc_top_table table;
};

/*
 * Known generation identities: the ones seen earlier in the run, so a table
 * restored from a ruleset saved while top ran is known as restored even
 * when another table came in between.
 */
struct nftc_top_gens {
	uint64_t *id;
	size_t n;
};

/* Adds id (not 0) to g unless it is there; -1 when out of memory. */
int nftc_top_gens_add(struct nftc_top_gens *g, uint64_t id, struct err *e);
void nftc_top_gens_release(struct nftc_top_gens *g);

/*
 * What each series counted from a to b (b taken after a).  gens holds the
 * generation identities seen before a (may be NULL).  wrap32 reads a
 * decrease of a 32-bit interface counter as a wrap.  Services are sorted by
 * egress bytes, then ingress bytes, descending, then by name; interfaces by
 * name.  Release out with nftc_top_release.
 */
int nftc_top_diff(const struct nftc_top_point *a, const struct nftc_top_point *b,
                  const struct nftc_top_gens *gens, bool wrap32, struct nftc_top *out,
                  struct err *e);

void nftc_top_release(struct nftc_top *t);

/* bytes over interval_us as bytes per second, rounded to the nearest. */
uint64_t nftc_top_per_second(uint64_t bytes, int64_t interval_us);

#endif
