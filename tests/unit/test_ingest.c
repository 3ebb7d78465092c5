/* test_ingest.c - ingest_decode: a good report, and every class of bad input
 * the collector must refuse with the right status and a clear error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <cJSON.h>
#include <zlib.h>

#include "buf.h"
#include "gzip.h"
#include "ingest.h"
#include "testutil.h"
#include "utf8.h"

#define MIB ((size_t)1 << 20)
#define BIG ((size_t)256 << 20)

/* A report as build/fleetcensus-agent --root tests/fixtures/roots/debian12
 * writes it, trimmed to three packages, with the hardware UUID in upper case
 * (as Windows reports it) to check normalisation. Split so that the package
 * list can be replaced. */
#define HEAD                                                                                       \
	"{\"deviceid\":\"ws-0042-2026-11-29-22-26-14\",\"itemtype\":\"Computer\","                 \
	"\"action\":\"inventory\",\"content\":{\"versionclient\":\"fleetcensus-agent_v0.1.0\","    \
	"\"softwares\":["
#define GOOD_SW                                                                                    \
	"{\"name\":\"base-files\",\"version\":\"12.4+deb12u5\",\"arch\":\"amd64\","                \
	"\"publisher\":\"Santiago Vila <sanvila@debian.org>\",\"from\":\"deb\"},"                  \
	"{\"name\":\"libc6\",\"version\":\"2.36-9+deb12u7\",\"arch\":\"amd64\","                   \
	"\"publisher\":\"GNU Libc Maintainers "                                                    \
	"<debian-glibc@lists.debian.org>\",\"from\":\"deb\"},"                                     \
	"{\"name\":\"libc6\",\"version\":\"2.36-9+deb12u7\",\"arch\":\"i386\",\"from\":\"deb\"}"
#define TAIL                                                                                       \
	"],\"operatingsystem\":{\"name\":\"Debian GNU/Linux\","                                    \
	"\"full_name\":\"Debian GNU/Linux 12 (bookworm)\",\"version\":\"12\","                     \
	"\"kernel_name\":\"linux\",\"kernel_version\":\"6.1.0-27-amd64\",\"arch\":\"x86_64\","     \
	"\"fqdn\":\"ws-0042.gemeente.example\",\"dns_domain\":\"gemeente.example\"},"              \
	"\"hardware\":{\"name\":\"ws-0042\",\"uuid\":\"4C4C4544-0048-5110-8032-B5C04F585731\","    \
	"\"memory\":7863,\"vmsystem\":\"Physical\",\"chassis_type\":\"3\"},"                       \
	"\"bios\":{\"ssn\":\"5HQ2XW1\",\"smanufacturer\":\"Dell Inc.\"},"                          \
	"\"fleetcensus\":{\"schema\":1,\"report_id\":\"ED66549F-0601-4cc4-a07c-5e4d53622d10\","    \
	"\"collected_at\":\"2026-11-29T22:26:14Z\","                                               \
	"\"agent_id\":\"06d1369b-51e8-4dfc-a373-37d46c96007e\","                                   \
	"\"machine_id\":\"E21F87C5334B49FA9626640527371EB8\","                                     \
	"\"sections\":{\"os\":\"ok\",\"software\":\"ok\",\"hardware\":\"ok\"},\"errors\":{},"      \
	"\"os_release\":{\"PRETTY_NAME\":\"Debian GNU/Linux 12 (bookworm)\",\"ID\":\"debian\","    \
	"\"VERSION_ID\":\"12\",\"NAME\":\"Debian GNU/Lin\\u0075x\"}}}}"

static const char good[] = HEAD GOOD_SW TAIL;

/* 2026-11-29T22:26:14Z */
#define GOOD_TS 1795991174

/* ---- helpers ---- */

/* Returns a heap copy of s with the first occurrence of from replaced by to;
 * from must occur. */
static char *tweak(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	struct buf b;

	if (!at)
		fail_msg("'%s' not in the report", from);
	buf_init(&b, BIG);
	assert_int_equal(buf_add(&b, s, (size_t)(at - s)), FC_OK);
	assert_int_equal(buf_addstr(&b, to), FC_OK);
	assert_int_equal(buf_addstr(&b, at + strlen(from)), FC_OK);
	return buf_take(&b, NULL);
}

/* Decodes with the default limits (or lim); the report is released by the
 * caller. */
static enum fc_rc decode_lim(const void *body, size_t len, const char *enc,
                             const struct ingest_limits *lim, struct ingest_report *r, int *status,
                             char *err)
{
	struct ingest_limits def;

	ingest_limits_default(&def);
	ingest_report_init(r);
	*status = -1;
	memset(err, 'x', FC_ERRLEN - 1);
	err[FC_ERRLEN - 1] = '\0';
	return ingest_decode(body, len, enc, lim ? lim : &def, r, status, err);
}

static void assert_empty(const struct ingest_report *r)
{
	assert_null(r->sw);
	assert_int_equal(r->n_sw, 0);
	assert_null(r->hostname);
	assert_null(r->deviceid);
	assert_null(r->os_json);
	assert_string_equal(r->report_id, "");
	assert_string_equal(r->hw_uuid, "");
}

/* Expects body to be refused with rc and status, err naming the problem
 * (containing want), and the report left empty. */
static void refused_lim(const void *body, size_t len, const char *enc,
                        const struct ingest_limits *lim, enum fc_rc rc, int status,
                        const char *want)
{
	struct ingest_report r;
	char err[FC_ERRLEN];
	int st;
	enum fc_rc got = decode_lim(body, len, enc, lim, &r, &st, err);

	if (got != rc || st != status || !strstr(err, want))
		fail_msg("got rc %d status %d err '%s'; want rc %d status %d err with '%s'", got,
		         st, err, rc, status, want);
	assert_non_null(memchr(err, '\0', FC_ERRLEN));
	assert_null(strchr(err, '\n'));
	assert_empty(&r);
	ingest_report_release(&r);
}

static void refused(const char *json, enum fc_rc rc, int status, const char *want)
{
	refused_lim(json, strlen(json), NULL, NULL, rc, status, want);
}

/* Expects the report with from replaced by to to be refused with 400. */
static void refused_tweak(const char *from, const char *to, const char *want)
{
	char *s = tweak(good, from, to);

	refused(s, FC_EPARSE, 400, want);
	free(s);
}

/* Decodes json (plain) and expects success. */
static void accepted(const char *json, struct ingest_report *r)
{
	char err[FC_ERRLEN];
	int st;
	enum fc_rc rc = decode_lim(json, strlen(json), NULL, NULL, r, &st, err);

	if (rc != FC_OK)
		fail_msg("refused (%d, %d): %s", rc, st, err);
	assert_int_equal(st, 200);
}

/* Decodes the report with from replaced by to and returns its hw_uuid in
 * out (37 bytes). */
static void hw_uuid_of(const char *uuid, char *out)
{
	char quoted[128];
	char *s;
	struct ingest_report r;

	snprintf(quoted, sizeof(quoted), "\"uuid\":\"%s\"", uuid);
	s = tweak(good, "\"uuid\":\"4C4C4544-0048-5110-8032-B5C04F585731\"", quoted);
	accepted(s, &r);
	snprintf(out, 37, "%s", r.hw_uuid);
	ingest_report_release(&r);
	free(s);
}

static void assert_sw(const struct ingest_sw *sw, const char *name, const char *version,
                      const char *arch, const char *publisher, const char *from)
{
	assert_string_equal(sw->name, name);
	assert_string_equal(sw->version, version);
	assert_string_equal(sw->arch, arch);
	assert_string_equal(sw->publisher, publisher);
	assert_string_equal(sw->from, from);
}

/* ---- good reports ---- */

static void test_defaults(void **state)
{
	struct ingest_limits lim;

	(void)state;
	ingest_limits_default(&lim);
	assert_int_equal(lim.max_body, 8 * MIB);
	assert_int_equal(lim.max_decompressed, 64 * MIB);
	assert_int_equal(lim.max_ratio, 200);
	assert_int_equal(lim.max_depth, 32);
	assert_int_equal(lim.max_string, 65536);
	assert_int_equal(lim.max_software, 100000);
}

static void check_good(const struct ingest_report *r, size_t body_bytes)
{
	assert_string_equal(r->report_id, "ed66549f-0601-4cc4-a07c-5e4d53622d10");
	assert_string_equal(r->agent_id, "06d1369b-51e8-4dfc-a373-37d46c96007e");
	assert_string_equal(r->machine_id, "e21f87c5334b49fa9626640527371eb8");
	assert_string_equal(r->hw_uuid, "4c4c4544-0048-5110-8032-b5c04f585731");
	assert_string_equal(r->collected_at, "2026-11-29T22:26:14Z");
	assert_int_equal(r->collected_ts, GOOD_TS);
	assert_string_equal(r->deviceid, "ws-0042-2026-11-29-22-26-14");
	assert_string_equal(r->hostname, "ws-0042");
	assert_true(r->software_ok);
	assert_int_equal(r->n_sw, 3);
	assert_sw(&r->sw[0], "base-files", "12.4+deb12u5", "amd64",
	          "Santiago Vila <sanvila@debian.org>", "deb");
	assert_sw(&r->sw[1], "libc6", "2.36-9+deb12u7", "amd64",
	          "GNU Libc Maintainers <debian-glibc@lists.debian.org>", "deb");
	assert_sw(&r->sw[2], "libc6", "2.36-9+deb12u7", "i386", "", "deb");
	assert_int_equal(r->body_bytes, body_bytes);
	assert_int_equal(r->json_bytes, strlen(good));
}

