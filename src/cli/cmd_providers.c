/*
 * costs providers list|show NAME|check [FILE...]: lists the provider tables,
 * prints one table's rows with their sources, and validates tables, printing
 * every problem as file:line:column: message.
 */
#include <dirent.h>
#include <jansson.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "util/csvio.h"
#include "util/date.h"
#include "util/num.h"
#include "pricing/pricing.h"
#include "report/table.h"

extern const struct cmd cmd_providers;

enum { OPT_STALE = CLI_OPT_FIRST_FREE };

/* Exit status of check --stale when a row is stale or undated (as 3 for a budget passed). */
#define EXIT_STALE EXIT_BUDGET

static int load(struct cli *cli, struct pricing_tables **t)
{
	struct err e;

	if (pricing_load_dir(cli->providers_dir, t, &e))
		return cli_error("%s", e.msg);
	return 0;
}

static int do_list(struct cli *cli, enum cli_format fmt)
{
	static const char *const hdr[] = {"provider", "currency", "plans", "file"};
	struct pricing_tables *t;
	struct report_table *tab = NULL;
	json_t *arr = NULL;
	int rc = 0;

	if (load(cli, &t))
		return 1;
	if (fmt == CLI_FORMAT_CSV)
		rc = csvio_write_row(stdout, hdr, 4);
	else if (fmt == CLI_FORMAT_JSON)
		arr = json_array();
	else if (!(tab = report_table_new(4, hdr, "llll")))
		rc = -1;
	for (size_t i = 0; i < pricing_provider_count(t) && !rc; i++) {
		char plans[1024];
		const char *cells[] = {pricing_provider_name(t, i), pricing_provider_currency(t, i),
		                       pricing_provider_plans(t, i, plans, sizeof(plans)),
		                       pricing_provider_path(t, i)};
		if (fmt == CLI_FORMAT_CSV)
			rc = csvio_write_row(stdout, cells, 4);
		else if (fmt == CLI_FORMAT_JSON)
			rc = json_array_append_new(
			    arr, json_pack("{s:s,s:s,s:s,s:s}", "provider", cells[0], "currency",
			                   cells[1], "plans", cells[2], "file", cells[3]));
		else
			rc = report_table_add(tab, cells);
	}
	if (!rc && fmt == CLI_FORMAT_JSON)
		rc = json_dumpf(arr, stdout, JSON_INDENT(2)) || putchar('\n') == EOF;
	else if (!rc && tab)
		rc = report_table_print(tab, stdout);
	json_decref(arr);
	report_table_free(tab);
	pricing_tables_free(t);
	return rc ? cli_error("cannot write the list") : 0;
}

/* Column positions in pricing_columns, looked up once by name. */
struct show {
	enum cli_format fmt;
	struct report_table *tab;
	json_t *arr;
	json_t *seen;   /* sources already printed, as a set */
	size_t col[24]; /* by S_*; col[S_NCOLS] is the source column */
};

enum {
	S_KIND,
	S_PLAN,
	S_ITEM,
	S_REGION,
	S_FROM,
	S_TO,
	S_CURRENCY,
	S_PRICE,
	S_PER,
	S_BLOCK,
	S_INCLUDED,
	S_VCPU,
	S_RAM,
	S_SOURCE_DATE,
	S_NOTES,
	S_CPU,
	S_DISK,
	S_NCOLS
};

static const char *const show_names[S_NCOLS] = {
    "kind",  "plan",     "item", "region", "from",        "to",    "currency", "price", "per",
    "block", "included", "vcpu", "ram",    "source_date", "notes", "cpu",      "disk"};

