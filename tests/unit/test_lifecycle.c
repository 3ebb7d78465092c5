/* test_lifecycle.c - the end-of-support catalogue: the shipped rows, the
 * status at the day before, on and after each end date, the matching rules,
 * --lifecycle overrides and malformed CSV.
 *
 * Every expected date is typed by hand from ../shared/reference/lifecycle.csv
 * (or, for operator rows, from the test's own CSV); none is computed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "lifecycle.h"
#include "testutil.h"
#include "xalloc.h"

/* From the Makefile's generated $(BUILD)/gen/lifecycle_data.c. */
extern const unsigned char lifecycle_data[];
extern const size_t lifecycle_data_len;

#define HDR "kind,product,edition,mainstream_end,extended_end,esu_end,source,release\n"
#define HDR7 "kind,product,edition,mainstream_end,extended_end,esu_end,source\n"

static void check_at(int line, const struct lifecycle *lc, const char *kind, const char *product,
                     const char *edition, const char *release, const char *as_of,
                     enum support_status want, const char *want_end)
{
	char end[11] = "garbage!!!";
	enum support_status got;

	got = lifecycle_status_release(lc, kind, product, edition, release, as_of, end);
	if (got != want || strcmp(end, want_end))
		fail_msg("line %d: %s '%s' '%s' '%s' at %s: got %s %s, want %s %s", line, kind,
		         product, edition ? edition : "(null)", release ? release : "(null)", as_of,
		         support_status_name(got), end, support_status_name(want), want_end);
}

/* OS(product, edition, release, as_of, status, end) */
#define OS(...) check_at(__LINE__, *state, "os", __VA_ARGS__)
#define SW(...) check_at(__LINE__, *state, "software", __VA_ARGS__)
#define SUP SUPPORT_SUPPORTED
#define EXT SUPPORT_EXTENDED
#define ESU SUPPORT_ESU
#define EOL SUPPORT_EOL
#define UNK SUPPORT_UNKNOWN

static int setup(void **state)
{
	*state = lifecycle_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	lifecycle_free(*state);
	return 0;
}

static enum fc_rc add(void **state, const char *csv, char *err)
{
	return lifecycle_add_csv(*state, csv, strlen(csv), "test.csv", err);
}

/* ---- the shipped catalogue ---- */

static void test_shipped_embedded(void **state)
{
	size_t len;
	char *text = slurp("data/lifecycle.csv", &len);

	(void)state;
	assert_int_equal(len, lifecycle_data_len);
	assert_memory_equal(text, lifecycle_data, len);
	free(text);
}

static bool has_product(const struct lifecycle *lc, const char *kind, const char *product)
{
	struct lifecycle_row r;
	size_t i;

	for (i = 0; i < lifecycle_count(lc); i++) {
		lifecycle_row_get(lc, i, &r);
		if (!strcmp(r.kind, kind) && !strcmp(r.product, product))
			return true;
	}
	return false;
}

static void assert_date_or_empty(const char *d)
{
	if (*d) {
		assert_int_equal(strlen(d), 10);
		assert_true(d[4] == '-' && d[7] == '-');
	}
}

