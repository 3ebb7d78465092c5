/* fuzz_hwfacts.c - the readiness decoders (agent/hwfacts.h) and the SMBIOS
 * type 0/3/17 reader (smbios_hw_info) on any bytes. The first byte picks the
 * decoder; the rest is its input. Checked: every call returns one of its
 * documented codes, a value is in its range or unknown, every reason in
 * hw_unknown is 1..HW_REASON_MAX bytes without control bytes, strings are
 * at most HW_STR_MAX bytes, and a failed call leaves its output unset. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hwfacts.h"
#include "smbios.h"

static void check_ready(const struct hw_ready *r)
{
	size_t i, j, n;

	for (i = 0; i < r->unknown.n; i++) {
		n = strlen(r->unknown.items[i].value);
		FUZZ_CHECK(n >= 1 && n <= HW_REASON_MAX);
		for (j = 0; j < n; j++)
			FUZZ_CHECK((unsigned char)r->unknown.items[i].value[j] >= 0x20);
	}
	FUZZ_CHECK(!r->cpu_vendor || strlen(r->cpu_vendor) <= HW_STR_MAX);
	FUZZ_CHECK(!r->cpu_brand || strlen(r->cpu_brand) <= HW_STR_MAX);
	FUZZ_CHECK(r->cpu_family >= -1 && r->cpu_family <= 1000000);
	FUZZ_CHECK(r->cpu_model >= -1 && r->cpu_model <= 1000000);
	FUZZ_CHECK(r->cpu_stepping >= -1 && r->cpu_stepping <= 1000000);
	FUZZ_CHECK(r->cpu_cores >= -1 && r->cpu_cores <= r->cpu_logical);
	FUZZ_CHECK(r->cpu_sse42 >= -1 && r->cpu_sse42 <= 1);
	FUZZ_CHECK(r->cpu_popcnt >= -1 && r->cpu_popcnt <= 1);
	FUZZ_CHECK(r->n_appraiser <= HW_APPRAISER_MAX);
}

static void fuzz_cpuinfo(const uint8_t *data, size_t size)
{
	struct hw_ready r;
	enum fc_rc rc;

	hw_ready_init(&r);
	rc = hwfacts_cpuinfo((const char *)data, size, &r);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE);
	if (rc)
		FUZZ_CHECK(r.cpu_logical == -1 && !r.cpu_vendor && r.cpu_family == -1);
	check_ready(&r);
	hw_ready_release(&r);
}

static void fuzz_text(unsigned which, const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), err[FC_ERRLEN], date[11];
	const char *caps = strchr(s, '|'), *v;
	long long n;
	enum fc_rc rc;

	err[0] = '\0';
	if (which == 2) {
		rc = hwfacts_tpm_sysfs(caps ? NULL : s, caps, &v, err);
		FUZZ_CHECK(rc == FC_OK ? (!strcmp(v, "2.0") || !strcmp(v, "1.2")) : v == NULL);
	} else if (which == 4) {
		rc = hwfacts_bios_date(s, date, err);
		FUZZ_CHECK(rc == FC_OK ? strlen(date) == 10 && date[4] == '-' && date[7] == '-'
		                       : date[0] == '\0');
	} else {
		rc = hwfacts_number(s, which == 5, 1000000, &n, err);
		FUZZ_CHECK(rc == FC_OK ? n >= 0 && n <= 1000000 : n == -1);
	}
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE);
	fuzz_check_err(rc, err);
	free(s);
}

static void fuzz_binary(unsigned which, const uint8_t *data, size_t size)
{
	struct hw_ready r;
	struct smbios_hw hw;
	char err[FC_ERRLEN];
	const char *v;
	long long n;
	int on;
	enum fc_rc rc;

	err[0] = '\0';
	if (which == 1) {
		rc = hwfacts_efivar_bool(data, size, &on, err);
		FUZZ_CHECK(rc == FC_OK ? on == 0 || on == 1 : on == -1);
	} else if (which == 3) {
		rc = hwfacts_tpm_device_info(data, size, &v, err);
		FUZZ_CHECK(rc == FC_OK ? v != NULL : v == NULL);
	} else if (which == 6 && size > 0) {
		rc = hwfacts_reg_number(data[0], data + 1, size - 1, 0xFFFFFFFFLL, &n, err);
		FUZZ_CHECK(rc == FC_OK ? n >= 0 && n <= 0xFFFFFFFFLL : n == -1);
	} else if (which == 7) {
		rc = smbios_hw_info(data, size, &hw, err);
		FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE);
		FUZZ_CHECK(hw.chassis_type >= -1 && hw.chassis_type <= 0x7F);
		FUZZ_CHECK(hw.memory_mib >= -1);
		FUZZ_CHECK(strlen(hw.bios_vendor) < SMBIOS_STR &&
		           strlen(hw.bios_date) < SMBIOS_STR);
	} else {
		hw_ready_init(&r);
		hwfacts_cpuid(size >= 4 ? (uint32_t)data[0] | (uint32_t)data[1] << 8 |
		                              (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24
		                        : 0,
		              size >= 8 ? (uint32_t)data[4] << 16 | (uint32_t)data[7] << 23 : 0,
		              &r);
		FUZZ_CHECK(r.cpu_family >= 0 && r.cpu_family <= 15 + 255);
		FUZZ_CHECK(r.cpu_model >= 0 && r.cpu_model <= 255);
		hw_ready_release(&r);
		return;
	}
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE);
	fuzz_check_err(rc, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned which;

	if (size == 0)
		return 0;
	which = data[0] % 9;
	if (which == 0)
		fuzz_cpuinfo(data + 1, size - 1);
	else if (which == 2 || which == 4 || which == 5)
		fuzz_text(which, data + 1, size - 1);
	else
		fuzz_binary(which, data + 1, size - 1);
	return 0;
}
