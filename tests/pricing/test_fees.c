/*
 * The fees a bill really has, worked by hand from shared/PRICING.md:
 * Render build minutes and custom domains beyond a plan's included ones
 * (1a), Fly volumes, snapshots and dedicated IPv4 (3b), Hetzner's primary
 * IPv4 and the IPv6-only saving (2a).  A fee is set by a quantity in the
 * config's [provider NAME] section and priced in the bill's `other` line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/date.h"
#include "util/num.h"
#include "config/config.h"
#include "pricing/pricing.h"

#include "fixture.h"

/*
 * Selects provider/plan in `month` with config `text` and bills `egress`;
 * `round` makes it the invoice's figures (per line, then summed).
 */
static void bill(const char *provider, const char *plan, const char *month, const char *text,
                 uint64_t egress, bool round, struct pricing_bill *b)
{
	struct fixture_sel s = {.provider = provider, .plan = plan, .month = month, .config = text};

	fixture_bill(&s, round ? FIXTURE_ROUND : 0, egress, b);
}

/* The `other` line of a bill on provider/plan with config text. */
static int64_t other(const char *provider, const char *plan, const char *month, const char *text)
{
	struct pricing_bill b;

	bill(provider, plan, month, text, 0, false, &b);
	return b.other;
}

/* Render Pro includes 1,000 build minutes; each one beyond is $0.005. */
static void render_build_minutes_beyond_the_included(void **state)
{
	struct pricing_bill b;
	(void)state;
	expect("none given", other("render", "pro", "2026-05", "[provider render]\n"), 0);
	expect("1000 (all included)",
	       other("render", "pro", "2026-05", "[provider render]\nbuild_minutes = 1000\n"), 0);
	/* One minute over: $0.005 exact, 5000 micro-units; the invoice's
	 * line rounds half up to $0.01. */
	expect("1001",
	       other("render", "pro", "2026-05", "[provider render]\nbuild_minutes = 1001\n"),
	       5000);
	bill("render", "pro", "2026-05", "[provider render]\nbuild_minutes = 1001\n", 0, true, &b);
	expect("1001 rounded", b.other, USD(0.01));
	expect("1001 total", b.total, USD(25.01));
	/* Hobby: 500 included, 2,500 minutes = 2,000 over = $10. */
	expect("hobby 2500",
	       other("render", "hobby", "2026-05", "[provider render]\nbuild_minutes = 2500\n"),
	       USD(10));
	/* Scale: 5,000 included, 5,000 is free. */
	expect("scale 5000",
	       other("render", "scale", "2026-05", "[provider render]\nbuild_minutes = 5000\n"), 0);
	/* No row for the legacy plans (PRICING.md has none): not priced. */
	expect(
	    "professional",
	    other("render", "professional", "2026-05", "[provider render]\nbuild_minutes = 5000\n"),
	    0);
}

/* Custom domains: 2 / 15 / 25 included, $0.25 a domain a month beyond. */
static void render_custom_domains_beyond_the_included(void **state)
{
	(void)state;
	expect("hobby 2",
	       other("render", "hobby", "2026-05", "[provider render]\ncustom_domains = 2\n"), 0);
	expect("hobby 3",
	       other("render", "hobby", "2026-05", "[provider render]\ncustom_domains = 3\n"),
	       USD(0.25));
	expect("pro 15",
	       other("render", "pro", "2026-05", "[provider render]\ncustom_domains = 15\n"), 0);
	/* Scale 30: 5 over x 0.25 = 1.25. */
	expect("scale 30",
	       other("render", "scale", "2026-05", "[provider render]\ncustom_domains = 30\n"),
	       USD(1.25));
	/* Both fees add: pro, 1,200 minutes (200 over, $1) + 19 domains
	 * (4 over, $1) = $2. */
	expect("both",
	       other("render", "pro", "2026-05",
	             "[provider render]\nbuild_minutes = 1200\ncustom_domains = 19\n"),
	       USD(2));
}

/*
 * Fly: volumes $0.15 a GB-month, snapshots $0.08 a GB-month beyond 10 GB
 * from 2026-01-01, dedicated IPv4 $2 a month.
 */
