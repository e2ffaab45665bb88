/*
 * Fleets: pulling per host, service and day egress from a Prometheus-
 * compatible query API (the costs_day_egress_bytes gauges that `costs
 * metrics` exposes) into a central store under the source `prometheus`.
 * Fetching (libcurl), parsing (jansson) and storing are separate steps so
 * the parser can be fuzzed and the store written in one transaction.
 */
#ifndef COSTS_FLEET_FLEET_H
#define COSTS_FLEET_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

/* The longest range one pull takes, in days. */
#define FLEET_MAX_DAYS 62

/* One series of the answer: a host's service's egress on a day. */
struct fleet_day {
	char *host, *service, *source; /* one allocation, freed with the pull */
	int32_t day;
	uint64_t bytes;
};

/* Days a host exposed (costs_day_exposed): the host was scraped then. */
struct fleet_seen {
	char *host;
	int32_t day;
};

struct fleet_pull {
	struct fleet_day *v;
	size_t n, cap;
	struct fleet_seen *seen;
	size_t nseen, seencap;
};

/*
 * The PromQL instant query fleet_fetch runs for days from..to, evaluated at
 * `at` (seconds since the epoch): last_over_time over a window reaching back
 * to the start of `from`, of the day gauges whose day label is in the
 * range, and of costs_day_exposed.  Writes into buf; returns buf, or NULL
 * when len is too small.
 */
char *fleet_query(int32_t from, int32_t to, int64_t at, char *buf, size_t len);

/*
 * Parses the JSON body of a /api/v1/query answer into out (appending).  An
 * answer that is not a successful instant vector, a series without host,
 * service, source or day labels, a bad name, an unknown source, a day out
 * of from..to, or a value that is not a whole number of bytes in 0..2^63-1
 * is an error naming what was wrong.  The same (host, service, source,
 * day) from several series (two scrape jobs) counts once, the largest.
 * Returns 0, or -1 with a message; out is released by fleet_pull_release
 * either way.
 */
int fleet_parse(const char *json, size_t len, int32_t from, int32_t to, struct fleet_pull *out,
                struct err *e);

/*
 * Queries the API under base_url (http or https; "http://prom:9090" or a
 * path prefix) for days from..to, evaluated at `at` (0: the server's own now), and
 * parses the answer.
 * A connection failure, an HTTP status other than 200 (with Prometheus's own
 * error text when it sent one) or a bad body is an error naming the URL.
 */
int fleet_fetch(const char *base_url, int32_t from, int32_t to, int64_t at, struct fleet_pull *out,
                struct err *e);

void fleet_pull_release(struct fleet_pull *p);

/* What fleet_store did. */
struct fleet_result {
	size_t hosts, days, totals; /* hosts, host-days and host-day-service totals stored */
	size_t gaps;                /* host-days recorded as gaps */
};

/*
 * Stores the pull into st in one transaction under the source
 * `prometheus`: for each host and day, the series of the most trusted
 * source the host reported (store_source_rank, so a host measured by nft
 * and pcap counts once) replace whatever an earlier pull stored for that
 * day.  A day from..min(to, today) on which a host that appears in the pull
 * exposed nothing, and for which the store has no earlier pull, is
 * recorded as a gap in the coverage (report's notes show it).  Returns 0,
 * or -1 with a message and the store unchanged.
 */
int fleet_store(struct store *st, const struct fleet_pull *p, int32_t from, int32_t to,
                int32_t today, struct fleet_result *res, struct err *e);

#endif
