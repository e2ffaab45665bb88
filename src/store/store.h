/*
 * The SQLite store: daily totals keyed by (host, day, service, direction,
 * source) and upserted by adding, coverage per (host, day, source), counter
 * state for `costs sample` and a log of runs.  All SQL of the project lives
 * in this module.  It never prints; every failure comes back in a struct err.
 */
#ifndef COSTS_STORE_H
#define COSTS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define STORE_SCHEMA_VERSION 6

struct store;

enum store_dir {
	STORE_EGRESS,
	STORE_INGRESS,
};

/* Valid values of the source column. */
#define STORE_SOURCE_PCAP       "pcap"
#define STORE_SOURCE_NFT        "nft"
#define STORE_SOURCE_IFACE      "iface"
#define STORE_SOURCE_IMPORT     "import"
#define STORE_SOURCE_PROMETHEUS "prometheus"

/*
 * The trust of a source when one host and day has several: 0 (nft) is the
 * most trusted, then pcap, import, prometheus and iface (STORE_SOURCE_RANK_LAST).
 * Every command that keeps one source per host and day goes by this order.
 */
#define STORE_SOURCE_RANK_LAST 4
int store_source_rank(const char *source);

/*
 * Opens the database at path.  With create, a missing file (and its missing
 * directories) is created with mode 0640 (0750 for directories) and migrated
 * to the current schema; without it a missing file is an error.  A file that
 * is not an SQLite database, belongs to another program, or was written by a
 * newer schema is refused and left untouched.  Sets WAL mode and a busy
 * timeout of busy_ms milliseconds.  The caller closes *out.
 */
int store_open(const char *path, bool create, int busy_ms, struct store **out, struct err *e);

/*
 * Opens an existing costs database for reading only: nothing is written to
 * the file, its folder or the mount (a read-only mount, or a database the
 * caller may read but not write, works).  A database of an older schema is
 * refused with a message saying a recording command upgrades it.  Returns 0
 * or -1 with a message; functions that write fail on such a store.
 */
int store_open_readonly(const char *path, int busy_ms, struct store **out, struct err *e);

/* Closes the store; NULL is a no-op.  Rolls back an open transaction. */
void store_close(struct store *s);

/*
 * Whether closing the store checkpoints the write-ahead log into the
 * database (SQLite's default, on).  Off, a short-lived writer such as
 * `costs sample` from cron skips the checkpoint, its fsyncs and the removal
 * of the log at close; SQLite still checkpoints automatically as the log
 * grows, and the next store that closes with it on folds it in.
 */
int store_set_checkpoint_on_close(struct store *s, bool on, struct err *e);

/*
 * Transactions: store_begin takes the write lock at once (BEGIN IMMEDIATE),
 * waiting at most the busy timeout given to store_open, measured on the
 * monotonic clock; past it the error says the database is locked by another
 * process.  Inside a transaction, store_begin opens a savepoint instead:
 * store_commit releases it and store_rollback undoes only its work, so a
 * function that writes in its own transaction can be made part of a larger
 * one.
 */
int store_begin(struct store *s, struct err *e);
int store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);

/*
 * Adds bytes and packets to the total of (host, day, service, dir, source),
 * creating the row at zero first.  A sum beyond 2^63-1 is an error.
 */
int store_add_daily(struct store *s, const char *host, int32_t day, const char *service,
                    enum store_dir dir, const char *source, uint64_t bytes, uint64_t packets,
                    struct err *e);

/*
 * Replaces the totals of (host, day, service, source) by the given values,
 * both directions, so importing the same rows again changes nothing.  The
 * source stays what the rows say (an exported nft row stays nft), so the
 * one-source-per-host-and-day rule still holds after a move between hosts.
 */
int store_set_totals(struct store *s, const char *host, int32_t day, const char *service,
                     const char *source, uint64_t egress_bytes, uint64_t ingress_bytes,
                     uint64_t egress_packets, uint64_t ingress_packets, struct err *e);

/*
 * Moves of nft bytes between services (schema 3): `costs watch` records the
 * bytes the kernel counted in a fallback service (the port rules) before it
 * decided a connection belongs to another; store_move_add adds them to the
 * pending moves of (host, day, from, to, dir).  store_moves_apply, run by
 * every sample after it added the counters' deltas, moves what the day's
 * nft total of the fallback service holds and keeps the rest pending, so no
 * total ever goes below zero and the sum over services stays the kernel's.
 */
int store_move_add(struct store *s, const char *host, int32_t day, const char *from, const char *to,
                   enum store_dir dir, uint64_t bytes, uint64_t packets, struct err *e);
