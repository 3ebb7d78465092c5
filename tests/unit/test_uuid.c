/* test_uuid.c - UUIDs as text (common/uuid.c): the two reported forms in
 * either case, the normal form, bytes, version 4, the SMBIOS byte swap and
 * the placeholder list (the collector's use of it is also covered by
 * test_ingest and test_store). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "uuid.h"

#define DELL "4C4C4544-0048-5110-8035-B5C04F585731"

static void test_hex_digit(void **state)
{
	const char *all = "0123456789abcdefABCDEF";
	const char *low = "0123456789abcdefabcdef";
	int c;

	(void)state;
	for (c = 1; c < 256; c++) {
		const char *at = strchr(all, c);

		assert_int_equal(uuid_hex_digit((char)c), at ? low[at - all] : 0);
	}
	assert_int_equal(uuid_hex_digit('\0'), 0);
}

static void test_hex_forms(void **state)
{
	char hex[UUID_HEX_LEN + 1];
	const char *braced = "{" DELL "}";

	(void)state;
	assert_true(uuid_hex(DELL, strlen(DELL), hex));
	assert_string_equal(hex, "4c4c4544004851108035b5c04f585731");
	assert_true(uuid_hex("4c4c4544004851108035B5C04F585731", 32, hex));
	assert_string_equal(hex, "4c4c4544004851108035b5c04f585731");
	/* the length given counts, not the NUL: the braces stay outside */
	assert_true(uuid_hex(braced + 1, 36, hex));
	assert_string_equal(hex, "4c4c4544004851108035b5c04f585731");
}

static void test_hex_bad(void **state)
{
	static const char *const bad[] = {
	    "",
	    "4C4C4544-0048-5110-8035-B5C04F58573", /* 35 */
	    "4C4C4544-0048-5110-8035-B5C04F5857311", /* 37 */
	    "4C4C45440-048-5110-8035-B5C04F585731", /* a dash moved */
	    "4C4C4544-0048-5110-8035_B5C04F585731",
	    "4C4C4544+0048-5110-8035-B5C04F585731",
	    "4C4C4544-0048-5110-8035-B5C04F58573G",
	    "4c4c4544004851108035b5c04f58573",
	    "4c4c4544004851108035b5c04f5857311",
	    "4c4c4544-004851108035b5c04f58573", /* 32 with a dash */
	    "4c4c4544 004851108035b5c04f585731",
	    "{4c4c4544-0048-5110-8035-b5c04f5857}",
	};
	char hex[UUID_HEX_LEN + 1], out[UUID_TEXT_LEN + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (uuid_hex(bad[i], strlen(bad[i]), hex))
			fail_msg("accepted '%s'", bad[i]);
		memset(out, 'x', sizeof(out));
		assert_false(uuid_normalise(bad[i], out));
		assert_string_equal(out, "");
	}
	/* a NUL inside the given length is no digit */
	assert_false(uuid_hex("4c4c4544004851108035b5c04f58573\0", 32, hex));
}

static void test_normalise_format(void **state)
{
	char out[UUID_TEXT_LEN + 1];

	(void)state;
	assert_true(uuid_normalise(DELL, out));
	assert_string_equal(out, "4c4c4544-0048-5110-8035-b5c04f585731");
	assert_true(uuid_normalise("4C4C4544004851108035B5C04F585731", out));
	assert_string_equal(out, "4c4c4544-0048-5110-8035-b5c04f585731");
	uuid_format("0123456789ABCDEF0123456789abcdef", out);
	assert_string_equal(out, "01234567-89AB-CDEF-0123-456789abcdef"); /* case kept */
}

static void test_bytes(void **state)
{
	const unsigned char b[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	                             0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	unsigned char ones[16], zeros[16];
	char hex[UUID_HEX_LEN + 1], out[UUID_TEXT_LEN + 1];

	(void)state;
	uuid_bytes_hex(b, hex);
	assert_string_equal(hex, "00112233445566778899aabbccddeeff");
	uuid_format_v4(b, out);
	assert_string_equal(out, "00112233-4455-4677-8899-aabbccddeeff");
	memset(ones, 0xff, sizeof(ones));
	memset(zeros, 0, sizeof(zeros));
	uuid_format_v4(ones, out);
	assert_string_equal(out, "ffffffff-ffff-4fff-bfff-ffffffffffff");
	uuid_format_v4(zeros, out);
	assert_string_equal(out, "00000000-0000-4000-8000-000000000000");
}

/* SMBIOS 2.6+ stores the first three fields little-endian. */
static void test_swap(void **state)
{
	char hex[UUID_HEX_LEN + 1] = "00112233445566778899aabbccddeeff";

	(void)state;
	uuid_swap(hex);
	assert_string_equal(hex, "33221100554477668899aabbccddeeff");
	uuid_swap(hex);
	assert_string_equal(hex, "00112233445566778899aabbccddeeff");
}

static void test_placeholders(void **state)
{
	static const char *const yes[] = {
	    "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
	    "58585858-5858-5858-5858-585858585858", /* "XXXX..." */
	    "ffffff00-ffff-ffff-ffff-ffffffffffff", "03000200-0400-0500-0006-000700080009",
	    "00020003-0004-0005-0006-000700080009", /* the same, byte-swapped */
	    "03000200040005000006000700080009",     "4C4C4544-0000-2010-8020-80C04F202020",
	    "12345678-1234-5678-90ab-cddeefaabbcc",
	};
	static const char *const no[] = {
	    DELL,
	    "4c4c4544-0000-2010-8020-80c04f202021",
	    "00000000-0000-0000-0000-000000000001",
	    "fffffff0-ffff-ffff-ffff-fffffffffffe",
	    "",
	    "not a uuid",
	    "00000000-0000-0000-0000-00000000000", /* malformed, however zero */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!uuid_is_placeholder(yes[i]))
			fail_msg("not a placeholder: '%s'", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (uuid_is_placeholder(no[i]))
			fail_msg("a placeholder: '%s'", no[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hex_digit),    cmocka_unit_test(test_hex_forms),
	    cmocka_unit_test(test_hex_bad),      cmocka_unit_test(test_normalise_format),
	    cmocka_unit_test(test_bytes),        cmocka_unit_test(test_swap),
	    cmocka_unit_test(test_placeholders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
