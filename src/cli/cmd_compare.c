/*
 * costs compare: a month's bill on every provider and plan in force, line by
 * line, cheapest first, for measured egress (--month, from the store) or a
 * given volume (--egress).  Also the break-even egress between providers and
 * the egress a real invoice implies.  The work is pricing_quote,
 * pricing_breakeven and pricing_invoice_range; the output report/compare's.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/compare.h"
#include "cli/select.h"
#include "util/date.h"
#include "util/num.h"
#include "pricing/pricing.h"
#include "pricing/quote.h"
#include "report/compare.h"

extern const struct cmd cmd_compare;

enum {
	OPT_EGRESS = CLI_OPT_FIRST_FREE,
	OPT_BREAKEVEN,
	OPT_INVOICE,
	OPT_INVOICE_EGRESS,
	OPT_ALLOW_EMPTY,
	OPT_OVERLAP,
};

static const char *money(int64_t v, char *buf, size_t len)
{
	return num_format_fixed(v, 6, 2, buf, len);
}

/* Measured egress of the month from the store (see pricing_month_egress). */
static int measured_egress(struct cli *cli, const struct cli_compare_args *a,
                           struct pricing_measured *m)
{
	int32_t first = date_month_first(a->q.sel.month);
	int32_t last = first + date_days_in_month(first) - 1;
	struct store *st;
	struct err e;
	char mon[8];
	int rc;

	if (!(st = cli_open_store(cli, false)))
		return 1;
	rc = pricing_month_egress(st, cli->config, a->host, first, last, m, &e);
	store_close(st);
	if (rc)
		return cli_error("%s", e.msg);
	cli_verbose(cli, "%" PRIu64 " billable egress bytes from %zu host%s, source %s", m->bytes,
	            m->hosts, m->hosts == 1 ? "" : "s", m->source ? m->source : "none");
	if (!m->found && !a->allow_empty)
		return cli_error("no traffic recorded for %s%s%s (give --egress SIZE, or "
		                 "--allow-empty to price zero egress)",
		                 date_format_month(first, mon), a->host ? " on host " : "",
		                 a->host ? a->host : "");
	return 0;
}

static int print_invoice(FILE *f, const struct cli_compare_args *a,
                         const struct pricing_quote_row *r)
{
	const struct pricing_plan *p = r->plan;
	bool egress_only = a->invoice_line == PRICING_LINE_EGRESS;
	int64_t modelled = egress_only ? r->bill.egress : r->bill.total;
	const char *cur = r->bill.currency;
	char m1[32], m2[32], m3[32], s1[32], s2[32];
	struct pricing_invoice inv;
	struct err e;

	fprintf(f, "\ninvoice%s %s %s, modelled %s %s: difference %s%s\n",
	        egress_only ? " egress line" : "", money(a->invoice, m1, 32), cur,
	        money(modelled, m2, 32), cur, a->invoice - modelled >= 0 ? "+" : "",
	        money(a->invoice - modelled, m3, 32));
	if (!egress_only && !p->compute_priced)
		fprintf(f, "compute is not priced here, so the invoice's hosting and fees count as "
		           "egress below; give its bandwidth line with --invoice-egress instead\n");
	if (pricing_invoice_range(&a->q.money, p, a->invoice, a->invoice_line, PRICING_SEARCH_LIMIT,
	                          &inv, &e))
		return cli_error("%s", e.msg);
	switch (inv.status) {
	case PRICING_INVOICE_BELOW:
		return fprintf(f,
		               "the invoice is below the %s (%s): no egress volume explains it\n",
		               egress_only ? "egress line at zero egress" : "fixed charges",
		               money(inv.at_lo, m1, 32)) < 0;
	case PRICING_INVOICE_ABOVE:
		return fprintf(f, "no egress volume up to 1 PB explains the invoice\n") < 0;
	case PRICING_INVOICE_EXACT:
		return fprintf(f,
		               "under %s/%s rules the invoice implies %s to %s of egress "
		               "(%" PRIu64 " to %" PRIu64 " bytes)\n",
		               p->provider, p->plan, num_format_bytes(inv.lo, s1, 32),
		               num_format_bytes(inv.hi, s2, 32), inv.lo, inv.hi) < 0;
	case PRICING_INVOICE_BETWEEN:
		break;
	}
	return fprintf(f,
	               "under %s/%s rules no egress volume gives exactly this amount: %s "
	               "(%" PRIu64 " bytes) bills %s, one byte more bills %s\n",
	               p->provider, p->plan, num_format_bytes(inv.lo, s1, 32), inv.lo,
	               money(inv.at_lo, m1, 32), money(inv.at_hi, m2, 32)) < 0;
}