static void fly_volumes_snapshots_and_ipv4(void **state)
{
	const char *cfg = "[provider fly]\nvolume_gb = 20\nsnapshot_gb = 15\nipv4 = 1\n";
	struct pricing_bill b;
	(void)state;
	/* 20 x 0.15 = 3.00; (15 - 10) x 0.08 = 0.40; 1 x 2 = 2.00: 5.40. */
	expect("2026-05", other("fly", "payg", "2026-05", cfg), USD(5.40));
	/* Before 2026-01-01 snapshots were free: 3.00 + 2.00. */
	expect("2025-12", other("fly", "payg", "2025-12", cfg), USD(5));
	/* The included edge: 10 GB of snapshots is free, 11 GB is 0.08. */
	expect("10 GB", other("fly", "payg", "2026-05", "[provider fly]\nsnapshot_gb = 10\n"), 0);
	expect("11 GB", other("fly", "payg", "2026-05", "[provider fly]\nsnapshot_gb = 11\n"),
	       USD(0.08));
	/* With egress, rounded as the invoice: 100 GB x 0.02 = 2.00 egress,
	 * 3 GB of volume 0.45, the lines add up to 2.45. */
	bill("fly", "payg", "2026-05", "[provider fly]\nvolume_gb = 3\n", 100 * GB, true, &b);
	expect("egress", b.egress, USD(2));
	expect("other", b.other, USD(0.45));
	expect("total", b.total, USD(2.45));
}

/*
 * Hetzner's cloud prices are with one primary IPv4 per server (PRICING.md
 * 2a, "IPv6 only: save EUR 0.50"): two cx23 at EUR 3.99 in 2026-05 are
 * 7.98 with IPv4, 6.98 IPv6-only.
 */
static void hetzner_ipv6_only_for_two_servers(void **state)
{
	const char *with = "[provider hetzner]\nplan = cx23\ncount = 2\nordered = 2026-05-01\n";
	char text[256];
	struct pricing_bill b;
	(void)state;
	bill("hetzner", "cx23", "2026-05", with, 0, true, &b);
	expect("with IPv4: compute", b.compute, USD(7.98));
	expect("with IPv4: other", b.other, 0);
	expect("with IPv4: total", b.total, USD(7.98));

	snprintf(text, sizeof(text), "%sipv4 = no\n", with);
	bill("hetzner", "cx23", "2026-05", text, 0, true, &b);
	expect("IPv6-only: other", b.other, -USD(1));
	expect("IPv6-only: total", b.total, USD(6.98));

	/* One of the two without: 7.98 - 0.50. */
	snprintf(text, sizeof(text), "%sipv4 = 1\n", with);
	expect("ipv4 = 1", other("hetzner", "cx23", "2026-05", text), -USD(0.50));
	/* yes: as the plan comes; 2: the same; 3: one more at 0.50. */
	snprintf(text, sizeof(text), "%sipv4 = yes\n", with);
	expect("ipv4 = yes", other("hetzner", "cx23", "2026-05", text), 0);
	snprintf(text, sizeof(text), "%sipv4 = 2\n", with);
	expect("ipv4 = 2", other("hetzner", "cx23", "2026-05", text), 0);
	snprintf(text, sizeof(text), "%sipv4 = 3\n", with);
	expect("ipv4 = 3", other("hetzner", "cx23", "2026-05", text), USD(0.50));
	/* A dedicated root server keeps its IPv4 price: no saving. */
	expect("ax41 ipv4 = no",
	       other("hetzner", "ax41", "2026-05", "[provider hetzner]\nplan = ax41\nipv4 = no\n"),
	       0);
}

/*
 * The seed's month (PRICING.md 1e): $336 of overage, $144 of hosting and
 * $15 of fees in May.  The sources do not itemise the $15; on the Pro plan
 * of 2026-04-23 either 3,000 build minutes beyond the 1,000 included
 * (4,000 in all, x $0.005) or 60 custom domains beyond the 15 (75, x $0.25)
 * make it.  The legacy plans have no fee rows in the sources.
 */
static void seed_month_fees_of_15_dollars(void **state)
{
	(void)state;
	expect("build minutes",
	       other("render", "pro", "2026-05", "[provider render]\nbuild_minutes = 4000\n"),
	       USD(15));
	expect("domains",
	       other("render", "pro", "2026-05", "[provider render]\ncustom_domains = 75\n"),
	       USD(15));
}