int store_moves_apply(struct store *s, const char *host, struct err *e);

/*
 * Removes every total and the coverage of (host, day, source), so that a
 * pull of a whole day (import --prometheus) replaces what an earlier pull
 * stored, services that disappeared included.
 */
int store_clear_day(struct store *s, const char *host, int32_t day, const char *source,
                    struct err *e);

/* Coverage of one (host, day, source); store_add_coverage adds field by field. */
struct store_coverage {
	uint64_t seconds;   /* seconds observed */
	uint64_t packets;   /* packets seen */
	uint64_t malformed; /* packets that could not be decoded */
	uint64_t drops;     /* packets the kernel dropped */
	uint64_t resets;    /* counter resets detected */
	uint64_t samples;   /* samples taken */
	uint64_t gaps;      /* gaps longer than the configured interval */
	uint64_t gap_seconds;
};

int store_add_coverage(struct store *s, const char *host, int32_t day, const char *source,
                       const struct store_coverage *c, struct err *e);

/* Reads coverage; a missing row reads as zeros with *found false. */
int store_get_coverage(struct store *s, const char *host, int32_t day, const char *source,
                       struct store_coverage *c, bool *found, struct err *e);

/*
 * Calls fn for every coverage row with day in [from, to] (all days when
 * from > to), optionally of one host, ordered by day, host, source.
 */
int store_coverage_each(struct store *s, int32_t from, int32_t to, const char *host,
                        int (*fn)(void *ctx, const char *host, int32_t day, const char *source,
                                  const struct store_coverage *c),
                        void *ctx, struct err *e);

/* State of one kernel counter as last sampled. */
struct store_counter {
	char boot_id[64];
	uint64_t handle; /* nftables table handle, or 0 */
	uint64_t value;
	int64_t time_us; /* wall clock of the sample, microseconds since the epoch */
};

int store_counter_get(struct store *s, const char *name, struct store_counter *c, bool *found,
                      struct err *e);
int store_counter_put(struct store *s, const char *name, const struct store_counter *c,
                      struct err *e);

/* Calls fn for every stored counter, in name order. */
int store_counter_each(struct store *s,
                       int (*fn)(void *ctx, const char *name, const struct store_counter *c),
                       void *ctx, struct err *e);

/* Runs: a row per command that wrote to the store. */
int store_run_start(struct store *s, const char *command, int64_t *id, struct err *e);
int store_run_finish(struct store *s, int64_t id, int status, const char *detail, struct err *e);

/* Selection for store_totals; zero-initialise, then set what matters. */
struct store_query {
	int32_t from, to;    /* inclusive day range; from > to means all days */
	const char *host;    /* NULL: all hosts */
	const char *service; /* NULL: all services */
	const char *source;  /* NULL: all sources */
	bool by_month;       /* group by month instead of day */
	bool all_sources;    /* merge sources into one row, source "all" */
	bool best_source;    /* per host and day, only the most trusted source
	                        present: nft, else pcap, else import, else
	                        prometheus, else iface (store_source_rank),
	                        so traffic measured twice counts once */
	size_t *hidden;      /* with best_source, when not NULL: set to the number
	                        of rows (as every source would show them) that the
	                        one-source rule left out */
};

struct store_total {
	char period[11]; /* "YYYY-MM-DD" or "YYYY-MM" */
	char *host;      /* host, service and source share one allocation, */
	char *service;   /* freed by store_totals_free */
	char *source;
	uint64_t egress_bytes, ingress_bytes;
	uint64_t egress_packets, ingress_packets;
};

/*
 * Totals matching q, ordered by period, host, service, source.  *rows is
 * allocated; free with store_totals_free.
 */
int store_totals(struct store *s, const struct store_query *q, struct store_total **rows, size_t *n,
                 struct err *e);
void store_totals_free(struct store_total *rows, size_t n);

/*
 * The rows of store_totals, in the same order, each handed to fn instead
 * of gathered: by day a million rows need memory for one.  fn returning
 * non-zero stops; that value is returned (e untouched).  Returns -1 with e
 * set when the query fails.
 */
int store_totals_each(struct store *s, const struct store_query *q,
                      int (*fn)(void *ctx, const struct store_total *t), void *ctx, struct err *e);

/*
 * The SQL store_totals runs (parameters: ?1 first day, ?2 last day, ?3
 * host, and without best_source ?4 service, ?5 source), for checking its
 * query plan.  A static string.
 */
const char *store_totals_sql(bool best_source);

