/*
 * costs import: reads daily totals in the `export daily` CSV format and
 * stores them under the source each row names.  Every row is validated before anything is
 * written; the whole file goes in one transaction.
 */
#include <errno.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "fleet/fleet.h"
#include "util/csvio.h"
#include "util/date.h"
#include "util/name.h"
#include "util/num.h"
#include "report/totals.h"

extern const struct cmd cmd_import;

struct row {
	int32_t day;
	char *host;
	char *service;
	const char *source; /* one of the STORE_SOURCE_* names */
	uint64_t v[4];      /* egress bytes, ingress bytes, egress packets, ingress packets */
};

struct import {
	struct row *rows;
	size_t n, cap;
	const char *default_host;
	bool header_done;
};

static int on_row(void *ctx, size_t line, char **f, size_t nf, struct err *e)
{
	struct import *im = ctx;
	struct row r = {0};

	(void)line;
	if (!im->header_done) {
		im->header_done = true;
		if (nf < 8)
			return err_set(e, "header has %zu columns, expected at least 8: %s,...", nf,
			               report_daily_header[0]);
		for (size_t i = 0; i < 8; i++)
			if (strcmp(f[i], report_daily_header[i]) != 0)
				return err_set(e, "column %zu of the header is '%s', expected '%s'",
				               i + 1, f[i], report_daily_header[i]);
		return 0;
	}
	if (nf < 8)
		return err_set(e, "%zu fields, expected 8", nf);
	if (date_parse_day(f[0], &r.day, e))
		return -1;
	if (*f[1] && util_name_check(UTIL_NAME_HOST, f[1], e))
		return -1;
	if (!*f[2])
		return err_set(e, "empty service");
	static const char *const sources[] = {STORE_SOURCE_PCAP, STORE_SOURCE_NFT,
	                                      STORE_SOURCE_IFACE, STORE_SOURCE_IMPORT};
	r.source = *f[3] ? NULL : STORE_SOURCE_IMPORT;
	for (size_t i = 0; i < 4 && !r.source; i++)
		if (strcmp(f[3], sources[i]) == 0)
			r.source = sources[i];
	if (!r.source)
		return err_set(e, "unknown source '%s' (pcap, nft, iface or import)", f[3]);
	for (int i = 0; i < 4; i++) {
		struct err sub;
		if (num_parse_u64(f[4 + i], 0, INT64_MAX, &r.v[i], &sub))
			return err_set(e, "bad %s: %s", report_daily_header[4 + i], sub.msg);
	}
	if (im->n == im->cap) {
		size_t nc = im->cap ? im->cap * 2 : 256;
		struct row *p = realloc(im->rows, nc * sizeof(*p));
		if (!p)
			return err_set(e, "out of memory");
		im->rows = p;
		im->cap = nc;
	}
	r.host = strdup(*f[1] ? f[1] : im->default_host);
	r.service = strdup(f[2]);
	if (!r.host || !r.service) {
		free(r.host);
		free(r.service);
		return err_set(e, "out of memory");
	}
	im->rows[im->n++] = r;
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->host, y->host);
	if (c)
		return c;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if ((c = strcmp(x->service, y->service)))
		return c;
	return strcmp(x->source, y->source);
}

static int run(struct cli *cli, const char *path)
{
	struct import im = {0};
	struct store *st = NULL;
	struct err e;
	FILE *f;
	int64_t run_id;
	int status = 1;
	size_t groups = 0;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;

	if (!cli_config(cli))
		return 1;
	im.default_host = cli_host(cli);
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return cli_error("cannot open '%s': %s", path, strerror(errno));
	if (csvio_read(f, name, on_row, &im, &e)) {
		cli_error("%s (nothing imported)", e.msg);
		goto out;
	}
	if (im.n == 0) {
		cli_error("%s: no rows to import", name);
		goto out;
	}
	/* Rows naming the same (host, day, service, source) add up. */
	qsort(im.rows, im.n, sizeof(*im.rows), cmp_row);
	st = cli_open_store(cli, true);
	if (!st)
		goto out;
	if (store_begin(st, &e) || store_run_start(st, "import", &run_id, &e))
		goto fail;
	for (size_t i = 0; i < im.n;) {
		uint64_t v[4] = {0};
		size_t j = i;
		for (; j < im.n && cmp_row(&im.rows[i], &im.rows[j]) == 0; j++)
			for (int k = 0; k < 4; k++)
				if (!num_add_u64(v[k], im.rows[j].v[k], &v[k]) ||
				    v[k] > INT64_MAX) {
					char d[11];
					err_set(&e, "%s: the totals of '%s' on %s exceed 2^63-1",
					        name, im.rows[i].service,
					        date_format_day(im.rows[i].day, d));
					goto fail;
				}
		if (store_set_totals(st, im.rows[i].host, im.rows[i].day, im.rows[i].service,
		                     im.rows[i].source, v[0], v[1], v[2], v[3], &e))
			goto fail;
		groups++;
		i = j;
	}
	if (store_run_finish(st, run_id, 0, name, &e) || store_commit(st, &e))
		goto fail;
	if (cli->verbosity >= 0)
		fprintf(stderr,
		        "costs: imported %zu rows (%zu host-day-service-source totals) from '%s'\n",
		        im.n, groups, name);
	status = 0;
	goto out;
fail:
	store_rollback(st);
	cli_error("%s (nothing imported)", e.msg);
out:
	store_close(st);
	for (size_t i = 0; i < im.n; i++) {
		free(im.rows[i].host);
		free(im.rows[i].service);
	}
	free(im.rows);
	if (f && f != stdin)
		fclose(f);
	return status;
}

