/*
 * Packet decoding for capture: link layer (Ethernet with VLAN tags and
 * PPPoE, Linux cooked v1/v2, raw IP, BSD loopback), IPv4 with options and
 * fragments, IPv6 with extension headers, and the TCP/UDP ports.  Every
 * header is read through a bounds-checked cursor, except in the fast path
 * for the common frame (checked once for its whole length); nothing here
 * allocates, keeps state between packets, or knows about flows.
 */
#ifndef COSTS_CAPTURE_DECODE_H
#define COSTS_CAPTURE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum decode_status {
	DECODE_OK,        /* an IP packet; the fields below are filled in */
	DECODE_NOT_IP,    /* a frame without IP (ARP, LLDP, ...): no layer-3 bytes */
	DECODE_TRUNCATED, /* headers cut short by the snaplen; see has_l3 */
	DECODE_MALFORMED, /* headers that contradict themselves */
};

struct decoded {
	int family;               /* AF_INET or AF_INET6; 0 when no IP header was read */
	uint8_t proto;            /* transport protocol after the IPv6 extension headers */
	bool has_l3;              /* l3_len and the addresses are valid */
	bool has_ports;           /* sport/dport valid: a TCP or UDP header was read */
	uint8_t src[16], dst[16]; /* addresses in network order (IPv4 in the first 4) */
	uint64_t l3_len;          /* layer-3 bytes: IPv4 total length, IPv6 payload length + 40 */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t seq;
	const uint8_t *payload; /* transport payload as captured (may be NULL) */
	size_t payload_caplen;  /* bytes of it present in the capture */
	size_t payload_len;     /* bytes of it on the wire */
	/* Fragments: frag_id identifies the datagram with (src, dst, proto). */
	bool fragment;   /* part of a fragmented datagram */
	bool frag_first; /* the fragment at offset 0, which holds the ports */
	uint32_t frag_id;
};

/*
 * The longest frame a record may claim to have had on the wire: a Linux
 * segmentation-offload super packet (BIG TCP, 512 KiB) plus link headers.
 * A record claiming more is malformed and counts only its captured bytes.
 */
#define DECODE_MAX_WIRELEN (512u * 1024 + 256)

/* Whether a pcap DLT_ value is one capture_decode understands. */
bool capture_linktype_supported(int dlt);

/* The name libpcap gives a DLT_ value, or "unknown". */
const char *capture_linktype_name(int dlt);

/*
 * Decodes one frame of link type dlt: caplen bytes captured out of wirelen
 * on the wire.  Fills d (zeroed first) as far as the headers allow; with
 * DECODE_TRUNCATED or DECODE_MALFORMED, has_l3 says whether the IP header
 * and its length were still read.  Unless the status is DECODE_NOT_IP,
 * l3_len is the bytes to count, never more than the frame had on the wire:
 * the IP length when it fits in the frame, else (MALFORMED) the frame's
 * bytes from the IP header on; without an IP header, the frame's length.
 * A wirelen beyond DECODE_MAX_WIRELEN is MALFORMED and taken as caplen.
 */
enum decode_status capture_decode(int dlt, const uint8_t *pkt, size_t caplen, size_t wirelen,
                                  struct decoded *d);
/*
 * The same through the general decoders alone, without the fast path for
 * the common frame: for tests that hold the two to the same answers.
 */
enum decode_status capture_decode_general(int dlt, const uint8_t *pkt, size_t caplen,
                                          size_t wirelen, struct decoded *d);

#endif