static void test_shipped_rows(void **state)
{
	static const char *const os[] = {"Windows 2000",
	                                 "Windows XP",
	                                 "Windows Server 2003",
	                                 "Windows Server 2003 R2",
	                                 "Windows Vista",
	                                 "Windows 7",
	                                 "Windows 8",
	                                 "Windows 8.1",
	                                 "Windows 10",
	                                 "Windows 11",
	                                 "Windows Server 2008",
	                                 "Windows Server 2008 R2",
	                                 "Windows Server 2012",
	                                 "Windows Server 2012 R2",
	                                 "Windows Server 2016",
	                                 "Windows Server 2019",
	                                 "Windows Server 2022",
	                                 "Windows Server 2025",
	                                 "Ubuntu 14.04",
	                                 "Ubuntu 16.04",
	                                 "Ubuntu 18.04",
	                                 "Ubuntu 20.04",
	                                 "Ubuntu 22.04",
	                                 "Ubuntu 24.04",
	                                 "Debian 8",
	                                 "Debian 9",
	                                 "Debian 10",
	                                 "Debian 11",
	                                 "Debian 12",
	                                 "Debian 13",
	                                 "Red Hat Enterprise Linux 6",
	                                 "Red Hat Enterprise Linux 7",
	                                 "Red Hat Enterprise Linux 8",
	                                 "Red Hat Enterprise Linux 9",
	                                 "CentOS 6",
	                                 "CentOS 7",
	                                 "CentOS 8",
	                                 "SUSE Linux Enterprise Server 11 SP4",
	                                 "SUSE Linux Enterprise Server 12 SP3",
	                                 "SUSE Linux Enterprise Server 12 SP4",
	                                 "SUSE Linux Enterprise Server 12 SP5",
	                                 "SUSE Linux Enterprise Server 15 SP3",
	                                 "SUSE Linux Enterprise Server 15 SP4",
	                                 "SUSE Linux Enterprise Server 15 SP5",
	                                 "SUSE Linux Enterprise Server 15 SP6",
	                                 "SUSE Linux Enterprise Server 15 SP7"};
	static const char *const sw[] = {
	    "Microsoft Office*2003*", "Microsoft Office*2007*", "Microsoft Office*2010*",
	    "Microsoft Office*2013*", "Microsoft Office*2016*", "Microsoft Office*2019*",
	    "Microsoft Office*2021*", "*Internet Explorer 6*",  "*Internet Explorer 8*",
	    "*Internet Explorer 11*", "Java*6 Update*",         "Java*7 Update*",
	    "Java*8 Update*"};
	const struct lifecycle *lc = *state;
	struct lifecycle_row r;
	size_t i;

	assert_int_equal(lifecycle_count(lc), 109);
	for (i = 0; i < lifecycle_count(lc); i++) {
		lifecycle_row_get(lc, i, &r);
		assert_true(!strcmp(r.kind, "os") || !strcmp(r.kind, "software"));
		assert_true(*r.product && *r.edition && *r.source);
		assert_date_or_empty(r.mainstream_end);
		assert_date_or_empty(r.extended_end);
		assert_date_or_empty(r.esu_end);
		if (*r.mainstream_end && *r.extended_end)
			assert_true(strcmp(r.mainstream_end, r.extended_end) <= 0);
		if (*r.extended_end && *r.esu_end)
			assert_true(strcmp(r.extended_end, r.esu_end) <= 0);
		if (*r.mainstream_end && *r.esu_end)
			assert_true(strcmp(r.mainstream_end, r.esu_end) <= 0);
	}
	for (i = 0; i < sizeof(os) / sizeof(os[0]); i++)
		if (!has_product(lc, "os", os[i]))
			fail_msg("no row for '%s'", os[i]);
	for (i = 0; i < sizeof(sw) / sizeof(sw[0]); i++)
		if (!has_product(lc, "software", sw[i]))
			fail_msg("no row for '%s'", sw[i]);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(support_status_name(SUPPORT_UNKNOWN), "unknown");
	assert_string_equal(support_status_name(SUPPORT_SUPPORTED), "supported");
	assert_string_equal(support_status_name(SUPPORT_EXTENDED), "extended");
	assert_string_equal(support_status_name(SUPPORT_ESU), "esu");
	assert_string_equal(support_status_name(SUPPORT_EOL), "eol");
}

/* ---- boundaries: the end date is the last day of its phase ---- */

static void test_xp(void **state)
{
	OS("Windows XP", "Professional", "", "2009-04-13", SUP, "2009-04-14");
	OS("Windows XP", "Professional", "", "2009-04-14", SUP, "2009-04-14");
	OS("Windows XP", "Professional", "", "2009-04-15", EXT, "2014-04-08");
	OS("Windows XP", "Professional", "", "2014-04-07", EXT, "2014-04-08");
	OS("Windows XP", "Professional", "", "2014-04-08", EXT, "2014-04-08");
	OS("Windows XP", "Professional", "", "2014-04-09", EOL, "2014-04-08");
	OS("Windows XP", "Home", "", "2014-04-09", EOL, "2014-04-08");
	OS("Windows XP", "Professional x64", "", "2014-04-08", EXT, "2014-04-08");
	OS("Windows XP", "Media Center", "", "2014-04-09", EOL, "2014-04-08");
	OS("Windows XP", "Tablet PC", "", "2014-04-08", EXT, "2014-04-08");
	/* case-insensitive product and edition */
	OS("windows xp", "PROFESSIONAL", "", "2014-04-09", EOL, "2014-04-08");
	/* XP Embedded SP3 */
	OS("Windows XP", "Embedded", "", "2016-01-11", EXT, "2016-01-12");
	OS("Windows XP", "Embedded", "", "2016-01-12", EXT, "2016-01-12");
	OS("Windows XP", "Embedded", "", "2016-01-13", EOL, "2016-01-12");
	OS("Windows XP", "WEPOS", "", "2016-04-12", EXT, "2016-04-12");
	OS("Windows XP", "Embedded Standard 2009", "", "2019-01-08", EXT, "2019-01-08");
	/* not in the reference: listed as unknown, never guessed */
	OS("Windows XP", "Starter", "", "2010-01-01", UNK, "");
	OS("Windows XP", "", "", "2010-01-01", UNK, "");
}

static void test_posready_2009(void **state)
{
	OS("Windows XP", "POSReady 2009", "", "2014-04-07", SUP, "2014-04-08");
	OS("Windows XP", "POSReady 2009", "", "2014-04-08", SUP, "2014-04-08");
	OS("Windows XP", "POSReady 2009", "", "2014-04-09", EXT, "2019-04-09");
	OS("Windows XP", "POSReady 2009", "", "2019-04-08", EXT, "2019-04-09");
	OS("Windows XP", "POSReady 2009", "", "2019-04-09", EXT, "2019-04-09");
	OS("Windows XP", "POSReady 2009", "", "2019-04-10", EOL, "2019-04-09");
	OS("Windows XP", "Embedded POSReady 2009", "", "2019-04-10", EOL, "2019-04-09");
}

