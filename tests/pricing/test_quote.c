/*
 * The quote functions compare, plot and export share (pricing/quote.h):
 * conversion and VAT, plan lists, retired plans priced as their successors,
 * the sorted quote, every break-even crossing and invoice ranges.  Figures
 * are worked by hand from the shipped tables in $SRCDIR/providers.
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

static struct pricing_select sel_of(const char *month, const char *provider, const char *plan,
                                    const char *region)
{
	struct fixture_sel f = {
	    .month = month, .provider = provider, .plan = plan, .region = region};
	struct pricing_select s;

	fixture_select(&f, &s, NULL);
	return s;
}

/* The one plan a selection gives; the caller frees it. */
static struct pricing_plan *one_plan(const char *month, const char *provider, const char *plan,
                                     const char *region)
{
	struct fixture_sel f = {
	    .month = month, .provider = provider, .plan = plan, .region = region};

	return fixture_plan(&f, FIXTURE_LISTS, NULL);
}

static void money_converts_then_adds_vat(void **state)
{
	struct pricing_plan *p = one_plan("2026-05", "hetzner", "ex44", NULL);
	struct pricing_money m;
	struct pricing_bill b;
	struct err e;
	bool conv;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_money_add_rate(&m, "EUR=1.08", &e), 0);
	assert_int_equal(pricing_money_vat(&m, "19", &e), 0);
	assert_int_equal(pricing_money_bill(&m, p, 13 * TB / 10, &b, &conv, &e), 0);
	assert_true(conv);
	assert_string_equal(b.currency, "USD");
	/* EUR 39 x 1.08 = 42.12; 19% of it is 8.0028, 8.00 on the invoice: 50.12 */
	expect("compute", b.compute, USD(42.12));
	expect("vat", b.vat, USD(8.00));
	expect("total", b.total, USD(50.12));
	/* Without a EUR rate the bill stays in EUR and is not converted. */
	pricing_money_init(&m);
	assert_int_equal(pricing_money_bill(&m, p, 0, &b, &conv, &e), 0);
	assert_false(conv);
	assert_string_equal(b.currency, "EUR");
	assert_int_equal(pricing_money_add_rate(&m, "USD=1", &e), 0);
	assert_int_equal(pricing_money_check(&m, &e), -1);
	assert_int_equal(pricing_money_vat(&m, "101", &e), -1);
	assert_int_equal(pricing_money_currency(&m, "XYZ", &e), -1);
	free(p);
}

static void lines_add_up_to_the_total(void **state)
{
	struct pricing_plan *p = one_plan("2026-05", "hetzner", "cx23", NULL);
	struct pricing_money m;
	struct pricing_bill b;
	struct err e;
	bool conv;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_money_add_rate(&m, "EUR=1.0009", &e), 0);
	assert_int_equal(pricing_money_vat(&m, "19", &e), 0);
	assert_int_equal(pricing_money_bill(&m, p, 30 * TB, &b, &conv, &e), 0);
	/*
	 * 30 TB - 20 TiB = 8,009,767,444,480 B: 76,388 started 100 MiB blocks
	 * at EUR 1/TiB = 7.28492, EUR 7.28 on the invoice.  At 1.0009:
	 * 3.99 -> 3.993591 -> 3.99 and 7.28 -> 7.286552 -> 7.29, net 11.28
	 * (it used to show 3.99 + 7.29 with a total of 11.29); VAT 19% of
	 * 11.28 = 2.1432 -> 2.14; total 13.42.
	 */
	expect("compute", b.compute, USD(3.99));
	expect("egress", b.egress, USD(7.29));
	expect("vat", b.vat, USD(2.14));
	expect("total", b.total, USD(13.42));
	assert_int_equal(b.base + b.seats + b.compute + b.egress + b.other + b.vat, b.total);
	free(p);
}

static void lists_keep_the_named_plans(void **state)
{
	struct pricing_select s = sel_of("2026-05", "render,fly", "pro,payg", NULL);
	struct pricing_plan *p = NULL;
	struct err e;
	size_t n = 0;

	(void)state;
	assert_int_equal(pricing_select_lists(tables, &s, &p, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].plan, "pro");
	assert_string_equal(p[1].plan, "payg");
	free(p);
	s = sel_of("2026-05", NULL, "pro,gold", NULL);
	assert_int_equal(pricing_select_lists(tables, &s, &p, &n, &e), -1);
	assert_string_equal(e.msg, "no selected provider has a plan 'gold' in force in this month");
}

