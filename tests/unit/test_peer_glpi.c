/* test_peer_glpi.c - collector/peer_glpi.c through ingest_decode: plain
 * GLPI-format inventories (no content.fleetcensus) accepted, their identity
 * keys (hardware UUID, BIOS serial, MAC address, deviceid last), the
 * agent's name and version, what is kept (no user name, no IP address), and
 * a report of ours without content.fleetcensus still refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "classify.h"
#include "ingest.h"
#include "peer_glpi.h"
#include "testutil.h"

static const char glpi_fmt[] =
    "{\"action\":\"inventory\",\"deviceid\":\"glpixps-2018-07-09-09-07-13\","
    "\"itemtype\":\"Computer\",\"content\":{"
    "\"hardware\":{\"name\":\"glpixps\",\"memory\":7800%s,\"lastloggeduser\":\"jdoe\"},"
    "\"bios\":{\"bdate\":\"2016-02-06\",\"smanufacturer\":\"Dell Inc.\"%s},"
    "\"operatingsystem\":{\"arch\":\"64-bit\",\"full_name\":\"Microsoft Windows 11 Pro\","
    "\"kernel_version\":\"10.0.22631\",\"version\":\"23H2\",\"name\":\"Windows\","
    "\"fqdn\":\"glpixps.corp.example\",\"timezone\":{\"name\":\"CET\"}},"
    "\"users\":[{\"login\":\"jdoe\",\"domain\":\"CORP\"}],"
    "\"local_users\":[{\"login\":\"admin-marie\"}],"
    "\"networks\":[%s],"
    "\"softwares\":[{\"name\":\"7-Zip\",\"version\":\"19.00\",\"install_date\":\"2020-01-02\"}],"
    "\"versionclient\":\"GLPI-Agent_v1.12\"}}";

static enum fc_rc decode(const char *uuid, const char *serial, const char *nets,
                         struct ingest_report *r, char *err)
{
	char text[4096];
	struct ingest_limits lim;
	int status;

	snprintf(text, sizeof(text), glpi_fmt, uuid, serial, nets);
	ingest_limits_default(&lim);
	ingest_report_init(r);
	return ingest_decode(text, strlen(text), NULL, &lim, r, &status, err);
}

static void test_plain_glpi(void **state)
{
	char err[FC_ERRLEN];
	struct ingest_report r;
	struct os_class c;

	(void)state;
	assert_int_equal(
	    decode(",\"uuid\":\"4c4c4544-0034-3010-8048-b6c04f503732\"", ",\"ssn\":\"640HP72\"",
	           "{\"mac\":\"00:1a:2b:3c:4d:5e\",\"ipaddress\":\"10.1.2.3\"}", &r, err),
	    FC_OK);
	assert_string_equal(r.hw_uuid, "4c4c4544-0034-3010-8048-b6c04f503732");
	assert_string_equal(r.hostname, "glpixps");
	assert_string_equal(r.deviceid, "glpixps-2018-07-09-09-07-13");
	assert_int_equal(strlen(r.agent_id), 64);
	assert_int_equal(strlen(r.machine_id), 64);
	assert_int_equal(r.n_sw, 1);
	assert_true(r.software_ok);
	assert_non_null(strstr(r.os_json, "\"agent\":\"GLPI-Agent\""));
	assert_non_null(strstr(r.os_json, "\"version\":\"1.12\""));
	/* kept: the OS facts; dropped: users, IP addresses, fqdn, timezone */
	assert_null(strstr(r.os_json, "jdoe"));
	assert_null(strstr(r.os_json, "marie"));
	assert_null(strstr(r.os_json, "10.1.2.3"));
	assert_null(strstr(r.os_json, "corp.example"));
	assert_null(strstr(r.os_json, "CET"));
	assert_int_equal(classify_os_json(r.os_json, &c, err), FC_OK);
	assert_string_equal(c.os_product, "Windows 11");
	assert_string_equal(c.os_edition, "Pro");
	assert_string_equal(c.os_release, "23H2");
	assert_string_equal(c.arch, "x86_64");
	ingest_report_release(&r);
}

/* The identity keys: the serial when usable, else the lowest physical MAC,
 * else none (the deviceid, agent_id, is always there). */
