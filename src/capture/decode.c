/*
 * Link-layer and IP decoding through a bounds-checked cursor.  Decoders are
 * chosen from a table keyed by link type; each hands an ethertype or an IP
 * version to the shared IP decoder.  Tunnels (GRE, IP-in-IP, MPLS) are not
 * entered: their bytes count by the outer IP header.
 */
#include "capture/decode.h"

#include <netinet/in.h>
#include <pcap/dlt.h>
#include <string.h>
#include <sys/socket.h>

/* A read-only window on the packet; every read checks the length first. */
struct cursor {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static bool cur_has(const struct cursor *c, size_t n)
{
	return c->off <= c->len && c->len - c->off >= n;
}

static bool cur_skip(struct cursor *c, size_t n)
{
	if (!cur_has(c, n))
		return false;
	c->off += n;
	return true;
}

static bool cur_u8(struct cursor *c, uint8_t *v)
{
	if (!cur_has(c, 1))
		return false;
	*v = c->p[c->off++];
	return true;
}

static bool cur_u16(struct cursor *c, uint16_t *v)
{
	if (!cur_has(c, 2))
		return false;
	*v = (uint16_t)(c->p[c->off] << 8 | c->p[c->off + 1]);
	c->off += 2;
	return true;
}

static bool cur_u32(struct cursor *c, uint32_t *v)
{
	if (!cur_has(c, 4))
		return false;
	*v = (uint32_t)c->p[c->off] << 24 | (uint32_t)c->p[c->off + 1] << 16 |
	     (uint32_t)c->p[c->off + 2] << 8 | c->p[c->off + 3];
	c->off += 4;
	return true;
}

static bool cur_u32_le(struct cursor *c, uint32_t *v)
{
	if (!cur_has(c, 4))
		return false;
	*v = (uint32_t)c->p[c->off + 3] << 24 | (uint32_t)c->p[c->off + 2] << 16 |
	     (uint32_t)c->p[c->off + 1] << 8 | c->p[c->off];
	c->off += 4;
	return true;
}

static bool cur_bytes(struct cursor *c, void *dst, size_t n)
{
	if (!cur_has(c, n))
		return false;
	memcpy(dst, c->p + c->off, n);
	c->off += n;
	return true;
}

#define ETH_IPV4        0x0800
#define ETH_IPV6        0x86dd
#define ETH_VLAN        0x8100
#define ETH_QINQ        0x88a8
#define ETH_QINQ_OLD    0x9100
#define ETH_PPPOE       0x8864
#define PPP_IPV4        0x0021
#define PPP_IPV6        0x0057
#define MAX_TAGS        8
#define MAX_EXT_HEADERS 16

/*
 * Transport header.  The payload's wire length comes from the IP length,
 * so a snaplen cut leaves payload_caplen short but payload_len right.
 */
static enum decode_status decode_l4(struct cursor *c, size_t l4_wire, struct decoded *d)
{
	size_t start = c->off;

	if (d->fragment && !d->frag_first)
		return DECODE_OK;
	if (d->proto == IPPROTO_TCP) {
		uint8_t off_flags, flags;
		if (!cur_u16(c, &d->sport) || !cur_u16(c, &d->dport))
			return DECODE_TRUNCATED;
		if (!cur_u32(c, &d->seq) || !cur_skip(c, 4) || !cur_u8(c, &off_flags) ||
		    !cur_u8(c, &flags)) {
			/* The ports survived the snaplen cut: enough to find the flow. */
			d->has_ports = true;
			d->payload_len = l4_wire > 20 ? l4_wire - 20 : 0;
			return DECODE_OK;
		}
		size_t hlen = (size_t)(off_flags >> 4) * 4;
		if (hlen < 20 || hlen > l4_wire)
			return DECODE_MALFORMED;
		d->tcp_flags = flags;
		d->has_ports = true;
		c->off = start;
		d->payload_len = l4_wire - hlen;
		if (!cur_skip(c, hlen)) {
			/* Options cut by the snaplen: the ports are known, the payload is not. */
			d->payload_caplen = 0;
			return DECODE_OK;
		}
	} else if (d->proto == IPPROTO_UDP) {
		if (!cur_u16(c, &d->sport) || !cur_u16(c, &d->dport) || !cur_skip(c, 4))
			return DECODE_TRUNCATED;
		if (l4_wire < 8)
			return DECODE_MALFORMED;
		d->has_ports = true;
		d->payload_len = l4_wire - 8;
	} else {
		d->payload_len = l4_wire;
	}
	size_t avail = c->len > c->off ? c->len - c->off : 0;
	d->payload = avail ? c->p + c->off : NULL;
	d->payload_caplen = avail < d->payload_len ? avail : d->payload_len;
	return DECODE_OK;
}

static enum decode_status decode_ipv4(struct cursor *c, size_t wire_left, struct decoded *d)
{
	size_t start = c->off;
	uint8_t vihl, proto;
	uint16_t total, id, frag;

