/*
 * Output of traffic totals (the rows of store_totals) as the CSV contract of
 * `export daily|monthly`, as JSON, and as an aligned table with human units.
 */
#ifndef COSTS_REPORT_TOTALS_H
#define COSTS_REPORT_TOTALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report/notes.h"
#include "store/store.h"

/* Column headers of the CSV contracts (DESIGN §2). */
extern const char *const report_daily_header[8];

/* The CSV header alone; then one report_totals_csv_row per total. */
int report_totals_csv_head(FILE *f, bool monthly);
int report_totals_csv_row(FILE *f, const struct store_total *t);

/* Writes the header and one row per total; period column "day" or "month". */
int report_totals_csv(FILE *f, const struct store_total *rows, size_t n, bool monthly);

/*
 * Writes a JSON document {"period": "day", "rows": [...], "total": {...},
 * "notes": [{"day", "host", "source", "note"}...]}; notes may be NULL.
 */
int report_totals_json(FILE *f, const struct store_total *rows, size_t n, bool monthly,
                       const struct report_notes *notes);

/*
 * Writes a table with human units, a total line, and a note for periods whose
 * coverage is incomplete (the caller passes their names, may be NULL).
 */
int report_totals_table(FILE *f, const struct store_total *rows, size_t n, bool monthly);

#endif
