/* store.c - the SQLite store: organisations and tokens. The schema and
 * opening are in store_schema.c, running SQL in store_stmt.c; inventory
 * reports and machines in store_inventory.c. */
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store_int.h"
#include "utf8.h"
#include "xalloc.h"

#define STORE_ORG_NAME_MAX 200
#define STORE_LABEL_MAX 200
#define STORE_USED_GRANULARITY 60 /* seconds between last_used updates */

/* ---- organisations ---- */

/* 1..STORE_ORG_NAME_MAX bytes of UTF-8 without C0 or C1 control characters. */
static bool org_name_ok(const char *name, char *err)
{
	size_t len = name ? strlen(name) : 0;
	const unsigned char *p;

	if (len == 0 || len > STORE_ORG_NAME_MAX || !utf8_valid(name, len)) {
		store_seterr(err, "an organisation name is 1 to %d bytes of UTF-8",
		             STORE_ORG_NAME_MAX);
		return false;
	}
	for (p = (const unsigned char *)name; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
			store_seterr(err, "an organisation name has no control characters");
			return false;
		}
	}
	return true;
}

enum fc_rc store_org_add(struct store *s, const char *name, int64_t *id, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	*id = 0;
	if (!org_name_ok(name, err))
		return FC_EUSAGE;
	rc = store_bind(s, ST_ORG_ADD, "INSERT INTO organisations(name, created) VALUES (?1, ?2)",
	                STORE_ARGS(STORE_TEXT(name), STORE_INT(time(NULL))),
	                "adding an organisation", &st, err);
	if (rc)
		return rc;
	src = sqlite3_step(st);
	if (src == SQLITE_DONE) {
		*id = sqlite3_last_insert_rowid(s->db);
	} else if (src == SQLITE_CONSTRAINT_UNIQUE) {
		store_seterr(err, "organisation '%s' exists already", name);
		rc = FC_EEXIST;
	} else {
		rc = store_dbfail(s, src, "adding an organisation", err);
	}
	store_stmt_done(st);
	return rc;
}

enum fc_rc store_org_find(struct store *s, const char *name, int64_t *id, char *err)
{
	struct store_int v = {0, false};
	enum fc_rc rc;

	rc = store_exec(s, ST_ORG_FIND, "SELECT id FROM organisations WHERE name = ?1",
	                STORE_ARGS(STORE_TEXT(name)), store_row_int, &v,
	                "looking up an organisation", err);
	*id = v.v;
	if (!rc && !v.found) {
		store_seterr(err, "no organisation '%s'", name);
		rc = FC_ENOENT;
	}
	return rc;
}

enum fc_rc store_org_rename(struct store *s, const char *name, const char *new_name, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	if (!org_name_ok(new_name, err))
		return FC_EUSAGE;
	rc = store_bind(s, ST_ORG_RENAME, "UPDATE organisations SET name = ?2 WHERE name = ?1",
	                STORE_ARGS(STORE_TEXT(name), STORE_TEXT(new_name)),
	                "renaming an organisation", &st, err);
	if (rc)
		return rc;
	src = sqlite3_step(st);
	if (src == SQLITE_DONE && sqlite3_changes(s->db) == 0) {
		store_seterr(err, "no organisation '%s'", name);
		rc = FC_ENOENT;
	} else if (src == SQLITE_CONSTRAINT_UNIQUE) {
		store_seterr(err, "organisation '%s' exists already", new_name);
		rc = FC_EEXIST;
	} else if (src != SQLITE_DONE) {
		rc = store_dbfail(s, src, "renaming an organisation", err);
	}
	store_stmt_done(st);
	return rc;
}

/* An organisation's id and machine count, read by org_count. */
struct org_count {
	int64_t id, machines;
	bool found;
};

static enum fc_rc org_count_row(sqlite3_stmt *st, void *ctx)
{
	struct org_count *c = ctx;

	c->id = sqlite3_column_int64(st, 0);
	c->machines = sqlite3_column_int64(st, 1);
	c->found = true;
	return FC_OK;
}

/* Finds organisation name's id and machine count (in the caller's
 * transaction). */
