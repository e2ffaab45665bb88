/*
 * Fuzz target: the escaping of names for gnuplot data files and of strings
 * for gnuplot scripts.  Aborts when an output could end its field or string
 * early, hold a control character, or (for script strings) read back as
 * anything but the input with controls turned into spaces.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks that s[0..n) is valid UTF-8. */
static void check_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = s[i] < 0x80             ? 1
		             : (s[i] & 0xe0) == 0xc0 ? 2
		             : (s[i] & 0xf0) == 0xe0 ? 3
		                                     : 4;
		if ((s[i] >= 0x80 && s[i] < 0xc2) || s[i] > 0xf4 || i + len > n)
			abort();
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				abort();
		i += len;
	}
}

static char *render(int (*fn)(FILE *, const char *), const char *in, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	if (!f || fn(f, in) != 0 || fclose(f) != 0)
		abort();
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *out;
	size_t len, inlen;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	inlen = strlen(in);

	/* A data-file field: one double-quoted token, escapes paired. */
	out = render(plot_put_name, in, &len);
	if (len < 2 || out[0] != '"' || out[len - 1] != '"')
		abort();
	for (size_t i = 1; i + 1 < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c == '"' || c < 0x20 || c == 0x7f)
			abort();
		if (c == '\\') {
			if (i + 2 >= len || out[i + 1] != '\\')
				abort();
			i++;
		}
	}
	check_utf8((const unsigned char *)out + 1, len - 2);
	free(out);

	/* A script string: single-quoted, quotes doubled, reads back as the input. */
	out = render(plot_put_string, in, &len);
	if (len < 2 || out[0] != '\'' || out[len - 1] != '\'')
		abort();
	size_t j = 0;
	for (size_t i = 1; i + 1 < len; i++, j++) {
		unsigned char c = (unsigned char)out[i];
		if (c < 0x20 || c == 0x7f)
			abort();
		if (c == '\'') {
			if (i + 2 >= len || out[i + 1] != '\'')
				abort();
			i++;
		}
		unsigned char want = (unsigned char)in[j];
		if (want < 0x20 || want == 0x7f)
			want = ' ';
		if (j >= inlen || c != want)
			abort();
	}
	if (j != inlen)
		abort();
	free(out);
	free(in);
	return 0;
}
