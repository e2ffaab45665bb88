/*
 * Unit tests of the sampling logic: deltas across reboots, resets and wraps,
 * the split of a delta over days, and what one sample stores.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/date.h"
#include "nft/sample.h"

#define S 1000000LL /* one second in microseconds */

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/costs-sample-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	setenv("TZ", "UTC", 1);
	tzset();
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static struct store_counter state_of(const char *boot, uint64_t handle, uint64_t value)
{
	struct store_counter c = {.handle = handle, .value = value, .time_us = 1};
	snprintf(c.boot_id, sizeof(c.boot_id), "%s", boot);
	return c;
}

static void delta_is_the_difference_on_the_same_boot_and_table(void **state)
{
	struct store_counter p = state_of("b1", 7, 1000);
	uint64_t d;
	(void)state;
	assert_int_equal(nftc_counter_delta(&p, true, "b1", 7, 1500, true, false, &d),
	                 NFTC_EV_NONE);
	assert_int_equal(d, 500);
	assert_int_equal(nftc_counter_delta(&p, true, "b1", 7, 1000, true, false, &d),
	                 NFTC_EV_NONE);
	assert_int_equal(d, 0);
}

static void reboot_reload_and_decrease_count_from_zero(void **state)
{
	struct store_counter p = state_of("b1", 7, 1000);
	uint64_t d;
	(void)state;
	assert_int_equal(nftc_counter_delta(&p, true, "b2", 7, 5000, true, false, &d),
	                 NFTC_EV_REBOOT);
	assert_int_equal(d, 5000);
	assert_int_equal(nftc_counter_delta(&p, true, "b1", 8, 5000, true, false, &d),
	                 NFTC_EV_RESET);
	assert_int_equal(d, 5000);
	assert_int_equal(nftc_counter_delta(&p, true, "b1", 7, 300, true, false, &d),
	                 NFTC_EV_RESET);
	assert_int_equal(d, 300);
}

static void first_sight_counts_nft_but_only_baselines_interfaces(void **state)
{
	uint64_t d;
	(void)state;
	assert_int_equal(nftc_counter_delta(NULL, false, "b1", 7, 900, true, false, &d),
	                 NFTC_EV_FIRST);
	assert_int_equal(d, 900);
	assert_int_equal(nftc_counter_delta(NULL, false, "b1", 7, 900, false, true, &d),
	                 NFTC_EV_BASELINE);
	assert_int_equal(d, 0);
}

static void a_32_bit_counter_wraps(void **state)
{
	struct store_counter p = state_of("b1", 2, 4294967000u);
	struct store_counter big = state_of("b1", 2, 5000000000ULL);
	uint64_t d;
	(void)state;
	assert_int_equal(nftc_counter_delta(&p, true, "b1", 2, 100, false, true, &d), NFTC_EV_WRAP);
	assert_int_equal(d, 296 + 100);
	/* Without wrap32, or from a value that did not fit 32 bits: a reset. */
	assert_int_equal(nftc_counter_delta(&p, true, "b1", 2, 100, false, false, &d),
	                 NFTC_EV_RESET);
	assert_int_equal(nftc_counter_delta(&big, true, "b1", 2, 100, false, true, &d),
	                 NFTC_EV_RESET);
	assert_int_equal(d, 100);
}

static int64_t at(int y, int m, int d, int hh, int mm)
{
	return ((int64_t)date_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60) * S;
}

