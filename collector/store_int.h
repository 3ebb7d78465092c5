/* store_int.h - what the store's files share: the handle, its cache of
 * prepared statements, running statements (store_stmt.c) and the SQLite
 * error helpers. Private to the store. */
#ifndef FC_COLLECTOR_STORE_INT_H
#define FC_COLLECTOR_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "fc_rc.h"
#include "store.h"

/* One slot per SQL statement; each is prepared on first use and kept until
 * store_close. Every slot is used at exactly one place in the code. */
enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_WRITABLE,
	ST_ORG_ADD,
	ST_ORG_FIND,
	ST_ORG_RENAME,
	ST_ORG_COUNT,
	ST_ORG_DELETE,
	ST_ORG_EACH,
	ST_TOKEN_ADD,
	ST_TOKEN_CHECK,
	ST_TOKEN_USED,
	ST_TOKEN_REVOKE,
	ST_TOKEN_EACH,
	ST_LIST_GC_ALL,
	ST_REPORT_DUP,
	ST_MATCH_HW,
	ST_MATCH_MID,
	ST_MATCH_AGENT,
	ST_MACHINE_INSERT,
	ST_MACHINE_UPDATE,
	ST_MACHINE_KEYS,
	ST_MACHINE_FILL,
	ST_REPORT_INSERT,
	ST_LIST_FIND,
	ST_DIGEST_FIND,
	ST_DIGEST_ADD,
	ST_LIST_INSERT,
	ST_ITEM_INSERT,
	ST_LIST_GC,
	ST_MACHINE_EACH,
	ST_REPORT_COUNT,
	ST_REPORT_PRUNE,
	ST_CLASS_EACH,
	ST_CLASS_SET,
	ST_CLASS_GROUPS,
	ST_SW_COUNTS,
	ST_SNAP_DONE,
	ST_SNAP_CLEAR,
	ST_SNAP_TAKE,
	ST_SNAP_MARK,
	ST_TREND,
	ST_READY_SET,
	ST_READY_EACH,
	ST_READY_FIX,
	ST_READY_GROUPS,
	ST_READY_YEARS,
	ST_READY_MACHINES,
	ST_MOVE_REPORTS,
	ST_MOVE_MACHINE,
	ST_SIGHT_MARK,
	ST_SIGHT_UPSERT,
	ST_SIGHT_AGENT_HW,
	ST_SIGHT_AGENT_HOST,
	ST_SIGHT_PEER_HW,
	ST_SIGHT_AGENT_SERIAL,
	ST_SIGHT_PEER_SERIAL,
	ST_SIGHT_PEER_HOST,
	ST_SIGHT_LINK,
	ST_SIGHT_SWEEP,
	ST_SIGHT_SYNTH,
	ST_SIGHT_BEST,
	ST_SIGHT_MACHINE_NEW,
	ST_SIGHT_MACHINE_SET,
	ST_SIGHT_MACHINE_DEL,
	ST_SIGHT_ADOPT,
	ST_SIGHT_MOVE,
	ST_SIGHT_CONFIRM,
	ST_SIGHT_ORPHANS,
	ST_SIGHT_EGROUPS,
	ST_SIGHT_COVERAGE,
	ST__COUNT
};

struct store {
	sqlite3 *db;
	bool readonly;
	sqlite3_stmt *st[ST__COUNT];
	char *tok_org; /* the organisation name store_token_check last returned */
	int64_t clock_skew; /* store_set_clock_skew */
};

/* fc_seterr (fc_rc.h), by the name store.c and store_schema.c still call
 * it. */
#define store_seterr fc_seterr
/* A failure the caller reports: writes it to err, or logs it (LOG_ERR)
 * when err is NULL, so that it is told once. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void store_fail(char *err, const char *fmt, ...);

/* Translates a failed SQLite call (rc, an extended result code) while doing
 * what: logs sqlite3_errmsg once and fills err. Returns FC_EBUSY for a
 * database that is locked, full or read-only (try later: 503), else FC_EDB. */
enum fc_rc store_dbfail(struct store *s, int rc, const char *what, char *err);

/* Sets *out to the statement of slot id, preparing sql the first time; the
 * statement is reset and unbound. Returns FC_OK or FC_EDB. */
enum fc_rc store_stmt(struct store *s, enum store_stmt id, const char *sql, sqlite3_stmt **out,
                      char *err);
/* Resets st and clears its bindings; accepts NULL. */
void store_stmt_done(sqlite3_stmt *st);

