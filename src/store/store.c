/*
 * SQLite persistence.  Prepared statements only, every return code checked.
 * Schema changes are forward-only migrations keyed by PRAGMA user_version;
 * a file that is not ours, or is newer than us, is refused before anything
 * is written to it.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/date.h"

/* 'cost' in ASCII: marks a database as ours. */
#define STORE_APPLICATION_ID 0x636f7374

enum stmt_id {
	ST_ADD_DAILY,
	ST_DEL_IMPORT,
	ST_ADD_COVERAGE,
	ST_GET_COVERAGE,
	ST_COUNTER_GET,
	ST_COUNTER_PUT,
	ST_RUN_START,
	ST_RUN_FINISH,
	ST_CAP_DAILY,
	ST_CAP_COVERAGE,
	ST_CLEAR_DAILY,
	ST_CLEAR_COVERAGE,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_ADD_DAILY] = "INSERT INTO daily(host, day, service, direction, source, bytes, packets) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                     "ON CONFLICT(host, day, service, direction, source) DO UPDATE SET "
                     "bytes = bytes + excluded.bytes, packets = packets + excluded.packets",
    [ST_DEL_IMPORT] = "DELETE FROM daily WHERE host = ?1 AND day = ?2 AND service = ?3 "
                      "AND source = ?4",
    [ST_CLEAR_DAILY] = "DELETE FROM daily WHERE host = ?1 AND day = ?2 AND source = ?3",
    [ST_CLEAR_COVERAGE] = "DELETE FROM coverage WHERE host = ?1 AND day = ?2 AND source = ?3",
    [ST_ADD_COVERAGE] =
        "INSERT INTO coverage(host, day, source, seconds, packets, malformed, drops, "
        "resets, samples, gaps, gap_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11) ON CONFLICT(host, day, source) DO UPDATE SET "
        "seconds = seconds + excluded.seconds, packets = packets + excluded.packets, "
        "malformed = malformed + excluded.malformed, drops = drops + excluded.drops, "
        "resets = resets + excluded.resets, samples = samples + excluded.samples, "
        "gaps = gaps + excluded.gaps, gap_seconds = gap_seconds + excluded.gap_seconds",
    [ST_GET_COVERAGE] = "SELECT seconds, packets, malformed, drops, resets, samples, gaps, "
                        "gap_seconds FROM coverage WHERE host = ?1 AND day = ?2 AND source = ?3",
    [ST_COUNTER_GET] = "SELECT boot_id, handle, value, time_us FROM counters WHERE name = ?1",
    [ST_COUNTER_PUT] = "INSERT INTO counters(name, boot_id, handle, value, time_us) "
                       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(name) DO UPDATE SET "
                       "boot_id = excluded.boot_id, handle = excluded.handle, "
                       "value = excluded.value, time_us = excluded.time_us",
    [ST_RUN_START] = "INSERT INTO runs(command, started_us, pid) VALUES (?1, ?2, ?3)",
    [ST_RUN_FINISH] = "UPDATE runs SET finished_us = ?2, status = ?3, detail = ?4 "
                      "WHERE id = ?1",
    [ST_CAP_DAILY] = "INSERT INTO capture_daily(capture, host, day, service, direction, source, "
                     "bytes, packets) VALUES (?8, ?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                     "ON CONFLICT(capture, host, day, service, direction, source) DO UPDATE SET "
                     "bytes = bytes + excluded.bytes, packets = packets + excluded.packets",
    [ST_CAP_COVERAGE] =
        "INSERT INTO capture_coverage(host, day, source, seconds, packets, malformed, drops, "
        "resets, samples, gaps, gap_seconds, capture) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, ?10, ?11, ?12) ON CONFLICT(capture, host, day, source) DO UPDATE SET "
        "seconds = seconds + excluded.seconds, packets = packets + excluded.packets, "
        "malformed = malformed + excluded.malformed, drops = drops + excluded.drops, "
        "resets = resets + excluded.resets, samples = samples + excluded.samples, "
        "gaps = gaps + excluded.gaps, gap_seconds = gap_seconds + excluded.gap_seconds",
};

/*
 * Migrations: migrations[i] takes the schema from version i to i + 1.  Each
 * runs in one transaction together with the user_version bump.
 */
static const char *const migrations[] = {
    "CREATE TABLE daily ("
    " host TEXT NOT NULL,"
    " day TEXT NOT NULL CHECK (length(day) = 10),"
    " service TEXT NOT NULL CHECK (length(service) > 0),"
    " direction TEXT NOT NULL CHECK (direction IN ('egress', 'ingress')),"
    " source TEXT NOT NULL CHECK (source IN ('pcap', 'nft', 'iface', 'import')),"
    " bytes INTEGER NOT NULL CHECK (typeof(bytes) = 'integer' AND bytes >= 0),"
    " packets INTEGER NOT NULL CHECK (typeof(packets) = 'integer' AND packets >= 0),"
    " PRIMARY KEY (host, day, service, direction, source)) WITHOUT ROWID;"
    "CREATE INDEX daily_by_day ON daily(day);"
    "CREATE TABLE coverage ("
    " host TEXT NOT NULL, day TEXT NOT NULL, source TEXT NOT NULL,"
    " seconds INTEGER NOT NULL DEFAULT 0, packets INTEGER NOT NULL DEFAULT 0,"
    " malformed INTEGER NOT NULL DEFAULT 0, drops INTEGER NOT NULL DEFAULT 0,"
    " resets INTEGER NOT NULL DEFAULT 0, samples INTEGER NOT NULL DEFAULT 0,"
    " gaps INTEGER NOT NULL DEFAULT 0, gap_seconds INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (host, day, source)) WITHOUT ROWID;"
    "CREATE TABLE counters ("
    " name TEXT PRIMARY KEY, boot_id TEXT NOT NULL, handle INTEGER NOT NULL,"
    " value INTEGER NOT NULL, time_us INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY, command TEXT NOT NULL, pid INTEGER NOT NULL,"
    " started_us INTEGER NOT NULL, finished_us INTEGER, status INTEGER, detail TEXT);",
    /*
     * 2: captured files.  A capture of a file (capture -r FILE) is recorded
     * with the file's identity (size and a hash of its first 64 KiB) and what
     * it added to daily and coverage, so a second capture of the same file
     * can be refused and `costs forget` can subtract exactly what one added.
     */
    "CREATE TABLE captures ("
    " id INTEGER PRIMARY KEY, host TEXT NOT NULL, name TEXT NOT NULL,"
    " size INTEGER NOT NULL, head TEXT NOT NULL, captured_us INTEGER NOT NULL);"
    "CREATE INDEX captures_by_file ON captures(size, head);"
    "CREATE TABLE capture_daily ("
    " capture INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,"
    " host TEXT NOT NULL, day TEXT NOT NULL, service TEXT NOT NULL,"
    " direction TEXT NOT NULL, source TEXT NOT NULL,"
    " bytes INTEGER NOT NULL CHECK (typeof(bytes) = 'integer' AND bytes >= 0),"
    " packets INTEGER NOT NULL CHECK (typeof(packets) = 'integer' AND packets >= 0),"
    " PRIMARY KEY (capture, host, day, service, direction, source)) WITHOUT ROWID;"
    "CREATE TABLE capture_coverage ("
    " capture INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,"
    " host TEXT NOT NULL, day TEXT NOT NULL, source TEXT NOT NULL,"
    " seconds INTEGER NOT NULL DEFAULT 0, packets INTEGER NOT NULL DEFAULT 0,"
    " malformed INTEGER NOT NULL DEFAULT 0, drops INTEGER NOT NULL DEFAULT 0,"
    " resets INTEGER NOT NULL DEFAULT 0, samples INTEGER NOT NULL DEFAULT 0,"
    " gaps INTEGER NOT NULL DEFAULT 0, gap_seconds INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (capture, host, day, source)) WITHOUT ROWID;",
    /*
     * 3: moves between services of the nft source that `costs watch`
     * recorded and the next sample has not applied yet.
     */
    "CREATE TABLE nft_moves ("
    " host TEXT NOT NULL, day TEXT NOT NULL CHECK (length(day) = 10),"
    " from_service TEXT NOT NULL, to_service TEXT NOT NULL,"
    " direction TEXT NOT NULL CHECK (direction IN ('egress', 'ingress')),"
    " bytes INTEGER NOT NULL CHECK (typeof(bytes) = 'integer' AND bytes >= 0),"
    " packets INTEGER NOT NULL CHECK (typeof(packets) = 'integer' AND packets >= 0),"
    " PRIMARY KEY (host, day, from_service, to_service, direction));",
    /*
     * 4: the source `prometheus` (daily totals pulled by `import
     * --prometheus`).  SQLite cannot change a CHECK constraint in place, so
     * daily is rebuilt with every row kept.
     */
    "CREATE TABLE daily_v3 ("
    " host TEXT NOT NULL,"
    " day TEXT NOT NULL CHECK (length(day) = 10),"
    " service TEXT NOT NULL CHECK (length(service) > 0),"
    " direction TEXT NOT NULL CHECK (direction IN ('egress', 'ingress')),"
    " source TEXT NOT NULL CHECK (source IN ('pcap', 'nft', 'iface', 'import', 'prometheus')),"
    " bytes INTEGER NOT NULL CHECK (typeof(bytes) = 'integer' AND bytes >= 0),"
    " packets INTEGER NOT NULL CHECK (typeof(packets) = 'integer' AND packets >= 0),"
    " PRIMARY KEY (host, day, service, direction, source)) WITHOUT ROWID;"
    "INSERT INTO daily_v3 SELECT host, day, service, direction, source, bytes, packets FROM daily;"
    "DROP TABLE daily;"
    "ALTER TABLE daily_v3 RENAME TO daily;"
    "CREATE INDEX daily_by_day ON daily(day);",
    /*
     * 5: verdicts.  The service decided for a connection (host and
     * 5-tuple, addresses as 4- or 16-byte blobs in the flow table's
     * order), so a capture that starts in the middle of the connection
     * uses it; rows expire after the flow's idle timeout.
     */
    "CREATE TABLE verdicts ("
    " host TEXT NOT NULL, proto INTEGER NOT NULL,"
    " a BLOB NOT NULL CHECK (length(a) IN (4, 16)), pa INTEGER NOT NULL,"
    " b BLOB NOT NULL CHECK (length(b) = length(a)), pb INTEGER NOT NULL,"
    " local_is_a INTEGER NOT NULL, service TEXT NOT NULL CHECK (length(service) > 0),"
    " last_seen INTEGER NOT NULL, expires INTEGER NOT NULL,"
    " PRIMARY KEY (host, proto, a, pa, b, pb)) WITHOUT ROWID;"
    "CREATE INDEX verdicts_by_expiry ON verdicts(host, expires);",
    /*
     * 6: verdicts in sets.  One row per host and flush whose blob holds all
     * of that flush's verdicts (format at store_verdicts_put): a flush of a
     * million connections was a million b-tree inserts.  The v5 rows are
     * dropped: they live ten minutes at most, so an upgrade forgets at most
     * the connections open across it.
     */
    "DROP TABLE verdicts;"
    "CREATE TABLE verdict_sets ("
    " id INTEGER PRIMARY KEY, host TEXT NOT NULL,"
    " newest INTEGER NOT NULL, expires INTEGER NOT NULL,"
    " count INTEGER NOT NULL CHECK (count > 0), base INTEGER NOT NULL,"
    " services TEXT NOT NULL, data BLOB NOT NULL);"
    "CREATE INDEX verdict_sets_by_host ON verdict_sets(host, expires);",
};

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[ST_COUNT];
	bool in_tx;
	int depth;          /* savepoints open inside the transaction */
	int64_t capture_id; /* > 0: store_add_* also count toward this captured file */
	int busy_ms;
};

