/* test_peer_ocs.c - collector/peer_ocs.c: OCS/FusionInventory XML messages
 * (PROLOG, INVENTORY) into a report's facts; every inventory of the shared
 * corpus (corpus/peer-inventories/windows, XML and GLPI JSON) classified as
 * its EXPECTED.csv says; made inventories for the agents' misreports; and
 * every bad-input class refused with a clear error (bad zlib, bad XML,
 * entity expansion, external entities, oversize, UTF-16). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "classify.h"
#include "ingest.h"
#include "peer_ocs.h"
#include "testutil.h"

static const char inv_fmt[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REQUEST><CONTENT>"
    "<HARDWARE><NAME>pc-17</NAME><UUID>33E737A8-F827-11DF-9297-47C0A301005A</UUID>"
    "<MEMORY>8000</MEMORY><LASTLOGGEDUSER>jdoe</LASTLOGGEDUSER></HARDWARE>"
    "<BIOS><SSN>CZC0479792</SSN><BDATE>08/24/2010</BDATE></BIOS>"
    "<OPERATINGSYSTEM>%s</OPERATINGSYSTEM>"
    "<USERS><LOGIN>jdoe</LOGIN></USERS><LOCAL_USERS><LOGIN>admin-marie</LOGIN></LOCAL_USERS>"
    "<ENVS><KEY>USERNAME</KEY><VAL>jdoe</VAL></ENVS>"
    "<PROCESSES><CMD>secret-tool --user jdoe</CMD></PROCESSES>"
    "<SOFTWARES><NAME>7-Zip</NAME><VERSION>19.00</VERSION><PUBLISHER>Igor Pavlov</PUBLISHER>"
    "</SOFTWARES><SOFTWARES><NAME>Mozilla Firefox</NAME><VERSION>115.0</VERSION></SOFTWARES>"
    "<VERSIONCLIENT>FusionInventory-Agent_v2.6</VERSIONCLIENT>"
    "</CONTENT><DEVICEID>pc-17-2024-01-31-12-00-00</DEVICEID><QUERY>INVENTORY</QUERY>"
    "</REQUEST>\n";

static enum fc_rc decode(const char *xml, size_t len, struct peer_ocs_msg *msg,
                         struct ingest_report *r, int *status, char *err)
{
	struct ingest_limits lim;

	ingest_limits_default(&lim);
	msg->user_agent[0] = '\0';
	ingest_report_init(r);
	return peer_ocs_decode(xml, len, &lim, msg, r, status, err);
}

/* Decodes an inventory whose OPERATINGSYSTEM holds os; classifies it. */
static void classify_made(const char *os, struct os_class *c)
{
	char xml[4096], err[FC_ERRLEN];
	struct peer_ocs_msg msg;
	struct ingest_report r;
	int status;

	snprintf(xml, sizeof(xml), inv_fmt, os);
	assert_int_equal(decode(xml, strlen(xml), &msg, &r, &status, err), FC_OK);
	assert_int_equal(classify_os_json(r.os_json, c, err), FC_OK);
	ingest_report_release(&r);
}

static void test_inventory(void **state)
{
	char xml[4096], err[FC_ERRLEN];
	struct peer_ocs_msg msg;
	struct ingest_report r;
	int status;

	(void)state;
	snprintf(xml, sizeof(xml), inv_fmt,
	         "<FULL_NAME>Microsoft Windows 10 Pro</FULL_NAME>"
	         "<KERNEL_VERSION>10.0.19045</KERNEL_VERSION><VERSION>22H2</VERSION>"
	         "<ARCH>64-bit</ARCH>");
	assert_int_equal(decode(xml, strlen(xml), &msg, &r, &status, err), FC_OK);
	assert_int_equal(status, 200);
	assert_string_equal(msg.query, "INVENTORY");
	assert_string_equal(msg.deviceid, "pc-17-2024-01-31-12-00-00");
	assert_string_equal(r.hostname, "pc-17");
	assert_string_equal(r.hw_uuid, "33e737a8-f827-11df-9297-47c0a301005a");
	assert_string_equal(r.deviceid, "pc-17-2024-01-31-12-00-00");
	assert_int_equal(strlen(r.machine_id), 64); /* the serial's key */
	assert_int_equal(strlen(r.agent_id), 64); /* the deviceid's key */
	assert_true(r.software_ok);
	assert_int_equal(r.n_sw, 2);
	assert_string_equal(r.sw[0].name, "7-Zip");
	assert_string_equal(r.sw[0].publisher, "Igor Pavlov");
	assert_string_equal(r.sw[1].version, "115.0");
	assert_non_null(strstr(r.os_json, "\"agent\":\"FusionInventory-Agent\""));
	assert_non_null(strstr(r.os_json, "\"version\":\"2.6\""));
	/* data minimisation: no user name, process or variable is kept */
	assert_null(strstr(r.os_json, "jdoe"));
	assert_null(strstr(r.os_json, "marie"));
	assert_null(strstr(r.os_json, "secret-tool"));
	ingest_report_release(&r);
}

