/*
 * Coverage notes: one line for each host, day and source whose totals are
 * incomplete (a capture that did not watch the whole day or lost packets,
 * counters reset with bytes lost, gaps between samples), read from the
 * store's coverage rows, for the table and JSON outputs of report.
 */
#ifndef COSTS_REPORT_NOTES_H
#define COSTS_REPORT_NOTES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

struct report_note {
	int32_t day;
	char *host;
	char *source;
	char *text; /* "observed 2.0 of 24 h, 3 packets dropped by the kernel" */
};

struct report_notes {
	struct report_note *v;
	size_t n, cap;
};

/*
 * Collects the notes of days from..to (from > to: all days) of one host (NULL:
 * all).  today is the current day in the store's zone: today's capture is
 * not short of a whole day yet.  When rows is not NULL, only the notes of a
 * host and source that appear in rows (the totals shown) are kept.  Returns
 * 0 or -1 with a message; release with report_notes_release.
 */
int report_notes_collect(struct store *st, int32_t from, int32_t to, const char *host,
                         int32_t today, const struct store_total *rows, size_t nrows,
                         struct report_notes *out, struct err *e);

void report_notes_release(struct report_notes *nt);

/* Writes "note: DAY SOURCE on HOST: TEXT" lines after a blank line. */
int report_notes_print(FILE *f, const struct report_notes *nt);

#endif