static int db_err(struct store *s, struct err *e, const char *what)
{
	return err_set(e, "database '%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int64_t now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int mkdirs(const char *path, struct err *e)
{
	char buf[PATH_MAX];
	char *slash;

	if (strlen(path) >= sizeof(buf))
		return err_set(e, "path too long: '%s'", path);
	strcpy(buf, path);
	slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return 0;
	*slash = '\0';
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) != 0 && errno != EEXIST)
			return err_set(e, "cannot create directory '%s': %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0750) != 0 && errno != EEXIST)
		return err_set(e, "cannot create directory '%s': %s", buf, strerror(errno));
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int locked_err(struct store *s, struct err *e)
{
	return err_set(e,
	               "cannot use database '%s': database is locked by another process "
	               "(waited %d s)",
	               s->path, (s->busy_ms + 999) / 1000);
}

/*
 * Runs sql, retrying until the busy timeout when SQLite answers BUSY, also
 * when it does so without calling the busy handler, as it does for a
 * journal mode change or a write lock while another process is opening or
 * recovering the file.  The timeout is one deadline on the monotonic clock
 * for all attempts together: each attempt's busy handler gets only the time
 * left, so the wait never exceeds busy_ms (plus one 10 ms pause).
 */
static int exec_retry(struct store *s, const char *sql, struct err *e)
{
	int64_t deadline = mono_ms() + s->busy_ms;
	int rc;

	for (;;) {
		int64_t left = deadline - mono_ms();
		sqlite3_busy_timeout(s->db, left > 0 ? (int)left : 0);
		rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK ||
		    ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) ||
		    mono_ms() >= deadline)
			break;
		usleep(10000);
	}
	sqlite3_busy_timeout(s->db, s->busy_ms);
	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return locked_err(s, e);
	return err_set(e, "database '%s': %s", s->path, sqlite3_errmsg(s->db));
}

static int exec_sql(struct store *s, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, "database '%s': %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int pragma_int(struct store *s, const char *sql, int *out, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot read schema");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_err(s, e, "cannot read schema");
	}
	*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Refuses files that are not ours, then migrates ours forward. */
/*
 * What every open checks of the file itself: it exists (or create says it
 * may be made: returns 1) and is a regular file.
 */
static int check_file(const char *path, bool create, struct err *e)
{
	struct stat sb;

	if (!path || !*path)
		return err_set(e, "empty database path");
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return err_set(e, "cannot open database '%s': %s", path, strerror(errno));
		if (!create)
			return err_set(e,
			               "no database at '%s' (nothing has been recorded yet: run "
			               "'costs import', 'costs capture' or 'costs sample')",
			               path);
		return 1;
	}
	if (!S_ISREG(sb.st_mode))
		return err_set(e, "cannot open database '%s': not a regular file", path);
	return 0;
}

/*
 * Whether a database of schema `version` is ours and not newer than this
 * build: the application_id is read only when the version is known (a
 * version-0 file is new or foreign, which the caller tells apart).
 */
static int check_identity(struct store *s, int version, struct err *e)
{
	const int latest = (int)(sizeof(migrations) / sizeof(migrations[0]));
	int appid;

	if (version > latest)
		return err_set(e,
		               "database '%s' has schema version %d, newer than this costs "
		               "understands (%d): upgrade costs",
		               s->path, version, latest);
	if (pragma_int(s, "PRAGMA application_id", &appid, e))
		return -1;
	if (appid != STORE_APPLICATION_ID)
		return err_set(e, "'%s' is %s, not a costs database", s->path,
		               version == 0 && appid == 0
		                   ? "empty or an SQLite database of another program"
		                   : "an SQLite database of another program");
	return 0;
}

/* Prepares the statements every store function uses. */
static int prepare_all(struct store *s, struct err *e)
{
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v2(s->db, stmt_sql[i], -1, &s->st[i], NULL) != SQLITE_OK)
			return db_err(s, e, "cannot prepare statement");
	return 0;
}

static int check_and_migrate(struct store *s, struct err *e)
{
	const int latest = (int)(sizeof(migrations) / sizeof(migrations[0]));
	int version, tables;

	if (pragma_int(s, "PRAGMA user_version", &version, e))
		return -1;
	if (version >= latest)
		return check_identity(s, version, e);
	if (store_begin(s, e))
		return -1;
	/* Read again under the write lock: another process may have migrated. */
	if (pragma_int(s, "PRAGMA user_version", &version, e))
		goto fail;
	if (version == 0) {
		if (pragma_int(s, "SELECT count(*) FROM sqlite_schema", &tables, e))
			goto fail;
		if (tables > 0) {
			err_set(e,
			        "'%s' is an SQLite database of another program, not a costs "
			        "database",
			        s->path);
			goto fail;
		}
		if (exec_sql(s, "PRAGMA application_id = 1668248436", e))
			goto fail;
	} else if (check_identity(s, version, e)) {
		goto fail;
	}
	for (int v = version; v < latest; v++) {
		char bump[64];
		if (exec_sql(s, migrations[v], e))
			goto fail;
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
		if (exec_sql(s, bump, e))
			goto fail;
	}
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

/*
 * Indexes that serve queries, not the schema: made at open whatever the
 * schema version, so they come and go without a migration.  A file we may
 * only read keeps working without them, just slower.
 */
static int ensure_indexes(struct store *s, struct err *e)
{
	/* store_totals: a month's rows in one range scan, in output order. */
	static const char *const sql =
	    "CREATE INDEX IF NOT EXISTS daily_by_day_cover ON daily(day, host, service, "
	    "source, direction, bytes, packets)";

	if (exec_retry(s, sql, e) == 0 || sqlite3_db_readonly(s->db, "main") == 1 ||
	    (sqlite3_errcode(s->db) & 0xff) == SQLITE_READONLY)
		return 0;
	return -1;
}

int store_open(const char *path, bool create, int busy_ms, struct store **out, struct err *e)
{
	struct store *s;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int missing = check_file(path, create, e);

	if (missing < 0)
		return -1;
	if (missing) {
		if (mkdirs(path, e))
			return -1;
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd < 0 && errno != EEXIST)
			return err_set(e, "cannot create database '%s': %s", path, strerror(errno));
		if (fd >= 0) {
			(void)fchmod(fd, 0640);
			close(fd);
		}
	}

	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return err_set(e, "out of memory");
	}
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		err_set(e, "cannot open database '%s': %s", path,
		        s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, busy_ms);
	s->busy_ms = busy_ms;
	/*
	 * Reading the schema version first makes a non-SQLite file fail here,
	 * before the journal mode change could write anything.
	 */
	int version;
	if (pragma_int(s, "PRAGMA user_version", &version, e)) {
		if (sqlite3_errcode(s->db) == SQLITE_NOTADB)
			err_set(e, "'%s' is not a costs database (not an SQLite file, or corrupt)",
			        path);
		store_close(s);
		return -1;
	}
	if (exec_retry(s, "PRAGMA journal_mode = WAL", e) ||
	    exec_sql(s, "PRAGMA synchronous = NORMAL", e) ||
	    exec_sql(s, "PRAGMA foreign_keys = ON", e) || check_and_migrate(s, e) ||
	    ensure_indexes(s, e) || prepare_all(s, e)) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		store_rollback(s);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

