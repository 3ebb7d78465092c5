/* test_inventory_windows.c - content.fleetcensus.windows as the Windows agent
 * writes it (agent/inventory.c) is what docs/protocol.md lists and what the
 * collector classifies (collector/classify.c): the contract, pinned on Linux
 * with the facts of real machines (windows-and-linux-facts.md a.3, a.4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "collector/classify.h"
#include "os.h"
#include "inventory.h"
#include "xalloc.h"

static cJSON *windows_of(struct win_facts *w)
{
	char *s = inventory_windows_json(w);
	cJSON *o;

	assert_non_null(s);
	o = cJSON_Parse(s);
	free(s);
	assert_non_null(o);
	return o;
}

/* Classifies a report whose only facts are w. */
static void classify_win(struct win_facts *w, struct os_class *c)
{
	cJSON *ext = cJSON_CreateObject(), *os = cJSON_CreateObject();

	cJSON_AddItemToObject(ext, "windows", windows_of(w));
	classify_facts(os, ext, c);
	cJSON_Delete(ext);
	cJSON_Delete(os);
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

static void test_every_key(void **state)
{
	static const char *const nums[] = {"major",
	                                   "minor",
	                                   "build",
	                                   "ubr",
	                                   "product_type",
	                                   "suite_mask",
	                                   "current_major_version_number",
	                                   "current_minor_version_number",
	                                   "current_build_number",
	                                   "server_r2"};
	static const char *const strs[] = {"product_name",    "edition_id",  "display_version",
	                                   "release_id",      "csd_version", "installation_type",
	                                   "current_version", "native_arch"};
	static const char *const flags[] = {"embedded", "posready", "media_center", "tablet_pc",
	                                    "starter"};
	struct os_facts f;
	cJSON *o;
	size_t i;

	(void)state;
	os_facts_init(&f);
	f.win.present = 1;
	f.win.major = 10, f.win.minor = 0, f.win.build = 22631, f.win.ubr = 4317;
	f.win.product_type = 1, f.win.suite_mask = 0x100, f.win.server_r2 = 0;
	f.win.reg_major = 10, f.win.reg_minor = 0, f.win.reg_build = 22631;
	set_str(&f.win.product_name, "x");
	set_str(&f.win.edition_id, "x");
	set_str(&f.win.display_version, "x");
	set_str(&f.win.release_id, "x");
	set_str(&f.win.csd_version, "x");
	set_str(&f.win.installation_type, "x");
	set_str(&f.win.current_version, "x");
	set_str(&f.win.native_arch, "x");
	f.win.embedded = f.win.posready = f.win.media_center = f.win.tablet_pc = 0;
	f.win.starter = 1;
	o = windows_of(&f.win);
	assert_int_equal(cJSON_GetArraySize(o), 23);
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, nums[i])));
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, strs[i])));
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		assert_true(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(o, flags[i])));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "starter")));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(o, "build")->valuedouble, 22631);
	cJSON_Delete(o);
	os_facts_release(&f);
	/* nothing known: nothing sent (never 0 or "" for unknown) */
	o = windows_of(&f.win);
	assert_int_equal(cJSON_GetArraySize(o), 0);
	cJSON_Delete(o);
}

/* Windows 11 23H2 Pro, whose registry still says "Windows 10 Pro". */
static void test_windows11_classified(void **state)
{
	struct os_facts f;
	struct os_class c;

	(void)state;
	os_facts_init(&f);
	f.win.present = 1;
	f.win.major = 10, f.win.minor = 0, f.win.build = 22631, f.win.ubr = 4317;
	f.win.product_type = 1, f.win.suite_mask = 0x100, f.win.server_r2 = 0;
	f.win.reg_major = 10, f.win.reg_minor = 0, f.win.reg_build = 22631;
	set_str(&f.win.product_name, "Windows 10 Pro");
	set_str(&f.win.edition_id, "Professional");
	set_str(&f.win.display_version, "23H2");
	set_str(&f.win.release_id, "2009");
	set_str(&f.win.current_version, "6.3");
	set_str(&f.win.installation_type, "Client");
	set_str(&f.win.native_arch, "AMD64");
	f.win.embedded = f.win.posready = f.win.media_center = f.win.tablet_pc = 0;
	f.win.starter = 0;
	classify_win(&f.win, &c);
	assert_string_equal(c.os_product, "Windows 11");
	assert_string_equal(c.os_edition, "Pro");
	assert_string_equal(c.os_release, "23H2");
	assert_string_equal(c.arch, "x86_64");
	os_facts_release(&f);
}

/* POSReady 2009: XP 5.1.2600 SP3 with EmbeddedNT and WPA\PosReady. */
static void test_posready_classified(void **state)
{
	struct os_facts f;
	struct os_class c;

	(void)state;
	os_facts_init(&f);
	f.win.present = 1;
	f.win.major = 5, f.win.minor = 1, f.win.build = 2600;
	f.win.product_type = 1, f.win.suite_mask = 0x140, f.win.server_r2 = 0;
	f.win.reg_build = 2600;
	set_str(&f.win.product_name, "Microsoft Windows XP");
	set_str(&f.win.csd_version, "Service Pack 3");
	set_str(&f.win.current_version, "5.1");
	set_str(&f.win.native_arch, "x86");
	f.win.embedded = f.win.posready = 1;
	f.win.media_center = f.win.tablet_pc = f.win.starter = 0;
	classify_win(&f.win, &c);
	assert_string_equal(c.os_product, "Windows XP");
	assert_string_equal(c.os_edition, "POSReady 2009");
	assert_string_equal(c.os_service_pack, "Service Pack 3");
	assert_string_equal(c.arch, "x86");
	os_facts_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_windows11_classified),
	    cmocka_unit_test(test_posready_classified),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
