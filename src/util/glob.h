/*
 * Case-insensitive shell-style globbing ('*' and '?') for host names, as used
 * by the `sni=` and `host=` rule terms.
 */
#ifndef COSTS_UTIL_GLOB_H
#define COSTS_UTIL_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Matches the whole of text (len bytes, need not be NUL-terminated). */
bool glob_match_ci(const char *pattern, const char *text, size_t len);

#endif
