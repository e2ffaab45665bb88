/*
 * costs capture: reads packets from a file (-r) or an interface (-i),
 * classifies flows and adds per-day, per-service bytes to the store.  A
 * regular file is stored all or nothing, in one transaction at its end,
 * and recorded so that it is not counted twice; standard input, pipes and
 * interfaces flush every --flush seconds, at the end and on SIGINT/SIGTERM.
 * SIGHUP reloads the config.  The packet work lives in src/capture.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/fileid.h"
#include "classify/classify.h"
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

static volatile sig_atomic_t got_stop, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

static int64_t now_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct opts {
	const char *file, *iface, *local, *filter, *user;
	uint64_t seconds, flush, max_memory, buffer, snaplen;
	bool seconds_set, again, loopback;
};

struct run {
	struct cli *cli;
	struct opts o;
	struct classify *cls;
	struct capture *cap;
	struct capture_source *src;
	struct store *st;
	bool progress;
	uint64_t last_drops; /* kernel drops already added to coverage */
	int64_t next_progress;
	int64_t started_ms;
	bool whole_file;           /* a regular file: all or nothing, recorded */
	struct capture_fileid fid; /* its identity, with whole_file */
	bool interrupted;          /* SIGINT/SIGTERM stopped a whole file */
};

static void print_unsupported(void *ctx, const char *service, unsigned line, const char *term)
{
	struct cli *cli = ctx;
	cli_warn(cli,
	         "%s:%u: service '%s': capture cannot apply '%s' terms (nftables only); "
	         "this rule never matches here",
	         cli->config && cli->config->path ? cli->config->path : "config", line, service,
	         term);
}

/*
 * Switches to user and its group for good, then takes away what could ever
 * give privileges back: every capability leaves the bounding set (done
 * before setuid, which takes away CAP_SETPCAP needed for it), ambient
 * capabilities are cleared, and no_new_privs makes setuid binaries and file
 * capabilities inert for this process and whatever it runs.
 */
static int drop_privileges(const char *user)
{
	struct passwd *pw;

	errno = 0;
	if (!(pw = getpwnam(user)))
		return cli_error("unknown user '%s'", user);
	/* PR_CAPBSET_READ fails with EINVAL past the kernel's last capability. */
	for (unsigned long cap = 0; cap < 64; cap++) {
		int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (in < 0)
			break;
		if (in == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
			return cli_error("cannot switch to user '%s': cannot drop capability %lu "
			                 "from the bounding set: %s",
			                 user, cap, strerror(errno));
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return cli_error(
		    "cannot switch to user '%s': cannot clear ambient capabilities: %s", user,
		    strerror(errno));
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return cli_error("cannot switch to user '%s': %s", user, strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return cli_error("cannot switch to user '%s': cannot set no_new_privs: %s", user,
		                 strerror(errno));
	gid_t groups[2];
	int ng = getgroups(2, groups);
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid || getgid() != pw->pw_gid ||
	    getegid() != pw->pw_gid || ng != 1 || groups[0] != pw->pw_gid ||
	    (pw->pw_uid != 0 && setuid(0) != -1) || prctl(PR_CAPBSET_READ, 0UL, 0, 0, 0) != 0)
		return cli_error("cannot switch to user '%s': privileges still held", user);
	return 0;
}

static int flush(struct run *r, int64_t now)
{
	struct err e;
	uint64_t drops;

	if (capture_source_drops(r->src, &drops, &e) == 0) {
		if (drops > r->last_drops)
			capture_add_drops(r->cap, now, drops - r->last_drops);
		r->last_drops = drops;
	}
	if (capture_flush(r->cap, r->st, cli_host(r->cli), &e))
		return cli_error("cannot store totals (kept for the next flush): %s", e.msg);
	return 0;
}

static void add_total(void *ctx, const char *service, uint64_t egress, uint64_t ingress)
{
	uint64_t *sum = ctx;
	(void)service;
	*sum += egress + ingress;
}

/* What earlier flushes stored, for a message after a failure: "(nothing stored)" or more. */
static const char *stored_so_far(const struct run *r, char *buf, size_t size)
{
	uint64_t sum = 0;
	char b[32];

	if (r->cap)
		capture_each_total(r->cap, add_total, &sum);
	if (!sum)
		return "(nothing stored)";
	snprintf(buf, size, "(%s stored by earlier flushes)", num_format_bytes(sum, b, sizeof(b)));
	return buf;
}

static void fmt_time_us(int64_t us, char *buf, size_t size)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, size, "?");
}