static void test_windows_7(void **state)
{
	OS("Windows 7", "Professional", "", "2015-01-12", SUP, "2015-01-13");
	OS("Windows 7", "Professional", "", "2015-01-13", SUP, "2015-01-13");
	OS("Windows 7", "Professional", "", "2015-01-14", EXT, "2020-01-14");
	OS("Windows 7", "Professional", "", "2020-01-13", EXT, "2020-01-14");
	OS("Windows 7", "Professional", "", "2020-01-14", EXT, "2020-01-14");
	OS("Windows 7", "Professional", "", "2020-01-15", ESU, "2023-01-10");
	OS("Windows 7", "Enterprise", "", "2023-01-09", ESU, "2023-01-10");
	OS("Windows 7", "Ultimate", "", "2023-01-10", ESU, "2023-01-10");
	OS("Windows 7", "Home Premium", "", "2023-01-11", EOL, "2023-01-10");
	/* lifecycle_status (no release) gives the same */
	{
		char end[11];

		assert_int_equal(
		    lifecycle_status(*state, "os", "Windows 7", "Professional", "2020-01-15", end),
		    SUPPORT_ESU);
		assert_string_equal(end, "2023-01-10");
	}
	/* Embedded Standard 7 and POSReady 7 have their own dates */
	OS("Windows 7", "Embedded Standard", "", "2020-10-14", ESU, "2023-10-10");
	OS("Windows 7", "POSReady 7", "", "2024-10-08", ESU, "2024-10-08");
	OS("Windows 7", "POSReady 7", "", "2024-10-09", EOL, "2024-10-08");
}

static void test_server_2008_r2(void **state)
{
	OS("Windows Server 2008 R2", "Datacenter", "", "2015-01-13", SUP, "2015-01-13");
	OS("Windows Server 2008 R2", "Datacenter", "", "2015-01-14", EXT, "2020-01-14");
	OS("Windows Server 2008 R2", "Standard", "", "2020-01-13", EXT, "2020-01-14");
	OS("Windows Server 2008 R2", "Standard", "", "2020-01-14", EXT, "2020-01-14");
	OS("Windows Server 2008 R2", "Standard", "", "2020-01-15", ESU, "2023-01-10");
	OS("Windows Server 2008 R2", "Enterprise", "", "2023-01-09", ESU, "2023-01-10");
	OS("Windows Server 2008 R2", "Enterprise", "", "2023-01-10", ESU, "2023-01-10");
	OS("Windows Server 2008 R2", "Enterprise", "", "2023-01-11", EOL, "2023-01-10");
	OS("Windows Server 2003 R2", "Standard", "", "2015-07-15", EOL, "2015-07-14");
	OS("Windows Server 2012 R2", "Standard", "", "2026-10-13", ESU, "2026-10-13");
	OS("Windows Server 2022", "Datacenter", "", "2026-10-14", EXT, "2031-10-14");
}

static void test_linux(void **state)
{
	/* Ubuntu: standard support, then ESM (esu) */
	OS("Ubuntu 22.04", "", "", "2027-03-31", SUP, "2027-04-01");
	OS("Ubuntu 22.04", "", "", "2027-04-01", SUP, "2027-04-01");
	OS("Ubuntu 22.04", "", "", "2027-04-02", ESU, "2032-04-09");
	OS("Ubuntu 22.04", "", "", "2032-04-08", ESU, "2032-04-09");
	OS("Ubuntu 22.04", "", "", "2032-04-09", ESU, "2032-04-09");
	OS("Ubuntu 22.04", "", "", "2032-04-10", EOL, "2032-04-09");
	/* Debian: security support, then LTS (free: extended, not esu) */
	OS("Debian 12", "", "", "2026-07-10", SUP, "2026-07-11");
	OS("Debian 12", "", "", "2026-07-11", SUP, "2026-07-11");
	OS("Debian 12", "", "", "2026-07-12", EXT, "2028-06-30");
	OS("Debian 12", "", "", "2028-06-30", EXT, "2028-06-30");
	OS("Debian 12", "", "", "2028-07-01", EOL, "2028-06-30");
	/* RHEL: full, maintenance, ELS */
	OS("Red Hat Enterprise Linux 8", "", "", "2024-05-31", SUP, "2024-05-31");
	OS("Red Hat Enterprise Linux 8", "", "", "2024-06-01", EXT, "2029-05-31");
	OS("Red Hat Enterprise Linux 8", "", "", "2029-06-01", ESU, "2033-05-31");
	OS("CentOS 7", "", "", "2024-06-30", EXT, "2024-06-30");
	OS("CentOS 7", "", "", "2024-07-01", EOL, "2024-06-30");
	OS("SUSE Linux Enterprise Server 15 SP5", "", "", "2025-01-01", ESU, "2027-12-31");
	/* not in the reference */
	OS("Rocky Linux 9", "", "", "2025-01-01", UNK, "");
	OS("Alpine Linux 3.19", "", "", "2025-01-01", UNK, "");
}

