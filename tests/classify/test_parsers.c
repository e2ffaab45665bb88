/* Unit tests for the classifier's parsers: ClientHello, HTTP heads and
 * bodies, JSON-RPC, SSE, QUIC long headers and the TCP reassembly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "classify/parse.h"

static struct buf rec;

static void hello_gives_sni_alpn_and_versions(void **state)
{
	struct hello_opts o = {.sni = "WWW.Example.com", .alpn = {"h2", "http/1.1"}, .tls13 = true};
	struct classify_tls_hello h;
	build_hello(&rec, &o);
	assert_int_equal(classify_tls_hello(rec.b, rec.n, &h), CLASSIFY_OK);
	assert_true(h.has_sni);
	assert_string_equal(h.sni, "WWW.Example.com");
	assert_int_equal(h.nalpn, 2);
	assert_string_equal(h.alpn[0], "h2");
	assert_string_equal(h.alpn[1], "http/1.1");
	assert_int_equal(h.nversions, 2);
	assert_int_equal(h.versions[0], 0x0304);
	assert_false(h.has_ech);
}

static void hello_without_sni_is_ok_without_name(void **state)
{
	struct hello_opts o = {.tls13 = true};
	struct classify_tls_hello h;
	build_hello(&rec, &o);
	assert_int_equal(classify_tls_hello(rec.b, rec.n, &h), CLASSIFY_OK);
	assert_false(h.has_sni);
}

static void hello_with_ech_reports_outer_name(void **state)
{
	struct hello_opts o = {.sni = "public.example.net", .ech = true, .tls13 = true};
	struct classify_tls_hello h;
	build_hello(&rec, &o);
	assert_int_equal(classify_tls_hello(rec.b, rec.n, &h), CLASSIFY_OK);
	assert_true(h.has_ech);
	assert_string_equal(h.sni, "public.example.net");
}

static void post_quantum_hello_across_records(void **state)
{
	/* X25519MLKEM768 key share: 1216 + 32 bytes; split over 3 records. */
	struct hello_opts o = {.sni = "pq.example.org",
	                       .tls13 = true,
	                       .key_share = 1248,
	                       .record_max = 700,
	                       .alpn = {"h2"},
	                       .padding = 300};
	struct classify_tls_hello h;
	build_hello(&rec, &o);
	assert_true(rec.n > 1500);
	assert_int_equal(classify_tls_hello(rec.b, rec.n, &h), CLASSIFY_OK);
	assert_string_equal(h.sni, "pq.example.org");
	assert_int_equal(h.nalpn, 1);
	/* Every proper prefix is TRUNCATED, never MALFORMED. */
	for (size_t n = 1; n < rec.n; n += 37)
		assert_int_equal(classify_tls_hello(rec.b, n, &h), CLASSIFY_TRUNCATED);
}

/*
 * A hello in one record is read in place, one over several records is
 * joined first: both give the same result, whole and cut anywhere.
 */
static void hello_in_one_record_reads_as_joined(void **state)
{
	static const struct hello_opts opts[] = {
	    {.sni = "one.example.com", .alpn = {"h2", "http/1.1"}, .tls13 = true},
	    {.sni = "ech.example.net", .ech = true, .tls13 = true, .padding = 200},
	    {.alpn = {"h3"}, .key_share = 1248, .tls13 = true},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
		struct hello_opts o = opts[i];
		struct buf one, split;
		build_hello(&one, &o);
		o.record_max = 90;
		build_hello(&split, &o);
		assert_true(split.n > one.n);
		struct classify_tls_hello a, b;
		assert_int_equal(classify_tls_hello(one.b, one.n, &a), CLASSIFY_OK);
		assert_int_equal(classify_tls_hello(split.b, split.n, &b), CLASSIFY_OK);
		assert_memory_equal(&a, &b, sizeof(a));
		/* Cut within the first record, the two agree too. */
		for (size_t n = 1; n < 90; n++) {
			enum classify_parse ra = classify_tls_hello(one.b, n, &a);
			enum classify_parse rb = classify_tls_hello(split.b, n, &b);
			assert_int_equal(ra, rb);
		}
	}
}

