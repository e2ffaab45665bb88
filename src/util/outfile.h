/*
 * Output files that appear whole or not at all: data goes to a temporary file
 * beside the target, which is renamed over it only after a successful flush
 * and fsync.  A failed run leaves any previous file as it was.
 */
#ifndef COSTS_UTIL_OUTFILE_H
#define COSTS_UTIL_OUTFILE_H

#include <stdio.h>

#include "util/err.h"

struct outfile {
	FILE *f;
	char *path; /* NULL when writing to stdout */
	char *tmp;
};

/* Opens path for writing, or stdout when path is NULL or "-". */
int outfile_open(struct outfile *o, const char *path, struct err *e);

/* Flushes, syncs and renames into place; reports write errors (ENOSPC, EPIPE). */
int outfile_commit(struct outfile *o, struct err *e);

/* Discards the temporary file; safe after commit and on a zeroed struct. */
void outfile_abort(struct outfile *o);

#endif
