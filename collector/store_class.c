/* store_class.c - the store's side of classification and reports: the
 * classification columns of machines (set at ingest, recomputed by
 * store_reclassify), grouped counts for the counting reports and software
 * counts. Prepared statements only; no SQL is composed. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "xalloc.h"

void store_classify(const char *os_json, struct os_class *c)
{
	char err[FC_ERRLEN] = "";

	if (classify_os_json(os_json ? os_json : "", c, err) != FC_OK) {
		c->flagged = true;
		snprintf(c->flag_reason, sizeof(c->flag_reason), "unreadable facts: %s", err);
	}
}

int store_bind_class(sqlite3_stmt *st, int first, const struct os_class *c)
{
	const char *t[] = {c->os_family,  c->os_id,           c->os_product,
	                   c->os_edition, c->os_version,      c->os_build,
	                   c->os_release, c->os_service_pack, c->arch};
	size_t i;
	int src = SQLITE_OK;

	for (i = 0; src == SQLITE_OK && i < sizeof(t) / sizeof(t[0]); i++)
		src = sqlite3_bind_text(st, first + (int)i, t[i], -1, SQLITE_TRANSIENT);
	if (src == SQLITE_OK)
		src = sqlite3_bind_int(st, first + 9, c->flagged ? 1 : 0);
	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, first + 10, c->flagged ? c->flag_reason : "", -1,
		                        SQLITE_TRANSIENT);
	return src;
}

/* True when the stored columns (from column first of st on) differ from c. */
static bool class_differs(sqlite3_stmt *st, int first, const struct os_class *c)
{
	const char *t[] = {c->os_family,  c->os_id,           c->os_product,
	                   c->os_edition, c->os_version,      c->os_build,
	                   c->os_release, c->os_service_pack, c->arch};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(store_col(st, first + (int)i), t[i]))
			return true;
	if ((sqlite3_column_int(st, first + 9) != 0) != c->flagged)
		return true;
	return strcmp(store_col(st, first + 10), c->flagged ? c->flag_reason : "") != 0;
}

/* Row (id, os_json, classification) of a machine: stores the machine's
 * classification when it differs. */
static enum fc_rc reclassify_row(sqlite3_stmt *st, void *ctx)
{
	const struct store_fix *r = ctx;
	struct os_class c;
	enum fc_rc rc;

	store_classify(store_col(st, 1), &c);
	if (!class_differs(st, 2, &c))
		return FC_OK;
	rc = store_exec(r->s, ST_CLASS_SET,
	                "UPDATE machines SET os_family = ?2, os_id = ?3, os_product = ?4,"
	                " os_edition = ?5, os_version = ?6, os_build = ?7, os_release = ?8,"
	                " os_service_pack = ?9, arch = ?10, class_flagged = ?11,"
	                " class_reason = ?12 WHERE id = ?1",
	                STORE_ARGS(STORE_INT(sqlite3_column_int64(st, 0)), STORE_CLASS(&c)), NULL,
	                NULL, "storing a classification", r->err);
	if (!rc)
		(*r->changed)++;
	return rc;
}

enum fc_rc store_reclassify_tx(struct store *s, int64_t *changed, char *err)
{
	struct store_fix r = {s, changed, err};
	int64_t ready = 0;
	enum fc_rc rc;

	*changed = 0;
	rc = store_exec(s, ST_CLASS_EACH,
	                "SELECT id, os_json, " STORE_CLASS_COLS " FROM machines ORDER BY id",
	                STORE_NOARGS, reclassify_row, &r, "reclassifying machines", err);
	if (!rc)
		rc = store_ready_reclassify_tx(s, &ready, err);
	*changed += ready;
	return rc;
}

enum fc_rc store_reclassify(struct store *s, int64_t *changed, char *err)
{
	enum fc_rc rc;

	*changed = 0;
	if (err)
		err[0] = '\0';
	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = store_reclassify_tx(s, changed, err);
	rc = store_end(s, rc, err);
	if (rc)
		*changed = 0;
	return rc;
}

int64_t store_first_full_day(int64_t since)
{
	return since > 0 ? (since + STORE_DAY - 1) / STORE_DAY : 0;
}

/* The caller's callback of the listings below. */
struct each {
	store_sw_cb sw;
	store_trend_cb trend;
	void *ctx;
};

enum fc_rc store_group_row(sqlite3_stmt *st, void *ctx)
{
	const struct store_groups *e = ctx;
	struct store_class_group g;
	int n = sqlite3_column_count(st) - 1;

	g.org = store_col(st, 0);
	g.os_family = store_col(st, 1);
	g.os_product = store_col(st, 2);
	g.os_edition = store_col(st, 3);
	g.os_release = store_col(st, 4);
	g.arch = store_col(st, 5);
	g.win11 = g.esu_eligible = g.bios_year = "";
	if (n == 9) {
		g.win11 = store_col(st, 6);
		g.esu_eligible = store_col(st, 7);
		g.bios_year = store_col(st, 8);
	}
	g.machines = sqlite3_column_int64(st, n);
	return e->cb(&g, e->ctx);
}

enum fc_rc store_class_groups(struct store *s, int64_t org_id, int64_t since, store_class_cb cb,
                              void *ctx, char *err)
{
	struct store_groups e = {cb, ctx};

	return store_exec(
	    s, ST_CLASS_GROUPS,
	    "SELECT o.name, c.os_family, c.os_product, c.os_edition, c.os_release,"
	    " c.arch, sum(c.n) FROM (" STORE_COUNTED ") c JOIN organisations o ON o.id = c.org_id"
	    " GROUP BY o.name, c.os_family, c.os_product, c.os_edition, c.os_release,"
	    " c.arch ORDER BY 1, 2, 3, 4, 5, 6",
	    STORE_ARGS(STORE_INT(org_id), STORE_INT(since), STORE_INT(store_first_full_day(since))),
	    store_group_row, &e, "counting machines", err);
}