int store_set_checkpoint_on_close(struct store *s, bool on, struct err *e)
{
	if (sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, on ? 0 : 1, (int *)NULL) !=
	    SQLITE_OK)
		return db_err(s, e, "cannot set the checkpoint on close");
	return 0;
}

int store_begin(struct store *s, struct err *e)
{
	if (s->in_tx) {
		if (exec_sql(s, "SAVEPOINT nested", e))
			return -1;
		s->depth++;
		return 0;
	}
	if (exec_retry(s, "BEGIN IMMEDIATE", e))
		return -1;
	s->in_tx = true;
	s->depth = 0;
	return 0;
}

int store_commit(struct store *s, struct err *e)
{
	if (s->depth > 0) {
		if (exec_sql(s, "RELEASE nested", e)) {
			store_rollback(s);
			return -1;
		}
		s->depth--;
		return 0;
	}
	if (exec_sql(s, "COMMIT", e)) {
		store_rollback(s);
		return -1;
	}
	s->in_tx = false;
	return 0;
}

void store_rollback(struct store *s)
{
	if (s->depth > 0 && sqlite3_get_autocommit(s->db) == 0) {
		/* Undo the savepoint's work only; the outer transaction decides. */
		sqlite3_exec(s->db, "ROLLBACK TO nested; RELEASE nested", NULL, NULL, NULL);
		s->depth--;
		return;
	}
	if (sqlite3_get_autocommit(s->db) == 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = false;
	s->depth = 0;
	s->capture_id = 0;
}

/* Runs a prepared statement that returns no rows and resets it. */
static int step_done(struct store *s, sqlite3_stmt *st, struct err *e, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		if ((rc & 0xff) == SQLITE_CONSTRAINT)
			return err_set(e, "database '%s': %s: total out of range (beyond 2^63-1?)",
			               s->path, what);
		return db_err(s, e, what);
	}
	return 0;
}

static int bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
	/* Values beyond INT64_MAX bind as REAL and fail the CHECK constraints. */
	if (v > INT64_MAX)
		return sqlite3_bind_double(st, i, (double)v);
	return sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

int store_add_daily(struct store *s, const char *host, int32_t day, const char *service,
                    enum store_dir dir, const char *source, uint64_t bytes, uint64_t packets,
                    struct err *e)
{
	sqlite3_stmt *st = s->st[ST_ADD_DAILY];
	char d[11];

	date_format_day(day, d);
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 3, service, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 4, dir == STORE_EGRESS ? "egress" : "ingress", -1,
	                      SQLITE_STATIC) ||
	    sqlite3_bind_text(st, 5, source, -1, SQLITE_TRANSIENT) || bind_u64(st, 6, bytes) ||
	    bind_u64(st, 7, packets)) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	if (step_done(s, st, e, "cannot add daily total"))
		return -1;
	if (s->capture_id <= 0)
		return 0;
	st = s->st[ST_CAP_DAILY];
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 3, service, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 4, dir == STORE_EGRESS ? "egress" : "ingress", -1,
	                      SQLITE_STATIC) ||
	    sqlite3_bind_text(st, 5, source, -1, SQLITE_TRANSIENT) || bind_u64(st, 6, bytes) ||
	    bind_u64(st, 7, packets) || sqlite3_bind_int64(st, 8, s->capture_id)) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	return step_done(s, st, e, "cannot record what the file added");
}

int store_set_totals(struct store *s, const char *host, int32_t day, const char *service,
                     const char *source, uint64_t egress_bytes, uint64_t ingress_bytes,
                     uint64_t egress_packets, uint64_t ingress_packets, struct err *e)
{
	sqlite3_stmt *st = s->st[ST_DEL_IMPORT];
	char d[11];

	date_format_day(day, d);
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 3, service, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 4, source, -1, SQLITE_TRANSIENT)) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	if (step_done(s, st, e, "cannot replace imported totals"))
		return -1;
	if (store_add_daily(s, host, day, service, STORE_EGRESS, source, egress_bytes,
	                    egress_packets, e))
		return -1;
	return store_add_daily(s, host, day, service, STORE_INGRESS, source, ingress_bytes,
	                       ingress_packets, e);
}

int store_clear_day(struct store *s, const char *host, int32_t day, const char *source,
                    struct err *e)
{
	static const enum stmt_id ids[] = {ST_CLEAR_DAILY, ST_CLEAR_COVERAGE};
	char d[11];

	date_format_day(day, d);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		sqlite3_stmt *st = s->st[ids[i]];
		if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
		    sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT) ||
		    sqlite3_bind_text(st, 3, source, -1, SQLITE_TRANSIENT)) {
			sqlite3_reset(st);
			return db_err(s, e, "cannot bind");
		}
		if (step_done(s, st, e, "cannot clear a day"))
			return -1;
	}
	return 0;
}

int store_add_coverage(struct store *s, const char *host, int32_t day, const char *source,
                       const struct store_coverage *c, struct err *e)
{
	sqlite3_stmt *st = s->st[ST_ADD_COVERAGE];
	char d[11];

	date_format_day(day, d);
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 3, source, -1, SQLITE_TRANSIENT) || bind_u64(st, 4, c->seconds) ||
	    bind_u64(st, 5, c->packets) || bind_u64(st, 6, c->malformed) ||
	    bind_u64(st, 7, c->drops) || bind_u64(st, 8, c->resets) ||
	    bind_u64(st, 9, c->samples) || bind_u64(st, 10, c->gaps) ||
	    bind_u64(st, 11, c->gap_seconds)) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	if (step_done(s, st, e, "cannot add coverage"))
		return -1;
	if (s->capture_id <= 0)
		return 0;
	st = s->st[ST_CAP_COVERAGE];
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 3, source, -1, SQLITE_TRANSIENT) || bind_u64(st, 4, c->seconds) ||
	    bind_u64(st, 5, c->packets) || bind_u64(st, 6, c->malformed) ||
	    bind_u64(st, 7, c->drops) || bind_u64(st, 8, c->resets) ||
	    bind_u64(st, 9, c->samples) || bind_u64(st, 10, c->gaps) ||
	    bind_u64(st, 11, c->gap_seconds) || sqlite3_bind_int64(st, 12, s->capture_id)) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	return step_done(s, st, e, "cannot record what the file added");
}

int store_get_coverage(struct store *s, const char *host, int32_t day, const char *source,
                       struct store_coverage *c, bool *found, struct err *e)
{
	sqlite3_stmt *st = s->st[ST_GET_COVERAGE];
	char d[11];
	int rc;

	memset(c, 0, sizeof(*c));
	*found = false;
	date_format_day(day, d);
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 3, source, -1, SQLITE_TRANSIENT)) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		uint64_t *f[] = {&c->seconds, &c->packets, &c->malformed, &c->drops,
		                 &c->resets,  &c->samples, &c->gaps,      &c->gap_seconds};
		for (int i = 0; i < 8; i++)
			*f[i] = (uint64_t)sqlite3_column_int64(st, i);
		*found = true;
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "cannot read coverage");
}

int store_coverage_each(struct store *s, int32_t from, int32_t to, const char *host,
                        int (*fn)(void *ctx, const char *host, int32_t day, const char *source,
                                  const struct store_coverage *c),
                        void *ctx, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char f[11] = "0000-00-00", t[11] = "9999-99-99";
	int rc;

	if (from <= to) {
		date_format_day(from, f);
		date_format_day(to, t);
	}
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT host, day, source, seconds, packets, malformed, drops, resets,"
	        " samples, gaps, gap_seconds FROM coverage WHERE day >= ?1 AND"
	        " day <= ?2 AND (?3 IS NULL OR host = ?3) ORDER BY day, host, source",
	        -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot query coverage");
	if (sqlite3_bind_text(st, 1, f, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, t, -1, SQLITE_TRANSIENT) ||
	    (host ? sqlite3_bind_text(st, 3, host, -1, SQLITE_TRANSIENT)
	          : sqlite3_bind_null(st, 3))) {
		sqlite3_finalize(st);
		return db_err(s, e, "cannot bind");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_coverage c = {0};
		int32_t day;
		uint64_t *fld[] = {&c.seconds, &c.packets, &c.malformed, &c.drops,
		                   &c.resets,  &c.samples, &c.gaps,      &c.gap_seconds};
		for (int i = 0; i < 8; i++)
			*fld[i] = (uint64_t)sqlite3_column_int64(st, 3 + i);
		if (date_parse_day((const char *)sqlite3_column_text(st, 1), &day, NULL))
			continue;
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0), day,
		       (const char *)sqlite3_column_text(st, 2), &c)) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "cannot query coverage");
}

