/* store.c - the SQLite store: organisations and tokens. The schema,
 * opening and the helpers are in store_schema.c; reports and machines in
 * store_inventory.c. */
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"
#include "utf8.h"
#include "xalloc.h"

#define STORE_ORG_NAME_MAX 200
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
	rc = store_stmt(s, ST_ORG_ADD, "INSERT INTO organisations(name, created) VALUES (?1, ?2)",
	                &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	if (src == SQLITE_OK)
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
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	*id = 0;
	rc = store_stmt(s, ST_ORG_FIND, "SELECT id FROM organisations WHERE name = ?1", &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
	} else if (src == SQLITE_DONE) {
		store_seterr(err, "no organisation '%s'", name);
		rc = FC_ENOENT;
	} else {
		rc = store_dbfail(s, src, "looking up an organisation", err);
	}
	store_stmt_done(st);
	return rc;
}

enum fc_rc store_org_rename(struct store *s, const char *name, const char *new_name, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	if (!org_name_ok(new_name, err))
		return FC_EUSAGE;
	rc = store_stmt(s, ST_ORG_RENAME, "UPDATE organisations SET name = ?2 WHERE name = ?1", &st,
	                err);
	if (rc)
		return rc;
	src = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_bind_text(st, 2, new_name, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
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

/* Finds organisation name's id and machine count (in the caller's
 * transaction). */
static enum fc_rc org_count(struct store *s, const char *name, int64_t *id, int64_t *machines,
                            char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	rc = store_stmt(s, ST_ORG_COUNT,
	                "SELECT o.id, (SELECT count(*) FROM machines m WHERE m.org_id = o.id)"
	                " FROM organisations o WHERE o.name = ?1",
	                &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*machines = sqlite3_column_int64(st, 1);
	} else if (src == SQLITE_DONE) {
		store_seterr(err, "no organisation '%s'", name);
		rc = FC_ENOENT;
	} else {
		rc = store_dbfail(s, src, "counting an organisation's machines", err);
	}
	store_stmt_done(st);
	return rc;
}

enum fc_rc store_org_remove(struct store *s, const char *name, bool force, char *err)
{
	sqlite3_stmt *st;
	int64_t id = 0, machines = 0;
	enum fc_rc rc;
	int src;

	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = org_count(s, name, &id, &machines, err);
	if (!rc && machines > 0 && !force) {
		store_seterr(err, "organisation '%s' has %lld machine%s", name, (long long)machines,
		             machines == 1 ? "" : "s");
		rc = FC_EEXIST;
	}
	if (!rc)
		rc = store_stmt(s, ST_ORG_DELETE, "DELETE FROM organisations WHERE id = ?1", &st,
		                err);
	if (!rc) {
		src = sqlite3_bind_int64(st, 1, id);
		if (src == SQLITE_OK)
			src = sqlite3_step(st);
		if (src != SQLITE_DONE)
			rc = store_dbfail(s, src, "removing an organisation", err);
		store_stmt_done(st);
	}
	if (!rc)
		rc = store_lists_gc_all(s, err);
	if (!rc)
		rc = store_commit(s, err);
	if (rc)
		store_rollback(s);
	return rc;
}

enum fc_rc store_org_each(struct store *s, store_org_cb cb, void *ctx, char *err)
{
	struct store_org org;
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src = SQLITE_DONE;

	rc = store_stmt(s, ST_ORG_EACH,
	                "SELECT o.id, o.name, o.created,"
	                " (SELECT count(*) FROM machines m WHERE m.org_id = o.id)"
	                " FROM organisations o ORDER BY o.name",
	                &st, err);
	if (rc)
		return rc;
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		org.id = sqlite3_column_int64(st, 0);
		org.name = (const char *)sqlite3_column_text(st, 1);
		org.created = sqlite3_column_int64(st, 2);
		org.machines = sqlite3_column_int64(st, 3);
		rc = cb(&org, ctx);
	}
	if (!rc && src != SQLITE_DONE)
		rc = store_dbfail(s, src, "listing organisations", err);
	store_stmt_done(st);
	return rc;
}

/* ---- tokens ---- */

enum fc_rc store_token_add(struct store *s, enum token_role role, int64_t org_id,
                           const unsigned char hash[AUTH_HASH_LEN], int64_t *id, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	*id = 0;
	if ((role != ROLE_AGENT && role != ROLE_READER && role != ROLE_ADMIN) ||
	    (role == ROLE_ADMIN) != (org_id == 0)) {
		store_seterr(err, "an admin token has no organisation; the others have one");
		return FC_EUSAGE;
	}
	rc = store_stmt(s, ST_TOKEN_ADD,
	                "INSERT INTO tokens(hash, role, org_id, created) VALUES (?1, ?2, ?3, ?4)",
	                &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_blob(st, 1, hash, AUTH_HASH_LEN, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_bind_int(st, 2, (int)role);
	if (src == SQLITE_OK)
		src = org_id ? sqlite3_bind_int64(st, 3, org_id) : sqlite3_bind_null(st, 3);
	if (src == SQLITE_OK)
		src = sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	if (src == SQLITE_OK)
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
	sqlite3_stmt *st;
	int src;

	if (s->readonly || sqlite3_db_readonly(s->db, "main") == 1 ||
	    (now >= last_used && now - last_used < STORE_USED_GRANULARITY))
		return;
	if (store_stmt(s, ST_TOKEN_USED, "UPDATE tokens SET last_used = ?2 WHERE id = ?1", &st,
	               NULL))
		return;
	src = sqlite3_bind_int64(st, 1, id);
	if (src == SQLITE_OK)
		src = sqlite3_bind_int64(st, 2, now);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src != SQLITE_DONE)
		store_dbfail(s, src, "recording a token's use", NULL);
	store_stmt_done(st);
}

enum fc_rc store_token_check(struct store *s, const unsigned char hash[AUTH_HASH_LEN],
                             struct store_token *out, char *err)
{
	sqlite3_stmt *st;
	const void *stored;
	int64_t now = (int64_t)time(NULL);
	enum fc_rc rc;
	int src;

	memset(out, 0, sizeof(*out));
	rc = store_stmt(s, ST_TOKEN_CHECK,
	                "SELECT t.id, t.hash, t.role, t.org_id, o.name, t.created, t.last_used"
	                " FROM tokens t LEFT JOIN organisations o ON o.id = t.org_id"
	                " WHERE t.hash = ?1 AND t.revoked = 0",
	                &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_blob(st, 1, hash, AUTH_HASH_LEN, SQLITE_STATIC);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	stored = src == SQLITE_ROW ? sqlite3_column_blob(st, 1) : NULL;
	if (src == SQLITE_ROW && stored && sqlite3_column_bytes(st, 1) == AUTH_HASH_LEN &&
	    auth_hash_equal(stored, hash)) {
		out->id = sqlite3_column_int64(st, 0);
		out->role = (enum token_role)sqlite3_column_int(st, 2);
		out->org_id = sqlite3_column_int64(st, 3);
		FREE_AND_NULL(s->tok_org);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			s->tok_org = xstrdup((const char *)sqlite3_column_text(st, 4));
		out->org_name = s->tok_org;
		out->created = sqlite3_column_int64(st, 5);
		out->last_used = sqlite3_column_int64(st, 6);
	} else if (src == SQLITE_ROW || src == SQLITE_DONE) {
		store_seterr(err, "unknown or revoked token");
		rc = FC_ENOENT;
	} else {
		rc = store_dbfail(s, src, "checking a token", err);
	}
	store_stmt_done(st);
	if (!rc)
		token_used(s, out->id, out->last_used, now);
	return rc;
}

enum fc_rc store_token_revoke(struct store *s, int64_t id, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	rc =
	    store_stmt(s, ST_TOKEN_REVOKE, "UPDATE tokens SET revoked = 1 WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	src = sqlite3_bind_int64(st, 1, id);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src == SQLITE_DONE && sqlite3_changes(s->db) == 0) {
		store_seterr(err, "no token with id %lld", (long long)id);
		rc = FC_ENOENT;
	} else if (src != SQLITE_DONE) {
		rc = store_dbfail(s, src, "revoking a token", err);
	}
	store_stmt_done(st);
	return rc;
}

enum fc_rc store_token_each(struct store *s, store_token_cb cb, void *ctx, char *err)
{
	struct store_token t;
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src = SQLITE_DONE;

	rc = store_stmt(s, ST_TOKEN_EACH,
	                "SELECT t.id, t.role, t.org_id, o.name, t.created, t.last_used, t.revoked"
	                " FROM tokens t LEFT JOIN organisations o ON o.id = t.org_id"
	                " ORDER BY t.id",
	                &st, err);
	if (rc)
		return rc;
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		t.id = sqlite3_column_int64(st, 0);
		t.role = (enum token_role)sqlite3_column_int(st, 1);
		t.org_id = sqlite3_column_int64(st, 2);
		t.org_name = (const char *)sqlite3_column_text(st, 3);
		t.created = sqlite3_column_int64(st, 4);
		t.last_used = sqlite3_column_int64(st, 5);
		t.revoked = sqlite3_column_int(st, 6) != 0;
		rc = cb(&t, ctx);
	}
	if (!rc && src != SQLITE_DONE)
		rc = store_dbfail(s, src, "listing tokens", err);
	store_stmt_done(st);
	return rc;
}
