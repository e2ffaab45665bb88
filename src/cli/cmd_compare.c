/*
 * costs compare: a month's bill on every provider and plan in force, line by
 * line, cheapest first, for measured egress (--month, from the store) or a
 * given volume (--egress).  Also the break-even egress between providers and
 * the egress a real invoice implies.  The money work is in src/pricing.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/select.h"
#include "util/csvio.h"
#include "util/date.h"
#include "util/num.h"
#include "pricing/pricing.h"
#include "report/table.h"

extern const struct cmd cmd_compare;

enum {
	OPT_EGRESS = CLI_OPT_FIRST_FREE,
	OPT_SEATS,
	OPT_RATE,
	OPT_CURRENCY,
	OPT_VAT,
	OPT_FIRST_MONTH,
	OPT_BREAKEVEN,
	OPT_INVOICE,
	OPT_ALLOW_EMPTY,
	OPT_HOURS,
};

#define MAX_RATES  8
#define SEARCH_MAX 10000000000000000ULL /* 10 PB: the search ceiling */

struct opts {
	const char *currency; /* the report currency for conversions */
	struct {
		char cur[4];
		int64_t rate;
	} rates[MAX_RATES];
	size_t nrates;
	bool vat_set;
	int64_t vat;
};

struct row {
	const struct pricing_plan *plan;
	struct pricing_bill bill;
	bool converted; /* in the report currency */
};

/* Bills plan p for egress bytes in the currency the report uses. */
static int bill_for(const struct opts *o, const struct pricing_plan *p, uint64_t egress,
                    struct pricing_bill *b, bool *converted, struct err *e)
{
	if (pricing_bill(p, egress, b, e))
		return -1;
	*converted = strcmp(b->currency, o->currency) == 0;
	for (size_t i = 0; i < o->nrates && !*converted; i++)
		if (strcmp(o->rates[i].cur, b->currency) == 0) {
			if (pricing_convert(b, o->currency, o->rates[i].rate, e))
				return -1;
			*converted = true;
		}
	if (o->vat_set && pricing_add_vat(b, o->vat, e))
		return -1;
	return 0;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c;

	/* Rows in the report currency first, then by currency, then cheapest. */
	if (x->converted != y->converted)
		return x->converted ? -1 : 1;
	if ((c = strcmp(x->bill.currency, y->bill.currency)))
		return c;
	if (x->bill.total != y->bill.total)
		return x->bill.total < y->bill.total ? -1 : 1;
	if ((c = strcmp(x->plan->provider, y->plan->provider)))
		return c;
	return strcmp(x->plan->plan, y->plan->plan);
}

static const char *money(int64_t v, char *buf, size_t len)
{
	return num_format_fixed(v, 6, 2, buf, len);
}

