/*
 * Golden bills of the DigitalOcean, AWS Lightsail and Akamai/Linode tables
 * (providers/digitalocean.csv, lightsail.csv, linode.csv), each worked by
 * hand in its comment from the table's own figures: the allowance edge, one
 * byte over it, a large month, a pooled allowance with count = N, and a
 * bill with VAT or in another currency.  All three pool the allowance over
 * the servers (count = N adds N allowances); all three overage rules are
 * prorated (rounding none), so a part of a unit is billed, rounded up to a
 * micro-unit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/date.h"
#include "util/num.h"
#include "pricing/quote.h"

#include "fixture.h"

/*
 * The exact (unrounded) bill of egress bytes on the one plan of
 * provider/plan/region in May 2026 (31 days, a whole month of every hourly
 * plan is its monthly price); config, when not NULL, is a config text
 * (count = N).
 */
static void bill(const char *provider, const char *plan, const char *region, const char *config,
                 uint64_t egress, struct pricing_bill *b)
{
	struct fixture_sel s = {.provider = provider,
	                        .plan = plan,
	                        .region = region,
	                        .month = "2026-05",
	                        .config = config};

	fixture_bill(&s, 0, egress, b);
}

/* The invoice of that plan: report currency cur (NULL: USD), a rate, VAT. */
static void invoice(const char *provider, const char *plan, const char *region, const char *cur,
                    const char *rate, const char *vat, uint64_t egress, struct pricing_bill *b)
{
	struct fixture_sel s = {.provider = provider,
	                        .plan = plan,
	                        .region = region,
	                        .month = "2026-05",
	                        .currency = cur,
	                        .rate = rate,
	                        .vat = vat};

	fixture_bill(&s, FIXTURE_INVOICE, egress, b);
}

/* --- DigitalOcean: s-1vcpu-2gb, $12, 2,000 GiB pooled, $0.01 per GiB ---- */

static void digitalocean_allowance_edge_and_one_byte_over(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 2,000 GiB = 2,147,483,648,000 B: all included, $12 for the Droplet. */
	bill("digitalocean", "s-1vcpu-2gb", NULL, NULL, 2000 * GiB, &b);
	assert_int_equal(b.included_bytes, 2000 * GiB);
	expect("edge egress", b.egress, 0);
	expect("edge total", b.total, USD(12));
	/* One byte more: $0.01 / 1,073,741,824 = $0.0000000000093, prorated,
	 * rounded up to one micro-unit. */
	bill("digitalocean", "s-1vcpu-2gb", NULL, NULL, 2000 * GiB + 1, &b);
	assert_int_equal(b.billable_bytes, 1);
	expect("one byte over", b.egress, 1);
	expect("total", b.total, USD(12) + 1);
}

static void digitalocean_30_tb_month(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 30e12 - 2,147,483,648,000 = 27,852,516,352,000 B over
	 * = 25,939.677238... GiB x $0.01 = $259.3967723... -> 259.396773. */
	bill("digitalocean", "s-1vcpu-2gb", NULL, NULL, 30 * TB, &b);
	assert_int_equal(b.billable_bytes, 27852516352000ULL);
	expect("egress", b.egress, 259396773);
	expect("total", b.total, 12000000 + 259396773);
}

static void digitalocean_pool_adds_the_droplets_allowances(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* Three Droplets, one sending everything: the team pool is 3 x 2,000 =
	 * 6,000 GiB; 7,000 GiB leaves 1,000 GiB x $0.01 = $10; compute 3 x $12. */
	bill("digitalocean", "s-1vcpu-2gb", NULL, "[provider digitalocean]\ncount = 3\n",
	     7000 * GiB, &b);
	assert_int_equal(b.included_bytes, 6000 * GiB);
	expect("pooled egress", b.egress, USD(10));
	expect("compute", b.compute, USD(36));
	expect("total", b.total, USD(46));
	/* One Droplet: 5,000 GiB over = $50. */
	bill("digitalocean", "s-1vcpu-2gb", NULL, NULL, 7000 * GiB, &b);
	expect("one droplet", b.egress, USD(50));
}