	d->family = AF_INET;
	if (!cur_u8(c, &vihl) || !cur_skip(c, 1) || !cur_u16(c, &total) || !cur_u16(c, &id) ||
	    !cur_u16(c, &frag) || !cur_skip(c, 1) || !cur_u8(c, &proto) || !cur_skip(c, 2) ||
	    !cur_bytes(c, d->src, 4) || !cur_bytes(c, d->dst, 4))
		return DECODE_TRUNCATED;
	if (vihl >> 4 != 4)
		return DECODE_MALFORMED;
	size_t hlen = (size_t)(vihl & 0x0f) * 4;
	d->proto = proto;
	/*
	 * A total length of 0 is what segmentation offload leaves in super
	 * packets captured on the sending host: fall back to the frame length.
	 */
	d->l3_len = total ? total : wire_left;
	d->has_l3 = true;
	/*
	 * More IP bytes than the frame carried on the wire: a damaged or
	 * crafted header.  Count what the record says was sent, no more.
	 */
	if (d->l3_len > wire_left) {
		d->l3_len = wire_left;
		return DECODE_MALFORMED;
	}
	if (hlen < 20 || (total && total < hlen))
		return DECODE_MALFORMED;
	uint16_t offset = frag & 0x1fff;
	if (offset || (frag & 0x2000)) {
		d->fragment = true;
		d->frag_first = offset == 0;
		d->frag_id = id;
	}
	c->off = start;
	if (!cur_skip(c, hlen))
		return DECODE_TRUNCATED;
	return decode_l4(c, d->l3_len > hlen ? (size_t)d->l3_len - hlen : 0, d);
}

static bool ipv6_ext_header(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 135 || nh == 139 || nh == 140 || nh == 51 ||
	       nh == 44;
}

static enum decode_status decode_ipv6(struct cursor *c, size_t wire_left, struct decoded *d)
{
	uint32_t vtcfl;
	uint16_t plen;
	uint8_t nh;

