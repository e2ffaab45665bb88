/*
 * Golden bills worked by hand from shared/PRICING.md, the edges of every
 * block rule, the monotonicity property, and table validation.  The tables
 * are the shipped ones in $SRCDIR/providers; the bad table is in
 * tests/pricing/data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/date.h"
#include "util/num.h"
#include "pricing/pricing.h"

#include "fixture.h"

/* --- the five bills the issue names ----------------------------------- */

static void render_professional_may_2026_is_8_blocks_of_15(void **state)
{
	struct fixture_sel q = {.provider = "render", .plan = "professional", .month = "2026-05"};
	struct pricing_bill b;
	(void)state;
	fixture_bill(&q, 0, 13 * TB / 10, &b); /* 1.3 TB: 800 GB over 500 GB = 8 blocks */
	expect("egress", b.egress, USD(120));
	expect("seats", b.seats, USD(19));
	expect("total", b.total, USD(139));
	assert_int_equal(b.included_bytes, 500 * GB);
	assert_int_equal(b.billable_bytes, 800 * GB);
	assert_string_equal(b.currency, "USD");
}

static void render_pro_may_2026_is_per_gb(void **state)
{
	struct fixture_sel q = {.provider = "render", .plan = "pro", .month = "2026-05"};
	struct pricing_bill b;
	(void)state;
	fixture_bill(&q, 0, 13 * TB / 10, &b); /* (1300 - 25) x 0.15 */
	expect("egress", b.egress, USD(191.25));
	expect("base", b.base, USD(25));
	expect("seats", b.seats, 0);
	expect("total", b.total, USD(216.25));
}

static void fly_na_eu_is_two_cents_a_gb(void **state)
{
	struct fixture_sel q = {.provider = "fly", .plan = "payg", .month = "2026-05"};
	struct pricing_bill b;
	(void)state;
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	expect("egress", b.egress, USD(26));
	expect("total", b.total, USD(26));
}

static void hetzner_ex44_has_no_egress_charge(void **state)
{
	struct fixture_sel q = {.provider = "hetzner", .plan = "ex44", .month = "2026-05"};
	struct pricing_bill b;
	(void)state;
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	assert_true(b.unlimited);
	expect("egress", b.egress, 0);
	expect("compute", b.compute, USD(39));
	expect("other (no setup without --first-month)", b.other, 0);
	expect("total", b.total, USD(39));
}

static void render_professional_june_2025_is_8_blocks_of_30(void **state)
{
	struct fixture_sel q = {.provider = "render", .plan = "professional", .month = "2025-06"};
	struct pricing_bill b;
	(void)state;
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	expect("egress", b.egress, USD(240));
	expect("total", b.total, USD(259));
}

/* --- more hand-worked bills (PRICING.md §1e, §2, §3) ------------------ */

static void render_other_plans_may_2026(void **state)
{
	static const struct {
		const char *plan;
		double egress, total;
	} cases[] = {
	    {"hobby", 194.25, 194.25},  /* (1300 - 5) x 0.15 */
	    {"scale", 45, 544},         /* (1300 - 1000) x 0.15 + 499 */
	    {"hobby-legacy", 180, 180}, /* 12 blocks x 15 */
	    {"organization", 45, 74},   /* 3 blocks x 15 + 29 */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture_sel q = {
		    .provider = "render", .plan = cases[i].plan, .month = "2026-05"};
		struct pricing_bill b;
		fixture_bill(&q, 0, 13 * TB / 10, &b);
		expect(cases[i].plan, b.egress, USD(cases[i].egress));
		expect(cases[i].plan, b.total, USD(cases[i].total));
	}
}

static void render_hobby_legacy_june_2025_is_12_blocks_of_30(void **state)
{
	struct fixture_sel q = {.provider = "render", .plan = "hobby-legacy", .month = "2025-06"};
	struct pricing_bill b;
	(void)state;
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	expect("egress", b.egress, USD(360));
}

