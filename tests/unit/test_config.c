/* Unit tests for the config parser: data model and file:line errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "config/config.h"

static struct config *parse_ok(const char *text)
{
	struct config *c = NULL;
	struct err e;
	if (config_parse(text, strlen(text), "t.conf", &c, &e) != 0)
		fail_msg("unexpected error: %s", e.msg);
	return c;
}

static void parse_err(const char *text, const char *expect)
{
	struct config *c = NULL;
	struct err e;
	assert_int_equal(config_parse(text, strlen(text), "t.conf", &c, &e), -1);
	assert_null(c);
	if (!strstr(e.msg, expect))
		fail_msg("error '%s' lacks '%s'", e.msg, expect);
}

static void services_keep_file_order_and_terms(void **state)
{
	struct config *c = parse_ok("[costs]\nhost = web1\ntimezone = Europe/Berlin\n"
	                            "\n[service game]\n"
	                            "match = sni=WS.Example.com ; comment\n"
	                            "match = port=9000-9100\n"
	                            "[service mcp]\nmatch = port=80 path=/mcp\nmatch = detect=mcp\n"
	                            "[service api]\nmatch = addr=172.18.0.5/32\n"
	                            "match = addr=2001:db8::1/48 port=udp/443\n"
	                            "match = uid=33\nmatch = cgroup=/system.slice/api.service\n"
	                            "billable = no\n"
	                            "[provider hetzner]\nplan = ex44\nregion = eu\n");
	(void)state;
	assert_string_equal(c->host, "web1");
	assert_string_equal(c->timezone, "Europe/Berlin");
	assert_int_equal(c->nservices, 3);
	assert_string_equal(c->services[0].name, "game");
	assert_int_equal(c->services[0].nmatches, 2);
	assert_int_equal(c->services[0].matches[0].line, 6);
	assert_int_equal(c->services[0].matches[0].terms[0].kind, CONFIG_TERM_SNI);
	assert_string_equal(c->services[0].matches[0].terms[0].u.text, "ws.example.com");
	assert_int_equal(c->services[0].matches[1].terms[0].u.port.lo, 9000);
	assert_int_equal(c->services[0].matches[1].terms[0].u.port.hi, 9100);
	assert_int_equal(c->services[1].matches[0].nterms, 2);
	assert_int_equal(c->services[1].matches[1].terms[0].u.detect, CONFIG_DETECT_MCP);
	const struct config_term *a = &c->services[2].matches[1].terms[0];
	assert_int_equal(a->u.addr.family, AF_INET6);
	assert_int_equal(a->u.addr.prefix, 48);
	assert_int_equal(a->u.addr.addr[6], 0); /* host bits cleared */
	assert_int_equal(c->services[2].matches[1].terms[1].u.port.proto, CONFIG_PROTO_UDP);
	assert_int_equal(c->services[2].matches[2].terms[0].u.uid, 33);
	assert_string_equal(c->services[2].matches[3].terms[0].u.text, "system.slice/api.service");
	assert_false(config_service_billable(c, "api"));
	assert_true(config_service_billable(c, "https"));
	assert_int_equal(c->nproviders, 1);
	assert_string_equal(config_provider_get(&c->providers[0], "plan"), "ex44");
	assert_int_equal(c->providers[0].kv[1].line, 19);
	config_free(c);
}

static void errors_name_file_line_and_text(void **state)
{
	(void)state;
	parse_err("[service a]\nmatch = port=70000\n", "t.conf:2: bad port '70000'");
	parse_err("[service a]\n\nmatch = colour=red\n", "t.conf:3: unknown match term 'colour'");
	parse_err("[service a]\nmatch = detect=ftp\n", "unknown detector 'ftp'");
	parse_err("[service a]\nmatch = addr=300.1.1.1\n", "bad address '300.1.1.1'");
	parse_err("[service a]\nmatch = addr=10.0.0.0/33\n", "bad prefix length");
	parse_err("[service a]\nmatch = port=90-80\n", "end before start");
	parse_err("[service a]\nmatch = path=mcp\n", "must start with '/'");
	parse_err("[service a]\nmatch = sni\n", "is not key=value");
	parse_err("[service a]\nmatch = \n", "empty match");
	parse_err("[service 9x]\nmatch = port=1\n", "t.conf:1: bad service name '9x'");
	parse_err("[service a]\nmatch = port=1\n[service a]\nmatch = port=2\n",
	          "t.conf:3: duplicate section");
	parse_err("[thing x]\nkey = 1\n", "unknown section kind");
	parse_err("[service a]\ncolour = red\n", "t.conf:2: unknown key 'colour'");
	parse_err("[costs]\nsample_gap = soon\n", "bad sample_gap 'soon'");
	parse_err("match = port=1\n", "t.conf:1: 'match' is outside any section");
	parse_err("[service a]\nthis line has no equals\n", "t.conf:2: syntax error: 'this line");
	parse_err("[service a\n", "t.conf:1: syntax error");
	parse_err("[service a]\nmatch = uid=no-such-user-here\n", "unknown user");
}

static void missing_file_means_builtins_unless_required(void **state)
{
	struct config *c = NULL;
	struct err e;
	(void)state;
	assert_int_equal(config_load("/nonexistent/costs.conf", false, &c, &e), 0);
	assert_int_equal(c->nservices, 0);
	assert_null(c->path);
	config_free(c);
	assert_int_equal(config_load("/nonexistent/costs.conf", true, &c, &e), -1);
	assert_non_null(strstr(e.msg, "cannot open config '/nonexistent/costs.conf'"));
}

static void long_lines_keep_line_numbers(void **state)
{
	char text[8000];
	struct config *c = NULL;
	struct err e;
	(void)state;
	strcpy(text, "[service a]\nmatch = port=1 ");
	for (int i = 0; i < 300; i++)
		strcat(text, "port=2 ");
	strcat(text, "\nmatch = bogus=1\n");
	assert_int_equal(config_parse(text, strlen(text), "t.conf", &c, &e), -1);
	assert_non_null(strstr(e.msg, "t.conf:3:"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(services_keep_file_order_and_terms),
	    cmocka_unit_test(errors_name_file_line_and_text),
	    cmocka_unit_test(missing_file_means_builtins_unless_required),
	    cmocka_unit_test(long_lines_keep_line_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