static void digitalocean_vat_on_the_rounded_lines(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 30 TB: 12.00 + 259.396773 -> 259.40 = 271.40 net; VAT 19% = 51.566
	 * -> 51.57; total 322.97. */
	invoice("digitalocean", "s-1vcpu-2gb", NULL, NULL, NULL, "19", 30 * TB, &b);
	expect("egress line", b.egress, USD(259.40));
	expect("vat", b.vat, USD(51.57));
	expect("total", b.total, USD(322.97));
}

/* --- Lightsail: small_3_0, $12, 3,072 GB per bundle and region ------- */

static void lightsail_allowance_edge_and_one_byte_over(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 3,072 GB = 3,072,000,000,000 B in us-eu-ca: nothing over. */
	bill("lightsail", "small_3_0", "us-eu-ca", NULL, 3072 * GB, &b);
	assert_int_equal(b.included_bytes, 3072 * GB);
	expect("edge egress", b.egress, 0);
	expect("edge total", b.total, USD(12));
	/* One byte: $0.09 / 10^9 = $0.00000000009 -> one micro-unit. */
	bill("lightsail", "small_3_0", "us-eu-ca", NULL, 3072 * GB + 1, &b);
	expect("one byte over", b.egress, 1);
}

static void lightsail_large_months_by_region(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 30 TB in us-eu-ca: 30,000 - 3,072 = 26,928 GB x $0.09 = $2,423.52. */
	bill("lightsail", "small_3_0", "us-eu-ca", NULL, 30 * TB, &b);
	expect("30 TB us", b.egress, USD(2423.52));
	expect("total", b.total, USD(2435.52));
	/* 1.3 TB on nano_3_0 in Sydney: 1,300 - 1,024 = 276 GB x $0.17 = $46.92. */
	bill("lightsail", "nano_3_0", "sydney", NULL, 13 * TB / 10, &b);
	expect("1.3 TB sydney", b.egress, USD(46.92));
	expect("nano", b.compute, USD(5));
}

static void lightsail_pool_per_bundle(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* Two small_3_0 in Singapore: 2 x 3,072 = 6,144 GB pooled; 7 TB leaves
	 * 856 GB x $0.12 = $102.72; compute 2 x $12 = $24. */
	bill("lightsail", "small_3_0", "singapore", "[provider lightsail]\ncount = 2\n", 7 * TB,
	     &b);
	assert_int_equal(b.included_bytes, 6144 * GB);
	expect("pooled egress", b.egress, USD(102.72));
	expect("compute", b.compute, USD(24));
	/* One: 3,928 GB x $0.12 = $471.36. */
	bill("lightsail", "small_3_0", "singapore", NULL, 7 * TB, &b);
	expect("one instance", b.egress, USD(471.36));
}

static void lightsail_in_euros_with_vat(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* small_3_0 in Sydney, 3.5 TB: 428 GB x $0.17 = $72.76; at EUR 0.92 per
	 * USD: 12.00 -> 11.04 and 72.76 -> 66.9392 -> 66.94, net 77.98; VAT 20%
	 * = 15.596 -> 15.60; total EUR 93.58. */
	invoice("lightsail", "small_3_0", "sydney", "EUR", "USD=0.92", "20", 35 * TB / 10, &b);
	assert_string_equal(b.currency, "EUR");
	expect("compute", b.compute, USD(11.04));
	expect("egress", b.egress, USD(66.94));
	expect("vat", b.vat, USD(15.60));
	expect("total", b.total, USD(93.58));
}

/* --- Lightsail: the $24 and larger bundles (4 to 8 TB, as 1,024 GB a TB) */

static void lightsail_medium_allowance_edge_and_one_byte_over(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* medium_3_0, $24, 4 TB = 4,096 GB: the edge is free. */
	bill("lightsail", "medium_3_0", "us-eu-ca", NULL, 4096 * GB, &b);
	assert_int_equal(b.included_bytes, 4096 * GB);
	expect("edge egress", b.egress, 0);
	expect("edge total", b.total, USD(24));
	/* One byte over: $0.09 / 10^9 -> one micro-unit. */
	bill("lightsail", "medium_3_0", "us-eu-ca", NULL, 4096 * GB + 1, &b);
	expect("one byte over", b.egress, 1);
}

