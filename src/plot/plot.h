/*
 * Plots through gnuplot: a generic core that writes a data file, generates a
 * script (a preamble of escaped variables followed by an editable template
 * from reports/) and runs gnuplot without a shell, plus one data writer per
 * kind of plot (daily, monthly, compare, project).
 *
 * Safety rule: no name from the data (service, provider, plan) ever appears
 * in a generated script.  Names go to the data file only, sanitised for
 * gnuplot's data parser, and templates read them with columnheader().  The
 * script holds only numbers and single-quoted strings (paths, titles), in
 * which gnuplot performs neither backquote nor macro substitution.
 */
#ifndef COSTS_PLOT_H
#define COSTS_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/err.h"
#include "store/store.h"

/* Return value of the render functions when gnuplot is not on PATH. */
#define PLOT_NO_GNUPLOT (-2)

enum plot_format {
	PLOT_PNG,
	PLOT_SVG,
};

/*
 * The output format named by the extension of path: ".png" or ".svg", in
 * any case.  Returns 0, or -1 for any other name (a usage error).
 */
int plot_format_of(const char *path, enum plot_format *fmt);

/*
 * The three files of one plot, side by side: FILE.png (or .svg), FILE.dat
 * and FILE.gp.  image, data and script are absolute paths (the directory
 * resolved with realpath), used in messages; dir is that directory and the
 * *_name fields the files' names in it.  The script names the data file and
 * the image relative to its own folder (gnuplot's ARG0), so it reruns with
 * `gnuplot FILE.gp` from anywhere and always sees a path starting with '/'
 * or './': gnuplot runs a command for a data file named '<cmd' and pipes
 * output to one named '|cmd'.
 */
struct plot_files {
	char *image;
	char *data;
	char *script;
	char *dir;
	char *image_name;
	char *data_name;
	char *script_name;
	enum plot_format format;
};

/*
 * Derives the three paths from the image path.  Fails with a message when
 * the extension is not .png or .svg, or the directory does not exist.  Free
 * with plot_files_release.
 */
int plot_files_init(struct plot_files *f, const char *image, struct err *e);
void plot_files_release(struct plot_files *f);

/* A variable defined in the script's preamble, before the template. */
enum plot_var_kind {
	PLOT_VAR_STRING, /* a single-quoted string, quotes doubled, controls replaced */
	PLOT_VAR_NUMBER, /* a finite double, printed with full precision */
	PLOT_VAR_INT,    /* a 64-bit integer */
};

struct plot_var {
	const char *name; /* [A-Z_][A-Z0-9_]*, checked */
	enum plot_var_kind kind;
	const char *s;
	double num;
	int64_t i;
};

/*
 * Writes `text` as a gnuplot single-quoted string literal: quotes are
 * doubled, control characters (newlines included) become spaces.  Nothing
 * inside such a literal is substituted by gnuplot.  Returns 0 or -1 on I/O
 * error.
 */
int plot_put_string(FILE *f, const char *text);

/*
 * Writes `name` as a double-quoted field of a gnuplot data file (a column
 * header or a label): double quotes become single quotes, backslashes are
 * doubled (gnuplot interprets escapes there), control characters become
 * spaces, invalid UTF-8 becomes '?', and an empty name reads "(empty)".
 * Returns 0 or -1 on I/O error.
 */
int plot_put_name(FILE *f, const char *name);

/* One plot to render by the generic core. */
struct plot_job {
	const char *kind;          /* "daily", ...: named in the script's comment */
	const char *template_path; /* the gnuplot template, e.g. reports/daily.gp */
	const struct plot_files *files;
	const struct plot_var *vars; /* the kind's variables, after the common ones */
	size_t nvars;
	/* Writes the data file's content; returns 0 or -1 with e set. */
	int (*write_data)(void *ctx, FILE *f, struct err *e);
	void *ctx;
};

/*
 * Renders a job.  Everything gnuplot reads or writes lives in a private
 * directory (mkdtemp, mode 0700, under $TMPDIR when it is absolute, else
 * /tmp): the data file, the script and the image.  gnuplot runs there
 * (`gnuplot DIR/FILE.gp` through posix_spawnp, no shell, stdin from
 * /dev/null, stdout and stderr captured); its exit status is checked, and
 * the image must be whole: a PNG starts with the signature and ends with an
 * IEND chunk, an SVG ends with </svg>.  Only then are the data file, the
 * script and the image copied into the destination directory through a
 * descriptor (outfile_place_at: O_EXCL, O_NOFOLLOW, every write checked,
 * renameat), so another user who can write that directory can neither feed
 * gnuplot a script nor redirect a write through a link, and a full disk
 * leaves the previous files as they were.
 *
 * The script defines, before the template: KIND, PLOT_DIR (the script's
 * folder, from ARG0), DATA, FORMAT ('png' or 'svg'), OUTPUT (unless already
 * defined, e.g. with gnuplot -e), then the job's variables (WIDTH, HEIGHT
 * and the kind's).
 *
 * Returns 0; PLOT_NO_GNUPLOT when gnuplot is not found (the data and script
 * are placed); or -1 with e set (gnuplot's last lines of output quoted).
 * *log, when log is not NULL, receives what gnuplot printed (warnings on
 * success), NULL when nothing; the caller frees it.
 */
int plot_render(const struct plot_job *job, char **log, struct err *e);

