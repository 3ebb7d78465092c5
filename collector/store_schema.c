/* store_schema.c - the SQLite store's foundation: the schema and its
 * migrations, opening and closing. Running statements and the translation
 * of SQLite errors are in store_stmt.c. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store_int.h"
#include "xalloc.h"

#define STORE_BUSY_MS 5000
#define STORE_APP_ID 0x46434e53 /* "FCNS" in the database header */

/* Version 1. Table and column names are part of the e2e tests' queries. */
static const char schema_v1[] =
    "PRAGMA application_id = 1178816083;\n" /* STORE_APP_ID */
    "CREATE TABLE meta (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE organisations (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  created INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE tokens (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),\n"
    "  role INTEGER NOT NULL CHECK (role IN (1, 2, 3)),\n"
    "  org_id INTEGER REFERENCES organisations(id) ON DELETE CASCADE,\n"
    "  created INTEGER NOT NULL,\n"
    "  last_used INTEGER NOT NULL DEFAULT 0,\n"
    "  revoked INTEGER NOT NULL DEFAULT 0,\n"
    "  CHECK ((role = 3) = (org_id IS NULL))\n"
    ");\n"
    "CREATE INDEX tokens_org ON tokens(org_id);\n"
    "CREATE TABLE software_lists (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  hash BLOB NOT NULL UNIQUE,\n"
    "  count INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE software_items (\n"
    "  list_id INTEGER NOT NULL REFERENCES software_lists(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  version TEXT NOT NULL,\n"
    "  arch TEXT NOT NULL,\n"
    "  publisher TEXT NOT NULL,\n"
    "  \"from\" TEXT NOT NULL,\n"
    "  PRIMARY KEY (list_id, seq)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE machines (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,\n"
    "  public_id TEXT NOT NULL UNIQUE,\n"
    "  hw_uuid TEXT NOT NULL DEFAULT '',\n"
    "  machine_id TEXT NOT NULL DEFAULT '',\n"
    "  agent_id TEXT NOT NULL DEFAULT '',\n"
    "  hostname TEXT NOT NULL,\n"
    "  deviceid TEXT NOT NULL,\n"
    "  collected_at TEXT NOT NULL,\n"
    "  collected_ts INTEGER NOT NULL,\n"
    "  first_seen INTEGER NOT NULL,\n"
    "  last_seen INTEGER NOT NULL,\n"
    "  report_id TEXT NOT NULL,\n"
    "  os_json TEXT NOT NULL,\n"
    "  software_ok INTEGER NOT NULL,\n"
    "  software_list_id INTEGER REFERENCES software_lists(id)\n"
    ");\n"
    "CREATE UNIQUE INDEX machines_hw ON machines(org_id, hw_uuid) WHERE hw_uuid <> '';\n"
    "CREATE INDEX machines_mid ON machines(org_id, machine_id) WHERE machine_id <> '';\n"
    "CREATE INDEX machines_agent ON machines(org_id, agent_id) WHERE agent_id <> '';\n"
    "CREATE INDEX machines_list ON machines(software_list_id);\n"
    "CREATE INDEX machines_order ON machines(org_id, hostname, public_id);\n"
    "CREATE TABLE reports (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,\n"
    "  report_id TEXT NOT NULL,\n"
    "  machine INTEGER NOT NULL REFERENCES machines(id) ON DELETE CASCADE,\n"
    "  collected_at TEXT NOT NULL,\n"
    "  collected_ts INTEGER NOT NULL,\n"
    "  received_at INTEGER NOT NULL,\n"
    "  body_bytes INTEGER NOT NULL,\n"
    "  json_bytes INTEGER NOT NULL,\n"
    "  stale INTEGER NOT NULL,\n"
    "  UNIQUE (org_id, report_id)\n"
    ");\n"
    "CREATE INDEX reports_machine ON reports(machine);\n"
    "CREATE INDEX reports_received ON reports(received_at);\n"
    "PRAGMA user_version = 1;\n";

/* Version 2: the classification of each machine (classify.h), computed at
 * ingest and by store_reclassify; filled for existing machines by the
 * opener (open_common reclassifies after this SQL, in the migration's
 * transaction); and the daily snapshots of the trend report. */
