/*
 * costs top: live per-service rates from the counters of the `inet costs`
 * table and the interfaces, redrawn in place on a terminal (plain ANSI
 * escapes), printed block after block elsewhere, or measured once for
 * scripts.  It reads the kernel's counters only: the store is not opened.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/nft_cli.h"
#include "nft/iface.h"
#include "nft/sample.h"
#include "nft/top.h"
#include "util/num.h"

extern const struct cmd cmd_top;

enum { OPT_INTERVAL = CLI_OPT_FIRST_FREE, OPT_ONCE };

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct view {
	enum cli_format format;
	bool once, tty, drawn, header_done;
	int64_t interval_ms;
};

/* The word a table event has in the outputs: "ok" when it counted on. */
static const char *table_word(enum nftc_top_table t)
{
	return t == NFTC_TOP_SAME ? "ok" : nftc_top_table_name(t);
}

static const char *dir_note(const struct nftc_rate *r, const struct nftc_rate_dir *d)
{
	if (!d->known)
		return r->kind == NFTC_RATE_IFACE ? "new interface" : "restored";
	return d->reset ? "reset" : "";
}

/* "1.23 MB/s", "-" when unknown, "" when the series has no such direction. */
static char *fmt_rate(const struct nftc_rate_dir *d, int64_t us, char *buf, size_t len)
{
	char b[32];

	if (!d->present)
		snprintf(buf, len, "%s", "");
	else if (!d->known)
		snprintf(buf, len, "%s", "-");
	else
		snprintf(buf, len, "%s/s",
		         num_format_bytes(nftc_top_per_second(d->bytes, us), b, sizeof(b)));
	return buf;
}

static void iso_time(int64_t wall_us, char *buf, size_t len)
{
	time_t t = (time_t)(wall_us / 1000000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRId64, wall_us / 1000000);
}

static void print_csv(struct view *v, const struct nftc_top *t, int64_t wall_us)
{
	char when[32];

	if (!v->header_done) {
		puts("time,source,name,direction,bytes,packets,seconds,bytes_per_second,note");
		v->header_done = true;
	}
	iso_time(wall_us, when, sizeof(when));
	for (size_t i = 0; i < t->n; i++) {
		const struct nftc_rate *r = &t->r[i];
		for (int dir = STORE_EGRESS; dir <= STORE_INGRESS; dir++) {
			const struct nftc_rate_dir *d = &r->d[dir];
			if (!d->present)
				continue;
			printf("%s,%s,%s,%s,", when, r->kind == NFTC_RATE_IFACE ? "iface" : "nft",
			       r->kind == NFTC_RATE_TOTAL ? "(total)" : r->name,
			       dir == STORE_EGRESS ? "egress" : "ingress");
			if (d->known)
				printf("%" PRIu64 ",%" PRIu64 ",", d->bytes, d->packets);
			else
				fputs(",,", stdout);
			printf("%" PRId64 ".%06" PRId64 ",", t->interval_us / 1000000,
			       t->interval_us % 1000000);
			if (d->known)
				printf("%" PRIu64, nftc_top_per_second(d->bytes, t->interval_us));
			printf(",%s\n", dir_note(r, d));
		}
	}
}

/* --once's line: "interval=1.002 table=ok egress_web=123 ingress_web=45 ...". */
static void print_line(const struct nftc_top *t)
{
	static const char *const dirs[2] = {"egress", "ingress"};

	printf("interval=%" PRId64 ".%03" PRId64 " table=%s", t->interval_us / 1000000,
	       t->interval_us % 1000000 / 1000, table_word(t->table));
	for (size_t i = 0; i < t->n; i++) {
		const struct nftc_rate *r = &t->r[i];
		for (int dir = STORE_EGRESS; dir <= STORE_INGRESS; dir++) {
			const struct nftc_rate_dir *d = &r->d[dir];
			if (!d->present)
				continue;
			if (r->kind == NFTC_RATE_TOTAL)
				printf(" total_%s=", dirs[dir]);
			else if (r->kind == NFTC_RATE_IFACE)
				printf(" iface_%s_%s=", dirs[dir], r->name);
			else
				printf(" %s_%s=", dirs[dir], r->name);
			if (d->known)
				printf("%" PRIu64, nftc_top_per_second(d->bytes, t->interval_us));
			else
				putchar('-');
		}
	}
	putchar('\n');
}

static unsigned terminal_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row < 4)
		return 0;
	return ws.ws_row;
}