static void hello_cut_after_sni_keeps_the_name(void **state)
{
	/* SNI first, then a large key share: cut by a 300-byte snaplen. */
	struct hello_opts o = {.sni = "cut.example.com", .key_share = 1248, .tls13 = true};
	struct classify_tls_hello h;
	build_hello(&rec, &o);
	assert_int_equal(classify_tls_hello(rec.b, 300, &h), CLASSIFY_TRUNCATED);
	assert_true(h.has_sni);
	assert_string_equal(h.sni, "cut.example.com");
	assert_int_equal(classify_tls_hello(rec.b, 60, &h), CLASSIFY_TRUNCATED);
	assert_false(h.has_sni);
}

static void hello_rejects_other_records_and_bad_lengths(void **state)
{
	struct hello_opts o = {.sni = "a.example"};
	struct classify_tls_hello h;
	const uint8_t appdata[] = {0x17, 0x03, 0x03, 0x00, 0x10, 1, 2, 3};
	const uint8_t server_hello[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00};
	assert_int_equal(classify_tls_hello(appdata, sizeof(appdata), &h), CLASSIFY_UNSUPPORTED);
	assert_int_equal(classify_tls_hello(server_hello, sizeof(server_hello), &h),
	                 CLASSIFY_UNSUPPORTED);
	assert_int_equal(classify_tls_hello((const uint8_t *)"GET / HTTP/1.1\r\n", 16, &h),
	                 CLASSIFY_UNSUPPORTED);
	build_hello(&rec, &o);
	/* An extension length running past the extensions block. */
	struct buf bad = rec;
	size_t sni_ext = 5 + 4 + 2 + 32 + 1 + 32 + 2 + 6 + 2 + 2 + 4;
	assert_int_equal(bad.b[sni_ext], 0);
	assert_int_equal(bad.b[sni_ext + 1], 0);
	bad.b[sni_ext + 2] = 0x40;
	assert_int_equal(classify_tls_hello(bad.b, bad.n, &h), CLASSIFY_MALFORMED);
	/* A zero-length record. */
	bad = rec;
	bad.b[3] = bad.b[4] = 0;
	assert_int_equal(classify_tls_hello(bad.b, bad.n, &h), CLASSIFY_MALFORMED);
	/* A control character in the name. */
	bad = rec;
	bad.b[sni_ext + 9] = '\n';
	assert_int_equal(classify_tls_hello(bad.b, bad.n, &h), CLASSIFY_MALFORMED);
}

static size_t read_data(const char *name, uint8_t *out, size_t cap)
{
	char path[4096];
	const char *src = getenv("SRCDIR");
	snprintf(path, sizeof(path), "%s/tests/data/classify/%s", src ? src : ".", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	size_t n = fread(out, 1, cap, f);
	fclose(f);
	return n;
}

/* ClientHellos recorded by tests/classify/record.sh from real clients. */
static void recorded_hellos(void **state)
{
	static const struct {
		const char *file, *sni;
		int nalpn;
		bool tls13;
	} cases[] = {
	    {"hello-curl.bin", "www.example.com", 2, true},
	    {"hello-node.bin", "www.example.com", 0, true},
	    {"hello-chromium.bin", "www.example.com", 2, true},
	};
	static uint8_t b[8192];
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct classify_tls_hello h;
		size_t n = read_data(cases[i].file, b, sizeof(b));
		assert_int_equal(classify_tls_hello(b, n, &h), CLASSIFY_OK);
		assert_string_equal(h.sni, cases[i].sni);
		assert_int_equal(h.nalpn, cases[i].nalpn);
		bool v13 = false;
		for (int k = 0; k < h.nversions; k++)
			v13 = v13 || h.versions[k] == 0x0304;
		assert_true(v13 == cases[i].tls13);
		if (strcmp(cases[i].file, "hello-chromium.bin") == 0) {
			/* Post-quantum key share: longer than one 1448-byte segment. */
			assert_true(n > 1448);
			assert_int_equal(classify_tls_hello(b, 1448, &h), CLASSIFY_TRUNCATED);
			assert_string_equal(h.alpn[0], "h2");
		}
	}
}