static void test_good_report(void **state)
{
	struct ingest_report r;
	cJSON *doc;
	const cJSON *os, *fc, *osr;

	(void)state;
	accepted(good, &r);
	check_good(&r, strlen(good));
	assert_true(utf8_valid(r.os_json, strlen(r.os_json)));
	assert_null(strchr(r.os_json, '\n')); /* compact */
	assert_non_null(strstr(r.os_json, "{\"operatingsystem\":{\"name\":\"Debian GNU/Linux\","));
	assert_non_null(strstr(r.os_json, "\"fleetcensus\":{\"schema\":1,"));
	doc = cJSON_Parse(r.os_json);
	assert_non_null(doc);
	assert_int_equal(cJSON_GetArraySize(doc), 2);
	os = cJSON_GetObjectItemCaseSensitive(doc, "operatingsystem");
	fc = cJSON_GetObjectItemCaseSensitive(doc, "fleetcensus");
	osr = cJSON_GetObjectItemCaseSensitive(fc, "os_release");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(os, "kernel_version")->valuestring,
	                    "6.1.0-27-amd64");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(osr, "ID")->valuestring, "debian");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(osr, "NAME")->valuestring,
	                    "Debian GNU/Linux"); /* the \u0075 escape decoded */
	assert_non_null(cJSON_GetObjectItemCaseSensitive(fc, "sections"));
	assert_non_null(cJSON_GetObjectItemCaseSensitive(fc, "errors"));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(fc, "report_id")->valuestring,
	                    "ED66549F-0601-4cc4-a07c-5e4d53622d10"); /* raw, as received */
	cJSON_Delete(doc);
	ingest_report_release(&r);
	assert_empty(&r);
	ingest_report_release(&r); /* twice is harmless */
}

/* ---- readiness facts (docs/protocol.md "Readiness facts") ---- */

#define HW_FACTS                                                                                   \
	"\"hw\":{\"cpu_logical\":8,\"cpu_platform_flags\":16,\"cpu_sse42\":true,"                  \
	"\"cpu_popcnt\":true,\"memory_installed_mib\":8192,\"system_volume_mib\":243000,"          \
	"\"firmware\":\"uefi\",\"secure_boot_capable\":true,\"tpm_present\":true,"                 \
	"\"tpm_version\":\"2.0\",\"os_bits\":64,\"esu_licensed_year\":0,\"future_fact\":[1],"      \
	"\"appraiser\":{\"GE24H2\":{\"UpgEx\":\"Red\",\"RedReason\":\"CpuFms\",\"x\":1}}},"        \
	"\"hw_unknown\":{\"secure_boot_setup_mode\":\"not visible\"},"

/* The good report with the readiness facts added. */
static char *with_facts(void)
{
	char *a = tweak(good, "\"bios\":{\"ssn\":\"5HQ2XW1\",",
	                "\"cpus\":[{\"manufacturer\":\"GenuineIntel\",\"familynumber\":\"6\","
	                "\"model\":\"142\",\"stepping\":9,\"name\":\"Intel(R) Core(TM) i5-8210Y\","
	                "\"core\":2,\"speed\":1600,\"thread\":2}],"
	                "\"bios\":{\"ssn\":\"5HQ2XW1\",\"bdate\":\"2019-01-02\",\"smodel\":\"X\",");
	char *b = tweak(a, "\"fleetcensus\":{\"schema\":1,",
	                "\"fleetcensus\":{" HW_FACTS "\"schema\":1,");

	free(a);
	return b;
}

/* The facts the collector reads are kept in hw_json, only those. */
static void test_readiness_facts(void **state)
{
	struct ingest_report r;
	char *s = with_facts();

	(void)state;
	accepted(s, &r);
	assert_string_equal(
	    r.hw_json,
	    "{\"cpu\":{\"manufacturer\":\"GenuineIntel\",\"familynumber\":\"6\",\"model\":\"142\","
	    "\"stepping\":9,\"name\":\"Intel(R) Core(TM) i5-8210Y\",\"core\":2,\"speed\":1600},"
	    "\"bios\":{\"bdate\":\"2019-01-02\",\"smanufacturer\":\"Dell Inc.\",\"smodel\":\"X\","
	    "\"ssn\":\"5HQ2XW1\"},"
	    "\"hardware\":{\"memory\":7863,\"chassis_type\":\"3\"},"
	    "\"hw\":{\"cpu_logical\":8,\"cpu_platform_flags\":16,\"cpu_sse42\":true,"
	    "\"cpu_popcnt\":true,\"memory_installed_mib\":8192,\"system_volume_mib\":243000,"
	    "\"firmware\":\"uefi\",\"secure_boot_capable\":true,\"tpm_present\":true,"
	    "\"tpm_version\":\"2.0\",\"os_bits\":64,\"esu_licensed_year\":0,"
	    "\"appraiser\":{\"GE24H2\":{\"UpgEx\":\"Red\",\"RedReason\":\"CpuFms\"}}},"
	    "\"hw_unknown\":{\"secure_boot_setup_mode\":\"not visible\"}}");
	ingest_report_release(&r);
	assert_null(r.hw_json);
	free(s);
	accepted(good, &r); /* no hw: the GLPI fields only */
	assert_string_equal(r.hw_json,
	                    "{\"bios\":{\"smanufacturer\":\"Dell Inc.\",\"ssn\":\"5HQ2XW1\"},"
	                    "\"hardware\":{\"memory\":7863,\"chassis_type\":\"3\"}}");
	ingest_report_release(&r);
}

/* A fact of the wrong type is refused with its path; too long: 413. */
static void test_readiness_facts_refused(void **state)
{
	static const struct {
		const char *from, *to, *want;
	} bad[] = {
	    {"\"tpm_present\":true", "\"tpm_present\":\"yes\"",
	     "content.fleetcensus.hw.tpm_present: not a boolean"},
	    {"\"os_bits\":64", "\"os_bits\":-32",
	     "content.fleetcensus.hw.os_bits: not a whole number"},
	    {"\"os_bits\":64", "\"os_bits\":64.5", "content.fleetcensus.hw.os_bits: not a whole"},
	    {"\"firmware\":\"uefi\"", "\"firmware\":1",
	     "content.fleetcensus.hw.firmware: not a string"},
	    {"\"stepping\":9", "\"stepping\":\"9\"",
	     "content.cpus[0].stepping: not a whole number"},
	    {"\"familynumber\":\"6\"", "\"familynumber\":6",
	     "content.cpus[0].familynumber: not a string"},
	    {"\"cpus\":[{", "\"cpus\":[7,{", "content.cpus[0]: not an object"},
	    {"\"cpus\":[", "\"cpus\":\"x\",\"cpux\":[", "content.cpus: not an array"},
	    {"\"bdate\":\"2019-01-02\"", "\"bdate\":20190102", "content.bios.bdate: not a string"},
	    {"\"memory\":7863", "\"memory\":\"7863\"",
	     "content.hardware.memory: not a whole number"},
	    {"\"hw\":{", "\"hw\":7,\"hwx\":{", "content.fleetcensus.hw: not an object"},
	    {"\"appraiser\":{\"GE24H2\":{", "\"appraiser\":{\"GE24H2\":7,\"X\":{",
	     "content.fleetcensus.hw.appraiser.GE24H2: not an object"},
	    {"\"RedReason\":\"CpuFms\"", "\"RedReason\":false",
	     "content.fleetcensus.hw.appraiser.GE24H2.RedReason: not a string"},
	    {"\"not visible\"", "true",
	     "content.fleetcensus.hw_unknown.secure_boot_setup_mode: not a string"},
	};
	char *base = with_facts(), *s, big[400];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = tweak(base, bad[i].from, bad[i].to);
		refused(s, FC_EPARSE, 400, bad[i].want);
		free(s);
	}
	memset(big, 'a', sizeof(big));
	memcpy(big, "\"name\":\"", 8);
	big[sizeof(big) - 2] = '"';
	big[sizeof(big) - 1] = '\0';
	s = tweak(base, "\"name\":\"Intel(R) Core(TM) i5-8210Y\"", big);
	refused(s, FC_ELIMIT, 413, "content.cpus[0].name: too long");
	free(s);
	s = tweak(base, "\"GE24H2\":{",
	          "\"A1\":{},\"A2\":{},\"A3\":{},\"A4\":{},\"A5\":{},\"A6\":{},\"A7\":{},"
	          "\"A8\":{},\"A9\":{},\"B1\":{},\"B2\":{},\"B3\":{},\"B4\":{},\"B5\":{},"
	          "\"B6\":{},\"B7\":{},\"GE24H2\":{");
	refused(s, FC_ELIMIT, 413, "content.fleetcensus.hw.appraiser: more than 16 release keys");
	free(s);
	free(base);
}

