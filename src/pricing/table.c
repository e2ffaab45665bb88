/*
 * Provider tables: reads one CSV file per provider with csvio, validates
 * every field and every cross-row rule (plans referenced exist, effective
 * ranges of one item do not overlap, every price has a source), and keeps
 * the parsed rows for selection.  Pricing itself lives in engine.c.
 */
#include "pricing/pricing_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csvio.h"
#include "util/date.h"
#include "util/name.h"
#include "util/num.h"

const char *const pricing_columns[TABLE_NCOLS] = {
    "kind",   "plan",        "item",  "region",   "from",     "to",   "currency",
    "price",  "per",         "block", "rounding", "included", "vcpu", "ram",
    "source", "source_date", "notes", "orders",   "cpu",      "disk",
};

const size_t pricing_ncolumns = TABLE_NCOLS;

static const char *const kinds[] = {"plan", "seat", "instance", "egress",
                                    "fee",  "free", "region",   "successor"};

static const char *const currencies[] = {
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "SGD", "INR",
    "SEK", "NOK", "DKK", "PLN", "CZK", "BRL", "HKD", "ZAR", "MXN",
};

bool pricing_currency_known(const char *code)
{
	for (size_t i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (strcmp(code, currencies[i]) == 0)
			return true;
	return false;
}

int pricing_rate_parse(const char *arg, char cur[static 4], int64_t *rate, struct err *e)
{
	const char *eq = strchr(arg, '=');
	struct err sub;

	if (!eq || eq - arg != 3)
		return err_set(e, "bad rate '%s' (like EUR=1.08)", arg);
	memcpy(cur, arg, 3);
	cur[3] = '\0';
	if (!pricing_currency_known(cur))
		return err_set(e, "unknown currency '%s' in rate '%s'", cur, arg);
	if (num_parse_fixed(eq + 1, 6, rate, &sub))
		return err_set(e, "bad rate '%s': %s", arg, sub.msg);
	if (*rate <= 0)
		return err_set(e, "bad rate '%s': a rate must be positive", arg);
	return 0;
}

struct loader {
	struct table *t;
	int col[TABLE_NCOLS]; /* field index of each known column, or -1 */
	size_t nheader;
	bool have_header;
	struct pricing_problem *probs;
	size_t nprobs, capprobs;
};

static void problem(struct loader *l, size_t line, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(struct loader *l, size_t line, size_t column, const char *fmt, ...)
{
	va_list ap;

	if (l->nprobs >= 1000)
		return;
	if (l->nprobs == l->capprobs) {
		size_t cap = l->capprobs ? l->capprobs * 2 : 16;
		struct pricing_problem *p = realloc(l->probs, cap * sizeof(*p));
		if (!p)
			return;
		l->probs = p;
		l->capprobs = cap;
	}
	l->probs[l->nprobs].line = line;
	l->probs[l->nprobs].column = column;
	va_start(ap, fmt);
	vsnprintf(l->probs[l->nprobs].msg, sizeof(l->probs[0].msg), fmt, ap);
	va_end(ap);
	l->nprobs++;
}

/* The 1-based column of a known column, for messages (0 when absent). */
static size_t colno(const struct loader *l, enum table_col c)
{
	return l->col[c] < 0 ? 0 : (size_t)l->col[c] + 1;
}

static int parse_header(struct loader *l, size_t line, char **fields, size_t n)
{
	for (size_t c = 0; c < TABLE_NCOLS; c++)
		l->col[c] = -1;
	for (size_t i = 0; i < n; i++) {
		size_t c;
		for (c = 0; c < TABLE_NCOLS; c++)
			if (strcmp(fields[i], pricing_columns[c]) == 0)
				break;
		if (c == TABLE_NCOLS) {
			problem(l, line, i + 1, "unknown column '%s'", fields[i]);
			continue;
		}
		if (l->col[c] >= 0) {
			problem(l, line, i + 1, "duplicate column '%s'", fields[i]);
			continue;
		}
		l->col[c] = (int)i;
	}
	if (l->col[COL_KIND] < 0)
		problem(l, line, 1, "missing column 'kind'");
	l->nheader = n;
	return 0;
}

/* A size such as "100GB", "1TiB" or a bare unit "GB" (one of it). */
static int parse_size_unit(const char *s, uint64_t *out)
{
	char buf[64];

	if (*s && (s[0] < '0' || s[0] > '9') && s[0] != '.') {
		if (strlen(s) > 40)
			return -1;
		snprintf(buf, sizeof(buf), "1%s", s);
		s = buf;
	}
	return num_parse_size(s, out, NULL);
}

static int parse_date(struct loader *l, size_t line, enum table_col c, const char *s, int32_t dflt,
                      int32_t *out)
{
	struct err e;

	if (!*s) {
		*out = dflt;
		return 0;
	}
	if (date_parse_day(s, out, &e)) {
		problem(l, line, colno(l, c), "bad date '%s' (YYYY-MM-DD)", s);
		return -1;
	}
	return 0;
}

static char *dup_or_null(const char *s)
{
	return strdup(s ? s : "");
}

static void row_release(struct table_row *r)
{
	for (size_t c = 0; c < TABLE_NCOLS; c++)
		free(r->raw[c]);
}

/*
 * An allowance: a size, pooled over a plan's servers, or "SIZE/server" when
 * each server's allowance covers only its own traffic.
 */
static int parse_included(const char *v, uint64_t *bytes, bool *per_server)
{
	char buf[64];
	size_t n = strlen(v);
	const char *suffix = "/server";

	*per_server = n > strlen(suffix) && strcmp(v + n - strlen(suffix), suffix) == 0;
	if (*per_server) {
		n -= strlen(suffix);
		if (n >= sizeof(buf))
			return -1;
		memcpy(buf, v, n);
		buf[n] = '\0';
		v = buf;
	}
	return parse_size_unit(v, bytes);
}

/*
 * A fee row's included quantity: "N" units a month free on the plan, or
 * "N/server" units per server already in a machine plan's price.
 */
static int parse_fee_included(const char *v, uint64_t *qty, bool *per_server)
{
	char buf[32];
	size_t n = strlen(v);
	const char *suffix = "/server";

	*per_server = n > strlen(suffix) && strcmp(v + n - strlen(suffix), suffix) == 0;
	if (*per_server)
		n -= strlen(suffix);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return num_parse_u64(buf, 0, TABLE_FEE_QTY_MAX, qty, NULL);
}

static int parse_row(struct loader *l, size_t line, char **fields, size_t n)
{
	struct table *t = l->t;
	struct table_row r;
	const char *v[TABLE_NCOLS];
	size_t k;

	memset(&r, 0, sizeof(r));
	r.line = line;
	if (n != l->nheader)
		problem(l, line, n < l->nheader ? n : l->nheader + 1,
		        "%zu fields, the header has %zu", n, l->nheader);
	for (size_t c = 0; c < TABLE_NCOLS; c++)
		v[c] = l->col[c] >= 0 && (size_t)l->col[c] < n ? fields[l->col[c]] : "";
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(v[COL_KIND], kinds[k]) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		problem(l, line, colno(l, COL_KIND),
		        "unknown kind '%s' (plan, seat, instance, egress, fee, free, region, "
		        "successor)",
		        v[COL_KIND]);
		return 0;
	}
	r.kind = (enum table_kind)k;
	struct err ne;
	if (*v[COL_PLAN] && util_name_check(UTIL_NAME_PLAN, v[COL_PLAN], &ne))
		problem(l, line, colno(l, COL_PLAN), "%s", ne.msg);
	parse_date(l, line, COL_FROM, v[COL_FROM], INT32_MIN, &r.from);
	parse_date(l, line, COL_TO, v[COL_TO], INT32_MAX, &r.to);
	if (r.from > r.to)
		problem(l, line, colno(l, COL_TO), "'to' %s is before 'from' %s", v[COL_TO],
		        v[COL_FROM]);
	if (*v[COL_SOURCE_DATE]) {
		int32_t d;
		parse_date(l, line, COL_SOURCE_DATE, v[COL_SOURCE_DATE], 0, &d);
	}
	if (*v[COL_CURRENCY]) {
		if (!pricing_currency_known(v[COL_CURRENCY]))
			problem(l, line, colno(l, COL_CURRENCY), "unknown currency '%s'",
			        v[COL_CURRENCY]);
		else
			snprintf(r.currency, sizeof(r.currency), "%s", v[COL_CURRENCY]);
	}
	if (*v[COL_PRICE]) {
		struct err e;
		if (num_parse_fixed(v[COL_PRICE], PRICE_SCALE, &r.price, &e) || r.price < 0) {
			problem(l, line, colno(l, COL_PRICE), "bad number '%s' in price",
			        v[COL_PRICE]);
			r.has_price = true; /* reported: not missing */
			r.price = 0;
		} else
			r.has_price = true;
		if (!*v[COL_SOURCE])
			problem(l, line, colno(l, COL_PRICE), "a price without a source");
		else if (!*v[COL_SOURCE_DATE])
			problem(l, line, colno(l, COL_SOURCE_DATE),
			        "a price without a source date");
		if (!*v[COL_CURRENCY])
			problem(l, line, colno(l, COL_PRICE), "a price without a currency");
	}
	if (*v[COL_VCPU]) {
		struct err e;
		if (num_parse_fixed(v[COL_VCPU], 3, &r.vcpu_milli, &e) || r.vcpu_milli <= 0)
			problem(l, line, colno(l, COL_VCPU), "bad vcpu '%s'", v[COL_VCPU]);
	}
	if (*v[COL_RAM] && num_parse_size(v[COL_RAM], &r.ram, NULL))
		problem(l, line, colno(l, COL_RAM), "bad ram '%s' (a size like 512MB or 4GB)",
		        v[COL_RAM]);
	if (*v[COL_DISK] && (num_parse_size(v[COL_DISK], &r.disk, NULL) || !r.disk))
		problem(l, line, colno(l, COL_DISK), "bad disk '%s' (a size like 40GB)",
		        v[COL_DISK]);
	if (strcmp(v[COL_CPU], "shared") == 0)
		r.cpu_kind = PRICING_CPU_SHARED;
	else if (strcmp(v[COL_CPU], "dedicated") == 0)
		r.cpu_kind = PRICING_CPU_DEDICATED;
	else if (*v[COL_CPU])
		problem(l, line, colno(l, COL_CPU), "bad cpu '%s' (shared or dedicated)",
		        v[COL_CPU]);
	if (*v[COL_INCLUDED] && r.kind == KIND_FEE) {
		if (parse_fee_included(v[COL_INCLUDED], &r.included, &r.per_server))
			problem(l, line, colno(l, COL_INCLUDED),
			        "bad included '%s' on a fee row (a count like 500 the plan gives "
			        "free, or 1/server for one per server in the plan's price)",
			        v[COL_INCLUDED]);
	} else if (*v[COL_INCLUDED]) {
		if (strcmp(v[COL_INCLUDED], "unlimited") == 0)
			r.unlimited = true;
		else if (parse_included(v[COL_INCLUDED], &r.included, &r.per_server))
			problem(l, line, colno(l, COL_INCLUDED),
			        "bad included '%s' (a size like 500GB or 20TiB, 20TiB/server for "
			        "an allowance each server keeps to itself, or unlimited)",
			        v[COL_INCLUDED]);
	}
	if (*v[COL_BLOCK] && (parse_size_unit(v[COL_BLOCK], &r.block) || r.block == 0))
		problem(l, line, colno(l, COL_BLOCK), "unknown unit in block '%s'", v[COL_BLOCK]);

	/* per and rounding depend on the kind. */
	switch (r.kind) {
	case KIND_EGRESS:
		if (*v[COL_PER] && (parse_size_unit(v[COL_PER], &r.per_bytes) || r.per_bytes == 0))
			problem(l, line, colno(l, COL_PER),
			        "unknown unit '%s' (a size: GB, 100GB, 1TiB, ...)", v[COL_PER]);
		if (r.has_price && !*v[COL_PER])
			problem(l, line, colno(l, COL_PER),
			        "an egress price needs 'per' (GB, 100GB, ...)");
		if (!*v[COL_ROUNDING] || strcmp(v[COL_ROUNDING], "up") == 0)
			r.rounding = 1;
		else if (strcmp(v[COL_ROUNDING], "down") == 0)
			r.rounding = 2;
		else if (strcmp(v[COL_ROUNDING], "none") == 0)
			r.rounding = 0;
		else
			problem(l, line, colno(l, COL_ROUNDING),
			        "unknown rounding '%s' (up, down or none)", v[COL_ROUNDING]);
		if (!r.has_price && !r.unlimited)
			problem(l, line, colno(l, COL_PRICE),
			        "an egress row needs a price or included=unlimited");
		break;
	case KIND_PLAN:
	case KIND_INSTANCE:
	case KIND_SEAT:
	case KIND_FEE:
		if (!*v[COL_PER] && r.kind != KIND_INSTANCE)
			r.per = PER_MONTH;
		else if (strcmp(v[COL_PER], "month") == 0)
			r.per = PER_MONTH;
		else if (strcmp(v[COL_PER], "hour") == 0 && r.kind != KIND_FEE)
			r.per = PER_HOUR;
		else if (strcmp(v[COL_PER], "second") == 0 && r.kind != KIND_FEE)
			r.per = PER_SECOND;
		else if (strcmp(v[COL_PER], "30d") == 0 && r.kind != KIND_FEE)
			r.per = PER_30D;
		else if (strcmp(v[COL_PER], "once") == 0 && r.kind == KIND_FEE)
			r.per = PER_ONCE;
		else
			problem(l, line, colno(l, COL_PER), "unknown unit '%s' (%s)", v[COL_PER],
			        r.kind == KIND_FEE ? "month or once"
			                           : "month, hour, second or 30d");
		if (!*v[COL_ROUNDING] || strcmp(v[COL_ROUNDING], "second") == 0)
			r.rounding = 0;
		else if (strcmp(v[COL_ROUNDING], "hour") == 0)
			r.rounding = 1;
		else
			problem(l, line, colno(l, COL_ROUNDING),
			        "unknown rounding '%s' (second or hour)", v[COL_ROUNDING]);
		if (r.kind == KIND_FEE && r.per == PER_ONCE && *v[COL_INCLUDED])
			problem(l, line, colno(l, COL_INCLUDED),
			        "a one-off fee has no included quantity");
		if (!r.has_price)
			problem(l, line, colno(l, COL_PRICE), "this %s row needs a price",
			        kinds[k]);
		break;
	case KIND_FREE:
	case KIND_REGION:
	case KIND_SUCCESSOR:
		if (r.has_price)
			problem(l, line, colno(l, COL_PRICE), "this %s row has no price", kinds[k]);
		break;
	}
	if ((r.kind == KIND_PLAN || r.kind == KIND_SEAT) && !*v[COL_PLAN])
		problem(l, line, colno(l, COL_PLAN), "this %s row needs a plan", kinds[k]);
	if ((r.kind == KIND_INSTANCE || r.kind == KIND_FEE || r.kind == KIND_FREE) && !*v[COL_ITEM])
		problem(l, line, colno(l, COL_ITEM), "this %s row needs an item", kinds[k]);
	if (r.kind == KIND_INSTANCE && (!*v[COL_VCPU] || !*v[COL_RAM]))
		problem(l, line, colno(l, *v[COL_RAM] ? COL_VCPU : COL_RAM),
		        "an instance needs vcpu and ram");
	if ((*v[COL_CPU] || *v[COL_DISK]) && r.kind != KIND_INSTANCE &&
	    !(r.kind == KIND_PLAN && *v[COL_VCPU] && *v[COL_RAM]))
		problem(l, line, colno(l, *v[COL_CPU] ? COL_CPU : COL_DISK),
		        "cpu and disk belong on an instance row or a plan that is a machine "
		        "(vcpu and ram)");
	if ((r.kind == KIND_PLAN || r.kind == KIND_SEAT) && *v[COL_ITEM])
		problem(l, line, colno(l, COL_ITEM), "this %s row takes no item", kinds[k]);
	if (r.kind == KIND_EGRESS && *v[COL_ITEM] && strcmp(v[COL_ITEM], "private") != 0)
		problem(l, line, colno(l, COL_ITEM),
		        "bad egress item '%s' (empty: to the internet; private: private-network "
		        "traffic to another region)",
		        v[COL_ITEM]);
	if (r.kind == KIND_EGRESS && *v[COL_ITEM] && *v[COL_INCLUDED])
		problem(l, line, colno(l, COL_INCLUDED),
		        "a private egress row has no included allowance (its price applies from "
		        "the first byte; free private traffic is a free row)");
	if (r.kind == KIND_SEAT && *v[COL_REGION])
		problem(l, line, colno(l, COL_REGION), "this seat row takes no region");
	if (r.kind == KIND_SUCCESSOR && (!*v[COL_PLAN] || !*v[COL_ITEM] || !*v[COL_FROM]))
		problem(l, line,
		        colno(l, !*v[COL_PLAN]   ? COL_PLAN
		                 : !*v[COL_ITEM] ? COL_ITEM
		                                 : COL_FROM),
		        "a successor row needs the retired plan, its successor (item) and the "
		        "date it takes over (from)");
	if (r.kind == KIND_REGION && !*v[COL_REGION])
		problem(l, line, colno(l, COL_REGION), "a region row needs a region");
	r.uncertain = strstr(v[COL_NOTES], "uncertain") != NULL;
	if (strcmp(v[COL_ORDERS], "new") == 0 && *v[COL_FROM])
		r.new_orders = true;
	else if (*v[COL_ORDERS])
		problem(l, line, colno(l, COL_ORDERS),
		        "bad orders '%s' (empty: every server; new: servers ordered from the "
		        "row's 'from' date on, which it then needs)",
		        v[COL_ORDERS]);

	if (t->nrows == t->caprows) {
		size_t cap = t->caprows ? t->caprows * 2 : 32;
		struct table_row *nr = realloc(t->rows, cap * sizeof(*nr));
		if (!nr)
			return -1;
		t->rows = nr;
		t->caprows = cap;
	}
	for (size_t c = 0; c < TABLE_NCOLS; c++) {
		r.raw[c] = dup_or_null(v[c]);
		if (!r.raw[c]) {
			row_release(&r);
			return -1;
		}
	}
	t->rows[t->nrows++] = r;
	return 0;
}

static int on_row(void *ctx, size_t line, char **fields, size_t n, struct err *e)
{
	struct loader *l = ctx;

	if (!l->have_header) {
		l->have_header = true;
		return parse_header(l, line, fields, n);
	}
	if (n == 1 && fields[0][0] == '#')
		return 0; /* a comment line */
	if (parse_row(l, line, fields, n))
		return err_set(e, "out of memory");
	return 0;
}

static bool ranges_overlap(const struct table_row *a, const struct table_row *b)
{
	return a->from <= b->to && b->from <= a->to;
}

/*
 * A region row's item names the group the region is in: another region of
 * the table that is in no group itself (one level, so a lookup never loops).
 */
static void check_group(struct loader *l, const struct table_row *r)
{
	const struct table *t = l->t;
	const char *group = r->raw[COL_ITEM];
	const struct table_row *g = NULL;

	if (strcmp(group, r->raw[COL_REGION]) == 0) {
		problem(l, r->line, colno(l, COL_ITEM), "region '%s' cannot be its own group",
		        group);
		return;
	}
	for (size_t j = 0; j < t->nrows && !g; j++)
		if (t->rows[j].kind == KIND_REGION &&
		    strcmp(t->rows[j].raw[COL_REGION], group) == 0)
			g = &t->rows[j];
	if (!g)
		problem(l, r->line, colno(l, COL_ITEM),
		        "unknown region group '%s' for region '%s' (the item of a region row "
		        "names another region row)",
		        group, r->raw[COL_REGION]);
	else if (*g->raw[COL_ITEM])
		problem(l, r->line, colno(l, COL_ITEM),
		        "region group '%s' is itself in group '%s' (groups do not nest)", group,
		        g->raw[COL_ITEM]);
}

/* Cross-row rules, once every row is read. */
static void check_rows(struct loader *l)
{
	struct table *t = l->t;
	const char *cur = NULL;

	for (size_t i = 0; i < t->nrows; i++) {
		const struct table_row *r = &t->rows[i];

		if (r->currency[0]) {
			if (!cur)
				cur = r->currency;
			else if (strcmp(cur, r->currency) != 0)
				problem(l, r->line, colno(l, COL_CURRENCY),
				        "currency '%s' differs from '%s' earlier in the table",
				        r->currency, cur);
		}
		if (*r->raw[COL_PLAN] && r->kind != KIND_PLAN) {
			bool found = false;
			for (size_t j = 0; j < t->nrows && !found; j++)
				found = t->rows[j].kind == KIND_PLAN &&
				        strcmp(t->rows[j].raw[COL_PLAN], r->raw[COL_PLAN]) == 0;
			if (!found)
				problem(l, r->line, colno(l, COL_PLAN), "unknown plan '%s'",
				        r->raw[COL_PLAN]);
		}
		if (r->kind == KIND_SUCCESSOR && *r->raw[COL_ITEM]) {
			bool found = false;
			for (size_t j = 0; j < t->nrows && !found; j++)
				found = t->rows[j].kind == KIND_PLAN &&
				        strcmp(t->rows[j].raw[COL_PLAN], r->raw[COL_ITEM]) == 0;
			if (!found)
				problem(l, r->line, colno(l, COL_ITEM),
				        "unknown successor plan '%s'", r->raw[COL_ITEM]);
		}
		if (*r->raw[COL_REGION] && r->kind != KIND_REGION) {
			bool found = false;
			for (size_t j = 0; j < t->nrows && !found; j++)
				found = t->rows[j].kind == KIND_REGION &&
				        strcmp(t->rows[j].raw[COL_REGION], r->raw[COL_REGION]) == 0;
			if (!found)
				problem(l, r->line, colno(l, COL_REGION),
				        "unknown region '%s' (add a region row)",
				        r->raw[COL_REGION]);
		}
		if (r->kind == KIND_REGION && *r->raw[COL_ITEM])
			check_group(l, r);
		for (size_t j = 0; j < i; j++) {
			const struct table_row *q = &t->rows[j];
			if (q->kind != r->kind || strcmp(q->raw[COL_PLAN], r->raw[COL_PLAN]) ||
			    strcmp(q->raw[COL_ITEM], r->raw[COL_ITEM]) ||
			    strcmp(q->raw[COL_REGION], r->raw[COL_REGION]) ||
			    !ranges_overlap(q, r) || q->new_orders != r->new_orders)
				continue; /* a price for new orders may run beside the old one */
			problem(l, r->line, colno(l, COL_FROM),
			        "effective range overlaps line %zu for the same %s", q->line,
			        kinds[r->kind]);
			break;
		}
	}
	t->currency[0] = '\0';
	if (cur)
		snprintf(t->currency, sizeof(t->currency), "%s", cur);
	else if (t->nrows)
		problem(l, 1, 1, "no row names a currency");
}

static int cmp_problem(const void *a, const void *b)
{
	const struct pricing_problem *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

void pricing_table_release(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++)
		row_release(&t->rows[i]);
	free(t->rows);
	free(t->name);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

/* The provider name: the file's base name without ".csv". */
static char *name_of(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;
	char *s;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".csv") == 0)
		n -= 4;
	s = malloc(n + 1);
	if (s) {
		memcpy(s, b, n);
		s[n] = '\0';
	}
	return s;
}

