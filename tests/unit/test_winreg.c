/* test_winreg.c - decoding raw registry values and the Uninstall-entry
 * rules (agent/winreg_decode.c). Values are written in regedit's export
 * notation (hex(7):... = REG_MULTI_SZ bytes); where they come from a real
 * export, tests/fixtures/SOURCES.md names it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "winreg_decode.h"

/* Parses regedit's "4d,00,58,00,\<newline>  44,..." into out; returns the
 * byte count. */
static size_t reg_hex(const char *text, unsigned char *out, size_t max)
{
	size_t n = 0;
	char *end;

	while (*text) {
		if (strchr(", \\\n", *text)) {
			text++;
			continue;
		}
		assert_true(n < max);
		out[n++] = (unsigned char)strtoul(text, &end, 16);
		assert_true(end == text + 2);
		text = end;
	}
	return n;
}

/* UTF-16LE bytes of an ASCII string, without a NUL. */
static size_t utf16(const char *s, unsigned char *out)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		out[2 * i] = (unsigned char)s[i];
		out[2 * i + 1] = 0;
	}
	return 2 * i;
}

static char *dec(unsigned type, const unsigned char *b, size_t len)
{
	char err[FC_ERRLEN], *s = NULL;

	assert_int_equal(winreg_string(type, b, len, &s, err), FC_OK);
	assert_non_null(s);
	return s;
}

/* A REG_MULTI_SZ from a Windows 8.1 export (SOURCES.md: PrinterReset). */
static void test_multi_sz_real(void **state)
{
	static const char xps[] =
	    "4d,00,58,00,44,00,57,00,2d,00,6d,00,61,00,6e,00,69,00,\\\n"
	    "  66,00,65,00,73,00,74,00,2e,00,69,00,6e,00,69,00,00,00,4d,00,58,00,44,00,57,\\\n"
	    "  00,2d,00,70,00,69,00,70,00,65,00,6c,00,69,00,6e,00,65,00,63,00,6f,00,6e,00,\\\n"
	    "  66,00,69,00,67,00,2e,00,78,00,6d,00,6c,00,00,00,6d,00,78,00,64,00,77,00,64,\\\n"
	    "  00,75,00,69,00,2e,00,64,00,6c,00,6c,00,00,00,00,00";
	unsigned char b[512];
	size_t n = reg_hex(xps, b, sizeof(b));
	char *s;

	(void)state;
	s = dec(WINREG_MULTI_SZ, b, n);
	assert_string_equal(s, "MXDW-manifest.ini\nMXDW-pipelineconfig.xml\nmxdwdui.dll");
	assert_true(winreg_list_has(s, "mxdwdui.DLL"));
	assert_false(winreg_list_has(s, "MXDW"));
	free(s);
	/* "Previous Names"=hex(7):00,00,00,00 - the empty list */
	n = reg_hex("00,00,00,00", b, sizeof(b));
	s = dec(WINREG_MULTI_SZ, b, n);
	assert_string_equal(s, "");
	free(s);
	/* the same list cut short: no final NULs, and an odd byte */
	n = reg_hex(xps, b, sizeof(b)) - 5;
	s = dec(WINREG_MULTI_SZ, b, n);
	assert_string_equal(s, "MXDW-manifest.ini\nMXDW-pipelineconfig.xml\nmxdwdui.dl");
	free(s);
}

static void test_sz_termination(void **state)
{
	unsigned char b[128];
	size_t n = utf16("Microsoft Windows XP", b);
	char *s;

	(void)state;
	s = dec(WINREG_SZ, b, n); /* no terminating NUL */
	assert_string_equal(s, "Microsoft Windows XP");
	free(s);
	b[n] = 0;
	b[n + 1] = 0;
	s = dec(WINREG_SZ, b, n + 2); /* with one */
	assert_string_equal(s, "Microsoft Windows XP");
	free(s);
	s = dec(WINREG_SZ, b, n + 1); /* an odd byte count: the half unit is dropped */
	assert_string_equal(s, "Microsoft Windows XP");
	free(s);
	s = dec(WINREG_EXPAND_SZ, b, 0); /* empty */
	assert_string_equal(s, "");
	free(s);
	/* stops at the first NUL, as RegGetValue would */
	n = utf16("Service Pack 3", b);
	b[10] = 0;
	s = dec(WINREG_SZ, b, n);
	assert_string_equal(s, "Servi");
	free(s);
}