/* Refuses a file captured before unless --again; 0 when it may be stored. */
static int check_not_captured(struct run *r)
{
	struct store_capture prev;
	struct err e;
	bool any;
	char when[64];

	if (!r->whole_file || r->o.again)
		return 0;
	if (store_capture_find(r->st, r->fid.size, r->fid.head, &prev, &any, &e))
		return cli_error("%s (nothing stored)", e.msg);
	if (!any)
		return 0;
	fmt_time_us(prev.captured_us, when, sizeof(when));
	return cli_error("'%s' was already captured on %s (capture %lld): nothing stored; give "
	                 "--again to count it a second time, or 'costs forget %s' to undo that "
	                 "capture",
	                 r->o.file, when, (long long)prev.id, r->o.file);
}

/*
 * Stores a whole file in one transaction: its record, then its totals
 * (capture_flush's own transaction becomes a savepoint of this one).
 */
static int store_whole_file(struct run *r)
{
	struct err e;
	int64_t id;

	if (store_begin(r->st, &e))
		return cli_error("cannot store totals: %s (nothing stored)", e.msg);
	/* Again under the write lock: a concurrent capture of the same file may have won. */
	if (check_not_captured(r)) {
		store_rollback(r->st);
		return 1;
	}
	if (store_capture_begin(r->st, cli_host(r->cli), r->o.file, r->fid.size, r->fid.head, &id,
	                        &e) ||
	    capture_flush(r->cap, r->st, cli_host(r->cli), &e)) {
		store_rollback(r->st);
		return cli_error("cannot store totals: %s (nothing stored)", e.msg);
	}
	store_capture_end(r->st);
	if (store_commit(r->st, &e))
		return cli_error("cannot store totals: %s (nothing stored)", e.msg);
	return 0;
}

/* The last flush of standard input or a live capture. */
static int flush_last(struct run *r, int64_t now)
{
	struct err e;
	uint64_t drops;
	char buf[96];

	if (capture_source_drops(r->src, &drops, &e) == 0 && drops > r->last_drops) {
		capture_add_drops(r->cap, now, drops - r->last_drops);
		r->last_drops = drops;
	}
	if (capture_flush(r->cap, r->st, cli_host(r->cli), &e))
		return cli_error("cannot store the last totals: %s; they are lost %s", e.msg,
		                 stored_so_far(r, buf, sizeof(buf)));
	return 0;
}

static int reload(struct run *r)
{
	struct config *cfg = NULL;
	struct classify *cls = NULL;
	struct err e;

	if (config_load(r->cli->config_path, r->cli->config_explicit, &cfg, &e)) {
		cli_error("cannot reload the config (keeping the old one): %s", e.msg);
		return -1;
	}
	if (classify_new(cfg, &cls, &e)) {
		cli_error("cannot reload the config (keeping the old one): %s", e.msg);
		config_free(cfg);
		return -1;
	}
	if (capture_reload(r->cap, cls, &e)) {
		cli_error("cannot reload the config (keeping the old one): %s", e.msg);
		classify_free(cls);
		config_free(cfg);
		return -1;
	}
	/* Days follow the reloaded config's zone from the next second on. */
	if (date_zone_apply(cfg->timezone, &e))
		cli_error("cannot apply the reloaded time zone: %s", e.msg);
	classify_free(r->cls);
	r->cls = cls;
	config_free(r->cli->config);
	r->cli->config = cfg;
	classify_each_unsupported(cls, print_unsupported, r->cli);
	cli_verbose(r->cli, "reloaded '%s'", r->cli->config_path);
	return 0;
}

