/*
 * The generic plot core: output paths, escaping for gnuplot scripts and data
 * files, writing the data file and the script, and running gnuplot through
 * posix_spawnp.  It knows nothing about services or bills; the kinds in
 * kinds.c supply a data writer and variables.
 */
#include "plot/plot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/outfile.h"

extern char **environ;

/* At most this much of gnuplot's output is kept for messages. */
#define LOG_MAX 65536

int plot_format_of(const char *path, enum plot_format *fmt)
{
	size_t n = path ? strlen(path) : 0;
	const char *base;

	if (n < 5)
		return -1;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strlen(base) < 5) /* ".png" alone is a hidden file, not an image name */
		return -1;
	if (strcasecmp(path + n - 4, ".png") == 0)
		*fmt = PLOT_PNG;
	else if (strcasecmp(path + n - 4, ".svg") == 0)
		*fmt = PLOT_SVG;
	else
		return -1;
	return 0;
}

int plot_files_init(struct plot_files *f, const char *image, struct err *e)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash, *base;
	size_t stem;

	memset(f, 0, sizeof(*f));
	if (plot_format_of(image, &f->format))
		return err_set(e, "bad output name '%s' (FILE.png or FILE.svg)", image);
	slash = strrchr(image, '/');
	if (slash) {
		size_t dl = (size_t)(slash - image);
		if (dl >= sizeof(dir))
			return err_set(e, "output path too long '%s'", image);
		memcpy(dir, image, dl);
		dir[dl] = '\0';
		if (dl == 0)
			strcpy(dir, "/");
		base = slash + 1;
	} else {
		strcpy(dir, ".");
		base = image;
	}
	if (!realpath(dir, real))
		return err_set(e, "cannot use the output folder '%s': %s", dir, strerror(errno));
	stem = strlen(base) - 4;
	const char *sep = strcmp(real, "/") == 0 ? "" : "/";
	if (asprintf(&f->image, "%s%s%s", real, sep, base) < 0)
		f->image = NULL;
	if (asprintf(&f->data, "%s%s%.*s.dat", real, sep, (int)stem, base) < 0)
		f->data = NULL;
	if (asprintf(&f->script, "%s%s%.*s.gp", real, sep, (int)stem, base) < 0)
		f->script = NULL;
	f->dir = strdup(real);
	f->image_name = strdup(base);
	if (asprintf(&f->data_name, "%.*s.dat", (int)stem, base) < 0)
		f->data_name = NULL;
	if (asprintf(&f->script_name, "%.*s.gp", (int)stem, base) < 0)
		f->script_name = NULL;
	if (!f->image || !f->data || !f->script || !f->dir || !f->image_name || !f->data_name ||
	    !f->script_name) {
		plot_files_release(f);
		return err_set(e, "out of memory");
	}
	return 0;
}

void plot_files_release(struct plot_files *f)
{
	free(f->image);
	free(f->data);
	free(f->script);
	free(f->dir);
	free(f->image_name);
	free(f->data_name);
	free(f->script_name);
	memset(f, 0, sizeof(*f));
}

int plot_put_string(FILE *f, const char *text)
{
	if (fputc('\'', f) == EOF)
		return -1;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		int rc;
		if (*p == '\'')
			rc = fputs("''", f);
		else if (*p < 0x20 || *p == 0x7f)
			rc = fputc(' ', f);
		else
			rc = fputc(*p, f);
		if (rc == EOF)
			return -1;
	}
	return fputc('\'', f) == EOF ? -1 : 0;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not valid. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

int plot_put_name(FILE *f, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (!*p)
		p = (const unsigned char *)"(empty)";
	if (fputc('"', f) == EOF)
		return -1;
	while (*p) {
		size_t n = utf8_len(p);
		int rc;
		if (n == 0) {
			rc = fputc('?', f);
			n = 1;
		} else if (*p == '"') {
			rc = fputc('\'', f);
		} else if (*p == '\\') {
			rc = fputs("\\\\", f);
		} else if (*p < 0x20 || *p == 0x7f) {
			rc = fputc(' ', f);
		} else {
			rc = fwrite(p, 1, n, f) == n ? 0 : EOF;
		}
		if (rc == EOF)
			return -1;
		p += n;
	}
	return fputc('"', f) == EOF ? -1 : 0;
}