static void new_render_plans_are_not_in_force_in_2025(void **state)
{
	struct pricing_select sel = {0};
	struct pricing_plan *p = NULL;
	struct err e;
	size_t n = 0;
	(void)state;
	date_parse_month("2025-06", &sel.month, NULL, &e);
	sel.provider = "render";
	assert_int_equal(pricing_select(tables, &sel, &p, &n, &e), 0);
	assert_int_equal(n, 3); /* hobby-legacy, professional, organization */
	free(p);
	date_parse_month("2026-08", &sel.month, NULL, &e);
	assert_int_equal(pricing_select(tables, &sel, &p, &n, &e), 0);
	assert_int_equal(n, 3); /* hobby, pro, scale: legacy ended 2026-07-31 */
	for (size_t i = 0; i < n; i++)
		assert_true(strcmp(p[i].plan, "hobby") == 0 || strcmp(p[i].plan, "pro") == 0 ||
		            strcmp(p[i].plan, "scale") == 0);
	free(p);
}

static void fly_region_groups(void **state)
{
	struct pricing_bill b;
	struct fixture_sel q = {.provider = "fly", .plan = "payg", .month = "2026-05"};
	(void)state;
	q.region = "apac-oc-sa";
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	expect("apac", b.egress, USD(52));
	q.region = "africa-india";
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	expect("africa-india", b.egress, USD(156));
}

static void hetzner_cloud_overage_in_tib_and_100mib_blocks(void **state)
{
	struct pricing_bill b;
	struct fixture_sel q = {.provider = "hetzner", .plan = "ccx13", .month = "2026-05"};
	(void)state;
	/* 25 TB in the EU: 25e12 - 20 TiB = 3,009,767,444,480 bytes, 28,704 started
	 * blocks of 100 MiB, x EUR 1 per TiB = 2.737427 (rounded up). */
	fixture_bill(&q, 0, 25 * TB, &b);
	expect("egress", b.egress, 2737427);
	expect("compute", b.compute, USD(12.49));
	assert_string_equal(b.currency, "EUR");
	/* 1.3 TB in Singapore: 1 TiB included, 1,913 blocks at EUR 7.40/TiB. */
	q.region = "sin";
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	expect("sin egress", b.egress, 1350041);
	expect("sin server price", b.compute, USD(21.50));
	/* The same volume in the EU is within 20 TiB. */
	q.region = "eu";
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	expect("eu egress", b.egress, 0);
}

static void hetzner_cx23_prices_change_by_month(void **state)
{
	struct pricing_bill b;
	struct fixture_sel q = {.provider = "hetzner", .plan = "cx23", .month = "2026-02"};
	(void)state;
	fixture_bill(&q, 0, 0, &b);
	expect("2026-02", b.total, USD(3.49));
	q.month = "2026-05";
	fixture_bill(&q, 0, 0, &b);
	expect("2026-05", b.total, USD(3.99));
	q.month = "2026-06"; /* the 2026-06-15 price started last in June */
	fixture_bill(&q, 0, 0, &b);
	expect("2026-06", b.total, USD(5.49));
}

static void setup_fees_only_in_the_first_month(void **state)
{
	struct pricing_bill b;
	struct fixture_sel q = {
	    .provider = "hetzner", .plan = "ex44", .month = "2026-05", .first_month = true};
	(void)state;
	fixture_bill(&q, 0, 0, &b);
	expect("setup 2026", b.other, USD(99));
	expect("total", b.total, USD(138));
	q.month = "2026-01";
	fixture_bill(&q, 0, 0, &b);
	expect("setup before Feb 2026", b.other, USD(79));
	q.plan = "ax41";
	fixture_bill(&q, 0, 0, &b);
	expect("ax41 has none", b.other, 0);
}