static void show_progress(struct run *r, bool done)
{
	struct capture_stats s;
	char b1[32], b2[32];
	uint64_t pos = capture_source_position(r->src), size = capture_source_size(r->src);
	double secs = (double)(now_mono_ms() - r->started_ms) / 1000.0;

	capture_get_stats(r->cap, &s);
	if (done) {
		fputs("\r\033[K", stderr);
		return;
	}
	int pct = size ? (int)(pos * 100 / size) : 0;
	int fill = pct / 5;
	fprintf(stderr, "\r[%.*s%*s] %3d%% %s/%s %llu packets %.0f packets/s\033[K", fill,
	        "####################", 20 - fill, "", pct, num_format_bytes(pos, b1, sizeof(b1)),
	        num_format_bytes(size, b2, sizeof(b2)), (unsigned long long)s.packets,
	        secs > 0 ? (double)s.packets / secs : 0.0);
}

static int run_file(struct run *r)
{
	struct err e;
	int64_t next_flush = now_mono_ms() + (int64_t)r->o.flush * 1000;
	int n;

	for (;;) {
		if (got_stop) {
			r->interrupted = r->whole_file;
			return 0;
		}
		if (got_hup) {
			got_hup = 0;
			/* A whole file is stored at its end only. */
			if (!r->whole_file)
				flush(r,
				      time(NULL)); /* on failure the totals wait for the next one */
			reload(r);
		}
		enum capture_read rc = capture_source_read(r->src, r->cap, 4096, &n, &e);
		if (rc == CAPTURE_READ_EOF)
			return 0;
		if (rc == CAPTURE_READ_TRUNCATED) {
			if (r->progress)
				show_progress(r, true);
			int64_t off = capture_source_truncated_at(r->src);
			if (off >= 0)
				cli_warn(r->cli,
				         "'%s' is cut short: the record at byte offset %lld is "
				         "incomplete; everything before it was counted",
				         r->o.file, (long long)off);
			else
				cli_warn(r->cli,
				         "'%s' is cut short in a record; everything before it "
				         "was counted",
				         r->o.file);
			return 0;
		}
		if (rc == CAPTURE_READ_ERROR) {
			/*
			 * A signal interrupts a read from a pipe (EINTR): that is
			 * the stop it asked for, not a failure.
			 */
			if (got_stop && !r->whole_file)
				return 0;
			if (r->progress)
				show_progress(r, true);
			char buf[96];
			cli_error("%s %s", e.msg,
			          r->whole_file ? "(nothing stored)"
			                        : stored_so_far(r, buf, sizeof(buf)));
			return 1;
		}
		int64_t now = now_mono_ms();
		if (r->progress && now >= r->next_progress) {
			show_progress(r, false);
			r->next_progress = now + 200;
		}
		if (now >= next_flush && !r->whole_file) {
			flush(r, time(NULL)); /* on failure the totals wait for the next one */
			next_flush = now + (int64_t)r->o.flush * 1000;
		}
	}
}

static int refresh_addresses(struct run *r)
{
	struct capture_cidr *nets;
	size_t n;
	struct err e;

	if (capture_iface_addresses(r->o.iface, &nets, &n, &e))
		return cli_error("%s", e.msg);
	if (n == 0)
		cli_warn(r->cli, "'%s' has no addresses yet: flows use the auto direction rule",
		         r->o.iface);
	int rc = capture_set_local(r->cap, nets, n, &e);
	free(nets);
	cli_verbose(r->cli, "'%s' has %zu local address%s", r->o.iface, n, n == 1 ? "" : "es");
	return rc ? cli_error("%s", e.msg) : 0;
}