static bool var_name_ok(const char *s)
{
	if (!s || !((*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Writes `NAME = value` for one variable. */
static int put_var(FILE *f, const struct plot_var *v, struct err *e)
{
	if (!var_name_ok(v->name))
		return err_set(e, "bad plot variable name '%s'", v->name ? v->name : "(null)");
	if (fprintf(f, "%s = ", v->name) < 0)
		return -1;
	switch (v->kind) {
	case PLOT_VAR_STRING:
		if (plot_put_string(f, v->s ? v->s : ""))
			return -1;
		break;
	case PLOT_VAR_NUMBER:
		if (!isfinite(v->num))
			return err_set(e, "plot variable %s is not a finite number", v->name);
		/* A decimal point or exponent keeps gnuplot from integer division. */
		if (fprintf(f, "%.17g", v->num) < 0)
			return -1;
		if (v->num == floor(v->num) && fabs(v->num) < 1e17 && fputs(".0", f) == EOF)
			return -1;
		break;
	case PLOT_VAR_INT:
		if (fprintf(f, "%" PRId64, v->i) < 0)
			return -1;
		break;
	default:
		return err_set(e, "bad kind of plot variable %s", v->name);
	}
	return fputc('\n', f) == EOF ? -1 : 0;
}

/* Copies the template into the script; it must be text without NUL bytes. */
static int copy_template(FILE *out, const char *path, struct err *e)
{
	FILE *in = fopen(path, "r");
	char buf[8192];
	size_t n, total = 0;

	if (!in)
		return err_set(e, "cannot open the plot template '%s': %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (memchr(buf, '\0', n)) {
			fclose(in);
			return err_set(e, "plot template '%s' is not a text file", path);
		}
		total += n;
		if (fwrite(buf, 1, n, out) != n)
			break;
	}
	if (ferror(in)) {
		int saved = errno;
		fclose(in);
		return err_set(e, "cannot read the plot template '%s': %s", path, strerror(saved));
	}
	fclose(in);
	if (total == 0)
		return err_set(e, "plot template '%s' is empty", path);
	if (fputc('\n', out) == EOF)
		return -1;
	return 0;
}

static int write_script(const struct plot_job *job, FILE *f, struct err *e)
{
	const struct plot_files *pf = job->files;
	const struct plot_var kind = {.name = "KIND", .kind = PLOT_VAR_STRING, .s = job->kind};
	const struct plot_var format = {
	    .name = "FORMAT", .kind = PLOT_VAR_STRING, .s = pf->format == PLOT_SVG ? "svg" : "png"};

	if (fprintf(f,
	            "# Generated by costs plot %s from the template\n"
	            "# %s\n"
	            "# Rerun with: gnuplot FILE.gp (it reads the data file named by DATA and\n"
	            "# writes OUTPUT).  Edit a copy of the template to change the look.\n",
	            job->kind, job->template_path) < 0)
		return -1;
	/* Comment lines never hold controls: a newline would end the comment. */
	for (const char *p = job->template_path; *p; p++)
		if ((unsigned char)*p < 0x20)
			return err_set(e, "bad character in the template path");
	if (put_var(f, &kind, e))
		return -1;
	/*
	 * The data file and the image sit beside the script: their names are
	 * relative to the script's folder as gnuplot was given it (ARG0), so
	 * the script reruns from anywhere and never names a file in the folder
	 * it was rendered from.  './' keeps a name like '<cmd' a file name.
	 */
	if (fputs("# The data file and the image are beside this script.\n"
	          "PLOT_PATH = exists(\"ARG0\") ? ARG0 : ''\n"
	          "PLOT_DIR = ''\n"
	          "do for [i = strlen(PLOT_PATH):1:-1] { if (PLOT_DIR eq '' && "
	          "PLOT_PATH[i:i] eq '/') { PLOT_DIR = PLOT_PATH[1:i] } }\n"
	          "if (PLOT_DIR[1:1] ne '/') PLOT_DIR = './'.PLOT_DIR\n"
	          "DATA = PLOT_DIR.",
	          f) == EOF ||
	    plot_put_string(f, pf->data_name) || fputc('\n', f) == EOF)
		return -1;
	if (put_var(f, &format, e))
		return -1;
	if (fputs("if (!exists(\"OUTPUT\")) OUTPUT = PLOT_DIR.", f) == EOF ||
	    plot_put_string(f, pf->image_name) || fputc('\n', f) == EOF)
		return -1;
	for (size_t i = 0; i < job->nvars; i++)
		if (put_var(f, &job->vars[i], e))
			return -1;
	if (fputs("\n# ---- template ----\n", f) == EOF)
		return -1;
	return copy_template(f, job->template_path, e);
}

/*
 * Writes one file of the private directory through fn.  Every write and the
 * close are checked: a short data file must never reach gnuplot.
 */
static int write_file(int dirfd, const char *name, const char *shown,
                      int (*fn)(const void *arg, FILE *f, struct err *e), const void *arg,
                      struct err *e)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f;
	int rc;

	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		return err_set(e, "cannot create '%s': %s", shown, strerror(saved));
	}
	e->msg[0] = '\0';
	errno = 0;
	rc = fn(arg, f, e);
	if (rc == 0 && (fflush(f) != 0 || ferror(f)))
		rc = -1;
	int saved = errno;
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0 && !e->msg[0])
		err_set(e, "cannot write '%s': %s", shown, strerror(saved ? saved : EIO));
	return rc;
}

