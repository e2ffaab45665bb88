/*
 * costs metrics and costs serve: the store in the Prometheus text format.
 * Counters are sums of the store's daily totals, so they only grow as the
 * store does (a kernel counter reset is already absorbed by `sample`); the
 * day gauges carry the store's own day totals so that a central Prometheus
 * reads exact days without increase() extrapolation.  Pricing goes through
 * the pricing and projection libraries, never a copy of their rules.
 */
#include "metrics/metrics.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pricing/pricing.h"
#include "projection/projection.h"
#include "util/date.h"
#include "util/num.h"

/* Writes s as a label value: backslash, double quote and newline escaped. */
static void put_label(FILE *f, const char *name, const char *s, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; s && *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Totals of one (host, service, source) over every day. */
static int key_cmp(const void *a, const void *b)
{
	const struct store_total *x = a, *y = b;
	int c = strcmp(x->host, y->host);

	if (!c)
		c = strcmp(x->service, y->service);
	return c ? c : strcmp(x->source, y->source);
}

/* Sums month rows of the same key into the first of them; returns the count kept. */
static size_t merge_keys(struct store_total *rows, size_t n)
{
	size_t w = 0;

	if (n > 1)
		qsort(rows, n, sizeof(*rows), key_cmp);
	for (size_t i = 0; i < n; i++) {
		if (w && key_cmp(&rows[w - 1], &rows[i]) == 0) {
			struct store_total *k = &rows[w - 1];
			k->egress_bytes += rows[i].egress_bytes;
			k->ingress_bytes += rows[i].ingress_bytes;
			k->egress_packets += rows[i].egress_packets;
			k->ingress_packets += rows[i].ingress_packets;
			continue;
		}
		if (w != i) {
			struct store_total t = rows[w];
			rows[w] = rows[i];
			rows[i] = t; /* keep every allocation in the array for the free */
		}
		w++;
	}
	return w;
}

static void series_hss(FILE *f, const char *name, const struct store_total *t, uint64_t v)
{
	fprintf(f, "%s{", name);
	put_label(f, "host", t->host, true);
	put_label(f, "service", t->service, false);
	put_label(f, "source", t->source, false);
	fprintf(f, "} %" PRIu64 "\n", v);
}

static void write_counters(FILE *f, const struct store_total *rows, size_t kept)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} fam[] = {
	    {"costs_egress_bytes_total", "Bytes sent (layer 3), sum of the store's daily totals.",
	     offsetof(struct store_total, egress_bytes)},
	    {"costs_ingress_bytes_total",
	     "Bytes received (layer 3), sum of the store's daily totals.",
	     offsetof(struct store_total, ingress_bytes)},
	    {"costs_egress_packets_total", "Packets sent, sum of the store's daily totals.",
	     offsetof(struct store_total, egress_packets)},
	    {"costs_ingress_packets_total", "Packets received, sum of the store's daily totals.",
	     offsetof(struct store_total, ingress_packets)},
	};
	for (size_t k = 0; k < sizeof(fam) / sizeof(fam[0]); k++) {
		family(f, fam[k].name, "counter", fam[k].help);
		for (size_t i = 0; i < kept; i++) {
			uint64_t v;
			memcpy(&v, (const char *)&rows[i] + fam[k].off, sizeof(v));
			series_hss(f, fam[k].name, &rows[i], v);
		}
	}
}

/*
 * costs_day_exposed: for every host of the store, the days this scrape
 * carries, so a central store can tell a day a host was not scraped (a gap)
 * from a day it sent nothing.  rows are sorted by host.
 */
static void write_exposed(FILE *f, const struct store_total *rows, size_t kept, int32_t today)
{
	family(f, "costs_day_exposed", "gauge",
	       "1 for each host and day whose costs_day_egress_bytes this scrape carries "
	       "(today and the last 7 closed days).");
	for (size_t i = 0; i < kept; i++) {
		if (i && strcmp(rows[i].host, rows[i - 1].host) == 0)
			continue;
		for (int32_t d = today - METRICS_DAYS; d <= today; d++) {
			char day[11];
			fputs("costs_day_exposed{", f);
			put_label(f, "host", rows[i].host, true);
			put_label(f, "day", date_format_day(d, day), false);
			fputs("} 1\n", f);
		}
	}
}

static int write_days(FILE *f, struct store *st, int32_t today, struct err *e)
{
	struct store_query q = {.from = today - METRICS_DAYS, .to = today};
	struct store_total *rows = NULL;
	size_t n = 0;

	if (store_totals(st, &q, &rows, &n, e))
		return -1;
	family(f, "costs_day_egress_bytes", "gauge",
	       "Bytes sent on one day of the store's time zone, the store's own day total "
	       "(today and the last 7 closed days).");
	for (size_t i = 0; i < n; i++) {
		fputs("costs_day_egress_bytes{", f);
		put_label(f, "host", rows[i].host, true);
		put_label(f, "service", rows[i].service, false);
		put_label(f, "source", rows[i].source, false);
		put_label(f, "day", rows[i].period, false);
		fprintf(f, "} %" PRIu64 "\n", rows[i].egress_bytes);
	}
	store_totals_free(rows, n);
	return 0;
}

