/*
 * Iterative glob matcher with single backtracking point: linear in practice
 * and never recursive, so hostile patterns cannot blow the stack.
 */
#include "util/glob.h"

/* ASCII case folding, as tolower in the C locale, without a call per byte. */
static inline unsigned char fold(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch | 0x20) : ch;
}

bool glob_match_ci(const char *p, const char *t, size_t len)
{
	const char *star = NULL;
	size_t i = 0, mark = 0;

	/* Backtracking costs len x strlen(p) at worst: hostile lengths never match. */
	if (len > GLOB_MAX_TEXT)
		return false;
	while (i < len) {
		if (*p == '*') {
			star = ++p;
			mark = i;
		} else if (*p &&
		           (*p == '?' || fold((unsigned char)*p) == fold((unsigned char)t[i]))) {
			p++;
			i++;
		} else if (star) {
			p = star;
			i = ++mark;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}
