/* test_store_scale.c - the store at fleet scale: short reports for
 * unchanged software lists (docs/protocol.md), group commit with one
 * savepoint per report, the report order under clock skew, and the
 * class_counts aggregate, which must always equal a recount from the
 * machines table. */
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
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

#define T0 1764452990 /* 2025-11-29T21:49:50Z */
#define DAY 86400

#define OS_DEBIAN12                                                                                \
	"{\"operatingsystem\":{},\"fleetcensus\":{\"os_release\":{\"ID\":\"debian\","              \
	"\"VERSION_ID\":\"12\",\"PRETTY_NAME\":\"Debian GNU/Linux 12 (bookworm)\"}}}"
#define OS_WIN7                                                                                    \
	"{\"operatingsystem\":{},\"fleetcensus\":{\"windows\":{\"major\":6,\"minor\":1,"           \
	"\"build\":7601,\"product_type\":1,\"edition_id\":\"Professional\","                       \
	"\"product_name\":\"Windows 7 Professional\",\"native_arch\":\"AMD64\"}}}"
#define OS_XP                                                                                      \
	"{\"operatingsystem\":{},\"fleetcensus\":{\"windows\":{\"major\":5,\"minor\":1,"           \
	"\"build\":2600,\"product_type\":1,\"product_name\":\"Microsoft Windows XP\","             \
	"\"native_arch\":\"x86\"}}}"

struct fixture {
	char dir[256];
	char db[512];
	struct store *s;
	int64_t org[3];
	unsigned serial;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[FC_ERRLEN] = "out of memory";

