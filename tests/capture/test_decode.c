/*
 * Decoder tests over packets built in C: every link type, VLAN stacks,
 * PPPoE, IPv4 options and fragments, IPv6 extension headers, snaplen cuts
 * and malformed headers.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <glob.h>
#include <pcap/dlt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "capture/decode.h"
#include "decoded_same.h"
#include "pkt.h"

static const uint8_t A4[4] = {192, 0, 2, 1}, B4[4] = {198, 51, 100, 2};
static const uint8_t A6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t B6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

/* An IPv4/TCP packet of 100 layer-3 bytes (60 payload) from A4:40000 to B4:443. */
static void v4_tcp(struct pkt *p)
{
	ip4(p, IPPROTO_TCP, 100, A4, B4, 0, 1, 0);
	tcp(p, 40000, 443, 0x18, 0);
	putz(p, 60);
}

static void check_v4_tcp(enum decode_status s, const struct decoded *d)
{
	assert_int_equal(s, DECODE_OK);
	assert_int_equal(d->family, AF_INET);
	assert_int_equal(d->proto, IPPROTO_TCP);
	assert_true(d->has_ports);
	assert_int_equal(d->sport, 40000);
	assert_int_equal(d->dport, 443);
	assert_int_equal(d->l3_len, 100);
	assert_int_equal(d->payload_len, 60);
	assert_memory_equal(d->src, A4, 4);
	assert_memory_equal(d->dst, B4, 4);
}

static void ethernet_ipv4_tcp_reads_ports_and_ip_length(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	eth(&p, 0x0800);
	v4_tcp(&p);
	putz(&p, 6); /* Ethernet padding is not layer-3 bytes */
	check_v4_tcp(capture_decode(DLT_EN10MB, p.b, p.n, p.n, &d), &d);
}

static void vlan_and_qinq_tags_are_skipped(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	eth(&p, 0x88a8); /* 802.1ad outer */
	put16(&p, 10);
	put16(&p, 0x8100); /* 802.1Q inner */
	put16(&p, 20);
	put16(&p, 0x0800);
	v4_tcp(&p);
	check_v4_tcp(capture_decode(DLT_EN10MB, p.b, p.n, p.n, &d), &d);

	struct pkt q = {0};
	eth(&q, 0x8100);
	put16(&q, 7);
	put16(&q, 0x0800);
	v4_tcp(&q);
	check_v4_tcp(capture_decode(DLT_EN10MB, q.b, q.n, q.n, &d), &d);
}

static void pppoe_session_carries_ipv4_and_ipv6(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	eth(&p, 0x8100); /* PPPoE over a VLAN, as in QinQ access networks */
	put16(&p, 3);
	put16(&p, 0x8864);
	put8(&p, 0x11);
	put8(&p, 0);
	put16(&p, 0x1234);
	put16(&p, 102);
	put16(&p, 0x0021);
	v4_tcp(&p);
	check_v4_tcp(capture_decode(DLT_EN10MB, p.b, p.n, p.n, &d), &d);

	struct pkt q = {0};
	eth(&q, 0x8864);
	put8(&q, 0x11);
	put8(&q, 0);
	put16(&q, 1);
	put16(&q, 50);
	put16(&q, 0x0057);
	ip6(&q, IPPROTO_UDP, 8, A6, B6);
	udp(&q, 1000, 53, 8);
	assert_int_equal(capture_decode(DLT_EN10MB, q.b, q.n, q.n, &d), DECODE_OK);
	assert_int_equal(d.family, AF_INET6);
	assert_int_equal(d.l3_len, 48);
	assert_int_equal(d.dport, 53);

	struct pkt lcp = {0};
	eth(&lcp, 0x8864);
	put8(&lcp, 0x11);
	put8(&lcp, 0);
	put16(&lcp, 1);
	put16(&lcp, 4);
	put16(&lcp, 0xc021);
	putz(&lcp, 4);
	assert_int_equal(capture_decode(DLT_EN10MB, lcp.b, lcp.n, lcp.n, &d), DECODE_NOT_IP);
}