static void read_counter(sqlite3_stmt *st, int col, struct store_counter *c)
{
	const unsigned char *b = sqlite3_column_text(st, col);
	snprintf(c->boot_id, sizeof(c->boot_id), "%s", b ? (const char *)b : "");
	c->handle = (uint64_t)sqlite3_column_int64(st, col + 1);
	c->value = (uint64_t)sqlite3_column_int64(st, col + 2);
	c->time_us = sqlite3_column_int64(st, col + 3);
}

int store_counter_get(struct store *s, const char *name, struct store_counter *c, bool *found,
                      struct err *e)
{
	sqlite3_stmt *st = s->st[ST_COUNTER_GET];
	int rc;

	memset(c, 0, sizeof(*c));
	*found = false;
	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT)) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_counter(st, 0, c);
		*found = true;
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "cannot read counter state");
}

int store_counter_put(struct store *s, const char *name, const struct store_counter *c,
                      struct err *e)
{
	sqlite3_stmt *st = s->st[ST_COUNTER_PUT];

	/* Counter values are kept as their 64-bit pattern; SQLite has no unsigned. */
	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, c->boot_id, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)c->handle) ||
	    sqlite3_bind_int64(st, 4, (sqlite3_int64)c->value) ||
	    sqlite3_bind_int64(st, 5, c->time_us)) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	return step_done(s, st, e, "cannot store counter state");
}

int store_counter_each(struct store *s,
                       int (*fn)(void *ctx, const char *name, const struct store_counter *c),
                       void *ctx, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db,
	                       "SELECT name, boot_id, handle, value, time_us FROM counters "
	                       "ORDER BY name",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot list counters");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_counter c = {0};
		read_counter(st, 1, &c);
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0), &c)) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "cannot list counters");
}

