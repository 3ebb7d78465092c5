/* test_store.c - the SQLite store: schema and migrations, organisations,
 * tokens, every identity rule of docs/identity.md, newest-report-wins,
 * idempotency, software de-duplication, read-only and locked databases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "ingest.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

/* A number macro as a string literal. */
#define FC_STR2(x) #x
#define FC_STR(x) FC_STR2(x)

#define HW1 "4c4c4544-0044-3510-8052-b4c04f4b3032"
#define HW2 "4c4c4544-0037-4810-8036-b4c04f4e3732"
#define MID1 "3dab15471f524ffda3236c5f4ff8def9"
#define MID2 "9a0c2f1be77d4c7e8d3b5a61f0e2c4d7"
#define AG1 "9f1c2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b"
#define AG2 "0d1e2f3a-4b5c-4d6e-9f70-8192a3b4c5d6"
#define T0 1764452990 /* 2025-11-29T21:49:50Z */

struct fixture {
	char dir[256];
	char db[512];
	struct store *s;
	int64_t org; /* "Gemeente Utrecht" */
	int64_t org2; /* "Gemeente Zeist" */
	unsigned serial; /* for report ids */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[FC_ERRLEN] = "out of memory";

	if (!f ||
	    !store_tmp_open("store", f->dir, sizeof(f->dir), f->db, sizeof(f->db), &f->s, err) ||
	    store_org_add(f->s, "Gemeente Utrecht", &f->org, err) != FC_OK ||
	    store_org_add(f->s, "Gemeente Zeist", &f->org2, err) != FC_OK) {
		fprintf(stderr, "setup: %s\n", err);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = store_tmp_close(f->s, f->dir);

	free(f);
	return rc;
}

/* ---- helpers ---- */

/* A report as ingest_decode makes it, built by hand: keys, host name and
 * collection time; os_json "{}", software section ok and empty. */
static void rep(struct fixture *f, struct ingest_report *r, const char *hw, const char *mid,
                const char *agent, const char *host, int64_t ts)
{
	report_init_at(r, ++f->serial, hw, host, ts);
	snprintf(r->machine_id, sizeof(r->machine_id), "%s", mid);
	snprintf(r->agent_id, sizeof(r->agent_id), "%s", agent);
	r->os_json = xstrdup("{}");
	r->software_ok = true;
	r->body_bytes = 1000;
	r->json_bytes = 4000;
}

static void add_sw(struct ingest_report *r, const char *name, const char *version)
{
	report_add_sw(r, name, version, "amd64", "Debian", "deb");
}

/* Stores r for org (received at ts + 60), then releases it. */
static struct store_put_result put(struct fixture *f, int64_t org, struct ingest_report *r)
{
	return store_put_ok(f->s, org, r, r->collected_ts + 60);
}

/* Stores one report with these keys and returns its result. */
static struct store_put_result put1(struct fixture *f, int64_t org, const char *hw, const char *mid,
                                    const char *agent, const char *host, int64_t ts)
{
	struct ingest_report r;

	rep(f, &r, hw, mid, agent, host, ts);
	return put(f, org, &r);
}

static int64_t machines(struct fixture *f)
{
	return db_int(f->db, "SELECT count(*) FROM machines");
}

/* A column of the machine with this public id, as text (static buffer). */
static const char *mcol(struct fixture *f, const char *pub, const char *col)
{
	static char out[256];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char sql[200];
	const unsigned char *t;

	snprintf(sql, sizeof(sql), "SELECT %s FROM machines WHERE public_id = ?1", col);
	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, pub, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	t = sqlite3_column_text(st, 0);
	snprintf(out, sizeof(out), "%s", t ? (const char *)t : "");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* ---- schema ---- */

static void test_open_empty_file_and_reopen(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	char path[600], err[FC_ERRLEN];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/empty.db", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(store_open(path, false, &s, err), FC_OK);
	store_close(s);
	assert_int_equal(db_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(db_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'machines'"),
	                 1);
	assert_int_equal(db_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	/* Re-open: nothing to migrate, data kept. */
	assert_int_equal(store_open(f->db, false, &s, err), FC_OK);
	store_close(s);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM organisations"), 2);
}

static void test_open_missing(void **state)
{
	struct fixture *f = *state;
	struct store *s = (struct store *)1;
	char path[600], err[FC_ERRLEN];

	snprintf(path, sizeof(path), "%s/nope.db", f->dir);
	assert_int_equal(store_open(path, false, &s, err), FC_ENOENT);
	assert_null(s);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/nodir/x.db", f->dir);
	assert_int_not_equal(store_open(path, true, &s, err), FC_OK);
	assert_null(s);
}

static void test_refuses_newer_schema(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	char err[FC_ERRLEN] = "";

	store_close(f->s);
	f->s = NULL;
	db_run(f->db, "PRAGMA user_version = 99");
	assert_int_equal(store_open(f->db, true, &s, err), FC_EDB);
	assert_null(s);
	assert_non_null(strstr(err, "99"));
	assert_int_equal(store_open_readonly(f->db, &s, err), FC_EDB);
	assert_int_equal(db_int(f->db, "PRAGMA user_version"), 99);
	db_run(f->db, "PRAGMA user_version = " FC_STR(STORE_SCHEMA_VERSION));
	assert_int_equal(store_open(f->db, false, &f->s, err), FC_OK);
}

static void test_refuses_foreign_database(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	char path[600], err[FC_ERRLEN] = "";
	FILE *fp;

	snprintf(path, sizeof(path), "%s/other.db", f->dir);
	db_run(path, "CREATE TABLE t(x)");
	assert_int_equal(store_open(path, true, &s, err), FC_EDB);
	assert_non_null(strstr(err, "not a fleetcensus database"));
	assert_int_equal(db_int(path, "SELECT count(*) FROM sqlite_master"), 1);
	snprintf(path, sizeof(path), "%s/text.db", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is not a database, it is a text file of some length..........\n", fp);
	fclose(fp);
	assert_int_equal(store_open(path, true, &s, err), FC_EDB);
	assert_null(s);
}

/* ---- organisations ---- */

static enum fc_rc org_cb(const struct store_org *o, void *ctx)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 512 - n, "%s=%lld;", o->name, (long long)o->machines);
	return FC_OK;
}

static void test_org_add_rename_remove(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN], list[512] = "", long_name[202];
	int64_t id = 0, id2 = 0;

	assert_int_equal(store_org_add(f->s, "Gemeente Utrecht", &id, err), FC_EEXIST);
	assert_int_equal(store_org_add(f->s, "", &id, err), FC_EUSAGE);
	assert_int_equal(store_org_add(f->s, "tab\there", &id, err), FC_EUSAGE);
	assert_int_equal(store_org_add(f->s, "c1 \xc2\x85 control", &id, err), FC_EUSAGE);
	assert_int_equal(store_org_add(f->s, "bad \xff utf8", &id, err), FC_EUSAGE);
	memset(long_name, 'x', 201);
	long_name[201] = '\0';
	assert_int_equal(store_org_add(f->s, long_name, &id, err), FC_EUSAGE);
	long_name[200] = '\0';
	assert_int_equal(store_org_add(f->s, long_name, &id, err), FC_OK);
	assert_int_equal(store_org_add(f->s, "Gemeente 's-Hertogenbosch \xc3\xa9", &id, err),
	                 FC_OK);
	assert_int_equal(store_org_find(f->s, "Gemeente 's-Hertogenbosch \xc3\xa9", &id2, err),
	                 FC_OK);
	assert_int_equal(id, id2);
	assert_int_equal(store_org_find(f->s, "gemeente utrecht", &id2, err), FC_ENOENT);

	assert_int_equal(store_org_rename(f->s, "Gemeente Zeist", "Gemeente Utrecht", err),
	                 FC_EEXIST);
	assert_int_equal(store_org_rename(f->s, "Nowhere", "Somewhere", err), FC_ENOENT);
	assert_int_equal(store_org_rename(f->s, "Gemeente Zeist", "", err), FC_EUSAGE);
	assert_int_equal(store_org_rename(f->s, "Gemeente Zeist", "Zeist", err), FC_OK);
	assert_int_equal(store_org_find(f->s, "Zeist", &id2, err), FC_OK);
	assert_int_equal(id2, f->org2);

	put1(f, f->org, HW1, MID1, AG1, "ws-1", T0);
	assert_int_equal(store_org_each(f->s, org_cb, list, err), FC_OK);
	assert_non_null(strstr(list, "Gemeente Utrecht=1;"));
	assert_non_null(strstr(list, "Zeist=0;"));
	assert_int_equal(store_org_remove(f->s, "Nowhere", false, err), FC_ENOENT);
	assert_int_equal(store_org_remove(f->s, "Zeist", false, err), FC_OK);
	assert_int_equal(store_org_find(f->s, "Zeist", &id2, err), FC_ENOENT);
}

static void test_org_remove_needs_force(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	unsigned char hash[AUTH_HASH_LEN];
	char err[FC_ERRLEN] = "";
	int64_t tid;

	rep(f, &r, HW1, MID1, AG1, "ws-1", T0);
	add_sw(&r, "bash", "5.2");
	put(f, f->org, &r);
	auth_token_hash("t-utrecht", hash);
	assert_int_equal(store_token_add(f->s, ROLE_AGENT, f->org, hash, &tid, err), FC_OK);

	assert_int_equal(store_org_remove(f->s, "Gemeente Utrecht", false, err), FC_EEXIST);
	assert_non_null(strstr(err, "1 machine"));
	assert_int_equal(machines(f), 1);
	assert_int_equal(store_org_remove(f->s, "Gemeente Utrecht", true, err), FC_OK);
	assert_int_equal(machines(f), 0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports"), 0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM tokens"), 0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_lists"), 0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_items"), 0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM organisations"), 1);
	assert_int_equal(db_int(f->db, "PRAGMA foreign_key_check"), 0);
}

/* ---- tokens ---- */

struct tok_seen {
	int n;
	int64_t last_used;
	bool revoked;
	char org[64];
};

static enum fc_rc tok_cb(const struct store_token *t, void *ctx)
{
	struct tok_seen *seen = ctx;

