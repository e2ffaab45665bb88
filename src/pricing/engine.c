/*
 * The bill engine: picks the rows of a table in force for a month, works out
 * what the user runs (from --need or a [provider NAME] config section) and
 * prices a month.  All money is int64_t micro-units; products go through
 * 128-bit intermediates and every result is checked to fit.  It does not
 * read the store or print: callers hand it an egress byte count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/num.h"
#include "pricing/pricing.h"
#include "pricing/pricing_int.h"

typedef num_u128 u128;

#define MICRO_MAX ((u128)INT64_MAX)

/* Parses "2x1cpu/2GB[/40GB]" into n; false when tok is not of that form. */
static bool need_shorthand(char *tok, struct pricing_need *n)
{
	char *x = strchr(tok, 'x'), *cpu = strstr(tok, "cpu/"), *slash2;
	uint64_t c = 1;

	if (!cpu)
		return false;
	if (x && x < cpu) {
		*x = '\0';
		if (num_parse_u64(tok, 1, 10000, &c, NULL))
			return false;
		tok = x + 1;
	}
	*cpu = '\0';
	if (num_parse_fixed(tok, 3, &n->cpu_milli, NULL) || n->cpu_milli < 0)
		return false;
	tok = cpu + 4;
	if ((slash2 = strchr(tok, '/'))) {
		*slash2++ = '\0';
		if (num_parse_size(slash2, &n->disk, NULL))
			return false;
	}
	if (num_parse_size(tok, &n->ram, NULL))
		return false;
	n->count = (unsigned)c;
	return true;
}

int pricing_need_parse(const char *s, struct pricing_need *out, struct err *e)
{
	char *copy, *tok, *save = NULL;
	int rc = 0;
	bool first = true;

	memset(out, 0, sizeof(*out));
	out->count = 1;
	if (!s || !*s)
		return err_set(e, "empty need (try 2x1cpu/2GB,dedicated or ram=4GB,cpu=2,count=2)");
	if (!(copy = strdup(s)))
		return err_set(e, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok && !rc;
	     tok = strtok_r(NULL, ",", &save), first = false) {
		char *eq, *end;
		while (*tok == ' ')
			tok++;
		for (end = tok + strlen(tok); end > tok && end[-1] == ' ';)
			*--end = '\0';
		if (strcmp(tok, "dedicated") == 0 || strcmp(tok, "shared") == 0) {
			out->dedicated = tok[0] == 'd';
			continue;
		}
		if (!(eq = strchr(tok, '='))) {
			char orig[64];
			snprintf(orig, sizeof(orig), "%s", tok);
			if (first && need_shorthand(tok, out))
				continue;
			rc = err_set(e,
			             "bad need term '%s' (COUNTxCPUcpu/RAM[/DISK] first, then "
			             "ram=SIZE, cpu=N, count=N, disk=SIZE, dedicated or shared)",
			             orig);
			break;
		}
		*eq++ = '\0';
		if (strcmp(tok, "ram") == 0) {
			if (num_parse_size(eq, &out->ram, NULL))
				rc = err_set(e, "bad ram '%s' in need (a size like 4GB)", eq);
		} else if (strcmp(tok, "disk") == 0) {
			if (num_parse_size(eq, &out->disk, NULL))
				rc = err_set(e, "bad disk '%s' in need (a size like 40GB)", eq);
		} else if (strcmp(tok, "cpu") == 0) {
			if (num_parse_fixed(eq, 3, &out->cpu_milli, NULL) || out->cpu_milli < 0)
				rc =
				    err_set(e, "bad cpu '%s' in need (a number like 2 or 0.5)", eq);
		} else if (strcmp(tok, "count") == 0) {
			uint64_t c;
			if (num_parse_u64(eq, 1, 10000, &c, NULL))
				rc = err_set(e, "bad count '%s' in need (1 to 10000)", eq);
			else
				out->count = (unsigned)c;
		} else {
			rc = err_set(e,
			             "unknown need term '%s' (ram, cpu, count, disk, dedicated or "
			             "shared)",
			             tok);
		}
	}
	free(copy);
	if (!rc)
		out->set = true;
	return rc;
}

char *pricing_need_format(const struct pricing_need *n, char *buf, size_t len)
{
	char cpu[32], ram[32], disk[40] = "";

	num_format_fixed(n->cpu_milli, 3, 0, cpu, sizeof(cpu));
	num_format_bytes(n->ram, ram, sizeof(ram));
	if (n->disk) {
		char d[32];
		snprintf(disk, sizeof(disk), "/%s disk", num_format_bytes(n->disk, d, sizeof(d)));
	}
	snprintf(buf, len, "%ux %s vCPU/%s%s %s", n->count, cpu, ram, disk,
	         n->dedicated ? "dedicated" : "shared");
	return buf;
}

bool pricing_need_fits(const struct pricing_need *n, int64_t cpu_milli, uint64_t ram, uint64_t disk,
                       enum pricing_cpu cpu, bool allow_shared)
{
	if (ram < n->ram || cpu_milli < n->cpu_milli)
		return false;
	if (n->disk && disk && disk < n->disk)
		return false;
	return !n->dedicated || allow_shared || cpu == PRICING_CPU_DEDICATED;
}

int pricing_hours_parse(const char *s, uint64_t *seconds, struct err *e)
{
	int64_t mh; /* milli-hours: 3.6 s each */

	if (num_parse_fixed(s, 3, &mh, NULL) || mh <= 0 || mh > 744000)
		return err_set(e, "bad hours '%s' (hours in a month, more than 0 and at most 744)",
		               s);
	*seconds = ((uint64_t)mh * 36u + 9u) / 10u;
	return 0;
}

/* True when row r is in force on some day of [first, last]. */
static bool in_force(const struct table_row *r, int32_t first, int32_t last)
{
	return r->from <= last && first <= r->to;
}

/*
 * The row of one kind for exactly this plan, item and region in force in the
 * month; where several are, the one that started last.
 */
