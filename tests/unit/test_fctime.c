/* test_fctime.c - UTC times as text (common/fctime.c): formatting and
 * parsing of RFC 3339, dates and deviceid stamps, leap years, zones, the
 * 0000..9999 bounds and malformed input. The calendar arithmetic is checked
 * against glibc's gmtime_r and timegm over the whole range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fctime.h"

static void test_format_known(void **state)
{
	char at[FCTIME_RFC3339_LEN], day[FCTIME_DATE_LEN], stamp[FCTIME_STAMP_LEN];

	(void)state;
	assert_true(fctime_format_rfc3339(0, at));
	assert_string_equal(at, "1970-01-01T00:00:00Z");
	assert_true(fctime_format_rfc3339(-1, at));
	assert_string_equal(at, "1969-12-31T23:59:59Z");
	assert_true(fctime_format_rfc3339(1764452990, at));
	assert_string_equal(at, "2025-11-29T21:49:50Z");
	assert_true(fctime_format_rfc3339(951782400, at)); /* a leap day of a year % 400 */
	assert_string_equal(at, "2000-02-29T00:00:00Z");
	assert_true(fctime_format_rfc3339(INT64_C(4107542399), at)); /* 2100 is no leap year */
	assert_string_equal(at, "2100-02-28T23:59:59Z");
	assert_true(fctime_format_rfc3339(INT64_C(4107542400), at));
	assert_string_equal(at, "2100-03-01T00:00:00Z");
	assert_true(fctime_format_date(1764452990, day));
	assert_string_equal(day, "2025-11-29");
	assert_true(fctime_format_date(-1, day));
	assert_string_equal(day, "1969-12-31");
	assert_true(fctime_format_stamp(1764452990, stamp));
	assert_string_equal(stamp, "2025-11-29-21-49-50");
	assert_true(fctime_format_stamp(FCTIME_MAX, stamp));
	assert_string_equal(stamp, "9999-12-31-23-59-59");
}

/* Years 0000 and 9999 are written with four digits; outside them nothing
 * is, and the output is "". */
static void test_format_bounds(void **state)
{
	char at[FCTIME_RFC3339_LEN], day[FCTIME_DATE_LEN], stamp[FCTIME_STAMP_LEN];
	const int64_t out[] = {FCTIME_MIN - 1, FCTIME_MAX + 1, INT64_MIN, INT64_MAX};
	struct fctime_utc u;
	size_t i;

	(void)state;
	assert_true(fctime_format_rfc3339(FCTIME_MIN, at));
	assert_string_equal(at, "0000-01-01T00:00:00Z");
	assert_true(fctime_format_rfc3339(FCTIME_MAX, at));
	assert_string_equal(at, "9999-12-31T23:59:59Z");
	assert_true(fctime_format_date(FCTIME_MIN + 86400 * 365, day));
	assert_string_equal(day, "0000-12-31"); /* year 0 is a leap year */
	assert_true(fctime_format_rfc3339(INT64_C(-30610224000), at));
	assert_string_equal(at, "1000-01-01T00:00:00Z");
	assert_true(fctime_format_date(INT64_C(-30610224001), day));
	assert_string_equal(day, "0999-12-31");
	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		memset(at, 'x', sizeof(at));
		memset(day, 'x', sizeof(day));
		memset(stamp, 'x', sizeof(stamp));
		assert_false(fctime_format_rfc3339(out[i], at));
		assert_false(fctime_format_date(out[i], day));
		assert_false(fctime_format_stamp(out[i], stamp));
		assert_string_equal(at, "");
		assert_string_equal(day, "");
		assert_string_equal(stamp, "");
		u.year = 7;
		assert_false(fctime_split(out[i], &u));
		assert_int_equal(u.year, 0);
	}
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_true(fctime_is_leap(0));
	assert_true(fctime_is_leap(2000));
	assert_true(fctime_is_leap(2024));
	assert_true(fctime_is_leap(1996));
	assert_false(fctime_is_leap(1900));
	assert_false(fctime_is_leap(2100));
	assert_false(fctime_is_leap(2023));
	assert_false(fctime_is_leap(1));
	assert_int_equal(fctime_days_in_month(2024, 2), 29);
	assert_int_equal(fctime_days_in_month(2023, 2), 28);
	assert_int_equal(fctime_days_in_month(1900, 2), 28);
	assert_int_equal(fctime_days_in_month(2000, 2), 29);
	assert_int_equal(fctime_days_in_month(2023, 1), 31);
	assert_int_equal(fctime_days_in_month(2023, 4), 30);
	assert_int_equal(fctime_days_in_month(2023, 12), 31);
}