static void test_windows_10_11(void **state)
{
	/* 22H2, any edition: end of servicing, then commercial ESU */
	OS("Windows 10", "Pro", "22H2", "2025-10-14", SUP, "2025-10-14");
	OS("Windows 10", "Pro", "22H2", "2025-10-15", ESU, "2028-10-10");
	OS("Windows 10", "Enterprise", "22H2", "2028-10-11", EOL, "2028-10-10");
	/* 21H2: Home/Pro and Enterprise/Education differ */
	OS("Windows 10", "Pro", "21H2", "2023-06-13", SUP, "2023-06-13");
	OS("Windows 10", "Pro", "21H2", "2023-06-14", EOL, "2023-06-13");
	OS("Windows 10", "Enterprise", "21H2", "2024-06-11", SUP, "2024-06-11");
	OS("Windows 10", "Education", "21H2", "2024-06-12", EOL, "2024-06-11");
	OS("Windows 10", "Pro Education", "21H2", "2023-06-14", EOL, "2023-06-13");
	/* no release: the 22H2 fallback */
	OS("Windows 10", "Pro", "", "2025-10-15", ESU, "2028-10-10");
	/* LTSB/LTSC editions */
	OS("Windows 10", "Enterprise LTSC 2019", "1809", "2024-01-09", SUP, "2024-01-09");
	OS("Windows 10", "Enterprise LTSC 2019", "1809", "2024-01-10", EXT, "2029-01-09");
	OS("Windows 10", "Enterprise LTSC 2021", "21H2", "2027-01-12", SUP, "2027-01-12");
	OS("Windows 10", "Enterprise LTSC 2021", "21H2", "2027-01-13", EOL, "2027-01-12");
	OS("Windows 10", "IoT Enterprise LTSC 2021", "21H2", "2027-01-13", EXT, "2032-01-13");
	OS("Windows 10", "Enterprise LTSB 2016", "1607", "2026-10-13", EXT, "2026-10-13");
	OS("Windows 10", "Enterprise 2016 LTSB", "1607", "2026-10-14", EOL, "2026-10-13");
	OS("Windows 10", "IoT Enterprise LTSC 2019", "1809", "2024-01-10", UNK, "");
	/* Windows 11 */
	OS("Windows 11", "Pro", "23H2", "2025-11-11", SUP, "2025-11-11");
	OS("Windows 11", "Pro", "23H2", "2025-11-12", EOL, "2025-11-11");
	OS("Windows 11", "Enterprise", "23H2", "2025-11-12", SUP, "2026-11-10");
	OS("Windows 11", "Home", "22H2", "2024-10-09", EOL, "2024-10-08");
	OS("Windows 11", "Enterprise", "22H2", "2025-10-14", SUP, "2025-10-14");
	OS("Windows 11", "Pro", "24H2", "2026-10-13", SUP, "2026-10-13");
	OS("Windows 11", "Enterprise LTSC 2024", "24H2", "2029-10-10", EOL, "2029-10-09");
	OS("Windows 11", "IoT Enterprise LTSC 2024", "24H2", "2029-10-10", EXT, "2034-10-10");
	/* release unknown or not in the catalogue: unknown, never guessed */
	OS("Windows 11", "Pro", "", "2025-01-01", UNK, "");
	OS("Windows 11", "Pro", NULL, "2025-01-01", UNK, "");
	OS("Windows 11", "Pro", "27H2", "2025-01-01", UNK, "");
}

static void test_software(void **state)
{
	SW("Microsoft Office Professional Edition 2003", "11.0.8173.0", "", "2014-04-08", EXT,
	   "2014-04-08");
	SW("Microsoft Office Professional Edition 2003", "11.0.8173.0", "", "2014-04-09", EOL,
	   "2014-04-08");
	SW("Microsoft Office Standard 2007", "*", "", "2017-10-10", EXT, "2017-10-10");
	SW("Microsoft Office Professional Plus 2010", "14.0.7015.1000", "", "2020-10-14", EOL,
	   "2020-10-13");
	SW("Windows Internet Explorer 8", "8.0.6001.18702", "", "2016-01-12", SUP, "2016-01-12");
	SW("Windows Internet Explorer 8", "8.0.6001.18702", "", "2016-01-13", EOL, "2016-01-12");
	SW("Java(TM) 6 Update 45", "6.0.450", "", "2013-02-28", SUP, "2013-02-28");
	SW("Java(TM) 6 Update 45", "6.0.450", "", "2013-03-01", ESU, "2018-12-31");
	SW("Java 8 Update 351 (64-bit)", "8.0.3510.10", "", "2024-01-01", ESU, "2030-12-31");
	SW("Google Chrome", "120.0", "", "2024-01-01", UNK, "");
	/* an os product is not software, nor the reverse */
	check_at(__LINE__, *state, "software", "Windows 7", "", "", "2016-01-01", UNK, "");
	check_at(__LINE__, *state, "os", "Microsoft Office Standard 2007", "*", "", "2016-01-01",
	         UNK, "");
}

