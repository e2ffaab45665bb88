/*
 * HTTP/1.x head parser (request and status lines, the headers the
 * detectors use), the start of a body with chunked framing removed, and
 * two body sniffers: JSON-RPC 2.0 (for MCP) and an SSE stream's first event.
 * It keeps pointers into the caller's buffer and reads nothing past len.
 */
#include "classify/parse.h"

#include <string.h>
#include <strings.h>

/* A token character (RFC 9110): letters, digits and !#$%&'*+-.^_`|~, as bits by code. */
static bool is_tchar(uint8_t ch)
{
	static const uint64_t below64 = 0x03ff6cfa00000000u, from64 = 0x57ffffffc7fffffeu;
	return ch < 64 ? below64 >> ch & 1 : ch < 128 && from64 >> (ch - 64) & 1;
}

static bool span_eq(struct classify_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len == n && strncasecmp(s.p, lit, n) == 0;
}

/* True when the comma-separated list s has an element equal to lit (token
 * before any ';' parameters), case-insensitive. */
static bool list_has(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit), i = 0;
	while (i < len) {
		while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == ','))
			i++;
		size_t s = i;
		while (i < len && p[i] != ',' && p[i] != ';')
			i++;
		size_t e = i;
		while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e - s == n && strncasecmp(p + s, lit, n) == 0)
			return true;
		while (i < len && p[i] != ',')
			i++;
	}
	return false;
}

/* Finds the end of the line starting at off: returns the index of '\n', or len. */
static size_t line_end(const uint8_t *b, size_t off, size_t len)
{
	const void *nl = memchr(b + off, '\n', len - off);
	return nl ? (size_t)((const uint8_t *)nl - b) : len;
}

static const char *const known_methods[] = {
    "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE", "PRI",
};

static enum classify_parse start_line(const uint8_t *b, size_t n, bool complete,
                                      struct classify_http_head *h)
{
	const char *s = (const char *)b;

	if (n >= 5 && memcmp(b, "HTTP/", 5) == 0) {
		h->response = true;
		if (!complete)
			return CLASSIFY_TRUNCATED;
		/* HTTP/1.x SP 3DIGIT [SP reason] */
		if (n < 12 || b[6] != '.' || b[5] != '1' || b[7] < '0' || b[7] > '9' || b[8] != ' ')
			return CLASSIFY_MALFORMED;
		h->version = 10 + (b[7] - '0');
		for (int i = 9; i < 12; i++) {
			if (b[i] < '0' || b[i] > '9')
				return CLASSIFY_MALFORMED;
			h->status = h->status * 10 + (b[i] - '0');
		}
		if (n > 12 && b[12] != ' ')
			return CLASSIFY_MALFORMED;
		return CLASSIFY_OK;
	}
	if (n < 5 && memcmp(b, "HTTP/", n) == 0)
		return CLASSIFY_TRUNCATED;

	size_t i = 0;
	while (i < n && i < 20 && is_tchar(b[i]))
		i++;
	if (i == n && !complete) {
		/* A method still arriving: only a prefix of a token so far. */
		return i < 20 ? CLASSIFY_TRUNCATED : CLASSIFY_UNSUPPORTED;
	}
	if (i == 0 || i >= 20 || i == n || b[i] != ' ')
		return CLASSIFY_UNSUPPORTED;
	h->method = (struct classify_span){s, i};
	bool known = false;
	for (size_t k = 0; k < sizeof(known_methods) / sizeof(*known_methods); k++)
		if (i == strlen(known_methods[k]) && memcmp(s, known_methods[k], i) == 0)
			known = true;
	size_t t = ++i;
	while (i < n && b[i] != ' ' && b[i] > 0x20 && b[i] < 0x7f)
		i++;
	if (i == n && !complete) {
		/* Only a known method tells HTTP before the line is complete. */
		if (known)
			h->target = (struct classify_span){s + t, i - t};
		else
			h->method = (struct classify_span){NULL, 0};
		return CLASSIFY_TRUNCATED;
	}
	if (i == t || i == n || b[i] != ' ')
		return known ? CLASSIFY_MALFORMED : CLASSIFY_UNSUPPORTED;
	h->target = (struct classify_span){s + t, i - t};
	i++;
	if (!complete) {
		if (!known)
			h->method = (struct classify_span){NULL, 0};
		return CLASSIFY_TRUNCATED;
	}
	if (n - i != 8 || memcmp(b + i, "HTTP/", 5) != 0 || b[i + 6] != '.')
		return known ? CLASSIFY_MALFORMED : CLASSIFY_UNSUPPORTED;
	if (b[i + 5] == '1' && (b[i + 7] == '0' || b[i + 7] == '1'))
		h->version = 10 + (b[i + 7] - '0');
	else if (b[i + 5] == '2' && b[i + 7] == '0' && span_eq(h->method, "PRI"))
		h->version = 20;
	else
		return CLASSIFY_MALFORMED;