int store_run_start(struct store *s, const char *command, int64_t *id, struct err *e)
{
	sqlite3_stmt *st = s->st[ST_RUN_START];

	if (sqlite3_bind_text(st, 1, command, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_int64(st, 2, now_us()) || sqlite3_bind_int64(st, 3, getpid())) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	if (step_done(s, st, e, "cannot record run"))
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_run_finish(struct store *s, int64_t id, int status, const char *detail, struct err *e)
{
	sqlite3_stmt *st = s->st[ST_RUN_FINISH];

	if (sqlite3_bind_int64(st, 1, id) || sqlite3_bind_int64(st, 2, now_us()) ||
	    sqlite3_bind_int(st, 3, status) ||
	    (detail ? sqlite3_bind_text(st, 4, detail, -1, SQLITE_TRANSIENT)
	            : sqlite3_bind_null(st, 4))) {
		sqlite3_reset(st);
		return db_err(s, e, "cannot bind");
	}
	return step_done(s, st, e, "cannot record run");
}

void store_totals_free(struct store_total *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		free(rows[i].host); /* the block holding service and source too */
	free(rows);
}

/*
 * store_totals reads the range's rows once, in (day, host, service,
 * source) order: a covering index (daily_by_day_cover, made at open) gives
 * that order without a sort.  The rows of one host and day are gathered,
 * the best source among them found once, and the kept rows added to the
 * output, merging directions (and sources, for "all") into the previous
 * row when the key repeats.  Months are merged by a sort at the end.
 */
struct day_row {
	size_t service; /* offset in the group's text */
	int rank;
	char source[16]; /* the longest name, "prometheus", fits */
	bool egress;
	uint64_t bytes, packets;
};

struct totals_run {
	const struct store_query *q;
	struct store_total *out;
	size_t n, cap;
	char day[11];
	char *hostbuf; /* the host of the gathered rows */
	struct day_row *rows;
	size_t nrows, rcap;
	char *text;
	size_t tlen, tcap;
	bool overflow;
	struct totals_run *hidden; /* rows the one-source rule left out */
	/*
	 * Streaming (by day only): out holds the current total, and each
	 * finished one goes to fn (none: only counted in emitted).
	 */
	bool stream;
	int (*fn)(void *ctx, const struct store_total *t);
	void *ctx;
	size_t emitted;
	int fn_rc; /* fn's non-zero answer, which stops the query */
};

/* Streaming: hands the current total to fn and empties out. */
static int totals_pass_on(struct totals_run *r)
{
	if (!r->n)
		return 0;
	if (!r->overflow && r->fn)
		r->fn_rc = r->fn(r->ctx, &r->out[0]);
	r->emitted++;
	free(r->out[0].host);
	r->n = 0;
	return r->overflow || r->fn_rc ? -1 : 0;
}

int store_source_rank(const char *src)
{
	return strcmp(src, STORE_SOURCE_NFT) == 0          ? 0
	       : strcmp(src, STORE_SOURCE_PCAP) == 0       ? 1
	       : strcmp(src, STORE_SOURCE_IMPORT) == 0     ? 2
	       : strcmp(src, STORE_SOURCE_PROMETHEUS) == 0 ? 3
	                                                   : STORE_SOURCE_RANK_LAST;
}

static bool add_u64(uint64_t *to, uint64_t v, bool *overflow)
{
	if (v > (uint64_t)INT64_MAX - *to) {
		*overflow = true;
		return false;
	}
	*to += v;
	return true;
}

/* Adds one kept row of the current host and day to the output. */
static int totals_emit(struct totals_run *r, const char *period, const char *host,
                       const char *service, const struct day_row *d)
{
	const char *src = r->q->all_sources ? "all" : d->source;
	struct store_total *t = r->n ? &r->out[r->n - 1] : NULL;
	if (!t || strcmp(t->period, period) != 0 || strcmp(t->host, host) != 0 ||
	    strcmp(t->service, service) != 0 || strcmp(t->source, src) != 0) {
		if (r->stream && r->n && totals_pass_on(r))
			return -1;
		if (r->n == r->cap) {
			size_t nc = r->cap ? r->cap * 2 : 64;
			struct store_total *o = realloc(r->out, nc * sizeof(*o));
			if (!o)
				return -1;
			r->out = o;
			r->cap = nc;
		}
		/* One block for the three strings: a million rows, a million mallocs. */
		size_t hl = strlen(host) + 1, sl = strlen(service) + 1, cl = strlen(src) + 1;
		char *b = malloc(hl + sl + cl);
		if (!b)
			return -1;
		t = &r->out[r->n++];
		memset(t, 0, sizeof(*t));
		memcpy(t->period, period, strlen(period) + 1);
		t->host = memcpy(b, host, hl);
		t->service = memcpy(b + hl, service, sl);
		t->source = memcpy(b + hl + sl, src, cl);
	}
	if (d->egress) {
		add_u64(&t->egress_bytes, d->bytes, &r->overflow);
		add_u64(&t->egress_packets, d->packets, &r->overflow);
	} else {
		add_u64(&t->ingress_bytes, d->bytes, &r->overflow);
		add_u64(&t->ingress_packets, d->packets, &r->overflow);
	}
	return 0;
}

/* The gathered rows of one host and day: the best source's, filtered. */
static int totals_flush_group(struct totals_run *r, const char *host)
{
	int best = STORE_SOURCE_RANK_LAST;
	char period[11];

	memcpy(period, r->day, 10);
	period[r->q->by_month ? 7 : 10] = '\0';
	if (r->q->best_source)
		for (size_t i = 0; i < r->nrows; i++)
			if (r->rows[i].rank < best)
				best = r->rows[i].rank;
	for (size_t i = 0; i < r->nrows; i++) {
		const struct day_row *d = &r->rows[i];
		if (r->q->service && strcmp(r->text + d->service, r->q->service) != 0)
			continue;
		if (r->q->source && strcmp(d->source, r->q->source) != 0)
			continue;
		struct totals_run *to = r->q->best_source && d->rank != best ? r->hidden : r;
		if (to && totals_emit(to, period, host, r->text + d->service, d))
			return -1;
	}
	r->nrows = 0;
	r->tlen = 0;
	return 0;
}

static int totals_add_row(struct totals_run *r, sqlite3_stmt *st)
{
	const char *service = (const char *)sqlite3_column_text(st, 2);
	const char *source = (const char *)sqlite3_column_text(st, 3);
	const char *dir = (const char *)sqlite3_column_text(st, 4);
	size_t slen = strlen(service ? service : "") + 1;

	if (r->nrows == r->rcap) {
		size_t nc = r->rcap ? r->rcap * 2 : 256;
		struct day_row *d = realloc(r->rows, nc * sizeof(*d));
		if (!d)
			return -1;
		r->rows = d;
		r->rcap = nc;
	}
	if (r->tlen + slen > r->tcap) {
		size_t nc = r->tcap ? r->tcap * 2 : 4096;
		while (nc < r->tlen + slen)
			nc *= 2;
		char *t = realloc(r->text, nc);
		if (!t)
			return -1;
		r->text = t;
		r->tcap = nc;
	}
	struct day_row *d = &r->rows[r->nrows++];
	d->service = r->tlen;
	memcpy(r->text + r->tlen, service ? service : "", slen);
	r->tlen += slen;
	/* A bounded copy (sources are short names); snprintf here was 4 % of export. */
	size_t cl = source ? strnlen(source, sizeof(d->source) - 1) : 0;
	memcpy(d->source, source ? source : "", cl);
	d->source[cl] = '\0';
	d->rank = store_source_rank(d->source);
	d->egress = dir && strcmp(dir, "egress") == 0;
	d->bytes = (uint64_t)sqlite3_column_int64(st, 5);
	d->packets = (uint64_t)sqlite3_column_int64(st, 6);
	return 0;
}

static int total_cmp(const void *a, const void *b)
{
	const struct store_total *x = a, *y = b;
	int c = strcmp(x->period, y->period);
	if (!c)
		c = strcmp(x->host, y->host);
	if (!c)
		c = strcmp(x->service, y->service);
	return c ? c : strcmp(x->source, y->source);
}

/* Months: rows of the same key from different days become one. */
static void totals_merge_months(struct totals_run *r)
{
	size_t w = 0;

	if (r->n > 1) /* qsort of NULL, 0 is undefined */
		qsort(r->out, r->n, sizeof(*r->out), total_cmp);
	for (size_t i = 0; i < r->n; i++) {
		struct store_total *t = &r->out[i];
		if (w && total_cmp(&r->out[w - 1], t) == 0) {
			struct store_total *k = &r->out[w - 1];
			add_u64(&k->egress_bytes, t->egress_bytes, &r->overflow);
			add_u64(&k->ingress_bytes, t->ingress_bytes, &r->overflow);
			add_u64(&k->egress_packets, t->egress_packets, &r->overflow);
			add_u64(&k->ingress_packets, t->ingress_packets, &r->overflow);
			free(t->host);
			continue;
		}
		r->out[w++] = *t;
	}
	r->n = w;
}

const char *store_totals_sql(bool best_source)
{
	/*
	 * With best_source every row of a host and day is read, whatever the
	 * service and source asked for: the best source is chosen among all.
	 */
	static const char *const sql_best =
	    "SELECT day, host, service, source, direction, bytes, packets FROM daily"
	    " WHERE day >= ?1 AND day <= ?2 AND (?3 IS NULL OR host = ?3)"
	    " ORDER BY day, host, service, source";
	static const char *const sql_all =
	    "SELECT day, host, service, source, direction, bytes, packets FROM daily"
	    " WHERE day >= ?1 AND day <= ?2 AND (?3 IS NULL OR host = ?3)"
	    " AND (?4 IS NULL OR service = ?4) AND (?5 IS NULL OR source = ?5)"
	    " ORDER BY day, host, service, source";
	return best_source ? sql_best : sql_all;
}

/*
 * Runs q into r (and the rows the one-source rule hides into r->hidden).
 * Returns SQLITE_DONE, or SQLITE_NOMEM, SQLITE_RANGE (a total past
 * 2^63-1), SQLITE_ABORT (r's fn said stop) or SQLite's error.
 */
static int totals_query(struct store *s, const struct store_query *q, struct totals_run *r)
{
	char from[11] = "0000-00-00", to[11] = "9999-99-99";
	sqlite3_stmt *st = NULL;
	int rc;

	if (q->from <= q->to) {
		/* Open ends (INT32_MIN/MAX) stay the strings above: no date arithmetic on them. */
		if (q->from >= date_from_civil(0, 1, 1) && q->from <= date_from_civil(9999, 12, 31))
			date_format_day(q->from, from);
		if (q->to >= date_from_civil(0, 1, 1) && q->to <= date_from_civil(9999, 12, 31))
			date_format_day(q->to, to);
	}
	if (sqlite3_prepare_v2(s->db, store_totals_sql(q->best_source), -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	if (sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT) ||
	    (q->host ? sqlite3_bind_text(st, 3, q->host, -1, SQLITE_TRANSIENT)
	             : sqlite3_bind_null(st, 3)) ||
	    (!q->best_source &&
	     ((q->service ? sqlite3_bind_text(st, 4, q->service, -1, SQLITE_TRANSIENT)
	                  : sqlite3_bind_null(st, 4)) ||
	      (q->source ? sqlite3_bind_text(st, 5, q->source, -1, SQLITE_TRANSIENT)
	                 : sqlite3_bind_null(st, 5))))) {
		sqlite3_finalize(st);
		return SQLITE_ERROR;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *day = (const char *)sqlite3_column_text(st, 0);
		const char *host = (const char *)sqlite3_column_text(st, 1);
		if (!day || !host) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (r->nrows && (strcmp(day, r->day) != 0 || strcmp(host, r->hostbuf) != 0) &&
		    totals_flush_group(r, r->hostbuf)) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (r->nrows == 0) {
			snprintf(r->day, sizeof(r->day), "%s", day);
			free(r->hostbuf);
			if (!(r->hostbuf = strdup(host))) {
				rc = SQLITE_NOMEM;
				break;
			}
		}
		if (totals_add_row(r, st)) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && r->nrows && totals_flush_group(r, r->hostbuf))
		rc = SQLITE_NOMEM;
	if (rc == SQLITE_DONE && r->stream) {
		totals_pass_on(r);
		if (r->hidden)
			totals_pass_on(r->hidden);
	}
	if (rc == SQLITE_DONE && q->by_month) {
		totals_merge_months(r);
		if (r->hidden)
			totals_merge_months(r->hidden);
	}
	if ((rc == SQLITE_DONE || rc == SQLITE_NOMEM) && r->overflow)
		rc = SQLITE_RANGE;
	else if (rc == SQLITE_NOMEM && r->fn_rc)
		rc = SQLITE_ABORT;
	free(r->rows);
	free(r->text);
	free(r->hostbuf);
	return rc;
}

static int totals_error(struct store *s, int rc, struct err *e)
{
	if (rc == SQLITE_RANGE)
		return err_set(e, "database '%s': a total exceeds 2^63-1 bytes", s->path);
	return rc == SQLITE_NOMEM ? err_set(e, "out of memory")
	                          : db_err(s, e, "cannot query totals");
}

int store_totals(struct store *s, const struct store_query *q, struct store_total **rows, size_t *n,
                 struct err *e)
{
	struct totals_run r = {.q = q}, hid = {.q = q};

	if (q->best_source && q->hidden)
		r.hidden = &hid;
	int rc = totals_query(s, q, &r);
	if (q->hidden)
		*q->hidden = hid.n;
	store_totals_free(hid.out, hid.n);
	if (rc != SQLITE_DONE) {
		store_totals_free(r.out, r.n);
		return totals_error(s, rc, e);
	}
	*rows = r.out;
	*n = r.n;
	return 0;
}

int store_totals_each(struct store *s, const struct store_query *q,
                      int (*fn)(void *ctx, const struct store_total *t), void *ctx, struct err *e)
{
	struct store_total *rows;
	size_t n;
	int rc = 0;

	if (q->by_month) { /* a month's rows come from many days: gathered first */
		if (store_totals(s, q, &rows, &n, e))
			return -1;
		for (size_t i = 0; i < n && !rc; i++)
			rc = fn(ctx, &rows[i]);
		store_totals_free(rows, n);
		return rc;
	}
	struct totals_run r = {.q = q, .stream = true, .fn = fn, .ctx = ctx};
	struct totals_run hid = {.q = q, .stream = true};
	if (q->best_source && q->hidden)
		r.hidden = &hid;
	rc = totals_query(s, q, &r);
	if (q->hidden)
		*q->hidden = hid.emitted;
	store_totals_free(hid.out, hid.n);
	store_totals_free(r.out, r.n);
	if (rc == SQLITE_ABORT)
		return r.fn_rc;
	return rc == SQLITE_DONE ? 0 : totals_error(s, rc, e);
}

int store_day_range(struct store *s, int32_t *first, int32_t *last, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*first = *last = -1;
	if (sqlite3_prepare_v2(s->db, "SELECT min(day), max(day) FROM daily", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_err(s, e, "cannot query days");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT) {
		if (date_parse_day((const char *)sqlite3_column_text(st, 0), first, NULL) ||
		    date_parse_day((const char *)sqlite3_column_text(st, 1), last, NULL))
			*first = *last = -1;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_err(s, e, "cannot query days");
}

/*
 * Opens path for reading with SQLite's own flags, or, when that fails
 * because the write-ahead log's shared-memory file cannot be created (a
 * read-only folder or mount) and no log is pending, as an immutable file.
 */
static int open_ro_handle(struct store *s, struct err *e)
{
	char wal[PATH_MAX + 8];
	struct stat sb;
	int version;

	int rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		/* Wait for writers like any other connection, before the first read. */
		sqlite3_busy_timeout(s->db, s->busy_ms);
		if (pragma_int(s, "PRAGMA user_version", &version, e) == 0)
			return 0;
	}
	int code = s->db ? sqlite3_errcode(s->db) & 0xff : SQLITE_NOMEM;
	if (code == SQLITE_NOTADB)
		return err_set(e, "'%s' is not a costs database (not an SQLite file, or corrupt)",
		               s->path);
	/* Only a log that cannot be opened read-only is worked around. */
	if (code != SQLITE_CANTOPEN && code != SQLITE_READONLY)
		return rc == SQLITE_OK ? -1 /* pragma_int said why */
		                       : err_set(e, "cannot open database '%s': %s", s->path,
		                                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
	snprintf(wal, sizeof(wal), "%s-wal", s->path);
	if (stat(wal, &sb) == 0 && sb.st_size > 0)
		return err_set(e,
		               "cannot read database '%s': its write-ahead log is pending and "
		               "the folder is not writable by you (%s)",
		               s->path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
	sqlite3_close(s->db);
	s->db = NULL;
	char *uri = sqlite3_mprintf("file:%s?immutable=1", s->path);
	char *q = uri;
	/* Escape what a URI path cannot hold as it is. */
	if (uri && strpbrk(s->path, "?#%")) {
		sqlite3_str *b = sqlite3_str_new(NULL);
		sqlite3_str_appendall(b, "file:");
		for (const char *c = s->path; *c; c++)
			if (*c == '?' || *c == '#' || *c == '%')
				sqlite3_str_appendf(b, "%%%02X", (unsigned char)*c);
			else
				sqlite3_str_appendchar(b, 1, *c);
		sqlite3_str_appendall(b, "?immutable=1");
		q = sqlite3_str_finish(b);
		sqlite3_free(uri);
		uri = q;
	}
	if (!uri)
		return err_set(e, "out of memory");
	rc = sqlite3_open_v2(uri, &s->db,
	                     SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
	sqlite3_free(uri);
	if (rc != SQLITE_OK)
		return err_set(e, "cannot open database '%s': %s", s->path,
		               s->db ? sqlite3_errmsg(s->db) : "out of memory");
	if (pragma_int(s, "PRAGMA user_version", &version, e)) {
		if (sqlite3_errcode(s->db) == SQLITE_NOTADB)
			err_set(e, "'%s' is not a costs database (not an SQLite file, or corrupt)",
			        s->path);
		return -1;
	}
	return 0;
}

int store_open_readonly(const char *path, int busy_ms, struct store **out, struct err *e)
{
	const int latest = (int)(sizeof(migrations) / sizeof(migrations[0]));
	struct store *s;
	int version;

	if (check_file(path, false, e))
		return -1;
	if (access(path, R_OK) != 0)
		return err_set(e, "cannot read database '%s': %s", path, strerror(errno));
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return err_set(e, "out of memory");
	}
	s->busy_ms = busy_ms;
	if (open_ro_handle(s, e))
		goto fail;
	sqlite3_extended_result_codes(s->db, 1);
	if (pragma_int(s, "PRAGMA user_version", &version, e) || check_identity(s, version, e))
		goto fail;
	if (version < latest && access(path, W_OK) == 0) {
		/* An older schema is upgraded by whoever may write it. */
		store_close(s);
		return store_open(path, false, busy_ms, out, e);
	}
	if (version < latest) {
		err_set(e,
		        "database '%s' has schema version %d and needs an upgrade to %d: run a "
		        "command that records (capture, sample or import) as its owner first",
		        path, version, latest);
		goto fail;
	}
	if (prepare_all(s, e))
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return -1;
}

/* ---- captured files ---- */

int store_capture_find(struct store *s, uint64_t size, const char *head,
                       struct store_capture *found, bool *any, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*any = false;
	memset(found, 0, sizeof(*found));
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT id, captured_us, name, host FROM captures WHERE size = ?1 "
	                       "AND head = ?2 ORDER BY id DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot look up captured files");
	if (bind_u64(st, 1, size) || sqlite3_bind_text(st, 2, head, -1, SQLITE_TRANSIENT)) {
		sqlite3_finalize(st);
		return db_err(s, e, "cannot bind");
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		found->id = sqlite3_column_int64(st, 0);
		found->captured_us = sqlite3_column_int64(st, 1);
		snprintf(found->name, sizeof(found->name), "%s",
		         (const char *)sqlite3_column_text(st, 2));
		snprintf(found->host, sizeof(found->host), "%s",
		         (const char *)sqlite3_column_text(st, 3));
		found->size = size;
		snprintf(found->head, sizeof(found->head), "%s", head);
		*any = true;
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "cannot look up captured files");
}

int store_capture_begin(struct store *s, const char *host, const char *name, uint64_t size,
                        const char *head, int64_t *id, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!s->in_tx)
		return err_set(e, "database '%s': a captured file is recorded inside a transaction",
		               s->path);
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO captures(host, name, size, head, captured_us) "
	                       "VALUES (?1, ?2, ?3, ?4, ?5)",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot record the captured file");
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT) || bind_u64(st, 3, size) ||
	    sqlite3_bind_text(st, 4, head, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_int64(st, 5, now_us())) {
		sqlite3_finalize(st);
		return db_err(s, e, "cannot bind");
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_err(s, e, "cannot record the captured file");
	s->capture_id = *id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

void store_capture_end(struct store *s)
{
	s->capture_id = 0;
}

int store_capture_forget(struct store *s, int64_t id, struct err *e)
{
	/*
	 * Subtract what the capture added, then drop the rows it leaves at
	 * zero (rows it created), then its record; the CHECK constraints
	 * refuse a total that would go negative, which only a hand-edited
	 * database can produce.
	 */
	static const char *const sql[] = {
	    "UPDATE daily SET bytes = daily.bytes - c.bytes, packets = daily.packets - c.packets "
	    "FROM capture_daily c WHERE c.capture = ?1 AND daily.host = c.host AND "
	    "daily.day = c.day AND daily.service = c.service AND daily.direction = c.direction "
	    "AND daily.source = c.source",
	    "DELETE FROM daily WHERE bytes = 0 AND packets = 0 AND EXISTS (SELECT 1 FROM "
	    "capture_daily c WHERE c.capture = ?1 AND daily.host = c.host AND daily.day = c.day "
	    "AND daily.service = c.service AND daily.direction = c.direction AND "
	    "daily.source = c.source)",
	    "UPDATE coverage SET seconds = coverage.seconds - c.seconds, "
	    "packets = coverage.packets - c.packets, malformed = coverage.malformed - c.malformed, "
	    "drops = coverage.drops - c.drops, resets = coverage.resets - c.resets, "
	    "samples = coverage.samples - c.samples, gaps = coverage.gaps - c.gaps, "
	    "gap_seconds = coverage.gap_seconds - c.gap_seconds FROM capture_coverage c "
	    "WHERE c.capture = ?1 AND coverage.host = c.host AND coverage.day = c.day AND "
	    "coverage.source = c.source",
	    "DELETE FROM coverage WHERE seconds = 0 AND packets = 0 AND malformed = 0 AND "
	    "drops = 0 AND resets = 0 AND samples = 0 AND gaps = 0 AND gap_seconds = 0 AND "
	    "EXISTS (SELECT 1 FROM capture_coverage c WHERE c.capture = ?1 AND "
	    "coverage.host = c.host AND coverage.day = c.day AND coverage.source = c.source)",
	    "DELETE FROM captures WHERE id = ?1",
	};

	if (store_begin(s, e))
		return -1;
	for (size_t i = 0; i < sizeof(sql) / sizeof(*sql); i++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) != SQLITE_OK) {
			db_err(s, e, "cannot forget the capture");
			goto fail;
		}
		if (sqlite3_bind_int64(st, 1, id)) {
			sqlite3_finalize(st);
			db_err(s, e, "cannot bind");
			goto fail;
		}
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			if ((rc & 0xff) == SQLITE_CONSTRAINT)
				err_set(
				    e,
				    "database '%s': the totals are smaller than what capture %lld "
				    "added (edited by hand?): nothing changed",
				    s->path, (long long)id);
			else
				db_err(s, e, "cannot forget the capture");
			goto fail;
		}
		if (i == sizeof(sql) / sizeof(*sql) - 1 && sqlite3_changes(s->db) != 1) {
			err_set(e, "database '%s': no capture %lld is recorded", s->path,
			        (long long)id);
			goto fail;
		}
	}
	return store_commit(s, e);
fail:
	store_rollback(s);
	return -1;
}

int store_capture_each(struct store *s,
                       int (*fn)(void *ctx, const struct store_capture *c, uint64_t bytes,
                                 uint64_t packets),
                       void *ctx, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db,
	                       "SELECT f.id, f.captured_us, f.name, f.host, f.size, f.head, "
	                       "coalesce((SELECT sum(bytes) FROM capture_daily c WHERE "
	                       "c.capture = f.id), 0), coalesce((SELECT sum(packets) FROM "
	                       "capture_daily c WHERE c.capture = f.id), 0) FROM captures f "
	                       "ORDER BY f.id",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot list captured files");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_capture c = {0};
		c.id = sqlite3_column_int64(st, 0);
		c.captured_us = sqlite3_column_int64(st, 1);
		snprintf(c.name, sizeof(c.name), "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(c.host, sizeof(c.host), "%s", (const char *)sqlite3_column_text(st, 3));
		c.size = (uint64_t)sqlite3_column_int64(st, 4);
		snprintf(c.head, sizeof(c.head), "%s", (const char *)sqlite3_column_text(st, 5));
		if (fn(ctx, &c, (uint64_t)sqlite3_column_int64(st, 6),
		       (uint64_t)sqlite3_column_int64(st, 7))) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "cannot list captured files");
}

int store_move_add(struct store *s, const char *host, int32_t day, const char *from, const char *to,
                   enum store_dir dir, uint64_t bytes, uint64_t packets, struct err *e)
{
	static const char sql[] = "INSERT INTO nft_moves VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	                          "ON CONFLICT DO UPDATE SET bytes = bytes + excluded.bytes, "
	                          "packets = packets + excluded.packets";
	sqlite3_stmt *st;
	char d[11];

	if (strcmp(from, to) == 0 || (bytes == 0 && packets == 0))
		return 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot record a move between services");
	date_format_day(day, d);
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 3, from, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 4, to, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_text(st, 5, dir == STORE_EGRESS ? "egress" : "ingress", -1,
	                      SQLITE_STATIC) ||
	    bind_u64(st, 6, bytes) || bind_u64(st, 7, packets)) {
		sqlite3_finalize(st);
		return db_err(s, e, "cannot bind");
	}
	if (step_done(s, st, e, "cannot record a move between services")) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

struct pending_move {
	int64_t rowid;
	int32_t day;
	char *from, *to;
	enum store_dir dir;
	uint64_t bytes, packets; /* what can move now */
};

static void pending_free(struct pending_move *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].from);
		free(m[i].to);
	}
	free(m);
}

