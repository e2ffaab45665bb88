/*
 * Case-insensitive shell-style globbing ('*' and '?') for host names, as used
 * by the `sni=` and `host=` rule terms.
 */
#ifndef COSTS_UTIL_GLOB_H
#define COSTS_UTIL_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The longest text that can match.  A DNS name has at most 253 characters;
 * a Host header or SNI longer than this never matches, which bounds the
 * cost of a match at GLOB_MAX_TEXT times the pattern's length (the config
 * caps patterns at the same length).
 */
#define GLOB_MAX_TEXT 255

/*
 * Matches the whole of text (len bytes, need not be NUL-terminated).  Text
 * longer than GLOB_MAX_TEXT never matches, whatever the pattern.
 */
bool glob_match_ci(const char *pattern, const char *text, size_t len);

#endif