static int run_live(struct run *r, int watch_fd)
{
	struct err e;
	int64_t start = now_mono_ms();
	int64_t end = r->o.seconds_set ? start + (int64_t)r->o.seconds * 1000 : INT64_MAX;
	int64_t next_flush = start + (int64_t)r->o.flush * 1000;
	struct pollfd pfd[2];
	int n;

	capture_observe(r->cap, time(NULL));
	pfd[0].fd = capture_source_fd(r->src);
	pfd[0].events = POLLIN;
	pfd[1].fd = watch_fd;
	pfd[1].events = POLLIN;
	for (;;) {
		int64_t now = now_mono_ms();
		if (got_stop || now >= end)
			break;
		if (got_hup) {
			got_hup = 0;
			capture_observe(r->cap, time(NULL));
			flush(r, time(NULL)); /* on failure the totals wait for the next one */
			reload(r);
		}
		int64_t wait = 1000;
		if (end - now < wait)
			wait = end - now;
		if (next_flush - now < wait)
			wait = next_flush - now < 0 ? 0 : next_flush - now;
		int pr = poll(pfd, watch_fd >= 0 ? 2 : 1, (int)wait);
		if (pr < 0 && errno != EINTR)
			return cli_error("cannot wait for packets on '%s': %s", r->o.iface,
			                 strerror(errno));
		if (watch_fd >= 0 && pr > 0 && (pfd[1].revents & POLLIN)) {
			capture_addr_watch_drain(watch_fd);
			if (refresh_addresses(r))
				return 1;
		}
		/*
		 * Read even without POLLIN: with TPACKET_V3 a partly filled
		 * block is only handed over after its timeout.
		 */
		if (capture_source_read(r->src, r->cap, -1, &n, &e) == CAPTURE_READ_ERROR)
			return cli_error("%s", e.msg);
		time_t wall = time(NULL);
		capture_observe(r->cap, wall);
		capture_expire(r->cap, wall);
		if (now_mono_ms() >= next_flush) {
			flush(r, wall); /* on failure the totals wait for the next one */
			next_flush = now_mono_ms() + (int64_t)r->o.flush * 1000;
		}
	}
	/*
	 * Drain what the kernel already holds: a partly filled TPACKET_V3
	 * block is handed over when its 100 ms timeout expires.
	 */
	int64_t drain_end = now_mono_ms() + 150;
	while (now_mono_ms() < drain_end) {
		poll(pfd, 1, 50);
		if (capture_source_read(r->src, r->cap, -1, &n, &e) != CAPTURE_READ_OK)
			break;
	}
	capture_observe(r->cap, time(NULL));
	return 0;
}

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