	if (!f ||
	    !store_tmp_open("scale", f->dir, sizeof(f->dir), f->db, sizeof(f->db), &f->s, err) ||
	    store_org_add(f->s, "Gemeente Utrecht", &f->org[0], err) != FC_OK ||
	    store_org_add(f->s, "Gemeente Zeist", &f->org[1], err) != FC_OK ||
	    store_org_add(f->s, "Gemeente Bunnik", &f->org[2], err) != FC_OK) {
		fprintf(stderr, "setup: %s\n", err);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = store_tmp_close(f->s, f->dir);

	free(f);
	return rc;
}

/* A report as ingest_decode makes it: hardware UUID hw (the only key),
 * collected at ts, os_json os, and n_sw packages whose versions depend on
 * variant; the digest computed as ingest does. */
static void rep(struct fixture *f, struct ingest_report *r, const char *hw, int64_t ts,
                const char *os, int n_sw, int variant)
{
	char v[32];
	int i;

	report_init_at(r, ++f->serial, hw, hw, ts);
	r->os_json = xstrdup(os);
	r->software_ok = true;
	r->sw = xcalloc(1, sizeof(*r->sw));
	for (i = 0; i < n_sw; i++) {
		snprintf(v, sizeof(v), "1.%d-%d", i, variant);
		report_add_sw(r, i % 2 ? "libfoo" : "bar-utils", v, "amd64", "", "deb");
	}
	ingest_sw_digest(r->sw, r->n_sw, r->sw_digest);
	r->has_digest = true;
	r->sw_count = n_sw;
}

/* Turns r into the short report of its own list. */
static void make_short(struct ingest_report *r)
{
	report_drop_sw(r);
	r->software_unchanged = true;
}

static struct store_put_result put_at(struct fixture *f, int64_t org, struct ingest_report *r,
                                      int64_t received)
{
	return store_put_ok(f->s, org, r, received);
}

static const char *hw_of(int i, char out[37])
{
	snprintf(out, 37, "4c4c4544-0000-4000-8000-%012d", i);
	return out;
}

/* ---- short reports ---- */

static void test_short_report_accepted_when_digest_matches(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	struct store_put_result res;
	char hw[37];

	hw_of(1, hw);
	rep(f, &r, hw, T0, OS_DEBIAN12, 5, 0);
	res = put_at(f, f->org[0], &r, T0 + 10);
	assert_true(res.new_machine);
	assert_int_equal(db_int(f->db, "SELECT length(software_digest) FROM machines"), 32);

	rep(f, &r, hw, T0 + DAY, OS_DEBIAN12, 5, 0);
	make_short(&r);
	res = put_at(f, f->org[0], &r, T0 + DAY + 10);
	assert_false(res.resend_full);
	assert_false(res.new_machine);
	assert_int_equal(strlen(res.machine), 36);
	/* stored like a full report: newest facts, a report record, the list kept */
	assert_int_equal(db_int(f->db, "SELECT last_seen FROM machines"), T0 + DAY + 10);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports"), 2);
	assert_int_equal(db_int(f->db, "SELECT l.count FROM machines m JOIN software_lists l"
	                               " ON l.id = m.software_list_id"),
	                 5);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_items"), 5);
	assert_int_equal(db_int(f->db, "SELECT length(software_digest) FROM machines"), 32);
}

static void test_short_report_refused_otherwise(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	struct store_put_result res;
	char hw[37], hw2[37], hw3[37];

	hw_of(1, hw);
	hw_of(2, hw2);
	hw_of(3, hw3);
	rep(f, &r, hw, T0, OS_DEBIAN12, 5, 0);
	put_at(f, f->org[0], &r, T0);

	/* another list */
	rep(f, &r, hw, T0 + 10, OS_DEBIAN12, 5, 1);
	make_short(&r);
	res = put_at(f, f->org[0], &r, T0 + 10);
	assert_true(res.resend_full);
	assert_string_equal(res.machine, "");
	/* the same entries in another order are another list */
	rep(f, &r, hw, T0 + 10, OS_DEBIAN12, 5, 0);
	{
		struct ingest_sw tmp = r.sw[0];

		r.sw[0] = r.sw[1];
		r.sw[1] = tmp;
		ingest_sw_digest(r.sw, r.n_sw, r.sw_digest);
	}
	make_short(&r);
	assert_true(put_at(f, f->org[0], &r, T0 + 10).resend_full);
	/* a machine the collector does not know */
	rep(f, &r, hw2, T0 + 10, OS_DEBIAN12, 5, 0);
	make_short(&r);
	assert_true(put_at(f, f->org[0], &r, T0 + 10).resend_full);
	/* the same machine in another organisation is another machine */
	rep(f, &r, hw, T0 + 10, OS_DEBIAN12, 5, 0);
	make_short(&r);
	assert_true(put_at(f, f->org[1], &r, T0 + 10).resend_full);
	/* nothing of those was stored */
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines"), 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(db_int(f->db, "SELECT last_seen FROM machines"), T0);

	/* a machine whose newest report had no list (section failed) */
	rep(f, &r, hw3, T0, OS_DEBIAN12, 5, 0);
	put_at(f, f->org[0], &r, T0);
	rep(f, &r, hw3, T0 + 5, OS_DEBIAN12, 0, 0);
	r.software_ok = false;
	r.has_digest = false;
	put_at(f, f->org[0], &r, T0 + 5);
	rep(f, &r, hw3, T0 + 10, OS_DEBIAN12, 5, 0);
	make_short(&r);
	assert_true(put_at(f, f->org[0], &r, T0 + 10).resend_full);

	/* the full report converges; its digest is then accepted */
	rep(f, &r, hw, T0 + 20, OS_DEBIAN12, 5, 1);
	assert_false(put_at(f, f->org[0], &r, T0 + 20).resend_full);
	rep(f, &r, hw, T0 + 30, OS_DEBIAN12, 5, 1);
	make_short(&r);
	assert_false(put_at(f, f->org[0], &r, T0 + 30).resend_full);
	/* and the old digest is refused */
	rep(f, &r, hw, T0 + 40, OS_DEBIAN12, 5, 0);
	make_short(&r);
	assert_true(put_at(f, f->org[0], &r, T0 + 40).resend_full);
}

/* A short report already stored (retry of the same report_id) is a
 * duplicate, never a 409. */
static void test_short_report_retry_is_duplicate(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r, r2;
	struct store_put_result res;
	char hw[37];

	hw_of(1, hw);
	rep(f, &r, hw, T0, OS_DEBIAN12, 3, 0);
	put_at(f, f->org[0], &r, T0);
	rep(f, &r, hw, T0 + 10, OS_DEBIAN12, 3, 0);
	make_short(&r);
	r2 = r;
	r2.sw = NULL;
	r2.deviceid = xstrdup(r.deviceid);
	r2.hostname = xstrdup(r.hostname);
	r2.os_json = xstrdup(r.os_json);
	assert_false(put_at(f, f->org[0], &r, T0 + 10).resend_full);
	res = put_at(f, f->org[0], &r2, T0 + 20);
	assert_true(res.duplicate);
	assert_false(res.resend_full);
}

/* Lists are found by their received-order digest; the same entries in
 * another order share the list; digests go with their list. */
static void test_list_digests(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	struct ingest_sw tmp;
	char hw[37];

	rep(f, &r, hw_of(1, hw), T0, OS_DEBIAN12, 4, 0);
	put_at(f, f->org[0], &r, T0);
	rep(f, &r, hw_of(2, hw), T0, OS_DEBIAN12, 4, 0);
	put_at(f, f->org[0], &r, T0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_lists"), 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_list_digests"), 1);
	rep(f, &r, hw_of(2, hw), T0 + 1, OS_DEBIAN12, 4, 0);
	tmp = r.sw[0];
	r.sw[0] = r.sw[3];
	r.sw[3] = tmp;
	ingest_sw_digest(r.sw, r.n_sw, r.sw_digest);
	put_at(f, f->org[0], &r, T0 + 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_lists"), 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_list_digests"), 2);
	assert_int_equal(db_int(f->db, "SELECT count(DISTINCT software_list_id) FROM machines"), 1);
	assert_int_equal(db_int(f->db, "SELECT count(DISTINCT software_digest) FROM machines"), 2);
	rep(f, &r, hw_of(1, hw), T0 + 2, OS_DEBIAN12, 4, 1);
	put_at(f, f->org[0], &r, T0 + 2);
	rep(f, &r, hw_of(2, hw), T0 + 2, OS_DEBIAN12, 4, 1);
	put_at(f, f->org[0], &r, T0 + 2);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_lists"), 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_list_digests"), 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_items"), 4);
}

