/* fuzz_smbios.c - smbios_system_info (agent/smbios.h) on any bytes as a raw
 * RSMB table: FC_OK, FC_ENOENT or FC_EPARSE with err set on failure only;
 * the UUID "" or lower-case 8-4-4-4-12 hex, never all zeros or all FF; the
 * strings terminated inside SMBIOS_STR, without control characters or
 * trailing blanks, and all fields empty on failure. */
#include <string.h>

#include "fuzz.h"
#include "smbios.h"

static void check_str(const char s[SMBIOS_STR])
{
	size_t n = strnlen(s, SMBIOS_STR), i;

	FUZZ_CHECK(n < SMBIOS_STR);
	for (i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7F);
	FUZZ_CHECK(n == 0 || s[n - 1] != ' ');
}

static void check_uuid(const char u[37])
{
	size_t n = strnlen(u, 37), i;

	FUZZ_CHECK(n == 0 || n == 36);
	for (i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			FUZZ_CHECK(u[i] == '-');
		else
			FUZZ_CHECK((u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f'));
	}
	if (n) {
		FUZZ_CHECK(strcmp(u, "00000000-0000-0000-0000-000000000000") != 0);
		FUZZ_CHECK(strcmp(u, "ffffffff-ffff-ffff-ffff-ffffffffffff") != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smbios_system sys;
	char err[FC_ERRLEN];
	enum fc_rc rc;

	memset(&sys, 'x', sizeof(sys));
	memset(err, 'x', sizeof(err));
	err[0] = '\0';
	rc = smbios_system_info(data, size, &sys, err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_ENOENT || rc == FC_EPARSE);
	fuzz_check_err(rc, err);
	check_uuid(sys.uuid);
	check_str(sys.manufacturer);
	check_str(sys.product);
	check_str(sys.serial);
	if (rc != FC_OK)
		FUZZ_CHECK(!sys.uuid[0] && !sys.manufacturer[0] && !sys.product[0] &&
		           !sys.serial[0]);
	return 0;
}
