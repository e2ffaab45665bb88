/*
 * The name index: which of a set of case-insensitive globs (the `sni=` or
 * the `host=` patterns of the rules) match a name, without trying each.
 * Patterns without wildcards and patterns that are '*' followed by a
 * literal (`*.example.com`) go into one hash table.  A name is looked up
 * only at the lengths some such pattern has: whole, and by each suffix as
 * long as a suffix literal.  The hash of a span reads its first and last
 * eight bytes and its length, two independent multiplies, so a probe costs
 * the same whatever the span's length; a hit is confirmed with memcmp.
 * The rest are matched one by one: '*' then a literal then '*' by memmem,
 * others with glob_match_ci once the name has the pattern's literal head
 * and tail and its length.  ASCII case folding, as the matcher's in the C
 * locale.
 */
#include "classify/internal.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "util/glob.h"

enum { KIND_EXACT = 1, KIND_SUFFIX = 2 };

struct name_slot {
	uint32_t hash;
	uint32_t id;
	uint16_t len;
	uint8_t kind; /* 0: empty slot */
	const char *lit;
};

static inline unsigned char fold(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch | 0x20) : ch;
}

static inline uint64_t load64(const char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

/*
 * The hash of s[0..n).  A span shorter than eight bytes is read from
 * s + n - 8, so the eight bytes before s must be readable; the bytes
 * outside the span are shifted out.
 */
static inline uint32_t span_hash(const char *s, size_t n)
{
	uint64_t a = 0, b = 0;
	if (n >= 8) {
		a = load64(s);
		b = load64(s + n - 8);
	} else if (n) {
		a = b = load64(s + n - 8) >> (64 - 8 * n);
	}
	uint64_t h = a * 0x9e3779b97f4a7c15u ^ (b ^ n) * 0xc2b2ae3d27d4eb4fu;
	return (uint32_t)(h >> 32 ^ h);
}

/* ASCII upper case to lower, eight bytes at a time. */
static inline uint64_t fold8(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t low7 = v & ~high;
	uint64_t ge_a = low7 + (0x80 - 'A') * ones; /* high bit: byte >= 'A' */
	uint64_t gt_z = low7 + (0x7f - 'Z') * ones; /* high bit: byte > 'Z' */
	return v | (ge_a & ~gt_z & ~v & high) >> 2;
}

static inline uint32_t slot_of(uint32_t h, size_t len, uint32_t mask)
{
	return ((h ^ (uint32_t)len) * 2654435761u) >> 7 & mask;
}

static bool literal(const char *s)
{
	return !strpbrk(s, "*?");
}

int classify_names_add(struct name_index *ix, const char *pattern, uint32_t *id)
{
	for (size_t i = 0; i < ix->npats; i++)
		if (strcmp(ix->pats[i], pattern) == 0) {
			*id = (uint32_t)i;
			return 0;
		}
	char **p = realloc(ix->pats, (ix->npats + 1) * sizeof(*p));
	if (!p)
		return -1;
	ix->pats = p;
	if (!(p[ix->npats] = strdup(pattern)))
		return -1;
	for (char *q = p[ix->npats]; *q; q++)
		*q = (char)fold((unsigned char)*q);
	*id = (uint32_t)ix->npats++;
	return 0;
}

static void slot_put(struct name_index *ix, const char *lit, size_t len, uint8_t kind, uint32_t id)
{
	char pad[8 + NAME_MAX_FOLD] = {0};
	memcpy(pad + 8, lit, len);
	uint32_t h = span_hash(pad + 8, len);
	uint32_t s = slot_of(h, len, ix->mask);
	while (ix->slots[s].kind)
		s = (s + 1) & ix->mask;
	ix->slots[s] = (struct name_slot){h, id, (uint16_t)len, kind, lit};
	if (kind == KIND_SUFFIX)
		ix->suffix_lens[len / 64] |= 1ull << (len % 64);
	else
		ix->exact_lens[len / 64] |= 1ull << (len % 64);
}

static struct name_linear linear_of(const char *p, uint32_t id)
{
	size_t len = strlen(p), first = strcspn(p, "*?"), last = len, stars = 0;
	while (last > 0 && p[last - 1] != '*' && p[last - 1] != '?')
		last--;
	for (size_t i = 0; i < len; i++)
		stars += p[i] == '*';
	bool inner = len > 2 && p[0] == '*' && p[len - 1] == '*' && strcspn(p + 1, "*?") == len - 2;
	return (struct name_linear){id, first, len - last, len - stars, len, stars > 0, inner};
}

int classify_names_build(struct name_index *ix)
{
	size_t nslots = 16, nhashed = 0;

	for (size_t i = 0; i < ix->npats; i++) {
		const char *p = ix->pats[i];
		nhashed += literal(p) || (p[0] == '*' && p[1] && literal(p + 1));
	}
	while (nslots < 2 * nhashed)
		nslots *= 2;
	ix->slots = calloc(nslots, sizeof(*ix->slots));
	ix->linear = malloc((ix->npats ? ix->npats : 1) * sizeof(*ix->linear));
	ix->words = (ix->npats + 63) / 64;
	ix->bits = calloc(ix->words ? ix->words : 1, sizeof(*ix->bits));
	if (!ix->slots || !ix->linear || !ix->bits)
		return -1;
	ix->mask = (uint32_t)nslots - 1;
	for (size_t i = 0; i < ix->npats; i++) {
		const char *p = ix->pats[i];
		size_t len = strlen(p);
		if (literal(p) && len <= NAME_MAX_FOLD)
			slot_put(ix, p, len, KIND_EXACT, (uint32_t)i);
		else if (p[0] == '*' && p[1] && literal(p + 1) && len - 1 < NAME_SUFFIX_LENS)
			slot_put(ix, p + 1, len - 1, KIND_SUFFIX, (uint32_t)i);
		else
			ix->linear[ix->nlinear++] = linear_of(p, (uint32_t)i);
	}
	return 0;
}

void classify_names_free(struct name_index *ix)
{
	for (size_t i = 0; i < ix->npats; i++)
		free(ix->pats[i]);
	free(ix->pats);
	free(ix->slots);
	free(ix->linear);
	free(ix->bits);
	memset(ix, 0, sizeof(*ix));
}

static void probe(struct name_index *ix, uint32_t h, const char *s, size_t len, bool whole)
{
	for (uint32_t k = slot_of(h, len, ix->mask);; k = (k + 1) & ix->mask) {
		const struct name_slot *e = &ix->slots[k];
		if (!e->kind)
			return;
		if (e->hash == h && e->len == len && (whole || e->kind == KIND_SUFFIX) &&
		    memcmp(e->lit, s, len) == 0)
			ix->bits[e->id / 64] |= 1ull << (e->id % 64);
	}
}

const uint64_t *classify_names_match(struct name_index *ix, const char *name, size_t len)
{
	char pad[8 + NAME_MAX_FOLD + 8];
	char *buf = pad + 8; /* span_hash may read the eight bytes before */

	memset(ix->bits, 0, ix->words * sizeof(*ix->bits));
	/* Longer than any name in DNS: no rule matches it (as glob_match_ci). */
	if (len > GLOB_MAX_TEXT || len > NAME_MAX_FOLD)
		return ix->bits;
	memset(pad, 0, 8);
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, name + i, sizeof(v));
		v = fold8(v);
		memcpy(buf + i, &v, sizeof(v));
	}
	for (; i < len; i++)
		buf[i] = (char)fold((unsigned char)name[i]);
	if (ix->mask) {
		bool whole = ix->exact_lens[len / 64] >> (len % 64) & 1;
		/* Each suffix as long as a suffix literal, the name itself last. */
		for (size_t w = 0; w < NAME_SUFFIX_LENS / 64 && w * 64 <= len; w++) {
			uint64_t lens = ix->suffix_lens[w];
			if (len - w * 64 < 63)
				lens &= (2ull << (len - w * 64)) - 1;
			for (; lens; lens &= lens - 1) {
				size_t n = w * 64 + (size_t)__builtin_ctzll(lens);
				if (n == len)
					whole = true;
				else
					probe(ix, span_hash(buf + len - n, n), buf + len - n, n,
					      false);
			}
		}
		if (whole)
			probe(ix, span_hash(buf, len), buf, len, true);
	}
	for (size_t k = 0; k < ix->nlinear; k++) {
		const struct name_linear *l = &ix->linear[k];
		const char *p = ix->pats[l->id];
		bool match;
		if (len < l->min)
			continue;
		if (l->inner) {
			match = memmem(buf, len, p + 1, l->len - 2) != NULL;
		} else {
			/* The length, head and tail checks first, in that order: within buf. */
			match = (l->star || len == l->min) && memcmp(p, buf, l->head) == 0 &&
			        memcmp(p + l->len - l->tail, buf + len - l->tail, l->tail) == 0 &&
			        glob_match_ci(p, buf, len);
		}
		if (match)
			ix->bits[l->id / 64] |= 1ull << (l->id % 64);
	}
	return ix->bits;
}