/* ---- group commit ---- */

static void test_batch_one_bad_report_does_not_fail_the_others(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r[4];
	struct store_put_job jobs[4];
	char hw[37], err[FC_ERRLEN] = "";
	int i;

	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 4; i++) {
		rep(f, &r[i], hw_of(10 + i, hw), T0, OS_WIN7, 2, i);
		jobs[i].org_id = f->org[0];
		jobs[i].r = &r[i];
		jobs[i].received_at = T0;
	}
	r[1].report_id[0] = '\0'; /* cannot be stored */
	make_short(&r[2]); /* unknown machine: 409, nothing stored */
	assert_int_equal(store_put_batch(f->s, jobs, 4, err), FC_OK);
	assert_int_equal(jobs[0].rc, FC_OK);
	assert_int_equal(jobs[1].rc, FC_EDB);
	assert_int_equal(jobs[2].rc, FC_OK);
	assert_true(jobs[2].res.resend_full);
	assert_int_equal(jobs[3].rc, FC_OK);
	assert_true(jobs[3].res.new_machine);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines"), 2);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports"), 2);
	for (i = 0; i < 4; i++)
		ingest_report_release(&r[i]);
}

/* A batch takes the day's snapshot once, before its first stored report:
 * one that is rolled back (a 409) takes its snapshot with it, and the next
 * report of the batch takes it again; a batch that spans midnight takes the
 * new day's too. The snapshot counts the machines as they were before. */