static void test_utf16(void **state)
{
	/* "Übersetzer 中文 😀" then an unpaired high and an unpaired low surrogate */
	static const unsigned char b[] = {0xDC, 0x00, 'b', 0, ' ',  0,    0x2D, 0x4E,
	                                  0x87, 0x65, ' ', 0, 0x3D, 0xD8, 0x00, 0xDE,
	                                  0x3D, 0xD8, 'x', 0, 0x00, 0xDE, 'y',  0};
	char *s;

	(void)state;
	s = dec(WINREG_SZ, b, sizeof(b));
	assert_string_equal(s, "\xC3\x9C"
	                       "b \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80"
	                       "\xEF\xBF\xBDx\xEF\xBF\xBDy");
	free(s);
	s = winreg_utf16_to_utf8(b, 1); /* one byte: no unit at all */
	assert_string_equal(s, "");
	free(s);
}

static void test_string_errors(void **state)
{
	unsigned char b[8] = {1, 0, 0, 0};
	unsigned char *big = calloc(WINREG_MAX_VALUE + 2, 1);
	char err[FC_ERRLEN], *s = (char *)b;

	(void)state;
	assert_int_equal(winreg_string(WINREG_DWORD, b, 4, &s, err), FC_EPARSE);
	assert_null(s);
	assert_non_null(strstr(err, "type 4"));
	assert_int_equal(winreg_string(WINREG_BINARY, b, 4, &s, err), FC_EPARSE);
	assert_int_equal(winreg_string(WINREG_SZ, big, WINREG_MAX_VALUE + 2, &s, err), FC_ELIMIT);
	assert_null(s);
	assert_int_equal(winreg_string(WINREG_SZ, big, WINREG_MAX_VALUE, &s, err), FC_OK);
	free(s);
	free(big);
}

static void test_numbers(void **state)
{
	/* "LastServicedBuild"=dword:00002580 (SOURCES.md: PrinterReset) */
	static const unsigned char dw[] = {0x80, 0x25, 0x00, 0x00};
	static const unsigned char qw[] = {0x01, 0, 0, 0, 0, 0, 0, 0x80};
	static const unsigned char be[] = {0x00, 0x00, 0x01, 0x00};
	unsigned long long v;
	char err[FC_ERRLEN];

	(void)state;
	assert_int_equal(winreg_number(WINREG_DWORD, dw, 4, &v, err), FC_OK);
	assert_int_equal(v, 9600);
	assert_int_equal(winreg_number(WINREG_QWORD, qw, 8, &v, err), FC_OK);
	assert_true(v == 0x8000000000000001ull);
	assert_int_equal(winreg_number(WINREG_DWORD_BIG_ENDIAN, be, 4, &v, err), FC_OK);
	assert_int_equal(v, 256);
	assert_int_equal(winreg_number(WINREG_DWORD, dw, 3, &v, err), FC_EPARSE);
	assert_non_null(strstr(err, "REG_DWORD value of 3 bytes (expected 4)"));
	assert_int_equal(v, 0);
	assert_int_equal(winreg_number(WINREG_DWORD, qw, 8, &v, err), FC_EPARSE);
	assert_int_equal(winreg_number(WINREG_QWORD, dw, 4, &v, err), FC_EPARSE);
	assert_non_null(strstr(err, "REG_QWORD value of 4 bytes (expected 8)"));
	assert_int_equal(winreg_number(WINREG_SZ, dw, 4, &v, err), FC_EPARSE);
	assert_int_equal(winreg_number(WINREG_BINARY, dw, 4, &v, err), FC_EPARSE);
}

static void test_machine_guid(void **state)
{
	char out[33];

	(void)state;
	assert_int_equal(winreg_machine_guid("5E5B9C3A-0C1D-4F2E-8A7B-6C5D4E3F2A1B", out), FC_OK);
	assert_string_equal(out, "5e5b9c3a0c1d4f2e8a7b6c5d4e3f2a1b");
	assert_int_equal(winreg_machine_guid("{5e5b9c3a-0c1d-4f2e-8a7b-6c5d4e3f2a1b}", out), FC_OK);
	assert_string_equal(out, "5e5b9c3a0c1d4f2e8a7b6c5d4e3f2a1b");
	assert_int_equal(winreg_machine_guid("5e5b9c3a0c1d4f2e8a7b6c5d4e3f2a1b", out), FC_OK);
	assert_string_equal(out, "5e5b9c3a0c1d4f2e8a7b6c5d4e3f2a1b");
	assert_int_equal(winreg_machine_guid("5e5b9c3a-0c1d-4f2e-8a7b-6c5d4e3f2a1", out),
	                 FC_EPARSE);
	assert_int_equal(winreg_machine_guid("5e5b9c3a+0c1d-4f2e-8a7b-6c5d4e3f2a1b", out),
	                 FC_EPARSE);
	assert_int_equal(winreg_machine_guid("5e5b9c3a-0c1d-4f2e-8a7b-6c5d4e3f2a1g", out),
	                 FC_EPARSE);
	assert_int_equal(winreg_machine_guid("00000000-0000-0000-0000-000000000000", out),
	                 FC_EPARSE);
	assert_int_equal(winreg_machine_guid("", out), FC_EPARSE);
	assert_int_equal(winreg_machine_guid("{}", out), FC_EPARSE);
}

