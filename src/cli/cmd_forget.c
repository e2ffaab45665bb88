/*
 * costs forget: undoes one capture of a file (capture -r FILE), subtracting
 * exactly what it added to the daily totals and the coverage, in one
 * transaction.  The capture is found by the file's identity (size and a
 * hash of its start) or by its number; --list shows the recorded captures.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/fileid.h"
#include "cli/cli.h"
#include "util/num.h"

extern const struct cmd cmd_forget;

enum { OPT_ID = CLI_OPT_FIRST_FREE, OPT_LIST };

static void fmt_time_us(int64_t us, char *buf, size_t size)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "?");
}

static int print_capture(void *ctx, const struct store_capture *c, uint64_t bytes, uint64_t packets)
{
	bool *header = ctx;
	char when[64];

	if (!*header) {
		printf("id\tcaptured\thost\tbytes\tpackets\tfile\n");
		*header = true;
	}
	fmt_time_us(c->captured_us, when, sizeof(when));
	printf("%lld\t%s\t%s\t%llu\t%llu\t%s\n", (long long)c->id, when, c->host,
	       (unsigned long long)bytes, (unsigned long long)packets, c->name);
	return 0;
}

struct find_id {
	int64_t id;
	bool found;
	struct store_capture c;
	uint64_t bytes, packets;
};

static int match_id(void *ctx, const struct store_capture *c, uint64_t bytes, uint64_t packets)
{
	struct find_id *f = ctx;
	if (c->id == f->id) {
		f->found = true;
		f->c = *c;
		f->bytes = bytes;
		f->packets = packets;
	}
	return 0;
}

/* The latest capture of the file at path, into f (its id set); 0 or 1 (said). */
static int find_file(struct store *st, const char *path, struct find_id *f)
{
	struct capture_fileid fid;
	struct err e;
	bool any;
	int fr = capture_fileid(path, &fid, &e);

	if (fr < 0)
		return cli_error("%s (nothing changed)", e.msg);
	if (fr > 0)
		return cli_error("'%s' is not a regular file: only captures of files are recorded "
		                 "(nothing changed)",
		                 path);
	if (store_capture_find(st, fid.size, fid.head, &f->c, &any, &e))
		return cli_error("%s (nothing changed)", e.msg);
	if (!any)
		return cli_error("no capture of '%s' is recorded in '%s' (nothing changed)", path,
		                 store_path(st));
	f->id = f->c.id;
	return 0;
}

static int exec_forget(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"id", required_argument, NULL, OPT_ID},
	    {"list", no_argument, NULL, OPT_LIST},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct find_id f = {0};
	struct store *st = NULL;
	struct err e;
	bool list = false, by_id = false;
	uint64_t id;
	int opt, status = 1;

	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			cli_print_help(&cmd_forget);
			return 0;
		case OPT_ID:
			if (num_parse_u64(optarg, 1, INT64_MAX, &id, &e))
				return cli_usage(&cmd_forget, "bad --id: %s", e.msg);
			f.id = (int64_t)id;
			by_id = true;
			break;
		case OPT_LIST:
			list = true;
			break;
		default:
			return cli_bad_option(&cmd_forget, opt, argv[optind - 1]);
		}
	}
	int nargs = argc - optind;
	if (list + by_id + (nargs > 0) != 1 || nargs > 1)
		return cli_usage(&cmd_forget, "give one of FILE, --id N or --list");
	if (!(st = cli_open_store_rw(cli)))
		return 1;
	if (list) {
		bool header = false;
		if (store_capture_each(st, print_capture, &header, &e)) {
			cli_error("%s", e.msg);
			goto out;
		}
		status = 0;
		goto out;
	}
	if (!by_id && find_file(st, argv[optind], &f))
		goto out;
	if (store_capture_each(st, match_id, &f, &e)) {
		cli_error("%s (nothing changed)", e.msg);
		goto out;
	}
	if (!f.found) {
		cli_error("no capture %lld is recorded in '%s' (see costs forget --list; nothing "
		          "changed)",
		          (long long)f.id, store_path(st));
		goto out;
	}
	if (store_capture_forget(st, f.id, &e)) {
		cli_error("%s", e.msg);
		goto out;
	}
	status = 0;
	if (cli->verbosity >= 0) {
		char b[32], when[64];
		fmt_time_us(f.c.captured_us, when, sizeof(when));
		printf("forgot capture %lld of '%s' (%s): subtracted %s, %llu packets\n",
		       (long long)f.id, f.c.name, when, num_format_bytes(f.bytes, b, sizeof(b)),
		       (unsigned long long)f.packets);
	}
out:
	store_close(st);
	return cli_finish(status);
}

const struct cmd cmd_forget = {
    .name = "forget",
    .synopsis = "FILE | --id N | --list",
    .summary = "undo one capture of a file, subtracting exactly what it added",
    .help = "Every 'costs capture -r FILE' of a regular file is recorded with the file's\n"
            "identity (its size and a hash of its first 64 KiB) and what it added per\n"
            "day, service and direction.  'costs forget FILE' undoes the latest capture\n"
            "of FILE: it subtracts those totals and the coverage the capture added, in\n"
            "one transaction, and drops the record, so the file can be captured again.\n"
            "  --id N     undo capture N instead (the file need not exist any more)\n"
            "  --list     list the recorded captures: id, time, host, bytes, packets, file\n",
    .exec = exec_forget,
};