static const struct table_row *pick(const struct table *t, enum table_kind kind, const char *plan,
                                    const char *item, const char *region, int32_t first,
                                    int32_t last)
{
	const struct table_row *best = NULL;

	for (size_t i = 0; i < t->nrows; i++) {
		const struct table_row *r = &t->rows[i];
		if (r->kind != kind || !in_force(r, first, last))
			continue;
		if ((plan && strcmp(r->raw[COL_PLAN], plan)) ||
		    (item && strcmp(r->raw[COL_ITEM], item)) ||
		    (region && strcmp(r->raw[COL_REGION], region)))
			continue;
		if (!best || r->from > best->from)
			best = r;
	}
	return best;
}

/*
 * The group a region belongs to: the `item` of its region row (Fly's `ams`
 * is in `na-eu`), or "" when it is in none or is not a region of t.
 */
static const char *region_group(const struct table *t, const char *region)
{
	for (size_t i = 0; region && *region && i < t->nrows; i++)
		if (t->rows[i].kind == KIND_REGION &&
		    strcmp(t->rows[i].raw[COL_REGION], region) == 0)
			return t->rows[i].raw[COL_ITEM];
	return "";
}

/*
 * The most specific row: plan and region, plan and the region's group,
 * plan, region, the region's group, then neither.  A region in a group
 * takes the group's rows where it has none of its own (Fly's `ams` has its
 * own Machine prices and the egress rate of `na-eu`).
 */
static const struct table_row *pick_specific(const struct table *t, enum table_kind kind,
                                             const char *plan, const char *item, const char *region,
                                             int32_t first, int32_t last)
{
	const char *group = region_group(t, region);
	const struct table_row *r;

	if ((r = pick(t, kind, plan, item, region, first, last)))
		return r;
	if (*group && (r = pick(t, kind, plan, item, group, first, last)))
		return r;
	if ((r = pick(t, kind, plan, item, "", first, last)))
		return r;
	if ((r = pick(t, kind, "", item, region, first, last)))
		return r;
	if (*group && (r = pick(t, kind, "", item, group, first, last)))
		return r;
	return pick(t, kind, "", item, "", first, last);
}

/* Micro-units from a pico-unit amount, rounded up; false when too large. */
static bool to_micro(u128 pico, int64_t *out)
{
	u128 v = (pico + PICO_PER_MICRO - 1) / PICO_PER_MICRO;

	if (v > MICRO_MAX)
		return false;
	*out = (int64_t)v;
	return true;
}

/* price (pico-units) times qty, in micro-units rounded up. */
static bool price_times(int64_t price, uint64_t qty, int64_t *out)
{
	return to_micro((u128)price * qty, out);
}

/*
 * The price of running one machine (row r) for `secs` seconds of a month of
 * `days` days (0 or more than the month: all of it).  Per second and per
 * hour prices are multiplied by the seconds or started hours; a price per
 * 30 days is prorated by the second; a monthly price is the cap, prorated
 * by the second or by started hours (rounding=hour, Hetzner) for part of a
 * month.  Rounded up to a micro-unit.
 */
static int month_cost(const struct table_row *r, int days, uint64_t secs, int64_t *out)
{
	uint64_t month_s = (uint64_t)days * 86400u;
	uint64_t s = secs && secs < month_s ? secs : month_s;
	u128 v;

	switch (r->per) {
	case PER_SECOND:
		v = (u128)r->price * s;
		break;
	case PER_HOUR:
		v = (u128)r->price * ((s + 3599u) / 3600u);
		break;
	case PER_30D: /* a price for 2,592,000 s billed by the second */
		v = ((u128)r->price * s + 2591999u) / 2592000u;
		break;
	default:
		if (s == month_s)
			v = (u128)r->price;
		else if (r->rounding == 1)
			v = ((u128)r->price * ((s + 3599u) / 3600u) + days * 24u - 1) /
			    ((u128)days * 24u);
		else
			v = ((u128)r->price * s + month_s - 1) / month_s;
		break;
	}
	return to_micro(v, out) ? 0 : -1;
}

static bool mul_count(int64_t v, unsigned n, int64_t *out)
{
	return num_mul_i64(v, (int64_t)n, out);
}

struct usage {
	const struct config_provider *sec;
	const char *plan, *region;
	unsigned seats, count;
	uint64_t seconds;
	bool have_count;
	struct pricing_need need;
	unsigned need_line, instances_line, region_line;
	const char *instances;
	int32_t ordered; /* the day the servers were ordered; 0: not given */
};

static int usage_error(const struct config *c, unsigned line, struct err *e)
{
	return err_prefix(e, "%s:%u: ", c && c->path ? c->path : "config", line);
}

/* Whether some monthly fee row of t has `item` per server in a plan's price. */
static bool fee_per_server(const struct table *t, const char *item)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (t->rows[r].kind == KIND_FEE && t->rows[r].per == PER_MONTH &&
		    t->rows[r].per_server && strcmp(t->rows[r].raw[COL_ITEM], item) == 0)
			return true;
	return false;
}

/* A config's value for fee item `item`: a count, "no", or "yes" (per server). */
static bool fee_qty_valid(const struct table *t, const char *item, const char *v)
{
	uint64_t q;

	if (strcmp(v, "no") == 0)
		return true;
	if (strcmp(v, "yes") == 0)
		return fee_per_server(t, item);
	return num_parse_u64(v, 0, TABLE_FEE_QTY_MAX, &q, NULL) == 0;
}

