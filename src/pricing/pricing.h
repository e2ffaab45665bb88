/*
 * Provider price tables and the bill engine.  Tables are CSV files (one per
 * provider, format in providers/README.md) loaded into an opaque
 * pricing_tables; pricing_select turns "this month, these providers/plans,
 * this usage" into a list of priced plans whose fixed parts (base, seats,
 * compute, fees) are already computed, and pricing_bill adds the egress of a
 * given byte count.  Money is int64_t micro-units (1 USD = 1,000,000) with
 * checked arithmetic; nothing here uses floating point.
 *
 * Two callers: `costs compare` (one egress figure per plan) and a forecast
 * such as `costs project`, which selects once and then calls pricing_bill
 * for each of its p10/p50/p90 egress figures.  pricing_bill is cheap and
 * pure, so a caller may also search over egress (break-even, invoices).
 * In outline, with the same selection options as compare:
 *
 *	struct pricing_tables *t;
 *	struct pricing_plan *plans;
 *	struct pricing_select sel = {.month = today, .config = cfg,
 *	                             .provider = opt_provider, .plan = opt_plan};
 *	pricing_load_dir(cli->providers_dir, &t, &e);
 *	pricing_select(t, &sel, &plans, &n, &e);
 *	for (i = 0; i < n; i++) {
 *		pricing_bill(&plans[i], egress_p50, &bill, &e);
 *		// overage: bill.egress; allowance: plans[i].included, unless
 *		// plans[i].unlimited (the day cumulative egress passes it is
 *		// the day the allowance runs out)
 *		pricing_convert(&bill, "USD", rate, &e);   // optional, --rate
 *		pricing_add_vat(&bill, vat, &e);           // optional, --vat
 *	}
 *	free(plans);
 *	pricing_tables_free(t);
 */
#ifndef COSTS_PRICING_H
#define COSTS_PRICING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"
#include "store/store.h"

#define PRICING_MICRO 1000000 /* micro-units per currency unit */

struct pricing_tables;

/*
 * Loads every *.csv in dir (sorted by name; the provider is named after the
 * file, "render.csv" is "render").  A table with problems is refused: the
 * error names the first problem as "file:line:column: message" and says how
 * many there were.  The caller frees *out with pricing_tables_free.
 */
int pricing_load_dir(const char *dir, struct pricing_tables **out, struct err *e);

/* Loads the given files instead of a directory (same rules). */
int pricing_load_files(const char *const *paths, size_t n, struct pricing_tables **out,
                       struct err *e);

/* Frees tables; NULL is a no-op. */
void pricing_tables_free(struct pricing_tables *t);

/*
 * Number of providers loaded, and the name, file and currency of the i-th
 * one (strings owned by the tables).
 */
size_t pricing_provider_count(const struct pricing_tables *t);
const char *pricing_provider_name(const struct pricing_tables *t, size_t i);
const char *pricing_provider_path(const struct pricing_tables *t, size_t i);
const char *pricing_provider_currency(const struct pricing_tables *t, size_t i);

/*
 * Writes the names of provider i's plans, each once in table order and
 * separated by spaces, into buf (truncated to len).  Returns buf.
 */
char *pricing_provider_plans(const struct pricing_tables *t, size_t i, char *buf, size_t len);

/* The column names of a table, in the order pricing_provider_rows uses. */
extern const char *const pricing_columns[];
extern const size_t pricing_ncolumns;

/* One problem found in a table; column is the 1-based field position. */
struct pricing_problem {
	size_t line, column;
	char msg[256];
};

/*
 * Validates one table file and collects every problem (at most 1000) into
 * *probs (caller frees with free()).  Returns 0 when the file could be read
 * (problems or not), -1 with e set when it could not be opened at all.
 */
int pricing_check_file(const char *path, struct pricing_problem **probs, size_t *n, struct err *e);

/*
 * Calls fn once per table row of provider i, in file order, with its line
 * and every field in pricing_columns order (absent columns read as ""), for
 * `providers show`.  Returns 0, or fn's non-zero value.
 */
typedef int (*pricing_row_fn)(void *ctx, size_t line, const char *const *values);
int pricing_provider_rows(const struct pricing_tables *t, size_t i, pricing_row_fn fn, void *ctx);

