/*
 * Unit tests for the projection library: which measurements a projected
 * bill is based on (one source per host and day, billable services only),
 * days without data, the band, projections nothing can price, and bills
 * rounded as the invoice is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "projection/projection.h"
#include "util/date.h"

static char dir[256], db[300];

static struct store *fresh(void)
{
	struct store *s;
	struct err e;

	snprintf(dir, sizeof(dir), "%s/costs-proj-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/c.db", dir);
	assert_int_equal(store_open(db, true, 1000, &s, &e), 0);
	return s;
}

static void done(struct store *s)
{
	store_close(s);
	unlink(db);
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", db);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", db);
	unlink(wal);
	rmdir(dir);
}

static void put(struct store *s, const char *host, int32_t day, const char *service,
                const char *source, uint64_t bytes)
{
	struct err e;
	assert_int_equal(store_set_totals(s, host, day, service, source, bytes, 0, 0, 0, &e), 0);
}

/* nft and iface measured the same day: only nft counts; two hosts add up. */
static void daily_egress_one_source_per_host_and_day(void **state)
{
	struct store *s = fresh();
	int32_t d = date_from_civil(2026, 5, 10);
	double days[3];
	struct err e;
	(void)state;

	put(s, "a", d, "https", "nft", 1000);
	put(s, "a", d, "eth0", "iface", 1100);
	put(s, "b", d, "https", "pcap", 500);
	put(s, "a", d + 2, "eth0", "iface", 70);
	assert_int_equal(projection_daily_egress(s, NULL, d, d + 2, NULL, days, &e), 0);
	assert_true(days[0] == 1500.0); /* a's nft 1000 + b's pcap 500, not a's iface */
	assert_true(isnan(days[1]));    /* no data at all */
	assert_true(days[2] == 70.0);   /* only iface: it is the best there is */
	assert_int_equal(projection_daily_egress(s, NULL, d, d, "b", days, &e), 0);
	assert_true(days[0] == 500.0);
	done(s);
}

/*
 * Measured days 1, 2 and 5 of a 31-day month as of day 5: mtd is their sum,
 * days 3 and 4 are not measured, and the p50 path goes on past day 5.
 */
static void run_marks_days_without_data(void **state)
{
	struct store *s = fresh();
	int32_t m = date_from_civil(2026, 5, 1);
	struct projection p;
	struct err e;
	(void)state;

	put(s, "a", m, "https", "import", 100);
	put(s, "a", m + 1, "https", "import", 200);
	put(s, "a", m + 4, "https", "import", 300);
	assert_int_equal(projection_run(s, NULL, m + 4, NULL, &p, &e), 0);
	assert_true(p.mtd == 600.0);
	assert_int_equal(p.measured_days, 3);
	assert_true(p.measured[0] && p.measured[1] && !p.measured[2] && !p.measured[3] &&
	            p.measured[4] && !p.measured[5]);
	assert_true(p.cum_p50[4] == 600.0);
	assert_true(p.cum_p50[30] > 600.0);
	assert_true(p.p10 <= p.p50 && p.p50 <= p.p90);
	double lo, mid, hi;
	projection_band(&p, 4, &lo, &mid, &hi);
	assert_true(lo == 600.0 && mid == 600.0 && hi == 600.0); /* the band opens after as_of */
	projection_band(&p, 30, &lo, &mid, &hi);
	assert_true(lo <= mid && mid <= hi && mid == p.p50);
	assert_true(projection_widened(&p)); /* three days of history */
	projection_release(&p);

	/* On the month's last day nothing is forecast, so nothing is widened. */
	assert_int_equal(projection_run(s, NULL, m + 30, NULL, &p, &e), 0);
	assert_false(projection_widened(&p));
	assert_true(p.p10 == p.p50 && p.p50 == p.p90 && p.p50 == 600.0);
	projection_release(&p);
	done(s);
}

/* Legal imports near 2^63 project past what a bill can hold: an error. */
static void run_refuses_what_cannot_be_priced(void **state)
{
	struct store *s = fresh();
	int32_t m = date_from_civil(2026, 5, 1);
	struct projection p;
	struct err e;
	(void)state;

	put(s, "a", m, "https", "import", INT64_MAX - 10);
	put(s, "b", m + 1, "https", "import", INT64_MAX - 10);
	assert_int_equal(projection_run(s, NULL, m + 1, NULL, &p, &e), -1);
	assert_non_null(strstr(e.msg, "beyond what costs can price"));
	done(s);
}

