/*
 * Golden bills of the rows dated or re-sourced by issue 13 item 9 (every
 * row checked against a source): a month on each side of each change, worked
 * by hand in the comment above it from the rows of the shipped tables in
 * $SRCDIR/providers (see the rows' source and notes columns).
 *
 * - hetzner.csv: the US cloud allowance was 20 TiB per server until Hetzner
 *   cut it to the 1 TiB minimum, for servers ordered from 2024-12-01 and
 *   for every server from 2025-02-01; the overage rule (EUR 1 per TiB in
 *   started blocks of 100 MiB) did not change.
 * - render.csv: the legacy plans' $15 per started 100 GB block is sourced
 *   until 2026-04-22; from 2026-04-23 (the new plans' page bills per GB) it
 *   is the same figure marked uncertain, so the bill is flagged.
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
#include "pricing/pricing.h"

#include "fixture.h"

/* Whether the plan of the last bill used a row marked uncertain. */
static bool flagged;

/* The exact (unrounded) bill of egress bytes on provider/plan/region in
 * month; config, when not NULL, is a config text (ordered = DAY). */
static void bill(const char *provider, const char *plan, const char *region, const char *month,
                 const char *config, uint64_t egress, struct pricing_bill *b)
{
	struct fixture_sel s = {
	    .provider = provider, .plan = plan, .region = region, .month = month, .config = config};

	flagged = fixture_bill(&s, 0, egress, b);
}

/* --- hetzner US: 20 TiB until the cut, then 1 TiB ---------------------- */

/* November 2024, before the change: ccx13 in Ashburn keeps 20 TiB.  2 TiB is
 * inside it; 20 TiB + 1 byte is one started 100 MiB block:
 * 104,857,600 / 1,099,511,627,776 x EUR 1 = 0.0000953674 -> 0.000096. */
static void hetzner_us_before_the_cut_is_20_tib(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("hetzner", "ccx13", "us", "2024-11", NULL, 2 * TiB, &b);
	assert_int_equal(b.included_bytes, 20 * TiB);
	expect("2 TiB", b.egress, 0);
	expect("compute", b.compute, USD(13.49));
	bill("hetzner", "ccx13", "us", "2024-11", NULL, 20 * TiB, &b);
	expect("edge", b.egress, 0);
	bill("hetzner", "ccx13", "us", "2024-11", NULL, 20 * TiB + 1, &b);
	expect("one byte over", b.egress, 96);
}

/* February 2025, after the change for every server: 1 TiB included.  The
 * edge is free; one byte over is one block (0.000096); 2 TiB leaves 1 TiB,
 * 10,485.76 blocks, so 10,486 started: 10,486 x 104,857,600 / 2^40 =
 * 1.00002288 -> 1.000023; total 13.49 + 1.000023 = 14.490023. */
static void hetzner_us_after_the_cut_is_1_tib(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("hetzner", "ccx13", "us", "2025-02", NULL, TiB, &b);
	assert_int_equal(b.included_bytes, TiB);
	expect("edge", b.egress, 0);
	bill("hetzner", "ccx13", "us", "2025-02", NULL, TiB + 1, &b);
	expect("one byte over", b.egress, 96);
	bill("hetzner", "ccx13", "us", "2025-02", NULL, 2 * TiB, &b);
	expect("2 TiB", b.egress, 1000023);
	expect("total", b.total, 14490023);
	/* A server ordered long before has switched too. */
	bill("hetzner", "ccx13", "us", "2025-02", "[provider hetzner]\nordered = 2024-06-01\n",
	     2 * TiB, &b);
	assert_int_equal(b.included_bytes, TiB);
}

/* A large month in the US after the cut: 25 TB = 25 x 10^12 bytes leaves
 * 25e12 - 2^40 = 23,900,488,372,224 bytes, 227,932.4 blocks, 227,933
 * started: 227,933 x 100 / 1,048,576 = 21.7373848 -> 21.737385.  Before the
 * cut (2024-11) the same month left 25e12 - 20 TiB = 3,009,767,444,480
 * bytes, 28,704 blocks = 2.7374268 -> 2.737427, as in the EU. */