	/* The path: origin form as is; absolute form without scheme and authority. */
	struct classify_span p = h->target;
	const char *sep = memchr(p.p, ':', p.len);
	if (p.len && p.p[0] != '/' && sep && sep + 2 < p.p + p.len && sep[1] == '/' &&
	    sep[2] == '/') {
		const char *a = sep + 3, *e = p.p + p.len;
		const char *slash = memchr(a, '/', (size_t)(e - a));
		p = slash ? (struct classify_span){slash, (size_t)(e - slash)}
		          : (struct classify_span){"/", 1};
	}
	h->path = p;
	return CLASSIFY_OK;
}

static void header(struct classify_http_head *h, const char *name, size_t nlen, const char *v,
                   size_t vlen)
{
	struct classify_span n = {name, nlen};

	if (span_eq(n, "host")) {
		/* Drop the port; keep an IPv6 literal's brackets. */
		size_t e = vlen;
		if (vlen && v[0] == '[') {
			const char *rb = memchr(v, ']', vlen);
			e = rb ? (size_t)(rb - v) + 1 : vlen;
		} else {
			const char *colon = memchr(v, ':', vlen);
			if (colon)
				e = (size_t)(colon - v);
		}
		h->host = (struct classify_span){v, e};
	} else if (span_eq(n, "content-type")) {
		h->content_type = (struct classify_span){v, vlen};
	} else if (span_eq(n, "content-length")) {
		int64_t x = 0;
		size_t i = 0;
		for (; i < vlen && v[i] >= '0' && v[i] <= '9' && x < ((int64_t)1 << 50); i++)
			x = x * 10 + (v[i] - '0');
		if (i > 0)
			h->content_length = x;
	} else if (span_eq(n, "transfer-encoding")) {
		if (list_has(v, vlen, "chunked"))
			h->chunked = true;
	} else if (span_eq(n, "upgrade")) {
		if (list_has(v, vlen, "websocket"))
			h->upgrade_websocket = true;
	} else if (span_eq(n, "connection")) {
		if (list_has(v, vlen, "upgrade"))
			h->connection_upgrade = true;
	} else if (span_eq(n, "accept")) {
		if (list_has(v, vlen, "application/json"))
			h->accept_json = true;
		if (list_has(v, vlen, "text/event-stream"))
			h->accept_sse = true;
	} else if (span_eq(n, "mcp-session-id")) {
		h->mcp_session_id = true;
	} else if (span_eq(n, "mcp-protocol-version")) {
		h->mcp_protocol_version = true;
		h->mcp_version = (struct classify_span){v, vlen};
	} else if (span_eq(n, "mcp-method")) {
		h->mcp_method = true;
	} else if (span_eq(n, "mcp-name")) {
		h->mcp_name = true;
	}
}

enum classify_parse classify_http_head(const uint8_t *buf, size_t len, struct classify_http_head *h)
{
	memset(h, 0, sizeof(*h));
	h->content_length = -1;
	if (len == 0)
		return CLASSIFY_TRUNCATED;
	if (len > CLASSIFY_HTTP_MAX_HEAD)
		len = CLASSIFY_HTTP_MAX_HEAD;

