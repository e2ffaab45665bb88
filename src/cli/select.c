/*
 * Parsing of the plan selection and quote options (see select.h).  The
 * work they select is pricing_quote's.
 */
#include <string.h>

#include "cli/select.h"
#include "util/date.h"
#include "util/num.h"

void cli_quote_init(struct cli_quote *q)
{
	memset(q, 0, sizeof(*q));
	pricing_money_init(&q->money);
}

int cli_select_option(const struct cmd *cmd, struct pricing_select *sel, int opt, const char *arg)
{
	struct err e;

	switch (opt) {
	case CLI_OPT_PROVIDER:
		sel->provider = arg;
		return 0;
	case CLI_OPT_PLAN:
		sel->plan = arg;
		return 0;
	case CLI_OPT_REGION:
		sel->region = arg;
		return 0;
	case CLI_OPT_NEED:
		if (pricing_need_parse(arg, &sel->need, &e))
			return cli_usage(cmd, "bad --need '%s': %s", arg, e.msg);
		return 0;
	}
	return 1;
}

int cli_money_option(const struct cmd *cmd, struct pricing_money *m, int opt, const char *arg)
{
	struct err e;

	switch (opt) {
	case CLI_OPT_RATE:
		if (pricing_money_add_rate(m, arg, &e))
			return cli_usage(cmd, "%s", e.msg);
		return 0;
	case CLI_OPT_CURRENCY:
		if (pricing_money_currency(m, arg, &e))
			return cli_usage(cmd, "%s", e.msg);
		return 0;
	case CLI_OPT_VAT:
		if (pricing_money_vat(m, arg, &e))
			return cli_usage(cmd, "%s", e.msg);
		return 0;
	}
	return 1;
}

int cli_quote_option(const struct cmd *cmd, struct cli_quote *q, int opt, const char *arg)
{
	struct err e;
	uint64_t u;
	int rc;

	if ((rc = cli_money_option(cmd, &q->money, opt, arg)) != 1)
		return rc;
	switch (opt) {
	case CLI_OPT_SEATS:
		if (num_parse_u64(arg, 1, 10000, &u, &e))
			return cli_usage(cmd, "bad seats: %s", e.msg);
		q->sel.seats = (unsigned)u;
		return 0;
	case CLI_OPT_HOURS:
		if (pricing_hours_parse(arg, &q->sel.seconds, &e))
			return cli_usage(cmd, "%s", e.msg);
		return 0;
	case CLI_OPT_FIRST_MONTH:
		q->sel.first_month = true;
		return 0;
	case CLI_OPT_ALLOW_SHARED:
		q->sel.allow_shared = true;
		return 0;
	case CLI_OPT_FROM_PROVIDER: {
		const char *colon = strchr(arg, ':');
		size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
		if (!n || n >= sizeof(q->from) || (colon && !colon[1]))
			return cli_usage(cmd, "bad --from '%s' (PROVIDER or PROVIDER:PLAN)", arg);
		memcpy(q->from, arg, n);
		q->from[n] = '\0';
		q->sel.from = q->from;
		q->from_plan = colon ? colon + 1 : NULL;
		return 0;
	}
	}
	return cli_select_option(cmd, &q->sel, opt, arg);
}

int cli_quote_check(const struct cmd *cmd, const struct cli_quote *q)
{
	struct err e;

	if (pricing_money_check(&q->money, &e))
		return cli_usage(cmd, "--%s (see --currency)", e.msg);
	return 0;
}

void cli_select_notes(const struct cli *cli, const struct pricing_plan *plans, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		char day[11];
		if (!plans[i].replaces[0])
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(plans[j].provider, plans[i].provider) == 0 &&
			       strcmp(plans[j].replaces, plans[i].replaces) == 0;
		if (seen || cli->verbosity < 0)
			continue;
		fflush(stdout);
		fprintf(stderr,
		        "costs: note: %s plan '%s' was retired; priced as its successor '%s' "
		        "(from %s)\n",
		        plans[i].provider, plans[i].replaces, plans[i].plan,
		        date_format_day(plans[i].replaced_on, day));
	}
}