/* For the table: rounded half up to cents (CSV and JSON keep micro-units). */
static const char *u64s(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* Measured egress of a month from the store (see pricing_month_egress). */
static int measured_egress(struct cli *cli, const char *host, int32_t first, int32_t last,
                           struct pricing_measured *m)
{
	const struct config *cfg = cli_config(cli);
	struct store *st;
	struct err e;
	int rc;

	if (!cfg || !(st = cli_open_store(cli, false)))
		return 1;
	rc = pricing_month_egress(st, cfg, host, first, last, m, &e);
	store_close(st);
	if (rc)
		return cli_error("%s", e.msg);
	cli_verbose(cli, "%" PRIu64 " billable egress bytes from %zu host%s, source %s", m->bytes,
	            m->hosts, m->hosts == 1 ? "" : "s", m->source ? m->source : "none");
	return 0;
}

static int print_table(const struct row *rows, size_t n, bool compute_note)
{
	static const char *const hdr[] = {"provider", "plan", "region", "instances", "included",
	                                  "billable", "base", "seats",  "compute",   "egress",
	                                  "other",    "vat",  "total",  "cur"};
	struct report_table *t = report_table_new(14, hdr, "lllllrrrrrrrrl");
	bool uncertain = false;
	int rc = 0;

	if (!t)
		return -1;
	for (size_t i = 0; i < n && !rc; i++) {
		const struct pricing_plan *p = rows[i].plan;
		const struct pricing_bill *b = &rows[i].bill;
		char inc[32], bil[32], m[7][32], inst[96], plan[80];
		snprintf(plan, sizeof(plan), "%s%s", p->plan, p->uncertain ? " *" : "");
		uncertain |= p->uncertain;
		if (p->instance && p->instance_list)
			snprintf(inst, sizeof(inst), "%s", p->instance);
		else if (p->instance)
			snprintf(inst, sizeof(inst), "%ux %s", p->count, p->instance);
		else
			snprintf(inst, sizeof(inst), "-");
		if (b->unlimited)
			snprintf(inc, sizeof(inc), "unlimited");
		else
			num_format_bytes(b->included_bytes, inc, sizeof(inc));
		num_format_bytes(b->billable_bytes, bil, sizeof(bil));
		const char *cells[] = {p->provider,
		                       plan,
		                       p->region,
		                       inst,
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
		rc = report_table_add(t, cells);
	}
	if (!rc)
		rc = report_table_print(t, stdout);
	report_table_free(t);
	if (!rc && uncertain)
		rc = printf("* uses a figure the price research marks uncertain "
		            "(see 'costs providers show NAME')\n") < 0;
	if (!rc && compute_note)
		rc = printf("compute not priced: no [provider] section or --need, so only fixed "
		            "fees and egress are priced (plans that are servers count one)\n") < 0;
	return rc;
}

static int print_csv(const struct row *rows, size_t n)
{
	static const char *const hdr[] = {
	    "provider",       "plan",           "region", "month",    "currency", "egress_bytes",
	    "included_bytes", "billable_bytes", "base",   "compute",  "egress",   "other",
	    "total",          "seats",          "vat",    "instance", "count",    "uncertain"};
	int rc = csvio_write_row(stdout, hdr, sizeof(hdr) / sizeof(hdr[0]));

	for (size_t i = 0; i < n && !rc; i++) {
		const struct pricing_plan *p = rows[i].plan;
		const struct pricing_bill *b = &rows[i].bill;
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
		                       p->uncertain ? "yes" : "no"};
		rc = csvio_write_row(stdout, cells, sizeof(cells) / sizeof(cells[0]));
	}
	return rc;
}

static json_t *json_money(int64_t v)
{
	char buf[32];
	return json_string(money(v, buf, sizeof(buf)));
}

static json_t *rows_json(const struct row *rows, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct pricing_plan *p = rows[i].plan;
		const struct pricing_bill *b = &rows[i].bill;
		char mon[8];
		json_t *o = json_pack(
		    "{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}",
		    "provider", p->provider, "plan", p->plan, "region", p->region, "month",
		    date_format_month(p->month, mon), "currency", b->currency, "egress_bytes",
		    (json_int_t)b->egress_bytes, "included_bytes", (json_int_t)b->included_bytes,
		    "billable_bytes", (json_int_t)b->billable_bytes, "unlimited", b->unlimited,
		    "base", json_money(b->base), "seats", json_money(b->seats), "compute",
		    json_money(b->compute), "egress", json_money(b->egress), "other",
		    json_money(b->other), "vat", json_money(b->vat), "total", json_money(b->total),
		    "uncertain", p->uncertain);
		if (o && p->instance) {
			json_object_set_new(o, "instance", json_string(p->instance));
			json_object_set_new(o, "count", json_integer(p->count));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

/* total(a) - total(b) at egress x, both in the report currency. */
static int diff_at(const struct opts *o, const struct pricing_plan *a, const struct pricing_plan *b,
                   uint64_t x, num_i128 *d, struct err *e)
{
	struct pricing_bill ba, bb;
	bool ca, cb;

	if (bill_for(o, a, x, &ba, &ca, e) || bill_for(o, b, x, &bb, &cb, e))
		return -1;
	*d = (num_i128)ba.total - bb.total;
	return 0;
}

/*
 * The smallest egress at which the cheaper of a and b at zero egress stops
 * being cheaper, by bisection (bills are monotone step functions; with more
 * than one crossing this finds one of them).  Returns 1 when there is none
 * up to the ceiling.
 */
static int breakeven(const struct opts *o, const struct pricing_plan *a,
                     const struct pricing_plan *b, uint64_t *at, int *sign0, struct err *e)
{
	uint64_t lo = 0, hi = SEARCH_MAX;
	num_i128 d;
	int s0, sh;

	if (diff_at(o, a, b, 0, &d, e))
		return -1;
	s0 = d < 0 ? -1 : d > 0 ? 1 : 0;
	*sign0 = s0;
	if (diff_at(o, a, b, hi, &d, e))
		return -1;
	sh = d < 0 ? -1 : d > 0 ? 1 : 0;
	if (s0 == 0) {
		*at = 0;
		return 0;
	}
	if (sh == s0)
		return 1;
	while (lo + 1 < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		int s;
		if (diff_at(o, a, b, mid, &d, e))
			return -1;
		s = d < 0 ? -1 : d > 0 ? 1 : 0;
		if (s == s0)
			lo = mid;
		else
			hi = mid;
	}
	*at = hi;
	return 0;
}

static int print_breakeven(const struct opts *o, const struct row *rows, size_t n)
{
	const struct row *best[64];
	size_t nb = 0;
	struct err e;

	/* The cheapest row of each provider, in the sorted order. */
	for (size_t i = 0; i < n && nb < 64; i++) {
		bool seen = false;
		for (size_t j = 0; j < nb && !seen; j++)
			seen = strcmp(best[j]->plan->provider, rows[i].plan->provider) == 0;
		if (!seen)
			best[nb++] = &rows[i];
	}
	printf("\nbreak-even egress (cheapest plan of each provider):\n");
	if (nb < 2)
		return printf("  only one provider selected\n") < 0;
	for (size_t i = 0; i < nb; i++)
		for (size_t j = i + 1; j < nb; j++) {
			const struct pricing_plan *a = best[i]->plan, *b = best[j]->plan;
			char sz[32];
			uint64_t at;
			int s0, rc;
			if (strcmp(best[i]->bill.currency, best[j]->bill.currency)) {
				printf("  %s/%s and %s/%s: different currencies (%s, %s); give "
				       "--rate\n",
				       a->provider, a->plan, b->provider, b->plan,
				       best[i]->bill.currency, best[j]->bill.currency);
				continue;
			}
			rc = breakeven(o, a, b, &at, &s0, &e);
			if (rc < 0)
				return cli_error("%s", e.msg);
			if (rc == 1)
				printf("  %s/%s and %s/%s: %s/%s stays cheaper up to 10 PB\n",
				       a->provider, a->plan, b->provider, b->plan,
				       s0 < 0 ? a->provider : b->provider,
				       s0 < 0 ? a->plan : b->plan);
			else
				printf(
				    "  %s/%s and %s/%s: %s (%" PRIu64 " bytes); below it %s/%s is "
				    "cheaper\n",
				    a->provider, a->plan, b->provider, b->plan,
				    num_format_bytes(at, sz, sizeof(sz)), at,
				    s0 < 0 ? a->provider : b->provider, s0 < 0 ? a->plan : b->plan);
		}
	return 0;
}

static int total_at(const struct opts *o, const struct pricing_plan *p, uint64_t x, int64_t *t,
                    struct err *e)
{
	struct pricing_bill b;
	bool c;

	if (bill_for(o, p, x, &b, &c, e))
		return -1;
	*t = b.total;
	return 0;
}

static int print_invoice(const struct opts *o, const struct row *r, int64_t amount)
{
	const struct pricing_plan *p = r->plan;
	uint64_t lo = 0, hi = SEARCH_MAX, first_ge, last_le;
	int64_t t0, tmax, t;
	char m1[32], m2[32], m3[32], s1[32], s2[32];
	struct err e;

	printf("\ninvoice %s %s, modelled %s %s: difference %s%s\n", money(amount, m1, 32),
	       r->bill.currency, money(r->bill.total, m2, 32), r->bill.currency,
	       amount - r->bill.total >= 0 ? "+" : "", money(amount - r->bill.total, m3, 32));
	if (total_at(o, p, 0, &t0, &e) || total_at(o, p, SEARCH_MAX, &tmax, &e))
		return cli_error("%s", e.msg);
	if (amount < t0)
		return printf("the invoice is below the fixed charges (%s): no egress volume "
		              "explains it\n",
		              money(t0, m1, 32)) < 0;
	if (amount > tmax)
		return printf("no egress volume up to 10 PB explains the invoice\n") < 0;
	/* first_ge: the least egress whose bill reaches the invoice. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (total_at(o, p, mid, &t, &e))
			return cli_error("%s", e.msg);
		if (t >= amount)
			hi = mid;
		else
			lo = mid + 1;
	}
	first_ge = lo;
	lo = 0;
	hi = SEARCH_MAX;
	while (lo < hi) { /* last_le: the most egress whose bill stays within it */
		uint64_t mid = lo + (hi - lo + 1) / 2;
		if (total_at(o, p, mid, &t, &e))
			return cli_error("%s", e.msg);
		if (t <= amount)
			lo = mid;
		else
			hi = mid - 1;
	}
	last_le = lo;
	if (total_at(o, p, first_ge, &t, &e))
		return cli_error("%s", e.msg);
	if (t == amount)
		return printf("under %s/%s rules the invoice implies %s to %s of egress "
		              "(%" PRIu64 " to %" PRIu64 " bytes)\n",
		              p->provider, p->plan, num_format_bytes(first_ge, s1, 32),
		              num_format_bytes(last_le, s2, 32), first_ge, last_le) < 0;
	return printf("under %s/%s rules no egress volume gives exactly this amount: %s "
	              "(%" PRIu64 " bytes) bills %s, one byte more bills %s\n",
	              p->provider, p->plan, num_format_bytes(last_le, s1, 32), last_le,
	              (total_at(o, p, last_le, &t0, &e), money(t0, m1, 32)), money(t, m2, 32)) < 0;
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

/*
 * pricing_select over comma-separated --provider and --plan lists
 * ("render,hetzner", "professional,ex44").  One name each is a plain
 * pricing_select (whose errors list the known names); with lists, each
 * provider's plans in force are kept when the plan list names them, and a
 * listed plan that no provider has is an error.
 */
static int select_lists(const struct pricing_tables *t, const struct pricing_select *sel,
                        struct pricing_plan **out, size_t *n, struct err *e)
{
	char *provs = sel->provider ? strdup(sel->provider) : NULL;
	char *plans = sel->plan ? strdup(sel->plan) : NULL;
	const char *pv[16], *pl[16];
	bool used[16] = {false};
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
	for (size_t i = 0; i < npv; i++) {
		struct pricing_select one = *sel;
		struct pricing_plan *got = NULL, *all;
		size_t k = 0, kept = 0;

		one.provider = pv[i];
		one.plan = NULL;
		if (pricing_select(t, &one, &got, &k, e)) {
			if (sel->plan && !sel->provider)
				continue; /* nothing in force here: other providers may have it */
			goto out;
		}
		for (size_t r = 0; r < k; r++) {
			bool want = !sel->plan;
			for (size_t j = 0; j < npl && sel->plan; j++)
				if (strcmp(got[r].plan, pl[j]) == 0)
					want = used[j] = true;
			if (want)
				got[kept++] = got[r];
		}
		if (kept && !(all = realloc(*out, (*n + kept) * sizeof(*all)))) {
			free(got);
			err_set(e, "out of memory");
			goto out;
		}
		if (kept) {
			memcpy(all + *n, got, kept * sizeof(*all));
			*out = all;
			*n += kept;
		}
		free(got);
	}
	for (size_t j = 0; j < npl && sel->plan; j++)
		if (!used[j]) {
			err_set(e, "no selected provider has a plan '%s' in force in this month",
			        pl[j]);
			goto out;
		}
	rc = 0;
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

static int parse_rate(struct opts *o, const char *arg)
{
	struct err e;

	if (o->nrates == MAX_RATES)
		return cli_usage(&cmd_compare, "too many --rate options");
	if (pricing_rate_parse(arg, o->rates[o->nrates].cur, &o->rates[o->nrates].rate, &e))
		return cli_usage(&cmd_compare, "%s", e.msg);
	o->nrates++;
	return 0;
}

static int exec_compare(struct cli *cli, int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"month", required_argument, NULL, CLI_OPT_MONTH},
	    {"host", required_argument, NULL, CLI_OPT_HOST},
	    {"egress", required_argument, NULL, OPT_EGRESS},
	    CLI_SELECT_LONGOPTS,
	    {"seats", required_argument, NULL, OPT_SEATS},
	    {"rate", required_argument, NULL, OPT_RATE},
	    {"currency", required_argument, NULL, OPT_CURRENCY},
	    {"vat", required_argument, NULL, OPT_VAT},
	    {"first-month", no_argument, NULL, OPT_FIRST_MONTH},
	    {"breakeven", no_argument, NULL, OPT_BREAKEVEN},
	    {"invoice", required_argument, NULL, OPT_INVOICE},
	    {"allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY},
	    {"hours", required_argument, NULL, OPT_HOURS},
	    {"format", required_argument, NULL, CLI_OPT_FORMAT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct pricing_select sel;
	struct opts o;
	enum cli_format fmt = CLI_FORMAT_TABLE;
	struct pricing_tables *tables = NULL;
	struct pricing_plan *plans = NULL;
	struct row *rows = NULL;
	const char *host = NULL, *source = NULL;
	bool month_set = false, egress_set = false, allow_empty = false, want_breakeven = false;
	bool invoice_set = false, compute_note = true;
	int64_t invoice = 0;
	uint64_t egress = 0, u;
	int32_t first, last;
	size_t n = 0;
	struct err e;
	int opt, rc = 1;

	memset(&sel, 0, sizeof(sel));
	memset(&o, 0, sizeof(o));
	o.currency = "USD";
	sel.month = date_today();
	while ((opt = getopt_long(argc, argv, "+:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_compare);
			return 0;
		case CLI_OPT_MONTH:
			if (date_parse_month(optarg, &sel.month, NULL, &e))
				return cli_usage(&cmd_compare, "%s", e.msg);
			month_set = true;
			break;
		case CLI_OPT_HOST:
			host = optarg;
			break;
		case OPT_EGRESS:
			if (num_parse_size(optarg, &egress, &e))
				return cli_usage(&cmd_compare, "%s", e.msg);
			egress_set = true;
			break;
		case OPT_SEATS:
			if (num_parse_u64(optarg, 1, 10000, &u, &e))
				return cli_usage(&cmd_compare, "bad seats: %s", e.msg);
			sel.seats = (unsigned)u;
			break;
		case OPT_RATE:
			if ((rc = parse_rate(&o, optarg)))
				return rc;
			break;
		case OPT_CURRENCY:
			if (!pricing_currency_known(optarg))
				return cli_usage(&cmd_compare, "unknown currency '%s'", optarg);
			o.currency = optarg;
			break;
		case OPT_VAT:
			if (num_parse_fixed(optarg, 6, &o.vat, &e) || o.vat < 0 ||
			    o.vat > 100 * (int64_t)PRICING_MICRO)
				return cli_usage(&cmd_compare, "bad VAT '%s' (a percentage 0-100)",
				                 optarg);
			o.vat_set = true;
			break;
		case OPT_FIRST_MONTH:
			sel.first_month = true;
			break;
		case OPT_BREAKEVEN:
			want_breakeven = true;
			break;
		case OPT_INVOICE:
			if (num_parse_fixed(optarg, 6, &invoice, &e) || invoice < 0)
				return cli_usage(&cmd_compare, "bad invoice amount '%s'", optarg);
			invoice_set = true;
			break;
		case OPT_HOURS:
			if (pricing_hours_parse(optarg, &sel.seconds, &e))
				return cli_usage(&cmd_compare, "%s", e.msg);
			break;
		case OPT_ALLOW_EMPTY:
			allow_empty = true;
			break;
		case CLI_OPT_FORMAT:
			if ((rc = cli_parse_format(&cmd_compare, optarg, &fmt)))
				return rc;
			break;
		default:
			rc = opt == '?' || opt == ':'
			         ? 1
			         : cli_select_option(&cmd_compare, &sel, opt, optarg);
			if (rc == 1)
				return cli_bad_option(&cmd_compare, opt, argv[optind - 1]);
			if (rc)
				return rc;
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_compare, "unexpected argument '%s'", argv[optind]);
	if (!month_set && !egress_set)
		return cli_usage(&cmd_compare, "give --month YYYY-MM (measured) or --egress SIZE");
	if ((want_breakeven || invoice_set) && fmt != CLI_FORMAT_TABLE)
		return cli_usage(&cmd_compare, "--breakeven and --invoice print text: use them "
		                               "with --format table");
	if (invoice_set && (!sel.provider || !sel.plan))
		return cli_usage(&cmd_compare, "--invoice needs --provider and --plan");
	for (size_t i = 0; i < o.nrates; i++)
		if (strcmp(o.rates[i].cur, o.currency) == 0)
			return cli_usage(&cmd_compare,
			                 "--rate %s converts the report currency "
			                 "into itself (see --currency)",
			                 o.currency);
	first = date_month_first(sel.month);
	last = first + date_days_in_month(first) - 1;
	if (!(sel.config = cli_config(cli)))
		return 1;
	if (!egress_set) {
		struct pricing_measured m;
		char mon[8];
		if ((rc = measured_egress(cli, host, first, last, &m)))
			return rc;
		egress = m.bytes;
		source = m.source;
		if (!m.found && !allow_empty)
			return cli_error("no traffic recorded for %s%s%s (give --egress SIZE, or "
			                 "--allow-empty to price zero egress)",
			                 date_format_month(first, mon), host ? " on host " : "",
			                 host ? host : "");
	}
	if (pricing_load_dir(cli->providers_dir, &tables, &e))
		return cli_error("%s", e.msg);
	if (select_lists(tables, &sel, &plans, &n, &e)) {
		rc = cli_error("%s", e.msg);
		goto out;
	}
	if (invoice_set && n != 1) {
		rc = cli_usage(&cmd_compare, "--invoice needs one plan; this selection has %zu", n);
		goto out;
	}
	if (!(rows = calloc(n, sizeof(*rows)))) {
		rc = cli_error("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		rows[i].plan = &plans[i];
		if (bill_for(&o, &plans[i], egress, &rows[i].bill, &rows[i].converted, &e)) {
			rc = cli_error("%s/%s: %s", plans[i].provider, plans[i].plan, e.msg);
			goto out;
		}
		if (plans[i].compute_priced && !plans[i].server_plan)
			compute_note = false;
	}
	if (sel.need.set)
		compute_note = false;
	qsort(rows, n, sizeof(*rows), cmp_rows);
	if (fmt == CLI_FORMAT_CSV) {
		rc = print_csv(rows, n);
	} else if (fmt == CLI_FORMAT_JSON) {
		json_t *root = rows_json(rows, n);
		rc = json_dumpf(root, stdout, JSON_INDENT(2)) || putchar('\n') == EOF;
		json_decref(root);
	} else {
		char sz[32], mon[8];
		printf("%s egress in %s (%s)\n", num_format_bytes(egress, sz, sizeof(sz)),
		       date_format_month(first, mon),
		       egress_set ? "given"
		       : source   ? source
		                  : "no data");
		rc = print_table(rows, n, compute_note);
		for (size_t i = 0; i + 1 < n && !rc; i++)
			if (strcmp(rows[i].bill.currency, rows[i + 1].bill.currency)) {
				rc = printf(
				         "rows are in different currencies and are not comparable; "
				         "give --rate CUR=X to convert into %s\n",
				         o.currency) < 0;
				break;
			}
		if (!rc && want_breakeven)
			rc = print_breakeven(&o, rows, n);
		if (!rc && invoice_set)
			rc = print_invoice(&o, &rows[0], invoice);
	}
	rc = rc ? cli_error("cannot write the comparison") : 0;
out:
	free(rows);
	free(plans);
	pricing_tables_free(tables);
	return rc;
}

const struct cmd cmd_compare = {
    .name = "compare",
    .synopsis = "(--month YYYY-MM | --egress SIZE) [--host NAME] [--allow-empty] "
                "[--provider NAME] [--plan NAME] [--region NAME] [--need SPEC] [--seats N] "
                "[--hours H] [--currency CUR] [--rate CUR=X] [--vat PCT] [--first-month] "
                "[--breakeven] [--invoice AMOUNT] [--format table|csv|json]",
    .summary = "a month's bill on every provider and plan, cheapest first",
    .help = "  --month YYYY-MM     the month billed; without --egress its measured egress\n"
            "                      (billable services; per host one source: nft, else pcap,\n"
            "                      else import, else iface; hosts are summed)\n"
            "  --egress SIZE       price this volume instead (1.3TB = 1.3e12 bytes; kB MB GB\n"
            "                      TB KiB MiB GiB TiB); the month defaults to this month\n"
            "  --host NAME         measured egress of this host only\n"
            "  --allow-empty       price zero egress when the month has no data\n"
            "  --provider NAME     only this provider's table (or a list: render,fly)\n"
            "  --plan NAME         only this plan, or a list: professional,ex44\n"
            "                      (default: every plan in force)\n"
            "  --region NAME       price in this region (default: the config's, else the\n"
            "                      table's first)\n"
            "  --need SPEC         ram=4GB,cpu=2,count=2: the cheapest fitting instance per\n"
            "                      plan (overrides the config's [provider] sections)\n"
            "  --seats N           seats for per-seat plans (default: config, else 1)\n"
            "  --hours H           hours each instance runs this month (default: all),\n"
            "                      billed by the provider's rule (per second, started\n"
            "                      hour, monthly cap)\n"
            "  --rate CUR=X        convert amounts in CUR at X units of the report currency\n"
            "  --currency CUR      the report currency for --rate (default USD)\n"
            "  --vat PCT           add VAT at PCT percent of the total\n"
            "  --first-month       include one-off setup fees\n"
            "  --breakeven         the egress at which the cheapest plans of each pair of\n"
            "                      providers cost the same\n"
            "  --invoice AMOUNT    with --provider and --plan: compare with a real invoice\n"
            "                      and show the egress it implies\n"
            "  --format FMT        table (default), csv or json\n",
    .exec = exec_compare,
};