static void need_picks_the_cheapest_fitting_instance(void **state)
{
	struct pricing_bill b;
	struct fixture_sel q = {.provider = "render",
	                        .plan = "pro",
	                        .month = "2026-05",
	                        .need = "ram=4GB,cpu=2,count=2"};
	(void)state;
	fixture_bill(&q, 0, 0, &b); /* Render "pro" instance, 4 GB / 2 CPU, $85 x 2 */
	expect("render compute", b.compute, USD(170));
	expect("render total", b.total, USD(195));
	/* Fly: shared-cpu-2x 4GB is $21.40 per 30 days, by the second over the
	 * 31 days of May: 21.40 x 31 / 30 = 22.113334 (rounded up), x 2. */
	q.provider = "fly";
	q.plan = "payg";
	fixture_bill(&q, 0, 0, &b);
	expect("fly compute", b.compute, 2 * 22113334);
	/* Hetzner: a server plan fits or is left out; ccx13 (2 vCPU, 8 GB) fits.
	 * Its 20 TiB is per server (20TiB/server), not pooled: 41 TB from one
	 * of two servers leaves 41 TB - 20 TiB = 19,009,767,444,480 B, 181,292
	 * started 100 MiB blocks at EUR 1/TiB = 17.2893524 (17.289353 up). */
	q.provider = "hetzner";
	q.plan = "ccx13";
	fixture_bill(&q, 0, 41 * TB, &b);
	expect("hetzner compute", b.compute, USD(24.98));
	assert_int_equal(b.included_bytes, 20 * TiB);
	expect("hetzner egress", b.egress, 17289353);
}

static void fly_per_second_machine_over_30_and_31_days(void **state)
{
	struct pricing_bill b;
	struct fixture_sel q = {.provider = "fly",
	                        .plan = "payg",
	                        .month = "2026-06",
	                        .config =
	                            "[provider fly]\ninstances = shared-cpu-1x-256mb\nipv4 = 1\n"};
	(void)state;
	fixture_bill(&q, 0, 0, &b); /* 0.00000075 x 2,592,000 s */
	expect("30 days", b.compute, USD(1.944));
	expect("dedicated IPv4", b.other, USD(2));
	q.month = "2026-05";
	fixture_bill(&q, 0, 0, &b); /* x 2,678,400 s */
	expect("31 days", b.compute, USD(2.0088));
}

static void config_seats_and_instances(void **state)
{
	struct pricing_bill b;
	struct fixture_sel q = {
	    .provider = "render",
	    .plan = "professional",
	    .month = "2026-05",
	    .config = "[provider render]\nseats = 3\ninstances = standard:2, starter\n"};
	(void)state;
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	expect("seats", b.seats, USD(57));
	expect("compute", b.compute, USD(57)); /* 2 x 25 + 7 */
	expect("total", b.total, USD(234));
	q.seats = 5; /* the option wins over the config */
	fixture_bill(&q, 0, 0, &b);
	expect("seats option", b.seats, USD(95));
}

static void conversion_and_vat(void **state)
{
	struct pricing_bill b;
	struct err e;
	struct fixture_sel q = {.provider = "hetzner", .plan = "ex44", .month = "2026-05"};
	(void)state;
	fixture_bill(&q, 0, 0, &b);
	assert_int_equal(pricing_convert(&b, "USD", 1080000, &e), 0);
	expect("EUR 39 at 1.08", b.total, USD(42.12));
	assert_string_equal(b.currency, "USD");
	q = (struct fixture_sel){.provider = "render", .plan = "pro", .month = "2026-05"};
	fixture_bill(&q, 0, 13 * TB / 10, &b);
	assert_int_equal(pricing_add_vat(&b, 19000000, &e), 0);
	/* 19% of 216.25 = 41.0875: VAT is an invoice line, 41.09 in cents */
	expect("vat", b.vat, USD(41.09));
	expect("total with vat", b.total, USD(257.34));
	assert_int_equal(pricing_convert(&b, "EUR", 0, &e), -1);
}

