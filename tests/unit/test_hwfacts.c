/* test_hwfacts.c - the readiness facts' decoders (agent/hwfacts.c):
 * /proc/cpuinfo text as the kernel prints it (arch/x86/kernel/cpu/proc.c),
 * efivarfs bytes (Documentation/filesystems/efivarfs.rst), TPM sysfs text,
 * TPM_DEVICE_INFO, CPUID leaf 1, SMBIOS dates and registry values; bad
 * input gives unknown with a reason, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwfacts.h"
#include "winreg_decode.h"

/* Two logical CPUs of one core of an i7-7820HQ (Kaby Lake, 6/158/9). */
static const char kaby[] = "processor\t: 0\n"
                           "vendor_id\t: GenuineIntel\n"
                           "cpu family\t: 6\n"
                           "model\t\t: 158\n"
                           "model name\t: Intel(R) Core(TM) i7-7820HQ CPU @ 2.90GHz\n"
                           "stepping\t: 9\n"
                           "cpu MHz\t\t: 800.012\n"
                           "physical id\t: 0\n"
                           "core id\t\t: 0\n"
                           "flags\t\t: fpu sse4_1 sse4_2 popcnt aes\n"
                           "\n"
                           "processor\t: 1\n"
                           "vendor_id\t: GenuineIntel\n"
                           "cpu family\t: 6\n"
                           "model\t\t: 158\n"
                           "physical id\t: 0\n"
                           "core id\t\t: 0\n"
                           "flags\t\t: fpu sse4_1 sse4_2 popcnt aes\n";

static void test_cpuinfo_intel(void **state)
{
	struct hw_ready r;

	(void)state;
	hw_ready_init(&r);
	assert_int_equal(hwfacts_cpuinfo(kaby, strlen(kaby), &r), FC_OK);
	assert_string_equal(r.cpu_vendor, "GenuineIntel");
	assert_string_equal(r.cpu_brand, "Intel(R) Core(TM) i7-7820HQ CPU @ 2.90GHz");
	assert_int_equal(r.cpu_family, 6);
	assert_int_equal(r.cpu_model, 158);
	assert_int_equal(r.cpu_stepping, 9);
	assert_int_equal(r.cpu_logical, 2);
	assert_int_equal(r.cpu_cores, 1);
	assert_int_equal(r.cpu_max_mhz, 800);
	assert_int_equal(r.cpu_sse42, 1);
	assert_int_equal(r.cpu_popcnt, 1);
	assert_int_equal(r.cpu_arm_v81_atomics, -1);
	assert_int_equal(r.unknown.n, 0);
	hw_ready_release(&r);
}

static void test_cpuinfo_core2_no_popcnt(void **state)
{
	static const char c2[] = "processor : 0\nvendor_id : GenuineIntel\ncpu family : 6\n"
	                         "model : 15\nstepping : 11\nflags : fpu sse3 ssse3\n";
	struct hw_ready r;

	(void)state;
	hw_ready_init(&r);
	assert_int_equal(hwfacts_cpuinfo(c2, strlen(c2), &r), FC_OK);
	assert_int_equal(r.cpu_sse42, 0);
	assert_int_equal(r.cpu_popcnt, 0);
	assert_int_equal(r.cpu_model, 15);
	assert_string_equal(kvlist_get(&r.unknown, "cpu_brand"), "/proc/cpuinfo has no model name");
	assert_string_equal(kvlist_get(&r.unknown, "cpu_cores"), "/proc/cpuinfo has no core id");
	assert_null(r.cpu_brand);
	hw_ready_release(&r);
}

static void test_cpuinfo_arm(void **state)
{
	static const char arm[] = "processor\t: 0\nBogoMIPS\t: 48.00\n"
	                          "Features\t: fp asimd evtstrm aes crc32 atomics fphp\n"
	                          "CPU implementer\t: 0x41\nCPU part\t: 0xd0b\n";
	struct hw_ready r;

	(void)state;
	hw_ready_init(&r);
	assert_int_equal(hwfacts_cpuinfo(arm, strlen(arm), &r), FC_OK);
	assert_int_equal(r.cpu_arm_v81_atomics, 1);
	assert_int_equal(r.cpu_logical, 1);
	assert_null(r.cpu_vendor);
	assert_string_equal(kvlist_get(&r.unknown, "cpu_vendor"),
	                    "an ARM CPU: /proc/cpuinfo has no vendor_id");
	assert_non_null(kvlist_get(&r.unknown, "cpu_sse42"));
	hw_ready_release(&r);
}