	seen->n++;
	if (t->role == ROLE_AGENT) {
		seen->last_used = t->last_used;
		seen->revoked = t->revoked;
		snprintf(seen->org, sizeof(seen->org), "%s", t->org_name ? t->org_name : "(null)");
	} else {
		assert_int_equal(t->role, ROLE_ADMIN);
		assert_null(t->org_name);
		assert_int_equal(t->org_id, 0);
	}
	return FC_OK;
}

static void test_tokens(void **state)
{
	struct fixture *f = *state;
	char tok[AUTH_TOKEN_LEN + 1], err[FC_ERRLEN];
	unsigned char hash[AUTH_HASH_LEN], admin[AUTH_HASH_LEN], other[AUTH_HASH_LEN];
	struct store_token t;
	struct tok_seen seen;
	int64_t id, aid;

	assert_int_equal(auth_token_new(tok), FC_OK);
	auth_token_hash(tok, hash);
	auth_token_hash("admin-token", admin);
	auth_token_hash("unknown-token", other);
	assert_int_equal(store_token_add(f->s, ROLE_ADMIN, f->org, admin, &aid, err), FC_EUSAGE);
	assert_int_equal(store_token_add(f->s, ROLE_AGENT, 0, hash, &id, err), FC_EUSAGE);
	assert_int_equal(store_token_add(f->s, ROLE_AGENT, 9999, hash, &id, err), FC_ENOENT);
	assert_int_equal(store_token_add(f->s, ROLE_AGENT, f->org, hash, &id, err), FC_OK);
	assert_int_equal(store_token_add(f->s, ROLE_READER, f->org, hash, &aid, err), FC_EEXIST);
	assert_int_equal(store_token_add(f->s, ROLE_ADMIN, 0, admin, &aid, err), FC_OK);
	assert_int_not_equal(id, aid);
	/* Only the hash is stored. */
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM tokens WHERE length(hash) = 32"), 2);

	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_token_each(f->s, tok_cb, &seen, err), FC_OK);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.last_used, 0);
	assert_string_equal(seen.org, "Gemeente Utrecht");

	assert_int_equal(store_token_check(f->s, hash, &t, err), FC_OK);
	assert_int_equal(t.id, id);
	assert_int_equal(t.role, ROLE_AGENT);
	assert_int_equal(t.org_id, f->org);
	assert_string_equal(t.org_name, "Gemeente Utrecht");
	assert_false(t.revoked);
	assert_int_equal(store_token_check(f->s, admin, &t, err), FC_OK);
	assert_int_equal(t.role, ROLE_ADMIN);
	assert_null(t.org_name);
	assert_int_equal(store_token_check(f->s, other, &t, err), FC_ENOENT);

	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_token_each(f->s, tok_cb, &seen, err), FC_OK);
	assert_true(seen.last_used >= (int64_t)time(NULL) - 5);
	assert_false(seen.revoked);

	assert_int_equal(store_token_revoke(f->s, id, err), FC_OK);
	assert_int_equal(store_token_check(f->s, hash, &t, err), FC_ENOENT);
	assert_int_equal(store_token_revoke(f->s, 12345, err), FC_ENOENT);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_token_each(f->s, tok_cb, &seen, err), FC_OK);
	assert_true(seen.revoked);
	assert_int_equal(store_token_check(f->s, admin, &t, err), FC_OK);
}