static void a_retired_plan_is_priced_as_its_successor(void **state)
{
	struct pricing_plan *p;
	struct pricing_select s;
	struct err e;
	size_t n = 0;
	char day[11];

	(void)state;
	/* In force until 2026-07-31: itself, nothing replaced. */
	p = one_plan("2026-07", "render", "professional", NULL);
	assert_string_equal(p->plan, "professional");
	assert_string_equal(p->replaces, "");
	free(p);
	/* From 2026-08-01 Render's Professional is Pro (render.csv successor rows). */
	p = one_plan("2026-11", "render", "professional", NULL);
	assert_string_equal(p->plan, "pro");
	assert_string_equal(p->replaces, "professional");
	assert_string_equal(date_format_day(p->replaced_on, day), "2026-08-01");
	free(p);
	/* In a list, across providers. */
	s = sel_of("2026-11", NULL, "organization,ex44", NULL);
	assert_int_equal(pricing_select_lists(tables, &s, &p, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(p[1].plan, "scale");
	assert_string_equal(p[1].replaces, "organization");
	free(p);
	/* A plan that never existed is still an error. */
	s = sel_of("2026-11", "render", "gold", NULL);
	assert_int_equal(pricing_select_lists(tables, &s, &p, &n, &e), -1);
}

/* cx23 in 2026-11 for servers ordered on `ordered` (NULL: not given). */
static int64_t cx23_price(const char *ordered)
{
	struct fixture_sel s = {.month = "2026-11", .provider = "hetzner", .plan = "cx23"};
	struct pricing_plan *p;
	struct config *cfg;
	char text[128];
	int64_t v;

	if (ordered) {
		snprintf(text, sizeof(text), "[provider hetzner]\nordered = %s\n", ordered);
		s.config = text;
	}
	p = fixture_plan(&s, FIXTURE_LISTS, &cfg);
	v = p[0].compute;
	free(p);
	config_free(cfg);
	return v;
}

static void new_order_prices_leave_older_servers_alone(void **state)
{
	struct pricing_select s = sel_of("2026-11", "hetzner", "cx23", NULL);
	struct pricing_plan *p = NULL;
	struct config *cfg = NULL;
	const char *bad = "[provider hetzner]\nordered = soon\n";
	struct err e;
	size_t n = 0;

	(void)state;
	/*
	 * Hetzner's 2026-06-15 rise (cx23 EUR 3.99 -> 5.49) is for new orders
	 * and rescales: a server ordered before keeps 3.99; one ordered on or
	 * after, or with no order date (a new server), pays 5.49.
	 */
	expect("not given", cx23_price(NULL), USD(5.49));
	expect("ordered before", cx23_price("2026-03-01"), USD(3.99));
	expect("ordered the day of the rise", cx23_price("2026-06-15"), USD(5.49));
	if (config_parse(bad, strlen(bad), "t.conf", &cfg, &e))
		fail_msg("%s", e.msg);
	s.config = cfg;
	assert_int_equal(pricing_select_lists(tables, &s, &p, &n, &e), -1);
	assert_string_equal(e.msg, "t.conf:2: bad ordered 'soon' (the day the servers were "
	                           "ordered, YYYY-MM-DD)");
	config_free(cfg);
}

static void per_server_allowances_are_not_pooled(void **state)
{
	struct pricing_select s = sel_of("2026-05", "hetzner", "cx23", NULL);
	const char *text = "[provider hetzner]\ncount = 2\n";
	struct pricing_plan *p = NULL;
	struct config *cfg = NULL;
	struct pricing_bill b;
	struct err e;
	size_t n = 0;

	(void)state;
	if (config_parse(text, strlen(text), "t.conf", &cfg, &e))
		fail_msg("%s", e.msg);
	s.config = cfg;
	assert_int_equal(pricing_select_lists(tables, &s, &p, &n, &e), 0);
	assert_int_equal(n, 1);
	/*
	 * Hetzner's 20 TiB is per server (20TiB/server): two servers, one of
	 * which sends all 30 TB, keep 20 TiB, not 40 TiB.  Compute 2 x 3.99 =
	 * 7.98; 30 TB - 20 TiB = 76,388 started 100 MiB blocks = EUR 7.2849.
	 */
	assert_int_equal(p[0].count, 2);
	assert_true(p[0].included == 21990232555520ULL);
	assert_int_equal(pricing_bill(&p[0], 30 * TB, &b, &e), 0);
	assert_int_equal(pricing_bill_round(&p[0], &b, &e), 0);
	expect("compute", b.compute, USD(7.98));
	expect("egress", b.egress, USD(7.28));
	free(p);
	config_free(cfg);
}

static void quote_sorts_report_currency_first_cheapest_first(void **state)
{
	struct pricing_select s = sel_of("2026-05", NULL, "professional,ex44,payg", NULL);
	struct pricing_quote q;
	struct pricing_money m;
	struct err e;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_quote(tables, &s, &m, 13 * TB / 10, &q, &e), 0);
	assert_int_equal(q.n, 3);
	/* fly 1,300 GB x 0.02 = 26.00, render 19 + 8 x 15 = 139.00, then EUR 39 */
	assert_string_equal(q.rows[0].plan->plan, "payg");
	expect("fly", q.rows[0].bill.total, USD(26));
	assert_string_equal(q.rows[1].plan->plan, "professional");
	expect("render", q.rows[1].bill.total, USD(139));
	assert_string_equal(q.rows[2].plan->plan, "ex44");
	assert_false(q.rows[2].converted);
	assert_true(q.mixed);
	assert_true(q.compute_note);
	pricing_quote_release(&q);
	/*
	 * At EUR 1.08 ex44 is 42.12 USD, all of it compute (one server
	 * assumed): with nothing known of compute the order is by egress and
	 * fees only, so ex44 (0.00 of them) comes first, then fly (26.00).
	 */
	assert_int_equal(pricing_money_add_rate(&m, "EUR=1.08", &e), 0);
	assert_int_equal(pricing_quote(tables, &s, &m, 13 * TB / 10, &q, &e), 0);
	assert_string_equal(q.rows[0].plan->plan, "ex44");
	expect("ex44", q.rows[0].bill.total, 42120000);
	assert_int_equal(q.rows[0].key, 0);
	assert_string_equal(q.rows[1].plan->plan, "payg");
	assert_false(q.mixed);
	pricing_quote_release(&q);
	/* Once compute is known (a need), the order is by the whole bill. */
	assert_int_equal(pricing_need_parse("1cpu/2GB", &s.need, &e), 0);
	assert_int_equal(pricing_quote(tables, &s, &m, 13 * TB / 10, &q, &e), 0);
	assert_false(q.compute_note);
	/* fly: 0.00000413 x 2,678,400 s = 11.06, + 26.00; ex44 42.12; render
	 * professional: standard 25 + seat 19 + 120 = 164 */
	assert_string_equal(q.rows[0].plan->plan, "payg");
	expect("fly", q.rows[0].bill.total, USD(37.06));
	assert_int_equal(q.rows[0].key, q.rows[0].bill.total);
	assert_string_equal(q.rows[1].plan->plan, "ex44");
	expect("render", q.rows[2].bill.total, USD(164));
	pricing_quote_release(&q);
}

static void breakeven_when_both_bills_start_at_zero(void **state)
{
	struct pricing_plan *fly = one_plan("2026-05", "fly", "payg", "na-eu");
	struct pricing_plan *hobby = one_plan("2026-05", "render", "hobby", NULL);
	struct pricing_crossings c;
	struct pricing_money m;
	struct err e;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_breakeven(&m, fly, hobby, PRICING_SEARCH_LIMIT, &c, &e), 0);
	/*
	 * Both bill 0.00 at zero egress.  Hobby stays at 0 up to its free
	 * 5 GB while fly charges 0.02/GB, so hobby leads first; one byte
	 * beyond 5 GB hobby bills a started GB, 0.15, against fly's 0.10, and
	 * from there hobby's 0.15/GB never catches fly's 0.02/GB again.
	 */
	assert_int_equal(c.first, 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.x[0].at, 5 * GB + 1);
	assert_int_equal(c.x[0].lead, -1);
	free(fly);
	free(hobby);
}