/* Writes the quote in the chosen format, with the text extras. */
/*
 * Under the table: how much of the egress is private traffic to other
 * regions (services with traffic = private) and what each plan with a
 * private rate bills for it, inside its egress line.
 */
static int print_private(FILE *f, const struct cli_compare_args *a, const struct pricing_quote *q)
{
	char sz[32], m1[32];
	bool any = false;

	fprintf(f, "of the egress, %s is private traffic to other regions (traffic = private):\n",
	        num_format_bytes(a->q.sel.private_bytes, sz, sizeof(sz)));
	for (size_t i = 0; i < q->n; i++) {
		const struct pricing_quote_row *r = &q->rows[i];
		if (!r->plan->has_private)
			continue;
		any = true;
		fprintf(f, "  %s/%s bills %s of it at its private rate: %s %s of the egress line\n",
		        r->plan->provider, r->plan->plan,
		        num_format_bytes(r->bill.private_bytes, sz, sizeof(sz)),
		        num_format_fixed(r->bill.private_egress, 6, 2, m1, sizeof(m1)),
		        r->bill.currency);
	}
	fprintf(f, "  %s\n",
	        any ? "the other plans bill it as egress"
	            : "no plan here has a private rate: it is billed as egress");
	return 0;
}

static int write_quote(FILE *f, const struct cli_compare_args *a, const struct pricing_quote *q,
                       const char *source)
{
	char sz[32], mon[8];
	int rc;

	if (a->fmt == CLI_FORMAT_CSV)
		return report_compare_csv(f, q) ? 1 : 0;
	if (a->fmt == CLI_FORMAT_JSON)
		return report_compare_json(f, q) ? 1 : 0;
	fprintf(f, "%s egress in %s (%s)\n", num_format_bytes(q->egress, sz, sizeof(sz)),
	        date_format_month(q->month, mon), source);
	rc = report_compare_table(f, q) ? 1 : 0;
	if (!rc && a->q.sel.private_bytes)
		rc = print_private(f, a, q);
	if (!rc && a->breakeven) {
		struct err e;
		if (report_compare_breakeven(f, &a->q.money, q, &e))
			rc = cli_error("%s", e.msg);
	}
	if (!rc && a->invoice_set)
		rc = print_invoice(f, a, &q->rows[0]);
	return rc;
}

int cli_compare_run(struct cli *cli, const struct cmd *cmd, struct cli_compare_args *a, FILE *out)
{
	struct pricing_tables *tables = NULL;
	struct pricing_quote q = {0};
	struct pricing_measured m = {0};
	const char *source = "given";
	struct err e;
	long now = -1;
	int rc;

	if (!(a->q.sel.config = cli_config(cli)))
		return 1;
	if (!a->egress_set) {
		if ((rc = measured_egress(cli, a, &m)))
			return rc;
		a->egress = m.bytes;
		a->q.sel.private_bytes = m.private_bytes;
		source = m.source ? m.source : "no data";
	}
	if (pricing_load_dir(cli->providers_dir, &tables, &e))
		return cli_error("%s", e.msg);
	if (pricing_quote(tables, &a->q.sel, &a->q.money, a->egress, &q, &e)) {
		rc = cli_error("%s", e.msg);
	} else if (a->invoice_set && q.n != 1) {
		rc = cli_usage(cmd, "--invoice needs one plan; this selection has %zu", q.n);
	} else if (a->q.sel.from &&
	           (now = pricing_quote_find(&q, a->q.sel.from, a->q.from_plan, &e)) < 0) {
		rc = cli_error("%s", e.msg);
	} else {
		cli_select_notes(cli, q.plans, q.n);
		rc = write_quote(out, a, &q, source);
		if (rc == 1)
			rc = cli_error("cannot write the comparison");
		/* The migration view, against the row of what runs now. */
		if (!rc && now >= 0 && a->fmt == CLI_FORMAT_TABLE &&
		    report_compare_migration(out, &a->q.money, &q, (size_t)now, a->overlap, &e))
			rc = cli_error("%s", e.msg);
	}
	pricing_quote_release(&q);
	pricing_tables_free(tables);
	return rc;
}

