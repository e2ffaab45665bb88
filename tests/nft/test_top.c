/*
 * Unit tests of costs top's rates: the difference of two readings when the
 * table counted on, was re-applied, reset, restored or removed, and of
 * interfaces that are new, recreated or wrapped, with hand-made readings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft/ruleset.h"
#include "nft/top.h"

#define S 1000000LL /* one second in microseconds */

/* A point at time t (seconds) with the table (handle, generation) and counters. */
struct spec {
	const char *name;
	uint64_t bytes, packets;
};

static void point(struct nftc_top_point *p, int64_t t, bool table, uint64_t handle, uint64_t gen,
                  const struct spec *c, size_t n)
{
	memset(p, 0, sizeof(*p));
	p->mono_us = t * S;
	p->wall_us = t * S;
	p->table = table;
	if (!table)
		return;
	p->nft.handle = handle;
	p->nft.counters = calloc(n + 1, sizeof(*p->nft.counters));
	assert_non_null(p->nft.counters);
	for (size_t i = 0; i < n; i++) {
		snprintf(p->nft.counters[i].name, sizeof(p->nft.counters[i].name), "%s", c[i].name);
		p->nft.counters[i].bytes = c[i].bytes;
		p->nft.counters[i].packets = c[i].packets;
	}
	snprintf(p->nft.counters[n].name, sizeof(p->nft.counters[n].name), "%s", NFTC_GENERATION);
	p->nft.counters[n].packets = gen;
	p->nft.n = n + 1;
}

static void iface(struct nftc_top_point *p, const char *name, unsigned ifindex, uint64_t tx,
                  uint64_t rx)
{
	p->ifs = realloc(p->ifs, (p->nifs + 1) * sizeof(*p->ifs));
	assert_non_null(p->ifs);
	memset(&p->ifs[p->nifs], 0, sizeof(p->ifs[0]));
	snprintf(p->ifs[p->nifs].name, sizeof(p->ifs[0].name), "%s", name);
	p->ifs[p->nifs].ifindex = ifindex;
	p->ifs[p->nifs].tx_bytes = tx, p->ifs[p->nifs].tx_packets = tx / 100;
	p->ifs[p->nifs].rx_bytes = rx, p->ifs[p->nifs].rx_packets = rx / 100;
	p->nifs++;
}

static const struct nftc_rate *find(const struct nftc_top *t, enum nftc_rate_kind k,
                                    const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->r[i].kind == k && strcmp(t->r[i].name, name) == 0)
			return &t->r[i];
	fail_msg("no row %s", name);
	abort(); /* fail_msg does not return; this tells the compiler so */
}

static void diff(const struct nftc_top_point *a, const struct nftc_top_point *b,
                 const struct nftc_top_gens *g, bool wrap32, struct nftc_top *t)
{
	struct err e;
	assert_int_equal(nftc_top_diff(a, b, g, wrap32, t, &e), 0);
}

static void a_table_counting_on_gives_the_differences_sorted_by_egress(void **state)
{
	const struct spec c0[] = {{"egress_api", 1000, 10},   {"ingress_api", 500, 5},
	                          {"egress_web", 100, 1},     {"ingress_web", 50, 1},
	                          {"total_egress", 1100, 11}, {"total_ingress", 550, 6},
	                          {"someone_else", 7, 7}};
	const struct spec c1[] = {{"egress_api", 1300, 13},   {"ingress_api", 600, 6},
	                          {"egress_web", 2100, 21},   {"ingress_web", 150, 2},
	                          {"total_egress", 3400, 34}, {"total_ingress", 750, 8},
	                          {"someone_else", 9, 9}};
	struct nftc_top_point a, b;
	struct nftc_top t;
	(void)state;

	point(&a, 10, true, 5, 42, c0, 7);
	point(&b, 12, true, 5, 42, c1, 7);
	diff(&a, &b, NULL, false, &t);
	assert_int_equal(t.table, NFTC_TOP_SAME);
	assert_int_equal(t.interval_us, 2 * S);
	assert_int_equal(t.n, 3); /* web, api, total: not someone_else's counter */
	/* web sent more over the interval, so it comes first. */
	assert_string_equal(t.r[0].name, "web");
	assert_string_equal(t.r[1].name, "api");
	assert_int_equal(t.r[2].kind, NFTC_RATE_TOTAL);
	assert_int_equal(t.r[0].d[STORE_EGRESS].bytes, 2000);
	assert_int_equal(t.r[0].d[STORE_EGRESS].packets, 20);
	assert_int_equal(t.r[0].d[STORE_INGRESS].bytes, 100);
	assert_true(t.r[0].d[STORE_EGRESS].known);
	assert_false(t.r[0].d[STORE_EGRESS].reset);
	assert_int_equal(t.r[2].d[STORE_EGRESS].bytes, 2300);
	/* 2000 B in 2 s. */
	assert_int_equal(nftc_top_per_second(t.r[0].d[STORE_EGRESS].bytes, t.interval_us), 1000);
	nftc_top_release(&t);
	nftc_top_point_release(&a);
	nftc_top_point_release(&b);
}

