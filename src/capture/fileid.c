/*
 * File identity: fstat's size and a 64-bit FNV-1a hash of the first
 * CAPTURE_FILEID_HEAD bytes.  A capture file's start holds its header and
 * the first records' timestamps, so two different recordings of equal size
 * do not share it; the hash guards against accidents, not against forgery.
 */
#include "capture/fileid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int capture_fileid(const char *path, struct capture_fileid *id, struct err *e)
{
	struct stat sb;
	uint8_t *buf;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t got = 0;

	if (strcmp(path, "-") == 0)
		return 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0) {
		err_set(e, "cannot read '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return 1;
	}
	if (!(buf = malloc(CAPTURE_FILEID_HEAD))) {
		close(fd);
		return err_set(e, "out of memory");
	}
	while (got < CAPTURE_FILEID_HEAD) {
		ssize_t n = read(fd, buf + got, CAPTURE_FILEID_HEAD - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, "cannot read '%s': %s", path, strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	for (size_t i = 0; i < got; i++)
		h = (h ^ buf[i]) * 0x100000001b3ull;
	free(buf);
	id->size = (uint64_t)sb.st_size;
	snprintf(id->head, sizeof(id->head), "fnv1a64:%016llx", (unsigned long long)h);
	return 0;
}
