/*
 * costs watch: the foreground service that applies payload rules (sni,
 * host, path, detect) to the nftables counters.  It reads the packets of
 * undecided connections from the table's NFLOG group, and marks each
 * connection once decided; the moves it records reach the totals at the
 * next sample.  SIGTERM and SIGINT stop it (after storing what it
 * gathered), SIGHUP reloads the config.  The work lives in src/nft/watch.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/nft_cli.h"
#include "nft/kernel.h"
#include "nft/ruleset.h"
#include "nft/watch.h"

extern const struct cmd cmd_watch;

/* Moves are stored this often. */
#define FLUSH_MS 2000

static volatile sig_atomic_t got_stop, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void reload(struct cli *cli, struct nftc_watch *w, struct store *st)
{
	struct config *cfg = NULL;
	struct err e;

	if (nftc_watch_flush(w, st, cli_host(cli), &e)) {
		cli_error("cannot reload the config yet: %s", e.msg);
		return;
	}
	if (config_load(cli->config_path, cli->config_explicit, &cfg, &e) ||
	    nftc_watch_reload(w, cfg, &e)) {
		cli_error("cannot reload the config (keeping the old one): %s", e.msg);
		config_free(cfg);
		return;
	}
	config_free(cli->config);
	cli->config = cfg;
	if (cli_nft_set_timezone(cfg))
		cli_error("cannot apply the reloaded time zone");
	cli_verbose(cli, "reloaded '%s'", cli->config_path);
}

static int loop(struct cli *cli, struct nftc_watch *w, struct store *st)
{
	struct pollfd pfd = {.fd = nftc_watch_fd(w), .events = POLLIN};
	int64_t last_flush = now_us();
	bool flush_failed = false;
	struct err e;

	while (!got_stop) {
		int n = poll(&pfd, 1, 500);
		int64_t t = now_us();

		if (n < 0 && errno != EINTR)
			return cli_error("poll: %s", strerror(errno));
		if (n > 0 && nftc_watch_read(w, t, &e))
			return cli_error("%s", e.msg);
		if (t - last_flush >= FLUSH_MS * 1000LL) {
			nftc_watch_expire(w, t);
			if (nftc_watch_flush(w, st, cli_host(cli), &e)) {
				if (!flush_failed)
					cli_error("%s (kept for the next try)", e.msg);
				flush_failed = true;
			} else {
				flush_failed = false;
			}
			last_flush = t;
		}
		if (got_hup) {
			got_hup = 0;
			reload(cli, w, st);
		}
	}
	if (nftc_watch_flush(w, st, cli_host(cli), &e))
		return cli_error("%s", e.msg);
	return 0;
}

static int exec_watch(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const struct nftc_watch_stats *s;
	enum nftc_status status;
	struct nftc_watch *w;
	struct sigaction sa;
	struct store *st;
	struct err e;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_watch);
			return 0;
		default:
			return cli_bad_option(&cmd_watch, opt, argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_watch, "unexpected argument '%s'", argv[optind]);
	if (!cli_config(cli) || cli_nft_set_timezone(cli->config))
		return 1;
	if (nftc_check_access(&status, &e))
		return cli_error("%s%s", e.msg, cli_nft_hint(status));
	if (nftc_watch_new(cli->config, &w, &e))
		return cli_error("%s", e.msg);
	if (!(st = cli_open_store(cli, true))) {
		nftc_watch_free(w);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	cli_verbose(cli, "watching NFLOG group %u", NFTC_NFLOG_GROUP);
	rc = loop(cli, w, st);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	s = nftc_watch_stats(w);
	cli_verbose(cli,
	            "%" PRIu64 " packets, %" PRIu64 " connections: %" PRIu64 " decided, %" PRIu64
	            " left to their port rules, %" PRIu64 " marked (%" PRIu64
	            " gone before), %" PRIu64 " bytes moved, %" PRIu64 " overruns, %" PRIu64
	            " packets untracked",
	            s->packets, s->flows, s->decided, s->fallbacks, s->marked, s->mark_failed,
	            s->moved_bytes, s->overruns, s->untracked);
	nftc_watch_free(w);
	store_close(st);
	return rc;
}

const struct cmd cmd_watch = {
    .name = "watch",
    .synopsis = "",
    .summary = "apply sni, host, path and detect rules to the nftables counters (a service)",
    .help = "Runs in the foreground until SIGTERM or SIGINT; SIGHUP reloads the config.\n"
            "Reads the first packets of connections not yet decided from the NFLOG group\n"
            "'costs nft apply' sets up (when the config has payload rules), decides each\n"
            "with the same classifier as 'capture', and sets its conntrack mark, so the\n"
            "table counts it in its service from then on.  The bytes counted in the port\n"
            "fallback before the decision are moved at the next 'costs sample'.\n"
            "Needs root or CAP_NET_ADMIN.  With -v it prints what it did when it stops.\n",
    .exec = exec_watch,
};
