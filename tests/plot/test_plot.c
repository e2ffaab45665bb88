/*
 * Unit tests of src/plot: escaping for scripts and data files, output paths,
 * the table built from store totals, the data layouts of every kind, and
 * compare and project rendered by real gnuplot from hand-made data (skipped
 * when gnuplot is not installed).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/date.h"
#include "plot/plot.h"

/* Runs fn(f) into memory and returns the text (caller frees). */
static char *capture(int (*fn)(FILE *f, const void *arg), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, arg), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int put_string_fn(FILE *f, const void *arg)
{
	return plot_put_string(f, arg);
}

static int put_name_fn(FILE *f, const void *arg)
{
	return plot_put_name(f, arg);
}

static void script_string_doubles_quotes_and_flattens_newlines(void **state)
{
	char *s = capture(put_string_fn, "it's `x`\nsystem('y') @M");
	assert_string_equal(s, "'it''s `x` system(''y'') @M'");
	free(s);
	s = capture(put_string_fn, "");
	assert_string_equal(s, "''");
	free(s);
}

static void data_name_cannot_break_a_column_or_run_anything(void **state)
{
	char *s = capture(put_name_fn, "a\"b\\c\td\ne`f`");
	assert_string_equal(s, "\"a'b\\\\c d e`f`\"");
	free(s);
	s = capture(put_name_fn, "");
	assert_string_equal(s, "\"(empty)\"");
	free(s);
	/* Invalid UTF-8 (a lone continuation, an overlong form) becomes '?'; valid stays. */
	s = capture(put_name_fn, "\x80x\xc0\xaf\xc3\xa9");
	assert_string_equal(s, "\"?x??\xc3\xa9\"");
	free(s);
}

static void format_comes_from_the_extension(void **state)
{
	enum plot_format f;

	assert_int_equal(plot_format_of("a.png", &f), 0);
	assert_int_equal(f, PLOT_PNG);
	assert_int_equal(plot_format_of("dir/A.SVG", &f), 0);
	assert_int_equal(f, PLOT_SVG);
	assert_int_equal(plot_format_of("a.pdf", &f), -1);
	assert_int_equal(plot_format_of("png", &f), -1);
	assert_int_equal(plot_format_of("dir/.png", &f), -1);
	assert_int_equal(plot_format_of("", &f), -1);
}

static void files_sit_beside_the_image_with_absolute_paths(void **state)
{
	struct plot_files pf;
	struct err e;
	char cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(plot_files_init(&pf, "x.y.svg", &e), 0);
	assert_int_equal(pf.format, PLOT_SVG);
	assert_true(pf.image[0] == '/');
	assert_non_null(strstr(pf.image, "/x.y.svg"));
	assert_non_null(strstr(pf.data, "/x.y.dat"));
	assert_non_null(strstr(pf.script, "/x.y.gp"));
	assert_int_equal(strncmp(pf.data, cwd, strlen(cwd)), 0);
	plot_files_release(&pf);
	assert_int_equal(plot_files_init(&pf, "/nonexistent-dir/x.png", &e), -1);
	assert_non_null(strstr(e.msg, "cannot use the output folder '/nonexistent-dir'"));
	assert_int_equal(plot_files_init(&pf, "x.gif", &e), -1);
	/* gnuplot reads '<cmd' and writes '|cmd' through a shell: paths start with '/'. */
	assert_int_equal(plot_files_init(&pf, "<touch x.png", &e), 0);
	assert_true(pf.image[0] == '/' && pf.data[0] == '/' && pf.script[0] == '/');
	assert_non_null(strstr(pf.data, "/<touch x.dat"));
	plot_files_release(&pf);
	assert_int_equal(plot_files_init(&pf, "|touch x.svg", &e), 0);
	assert_true(pf.image[0] == '/');
	plot_files_release(&pf);
}

static struct store_total row(const char *period, const char *host, const char *service,
                              uint64_t egress)
{
	return (struct store_total){.host = (char *)host,
	                            .service = (char *)service,
	                            .source = (char *)"import",
	                            .egress_bytes = egress,
	                            .period = {0}};
}

static struct store_total rows_[5];

static size_t make_rows(void)
{
	rows_[0] = row("", "a", "web", 100);
	strcpy(rows_[0].period, "2026-02-27");
	rows_[1] = row("", "b", "web", 50);
	strcpy(rows_[1].period, "2026-02-27");
	rows_[2] = row("", "a", "game \"x\"", 1000);
	strcpy(rows_[2].period, "2026-03-01");
	rows_[3] = row("", "a", "web", 7);
	strcpy(rows_[3].period, "2026-03-01");
	return 4;
}

