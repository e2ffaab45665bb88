/* Unit tests for per-flow classification: rules in order with three-valued
 * evaluation, and the detectors fed through simulated TCP and UDP flows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "classify/classify.h"
#include "helpers.h"

/* A simulated connection: the local host is the server unless local_client. */
struct conn {
	struct classify *c;
	struct classify_flow *f;
	bool started, done;
	uint16_t service;
	uint8_t proto;
	uint8_t laddr[4], raddr[4];
	uint16_t lport, rport;
	uint32_t cseq, sseq;
	int packets;
};

static struct classify *make(const char *conf)
{
	struct config *cfg = NULL;
	struct classify *c = NULL;
	struct err e;
	if (conf && config_parse(conf, strlen(conf), "t.conf", &cfg, &e) != 0)
		fail_msg("config: %s", e.msg);
	if (classify_new(cfg, &c, &e) != 0)
		fail_msg("classify_new: %s", e.msg);
	config_free(cfg);
	return c;
}

static void conn_init(struct conn *k, struct classify *c, uint8_t proto, uint16_t lport)
{
	memset(k, 0, sizeof(*k));
	k->c = c;
	k->proto = proto;
	memcpy(k->laddr, (uint8_t[]){192, 0, 2, 1}, 4);
	memcpy(k->raddr, (uint8_t[]){198, 51, 100, 7}, 4);
	k->lport = lport;
	k->rport = 40000;
	k->cseq = 1000;
	k->sseq = 5000000;
}

/* Sends one packet; seq given explicitly (UINT32_MAX: next in order). */
static void pkt(struct conn *k, bool from_local, uint8_t flags, const void *data, size_t caplen,
                size_t len, uint32_t seq)
{
	struct classify_pkt p = {
	    .proto = k->proto,
	    .family = AF_INET,
	    .local_addr = k->laddr,
	    .remote_addr = k->raddr,
	    .local_port = k->lport,
	    .remote_port = k->rport,
	    .from_local = from_local,
	    .tcp_flags = flags,
	    .payload = data,
	    .caplen = caplen,
	    .len = len,
	};
	uint32_t *next = from_local ? &k->sseq : &k->cseq;
	p.seq = seq == UINT32_MAX ? *next : seq;
	if (seq == UINT32_MAX)
		*next += (uint32_t)len + ((flags & 0x03) ? 1 : 0);
	k->packets++;
	if (k->done)
		fail_msg("packet fed after the decision");
	enum classify_status s;
	if (!k->started) {
		k->started = true;
		s = classify_flow_start(k->c, &p, &k->f, &k->service);
	} else {
		s = classify_flow_feed(k->c, k->f, &p, &k->service);
	}
	if (s == CLASSIFY_DONE) {
		k->done = true;
		classify_flow_free(k->f);
		k->f = NULL;
	}
}

static void handshake(struct conn *k)
{
	pkt(k, false, 0x02, NULL, 0, 0, UINT32_MAX);
	pkt(k, true, 0x12, NULL, 0, 0, UINT32_MAX);
	pkt(k, false, 0x10, NULL, 0, 0, UINT32_MAX);
}

static void client(struct conn *k, const void *d, size_t n)
{
	if (!k->done)
		pkt(k, false, 0x18, d, n, n, UINT32_MAX);
}

static void server(struct conn *k, const void *d, size_t n)
{
	if (!k->done)
		pkt(k, true, 0x18, d, n, n, UINT32_MAX);
}

static void cstr(struct conn *k, const char *s)
{
	client(k, s, strlen(s));
}

static void sstr(struct conn *k, const char *s)
{
	server(k, s, strlen(s));
}

/* The service name: decided, or by fallback when the flow ends undecided. */
static const char *result(struct conn *k)
{
	if (!k->done) {
		k->service = classify_flow_fallback(k->c, k->f);
		classify_flow_free(k->f);
		k->f = NULL;
		k->done = true;
	}
	return classify_service_name(k->c, k->service);
}

static struct buf hello;

