/*
 * Golden bills of the usage-priced and VPS providers added by issue 13
 * item 10: railway, vercel, cloudflare and ovh.  Every figure is worked by
 * hand in the comment above it from the rows of the shipped tables in
 * $SRCDIR/providers (see each table's source column).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/num.h"
#include "pricing/pricing.h"
#include "pricing/quote.h"

#include "fixture.h"

/* The one plan of provider/plan in month, with an optional need. */
static struct pricing_plan *plan_of(const char *provider, const char *plan, const char *region,
                                    const char *month, const char *need)
{
	struct fixture_sel s = {
	    .provider = provider, .plan = plan, .region = region, .month = month, .need = need};

	return fixture_plan(&s, 0, NULL);
}

/* The exact (unrounded) bill of egress bytes on provider/plan in month. */
static void bill(const char *provider, const char *plan, const char *region, const char *month,
                 uint64_t egress, struct pricing_bill *b)
{
	struct fixture_sel s = {
	    .provider = provider, .plan = plan, .region = region, .month = month};

	fixture_bill(&s, 0, egress, b);
}

/* --- railway: $0.05 per GiB, prorated, nothing included ---------------- */

/* Nothing is included: 0 B is free, exactly 1 GiB is $0.05. */
static void railway_edge_is_one_gib_for_five_cents(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("railway", "hobby", NULL, "2026-11", 0, &b);
	expect("0 B", b.total, 0);
	bill("railway", "hobby", NULL, "2026-11", GiB, &b);
	expect("1 GiB", b.egress, USD(0.05));
	assert_int_equal(b.included_bytes, 0);
}

/* One byte over 1 GiB: 0.05 x (2^30 + 1) / 2^30 = 0.05000000004657, rounded
 * up to the micro-unit: 0.050001 (prorated, not a started block). */
static void railway_one_byte_over_a_gib(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("railway", "pro", NULL, "2026-11", GiB + 1, &b);
	expect("egress", b.egress, 50001);
}

/* 1.3 TB = 1.3e12 / 2^30 = 1210.719347 GiB x 0.05 = 60.535967350 -> 60.535968;
 * 30 TB = 27939.677238 GiB x 0.05 = 1396.983861923 -> 1396.983862. */
static void railway_large_months(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("railway", "hobby", NULL, "2026-11", 13 * TB / 10, &b);
	expect("1.3 TB", b.egress, 60535968);
	expect("1.3 TB total", b.total, 60535968);
	bill("railway", "pro", NULL, "2026-11", 30 * TB, &b);
	expect("30 TB", b.egress, 1396983862);
}

/* A service using 1 vCPU and 1 GB all of November 2026 (720 h) on the
 * 1vcpu-1gb row at 0.04164/h = 29.9808, 29.98 on the invoice; egress 1.3 TB
 * 60.54; net 90.52 USD.  Reported in EUR at USD=0.92, line by line:
 * 29.98 x 0.92 = 27.5816 -> 27.58, 60.54 x 0.92 = 55.6968 -> 55.70; net 83.28;
 * VAT 20% 16.656 -> 16.66; total 99.94 EUR. */
static void railway_service_in_eur_with_vat(void **state)
{
	struct pricing_plan *p = plan_of("railway", "hobby", NULL, "2026-11", "1x1cpu/1GB");
	struct pricing_money m;
	struct pricing_bill b;
	struct err e;
	bool conv;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_money_currency(&m, "EUR", &e), 0);
	assert_int_equal(pricing_money_add_rate(&m, "USD=0.92", &e), 0);
	assert_int_equal(pricing_money_vat(&m, "20", &e), 0);
	assert_int_equal(pricing_money_bill(&m, p, 13 * TB / 10, &b, &conv, &e), 0);
	assert_true(conv);
	assert_string_equal(b.currency, "EUR");
	expect("compute", b.compute, USD(27.58));
	expect("egress", b.egress, USD(55.70));
	expect("vat", b.vat, USD(16.66));
	expect("total", b.total, USD(99.94));
	free(p);
}

