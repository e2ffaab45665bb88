/*
 * What `costs compare` computes, as library calls that compare, plot and
 * export share: the report currency with conversion rates and VAT
 * (pricing_money), plan selection over comma-separated lists with retired
 * plans priced as their successors (pricing_select_lists), the quote of a
 * selection (its bills, sorted as compare prints them), the egress at which
 * two plans swap places (pricing_breakeven) and the egress an invoice
 * implies (pricing_invoice_range).  Nothing here prints.
 */
#ifndef COSTS_PRICING_QUOTE_H
#define COSTS_PRICING_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pricing/pricing.h"

#define PRICING_MAX_RATES 8
/* The egress up to which break-even and invoice searches look: 1 PB. */
#define PRICING_SEARCH_LIMIT 1000000000000000ULL

/* The currency a report is in, conversion rates into it, and VAT. */
struct pricing_money {
	char currency[4]; /* the report currency ("USD" by default) */
	struct {
		char cur[4];
		int64_t rate; /* micro-units of `currency` per unit of cur */
	} rates[PRICING_MAX_RATES];
	size_t nrates;
	bool vat_set;
	int64_t vat; /* percent in micro-units: 19% is 19000000 */
};

/* Initialises m: report currency USD, no rates, no VAT. */
void pricing_money_init(struct pricing_money *m);

/*
 * Sets the report currency (a known ISO 4217 code).  Returns 0, or -1 with
 * a message naming the code.
 */
int pricing_money_currency(struct pricing_money *m, const char *cur, struct err *e);

/*
 * Adds a rate "EUR=1.08" (see pricing_rate_parse).  Returns 0, or -1 when
 * the text is bad or more than PRICING_MAX_RATES were given.
 */
int pricing_money_add_rate(struct pricing_money *m, const char *arg, struct err *e);

/* Sets VAT from a percentage "19" or "7.7" (0 to 100).  Returns 0 or -1. */
int pricing_money_vat(struct pricing_money *m, const char *pct, struct err *e);

/*
 * Checks the rates against the report currency (a rate that converts the
 * report currency into itself is an error).  Returns 0 or -1.
 */
int pricing_money_check(const struct pricing_money *m, struct err *e);

/*
 * Bills plan p for egress bytes as the provider's invoice would:
 * pricing_bill rounded per line to cents (pricing_bill_round), converted
 * line by line into the report currency when it is in a currency m has a
 * rate for (pricing_convert), then VAT on the rounded net when set
 * (pricing_add_vat); the lines always add up to the total.  *converted
 * is true when the bill ends in the report currency.  Returns 0, or -1 on
 * overflow.
 */
int pricing_money_bill(const struct pricing_money *m, const struct pricing_plan *p, uint64_t egress,
                       struct pricing_bill *b, bool *converted, struct err *e);

/*
 * pricing_select over comma-separated sel->provider and sel->plan lists
 * ("render,hetzner", "professional,ex44").  One name each is a plain
 * pricing_select; with lists, each provider's plans in force are kept when
 * the list names them (a retired plan by its successor, see
 * pricing_plan.replaces), and a listed plan that no provider has is an
 * error.  *out and *n as pricing_select; the caller frees *out.
 */
int pricing_select_lists(const struct pricing_tables *t, const struct pricing_select *sel,
                         struct pricing_plan **out, size_t *n, struct err *e);

/* One row of a quote: a plan and its bill in the report currency if possible. */
struct pricing_quote_row {
	const struct pricing_plan *plan;
	struct pricing_bill bill;
	bool converted; /* the bill is in the report currency */
	int64_t key;    /* what the order uses: the total, or without compute
	                   when nothing is known of it (compute_note) */
};

/*
 * The bills of a selection for one egress figure, in compare's order: rows
 * in the report currency first, then by currency, cheapest first, then by
 * provider and plan.
 */
struct pricing_quote {
	char currency[4]; /* the report currency */
	uint64_t egress;
	int32_t month; /* first day of the month billed */
	struct pricing_plan *plans;
	struct pricing_quote_row *rows;
	size_t n;
	bool compute_note;        /* nothing is known about compute: no row's compute is
	                             the config's or a need's, and the rows are ordered
	                             by egress and fees only (total less compute) */
	struct pricing_need need; /* the need matched (sel->need, else derived) */
	const char *need_from;    /* the provider it was derived from, or NULL */
	char unfit[256];          /* providers where nothing meets the need */
	bool mixed;               /* rows in more than one currency */
	bool uncertain;           /* some row uses a figure marked uncertain */
};

/*
 * Selects with pricing_select_lists and bills every plan for egress with
 * pricing_money_bill, sorted as above.  Unless sel->need is set, the need
 * is first derived from the config (pricing_need_derive, from sel->from)
 * and priced on the providers that do not describe their own compute.  Returns 0, or -1 with e set
 * (q is then empty).  The caller releases q with pricing_quote_release; its rows point into t,
 * which must outlive it.
 */