/* ---- identity rules (docs/identity.md), one test each ---- */

/* A renamed machine stays one machine; the new name replaces the old. */
static void test_rename_is_same_machine(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b;

	a = put1(f, f->org, HW1, MID1, AG1, "ws-0042", T0);
	assert_true(a.new_machine);
	assert_int_equal(strlen(a.machine), 36);
	b = put1(f, f->org, HW1, MID1, AG1, "finance-07", T0 + 86400);
	assert_false(b.new_machine);
	assert_string_equal(a.machine, b.machine);
	assert_int_equal(a.machine_id, b.machine_id);
	assert_int_equal(machines(f), 1);
	assert_string_equal(mcol(f, a.machine, "hostname"), "finance-07");
}

/* Two machines with the same name but different ids are two machines. */
static void test_same_name_is_not_a_key(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b;

	a = put1(f, f->org, HW1, MID1, AG1, "ws-0042", T0);
	b = put1(f, f->org, HW2, MID2, AG2, "ws-0042", T0);
	assert_true(b.new_machine);
	assert_string_not_equal(a.machine, b.machine);
	assert_int_equal(machines(f), 2);
}

/* The same hardware UUID with a new machine id (OS reinstalled, new agent
 * state) stays one machine; the machine id is updated. */
static void test_reinstall_is_same_machine(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b;

	a = put1(f, f->org, HW1, MID1, AG1, "ws-0042", T0);
	b = put1(f, f->org, HW1, MID2, AG2, "ws-0042", T0 + 3600);
	assert_false(b.new_machine);
	assert_string_equal(a.machine, b.machine);
	assert_int_equal(machines(f), 1);
	assert_string_equal(mcol(f, a.machine, "machine_id"), MID2);
	assert_string_equal(mcol(f, a.machine, "agent_id"), AG2);
}

/* Clones sharing a machine id (and even an agent id) but with different
 * hardware UUIDs are separate machines. */
static void test_clones_are_separate(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b, c;

	a = put1(f, f->org, HW1, MID1, AG1, "clone", T0);
	b = put1(f, f->org, HW2, MID1, AG1, "clone", T0 + 1);
	assert_true(b.new_machine);
	assert_string_not_equal(a.machine, b.machine);
	c = put1(f, f->org, HW1, MID1, AG1, "clone", T0 + 2);
	assert_string_equal(c.machine, a.machine);
	assert_int_equal(machines(f), 2);
	assert_string_equal(mcol(f, a.machine, "hw_uuid"), HW1);
	assert_string_equal(mcol(f, b.machine, "hw_uuid"), HW2);
}

/* Placeholder UUIDs reach the store as "" (ingest): machines with only a
 * placeholder are told apart by machine id, never merged on the
 * placeholder; and ingest recognises the documented placeholders. */
static void test_placeholder_uuid_is_ignored(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b;
	static const char *const placeholders[] = {
	    "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
	    "03000200-0400-0500-0006-000700080009", "00020003-0004-0005-0006-000700080009",
	    "4c4c4544-0000-2010-8020-80c04f202020", "12345678-1234-5678-90ab-cddeefaabbcc",
	};
	size_t i;

	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
		assert_true(ingest_uuid_is_placeholder(placeholders[i]));
	assert_false(ingest_uuid_is_placeholder(HW1));

	a = put1(f, f->org, "", MID1, AG1, "asrock-1", T0);
	b = put1(f, f->org, "", MID2, AG2, "asrock-2", T0);
	assert_true(b.new_machine);
	assert_string_not_equal(a.machine, b.machine);
	assert_int_equal(machines(f), 2);
	assert_string_equal(mcol(f, a.machine, "hw_uuid"), "");
}

/* Every UUID docs/identity.md lists (in backquotes), and its byte-swapped
 * form, is a placeholder for ingest: the document and the code agree. */
static void test_placeholder_list_matches_doc(void **state)
{
	static const int map[16] = {6, 7, 4, 5, 2, 3, 0, 1, 11, 12, 9, 10, 16, 17, 14, 15};
	char *doc, *p, *q, u[37], w[37];
	size_t len, n = 0;
	int i;

	(void)state;
	doc = slurp("docs/identity.md", &len);
	for (p = strchr(doc, '`'); p && (q = strchr(p + 1, '`')); p = strchr(q + 1, '`')) {
		if (q - p - 1 != 36 || strspn(p + 1, "0123456789abcdef-") != 36)
			continue;
		memcpy(u, p + 1, 36);
		u[36] = '\0';
		memcpy(w, u, sizeof(w));
		for (i = 0; i < 16; i++) /* map: positions in 8-4-4 with dashes */
			w[i < 8 ? i : i < 12 ? i + 1 : i + 2] = u[map[i]];
		if (!ingest_uuid_is_placeholder(u) || !ingest_uuid_is_placeholder(w))
			fail_msg("docs/identity.md lists %s (swapped %s), ingest does not", u, w);
		n++;
	}
	free(doc);
	assert_true(n >= 19);
	assert_false(ingest_uuid_is_placeholder(HW1));
	assert_false(ingest_uuid_is_placeholder(HW2));
	assert_false(ingest_uuid_is_placeholder("4c4c4544-0000-2010-8020-80c04f202021"));
}