static void test_batch_takes_the_day_snapshot_once(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r[5];
	struct store_put_job jobs[5];
	char hw[37], err[FC_ERRLEN] = "";
	int i;

	rep(f, &r[0], hw_of(30, hw), T0 - DAY, OS_WIN7, 2, 0);
	put_at(f, f->org[0], &r[0], T0 - DAY); /* yesterday: one machine */
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 5; i++) {
		rep(f, &r[i], hw_of(31 + i, hw), T0, OS_WIN7, 2, i);
		jobs[i].org_id = f->org[0];
		jobs[i].r = &r[i];
		jobs[i].received_at = i < 4 ? T0 : T0 + DAY;
	}
	make_short(&r[0]); /* unknown machine: 409, its savepoint rolled back */
	assert_int_equal(store_put_batch(f->s, jobs, 5, err), FC_OK);
	assert_true(jobs[0].res.resend_full);
	for (i = 1; i < 5; i++)
		assert_int_equal(jobs[i].rc, FC_OK);
	/* T0's day: taken by job 1, before it: the one machine of yesterday */
	assert_int_equal(db_int(f->db, "SELECT sum(machines) FROM snapshots WHERE date ="
	                               " strftime('%Y-%m-%d', 1764452990, 'unixepoch')"),
	                 1);
	/* the next day's: taken by job 4, before it: 1 + jobs 1..3 */
	assert_int_equal(db_int(f->db, "SELECT sum(machines) FROM snapshots WHERE date ="
	                               " strftime('%Y-%m-%d', 1764452990 + 86400, 'unixepoch')"),
	                 4);
	assert_int_equal(db_int(f->db, "SELECT count(DISTINCT date) FROM snapshots"), 2);
	for (i = 0; i < 5; i++)
		ingest_report_release(&r[i]);
}

/* ---- clock skew ---- */

static void test_future_report_does_not_pin_the_machine(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	struct store_put_result res;
	char hw[37];

	hw_of(1, hw);
	/* a clock ten years ahead */
	rep(f, &r, hw, T0 + 3650LL * DAY, OS_WIN7, 2, 0);
	put_at(f, f->org[0], &r, T0);
	assert_int_equal(db_int(f->db, "SELECT order_ts FROM machines"), T0 + STORE_SKEW_TOLERANCE);
	assert_int_equal(db_int(f->db, "SELECT last_seen FROM machines"), T0);
	/* the clock fixed: the next day's report is the newest */
	rep(f, &r, hw, T0 + DAY, OS_DEBIAN12, 2, 0);
	res = put_at(f, f->org[0], &r, T0 + DAY + 5);
	assert_false(res.stale);
	assert_int_equal(
	    db_int(f->db, "SELECT count(*) FROM machines WHERE os_product = 'Debian 12'"), 1);
	/* a report from a clock in the past is older, as before */
	rep(f, &r, hw, T0 - 3650LL * DAY, OS_XP, 2, 0);
	res = put_at(f, f->org[0], &r, T0 + DAY + 10);
	assert_true(res.stale);
	assert_int_equal(db_int(f->db, "SELECT last_seen FROM machines"), T0 + DAY + 5);
	/* within the tolerance the agent's time orders the reports */
	store_set_clock_skew(f->s, 0);
	rep(f, &r, hw, T0 + 2 * DAY + 100, OS_WIN7, 2, 0);
	put_at(f, f->org[0], &r, T0 + 2 * DAY);
	assert_int_equal(db_int(f->db, "SELECT order_ts FROM machines"), T0 + 2 * DAY);
}

/* ---- class_counts against a recount ---- */

/* Fails unless class_counts holds exactly the recount of the machines
 * table, with no empty rows. */
static void check_counts(struct fixture *f)
{
	static const char recount[] =
	    "SELECT org_id, os_family, os_product, os_edition, os_release, arch,"
	    " last_seen / 86400, count(*) FROM machines GROUP BY 1, 2, 3, 4, 5, 6, 7";
	static const char agg[] = "SELECT org_id, os_family, os_product, os_edition, os_release,"
	                          " arch, day, machines FROM class_counts";
	char sql[1024];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s EXCEPT %s)", recount, agg);
	assert_int_equal(db_int(f->db, sql), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s EXCEPT %s)", agg, recount);
	assert_int_equal(db_int(f->db, sql), 0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM class_counts WHERE machines <= 0"), 0);
}

struct text {
	char s[8192];
};

static enum fc_rc groups_cb(const struct store_class_group *g, void *ctx)
{
	struct text *t = ctx;
	size_t n = strlen(t->s);

