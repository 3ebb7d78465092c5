/* test_report.c - identifiers the report carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "report.h"
#include "state.h"

/* The expected value was printed by systemd's own tool on the build machine:
 * with /etc/machine-id = 3d1219c7c4c5404aaa1f6d2a48adfda4,
 * `systemd-id128 machine-id --app-specific=5f3c2d8e9a414b6e8c1d2e7f90a4b3c5`
 * printed 3dab15471f524ffda3236c5f4ff8def9. The e2e suite repeats the check
 * against systemd-id128 live wherever it is installed. */
static void test_machine_id_matches_systemd(void **state)
{
	char out[33];

	(void)state;
	assert_int_equal(report_hash_machine_id("3d1219c7c4c5404aaa1f6d2a48adfda4", out), FC_OK);
	assert_string_equal(out, "3dab15471f524ffda3236c5f4ff8def9");
	assert_int_equal(report_hash_machine_id("3d1219c7c4c5404a", out), FC_EPARSE);
	assert_int_equal(report_hash_machine_id("zz1219c7c4c5404aaa1f6d2a48adfda4", out),
	                 FC_EPARSE);
}

static void test_uuid_format(void **state)
{
	unsigned char b[16];
	char id[STATE_ID_LEN + 1], id2[STATE_ID_LEN + 1];

	(void)state;
	memset(b, 0xff, sizeof(b));
	state_format_uuid(b, id);
	assert_string_equal(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
	assert_int_equal(state_new_uuid(id), FC_OK);
	assert_int_equal(state_new_uuid(id2), FC_OK);
	assert_int_equal(strlen(id), STATE_ID_LEN);
	assert_int_equal(id[14], '4');
	assert_string_not_equal(id, id2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_machine_id_matches_systemd),
	    cmocka_unit_test(test_uuid_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
