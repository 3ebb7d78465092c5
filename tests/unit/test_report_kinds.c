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

/* Stores machine host of organisation org (index) seen at seen, then gives
 * it os_product product, os_edition edition, arch x86_64. */
static void machine(struct fixture *f, int org, const char *host, const char *product,
                    const char *edition, int64_t seen)
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
	assert_int_equal(store_put_report(f->s, f->org[org], &r, seen, &res, f->err), FC_OK);
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
	assert_non_null(strstr(buf_cstr(&f->out), ",old,2025-12-31T00:00:00Z,Acme OS 1\r\n"));
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
	assert_string_equal(buf_cstr(&f->out), "org  machine  hostname  last_seen  os_product\n");
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
