/*
 * Golden bills of Fly.io by region (providers/fly.csv), each worked by hand
 * in its comment from the table's figures: a Machine region (ams, sin, bom,
 * jnb) has its own Machine prices from 2024-11-01 and the egress rate of
 * its region group (na-eu $0.02, apac-oc-sa $0.04, africa-india $0.12 per
 * GB, prorated); iad, ewr and the groups themselves keep the rows without a
 * region, so a config saying `region = na-eu` is billed as before.  May 2026
 * has 31 days: 2,678,400 s; a price per 30 days is prorated by 31/30.
 * Private traffic to other regions is billed at the group's private rate.
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
 * provider's bill (its only plan, or fly's payg) in month (YYYY-MM) for a
 * config text (NULL: none) and a --region (NULL: the config's, else
 * na-eu) of egress bytes of which private_bytes are private traffic to
 * other regions; round: as the invoice (lines to cents).
 */
static void bill_private(const char *provider, const char *month, const char *region,
                         const char *config, uint64_t egress, uint64_t private_bytes,
                         struct pricing_bill *b, bool round)
{
	struct fixture_sel s = {.provider = provider,
	                        .plan = strcmp(provider, "fly") == 0 ? "payg" : NULL,
	                        .month = month,
	                        .region = region,
	                        .config = config,
	                        .private_bytes = private_bytes};

	fixture_bill(&s, round ? FIXTURE_ROUND : 0, egress, b);
}

/* The fly/payg plan, billed for egress bytes as bill_private. */
static void fly_bill(const char *month, const char *region, const char *config, uint64_t egress,
                     struct pricing_bill *b)
{
	bill_private("fly", month, region, config, egress, 0, b, false);
}

/* Fly's bill in May 2026 as the invoice is (lines to cents, then the sum). */
static void fly_invoice(const char *region, const char *config, uint64_t egress,
                        struct pricing_bill *b)
{
	struct fixture_sel s = {
	    .provider = "fly", .month = "2026-05", .region = region, .config = config};

	fixture_bill(&s, FIXTURE_INVOICE, egress, b);
}

static void ams_machines_and_na_eu_egress(void **state)
{
	const char *cfg = "[provider fly]\nregion = ams\n"
	                  "instances = shared-cpu-1x-256mb, performance-2x-4gb\n";
	struct pricing_bill b;
	(void)state;
	/* shared-cpu-1x 256MB in ams: $0.00000078/s x 2,678,400 s = $2.089152;
	 * performance-2x 4GB in ams: $64.39 per 30 days x 31/30 = $66.5363333...
	 * -> 66.536334 (rounded up to a micro-unit).  Compute 68.625486.
	 * 250 GB leave at ams's group rate, na-eu $0.02: $5.00. */
	fly_bill("2026-05", NULL, cfg, 250 * GB, &b);
	expect("compute", b.compute, 2089152 + 66536334);
	expect("egress", b.egress, USD(5));
	expect("total", b.total, 68625486 + 5000000);
	/* The invoice: 68.625486 -> 68.63, 5.00; total 73.63. */
	fly_invoice(NULL, cfg, 250 * GB, &b);
	expect("compute line", b.compute, USD(68.63));
	expect("invoice total", b.total, USD(73.63));
}

static void na_eu_config_is_billed_as_before(void **state)
{
	const char *cfg = "[provider fly]\nregion = na-eu\n"
	                  "instances = shared-cpu-1x-256mb, performance-2x-4gb\n";
	struct pricing_bill b;
	(void)state;
	/* The iad rows: $0.00000075/s x 2,678,400 = $2.0088; $62.00 per 30
	 * days x 31/30 = $64.0666666... -> 64.066667; 250 GB x $0.02 = $5. */
	fly_bill("2026-05", NULL, cfg, 250 * GB, &b);
	expect("compute", b.compute, 2008800 + 64066667);
	expect("egress", b.egress, USD(5));
	expect("total", b.total, 2008800 + 64066667 + 5000000);
	/* iad and ewr have no rows of their own: the same bill. */
	fly_bill("2026-05", "iad", cfg, 250 * GB, &b);
	expect("iad", b.total, 2008800 + 64066667 + 5000000);
	fly_bill("2026-05", "ewr", cfg, 250 * GB, &b);
	expect("ewr", b.total, 2008800 + 64066667 + 5000000);
}