/* split and join agree with gmtime_r and timegm (glibc: proleptic
 * Gregorian, 64-bit time_t) across 0000..9999, about every 3.2 days at an
 * odd second, and on both sides of every new year 1900..2100. */
static void test_against_libc(void **state)
{
	struct fctime_utc u;
	struct tm tm;
	time_t tt;
	int64_t t;
	int y;

	(void)state;
	assert_true(sizeof(time_t) >= 8);
	for (t = FCTIME_MIN; t <= FCTIME_MAX; t += 277207) {
		tt = (time_t)t;
		assert_non_null(gmtime_r(&tt, &tm));
		assert_true(fctime_split(t, &u));
		if (u.year != tm.tm_year + 1900 || u.month != tm.tm_mon + 1 ||
		    u.day != tm.tm_mday || u.hour != tm.tm_hour || u.min != tm.tm_min ||
		    u.sec != tm.tm_sec)
			fail_msg("%lld: %04d-%02d-%02d %02d:%02d:%02d", (long long)t, u.year,
			         u.month, u.day, u.hour, u.min, u.sec);
		assert_true(fctime_join(&u) == t);
		assert_true((int64_t)timegm(&tm) == t);
	}
	for (y = 1900; y <= 2100; y++) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mday = 1;
		u = (struct fctime_utc){.year = y, .month = 1, .day = 1};
		t = fctime_join(&u);
		assert_true((int64_t)timegm(&tm) == t);
		assert_true(fctime_split(t - 1, &u));
		assert_int_equal(u.year, y - 1);
		assert_int_equal(u.month, 12);
		assert_int_equal(u.day, 31);
		assert_int_equal(u.sec, 59);
	}
}

static void test_parse_rfc3339(void **state)
{
	int64_t t = 0;

	(void)state;
	assert_true(fctime_parse_rfc3339("2025-11-29T21:49:50Z", &t));
	assert_true(t == 1764452990);
	assert_true(fctime_parse_rfc3339("2025-11-29t21:49:50z", &t));
	assert_true(t == 1764452990);
	assert_true(fctime_parse_rfc3339("2025-11-29T21:49:50.123456789Z", &t));
	assert_true(t == 1764452990); /* the fraction is dropped */
	assert_true(fctime_parse_rfc3339("2024-02-29T00:00:00Z", &t));
	assert_true(t == 1709164800);
	assert_true(fctime_parse_rfc3339("1969-12-31T23:59:59Z", &t));
	assert_true(t == -1);
	/* a leap second is the next second */
	assert_true(fctime_parse_rfc3339("2016-12-31T23:59:60Z", &t));
	assert_true(t == 1483228800);
	assert_true(fctime_parse_rfc3339("0000-01-01T00:00:00Z", &t));
	assert_true(t == FCTIME_MIN);
	assert_true(fctime_parse_rfc3339("9999-12-31T23:59:59Z", &t));
	assert_true(t == FCTIME_MAX);
}

static void test_parse_zones(void **state)
{
	char at[FCTIME_RFC3339_LEN];
	int64_t t = 0;

	(void)state;
	assert_true(fctime_parse_rfc3339("2025-11-29T22:49:50+01:00", &t));
	assert_true(t == 1764452990);
	assert_true(fctime_parse_rfc3339("2025-11-29T16:19:50-05:30", &t));
	assert_true(t == 1764452990);
	assert_true(fctime_parse_rfc3339("2025-11-29T21:49:50+00:00", &t));
	assert_true(t == 1764452990);
	assert_true(fctime_parse_rfc3339("2025-11-29T21:49:50-00:00", &t));
	assert_true(t == 1764452990);
	assert_true(fctime_parse_rfc3339("2025-11-30T21:48:50+23:59", &t));
	assert_true(t == 1764452990);
	/* an offset may carry a time out of 0000..9999: parsed, not formatted */
	assert_true(fctime_parse_rfc3339("0000-01-01T00:00:00+00:01", &t));
	assert_true(t == FCTIME_MIN - 60);
	assert_false(fctime_format_rfc3339(t, at));
	assert_true(fctime_parse_rfc3339("9999-12-31T23:59:59-00:01", &t));
	assert_true(t == FCTIME_MAX + 60);
	assert_false(fctime_format_rfc3339(t, at));
}