/* Options common to every kind. */
struct plot_opts {
	const char *templates_dir; /* the folder holding daily.gp, monthly.gp, ... */
	const char *template_path; /* overrides templates_dir/KIND.gp when not NULL */
	const char *image;         /* FILE.png or FILE.svg */
	const char *title;         /* NULL: a default title for the kind */
	uint64_t allowance;        /* included egress per month in bytes; 0: none */
	int width, height;         /* pixels; 0: 1280 x 720 */
	const char *zone;          /* the time zone days follow (axis labels); NULL: UTC */
};

/*
 * At most this many series are drawn: the largest PLOT_MAX_SERIES - 1 and
 * one series adding up the rest ("N more services"), so that no two
 * services share a colour.
 */
#define PLOT_MAX_SERIES 8

/*
 * Egress per period and series (service): the input of daily and monthly.
 * bytes is row-major, nperiods x nseries.  Series are ordered largest total
 * first, so the biggest service sits at the bottom of each stack; beyond
 * PLOT_MAX_SERIES services the smallest are added up into the last series.
 */
struct plot_table {
	bool by_month;
	size_t nperiods, nseries;
	char (*periods)[11]; /* "YYYY-MM-DD" or "YYYY-MM" */
	int32_t *start;      /* the period's first day */
	char **series;
	uint64_t *bytes;
};

/*
 * Builds a table from store totals (egress, summed over the rows given: the
 * caller picks the sources).  Rows may be by day or by month; a monthly
 * table adds daily rows up into their months.
 * Daily tables hold every day from `from` to `to` (days without traffic are
 * zero), or every month from the month of `from` to the month of `to`.
 * An open end (from <= 0, to == INT32_MAX, or from > to for both) is the
 * first or last day with data; a span wider than the selection's data is
 * kept, so the rest of the current month shows as empty.  A span over 100
 * years is refused, and so are no rows (nothing to plot).  Free with plot_table_release.
 */
int plot_table_from_totals(const struct store_total *rows, size_t n, bool by_month, int32_t from,
                           int32_t to, struct plot_table *t, struct err *e);
void plot_table_release(struct plot_table *t);

/*
 * Data layout of daily and monthly (whitespace-separated, '#' comments, one
 * header line of quoted names, bytes as integers):
 *   "day"|"month" "allowance" "total" "<service 1>" "<service 2>" ...
 * allowance is the included egress for that row: for daily the monthly
 * allowance divided by the number of days of the day's month (the pace at
 * which the allowance lasts the month), for monthly the allowance itself;
 * 0 when there is none.  total is the sum of the service columns.
 */
int plot_write_table(FILE *f, const struct plot_table *t, uint64_t allowance, struct err *e);

/* Daily egress stacked by service, with the allowance's daily pace as a line. */
int plot_daily(const struct plot_opts *o, const struct plot_table *t, char **log, struct err *e);

/* Monthly egress stacked by service, with the monthly allowance as a line. */
int plot_monthly(const struct plot_opts *o, const struct plot_table *t, char **log, struct err *e);

/* One provider and plan of a comparison; money in micro-units. */
struct plot_compare_row {
	const char *provider;
	const char *plan;
	int64_t base, compute, egress, other, total;
	const char *instances; /* what is priced ("2x cx23"), NULL: "-" */
	const char *fit;       /* "need", "config" or "unknown" (compare's fit), NULL: "-" */
	bool uncertain;        /* marked "*" as in the table */
};

struct plot_compare {
	const char *month;    /* "2026-05", or NULL for a given volume */
	const char *currency; /* the rows' common currency, e.g. "USD" */
	uint64_t egress_bytes;
	const struct plot_compare_row *rows;
	size_t n;
	const char *note; /* appended to the subtitle: the need matched, or that
	                     compute is unknown and the order egress and fees */
};

/*
 * Data layout of compare, one row per provider and plan in the given order:
 *   "provider" "plan" "base" "compute" "egress" "other" "total"
 *   "instances" "fit" "mark"
 * money as decimals in the currency's units (at least two decimals); mark
 * is "*" for a row using an uncertain figure, else "-".
 * The script also gets CURRENCY (letters and digits only, else 'money'),
 * MONTH, EGRESS_BYTES and ROWS.
 */
int plot_write_compare(FILE *f, const struct plot_compare *c, struct err *e);

/* Bars of the total bill per provider and plan, line items stacked. */
int plot_compare(const struct plot_opts *o, const struct plot_compare *c, char **log,
                 struct err *e);

/* One day of a month's projection; cumulative egress since the 1st, bytes. */
struct plot_project_day {
	int32_t day;
	bool has_actual;   /* measured (up to and including as_of) */
	uint64_t actual;   /* cumulative measured egress */
	bool has_forecast; /* forecast (from as_of on, as_of included to join the lines) */
	uint64_t p10, p50, p90;
};

struct plot_project {
	int32_t as_of;
	const struct plot_project_day *days; /* in day order, one month */
	size_t n;
};

/*
 * Data layout of project, one row per day of the month:
 *   "day" "actual" "p10" "p50" "p90" "allowance"
 * cumulative bytes, '?' where a value does not apply (gnuplot's missing
 * value: actual after as_of, the forecast before it).  The script also gets
 * AS_OF ('YYYY-MM-DD'), MONTH, ALLOWANCE and, when the p50 line crosses the
 * allowance, EXHAUSTED_ON (else '').
 */
int plot_write_project(FILE *f, const struct plot_project *p, uint64_t allowance, struct err *e);

/* The month's cumulative egress: measured, p50 line, p10-p90 band, allowance. */
int plot_project(const struct plot_opts *o, const struct plot_project *p, char **log,
                 struct err *e);

#endif
