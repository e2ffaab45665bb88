/*
 * Coverage notes for report.  Notes speak only of real loss or of time not
 * observed: a counter reset counts as loss only when the store recorded it
 * as one (sample does not for a table that apply sampled just before
 * replacing).
 */
#include "report/notes.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

struct collect {
	int32_t today;
	const struct store_total *rows;
	size_t nrows;
	struct report_notes *out;
	struct err *e;
};

static void add(char *buf, size_t len, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (k > 0)
		*used += (size_t)k;
}

/* Whether a row of the same host and source is shown for the note's day. */
static bool shown(const struct collect *c, const char *host, int32_t day, const char *source)
{
	char d[11];

	if (!c->rows)
		return true;
	date_format_day(day, d);
	for (size_t i = 0; i < c->nrows; i++) {
		const struct store_total *r = &c->rows[i];
		if (strcmp(r->host, host) == 0 && strcmp(r->source, source) == 0 &&
		    strncmp(r->period, d, strlen(r->period)) == 0)
			return true;
	}
	return false;
}

/* Whether any row of the host is shown. */
static bool host_shown(const struct collect *c, const char *host)
{
	if (!c->rows)
		return true;
	for (size_t i = 0; i < c->nrows; i++)
		if (strcmp(c->rows[i].host, host) == 0)
			return true;
	return false;
}

static int on_coverage(void *ctx, const char *host, int32_t day, const char *source,
                       const struct store_coverage *cv)
{
	struct collect *c = ctx;
	char what[512];
	size_t len = 0;

	if (strcmp(source, STORE_SOURCE_PCAP) == 0 && cv->seconds < 86400 && day < c->today) {
		if (cv->seconds < 3600)
			add(what, sizeof(what), &len, ", observed %llu s of 24 h",
			    (unsigned long long)cv->seconds);
		else
			add(what, sizeof(what), &len, ", observed %.1f of 24 h",
			    (double)cv->seconds / 3600.0);
	}
	if (cv->drops)
		add(what, sizeof(what), &len, ", %llu packets dropped by the kernel",
		    (unsigned long long)cv->drops);
	if (cv->malformed)
		add(what, sizeof(what), &len, ", %llu malformed packets (counted in other)",
		    (unsigned long long)cv->malformed);
	if (cv->resets)
		add(what, sizeof(what), &len,
		    ", %llu counter resets (bytes since the sample before each are lost)",
		    (unsigned long long)cv->resets);
	/*
	 * A day import --prometheus found no data for has no rows to hang the
	 * note on: it is shown whenever the host is.
	 */
	bool pulled_gap = cv->gaps && strcmp(source, STORE_SOURCE_PROMETHEUS) == 0;
	if (pulled_gap)
		add(what, sizeof(what), &len,
		    ", no data in Prometheus (not scraped that day or in the 7 days after)");
	else if (cv->gaps)
		add(what, sizeof(what), &len, ", %llu gaps between samples (%.1f h)",
		    (unsigned long long)cv->gaps, (double)cv->gap_seconds / 3600.0);
	if (!len || !(pulled_gap ? host_shown(c, host) : shown(c, host, day, source)))
		return 0;
	struct report_notes *nt = c->out;
	if (nt->n == nt->cap) {
		size_t nc = nt->cap ? nt->cap * 2 : 16;
		struct report_note *v = realloc(nt->v, nc * sizeof(*v));
		if (!v)
			return err_set(c->e, "out of memory");
		nt->v = v;
		nt->cap = nc;
	}
	struct report_note *n = &nt->v[nt->n];
	n->day = day;
	n->host = strdup(host);
	n->source = strdup(source);
	n->text = strdup(what + 2);
	if (!n->host || !n->source || !n->text) {
		free(n->host);
		free(n->source);
		free(n->text);
		return err_set(c->e, "out of memory");
	}
	nt->n++;
	return 0;
}

int report_notes_collect(struct store *st, int32_t from, int32_t to, const char *host,
                         int32_t today, const struct store_total *rows, size_t nrows,
                         struct report_notes *out, struct err *e)
{
	struct collect c = {today, rows, nrows, out, e};

	memset(out, 0, sizeof(*out));
	if (store_coverage_each(st, from, to, host, on_coverage, &c, e)) {
		report_notes_release(out);
		return -1;
	}
	return 0;
}

void report_notes_release(struct report_notes *nt)
{
	for (size_t i = 0; i < nt->n; i++) {
		free(nt->v[i].host);
		free(nt->v[i].source);
		free(nt->v[i].text);
	}
	free(nt->v);
	memset(nt, 0, sizeof(*nt));
}

int report_notes_print(FILE *f, const struct report_notes *nt)
{
	for (size_t i = 0; i < nt->n; i++) {
		char d[11];
		if ((i == 0 && fputc('\n', f) == EOF) ||
		    fprintf(f, "note: %s %s on %s: %s\n", date_format_day(nt->v[i].day, d),
		            nt->v[i].source, nt->v[i].host, nt->v[i].text) < 0)
			return -1;
	}
	return 0;
}