/* The same ids in two organisations are two machines. */
static void test_two_organisations(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b, c;

	a = put1(f, f->org, HW1, MID1, AG1, "ws-1", T0);
	b = put1(f, f->org2, HW1, MID1, AG1, "ws-1", T0);
	assert_true(b.new_machine);
	assert_string_not_equal(a.machine, b.machine);
	c = put1(f, f->org2, HW1, MID1, AG1, "ws-1", T0 + 10);
	assert_string_equal(c.machine, b.machine);
	assert_int_equal(machines(f), 2);
}

/* Without a usable hardware UUID or machine id, the agent id identifies the
 * machine. */
static void test_agent_id_alone(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b, c;

	a = put1(f, f->org, "", "", AG1, "xp-1", T0);
	b = put1(f, f->org, "", "", AG1, "xp-1-renamed", T0 + 100);
	assert_false(b.new_machine);
	assert_string_equal(a.machine, b.machine);
	c = put1(f, f->org, "", "", AG2, "xp-1", T0 + 100);
	assert_true(c.new_machine);
	assert_int_equal(machines(f), 2);
}

/* A machine first seen without its hardware UUID (no DMI access) takes the
 * UUID when a later report has it (rule 2); a clone with the same machine id
 * and another UUID is then a machine of its own. */
static void test_machine_id_adopts_hw_uuid(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b, c;

	a = put1(f, f->org, "", MID1, AG1, "ws-1", T0);
	b = put1(f, f->org, HW1, MID1, AG1, "ws-1", T0 + 10);
	assert_false(b.new_machine);
	assert_string_equal(a.machine, b.machine);
	assert_string_equal(mcol(f, a.machine, "hw_uuid"), HW1);
	c = put1(f, f->org, HW2, MID1, AG2, "ws-1-clone", T0 + 20);
	assert_true(c.new_machine);
	assert_int_equal(machines(f), 2);
}

/* Rule 2 also applies without an agent id, and with a new agent id (agent
 * reinstalled) when no hardware UUID is known. */
static void test_machine_id_without_hw(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b;

	a = put1(f, f->org, "", MID1, AG1, "ws-1", T0);
	b = put1(f, f->org, "", MID1, AG2, "ws-1", T0 + 10);
	assert_string_equal(a.machine, b.machine);
	assert_string_equal(mcol(f, a.machine, "agent_id"), AG2);
	b = put1(f, f->org, "", MID1, "", "ws-1", T0 + 20);
	assert_string_equal(a.machine, b.machine);
	assert_string_equal(mcol(f, a.machine, "agent_id"), AG2);
	assert_int_equal(machines(f), 1);
}

/* A machine known with its hardware UUID that once reports without it (the
 * agent ran unprivileged) stays one machine through its agent id (rule 3);
 * the known UUID is kept. */
static void test_agent_id_bridges_missing_hw(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b;

	a = put1(f, f->org, HW1, MID1, AG1, "ws-1", T0);
	b = put1(f, f->org, "", MID1, AG1, "ws-1", T0 + 10);
	assert_false(b.new_machine);
	assert_string_equal(a.machine, b.machine);
	assert_string_equal(mcol(f, a.machine, "hw_uuid"), HW1);
	assert_int_equal(machines(f), 1);
}

/* Rule 3 never matches a machine whose hardware UUID or machine id
 * contradicts the report's. */
static void test_agent_id_does_not_override_contradiction(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b, c;

	a = put1(f, f->org, HW1, "", AG1, "img", T0);
	b = put1(f, f->org, HW2, "", AG1, "img", T0 + 1);
	assert_true(b.new_machine);
	assert_string_not_equal(a.machine, b.machine);
	c = put1(f, f->org, "", MID2, AG2, "x", T0);
	a = put1(f, f->org, "", MID1, AG2, "y", T0 + 1);
	assert_true(a.new_machine);
	assert_string_not_equal(a.machine, c.machine);
	assert_int_equal(machines(f), 4);
}

/* ---- newest report wins, stale reports, idempotency ---- */

static void test_newest_report_wins(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b, c;

	a = put1(f, f->org, HW1, MID1, AG1, "new-name", T0 + 1000);
	b = put1(f, f->org, HW1, MID2, AG2, "old-name", T0); /* collected earlier, arrives later */
	assert_true(b.stale);
	assert_false(b.new_machine);
	assert_false(b.duplicate);
	assert_string_equal(a.machine, b.machine);
	assert_string_equal(mcol(f, a.machine, "hostname"), "new-name");
	assert_string_equal(mcol(f, a.machine, "machine_id"), MID1);
	assert_int_equal(atoll(mcol(f, a.machine, "last_seen")), T0 + 1000 + 60);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports WHERE stale = 1"), 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports"), 2);
	/* Same collection time: the later arrival wins. */
	c = put1(f, f->org, HW1, MID1, AG1, "tie-name", T0 + 1000);
	assert_false(c.stale);
	assert_string_equal(mcol(f, a.machine, "hostname"), "tie-name");
}

static void test_stale_report_fills_missing_keys(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a, b;

	a = put1(f, f->org, "", MID1, AG1, "ws", T0 + 1000);
	b = put1(f, f->org, HW1, MID1, AG1, "older", T0);
	assert_true(b.stale);
	assert_string_equal(a.machine, b.machine);
	assert_string_equal(mcol(f, a.machine, "hw_uuid"), HW1);
	assert_string_equal(mcol(f, a.machine, "hostname"), "ws");
}