static void breakeven_finds_a_band_that_opens_and_closes(void **state)
{
	struct pricing_plan *fly = one_plan("2026-05", "fly", "payg", "apac-oc-sa");
	struct pricing_plan *org = one_plan("2026-05", "render", "organization", NULL);
	struct pricing_crossings c;
	struct pricing_money m;
	struct err e;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_breakeven(&m, fly, org, PRICING_SEARCH_LIMIT, &c, &e), 0);
	/*
	 * fly APAC: 0.04/GB from the first byte; organization: one 29.00 seat,
	 * 1 TB included, then 15.00 per started 100 GB.  Fly leads until it
	 * reaches 29.00: its egress line, rounded half up to cents, is 29.00
	 * from 724,875,000,000 B (0.04 x 724.875 GB = 28.995), a tie, after
	 * which organization is cheaper.  One
	 * byte past 1 TB organization bills 44.00 against fly's 40.00, and at
	 * 0.15/GB against 0.04/GB it never leads again (at 1.1 TB both bill
	 * 44.00: a tie, not a crossing).
	 */
	assert_int_equal(c.first, -1);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.x[0].at, 724875000000ULL);
	assert_int_equal(c.x[0].lead, 1);
	assert_int_equal(c.x[1].at, TB + 1);
	assert_int_equal(c.x[1].lead, -1);
	assert_false(c.more);
	free(fly);
	free(org);
}