/* store_exec's slot for a statement run once (a PRAGMA): prepared there and
 * finalized, not cached. */
#define STORE_ONCE ST__COUNT

/* One value for a statement's parameter; written with the macros below
 * inside STORE_ARGS(...), which binds them to ?1, ?2, ... in order. */
struct store_arg {
	enum { STORE_A_INT, STORE_A_ID, STORE_A_TEXT, STORE_A_BLOB, STORE_A_CLASS } type;
	int64_t i;
	const char *t;
	const void *b;
	int n;
	const struct os_class *c;
};
#define STORE_INT(v) ((struct store_arg){.type = STORE_A_INT, .i = (v)})
/* An id: 0 binds NULL. */
#define STORE_ID(v) ((struct store_arg){.type = STORE_A_ID, .i = (v)})
/* Text (NULL binds NULL); it must stay valid until the statement is done. */
#define STORE_TEXT(s) ((struct store_arg){.type = STORE_A_TEXT, .t = (s)})
/* len bytes at p (NULL binds NULL). */
#define STORE_BLOB(p, len) ((struct store_arg){.type = STORE_A_BLOB, .b = (p), .n = (len)})
/* The STORE_CLASS_NCOLS classification columns of *p (store_bind_class). */
#define STORE_CLASS(p) ((struct store_arg){.type = STORE_A_CLASS, .c = (p)})
#define STORE_ARGS(...)                                                                            \
	(const struct store_arg[]){__VA_ARGS__},                                                   \
	    sizeof((const struct store_arg[]){__VA_ARGS__}) / sizeof(struct store_arg)
#define STORE_NOARGS NULL, 0

/* Called for each row of store_exec's statement; anything but FC_OK stops
 * the run and is returned. The row's columns are valid until it returns. */
typedef enum fc_rc (*store_row_cb)(sqlite3_stmt *st, void *ctx);

/* Runs sql from slot id (STORE_ONCE: not cached) with the n values args
 * bound, calling row (when not NULL) for each row, as sqlite3_exec does.
 * A failure of SQLite is translated by store_dbfail with what. The
 * statement is reset and unbound before it returns (args need live only
 * through the call), so sqlite3_changes and sqlite3_last_insert_rowid tell
 * about it afterwards. Returns FC_OK, row's code, FC_EBUSY or FC_EDB. */
enum fc_rc store_exec(struct store *s, enum store_stmt id, const char *sql,
                      const struct store_arg *args, size_t n, store_row_cb row, void *ctx,
                      const char *what, char *err);
/* store_exec's first half, for the few places that read the step's code
 * themselves (constraint errors): sets *out to slot id's statement with
 * args bound; the caller steps it and calls store_stmt_done. Returns FC_OK
 * (*out set), FC_EBUSY or FC_EDB (*out NULL). */
enum fc_rc store_bind(struct store *s, enum store_stmt id, const char *sql,
                      const struct store_arg *args, size_t n, const char *what, sqlite3_stmt **out,
                      char *err);

/* The LIKE pattern (ESCAPE '\') of a '*' '?' pattern (ASCII case ignored,
 * as LIKE does); the caller frees it (store_class.c). */
char *store_like_pattern(const char *pat);

/* Row callbacks: store_row_int sets the struct store_int at ctx from
 * column 0. */
struct store_int {
	int64_t v;
	bool found;
};
enum fc_rc store_row_int(sqlite3_stmt *st, void *ctx);

/* Text column i of the current row, "" for NULL; valid until the next
 * step or reset of st. */
const char *store_col(sqlite3_stmt *st, int i);
/* Copies text column i of the current row into out (size bytes); false
 * when it does not fit. */
bool store_col_copy(sqlite3_stmt *st, int i, char *out, size_t size);

/* store_exec of a statement that takes no values and returns no rows
 * (BEGIN IMMEDIATE, COMMIT, ...) from slot id. Returns FC_OK, FC_EBUSY or
 * FC_EDB. */
enum fc_rc store_run(struct store *s, enum store_stmt id, const char *sql, const char *what,
                     char *err);
enum fc_rc store_begin(struct store *s, char *err);
enum fc_rc store_commit(struct store *s, char *err);
/* Rolls back the open transaction, if any; failures are only logged. */
void store_rollback(struct store *s);
/* Ends the open transaction: commits it when rc is FC_OK, else (or when
 * the commit fails) rolls it back. Returns rc or the commit's failure. */
enum fc_rc store_end(struct store *s, enum fc_rc rc, char *err);

/* Deletes every software list no machine uses (in the caller's
 * transaction). */
