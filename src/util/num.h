/*
 * Checked number parsing, checked 64-bit arithmetic, byte sizes with units
 * and human-readable formatting.  Nothing here uses floating point for values
 * that are stored or billed.
 */
#ifndef COSTS_UTIL_NUM_H
#define COSTS_UTIL_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* 128-bit integers for exact intermediate products (a GNU extension, marked
 * so that -Wpedantic accepts it). */
__extension__ typedef __int128 num_i128;
__extension__ typedef unsigned __int128 num_u128;

/*
 * Parses a whole decimal string into *out within [min, max].  Rejects empty
 * strings, signs (for the unsigned variant), spaces and trailing characters.
 * Returns 0, or -1 with a message naming the text.
 */
int num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct err *e);
int num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, struct err *e);

/* Checked arithmetic: return false on overflow and leave *out unspecified. */
bool num_add_u64(uint64_t a, uint64_t b, uint64_t *out);
bool num_add_i64(int64_t a, int64_t b, int64_t *out);
bool num_mul_i64(int64_t a, int64_t b, int64_t *out);

/*
 * Parses a decimal number with up to `scale_digits` fractional digits into an
 * integer scaled by 10^scale_digits ("1.25" with 6 gives 1250000).  Used for
 * money (micro-units) and for sizes.  Returns 0 or -1.
 */
int num_parse_fixed(const char *s, int scale_digits, int64_t *out, struct err *e);

/*
 * Parses a byte size such as "1.3TB", "500 GiB", "42", "10kB" into bytes.
 * Decimal units are powers of 1000, binary units (KiB, MiB, ...) powers of
 * 1024; a bare number is bytes.  The result is rounded down to a whole byte.
 */
int num_parse_size(const char *s, uint64_t *out, struct err *e);

/*
 * Formats bytes with decimal units and three significant digits ("1.30 TB",
 * "512 B") into buf.  Returns buf.
 */
char *num_format_bytes(uint64_t bytes, char *buf, size_t len);

/*
 * Formats a fixed-point value with `scale_digits` fractional digits, keeping
 * at least `min_frac` of them and dropping trailing zeros beyond that
 * (money: scale 6, min_frac 2 gives "120.00", "0.0025").  Returns buf.
 */
char *num_format_fixed(int64_t v, int scale_digits, int min_frac, char *buf, size_t len);

/*
 * Formats micro-units rounded half away from zero to whole cents ("25.69"),
 * for tables; CSV and JSON keep the exact amount (num_format_fixed).
 */
char *num_format_cents(int64_t micro, char *buf, size_t len);

#endif
