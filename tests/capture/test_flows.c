/*
 * Flow-table and accumulation tests with a stand-in classifier: bytes of
 * undecided flows reach the decided service exactly once, fallback on end,
 * eviction and the undecided-packet limit, direction rules, fragments, day
 * boundaries in UTC and in a time zone, and the flush into a real store.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture/capture.h"
#include "util/date.h"
#include "pkt.h"

static const uint8_t SRV[4] = {192, 0, 2, 1}, CLI[4] = {198, 51, 100, 2};
#define T0 1780271940 /* 2026-05-31 23:59:00 UTC */

struct fx {
	struct classify *cls;
	struct capture *cap;
	struct store *st;
	char path[64];
};

static int setup_mem(void **state, uint64_t mem)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct capture_config cc = {.max_memory = mem, .observe_by_packets = true};
	struct err e;
	snprintf(f->path, sizeof(f->path), "/tmp/costs-test-flows-%d.db", (int)getpid());
	unlink(f->path);
	assert_int_equal(classify_new(NULL, &f->cls, &e), 0);
	assert_int_equal(capture_new(&cc, f->cls, &f->cap, &e), 0);
	capture_set_linktype(f->cap, DLT_RAW);
	assert_int_equal(store_open(f->path, true, 1000, &f->st, &e), 0);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_mem(state, 0);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char wal[80];
	capture_free(f->cap);
	classify_free(f->cls);
	store_close(f->st);
	unlink(f->path);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", f->path);
	unlink(wal);
	free(f);
	return 0;
}

/* Sends one TCP packet of `total` layer-3 bytes; payload starts with text. */
static void send_tcp(struct fx *f, int64_t t, const uint8_t *src, uint16_t sport,
                     const uint8_t *dst, uint16_t dport, uint8_t flags, uint16_t total,
                     const char *text)
{
	struct pkt p = {0};
	ip4(&p, IPPROTO_TCP, total, src, dst, 0, 1, 0);
	tcp(&p, sport, dport, flags, 0);
	if (text)
		putn(&p, text, strlen(text));
	capture_packet(f->cap, t, 0, p.b, p.n, total);
}

struct sum {
	uint64_t eg, in, egp, inp;
};

static struct sum totals(struct fx *f, const char *service, int32_t day)
{
	struct store_query q = {.from = day, .to = day, .service = service};
	struct store_total *rows;
	struct sum s = {0};
	struct err e;
	size_t n;
	if (day < 0) {
		q.from = 1;
		q.to = 0;
	}
	assert_int_equal(capture_flush(f->cap, f->st, "h", &e), 0);
	assert_int_equal(store_totals(f->st, &q, &rows, &n, &e), 0);
	for (size_t i = 0; i < n; i++) {
		s.eg += rows[i].egress_bytes;
		s.in += rows[i].ingress_bytes;
		s.egp += rows[i].egress_packets;
		s.inp += rows[i].ingress_packets;
	}
	store_totals_free(rows, n);
	return s;
}

static void bytes_before_the_decision_go_to_the_decided_service(void **state)
{
	struct fx *f = *state;
	send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x02, 60, NULL);    /* SYN */
	send_tcp(f, T0, SRV, 2000, CLI, 40000, 0x12, 60, NULL);    /* SYN+ACK */
	send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x10, 52, NULL);    /* ACK */
	send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x18, 300, "beta"); /* decides */
	send_tcp(f, T0, SRV, 2000, CLI, 40000, 0x18, 1500, "x");
	struct sum s = totals(f, "beta", -1);
	assert_int_equal(s.in, 60 + 52 + 300);
	assert_int_equal(s.eg, 60 + 1500);
	assert_int_equal(s.inp, 3);
	assert_int_equal(s.egp, 2);
	assert_int_equal(totals(f, NULL, -1).eg, 60 + 1500);
}

