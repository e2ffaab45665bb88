/*
 * A bounds-checked reader over packet bytes with two limits: `end`, where
 * the structure being read says it ends, and `avail`, where the captured
 * bytes stop.  Reading past `end` marks the cursor malformed; reading past
 * `avail` (but not `end`) marks it truncated.  Errors are sticky, reads
 * after an error return zeros, so parsers check the state once per step.
 */
#ifndef COSTS_CLASSIFY_CURSOR_H
#define COSTS_CLASSIFY_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum cur_state {
	CUR_OK,
	CUR_TRUNCATED,
	CUR_MALFORMED,
};

struct cur {
	const uint8_t *p;
	size_t off, end, avail; /* avail <= end */
	enum cur_state st;
};

static inline void cur_init(struct cur *c, const uint8_t *p, size_t avail, size_t end)
{
	c->p = p;
	c->off = 0;
	c->end = end;
	c->avail = avail < end ? avail : end;
	c->st = CUR_OK;
}

/* True when n more bytes can be read; otherwise records why not. */
static inline bool cur_need(struct cur *c, size_t n)
{
	if (c->st != CUR_OK)
		return false;
	if (n > c->end - c->off) {
		c->st = CUR_MALFORMED;
		return false;
	}
	if (n > c->avail - c->off) {
		c->st = CUR_TRUNCATED;
		return false;
	}
	return true;
}

static inline size_t cur_left(const struct cur *c)
{
	return c->end - c->off;
}

static inline uint8_t cur_u8(struct cur *c)
{
	if (!cur_need(c, 1))
		return 0;
	return c->p[c->off++];
}

static inline uint16_t cur_u16(struct cur *c)
{
	if (!cur_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)(c->p[c->off] << 8 | c->p[c->off + 1]);
	c->off += 2;
	return v;
}

static inline uint32_t cur_u24(struct cur *c)
{
	if (!cur_need(c, 3))
		return 0;
	uint32_t v =
	    (uint32_t)c->p[c->off] << 16 | (uint32_t)c->p[c->off + 1] << 8 | c->p[c->off + 2];
	c->off += 3;
	return v;
}

static inline uint32_t cur_u32(struct cur *c)
{
	if (!cur_need(c, 4))
		return 0;
	uint32_t v = (uint32_t)c->p[c->off] << 24 | (uint32_t)c->p[c->off + 1] << 16 |
	             (uint32_t)c->p[c->off + 2] << 8 | c->p[c->off + 3];
	c->off += 4;
	return v;
}

/* Returns a pointer to the next n bytes and skips them, or NULL. */
static inline const uint8_t *cur_bytes(struct cur *c, size_t n)
{
	if (!cur_need(c, n))
		return NULL;
	const uint8_t *r = c->p + c->off;
	c->off += n;
	return r;
}

/*
 * Starts a sub-cursor over the next n bytes (a length-prefixed field) and
 * skips them in c.  A length beyond c's end is malformed; a field that runs
 * past the captured bytes gives a sub-cursor whose reads truncate.
 */
static inline void cur_sub(struct cur *c, size_t n, struct cur *sub)
{
	sub->p = c->p + (c->st == CUR_OK ? c->off : 0);
	sub->off = 0;
	sub->end = 0;
	sub->avail = 0;
	sub->st = c->st;
	if (c->st != CUR_OK)
		return;
	if (n > c->end - c->off) {
		c->st = sub->st = CUR_MALFORMED;
		return;
	}
	sub->end = n;
	sub->avail = c->avail - c->off < n ? c->avail - c->off : n;
	c->off += n; /* may pass avail: the next read in c then truncates */
	if (c->off > c->avail)
		c->st = CUR_TRUNCATED;
}

#endif
