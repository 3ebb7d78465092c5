/* fctime.c - UTC times as text. The day arithmetic is Howard Hinnant's
 * days_from_civil / civil_from_days ("chrono-Compatible Low-Level Date
 * Algorithms"), exact for every day of the proleptic Gregorian calendar. */
#include "fctime.h"

#include <stdio.h>
#include <string.h>

bool fctime_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int fctime_days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return month == 2 && fctime_is_leap(year) ? 29 : days[month - 1];
}

/* Days from 1970-01-01 to year-month-day. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of day z (days from 1970-01-01). */
static void civil_from_days(int64_t z, struct fctime_utc *out)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int)(yoe + era * 400 + (out->month <= 2));
}

bool fctime_split(int64_t t, struct fctime_utc *out)
{
	int64_t days, secs;

	memset(out, 0, sizeof(*out));
	if (t < FCTIME_MIN || t > FCTIME_MAX)
		return false;
	days = t / FCTIME_DAY;
	secs = t % FCTIME_DAY;
	if (secs < 0) {
		secs += FCTIME_DAY;
		days--;
	}
	civil_from_days(days, out);
	out->hour = (int)(secs / 3600);
	out->min = (int)(secs / 60 % 60);
	out->sec = (int)(secs % 60);
	return true;
}

int64_t fctime_join(const struct fctime_utc *u)
{
	return days_from_civil(u->year, u->month, u->day) * FCTIME_DAY + u->hour * INT64_C(3600) +
	       u->min * INT64_C(60) + u->sec;
}

bool fctime_format_rfc3339(int64_t t, char out[FCTIME_RFC3339_LEN])
{
	struct fctime_utc u;

	out[0] = '\0';
	if (!fctime_split(t, &u))
		return false;
	snprintf(out, FCTIME_RFC3339_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", u.year, u.month, u.day,
	         u.hour, u.min, u.sec);
	return true;
}

bool fctime_format_date(int64_t t, char out[FCTIME_DATE_LEN])
{
	struct fctime_utc u;

	out[0] = '\0';
	if (!fctime_split(t, &u))
		return false;
	snprintf(out, FCTIME_DATE_LEN, "%04d-%02d-%02d", u.year, u.month, u.day);
	return true;
}

bool fctime_format_stamp(int64_t t, char out[FCTIME_STAMP_LEN])
{
	struct fctime_utc u;

	out[0] = '\0';
	if (!fctime_split(t, &u))
		return false;
	snprintf(out, FCTIME_STAMP_LEN, "%04d-%02d-%02d-%02d-%02d-%02d", u.year, u.month, u.day,
	         u.hour, u.min, u.sec);
	return true;
}

/* ---- parsing ---- */

/* Reads exactly n digits at *p into *v and advances *p past them. */
static bool digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/* Advances *p past c when it is there (either case of a letter). */
static bool expect(const char **p, char c)
{
	char l = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;

	if (**p != c && **p != l)
		return false;
	(*p)++;
	return true;
}

/* Reads "YYYY-MM-DD" at *p into u (a day that exists). */
static bool parse_day(const char **p, struct fctime_utc *u)
{
	return digits(p, 4, &u->year) && expect(p, '-') && digits(p, 2, &u->month) &&
	       expect(p, '-') && digits(p, 2, &u->day) && u->month >= 1 && u->month <= 12 &&
	       u->day >= 1 && u->day <= fctime_days_in_month(u->year, u->month);
}

/* Reads the zone at *p: "Z", "+hh:mm" or "-hh:mm", as seconds east of UTC. */
static bool parse_zone(const char **p, long *east)
{
	int sign = **p == '-' ? -1 : 1, h, m;

	if (expect(p, 'Z')) {
		*east = 0;
		return true;
	}
	if (**p != '+' && **p != '-')
		return false;
	(*p)++;
	if (!digits(p, 2, &h) || !expect(p, ':') || !digits(p, 2, &m) || h > 23 || m > 59)
		return false;
	*east = sign * (h * 3600L + m * 60L);
	return true;
}

bool fctime_parse_rfc3339(const char *s, int64_t *t)
{
	struct fctime_utc u;
	const char *p = s;
	long east;

	memset(&u, 0, sizeof(u));
	if (!parse_day(&p, &u) || !expect(&p, 'T') || !digits(&p, 2, &u.hour) || !expect(&p, ':') ||
	    !digits(&p, 2, &u.min) || !expect(&p, ':') || !digits(&p, 2, &u.sec) || u.hour > 23 ||
	    u.min > 59 || u.sec > 60)
		return false;
	if (expect(&p, '.')) {
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (!parse_zone(&p, &east) || *p)
		return false;
	*t = fctime_join(&u) - east;
	return true;
}

bool fctime_parse_date(const char *s, int64_t *t)
{
	struct fctime_utc u;
	const char *p = s;

	memset(&u, 0, sizeof(u));
	if (!parse_day(&p, &u) || *p)
		return false;
	*t = fctime_join(&u);
	return true;
}
