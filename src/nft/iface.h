/*
 * Interface byte and packet counters from /proc/net/dev, loopback left out.
 * It reads and parses; it does not decide what a decrease means (sample.c
 * does, with the interface index as the counter's identity).
 */
#ifndef COSTS_NFT_IFACE_H
#define COSTS_NFT_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct nftc_iface {
	char name[32];
	unsigned ifindex;              /* 0 when unknown; a new index means a new interface */
	uint64_t rx_bytes, rx_packets; /* received: ingress */
	uint64_t tx_bytes, tx_packets; /* sent: egress */
};

/*
 * Parses the text of /proc/net/dev.  Loopback ("lo") is left out.  A line
 * that does not parse is an error naming its line number.  The caller frees
 * *out.
 */
int nftc_iface_parse(const char *text, struct nftc_iface **out, size_t *n, struct err *e);

/*
 * Reads and parses the file at path (normally "/proc/net/dev") and looks up
 * each interface's index.
 */
int nftc_iface_read(const char *path, struct nftc_iface **out, size_t *n, struct err *e);

/*
 * Whether the running kernel keeps 32-bit interface counters: a 32-bit
 * kernel (by uname's machine), whose `unsigned long` counters wrap at 2^32.
 * A 64-bit kernel reports 64-bit counters, so a decrease there is a new
 * counter (an interface deleted and created again), never a wrap.
 */
bool nftc_iface_counters_32bit(void);

#endif
