/* store_sighting.c - sightings of other inventory sources, matched to
 * machines (store_sighting.h, docs/identity.md "Sightings"). */
#include "store_sighting.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "classify.h"
#include "store_int.h"
#include "uuid.h"
#include "xalloc.h"

#define MAX_CAND 4

/* The distinct machines a match query returns. */
struct cands {
	int64_t id[MAX_CAND];
	bool agent[MAX_CAND];
	int n;
};

static enum fc_rc cand_row(sqlite3_stmt *st, void *ctx)
{
	struct cands *c = ctx;
	int64_t id = sqlite3_column_int64(st, 0);
	int i;

	for (i = 0; i < c->n; i++)
		if (c->id[i] == id)
			return FC_OK;
	if (c->n < MAX_CAND) {
		c->agent[c->n] = sqlite3_column_int(st, 1) != 0;
		c->id[c->n++] = id;
	}
	return FC_OK;
}

/* Random (version 4) UUID for a new machine's public id. */
static enum fc_rc public_id(char out[37])
{
	char hex[AUTH_TOKEN_LEN + 1];
	enum fc_rc rc = auth_token_new(hex);

	if (rc)
		return rc;
	hex[12] = '4';
	hex[16] = "89ab"[hex[16] & 3];
	uuid_format(hex, out);
	return FC_OK;
}

#define PEER_SQL(cond)                                                                             \
	"SELECT DISTINCT s.machine, m.evidence = 'agent' FROM sightings s JOIN machines m"         \
	" ON m.id = s.machine WHERE s.org_id = ?1 AND s.id <> ?2 AND s.counted AND " cond

/* Finds the candidates of sighting id (row w) by the first key that has
 * any: hardware UUID, serial with maker, host in its DNS domain. */
static enum fc_rc match(struct store *s, int64_t org, int64_t id, const struct sighting *w,
                        struct cands *c, char *err)
{
	char fqdn[600];
	enum fc_rc rc = FC_OK;

	memset(c, 0, sizeof(*c));
	snprintf(fqdn, sizeof(fqdn), "%s.%s", w->host, w->domain);
	if (*w->hw_uuid) {
		rc = store_exec(s, ST_SIGHT_AGENT_HW,
		                "SELECT id, 1 FROM machines WHERE org_id = ?1 AND hw_uuid = ?2"
		                " AND evidence = 'agent'",
		                STORE_ARGS(STORE_INT(org), STORE_TEXT(w->hw_uuid)), cand_row, c,
		                "match", err);
		if (!rc && !c->n)
			rc = store_exec(
			    s, ST_SIGHT_PEER_HW, PEER_SQL("s.hw_uuid = ?3"),
			    STORE_ARGS(STORE_INT(org), STORE_INT(id), STORE_TEXT(w->hw_uuid)),
			    cand_row, c, "match", err);
	}
	if (!rc && !c->n && *w->serial)
		rc = store_exec(
		    s, ST_SIGHT_AGENT_SERIAL,
		    "SELECT id, 1 FROM machines WHERE org_id = ?1 AND evidence = 'agent'"
		    " AND lower(trim(json_extract(hw_json, '$.bios.ssn'))) = ?2"
		    " AND lower(trim(coalesce(json_extract(hw_json,"
		    " '$.bios.smanufacturer'), ''))) = ?3",
		    STORE_ARGS(STORE_INT(org), STORE_TEXT(w->serial), STORE_TEXT(w->maker)),
		    cand_row, c, "match", err);
	if (!rc && !c->n && *w->serial)
		rc = store_exec(s, ST_SIGHT_PEER_SERIAL, PEER_SQL("s.serial = ?3 AND s.maker = ?4"),
		                STORE_ARGS(STORE_INT(org), STORE_INT(id), STORE_TEXT(w->serial),
		                           STORE_TEXT(w->maker)),
		                cand_row, c, "match", err);
	if (!rc && !c->n && *w->domain) {
		rc = store_exec(
		    s, ST_SIGHT_AGENT_HOST,
		    "SELECT id, 1 FROM machines WHERE org_id = ?1 AND lower(hostname) = ?2"
		    " AND evidence = 'agent'"
		    " AND lower(json_extract(iif(json_valid(os_json), os_json, '{}'),"
		    " '$.operatingsystem.fqdn')) = ?3",
		    STORE_ARGS(STORE_INT(org), STORE_TEXT(w->host), STORE_TEXT(fqdn)), cand_row, c,
		    "match", err);
		if (!rc && !c->n)
			rc = store_exec(s, ST_SIGHT_PEER_HOST,
			                PEER_SQL("s.host = ?3 AND s.domain = ?4"),
			                STORE_ARGS(STORE_INT(org), STORE_INT(id),
			                           STORE_TEXT(w->host), STORE_TEXT(w->domain)),
			                cand_row, c, "match", err);
	}
	return rc;
}

