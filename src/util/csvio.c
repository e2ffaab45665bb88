/*
 * CSV reading and writing on top of libcsv.  The reader feeds libcsv one line
 * at a time so that it can tell which line a row came from.
 */
#include "util/csvio.h"

#include <csv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/name.h"

struct reader {
	csvio_row_fn fn;
	void *ctx;
	struct err *e;
	size_t line;     /* line being fed */
	size_t row_line; /* line the current row started on */
	char **fields;
	size_t n, cap;
	bool failed;
	bool nul;
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	char *copy;

	if (r->failed)
		return;
	if (r->n == 0) {
		size_t nl = 0;
		for (size_t i = 0; i < len; i++)
			nl += ((const char *)s)[i] == '\n';
		r->row_line = r->line - nl;
	}
	if (s && memchr(s, '\0', len))
		r->nul = true;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		char **f = realloc(r->fields, cap * sizeof(*f));
		if (!f) {
			r->failed = true;
			err_set(r->e, "out of memory");
			return;
		}
		r->fields = f;
		r->cap = cap;
	}
	copy = malloc(len + 1);
	if (!copy) {
		r->failed = true;
		err_set(r->e, "out of memory");
		return;
	}
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	r->fields[r->n++] = copy;
}

static void clear_fields(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
}

static void on_row(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	if (!r->failed && r->nul) {
		r->failed = true;
		err_set(r->e, "a field contains a NUL byte");
	}
	if (!r->failed && r->fn(r->ctx, r->row_line, r->fields, r->n, r->e) != 0)
		r->failed = true;
	clear_fields(r);
}

int csvio_read(FILE *f, const char *name, csvio_row_fn fn, void *ctx, struct err *e)
{
	struct csv_parser p;
	struct reader r = {.fn = fn, .ctx = ctx, .e = e};
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = -1;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return err_set(e, "%s: out of memory", name);
	while ((len = getline(&buf, &cap, f)) > 0) {
		const char *data = buf;
		size_t n = (size_t)len;

		r.line++;
		/* Spreadsheets save UTF-8 with a byte order mark. */
		if (r.line == 1 && n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
			data += 3;
			n -= 3;
		}
		/* A line end is ASCII, so no UTF-8 sequence spans two lines. */
		if (!util_utf8_valid(data, n)) {
			err_set(e, "%s:%zu: invalid UTF-8", name, r.line);
			goto out;
		}
		if (csv_parse(&p, data, n, on_field, on_row, &r) != n) {
			if (!r.failed)
				err_set(e, "malformed CSV: %s", csv_strerror(csv_error(&p)));
			err_prefix(e, "%s:%zu: ", name, r.line);
			goto out;
		}
		if (r.failed) {
			err_prefix(e, "%s:%zu: ", name, r.row_line);
			goto out;
		}
	}
	if (ferror(f)) {
		err_set(e, "%s: read error", name);
		goto out;
	}
	if (csv_fini(&p, on_field, on_row, &r) != 0) {
		err_set(e, "%s:%zu: malformed CSV: unterminated quoted field", name, r.line);
		goto out;
	}
	if (r.failed) {
		err_prefix(e, "%s:%zu: ", name, r.row_line);
		goto out;
	}
	rc = 0;
out:
	clear_fields(&r);
	free(r.fields);
	free(buf);
	csv_free(&p);
	return rc;
}

int csvio_write_row(FILE *f, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = fields[i] ? fields[i] : "";
		if (i && fputc(',', f) == EOF)
			return -1;
		if (strpbrk(s, ",\"\r\n")) {
			if (csv_fwrite(f, s, strlen(s)) != 0)
				return -1;
		} else if (fputs(s, f) == EOF && *s) {
			return -1;
		}
	}
	return fputc('\n', f) == EOF ? -1 : 0;
}