static int write_table_fn(FILE *f, const void *arg)
{
	struct err e;
	return plot_write_table(f, arg, 2800, &e);
}

static void daily_table_fills_gaps_sums_hosts_and_puts_the_largest_first(void **state)
{
	struct plot_table t;
	struct err e;
	size_t n = make_rows();
	char *s;

	assert_int_equal(plot_table_from_totals(rows_, n, false, 1, 0, &t, &e), 0);
	assert_int_equal(t.nperiods, 3); /* 02-27, 02-28, 03-01 */
	assert_int_equal(t.nseries, 2);
	assert_string_equal(t.series[0], "game \"x\"");
	assert_string_equal(t.series[1], "web");
	s = capture(write_table_fn, &t);
	/* February has 28 days: 2800 / 28 = 100 a day; March 31: 90.3 -> 90. */
	assert_string_equal(strstr(s, "\"day\""),
	                    "\"day\" \"allowance\" \"total\" \"game 'x'\" \"web\"\n"
	                    "2026-02-27 100 150 0 150\n"
	                    "2026-02-28 100 0 0 0\n"
	                    "2026-03-01 90 1007 1000 7\n");
	free(s);
	plot_table_release(&t);

	/* An explicit range wider than the data is kept (the rest of a month). */
	assert_int_equal(plot_table_from_totals(rows_, n, false, date_from_civil(2026, 2, 26),
	                                        date_from_civil(2026, 3, 3), &t, &e),
	                 0);
	assert_int_equal(t.nperiods, 6);
	assert_string_equal(t.periods[5], "2026-03-03");
	plot_table_release(&t);

	assert_int_equal(plot_table_from_totals(rows_, 0, false, 1, 0, &t, &e), -1);
	assert_int_equal(plot_table_from_totals(rows_, n, false, date_from_civil(2026, 1, 1),
	                                        date_from_civil(2200, 1, 1), &t, &e),
	                 -1);
	assert_non_null(strstr(e.msg, "100 years"));
}

static void monthly_table_has_every_month_from_first_to_last(void **state)
{
	struct plot_table t;
	struct err e;
	char *s;

	rows_[0] = row("", "a", "web", 5);
	strcpy(rows_[0].period, "2025-11");
	rows_[1] = row("", "a", "web", 6);
	strcpy(rows_[1].period, "2026-01");
	assert_int_equal(plot_table_from_totals(rows_, 2, true, 1, 0, &t, &e), 0);
	assert_int_equal(t.nperiods, 3);
	s = capture(write_table_fn, &t);
	assert_string_equal(strstr(s, "\"month\""), "\"month\" \"allowance\" \"total\" \"web\"\n"
	                                            "2025-11 2800 5 5\n"
	                                            "2025-12 2800 0 0\n"
	                                            "2026-01 2800 6 6\n");
	free(s);
	plot_table_release(&t);
}

/*
 * Eleven services: the seven largest keep their own colour and the four
 * smallest are drawn as one series, so no two series share a colour (the
 * templates define eight).  The totals are kept.
 */
static void many_services_never_share_a_colour(void **state)
{
	static char names[11][8];
	struct store_total many[11];
	struct plot_table t;
	struct err e;
	uint64_t sum = 0;
	(void)state;

	for (int i = 0; i < 11; i++) {
		snprintf(names[i], sizeof(names[i]), "s%02d", i);
		many[i] = row("", "a", names[i], (uint64_t)(1000 - i));
		strcpy(many[i].period, "2026-05-01");
	}
	assert_int_equal(plot_table_from_totals(many, 11, false, 1, 0, &t, &e), 0);
	assert_int_equal(t.nseries, PLOT_MAX_SERIES);
	assert_string_equal(t.series[0], "s00");
	assert_string_equal(t.series[6], "s06");
	assert_string_equal(t.series[7], "4 more services");
	for (size_t j = 0; j < t.nseries; j++)
		sum += t.bytes[j];
	assert_int_equal(t.bytes[7], 993 + 992 + 991 + 990);
	assert_int_equal(sum, 11000 - 55);
	plot_table_release(&t);
}

