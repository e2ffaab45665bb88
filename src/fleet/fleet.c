/*
 * import --prometheus: one PromQL instant query, last_over_time of the day
 * gauges over a window that covers every scrape that could carry them, so
 * each (host, service, source, day) comes back as the last day total the
 * host exposed, which after the day closed is its final, exact value.  No
 * increase() is needed: the store already cut the days.
 */
#include "fleet/fleet.h"

#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/date.h"
#include "util/dynlib.h"
#include "util/name.h"

/* The largest answer read: 64 MiB (62 days of a large fleet fit easily). */
#define FLEET_MAX_BODY (64u << 20)

/*
 * libcurl is opened when a pull runs, not linked: with the 30 libraries it
 * brings (TLS, IDN, Kerberos, LDAP...) it cost every costs command about
 * 10 ms of start-up, a capture of a small file half its time.
 */
struct curl_api {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_global_cleanup) *global_cleanup;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_easy_escape) *easy_escape;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_free) *free;
};

#define SYM(field) DYNLIB_SYM(struct curl_api, field, curl_##field)
static const struct dynlib_sym curl_syms[] = {
    SYM(global_init),  SYM(global_cleanup), SYM(easy_init),   SYM(easy_setopt),  SYM(easy_perform),
    SYM(easy_getinfo), SYM(easy_strerror),  SYM(easy_escape), SYM(easy_cleanup), SYM(free),
};
#undef SYM
static struct curl_api curl;
static struct dynlib curl_lib = {
    .soname = "libcurl.so.4",
    .package = "libcurl4",
    .syms = curl_syms,
    .nsyms = sizeof(curl_syms) / sizeof(curl_syms[0]),
    .table = &curl,
};

char *fleet_query(int32_t from, int32_t to, int64_t at, char *buf, size_t len)
{
	/* The window starts a day early: a zone ahead of UTC starts its days earlier. */
	int64_t start = ((int64_t)from - 1) * 86400;
	int64_t window = at - start > 3600 ? at - start : 3600;
	char days[FLEET_MAX_DAYS * 11 + 1] = "";
	size_t used = 0;
	int k;

	for (int32_t d = from; d <= to && d - from < FLEET_MAX_DAYS; d++) {
		char day[11];
		used += (size_t)snprintf(days + used, sizeof(days) - used, "%s%s", used ? "|" : "",
		                         date_format_day(d, day));
	}
	k = snprintf(buf, len,
	             "last_over_time(costs_day_egress_bytes{day=~\"%s\"}[%llds]) or "
	             "last_over_time(costs_day_exposed{day=~\"%s\"}[%llds])",
	             days, (long long)window, days, (long long)window);
	return k < 0 || (size_t)k >= len ? NULL : buf;
}

void fleet_pull_release(struct fleet_pull *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].host);
	for (size_t i = 0; i < p->nseen; i++)
		free(p->seen[i].host);
	free(p->v);
	free(p->seen);
	memset(p, 0, sizeof(*p));
}

/* A label's string value, or NULL when absent or not a string. */
static const char *label(json_t *metric, const char *name)
{
	return json_string_value(json_object_get(metric, name));
}