static void breakeven_of_the_story(void **state)
{
	struct pricing_plan *ex44 = one_plan("2026-05", "hetzner", "ex44", NULL);
	struct pricing_plan *prof = one_plan("2026-05", "render", "professional", NULL);
	struct pricing_crossings c;
	struct pricing_money m;
	struct err e;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_breakeven(&m, ex44, prof, PRICING_SEARCH_LIMIT, &c, &e), -1);
	assert_string_equal(e.msg, "different currencies (EUR, USD)");
	assert_int_equal(pricing_money_add_rate(&m, "EUR=1.08", &e), 0);
	assert_int_equal(pricing_breakeven(&m, ex44, prof, PRICING_SEARCH_LIMIT, &c, &e), 0);
	/* 42.12 against 19 + 15 per started 100 GB beyond 500 GB: 34.00 at
	 * 600 GB, 49.00 one byte more. */
	assert_int_equal(c.first, 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.x[0].at, 600 * GB + 1);
	free(ex44);
	free(prof);
}

static void invoice_range_of_the_total_and_of_the_egress_line(void **state)
{
	struct pricing_plan *pro = one_plan("2026-05", "render", "pro", NULL);
	struct pricing_plan *prof = one_plan("2025-06", "render", "professional", NULL);
	struct pricing_invoice inv;
	struct pricing_money m;
	struct err e;

	(void)state;
	pricing_money_init(&m);
	/* 216.40 = 25 + 1,276 started GB x 0.15: egress above 1,300 GB up to 1,301 GB */
	assert_int_equal(pricing_invoice_range(&m, pro, USD(216.40), PRICING_LINE_TOTAL,
	                                       PRICING_SEARCH_LIMIT, &inv, &e),
	                 0);
	assert_int_equal(inv.status, PRICING_INVOICE_EXACT);
	assert_int_equal(inv.lo, 1300 * GB + 1);
	assert_int_equal(inv.hi, 1301 * GB);
	/*
	 * The seed's $336 bandwidth line in June 2025 ($30 per started 100 GB
	 * beyond 500 GB): 11 blocks, 330.00, cover up to 1.6 TB; one byte more
	 * is 12 blocks, 360.00.  No volume gives 336.
	 */
	assert_int_equal(pricing_invoice_range(&m, prof, USD(336), PRICING_LINE_EGRESS,
	                                       PRICING_SEARCH_LIMIT, &inv, &e),
	                 0);
	assert_int_equal(inv.status, PRICING_INVOICE_BETWEEN);
	assert_int_equal(inv.lo, 1600 * GB);
	expect("at lo", inv.at_lo, USD(330));
	expect("one byte more", inv.at_hi, USD(360));
	/* Below the fixed charges: one 19.00 seat at zero egress. */
	assert_int_equal(pricing_invoice_range(&m, prof, USD(10), PRICING_LINE_TOTAL,
	                                       PRICING_SEARCH_LIMIT, &inv, &e),
	                 0);
	assert_int_equal(inv.status, PRICING_INVOICE_BELOW);
	expect("fixed", inv.at_lo, USD(19));
	free(pro);
	free(prof);
}

/* --- equivalent capacity and the migration view ----------------------- */

