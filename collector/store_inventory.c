/* store_inventory.c - storing the agents' inventory reports: machine identity
 * (docs/identity.md), newest-report-wins, de-duplicated software lists,
 * report metadata; and reading machines back. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fctime.h"
#include "log.h"
#include "sha256.h"
#include "store_int.h"
#include "store_sighting.h"
#include "uuid.h"
#include "xalloc.h"

/* A stored machine, as far as identity needs it. */
struct mrow {
	int64_t id;
	char public_id[37];
	int64_t order_ts; /* min(collected_ts, received_at + STORE_SKEW_TOLERANCE) */
	int64_t list_id; /* 0: none */
	bool has_digest;
	unsigned char digest[SHA256_LEN]; /* the current list's, in received order */
	/* the identity keys and host name as stored, when they fit (keys_known),
	 * so that an update that changes none of them skips machine_keys */
	bool keys_known;
	char hw_uuid[37], machine_id[65], agent_id[65], hostname[256];
	bool found; /* match_row read it */
};

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* The machine's current list digest: the report's, when its software
 * section is ok (a short report's digest matched the stored one); NULL:
 * unknown. */
static const unsigned char *digest_of(const struct ingest_report *r)
{
	return r->software_ok && r->has_digest ? r->sw_digest : NULL;
}

/* Makes a random (version 4) UUID for a new machine's public id. */
static enum fc_rc make_public_id(char out[37])
{
	char hex[AUTH_TOKEN_LEN + 1];
	enum fc_rc rc;

	rc = auth_token_new(hex);
	if (rc)
		return rc;
	hex[12] = '4';
	hex[16] = "89ab"[hex[16] & 3];
	uuid_format(hex, out);
	return FC_OK;
}

/* ---- identity ---- */

/* Row of a match query (MATCH_COLS, or its first five): sets the struct
 * mrow at ctx. */
static enum fc_rc match_row(sqlite3_stmt *st, void *ctx)
{
	struct mrow *m = ctx;

	m->found = true;
	m->id = sqlite3_column_int64(st, 0);
	snprintf(m->public_id, sizeof(m->public_id), "%s", store_col(st, 1));
	m->order_ts = sqlite3_column_int64(st, 2);
	m->list_id = sqlite3_column_int64(st, 3);
	m->has_digest = sqlite3_column_bytes(st, 4) == SHA256_LEN;
	if (m->has_digest)
		memcpy(m->digest, sqlite3_column_blob(st, 4), SHA256_LEN);
	m->keys_known = sqlite3_column_count(st) >= 9 &&
	                store_col_copy(st, 5, m->hw_uuid, sizeof(m->hw_uuid)) &&
	                store_col_copy(st, 6, m->machine_id, sizeof(m->machine_id)) &&
	                store_col_copy(st, 7, m->agent_id, sizeof(m->agent_id)) &&
	                store_col_copy(st, 8, m->hostname, sizeof(m->hostname));
	return FC_OK;
}

#define MATCH_COLS                                                                                 \
	"SELECT id, public_id, order_ts, software_list_id, software_digest, hw_uuid, machine_id,"  \
	" agent_id, hostname FROM machines "

/* Rule 1: the organisation's machine with the report's hardware UUID. */
static enum fc_rc match_hw(struct store *s, int64_t org, const struct ingest_report *r,
                           struct mrow *m, char *err)
{
	enum fc_rc rc;

	rc = store_exec(s, ST_MATCH_HW,
	                MATCH_COLS "WHERE org_id = ?1 AND hw_uuid = ?2 AND hw_uuid <> ''",
	                STORE_ARGS(STORE_INT(org), STORE_TEXT(r->hw_uuid)), match_row, m,
	                "finding the machine", err);
	return rc;
}

/* Rule 2: a machine with the report's machine id and no hardware UUID (the
 * report's own hardware UUID, when it has one, belongs to no machine: rule
 * 1 failed). Clones with other hardware UUIDs never match. Prefers the
 * report's agent id, then the machine seen last. */
static enum fc_rc match_mid(struct store *s, int64_t org, const struct ingest_report *r,
                            struct mrow *m, char *err)
{
	enum fc_rc rc;

	rc = store_exec(
	    s, ST_MATCH_MID,
	    MATCH_COLS "WHERE org_id = ?1 AND machine_id = ?2 AND machine_id <> ''"
	               " AND hw_uuid = ''"
	               " ORDER BY agent_id = ?3 DESC, last_seen DESC, id DESC LIMIT 1",
	    STORE_ARGS(STORE_INT(org), STORE_TEXT(r->machine_id), STORE_TEXT(r->agent_id)),
	    match_row, m, "finding the machine", err);
	return rc;
}

/* Rule 3: a machine with the report's agent id whose hardware UUID and
 * machine id do not contradict the report's (either side empty, or equal). */
static enum fc_rc match_agent(struct store *s, int64_t org, const struct ingest_report *r,
                              struct mrow *m, char *err)
{
	enum fc_rc rc;

	rc = store_exec(s, ST_MATCH_AGENT,
	                MATCH_COLS "WHERE org_id = ?1 AND agent_id = ?2 AND agent_id <> ''"
	                           " AND (hw_uuid = '' OR ?3 = '' OR hw_uuid = ?3)"
	                           " AND (machine_id = '' OR ?4 = '' OR machine_id = ?4)"
	                           " ORDER BY last_seen DESC, id DESC LIMIT 1",
	                STORE_ARGS(STORE_INT(org), STORE_TEXT(r->agent_id), STORE_TEXT(r->hw_uuid),
	                           STORE_TEXT(r->machine_id)),
	                match_row, m, "finding the machine", err);
	return rc;
}

/* Finds the report's machine by the rules of docs/identity.md, in order;
 * *found false: rule 4, a new machine. */
static enum fc_rc identify(struct store *s, int64_t org, const struct ingest_report *r,
                           struct mrow *m, bool *found, char *err)
{
	enum fc_rc rc = FC_OK;

	memset(m, 0, sizeof(*m));
	if (r->hw_uuid[0])
		rc = match_hw(s, org, r, m, err);
	if (!rc && !m->found && r->machine_id[0])
		rc = match_mid(s, org, r, m, err);
	if (!rc && !m->found && r->agent_id[0])
		rc = match_agent(s, org, r, m, err);
	*found = m->found;
	return rc;
}

/* ---- software lists ---- */

static int sw_cmp(const void *pa, const void *pb)
{
	const struct ingest_sw *a = *(const struct ingest_sw *const *)pa;
	const struct ingest_sw *b = *(const struct ingest_sw *const *)pb;
	int c;

	c = strcmp(nz(a->name), nz(b->name));
	if (!c)
		c = strcmp(nz(a->version), nz(b->version));
	if (!c)
		c = strcmp(nz(a->arch), nz(b->arch));
	if (!c)
		c = strcmp(nz(a->publisher), nz(b->publisher));
	if (!c)
		c = strcmp(nz(a->from), nz(b->from));
	return c;
}

/* The list's identity: SHA-256 over its entries in sorted order, each field
 * NUL-terminated (fields hold no NUL). */
static void list_hash(const struct ingest_sw *const *sorted, size_t n,
                      unsigned char hash[SHA256_LEN])
{
	struct sha256 c;
	size_t i;

	ingest_sw_digest_init(&c);
	for (i = 0; i < n; i++)
		ingest_sw_digest_entry(&c, sorted[i]);
	sha256_final(&c, hash);
}

/* Looks up the list with this hash: *id 0 when there is none. */
static enum fc_rc list_find(struct store *s, const unsigned char hash[SHA256_LEN], int64_t *id,
                            char *err)
{
	struct store_int v = {0, false};
	enum fc_rc rc;

	rc = store_exec(s, ST_LIST_FIND, "SELECT id FROM software_lists WHERE hash = ?1",
	                STORE_ARGS(STORE_BLOB(hash, SHA256_LEN)), store_row_int, &v,
	                "finding a software list", err);
	*id = v.v;
	return rc;
}

static enum fc_rc list_insert_items(struct store *s, int64_t id,
                                    const struct ingest_sw *const *sorted, size_t n, char *err)
{
	const struct ingest_sw *sw;
	enum fc_rc rc = FC_OK;
	size_t i;

	for (i = 0; !rc && i < n; i++) {
		sw = sorted[i];
		rc = store_exec(s, ST_ITEM_INSERT,
		                "INSERT INTO software_items(list_id, seq, name, version, arch,"
		                " publisher, \"from\") VALUES (?1, ?7, ?2, ?3, ?4, ?5, ?6)",
		                STORE_ARGS(STORE_INT(id), STORE_TEXT(nz(sw->name)),
		                           STORE_TEXT(nz(sw->version)), STORE_TEXT(nz(sw->arch)),
		                           STORE_TEXT(nz(sw->publisher)), STORE_TEXT(nz(sw->from)),
		                           STORE_INT((int64_t)i)),
		                NULL, NULL, "storing software", err);
	}
	return rc;
}

static enum fc_rc list_insert(struct store *s, const unsigned char hash[SHA256_LEN],
                              const struct ingest_sw *const *sorted, size_t n, int64_t *id,
                              char *err)
{
	enum fc_rc rc;

	rc =
	    store_exec(s, ST_LIST_INSERT, "INSERT INTO software_lists(hash, count) VALUES (?1, ?2)",
	               STORE_ARGS(STORE_BLOB(hash, SHA256_LEN), STORE_INT((int64_t)n)), NULL, NULL,
	               "storing a software list", err);
	if (!rc)
		*id = sqlite3_last_insert_rowid(s->db);
	if (!rc)
		rc = list_insert_items(s, *id, sorted, n, err);
	return rc;
}

/* Looks up the list whose entries in received order have digest d (*id 0:
 * none); with add, records that list *id has that digest. */
static enum fc_rc list_digest(struct store *s, const unsigned char d[SHA256_LEN], bool add,
                              int64_t *id, char *err)
{
	struct store_int v = {0, false};
	enum fc_rc rc;

	if (add)
		rc = store_exec(s, ST_DIGEST_ADD,
		                "INSERT OR IGNORE INTO software_list_digests(digest, list_id)"
		                " VALUES (?1, ?2)",
		                STORE_ARGS(STORE_BLOB(d, SHA256_LEN), STORE_INT(*id)), NULL, NULL,
		                "finding a software list by digest", err);
	rc = store_exec(s, ST_DIGEST_FIND,
	                "SELECT list_id FROM software_list_digests WHERE digest = ?1",
	                STORE_ARGS(STORE_BLOB(d, SHA256_LEN)), store_row_int, &v,
	                "finding a software list by digest", err);
	*id = v.v;
	return rc;
	return rc;
}

/* Sets *id to the stored list equal to the report's software (storing it
 * when new); 0 when the report's software section is not ok. A list whose
 * received-order digest was seen before is found by it (most machines run
 * a few images); otherwise by its sorted-order hash, so that the same
 * entries in another order share the list. */
static enum fc_rc list_for(struct store *s, const struct ingest_report *r, int64_t *id, char *err)
{
	const struct ingest_sw **sorted;
	unsigned char hash[SHA256_LEN];
	enum fc_rc rc;
	size_t i;

	*id = 0;
	if (!r->software_ok)
		return FC_OK;
	if (r->has_digest) {
		rc = list_digest(s, r->sw_digest, false, id, err);
		if (rc || *id)
			return rc;
	}
	sorted = xcalloc(r->n_sw ? r->n_sw : 1, sizeof(*sorted));
	for (i = 0; i < r->n_sw; i++)
		sorted[i] = &r->sw[i];
	qsort(sorted, r->n_sw, sizeof(*sorted), sw_cmp);
	list_hash(sorted, r->n_sw, hash);
	rc = list_find(s, hash, id, err);
	if (!rc && !*id)
		rc = list_insert(s, hash, sorted, r->n_sw, id, err);
	if (!rc && r->has_digest)
		rc = list_digest(s, r->sw_digest, true, id, err);
	free(sorted);
	return rc;
}

enum fc_rc store_lists_gc_all(struct store *s, char *err)
{
	return store_run(s, ST_LIST_GC_ALL,
	                 "DELETE FROM software_lists WHERE NOT EXISTS"
	                 " (SELECT 1 FROM machines m WHERE m.software_list_id = software_lists.id)",
	                 "deleting unused software lists", err);
}

/* Deletes list id when no machine uses it any more. */
static enum fc_rc list_gc(struct store *s, int64_t id, char *err)
{
	enum fc_rc rc;

	rc = store_exec(s, ST_LIST_GC,
	                "DELETE FROM software_lists WHERE id = ?1"
	                " AND NOT EXISTS (SELECT 1 FROM machines WHERE software_list_id = ?1)",
	                STORE_ARGS(STORE_INT(id)), NULL, NULL, "deleting an unused software list",
	                err);
	return rc;
}

/* ---- machines and reports ---- */

static enum fc_rc machine_insert(struct store *s, int64_t org, const struct ingest_report *r,
                                 int64_t received_at, int64_t list_id, const struct os_class *cls,
                                 struct mrow *m, char *err)
{
	enum fc_rc rc;

	rc = make_public_id(m->public_id);
	if (!rc)
		rc = store_exec(
		    s, ST_MACHINE_INSERT,
		    "INSERT INTO machines(org_id, public_id, hw_uuid, machine_id, agent_id,"
		    " hostname, deviceid, collected_at, collected_ts, first_seen,"
		    " last_seen, report_id, os_json, software_ok, "
		    "software_list_id, " STORE_CLASS_COLS ", software_digest, order_ts"
		    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12,"
		    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
		    STORE_ARGS(STORE_INT(org), STORE_TEXT(m->public_id), STORE_TEXT(r->hw_uuid),
		               STORE_TEXT(r->machine_id), STORE_TEXT(r->agent_id),
		               STORE_TEXT(nz(r->hostname)), STORE_TEXT(nz(r->deviceid)),
		               STORE_TEXT(r->collected_at), STORE_INT(r->collected_ts),
		               STORE_INT(received_at), STORE_TEXT(r->report_id),
		               STORE_TEXT(nz(r->os_json)), STORE_INT(r->software_ok),
		               STORE_ID(list_id), STORE_CLASS(cls),
		               STORE_BLOB(digest_of(r), SHA256_LEN), STORE_INT(m->order_ts)),
		    NULL, NULL, "storing a new machine", err);
	if (!rc)
		m->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

/* The indexed columns of a machine update (identity keys, host name, list)
 * are written only when they change: SQLite rewrites the entries of every
 * index whose column is SET, even to the same value, and each rewritten
 * index page is another WAL page per report (bench/profiles/). */
static enum fc_rc machine_keys(struct store *s, const struct mrow *m, const struct ingest_report *r,
                               int64_t list_id, char *err)
{
	enum fc_rc rc;

	rc = store_exec(s, ST_MACHINE_KEYS,
	                "UPDATE machines SET"
	                " hw_uuid = CASE WHEN ?2 <> '' THEN ?2 ELSE hw_uuid END,"
	                " machine_id = CASE WHEN ?3 <> '' THEN ?3 ELSE machine_id END,"
	                " agent_id = CASE WHEN ?4 <> '' THEN ?4 ELSE agent_id END,"
	                " hostname = ?5, software_list_id = ?6 WHERE id = ?1 AND NOT"
	                " ((?2 = '' OR hw_uuid = ?2) AND (?3 = '' OR machine_id = ?3)"
	                " AND (?4 = '' OR agent_id = ?4) AND hostname = ?5"
	                " AND software_list_id IS ?6)",
	                STORE_ARGS(STORE_INT(m->id), STORE_TEXT(r->hw_uuid),
	                           STORE_TEXT(r->machine_id), STORE_TEXT(r->agent_id),
	                           STORE_TEXT(nz(r->hostname)), STORE_ID(list_id)),
	                NULL, NULL, "updating a machine's keys", err);
	return rc;
}

/* True when machine_keys would change nothing (its WHERE, in C, on the
 * keys match_row read). */
static bool keys_same(const struct mrow *m, const struct ingest_report *r, int64_t list_id)
{
	return m->keys_known && (!r->hw_uuid[0] || !strcmp(m->hw_uuid, r->hw_uuid)) &&
	       (!r->machine_id[0] || !strcmp(m->machine_id, r->machine_id)) &&
	       (!r->agent_id[0] || !strcmp(m->agent_id, r->agent_id)) &&
	       !strcmp(m->hostname, nz(r->hostname)) && m->list_id == list_id;
}

/* The report is the machine's newest: its facts replace the stored ones,
 * and its non-empty keys replace the machine's. */
static enum fc_rc machine_update(struct store *s, const struct mrow *m,
                                 const struct ingest_report *r, int64_t received_at,
                                 int64_t list_id, const struct os_class *cls, char *err)
{
	enum fc_rc rc = FC_OK;

	if (!keys_same(m, r, list_id))
		rc = machine_keys(s, m, r, list_id, err);
	if (!rc)
		rc = store_exec(
		    s, ST_MACHINE_UPDATE,
		    "UPDATE machines SET"
		    " deviceid = ?2, collected_at = ?3, collected_ts = ?4,"
		    " last_seen = ?5, report_id = ?6, os_json = ?7, software_ok = ?8,"
		    " os_family = ?9, os_id = ?10, os_product = ?11,"
		    " os_edition = ?12, os_version = ?13, os_build = ?14, os_release = ?15,"
		    " os_service_pack = ?16, arch = ?17, class_flagged = ?18,"
		    " class_reason = ?19, software_digest = ?20, order_ts = ?21 WHERE id = ?1",
		    STORE_ARGS(STORE_INT(m->id), STORE_TEXT(nz(r->deviceid)),
		               STORE_TEXT(r->collected_at), STORE_INT(r->collected_ts),
		               STORE_INT(received_at), STORE_TEXT(r->report_id),
		               STORE_TEXT(nz(r->os_json)), STORE_INT(r->software_ok),
		               STORE_CLASS(cls), STORE_BLOB(digest_of(r), SHA256_LEN),
		               STORE_INT(m->order_ts)),
		    NULL, NULL, "updating a machine", err);
	return rc;
}

/* The report is older than the machine's newest: it only fills keys the
 * machine does not have yet. */
static enum fc_rc machine_fill(struct store *s, const struct mrow *m, const struct ingest_report *r,
                               char *err)
{
	enum fc_rc rc;

	rc = store_exec(s, ST_MACHINE_FILL,
	                "UPDATE machines SET"
	                " hw_uuid = CASE WHEN hw_uuid = '' THEN ?2 ELSE hw_uuid END,"
	                " machine_id = CASE WHEN machine_id = '' THEN ?3 ELSE machine_id END,"
	                " agent_id = CASE WHEN agent_id = '' THEN ?4 ELSE agent_id END"
	                " WHERE id = ?1",
	                STORE_ARGS(STORE_INT(m->id), STORE_TEXT(r->hw_uuid),
	                           STORE_TEXT(r->machine_id), STORE_TEXT(r->agent_id)),
	                NULL, NULL, "updating a machine's ids", err);
	return rc;
}

/* Sets res->duplicate (and the machine) when the organisation received this
 * report_id before. */
static enum fc_rc report_dup(struct store *s, int64_t org, const struct ingest_report *r,
                             struct store_put_result *res, char *err)
{
	struct mrow m;
	enum fc_rc rc;

	memset(&m, 0, sizeof(m));
	rc =
	    store_exec(s, ST_REPORT_DUP,
	               "SELECT m.id, m.public_id, m.order_ts, m.software_list_id, m.software_digest"
	               " FROM reports r JOIN machines m ON m.id = r.machine"
	               " WHERE r.org_id = ?1 AND r.report_id = ?2",
	               STORE_ARGS(STORE_INT(org), STORE_TEXT(r->report_id)), match_row, &m,
	               "finding the machine", err);
	if (!rc && m.found) {
		res->duplicate = true;
		res->machine_id = m.id;
		memcpy(res->machine, m.public_id, sizeof(res->machine));
	}
	return rc;
}

static enum fc_rc report_insert(struct store *s, int64_t org, const struct ingest_report *r,
                                int64_t machine, int64_t received_at, bool stale, char *err)
{
	enum fc_rc rc;

	rc =
	    store_exec(s, ST_REPORT_INSERT,
	               "INSERT INTO reports(org_id, report_id, machine, collected_at, collected_ts,"
	               " received_at, body_bytes, json_bytes, stale)"
	               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	               STORE_ARGS(STORE_INT(org), STORE_TEXT(r->report_id), STORE_INT(machine),
	                          STORE_TEXT(r->collected_at), STORE_INT(r->collected_ts),
	                          STORE_INT(received_at), STORE_INT((int64_t)r->body_bytes),
	                          STORE_INT((int64_t)r->json_bytes), STORE_INT(stale)),
	               NULL, NULL, "recording a report", err);
	return rc;
}

/* Stores the report's machine (in the caller's transaction): a new one, or
 * the matched one's facts when the report is its newest (ties: the later
 * arrival wins), or only its missing keys when the report is older. */
static enum fc_rc put_machine(struct store *s, int64_t org, const struct ingest_report *r,
                              int64_t received_at, struct mrow *m, struct store_put_result *res,
                              char *err)
{
	struct os_class cls;
	int64_t list_id = 0, order_ts;
	bool found = false;
	enum fc_rc rc;

	rc = identify(s, org, r, m, &found, err);
	if (rc)
		return rc;
	if (r->software_unchanged &&
	    (!found || !m->has_digest || memcmp(m->digest, r->sw_digest, SHA256_LEN))) {
		res->resend_full = true; /* docs/protocol.md: 409, nothing stored */
		return FC_OK;
	}
	order_ts = r->collected_ts;
	if (order_ts > received_at + s->clock_skew)
		order_ts = received_at + s->clock_skew;
	if (found && order_ts < m->order_ts) {
		res->stale = true;
		return machine_fill(s, m, r, err);
	}
	if (r->software_unchanged)
		list_id = m->list_id;
	else
		rc = list_for(s, r, &list_id, err);
	if (rc)
		return rc;
	store_classify(r->os_json, &cls);
	m->order_ts = order_ts;
	if (!found) {
		res->new_machine = true;
		rc = machine_insert(s, org, r, received_at, list_id, &cls, m, err);
		if (!rc)
			rc = store_ready_put(s, m->id, &cls, r->hw_json, err);
		/* after its facts (hw_json: the serial) are stored */
		return rc ? rc : store_sighting_adopt(s, org, m->id, err);
	}
	rc = machine_update(s, m, r, received_at, list_id, &cls, err);
	if (!rc)
		rc = store_ready_put(s, m->id, &cls, r->hw_json, err);
	if (!rc && m->list_id && m->list_id != list_id)
		rc = list_gc(s, m->list_id, err);
	return rc;
}

/* The daily snapshot, taken by the day's first report (UTC), of the
 * machines as they were before it; those not seen for 30 days are left out. */
static enum fc_rc snapshot_first(struct store *s, int64_t received_at, char *err)
{
	char date[FCTIME_DATE_LEN];
	bool taken;

	if (!fctime_format_date(received_at, date))
		return FC_OK;
	return store_snapshot_tx(s, date, received_at - STORE_SNAPSHOT_WINDOW, false, &taken, err);
}

/* Stores one report inside the open transaction; on failure (or a short
 * report to refuse) the caller rolls its savepoint back. With snapshot, the
 * day's snapshot is taken first if it is not yet. */
static enum fc_rc put_one(struct store *s, int64_t org_id, const struct ingest_report *r,
                          int64_t received_at, bool snapshot, struct store_put_result *res,
                          char *err)
{
	struct mrow m;
	enum fc_rc rc;

	memset(res, 0, sizeof(*res));
	memset(&m, 0, sizeof(m));
	if (!r->report_id[0]) { /* ingest_decode never lets one through */
		store_fail(err, "a report without report_id cannot be stored");
		return FC_EDB;
	}
	rc = report_dup(s, org_id, r, res, err);
	if (rc || res->duplicate)
		return rc;
	rc = snapshot ? snapshot_first(s, received_at, err) : FC_OK;
	if (!rc)
		rc = put_machine(s, org_id, r, received_at, &m, res, err);
	if (!rc && !res->resend_full)
		rc = report_insert(s, org_id, r, m.id, received_at, res->stale, err);
	if (!rc && !res->resend_full) {
		res->machine_id = m.id;
		memcpy(res->machine, m.public_id, sizeof(res->machine));
	}
	return rc;
}

enum fc_rc store_put_batch(struct store *s, struct store_put_job *jobs, size_t n, char *err)
{
	struct store_put_job *j;
	int64_t snap_day = -1; /* the UTC day whose snapshot this batch has seen to */
	enum fc_rc rc;
	size_t i;

	if (err)
		err[0] = '\0';
	rc = store_begin(s, err);
	for (i = 0; !rc && i < n; i++) {
		j = &jobs[i];
		j->err[0] = '\0';
		j->rc = store_run(s, ST_SAVEPOINT, "SAVEPOINT one_report", "starting a savepoint",
		                  j->err);
		if (j->rc) {
			rc = j->rc;
			snprintf(err ? err : j->err, FC_ERRLEN, "%s", j->err);
			break;
		}
		j->rc = put_one(s, j->org_id, j->r, j->received_at,
		                j->received_at / 86400 != snap_day, &j->res, j->err);
		snap_day = j->received_at / 86400;
		if (j->rc || j->res.resend_full) {
			snap_day = -1; /* a snapshot it took is rolled back with it */
			rc = store_run(s, ST_ROLLBACK_TO, "ROLLBACK TO one_report",
			               "rolling back a report", err);
			if (j->rc)
				memset(&j->res, 0, sizeof(j->res));
		}
		if (!rc)
			rc = store_run(s, ST_RELEASE, "RELEASE one_report", "ending a savepoint",
			               err);
	}
	if (!rc)
		rc = store_commit(s, err);
	if (rc) {
		store_rollback(s);
		for (i = 0; i < n; i++) {
			jobs[i].rc = rc;
			memset(&jobs[i].res, 0, sizeof(jobs[i].res));
			snprintf(jobs[i].err, FC_ERRLEN, "%s", err ? err : "transaction failed");
		}
	}
	return rc;
}

enum fc_rc store_put_report(struct store *s, int64_t org_id, const struct ingest_report *r,
                            int64_t received_at, struct store_put_result *res, char *err)
{
	struct store_put_job job;
	enum fc_rc rc;

	memset(&job, 0, sizeof(job));
	job.org_id = org_id;
	job.r = r;
	job.received_at = received_at;
	rc = store_put_batch(s, &job, 1, err);
	*res = job.res;
	if (!rc && job.rc && err)
		snprintf(err, FC_ERRLEN, "%s", job.err);
	return rc ? rc : job.rc;
}

void store_set_clock_skew(struct store *s, int64_t seconds)
{
	s->clock_skew = seconds < 0 ? 0 : seconds;
}

/* ---- reading ---- */

/* The caller's callback of store_machine_each. */
struct machine_each {
	store_machine_cb cb;
	void *ctx;
};

static enum fc_rc machine_row(sqlite3_stmt *st, void *ctx)
{
	const struct machine_each *e = ctx;
	struct store_machine m;

	m.org = store_col(st, 0);
	m.machine = store_col(st, 1);
	m.hostname = store_col(st, 2);
	m.collected_at = store_col(st, 3);
	m.last_seen = sqlite3_column_int64(st, 4);
	m.hw_uuid = store_col(st, 5);
	m.machine_id = store_col(st, 6);
	m.agent_id = store_col(st, 7);
	m.os_json = store_col(st, 8);
	m.software_count = sqlite3_column_int64(st, 9);
	m.os_family = store_col(st, 10);
	m.os_id = store_col(st, 11);
	m.os_product = store_col(st, 12);
	m.os_edition = store_col(st, 13);
	m.os_version = store_col(st, 14);
	m.os_build = store_col(st, 15);
	m.os_release = store_col(st, 16);
	m.os_service_pack = store_col(st, 17);
	m.arch = store_col(st, 18);
	m.class_flagged = sqlite3_column_int(st, 19) != 0;
	m.class_reason = store_col(st, 20);
	m.evidence = store_col(st, 21);
	return e->cb(&m, e->ctx);
}

enum fc_rc store_machine_each(struct store *s, int64_t org_id, store_machine_cb cb, void *ctx,
                              char *err)
{
	return store_machine_find(s, org_id, NULL, NULL, cb, ctx, err);
}

enum fc_rc store_machine_find(struct store *s, int64_t org_id, const char *host_pattern,
                              const char *software_pattern, store_machine_cb cb, void *ctx,
                              char *err)
{
	char *host = host_pattern ? store_like_pattern(host_pattern) : NULL;
	char *sw = software_pattern ? store_like_pattern(software_pattern) : NULL;
	enum fc_rc rc;

	struct machine_each e = {cb, ctx};

	rc = store_exec(s, ST_MACHINE_EACH,
	                "SELECT o.name, m.public_id, m.hostname, m.collected_at, m.last_seen,"
	                " m.hw_uuid, m.machine_id, m.agent_id, m.os_json,"
	                " CASE WHEN m.software_ok THEN coalesce(l.count, 0) ELSE -1 END,"
	                " m.os_family, m.os_id, m.os_product, m.os_edition, m.os_version,"
	                " m.os_build, m.os_release, m.os_service_pack, m.arch,"
	                " m.class_flagged, m.class_reason, m.evidence"
	                " FROM machines m JOIN organisations o ON o.id = m.org_id"
	                " LEFT JOIN software_lists l ON l.id = m.software_list_id"
	                " WHERE (?1 = 0 OR m.org_id = ?1)"
	                " AND (?2 IS NULL OR m.hostname LIKE ?2 ESCAPE '\\')"
	                " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM software_items i"
	                " WHERE i.list_id = m.software_list_id AND i.name LIKE ?3 ESCAPE '\\'))"
	                " ORDER BY o.name, m.hostname, m.public_id",
	                STORE_ARGS(STORE_INT(org_id), STORE_TEXT(host), STORE_TEXT(sw)),
	                machine_row, &e, "listing machines", err);
	free(host);
	free(sw);
	return rc;
}

enum fc_rc store_report_count(struct store *s, int64_t *count, char *err)
{
	struct store_int v = {0, false};
	enum fc_rc rc;

	rc = store_exec(s, ST_REPORT_COUNT, "SELECT count(*) FROM reports", STORE_NOARGS,
	                store_row_int, &v, "counting reports", err);
	*count = v.v;
	return rc;
}

enum fc_rc store_prune_reports(struct store *s, int64_t cutoff, int64_t *deleted, char *err)
{
	enum fc_rc rc;

	*deleted = 0;
	rc = store_exec(s, ST_REPORT_PRUNE, "DELETE FROM reports WHERE received_at < ?1",
	                STORE_ARGS(STORE_INT(cutoff)), NULL, NULL, "deleting old report records",
	                err);
	if (!rc)
		*deleted = sqlite3_changes64(s->db);
	return rc;
}
