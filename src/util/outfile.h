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

/*
 * Copies the content of the open file srcfd (read from its start) into the
 * file `name` of the directory dirfd, atomically and without following
 * links: a temporary `name.tmp.XXXXXX` is created there with O_EXCL and
 * O_NOFOLLOW, mode 0644, every write, the fsync and the close are checked,
 * and renameat puts it in place (a symbolic link at `name` is replaced, never
 * followed).  `shown` names the target in messages.  On failure the
 * temporary file is removed, any previous `name` is left as it was, and -1
 * is returned with e set ("cannot create 'shown': ..." or "cannot write
 * 'shown': ...").
 */
int outfile_place_at(int dirfd, const char *name, int srcfd, const char *shown, struct err *e);

#endif