/* ---- extended programmes: esu only where something must be bought ---- */

/* One case per programme (docs/lifecycle.md, "Extended programmes"), each
 * inside its window: the paid ones are esu, the free one is not. */
static void test_programmes(void **state)
{
	/* Windows ESU (paid): Windows 10 22H2 after its end of servicing */
	OS("Windows 10", "Pro", "22H2", "2025-10-14", SUP, "2025-10-14");
	OS("Windows 10", "Pro", "22H2", "2025-10-15", ESU, "2028-10-10");
	OS("Windows 10", "Enterprise", "22H2", "2026-12-04", ESU, "2028-10-10");
	OS("Windows Server 2012 R2", "Standard", "", "2024-01-01", ESU, "2026-10-13");
	/* Ubuntu Pro ESM (paid for organisations) */
	OS("Ubuntu 20.04", "", "", "2025-06-01", ESU, "2030-04-02");
	OS("Ubuntu 18.04", "", "", "2026-12-04", ESU, "2028-04-01");
	/* RHEL ELS (paid) */
	OS("Red Hat Enterprise Linux 7", "", "", "2024-07-01", ESU, "2029-05-31");
	/* SLES LTSS (paid) */
	OS("SUSE Linux Enterprise Server 12 SP5", "", "", "2024-11-01", ESU, "2027-10-31");
	/* Oracle Java Extended Support (paid) */
	SW("Java 8 Update 351", "8.0.3510.10", "", "2019-02-01", ESU, "2030-12-31");
	/* Debian LTS (free, community): security updates continue, nothing to buy */
	OS("Debian 12", "", "", "2026-12-04", EXT, "2028-06-30");
	OS("Debian 11", "", "", "2026-08-31", EXT, "2026-08-31");
	OS("Debian 11", "", "", "2026-09-01", EOL, "2026-08-31");
	OS("Debian 10", "", "", "2024-06-30", EXT, "2024-06-30");
	OS("Debian 8", "", "", "2019-01-01", EXT, "2020-06-30");
}

/* esu means a purchase is needed: every shipped row with an esu_end is one
 * of the paid programmes' products, and no Debian row has one (Debian LTS
 * is free: it is the extended phase). */
static void test_esu_only_paid(void **state)
{
	static const char *const paid[] = {"Windows ", "Ubuntu ", "Red Hat Enterprise Linux ",
	                                   "SUSE Linux Enterprise Server ", "Java*"};
	struct lifecycle_row row;
	size_t i, j, debian = 0;

	for (i = 0; i < lifecycle_count(*state); i++) {
		lifecycle_row_get(*state, i, &row);
		if (!strncmp(row.product, "Debian ", 7)) {
			debian++;
			assert_string_equal(row.esu_end, "");
			assert_true(row.extended_end[0] != '\0');
			assert_non_null(strstr(row.source, "LTS"));
		}
		if (!row.esu_end[0])
			continue;
		for (j = 0; j < sizeof(paid) / sizeof(paid[0]); j++)
			if (!strncmp(row.product, paid[j], strlen(paid[j])))
				break;
		if (j == sizeof(paid) / sizeof(paid[0]))
			fail_msg("'%s' has an esu_end but is not a paid programme's product",
			         row.product);
	}
	assert_int_equal(debian, 6);
}

static void test_bad_arguments(void **state)
{
	OS("Windows 7", "Professional", "", "2023-02-30", UNK, "");
	OS("Windows 7", "Professional", "", "20230101", UNK, "");
	OS("Windows 7", "Professional", "", "", UNK, "");
	OS("Windows 7", NULL, "", "2016-01-01", EXT, "2020-01-14"); /* NULL edition is "" */
	check_at(__LINE__, *state, "os", NULL, "", "", "2016-01-01", UNK, "");
	check_at(__LINE__, *state, "hardware", "Windows 7", "", "", "2016-01-01", UNK, "");
	check_at(__LINE__, NULL, "os", "Windows 7", "", "", "2016-01-01", UNK, "");
}

/* ---- matching ---- */