static void http_request_head_fields(void **state)
{
	const char *r = "POST /mcp?x=1 HTTP/1.1\r\nHost: API.example.com:8443\r\n"
	                "Accept: application/json, text/event-stream\r\n"
	                "Content-Type: application/json\r\nContent-Length: 42\r\n"
	                "Mcp-Session-Id: abc\r\nMCP-Protocol-Version: 2025-06-18\r\n"
	                "Mcp-Method: tools/call\r\nMcp-Name: get_weather\r\n\r\n{\"jsonrpc\"";
	struct classify_http_head h;
	assert_int_equal(classify_http_head((const uint8_t *)r, strlen(r), &h), CLASSIFY_OK);
	assert_false(h.response);
	assert_int_equal(h.method.len, 4);
	assert_memory_equal(h.path.p, "/mcp?x=1", 8);
	assert_int_equal(h.host.len, 15);
	assert_memory_equal(h.host.p, "API.example.com", 15);
	assert_true(h.accept_json && h.accept_sse);
	assert_true(h.mcp_session_id && h.mcp_protocol_version && h.mcp_method && h.mcp_name);
	assert_int_equal(h.mcp_version.len, 10);
	assert_int_equal(h.content_length, 42);
	assert_int_equal(h.version, 11);
	assert_int_equal(h.head_len, strlen(r) - 10);
}

/* A header name is a token: every token character passes, every other byte does not. */
static void http_header_names_are_tokens(void **state)
{
	static const char tchars[] = "!#$%&'*+-.^_`|~09azAZ";
	struct classify_http_head h;
	char req[64];
	(void)state;
	for (int ch = 1; ch < 256; ch++) {
		if (ch == '\r' || ch == '\n' || ch == ':' || ch == ' ' || ch == '\t')
			continue;
		int n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nX%cY: 1\r\n\r\n", ch);
		bool token = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		             (ch >= '0' && ch <= '9') || strchr(tchars, ch);
		enum classify_parse r = classify_http_head((const uint8_t *)req, (size_t)n, &h);
		if (r != (token ? CLASSIFY_OK : CLASSIFY_MALFORMED))
			fail_msg("header name byte 0x%02x: parse %d", ch, r);
	}
}

static void http_head_split_anywhere_is_truncated_then_ok(void **state)
{
	const char *r = "GET /chat HTTP/1.1\r\nHost: ws.example.com\r\nUpgrade: WebSocket\r\n"
	                "Connection: keep-alive, Upgrade\r\n\r\n";
	struct classify_http_head h;
	size_t n = strlen(r);
	for (size_t i = 1; i < n; i++) {
		enum classify_parse s = classify_http_head((const uint8_t *)r, i, &h);
		assert_int_equal(s, CLASSIFY_TRUNCATED);
		if (i >= 4)
			assert_int_equal(h.method.len, 3);
	}
	assert_int_equal(classify_http_head((const uint8_t *)r, n, &h), CLASSIFY_OK);
	assert_true(h.upgrade_websocket && h.connection_upgrade);
}

static void http_pipelined_requests(void **state)
{
	const char *r = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
	                "GET /b HTTP/1.1\r\nHost: y\r\n\r\n"
	                "GET /c HTTP/1.0\n\n";
	const uint8_t *p = (const uint8_t *)r;
	size_t n = strlen(r);
	struct classify_http_head h;
	const char *paths[] = {"/a", "/b", "/c"};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(classify_http_head(p, n, &h), CLASSIFY_OK);
		assert_int_equal(h.path.len, 2);
		assert_memory_equal(h.path.p, paths[i], 2);
		size_t skip = h.head_len + (size_t)(h.content_length > 0 ? h.content_length : 0);
		p += skip;
		n -= skip;
	}
	assert_int_equal(n, 0);
	assert_int_equal(h.version, 10);
}

static void http_response_and_garbage(void **state)
{
	struct classify_http_head h;
	const char *resp = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
	assert_int_equal(classify_http_head((const uint8_t *)resp, strlen(resp), &h), CLASSIFY_OK);
	assert_true(h.response);
	assert_int_equal(h.status, 101);
	assert_int_equal(classify_http_head((const uint8_t *)"SSH-2.0-OpenSSH_9.2\r\n", 21, &h),
	                 CLASSIFY_UNSUPPORTED);
	assert_int_equal(classify_http_head((const uint8_t *)"\x16\x03\x01", 3, &h),
	                 CLASSIFY_UNSUPPORTED);
	assert_int_equal(
	    classify_http_head((const uint8_t *)"GET / HTTP/1.1\r\nBad header\r\n\r\n", 30, &h),
	    CLASSIFY_MALFORMED);
	assert_int_equal(classify_http_head((const uint8_t *)"HTTP/1.1 2x0 OK\r\n\r\n", 19, &h),
	                 CLASSIFY_MALFORMED);
	/* Absolute-form targets reduce to the path. */
	const char *abs = "GET http://h.example/p/q HTTP/1.1\r\n\r\n";
	assert_int_equal(classify_http_head((const uint8_t *)abs, strlen(abs), &h), CLASSIFY_OK);
	assert_int_equal(h.path.len, 4);
	assert_memory_equal(h.path.p, "/p/q", 4);
	const char *pri = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
	assert_int_equal(classify_http_head((const uint8_t *)pri, strlen(pri), &h), CLASSIFY_OK);
	assert_int_equal(h.version, 20);
}

