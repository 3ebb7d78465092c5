/* store.h - the collector's store: organisations, tokens, machines, their
 * latest raw facts and software, and received-report metadata. One
 * interface, so that a PostgreSQL store can follow the SQLite one.
 *
 * SQLite: WAL, foreign keys on, busy timeout, prepared statements only; the
 * schema is created on first use and migrated (PRAGMA user_version) in a
 * transaction. One report is stored in one transaction, committed before the
 * caller acknowledges it. A struct store is used by one thread at a time
 * (the HTTP server serialises with a mutex). */
#ifndef FC_COLLECTOR_STORE_H
#define FC_COLLECTOR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "fc_rc.h"
#include "ingest.h"

struct store;

#define STORE_SCHEMA_VERSION 7

/* Opens (creating when create is true) the database at path and brings its
 * schema up to STORE_SCHEMA_VERSION. A database from a newer fleetcensus is
 * refused (FC_EDB, err says so). Returns FC_OK, FC_ENOENT (missing and not
 * create), FC_EDB or FC_EIO with err set. The caller closes it. */
enum fc_rc store_open(const char *path, bool create, struct store **out, char *err);
/* Opens the existing database at path read-only (commands that only read;
 * tests of the read-only case). Its schema must be STORE_SCHEMA_VERSION
 * (it cannot migrate: FC_EDB). Every write then fails with FC_EBUSY, as on
 * a read-only file; store_token_check does not record use. Returns FC_OK,
 * FC_ENOENT, FC_EDB or FC_EIO with err set. The caller closes it. */
enum fc_rc store_open_readonly(const char *path, struct store **out, char *err);
/* Writes a consistent copy of s (one read transaction: everything
 * committed when it starts, nothing after) to the new file path, mode 0600,
 * through a temporary file beside it, synced; replace allows an existing
 * path to be replaced. Safe while a server writes. Returns FC_OK,
 * FC_EEXIST (path exists), FC_EBUSY, FC_EIO or FC_EDB with err set
 * (store_backup.c). */
enum fc_rc store_backup(struct store *s, const char *path, bool replace, char *err);
/* Closes s cleanly (a WAL checkpoint); accepts NULL. */
void store_close(struct store *s);
/* True when a write transaction can be started and committed now. */
bool store_writable(struct store *s);

/* ---- organisations ---- */

struct store_org {
	int64_t id;
	const char *name;
	int64_t created; /* Unix time */
	int64_t machines; /* machines stored */
};
typedef enum fc_rc (*store_org_cb)(const struct store_org *org, void *ctx);

/* FC_EEXIST when the name is taken; names are 1..200 bytes of UTF-8 without
 * control characters (FC_EUSAGE otherwise). */
enum fc_rc store_org_add(struct store *s, const char *name, int64_t *id, char *err);
/* FC_ENOENT when there is no such organisation. */
enum fc_rc store_org_find(struct store *s, const char *name, int64_t *id, char *err);
enum fc_rc store_org_rename(struct store *s, const char *name, const char *new_name, char *err);
/* Refuses (FC_EEXIST, err says how many machines) while the organisation has
 * machines, unless force; removing it also removes its tokens and machines. */
enum fc_rc store_org_remove(struct store *s, const char *name, bool force, char *err);
enum fc_rc store_org_each(struct store *s, store_org_cb cb, void *ctx, char *err);

/* ---- tokens ---- */

struct store_token {
	int64_t id;
	enum token_role role;
	int64_t org_id; /* 0 for admin tokens */
	const char *org_name; /* NULL for admin tokens */
	int64_t created;
	int64_t last_used; /* 0 never */
	bool revoked;
	const char *label; /* "" when none */
	int64_t expires; /* Unix time from which it is refused; 0 never */
};
typedef enum fc_rc (*store_token_cb)(const struct store_token *t, void *ctx);

/* Stores a token's hash; org_id 0 only for ROLE_ADMIN. */
enum fc_rc store_token_add(struct store *s, enum token_role role, int64_t org_id,
                           const unsigned char hash[AUTH_HASH_LEN], int64_t *id, char *err);
/* Finds the live (not revoked) token with this hash and records its use.
 * FC_ENOENT when unknown, revoked or expired. out's strings stay valid until the next
 * call on s. */
enum fc_rc store_token_check(struct store *s, const unsigned char hash[AUTH_HASH_LEN],
                             struct store_token *out, char *err);
/* Revokes token id: FC_ENOENT when there is none, FC_EEXIST when it is
 * revoked already (err says which). */
enum fc_rc store_token_revoke(struct store *s, int64_t id, char *err);
/* Sets token id's label (at most 200 bytes of UTF-8 without control
 * characters, else FC_EUSAGE) and the time from which it is refused
 * (expires, Unix time; 0 never). FC_ENOENT when there is no such token. */
enum fc_rc store_token_describe(struct store *s, int64_t id, const char *label, int64_t expires,
                                char *err);
