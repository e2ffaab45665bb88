/*
 * Atomic replacement of output files by rename(2) in the target directory,
 * and (for plot) placing a finished file into a directory through its
 * descriptor, so that a directory other users can write cannot redirect the
 * write with a link.
 */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int outfile_open(struct outfile *o, const char *path, struct err *e)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	o->path = strdup(path);
	if (!o->path || asprintf(&o->tmp, "%s.tmp.XXXXXX", path) < 0) {
		free(o->path);
		o->path = NULL;
		return err_set(e, "out of memory");
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		err_set(e, "cannot create '%s': %s", path, strerror(errno));
		free(o->tmp);
		free(o->path);
		memset(o, 0, sizeof(*o));
		return -1;
	}
	(void)fchmod(fd, 0644);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		err_set(e, "cannot create '%s': %s", path, strerror(errno));
		close(fd);
		outfile_abort(o);
		return -1;
	}
	return 0;
}

int outfile_commit(struct outfile *o, struct err *e)
{
	const char *name = o->path ? o->path : "standard output";

	if (fflush(o->f) != 0 || ferror(o->f)) {
		err_set(e, "cannot write '%s': %s", name, strerror(errno ? errno : EIO));
		outfile_abort(o);
		return -1;
	}
	if (!o->path)
		return 0;
	if (fsync(fileno(o->f)) != 0 || fclose(o->f) != 0) {
		o->f = NULL;
		err_set(e, "cannot write '%s': %s", name, strerror(errno));
		outfile_abort(o);
		return -1;
	}
	o->f = NULL;
	if (rename(o->tmp, o->path) != 0) {
		err_set(e, "cannot write '%s': %s", name, strerror(errno));
		outfile_abort(o);
		return -1;
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->path) {
		if (o->f)
			fclose(o->f);
		if (o->tmp)
			unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

/* Creates dirfd/name.tmp.XXXXXX exclusively; returns the descriptor and the name in tmp. */
static int create_temp_at(int dirfd, const char *name, char **tmp)
{
	static const char chars[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t n = strlen(name);

	*tmp = malloc(n + sizeof(".tmp.XXXXXX"));
	if (!*tmp) {
		errno = ENOMEM;
		return -1;
	}
	for (int tries = 0; tries < 100; tries++) {
		unsigned char rnd[6];
		char *p;
		int fd;

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			break;
		memcpy(*tmp, name, n);
		p = *tmp + n;
		memcpy(p, ".tmp.", 5);
		p += 5;
		for (size_t i = 0; i < sizeof(rnd); i++)
			*p++ = chars[rnd[i] % (sizeof(chars) - 1)];
		*p = '\0';
		fd =
		    openat(dirfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	if (errno == 0)
		errno = EEXIST;
	return -1;
}

int outfile_place_at(int dirfd, const char *name, int srcfd, const char *shown, struct err *e)
{
	char buf[65536], *tmp = NULL;
	off_t off = 0;
	int fd, saved;

	fd = create_temp_at(dirfd, name, &tmp);
	if (fd < 0) {
		saved = errno;
		free(tmp);
		return err_set(e, "cannot create '%s': %s", shown, strerror(saved));
	}
	/* The mode is the same whatever the umask, as outfile_open makes it. */
	(void)fchmod(fd, 0644);
	for (;;) {
		ssize_t r = pread(srcfd, buf, sizeof(buf), off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			saved = errno;
			goto fail;
		}
		if (r == 0)
			break;
		for (ssize_t done = 0; done < r;) {
			ssize_t w = write(fd, buf + done, (size_t)(r - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				saved = w < 0 ? errno : EIO;
				goto fail;
			}
			done += w;
		}
		off += r;
	}
	if (fsync(fd) != 0) {
		saved = errno;
		goto fail;
	}
	if (close(fd) != 0) {
		saved = errno;
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name) != 0) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	free(tmp);
	return err_set(e, "cannot write '%s': %s", shown, strerror(saved));
}