static void part_of_a_month_follows_each_providers_rounding(void **state)
{
	struct pricing_bill b;
	struct err e;
	uint64_t secs;
	struct fixture_sel q = {
	    .provider = "hetzner", .plan = "cx23", .month = "2026-05", .hours = "100.01"};
	(void)state;
	/* Hetzner: started hours, 101 of the 744 in May, of the EUR 3.99 cap. */
	fixture_bill(&q, 0, 0, &b);
	expect("hetzner 100.01 h", b.compute, 541654);
	q.hours = "744";
	fixture_bill(&q, 0, 0, &b);
	expect("hetzner whole month is the cap", b.compute, USD(3.99));
	/* Render: prorated by the second; half of May is half the price. */
	q = (struct fixture_sel){.provider = "render",
	                         .plan = "pro",
	                         .month = "2026-05",
	                         .hours = "372",
	                         .config = "[provider render]\ninstances = standard\n"};
	fixture_bill(&q, 0, 0, &b);
	expect("render half a month", b.compute, USD(12.5));
	expect("the plan fee is not prorated", b.base, USD(25));
	/* Fly: per second, and a 30-day price prorated by the second. */
	q = (struct fixture_sel){.provider = "fly",
	                         .plan = "payg",
	                         .month = "2026-05",
	                         .hours = "10",
	                         .need = "ram=256MB"};
	fixture_bill(&q, 0, 0, &b);
	expect("fly 10 h of 256 MB", b.compute, USD(0.027));
	q.need = "ram=4GB,cpu=2";
	fixture_bill(&q, 0, 0, &b); /* 21.40 x 36,000 / 2,592,000 = 0.2972222 */
	expect("fly 10 h of a 30-day price", b.compute, 297223);
	assert_int_equal(pricing_hours_parse("0", &secs, &e), -1);
	assert_int_equal(pricing_hours_parse("745", &secs, &e), -1);
	assert_int_equal(pricing_hours_parse("0.001", &secs, &e), 0);
	assert_int_equal(secs, 4); /* 3.6 s, rounded up */
}

/* --- the edges of every block rule ------------------------------------ */

struct edge {
	const char *provider, *plan, *region, *month;
	uint64_t egress;
	int64_t want;
};

static void block_edges(void **state)
{
	const uint64_t h20 = 20 * TiB, blk = 100 * MiB;
	const struct edge edges[] = {
	    /* Render legacy, $15 per started 100 GB beyond 500 GB. */
	    {"render", "professional", NULL, "2026-05", 500 * GB, 0},
	    {"render", "professional", NULL, "2026-05", 500 * GB + 1, USD(15)},
	    {"render", "professional", NULL, "2026-05", 600 * GB, USD(15)},
	    {"render", "professional", NULL, "2026-05", 600 * GB + 1, USD(30)},
	    /* Before 2025-08-01, $30 per started block. */
	    {"render", "professional", NULL, "2025-07", 500 * GB, 0},
	    {"render", "professional", NULL, "2025-07", 500 * GB + 1, USD(30)},
	    {"render", "professional", NULL, "2025-07", 700 * GB, USD(60)},
	    {"render", "professional", NULL, "2025-08", 700 * GB, USD(30)},
	    /* Render 2026 plans, $0.15 per started GB beyond 25 GB. */
	    {"render", "pro", NULL, "2026-05", 25 * GB, 0},
	    {"render", "pro", NULL, "2026-05", 25 * GB + 1, USD(0.15)},
	    {"render", "pro", NULL, "2026-05", 26 * GB, USD(0.15)},
	    {"render", "pro", NULL, "2026-05", 26 * GB + 1, USD(0.30)},
	    /* Hetzner cloud EU, EUR 1 per TiB in started 100 MiB blocks beyond
	     * 20 TiB: one block is 100 MiB / 1 TiB = 95.367 micro, rounded up. */
	    {"hetzner", "ccx13", "eu", "2026-05", h20, 0},
	    {"hetzner", "ccx13", "eu", "2026-05", h20 + 1, 96},
	    {"hetzner", "ccx13", "eu", "2026-05", h20 + blk, 96},
	    {"hetzner", "ccx13", "eu", "2026-05", h20 + blk + 1, 191},
	    {"hetzner", "ccx13", "eu", "2026-05", h20 + 10486 * blk, USD(1.000023)},
	    /* Fly has no allowance and no blocks: prorated, rounded up to 1 micro. */
	    {"fly", "payg", NULL, "2026-05", 0, 0},
	    {"fly", "payg", NULL, "2026-05", 1, 1},
	    {"fly", "payg", NULL, "2026-05", GB, USD(0.02)},
	    {"fly", "payg", NULL, "2026-05", GB + 1, USD(0.02) + 1},
	    /* Dedicated: unlimited however much. */
	    {"hetzner", "ex44", NULL, "2026-05", UINT64_MAX / 2, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		const struct edge *x = &edges[i];
		struct fixture_sel q = {.provider = x->provider,
		                        .plan = x->plan,
		                        .region = x->region,
		                        .month = x->month};
		struct pricing_bill b;
		char what[128];
		fixture_bill(&q, 0, x->egress, &b);
		snprintf(what, sizeof(what), "%s/%s %s at %" PRIu64 " bytes", x->provider, x->plan,
		         x->month, x->egress);
		expect(what, b.egress, x->want);
	}
}

/* --- property: the bill never decreases as egress grows ---------------- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void bill_never_decreases_as_egress_grows(void **state)
{
	static const char *const months[] = {"2025-06", "2025-08", "2026-02",
	                                     "2026-05", "2026-06", "2026-08"};
	static const char *const regions[] = {NULL, "us", "sin", "apac-oc-sa", "africa-india"};
	const char *env = getenv("PRICING_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL);
	size_t checked = 0;
	(void)state;

	if (!seed)
		seed = 1;
	printf("property seed %" PRIu64 " (set PRICING_SEED to repeat)\n", seed);
	for (size_t m = 0; m < sizeof(months) / sizeof(months[0]); m++)
		for (size_t r = 0; r < sizeof(regions) / sizeof(regions[0]); r++) {
			struct pricing_select sel = {0};
			struct pricing_plan *p = NULL;
			struct err e;
			size_t n = 0;
			date_parse_month(months[m], &sel.month, NULL, &e);
			sel.region = regions[r];
			if (pricing_select(tables, &sel, &p, &n, &e))
				fail_msg("%s", e.msg);
			for (size_t i = 0; i < n; i++) {
				uint64_t x = 0, s = seed + i * 7919 + m * 104729 + r;
				int64_t prev = -1;
				for (int k = 0; k < 400; k++) {
					struct pricing_bill b;
					/* Steps of all sizes: bytes to terabytes. */
					uint64_t step = rnd(&s) % (1ULL << (rnd(&s) % 44));
					x += step;
					if (pricing_bill(&p[i], x, &b, &e))
						fail_msg("%s", e.msg);
					if (b.total < prev)
						fail_msg(
						    "seed %" PRIu64
						    ": %s/%s %s: total fell at %" PRIu64 " bytes",
						    seed, p[i].provider, p[i].plan, months[m], x);
					prev = b.total;
					checked++;
				}
			}
			free(p);
		}
	assert_true(checked > 10000);
}