static void test_duplicate_report_id(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	struct store_put_result a, b, c;

	rep(f, &r, HW1, MID1, AG1, "ws-1", T0);
	a = put(f, f->org, &r);
	f->serial--; /* the same report_id again, with other content */
	rep(f, &r, HW2, MID2, AG2, "changed", T0 + 500);
	b = put(f, f->org, &r);
	assert_true(b.duplicate);
	assert_false(b.new_machine);
	assert_string_equal(a.machine, b.machine);
	assert_int_equal(a.machine_id, b.machine_id);
	assert_int_equal(machines(f), 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports"), 1);
	assert_string_equal(mcol(f, a.machine, "hostname"), "ws-1");
	/* The same report id in another organisation is another report. */
	f->serial--;
	rep(f, &r, HW1, MID1, AG1, "ws-1", T0);
	c = put(f, f->org2, &r);
	assert_false(c.duplicate);
	assert_true(c.new_machine);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports"), 2);
}

/* ---- software lists ---- */

static void sw_report(struct fixture *f, struct ingest_report *r, const char *hw, int64_t ts,
                      bool reversed, const char *extra)
{
	static const char *const names[] = {"bash", "coreutils", "openssh-server", "zlib1g"};
	size_t i, k;

	rep(f, r, hw, "", "", hw, ts);
	for (i = 0; i < 4; i++) {
		k = reversed ? 3 - i : i;
		add_sw(r, names[k], "1.0");
	}
	if (extra)
		add_sw(r, extra, "2.0");
}

struct sw_count {
	int64_t n;
	int64_t count[4];
};

static enum fc_rc machine_cb(const struct store_machine *m, void *ctx)
{
	struct sw_count *c = ctx;

	assert_non_null(m->os_json);
	if (c->n < 4)
		c->count[c->n] = m->software_count;
	c->n++;
	return FC_OK;
}

static void test_software_lists_shared(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	struct sw_count c;
	char err[FC_ERRLEN];

	sw_report(f, &r, HW1, T0, false, NULL);
	put(f, f->org, &r);
	sw_report(f, &r, HW2, T0, true, NULL); /* same list, other order */
	put(f, f->org, &r);
	assert_int_equal(machines(f), 2);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_lists"), 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_items"), 4);
	assert_int_equal(db_int(f->db, "SELECT count(DISTINCT software_list_id) FROM machines"), 1);

	/* Machine 1 installs a package: a second list; the first is still used. */
	sw_report(f, &r, HW1, T0 + 10, false, "vim");
	put(f, f->org, &r);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_lists"), 2);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_items"), 9);
	/* Machine 2 does the same: it joins list 2 and list 1 is deleted. */
	sw_report(f, &r, HW2, T0 + 10, true, "vim");
	put(f, f->org, &r);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_lists"), 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_items"), 5);
	assert_int_equal(db_int(f->db, "SELECT max(count) FROM software_lists"), 5);

	/* A failed software section: no list, count -1, the old list is gone
	 * when no one uses it. */
	sw_report(f, &r, HW2, T0 + 20, false, NULL);
	r.software_ok = false;
	put(f, f->org, &r);
	sw_report(f, &r, HW1, T0 + 20, false, NULL);
	r.software_ok = false;
	put(f, f->org, &r);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_lists"), 0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_items"), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_machine_each(f->s, f->org, machine_cb, &c, err), FC_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.count[0], -1);
	assert_int_equal(c.count[1], -1);

	/* An ok but empty list is a list of 0 entries, not "unknown". */
	rep(f, &r, HW1, "", "", "empty", T0 + 30);
	put(f, f->org, &r);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_machine_each(f->s, f->org, machine_cb, &c, err), FC_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.count[0], -1); /* HW2, named after its UUID, sorts first */
	assert_int_equal(c.count[1], 0);
}

/* Two lists that differ only in how fields split must differ. */
static void test_software_hash_is_unambiguous(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;

	rep(f, &r, HW1, "", "", "a", T0);
	add_sw(&r, "ab", "c");
	put(f, f->org, &r);
	rep(f, &r, HW2, "", "", "b", T0);
	add_sw(&r, "a", "bc");
	put(f, f->org, &r);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_lists"), 2);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM software_items WHERE name = 'ab' AND"
	                               " version = 'c' AND \"from\" = 'deb' AND arch = 'amd64'"),
	                 1);
}

/* ---- reading back, counts, retention ---- */

struct mlist {
	char text[1024];
};

static enum fc_rc mlist_cb(const struct store_machine *m, void *ctx)
{
	struct mlist *l = ctx;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%s/%s/%s/%lld;", m->org, m->hostname,
	         m->hw_uuid, (long long)m->software_count);
	return FC_OK;
}

static enum fc_rc stop_cb(const struct store_machine *m, void *ctx)
{
	(void)m;
	(*(int *)ctx)++;
	return FC_ELIMIT;
}

static void test_machine_each_and_counts(void **state)
{
	struct fixture *f = *state;
	struct mlist l;
	char err[FC_ERRLEN];
	int64_t n = 0;
	int calls = 0;

	put1(f, f->org2, HW1, "", AG1, "b-host", T0);
	put1(f, f->org, HW1, "", AG1, "z-host", T0);
	put1(f, f->org, HW2, "", AG2, "a-host", T0);
	put1(f, f->org, HW2, "", AG2, "a-host", T0 - 100); /* stale */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_machine_each(f->s, 0, mlist_cb, &l, err), FC_OK);
	assert_string_equal(l.text, "Gemeente Utrecht/a-host/" HW2 "/0;"
	                            "Gemeente Utrecht/z-host/" HW1 "/0;"
	                            "Gemeente Zeist/b-host/" HW1 "/0;");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_machine_each(f->s, f->org2, mlist_cb, &l, err), FC_OK);
	assert_string_equal(l.text, "Gemeente Zeist/b-host/" HW1 "/0;");
	assert_int_equal(store_machine_each(f->s, 0, stop_cb, &calls, err), FC_ELIMIT);
	assert_int_equal(calls, 1);

	assert_int_equal(store_report_count(f->s, &n, err), FC_OK);
	assert_int_equal(n, 4);
	/* received_at is collected_ts + 60 (put); keep what arrived at T0+60 or later */
	assert_int_equal(store_prune_reports(f->s, T0 + 60, &n, err), FC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_report_count(f->s, &n, err), FC_OK);
	assert_int_equal(n, 3);
	assert_int_equal(machines(f), 3);
}

/* ---- classification (schema version 2) ---- */

#define OS_DEBIAN12                                                                                \
	"{\"operatingsystem\":{},\"fleetcensus\":{\"os_release\":{\"ID\":\"debian\","              \
	"\"VERSION_ID\":\"12\",\"PRETTY_NAME\":\"Debian GNU/Linux 12 (bookworm)\"}}}"
#define OS_WIN7                                                                                    \
	"{\"operatingsystem\":{},\"fleetcensus\":{\"windows\":{\"major\":6,\"minor\":1,"           \
	"\"build\":7601,\"product_type\":1,\"edition_id\":\"Professional\","                       \
	"\"product_name\":\"Windows 7 Professional\",\"native_arch\":\"AMD64\"}}}"

