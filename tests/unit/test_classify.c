/* test_classify.c - classify_facts and classify_os_json: every Windows case
 * of ../shared/reference/windows-and-linux-facts.md (a.2-a.5), the Linux
 * fixture roots and legacy release files (e), the GLPI fallback and
 * malformed input. The facts are written here as JSON text; every expected
 * value is written by hand from the facts file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "classify.h"

/* The expected record; reason NULL: not flagged, else a substring of
 * flag_reason. */
struct want {
	const char *family, *id, *product, *edition, *version, *build, *release, *sp, *arch;
	const char *reason;
};

static void assert_class(const struct os_class *c, const struct want *w)
{
	assert_string_equal(c->os_family, w->family);
	assert_string_equal(c->os_id, w->id);
	assert_string_equal(c->os_product, w->product);
	assert_string_equal(c->os_edition, w->edition);
	assert_string_equal(c->os_version, w->version);
	assert_string_equal(c->os_build, w->build);
	assert_string_equal(c->os_release, w->release);
	assert_string_equal(c->os_service_pack, w->sp);
	assert_string_equal(c->arch, w->arch);
	if (w->reason) {
		assert_true(c->flagged);
		assert_non_null(strstr(c->flag_reason, w->reason));
	} else {
		assert_false(c->flagged);
		assert_string_equal(c->flag_reason, "");
	}
}

/* Classifies the stored os_json text both ways (classify_os_json, and
 * classify_facts on the parsed objects) and checks both results. */
static void check_doc(const char *doc, const struct want *w)
{
	struct os_class c;
	char err[256] = "";
	cJSON *root;

	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(classify_os_json(doc, &c, err), FC_OK);
	assert_class(&c, w);
	root = cJSON_Parse(doc);
	assert_non_null(root);
	memset(&c, 0x5a, sizeof(c));
	classify_facts(cJSON_GetObjectItem(root, "operatingsystem"),
	               cJSON_GetObjectItem(root, "fleetcensus"), &c);
	assert_class(&c, w);
	cJSON_Delete(root);
}

/* A Windows report: the windows object given as JSON text. */
static void check_win(const char *windows, const struct want *w)
{
	static const char fmt[] = "{\"operatingsystem\":{\"name\":\"ignored\"},"
	                          "\"fleetcensus\":{\"windows\":%s}}";
	size_t n = strlen(windows) + sizeof(fmt);
	char *doc = malloc(n);

	assert_non_null(doc);
	snprintf(doc, n, fmt, windows);
	check_doc(doc, w);
	free(doc);
}

#define WIN(product, edition, version, build, release, sp, arch)                                   \
	(&(struct want){"windows", "windows", product, edition, version, build, release, sp, arch, \
	                NULL})
#define WINF(product, edition, version, build, release, sp, arch, reason)                          \
	(&(struct want){"windows", "windows", product, edition, version, build, release, sp, arch, \
	                reason})

/* ---- Windows XP and 2003 (facts a.2, a.4) ---- */

static void xp_professional_sp3(void **state)
{
	(void)state;
	check_win(
	    "{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":272,"
	    "\"product_name\":\"Microsoft Windows XP\",\"csd_version\":\"Service Pack 3\","
	    "\"current_version\":\"5.1\",\"native_arch\":\"x86\"}",
	    WIN("Windows XP", "Professional", "5.1.2600", "2600", "", "Service Pack 3", "x86"));
}

static void xp_professional_sp2(void **state)
{
	(void)state;
	check_win(
	    "{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":256,"
	    "\"csd_version\":\"Service Pack 2\",\"native_arch\":\"x86\"}",
	    WIN("Windows XP", "Professional", "5.1.2600", "2600", "", "Service Pack 2", "x86"));
}

static void xp_home_sp2_and_sp3(void **state)
{
	(void)state;
	/* 0x310: TERMINAL | SINGLEUSERTS | PERSONAL */
	check_win("{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":784,"
	          "\"csd_version\":\"Service Pack 2\",\"native_arch\":\"x86\"}",
	          WIN("Windows XP", "Home", "5.1.2600", "2600", "", "Service Pack 2", "x86"));
	check_win("{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":784,"
	          "\"csd_version\":\"Service Pack 3\",\"native_arch\":\"x86\"}",
	          WIN("Windows XP", "Home", "5.1.2600", "2600", "", "Service Pack 3", "x86"));
}

static void xp_media_center_tablet_starter(void **state)
{
	(void)state;
	check_win("{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":272,"
	          "\"media_center\":true,\"csd_version\":\"Service Pack 3\"}",
	          WIN("Windows XP", "Media Center", "5.1.2600", "2600", "", "Service Pack 3", ""));
	check_win("{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":272,"
	          "\"tablet_pc\":1,\"csd_version\":\"Service Pack 3\"}",
	          WIN("Windows XP", "Tablet PC", "5.1.2600", "2600", "", "Service Pack 3", ""));
	/* Starter is a Home derivative: PERSONAL set, SM_STARTER decides */
	check_win("{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":784,"
	          "\"starter\":\"1\",\"csd_version\":\"Service Pack 3\"}",
	          WIN("Windows XP", "Starter", "5.1.2600", "2600", "", "Service Pack 3", ""));
}