static int show_row(void *ctx, size_t line, const char *const *v)
{
	struct show *s = ctx;
	char price[64], specs[128];

	if (s->fmt == CLI_FORMAT_CSV)
		return csvio_write_row(stdout, v, pricing_ncolumns);
	if (s->fmt == CLI_FORMAT_JSON) {
		json_t *o = json_object();
		for (size_t i = 0; i < pricing_ncolumns; i++)
			if (*v[i])
				json_object_set_new(o, pricing_columns[i], json_string(v[i]));
		json_object_set_new(o, "line", json_integer((json_int_t)line));
		return json_array_append_new(s->arr, o);
	}
#define F(x) v[s->col[x]]
	snprintf(price, sizeof(price), "%s%s%s", F(S_PRICE), *F(S_PRICE) ? " " : "",
	         *F(S_PRICE) ? F(S_CURRENCY) : "");
	snprintf(specs, sizeof(specs), "%s%s%s%s%s%s%s", F(S_VCPU), *F(S_VCPU) ? " vCPU " : "",
	         F(S_RAM), *F(S_CPU) ? " " : "", F(S_CPU), *F(S_DISK) ? " disk " : "", F(S_DISK));
	{
		const char *cells[] = {F(S_KIND),     F(S_PLAN),  F(S_ITEM), F(S_REGION),
		                       F(S_FROM),     F(S_TO),    price,     F(S_PER),
		                       F(S_INCLUDED), F(S_BLOCK), specs,     F(S_SOURCE_DATE),
		                       F(S_NOTES)};
		return report_table_add(s->tab, cells);
	}
#undef F
}

static int show_source(void *ctx, size_t line, const char *const *v)
{
	struct show *s = ctx;
	const char *src = v[s->col[S_NCOLS]];

	(void)line;
	/* Each source once, in the order of its first row. */
	if (!*src || json_object_get(s->seen, src))
		return 0;
	json_object_set_new(s->seen, src, json_true());
	return printf("  %s\n", src) < 0;
}

static int do_show(struct cli *cli, const char *name, enum cli_format fmt)
{
	static const char *const hdr[] = {"kind",  "plan",        "item", "region",   "from",
	                                  "to",    "price",       "per",  "included", "block",
	                                  "specs", "source date", "notes"};
	struct pricing_tables *t;
	struct show s = {.fmt = fmt};
	size_t idx = SIZE_MAX, n;
	int rc = 0;

	if (load(cli, &t))
		return 1;
	n = pricing_provider_count(t);
	for (size_t i = 0; i < n; i++)
		if (strcmp(pricing_provider_name(t, i), name) == 0)
			idx = i;
	if (idx == SIZE_MAX) {
		char known[512];
		size_t o = 0;
		known[0] = '\0';
		for (size_t i = 0; i < n && o < sizeof(known); i++)
			o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s", o ? ", " : "",
			                      pricing_provider_name(t, i));
		pricing_tables_free(t);
		return cli_error("unknown provider '%s' (known: %s)", name, known);
	}
	for (size_t k = 0; k < S_NCOLS; k++)
		for (size_t i = 0; i < pricing_ncolumns; i++)
			if (strcmp(pricing_columns[i], show_names[k]) == 0)
				s.col[k] = i;
	for (size_t i = 0; i < pricing_ncolumns; i++)
		if (strcmp(pricing_columns[i], "source") == 0)
			s.col[S_NCOLS] = i;
	if (fmt == CLI_FORMAT_CSV) {
		rc = csvio_write_row(stdout, pricing_columns, pricing_ncolumns) ||
		     pricing_provider_rows(t, idx, show_row, &s);
	} else if (fmt == CLI_FORMAT_JSON) {
		s.arr = json_array();
		rc = pricing_provider_rows(t, idx, show_row, &s) ||
		     json_dumpf(s.arr, stdout, JSON_INDENT(2)) || putchar('\n') == EOF;
		json_decref(s.arr);
	} else {
		printf("%s (%s): %s\n\n", name, pricing_provider_currency(t, idx),
		       pricing_provider_path(t, idx));
		if (!(s.tab = report_table_new(13, hdr, "lllllllrrrlll")))
			rc = -1;
		rc = rc || pricing_provider_rows(t, idx, show_row, &s) ||
		     report_table_print(s.tab, stdout) || printf("\nsources:\n") < 0;
		report_table_free(s.tab);
		s.seen = json_object();
		rc = rc || pricing_provider_rows(t, idx, show_source, &s);
		json_decref(s.seen);
	}
	pricing_tables_free(t);
	return rc ? cli_error("cannot write the table") : 0;
}