/* Stores a report of machine hw with facts os_json at ts. */
static void put_os(struct fixture *f, int64_t org, const char *hw, const char *os_json, int64_t ts)
{
	struct ingest_report r;

	rep(f, &r, hw, "", "", "host", ts);
	free(r.os_json);
	r.os_json = xstrdup(os_json);
	put(f, org, &r);
}

static void test_classified_at_ingest(void **state)
{
	struct fixture *f = *state;
	struct store_put_result res;

	put_os(f, f->org, HW1, OS_DEBIAN12, T0);
	res = put1(f, f->org, HW2, "", "", "empty", T0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines WHERE hw_uuid = '" HW1
	                               "' AND os_product = 'Debian 12' AND os_family = 'linux'"
	                               " AND os_id = 'debian' AND os_version = '12'"),
	                 1);
	assert_string_equal(mcol(f, res.machine, "os_family"), "unknown");
	/* a newer report replaces the classification, an older one does not */
	put_os(f, f->org, HW1, OS_WIN7, T0 + 10);
	put_os(f, f->org, HW1, OS_DEBIAN12, T0 + 5);
	assert_int_equal(db_int(f->db,
	                        "SELECT count(*) FROM machines WHERE os_product = 'Windows 7'"
	                        " AND os_edition = 'Professional' AND arch = 'x86_64'"),
	                 1);
}

static void test_reclassify(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";
	int64_t changed = -1;

	put_os(f, f->org, HW1, OS_DEBIAN12, T0);
	put_os(f, f->org, HW2, OS_WIN7, T0);
	assert_int_equal(store_reclassify(f->s, &changed, err), FC_OK);
	assert_int_equal(changed, 0);
	db_run(f->db, "UPDATE machines SET os_product = 'stale', class_flagged = 1");
	assert_int_equal(store_reclassify(f->s, &changed, err), FC_OK);
	assert_int_equal(changed, 2);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines WHERE os_product IN"
	                               " ('Debian 12', 'Windows 7') AND class_flagged = 0"),
	                 2);
}

/* Takes the campaign tables (schema_campaigns) away, the tokens' CHECK
 * back to three roles. */
/* Undoes schema_readiness (version 5): back to version 4. */
/* Takes the database back before schema_sightings (its table, indexes and
 * column dropped). */
static void downgrade_sightings(const char *db)
{
	db_run(db, "DROP TABLE sightings");
	db_run(db, "DROP INDEX machines_evidence");
	db_run(db, "DROP INDEX machines_serial");
	db_run(db, "DROP INDEX machines_lhost");
	db_run(db, "ALTER TABLE machines DROP COLUMN evidence");
	db_run(db, "PRAGMA user_version = 5");
}

static void downgrade_readiness(const char *db)
{
	downgrade_sightings(db);
	static const char *const cols[] = {"hw_json",      "win11",        "win11_reasons",
	                                   "esu_eligible", "esu_licensed", "cpu",
	                                   "chassis",      "bios_date",    "bios_year"};
	char sql[128];
	size_t i;

	db_run(db, "DROP TRIGGER ready_counts_ins");
	db_run(db, "DROP TRIGGER ready_counts_del");
	db_run(db, "DROP TRIGGER ready_counts_upd");
	db_run(db, "DROP TABLE ready_counts");
	db_run(db, "DROP INDEX machines_seen");
	db_run(db, "CREATE INDEX machines_seen ON machines(last_seen, org_id, os_family,"
	           " os_product, os_edition, os_release, arch)");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE machines DROP COLUMN %s", cols[i]);
		db_run(db, sql);
	}
	db_run(db, "PRAGMA user_version = 4");
}

/* Undoes schema_campaigns (version 4) but for the tokens' wider role CHECK:
 * back to version 3. */
static void downgrade_campaigns(const char *db)
{
	downgrade_readiness(db);
	db_run(db, "DROP TABLE campaign_log");
	db_run(db, "DROP TABLE campaign_rows");
	db_run(db, "DROP TABLE campaign_members");
	db_run(db, "DROP TABLE campaigns");
	db_run(db, "DROP TABLE org_attrs");
	db_run(db, "PRAGMA user_version = 3");
}

/* Takes a version 3 database back to version 2 (its triggers, table and
 * columns dropped). */
static void downgrade_v3(const char *db)
{
	downgrade_campaigns(db);
	db_run(db, "DROP TRIGGER class_counts_ins");
	db_run(db, "DROP TRIGGER class_counts_del");
	db_run(db, "DROP TRIGGER class_counts_upd");
	db_run(db, "DROP TABLE class_counts");
	db_run(db, "DROP TABLE software_list_digests");
	db_run(db, "DROP INDEX machines_seen");
	db_run(db, "CREATE INDEX machines_seen ON machines(last_seen)");
	db_run(db, "ALTER TABLE machines DROP COLUMN software_digest");
	db_run(db, "ALTER TABLE machines DROP COLUMN order_ts");
	db_run(db, "PRAGMA user_version = 2");
}

/* A version 1 database (the v2 and v3 columns and tables dropped) is
 * migrated to the current version and its machines classified in the same
 * transaction. */