/* Makes a machine for a sighting that matches none; its facts are set by
 * refresh. */
static enum fc_rc new_machine(struct store *s, int64_t org, const struct sighting *w, int64_t now,
                              int64_t *id, char *err)
{
	char pid[37];
	enum fc_rc rc = public_id(pid);

	if (rc) {
		store_fail(err, "cannot make a machine id");
		return rc;
	}
	rc = store_exec(
	    s, ST_SIGHT_MACHINE_NEW,
	    "INSERT INTO machines(org_id, public_id, hostname, deviceid, collected_at,"
	    " collected_ts, first_seen, last_seen, report_id, os_json, software_ok,"
	    " evidence) VALUES (?1, ?2, ?3, '', '', 0, ?4, ?4, '', '{}', 0, 'directory')",
	    STORE_ARGS(STORE_INT(org), STORE_TEXT(pid), STORE_TEXT(w->host), STORE_INT(now)), NULL,
	    NULL, "add a machine", err);
	*id = rc ? 0 : sqlite3_last_insert_rowid(s->db);
	return rc;
}

/* The machine sighting id (row w, now linked to cur, 0 for none) belongs
 * to; *ambiguous when two or more candidates were found. */
static enum fc_rc resolve(struct store *s, int64_t org, int64_t sid, int64_t cur,
                          const struct sighting *w, int64_t now, int64_t *m, bool *ambiguous,
                          bool *agent, char *err)
{
	struct cands c;
	int i, agents = 0, which = 0;
	enum fc_rc rc = match(s, org, sid, w, &c, err);

	*m = 0;
	*ambiguous = *agent = false;
	if (rc)
		return rc;
	for (i = 0; i < c.n; i++)
		if (c.agent[i]) {
			agents++;
			which = i;
		}
	if (c.n == 1 || agents == 1) {
		*m = c.id[c.n == 1 ? 0 : which];
		*agent = c.n == 1 ? c.agent[0] : true;
	} else if (c.n > 1)
		*ambiguous = true;
	if (!*m && cur)
		*m = cur; /* unmatched or ambiguous: keep its own machine */
	if (!*m)
		rc = new_machine(s, org, w, now, m, err);
	return rc;
}

struct upserted {
	int64_t id, machine;
	bool changed;
};

static enum fc_rc upsert_row(sqlite3_stmt *st, void *ctx)
{
	struct upserted *u = ctx;

	u->id = sqlite3_column_int64(st, 0);
	u->machine = sqlite3_column_int64(st, 1);
	u->changed = sqlite3_column_int(st, 2) != 0;
	return FC_OK;
}

/* Stores row w of the snapshot and links it to its machine. */
static enum fc_rc put_row(struct store *s, int64_t org, const char *source, enum source_evidence ev,
                          const struct sighting *w, int64_t now, int64_t dir_window,
                          struct store_sight_result *res, char *err)
{
	bool counted = w->enabled && (ev != SOURCE_DIRECTORY || w->last_seen >= now - dir_window);
	struct upserted u = {0, 0, false};
	bool ambiguous = false, agent = false;
	int64_t m = 0;
	enum fc_rc rc;

