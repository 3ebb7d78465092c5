/* test_source.c - collector/source*.c: the dates of the sources (en-US,
 * nl-NL, de-DE, ISO 8601, Intune's fractions; ambiguous ones need an
 * order), the CSV reader (encodings, #TYPE, ';', quotes) and AD rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "source.h"
#include "source_csv.h"

static int64_t date_ok(const char *s, enum source_date_order o)
{
	char why[FC_ERRLEN] = "";
	int64_t t = -1;

	assert_int_equal(source_parse_date(s, o, &t, why), FC_OK);
	return t;
}

static void test_dates(void **state)
{
	char why[FC_ERRLEN];
	int64_t t;

	(void)state;
	/* 2026-11-28 09:14:02 UTC = 1795857242 */
	assert_int_equal(date_ok("11/28/2026 9:14:02 AM", SOURCE_DATE_UNSET), 1795857242);
	assert_int_equal(date_ok("28-11-2026 09:14:02", SOURCE_DATE_UNSET), 1795857242);
	assert_int_equal(date_ok("28.11.2026 09:14:02", SOURCE_DATE_UNSET), 1795857242);
	assert_int_equal(date_ok("2026-11-28T09:14:02Z", SOURCE_DATE_UNSET), 1795857242);
	assert_int_equal(date_ok("2026-11-28 09:14:02.0000000", SOURCE_DATE_UNSET), 1795857242);
	assert_int_equal(date_ok("11/28/2026 9:14:02 PM", SOURCE_DATE_MDY), 1795857242 + 12 * 3600);
	assert_int_equal(date_ok("12/1/2026 12:00:00 AM", SOURCE_DATE_MDY),
	                 date_ok("2026-12-01", SOURCE_DATE_UNSET));
	assert_int_equal(date_ok("03-11-2026", SOURCE_DATE_DMY), date_ok("2026-11-03", 0));
	assert_int_equal(date_ok("03-11-2026", SOURCE_DATE_MDY), date_ok("2026-03-11", 0));
	/* a day over 12 tells the order whatever --date-order says */
	assert_int_equal(date_ok("28-11-2026", SOURCE_DATE_MDY), date_ok("2026-11-28", 0));
	assert_int_equal(source_parse_date("03-11-2026 09:14:02", 0, &t, why), FC_EPARSE);
	assert_non_null(strstr(why, "ambiguous"));
	assert_int_equal(source_parse_date("31/31/2026", 0, &t, why), FC_EPARSE);
	assert_int_equal(source_parse_date("29.02.2027", 0, &t, why), FC_EPARSE);
	assert_int_equal(source_parse_date("2026-11-28 25:00", 0, &t, why), FC_EPARSE);
	assert_int_equal(source_parse_date("yesterday", 0, &t, why), FC_EPARSE);
	assert_int_equal(source_parse_date("", 0, &t, why), FC_EPARSE);
}

static void test_csv_utf16_type_line(void **state)
{
	static const char text[] = "#TYPE X\r\n\"Name\",\"OS\"\r\n\"PC-1\",\"Win \"\"10\"\"\"\r\n";
	char data[2 + 2 * sizeof(text)], err[FC_ERRLEN] = "";
	struct source_csv c;
	size_t i;
	bool eof;

	(void)state;
	data[0] = (char)0xff;
	data[1] = (char)0xfe;
	for (i = 0; i + 1 < sizeof(text); i++) {
		data[2 + 2 * i] = text[i];
		data[3 + 2 * i] = 0;
	}
	assert_int_equal(source_csv_open(&c, "f", data, 2 + 2 * (sizeof(text) - 1), err), FC_OK);
	assert_int_equal(source_csv_col(&c, "os"), 1);
	assert_int_equal(source_csv_next(&c, &eof, err), FC_OK);
	assert_false(eof);
	assert_string_equal(source_csv_get(&c, 1), "Win \"10\"");
	assert_int_equal(c.rec_line, 3);
	assert_int_equal(source_csv_next(&c, &eof, err), FC_OK);
	assert_true(eof);
	source_csv_release(&c);
}

static void test_ad_rows(void **state)
{
	static const char text[] =
	    "Name;DNSHostName;Enabled;lastLogonTimestamp;OperatingSystemVersion;ObjectGUID\n"
	    "PC-1;pc-1.Corp.Example.org;False;134400384000000000;10.0 (19045);ABC\n"
	    "PC-2;;True;0;5.1 (2600);\n";
	const struct source_kind *k = source_kind_find("ad-csv");
	char err[FC_ERRLEN] = "";
	struct sighting *rows = NULL;
	size_t n = 0;

	(void)state;
	assert_non_null(k);
	assert_int_equal(source_read(k, "f", text, strlen(text), 0, &rows, &n, err), FC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].host, "pc-1");
	assert_string_equal(rows[0].domain, "corp.example.org");
	assert_string_equal(rows[0].os_version, "10.0.19045");
	assert_string_equal(rows[0].key, "abc");
	assert_false(rows[0].enabled);
	assert_int_equal(rows[0].last_seen, 1795564800);
	assert_int_equal(rows[1].last_seen, 0);
	assert_string_equal(rows[1].key, "pc-2.");
	source_rows_free(rows, n);
	assert_int_equal(source_read(k, "f", "Name\nPC.X\n", 10, 0, &rows, &n, err), FC_EPARSE);
	assert_string_equal(err, "f:2: column Name: not a computer name");
}

/* operatingSystemVersion: AD's form for Windows; a Samba DC's own form kept
 * when OperatingSystem says it is not Windows; refused otherwise. */
static void test_ad_version_forms(void **state)
{
	static const char ok[] = "Name,OperatingSystem,OperatingSystemVersion\n"
	                         "DC1,Samba,4.17.12-Debian\n"
	                         "PC-2,Windows 10 Pro,10.0\n";
	static const char bad[] = "Name,OperatingSystem,OperatingSystemVersion\n"
	                          "PC-1,Windows 10 Pro,4.17.12-Debian\n";
	const struct source_kind *k = source_kind_find("ad-csv");
	char err[FC_ERRLEN] = "";
	struct sighting *rows = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(source_read(k, "f", ok, strlen(ok), 0, &rows, &n, err), FC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].os_version, "4.17.12-Debian");
	assert_string_equal(rows[1].os_version, "10.0");
	source_rows_free(rows, n);
	assert_int_equal(source_read(k, "f", bad, strlen(bad), 0, &rows, &n, err), FC_EPARSE);
	assert_string_equal(err, "f:2: column OperatingSystemVersion: not like '10.0 (19045)'");
	assert_non_null(source_kind_find("ldap"));
	assert_int_equal(source_kind_find("ldap")->evidence, SOURCE_DIRECTORY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_csv_utf16_type_line),
	    cmocka_unit_test(test_ad_rows),
	    cmocka_unit_test(test_ad_version_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
