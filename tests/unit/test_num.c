/* Unit tests for checked number parsing, sizes and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/num.h"

static void parse_u64_accepts_whole_range_and_rejects_junk(void **state)
{
	uint64_t v;
	struct err e;
	(void)state;
	assert_int_equal(num_parse_u64("0", 0, INT64_MAX, &v, &e), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse_u64("9223372036854775807", 0, INT64_MAX, &v, &e), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(num_parse_u64("9223372036854775808", 0, INT64_MAX, &v, &e), -1);
	assert_non_null(strstr(e.msg, "out of range"));
	assert_int_equal(num_parse_u64("18446744073709551616", 0, UINT64_MAX, &v, &e), -1);
	assert_int_equal(num_parse_u64("-1", 0, 10, &v, &e), -1);
	assert_int_equal(num_parse_u64("1 ", 0, 10, &v, &e), -1);
	assert_int_equal(num_parse_u64("", 0, 10, &v, &e), -1);
	assert_int_equal(num_parse_u64("0x10", 0, 100, &v, &e), -1);
}

static void parse_i64_handles_signs_and_limits(void **state)
{
	int64_t v;
	(void)state;
	assert_int_equal(num_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v, NULL), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(num_parse_i64("+5", 0, 10, &v, NULL), 0);
	assert_int_equal(v, 5);
	assert_int_equal(num_parse_i64("-5", 0, 10, &v, NULL), -1);
}

static void fixed_point_scales_and_refuses_extra_precision(void **state)
{
	int64_t v;
	(void)state;
	assert_int_equal(num_parse_fixed("120", 6, &v, NULL), 0);
	assert_true(v == 120000000);
	assert_int_equal(num_parse_fixed("0.15", 6, &v, NULL), 0);
	assert_true(v == 150000);
	assert_int_equal(num_parse_fixed("-1.5", 6, &v, NULL), 0);
	assert_true(v == -1500000);
	assert_int_equal(num_parse_fixed("0.0000001", 6, &v, NULL), -1);
	assert_int_equal(num_parse_fixed("1.2000000", 6, &v, NULL), 0);
	assert_int_equal(num_parse_fixed(".", 6, &v, NULL), -1);
	assert_int_equal(num_parse_fixed("1..2", 6, &v, NULL), -1);
	assert_int_equal(num_parse_fixed("99999999999999", 6, &v, NULL), -1);
}

static void sizes_use_decimal_and_binary_units(void **state)
{
	uint64_t v;
	struct err e;
	(void)state;
	assert_int_equal(num_parse_size("1.3TB", &v, &e), 0);
	assert_true(v == 1300000000000ULL);
	assert_int_equal(num_parse_size("1TiB", &v, &e), 0);
	assert_true(v == 1099511627776ULL);
	assert_int_equal(num_parse_size("42", &v, &e), 0);
	assert_true(v == 42);
	assert_int_equal(num_parse_size("10 kB", &v, &e), 0);
	assert_true(v == 10000);
	assert_int_equal(num_parse_size("1.5KiB", &v, &e), 0);
	assert_true(v == 1536);
	assert_int_equal(num_parse_size("1.3XB", &v, &e), -1);
	assert_non_null(strstr(e.msg, "unknown unit"));
	assert_int_equal(num_parse_size("TB", &v, &e), -1);
	assert_int_equal(num_parse_size("-1GB", &v, &e), -1);
	assert_int_equal(num_parse_size("100000PB", &v, &e), -1);
}

static void sizes_of_plain_bytes_reach_int64_max(void **state)
{
	uint64_t v;
	struct err e;
	(void)state;
	/* 20 TiB in plain bytes: more than 9,223,372,036,854 (INT64_MAX / 10^6). */
	assert_int_equal(num_parse_size("21990232555520", &v, &e), 0);
	assert_true(v == 21990232555520ULL);
	assert_int_equal(num_parse_size("9223372036855", &v, &e), 0);
	assert_true(v == 9223372036855ULL);
	assert_int_equal(num_parse_size("9223372036854775807", &v, &e), 0);
	assert_true(v == 9223372036854775807ULL);
	assert_int_equal(num_parse_size("9223372036854775808", &v, &e), -1);
	assert_non_null(strstr(e.msg, "too large"));
	assert_int_equal(num_parse_size("8000PB", &v, &e), 0);
	assert_true(v == 8000000000000000000ULL);
	assert_int_equal(num_parse_size("1.0000001TB", &v, &e), -1);
	assert_int_equal(num_parse_size("1.000001TB", &v, &e), 0);
	assert_true(v == 1000001000000ULL);
	assert_int_equal(num_parse_size("1.2.3GB", &v, &e), -1);
	assert_int_equal(num_parse_size(".5GB", &v, &e), 0);
	assert_true(v == 500000000ULL);
}

static void formatting_is_human_and_exact(void **state)
{
	char b[32];
	(void)state;
	assert_string_equal(num_format_bytes(0, b, sizeof(b)), "0 B");
	assert_string_equal(num_format_bytes(999, b, sizeof(b)), "999 B");
	assert_string_equal(num_format_bytes(1300000000000ULL, b, sizeof(b)), "1.30 TB");
	assert_string_equal(num_format_bytes(45600000, b, sizeof(b)), "45.6 MB");
	assert_string_equal(num_format_bytes(999500, b, sizeof(b)), "1.00 MB");
	assert_string_equal(num_format_fixed(120000000, 6, 2, b, sizeof(b)), "120.00");
	assert_string_equal(num_format_fixed(2500, 6, 2, b, sizeof(b)), "0.0025");
	assert_string_equal(num_format_fixed(-1500000, 6, 2, b, sizeof(b)), "-1.50");
	assert_string_equal(num_format_cents(25692886, b, sizeof(b)), "25.69");
	assert_string_equal(num_format_cents(5000, b, sizeof(b)), "0.01");
	assert_string_equal(num_format_cents(4999, b, sizeof(b)), "0.00");
	assert_string_equal(num_format_cents(-5000, b, sizeof(b)), "-0.01");
	assert_string_equal(num_format_cents(INT64_MIN, b, sizeof(b)), "-9223372036854.78");
	assert_string_equal(num_format_fixed(INT64_MIN, 6, 2, b, sizeof(b)),
	                    "-9223372036854.775808");
}

static void checked_arithmetic_detects_overflow(void **state)
{
	int64_t r;
	uint64_t u;
	(void)state;
	assert_false(num_add_i64(INT64_MAX, 1, &r));
	assert_false(num_mul_i64(INT64_MAX / 2 + 1, 2, &r));
	assert_true(num_mul_i64(-3, 4, &r));
	assert_true(r == -12);
	assert_false(num_add_u64(UINT64_MAX, 1, &u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_u64_accepts_whole_range_and_rejects_junk),
	    cmocka_unit_test(parse_i64_handles_signs_and_limits),
	    cmocka_unit_test(fixed_point_scales_and_refuses_extra_precision),
	    cmocka_unit_test(sizes_use_decimal_and_binary_units),
	    cmocka_unit_test(sizes_of_plain_bytes_reach_int64_max),
	    cmocka_unit_test(formatting_is_human_and_exact),
	    cmocka_unit_test(checked_arithmetic_detects_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