/* The newest time the store has for a (host, source). */
struct stamp {
	char host[256];
	char source[16];
	int64_t time_us;
};

struct stamps {
	struct stamp *v;
	size_t n;
	const char *local_host;
};

static int stamp_add(struct stamps *s, const char *host, const char *source, int64_t t)
{
	struct stamp *p;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].host, host) == 0 && strcmp(s->v[i].source, source) == 0) {
			if (t > s->v[i].time_us)
				s->v[i].time_us = t;
			return 0;
		}
	if (!(p = realloc(s->v, (s->n + 1) * sizeof(*p))))
		return -1;
	s->v = p;
	p = &s->v[s->n++];
	snprintf(p->host, sizeof(p->host), "%s", host);
	snprintf(p->source, sizeof(p->source), "%s", source);
	p->time_us = t;
	return 0;
}

static int stamp_capture(void *ctx, const struct store_capture *c, uint64_t bytes, uint64_t packets)
{
	return stamp_add(ctx, c->host, STORE_SOURCE_PCAP, c->captured_us);
}

static int stamp_counter(void *ctx, const char *name, const struct store_counter *c)
{
	struct stamps *s = ctx;

	if (!s->local_host)
		return 0;
	if (strncmp(name, "iface/", 6) == 0)
		return stamp_add(s, s->local_host, STORE_SOURCE_IFACE, c->time_us);
	if (strncmp(name, "nft/", 4) == 0 || strncmp(name, "nftgen/", 7) == 0)
		return stamp_add(s, s->local_host, STORE_SOURCE_NFT, c->time_us);
	return 0;
}

static int write_stamps(FILE *f, struct store *st, const char *local_host, struct err *e)
{
	struct stamps s = {.local_host = local_host};
	int rc = -1;

	if (store_capture_each(st, stamp_capture, &s, e) ||
	    store_counter_each(st, stamp_counter, &s, e))
		goto out;
	family(f, "costs_last_sample_timestamp_seconds", "gauge",
	       "Wall clock of the newest capture of a file (pcap) or counter sample (nft, "
	       "iface) recorded in the store.");
	for (size_t i = 0; i < s.n; i++) {
		fputs("costs_last_sample_timestamp_seconds{", f);
		put_label(f, "host", s.v[i].host, true);
		put_label(f, "source", s.v[i].source, false);
		fprintf(f, "} %" PRId64 ".%06" PRId64 "\n", s.v[i].time_us / 1000000,
		        s.v[i].time_us % 1000000);
	}
	rc = 0;
out:
	free(s.v);
	return rc;
}

/* Today's coverage rows, one field per family. */
struct cover_ctx {
	FILE *f;
	const char *name;
	size_t off;
};

static int cover_row(void *ctx, const char *host, int32_t day, const char *source,
                     const struct store_coverage *c)
{
	struct cover_ctx *x = ctx;
	uint64_t v;

	memcpy(&v, (const char *)c + x->off, sizeof(v));
	fprintf(x->f, "%s{", x->name);
	put_label(x->f, "host", host, true);
	put_label(x->f, "source", source, false);
	fprintf(x->f, "} %" PRIu64 "\n", v);
	return 0;
}

static int write_coverage(FILE *f, struct store *st, int32_t today, struct err *e)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} fam[] = {
	    {"costs_today_observed_seconds", "Seconds of today a capture or the samples observed.",
	     offsetof(struct store_coverage, seconds)},
	    {"costs_today_dropped_packets",
	     "Packets the kernel dropped today before a capture saw them.",
	     offsetof(struct store_coverage, drops)},
	    {"costs_today_counter_resets", "Counter resets detected today.",
	     offsetof(struct store_coverage, resets)},
	    {"costs_today_gap_seconds", "Seconds of today in gaps between samples.",
	     offsetof(struct store_coverage, gap_seconds)},
	};

	for (size_t k = 0; k < sizeof(fam) / sizeof(fam[0]); k++) {
		struct cover_ctx x = {f, fam[k].name, fam[k].off};
		family(f, fam[k].name, "gauge", fam[k].help);
		if (store_coverage_each(st, today, today, NULL, cover_row, &x, e))
			return -1;
	}
	return 0;
}

static void plan_labels(FILE *f, const struct pricing_plan *p, const char *currency)
{
	fputc('{', f);
	put_label(f, "provider", p->provider, true);
	put_label(f, "plan", p->plan, false);
	put_label(f, "region", p->region ? p->region : "", false);
	if (currency)
		put_label(f, "currency", currency, false);
	fputc('}', f);
}

