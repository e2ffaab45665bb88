/* Unit tests for libraries loaded on first use (util/dynlib). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "util/dynlib.h"

/* libm is on every glibc system and has a stable soname. */
struct m_api {
	__typeof__(cos) *cos;
	__typeof__(ldexp) *ldexp;
};

static const struct dynlib_sym m_syms[] = {
    DYNLIB_SYM(struct m_api, cos, cos),
    DYNLIB_SYM(struct m_api, ldexp, ldexp),
};

static void load_fills_the_table_and_calls_go_through_it(void **state)
{
	struct m_api m = {0};
	struct dynlib lib = {"libm.so.6", "libc6", m_syms, 2, &m, NULL};
	struct err e;
	void *h;
	(void)state;
	assert_int_equal(dynlib_load(&lib, &e), 0);
	assert_non_null(lib.handle);
	assert_non_null(m.cos);
	assert_true(m.cos(0.0) == 1.0);
	assert_true(m.ldexp(3.0, 4) == 48.0);
	h = lib.handle;
	assert_int_equal(dynlib_load(&lib, &e), 0); /* once loaded, a no-op */
	assert_ptr_equal(lib.handle, h);
}

static void a_missing_library_is_an_error_naming_it_and_its_package(void **state)
{
	struct m_api m = {0};
	struct dynlib lib = {"libcosts-absent.so.7", "costs-absent7", m_syms, 2, &m, NULL};
	struct err e;
	(void)state;
	assert_int_equal(dynlib_load(&lib, &e), -1);
	assert_null(lib.handle);
	assert_non_null(strstr(e.msg, "cannot load libcosts-absent.so.7 (Debian package "
	                              "costs-absent7): "));
	assert_non_null(strstr(e.msg, "No such file or directory"));
	assert_null(m.cos);
}

static void a_missing_function_is_an_error_and_a_later_call_tries_again(void **state)
{
	static const struct dynlib_sym bad[] = {
	    DYNLIB_SYM(struct m_api, cos, cos),
	    DYNLIB_SYM(struct m_api, ldexp, costs_no_such_function),
	};
	struct m_api m = {0};
	struct dynlib lib = {"libm.so.6", "libc6", bad, 2, &m, NULL};
	struct err e;
	(void)state;
	assert_int_equal(dynlib_load(&lib, &e), -1);
	assert_null(lib.handle);
	assert_non_null(strstr(e.msg, "cannot load libm.so.6 (Debian package libc6): "));
	assert_non_null(strstr(e.msg, "costs_no_such_function"));
	assert_int_equal(dynlib_load(&lib, &e), -1); /* not remembered as loaded */
	lib.syms = m_syms;
	assert_int_equal(dynlib_load(&lib, &e), 0);
	assert_true(m.ldexp(1.0, 10) == 1024.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(load_fills_the_table_and_calls_go_through_it),
	    cmocka_unit_test(a_missing_library_is_an_error_naming_it_and_its_package),
	    cmocka_unit_test(a_missing_function_is_an_error_and_a_later_call_tries_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
