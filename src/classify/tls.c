/*
 * TLS ClientHello parser: joins the handshake fragments of the records at
 * the start of a client stream and reads the server name, ALPN and
 * supported_versions extensions.  It does not decrypt anything (ECH hides
 * the inner hello; we report the outer name) and reads no other message.
 */
#include "classify/cursor.h"
#include "classify/parse.h"

#include <string.h>

const char *classify_parse_name(enum classify_parse s)
{
	switch (s) {
	case CLASSIFY_OK:
		return "ok";
	case CLASSIFY_TRUNCATED:
		return "truncated";
	case CLASSIFY_MALFORMED:
		return "malformed";
	case CLASSIFY_UNSUPPORTED:
		return "unsupported";
	}
	return "?";
}

static enum classify_parse from_cur(const struct cur *c)
{
	return c->st == CUR_TRUNCATED ? CLASSIFY_TRUNCATED : CLASSIFY_MALFORMED;
}

enum {
	EXT_SERVER_NAME = 0x0000,
	EXT_ALPN = 0x0010,
	EXT_SUPPORTED_VERSIONS = 0x002b,
	EXT_ECH = 0xfe0d,
};

static enum classify_parse parse_sni(struct cur *c, struct classify_tls_hello *h)
{
	struct cur list;
	cur_sub(c, cur_u16(c), &list);
	while (list.st == CUR_OK && list.off < list.end) {
		uint8_t type = cur_u8(&list);
		uint16_t n = cur_u16(&list);
		const uint8_t *name = cur_bytes(&list, n);
		if (!name)
			break;
		if (type != 0 || h->has_sni)
			continue;
		if (n == 0 || n > 255)
			return CLASSIFY_MALFORMED;
		for (size_t i = 0; i < n; i++)
			if (name[i] <= 0x20 || name[i] >= 0x7f)
				return CLASSIFY_MALFORMED;
		memcpy(h->sni, name, n);
		h->sni[n] = '\0';
		h->sni_len = (uint8_t)n;
		h->has_sni = true;
	}
	if (c->st != CUR_OK)
		return from_cur(c);
	return list.st == CUR_OK ? CLASSIFY_OK : from_cur(&list);
}

static enum classify_parse parse_alpn(struct cur *c, struct classify_tls_hello *h)
{
	struct cur list;
	cur_sub(c, cur_u16(c), &list);
	while (list.st == CUR_OK && list.off < list.end) {
		uint8_t n = cur_u8(&list);
		const uint8_t *name = cur_bytes(&list, n);
		if (!name)
			break;
		if (n == 0)
			return CLASSIFY_MALFORMED;
		if (n < sizeof(h->alpn[0]) && h->nalpn < CLASSIFY_TLS_MAX_ALPN) {
			memcpy(h->alpn[h->nalpn], name, n);
			h->alpn[h->nalpn][n] = '\0';
			h->nalpn++;
		}
	}
	if (c->st != CUR_OK)
		return from_cur(c);
	return list.st == CUR_OK ? CLASSIFY_OK : from_cur(&list);
}

static enum classify_parse parse_versions(struct cur *c, struct classify_tls_hello *h)
{
	struct cur list;
	cur_sub(c, cur_u8(c), &list);
	if (list.end % 2)
		return CLASSIFY_MALFORMED;
	while (list.st == CUR_OK && list.off < list.end) {
		uint16_t v = cur_u16(&list);
		if (list.st == CUR_OK && h->nversions < CLASSIFY_TLS_MAX_VERSIONS)
			h->versions[h->nversions++] = v;
	}
	if (c->st != CUR_OK)
		return from_cur(c);
	return list.st == CUR_OK ? CLASSIFY_OK : from_cur(&list);
}

/* Reads the ClientHello body (after the 4-byte handshake header). */
static enum classify_parse parse_hello(struct cur *c, struct classify_tls_hello *h)
{
	h->legacy_version = cur_u16(c);
	cur_bytes(c, 32); /* random */
	uint8_t sid = cur_u8(c);
	if (c->st == CUR_OK && sid > 32)
		return CLASSIFY_MALFORMED;
	cur_bytes(c, sid);
	uint16_t suites = cur_u16(c);
	if (c->st == CUR_OK && (suites % 2 || suites == 0))
		return CLASSIFY_MALFORMED;
	cur_bytes(c, suites);
	uint8_t comp = cur_u8(c);
	if (c->st == CUR_OK && comp == 0)
		return CLASSIFY_MALFORMED;
	cur_bytes(c, comp);
	if (c->st != CUR_OK)
		return from_cur(c);
	if (c->off == c->end)
		return CLASSIFY_OK; /* no extensions (SSL 3.0 style) */

