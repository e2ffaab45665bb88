/*
 * Calendar days as integers (days since 1970-01-01, proleptic Gregorian) and
 * their ISO text forms.  No time zones here: callers convert a timestamp to a
 * local day once per second and pass days around.
 */
#ifndef COSTS_UTIL_DATE_H
#define COSTS_UTIL_DATE_H

#include <stdint.h>
#include <time.h>

#include "util/err.h"

/* Converts a civil date to a day number and back. */
int32_t date_from_civil(int y, int m, int d);
void date_to_civil(int32_t day, int *y, int *m, int *d);

/*
 * Parses "YYYY-MM-DD" strictly (valid month and day of month).  Returns 0 and
 * the day number, or -1 with a message naming the text.
 */
int date_parse_day(const char *s, int32_t *day, struct err *e);

/*
 * Parses "YYYY-MM" into the day number of the first day of that month and,
 * when last is not NULL, of its last day.
 */
int date_parse_month(const char *s, int32_t *first, int32_t *last, struct err *e);

/* Writes "YYYY-MM-DD" (11 bytes with the NUL) or "YYYY-MM" (8 bytes). */
char *date_format_day(int32_t day, char buf[static 11]);
char *date_format_month(int32_t day, char buf[static 8]);

/* Number of days in the month containing day, and that month's first day. */
int date_days_in_month(int32_t day);
int32_t date_month_first(int32_t day);

/* Day of week, 0 = Monday .. 6 = Sunday. */
int date_weekday(int32_t day);

/* The UTC day of a Unix timestamp. */
int32_t date_utc_day(time_t t);

/*
 * Today's day number in the local time zone (TZ or /etc/localtime), for
 * defaults such as --month and --yesterday.
 */
int32_t date_today(void);

/*
 * Checks that name is a time zone the C library can load: an IANA name such
 * as "Europe/Berlin" (or "UTC") naming a compiled zone file (TZif) under
 * $TZDIR or /usr/share/zoneinfo.  Directories ("Europe"), other files
 * ("zone.tab") and paths that leave the zone folder are refused.  Returns 0,
 * or -1 with a message naming the zone.
 */
int date_zone_check(const char *name, struct err *e);

/*
 * Makes the process's local time the given zone (NULL: UTC) by setting TZ
 * once, so that later conversions do not consult /etc/localtime.  Returns 0,
 * or -1 with a message.
 */
int date_zone_apply(const char *name, struct err *e);

#endif