/* A sample value: a whole number of bytes in 0..2^63-1. */
static int parse_value(const char *s, uint64_t *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	v = strtod(s, &end);
	if (*end || !isfinite(v) || v < 0 || v >= 9223372036854775808.0 || v != floor(v))
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int add_seen(struct fleet_pull *p, const char *host, int32_t day)
{
	for (size_t i = 0; i < p->nseen; i++)
		if (p->seen[i].day == day && strcmp(p->seen[i].host, host) == 0)
			return 0;
	if (p->nseen == p->seencap) {
		size_t nc = p->seencap ? p->seencap * 2 : 64;
		struct fleet_seen *v = realloc(p->seen, nc * sizeof(*v));
		if (!v)
			return -1;
		p->seen = v;
		p->seencap = nc;
	}
	if (!(p->seen[p->nseen].host = strdup(host)))
		return -1;
	p->seen[p->nseen++].day = day;
	return 0;
}

static int add_day(struct fleet_pull *p, const char *host, const char *service, const char *source,
                   int32_t day, uint64_t bytes)
{
	size_t hl = strlen(host) + 1, sl = strlen(service) + 1, ol = strlen(source) + 1;
	struct fleet_day *d;
	char *b;

	for (size_t i = 0; i < p->n; i++) {
		d = &p->v[i];
		if (d->day == day && strcmp(d->host, host) == 0 &&
		    strcmp(d->service, service) == 0 && strcmp(d->source, source) == 0) {
			if (bytes > d->bytes)
				d->bytes = bytes;
			return 0;
		}
	}
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		struct fleet_day *v = realloc(p->v, nc * sizeof(*v));
		if (!v)
			return -1;
		p->v = v;
		p->cap = nc;
	}
	if (!(b = malloc(hl + sl + ol)))
		return -1;
	d = &p->v[p->n++];
	d->host = memcpy(b, host, hl);
	d->service = memcpy(b + hl, service, sl);
	d->source = memcpy(b + hl + sl, source, ol);
	d->day = day;
	d->bytes = bytes;
	return 0;
}

static bool known_source(const char *s)
{
	static const char *const sources[] = {STORE_SOURCE_NFT, STORE_SOURCE_PCAP,
	                                      STORE_SOURCE_IMPORT, STORE_SOURCE_PROMETHEUS,
	                                      STORE_SOURCE_IFACE};

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcmp(s, sources[i]) == 0)
			return true;
	return false;
}

/* One element of data.result. */
static int parse_series(json_t *r, size_t i, int32_t from, int32_t to, struct fleet_pull *out,
                        struct err *e)
{
	json_t *metric = json_object_get(r, "metric"), *value = json_object_get(r, "value");
	const char *host, *service, *source, *day;
	int32_t d;
	uint64_t bytes;
	struct err sub;

	if (!json_is_object(metric) || !json_is_array(value) || json_array_size(value) != 2)
		return err_set(e, "result %zu has no metric object and [time, value] pair", i);
	host = label(metric, "host");
	day = label(metric, "day");
	service = label(metric, "service");
	source = label(metric, "source");
	if (!host || !day)
		return err_set(e, "result %zu has no host and day labels", i);
	if (util_name_check(UTIL_NAME_HOST, host, &sub))
		return err_set(e, "result %zu: %s", i, sub.msg);
	if (date_parse_day(day, &d, &sub))
		return err_set(e, "result %zu: %s", i, sub.msg);
	if (d < from || d > to)
		return err_set(e, "result %zu: day %s is outside the range asked for", i, day);
	if (parse_value(json_string_value(json_array_get(value, 1)), &bytes))
		return err_set(
		    e, "result %zu: the value is not a whole number of bytes (0 to 2^63-1)", i);
	if (!service && !source) /* costs_day_exposed */
		return add_seen(out, host, d) ? err_set(e, "out of memory") : 0;
	if (!service || !source)
		return err_set(e, "result %zu has no service and source labels", i);
	if (util_name_check(UTIL_NAME_SERVICE, service, &sub))
		return err_set(e, "result %zu: %s", i, sub.msg);
	if (!known_source(source))
		return err_set(e, "result %zu: unknown source '%s'", i, source);
	return add_day(out, host, service, source, d, bytes) ? err_set(e, "out of memory") : 0;
}

int fleet_parse(const char *json, size_t len, int32_t from, int32_t to, struct fleet_pull *out,
                struct err *e)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je), *data, *result;
	const char *status, *type;
	int rc = -1;

	if (!root)
		return err_set(e, "the answer is not JSON: %s (line %d, column %d)", je.text,
		               je.line, je.column);
	status = json_string_value(json_object_get(root, "status"));
	if (!status || strcmp(status, "success") != 0) {
		const char *msg = json_string_value(json_object_get(root, "error"));
		err_set(e, "the query failed: %s", msg ? msg : "no \"status\": \"success\"");
		goto out;
	}
	data = json_object_get(root, "data");
	type = json_string_value(json_object_get(data, "resultType"));
	result = json_object_get(data, "result");
	if (!type || strcmp(type, "vector") != 0 || !json_is_array(result)) {
		err_set(e, "the answer is not an instant vector (data.resultType \"vector\" and a "
		           "data.result array)");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(result); i++)
		if (parse_series(json_array_get(result, i), i, from, to, out, e))
			goto out;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

