/*
 * Output of a month's projection and its bills (the `project` command and
 * `export project`): the CSV contract, JSON and an aligned table; and the
 * backtest table.
 */
#ifndef COSTS_REPORT_PROJECT_H
#define COSTS_REPORT_PROJECT_H

#include <stddef.h>
#include <stdio.h>

#include "projection/projection.h"

/* The header of the CSV contract (DESIGN §2). */
extern const char *const report_project_header[12];

/* Each writer returns 0, or -1 when writing failed. */
int report_project_csv(FILE *f, const struct projection *p, const struct projection_bill *rows,
                       size_t n);
int report_project_json(FILE *f, const struct projection *p, const struct projection_bill *rows,
                        size_t n);
int report_project_table(FILE *f, const struct projection *p, const struct projection_bill *rows,
                         size_t n);
int report_backtest_table(FILE *f, const struct projection_backtest *b);

#endif