	rc = store_exec(
	    s, ST_SIGHT_UPSERT,
	    "INSERT INTO sightings(org_id, source, evidence, skey, host, domain, hw_uuid, serial,"
	    " maker, os_name, os_version, os_sp, arch, enabled, last_logon, counted, imported)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
	    " ON CONFLICT (org_id, source, skey) DO UPDATE SET changed = (host, domain,"
	    " hw_uuid, serial, maker, os_name, os_version, os_sp, arch, enabled, counted) IS NOT"
	    " (excluded.host, excluded.domain, excluded.hw_uuid, excluded.serial, excluded.maker,"
	    " excluded.os_name, excluded.os_version, excluded.os_sp, excluded.arch,"
	    " excluded.enabled, excluded.counted), host = excluded.host,"
	    " domain = excluded.domain, hw_uuid = excluded.hw_uuid, serial = excluded.serial,"
	    " maker = excluded.maker, os_name = excluded.os_name, os_version = excluded.os_version,"
	    " os_sp = excluded.os_sp, arch = excluded.arch, enabled = excluded.enabled,"
	    " last_logon = excluded.last_logon, counted = excluded.counted,"
	    " imported = excluded.imported RETURNING id, machine, changed",
	    STORE_ARGS(STORE_INT(org), STORE_TEXT(source), STORE_INT(ev), STORE_TEXT(w->key),
	               STORE_TEXT(w->host), STORE_TEXT(w->domain), STORE_TEXT(w->hw_uuid),
	               STORE_TEXT(w->serial), STORE_TEXT(w->maker), STORE_TEXT(w->os_name),
	               STORE_TEXT(w->os_version), STORE_TEXT(w->os_sp), STORE_TEXT(w->arch),
	               STORE_INT(w->enabled), STORE_INT(w->last_seen), STORE_INT(counted),
	               STORE_INT(now)),
	    upsert_row, &u, "store a sighting", err);
	if (!rc && !u.changed && (u.machine || !counted)) {
		res->counted += counted;
		return FC_OK; /* as it was: it keeps its machine */
	}
	if (!rc && counted)
		rc = resolve(s, org, u.id, u.machine, w, now, &m, &ambiguous, &agent, err);
	if (rc)
		return rc;
	res->counted += counted;
	res->ambiguous += ambiguous;
	res->agent += agent;
	return store_exec(
	    s, ST_SIGHT_LINK,
	    "UPDATE sightings SET machine = ?2, ambiguous = ?3, changed = 1 WHERE id = ?1",
	    STORE_ARGS(STORE_INT(u.id), STORE_ID(m), STORE_INT(ambiguous)), NULL, NULL,
	    "link a sighting", err);
}

/* The raw facts of a machine made from its best sighting, in the form of
 * an agent's (content.operatingsystem), so that classify reads them. */
static const char *edition_id(const char *name)
{
	static const struct {
		const char *word, *id;
	} ed[] = {{"Enterprise LTSC", "EnterpriseS"},
	          {"Enterprise 2016 LTSB", "EnterpriseS"},
	          {"Enterprise N", "EnterpriseN"},
	          {"Enterprise", "Enterprise"},
	          {"Education", "Education"},
	          {"Pro for Workstations", "ProfessionalWorkstation"},
	          {"Pro Education", "ProfessionalEducation"},
	          {"Pro N", "ProfessionalN"},
	          {"Pro", "Professional"},
	          {"Home", "Core"},
	          {"IoT Enterprise", "IoTEnterprise"}};
	size_t i;

	if (!strncmp(name, "Windows XP", 10) || strstr(name, "Server"))
		return NULL; /* these names carry their edition (facts a.2) */
	for (i = 0; i < sizeof(ed) / sizeof(ed[0]); i++)
		if (strstr(name, ed[i].word))
			return ed[i].id;
	return NULL;
}

static char *synth_json(sqlite3_stmt *st)
{
	cJSON *doc = cJSON_CreateObject(), *os = cJSON_AddObjectToObject(doc, "operatingsystem");
	const char *name = store_col(st, 3);
	unsigned major, minor, build;
	char fqdn[600], *out;

	snprintf(fqdn, sizeof(fqdn), "%s%s%s", store_col(st, 1), *store_col(st, 2) ? "." : "",
	         store_col(st, 2));
	if (!strncasecmp(name, "Microsoft ", 10))
		name += 10;
	cJSON_AddStringToObject(os, "full_name", name);
	cJSON_AddStringToObject(os, "fqdn", fqdn);
	if (*store_col(st, 5))
		cJSON_AddStringToObject(os, "service_pack", store_col(st, 5));
	if (*store_col(st, 6))
		cJSON_AddStringToObject(os, "arch", store_col(st, 6));
	if (!strncasecmp(name, "Windows", 7) &&
	    sscanf(store_col(st, 4), "%5u.%5u.%5u", &major, &minor, &build) == 3) {
		cJSON *fc = cJSON_AddObjectToObject(doc, "fleetcensus");
		cJSON *w = cJSON_AddObjectToObject(fc, "windows");

		cJSON_AddStringToObject(os, "name", "Windows");
		cJSON_AddNumberToObject(w, "major", major);
		cJSON_AddNumberToObject(w, "minor", minor);
		cJSON_AddNumberToObject(w, "build", build);
		cJSON_AddStringToObject(w, "product_name", name);
		cJSON_AddNumberToObject(w, "product_type", strstr(name, "Server") ? 3 : 1);
		if (edition_id(name))
			cJSON_AddStringToObject(w, "edition_id", edition_id(name));
		if (*store_col(st, 5))
			cJSON_AddStringToObject(w, "csd_version", store_col(st, 5));
	} else {
		cJSON_AddStringToObject(os, "version", store_col(st, 4));
	}
	out = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return out;
}