static void test_specificity(void **state)
{
	char err[FC_ERRLEN];

	assert_int_equal(add(state,
	                     HDR "os,Test OS 1,*,2001-01-01,,,any,\n"
	                         "os,Test OS 1,Pro,2002-01-01,,,exact,\n"
	                         "os,Test OS 1,Pro*,2003-01-01,,,prefix 3,\n"
	                         "os,Test OS 1,*Workstation*,2004-01-01,,,no prefix,\n"
	                         "os,Test OS 1,Pro Work*,2005-01-01,,,prefix 8,\n"
	                         "os,Test OS 1,*?,2006-01-01,,,one literal less than *a*,\n"
	                         "os,Test OS 1,*a*,2007-01-01,,,one literal,\n"
	                         "os,Test OS 1,Ent?,2008-01-01,,,tie 1,\n"
	                         "os,Test OS 1,Ent*,2009-01-01,,,tie 2 (later wins),\n",
	                     err),
	                 FC_OK);
	OS("Test OS 1", "Pro", "", "2000-01-01", SUP, "2002-01-01");
	OS("Test OS 1", "pro", "", "2000-01-01", SUP, "2002-01-01");
	OS("Test OS 1", "Pro N", "", "2000-01-01", SUP, "2003-01-01");
	OS("Test OS 1", "Pro for Workstations", "", "2000-01-01", SUP, "2003-01-01");
	OS("Test OS 1", "Pro Workstation", "", "2000-01-01", SUP, "2005-01-01");
	OS("Test OS 1", "Home Workstation", "", "2000-01-01", SUP, "2004-01-01");
	OS("Test OS 1", "Home", "", "2000-01-01", SUP, "2006-01-01");
	OS("Test OS 1", "Datacenter", "", "2000-01-01", SUP, "2007-01-01");
	OS("Test OS 1", "", "", "2000-01-01", SUP, "2001-01-01");
	OS("Test OS 1", "Entx", "", "2000-01-01", SUP, "2009-01-01");
	/* release: a row naming the release beats one for any release */
	assert_int_equal(add(state,
	                     HDR "os,Test OS 2,*,2001-01-01,,,any release,\n"
	                         "os,Test OS 2,*,2002-01-01,,,2?H2,2?H2\n"
	                         "os,Test OS 2,*,2003-01-01,,,22H2,22h2\n"
	                         "os,Test OS 2,E*,2004-01-01,,,edition first,21H2\n",
	                     err),
	                 FC_OK);
	OS("Test OS 2", "Pro", "22H2", "2000-01-01", SUP, "2003-01-01");
	OS("Test OS 2", "Pro", "23H2", "2000-01-01", SUP, "2002-01-01");
	OS("Test OS 2", "Pro", "1809", "2000-01-01", SUP, "2001-01-01");
	OS("Test OS 2", "Pro", "", "2000-01-01", SUP, "2001-01-01");
	OS("Test OS 2", "Enterprise", "21H2", "2000-01-01", SUP, "2004-01-01");
	OS("Test OS 2", "Enterprise", "22H2", "2000-01-01", SUP, "2003-01-01");
}

static void test_dates_phases(void **state)
{
	char err[FC_ERRLEN];

	/* only an extended end (modern lifecycle): supported until it */
	assert_int_equal(add(state,
	                     HDR "os,Test OS 3,*,,2010-06-30,,x,\n"
	                         "os,Test OS 4,*,2010-06-30,,,x,\n"
	                         "os,Test OS 5,*,,,2010-06-30,x,\n"
	                         "os,Test OS 6,*,2010-06-30,2010-06-30,2010-06-30,x,\n"
	                         "os,Test OS 7,*,,,,undated,\n",
	                     err),
	                 FC_OK);
	OS("Test OS 3", "", "", "2010-06-30", SUP, "2010-06-30");
	OS("Test OS 3", "", "", "2010-07-01", EOL, "2010-06-30");
	OS("Test OS 4", "", "", "2010-06-30", SUP, "2010-06-30");
	OS("Test OS 4", "", "", "2010-07-01", EOL, "2010-06-30");
	OS("Test OS 5", "", "", "2010-06-30", ESU, "2010-06-30");
	OS("Test OS 5", "", "", "2010-07-01", EOL, "2010-06-30");
	OS("Test OS 6", "", "", "2010-06-30", SUP, "2010-06-30");
	OS("Test OS 6", "", "", "2010-07-01", EOL, "2010-06-30");
	OS("Test OS 7", "", "", "2010-07-01", UNK, "");
	/* leap days */
	assert_int_equal(add(state, HDR "os,Test OS 8,*,2000-02-29,2024-02-29,,x,\n", err), FC_OK);
	OS("Test OS 8", "", "", "2024-02-29", EXT, "2024-02-29");
	OS("Test OS 8", "", "", "2024-03-01", EOL, "2024-02-29");
}

/* ---- overrides ---- */

static void test_override_esu(void **state)
{
	char err[FC_ERRLEN];
	size_t n = lifecycle_count(*state);

	OS("Windows Server 2008 R2", "Datacenter", "", "2023-06-01", EOL, "2023-01-10");
	/* the operator's machines run on Azure: ESU Year 4 */
	assert_int_equal(add(state,
	                     HDR7 "os,Windows Server 2008 R2,*,2015-01-13,2020-01-14,2024-01-09,"
	                          "\"operator: Azure ESU Year 4, contract 17\"\n",
	                     err),
	                 FC_OK);
	assert_string_equal(err, "");
	assert_int_equal(lifecycle_count(*state), n);
	OS("Windows Server 2008 R2", "Datacenter", "", "2023-06-01", ESU, "2024-01-09");
	OS("Windows Server 2008 R2", "Datacenter", "", "2024-01-09", ESU, "2024-01-09");
	OS("Windows Server 2008 R2", "Datacenter", "", "2024-01-10", EOL, "2024-01-09");
	/* the key is case-insensitive: this replaces the row again */
	assert_int_equal(
	    add(state, HDR7 "os,WINDOWS SERVER 2008 R2,*,2015-01-13,2020-01-14,2024-01-10,x\n",
	        err),
	    FC_OK);
	assert_int_equal(lifecycle_count(*state), n);
	OS("Windows Server 2008 R2", "Datacenter", "", "2024-01-10", ESU, "2024-01-10");
	/* Windows Server 2008 (not R2) is untouched */
	OS("Windows Server 2008", "Datacenter", "", "2023-06-01", EOL, "2023-01-10");
}

