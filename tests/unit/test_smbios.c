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

/* Appends one structure (formatted area fa of fa[1] bytes, then the string
 * set strs, n bytes ending in two NULs) to t at *len. */
static void put(unsigned char *t, size_t *len, const unsigned char *fa, const char *strs, size_t n)
{
	memcpy(t + *len, fa, fa[1]);
	*len += fa[1];
	memcpy(t + *len, strs, n);
	*len += n;
}

/* A type 17 of SMBIOS 2.8 (0x28 bytes) with Size and Extended Size. */
static void mem17(unsigned char *t, size_t *len, unsigned size, unsigned long ext)
{
	unsigned char fa[0x28];

	memset(fa, 0, sizeof(fa));
	fa[0] = 17;
	fa[1] = 0x28;
	fa[0x0C] = (unsigned char)size;
	fa[0x0D] = (unsigned char)(size >> 8);
	fa[0x1C] = (unsigned char)ext;
	fa[0x1D] = (unsigned char)(ext >> 8);
	fa[0x1E] = (unsigned char)(ext >> 16);
	fa[0x1F] = (unsigned char)(ext >> 24);
	put(t, len, fa, "\0", 2);
}

/* BIOS (type 0) "LENOVO" "N2HET71W (1.54 )" "02/14/2024", a locked
 * notebook chassis (type 3 0x8A), modules of 8 GiB, 32 GiB (extended
 * size), 2048 KiB and an empty slot. */
static size_t laptop_table(unsigned char *t)
{
	static const unsigned char t0[0x18] = {0, 0x18, 0, 0, 1, 2, 0, 0xE8, 3};
	static const unsigned char t3[0x16] = {3, 0x16, 1, 0, 0, 0x8A};
	size_t len = 0;

	put(t, &len, t0,
	    "LENOVO\0N2HET71W (1.54 )\0"
	    "02/14/2024\0",
	    36);
	put(t, &len, t3, "\0", 2);
	mem17(t, &len, 8192, 0);
	mem17(t, &len, 0x7FFF, 32768);
	mem17(t, &len, 0x8000 | 2048, 0);
	mem17(t, &len, 0, 0);
	t[len++] = 127;
	t[len++] = 4;
	t[len++] = 0;
	t[len++] = 0;
	t[len++] = 0;
	t[len++] = 0;
	return len;
}

static void test_hw_info(void **state)
{
	unsigned char t[512], raw[520];
	const unsigned char *table;
	size_t len = laptop_table(t), tlen;
	struct smbios_hw hw;
	char err[FC_ERRLEN];

	(void)state;
	assert_int_equal(smbios_hw_info(t, len, &hw, err), FC_OK);
	assert_string_equal(hw.bios_vendor, "LENOVO");
	assert_string_equal(hw.bios_version, "N2HET71W (1.54 )");
	assert_string_equal(hw.bios_date, "02/14/2024");
	assert_int_equal(hw.chassis_type, 10);
	assert_int_equal(hw.memory_devices, 4);
	assert_int_equal(hw.memory_mib, 8192 + 32768 + 2);
	/* the same inside an RSMB buffer */
	memcpy(raw + 8, t, len);
	memset(raw, 0, 8);
	raw[1] = 3;
	set_len(raw, len + 8);
	assert_int_equal(smbios_rsmb_table(raw, len + 8, &table, &tlen, err), FC_OK);
	assert_int_equal(tlen, len);
	assert_int_equal(smbios_hw_info(table, tlen, &hw, err), FC_OK);
	assert_int_equal(hw.chassis_type, 10);
}

static void test_hw_info_unknown_memory(void **state)
{
	unsigned char t[512];
	size_t len = 0;
	struct smbios_hw hw;
	char err[FC_ERRLEN];
	unsigned char short17[0x15] = {17, 0x15};

	(void)state;
	mem17(t, &len, 4096, 0);
	mem17(t, &len, 0xFFFF, 0); /* unknown size: the sum is unknown */
	assert_int_equal(smbios_hw_info(t, len, &hw, err), FC_OK);
	assert_int_equal(hw.memory_mib, -1);
	assert_non_null(strstr(hw.memory_err, "unknown size"));
	assert_int_equal(hw.chassis_type, -1);
	assert_string_equal(hw.bios_vendor, "");
	len = 0; /* 0x7FFF in a structure too short for the extended size */
	short17[0x0C] = 0xFF;
	short17[0x0D] = 0x7F;
	put(t, &len, short17, "\0", 2);
	assert_int_equal(smbios_hw_info(t, len, &hw, err), FC_OK);
	assert_int_equal(hw.memory_mib, -1);
	assert_int_equal(smbios_hw_info(t, 0, &hw, err), FC_OK); /* empty table */
	assert_int_equal(hw.memory_mib, -1);
	assert_non_null(strstr(hw.memory_err, "no memory device"));
}

static void test_hw_info_malformed(void **state)
{
	unsigned char t[512];
	size_t len = laptop_table(t);
	const unsigned char *table;
	size_t tlen;
	struct smbios_hw hw;
	char err[FC_ERRLEN];
	unsigned char raw[8] = {0, 3, 0, 0, 0xFF, 0, 0, 0};

	(void)state;
	assert_int_equal(smbios_hw_info(t, 30, &hw, err), FC_EPARSE); /* strings cut */
	assert_non_null(strstr(err, "unterminated"));
	t[1] = 2; /* a length below the header */
	assert_int_equal(smbios_hw_info(t, len, &hw, err), FC_EPARSE);
	assert_non_null(strstr(err, "bad length"));
	assert_int_equal(smbios_rsmb_table(raw, 8, &table, &tlen, err), FC_EPARSE);
	assert_int_equal(smbios_rsmb_table(raw, 7, &table, &tlen, err), FC_EPARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dell_26),           cmocka_unit_test(test_before_26_not_swapped),
	    cmocka_unit_test(test_uuid_not_present),  cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_hw_info),           cmocka_unit_test(test_hw_info_unknown_memory),
	    cmocka_unit_test(test_hw_info_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