static const char schema_v2[] =
    "ALTER TABLE machines ADD COLUMN os_family TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN os_id TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN os_product TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN os_edition TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN os_version TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN os_build TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN os_release TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN os_service_pack TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN arch TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN class_flagged INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE machines ADD COLUMN class_reason TEXT NOT NULL DEFAULT '';\n"
    "CREATE INDEX machines_seen ON machines(last_seen);\n"
    "CREATE TABLE snapshots (\n"
    "  date TEXT NOT NULL,\n"
    "  org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,\n"
    "  os_product TEXT NOT NULL,\n"
    "  os_edition TEXT NOT NULL,\n"
    "  machines INTEGER NOT NULL,\n"
    "  PRIMARY KEY (date, org_id, os_product, os_edition)\n"
    ") WITHOUT ROWID;\n"
    "PRAGMA user_version = 2;\n";

/* Version 3 (docs/architecture.md "Collector at fleet scale"):
 * - machines.software_digest: the digest of the machine's current software
 *   list in received order (docs/protocol.md "Unchanged software lists"),
 *   NULL when unknown (machines stored before version 3: their first short
 *   report gets 409 and the agent resends the full list);
 * - machines.order_ts: the time that orders the machine's reports,
 *   min(collected_ts, received_at + STORE_SKEW_TOLERANCE), so that a clock in
 *   the future cannot pin a machine's newest report;
 * - software_list_digests: the received-order digests (as the agents send
 *   the list) of each stored list, so that a list seen before is found
 *   without sorting and hashing it again;
 * - class_counts: machines per organisation, classification and day of
 *   last_seen (UTC day number), kept equal to the machines table by the
 *   triggers below (also on the cascades of an organisation's removal), so
 *   that the counting reports read a few rows instead of every machine;
 * - machines_seen covers the classification, so that the part of a window's
 *   first day counted from the machines reads the index alone (no random
 *   reads of machine rows: seconds on a cold million-machine database). */
static const char schema_v3[] =
    "ALTER TABLE machines ADD COLUMN software_digest BLOB;\n"
    "ALTER TABLE machines ADD COLUMN order_ts INTEGER NOT NULL DEFAULT 0;\n"
    "UPDATE machines SET order_ts = collected_ts;\n"
    "CREATE TABLE class_counts (\n"
    "  org_id INTEGER NOT NULL,\n"
    "  os_family TEXT NOT NULL,\n"
    "  os_product TEXT NOT NULL,\n"
    "  os_edition TEXT NOT NULL,\n"
    "  os_release TEXT NOT NULL,\n"
    "  arch TEXT NOT NULL,\n"
    "  day INTEGER NOT NULL,\n"
    "  machines INTEGER NOT NULL,\n"
    "  PRIMARY KEY (day, org_id, os_family, os_product, os_edition, os_release, arch)\n"
    ") WITHOUT ROWID;\n"
    "DROP INDEX machines_seen;\n"
    "CREATE INDEX machines_seen ON machines(last_seen, org_id, os_family, os_product,"
    " os_edition, os_release, arch);\n"
    "CREATE TABLE software_list_digests (\n"
    "  digest BLOB PRIMARY KEY,\n"
    "  list_id INTEGER NOT NULL REFERENCES software_lists(id) ON DELETE CASCADE\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX software_list_digests_list ON software_list_digests(list_id);\n"
    "INSERT INTO class_counts SELECT org_id, os_family, os_product, os_edition,"
    " os_release, arch, last_seen / 86400, count(*) FROM machines"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7;\n"
    "CREATE TRIGGER class_counts_ins AFTER INSERT ON machines BEGIN\n"
    "  INSERT INTO class_counts VALUES (NEW.org_id, NEW.os_family, NEW.os_product,"
    " NEW.os_edition, NEW.os_release, NEW.arch, NEW.last_seen / 86400, 1)\n"
    "  ON CONFLICT DO UPDATE SET machines = machines + 1;\n"
    "END;\n"
    "CREATE TRIGGER class_counts_del AFTER DELETE ON machines BEGIN\n"
    "  UPDATE class_counts SET machines = machines - 1 WHERE day = OLD.last_seen / 86400"
    " AND org_id = OLD.org_id AND os_family = OLD.os_family AND os_product = OLD.os_product"
    " AND os_edition = OLD.os_edition AND os_release = OLD.os_release AND arch = OLD.arch;\n"
    "  DELETE FROM class_counts WHERE day = OLD.last_seen / 86400 AND org_id = OLD.org_id"
    " AND os_family = OLD.os_family AND os_product = OLD.os_product"
    " AND os_edition = OLD.os_edition AND os_release = OLD.os_release AND arch = OLD.arch"
    " AND machines = 0;\n"
    "END;\n"
    "CREATE TRIGGER class_counts_upd AFTER UPDATE OF org_id, os_family, os_product,"
    " os_edition, os_release, arch, last_seen ON machines"
    " WHEN OLD.org_id IS NOT NEW.org_id OR OLD.os_family IS NOT NEW.os_family"
    " OR OLD.os_product IS NOT NEW.os_product OR OLD.os_edition IS NOT NEW.os_edition"
    " OR OLD.os_release IS NOT NEW.os_release OR OLD.arch IS NOT NEW.arch"
    " OR OLD.last_seen / 86400 IS NOT NEW.last_seen / 86400 BEGIN\n"
    "  UPDATE class_counts SET machines = machines - 1 WHERE day = OLD.last_seen / 86400"
    " AND org_id = OLD.org_id AND os_family = OLD.os_family AND os_product = OLD.os_product"
    " AND os_edition = OLD.os_edition AND os_release = OLD.os_release AND arch = OLD.arch;\n"
    "  DELETE FROM class_counts WHERE day = OLD.last_seen / 86400 AND org_id = OLD.org_id"
    " AND os_family = OLD.os_family AND os_product = OLD.os_product"
    " AND os_edition = OLD.os_edition AND os_release = OLD.os_release AND arch = OLD.arch"
    " AND machines = 0;\n"
    "  INSERT INTO class_counts VALUES (NEW.org_id, NEW.os_family, NEW.os_product,"
    " NEW.os_edition, NEW.os_release, NEW.arch, NEW.last_seen / 86400, 1)\n"
    "  ON CONFLICT DO UPDATE SET machines = machines + 1;\n"
    "END;\n"
    "PRAGMA user_version = 3;\n";

