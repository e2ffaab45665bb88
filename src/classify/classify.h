/*
 * Flow classification: decides which service a connection belongs to from
 * the config's rules, then the built-in services (mcp, websocket, https,
 * http, other).  Capture creates one classifier per config and feeds each
 * flow's packets until the classifier decides; nothing here touches pcap,
 * the store, or byte counting.
 */
#ifndef COSTS_CLASSIFY_H
#define COSTS_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"

struct classify;
struct classify_flow;

/* One packet of a flow, as decoded by capture.  Addresses in network order. */
struct classify_pkt {
	uint8_t proto;             /* IPPROTO_TCP, IPPROTO_UDP or another IP protocol */
	int family;                /* AF_INET or AF_INET6 */
	const uint8_t *local_addr; /* 4 or 16 bytes: this host's side */
	const uint8_t *remote_addr;
	uint16_t local_port, remote_port; /* 0 when the protocol has none */
	bool from_local;                  /* sent by this host */
	uint32_t seq;                     /* TCP sequence number of the first payload byte */
	uint8_t tcp_flags;                /* TCP flags (SYN 0x02, FIN 0x01, RST 0x04, ACK 0x10) */
	const uint8_t *payload;           /* transport payload as captured */
	size_t caplen;                    /* payload bytes present */
	size_t len;                       /* payload bytes on the wire (caplen may be less) */
};

enum classify_status {
	CLASSIFY_MORE, /* undecided: feed the flow's next packet */
	CLASSIFY_DONE, /* *service is final; free the flow state */
};

/*
 * Compiles the config's services into a classifier.  cfg may be NULL (built-in
 * services only).  The classifier keeps no pointer into cfg.
 */
int classify_new(const struct config *cfg, struct classify **out, struct err *e);
void classify_free(struct classify *c);

/* Number of services and the name of service id i (0 <= i < count). */
size_t classify_service_count(const struct classify *c);
const char *classify_service_name(const struct classify *c, uint16_t id);

/* The id of the built-in "other" service (unclassifiable and malformed traffic). */
uint16_t classify_other(const struct classify *c);

/*
 * Calls fn for each rule line the capture path cannot apply (cgroup, uid):
 * service name, config line, and the term's name.
 */
void classify_each_unsupported(const struct classify *c,
                               void (*fn)(void *ctx, const char *service, unsigned line,
                                          const char *term),
                               void *ctx);

/*
 * Starts a flow with its first packet.  Returns CLASSIFY_DONE with *service
 * set, or CLASSIFY_MORE with *state allocated (possibly NULL when no state is
 * needed); later packets go to classify_flow_feed with that state.
 */
enum classify_status classify_flow_start(const struct classify *c, const struct classify_pkt *p,
                                         struct classify_flow **state, uint16_t *service);

enum classify_status classify_flow_feed(const struct classify *c, struct classify_flow *state,
                                        const struct classify_pkt *p, uint16_t *service);

/*
 * Gives the final answer for a flow that must be decided now (it ended, was
 * evicted, or stayed undecided too long): port rules, then "other".
 */
uint16_t classify_flow_fallback(const struct classify *c, struct classify_flow *state);

/* Frees flow state; NULL is a no-op. */
void classify_flow_free(struct classify_flow *state);

#endif