static void sin_machine_and_apac_egress(void **state)
{
	const char *cfg = "[provider fly]\nregion = sin\ninstances = shared-cpu-2x-1gb\n";
	struct pricing_bill b;
	(void)state;
	/* shared-cpu-2x 1GB in sin: $8.11 per 30 days x 31/30 = $8.3803333...
	 * -> 8.380334.  1.3 TB at apac-oc-sa's $0.04 per GB: 1,300 x 0.04 =
	 * $52.00.  Total 60.380334. */
	fly_bill("2026-05", NULL, cfg, 1300 * GB, &b);
	expect("compute", b.compute, 8380334);
	expect("egress", b.egress, USD(52));
	expect("total", b.total, 8380334 + 52000000);
	/* --region syd over the config's sin: syd has the same table as sin
	 * and is in the same group. */
	fly_bill("2026-05", "syd", cfg, 1300 * GB, &b);
	expect("syd", b.total, 8380334 + 52000000);
}

static void bom_machine_and_africa_india_egress_one_byte_over(void **state)
{
	const char *cfg = "[provider fly]\nregion = bom\ninstances = shared-cpu-1x-1gb\n";
	struct pricing_bill b;
	(void)state;
	/* shared-cpu-1x 1GB in bom: $0.00000237/s x 2,678,400 = $6.347808.
	 * 500 GB at africa-india's $0.12: $60.00. */
	fly_bill("2026-05", NULL, cfg, 500 * GB, &b);
	expect("compute", b.compute, 6347808);
	expect("egress", b.egress, USD(60));
	expect("total", b.total, 6347808 + 60000000);
	/* One byte more: $0.12 / 10^9, prorated, rounds up to one micro-unit. */
	fly_bill("2026-05", NULL, cfg, 500 * GB + 1, &b);
	expect("one byte over", b.egress, USD(60) + 1);
}

static void jnb_need_takes_the_cheapest_jnb_machine(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* need 1 vCPU / 256 MB in jnb: shared-cpu-1x 256MB at $0.00000098/s x
	 * 2,678,400 = $2.624832; 100 GB x $0.12 = $12.00. */
	fly_bill("2026-05", NULL, "[provider fly]\nregion = jnb\nneed = 1cpu/256MB\n", 100 * GB,
	         &b);
	expect("compute", b.compute, 2624832);
	expect("egress", b.egress, USD(12));
	expect("total", b.total, 2624832 + 12000000);
}

static void region_prices_start_in_november_2024(void **state)
{
	const char *cfg = "[provider fly]\nregion = ams\ninstances = shared-cpu-1x-256mb\n";
	struct pricing_bill b;
	(void)state;
	/* October 2024 (31 days) is still at iad's $0.00000075/s: $2.0088. */
	fly_bill("2024-10", NULL, cfg, 0, &b);
	expect("2024-10", b.compute, 2008800);
	/* November 2024 (30 days: 2,592,000 s) at ams's $0.00000078: $2.02176. */
	fly_bill("2024-11", NULL, cfg, 0, &b);
	expect("2024-11", b.compute, 2021760);
}

/*
 * Private traffic to other regions (services with traffic = private) at the
 * sending region group's private rate, outside the internet egress; the
 * rows are in force from 2024-07-18 and prorated like the egress rows.
 */
static void ams_private_and_internet_lines(void **state)
{
	const char *cfg = "[provider fly]\nregion = ams\ninstances = shared-cpu-1x-256mb\n";
	struct pricing_bill b;
	(void)state;
	/* 250 GB measured, 120 GB of them private (na-eu: $0.006 per GB):
	 * private 120 x 0.006 = $0.72; internet 130 x $0.02 = $2.60; the egress
	 * line 3.32; compute $2.089152; total 5.409152. */
	bill_private("fly", "2026-05", NULL, cfg, 250 * GB, 120 * GB, &b, false);
	assert_int_equal(b.private_bytes, 120 * GB);
	assert_int_equal(b.billable_bytes, 250 * GB);
	expect("private", b.private_egress, USD(0.72));
	expect("internet", b.egress - b.private_egress, USD(2.60));
	expect("egress line", b.egress, USD(3.32));
	expect("total", b.total, 2089152 + 3320000);
	/* The invoice: 2.09 + 3.32 = 5.41. */
	bill_private("fly", "2026-05", NULL, cfg, 250 * GB, 120 * GB, &b, true);
	expect("invoice private", b.private_egress, USD(0.72));
	expect("invoice egress", b.egress, USD(3.32));
	expect("invoice total", b.total, USD(5.41));
}