/* Handles compare's own options; 1 when opt is not one of them. */
static int own_option(const struct cmd *cmd, struct cli_compare_args *a, int opt, const char *arg)
{
	struct err e;

	switch (opt) {
	case CLI_OPT_MONTH:
		if (date_parse_month(arg, &a->q.sel.month, NULL, &e))
			return cli_usage(cmd, "%s", e.msg);
		a->month_set = true;
		return 0;
	case CLI_OPT_HOST:
		a->host = arg;
		return 0;
	case OPT_EGRESS:
		if (num_parse_size(arg, &a->egress, &e))
			return cli_usage(cmd, "%s", e.msg);
		a->egress_set = true;
		return 0;
	case OPT_BREAKEVEN:
		a->breakeven = true;
		return 0;
	case OPT_INVOICE:
	case OPT_INVOICE_EGRESS:
		if (num_parse_fixed(arg, 6, &a->invoice, &e) || a->invoice < 0)
			return cli_usage(cmd, "bad invoice amount '%s'", arg);
		a->invoice_set = true;
		a->invoice_line = opt == OPT_INVOICE ? PRICING_LINE_TOTAL : PRICING_LINE_EGRESS;
		return 0;
	case OPT_ALLOW_EMPTY:
		a->allow_empty = true;
		return 0;
	case OPT_OVERLAP:
		a->overlap = true;
		return 0;
	case CLI_OPT_FORMAT:
		return cli_parse_format(cmd, arg, &a->fmt);
	}
	return 1;
}

/* Checks what the options ask for together.  Returns 0 or 2. */
static int check_args(const struct cmd *cmd, const struct cli_compare_args *a)
{
	if (!a->month_set && !a->egress_set)
		return cli_usage(cmd, "give --month YYYY-MM (measured) or --egress SIZE");
	if (a->overlap && !a->q.sel.from)
		return cli_usage(cmd, "--overlap needs --from PROVIDER[:PLAN]");
	if (a->q.sel.from && a->q.sel.first_month)
		return cli_usage(cmd, "--from counts setup fees as one-off costs itself: "
		                      "leave out --first-month");
	if ((a->breakeven || a->invoice_set) && a->fmt != CLI_FORMAT_TABLE)
		return cli_usage(cmd, "--breakeven and --invoice print text: use them "
		                      "with --format table");
	if (a->invoice_set && (!a->q.sel.provider || !a->q.sel.plan))
		return cli_usage(cmd, "--invoice needs --provider and --plan");
	return cli_quote_check(cmd, &a->q);
}