/* --- vercel pro: $20 a seat, 1 TB included, $0.15 per GB prorated ------- */

/* Exactly 1 TB is included: the bill is the seat, $20. */
static void vercel_pro_allowance_edge(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("vercel", "pro", NULL, "2026-11", TB, &b);
	expect("egress", b.egress, 0);
	expect("seats", b.seats, USD(20));
	expect("total", b.total, USD(20));
	assert_int_equal(b.included_bytes, TB);
}

/* One byte over: 0.15 x 1 / 10^9 = 0.00000000015, rounded up to 0.000001. */
static void vercel_pro_one_byte_over(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("vercel", "pro", NULL, "2026-11", TB + 1, &b);
	expect("egress", b.egress, 1);
	assert_int_equal(b.billable_bytes, 1);
}

/* 1.3 TB: 300 GB x 0.15 = 45, total 65; 30 TB: 29,000 GB x 0.15 = 4,350,
 * total 4,370. */
static void vercel_pro_large_months(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("vercel", "pro", NULL, "2026-11", 13 * TB / 10, &b);
	expect("1.3 TB", b.egress, USD(45));
	expect("1.3 TB total", b.total, USD(65));
	bill("vercel", "pro", NULL, "2026-11", 30 * TB, &b);
	expect("30 TB", b.egress, USD(4350));
	expect("30 TB total", b.total, USD(4370));
}

/* 1.3 TB for a team of 3, in EUR at USD=0.92 with 21% VAT: seats 3 x 20 =
 * 60.00 -> 55.20; egress 45.00 -> 41.40; net 96.60; VAT 20.286 -> 20.29;
 * total 116.89 EUR. */
static void vercel_pro_team_in_eur_with_vat(void **state)
{
	struct pricing_select s;
	struct pricing_plan *p = NULL;
	struct pricing_money m;
	struct pricing_bill b;
	struct err e;
	size_t n = 0;
	bool conv;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(date_parse_month("2026-11", &s.month, NULL, &e), 0);
	s.provider = "vercel";
	s.plan = "pro";
	s.seats = 3;
	assert_int_equal(pricing_select(tables, &s, &p, &n, &e), 0);
	assert_int_equal(n, 1);
	pricing_money_init(&m);
	assert_int_equal(pricing_money_currency(&m, "EUR", &e), 0);
	assert_int_equal(pricing_money_add_rate(&m, "USD=0.92", &e), 0);
	assert_int_equal(pricing_money_vat(&m, "21", &e), 0);
	assert_int_equal(pricing_money_bill(&m, p, 13 * TB / 10, &b, &conv, &e), 0);
	expect("seats", b.seats, USD(55.20));
	expect("egress", b.egress, USD(41.40));
	expect("vat", b.vat, USD(20.29));
	expect("total", b.total, USD(116.89));
	free(p);
}

/* Before the 2024 pricing (bills from 2024-06-25) the table has no Pro row. */
static void vercel_pro_starts_in_june_2024(void **state)
{
	struct pricing_select s;
	struct pricing_plan *p = NULL;
	struct err e;
	size_t n = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(date_parse_month("2024-05", &s.month, NULL, &e), 0);
	s.provider = "vercel";
	assert_int_equal(pricing_select(tables, &s, &p, &n, &e), -1);
	free(p);
}

/* --- cloudflare: Workers egress unbilled; Containers by zone ------------- */

/* Workers Paid: $5 whatever leaves, 30 TB included. */
static void cloudflare_workers_egress_is_not_billed(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("cloudflare", "workers-paid", NULL, "2026-11", 30 * TB, &b);
	assert_true(b.unlimited);
	expect("egress", b.egress, 0);
	expect("total", b.total, USD(5));
}

/* Containers, North America & Europe: 1 TB included, so 1 TB is the $5 plan;
 * one byte over is 0.025 / 10^9, rounded up to 0.000001. */