	d->family = AF_INET6;
	if (!cur_u32(c, &vtcfl) || !cur_u16(c, &plen) || !cur_u8(c, &nh) || !cur_skip(c, 1) ||
	    !cur_bytes(c, d->src, 16) || !cur_bytes(c, d->dst, 16))
		return DECODE_TRUNCATED;
	if (vtcfl >> 28 != 6)
		return DECODE_MALFORMED;
	/* A payload length of 0 is a jumbogram or an offload super packet. */
	d->l3_len = plen ? (uint64_t)plen + 40 : wire_left;
	d->has_l3 = true;
	/* As for IPv4: never more than the frame carried. */
	if (d->l3_len > wire_left) {
		d->l3_len = wire_left;
		return DECODE_MALFORMED;
	}
	size_t left = (size_t)d->l3_len - 40; /* bytes after the fixed header */
	for (int i = 0; ipv6_ext_header(nh); i++) {
		size_t hstart = c->off;
		uint8_t next, hlen8;
		if (i == MAX_EXT_HEADERS)
			return DECODE_MALFORMED;
		if (!cur_u8(c, &next) || !cur_u8(c, &hlen8)) {
			d->proto = nh;
			return DECODE_TRUNCATED;
		}
		size_t hlen;
		if (nh == 44) {
			uint16_t offflags;
			uint32_t ident;
			if (!cur_u16(c, &offflags) || !cur_u32(c, &ident)) {
				d->proto = nh;
				return DECODE_TRUNCATED;
			}
			hlen = 8;
			d->fragment = true;
			d->frag_first = (offflags >> 3) == 0;
			d->frag_id = ident;
		} else if (nh == 51) {
			hlen = ((size_t)hlen8 + 2) * 4;
		} else {
			hlen = ((size_t)hlen8 + 1) * 8;
		}
		if (hlen > left)
			return DECODE_MALFORMED;
		left -= hlen;
		c->off = hstart;
		nh = next;
		if (!cur_skip(c, hlen)) {
			d->proto = nh;
			return DECODE_TRUNCATED;
		}
	}
	d->proto = nh;
	return decode_l4(c, left, d);
}

static enum decode_status decode_ip_version(struct cursor *c, size_t wire_left, struct decoded *d)
{
	if (!cur_has(c, 1))
		return DECODE_TRUNCATED;
	switch (c->p[c->off] >> 4) {
	case 4:
		return decode_ipv4(c, wire_left, d);
	case 6:
		return decode_ipv6(c, wire_left, d);
	}
	return DECODE_MALFORMED;
}

/* Wire bytes from the cursor's position on: the frame length less the headers read. */
static size_t wire_left(const struct cursor *c, size_t wirelen)
{
	return wirelen > c->off ? wirelen - c->off : 0;
}

static enum decode_status decode_ethertype(struct cursor *c, uint16_t type, size_t wirelen,
                                           struct decoded *d)
{
	for (int tags = 0;; tags++) {
		switch (type) {
		case ETH_IPV4:
			return decode_ipv4(c, wire_left(c, wirelen), d);
		case ETH_IPV6:
			return decode_ipv6(c, wire_left(c, wirelen), d);
		case ETH_VLAN:
		case ETH_QINQ:
		case ETH_QINQ_OLD:
			if (tags == MAX_TAGS)
				return DECODE_MALFORMED;
			if (!cur_skip(c, 2) || !cur_u16(c, &type))
				return DECODE_TRUNCATED;
			continue;
		case ETH_PPPOE: {
			uint8_t vt, code;
			uint16_t proto;
			if (!cur_u8(c, &vt) || !cur_u8(c, &code) || !cur_skip(c, 4) ||
			    !cur_u16(c, &proto))
				return DECODE_TRUNCATED;
			if (vt != 0x11 || code != 0)
				return DECODE_MALFORMED;
			if (proto == PPP_IPV4)
				return decode_ipv4(c, wire_left(c, wirelen), d);
			if (proto == PPP_IPV6)
				return decode_ipv6(c, wire_left(c, wirelen), d);
			return DECODE_NOT_IP; /* LCP, IPCP, ... */
		}
		default:
			return DECODE_NOT_IP;
		}
	}
}

static enum decode_status link_ethernet(struct cursor *c, size_t wirelen, struct decoded *d)
{
	uint16_t type;

	if (!cur_skip(c, 12) || !cur_u16(c, &type))
		return DECODE_TRUNCATED;
	if (type <= 1500)
		return DECODE_NOT_IP; /* an 802.3 length: LLC frames (STP, ...) */
	return decode_ethertype(c, type, wirelen, d);
}

static enum decode_status link_sll(struct cursor *c, size_t wirelen, struct decoded *d)
{
	uint16_t type;

	if (!cur_skip(c, 14) || !cur_u16(c, &type))
		return DECODE_TRUNCATED;
	return decode_ethertype(c, type, wirelen, d);
}

static enum decode_status link_sll2(struct cursor *c, size_t wirelen, struct decoded *d)
{
	uint16_t type;