static void linux_cooked_v1_and_v2(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	put16(&p, 0);
	put16(&p, 1);
	put16(&p, 6);
	putz(&p, 8);
	put16(&p, 0x0800);
	v4_tcp(&p);
	check_v4_tcp(capture_decode(DLT_LINUX_SLL, p.b, p.n, p.n, &d), &d);

	struct pkt q = {0};
	put16(&q, 0x0800);
	put16(&q, 0);
	put32(&q, 3);
	put16(&q, 1);
	put8(&q, 4);
	put8(&q, 6);
	putz(&q, 8);
	v4_tcp(&q);
	check_v4_tcp(capture_decode(DLT_LINUX_SLL2, q.b, q.n, q.n, &d), &d);
}

static void raw_ip_by_version_nibble(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	v4_tcp(&p);
	check_v4_tcp(capture_decode(DLT_RAW, p.b, p.n, p.n, &d), &d);
	check_v4_tcp(capture_decode(DLT_IPV4, p.b, p.n, p.n, &d), &d);

	struct pkt q = {0};
	ip6(&q, IPPROTO_TCP, 20, A6, B6);
	tcp(&q, 443, 50000, 0x12, 0);
	assert_int_equal(capture_decode(DLT_RAW, q.b, q.n, q.n, &d), DECODE_OK);
	assert_int_equal(d.family, AF_INET6);
	assert_int_equal(d.l3_len, 60);
	assert_int_equal(d.sport, 443);
	assert_int_equal(d.tcp_flags, 0x12);
	assert_int_equal(capture_decode(DLT_IPV6, q.b, q.n, q.n, &d), DECODE_OK);
}

static void bsd_null_in_either_byte_order_and_loop(void **state)
{
	struct decoded d;
	struct pkt p = {0};
	put32le(&p, 2);
	v4_tcp(&p);
	check_v4_tcp(capture_decode(DLT_NULL, p.b, p.n, p.n, &d), &d);

	struct pkt q = {0};
	put32(&q, 2); /* written by a big-endian host */
	v4_tcp(&q);
	check_v4_tcp(capture_decode(DLT_NULL, q.b, q.n, q.n, &d), &d);

	static const uint32_t v6fams[] = {24, 28, 30};
	for (size_t i = 0; i < 3; i++) {
		struct pkt r = {0};
		put32le(&r, v6fams[i]);
		ip6(&r, IPPROTO_UDP, 8, A6, B6);
		udp(&r, 5, 6, 8);
		assert_int_equal(capture_decode(DLT_NULL, r.b, r.n, r.n, &d), DECODE_OK);
		assert_int_equal(d.family, AF_INET6);
	}

	struct pkt l = {0};
	put32(&l, 2);
	v4_tcp(&l);
	check_v4_tcp(capture_decode(DLT_LOOP, l.b, l.n, l.n, &d), &d);
}

static void ipv4_options_shift_the_ports(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	ip4(&p, IPPROTO_TCP, 112, A4, B4, 12, 1, 0);
	tcp(&p, 40000, 443, 0x18, 0);
	putz(&p, 60);
	assert_int_equal(capture_decode(DLT_RAW, p.b, p.n, p.n, &d), DECODE_OK);
	assert_int_equal(d.sport, 40000);
	assert_int_equal(d.dport, 443);
	assert_int_equal(d.l3_len, 112);
	assert_int_equal(d.payload_len, 60);
}

static void ipv4_fragments(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	ip4(&p, IPPROTO_UDP, 1500, A4, B4, 0, 77, 0x2000); /* MF, offset 0 */
	udp(&p, 5000, 443, 3000);
	putz(&p, 1472);
	assert_int_equal(capture_decode(DLT_RAW, p.b, p.n, p.n, &d), DECODE_OK);
	assert_true(d.fragment && d.frag_first);
	assert_true(d.has_ports);
	assert_int_equal(d.frag_id, 77);
	assert_int_equal(d.l3_len, 1500);

	struct pkt q = {0};
	ip4(&q, IPPROTO_UDP, 1048, A4, B4, 0, 77, 185); /* offset 1480, last */
	putz(&q, 1028);
	assert_int_equal(capture_decode(DLT_RAW, q.b, q.n, q.n, &d), DECODE_OK);
	assert_true(d.fragment && !d.frag_first);
	assert_false(d.has_ports);
	assert_int_equal(d.l3_len, 1048);
}