/* Reads a [provider NAME] section; fee items of table t are valid keys. */
static int usage_read(const struct config *c, const struct table *t, struct usage *u, struct err *e)
{
	memset(u, 0, sizeof(*u));
	if (!c)
		return 0;
	for (size_t i = 0; i < c->nproviders; i++)
		if (strcmp(c->providers[i].name, t->name) == 0)
			u->sec = &c->providers[i];
	if (!u->sec)
		return 0;
	for (size_t i = 0; i < u->sec->nkv; i++) {
		const struct config_kv *kv = &u->sec->kv[i];
		uint64_t v;
		bool fee = false;

		if (strcmp(kv->key, "plan") == 0) {
			u->plan = kv->value;
		} else if (strcmp(kv->key, "region") == 0) {
			u->region = kv->value;
			u->region_line = kv->line;
		} else if (strcmp(kv->key, "seats") == 0 || strcmp(kv->key, "count") == 0) {
			if (num_parse_u64(kv->value, 1, 10000, &v, NULL)) {
				err_set(e, "bad %s '%s' (a whole number 1 to 10000)", kv->key,
				        kv->value);
				return usage_error(c, kv->line, e);
			}
			if (kv->key[0] == 's') {
				u->seats = (unsigned)v;
			} else {
				u->count = (unsigned)v;
				u->have_count = true;
			}
		} else if (strcmp(kv->key, "hours") == 0) {
			if (pricing_hours_parse(kv->value, &u->seconds, e))
				return usage_error(c, kv->line, e);
		} else if (strcmp(kv->key, "need") == 0) {
			if (pricing_need_parse(kv->value, &u->need, e))
				return usage_error(c, kv->line, e);
			u->need_line = kv->line;
		} else if (strcmp(kv->key, "ordered") == 0) {
			if (date_parse_day(kv->value, &u->ordered, NULL)) {
				err_set(e,
				        "bad ordered '%s' (the day the servers were ordered, "
				        "YYYY-MM-DD)",
				        kv->value);
				return usage_error(c, kv->line, e);
			}
		} else if (strcmp(kv->key, "instances") == 0) {
			u->instances = kv->value;
			u->instances_line = kv->line;
		} else {
			for (size_t r = 0; r < t->nrows && !fee; r++)
				fee = t->rows[r].kind == KIND_FEE && t->rows[r].per == PER_MONTH &&
				      strcmp(t->rows[r].raw[COL_ITEM], kv->key) == 0;
			if (!fee) {
				err_set(
				    e,
				    "unknown key '%s' in [provider %s] (plan, region, seats, "
				    "count, instances, need, hours, ordered, or a monthly fee item "
				    "of the table)",
				    kv->key, t->name);
				return usage_error(c, kv->line, e);
			}
			if (!fee_qty_valid(t, kv->key, kv->value)) {
				err_set(e,
				        "bad quantity '%s' for '%s' (a whole number 0 to %u, or "
				        "no%s)",
				        kv->value, kv->key, TABLE_FEE_QTY_MAX,
				        fee_per_server(t, kv->key) ? "; yes: as the plan comes"
				                                   : "");
				return usage_error(c, kv->line, e);
			}
		}
	}
	return 0;
}

/*
 * The quantity the config gives for a monthly fee item: false when it gives
 * none (absent, or "yes": as the plan comes), else *q ("no" is 0).
 */
static bool usage_fee_qty(const struct usage *u, const char *item, uint64_t *q)
{
	const char *v = u->sec ? config_provider_get(u->sec, item) : NULL;

	*q = 0;
	if (!v || strcmp(v, "yes") == 0)
		return false;
	if (strcmp(v, "no") != 0)
		num_parse_u64(v, 0, TABLE_FEE_QTY_MAX, q, NULL);
	return true;
}

/*
 * The fee of row f (per month) for a config's quantity q on plan p, in
 * micro-units: units beyond the row's included ones at its price; on a
 * machine plan whose price has N units per server (included=N/server),
 * fewer units than that are a credit (Hetzner's IPv6-only servers).
 */
static bool fee_cost(const struct table_row *f, const struct pricing_plan *p, uint64_t q,
                     int64_t *out)
{
	uint64_t inc = f->included * (f->per_server && p->server_plan ? p->count : 1u);

	*out = 0;
	if (q > inc)
		return price_times(f->price, q - inc, out);
	if (q < inc && f->per_server) {
		if (!price_times(f->price, inc - q, out))
			return false;
		*out = -*out;
	}
	return true;
}

/* Appends the names of the plans of t in force to buf ("a, b, c"). */
static void list_plans(const struct table *t, int32_t first, int32_t last, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->nrows; i++) {
		const struct table_row *r = &t->rows[i];
		bool dup = false;
		if (r->kind != KIND_PLAN || !in_force(r, first, last))
			continue;
		for (size_t j = 0; j < i && !dup; j++)
			dup = t->rows[j].kind == KIND_PLAN && in_force(&t->rows[j], first, last) &&
			      strcmp(t->rows[j].raw[COL_PLAN], r->raw[COL_PLAN]) == 0;
		if (!dup && o + strlen(r->raw[COL_PLAN]) + 3 < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
			                      r->raw[COL_PLAN]);
	}
}

/*
 * Appends the regions of t to buf ("a, b, c"); with groups_only, the regions
 * in no group, then how many regions the groups hold ("a, b + 18 regions in
 * them"), which keeps a list over every table short.
 */
static void list_regions(const struct table *t, bool groups_only, char *buf, size_t len)
{
	size_t o = 0, members = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->nrows; i++) {
		const struct table_row *r = &t->rows[i];
		if (r->kind != KIND_REGION)
			continue;
		if (groups_only && *r->raw[COL_ITEM])
			members++;
		else if (o + strlen(r->raw[COL_REGION]) + 3 < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
			                      r->raw[COL_REGION]);
	}
	if (members && o + 32 < len)
		snprintf(buf + o, len - o, " + %zu regions in them", members);
}

static bool has_region(const struct table *t, const char *region)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i].kind == KIND_REGION &&
		    strcmp(t->rows[i].raw[COL_REGION], region) == 0)
			return true;
	return false;
}

static const char *first_region(const struct table *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i].kind == KIND_REGION)
			return t->rows[i].raw[COL_REGION];
	return "";
}

static bool fits(const struct table_row *r, const struct pricing_need *n, bool allow_shared)
{
	return pricing_need_fits(n, r->vcpu_milli, r->ram, r->disk, r->cpu_kind, allow_shared);
}