	snprintf(t->s + n, sizeof(t->s) - n, "%s|%s|%s|%s|%s|%s|%lld;", g->org, g->os_family,
	         g->os_product, g->os_edition, g->os_release, g->arch, (long long)g->machines);
	return FC_OK;
}

/* The same groups counted straight from the machines table. */
static void recount_groups(struct fixture *f, int64_t org, int64_t since, struct text *t)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t n;
	int i;

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db,
	                       "SELECT o.name, m.os_family, m.os_product, m.os_edition,"
	                       " m.os_release, m.arch, count(*) FROM machines m JOIN"
	                       " organisations o ON o.id = m.org_id WHERE (?1 = 0 OR m.org_id = ?1)"
	                       " AND m.last_seen >= ?2 GROUP BY 1, 2, 3, 4, 5, 6"
	                       " ORDER BY 1, 2, 3, 4, 5, 6",
	                       -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int64(st, 2, since);
	t->s[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = strlen(t->s);
		for (i = 0; i < 6; i++) {
			snprintf(t->s + n, sizeof(t->s) - n, "%s|", sqlite3_column_text(st, i));
			n = strlen(t->s);
		}
		snprintf(t->s + n - 1, sizeof(t->s) - n + 1, "|%lld;",
		         (long long)sqlite3_column_int64(st, 6));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void check_groups(struct fixture *f, int64_t now)
{
	const int64_t sinces[] = {
	    0,          now - 30 * DAY, now - 2 * DAY, now - 2 * DAY + 4000, (now / DAY) * DAY,
	    now - 3600, now + DAY};
	struct text a, b;
	char err[FC_ERRLEN];
	size_t i, k;

	for (i = 0; i < sizeof(sinces) / sizeof(sinces[0]); i++) {
		for (k = 0; k < 2; k++) {
			int64_t org = k ? f->org[0] : 0;

			memset(&a, 0, sizeof(a));
			assert_int_equal(
			    store_class_groups(f->s, org, sinces[i], groups_cb, &a, err), FC_OK);
			recount_groups(f, org, sinces[i], &b);
			assert_string_equal(a.s, b.s);
		}
	}
}

static unsigned rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

static void test_class_counts_equal_recount(void **state)
{
	static const char *const oses[] = {OS_DEBIAN12, OS_WIN7, OS_XP};
	struct fixture *f = *state;
	struct ingest_report r;
	struct store_put_result res;
	char hw[37], err[FC_ERRLEN] = "";
	int64_t now = T0, changed, deleted, org3;
	unsigned seed = 42, op;
	int i, m;

	org3 = f->org[2];
	for (i = 0; i < 600; i++) {
		op = rnd(&seed) % 100;
		m = (int)(rnd(&seed) % 40);
		hw_of(m, hw);
		now += (int64_t)(rnd(&seed) % 20000); /* reports over some 70 days */
		if (op < 55) { /* a full report: new machine, same or another class */
			rep(f, &r, hw, now - 30, oses[rnd(&seed) % 3], 3, (int)(rnd(&seed) % 2));
			put_at(f, f->org[m % 3], &r, now);
		} else if (op < 70) { /* a short report, matching or not */
			rep(f, &r, hw, now - 30, oses[m % 3], 3, (int)(rnd(&seed) % 2));
			make_short(&r);
			put_at(f, f->org[m % 3], &r, now);
		} else if (op < 80) { /* a stale report (older than the newest) */
			rep(f, &r, hw, now - 200 * DAY, oses[rnd(&seed) % 3], 3, 0);
			res = put_at(f, f->org[m % 3], &r, now);
			(void)res;
		} else if (op < 85) { /* a future clock */
			rep(f, &r, hw, now + 400 * DAY, oses[rnd(&seed) % 3], 3, 0);
			put_at(f, f->org[m % 3], &r, now);
		} else if (op < 90) { /* a classifier change: reclassify */
			db_run(f->db, "UPDATE machines SET os_product = 'old', os_edition = 'x'"
			              " WHERE id % 3 = 0");
			check_counts(f);
			assert_int_equal(store_reclassify(f->s, &changed, err), FC_OK);
		} else if (op < 93) { /* prune report records */
			assert_int_equal(store_prune_reports(f->s, now - 10 * DAY, &deleted, err),
			                 FC_OK);
		} else if (op < 96) { /* an organisation removed with its machines */
			if (org3) {
				assert_int_equal(
				    store_org_remove(f->s, "Gemeente Bunnik", true, err), FC_OK);
				org3 = 0;
				f->org[2] = f->org[1]; /* until it is back */
			} else {
				assert_int_equal(store_org_add(f->s, "Gemeente Bunnik", &org3, err),
				                 FC_OK);
				f->org[2] = org3;
			}
		} else { /* a daily snapshot (reads class_counts) */
			bool taken;

			assert_int_equal(
			    store_snapshot(f->s, "2026-01-01", now - 30 * DAY, true, &taken, err),
			    FC_OK);
		}
		if (i % 25 == 24) {
			check_counts(f);
			check_groups(f, now);
		}
	}
	check_counts(f);
	check_groups(f, now);
	assert_true(db_int(f->db, "SELECT count(*) FROM machines") > 10);
	assert_true(db_int(f->db, "SELECT count(DISTINCT day) FROM class_counts") > 3);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM pragma_integrity_check()"
	                               " WHERE integrity_check <> 'ok'"),
	                 0);
}

