/*
 * RFC 4180 CSV through libcsv: a reader that hands each row to a callback
 * with the line it started on, and a writer that quotes a field only when it
 * holds a comma, quote, CR or LF (so plain numbers stay plain).
 */
#ifndef COSTS_UTIL_CSVIO_H
#define COSTS_UTIL_CSVIO_H

#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

/*
 * Called once per row, header included.  fields[i] are NUL-terminated copies
 * owned by the reader and valid only during the call.  Return 0 to go on or
 * -1 with e set to stop; the reader then prefixes "name:line: ".
 */
typedef int (*csvio_row_fn)(void *ctx, size_t line, char **fields, size_t nfields, struct err *e);

/*
 * Reads all of f (named `name` in messages) strictly: an unterminated quote,
 * a quote inside an unquoted field, a NUL byte or invalid UTF-8 is an
 * error.  A UTF-8 byte order mark at the start is skipped.  Blank lines are
 * skipped.  Returns 0, or -1 with "name:line: reason" in e.
 */
int csvio_read(FILE *f, const char *name, csvio_row_fn fn, void *ctx, struct err *e);

/* Writes one row and a CRLF-free "\n" line end.  Returns 0 or -1 on I/O error. */
int csvio_write_row(FILE *f, const char *const *fields, size_t n);

#endif