/* Version 4: campaigns (docs/campaigns.md). The manager role (4) widens the
 * tokens' CHECK, which SQLite can only do by copying the table; org_attrs
 * holds what an admin says of an organisation (kind, population, free
 * keys); campaign_log is append-only (its triggers refuse UPDATE and
 * DELETE) and keeps its rows when a campaign or organisation goes.
 * campaign_rows.split is the value of the campaign's --split column ("" for
 * none), the hook for the Windows 11 readiness split. */
static const char schema_campaigns[] =
    "CREATE TABLE tokens_v4 (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),\n"
    "  role INTEGER NOT NULL CHECK (role IN (1, 2, 3, 4)),\n"
    "  org_id INTEGER REFERENCES organisations(id) ON DELETE CASCADE,\n"
    "  created INTEGER NOT NULL,\n"
    "  last_used INTEGER NOT NULL DEFAULT 0,\n"
    "  revoked INTEGER NOT NULL DEFAULT 0,\n"
    "  CHECK ((role = 3) = (org_id IS NULL))\n"
    ");\n"
    "INSERT INTO tokens_v4 (id, hash, role, org_id, created, last_used, revoked)"
    " SELECT id, hash, role, org_id, created, last_used, revoked FROM tokens;\n"
    "DROP TABLE tokens;\n"
    "ALTER TABLE tokens_v4 RENAME TO tokens;\n"
    "CREATE INDEX tokens_org ON tokens(org_id);\n"
    "CREATE TABLE org_attrs (\n"
    "  org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,\n"
    "  key TEXT NOT NULL,\n"
    "  value TEXT NOT NULL,\n"
    "  PRIMARY KEY (org_id, key)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE campaigns (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  products TEXT NOT NULL,\n"
    "  split TEXT NOT NULL DEFAULT '',\n"
    "  as_of TEXT NOT NULL,\n"
    "  horizon_months INTEGER NOT NULL,\n"
    "  deadline TEXT NOT NULL,\n"
    "  min_cell INTEGER NOT NULL,\n"
    "  prices TEXT NOT NULL DEFAULT '',\n"
    "  fees TEXT NOT NULL DEFAULT '',\n"
    "  created INTEGER NOT NULL,\n"
    "  closed INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE campaign_members (\n"
    "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,\n"
    "  org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,\n"
    "  state TEXT NOT NULL CHECK (state IN ('joined', 'signed', 'withdrawn')),\n"
    "  joined_at INTEGER NOT NULL,\n"
    "  signed_at INTEGER NOT NULL DEFAULT 0,\n"
    "  signed_by TEXT NOT NULL DEFAULT '',\n"
    "  PRIMARY KEY (campaign_id, org_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE campaign_rows (\n"
    "  campaign_id INTEGER NOT NULL,\n"
    "  org_id INTEGER NOT NULL,\n"
    "  os_product TEXT NOT NULL,\n"
    "  os_edition TEXT NOT NULL,\n"
    "  os_release TEXT NOT NULL,\n"
    "  arch TEXT NOT NULL,\n"
    "  split TEXT NOT NULL DEFAULT '',\n"
    "  support_status TEXT NOT NULL,\n"
    "  support_end TEXT NOT NULL,\n"
    "  machines INTEGER NOT NULL,\n"
    "  PRIMARY KEY (campaign_id, org_id, os_product, os_edition, os_release, arch, split),\n"
    "  FOREIGN KEY (campaign_id, org_id) REFERENCES campaign_members(campaign_id, org_id)"
    " ON DELETE CASCADE\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE campaign_log (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  campaign TEXT NOT NULL,\n"
    "  at INTEGER NOT NULL,\n"
    "  who TEXT NOT NULL,\n"
    "  action TEXT NOT NULL,\n"
    "  org TEXT NOT NULL,\n"
    "  old TEXT NOT NULL,\n"
    "  new TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX campaign_log_campaign ON campaign_log(campaign, id);\n"
    "CREATE TRIGGER campaign_log_no_update BEFORE UPDATE ON campaign_log BEGIN\n"
    "  SELECT RAISE(ABORT, 'campaign_log is append-only');\n"
    "END;\n"
    "CREATE TRIGGER campaign_log_no_delete BEFORE DELETE ON campaign_log BEGIN\n"
    "  SELECT RAISE(ABORT, 'campaign_log is append-only');\n"
    "END;\n"
    "PRAGMA user_version = 4;\n";