/* The cheapest instance type fitting need, for plan in region. */
static const struct table_row *cheapest_fit(const struct table *t, const char *plan,
                                            const char *region, int32_t first, int32_t last,
                                            int days, uint64_t secs, const struct pricing_need *n,
                                            bool allow_shared, int64_t *cost)
{
	const struct table_row *best = NULL;

	for (size_t i = 0; i < t->nrows; i++) {
		const struct table_row *r = &t->rows[i], *use;
		int64_t c;
		if (r->kind != KIND_INSTANCE || !fits(r, n, allow_shared))
			continue;
		/* Resolve the row that applies (plan/region specific first). */
		use = pick_specific(t, KIND_INSTANCE, plan, r->raw[COL_ITEM], region, first, last);
		if (use != r || month_cost(r, days, secs, &c))
			continue;
		if (!best || c < *cost || (c == *cost && r->ram < best->ram)) {
			best = r;
			*cost = c;
		}
	}
	return best;
}

/*
 * One entry of `instances = type[:count], ...` (a strtok_r token): trims
 * *tok to the type name in place and reads the count (1 when not given).
 * Returns 0, or the usage error for a bad count.
 */
static int instance_entry(const struct config *c, const struct usage *u, char **tok,
                          uint64_t *count, struct err *e)
{
	char *colon, *end;

	*count = 1;
	while (**tok == ' ')
		(*tok)++;
	for (end = *tok + strlen(*tok); end > *tok && end[-1] == ' ';)
		*--end = '\0';
	if ((colon = strchr(*tok, ':'))) {
		*colon++ = '\0';
		if (num_parse_u64(colon, 1, 10000, count, NULL)) {
			err_set(e, "bad count '%s' for instance '%s' (1 to 10000)", colon, *tok);
			return usage_error(c, u->instances_line, e);
		}
	}
	return 0;
}

/* Prices the explicit `instances = type:count, ...` of the config. */
static int price_instances(const struct table *t, const struct config *c, const struct usage *u,
                           const char *plan, const char *region, int32_t first, int32_t last,
                           int days, uint64_t secs, struct pricing_plan *p, struct err *e)
{
	char *copy = strdup(u->instances), *tok, *save = NULL;
	int rc = 0;

	if (!copy)
		return err_set(e, "out of memory");
	p->compute = 0;
	p->count = 0;
	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		const struct table_row *r;
		uint64_t n;
		int64_t cost;

		if ((rc = instance_entry(c, u, &tok, &n, e)))
			break;
		r = pick_specific(t, KIND_INSTANCE, plan, tok, region, first, last);
		if (!r) {
			char known[512];
			size_t o = 0;
			known[0] = '\0';
			for (size_t i = 0; i < t->nrows; i++) {
				const struct table_row *q = &t->rows[i];
				if (q->kind == KIND_INSTANCE && in_force(q, first, last) &&
				    o + strlen(q->raw[COL_ITEM]) + 3 < sizeof(known) &&
				    !strstr(known, q->raw[COL_ITEM]))
					o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s",
					                      o ? ", " : "", q->raw[COL_ITEM]);
			}
			err_set(e, "unknown instance type '%s' for %s (known: %s)", tok, t->name,
			        known);
			rc = usage_error(c, u->instances_line, e);
			break;
		}
		if (month_cost(r, days, secs, &cost) || !mul_count(cost, (unsigned)n, &cost) ||
		    !num_add_i64(p->compute, cost, &p->compute)) {
			rc = err_set(e, "%s: compute cost overflows", t->name);
			break;
		}
		p->uncertain |= r->uncertain;
		p->cpu = p->count && p->cpu != r->cpu_kind ? PRICING_CPU_UNKNOWN : r->cpu_kind;
		p->instance_list = p->count > 0;
		p->instance = p->count ? u->instances : r->raw[COL_ITEM];
		p->count += (unsigned)n;
	}
	free(copy);
	p->compute_priced = rc == 0;
	return rc;
}

static int push(struct pricing_plan **out, size_t *n, size_t *cap, const struct pricing_plan *p)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct pricing_plan *np = realloc(*out, nc * sizeof(*np));
		if (!np)
			return -1;
		*out = np;
		*cap = nc;
	}
	(*out)[(*n)++] = *p;
	return 0;
}

static const char *successor_of(const struct table *t, const char *plan, int32_t first,
                                int32_t last, int32_t *since);

/* The plan row of a machine plan named `plan` in t (any date), or NULL. */
static const struct table_row *machine_plan(const struct table *t, const char *plan, int32_t first,
                                            int32_t last)
{
	const struct table_row *any = NULL;

	for (size_t i = 0; plan && i < t->nrows; i++) {
		const struct table_row *r = &t->rows[i];
		if (r->kind != KIND_PLAN || !r->ram || !r->vcpu_milli ||
		    strcmp(r->raw[COL_PLAN], plan) != 0)
			continue;
		if (in_force(r, first, last))
			return r;
		any = r;
	}
	return any;
}

/* True when u, t's [provider] section, says what runs there. */
static bool usage_describes(const struct table *t, const struct usage *u)
{
	return u->need.set || u->instances || machine_plan(t, u->plan, INT32_MIN, INT32_MAX);
}

/* The need that u's `instances` list amounts to (see pricing_need_derive). */
static int need_of_instances(const struct table *t, const struct config *c, const struct usage *u,
                             int32_t first, int32_t last, struct pricing_need *n, struct err *e)
{
	char *copy = strdup(u->instances), *tok, *save = NULL;
	const char *region = u->region ? u->region : first_region(t);
	const char *plan = "";
	int32_t since;
	bool all_dedicated = true;
	int rc = 0;

	if (!copy)
		return err_set(e, "out of memory");
	if (u->plan)
		plan = successor_of(t, u->plan, first, last, &since);
	memset(n, 0, sizeof(*n));
	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		const struct table_row *r;
		uint64_t k;

		if ((rc = instance_entry(c, u, &tok, &k, e)))
			break;
		r = pick_specific(t, KIND_INSTANCE, plan, tok, region, first, last);
		if (!r) {
			rc = 1; /* pricing_select reports it, with the known types */
			break;
		}
		if (r->vcpu_milli > n->cpu_milli)
			n->cpu_milli = r->vcpu_milli;
		if (r->ram > n->ram)
			n->ram = r->ram;
		if (r->disk > n->disk)
			n->disk = r->disk;
		all_dedicated &= r->cpu_kind == PRICING_CPU_DEDICATED;
		n->count += (unsigned)k;
	}
	free(copy);
	n->dedicated = all_dedicated && n->count;
	n->set = rc == 0;
	return rc < 0 ? -1 : 0;
}