struct best {
	bool found;
	int ev;
	char host[256];
	char *json;
};

static enum fc_rc best_row(sqlite3_stmt *st, void *ctx)
{
	struct best *b = ctx;

	b->found = true;
	b->ev = sqlite3_column_int(st, 0);
	(void)store_col_copy(st, 1, b->host, sizeof(b->host));
	b->json = synth_json(st);
	return b->json ? FC_OK : FC_ENOMEM;
}

/* Removes machine id (made from sightings). */
static enum fc_rc remove_machine(struct store *s, int64_t id, char *err)
{
	return store_exec(s, ST_SIGHT_MACHINE_DEL, "DELETE FROM machines WHERE id = ?1",
	                  STORE_ARGS(STORE_INT(id)), NULL, NULL, "remove a machine", err);
}

/* Sets machine id (made from sightings) from its best sighting, or removes
 * it when it has none that counts. */
static enum fc_rc refresh(struct store *s, int64_t id, int64_t now, char *err)
{
	struct best b = {false, 0, "", NULL};
	struct os_class cls;
	enum fc_rc rc;

	rc = store_exec(s, ST_SIGHT_BEST,
	                "SELECT evidence, host, domain, os_name, os_version, os_sp, arch"
	                " FROM sightings WHERE machine = ?1 AND counted"
	                " ORDER BY evidence, last_logon DESC, id LIMIT 1",
	                STORE_ARGS(STORE_INT(id)), best_row, &b, "read sightings", err);
	if (rc || !b.found) {
		if (!rc)
			rc = remove_machine(s, id, err);
		goto out_free;
	}
	memset(&cls, 0, sizeof(cls));
	store_classify(b.json, &cls);
	rc = store_exec(s, ST_SIGHT_MACHINE_SET,
	                "UPDATE machines SET evidence = ?2, hostname = ?3, os_json = ?4,"
	                " last_seen = ?5, (" STORE_CLASS_COLS ") = (?6, ?7, ?8, ?9, ?10, ?11,"
	                " ?12, ?13, ?14, ?15, ?16) WHERE id = ?1",
	                STORE_ARGS(STORE_INT(id), STORE_TEXT(source_evidence_name(b.ev)),
	                           STORE_TEXT(b.host), STORE_TEXT(b.json), STORE_INT(now),
	                           STORE_CLASS(&cls)),
	                NULL, NULL, "update a machine", err);
out_free:
	cJSON_free(b.json);
	return rc;
}

struct ids {
	int64_t *v;
	size_t n, cap;
};

static enum fc_rc id_row(sqlite3_stmt *st, void *ctx)
{
	struct ids *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = sqlite3_column_int64(st, 0);
	return FC_OK;
}

/* The machines made from sightings whose sightings of source changed in
 * this import (new, changed, relinked, or, with gone, about to be removed)
 * into *l. */
static enum fc_rc touched(struct store *s, int64_t org, const char *source, struct ids *l,
                          char *err)
{
	return store_exec(
	    s, ST_SIGHT_SYNTH,
	    "SELECT DISTINCT m.id FROM sightings s JOIN machines m ON m.id = s.machine"
	    " WHERE s.org_id = ?1 AND s.source = ?2 AND (s.changed OR s.imported = -1)"
	    " AND m.evidence <> 'agent'",
	    STORE_ARGS(STORE_INT(org), STORE_TEXT(source)), id_row, l, "read machines", err);
}

/* refresh for the machines of l, then the time the others of this source
 * were confirmed. */
