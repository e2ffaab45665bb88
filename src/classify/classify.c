/*
 * The per-flow classifier: keeps the first bytes of each direction of a
 * TCP flow (or looks at a UDP flow's first datagram), turns them into facts
 * (TLS and its server name, the first HTTP request and response, WebSocket,
 * MCP, QUIC) and asks the rule engine whether the service is settled.  It
 * counts no bytes and keeps no state once a flow is decided.
 */
#include "classify/internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum {
	MAX_PACKETS = 40,     /* undecided after this many packets: fall back */
	CLIENT_LIMIT = 12288, /* stream bytes kept per direction; 16 KiB per flow */
	SERVER_LIMIT = 4096,
	BODY_PEEK = 1024, /* request body bytes examined for JSON-RPC */
	SSE_PEEK = 512,   /* response body bytes examined for the first SSE event */
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_ACK = 0x10,
};

struct classify_flow {
	uint8_t proto;
	bool v6;
	uint8_t local_addr[16];
	uint16_t local_port;
	uint16_t packets;
	bool client_is_local; /* roles: from the SYN, else the remote side is the client */
	bool roles_known;
	bool client_data, server_first, reset;
	enum tri quic;
	struct classify_stream cli, srv;
};

static void base_facts(const struct classify_flow *f, struct facts *x, enum tri all)
{
	memset(x, 0, sizeof(*x));
	x->proto = f->proto;
	x->family = f->v6 ? AF_INET6 : AF_INET;
	x->addr = f->local_addr;
	x->port = f->local_port;
	x->tls = x->http = x->websocket = x->mcp = x->quic = all;
	x->sni_known = x->head_known = all;
}

static bool starts_with(struct classify_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len >= n && strncasecmp(s.p, lit, n) == 0;
}

static bool span_has(struct classify_span s, const char *lit)
{
	return s.len && memmem(s.p, s.len, lit, strlen(lit)) != NULL;
}

/* MCP on a request whose head is complete (or final). */
static enum tri mcp_facts(const struct classify *c, const struct classify_flow *f,
                          const struct facts *x, const struct classify_http_head *req,
                          enum classify_parse rs, bool cfinal, bool sfinal)
{
	if (req->mcp_session_id || req->mcp_protocol_version || req->mcp_method || req->mcp_name)
		return TRI_YES;
	if (classify_endpoint_known(c, x, req->path))
		return TRI_YES;
	bool post = starts_with(req->method, "POST") && req->method.len == 4;
	bool get = starts_with(req->method, "GET") && req->method.len == 3;
	if (post && req->content_length != 0) {
		if (rs != CLASSIFY_OK)
			return TRI_NO; /* a broken or oversized head: no body to find */
		uint8_t peek[BODY_PEEK];
		bool complete;
		size_t n = classify_http_body(f->cli.buf + req->head_len,
		                              f->cli.contig - req->head_len, req->chunked,
		                              req->content_length, peek, sizeof(peek), &complete);
		struct classify_jsonrpc j;
		enum classify_parse r = classify_jsonrpc(peek, n, &j);
		bool more = !(complete || cfinal);
		if (r == CLASSIFY_UNSUPPORTED)
			return TRI_NO;
		if (!j.jsonrpc)
			return more ? TRI_UNKNOWN : TRI_NO;
		if (j.mcp_method || span_has(req->path, "sessionId=") ||
		    span_has(req->path, "session_id=") || (req->accept_json && req->accept_sse))
			return TRI_YES;
		if (j.has_method)
			return TRI_NO;
		return r == CLASSIFY_TRUNCATED && more ? TRI_UNKNOWN : TRI_NO;
	}
	if (!(get && req->accept_sse))
		return TRI_NO;

	/* A GET for an event stream: the legacy transport announces its endpoint. */
	struct classify_http_head resp;
	enum classify_parse r = classify_http_head(f->srv.buf, f->srv.contig, &resp);
	if (r == CLASSIFY_TRUNCATED && !sfinal)
		return TRI_UNKNOWN;
	if (r != CLASSIFY_OK || !resp.response)
		return TRI_NO;
	if (resp.mcp_session_id)
		return TRI_YES;
	if (!starts_with(resp.content_type, "text/event-stream") || resp.status != 200)
		return TRI_NO;
	uint8_t peek[SSE_PEEK];
	bool complete;
	size_t n =
	    classify_http_body(f->srv.buf + resp.head_len, f->srv.contig - resp.head_len,
	                       resp.chunked, resp.content_length, peek, sizeof(peek), &complete);
	struct classify_sse sse;
	r = classify_sse_first(peek, n, &sse);
	if (sse.event.len == 8 && memcmp(sse.event.p, "endpoint", 8) == 0) {
		if (r == CLASSIFY_OK && sse.data.len)
			classify_endpoint_add(c, x, sse.data.p, sse.data.len);
		else if (r == CLASSIFY_TRUNCATED && !(complete || sfinal))
			return TRI_UNKNOWN; /* wait for the data line */
		return TRI_YES;
	}
	if (r == CLASSIFY_OK || r == CLASSIFY_MALFORMED || sse.event.len)
		return sse.data.len && sse.data.p[0] == '{' && span_has(sse.data, "\"jsonrpc\"")
		           ? TRI_YES
		           : TRI_NO;
	return complete || sfinal ? TRI_NO : TRI_UNKNOWN;
}