static int data_thunk(const void *arg, FILE *f, struct err *e)
{
	const struct plot_job *job = arg;
	return job->write_data(job->ctx, f, e);
}

static int script_thunk(const void *arg, FILE *f, struct err *e)
{
	return write_script(arg, f, e);
}

/* The last few lines of gnuplot's output, for an error message. */
static const char *log_tail(const char *log)
{
	const char *p;
	int lines = 0;

	if (!log)
		return "";
	p = log + strlen(log);
	while (p > log && (p[-1] == '\n' || p[-1] == ' '))
		p--;
	while (p > log) {
		if (p[-1] == '\n' && ++lines == 4)
			break;
		p--;
	}
	return p;
}

/*
 * gnuplot's environment: ours, but HOME is the private directory (gnuplot
 * loads $HOME/.gnuplot before the script, which could change fonts, the
 * terminal or run commands) and gnuplot's own variables (GNUTERM,
 * GNUPLOT_LIB, ...) are left out, so the same data gives the same image for
 * every user.  Freed with free(); NULL when out of memory.
 */
static char **gnuplot_env(const char *dir)
{
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	char *home = malloc(strlen(dir) + 6);
	if (!env || !home) {
		free(env);
		free(home);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "HOME=", 5) != 0 &&
		    strncmp(environ[i], "GNUTERM=", 8) != 0 &&
		    strncmp(environ[i], "GNUPLOT_", 8) != 0)
			env[k++] = environ[i];
	sprintf(home, "HOME=%s", dir);
	env[k++] = home;
	env[k] = NULL;
	return env;
}

static void gnuplot_env_free(char **env)
{
	if (!env)
		return;
	for (size_t i = 0; env[i]; i++)
		if (strncmp(env[i], "HOME=", 5) == 0)
			free(env[i]);
	free(env);
}

/*
 * Runs gnuplot on the script (an absolute path in the private directory
 * dir), in that directory.  Returns 0 when it exited 0, PLOT_NO_GNUPLOT when
 * it is not on PATH, or -1.
 */
