/* test_report_kinds.c - report.c over a real store: the tender with
 * --min-cell and --horizon-months, counts, stale and the window, the three
 * formats (CSV quoting, JSON escaping and numbers, table alignment) and the
 * option errors. Machines get fictional products (set in the database after
 * ingest) with catalogue rows of their own, so the expected tables here are
 * independent of the classifier and of the shipped catalogue. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest.h"
#include "lifecycle.h"
#include "report.h"
#include "store.h"
#include "testutil.h"
#include "utf8.h"
#include "xalloc.h"

#define AS_OF "2026-01-31"
#define SEEN 1769817600 /* 2026-01-31T00:00:00Z */

static const char catalogue[] = "kind,product,edition,mainstream_end,extended_end,esu_end,source\n"
                                "os,Acme OS 1,*,2010-01-01,2012-01-01,,test\n"
                                "os,Acme OS 2,*,2030-01-01,2032-01-01,,test\n"
                                "os,Acme OS 3,*,2026-02-15,2026-02-15,,test\n"
                                "os,Acme OS 4,*,2020-01-01,2020-01-01,2027-01-01,test\n";

struct fixture {
	char dir[256];
	char db[512];
	struct store *s;
	struct lifecycle *lc;
	int64_t org[3];
	unsigned serial;
	struct buf out;
	char err[FC_ERRLEN];
};

static int setup(void **state)
{
	static const char *const names[] = {"Gemeente Utrecht", "Gemeente Zeist",
	                                    "Dienst \"Noord\", Oost"};
	struct fixture *f = calloc(1, sizeof(*f));
	int i;

	if (!f ||
	    !store_tmp_open("report", f->dir, sizeof(f->dir), f->db, sizeof(f->db), &f->s, f->err))
		return -1;
	for (i = 0; i < 3; i++)
		if (store_org_add(f->s, names[i], &f->org[i], f->err) != FC_OK)
			return -1;
	f->lc = lifecycle_new();
	if (lifecycle_add_csv(f->lc, catalogue, strlen(catalogue), "test", f->err) != FC_OK) {
		fprintf(stderr, "setup: %s\n", f->err);
		return -1;
	}
	buf_init(&f->out, 1 << 20);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc;

	lifecycle_free(f->lc);
	buf_release(&f->out);
	rc = store_tmp_close(f->s, f->dir);
	free(f);
	return rc;
}

/* Stores machine host of organisation id org_id seen at seen, with the
 * software sw_name sw_version when sw_name is not NULL, then gives it
 * os_product product, os_edition edition, arch x86_64. */