static uint64_t col_u64(sqlite3_stmt *st, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(st, i);
	return v > 0 ? (uint64_t)v : 0;
}

/* The pending moves of host, each limited to what its fallback total holds. */
static int pending_read(struct store *s, const char *host, struct pending_move **out, size_t *n,
                        struct err *e)
{
	static const char sql[] =
	    "SELECT m.rowid, m.day, m.from_service, m.to_service, m.direction, "
	    "min(m.bytes, coalesce(d.bytes, 0)), min(m.packets, coalesce(d.packets, 0)) "
	    "FROM nft_moves m LEFT JOIN daily d ON d.host = m.host AND d.day = m.day AND "
	    "d.service = m.from_service AND d.direction = m.direction AND d.source = 'nft' "
	    "WHERE m.host = ?1";
	struct pending_move *m = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot read the moves between services");
	sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *day = (const char *)sqlite3_column_text(st, 1);
		const char *from = (const char *)sqlite3_column_text(st, 2);
		const char *to = (const char *)sqlite3_column_text(st, 3);
		const char *dir = (const char *)sqlite3_column_text(st, 4);
		struct pending_move *p;

		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct pending_move *q = realloc(m, nc * sizeof(*q));
			if (!q)
				goto oom;
			m = q;
			cap = nc;
		}
		p = &m[*n];
		*p = (struct pending_move){.rowid = sqlite3_column_int64(st, 0),
		                           .bytes = col_u64(st, 5),
		                           .packets = col_u64(st, 6)};
		if (!day || date_parse_day(day, &p->day, NULL) || !from || !to || !dir)
			continue;
		p->dir = strcmp(dir, "egress") == 0 ? STORE_EGRESS : STORE_INGRESS;
		if (!(p->from = strdup(from)) || !(p->to = strdup(to))) {
			free(p->from);
			goto oom;
		}
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		pending_free(m, *n);
		return db_err(s, e, "cannot read the moves between services");
	}
	*out = m;
	return 0;