	size_t e = line_end(buf, 0, len);
	size_t n = e;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	enum classify_parse r = start_line(buf, n, e < len, h);
	if (r != CLASSIFY_OK)
		return r;
	if (h->version == 20) {
		/* The h2c preface: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"; no headers. */
		h->head_len = e + 1;
		return CLASSIFY_OK;
	}

	size_t off = e + 1;
	while (off < len) {
		e = line_end(buf, off, len);
		if (e == len)
			return CLASSIFY_TRUNCATED;
		n = e;
		if (n > off && buf[n - 1] == '\r')
			n--;
		if (n == off) {
			h->head_len = e + 1;
			return CLASSIFY_OK;
		}
		const char *l = (const char *)buf + off;
		size_t ll = n - off, k = 0;
		while (k < ll && is_tchar((uint8_t)l[k]))
			k++;
		if (k == ll && (l[0] == ' ' || l[0] == '\t')) {
			off = e + 1; /* obsolete line folding: ignore */
			continue;
		}
		if (k == 0 || k == ll || l[k] != ':')
			return CLASSIFY_MALFORMED;
		size_t vs = k + 1, ve = ll;
		while (vs < ve && (l[vs] == ' ' || l[vs] == '\t'))
			vs++;
		while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
			ve--;
		for (size_t i = vs; i < ve; i++)
			if ((uint8_t)l[i] < 0x20 && l[i] != '\t')
				return CLASSIFY_MALFORMED;
		header(h, l, k, l + vs, ve - vs);
		off = e + 1;
	}
	return CLASSIFY_TRUNCATED;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

size_t classify_http_body(const uint8_t *body, size_t len, bool chunked, int64_t content_length,
                          uint8_t *out, size_t cap, bool *complete)
{
	size_t got = 0;

	*complete = false;
	if (!chunked) {
		size_t want = cap;
		if (content_length >= 0 && (uint64_t)content_length < want)
			want = (size_t)content_length;
		got = len < want ? len : want;
		memcpy(out, body, got);
		*complete = got == want;
		return got;
	}
	size_t off = 0;
	while (got < cap) {
		/* chunk-size [; ext] CRLF data CRLF */
		size_t e = line_end(body, off, len);
		if (e == len)
			return got;
		uint64_t size = 0;
		size_t i = off;
		int d;
		while (i < e && (d = hexval(body[i])) >= 0 && size < ((uint64_t)1 << 40))
			size = size * 16 + (uint64_t)d, i++;
		if (i == off) {
			*complete = true; /* broken framing: what we have is all we get */
			return got;
		}
		if (size == 0) {
			*complete = true;
			return got;
		}
		off = e + 1;
		size_t n = len - off;
		if (n > size)
			n = (size_t)size;
		if (n > cap - got)
			n = cap - got;
		memcpy(out + got, body + off, n);
		got += n;
		if (got == cap) {
			*complete = true;
			return got;
		}
		if (n < size)
			return got;
		off += n;
		/* CRLF after the data */
		if (off < len && body[off] == '\r')
			off++;
		if (off < len && body[off] == '\n')
			off++;
		if (off >= len)
			return got;
	}
	*complete = true;
	return got;
}

static const char *const mcp_methods[] = {
    "initialize",
    "ping",
    "server/discover",
    "subscriptions/listen",
};
static const char *const mcp_prefixes[] = {
    "tools/",   "resources/", "prompts/", "notifications/", "completion/",
    "logging/", "sampling/",  "roots/",   "elicitation/",   "tasks/",
};

bool classify_mcp_method(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(mcp_methods) / sizeof(*mcp_methods); i++)
		if (len == strlen(mcp_methods[i]) && memcmp(name, mcp_methods[i], len) == 0)
			return true;
	for (size_t i = 0; i < sizeof(mcp_prefixes) / sizeof(*mcp_prefixes); i++) {
		size_t n = strlen(mcp_prefixes[i]);
		if (len > n && memcmp(name, mcp_prefixes[i], n) == 0)
			return true;
	}
	return false;
}