int pricing_need_derive(const struct pricing_tables *ts, const struct pricing_select *sel,
                        const char *from, struct pricing_need *out, const char **from_provider,
                        struct err *e)
{
	int32_t first = date_month_first(sel->month);
	int32_t last = first + date_days_in_month(first) - 1;

	memset(out, 0, sizeof(*out));
	*from_provider = NULL;
	if (from) {
		bool known = false;
		for (size_t i = 0; i < ts->n && !known; i++)
			known = strcmp(ts->t[i].name, from) == 0;
		if (!known)
			return err_set(e, "unknown provider '%s' in --from", from);
	}
	/* The config's sections in order, each with its table. */
	for (size_t c = 0; sel->config && c < sel->config->nproviders; c++) {
		const struct table *t = NULL;
		const struct table_row *pr;
		struct usage u;

		for (size_t i = 0; i < ts->n && !t; i++)
			if (strcmp(ts->t[i].name, sel->config->providers[c].name) == 0)
				t = &ts->t[i];
		if (!t || (from && strcmp(t->name, from) != 0))
			continue;
		if (usage_read(sel->config, t, &u, e))
			return -1;
		if (u.need.set) {
			*out = u.need;
		} else if (u.instances) {
			if (need_of_instances(t, sel->config, &u, first, last, out, e))
				return -1;
		} else if ((pr = machine_plan(t, u.plan, first, last))) {
			out->set = true;
			out->cpu_milli = pr->vcpu_milli;
			out->ram = pr->ram;
			out->disk = pr->disk;
			out->dedicated = pr->cpu_kind == PRICING_CPU_DEDICATED;
			out->count = u.have_count ? u.count : 1;
		} else {
			continue;
		}
		out->seconds = u.seconds;
		*from_provider = t->name;
		return 0;
	}
	return 0;
}

/* Prices one plan row; returns 1 when the plan does not fit the need. */
static int price_plan(const struct table *t, const struct pricing_select *sel,
                      const struct usage *u, const struct table_row *pr, const char *region,
                      int32_t first, int32_t last, struct pricing_plan *p, struct err *e)
{
	const char *plan = pr->raw[COL_PLAN];
	const struct pricing_need *need = sel->need.set           ? &sel->need
	                                  : u->need.set           ? &u->need
	                                  : usage_describes(t, u) ? NULL
	                                  : sel->derived.set      ? &sel->derived
	                                                          : NULL;
	const struct table_row *r;
	int days = date_days_in_month(first);
	uint64_t secs = sel->seconds ? sel->seconds
	                : u->seconds ? u->seconds
	                : need       ? need->seconds
	                             : 0;

	memset(p, 0, sizeof(*p));
	p->provider = t->name;
	p->plan = plan;
	p->region = region;
	p->month = first;
	p->days = days;
	snprintf(p->currency, sizeof(p->currency), "%s", t->currency);
	p->uncertain = pr->uncertain;
	p->seats = sel->seats ? sel->seats : u->seats ? u->seats : 1;
	p->server_plan = pr->ram && pr->vcpu_milli;

	p->compute_known = need || usage_describes(t, u) || (p->server_plan && u->have_count);
	if ((r = pick(t, KIND_SEAT, plan, "", "", first, last))) {
		if (!price_times(r->price, p->seats, &p->seat_fees))
			return err_set(e, "%s: seat fees overflow", t->name);
		p->uncertain |= r->uncertain;
	}
	if (p->server_plan) {
		/* The plan is a machine: its price is compute, one per server. */
		p->count = need ? need->count : u->have_count ? u->count : 1;
		if (need && !fits(pr, need, sel->allow_shared))
			return 1;
		p->instance = plan;
		p->compute_priced = true;
		p->matched = need != NULL;
		p->cpu = pr->cpu_kind;
		if (month_cost(pr, days, secs, &p->compute) ||
		    !mul_count(p->compute, p->count, &p->compute))
			return err_set(e, "%s: compute cost overflows", t->name);
	} else {
		if (month_cost(pr, days, 0, &p->base))
			return err_set(e, "%s: base fee overflows", t->name);
		if (need) {
			int64_t cost = 0;
			r = cheapest_fit(t, plan, region, first, last, days, secs, need,
			                 sel->allow_shared, &cost);
			if (!r)
				return 1;
			p->matched = true;
			p->cpu = r->cpu_kind;
			p->instance = r->raw[COL_ITEM];
			p->count = need->count;
			p->uncertain |= r->uncertain;
			p->compute_priced = true;
			if (!mul_count(cost, need->count, &p->compute))
				return err_set(e, "%s: compute cost overflows", t->name);
		} else if (u->instances) {
			if (price_instances(t, sel->config, u, plan, region, first, last, days,
			                    secs, p, e))
				return -1;
		}
	}

	r = pick_specific(t, KIND_EGRESS, plan, "", region, first, last);
	if (!r)
		return err_set(e, "%s: no egress row for plan '%s' in region '%s' in force",
		               t->name, plan, region);
	p->uncertain |= r->uncertain;
	p->unlimited = r->unlimited;
	p->price = r->has_price ? r->price : 0;
	p->per_bytes = r->per_bytes ? r->per_bytes : 1;
	p->block = r->block ? r->block : p->per_bytes;
	p->rounding = r->rounding;
	{
		/*
		 * A pooled allowance grows with the servers; a per-server one
		 * does not: the egress priced is taken as one server's (all of
		 * it may leave through one), so one allowance covers it.
		 */
		u128 inc = (u128)r->included * (p->server_plan && !r->per_server ? p->count : 1);
		p->included = inc > UINT64_MAX ? UINT64_MAX : (uint64_t)inc;
	}
	/* Private traffic to other regions, where the table has a rate for it. */
	if ((r = pick_specific(t, KIND_EGRESS, plan, "private", region, first, last)) &&
	    r->has_price) {
		p->uncertain |= r->uncertain;
		p->has_private = true;
		p->private_price = r->price;
		p->private_per_bytes = r->per_bytes ? r->per_bytes : 1;
		p->private_block = r->block ? r->block : p->private_per_bytes;
		p->private_rounding = r->rounding;
		p->private_bytes = sel->private_bytes;
	}

	for (size_t i = 0; i < t->nrows; i++) {
		const struct table_row *f = &t->rows[i];
		unsigned qty;
		int64_t cost;
		if (f->kind != KIND_FEE || !in_force(f, first, last))
			continue;
		/* Only the row that applies to this plan and region counts once. */
		if (pick_specific(t, KIND_FEE, plan, f->raw[COL_ITEM], region, first, last) != f)
			continue;
		if (f->per == PER_ONCE) {
			qty = p->server_plan ? p->count : 1;
			if (!price_times(f->price, qty, &cost) ||
			    !num_add_i64(p->setup, cost, &p->setup))
				return err_set(e, "%s: fees overflow", t->name);
			if (!sel->first_month)
				continue;
		} else {
			uint64_t q;
			if (!usage_fee_qty(u, f->raw[COL_ITEM], &q))
				continue;
			if (!fee_cost(f, p, q, &cost) || !num_add_i64(p->other, cost, &p->other))
				return err_set(e, "%s: fees overflow", t->name);
			p->uncertain |= f->uncertain;
			continue;
		}
		if (!qty)
			continue;
		if (!price_times(f->price, qty, &cost) || !num_add_i64(p->other, cost, &p->other))
			return err_set(e, "%s: fees overflow", t->name);
		p->uncertain |= f->uncertain;
	}
	return 0;
}

