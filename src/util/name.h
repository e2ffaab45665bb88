/*
 * Names that become identifiers: services (config), hosts (config, import)
 * and plans (provider tables).  They end up in CSV cells, JSON, gnuplot data
 * files, SQL keys and on terminals, so they are restricted to a small safe
 * alphabet: letters, digits, '.', '_', '-' (and '/' in plan names), never
 * starting with '-' (nor '+', '=', '@', which are not allowed at all), so
 * that no name can be a spreadsheet formula or a terminal escape.  Also a
 * UTF-8 validator for the text files costs reads.
 */
#ifndef COSTS_UTIL_NAME_H
#define COSTS_UTIL_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

enum util_name_kind {
	UTIL_NAME_SERVICE, /* a letter first; at most 64 characters */
	UTIL_NAME_HOST,    /* a letter or digit first; at most 253 characters */
	UTIL_NAME_PLAN,    /* a letter or digit first, '/' allowed; at most 64 characters */
};

/* The longest name of each kind, in bytes. */
#define UTIL_NAME_SERVICE_MAX 64
#define UTIL_NAME_HOST_MAX    253
#define UTIL_NAME_PLAN_MAX    64

/*
 * Checks that name is a valid name of the given kind.  Returns 0, or -1 with
 * e set to "bad KIND name 'VALUE' (the rule)", where VALUE is the name with
 * any byte outside printable ASCII, the quote and the backslash written as
 * \xNN (so the message itself is safe on a terminal), cut after 80 bytes.
 * The caller prefixes the place (file:line).
 */
int util_name_check(enum util_name_kind kind, const char *name, struct err *e);

/* True when name is a valid name of the given kind (util_name_check without a message). */
bool util_name_valid(enum util_name_kind kind, const char *name);

/*
 * True when the n bytes at s are valid UTF-8: no overlong forms, no
 * surrogates, nothing past U+10FFFF, no truncated sequence.  NUL bytes are
 * valid UTF-8; callers that refuse them check separately.
 */
bool util_utf8_valid(const char *s, size_t n);

#endif