/* What `check --stale DAYS` asks for, and what it found so far. */
struct stale {
	bool on;
	int32_t days, today;
	enum cli_format fmt;
	size_t rows, undated;
	bool header_done;
};

static void print_stale(struct stale *st, const struct pricing_stale *r)
{
	char day[11];

	if (st->fmt == CLI_FORMAT_CSV) {
		const char *cells[9];
		char line[24], age[16];
		if (!st->header_done) {
			static const char *const hdr[] = {"provider", "file",        "line",
			                                  "kind",     "plan",        "item",
			                                  "region",   "source_date", "age_days"};
			csvio_write_row(stdout, hdr, 9);
			st->header_done = true;
		}
		snprintf(line, sizeof(line), "%zu", r->line);
		snprintf(age, sizeof(age), "%" PRId32, r->age);
		cells[0] = r->provider, cells[1] = r->path, cells[2] = line;
		cells[3] = r->kind, cells[4] = r->plan, cells[5] = r->item, cells[6] = r->region;
		cells[7] =
		    r->source_day == PRICING_UNDATED ? "" : date_format_day(r->source_day, day);
		cells[8] = r->source_day == PRICING_UNDATED ? "" : age;
		csvio_write_row(stdout, cells, 9);
		return;
	}
	printf("%s:%zu: %s %s%s%s%s%s%s%s: ", r->path, r->line, r->provider, r->kind,
	       *r->plan ? " " : "", r->plan, *r->item ? " " : "", r->item,
	       *r->region ? " region " : "", r->region);
	if (r->source_day == PRICING_UNDATED)
		printf("no source date\n");
	else
		printf("source dated %s is %" PRId32 " days old (more than %" PRId32 ")\n",
		       date_format_day(r->source_day, day), r->age, st->days);
}

/* Lists the stale and undated rows of one table that checked clean. */
static int stale_one(const char *path, struct stale *st)
{
	struct pricing_tables *t;
	struct pricing_stale *rows = NULL;
	size_t n = 0;
	struct err e;

	if (pricing_load_files(&path, 1, &t, &e))
		return cli_error("%s", e.msg);
	if (pricing_stale(t, st->today, st->days, &rows, &n, &e)) {
		pricing_tables_free(t);
		return cli_error("%s", e.msg);
	}
	for (size_t i = 0; i < n; i++) {
		print_stale(st, &rows[i]);
		st->rows++;
		st->undated += rows[i].source_day == PRICING_UNDATED;
	}
	free(rows);
	pricing_tables_free(t);
	return 0;
}

static int check_one(const char *path, size_t *total)
{
	struct pricing_problem *probs = NULL;
	size_t n = 0;
	struct err e;

	if (pricing_check_file(path, &probs, &n, &e)) {
		cli_error("%s", e.msg);
		(*total)++;
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (probs[i].line)
			printf("%s:%zu:%zu: %s\n", path, probs[i].line, probs[i].column,
			       probs[i].msg);
		else
			printf("%s: %s\n", path, probs[i].msg);
	}
	*total += n;
	free(probs);
	return n ? 1 : 0;
}

static int filter_csv(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".csv") == 0;
}

static int do_check(struct cli *cli, int argc, char **argv, struct stale *st)
{
	size_t total = 0, files = 0;
	int bad = 0;

	if (argc > 0) {
		for (int i = 0; i < argc; i++, files++) {
			int b = check_one(argv[i], &total);
			bad |= b;
			if (!b && st->on)
				bad |= stale_one(argv[i], st);
		}
	} else {
		struct dirent **list;
		int n = scandir(cli->providers_dir, &list, filter_csv, alphasort);
		if (n < 0)
			return cli_error("cannot open provider tables '%s': %s", cli->providers_dir,
			                 strerror(errno));
		for (int i = 0; i < n; i++, files++) {
			char *path;
			if (asprintf(&path, "%s/%s", cli->providers_dir, list[i]->d_name) < 0) {
				bad = 1;
				break;
			}
			int b = check_one(path, &total);
			bad |= b;
			if (!b && st->on)
				bad |= stale_one(path, st);
			free(path);
		}
		for (int i = 0; i < n; i++)
			free(list[i]);
		free(list);
		if (n == 0)
			return cli_error("no provider tables (*.csv) in '%s'", cli->providers_dir);
	}
	if (total)
		cli_error("%zu problem%s in %zu file%s", total, total == 1 ? "" : "s", files,
		          files == 1 ? "" : "s");
	else if (cli->verbosity >= 0 && !st->on)
		printf("%zu file%s ok\n", files, files == 1 ? "" : "s");
	if (bad)
		return 1;
	if (st->rows) {
		cli_error("%zu row%s with a source older than %" PRId32 " days or undated "
		          "(%zu undated)",
		          st->rows, st->rows == 1 ? "" : "s", st->days, st->undated);
		return EXIT_STALE;
	}
	if (st->on && cli->verbosity >= 0 && st->fmt != CLI_FORMAT_CSV)
		printf("%zu file%s ok, no source older than %" PRId32 " days\n", files,
		       files == 1 ? "" : "s", st->days);
	return 0;
}