static int run_gnuplot(const char *script, const char *dir, char **log, struct err *e)
{
	posix_spawn_file_actions_t fa;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int pfd[2] = {-1, -1}, status, rc;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		return err_set(e, "cannot create a pipe: %s", strerror(errno));
	}
	/* posix_spawnp takes char *const argv[]: writable copies of the constants. */
	char arg0[] = "gnuplot";
	char *const argv[] = {arg0, (char *)script, NULL};
	char **env = gnuplot_env(dir);
	if (!env) {
		close(pfd[0]);
		close(pfd[1]);
		return err_set(e, "out of memory");
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) == 0) {
		if ((rc = posix_spawn_file_actions_addchdir_np(&fa, dir)) ||
		    (rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) ||
		    (rc = posix_spawn_file_actions_adddup2(&fa, pfd[1], 1)) ||
		    (rc = posix_spawn_file_actions_adddup2(&fa, pfd[1], 2)))
			;
		else
			rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, env);
		posix_spawn_file_actions_destroy(&fa);
	}
	gnuplot_env_free(env);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		if (rc == ENOENT) {
			err_set(e, "gnuplot not found");
			return PLOT_NO_GNUPLOT;
		}
		return err_set(e, "cannot run gnuplot: %s", strerror(rc));
	}
	for (;;) {
		char chunk[4096];
		ssize_t n = read(pfd[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size_t keep = (size_t)n;
		if (len + keep > LOG_MAX)
			keep = LOG_MAX - len; /* read on so gnuplot never blocks on a full pipe */
		if (keep == 0)
			continue;
		if (len + keep + 1 > cap) {
			size_t nc = cap ? cap * 2 : 4096;
			while (nc < len + keep + 1)
				nc *= 2;
			char *nb = realloc(buf, nc);
			if (!nb)
				continue;
			buf = nb;
			cap = nc;
		}
		memcpy(buf + len, chunk, keep);
		len += keep;
		buf[len] = '\0';
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			free(buf);
			return err_set(e, "cannot wait for gnuplot: %s", strerror(errno));
		}
	}
	if (WIFSIGNALED(status)) {
		err_set(e, "gnuplot was killed by signal %d%s%s", WTERMSIG(status), buf ? ": " : "",
		        log_tail(buf));
		free(buf);
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		err_set(e, "gnuplot failed (exit %d)%s%s", WEXITSTATUS(status), buf ? ": " : "",
		        log_tail(buf));
		free(buf);
		return -1;
	}
	if (log)
		*log = buf;
	else
		free(buf);
	return 0;
}

/*
 * Checks that gnuplot wrote a whole image named name in the private
 * directory dirfd: a PNG starts with the signature and ends with an IEND
 * chunk, an SVG ends with "</svg>" (and white space).  A disk that filled up
 * under gnuplot leaves a truncated file and, often, exit status 0.  On
 * success *fd is the image, open for reading.
 */
static int check_image(int dirfd, const char *name, const char *image, enum plot_format fmt,
                       int *out, struct err *e)
{
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	static const unsigned char png_end[12] = {0,   0,   0,    0,    'I',  'E',
	                                          'N', 'D', 0xae, 0x42, 0x60, 0x82};
	unsigned char head[8] = {0}, tail[256];
	struct stat sb;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	*out = -1;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		return err_set(e, "gnuplot did not write '%s': %s", image, strerror(saved));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(e, "gnuplot did not write a file for '%s'", image);
	}
	if (sb.st_size == 0) {
		close(fd);
		return err_set(e, "gnuplot wrote an empty '%s' (does the template set output?)",
		               image);
	}
	size_t nt = sb.st_size < (off_t)sizeof(tail) ? (size_t)sb.st_size : sizeof(tail);
	if (pread(fd, tail, nt, sb.st_size - (off_t)nt) != (ssize_t)nt) {
		close(fd);
		return err_set(e, "cannot read the image gnuplot wrote for '%s'", image);
	}
	if (fmt == PLOT_PNG) {
		if (pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head) ||
		    memcmp(head, png_sig, 8) != 0) {
			close(fd);
			return err_set(e, "gnuplot did not write a PNG image to '%s'", image);
		}
		if (nt < sizeof(png_end) + 8 ||
		    memcmp(tail + nt - sizeof(png_end), png_end, sizeof(png_end)) != 0) {
			close(fd);
			return err_set(
			    e,
			    "gnuplot wrote a truncated PNG image for '%s' (no IEND chunk; "
			    "is the disk full?)",
			    image);
		}
	} else {
		while (nt > 0 && (tail[nt - 1] == '\n' || tail[nt - 1] == '\r' ||
		                  tail[nt - 1] == ' ' || tail[nt - 1] == '\t'))
			nt--;
		if (nt < 6 || memcmp(tail + nt - 6, "</svg>", 6) != 0) {
			close(fd);
			return err_set(e,
			               "gnuplot wrote a truncated SVG image for '%s' (no </svg> at "
			               "the end; is the disk full?)",
			               image);
		}
	}
	*out = fd;
	return 0;
}