static void select_error(const char *provider, const char *text, const char *want)
{
	struct fixture_sel s = {.provider = provider, .month = "2026-05", .config = text};
	struct pricing_select sel;
	struct pricing_plan *p = NULL;
	struct config *cfg;
	struct err e;
	size_t n = 0;

	fixture_select(&s, &sel, &cfg);
	assert_int_equal(pricing_select(tables, &sel, &p, &n, &e), -1);
	assert_null(p);
	config_free(cfg);
	if (!strstr(e.msg, want))
		fail_msg("error '%s' lacks '%s'", e.msg, want);
}

static void bad_fee_quantities_name_the_line(void **state)
{
	(void)state;
	select_error("hetzner", "[provider hetzner]\nplan = cx23\nipv4 = maybe\n",
	             "t.conf:3: bad quantity 'maybe' for 'ipv4' (a whole number 0 to 1000000000, "
	             "or no; yes: as the plan comes)");
	select_error("render", "[provider render]\nbuild_minutes = yes\n",
	             "t.conf:2: bad quantity 'yes' for 'build_minutes' (a whole number 0 to "
	             "1000000000, or no)");
	select_error("fly", "[provider fly]\n\nvolume_gb = -1\n",
	             "t.conf:3: bad quantity '-1' for 'volume_gb'");
	select_error("fly", "[provider fly]\nvolume_gb = 1000000001\n",
	             "t.conf:2: bad quantity '1000000001' for 'volume_gb'");
	select_error("fly", "[provider fly]\nvolume = 3\n", "t.conf:2: unknown key 'volume'");
}

/* A fee row's included is a count or N/server, never on a one-off fee. */
static void bad_fee_included_is_a_table_problem(void **state)
{
	static const char csv[] = "kind,plan,item,currency,price,per,included,source,source_date\n"
	                          "plan,p,,USD,1,month,,https://x.example,2026-01-01\n"
	                          "fee,,a,USD,1,month,5GB,https://x.example,2026-01-01\n"
	                          "fee,,b,USD,1,month,/server,https://x.example,2026-01-01\n"
	                          "fee,,c,USD,1,once,3,https://x.example,2026-01-01\n"
	                          "fee,,d,USD,1,month,2/server,https://x.example,2026-01-01\n"
	                          "fee,,e,USD,1,month,500,https://x.example,2026-01-01\n";
	static const char *const want[] = {
	    ("3:7: bad included '5GB' on a fee row (a count like 500 the plan gives free, or "
	     "1/server for one per server in the plan's price)"),
	    "4:7: bad included '/server' on a fee row",
	    "5:7: a one-off fee has no included quantity",
	};
	char dir[] = "/tmp/costs-fees-XXXXXX", path[64];
	struct pricing_problem *pr = NULL;
	size_t n = 0;
	struct err e;
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(csv, f);
	fclose(f);
	assert_int_equal(pricing_check_file(path, &pr, &n, &e), 0);
	unlink(path);
	rmdir(dir);
	if (n != 3) {
		for (size_t j = 0; j < n; j++)
			fprintf(stderr, "  %zu:%zu: %s\n", pr[j].line, pr[j].column, pr[j].msg);
		fail_msg("%zu problems, want 3", n);
	}
	for (size_t i = 0; i < 3; i++) {
		char got[400];
		snprintf(got, sizeof(got), "%zu:%zu: %s", pr[i].line, pr[i].column, pr[i].msg);
		if (strncmp(got, want[i], strlen(want[i])) != 0)
			fail_msg("problem %zu: got '%s', want '%s'", i, got, want[i]);
	}
	free(pr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(render_build_minutes_beyond_the_included),
	    cmocka_unit_test(render_custom_domains_beyond_the_included),
	    cmocka_unit_test(fly_volumes_snapshots_and_ipv4),
	    cmocka_unit_test(hetzner_ipv6_only_for_two_servers),
	    cmocka_unit_test(seed_month_fees_of_15_dollars),
	    cmocka_unit_test(bad_fee_quantities_name_the_line),
	    cmocka_unit_test(bad_fee_included_is_a_table_problem),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