static void xp_embedded_and_posready(void **state)
{
	(void)state;
	/* 0x50: TERMINAL | EMBEDDEDNT */
	check_win("{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":80,"
	          "\"csd_version\":\"Service Pack 3\",\"native_arch\":\"x86\"}",
	          WIN("Windows XP", "Embedded", "5.1.2600", "2600", "", "Service Pack 3", "x86"));
	check_win(
	    "{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":80,"
	    "\"posready\":true,\"embedded\":true,\"csd_version\":\"Service Pack 3\","
	    "\"native_arch\":\"x86\"}",
	    WIN("Windows XP", "POSReady 2009", "5.1.2600", "2600", "", "Service Pack 3", "x86"));
}

static void xp_posready_hack(void **state)
{
	(void)state;
	/* WPA\PosReady\Installed=1 on a plain XP Pro: the Legacy Update hack */
	check_win("{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":272,"
	          "\"posready\":true,\"csd_version\":\"Service Pack 3\",\"native_arch\":\"x86\"}",
	          WINF("Windows XP", "Professional", "5.1.2600", "2600", "", "Service Pack 3",
	               "x86", "PosReady registry value without Embedded evidence"));
	check_win("{\"major\":5,\"minor\":1,\"build\":2600,\"product_type\":1,\"suite_mask\":784,"
	          "\"posready\":1,\"embedded\":false,\"csd_version\":\"Service Pack 3\"}",
	          WINF("Windows XP", "Home", "5.1.2600", "2600", "", "Service Pack 3", "",
	               "PosReady registry value without Embedded evidence"));
}

static void xp_x64(void **state)
{
	(void)state;
	check_win("{\"major\":5,\"minor\":2,\"build\":3790,\"product_type\":1,\"suite_mask\":272,"
	          "\"csd_version\":\"Service Pack 2\",\"current_version\":\"5.2\","
	          "\"native_arch\":\"AMD64\"}",
	          WIN("Windows XP", "Professional x64", "5.2.3790", "3790", "", "Service Pack 2",
	              "x86_64"));
}

static void server_2003_and_r2(void **state)
{
	(void)state;
	check_win("{\"major\":5,\"minor\":2,\"build\":3790,\"product_type\":3,\"suite_mask\":272,"
	          "\"server_r2\":0,\"csd_version\":\"Service Pack 2\",\"native_arch\":\"x86\"}",
	          WIN("Windows Server 2003", "Standard", "5.2.3790", "3790", "", "Service Pack 2",
	              "x86"));
	/* R2 Enterprise (0x2), a domain controller */
	check_win("{\"major\":5,\"minor\":2,\"build\":3790,\"product_type\":2,\"suite_mask\":274,"
	          "\"server_r2\":3790,\"csd_version\":\"Service Pack 2\",\"native_arch\":\"x86\"}",
	          WIN("Windows Server 2003 R2", "Enterprise", "5.2.3790", "3790", "",
	              "Service Pack 2", "x86"));
	check_win(
	    "{\"major\":5,\"minor\":2,\"build\":3790,\"product_type\":3,\"suite_mask\":400,"
	    "\"server_r2\":0,\"csd_version\":\"Service Pack 2\"}",
	    WIN("Windows Server 2003", "Datacenter", "5.2.3790", "3790", "", "Service Pack 2", ""));
	/* SM_SERVERR2 not reported: the non-R2 product, flagged */
	check_win(
	    "{\"major\":5,\"minor\":2,\"build\":3790,\"product_type\":3,\"suite_mask\":272}",
	    WINF("Windows Server 2003", "Standard", "5.2.3790", "3790", "", "", "", "SM_SERVERR2"));
}

/* ---- Vista to 8.1 (facts a.2, a.3, a.5) ---- */

static void vista_7_8_81(void **state)
{
	(void)state;
	check_win(
	    "{\"major\":6,\"minor\":0,\"build\":6002,\"product_type\":1,"
	    "\"edition_id\":\"Business\",\"csd_version\":\"Service Pack 2\","
	    "\"native_arch\":\"x86\"}",
	    WIN("Windows Vista", "Business", "6.0.6002", "6002", "", "Service Pack 2", "x86"));
	check_win(
	    "{\"major\":6,\"minor\":1,\"build\":7601,\"product_type\":1,"
	    "\"edition_id\":\"Professional\",\"csd_version\":\"Service Pack 1\","
	    "\"current_version\":\"6.1\",\"native_arch\":\"AMD64\"}",
	    WIN("Windows 7", "Professional", "6.1.7601", "7601", "", "Service Pack 1", "x86_64"));
	check_win("{\"major\":6,\"minor\":1,\"build\":7601,\"product_type\":1,"
	          "\"edition_id\":\"HomePremium\",\"csd_version\":\"Service Pack 1\"}",
	          WIN("Windows 7", "Home Premium", "6.1.7601", "7601", "", "Service Pack 1", ""));
	check_win("{\"major\":6,\"minor\":2,\"build\":9200,\"product_type\":1,"
	          "\"edition_id\":\"Core\",\"native_arch\":\"AMD64\"}",
	          WIN("Windows 8", "Core", "6.2.9200", "9200", "", "", "x86_64"));
	check_win("{\"major\":6,\"minor\":3,\"build\":9600,\"ubr\":20778,\"product_type\":1,"
	          "\"edition_id\":\"Professional\",\"current_version\":\"6.3\","
	          "\"native_arch\":\"AMD64\"}",
	          WIN("Windows 8.1", "Pro", "6.3.9600", "9600.20778", "", "", "x86_64"));
}

