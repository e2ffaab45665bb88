/*
 * costs watch: decides, with the classifier capture uses, the connections
 * the `inet costs` table sends to its NFLOG group (those not yet decided,
 * conntrack mark 0), sets each decided connection's conntrack mark so the
 * table counts it by service from then on, and keeps the bytes the kernel
 * counted in the fallback service before the decision as moves between
 * services, which the store applies at the next sample.  Reading, deciding
 * and marking live here; the loop, signals and messages in cli/.
 */
#ifndef COSTS_NFT_WATCH_H
#define COSTS_NFT_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "store/store.h"
#include "util/err.h"

struct nftc_watch;

struct nftc_watch_stats {
	uint64_t packets;     /* NFLOG packets read */
	uint64_t flows;       /* connections met */
	uint64_t decided;     /* decided by the classifier */
	uint64_t fallbacks;   /* left to the fallback (no decision in time) */
	uint64_t marked;      /* marks set */
	uint64_t mark_failed; /* marks not set (connection already gone) */
	uint64_t moved_bytes; /* bytes recorded as moves */
	uint64_t malformed;   /* records that could not be decoded */
	uint64_t untracked;   /* packets of connections beyond the most followed at once */
	uint64_t overruns;    /* times the kernel dropped records the socket had no room for */
};

/*
 * Opens the NFLOG group (libpcap device nflog:NFTC_NFLOG_GROUP) and
 * ctnetlink, and compiles config c.  Needs root or CAP_NET_ADMIN.
 */
int nftc_watch_new(const struct config *c, struct nftc_watch **out, struct err *e);
void nftc_watch_free(struct nftc_watch *w);

/*
 * A watch that reads nothing and marks nothing (for tests and fuzzing):
 * records go in through nftc_watch_record, and marks fail as if the
 * connections were gone.
 */
int nftc_watch_new_offline(const struct config *c, struct nftc_watch **out, struct err *e);

/* A descriptor that becomes readable when packets wait (for poll). */
int nftc_watch_fd(const struct nftc_watch *w);

/*
 * Reads and handles the packets waiting, without blocking.  now_us is the
 * wall-clock time (moves go to its local day).
 */
int nftc_watch_read(struct nftc_watch *w, int64_t now_us, struct err *e);

/*
 * Handles one NFLOG record as libpcap delivers it (DLT_NFLOG), for the
 * reader above and for tests.
 */
void nftc_watch_record(struct nftc_watch *w, const uint8_t *rec, size_t len, int64_t now_us);

/*
 * Gives up on connections undecided for too long (they stay in their
 * fallback service, which is marked) and forgets decided ones gone quiet.
 */
void nftc_watch_expire(struct nftc_watch *w, int64_t now_us);

/*
 * Writes the moves gathered so far for host in one transaction; on failure
 * they are kept for the next call.
 */
int nftc_watch_flush(struct nftc_watch *w, struct store *st, const char *host, struct err *e);

/* Compiles config c in place of the old one; undecided connections start over. */
int nftc_watch_reload(struct nftc_watch *w, const struct config *c, struct err *e);

const struct nftc_watch_stats *nftc_watch_stats(const struct nftc_watch *w);

/*
 * Whether some process listens on the table's NFLOG group in this network
 * namespace, from /proc/net/netfilter/nfnetlink_log (path, normally
 * NFTC_NFLOG_PROC).  *known is false when the file cannot be read.
 */
#define NFTC_NFLOG_PROC "/proc/net/netfilter/nfnetlink_log"
bool nftc_watch_listening(const char *path, bool *known);

/*
 * Whether `costs sample` should say, now, that config c has payload rules
 * and nothing reads the NFLOG group (proc, normally NFTC_NFLOG_PROC): at
 * most once per local day, which it records in st (inside the sample's
 * transaction) when it says yes.
 */
int nftc_watch_missing(struct store *st, const struct config *c, int64_t now_us, const char *proc,
                       bool *say, struct err *e);

#endif
