/*
 * Quotes: the report currency, conversion and VAT around pricing_bill, the
 * selection of plan lists, the sorted bills of a selection, break-even
 * crossings and invoice ranges (see quote.h).  It searches over egress but
 * never reads the store or prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/num.h"
#include "pricing/quote.h"

void pricing_money_init(struct pricing_money *m)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->currency, "USD", 4);
}

int pricing_money_currency(struct pricing_money *m, const char *cur, struct err *e)
{
	if (!pricing_currency_known(cur))
		return err_set(e, "unknown currency '%s'", cur);
	snprintf(m->currency, sizeof(m->currency), "%s", cur);
	return 0;
}

int pricing_money_add_rate(struct pricing_money *m, const char *arg, struct err *e)
{
	if (m->nrates == PRICING_MAX_RATES)
		return err_set(e, "too many rates (at most %d)", PRICING_MAX_RATES);
	if (pricing_rate_parse(arg, m->rates[m->nrates].cur, &m->rates[m->nrates].rate, e))
		return -1;
	m->nrates++;
	return 0;
}

int pricing_money_vat(struct pricing_money *m, const char *pct, struct err *e)
{
	int64_t v;

	if (num_parse_fixed(pct, 6, &v, NULL) || v < 0 || v > 100 * (int64_t)PRICING_MICRO)
		return err_set(e, "bad VAT '%s' (a percentage 0-100)", pct);
	m->vat = v;
	m->vat_set = true;
	return 0;
}

int pricing_money_check(const struct pricing_money *m, struct err *e)
{
	for (size_t i = 0; i < m->nrates; i++)
		if (strcmp(m->rates[i].cur, m->currency) == 0)
			return err_set(e, "rate %s converts the report currency into itself",
			               m->currency);
	return 0;
}

int pricing_money_bill(const struct pricing_money *m, const struct pricing_plan *p, uint64_t egress,
                       struct pricing_bill *b, bool *converted, struct err *e)
{
	if (pricing_bill(p, egress, b, e) || pricing_bill_round(p, b, e))
		return -1;
	*converted = strcmp(b->currency, m->currency) == 0;
	for (size_t i = 0; i < m->nrates && !*converted; i++)
		if (strcmp(m->rates[i].cur, b->currency) == 0) {
			if (pricing_convert(b, m->currency, m->rates[i].rate, e))
				return -1;
			*converted = true;
		}
	if (m->vat_set && pricing_add_vat(b, m->vat, e))
		return -1;
	return 0;
}

/*
 * Splits a comma-separated list in place into at most max names; a NULL
 * list gives one NULL name (no restriction).  Returns the count.
 */
static size_t split_names(char *list, const char **names, size_t max)
{
	char *save = NULL, *tok;
	size_t k = 0;

	if (!list) {
		names[0] = NULL;
		return 1;
	}
	for (tok = strtok_r(list, ",", &save); tok && k < max; tok = strtok_r(NULL, ",", &save))
		names[k++] = tok;
	return k;
}

/* Index of the provider table named name, or the count when none. */
static size_t provider_index(const struct pricing_tables *t, const char *name)
{
	size_t i, n = pricing_provider_count(t);

	for (i = 0; i < n && strcmp(pricing_provider_name(t, i), name) != 0; i++)
		;
	return i;
}

/*
 * Whether the list pl names plan p (a retired plan naming its successor,
 * which then records what it replaces); marks the names used.
 */
static bool listed(const struct pricing_tables *t, struct pricing_plan *p, const char *const *pl,
                   size_t npl, bool *used)
{
	size_t pi = provider_index(t, p->provider);
	bool want = false;

	for (size_t j = 0; j < npl; j++) {
		int32_t since;
		const char *name = pricing_successor(t, pi, pl[j], p->month, &since);
		if (strcmp(p->plan, name) != 0)
			continue;
		want = used[j] = true;
		if (since) {
			snprintf(p->replaces, sizeof(p->replaces), "%s", pl[j]);
			p->replaced_on = since;
		}
	}
	return want;
}