/* The row of q for provider/plan, or a failure. */
static const struct pricing_quote_row *row_of(const struct pricing_quote *q, const char *provider,
                                              const char *plan)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->rows[i].plan->provider, provider) == 0 &&
		    strcmp(q->rows[i].plan->plan, plan) == 0)
			return &q->rows[i];
	fail_msg("no row %s/%s", provider, plan);
	return NULL;
}

static bool has_row(const struct pricing_quote *q, const char *provider, const char *plan)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->rows[i].plan->provider, provider) == 0 &&
		    (!plan || strcmp(q->rows[i].plan->plan, plan) == 0))
			return true;
	return false;
}

/* Quotes 1.3 TB in 2026-05 with a config text (freed by the caller). */
static void quote_with(const char *text, struct pricing_select *s, const struct pricing_money *m,
                       struct pricing_quote *q, struct config **cfg)
{
	struct err e;

	*cfg = NULL;
	if (text) {
		if (config_parse(text, strlen(text), "t.conf", cfg, &e))
			fail_msg("%s", e.msg);
		s->config = *cfg;
	}
	if (pricing_quote(tables, s, m, 13 * TB / 10, q, &e))
		fail_msg("quote: %s", e.msg);
}

static void need_syntax_and_fit(void **state)
{
	struct pricing_need n;
	struct err e;
	char buf[96];

	(void)state;
	assert_int_equal(pricing_need_parse("2x1cpu/2GB,dedicated", &n, &e), 0);
	assert_int_equal(n.count, 2);
	assert_int_equal(n.cpu_milli, 1000);
	assert_int_equal(n.ram, 2 * GB);
	assert_true(n.dedicated);
	assert_int_equal(n.disk, 0);
	assert_string_equal(pricing_need_format(&n, buf, sizeof(buf)),
	                    "2x 1 vCPU/2.00 GB dedicated");
	assert_int_equal(pricing_need_parse("0.5cpu/512MB/40GB", &n, &e), 0);
	assert_int_equal(n.count, 1);
	assert_int_equal(n.cpu_milli, 500);
	assert_int_equal(n.disk, 40 * GB);
	assert_false(n.dedicated);
	assert_int_equal(pricing_need_parse("cpu=2,ram=4GB,disk=80GB,count=3,shared", &n, &e), 0);
	assert_int_equal(n.count, 3);
	assert_int_equal(n.disk, 80 * GB);
	assert_int_equal(pricing_need_parse("2x1cpu", &n, &e), -1);
	assert_int_equal(pricing_need_parse("dedicated,2x1cpu/2GB", &n, &e), -1);
	assert_int_equal(pricing_need_parse("0x1cpu/2GB", &n, &e), -1);
	assert_int_equal(pricing_need_parse("1cpu/2GB,fast", &n, &e), -1);

	/* 1 vCPU / 2 GB dedicated: a shared machine never meets it unless
	 * allowed; more CPU or memory does; unknown CPU kind is not dedicated. */
	assert_int_equal(pricing_need_parse("1cpu/2GB/40GB,dedicated", &n, &e), 0);
	assert_true(pricing_need_fits(&n, 2000, 8 * GB, 80 * GB, PRICING_CPU_DEDICATED, false));
	assert_false(pricing_need_fits(&n, 2000, 8 * GB, 80 * GB, PRICING_CPU_SHARED, false));
	assert_true(pricing_need_fits(&n, 2000, 8 * GB, 80 * GB, PRICING_CPU_SHARED, true));
	assert_false(pricing_need_fits(&n, 2000, 8 * GB, 80 * GB, PRICING_CPU_UNKNOWN, false));
	assert_false(pricing_need_fits(&n, 500, 8 * GB, 80 * GB, PRICING_CPU_DEDICATED, false));
	assert_false(pricing_need_fits(&n, 1000, GB, 80 * GB, PRICING_CPU_DEDICATED, false));
	assert_false(pricing_need_fits(&n, 1000, 2 * GB, 20 * GB, PRICING_CPU_DEDICATED, false));
	/* a machine whose table gives no disk is not refused for it */
	assert_true(pricing_need_fits(&n, 1000, 2 * GB, 0, PRICING_CPU_DEDICATED, false));
	/* a shared need is met by a dedicated CPU */
	n.dedicated = false;
	assert_true(pricing_need_fits(&n, 1000, 2 * GB, 0, PRICING_CPU_DEDICATED, false));
}