int pricing_table_parse(FILE *f, const char *path, struct table *t, struct pricing_problem **probs,
                        size_t *nprobs, struct err *e)
{
	struct loader l;
	struct err re;

	memset(&l, 0, sizeof(l));
	memset(t, 0, sizeof(*t));
	l.t = t;
	t->path = strdup(path);
	t->name = name_of(path);
	if (!t->path || !t->name) {
		pricing_table_release(t);
		return err_set(e, "out of memory");
	}
	if (csvio_read(f, path, on_row, &l, &re)) {
		/* A malformed file: report csvio's "path:line: reason" as is. */
		const char *m = re.msg;
		size_t line = 0, plen = strlen(path);
		if (strncmp(m, path, plen) == 0 && m[plen] == ':') {
			char *end;
			line = strtoul(m + plen + 1, &end, 10);
			m = *end == ':' ? end + 2 : m;
		}
		problem(&l, line, 1, "%s", m);
	} else if (!l.have_header) {
		problem(&l, 1, 1, "empty table (no header)");
	} else {
		check_rows(&l);
	}
	if (l.nprobs)
		qsort(l.probs, l.nprobs, sizeof(*l.probs), cmp_problem);
	*probs = l.probs;
	*nprobs = l.nprobs;
	return 0;
}

int pricing_check_file(const char *path, struct pricing_problem **probs, size_t *n, struct err *e)
{
	struct table t;
	FILE *f = fopen(path, "r");
	int rc;

	if (!f)
		return err_set(e, "cannot open '%s': %s", path, strerror(errno));
	rc = pricing_table_parse(f, path, &t, probs, n, e);
	fclose(f);
	pricing_table_release(&t);
	return rc;
}

