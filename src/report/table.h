/*
 * Aligned text tables for terminal output: collect rows of strings, then
 * print them with each column as wide as its widest cell.
 */
#ifndef COSTS_REPORT_TABLE_H
#define COSTS_REPORT_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct report_table;

/*
 * Creates a table with ncols columns.  align holds one character per column,
 * 'l' or 'r'.  headers are copied.  Returns NULL when out of memory.
 */
struct report_table *report_table_new(size_t ncols, const char *const *headers, const char *align);

/* Appends a row of ncols cells (copied); a NULL cell prints empty. */
int report_table_add(struct report_table *t, const char *const *cells);

/* Appends a separator line drawn under every column. */
int report_table_rule(struct report_table *t);

/* Prints the table; returns 0 or -1 on a write error. */
int report_table_print(const struct report_table *t, FILE *f);

void report_table_free(struct report_table *t);

#endif
