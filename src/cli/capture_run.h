/*
 * The capture command's run: its options and state, and the loops that read
 * a file or an interface, flush, reload and store.  Shared by cmd_capture.c
 * (options, set-up, summary) and capture_run.c (the loops); not a library.
 */
#ifndef COSTS_CLI_CAPTURE_RUN_H
#define COSTS_CLI_CAPTURE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/capture.h"
#include "capture/fileid.h"
#include "capture/source.h"
#include "classify/classify.h"
#include "cli/cli.h"

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

/* SIGINT/SIGTERM stop and SIGHUP reloads while on; the defaults again when off. */
void cli_capture_signals(bool on);
int64_t cli_capture_now_ms(void);

/* Warns about a config term capture cannot apply (classify_each_unsupported). */
void cli_capture_print_unsupported(void *ctx, const char *service, unsigned line, const char *term);

/* Each returns 0, or 1 after printing the error. */
int cli_capture_drop_privileges(const char *user);
int cli_capture_check_not_captured(struct run *r);
int cli_capture_store_whole_file(struct run *r);
int cli_capture_flush_last(struct run *r, int64_t now);
int cli_capture_run_file(struct run *r);
int cli_capture_refresh_addresses(struct run *r);
int cli_capture_run_live(struct run *r, int watch_fd);
void cli_capture_show_progress(struct run *r, bool done);

#endif