/*
 * Selects each listed provider's plans (plan NULL) and keeps the listed
 * plans; a listed plan retired in the month is kept by its successor.
 */
static int select_many(const struct pricing_tables *t, const struct pricing_select *sel,
                       const char *const *pv, size_t npv, const char *const *pl, size_t npl,
                       struct pricing_plan **out, size_t *n, struct err *e)
{
	bool used[16] = {false};

	for (size_t i = 0; i < npv; i++) {
		struct pricing_select one = *sel;
		struct pricing_plan *got = NULL, *all;
		size_t k = 0, kept = 0;

		one.provider = pv[i];
		one.plan = NULL;
		one.allow_unfit = true; /* another provider may meet the need */
		if (pricing_select(t, &one, &got, &k, e)) {
			if (sel->plan && !sel->provider)
				continue; /* nothing in force here: other providers may have it */
			return -1;
		}
		for (size_t r = 0; r < k; r++)
			if (!pl[0] || listed(t, &got[r], pl, npl, used))
				got[kept++] = got[r];
		if (kept && !(all = realloc(*out, (*n + kept) * sizeof(*all)))) {
			free(got);
			return err_set(e, "out of memory");
		}
		if (kept) {
			memcpy(all + *n, got, kept * sizeof(*all));
			*out = all;
			*n += kept;
		}
		free(got);
	}
	for (size_t j = 0; j < npl && pl[0]; j++)
		if (!used[j])
			return err_set(
			    e, "no selected provider has a plan '%s' in force in this month",
			    pl[j]);
	if (!*n && (sel->need.set || sel->derived.set))
		return err_set(e, "no plan has an instance that fits the need");
	return 0;
}

int pricing_select_lists(const struct pricing_tables *t, const struct pricing_select *sel,
                         struct pricing_plan **out, size_t *n, struct err *e)
{
	char *provs = sel->provider ? strdup(sel->provider) : NULL;
	char *plans = sel->plan ? strdup(sel->plan) : NULL;
	const char *pv[16], *pl[16];
	size_t npv, npl;
	int rc = -1;

	*out = NULL;
	*n = 0;
	if ((sel->provider && !provs) || (sel->plan && !plans)) {
		err_set(e, "out of memory");
		goto out;
	}
	npv = split_names(provs, pv, 16);
	npl = split_names(plans, pl, 16);
	if (!npv || !npl) {
		err_set(e, "an empty --provider or --plan list");
		goto out;
	}
	if (npv == 1 && npl == 1) {
		struct pricing_select one = *sel;
		one.provider = pv[0];
		one.plan = pl[0];
		rc = pricing_select(t, &one, out, n, e);
		goto out;
	}
	rc = select_many(t, sel, pv, npv, pl, npl, out, n, e);
out:
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	free(provs);
	free(plans);
	return rc;
}

/* True when name is in the comma-separated list (NULL: every name). */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return !list;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct pricing_quote_row *x = a, *y = b;
	int c;

	/* Rows in the report currency first, then by currency, then cheapest. */
	if (x->converted != y->converted)
		return x->converted ? -1 : 1;
	if ((c = strcmp(x->bill.currency, y->bill.currency)))
		return c;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->bill.total != y->bill.total)
		return x->bill.total < y->bill.total ? -1 : 1;
	if ((c = strcmp(x->plan->provider, y->plan->provider)))
		return c;
	return strcmp(x->plan->plan, y->plan->plan);
}

int pricing_quote(const struct pricing_tables *t, const struct pricing_select *sel,
                  const struct pricing_money *m, uint64_t egress, struct pricing_quote *q,
                  struct err *e)
{
	memset(q, 0, sizeof(*q));
	memcpy(q->currency, m->currency, 4);
	q->egress = egress;
	q->month = date_month_first(sel->month);
	struct pricing_select s = *sel;

