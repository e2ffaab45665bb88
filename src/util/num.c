/*
 * Checked parsing and arithmetic for 64-bit integers, fixed-point decimals
 * and byte sizes.  Parsing is strict: the whole string must be consumed.
 */
#include "util/num.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct err *e)
{
	uint64_t v = 0;
	const char *p = s;

	if (!s || !*s)
		return err_set(e, "empty number");
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return err_set(e, "'%s' is not a whole number", s);
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return err_set(e, "'%s' is too large", s);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return err_set(e, "'%s' is out of range %" PRIu64 "..%" PRIu64, s, min, max);
	*out = v;
	return 0;
}

int num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, struct err *e)
{
	uint64_t mag;
	bool neg = false;
	const char *p = s;
	int64_t v;

	if (!s || !*s)
		return err_set(e, "empty number");
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if (num_parse_u64(p, 0, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &mag, NULL))
		return err_set(e, "'%s' is not a whole number in range", s);
	if (neg)
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		v = (int64_t)mag;
	if (v < min || v > max)
		return err_set(e, "'%s' is out of range %" PRId64 "..%" PRId64, s, min, max);
	*out = v;
	return 0;
}

bool num_add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

bool num_add_i64(int64_t a, int64_t b, int64_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

bool num_mul_i64(int64_t a, int64_t b, int64_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

int num_parse_fixed(const char *s, int scale_digits, int64_t *out, struct err *e)
{
	const char *p = s;
	bool neg = false, digits = false;
	int64_t v = 0;
	int frac = -1;

	if (!s || !*s)
		return err_set(e, "empty number");
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			return err_set(e, "'%s' is not a number", s);
		digits = true;
		if (frac >= 0) {
			if (frac == scale_digits) {
				if (*p != '0')
					return err_set(e, "'%s' has more than %d decimals", s,
					               scale_digits);
				continue;
			}
			frac++;
		}
		if (!num_mul_i64(v, 10, &v) || !num_add_i64(v, *p - '0', &v))
			return err_set(e, "'%s' is too large", s);
	}
	if (!digits)
		return err_set(e, "'%s' is not a number", s);
	for (int i = frac < 0 ? 0 : frac; i < scale_digits; i++)
		if (!num_mul_i64(v, 10, &v))
			return err_set(e, "'%s' is too large", s);
	*out = neg ? -v : v;
	return 0;
}

static const struct {
	const char *name;
	uint64_t mult;
} units[] = {
    {"B", 1},
    {"kB", 1000ULL},
    {"KB", 1000ULL},
    {"MB", 1000000ULL},
    {"GB", 1000000000ULL},
    {"TB", 1000000000000ULL},
    {"PB", 1000000000000000ULL},
    {"KiB", 1ULL << 10},
    {"MiB", 1ULL << 20},
    {"GiB", 1ULL << 30},
    {"TiB", 1ULL << 40},
    {"PiB", 1ULL << 50},
};

/*
 * Digits "123.456" (at most 6 decimals) as value x 10^6 in 128 bits, so that
 * plain byte counts up to INT64_MAX fit (an int64_t of micro-units would stop
 * at 9,223,372,036,854).  Returns false on junk or a value above 2^100.
 */
static bool parse_micro_u128(const char *num, num_u128 *out)
{
	num_u128 v = 0;
	int frac = -1;
	bool digits = false;

	for (const char *p = num; *p; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			return false;
		digits = true;
		if (frac >= 0 && frac == 6) {
			if (*p != '0')
				return false;
			continue;
		}
		if (frac >= 0)
			frac++;
		if (v > ((num_u128)1 << 100))
			return false;
		v = v * 10 + (unsigned)(*p - '0');
	}
	for (int i = frac < 0 ? 0 : frac; i < 6; i++)
		v *= 10;
	*out = v;
	return digits;
}

int num_parse_size(const char *s, uint64_t *out, struct err *e)
{
	char num[64];
	const char *u = s;
	uint64_t mult = 1;
	size_t n;
	num_u128 r, micro;

	if (!s)
		return err_set(e, "empty size");
	while (*u && (isdigit((unsigned char)*u) || *u == '.'))
		u++;
	n = (size_t)(u - s);
	if (n == 0 || n >= sizeof(num))
		return err_set(e, "'%s' is not a size (try 1.3TB, 500GiB or 42)", s);
	memcpy(num, s, n);
	num[n] = '\0';
	while (*u == ' ')
		u++;
	if (*u) {
		size_t i;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(u, units[i].name) == 0)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return err_set(
			    e, "'%s': unknown unit '%s' (B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)", s,
			    u);
		mult = units[i].mult;
	}
	if (!parse_micro_u128(num, &micro))
		return err_set(e, "'%s' is not a size (try 1.3TB, 500GiB or 42)", s);
	if (micro > (((num_u128)1 << 127) - 1) / mult)
		return err_set(e, "'%s' is too large", s);
	r = micro * mult / 1000000u;
	if (r > INT64_MAX)
		return err_set(e, "'%s' is too large", s);
	*out = (uint64_t)r;
	return 0;
}

char *num_format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const names[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
	double v = (double)bytes;
	int i = 0;

	if (bytes < 1000) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 999.5 && i < 6) {
		v /= 1000.0;
		i++;
	}
	snprintf(buf, len, v < 9.995 ? "%.2f %s" : v < 99.95 ? "%.1f %s" : "%.0f %s", v, names[i]);
	return buf;
}

char *num_format_fixed(int64_t v, int scale_digits, int min_frac, char *buf, size_t len)
{
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t div = 1, ip, fp;
	char frac[32];
	int nfrac = scale_digits;

	for (int i = 0; i < scale_digits; i++)
		div *= 10;
	ip = mag / div;
	fp = mag % div;
	snprintf(frac, sizeof(frac), "%0*" PRIu64, scale_digits, fp);
	while (nfrac > min_frac && frac[nfrac - 1] == '0')
		nfrac--;
	frac[nfrac] = '\0';
	snprintf(buf, len, "%s%" PRIu64 "%s%s", v < 0 ? "-" : "", ip, nfrac ? "." : "", frac);
	return buf;
}

char *num_format_cents(int64_t micro, char *buf, size_t len)
{
	/* In unsigned magnitude, so INT64_MIN rounds without overflow. */
	uint64_t mag = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;
	uint64_t c = (mag + 5000) / 10000;

	snprintf(buf, len, "%s%" PRIu64 ".%02" PRIu64, micro < 0 && c ? "-" : "", c / 100, c % 100);
	return buf;
}