/* --- selection errors -------------------------------------------------- */

static void select_error(const struct pricing_select *sel, const char *want)
{
	struct pricing_plan *p = NULL;
	struct err e;
	size_t n = 0;

	assert_int_equal(pricing_select(tables, sel, &p, &n, &e), -1);
	assert_null(p);
	if (!strstr(e.msg, want))
		fail_msg("error '%s' lacks '%s'", e.msg, want);
}

static void unknown_names_list_the_known_ones(void **state)
{
	struct pricing_select sel = {0};
	struct config *cfg = NULL;
	struct err e;
	const char *text = "[provider render]\nplan = pro\nflavour = vanilla\n";
	(void)state;

	date_parse_month("2026-05", &sel.month, NULL, &e);
	/* The known list is every shipped table (more are added over time). */
	sel.provider = "nope";
	select_error(&sel, "unknown provider 'nope' (known: ");
	select_error(&sel, "fly, hetzner");
	select_error(&sel, "render");
	sel.provider = "render";
	sel.plan = "enterprise";
	select_error(&sel, "unknown plan 'enterprise' for render in 2026-05 (known: "
	                   "hobby-legacy, professional, organization, hobby, pro, scale)");
	sel.plan = NULL;
	sel.region = "mars";
	select_error(&sel, "unknown region 'mars' for render (known: global)");
	sel.region = NULL;
	assert_int_equal(config_parse(text, strlen(text), "t.conf", &cfg, &e), 0);
	sel.config = cfg;
	select_error(&sel, "t.conf:3: unknown key 'flavour' in [provider render]");
	config_free(cfg);
	sel.config = NULL;
	assert_int_equal(pricing_need_parse("ram=64GB,cpu=99", &sel.need, &e), 0);
	select_error(&sel, "no plan has an instance that fits the need");
	assert_int_equal(pricing_need_parse("ram=4GB,disk=x", &sel.need, &e), -1);
	assert_int_equal(pricing_need_parse("count=0", &sel.need, &e), -1);
}