/* A row whose source is older than asked, or that has a source and no date. */
struct pricing_stale {
	const char *provider, *path; /* owned by the tables */
	size_t line;
	char kind[16], plan[64], item[64], region[64];
	int32_t source_day; /* PRICING_UNDATED when the row has no source_date */
	int32_t age;        /* days from source_day to today */
};

#define PRICING_UNDATED INT32_MIN

/*
 * Collects, in file order, the rows of t that state a fact (a price or a
 * source), are in force today or later (no `to`, or `to` not before today)
 * and whose source_date is more than days before today (day numbers), and
 * those without a source_date.  *out is allocated (NULL when
 * none); the caller frees it.  Returns 0, or -1 with e set.
 */
int pricing_stale(const struct pricing_tables *t, int32_t today, int32_t days,
                  struct pricing_stale **out, size_t *n, struct err *e);

/* Whether a machine's CPU is its own or shared with neighbours. */
enum pricing_cpu {
	PRICING_CPU_UNKNOWN, /* the table does not say: never counts as dedicated */
	PRICING_CPU_SHARED,
	PRICING_CPU_DEDICATED,
};

/*
 * A sizing request: count machines, each with at least cpu, ram and disk
 * (disk only where the tables carry it), and a dedicated CPU when
 * `dedicated`.  `seconds` is how long each runs (0: the whole month).
 */
struct pricing_need {
	bool set;
	uint64_t ram;      /* bytes */
	int64_t cpu_milli; /* vCPU x 1000 */
	uint64_t disk;     /* bytes; 0: any */
	bool dedicated;
	unsigned count; /* at least 1 */
	uint64_t seconds;
};

/*
 * Parses a need: "2x1cpu/2GB,dedicated" (COUNTx CPUcpu/RAM[/DISK], then
 * optional terms) or the terms alone, "ram=4GB,cpu=2,count=2" (ram=SIZE,
 * cpu=N, count=N, disk=SIZE, dedicated, shared; any subset, any order;
 * cpu may be fractional: 0.5).  Returns 0 or -1 with a message.
 */
int pricing_need_parse(const char *s, struct pricing_need *out, struct err *e);

/* Writes a need as "2x 1 vCPU/2GB shared" into buf.  Returns buf. */
char *pricing_need_format(const struct pricing_need *n, char *buf, size_t len);

/*
 * True when a machine of cpu_milli vCPU, ram and disk bytes (0: not given)
 * with CPU kind cpu meets need n: at least its CPU and memory, at least its
 * disk when both give one, and a dedicated CPU when n asks for one unless
 * allow_shared.
 */
bool pricing_need_fits(const struct pricing_need *n, int64_t cpu_milli, uint64_t ram, uint64_t disk,
                       enum pricing_cpu cpu, bool allow_shared);

/*
 * Parses running time in hours ("100", "0.5"; at most 744) into seconds.
 * Returns 0 or -1 with a message.
 */
int pricing_hours_parse(const char *s, uint64_t *seconds, struct err *e);

/* What to price.  Zero-initialise, then set month and what matters. */
struct pricing_select {
	int32_t month;               /* any day of the month billed */
	const char *provider;        /* NULL: every provider */
	const char *plan;            /* NULL: every plan in force (or the config's) */
	const char *region;          /* NULL: the config's, else the table's first */
	struct pricing_need need;    /* when set, overrides the config's usage */
	const struct config *config; /* [provider NAME] sections; may be NULL */
	unsigned seats;              /* 0: the config's, else 1 */
	bool first_month;            /* include one-off (setup) fees */
	uint64_t seconds;            /* seconds each instance runs; 0: the config's
	                                `hours`, else the whole month */
	bool allow_shared;           /* a need for dedicated CPUs may take shared ones */
	bool allow_unfit;            /* a need no plan meets selects nothing (0
	                                plans) instead of an error */
	const char *from;            /* pricing_quote derives the need from this
	                                provider's section (NULL: the first that
	                                describes compute) */
	/*
	 * Equivalent capacity: a need derived from what runs on one provider
	 * (pricing_need_derive), priced on every provider whose [provider]
	 * section does not describe its own compute.  sel->need overrides it.
	 */
	struct pricing_need derived;
	const char *derived_from; /* the provider it was derived from */
	/*
	 * Of the egress priced, the bytes of private-network traffic to other
	 * regions (services with `traffic = private`): a table with a private
	 * egress rate (an egress row with item `private`) bills them at it,
	 * every other table as egress.
	 */
	uint64_t private_bytes;
};