static void ipv6_extension_headers_are_walked(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	/* hop-by-hop (8) -> destination options (16) -> fragment (8) -> TCP */
	ip6(&p, 0, 8 + 16 + 8 + 20 + 10, A6, B6);
	put8(&p, 60);
	put8(&p, 0);
	putz(&p, 6);
	put8(&p, 44);
	put8(&p, 1);
	putz(&p, 14);
	put8(&p, IPPROTO_TCP);
	put8(&p, 0);
	put16(&p, 0x0001); /* offset 0, more fragments */
	put32(&p, 0xabcdef);
	tcp(&p, 50000, 8443, 0x18, 0);
	putz(&p, 10);
	assert_int_equal(capture_decode(DLT_RAW, p.b, p.n, p.n, &d), DECODE_OK);
	assert_int_equal(d.proto, IPPROTO_TCP);
	assert_int_equal(d.dport, 8443);
	assert_int_equal(d.l3_len, 40 + 62);
	assert_int_equal(d.payload_len, 10);
	assert_true(d.fragment && d.frag_first);
	assert_int_equal(d.frag_id, 0xabcdef);

	/* A routing header longer than the payload is malformed. */
	struct pkt q = {0};
	ip6(&q, 43, 8, A6, B6);
	put8(&q, IPPROTO_TCP);
	put8(&q, 4);
	putz(&q, 6);
	assert_int_equal(capture_decode(DLT_RAW, q.b, q.n, q.n, &d), DECODE_MALFORMED);
	assert_true(d.has_l3);
	assert_int_equal(d.l3_len, 48);
}

static void snaplen_cut_counts_the_whole_packet(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	eth(&p, 0x0800);
	ip4(&p, IPPROTO_TCP, 1500, A4, B4, 0, 1, 0);
	tcp(&p, 443, 40000, 0x10, 12);
	putz(&p, 1448);
	/* Cut inside the TCP options: ports known, payload not captured. */
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, 14 + 20 + 24, 1514, &d), DECODE_OK);
	assert_int_equal(d.l3_len, 1500);
	assert_int_equal(d.sport, 443);
	assert_int_equal(d.payload_caplen, 0);
	assert_int_equal(d.payload_len, 1448);
	/* Cut after the ports. */
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, 14 + 20 + 6, 1514, &d), DECODE_OK);
	assert_true(d.has_ports);
	/* Cut inside the IP header: no length to count. */
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, 14 + 10, 1514, &d), DECODE_TRUNCATED);
	assert_false(d.has_l3);
	/* Cut before the ports: the length is known, the ports are not. */
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, 14 + 22, 1514, &d), DECODE_TRUNCATED);
	assert_true(d.has_l3);
	assert_false(d.has_ports);
	assert_int_equal(d.l3_len, 1500);
	/* Payload partly captured. */
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, 14 + 20 + 32 + 100, 1514, &d), DECODE_OK);
	assert_int_equal(d.payload_caplen, 100);
}

static void malformed_headers(void **state)
{
	struct decoded d;
	struct pkt p = {0};
	v4_tcp(&p);
	p.b[0] = 0x44; /* IHL 16 bytes */
	assert_int_equal(capture_decode(DLT_RAW, p.b, p.n, p.n, &d), DECODE_MALFORMED);
	p.b[0] = 0x45;
	p.b[2] = 0;
	p.b[3] = 10; /* total length shorter than the header */
	assert_int_equal(capture_decode(DLT_RAW, p.b, p.n, p.n, &d), DECODE_MALFORMED);
	p.b[0] = 0x75; /* version 7 */
	assert_int_equal(capture_decode(DLT_RAW, p.b, p.n, p.n, &d), DECODE_MALFORMED);

	struct pkt q = {0};
	eth(&q, 0x0800);
	v4_tcp(&q);
	q.b[14] = 0x65; /* version 6 behind an IPv4 ethertype */
	assert_int_equal(capture_decode(DLT_EN10MB, q.b, q.n, q.n, &d), DECODE_MALFORMED);

	struct pkt r = {0};
	ip4(&r, IPPROTO_TCP, 30, A4, B4, 0, 1, 0);
	tcp(&r, 1, 2, 0x02, 0); /* TCP header longer than the IP payload */
	assert_int_equal(capture_decode(DLT_RAW, r.b, r.n, r.n, &d), DECODE_MALFORMED);

	/* More VLAN tags than any network uses. */
	struct pkt v = {0};
	eth(&v, 0x8100);
	for (int i = 0; i < 12; i++) {
		put16(&v, 1);
		put16(&v, 0x8100);
	}
	assert_int_equal(capture_decode(DLT_EN10MB, v.b, v.n, v.n, &d), DECODE_MALFORMED);
}

