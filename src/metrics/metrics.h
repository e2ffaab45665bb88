/*
 * The store as Prometheus metrics: counters of every host, service and
 * source's bytes and packets (sums of the daily totals), the last 8 days'
 * egress as exact day gauges, today's coverage, and the month-to-date and
 * projected bills of the selected plans.  It reads; it never writes the
 * store, prints or exits.
 */
#ifndef COSTS_METRICS_METRICS_H
#define COSTS_METRICS_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "store/store.h"
#include "util/err.h"

/* The content type of what metrics_write produces. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Closed days before today exposed as costs_day_egress_bytes. */
#define METRICS_DAYS 7

struct metrics_input {
	const struct config *config; /* services, [provider] sections; may be NULL */
	const char *providers_dir;   /* provider tables; NULL: no bill gauges */
	const char *local_host;      /* the host `costs sample` writes as: the
	                                nft and iface counter times are its */
	int32_t today;               /* today in the store's time zone */
};

/*
 * Writes the metrics of st to f in the Prometheus text format (0.0.4, which
 * promtool, node_exporter's textfile collector and every Prometheus-
 * compatible scraper read).  Returns 0, or -1 with a message when the store
 * or the provider tables cannot be read or writing fails; what was written
 * before is then incomplete, so callers write to a buffer or a temporary
 * file first.
 */
int metrics_write(FILE *f, struct store *st, const struct metrics_input *in, struct err *e);

/*
 * The same into a malloc'ed buffer: *text (NUL-terminated, freed by the
 * caller) of *len bytes.  Returns 0 or -1 with a message.
 */
int metrics_render(struct store *st, const struct metrics_input *in, char **text, size_t *len,
                   struct err *e);

#endif