/* A private directory for one rendering, removed with everything in it. */
struct private_dir {
	char *path;
	int fd;
};

static int private_dir_make(struct private_dir *pd, struct err *e)
{
	const char *tmp = getenv("TMPDIR");

	pd->fd = -1;
	/* A relative $TMPDIR would put the folder wherever costs was started. */
	if (!tmp || tmp[0] != '/')
		tmp = "/tmp";
	if (asprintf(&pd->path, "%s/costs-plot.XXXXXX", tmp) < 0) {
		pd->path = NULL;
		return err_set(e, "out of memory");
	}
	if (!mkdtemp(pd->path)) {
		err_set(e, "cannot create a private folder in '%s': %s", tmp, strerror(errno));
		free(pd->path);
		pd->path = NULL;
		return -1;
	}
	pd->fd = open(pd->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pd->fd < 0) {
		err_set(e, "cannot open '%s': %s", pd->path, strerror(errno));
		rmdir(pd->path);
		free(pd->path);
		pd->path = NULL;
		return -1;
	}
	return 0;
}

static void private_dir_remove(struct private_dir *pd)
{
	if (pd->fd >= 0) {
		int fd = dup(pd->fd);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		struct dirent *de;

		if (!d && fd >= 0)
			close(fd);
		/* Flat: gnuplot writes files only, and only here. */
		while (d && (de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
				unlinkat(pd->fd, de->d_name, 0);
		if (d)
			closedir(d);
		close(pd->fd);
	}
	if (pd->path)
		rmdir(pd->path);
	free(pd->path);
	pd->path = NULL;
	pd->fd = -1;
}

/* Copies the private file name into the destination as the same name. */
static int place(struct private_dir *pd, int destfd, const char *name, const char *shown,
                 struct err *e)
{
	int fd = openat(pd->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return err_set(e, "cannot read '%s/%s': %s", pd->path, name, strerror(errno));
	rc = outfile_place_at(destfd, name, fd, shown, e);
	close(fd);
	return rc;
}

int plot_render(const struct plot_job *job, char **log, struct err *e)
{
	const struct plot_files *pf = job->files;
	struct private_dir pd = {.path = NULL, .fd = -1};
	char *script = NULL;
	int destfd, imgfd = -1, rc;

	if (log)
		*log = NULL;
	/* Every file of the destination is written through this descriptor. */
	destfd = open(pf->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (destfd < 0)
		return err_set(e, "cannot use the output folder '%s': %s", pf->dir,
		               strerror(errno));
	if (private_dir_make(&pd, e)) {
		close(destfd);
		return -1;
	}
	if (asprintf(&script, "%s/%s", pd.path, pf->script_name) < 0) {
		script = NULL;
		rc = err_set(e, "out of memory");
		goto out;
	}
	rc = write_file(pd.fd, pf->data_name, pf->data, data_thunk, job, e);
	if (rc == 0)
		rc = write_file(pd.fd, pf->script_name, pf->script, script_thunk, job, e);
	if (rc != 0)
		goto out;
	rc = run_gnuplot(script, pd.path, log, e);
	if (rc == 0)
		rc = check_image(pd.fd, pf->image_name, pf->image, pf->format, &imgfd, e);
	/*
	 * The data and the script are placed even when gnuplot is missing or
	 * failed: the user can rerun or debug them.  A failure to place them
	 * does not hide gnuplot's own error.
	 */
	struct err sub;
	if (place(&pd, destfd, pf->data_name, pf->data, &sub) ||
	    place(&pd, destfd, pf->script_name, pf->script, &sub) ||
	    (rc == 0 && outfile_place_at(destfd, pf->image_name, imgfd, pf->image, &sub))) {
		if (rc == 0 || rc == PLOT_NO_GNUPLOT) {
			*e = sub;
			rc = -1;
		}
	}
out:
	if (imgfd >= 0)
		close(imgfd);
	private_dir_remove(&pd);
	close(destfd);
	free(script);
	if (rc != 0 && log) {
		free(*log);
		*log = NULL;
	}
	return rc;
}
