/*
 * costs serve: /metrics over HTTP for Prometheus-compatible scrapers (the
 * server lives in src/metrics/serve.c).  Runs until SIGTERM or SIGINT,
 * which stop it cleanly with exit status 0.
 */
#include <signal.h>
#include <string.h>

#include "cli/cli.h"
#include "metrics/serve.h"
#include "util/date.h"
#include "util/num.h"

extern const struct cmd cmd_serve;

enum {
	OPT_LISTEN = CLI_OPT_FIRST_FREE,
	OPT_CONNECTIONS,
	OPT_TIMEOUT,
};

static int exec_serve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, OPT_LISTEN},
	    {"connections", required_argument, NULL, OPT_CONNECTIONS},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *listen = METRICS_SERVE_DEFAULT_LISTEN;
	struct metrics_serve_opts o = {.max_connections = 16, .timeout_seconds = 10};
	struct sockaddr_storage sa;
	struct metrics_server *srv;
	struct store *st;
	socklen_t len;
	sigset_t set;
	uint64_t v;
	struct err e;
	int opt, sig;

	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_serve);
			return 0;
		case OPT_LISTEN:
			listen = optarg;
			break;
		case OPT_CONNECTIONS:
			if (num_parse_u64(optarg, 1, 1024, &v, &e))
				return cli_usage(&cmd_serve, "bad --connections '%s' (1 to 1024)",
				                 optarg);
			o.max_connections = (unsigned)v;
			break;
		case OPT_TIMEOUT:
			if (num_parse_u64(optarg, 1, 3600, &v, &e))
				return cli_usage(&cmd_serve,
				                 "bad --timeout '%s' (1 to 3600 seconds)", optarg);
			o.timeout_seconds = (unsigned)v;
			break;
		default:
			return cli_bad_option(&cmd_serve, opt, argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_serve, "unexpected argument '%s'", argv[optind]);
	if (metrics_parse_listen(listen, &sa, &len, &e))
		return cli_usage(&cmd_serve, "%s", e.msg);
	/* The store must exist and be readable now, not at the first scrape. */
	if (!cli_config(cli) || !(st = cli_open_store_ro(cli)))
		return 1;
	store_close(st);
	o.db_path = cli->db_path;
	o.today = date_today;
	o.input = (struct metrics_input){.config = cli->config,
	                                 .providers_dir = cli->providers_dir,
	                                 .local_host = cli_host(cli)};
	/* Blocked before the server's thread starts, so only sigwait sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (metrics_serve_start((struct sockaddr *)&sa, len, &o, &srv, &e))
		return cli_error("%s", e.msg);
	if (printf("serving /metrics on %s (port %u)\n", listen, metrics_serve_port(srv)) < 0 ||
	    fflush(stdout) != 0) {
		metrics_serve_stop(srv);
		return cli_error("cannot write to stdout");
	}
	do {
		if (sigwait(&set, &sig) != 0)
			sig = SIGTERM;
	} while (sig == SIGHUP); /* the store is read afresh at every request anyway */
	metrics_serve_stop(srv);
	return 0;
}

const struct cmd cmd_serve = {
    .name = "serve",
    .synopsis = "[--listen ADDR:PORT] [--connections N] [--timeout SECS]",
    .summary = "serve the store's metrics over HTTP at /metrics for Prometheus",
    .help = "  --listen ADDR:PORT  address to listen on (default " METRICS_SERVE_DEFAULT_LISTEN
            ", loopback\n"
            "                      only); [::1]:9489 for IPv6, port 0 for any free port\n"
            "  --connections N     open connections at once (default 16); more are refused\n"
            "  --timeout SECS      close a connection idle this long (default 10)\n"
            "\nGET or HEAD /metrics answers what `costs metrics` prints, from the store\n"
            "opened read-only for each request, so writers keep writing; other paths are\n"
            "404, other methods 405.  SIGTERM or SIGINT stop it (exit 0).\n",
    .exec = exec_serve,
};
