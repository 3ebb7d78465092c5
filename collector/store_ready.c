/* store_ready.c - the store's side of readiness (docs/readiness.md): each
 * machine's facts (hw_json) and verdicts (readiness.h), set at ingest and
 * recomputed by store_reclassify; the grouped counts by verdict
 * (ready_counts) or BIOS year (the machines_seen index) and the machines of
 * the readiness report. Prepared
 * statements only; no SQL is composed. */
#include "store.h"

#include <stdio.h>
#include <string.h>

#include "readiness.h"
#include "store_int.h"

/* The verdict columns, in this order. */
#define READY_COLS                                                                                 \
	"win11, win11_reasons, esu_eligible, esu_licensed, cpu, chassis, bios_date, bios_year"
#define READY_NCOLS 8

/* The verdict's columns as strings, in READY_COLS order. */
static void verdict_cols(const struct ready_verdict *v, const char *t[READY_NCOLS])
{
	t[0] = v->win11;
	t[1] = v->win11_reasons;
	t[2] = v->esu_eligible;
	t[3] = v->esu_licensed;
	t[4] = v->cpu;
	t[5] = v->chassis;
	t[6] = v->bios_date;
	t[7] = v->bios_year;
}

static void verdict_of(const struct os_class *cls, const char *hw_json, struct ready_verdict *v)
{
	struct ready_facts f;

	ready_facts_from_json(hw_json, &f);
	ready_classify(cls, &f, v);
}

enum fc_rc store_ready_put(struct store *s, int64_t id, const struct os_class *cls,
                           const char *hw_json, char *err)
{
	struct ready_verdict v;
	const char *t[READY_NCOLS];

	if (!hw_json || !hw_json[0])
		hw_json = "{}";
	verdict_of(cls, hw_json, &v);
	verdict_cols(&v, t);
	return store_exec(s, ST_READY_SET,
	                  "UPDATE machines SET hw_json = ?2, win11 = ?3, win11_reasons = ?4,"
	                  " esu_eligible = ?5, esu_licensed = ?6, cpu = ?7, chassis = ?8,"
	                  " bios_date = ?9, bios_year = ?10 WHERE id = ?1",
	                  STORE_ARGS(STORE_INT(id), STORE_TEXT(hw_json), STORE_TEXT(t[0]),
	                             STORE_TEXT(t[1]), STORE_TEXT(t[2]), STORE_TEXT(t[3]),
	                             STORE_TEXT(t[4]), STORE_TEXT(t[5]), STORE_TEXT(t[6]),
	                             STORE_TEXT(t[7])),
	                  NULL, NULL, "storing a readiness verdict", err);
}

/* Row (id, os_family, os_product, os_edition, os_build, os_release, arch,
 * hw_json, the verdict columns): stores the verdict when it differs. */
static enum fc_rc fix_row(sqlite3_stmt *st, void *ctx)
{
	const struct store_fix *r = ctx;
	struct os_class cls;
	struct ready_verdict v;
	const char *t[READY_NCOLS];
	size_t i;
	enum fc_rc rc;

	memset(&cls, 0, sizeof(cls));
	(void)store_col_copy(st, 1, cls.os_family, sizeof(cls.os_family)); /* stored from it */
	(void)store_col_copy(st, 2, cls.os_product, sizeof(cls.os_product));
	(void)store_col_copy(st, 3, cls.os_edition, sizeof(cls.os_edition));
	(void)store_col_copy(st, 4, cls.os_build, sizeof(cls.os_build));
	(void)store_col_copy(st, 5, cls.os_release, sizeof(cls.os_release));
	(void)store_col_copy(st, 6, cls.arch, sizeof(cls.arch));
	verdict_of(&cls, store_col(st, 7), &v);
	verdict_cols(&v, t);
	for (i = 0; i < READY_NCOLS; i++)
		if (strcmp(store_col(st, 8 + (int)i), t[i]))
			break;
	if (i == READY_NCOLS)
		return FC_OK;
	rc = store_exec(r->s, ST_READY_FIX,
	                "UPDATE machines SET win11 = ?2, win11_reasons = ?3, esu_eligible = ?4,"
	                " esu_licensed = ?5, cpu = ?6, chassis = ?7, bios_date = ?8,"
	                " bios_year = ?9 WHERE id = ?1",
	                STORE_ARGS(STORE_INT(sqlite3_column_int64(st, 0)), STORE_TEXT(t[0]),
	                           STORE_TEXT(t[1]), STORE_TEXT(t[2]), STORE_TEXT(t[3]),
	                           STORE_TEXT(t[4]), STORE_TEXT(t[5]), STORE_TEXT(t[6]),
	                           STORE_TEXT(t[7])),
	                NULL, NULL, "storing a readiness verdict", r->err);
	if (!rc)
		(*r->changed)++;
	return rc;
}

