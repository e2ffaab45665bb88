/*
 * Set-up shared by the pricing unit tests: the shipped provider tables of
 * $SRCDIR/providers, loaded once per group (cmocka's group set-up), the
 * units the hand-worked figures are written in, and the one way they select
 * a plan and bill it (fixture_select, fixture_plan, fixture_bill).  Include
 * after cmocka.h.
 */
#ifndef COSTS_TESTS_PRICING_FIXTURE_H
#define COSTS_TESTS_PRICING_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/date.h"
#include "util/num.h"
#include "pricing/pricing.h"
#include "pricing/quote.h"

#define GB     1000000000ULL
#define TB     1000000000000ULL
#define TiB    1099511627776ULL
#define GiB    1073741824ULL
#define MiB    1048576ULL
#define USD(x) ((int64_t)((x)*1000000.0 + 0.5)) /* readable constants only */

static struct pricing_tables *tables;

static int setup(void **state)
{
	const char *src = getenv("SRCDIR");
	char dir[4096];
	struct err e;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/providers", src ? src : ".");
	if (pricing_load_dir(dir, &tables, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pricing_tables_free(tables);
	return 0;
}

/* Fails with both amounts (micro-units, shown to the micro-unit) when they differ. */
static inline void expect(const char *what, int64_t got, int64_t want)
{
	char g[32], w[32];
	if (got != want)
		fail_msg("%s: got %s, want %s", what, num_format_fixed(got, 6, 6, g, 32),
		         num_format_fixed(want, 6, 6, w, 32));
}

/*
 * What a test selects, as the command line and the config give it: texts
 * are parsed as costs parses them, NULL (or 0) is "not given".
 */
struct fixture_sel {
	const char *month;      /* YYYY-MM, required */
	const char *provider;   /* NULL: every provider */
	const char *plan;       /* NULL: the config's, else every plan in force */
	const char *region;     /* NULL: the config's, else the table's first */
	const char *config;     /* a config text, read as "t.conf" */
	const char *need;       /* as --need */
	const char *hours;      /* as --hours */
	unsigned seats;         /* as --seats */
	bool first_month;       /* one-off fees included */
	uint64_t private_bytes; /* of the egress, private traffic to other regions */
	/* FIXTURE_INVOICE only: the report currency (NULL: USD), one rate
	 * ("EUR=1.08") and VAT ("19"). */
	const char *currency, *rate, *vat;
};

/* Flags of fixture_plan and fixture_bill. */
#define FIXTURE_ROUND   1u /* the invoice's figures: pricing_bill_round after the bill */
#define FIXTURE_LISTS   2u /* select with pricing_select_lists (comma lists, successors) */
#define FIXTURE_INVOICE 4u /* bill with pricing_money_bill in s's currency, rate and VAT */

/*
 * Fills *sel from s.  When s has a config text, *cfg gets the parsed config
 * (sel->config points at it; the caller frees it with config_free), else
 * *cfg is NULL; cfg may be NULL only when s has none.  Fails the test on a
 * bad month, need, hours or config.
 */
static inline void fixture_select(const struct fixture_sel *s, struct pricing_select *sel,
                                  struct config **cfg)
{
	struct err e;

	*sel = (struct pricing_select){.provider = s->provider,
	                               .plan = s->plan,
	                               .region = s->region,
	                               .seats = s->seats,
	                               .first_month = s->first_month,
	                               .private_bytes = s->private_bytes};
	if (cfg)
		*cfg = NULL;
	if (date_parse_month(s->month, &sel->month, NULL, &e))
		fail_msg("%s", e.msg);
	if (s->hours && pricing_hours_parse(s->hours, &sel->seconds, &e))
		fail_msg("%s", e.msg);
	if (s->need && pricing_need_parse(s->need, &sel->need, &e))
		fail_msg("%s", e.msg);
	if (s->config) {
		assert_non_null(cfg);
		if (config_parse(s->config, strlen(s->config), "t.conf", cfg, &e))
			fail_msg("%s", e.msg);
		sel->config = *cfg;
	}
}

/*
 * The one plan s selects (pricing_select, or pricing_select_lists with
 * FIXTURE_LISTS); fails the test when the selection fails or gives another
 * number of plans.  The caller frees the plan and then *cfg (see
 * fixture_select: the plan may point into the config).
 */
static inline struct pricing_plan *fixture_plan(const struct fixture_sel *s, unsigned flags,
                                                struct config **cfg)
{
	struct pricing_select sel;
	struct pricing_plan *p = NULL;
	struct err e;
	size_t n = 0;
	int rc;

	fixture_select(s, &sel, cfg);
	if (flags & FIXTURE_LISTS)
		rc = pricing_select_lists(tables, &sel, &p, &n, &e);
	else
		rc = pricing_select(tables, &sel, &p, &n, &e);
	if (rc)
		fail_msg("select %s/%s in %s: %s", s->provider ? s->provider : "(any)",
		         s->plan ? s->plan : "(any)", s->month, e.msg);
	assert_int_equal(n, 1);
	return p;
}

/*
 * Bills egress bytes on the one plan s selects: exact (pricing_bill), with
 * FIXTURE_ROUND as the invoice (lines rounded to cents, then summed), with
 * FIXTURE_INVOICE through pricing_money_bill (which rounds: FIXTURE_ROUND
 * adds nothing to it).  Returns whether the plan used a row marked
 * uncertain.
 */
static inline bool fixture_bill(const struct fixture_sel *s, unsigned flags, uint64_t egress,
                                struct pricing_bill *b)
{
	struct config *cfg;
	struct pricing_plan *p = fixture_plan(s, flags, &cfg);
	struct pricing_money m;
	struct err e;
	bool conv, uncertain;

	if (flags & FIXTURE_INVOICE) {
		pricing_money_init(&m);
		if (s->currency && pricing_money_currency(&m, s->currency, &e))
			fail_msg("%s", e.msg);
		if (s->rate && pricing_money_add_rate(&m, s->rate, &e))
			fail_msg("%s", e.msg);
		if (s->vat && pricing_money_vat(&m, s->vat, &e))
			fail_msg("%s", e.msg);
		if (pricing_money_bill(&m, p, egress, b, &conv, &e))
			fail_msg("%s", e.msg);
	} else {
		if (pricing_bill(p, egress, b, &e))
			fail_msg("%s", e.msg);
		if ((flags & FIXTURE_ROUND) && pricing_bill_round(p, b, &e))
			fail_msg("%s", e.msg);
	}
	uncertain = p->uncertain;
	free(p);
	config_free(cfg);
	return uncertain;
}

#endif