static void cloudflare_containers_allowance_edge(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("cloudflare", "containers", "na-eu", "2026-11", TB, &b);
	expect("egress", b.egress, 0);
	expect("total", b.total, USD(5));
	bill("cloudflare", "containers", "na-eu", "2026-11", TB + 1, &b);
	expect("one byte over", b.egress, 1);
	assert_int_equal(b.billable_bytes, 1);
}

/* 1.3 TB: 300 GB x 0.025 = 7.50, total 12.50; 30 TB: 29,000 GB x 0.025 =
 * 725, total 730. */
static void cloudflare_containers_large_months(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("cloudflare", "containers", "na-eu", "2026-11", 13 * TB / 10, &b);
	expect("1.3 TB", b.egress, USD(7.50));
	expect("1.3 TB total", b.total, USD(12.50));
	bill("cloudflare", "containers", "na-eu", "2026-11", 30 * TB, &b);
	expect("30 TB", b.egress, USD(725));
	expect("30 TB total", b.total, USD(730));
}

/* Oceania, Korea, Taiwan: 500 GB included, $0.05 beyond.  1.3 TB: 800 GB x
 * 0.05 = 40, net 45 USD; in EUR at USD=0.92: base 4.60, egress 36.80, net
 * 41.40; VAT 19% 7.866 -> 7.87; total 49.27 EUR. */
static void cloudflare_containers_oceania_in_eur_with_vat(void **state)
{
	struct pricing_plan *p = plan_of("cloudflare", "containers", "oc-kr-tw", "2026-11", NULL);
	struct pricing_money m;
	struct pricing_bill b;
	struct err e;
	bool conv;

	(void)state;
	assert_int_equal(pricing_bill(p, 13 * TB / 10, &b, &e), 0);
	expect("usd egress", b.egress, USD(40));
	assert_int_equal(b.included_bytes, 500 * GB);
	pricing_money_init(&m);
	assert_int_equal(pricing_money_currency(&m, "EUR", &e), 0);
	assert_int_equal(pricing_money_add_rate(&m, "USD=0.92", &e), 0);
	assert_int_equal(pricing_money_vat(&m, "19", &e), 0);
	assert_int_equal(pricing_money_bill(&m, p, 13 * TB / 10, &b, &conv, &e), 0);
	expect("base", b.base, USD(4.60));
	expect("egress", b.egress, USD(36.80));
	expect("vat", b.vat, USD(7.87));
	expect("total", b.total, USD(49.27));
	free(p);
}

/* A service on 1 vCPU / 1 GB is met by standard-2 (1 vCPU, 6 GiB, 12 GB):
 * 0.00003584/s x 2,592,000 s (November) = 92.89728 -> 92.90 with the $5
 * plan and 1.3 TB (7.50): 105.40. */
static void cloudflare_container_service(void **state)
{
	struct pricing_plan *p = plan_of("cloudflare", "containers", NULL, "2026-11", "1x1cpu/1GB");
	struct pricing_money m;
	struct pricing_bill b;
	struct err e;
	bool conv;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_money_bill(&m, p, 13 * TB / 10, &b, &conv, &e), 0);
	expect("compute", b.compute, USD(92.90));
	expect("total", b.total, USD(105.40));
	free(p);
}

/* --- ovh public cloud: EUR, egress included except in Asia-Pacific ------- */

/* Europe / North America: outbound traffic included, 30 TB costs nothing;
 * Asia-Pacific: exactly 1 TB is the included project allowance. */
static void ovh_allowance_edges(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("ovh", "public-cloud", "eu-na", "2026-11", 30 * TB, &b);
	assert_true(b.unlimited);
	expect("eu-na 30 TB", b.total, 0);
	bill("ovh", "public-cloud", "apac", "2026-11", TB, &b);
	expect("apac 1 TB", b.egress, 0);
	assert_int_equal(b.included_bytes, TB);
	assert_string_equal(b.currency, "EUR");
}

/* One byte over 1 TB in Asia-Pacific: one started GB at EUR 0.01. */
static void ovh_apac_one_byte_over(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("ovh", "public-cloud", "apac", "2026-11", TB + 1, &b);
	expect("egress", b.egress, USD(0.01));
	assert_int_equal(b.billable_bytes, 1);
}