/* Item: crafted or corrupt records must not inflate totals. */
static void ip_length_beyond_the_frame_is_malformed_and_bounded(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	/* A whole 54-byte frame whose IPv4 header claims 65535 bytes. */
	eth(&p, 0x0800);
	ip4(&p, IPPROTO_TCP, 65535, A4, B4, 0, 1, 0);
	tcp(&p, 40000, 443, 0x10, 0);
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, p.n, p.n, &d), DECODE_MALFORMED);
	assert_true(d.has_l3);
	assert_int_equal(d.l3_len, 40);
	/* Cut by the snaplen out of 1514 on the wire: the IP length is trusted up to that. */
	p.b[16] = 1500 >> 8;
	p.b[17] = 1500 & 0xff;
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, p.n, 1514, &d), DECODE_OK);
	assert_int_equal(d.l3_len, 1500);
	/* ... and not beyond: 1500 bytes of IP cannot travel in 1000 bytes. */
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, p.n, 1000, &d), DECODE_MALFORMED);
	assert_int_equal(d.l3_len, 1000 - 14);

	/* IPv6: payload length + 40 beyond the frame. */
	struct pkt q = {0};
	ip6(&q, IPPROTO_TCP, 60000, A6, B6);
	tcp(&q, 40000, 443, 0x10, 0);
	assert_int_equal(capture_decode(DLT_RAW, q.b, q.n, q.n, &d), DECODE_MALFORMED);
	assert_int_equal(d.l3_len, q.n);
	assert_int_equal(capture_decode(DLT_RAW, q.b, q.n, 60040, &d), DECODE_OK);
	assert_int_equal(d.l3_len, 60040);
}

static void impossible_wire_length_counts_only_the_captured_bytes(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	/* 15 bytes captured, 0xFFFFFFFF claimed: no IP header, no trust. */
	eth(&p, 0x0800);
	ip4(&p, IPPROTO_TCP, 40, A4, B4, 0, 1, 0);
	tcp(&p, 40000, 443, 0x10, 0);
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, 15, 0xFFFFFFFFu, &d), DECODE_MALFORMED);
	assert_false(d.has_l3);
	assert_int_equal(d.l3_len, 15);
	/* A whole IP header behind an impossible record length: the IP length, malformed. */
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, p.n, 0xFFFFFFFFu, &d), DECODE_MALFORMED);
	assert_int_equal(d.l3_len, 40);
	/* A frame cut inside the IP header of a plausible record: the wire length. */
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, 15, 1514, &d), DECODE_TRUNCATED);
	assert_int_equal(d.l3_len, 1514);
	/* The largest offload super packet is still accepted (IPv4 length 0: the frame). */
	p.b[16] = p.b[17] = 0;
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, p.n, DECODE_MAX_WIRELEN, &d), DECODE_OK);
	assert_int_equal(d.l3_len, DECODE_MAX_WIRELEN - 14);
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, p.n, DECODE_MAX_WIRELEN + 1, &d),
	                 DECODE_MALFORMED);
	assert_int_equal(d.l3_len, 40);
}

static void non_ip_frames_and_unknown_link_types(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	eth(&p, 0x0806); /* ARP */
	putz(&p, 28);
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, p.n, p.n, &d), DECODE_NOT_IP);
	assert_int_equal(capture_decode(DLT_EN10MB, p.b, 5, 60, &d), DECODE_TRUNCATED);
	assert_false(capture_linktype_supported(DLT_IEEE802_11));
	assert_true(capture_linktype_supported(DLT_LINUX_SLL2));
	assert_int_equal(capture_decode(DLT_IEEE802_11, p.b, p.n, p.n, &d), DECODE_NOT_IP);
}