/* A projection of one month whose p50 path stays at `p50` from day one. */
static void flat_projection(struct projection *p, int32_t first, double p10, double p50, double p90)
{
	memset(p, 0, sizeof(*p));
	p->month_first = first;
	p->month_last = first + date_days_in_month(first) - 1;
	p->as_of = first;
	p->p10 = p10;
	p->p50 = p50;
	p->p90 = p90;
	p->cum_p50 = calloc((size_t)date_days_in_month(first), sizeof(double));
	assert_non_null(p->cum_p50);
	for (int i = 0; i < date_days_in_month(first); i++)
		p->cum_p50[i] = p50;
}

/* Fails unless the lines of b add up to its total. */
static void lines_add_up(const struct pricing_bill *b)
{
	assert_int_equal(b->base + b->seats + b->compute + b->egress + b->other + b->vat, b->total);
}

/*
 * Hetzner cx23 in April 2026 as its table has it: EUR 3.99 a month, 20 TiB
 * included, EUR 1.00 a TiB beyond in 100 MiB blocks rounded up.  Worked by
 * hand (block = 104,857,600 B; 20 TiB = 21,990,232,555,520 B):
 *   p10 25 TB: 3,009,767,444,480 B = 28,703.38 blocks -> 28,704 = EUR 2.73742...
 *              -> 2.74; total 3.99 + 2.74 = 6.73 (micro-units: 6.727427)
 *   p50 30 TB: 8,009,767,444,480 B = 76,387.09 blocks -> 76,388 = EUR 7.28492...
 *              -> 7.28; total 11.27 (micro-units: 11.274928)
 *   p90 35 TB: 13,009,767,444,480 B = 124,070.81 blocks -> 124,071 = EUR 11.83233...
 *              -> 11.83; total 15.82 (micro-units: 15.822333)
 * With --rate EUR=1.0009 into USD, line by line: 3.99 x 1.0009 = 3.993591 -> 3.99,
 * 7.28 x 1.0009 = 7.286552 -> 7.29; total 11.28.  With 19 % VAT on that
 * rounded net: 11.28 x 0.19 = 2.1432 -> 2.14; total 13.42.
 */
static void price_rounds_as_the_invoice(void **state)
{
	int32_t april = date_from_civil(2026, 4, 1);
	struct pricing_plan cx23 = {.provider = "hetzner",
	                            .plan = "cx23",
	                            .region = "eu",
	                            .month = april,
	                            .days = 30,
	                            .currency = "EUR",
	                            .count = 1,
	                            .base = 3990000,
	                            .included = 20 * 1099511627776ULL,
	                            .price = 1000000000000, /* EUR 1.00 in pico-units */
	                            .per_bytes = 1099511627776ULL,
	                            .block = 100 * 1048576ULL,
	                            .rounding = 1};
	struct projection p;
	struct projection_bill row;
	struct pricing_money m;
	struct err e;
	(void)state;

	flat_projection(&p, april, 25e12, 30e12, 35e12);
	assert_int_equal(projection_price(&p, &cx23, 1, NULL, &row, &e), 0);
	assert_string_equal(row.bill[1].currency, "EUR");
	assert_int_equal(row.bill[0].egress, 2740000);
	assert_int_equal(row.bill[0].total, 6730000);
	assert_int_equal(row.bill[1].egress, 7280000);
	assert_int_equal(row.bill[1].total, 11270000);
	assert_int_equal(row.bill[2].egress, 11830000);
	assert_int_equal(row.bill[2].total, 15820000);
	for (int k = 0; k < 3; k++)
		lines_add_up(&row.bill[k]);
	/* The band stays ordered once rounded, and the allowance day is exact. */
	assert_true(row.bill[0].total <= row.bill[1].total &&
	            row.bill[1].total <= row.bill[2].total);
	assert_int_equal(row.exhausted_on, april);

	pricing_money_init(&m);
	assert_int_equal(pricing_money_add_rate(&m, "EUR=1.0009", &e), 0);
	assert_int_equal(projection_price(&p, &cx23, 1, &m, &row, &e), 0);
	assert_string_equal(row.bill[1].currency, "USD");
	assert_int_equal(row.bill[1].base, 3990000);
	assert_int_equal(row.bill[1].egress, 7290000);
	assert_int_equal(row.bill[1].total, 11280000);
	lines_add_up(&row.bill[1]);
	assert_int_equal(pricing_money_vat(&m, "19", &e), 0);
	assert_int_equal(projection_price(&p, &cx23, 1, &m, &row, &e), 0);
	assert_int_equal(row.bill[1].vat, 2140000);
	assert_int_equal(row.bill[1].total, 13420000);
	for (int k = 0; k < 3; k++)
		lines_add_up(&row.bill[k]);
	projection_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(daily_egress_one_source_per_host_and_day),
	    cmocka_unit_test(run_marks_days_without_data),
	    cmocka_unit_test(run_refuses_what_cannot_be_priced),
	    cmocka_unit_test(price_rounds_as_the_invoice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