/* Version 5 (docs/readiness.md): the readiness facts of each machine
 * (hw_json, as ingest_decode makes it) and its verdicts (readiness.h),
 * computed at ingest and by store_reclassify, filled for existing machines
 * by the opener (open_common reclassifies after this SQL, as for version 2);
 * ready_counts: machines per organisation, classification, verdicts, BIOS
 * year and day of last_seen, kept by triggers as class_counts is, for the
 * reports that group by a verdict (class_counts stays as it was, so the
 * other reports read no more rows than before); machines_seen covers the
 * verdicts too, for the first day of a window. */
static const char schema_readiness[] =
    "ALTER TABLE machines ADD COLUMN hw_json TEXT NOT NULL DEFAULT '{}';\n"
    "ALTER TABLE machines ADD COLUMN win11 TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN win11_reasons TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN esu_eligible TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN esu_licensed TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN cpu TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN chassis TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN bios_date TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE machines ADD COLUMN bios_year TEXT NOT NULL DEFAULT '';\n"
    "DROP INDEX machines_seen;\n"
    "CREATE INDEX machines_seen ON machines(last_seen, org_id, os_family, os_product,"
    " os_edition, os_release, arch, win11, esu_eligible, bios_year);\n"
    "CREATE TABLE ready_counts (\n"
    "  org_id INTEGER NOT NULL,\n"
    "  os_family TEXT NOT NULL,\n"
    "  os_product TEXT NOT NULL,\n"
    "  os_edition TEXT NOT NULL,\n"
    "  os_release TEXT NOT NULL,\n"
    "  arch TEXT NOT NULL,\n"
    "  win11 TEXT NOT NULL,\n"
    "  esu_eligible TEXT NOT NULL,\n"
    "  day INTEGER NOT NULL,\n"
    "  machines INTEGER NOT NULL,\n"
    "  PRIMARY KEY (day, org_id, os_family, os_product, os_edition, os_release, arch,"
    " win11, esu_eligible)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO ready_counts SELECT org_id, os_family, os_product, os_edition,"
    " os_release, arch, win11, esu_eligible, last_seen / 86400, count(*)"
    " FROM machines GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;\n"
    "CREATE TRIGGER ready_counts_ins AFTER INSERT ON machines BEGIN\n"
    "  INSERT INTO ready_counts VALUES (NEW.org_id, NEW.os_family, NEW.os_product,"
    " NEW.os_edition, NEW.os_release, NEW.arch, NEW.win11, NEW.esu_eligible,"
    " NEW.last_seen / 86400, 1)\n"
    "  ON CONFLICT DO UPDATE SET machines = machines + 1;\n"
    "END;\n"
    "CREATE TRIGGER ready_counts_del AFTER DELETE ON machines BEGIN\n"
    "  UPDATE ready_counts SET machines = machines - 1 WHERE day = OLD.last_seen / 86400"
    " AND org_id = OLD.org_id AND os_family = OLD.os_family AND os_product = OLD.os_product"
    " AND os_edition = OLD.os_edition AND os_release = OLD.os_release AND arch = OLD.arch"
    " AND win11 = OLD.win11 AND esu_eligible = OLD.esu_eligible;\n"
    "  DELETE FROM ready_counts WHERE day = OLD.last_seen / 86400 AND org_id = OLD.org_id"
    " AND os_family = OLD.os_family AND os_product = OLD.os_product"
    " AND os_edition = OLD.os_edition AND os_release = OLD.os_release AND arch = OLD.arch"
    " AND win11 = OLD.win11 AND esu_eligible = OLD.esu_eligible AND machines = 0;\n"
    "END;\n"
    "CREATE TRIGGER ready_counts_upd AFTER UPDATE OF org_id, os_family, os_product,"
    " os_edition, os_release, arch, win11, esu_eligible, last_seen ON machines"
    " WHEN OLD.org_id IS NOT NEW.org_id OR OLD.os_family IS NOT NEW.os_family"
    " OR OLD.os_product IS NOT NEW.os_product OR OLD.os_edition IS NOT NEW.os_edition"
    " OR OLD.os_release IS NOT NEW.os_release OR OLD.arch IS NOT NEW.arch"
    " OR OLD.win11 IS NOT NEW.win11 OR OLD.esu_eligible IS NOT NEW.esu_eligible"
    " OR OLD.last_seen / 86400 IS NOT NEW.last_seen / 86400 BEGIN\n"
    "  UPDATE ready_counts SET machines = machines - 1 WHERE day = OLD.last_seen / 86400"
    " AND org_id = OLD.org_id AND os_family = OLD.os_family AND os_product = OLD.os_product"
    " AND os_edition = OLD.os_edition AND os_release = OLD.os_release AND arch = OLD.arch"
    " AND win11 = OLD.win11 AND esu_eligible = OLD.esu_eligible;\n"
    "  DELETE FROM ready_counts WHERE day = OLD.last_seen / 86400 AND org_id = OLD.org_id"
    " AND os_family = OLD.os_family AND os_product = OLD.os_product"
    " AND os_edition = OLD.os_edition AND os_release = OLD.os_release AND arch = OLD.arch"
    " AND win11 = OLD.win11 AND esu_eligible = OLD.esu_eligible AND machines = 0;\n"
    "  INSERT INTO ready_counts VALUES (NEW.org_id, NEW.os_family, NEW.os_product,"
    " NEW.os_edition, NEW.os_release, NEW.arch, NEW.win11, NEW.esu_eligible,"
    " NEW.last_seen / 86400, 1)\n"
    "  ON CONFLICT DO UPDATE SET machines = machines + 1;\n"
    "END;\n"
    "PRAGMA user_version = 5;\n";