static const struct plot_compare_row compare_rows[] = {
    {"hetzner", "AX42 \"dedicated\"", 44000000, 0, 0, 0, 44000000, "2x ax42", "need", true},
    {"fly.io", "shared-cpu `x`", 0, 12340000, 25500000, 1000000, 38840000, "2x `x`", "need", false},
    {"render", "pro\nteam", 19000000, 125000000, 336000000, 15000000, 495000000, "2x standard",
     "config", false},
};

static const struct plot_compare compare = {
    .month = "2026-05",
    .currency = "USD",
    .egress_bytes = 1300000000000ull,
    .rows = compare_rows,
    .n = 3,
    .note = "need 2x 1 vCPU/2.00 GB shared, as on render",
};

static int write_compare_fn(FILE *f, const void *arg)
{
	struct err e;
	return plot_write_compare(f, arg, &e);
}

static void compare_layout_has_line_items_as_decimals(void **state)
{
	char *s = capture(write_compare_fn, &compare);
	assert_string_equal(
	    strstr(s, "\"provider\""),
	    "\"provider\" \"plan\" \"base\" \"compute\" \"egress\" \"other\" \"total\" "
	    "\"instances\" \"fit\" \"mark\"\n"
	    "\"hetzner\" \"AX42 'dedicated'\" 44.00 0.00 0.00 0.00 44.00 \"2x ax42\" \"need\" "
	    "\"*\"\n"
	    "\"fly.io\" \"shared-cpu `x`\" 0.00 12.34 25.50 1.00 38.84 \"2x `x`\" \"need\" "
	    "\"-\"\n"
	    "\"render\" \"pro team\" 19.00 125.00 336.00 15.00 495.00 \"2x standard\" "
	    "\"config\" \"-\"\n");
	free(s);
}

/* A May with 14 measured days, 600 GB by then, and a widening band. */
static struct plot_project_day project_days[31];

static struct plot_project make_project(void)
{
	int32_t first = date_from_civil(2026, 5, 1);
	const uint64_t gb = 1000000000ull;

	for (int i = 0; i < 31; i++) {
		struct plot_project_day *d = &project_days[i];
		memset(d, 0, sizeof(*d));
		d->day = first + i;
		if (i < 14) {
			d->has_actual = true;
			d->actual = (uint64_t)(i + 1) * 43 * gb;
		}
		if (i >= 13) {
			uint64_t base = 14 * 43 * gb, k = (uint64_t)(i - 13);
			d->has_forecast = true;
			d->p50 = base + k * 45 * gb;
			d->p10 = base + k * 38 * gb;
			d->p90 = base + k * 53 * gb;
		}
	}
	return (struct plot_project){.as_of = first + 13, .days = project_days, .n = 31};
}

struct project_arg {
	const struct plot_project *p;
	uint64_t allowance;
};

static int write_project_fn(FILE *f, const void *arg)
{
	const struct project_arg *a = arg;
	struct err e;
	return plot_write_project(f, a->p, a->allowance, &e);
}

static void project_layout_marks_missing_values(void **state)
{
	struct plot_project p = make_project();
	struct project_arg a = {&p, 1000000000000ull};
	char *s = capture(write_project_fn, &a);

	assert_non_null(strstr(s, "\"day\" \"actual\" \"p10\" \"p50\" \"p90\" \"allowance\"\n"
	                          "2026-05-01 43000000000 ? ? ? 1000000000000\n"));
	assert_non_null(strstr(s, "2026-05-14 602000000000 602000000000 602000000000 "
	                          "602000000000 1000000000000\n"
	                          "2026-05-15 ? 640000000000 647000000000 655000000000 "
	                          "1000000000000\n"));
	free(s);
}

