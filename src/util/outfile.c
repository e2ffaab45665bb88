/*
 * Atomic replacement of output files by rename(2) in the target directory.
 */
#include "util/outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