static enum fc_rc refresh_touched(struct store *s, int64_t org, const char *source,
                                  const struct ids *l, int64_t now, char *err)
{
	enum fc_rc rc = FC_OK;
	size_t i;

	for (i = 0; !rc && i < l->n; i++)
		rc = refresh(s, l->v[i], now, err);
	if (!rc)
		rc = store_exec(
		    s, ST_SIGHT_CONFIRM,
		    "UPDATE machines SET last_seen = ?3 WHERE id IN (SELECT s.machine"
		    " FROM sightings s WHERE s.org_id = ?1 AND s.source = ?2 AND s.counted)"
		    " AND evidence <> 'agent' AND last_seen <> ?3",
		    STORE_ARGS(STORE_INT(org), STORE_TEXT(source), STORE_INT(now)), NULL, NULL,
		    "confirm machines", err);
	if (!rc) /* those whose sightings moved to another machine */
		rc = store_exec(s, ST_SIGHT_ORPHANS,
		                "DELETE FROM machines WHERE org_id = ?1 AND evidence <> 'agent'"
		                " AND NOT EXISTS (SELECT 1 FROM sightings s WHERE s.machine ="
		                " machines.id AND s.counted)",
		                STORE_ARGS(STORE_INT(org)), NULL, NULL, "remove machines", err);
	return rc;
}

enum fc_rc store_sightings_replace(struct store *s, int64_t org_id, const char *source,
                                   enum source_evidence ev, const struct sighting *rows, size_t n,
                                   int64_t now, int64_t dir_window, struct store_sight_result *res,
                                   char *err)
{
	struct ids l = {NULL, 0, 0};
	enum fc_rc rc;
	size_t i;

	memset(res, 0, sizeof(*res));
	res->rows = n;
	/* a snapshot is one large transaction: 128 MiB of page cache keeps it
	 * from spilling pages to the WAL before its commit */
	rc = store_exec(s, STORE_ONCE, "PRAGMA cache_size = -131072", STORE_NOARGS, NULL, NULL,
	                "set the cache size", err);
	if (!rc)
		rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = store_exec(
	    s, ST_SIGHT_MARK,
	    "UPDATE sightings SET imported = -1, changed = 0 WHERE org_id = ?1 AND source = ?2",
	    STORE_ARGS(STORE_INT(org_id), STORE_TEXT(source)), NULL, NULL, "mark sightings", err);
	for (i = 0; !rc && i < n; i++)
		rc = put_row(s, org_id, source, ev, &rows[i], now, dir_window, res, err);
	if (!rc)
		rc = touched(s, org_id, source, &l, err);
	if (!rc)
		rc = store_exec(s, ST_SIGHT_SWEEP,
		                "DELETE FROM sightings WHERE org_id = ?1 AND source = ?2"
		                " AND imported = -1",
		                STORE_ARGS(STORE_INT(org_id), STORE_TEXT(source)), NULL, NULL,
		                "remove sightings", err);
	if (!rc)
		res->removed = (size_t)sqlite3_changes(s->db);
	if (!rc)
		rc = refresh_touched(s, org_id, source, &l, now, err);
	if (!rc)
		rc = store_commit(s, err);
	if (rc)
		store_rollback(s);
	free(l.v);
	return rc;
}

enum fc_rc store_sighting_adopt(struct store *s, int64_t org_id, int64_t machine, char *err)
{
	struct cands c;
	enum fc_rc rc;