static void test_cpuinfo_garbage(void **state)
{
	static const char bad[] = "processor : 0\ncpu family : six\nmodel : 99999999999999999\n"
	                          "stepping : -1\ncore id : x\nflags\n:\n::::\n";
	char junk[300];
	struct hw_ready r;
	size_t i;

	(void)state;
	hw_ready_init(&r);
	assert_int_equal(hwfacts_cpuinfo(bad, strlen(bad), &r), FC_OK);
	assert_int_equal(r.cpu_family, -1);
	assert_int_equal(r.cpu_model, -1);
	assert_int_equal(r.cpu_stepping, -1);
	assert_non_null(strstr(kvlist_get(&r.unknown, "cpu_family"), "'six' is not a number"));
	assert_non_null(kvlist_get(&r.unknown, "cpu_model"));
	assert_non_null(strstr(kvlist_get(&r.unknown, "cpu_cores"), "malformed"));
	hw_ready_release(&r);
	/* core id lines before the first entry, or twice in one, count once */
	hw_ready_init(&r);
	{
		static const char twice[] =
		    "core id : 0\nprocessor : 0\ncore id : 0\ncore id : 1\n";

		assert_int_equal(hwfacts_cpuinfo(twice, strlen(twice), &r), FC_OK);
	}
	assert_int_equal(r.cpu_logical, 1);
	assert_int_equal(r.cpu_cores, 1);
	hw_ready_release(&r);
	/* no processor entry at all; random bytes; empty */
	hw_ready_init(&r);
	assert_int_equal(hwfacts_cpuinfo("vendor_id : x\n", 14, &r), FC_EPARSE);
	assert_null(r.cpu_vendor);
	assert_non_null(kvlist_get(&r.unknown, "cpu_vendor"));
	assert_non_null(kvlist_get(&r.unknown, "cpu_logical"));
	hw_ready_release(&r);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 37 + 11);
	hw_ready_init(&r);
	(void)hwfacts_cpuinfo(junk, sizeof(junk), &r);
	hw_ready_release(&r);
	hw_ready_init(&r);
	assert_int_equal(hwfacts_cpuinfo("", 0, &r), FC_EPARSE);
	hw_ready_release(&r);
}

static void test_cpuinfo_long_brand_and_cores(void **state)
{
	char *text = malloc(1u << 20);
	size_t n = 0, i;
	struct hw_ready r;

	(void)state;
	n += (size_t)snprintf(text, 64, "processor : 0\nmodel name : ");
	memset(text + n, 'A', 1000);
	n += 1000;
	text[n++] = '\n';
	for (i = 0; i < 64; i++) /* 2 sockets x 16 cores x 2 threads */
		n += (size_t)snprintf(text + n, 96,
		                      "processor : %zu\nphysical id : %zu\ncore id : %zu\n", i,
		                      i / 32, i % 16);
	hw_ready_init(&r);
	assert_int_equal(hwfacts_cpuinfo(text, n, &r), FC_OK);
	assert_int_equal(strlen(r.cpu_brand), HW_STR_MAX);
	assert_int_equal(r.cpu_logical, 65);
	assert_int_equal(r.cpu_cores, 32);
	hw_ready_release(&r);
	free(text);
}

static void test_cpuid(void **state)
{
	struct hw_ready r;

	(void)state;
	hw_ready_init(&r);
	hwfacts_cpuid(0x000906E9, (1u << 20) | (1u << 23), &r); /* i7-7700K: 6/158/9 */
	assert_int_equal(r.cpu_family, 6);
	assert_int_equal(r.cpu_model, 158);
	assert_int_equal(r.cpu_stepping, 9);
	assert_int_equal(r.cpu_sse42, 1);
	assert_int_equal(r.cpu_popcnt, 1);
	hwfacts_cpuid(0x00800F11, 1u << 23, &r); /* Ryzen 7 1800X: 23/1/1 */
	assert_int_equal(r.cpu_family, 23);
	assert_int_equal(r.cpu_model, 1);
	assert_int_equal(r.cpu_stepping, 1);
	assert_int_equal(r.cpu_sse42, 0);
	hwfacts_cpuid(0x00870F10, 0, &r); /* Ryzen 3000: 23/113/0 */
	assert_int_equal(r.cpu_family, 23);
	assert_int_equal(r.cpu_model, 113);
	hwfacts_cpuid(0x000006FB, 0, &r); /* Core 2: 6/15/11 */
	assert_int_equal(r.cpu_model, 15);
	assert_int_equal(r.cpu_stepping, 11);
	assert_int_equal(r.cpu_popcnt, 0);
	hwfacts_cpuid(0x00000F29, 0, &r); /* Pentium 4: 15/2/9 */
	assert_int_equal(r.cpu_family, 15);
	assert_int_equal(r.cpu_model, 2);
	hw_ready_release(&r);
}