/* Version 6 (issue 14): token labels and expiry; token ids never reused
 * (AUTOINCREMENT, so the table is rebuilt; its role CHECK keeps the
 * manager role of version 4). */
static const char schema_tokens[] =
    "CREATE TABLE tokens_new (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),\n"
    "  role INTEGER NOT NULL CHECK (role IN (1, 2, 3, 4)),\n"
    "  org_id INTEGER REFERENCES organisations(id) ON DELETE CASCADE,\n"
    "  created INTEGER NOT NULL,\n"
    "  last_used INTEGER NOT NULL DEFAULT 0,\n"
    "  revoked INTEGER NOT NULL DEFAULT 0,\n"
    "  label TEXT NOT NULL DEFAULT '',\n"
    "  expires INTEGER NOT NULL DEFAULT 0,\n"
    "  CHECK ((role = 3) = (org_id IS NULL))\n"
    ");\n"
    "INSERT INTO tokens_new(id, hash, role, org_id, created, last_used, revoked)\n"
    "  SELECT id, hash, role, org_id, created, last_used, revoked FROM tokens;\n"
    "DROP TABLE tokens;\n"
    "ALTER TABLE tokens_new RENAME TO tokens;\n"
    "CREATE INDEX tokens_org ON tokens(org_id);\n"
    "PRAGMA user_version = 6;\n";

