/* test_inventory.c - identifiers the report carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "inventory.h"
#include "state.h"

#define ROOT "tests/fixtures/roots/debian12"

/* The expected value was printed by systemd's own tool on the build machine:
 * with /etc/machine-id = 3d1219c7c4c5404aaa1f6d2a48adfda4,
 * `systemd-id128 machine-id --app-specific=5f3c2d8e9a414b6e8c1d2e7f90a4b3c5`
 * printed 3dab15471f524ffda3236c5f4ff8def9. The e2e suite repeats the check
 * against systemd-id128 live wherever it is installed. */
static void test_machine_id_matches_systemd(void **state)
{
	char out[33];

	(void)state;
	assert_int_equal(inventory_hash_machine_id("3d1219c7c4c5404aaa1f6d2a48adfda4", out), FC_OK);
	assert_string_equal(out, "3dab15471f524ffda3236c5f4ff8def9");
	assert_int_equal(inventory_hash_machine_id("3d1219c7c4c5404a", out), FC_EPARSE);
	assert_int_equal(inventory_hash_machine_id("zz1219c7c4c5404aaa1f6d2a48adfda4", out),
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

/* The expected digest was computed without the agent, from dpkg-query's own
 * fields for the fixture root, in the status file's order:
 *   dpkg-query --admindir=tests/fixtures/roots/debian12/var/lib/dpkg -W \
 *     -f '${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${Maintainer}\n'
 * keeping the "installed" rows, then in python3:
 *   h = hashlib.sha256(b"fleetcensus software list 1\n")
 *   for each of base-files, libc6:amd64, libc6:i386, tzdata, perl-base,
 *   openssh-server: h.update(f.encode() + b"\0") for f in name, version,
 *   arch, maintainer, "deb"; h.hexdigest(). */
#define ROOT_DIGEST "2e73c706d9143774ebc2be00a255f29afd7c8bf8de33d98aefac7118f9054369"

static const cJSON *path2(const cJSON *doc, const char *a, const char *b)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, a), b);
}

static void test_software_digest(void **state)
{
	struct inventory_ids ids = {"86a50e80-2248-41ad-a6e8-b2ca31305bdb", "2026-01-01-00-00-00",
	                            "fdddefc9-7e0b-4452-96c9-67f7be6ec665", "2026-01-01T00:00:00Z"};
	struct inventory_summary sum;
	char *json = NULL, *short_json = NULL;
	cJSON *full, *brief;
	const cJSON *ext, *sext;

	(void)state;
	assert_int_equal(inventory_build(ROOT, &ids, &json, &short_json, &sum), FC_OK);
	assert_string_equal(sum.software_digest, ROOT_DIGEST);
	assert_int_equal(sum.packages, 6);
	full = cJSON_Parse(json);
	brief = cJSON_Parse(short_json);
	assert_non_null(full);
	assert_non_null(brief);
	ext = path2(cJSON_GetObjectItemCaseSensitive(full, "content"), "fleetcensus",
	            "software_digest");
	assert_true(cJSON_IsString(ext));
	assert_string_equal(ext->valuestring, ROOT_DIGEST);
	assert_int_equal(cJSON_GetArraySize(path2(full, "content", "softwares")), 6);
	assert_null(cJSON_GetObjectItemCaseSensitive(path2(full, "content", "fleetcensus"),
	                                             "software_unchanged"));
	/* the short form: the same document without the list */
	assert_null(path2(brief, "content", "softwares"));
	sext = path2(brief, "content", "fleetcensus");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sext, "software_unchanged")));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(sext, "software_digest")->valuestring,
	                    ROOT_DIGEST);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(sext, "software_count")->valueint, 6);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(sext, "report_id")->valuestring,
	                    ids.report_id);
	assert_string_equal(sum.hostname, "ws-0042");
	cJSON_Delete(full);
	cJSON_Delete(brief);
	free(json);
	free(short_json);
}

/* No list, no digest, no short form. */
static void test_no_software_no_digest(void **state)
{
	struct inventory_ids ids = {"86a50e80-2248-41ad-a6e8-b2ca31305bdb", "2026-01-01-00-00-00",
	                            "fdddefc9-7e0b-4452-96c9-67f7be6ec665", "2026-01-01T00:00:00Z"};
	struct inventory_summary sum;
	char *json = NULL, *short_json = (char *)"x";
	cJSON *doc;

	(void)state;
	assert_int_equal(
	    inventory_build("tests/fixtures/roots/centos6-legacy", &ids, &json, &short_json, &sum),
	    FC_OK);
	assert_int_equal(sum.software, SECTION_SKIPPED);
	assert_string_equal(sum.software_digest, "");
	assert_null(short_json);
	doc = cJSON_Parse(json);
	assert_null(cJSON_GetObjectItemCaseSensitive(path2(doc, "content", "fleetcensus"),
	                                             "software_digest"));
	cJSON_Delete(doc);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_machine_id_matches_systemd),
	    cmocka_unit_test(test_uuid_format),
	    cmocka_unit_test(test_software_digest),
	    cmocka_unit_test(test_no_software_no_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