static void a_flow_ending_undecided_takes_the_fallback(void **state)
{
	struct fx *f = *state;
	send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x02, 60, NULL);
	send_tcp(f, T0, SRV, 2000, CLI, 40000, 0x12, 60, NULL);
	send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x11, 52, NULL); /* FIN */
	send_tcp(f, T0, SRV, 2000, CLI, 40000, 0x11, 52, NULL); /* FIN: ended */
	send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x10, 52, NULL); /* last ACK */
	struct sum s = totals(f, "fallback", -1);
	assert_int_equal(s.in + s.eg, 60 + 60 + 52 + 52 + 52);
	assert_int_equal(totals(f, NULL, -1).in, 60 + 52 + 52);
}

static void undecided_flows_are_decided_at_the_end(void **state)
{
	struct fx *f = *state;
	send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x18, 500, "hello");
	assert_int_equal(totals(f, NULL, -1).in, 0); /* still pending */
	capture_decide_all(f->cap);
	assert_int_equal(totals(f, "fallback", -1).in, 500);
}

static void too_many_undecided_packets_fall_back(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 100; i++)
		send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x18, 100, "zzzz");
	send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x18, 100, "beta"); /* too late */
	struct sum s = totals(f, "fallback", -1);
	assert_int_equal(s.in, 101 * 100);
	assert_int_equal(totals(f, "beta", -1).in, 0);
}

/* A second capture on the same store, as the next cron window would be. */
static struct capture *next_capture(struct fx *f)
{
	struct capture_config cc = {.observe_by_packets = true};
	struct capture *c;
	struct err e;
	assert_int_equal(capture_flush(f->cap, f->st, "h", &e), 0);
	capture_free(f->cap);
	assert_int_equal(capture_new(&cc, f->cls, &c, &e), 0);
	capture_set_linktype(c, DLT_RAW);
	assert_int_equal(capture_load_verdicts(c, f->st, "h", &e), 0);
	f->cap = c;
	return c;
}

static void a_flow_met_mid_stream_takes_the_stored_verdict(void **state)
{
	struct fx *f = *state;
	struct capture_stats st;
	/* The client's port is the lower one: without the verdict, auto would call it local. */
	send_tcp(f, T0, CLI, 1000, SRV, 2000, 0x02, 60, NULL);
	send_tcp(f, T0, SRV, 2000, CLI, 1000, 0x12, 60, NULL);
	send_tcp(f, T0, CLI, 1000, SRV, 2000, 0x18, 300, "beta");
	assert_int_equal(totals(f, "beta", -1).eg, 60);
	next_capture(f);
	send_tcp(f, T0 + 30, SRV, 2000, CLI, 1000, 0x18, 1400, "zzzz");
	send_tcp(f, T0 + 30, CLI, 1000, SRV, 2000, 0x10, 52, NULL);
	struct sum s = totals(f, "beta", -1);
	assert_int_equal(s.eg, 60 + 1400);
	assert_int_equal(s.in, 60 + 300 + 52);
	capture_get_stats(f->cap, &st);
	assert_int_equal(st.verdicts, 1);
	/* Past its idle timeout (600 s) the verdict is not used. */
	next_capture(f);
	send_tcp(f, T0 + 30 + 601, SRV, 2000, CLI, 1000, 0x18, 1000, "zzzz");
	capture_decide_all(f->cap);
	assert_int_equal(totals(f, "fallback", -1).in + totals(f, "fallback", -1).eg, 1000);
}

/* Two windows decided the same 5-tuple differently: the later verdict is the one used. */
static void the_newest_verdict_of_a_flow_wins(void **state)
{
	struct fx *f = *state;
	send_tcp(f, T0, CLI, 1000, SRV, 2000, 0x02, 60, NULL);
	send_tcp(f, T0, CLI, 1000, SRV, 2000, 0x18, 300, "beta");
	next_capture(f);
	/* The ports are used again by a new connection that falls back. */
	send_tcp(f, T0 + 20, CLI, 1000, SRV, 2000, 0x02, 60, NULL);
	for (int i = 0; i < 100; i++)
		send_tcp(f, T0 + 20, CLI, 1000, SRV, 2000, 0x18, 100, "zzzz");
	assert_int_equal(totals(f, "fallback", -1).in, 60 + 100 * 100);
	next_capture(f);
	send_tcp(f, T0 + 30, CLI, 1000, SRV, 2000, 0x18, 700, "zzzz");
	/* Totals add up over the windows: the 700 bytes go where window 2 said. */
	assert_int_equal(totals(f, "fallback", -1).in, 60 + 100 * 100 + 700);
	assert_int_equal(totals(f, "beta", -1).in, 60 + 300);
}