static void test_override_new_product(void **state)
{
	char err[FC_ERRLEN];
	size_t n = lifecycle_count(*state);

	OS("Rocky Linux 9", "", "", "2026-01-01", UNK, "");
	assert_int_equal(add(state,
	                     "\xEF\xBB\xBF" HDR "os,Rocky Linux 9,*,2027-05-31,2032-05-31,,"
	                     "\"operator, checked \"\"rocky\"\" page\nline 2\",\r\n",
	                     err),
	                 FC_OK);
	assert_int_equal(lifecycle_count(*state), n + 1);
	OS("Rocky Linux 9", "", "", "2026-01-01", SUP, "2027-05-31");
	OS("Rocky Linux 9", "", "", "2027-06-01", EXT, "2032-05-31");
	{
		struct lifecycle_row r;

		lifecycle_row_get(*state, n, &r);
		assert_string_equal(r.product, "Rocky Linux 9");
		assert_string_equal(r.source, "operator, checked \"rocky\" page\nline 2");
		assert_string_equal(r.release, "");
		assert_string_equal(r.esu_end, "");
	}
}

static void test_override_file(void **state)
{
	char dir[256], path[300], err[FC_ERRLEN];
	FILE *f;

	assert_true(tmpdir_new(dir, sizeof(dir), "lifecycle"));
	snprintf(path, sizeof(path), "%s/override.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(HDR7 "os,Windows 7,*,2015-01-13,2020-01-14,2024-01-09,operator\r\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(lifecycle_add_file(*state, path, err), FC_OK);
	OS("Windows 7", "Professional", "", "2023-06-01", ESU, "2024-01-09");
	/* errors name the file */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(HDR7 "os,Windows 7,*,2015-01-13,2020-01-14,2024-13-09,operator\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(lifecycle_add_file(*state, path, err), FC_EPARSE);
	assert_non_null(strstr(err, "override.csv:2: field 6 (esu_end)"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(lifecycle_add_file(*state, path, err), FC_ENOENT);
	assert_non_null(strstr(err, "override.csv"));
	assert_int_equal(rmdir(dir), 0);
	OS("Windows 7", "Professional", "", "2023-06-01", ESU, "2024-01-09");
}

/* ---- malformed CSV: FC_EPARSE naming line and field, nothing changed ---- */

static void bad_csv(void **state, const char *csv, enum fc_rc want_rc, const char *want_err)
{
	char err[FC_ERRLEN];
	size_t n = lifecycle_count(*state);

	assert_int_equal(add(state, csv, err), want_rc);
	if (!strstr(err, want_err))
		fail_msg("err '%s' does not contain '%s'", err, want_err);
	assert_int_equal(lifecycle_count(*state), n);
	/* the valid row before the bad one was not applied either */
	OS("Windows XP", "Professional", "", "2014-04-09", EOL, "2014-04-08");
}

#define XP_ROW "os,Windows XP,Professional*,2009-04-14,2020-01-01,,changed,\n"

static void test_bad_csv(void **state)
{
	bad_csv(state, "", FC_EPARSE, "test.csv:1: no header line");
	bad_csv(state, "\n\n", FC_EPARSE, "test.csv:3: no header line");
	bad_csv(state, XP_ROW, FC_EPARSE, "test.csv:1: field 1: header must be");
	bad_csv(state, "kind,product,edition\n" XP_ROW, FC_EPARSE, "test.csv:1: field 4: header");
	bad_csv(state, "kind,product,edition,mainstream_end,extended_end,esu_end,source,x\n",
	        FC_EPARSE, "test.csv:1: field 8: header");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,2023-02-30,,,x,\n", FC_EPARSE,
	        "test.csv:3: field 4 (mainstream_end): '2023-02-30' is not a date");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,,2023-02-29,,x,\n", FC_EPARSE,
	        "test.csv:3: field 5 (extended_end): '2023-02-29'");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,,,1900-02-29,x,\n", FC_EPARSE,
	        "test.csv:3: field 6 (esu_end): '1900-02-29'");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,2023-1-01,,,x,\n", FC_EPARSE,
	        "test.csv:3: field 4 (mainstream_end)");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,2020-01-01,2019-12-31,,x,\n", FC_EPARSE,
	        "test.csv:3: field 5 (extended_end): 2019-12-31 is before mainstream_end");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,,2020-01-01,2019-12-31,x,\n", FC_EPARSE,
	        "test.csv:3: field 6 (esu_end): 2019-12-31 is before extended_end");
	bad_csv(state, HDR XP_ROW "hardware,Test OS,*,2020-01-01,,,x,\n", FC_EPARSE,
	        "test.csv:3: field 1 (kind): unknown kind 'hardware'");
	bad_csv(state, HDR XP_ROW "OS,Test OS,*,2020-01-01,,,x,\n", FC_EPARSE,
	        "test.csv:3: field 1 (kind)");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,2020-01-01,,,\"x,\n\nmore", FC_EPARSE,
	        "test.csv:3: field 7 (source): unterminated quoted field");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,2020-01-01,,,\"x\"y,\n", FC_EPARSE,
	        "test.csv:3: field 7 (source): text after the closing quote");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,2020-01-01,,,x\"y,\n", FC_EPARSE,
	        "test.csv:3: field 7 (source): quote inside an unquoted field");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,2020-01-01,,,x,,\n", FC_EPARSE,
	        "test.csv:3: field 9 (extra): too many fields");
	bad_csv(state, HDR7 XP_ROW, FC_EPARSE, "test.csv:2: field 8 (extra): 8 fields, not 7");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,2020-01-01,,\n", FC_EPARSE,
	        "test.csv:3: field 7 (source): 6 fields, not 8");
	bad_csv(state, HDR XP_ROW "os,,*,2020-01-01,,,x,\n", FC_EPARSE,
	        "test.csv:3: field 2 (product): empty");
	bad_csv(state, HDR XP_ROW "os,Test OS,,2020-01-01,,,x,\n", FC_EPARSE,
	        "test.csv:3: field 3 (edition): empty");
	bad_csv(state, HDR XP_ROW "os,Test OS ,*,2020-01-01,,,x,\n", FC_EPARSE,
	        "test.csv:3: field 2 (product): leading or trailing space");
	bad_csv(state, HDR XP_ROW "os,Test OS,*,2020-01-01,,,x,\r\r\n", FC_EPARSE,
	        "test.csv:3: field 8 (release): carriage return");
}

