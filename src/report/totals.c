/*
 * Renderers for traffic totals.  Byte counts stay exact integers in CSV and
 * JSON; only the table rounds them to human units.
 */
#include "report/totals.h"

#include <inttypes.h>
#include <jansson.h>
#include <string.h>

#include "util/csvio.h"
#include "util/date.h"
#include "util/num.h"
#include "report/table.h"

const char *const report_daily_header[8] = {
    "day",          "host",          "service",        "source",
    "egress_bytes", "ingress_bytes", "egress_packets", "ingress_packets"};

/* Appends v in decimal at p; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*p++ = tmp[--n];
	return p;
}

int report_totals_csv_head(FILE *f, bool monthly)
{
	const char *head[8];

	memcpy(head, report_daily_header, sizeof(head));
	head[0] = monthly ? "month" : "day";
	return csvio_write_row(f, head, 8);
}

/*
 * One row per call to fwrite: the numbers never need quotes, and names are
 * copied as they are unless they hold a character CSV must quote (then the
 * row goes through csvio, which quotes).  A million rows, a million writes
 * into stdio's buffer, not eight.
 */
int report_totals_csv_row(FILE *f, const struct store_total *r)
{
	const char *names[4] = {r->period, r->host, r->service, r->source};
	size_t len[4], sum = 0;
	bool plain = true;
	char line[512];

	for (int k = 0; k < 4 && plain; k++) {
		len[k] = strlen(names[k]);
		sum += len[k];
		plain = !strpbrk(names[k], ",\"\r\n");
	}
	if (!plain || sum + 4 + 4 * 21 > sizeof(line)) {
		char eb[21], ib[21], ep[21], ip[21];
		*put_u64(eb, r->egress_bytes) = '\0';
		*put_u64(ib, r->ingress_bytes) = '\0';
		*put_u64(ep, r->egress_packets) = '\0';
		*put_u64(ip, r->ingress_packets) = '\0';
		const char *cells[8] = {r->period, r->host, r->service, r->source, eb, ib, ep, ip};
		return csvio_write_row(f, cells, 8);
	}
	char *p = line;
	for (int k = 0; k < 4; k++) {
		memcpy(p, names[k], len[k]);
		p += len[k];
		*p++ = ',';
	}
	p = put_u64(p, r->egress_bytes);
	*p++ = ',';
	p = put_u64(p, r->ingress_bytes);
	*p++ = ',';
	p = put_u64(p, r->egress_packets);
	*p++ = ',';
	p = put_u64(p, r->ingress_packets);
	*p++ = '\n';
	return fwrite(line, 1, (size_t)(p - line), f) == (size_t)(p - line) ? 0 : -1;
}

int report_totals_csv(FILE *f, const struct store_total *rows, size_t n, bool monthly)
{
	if (report_totals_csv_head(f, monthly))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (report_totals_csv_row(f, &rows[i]))
			return -1;
	return 0;
}

int report_totals_json(FILE *f, const struct store_total *rows, size_t n, bool monthly,
                       const struct report_notes *notes)
{
	json_t *doc = json_object(), *arr = json_array(), *tot = json_object();
	json_t *jn = json_array();
	uint64_t te = 0, ti = 0;
	int rc = -1;

	if (!doc || !arr || !tot || !jn)
		goto out;
	for (size_t i = 0; notes && i < notes->n; i++) {
		char d[11];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "day",
		                      date_format_day(notes->v[i].day, d), "host", notes->v[i].host,
		                      "source", notes->v[i].source, "note", notes->v[i].text);
		if (!o || json_array_append_new(jn, o))
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack(
		    "{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", monthly ? "month" : "day",
		    rows[i].period, "host", rows[i].host, "service", rows[i].service, "source",
		    rows[i].source, "egress_bytes", (json_int_t)rows[i].egress_bytes,
		    "ingress_bytes", (json_int_t)rows[i].ingress_bytes, "egress_packets",
		    (json_int_t)rows[i].egress_packets, "ingress_packets",
		    (json_int_t)rows[i].ingress_packets);
		if (!o || json_array_append_new(arr, o))
			goto out;
		te += rows[i].egress_bytes;
		ti += rows[i].ingress_bytes;
	}
	if (json_object_set_new(tot, "egress_bytes", json_integer((json_int_t)te)) ||
	    json_object_set_new(tot, "ingress_bytes", json_integer((json_int_t)ti)) ||
	    json_object_set_new(doc, "period", json_string(monthly ? "month" : "day")) ||
	    json_object_set(doc, "rows", arr) || json_object_set(doc, "total", tot) ||
	    json_object_set(doc, "notes", jn))
		goto out;
	if (json_dumpf(doc, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF)
		rc = 0;
out:
	json_decref(doc);
	json_decref(arr);
	json_decref(tot);
	json_decref(jn);
	return rc;
}

int report_totals_table(FILE *f, const struct store_total *rows, size_t n, bool monthly)
{
	static const char *const head[] = {"day",    "host",    "service",     "source",
	                                   "egress", "ingress", "egress pkts", "ingress pkts"};
	const char *h[8];
	struct report_table *t;
	uint64_t te = 0, ti = 0, tep = 0, tip = 0;
	int rc = -1;

	memcpy(h, head, sizeof(h));
	h[0] = monthly ? "month" : "day";
	t = report_table_new(8, h, "llllrrrr");
	if (!t)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char eb[32], ib[32], ep[24], ip[24];
		const char *cells[8] = {rows[i].period,
		                        rows[i].host,
		                        rows[i].service,
		                        rows[i].source,
		                        num_format_bytes(rows[i].egress_bytes, eb, sizeof(eb)),
		                        num_format_bytes(rows[i].ingress_bytes, ib, sizeof(ib)),
		                        ep,
		                        ip};
		snprintf(ep, sizeof(ep), "%" PRIu64, rows[i].egress_packets);
		snprintf(ip, sizeof(ip), "%" PRIu64, rows[i].ingress_packets);
		if (report_table_add(t, cells))
			goto out;
		te += rows[i].egress_bytes;
		ti += rows[i].ingress_bytes;
		tep += rows[i].egress_packets;
		tip += rows[i].ingress_packets;
	}
	{
		char eb[32], ib[32], ep[24], ip[24];
		const char *cells[8] = {"total",
		                        "",
		                        "",
		                        "",
		                        num_format_bytes(te, eb, sizeof(eb)),
		                        num_format_bytes(ti, ib, sizeof(ib)),
		                        ep,
		                        ip};
		snprintf(ep, sizeof(ep), "%" PRIu64, tep);
		snprintf(ip, sizeof(ip), "%" PRIu64, tip);
		if (report_table_rule(t) || report_table_add(t, cells))
			goto out;
	}
	rc = report_table_print(t, f);
out:
	report_table_free(t);
	return rc;
}