static void a_decision_forced_at_the_end_is_not_kept(void **state)
{
	struct fx *f = *state;
	struct store_verdict v = {.proto = IPPROTO_TCP, .family = 4, .pa = 2000, .pb = 40000};
	struct err e;
	bool found;
	send_tcp(f, T0, CLI, 40000, SRV, 2000, 0x02, 60, NULL);
	capture_decide_all(f->cap);
	assert_int_equal(capture_flush(f->cap, f->st, "h", &e), 0);
	memcpy(v.a, SRV, 4);
	memcpy(v.b, CLI, 4);
	assert_int_equal(store_verdict_get(f->st, "h", &v, &found, &e), 0);
	assert_false(found);
	/* A decided flow's verdict is kept, with the capture's direction. */
	send_tcp(f, T0, CLI, 40001, SRV, 2000, 0x02, 60, NULL);
	send_tcp(f, T0, SRV, 2000, CLI, 40001, 0x12, 60, NULL);
	send_tcp(f, T0 + 5, CLI, 40001, SRV, 2000, 0x18, 300, "beta");
	assert_int_equal(capture_flush(f->cap, f->st, "h", &e), 0);
	v.pb = 40001;
	assert_int_equal(store_verdict_get(f->st, "h", &v, &found, &e), 0);
	assert_true(found);
	assert_string_equal(v.service, "beta");
	assert_true(v.local_is_a);
	assert_int_equal(v.last_seen, T0 + 5);
	assert_int_equal(v.expires, T0 + 5 + 600);
}

static int setup_late(void **state)
{
	struct capture_config cc = {.observe_by_packets = true, .late_direction = true};
	struct err e;
	setup_mem(state, 0);
	struct fx *f = *state;
	capture_free(f->cap);
	assert_int_equal(capture_new(&cc, f->cls, &f->cap, &e), 0);
	capture_set_linktype(f->cap, DLT_RAW);
	return 0;
}

static void a_side_seen_accepting_later_is_local_for_flows_met_mid_stream(void **state)
{
	struct fx *f = *state;
	/* Started before the file; the client's port is the lower one. */
	send_tcp(f, T0, SRV, 2000, CLI, 1000, 0x18, 1400, "beta");
	send_tcp(f, T0, CLI, 1000, SRV, 2000, 0x10, 52, NULL);
	/* Later the server accepts another connection on the same port. */
	send_tcp(f, T0 + 1, CLI, 40000, SRV, 2000, 0x02, 60, NULL);
	send_tcp(f, T0 + 1, SRV, 2000, CLI, 40000, 0x12, 60, NULL);
	send_tcp(f, T0 + 2, SRV, 2000, CLI, 1000, 0x18, 1000, "x");
	/* A flow neither side of which is seen accepting keeps the lower-port guess. */
	send_tcp(f, T0 + 2, SRV, 3000, CLI, 999, 0x18, 700, "beta");
	capture_decide_all(f->cap);
	struct sum s = totals(f, "beta", -1);
	assert_int_equal(s.eg, 1400 + 1000 + 0);
	assert_int_equal(s.in, 52 + 700);
}