static void test_efivar(void **state)
{
	const unsigned char on[] = {0x06, 0, 0, 0, 1}, off[] = {0x06, 0, 0, 0, 0};
	const unsigned char two[] = {0x06, 0, 0, 0, 2}, longer[] = {0x06, 0, 0, 0, 1, 0};
	char err[FC_ERRLEN];
	int v;

	(void)state;
	assert_int_equal(hwfacts_efivar_bool(on, 5, &v, err), FC_OK);
	assert_int_equal(v, 1);
	assert_int_equal(hwfacts_efivar_bool(off, 5, &v, err), FC_OK);
	assert_int_equal(v, 0);
	assert_int_equal(hwfacts_efivar_bool(on, 4, &v, err), FC_EPARSE); /* truncated */
	assert_int_equal(v, -1);
	assert_non_null(strstr(err, "4 bytes"));
	assert_int_equal(hwfacts_efivar_bool(on, 0, &v, err), FC_EPARSE);
	assert_int_equal(hwfacts_efivar_bool(two, 5, &v, err), FC_EPARSE);
	assert_non_null(strstr(err, "neither 0 nor 1"));
	assert_int_equal(hwfacts_efivar_bool(longer, 6, &v, err), FC_EPARSE);
}

static void test_tpm(void **state)
{
	const unsigned char v2[16] = {1, 0, 0, 0, 2, 0, 0, 0, 1}, v12[16] = {1, 0, 0, 0, 1};
	const unsigned char v3[16] = {1, 0, 0, 0, 3};
	const char *v;
	char err[FC_ERRLEN];

	(void)state;
	assert_int_equal(hwfacts_tpm_sysfs("2", NULL, &v, err), FC_OK);
	assert_string_equal(v, "2.0");
	assert_int_equal(hwfacts_tpm_sysfs("1\n", NULL, &v, err), FC_OK);
	assert_string_equal(v, "1.2");
	assert_int_equal(hwfacts_tpm_sysfs("3", NULL, &v, err), FC_EPARSE);
	assert_null(v);
	assert_int_equal(hwfacts_tpm_sysfs(
	                     NULL,
	                     "Manufacturer: 0x49465800\nTCG version: 1.2\nFirmware version: 6.40\n",
	                     &v, err),
	                 FC_OK);
	assert_string_equal(v, "1.2");
	assert_int_equal(hwfacts_tpm_sysfs(NULL, "TCG version: 1.1\n", &v, err), FC_EPARSE);
	assert_non_null(strstr(err, "1.1"));
	assert_int_equal(hwfacts_tpm_sysfs(NULL, NULL, &v, err), FC_EPARSE);
	assert_int_equal(hwfacts_tpm_device_info(v2, 16, &v, err), FC_OK);
	assert_string_equal(v, "2.0");
	assert_int_equal(hwfacts_tpm_device_info(v12, 16, &v, err), FC_OK);
	assert_string_equal(v, "1.2");
	assert_int_equal(hwfacts_tpm_device_info(v3, 16, &v, err), FC_EPARSE);
	assert_int_equal(hwfacts_tpm_device_info(v2, 7, &v, err), FC_EPARSE);
}

static void test_bios_date(void **state)
{
	char out[11], err[FC_ERRLEN];

	(void)state;
	assert_int_equal(hwfacts_bios_date("02/14/2024", out, err), FC_OK);
	assert_string_equal(out, "2024-02-14");
	assert_int_equal(hwfacts_bios_date("12/01/09", out, err), FC_OK);
	assert_string_equal(out, "2009-12-01");
	assert_int_equal(hwfacts_bios_date("05/21/98\n", out, err), FC_OK);
	assert_string_equal(out, "1998-05-21");
	assert_int_equal(hwfacts_bios_date("02/29/2024", out, err), FC_OK);
	assert_int_equal(hwfacts_bios_date("02/29/2023", out, err), FC_EPARSE);
	assert_int_equal(hwfacts_bios_date("13/01/2020", out, err), FC_EPARSE);
	assert_int_equal(hwfacts_bios_date("00/10/2020", out, err), FC_EPARSE);
	assert_int_equal(hwfacts_bios_date("2020-01-01", out, err), FC_EPARSE);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "'2020-01-01'"));
	assert_int_equal(hwfacts_bios_date("", out, err), FC_EPARSE);
	assert_int_equal(hwfacts_bios_date("1/2/2020", out, err), FC_EPARSE);
	assert_int_equal(hwfacts_bios_date("01/02/202x", out, err), FC_EPARSE);
	assert_int_equal(hwfacts_bios_date("01/02/20201", out, err), FC_EPARSE);
}

