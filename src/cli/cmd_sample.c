/*
 * costs sample: reads the nftables counters of the `inet costs` table and
 * the interface counters under the store's write lock, and adds what they
 * counted since the previous sample to the daily totals.  Safe from cron at
 * any interval, twice at once, and after a reboot or a ruleset reload.
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "nft/kernel.h"
#include "cli/nft_cli.h"
#include "nft/sample.h"
#include "nft/watch.h"

extern const struct cmd cmd_sample;

enum {
	OPT_DRY_RUN = CLI_OPT_FIRST_FREE,
	OPT_BOOT_ID_FILE,
	OPT_PAUSE,
};

const char *cli_nft_hint(enum nftc_status st)
{
	switch (st) {
	case NFTC_ERR_PERM:
		return " (run it as root or give it CAP_NET_ADMIN)";
	case NFTC_ERR_NO_TABLE:
		return " (run 'costs nft apply' first)";
	case NFTC_ERR_UNAVAILABLE:
		return " (load the nf_tables module, or measure with 'costs capture')";
	default:
		return "";
	}
}

/* A scratch database for a dry run when there is none yet. */
static char scratch[PATH_MAX], scratch_db[PATH_MAX + 16];

static void remove_scratch(void)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char f[sizeof(scratch_db) + 16];

	if (!scratch[0])
		return;
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(f, sizeof(f), "%s%s", scratch_db, suffix[i]);
		unlink(f);
	}
	rmdir(scratch);
	scratch[0] = '\0';
}

static void print_deltas(const struct nftc_sample_result *res)
{
	printf("%-6s %-24s %-8s %14s %10s  %s\n", "source", "service", "dir", "bytes", "packets",
	       "note");
	for (size_t i = 0; i < res->n; i++) {
		const struct nftc_delta *d = &res->d[i];
		printf("%-6s %-24s %-8s %14" PRIu64 " %10" PRIu64 "  %s\n", d->source,
		       d->total ? "(total)" : d->service,
		       d->dir == STORE_EGRESS ? "egress" : "ingress", d->bytes, d->packets,
		       nftc_event_name(d->event));
	}
}

int cli_nft_sample(struct cli *cli, struct store *st, const char *boot_id_file, bool require_table,
                   bool dry_run, struct nftc_sample_result *res)
{
	const struct config *c = cli->config;
	struct nftc_sample_env env = {
	    .boot_id_file = boot_id_file ? boot_id_file : NFTC_BOOT_ID_FILE,
	    .net_dev = NFTC_NET_DEV_FILE,
	    .host = cli_host(cli),
	    .gap = c->sample_gap,
	    .require_table = require_table,
	    .dry_run = dry_run,
	};
	enum nftc_status status;
	struct err e;

	if (nftc_sample_take(st, &env, res, &status, &e))
		return cli_error("%s%s", e.msg, cli_nft_hint(status));
	if (res->gap)
		cli_warn(cli,
		         "%" PRIu64 " s since the last sample, longer than sample_gap (%u s): "
		         "recorded as a gap in coverage",
		         res->gap_seconds, c->sample_gap);
	for (size_t i = 0; i < res->n; i++) {
		const struct nftc_delta *d = &res->d[i];
		if (d->event == NFTC_EV_REBOOT || d->event == NFTC_EV_RESET)
			cli_verbose(cli, "%s counter %s %s counted from zero (%s)", d->source,
			            d->service, d->dir == STORE_EGRESS ? "egress" : "ingress",
			            nftc_event_name(d->event));
		else if (d->event == NFTC_EV_RESTORE)
			cli_verbose(cli,
			            "%s counter %s %s restored from a saved ruleset: only what it "
			            "counted beyond the stored value is added",
			            d->source, d->service,
			            d->dir == STORE_EGRESS ? "egress" : "ingress");
	}
	return 0;
}

/* Days are split where the config's time zone says they end. */
int cli_nft_set_timezone(const struct config *c)
{
	if (setenv("TZ", c->timezone ? c->timezone : "UTC", 1) != 0)
		return cli_error("cannot set the time zone: %s", strerror(errno));
	tzset();
	return 0;
}

struct sample_opts {
	const char *boot_id_file;
	bool dry_run;
	unsigned pause;
};