static void test_prolog_and_zlib(void **state)
{
	static const char prolog[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REQUEST>"
	                             "<DEVICEID>myhost-2024-01-31-12-00-00</DEVICEID>"
	                             "<QUERY>PROLOG</QUERY></REQUEST>\n";
	unsigned char z[512];
	uLongf zn = sizeof(z);
	char err[FC_ERRLEN];
	struct peer_ocs_msg msg;
	struct ingest_report r;
	int status;

	(void)state;
	assert_int_equal(compress(z, &zn, (const Bytef *)prolog, sizeof(prolog) - 1), Z_OK);
	assert_true(peer_ocs_sniff(z, zn));
	assert_true(peer_ocs_sniff(prolog, sizeof(prolog) - 1));
	assert_false(peer_ocs_sniff("{\"content\":{}}", 14));
	assert_int_equal(decode((const char *)z, zn, &msg, &r, &status, err), FC_OK);
	assert_string_equal(msg.query, "PROLOG");
	assert_string_equal(msg.deviceid, "myhost-2024-01-31-12-00-00");
	assert_int_equal(r.n_sw, 0);
	assert_null(r.os_json);
	/* bad zlib: a zlib header, then garbage */
	z[5] ^= 0xff;
	z[6] ^= 0xff;
	assert_int_equal(decode((const char *)z, zn, &msg, &r, &status, err), FC_EPARSE);
	assert_int_equal(status, 400);
	assert_non_null(strstr(err, "zlib"));
}

/* Fails unless xml is refused with status and an error containing what. */
static void refused(const char *xml, int want_status, const char *what)
{
	char err[FC_ERRLEN];
	struct peer_ocs_msg msg;
	struct ingest_report r;
	int status;

	assert_int_not_equal(decode(xml, strlen(xml), &msg, &r, &status, err), FC_OK);
	if (!strstr(err, what))
		fail_msg("error '%s' does not say '%s'", err, what);
	assert_int_equal(status, want_status);
	assert_null(r.os_json);
}

static void test_bad_xml(void **state)
{
	(void)state;
	refused("<REQUEST><QUERY>PROLOG</QUERY>", 400, "XML not well formed");
	refused("<REQUEST><QUERY>PROLOG</QUERY></REQUEST><extra/>", 400, "XML not well formed");
	refused("not xml at all", 400, "not XML");
	refused("<OTHER><QUERY>PROLOG</QUERY></OTHER>", 400, "root element is not REQUEST");
	refused("<REQUEST><DEVICEID>x</DEVICEID></REQUEST>", 400, "QUERY: missing");
	refused("<REQUEST><QUERY>INVENTORY</QUERY></REQUEST>", 400, "CONTENT: missing");
	refused("\xff\xfe<\0R\0", 400, "UTF-16");
}

static void test_entities(void **state)
{
	static const char laughs[] =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE REQUEST [\n"
	    " <!ENTITY lol \"lol\">\n"
	    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    "]>\n<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>&lol3;</DEVICEID></REQUEST>\n";
	char xxe[512], dir[256], path[300];
	FILE *f;

	(void)state;
	refused(laughs, 400, "entity declarations are refused");
	assert_true(tmpdir_new(dir, sizeof(dir), "peer-ocs"));
	snprintf(path, sizeof(path), "%s/secret", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("TOP-SECRET-CONTENT", f);
	fclose(f);
	snprintf(
	    xxe, sizeof(xxe),
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE REQUEST [ <!ENTITY x SYSTEM \"file://%s\"> ]>\n"
	    "<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>&x;</DEVICEID></REQUEST>\n",
	    path);
	refused(xxe, 400, "entity declarations are refused");
	/* an undeclared entity is not well formed; an external DTD is not loaded */
	refused("<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>&x;</DEVICEID></REQUEST>", 400,
	        "XML not well formed");
	remove(path);
	rmdir(dir);
}

static void test_oversize(void **state)
{
	struct ingest_limits lim;
	struct peer_ocs_msg msg = {.user_agent = ""};
	struct ingest_report r;
	char err[FC_ERRLEN], *big;
	unsigned char *z;
	uLongf zn;
	int status;
	size_t n = 2 << 20;

	(void)state;
	ingest_limits_default(&lim);
	lim.max_body = 1000;
	ingest_report_init(&r);
	big = calloc(1, n);
	assert_non_null(big);
	memset(big, ' ', n - 1);
	big[0] = '<';
	assert_int_equal(peer_ocs_decode(big, 2000, &lim, &msg, &r, &status, err), FC_ELIMIT);
	assert_int_equal(status, 413);
	/* a zlib bomb: 2 MiB of blanks in about 2 KiB, past the ratio */
	zn = compressBound((uLong)n);
	z = malloc(zn);
	assert_non_null(z);
	assert_int_equal(compress(z, &zn, (const Bytef *)big, (uLong)n), Z_OK);
	lim.max_body = 1 << 20;
	lim.max_decompressed = 1 << 20;
	assert_int_equal(peer_ocs_decode(z, zn, &lim, &msg, &r, &status, err), FC_ELIMIT);
	assert_int_equal(status, 413);
	assert_non_null(strstr(err, "decompressed"));
	free(z);
	free(big);
}

static void test_misreports(void **state)
{
	struct os_class c;

	(void)state;
	/* Windows 11 with a Windows 10 caption (early builds) */
	classify_made("<FULL_NAME>Microsoft Windows 10 Pro</FULL_NAME>"
	              "<KERNEL_VERSION>10.0.22631</KERNEL_VERSION><ARCH>64-bit</ARCH>",
	              &c);
	assert_string_equal(c.os_product, "Windows 11");
	assert_string_equal(c.os_release, "23H2");
	/* the frozen ReleaseId 2009 as the release */
	classify_made("<FULL_NAME>Microsoft Windows 10 Enterprise</FULL_NAME>"
	              "<KERNEL_VERSION>10.0.19045</KERNEL_VERSION><VERSION>2009</VERSION>",
	              &c);
	assert_string_equal(c.os_product, "Windows 10");
	assert_string_equal(c.os_release, "22H2");
	/* Windows 10 reported as 8 (NT 6.2 caption, kernel 10.0) */
	classify_made("<FULL_NAME>Microsoft Windows 8 Pro</FULL_NAME>"
	              "<KERNEL_VERSION>10.0.19044</KERNEL_VERSION><ARCH>32-bit</ARCH>",
	              &c);
	assert_string_equal(c.os_product, "Windows 10");
	assert_string_equal(c.os_release, "21H2");
	assert_string_equal(c.arch, "x86");
	/* a real Windows 8.1 stays 8.1 */
	classify_made("<FULL_NAME>Microsoft Windows 8.1 Professionnel</FULL_NAME>"
	              "<KERNEL_VERSION>6.3.9600</KERNEL_VERSION>",
	              &c);
	assert_string_equal(c.os_product, "Windows 8.1");
	assert_string_equal(c.os_edition, "Pro");
}

/* The inventory file at path (XML or GLPI JSON) into r. */
static enum fc_rc decode_file(const char *path, struct ingest_report *r, char *err)
{
	struct ingest_limits lim;
	struct peer_ocs_msg msg = {.user_agent = ""};
	size_t len;
	char *text = slurp(path, &len);
	int status;
	enum fc_rc rc;

	ingest_limits_default(&lim);
	ingest_report_init(r);
	if (peer_ocs_sniff(text, len))
		rc = peer_ocs_decode(text, len, &lim, &msg, r, &status, err);
	else
		rc = ingest_decode(text, len, NULL, &lim, r, &status, err);
	free(text);
	return rc;
}

/* One row of EXPECTED.csv: file, source, format, product, edition, release,
 * arch (no commas in those). Returns false when it does not match. */
static bool check_row(const char *dir, char *line)
{
	char *f[8], path[700], err[FC_ERRLEN];
	struct ingest_report r;
	struct os_class c;
	size_t i;
	bool ok;

	for (i = 0; i < 8; i++) {
		f[i] = line;
		line += strcspn(line, ",");
		if (*line)
			*line++ = '\0';
	}
	snprintf(path, sizeof(path), "%s/%s", dir, f[0]);
	if (decode_file(path, &r, err) != FC_OK) {
		print_message("%s: refused: %s\n", f[0], err);
		return false;
	}
	classify_os_json(r.os_json, &c, err);
	ok = !strcmp(c.os_product, f[3]) && !strcmp(c.os_edition, f[4]) &&
	     !strcmp(c.os_release, f[5]) && !strcmp(c.arch, f[6]);
	if (!ok)
		print_message("%s: got '%s' '%s' '%s' '%s', want '%s' '%s' '%s' '%s'\n", f[0],
		              c.os_product, c.os_edition, c.os_release, c.arch, f[3], f[4], f[5],
		              f[6]);
	if (ok && !r.hostname[0])
		print_message("%s: no host name\n", f[0]);
	ok = ok && r.hostname[0]; /* (one GLPI fixture is trimmed of its software) */
	ingest_report_release(&r);
	return ok;
}

static void test_corpus(void **state)
{
	char dir[512], path[600], line[4096];
	size_t rows = 0, matched = 0;
	struct stat st;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/corpus/peer-inventories/windows", shared_dir());
	snprintf(path, sizeof(path), "%s/EXPECTED.csv", dir);
	if (stat(path, &st) != 0) {
		print_message("corpus not found at '%s' (set FC_SHARED), skipping\n", path);
		skip();
	}
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f)); /* the header */
	while (fgets(line, sizeof(line), f)) {
		rows++;
		matched += check_row(dir, line);
	}
	fclose(f);
	print_message("peer inventories: %zu of %zu classified as expected\n", matched, rows);
	assert_true(rows > 0);
	assert_int_equal(matched, rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_inventory), cmocka_unit_test(test_prolog_and_zlib),
	    cmocka_unit_test(test_bad_xml),   cmocka_unit_test(test_entities),
	    cmocka_unit_test(test_oversize),  cmocka_unit_test(test_misreports),
	    cmocka_unit_test(test_corpus),
	};

	ingest_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