static void every_prefix_of_a_packet_is_safe(void **state)
{
	struct pkt p = {0};
	struct decoded d;
	ip6(&p, 0, 8 + 20 + 4, A6, B6);
	put8(&p, IPPROTO_TCP);
	put8(&p, 0);
	putz(&p, 6);
	tcp(&p, 1, 2, 0x18, 0);
	putz(&p, 4);
	static const int dlts[] = {DLT_RAW, DLT_EN10MB, DLT_NULL, DLT_LINUX_SLL2};
	for (size_t k = 0; k < 4; k++)
		for (size_t n = 0; n <= p.n; n++)
			(void)capture_decode(dlts[k], p.b, n, p.n, &d);
	assert_int_equal(capture_decode(DLT_RAW, p.b, p.n, p.n, &d), DECODE_OK);
}

/* ---- the fast path against the general decoders ---- */

static unsigned same_checks, same_ok;

/* Both decoders on one frame: the same status and every field alike. */
static void same_answer(int dlt, const uint8_t *b, size_t caplen, size_t wirelen)
{
	struct decoded f, g;
	enum decode_status sf = capture_decode(dlt, b, caplen, wirelen, &f);
	enum decode_status sg = capture_decode_general(dlt, b, caplen, wirelen, &g);
	same_checks++;
	same_ok += sg == DECODE_OK;
	if (sf != sg || !decoded_same(&f, &g))
		fail_msg("dlt %d, %zu of %zu bytes: fast path %d (l3 %llu, payload %zu/%zu), "
		         "general %d (l3 %llu, payload %zu/%zu)",
		         dlt, caplen, wirelen, sf, (unsigned long long)f.l3_len, f.payload_caplen,
		         f.payload_len, sg, (unsigned long long)g.l3_len, g.payload_caplen,
		         g.payload_len);
}

/* Frames of the shapes the fast path takes, and some close to them that it must not. */
static size_t fast_path_frames(struct pkt *out, int *dlt)
{
	size_t n = 0;
#define NEXT(link) (dlt[n] = (link), memset(&out[n], 0, sizeof(out[n])), &out[n++])
	struct pkt *p = NEXT(DLT_EN10MB);
	eth(p, 0x0800);
	v4_tcp(p);
	p = NEXT(DLT_EN10MB);
	eth(p, 0x0800);
	ip4(p, IPPROTO_TCP, 20 + 32 + 10, A4, B4, 0, 7, 0);
	tcp(p, 443, 50000, 0x10, 12);
	putz(p, 10);
	p = NEXT(DLT_EN10MB);
	eth(p, 0x0800);
	ip4(p, IPPROTO_UDP, 20 + 8 + 30, A4, B4, 0, 1, 0);
	udp(p, 53, 40000, 8 + 30);
	putz(p, 30);
	p = NEXT(DLT_EN10MB);
	eth(p, 0x86dd);
	ip6(p, IPPROTO_TCP, 20 + 40, A6, B6);
	tcp(p, 40000, 443, 0x18, 0);
	putz(p, 40);
	p = NEXT(DLT_EN10MB);
	eth(p, 0x86dd);
	ip6(p, IPPROTO_UDP, 8 + 12, A6, B6);
	udp(p, 443, 40000, 8 + 12);
	putz(p, 12);
	p = NEXT(DLT_LINUX_SLL);
	putz(p, 14);
	put16(p, 0x0800);
	v4_tcp(p);
	p = NEXT(DLT_LINUX_SLL2);
	put16(p, 0x86dd);
	putz(p, 18);
	ip6(p, IPPROTO_UDP, 8, A6, B6);
	udp(p, 1, 2, 8);
	/* Not for the fast path: options, a fragment, ICMP, an extension header, a tag. */
	p = NEXT(DLT_EN10MB);
	eth(p, 0x0800);
	ip4(p, IPPROTO_TCP, 24 + 20, A4, B4, 4, 1, 0);
	tcp(p, 1, 2, 0x02, 0);
	p = NEXT(DLT_EN10MB);
	eth(p, 0x0800);
	ip4(p, IPPROTO_UDP, 20 + 16, A4, B4, 0, 9, 0x2000);
	udp(p, 1, 2, 100);
	putz(p, 8);
	p = NEXT(DLT_EN10MB);
	eth(p, 0x0800);
	ip4(p, IPPROTO_ICMP, 20 + 8, A4, B4, 0, 1, 0);
	putz(p, 8);
	p = NEXT(DLT_EN10MB);
	eth(p, 0x86dd);
	ip6(p, 0, 8 + 8, A6, B6);
	put8(p, IPPROTO_UDP);
	putz(p, 7);
	udp(p, 1, 2, 8);
	p = NEXT(DLT_EN10MB);
	eth(p, 0x8100);
	put16(p, 7);
	put16(p, 0x0800);
	v4_tcp(p);
#undef NEXT
	return n;
}