enum fc_rc store_token_each(struct store *s, store_token_cb cb, void *ctx, char *err);
/* Makes a random token of role for org_id (0 only for ROLE_ADMIN), stores
 * its hash with label and expires as store_token_describe does (label ""
 * or NULL and expires 0: none), puts the token in token and its id in *id.
 * A token stored but not labelled is revoked again. The one way the CLI's
 * org add and token add and POST /api/v1/tokens make tokens. */
enum fc_rc store_token_make(struct store *s, enum token_role role, int64_t org_id,
                            const char *label, int64_t expires, char token[AUTH_TOKEN_LEN + 1],
                            int64_t *id, char *err);

/* ---- reports and machines ---- */

struct store_put_result {
	int64_t machine_id; /* the machine's row id */
	char machine[37]; /* the machine's public id (a UUID made when it was first seen) */
	bool new_machine; /* created by this report */
	bool duplicate; /* this report_id was stored before: nothing changed */
	bool stale; /* older than the machine's newest report: metadata kept, facts not replaced */
	bool resend_full; /* a short report whose digest is not the machine's current list's
	                     (or no machine): nothing was stored; answer 409 */
};

/* How far into the future (seconds past its arrival) a report's
 * collected_at may order it, by default: a machine's reports are ordered by
 * min(collected_at, received_at + tolerance), so that a clock set ahead
 * cannot make one report the newest for ever. */
#define STORE_SKEW_TOLERANCE 3600

/* Sets that tolerance (seconds, >= 0) for the reports s stores from now on. */
void store_set_clock_skew(struct store *s, int64_t seconds);

/* Stores one decoded report for organisation org_id in one transaction:
 * finds the machine by the identity rules of docs/identity.md, replaces its
 * facts when this report is its newest (by collected_at, ties by arrival),
 * stores the software list de-duplicated, and records the report's metadata
 * (report_id, machine, received_at, size) — a report_id seen before in this
 * organisation changes nothing (idempotent). received_at is the server's
 * time. Returns FC_OK, FC_EBUSY (database locked or full: answer 503), FC_EDB. */
enum fc_rc store_put_report(struct store *s, int64_t org_id, const struct ingest_report *r,
                            int64_t received_at, struct store_put_result *res, char *err);

/* One report of a batch (store_put_batch): the input, and the outcome
 * written by the store. */
struct store_put_job {
	int64_t org_id;
	const struct ingest_report *r;
	int64_t received_at;
	enum fc_rc rc; /* FC_OK, FC_EBUSY or FC_EDB, for this report */
	struct store_put_result res;
	char err[FC_ERRLEN];
};

/* Stores n reports in one transaction (group commit), each in its own
 * SAVEPOINT so that one that fails does not fail the others. When the
 * commit fails every job's rc says so. A job whose rc is FC_OK is durable
 * (committed with synchronous=FULL) when this returns. Returns FC_OK when
 * the transaction committed (jobs may have failed on their own), else the
 * error of the transaction (err set). */
enum fc_rc store_put_batch(struct store *s, struct store_put_job *jobs, size_t n, char *err);

struct store_machine {
	const char *org;
	const char *machine; /* public id */
	const char *hostname;
	const char *collected_at;
	int64_t last_seen; /* received_at of the newest report, Unix time */
	const char *hw_uuid; /* "" when none */
	const char *machine_id; /* hashed machine-id, "" when none */
	const char *agent_id;
	const char *os_json; /* the raw facts as stored */
	int64_t software_count; /* -1 when the software section was not ok */
	/* The classification (classify.h), "" when unknown: */
	const char *os_family, *os_id, *os_product, *os_edition, *os_version, *os_build,
	    *os_release, *os_service_pack, *arch;
	bool class_flagged; /* undecidable: the conservative product was chosen */
	const char *class_reason; /* why, when flagged */
	const char *evidence; /* the best evidence: agent, management, directory */
};
typedef enum fc_rc (*store_machine_cb)(const struct store_machine *m, void *ctx);

/* Calls cb for every machine of organisation org_id (0: all), ordered by
 * organisation name, then hostname, then public id. */
enum fc_rc store_machine_each(struct store *s, int64_t org_id, store_machine_cb cb, void *ctx,
                              char *err);

/* As store_machine_each, only the machines whose hostname matches
 * host_pattern and that have a software entry whose name matches
 * software_pattern (NULL: any); patterns use '*' and '?' and ignore ASCII
 * case, like the software report's. */
enum fc_rc store_machine_find(struct store *s, int64_t org_id, const char *host_pattern,
                              const char *software_pattern, store_machine_cb cb, void *ctx,
                              char *err);

/* Deletes machine (its public id, or a host name only one machine of
 * organisation org_id has) with its report records, in one transaction;
 * the counts follow and today's snapshot is taken again. public_id is the
 * deleted machine's. FC_ENOENT (no such machine), FC_EEXIST (the host name
 * is several machines'), FC_EBUSY, FC_EDB (store_machine.c). */
enum fc_rc store_machine_delete(struct store *s, int64_t org_id, const char *machine,
                                char public_id[37], char *err);
