/* store_class.c - the store's side of classification and reports: the
 * classification columns of machines (set at ingest, recomputed by
 * store_reclassify), grouped counts for the counting reports and software
 * counts. Prepared statements only; no SQL is composed. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
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

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

/* True when the stored columns (from column first of st on) differ from c. */
static bool class_differs(sqlite3_stmt *st, int first, const struct os_class *c)
{
	const char *t[] = {c->os_family,  c->os_id,           c->os_product,
	                   c->os_edition, c->os_version,      c->os_build,
	                   c->os_release, c->os_service_pack, c->arch};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(col(st, first + (int)i), t[i]))
			return true;
	if ((sqlite3_column_int(st, first + 9) != 0) != c->flagged)
		return true;
	return strcmp(col(st, first + 10), c->flagged ? c->flag_reason : "") != 0;
}

static enum fc_rc class_set(struct store *s, int64_t id, const struct os_class *c, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	rc = store_stmt(s, ST_CLASS_SET,
	                "UPDATE machines SET os_family = ?2, os_id = ?3, os_product = ?4,"
	                " os_edition = ?5, os_version = ?6, os_build = ?7, os_release = ?8,"
	                " os_service_pack = ?9, arch = ?10, class_flagged = ?11,"
	                " class_reason = ?12 WHERE id = ?1",
	                &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_int64(st, 1, id);
	if (src == SQLITE_OK)
		src = store_bind_class(st, 2, c);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src != SQLITE_DONE)
		rc = store_dbfail(s, src, "storing a classification", err);
	store_stmt_done(st);
	return rc;
}

enum fc_rc store_reclassify_tx(struct store *s, int64_t *changed, char *err)
{
	struct os_class c;
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src = SQLITE_DONE;

	*changed = 0;
	rc = store_stmt(s, ST_CLASS_EACH,
	                "SELECT id, os_json, " STORE_CLASS_COLS " FROM machines ORDER BY id", &st,
	                err);
	if (rc)
		return rc;
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		store_classify(col(st, 1), &c);
		if (!class_differs(st, 2, &c))
			continue;
		rc = class_set(s, sqlite3_column_int64(st, 0), &c, err);
		if (!rc)
			(*changed)++;
	}
	if (!rc && src != SQLITE_DONE)
		rc = store_dbfail(s, src, "reclassifying machines", err);
	store_stmt_done(st);
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
	if (!rc)
		rc = store_commit(s, err);
	if (rc) {
		store_rollback(s);
		*changed = 0;
	}
	return rc;
}

int64_t store_first_full_day(int64_t since)
{
	return since > 0 ? (since + STORE_DAY - 1) / STORE_DAY : 0;
}

enum fc_rc store_class_groups(struct store *s, int64_t org_id, int64_t since, store_class_cb cb,
                              void *ctx, char *err)
{
	struct store_class_group g;
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src = SQLITE_DONE;

	rc = store_stmt(s, ST_CLASS_GROUPS,
	                "SELECT o.name, c.os_family, c.os_product, c.os_edition, c.os_release,"
	                " c.arch, sum(c.n) FROM (" STORE_COUNTED
	                ") c JOIN organisations o ON o.id = c.org_id"
	                " GROUP BY o.name, c.os_family, c.os_product, c.os_edition, c.os_release,"
	                " c.arch ORDER BY 1, 2, 3, 4, 5, 6",
	                &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_int64(st, 1, org_id);
	if (src == SQLITE_OK)
		src = sqlite3_bind_int64(st, 2, since);
	if (src == SQLITE_OK)
		src = sqlite3_bind_int64(st, 3, store_first_full_day(since));
	if (src != SQLITE_OK) {
		rc = store_dbfail(s, src, "counting machines", err);
		store_stmt_done(st);
		return rc;
	}
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		g.org = col(st, 0);
		g.os_family = col(st, 1);
		g.os_product = col(st, 2);
		g.os_edition = col(st, 3);
		g.os_release = col(st, 4);
		g.arch = col(st, 5);
		g.machines = sqlite3_column_int64(st, 6);
		rc = cb(&g, ctx);
	}
	if (!rc && src != SQLITE_DONE)
		rc = store_dbfail(s, src, "counting machines", err);
	store_stmt_done(st);
	return rc;
}

/* The LIKE pattern (ESCAPE '\') of a '*' '?' pattern; the caller frees it. */
static char *like_pattern(const char *pat)
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

/* Binds the software count query's parameters. */
static int sw_bind(sqlite3_stmt *st, int64_t org_id, int64_t since, const char *name_like,
                   const char *version_like)
{
	int src = sqlite3_bind_int64(st, 1, org_id);

	if (src == SQLITE_OK)
		src = sqlite3_bind_int64(st, 2, since);
	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, 3, name_like, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = version_like ? sqlite3_bind_text(st, 4, version_like, -1, SQLITE_STATIC)
		                   : sqlite3_bind_null(st, 4);
	return src;
}

