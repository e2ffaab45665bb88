/*
 * Which rows of the provider tables rest on a source older than a given
 * number of days (`providers check --stale`), and which carry a source but
 * no date.  It only reads the loaded tables; validating them is table.c's
 * business and printing the CLI's.
 */
#include "pricing/pricing_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/date.h"

struct collect {
	const struct pricing_tables *t;
	size_t provider;
	int32_t today, days;
	struct pricing_stale *v;
	size_t n, cap;
	struct err *e;
};

static int collect_row(void *ctx, size_t line, const char *const *v)
{
	struct collect *c = ctx;
	struct pricing_stale s = {.line = line, .source_day = PRICING_UNDATED};
	struct err e;

	/* Rows that state no fact (region declarations) have nothing to date. */
	if (!*v[COL_SOURCE] && !*v[COL_PRICE])
		return 0;
	/*
	 * A row that ended before today is history: a newer page cannot
	 * change it, so its source's age is no reason to look again.
	 */
	if (*v[COL_TO]) {
		int32_t to;
		if (date_parse_day(v[COL_TO], &to, &e))
			return err_set(c->e, "%s:%zu: %s", pricing_provider_path(c->t, c->provider),
			               line, e.msg);
		if (to < c->today)
			return 0;
	}
	if (*v[COL_SOURCE_DATE]) {
		if (date_parse_day(v[COL_SOURCE_DATE], &s.source_day, &e))
			return err_set(c->e, "%s:%zu: %s", pricing_provider_path(c->t, c->provider),
			               line, e.msg);
		s.age = c->today - s.source_day;
		if (s.age <= c->days)
			return 0;
	}
	s.provider = pricing_provider_name(c->t, c->provider);
	s.path = pricing_provider_path(c->t, c->provider);
	snprintf(s.kind, sizeof(s.kind), "%s", v[COL_KIND]);
	snprintf(s.plan, sizeof(s.plan), "%s", v[COL_PLAN]);
	snprintf(s.item, sizeof(s.item), "%s", v[COL_ITEM]);
	snprintf(s.region, sizeof(s.region), "%s", v[COL_REGION]);
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 16;
		struct pricing_stale *p = realloc(c->v, nc * sizeof(*p));
		if (!p)
			return err_set(c->e, "out of memory");
		c->v = p;
		c->cap = nc;
	}
	c->v[c->n++] = s;
	return 0;
}

int pricing_stale(const struct pricing_tables *t, int32_t today, int32_t days,
                  struct pricing_stale **out, size_t *n, struct err *e)
{
	struct collect c = {.t = t, .today = today, .days = days, .e = e};

	for (c.provider = 0; c.provider < pricing_provider_count(t); c.provider++) {
		if (pricing_provider_rows(t, c.provider, collect_row, &c)) {
			free(c.v);
			return -1;
		}
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