static void a_delta_over_midnight_is_split_in_proportion(void **state)
{
	struct nftc_part *p;
	struct err e;
	size_t n;
	(void)state;
	/* 23:00 to 01:00: half and half. */
	assert_int_equal(nftc_split(at(2026, 5, 31, 23, 0), at(2026, 6, 1, 1, 0), 1001, &p, &n, &e),
	                 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].day, date_from_civil(2026, 5, 31));
	assert_int_equal(p[1].day, date_from_civil(2026, 6, 1));
	assert_int_equal(p[0].value, 500);
	assert_int_equal(p[1].value, 501);
	free(p);
	/* 18:00 on day 1 to 06:00 on day 3: 6 h, 24 h, 6 h; the sum is exact. */
	assert_int_equal(nftc_split(at(2026, 1, 1, 18, 0), at(2026, 1, 3, 6, 0), 3600, &p, &n, &e),
	                 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].value, 600);
	assert_int_equal(p[1].value, 2400);
	assert_int_equal(p[2].value, 600);
	free(p);
	/* Within one day, or no interval: all on the last day. */
	assert_int_equal(nftc_split(at(2026, 1, 1, 1, 0), at(2026, 1, 1, 2, 0), 77, &p, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].value, 77);
	free(p);
	assert_int_equal(nftc_split(at(2026, 1, 2, 1, 0), at(2026, 1, 2, 1, 0), 5, &p, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].day, date_from_civil(2026, 1, 2));
	free(p);
	/* Huge values do not overflow. */
	assert_int_equal(
	    nftc_split(at(2026, 1, 1, 12, 0), at(2026, 1, 2, 12, 0), UINT64_MAX, &p, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(p[0].value + p[1].value == UINT64_MAX);
	free(p);
}

static void days_follow_the_time_zone(void **state)
{
	struct nftc_part *p;
	struct err e;
	size_t n;
	(void)state;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	/* 21:00 to 23:00 UTC in June is 23:00 to 01:00 in Berlin (UTC+2). */
	assert_int_equal(
	    nftc_split(at(2026, 6, 10, 21, 0), at(2026, 6, 10, 23, 0), 100, &p, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].day, date_from_civil(2026, 6, 10));
	assert_int_equal(p[1].day, date_from_civil(2026, 6, 11));
	assert_int_equal(p[0].value, 50);
	free(p);
	/* Across the spring change (a 23-hour day) the sum stays exact. */
	/* 12:00 UTC is 13:00 CET on the 28th and 14:00 CEST on the 30th: 11 h, 23 h, 14 h. */
	assert_int_equal(
	    nftc_split(at(2026, 3, 28, 12, 0), at(2026, 3, 30, 12, 0), 4800, &p, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].value, 1100);
	assert_int_equal(p[1].value, 2300);
	assert_int_equal(p[2].value, 1400);
	free(p);
	setenv("TZ", "UTC", 1);
	tzset();
}

static struct store *open_store(const char *name)
{
	char p[512];
	/* Days in UTC, whatever an earlier failed test left behind. */
	setenv("TZ", "UTC", 1);
	tzset();
	struct store *s;
	struct err e;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(store_open(p, true, 1000, &s, &e), 0);
	return s;
}

static uint64_t total(struct store *s, const char *service, const char *source, int32_t day,
                      bool egress)
{
	struct store_query q = {.from = day, .to = day, .service = service, .source = source};
	struct store_total *rows;
	struct err e;
	size_t n;
	uint64_t v = 0;
	assert_int_equal(store_totals(s, &q, &rows, &n, &e), 0);
	for (size_t i = 0; i < n; i++)
		v += egress ? rows[i].egress_bytes : rows[i].ingress_bytes;
	store_totals_free(rows, n);
	return v;
}

static void take(struct store *s, struct nftc_counter *c, size_t nc, uint64_t handle,
                 struct nftc_iface *ifs, size_t nifs, const char *boot, int64_t now, unsigned gap,
                 struct nftc_sample_result *res)
{
	struct nftc_reading r = {.handle = handle, .counters = c, .n = nc};
	struct nftc_sample_opts o = {
	    .host = "h", .boot_id = boot, .now_us = now, .boot_us = now - 3600 * S, .gap = gap};
	struct err e;
	assert_int_equal(store_begin(s, &e), 0);
	if (nftc_sample_store(s, &r, ifs, nifs, &o, res, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(store_commit(s, &e), 0);
}

static void samples_store_deltas_state_and_coverage(void **state)
{
	struct store *s = open_store("a.db");
	struct nftc_counter c[] = {
	    {"egress_web", 1000, 10}, {"ingress_web", 200, 5}, {"total_egress", 1500, 15},
	    {"ingress_other", 0, 0},  {"unrelated", 9, 9},     {"egress_not a service", 9, 9},
	};
	struct nftc_iface ifs[] = {{"eth0", 1, 100, 1, 200, 2}};
	struct nftc_sample_result res;
	struct store_coverage cov;
	int32_t d1 = date_from_civil(2026, 5, 31), d2 = d1 + 1;
	bool found;
	struct err e;
	(void)state;

	/* First sample at 23:00: nft counted from zero, the interface a baseline. */
	take(s, c, 6, 7, ifs, 1, "b1", at(2026, 5, 31, 23, 0), 3600, &res);
	assert_int_equal(res.n, 4 + 2);
	assert_false(res.gap);
	nftc_sample_result_release(&res);
	assert_int_equal(total(s, "web", "nft", d1, true), 1000);
	assert_int_equal(total(s, "web", "nft", d1, false), 200);
	assert_int_equal(total(s, "total", "nft", d1, true), 0); /* totals are not a service */
	assert_int_equal(total(s, "eth0", "iface", d1, true), 0);

	/* 23:50 to 00:10: the delta is split 50/50 over the two days. */
	c[0].bytes = 1000 + 800;
	ifs[0].tx_bytes = 200 + 400;
	take(s, c, 6, 7, ifs, 1, "b1", at(2026, 5, 31, 23, 50), 3600, &res);
	nftc_sample_result_release(&res);
	c[0].bytes = 1800 + 1000;
	ifs[0].tx_bytes = 600 + 1000;
	take(s, c, 6, 7, ifs, 1, "b1", at(2026, 6, 1, 0, 10), 3600, &res);
	assert_false(res.gap);
	nftc_sample_result_release(&res);
	assert_int_equal(total(s, "web", "nft", d1, true), 1000 + 800 + 500);
	assert_int_equal(total(s, "web", "nft", d2, true), 500);
	assert_int_equal(total(s, "eth0", "iface", d1, true), 400 + 500);
	assert_int_equal(total(s, "eth0", "iface", d2, true), 500);

	/* A recreated table (new handle, smaller value) is counted from zero. */
	c[0].bytes = 50;
	take(s, c, 6, 8, ifs, 1, "b1", at(2026, 6, 1, 0, 15), 3600, &res);
	assert_int_equal(res.d[0].event, NFTC_EV_RESET);
	nftc_sample_result_release(&res);
	assert_int_equal(total(s, "web", "nft", d2, true), 550);

	/* Two hours later (a gap) after a reboot: from zero again, the gap recorded. */
	c[0].bytes = 70;
	take(s, c, 6, 1, ifs, 1, "b2", at(2026, 6, 1, 2, 15), 3600, &res);
	assert_true(res.gap);
	assert_int_equal(res.gap_seconds, 7200);
	assert_int_equal(res.d[0].event, NFTC_EV_REBOOT);
	nftc_sample_result_release(&res);
	assert_int_equal(total(s, "web", "nft", d2, true), 620);
	assert_int_equal(store_get_coverage(s, "h", d2, "nft", &cov, &found, &e), 0);
	assert_true(found);
	assert_int_equal(cov.samples, 3);
	assert_int_equal(cov.gaps, 1);
	assert_int_equal(cov.gap_seconds, 7200);
	assert_int_equal(cov.seconds, 600 + 300 + 7200);
	assert_true(cov.resets >= 2);
	assert_int_equal(store_get_coverage(s, "h", d1, "nft", &cov, &found, &e), 0);
	assert_int_equal(cov.samples, 2);
	assert_int_equal(cov.seconds, 3000 + 600);
	store_close(s);
}

static void the_same_readings_twice_add_nothing(void **state)
{
	struct store *s = open_store("b.db");
	struct nftc_counter c[] = {{"egress_web", 1000, 10}};
	struct nftc_sample_result res;
	int32_t d = date_from_civil(2026, 5, 1);
	(void)state;
	take(s, c, 1, 3, NULL, 0, "b1", at(2026, 5, 1, 10, 0), 900, &res);
	nftc_sample_result_release(&res);
	take(s, c, 1, 3, NULL, 0, "b1", at(2026, 5, 1, 10, 5), 900, &res);
	assert_int_equal(res.d[0].bytes, 0);
	nftc_sample_result_release(&res);
	assert_int_equal(total(s, "web", "nft", d, true), 1000);
	store_close(s);
}

/* A sample of a table with a generation counter (id, parent). */
static void take_gen(struct store *s, uint64_t id, uint64_t parent, uint64_t handle, uint64_t web,
                     const char *boot, int64_t now, uint64_t fresh, struct nftc_sample_result *res,
                     bool commit)
{
	struct nftc_counter c[] = {{"generation", parent, id}, {"egress_web", web, web / 100}};
	struct nftc_reading r = {.handle = handle, .counters = c, .n = 2};
	struct nftc_sample_opts o = {.host = "h",
	                             .boot_id = boot,
	                             .now_us = now,
	                             .boot_us = now - 60 * S,
	                             .gap = 3600,
	                             .new_generation = fresh};
	struct err e;
	assert_int_equal(store_begin(s, &e), 0);
	if (nftc_sample_store(s, &r, NULL, 0, &o, res, &e) != 0)
		fail_msg("%s", e.msg);
	if (commit)
		assert_int_equal(store_commit(s, &e), 0);
	else
		store_rollback(s);
}

static void a_restored_or_reset_table_is_told_apart_by_its_generation(void **state)
{
	struct store *s = open_store("g.db");
	struct nftc_sample_result res;
	int32_t d = date_from_civil(2026, 5, 1);
	(void)state;

	/* A new table (identity 11) counts from zero, then on. */
	take_gen(s, 11, 0, 7, 1000, "b1", at(2026, 5, 1, 10, 0), 21, &res, true);
	assert_int_equal(res.d[0].event, NFTC_EV_FIRST);
	assert_false(res.restamp);
	nftc_sample_result_release(&res);
	take_gen(s, 11, 0, 7, 1500, "b1", at(2026, 5, 1, 10, 5), 22, &res, true);
	assert_int_equal(res.d[0].bytes, 500);
	nftc_sample_result_release(&res);

	/* Restored from a save taken at 1200 (another handle), 100 B since. */
	take_gen(s, 11, 0, 9, 1300, "b1", at(2026, 5, 1, 10, 10), 23, &res, true);
	assert_int_equal(res.d[0].event, NFTC_EV_RESTORE);
	assert_int_equal(res.d[0].bytes, 0);
	assert_true(res.restamp);
	assert_int_equal(res.gen_id, 23);
	assert_int_equal(res.gen_parent, 11);
	nftc_sample_result_release(&res);
	/* Renewed to 23: it counts on from 1300. */
	take_gen(s, 23, 11, 9, 1400, "b1", at(2026, 5, 1, 10, 15), 24, &res, true);
	assert_int_equal(res.d[0].event, NFTC_EV_NONE);
	assert_int_equal(res.d[0].bytes, 100);
	nftc_sample_result_release(&res);

	/* The same save restored after a reboot, 1700: beyond 1500 is new. */
	take_gen(s, 11, 0, 7, 1700, "b2", at(2026, 5, 1, 10, 20), 25, &res, true);
	assert_int_equal(res.d[0].event, NFTC_EV_RESTORE);
	assert_int_equal(res.d[0].bytes, 200);
	nftc_sample_result_release(&res);
	/*
	 * Restored once more (a save at 1700 under 25, handle 8), and the
	 * sample that renews it to 30 fails to commit: the kernel reads
	 * (30, 25), which the store does not know; the parent leads to 25.
	 */
	take_gen(s, 25, 11, 8, 1760, "b2", at(2026, 5, 1, 10, 25), 30, &res, false);
	assert_true(res.restamp);
	nftc_sample_result_release(&res);
	take_gen(s, 30, 25, 8, 1850, "b2", at(2026, 5, 1, 10, 26), 31, &res, true);
	assert_int_equal(res.d[0].event, NFTC_EV_RESTORE);
	assert_int_equal(res.d[0].bytes, 150);
	assert_false(res.restamp);
	nftc_sample_result_release(&res);
	take_gen(s, 30, 25, 8, 1900, "b2", at(2026, 5, 1, 10, 27), 32, &res, true);
	assert_int_equal(res.d[0].event, NFTC_EV_NONE);
	assert_int_equal(res.d[0].bytes, 50);
	nftc_sample_result_release(&res);

	/* nft reset counters: the generation reads 0, everything is new. */
	take_gen(s, 0, 0, 8, 4000, "b2", at(2026, 5, 1, 10, 30), 28, &res, true);
	assert_int_equal(res.d[0].event, NFTC_EV_RESET);
	assert_int_equal(res.d[0].bytes, 4000);
	assert_true(res.restamp);
	assert_int_equal(res.gen_id, 28);
	assert_int_equal(res.gen_parent, 0);
	nftc_sample_result_release(&res);
	take_gen(s, 28, 0, 8, 4100, "b2", at(2026, 5, 1, 10, 35), 29, &res, true);
	assert_int_equal(res.d[0].bytes, 100);
	nftc_sample_result_release(&res);
	assert_int_equal(total(s, "web", "nft", d, true), 1500 + 100 + 200 + 150 + 50 + 4000 + 100);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(delta_is_the_difference_on_the_same_boot_and_table),
	    cmocka_unit_test(reboot_reload_and_decrease_count_from_zero),
	    cmocka_unit_test(first_sight_counts_nft_but_only_baselines_interfaces),
	    cmocka_unit_test(a_32_bit_counter_wraps),
	    cmocka_unit_test(a_delta_over_midnight_is_split_in_proportion),
	    cmocka_unit_test(days_follow_the_time_zone),
	    cmocka_unit_test(samples_store_deltas_state_and_coverage),
	    cmocka_unit_test(the_same_readings_twice_add_nothing),
	    cmocka_unit_test(a_restored_or_reset_table_is_told_apart_by_its_generation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