static void test_numbers_and_registry(void **state)
{
	const unsigned char dword16[4] = {0x10, 0, 0, 0}, qword[8] = {0, 0, 0, 0, 1, 0, 0, 0};
	char err[FC_ERRLEN];
	long long v;

	(void)state;
	assert_int_equal(hwfacts_number("0x10\n", true, 0xFFFFFFFFLL, &v, err), FC_OK);
	assert_int_equal(v, 16);
	assert_int_equal(hwfacts_number("3400000", false, 1LL << 40, &v, err), FC_OK);
	assert_int_equal(v, 3400000);
	assert_int_equal(hwfacts_number("99999999999999999999", false, 1LL << 40, &v, err),
	                 FC_EPARSE);
	assert_int_equal(hwfacts_number("0x", true, 10, &v, err), FC_EPARSE);
	assert_int_equal(hwfacts_number("-5", false, 10, &v, err), FC_EPARSE);
	assert_int_equal(hwfacts_number("5 6", false, 10, &v, err), FC_EPARSE);
	assert_int_equal(hwfacts_number("", false, 10, &v, err), FC_EPARSE);
	assert_int_equal(hwfacts_reg_number(WINREG_DWORD, dword16, 4, 0xFFFFFFFFLL, &v, err),
	                 FC_OK);
	assert_int_equal(v, 16);
	assert_int_equal(hwfacts_reg_number(WINREG_DWORD, dword16, 3, 100, &v, err), FC_EPARSE);
	assert_int_equal(hwfacts_reg_number(WINREG_SZ, dword16, 4, 100, &v, err), FC_EPARSE);
	assert_int_equal(hwfacts_reg_number(WINREG_QWORD, qword, 8, 0xFFFFFFFFLL, &v, err),
	                 FC_EPARSE);
	assert_int_equal(v, -1);
}

static void test_appraiser_esu_unknown(void **state)
{
	const unsigned long none[3] = {0, 0, 0}, y2[3] = {1, 1, 0}, y3[3] = {0, 2, 1};
	char key[8], big[400];
	struct hw_ready r;
	int i;

	(void)state;
	hw_ready_init(&r);
	assert_int_equal(hwfacts_appraiser_add(&r, "GE24H2", "Red", "Tpm UefiSecureBoot"), FC_OK);
	assert_int_equal(hwfacts_appraiser_add(&r, "CO21H2", NULL, "CpuFms"), FC_OK);
	assert_true(r.appraiser_read);
	assert_string_equal(r.appraiser[0].upgex, "Red");
	assert_null(r.appraiser[1].upgex);
	for (i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "K%d", i);
		(void)hwfacts_appraiser_add(&r, key, "Green", NULL);
	}
	assert_int_equal(r.n_appraiser, HW_APPRAISER_MAX);
	assert_int_equal(hwfacts_appraiser_add(&r, "X", "Green", NULL), FC_ELIMIT);
	hw_ready_release(&r);
	assert_int_equal(hwfacts_esu_year(none), 0);
	assert_int_equal(hwfacts_esu_year(y2), 2);
	assert_int_equal(hwfacts_esu_year(y3), 3);
	/* reasons: cut to HW_REASON_MAX, control bytes replaced, replaced by a later one */
	hw_ready_init(&r);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[3] = '\n';
	hw_unknown(&r, "tpm_present", "%s", big);
	assert_int_equal(strlen(kvlist_get(&r.unknown, "tpm_present")), HW_REASON_MAX);
	assert_int_equal(kvlist_get(&r.unknown, "tpm_present")[3], '?');
	hw_unknown(&r, "tpm_present", "again");
	assert_int_equal(r.unknown.n, 1);
	hw_known(&r, "tpm_present");
	assert_int_equal(r.unknown.n, 0);
	hw_ready_release(&r);
}

static void test_dmi_finish(void **state)
{
	struct hw_ready r;
	struct kvlist dmi;

	(void)state;
	hw_ready_init(&r);
	kvlist_init(&dmi);
	kvlist_add(&dmi, "sys_vendor", "LENOVO");
	kvlist_add(&dmi, "bios_date", "13/45/2020");
	hwfacts_dmi_finish(&r, &dmi, "not in /sys/class/dmi/id");
	assert_string_equal(r.bios_date, "");
	assert_non_null(strstr(kvlist_get(&r.unknown, "bios_date"), "13/45/2020"));
	assert_null(kvlist_get(&r.unknown, "smbios_vendor"));
	assert_string_equal(kvlist_get(&r.unknown, "smbios_model"), "not in /sys/class/dmi/id");
	kvlist_release(&dmi);
	hw_ready_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpuinfo_intel),
	    cmocka_unit_test(test_cpuinfo_core2_no_popcnt),
	    cmocka_unit_test(test_cpuinfo_arm),
	    cmocka_unit_test(test_cpuinfo_garbage),
	    cmocka_unit_test(test_cpuinfo_long_brand_and_cores),
	    cmocka_unit_test(test_cpuid),
	    cmocka_unit_test(test_efivar),
	    cmocka_unit_test(test_tpm),
	    cmocka_unit_test(test_bios_date),
	    cmocka_unit_test(test_numbers_and_registry),
	    cmocka_unit_test(test_appraiser_esu_unknown),
	    cmocka_unit_test(test_dmi_finish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