	if (!s.need.set && !s.derived.set &&
	    pricing_need_derive(t, sel, sel->from, &s.derived, &s.derived_from, e))
		return -1;
	q->need = s.need.set ? s.need : s.derived;
	q->need_from = s.need.set ? NULL : s.derived_from;
	q->compute_note = true;
	if (pricing_select_lists(t, &s, &q->plans, &q->n, e))
		return -1;
	for (size_t i = 0, o = 0; q->need.set && !sel->region && i < pricing_provider_count(t);
	     i++) {
		const char *name = pricing_provider_name(t, i);
		bool has = false;
		if (!in_list(sel->provider, name))
			continue;
		for (size_t j = 0; j < q->n && !has; j++)
			has = strcmp(q->plans[j].provider, name) == 0;
		if (!has && o + strlen(name) + 3 < sizeof(q->unfit))
			o += (size_t)snprintf(q->unfit + o, sizeof(q->unfit) - o, "%s%s",
			                      o ? ", " : "", name);
	}
	if (!(q->rows = calloc(q->n, sizeof(*q->rows)))) {
		pricing_quote_release(q);
		return err_set(e, "out of memory");
	}
	for (size_t i = 0; i < q->n; i++) {
		const struct pricing_plan *p = &q->plans[i];
		q->rows[i].plan = p;
		if (pricing_money_bill(m, p, egress, &q->rows[i].bill, &q->rows[i].converted, e)) {
			err_prefix(e, "%s/%s: ", p->provider, p->plan);
			pricing_quote_release(q);
			return -1;
		}
		if (p->compute_known)
			q->compute_note = false;
		q->uncertain |= p->uncertain;
	}
	for (size_t i = 0; i < q->n; i++) {
		const struct pricing_bill *b = &q->rows[i].bill;
		/* With nothing known of compute, the order is egress and fees. */
		q->rows[i].key = q->compute_note ? b->total - b->compute : b->total;
	}
	if (q->n > 1)
		qsort(q->rows, q->n, sizeof(*q->rows), cmp_rows);
	for (size_t i = 0; i + 1 < q->n; i++)
		q->mixed |= strcmp(q->rows[i].bill.currency, q->rows[i + 1].bill.currency) != 0;
	return 0;
}

void pricing_quote_release(struct pricing_quote *q)
{
	free(q->rows);
	free(q->plans);
	q->rows = NULL;
	q->plans = NULL;
	q->n = 0;
}

/* The amount of a bill an invoice line is compared with. */
static int amount_at(const struct pricing_money *m, const struct pricing_plan *p, uint64_t x,
                     enum pricing_line line, int64_t *v, char cur[4], struct err *e)
{
	struct pricing_bill b;
	bool conv;

	if (pricing_money_bill(m, p, x, &b, &conv, e))
		return -1;
	*v = line == PRICING_LINE_EGRESS ? b.egress : b.total;
	if (cur)
		memcpy(cur, b.currency, 4);
	return 0;
}

/* A search node: an interval with the totals of a and b at both ends. */
struct be_end {
	uint64_t x;
	int64_t a, b;
};

struct be_search {
	const struct pricing_money *m;
	const struct pricing_plan *pa, *pb;
	struct pricing_crossings *out;
	int lead;      /* the plan strictly cheaper last (0: none yet) */
	uint64_t last; /* the last egress where it was */
	size_t nodes;
};

#define BE_MAX_NODES 4000000