/* --- measured egress: billable services, one source per host ---------- */

static void measured_egress_uses_one_source_per_host(void **state)
{
	char dir[] = "/tmp/pricing-test.XXXXXX", path[64];
	const char *cfgtext = "[service game]\nmatch = port=9001\nbillable = no\n";
	int32_t d = date_from_civil(2026, 5, 10), first, last;
	struct pricing_measured m;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct err e;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(store_open(path, true, 1000, &st, &e), 0);
	assert_int_equal(config_parse(cfgtext, strlen(cfgtext), "t.conf", &cfg, &e), 0);
	assert_int_equal(store_begin(st, &e), 0);
	/* h1: nft and a capture and an import saw the same traffic: nft counts. */
	assert_int_equal(store_add_daily(st, "h1", d, "https", STORE_EGRESS, "nft", 100, 1, &e), 0);
	assert_int_equal(store_add_daily(st, "h1", d, "https", STORE_EGRESS, "pcap", 97, 1, &e), 0);
	assert_int_equal(store_add_daily(st, "h1", d, "https", STORE_EGRESS, "import", 1000, 1, &e),
	                 0);
	assert_int_equal(store_add_daily(st, "h1", d, "https", STORE_INGRESS, "nft", 5000, 1, &e),
	                 0);
	/* h2: imports only; `game` is billable = no. */
	assert_int_equal(store_add_daily(st, "h2", d, "mcp", STORE_EGRESS, "import", 300, 1, &e),
	                 0);
	assert_int_equal(store_add_daily(st, "h2", d, "game", STORE_EGRESS, "import", 200, 1, &e),
	                 0);
	/* h3: only interface counters. */
	assert_int_equal(store_add_daily(st, "h3", d, "other", STORE_EGRESS, "iface", 40, 1, &e),
	                 0);
	/* Another month does not count. */
	assert_int_equal(
	    store_add_daily(st, "h1", d + 31, "https", STORE_EGRESS, "nft", 7777, 1, &e), 0);
	assert_int_equal(store_commit(st, &e), 0);

	date_parse_month("2026-05", &first, &last, &e);
	assert_int_equal(pricing_month_egress(st, cfg, NULL, first, last, &m, &e), 0);
	assert_true(m.found);
	assert_int_equal(m.bytes, 100 + 300 + 40);
	assert_int_equal(m.hosts, 3);
	assert_string_equal(m.source, "mixed");
	assert_int_equal(pricing_month_egress(st, cfg, "h2", first, last, &m, &e), 0);
	assert_int_equal(m.bytes, 300);
	assert_string_equal(m.source, "import");
	assert_int_equal(pricing_month_egress(st, NULL, "h2", first, last, &m, &e), 0);
	assert_int_equal(m.bytes, 500); /* without a config every service is billable */
	date_parse_month("2026-04", &first, &last, &e);
	assert_int_equal(pricing_month_egress(st, cfg, NULL, first, last, &m, &e), 0);
	assert_false(m.found);
	assert_int_equal(m.bytes, 0);
	assert_null(m.source);

	store_close(st);
	config_free(cfg);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

/* --- validation: a table with every kind of error ---------------------- */

static void bad_table_reports_every_problem(void **state)
{
	static const char *const want[] = {
	    "1:18: unknown column 'colour'",
	    "3:5: bad date '2026-13-01' (YYYY-MM-DD)",
	    "4:8: bad number 'ten' in price",
	    "5:9: unknown unit 'fortnight' (month, hour, second or 30d)",
	    "6:7: unknown currency 'XYZ'",
	    "7:9: unknown unit 'GX' (a size: GB, 100GB, 1TiB, ...)",
	    "8:8: a price without a source",
	    "10:5: effective range overlaps line 9 for the same egress",
	    ("11:1: unknown kind 'discount' (plan, seat, instance, egress, fee, free, region, "
	     "successor)"),
	    "12:2: unknown plan 'gold'",
	    "13:14: bad ram 'lots' (a size like 512MB or 4GB)",
	    "14:6: 'to' 2026-01-01 is before 'from' 2026-06-01",
	    "15:16: a price without a source date",
	    "16:11: unknown rounding 'sideways' (up, down or none)",
	    "17:3: bad egress item 'extra' (empty: to the internet; private: "
	    "private-network traffic to another region)",
	    "18:4: unknown region 'moon' (add a region row)",
	    "19:7: currency 'EUR' differs from 'USD' earlier in the table",
	};
	const char *src = getenv("SRCDIR");
	char path[4096];
	struct pricing_problem *pr = NULL;
	size_t n = 0;
	struct err e;
	(void)state;

	snprintf(path, sizeof(path), "%s/tests/pricing/data/bad.csv", src ? src : ".");
	assert_int_equal(pricing_check_file(path, &pr, &n, &e), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool found = false;
		for (size_t j = 0; j < n && !found; j++) {
			char got[400];
			snprintf(got, sizeof(got), "%zu:%zu: %s", pr[j].line, pr[j].column,
			         pr[j].msg);
			found = strcmp(got, want[i]) == 0;
		}
		if (!found) {
			for (size_t j = 0; j < n; j++)
				fprintf(stderr, "  %zu:%zu: %s\n", pr[j].line, pr[j].column,
				        pr[j].msg);
			fail_msg("missing problem '%s'", want[i]);
		}
	}
	free(pr);
}

static void shipped_tables_are_clean_and_every_price_has_a_source(void **state)
{
	const char *src = getenv("SRCDIR");
	static const char *const files[] = {"render.csv", "hetzner.csv", "fly.csv"};
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char path[4096];
		struct pricing_problem *pr = NULL;
		size_t n = 0;
		struct err e;
		snprintf(path, sizeof(path), "%s/providers/%s", src ? src : ".", files[i]);
		assert_int_equal(pricing_check_file(path, &pr, &n, &e), 0);
		if (n)
			fail_msg("%s:%zu:%zu: %s", files[i], pr[0].line, pr[0].column, pr[0].msg);
		free(pr);
	}
}