static void machine_sw(struct fixture *f, int64_t org_id, const char *host, const char *product,
                       const char *edition, int64_t seen, const char *sw_name,
                       const char *sw_version)
{
	struct store_put_result res;
	struct ingest_report r;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	ingest_report_init(&r);
	f->serial++;
	snprintf(r.report_id, sizeof(r.report_id), "00000000-0000-4000-8000-%012x", f->serial);
	snprintf(r.agent_id, sizeof(r.agent_id), "00000000-0000-4000-9000-%012x", f->serial);
	snprintf(r.collected_at, sizeof(r.collected_at), "2026-01-01T00:00:00Z");
	r.collected_ts = 1767225600;
	r.deviceid = xstrdup(host);
	r.hostname = xstrdup(host);
	r.os_json = xstrdup("{}");
	if (sw_name) {
		r.software_ok = true;
		report_add_sw(&r, sw_name, sw_version, "x86_64", "Acme", "registry");
	}
	assert_int_equal(store_put_report(f->s, org_id, &r, seen, &res, f->err), FC_OK);
	ingest_report_release(&r);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db,
	                       "UPDATE machines SET os_product = ?1, os_edition = ?2,"
	                       " arch = 'x86_64', os_family = 'test' WHERE public_id = ?3",
	                       -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, product, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, edition, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, res.machine, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Stores machine host of organisation org (index) seen at seen, then gives
 * it os_product product, os_edition edition, arch x86_64. */
static void machine(struct fixture *f, int org, const char *host, const char *product,
                    const char *edition, int64_t seen)
{
	machine_sw(f, f->org[org], host, product, edition, seen, NULL, NULL);
}

/* The fleet: Utrecht 1, Zeist 4 machines of Acme OS 1 (eol); Zeist 2 of
 * Acme OS 2 (supported); the third organisation 3 of Acme OS 3 (supported
 * until 2026-02-15) and 1 of Acme OS 4 (esu), and one stale Acme OS 1. */
static void fleet(struct fixture *f)
{
	int i;

	machine(f, 0, "u1", "Acme OS 1", "Pro", SEEN);
	for (i = 0; i < 4; i++)
		machine(f, 1, "z1", "Acme OS 1", "Pro", SEEN - 86400);
	machine(f, 1, "z2", "Acme OS 2", "", SEEN);
	machine(f, 1, "z3", "Acme OS 2", "", SEEN);
	for (i = 0; i < 3; i++)
		machine(f, 2, "d1", "Acme OS 3", "", SEEN);
	machine(f, 2, "d4", "Acme OS 4", "", SEEN);
	machine(f, 2, "old", "Acme OS 1", "Pro", SEEN - 31 * 86400);
}

static enum fc_rc run(struct fixture *f, struct report_opts *o)
{
	buf_release(&f->out);
	buf_init(&f->out, 1 << 20);
	return report_run(f->s, f->lc, o, &f->out, f->err);
}

static void opts(struct report_opts *o, const char *kind, enum report_format fmt)
{
	report_opts_default(o);
	o->kind = kind;
	o->format = fmt;
	snprintf(o->as_of, sizeof(o->as_of), AS_OF);
}

static void test_tender_csv(void **state)
{
	struct fixture *f = *state;
	struct report_opts o;

	fleet(f);
	opts(&o, "tender", REPORT_CSV);
	assert_int_equal(run(f, &o), FC_OK);
	assert_string_equal(
	    buf_cstr(&f->out),
	    "org,os_product,os_edition,os_release,arch,support_status,support_end,machines\r\n"
	    "Gemeente Utrecht,Acme OS 1,Pro,,x86_64,eol,2012-01-01,1\r\n"
	    "Gemeente Zeist,Acme OS 1,Pro,,x86_64,eol,2012-01-01,4\r\n"
	    "ALL,Acme OS 1,Pro,,x86_64,eol,2012-01-01,5\r\n"
	    "\"Dienst \"\"Noord\"\", Oost\",Acme OS 4,,,x86_64,esu,2027-01-01,1\r\n"
	    "ALL,Acme OS 4,,,x86_64,esu,2027-01-01,1\r\n");
}

static void test_tender_min_cell(void **state)
{
	struct fixture *f = *state;
	struct report_opts o;

	fleet(f);
	opts(&o, "tender", REPORT_CSV);
	o.min_cell = 4;
	assert_int_equal(run(f, &o), FC_OK);
	assert_string_equal(
	    buf_cstr(&f->out),
	    "org,os_product,os_edition,os_release,arch,support_status,support_end,machines\r\n"
	    "Gemeente Utrecht,Acme OS 1,Pro,,x86_64,eol,2012-01-01,<4\r\n"
	    "Gemeente Zeist,Acme OS 1,Pro,,x86_64,eol,2012-01-01,4\r\n"
	    "ALL,Acme OS 1,Pro,,x86_64,eol,2012-01-01,>=4\r\n"
	    "\"Dienst \"\"Noord\"\", Oost\",Acme OS 4,,,x86_64,esu,2027-01-01,<4\r\n"
	    "ALL,Acme OS 4,,,x86_64,esu,2027-01-01,<4\r\n");
	o.min_cell = 6;
	o.format = REPORT_JSON;
	assert_int_equal(run(f, &o), FC_OK);
	assert_non_null(strstr(buf_cstr(&f->out), "\"org\":\"ALL\",\"os_product\":\"Acme OS 1\","
	                                          "\"os_edition\":\"Pro\",\"os_release\":\"\","
	                                          "\"arch\":\"x86_64\","
	                                          "\"support_status\":\"eol\",\"support_end\":"
	                                          "\"2012-01-01\",\"machines\":\"<6\"}"));
	o.min_cell = 2; /* Utrecht's 1 is hidden: the total 5 would reveal it */
	assert_int_equal(run(f, &o), FC_OK);
	assert_non_null(
	    strstr(buf_cstr(&f->out), "\"support_end\":\"2012-01-01\",\"machines\":\">=2\"}"));
	o.min_cell = 1; /* nothing hidden: JSON numbers */
	assert_int_equal(run(f, &o), FC_OK);
	assert_non_null(
	    strstr(buf_cstr(&f->out), "\"support_end\":\"2012-01-01\",\"machines\":5}"));
}

static void test_tender_horizon(void **state)
{
	struct fixture *f = *state;
	struct report_opts o;

	fleet(f);
	opts(&o, "tender", REPORT_CSV);
	o.horizon_months = 1; /* 2026-01-31 + 1 month = 2026-02-28 */
	o.orgs[0] = "Dienst \"Noord\", Oost";
	o.n_orgs = 1;
	assert_int_equal(run(f, &o), FC_OK);
	assert_string_equal(
	    buf_cstr(&f->out),
	    "org,os_product,os_edition,os_release,arch,support_status,support_end,machines\r\n"
	    "\"Dienst \"\"Noord\"\", Oost\",Acme OS 3,,,x86_64,eol,2026-02-15,3\r\n"
	    "ALL,Acme OS 3,,,x86_64,eol,2026-02-15,3\r\n"
	    "\"Dienst \"\"Noord\"\", Oost\",Acme OS 4,,,x86_64,esu,2027-01-01,1\r\n"
	    "ALL,Acme OS 4,,,x86_64,esu,2027-01-01,1\r\n");
}

static void test_counts_table(void **state)
{
	struct fixture *f = *state;
	struct report_opts o;

	fleet(f);
	opts(&o, "counts", REPORT_TABLE);
	o.by = "support_status,os_product";
	assert_int_equal(run(f, &o), FC_OK);
	assert_string_equal(buf_cstr(&f->out), "support_status  os_product  machines\n"
	                                       "eol             Acme OS 1          5\n"
	                                       "esu             Acme OS 4          1\n"
	                                       "supported       Acme OS 2          2\n"
	                                       "supported       Acme OS 3          3\n");
	o.by = "org";
	o.format = REPORT_JSON;
	assert_int_equal(run(f, &o), FC_OK);
	assert_string_equal(buf_cstr(&f->out), "[\n{\"org\":\"Dienst \\\"Noord\\\", Oost\","
	                                       "\"machines\":4},\n"
	                                       "{\"org\":\"Gemeente Utrecht\",\"machines\":1},\n"
	                                       "{\"org\":\"Gemeente Zeist\",\"machines\":6}\n]\n");
}

static void test_stale_and_window(void **state)
{
	struct fixture *f = *state;
	struct report_opts o;

	fleet(f);
	opts(&o, "stale", REPORT_CSV);
	assert_int_equal(run(f, &o), FC_OK);
	assert_non_null(strstr(buf_cstr(&f->out), ",old,2025-12-31T00:00:00Z,Acme OS 1,agent\r\n"));
	assert_null(strstr(buf_cstr(&f->out), ",u1,"));
	opts(&o, "counts", REPORT_CSV);
	o.by = "os_product";
	o.window_days = 31;
	assert_int_equal(run(f, &o), FC_OK);
	assert_non_null(strstr(buf_cstr(&f->out), "Acme OS 1,6\r\n"));
	o.window_days = 0; /* only machines seen on as_of or later */
	assert_int_equal(run(f, &o), FC_OK);
	assert_non_null(strstr(buf_cstr(&f->out), "Acme OS 1,1\r\n"));
}

static void test_empty_reports(void **state)
{
	struct fixture *f = *state;
	struct report_opts o;

	opts(&o, "machines", REPORT_JSON);
	assert_int_equal(run(f, &o), FC_OK);
	assert_string_equal(buf_cstr(&f->out), "[]\n");
	o.format = REPORT_TABLE;
	o.kind = "stale";
	assert_int_equal(run(f, &o), FC_OK);
	assert_string_equal(buf_cstr(&f->out),
	                    "org  machine  hostname  last_seen  os_product  evidence\n");
}

/* ---- values from machines are hostile to the reader (issue 13) ---- */

#define HYPERLINK "=HYPERLINK(\"http://x\",\"y\")"
#define OSC8                                                                                       \
	"\x1b[2J\x1b]8;;http://evil/\x07"                                                          \
	"click\x1b]8;;\x07"
#define FORGED "evil\r\nALL,Acme OS 1,Pro,,x86_64,eol,2012-01-01,999"
#define C1_BIDI                                                                                    \
	"\xc2\x9b"                                                                                 \
	"31mC1\xe2\x80\xae"                                                                        \
	"desrever\xe2\x81\xa6"
#define DDE "+cmd|' /C calc'!A0"

/* The hostile fleet: host names, editions, a software name and version and
 * an organisation name made to start formulas, move the cursor, add links,
 * forge rows and reverse text. Acme OS 1 is eol, so every edition is a
 * tender line. */
static int64_t hostile_fleet(struct fixture *f)
{
	int64_t evil;
	bool taken;

	assert_int_equal(store_org_add(f->s,
	                               "@Org \xe2\x80\xae"
	                               "evil",
	                               &evil, f->err),
	                 FC_OK);
	machine_sw(f, f->org[0], HYPERLINK, "Acme OS 1", DDE, SEEN, DDE, "-1\x7f\xc2\x85");
	machine_sw(f, f->org[0], OSC8, "Acme OS 1", "@SUM(1+1)", SEEN, "\tname", "=1+1");
	machine_sw(f, f->org[1], FORGED, "Acme OS 1", "-2+3", SEEN, "ok", "1.0");
	machine_sw(f, evil, C1_BIDI, "Acme OS 1", "\x1b[31mred\r", SEEN, "\xe2\x80\xaeok", "2");
	machine_sw(f, evil, "\tstale", "Acme OS 1", "Pro", SEEN - 40 * 86400, NULL, NULL);
	assert_int_equal(store_snapshot(f->s, AS_OF, SEEN - 30 * 86400, true, &taken, f->err),
	                 FC_OK);
	return evil;
}

/* Decodes the UTF-8 character at s (valid, as checked before): its code
 * point, *n its length. */
static unsigned long cp_at(const unsigned char *s, size_t *n)
{
	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*n = 2;
		return ((s[0] & 0x1fUL) << 6) | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0) {
		*n = 3;
		return ((s[0] & 0x0fUL) << 12) | ((s[1] & 0x3fUL) << 6) | (s[2] & 0x3f);
	}
	*n = 4;
	return ((s[0] & 0x07UL) << 18) | ((s[1] & 0x3fUL) << 12) | ((s[2] & 0x3fUL) << 6) |
	       (s[3] & 0x3f);
}