static int sign(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/* Feeds the state machine a run of egress [lo, hi] on which the sign is s. */
static void be_run(struct be_search *s, uint64_t lo, uint64_t hi, int sg)
{
	(void)lo;
	if (sg == 0)
		return;
	if (sg != s->lead && s->lead != 0) {
		struct pricing_crossings *o = s->out;
		if (o->n < PRICING_MAX_CROSSINGS) {
			o->x[o->n].at = s->last + 1;
			o->x[o->n].lead = sg;
			o->n++;
		} else {
			o->more = true;
		}
	}
	if (s->lead == 0)
		s->out->first = sg;
	s->lead = sg;
	s->last = hi;
}

static int be_eval(struct be_search *s, uint64_t x, struct be_end *v, struct err *e)
{
	v->x = x;
	if (amount_at(s->m, s->pa, x, PRICING_LINE_TOTAL, &v->a, NULL, e) ||
	    amount_at(s->m, s->pb, x, PRICING_LINE_TOTAL, &v->b, NULL, e))
		return -1;
	return 0;
}

/*
 * Walks [lo, hi] left to right.  Bills do not decrease, so on the interval
 * a <= a(hi) and b >= b(lo): a(hi) < b(lo) keeps a strictly cheaper
 * throughout, and likewise for b; two flat bills keep one sign.
 */
static int be_walk(struct be_search *s, const struct be_end *lo, const struct be_end *hi,
                   struct err *e)
{
	struct be_end mid;

	if (++s->nodes > BE_MAX_NODES)
		return err_set(e, "the bills meet too often to search");
	if (hi->a < lo->b) {
		be_run(s, lo->x, hi->x, -1);
		return 0;
	}
	if (hi->b < lo->a) {
		be_run(s, lo->x, hi->x, 1);
		return 0;
	}
	if (lo->a == hi->a && lo->b == hi->b) {
		be_run(s, lo->x, hi->x, sign(lo->a, lo->b));
		return 0;
	}
	if (hi->x - lo->x <= 1) {
		be_run(s, lo->x, lo->x, sign(lo->a, lo->b));
		be_run(s, hi->x, hi->x, sign(hi->a, hi->b));
		return 0;
	}
	if (be_eval(s, lo->x + (hi->x - lo->x) / 2, &mid, e))
		return -1;
	return be_walk(s, lo, &mid, e) || be_walk(s, &mid, hi, e) ? -1 : 0;
}

int pricing_breakeven(const struct pricing_money *m, const struct pricing_plan *a,
                      const struct pricing_plan *b, uint64_t limit, struct pricing_crossings *out,
                      struct err *e)
{
	struct be_search s = {.m = m, .pa = a, .pb = b, .out = out};
	struct be_end lo, hi;
	char ca[4], cb[4];
	int64_t v;

	memset(out, 0, sizeof(*out));
	if (amount_at(m, a, 0, PRICING_LINE_TOTAL, &v, ca, e) ||
	    amount_at(m, b, 0, PRICING_LINE_TOTAL, &v, cb, e))
		return -1;
	if (strcmp(ca, cb))
		return err_set(e, "different currencies (%s, %s)", ca, cb);
	if (be_eval(&s, 0, &lo, e) || be_eval(&s, limit, &hi, e))
		return -1;
	return be_walk(&s, &lo, &hi, e);
}

int pricing_invoice_range(const struct pricing_money *m, const struct pricing_plan *p,
                          int64_t amount, enum pricing_line line, uint64_t limit,
                          struct pricing_invoice *out, struct err *e)
{
	uint64_t lo = 0, hi = limit;
	int64_t t;

	memset(out, 0, sizeof(*out));
	if (amount_at(m, p, 0, line, &out->at_lo, NULL, e) ||
	    amount_at(m, p, limit, line, &out->at_hi, NULL, e))
		return -1;
	if (amount < out->at_lo) {
		out->status = PRICING_INVOICE_BELOW;
		return 0;
	}
	if (amount > out->at_hi) {
		out->status = PRICING_INVOICE_ABOVE;
		out->lo = out->hi = limit;
		return 0;
	}
	while (lo < hi) { /* the least egress whose bill reaches the amount */
		uint64_t mid = lo + (hi - lo) / 2;
		if (amount_at(m, p, mid, line, &t, NULL, e))
			return -1;
		if (t >= amount)
			hi = mid;
		else
			lo = mid + 1;
	}
	out->lo = lo;
	if (amount_at(m, p, lo, line, &out->at_hi, NULL, e))
		return -1;
	hi = limit;
	while (lo < hi) { /* the most egress whose bill stays within it */
		uint64_t mid = lo + (hi - lo + 1) / 2;
		if (amount_at(m, p, mid, line, &t, NULL, e))
			return -1;
		if (t <= amount)
			lo = mid;
		else
			hi = mid - 1;
	}
	if (out->at_hi == amount) {
		out->status = PRICING_INVOICE_EXACT;
		out->hi = lo;
		out->at_lo = amount;
		return 0;
	}
	/* No volume bills the amount: lo - 1 bills less, lo more. */
	out->status = PRICING_INVOICE_BETWEEN;
	out->hi = out->lo;
	out->lo = out->lo - 1;
	return amount_at(m, p, out->lo, line, &out->at_lo, NULL, e);
}

bool pricing_payback(int64_t one_off, int64_t saving, uint64_t *months)
{
	*months = 0;
	if (one_off <= 0)
		return true;
	if (saving <= 0)
		return false;
	*months = (uint64_t)(one_off / saving) + (one_off % saving != 0);
	return true;
}

int pricing_migration(const struct pricing_money *m, const struct pricing_quote_row *now,
                      const struct pricing_quote_row *cand, bool overlap,
                      struct pricing_migration *out, struct err *e)
{
	struct pricing_bill b = {0};

	memset(out, 0, sizeof(*out));
	out->now = now->bill.total;
	out->then = cand->bill.total;
	out->comparable = strcmp(now->bill.currency, cand->bill.currency) == 0;
	if (!out->comparable)
		return 0;
	/* The setup fees as a bill of their own: rounded, converted, taxed. */
	memcpy(b.currency, cand->plan->currency, sizeof(b.currency));
	b.other = cand->plan->setup;
	b.total = b.other;
	if (pricing_bill_round(cand->plan, &b, e))
		return -1;
	if (strcmp(b.currency, m->currency) != 0)
		for (size_t i = 0; i < m->nrates; i++)
			if (strcmp(m->rates[i].cur, b.currency) == 0 &&
			    pricing_convert(&b, m->currency, m->rates[i].rate, e))
				return -1;
	if (m->vat_set && pricing_add_vat(&b, m->vat, e))
		return -1;
	out->setup = b.total;
	out->overlap = overlap ? out->then : 0;
	if (!num_add_i64(out->setup, out->overlap, &out->one_off) ||
	    !num_add_i64(out->then, -out->now, &out->monthly))
		return err_set(e, "migration costs overflow");
	out->pays_back = pricing_payback(out->one_off, -out->monthly, &out->months);
	return 0;
}

long pricing_quote_find(const struct pricing_quote *q, const char *provider, const char *plan,
                        struct err *e)
{
	long found = -1;
	size_t n = 0, o = 0;
	char plans[256] = "";

	for (size_t i = 0; i < q->n; i++) {
		const struct pricing_plan *p = q->rows[i].plan;
		if (strcmp(p->provider, provider) != 0)
			continue;
		if (o + strlen(p->plan) + 3 < sizeof(plans))
			o += (size_t)snprintf(plans + o, sizeof(plans) - o, "%s%s", o ? ", " : "",
			                      p->plan);
		if (plan && strcmp(p->plan, plan) != 0 &&
		    !(p->replaces[0] && strcmp(p->replaces, plan) == 0))
			continue;
		found = (long)i;
		n++;
	}
	if (n == 1)
		return found;
	if (!o)
		return err_set(e, "--from %s: no row of %s in this comparison", provider, provider);
	if (!n)
		return err_set(e, "--from %s:%s: no such plan in this comparison (%s has: %s)",
		               provider, plan, provider, plans);
	return err_set(e,
	               "--from %s: %s has several plans here (%s): say which, as %s:PLAN, "
	               "or set plan = in [provider %s]",
	               provider, provider, plans, provider, provider);
}