static void win81_registry_cross_check(void **state)
{
	(void)state;
	/* RtlGetVersion shimmed to 6.2.9200; the registry says 8.1 */
	check_win("{\"major\":6,\"minor\":2,\"build\":9200,\"product_type\":1,"
	          "\"edition_id\":\"Enterprise\",\"current_version\":\"6.3\","
	          "\"current_build_number\":\"9600\",\"product_name\":\"Windows 8.1 Enterprise\"}",
	          WIN("Windows 8.1", "Enterprise", "6.3.9600", "9600", "", "", ""));
	/* the same without any build and ProductName: 6.3 also fits 10; flagged */
	check_win("{\"major\":6,\"minor\":2,\"build\":9200,\"product_type\":1,"
	          "\"edition_id\":\"Enterprise\",\"current_version\":\"6.3\"}",
	          WINF("Windows 8.1", "Enterprise", "6.3.9600", "9600", "", "", "",
	               "CurrentVersion 6.3"));
}

/* ---- Windows 10 and 11 (facts a.3, a.5) ---- */

static void win10_every_release(void **state)
{
	static const struct {
		int build;
		const char *release_id, *display_version, *want;
	} t[] = {
	    {10240, NULL, NULL, "1507"},     {10586, "1511", NULL, "1511"},
	    {14393, "1607", NULL, "1607"},   {15063, "1703", NULL, "1703"},
	    {16299, "1709", NULL, "1709"},   {17134, "1803", NULL, "1803"},
	    {17763, "1809", NULL, "1809"},   {18362, "1903", NULL, "1903"},
	    {18363, "1909", NULL, "1909"},   {19041, "2004", NULL, "2004"},
	    {19042, "2009", NULL, "20H2"},   {19042, "2009", "20H2", "20H2"},
	    {19043, "2009", "21H1", "21H1"}, {19044, "2009", NULL, "21H2"},
	    {19044, "2009", "21H2", "21H2"}, {19045, "2009", "22H2", "22H2"},
	    {19045, NULL, NULL, "22H2"},     {18363, NULL, NULL, "1909"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char doc[512], ver[32], build[32];
		int n = snprintf(doc, sizeof(doc),
		                 "{\"major\":10,\"minor\":0,\"build\":%d,\"product_type\":1,"
		                 "\"edition_id\":\"Professional\",\"current_version\":\"6.3\","
		                 "\"product_name\":\"Windows 10 Pro\"",
		                 t[i].build);

		if (t[i].release_id)
			n += snprintf(doc + n, sizeof(doc) - n, ",\"release_id\":\"%s\"",
			              t[i].release_id);
		if (t[i].display_version)
			n += snprintf(doc + n, sizeof(doc) - n, ",\"display_version\":\"%s\"",
			              t[i].display_version);
		snprintf(doc + n, sizeof(doc) - n, "}");
		snprintf(ver, sizeof(ver), "10.0.%d", t[i].build);
		snprintf(build, sizeof(build), "%d", t[i].build);
		check_win(doc, WIN("Windows 10", "Pro", ver, build, t[i].want, "", ""));
	}
}

static void win10_editions(void **state)
{
	(void)state;
	check_win("{\"major\":10,\"minor\":0,\"build\":19045,\"ubr\":5737,\"product_type\":1,"
	          "\"edition_id\":\"Core\",\"display_version\":\"22H2\",\"native_arch\":\"AMD64\"}",
	          WIN("Windows 10", "Home", "10.0.19045", "19045.5737", "22H2", "", "x86_64"));
	check_win("{\"major\":10,\"minor\":0,\"build\":19045,\"product_type\":1,"
	          "\"edition_id\":\"Enterprise\",\"display_version\":\"22H2\"}",
	          WIN("Windows 10", "Enterprise", "10.0.19045", "19045", "22H2", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":19044,\"product_type\":1,"
	          "\"edition_id\":\"Education\",\"display_version\":\"21H2\"}",
	          WIN("Windows 10", "Education", "10.0.19044", "19044", "21H2", "", ""));
	/* an EditionID this table does not know is kept verbatim */
	check_win("{\"major\":10,\"minor\":0,\"build\":19045,\"product_type\":1,"
	          "\"edition_id\":\"EnterpriseG\",\"display_version\":\"22H2\"}",
	          WIN("Windows 10", "EnterpriseG", "10.0.19045", "19045", "22H2", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":19045,\"product_type\":1}",
	          WINF("Windows 10", "", "10.0.19045", "19045", "22H2", "", "", "no EditionID"));
}

static void win11_says_windows_10(void **state)
{
	(void)state;
	check_win(
	    "{\"major\":10,\"minor\":0,\"build\":22631,\"ubr\":4460,\"product_type\":1,"
	    "\"product_name\":\"Windows 10 Pro\",\"edition_id\":\"Professional\","
	    "\"display_version\":\"23H2\",\"release_id\":\"2009\",\"current_version\":\"6.3\","
	    "\"installation_type\":\"Client\",\"native_arch\":\"ARM64\"}",
	    WIN("Windows 11", "Pro", "10.0.22631", "22631.4460", "23H2", "", "arm64"));
	/* no DisplayVersion: ReleaseId 2009 is frozen, the build decides */
	check_win("{\"major\":10,\"minor\":0,\"build\":22631,\"product_type\":1,"
	          "\"product_name\":\"Windows 10 Pro\",\"edition_id\":\"Professional\","
	          "\"release_id\":\"2009\"}",
	          WIN("Windows 11", "Pro", "10.0.22631", "22631", "23H2", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":22000,\"product_type\":1,"
	          "\"product_name\":\"Windows 10 Enterprise\",\"edition_id\":\"Enterprise\","
	          "\"release_id\":\"2009\"}",
	          WIN("Windows 11", "Enterprise", "10.0.22000", "22000", "21H2", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":26100,\"product_type\":1,"
	          "\"edition_id\":\"Core\",\"display_version\":\"24H2\"}",
	          WIN("Windows 11", "Home", "10.0.26100", "26100", "24H2", "", ""));
}

static void ltsb_ltsc(void **state)
{
	(void)state;
	check_win("{\"major\":10,\"minor\":0,\"build\":10240,\"product_type\":1,"
	          "\"edition_id\":\"EnterpriseS\"}",
	          WIN("Windows 10", "Enterprise LTSB 2015", "10.0.10240", "10240", "1507", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":14393,\"product_type\":1,"
	          "\"edition_id\":\"EnterpriseS\",\"release_id\":\"1607\"}",
	          WIN("Windows 10", "Enterprise LTSB 2016", "10.0.14393", "14393", "1607", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":17763,\"product_type\":1,"
	          "\"edition_id\":\"EnterpriseS\",\"release_id\":\"1809\"}",
	          WIN("Windows 10", "Enterprise LTSC 2019", "10.0.17763", "17763", "1809", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":19044,\"product_type\":1,"
	          "\"edition_id\":\"EnterpriseS\",\"display_version\":\"21H2\"}",
	          WIN("Windows 10", "Enterprise LTSC 2021", "10.0.19044", "19044", "21H2", "", ""));
	check_win(
	    "{\"major\":10,\"minor\":0,\"build\":19044,\"product_type\":1,"
	    "\"edition_id\":\"IoTEnterpriseS\",\"display_version\":\"21H2\"}",
	    WIN("Windows 10", "IoT Enterprise LTSC 2021", "10.0.19044", "19044", "21H2", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":26100,\"product_type\":1,"
	          "\"edition_id\":\"EnterpriseS\",\"display_version\":\"24H2\"}",
	          WIN("Windows 11", "Enterprise LTSC 2024", "10.0.26100", "26100", "24H2", "", ""));
	check_win(
	    "{\"major\":10,\"minor\":0,\"build\":26100,\"product_type\":1,"
	    "\"edition_id\":\"IoTEnterpriseS\",\"display_version\":\"24H2\"}",
	    WIN("Windows 11", "IoT Enterprise LTSC 2024", "10.0.26100", "26100", "24H2", "", ""));
	/* EnterpriseS on a build that is no LTSC: the older LTSC, flagged */
	check_win("{\"major\":10,\"minor\":0,\"build\":19045,\"product_type\":1,"
	          "\"edition_id\":\"EnterpriseS\"}",
	          WINF("Windows 10", "Enterprise LTSC 2021", "10.0.19045", "19045", "22H2", "", "",
	               "no LTSC release"));
}

static void compat_shim_cross_check(void **state)
{
	(void)state;
	/* RtlGetVersion under a compatibility shim says 6.2; the registry is 10 */
	check_win("{\"major\":6,\"minor\":2,\"build\":9200,\"product_type\":1,"
	          "\"current_major_version_number\":10,\"current_minor_version_number\":0,"
	          "\"current_build_number\":\"17763\",\"release_id\":\"1809\","
	          "\"edition_id\":\"Enterprise\",\"current_version\":\"6.3\"}",
	          WIN("Windows 10", "Enterprise", "10.0.17763", "17763", "1809", "", ""));
	/* build lower than the registry's: the registry wins */
	check_win("{\"major\":10,\"minor\":0,\"build\":19041,\"product_type\":1,"
	          "\"current_build_number\":\"19045\",\"display_version\":\"22H2\","
	          "\"edition_id\":\"Professional\"}",
	          WIN("Windows 10", "Pro", "10.0.19045", "19045", "22H2", "", ""));
	/* only the release name: the build is derived, flagged */
	check_win("{\"major\":6,\"minor\":2,\"build\":9200,\"product_type\":1,"
	          "\"release_id\":\"1809\",\"edition_id\":\"Enterprise\"}",
	          WINF("Windows 10", "Enterprise", "10.0.17763", "17763", "1809", "", "",
	               "build taken from the release name"));
}

/* ---- servers (facts a.2, a.3) ---- */

static void servers_2008_to_2025(void **state)
{
	(void)state;
	check_win("{\"major\":6,\"minor\":0,\"build\":6003,\"product_type\":3,"
	          "\"edition_id\":\"ServerStandard\",\"csd_version\":\"Service Pack 2\","
	          "\"native_arch\":\"x86\"}",
	          WIN("Windows Server 2008", "Standard", "6.0.6003", "6003", "", "Service Pack 2",
	              "x86"));
	check_win("{\"major\":6,\"minor\":1,\"build\":7601,\"product_type\":2,"
	          "\"edition_id\":\"ServerEnterprise\",\"csd_version\":\"Service Pack 1\","
	          "\"native_arch\":\"AMD64\"}",
	          WIN("Windows Server 2008 R2", "Enterprise", "6.1.7601", "7601", "",
	              "Service Pack 1", "x86_64"));
	check_win("{\"major\":6,\"minor\":2,\"build\":9200,\"product_type\":3,"
	          "\"edition_id\":\"ServerDatacenter\"}",
	          WIN("Windows Server 2012", "Datacenter", "6.2.9200", "9200", "", "", ""));
	check_win("{\"major\":6,\"minor\":3,\"build\":9600,\"product_type\":3,"
	          "\"edition_id\":\"ServerStandard\"}",
	          WIN("Windows Server 2012 R2", "Standard", "6.3.9600", "9600", "", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":14393,\"product_type\":3,"
	          "\"edition_id\":\"ServerStandard\",\"release_id\":\"1607\"}",
	          WIN("Windows Server 2016", "Standard", "10.0.14393", "14393", "1607", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":17763,\"ubr\":6893,\"product_type\":2,"
	          "\"edition_id\":\"ServerDatacenter\",\"release_id\":\"1809\","
	          "\"native_arch\":\"AMD64\"}",
	          WIN("Windows Server 2019", "Datacenter", "10.0.17763", "17763.6893", "1809", "",
	              "x86_64"));
	/* 20348 sits between Windows 10 and 11 builds: product type decides */
	check_win("{\"major\":10,\"minor\":0,\"build\":20348,\"product_type\":3,"
	          "\"edition_id\":\"ServerStandardEval\",\"release_id\":\"2009\","
	          "\"display_version\":\"21H2\",\"product_name\":\"Windows Server 2022 Standard\"}",
	          WIN("Windows Server 2022", "Standard Evaluation", "10.0.20348", "20348", "21H2",
	              "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":25398,\"product_type\":3,"
	          "\"edition_id\":\"ServerDatacenter\"}",
	          WIN("Windows Server 23H2", "Datacenter", "10.0.25398", "25398", "23H2", "", ""));
	check_win("{\"major\":10,\"minor\":0,\"build\":26100,\"product_type\":2,"
	          "\"edition_id\":\"ServerDatacenter\",\"display_version\":\"24H2\"}",
	          WIN("Windows Server 2025", "Datacenter", "10.0.26100", "26100", "24H2", "", ""));
	/* no product type: InstallationType says server */
	check_win("{\"major\":10,\"minor\":0,\"build\":20348,\"installation_type\":\"Server Core\","
	          "\"edition_id\":\"ServerStandard\"}",
	          WIN("Windows Server 2022", "Standard", "10.0.20348", "20348", "", "", ""));
	/* a server build not in the table: the older product, flagged */
	check_win("{\"major\":10,\"minor\":0,\"build\":18363,\"product_type\":3,"
	          "\"edition_id\":\"ServerStandard\",\"release_id\":\"1909\"}",
	          WINF("Windows Server 2019", "Standard", "10.0.18363", "18363", "1909", "", "",
	               "server build not in the table"));
	/* nothing says workstation or server: workstation, flagged */
	check_win("{\"major\":10,\"minor\":0,\"build\":14393,\"edition_id\":\"Enterprise\"}",
	          WINF("Windows 10", "Enterprise", "10.0.14393", "14393", "1607", "", "",
	               "product type unknown"));
}

static void windows_numeric_strings(void **state)
{
	(void)state;
	check_win("{\"major\":\"5\",\"minor\":\"1\",\"build\":\"2600\",\"product_type\":\"1\","
	          "\"suite_mask\":\"0x310\",\"csd_version\":\"Service Pack 3\"}",
	          WIN("Windows XP", "Home", "5.1.2600", "2600", "", "Service Pack 3", ""));
	/* RtlGetNtVersionNumbers-style high bits on the build */
	check_win("{\"major\":6,\"minor\":1,\"build\":4026539441,\"product_type\":1,"
	          "\"edition_id\":\"Enterprise\",\"csd_version\":\"Service Pack 1\"}",
	          WIN("Windows 7", "Enterprise", "6.1.7601", "7601", "", "Service Pack 1", ""));
}

/* ---- Linux (facts e) ---- */

#define LNX(id, product, version, sp, arch)                                                        \
	(&(struct want){"linux", id, product, "", version, "", "", sp, arch, NULL})

/* build/fleetcensus-agent --root tests/fixtures/roots/debian12 */
static void root_debian12(void **state)
{
	(void)state;
	check_doc("{\"operatingsystem\":{\"name\":\"Debian GNU/Linux\",\"full_name\":\"Debian "
	          "GNU/Linux 12 (bookworm)\",\"version\":\"12\",\"kernel_name\":\"linux\","
	          "\"kernel_version\":\"6.18.44-fc-v782\",\"arch\":\"x86_64\","
	          "\"fqdn\":\"ws-0042.gemeente.example\",\"dns_domain\":\"gemeente.example\"},"
	          "\"fleetcensus\":{\"os_release\":{\"PRETTY_NAME\":\"Debian GNU/Linux 12 "
	          "(bookworm)\",\"NAME\":\"Debian GNU/Linux\",\"VERSION_ID\":\"12\","
	          "\"VERSION\":\"12 (bookworm)\",\"VERSION_CODENAME\":\"bookworm\","
	          "\"ID\":\"debian\",\"HOME_URL\":\"https://www.debian.org/\"}}}",
	          LNX("debian", "Debian 12", "12", "", "x86_64"));
}

/* build/fleetcensus-agent --root tests/fixtures/roots/centos6-legacy */
static void root_centos6_legacy(void **state)
{
	(void)state;
	check_doc("{\"operatingsystem\":{\"name\":\"CentOS release 6.10 (Final)\","
	          "\"full_name\":\"CentOS release 6.10 (Final)\",\"kernel_name\":\"linux\","
	          "\"kernel_version\":\"6.18.44-fc-v782\",\"arch\":\"x86_64\","
	          "\"fqdn\":\"centos6-db01\"},\"fleetcensus\":{\"release_files\":{"
	          "\"/etc/centos-release\":\"CentOS release 6.10 (Final)\","
	          "\"/etc/redhat-release\":\"CentOS release 6.10 (Final)\","
	          "\"/etc/system-release\":\"CentOS release 6.10 (Final)\","
	          "\"/etc/system-release-cpe\":\"cpe:/o:centos:linux:6:GA\"}}}",
	          LNX("centos", "CentOS 6", "6.10", "", "x86_64"));
}

/* An os-release report: the os_release object and operatingsystem.arch. */
static void check_osr(const char *osr, const char *arch, const struct want *w)
{
	char doc[4096];

	snprintf(doc, sizeof(doc),
	         "{\"operatingsystem\":{\"arch\":\"%s\"},\"fleetcensus\":{\"os_release\":%s}}",
	         arch, osr);
	check_doc(doc, w);
}

static void os_release_products(void **state)
{
	(void)state;
	check_osr("{\"ID\":\"ubuntu\",\"ID_LIKE\":\"debian\",\"NAME\":\"Ubuntu\","
	          "\"VERSION_ID\":\"22.04\",\"VERSION\":\"22.04.4 LTS (Jammy Jellyfish)\"}",
	          "x86_64", LNX("ubuntu", "Ubuntu 22.04", "22.04", "", "x86_64"));
	check_osr("{\"ID\":\"rhel\",\"NAME\":\"Red Hat Enterprise Linux\","
	          "\"VERSION_ID\":\"8.10\",\"ID_LIKE\":\"fedora\"}",
	          "x86_64", LNX("rhel", "Red Hat Enterprise Linux 8", "8.10", "", "x86_64"));
	check_osr("{\"ID\":\"rocky\",\"NAME\":\"Rocky Linux\",\"VERSION_ID\":\"9.3\","
	          "\"SUPPORT_END\":\"2032-05-31\"}",
	          "aarch64", LNX("rocky", "Rocky Linux 9", "9.3", "", "arm64"));
	check_osr("{\"ID\":\"almalinux\",\"NAME\":\"AlmaLinux\",\"VERSION_ID\":\"9.4\"}", "x86_64",
	          LNX("almalinux", "AlmaLinux 9", "9.4", "", "x86_64"));
	check_osr("{\"ID\":\"ol\",\"NAME\":\"Oracle Linux Server\",\"VERSION_ID\":\"8.9\"}",
	          "x86_64", LNX("ol", "Oracle Linux 8", "8.9", "", "x86_64"));
	check_osr("{\"ID\":\"centos\",\"NAME\":\"CentOS Linux\",\"VERSION_ID\":\"7\"}", "x86_64",
	          LNX("centos", "CentOS 7", "7", "", "x86_64"));
	check_osr("{\"ID\":\"sles\",\"NAME\":\"SLES\",\"VERSION_ID\":\"15.5\"}", "x86_64",
	          LNX("sles", "SUSE Linux Enterprise Server 15 SP5", "15.5", "SP5", "x86_64"));
	check_osr("{\"ID\":\"sles\",\"NAME\":\"SLES\",\"VERSION_ID\":\"15\"}", "x86_64",
	          LNX("sles", "SUSE Linux Enterprise Server 15", "15", "", "x86_64"));
	check_osr("{\"ID\":\"opensuse-leap\",\"NAME\":\"openSUSE Leap\",\"VERSION_ID\":\"15.5\"}",
	          "x86_64", LNX("opensuse-leap", "openSUSE Leap 15.5", "15.5", "", "x86_64"));
	check_osr("{\"ID\":\"fedora\",\"NAME\":\"Fedora Linux\",\"VERSION_ID\":\"40\"}", "x86_64",
	          LNX("fedora", "Fedora 40", "40", "", "x86_64"));
	check_osr("{\"ID\":\"alpine\",\"NAME\":\"Alpine Linux\",\"VERSION_ID\":\"3.19.1\"}",
	          "x86_64", LNX("alpine", "Alpine Linux 3.19", "3.19.1", "", "x86_64"));
	check_osr("{\"ID\":\"amzn\",\"NAME\":\"Amazon Linux\",\"VERSION_ID\":\"2\"}", "x86_64",
	          LNX("amzn", "Amazon Linux 2", "2", "", "x86_64"));
	check_osr("{\"ID\":\"amzn\",\"NAME\":\"Amazon Linux\",\"VERSION_ID\":\"2023\"}", "aarch64",
	          LNX("amzn", "Amazon Linux 2023", "2023", "", "arm64"));
	check_osr("{\"ID\":\"arch\",\"NAME\":\"Arch Linux\",\"BUILD_ID\":\"rolling\"}", "x86_64",
	          &(struct want){"linux", "arch", "Arch Linux", "", "", "rolling", "", "", "x86_64",
	                         NULL});
	check_osr("{\"ID\":\"FooOS\",\"NAME\":\"Foo OS\",\"VERSION_ID\":\"1.2\"}", "i686",
	          LNX("fooos", "Foo OS 1.2", "1.2", "", "x86"));
	check_osr("{\"ID\":\"debian\",\"NAME\":\"Debian GNU/Linux\",\"VERSION_ID\":\"11\"}",
	          "amd64", LNX("debian", "Debian 11", "11", "", "x86_64"));
}

static void check_rf(const char *files, const struct want *w)
{
	char doc[4096];

	snprintf(doc, sizeof(doc),
	         "{\"operatingsystem\":{\"arch\":\"i686\"},\"fleetcensus\":{\"release_files\":%s}}",
	         files);
	check_doc(doc, w);
}

static void legacy_release_files(void **state)
{
	(void)state;
	check_rf("{\"/etc/redhat-release\":\"CentOS release 5.11 (Final)\"}",
	         LNX("centos", "CentOS 5", "5.11", "", "x86"));
	check_rf("{\"/etc/redhat-release\":\"Red Hat Enterprise Linux Server release 5.11 "
	         "(Tikanga)\"}",
	         LNX("rhel", "Red Hat Enterprise Linux 5", "5.11", "", "x86"));
	check_rf("{\"/etc/redhat-release\":\"CentOS Linux release 7.9.2009 (Core)\","
	         "\"/etc/system-release-cpe\":\"cpe:/o:centos:centos:7\"}",
	         LNX("centos", "CentOS 7", "7.9.2009", "", "x86"));
	/* only the first line of SuSE-release is reported: SP unknown, flagged */
	check_rf("{\"/etc/SuSE-release\":\"SUSE Linux Enterprise Server 11 (x86_64)\"}",
	         &(struct want){"linux", "sles", "SUSE Linux Enterprise Server 11", "", "11", "",
	                        "", "", "x86", "service pack unknown"});
	check_rf("{\"/etc/SuSE-release\":\"SUSE Linux Enterprise Server 11 (x86_64)\\n"
	         "VERSION = 11\\nPATCHLEVEL = 4\\n\"}",
	         LNX("sles", "SUSE Linux Enterprise Server 11 SP4", "11.4", "SP4", "x86"));
	check_rf("{\"/etc/debian_version\":\"7.11\"}",
	         LNX("debian", "Debian 7", "7.11", "", "x86"));
	check_rf("{\"/etc/lsb-release\":\"DISTRIB_ID=Ubuntu\\nDISTRIB_RELEASE=14.04\\n\"}",
	         LNX("ubuntu", "Ubuntu 14.04", "14.04", "", "x86"));
	check_rf("{\"/etc/alpine-release\":\"3.12.12\"}",
	         LNX("alpine", "Alpine Linux 3.12", "3.12.12", "", "x86"));
}

/* ---- GLPI operatingsystem fields of other agents ---- */

static void glpi_fallback(void **state)
{
	(void)state;
	check_doc(
	    "{\"operatingsystem\":{\"name\":\"Microsoft Windows XP Professional\","
	    "\"kernel_version\":\"5.1.2600\",\"service_pack\":\"Service Pack 3\","
	    "\"arch\":\"32-bit\"},\"fleetcensus\":{}}",
	    WIN("Windows XP", "Professional", "5.1.2600", "2600", "", "Service Pack 3", "x86"));
	check_doc("{\"operatingsystem\":{\"full_name\":\"Microsoft Windows 10 Pro\","
	          "\"version\":\"23H2\",\"kernel_version\":\"10.0.22631\",\"arch\":\"64-bit\"}}",
	          WIN("Windows 11", "Pro", "10.0.22631", "22631", "23H2", "", "x86_64"));
	check_doc("{\"operatingsystem\":{\"name\":\"Microsoft Windows Server 2003 R2, Enterprise "
	          "Edition\"}}",
	          WIN("Windows Server 2003 R2", "Enterprise", "", "", "", "", ""));
	check_doc("{\"operatingsystem\":{\"name\":\"Ubuntu\",\"version\":\"20.04\","
	          "\"kernel_name\":\"linux\",\"arch\":\"x86_64\"}}",
	          LNX("ubuntu", "Ubuntu 20.04", "20.04", "", "x86_64"));
}

/* ---- malformed input ---- */

static void assert_unknown(const struct os_class *c)
{
	assert_class(c, &(struct want){"unknown", "", "", "", "", "", "", "", "", NULL});
}

static void malformed(void **state)
{
	static const char *const docs[] = {
	    "{}",
	    "{\"operatingsystem\":[],\"fleetcensus\":\"x\"}",
	    "{\"fleetcensus\":{\"windows\":\"XP\",\"os_release\":[1],\"release_files\":7}}",
	    "{\"fleetcensus\":{\"windows\":{\"major\":\"abc\",\"minor\":[],\"build\":{}}}}",
	    "{\"fleetcensus\":{\"windows\":{\"major\":-5,\"minor\":1.5,\"build\":1e300}}}",
	    "{\"fleetcensus\":{\"windows\":{\"major\":5,\"minor\":1,\"build\":4294967296}}}",
	    "{\"fleetcensus\":{\"os_release\":{\"ID\":5,\"VERSION_ID\":\"12\"}}}",
	    "{\"fleetcensus\":{\"os_release\":{\"ID\":\"\"}}}",
	    "{\"fleetcensus\":{\"release_files\":{\"/etc/redhat-release\":\"garbage\"}}}",
	    "{\"operatingsystem\":{\"name\":null,\"arch\":5}}",
	};
	struct os_class c;
	char err[256];
	(void)state;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		assert_int_equal(classify_os_json(docs[i], &c, err), FC_OK);
		assert_unknown(&c);
	}
	err[0] = '\0';
	assert_int_equal(classify_os_json("[1,2]", &c, err), FC_EPARSE);
	assert_unknown(&c);
	assert_true(err[0] != '\0');
	assert_int_equal(classify_os_json("{\"fleetcensus\":", &c, err), FC_EPARSE);
	assert_unknown(&c);
	assert_int_equal(classify_os_json(NULL, &c, err), FC_EPARSE);
	assert_unknown(&c);
	classify_facts(NULL, NULL, &c);
	assert_unknown(&c);
}

static void huge_strings(void **state)
{
	static const char *const keys[] = {"ID", "NAME", "VERSION_ID", "BUILD_ID"};
	size_t big = (size_t)1 << 20;
	char *s = malloc(big + 1);
	cJSON *fc = cJSON_CreateObject(), *osr, *w, *os = cJSON_CreateObject();
	struct os_class c;
	(void)state;

	assert_non_null(s);
	memset(s, 'A', big);
	s[big] = '\0';
	s[0] = '9';
	osr = cJSON_AddObjectToObject(fc, "os_release");
	for (size_t i = 0; i < 4; i++)
		cJSON_AddStringToObject(osr, keys[i], s);
	cJSON_AddStringToObject(os, "arch", s);
	classify_facts(os, fc, &c);
	assert_string_equal(c.os_family, "linux");
	assert_true(strlen(c.os_id) < sizeof(c.os_id) &&
	            strlen(c.os_product) < sizeof(c.os_product));
	assert_true(strlen(c.os_version) < sizeof(c.os_version) && strlen(c.arch) < sizeof(c.arch));

	w = cJSON_AddObjectToObject(fc, "windows");
	cJSON_AddNumberToObject(w, "major", 10);
	cJSON_AddNumberToObject(w, "minor", 0);
	cJSON_AddNumberToObject(w, "build", 19045);
	cJSON_AddNumberToObject(w, "product_type", 1);
	cJSON_AddStringToObject(w, "edition_id", s);
	cJSON_AddStringToObject(w, "display_version", s);
	cJSON_AddStringToObject(w, "csd_version", s);
	cJSON_AddStringToObject(w, "native_arch", s);
	cJSON_AddStringToObject(w, "product_name", s);
	classify_facts(os, fc, &c);
	assert_string_equal(c.os_product, "Windows 10");
	assert_true(strlen(c.os_edition) == sizeof(c.os_edition) - 1);
	assert_true(strlen(c.os_release) == sizeof(c.os_release) - 1);
	assert_true(strlen(c.os_service_pack) == sizeof(c.os_service_pack) - 1);
	assert_true(strlen(c.arch) < sizeof(c.arch));
	cJSON_Delete(fc);
	cJSON_Delete(os);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(xp_professional_sp3),
	    cmocka_unit_test(xp_professional_sp2),
	    cmocka_unit_test(xp_home_sp2_and_sp3),
	    cmocka_unit_test(xp_media_center_tablet_starter),
	    cmocka_unit_test(xp_embedded_and_posready),
	    cmocka_unit_test(xp_posready_hack),
	    cmocka_unit_test(xp_x64),
	    cmocka_unit_test(server_2003_and_r2),
	    cmocka_unit_test(vista_7_8_81),
	    cmocka_unit_test(win81_registry_cross_check),
	    cmocka_unit_test(win10_every_release),
	    cmocka_unit_test(win10_editions),
	    cmocka_unit_test(win11_says_windows_10),
	    cmocka_unit_test(ltsb_ltsc),
	    cmocka_unit_test(compat_shim_cross_check),
	    cmocka_unit_test(servers_2008_to_2025),
	    cmocka_unit_test(windows_numeric_strings),
	    cmocka_unit_test(root_debian12),
	    cmocka_unit_test(root_centos6_legacy),
	    cmocka_unit_test(os_release_products),
	    cmocka_unit_test(legacy_release_files),
	    cmocka_unit_test(glpi_fallback),
	    cmocka_unit_test(malformed),
	    cmocka_unit_test(huge_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
