/*
 * The HTTP side of `costs serve`: a libmicrohttpd daemon answering GET and
 * HEAD /metrics with metrics_render over a read-only store opened for each
 * request, with bounded connections, request memory and idle time.  It
 * prints nothing; the caller waits for its own signals and stops it.
 */
#ifndef COSTS_METRICS_SERVE_H
#define COSTS_METRICS_SERVE_H

#include <sys/socket.h>

#include "metrics/metrics.h"
#include "util/err.h"

#define METRICS_SERVE_DEFAULT_LISTEN "127.0.0.1:9489"

struct metrics_server;

struct metrics_serve_opts {
	const char *db_path;        /* the store, opened read-only per request */
	struct metrics_input input; /* today is taken afresh per request */
	unsigned max_connections;   /* open connections at once, at least 1 */
	unsigned timeout_seconds;   /* an idle connection is closed after this */
	int32_t (*today)(void);     /* the current day in the store's zone */
};

/*
 * Parses "ADDR:PORT" with a numeric IPv4 address or "[IPv6]:PORT" into *sa
 * and *len.  Returns 0, or -1 with a message naming the text.
 */
int metrics_parse_listen(const char *text, struct sockaddr_storage *sa, socklen_t *len,
                         struct err *e);

/*
 * Binds sa and starts serving in a thread of the daemon's own.  A busy or
 * forbidden address is an error here, not later.  Strings in o must outlive
 * the server.  Returns 0, or -1 with a message; stop with metrics_serve_stop.
 */
int metrics_serve_start(const struct sockaddr *sa, socklen_t len,
                        const struct metrics_serve_opts *o, struct metrics_server **out,
                        struct err *e);

/* The port actually bound (useful with port 0). */
unsigned metrics_serve_port(const struct metrics_server *s);

/* Stops the daemon, closing every connection; NULL is a no-op. */
void metrics_serve_stop(struct metrics_server *s);

#endif
