/*
 * Bounded TCP reassembly for the classifier: keeps the first `limit` bytes
 * of one direction of a stream in sequence order, so parsers see a hello or
 * a head that spans segments.  It is not a general reassembler: bytes past
 * the limit are dropped and only a few out-of-order ranges are held.
 */
#include "classify/parse.h"

#include <stdlib.h>
#include <string.h>

void classify_stream_init(struct classify_stream *s, uint16_t limit)
{
	memset(s, 0, sizeof(*s));
	s->limit = limit;
	s->cut = limit;
}

void classify_stream_release(struct classify_stream *s)
{
	if (!s->lent)
		free(s->buf);
	s->buf = NULL;
	s->alloc = 0;
	s->lent = false;
}

void classify_stream_set_base(struct classify_stream *s, uint32_t seq)
{
	if (!s->have_base) {
		s->base = seq;
		s->have_base = true;
	}
}

bool classify_stream_final(const struct classify_stream *s)
{
	return s->contig >= s->cut || s->contig >= s->limit || (s->fin && s->contig >= s->fin_off);
}

static int reserve(struct classify_stream *s, size_t n)
{
	if (n <= s->alloc)
		return 0;
	size_t a = s->alloc ? s->alloc : 512;
	while (a < n)
		a *= 2;
	if (a > s->limit)
		a = s->limit;
	uint8_t *b = realloc(s->buf, a);
	if (!b)
		return -1;
	s->buf = b;
	s->alloc = (uint16_t)a;
	return 0;
}

/* Moves held ranges that now touch the contiguous prefix into it. */
static void absorb(struct classify_stream *s)
{
	bool again = true;
	while (again) {
		again = false;
		for (uint8_t i = 0; i < s->nheld; i++) {
			if (s->held[i].lo > s->contig)
				continue;
			if (s->held[i].hi > s->contig)
				s->contig = s->held[i].hi;
			s->held[i] = s->held[--s->nheld];
			again = true;
			break;
		}
	}
}

static bool hold(struct classify_stream *s, uint16_t lo, uint16_t hi)
{
	for (uint8_t i = 0; i < s->nheld; i++) {
		if (hi < s->held[i].lo || lo > s->held[i].hi)
			continue;
		/* Overlaps or touches: merge. */
		if (lo < s->held[i].lo)
			s->held[i].lo = lo;
		if (hi > s->held[i].hi)
			s->held[i].hi = hi;
		return true;
	}
	if (s->nheld == CLASSIFY_REASM_HOLES)
		return false;
	s->held[s->nheld].lo = lo;
	s->held[s->nheld].hi = hi;
	s->nheld++;
	return true;
}

int classify_stream_keep(struct classify_stream *s)
{
	if (!s->lent)
		return 0;
	const uint8_t *seg = s->buf;
	s->buf = NULL;
	s->lent = false;
	if (reserve(s, s->contig)) {
		s->contig = 0;
		return -1;
	}
	memcpy(s->buf, seg, s->contig);
	return 0;
}

static int add(struct classify_stream *s, uint32_t seq, const uint8_t *data, size_t caplen,
               size_t len, bool fin, bool lend)
{
	if (s->lent && classify_stream_keep(s))
		return -1;
	if (caplen > len)
		caplen = len;
	if (!s->have_base) {
		if (len == 0 && !fin)
			return 0;
		classify_stream_set_base(s, seq);
	}
	int64_t off = (int32_t)(seq - s->base);
	if (fin && !s->fin && off + (int64_t)len >= 0) {
		s->fin = true;
		s->fin_off = (uint32_t)(off + (int64_t)len);
	}
	if (len == 0)
		return 0;
	int64_t end = off + (int64_t)caplen;
	if (off + (int64_t)len > s->limit)
		s->overflow = s->overflow || off >= s->limit;
	if (caplen < len && end < s->cut && end >= 0)
		s->cut = (uint16_t)(end < s->limit ? end : s->limit);
	if (end > s->limit)
		end = s->limit;
	/* Skip what is already contiguous (duplicates, retransmissions). */
	int64_t lo = off < s->contig ? s->contig : off;
	if (lo >= end)
		return 0;
	if (lo > s->contig && s->nheld == CLASSIFY_REASM_HOLES) {
		/* Only merge into an existing range; a new one would not fit. */
		bool fits = false;
		for (uint8_t i = 0; i < s->nheld; i++)
			if (!(end < s->held[i].lo || lo > s->held[i].hi))
				fits = true;
		if (!fits)
			return 0;
	}
	if (lend && !s->buf && lo == 0) {
		/* The first bytes, in order (so nothing is held): point at them. */
		s->buf = (uint8_t *)(uintptr_t)(data - off);
		s->lent = true;
		s->contig = (uint16_t)end;
		return 0;
	}
	if (reserve(s, (size_t)end))
		return -1;
	memcpy(s->buf + lo, data + (lo - off), (size_t)(end - lo));
	if (lo == s->contig) {
		s->contig = (uint16_t)end;
		absorb(s);
	} else {
		hold(s, (uint16_t)lo, (uint16_t)end);
	}
	return 0;
}

int classify_stream_add(struct classify_stream *s, uint32_t seq, const uint8_t *data, size_t caplen,
                        size_t len, bool fin)
{
	return add(s, seq, data, caplen, len, fin, false);
}

int classify_stream_lend(struct classify_stream *s, uint32_t seq, const uint8_t *data,
                         size_t caplen, size_t len, bool fin)
{
	return add(s, seq, data, caplen, len, fin, true);
}