	memset(&c, 0, sizeof(c));
	rc = store_exec(
	    s, ST_SIGHT_ADOPT,
	    "SELECT s.machine, 0 FROM machines a, sightings s JOIN machines m ON m.id = s.machine"
	    " WHERE a.id = ?2 AND a.hw_uuid <> '' AND s.org_id = ?1 AND s.hw_uuid = a.hw_uuid"
	    " AND s.counted AND m.evidence <> 'agent' UNION"
	    " SELECT s.machine, 0 FROM machines a, sightings s JOIN machines m ON m.id = s.machine"
	    " WHERE a.id = ?2 AND s.org_id = ?1 AND s.serial <> ''"
	    " AND s.serial = lower(trim(json_extract(a.hw_json, '$.bios.ssn')))"
	    " AND s.maker = lower(trim(coalesce(json_extract(a.hw_json, '$.bios.smanufacturer'), "
	    "'')))"
	    " AND s.counted AND m.evidence <> 'agent' UNION"
	    " SELECT s.machine, 0 FROM machines a, sightings s JOIN machines m ON m.id = s.machine"
	    " WHERE a.id = ?2 AND s.org_id = ?1 AND s.host = lower(a.hostname)"
	    " AND s.domain = substr(lower(json_extract(iif(json_valid(a.os_json), a.os_json, '{}'),"
	    " '$.operatingsystem.fqdn')), length(a.hostname) + 2) AND s.domain <> ''"
	    " AND lower(json_extract(iif(json_valid(a.os_json), a.os_json, '{}'),"
	    " '$.operatingsystem.fqdn')) = s.host || '.' || s.domain"
	    " AND s.counted AND m.evidence <> 'agent'",
	    STORE_ARGS(STORE_INT(org_id), STORE_INT(machine)), cand_row, &c, "match sightings",
	    err);
	if (rc || c.n != 1)
		return rc;
	rc = store_exec(s, ST_SIGHT_MOVE, "UPDATE sightings SET machine = ?2 WHERE machine = ?1",
	                STORE_ARGS(STORE_INT(c.id[0]), STORE_INT(machine)), NULL, NULL,
	                "move sightings", err);
	return rc ? rc : remove_machine(s, c.id[0], err);
}

static enum fc_rc coverage_row(sqlite3_stmt *st, void *ctx)
{
	struct {
		store_coverage_cb cb;
		void *ctx;
	} *c = ctx;
	struct store_coverage v;

	v.org = store_col(st, 0);
	v.machines = sqlite3_column_int64(st, 1);
	v.agent = sqlite3_column_int64(st, 2);
	v.management = sqlite3_column_int64(st, 3);
	v.directory = sqlite3_column_int64(st, 4);
	v.agent_and_directory = sqlite3_column_int64(st, 5);
	v.directory_only = sqlite3_column_int64(st, 6);
	v.agent_only = sqlite3_column_int64(st, 7);
	return c->cb(&v, c->ctx);
}

#define HAS_SIGHTING(ev)                                                                           \
	"EXISTS (SELECT 1 FROM sightings s WHERE s.machine = m.id AND s.counted" ev ")"