static void fast_path_agrees_with_the_general_decoders(void **state)
{
	struct pkt frames[16];
	int dlt[16];
	size_t n = fast_path_frames(frames, dlt);
	(void)state;
	/* Every frame, cut at every length, on the wire at several lengths. */
	for (size_t i = 0; i < n; i++)
		for (size_t cap = 0; cap <= frames[i].n; cap++) {
			same_answer(dlt[i], frames[i].b, cap, cap);
			same_answer(dlt[i], frames[i].b, cap, frames[i].n);
			same_answer(dlt[i], frames[i].b, cap, frames[i].n + 1000);
			same_answer(dlt[i], frames[i].b, cap, DECODE_MAX_WIRELEN + 1);
		}
	/* And with a few header bytes changed at random, many times over. */
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int round = 0; round < 200000; round++) {
		size_t i = (size_t)round % n;
		struct pkt m = frames[i];
		for (int k = 0; k < 3; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			size_t at = (size_t)(x >> 8) % (m.n < 80 ? m.n : 80);
			m.b[at] = (uint8_t)(x >> 32);
		}
		size_t cap = (size_t)(x >> 40) % (m.n + 1);
		same_answer(dlt[i], m.b, cap, m.n + (size_t)(x >> 56) % 64);
	}
}

static void same_answers_in(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	if (!p)
		fail_msg("%s: %s", path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *b;
	while (pcap_next_ex(p, &h, &b) == 1)
		same_answer(pcap_datalink(p), b, h->caplen, h->len);
	pcap_close(p);
}

/*
 * Every frame of the recorded test captures, and of the shared real
 * captures when they are beside the project (../shared/captures).
 */
static void fast_path_agrees_on_recorded_frames(void **state)
{
	const char *src = getenv("SRCDIR");
	char pat[4096];
	glob_t g;
	(void)state;
	same_checks = same_ok = 0;
	snprintf(pat, sizeof(pat), "%s/tests/data/*/*.pcap", src ? src : ".");
	assert_int_equal(glob(pat, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++)
		same_answers_in(g.gl_pathv[i]);
	globfree(&g);
	/* The files hold about a thousand frames: they must have been read. */
	assert_true(same_ok >= 1000);
	snprintf(pat, sizeof(pat), "%s/../shared/captures/*.pcap", src ? src : ".");
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			same_answers_in(g.gl_pathv[i]);
		globfree(&g);
	}
	print_message("%u frames compared, %u decoded whole\n", same_checks, same_ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ethernet_ipv4_tcp_reads_ports_and_ip_length),
	    cmocka_unit_test(vlan_and_qinq_tags_are_skipped),
	    cmocka_unit_test(pppoe_session_carries_ipv4_and_ipv6),
	    cmocka_unit_test(linux_cooked_v1_and_v2),
	    cmocka_unit_test(raw_ip_by_version_nibble),
	    cmocka_unit_test(bsd_null_in_either_byte_order_and_loop),
	    cmocka_unit_test(ipv4_options_shift_the_ports),
	    cmocka_unit_test(ipv4_fragments),
	    cmocka_unit_test(ipv6_extension_headers_are_walked),
	    cmocka_unit_test(snaplen_cut_counts_the_whole_packet),
	    cmocka_unit_test(malformed_headers),
	    cmocka_unit_test(ip_length_beyond_the_frame_is_malformed_and_bounded),
	    cmocka_unit_test(impossible_wire_length_counts_only_the_captured_bytes),
	    cmocka_unit_test(non_ip_frames_and_unknown_link_types),
	    cmocka_unit_test(every_prefix_of_a_packet_is_safe),
	    cmocka_unit_test(fast_path_agrees_with_the_general_decoders),
	    cmocka_unit_test(fast_path_agrees_on_recorded_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