static enum fc_rc org_count(struct store *s, const char *name, struct org_count *c, char *err)
{
	enum fc_rc rc;

	rc = store_exec(s, ST_ORG_COUNT,
	                "SELECT o.id, (SELECT count(*) FROM machines m WHERE m.org_id = o.id)"
	                " FROM organisations o WHERE o.name = ?1",
	                STORE_ARGS(STORE_TEXT(name)), org_count_row, c,
	                "counting an organisation's machines", err);
	if (!rc && !c->found) {
		store_seterr(err, "no organisation '%s'", name);
		rc = FC_ENOENT;
	}
	return rc;
}

enum fc_rc store_org_remove(struct store *s, const char *name, bool force, char *err)
{
	struct org_count c = {0, 0, false};
	enum fc_rc rc;

	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = org_count(s, name, &c, err);
	if (!rc && c.machines > 0 && !force) {
		store_seterr(err, "organisation '%s' has %lld machine%s", name,
		             (long long)c.machines, c.machines == 1 ? "" : "s");
		rc = FC_EEXIST;
	}
	if (!rc)
		rc = store_exec(s, ST_ORG_DELETE, "DELETE FROM organisations WHERE id = ?1",
		                STORE_ARGS(STORE_INT(c.id)), NULL, NULL, "removing an organisation",
		                err);
	if (!rc)
		rc = store_lists_gc_all(s, err);
	if (!rc)
		rc = store_commit(s, err);
	if (rc)
		store_rollback(s);
	return rc;
}

/* The caller's callback of store_org_each and store_token_each. */
struct each {
	store_org_cb org;
	store_token_cb token;
	void *ctx;
};

static enum fc_rc org_row(sqlite3_stmt *st, void *ctx)
{
	const struct each *e = ctx;
	struct store_org org;

	org.id = sqlite3_column_int64(st, 0);
	org.name = store_col(st, 1);
	org.created = sqlite3_column_int64(st, 2);
	org.machines = sqlite3_column_int64(st, 3);
	return e->org(&org, e->ctx);
}

enum fc_rc store_org_each(struct store *s, store_org_cb cb, void *ctx, char *err)
{
	struct each e = {cb, NULL, ctx};

	return store_exec(s, ST_ORG_EACH,
	                  "SELECT o.id, o.name, o.created,"
	                  " (SELECT count(*) FROM machines m WHERE m.org_id = o.id)"
	                  " FROM organisations o ORDER BY o.name",
	                  STORE_NOARGS, org_row, &e, "listing organisations", err);
}

/* ---- tokens ---- */

enum fc_rc store_token_add(struct store *s, enum token_role role, int64_t org_id,
                           const unsigned char hash[AUTH_HASH_LEN], int64_t *id, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	*id = 0;
	if ((role != ROLE_AGENT && role != ROLE_READER && role != ROLE_ADMIN &&
	     role != ROLE_MANAGER) ||
	    (role == ROLE_ADMIN) != (org_id == 0)) {
		store_seterr(err, "an admin token has no organisation; the others have one");
		return FC_EUSAGE;
	}
	rc = store_bind(s, ST_TOKEN_ADD,
	                "INSERT INTO tokens(hash, role, org_id, created) VALUES (?1, ?2, ?3, ?4)",
	                STORE_ARGS(STORE_BLOB(hash, AUTH_HASH_LEN), STORE_INT(role),
	                           STORE_ID(org_id), STORE_INT(time(NULL))),
	                "adding a token", &st, err);
	if (rc)
		return rc;
	src = sqlite3_step(st);
	if (src == SQLITE_DONE) {
		*id = sqlite3_last_insert_rowid(s->db);
	} else if (src == SQLITE_CONSTRAINT_FOREIGNKEY) {
		store_seterr(err, "no organisation with id %lld", (long long)org_id);
		rc = FC_ENOENT;
	} else if (src == SQLITE_CONSTRAINT_UNIQUE) {
		store_seterr(err, "this token exists already");
		rc = FC_EEXIST;
	} else {
		rc = store_dbfail(s, src, "adding a token", err);
	}
	store_stmt_done(st);
	return rc;
}