struct body {
	char *buf;
	size_t len;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t add = size * n;
	char *p;

	if (add > FLEET_MAX_BODY - b->len) {
		b->too_big = true;
		return 0;
	}
	if (!(p = realloc(b->buf, b->len + add + 1)))
		return 0;
	memcpy(p + b->len, ptr, add);
	b->buf = p;
	b->len += add;
	b->buf[b->len] = '\0';
	return add;
}

int fleet_fetch(const char *base_url, int32_t from, int32_t to, int64_t at, struct fleet_pull *out,
                struct err *e)
{
	char query[FLEET_MAX_DAYS * 24 + 256], *url = NULL, *q = NULL;
	char curlerr[CURL_ERROR_SIZE] = "";
	struct body b = {0};
	size_t blen = strlen(base_url);
	long status = 0;
	CURL *c = NULL;
	CURLcode cc;
	bool global = false;
	int rc = -1;

	if (strncmp(base_url, "http://", 7) != 0 && strncmp(base_url, "https://", 8) != 0)
		return err_set(e, "bad Prometheus URL '%s' (http:// or https://)", base_url);
	if (to - from >= FLEET_MAX_DAYS)
		return err_set(e, "at most %d days at once", FLEET_MAX_DAYS);
	/*
	 * "Now" is Prometheus's own now: a time taken here, in whole seconds,
	 * could fall before a scrape the server already holds.
	 */
	if (!fleet_query(from, to, at ? at : (int64_t)time(NULL) + 60, query, sizeof(query)))
		return err_set(e, "query too long");
	while (blen && base_url[blen - 1] == '/')
		blen--;
	if (dynlib_load(&curl_lib, e))
		return -1;
	if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		err_set(e, "cannot initialise libcurl");
		goto out;
	}
	global = true;
	if (!(c = curl.easy_init())) {
		err_set(e, "cannot initialise libcurl");
		goto out;
	}
	if (!(q = curl.easy_escape(c, query, 0)) || !(url = malloc(blen + strlen(q) + 64))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (at)
		sprintf(url, "%.*s/api/v1/query?query=%s&time=%lld", (int)blen, base_url, q,
		        (long long)at);
	else
		sprintf(url, "%.*s/api/v1/query?query=%s", (int)blen, base_url, q);
	curl.easy_setopt(c, CURLOPT_URL, url);
	curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl.easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl.easy_setopt(c, CURLOPT_ERRORBUFFER, curlerr);
	curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl.easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl.easy_setopt(c, CURLOPT_USERAGENT, "costs/" COSTS_VERSION);
	cc = curl.easy_perform(c);
	if (cc != CURLE_OK) {
		err_set(e, "cannot query Prometheus at '%s': %s", base_url,
		        b.too_big    ? "the answer is larger than 64 MiB"
		        : curlerr[0] ? curlerr
		                     : curl.easy_strerror(cc));
		goto out;
	}
	curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		json_t *root = b.buf ? json_loadb(b.buf, b.len, 0, NULL) : NULL;
		const char *msg = json_string_value(json_object_get(root, "error"));
		err_set(e, "Prometheus at '%s' answered HTTP %ld%s%s", base_url, status,
		        msg ? ": " : "", msg ? msg : "");
		json_decref(root);
		goto out;
	}
	if (fleet_parse(b.buf ? b.buf : "", b.len, from, to, out, e)) {
		err_prefix(e, "Prometheus at '%s': ", base_url);
		goto out;
	}
	rc = 0;
out:
	free(b.buf);
	free(url);
	if (q)
		curl.free(q);
	if (c)
		curl.easy_cleanup(c);
	if (global)
		curl.global_cleanup();
	return rc;
}