static void chunked_body_start(void **state)
{
	const char *b = "5\r\nevent\r\n3;ext=1\r\n: e\r\n0\r\n\r\n";
	uint8_t out[64];
	bool complete;
	size_t n = classify_http_body((const uint8_t *)b, strlen(b), true, -1, out, sizeof(out),
	                              &complete);
	assert_int_equal(n, 8);
	assert_memory_equal(out, "event: e", 8);
	assert_true(complete);
	n = classify_http_body((const uint8_t *)b, 6, true, -1, out, sizeof(out), &complete);
	assert_int_equal(n, 3);
	assert_false(complete);
	n = classify_http_body((const uint8_t *)"abcdef", 6, false, 4, out, sizeof(out), &complete);
	assert_int_equal(n, 4);
	assert_true(complete);
}

static void jsonrpc_mcp_and_other_methods(void **state)
{
	struct classify_jsonrpc j;
	const char *init = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{}}";
	assert_int_equal(classify_jsonrpc((const uint8_t *)init, strlen(init), &j), CLASSIFY_OK);
	assert_true(j.jsonrpc && j.has_method && j.mcp_method);
	const char *call = "[ {\"method\" : \"tools/call\", \"jsonrpc\" : \"2.0\"} ]";
	assert_int_equal(classify_jsonrpc((const uint8_t *)call, strlen(call), &j), CLASSIFY_OK);
	assert_true(j.mcp_method);
	const char *echo = "{\"jsonrpc\": \"2.0\", \"method\": \"echo\", \"params\": []}";
	assert_int_equal(classify_jsonrpc((const uint8_t *)echo, strlen(echo), &j), CLASSIFY_OK);
	assert_true(j.jsonrpc && j.has_method);
	assert_false(j.mcp_method);
	assert_int_equal(classify_jsonrpc((const uint8_t *)"{\"jsonr", 7, &j), CLASSIFY_TRUNCATED);
	assert_int_equal(classify_jsonrpc((const uint8_t *)"<html>", 6, &j), CLASSIFY_UNSUPPORTED);
	assert_int_equal(classify_jsonrpc((const uint8_t *)"{\"jsonrpc\":\"1.0\"}", 17, &j),
	                 CLASSIFY_UNSUPPORTED);
	assert_true(classify_mcp_method("notifications/initialized", 25));
	assert_true(classify_mcp_method("server/discover", 15));
	assert_true(classify_mcp_method("subscriptions/listen", 20));
	assert_false(classify_mcp_method("tools/", 6));
	assert_false(classify_mcp_method("pingpong", 8));
}

static void sse_first_event(void **state)
{
	struct classify_sse s;
	const char *ep = ": keepalive\n\nevent: endpoint\r\ndata: /messages?sessionId=42\r\n\r\n";
	assert_int_equal(classify_sse_first((const uint8_t *)ep, strlen(ep), &s), CLASSIFY_OK);
	assert_int_equal(s.event.len, 8);
	assert_memory_equal(s.data.p, "/messages?sessionId=42", 22);
	assert_int_equal(classify_sse_first((const uint8_t *)ep, 30, &s), CLASSIFY_TRUNCATED);
	assert_int_equal(s.event.len, 8);
	const char *msg = "event: message\ndata: {\"jsonrpc\":\"2.0\"}\n\n";
	assert_int_equal(classify_sse_first((const uint8_t *)msg, strlen(msg), &s), CLASSIFY_OK);
	assert_memory_equal(s.event.p, "message", 7);
	assert_int_equal(classify_sse_first((const uint8_t *)"\x01\x02\n", 3, &s),
	                 CLASSIFY_MALFORMED);
}