/* Records that token id was used at now, at most once a minute. A failure
 * is only logged: it must not refuse a valid token. */
static void token_used(struct store *s, int64_t id, int64_t last_used, int64_t now)
{
	if (s->readonly || sqlite3_db_readonly(s->db, "main") == 1 ||
	    (now >= last_used && now - last_used < STORE_USED_GRANULARITY))
		return;
	/* a failure is logged by store_dbfail */
	(void)store_exec(s, ST_TOKEN_USED, "UPDATE tokens SET last_used = ?2 WHERE id = ?1",
	                 STORE_ARGS(STORE_INT(id), STORE_INT(now)), NULL, NULL,
	                 "recording a token's use", NULL);
}

/* What store_token_check looks for and finds. */
struct token_find {
	struct store *s;
	const unsigned char *hash;
	struct store_token *out;
	bool found;
};

/* Row of a token with this hash: found when the stored hash is equal. */
static enum fc_rc token_row(sqlite3_stmt *st, void *ctx)
{
	struct token_find *f = ctx;
	const void *stored = sqlite3_column_blob(st, 1);

	if (!stored || sqlite3_column_bytes(st, 1) != AUTH_HASH_LEN ||
	    !auth_hash_equal(stored, f->hash))
		return FC_OK;
	f->found = true;
	f->out->id = sqlite3_column_int64(st, 0);
	f->out->role = (enum token_role)sqlite3_column_int(st, 2);
	f->out->org_id = sqlite3_column_int64(st, 3);
	FREE_AND_NULL(f->s->tok_org);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		f->s->tok_org = xstrdup((const char *)sqlite3_column_text(st, 4));
	f->out->org_name = f->s->tok_org;
	f->out->created = sqlite3_column_int64(st, 5);
	f->out->last_used = sqlite3_column_int64(st, 6);
	return FC_OK;
}

enum fc_rc store_token_check(struct store *s, const unsigned char hash[AUTH_HASH_LEN],
                             struct store_token *out, char *err)
{
	struct token_find f = {s, hash, out, false};
	int64_t now = (int64_t)time(NULL);
	enum fc_rc rc;

	memset(out, 0, sizeof(*out));
	rc =
	    store_exec(s, ST_TOKEN_CHECK,
	               "SELECT t.id, t.hash, t.role, t.org_id, o.name, t.created, t.last_used"
	               " FROM tokens t LEFT JOIN organisations o ON o.id = t.org_id"
	               " WHERE t.hash = ?1 AND t.revoked = 0 AND (t.expires = 0 OR t.expires > ?2)",
	               STORE_ARGS(STORE_BLOB(hash, AUTH_HASH_LEN), STORE_INT(now)), token_row, &f,
	               "checking a token", err);
	if (!rc && !f.found) {
		store_seterr(err, "unknown, revoked or expired token");
		rc = FC_ENOENT;
	}
	if (!rc)
		token_used(s, out->id, out->last_used, now);
	return rc;
}

enum fc_rc store_token_revoke(struct store *s, int64_t id, char *err)
{
	struct store_int v = {0, false};
	enum fc_rc rc;

	rc = store_exec(s, ST_TOKEN_REVOKE,
	                "UPDATE tokens SET revoked = 1 WHERE id = ?1 AND revoked = 0",
	                STORE_ARGS(STORE_INT(id)), NULL, NULL, "revoking a token", err);
	if (rc || sqlite3_changes(s->db) > 0)
		return rc;
	rc = store_exec(s, STORE_ONCE, "SELECT revoked FROM tokens WHERE id = ?1",
	                STORE_ARGS(STORE_INT(id)), store_row_int, &v, "finding a token", err);
	if (!rc && v.found) {
		store_seterr(err, "token %lld is revoked already", (long long)id);
		rc = FC_EEXIST;
	} else if (!rc) {
		store_seterr(err, "no token with id %lld", (long long)id);
		rc = FC_ENOENT;
	}
	return rc;
}