static void lightsail_large_bundles_large_months(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* medium_3_0, 30 TB in the US: 25,904 GB x $0.09 = $2,331.36; total
	 * $2,355.36. */
	bill("lightsail", "medium_3_0", "us-eu-ca", NULL, 30 * TB, &b);
	expect("medium 30 TB", b.egress, USD(2331.36));
	expect("medium total", b.total, USD(2355.36));
	/* large_3_0 ($44, 5,120 GB) in Sydney, 10 TB: 4,880 GB x $0.17 =
	 * $829.60; total $873.60. */
	bill("lightsail", "large_3_0", "sydney", NULL, 10 * TB, &b);
	expect("large sydney", b.egress, USD(829.60));
	expect("large total", b.total, USD(873.60));
	/* 4xlarge_3_0 ($384, 8,192 GB) in Tokyo, 1.3 TB: inside; $384. */
	bill("lightsail", "4xlarge_3_0", "tokyo", NULL, 13 * TB / 10, &b);
	expect("4xlarge egress", b.egress, 0);
	expect("4xlarge total", b.total, USD(384));
	/* Two xlarge_3_0 ($84, 6,144 GB each) pool 12,288 GB: 13 TB leaves
	 * 712 GB x $0.12 (Singapore) = $85.44; compute $168. */
	bill("lightsail", "xlarge_3_0", "singapore", "[provider lightsail]\ncount = 2\n", 13 * TB,
	     &b);
	assert_int_equal(b.included_bytes, 12288 * GB);
	expect("pooled", b.egress, USD(85.44));
	expect("two xlarge", b.compute, USD(168));
}

static void lightsail_medium_in_euros_with_vat(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* medium_3_0, 30 TB in the US at EUR 0.92 per USD: 24.00 -> 22.08 and
	 * 2,331.36 -> 2,144.8512 -> 2,144.85, net 2,166.93; VAT 20% = 433.386
	 * -> 433.39; total EUR 2,600.32. */
	invoice("lightsail", "medium_3_0", "us-eu-ca", "EUR", "USD=0.92", "20", 30 * TB, &b);
	assert_string_equal(b.currency, "EUR");
	expect("compute", b.compute, USD(22.08));
	expect("egress", b.egress, USD(2144.85));
	expect("vat", b.vat, USD(433.39));
	expect("total", b.total, USD(2600.32));
}

/* --- Linode: g6-standard-2, $24, 4 TB pooled, $0.005 per GB ------------ */

static void linode_allowance_edge_and_one_byte_over(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("linode", "g6-standard-2", NULL, NULL, 4 * TB, &b);
	expect("edge egress", b.egress, 0);
	expect("edge total", b.total, USD(24));
	/* $0.005 / 10^9 per byte -> one micro-unit. */
	bill("linode", "g6-standard-2", NULL, NULL, 4 * TB + 1, &b);
	expect("one byte over", b.egress, 1);
}

static void linode_large_months(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 30 TB: 26,000 GB x $0.005 = $130; total $154. */
	bill("linode", "g6-standard-2", NULL, NULL, 30 * TB, &b);
	expect("30 TB", b.egress, USD(130));
	expect("total", b.total, USD(154));
	/* 1.3 TB on the 2 GB Linode is inside its 2,000 GB. */
	bill("linode", "g6-standard-1", NULL, NULL, 13 * TB / 10, &b);
	expect("1.3 TB", b.egress, 0);
	expect("2 GB Linode", b.total, USD(12));
	/* The dedicated 4 GB: the same 4 TB, $36. */
	bill("linode", "g6-dedicated-2", NULL, NULL, 30 * TB, &b);
	expect("dedicated", b.total, USD(166));
}

static void linode_pool_adds_the_linodes_allowances(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* Three 4 GB Linodes: 12 TB pooled; 13 TB leaves 1,000 GB x $0.005 = $5;
	 * compute $72. One Linode: 9,000 GB x $0.005 = $45. */
	bill("linode", "g6-standard-2", NULL, "[provider linode]\ncount = 3\n", 13 * TB, &b);
	assert_int_equal(b.included_bytes, 12 * TB);
	expect("pooled", b.egress, USD(5));
	expect("compute", b.compute, USD(72));
	bill("linode", "g6-standard-2", NULL, NULL, 13 * TB, &b);
	expect("one linode", b.egress, USD(45));
}