char *store_like_pattern(const char *pat)
{
	char *out = xmalloc(strlen(pat) * 2 + 1), *o = out;

	for (; *pat; pat++) {
		if (*pat == '*') {
			*o++ = '%';
		} else if (*pat == '?') {
			*o++ = '_';
		} else {
			if (*pat == '%' || *pat == '_' || *pat == '\\')
				*o++ = '\\';
			*o++ = *pat;
		}
	}
	*o = '\0';
	return out;
}

static enum fc_rc sw_row(sqlite3_stmt *st, void *ctx)
{
	const struct each *e = ctx;
	struct store_sw_count c;

	c.org = store_col(st, 0);
	c.name = store_col(st, 1);
	c.version = store_col(st, 2);
	c.machines = sqlite3_column_int64(st, 3);
	return e->sw(&c, e->ctx);
}

enum fc_rc store_software_counts(struct store *s, int64_t org_id, int64_t since,
                                 const char *name_pattern, const char *version_pattern,
                                 store_sw_cb cb, void *ctx, char *err)
{
	char *name_like = store_like_pattern(name_pattern);
	char *version_like = version_pattern ? store_like_pattern(version_pattern) : NULL;
	struct each e = {cb, NULL, ctx};
	enum fc_rc rc;

	rc = store_exec(s, ST_SW_COUNTS,
	                "SELECT o.name, i.name, i.version, count(DISTINCT m.id)"
	                " FROM machines m JOIN organisations o ON o.id = m.org_id"
	                " JOIN software_items i ON i.list_id = m.software_list_id"
	                " WHERE (?1 = 0 OR m.org_id = ?1) AND m.last_seen >= ?2"
	                " AND i.name LIKE ?3 ESCAPE '\\'"
	                " AND (?4 IS NULL OR i.version LIKE ?4 ESCAPE '\\')"
	                " GROUP BY o.name, i.name, i.version ORDER BY 1, 2, 3",
	                STORE_ARGS(STORE_INT(org_id), STORE_INT(since), STORE_TEXT(name_like),
	                           STORE_TEXT(version_like)),
	                sw_row, &e, "counting software", err);
	free(name_like);
	free(version_like);
	return rc;
}

/* ---- daily snapshots ---- */

enum fc_rc store_snapshot_tx(struct store *s, const char *date, int64_t since, bool force,
                             bool *taken, char *err)
{
	struct store_int done = {0, false};
	enum fc_rc rc;

	*taken = false;
	rc = store_exec(
	    s, ST_SNAP_DONE, "SELECT 1 FROM meta WHERE key = 'snapshot_date' AND value >= ?1",
	    STORE_ARGS(STORE_TEXT(date)), store_row_int, &done, "checking the daily snapshot", err);
	if (rc || (done.found && !force))
		return rc;
	rc = store_exec(s, ST_SNAP_CLEAR, "DELETE FROM snapshots WHERE date = ?1",
	                STORE_ARGS(STORE_TEXT(date)), NULL, NULL, "taking the daily snapshot", err);
	if (!rc)
		rc = store_exec(
		    s, ST_SNAP_TAKE,
		    "INSERT OR REPLACE INTO snapshots(date, org_id, os_product, os_edition,"
		    " machines) SELECT ?1, c.org_id, c.os_product, c.os_edition, sum(c.n)"
		    " FROM (" STORE_COUNTED_ALL ") c GROUP BY c.org_id, c.os_product, c.os_edition",
		    STORE_ARGS(STORE_TEXT(date), STORE_INT(since),
		               STORE_INT(store_first_full_day(since))),
		    NULL, NULL, "taking the daily snapshot", err);
	if (!rc)
		rc = store_exec(
		    s, ST_SNAP_MARK,
		    "INSERT OR REPLACE INTO meta(key, value) VALUES ('snapshot_date', ?1)",
		    STORE_ARGS(STORE_TEXT(date)), NULL, NULL, "taking the daily snapshot", err);
	if (!rc)
		*taken = true;
	return rc;
}

enum fc_rc store_snapshot(struct store *s, const char *date, int64_t since, bool force, bool *taken,
                          char *err)
{
	enum fc_rc rc;

	*taken = false;
	if (err)
		err[0] = '\0';
	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = store_snapshot_tx(s, date, since, force, taken, err);
	rc = store_end(s, rc, err);
	if (rc)
		*taken = false;
	return rc;
}

static enum fc_rc trend_row(sqlite3_stmt *st, void *ctx)
{
	const struct each *e = ctx;
	struct store_trend_row t;

	t.date = store_col(st, 0);
	t.org = store_col(st, 1);
	t.machines = sqlite3_column_int64(st, 2);
	return e->trend(&t, e->ctx);
}

enum fc_rc store_trend_each(struct store *s, int64_t org_id, const char *product, const char *from,
                            const char *to, store_trend_cb cb, void *ctx, char *err)
{
	struct each e = {NULL, cb, ctx};

	return store_exec(
	    s, ST_TREND,
	    "SELECT s.date, o.name, sum(s.machines) FROM snapshots s"
	    " JOIN organisations o ON o.id = s.org_id"
	    " WHERE s.os_product = ?1 AND (?2 = '' OR s.date >= ?2)"
	    " AND (?3 = '' OR s.date <= ?3) AND (?4 = 0 OR s.org_id = ?4)"
	    " GROUP BY s.date, o.name ORDER BY 1, 2",
	    STORE_ARGS(STORE_TEXT(product), STORE_TEXT(from), STORE_TEXT(to), STORE_INT(org_id)),
	    trend_row, &e, "reading snapshots", err);
}
