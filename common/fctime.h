/* fctime.h - UTC times as text, one way for both programs: RFC 3339
 * ("YYYY-MM-DDThh:mm:ssZ"), dates ("YYYY-MM-DD") and the time stamp of a
 * GLPI deviceid ("YYYY-MM-DD-hh-mm-ss").
 *
 * Times are seconds since the epoch (int64_t). The conversions are plain
 * arithmetic on the proleptic Gregorian calendar, without gmtime or timegm:
 * no time zone, no shared state, and the same on every platform (the
 * Windows build has neither gmtime_r nor timegm). Years 0000..9999 only:
 * outside them the formatters fail, since the text forms have four digits. */
#ifndef FC_COMMON_FCTIME_H
#define FC_COMMON_FCTIME_H

#include <stdbool.h>
#include <stdint.h>

#define FCTIME_DAY 86400 /* seconds in a UTC day */
#define FCTIME_RFC3339_LEN 21 /* "YYYY-MM-DDThh:mm:ssZ" and its NUL */
#define FCTIME_DATE_LEN 11 /* "YYYY-MM-DD" and its NUL */
#define FCTIME_STAMP_LEN 20 /* "YYYY-MM-DD-hh-mm-ss" and its NUL */

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define FCTIME_MIN INT64_C(-62167219200)
#define FCTIME_MAX INT64_C(253402300799)

/* A time broken down into its UTC fields. */
struct fctime_utc {
	int year; /* 0..9999 */
	int month; /* 1..12 */
	int day; /* 1..31 */
	int hour; /* 0..23 */
	int min; /* 0..59 */
	int sec; /* 0..59 */
};

/* True when year is a leap year (proleptic Gregorian). */
bool fctime_is_leap(int year);

/* Days in month (1..12) of year. */
int fctime_days_in_month(int year, int month);

/* Breaks t down into out. Returns false, out zeroed, when t is outside
 * FCTIME_MIN..FCTIME_MAX. */
bool fctime_split(int64_t t, struct fctime_utc *out);

/* The time u names (timegm(3)). Month must be 1..12; the other fields are
 * counted as they are, so a second 60 is the next minute's first. */
int64_t fctime_join(const struct fctime_utc *u);

/* Formats t as "YYYY-MM-DDThh:mm:ssZ". Returns false, out "", when t is
 * outside FCTIME_MIN..FCTIME_MAX. */
bool fctime_format_rfc3339(int64_t t, char out[FCTIME_RFC3339_LEN]);

/* Parses an RFC 3339 date-time, "YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)"
 * (T and Z in either case; the fraction is dropped; a leap second 60 counts
 * as the next second), into *t. Returns false, *t untouched, when s is
 * malformed or names a day, hour or offset that does not exist. The result
 * may lie outside FCTIME_MIN..FCTIME_MAX by the offset. */
bool fctime_parse_rfc3339(const char *s, int64_t *t);

/* Formats the UTC day of t as "YYYY-MM-DD". Returns false, out "", when t is
 * outside FCTIME_MIN..FCTIME_MAX. */
bool fctime_format_date(int64_t t, char out[FCTIME_DATE_LEN]);

/* Parses "YYYY-MM-DD", exactly ten characters naming a real calendar day,
 * into the time of its 00:00:00 UTC. Returns false, *t untouched, otherwise. */
bool fctime_parse_date(const char *s, int64_t *t);

/* Formats t as "YYYY-MM-DD-hh-mm-ss" (the time part of a GLPI deviceid).
 * Returns false, out "", when t is outside FCTIME_MIN..FCTIME_MAX. */
bool fctime_format_stamp(int64_t t, char out[FCTIME_STAMP_LEN]);

#endif