static int exec_capture(struct cli *cli, int argc, char **argv)
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
	struct run r = {.cli = cli};
	struct capture_cidr *nets = NULL;
	size_t nnets = 0;
	struct err e;
	int opt, status = 1, watch_fd = -1;

	r.o.flush = 60;
	r.o.max_memory = 64ull << 20;
	r.o.buffer = CAPTURE_DEFAULT_BUFFER;
	r.o.snaplen = CAPTURE_DEFAULT_SNAPLEN;
	while ((opt = getopt_long(argc, argv, "+:r:i:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_capture);
			return 0;
		case 'r':
			r.o.file = optarg;
			break;
		case 'i':
			r.o.iface = optarg;
			break;
		case OPT_SECONDS:
			if (num_parse_u64(optarg, 1, 86400 * 366, &r.o.seconds, &e))
				return cli_usage(&cmd_capture, "bad --seconds: %s", e.msg);
			r.o.seconds_set = true;
			break;
		case OPT_LOCAL:
			r.o.local = optarg;
			break;
		case OPT_FILTER:
			r.o.filter = optarg;
			break;
		case OPT_USER:
			r.o.user = optarg;
			break;
		case OPT_FLUSH:
			if (num_parse_u64(optarg, 1, 86400, &r.o.flush, &e))
				return cli_usage(&cmd_capture, "bad --flush: %s", e.msg);
			break;
		case OPT_MAX_MEMORY:
			if (parse_size_opt(optarg, "--max-memory", 1u << 20, 1ull << 40,
			                   &r.o.max_memory))
				return EXIT_USAGE;
			break;
		case OPT_BUFFER:
			if (parse_size_opt(optarg, "--buffer", 1u << 16, INT32_MAX, &r.o.buffer))
				return EXIT_USAGE;
			break;
		case OPT_SNAPLEN:
			if (num_parse_u64(optarg, 96, 262144, &r.o.snaplen, &e))
				return cli_usage(&cmd_capture, "bad --snaplen: %s", e.msg);
			break;
		case OPT_AGAIN:
			r.o.again = true;
			break;
		case OPT_LOOPBACK:
			r.o.loopback = true;
			break;
		default:
			return cli_bad_option(&cmd_capture, opt, argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_capture, "unexpected argument '%s'", argv[optind]);
	if (!r.o.file == !r.o.iface)
		return cli_usage(&cmd_capture, "give one of -r FILE or -i IFACE");
	if (r.o.file && r.o.seconds_set)
		return cli_usage(&cmd_capture, "--seconds applies to -i only");
	if (r.o.file && r.o.user)
		return cli_usage(&cmd_capture, "--user applies to -i only");
	if (r.o.loopback && (!r.o.iface || strcmp(r.o.iface, "any") != 0))
		return cli_usage(&cmd_capture, "--loopback applies to -i any only");
	if (r.o.iface && r.o.again)
		return cli_usage(&cmd_capture, "--again applies to -r only");
	if (r.o.local && capture_parse_cidrs(r.o.local, &nets, &nnets, &e))
		return cli_usage(&cmd_capture, "bad --local: %s", e.msg);

	const struct config *cfg = cli_config(cli);
	if (!cfg)
		goto out;
	if (classify_new(cfg, &r.cls, &e)) {
		cli_error("%s", e.msg);
		goto out;
	}
	classify_each_unsupported(r.cls, print_unsupported, cli);

	if (r.o.file) {
		if (capture_source_open_file(r.o.file, r.o.filter, &r.src, &e)) {
			cli_error("%s (nothing stored)", e.msg);
			goto out;
		}
		int fr = capture_fileid(r.o.file, &r.fid, &e);
		if (fr < 0) {
			cli_error("%s (nothing stored)", e.msg);
			goto out;
		}
		r.whole_file = fr == 0;
	} else {
		struct capture_live_opts lo = {.iface = r.o.iface,
		                               .snaplen = (int)r.o.snaplen,
		                               .buffer = r.o.buffer,
		                               .filter = r.o.filter,
		                               .loopback = r.o.loopback};
		if (capture_source_open_live(&lo, &r.src, &e)) {
			cli_error("%s", e.msg);
			goto out;
		}
		if (!nnets && (watch_fd = capture_addr_watch_open(&e)) < 0)
			cli_warn(cli, "%s: addresses are read once", e.msg);
	}
	if (!(r.st = cli_open_store(cli, true)))
		goto out;
	if (check_not_captured(&r))
		goto out;
	if (r.o.user && drop_privileges(r.o.user))
		goto out;

	struct capture_config cc = {
	    .max_memory = r.o.max_memory,
	    .local_time = true, /* TZ is the config's zone, or UTC (cli_config) */
	    .observe_by_packets = r.o.file != NULL,
	    .late_direction = r.whole_file && !nnets,
	};
	if (capture_new(&cc, r.cls, &r.cap, &e)) {
		cli_error("%s", e.msg);
		goto out;
	}
	if (capture_load_verdicts(r.cap, r.st, cli_host(cli), &e)) {
		cli_error("%s (nothing stored)", e.msg);
		goto out;
	}
	capture_set_linktype(r.cap, capture_source_linktype(r.src));
	if (nnets) {
		if (capture_set_local(r.cap, nets, nnets, &e)) {
			cli_error("%s", e.msg);
			goto out;
		}
	} else if (r.o.iface && refresh_addresses(&r)) {
		goto out;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	r.started_ms = now_mono_ms();
	r.progress = r.o.file && cli->verbosity >= 0 && isatty(STDERR_FILENO);
	int rc = r.o.file ? run_file(&r) : run_live(&r, watch_fd);
	if (r.progress)
		show_progress(&r, true);
	if (rc)
		goto out;
	if (r.interrupted) {
		cli_error("interrupted before the end of '%s' (nothing stored)", r.o.file);
		goto out;
	}
	capture_decide_all(r.cap);
	if (r.whole_file ? store_whole_file(&r) : flush_last(&r, time(NULL)))
		goto out;
	status = 0;
	if (cli->verbosity >= 0) {
		struct capture_stats s;
		struct summary sm = {.f = stdout, .first = true};
		char b[32];
		capture_get_stats(r.cap, &s);
		printf("%llu packets, %s", (unsigned long long)s.packets,
		       num_format_bytes(s.bytes, b, sizeof(b)));
		capture_each_total(r.cap, print_total, &sm);
		if (s.malformed)
			printf("; %llu malformed", (unsigned long long)s.malformed);
		if (s.drops)
			printf("; %llu dropped by the kernel", (unsigned long long)s.drops);
		printf("\n");
	}
out:
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
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