/* Moves machine (as above) of org_id with its report records to
 * organisation to_org_id. FC_EEXIST also when to_org_id has a machine with
 * its hardware UUID or one of its report ids. */
enum fc_rc store_machine_move(struct store *s, int64_t org_id, const char *machine,
                              int64_t to_org_id, char public_id[37], char *err);

/* Recomputes every machine's classification from its stored raw facts
 * (os_json) in one transaction, after a classifier upgrade. *changed is the
 * number of machines whose classification changed. Returns FC_OK, FC_EBUSY,
 * FC_EDB. */
enum fc_rc store_reclassify(struct store *s, int64_t *changed, char *err);

/* One group of machines with equal classification, for the counting
 * reports. The strings stay valid during the callback only. */
struct store_class_group {
	const char *org;
	const char *os_family, *os_product, *os_edition, *os_release, *arch;
	/* store_ready_groups only (store_class_groups: ""): the verdicts and
	 * the BIOS year (readiness.h) */
	const char *win11, *esu_eligible, *bios_year;
	int64_t machines;
	/* store_evidence_groups only (else NULL): the best evidence */
	const char *evidence;
};
typedef enum fc_rc (*store_class_cb)(const struct store_class_group *g, void *ctx);

/* Calls cb for each group of machines of organisation org_id (0: all) last
 * seen at or after since (Unix time) with the same organisation, os_family,
 * os_product, os_edition, os_release and arch (one SQL GROUP BY), ordered
 * by those columns. */
enum fc_rc store_class_groups(struct store *s, int64_t org_id, int64_t since, store_class_cb cb,
                              void *ctx, char *err);

/* The same groups split by the readiness verdicts win11 and esu_eligible
 * too (docs/readiness.md; from ready_counts), and with by_year by the BIOS
 * year (bios_year "" otherwise; read from the machines_seen index, every
 * machine of the window: a year per machine would make an aggregate nearly
 * as large as the machines), ordered by every column. */
enum fc_rc store_ready_groups(struct store *s, int64_t org_id, int64_t since, bool by_year,
                              store_class_cb cb, void *ctx, char *err);

/* One machine of the readiness report: its classification's product and
 * its stored verdicts (readiness.h). Strings valid during the callback. */
struct store_ready_machine {
	const char *org, *machine, *hostname;
	int64_t last_seen;
	const char *os_product, *os_edition, *os_release;
	const char *win11, *win11_reasons, *esu_eligible, *esu_licensed;
	const char *cpu, *chassis, *bios_date;
};
typedef enum fc_rc (*store_ready_cb)(const struct store_ready_machine *m, void *ctx);

/* Calls cb for every machine of organisation org_id (0: all), ordered as
 * store_machine_each orders them. */
enum fc_rc store_ready_each(struct store *s, int64_t org_id, store_ready_cb cb, void *ctx,
                            char *err);

/* One row of the software report: machines of org with software name at
 * version. */
struct store_sw_count {
	const char *org;
	const char *name;
	const char *version;
	int64_t machines;
};
typedef enum fc_rc (*store_sw_cb)(const struct store_sw_count *c, void *ctx);

/* Counts the machines of org_id (0: all) last seen at or after since whose
 * stored software list has an entry whose name matches name_pattern and
 * whose version matches version_pattern (NULL: any); patterns use '*' and
 * '?' and ignore ASCII case. Ordered by organisation, name, version. */
enum fc_rc store_software_counts(struct store *s, int64_t org_id, int64_t since,
                                 const char *name_pattern, const char *version_pattern,
                                 store_sw_cb cb, void *ctx, char *err);

/* How far back a daily snapshot looks: machines last seen before its time
 * minus this are left out (the since of store_snapshot). */
#define STORE_SNAPSHOT_WINDOW ((int64_t)30 * 86400)

/* Takes the daily snapshot of date ("YYYY-MM-DD", UTC) unless one was taken
 * for that date already (force: replaces it): machines per organisation,
 * os_product and os_edition, counting those last seen at or after since.
 * *taken says whether it was taken now. Returns FC_OK, FC_EBUSY, FC_EDB. */
enum fc_rc store_snapshot(struct store *s, const char *date, int64_t since, bool force, bool *taken,
                          char *err);

struct store_trend_row {
	const char *date;
	const char *org;
	int64_t machines;
};
typedef enum fc_rc (*store_trend_cb)(const struct store_trend_row *t, void *ctx);

/* Calls cb for each snapshot date and organisation (org_id 0: all) with
 * the machines of os_product (every edition), from..to inclusive ("" =
 * open), ordered by date and organisation. */
enum fc_rc store_trend_each(struct store *s, int64_t org_id, const char *product, const char *from,
                            const char *to, store_trend_cb cb, void *ctx, char *err);

/* Counts for /metrics: machines per organisation (via store_org_each) and
 * the number of reports stored. */
enum fc_rc store_report_count(struct store *s, int64_t *count, char *err);

/* Deletes report metadata received before cutoff (Unix time): retention. */
enum fc_rc store_prune_reports(struct store *s, int64_t cutoff, int64_t *deleted, char *err);

#endif