static void direction_auto_uses_the_syn_then_the_lower_port(void **state)
{
	struct fx *f = *state;
	/* The server listens on a high port: the SYN says who accepted. */
	send_tcp(f, T0, CLI, 1, SRV, 50000, 0x02, 60, NULL);
	send_tcp(f, T0, SRV, 50000, CLI, 1, 0x12, 64, NULL);
	capture_decide_all(f->cap);
	struct sum s = totals(f, NULL, -1);
	assert_int_equal(s.eg, 64);
	assert_int_equal(s.in, 60);
	/* Picked up mid-connection: the lower port is the local side. */
	send_tcp(f, T0, CLI, 50001, SRV, 1, 0x10, 100, NULL);
	send_tcp(f, T0, SRV, 1, CLI, 50001, 0x10, 200, NULL);
	capture_decide_all(f->cap);
	s = totals(f, NULL, -1);
	assert_int_equal(s.eg, 64 + 200);
	assert_int_equal(s.in, 60 + 100);
}

static void local_networks_decide_direction(void **state)
{
	struct fx *f = *state;
	struct capture_cidr *nets;
	size_t n;
	struct err e;
	assert_int_equal(capture_parse_cidrs("198.51.100.0/24,2001:db8::1", &nets, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(capture_set_local(f->cap, nets, n, &e), 0);
	free(nets);
	/* CLI is local now although it has the higher port and sent no SYN+ACK. */
	send_tcp(f, T0, CLI, 50001, SRV, 1, 0x10, 100, NULL);
	send_tcp(f, T0, SRV, 1, CLI, 50001, 0x10, 200, NULL);
	capture_decide_all(f->cap);
	struct sum s = totals(f, NULL, -1);
	assert_int_equal(s.eg, 100);
	assert_int_equal(s.in, 200);
	assert_int_equal(capture_parse_cidrs("10.0.0.0/33", &nets, &n, &e), -1);
	assert_int_equal(capture_parse_cidrs("nonsense", &nets, &n, &e), -1);
	assert_int_equal(capture_parse_cidrs("auto", &nets, &n, &e), 0);
	assert_int_equal(n, 0);
}

static void later_fragments_follow_the_first(void **state)
{
	struct fx *f = *state;
	struct pkt a = {0}, b = {0}, c = {0};
	ip4(&a, IPPROTO_UDP, 1500, CLI, SRV, 0, 99, 0x2000);
	udp(&a, 5000, 1, 2000);
	ip4(&b, IPPROTO_UDP, 528, CLI, SRV, 0, 99, 185);
	ip4(&c, IPPROTO_UDP, 700, CLI, SRV, 0, 98, 185); /* its first fragment never came */
	capture_packet(f->cap, T0, 0, a.b, a.n, 1500);
	capture_packet(f->cap, T0, 0, b.b, b.n, 528);
	capture_packet(f->cap, T0, 0, c.b, c.n, 700);
	assert_int_equal(totals(f, "alpha", -1).in, 1500 + 528);
	assert_int_equal(totals(f, "other", -1).in, 700);
}

static void later_ipv6_fragments_follow_the_first(void **state)
{
	struct fx *f = *state;
	static const uint8_t c6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
	static const uint8_t s6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	struct pkt a = {0}, b = {0};
	ip6(&a, 44, 8 + 8 + 1000, c6, s6);
	put8(&a, IPPROTO_UDP);
	put8(&a, 0);
	put16(&a, 0x0001); /* offset 0, more */
	put32(&a, 4242);
	udp(&a, 5000, 1, 3000);
	ip6(&b, 44, 8 + 500, c6, s6);
	put8(&b, IPPROTO_UDP);
	put8(&b, 0);
	put16(&b, (1008 / 8) << 3); /* offset 1008, last */
	put32(&b, 4242);
	capture_packet(f->cap, T0, 0, a.b, a.n, 40 + 1016);
	capture_packet(f->cap, T0, 0, b.b, b.n, 40 + 508);
	assert_int_equal(totals(f, "alpha", -1).in, 40 + 1016 + 40 + 508);
}

static void days_split_by_packet_time(void **state)
{
	struct fx *f = *state;
	send_tcp(f, T0 + 59, CLI, 40000, SRV, 1, 0x10, 100, NULL); /* 23:59:59 */
	send_tcp(f, T0 + 61, CLI, 40000, SRV, 1, 0x10, 200, NULL); /* 00:00:01 */
	int32_t may31 = date_from_civil(2026, 5, 31);
	assert_int_equal(totals(f, NULL, may31).in, 100);
	assert_int_equal(totals(f, NULL, may31 + 1).in, 200);
	struct store_coverage cov;
	bool found;
	struct err e;
	assert_int_equal(store_get_coverage(f->st, "h", may31, "pcap", &cov, &found, &e), 0);
	assert_true(found);
	assert_int_equal(cov.seconds, 1);
	assert_int_equal(cov.packets, 1);
}

static void a_long_hole_in_a_file_is_not_observed(void **state)
{
	struct fx *f = *state;
	struct store_coverage cov;
	bool found;
	struct err e;
	int32_t may31 = date_from_civil(2026, 5, 31);
	send_tcp(f, T0, CLI, 40000, SRV, 1, 0x10, 100, NULL);
	send_tcp(f, T0 + 30, CLI, 40000, SRV, 1, 0x10, 100, NULL);
	/* The next packet comes ten days later: the days between were not watched. */
	send_tcp(f, T0 + 10 * 86400, CLI, 40000, SRV, 1, 0x10, 100, NULL);
	totals(f, NULL, may31);
	assert_int_equal(store_get_coverage(f->st, "h", may31, "pcap", &cov, &found, &e), 0);
	assert_int_equal(cov.seconds, 30);
	assert_int_equal(store_get_coverage(f->st, "h", may31 + 5, "pcap", &cov, &found, &e), 0);
	assert_false(found);
}

static void days_follow_the_time_zone(void **state)
{
	struct fx *f = *state;
	struct capture *cap;
	struct capture_config cc = {.local_time = true, .observe_by_packets = true};
	struct err e;
	setenv("TZ", "Asia/Tokyo", 1); /* UTC+9, no DST */
	tzset();
	assert_int_equal(capture_new(&cc, f->cls, &cap, &e), 0);
	capture_free(f->cap);
	f->cap = cap;
	capture_set_linktype(cap, DLT_RAW);
	/* 14:59:59 UTC is 23:59:59 in Tokyo; 15:00:00 UTC is the next day there. */
	int64_t t = (int64_t)date_from_civil(2026, 5, 31) * 86400 + 14 * 3600 + 3599;
	send_tcp(f, t, CLI, 40000, SRV, 1, 0x10, 100, NULL);
	send_tcp(f, t + 1, CLI, 40000, SRV, 1, 0x10, 200, NULL);
	int32_t may31 = date_from_civil(2026, 5, 31);
	assert_int_equal(totals(f, NULL, may31).in, 100);
	assert_int_equal(totals(f, NULL, may31 + 1).in, 200);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void malformed_packets_count_in_other(void **state)
{
	struct fx *f = *state;
	struct pkt p = {0};
	ip4(&p, IPPROTO_TCP, 10, CLI, SRV, 0, 1, 0); /* total < header */
	putz(&p, 20);
	capture_packet(f->cap, T0, 0, p.b, p.n, p.n);
	struct capture_stats st;
	capture_get_stats(f->cap, &st);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(totals(f, "other", -1).in, 10);
	struct store_coverage cov;
	bool found;
	struct err e;
	assert_int_equal(store_get_coverage(f->st, "h", date_utc_day(T0), "pcap", &cov, &found, &e),
	                 0);
	assert_int_equal(cov.malformed, 1);
}

static int setup_small(void **state)
{
	return setup_mem(state, 64u << 10);
}

static void eviction_loses_no_bytes(void **state)
{
	struct fx *f = *state;
	struct capture_stats st;
	capture_get_stats(f->cap, &st);
	uint32_t flows = (uint32_t)st.flow_capacity * 3;
	uint64_t want = 0;
	for (uint32_t i = 0; i < flows; i++) {
		uint8_t src[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		/* Half decided at once, half left undecided until eviction. */
		send_tcp(f, T0, src, 40000, SRV, (i & 1) ? 1 : 2000, 0x18, 100, "a");
		want += 100;
	}
	capture_get_stats(f->cap, &st);
	assert_true(st.evicted > 0);
	capture_decide_all(f->cap);
	struct sum s = totals(f, NULL, -1);
	assert_int_equal(s.in, want);
	assert_int_equal(s.inp, flows);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int setup_1m(void **state)
{
	return setup_mem(state, 1u << 20);
}

/*
 * Churn through the flow table: each round touches every flow of a working
 * set smaller than the table, in a shuffled order, then swaps some for new
 * ones.  Every packet of a flow still in the table must find it, through
 * the table's growth and the slots moved back by each eviction; a lost one
 * shows as a flow created twice.
 */
static void the_flow_table_finds_every_flow_it_holds(void **state)
{
	struct fx *f = *state;
	struct capture_stats st;
	capture_get_stats(f->cap, &st);
	uint32_t live = (uint32_t)st.flow_capacity * 3 / 4, next = 0, rounds = 12;
	uint32_t *set = malloc(live * sizeof(*set)), *order = malloc(live * sizeof(*order));
	uint8_t *seen = calloc((live + live / 4 * rounds) / 8 + 1, 1);
	uint64_t rng = 0x9e3779b97f4a7c15ull, sent = 0;
	assert_non_null(seen);
	assert_non_null(set);
	assert_non_null(order);
	for (uint32_t i = 0; i < live; i++)
		set[i] = next++;
	for (uint32_t r = 0; r < rounds; r++) {
		for (uint32_t i = 0; i < live; i++)
			order[i] = set[i];
		for (uint32_t i = live - 1; i > 0; i--) {
			uint32_t j = (uint32_t)(xorshift(&rng) % (i + 1)), t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (uint32_t i = 0; i < live; i++) {
			uint32_t id = order[i];
			uint8_t src[4] = {10, (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id};
			send_tcp(f, T0 + r, src, (uint16_t)(1024 + id % 50000), SRV, 1, 0x18, 100,
			         "a");
			seen[id / 8] |= (uint8_t)(1u << (id % 8));
			sent++;
		}
		/* A quarter of the set leaves for good; new flows take its place. */
		for (uint32_t i = 0; i < live / 4; i++) {
			set[xorshift(&rng) % live] = next++;
		}
	}
	capture_get_stats(f->cap, &st);
	assert_true(st.evicted > 0);
	uint64_t distinct = 0;
	for (uint32_t id = 0; id < next; id++)
		distinct += seen[id / 8] >> (id % 8) & 1;
	assert_int_equal(st.flows, distinct);
	capture_decide_all(f->cap);
	struct sum s = totals(f, NULL, -1);
	assert_int_equal(s.inp, sent);
	free(seen);
	free(set);
	free(order);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(bytes_before_the_decision_go_to_the_decided_service,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(a_flow_ending_undecided_takes_the_fallback, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(undecided_flows_are_decided_at_the_end, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(too_many_undecided_packets_fall_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(direction_auto_uses_the_syn_then_the_lower_port, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(local_networks_decide_direction, setup, teardown),
	    cmocka_unit_test_setup_teardown(later_fragments_follow_the_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(later_ipv6_fragments_follow_the_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(days_split_by_packet_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_long_hole_in_a_file_is_not_observed, setup, teardown),
	    cmocka_unit_test_setup_teardown(days_follow_the_time_zone, setup, teardown),
	    cmocka_unit_test_setup_teardown(malformed_packets_count_in_other, setup, teardown),
	    cmocka_unit_test_setup_teardown(eviction_loses_no_bytes, setup_small, teardown),
	    cmocka_unit_test_setup_teardown(the_flow_table_finds_every_flow_it_holds, setup_1m,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(a_flow_met_mid_stream_takes_the_stored_verdict, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(the_newest_verdict_of_a_flow_wins, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_decision_forced_at_the_end_is_not_kept, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        a_side_seen_accepting_later_is_local_for_flows_met_mid_stream, setup_late,
	        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
