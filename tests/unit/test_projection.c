/*
 * Unit tests for the projection library: which measurements a projected
 * bill is based on (one source per host and day, billable services only),
 * days without data, the band, and projections nothing can price.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(daily_egress_one_source_per_host_and_day),
	    cmocka_unit_test(run_marks_days_without_data),
	    cmocka_unit_test(run_refuses_what_cannot_be_priced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