/* Fails when the len bytes at s are not valid UTF-8 or hold a control
 * character (C0, DEL, C1), a bidirectional control or a line or paragraph
 * separator, other than the line ends of the format: "\r\n" (CSV) or "\n". */
static void assert_inert(const char *s, size_t len, bool crlf)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i, n;

	assert_true(utf8_valid(s, len));
	for (i = 0; i < len; i += n) {
		cp = cp_at(p + i, &n);
		if (cp == '\n' && (!crlf || (i > 0 && p[i - 1] == '\r')))
			continue;
		if (cp == '\r' && crlf && i + 1 < len && p[i + 1] == '\n')
			continue;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
		    cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			fail_msg("code point U+%04lx at byte %zu of:\n%.*s", cp, i, (int)len, s);
	}
}

/* Checks CSV text (RFC 4180): every record has ncols fields, no field
 * starts a formula; returns the number of records after the header. */
static size_t assert_csv(const char *s, size_t ncols)
{
	size_t records = 0, fields = 0;
	const char *p = s;
	bool quoted;

	assert_inert(s, strlen(s), true);
	while (*p) {
		quoted = *p == '"';
		p += quoted;
		if (strchr("=+-@\t\r", *p) && !(quoted ? *p == '"' : *p == ',' || *p == '\r'))
			fail_msg("a field starts a formula: %.40s", p);
		for (; *p; p++) {
			if (quoted && *p == '"' && p[1] == '"')
				p++;
			else if (quoted ? *p == '"' : *p == ',' || *p == '\r')
				break;
		}
		p += quoted && *p == '"';
		fields++;
		if (*p == ',') {
			p++;
		} else {
			assert_true(p[0] == '\r' && p[1] == '\n');
			assert_int_equal(fields, ncols);
			fields = 0;
			records++;
			p += 2;
		}
	}
	return records - 1;
}