/*
 * The plan standing for `plan` in [first, last]: itself when a plan row of
 * it is in force, else the successor a `successor` row names from a day up
 * to `last` (chains followed, at most 8 steps).
 */
static const char *successor_of(const struct table *t, const char *plan, int32_t first,
                                int32_t last, int32_t *since)
{
	*since = 0;
	for (int step = 0; step < 8; step++) {
		const struct table_row *next = NULL;
		for (size_t i = 0; i < t->nrows; i++) {
			const struct table_row *r = &t->rows[i];
			if (r->kind == KIND_PLAN && in_force(r, first, last) &&
			    strcmp(r->raw[COL_PLAN], plan) == 0)
				return plan;
			if (r->kind == KIND_SUCCESSOR && r->from <= last &&
			    strcmp(r->raw[COL_PLAN], plan) == 0 && (!next || r->from > next->from))
				next = r;
		}
		if (!next)
			return plan;
		plan = next->raw[COL_ITEM];
		*since = next->from;
	}
	return plan;
}

const char *pricing_successor(const struct pricing_tables *ts, size_t i, const char *plan,
                              int32_t month, int32_t *since)
{
	int32_t first = date_month_first(month);

	*since = 0;
	if (!plan || i >= ts->n)
		return plan;
	return successor_of(&ts->t[i], plan, first, first + date_days_in_month(first) - 1, since);
}

static int select_rows(const struct table *t, const struct pricing_select *sel, int32_t first,
                       int32_t last, struct pricing_plan **out, size_t *n, size_t *cap,
                       struct err *e);

/*
 * Selects from t as the user's servers see it: with `ordered = DAY` in the
 * config, rows for new orders only (orders=new) that started after DAY do
 * not apply, so the price of the day of the order runs on.  Without it,
 * every row does (what a server ordered now costs).
 */
static int select_table(const struct table *t, const struct pricing_select *sel, int32_t first,
                        int32_t last, struct pricing_plan **out, size_t *n, size_t *cap,
                        struct err *e)
{
	struct table view = *t;
	struct usage u;
	int rc;

	if (usage_read(sel->config, t, &u, e))
		return -1;
	if (!u.ordered)
		return select_rows(t, sel, first, last, out, n, cap, e);
	if (!(view.rows = malloc((t->nrows ? t->nrows : 1) * sizeof(*view.rows))))
		return err_set(e, "out of memory");
	view.nrows = 0;
	for (size_t i = 0; i < t->nrows; i++)
		if (!t->rows[i].new_orders || t->rows[i].from <= u.ordered)
			view.rows[view.nrows++] = t->rows[i];
	rc = select_rows(&view, sel, first, last, out, n, cap, e);
	free(view.rows);
	return rc;
}

static int select_rows(const struct table *t, const struct pricing_select *sel, int32_t first,
                       int32_t last, struct pricing_plan **out, size_t *n, size_t *cap,
                       struct err *e)
{
	struct usage u;
	const char *region, *want_plan, *asked = NULL;
	int32_t since = 0;
	char known[512];
	bool any = false;

