/*
 * The identity of a capture file, by which the store recognises a file
 * captured before: its size and a hash of its first 64 KiB.  Reads the file
 * only; prints nothing.
 */
#ifndef COSTS_CAPTURE_FILEID_H
#define COSTS_CAPTURE_FILEID_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define CAPTURE_FILEID_HEAD (64u << 10)

struct capture_fileid {
	uint64_t size;
	char head[32]; /* "fnv1a64:" and 16 hex digits */
};

/*
 * Computes the identity of the file at path.  Returns 1 (id untouched) when
 * path is not a regular file (standard input, a pipe, a device): such a
 * source has no identity and is not recorded.  -1 with e set when the file
 * cannot be read.
 */
int capture_fileid(const char *path, struct capture_fileid *id, struct err *e);

#endif