/* Checks table text: valid UTF-8, inert; returns its lines after the
 * header. */
static size_t assert_table(const char *s)
{
	size_t lines = 0;

	assert_inert(s, strlen(s), false);
	for (; *s; s++)
		lines += *s == '\n';
	return lines - 1;
}

static void test_hostile_values(void **state)
{
	static const struct {
		const char *kind;
		size_t ncols, rows;
	} kinds[] = {{"machines", 17, 4}, {"counts", 8, 4}, {"tender", 8, 8},
	             {"software", 6, 4},  {"trend", 3, 3},  {"stale", 6, 1}};
	struct fixture *f = *state;
	struct report_opts o;
	size_t i;

	hostile_fleet(f);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		opts(&o, kinds[i].kind, REPORT_CSV);
		o.by = "org,os_family,os_product,os_edition,os_release,arch,support_status";
		o.name_pattern = "*";
		o.product = "Acme OS 1";
		assert_int_equal(run(f, &o), FC_OK);
		assert_int_equal(assert_csv(buf_cstr(&f->out), kinds[i].ncols), kinds[i].rows);
		o.format = REPORT_TABLE;
		assert_int_equal(run(f, &o), FC_OK);
		assert_int_equal(assert_table(buf_cstr(&f->out)), kinds[i].rows);
	}
}

