/* Unit tests for the SQLite store: migrations, upserts, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util/date.h"
#include "store/store.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/costs-store-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static const char *path(const char *name)
{
	static char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void open_creates_directories_and_file_0640(void **state)
{
	struct store *s;
	struct err e;
	struct stat sb;
	(void)state;
	umask(022);
	assert_int_equal(store_open(path("a/b/costs.db"), true, 1000, &s, &e), 0);
	store_close(s);
	assert_int_equal(stat(path("a/b/costs.db"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	assert_int_equal(stat(path("a/b"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0750);
}

static void open_without_create_refuses_missing_file(void **state)
{
	struct store *s;
	struct err e;
	(void)state;
	assert_int_equal(store_open(path("none.db"), false, 1000, &s, &e), -1);
	assert_non_null(strstr(e.msg, "no database at"));
	assert_int_equal(access(path("none.db"), F_OK), -1);
}

static void add_daily_upserts_by_adding(void **state)
{
	struct store *s;
	struct err e;
	struct store_total *rows;
	size_t n;
	struct store_query q = {.from = 1, .to = 0};
	int32_t d;
	(void)state;
	date_parse_day("2026-05-01", &d, NULL);
	assert_int_equal(store_open(path("up.db"), true, 1000, &s, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_add_daily(s, "h", d, "https", STORE_EGRESS, "pcap", 100, 1, &e), 0);
	assert_int_equal(store_add_daily(s, "h", d, "https", STORE_EGRESS, "pcap", 250, 2, &e), 0);
	assert_int_equal(store_add_daily(s, "h", d, "https", STORE_INGRESS, "pcap", 7, 1, &e), 0);
	assert_int_equal(store_add_daily(s, "h", d + 1, "https", STORE_EGRESS, "nft", 5, 1, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(store_totals(s, &q, &rows, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].period, "2026-05-01");
	assert_true(rows[0].egress_bytes == 350 && rows[0].egress_packets == 3);
	assert_true(rows[0].ingress_bytes == 7);
	assert_string_equal(rows[1].source, "nft");
	store_totals_free(rows, n);
	q.by_month = true;
	q.all_sources = true;
	assert_int_equal(store_totals(s, &q, &rows, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].period, "2026-05");
	assert_true(rows[0].egress_bytes == 355);
	store_totals_free(rows, n);
	store_close(s);
}

static void best_source_picks_one_source_per_host_and_day(void **state)
{
	struct store *s;
	struct err e;
	struct store_total *rows;
	size_t n;
	struct store_query q = {.from = 1, .to = 0, .best_source = true};
	(void)state;
	assert_int_equal(store_open(path("best.db"), true, 1000, &s, &e), 0);
	/* Day 10: a capture only.  Day 11: nft and a capture of the same traffic. */
	assert_int_equal(store_add_daily(s, "h", 10, "https", STORE_EGRESS, "pcap", 10, 1, &e), 0);
	assert_int_equal(store_add_daily(s, "h", 11, "https", STORE_EGRESS, "pcap", 19, 1, &e), 0);
	assert_int_equal(store_add_daily(s, "h", 11, "https", STORE_EGRESS, "nft", 20, 1, &e), 0);
	assert_int_equal(store_add_daily(s, "h", 11, "mcp", STORE_EGRESS, "import", 99, 1, &e), 0);
	/* Another host's sources are its own. */
	assert_int_equal(store_add_daily(s, "g", 11, "https", STORE_EGRESS, "import", 7, 1, &e), 0);
	assert_int_equal(store_totals(s, &q, &rows, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].source, "pcap");
	assert_true(rows[0].egress_bytes == 10);
	assert_string_equal(rows[1].host, "g");
	assert_string_equal(rows[2].source, "nft");
	assert_true(rows[2].egress_bytes == 20);
	store_totals_free(rows, n);
	q.by_month = true;
	q.all_sources = true;
	assert_int_equal(store_totals(s, &q, &rows, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(rows[1].egress_bytes == 30); /* host h: 10 (pcap) + 20 (nft) */
	store_totals_free(rows, n);
	store_close(s);
}

static void totals_beyond_int64_are_refused_not_wrapped(void **state)
{
	struct store *s;
	struct err e;
	(void)state;
	assert_int_equal(store_open(path("big.db"), true, 1000, &s, &e), 0);
	assert_int_equal(store_add_daily(s, "h", 1, "x", STORE_EGRESS, "pcap", INT64_MAX, 0, &e),
	                 0);
	assert_int_equal(store_add_daily(s, "h", 1, "x", STORE_EGRESS, "pcap", 1, 0, &e), -1);
	assert_non_null(strstr(e.msg, "out of range"));
	assert_int_equal(store_add_daily(s, "h", 2, "x", STORE_EGRESS, "pcap", UINT64_MAX, 0, &e),
	                 -1);
	store_close(s);
}

static void import_replaces_instead_of_adding(void **state)
{
	struct store *s;
	struct err e;
	struct store_total *rows;
	size_t n;
	struct store_query q = {.from = 1, .to = 0};
	(void)state;
	assert_int_equal(store_open(path("imp.db"), true, 1000, &s, &e), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    store_set_totals(s, "h", 10, "https", STORE_SOURCE_IMPORT, 100, 20, 3, 2, &e),
		    0);
	assert_int_equal(store_add_daily(s, "h", 10, "https", STORE_EGRESS, "pcap", 5, 1, &e), 0);
	assert_int_equal(store_totals(s, &q, &rows, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].source, "import");
	assert_true(rows[0].egress_bytes == 100 && rows[0].ingress_bytes == 20);
	assert_true(rows[1].egress_bytes == 5);
	store_totals_free(rows, n);
	store_close(s);
}

static void empty_file_is_migrated_to_current_schema(void **state)
{
	struct store *s;
	struct err e;
	sqlite3 *db;
	sqlite3_stmt *st;
	(void)state;
	FILE *f = fopen(path("empty.db"), "w");
	fclose(f);
	assert_int_equal(store_open(path("empty.db"), false, 1000, &s, &e), 0);
	store_close(s);
	assert_int_equal(sqlite3_open(path("empty.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), STORE_SCHEMA_VERSION);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void newer_schema_and_foreign_files_are_refused_untouched(void **state)
{
	struct store *s;
	struct err e;
	sqlite3 *db;
	struct stat before, after;
	(void)state;
	assert_int_equal(sqlite3_open(path("newer.db"), &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(store_open(path("newer.db"), true, 1000, &s, &e), -1);
	assert_non_null(strstr(e.msg, "schema version 99, newer"));

	assert_int_equal(sqlite3_open(path("other.db"), &db), SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(store_open(path("other.db"), true, 1000, &s, &e), -1);
	assert_non_null(strstr(e.msg, "another program"));

	FILE *f = fopen(path("junk.db"), "w");
	for (int i = 0; i < 200; i++)
		fputs("this is not a database at all\n", f);
	fclose(f);
	stat(path("junk.db"), &before);
	assert_int_equal(store_open(path("junk.db"), true, 1000, &s, &e), -1);
	assert_non_null(strstr(e.msg, "not a costs database"));
	stat(path("junk.db"), &after);
	assert_int_equal(before.st_size, after.st_size);
	assert_int_equal(access(path("junk.db-wal"), F_OK), -1);
}

static void counters_and_coverage_round_trip(void **state)
{
	struct store *s;
	struct err e;
	struct store_counter c = {.handle = 7, .value = UINT64_MAX - 1, .time_us = 123}, r;
	struct store_coverage cov = {.seconds = 60, .packets = 10, .drops = 1}, got;
	bool found;
	int64_t id;
	(void)state;
	strcpy(c.boot_id, "boot-a");
	assert_int_equal(store_open(path("ctr.db"), true, 1000, &s, &e), 0);
	assert_int_equal(store_counter_get(s, "egress_https", &r, &found, &e), 0);
	assert_false(found);
	assert_int_equal(store_counter_put(s, "egress_https", &c, &e), 0);
	assert_int_equal(store_counter_get(s, "egress_https", &r, &found, &e), 0);
	assert_true(found);
	assert_string_equal(r.boot_id, "boot-a");
	assert_true(r.value == UINT64_MAX - 1 && r.handle == 7 && r.time_us == 123);
	assert_int_equal(store_add_coverage(s, "h", 3, "nft", &cov, &e), 0);
	assert_int_equal(store_add_coverage(s, "h", 3, "nft", &cov, &e), 0);
	assert_int_equal(store_get_coverage(s, "h", 3, "nft", &got, &found, &e), 0);
	assert_true(found && got.seconds == 120 && got.packets == 20 && got.drops == 2);
	assert_int_equal(store_run_start(s, "sample", &id, &e), 0);
	assert_int_equal(store_run_finish(s, id, 0, NULL, &e), 0);
	store_close(s);
}

static void without_checkpoint_on_close_the_log_stays_and_still_reads(void **state)
{
	struct store *s;
	struct err e;
	struct stat sb;
	struct store_counter c = {.boot_id = "b", .handle = 1, .value = 42, .time_us = 7}, got;
	bool found;
	char wal[600];
	(void)state;
	snprintf(wal, sizeof(wal), "%s-wal", path("ckpt.db"));
	assert_int_equal(store_open(path("ckpt.db"), true, 1000, &s, &e), 0);
	assert_int_equal(store_set_checkpoint_on_close(s, false, &e), 0);
	assert_int_equal(store_counter_put(s, "x", &c, &e), 0);
	store_close(s);
	assert_int_equal(stat(wal, &sb), 0);
	assert_true(sb.st_size > 0);
	/* Another connection reads through the log; closing with the default folds it in. */
	assert_int_equal(store_open(path("ckpt.db"), false, 1000, &s, &e), 0);
	assert_int_equal(store_counter_get(s, "x", &got, &found, &e), 0);
	assert_true(found);
	assert_int_equal(got.value, 42);
	store_close(s);
	assert_int_not_equal(stat(wal, &sb), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(open_creates_directories_and_file_0640),
	    cmocka_unit_test(open_without_create_refuses_missing_file),
	    cmocka_unit_test(add_daily_upserts_by_adding),
	    cmocka_unit_test(best_source_picks_one_source_per_host_and_day),
	    cmocka_unit_test(totals_beyond_int64_are_refused_not_wrapped),
	    cmocka_unit_test(import_replaces_instead_of_adding),
	    cmocka_unit_test(empty_file_is_migrated_to_current_schema),
	    cmocka_unit_test(newer_schema_and_foreign_files_are_refused_untouched),
	    cmocka_unit_test(counters_and_coverage_round_trip),
	    cmocka_unit_test(without_checkpoint_on_close_the_log_stays_and_still_reads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