/* import --prometheus: pull, then store in one transaction. */
static int run_prometheus(struct cli *cli, const char *url, int32_t from, int32_t to)
{
	int32_t today = date_today();
	int64_t now = (int64_t)time(NULL), at = ((int64_t)to + 9) * 86400;
	struct fleet_pull pull = {0};
	struct fleet_result res;
	struct store *st = NULL;
	struct err e;
	int status = 1;

	if (at > now)
		at = 0; /* Prometheus's own now */
	if (fleet_fetch(url, from, to, at, &pull, &e)) {
		cli_error("%s (nothing imported)", e.msg);
		goto out;
	}
	if (!(st = cli_open_store(cli, true)))
		goto out;
	if (fleet_store(st, &pull, from, to, today, &res, &e)) {
		cli_error("%s (nothing imported)", e.msg);
		goto out;
	}
	if (cli->verbosity >= 0)
		fprintf(stderr,
		        "costs: imported %zu host-day-service totals (%zu host-days of %zu hosts) "
		        "from Prometheus at '%s'\n",
		        res.totals, res.days, res.hosts, url);
	if (res.gaps)
		cli_warn(
		    cli,
		    "%zu host-days have no data in Prometheus (not scraped that day or in the 7 "
		    "days after): recorded as gaps, see 'costs report --source prometheus'",
		    res.gaps);
	status = 0;
out:
	store_close(st);
	fleet_pull_release(&pull);
	return status;
}

static int exec_import(struct cli *cli, int argc, char **argv)
{
	enum { OPT_PROMETHEUS = CLI_OPT_FIRST_FREE };
	static const struct option opts[] = {
	    {"prometheus", required_argument, NULL, OPT_PROMETHEUS},
	    {"from", required_argument, NULL, CLI_OPT_FROM},
	    {"to", required_argument, NULL, CLI_OPT_TO},
	    {"month", required_argument, NULL, CLI_OPT_MONTH},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *url = NULL;
	int32_t from = -1, to = -1;
	bool month = false, range = false;
	struct err e;
	int opt;

	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_import);
			return 0;
		case OPT_PROMETHEUS:
			url = optarg;
			break;
		case CLI_OPT_FROM:
		case CLI_OPT_TO:
			if (date_parse_day(optarg, opt == CLI_OPT_FROM ? &from : &to, &e))
				return cli_usage(&cmd_import, "%s", e.msg);
			range = true;
			break;
		case CLI_OPT_MONTH:
			if (date_parse_month(optarg, &from, &to, &e))
				return cli_usage(&cmd_import, "%s", e.msg);
			month = true;
			break;
		default:
			return cli_bad_option(&cmd_import, opt, argv[optind - 1]);
		}
	}
	if (!url) {
		if (range || month)
			return cli_usage(&cmd_import,
			                 "--from, --to and --month go with --prometheus");
		if (argc - optind != 1)
			return cli_usage(&cmd_import,
			                 "expected one file (or - for standard input)");
		return run(cli, argv[optind]);
	}
	if (optind < argc)
		return cli_usage(&cmd_import, "a file does not go with --prometheus");
	if (month && range)
		return cli_usage(&cmd_import, "--month does not go with --from or --to");
	if (!cli_config(cli))
		return 1;
	if (!month) {
		int32_t today = date_today();
		if (to < 0)
			to = today;
		if (from < 0)
			from = to - 7;
	}
	if (from > to)
		return cli_usage(&cmd_import, "--from is after --to");
	if (to - from >= FLEET_MAX_DAYS)
		return cli_usage(&cmd_import, "at most %d days at once", FLEET_MAX_DAYS);
	return run_prometheus(cli, url, from, to);
}

const struct cmd cmd_import = {
    .name = "import",
    .synopsis = "FILE.csv|- | --prometheus URL [--from DAY] [--to DAY] [--month YYYY-MM]",
    .summary = "add daily totals from a CSV in the 'export daily' format",
    .help = "Reads day,host,service,source,egress_bytes,ingress_bytes,egress_packets,\n"
            "ingress_packets rows (the header is required).  Each row keeps its source\n"
            "(pcap, nft, iface or import; empty means import), so the totals of a host\n"
            "measured twice still count once and interface rows never become services.\n"
            "A bad row fails the whole import with FILE:LINE and nothing is written.\n"
            "Importing a file again replaces the totals of each (host, day, service,\n"
            "source) it names, so it is idempotent.  An empty host means this host.\n"
            "\n"
            "  --prometheus URL    pull per host, service and day egress from a Prometheus-\n"
            "                      compatible query API (the costs_day_egress_bytes gauges\n"
            "                      of `costs serve`) and store it under the source\n"
            "                      prometheus, one transaction; a pull of the same days\n"
            "                      replaces the last, and a host's day it never exposed is\n"
            "                      a gap in report's notes\n"
            "  --from DAY          first day to pull (default: 7 days before --to)\n"
            "  --to DAY            last day to pull (default: today)\n"
            "  --month YYYY-MM     pull one month (the gauges keep 8 days: pull at least\n"
            "                      weekly, or keep Prometheus's data that long)\n",
    .exec = exec_import,
};