	if (!cur_u16(c, &type) || !cur_skip(c, 18))
		return DECODE_TRUNCATED;
	return decode_ethertype(c, type, wirelen, d);
}

static enum decode_status link_raw(struct cursor *c, size_t wirelen, struct decoded *d)
{
	return decode_ip_version(c, wirelen, d);
}

static enum decode_status link_ipv4(struct cursor *c, size_t wirelen, struct decoded *d)
{
	return decode_ipv4(c, wirelen, d);
}

static enum decode_status link_ipv6(struct cursor *c, size_t wirelen, struct decoded *d)
{
	return decode_ipv6(c, wirelen, d);
}

/* BSD address families in loopback headers: AF_INET is 2 everywhere, AF_INET6 varies. */
static enum decode_status loop_family(struct cursor *c, uint32_t af, size_t wirelen,
                                      struct decoded *d)
{
	if (af == 2)
		return decode_ipv4(c, wire_left(c, wirelen), d);
	if (af == 24 || af == 28 || af == 30 || af == 10)
		return decode_ipv6(c, wire_left(c, wirelen), d);
	return DECODE_NOT_IP;
}

static enum decode_status link_null(struct cursor *c, size_t wirelen, struct decoded *d)
{
	uint32_t af;

	/* Host byte order of the machine that wrote the file: accept either. */
	if (!cur_u32_le(c, &af))
		return DECODE_TRUNCATED;
	if (af > 0xffff)
		af = __builtin_bswap32(af);
	return loop_family(c, af, wirelen, d);
}

static enum decode_status link_loop(struct cursor *c, size_t wirelen, struct decoded *d)
{
	uint32_t af;