/* Whether the store already has rows of this source for the host and day. */
static int has_rows(struct store *st, const char *host, int32_t day, bool *any, struct err *e)
{
	struct store_query q = {
	    .from = day, .to = day, .host = host, .source = STORE_SOURCE_PROMETHEUS};
	struct store_total *rows = NULL;
	size_t n = 0;

	if (store_totals(st, &q, &rows, &n, e))
		return -1;
	*any = n > 0;
	store_totals_free(rows, n);
	return 0;
}

static bool seen(const struct fleet_pull *p, const char *host, int32_t day)
{
	for (size_t i = 0; i < p->nseen; i++)
		if (p->seen[i].day == day && strcmp(p->seen[i].host, host) == 0)
			return true;
	return false;
}

/* The hosts of the pull, each once (pointers into p). */
static const char **hosts_of(const struct fleet_pull *p, size_t *n)
{
	const char **h = calloc(p->n + p->nseen + 1, sizeof(*h));

	*n = 0;
	if (!h)
		return NULL;
	for (size_t i = 0; i < p->n + p->nseen; i++) {
		const char *x = i < p->n ? p->v[i].host : p->seen[i - p->n].host;
		size_t j = 0;
		while (j < *n && strcmp(h[j], x) != 0)
			j++;
		if (j == *n)
			h[(*n)++] = x;
	}
	return h;
}

/* Stores one host's day: the best source's series, replacing an earlier pull. */
static int store_host_day(struct store *st, const struct fleet_pull *p, const char *host,
                          int32_t day, struct fleet_result *res, struct err *e)
{
	int best = STORE_SOURCE_RANK_LAST + 1;
	size_t stored = 0;

	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].day == day && strcmp(p->v[i].host, host) == 0 &&
		    store_source_rank(p->v[i].source) < best)
			best = store_source_rank(p->v[i].source);
	if (best > STORE_SOURCE_RANK_LAST)
		return 0; /* exposed, nothing sent: an earlier pull stays */
	if (store_clear_day(st, host, day, STORE_SOURCE_PROMETHEUS, e))
		return -1;
	for (size_t i = 0; i < p->n; i++) {
		const struct fleet_day *d = &p->v[i];
		if (d->day != day || strcmp(d->host, host) != 0 ||
		    store_source_rank(d->source) != best)
			continue;
		if (store_set_totals(st, host, day, d->service, STORE_SOURCE_PROMETHEUS, d->bytes,
		                     0, 0, 0, e))
			return -1;
		stored++;
	}
	res->totals += stored;
	res->days++;
	return 0;
}

int fleet_store(struct store *st, const struct fleet_pull *p, int32_t from, int32_t to,
                int32_t today, struct fleet_result *res, struct err *e)
{
	size_t nh;
	const char **hosts = hosts_of(p, &nh);

	memset(res, 0, sizeof(*res));
	if (!hosts)
		return err_set(e, "out of memory");
	if (store_begin(st, e)) {
		free(hosts);
		return -1;
	}
	for (size_t h = 0; h < nh; h++) {
		for (int32_t d = from; d <= to; d++) {
			bool any = false;
			if (store_host_day(st, p, hosts[h], d, res, e))
				goto fail;
			if (d > today || seen(p, hosts[h], d))
				continue;
			/* Never exposed: not scraped that day or in the 7 days after. */
			if (has_rows(st, hosts[h], d, &any, e))
				goto fail;
			if (any)
				continue;
			struct store_coverage gap = {.gaps = 1, .gap_seconds = 86400};
			if (store_clear_day(st, hosts[h], d, STORE_SOURCE_PROMETHEUS, e) ||
			    store_add_coverage(st, hosts[h], d, STORE_SOURCE_PROMETHEUS, &gap, e))
				goto fail;
			res->gaps++;
		}
	}
	res->hosts = nh;
	free(hosts);
	return store_commit(st, e) ? (store_rollback(st), -1) : 0;
fail:
	store_rollback(st);
	free(hosts);
	return -1;
}
