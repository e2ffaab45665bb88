/*
 * Internal to the pricing library: the parsed form of a provider table,
 * shared by table.c (reading, validation) and engine.c (selection, bills).
 */
#ifndef COSTS_PRICING_INT_H
#define COSTS_PRICING_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pricing/pricing.h"

#define PRICE_SCALE    12 /* decimals of a table price */
#define PICO_PER_MICRO 1000000
/* The largest quantity of a fee (a fee row's included, a config's KEY = N). */
#define TABLE_FEE_QTY_MAX 1000000000u

enum table_col {
	COL_KIND,
	COL_PLAN,
	COL_ITEM,
	COL_REGION,
	COL_FROM,
	COL_TO,
	COL_CURRENCY,
	COL_PRICE,
	COL_PER,
	COL_BLOCK,
	COL_ROUNDING,
	COL_INCLUDED,
	COL_VCPU,
	COL_RAM,
	COL_SOURCE,
	COL_SOURCE_DATE,
	COL_NOTES,
	COL_ORDERS,
	COL_CPU,
	COL_DISK,
	TABLE_NCOLS,
};

enum table_kind {
	KIND_PLAN,
	KIND_SEAT,
	KIND_INSTANCE,
	KIND_EGRESS,
	KIND_FEE,
	KIND_FREE,
	KIND_REGION,
	KIND_SUCCESSOR
};

enum table_per { PER_NONE, PER_MONTH, PER_HOUR, PER_SECOND, PER_30D, PER_ONCE };

struct table_row {
	enum table_kind kind;
	size_t line;
	char *raw[TABLE_NCOLS]; /* every field as written ("" when absent) */
	int32_t from, to;       /* inclusive days; INT32_MIN / INT32_MAX when open */
	char currency[4];
	bool has_price;
	int64_t price;      /* pico-units (10^-12): per-second prices need them */
	enum table_per per; /* plan, seat, instance, fee */
	uint64_t per_bytes; /* egress: the quantity the price is for */
	uint64_t block;     /* egress: billing granularity in bytes, 0 = per_bytes */
	int rounding;       /* egress: 0 none, 1 up, 2 down; time: 0 second, 1 hour */
	bool unlimited;
	uint64_t included; /* egress: bytes; fee: units (count) */
	bool per_server;   /* included=SIZE/server: not pooled over servers; on
	                      a fee, N/server units per server in the plan price */
	int64_t vcpu_milli;
	uint64_t ram;
	uint64_t disk;             /* bytes; 0: not given */
	enum pricing_cpu cpu_kind; /* shared, dedicated or not given */
	bool uncertain;
	bool new_orders; /* orders=new: only servers ordered on or after `from` */
};

struct table {
	char *name, *path;
	char currency[4];
	struct table_row *rows;
	size_t nrows, caprows;
};

struct pricing_tables {
	struct table *t;
	size_t n, cap;
};

/*
 * Parses a table from f (named path).  Returns 0 with every problem found in
 * *probs (sorted by line and column; caller frees), or -1 when out of memory.
 */
int pricing_table_parse(FILE *f, const char *path, struct table *t, struct pricing_problem **probs,
                        size_t *nprobs, struct err *e);
void pricing_table_release(struct table *t);

#endif