/* The table view; on a terminal it replaces the previous one in place. */
static void print_table(struct view *v, const struct nftc_top *t, int64_t wall_us)
{
	const char *eol = v->tty ? "\033[K\n" : "\n";
	unsigned rows = v->tty ? terminal_rows() : 0, used = 3;
	char when[32], eg[40], in[40], tag[40];

	iso_time(wall_us, when, sizeof(when));
	if (v->tty)
		fputs("\033[H", stdout);
	else if (v->drawn)
		putchar('\n');
	if (t->table == NFTC_TOP_SAME)
		tag[0] = '\0';
	else
		snprintf(tag, sizeof(tag), "  [table %s]", nftc_top_table_name(t->table));
	printf("costs top  %s  every %" PRId64 ".%" PRId64 " s%s%s", when, v->interval_ms / 1000,
	       v->interval_ms % 1000 / 100, tag, eol);
	printf("%s", eol);
	printf("%-26s %14s %14s  %s%s", "service", "egress", "ingress", "note", eol);
	for (size_t i = 0; i < t->n; i++) {
		const struct nftc_rate *r = &t->r[i];
		const char *note = dir_note(r, &r->d[STORE_EGRESS]);
		char name[64];

		if (rows && used + 2 >= rows && i + 1 < t->n) {
			printf("(%zu more rows)%s", t->n - i, eol);
			break;
		}
		if (r->kind == NFTC_RATE_TOTAL && i > 0 && t->r[i - 1].kind == NFTC_RATE_SERVICE)
			printf("%s", eol), used++;
		if (r->kind == NFTC_RATE_IFACE && i > 0 && t->r[i - 1].kind != NFTC_RATE_IFACE)
			printf("%s", eol), used++;
		snprintf(name, sizeof(name), "%s%.24s", r->kind == NFTC_RATE_IFACE ? "iface " : "",
		         r->name);
		if (!*note)
			note = dir_note(r, &r->d[STORE_INGRESS]);
		printf("%-26s %14s %14s%s%s%s", name,
		       fmt_rate(&r->d[STORE_EGRESS], t->interval_us, eg, sizeof(eg)),
		       fmt_rate(&r->d[STORE_INGRESS], t->interval_us, in, sizeof(in)),
		       *note ? "  " : "", note, eol);
		used++;
	}
	if (t->table == NFTC_TOP_REMOVED || t->table == NFTC_TOP_ABSENT)
		printf("(no table inet costs: run 'costs nft apply')%s", eol);
	if (v->tty)
		fputs("\033[J", stdout);
	v->drawn = true;
	fflush(stdout);
}

/*
 * Waits until deadline (CLOCK_MONOTONIC, microseconds) or a signal; the
 * signals are blocked outside ppoll, so one that comes just before the wait
 * still ends it.  Returns false when a signal asked to stop.
 */
