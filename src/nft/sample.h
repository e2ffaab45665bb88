/*
 * Turning counter readings into daily totals: the delta of each counter
 * since the state stored by the previous sample, with reboots, ruleset
 * reloads, recreated tables and 32-bit wraps told apart, spread over the
 * days the interval covers.  The caller holds the store's write lock
 * (store_begin) from before the readings were taken until it commits, so a
 * concurrent sample can neither see a stale value nor count one twice.
 */
#ifndef COSTS_NFT_SAMPLE_H
#define COSTS_NFT_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "nft/iface.h"
#include "nft/kernel.h"
#include "store/store.h"

/* What happened to a counter since its stored state. */
enum nftc_event {
	NFTC_EV_NONE,     /* counted on: the delta is the difference */
	NFTC_EV_FIRST,    /* no state: an nft counter counted from zero */
	NFTC_EV_BASELINE, /* no state: an interface counter, taken as the starting point */
	NFTC_EV_REBOOT,   /* boot id changed: counted from zero since boot */
	NFTC_EV_RESET,    /* value went down or the table/interface is a new one */
	NFTC_EV_WRAP,     /* a 32-bit counter wrapped past 2^32 */
	NFTC_EV_RESTORE,  /* the table was restored from a saved ruleset: only what
	                     it counted beyond the stored value is new */
};

/* A short word for an event ("reboot", "reset"), "" for NFTC_EV_NONE. */
const char *nftc_event_name(enum nftc_event ev);

/*
 * The delta of one counter.  prev is the stored state (found false when
 * there is none); handle identifies the table or interface the value comes
 * from.  first_counts says whether a counter without state counts its whole
 * value (nft counters start at zero when the table is applied) or only sets
 * the baseline (interface counters count since boot).  wrap32 allows a
 * decrease of a value that fitted in 32 bits to be read as a wrap.
 */
enum nftc_event nftc_counter_delta(const struct store_counter *prev, bool found,
                                   const char *boot_id, uint64_t handle, uint64_t value,
                                   bool first_counts, bool wrap32, uint64_t *delta);

/*
 * Whether name is one of the counters costs makes for a service
 * ("egress_web") or a per-direction total ("total_egress"): sets *svc
 * (pointing into name, or "total"), *dir and *total.  Any other counter in
 * the table is someone else's: false.
 */
bool nftc_series_name(const char *name, const char **svc, enum store_dir *dir, bool *total);

/* One day's share of a value. */
struct nftc_part {
	int32_t day;
	uint64_t value;
};

/*
 * Splits value over the local calendar days (the process's TZ) between t0
 * and t1 (microseconds since the epoch) in proportion to the time spent in
 * each; the shares add up to value exactly.  t0 >= t1 puts it all on t1's
 * day.  *parts is allocated; the caller frees it.
 */
int nftc_split(int64_t t0_us, int64_t t1_us, uint64_t value, struct nftc_part **parts, size_t *n,
               struct err *e);

/* The local calendar day (process TZ) of a time in microseconds. */
int32_t nftc_local_day(int64_t t_us);

struct nftc_sample_opts {
	const char *host;
	const char *boot_id;
	int64_t now_us;  /* time of the readings */
	int64_t boot_us; /* wall-clock time of the last boot */
	unsigned gap;    /* seconds; a longer interval since the last sample is a gap */
	/* The identity a restored or reset table is given (random, below 2^62). */
	uint64_t new_generation;
	/* Interface counters are 32 bits wide (a decrease may be a wrap). */
	bool iface_wrap32;
};

/* One counted series: a service (or interface) in one direction. */
struct nftc_delta {
	char service[128];  /* service name, or interface name for source iface */
	const char *source; /* STORE_SOURCE_NFT or STORE_SOURCE_IFACE */
	enum store_dir dir;
	bool total; /* the per-direction total counter (not stored as a service) */
	uint64_t bytes, packets;
	enum nftc_event event;
	int64_t since_us; /* start of the interval the delta was spread over */
};

struct nftc_sample_result {
	struct nftc_delta *d;
	size_t n;
	int64_t last_us; /* the previous sample, or 0 */
	bool gap;        /* the interval since it is longer than opts.gap */
	uint64_t gap_seconds;
	unsigned resets; /* series taken from zero (reboot or reset) */
	/*
	 * The table's generation counter must be renewed to (gen_id,
	 * gen_parent) before the sample commits: the table was reset or
	 * restored, and the state this sample stores is under gen_id.
	 */
	bool restamp;
	uint64_t gen_id, gen_parent;
};

/*
 * Adds the deltas of the readings since the stored state to the daily
 * totals (source nft and iface), stores the new state and the coverage of
 * each source, all through st, which must be inside a transaction.  nft may
 * be NULL (no table).  On failure the caller rolls back.  Release res with
 * nftc_sample_result_release.
 */
int nftc_sample_store(struct store *st, const struct nftc_reading *nft,
                      const struct nftc_iface *ifs, size_t nifs, const struct nftc_sample_opts *o,
                      struct nftc_sample_result *res, struct err *e);

void nftc_sample_result_release(struct nftc_sample_result *res);

/* Where nftc_sample_take reads the system's state. */
struct nftc_sample_env {
	const char *boot_id_file; /* normally /proc/sys/kernel/random/boot_id */
	const char *net_dev;      /* normally /proc/net/dev */
	const char *host;
	unsigned gap;
	bool require_table; /* a missing table is an error, not "no nft counters" */
	bool dry_run;       /* compute the deltas but write nothing to the kernel */
};

#define NFTC_BOOT_ID_FILE "/proc/sys/kernel/random/boot_id"
#define NFTC_NET_DEV_FILE "/proc/net/dev"

/*
 * Takes one sample: reads the boot id, the table's counters and the
 * interface counters, then stores the deltas with nftc_sample_store.  Call
 * it inside a transaction begun before, so the readings are taken under the
 * write lock.  When the table was reset or restored it renews the
 * table's generation counter (unless env->dry_run), so commit after it:
 * should the commit fail, the counter's parent still leads the next sample
 * to the state stored before.  On failure *status says why (NFTC_OK for failures that are
 * not the kernel's) and the caller rolls back.
 */
int nftc_sample_take(struct store *st, const struct nftc_sample_env *env,
                     struct nftc_sample_result *res, enum nftc_status *status, struct err *e);

/* Reads a boot id (one line) from path into buf. */
int nftc_read_boot_id(const char *path, char *buf, size_t len, struct err *e);

#endif