static void test_good_compressed(void **state)
{
	static const char *const encs[] = {"gzip", "GZIP", "x-gzip", "deflate"};
	struct ingest_report r;
	struct buf gz;
	uLongf zn = compressBound(strlen(good));
	unsigned char *z = malloc(zn);
	char err[FC_ERRLEN];
	int st;
	size_t i;

	(void)state;
	buf_init(&gz, BIG);
	assert_int_equal(gzip_compress(good, strlen(good), &gz), FC_OK);
	for (i = 0; i < 3; i++) {
		assert_int_equal(decode_lim(gz.ptr, gz.len, encs[i], NULL, &r, &st, err), FC_OK);
		assert_int_equal(st, 200);
		check_good(&r, gz.len);
		ingest_report_release(&r);
	}
	assert_non_null(z);
	assert_int_equal(compress2(z, &zn, (const Bytef *)good, strlen(good), 6), Z_OK);
	assert_int_equal(decode_lim(z, zn, encs[3], NULL, &r, &st, err), FC_OK);
	check_good(&r, zn);
	ingest_report_release(&r);
	assert_int_equal(decode_lim(good, strlen(good), "identity", NULL, &r, &st, err), FC_OK);
	ingest_report_release(&r);
	assert_int_equal(decode_lim(good, strlen(good), "", NULL, &r, &st, err), FC_OK);
	ingest_report_release(&r);
	/* gzip sent as plain JSON: refused with a hint */
	refused_lim(gz.ptr, gz.len, NULL, NULL, FC_EPARSE, 400, "gzip");
	free(z);
	buf_release(&gz);
}

static void test_hostname_fallback(void **state)
{
	struct ingest_report r;
	char *s = tweak(good, "\"name\":\"ws-0042\",", "");
	char *s2 = tweak(s, "\"fqdn\":\"ws-0042.gemeente.example\",", "");
	char *s3 = tweak(good, "\"name\":\"ws-0042\",", "\"name\":\"\",");

	(void)state;
	accepted(s, &r);
	assert_string_equal(r.hostname, "ws-0042");
	ingest_report_release(&r);
	accepted(s3, &r);
	assert_string_equal(r.hostname, "ws-0042");
	ingest_report_release(&r);
	accepted(s2, &r);
	assert_string_equal(r.hostname, "");
	ingest_report_release(&r);
	free(s);
	free(s2);
	free(s3);
}

/* A minimal report: no hardware, no operatingsystem, no ids, no sections. */
static void test_minimal(void **state)
{
	static const char min[] =
	    "{\"content\":{\"fleetcensus\":{\"schema\":1.0,\"report_id\":"
	    "\"0b7e0000000040008000000000000001\",\"collected_at\":\"2026-01-01T00:00:00Z\"}}}";
	struct ingest_report r;

	(void)state;
	accepted(min, &r);
	assert_string_equal(r.report_id, "0b7e0000-0000-4000-8000-000000000001");
	assert_string_equal(r.agent_id, "");
	assert_string_equal(r.machine_id, "");
	assert_string_equal(r.hw_uuid, "");
	assert_string_equal(r.hostname, "");
	assert_string_equal(r.deviceid, "");
	assert_false(r.software_ok); /* no sections: not known to be complete */
	assert_null(r.sw);
	assert_string_equal(r.os_json, "{\"operatingsystem\":{},\"fleetcensus\":{\"schema\":1,"
	                               "\"report_id\":\"0b7e0000000040008000000000000001\","
	                               "\"collected_at\":\"2026-01-01T00:00:00Z\"}}");
	ingest_report_release(&r);
}

static void test_software_not_ok(void **state)
{
	static const char *const status[] = {"failed", "skipped"};
	struct ingest_report r;
	char sec[64];
	char *s, *s2;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		snprintf(sec, sizeof(sec), "\"software\":\"%s\"", status[i]);
		s = tweak(good, "\"software\":\"ok\"", sec);
		/* the list, even a malformed one, is not read */
		s2 = tweak(s, "{\"name\":\"base-files\"", "{\"name\":7");
		accepted(s2, &r);
		assert_false(r.software_ok);
		assert_int_equal(r.n_sw, 0);
		assert_null(r.sw);
		assert_string_equal(r.hw_uuid, "4c4c4544-0048-5110-8032-b5c04f585731");
		ingest_report_release(&r);
		free(s);
		free(s2);
	}
	s = tweak(good, "\"software\":\"ok\",", "");
	accepted(s, &r);
	assert_false(r.software_ok);
	assert_int_equal(r.n_sw, 0);
	ingest_report_release(&r);
	free(s);
}

static void test_empty_software_list(void **state)
{
	char *s = tweak(good, GOOD_SW, "");
	struct ingest_report r;

	(void)state;
	accepted(s, &r);
	assert_true(r.software_ok);
	assert_int_equal(r.n_sw, 0);
	ingest_report_release(&r);
	free(s);
}

/* ---- malformed and wrong shape ---- */

static void test_invalid_json(void **state)
{
	char *s;

	(void)state;
	refused("{\"content\": ", FC_EPARSE, 400, "invalid JSON");
	refused("{\"content\":{}} x", FC_EPARSE, 400, "invalid JSON at byte 15");
	refused("{\"content\":{}}{}", FC_EPARSE, 400, "invalid JSON");
	refused("{\"a\":1,}", FC_EPARSE, 400, "invalid JSON");
	refused("{'a':1}", FC_EPARSE, 400, "invalid JSON");
	refused("{\"a\":\"unterminated", FC_EPARSE, 400, "unterminated string");
	refused("{\"a\":\"ends in a backslash\\", FC_EPARSE, 400, "unterminated string");
	refused("]", FC_EPARSE, 400, "invalid JSON");
	refused("", FC_EPARSE, 400, "empty body");
	refused("   \n", FC_EPARSE, 400, "invalid JSON");
	refused("\xEF\xBB\xBF{}", FC_EPARSE, 400, "invalid JSON at byte 0"); /* BOM */
	s = tweak(good, "\"memory\":7863", "\"memory\":78 63");
	refused(s, FC_EPARSE, 400, "invalid JSON");
	free(s);
	refused_lim(NULL, 0, NULL, NULL, FC_EPARSE, 400, "empty body");
}

static void test_wrong_shape(void **state)
{
	(void)state;
	refused("[]", FC_EPARSE, 400, "top level: not an object");
	refused("[" HEAD GOOD_SW TAIL "]", FC_EPARSE, 400, "top level: not an object");
	refused("\"content\"", FC_EPARSE, 400, "top level: not an object");
	refused("{}", FC_EPARSE, 400, "content: missing");
	refused("{\"content\":[]}", FC_EPARSE, 400, "content: not an object");
	refused("{\"content\":{}}", FC_EPARSE, 400, "content.fleetcensus: missing");
	refused_tweak("\"fleetcensus\":{", "\"fleetcensus\":7,\"x\":{",
	              "content.fleetcensus: not an object");
	refused_tweak("\"softwares\":[" GOOD_SW "]", "\"softwares\":{}",
	              "content.softwares: not an array");
	refused_tweak("\"softwares\":[" GOOD_SW "],", "", "content.softwares: missing");
	refused_tweak("{\"name\":\"libc6\",\"version\":\"2.36-9+deb12u7\",\"arch\":\"amd64\"",
	              "{\"name\":6,\"version\":\"2.36-9+deb12u7\",\"arch\":\"amd64\"",
	              "content.softwares[1].name: not a string");
	refused_tweak("\"arch\":\"i386\"", "\"arch\":null",
	              "content.softwares[2].arch: not a string");
	refused_tweak("\"version\":\"12.4+deb12u5\"", "\"version\":12.4",
	              "content.softwares[0].version: not a string");
	refused_tweak("\"from\":\"deb\"}", "\"from\":[\"deb\"]}",
	              "content.softwares[0].from: not a string");
	refused_tweak("\"publisher\":\"Santiago", "\"publisher\":true,\"x\":\"Santiago",
	              "content.softwares[0].publisher: not a string");
	refused_tweak("{\"name\":\"base-files\",", "{\"name\":\"\",",
	              "content.softwares[0].name: empty");
	refused_tweak("{\"name\":\"base-files\",", "{", "content.softwares[0].name: missing");
	refused_tweak(GOOD_SW, "\"bash\"", "content.softwares[0]: not an object");
	refused_tweak("\"operatingsystem\":{\"name\"", "\"operatingsystem\":\"x\",\"o\":{\"name\"",
	              "content.operatingsystem: not an object");
	refused_tweak("\"fqdn\":\"ws-0042.gemeente.example\"", "\"fqdn\":1",
	              "content.operatingsystem.fqdn: not a string");
	refused_tweak("\"hardware\":{", "\"hardware\":[],\"h\":{",
	              "content.hardware: not an object");
	refused_tweak("\"uuid\":\"4C4C4544-0048-5110-8032-B5C04F585731\"", "\"uuid\":0",
	              "content.hardware.uuid: not a string");
	refused_tweak("\"name\":\"ws-0042\"", "\"name\":{}", "content.hardware.name: not a string");
	refused_tweak("\"deviceid\":\"ws-0042-2026-11-29-22-26-14\"", "\"deviceid\":42",
	              "deviceid: not a string");
}