/* A label is at most STORE_LABEL_MAX bytes of UTF-8 without control
 * characters. */
static bool label_ok(const char *label, char *err)
{
	size_t len = strlen(label);
	const unsigned char *p;

	if (len > STORE_LABEL_MAX || !utf8_valid(label, len)) {
		store_seterr(err, "a token label is at most %d bytes of UTF-8", STORE_LABEL_MAX);
		return false;
	}
	for (p = (const unsigned char *)label; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
			store_seterr(err, "a token label has no control characters");
			return false;
		}
	}
	return true;
}

enum fc_rc store_token_describe(struct store *s, int64_t id, const char *label, int64_t expires,
                                char *err)
{
	enum fc_rc rc;

	if (!label_ok(label, err))
		return FC_EUSAGE;
	rc = store_exec(s, STORE_ONCE, "UPDATE tokens SET label = ?2, expires = ?3 WHERE id = ?1",
	                STORE_ARGS(STORE_INT(id), STORE_TEXT(label), STORE_INT(expires)), NULL,
	                NULL, "labelling a token", err);
	if (!rc && sqlite3_changes(s->db) == 0) {
		store_seterr(err, "no token with id %lld", (long long)id);
		rc = FC_ENOENT;
	}
	return rc;
}

enum fc_rc store_token_make(struct store *s, enum token_role role, int64_t org_id,
                            const char *label, int64_t expires, char token[AUTH_TOKEN_LEN + 1],
                            int64_t *id, char *err)
{
	unsigned char hash[AUTH_HASH_LEN];
	char err2[FC_ERRLEN] = "";
	enum fc_rc rc = auth_token_new(token);

	*id = 0;
	if (rc) {
		snprintf(err, FC_ERRLEN, "cannot make a random token: %s", fc_strerror(rc));
		return rc;
	}
	auth_token_hash(token, hash);
	rc = store_token_add(s, role, org_id, hash, id, err);
	if (rc == FC_OK && ((label && label[0]) || expires))
		rc = store_token_describe(s, *id, label ? label : "", expires, err);
	if (rc && *id && store_token_revoke(s, *id, err2) != FC_OK)
		LOG_ERR("token %lld was made but not labelled: %s", (long long)*id, err2);
	return rc;
}

static enum fc_rc token_each_row(sqlite3_stmt *st, void *ctx)
{
	const struct each *e = ctx;
	struct store_token t;

	t.id = sqlite3_column_int64(st, 0);
	t.role = (enum token_role)sqlite3_column_int(st, 1);
	t.org_id = sqlite3_column_int64(st, 2);
	t.org_name = (const char *)sqlite3_column_text(st, 3);
	t.created = sqlite3_column_int64(st, 4);
	t.last_used = sqlite3_column_int64(st, 5);
	t.revoked = sqlite3_column_int(st, 6) != 0;
	t.label = store_col(st, 7);
	t.expires = sqlite3_column_int64(st, 8);
	return e->token(&t, e->ctx);
}

enum fc_rc store_token_each(struct store *s, store_token_cb cb, void *ctx, char *err)
{
	struct each e = {NULL, cb, ctx};

	return store_exec(
	    s, ST_TOKEN_EACH,
	    "SELECT t.id, t.role, t.org_id, o.name, t.created, t.last_used, t.revoked,"
	    " t.label, t.expires FROM tokens t LEFT JOIN organisations o ON o.id = t.org_id"
	    " ORDER BY t.id",
	    STORE_NOARGS, token_each_row, &e, "listing tokens", err);
}

/* ---- opening ---- */

enum fc_rc store_open(const char *path, bool create, struct store **out, char *err)
{
	int64_t changed = 0;
	bool pending = false;
	enum fc_rc rc = store_schema_open(path, create, out, &pending, err);

	if (rc || !pending)
		return rc;
	/* machines stored before a migration that added computed columns are
	 * classified in the migration's transaction */
	rc = store_schema_migrate_end(*out, path, store_reclassify_tx(*out, &changed, err), err);
	if (rc) {
		store_close(*out);
		*out = NULL;
	}
	return rc;
}