static int load_one(const char *path, struct pricing_tables *ts, struct err *e)
{
	struct pricing_problem *probs = NULL;
	size_t nprobs = 0;
	struct table *t;
	FILE *f;

	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 4;
		struct table *nt = realloc(ts->t, cap * sizeof(*nt));
		if (!nt)
			return err_set(e, "out of memory");
		ts->t = nt;
		ts->cap = cap;
	}
	t = &ts->t[ts->n];
	if (!(f = fopen(path, "r")))
		return err_set(e, "cannot open '%s': %s", path, strerror(errno));
	if (pricing_table_parse(f, path, t, &probs, &nprobs, e)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	if (nprobs) {
		err_set(e, "%s:%zu:%zu: %s (%zu problem%s; see 'costs providers check')", path,
		        probs[0].line, probs[0].column, probs[0].msg, nprobs,
		        nprobs == 1 ? "" : "s");
		free(probs);
		pricing_table_release(t);
		return -1;
	}
	free(probs);
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].name, t->name) == 0) {
			err_set(e, "'%s': provider '%s' is already defined by '%s'", path, t->name,
			        ts->t[i].path);
			pricing_table_release(t);
			return -1;
		}
	ts->n++;
	return 0;
}

int pricing_load_files(const char *const *paths, size_t n, struct pricing_tables **out,
                       struct err *e)
{
	struct pricing_tables *ts = calloc(1, sizeof(*ts));

