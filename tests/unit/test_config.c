/* Unit tests for the config parser: data model and file:line errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
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

/* traffic = private: a service of Fly's private network (6PN, fdaa::/16). */
static void private_traffic_is_a_service_property(void **state)
{
	struct config *c = NULL;
	struct err e;
	const char *text = "[service replication]\nmatch = addr=fdaa::/16\ntraffic = private\n"
	                   "[service web]\nmatch = port=443\ntraffic = internet\n";
	(void)state;
	assert_int_equal(config_parse(text, strlen(text), "t.conf", &c, &e), 0);
	assert_true(config_service_private(c, "replication"));
	assert_true(config_service_billable(c, "replication"));
	assert_false(config_service_private(c, "web"));
	assert_false(config_service_private(c, "https")); /* a built-in */
	config_free(c);
	parse_err("[service a]\nmatch = port=1\ntraffic = 6pn\n",
	          "t.conf:3: bad traffic '6pn' (internet, or private: private-network traffic "
	          "to another region of the provider)");
	parse_err("[service a]\nbillable = no\ntraffic = private\n",
	          "t.conf:3: traffic = private in [service a], which is billable = no: keep one");
	parse_err("[service a]\ntraffic = private\nbillable = no\n",
	          "t.conf:3: billable = no in [service a], whose traffic = private is billed at a "
	          "private rate: keep one");
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
	strcpy(text, "[service a]\nmatch = port=1\ndescription = ");
	for (int i = 0; i < 300; i++)
		strcat(text, "a long text ");
	strcat(text, "\nmatch = bogus=1\n");
	assert_int_equal(config_parse(text, strlen(text), "t.conf", &c, &e), -1);
	assert_non_null(strstr(e.msg, "t.conf:4:"));
}

/* Builds a config text of n services, each with a port rule. */
static char *many_services(size_t n, size_t *len)
{
	size_t cap = n * 48 + 1, o = 0;
	char *t = malloc(cap);

	assert_non_null(t);
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(t + o, cap - o, "[service s%zu]\nmatch = port=%zu\n", i,
		                      i % 65535 + 1);
	*len = o;
	return t;
}

/*
 * 70,000 services took 15 s and ended in "out of memory"; the limit is
 * CONFIG_MAX_SERVICES, refused at the header that passes it.
 */
static void services_and_match_lines_are_limited(void **state)
{
	struct config *c = NULL;
	struct err e;
	size_t len;
	char *t;

	(void)state;
	t = many_services(CONFIG_MAX_SERVICES, &len);
	assert_int_equal(config_parse(t, len, "t.conf", &c, &e), 0);
	assert_int_equal(c->nservices, CONFIG_MAX_SERVICES);
	config_free(c);
	free(t);
	t = many_services(70000, &len);
	assert_int_equal(config_parse(t, len, "t.conf", &c, &e), -1);
	assert_string_equal(e.msg, "t.conf:8193: more than 4096 services");
	free(t);

	char text[8192];
	size_t o = (size_t)snprintf(text, sizeof(text), "[service a]\n");
	for (int i = 0; i < CONFIG_MAX_MATCHES; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "match = port=%d\n", i + 1);
	assert_int_equal(config_parse(text, o, "t.conf", &c, &e), 0);
	config_free(c);
	snprintf(text + o, sizeof(text) - o, "match = port=99\n");
	parse_err(text, "t.conf:66: more than 64 match lines in [service a]");
}

/* host= and sni= patterns longer than a name can be are refused. */
static void long_patterns_are_refused(void **state)
{
	char text[1024], pat[300];

	(void)state;
	memset(pat, 'a', sizeof(pat));
	pat[CONFIG_MAX_PATTERN] = '\0';
	snprintf(text, sizeof(text), "[service a]\nmatch = host=%s\n", pat);
	config_free(parse_ok(text));
	pat[CONFIG_MAX_PATTERN] = 'a';
	pat[CONFIG_MAX_PATTERN + 1] = '\0';
	snprintf(text, sizeof(text), "[service a]\nmatch = sni=%s\n", pat);
	parse_err(text, "t.conf:2: sni pattern longer than 255 characters");
	snprintf(text, sizeof(text), "[service a]\nmatch = host=*%s\n", pat);
	parse_err(text, "t.conf:2: host pattern longer than 255 characters");
}