oom:
	sqlite3_finalize(st);
	pending_free(m, *n);
	return err_set(e, "out of memory");
}

static int exec_bound(struct store *s, const char *sql, const struct pending_move *m,
                      const char *host, struct err *e)
{
	sqlite3_stmt *st;
	char d[11];
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot apply a move between services");
	date_format_day(m->day, d);
	sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, m->from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, m->dir == STORE_EGRESS ? "egress" : "ingress", -1, SQLITE_STATIC);
	bind_u64(st, 5, m->bytes);
	bind_u64(st, 6, m->packets);
	sqlite3_bind_int64(st, 7, m->rowid);
	rc = step_done(s, st, e, "cannot apply a move between services");
	sqlite3_finalize(st);
	return rc;
}

int store_moves_apply(struct store *s, const char *host, struct err *e)
{
	struct pending_move *m = NULL;
	size_t n;

	if (pending_read(s, host, &m, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (m[i].bytes == 0 && m[i].packets == 0)
			continue;
		if (exec_bound(s,
		               "UPDATE daily SET bytes = bytes - ?5, packets = packets - ?6 "
		               "WHERE host = ?1 AND day = ?2 AND service = ?3 AND direction = ?4 "
		               "AND source = 'nft' AND ?7 IS NOT NULL",
		               &m[i], host, e) ||
		    store_add_daily(s, host, m[i].day, m[i].to, m[i].dir, STORE_SOURCE_NFT,
		                    m[i].bytes, m[i].packets, e) ||
		    exec_bound(s,
		               "UPDATE nft_moves SET bytes = bytes - ?5, packets = packets - ?6 "
		               "WHERE rowid = ?7 AND ?1 IS NOT NULL AND ?2 IS NOT NULL AND "
		               "?3 IS NOT NULL AND ?4 IS NOT NULL",
		               &m[i], host, e)) {
			pending_free(m, n);
			return -1;
		}
	}
	pending_free(m, n);
	/*
	 * What a day's total never held (the sample spread the counters'
	 * delta over the day before, near midnight) stays where the kernel
	 * counted it once the day is a week old.
	 */
	return exec_sql(s,
	                "DELETE FROM nft_moves WHERE (bytes = 0 AND packets = 0) OR "
	                "day < date('now', '-7 days')",
	                e);
}

/*
 * Verdicts are written in sets: rows whose blobs hold the verdicts of one
 * host's flush, 256 KiB of them per row, so that a flush of a million
 * connections is a few dozen rows and a sequential write rather than a
 * million b-tree inserts.
 * The blob is a sequence of entries, integers little-endian:
 *   u8 flags (1: IPv6, 2: local_is_a), u8 proto, u16 service (an index
 *   into the set's newline-separated service names), u16 pa, u16 pb,
 *   a and b (4 bytes each for IPv4, 16 for IPv6), u32 last_seen - base,
 *   u16 expires - last_seen.
 */
#define VSET_FIXED 14 /* an entry's bytes besides its two addresses */
#define VSET_CHUNK 65536
#define VSET_ROW   (256u << 10) /* bytes of entries per stored row */
#define VSET_V6    1
#define VSET_LOCAL 2

static size_t vset_entry_size(int family)
{
	return VSET_FIXED + 2 * (family == 6 ? 16u : 4u);
}

static uint8_t *put_u16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint32_t get_u16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static size_t vset_encode(uint8_t *out, const struct store_verdict *v, uint16_t service,
                          int64_t base)
{
	size_t alen = v->family == 6 ? 16 : 4;
	uint32_t seen = (uint32_t)(v->last_seen - base);
	uint8_t *p = out;

	*p++ = (uint8_t)((v->family == 6 ? VSET_V6 : 0) | (v->local_is_a ? VSET_LOCAL : 0));
	*p++ = v->proto;
	p = put_u16(p, service);
	p = put_u16(p, v->pa);
	p = put_u16(p, v->pb);
	memcpy(p, v->a, alen);
	memcpy(p + alen, v->b, alen);
	p += 2 * alen;
	p = put_u16(p, seen & 0xffff);
	p = put_u16(p, seen >> 16);
	p = put_u16(p, (uint32_t)(v->expires - v->last_seen));
	return (size_t)(p - out);
}

/* Checks what one set needs to be encodable: families, times, service indexes. */
static int vset_measure(const struct store_verdict_batch *b, int64_t *base, int64_t *newest,
                        int64_t *expires, struct err *e)
{
	struct store_verdict v;
	uint16_t service;

	for (size_t i = 0; i < b->n; i++) {
		b->get(b->ctx, i, &v, &service);
		if ((v.family != 4 && v.family != 6) || service >= b->nservices)
			return err_set(e, "verdict %zu: address family %d, service %u of %zu", i,
			               v.family, service, b->nservices);
		if (v.expires < v.last_seen || v.expires - v.last_seen > 0xffff)
			return err_set(e, "verdict %zu: expires %lld for last seen %lld", i,
			               (long long)v.expires, (long long)v.last_seen);
		if (i == 0 || v.last_seen < *base)
			*base = v.last_seen;
		if (i == 0 || v.last_seen > *newest)
			*newest = v.last_seen;
		if (i == 0 || v.expires > *expires)
			*expires = v.expires;
	}
	if (*newest - *base > (int64_t)UINT32_MAX)
		return err_set(e, "verdicts span more than 2^32 seconds");
	return 0;
}

static char *vset_names(const struct store_verdict_batch *b, struct err *e)
{
	size_t len = 1;
	for (size_t i = 0; i < b->nservices; i++)
		len += strlen(b->services[i]) + 1;
	char *names = malloc(len), *p = names;
	if (!names) {
		err_set(e, "out of memory for %zu service names", b->nservices);
		return NULL;
	}
	for (size_t i = 0; i < b->nservices; i++) {
		if (strchr(b->services[i], '\n') || !b->services[i][0]) {
			free(names);
			err_set(e, "service name '%s' cannot be stored with a verdict",
			        b->services[i]);
			return NULL;
		}
		p += sprintf(p, "%s%s", i ? "\n" : "", b->services[i]);
	}
	*p = '\0';
	return names;
}

/*
 * Stores a batch as rows of at most VSET_ROW bytes of entries, each a set
 * of its own (its count, the batch's base, names and times): every page
 * is written once, from a buffer of bounded size, where one zero-filled
 * blob written over afterwards cost each page twice, and a re-read once it
 * outgrew SQLite's cache.  Sets are read and kept alike, whatever their
 * number.
 */
int store_verdicts_put(struct store *s, const char *host, const struct store_verdict_batch *b,
                       struct err *e)
{
	int64_t base = 0, newest = 0, expires = 0;
	sqlite3_stmt *st = NULL;
	uint8_t *buf = NULL;
	char *names;
	int rc = -1;

	if (b->n == 0)
		return 0;
	if (vset_measure(b, &base, &newest, &expires, e))
		return -1;
	if (!(names = vset_names(b, e)))
		return -1;
	if (!(buf = malloc(VSET_ROW))) {
		free(names);
		return err_set(e, "out of memory for a verdict set");
	}
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO verdict_sets(host, newest, expires, count, base, "
	                       "services, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, host, -1, SQLITE_STATIC) ||
	    sqlite3_bind_int64(st, 2, newest) || sqlite3_bind_int64(st, 3, expires) ||
	    sqlite3_bind_int64(st, 5, base) || sqlite3_bind_text(st, 6, names, -1, SQLITE_STATIC)) {
		db_err(s, e, "cannot store verdicts");
		goto done;
	}
	size_t used = 0, count = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct store_verdict v;
		uint16_t service;
		b->get(b->ctx, i, &v, &service);
		used += vset_encode(buf + used, &v, service, base);
		count++;
		if (used <= VSET_ROW - vset_entry_size(6) && i + 1 < b->n)
			continue;
		if (sqlite3_bind_int64(st, 4, (int64_t)count) ||
		    sqlite3_bind_blob(st, 7, buf, (int)used, SQLITE_STATIC) ||
		    sqlite3_step(st) != SQLITE_DONE) {
			db_err(s, e, "cannot store verdicts");
			goto done;
		}
		sqlite3_reset(st);
		used = count = 0;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	free(buf);
	free(names);
	return rc;
}

struct one_verdict {
	const struct store_verdict *v;
};

static void one_get(void *ctx, size_t i, struct store_verdict *v, uint16_t *service)
{
	(void)i;
	*v = *((const struct one_verdict *)ctx)->v;
	*service = 0;
}

int store_verdict_put(struct store *s, const char *host, const struct store_verdict *v,
                      struct err *e)
{
	struct one_verdict one = {v};
	const char *name = v->service;
	struct store_verdict_batch b = {
	    .services = &name, .nservices = 1, .n = 1, .get = one_get, .ctx = &one};
	return store_verdicts_put(s, host, &b, e);
}

/* Splits a set's service names in place; *n gets their number. */
static const char **vset_split(char *names, size_t *n)
{
	size_t cap = 1;
	for (const char *p = names; *p; p++)
		cap += *p == '\n';
	const char **out = malloc(cap * sizeof(*out));
	if (!out)
		return NULL;
	*n = 0;
	for (char *p = names, *nl; p; p = nl ? nl + 1 : NULL) {
		if ((nl = strchr(p, '\n')))
			*nl = '\0';
		out[(*n)++] = p;
	}
	return out;
}

/* Decodes one set's entries, calling fn for those expiring at or after now. */
struct vset_reader {
	const char **names;
	size_t nnames;
	int64_t base, now;
	int (*fn)(void *ctx, const struct store_verdict *v);
	void *ctx;
	bool stop;
};

/*
 * Decodes the whole entries of data[0, len), calling fn for those expiring
 * at or after now; *used gets the bytes decoded (a last entry cut short
 * waits for the next chunk).  -1: a damaged entry.
 */
static int vset_each(struct vset_reader *r, const uint8_t *data, size_t len, size_t *used)
{
	size_t off = 0;
	const char **names = r->names;

	while (off < len && !r->stop) {
		struct store_verdict v;
		const uint8_t *p = data + off;
		memset(&v, 0, sizeof(v));
		v.family = (p[0] & VSET_V6) ? 6 : 4;
		size_t alen = v.family == 6 ? 16 : 4, size = vset_entry_size(v.family);
		if (len - off < size)
			break;
		uint32_t service = get_u16(p + 2);
		if (service >= r->nnames || (p[0] & ~(VSET_V6 | VSET_LOCAL)))
			return -1;
		v.local_is_a = (p[0] & VSET_LOCAL) != 0;
		v.proto = p[1];
		v.pa = (uint16_t)get_u16(p + 4);
		v.pb = (uint16_t)get_u16(p + 6);
		memcpy(v.a, p + 8, alen);
		memcpy(v.b, p + 8 + alen, alen);
		p += 8 + 2 * alen;
		v.last_seen = r->base + (int64_t)(get_u16(p) | get_u16(p + 2) << 16);
		v.expires = v.last_seen + (int64_t)get_u16(p + 4);
		snprintf(v.service, sizeof(v.service), "%s", names[service]);
		off += size;
		if (v.expires >= r->now && r->fn(r->ctx, &v))
			r->stop = true;
	}
	*used = off;
	return 0;
}

/* Reads set `id` (len bytes) a chunk at a time: a set of a million is not held whole. */
static int vset_read(struct store *s, int64_t id, size_t len, struct vset_reader *r, struct err *e)
{
	sqlite3_blob *blob;
	uint8_t *buf;
	size_t have = 0, off = 0, used;
	int bad = 0;

	if (sqlite3_blob_open(s->db, "main", "verdict_sets", "data", id, 0, &blob) != SQLITE_OK)
		return db_err(s, e, "cannot read verdicts");
	if (!(buf = malloc(VSET_CHUNK))) {
		sqlite3_blob_close(blob);
		return err_set(e, "out of memory for a verdict set");
	}
	while (!bad && !r->stop && off < len) {
		size_t n = len - off < VSET_CHUNK - have ? len - off : VSET_CHUNK - have;
		if (sqlite3_blob_read(blob, buf + have, (int)n, (int)off) != SQLITE_OK) {
			sqlite3_blob_close(blob);
			free(buf);
			return db_err(s, e, "cannot read verdicts");
		}
		off += n;
		have += n;
		if ((bad = vset_each(r, buf, have, &used)))
			break;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	sqlite3_blob_close(blob);
	free(buf);
	if (bad || (!r->stop && have))
		return err_set(e, "database '%s': verdict set %lld is damaged", s->path,
		               (long long)id);
	return 0;
}

int store_verdict_each(struct store *s, const char *host, int64_t now,
                       int (*fn)(void *ctx, const struct store_verdict *v), void *ctx,
                       struct err *e)
{
	struct vset_reader r = {.now = now, .fn = fn, .ctx = ctx};
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db,
	                       "SELECT id, base, services, length(data) FROM verdict_sets "
	                       "WHERE host = ?1 AND expires >= ?2 ORDER BY newest DESC, id DESC",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot read verdicts");
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_int64(st, 2, now)) {
		sqlite3_finalize(st);
		return db_err(s, e, "cannot bind");
	}
	while (!r.stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(st, 2);
		char *names = strdup(text ? (const char *)text : "");
		r.names = names ? vset_split(names, &r.nnames) : NULL;
		r.base = sqlite3_column_int64(st, 1);
		int failed = !r.names ? err_set(e, "out of memory for a verdict set")
		                      : vset_read(s, sqlite3_column_int64(st, 0),
		                                  (size_t)sqlite3_column_int64(st, 3), &r, e);
		free(r.names);
		free(names);
		if (failed) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return r.stop || rc == SQLITE_DONE ? 0 : db_err(s, e, "cannot read verdicts");
}

struct get_ctx {
	struct store_verdict *want;
	bool found;
};

static int get_one(void *ctx, const struct store_verdict *v)
{
	struct get_ctx *g = ctx;
	struct store_verdict *w = g->want;
	size_t alen = v->family == 6 ? 16 : 4;
	if (v->proto != w->proto || v->family != w->family || v->pa != w->pa || v->pb != w->pb ||
	    memcmp(v->a, w->a, alen) || memcmp(v->b, w->b, alen))
		return 0;
	*w = *v;
	g->found = true;
	return 1;
}

int store_verdict_get(struct store *s, const char *host, struct store_verdict *v, bool *found,
                      struct err *e)
{
	struct get_ctx g = {v, false};
	int rc = store_verdict_each(s, host, INT64_MIN, get_one, &g, e);
	*found = g.found;
	return rc;
}

int store_verdict_expire(struct store *s, const char *host, int64_t now, uint64_t *removed,
                         struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (removed) {
		if (sqlite3_prepare_v2(s->db,
		                       "SELECT coalesce(sum(count), 0) FROM verdict_sets "
		                       "WHERE host = ?1 AND expires < ?2",
		                       -1, &st, NULL) != SQLITE_OK)
			return db_err(s, e, "cannot expire verdicts");
		sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, now);
		rc = sqlite3_step(st);
		*removed = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return db_err(s, e, "cannot expire verdicts");
	}
	if (sqlite3_prepare_v2(s->db, "DELETE FROM verdict_sets WHERE host = ?1 AND expires < ?2",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e, "cannot expire verdicts");
	if (sqlite3_bind_text(st, 1, host, -1, SQLITE_TRANSIENT) ||
	    sqlite3_bind_int64(st, 2, now)) {
		sqlite3_finalize(st);
		return db_err(s, e, "cannot bind");
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, e, "cannot expire verdicts");
}
