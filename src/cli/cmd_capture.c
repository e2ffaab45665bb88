/*
 * costs capture: reads packets from a file (-r) or an interface (-i),
 * classifies flows and adds per-day, per-service bytes to the store.  A
 * regular file is stored all or nothing, in one transaction at its end,
 * and recorded so that it is not counted twice; standard input, pipes and
 * interfaces flush every --flush seconds, at the end and on SIGINT/SIGTERM.
 * SIGHUP reloads the config.  The packet work lives in src/capture.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/fileid.h"
#include "classify/classify.h"
#include "cli/capture_run.h"
#include "cli/cli.h"
#include "util/date.h"
#include "util/num.h"
#include "capture/source.h"

extern const struct cmd cmd_capture;

enum {
	OPT_SECONDS = CLI_OPT_FIRST_FREE,
	OPT_LOCAL,
	OPT_FILTER,
	OPT_USER,
	OPT_FLUSH,
	OPT_MAX_MEMORY,
	OPT_BUFFER,
	OPT_SNAPLEN,
	OPT_AGAIN,
	OPT_LOOPBACK,
};

struct summary {
	FILE *f;
	bool first;
};

static void print_total(void *ctx, const char *service, uint64_t egress, uint64_t ingress)
{
	struct summary *s = ctx;
	char b[32];
	(void)ingress;
	fprintf(s->f, "%s %s %s", s->first ? "; egress" : ",", service,
	        num_format_bytes(egress, b, sizeof(b)));
	s->first = false;
}

static int parse_size_opt(const char *arg, const char *name, uint64_t min, uint64_t max,
                          uint64_t *out)
{
	struct err e;
	if (num_parse_size(arg, out, &e) || *out < min || *out > max)
		return cli_usage(&cmd_capture, "bad %s '%s'", name, arg);
	return 0;
}

/* Parses capture's options into o.  Returns 0, -1 after --help, or the usage status. */
static int capture_parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    {"read", required_argument, NULL, 'r'},
	    {"interface", required_argument, NULL, 'i'},
	    {"seconds", required_argument, NULL, OPT_SECONDS},
	    {"local", required_argument, NULL, OPT_LOCAL},
	    {"filter", required_argument, NULL, OPT_FILTER},
	    {"user", required_argument, NULL, OPT_USER},
	    {"flush", required_argument, NULL, OPT_FLUSH},
	    {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
	    {"buffer", required_argument, NULL, OPT_BUFFER},
	    {"snaplen", required_argument, NULL, OPT_SNAPLEN},
	    {"again", no_argument, NULL, OPT_AGAIN},
	    {"loopback", no_argument, NULL, OPT_LOOPBACK},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct err e;
	int opt;

	memset(o, 0, sizeof(*o));
	o->flush = 60;
	o->max_memory = 64ull << 20;
	o->buffer = CAPTURE_DEFAULT_BUFFER;
	o->snaplen = CAPTURE_DEFAULT_SNAPLEN;
	while ((opt = getopt_long(argc, argv, "+:r:i:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_capture);
			return -1;
		case 'r':
			o->file = optarg;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case OPT_SECONDS:
			if (num_parse_u64(optarg, 1, 86400 * 366, &o->seconds, &e))
				return cli_usage(&cmd_capture, "bad --seconds: %s", e.msg);
			o->seconds_set = true;
			break;
		case OPT_LOCAL:
			o->local = optarg;
			break;
		case OPT_FILTER:
			o->filter = optarg;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_FLUSH:
			if (num_parse_u64(optarg, 1, 86400, &o->flush, &e))
				return cli_usage(&cmd_capture, "bad --flush: %s", e.msg);
			break;
		case OPT_MAX_MEMORY:
			if (parse_size_opt(optarg, "--max-memory", 1u << 20, 1ull << 40,
			                   &o->max_memory))
				return EXIT_USAGE;
			break;
		case OPT_BUFFER:
			if (parse_size_opt(optarg, "--buffer", 1u << 16, INT32_MAX, &o->buffer))
				return EXIT_USAGE;
			break;
		case OPT_SNAPLEN:
			if (num_parse_u64(optarg, 96, 262144, &o->snaplen, &e))
				return cli_usage(&cmd_capture, "bad --snaplen: %s", e.msg);
			break;
		case OPT_AGAIN:
			o->again = true;
			break;
		case OPT_LOOPBACK:
			o->loopback = true;
			break;
		default:
			return cli_bad_option(&cmd_capture, opt, argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_capture, "unexpected argument '%s'", argv[optind]);
	if (!o->file == !o->iface)
		return cli_usage(&cmd_capture, "give one of -r FILE or -i IFACE");
	if (o->file && o->seconds_set)
		return cli_usage(&cmd_capture, "--seconds applies to -i only");
	if (o->file && o->user)
		return cli_usage(&cmd_capture, "--user applies to -i only");
	if (o->loopback && (!o->iface || strcmp(o->iface, "any") != 0))
		return cli_usage(&cmd_capture, "--loopback applies to -i any only");
	if (o->iface && o->again)
		return cli_usage(&cmd_capture, "--again applies to -r only");
	return 0;
}

/*
 * Opens what the run needs, in the order that keeps privileges shortest:
 * classifier, packet source, store, then drops to --user before the
 * capture state is made.  Returns 0, or 1 after printing the error.
 */
static int capture_open(struct run *r, const struct capture_cidr *nets, size_t nnets, int *watch_fd)
{
	struct err e;

	const struct config *cfg = cli_config(r->cli);
	if (!cfg)
		return 1;
	if (classify_new(cfg, &r->cls, &e)) {
		cli_error("%s", e.msg);
		return 1;
	}
	classify_each_unsupported(r->cls, cli_capture_print_unsupported, r->cli);

	if (r->o.file) {
		if (capture_source_open_file(r->o.file, r->o.filter, &r->src, &e)) {
			cli_error("%s (nothing stored)", e.msg);
			return 1;
		}
		int fr = capture_fileid(r->o.file, &r->fid, &e);
		if (fr < 0) {
			cli_error("%s (nothing stored)", e.msg);
			return 1;
		}
		r->whole_file = fr == 0;
	} else {
		struct capture_live_opts lo = {.iface = r->o.iface,
		                               .snaplen = (int)r->o.snaplen,
		                               .buffer = r->o.buffer,
		                               .filter = r->o.filter,
		                               .loopback = r->o.loopback};
		if (capture_source_open_live(&lo, &r->src, &e)) {
			cli_error("%s", e.msg);
			return 1;
		}
		if (!nnets && (*watch_fd = capture_addr_watch_open(&e)) < 0)
			cli_warn(r->cli, "%s: addresses are read once", e.msg);
	}
	if (!(r->st = cli_open_store(r->cli, true)))
		return 1;
	if (cli_capture_check_not_captured(r))
		return 1;
	if (r->o.user && cli_capture_drop_privileges(r->o.user))
		return 1;

	struct capture_config cc = {
	    .max_memory = r->o.max_memory,
	    .local_time = true, /* TZ is the config's zone, or UTC (cli_config) */
	    .observe_by_packets = r->o.file != NULL,
	    .late_direction = r->whole_file && !nnets,
	};
	if (capture_new(&cc, r->cls, &r->cap, &e)) {
		cli_error("%s", e.msg);
		return 1;
	}
	/*
	 * Verdicts only help attribute connections met mid-stream: without
	 * them the totals are still whole, so a set that cannot be read costs
	 * a warning, not the night's capture (the flush drops it once expired).
	 */
	if (capture_load_verdicts(r->cap, r->st, cli_host(r->cli), &e))
		cli_warn(r->cli, "stored verdicts not used: %s", e.msg);
	capture_set_linktype(r->cap, capture_source_linktype(r->src));
	if (nnets) {
		if (capture_set_local(r->cap, nets, nnets, &e)) {
			cli_error("%s", e.msg);
			return 1;
		}
	} else if (r->o.iface && cli_capture_refresh_addresses(r)) {
		return 1;
	}

	return 0;
}

/* The one-line summary: packets, bytes, egress per service, malformed, drops. */
static void print_summary(const struct run *r)
{
	{
		struct capture_stats s;
		struct summary sm = {.f = stdout, .first = true};
		char b[32];
		capture_get_stats(r->cap, &s);
		printf("%llu packets, %s", (unsigned long long)s.packets,
		       num_format_bytes(s.bytes, b, sizeof(b)));
		capture_each_total(r->cap, print_total, &sm);
		if (s.malformed)
			printf("; %llu malformed", (unsigned long long)s.malformed);
		if (s.drops)
			printf("; %llu dropped by the kernel", (unsigned long long)s.drops);
		printf("\n");
	}
}

static int exec_capture(struct cli *cli, int argc, char **argv)
{
	struct run r = {.cli = cli};
	struct capture_cidr *nets = NULL;
	size_t nnets = 0;
	struct err e;
	int status = 1, watch_fd = -1;
	int rc = capture_parse(argc, argv, &r.o);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (r.o.local && capture_parse_cidrs(r.o.local, &nets, &nnets, &e))
		return cli_usage(&cmd_capture, "bad --local: %s", e.msg);
	/*
	 * Handlers first: a SIGTERM during set-up (a slow start, a stop right
	 * after a start) ends the run in order instead of killing it.
	 */
	cli_capture_signals(true);
	if (capture_open(&r, nets, nnets, &watch_fd))
		goto out;

	r.started_ms = cli_capture_now_ms();
	r.progress = r.o.file && cli->verbosity >= 0 && isatty(STDERR_FILENO);
	rc = r.o.file ? cli_capture_run_file(&r) : cli_capture_run_live(&r, watch_fd);
	if (r.progress)
		cli_capture_show_progress(&r, true);
	if (rc)
		goto out;
	if (r.interrupted) {
		cli_error("interrupted before the end of '%s' (nothing stored)", r.o.file);
		goto out;
	}
	capture_decide_all(r.cap);
	if (r.whole_file ? cli_capture_store_whole_file(&r)
	                 : cli_capture_flush_last(&r, time(NULL)))
		goto out;
	status = 0;
	if (cli->verbosity >= 0)
		print_summary(&r);
out:
	cli_capture_signals(false);
	if (watch_fd >= 0)
		close(watch_fd);
	capture_free(r.cap);
	capture_source_close(r.src);
	store_close(r.st);
	classify_free(r.cls);
	free(nets);
	return cli_finish(status);
}

const struct cmd cmd_capture = {
    .name = "capture",
    .synopsis = "-r FILE|- [--again] | -i IFACE [--loopback] [--seconds N] [--local CIDR,...|auto] "
                "[--filter BPF] [--user NAME] [--flush SECS] [--max-memory SIZE] "
                "[--buffer SIZE] [--snaplen N]",
    .summary = "count bytes per service from a capture file or a live interface",
    .help = "  -r, --read FILE      read a pcap or pcapng file ('-' for standard input); a\n"
            "                       file is stored whole at its end or not at all, and\n"
            "                       once: a second capture of it is refused\n"
            "  --again              count a file captured before a second time (undo one\n"
            "                       capture with 'costs forget FILE')\n"
            "  -i, --interface IF   capture live on interface IF ('any' for all but\n"
            "                       loopback)\n"
            "  --loopback           with -i any, count loopback interfaces too\n"
            "  --seconds N          stop a live capture after N seconds\n"
            "  --local LIST|auto    this host's addresses, CIDR,... (default: the\n"
            "                       interface's addresses live, auto for files: the side\n"
            "                       that accepted the connection, else the lower port)\n"
            "  --filter BPF         only packets matching this pcap filter\n"
            "  --user NAME          drop to this user and its group after opening the\n"
            "                       device and the database\n"
            "  --flush SECS         write totals to the database every SECS (default 60;\n"
            "                       live and standard input only)\n"
            "  --max-memory SIZE    memory for the flow table (default 64MiB)\n"
            "  --buffer SIZE        kernel capture buffer (default 32MiB)\n"
            "  --snaplen N          bytes kept of each packet, live (default 4096)\n",
    .exec = exec_capture,
};