/*
 * A comment of exactly 65,535 characters turned the text after it into
 * config (a live rule), a NUL cut a value, a 65-character section name was
 * cut to 41: each is now an error naming file:line.
 */
static void long_lines_nuls_and_long_names_are_errors(void **state)
{
	static char text[70000];
	struct config *c = NULL;
	struct err e;
	size_t o;

	(void)state;
	o = (size_t)snprintf(text, sizeof(text), "[service a]\nmatch = port=1\n;");
	memset(text + o, 'x', 65534);
	o += 65534;
	o += (size_t)snprintf(text + o, sizeof(text) - o, "match = port=22\n");
	assert_int_equal(config_parse(text, o, "t.conf", &c, &e), -1);
	assert_null(c);
	assert_string_equal(e.msg, "t.conf:3: line longer than 4096 bytes");

	static const char nul[] = "[costs]\nhost = web\0evil\n";
	assert_int_equal(config_parse(nul, sizeof(nul) - 1, "t.conf", &c, &e), -1);
	assert_string_equal(e.msg, "t.conf:2: NUL byte at column 11");
	static const char nul2[] = "[service a]\nmatch = port=22\0 port=99\n";
	assert_int_equal(config_parse(nul2, sizeof(nul2) - 1, "t.conf", &c, &e), -1);
	assert_string_equal(e.msg, "t.conf:2: NUL byte at column 16");

	char name[70];
	memset(name, 'n', 65);
	name[65] = '\0';
	snprintf(text, sizeof(text), "[service %s]\nmatch = port=1\n", name);
	parse_err(text, "t.conf:1: bad service name 'nnnnn");
	name[64] = '\0'; /* 64 characters: kept whole */
	snprintf(text, sizeof(text), "[costs]\n[service %s]\nmatch = port=1\n", name);
	c = parse_ok(text);
	assert_string_equal(c->services[0].name, name);
	config_free(c);
	parse_err("[service a]\nmatch = port=1\ndescription = \x1b[2J\n",
	          "t.conf:3: control character 0x1b at column 15");
	parse_err("[service a]\nmatch = port=1\ndescription = caf\xe9\n",
	          "t.conf:3: invalid UTF-8");
	parse_err("[service a] junk\nmatch = port=1\n", "t.conf:1: text after the section header");
}

/* Names are identifiers (util/name.h): no formula, no option, no escape. */
static void names_are_identifiers(void **state)
{
	struct config *c;

	(void)state;
	parse_err("[costs]\nhost = =HYPERLINK(\"http://x\")\n",
	          "t.conf:2: bad host name '=HYPERLINK(\"http://x\")'");
	parse_err("[costs]\nhost = -web\n", "t.conf:2: bad host name '-web'");
	parse_err("[costs]\nhost = @SUM(1)\n", "t.conf:2: bad host name");
	parse_err("[costs]\nhost = web 1\n", "t.conf:2: bad host name 'web 1'");
	parse_err("[service =cmd]\nmatch = port=1\n", "t.conf:1: bad service name '=cmd'");
	parse_err("[service +a]\nmatch = port=1\n", "t.conf:1: bad service name '+a'");
	parse_err("[provider ../etc]\nplan = x\n", "t.conf:1: bad provider name '../etc'");
	/* A byte order mark and CRLF line ends are fine. */
	c = parse_ok("\xef\xbb\xbf[costs]\r\nhost = web-1.example\r\n");
	assert_string_equal(c->host, "web-1.example");
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(services_keep_file_order_and_terms),
	    cmocka_unit_test(errors_name_file_line_and_text),
	    cmocka_unit_test(private_traffic_is_a_service_property),
	    cmocka_unit_test(missing_file_means_builtins_unless_required),
	    cmocka_unit_test(long_lines_keep_line_numbers),
	    cmocka_unit_test(services_and_match_lines_are_limited),
	    cmocka_unit_test(long_patterns_are_refused),
	    cmocka_unit_test(long_lines_nuls_and_long_names_are_errors),
	    cmocka_unit_test(names_are_identifiers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
