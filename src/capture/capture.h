/*
 * Packets to per-day, per-service byte totals: decodes each frame, keeps a
 * bounded flow table (both directions of a connection in one entry) with the
 * classifier's decision, and accumulates layer-3 bytes and packets by day,
 * service and direction until they are flushed to the store.  Nothing here
 * reads packets from pcap (see source.h), prints or exits.
 */
#ifndef COSTS_CAPTURE_H
#define COSTS_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/classify.h"
#include "util/err.h"
#include "store/store.h"

struct capture;

/* A local network given by --local or read from an interface. */
struct capture_cidr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t prefix;
};

struct capture_config {
	/*
	 * Memory for the flow table and undecided flows' state, in bytes;
	 * 0 means the default of 64 MiB.  The table never grows beyond it:
	 * under pressure the least recently seen flow is evicted.
	 */
	uint64_t max_memory;
	/* Days in the process's local time zone (TZ) instead of UTC. */
	bool local_time;
	/*
	 * Coverage seconds from packet timestamps (reading a file) instead of
	 * the calls to capture_observe (live).
	 */
	bool observe_by_packets;
	/*
	 * Auto direction (no --local) for a whole file flushed once at its
	 * end: a TCP flow met without its handshake keeps its bytes aside
	 * until one side is seen accepting another connection (that side is
	 * local) or the flow ends (then the lower port is), so connections
	 * that started before the file get the direction they had.
	 */
	bool late_direction;
};

/* Counts since capture_new, for the summary line. */
struct capture_stats {
	uint64_t packets;    /* frames read */
	uint64_t ip_packets; /* frames with an IP header */
	uint64_t bytes;      /* layer-3 bytes */
	uint64_t malformed;  /* frames whose headers contradict themselves */
	uint64_t truncated;  /* IP packets whose transport header was cut by the snaplen */
	uint64_t flows;      /* flows created */
	uint64_t evicted;    /* flows evicted under memory pressure */
	uint64_t verdicts;   /* flows that took a stored verdict */
	uint64_t drops;      /* kernel drops reported with capture_add_drops */
	size_t flow_capacity;
};

/*
 * Creates the accumulator.  cls classifies flows and names services; it is
 * borrowed and must outlive the capture (or be replaced by capture_reload).
 * Offline captures start with `auto` local detection (see capture_set_local).
 */
int capture_new(const struct capture_config *cfg, const struct classify *cls, struct capture **out,
                struct err *e);

/*
 * Decides every flow still undecided (classify_flow_fallback), frees all
 * state.  Bytes not flushed are lost: flush first.  NULL is a no-op.
 */
void capture_free(struct capture *c);

/*
 * Parses "192.0.2.0/24,2001:db8::/32,198.51.100.7" (no prefix: a host).
 * *out is allocated (free()); "auto" gives n = 0.
 */
int capture_parse_cidrs(const char *text, struct capture_cidr **out, size_t *n, struct err *e);

/*
 * Sets which addresses are this host's.  n = 0 selects `auto`: for each
 * connection the side that answered the SYN, else the side with the lower
 * port.  Applies to flows created from now on.  Copies nets.
 */
int capture_set_local(struct capture *c, const struct capture_cidr *nets, size_t n, struct err *e);

/* Sets the link type (a DLT_ value) of the frames passed to capture_packet. */
void capture_set_linktype(struct capture *c, int dlt);

/*
 * Accounts one frame: caplen bytes present out of wirelen on the wire,
 * captured at sec (Unix time) + usec.
 */
void capture_packet(struct capture *c, int64_t sec, uint32_t usec, const uint8_t *data,
                    size_t caplen, size_t wirelen);

/* A frame for capture_packets. */
struct capture_frame {
	int64_t sec;
	const uint8_t *data;
	size_t caplen, wirelen;
};

/*
 * Accounts n frames in order, as n calls of capture_packet would, for a
 * reader that has several in hand: each is decoded once, and the flows of
 * a batch are fetched from memory together.  Up to CAPTURE_BATCH at a
 * time is best (more are taken in batches).
 */
#define CAPTURE_BATCH 8
void capture_packets(struct capture *c, const struct capture_frame *fr, size_t n);

/* Live captures: marks the seconds up to now as observed (coverage). */
void capture_observe(struct capture *c, int64_t now);

/* Removes flows idle for longer than their timeout, as of time now. */
void capture_expire(struct capture *c, int64_t now);

/* Adds kernel drops to the coverage of the day containing now. */
void capture_add_drops(struct capture *c, int64_t now, uint64_t drops);

/*
 * Decides every undecided flow now (end of file, exit), so its pending
 * bytes join the totals; flows stay in the table.
 */
void capture_decide_all(struct capture *c);

/*
 * Writes the accumulated totals and coverage in one store transaction
 * (source "pcap") and clears them.  In the same transaction it stores the
 * verdict (service and direction) of every flow seen since the last flush
 * whose service was decided by what the flow showed (not forced at the end
 * of the capture), and removes the host's verdicts expired as of the
 * latest packet.  On error nothing is cleared, so the next flush retries.
 */
int capture_flush(struct capture *c, struct store *s, const char *host, struct err *e);

/*
 * Reads host's stored verdicts (see store_verdict_put) so that a flow met
 * without its start (no TCP SYN) before its verdict expires takes the
 * stored service and direction instead of being classified from the
 * middle.  At most half as many verdicts as the flow table holds are
 * kept, the most recently seen;
 * verdicts naming a service the classifier does not have are ignored.
 * Call once, before the first packet.  On failure none is loaded, and the
 * capture can go on without them.
 */
int capture_load_verdicts(struct capture *c, struct store *s, const char *host, struct err *e);

/*
 * Switches to a new classifier (a reloaded config): undecided flows are
 * decided by the old one, decided flows and unflushed totals keep their
 * service by name (a service that no longer exists becomes "other").
 */
int capture_reload(struct capture *c, const struct classify *cls, struct err *e);

void capture_get_stats(const struct capture *c, struct capture_stats *st);

/*
 * Flushed totals by service name, for the summary: calls fn for each
 * service with traffic, in first-flushed order.
 */
void capture_each_total(const struct capture *c,
                        void (*fn)(void *ctx, const char *service, uint64_t egress,
                                   uint64_t ingress),
                        void *ctx);

#endif
