/* test_smbios.c - the SMBIOS type 1 parser (agent/smbios.c) on tables laid
 * out by hand after the DMTF SMBIOS specification (DSP0134: structure
 * header, formatted area, string set ending in two NULs; type 1 UUID at
 * offset 8) with a Dell-style UUID (its first field is ASCII "DELL"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "smbios.h"

/* type 0 (BIOS), 0x12 bytes, one string */
#define T0                                                                                         \
	0x00, 0x12, 0x00, 0x00, 0x01, 0x00, 0x00, 0xF0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  \
	    0x00, 0x00, 0x00, 'D', 'e', 'l', 'l', 0, 0
/* type 1 (system), 0x1B bytes: strings 1 maker, 2 model, 3 version, 4 serial */
#define T1_HEAD 0x01, 0x1B, 0x01, 0x00, 0x01, 0x02, 0x03, 0x04
#define DELL_UUID                                                                                  \
	0x44, 0x45, 0x4C, 0x4C, 0x48, 0x00, 0x10, 0x51, 0x80, 0x35, 0xB5, 0xC0, 0x4F, 0x58, 0x57,  \
	    0x31
#define T1_TAIL                                                                                    \
	0x06, 0x00, 0x00, 'D', 'e', 'l', 'l', ' ', 'I', 'n', 'c', '.', 0, 'O', 'p', 't', 'i', 'P', \
	    'l', 'e', 'x', ' ', '7', '0', '1', '0', ' ', 0, '0', '1', 0, '5', 'H', 'Q', '2', 'X',  \
	    'W', '1', 0, 0
#define T127 0x7F, 0x04, 0x02, 0x00, 0, 0

static void set_len(unsigned char *raw, size_t total)
{
	size_t t = total - 8;

	raw[4] = (unsigned char)t;
	raw[5] = (unsigned char)(t >> 8);
	raw[6] = raw[7] = 0;
}

static void test_dell_26(void **state)
{
	unsigned char raw[] = {0, 2, 8, 0, 0, 0, 0, 0, T0, T1_HEAD, DELL_UUID, T1_TAIL, T127};
	struct smbios_system s;
	char err[FC_ERRLEN];

	(void)state;
	set_len(raw, sizeof(raw));
	assert_int_equal(smbios_system_info(raw, sizeof(raw), &s, err), FC_OK);
	assert_string_equal(s.uuid, "4c4c4544-0048-5110-8035-b5c04f585731");
	assert_string_equal(s.manufacturer, "Dell Inc.");
	assert_string_equal(s.product, "OptiPlex 7010"); /* trailing blank trimmed */
	assert_string_equal(s.serial, "5HQ2XW1");
	raw[1] = 3; /* SMBIOS 3.0 swaps too */
	raw[2] = 0;
	assert_int_equal(smbios_system_info(raw, sizeof(raw), &s, err), FC_OK);
	assert_string_equal(s.uuid, "4c4c4544-0048-5110-8035-b5c04f585731");
}

static void test_before_26_not_swapped(void **state)
{
	unsigned char raw[] = {0, 2, 5, 0, 0, 0, 0, 0, T1_HEAD, DELL_UUID, T1_TAIL};
	struct smbios_system s;
	char err[FC_ERRLEN];

	(void)state;
	set_len(raw, sizeof(raw));
	assert_int_equal(smbios_system_info(raw, sizeof(raw), &s, err), FC_OK);
	assert_string_equal(s.uuid, "44454c4c-4800-1051-8035-b5c04f585731");
}

static void test_uuid_not_present(void **state)
{
	unsigned char ff[] = {0,    2,    8,    0,    0,    0,    0,    0,      T1_HEAD,
	                      0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,   0xFF,
	                      0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, T1_TAIL};
	unsigned char zero[] = {0, 2, 8, 0, 0, 0, 0, 0, T1_HEAD, 0, 0, 0, 0,
	                        0, 0, 0, 0, 0, 0, 0, 0, 0,       0, 0, 0, T1_TAIL};
	/* SMBIOS 2.0: type 1 of 8 bytes, no UUID; string 4 missing */
	unsigned char v20[] = {0,    2,    0,    0,    0,    0,    0,    0,   0x01,
	                       0x08, 0x01, 0x00, 0x01, 0x02, 0x00, 0x04, 'A', 'c',
	                       'm',  'e',  0,    'P',  'C',  0,    0};
	struct smbios_system s;
	char err[FC_ERRLEN];

	(void)state;
	set_len(ff, sizeof(ff));
	assert_int_equal(smbios_system_info(ff, sizeof(ff), &s, err), FC_OK);
	assert_string_equal(s.uuid, "");
	assert_string_equal(s.serial, "5HQ2XW1");
	set_len(zero, sizeof(zero));
	assert_int_equal(smbios_system_info(zero, sizeof(zero), &s, err), FC_OK);
	assert_string_equal(s.uuid, "");
	set_len(v20, sizeof(v20));
	assert_int_equal(smbios_system_info(v20, sizeof(v20), &s, err), FC_OK);
	assert_string_equal(s.uuid, "");
	assert_string_equal(s.manufacturer, "Acme");
	assert_string_equal(s.product, "PC");
	assert_string_equal(s.serial, "");
}

static void test_malformed(void **state)
{
	unsigned char raw[] = {0, 2, 8, 0, 0, 0, 0, 0, T0, T1_HEAD, DELL_UUID, T1_TAIL};
	unsigned char notype1[] = {0, 2, 8, 0, 0, 0, 0, 0, T0, T127};
	struct smbios_system s;
	char err[FC_ERRLEN];

	(void)state;
	assert_int_equal(smbios_system_info(raw, 7, &s, err), FC_EPARSE); /* no header */
	set_len(raw, sizeof(raw) + 1); /* table longer than the data */
	assert_int_equal(smbios_system_info(raw, sizeof(raw), &s, err), FC_EPARSE);
	assert_non_null(strstr(err, "over the"));
	set_len(raw, sizeof(raw) - 2); /* strings of type 1 cut short */
	assert_int_equal(smbios_system_info(raw, sizeof(raw) - 2, &s, err), FC_EPARSE);
	assert_non_null(strstr(err, "unterminated"));
	set_len(raw, sizeof(raw));
	raw[9] = 3; /* type 0 with a length below the 4-byte header */
	assert_int_equal(smbios_system_info(raw, sizeof(raw), &s, err), FC_EPARSE);
	raw[9] = 0xF0; /* a length past the end */
	assert_int_equal(smbios_system_info(raw, sizeof(raw), &s, err), FC_EPARSE);
	set_len(notype1, sizeof(notype1));
	assert_int_equal(smbios_system_info(notype1, sizeof(notype1), &s, err), FC_ENOENT);
	assert_string_equal(s.uuid, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dell_26),
	    cmocka_unit_test(test_before_26_not_swapped),
	    cmocka_unit_test(test_uuid_not_present),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
