/*
 * Writers for compare's rows (see compare.h).  They format what the pricing
 * library computed and compute nothing themselves: a shown line and the
 * shown total come from the same bill.
 */
#include <inttypes.h>
#include <jansson.h>
#include <string.h>

#include "report/compare.h"
#include "report/table.h"
#include "util/csvio.h"
#include "util/date.h"
#include "util/num.h"

static const char *money(int64_t v, char *buf, size_t len)
{
	return num_format_fixed(v, 6, 2, buf, len);
}

static const char *u64s(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

const char *report_compare_instances(const struct pricing_plan *p, char *buf, size_t len)
{
	if (p->instance && p->instance_list)
		snprintf(buf, len, "%s", p->instance);
	else if (p->instance)
		snprintf(buf, len, "%ux %s", p->count, p->instance);
	else
		snprintf(buf, len, "-");
	return buf;
}

static const char *cpu_name(enum pricing_cpu c)
{
	return c == PRICING_CPU_DEDICATED ? "dedicated" : c == PRICING_CPU_SHARED ? "shared" : "";
}

const char *report_compare_fit(const struct pricing_plan *p)
{
	return !p->compute_known ? "unknown" : p->matched ? "need" : "config";
}

char *report_compare_note(const struct pricing_quote *q, char *buf, size_t len)
{
	char need[96];

	buf[0] = '\0';
	if (q->compute_note)
		snprintf(buf, len, "compute unknown: cheapest first by egress and fees only");
	else if (q->need.set)
		snprintf(buf, len, "need %s%s%s", pricing_need_format(&q->need, need, sizeof(need)),
		         q->need_from ? ", as on " : " (--need)", q->need_from ? q->need_from : "");
	return buf;
}

static int table_row(struct report_table *t, const struct pricing_quote_row *row)
{
	const struct pricing_plan *p = row->plan;
	const struct pricing_bill *b = &row->bill;
	char inc[32], bil[32], m[7][32], inst[96], plan[80];

	snprintf(plan, sizeof(plan), "%s%s", p->plan, p->uncertain ? " *" : "");
	if (b->unlimited)
		snprintf(inc, sizeof(inc), "unlimited");
	else
		num_format_bytes(b->included_bytes, inc, sizeof(inc));
	num_format_bytes(b->billable_bytes, bil, sizeof(bil));
	const char *cells[] = {p->provider,
	                       plan,
	                       p->region,
	                       report_compare_instances(p, inst, sizeof(inst)),
	                       report_compare_fit(p),
	                       cpu_name(p->cpu),
	                       inc,
	                       bil,
	                       num_format_cents(b->base, m[0], 32),
	                       num_format_cents(b->seats, m[1], 32),
	                       num_format_cents(b->compute, m[2], 32),
	                       num_format_cents(b->egress, m[3], 32),
	                       num_format_cents(b->other, m[4], 32),
	                       num_format_cents(b->vat, m[5], 32),
	                       num_format_cents(b->total, m[6], 32),
	                       b->currency};
	return report_table_add(t, cells);
}

int report_compare_table(FILE *f, const struct pricing_quote *q)
{
	static const char *const hdr[] = {
	    "provider", "plan",  "region",  "instances", "fit",   "cpu", "included", "billable",
	    "base",     "seats", "compute", "egress",    "other", "vat", "total",    "cur"};
	struct report_table *t = report_table_new(16, hdr, "lllllllrrrrrrrrl");
	char need[96];
	int rc = 0;

	if (!t)
		return -1;
	if (q->compute_note)
		rc = fprintf(f, "cheapest first by egress and fees only: compute unknown (no "
		                "[provider] section says what runs, no --need)\n") < 0;
	else if (q->need.set)
		rc = fprintf(f,
		             "need %s%s%s, priced on every provider that does not say what "
		             "runs there (fit: need)\n",
		             pricing_need_format(&q->need, need, sizeof(need)),
		             q->need_from ? ", as on " : " (--need)",
		             q->need_from ? q->need_from : "") < 0;
	if (!rc && q->unfit[0])
		rc = fprintf(f, "nothing meets the need on: %s\n", q->unfit) < 0;
	for (size_t i = 0; i < q->n && !rc; i++)
		rc = table_row(t, &q->rows[i]);
	if (!rc)
		rc = report_table_print(t, f);
	report_table_free(t);
	if (!rc && q->uncertain)
		rc = fprintf(f, "* uses a figure the price research marks uncertain "
		                "(see 'costs providers show NAME')\n") < 0;
	if (!rc && q->compute_note)
		rc = fprintf(f, "compute not priced: no [provider] section or --need, so only "
		                "fixed fees and egress are priced and ordered (plans that are "
		                "servers count one; fit: unknown)\n") < 0;
	if (!rc && q->mixed)
		rc = fprintf(f,
		             "rows are in different currencies and are not comparable; give "
		             "--rate CUR=X to convert into %s\n",
		             q->currency) < 0;
	return rc ? -1 : 0;
}

int report_compare_csv(FILE *f, const struct pricing_quote *q)
{
	static const char *const hdr[] = {
	    "provider",     "plan",           "region",         "month", "currency",
	    "egress_bytes", "included_bytes", "billable_bytes", "base",  "compute",
	    "egress",       "other",          "total",          "seats", "vat",
	    "instance",     "count",          "uncertain",      "fit",   "cpu",
	    "need"};
	int rc = csvio_write_row(f, hdr, sizeof(hdr) / sizeof(hdr[0]));
	char need[96] = "";

	if (q->need.set)
		pricing_need_format(&q->need, need, sizeof(need));
	for (size_t i = 0; i < q->n && !rc; i++) {
		const struct pricing_plan *p = q->rows[i].plan;
		const struct pricing_bill *b = &q->rows[i].bill;
		char mon[8], eg[24], inc[24], bil[24], m[7][32], cnt[16];
		int64_t base = b->base + b->seats; /* the contract's base holds seat fees */
		snprintf(cnt, sizeof(cnt), "%u", p->instance ? p->count : 0);
		const char *cells[] = {p->provider,
		                       p->plan,
		                       p->region,
		                       date_format_month(p->month, mon),
		                       b->currency,
		                       u64s(b->egress_bytes, eg, sizeof(eg)),
		                       u64s(b->included_bytes, inc, sizeof(inc)),
		                       u64s(b->billable_bytes, bil, sizeof(bil)),
		                       money(base, m[0], 32),
		                       money(b->compute, m[1], 32),
		                       money(b->egress, m[2], 32),
		                       money(b->other, m[3], 32),
		                       money(b->total, m[4], 32),
		                       money(b->seats, m[5], 32),
		                       money(b->vat, m[6], 32),
		                       p->instance ? p->instance : "",
		                       cnt,
		                       p->uncertain ? "yes" : "no",
		                       report_compare_fit(p),
		                       cpu_name(p->cpu),
		                       p->matched ? need : ""};
		rc = csvio_write_row(f, cells, sizeof(cells) / sizeof(cells[0]));
	}
	return rc ? -1 : 0;
}

static json_t *json_money(int64_t v)
{
	char buf[32];
	return json_string(money(v, buf, sizeof(buf)));
}

static json_t *row_json(const struct pricing_quote *q, const struct pricing_quote_row *row)
{
	const struct pricing_plan *p = row->plan;
	const struct pricing_bill *b = &row->bill;
	char mon[8];
	json_t *o = json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "provider",
	    p->provider, "plan", p->plan, "region", p->region, "month",
	    date_format_month(p->month, mon), "currency", b->currency, "egress_bytes",
	    (json_int_t)b->egress_bytes, "included_bytes", (json_int_t)b->included_bytes,
	    "billable_bytes", (json_int_t)b->billable_bytes, "unlimited", b->unlimited, "base",
	    json_money(b->base), "seats", json_money(b->seats), "compute", json_money(b->compute),
	    "egress", json_money(b->egress), "other", json_money(b->other), "vat",
	    json_money(b->vat), "total", json_money(b->total), "uncertain", p->uncertain);

	if (o && p->instance) {
		json_object_set_new(o, "instance", json_string(p->instance));
		json_object_set_new(o, "count", json_integer(p->count));
	}
	if (o && p->replaces[0])
		json_object_set_new(o, "replaces", json_string(p->replaces));
	if (o) {
		json_object_set_new(o, "fit", json_string(report_compare_fit(p)));
		if (p->cpu != PRICING_CPU_UNKNOWN)
			json_object_set_new(o, "cpu", json_string(cpu_name(p->cpu)));
	}
	if (o && p->matched) {
		char need[96];
		json_object_set_new(o, "need",
		                    json_string(pricing_need_format(&q->need, need, sizeof(need))));
		if (q->need_from)
			json_object_set_new(o, "need_from", json_string(q->need_from));
	}
	return o;
}

