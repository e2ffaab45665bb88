/*
 * costs nft apply|show|remove: the `inet costs` table built from the
 * config's service rules.  apply and remove first sample the counters they
 * replace, so a reload loses nothing; show only prints.
 */
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "cli/cli.h"
#include "nft/kernel.h"
#include "cli/nft_cli.h"
#include "nft/ruleset.h"

extern const struct cmd cmd_nft;

enum { OPT_BOOT_ID_FILE = CLI_OPT_FIRST_FREE };

/* Where nft resolves `socket cgroupv2` paths when it loads the ruleset. */
#define CGROUP_ROOT "/sys/fs/cgroup"

/*
 * CGROUP_ROOT when it is a cgroup v2 mount, else NULL: on a v1 or hybrid
 * layout nft would resolve a path to a v1 group, which never matches.
 */
static const char *cgroup2_root(void)
{
	struct statfs sf;

	if (statfs(CGROUP_ROOT, &sf) != 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
		return NULL;
	return CGROUP_ROOT;
}

static void report_skips(struct cli *cli, const struct nftc_ruleset *r)
{
	const char *path = cli->config->path ? cli->config->path : "(built-in)";

	for (size_t i = 0; i < r->nskips; i++) {
		const struct nftc_skip *s = &r->skips[i];
		cli_warn(cli,
		         "%s:%u: service '%s': term '%s' cannot be counted by nftables (%s); "
		         "this match line is left out%s",
		         path, s->line, s->service, s->term, s->reason,
		         s->egress_only ? " for ingress" : "");
	}
}

static int build(struct cli *cli, uint64_t generation, struct nftc_ruleset **r)
{
	struct err e;

	if (!cli_config(cli))
		return 1;
	if (nftc_ruleset_build(cli->config, cgroup2_root(), generation, r, &e))
		return cli_error("%s", e.msg);
	report_skips(cli, *r);
	return 0;
}

/*
 * Samples under the write lock and commits, then runs the change (apply or
 * remove).  apply changes nothing when the sample cannot be stored (a full
 * disk): replacing the table then would lose what it counted since the last
 * sample.  remove always removes, and reports a sample it could not store.
 */
static int sample_then(struct cli *cli, const char *boot_id_file, const char *definition)
{
	struct nftc_sample_result res;
	struct nftc_reading rd;
	enum nftc_status status;
	struct store *st;
	struct err e, ce;
	bool lost = false;
	int changed;

	if (cli_nft_set_timezone(cli->config))
		return 1;
	/* Permission and availability are checked before the store is touched. */
	if (nftc_read(&rd, &status, &e) && status != NFTC_ERR_NO_TABLE &&
	    (definition || status == NFTC_ERR_PERM || status == NFTC_ERR_UNAVAILABLE))
		return cli_error("%s%s", e.msg, cli_nft_hint(status));
	nftc_reading_release(&rd);
	if (!(st = cli_open_store(cli, true))) {
		if (definition)
			return 1;
		lost = true;
	} else if (store_begin(st, &e)) {
		store_close(st);
		if (definition)
			return cli_error("%s; the table 'inet costs' was left as it was", e.msg);
		cli_error("%s", e.msg);
		lost = true;
	} else if (cli_nft_sample(cli, st, boot_id_file, false, false, &res)) {
		store_close(st); /* rolls back */
		if (definition)
			return cli_error("the table 'inet costs' was left as it was");
		lost = true;
	} else {
		nftc_sample_result_release(&res);
		if (store_commit(st, &e)) {
			store_close(st);
			if (definition)
				return cli_error("%s; the table 'inet costs' was left as it was, "
				                 "with its counters",
				                 e.msg);
			cli_error("%s", e.msg);
			lost = true;
		} else {
			store_close(st);
		}
	}
	changed = definition ? nftc_apply(definition, &status, &ce) : nftc_remove(&status, &ce);
	if (changed && !definition && status == NFTC_ERR_NO_TABLE) {
		cli_warn(cli, "the table 'inet costs' does not exist: nothing to remove");
		return lost ? 1 : 0;
	}
	if (changed)
		return cli_error("%s%s", ce.msg, cli_nft_hint(status));
	if (lost)
		return cli_error("removed the table 'inet costs'; what it counted since the last "
		                 "sample was not stored");
	return 0;
}

static int exec_nft(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"boot-id-file", required_argument, NULL, OPT_BOOT_ID_FILE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *boot_id_file = NULL, *sub;
	struct nftc_ruleset *r = NULL;
	int opt, rc;

	/* Options may follow the subcommand: let getopt permute. */
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (opt == 'h') {
			cli_print_help(&cmd_nft);
			return 0;
		}
		if (opt == OPT_BOOT_ID_FILE) {
			boot_id_file = optarg;
			continue;
		}
		return cli_bad_option(&cmd_nft, opt, argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage(&cmd_nft, "missing subcommand (apply, show or remove)");
	sub = argv[optind++];
	if (optind < argc)
		return cli_usage(&cmd_nft, "unexpected argument '%s'", argv[optind]);
	if (strcmp(sub, "show") == 0) {
		if ((rc = build(cli, 0, &r)))
			return rc;
		fputs(r->text, stdout);
		nftc_ruleset_free(r);
		return 0;
	}
	if (strcmp(sub, "apply") == 0) {
		/* A new table generation: an identity no saved ruleset carries. */
		if ((rc = build(cli, nftc_random_generation(), &r)))
			return rc;
		rc = sample_then(cli, boot_id_file, r->text);
		if (rc == 0)
			cli_verbose(cli, "applied table inet costs: counters for %zu services",
			            r->nservices);
		nftc_ruleset_free(r);
		return rc;
	}
	if (strcmp(sub, "remove") == 0) {
		if (!cli_config(cli))
			return 1;
		return sample_then(cli, boot_id_file, NULL);
	}
	return cli_usage(&cmd_nft, "unknown subcommand '%s' (apply, show or remove)", sub);
}

const struct cmd cmd_nft = {
    .name = "nft",
    .synopsis = "apply|show|remove [--boot-id-file FILE]",
    .summary = "install, print or remove the nftables counters (table inet costs)",
    .help = "  apply               sample the current counters, then replace the table\n"
            "                      inet costs atomically with one built from the config;\n"
            "                      a sample that cannot be stored leaves the old table\n"
            "  show                print the ruleset apply would load; changes nothing\n"
            "  remove              sample the counters, then delete the table (always)\n"
            "  --boot-id-file FILE as for 'costs sample' (the sample apply and remove take)\n"
            "Match terms nftables cannot express (sni, host, path, detect) are named with\n"
            "their config line on stderr; the rest of the config still applies.\n",
    .exec = exec_nft,
};
