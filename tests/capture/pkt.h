/*
 * Builds test packets byte by byte (no struct casts), shared by the capture
 * unit tests.  A struct pkt is a fixed buffer with a write position.
 */
#ifndef COSTS_TEST_PKT_H
#define COSTS_TEST_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pkt {
	uint8_t b[4096];
	size_t n;
};

static inline void put8(struct pkt *p, uint8_t v)
{
	p->b[p->n++] = v;
}

static inline void put16(struct pkt *p, uint16_t v)
{
	put8(p, (uint8_t)(v >> 8));
	put8(p, (uint8_t)v);
}

static inline void put32(struct pkt *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p, (uint16_t)v);
}

static inline void put32le(struct pkt *p, uint32_t v)
{
	put8(p, (uint8_t)v);
	put8(p, (uint8_t)(v >> 8));
	put8(p, (uint8_t)(v >> 16));
	put8(p, (uint8_t)(v >> 24));
}

static inline void putn(struct pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static inline void putz(struct pkt *p, size_t n)
{
	memset(p->b + p->n, 0, n);
	p->n += n;
}

static inline void eth(struct pkt *p, uint16_t type)
{
	static const uint8_t mac[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
	putn(p, mac, 12);
	put16(p, type);
}

/* IPv4 header with optional options; total = whole IP packet length. */
static inline void ip4(struct pkt *p, uint8_t proto, uint16_t total, const uint8_t src[4],
                       const uint8_t dst[4], size_t optlen, uint16_t id, uint16_t frag)
{
	put8(p, (uint8_t)(0x40 | ((20 + optlen) / 4)));
	put8(p, 0);
	put16(p, total);
	put16(p, id);
	put16(p, frag);
	put8(p, 64);
	put8(p, proto);
	put16(p, 0);
	putn(p, src, 4);
	putn(p, dst, 4);
	for (size_t i = 0; i < optlen; i++)
		put8(p, 1); /* NOP options */
}

static inline void ip6(struct pkt *p, uint8_t nh, uint16_t plen, const uint8_t src[16],
                       const uint8_t dst[16])
{
	put32(p, 0x60000000);
	put16(p, plen);
	put8(p, nh);
	put8(p, 64);
	putn(p, src, 16);
	putn(p, dst, 16);
}

static inline void tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags, size_t optlen)
{
	put16(p, sport);
	put16(p, dport);
	put32(p, 1000);
	put32(p, 0);
	put8(p, (uint8_t)(((20 + optlen) / 4) << 4));
	put8(p, flags);
	put16(p, 65535);
	put16(p, 0);
	put16(p, 0);
	for (size_t i = 0; i < optlen; i++)
		put8(p, 1);
}

static inline void udp(struct pkt *p, uint16_t sport, uint16_t dport, uint16_t len)
{
	put16(p, sport);
	put16(p, dport);
	put16(p, len);
	put16(p, 0);
}

#endif
