/* Unit tests of the readers: libnftables JSON output and /proc/net/dev. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft/iface.h"
#include "nft/kernel.h"

static const char listing[] =
    "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}},"
    " {\"table\": {\"family\": \"inet\", \"name\": \"costs\", \"handle\": 7}},"
    " {\"counter\": {\"family\": \"inet\", \"name\": \"egress_web\", \"table\": \"costs\","
    "  \"handle\": 3, \"packets\": 12, \"bytes\": 18446744073709551}},"
    " {\"counter\": {\"family\": \"ip\", \"name\": \"egress_web\", \"table\": \"costs\","
    "  \"handle\": 3, \"packets\": 1, \"bytes\": 1}},"
    " {\"counter\": {\"family\": \"inet\", \"name\": \"total_egress\", \"table\": \"costs\","
    "  \"handle\": 4, \"packets\": 0, \"bytes\": 0}},"
    " {\"chain\": {\"family\": \"inet\", \"table\": \"costs\", \"name\": \"output\", \"handle\": "
    "2}},"
    " {\"rule\": {\"family\": \"inet\", \"table\": \"costs\", \"chain\": \"output\","
    "  \"handle\": 9, \"expr\": [{\"counter\": \"egress_web\"}]}}]}";

static void parses_the_table_handle_and_its_counters_only(void **state)
{
	struct nftc_reading r;
	struct err e;
	(void)state;
	assert_int_equal(nftc_parse_json(listing, strlen(listing), &r, &e), 0);
	assert_int_equal(r.handle, 7);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.counters[0].name, "egress_web");
	assert_int_equal(r.counters[0].bytes, 18446744073709551ULL);
	assert_int_equal(r.counters[0].packets, 12);
	assert_non_null(nftc_reading_find(&r, "total_egress"));
	assert_null(nftc_reading_find(&r, "ingress_web"));
	nftc_reading_release(&r);
	assert_int_equal(r.n, 0);
}

static void skips_a_counter_with_a_name_longer_than_costs_makes(void **state)
{
	char name[256], j[1024];
	struct nftc_reading r;
	struct err e;
	(void)state;
	memset(name, 'x', 200);
	name[200] = '\0';
	snprintf(j, sizeof(j),
	         "{\"nftables\": [{\"table\": {\"family\": \"inet\", \"name\": \"costs\", "
	         "\"handle\": 5}}, {\"counter\": {\"family\": \"inet\", \"name\": \"egress_%s\","
	         " \"table\": \"costs\", \"handle\": 3, \"packets\": 2, \"bytes\": 100}},"
	         " {\"counter\": {\"family\": \"inet\", \"name\": \"egress_web\","
	         " \"table\": \"costs\", \"handle\": 4, \"packets\": 1, \"bytes\": 60}}]}",
	         name);
	assert_int_equal(nftc_parse_json(j, strlen(j), &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.counters[0].name, "egress_web");
	nftc_reading_release(&r);
}

static void reads_the_handle_and_counters_from_two_documents(void **state)
{
	const char *j =
	    "{\"nftables\": [{\"metainfo\": {}}, {\"table\": {\"family\": \"inet\","
	    " \"name\": \"costs\", \"handle\": 12}}, {\"table\": {\"family\": \"inet\","
	    " \"name\": \"other\", \"handle\": 3}}]}\n"
	    "{\"nftables\": [{\"counter\": {\"family\": \"inet\", \"name\": \"egress_a\","
	    " \"table\": \"costs\", \"handle\": 3, \"packets\": 2, \"bytes\": 100}}]}\n";
	struct nftc_reading r;
	struct err e;
	(void)state;
	assert_int_equal(nftc_parse_json(j, strlen(j), &r, &e), 0);
	assert_int_equal(r.handle, 12);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.counters[0].bytes, 100);
	nftc_reading_release(&r);
}

static void refuses_a_listing_without_the_table(void **state)
{
	const char *j = "{\"nftables\": [{\"metainfo\": {}}]}";
	struct nftc_reading r;
	struct err e;
	(void)state;
	assert_int_equal(nftc_parse_json(j, strlen(j), &r, &e), -1);
	assert_non_null(strstr(e.msg, "does not exist"));
}

static void refuses_malformed_json_and_bad_values(void **state)
{
	const char *bad[] = {
	    "",
	    "{\"nftables\": ",
	    "[1, 2]",
	    "{\"nftables\": {}}",
	    "{\"nftables\": []} {\"nftables\": [",
	    "{\"nftables\": [{\"table\": {\"family\": \"inet\", \"name\": \"costs\"}}]}",
	    "{\"nftables\": [{\"table\": {\"family\": \"inet\", \"name\": \"costs\", \"handle\": "
	    "1}},"
	    " {\"counter\": {\"family\": \"inet\", \"table\": \"costs\", \"name\": \"x\", "
	    "\"bytes\": -1, \"packets\": 0}}]}",
	    "{\"nftables\": [{\"table\": {\"family\": \"inet\", \"name\": \"costs\", \"handle\": "
	    "1}},"
	    " {\"counter\": {\"family\": \"inet\", \"table\": \"costs\", \"bytes\": 1, "
	    "\"packets\": 0}}]}",
	};
	struct nftc_reading r;
	struct err e;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(nftc_parse_json(bad[i], strlen(bad[i]), &r, &e), -1);
		assert_int_equal(r.n, 0);
		assert_null(r.counters);
	}
}

static const char netdev[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "    lo:  123456     789    0    0    0     0          0         0   123456     789    0 "
    "   0    0     0       0          0\n"
    "  eth0:18446744073709551615 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n"
    "wg-vpn.1: 10 20 0 0 0 0 0 0 30 40 0 0 0 0 0 0\n";

static void proc_net_dev_leaves_out_loopback(void **state)
{
	struct nftc_iface *f = NULL;
	struct err e;
	size_t n = 0;
	(void)state;
	assert_int_equal(nftc_iface_parse(netdev, &f, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].name, "eth0");
	assert_int_equal(f[0].rx_bytes, UINT64_MAX);
	assert_int_equal(f[0].rx_packets, 2);
	assert_int_equal(f[0].tx_bytes, 3);
	assert_int_equal(f[0].tx_packets, 4);
	assert_string_equal(f[1].name, "wg-vpn.1");
	assert_int_equal(f[1].tx_bytes, 30);
	free(f);
}

static void proc_net_dev_errors_name_the_line(void **state)
{
	const char *bad = "h1\nh2\n  eth0: 1 2 3\n";
	const char *range = "h1\nh2\n  eth0: 99999999999999999999 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n";
	struct nftc_iface *f = NULL;
	struct err e;
	size_t n = 0;
	(void)state;
	assert_int_equal(nftc_iface_parse(bad, &f, &n, &e), -1);
	assert_non_null(strstr(e.msg, ":3:"));
	assert_int_equal(nftc_iface_parse(range, &f, &n, &e), -1);
	assert_non_null(strstr(e.msg, "out of range"));
}

static void reads_the_real_proc_net_dev(void **state)
{
	struct nftc_iface *f = NULL;
	struct err e;
	size_t n = 0;
	(void)state;
	assert_int_equal(nftc_iface_read("/proc/net/dev", &f, &n, &e), 0);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(f[i].name, "lo");
	free(f);
	assert_int_equal(nftc_iface_read("/nonexistent/net/dev", &f, &n, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_the_table_handle_and_its_counters_only),
	    cmocka_unit_test(reads_the_handle_and_counters_from_two_documents),
	    cmocka_unit_test(skips_a_counter_with_a_name_longer_than_costs_makes),
	    cmocka_unit_test(refuses_a_listing_without_the_table),
	    cmocka_unit_test(refuses_malformed_json_and_bad_values),
	    cmocka_unit_test(proc_net_dev_leaves_out_loopback),
	    cmocka_unit_test(proc_net_dev_errors_name_the_line),
	    cmocka_unit_test(reads_the_real_proc_net_dev),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