static void linode_vat(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 30 TB: 24.00 + 130.00 = 154.00; VAT 21% = 32.34; total 186.34. */
	invoice("linode", "g6-standard-2", NULL, NULL, NULL, "21", 30 * TB, &b);
	expect("vat", b.vat, USD(32.34));
	expect("total", b.total, USD(186.34));
}

/* --- Linode: g6-nanode-1 (Nanode 1GB), $5, 1 TB pooled, $0.005 per GB --- */

static void linode_nanode_allowance_edge_and_one_byte_over(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 1 TB = 10^12 bytes is inside the Nanode's 1 TB: $5 in all. */
	bill("linode", "g6-nanode-1", NULL, NULL, TB, &b);
	assert_int_equal(b.included_bytes, TB);
	expect("edge egress", b.egress, 0);
	expect("edge total", b.total, USD(5));
	/* One byte over: $0.005 / 10^9 = $0.000000000005, rounded up to one
	 * micro-unit. */
	bill("linode", "g6-nanode-1", NULL, NULL, TB + 1, &b);
	expect("one byte over", b.egress, 1);
}

static void linode_nanode_large_months(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 1.3 TB: 300 GB x $0.005 = $1.50; total $6.50. */
	bill("linode", "g6-nanode-1", NULL, NULL, 13 * TB / 10, &b);
	expect("1.3 TB", b.egress, USD(1.50));
	expect("1.3 TB total", b.total, USD(6.50));
	/* 30 TB: 29,000 GB x $0.005 = $145; total $150. */
	bill("linode", "g6-nanode-1", NULL, NULL, 30 * TB, &b);
	expect("30 TB", b.egress, USD(145));
	expect("30 TB total", b.total, USD(150));
	/* Three Nanodes pool 3 TB: 13 TB leaves 10,000 GB = $50; compute $15. */
	bill("linode", "g6-nanode-1", NULL, "[provider linode]\ncount = 3\n", 13 * TB, &b);
	assert_int_equal(b.included_bytes, 3 * TB);
	expect("pooled", b.egress, USD(50));
	expect("three nanodes", b.compute, USD(15));
}

static void linode_nanode_in_euros_with_vat(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* 30 TB at USD 1 = EUR 0.92 (report in EUR): compute 5 x 0.92 = 4.60,
	 * egress 145 x 0.92 = 133.40; net 138.00; VAT 21% = 28.98; total
	 * 166.98. */
	invoice("linode", "g6-nanode-1", NULL, "EUR", "USD=0.92", "21", 30 * TB, &b);
	assert_string_equal(b.currency, "EUR");
	expect("compute", b.compute, USD(4.60));
	expect("egress", b.egress, USD(133.40));
	expect("vat", b.vat, USD(28.98));
	expect("total", b.total, USD(166.98));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(digitalocean_allowance_edge_and_one_byte_over),
	    cmocka_unit_test(digitalocean_30_tb_month),
	    cmocka_unit_test(digitalocean_pool_adds_the_droplets_allowances),
	    cmocka_unit_test(digitalocean_vat_on_the_rounded_lines),
	    cmocka_unit_test(lightsail_allowance_edge_and_one_byte_over),
	    cmocka_unit_test(lightsail_large_months_by_region),
	    cmocka_unit_test(lightsail_pool_per_bundle),
	    cmocka_unit_test(lightsail_in_euros_with_vat),
	    cmocka_unit_test(lightsail_medium_allowance_edge_and_one_byte_over),
	    cmocka_unit_test(lightsail_large_bundles_large_months),
	    cmocka_unit_test(lightsail_medium_in_euros_with_vat),
	    cmocka_unit_test(linode_allowance_edge_and_one_byte_over),
	    cmocka_unit_test(linode_large_months),
	    cmocka_unit_test(linode_pool_adds_the_linodes_allowances),
	    cmocka_unit_test(linode_vat),
	    cmocka_unit_test(linode_nanode_allowance_edge_and_one_byte_over),
	    cmocka_unit_test(linode_nanode_large_months),
	    cmocka_unit_test(linode_nanode_in_euros_with_vat),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
