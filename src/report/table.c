/*
 * A small table formatter.  Widths are counted in bytes, except that UTF-8
 * continuation bytes do not count, so names in other scripts line up.
 */
#include "report/table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct report_table {
	size_t ncols;
	char *align;
	char ***rows; /* rows[0] is the header; a NULL row is a rule */
	size_t nrows, cap;
};

static size_t width(const char *s)
{
	size_t w = 0;
	for (; s && *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static int push(struct report_table *t, char **row)
{
	if (t->nrows == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 32;
		char ***r = realloc(t->rows, nc * sizeof(*r));
		if (!r)
			return -1;
		t->rows = r;
		t->cap = nc;
	}
	t->rows[t->nrows++] = row;
	return 0;
}

int report_table_add(struct report_table *t, const char *const *cells)
{
	char **row = calloc(t->ncols, sizeof(*row));

	if (!row)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		row[i] = strdup(cells[i] ? cells[i] : "");
		if (!row[i])
			goto fail;
	}
	if (push(t, row) == 0)
		return 0;
fail:
	for (size_t i = 0; i < t->ncols; i++)
		free(row[i]);
	free(row);
	return -1;
}

int report_table_rule(struct report_table *t)
{
	return push(t, NULL);
}

struct report_table *report_table_new(size_t ncols, const char *const *headers, const char *align)
{
	struct report_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->align = strdup(align);
	if (!t->align || report_table_add(t, headers)) {
		report_table_free(t);
		return NULL;
	}
	return t;
}

int report_table_print(const struct report_table *t, FILE *f)
{
	size_t *w = calloc(t->ncols, sizeof(*w));

	if (!w)
		return -1;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; t->rows[r] && c < t->ncols; c++)
			if (width(t->rows[r][c]) > w[c])
				w[c] = width(t->rows[r][c]);
	for (size_t r = 0; r < t->nrows; r++) {
		size_t pending = 0;
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->rows[r] ? t->rows[r][c] : NULL;
			size_t cw = cell ? width(cell) : w[c];
			bool last = c + 1 == t->ncols;
			if (c)
				pending += 2;
			if (!cell) {
				fprintf(f, "%*s", (int)pending, "");
				pending = 0;
				for (size_t i = 0; i < w[c]; i++)
					fputc('-', f);
				continue;
			}
			if (t->align[c] == 'r') {
				pending += w[c] - cw;
				fprintf(f, "%*s%s", (int)pending, "", cell);
				pending = 0;
			} else {
				fprintf(f, "%*s%s", (int)pending, "", cell);
				pending = last ? 0 : w[c] - cw;
			}
		}
		fputc('\n', f);
	}
	free(w);
	return ferror(f) ? -1 : 0;
}

void report_table_free(struct report_table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; t->rows[r] && c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	free(t->rows);
	free(t->align);
	free(t);
}