static void test_parse_rfc3339_bad(void **state)
{
	static const char *const bad[] = {
	    "",
	    "2025-11-29",
	    "2025-11-29T21:49:50", /* no zone */
	    "2025-11-29 21:49:50Z", /* space for T */
	    "2025-11-29T21:49:50Z ", /* trailing data */
	    " 2025-11-29T21:49:50Z", /* leading space */
	    "2025-11-29T21:49:50ZZ",
	    "2025-11-29T21:49:50.Z", /* a dot without digits */
	    "2025-11-29T21:49Z", /* no seconds */
	    "25-11-29T21:49:50Z", /* two-digit year */
	    "+2025-11-29T21:49:50Z",
	    "2025-1-29T21:49:50Z",
	    "2025-11-9T21:49:50Z",
	    "2025-13-01T00:00:00Z",
	    "2025-00-01T00:00:00Z",
	    "2025-11-00T00:00:00Z",
	    "2025-11-31T00:00:00Z", /* November has 30 days */
	    "2023-02-29T00:00:00Z", /* no leap year */
	    "1900-02-29T00:00:00Z", /* no leap year either */
	    "2025-11-29T24:00:00Z",
	    "2025-11-29T23:60:00Z",
	    "2025-11-29T23:59:61Z",
	    "2025-11-29T21:49:50+24:00",
	    "2025-11-29T21:49:50+23:60",
	    "2025-11-29T21:49:50+0100", /* no colon */
	    "2025-11-29T21:49:50+01",
	    "2025-11-29T21:49:50UTC",
	    "2025-11-29T2a:49:50Z",
	    "2025\xef\xbc\x8d"
	    "11-29T21:49:50Z", /* a full-width hyphen */
	};
	int64_t t = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (fctime_parse_rfc3339(bad[i], &t))
			fail_msg("accepted '%s'", bad[i]);
		assert_true(t == 42);
	}
}

static void test_date(void **state)
{
	static const char *const bad[] = {
	    "",           "2024-02-30",  "2023-02-29",           "2024-13-01", "2024-00-10",
	    "2024-01-00", "2024-01-32",  "2024-04-31",           "2024- 1-01", "2024-+1-01",
	    "2024-01- 1", " 2024-01-01", "2024-01-01x",          "2024-01-1",  "2024-1-01",
	    "24-01-01",   "2024/01/01",  "2024-01-01T00:00:00Z", "20240101",
	};
	int64_t t = 42;
	size_t i;

	(void)state;
	assert_true(fctime_parse_date("2024-02-29", &t));
	assert_true(t == 1709164800);
	assert_true(fctime_parse_date("1970-01-01", &t));
	assert_true(t == 0);
	assert_true(fctime_parse_date("1969-12-31", &t));
	assert_true(t == -86400);
	assert_true(fctime_parse_date("0000-01-01", &t));
	assert_true(t == FCTIME_MIN);
	assert_true(fctime_parse_date("9999-12-31", &t));
	assert_true(t == FCTIME_MAX - 86399);
	t = 42;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (fctime_parse_date(bad[i], &t))
			fail_msg("accepted '%s'", bad[i]);
		assert_true(t == 42);
	}
}

/* What is formatted parses back to the same time. */
static void test_round_trip(void **state)
{
	char at[FCTIME_RFC3339_LEN], day[FCTIME_DATE_LEN];
	int64_t t, back;

	(void)state;
	for (t = FCTIME_MIN; t <= FCTIME_MAX; t += 1000003) {
		assert_true(fctime_format_rfc3339(t, at));
		assert_true(fctime_parse_rfc3339(at, &back));
		assert_true(back == t);
		assert_true(fctime_format_date(t, day));
		assert_true(fctime_parse_date(day, &back));
		assert_true(back <= t && t - back < FCTIME_DAY);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_known),      cmocka_unit_test(test_format_bounds),
	    cmocka_unit_test(test_leap_years),        cmocka_unit_test(test_against_libc),
	    cmocka_unit_test(test_parse_rfc3339),     cmocka_unit_test(test_parse_zones),
	    cmocka_unit_test(test_parse_rfc3339_bad), cmocka_unit_test(test_date),
	    cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