/* Version 7: sightings (docs/identity.md, "Sightings"): the rows of other inventory
 * sources (Active Directory, ConfigMgr, Intune), one per organisation,
 * source and row key, each linked to the machine it was matched to. A
 * machine no agent reports is made from its sightings: machines.evidence
 * says its best evidence (agent, management, directory). */
static const char schema_sightings[] =
    "ALTER TABLE machines ADD COLUMN evidence TEXT NOT NULL DEFAULT 'agent';\n"
    "CREATE TABLE sightings (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,\n"
    "  source TEXT NOT NULL,\n"
    "  evidence INTEGER NOT NULL,\n"
    "  skey TEXT NOT NULL,\n"
    "  host TEXT NOT NULL,\n"
    "  domain TEXT NOT NULL,\n"
    "  hw_uuid TEXT NOT NULL,\n"
    "  serial TEXT NOT NULL,\n"
    "  maker TEXT NOT NULL,\n"
    "  os_name TEXT NOT NULL,\n"
    "  os_version TEXT NOT NULL,\n"
    "  os_sp TEXT NOT NULL,\n"
    "  arch TEXT NOT NULL,\n"
    "  enabled INTEGER NOT NULL,\n"
    "  last_logon INTEGER NOT NULL,\n"
    "  counted INTEGER NOT NULL,\n"
    "  ambiguous INTEGER NOT NULL DEFAULT 0,\n"
    "  imported INTEGER NOT NULL,\n"
    "  changed INTEGER NOT NULL DEFAULT 1,\n"
    "  machine INTEGER REFERENCES machines(id) ON DELETE SET NULL,\n"
    "  UNIQUE (org_id, source, skey)\n"
    ");\n"
    "CREATE INDEX sightings_machine ON sightings(machine);\n"
    "CREATE INDEX sightings_hw ON sightings(org_id, hw_uuid);\n"
    "CREATE INDEX sightings_serial ON sightings(org_id, serial, maker);\n"
    "CREATE INDEX sightings_host ON sightings(org_id, host, domain);\n"
    "CREATE INDEX machines_evidence ON machines(org_id, evidence) WHERE evidence <> 'agent';\n"
    "CREATE INDEX machines_serial ON machines(org_id,"
    " lower(trim(json_extract(hw_json, '$.bios.ssn')))) WHERE evidence = 'agent';\n"
    "CREATE INDEX machines_lhost ON machines(org_id, lower(hostname));\n"
    "PRAGMA user_version = 7;\n";

/* Migration i brings a database from version i to version i + 1. Each is
 * constant SQL ending with its PRAGMA user_version; they run in one
 * transaction. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
    schema_v1,        schema_v2,     schema_v3,       schema_campaigns,
    schema_readiness, schema_tokens, schema_sightings};

/* ---- opening and the schema ---- */

/* Runs a one-time statement (a PRAGMA) and, when val is not NULL, sets it to
 * the first column of its row (0 when none). */
static enum fc_rc run_once(struct store *s, const char *sql, int64_t *val, char *err)
{
	struct store_int v = {0, false};
	enum fc_rc rc;

	rc = store_exec(s, STORE_ONCE, sql, STORE_NOARGS, val ? store_row_int : NULL, &v, sql, err);
	if (val)
		*val = v.v;
	return rc;
}

/* Reads the schema version and refuses a database that is not ours or is
 * newer than this program. */
static enum fc_rc schema_version(struct store *s, const char *path, int64_t *version, char *err)
{
	int64_t app = 0, tables = 0;
	enum fc_rc rc;