/*
 * Facts of a TCP flow from its streams.  hello receives the parsed
 * ClientHello (its name is pointed to by x).
 */
static void tcp_facts(const struct classify *c, const struct classify_flow *f, bool final,
                      struct facts *x, struct classify_tls_hello *hello)
{
	const struct classify_stream *cs = &f->cli, *ss = &f->srv;
	bool cfinal = final || classify_stream_final(cs);
	bool sfinal = final || classify_stream_final(ss);

	base_facts(f, x, TRI_UNKNOWN);
	x->quic = TRI_NO;
	if (cs->contig == 0) {
		/* TLS and HTTP clients speak first; a server that did is neither. */
		if (f->server_first || cfinal || (cs->nheld == 0 && f->reset))
			base_facts(f, x, TRI_NO);
		return;
	}
	const uint8_t *b = cs->buf;
	size_t n = cs->contig;
	if (b[0] == 0x16 && (n < 2 || b[1] == 0x03)) {
		x->tls = TRI_YES;
		x->http = x->websocket = x->mcp = x->head_known = TRI_NO;
		x->sni_known = TRI_NO;
		if (!c->need_sni)
			return;
		enum classify_parse r = classify_tls_hello(b, n, hello);
		if (hello->has_sni) {
			x->sni_known = TRI_YES;
			x->sni = hello->sni;
			x->sni_len = hello->sni_len;
		} else if (r == CLASSIFY_TRUNCATED && !cfinal) {
			x->sni_known = TRI_UNKNOWN;
		}
		return;
	}
	x->tls = TRI_NO;
	x->sni_known = TRI_NO;

	struct classify_http_head req;
	enum classify_parse r = classify_http_head(b, n, &req);
	if (r == CLASSIFY_TRUNCATED && !cfinal && n < CLASSIFY_HTTP_MAX_HEAD) {
		x->http = req.method.len ? TRI_YES : TRI_UNKNOWN;
		if (req.mcp_session_id || req.mcp_protocol_version || req.mcp_method ||
		    req.mcp_name)
			x->mcp = TRI_YES;
		return;
	}
	if (!req.method.len || req.response) {
		base_facts(f, x, TRI_NO);
		return;
	}
	x->http = TRI_YES;
	x->head_known = TRI_YES;
	x->host = req.host;
	x->path = req.path;
	if (!req.upgrade_websocket) {
		x->websocket = TRI_NO;
	} else {
		struct classify_http_head resp;
		enum classify_parse rr = classify_http_head(ss->buf, ss->contig, &resp);
		if (rr == CLASSIFY_TRUNCATED && !sfinal)
			x->websocket = resp.response || ss->contig == 0 ? TRI_UNKNOWN : TRI_NO;
		else
			x->websocket = resp.response && resp.status == 101 ? TRI_YES : TRI_NO;
		/* The status line alone settles it. */
		if (rr == CLASSIFY_TRUNCATED && resp.status)
			x->websocket = resp.status == 101 ? TRI_YES : TRI_NO;
	}
	x->mcp = mcp_facts(c, f, x, &req, r, cfinal, sfinal);
}

/* Evaluates the flow; on a decision releases the stream buffers. */
static bool evaluate(const struct classify *c, struct classify_flow *f, bool final,
                     uint16_t *service)
{
	struct facts x;
	struct classify_tls_hello hello;
	bool done;

	if (f->proto == 6) {
		tcp_facts(c, f, final, &x, &hello);
	} else {
		base_facts(f, &x, TRI_NO);
		x.quic = f->proto == 17 ? f->quic : TRI_NO;
	}
	bool empty = f->proto == 6 && f->cli.contig == 0 && f->srv.contig == 0 &&
	             f->cli.nheld == 0 && f->srv.nheld == 0;
	bool ended = final || f->reset || classify_stream_final(&f->cli);
	if (empty && ended && classify_port_known(c, &x, service)) {
		/* A connection that never carried a byte (a preconnect, a
		 * probe) belongs to what its server port was seen serving. */
		done = true;
	} else {
		done = classify_decide(c, &x, final, service);
		if (done && !final && f->client_data)
			classify_port_learn(c, &x, *service);
	}
	if (done) {
		classify_stream_release(&f->cli);
		classify_stream_release(&f->srv);
	}
	return done;
}

