/* Unit tests for day numbers and ISO dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/date.h"

static void civil_round_trips_over_centuries(void **state)
{
	(void)state;
	for (int32_t d = -1000; d < 200000; d += 7) {
		int y, m, dd;
		date_to_civil(d, &y, &m, &dd);
		assert_int_equal(date_from_civil(y, m, dd), d);
	}
	assert_int_equal(date_from_civil(1970, 1, 1), 0);
	assert_int_equal(date_from_civil(2000, 3, 1), 11017);
}

static void parse_day_is_strict(void **state)
{
	int32_t d;
	char b[11];
	(void)state;
	assert_int_equal(date_parse_day("2026-05-31", &d, NULL), 0);
	assert_string_equal(date_format_day(d, b), "2026-05-31");
	assert_int_equal(date_parse_day("2024-02-29", &d, NULL), 0);
	assert_int_equal(date_parse_day("2025-02-29", &d, NULL), -1);
	assert_int_equal(date_parse_day("2026-13-01", &d, NULL), -1);
	assert_int_equal(date_parse_day("2026-5-31", &d, NULL), -1);
	assert_int_equal(date_parse_day("2026-05-31x", &d, NULL), -1);
	assert_int_equal(date_parse_day("", &d, NULL), -1);
}

static void months_know_their_length(void **state)
{
	int32_t first, last;
	char b[8];
	(void)state;
	assert_int_equal(date_parse_month("2026-02", &first, &last, NULL), 0);
	assert_int_equal(last - first + 1, 28);
	assert_int_equal(date_days_in_month(first + 10), 28);
	assert_string_equal(date_format_month(last, b), "2026-02");
	assert_int_equal(date_parse_month("2024-02", &first, &last, NULL), 0);
	assert_int_equal(last - first + 1, 29);
	assert_int_equal(date_parse_month("2026-00", &first, &last, NULL), -1);
	assert_int_equal(date_month_first(last), first);
}

static void weekdays_and_utc_days(void **state)
{
	int32_t d;
	(void)state;
	date_parse_day("2026-11-27", &d, NULL); /* a Friday */
	assert_int_equal(date_weekday(d), 4);
	assert_int_equal(date_utc_day(0), 0);
	assert_int_equal(date_utc_day(86399), 0);
	assert_int_equal(date_utc_day(86400), 1);
	assert_int_equal(date_utc_day(-1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(civil_round_trips_over_centuries),
	    cmocka_unit_test(parse_day_is_strict),
	    cmocka_unit_test(months_know_their_length),
	    cmocka_unit_test(weekdays_and_utc_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
