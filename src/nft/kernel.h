/*
 * The kernel side of the nftables counters, through libnftables (never by
 * running the nft program): replacing and removing the `inet costs` table
 * and reading its named counters from libnftables' JSON output, parsed with
 * jansson.  Deciding what the counters mean is sample.c's business.
 */
#ifndef COSTS_NFT_KERNEL_H
#define COSTS_NFT_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Why a kernel operation failed, so the caller can add the right hint. */
enum nftc_status {
	NFTC_OK,
	NFTC_ERR_PERM,        /* not root and no CAP_NET_ADMIN */
	NFTC_ERR_NO_TABLE,    /* the table inet costs does not exist */
	NFTC_ERR_UNAVAILABLE, /* nf_tables is not available in this kernel */
	NFTC_ERR_OTHER,
};

struct nftc_counter {
	char name[128];
	uint64_t bytes, packets;
};

/* The counters of the table as read at one moment, and the table's handle. */
struct nftc_reading {
	uint64_t handle; /* changes when the table is deleted and created again */
	struct nftc_counter *counters;
	size_t n;
};

/*
 * Reads the table inet costs.  On failure sets *status (when not NULL) and
 * e.  The caller releases r with nftc_reading_release.
 */
int nftc_read(struct nftc_reading *r, enum nftc_status *status, struct err *e);

/*
 * Parses libnftables JSON output into r: the table's handle and the
 * counters that belong to it, from one or more documents one after the
 * other (one per listing command).  Anything else is ignored, and so are
 * counters whose names are too long to be costs' own.  Output
 * without the table is an error.
 */
int nftc_parse_json(const char *text, size_t len, struct nftc_reading *r, struct err *e);

/* Frees the counters of r and zeroes it; safe on a zeroed reading. */
void nftc_reading_release(struct nftc_reading *r);

/* The counter called name in r, or NULL. */
const struct nftc_counter *nftc_reading_find(const struct nftc_reading *r, const char *name);

/*
 * Replaces the table with the definition (a `table inet costs { ... }`
 * block) in one transaction: the kernel sees the old table or the new one,
 * never neither.
 */
int nftc_apply(const char *definition, enum nftc_status *status, struct err *e);

/*
 * Checks, without talking to the kernel, that this process may use
 * nftables (root or CAP_NET_ADMIN): callers check before touching a store.
 */
int nftc_check_access(enum nftc_status *status, struct err *e);

/*
 * Replaces the table's generation counter by one holding the identity id
 * (packets) and the identity it continues, parent (bytes), in one batch.
 * Both must be below 2^63 (libnftables' JSON prints signed integers).
 */
int nftc_restamp(uint64_t id, uint64_t parent, enum nftc_status *status, struct err *e);

/*
 * A random identity for a generation counter, in [1, 2^62): from
 * getrandom, else from the clock and the process id.
 */
uint64_t nftc_random_generation(void);

/* Deletes the table; a missing table is NFTC_ERR_NO_TABLE. */
int nftc_remove(enum nftc_status *status, struct err *e);

#endif