enum fc_rc store_software_counts(struct store *s, int64_t org_id, int64_t since,
                                 const char *name_pattern, const char *version_pattern,
                                 store_sw_cb cb, void *ctx, char *err)
{
	char *name_like = like_pattern(name_pattern);
	char *version_like = version_pattern ? like_pattern(version_pattern) : NULL;
	struct store_sw_count c;
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src = SQLITE_DONE;

	rc = store_stmt(s, ST_SW_COUNTS,
	                "SELECT o.name, i.name, i.version, count(DISTINCT m.id)"
	                " FROM machines m JOIN organisations o ON o.id = m.org_id"
	                " JOIN software_items i ON i.list_id = m.software_list_id"
	                " WHERE (?1 = 0 OR m.org_id = ?1) AND m.last_seen >= ?2"
	                " AND i.name LIKE ?3 ESCAPE '\\'"
	                " AND (?4 IS NULL OR i.version LIKE ?4 ESCAPE '\\')"
	                " GROUP BY o.name, i.name, i.version ORDER BY 1, 2, 3",
	                &st, err);
	if (rc)
		goto out_free;
	src = sw_bind(st, org_id, since, name_like, version_like);
	if (src != SQLITE_OK)
		rc = store_dbfail(s, src, "counting software", err);
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		c.org = col(st, 0);
		c.name = col(st, 1);
		c.version = col(st, 2);
		c.machines = sqlite3_column_int64(st, 3);
		rc = cb(&c, ctx);
	}
	if (!rc && src != SQLITE_DONE)
		rc = store_dbfail(s, src, "counting software", err);
	store_stmt_done(st);
out_free:
	free(name_like);
	free(version_like);
	return rc;
}

/* ---- daily snapshots ---- */

static enum fc_rc snap_done(struct store *s, const char *date, bool *done, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	*done = false;
	rc = store_stmt(s, ST_SNAP_DONE,
	                "SELECT 1 FROM meta WHERE key = 'snapshot_date' AND value >= ?1", &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*done = true;
	else if (src != SQLITE_DONE)
		rc = store_dbfail(s, src, "checking the daily snapshot", err);
	store_stmt_done(st);
	return rc;
}

/* Runs the statement of slot id with ?1 = date and ?2 = since. */
static enum fc_rc snap_exec(struct store *s, enum store_stmt id, const char *sql, const char *date,
                            int64_t since, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	rc = store_stmt(s, id, sql, &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	if (src == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 2)
		src = sqlite3_bind_int64(st, 2, since);
	if (src == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 3)
		src = sqlite3_bind_int64(st, 3, store_first_full_day(since));
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src != SQLITE_DONE)
		rc = store_dbfail(s, src, "taking the daily snapshot", err);
	store_stmt_done(st);
	return rc;
}

enum fc_rc store_snapshot_tx(struct store *s, const char *date, int64_t since, bool force,
                             bool *taken, char *err)
{
	bool done = false;
	enum fc_rc rc;

	*taken = false;
	rc = snap_done(s, date, &done, err);
	if (rc || (done && !force))
		return rc;
	rc = snap_exec(s, ST_SNAP_CLEAR, "DELETE FROM snapshots WHERE date = ?1", date, 0, err);
	if (!rc)
		rc = snap_exec(
		    s, ST_SNAP_TAKE,
		    "INSERT OR REPLACE INTO snapshots(date, org_id, os_product, os_edition,"
		    " machines) SELECT ?1, c.org_id, c.os_product, c.os_edition, sum(c.n)"
		    " FROM (" STORE_COUNTED_ALL ") c GROUP BY c.org_id, c.os_product, c.os_edition",
		    date, since, err);
	if (!rc)
		rc = snap_exec(
		    s, ST_SNAP_MARK,
		    "INSERT OR REPLACE INTO meta(key, value) VALUES ('snapshot_date', ?1)", date, 0,
		    err);
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
	if (!rc)
		rc = store_commit(s, err);
	if (rc) {
		store_rollback(s);
		*taken = false;
	}
	return rc;
}

enum fc_rc store_trend_each(struct store *s, int64_t org_id, const char *product, const char *from,
                            const char *to, store_trend_cb cb, void *ctx, char *err)
{
	struct store_trend_row t;
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	rc = store_stmt(s, ST_TREND,
	                "SELECT s.date, o.name, sum(s.machines) FROM snapshots s"
	                " JOIN organisations o ON o.id = s.org_id"
	                " WHERE s.os_product = ?1 AND (?2 = '' OR s.date >= ?2)"
	                " AND (?3 = '' OR s.date <= ?3) AND (?4 = 0 OR s.org_id = ?4)"
	                " GROUP BY s.date, o.name ORDER BY 1, 2",
	                &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_text(st, 1, product, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_bind_int64(st, 4, org_id);
	if (src != SQLITE_OK)
		rc = store_dbfail(s, src, "reading snapshots", err);
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		t.date = col(st, 0);
		t.org = col(st, 1);
		t.machines = sqlite3_column_int64(st, 2);
		rc = cb(&t, ctx);
	}
	if (!rc && src != SQLITE_DONE)
		rc = store_dbfail(s, src, "reading snapshots", err);
	store_stmt_done(st);
	return rc;
}