	rc = run_once(s, "PRAGMA user_version", version, err);
	if (!rc)
		rc = run_once(s, "PRAGMA application_id", &app, err);
	if (!rc)
		rc = run_once(s, "SELECT count(*) FROM sqlite_master", &tables, err);
	if (rc)
		return rc;
	if ((*version == 0 && tables > 0) || (*version > 0 && app != STORE_APP_ID)) {
		store_fail(err, "'%s' is not a fleetcensus database", path);
		return FC_EDB;
	}
	if (*version > STORE_SCHEMA_VERSION) {
		store_fail(err, "'%s' has schema version %lld; this collector knows up to %d", path,
		           (long long)*version, STORE_SCHEMA_VERSION);
		return FC_EDB;
	}
	return FC_OK;
}

/* Ends the migration's transaction: commits it when rc is FC_OK, else
 * rolls it back. Returns rc or the commit's code. */
static enum fc_rc migrate_end(struct store *s, const char *path, enum fc_rc rc, char *err)
{
	if (!rc)
		rc = store_commit(s, err);
	if (rc)
		store_rollback(s);
	else
		LOG_INFO("'%s': schema version %d", path, STORE_SCHEMA_VERSION);
	return rc;
}

/* Brings the schema to STORE_SCHEMA_VERSION in one transaction. Machines
 * stored before version 2 (5) have no classification (readiness verdict) yet: then (*reclassify
 * true) the transaction is left open on FC_OK, for the opener to classify
 * them in it and end it with migrate_end; otherwise it is ended here. */
static enum fc_rc migrate(struct store *s, const char *path, bool *reclassify, char *err)
{
	int64_t version = 0;
	enum fc_rc rc;
	char *msg = NULL;
	int src;

	*reclassify = false;
	rc = schema_version(s, path, &version, err);
	if (rc || version == STORE_SCHEMA_VERSION)
		return rc;
	rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = schema_version(s, path, &version, err); /* another process may have migrated */
	/* versions 2 and 5 add computed columns (schema_v2, schema_readiness) */
	*reclassify = version >= 1 && version < 5;
	for (; !rc && version < STORE_SCHEMA_VERSION; version++) {
		src = sqlite3_exec(s->db, migrations[version], NULL, NULL, &msg);
		if (src != SQLITE_OK) {
			store_fail(err, "cannot migrate '%s' to schema version %lld: %s", path,
			           (long long)version + 1, msg ? msg : sqlite3_errstr(src));
			sqlite3_free(msg);
			rc = (src & 0xff) == SQLITE_BUSY || (src & 0xff) == SQLITE_READONLY ||
			             (src & 0xff) == SQLITE_FULL
			         ? FC_EBUSY
			         : FC_EDB;
		}
	}
	if (rc || !*reclassify) {
		*reclassify = false;
		return migrate_end(s, path, rc, err);
	}
	return FC_OK;
}

/* Row of PRAGMA journal_mode: warns when it is not WAL. */
static enum fc_rc journal_mode(sqlite3_stmt *st, void *path)
{
	const unsigned char *mode = sqlite3_column_text(st, 0);

	if (!mode || strcmp((const char *)mode, "wal") != 0)
		LOG_WARN("'%s': journal mode is '%s', not 'wal'", (const char *)path,
		         mode ? (const char *)mode : "?");
	return FC_OK;
}

/* Sets the connection's options: busy timeout, WAL, foreign keys, full
 * synchronisation. */
static enum fc_rc configure(struct store *s, const char *path, char *err)
{
	enum fc_rc rc;

	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	rc = run_once(s, "PRAGMA foreign_keys = ON", NULL, err);
	if (!rc)
		rc = run_once(s, "PRAGMA synchronous = FULL", NULL, err);
	if (rc || s->readonly)
		return rc;
	return store_exec(s, STORE_ONCE, "PRAGMA journal_mode = WAL", STORE_NOARGS, journal_mode,
	                  (void *)path, "switching to WAL", err);
}

/* Opens path (flags: SQLite's) and brings its schema up to date (not when
 * readonly, which needs the current version). *pending (NULL for readonly)
 * is set when the migration added computed columns: then the migration's
 * transaction is left open for the opener to fill them (store.c's
 * store_open) and end with store_schema_migrate_end. */
