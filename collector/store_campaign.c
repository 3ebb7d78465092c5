/* store_campaign.c - campaigns in the SQLite store (store_campaign.h).
 * Campaign commands are rare (an admin or a manager at a time), so their
 * statements are prepared per call (STORE_ONCE) rather than cached. */
#include "store_campaign.h"

#include <stdio.h>
#include <string.h>

#include "store_int.h"

enum fc_rc store_campaign_begin(struct store *s, char *err)
{
	return store_begin(s, err);
}

enum fc_rc store_campaign_end(struct store *s, enum fc_rc rc, char *err)
{
	return store_end(s, rc, err);
}

/* ---- organisation attributes ---- */

enum fc_rc store_org_attr_set(struct store *s, int64_t org_id, const char *key, const char *value,
                              char *err)
{
	if (!value)
		return store_exec(s, STORE_ONCE,
		                  "DELETE FROM org_attrs WHERE org_id = ?1 AND key = ?2",
		                  STORE_ARGS(STORE_INT(org_id), STORE_TEXT(key)), NULL, NULL,
		                  "removing an organisation attribute", err);
	return store_exec(s, STORE_ONCE,
	                  "INSERT INTO org_attrs(org_id, key, value) VALUES (?1, ?2, ?3)"
	                  " ON CONFLICT DO UPDATE SET value = excluded.value",
	                  STORE_ARGS(STORE_INT(org_id), STORE_TEXT(key), STORE_TEXT(value)), NULL,
	                  NULL, "setting an organisation attribute", err);
}

struct attr_get {
	char *out;
	size_t size;
	bool found;
};

static enum fc_rc attr_row(sqlite3_stmt *st, void *ctx)
{
	struct attr_get *g = ctx;

	g->found = true;
	snprintf(g->out, g->size, "%s", store_col(st, 0));
	return FC_OK;
}

enum fc_rc store_org_attr_get(struct store *s, int64_t org_id, const char *key, char *out,
                              size_t size, bool *found, char *err)
{
	struct attr_get g = {out, size, false};
	enum fc_rc rc;

	out[0] = '\0';
	rc = store_exec(s, STORE_ONCE, "SELECT value FROM org_attrs WHERE org_id = ?1 AND key = ?2",
	                STORE_ARGS(STORE_INT(org_id), STORE_TEXT(key)), attr_row, &g,
	                "reading an organisation attribute", err);
	*found = g.found;
	return rc;
}

/* ---- campaigns ---- */

#define CAMPAIGN_COLS                                                                              \
	"id, name, products, split, as_of, horizon_months, deadline, min_cell, prices, fees,"      \
	" created, closed"

