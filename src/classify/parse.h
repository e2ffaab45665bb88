/*
 * The protocol parsers behind the classifier: TLS ClientHello, HTTP/1.x
 * heads and body starts (JSON-RPC, SSE), QUIC long headers, and the bounded
 * TCP reassembly that feeds them.  They read only the bytes they are given
 * (through a bounds-checked cursor), allocate nothing except the stream
 * buffer, and report a status instead of failing.
 */
#ifndef COSTS_CLASSIFY_PARSE_H
#define COSTS_CLASSIFY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum classify_parse {
	CLASSIFY_OK,          /* parsed completely */
	CLASSIFY_TRUNCATED,   /* the bytes end early; the result holds what was parsed */
	CLASSIFY_MALFORMED,   /* the bytes contradict the format */
	CLASSIFY_UNSUPPORTED, /* not this protocol (or a variant we do not read) */
};

const char *classify_parse_name(enum classify_parse s);

/* ---- TLS ---------------------------------------------------------------- */

#define CLASSIFY_TLS_MAX_HELLO    16384 /* handshake bytes read at most */
#define CLASSIFY_TLS_MAX_ALPN     8
#define CLASSIFY_TLS_MAX_VERSIONS 8

struct classify_tls_hello {
	uint16_t legacy_version; /* client_version field (0x0303 for TLS 1.2/1.3) */
	bool has_sni;
	uint8_t sni_len;
	char sni[256]; /* the first host_name, NUL-terminated; with ECH the outer name */
	uint8_t nalpn; /* ALPN protocols stored (names longer than 31 bytes skipped) */
	char alpn[CLASSIFY_TLS_MAX_ALPN][32];
	uint8_t nversions; /* supported_versions entries stored */
	uint16_t versions[CLASSIFY_TLS_MAX_VERSIONS];
	bool has_ech;       /* encrypted_client_hello (0xfe0d) present */
	uint32_t hello_len; /* handshake body length as declared */
};

/*
 * Parses a ClientHello from the start of a client's TCP stream: TLS
 * records of type 0x16, whose fragments are joined into one handshake
 * message (a hello may span several records and, in the caller, several
 * segments).  Returns OK when the whole hello was read, TRUNCATED when the
 * bytes end first (what was parsed is in *h: more bytes may still come, or
 * the capture was cut), MALFORMED on inconsistent lengths, UNSUPPORTED when
 * the stream does not start with a handshake record or the message is not a
 * ClientHello.
 */
enum classify_parse classify_tls_hello(const uint8_t *buf, size_t len,
                                       struct classify_tls_hello *h);

/* ---- HTTP/1.x ----------------------------------------------------------- */

#define CLASSIFY_HTTP_MAX_HEAD 8192 /* longer heads are read as TRUNCATED */

/* A text field pointing into the parsed buffer (not NUL-terminated). */
struct classify_span {
	const char *p;
	size_t len;
};

struct classify_http_head {
	bool response;
	struct classify_span method, target; /* requests: method, request-target */
	struct classify_span path; /* the target's path and query (absolute URIs reduced) */
	int version;               /* 10, 11 (HTTP/1.x) or 20 (the h2c preface) */
	int status;                /* responses */
	struct classify_span host; /* Host header without the port */
	struct classify_span content_type;
	bool upgrade_websocket;       /* Upgrade lists websocket */
	bool connection_upgrade;      /* Connection lists upgrade */
	bool accept_json, accept_sse; /* Accept lists application/json, text/event-stream */
	bool mcp_session_id, mcp_protocol_version, mcp_method, mcp_name;
	struct classify_span mcp_version; /* MCP-Protocol-Version value */
	bool chunked;
	int64_t content_length; /* -1 when absent */
	size_t head_len;        /* bytes up to and including the empty line */
};

/*
 * Parses one request or response head at the start of buf.  Returns OK with
 * head_len set when the head is complete, TRUNCATED when the empty line has
 * not arrived (the fields read so far are set; a request line seen is
 * enough to know it is HTTP), MALFORMED on a broken start line or header,
 * UNSUPPORTED when buf does not start like HTTP/1.x.  Pipelined messages:
 * the next one starts after head_len plus the body (content_length).
 */
enum classify_parse classify_http_head(const uint8_t *buf, size_t len,
                                       struct classify_http_head *h);

/*
 * Copies the start of a message body into out (at most cap bytes),
 * removing chunked framing when `chunked`.  Sets *complete when the body
 * (or the first cap bytes of it) is all there.  Returns the bytes copied.
 */
size_t classify_http_body(const uint8_t *body, size_t len, bool chunked, int64_t content_length,
                          uint8_t *out, size_t cap, bool *complete);

