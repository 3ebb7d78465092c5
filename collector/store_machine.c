/* store_machine.c - an operator's changes to one machine: delete it, or
 * move it to another organisation, with its reports; class_counts follows
 * by its triggers and today's snapshot is taken again. */
#include "store.h"

#include <string.h>
#include <time.h>

#include "fctime.h"
#include "store_int.h"

/* The machines of one organisation with a public id or host name. */
struct pick {
	int64_t id;
	char public_id[37];
	int n;
};

static enum fc_rc pick_row(sqlite3_stmt *st, void *ctx)
{
	struct pick *p = ctx;

	p->n++;
	p->id = sqlite3_column_int64(st, 0);
	memcpy(p->public_id, "", 1);
	strncat(p->public_id, store_col(st, 1), sizeof(p->public_id) - 1);
	return FC_OK;
}

/* Finds machine (its public id, or a host name only one machine of the
 * organisation has) in org_id. FC_ENOENT when none, FC_EEXIST when the
 * host name is several machines'. */
static enum fc_rc pick(struct store *s, int64_t org_id, const char *machine, struct pick *p,
                       char *err)
{
	enum fc_rc rc;

	memset(p, 0, sizeof(*p));
	rc = store_exec(s, STORE_ONCE,
	                "SELECT id, public_id FROM machines WHERE org_id = ?1 AND public_id = ?2"
	                " UNION ALL SELECT id, public_id FROM machines WHERE org_id = ?1"
	                " AND hostname = ?2 AND public_id <> ?2 LIMIT 2",
	                STORE_ARGS(STORE_INT(org_id), STORE_TEXT(machine)), pick_row, p,
	                "finding a machine", err);
	if (!rc && p->n == 0) {
		store_seterr(err, "no machine '%s' in this organisation (see report machines)",
		             machine);
		rc = FC_ENOENT;
	} else if (!rc && p->n > 1) {
		store_seterr(err, "several machines are named '%s': give the machine id", machine);
		rc = FC_EEXIST;
	}
	return rc;
}

/* Takes today's snapshot again, in the caller's transaction. */
static enum fc_rc snapshot_again(struct store *s, char *err)
{
	char date[FCTIME_DATE_LEN];
	int64_t now = (int64_t)time(NULL);
	bool taken;

	if (!fctime_format_date(now, date))
		return FC_OK;
	return store_snapshot_tx(s, date, now - STORE_SNAPSHOT_WINDOW, true, &taken, err);
}

enum fc_rc store_machine_delete(struct store *s, int64_t org_id, const char *machine,
                                char public_id[37], char *err)
{
	struct pick p;
	enum fc_rc rc = store_begin(s, err);

	if (rc) {
		public_id[0] = '\0';
		return rc;
	}
	rc = pick(s, org_id, machine, &p, err);
	if (!rc)
		rc = store_exec(s, STORE_ONCE, "DELETE FROM machines WHERE id = ?1",
		                STORE_ARGS(STORE_INT(p.id)), NULL, NULL, "deleting a machine", err);
	if (!rc)
		rc = store_lists_gc_all(s, err);
	if (!rc)
		rc = snapshot_again(s, err);
	if (!rc)
		rc = store_commit(s, err);
	if (rc) {
		store_rollback(s);
		public_id[0] = '\0'; /* machine may be public_id: set only now */
		return rc;
	}
	memcpy(public_id, p.public_id, sizeof(p.public_id));
	return FC_OK;
}

/* Runs one UPDATE of a move; a uniqueness conflict is FC_EEXIST with what. */
static enum fc_rc move_step(struct store *s, enum store_stmt slot, const char *sql, int64_t id,
                            int64_t to, const char *what, char *err)
{
	sqlite3_stmt *st;
	enum fc_rc rc;
	int src;

	rc = store_bind(s, slot, sql, STORE_ARGS(STORE_INT(id), STORE_INT(to)), "moving a machine",
	                &st, err);
	if (rc)
		return rc;
	src = sqlite3_step(st);
	if (src == SQLITE_CONSTRAINT_UNIQUE) {
		store_seterr(err, "the other organisation has %s already", what);
		rc = FC_EEXIST;
	} else if (src != SQLITE_DONE) {
		rc = store_dbfail(s, src, "moving a machine", err);
	}
	store_stmt_done(st);
	return rc;
}

enum fc_rc store_machine_move(struct store *s, int64_t org_id, const char *machine,
                              int64_t to_org_id, char public_id[37], char *err)
{
	struct pick p;
	enum fc_rc rc = store_begin(s, err);

	if (rc) {
		public_id[0] = '\0';
		return rc;
	}
	rc = pick(s, org_id, machine, &p, err);
	if (!rc)
		rc = move_step(s, ST_MOVE_REPORTS,
		               "UPDATE reports SET org_id = ?2 WHERE machine = ?1", p.id, to_org_id,
		               "one of its reports (the same report id)", err);
	if (!rc)
		rc = move_step(s, ST_MOVE_MACHINE, "UPDATE machines SET org_id = ?2 WHERE id = ?1",
		               p.id, to_org_id, "a machine with its hardware UUID", err);
	if (!rc)
		rc = snapshot_again(s, err);
	if (!rc)
		rc = store_commit(s, err);
	if (rc) {
		store_rollback(s);
		public_id[0] = '\0'; /* machine may be public_id: set only now */
		return rc;
	}
	memcpy(public_id, p.public_id, sizeof(p.public_id));
	return FC_OK;
}