	struct cur exts;
	cur_sub(c, cur_u16(c), &exts);
	if (c->st == CUR_MALFORMED || exts.st == CUR_MALFORMED)
		return CLASSIFY_MALFORMED;
	if (c->st == CUR_OK && c->off != c->end)
		return CLASSIFY_MALFORMED; /* bytes after the extensions */
	while (exts.st == CUR_OK && exts.off < exts.end) {
		uint16_t type = cur_u16(&exts);
		struct cur ext;
		cur_sub(&exts, cur_u16(&exts), &ext);
		if (ext.st == CUR_MALFORMED || exts.st == CUR_MALFORMED)
			return CLASSIFY_MALFORMED;
		if (exts.st != CUR_OK && ext.st != CUR_OK)
			break;
		enum classify_parse r = CLASSIFY_OK;
		switch (type) {
		case EXT_SERVER_NAME:
			if (ext.end > 0)
				r = parse_sni(&ext, h);
			break;
		case EXT_ALPN:
			r = parse_alpn(&ext, h);
			break;
		case EXT_SUPPORTED_VERSIONS:
			r = parse_versions(&ext, h);
			break;
		case EXT_ECH:
			h->has_ech = true;
			break;
		default:
			break;
		}
		if (r != CLASSIFY_OK)
			return r;
		if (exts.st != CUR_OK)
			break;
	}
	if (exts.st != CUR_OK)
		return from_cur(&exts);
	return c->st == CUR_OK ? CLASSIFY_OK : from_cur(c);
}

enum classify_parse classify_tls_hello(const uint8_t *buf, size_t len, struct classify_tls_hello *h)
{
	uint8_t hs[CLASSIFY_TLS_MAX_HELLO];
	const uint8_t *p = hs; /* the handshake: read in place while the first record holds it */
	size_t have = 0, want = 0, off = 0;
	bool cut = false;

	memset(h, 0, sizeof(*h));
	if (len < 1 || buf[0] != 0x16)
		return CLASSIFY_UNSUPPORTED;
	if (len >= 2 && buf[1] != 0x03)
		return CLASSIFY_UNSUPPORTED; /* SSL 2 or not TLS */

	/*
	 * Join record fragments until the declared handshake length is in.  The
	 * first record's bytes are copied only when a second record is needed.
	 */
	while (!cut) {
		if (len - off < 5) {
			cut = true;
			break;
		}
		if (buf[off] != 0x16 || buf[off + 1] != 0x03)
			return have ? CLASSIFY_MALFORMED : CLASSIFY_UNSUPPORTED;
		size_t rlen = (size_t)buf[off + 3] << 8 | buf[off + 4];
		if (rlen == 0 || rlen > 16384 + 2048)
			return CLASSIFY_MALFORMED;
		off += 5;
		size_t n = len - off < rlen ? len - off : rlen;
		if (n < rlen)
			cut = true;
		if (n > sizeof(hs) - have)
			n = sizeof(hs) - have, cut = true;
		if (have == 0) {
			p = buf + off;
		} else {
			if (p != hs) {
				memcpy(hs, p, have);
				p = hs;
			}
			memcpy(hs + have, buf + off, n);
		}
		have += n;
		off += n;
		if (have >= 4) {
			if (p[0] != 0x01)
				return CLASSIFY_UNSUPPORTED; /* not a ClientHello */
			want = 4 + ((size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]);
			if (have >= want)
				break;
		}
	}
	if (have >= 1 && p[0] != 0x01)
		return CLASSIFY_UNSUPPORTED;
	if (have < 4)
		return CLASSIFY_TRUNCATED;
	h->hello_len = (uint32_t)(want - 4);

	struct cur c;
	cur_init(&c, p, have, want);
	cur_bytes(&c, 4);
	enum classify_parse r = parse_hello(&c, h);
	if (r == CLASSIFY_OK && have < want)
		r = CLASSIFY_TRUNCATED;
	return r;
}