enum fc_rc store_ready_reclassify_tx(struct store *s, int64_t *changed, char *err)
{
	struct store_fix r = {s, changed, err};

	*changed = 0;
	return store_exec(s, ST_READY_EACH,
	                  "SELECT id, os_family, os_product, os_edition, os_build, os_release,"
	                  " arch, hw_json, " READY_COLS " FROM machines ORDER BY id",
	                  STORE_NOARGS, fix_row, &r, "reclassifying readiness", err);
}

/* ---- reading ---- */

struct ready_each {
	store_ready_cb machine;
	void *ctx;
};

/* Machines of ?1 (0: all) last seen at or after ?2, ?3 the first whole
 * day (store_first_full_day): ready_counts for the whole days, the
 * machines (the machines_seen index) for the part before. */
#define READY_COUNTED_COLS                                                                         \
	"org_id, os_family, os_product, os_edition, os_release, arch, win11, esu_eligible"
#define READY_COUNTED                                                                              \
	"SELECT " READY_COUNTED_COLS ", machines AS n FROM ready_counts WHERE day >= ?3"           \
	" AND (?1 = 0 OR org_id = ?1) UNION ALL SELECT " READY_COUNTED_COLS ", 1 FROM machines"    \
	" WHERE last_seen >= ?2 AND last_seen < ?3 * 86400 AND (?1 = 0 OR org_id = ?1)"

enum fc_rc store_ready_groups(struct store *s, int64_t org_id, int64_t since, bool by_year,
                              store_class_cb cb, void *ctx, char *err)
{
	struct store_groups e = {cb, ctx};

	if (by_year)
		return store_exec(
		    s, ST_READY_YEARS,
		    "SELECT o.name, m.os_family, m.os_product, m.os_edition, m.os_release, m.arch,"
		    " m.win11, m.esu_eligible, m.bios_year, count(*) FROM machines m"
		    " JOIN organisations o ON o.id = m.org_id"
		    " WHERE m.last_seen >= ?2 AND (?1 = 0 OR m.org_id = ?1)"
		    " GROUP BY o.name, m.os_family, m.os_product, m.os_edition, m.os_release, "
		    "m.arch,"
		    " m.win11, m.esu_eligible, m.bios_year ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9",
		    STORE_ARGS(STORE_INT(org_id), STORE_INT(since)), store_group_row, &e,
		    "counting machines by BIOS year", err);
	return store_exec(
	    s, ST_READY_GROUPS,
	    "SELECT o.name, c.os_family, c.os_product, c.os_edition, c.os_release, c.arch,"
	    " c.win11, c.esu_eligible, '', sum(c.n) FROM (" READY_COUNTED ") c"
	    " JOIN organisations o ON o.id = c.org_id GROUP BY o.name, c.os_family,"
	    " c.os_product, c.os_edition, c.os_release, c.arch, c.win11, c.esu_eligible"
	    " ORDER BY 1, 2, 3, 4, 5, 6, 7, 8",
	    STORE_ARGS(STORE_INT(org_id), STORE_INT(since), STORE_INT(store_first_full_day(since))),
	    store_group_row, &e, "counting machines by readiness", err);
}

static enum fc_rc machine_row(sqlite3_stmt *st, void *ctx)
{
	const struct ready_each *e = ctx;
	struct store_ready_machine m;

	m.org = store_col(st, 0);
	m.machine = store_col(st, 1);
	m.hostname = store_col(st, 2);
	m.last_seen = sqlite3_column_int64(st, 3);
	m.os_product = store_col(st, 4);
	m.os_edition = store_col(st, 5);
	m.os_release = store_col(st, 6);
	m.win11 = store_col(st, 7);
	m.win11_reasons = store_col(st, 8);
	m.esu_eligible = store_col(st, 9);
	m.esu_licensed = store_col(st, 10);
	m.cpu = store_col(st, 11);
	m.chassis = store_col(st, 12);
	m.bios_date = store_col(st, 13);
	return e->machine(&m, e->ctx);
}

enum fc_rc store_ready_each(struct store *s, int64_t org_id, store_ready_cb cb, void *ctx,
                            char *err)
{
	struct ready_each e = {cb, ctx};

	return store_exec(s, ST_READY_MACHINES,
	                  "SELECT o.name, m.public_id, m.hostname, m.last_seen, m.os_product,"
	                  " m.os_edition, m.os_release, m.win11, m.win11_reasons, m.esu_eligible,"
	                  " m.esu_licensed, m.cpu, m.chassis, m.bios_date"
	                  " FROM machines m JOIN organisations o ON o.id = m.org_id"
	                  " WHERE ?1 = 0 OR m.org_id = ?1"
	                  " ORDER BY o.name, m.hostname, m.public_id",
	                  STORE_ARGS(STORE_INT(org_id)), machine_row, &e,
	                  "listing machines' readiness", err);
}