static void money_series(FILE *f, const char *name, const struct pricing_plan *p,
                         const struct pricing_bill *b)
{
	char m[32];

	fputs(name, f);
	plan_labels(f, p, b->currency);
	fprintf(f, " %s\n", num_format_fixed(b->total, 6, 2, m, sizeof(m)));
}

/* Month-to-date and projected bills and the allowance of each selected plan. */
static int write_bills(FILE *f, struct store *st, const struct metrics_input *in, struct err *e)
{
	int32_t first = date_month_first(in->today);
	struct pricing_tables *t = NULL;
	struct pricing_plan *plans = NULL;
	struct projection_bill *rows = NULL;
	struct pricing_select sel = {.month = in->today, .config = in->config};
	struct pricing_measured m;
	struct projection p;
	bool projected = false;
	size_t n = 0;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	if (pricing_load_dir(in->providers_dir, &t, e) || pricing_select(t, &sel, &plans, &n, e) ||
	    pricing_month_egress(st, in->config, NULL, first, in->today, &m, e))
		goto out;
	if (projection_run(st, in->config, in->today, NULL, &p, e))
		goto out;
	projected = p.measured_days > 0 || p.fc.observed > 0;
	if (!(rows = calloc(n ? n : 1, sizeof(*rows))))
		goto oom;
	if (projected && projection_price(&p, plans, n, NULL, rows, e))
		goto out;

	family(f, "costs_month_egress_bytes", "gauge",
	       "Billable egress of the month so far, summed over hosts, one source per host "
	       "and day.");
	fprintf(f, "costs_month_egress_bytes %" PRIu64 "\n", m.bytes);
	family(f, "costs_allowance_bytes", "gauge",
	       "Egress included in the plan this month (+Inf: unmetered).");
	for (size_t i = 0; i < n; i++) {
		fputs("costs_allowance_bytes", f);
		plan_labels(f, &plans[i], NULL);
		if (plans[i].unlimited)
			fputs(" +Inf\n", f);
		else
			fprintf(f, " %" PRIu64 "\n", plans[i].included);
	}
	family(f, "costs_bill_month_to_date", "gauge",
	       "The month's bill on the egress measured so far, in the plan's currency.");
	for (size_t i = 0; i < n; i++) {
		struct pricing_bill b;
		if (pricing_bill(&plans[i], m.bytes, &b, e) || pricing_bill_round(&plans[i], &b, e))
			goto out;
		money_series(f, "costs_bill_month_to_date", &plans[i], &b);
	}
	if (projected) {
		family(f, "costs_projected_egress_bytes_p50", "gauge",
		       "Projected egress of the whole month, median.");
		fprintf(f, "costs_projected_egress_bytes_p50 %.0f\n", p.p50);
		family(f, "costs_projected_egress_bytes_p90", "gauge",
		       "Projected egress of the whole month, 90th percentile.");
		fprintf(f, "costs_projected_egress_bytes_p90 %.0f\n", p.p90);
		family(f, "costs_projected_bill_p50", "gauge",
		       "The month's projected bill at the median egress, in the plan's currency.");
		for (size_t i = 0; i < n; i++)
			money_series(f, "costs_projected_bill_p50", rows[i].plan, &rows[i].bill[1]);
		family(f, "costs_projected_bill_p90", "gauge",
		       "The month's projected bill at the 90th percentile egress, in the plan's "
		       "currency.");
		for (size_t i = 0; i < n; i++)
			money_series(f, "costs_projected_bill_p90", rows[i].plan, &rows[i].bill[2]);
	}
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	projection_release(&p);
	free(rows);
	free(plans);
	pricing_tables_free(t);
	return rc;
}

int metrics_write(FILE *f, struct store *st, const struct metrics_input *in, struct err *e)
{
	struct store_query q = {.from = 1, .to = 0, .by_month = true};
	struct store_total *rows = NULL;
	size_t n = 0, kept;
	int rc;

	if (store_totals(st, &q, &rows, &n, e))
		return -1;
	kept = merge_keys(rows, n);
	write_counters(f, rows, kept);
	rc = write_days(f, st, in->today, e);
	if (rc == 0)
		write_exposed(f, rows, kept, in->today);
	store_totals_free(rows, n);
	if (rc || write_stamps(f, st, in->local_host, e) || write_coverage(f, st, in->today, e))
		return -1;
	if (in->providers_dir && write_bills(f, st, in, e))
		return -1;
	if (ferror(f))
		return err_set(e, "cannot write the metrics");
	return 0;
}

int metrics_render(struct store *st, const struct metrics_input *in, char **text, size_t *len,
                   struct err *e)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int rc;

	if (!f)
		return err_set(e, "out of memory");
	rc = metrics_write(f, st, in, e);
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(e, "out of memory");
	if (rc) {
		free(buf);
		return -1;
	}
	*text = buf;
	*len = n;
	return 0;
}