static void test_migrate_v1_to_v2(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";
	const char *const cols[] = {"os_family",  "os_id",         "os_product",  "os_edition",
	                            "os_version", "os_build",      "os_release",  "os_service_pack",
	                            "arch",       "class_flagged", "class_reason"};
	char sql[128];
	size_t i;

	put_os(f, f->org, HW1, OS_WIN7, T0);
	store_close(f->s);
	f->s = NULL;
	downgrade_v3(f->db);
	db_run(f->db, "DROP TABLE snapshots");
	db_run(f->db, "DROP INDEX machines_seen");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE machines DROP COLUMN %s", cols[i]);
		db_run(f->db, sql);
	}
	db_run(f->db, "PRAGMA user_version = 1");
	assert_int_equal(store_open(f->db, false, &f->s, err), FC_OK);
	assert_int_equal(db_int(f->db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(
	    db_int(f->db, "SELECT count(*) FROM machines WHERE os_product = 'Windows 7'"), 1);
	assert_int_equal(db_int(f->db, "SELECT sum(machines) FROM class_counts"
	                               " WHERE os_product = 'Windows 7'"),
	                 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM snapshots"), 0);
}

/* A version 4 database is migrated to version 5: every machine gets its
 * readiness verdict (unknown facts: an older agent) in the migration's
 * transaction, and ready_counts counts it. */
static void test_migrate_v4_to_v5(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";

	put_os(f, f->org, HW1, OS_WIN7, T0);
	put_os(f, f->org, HW2, OS_DEBIAN12, T0);
	store_close(f->s);
	f->s = NULL;
	downgrade_readiness(f->db);
	assert_int_equal(store_open(f->db, false, &f->s, err), FC_OK);
	assert_int_equal(db_int(f->db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines WHERE win11 = 'unknown'"
	                               " AND esu_eligible = 'n/a' AND os_product = 'Windows 7'"
	                               " AND hw_json = '{}'"),
	                 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines WHERE win11 = 'unknown'"
	                               " AND os_product = 'Debian 12'"),
	                 1);
	assert_int_equal(db_int(f->db, "SELECT sum(machines) FROM ready_counts"
	                               " WHERE win11 = 'unknown' AND os_product = 'Windows 7'"),
	                 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM ready_counts WHERE win11 = ''"), 0);
}

/* The verdict is computed at ingest from hw_json and kept when the facts
 * change; ready_counts follows (docs/readiness.md). */
static void test_readiness_at_ingest(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	char err[FC_ERRLEN] = "";
	int64_t changed = -1;

	rep(f, &r, HW1, "", "", "host", T0);
	free(r.os_json);
	r.os_json = xstrdup(OS_WIN7);
	r.hw_json = xstrdup("{\"cpu\":{\"manufacturer\":\"GenuineIntel\",\"familynumber\":\"6\","
	                    "\"model\":\"94\",\"name\":\"i5-6500\"},\"bios\":{\"bdate\":"
	                    "\"2016-05-04\"},\"hardware\":{\"chassis_type\":\"3\"}}");
	put(f, f->org, &r);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines WHERE win11 = 'replace'"
	                               " AND win11_reasons = 'CpuFms' AND cpu = 'i5-6500'"
	                               " AND chassis = 'Desktop' AND bios_date = '2016-05-04'"
	                               " AND bios_year = '2016' AND esu_eligible = 'n/a'"),
	                 1);
	assert_int_equal(db_int(f->db, "SELECT sum(machines) FROM ready_counts"
	                               " WHERE win11 = 'replace' AND esu_eligible = 'n/a'"),
	                 1);
	put_os(f, f->org, HW1, OS_WIN7, T0 + 10); /* no facts any more */
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines WHERE win11 = 'unknown'"
	                               " AND bios_year = '' AND hw_json = '{}'"),
	                 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM ready_counts"), 1);
	assert_int_equal(store_reclassify(f->s, &changed, err), FC_OK);
	assert_int_equal(changed, 0);
	db_run(f->db, "UPDATE machines SET win11 = 'ready'");
	assert_int_equal(store_reclassify(f->s, &changed, err), FC_OK);
	assert_int_equal(changed, 1);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines WHERE win11 = 'unknown'"), 1);
	assert_int_equal(db_int(f->db, "SELECT sum(machines) FROM ready_counts"
	                               " WHERE win11 = 'unknown'"),
	                 1);
}

struct groups {
	char text[512];
};

static enum fc_rc groups_cb(const struct store_class_group *g, void *ctx)
{
	struct groups *l = ctx;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%s/%s/%s/%lld;", g->org, g->os_product, g->arch,
	         (long long)g->machines);
	return FC_OK;
}

static void test_class_groups_and_window(void **state)
{
	struct fixture *f = *state;
	struct groups l;
	char err[FC_ERRLEN] = "";

	put_os(f, f->org, HW1, OS_WIN7, T0);
	put_os(f, f->org, HW2, OS_WIN7, T0);
	put_os(f, f->org2, HW1, OS_DEBIAN12, T0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_class_groups(f->s, 0, 0, groups_cb, &l, err), FC_OK);
	assert_string_equal(l.text, "Gemeente Utrecht/Windows 7/x86_64/2;"
	                            "Gemeente Zeist/Debian 12//1;");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_class_groups(f->s, f->org2, 0, groups_cb, &l, err), FC_OK);
	assert_string_equal(l.text, "Gemeente Zeist/Debian 12//1;");
	/* last_seen is collected_ts + 60 (put): a later cut-off leaves nothing */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_class_groups(f->s, 0, T0 + 61, groups_cb, &l, err), FC_OK);
	assert_string_equal(l.text, "");
}

static enum fc_rc sw_cb(const struct store_sw_count *c, void *ctx)
{
	struct groups *l = ctx;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%s/%s/%s/%lld;", c->org, c->name, c->version,
	         (long long)c->machines);
	return FC_OK;
}

static void test_software_counts(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	struct groups l;
	char err[FC_ERRLEN] = "";

	rep(f, &r, HW1, "", "", "a", T0);
	add_sw(&r, "Microsoft Office 2003", "11.0");
	add_sw(&r, "50%_off\\tool", "1");
	put(f, f->org, &r);
	rep(f, &r, HW2, "", "", "b", T0);
	add_sw(&r, "microsoft office 2003", "11.0");
	put(f, f->org, &r);
	memset(&l, 0, sizeof(l));
	assert_int_equal(
	    store_software_counts(f->s, 0, 0, "MICROSOFT OFFICE*2003", NULL, sw_cb, &l, err),
	    FC_OK);
	assert_string_equal(l.text, "Gemeente Utrecht/Microsoft Office 2003/11.0/1;"
	                            "Gemeente Utrecht/microsoft office 2003/11.0/1;");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_software_counts(f->s, 0, 0, "50%_*", "?", sw_cb, &l, err), FC_OK);
	assert_string_equal(l.text, "Gemeente Utrecht/50%_off\\tool/1/1;");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_software_counts(f->s, 0, 0, "5_%", NULL, sw_cb, &l, err), FC_OK);
	assert_string_equal(l.text, "");
}

