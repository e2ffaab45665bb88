/*
 * The totals query's plan: one range scan of the covering index made at
 * open, in output order (no temporary b-tree for sorting or grouping), so a
 * month costs its own rows and no per-row lookups.
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

#include <sqlite3.h>

#include "store/store.h"

static char dir[256], db[300];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/costs-plan-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db, sizeof(db), "%s/costs.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* The plan of sql, one detail per line. */
static void plan(sqlite3 *h, const char *sql, char *out, size_t cap)
{
	char q[2048];
	sqlite3_stmt *st;
	size_t n = 0;
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(h, q, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW)
		n += (size_t)snprintf(out + n, cap - n, "%s\n", sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
}

static void totals_scan_the_covering_index_in_order(void **state)
{
	struct store *s;
	struct err e;
	sqlite3 *h;
	char p[4096];
	(void)state;

	assert_int_equal(store_open(db, true, 1000, &s, &e), 0);
	/* Enough rows, and statistics, for the planner to choose on the data. */
	for (int32_t d = 20000; d < 20060; d++)
		for (int k = 0; k < 8; k++) {
			char svc[8];
			snprintf(svc, sizeof(svc), "s%d", k);
			assert_int_equal(
			    store_add_daily(s, k % 2 ? "a" : "b", d, svc, STORE_EGRESS,
			                    k % 3 ? STORE_SOURCE_PCAP : STORE_SOURCE_NFT, 10, 1,
			                    &e),
			    0);
		}
	store_close(s);
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
	for (int best = 0; best < 2; best++) {
		plan(h, store_totals_sql(best), p, sizeof(p));
		if (!strstr(p, "USING COVERING INDEX daily_by_day_cover (day>? AND day<?)") ||
		    strstr(p, "TEMP B-TREE"))
			fail_msg("best_source %d: plan\n%s", best, p);
	}
	sqlite3_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(totals_scan_the_covering_index_in_order, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
