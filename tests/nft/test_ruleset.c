/* Unit tests of the ruleset writer: what each term becomes, what is left out. */
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

#include "config/config.h"
#include "nft/ruleset.h"

static char root[256];

static int setup(void **state)
{
	char p[512];
	(void)state;
	snprintf(root, sizeof(root), "%s/costs-cg-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return -1;
	snprintf(p, sizeof(p), "%s/system.slice", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/system.slice/api.service", root);
	return mkdir(p, 0755);
}

static int teardown(void **state)
{
	char p[512];
	(void)state;
	snprintf(p, sizeof(p), "%s/system.slice/api.service", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/system.slice", root);
	rmdir(p);
	return rmdir(root);
}

static struct nftc_ruleset *build(const char *text)
{
	struct config *c;
	struct nftc_ruleset *r;
	struct err e;

	assert_int_equal(config_parse(text, strlen(text), "t.conf", &c, &e), 0);
	assert_int_equal(nftc_ruleset_build(c, root, 0, &r, &e), 0);
	config_free(c);
	return r;
}

static void contains(const struct nftc_ruleset *r, const char *s)
{
	if (!strstr(r->text, s))
		fail_msg("'%s' not in:\n%s", s, r->text);
}

static void port_terms_match_local_ports_per_direction(void **state)
{
	struct nftc_ruleset *r =
	    build("[service web]\nmatch = port=8080\nmatch = port=tcp/9000-9100\n"
	          "match = port=udp/53\n");
	(void)state;
	contains(r, "meta l4proto { tcp, udp } th sport 8080 counter name egress_web accept");
	contains(r, "meta l4proto { tcp, udp } th dport 8080 counter name ingress_web accept");
	contains(r, "tcp sport 9000-9100 counter name egress_web accept");
	contains(r, "udp dport 53 counter name ingress_web accept");
	contains(r, "jump out_web");
	contains(r, "jump in_web");
	assert_int_equal(r->nskips, 0);
	nftc_ruleset_free(r);
}

static void addr_terms_use_the_family_and_the_local_side(void **state)
{
	struct nftc_ruleset *r = build("[service c]\nmatch = addr=172.18.0.5/32\n"
	                               "match = addr=2001:db8::/48 port=443\n");
	(void)state;
	contains(r, "ip saddr 172.18.0.5/32 counter name egress_c accept");
	contains(r, "ip daddr 172.18.0.5/32 counter name ingress_c accept");
	contains(r, "ip6 saddr 2001:db8::/48 meta l4proto { tcp, udp } th sport 443 counter");
	nftc_ruleset_free(r);
}

static void cgroup_level_is_the_number_of_path_components(void **state)
{
	struct nftc_ruleset *r = build("[service api]\nmatch = cgroup=system.slice/api.service\n"
	                               "[service x]\nmatch = cgroup=system.slice\n");
	(void)state;
	contains(r, "socket cgroupv2 level 2 \"system.slice/api.service\" counter name egress_api");
	contains(r,
	         "socket cgroupv2 level 2 \"system.slice/api.service\" counter name ingress_api");
	contains(r, "socket cgroupv2 level 1 \"system.slice\" counter name egress_x");
	assert_int_equal(r->nskips, 0);
	nftc_ruleset_free(r);
}

static void missing_cgroup_is_left_out_and_reported(void **state)
{
	struct nftc_ruleset *r =
	    build("[service api]\nmatch = cgroup=no/such.service\nmatch = port=1\n");
	(void)state;
	assert_int_equal(r->nskips, 1);
	assert_string_equal(r->skips[0].term, "cgroup");
	assert_int_equal(r->skips[0].line, 2);
	assert_null(strstr(r->text, "cgroupv2"));
	contains(r, "th sport 1 counter name egress_api");
	nftc_ruleset_free(r);
}

static void without_cgroup_v2_cgroup_terms_are_left_out(void **state)
{
	struct config *c;
	struct nftc_ruleset *r;
	struct err e;
	const char *text = "[service api]\nmatch = cgroup=system.slice/api.service\n";
	(void)state;
	assert_int_equal(config_parse(text, strlen(text), "t.conf", &c, &e), 0);
	assert_int_equal(nftc_ruleset_build(c, NULL, 0, &r, &e), 0);
	config_free(c);
	assert_int_equal(r->nskips, 1);
	assert_non_null(strstr(r->skips[0].reason, "cgroup v2"));
	assert_null(strstr(r->text, "cgroupv2"));
	nftc_ruleset_free(r);
}

static void uid_counts_egress_only_and_says_so(void **state)
{
	struct nftc_ruleset *r = build("[service www]\nmatch = uid=33\n");
	(void)state;
	contains(r, "meta skuid 33 counter name egress_www accept");
	assert_null(strstr(r->text, "in_www"));
	assert_int_equal(r->nskips, 1);
	assert_string_equal(r->skips[0].term, "uid");
	assert_true(r->skips[0].egress_only);
	nftc_ruleset_free(r);
}

static void payload_terms_leave_their_line_out(void **state)
{
	struct nftc_ruleset *r = build("[service g]\nmatch = sni=*.example.com\nmatch = port=80 "
	                               "path=/mcp\nmatch = detect=websocket\nmatch = host=a.b\n"
	                               "match = port=9001\n");
	(void)state;
	assert_int_equal(r->nskips, 4);
	assert_string_equal(r->skips[0].term, "sni");
	assert_int_equal(r->skips[0].line, 2);
	assert_string_equal(r->skips[1].term, "path");
	assert_int_equal(r->skips[1].line, 3);
	assert_string_equal(r->skips[2].term, "detect");
	assert_string_equal(r->skips[3].term, "host");
	assert_false(r->skips[0].egress_only);
	/* port=80 alone would widen the match: the whole line is out. */
	assert_null(strstr(r->text, "th sport 80 counter name egress_g"));
	contains(r, "th sport 9001 counter name egress_g log prefix \"e:g\" group 3303 snaplen "
	            "2048 accept");
	nftc_ruleset_free(r);
}

/* With payload rules, decided connections count by mark, undecided ones are logged. */
static void payload_rules_add_marks_and_logging(void **state)
{
	struct nftc_ruleset *r = build("[service g]\nmatch = sni=*.example.com\n");
	char mark[96];
	(void)state;
	assert_true(r->payload);
	snprintf(mark, sizeof(mark), "ct mark 0x%08x counter name egress_g accept",
	         (unsigned)nftc_service_mark("g"));
	contains(r, mark);
	snprintf(mark, sizeof(mark), "ct mark 0x%08x counter name ingress_websocket accept",
	         (unsigned)nftc_service_mark("websocket"));
	contains(r, mark);
	contains(r, "th dport 443 counter name ingress_https log prefix \"i:https\" group");
	contains(r, "meta l4proto { tcp, udp } counter name egress_other log prefix \"e:other\"");
	/* Marks come before the port rules. */
	assert_true(strstr(r->text, "ct mark") < strstr(r->text, "th sport 443"));
	nftc_ruleset_free(r);
	/* Without them, neither. */
	r = build("[service g]\nmatch = port=9001\n");
	assert_false(r->payload);
	assert_null(strstr(r->text, "ct mark"));
	assert_null(strstr(r->text, " log "));
	nftc_ruleset_free(r);
}

/* A service's mark does not depend on the other services. */
static void marks_are_stable_and_not_zero(void **state)
{
	(void)state;
	assert_int_equal(nftc_service_mark("web"), nftc_service_mark("web"));
	assert_int_not_equal(nftc_service_mark("web"), nftc_service_mark("game"));
	assert_int_not_equal(nftc_service_mark(""), 0);
}

/* Forwarded traffic goes through the same chains; DNAT replies are egress. */
static void forward_counts_by_service(void **state)
{
	struct nftc_ruleset *r = build("[service app]\nmatch = port=8080\n");
	(void)state;
	contains(r, "type filter hook forward priority 200; policy accept;\n"
	            "\t\tct status dnat ct direction reply jump fwd_egress\n"
	            "\t\tct status dnat jump fwd_ingress\n"
	            "\t\tct direction original jump fwd_egress\n\t\tjump fwd_ingress\n");
	contains(r, "chain fout_app {");
	contains(r, "chain fwd_egress {\n\t\tcounter name total_egress\n");
	nftc_ruleset_free(r);
	/* Socket terms cannot be used from the forward hook: left out there only. */
	r = build("[service app]\nmatch = uid=1000\n");
	contains(r, "chain out_app {");
	assert_null(strstr(r->text, "chain fout_app"));
	assert_int_equal(r->nskips, 1); /* uid on ingress, reported once */
	nftc_ruleset_free(r);
}

static void contradicting_terms_leave_their_line_out(void **state)
{
	struct nftc_ruleset *r =
	    build("[service a]\nmatch = port=tcp/80 port=udp/53\n"
	          "match = addr=192.0.2.1/32 addr=2001:db8::1/128\nmatch = port=1\n");
	(void)state;
	assert_int_equal(r->nskips, 2);
	assert_string_equal(r->skips[0].term, "port");
	assert_int_equal(r->skips[0].line, 2);
	assert_string_equal(r->skips[1].term, "addr");
	assert_int_equal(r->skips[1].line, 3);
	assert_null(strstr(r->text, "udp sport 53"));
	contains(r, "th sport 1 counter name egress_a accept");
	nftc_ruleset_free(r);
	/* A port of either protocol beside a tcp/ port means tcp. */
	r = build("[service b]\nmatch = port=80 port=tcp/81\n");
	contains(r, "\t\ttcp sport 80 tcp sport 81 counter name egress_b accept");
	nftc_ruleset_free(r);
}

static void builtins_follow_the_config_and_other_comes_last(void **state)
{
	struct nftc_ruleset *r =
	    build("[service https]\nmatch = port=8443\n[service a]\nmatch = port=1\n");
	const char *jump = strstr(r->text, "jump out_https");
	const char *jump_a = strstr(r->text, "jump out_a");
	const char *b443 = strstr(r->text, "th sport 443 counter name egress_https");
	const char *b80 = strstr(r->text, "tcp sport 80 counter name egress_http accept");
	const char *other = strstr(r->text, "counter name egress_other\n");
	(void)state;
	assert_non_null(jump);
	assert_true(jump < jump_a && jump_a < b443 && b443 < b80 && b80 < other);
	/* Each counter is declared once even when the config names a built-in. */
	assert_int_equal(r->nservices, 4);
	assert_string_equal(r->services[0], "https");
	assert_string_equal(r->services[1], "a");
	assert_string_equal(r->services[2], "http");
	assert_string_equal(r->services[3], "other");
	const char *decl = strstr(r->text, "counter egress_https { }");
	assert_non_null(decl);
	assert_null(strstr(decl + 1, "counter egress_https { }"));
	nftc_ruleset_free(r);
}

static void totals_and_loopback_come_first(void **state)
{
	struct nftc_ruleset *r = build("");
	(void)state;
	contains(r, "oif \"lo\" return\n\t\tjump egress\n");
	contains(r, "iif \"lo\" return\n\t\tjump ingress\n");
	contains(r, "chain egress {\n\t\tcounter name total_egress\n");
	contains(r, "chain ingress {\n\t\tcounter name total_ingress\n");
	contains(r, "type filter hook output priority 200; policy accept;");
	contains(r, "type filter hook input priority 200; policy accept;");
	nftc_ruleset_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(port_terms_match_local_ports_per_direction),
	    cmocka_unit_test(addr_terms_use_the_family_and_the_local_side),
	    cmocka_unit_test(cgroup_level_is_the_number_of_path_components),
	    cmocka_unit_test(missing_cgroup_is_left_out_and_reported),
	    cmocka_unit_test(without_cgroup_v2_cgroup_terms_are_left_out),
	    cmocka_unit_test(uid_counts_egress_only_and_says_so),
	    cmocka_unit_test(payload_terms_leave_their_line_out),
	    cmocka_unit_test(contradicting_terms_leave_their_line_out),
	    cmocka_unit_test(builtins_follow_the_config_and_other_comes_last),
	    cmocka_unit_test(totals_and_loopback_come_first),
	    cmocka_unit_test(payload_rules_add_marks_and_logging),
	    cmocka_unit_test(marks_are_stable_and_not_zero),
	    cmocka_unit_test(forward_counts_by_service),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