static size_t skip_ws(const uint8_t *p, size_t i, size_t len)
{
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

/*
 * Finds `"key"` followed by ':' and a string value; returns the value's
 * span.  1 found, 0 not found, -1 the bytes end inside a candidate.
 */
static int find_string_member(const uint8_t *p, size_t len, const char *key,
                              struct classify_span *val)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i + kl + 2 <= len; i++) {
		if (p[i] != '"' || memcmp(p + i + 1, key, kl) != 0 || p[i + 1 + kl] != '"')
			continue;
		size_t j = skip_ws(p, i + kl + 2, len);
		if (j >= len)
			return -1;
		if (p[j] != ':')
			continue;
		j = skip_ws(p, j + 1, len);
		if (j >= len)
			return -1;
		if (p[j] != '"')
			continue;
		size_t s = ++j;
		while (j < len && p[j] != '"' && p[j] != '\\')
			j++;
		if (j >= len)
			return -1;
		*val = (struct classify_span){(const char *)p + s, j - s};
		return 1;
	}
	return 0;
}

enum classify_parse classify_jsonrpc(const uint8_t *body, size_t len, struct classify_jsonrpc *j)
{
	memset(j, 0, sizeof(*j));
	size_t i = skip_ws(body, 0, len);
	if (i == len)
		return CLASSIFY_TRUNCATED;
	if (body[i] != '{' && body[i] != '[')
		return CLASSIFY_UNSUPPORTED;
	struct classify_span v;
	int r = find_string_member(body, len, "jsonrpc", &v);
	if (r <= 0)
		return CLASSIFY_TRUNCATED;
	if (!(v.len == 3 && memcmp(v.p, "2.0", 3) == 0))
		return CLASSIFY_UNSUPPORTED;
	j->jsonrpc = true;
	r = find_string_member(body, len, "method", &v);
	if (r > 0) {
		j->has_method = true;
		j->method = v;
		j->mcp_method = classify_mcp_method(v.p, v.len);
	}
	return r < 0 ? CLASSIFY_TRUNCATED : CLASSIFY_OK;
}

enum classify_parse classify_sse_first(const uint8_t *body, size_t len, struct classify_sse *s)
{
	size_t off = 0;

	memset(s, 0, sizeof(*s));
	s->event = (struct classify_span){"", 0};
	s->data = (struct classify_span){"", 0};
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	bool data_seen = false;
	while (off < len) {
		size_t e = line_end(body, off, len);
		if (e == len)
			return CLASSIFY_TRUNCATED;
		size_t n = e;
		if (n > off && body[n - 1] == '\r')
			n--;
		const char *l = (const char *)body + off;
		size_t ll = n - off;
		off = e + 1;
		for (size_t i = 0; i < ll; i++)
			if ((uint8_t)l[i] < 0x20 && l[i] != '\t')
				return CLASSIFY_MALFORMED;
		if (ll == 0) {
			if (s->has_field)
				return CLASSIFY_OK; /* end of the first event */
			continue;
		}
		if (l[0] == ':')
			continue; /* comment */
		const char *colon = memchr(l, ':', ll);
		size_t nl = colon ? (size_t)(colon - l) : ll;
		size_t vs = colon ? nl + 1 : ll;
		if (vs < ll && l[vs] == ' ')
			vs++;
		s->has_field = true;
		if (nl == 5 && memcmp(l, "event", 5) == 0)
			s->event = (struct classify_span){l + vs, ll - vs};
		else if (nl == 4 && memcmp(l, "data", 4) == 0 && !data_seen) {
			s->data = (struct classify_span){l + vs, ll - vs};
			data_seen = true;
		}
	}
	return CLASSIFY_TRUNCATED;
}
