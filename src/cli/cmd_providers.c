/*
 * costs providers list|show NAME|check [FILE...]: lists the provider tables,
 * prints one table's rows with their sources, and validates tables, printing
 * every problem as file:line:column: message.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "date.h"
#include "pricing.h"
#include "pricing_int.h"
#include "table.h"

extern const struct cmd cmd_providers;

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
	else
		tab = report_table_new(4, hdr, "llll");
	for (size_t i = 0; i < t->n && !rc; i++) {
		const struct table *p = &t->t[i];
		char plans[1024];
		size_t o = 0;
		plans[0] = '\0';
		for (size_t r = 0; r < p->nrows; r++) {
			const char *name = p->rows[r].raw[COL_PLAN];
			bool dup = false;
			if (p->rows[r].kind != KIND_PLAN)
				continue;
			for (size_t q = 0; q < r && !dup; q++)
				dup = p->rows[q].kind == KIND_PLAN &&
				      strcmp(p->rows[q].raw[COL_PLAN], name) == 0;
			if (!dup && o + strlen(name) + 2 < sizeof(plans))
				o += (size_t)snprintf(plans + o, sizeof(plans) - o, "%s%s",
						      o ? " " : "", name);
		}
		const char *cells[] = {p->name, p->currency, plans, p->path};
		if (fmt == CLI_FORMAT_CSV)
			rc = csvio_write_row(stdout, cells, 4);
		else if (fmt == CLI_FORMAT_JSON)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s}", "provider",
							     p->name, "currency", p->currency,
							     "plans", plans, "file", p->path));
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

static int do_show(struct cli *cli, const char *name, enum cli_format fmt)
{
	static const char *const hdr[] = {"kind", "plan", "item", "region", "from", "to",
					  "price", "per", "included", "block", "specs",
					  "source date", "notes"};
	struct pricing_tables *t;
	const struct table *p = NULL;
	struct report_table *tab = NULL;
	json_t *arr = NULL;
	int rc = 0;

	if (load(cli, &t))
		return 1;
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->t[i].name, name) == 0)
			p = &t->t[i];
	if (!p) {
		char known[512];
		size_t o = 0;
		known[0] = '\0';
		for (size_t i = 0; i < t->n; i++)
			o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s", o ? ", " : "",
					      t->t[i].name);
		pricing_tables_free(t);
		return cli_error("unknown provider '%s' (known: %s)", name, known);
	}
	if (fmt == CLI_FORMAT_CSV) {
		rc = csvio_write_row(stdout, table_columns, TABLE_NCOLS);
		for (size_t r = 0; r < p->nrows && !rc; r++)
			rc = csvio_write_row(stdout, (const char *const *)p->rows[r].raw,
					     TABLE_NCOLS);
	} else if (fmt == CLI_FORMAT_JSON) {
		arr = json_array();
		for (size_t r = 0; r < p->nrows; r++) {
			json_t *o = json_object();
			for (size_t c = 0; c < TABLE_NCOLS; c++)
				if (*p->rows[r].raw[c])
					json_object_set_new(o, table_columns[c],
							    json_string(p->rows[r].raw[c]));
			json_object_set_new(o, "line", json_integer((json_int_t)p->rows[r].line));
			json_array_append_new(arr, o);
		}
		rc = json_dumpf(arr, stdout, JSON_INDENT(2)) || putchar('\n') == EOF;
		json_decref(arr);
	} else {
		printf("%s (%s): %s\n\n", p->name, p->currency, p->path);
		tab = report_table_new(13, hdr, "lllllllrrrlll");
		for (size_t r = 0; r < p->nrows && !rc; r++) {
			char *const *v = p->rows[r].raw;
			char price[64], specs[64];
			snprintf(price, sizeof(price), "%s%s%s", v[COL_PRICE],
				 *v[COL_PRICE] ? " " : "", *v[COL_PRICE] ? v[COL_CURRENCY] : "");
			snprintf(specs, sizeof(specs), "%s%s%s", *v[COL_VCPU] ? v[COL_VCPU] : "",
				 *v[COL_VCPU] ? " vCPU " : "", v[COL_RAM]);
			const char *cells[] = {v[COL_KIND],     v[COL_PLAN],  v[COL_ITEM],
					       v[COL_REGION],   v[COL_FROM],  v[COL_TO],
					       price,           v[COL_PER],   v[COL_INCLUDED],
					       v[COL_BLOCK],    specs,        v[COL_SOURCE_DATE],
					       v[COL_NOTES]};
			rc = report_table_add(tab, cells);
		}
		if (!rc)
			rc = report_table_print(tab, stdout);
		/* Sources once each, after the table. */
		printf("\nsources:\n");
		for (size_t r = 0; r < p->nrows; r++) {
			const char *s = p->rows[r].raw[COL_SOURCE];
			bool dup = !*s;
			for (size_t q = 0; q < r && !dup; q++)
				dup = strcmp(p->rows[q].raw[COL_SOURCE], s) == 0;
			if (!dup)
				printf("  %s\n", s);
		}
		report_table_free(tab);
	}
	pricing_tables_free(t);
	return rc ? cli_error("cannot write the table") : 0;
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

static int do_check(struct cli *cli, int argc, char **argv)
{
	size_t total = 0, files = 0;
	int bad = 0;

	if (argc > 0) {
		for (int i = 0; i < argc; i++, files++)
			bad |= check_one(argv[i], &total);
	} else {
		struct dirent **list;
		int n = scandir(cli->providers_dir, &list, filter_csv, alphasort);
		if (n < 0)
			return cli_error("cannot open provider tables '%s': %m", cli->providers_dir);
		for (int i = 0; i < n; i++, files++) {
			char *path;
			if (asprintf(&path, "%s/%s", cli->providers_dir, list[i]->d_name) < 0) {
				bad = 1;
				break;
			}
			bad |= check_one(path, &total);
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
	else if (cli->verbosity >= 0)
		printf("%zu file%s ok\n", files, files == 1 ? "" : "s");
	return bad ? 1 : 0;
}

static int exec_providers(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, CLI_OPT_FORMAT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	enum cli_format fmt = CLI_FORMAT_TABLE;
	const char *sub;
	int opt, rc;

	/* Options may follow the subcommand ("providers list --format csv"). */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(&cmd_providers);
			return 0;
		}
		if (opt == CLI_OPT_FORMAT) {
			if ((rc = cli_parse_format(&cmd_providers, optarg, &fmt)))
				return rc;
			continue;
		}
		return cli_usage(&cmd_providers, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage(&cmd_providers, "missing subcommand (list, show or check)");
	sub = argv[optind++];
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
	if (strcmp(sub, "check") == 0)
		return do_check(cli, argc - optind, argv + optind);
	return cli_usage(&cmd_providers, "unknown subcommand '%s' (list, show or check)", sub);
}

const struct cmd cmd_providers = {
	.name = "providers",
	.synopsis = "list | show NAME | check [FILE...] [--format table|csv|json]",
	.summary = "list, show and validate the provider price tables",
	.help = "  list                the tables found, their currency and plans\n"
		"  show NAME           every row of one table with its source date and notes\n"
		"  check [FILE...]     validate tables (default: every *.csv of the providers\n"
		"                      directory); prints each problem as file:line:column:\n"
		"                      message and exits 1 when there is any\n"
		"  --format FMT        table (default), csv or json (list and show)\n",
	.exec = exec_providers,
};