/*
 * Derives the need from the config: the first [provider NAME] section (in
 * the config's order; only `from`'s when not NULL) that describes
 * compute: `need =`, `instances =` (the largest type's CPU, memory and disk,
 * dedicated when any is, the count summed) or a plan that is a machine
 * (with `count`).  `hours` carries over.  *from gets the provider's name
 * (owned by t), NULL with out->set false when no section describes compute.
 * Returns 0, or -1 with e set on a bad section.
 */
int pricing_need_derive(const struct pricing_tables *t, const struct pricing_select *sel,
                        const char *from, struct pricing_need *out, const char **from_provider,
                        struct err *e);

/*
 * A plan selected for a month with its fixed charges worked out.  Strings
 * point into the tables (valid until pricing_tables_free) or into the
 * struct itself.  `rule` is the resolved egress rule, for pricing_bill.
 */
struct pricing_plan {
	const char *provider, *plan, *region;
	int32_t month; /* first day of the month */
	int days;      /* days in that month */
	char currency[4];
	const char *instance; /* instance type priced, or NULL; with several
	                         types, the config's list (instance_list) */
	bool instance_list;
	unsigned count; /* instances (servers for server plans) */
	unsigned seats;
	bool server_plan;     /* the plan is itself a machine (Hetzner) */
	bool compute_priced;  /* false: no usage given, compute is zero */
	bool compute_known;   /* the config or a need says what runs here */
	bool matched;         /* compute is the cheapest fit for a need (the instance
	                         chosen is `instance`), not the config's own */
	enum pricing_cpu cpu; /* CPU kind of the instance priced (a list: dedicated
	                         only when all are) */
	int64_t setup;        /* one-off (setup) fees of a first month, whether or
	                         not `other` holds them (first_month) */
	bool uncertain;       /* a row used is marked uncertain */
	char replaces[48];    /* the retired plan asked for, priced as this
	                         successor (a `successor` row), or "" */
	int32_t replaced_on;  /* the day the successor took over */
	int64_t base, seat_fees, compute, other;
	/* egress rule */
	bool unlimited;
	uint64_t included; /* bytes; a pooled allowance already multiplied by
	                      count, a per-server one (SIZE/server) not */
	int64_t price;     /* per `per_bytes`, in pico-units (10^-12) */
	uint64_t per_bytes, block;
	int rounding; /* 0 none (exact), 1 up, 2 down */
	/* private cross-region rule (an egress row with item `private`) */
	bool has_private;
	int64_t private_price; /* per `private_per_bytes`, in pico-units */
	uint64_t private_per_bytes, private_block;
	int private_rounding;
	uint64_t private_bytes; /* sel->private_bytes: billed at this rule when
	                           has_private, else as egress */
};

/*
 * The plan that stands for `plan` of provider t's table i in the month of
 * `month`: plan itself when it is in force then (or unknown), else its
 * successor when a `successor` row names one from a day on or before the
 * month's last (followed through chains).  *since gets the successor row's
 * date (0 when plan is returned).  The string is owned by the tables.
 */
const char *pricing_successor(const struct pricing_tables *t, size_t i, const char *plan,
                              int32_t month, int32_t *since);

/*
 * Selects the plans in force in sel->month (a row is in force when its
 * effective range meets the month; where several rows of one item do, the
 * one that started last wins) and prices their fixed parts.  Unknown
 * provider, plan or region, bad [provider] keys (as "file:line: ...") and
 * "nothing fits" are errors.  A plan asked for by name (sel->plan or the
 * config's) that is retired that month is priced as its successor, with
 * `replaces` naming it (see pricing_successor).  *out is sorted by provider, then plan file
 * order; the caller frees it with free().  The plans point into t and
 * sel->config, which must outlive them.
 */
int pricing_select(const struct pricing_tables *t, const struct pricing_select *sel,
                   struct pricing_plan **out, size_t *n, struct err *e);