	if (!cur_u32(c, &af))
		return DECODE_TRUNCATED;
	return loop_family(c, af, wirelen, d);
}

static const struct link_decoder {
	int dlt;
	const char *name;
	enum decode_status (*fn)(struct cursor *c, size_t wirelen, struct decoded *d);
} link_decoders[] = {
    {DLT_EN10MB, "EN10MB", link_ethernet},
    {DLT_LINUX_SLL, "LINUX_SLL", link_sll},
    {DLT_LINUX_SLL2, "LINUX_SLL2", link_sll2},
    {DLT_RAW, "RAW", link_raw},
#if DLT_RAW != 12
    {12, "RAW", link_raw},
#endif
#if DLT_RAW != 14
    {14, "RAW", link_raw},
#endif
    {DLT_IPV4, "IPV4", link_ipv4},
    {DLT_IPV6, "IPV6", link_ipv6},
    {DLT_NULL, "NULL", link_null},
    {DLT_LOOP, "LOOP", link_loop},
};

static const struct link_decoder *find_decoder(int dlt)
{
	for (size_t i = 0; i < sizeof(link_decoders) / sizeof(*link_decoders); i++)
		if (link_decoders[i].dlt == dlt)
			return &link_decoders[i];
	return NULL;
}

bool capture_linktype_supported(int dlt)
{
	return find_decoder(dlt) != NULL;
}

const char *capture_linktype_name(int dlt)
{
	const struct link_decoder *ld = find_decoder(dlt);
	return ld ? ld->name : "unknown";
}

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * The common frame, read with one length check per header instead of one
 * per field: Ethernet or Linux cooked, IPv4 without options or IPv6
 * without extension headers, not a fragment, a nonzero IP length within the
 * frame, and a TCP or UDP header captured whole.  Fills d exactly as the
 * general decoders would and returns true; for any other frame returns
 * false, having written nothing.
 */
static bool decode_fast(int dlt, const uint8_t *p, size_t caplen, size_t wirelen, struct decoded *d)
{
	size_t l3;
	uint16_t type;

	if (dlt == DLT_EN10MB && caplen >= 14)
		l3 = 14, type = be16(p + 12);
	else if (dlt == DLT_LINUX_SLL && caplen >= 16)
		l3 = 16, type = be16(p + 14);
	else if (dlt == DLT_LINUX_SLL2 && caplen >= 20)
		l3 = 20, type = be16(p);
	else
		return false;

	const uint8_t *ip = p + l3;
	size_t cap = caplen - l3, wire = wirelen - l3, l3_len, l4;
	uint8_t proto;
	if (type == ETH_IPV4) {
		if (cap < 20 || ip[0] != 0x45 || (be16(ip + 6) & 0x3fff))
			return false;
		l3_len = be16(ip + 2);
		if (l3_len < 20 || l3_len > wire)
			return false;
		proto = ip[9];
		l4 = 20;
	} else if (type == ETH_IPV6) {
		if (cap < 40 || ip[0] >> 4 != 6 || !be16(ip + 4))
			return false;
		l3_len = (size_t)be16(ip + 4) + 40;
		if (l3_len > wire)
			return false;
		proto = ip[6];
		l4 = 40;
	} else {
		return false;
	}

	const uint8_t *th = ip + l4;
	size_t l4_wire = l3_len - l4, hlen;
	if (proto == IPPROTO_TCP) {
		hlen = cap - l4 >= 20 ? (size_t)(th[12] >> 4) * 4 : 0;
		if (hlen < 20 || hlen > l4_wire || hlen > cap - l4)
			return false;
	} else if (proto == IPPROTO_UDP) {
		hlen = 8;
		if (cap - l4 < 8 || l4_wire < 8)
			return false;
	} else {
		return false;
	}

	if (type == ETH_IPV4) {
		d->family = AF_INET;
		memcpy(d->src, ip + 12, 4);
		memcpy(d->dst, ip + 16, 4);
	} else {
		d->family = AF_INET6;
		memcpy(d->src, ip + 8, 16);
		memcpy(d->dst, ip + 24, 16);
	}
	d->proto = proto;
	d->has_l3 = true;
	d->has_ports = true;
	d->l3_len = l3_len;
	d->sport = be16(th);
	d->dport = be16(th + 2);
	if (proto == IPPROTO_TCP) {
		d->seq = (uint32_t)be16(th + 4) << 16 | be16(th + 6);
		d->tcp_flags = th[13];
	}
	size_t avail = cap - l4 - hlen;
	d->payload_len = l4_wire - hlen;
	d->payload = avail ? th + hlen : NULL;
	d->payload_caplen = avail < d->payload_len ? avail : d->payload_len;
	return true;
}

static enum decode_status decode(int dlt, const uint8_t *pkt, size_t caplen, size_t wirelen,
                                 struct decoded *d, bool fast)
{
	const struct link_decoder *ld;
	struct cursor c = {.p = pkt, .len = caplen, .off = 0};

	memset(d, 0, sizeof(*d));
	if (wirelen < caplen)
		wirelen = caplen;
	/*
	 * A record claiming more than any link (or offload super packet) can
	 * carry is damaged: only what was captured is known to have been sent.
	 */
	bool impossible = wirelen > DECODE_MAX_WIRELEN;
	if (impossible)
		wirelen = caplen;
	else if (fast && decode_fast(dlt, pkt, caplen, wirelen, d))
		return DECODE_OK;
	if (!(ld = find_decoder(dlt)))
		return DECODE_NOT_IP;
	enum decode_status s = ld->fn(&c, wirelen, d);
	if (!d->has_l3)
		d->l3_len = wirelen; /* no IP length read: the frame as it came */
	if (impossible && s != DECODE_NOT_IP)
		s = DECODE_MALFORMED;
	return s;
}

enum decode_status capture_decode(int dlt, const uint8_t *pkt, size_t caplen, size_t wirelen,
                                  struct decoded *d)
{
	return decode(dlt, pkt, caplen, wirelen, d, true);
}

enum decode_status capture_decode_general(int dlt, const uint8_t *pkt, size_t caplen,
                                          size_t wirelen, struct decoded *d)
{
	return decode(dlt, pkt, caplen, wirelen, d, false);
}