static void a_counter_that_went_down_counts_from_zero_never_negative(void **state)
{
	const struct spec c0[] = {{"egress_web", 5000, 50}};
	const struct spec c1[] = {{"egress_web", 300, 3}};
	struct nftc_top_point a, b;
	struct nftc_top t;
	(void)state;

	point(&a, 0, true, 5, 42, c0, 1);
	point(&b, 1, true, 5, 42, c1, 1);
	diff(&a, &b, NULL, false, &t);
	assert_int_equal(t.table, NFTC_TOP_SAME);
	assert_int_equal(find(&t, NFTC_RATE_SERVICE, "web")->d[STORE_EGRESS].bytes, 300);
	assert_true(find(&t, NFTC_RATE_SERVICE, "web")->d[STORE_EGRESS].reset);
	assert_false(find(&t, NFTC_RATE_SERVICE, "web")->d[STORE_INGRESS].present);
	nftc_top_release(&t);
	nftc_top_point_release(&a);
	nftc_top_point_release(&b);
}

static void reset_reapplied_and_restored_tables_are_told_apart(void **state)
{
	const struct spec c0[] = {{"egress_web", 5000, 50}};
	const struct spec c1[] = {{"egress_web", 7000, 70}};
	struct nftc_top_gens g = {0};
	struct nftc_top_point a, b;
	struct nftc_top t;
	struct err e;
	const struct nftc_rate *r;
	(void)state;

	/* `nft reset counters`: same handle, the generation zeroed with the rest. */
	point(&a, 0, true, 5, 42, c0, 1);
	point(&b, 1, true, 5, 0, c1, 1);
	diff(&a, &b, NULL, false, &t);
	assert_int_equal(t.table, NFTC_TOP_RESET);
	r = find(&t, NFTC_RATE_SERVICE, "web");
	assert_int_equal(r->d[STORE_EGRESS].bytes, 7000);
	assert_true(r->d[STORE_EGRESS].reset);
	nftc_top_release(&t);
	nftc_top_point_release(&b);

	/* `costs nft apply`: a new handle and a new generation, counted from zero. */
	point(&b, 1, true, 6, 43, c1, 1);
	diff(&a, &b, NULL, false, &t);
	assert_int_equal(t.table, NFTC_TOP_NEW);
	assert_int_equal(find(&t, NFTC_RATE_SERVICE, "web")->d[STORE_EGRESS].bytes, 7000);
	nftc_top_release(&t);
	nftc_top_point_release(&b);

	/* A saved ruleset restored: a new handle, the same generation. */
	point(&b, 1, true, 7, 42, c1, 1);
	diff(&a, &b, NULL, false, &t);
	assert_int_equal(t.table, NFTC_TOP_RESTORED);
	r = find(&t, NFTC_RATE_SERVICE, "web");
	assert_true(r->d[STORE_EGRESS].present);
	assert_false(r->d[STORE_EGRESS].known);
	nftc_top_release(&t);
	nftc_top_point_release(&b);
	nftc_top_point_release(&a);

	/* Restored after another table came in between: known from the run's generations. */
	assert_int_equal(nftc_top_gens_add(&g, 42, &e), 0);
	assert_int_equal(nftc_top_gens_add(&g, 42, &e), 0);
	assert_int_equal(g.n, 1);
	point(&a, 0, true, 8, 44, c0, 1);
	point(&b, 1, true, 9, 42, c1, 1);
	diff(&a, &b, &g, false, &t);
	assert_int_equal(t.table, NFTC_TOP_RESTORED);
	nftc_top_release(&t);
	nftc_top_point_release(&b);
	nftc_top_point_release(&a);

	/* Deleted, then restored while no table was there. */
	point(&a, 0, false, 0, 0, NULL, 0);
	point(&b, 1, true, 9, 42, c1, 1);
	diff(&a, &b, &g, false, &t);
	assert_int_equal(t.table, NFTC_TOP_RESTORED);
	nftc_top_release(&t);
	diff(&b, &a, &g, false, &t);
	assert_int_equal(t.table, NFTC_TOP_REMOVED);
	assert_int_equal(t.n, 0);
	nftc_top_release(&t);
	nftc_top_point_release(&b);
	nftc_top_point_release(&a);
	nftc_top_gens_release(&g);
}