/* A machine last seen exactly at midnight is counted once, whether the
 * window starts just before it, at it or just after it. */
static void test_window_edges(void **state)
{
	struct fixture *f = *state;
	const int64_t mid = (T0 / DAY + 1) * DAY;
	struct ingest_report r;
	char hw[37];
	int64_t d;

	rep(f, &r, hw_of(1, hw), mid, OS_XP, 1, 0);
	put_at(f, f->org[0], &r, mid);
	rep(f, &r, hw_of(2, hw), mid, OS_XP, 1, 0);
	put_at(f, f->org[0], &r, mid - 1);
	rep(f, &r, hw_of(3, hw), mid, OS_XP, 1, 0);
	put_at(f, f->org[0], &r, mid + 1);
	for (d = -2; d <= 2; d++)
		check_groups(f, mid + d + 30 * DAY);
	for (d = -2; d <= 2; d++)
		check_groups(f, mid + d + 2 * DAY);
	for (d = -2; d <= 2; d++)
		check_groups(f, mid + d + 3600);
}

/* The snapshot counted from class_counts equals one counted from machines. */
static void test_snapshot_equals_recount(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	char hw[37], err[FC_ERRLEN] = "";
	bool taken;
	int i;

	for (i = 0; i < 30; i++) {
		rep(f, &r, hw_of(i, hw), T0, i % 2 ? OS_WIN7 : OS_XP, 1, 0);
		put_at(f, f->org[i % 2], &r, T0 - (int64_t)i * DAY / 2);
	}
	assert_int_equal(store_snapshot(f->s, "2025-11-30", T0 - 5 * DAY - 100, true, &taken, err),
	                 FC_OK);
	assert_true(taken);
	assert_int_equal(db_int(f->db, "SELECT sum(machines) FROM snapshots"),
	                 db_int(f->db, "SELECT count(*) FROM machines WHERE last_seen >= " /**/
	                               "1764452990 - 5 * 86400 - 100"));
	assert_int_equal(db_int(f->db,
	                        "SELECT count(*) FROM (SELECT org_id, os_product, os_edition,"
	                        " count(*) FROM machines WHERE last_seen >= 1764452990 - 432100"
	                        " GROUP BY 1, 2, 3 EXCEPT SELECT org_id, os_product,"
	                        " os_edition, machines FROM snapshots)"),
	                 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_short_report_accepted_when_digest_matches, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_short_report_refused_otherwise, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_short_report_retry_is_duplicate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_digests, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_takes_the_day_snapshot_once, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_batch_one_bad_report_does_not_fail_the_others,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_future_report_does_not_pin_the_machine, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_class_counts_equal_recount, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_window_edges, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_equals_recount, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