/* True when the method (or a path component) names an MCP method. */
bool classify_mcp_method(const char *name, size_t len);

struct classify_jsonrpc {
	bool jsonrpc; /* "jsonrpc": "2.0" seen */
	bool has_method;
	bool mcp_method; /* the method is one MCP defines */
	struct classify_span method;
};

/*
 * Looks at the start of a body for JSON-RPC 2.0.  Returns UNSUPPORTED when
 * it is not a JSON object or array, OK when the version was found (and the
 * method, if any), TRUNCATED when the bytes end before either is known.
 */
enum classify_parse classify_jsonrpc(const uint8_t *body, size_t len, struct classify_jsonrpc *j);

struct classify_sse {
	struct classify_span event; /* the first event's type ("" when none) */
	struct classify_span data;  /* its first data line */
	bool has_field;             /* a field line was read */
};

/*
 * Parses the first event of a text/event-stream body (comments and empty
 * keep-alive lines skipped).  OK when the event is complete, TRUNCATED
 * when it is not (the fields read are set), MALFORMED on binary bytes.
 */
enum classify_parse classify_sse_first(const uint8_t *body, size_t len, struct classify_sse *s);

/* ---- QUIC --------------------------------------------------------------- */

enum classify_quic_kind {
	CLASSIFY_QUIC_V1,
	CLASSIFY_QUIC_V2,
	CLASSIFY_QUIC_DRAFT,
	CLASSIFY_QUIC_NEGOTIATION, /* version negotiation (version 0) */
	CLASSIFY_QUIC_GQUIC,       /* Google QUIC, Qxxx/Txxx */
};

struct classify_quic {
	enum classify_quic_kind kind;
	uint32_t version;
	uint8_t dcid_len, scid_len;
};

/*
 * Recognises a QUIC long-header packet (v1, v2, drafts, version negotiation,
 * gQUIC with either the IETF invariant header or the older public header) at
 * the start of a UDP payload.  UNSUPPORTED for anything else, including
 * short-header packets; TRUNCATED when the header is cut.
 */
enum classify_parse classify_quic_long(const uint8_t *p, size_t len, struct classify_quic *q);

/* ---- TCP reassembly ----------------------------------------------------- */

#define CLASSIFY_REASM_HOLES 4

/*
 * One direction of a TCP stream, kept from its first byte up to `limit`
 * bytes.  Segments are placed by sequence number: duplicates and
 * retransmissions of bytes already held are ignored, segments ahead of the
 * contiguous prefix are held (at most CLASSIFY_REASM_HOLES ranges, inside
 * the limit), bytes past the limit are dropped.
 */
struct classify_stream {
	uint8_t *buf;    /* owned, or the caller's segment when lent */
	uint32_t base;   /* sequence number of buf[0] */
	uint16_t alloc;  /* bytes allocated */
	uint16_t limit;  /* bytes kept at most */
	uint16_t contig; /* bytes contiguous from base */
	uint16_t cut;    /* offset of a hole that will never fill (snaplen), or limit */
	uint8_t nheld;
	bool have_base, fin, overflow;
	bool lent;        /* buf is a segment of the caller's, not a copy */
	uint32_t fin_off; /* offset of the FIN when fin */
	struct {
		uint16_t lo, hi;
	} held[CLASSIFY_REASM_HOLES];
};

void classify_stream_init(struct classify_stream *s, uint16_t limit);
void classify_stream_release(struct classify_stream *s);

/* Sets the sequence number of the first byte (from a SYN: its seq + 1). */
void classify_stream_set_base(struct classify_stream *s, uint32_t seq);

/*
 * Adds a segment: seq of its first byte, caplen bytes captured of len on the
 * wire (caplen < len marks a permanent hole), fin when the FIN flag was set.
 * Returns -1 only when memory runs out (the segment is then dropped).
 */
int classify_stream_add(struct classify_stream *s, uint32_t seq, const uint8_t *data, size_t caplen,
                        size_t len, bool fin);
/*
 * The same, except that a segment holding the stream's first bytes is not
 * copied: buf then points into data until classify_stream_keep, which the
 * caller must call before data goes away.  A ClientHello or a request head
 * that arrives whole is parsed, and its flow decided, without a copy.
 */
int classify_stream_lend(struct classify_stream *s, uint32_t seq, const uint8_t *data,
                         size_t caplen, size_t len, bool fin);
/* Copies a lent segment into a buffer of the stream's own; -1: out of memory (it is dropped). */
int classify_stream_keep(struct classify_stream *s);

/* True when no further bytes can extend the contiguous prefix. */
bool classify_stream_final(const struct classify_stream *s);

#endif