/*
 * The case: two Render standard instances (1 vCPU, 2 GB, shared)
 * on professional in the seed's month, 1.3 TB, matched on Fly and Hetzner.
 */
static void render_service_is_matched_on_fly_and_hetzner(void **state)
{
	struct pricing_select s = sel_of("2026-05", "fly,hetzner,render", NULL, NULL);
	struct pricing_quote q;
	struct pricing_money m;
	struct config *cfg;
	const struct pricing_quote_row *r;
	char buf[96];

	(void)state;
	pricing_money_init(&m);
	quote_with("[provider render]\nplan = professional\ninstances = standard:2\n", &s, &m, &q,
	           &cfg);
	assert_true(q.need.set);
	assert_string_equal(q.need_from, "render");
	assert_string_equal(pricing_need_format(&q.need, buf, sizeof(buf)),
	                    "2x 1 vCPU/2.00 GB shared");
	assert_false(q.compute_note);
	assert_string_equal(q.unfit, "");
	/* render as configured: 2 x 25 + seat 19 + 8 blocks x 15 = 189 */
	r = row_of(&q, "render", "professional");
	assert_true(r->plan->compute_known);
	assert_false(r->plan->matched);
	expect("render", r->bill.total, USD(189));
	/* fly: the cheapest preset with 1 vCPU and 2 GB is shared-cpu-1x-2gb,
	 * 0.00000413 x 2,678,400 s (31 days) = 11.061792 each, x 2 =
	 * 22.123584 -> 22.12; egress 1,300 GB x 0.02 = 26.00 */
	r = row_of(&q, "fly", "payg");
	assert_true(r->plan->matched);
	assert_string_equal(r->plan->instance, "shared-cpu-1x-2gb");
	assert_int_equal(r->plan->count, 2);
	assert_int_equal(r->plan->cpu, PRICING_CPU_SHARED);
	expect("fly compute", r->bill.compute, USD(22.12));
	expect("fly", r->bill.total, USD(48.12));
	/* hetzner: every server plan that fits, two of each: cx23 2 x 3.99 */
	r = row_of(&q, "hetzner", "cx23");
	assert_true(r->plan->matched);
	assert_int_equal(r->plan->count, 2);
	expect("cx23", r->bill.total, USD(7.98));
	expect("ccx13", row_of(&q, "hetzner", "ccx13")->bill.total, USD(24.98));
	/* cpx11 (2 GB) fits too but ended 2025-12-31 */
	assert_false(has_row(&q, "hetzner", "cpx11"));
	pricing_quote_release(&q);
	config_free(cfg);
}

static void dedicated_is_never_traded_for_shared(void **state)
{
	/* the three providers the figures are about (other tables change the
	 * unfit list, not the rule) */
	struct pricing_select s = sel_of("2026-05", "fly,hetzner,render", NULL, NULL);
	struct pricing_quote q;
	struct pricing_money m;
	struct config *cfg;
	const struct pricing_quote_row *r;
	struct err e;

	(void)state;
	pricing_money_init(&m);
	/* what runs on fly is dedicated: two performance-1x-2gb */
	quote_with("[provider fly]\ninstances = performance-1x-2gb:2\n", &s, &m, &q, &cfg);
	assert_true(q.need.dedicated);
	assert_string_equal(q.need_from, "fly");
	/* render has no dedicated instance: nothing fits there */
	assert_false(has_row(&q, "render", NULL));
	assert_string_equal(q.unfit, "render");
	/* hetzner: only dedicated servers (ccx13, ax41, ex44, ax42) */
	assert_false(has_row(&q, "hetzner", "cx23"));
	assert_false(has_row(&q, "hetzner", "cax11"));
	r = row_of(&q, "hetzner", "ccx13");
	assert_int_equal(r->plan->cpu, PRICING_CPU_DEDICATED);
	expect("ccx13", r->bill.total, USD(24.98));
	pricing_quote_release(&q);
	config_free(cfg);

	/* --allow-shared: render's standard and hetzner's cx23 meet it */
	s.allow_shared = true;
	quote_with("[provider fly]\ninstances = performance-1x-2gb:2\n", &s, &m, &q, &cfg);
	assert_string_equal(row_of(&q, "render", "professional")->plan->instance, "standard");
	expect("cx23", row_of(&q, "hetzner", "cx23")->bill.total, USD(7.98));
	assert_string_equal(q.unfit, "");
	pricing_quote_release(&q);
	config_free(cfg);

	/* --need 2x1cpu/2GB,dedicated on fly: performance-1x-2gb,
	 * 0.00001196 x 2,678,400 = 32.033664 each, x 2 = 64.067328 -> 64.07 */
	s = sel_of("2026-05", "fly", NULL, NULL);
	assert_int_equal(pricing_need_parse("2x1cpu/2GB,dedicated", &s.need, &e), 0);
	quote_with(NULL, &s, &m, &q, &cfg);
	assert_string_equal(q.rows[0].plan->instance, "performance-1x-2gb");
	expect("fly compute", q.rows[0].bill.compute, USD(64.07));
	pricing_quote_release(&q);
}