	if (usage_read(sel->config, t, &u, e))
		return -1;
	region = sel->region ? sel->region : u.region ? u.region : first_region(t);
	if (!has_region(t, region) && *region) {
		list_regions(t, false, known, sizeof(known));
		if (!sel->region && u.region) {
			err_set(e, "unknown region '%s' for %s (known: %s)", region, t->name,
			        known);
			return usage_error(sel->config, u.region_line, e);
		}
		if (sel->provider)
			return err_set(e, "unknown region '%s' for %s (known: %s)", region, t->name,
			               known);
		return 0; /* --region names another provider's region */
	}
	want_plan = sel->plan ? sel->plan : u.plan;
	if (want_plan)
		want_plan = successor_of(t, asked = want_plan, first, last, &since);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct table_row *r = &t->rows[i];
		struct pricing_plan p;
		int rc;
		if (r->kind != KIND_PLAN || !in_force(r, first, last))
			continue;
		if (want_plan && strcmp(r->raw[COL_PLAN], want_plan) != 0)
			continue;
		if (*r->raw[COL_REGION] && strcmp(r->raw[COL_REGION], region) != 0 &&
		    strcmp(r->raw[COL_REGION], region_group(t, region)) != 0)
			continue; /* the plan is not offered in this region or its group */
		if (pick(t, KIND_PLAN, r->raw[COL_PLAN], NULL, r->raw[COL_REGION], first, last) !=
		    r)
			continue; /* a later row of the same plan wins */
		any = true;
		rc = price_plan(t, sel, &u, r, region, first, last, &p, e);
		if (rc < 0)
			return -1;
		if (since) {
			snprintf(p.replaces, sizeof(p.replaces), "%s", asked);
			p.replaced_on = since;
		}
		if (rc == 0 && push(out, n, cap, &p))
			return err_set(e, "out of memory");
	}
	if (!any && want_plan && (sel->provider || !sel->plan)) {
		char m[8];
		list_plans(t, first, last, known, sizeof(known));
		err_set(e, "unknown plan '%s' for %s in %s (known: %s)", want_plan, t->name,
		        date_format_month(first, m), known);
		if (!sel->plan && u.sec)
			return usage_error(sel->config, u.sec->line, e);
		return -1;
	}
	return 0;
}

int pricing_select(const struct pricing_tables *ts, const struct pricing_select *sel,
                   struct pricing_plan **out, size_t *n, struct err *e)
{
	int32_t first = date_month_first(sel->month);
	int32_t last = first + date_days_in_month(first) - 1;
	size_t cap = 0;
	bool found = !sel->provider;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; sel->config && i < sel->config->nproviders; i++) {
		/* A section for a provider without a table is a typo, not a no-op. */
		const struct config_provider *cp = &sel->config->providers[i];
		bool known = false;
		for (size_t j = 0; j < ts->n && !known; j++)
			known = strcmp(ts->t[j].name, cp->name) == 0;
		if (!known) {
			char list[512];
			size_t o = 0;
			list[0] = '\0';
			for (size_t j = 0; j < ts->n && o < sizeof(list); j++)
				o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
				                      o ? ", " : "", ts->t[j].name);
			err_set(e, "[provider %s]: no provider table '%s' (known: %s)", cp->name,
			        cp->name, list);
			return usage_error(sel->config, cp->line, e);
		}
	}
	if (sel->region && !sel->provider) {
		/* A region no table knows is a mistake, not an empty comparison. */
		bool known = false;
		for (size_t i = 0; i < ts->n && !known; i++)
			known = has_region(&ts->t[i], sel->region);
		if (!known) {
			char list[512];
			size_t o = 0;
			list[0] = '\0';
			for (size_t i = 0; i < ts->n; i++) {
				char one[256];
				list_regions(&ts->t[i], true, one, sizeof(one));
				if (*one && o < sizeof(list))
					o +=
					    (size_t)snprintf(list + o, sizeof(list) - o, "%s%s: %s",
					                     o ? "; " : "", ts->t[i].name, one);
			}
			return err_set(e, "unknown region '%s' (known: %s)", sel->region, list);
		}
	}
	for (size_t i = 0; i < ts->n; i++) {
		if (sel->provider && strcmp(ts->t[i].name, sel->provider) != 0)
			continue;
		found = true;
		if (select_table(&ts->t[i], sel, first, last, out, n, &cap, e))
			goto fail;
	}
	if (!found) {
		char known[512];
		size_t o = 0;
		known[0] = '\0';
		for (size_t i = 0; i < ts->n; i++)
			if (o + strlen(ts->t[i].name) + 3 < sizeof(known))
				o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s",
				                      o ? ", " : "", ts->t[i].name);
		err_set(e, "unknown provider '%s' (known: %s)", sel->provider, known);
		goto fail;
	}
	if (*n == 0 && sel->plan) {
		char m[8];
		err_set(e, "no provider has a plan '%s' in force in %s%s%s%s", sel->plan,
		        date_format_month(first, m), sel->region ? " in region '" : "",
		        sel->region ? sel->region : "", sel->region ? "'" : "");
		goto fail;
	}
	if (*n == 0 && sel->allow_unfit && (sel->need.set || sel->derived.set))
		return 0;
	if (*n == 0) {
		err_set(e, "no plan %s",
		        sel->need.set ? "has an instance that fits the need"
		                      : "is in force for this selection");
		goto fail;
	}
	return 0;
fail:
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

/* Micro-units rounded half up to whole cents (10,000 micro-units). */
static int64_t to_cents(int64_t v)
{
	num_i128 x = v >= 0 ? ((num_i128)v + 5000) / 10000 : -(((num_i128)-v + 5000) / 10000);
	return (int64_t)(x * 10000);
}

/* The bytes billed for `bill` bytes, by blocks of `block` and a rounding. */
static u128 blocks_of(int rounding, uint64_t block, uint64_t bill)
{
	if (rounding == 0)
		return bill;
	if (rounding == 1)
		return ((u128)bill + block - 1) / block * block;
	return (u128)bill / block * block;
}

/* The bytes billed for `bill` bytes beyond the allowance, by p's blocks. */
static u128 billed_units(const struct pricing_plan *p, uint64_t bill)
{
	return blocks_of(p->rounding, p->block, bill);
}

/* The bytes billed for `bill` bytes of private traffic, by its blocks. */
static u128 private_units(const struct pricing_plan *p, uint64_t bill)
{
	return blocks_of(p->private_rounding, p->private_block, bill);
}

/*
 * units x price / per_bytes, rounded up to a micro-unit (cents: rounded
 * half up to a cent, in micro-units); false when it does not fit.
 */