static void test_fleetcensus_fields(void **state)
{
	(void)state;
	refused_tweak("\"schema\":1,", "", "content.fleetcensus.schema: missing");
	refused_tweak("\"schema\":1,", "\"schema\":\"1\",",
	              "content.fleetcensus.schema: not a number");
	refused_tweak("\"report_id\":\"ED66549F-0601-4cc4-a07c-5e4d53622d10\",", "",
	              "content.fleetcensus.report_id: missing");
	refused_tweak("ED66549F-0601-4cc4-a07c-5e4d53622d10", "ED66549F-0601-4cc4-a07c-5e4d53622d1",
	              "content.fleetcensus.report_id: not a UUID");
	refused_tweak("ED66549F-0601-4cc4-a07c-5e4d53622d10",
	              "ED66549F-0601-4cc4-a07c-5e4d53622d1g",
	              "content.fleetcensus.report_id: not a UUID");
	refused_tweak("\"collected_at\":\"2026-11-29T22:26:14Z\",", "",
	              "content.fleetcensus.collected_at: missing");
	refused_tweak("\"collected_at\":\"2026-11-29T22:26:14Z\"", "\"collected_at\":1795991174",
	              "content.fleetcensus.collected_at: not a string");
	refused_tweak("06d1369b-51e8-4dfc-a373-37d46c96007e",
	              "06d1369b-51e8-4dfc-a373-37d46c96007e-06d1369b-51e8-4dfc-a373-37d46c96007e",
	              "content.fleetcensus.agent_id: longer than 64 bytes");
	refused_tweak("\"agent_id\":\"06d1369b", "\"agent_id\":[],\"a\":\"06d1369b",
	              "content.fleetcensus.agent_id: not a string");
	refused_tweak("E21F87C5334B49FA9626640527371EB8", "e21f87c5-334b-49fa-9626-640527371eb8",
	              "content.fleetcensus.machine_id: not a hex string");
	refused_tweak("E21F87C5334B49FA9626640527371EB8",
	              "E21F87C5334B49FA9626640527371EB8E21F87C5334B49FA9626640527371EB80",
	              "content.fleetcensus.machine_id: longer than 64 bytes");
	refused_tweak("\"sections\":{", "\"sections\":[],\"s\":{",
	              "content.fleetcensus.sections: not an object");
	refused_tweak("\"os\":\"ok\"", "\"os\":\"OK\"",
	              "content.fleetcensus.sections.os: not ok, failed or skipped");
	refused_tweak("\"hardware\":\"ok\"", "\"hardware\":1",
	              "content.fleetcensus.sections.hardware: not a string");
}

static void test_unknown_schema(void **state)
{
	(void)state;
	refused_tweak("\"schema\":1,", "\"schema\":2,",
	              "content.fleetcensus.schema: unsupported schema version 2");
	refused_tweak("\"schema\":1,", "\"schema\":0,", "unsupported schema version 0");
	refused_tweak("\"schema\":1,", "\"schema\":1.5,", "unsupported schema version 1.5");
	refused_tweak("\"schema\":1,", "\"schema\":-1,", "unsupported schema version -1");
	/* the schema is checked before anything else of the report */
	refused("{\"content\":{\"fleetcensus\":{\"schema\":2,\"report_id\":[]}}}", FC_EPARSE, 400,
	        "unsupported schema version 2");
}

/* ---- compression ---- */

/* 100 MiB of zeros, deflated streaming (never held), as gzip: about 100 KiB. */
static void make_bomb(struct buf *out)
{
	static unsigned char zeros[65536];
	unsigned char chunk[16384];
	z_stream zs;
	size_t i, n = 100 * MIB / sizeof(zeros);
	int zrc;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
	buf_init(out, BIG);
	for (i = 0; i <= n; i++) {
		zs.next_in = zeros;
		zs.avail_in = i < n ? sizeof(zeros) : 0;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof(chunk);
			zrc = deflate(&zs, i < n ? Z_NO_FLUSH : Z_FINISH);
			assert_true(zrc == Z_OK || zrc == Z_STREAM_END || zrc == Z_BUF_ERROR);
			assert_int_equal(buf_add(out, chunk, sizeof(chunk) - zs.avail_out), FC_OK);
		} while (zs.avail_out == 0 || (i == n && zrc != Z_STREAM_END));
	}
	assert_int_equal(zs.total_in, 100 * MIB);
	deflateEnd(&zs);
}

static void test_gzip_bomb(void **state)
{
	struct ingest_limits lim;
	struct buf b;
	char want[128];

	(void)state;
	make_bomb(&b);
	assert_true(b.len < 200 * 1024);
	/* by ratio: 200 times the body, far below 64 MiB */
	snprintf(want, sizeof(want), "decompressed body is larger than %zu bytes (200 times",
	         b.len * 200);
	refused_lim(b.ptr, b.len, "gzip", NULL, FC_ELIMIT, 413, want);
	/* by the absolute limit, with the ratio out of the way */
	ingest_limits_default(&lim);
	lim.max_ratio = 100000;
	refused_lim(b.ptr, b.len, "gzip", &lim, FC_ELIMIT, 413,
	            "decompressed body is larger than 67108864 bytes");
	lim.max_ratio = 0; /* 0: no ratio limit */
	refused_lim(b.ptr, b.len, "gzip", &lim, FC_ELIMIT, 413,
	            "decompressed body is larger than 67108864 bytes");
	buf_release(&b);
}

static void test_ratio_floor(void **state)
{
	struct ingest_report r;
	struct buf b, gz;
	char err[FC_ERRLEN];
	int st;

	(void)state;
	/* 200 KiB of spaces compress far more than 200 times, yet a body this
	 * small is allowed 1 MiB whatever its ratio */
	buf_init(&b, BIG);
	add_many(&b, ' ', 200 * 1024);
	assert_int_equal(buf_addstr(&b, good), FC_OK);
	buf_init(&gz, BIG);
	assert_int_equal(gzip_compress(b.ptr, b.len, &gz), FC_OK);
	assert_true(gz.len * 200 < b.len);
	assert_int_equal(decode_lim(gz.ptr, gz.len, "gzip", NULL, &r, &st, err), FC_OK);
	assert_int_equal(r.json_bytes, b.len);
	ingest_report_release(&r);
	buf_release(&b);
	buf_release(&gz);
}

static void test_truncated_gzip(void **state)
{
	struct buf gz;

	(void)state;
	buf_init(&gz, BIG);
	assert_int_equal(gzip_compress(good, strlen(good), &gz), FC_OK);
	refused_lim(gz.ptr, gz.len - 10, "gzip", NULL, FC_EPARSE, 400,
	            "Content-Encoding gzip: compressed data is truncated");
	refused_lim(gz.ptr, gz.len / 2, "gzip", NULL, FC_EPARSE, 400, "truncated");
	refused_lim(gz.ptr, 5, "deflate", NULL, FC_EPARSE, 400, "Content-Encoding deflate:");
	gz.ptr[gz.len - 6] ^= 0x10; /* CRC-32 */
	refused_lim(gz.ptr, gz.len, "gzip", NULL, FC_EPARSE, 400, "corrupt");
	refused_lim(good, strlen(good), "gzip", NULL, FC_EPARSE, 400, "Content-Encoding gzip:");
	refused_lim("", 0, "gzip", NULL, FC_EPARSE, 400, "Content-Encoding gzip:");
	buf_release(&gz);
}

static void test_oversized_body(void **state)
{
	struct ingest_limits lim;
	struct buf b;

	(void)state;
	buf_init(&b, BIG);
	assert_int_equal(buf_addstr(&b, HEAD), FC_OK);
	add_many(&b, ' ', 8 * MIB);
	assert_int_equal(buf_addstr(&b, GOOD_SW TAIL), FC_OK);
	refused_lim(b.ptr, b.len, NULL, NULL, FC_ELIMIT, 413, "body is larger than 8388608 bytes");
	refused_lim(b.ptr, b.len, "gzip", NULL, FC_ELIMIT, 413,
	            "body is larger than 8388608 bytes");
	refused_lim(b.ptr, b.len, "br", NULL, FC_ELIMIT, 413, "body is larger"); /* size first */
	ingest_limits_default(&lim);
	lim.max_body = strlen(good) - 1;
	refused_lim(good, strlen(good), NULL, &lim, FC_ELIMIT, 413, "body is larger than");
	lim.max_body = strlen(good);
	{
		struct ingest_report r;
		char err[FC_ERRLEN];
		int st;

		assert_int_equal(decode_lim(good, strlen(good), NULL, &lim, &r, &st, err), FC_OK);
		ingest_report_release(&r);
	}
	buf_release(&b);
}