static void private_rates_by_group(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* sin (apac-oc-sa, $0.015): 200 GB private of 300 GB: 200 x 0.015 =
	 * $3.00 private, 100 x $0.04 = $4.00 internet. */
	bill_private("fly", "2026-05", "sin", NULL, 300 * GB, 200 * GB, &b, false);
	expect("sin private", b.private_egress, USD(3));
	expect("sin egress", b.egress, USD(7));
	/* bom (africa-india, $0.050): all 10 GB private: $0.50, no internet. */
	bill_private("fly", "2026-05", "bom", NULL, 10 * GB, 10 * GB, &b, false);
	expect("bom private", b.private_egress, USD(0.50));
	expect("bom egress", b.egress, USD(0.50));
	/* The group itself (region = na-eu, as today's configs): $0.006. */
	bill_private("fly", "2026-05", "na-eu", NULL, 10 * GB, 10 * GB, &b, false);
	expect("na-eu private", b.private_egress, USD(0.06));
	/* More private bytes than egress: only the egress is priced. */
	bill_private("fly", "2026-05", "na-eu", NULL, 10 * GB, 20 * GB, &b, false);
	assert_int_equal(b.private_bytes, 10 * GB);
	expect("capped", b.egress, USD(0.06));
}

static void private_one_byte_over_a_gb(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* Prorated, not per started GB: 1 GB private in na-eu is $0.006; one
	 * byte more adds $0.000000000006, rounded up to one micro-unit:
	 * 0.006001. */
	bill_private("fly", "2026-05", "na-eu", NULL, GB, GB, &b, false);
	expect("1 GB", b.private_egress, 6000);
	bill_private("fly", "2026-05", "na-eu", NULL, GB + 1, GB + 1, &b, false);
	expect("1 GB + 1 B", b.private_egress, 6001);
	/* On the invoice the private line is rounded half up to cents by itself,
	 * from the exact 0.006000000006: 0.01; the internet line is 0. */
	bill_private("fly", "2026-05", "na-eu", NULL, GB + 1, GB + 1, &b, true);
	expect("invoice", b.egress, USD(0.01));
	/* 2.4 GB private + 2.4 GB internet: 0.0144 -> 0.01 and 0.048 -> 0.05,
	 * each line rounded: 0.06 (one rounding of the sum, 0.0624, gives the
	 * same here; the lines are what the invoice shows). */
	bill_private("fly", "2026-05", "na-eu", NULL, 4800 * GB / 1000, 2400 * GB / 1000, &b, true);
	expect("private line", b.private_egress, USD(0.01));
	expect("egress line", b.egress, USD(0.06));
}

static void private_traffic_without_a_private_rate(void **state)
{
	struct pricing_bill b;
	(void)state;
	/* A table without a private rate (DigitalOcean's s-1vcpu-2gb: 2,000 GiB
	 * included) bills it as egress: 3,000 GiB of which 1,000 GiB private
	 * leave 1,000 GiB x $0.01 = $10, as without private traffic. */
	bill_private("digitalocean", "2026-05", NULL,
	             "[provider digitalocean]\nplan = s-1vcpu-2gb\n", 3000 * GiB, 1000 * GiB, &b,
	             false);
	assert_int_equal(b.private_bytes, 0);
	expect("digitalocean", b.egress, USD(10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ams_machines_and_na_eu_egress),
	    cmocka_unit_test(na_eu_config_is_billed_as_before),
	    cmocka_unit_test(sin_machine_and_apac_egress),
	    cmocka_unit_test(bom_machine_and_africa_india_egress_one_byte_over),
	    cmocka_unit_test(jnb_need_takes_the_cheapest_jnb_machine),
	    cmocka_unit_test(region_prices_start_in_november_2024),
	    cmocka_unit_test(ams_private_and_internet_lines),
	    cmocka_unit_test(private_rates_by_group),
	    cmocka_unit_test(private_one_byte_over_a_gb),
	    cmocka_unit_test(private_traffic_without_a_private_rate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
