/*
 * costs watch without the kernel: NFLOG records from the fuzz corpus (a TLS
 * connection whose ClientHello names a service) go through an offline
 * watch, which must decide the connection and move every byte the fallback
 * counted, before and after the decision, into the decided service.
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

#include "config/config.h"
#include "nft/watch.h"
#include "store/store.h"

static uint8_t *slurp(const char *name, size_t *len)
{
	char p[1024];
	FILE *f;
	uint8_t *buf = malloc(65536);

	snprintf(p, sizeof(p), "%s/tests/fuzz/corpus/nflog/%s", COSTS_SOURCE_ROOT, name);
	assert_non_null(buf);
	assert_non_null(f = fopen(p, "rb"));
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	return buf;
}

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

static void a_decided_connection_moves_all_its_fallback_bytes(void **state)
{
	static const char conf[] = "[service site]\nmatch = sni=www.example.com\n";
	char dir[] = "/tmp/costs-watch-XXXXXX", db[64];
	uint64_t in = 0, out = 0;
	struct nftc_watch *w;
	struct config *c;
	struct store *st;
	struct err e;
	size_t len, off = 0;
	uint8_t *data = slurp("tls-sni", &len);
	(void)state;

	assert_int_equal(config_parse(conf, strlen(conf), "t.conf", &c, &e), 0);
	assert_int_equal(nftc_watch_new_offline(c, &w, &e), 0);
	while (off + 2 <= len) {
		size_t n = (size_t)data[off] | (size_t)data[off + 1] << 8;
		const uint8_t *r = data + off + 2;
		/* header 4, prefix TLV 4 + "x:https\0", payload TLV header 4: IP at 20 */
		uint16_t iplen = (uint16_t)(r[22] << 8 | r[23]);
		if (r[8] == 'e')
			out += iplen;
		else
			in += iplen;
		nftc_watch_record(w, r, n, 1764547200000000);
		off += 2 + n;
	}
	assert_int_equal(nftc_watch_stats(w)->flows, 1);
	assert_int_equal(nftc_watch_stats(w)->decided, 1);
	assert_int_equal(nftc_watch_stats(w)->mark_failed, 1); /* offline: no kernel */
	assert_int_equal(nftc_watch_stats(w)->moved_bytes, in + out);

	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/costs.db", dir);
	assert_int_equal(store_open(db, true, 1000, &st, &e), 0);
	assert_int_equal(nftc_watch_flush(w, st, "h", &e), 0);
	store_close(st);
	assert_int_equal(query_int(db, "SELECT bytes FROM nft_moves WHERE from_service = 'https' "
	                               "AND to_service = 'site' AND direction = 'egress'"),
	                 out);
	assert_int_equal(query_int(db, "SELECT bytes FROM nft_moves WHERE from_service = 'https' "
	                               "AND to_service = 'site' AND direction = 'ingress'"),
	                 in);
	unlink(db);
	rmdir(dir);
	nftc_watch_free(w);
	config_free(c);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_decided_connection_moves_all_its_fallback_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