static enum fc_rc open_common(const char *path, int flags, bool readonly, struct store **out,
                              bool *pending, char *err)
{
	struct store *s;
	int64_t version = 0;
	enum fc_rc rc;
	int src;

	s = xcalloc(1, sizeof(*s));
	s->readonly = readonly;
	s->clock_skew = STORE_SKEW_TOLERANCE;
	src = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (src != SQLITE_OK) {
		store_fail(err, "cannot open '%s': %s", path,
		           s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(src));
		rc = FC_EIO;
		goto out_close;
	}
	rc = configure(s, path, err);
	if (rc) {
		store_seterr(err, "cannot open '%s': %s", path, sqlite3_errmsg(s->db));
		goto out_close;
	}
	if (!readonly) {
		/* Keep the -wal and -shm files after the last close, so that a user
		 * who may read the database but not write its directory can still
		 * open it read-only (docs/security.md). */
		int persist = 1;

		(void)sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
		if (sqlite3_db_readonly(s->db, "main") == 1)
			LOG_WARN("'%s' is read-only: every write will fail", path);
		rc = migrate(s, path, pending, err);
	} else {
		rc = schema_version(s, path, &version, err);
		if (!rc && version != STORE_SCHEMA_VERSION) {
			store_fail(err, "'%s' has schema version %lld, not %d", path,
			           (long long)version, STORE_SCHEMA_VERSION);
			rc = FC_EDB;
		}
	}
	if (rc)
		goto out_close;
	*out = s;
	return FC_OK;
out_close:
	store_close(s);
	return rc;
}

/* Creates path empty with mode 0600 when it does not exist, before SQLite
 * opens it: SQLite gives the -wal and -shm files the database's mode, and
 * the database holds every organisation's inventory and the token hashes
 * (docs/security.md). An existing database keeps its mode; any other
 * failure is left to SQLite's open, which reports it. */
static void create_private(const char *path)
{
	int fd;

	if (!*path || !strcmp(path, ":memory:")) /* SQLite's names for no file */
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (fchmod(fd, 0600) != 0) /* the umask may have taken bits from 0600 */
		LOG_WARN("'%s': cannot set mode 0600: %s", path, strerror(errno));
	(void)close(fd); /* nothing written */
}

enum fc_rc store_schema_migrate_end(struct store *s, const char *path, enum fc_rc rc, char *err)
{
	return migrate_end(s, path, rc, err);
}

enum fc_rc store_schema_open(const char *path, bool create, struct store **out, bool *pending,
                             char *err)
{
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE;

	*out = NULL;
	*pending = false;
	if (err)
		err[0] = '\0';
	if (!create && stat(path, &sb) != 0) {
		store_seterr(err, "cannot open '%s': %s", path, strerror(errno));
		return errno == ENOENT ? FC_ENOENT : FC_EIO;
	}
	if (create) {
		flags |= SQLITE_OPEN_CREATE;
		create_private(path);
	}
	return open_common(path, flags, false, out, pending, err);
}

enum fc_rc store_open_readonly(const char *path, struct store **out, char *err)
{
	struct stat sb;

	*out = NULL;
	if (err)
		err[0] = '\0';
	if (stat(path, &sb) != 0) {
		store_seterr(err, "cannot open '%s': %s", path, strerror(errno));
		return errno == ENOENT ? FC_ENOENT : FC_EIO;
	}
	return open_common(path, SQLITE_OPEN_READONLY, true, out, NULL, err);
}

void store_close(struct store *s)
{
	size_t i;
	int src;

	if (!s)
		return;
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	if (s->db && !s->readonly && !sqlite3_db_readonly(s->db, "main")) {
		/* the kept -wal file is emptied when the last connection closes */
		(void)sqlite3_exec(s->db, "PRAGMA journal_size_limit = 0", NULL, NULL, NULL);
		src = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (src != SQLITE_OK)
			LOG_DEBUG("database: checkpoint on close: %s", sqlite3_errmsg(s->db));
	}
	src = sqlite3_close(s->db);
	if (src != SQLITE_OK)
		LOG_ERR("database: cannot close: %s", sqlite3_errstr(src));
	free(s->tok_org);
	free(s);
}

bool store_writable(struct store *s)
{
	enum fc_rc rc;

	rc = store_begin(s, NULL);
	if (rc)
		return false;
	rc = store_exec(s, ST_WRITABLE,
	                "INSERT OR REPLACE INTO meta(key, value) VALUES ('writable_check', ?1)",
	                STORE_ARGS(STORE_INT(time(NULL))), NULL, NULL,
	                "checking that the database is writable", NULL);
	if (!rc)
		rc = store_commit(s, NULL);
	if (rc)
		store_rollback(s);
	return rc == FC_OK;
}