static void a_need_nothing_fits(void **state)
{
	struct pricing_select s = sel_of("2026-05", "fly,hetzner,render", NULL, NULL);
	struct pricing_quote q;
	struct pricing_money m;
	struct config *cfg;
	struct err e;

	(void)state;
	pricing_money_init(&m);
	/* 16 dedicated vCPU / 128 GB: only fly has it; render (8 vCPU / 32 GB
	 * at most) and hetzner (ex44: 20 threads but 64 GB) do not */
	quote_with("[provider fly]\ninstances = performance-16x-128gb\n", &s, &m, &q, &cfg);
	assert_string_equal(q.unfit, "hetzner, render");
	assert_int_equal(q.n, 1);
	/* 976.25 per 30 days x 31/30 = 1008.7917 -> 1008.79 */
	expect("fly compute", q.rows[0].bill.compute, USD(1008.79));
	pricing_quote_release(&q);
	config_free(cfg);
	/* an explicit need that fits nowhere is an error */
	s = sel_of("2026-05", NULL, NULL, NULL);
	assert_int_equal(pricing_need_parse("1x64cpu/512GB", &s.need, &e), 0);
	assert_int_equal(pricing_quote(tables, &s, &m, 13 * TB / 10, &q, &e), -1);
	assert_string_equal(e.msg, "no plan has an instance that fits the need");
}

/* Disk counts where the tables carry it; hours carry over from the source. */
static void disk_and_hours_carry_over(void **state)
{
	struct pricing_select s = sel_of("2026-05", NULL, NULL, NULL);
	struct pricing_quote q;
	struct pricing_money m;
	struct config *cfg;
	struct err e;

	(void)state;
	pricing_money_init(&m);
	/* 60 GB of disk: cx23 and cax11 (40 GB) no longer fit, cx33 (80 GB)
	 * does; fly gives no disk with a Machine, so it is not refused */
	assert_int_equal(pricing_need_parse("1cpu/2GB/60GB", &s.need, &e), 0);
	quote_with(NULL, &s, &m, &q, &cfg);
	assert_false(has_row(&q, "hetzner", "cx23"));
	assert_false(has_row(&q, "hetzner", "cax11"));
	expect("cx33", row_of(&q, "hetzner", "cx33")->bill.compute, USD(6.49));
	assert_string_equal(row_of(&q, "fly", "payg")->plan->instance, "shared-cpu-1x-2gb");
	pricing_quote_release(&q);
	/* 100 hours on render: fly's two shared-cpu-1x-2gb run 360,000 s each,
	 * 2 x 0.00000413 x 360,000 = 2.9736 -> 2.97 */
	s = sel_of("2026-05", NULL, NULL, NULL);
	quote_with("[provider render]\nplan = professional\ninstances = standard:2\nhours = 100\n",
	           &s, &m, &q, &cfg);
	assert_int_equal(q.need.seconds, 360000);
	expect("fly compute", row_of(&q, "fly", "payg")->bill.compute, USD(2.97));
	pricing_quote_release(&q);
	config_free(cfg);
}