static void test_unknown_encoding(void **state)
{
	(void)state;
	refused_lim(good, strlen(good), "br", NULL, FC_EUSAGE, 415,
	            "unsupported Content-Encoding 'br'");
	refused_lim(good, strlen(good), "gzip, br", NULL, FC_EUSAGE, 415, "'gzip, br'");
	refused_lim(good, strlen(good), "compress", NULL, FC_EUSAGE, 415, "Content-Encoding");
	/* the header is shown printable and short */
	refused_lim(good, strlen(good), "x\n\x01'y\xff", NULL, FC_EUSAGE, 415, "'x???y?'");
	refused_lim(good, strlen(good), "abcdefghijklmnopqrstuvwxyz0123456789", NULL, FC_EUSAGE,
	            415, "'abcdefghijklmnopqrstuvwxyz012345...'");
}

/* ---- the text scan ---- */

static void test_deep_nesting(void **state)
{
	struct ingest_report r;
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b, BIG);
	add_many(&b, '[', 10000);
	refused_lim(b.ptr, b.len, NULL, NULL, FC_EPARSE, 400, "nesting deeper than 32 at byte 32");
	buf_reset(&b);
	add_many(&b, '{', 1); /* objects too, and the limit is exact */
	add_many(&b, '[', 100000);
	refused_lim(b.ptr, b.len, NULL, NULL, FC_EPARSE, 400, "nesting deeper than 32 at byte 32");
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "\"deep\":"), FC_OK);
	add_many(&b, '[', 31);
	add_many(&b, ']', 31);
	assert_int_equal(buf_addstr(&b, ",\"content\""), FC_OK);
	s = tweak(good, "\"content\"", buf_cstr(&b));
	accepted(s, &r); /* depth 32 exactly */
	ingest_report_release(&r);
	free(s);
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "\"deep\":"), FC_OK);
	add_many(&b, '[', 32);
	add_many(&b, ']', 32);
	assert_int_equal(buf_addstr(&b, ",\"content\""), FC_OK);
	s = tweak(good, "\"content\"", buf_cstr(&b));
	refused(s, FC_EPARSE, 400, "nesting deeper than 32");
	free(s);
	/* brackets inside strings do not count */
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "\"deep\":\"[[{{\\\"[["), FC_OK);
	add_many(&b, '[', 1000);
	assert_int_equal(buf_addstr(&b, "\",\"content\""), FC_OK);
	s = tweak(good, "\"content\"", buf_cstr(&b));
	accepted(s, &r);
	ingest_report_release(&r);
	free(s);
	buf_release(&b);
}

/* The report with n software entries {"name":"pN"}. */
static void report_with_n_sw(size_t n, struct buf *b)
{
	size_t i;

	buf_init(b, BIG);
	assert_int_equal(buf_addstr(b, HEAD), FC_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_printf(b, "%s{\"name\":\"p%zu\"}", i ? "," : "", i), FC_OK);
	assert_int_equal(buf_addstr(b, TAIL), FC_OK);
}

static void test_million_software(void **state)
{
	struct ingest_limits lim;
	struct ingest_report r;
	struct buf b, gz;
	char err[FC_ERRLEN];
	int st;

	(void)state;
	report_with_n_sw(1000000, &b);
	/* gzip: within the default body, decompressed and ratio limits */
	buf_init(&gz, 8 * MIB);
	assert_int_equal(gzip_compress(b.ptr, b.len, &gz), FC_OK);
	assert_true(b.len > 16 * MIB && b.len < 64 * MIB && b.len < 200 * gz.len);
	refused_lim(gz.ptr, gz.len, "gzip", NULL, FC_ELIMIT, 413,
	            "content.softwares: more than 100000 entries");
	buf_release(&gz);
	/* plain, with room for the body */
	ingest_limits_default(&lim);
	lim.max_body = BIG;
	refused_lim(b.ptr, b.len, NULL, &lim, FC_ELIMIT, 413,
	            "content.softwares: more than 100000 entries");
	buf_release(&b);
	/* exactly at the limit */
	ingest_limits_default(&lim);
	lim.max_software = 3;
	report_with_n_sw(3, &b);
	assert_int_equal(decode_lim(b.ptr, b.len, NULL, &lim, &r, &st, err), FC_OK);
	assert_int_equal(r.n_sw, 3);
	assert_string_equal(r.sw[2].name, "p2");
	assert_string_equal(r.sw[2].version, "");
	ingest_report_release(&r);
	buf_release(&b);
	report_with_n_sw(4, &b);
	refused_lim(b.ptr, b.len, NULL, &lim, FC_ELIMIT, 413,
	            "content.softwares: more than 3 entries");
	buf_release(&b);
}

/* A key spelt with an escape escapes the text scan; the parsed tree is
 * counted again. */
static void test_software_count_after_parse(void **state)
{
	struct ingest_limits lim;
	struct buf b;
	char *s;

	(void)state;
	report_with_n_sw(4, &b);
	s = tweak(buf_cstr(&b), "\"softwares\"", "\"softw\\u0061res\"");
	ingest_limits_default(&lim);
	lim.max_software = 3;
	refused_lim(s, strlen(s), NULL, &lim, FC_ELIMIT, 413,
	            "content.softwares: more than 3 entries");
	free(s);
	buf_release(&b);
}

static void test_too_many_values(void **state)
{
	struct buf b;

	(void)state;
	/* 4 MB of zeros in an array elsewhere: 2,000,000 values */
	buf_init(&b, BIG);
	assert_int_equal(buf_addstr(&b, "{\"x\":[0"), FC_OK);
	while (b.len < 4 * 1000 * 1000)
		assert_int_equal(buf_addstr(&b, ",0,0,0,0,0,0,0,0"), FC_OK);
	assert_int_equal(buf_addstr(&b, "],"), FC_OK);
	assert_int_equal(buf_addstr(&b, HEAD + 1), FC_OK);
	assert_int_equal(buf_addstr(&b, GOOD_SW TAIL), FC_OK);
	refused_lim(b.ptr, b.len, NULL, NULL, FC_ELIMIT, 413, "more than 1665536 JSON values");
	buf_release(&b);
}

static void test_long_string(void **state)
{
	struct ingest_report r;
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b, BIG);
	assert_int_equal(buf_addstr(&b, "\"version\":\""), FC_OK);
	add_many(&b, 'v', 65536);
	assert_int_equal(buf_addc(&b, '"'), FC_OK);
	s = tweak(good, "\"version\":\"12.4+deb12u5\"", buf_cstr(&b));
	accepted(s, &r);
	assert_int_equal(strlen(r.sw[0].version), 65536);
	ingest_report_release(&r);
	free(s);
	b.len--;
	assert_int_equal(buf_addstr(&b, "v\""), FC_OK);
	s = tweak(good, "\"version\":\"12.4+deb12u5\"", buf_cstr(&b));
	refused(s, FC_ELIMIT, 413, "is longer than 65536 bytes");
	free(s);
	/* keys count too */
	buf_reset(&b);
	assert_int_equal(buf_addc(&b, '"'), FC_OK);
	add_many(&b, 'k', 70000);
	assert_int_equal(buf_addstr(&b, "\":1,\"content\""), FC_OK);
	s = tweak(good, "\"content\"", buf_cstr(&b));
	refused(s, FC_ELIMIT, 413, "is longer than 65536 bytes");
	free(s);
	buf_release(&b);
}

static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
	    "\xC3\x28", /* continuation missing */
	    "\xC0\xAF", /* overlong '/' */
	    "\xE0\x80\xAF", /* overlong, 3 bytes */
	    "\xED\xA0\x80", /* UTF-16 surrogate */
	    "\xF4\x90\x80\x80", /* above U+10FFFF */
	    "\xFF",
	    "\x80",
	    "\xE2\x82", /* truncated before the closing quote */
	};
	char want[64], bytes[16];
	char *s, *s2;
	size_t i, at = (size_t)(strstr(good, "Santiago Vila") - good);

	(void)state;
	snprintf(want, sizeof(want), "invalid UTF-8 at byte %zu", at + 5);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(bytes, sizeof(bytes), "Santi%s", bad[i]);
		s = tweak(good, "Santiago Vila", bytes);
		refused(s, FC_EPARSE, 400, want);
		free(s);
	}
	/* valid multi-byte text passes, in values and keys */
	s = tweak(good, "Santiago Vila", "Santi\xC3\xA1go \xE2\x82\xAC \xF0\x9F\x98\x80");
	s2 = tweak(s, "\"errors\":{}", "\"errors\":{\"s\xC3\xB8\":\"\xE6\x97\xA5\"}");
	{
		struct ingest_report r;

		accepted(s2, &r);
		assert_string_equal(r.sw[0].publisher,
		                    "Santi\xC3\xA1go \xE2\x82\xAC \xF0\x9F\x98\x80 "
		                    "<sanvila@debian.org>");
		assert_non_null(strstr(r.os_json, "\"s\xC3\xB8\":\"\xE6\x97\xA5\""));
		ingest_report_release(&r);
	}
	free(s);
	free(s2);
	/* outside strings, and in a key */
	refused("{\"a\":1\xC3\xA1}", FC_EPARSE, 400, "invalid JSON at byte 6");
	refused("{\"a\":1\xC3}", FC_EPARSE, 400, "invalid UTF-8 at byte 6");
	refused("{\"\xC3\x28\":1}", FC_EPARSE, 400, "invalid UTF-8 at byte 2");
}

