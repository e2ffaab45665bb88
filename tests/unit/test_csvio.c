/* Unit tests for the CSV reader and writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csvio.h"

struct rows {
	char out[4096];
	size_t lines[16];
	size_t n;
};

static int collect(void *ctx, size_t line, char **f, size_t nf, struct err *e)
{
	struct rows *r = ctx;
	(void)e;
	r->lines[r->n++] = line;
	for (size_t i = 0; i < nf; i++) {
		strcat(r->out, f[i]);
		strcat(r->out, i + 1 < nf ? "|" : "\n");
	}
	return 0;
}

static int read_text(const char *text, struct rows *r, struct err *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;
	memset(r, 0, sizeof(*r));
	rc = csvio_read(f, "t.csv", collect, r, e);
	fclose(f);
	return rc;
}

static void reader_handles_quotes_and_reports_lines(void **state)
{
	struct rows r;
	struct err e;
	(void)state;
	assert_int_equal(read_text("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n", &r, &e),
	                 0);
	assert_string_equal(r.out, "a|b\nx,y|say \"hi\"\nmulti\nline|z\n");
	assert_int_equal(r.n, 3);
	assert_int_equal(r.lines[0], 1);
	assert_int_equal(r.lines[1], 2);
	assert_int_equal(r.lines[2], 3);
}

static void reader_rejects_unterminated_quote_with_line(void **state)
{
	struct rows r;
	struct err e;
	(void)state;
	assert_int_equal(read_text("a,b\n1,\"open\n", &r, &e), -1);
	assert_non_null(strstr(e.msg, "t.csv:2"));
	assert_int_equal(read_text("a,b\n1,x\"y\n", &r, &e), -1);
	assert_non_null(strstr(e.msg, "t.csv:2: malformed CSV"));
}

static int stop_at_two(void *ctx, size_t line, char **f, size_t nf, struct err *e)
{
	(void)ctx;
	(void)f;
	(void)nf;
	return line == 2 ? err_set(e, "bad row") : 0;
}

static void callback_errors_get_file_and_line(void **state)
{
	struct err e;
	const char *text = "h\nx\ny\n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	(void)state;
	assert_int_equal(csvio_read(f, "in.csv", stop_at_two, NULL, &e), -1);
	assert_string_equal(e.msg, "in.csv:2: bad row");
	fclose(f);
}

static void writer_quotes_only_when_needed(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *row[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "", "42"};
	(void)state;
	assert_int_equal(csvio_write_row(f, row, 6), 0);
	fclose(f);
	assert_string_equal(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,42\n");
	free(buf);
}

/* Spreadsheets save a byte order mark; anything not UTF-8 is refused by line. */
static void bom_is_skipped_and_invalid_utf8_refused(void **state)
{
	struct rows r;
	struct err e;

	(void)state;
	assert_int_equal(read_text("\xef\xbb\xbf"
	                           "day,host\n2026-05-01,caf\xc3\xa9\n",
	                           &r, &e),
	                 0);
	assert_string_equal(r.out, "day|host\n2026-05-01|caf\xc3\xa9\n");
	assert_int_equal(read_text("day,host\n2026-05-01,web\n2026-05-02,caf\xe9\n", &r, &e), -1);
	assert_string_equal(e.msg, "t.csv:3: invalid UTF-8");
	assert_int_equal(read_text("day,host\n\"a\n\xff\",b\n", &r, &e), -1);
	assert_string_equal(e.msg, "t.csv:3: invalid UTF-8");
	/* A BOM is only a BOM at the start. */
	assert_int_equal(read_text("a,b\n\xef\xbb\xbf"
	                           "c,d\n",
	                           &r, &e),
	                 0);
	assert_string_equal(r.out, "a|b\n\xef\xbb\xbf"
	                           "c|d\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bom_is_skipped_and_invalid_utf8_refused),
	    cmocka_unit_test(reader_handles_quotes_and_reports_lines),
	    cmocka_unit_test(reader_rejects_unterminated_quote_with_line),
	    cmocka_unit_test(callback_errors_get_file_and_line),
	    cmocka_unit_test(writer_quotes_only_when_needed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