static void loading_refuses_a_bad_table(void **state)
{
	const char *src = getenv("SRCDIR");
	char path[4096];
	const char *paths[] = {path};
	struct pricing_tables *t = NULL;
	struct err e;
	(void)state;
	snprintf(path, sizeof(path), "%s/tests/pricing/data/bad.csv", src ? src : ".");
	assert_int_equal(pricing_load_files(paths, 1, &t, &e), -1);
	assert_null(t);
	assert_non_null(strstr(e.msg, "bad.csv:1:18: unknown column 'colour' ("));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(render_professional_may_2026_is_8_blocks_of_15),
	    cmocka_unit_test(render_pro_may_2026_is_per_gb),
	    cmocka_unit_test(fly_na_eu_is_two_cents_a_gb),
	    cmocka_unit_test(hetzner_ex44_has_no_egress_charge),
	    cmocka_unit_test(render_professional_june_2025_is_8_blocks_of_30),
	    cmocka_unit_test(render_other_plans_may_2026),
	    cmocka_unit_test(render_hobby_legacy_june_2025_is_12_blocks_of_30),
	    cmocka_unit_test(new_render_plans_are_not_in_force_in_2025),
	    cmocka_unit_test(fly_region_groups),
	    cmocka_unit_test(hetzner_cloud_overage_in_tib_and_100mib_blocks),
	    cmocka_unit_test(hetzner_cx23_prices_change_by_month),
	    cmocka_unit_test(setup_fees_only_in_the_first_month),
	    cmocka_unit_test(need_picks_the_cheapest_fitting_instance),
	    cmocka_unit_test(fly_per_second_machine_over_30_and_31_days),
	    cmocka_unit_test(config_seats_and_instances),
	    cmocka_unit_test(conversion_and_vat),
	    cmocka_unit_test(part_of_a_month_follows_each_providers_rounding),
	    cmocka_unit_test(block_edges),
	    cmocka_unit_test(bill_never_decreases_as_egress_grows),
	    cmocka_unit_test(unknown_names_list_the_known_ones),
	    cmocka_unit_test(measured_egress_uses_one_source_per_host),
	    cmocka_unit_test(bad_table_reports_every_problem),
	    cmocka_unit_test(shipped_tables_are_clean_and_every_price_has_a_source),
	    cmocka_unit_test(loading_refuses_a_bad_table),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