static bool have_gnuplot(void)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path)
		return false;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)n, p);
		if (access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* A fresh directory for images; also where PLOT_TEST_KEEP=DIR keeps them. */
static const char *outdir(void)
{
	static char dir[4096];
	const char *keep = getenv("PLOT_TEST_KEEP");

	if (keep && *keep) {
		(void)mkdir(keep, 0755);
		snprintf(dir, sizeof(dir), "%s", keep);
		return dir;
	}
	snprintf(dir, sizeof(dir), "%s/costs-plot-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void remove_files(const char *dir, const char *stem)
{
	static const char *const ext[] = {".png", ".svg", ".dat", ".gp"};
	char path[4096];

	if (getenv("PLOT_TEST_KEEP"))
		return;
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s%s", dir, stem, ext[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void assert_png(const char *path)
{
	unsigned char head[24];
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
	fclose(f);
	assert_memory_equal(head, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
	/* IHDR width and height, big-endian: the default 1280 x 720. */
	assert_int_equal((head[16] << 24) | (head[17] << 16) | (head[18] << 8) | head[19], 1280);
	assert_int_equal((head[20] << 24) | (head[21] << 16) | (head[22] << 8) | head[23], 720);
}

static struct plot_opts opts_for(const char *image)
{
	static char tdir[4096];
	const char *src = getenv("SRCDIR");

	snprintf(tdir, sizeof(tdir), "%s/reports", src ? src : ".");
	return (struct plot_opts){.templates_dir = tdir, .image = image};
}

static void compare_renders_with_gnuplot(void **state)
{
	const char *dir;
	char image[4096];
	struct plot_opts o;
	struct err e;
	char *log = NULL;

	if (!have_gnuplot())
		skip();
	dir = outdir();
	snprintf(image, sizeof(image), "%s/compare.png", dir);
	o = opts_for(image);
	int rc = plot_compare(&o, &compare, &log, &e);
	if (rc)
		fail_msg("plot_compare: %s", e.msg);
	assert_png(image);
	if (log)
		fail_msg("gnuplot warned: %s", log);
	remove_files(dir, "compare");
}

static void project_renders_with_gnuplot(void **state)
{
	struct plot_project p = make_project();
	const char *dir;
	char image[4096], path[4096];
	struct plot_opts o;
	struct err e;
	char *log = NULL;
	FILE *f;
	char line[256];
	bool found = false;

	if (!have_gnuplot())
		skip();
	dir = outdir();
	snprintf(image, sizeof(image), "%s/project.png", dir);
	o = opts_for(image);
	o.allowance = 1000000000000ull;
	int rc = plot_project(&o, &p, &log, &e);
	if (rc)
		fail_msg("plot_project: %s", e.msg);
	assert_png(image);
	if (log)
		fail_msg("gnuplot warned: %s", log);
	/* The p50 passes 1 TB on the 23rd: 602 + 9 * 45 = 1007 GB. */
	snprintf(path, sizeof(path), "%s/project.gp", dir);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f))
		if (strcmp(line, "EXHAUSTED_ON = '2026-05-23'\n") == 0)
			found = true;
	fclose(f);
	assert_true(found);
	remove_files(dir, "project");
}

static void a_failing_template_is_reported_with_gnuplot_output(void **state)
{
	const char *dir;
	char image[4096], tpl[4096];
	struct plot_opts o;
	struct err e;
	FILE *f;

	if (!have_gnuplot())
		skip();
	dir = outdir();
	snprintf(image, sizeof(image), "%s/bad.png", dir);
	snprintf(tpl, sizeof(tpl), "%s/bad-template.gp", dir);
	assert_non_null(f = fopen(tpl, "w"));
	fputs("set terminal pngcairo\nset output OUTPUT\nplot no_such_function(x)\n", f);
	fclose(f);
	o = opts_for(image);
	o.template_path = tpl;
	assert_int_equal(plot_compare(&o, &compare, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "gnuplot failed (exit 1)"));
	assert_non_null(strstr(e.msg, "no_such_function"));
	/* No image, and no temporary file left behind. */
	assert_int_equal(access(image, F_OK), -1);
	unlink(tpl);
	if (getenv("PLOT_TEST_KEEP"))
		return;
	snprintf(tpl, sizeof(tpl), "%s/bad.dat", dir);
	assert_int_equal(unlink(tpl), 0);
	snprintf(tpl, sizeof(tpl), "%s/bad.gp", dir);
	assert_int_equal(unlink(tpl), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(script_string_doubles_quotes_and_flattens_newlines),
	    cmocka_unit_test(data_name_cannot_break_a_column_or_run_anything),
	    cmocka_unit_test(format_comes_from_the_extension),
	    cmocka_unit_test(files_sit_beside_the_image_with_absolute_paths),
	    cmocka_unit_test(daily_table_fills_gaps_sums_hosts_and_puts_the_largest_first),
	    cmocka_unit_test(monthly_table_has_every_month_from_first_to_last),
	    cmocka_unit_test(many_services_never_share_a_colour),
	    cmocka_unit_test(compare_layout_has_line_items_as_decimals),
	    cmocka_unit_test(project_layout_marks_missing_values),
	    cmocka_unit_test(compare_renders_with_gnuplot),
	    cmocka_unit_test(project_renders_with_gnuplot),
	    cmocka_unit_test(a_failing_template_is_reported_with_gnuplot_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
