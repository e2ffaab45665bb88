/*
 * Day arithmetic after Howard Hinnant's days_from_civil / civil_from_days,
 * valid far beyond any date a traffic log holds.
 */
#include "util/date.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int32_t date_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const int yoe = y - era * 400;
	const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_to_civil(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const int doe = z - era * 146097;
	const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int mdays(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : n[m - 1];
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int date_parse_day(const char *s, int32_t *day, struct err *e)
{
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return err_set(e, "'%s' is not a date (YYYY-MM-DD)", s ? s : "");
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays(y, m))
		return err_set(e, "'%s' is not a valid date", s);
	*day = date_from_civil(y, m, d);
	return 0;
}

int date_parse_month(const char *s, int32_t *first, int32_t *last, struct err *e)
{
	int y, m;

	if (!s || strlen(s) != 7 || s[4] != '-')
		return err_set(e, "'%s' is not a month (YYYY-MM)", s ? s : "");
	y = digits(s, 4);
	m = digits(s + 5, 2);
	if (y < 1970 || m < 1 || m > 12)
		return err_set(e, "'%s' is not a valid month", s);
	*first = date_from_civil(y, m, 1);
	if (last)
		*last = date_from_civil(y, m, mdays(y, m));
	return 0;
}

char *date_format_day(int32_t day, char buf[static 11])
{
	int y, m, d;
	date_to_civil(day, &y, &m, &d);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
	return buf;
}

char *date_format_month(int32_t day, char buf[static 8])
{
	int y, m, d;
	date_to_civil(day, &y, &m, &d);
	snprintf(buf, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
	return buf;
}

int date_days_in_month(int32_t day)
{
	int y, m, d;
	date_to_civil(day, &y, &m, &d);
	return mdays(y, m);
}

int32_t date_month_first(int32_t day)
{
	int y, m, d;
	date_to_civil(day, &y, &m, &d);
	return date_from_civil(y, m, 1);
}

int date_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	int w = (int)((day % 7 + 7 + 3) % 7);
	return w;
}

int32_t date_utc_day(time_t t)
{
	int64_t d = (int64_t)t / 86400;
	if ((int64_t)t % 86400 < 0)
		d--;
	return (int32_t)d;
}

int32_t date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return date_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int date_zone_check(const char *name, struct err *e)
{
	const char *dir = getenv("TZDIR");
	char path[4096], magic[4];
	struct stat sb;
	int fd;

	if (!name || !*name || name[0] == '/' || name[0] == '.' || strstr(name, "..") ||
	    strlen(name) > 255)
		return err_set(e, "bad time zone '%s' (an IANA name like Europe/Berlin)",
		               name ? name : "");
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("/_-+", *c))
			return err_set(e, "bad time zone '%s' (an IANA name like Europe/Berlin)",
			               name);
	if (strcmp(name, "UTC") == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir == '/' ? dir : "/usr/share/zoneinfo",
	         name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "unknown time zone '%s' (no such zone in %s)", name,
		               dir && *dir == '/' ? dir : "/usr/share/zoneinfo");
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || read(fd, magic, 4) != 4 ||
	    memcmp(magic, "TZif", 4) != 0) {
		close(fd);
		return err_set(e,
		               "unknown time zone '%s' (not a zone file; an IANA name like "
		               "Europe/Berlin)",
		               name);
	}
	close(fd);
	return 0;
}

int date_zone_apply(const char *name, struct err *e)
{
	if (name && date_zone_check(name, e))
		return -1;
	if (setenv("TZ", name ? name : "UTC", 1) != 0)
		return err_set(e, "cannot set the time zone: %s", strerror(errno));
	tzset();
	return 0;
}