static void add_packet(struct classify_flow *f, const struct classify_pkt *p)
{
	f->packets++;
	if (f->proto == 17) {
		if (f->quic == TRI_UNKNOWN && p->caplen > 0) {
			struct classify_quic q;
			f->quic = classify_quic_long(p->payload, p->caplen, &q) == CLASSIFY_OK
			              ? TRI_YES
			              : TRI_NO;
		}
		return;
	}
	if (f->proto != 6)
		return;
	uint8_t fl = p->tcp_flags;
	if (fl & TCP_RST)
		f->reset = true;
	if ((fl & TCP_SYN) && !f->roles_known) {
		/* The SYN's sender is the client, the SYN-ACK's the server. */
		f->client_is_local = (fl & TCP_ACK) ? !p->from_local : p->from_local;
		f->roles_known = true;
	}
	bool from_client = p->from_local == f->client_is_local;
	struct classify_stream *s = from_client ? &f->cli : &f->srv;
	uint32_t seq = p->seq;
	if (fl & TCP_SYN) {
		classify_stream_set_base(s, seq + 1);
		seq++;
	}
	if (p->len > 0 || (fl & TCP_FIN)) {
		/*
		 * Lent, not copied, until the flow proves undecided (see
		 * classify_flow_feed).  Memory exhaustion only loses this
		 * segment; the packet bound ends it.
		 */
		(void)classify_stream_lend(s, seq, p->payload, p->caplen, p->len,
		                           (fl & TCP_FIN) != 0);
	}
	if (p->len > 0) {
		if (from_client)
			f->client_data = true;
		else if (!f->client_data)
			f->server_first = true;
	}
}

enum classify_status classify_flow_start(const struct classify *c, const struct classify_pkt *p,
                                         struct classify_flow **state, uint16_t *service)
{
	struct classify_flow *f = calloc(1, sizeof(*f));

	*state = NULL;
	if (!f) {
		/* Without memory, decide from what the first packet shows. */
		struct classify_flow tmp;
		memset(&tmp, 0, sizeof(tmp));
		tmp.proto = p->proto;
		tmp.v6 = p->family == AF_INET6;
		memcpy(tmp.local_addr, p->local_addr, tmp.v6 ? 16 : 4);
		tmp.local_port = p->local_port;
		tmp.quic = TRI_NO;
		evaluate(c, &tmp, true, service);
		return CLASSIFY_DONE;
	}
	f->proto = p->proto;
	f->v6 = p->family == AF_INET6;
	memcpy(f->local_addr, p->local_addr, f->v6 ? 16 : 4);
	f->local_port = p->local_port;
	f->quic = TRI_UNKNOWN;
	classify_stream_init(&f->cli, CLIENT_LIMIT);
	classify_stream_init(&f->srv, SERVER_LIMIT);
	if (classify_flow_feed(c, f, p, service) == CLASSIFY_DONE) {
		classify_flow_free(f);
		return CLASSIFY_DONE;
	}
	*state = f;
	return CLASSIFY_MORE;
}

enum classify_status classify_flow_feed(const struct classify *c, struct classify_flow *f,
                                        const struct classify_pkt *p, uint16_t *service)
{
	add_packet(f, p);
	bool final =
	    f->packets >= MAX_PACKETS || (f->reset && f->cli.nheld == 0 && f->srv.nheld == 0);
	if (evaluate(c, f, final, service))
		return CLASSIFY_DONE;
	/* The packet goes away: what the streams borrowed from it is copied. */
	(void)classify_stream_keep(&f->cli);
	(void)classify_stream_keep(&f->srv);
	return CLASSIFY_MORE;
}

uint16_t classify_flow_fallback(const struct classify *c, struct classify_flow *f)
{
	uint16_t service = c->id_other;

	if (f)
		evaluate(c, f, true, &service);
	return service;
}

void classify_flow_free(struct classify_flow *f)
{
	if (!f)
		return;
	classify_stream_release(&f->cli);
	classify_stream_release(&f->srv);
	free(f);
}