static enum winreg_kind kind(const char *key, const char *name, const char *parent,
                             const char *rtype, long long sc, bool *hidden)
{
	struct winreg_uninstall u = {key, name, parent, rtype, sc};

	return winreg_classify(&u, hidden);
}

static void test_uninstall_rules(void **state)
{
	bool h;

	(void)state;
	/* products */
	assert_int_equal(kind("{90120000-0030-0000-0000-0000000FF1CE}",
	                      "Microsoft Office Enterprise 2007", NULL, NULL, -1, &h),
	                 WINREG_PRODUCT);
	assert_false(h);
	assert_int_equal(kind("7-Zip", "7-Zip 19.00 (x64)", NULL, NULL, 0, &h), WINREG_PRODUCT);
	/* SystemComponent = 1: kept, flagged hidden */
	assert_int_equal(kind("{F5B09CFD-F0B2-36AF-8DF4-1DF6B63FC7B4}",
	                      "Microsoft .NET Framework 4.8", NULL, NULL, 1, &h),
	                 WINREG_PRODUCT);
	assert_true(h);
	/* no or blank DisplayName: skipped */
	assert_int_equal(kind("Connection Manager", NULL, NULL, NULL, 1, &h), WINREG_SKIP);
	assert_int_equal(kind("AddressBook", " \t", NULL, NULL, -1, &h), WINREG_SKIP);
	/* updates */
	assert_int_equal(
	    kind("KB2510531", "Security Update for Windows XP (KB2510531)", NULL, NULL, -1, &h),
	    WINREG_UPDATE);
	assert_int_equal(kind("{90120000-0030-0000-0000-0000000FF1CE}_ENTERPRISE_{6E107EB7}",
	                      "Update for Microsoft Office 2007 suites (KB2596620) 32-Bit Edition",
	                      "{90120000-0030-0000-0000-0000000FF1CE}", "Update", -1, &h),
	                 WINREG_UPDATE);
	assert_int_equal(kind("X", "Some Rollup", NULL, "Update Rollup", -1, &h), WINREG_UPDATE);
	assert_int_equal(kind("X", "Fix", NULL, "hotfix", -1, &h), WINREG_UPDATE);
	assert_int_equal(kind("X", "SP", NULL, "Service Pack", -1, &h), WINREG_UPDATE);
	assert_int_equal(kind("X", "Y", "Parent", NULL, -1, &h), WINREG_UPDATE);
	assert_int_equal(kind("KB976002", "Windows Update KB976002", NULL, NULL, -1, &h),
	                 WINREG_UPDATE);
	/* not updates: a blank ParentKeyName, another ReleaseType, KB without 6 digits */
	assert_int_equal(kind("X", "Y", "", "Product", -1, &h), WINREG_PRODUCT);
	assert_int_equal(kind("KB12345", "KeyBoard Tool", NULL, NULL, -1, &h), WINREG_PRODUCT);
	assert_int_equal(kind("X", "MKB1234567 Studio", NULL, NULL, -1, &h), WINREG_PRODUCT);
}

static void test_names_kb(void **state)
{
	(void)state;
	assert_true(winreg_names_kb("KB2510531"));
	assert_true(winreg_names_kb("Hotfix for Windows XP (kb952287)"));
	assert_true(winreg_names_kb("{X}.KB123456"));
	assert_false(winreg_names_kb("KB12345"));
	assert_false(winreg_names_kb("ABKB1234567"));
	assert_false(winreg_names_kb("K"));
	assert_false(winreg_names_kb(""));
	assert_false(winreg_names_kb(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_multi_sz_real),   cmocka_unit_test(test_sz_termination),
	    cmocka_unit_test(test_utf16),           cmocka_unit_test(test_string_errors),
	    cmocka_unit_test(test_numbers),         cmocka_unit_test(test_machine_guid),
	    cmocka_unit_test(test_uninstall_rules), cmocka_unit_test(test_names_kb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