int cli_compare_parse(const struct cmd *cmd, int argc, char **argv, struct cli_compare_args *a)
{
	static const struct option lopts[] = {
	    {"month", required_argument, NULL, CLI_OPT_MONTH},
	    {"host", required_argument, NULL, CLI_OPT_HOST},
	    {"egress", required_argument, NULL, OPT_EGRESS},
	    CLI_QUOTE_LONGOPTS,
	    {"breakeven", no_argument, NULL, OPT_BREAKEVEN},
	    {"invoice", required_argument, NULL, OPT_INVOICE},
	    {"invoice-egress", required_argument, NULL, OPT_INVOICE_EGRESS},
	    {"allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY},
	    {"from", required_argument, NULL, CLI_OPT_FROM_PROVIDER},
	    {"overlap", no_argument, NULL, OPT_OVERLAP},
	    {"format", required_argument, NULL, CLI_OPT_FORMAT},
	    {"out", required_argument, NULL, CLI_OPT_OUT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool exporting = cmd != &cmd_compare;
	int opt, rc;

	memset(a, 0, sizeof(*a));
	a->fmt = exporting ? CLI_FORMAT_CSV : CLI_FORMAT_TABLE;
	cli_quote_init(&a->q);
	a->q.sel.month = date_today();
	while ((opt = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(cmd);
			return -1;
		}
		if (opt == CLI_OPT_OUT && exporting) {
			a->out = optarg;
			continue;
		}
		/* export writes compare's CSV: the text-only options do not apply. */
		if (opt == CLI_OPT_OUT ||
		    (exporting && (opt == CLI_OPT_FORMAT || opt == OPT_BREAKEVEN ||
		                   opt == OPT_INVOICE || opt == OPT_INVOICE_EGRESS)))
			return cli_usage(cmd, "'--%s' does not apply here",
			                 cli_option_name(lopts, opt));
		rc = opt == '?' || opt == ':' ? 1 : own_option(cmd, a, opt, optarg);
		if (rc == 1 && opt != '?' && opt != ':')
			rc = cli_quote_option(cmd, &a->q, opt, optarg);
		if (rc == 1)
			return cli_bad_option(cmd, opt, argv[optind - 1]);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	return check_args(cmd, a);
}

static int exec_compare(struct cli *cli, int argc, char **argv)
{
	struct cli_compare_args a;
	int rc = cli_compare_parse(&cmd_compare, argc, argv, &a);

	if (rc)
		return rc < 0 ? 0 : rc;
	return cli_compare_run(cli, &cmd_compare, &a, stdout);
}

const struct cmd cmd_compare = {
    .name = "compare",
    .synopsis = "(--month YYYY-MM | --egress SIZE) [--host NAME] [--allow-empty] [--provider NAME] "
                "[--plan NAME] "
                "[--region NAME] [--need SPEC] [--allow-shared] [--from PROVIDER[:PLAN] "
                "[--overlap]] [--seats N] [--hours H] [--rate CUR=X] [--vat PCT] "
                "[--currency CUR] [--first-month] [--breakeven] [--invoice AMOUNT] "
                "[--invoice-egress AMOUNT] [--format table|csv|json]",
    .summary = "a month's bill on every provider and plan, cheapest first",
    .help = "  --month YYYY-MM     the month billed; without --egress its measured egress\n"
            "                      (billable services; per host one source: nft, else pcap,\n"
            "                      else import, else prometheus, else iface; hosts are\n"
            "                      summed; services with traffic = private at a table's\n"
            "                      private rate between regions where it has one)\n"
            "  --egress SIZE       price this volume instead (1.3TB = 1.3e12 bytes; kB MB GB\n"
            "                      TB KiB MiB GiB TiB); the month defaults to this month\n"
            "  --host NAME         measured egress of this host only\n"
            "  --allow-empty       price zero egress when the month has no data\n" CLI_QUOTE_HELP
            "  --breakeven         every egress up to 1 PB at which the cheaper of the\n"
            "                      cheapest plans of two providers changes\n"
            "  --invoice AMOUNT    with --provider and --plan: compare with a real invoice\n"
            "                      and show the egress it implies\n"
            "  --invoice-egress AMOUNT  the same with only the invoice's bandwidth line\n"
            "  --from PROV[:PLAN]  what you run now: the need is derived from this\n"
            "                      provider's [provider] section, and (table) every\n"
            "                      other row shows its monthly difference, one-off\n"
            "                      costs (setup fees) and months to pay them back\n"
            "  --overlap           with --from: count a month of running both as a\n"
            "                      one-off cost\n"
            "  --format FMT        table (default), csv or json\n",
    .exec = exec_compare,
};