int report_compare_json(FILE *f, const struct pricing_quote *q)
{
	json_t *arr = json_array();
	int rc = 0;

	if (!arr)
		return -1;
	for (size_t i = 0; i < q->n && !rc; i++) {
		json_t *o = row_json(q, &q->rows[i]);
		rc = !o || json_array_append_new(arr, o);
	}
	if (!rc)
		rc = json_dumpf(arr, f, JSON_INDENT(2)) || fputc('\n', f) == EOF;
	json_decref(arr);
	return rc ? -1 : 0;
}

static const char *pname(const struct pricing_plan *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", p->provider, p->plan);
	return buf;
}

/* One pair's crossings, as a line of text.  Returns 0, or 1 on a write error. */
static int crossings(FILE *f, const struct pricing_plan *a, const struct pricing_plan *b,
                     const struct pricing_crossings *c)
{
	char na[96], nb[96], sz[32];
	const char *lead;

	pname(a, na, sizeof(na));
	pname(b, nb, sizeof(nb));
	fprintf(f, "  %s and %s: ", na, nb);
	if (c->first == 0)
		return fprintf(f, "the same bill up to 1 PB\n") < 0;
	lead = c->first < 0 ? na : nb;
	if (c->n == 0)
		return fprintf(f, "%s stays cheaper up to 1 PB\n", lead) < 0;
	if (c->n == 1)
		return fprintf(f, "%s (%" PRIu64 " bytes); below it %s is cheaper\n",
		               num_format_bytes(c->x[0].at, sz, sizeof(sz)), c->x[0].at, lead) < 0;
	fprintf(f, "%s is cheaper first", lead);
	for (size_t i = 0; i < c->n; i++)
		fprintf(f, "; %s from %s (%" PRIu64 " bytes)", c->x[i].lead < 0 ? na : nb,
		        num_format_bytes(c->x[i].at, sz, sizeof(sz)), c->x[i].at);
	return fprintf(f, "%s\n", c->more ? "; and more" : "") < 0;
}