static const char *tls_flow(struct classify *c, uint16_t port, const char *sni, size_t segment)
{
	struct conn k;
	struct hello_opts o = {.sni = sni, .tls13 = true, .key_share = 1248, .alpn = {"h2"}};
	conn_init(&k, c, IPPROTO_TCP, port);
	handshake(&k);
	build_hello(&hello, &o);
	for (size_t off = 0; off < hello.n && !k.done; off += segment)
		client(&k, hello.b + off, hello.n - off < segment ? hello.n - off : segment);
	server(&k, "\x16\x03\x03\x00\x10", 5);
	return result(&k);
}

static void builtins_without_config(void **state)
{
	struct classify *c = make(NULL);
	assert_string_equal(tls_flow(c, 443, "a.example", 1448), "https");
	assert_string_equal(tls_flow(c, 8443, "a.example", 1448), "https");
	assert_string_equal(tls_flow(c, 8443, NULL, 1448), "https");
	struct conn k;
	conn_init(&k, c, IPPROTO_TCP, 8080);
	handshake(&k);
	cstr(&k, "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_true(k.done); /* a plain GET settles at once */
	assert_string_equal(result(&k), "http");
	/* An unknown protocol on 443 falls to the port default, elsewhere other. */
	conn_init(&k, c, IPPROTO_TCP, 443);
	handshake(&k);
	sstr(&k, "SSH-2.0-OpenSSH_9.2\r\n");
	assert_true(k.done);
	assert_string_equal(result(&k), "https");
	conn_init(&k, c, IPPROTO_TCP, 22);
	handshake(&k);
	sstr(&k, "SSH-2.0-OpenSSH_9.2\r\n");
	assert_string_equal(result(&k), "other");
	/* ICMP decides on its first packet. */
	conn_init(&k, c, IPPROTO_ICMP, 0);
	pkt(&k, false, 0, "ping", 4, 4, 0);
	assert_true(k.done);
	assert_string_equal(result(&k), "other");
	classify_free(c);
}

static void sni_rules_split_one_port(void **state)
{
	struct classify *c = make("[service game]\nmatch = sni=WS.example.com\n"
	                          "[service shop]\nmatch = sni=*.shop.example port=443\n"
	                          "[service rest]\nmatch = port=443\n");
	assert_string_equal(tls_flow(c, 443, "ws.EXAMPLE.com", 1448), "game");
	assert_string_equal(tls_flow(c, 443, "www.shop.example", 1448), "shop");
	assert_string_equal(tls_flow(c, 443, "other.example", 1448), "rest");
	assert_string_equal(tls_flow(c, 443, NULL, 1448), "rest");
	/* The hello in 100-byte segments (and a post-quantum size). */
	assert_string_equal(tls_flow(c, 443, "ws.example.com", 100), "game");
	/* Not TLS: the sni rules are false, the port rule holds. */
	struct conn k;
	conn_init(&k, c, IPPROTO_TCP, 443);
	handshake(&k);
	cstr(&k, "GET / HTTP/1.1\r\n\r\n");
	assert_true(k.done);
	assert_string_equal(result(&k), "rest");
	classify_free(c);
}

static void later_port_rule_waits_for_earlier_payload_rule(void **state)
{
	struct classify *c = make("[service game]\nmatch = sni=game.example\n"
	                          "[service web]\nmatch = port=443\n");
	struct conn k;
	struct hello_opts o = {.sni = "game.example", .key_share = 1248};
	build_hello(&hello, &o);
	conn_init(&k, c, IPPROTO_TCP, 443);
	handshake(&k);
	assert_false(k.done);    /* port=443 holds, but sni= is not known yet */
	client(&k, hello.b, 60); /* before the server name */
	assert_false(k.done);
	client(&k, hello.b + 60, hello.n - 60);
	assert_true(k.done);
	assert_string_equal(result(&k), "game");
	/* Same service twice: the L4 rule decides at once. */
	classify_free(c);
	c = make("[service game]\nmatch = sni=game.example\nmatch = port=443\n");
	conn_init(&k, c, IPPROTO_TCP, 443);
	pkt(&k, false, 0x02, NULL, 0, 0, UINT32_MAX);
	assert_true(k.done);
	assert_string_equal(result(&k), "game");
	classify_free(c);
}

static void hello_out_of_order_and_retransmitted(void **state)
{
	struct classify *c = make("[service game]\nmatch = sni=game.example\n");
	struct conn k;
	struct hello_opts o = {.sni = "game.example", .key_share = 1248, .tls13 = true};
	build_hello(&hello, &o);
	conn_init(&k, c, IPPROTO_TCP, 443);
	handshake(&k);
	uint32_t s0 = k.cseq;
	/* second segment first, then a duplicate of it, then the first twice */
	pkt(&k, false, 0x18, hello.b + 700, hello.n - 700, hello.n - 700, s0 + 700);
	pkt(&k, false, 0x18, hello.b + 700, hello.n - 700, hello.n - 700, s0 + 700);
	assert_false(k.done);
	pkt(&k, false, 0x18, hello.b, 700, 700, s0);
	assert_true(k.done);
	assert_string_equal(result(&k), "game");
	classify_free(c);
}

static void hello_cut_by_snaplen(void **state)
{
	struct classify *c = make("[service game]\nmatch = sni=game.example\n"
	                          "[service late]\nmatch = sni=late.example\n");
	struct conn k;
	struct hello_opts o = {.sni = "game.example", .key_share = 1248, .tls13 = true};
	build_hello(&hello, &o);
	conn_init(&k, c, IPPROTO_TCP, 443);
	handshake(&k);
	pkt(&k, false, 0x18, hello.b, 200, hello.n, UINT32_MAX);
	assert_true(k.done); /* the name came before the cut */
	assert_string_equal(result(&k), "game");
	/* Cut before the name: no sni rule can hold; the built-in decides. */
	conn_init(&k, c, IPPROTO_TCP, 443);
	handshake(&k);
	pkt(&k, false, 0x18, hello.b, 50, hello.n, UINT32_MAX);
	assert_true(k.done);
	assert_string_equal(result(&k), "https");
	classify_free(c);
}

static void websocket_needs_101(void **state)
{
	struct classify *c = make(NULL);
	struct conn k;
	const char *up = "GET /chat HTTP/1.1\r\nHost: ws.example\r\nUpgrade: websocket\r\n"
	                 "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n";
	conn_init(&k, c, IPPROTO_TCP, 8765);
	handshake(&k);
	cstr(&k, up);
	assert_false(k.done);
	sstr(&k, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n");
	assert_true(k.done);
	assert_string_equal(result(&k), "websocket");
	conn_init(&k, c, IPPROTO_TCP, 8765);
	handshake(&k);
	cstr(&k, up);
	sstr(&k, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
	assert_string_equal(result(&k), "http");
	/* Flow ends before the answer: what is known says http. */
	conn_init(&k, c, IPPROTO_TCP, 8765);
	handshake(&k);
	cstr(&k, up);
	assert_string_equal(result(&k), "http");
	classify_free(c);
}

static void mcp_streamable_http(void **state)
{
	struct classify *c = make(NULL);
	struct conn k;
	/* initialize: head and body in separate segments */
	const char *body =
	    "{\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"},"
	    "\"jsonrpc\":\"2.0\",\"id\":0}";
	char head[256];
	snprintf(head, sizeof(head),
	         "POST /mcp HTTP/1.1\r\nHost: localhost:3000\r\nContent-Type: application/json\r\n"
	         "Accept: application/json, text/event-stream\r\nContent-Length: %zu\r\n\r\n",
	         strlen(body));
	conn_init(&k, c, IPPROTO_TCP, 3000);
	handshake(&k);
	cstr(&k, head);
	assert_false(k.done);
	cstr(&k, body);
	assert_true(k.done);
	assert_string_equal(result(&k), "mcp");
	/* later requests carry the MCP headers */
	const char *revs[] = {"2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"};
	for (int i = 0; i < 4; i++) {
		char h[256];
		snprintf(
		    h, sizeof(h),
		    "POST /mcp HTTP/1.1\r\nmcp-session-id: 1f2e\r\nMCP-Protocol-Version: %s\r\n"
		    "Content-Length: 10\r\n\r\n",
		    revs[i]);
		conn_init(&k, c, IPPROTO_TCP, 3000);
		handshake(&k);
		cstr(&k, h);
		assert_true(k.done);
		assert_string_equal(result(&k), "mcp");
	}
	/* the server's GET stream (2025-11-25 style headers) */
	conn_init(&k, c, IPPROTO_TCP, 3000);
	handshake(&k);
	cstr(&k, "GET /mcp HTTP/1.1\r\nAccept: text/event-stream\r\nMcp-Method: x\r\n\r\n");
	assert_string_equal(result(&k), "mcp");
	/* chunked POST of a tools/call */
	conn_init(&k, c, IPPROTO_TCP, 3000);
	handshake(&k);
	cstr(&k, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
	cstr(&k, "27\r\n{\"jsonrpc\":\"2.0\",\"method\"");
	assert_false(k.done);
	cstr(&k, ":\"tools/call\"}\r\n0\r\n\r\n");
	assert_string_equal(result(&k), "mcp");
	classify_free(c);
}

static void jsonrpc_that_is_not_mcp_stays_http(void **state)
{
	struct classify *c = make(NULL);
	struct conn k;
	const char *body = "{\"jsonrpc\":\"2.0\",\"method\":\"user.login\",\"params\":{},\"id\":1}";
	char head[256];
	snprintf(head, sizeof(head),
	         "POST /zabbix/api_jsonrpc.php HTTP/1.1\r\nHost: z\r\nContent-Type: "
	         "application/json-rpc\r\nContent-Length: %zu\r\n\r\n%s",
	         strlen(body), body);
	conn_init(&k, c, IPPROTO_TCP, 80);
	handshake(&k);
	cstr(&k, head);
	assert_true(k.done);
	assert_string_equal(result(&k), "http");
	/* A head with a broken header line settles at once. */
	conn_init(&k, c, IPPROTO_TCP, 80);
	handshake(&k);
	cstr(&k, "POST /x HTTP/1.1\r\nno colon here\r\nContent-Length: 5\r\n\r\n");
	assert_true(k.done);
	assert_string_equal(result(&k), "http");
	/* A form POST is not JSON at all. */
	conn_init(&k, c, IPPROTO_TCP, 80);
	handshake(&k);
	cstr(&k, "POST /login HTTP/1.1\r\nContent-Length: 7\r\n\r\na=1&b=2");
	assert_string_equal(result(&k), "http");
	classify_free(c);
}

static void mcp_legacy_sse_and_its_endpoint(void **state)
{
	struct classify *c = make(NULL);
	struct conn k;
	conn_init(&k, c, IPPROTO_TCP, 8080);
	handshake(&k);
	cstr(&k, "GET /sse HTTP/1.1\r\nHost: 0.0.0.0:8080\r\nAccept: text/event-stream\r\n\r\n");
	assert_false(k.done);
	sstr(&k, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
	         "Transfer-Encoding: chunked\r\n\r\n");
	assert_false(k.done);
	sstr(&k, "51\r\nevent: endpoint\r\ndata: /messages/?token=a5fc4f6ef92e486ab35df3bf5551d3"
	         "e8xyzab\r\n\r\n\r\n");
	assert_true(k.done);
	assert_string_equal(result(&k), "mcp");
	/* A POST to the announced endpoint whose body is a JSON-RPC result. */
	const char *post =
	    "POST /messages/?token=a5fc4f6ef92e486ab35df3bf5551d3e8xyzab HTTP/1.1\r\n"
	    "Content-Length: 36\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}";
	conn_init(&k, c, IPPROTO_TCP, 8080);
	k.rport = 40001;
	handshake(&k);
	cstr(&k, post);
	assert_string_equal(result(&k), "mcp");
	/* The same POST on another port was never announced there. */
	conn_init(&k, c, IPPROTO_TCP, 8081);
	handshake(&k);
	cstr(&k, post);
	assert_string_equal(result(&k), "http");
	/* An ordinary event stream is not MCP. */
	conn_init(&k, c, IPPROTO_TCP, 8080);
	handshake(&k);
	cstr(&k, "GET /news HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n");
	sstr(&k, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
	sstr(&k, "event: headline\ndata: hello\n\n");
	assert_string_equal(result(&k), "http");
	classify_free(c);
}

static void host_and_path_rules(void **state)
{
	struct classify *c = make("[service api]\nmatch = host=API.example.com path=/v1/\n"
	                          "[service files]\nmatch = path=/files\n");
	struct conn k;
	conn_init(&k, c, IPPROTO_TCP, 80);
	handshake(&k);
	cstr(&k, "GET /v1/users HTTP/1.1\r\nHost: api.EXAMPLE.com:80\r\n\r\n");
	assert_string_equal(result(&k), "api");
	conn_init(&k, c, IPPROTO_TCP, 80);
	handshake(&k);
	cstr(&k, "GET /files/a HTTP/1.1\r\nHost: api.example.com\r\n\r\n");
	assert_string_equal(result(&k), "files");
	conn_init(&k, c, IPPROTO_TCP, 80);
	handshake(&k);
	cstr(&k, "GET /v2 HTTP/1.1\r\nHost: api.example.com\r\n\r\n");
	assert_string_equal(result(&k), "http");
	/* the head split in three segments */
	conn_init(&k, c, IPPROTO_TCP, 80);
	handshake(&k);
	cstr(&k, "GET /v1/x HT");
	assert_false(k.done);
	cstr(&k, "TP/1.1\r\nHo");
	assert_false(k.done);
	cstr(&k, "st: api.example.com\r\n\r\n");
	assert_true(k.done);
	assert_string_equal(result(&k), "api");
	classify_free(c);
}

static void detect_and_l4_terms(void **state)
{
	struct classify *c = make("[service q]\nmatch = detect=quic\n"
	                          "[service dns]\nmatch = port=udp/53\n"
	                          "[service lan]\nmatch = addr=192.0.2.0/24 port=tcp/9000-9100\n"
	                          "[service tlsalt]\nmatch = detect=tls port=8443\n"
	                          "[service nft]\nmatch = uid=33\nmatch = cgroup=/a.service\n");
	struct conn k;
	uint8_t initial[1200] = {0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0};
	conn_init(&k, c, IPPROTO_UDP, 4433);
	pkt(&k, false, 0, initial, sizeof(initial), sizeof(initial), 0);
	assert_true(k.done);
	assert_string_equal(result(&k), "q");
	uint8_t dnsq[30] = {0x12, 0x34, 0x01, 0x00, 0, 1};
	conn_init(&k, c, IPPROTO_UDP, 53);
	pkt(&k, false, 0, dnsq, sizeof(dnsq), sizeof(dnsq), 0);
	assert_string_equal(result(&k), "dns");
	conn_init(&k, c, IPPROTO_TCP, 9050);
	pkt(&k, false, 0x02, NULL, 0, 0, UINT32_MAX);
	assert_true(k.done); /* rules before it are false on L4 alone */
	assert_string_equal(result(&k), "lan");
	assert_string_equal(tls_flow(c, 8443, "x", 1448), "tlsalt");
	/* cgroup/uid never match here, and are reported. */
	conn_init(&k, c, IPPROTO_TCP, 22);
	handshake(&k);
	sstr(&k, "SSH-2.0-x\r\n");
	assert_string_equal(result(&k), "other");
	classify_free(c);
	/* Without rules, QUIC on any port is https. */
	c = make(NULL);
	conn_init(&k, c, IPPROTO_UDP, 4433);
	pkt(&k, false, 0, initial, sizeof(initial), sizeof(initial), 0);
	assert_string_equal(result(&k), "https");
	conn_init(&k, c, IPPROTO_UDP, 5353);
	pkt(&k, false, 0, dnsq, sizeof(dnsq), sizeof(dnsq), 0);
	assert_string_equal(result(&k), "other");
	classify_free(c);
}

static void count_unsupported(void *ctx, const char *service, unsigned line, const char *term)
{
	(*(int *)ctx)++;
	assert_string_equal(service, "nft");
	assert_true(line == 11 || line == 12);
}

static void unsupported_terms_are_listed(void **state)
{
	struct classify *c = make("[service q]\nmatch = detect=quic\n\n\n\n\n\n\n\n"
	                          "[service nft]\nmatch = uid=33\nmatch = cgroup=/a.service\n");
	int n = 0;
	classify_each_unsupported(c, count_unsupported, &n);
	assert_int_equal(n, 2);
	assert_int_equal(classify_service_count(c), 7);
	assert_string_equal(classify_service_name(c, classify_other(c)), "other");
	classify_free(c);
}

static void undecided_flows_stop_after_a_bound(void **state)
{
	struct classify *c = make(NULL);
	struct conn k;
	conn_init(&k, c, IPPROTO_TCP, 443);
	handshake(&k);
	/* The client sends "GE" forever: never settles, so the bound decides. */
	for (int i = 0; i < 200 && !k.done; i++)
		pkt(&k, true, 0x10, NULL, 0, 0, UINT32_MAX);
	assert_true(k.done);
	assert_true(k.packets <= 64);
	assert_string_equal(result(&k), "https");
	/* A flow picked up mid-stream with TLS application data on 443. */
	conn_init(&k, c, IPPROTO_TCP, 443);
	client(&k, "\x17\x03\x03\x00\x20 encrypted", 15);
	assert_true(k.done);
	assert_string_equal(result(&k), "https");
	classify_free(c);
}

static void empty_connection_goes_to_what_its_port_serves(void **state)
{
	struct classify *c = make(NULL);
	struct conn k;
	/* Before anything is known about port 3001, an empty connection is other. */
	conn_init(&k, c, IPPROTO_TCP, 3001);
	handshake(&k);
	pkt(&k, false, 0x11, NULL, 0, 0, UINT32_MAX);
	assert_true(k.done);
	assert_string_equal(result(&k), "other");
	conn_init(&k, c, IPPROTO_TCP, 3001);
	handshake(&k);
	cstr(&k, "POST /mcp HTTP/1.1\r\nMcp-Session-Id: 1\r\nContent-Length: 2\r\n\r\n{}");
	assert_string_equal(result(&k), "mcp");
	/* A preconnected socket that the client closed unused. */
	conn_init(&k, c, IPPROTO_TCP, 3001);
	k.rport = 40002;
	handshake(&k);
	pkt(&k, false, 0x11, NULL, 0, 0, UINT32_MAX);
	assert_true(k.done);
	assert_string_equal(result(&k), "mcp");
	/* Another port learnt nothing. */
	conn_init(&k, c, IPPROTO_TCP, 3002);
	handshake(&k);
	assert_string_equal(result(&k), "other");
	classify_free(c);
}

static void recorded_chromium_hello_in_two_segments(void **state)
{
	static uint8_t b[8192];
	char path[4096];
	const char *src = getenv("SRCDIR");
	snprintf(path, sizeof(path), "%s/tests/data/classify/hello-chromium.bin", src ? src : ".");
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	size_t n = fread(b, 1, sizeof(b), f);
	fclose(f);
	struct classify *c = make("[service site]\nmatch = sni=WWW.example.com\n"
	                          "[service any]\nmatch = port=443\n");
	struct conn k;
	conn_init(&k, c, IPPROTO_TCP, 443);
	handshake(&k);
	uint32_t s0 = k.cseq;
	/* second segment first */
	pkt(&k, false, 0x18, b + 1448, n - 1448, n - 1448, s0 + 1448);
	assert_false(k.done);
	pkt(&k, false, 0x10, b, 1448, 1448, s0);
	assert_true(k.done);
	assert_string_equal(result(&k), "site");
	classify_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(builtins_without_config),
	    cmocka_unit_test(sni_rules_split_one_port),
	    cmocka_unit_test(later_port_rule_waits_for_earlier_payload_rule),
	    cmocka_unit_test(hello_out_of_order_and_retransmitted),
	    cmocka_unit_test(hello_cut_by_snaplen),
	    cmocka_unit_test(websocket_needs_101),
	    cmocka_unit_test(mcp_streamable_http),
	    cmocka_unit_test(jsonrpc_that_is_not_mcp_stays_http),
	    cmocka_unit_test(mcp_legacy_sse_and_its_endpoint),
	    cmocka_unit_test(host_and_path_rules),
	    cmocka_unit_test(detect_and_l4_terms),
	    cmocka_unit_test(unsupported_terms_are_listed),
	    cmocka_unit_test(undecided_flows_stop_after_a_bound),
	    cmocka_unit_test(empty_connection_goes_to_what_its_port_serves),
	    cmocka_unit_test(recorded_chromium_hello_in_two_segments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