/* What the reader sees instead: a quote before a formula (CSV), visible
 * escapes for control bytes and bidirectional controls; the counts stay
 * numbers; JSON keeps the exact values, escaped as JSON. */
static void test_hostile_shown(void **state)
{
	struct fixture *f = *state;
	struct report_opts o;
	const char *t;

	hostile_fleet(f);
	opts(&o, "machines", REPORT_CSV);
	assert_int_equal(run(f, &o), FC_OK);
	t = buf_cstr(&f->out);
	assert_non_null(strstr(t, ",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","));
	assert_non_null(strstr(t, ",\\x1b[2J\\x1b]8;;http://evil/\\x07click\\x1b]8;;\\x07,"));
	assert_non_null(
	    strstr(t, ",\"evil\\x0d\\x0aALL,Acme OS 1,Pro,,x86_64,eol,2012-01-01,999\","));
	assert_non_null(strstr(t, ",\\u009b31mC1\\u202edesrever\\u2066,"));
	assert_non_null(strstr(t, ",'" DDE ","));
	assert_non_null(strstr(t, ",'@SUM(1+1),"));
	opts(&o, "tender", REPORT_CSV);
	assert_int_equal(run(f, &o), FC_OK);
	t = buf_cstr(&f->out);
	assert_non_null(strstr(t, "\r\nGemeente Zeist,Acme OS 1,'-2+3,,x86_64,eol,2012-01-01,1\r\n"
	                          "ALL,Acme OS 1,'-2+3,,x86_64,eol,2012-01-01,1\r\n"));
	assert_non_null(
	    strstr(t, "\r\n'@Org \\u202eevil,Acme OS 1,\\x1b[31mred\\x0d,,x86_64,eol,"));
	opts(&o, "software", REPORT_TABLE);
	o.name_pattern = "*";
	assert_int_equal(run(f, &o), FC_OK);
	t = buf_cstr(&f->out);
	assert_non_null(strstr(t, "\nGemeente Utrecht  \\x09name            =1+1      "));
	assert_non_null(strstr(t, DDE "  -1\\x7f\\u0085         1  unknown"));
	opts(&o, "software", REPORT_CSV);
	o.name_pattern = "*";
	assert_int_equal(run(f, &o), FC_OK);
	assert_non_null(strstr(buf_cstr(&f->out), "Gemeente Utrecht,'" DDE ",'-1\\x7f\\u0085,1,"));
	opts(&o, "machines", REPORT_JSON);
	assert_int_equal(run(f, &o), FC_OK);
	t = buf_cstr(&f->out);
	assert_non_null(strstr(t, "\"hostname\":\"\\u001b[2J\\u001b]8;;http://evil/\\u0007click"));
	assert_non_null(strstr(t, "\"hostname\":\"evil\\u000d\\u000aALL,"));
	assert_non_null(strstr(t, "\"hostname\":\"" C1_BIDI "\""));
}

static void test_bad_options(void **state)
{
	struct fixture *f = *state;
	struct report_opts o;

	opts(&o, "nonsense", REPORT_CSV);
	assert_int_equal(run(f, &o), FC_EUSAGE);
	assert_non_null(strstr(f->err, "nonsense"));
	opts(&o, "tender", REPORT_CSV);
	snprintf(o.as_of, sizeof(o.as_of), "2026-02-30");
	assert_int_equal(run(f, &o), FC_EUSAGE);
	snprintf(o.as_of, sizeof(o.as_of), "2026-1-010");
	assert_int_equal(run(f, &o), FC_EUSAGE);
	opts(&o, "counts", REPORT_CSV);
	o.by = "os_product,hostname";
	assert_int_equal(run(f, &o), FC_EUSAGE);
	assert_non_null(strstr(f->err, "hostname"));
	o.by = "arch,arch";
	assert_int_equal(run(f, &o), FC_EUSAGE);
	o.by = "";
	assert_int_equal(run(f, &o), FC_EUSAGE);
	opts(&o, "tender", REPORT_CSV);
	o.window_days = -1;
	assert_int_equal(run(f, &o), FC_EUSAGE);
	opts(&o, "tender", REPORT_CSV);
	o.orgs[0] = "Nowhere";
	o.n_orgs = 1;
	assert_int_equal(run(f, &o), FC_ENOENT);
	opts(&o, "software", REPORT_CSV);
	assert_int_equal(run(f, &o), FC_EUSAGE);
	opts(&o, "trend", REPORT_CSV);
	assert_int_equal(run(f, &o), FC_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tender_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tender_min_cell, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tender_horizon, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_counts_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale_and_window, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_reports, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_shown, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