static void hetzner_us_large_month_on_each_side(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("hetzner", "ccx13", "us", "2025-03", NULL, 25 * TB, &b);
	expect("after", b.egress, 21737385);
	bill("hetzner", "ccx13", "us", "2024-11", NULL, 25 * TB, &b);
	expect("before", b.egress, 2737427);
}

/* December 2024: the 1 TiB applied to servers ordered from 2024-12-01 (a
 * row for new orders).  Without `ordered` a server is taken as new: 1 TiB.
 * With ordered = 2024-11-15 the old 20 TiB runs on until 2025-01-31. */
static void hetzner_us_december_2024_depends_on_the_order_day(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("hetzner", "ccx13", "us", "2024-12", NULL, 2 * TiB, &b);
	assert_int_equal(b.included_bytes, TiB);
	expect("new server", b.egress, 1000023);
	bill("hetzner", "ccx13", "us", "2025-01", "[provider hetzner]\nordered = 2024-11-15\n",
	     2 * TiB, &b);
	assert_int_equal(b.included_bytes, 20 * TiB);
	expect("old server", b.egress, 0);
	bill("hetzner", "ccx13", "us", "2025-01", "[provider hetzner]\nordered = 2024-12-01\n",
	     2 * TiB, &b);
	assert_int_equal(b.included_bytes, TiB);
}

/* --- render legacy plans: blocks sourced until 2026-04-22 --------------- */

/* Professional, 500 GB included, $15 per started 100 GB.  March 2026:
 * 700 GB leaves 200 GB = 2 blocks = $30, seat $19, total $49, sourced.
 * May 2026: the same $30, flagged uncertain (block or per GB after the
 * 2026-04-23 page).  500 GB + 1 byte is one started block either month. */
static void render_professional_blocks_on_each_side_of_2026_04_23(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("render", "professional", NULL, "2026-03", NULL, 700 * GB, &b);
	expect("march egress", b.egress, USD(30));
	expect("march total", b.total, USD(49));
	assert_false(flagged);
	bill("render", "professional", NULL, "2026-03", NULL, 500 * GB + 1, &b);
	expect("march one byte over", b.egress, USD(15));
	bill("render", "professional", NULL, "2026-05", NULL, 700 * GB, &b);
	expect("may egress", b.egress, USD(30));
	expect("may total", b.total, USD(49));
	assert_true(flagged);
	bill("render", "professional", NULL, "2026-05", NULL, 500 * GB, &b);
	expect("may edge", b.egress, 0);
}

/* April 2026 holds both rows; the one that started last (2026-04-23) wins
 * the month, so April is flagged.  Hobby (legacy), 100 GB included, a large
 * month of 1.3 TB: 1,200 GB over = 12 blocks = $180 in March and in July
 * (the last legacy month); organization 1.3 TB: 3 blocks = $45 + $29. */
static void render_legacy_large_months(void **state)
{
	struct pricing_bill b;
	(void)state;
	bill("render", "hobby-legacy", NULL, "2026-04", NULL, 13 * TB / 10, &b);
	expect("april", b.egress, USD(180));
	assert_true(flagged);
	bill("render", "hobby-legacy", NULL, "2026-03", NULL, 13 * TB / 10, &b);
	expect("march", b.egress, USD(180));
	assert_false(flagged);
	bill("render", "hobby-legacy", NULL, "2026-07", NULL, 13 * TB / 10, &b);
	expect("july", b.egress, USD(180));
	bill("render", "organization", NULL, "2026-07", NULL, 13 * TB / 10, &b);
	expect("organization egress", b.egress, USD(45));
	expect("organization total", b.total, USD(74));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hetzner_us_before_the_cut_is_20_tib),
	    cmocka_unit_test(hetzner_us_after_the_cut_is_1_tib),
	    cmocka_unit_test(hetzner_us_large_month_on_each_side),
	    cmocka_unit_test(hetzner_us_december_2024_depends_on_the_order_day),
	    cmocka_unit_test(render_professional_blocks_on_each_side_of_2026_04_23),
	    cmocka_unit_test(render_legacy_large_months),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
