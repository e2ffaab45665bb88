/*
 * The alphabet of identifiers and a UTF-8 validator.  Nothing here knows
 * where a name comes from; callers add file:line to the messages.
 */
#include "util/name.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static bool is_alpha(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static const struct {
	const char *what;
	size_t max;
	bool slash;
	bool digit_first;
	const char *rule;
} kinds[] = {
    [UTIL_NAME_SERVICE] = {"service", UTIL_NAME_SERVICE_MAX, false, false,
                           "a letter, then letters, digits, '_', '.' or '-'; at most 64 "
                           "characters"},
    [UTIL_NAME_HOST] = {"host", UTIL_NAME_HOST_MAX, false, true,
                        "a letter or digit, then letters, digits, '_', '.' or '-'; at most 253 "
                        "characters"},
    [UTIL_NAME_PLAN] = {"plan", UTIL_NAME_PLAN_MAX, true, true,
                        "a letter or digit, then letters, digits, '_', '.', '-' or '/'; at most "
                        "64 characters"},
};

bool util_name_valid(enum util_name_kind kind, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n;

	if ((unsigned)kind >= sizeof(kinds) / sizeof(kinds[0]) || !name)
		return false;
	n = strlen(name);
	if (n == 0 || n > kinds[kind].max)
		return false;
	if (!is_alpha(p[0]) && !(kinds[kind].digit_first && is_digit(p[0])))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alpha(p[i]) && !is_digit(p[i]) && p[i] != '.' && p[i] != '_' &&
		    p[i] != '-' && !(kinds[kind].slash && p[i] == '/'))
			return false;
	return true;
}

int util_name_check(enum util_name_kind kind, const char *name, struct err *e)
{
	char shown[4 * 80 + 4];
	size_t o = 0;

	if (util_name_valid(kind, name))
		return 0;
	if ((unsigned)kind >= sizeof(kinds) / sizeof(kinds[0]))
		return err_set(e, "bad name");
	if (!name)
		name = "";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (p - (const unsigned char *)name == 80) {
			memcpy(shown + o, "...", 3);
			o += 3;
			break;
		}
		if (*p < 0x20 || *p >= 0x7f || *p == '\'' || *p == '\\')
			o += (size_t)snprintf(shown + o, sizeof(shown) - o, "\\x%02x", *p);
		else
			shown[o++] = (char)*p;
	}
	shown[o] = '\0';
	if (!*name)
		return err_set(e, "empty %s name", kinds[kind].what);
	return err_set(e, "bad %s name '%s' (%s)", kinds[kind].what, shown, kinds[kind].rule);
}

bool util_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		size_t len;
		uint32_t c;

		if (p[0] < 0x80) {
			p++;
			continue;
		}
		if (p[0] >= 0xc2 && p[0] <= 0xdf)
			len = 2, c = p[0] & 0x1f;
		else if (p[0] >= 0xe0 && p[0] <= 0xef)
			len = 3, c = p[0] & 0x0f;
		else if (p[0] >= 0xf0 && p[0] <= 0xf4)
			len = 4, c = p[0] & 0x07;
		else
			return false;
		if ((size_t)(end - p) < len)
			return false;
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			c = (c << 6) | (p[i] & 0x3f);
		}
		if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff))
			return false;
		p += len;
	}
	return true;
}