enum fc_rc store_campaign_add(struct store *s, const struct store_campaign *c, int64_t *id,
                              char *err)
{
	struct store_int v = {0, false};
	enum fc_rc rc;

	*id = 0;
	rc = store_exec(s, STORE_ONCE, "SELECT id FROM campaigns WHERE name = ?1",
	                STORE_ARGS(STORE_TEXT(c->name)), store_row_int, &v, "finding a campaign",
	                err);
	if (rc)
		return rc;
	if (v.found) {
		fc_seterr(err, "campaign '%s' exists already", c->name);
		return FC_EEXIST;
	}
	rc = store_exec(s, STORE_ONCE,
	                "INSERT INTO campaigns(name, products, split, as_of, horizon_months,"
	                " deadline, min_cell, prices, fees, created)"
	                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	                STORE_ARGS(STORE_TEXT(c->name), STORE_TEXT(c->products),
	                           STORE_TEXT(c->split), STORE_TEXT(c->as_of),
	                           STORE_INT(c->horizon_months), STORE_TEXT(c->deadline),
	                           STORE_INT(c->min_cell), STORE_TEXT(c->prices),
	                           STORE_TEXT(c->fees), STORE_INT(c->created)),
	                NULL, NULL, "adding a campaign", err);
	if (rc == FC_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

struct campaign_each {
	store_campaign_cb cb;
	void *ctx;
	bool found;
};

static enum fc_rc campaign_row(sqlite3_stmt *st, void *ctx)
{
	struct campaign_each *e = ctx;
	struct store_campaign c;

	c.id = sqlite3_column_int64(st, 0);
	c.name = store_col(st, 1);
	c.products = store_col(st, 2);
	c.split = store_col(st, 3);
	c.as_of = store_col(st, 4);
	c.horizon_months = sqlite3_column_int64(st, 5);
	c.deadline = store_col(st, 6);
	c.min_cell = sqlite3_column_int64(st, 7);
	c.prices = store_col(st, 8);
	c.fees = store_col(st, 9);
	c.created = sqlite3_column_int64(st, 10);
	c.closed = sqlite3_column_int64(st, 11);
	e->found = true;
	return e->cb(&c, e->ctx);
}

enum fc_rc store_campaign_get(struct store *s, const char *name, store_campaign_cb cb, void *ctx,
                              char *err)
{
	struct campaign_each e = {cb, ctx, false};
	enum fc_rc rc;

	rc = store_exec(s, STORE_ONCE, "SELECT " CAMPAIGN_COLS " FROM campaigns WHERE name = ?1",
	                STORE_ARGS(STORE_TEXT(name)), campaign_row, &e, "reading a campaign", err);
	if (rc == FC_OK && !e.found) {
		fc_seterr(err, "no campaign '%s'", name);
		rc = FC_ENOENT;
	}
	return rc;
}

enum fc_rc store_campaign_each(struct store *s, store_campaign_cb cb, void *ctx, char *err)
{
	struct campaign_each e = {cb, ctx, false};

	return store_exec(s, STORE_ONCE, "SELECT " CAMPAIGN_COLS " FROM campaigns ORDER BY name",
	                  STORE_NOARGS, campaign_row, &e, "listing campaigns", err);
}

enum fc_rc store_campaign_close(struct store *s, int64_t id, int64_t at, char *err)
{
	return store_exec(s, STORE_ONCE, "UPDATE campaigns SET closed = ?2 WHERE id = ?1",
	                  STORE_ARGS(STORE_INT(id), STORE_INT(at)), NULL, NULL,
	                  "closing a campaign", err);
}

/* ---- members ---- */

struct member_each {
	store_member_cb cb;
	void *ctx;
	struct store_member *one; /* store_member_get's */
	bool found;
};

static enum fc_rc member_row(sqlite3_stmt *st, void *ctx)
{
	struct member_each *e = ctx;
	struct store_member m, *p = e->one ? e->one : &m;

	memset(p, 0, sizeof(*p));
	p->org_id = sqlite3_column_int64(st, 0);
	(void)store_col_copy(st, 1, p->org, sizeof(p->org)); /* names are at most 200 bytes */
	(void)store_col_copy(st, 2, p->state, sizeof(p->state)); /* CHECKed */
	p->joined_at = sqlite3_column_int64(st, 3);
	p->signed_at = sqlite3_column_int64(st, 4);
	(void)store_col_copy(st, 5, p->signed_by, sizeof(p->signed_by)); /* ours, bounded */
	e->found = true;
	return e->cb ? e->cb(p, e->ctx) : FC_OK;
}

#define MEMBER_SELECT                                                                              \
	"SELECT m.org_id, o.name, m.state, m.joined_at, m.signed_at, m.signed_by"                  \
	" FROM campaign_members m JOIN organisations o ON o.id = m.org_id"

enum fc_rc store_member_get(struct store *s, int64_t campaign_id, int64_t org_id,
                            struct store_member *m, bool *found, char *err)
{
	struct member_each e = {NULL, NULL, m, false};
	enum fc_rc rc;

	memset(m, 0, sizeof(*m));
	rc = store_exec(s, STORE_ONCE, MEMBER_SELECT " WHERE m.campaign_id = ?1 AND m.org_id = ?2",
	                STORE_ARGS(STORE_INT(campaign_id), STORE_INT(org_id)), member_row, &e,
	                "reading a campaign member", err);
	*found = e.found;
	return rc;
}

enum fc_rc store_member_put(struct store *s, int64_t campaign_id, const struct store_member *m,
                            char *err)
{
	return store_exec(s, STORE_ONCE,
	                  "INSERT INTO campaign_members(campaign_id, org_id, state, joined_at,"
	                  " signed_at, signed_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	                  " ON CONFLICT DO UPDATE SET state = excluded.state,"
	                  " joined_at = excluded.joined_at, signed_at = excluded.signed_at,"
	                  " signed_by = excluded.signed_by",
	                  STORE_ARGS(STORE_INT(campaign_id), STORE_INT(m->org_id),
	                             STORE_TEXT(m->state), STORE_INT(m->joined_at),
	                             STORE_INT(m->signed_at), STORE_TEXT(m->signed_by)),
	                  NULL, NULL, "storing a campaign member", err);
}

enum fc_rc store_member_each(struct store *s, int64_t campaign_id, store_member_cb cb, void *ctx,
                             char *err)
{
	struct member_each e = {cb, ctx, NULL, false};

	return store_exec(s, STORE_ONCE, MEMBER_SELECT " WHERE m.campaign_id = ?1 ORDER BY o.name",
	                  STORE_ARGS(STORE_INT(campaign_id)), member_row, &e,
	                  "listing campaign members", err);
}

/* ---- frozen rows ---- */

enum fc_rc store_campaign_rows_clear(struct store *s, int64_t campaign_id, int64_t org_id,
                                     char *err)
{
	return store_exec(s, STORE_ONCE,
	                  "DELETE FROM campaign_rows WHERE campaign_id = ?1 AND org_id = ?2",
	                  STORE_ARGS(STORE_INT(campaign_id), STORE_INT(org_id)), NULL, NULL,
	                  "clearing a campaign's rows", err);
}

enum fc_rc store_campaign_row_add(struct store *s, int64_t campaign_id,
                                  const struct store_campaign_row *r, char *err)
{
	return store_exec(s, STORE_ONCE,
	                  "INSERT INTO campaign_rows(campaign_id, org_id, os_product, os_edition,"
	                  " os_release, arch, split, support_status, support_end, machines)"
	                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	                  STORE_ARGS(STORE_INT(campaign_id), STORE_INT(r->org_id),
	                             STORE_TEXT(r->os_product), STORE_TEXT(r->os_edition),
	                             STORE_TEXT(r->os_release), STORE_TEXT(r->arch),
	                             STORE_TEXT(r->split), STORE_TEXT(r->support_status),
	                             STORE_TEXT(r->support_end), STORE_INT(r->machines)),
	                  NULL, NULL, "freezing a campaign row", err);
}

struct rows_each {
	store_campaign_row_cb cb;
	void *ctx;
};

static enum fc_rc frozen_row(sqlite3_stmt *st, void *ctx)
{
	struct rows_each *e = ctx;
	struct store_campaign_row r;

	r.org_id = sqlite3_column_int64(st, 0);
	r.os_product = store_col(st, 1);
	r.os_edition = store_col(st, 2);
	r.os_release = store_col(st, 3);
	r.arch = store_col(st, 4);
	r.split = store_col(st, 5);
	r.support_status = store_col(st, 6);
	r.support_end = store_col(st, 7);
	r.machines = sqlite3_column_int64(st, 8);
	return e->cb(&r, e->ctx);
}

enum fc_rc store_campaign_rows_each(struct store *s, int64_t campaign_id, int64_t org_id,
                                    store_campaign_row_cb cb, void *ctx, char *err)
{
	struct rows_each e = {cb, ctx};

	return store_exec(s, STORE_ONCE,
	                  "SELECT org_id, os_product, os_edition, os_release, arch, split,"
	                  " support_status, support_end, machines FROM campaign_rows"
	                  " WHERE campaign_id = ?1 AND org_id = ?2"
	                  " ORDER BY os_product, os_edition, os_release, arch, split",
	                  STORE_ARGS(STORE_INT(campaign_id), STORE_INT(org_id)), frozen_row, &e,
	                  "reading a campaign's rows", err);
}

/* ---- the audit log ---- */

enum fc_rc store_campaign_log_add(struct store *s, const struct store_campaign_log *l, char *err)
{
	return store_exec(s, STORE_ONCE,
	                  "INSERT INTO campaign_log(campaign, at, who, action, org, old, new)"
	                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                  STORE_ARGS(STORE_TEXT(l->campaign), STORE_INT(l->at), STORE_TEXT(l->who),
	                             STORE_TEXT(l->action), STORE_TEXT(l->org),
	                             STORE_TEXT(l->old_value), STORE_TEXT(l->new_value)),
	                  NULL, NULL, "appending to the campaign log", err);
}

struct log_each {
	store_campaign_log_cb cb;
	void *ctx;
};

static enum fc_rc log_row(sqlite3_stmt *st, void *ctx)
{
	struct log_each *e = ctx;
	struct store_campaign_log l;

	l.id = sqlite3_column_int64(st, 0);
	l.campaign = store_col(st, 1);
	l.at = sqlite3_column_int64(st, 2);
	l.who = store_col(st, 3);
	l.action = store_col(st, 4);
	l.org = store_col(st, 5);
	l.old_value = store_col(st, 6);
	l.new_value = store_col(st, 7);
	return e->cb(&l, e->ctx);
}

enum fc_rc store_campaign_log_each(struct store *s, const char *campaign, store_campaign_log_cb cb,
                                   void *ctx, char *err)
{
	struct log_each e = {cb, ctx};

	return store_exec(s, STORE_ONCE,
	                  "SELECT id, campaign, at, who, action, org, old, new FROM campaign_log"
	                  " WHERE campaign = ?1 ORDER BY id",
	                  STORE_ARGS(STORE_TEXT(campaign)), log_row, &e, "reading the campaign log",
	                  err);
}