static void test_nul_escape(void **state)
{
	struct ingest_report r;
	char *s;

	(void)state;
	refused_tweak("12.4+deb12u5", "12.4\\u0000evil",
	              "NUL character (\\u0000) in a string at byte");
	refused_tweak("\"ID\":\"debian\"", "\"I\\u0000D\":\"debian\"", "NUL character (\\u0000)");
	refused_tweak("\"ID\":\"debian\"", "\"ID\":\"\\u0000\"", "NUL character (\\u0000)");
	/* an escaped backslash followed by "u0000" is text, not a NUL */
	s = tweak(good, "12.4+deb12u5", "12.4\\\\u0000");
	accepted(s, &r);
	assert_string_equal(r.sw[0].version, "12.4\\u0000");
	ingest_report_release(&r);
	free(s);
	/* other escapes are decoded; a lone surrogate escape is refused by cJSON */
	s = tweak(good, "12.4+deb12u5", "\\u00e9\\ud83d\\ude00\\t\\/");
	accepted(s, &r);
	assert_string_equal(r.sw[0].version, "\xC3\xA9\xF0\x9F\x98\x80\t/");
	ingest_report_release(&r);
	free(s);
	refused_tweak("12.4+deb12u5", "\\udc00", "invalid JSON");
	refused_tweak("12.4+deb12u5", "\\ud800x", "invalid JSON");
}

static void test_raw_nul(void **state)
{
	char *s = tweak(good, "12.4+deb12u5", "12.4@deb12u5");
	size_t at = strchr(s, '@') - s, len = strlen(s);
	char want[64];

	(void)state;
	s[at] = '\0';
	snprintf(want, sizeof(want), "NUL byte in a string at byte %zu", at);
	refused_lim(s, len, NULL, NULL, FC_EPARSE, 400, want);
	s[at] = '+';
	at = strchr(s, ',') - s; /* outside a string */
	s[at] = '\0';
	snprintf(want, sizeof(want), "NUL byte at byte %zu", at);
	refused_lim(s, len, NULL, NULL, FC_EPARSE, 400, want);
	s[at] = ',';
	refused_lim(good, strlen(good) + 1, NULL, NULL, FC_EPARSE, 400, "NUL byte at byte");
	free(s);
}

static void test_control_characters(void **state)
{
	(void)state;
	refused_tweak("12.4+deb12u5", "12.4\x01", "control character in a string at byte");
	refused_tweak("12.4+deb12u5", "12.4\n", "control character in a string");
	refused_tweak("12.4+deb12u5", "12.4\x1f", "control character in a string");
	/* whitespace between tokens is fine */
	{
		char *s = tweak(good, "\"content\":{", "\"content\" :\t{\r\n");
		struct ingest_report r;

		accepted(s, &r);
		ingest_report_release(&r);
		free(s);
	}
}

/* ---- identity keys ---- */

/* Every placeholder of docs/identity.md, in the first byte order given. */
static const char *const placeholders[] = {
    "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "11111111-1111-1111-1111-111111111111", "58585858-5858-5858-5858-585858585858",
    "fefefefe-fefe-fefe-fefe-fefefefefefe", "ffffff00-ffff-ffff-ffff-ffffffffffff",
    "12345678-ffff-ffff-ffff-ffffffffffff", "03000200-0400-0500-0006-000700080009",
    "4c4c4544-0000-2010-8020-80c04f202020", "12345678-1234-5678-90ab-cddeefaabbcc",
    "07090201-0103-0301-0807-060504030201", "11111111-2222-3333-4444-555555555555",
    "890e2d14-cacd-45d1-ae66-bc80e8bfeb0f", "8e275844-178f-44a8-aceb-a7d7e5178c63",
    "dc698397-fa54-4cf2-82c8-b1b5307a6a7f",
};

/* The byte-swapped forms listed in docs/identity.md. */
static const char *const swapped[] = {
    "00020003-0004-0005-0006-000700080009", "44454c4c-0000-1020-8020-80c04f202020",
    "78563412-3412-7856-90ab-cddeefaabbcc", "01020907-0301-0103-0807-060504030201",
    "142d0e89-cdca-d145-ae66-bc80e8bfeb0f", "4458278e-8f17-a844-aceb-a7d7e5178c63",
    "978369dc-54fa-f24c-82c8-b1b5307a6a7f",
};

/* Upper case, and without dashes. */
static void variants(const char *uuid, char upper[37], char bare[33])
{
	size_t i, o = 0;

	for (i = 0; uuid[i]; i++) {
		upper[i] = uuid[i] >= 'a' && uuid[i] <= 'f' ? (char)(uuid[i] - 'a' + 'A') : uuid[i];
		if (uuid[i] != '-')
			bare[o++] = uuid[i];
	}
	upper[i] = '\0';
	bare[o] = '\0';
}

static void check_placeholder(const char *uuid)
{
	char upper[37], bare[33], got[37];

	variants(uuid, upper, bare);
	if (!ingest_uuid_is_placeholder(uuid) || !ingest_uuid_is_placeholder(upper) ||
	    !ingest_uuid_is_placeholder(bare))
		fail_msg("'%s' is not taken for a placeholder", uuid);
	hw_uuid_of(uuid, got);
	assert_string_equal(got, "");
	hw_uuid_of(upper, got);
	assert_string_equal(got, "");
	hw_uuid_of(bare, got);
	assert_string_equal(got, "");
}

static void test_placeholder_uuids(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
		check_placeholder(placeholders[i]);
	for (i = 0; i < sizeof(swapped) / sizeof(swapped[0]); i++)
		check_placeholder(swapped[i]);
}

static void test_real_uuids(void **state)
{
	static const char *const real[] = {
	    "4c4c4544-0048-5110-8032-b5c04f585731", /* a Dell with a service tag */
	    "4c4c4544-0000-2010-8020-80c04f202021", /* one digit from the Dell blank */
	    "03000200-0400-0500-0006-00070008000a", "00000000-0000-0000-0000-000000000001",
	    "ffffffff-ffff-ffff-ffff-fffffffffffe", "ffffffff-ffff-ffff-ffff-ffffffffff00",
	    "01010101-0101-0101-0101-010101010110",
	};
	char got[37];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		if (ingest_uuid_is_placeholder(real[i]))
			fail_msg("'%s' taken for a placeholder", real[i]);
		hw_uuid_of(real[i], got);
		assert_string_equal(got, real[i]);
	}
	hw_uuid_of("4C4C454400485110 8032B5C04F585731", got);
	assert_string_equal(got, "");
	hw_uuid_of("4C4C4544004851108032B5C04F585731", got);
	assert_string_equal(got, "4c4c4544-0048-5110-8032-b5c04f585731");
	assert_false(ingest_uuid_is_placeholder(""));
	assert_false(ingest_uuid_is_placeholder("not a uuid"));
}

static void test_malformed_uuid_blanked(void **state)
{
	static const char *const bad[] = {
	    "",
	    "not-a-uuid",
	    "Not Settable",
	    "4c4c4544-0048-5110-8032-b5c04f58573", /* 35 */
	    "4c4c4544-0048-5110-8032-b5c04f5857311", /* 37 */
	    "4c4c4544-0048-5110-8032-b5c04f58573g",
	    "4c4c45440-048-5110-8032-b5c04f585731", /* dash misplaced */
	    "{4c4c4544-0048-5110-8032-b5c04f585731}",
	    " 4c4c4544-0048-5110-8032-b5c04f58573",
	    "4c4c4544004851108032b5c04f58573", /* 31 */
	    "4c4c4544-0048511080-32b5c04f585731", /* 36, wrong dashes */
	};
	char got[37];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hw_uuid_of(bad[i], got);
		if (got[0])
			fail_msg("'%s' gave '%s'", bad[i], got);
	}
}

/* ---- collected_at ---- */

static void collected(const char *at, const char *want, int64_t want_ts)
{
	char quoted[128];
	char *s;
	struct ingest_report r;

	snprintf(quoted, sizeof(quoted), "\"collected_at\":\"%s\"", at);
	s = tweak(good, "\"collected_at\":\"2026-11-29T22:26:14Z\"", quoted);
	if (want) {
		accepted(s, &r);
		assert_string_equal(r.collected_at, want);
		assert_int_equal(r.collected_ts, want_ts);
		ingest_report_release(&r);
	} else {
		refused(s, FC_EPARSE, 400,
		        "content.fleetcensus.collected_at: not an RFC 3339 time");
	}
	free(s);
}