static bool wait_until(int64_t deadline_us, const sigset_t *open)
{
	for (;;) {
		struct timespec now, ts;
		int64_t left;

		if (stop_signal)
			return false;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = deadline_us - ((int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000);
		if (left <= 0)
			return true;
		ts.tv_sec = left / 1000000;
		ts.tv_nsec = (long)(left % 1000000) * 1000;
		if (ppoll(NULL, 0, &ts, open) < 0 && errno != EINTR)
			return true;
	}
}

static int parse_interval(const char *arg, int64_t *ms)
{
	struct err e;

	if (num_parse_fixed(arg, 3, ms, &e) || *ms < 100 || *ms > 3600000)
		return cli_usage(&cmd_top, "bad --interval '%s' (seconds, 0.1 to 3600)", arg);
	return 0;
}

static int run(struct cli *cli, struct view *v, const char *net_dev, const sigset_t *open)
{
	struct nftc_top_point a, b;
	struct nftc_top_gens gens = {0};
	bool wrap32 = nftc_iface_counters_32bit();
	enum nftc_status status;
	struct err e;
	int rc = 0;

	if (nftc_top_read(&a, net_dev, &status, &e))
		return cli_error("%s%s", e.msg, cli_nft_hint(status));
	if (!a.table) {
		nftc_top_point_release(&a);
		return cli_error("the table inet costs does not exist%s",
		                 cli_nft_hint(NFTC_ERR_NO_TABLE));
	}
	cli_verbose(cli, "first reading taken; next in %" PRId64 " ms", v->interval_ms);
	if (v->tty && !v->once && v->format == CLI_FORMAT_TABLE) {
		fputs("\033[?25l\033[H\033[2J", stdout);
		fflush(stdout);
	}
	for (int64_t next = a.mono_us + v->interval_ms * 1000;; next += v->interval_ms * 1000) {
		struct nftc_top t;

		if (!wait_until(next, open)) {
			if (v->once)
				rc = cli_error("interrupted before the interval ended");
			break;
		}
		if (nftc_top_read(&b, net_dev, &status, &e)) {
			rc = cli_error("%s%s", e.msg, cli_nft_hint(status));
			break;
		}
		if (nftc_top_diff(&a, &b, &gens, wrap32, &t, &e) ||
		    (a.table && nftc_top_gens_add(&gens, nftc_top_generation(&a.nft), &e))) {
			nftc_top_point_release(&b);
			rc = cli_error("%s", e.msg);
			break;
		}
		if (v->once && (t.table == NFTC_TOP_REMOVED || t.table == NFTC_TOP_ABSENT)) {
			nftc_top_release(&t);
			nftc_top_point_release(&b);
			rc = cli_error("the table inet costs was removed during the interval");
			break;
		}
		if (v->format == CLI_FORMAT_CSV)
			print_csv(v, &t, b.wall_us);
		else if (v->once)
			print_line(&t);
		else
			print_table(v, &t, b.wall_us);
		fflush(stdout);
		nftc_top_release(&t);
		nftc_top_point_release(&a);
		a = b;
		/* A late wake-up (a suspended machine) starts the schedule again. */
		if (next < a.mono_us - v->interval_ms * 1000)
			next = a.mono_us;
		if (v->once || ferror(stdout))
			break;
	}
	nftc_top_point_release(&a);
	nftc_top_gens_release(&gens);
	if (v->tty && !v->once && v->format == CLI_FORMAT_TABLE) {
		fputs("\033[?25h", stdout);
		fflush(stdout);
	}
	return rc;
}

static int exec_top(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"interval", required_argument, NULL, OPT_INTERVAL},
	    {"once", no_argument, NULL, OPT_ONCE},
	    {"format", required_argument, NULL, CLI_OPT_FORMAT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct view v = {.format = CLI_FORMAT_TABLE, .interval_ms = 1000};
	struct sigaction sa;
	sigset_t block, open;
	enum nftc_status status;
	struct err e;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_top);
			return 0;
		case OPT_INTERVAL:
			if ((rc = parse_interval(optarg, &v.interval_ms)))
				return rc;
			break;
		case OPT_ONCE:
			v.once = true;
			break;
		case CLI_OPT_FORMAT:
			if ((rc = cli_parse_format(&cmd_top, optarg, &v.format)))
				return rc;
			if (v.format == CLI_FORMAT_JSON)
				return cli_usage(&cmd_top, "bad --format 'json' (table or csv)");
			break;
		default:
			return cli_bad_option(&cmd_top, opt, argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage(&cmd_top, "unexpected argument '%s'", argv[optind]);
	if (nftc_check_access(&status, &e))
		return cli_error("%s%s", e.msg, cli_nft_hint(status));
	v.tty = isatty(STDOUT_FILENO) == 1;

	/* SIGINT and SIGTERM end the loop (and restore the terminal). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &open);
	sigdelset(&open, SIGINT);
	sigdelset(&open, SIGTERM);
	rc = run(cli, &v, NFTC_NET_DEV_FILE, &open);
	if (!v.once && stop_signal && v.tty && v.format == CLI_FORMAT_TABLE)
		putchar('\n');
	return rc;
}

const struct cmd cmd_top = {
    .name = "top",
    .synopsis = "[--interval SECS] [--once] [--format table|csv]",
    .summary = "live egress and ingress rates per service from the nftables counters",
    .help = "  --interval SECS     measure over SECS seconds (0.1 to 3600, default 1)\n"
            "  --once              measure one interval, print one line, exit:\n"
            "                        interval=1.001 table=ok egress_web=1200 ingress_web=80 ...\n"
            "                      rates in bytes per second; keys are the counter names\n"
            "                      (egress_SERVICE, ingress_SERVICE), total_egress,\n"
            "                      total_ingress and iface_egress_IF, iface_ingress_IF;\n"
            "                      '-' when unknown (a table restored from a saved ruleset);\n"
            "                      table= is ok, reapplied, reset or restored\n"
            "  --format csv        rows time,source,name,direction,bytes,packets,seconds,\n"
            "                      bytes_per_second,note (one per series and interval;\n"
            "                      with --once, one interval)\n"
            "On a terminal the table is redrawn in place every interval; elsewhere each\n"
            "interval's table follows the last.  SIGINT and SIGTERM stop it (exit 0).\n"
            "'costs nft apply' keeps the counters; a table made again or reset while top\n"
            "runs is counted from zero; one restored\n"
            "from a saved ruleset shows '-' for that interval.  The store is not touched.\n",
    .exec = exec_top,
};