int pricing_quote(const struct pricing_tables *t, const struct pricing_select *sel,
                  const struct pricing_money *m, uint64_t egress, struct pricing_quote *q,
                  struct err *e);

/* Frees what a quote holds; a zeroed quote is a no-op. */
void pricing_quote_release(struct pricing_quote *q);

/*
 * The months a one-off cost takes to pay back from a monthly saving: the
 * smallest whole number of months whose savings cover it,
 * ceil(one_off / saving); 0 when there is nothing to pay back.  Returns
 * false when it never pays back (no saving, and something to pay back).
 */
bool pricing_payback(int64_t one_off, int64_t saving, uint64_t *months);

/* Moving from what runs now to a candidate, in the report currency. */
struct pricing_migration {
	bool comparable;   /* both bills ended in one currency */
	int64_t now, then; /* monthly totals: what you pay now, the candidate */
	int64_t monthly;   /* then - now: negative is a saving */
	int64_t setup;     /* the candidate's one-off (setup) fees */
	int64_t overlap;   /* a month of the candidate while both run (overlap) */
	int64_t one_off;   /* setup + overlap */
	bool pays_back;    /* see pricing_payback */
	uint64_t months;
};

/*
 * The migration from quote row `now` to row `cand` (both of one quote, billed
 * without --first-month): the monthly difference, the candidate's setup fees
 * (converted and taxed as its bill is, rounded to cents), with `overlap` a
 * month of the candidate's bill paid while the current one still runs, and
 * the months the one-off costs take to pay back.  Returns 0, or -1 on
 * overflow.
 */
int pricing_migration(const struct pricing_money *m, const struct pricing_quote_row *now,
                      const struct pricing_quote_row *cand, bool overlap,
                      struct pricing_migration *out, struct err *e);

/*
 * The row of q that is what runs now: provider's row of plan (NULL: its
 * only row).  Returns its index, or -1 with e set (naming the plans) when
 * there is none or several.
 */
long pricing_quote_find(const struct pricing_quote *q, const char *provider, const char *plan,
                        struct err *e);

#define PRICING_MAX_CROSSINGS 16

/*
 * Where the cheaper of two plans changes, from 0 to a limit of egress.
 * `first` is which is strictly cheaper first (-1 a, 1 b, 0 they cost the
 * same everywhere); each crossing gives the first byte count at which the
 * plan that led is no longer strictly cheaper (where it ties, the tie
 * belongs to the crossing) and the new leader.  Equal bills never count as
 * a crossing on their own: a tie that ends with the same leader is none.
 */
struct pricing_crossings {
	int first;
	size_t n;
	struct {
		uint64_t at;
		int lead; /* -1 a, 1 b from `at` on */
	} x[PRICING_MAX_CROSSINGS];
	bool more; /* more than PRICING_MAX_CROSSINGS crossings */
};

/*
 * Finds every crossing of the totals of a and b (both through
 * pricing_money_bill, so they must end in one currency) for egress 0 to
 * limit.  Both bills are non-decreasing in egress, so an interval whose
 * end values keep one plan strictly cheaper holds no crossing: the search
 * splits only intervals where they may meet, and finds bands that open and
 * close.  Returns 0, or -1 on overflow, when the bills are in different
 * currencies, or when the bills meet too often to search (e.g. two
 * staircases of the same slope).
 */
int pricing_breakeven(const struct pricing_money *m, const struct pricing_plan *a,
                      const struct pricing_plan *b, uint64_t limit, struct pricing_crossings *out,
                      struct err *e);

/* Which amount of a bill an invoice gives. */
enum pricing_line {
	PRICING_LINE_TOTAL,  /* the whole invoice */
	PRICING_LINE_EGRESS, /* only its bandwidth (egress) line */
};

enum pricing_invoice_status {
	PRICING_INVOICE_EXACT,   /* egress lo..hi bills exactly the amount */
	PRICING_INVOICE_BETWEEN, /* lo bills below it (at_lo), lo + 1 above (at_hi) */
	PRICING_INVOICE_BELOW,   /* below the bill at zero egress (at_lo) */
	PRICING_INVOICE_ABOVE,   /* above the bill at the search limit (at_hi) */
};

struct pricing_invoice {
	enum pricing_invoice_status status;
	uint64_t lo, hi;
	int64_t at_lo, at_hi;
};

/*
 * The egress volumes (0 to limit) at which plan p's bill (the total, or
 * only its egress line) equals amount, by bisection over the non-decreasing
 * bill.  Returns 0 with *out filled, or -1 on overflow.
 */
int pricing_invoice_range(const struct pricing_money *m, const struct pricing_plan *p,
                          int64_t amount, enum pricing_line line, uint64_t limit,
                          struct pricing_invoice *out, struct err *e);

#endif