/* A month's bill, every amount in micro-units of `currency`. */
struct pricing_bill {
	char currency[4];
	uint64_t egress_bytes, included_bytes, billable_bytes;
	bool unlimited;
	int64_t base, seats, compute, egress, other, vat, total;
	/*
	 * The part of egress_bytes billed at the private cross-region rate
	 * (also in billable_bytes, never in the allowance) and its cost, which
	 * the egress line includes; 0 on a plan without a private rate.
	 */
	uint64_t private_bytes;
	int64_t private_egress;
};

/*
 * Prices egress_bytes on plan p: billable bytes beyond the included amount,
 * rounded to the block (up, down or exact), times the price per unit,
 * rounded up to a micro-unit; plus the fixed parts.  Where p has a private
 * cross-region rate, p->private_bytes of egress_bytes (at most all of
 * them) are billed at that rule instead, outside the allowance, and the
 * egress line is the sum of both.  Returns 0, or -1 on arithmetic overflow.
 */
int pricing_bill(const struct pricing_plan *p, uint64_t egress_bytes, struct pricing_bill *b,
                 struct err *e);

/*
 * Rounds b, a bill of plan p, as an invoice does: every line (base, seats,
 * compute, egress, other, vat) half up to whole cents (the egress line from
 * its exact value; with private traffic, the internet and the private parts
 * each from theirs, as Fly's invoice has a line per traffic type), and the
 * total becomes their sum, so the lines shown always add up to the total
 * shown.  Returns 0, or -1 on overflow.
 */
int pricing_bill_round(const struct pricing_plan *p, struct pricing_bill *b, struct err *e);

/*
 * Converts every line of b into `to` at `rate` (micro-units of `to` per
 * unit of b's currency, e.g. EUR=1.08 is 1080000), each rounded half up to
 * cents; the total is the sum of the converted lines.
 */
int pricing_convert(struct pricing_bill *b, const char *to, int64_t rate, struct err *e);

/*
 * Adds VAT at `pct_micro` percent (19% is 19000000) of the (rounded) net
 * total, rounded half up to cents, and raises the total.
 */
int pricing_add_vat(struct pricing_bill *b, int64_t pct_micro, struct err *e);

/* A month's measured egress as a provider would bill it. */
struct pricing_measured {
	uint64_t bytes;         /* billable egress, summed over hosts */
	uint64_t private_bytes; /* of bytes, services with traffic = private */
	const char *source;     /* the source used ("nft", "pcap", ...), "mixed" when days
	                           or hosts differ, NULL when nothing was found */
	size_t hosts;           /* hosts counted */
	bool found;             /* the store holds any total for the selection */
};

/*
 * The billable-egress rule, the one place it is written: reads the totals of
 * [from, to] (inclusive days) for host (NULL: every host), by day or by month,
 * with one source per host and day (store_query.best_source: nft, else pcap,
 * else import, else iface; sources measure the same traffic and are never
 * added), and calls fn for every row with whether config counts the service
 * as billable (cfg may be NULL: all are).  Non-billable rows are passed too,
 * so callers can tell "measured, nothing billable" from "not measured".
 * Stops and returns fn's non-zero result; else 0, or -1 on a store error.
 */
typedef int (*pricing_egress_fn)(const struct store_total *row, bool billable, void *arg);
int pricing_egress_rows(struct store *st, const struct config *cfg, const char *host, int32_t from,
                        int32_t to, bool by_month, pricing_egress_fn fn, void *arg, struct err *e);

/*
 * Sums the egress of [first, last] (inclusive days) for host (NULL: every
 * host): services that config marks `billable = no` are left out (cfg may be
 * NULL: all billable), and for each host and day one source is used, the
 * first of nft, pcap, import, iface that has data that day; sources are never
 * added together since they measure the same traffic ("mixed" when the
 * source differs between days or hosts).  Returns 0 or -1.
 */
int pricing_month_egress(struct store *st, const struct config *cfg, const char *host,
                         int32_t first, int32_t last, struct pricing_measured *out, struct err *e);

/*
 * Parses a conversion rate "EUR=1.08" (a known currency, a positive decimal
 * with up to six decimals) into cur and micro-units per unit.  Returns 0, or
 * -1 with a message naming the text.
 */
int pricing_rate_parse(const char *arg, char cur[static 4], int64_t *rate, struct err *e);

/* True when code is a currency the tables accept (ISO 4217, upper case). */
bool pricing_currency_known(const char *code);

#endif