/* Parses sample's options.  Returns 0, -1 after --help, or the usage status. */
static int sample_parse(int argc, char **argv, struct sample_opts *o)
{
	static const struct option opts[] = {
	    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	    {"boot-id-file", required_argument, NULL, OPT_BOOT_ID_FILE},
	    {"pause-before-commit", required_argument, NULL, OPT_PAUSE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	memset(o, 0, sizeof(*o));
	while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_sample);
			return -1;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_BOOT_ID_FILE:
			o->boot_id_file = optarg;
			break;
		case OPT_PAUSE: {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || v > 3600 || optarg[0] == '-')
				return cli_usage(&cmd_sample,
				                 "bad --pause-before-commit '%s' "
				                 "(seconds, 0 to 3600)",
				                 optarg);
			o->pause = (unsigned)v;
			break;
		}
		default:
			return cli_bad_option(&cmd_sample, opt, argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_sample, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/*
 * Nothing is touched without permission, and a first sample must not
 * create the database when the counters cannot be read; a dry run with no
 * database yet works on a scratch one.  Returns 0 or 1 (said).
 */
static int sample_prepare(struct cli *cli, bool dry_run)
{
	enum nftc_status status;
	struct nftc_reading rd;
	struct err e;

	if (nftc_check_access(&status, &e))
		return cli_error("%s%s", e.msg, cli_nft_hint(status));
	if (access(cli->db_path, F_OK) == 0)
		return 0;
	if (nftc_read(&rd, &status, &e))
		return cli_error("%s%s", e.msg, cli_nft_hint(status));
	nftc_reading_release(&rd);
	if (dry_run) {
		snprintf(scratch, sizeof(scratch), "%s/costs-dry-run-XXXXXX",
		         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(scratch))
			return cli_error("cannot create a scratch directory: %s", strerror(errno));
		snprintf(scratch_db, sizeof(scratch_db), "%s/costs.db", scratch);
		cli->db_path = scratch_db;
	}
	return 0;
}

/* Payload rules with no `costs watch` reading the group: said once a day, even with -q. */
static int sample_warn_watch(struct cli *cli, struct store *st)
{
	struct timespec ts;
	struct err e;
	bool say;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (nftc_watch_missing(st, cli->config, (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000,
	                       NFTC_NFLOG_PROC, &say, &e))
		return cli_error("%s", e.msg);
	if (say) /* cron mails it */
		fprintf(stderr,
		        "costs: warning: %s has sni, host, path or detect rules but "
		        "'costs watch' is not running, so their connections count by port "
		        "(https, http, other); start costs-watch.service or the watch line "
		        "of the cron file (said once a day)\n",
		        cli->config->path ? cli->config->path : "the config");
	return 0;
}

static int exec_sample(struct cli *cli, int argc, char **argv)
{
	struct nftc_sample_result res;
	struct sample_opts o;
	struct store *st;
	struct err e;
	int rc = sample_parse(argc, argv, &o);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (!cli_config(cli) || cli_nft_set_timezone(cli->config) || sample_prepare(cli, o.dry_run))
		return 1;
	if (!(st = cli_open_store(cli, true))) {
		remove_scratch();
		return 1;
	}
	/*
	 * Sampling every few minutes: leave checkpoints to SQLite's own
	 * schedule.  The write lock first, the kernel's counters after it
	 * (DESIGN §5).
	 */
	if (store_set_checkpoint_on_close(st, false, &e) || store_begin(st, &e)) {
		store_close(st);
		remove_scratch();
		return cli_error("%s", e.msg);
	}
	if (cli_nft_sample(cli, st, o.boot_id_file, true, o.dry_run, &res)) {
		store_close(st); /* rolls back */
		remove_scratch();
		return 1;
	}
	rc = o.dry_run ? 0 : sample_warn_watch(cli, st);
	if (!rc && o.pause) {
		fprintf(stderr, "costs: pausing %u s before commit\n", o.pause);
		sleep(o.pause);
	}
	if (rc || o.dry_run)
		store_rollback(st);
	else if (store_commit(st, &e))
		rc = cli_error("%s", e.msg);
	store_close(st);
	remove_scratch();
	if (!rc && (o.dry_run || cli->verbosity > 0))
		print_deltas(&res);
	nftc_sample_result_release(&res);
	return rc;
}

const struct cmd cmd_sample = {
    .name = "sample",
    .synopsis = "[--dry-run] [--boot-id-file FILE] [--pause-before-commit SECS]",
    .summary = "add what the nftables and interface counters counted since the last sample",
    .help = "  --dry-run           print the deltas, store nothing\n"
            "  --boot-id-file FILE read the boot id from FILE instead of\n"
            "                      /proc/sys/kernel/random/boot_id (a changed id is a reboot)\n"
            "  --pause-before-commit SECS\n"
            "                      diagnostic: wait SECS seconds holding the write lock after\n"
            "                      reading the counters, before committing\n"
            "With -v the deltas are printed as with --dry-run, and counters taken from\n"
            "zero (reboot, reset) or restored from a saved ruleset are named.\n",
    .exec = exec_sample,
};
