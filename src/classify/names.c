/*
 * The name index: which of a set of case-insensitive globs (the `sni=` or
 * the `host=` patterns of the rules) match a name, without trying each.
 * Patterns without wildcards and patterns that are '*' followed by a
 * literal (`*.example.com`) go into one hash table keyed by a hash computed
 * from the end of the string, so every suffix of the name costs one more
 * multiply and, at the lengths some pattern has, one probe.  The rest are
 * matched one by one with glob_match_ci, once the name has the pattern's
 * literal head and tail and its length.  ASCII case folding, as the
 * matcher's in the C locale.
 */
#include "classify/internal.h"

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

/* The hash of s[i..n) is step(hash of s[i+1..n), s[i]); that of "" is 0. */
static inline uint32_t hstep(uint32_t h, unsigned char ch)
{
	return (h ^ ch) * 16777619u + 0x9e3779b9u;
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
	uint32_t h = 0;
	for (size_t i = len; i-- > 0;)
		h = hstep(h, (unsigned char)lit[i]);
	uint32_t s = slot_of(h, len, ix->mask);
	while (ix->slots[s].kind)
		s = (s + 1) & ix->mask;
	ix->slots[s] = (struct name_slot){h, id, (uint16_t)len, kind, lit};
	if (kind == KIND_SUFFIX) {
		ix->suffix_lens[len / 64] |= 1ull << (len % 64);
		if (len > ix->suffix_max)
			ix->suffix_max = len;
	} else {
		ix->exact_lens[len / 64] |= 1ull << (len % 64);
	}
}

static struct name_linear linear_of(const char *p, uint32_t id)
{
	size_t len = strlen(p), first = strcspn(p, "*?"), last = len, stars = 0;
	while (last > 0 && p[last - 1] != '*' && p[last - 1] != '?')
		last--;
	for (size_t i = 0; i < len; i++)
		stars += p[i] == '*';
	return (struct name_linear){id, first, len - last, len - stars, len, stars > 0};
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
	char buf[NAME_MAX_FOLD];

	memset(ix->bits, 0, ix->words * sizeof(*ix->bits));
	/* Longer than any name in DNS: no rule matches it (as glob_match_ci). */
	if (len > GLOB_MAX_TEXT || len > NAME_MAX_FOLD)
		return ix->bits;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)fold((unsigned char)name[i]);
	if (ix->mask) {
		/*
		 * Hashed from the end only as far as some pattern reaches: the
		 * longest suffix literal, or the whole name if an exact name
		 * has its length.
		 */
		bool whole = ix->exact_lens[len / 64] >> (len % 64) & 1;
		size_t stop = whole || len <= ix->suffix_max ? 0 : len - ix->suffix_max;
		uint32_t h = 0;
		for (size_t i = len; i-- > stop;) {
			h = hstep(h, (unsigned char)buf[i]);
			size_t n = len - i;
			if ((n < NAME_SUFFIX_LENS && (ix->suffix_lens[n / 64] >> (n % 64) & 1)) ||
			    (i == 0 && whole))
				probe(ix, h, buf + i, n, i == 0);
		}
	}
	for (size_t i = 0; i < ix->nlinear; i++) {
		const struct name_linear *l = &ix->linear[i];
		const char *p = ix->pats[l->id];
		/* The head, tail and length checks come first, in that order: within buf. */
		if (len < l->min || (!l->star && len != l->min) || memcmp(p, buf, l->head) != 0 ||
		    memcmp(p + l->len - l->tail, buf + len - l->tail, l->tail) != 0 ||
		    !glob_match_ci(p, buf, len))
			continue;
		ix->bits[l->id / 64] |= 1ull << (l->id % 64);
	}
	return ix->bits;
}
