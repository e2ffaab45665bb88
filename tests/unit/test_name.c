/*
 * Unit tests for util/name (identifiers, UTF-8) and the length cap of
 * util/glob.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/glob.h"
#include "util/name.h"

static void check_bad(enum util_name_kind kind, const char *name, const char *expect)
{
	struct err e;

	assert_int_equal(util_name_check(kind, name, &e), -1);
	assert_false(util_name_valid(kind, name));
	if (!strstr(e.msg, expect))
		fail_msg("error '%s' lacks '%s'", e.msg, expect);
}

static void names_of_the_safe_alphabet_pass(void **state)
{
	struct err e;
	char longest[UTIL_NAME_HOST_MAX + 1];

	(void)state;
	assert_int_equal(util_name_check(UTIL_NAME_SERVICE, "game", &e), 0);
	assert_int_equal(util_name_check(UTIL_NAME_SERVICE, "api.v2_x-1", &e), 0);
	assert_int_equal(util_name_check(UTIL_NAME_HOST, "web1.example.com", &e), 0);
	assert_int_equal(util_name_check(UTIL_NAME_HOST, "10.0.0.1", &e), 0);
	assert_int_equal(util_name_check(UTIL_NAME_PLAN, "performance-2x-4gb", &e), 0);
	assert_int_equal(util_name_check(UTIL_NAME_PLAN, "cloud/cx22", &e), 0);
	memset(longest, 'h', UTIL_NAME_HOST_MAX);
	longest[UTIL_NAME_HOST_MAX] = '\0';
	assert_int_equal(util_name_check(UTIL_NAME_HOST, longest, &e), 0);
}

static void no_name_can_be_a_formula_or_an_escape(void **state)
{
	(void)state;
	check_bad(UTIL_NAME_HOST, "=HYPERLINK(\"http://x\",\"y\")",
	          "bad host name '=HYPERLINK(\"http://x\",\"y\")'");
	check_bad(UTIL_NAME_HOST, "@SUM(A1)", "bad host name '@SUM(A1)'");
	check_bad(UTIL_NAME_HOST, "+1", "bad host name");
	check_bad(UTIL_NAME_HOST, "-cmd", "bad host name '-cmd' (a letter or digit, then");
	check_bad(UTIL_NAME_PLAN, "-x", "bad plan name");
	check_bad(UTIL_NAME_PLAN, "=1+1", "bad plan name");
	check_bad(UTIL_NAME_SERVICE, "9x", "bad service name '9x' (a letter, then");
	check_bad(UTIL_NAME_SERVICE, "a b", "bad service name");
	check_bad(UTIL_NAME_SERVICE, "a/b", "bad service name");
	check_bad(UTIL_NAME_HOST, "a;b", "bad host name");
	check_bad(UTIL_NAME_HOST, "", "empty host name");
	/* Controls, quotes and non-ASCII bytes are shown as \xNN, never raw. */
	check_bad(UTIL_NAME_HOST, "a\x1b[31mred", "'a\\x1b[31mred'");
	check_bad(UTIL_NAME_HOST, "it's", "'it\\x27s'");
	check_bad(UTIL_NAME_HOST, "caf\xc3\xa9", "'caf\\xc3\\xa9'");
	check_bad(UTIL_NAME_HOST, "a\nb", "'a\\x0ab'");
}

static void names_have_a_length_limit(void **state)
{
	char s[300];
	struct err e;

	(void)state;
	memset(s, 'a', sizeof(s));
	s[UTIL_NAME_SERVICE_MAX] = '\0';
	assert_int_equal(util_name_check(UTIL_NAME_SERVICE, s, &e), 0);
	s[UTIL_NAME_SERVICE_MAX] = 'a';
	s[UTIL_NAME_SERVICE_MAX + 1] = '\0';
	check_bad(UTIL_NAME_SERVICE, s, "at most 64 characters");
	s[UTIL_NAME_HOST_MAX + 1] = '\0';
	memset(s, 'a', UTIL_NAME_HOST_MAX + 1);
	check_bad(UTIL_NAME_HOST, s, "...' (");
}

static void utf8_validation(void **state)
{
	(void)state;
	assert_true(util_utf8_valid("plain", 5));
	assert_true(util_utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
	assert_false(util_utf8_valid("\xc3", 1));             /* truncated */
	assert_false(util_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
	assert_false(util_utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
	assert_false(util_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(util_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(util_utf8_valid("\xff", 1));
	assert_false(util_utf8_valid("a\x80", 2));
}

/*
 * An 8 kB Host header against a 500-character pattern: the backtracking
 * matcher spent length(Host) x length(pattern) steps on it (35 s for 3,000
 * flows).  Over-long names never match, so this is immediate.
 */
static void overlong_names_never_match_and_cost_nothing(void **state)
{
	static char host[8192], pattern[501];
	struct timespec t0, t1;

	(void)state;
	memset(host, 'a', sizeof(host));
	memset(pattern, 'a', sizeof(pattern) - 1);
	pattern[0] = '*';
	pattern[sizeof(pattern) - 2] = 'b';
	assert_false(glob_match_ci("*", host, sizeof(host)));
	assert_false(glob_match_ci("*", host, GLOB_MAX_TEXT + 1));
	assert_true(glob_match_ci("*", host, GLOB_MAX_TEXT));
	assert_true(glob_match_ci("a*a", host, GLOB_MAX_TEXT));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 3000; i++)
		assert_false(glob_match_ci(pattern, host, sizeof(host)));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("3000 matches of an 8 kB host against a 500-character pattern: %.3f s\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_of_the_safe_alphabet_pass),
	    cmocka_unit_test(no_name_can_be_a_formula_or_an_escape),
	    cmocka_unit_test(names_have_a_length_limit),
	    cmocka_unit_test(utf8_validation),
	    cmocka_unit_test(overlong_names_never_match_and_cost_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