static void new_or_recreated_interfaces_say_nothing_and_32_bit_counters_wrap(void **state)
{
	struct nftc_top_point a, b;
	struct nftc_top t;
	const struct nftc_rate *r;
	(void)state;

	point(&a, 0, false, 0, 0, NULL, 0);
	point(&b, 1, false, 0, 0, NULL, 0);
	iface(&a, "eth0", 2, 1000, 400);
	iface(&a, "eth1", 3, 4294967000ULL, 100);
	iface(&a, "veth9", 7, 9000, 9000);
	iface(&b, "eth0", 2, 3000, 500);
	iface(&b, "eth1", 3, 704, 100);
	iface(&b, "veth9", 8, 50, 50);
	iface(&b, "wg0", 9, 123456, 1);
	diff(&a, &b, NULL, true, &t);
	r = find(&t, NFTC_RATE_IFACE, "eth0");
	assert_int_equal(r->d[STORE_EGRESS].bytes, 2000);
	assert_int_equal(r->d[STORE_INGRESS].bytes, 100);
	/* 4294967000 -> 704 across 2^32 = 4294967296: 296 + 704. */
	r = find(&t, NFTC_RATE_IFACE, "eth1");
	assert_true(r->d[STORE_EGRESS].known);
	assert_int_equal(r->d[STORE_EGRESS].bytes, 1000);
	/* Recreated (another index) and new interfaces are unknown, not huge. */
	assert_false(find(&t, NFTC_RATE_IFACE, "veth9")->d[STORE_EGRESS].known);
	assert_false(find(&t, NFTC_RATE_IFACE, "wg0")->d[STORE_EGRESS].known);
	assert_string_equal(t.r[0].name, "eth0"); /* interfaces by name */
	nftc_top_release(&t);
	/* On a 64-bit kernel the decrease is a new counter: unknown. */
	diff(&a, &b, NULL, false, &t);
	assert_false(find(&t, NFTC_RATE_IFACE, "eth1")->d[STORE_EGRESS].known);
	nftc_top_release(&t);
	nftc_top_point_release(&a);
	nftc_top_point_release(&b);
}

static void rates_round_to_the_nearest_byte_per_second(void **state)
{
	(void)state;
	assert_int_equal(nftc_top_per_second(1000, 3 * S), 333);
	assert_int_equal(nftc_top_per_second(2000, 3 * S), 667);
	assert_int_equal(nftc_top_per_second(602104, 3007067), 200230);
	assert_int_equal(nftc_top_per_second(5, 0), 0);
	assert_int_equal(nftc_top_per_second(UINT64_MAX, 1), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_table_counting_on_gives_the_differences_sorted_by_egress),
	    cmocka_unit_test(a_counter_that_went_down_counts_from_zero_never_negative),
	    cmocka_unit_test(reset_reapplied_and_restored_tables_are_told_apart),
	    cmocka_unit_test(new_or_recreated_interfaces_say_nothing_and_32_bit_counters_wrap),
	    cmocka_unit_test(rates_round_to_the_nearest_byte_per_second),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