enum fc_rc store_coverage_each(struct store *s, int64_t org_id, int64_t since, store_coverage_cb cb,
                               void *ctx, char *err)
{
	struct {
		store_coverage_cb cb;
		void *ctx;
	} c = {cb, ctx};

	return store_exec(
	    s, ST_SIGHT_COVERAGE,
	    "SELECT o.name, count(*), sum(m.evidence = 'agent'),"
	    " sum(" HAS_SIGHTING(
	        " AND s.evidence = 1") "),"
	                               " sum(" HAS_SIGHTING(
	                                   " AND s.evidence = 2") "),"
	                                                          " sum(m.evidence = "
	                                                          "'agent' "
	                                                          "AND " HAS_SIGHTING(
	                                                              " AND "
	                                                              "s.evidence = "
	                                                              "2") "),"
	                                                                   " sum(m."
	                                                                   "evidence "
	                                                                   "= "
	                                                                   "'director"
	                                                                   "y'),"
	                                                                   " sum(m."
	                                                                   "evidence "
	                                                                   "= "
	                                                                   "'agent' "
	                                                                   "AND "
	                                                                   "NOT"
	                                                                   " " HAS_SIGHTING("") ")"
	                                                                                        " "
	                                                                                        "F"
	                                                                                        "R"
	                                                                                        "O"
	                                                                                        "M"
	                                                                                        " "
	                                                                                        "m"
	                                                                                        "a"
	                                                                                        "c"
	                                                                                        "h"
	                                                                                        "i"
	                                                                                        "n"
	                                                                                        "e"
	                                                                                        "s"
	                                                                                        " "
	                                                                                        "m"
	                                                                                        " "
	                                                                                        "J"
	                                                                                        "O"
	                                                                                        "I"
	                                                                                        "N"
	                                                                                        " "
	                                                                                        "o"
	                                                                                        "r"
	                                                                                        "g"
	                                                                                        "a"
	                                                                                        "n"
	                                                                                        "i"
	                                                                                        "s"
	                                                                                        "a"
	                                                                                        "t"
	                                                                                        "i"
	                                                                                        "o"
	                                                                                        "n"
	                                                                                        "s"
	                                                                                        " "
	                                                                                        "o"
	                                                                                        " "
	                                                                                        "O"
	                                                                                        "N"
	                                                                                        " "
	                                                                                        "o"
	                                                                                        "."
	                                                                                        "i"
	                                                                                        "d"
	                                                                                        " "
	                                                                                        "="
	                                                                                        " "
	                                                                                        "m"
	                                                                                        "."
	                                                                                        "o"
	                                                                                        "r"
	                                                                                        "g"
	                                                                                        "_"
	                                                                                        "i"
	                                                                                        "d"
	                                                                                        " "
	                                                                                        "W"
	                                                                                        "H"
	                                                                                        "E"
	                                                                                        "R"
	                                                                                        "E"
	                                                                                        " "
	                                                                                        "("
	                                                                                        "?"
	                                                                                        "1"
	                                                                                        " "
	                                                                                        "="
	                                                                                        " "
	                                                                                        "0"
	                                                                                        " "
	                                                                                        "O"
	                                                                                        "R"
	                                                                                        " "
	                                                                                        "m"
	                                                                                        "."
	                                                                                        "o"
	                                                                                        "r"
	                                                                                        "g"
	                                                                                        "_"
	                                                                                        "i"
	                                                                                        "d"
	                                                                                        " "
	                                                                                        "="
	                                                                                        " "
	                                                                                        "?"
	                                                                                        "1"
	                                                                                        ")"
	                                                                                        " "
	                                                                                        "A"
	                                                                                        "N"
	                                                                                        "D"
	                                                                                        " "
	                                                                                        "m"
	                                                                                        "."
	                                                                                        "l"
	                                                                                        "a"
	                                                                                        "s"
	                                                                                        "t"
	                                                                                        "_"
	                                                                                        "s"
	                                                                                        "e"
	                                                                                        "e"
	                                                                                        "n"
	                                                                                        " "
	                                                                                        ">"
	                                                                                        "="
	                                                                                        " "
	                                                                                        "?"
	                                                                                        "2"
	                                                                                        " "
	                                                                                        "G"
	                                                                                        "R"
	                                                                                        "O"
	                                                                                        "U"
	                                                                                        "P"
	                                                                                        " "
	                                                                                        "B"
	                                                                                        "Y"
	                                                                                        " "
	                                                                                        "o"
	                                                                                        "."
	                                                                                        "i"
	                                                                                        "d"
	                                                                                        " "
	                                                                                        "O"
	                                                                                        "R"
	                                                                                        "D"
	                                                                                        "E"
	                                                                                        "R"
	                                                                                        " "
	                                                                                        "B"
	                                                                                        "Y"
	                                                                                        " "
	                                                                                        "o"
	                                                                                        "."
	                                                                                        "n"
	                                                                                        "a"
	                                                                                        "m"
	                                                                                        "e",
	    STORE_ARGS(STORE_INT(org_id), STORE_INT(since)), coverage_row, &c, "read coverage",
	    err);
}

struct egroups {
	store_class_cb cb;
	void *ctx;
};

static enum fc_rc egroup_row(sqlite3_stmt *st, void *ctx)
{
	struct egroups *e = ctx;
	struct store_class_group g;

	memset(&g, 0, sizeof(g));
	g.org = store_col(st, 0);
	g.os_family = store_col(st, 1);
	g.os_product = store_col(st, 2);
	g.os_edition = store_col(st, 3);
	g.os_release = store_col(st, 4);
	g.arch = store_col(st, 5);
	g.evidence = store_col(st, 6);
	g.win11 = g.esu_eligible = g.bios_year = "";
	g.machines = sqlite3_column_int64(st, 7);
	return e->cb(&g, e->ctx);
}

enum fc_rc store_evidence_groups(struct store *s, int64_t org_id, int64_t since, store_class_cb cb,
                                 void *ctx, char *err)
{
	struct egroups e = {cb, ctx};

	return store_exec(
	    s, ST_SIGHT_EGROUPS,
	    "SELECT o.name, m.os_family, m.os_product, m.os_edition, m.os_release,"
	    " m.arch, m.evidence, count(*) FROM machines m JOIN organisations o"
	    " ON o.id = m.org_id WHERE (?1 = 0 OR m.org_id = ?1) AND m.last_seen >= ?2"
	    " GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7",
	    STORE_ARGS(STORE_INT(org_id), STORE_INT(since)), egroup_row, &e,
	    "count machines by evidence", err);
}
