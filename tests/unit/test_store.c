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
#include <time.h>
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

struct collected {
	struct store_total t[16];
	char names[16][3][32];
	size_t n;
	size_t stop_at; /* 0: never */
};

static int collect(void *ctx, const struct store_total *t)
{
	struct collected *c = ctx;
	if (c->n == 16 || (c->stop_at && c->n + 1 == c->stop_at))
		return 7;
	c->t[c->n] = *t;
	snprintf(c->names[c->n][0], 32, "%s", t->host);
	snprintf(c->names[c->n][1], 32, "%s", t->service);
	snprintf(c->names[c->n][2], 32, "%s", t->source);
	c->n++;
	return 0;
}

/* store_totals_each hands out exactly store_totals' rows, hidden count included. */
static void totals_streamed_equal_totals_gathered(void **state)
{
	struct store *s;
	struct err e;
	struct store_total *rows;
	size_t n, hidden_all = 0, hidden_each = 0;
	(void)state;
	assert_int_equal(store_open(path("each.db"), true, 1000, &s, &e), 0);
	const char *src[] = {"pcap", "nft", "import"};
	for (int day = 10; day < 13; day++)
		for (int k = 0; k < 3; k++) {
			assert_int_equal(store_add_daily(s, k ? "h" : "g", day,
			                                 k == 2 ? "mcp" : "https", STORE_EGRESS,
			                                 src[(day + k) % 3],
			                                 (uint64_t)(100 * day + k), 1, &e),
			                 0);
			assert_int_equal(store_add_daily(s, "h", day, "https", STORE_INGRESS,
			                                 src[k], (uint64_t)(day + k), 2, &e),
			                 0);
		}
	for (int monthly = 0; monthly < 2; monthly++) {
		struct store_query q = {
		    .from = 1, .to = 0, .best_source = true, .by_month = monthly};
		struct collected c = {0};
		q.hidden = &hidden_all;
		assert_int_equal(store_totals(s, &q, &rows, &n, &e), 0);
		q.hidden = &hidden_each;
		assert_int_equal(store_totals_each(s, &q, collect, &c, &e), 0);
		assert_int_equal(c.n, n);
		assert_int_equal(hidden_each, hidden_all);
		assert_true(hidden_all > 0);
		for (size_t i = 0; i < n; i++) {
			assert_string_equal(c.t[i].period, rows[i].period);
			assert_string_equal(c.names[i][0], rows[i].host);
			assert_string_equal(c.names[i][1], rows[i].service);
			assert_string_equal(c.names[i][2], rows[i].source);
			assert_true(c.t[i].egress_bytes == rows[i].egress_bytes);
			assert_true(c.t[i].ingress_bytes == rows[i].ingress_bytes);
			assert_true(c.t[i].ingress_packets == rows[i].ingress_packets);
		}
		store_totals_free(rows, n);
		/* fn's non-zero answer stops the walk and is returned. */
		struct collected stop = {.stop_at = 2};
		assert_int_equal(store_totals_each(s, &q, collect, &stop, &e), 7);
		assert_int_equal(stop.n, 1);
	}
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

/* The schema costs 0.1 wrote (version 1), as a fixture for the migration. */
static const char v1_schema[] =
    "PRAGMA application_id = 1668248436;"
    "CREATE TABLE daily (host TEXT NOT NULL, day TEXT NOT NULL CHECK (length(day) = 10),"
    " service TEXT NOT NULL CHECK (length(service) > 0), direction TEXT NOT NULL CHECK"
    " (direction IN ('egress', 'ingress')), source TEXT NOT NULL CHECK (source IN ('pcap',"
    " 'nft', 'iface', 'import')), bytes INTEGER NOT NULL CHECK (typeof(bytes) = 'integer' AND"
    " bytes >= 0), packets INTEGER NOT NULL CHECK (typeof(packets) = 'integer' AND packets >="
    " 0), PRIMARY KEY (host, day, service, direction, source)) WITHOUT ROWID;"
    "CREATE INDEX daily_by_day ON daily(day);"
    "CREATE TABLE coverage (host TEXT NOT NULL, day TEXT NOT NULL, source TEXT NOT NULL,"
    " seconds INTEGER NOT NULL DEFAULT 0, packets INTEGER NOT NULL DEFAULT 0, malformed"
    " INTEGER NOT NULL DEFAULT 0, drops INTEGER NOT NULL DEFAULT 0, resets INTEGER NOT NULL"
    " DEFAULT 0, samples INTEGER NOT NULL DEFAULT 0, gaps INTEGER NOT NULL DEFAULT 0,"
    " gap_seconds INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (host, day, source)) WITHOUT ROWID;"
    "CREATE TABLE counters (name TEXT PRIMARY KEY, boot_id TEXT NOT NULL, handle INTEGER NOT"
    " NULL, value INTEGER NOT NULL, time_us INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE runs (id INTEGER PRIMARY KEY, command TEXT NOT NULL, pid INTEGER NOT NULL,"
    " started_us INTEGER NOT NULL, finished_us INTEGER, status INTEGER, detail TEXT);"
    "INSERT INTO daily VALUES ('h', '2026-05-01', 'https', 'egress', 'pcap', 1000, 10);"
    "INSERT INTO coverage(host, day, source, seconds, packets) VALUES ('h', '2026-05-01',"
    " 'pcap', 60, 10);"
    "PRAGMA user_version = 1;";

static uint64_t egress_of(struct store *s, const char *service)
{
	struct store_total *rows;
	struct err e;
	size_t n;
	uint64_t v = 0;
	struct store_query q = {.from = 1, .to = 0, .service = service};
	assert_int_equal(store_totals(s, &q, &rows, &n, &e), 0);
	for (size_t i = 0; i < n; i++)
		v += rows[i].egress_bytes;
	store_totals_free(rows, n);
	return v;
}

static void version_1_is_migrated_keeping_its_totals(void **state)
{
	struct store *s;
	struct err e;
	sqlite3 *db;
	struct store_coverage c;
	bool found;
	int64_t id;
	(void)state;
	assert_int_equal(sqlite3_open(path("v1.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1_schema, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path("v1.db"), false, 1000, &s, &e), 0);
	assert_int_equal(egress_of(s, "https"), 1000);
	/* The new tables work on the migrated file: record a file, forget it. */
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_capture_begin(s, "h", "f.pcap", 123, "fnv1a64:1", &id, &e), 0);
	assert_int_equal(store_begin(s, &e), 0); /* a savepoint, as capture_flush opens */
	assert_int_equal(
	    store_add_daily(s, "h", 20574, "https", STORE_EGRESS, STORE_SOURCE_PCAP, 500, 5, &e),
	    0);
	struct store_coverage add = {.seconds = 30, .packets = 5};
	assert_int_equal(store_add_coverage(s, "h", 20574, STORE_SOURCE_PCAP, &add, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	store_capture_end(s);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(egress_of(s, "https"), 1500);
	store_close(s);

	assert_int_equal(store_open(path("v1.db"), false, 1000, &s, &e), 0);
	struct store_capture fc;
	assert_int_equal(store_capture_find(s, 123, "fnv1a64:1", &fc, &found, &e), 0);
	assert_true(found);
	assert_int_equal(fc.id, id);
	assert_int_equal(store_capture_forget(s, id, &e), 0);
	assert_int_equal(egress_of(s, "https"), 1000);
	assert_int_equal(store_get_coverage(s, "h", 20574, STORE_SOURCE_PCAP, &c, &found, &e), 0);
	assert_true(found);
	assert_int_equal(c.seconds, 60);
	assert_int_equal(c.packets, 10);
	assert_int_equal(store_capture_find(s, 123, "fnv1a64:1", &fc, &found, &e), 0);
	assert_false(found);
	assert_int_equal(store_capture_forget(s, id, &e), -1);
	store_close(s);

	assert_int_equal(sqlite3_open(path("v1.db"), &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), STORE_SCHEMA_VERSION);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* One integer from the file at path, by SQL. */
static int64_t query_int(const char *file, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/*
 * A version 2 file gains the moves table and keeps its totals; a move takes
 * only what the fallback's nft total holds and keeps the rest pending.
 */
static void version_2_is_migrated_and_moves_keep_totals_whole(void **state)
{
	const char *f = path("v2.db");
	struct store *s;
	struct err e;
	sqlite3 *db;
	int32_t day;
	(void)state;

	/* Today (UTC): pending moves older than a week are dropped. */
	day = (int32_t)(time(NULL) / 86400);
	assert_int_equal(store_open(f, true, 1000, &s, &e), 0);
	assert_int_equal(
	    store_add_daily(s, "h", day, "https", STORE_EGRESS, STORE_SOURCE_NFT, 1000, 10, &e), 0);
	assert_int_equal(
	    store_add_daily(s, "h", day, "https", STORE_EGRESS, STORE_SOURCE_PCAP, 77, 1, &e), 0);
	store_close(s);
	/* Back to what costs wrote at schema 2. */
	assert_int_equal(sqlite3_open(f, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
	                 "DROP TABLE nft_moves; DROP TABLE verdict_sets; PRAGMA user_version = 2",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(store_open(f, false, 1000, &s, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_move_add(s, "h", day, "https", "site", STORE_EGRESS, 1500, 12, &e),
	                 0);
	assert_int_equal(store_moves_apply(s, "h", &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	store_close(s);
	assert_int_equal(query_int(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(query_int(f, "SELECT bytes FROM daily WHERE service = 'https' AND "
	                              "source = 'nft'"),
	                 0);
	assert_int_equal(query_int(f, "SELECT bytes FROM daily WHERE service = 'site'"), 1000);
	assert_int_equal(query_int(f, "SELECT bytes FROM daily WHERE source = 'pcap'"), 77);
	assert_int_equal(query_int(f, "SELECT bytes FROM nft_moves"), 500);
	assert_int_equal(query_int(f, "SELECT packets FROM nft_moves"), 2);

	/* The next sample brings the rest. */
	assert_int_equal(store_open(f, false, 1000, &s, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(
	    store_add_daily(s, "h", day, "https", STORE_EGRESS, STORE_SOURCE_NFT, 800, 5, &e), 0);
	assert_int_equal(store_moves_apply(s, "h", &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	store_close(s);
	assert_int_equal(query_int(f, "SELECT bytes FROM daily WHERE service = 'site'"), 1500);
	assert_int_equal(query_int(f, "SELECT bytes FROM daily WHERE service = 'https' AND "
	                              "source = 'nft'"),
	                 300);
	assert_int_equal(query_int(f, "SELECT sum(bytes) FROM daily WHERE source = 'nft'"), 1800);
	assert_int_equal(query_int(f, "SELECT count(*) FROM nft_moves"), 0);

	/* A move a week old that its day never held is dropped, totals untouched. */
	assert_int_equal(store_open(f, false, 1000, &s, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_move_add(s, "h", day - 8, "https", "site", STORE_EGRESS, 10, 1, &e),
	                 0);
	assert_int_equal(store_move_add(s, "h", day, "https", "site", STORE_EGRESS, 400, 1, &e), 0);
	assert_int_equal(store_moves_apply(s, "h", &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	store_close(s);
	assert_int_equal(query_int(f, "SELECT count(*) FROM nft_moves"), 1);
	assert_int_equal(query_int(f, "SELECT bytes FROM nft_moves"), 100);
	assert_int_equal(query_int(f, "SELECT sum(bytes) FROM daily WHERE source = 'nft'"), 1800);
}

/* The tables version 2 added, as that migration wrote them. */
static const char v2_tables[] =
    "CREATE TABLE captures (id INTEGER PRIMARY KEY, host TEXT NOT NULL, name TEXT NOT NULL,"
    " size INTEGER NOT NULL, head TEXT NOT NULL, captured_us INTEGER NOT NULL);"
    "CREATE INDEX captures_by_file ON captures(size, head);"
    "CREATE TABLE capture_daily (capture INTEGER NOT NULL REFERENCES captures(id) ON DELETE"
    " CASCADE, host TEXT NOT NULL, day TEXT NOT NULL, service TEXT NOT NULL, direction TEXT"
    " NOT NULL, source TEXT NOT NULL, bytes INTEGER NOT NULL, packets INTEGER NOT NULL,"
    " PRIMARY KEY (capture, host, day, service, direction, source)) WITHOUT ROWID;"
    "CREATE TABLE capture_coverage (capture INTEGER NOT NULL REFERENCES captures(id) ON"
    " DELETE CASCADE, host TEXT NOT NULL, day TEXT NOT NULL, source TEXT NOT NULL, seconds"
    " INTEGER NOT NULL DEFAULT 0, packets INTEGER NOT NULL DEFAULT 0, malformed INTEGER NOT"
    " NULL DEFAULT 0, drops INTEGER NOT NULL DEFAULT 0, resets INTEGER NOT NULL DEFAULT 0,"
    " samples INTEGER NOT NULL DEFAULT 0, gaps INTEGER NOT NULL DEFAULT 0, gap_seconds"
    " INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (capture, host, day, source)) WITHOUT ROWID;"
    "PRAGMA user_version = 2;";

static void version_2_is_migrated_and_takes_prometheus_rows(void **state)
{
	struct store *s;
	struct store_total *rows;
	struct err e;
	sqlite3 *db;
	size_t n;
	struct store_query q = {.from = 1, .to = 0, .best_source = true};
	(void)state;
	assert_int_equal(sqlite3_open(path("v2p.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1_schema, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v2_tables, NULL, NULL, NULL), SQLITE_OK);
	/* Version 2 refuses the new source. */
	assert_int_not_equal(sqlite3_exec(db,
	                                  "INSERT INTO daily VALUES ('g', '2026-05-02', 'https', "
	                                  "'egress', 'prometheus', 1, 1)",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path("v2p.db"), false, 1000, &s, &e), 0);
	assert_int_equal(egress_of(s, "https"), 1000);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(
	    store_set_totals(s, "g", 20575, "https", STORE_SOURCE_PROMETHEUS, 70, 0, 0, 0, &e), 0);
	assert_int_equal(
	    store_set_totals(s, "g", 20575, "https", STORE_SOURCE_IFACE, 99, 0, 0, 0, &e), 0);
	assert_int_equal(
	    store_set_totals(s, "h", 20574, "https", STORE_SOURCE_PROMETHEUS, 5, 0, 0, 0, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	/* One source per host and day: pcap beats prometheus, prometheus beats iface. */
	assert_int_equal(store_totals(s, &q, &rows, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].host, "h");
	assert_string_equal(rows[0].source, "pcap");
	assert_int_equal(rows[0].egress_bytes, 1000);
	assert_string_equal(rows[1].host, "g");
	assert_string_equal(rows[1].source, "prometheus");
	assert_int_equal(rows[1].egress_bytes, 70);
	store_totals_free(rows, n);
	/* store_clear_day removes one source's day only. */
	assert_int_equal(store_clear_day(s, "g", 20575, STORE_SOURCE_PROMETHEUS, &e), 0);
	assert_int_equal(egress_of(s, "https"), 1000 + 99 + 5);
	store_close(s);
	assert_true(store_source_rank(STORE_SOURCE_IMPORT) < store_source_rank("prometheus"));
	assert_true(store_source_rank("prometheus") < store_source_rank(STORE_SOURCE_IFACE));
}

/* A batch of 1,000 verdicts: every 7th IPv6, services by index. */
static void batch_get(void *ctx, size_t i, struct store_verdict *v, uint16_t *service)
{
	(void)ctx;
	memset(v, 0, sizeof(*v));
	v->proto = i % 3 ? 6 : 17;
	v->family = i % 7 ? 4 : 6;
	for (int k = 0; k < 16; k++) {
		v->a[k] = (uint8_t)(k + 1);
		v->b[k] = (uint8_t)(i >> (k % 2 ? 8 : 0));
	}
	v->pa = 443;
	v->pb = (uint16_t)(10000 + i);
	v->local_is_a = i % 2;
	v->last_seen = 1000000 + (int64_t)i;
	v->expires = v->last_seen + (i % 3 ? 600 : 120);
	*service = (uint16_t)(i % 3);
}

struct seen {
	size_t n, v6, local;
	int64_t max_expires;
};

static int count_one(void *ctx, const struct store_verdict *v)
{
	struct seen *c = ctx;
	c->n++;
	c->v6 += v->family == 6;
	c->local += v->local_is_a;
	if (v->expires > c->max_expires)
		c->max_expires = v->expires;
	return 0;
}

static void verdicts_are_stored_as_one_set(void **state)
{
	const char *names[] = {"udp-thing", "https", "mcp"};
	struct store_verdict_batch b = {
	    .services = names, .nservices = 3, .n = 1000, .get = batch_get};
	struct store *s;
	struct err e;
	struct seen c = {0};
	bool found;
	(void)state;
	assert_int_equal(store_open(path("vset.db"), true, 1000, &s, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_verdicts_put(s, "h", &b, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(store_verdict_each(s, "h", INT64_MIN, count_one, &c, &e), 0);
	assert_int_equal(c.n, 1000);
	assert_int_equal(c.v6, 143); /* i = 0, 7, ..., 994 */
	assert_int_equal(c.local, 500);
	assert_int_equal(c.max_expires, 1000000 + 998 + 600);
	/* One by key: i = 700 is IPv6, UDP (700 % 3 = 1: TCP), service https. */
	struct store_verdict q;
	uint16_t svc;
	batch_get(NULL, 700, &q, &svc);
	q.local_is_a = false;
	q.expires = q.last_seen = 0;
	assert_int_equal(store_verdict_get(s, "h", &q, &found, &e), 0);
	assert_true(found);
	assert_int_equal(q.family, 6);
	assert_int_equal(q.proto, 6);
	assert_string_equal(q.service, "https");
	assert_int_equal(q.last_seen, 1000700);
	assert_int_equal(q.expires, 1000700 + 600);
	/* Only what expires at or after now is given. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_verdict_each(s, "h", 1000000 + 999 + 120, count_one, &c, &e), 0);
	/* TCP (600 s) from i = 519, and i = 999 (UDP, 120 s): 320 + 1 */
	assert_int_equal(c.n, 321);
	/* What one set cannot hold is refused, and nothing is written. */
	const char *one[] = {"x"};
	struct store_verdict_batch bad = {
	    .services = one, .nservices = 1, .n = 1000, .get = batch_get};
	assert_int_equal(store_verdicts_put(s, "h", &bad, &e), -1);
	assert_non_null(strstr(e.msg, "service 1 of 1"));
	store_close(s);

	/* A damaged set is an error naming it, not a crash. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path("vset.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE verdict_sets SET data = substr(data, 1, 50)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path("vset.db"), false, 1000, &s, &e), 0);
	assert_int_equal(store_verdict_each(s, "h", INT64_MIN, count_one, &c, &e), -1);
	assert_non_null(strstr(e.msg, "verdict set 1 is damaged"));
	store_close(s);
}

/* A flush of many connections is written as several rows, and read back whole. */
static void a_large_set_is_stored_in_rows(void **state)
{
	const char *names[] = {"udp-thing", "https", "mcp"};
	struct store_verdict_batch b = {
	    .services = names, .nservices = 3, .n = 40000, .get = batch_get};
	struct store *s;
	struct err e;
	struct seen c = {0};
	bool found;
	sqlite3 *db;
	sqlite3_stmt *st;
	(void)state;
	assert_int_equal(store_open(path("vrows.db"), true, 1000, &s, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_verdicts_put(s, "h", &b, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(store_verdict_each(s, "h", INT64_MIN, count_one, &c, &e), 0);
	assert_int_equal(c.n, 40000);
	assert_int_equal(c.v6, 5715); /* i = 0, 7, ..., 39998 */
	assert_int_equal(c.local, 20000);
	struct store_verdict q;
	uint16_t svc;
	batch_get(NULL, 39999, &q, &svc);
	q.expires = q.last_seen = 0;
	assert_int_equal(store_verdict_get(s, "h", &q, &found, &e), 0);
	assert_true(found);
	assert_string_equal(q.service, "udp-thing");
	assert_int_equal(q.last_seen, 1039999);
	store_close(s);
	/* About 1 MB of entries: four rows of at most 256 KiB, counting 40,000. */
	assert_int_equal(sqlite3_open(path("vrows.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT count(*), sum(count), max(length(data)) "
	                                    "FROM verdict_sets",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 4);
	assert_int_equal(sqlite3_column_int(st, 1), 40000);
	assert_true(sqlite3_column_int(st, 2) <= 256 * 1024);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void version_2_is_migrated_and_keeps_verdicts(void **state)
{
	struct store *s;
	struct err e;
	sqlite3 *db;
	bool found;
	uint64_t removed;
	(void)state;
	/* A v2 file: v1's schema and data, migrated by a costs of schema 2 (captures tables). */
	assert_int_equal(sqlite3_open(path("v2v.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1_schema, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(
	        db,
	        "CREATE TABLE captures (id INTEGER PRIMARY KEY, host TEXT NOT NULL,"
	        " name TEXT NOT NULL, size INTEGER NOT NULL, head TEXT NOT NULL,"
	        " captured_us INTEGER NOT NULL);"
	        "CREATE INDEX captures_by_file ON captures(size, head);"
	        "CREATE TABLE capture_daily (capture INTEGER NOT NULL REFERENCES"
	        " captures(id) ON DELETE CASCADE, host TEXT NOT NULL, day TEXT NOT NULL,"
	        " service TEXT NOT NULL, direction TEXT NOT NULL, source TEXT NOT NULL,"
	        " bytes INTEGER NOT NULL, packets INTEGER NOT NULL, PRIMARY KEY (capture,"
	        " host, day, service, direction, source)) WITHOUT ROWID;"
	        "CREATE TABLE capture_coverage (capture INTEGER NOT NULL REFERENCES"
	        " captures(id) ON DELETE CASCADE, host TEXT NOT NULL, day TEXT NOT NULL,"
	        " source TEXT NOT NULL, seconds INTEGER NOT NULL DEFAULT 0, packets INTEGER"
	        " NOT NULL DEFAULT 0, malformed INTEGER NOT NULL DEFAULT 0, drops INTEGER"
	        " NOT NULL DEFAULT 0, resets INTEGER NOT NULL DEFAULT 0, samples INTEGER"
	        " NOT NULL DEFAULT 0, gaps INTEGER NOT NULL DEFAULT 0, gap_seconds INTEGER"
	        " NOT NULL DEFAULT 0, PRIMARY KEY (capture, host, day, source)) WITHOUT"
	        " ROWID; PRAGMA user_version = 2;",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path("v2v.db"), false, 1000, &s, &e), 0);
	assert_int_equal(egress_of(s, "https"), 1000);

	struct store_verdict v = {.proto = 6, .family = 4, .pa = 443, .pb = 50000};
	memcpy(v.a, "\xc0\x00\x02\x01", 4);
	memcpy(v.b, "\xc0\x00\x02\x02", 4);
	v.local_is_a = true;
	snprintf(v.service, sizeof(v.service), "game");
	v.last_seen = 1000;
	v.expires = 1600;
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_verdict_put(s, "h", &v, &e), 0);
	v.pb = 50001;
	v.expires = 1010;
	snprintf(v.service, sizeof(v.service), "mcp");
	assert_int_equal(store_verdict_put(s, "h", &v, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	store_close(s);

	assert_int_equal(store_open(path("v2v.db"), false, 1000, &s, &e), 0);
	struct store_verdict q = {.proto = 6, .family = 4, .pa = 443, .pb = 50000};
	memcpy(q.a, v.a, 16);
	memcpy(q.b, v.b, 16);
	assert_int_equal(store_verdict_get(s, "h", &q, &found, &e), 0);
	assert_true(found);
	assert_string_equal(q.service, "game");
	assert_true(q.local_is_a);
	assert_int_equal(q.expires, 1600);
	assert_int_equal(store_verdict_get(s, "other-host", &q, &found, &e), 0);
	assert_false(found);
	assert_int_equal(store_verdict_expire(s, "h", 1100, &removed, &e), 0);
	assert_int_equal(removed, 1);
	q.pb = 50001;
	assert_int_equal(store_verdict_get(s, "h", &q, &found, &e), 0);
	assert_false(found);
	store_close(s);
}

static void a_rolled_back_savepoint_keeps_the_outer_transaction(void **state)
{
	struct store *s;
	struct err e;
	(void)state;
	assert_int_equal(store_open(path("sp.db"), true, 1000, &s, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_add_daily(s, "h", 10, "a", STORE_EGRESS, "pcap", 7, 1, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_add_daily(s, "h", 10, "b", STORE_EGRESS, "pcap", 9, 1, &e), 0);
	store_rollback(s);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(egress_of(s, "a"), 7);
	assert_int_equal(egress_of(s, "b"), 0);
	store_close(s);
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
	/* Another connection reads through the log; closing with the default folds it in.
	 */
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
	    cmocka_unit_test(version_1_is_migrated_keeping_its_totals),
	    cmocka_unit_test(version_2_is_migrated_and_moves_keep_totals_whole),
	    cmocka_unit_test(version_2_is_migrated_and_takes_prometheus_rows),
	    cmocka_unit_test(version_2_is_migrated_and_keeps_verdicts),
	    cmocka_unit_test(verdicts_are_stored_as_one_set),
	    cmocka_unit_test(a_large_set_is_stored_in_rows),
	    cmocka_unit_test(totals_streamed_equal_totals_gathered),
	    cmocka_unit_test(a_rolled_back_savepoint_keeps_the_outer_transaction),
	    cmocka_unit_test(newer_schema_and_foreign_files_are_refused_untouched),
	    cmocka_unit_test(counters_and_coverage_round_trip),
	    cmocka_unit_test(without_checkpoint_on_close_the_log_stays_and_still_reads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
