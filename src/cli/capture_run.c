/*
 * The loops of costs capture (see capture_run.h): a file read to its end and
 * stored all or nothing, or an interface read until --seconds or a signal,
 * flushed every --flush seconds; SIGHUP reloads the config.
 */
#include "cli/capture_run.h"

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

#include "util/date.h"
#include "util/num.h"

extern const struct cmd cmd_capture;

static volatile sig_atomic_t got_stop, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

int64_t cli_capture_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cli_capture_print_unsupported(void *ctx, const char *service, unsigned line, const char *term)
{
	struct cli *cli = ctx;
	cli_warn(cli,
	         "%s:%u: service '%s': capture cannot apply '%s' terms (nftables only); "
	         "this rule never matches here",
	         cli->config && cli->config->path ? cli->config->path : "config", line, service,
	         term);
}

void cli_capture_signals(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on ? on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * Switches to user and its group for good, then takes away what could ever
 * give privileges back: every capability leaves the bounding set (done
 * before setuid, which takes away CAP_SETPCAP needed for it), ambient
 * capabilities are cleared, and no_new_privs makes setuid binaries and file
 * capabilities inert for this process and whatever it runs.
 */
int cli_capture_drop_privileges(const char *user)
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
int cli_capture_check_not_captured(struct run *r)
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
int cli_capture_store_whole_file(struct run *r)
{
	struct err e;
	int64_t id;

	if (store_begin(r->st, &e))
		return cli_error("cannot store totals: %s (nothing stored)", e.msg);
	/* Again under the write lock: a concurrent capture of the same file may have won. */
	if (cli_capture_check_not_captured(r)) {
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
int cli_capture_flush_last(struct run *r, int64_t now)
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
	classify_each_unsupported(cls, cli_capture_print_unsupported, r->cli);
	cli_verbose(r->cli, "reloaded '%s'", r->cli->config_path);
	return 0;
}

void cli_capture_show_progress(struct run *r, bool done)
{
	struct capture_stats s;
	char b1[32], b2[32];
	uint64_t pos = capture_source_position(r->src), size = capture_source_size(r->src);
	double secs = (double)(cli_capture_now_ms() - r->started_ms) / 1000.0;

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

int cli_capture_run_file(struct run *r)
{
	struct err e;
	int64_t next_flush = cli_capture_now_ms() + (int64_t)r->o.flush * 1000;
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
				cli_capture_show_progress(r, true);
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
				cli_capture_show_progress(r, true);
			char buf[96];
			cli_error("%s %s", e.msg,
			          r->whole_file ? "(nothing stored)"
			                        : stored_so_far(r, buf, sizeof(buf)));
			return 1;
		}
		int64_t now = cli_capture_now_ms();
		if (r->progress && now >= r->next_progress) {
			cli_capture_show_progress(r, false);
			r->next_progress = now + 200;
		}
		if (now >= next_flush && !r->whole_file) {
			flush(r, time(NULL)); /* on failure the totals wait for the next one */
			next_flush = now + (int64_t)r->o.flush * 1000;
		}
	}
}

int cli_capture_refresh_addresses(struct run *r)
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

int cli_capture_run_live(struct run *r, int watch_fd)
{
	struct err e;
	int64_t start = cli_capture_now_ms();
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
		int64_t now = cli_capture_now_ms();
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
			if (cli_capture_refresh_addresses(r))
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
		if (cli_capture_now_ms() >= next_flush) {
			flush(r, wall); /* on failure the totals wait for the next one */
			next_flush = cli_capture_now_ms() + (int64_t)r->o.flush * 1000;
		}
	}
	/*
	 * Drain what the kernel already holds: a partly filled TPACKET_V3
	 * block is handed over when its 100 ms timeout expires.
	 */
	int64_t drain_end = cli_capture_now_ms() + 150;
	while (cli_capture_now_ms() < drain_end) {
		poll(pfd, 1, 50);
		if (capture_source_read(r->src, r->cap, -1, &n, &e) != CAPTURE_READ_OK)
			break;
	}
	capture_observe(r->cap, time(NULL));
	return 0;
}
