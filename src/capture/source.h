/*
 * Where packets come from: a capture file (pcap or pcapng, told apart by
 * libpcap from the magic number, "-" for standard input) or a live
 * interface opened with pcap_create in non-blocking mode.  Hands every
 * packet to a struct capture; prints nothing.
 */
#ifndef COSTS_CAPTURE_SOURCE_H
#define COSTS_CAPTURE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "util/err.h"

struct capture_source;

#define CAPTURE_DEFAULT_SNAPLEN 4096
#define CAPTURE_DEFAULT_BUFFER  (32u << 20)

/*
 * Opens a capture file.  An empty file, a file that is not a capture and a
 * link type decode cannot read are errors naming the file and the reason.
 * filter (BPF syntax) may be NULL.
 */
int capture_source_open_file(const char *path, const char *filter, struct capture_source **out,
                             struct err *e);

struct capture_live_opts {
	const char *iface;
	int snaplen;     /* bytes kept of each packet; 0: CAPTURE_DEFAULT_SNAPLEN */
	uint64_t buffer; /* kernel buffer bytes; 0: CAPTURE_DEFAULT_BUFFER */
	const char *filter;
	/*
	 * With iface "any": also count packets on loopback interfaces.  By
	 * default they are left out, as the nftables path leaves them out:
	 * loopback traffic never reaches a provider's meter.
	 */
	bool loopback;
};

/*
 * Opens an interface for live capture, non-blocking.  A device that cannot
 * be opened gives a message naming the interface and the reason, with a
 * hint about CAP_NET_RAW when permission was denied.
 */
int capture_source_open_live(const struct capture_live_opts *o, struct capture_source **out,
                             struct err *e);

void capture_source_close(struct capture_source *s);

/* The link type (DLT_ value) of the source. */
int capture_source_linktype(const struct capture_source *s);

/* The descriptor to poll for readability (live), or -1 (files). */
int capture_source_fd(const struct capture_source *s);

/* Bytes of a file consumed so far and its size (0 when unknown, e.g. a pipe). */
uint64_t capture_source_position(const struct capture_source *s);
uint64_t capture_source_size(const struct capture_source *s);

enum capture_read {
	CAPTURE_READ_OK,        /* *n packets accounted (0: none ready, live) */
	CAPTURE_READ_EOF,       /* end of the file */
	CAPTURE_READ_TRUNCATED, /* the file ends inside a record; see capture_source_truncated_at */
	CAPTURE_READ_ERROR,
};

/* Reads up to max packets (-1: whatever is ready) into c. */
enum capture_read capture_source_read(struct capture_source *s, struct capture *c, int max, int *n,
                                      struct err *e);

/* For CAPTURE_READ_TRUNCATED: the byte offset where the incomplete record starts (-1 unknown). */
int64_t capture_source_truncated_at(const struct capture_source *s);

/* Packets the kernel dropped since the source was opened (live; 0 for files). */
int capture_source_drops(struct capture_source *s, uint64_t *drops, struct err *e);

/*
 * The addresses of interface iface ("any": of every interface) as host
 * networks.  *out is allocated (free()).
 */
int capture_iface_addresses(const char *iface, struct capture_cidr **out, size_t *n, struct err *e);

/*
 * A netlink socket that becomes readable when an interface address is added
 * or removed; -1 with e set when netlink is unavailable.  After it polls
 * readable, call capture_addr_watch_drain and re-read the addresses.
 */
int capture_addr_watch_open(struct err *e);
void capture_addr_watch_drain(int fd);

#endif