/* Asia-Pacific 1.3 TB: 300 GB x 0.01 = EUR 3.00; 30 TB: 29,000 GB x 0.01 =
 * EUR 290.00. */
static void ovh_apac_large_months(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("ovh", "public-cloud", "apac", "2026-11", 13 * TB / 10, &b);
	expect("1.3 TB", b.egress, USD(3));
	bill("ovh", "public-cloud", "apac", "2026-11", 30 * TB, &b);
	expect("30 TB", b.egress, USD(290));
}

/* A 2 vCPU / 4 GB server in Europe is met by b2-7 (EUR 24.20 a month); at
 * 30 TB, in USD at EUR=1.08 with French VAT 20%: 24.20 x 1.08 = 26.136 ->
 * 26.14; VAT 5.228 -> 5.23; total USD 31.37. */
static void ovh_b2_7_in_usd_with_vat(void **state)
{
	struct pricing_plan *p = plan_of("ovh", "public-cloud", "eu-na", "2026-11", "1x2cpu/4GB");
	struct pricing_money m;
	struct pricing_bill b;
	struct err e;
	bool conv;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_money_add_rate(&m, "EUR=1.08", &e), 0);
	assert_int_equal(pricing_money_vat(&m, "20", &e), 0);
	assert_int_equal(pricing_money_bill(&m, p, 30 * TB, &b, &conv, &e), 0);
	assert_true(conv);
	assert_string_equal(b.currency, "USD");
	expect("compute", b.compute, USD(26.14));
	expect("egress", b.egress, 0);
	expect("vat", b.vat, USD(5.23));
	expect("total", b.total, USD(31.37));
	free(p);
}

/* The same server in Asia-Pacific at 1.3 TB, left in EUR with VAT 21%:
 * 24.20 + 3.00 = 27.20; VAT 5.712 -> 5.71; total EUR 32.91. */
static void ovh_apac_server_in_eur_with_vat(void **state)
{
	struct pricing_plan *p = plan_of("ovh", "public-cloud", "apac", "2026-11", "1x2cpu/4GB");
	struct pricing_money m;
	struct pricing_bill b;
	struct err e;
	bool conv;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_money_currency(&m, "EUR", &e), 0);
	assert_int_equal(pricing_money_vat(&m, "21", &e), 0);
	assert_int_equal(pricing_money_bill(&m, p, 13 * TB / 10, &b, &conv, &e), 0);
	assert_true(conv);
	assert_string_equal(b.currency, "EUR");
	expect("compute", b.compute, USD(24.20));
	expect("egress", b.egress, USD(3));
	expect("vat", b.vat, USD(5.71));
	expect("total", b.total, USD(32.91));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(railway_edge_is_one_gib_for_five_cents),
	    cmocka_unit_test(railway_one_byte_over_a_gib),
	    cmocka_unit_test(railway_large_months),
	    cmocka_unit_test(railway_service_in_eur_with_vat),
	    cmocka_unit_test(vercel_pro_allowance_edge),
	    cmocka_unit_test(vercel_pro_one_byte_over),
	    cmocka_unit_test(vercel_pro_large_months),
	    cmocka_unit_test(vercel_pro_team_in_eur_with_vat),
	    cmocka_unit_test(vercel_pro_starts_in_june_2024),
	    cmocka_unit_test(cloudflare_workers_egress_is_not_billed),
	    cmocka_unit_test(cloudflare_containers_allowance_edge),
	    cmocka_unit_test(cloudflare_containers_large_months),
	    cmocka_unit_test(cloudflare_containers_oceania_in_eur_with_vat),
	    cmocka_unit_test(cloudflare_container_service),
	    cmocka_unit_test(ovh_allowance_edges),
	    cmocka_unit_test(ovh_apac_one_byte_over),
	    cmocka_unit_test(ovh_apac_large_months),
	    cmocka_unit_test(ovh_b2_7_in_usd_with_vat),
	    cmocka_unit_test(ovh_apac_server_in_eur_with_vat),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