static enum fc_rc trend_cb(const struct store_trend_row *t, void *ctx)
{
	struct groups *l = ctx;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%s/%s/%lld;", t->date, t->org,
	         (long long)t->machines);
	return FC_OK;
}

static void test_snapshots(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";
	struct groups l;
	bool taken = false;

	put_os(f, f->org, HW1, OS_WIN7, T0);
	put_os(f, f->org, HW2, OS_WIN7, T0);
	assert_int_equal(store_snapshot(f->s, "2026-01-01", 0, false, &taken, err), FC_OK);
	assert_true(taken);
	put_os(f, f->org2, HW1, OS_WIN7, T0);
	assert_int_equal(store_snapshot(f->s, "2026-01-01", 0, false, &taken, err), FC_OK);
	assert_false(taken);
	assert_int_equal(store_snapshot(f->s, "2026-01-02", 0, false, &taken, err), FC_OK);
	assert_true(taken);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_trend_each(f->s, 0, "Windows 7", "", "", trend_cb, &l, err), FC_OK);
	assert_string_equal(l.text, "2026-01-01/Gemeente Utrecht/2;"
	                            "2026-01-02/Gemeente Utrecht/2;2026-01-02/Gemeente Zeist/1;");
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_trend_each(f->s, f->org2, "Windows 7", "2026-01-02", "2026-01-02",
	                                  trend_cb, &l, err),
	                 FC_OK);
	assert_string_equal(l.text, "2026-01-02/Gemeente Zeist/1;");
}

/* ---- unwritable databases ---- */

static void test_readonly_database(void **state)
{
	struct fixture *f = *state;
	struct store *ro = NULL;
	struct ingest_report r;
	struct store_put_result res;
	struct store_token t;
	unsigned char hash[AUTH_HASH_LEN];
	char err[FC_ERRLEN] = "";
	int64_t id;

	put1(f, f->org, HW1, MID1, AG1, "ws-1", T0);
	auth_token_hash("reader", hash);
	assert_int_equal(store_token_add(f->s, ROLE_READER, f->org, hash, &id, err), FC_OK);
	assert_int_equal(store_open_readonly(f->db, &ro, err), FC_OK);
	assert_true(store_writable(f->s));
	assert_false(store_writable(ro));
	rep(f, &r, HW2, MID2, AG2, "ws-2", T0);
	assert_int_equal(store_put_report(ro, f->org, &r, T0, &res, err), FC_EBUSY);
	assert_false(res.new_machine);
	ingest_report_release(&r);
	assert_int_equal(store_org_add(ro, "New", &id, err), FC_EBUSY);
	assert_int_equal(store_org_remove(ro, "Gemeente Zeist", false, err), FC_EBUSY);
	/* Reading still works, and a valid token is still valid. */
	assert_int_equal(store_token_check(ro, hash, &t, err), FC_OK);
	assert_int_equal(store_org_find(ro, "Gemeente Utrecht", &id, err), FC_OK);
	store_close(ro);
	assert_int_equal(machines(f), 1);
	assert_int_equal(db_int(f->db, "SELECT last_used FROM tokens"), 0);
}

/* A database file without write permission (only testable as non-root:
 * root writes anyway). */
static void test_unwritable_file(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	struct ingest_report r;
	struct store_put_result res;
	char err[FC_ERRLEN] = "";
	enum fc_rc rc;

	if (geteuid() == 0) {
		print_message("running as root: file permissions do not stop writes; the"
		              " read-only case is covered by test_readonly_database\n");
		skip();
	}
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(chmod(f->db, 0444), 0);
	rc = store_open(f->db, false, &s, err);
	if (rc == FC_OK) {
		rep(f, &r, HW2, MID2, AG2, "ws-2", T0);
		assert_int_equal(store_put_report(s, f->org, &r, T0, &res, err), FC_EBUSY);
		ingest_report_release(&r);
		store_close(s);
	}
	assert_int_equal(chmod(f->db, 0644), 0);
	assert_int_equal(store_open(f->db, false, &f->s, err), FC_OK);
}

/* Another process holds the write lock past the busy timeout: FC_EBUSY
 * (the server answers 503), nothing stored. Takes the 5 s busy timeout. */
static void test_locked_database(void **state)
{
	struct fixture *f = *state;
	struct ingest_report r;
	struct store_put_result res;
	char err[FC_ERRLEN] = "";
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	rep(f, &r, HW1, MID1, AG1, "ws-1", T0);
	assert_int_equal(store_put_report(f->s, f->org, &r, T0, &res, err), FC_EBUSY);
	assert_non_null(strstr(err, "busy"));
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	/* Once the lock is gone the same report goes in. */
	assert_int_equal(store_put_report(f->s, f->org, &r, T0, &res, err), FC_OK);
	assert_true(res.new_machine);
	ingest_report_release(&r);
	assert_int_equal(machines(f), 1);
}

/* Committed means durable: a second connection sees the report at once,
 * and the database passes its integrity check. */
static void test_committed_and_consistent(void **state)
{
	struct fixture *f = *state;
	struct store_put_result a;

	a = put1(f, f->org, HW1, MID1, AG1, "ws-1", T0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(atoll(mcol(f, a.machine, "id")), a.machine_id);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM pragma_integrity_check"
	                               " WHERE integrity_check <> 'ok'"),
	                 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_empty_file_and_reopen, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_newer_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_foreign_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_org_add_rename_remove, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_org_remove_needs_force, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rename_is_same_machine, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_same_name_is_not_a_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reinstall_is_same_machine, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clones_are_separate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_placeholder_uuid_is_ignored, setup, teardown),
	    cmocka_unit_test(test_placeholder_list_matches_doc),
	    cmocka_unit_test_setup_teardown(test_two_organisations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_agent_id_alone, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_machine_id_adopts_hw_uuid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_machine_id_without_hw, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_agent_id_bridges_missing_hw, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_agent_id_does_not_override_contradiction, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_newest_report_wins, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale_report_fills_missing_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_duplicate_report_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_software_lists_shared, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_software_hash_is_unambiguous, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_machine_each_and_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_classified_at_ingest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reclassify, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_v1_to_v2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_v4_to_v5, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_readiness_at_ingest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_class_groups_and_window, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_software_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snapshots, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_readonly_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unwritable_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_locked_database, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_committed_and_consistent, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