static void quic_versions(void **state)
{
	struct classify_quic q;
	uint8_t v1[1200] = {0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0};
	assert_int_equal(classify_quic_long(v1, sizeof(v1), &q), CLASSIFY_OK);
	assert_int_equal(q.kind, CLASSIFY_QUIC_V1);
	assert_int_equal(q.dcid_len, 8);
	uint8_t v2[64] = {0xd0, 0x6b, 0x33, 0x43, 0xcf, 4, 1, 2, 3, 4, 4, 9, 9, 9, 9};
	assert_int_equal(classify_quic_long(v2, sizeof(v2), &q), CLASSIFY_OK);
	assert_int_equal(q.kind, CLASSIFY_QUIC_V2);
	uint8_t q50[64] = {0xc3, 'Q', '0', '5', '0', 8, 1, 2, 3, 4, 5, 6, 7, 8, 0};
	assert_int_equal(classify_quic_long(q50, sizeof(q50), &q), CLASSIFY_OK);
	assert_int_equal(q.kind, CLASSIFY_QUIC_GQUIC);
	uint8_t q43[64] = {0x0d, 1, 2, 3, 4, 5, 6, 7, 8, 'Q', '0', '4', '3', 1};
	assert_int_equal(classify_quic_long(q43, sizeof(q43), &q), CLASSIFY_OK);
	assert_int_equal(q.version, 0x51303433);
	uint8_t shorthdr[32] = {0x43, 1, 2, 3};
	assert_int_equal(classify_quic_long(shorthdr, sizeof(shorthdr), &q), CLASSIFY_UNSUPPORTED);
	uint8_t dns[32] = {0x12, 0x34, 0x01, 0x00, 0, 1};
	assert_int_equal(classify_quic_long(dns, sizeof(dns), &q), CLASSIFY_UNSUPPORTED);
	uint8_t unknown[32] = {0xc3, 0x12, 0x34, 0x56, 0x78, 0};
	assert_int_equal(classify_quic_long(unknown, sizeof(unknown), &q), CLASSIFY_UNSUPPORTED);
	uint8_t bigcid[64] = {0xc3, 0, 0, 0, 1, 21};
	assert_int_equal(classify_quic_long(bigcid, sizeof(bigcid), &q), CLASSIFY_MALFORMED);
	assert_int_equal(classify_quic_long(v1, 7, &q), CLASSIFY_TRUNCATED);
}

/*
 * A lent first segment is read in place, kept as a copy of the stream's own
 * (the caller's packet may then change), and the next segments extend it.
 */
static void reasm_lends_the_first_segment_until_kept(void **state)
{
	struct classify_stream s;
	uint8_t pkt[12];
	(void)state;
	classify_stream_init(&s, 16);
	classify_stream_set_base(&s, 100);
	/* Two bytes before the base (a retransmitted SYN's sequence) are skipped. */
	memcpy(pkt, "xxabcdef", 8);
	assert_int_equal(classify_stream_lend(&s, 98, pkt, 8, 8, false), 0);
	assert_true(s.lent);
	assert_ptr_equal(s.buf, pkt + 2);
	assert_int_equal(s.contig, 6);
	assert_int_equal(classify_stream_keep(&s), 0);
	assert_false(s.lent);
	memset(pkt, 'Z', sizeof(pkt));
	assert_memory_equal(s.buf, "abcdef", 6);
	/* Once the stream holds bytes, a lent segment is copied. */
	memcpy(pkt, "ghij", 4);
	assert_int_equal(classify_stream_lend(&s, 106, pkt, 4, 4, false), 0);
	assert_false(s.lent);
	memset(pkt, 'Z', sizeof(pkt));
	assert_int_equal(s.contig, 10);
	assert_memory_equal(s.buf, "abcdefghij", 10);
	classify_stream_release(&s);

	/* An out-of-order first segment is held, so copied. */
	classify_stream_init(&s, 16);
	classify_stream_set_base(&s, 0);
	assert_int_equal(classify_stream_lend(&s, 4, pkt, 4, 4, false), 0);
	assert_false(s.lent);
	assert_int_equal(s.nheld, 1);
	/* A second segment while one is lent copies the first before adding. */
	memcpy(pkt, "abcd", 4);
	classify_stream_release(&s);
	classify_stream_init(&s, 16);
	classify_stream_set_base(&s, 0);
	assert_int_equal(classify_stream_lend(&s, 0, pkt, 4, 4, false), 0);
	assert_true(s.lent);
	uint8_t more[4] = {'e', 'f', 'g', 'h'};
	assert_int_equal(classify_stream_add(&s, 4, more, 4, 4, false), 0);
	assert_false(s.lent);
	memset(pkt, 'Z', sizeof(pkt));
	assert_memory_equal(s.buf, "abcdefgh", 8);
	/* Releasing a lent segment frees nothing of the caller's. */
	classify_stream_release(&s);
	classify_stream_init(&s, 16);
	assert_int_equal(classify_stream_lend(&s, 7, pkt, 4, 4, false), 0);
	assert_true(s.lent);
	classify_stream_release(&s);
	assert_null(s.buf);
}