int report_compare_breakeven(FILE *f, const struct pricing_money *m, const struct pricing_quote *q,
                             struct err *e)
{
	const struct pricing_quote_row *best[64];
	size_t nb = 0;

	/* The cheapest row of each provider, in the sorted order. */
	for (size_t i = 0; i < q->n && nb < 64; i++) {
		bool seen = false;
		for (size_t j = 0; j < nb && !seen; j++)
			seen = strcmp(best[j]->plan->provider, q->rows[i].plan->provider) == 0;
		if (!seen)
			best[nb++] = &q->rows[i];
	}
	fprintf(f, "\nbreak-even egress (cheapest plan of each provider):\n");
	if (nb < 2 && fprintf(f, "  only one provider selected\n") < 0)
		return err_set(e, "cannot write the break-even");
	for (size_t i = 0; i < nb; i++)
		for (size_t j = i + 1; j < nb; j++) {
			const struct pricing_plan *x = best[i]->plan, *y = best[j]->plan;
			struct pricing_crossings c;
			char nx[96], ny[96];
			if (strcmp(best[i]->bill.currency, best[j]->bill.currency)) {
				fprintf(f,
				        "  %s and %s: different currencies (%s, %s); give --rate\n",
				        pname(x, nx, sizeof(nx)), pname(y, ny, sizeof(ny)),
				        best[i]->bill.currency, best[j]->bill.currency);
				continue;
			}
			if (pricing_breakeven(m, x, y, PRICING_SEARCH_LIMIT, &c, e))
				return err_prefix(e, "%s and %s: ", pname(x, nx, sizeof(nx)),
				                  pname(y, ny, sizeof(ny)));
			if (crossings(f, x, y, &c))
				return err_set(e, "cannot write the break-even");
		}
	return 0;
}

int report_compare_migration(FILE *f, const struct pricing_money *m, const struct pricing_quote *q,
                             size_t now, bool overlap, struct err *e)
{
	static const char *const hdr[] = {"candidate", "monthly", "difference", "setup",
	                                  "overlap",   "one-off", "payback",    "cur"};
	const struct pricing_quote_row *cur = &q->rows[now];
	struct report_table *t = report_table_new(8, hdr, "lrrrrrrl");
	char name[96], m1[32];
	int rc = 0;

	if (!t)
		return err_set(e, "out of memory");
	for (size_t i = 0; i < q->n && !rc; i++) {
		struct pricing_migration mg;
		char mm[6][32], pb[40];
		if (i == now)
			continue;
		if (pricing_migration(m, cur, &q->rows[i], overlap, &mg, e)) {
			report_table_free(t);
			return -1;
		}
		pname(q->rows[i].plan, name, sizeof(name));
		if (!mg.comparable) {
			const char *cells[] = {name,
			                       num_format_cents(mg.then, mm[0], 32),
			                       "-",
			                       "-",
			                       "-",
			                       "-",
			                       "other currency",
			                       q->rows[i].bill.currency};
			rc = report_table_add(t, cells);
			continue;
		}
		if (!mg.pays_back)
			snprintf(pb, sizeof(pb), "never");
		else if (mg.months == 0)
			snprintf(pb, sizeof(pb), "at once");
		else
			snprintf(pb, sizeof(pb), "%" PRIu64 " month%s", mg.months,
			         mg.months == 1 ? "" : "s");
		snprintf(mm[1], 32, "%s%s", mg.monthly > 0 ? "+" : "",
		         num_format_cents(mg.monthly, mm[5], 32));
		const char *cells[] = {name,
		                       num_format_cents(mg.then, mm[0], 32),
		                       mm[1],
		                       num_format_cents(mg.setup, mm[2], 32),
		                       num_format_cents(mg.overlap, mm[3], 32),
		                       num_format_cents(mg.one_off, mm[4], 32),
		                       pb,
		                       q->currency};
		rc = report_table_add(t, cells);
	}
	if (!rc)
		rc = fprintf(f,
		             "\nmigration from %s: %s %s a month now; one-off costs are setup "
		             "fees%s\n",
		             pname(cur->plan, name, sizeof(name)),
		             num_format_cents(cur->bill.total, m1, sizeof(m1)), cur->bill.currency,
		             overlap ? " and a month of running both (--overlap)" : "") < 0;
	if (!rc)
		rc = report_table_print(t, f);
	report_table_free(t);
	return rc ? err_set(e, "cannot write the migration view") : 0;
}