enum fc_rc store_lists_gc_all(struct store *s, char *err);

/* The classification columns, in this order, bound from first on. */
#define STORE_CLASS_COLS                                                                           \
	"os_family, os_id, os_product, os_edition, os_version, os_build, os_release,"              \
	" os_service_pack, arch, class_flagged, class_reason"
#define STORE_CLASS_NCOLS 11

/* Seconds in a day of class_counts.day (UTC day number: last_seen / 86400). */
#define STORE_DAY 86400
/* The first whole day of class_counts counted for machines last seen at or
 * after since: later days come from class_counts, the part of the day
 * before it that is at or after since from the machines themselves (the
 * machines_seen index), so that the window stays exact to the second. */
int64_t store_first_full_day(int64_t since);
/* Machines (org_id, os_family, os_product, os_edition, os_release, arch, n)
 * last seen at or after ?2, of organisation ?1 (0: all), ?3 being
 * store_first_full_day(?2): rows to sum by the caller's grouping. */
#define STORE_COUNTED_COLS "org_id, os_family, os_product, os_edition, os_release, arch"
#define STORE_COUNTED                                                                              \
	"SELECT " STORE_COUNTED_COLS ", machines AS n FROM class_counts WHERE day >= ?3"           \
	" AND (?1 = 0 OR org_id = ?1) UNION ALL SELECT " STORE_COUNTED_COLS ", 1 FROM machines"    \
	" WHERE last_seen >= ?2 AND last_seen < ?3 * 86400 AND (?1 = 0 OR org_id = ?1)"
/* The same for every organisation, ?2 and ?3 as above. */
#define STORE_COUNTED_ALL                                                                          \
	"SELECT " STORE_COUNTED_COLS ", machines AS n FROM class_counts WHERE day >= ?3"           \
	" UNION ALL SELECT " STORE_COUNTED_COLS ", 1 FROM machines"                                \
	" WHERE last_seen >= ?2 AND last_seen < ?3 * 86400"

/* Classifies os_json into c; unparseable facts give "unknown", flagged with
 * the reason (never an error: the report is stored all the same). */
void store_classify(const char *os_json, struct os_class *c);

/* Binds c's STORE_CLASS_NCOLS columns to st from parameter first on.
 * Returns SQLite's code. */
int store_bind_class(sqlite3_stmt *st, int first, const struct os_class *c);

/* The caller's callback of a grouped count (store_class_groups,
 * store_ready_groups), the ctx of store_group_row. */
struct store_groups {
	store_class_cb cb;
	void *ctx;
};

/* Row callback of a grouped count: org, os_family, os_product, os_edition,
 * os_release, arch, then machines (the verdicts "") or win11,
 * esu_eligible, bios_year and machines. */
enum fc_rc store_group_row(sqlite3_stmt *st, void *ctx);

/* What a reclassification pass goes through: the store, the count of
 * machines changed, and err for the update's failures. */
struct store_fix {
	struct store *s;
	int64_t *changed;
	char *err;
};

/* store_snapshot inside the caller's transaction (ingest uses it). */
enum fc_rc store_snapshot_tx(struct store *s, const char *date, int64_t since, bool force,
                             bool *taken, char *err);

/* Computes the readiness verdict (readiness.h) of machine id from its
 * classification cls and facts hw_json and stores both (store_ready.c), in
 * the caller's transaction. */
enum fc_rc store_ready_put(struct store *s, int64_t id, const struct os_class *cls,
                           const char *hw_json, char *err);
/* Recomputes every machine's readiness verdict from its stored
 * classification and hw_json (store_reclassify's second pass); *changed:
 * the machines whose verdict changed. */
enum fc_rc store_ready_reclassify_tx(struct store *s, int64_t *changed, char *err);

/* store_reclassify inside the caller's transaction (opening a database
 * migrated from schema version 1 uses it). */
enum fc_rc store_reclassify_tx(struct store *s, int64_t *changed, char *err);

/* The schema layer (store_schema.c) opens a database for writing, creating
 * it (mode 0600) when create, and migrates it; it never classifies. When
 * the migration added computed columns, *pending is set and its
 * transaction left open: the opener (store_open, store.c) fills them and
 * ends it with store_schema_migrate_end(s, path, rc, err), which commits
 * on FC_OK and rolls back otherwise. */
enum fc_rc store_schema_open(const char *path, bool create, struct store **out, bool *pending,
                             char *err);
enum fc_rc store_schema_migrate_end(struct store *s, const char *path, enum fc_rc rc, char *err);

#endif
