/*
 * QUIC long-header recognition: IETF QUIC v1 and v2 (and drafts), version
 * negotiation, and Google QUIC in both its IETF-style and its older public
 * header.  It reads only the invariant header; it does not decrypt Initial
 * packets, so no server name comes out of QUIC.
 */
#include "classify/cursor.h"
#include "classify/parse.h"

#include <string.h>

static bool gquic_version(uint32_t v)
{
	uint8_t a = (uint8_t)(v >> 24), b = (uint8_t)(v >> 16), c = (uint8_t)(v >> 8),
	        d = (uint8_t)v;
	return (a == 'Q' || a == 'T') && b == '0' && c >= '0' && c <= '9' && d >= '0' && d <= '9';
}

enum classify_parse classify_quic_long(const uint8_t *p, size_t len, struct classify_quic *q)
{
	struct cur c;

	memset(q, 0, sizeof(*q));
	cur_init(&c, p, len, len);
	uint8_t first = cur_u8(&c);
	if (c.st != CUR_OK)
		return CLASSIFY_TRUNCATED;

	if (!(first & 0x80)) {
		/* gQUIC public header (Q043 and older): flags, 8-byte CID, version. */
		if ((first & 0x09) != 0x09 || (first & 0x80) || len < 13)
			return CLASSIFY_UNSUPPORTED;
		cur_bytes(&c, 8);
		uint32_t v = cur_u32(&c);
		if (c.st != CUR_OK || !gquic_version(v))
			return CLASSIFY_UNSUPPORTED;
		q->kind = CLASSIFY_QUIC_GQUIC;
		q->version = v;
		q->dcid_len = 8;
		return CLASSIFY_OK;
	}

	uint32_t v = cur_u32(&c);
	if (c.st != CUR_OK)
		return CLASSIFY_TRUNCATED;
	if (v == 0x00000001)
		q->kind = CLASSIFY_QUIC_V1;
	else if (v == 0x6b3343cf)
		q->kind = CLASSIFY_QUIC_V2;
	else if ((v & 0xffffff00) == 0xff000000)
		q->kind = CLASSIFY_QUIC_DRAFT;
	else if (v == 0)
		q->kind = CLASSIFY_QUIC_NEGOTIATION;
	else if (gquic_version(v))
		q->kind = CLASSIFY_QUIC_GQUIC;
	else
		return CLASSIFY_UNSUPPORTED;
	q->version = v;
	/* v1/v2 packets set the fixed bit; version negotiation may not. */
	if (q->kind != CLASSIFY_QUIC_NEGOTIATION && q->kind != CLASSIFY_QUIC_GQUIC &&
	    !(first & 0x40))
		return CLASSIFY_UNSUPPORTED;

	if (q->kind == CLASSIFY_QUIC_GQUIC && v < 0x51303436 && (v >> 24) == 'Q') {
		/* Q044/Q045: one byte of CID lengths (4 bits each, +3 when non-zero). */
		uint8_t l = cur_u8(&c);
		if (c.st != CUR_OK)
			return CLASSIFY_TRUNCATED;
		q->dcid_len = (uint8_t)((l >> 4) ? (l >> 4) + 3 : 0);
		q->scid_len = (uint8_t)((l & 15) ? (l & 15) + 3 : 0);
		cur_bytes(&c, (size_t)q->dcid_len + q->scid_len);
		return c.st == CUR_OK ? CLASSIFY_OK : CLASSIFY_TRUNCATED;
	}
	q->dcid_len = cur_u8(&c);
	cur_bytes(&c, q->dcid_len);
	q->scid_len = cur_u8(&c);
	cur_bytes(&c, q->scid_len);
	if (c.st != CUR_OK)
		return CLASSIFY_TRUNCATED;
	if ((q->kind == CLASSIFY_QUIC_V1 || q->kind == CLASSIFY_QUIC_V2) &&
	    (q->dcid_len > 20 || q->scid_len > 20))
		return CLASSIFY_MALFORMED;
	if (q->kind == CLASSIFY_QUIC_NEGOTIATION && (cur_left(&c) < 4 || cur_left(&c) % 4))
		return CLASSIFY_MALFORMED; /* a list of 32-bit versions follows */
	return CLASSIFY_OK;
}