/* The first and last day holding any total, or -1 when the store is empty. */
int store_day_range(struct store *s, int32_t *first, int32_t *last, struct err *e);

/*
 * Captured files.  A capture of a regular file is recorded with the file's
 * identity (its size and a hash of its first 64 KiB, as hex) and, between
 * store_capture_begin and store_capture_end, everything store_add_daily and
 * store_add_coverage add, so that a second capture of the same file can be
 * refused and store_capture_forget can subtract exactly what one added.
 */
struct store_capture {
	int64_t id;
	int64_t captured_us; /* wall clock of the capture, microseconds since the epoch */
	char name[512];      /* the file name as given */
	char host[256];
	uint64_t size;
	char head[64];
};

/* The most recent capture of the file (size, head); *any false when none. */
int store_capture_find(struct store *s, uint64_t size, const char *head,
                       struct store_capture *found, bool *any, struct err *e);

/*
 * Inside a transaction (store_begin): records a capture of a file and sets
 * *id; until store_capture_end (or a rollback), totals and coverage added
 * are also counted as this capture's.
 */
int store_capture_begin(struct store *s, const char *host, const char *name, uint64_t size,
                        const char *head, int64_t *id, struct err *e);
void store_capture_end(struct store *s);

/*
 * Undoes capture id in one transaction: subtracts what it added from the
 * daily totals and the coverage, removes the rows it leaves at zero and its
 * record.  An unknown id is an error and changes nothing.
 */
int store_capture_forget(struct store *s, int64_t id, struct err *e);

/* Calls fn for every recorded capture, oldest first, with the bytes and packets it added. */
int store_capture_each(struct store *s,
                       int (*fn)(void *ctx, const struct store_capture *c, uint64_t bytes,
                                 uint64_t packets),
                       void *ctx, struct err *e);

/*
 * Verdicts: the service an earlier capture (or watch) decided for a
 * connection, kept so that a later one that meets the connection without
 * its start can use it.  A flow is keyed by host and its 5-tuple in a
 * canonical order (side a is the smaller address, then port, as the
 * capture's flow table orders them); local_is_a says which side is this
 * host.  A verdict expires at `expires` (Unix seconds: the last packet
 * seen plus the flow's idle timeout).
 */
struct store_verdict {
	uint8_t proto;
	uint8_t family; /* 4 or 6 */
	uint8_t a[16], b[16];
	uint16_t pa, pb;
	bool local_is_a;
	char service[64];
	int64_t last_seen; /* Unix seconds */
	int64_t expires;   /* Unix seconds */
};

/*
 * Verdicts written together, as one set: n of them, the i-th given by
 * get(ctx, i, v, service), which fills every field of v but its service
 * name and sets *service to an index into services.  get is called for
 * i = 0, 1, ..., n - 1 in order, and may be called so more than once.
 */
struct store_verdict_batch {
	const char *const *services;
	size_t nservices;
	size_t n;
	void (*get)(void *ctx, size_t i, struct store_verdict *v, uint16_t *service);
	void *ctx;
};

/*
 * Stores a batch of verdicts as one set (rows of 256 KiB of entries; a
 * later set's verdict of the same flow wins).  Each must expire within
 * 65,535 s of its last_seen.  Use inside a transaction.
 */
int store_verdicts_put(struct store *s, const char *host, const struct store_verdict_batch *b,
                       struct err *e);

/* Stores one verdict (a set of one).  Use inside a transaction. */
int store_verdict_put(struct store *s, const char *host, const struct store_verdict *v,
                      struct err *e);

/*
 * Looks up the newest verdict of the flow whose key (proto, family, a, pa,
 * b, pb) is in v and fills in the rest; *found false when there is none
 * (expired ones included: the caller compares `expires` with its own clock).
 */
int store_verdict_get(struct store *s, const char *host, struct store_verdict *v, bool *found,
                      struct err *e);

/*
 * Calls fn for each verdict of host expiring at or after now, the newest
 * sets first (a flow may come again from an older set); fn returning
 * non-zero stops.
 */
int store_verdict_each(struct store *s, const char *host, int64_t now,
                       int (*fn)(void *ctx, const struct store_verdict *v), void *ctx,
                       struct err *e);

/*
 * Removes host's sets whose every verdict expired before now; *removed
 * (may be NULL) gets the number of verdicts they held.
 */
int store_verdict_expire(struct store *s, const char *host, int64_t now, uint64_t *removed,
                         struct err *e);

/* The path the store was opened with. */
const char *store_path(const struct store *s);

#endif