static int exec_providers(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, CLI_OPT_FORMAT},
	    {"stale", required_argument, NULL, OPT_STALE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum cli_format fmt = CLI_FORMAT_TABLE;
	struct stale st = {0};
	const char *sub;
	int opt, rc;

	/* Options may follow the subcommand ("providers list --format csv"). */
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(&cmd_providers);
			return 0;
		}
		if (opt == CLI_OPT_FORMAT) {
			if ((rc = cli_parse_format(&cmd_providers, optarg, &fmt)))
				return rc;
			continue;
		}
		if (opt == OPT_STALE) {
			uint64_t d;
			if (num_parse_u64(optarg, 0, 36500, &d, NULL))
				return cli_usage(&cmd_providers,
				                 "bad --stale '%s' (days, 0 to 36500)", optarg);
			st.on = true;
			st.days = (int32_t)d;
			continue;
		}
		return cli_bad_option(&cmd_providers, opt, argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage(&cmd_providers, "missing subcommand (list, show or check)");
	sub = argv[optind++];
	if (st.on && strcmp(sub, "check") != 0)
		return cli_usage(&cmd_providers, "--stale goes with check only");
	if (strcmp(sub, "list") == 0) {
		if (optind < argc)
			return cli_usage(&cmd_providers, "unexpected argument '%s'", argv[optind]);
		return do_list(cli, fmt);
	}
	if (strcmp(sub, "show") == 0) {
		if (optind + 1 != argc)
			return cli_usage(&cmd_providers, "show takes one provider name");
		return do_show(cli, argv[optind], fmt);
	}
	if (strcmp(sub, "check") == 0) {
		if (st.on) {
			if (fmt == CLI_FORMAT_JSON)
				return cli_usage(&cmd_providers,
				                 "check --stale prints a table or csv, not json");
			/* Today is the config's today: its time zone decides the date. */
			if (!cli_config(cli))
				return 1;
			st.today = date_today();
			st.fmt = fmt;
		}
		return do_check(cli, argc - optind, argv + optind, &st);
	}
	return cli_usage(&cmd_providers, "unknown subcommand '%s' (list, show or check)", sub);
}

const struct cmd cmd_providers = {
    .name = "providers",
    .synopsis = "list | show NAME | check [FILE...] [--stale DAYS] [--format table|csv|json]",
    .summary = "list, show and validate the provider price tables",
    .help = "  list                the tables found, their currency and plans\n"
            "  show NAME           every row of one table with its source date and notes\n"
            "  check [FILE...]     validate tables (default: every *.csv of the providers\n"
            "                      directory); prints each problem as file:line:column:\n"
            "                      message and exits 1 when there is any\n"
            "  --stale DAYS        with check: also list the rows whose source_date is more\n"
            "                      than DAYS days before today (the config's time zone),\n"
            "                      and rows with a source but no date; exits 3 when there\n"
            "                      is any (1 when a table has problems)\n"
            "  --format FMT        table (default), csv or json (list and show); check\n"
            "                      --stale: table or csv (provider,file,line,kind,plan,item,\n"
            "                      region,source_date,age_days)\n",
    .exec = exec_providers,
};