static void test_field_limits(void **state)
{
	char err[FC_ERRLEN];
	struct buf b;

	buf_init(&b, 8192);
	assert_int_equal(buf_addstr(&b, HDR XP_ROW "os,Test OS 9,*,2020-01-01,,,\""), FC_OK);
	add_many(&b, 'x', 1025);
	assert_int_equal(buf_addstr(&b, "\",\n"), FC_OK);
	bad_csv(state, buf_cstr(&b), FC_EPARSE,
	        "test.csv:3: field 7 (source): longer than 1024 bytes");
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, HDR "os,"), FC_OK);
	add_many(&b, 'p', 1025);
	assert_int_equal(buf_addstr(&b, ",*,2020-01-01,,,x,\n"), FC_OK);
	bad_csv(state, buf_cstr(&b), FC_EPARSE, "test.csv:2: field 2 (product): longer than 1024");
	/* 1024 bytes are fine */
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, HDR "os,"), FC_OK);
	add_many(&b, 'p', 1024);
	assert_int_equal(buf_addstr(&b, ",*,2020-01-01,,,x,\n"), FC_OK);
	assert_int_equal(add(state, buf_cstr(&b), err), FC_OK);
	buf_release(&b);
}

static void test_row_and_size_limits(void **state)
{
	struct buf b;
	size_t i, n = lifecycle_count(*state);
	char err[FC_ERRLEN], *big;

	buf_init(&b, 1u << 20);
	assert_int_equal(buf_addstr(&b, HDR7), FC_OK);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_printf(&b, "os,Bulk %zu,*,2020-01-01,,,x\n", i), FC_OK);
	assert_int_equal(buf_addstr(&b, "os,Bulk extra,*,2020-01-01,,,x\n"), FC_OK);
	bad_csv(state, buf_cstr(&b), FC_ELIMIT, "test.csv:10002: more than 10000 rows");
	/* exactly 10,000 rows load */
	b.len -= strlen("os,Bulk extra,*,2020-01-01,,,x\n");
	assert_int_equal(lifecycle_add_csv(*state, b.ptr, b.len, "test.csv", err), FC_OK);
	assert_int_equal(lifecycle_count(*state), n + 10000);
	OS("Bulk 9999", "", "", "2020-01-01", SUP, "2020-01-01");
	buf_release(&b);
	/* more than 4 MiB: refused before reading */
	big = xcalloc(1, (4u << 20) + 2);
	memcpy(big, HDR7, strlen(HDR7));
	assert_int_equal(lifecycle_add_csv(*state, big, (4u << 20) + 1, "big.csv", err), FC_ELIMIT);
	assert_non_null(strstr(err, "big.csv: larger than 4 MiB"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_embedded),
	    cmocka_unit_test_setup_teardown(test_shipped_rows, setup, teardown),
	    cmocka_unit_test(test_status_names),
	    cmocka_unit_test_setup_teardown(test_xp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_posready_2009, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_windows_7, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_server_2008_r2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_linux, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_windows_10_11, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_software, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_programmes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_esu_only_paid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_specificity, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dates_phases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_override_esu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_override_new_product, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_override_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_field_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_row_and_size_limits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