static void reasm_orders_segments_and_ignores_duplicates(void **state)
{
	struct classify_stream s;
	const uint8_t *d = (const uint8_t *)"0123456789abcdefghij";
	classify_stream_init(&s, 16);
	classify_stream_set_base(&s, 0xfffffffa); /* wraps around */
	assert_int_equal(classify_stream_add(&s, 0xfffffffa + 10, d + 10, 5, 5, false), 0);
	assert_int_equal(s.contig, 0);
	assert_int_equal(classify_stream_add(&s, 0xfffffffa + 4, d + 4, 6, 6, false), 0);
	assert_int_equal(s.contig, 0);
	assert_int_equal(classify_stream_add(&s, 0xfffffffa, d, 4, 4, false), 0);
	assert_int_equal(s.contig, 15);
	assert_memory_equal(s.buf, d, 15);
	/* A retransmission with different bytes does not rewrite what we hold. */
	assert_int_equal(classify_stream_add(&s, 0xfffffffa, (const uint8_t *)"XXXX", 4, 4, false),
	                 0);
	assert_memory_equal(s.buf, d, 15);
	assert_false(classify_stream_final(&s));
	/* Past the limit: kept up to it, then final. */
	assert_int_equal(classify_stream_add(&s, 0xfffffffa + 15, d + 15, 5, 5, false), 0);
	assert_int_equal(s.contig, 16);
	assert_true(classify_stream_final(&s));
	classify_stream_release(&s);

	/* A segment cut by the snaplen leaves a hole that never fills. */
	classify_stream_init(&s, 100);
	assert_int_equal(classify_stream_add(&s, 1000, d, 8, 20, false), 0);
	assert_int_equal(s.contig, 8);
	assert_true(classify_stream_final(&s));
	classify_stream_release(&s);

	/* More held ranges than we keep: extra ones are dropped, not misplaced. */
	classify_stream_init(&s, 100);
	classify_stream_set_base(&s, 0);
	for (uint32_t i = 0; i < 6; i++)
		assert_int_equal(classify_stream_add(&s, 2 + i * 3, d, 1, 1, false), 0);
	assert_int_equal(s.nheld, CLASSIFY_REASM_HOLES);
	assert_int_equal(classify_stream_add(&s, 0, d, 2, 2, false), 0);
	assert_int_equal(s.contig, 3);
	/* FIN makes the stream final once its bytes are in. */
	assert_int_equal(classify_stream_add(&s, 3, d, 0, 0, true), 0);
	assert_true(classify_stream_final(&s));
	classify_stream_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hello_gives_sni_alpn_and_versions),
	    cmocka_unit_test(hello_without_sni_is_ok_without_name),
	    cmocka_unit_test(hello_with_ech_reports_outer_name),
	    cmocka_unit_test(post_quantum_hello_across_records),
	    cmocka_unit_test(hello_in_one_record_reads_as_joined),
	    cmocka_unit_test(hello_cut_after_sni_keeps_the_name),
	    cmocka_unit_test(hello_rejects_other_records_and_bad_lengths),
	    cmocka_unit_test(recorded_hellos),
	    cmocka_unit_test(http_request_head_fields),
	    cmocka_unit_test(http_header_names_are_tokens),
	    cmocka_unit_test(http_head_split_anywhere_is_truncated_then_ok),
	    cmocka_unit_test(http_pipelined_requests),
	    cmocka_unit_test(http_response_and_garbage),
	    cmocka_unit_test(chunked_body_start),
	    cmocka_unit_test(jsonrpc_mcp_and_other_methods),
	    cmocka_unit_test(sse_first_event),
	    cmocka_unit_test(quic_versions),
	    cmocka_unit_test(reasm_orders_segments_and_ignores_duplicates),
	    cmocka_unit_test(reasm_lends_the_first_segment_until_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