static void payback_by_hand(void **state)
{
	uint64_t months;

	(void)state;
	/* 298.08 of one-off costs, 104.76 saved a month: 2 months save
	 * 209.52, 3 save 314.28, so 3 */
	assert_true(pricing_payback(USD(298.08), USD(104.76), &months));
	assert_int_equal(months, 3);
	/* exactly two months: 200 / 100 */
	assert_true(pricing_payback(USD(200), USD(100), &months));
	assert_int_equal(months, 2);
	/* one cent over two months' savings takes a third */
	assert_true(pricing_payback(USD(200.01), USD(100), &months));
	assert_int_equal(months, 3);
	/* nothing to pay back */
	assert_true(pricing_payback(0, USD(100), &months));
	assert_int_equal(months, 0);
	assert_true(pricing_payback(0, -USD(5), &months));
	assert_int_equal(months, 0);
	/* no saving, or a dearer candidate: never */
	assert_false(pricing_payback(USD(1), 0, &months));
	assert_false(pricing_payback(USD(1), -USD(5), &months));
}

/*
 * Render (189.00 a month, as above) to hetzner ex44 at EUR 1.08: 2 servers
 * of EUR 39 = 84.24 USD a month, 104.76 less; setup 2 x EUR 99 (from
 * 2026-02-02) = EUR 198 = 213.84 USD; with a month of overlap 84.24 more:
 * one-off 298.08, paid back in 3 months.
 */
static void migration_from_render_to_ex44(void **state)
{
	struct pricing_select s = sel_of("2026-05", NULL, NULL, NULL);
	struct pricing_quote q;
	struct pricing_money m;
	struct pricing_migration mg;
	struct config *cfg;
	struct err e;
	long now;

	(void)state;
	pricing_money_init(&m);
	assert_int_equal(pricing_money_add_rate(&m, "EUR=1.08", &e), 0);
	s.from = "render";
	quote_with("[provider render]\nplan = professional\ninstances = standard:2\n", &s, &m, &q,
	           &cfg);
	now = pricing_quote_find(&q, "render", NULL, &e);
	assert_true(now >= 0);
	assert_int_equal(
	    pricing_migration(&m, &q.rows[now], row_of(&q, "hetzner", "ex44"), true, &mg, &e), 0);
	assert_true(mg.comparable);
	expect("now", mg.now, USD(189));
	expect("then", mg.then, USD(84.24));
	expect("monthly", mg.monthly, -USD(104.76));
	expect("setup", mg.setup, USD(213.84));
	expect("overlap", mg.overlap, USD(84.24));
	expect("one-off", mg.one_off, USD(298.08));
	assert_true(mg.pays_back);
	assert_int_equal(mg.months, 3);
	/* without overlap: 213.84 / 104.76 = 2.04 -> 3 months */
	assert_int_equal(
	    pricing_migration(&m, &q.rows[now], row_of(&q, "hetzner", "ex44"), false, &mg, &e), 0);
	expect("one-off", mg.one_off, USD(213.84));
	assert_int_equal(mg.months, 3);
	/* cx23 has no setup fee: 7.98 EUR = 8.62 USD (8.6184), paid back at once */
	assert_int_equal(
	    pricing_migration(&m, &q.rows[now], row_of(&q, "hetzner", "cx23"), false, &mg, &e), 0);
	expect("cx23", mg.then, USD(8.62));
	assert_int_equal(mg.months, 0);
	assert_int_equal(pricing_quote_find(&q, "render", "pro", &e), -1);
	pricing_quote_release(&q);
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(money_converts_then_adds_vat),
	    cmocka_unit_test(lines_add_up_to_the_total),
	    cmocka_unit_test(lists_keep_the_named_plans),
	    cmocka_unit_test(a_retired_plan_is_priced_as_its_successor),
	    cmocka_unit_test(new_order_prices_leave_older_servers_alone),
	    cmocka_unit_test(per_server_allowances_are_not_pooled),
	    cmocka_unit_test(quote_sorts_report_currency_first_cheapest_first),
	    cmocka_unit_test(breakeven_when_both_bills_start_at_zero),
	    cmocka_unit_test(breakeven_finds_a_band_that_opens_and_closes),
	    cmocka_unit_test(breakeven_of_the_story),
	    cmocka_unit_test(need_syntax_and_fit),
	    cmocka_unit_test(render_service_is_matched_on_fly_and_hetzner),
	    cmocka_unit_test(dedicated_is_never_traded_for_shared),
	    cmocka_unit_test(a_need_nothing_fits),
	    cmocka_unit_test(disk_and_hours_carry_over),
	    cmocka_unit_test(payback_by_hand),
	    cmocka_unit_test(migration_from_render_to_ex44),
	    cmocka_unit_test(invoice_range_of_the_total_and_of_the_egress_line),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
