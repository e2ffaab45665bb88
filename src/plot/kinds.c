/*
 * The kinds of plot: each turns its input into a data file in a documented
 * layout and a handful of script variables (titles, human units, the
 * allowance), then hands both to plot_render.  Computing forecasts or bills
 * is not done here: compare and project take finished numbers.
 */
#include "plot/plot.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "util/num.h"

#define DEFAULT_WIDTH  1280
#define DEFAULT_HEIGHT 720
#define MAX_SPAN_DAYS  36600

/* ---- the table of daily and monthly ---- */

void plot_table_release(struct plot_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nseries; i++)
		free(t->series[i]);
	free(t->series);
	free(t->periods);
	free(t->start);
	free(t->bytes);
	memset(t, 0, sizeof(*t));
}

struct series_sort {
	char *name;
	uint64_t total;
	size_t index;
};

static int cmp_series(const void *a, const void *b)
{
	const struct series_sort *x = a, *y = b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The first day of a row's period: a day ("YYYY-MM-DD") or a month ("YYYY-MM"). */
static int row_day(const struct store_total *r, int32_t *day, struct err *e)
{
	return strlen(r->period) == 7 ? date_parse_month(r->period, day, NULL, e)
	                              : date_parse_day(r->period, day, e);
}

/* Index of the period holding day (periods are in order), or SIZE_MAX. */
static size_t find_period(const struct plot_table *t, int32_t day)
{
	size_t lo = 0, hi = t->nperiods;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->start[mid] <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? SIZE_MAX : lo - 1;
}

int plot_table_from_totals(const struct store_total *rows, size_t n, bool by_month, int32_t from,
                           int32_t to, struct plot_table *t, struct err *e)
{
	struct series_sort *ss = NULL;
	uint64_t *bytes = NULL;
	int32_t first = INT32_MAX, last = INT32_MIN, lo, hi, d;
	size_t ns = 0, cap = 0;

	memset(t, 0, sizeof(*t));
	t->by_month = by_month;
	if (n == 0)
		return err_set(e, "no traffic recorded for this selection");
	/* The distinct services, and the span of the data. */
	for (size_t i = 0; i < n; i++) {
		size_t j;
		if (row_day(&rows[i], &d, e))
			goto fail;
		if (d < first)
			first = d;
		if (d > last)
			last = d;
		for (j = 0; j < ns; j++)
			if (strcmp(ss[j].name, rows[i].service) == 0)
				break;
		if (j == ns) {
			if (ns == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct series_sort *r = realloc(ss, nc * sizeof(*r));
				if (!r)
					goto oom;
				ss = r;
				cap = nc;
			}
			ss[ns].name = strdup(rows[i].service);
			ss[ns].total = 0;
			ss[ns].index = ns;
			if (!ss[ns].name)
				goto oom;
			ns++;
		}
		if (!num_add_u64(ss[j].total, rows[i].egress_bytes, &ss[j].total))
			ss[j].total = UINT64_MAX;
	}
	lo = from > to || from <= 0 ? first : from < first ? from : first;
	hi = from > to || to == INT32_MAX ? last : to > last ? to : last;
	if ((int64_t)hi - lo > MAX_SPAN_DAYS) {
		err_set(e, "the period to plot is longer than 100 years");
		goto fail;
	}
	/* Periods: every day, or every month, from lo to hi. */
	lo = by_month ? date_month_first(lo) : lo;
	size_t np = by_month ? 0 : (size_t)(hi - lo + 1);
	if (by_month)
		for (d = lo; d <= hi; d += date_days_in_month(d))
			np++;
	t->periods = calloc(np, sizeof(*t->periods));
	t->start = calloc(np, sizeof(*t->start));
	if (!t->periods || !t->start)
		goto oom;
	t->nperiods = np;
	d = lo;
	for (size_t i = 0; i < np; i++) {
		t->start[i] = d;
		if (by_month) {
			date_format_month(d, t->periods[i]);
			d += date_days_in_month(d);
		} else {
			date_format_day(d, t->periods[i]);
			d++;
		}
	}
	/* Largest series first; then the bytes, summed over hosts and sources. */
	qsort(ss, ns, sizeof(*ss), cmp_series);
	/* Columns: one per series, the smallest added up beyond the maximum. */
	size_t ncol = ns > PLOT_MAX_SERIES ? PLOT_MAX_SERIES : ns;
	size_t *rank = calloc(ns, sizeof(*rank));
	bytes = calloc(np * ncol, sizeof(*bytes));
	t->series = calloc(ncol, sizeof(*t->series));
	if (!rank || !bytes || !t->series) {
		free(rank);
		goto oom;
	}
	for (size_t j = 0; j < ns; j++)
		rank[ss[j].index] = j;
	for (size_t i = 0; i < n; i++) {
		size_t j, p;
		(void)row_day(&rows[i], &d, NULL);
		p = find_period(t, d);
		for (j = 0; j < ns; j++)
			if (strcmp(ss[j].name, rows[i].service) == 0)
				break;
		if (p == SIZE_MAX || j == ns)
			continue; /* cannot happen: the span covers every row */
		uint64_t *cell = &bytes[p * ncol + (j < ncol ? j : ncol - 1)];
		if (!num_add_u64(*cell, rows[i].egress_bytes, cell)) {
			free(rank);
			err_set(e, "egress of %s on %s overflows", rows[i].service, rows[i].period);
			goto fail;
		}
	}
	free(rank);
	for (size_t j = 0; j < ncol; j++) {
		if (j == ncol - 1 && ns > ncol) {
			char name[64];
			snprintf(name, sizeof(name), "%zu more services", ns - ncol + 1);
			if (!(t->series[j] = strdup(name)))
				goto oom;
			break;
		}
		t->series[j] = ss[j].name;
		ss[j].name = NULL;
	}
	for (size_t j = 0; j < ns; j++)
		free(ss[j].name);
	t->nseries = ncol;
	t->bytes = bytes;
	free(ss);
	return 0;
oom:
	err_set(e, "out of memory");
fail:
	for (size_t j = 0; j < ns; j++)
		free(ss[j].name);
	free(ss);
	free(bytes);
	plot_table_release(t);
	return -1;
}

/* A row's allowance: the month's, or its daily share for daily rows. */
static uint64_t row_allowance(const struct plot_table *t, size_t i, uint64_t allowance)
{
	if (!allowance || t->by_month)
		return allowance;
	uint64_t days = (uint64_t)date_days_in_month(t->start[i]);
	return (allowance + days / 2) / days;
}

static uint64_t row_total(const struct plot_table *t, size_t i)
{
	uint64_t sum = 0;

	for (size_t j = 0; j < t->nseries; j++)
		if (!num_add_u64(sum, t->bytes[i * t->nseries + j], &sum))
			return UINT64_MAX;
	return sum;
}

int plot_write_table(FILE *f, const struct plot_table *t, uint64_t allowance, struct err *e)
{
	fprintf(f,
	        "# costs plot %s: egress bytes per %s and service (layer-3 bytes)\n"
	        "# columns: %s, allowance (%s; 0: none), total, one column per service\n",
	        t->by_month ? "monthly" : "daily", t->by_month ? "month" : "day",
	        t->by_month ? "month" : "day",
	        t->by_month ? "included egress per month"
	                    : "monthly included egress / days in the month");
	fputs(t->by_month ? "\"month\" \"allowance\" \"total\"" : "\"day\" \"allowance\" \"total\"",
	      f);
	for (size_t j = 0; j < t->nseries; j++) {
		fputc(' ', f);
		if (plot_put_name(f, t->series[j]))
			break;
	}
	fputc('\n', f);
	for (size_t i = 0; i < t->nperiods; i++) {
		fprintf(f, "%s %" PRIu64 " %" PRIu64, t->periods[i], row_allowance(t, i, allowance),
		        row_total(t, i));
		for (size_t j = 0; j < t->nseries; j++)
			fprintf(f, " %" PRIu64, t->bytes[i * t->nseries + j]);
		fputc('\n', f);
	}
	if (ferror(f))
		return err_set(e, "cannot write the plot data: %s", strerror(errno ? errno : EIO));
	return 0;
}

/* ---- shared helpers of the kinds ---- */

/* The decimal unit that makes `max` read between 1 and 1000. */
static void pick_unit(uint64_t max, const char **name, double *bytes)
{
	static const char *const names[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
	double u = 1;
	int i = 0;

	while (i < 6 && (double)max >= u * 1000.0) {
		u *= 1000.0;
		i++;
	}
	*name = names[i];
	*bytes = u;
}

struct vars {
	struct plot_var v[32];
	size_t n;
	char text[16][96]; /* storage for formatted strings */
	size_t ntext;
};

static void var_str(struct vars *vs, const char *name, const char *s)
{
	vs->v[vs->n++] = (struct plot_var){.name = name, .kind = PLOT_VAR_STRING, .s = s};
}

static void var_num(struct vars *vs, const char *name, double num)
{
	vs->v[vs->n++] = (struct plot_var){.name = name, .kind = PLOT_VAR_NUMBER, .num = num};
}

static void var_int(struct vars *vs, const char *name, int64_t i)
{
	vs->v[vs->n++] = (struct plot_var){.name = name, .kind = PLOT_VAR_INT, .i = i};
}

/* A formatted string variable; the text lives in vs. */
static void var_fmt(struct vars *vs, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void var_fmt(struct vars *vs, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *buf = vs->text[vs->ntext++];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(vs->text[0]), fmt, ap);
	va_end(ap);
	var_str(vs, name, buf);
}

static char *human(uint64_t bytes, char buf[32])
{
	return num_format_bytes(bytes, buf, 32);
}

/* Fills common variables and renders the job for one kind. */
static int render_kind(const struct plot_opts *o, const char *kind, struct vars *vs,
                       int (*write_data)(void *, FILE *, struct err *), void *ctx, char **log,
                       struct err *e)
{
	struct plot_files files;
	char *tpl = NULL;
	int rc;

	var_int(vs, "WIDTH", o->width > 0 ? o->width : DEFAULT_WIDTH);
	var_int(vs, "HEIGHT", o->height > 0 ? o->height : DEFAULT_HEIGHT);
	if (plot_files_init(&files, o->image, e))
		return -1;
	if (o->template_path)
		tpl = strdup(o->template_path);
	else if (asprintf(&tpl, "%s/%s.gp", o->templates_dir ? o->templates_dir : ".", kind) < 0)
		tpl = NULL;
	if (!tpl) {
		plot_files_release(&files);
		return err_set(e, "out of memory");
	}
	struct plot_job job = {
	    .kind = kind,
	    .template_path = tpl,
	    .files = &files,
	    .vars = vs->v,
	    .nvars = vs->n,
	    .write_data = write_data,
	    .ctx = ctx,
	};
	rc = plot_render(&job, log, e);
	free(tpl);
	plot_files_release(&files);
	return rc;
}

/* ---- daily and monthly ---- */

struct table_ctx {
	const struct plot_table *t;
	uint64_t allowance;
};

static int table_writer(void *ctx, FILE *f, struct err *e)
{
	struct table_ctx *c = ctx;
	return plot_write_table(f, c->t, c->allowance, e);
}

static int plot_table_kind(const struct plot_opts *o, const struct plot_table *t, char **log,
                           struct err *e)
{
	struct vars vs = {0};
	struct table_ctx ctx = {t, o->allowance};
	uint64_t max = 0, sum = 0, pace_lo = UINT64_MAX, pace_hi = 0;
	const char *unit;
	double unit_bytes;
	char a[32], b[32], c[32], d[32];

	if (t->nperiods == 0 || t->nseries == 0)
		return err_set(e, "no traffic recorded for this selection");
	for (size_t i = 0; i < t->nperiods; i++) {
		uint64_t tot = row_total(t, i);
		if (tot > max)
			max = tot;
		if (!num_add_u64(sum, tot, &sum))
			sum = UINT64_MAX;
		uint64_t al = row_allowance(t, i, o->allowance);
		if (al > max)
			max = al;
		if (al > pace_hi)
			pace_hi = al;
		if (al < pace_lo)
			pace_lo = al;
	}
	pick_unit(max, &unit, &unit_bytes);
	if (t->by_month)
		var_str(&vs, "TITLE", o->title ? o->title : "Egress per month by service");
	else
		var_str(&vs, "TITLE", o->title ? o->title : "Egress per day by service");
	if (t->nperiods == 1)
		var_fmt(&vs, "SUBTITLE", "%s: %s sent", t->periods[0], human(sum, a));
	else
		var_fmt(&vs, "SUBTITLE", "%s to %s: %s sent", t->periods[0],
		        t->periods[t->nperiods - 1], human(sum, a));
	var_str(&vs, "UNIT", unit);
	var_num(&vs, "UNIT_BYTES", unit_bytes);
	var_str(&vs, "ZONE", o->zone ? o->zone : "UTC");
	var_num(&vs, "ALLOWANCE", (double)o->allowance);
	if (!o->allowance)
		var_str(&vs, "ALLOWANCE_TEXT", "");
	else if (t->by_month)
		var_fmt(&vs, "ALLOWANCE_TEXT", "allowance %s/month", human(o->allowance, b));
	else if (pace_lo == pace_hi)
		var_fmt(&vs, "ALLOWANCE_TEXT", "allowance %s/month = %s/day",
		        human(o->allowance, b), human(pace_hi, c));
	else /* months of different lengths */
		var_fmt(&vs, "ALLOWANCE_TEXT", "allowance %s/month = %s-%s/day",
		        human(o->allowance, b), human(pace_lo, c), human(pace_hi, d));
	var_int(&vs, "ROWS", (int64_t)t->nperiods);
	var_int(&vs, "SERIES", (int64_t)t->nseries);
	var_int(&vs, "FIRST_SERIES", 4);
	return render_kind(o, t->by_month ? "monthly" : "daily", &vs, table_writer, &ctx, log, e);
}

int plot_daily(const struct plot_opts *o, const struct plot_table *t, char **log, struct err *e)
{
	if (t->by_month)
		return err_set(e, "a daily plot needs a table by day");
	return plot_table_kind(o, t, log, e);
}

int plot_monthly(const struct plot_opts *o, const struct plot_table *t, char **log, struct err *e)
{
	if (!t->by_month)
		return err_set(e, "a monthly plot needs a table by month");
	return plot_table_kind(o, t, log, e);
}

/* ---- compare ---- */

static void put_money(FILE *f, int64_t micro)
{
	char buf[48];
	fprintf(f, " %s", num_format_fixed(micro, 6, 2, buf, sizeof(buf)));
}

int plot_write_compare(FILE *f, const struct plot_compare *c, struct err *e)
{
	fprintf(f,
	        "# costs plot compare: the bill per provider and plan, line items in %s\n"
	        "# columns: provider, plan, base, compute, egress, other, total, instances, "
	        "fit, mark\n",
	        c->currency ? c->currency : "the rows' currency");
	/* The currency came from a price table: keep it off the comment's next line. */
	fputs("\"provider\" \"plan\" \"base\" \"compute\" \"egress\" \"other\" \"total\" "
	      "\"instances\" \"fit\" \"mark\"\n",
	      f);
	for (size_t i = 0; i < c->n; i++) {
		const struct plot_compare_row *r = &c->rows[i];
		plot_put_name(f, r->provider ? r->provider : "");
		fputc(' ', f);
		plot_put_name(f, r->plan ? r->plan : "");
		put_money(f, r->base);
		put_money(f, r->compute);
		put_money(f, r->egress);
		put_money(f, r->other);
		put_money(f, r->total);
		fputc(' ', f);
		plot_put_name(f, r->instances && *r->instances ? r->instances : "-");
		fputc(' ', f);
		plot_put_name(f, r->fit && *r->fit ? r->fit : "-");
		fputs(r->uncertain ? " \"*\"\n" : " \"-\"\n", f);
	}
	if (ferror(f))
		return err_set(e, "cannot write the plot data: %s", strerror(errno ? errno : EIO));
	return 0;
}

static int compare_writer(void *ctx, FILE *f, struct err *e)
{
	return plot_write_compare(f, ctx, e);
}

/* A currency code fit for a script and an axis label, else "money". */
static const char *safe_currency(const char *cur)
{
	size_t n = 0;

	if (!cur || !*cur)
		return "money";
	for (const char *p = cur; *p; p++, n++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9')) ||
		    n >= 8)
			return "money";
	return cur;
}

int plot_compare(const struct plot_opts *o, const struct plot_compare *c, char **log, struct err *e)
{
	struct vars vs = {0};
	char a[32];
	char month[8] = "";

	if (c->n == 0)
		return err_set(e, "no provider or plan to compare");
	/* The month is ours to format; accept only the YYYY-MM shape. */
	if (c->month) {
		int32_t first;
		if (date_parse_month(c->month, &first, NULL, e))
			return -1;
		date_format_month(first, month);
	}
	var_str(&vs, "TITLE", o->title ? o->title : "Monthly bill by provider and plan");
	if (month[0])
		var_fmt(&vs, "SUBTITLE", "%s, egress %s%s%s", month, human(c->egress_bytes, a),
		        c->note ? "; " : "", c->note ? c->note : "");
	else
		var_fmt(&vs, "SUBTITLE", "egress %s a month%s%s", human(c->egress_bytes, a),
		        c->note ? "; " : "", c->note ? c->note : "");
	var_str(&vs, "CURRENCY", safe_currency(c->currency));
	var_str(&vs, "MONTH", month);
	var_num(&vs, "EGRESS_BYTES", (double)c->egress_bytes);
	var_int(&vs, "ROWS", (int64_t)c->n);
	return render_kind(o, "compare", &vs, compare_writer, (void *)c, log, e);
}

/* ---- project ---- */

struct project_ctx {
	const struct plot_project *p;
	uint64_t allowance;
};

static void put_opt(FILE *f, bool has, uint64_t v)
{
	if (has)
		fprintf(f, " %" PRIu64, v);
	else
		fputs(" ?", f);
}

int plot_write_project(FILE *f, const struct plot_project *p, uint64_t allowance, struct err *e)
{
	char day[11];

	fputs("# costs plot project: cumulative egress bytes since the 1st of the month\n"
	      "# columns: day, actual (measured), p10, p50, p90 (forecast), allowance;"
	      " ? = not applicable\n"
	      "\"day\" \"actual\" \"p10\" \"p50\" \"p90\" \"allowance\"\n",
	      f);
	for (size_t i = 0; i < p->n; i++) {
		const struct plot_project_day *d = &p->days[i];
		fputs(date_format_day(d->day, day), f);
		put_opt(f, d->has_actual, d->actual);
		put_opt(f, d->has_forecast, d->p10);
		put_opt(f, d->has_forecast, d->p50);
		put_opt(f, d->has_forecast, d->p90);
		fprintf(f, " %" PRIu64 "\n", allowance);
	}
	if (ferror(f))
		return err_set(e, "cannot write the plot data: %s", strerror(errno ? errno : EIO));
	return 0;
}

static int project_writer(void *ctx, FILE *f, struct err *e)
{
	struct project_ctx *c = ctx;
	return plot_write_project(f, c->p, c->allowance, e);
}

int plot_project(const struct plot_opts *o, const struct plot_project *p, char **log, struct err *e)
{
	struct vars vs = {0};
	struct project_ctx ctx = {p, o->allowance};
	uint64_t max = o->allowance, end_p10 = 0, end_p50 = 0, end_p90 = 0;
	int32_t exhausted = -1;
	const char *unit;
	double unit_bytes;
	char month[8], asof[11], first[11], last[11], ex[11] = "", a[32], b[32], c[32];

	if (p->n == 0)
		return err_set(e, "no days to plot");
	for (size_t i = 0; i < p->n; i++) {
		const struct plot_project_day *d = &p->days[i];
		uint64_t mid = d->has_actual ? d->actual : d->has_forecast ? d->p50 : 0;
		if (i > 0 && d->day <= p->days[i - 1].day)
			return err_set(e, "projection days are not in order");
		if (d->has_actual && d->actual > max)
			max = d->actual;
		if (d->has_forecast && d->p90 > max)
			max = d->p90;
		if (d->has_forecast) {
			end_p10 = d->p10;
			end_p50 = d->p50;
			end_p90 = d->p90;
		} else if (d->has_actual) {
			end_p10 = end_p50 = end_p90 = d->actual;
		}
		if (o->allowance && exhausted < 0 && mid > o->allowance)
			exhausted = d->day;
	}
	if (date_month_first(p->days[0].day) != date_month_first(p->days[p->n - 1].day))
		return err_set(e, "a projection plot covers one month");
	pick_unit(max, &unit, &unit_bytes);
	date_format_month(p->days[0].day, month);
	date_format_day(p->as_of, asof);
	date_format_day(p->days[0].day, first);
	date_format_day(p->days[p->n - 1].day, last);
	if (exhausted >= 0)
		date_format_day(exhausted, ex);
	if (o->title)
		var_str(&vs, "TITLE", o->title);
	else
		var_fmt(&vs, "TITLE", "Projected egress for %s", month);
	var_fmt(&vs, "SUBTITLE", "measured to %s; month end p50 %s (p10 %s, p90 %s)", asof,
	        human(end_p50, a), human(end_p10, b), human(end_p90, c));
	var_str(&vs, "UNIT", unit);
	var_num(&vs, "UNIT_BYTES", unit_bytes);
	var_str(&vs, "ZONE", o->zone ? o->zone : "UTC");
	var_num(&vs, "ALLOWANCE", (double)o->allowance);
	if (o->allowance)
		var_fmt(&vs, "ALLOWANCE_TEXT", "allowance %s", human(o->allowance, a));
	else
		var_str(&vs, "ALLOWANCE_TEXT", "");
	var_str(&vs, "MONTH", month);
	var_str(&vs, "AS_OF", asof);
	var_str(&vs, "FIRST_DAY", first);
	var_str(&vs, "LAST_DAY", last);
	var_str(&vs, "EXHAUSTED_ON", ex);
	var_int(&vs, "ROWS", (int64_t)p->n);
	return render_kind(o, "project", &vs, project_writer, &ctx, log, e);
}
