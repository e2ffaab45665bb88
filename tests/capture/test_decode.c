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
#include <pcap/dlt.h>
#include <sys/socket.h>

#include "capture/decode.h"
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