	if (!ts)
		return err_set(e, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (load_one(paths[i], ts, e)) {
			pricing_tables_free(ts);
			return -1;
		}
	*out = ts;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pricing_load_dir(const char *dir, struct pricing_tables **out, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **paths = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	if (!d)
		return err_set(e, "cannot open provider tables '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *p;
		if (len < 5 || strcmp(de->d_name + len - 4, ".csv") != 0 || de->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			char **np = realloc(paths, nc * sizeof(*np));
			if (!np)
				goto oom;
			paths = np;
			cap = nc;
		}
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0)
			goto oom;
		paths[n++] = p;
	}
	if (n == 0) {
		err_set(e, "no provider tables (*.csv) in '%s'", dir);
		goto out;
	}
	qsort(paths, n, sizeof(*paths), cmp_str);
	rc = pricing_load_files((const char *const *)paths, n, out, e);
	goto out;
oom:
	err_set(e, "out of memory");
out:
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	closedir(d);
	return rc;
}

void pricing_tables_free(struct pricing_tables *ts)
{
	if (!ts)
		return;
	for (size_t i = 0; i < ts->n; i++)
		pricing_table_release(&ts->t[i]);
	free(ts->t);
	free(ts);
}

size_t pricing_provider_count(const struct pricing_tables *ts)
{
	return ts->n;
}

const char *pricing_provider_name(const struct pricing_tables *ts, size_t i)
{
	return ts->t[i].name;
}

const char *pricing_provider_path(const struct pricing_tables *ts, size_t i)
{
	return ts->t[i].path;
}

int pricing_provider_rows(const struct pricing_tables *ts, size_t i, pricing_row_fn fn, void *ctx)
{
	const struct table *t = &ts->t[i];
	int rc;

	for (size_t r = 0; r < t->nrows; r++)
		if ((rc = fn(ctx, t->rows[r].line, (const char *const *)t->rows[r].raw)))
			return rc;
	return 0;
}

const char *pricing_provider_currency(const struct pricing_tables *ts, size_t i)
{
	return ts->t[i].currency;
}

char *pricing_provider_plans(const struct pricing_tables *ts, size_t i, char *buf, size_t len)
{
	const struct table *p = &ts->t[i];
	size_t o = 0;

	if (len)
		buf[0] = '\0';
	for (size_t r = 0; r < p->nrows; r++) {
		const char *name = p->rows[r].raw[COL_PLAN];
		bool dup = false;
		if (p->rows[r].kind != KIND_PLAN)
			continue;
		for (size_t q = 0; q < r && !dup; q++)
			dup = p->rows[q].kind == KIND_PLAN &&
			      strcmp(p->rows[q].raw[COL_PLAN], name) == 0;
		if (!dup && o + strlen(name) + 2 < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "", name);
	}
	return buf;
}