static void test_collected_at(void **state)
{
	static const char *const bad[] = {
	    "",
	    "2026-11-29",
	    "2026-11-29T22:26:14", /* no zone */
	    "2026-11-29 22:26:14Z", /* space */
	    "2026-11-29T22:26Z", /* no seconds */
	    "2026-11-29T22:26:14.Z", /* empty fraction */
	    "2026-11-29T22:26:14Zjunk", /* trailing */
	    "2026-11-29T22:26:14+0100", /* offset without colon */
	    "2026-11-29T22:26:14+1:00", /* short offset */
	    "2026-11-29T22:26:14+24:00", /* offset out of range */
	    "2026-11-29T22:26:14+01:60", /* offset minutes */
	    "2023-02-29T00:00:00Z", /* not a leap year */
	    "1900-02-29T00:00:00Z", /* not a leap year either */
	    "2026-13-01T00:00:00Z", /* month 13 */
	    "2026-00-10T00:00:00Z", /* month 0 */
	    "2026-04-31T00:00:00Z", /* April has 30 days */
	    "2026-04-00T00:00:00Z", /* day 0 */
	    "2026-11-29T24:00:00Z", /* hour 24 */
	    "2026-11-29T22:60:00Z", /* minute 60 */
	    "2026-11-29T22:26:61Z", /* second 61 */
	    "+2026-11-29T22:26:14Z", /* sign */
	    "26-11-29T22:26:14Z", /* short year */
	    "2026-1-29T22:26:14Z", /* short month */
	    "0000-01-01T00:00:00+00:01", /* before year 0 in UTC */
	    "9999-12-31T23:59:59-00:01", /* after year 9999 in UTC */
	    "2026-11-29T22:26:14.123+01", /* truncated offset */
	};
	size_t i;

	(void)state;
	collected("2026-11-29T22:26:14Z", "2026-11-29T22:26:14Z", GOOD_TS);
	collected("2026-11-29t22:26:14z", "2026-11-29T22:26:14Z", GOOD_TS);
	collected("2026-11-29T23:26:14+01:00", "2026-11-29T22:26:14Z", GOOD_TS);
	collected("2026-11-29T16:56:14-05:30", "2026-11-29T22:26:14Z", GOOD_TS);
	collected("2026-11-29T22:26:14+00:00", "2026-11-29T22:26:14Z", GOOD_TS);
	collected("2026-11-29T22:26:14-00:00", "2026-11-29T22:26:14Z", GOOD_TS);
	collected("2026-11-29T22:26:14.999999999Z", "2026-11-29T22:26:14Z", GOOD_TS);
	collected("2026-11-29T22:26:14.5+01:00", "2026-11-29T21:26:14Z", GOOD_TS - 3600);
	collected("2026-11-30T03:56:14+05:30", "2026-11-29T22:26:14Z", GOOD_TS);
	collected("2027-01-01T00:30:00+01:00", "2026-12-31T23:30:00Z", 1798759800);
	collected("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z", 1709208000);
	collected("2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z", 951825600);
	collected("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", 0);
	collected("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z", -1);
	collected("2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z", 1483228800); /* leap second */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		collected(bad[i], NULL, 0);
}

/* ---- the report struct ---- */

static void test_failure_leaves_report_empty(void **state)
{
	struct ingest_limits lim;
	struct ingest_report r;
	char err[FC_ERRLEN];
	int st = 0;
	char *bad = tweak(good, "\"arch\":\"i386\"", "\"arch\":5");

	(void)state;
	ingest_limits_default(&lim);
	ingest_report_init(&r);
	assert_int_equal(ingest_decode(good, strlen(good), NULL, &lim, &r, &st, err), FC_OK);
	assert_int_equal(st, 200);
	assert_string_equal(err, "");
	/* decoding again replaces; a failure midway through the list frees
	 * the entries read so far */
	assert_int_equal(ingest_decode(bad, strlen(bad), NULL, &lim, &r, &st, err), FC_EPARSE);
	assert_int_equal(st, 400);
	assert_string_equal(err, "content.softwares[2].arch: not a string");
	assert_empty(&r);
	assert_int_equal(ingest_decode(good, strlen(good), NULL, &lim, &r, &st, err), FC_OK);
	check_good(&r, strlen(good));
	ingest_report_release(&r);
	free(bad);
}

/* ---- unchanged software lists (docs/protocol.md) ---- */

/* The digest of GOOD_SW's three entries in received order, computed
 * independently (Python hashlib over the tag and NUL-terminated fields). */
#define GOOD_DIGEST "87403b07300bc2082163b2be5cf1d9005699aef4d78be2bdcb71404ebd508809"