static bool units_cost(u128 units, int64_t price, uint64_t per_bytes, bool cents, int64_t *out)
{
	u128 den = (u128)per_bytes * PICO_PER_MICRO * (cents ? 10000u : 1u);
	u128 v;

	/* units < 2^65 and price < 2^63: check before multiplying. */
	if (price && units > ((u128)-1) / (u128)price)
		return false;
	v = cents ? (units * (u128)price + den / 2) / den : (units * (u128)price + den - 1) / den;
	if (v > MICRO_MAX / (cents ? 10000u : 1u))
		return false;
	*out = (int64_t)v * (cents ? 10000 : 1);
	return true;
}

int pricing_bill(const struct pricing_plan *p, uint64_t egress, struct pricing_bill *b,
                 struct err *e)
{
	u128 cost = 0;
	int64_t total;

	uint64_t priv = p->has_private && p->private_bytes < egress ? p->private_bytes
	                : p->has_private                            ? egress
	                                                            : 0;
	uint64_t internet = egress - priv;

	memset(b, 0, sizeof(*b));
	snprintf(b->currency, sizeof(b->currency), "%s", p->currency);
	b->egress_bytes = egress;
	b->unlimited = p->unlimited;
	b->included_bytes = p->unlimited ? internet : p->included;
	if (!p->unlimited && internet > p->included) {
		uint64_t bill = internet - p->included;
		u128 units;
		b->billable_bytes = bill;
		units = billed_units(p, bill);
		/* units < 2^65 and price < 2^63: check before multiplying. */
		if (p->price && units > ((u128)-1) / (u128)p->price)
			return err_set(e, "egress cost overflows");
		{
			u128 den = (u128)p->per_bytes * PICO_PER_MICRO;
			cost = (units * (u128)p->price + den - 1) / den;
		}
		if (cost > MICRO_MAX)
			return err_set(e, "egress cost overflows");
	}
	if (priv) {
		/* Outside the allowance: the private rate from the first byte. */
		b->private_bytes = priv;
		if (!units_cost(private_units(p, priv), p->private_price, p->private_per_bytes,
		                false, &b->private_egress) ||
		    !num_add_u64(b->billable_bytes, priv, &b->billable_bytes) ||
		    cost + (u128)b->private_egress > MICRO_MAX)
			return err_set(e, "egress cost overflows");
		cost += (u128)b->private_egress;
	}
	b->base = p->base;
	b->seats = p->seat_fees;
	b->compute = p->compute;
	b->egress = (int64_t)cost;
	b->other = p->other;
	if (!num_add_i64(b->base, b->seats, &total) || !num_add_i64(total, b->compute, &total) ||
	    !num_add_i64(total, b->egress, &total) || !num_add_i64(total, b->other, &total))
		return err_set(e, "bill total overflows");
	b->total = total;
	return 0;
}

int pricing_bill_round(const struct pricing_plan *p, struct pricing_bill *b, struct err *e)
{
	int64_t *f[] = {&b->base, &b->seats, &b->compute, &b->egress, &b->other, &b->vat};
	int64_t total = 0;

	if (b->billable_bytes) {
		/*
		 * From the exact pico-units, not the micro-units rounded up: the
		 * internet part and the private part each to cents, then summed.
		 */
		uint64_t internet = b->billable_bytes - b->private_bytes;
		int64_t inet = 0, priv = 0;
		if ((internet && !p->unlimited &&
		     !units_cost(billed_units(p, internet), p->price, p->per_bytes, true, &inet)) ||
		    (b->private_bytes &&
		     !units_cost(private_units(p, b->private_bytes), p->private_price,
		                 p->private_per_bytes, true, &priv)) ||
		    !num_add_i64(inet, priv, &b->egress))
			return err_set(e, "egress cost overflows");
		b->private_egress = priv;
	}
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i] != &b->egress)
			*f[i] = to_cents(*f[i]);
		if (!num_add_i64(total, *f[i], &total))
			return err_set(e, "bill total overflows");
	}
	b->total = total;
	return 0;
}

/* v * rate / 10^6 rounded half away from zero to cents; false on overflow. */
static bool scale(int64_t v, int64_t rate, int64_t *out)
{
	num_i128 x = (num_i128)v * rate;
	num_i128 d = (num_i128)PRICING_MICRO * 10000;
	num_i128 r = x >= 0 ? (x + d / 2) / d : -((-x + d / 2) / d);

	r *= 10000;
	if (r > INT64_MAX || r < INT64_MIN)
		return false;
	*out = (int64_t)r;
	return true;
}

int pricing_convert(struct pricing_bill *b, const char *to, int64_t rate, struct err *e)
{
	int64_t *f[] = {&b->base, &b->seats, &b->compute, &b->egress, &b->other, &b->vat};
	int64_t total = 0;

	if (rate <= 0)
		return err_set(e, "a rate must be positive");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!scale(*f[i], rate, f[i]) || !num_add_i64(total, *f[i], &total))
			return err_set(e, "converted bill overflows");
	/* The private part of the egress line, converted on its own. */
	if (!scale(b->private_egress, rate, &b->private_egress))
		return err_set(e, "converted bill overflows");
	/* The total is the sum of the converted lines, so the lines add up. */
	b->total = total;
	snprintf(b->currency, sizeof(b->currency), "%s", to);
	return 0;
}

int pricing_add_vat(struct pricing_bill *b, int64_t pct_micro, struct err *e)
{
	int64_t vat;

	if (pct_micro < 0)
		return err_set(e, "VAT must not be negative");
	/* total * pct / 100 in cents, half up: pct is in micro-units, so the
	 * divisor is 10^8 (percent) times 10^4 (micro-units per cent). */
	{
		num_i128 x = (num_i128)b->total * pct_micro;
		num_i128 d = (num_i128)100000000 * 10000;
		num_i128 r = (x + d / 2) / d * 10000;
		if (r > INT64_MAX)
			return err_set(e, "VAT overflows");
		vat = (int64_t)r;
	}
	if (!num_add_i64(b->vat, vat, &b->vat) || !num_add_i64(b->total, vat, &b->total))
		return err_set(e, "VAT overflows");
	return 0;
}