static void test_keys(void **state)
{
	char err[FC_ERRLEN], by_serial[65], by_mac[65];
	struct ingest_report r;

	(void)state;
	assert_int_equal(decode("", ",\"ssn\":\"640HP72\"", "", &r, err), FC_OK);
	snprintf(by_serial, sizeof(by_serial), "%s", r.machine_id);
	assert_string_equal(r.hw_uuid, "");
	ingest_report_release(&r);
	/* a placeholder serial: the MAC (lowest, physical; order does not matter) */
	assert_int_equal(decode("", ",\"ssn\":\"To be filled by O.E.M.\"",
	                        "{\"mac\":\"00:1A:2B:3C:4D:5F\"},{\"mac\":\"00:1a:2b:3c:4d:5e\"},"
	                        "{\"mac\":\"02:00:00:00:00:01\"},{\"mac\":\"00:00:00:00:00:00\"}",
	                        &r, err),
	                 FC_OK);
	snprintf(by_mac, sizeof(by_mac), "%s", r.machine_id);
	assert_int_equal(strlen(by_mac), 64);
	assert_string_not_equal(by_mac, by_serial);
	ingest_report_release(&r);
	assert_int_equal(decode("", "",
	                        "{\"mac\":\"00:1a:2b:3c:4d:5e\"},{\"mac\":\"00:1A:2B:3C:4D:5F\"}",
	                        &r, err),
	                 FC_OK);
	assert_string_equal(r.machine_id, by_mac);
	ingest_report_release(&r);
	/* nothing but the deviceid */
	assert_int_equal(
	    decode("", "", "{\"mac\":\"02:42:ac:11:00:02\",\"virtualdev\":true}", &r, err), FC_OK);
	assert_string_equal(r.machine_id, "");
	assert_int_equal(strlen(r.agent_id), 64);
	ingest_report_release(&r);
}

static void test_ours_still_needs_fleetcensus(void **state)
{
	static const char ours[] =
	    "{\"deviceid\":\"x\",\"content\":{\"versionclient\":\"fleetcensus-agent_v0.1.0\","
	    "\"operatingsystem\":{\"name\":\"Debian GNU/Linux\"}}}";
	const char *bad = "{\"content\":{\"operatingsystem\":5,\"versionclient\":\"x\"}}";
	struct ingest_limits lim;
	struct ingest_report r;
	char err[FC_ERRLEN];
	int status;

	(void)state;
	ingest_limits_default(&lim);
	ingest_report_init(&r);
	assert_int_equal(ingest_decode(ours, sizeof(ours) - 1, NULL, &lim, &r, &status, err),
	                 FC_EPARSE);
	assert_string_equal(err, "content.fleetcensus: missing");
	assert_int_equal(ingest_decode(bad, strlen(bad), NULL, &lim, &r, &status, err), FC_EPARSE);
	assert_string_equal(err, "content.operatingsystem: not an object");
	bad = "{\"partial\":true,\"content\":{\"versionclient\":\"GLPI-Agent_v1\","
	      "\"softwares\":[{\"name\":\"x\"}]}}";
	assert_int_equal(ingest_decode(bad, strlen(bad), NULL, &lim, &r, &status, err), FC_EPARSE);
	assert_non_null(strstr(err, "partial inventory without content.operatingsystem"));
}

/* A second operatingsystem member (cJSON keeps both) is dropped too: only
 * the kept facts reach os_json (found by fuzz_peer_glpi). */
static void test_duplicate_os(void **state)
{
	static const char dup[] =
	    "{\"deviceid\":\"d\",\"content\":{\"versionclient\":\"GLPI-Agent_v1\","
	    "\"operatingsystem\":{\"full_name\":\"Microsoft Windows 10 Pro\"},"
	    "\"operatingsystem\":{\"full_name\":\"x\",\"fqdn\":\"jdoe-laptop.corp\"}}}";
	struct ingest_limits lim;
	struct ingest_report r;
	char err[FC_ERRLEN];
	int status;

	(void)state;
	ingest_limits_default(&lim);
	ingest_report_init(&r);
	assert_int_equal(ingest_decode(dup, sizeof(dup) - 1, NULL, &lim, &r, &status, err), FC_OK);
	assert_null(strstr(r.os_json, "jdoe"));
	assert_non_null(strstr(r.os_json, "Windows 10 Pro"));
	ingest_report_release(&r);
}

static void test_agent_name(void **state)
{
	char n[PEER_AGENT_LEN], v[PEER_AGENT_LEN];

	(void)state;
	peer_glpi_agent("FusionInventory-Agent_v2.6", n, v);
	assert_string_equal(n, "FusionInventory-Agent");
	assert_string_equal(v, "2.6");
	peer_glpi_agent("OCS-NG_unified_unix_agent_v2.10.0", n, v);
	assert_string_equal(n, "OCS-NG_unified_unix_agent");
	assert_string_equal(v, "2.10.0");
	peer_glpi_agent("SCCM", n, v);
	assert_string_equal(n, "SCCM");
	assert_string_equal(v, "");
	peer_glpi_agent("a\nb_v1 2", n, v);
	assert_string_equal(n, "a?b");
	assert_string_equal(v, "1?2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_glpi),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_ours_still_needs_fleetcensus),
	    cmocka_unit_test(test_duplicate_os),
	    cmocka_unit_test(test_agent_name),
	};

	ingest_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