#define WRONG_DIGEST "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
static void digest_hex(const unsigned char d[32], char out[65])
{
	int i;

	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static bool same_both_ways(const char *json);

static void test_full_report_digest(void **state)
{
	struct ingest_report r;
	char hex[65];
	char *s;

	(void)state;
	accepted(good, &r);
	assert_true(r.has_digest);
	assert_false(r.software_unchanged);
	assert_int_equal(r.sw_count, 3);
	digest_hex(r.sw_digest, hex);
	assert_string_equal(hex, GOOD_DIGEST);
	ingest_report_release(&r);
	/* a claimed digest is not trusted: the computed one is kept */
	s = tweak(good, "\"schema\":1,",
	          "\"schema\":1,\"software_digest\":\"" GOOD_DIGEST "\",\"software_count\":3,");
	accepted(s, &r);
	digest_hex(r.sw_digest, hex);
	assert_string_equal(hex, GOOD_DIGEST);
	ingest_report_release(&r);
	free(s);
	/* a wrong claim, read directly or through cJSON's tree: the same */
	s = tweak(good, "\"schema\":1,",
	          "\"schema\":1,\"software_digest\":\"" WRONG_DIGEST "\",\"software_count\":3,");
	accepted(s, &r);
	assert_true(r.sw_fast);
	digest_hex(r.sw_digest, hex);
	assert_string_equal(hex, GOOD_DIGEST);
	ingest_report_release(&r);
	assert_true(same_both_ways(s));
	free(s);
}

#define SHORT_FC                                                                                   \
	"\"schema\":1,\"software_unchanged\":true,\"software_digest\":\"" GOOD_DIGEST              \
	"\",\"software_count\":3,"

static void test_short_report(void **state)
{
	struct ingest_report r;
	char hex[65];
	char *s1 = tweak(good, "\"softwares\":[" GOOD_SW "],", "");
	char *s = tweak(s1, "\"schema\":1,", SHORT_FC);

	(void)state;
	accepted(s, &r);
	assert_true(r.software_unchanged);
	assert_true(r.software_ok);
	assert_true(r.has_digest);
	assert_int_equal(r.n_sw, 0);
	assert_int_equal(r.sw_count, 3);
	digest_hex(r.sw_digest, hex);
	assert_string_equal(hex, GOOD_DIGEST);
	assert_non_null(strstr(r.os_json, "\"software_unchanged\":true"));
	ingest_report_release(&r);
	free(s);
	free(s1);
}

static void test_short_report_refused(void **state)
{
	char *nolist = tweak(good, "\"softwares\":[" GOOD_SW "],", "");
	char *s;

	(void)state;
	/* a list in a short report */
	refused_tweak("\"schema\":1,", SHORT_FC, "content.softwares: present in a short report");
	/* without digest or count */
	s = tweak(nolist, "\"schema\":1,", "\"schema\":1,\"software_unchanged\":true,");
	refused(s, FC_EPARSE, 400, "content.fleetcensus.software_digest: missing");
	free(s);
	s = tweak(nolist, "\"schema\":1,",
	          "\"schema\":1,\"software_unchanged\":true,\"software_digest\":\"" GOOD_DIGEST
	          "\",");
	refused(s, FC_EPARSE, 400, "content.fleetcensus.software_count: missing");
	free(s);
	/* a malformed digest (upper case, short), count or flag */
	refused_tweak("\"schema\":1,", "\"schema\":1,\"software_digest\":\"87403B07\",",
	              "content.fleetcensus.software_digest: not 64 lower-case hex digits");
	refused_tweak("\"schema\":1,", "\"schema\":1,\"software_count\":-1,",
	              "content.fleetcensus.software_count: not a whole number");
	refused_tweak("\"schema\":1,", "\"schema\":1,\"software_count\":1.5,",
	              "content.fleetcensus.software_count: not a whole number");
	refused_tweak("\"schema\":1,", "\"schema\":1,\"software_unchanged\":\"yes\",",
	              "content.fleetcensus.software_unchanged: not true or false");
	/* a short report whose software section is not ok */
	s = tweak(nolist, "\"schema\":1,", SHORT_FC);
	{
		char *s2 = tweak(s, "\"software\":\"ok\"", "\"software\":\"failed\"");

		refused(s2, FC_EPARSE, 400, "sections.software is not ok");
		free(s2);
	}
	free(s);
	free(nolist);
}

/* ---- the software list read without cJSON (ingest.c sw_fast) ---- */

/* Decodes json both ways (the direct list reader, and cJSON's tree only)
 * and requires the same outcome: rc, status, error text, entries, digest,
 * stored facts. Returns whether the direct reader took the list. */
static bool same_both_ways_lim(const char *json, const struct ingest_limits *lim)
{
	struct ingest_limits tree;
	struct ingest_report a, b;
	char ea[FC_ERRLEN], eb[FC_ERRLEN];
	int sa, sb;
	enum fc_rc ra, rb;
	bool fast;
	size_t i;

	if (lim)
		tree = *lim;
	else
		ingest_limits_default(&tree);
	tree.tree_lists = true;
	ra = decode_lim(json, strlen(json), NULL, lim, &a, &sa, ea);
	rb = decode_lim(json, strlen(json), NULL, &tree, &b, &sb, eb);
	if (ra != rb || sa != sb || strcmp(ea, eb))
		fail_msg("direct: rc %d status %d '%s'; tree: rc %d status %d '%s' for %s", ra, sa,
		         ea, rb, sb, eb, json);
	assert_false(b.sw_fast);
	fast = a.sw_fast;
	if (ra == FC_OK) {
		assert_int_equal(a.n_sw, b.n_sw);
		for (i = 0; i < a.n_sw; i++) {
			assert_string_equal(a.sw[i].name, b.sw[i].name);
			assert_string_equal(a.sw[i].version, b.sw[i].version);
			assert_string_equal(a.sw[i].arch, b.sw[i].arch);
			assert_string_equal(a.sw[i].publisher, b.sw[i].publisher);
			assert_string_equal(a.sw[i].from, b.sw[i].from);
		}
		assert_memory_equal(a.sw_digest, b.sw_digest, sizeof(a.sw_digest));
		assert_string_equal(a.os_json, b.os_json);
		assert_string_equal(a.hostname, b.hostname);
		assert_int_equal(a.json_bytes, b.json_bytes);
	}
	ingest_report_release(&a);
	ingest_report_release(&b);
	return fast;
}

static bool same_both_ways(const char *json)
{
	return same_both_ways_lim(json, NULL);
}

/* The list of good replaced by list (the text between the brackets). */
static bool list_both_ways_lim(const char *list, const struct ingest_limits *lim)
{
	char *s = tweak(good, GOOD_SW, list);
	bool fast = same_both_ways_lim(s, lim);

	free(s);
	return fast;
}

static bool list_both_ways(const char *list)
{
	return list_both_ways_lim(list, NULL);
}

static void test_direct_list_reader(void **state)
{
	struct ingest_report r;
	char *s;

	(void)state;
	/* what agents send: read directly */
	assert_true(same_both_ways(good));
	accepted(good, &r);
	assert_true(r.sw_fast);
	assert_string_equal(r.sw[1].publisher,
	                    "GNU Libc Maintainers <debian-glibc@lists.debian.org>");
	ingest_report_release(&r);
	assert_true(list_both_ways(""));
	assert_true(list_both_ways(" \n\t "));
	/* escapes, other orders, other string members, whitespace */
	assert_true(list_both_ways("{\"name\":\"caf\\u00e9 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\","
	                           "\"version\":\"1\\u20ac\\u0041\",\"from\":\"deb\"}"));
	/* long runs read eight bytes at a time, escapes on either side of them */
	assert_true(list_both_ways("{\"name\":\"abcdefgh\\\"ijklmnopq\\u00e9rstuvwxyz0123456\","
	                           "\"version\":\"0123456789abcdef\",\"from\":\"01234567\"}"));
	assert_true(list_both_ways(" { \"from\" : \"rpm\" ,\n\t\"system_category\":\"x\" , "
	                           "\"name\" :\"a\"\r} ,{\"name\":\"b\",\"arch\":\"\"} "));
	/* left to cJSON, with the same result: other kinds of value, a key given
	 * twice or written with an escape, a surrogate pair */
	assert_false(list_both_ways("{\"name\":\"a\",\"filesize\":123}"));
	assert_false(list_both_ways("{\"name\":\"a\",\"x\":{\"k\":[1,true,null]}}"));
	assert_false(list_both_ways("{\"name\":\"a\",\"name\":\"b\"}"));
	assert_false(list_both_ways("{\"na\\u006de\":\"a\"}"));
	assert_false(list_both_ways("{\"name\":\"\\ud83d\\ude00\"}"));
	/* errors: the same status and message either way */
	assert_false(list_both_ways("{\"version\":\"1\"}"));
	assert_false(list_both_ways("{\"name\":\"\"}"));
	assert_false(list_both_ways("{\"name\":1}"));
	assert_false(list_both_ways("{}"));
	assert_false(list_both_ways("\"a\""));
	assert_false(list_both_ways("{\"name\":\"a\" \"version\":\"b\"}"));
	assert_false(list_both_ways("{\"name\":\"a\"},"));
	assert_false(list_both_ways("{\"name\":\"a\"} {\"name\":\"b\"}"));
	assert_false(list_both_ways("{\"name\" \"a\"}"));
	assert_false(list_both_ways("{\"name\":\"a\",}"));
	assert_false(list_both_ways("{\"name\":\"\\x\"}"));
	assert_false(list_both_ways("{\"name\":\"\\u12\"}"));
	assert_false(list_both_ways("{\"name\":\"\\ud800\"}"));
	assert_false(list_both_ways("{\"name\":\"a\"]"));
	/* what the scan refuses inside the list: the same error either way */
	assert_false(list_both_ways("{\"name\":\"a\tb\"}"));
	assert_false(list_both_ways("{\"name\":\"a\xff\"}"));
	assert_false(list_both_ways("{\"name\":\"abcdefgh\xc3\"}"));
	assert_false(list_both_ways("{\"name\":\"a\\u0000\"}"));
	assert_false(list_both_ways("{\"n\xc3\xa4me\":\"a\",\"name\":\"b\"}"));
	assert_false(list_both_ways("{\"name\":\"a\"}\x80"));
	/* non-ASCII in values is read directly */
	assert_true(
	    list_both_ways("{\"name\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 0123456789\"}"));
	{
		struct ingest_limits lim;

		ingest_limits_default(&lim);
		lim.max_string = 40; /* the longest string elsewhere is 36 bytes */
		assert_true(list_both_ways_lim(
		    "{\"name\":\"abcdefghijklmnopqrstuvwxyz0123456789ABCD\"}", &lim));
		assert_false(list_both_ways_lim(
		    "{\"name\":\"abcdefghijklmnopqrstuvwxyz0123456789ABCDE\"}", &lim));
		assert_false(list_both_ways_lim(
		    "{\"name\":\"a\",\"abcdefghijklmnopqrstuvwxyz0123456789ABCDE\":\"x\"}", &lim));
		ingest_limits_default(&lim);
		lim.max_software = 2;
		assert_true(list_both_ways_lim("{\"name\":\"a\"},{\"name\":\"b\"}", &lim));
		assert_false(
		    list_both_ways_lim("{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}", &lim));
		ingest_limits_default(&lim);
		lim.max_depth = 3; /* the entries are at depth 4 */
		assert_false(list_both_ways_lim("{\"name\":\"a\"}", &lim));
		lim.max_depth = 4;
		assert_true(list_both_ways_lim("{\"name\":\"a\"}", &lim));
	}
	/* an error after the list: the byte offset is of the text as sent */
	s = tweak(good, "\"memory\":7863", "\"memory\":78 63");
	assert_false(same_both_ways(s)); /* refused: the report is left empty */
	free(s);
	/* a second softwares or content key is not read (cJSON reads the first) */
	s = tweak(good,
	          "\"operatingsystem\":", "\"softwares\":[{\"name\":\"z\"}],\"operatingsystem\":");
	assert_true(same_both_ways(s));
	free(s);
	/* the section is not ok: the list read is dropped */
	s = tweak(good, "\"software\":\"ok\"", "\"software\":\"failed\"");
	assert_false(same_both_ways(s));
	accepted(s, &r);
	assert_null(r.sw);
	assert_int_equal(r.n_sw, 0);
	ingest_report_release(&r);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_full_report_digest),
	    cmocka_unit_test(test_short_report),
	    cmocka_unit_test(test_short_report_refused),
	    cmocka_unit_test(test_direct_list_reader),
	    cmocka_unit_test(test_good_report),
	    cmocka_unit_test(test_good_compressed),
	    cmocka_unit_test(test_hostname_fallback),
	    cmocka_unit_test(test_minimal),
	    cmocka_unit_test(test_software_not_ok),
	    cmocka_unit_test(test_empty_software_list),
	    cmocka_unit_test(test_invalid_json),
	    cmocka_unit_test(test_wrong_shape),
	    cmocka_unit_test(test_readiness_facts),
	    cmocka_unit_test(test_readiness_facts_refused),
	    cmocka_unit_test(test_fleetcensus_fields),
	    cmocka_unit_test(test_unknown_schema),
	    cmocka_unit_test(test_gzip_bomb),
	    cmocka_unit_test(test_ratio_floor),
	    cmocka_unit_test(test_truncated_gzip),
	    cmocka_unit_test(test_oversized_body),
	    cmocka_unit_test(test_unknown_encoding),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_million_software),
	    cmocka_unit_test(test_software_count_after_parse),
	    cmocka_unit_test(test_too_many_values),
	    cmocka_unit_test(test_long_string),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_nul_escape),
	    cmocka_unit_test(test_raw_nul),
	    cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_placeholder_uuids),
	    cmocka_unit_test(test_real_uuids),
	    cmocka_unit_test(test_malformed_uuid_blanked),
	    cmocka_unit_test(test_collected_at),
	    cmocka_unit_test(test_failure_leaves_report_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
