/* test_rpmdb.c - the rpm database reader.
 *
 * Real databases from the shared corpus (read in place; found through
 * $FC_SHARED or ../shared, skipped when absent) must give exactly the list
 * rpm gives. Bad input is made at test time: corpus files copied into a
 * mkdtemp() directory under /tmp and corrupted there, header blobs and
 * small SQLite databases built here (see tests/fixtures/SOURCES.md).
 * Every bad input must fail with a message naming the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>

#include "rpmdb.h"
#include "testutil.h"
#include "xalloc.h"

#define CORPUS_BDB_SMALL "syft-Packages-bdb/root/var/lib/rpm/Packages"
#define CORPUS_BDB_CHAIN "preflight-tzdata-bdb/root/var/lib/rpm/Packages"
#define CORPUS_BDB_MANY "scancode-var-lib-rpm-bdb/root/var/lib/rpm/Packages"
#define CORPUS_NDB "gorpmdb-sle15-bci-ndb/root/usr/lib/sysimage/rpm/Packages.db"
#define CORPUS_SQLITE "gorpmdb-cbl-mariner-2.0-sqlite/root/var/lib/rpm/rpmdb.sqlite"

/* ---- temporary roots -------------------------------------------------- */

struct tmp {
	char root[64];
};

static int tmp_setup(void **state)
{
	struct tmp *t = xcalloc(1, sizeof(*t));

	snprintf(t->root, sizeof(t->root), "/tmp/fc-rpmdb-XXXXXX");
	if (!mkdtemp(t->root)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int tmp_teardown(void **state)
{
	struct tmp *t = *state;
	int rc = nftw(t->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	free(t);
	return rc;
}

/* Makes root/rel and every directory above it. */
static void mkdirs(const char *root, const char *rel)
{
	char path[512];
	size_t i, n;

	n = (size_t)snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_true(n < sizeof(path));
	for (i = strlen(root) + 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			fail_msg("mkdir '%s': %s", path, strerror(errno));
		if (i < n)
			path[i] = '/';
	}
}

static void spit(const char *path, const unsigned char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Writes data as root/dir/name, making dir first. */
static void put_db(const struct tmp *t, const char *dir, const char *name,
                   const unsigned char *data, size_t len)
{
	char path[512];

	mkdirs(t->root, dir);
	snprintf(path, sizeof(path), "%s/%s/%s", t->root, dir, name);
	spit(path, data, len);
}

static void tmp_path(const struct tmp *t, const char *rel, char *out, size_t cap)
{
	assert_true((size_t)snprintf(out, cap, "%s/%s", t->root, rel) < cap);
}

/* Deterministic junk (a linear congruential generator). */
static void junk_fill(unsigned char *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (unsigned char)(seed >> 16);
	}
}

/* ---- the corpus ------------------------------------------------------- */

static bool corpus_path(const char *rel, char *out, size_t cap)
{
	snprintf(out, cap, "%s/corpus/packages/rpm/%s", shared_dir(), rel);
	return access(out, R_OK) == 0;
}

/* Loads corpus file rel into memory, or skips the test when absent. */
static unsigned char *corpus_load(const char *rel, size_t *len)
{
	char path[512];

	if (!corpus_path(rel, path, sizeof(path))) {
		print_message("# corpus file '%s' absent; skipped\n", path);
		skip();
	}
	return (unsigned char *)slurp(path, len);
}

/* ---- collecting packages ---------------------------------------------- */

static const struct rec *got_find(const struct got *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (!strcmp(g->r[i].name, name))
			return &g->r[i];
	return NULL;
}

/* "NAME\tEPOCHNUM\tVERSION\tRELEASE\tARCH", as in expected.tsv. */
static char *pkg_row(const struct rec *p)
{
	const char *v = p->version, *colon = strchr(v, ':'), *dash;
	char epoch[16] = "0", *row;
	size_t cap;

	if (colon) {
		snprintf(epoch, sizeof(epoch), "%.*s", (int)(colon - v), v);
		v = colon + 1;
	}
	dash = strrchr(v, '-');
	if (!dash)
		dash = v + strlen(v);
	cap = strlen(p->name) + strlen(epoch) + strlen(v) + strlen(p->arch) + 8;
	row = xmalloc(cap);
	snprintf(row, cap, "%s\t%s\t%.*s\t%s\t%s", p->name, epoch, (int)(dash - v), v,
	         *dash ? dash + 1 : "", p->arch);
	return row;
}

/* Reads expected.tsv: header line skipped, gpg-pubkey dropped, arch
 * "(none)" taken as "". *all counts every data row, gpg-pubkey included. */
static void expected_load(const char *path, struct strs *r, size_t *all)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *tab;
	size_t cap = 0;
	ssize_t n;

	assert_non_null(f);
	*all = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || !strncmp(line, "name\t", 5))
			continue;
		(*all)++;
		if (!strncmp(line, "gpg-pubkey\t", 11))
			continue;
		tab = strrchr(line, '\t');
		if (tab && !strcmp(tab + 1, "(none)"))
			tab[1] = '\0';
		strs_push(r, xstrdup(line));
	}
	free(line);
	fclose(f);
}

/* Counts everything below dir (to see that reading created no files). */
static size_t entries_below(const char *dir)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR)
			n += entries_below(path);
	}
	closedir(d);
	return n;
}

/* ---- corpus cases ------------------------------------------------------ */

struct corpus_case {
	char *name; /* directory below corpus/packages/rpm */
	char *label; /* test name */
	unsigned long count; /* expected_packages column of CASES.tsv */
};

static void test_corpus_case(void **state)
{
	const struct corpus_case *c = *state;
	struct got l = {.from = "rpm"};
	struct strs got = {0}, want = {0};
	char base[512], root[600], exp[600], err[FC_ERRLEN] = "";
	size_t i, all, before;
	enum fc_rc rc;

	corpus_path(c->name, base, sizeof(base));
	snprintf(exp, sizeof(exp), "%s/expected.tsv", base);
	snprintf(root, sizeof(root), "%s/root", base);
	before = entries_below(root);
	rc = rpmdb_read(root, collect, &l, err);
	if (rc)
		fail_msg("%s: %s: %s", c->name, fc_strerror(rc), err);
	for (i = 0; i < l.n; i++)
		strs_push(&got, pkg_row(&l.r[i]));
	expected_load(exp, &want, &all);
	print_message("# %s: %zu found, %zu expected (%zu listed, gpg-pubkey excluded)\n", c->name,
	              got.n, want.n, all);
	assert_int_equal(all, c->count);
	assert_int_equal(strs_diff(&got, &want, c->label), 0);
	assert_int_equal(entries_below(root), before);
	strs_release(&got);
	strs_release(&want);
	got_release(&l);
}

static void test_corpus_absent(void **state)
{
	(void)state;
	print_message("# corpus '%s/corpus/packages/CASES.tsv' absent; set FC_SHARED\n",
	              shared_dir());
	skip();
}

/* Reads the rpm rows of CASES.tsv. Returns how many. */
static size_t cases_load(struct corpus_case **out)
{
	struct strs rows = {0};
	size_t n, len;
	char *tab;

	*out = NULL;
	if (!corpus_cases("rpm", &rows))
		return 0;
	if (rows.n)
		*out = xcalloc(rows.n, sizeof(**out));
	for (n = 0; n < rows.n; n++) {
		tab = strchr(rows.s[n], '\t');
		(*out)[n].name = xstrndup(rows.s[n], (size_t)(tab - rows.s[n]));
		(*out)[n].count = strtoul(tab + 1, NULL, 10);
		len = strlen((*out)[n].name) + 16;
		(*out)[n].label = xmalloc(len);
		snprintf((*out)[n].label, len, "corpus/%s", (*out)[n].name);
	}
	strs_release(&rows);
	return n;
}

/* ---- helpers for failing reads ---------------------------------------- */

/* rpmdb_read on t's root must fail with want and an err containing needle. */
static void expect_failure(const struct tmp *t, enum fc_rc want, const char *needle)
{
	struct got l = {.from = "rpm"};
	char err[FC_ERRLEN] = "";
	enum fc_rc rc = rpmdb_read(t->root, collect, &l, err);

	print_message("# %s: %s\n", fc_strerror(rc), err);
	got_release(&l);
	if (rc != want)
		fail_msg("got '%s' (%s), want '%s'", fc_strerror(rc), err, fc_strerror(want));
	if (!strstr(err, needle))
		fail_msg("message '%s' lacks '%s'", err, needle);
}

/* rpmdb_read on t's root must succeed; returns the packages. */
static void expect_success(const struct tmp *t, struct got *l)
{
	char err[FC_ERRLEN] = "";
	enum fc_rc rc = rpmdb_read(t->root, collect, l, err);

	if (rc)
		fail_msg("got '%s': %s", fc_strerror(rc), err);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[1] << 8 | p[0];
}

static void put_le16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* ---- Berkeley DB (the corpus files are little-endian) ------------------ */

#define BDB_PS(db) le32((db) + 20)
#define BDB_PAGE(db, n) ((db) + (size_t)(n)*BDB_PS(db))

/* First page at or after from with page type type. */
static uint32_t bdb_find(const unsigned char *db, size_t len, unsigned type, uint32_t from)
{
	uint32_t p;

	for (p = from; (size_t)(p + 1) * BDB_PS(db) <= len; p++)
		if (BDB_PAGE(db, p)[25] == type)
			return p;
	fail_msg("no page of type %u", type);
	return 0;
}

/* The hash page holding record 1 and the first page of its overflow chain. */
static uint32_t bdb_chain_start(const unsigned char *db, size_t len, uint32_t *hash_pg)
{
	uint32_t p, i, n;
	const unsigned char *pg, *item;

	for (p = 1; (size_t)(p + 1) * BDB_PS(db) <= len; p++) {
		pg = BDB_PAGE(db, p);
		if (pg[25] != 13)
			continue;
		n = le16(pg + 20);
		for (i = 1; i < n; i += 2) {
			item = pg + le16(pg + 26 + 2 * i);
			if (item[0] == 3) {
				*hash_pg = p;
				return le32(item + 4);
			}
		}
	}
	fail_msg("no off-page item");
	return 0;
}

static void test_bdb_truncated_mid_page(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_CHAIN, &len);

	put_db(*state, "var/lib/rpm", "Packages", db, len - BDB_PS(db) / 2);
	expect_failure(*state, FC_EPARSE, "file truncated");
	free(db);
}

/* Cut inside an overflow chain: caught by the size check, and, with the
 * metadata page made to agree with the shorter file, by the chain walk. */
static void test_bdb_truncated_mid_chain(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_CHAIN, &len);
	uint32_t hash_pg, p = bdb_chain_start(db, len, &hash_pg), hop;

	for (hop = 0; hop < 10; hop++)
		p = le32(BDB_PAGE(db, p) + 16);
	assert_true(p > hash_pg);
	put_db(*state, "var/lib/rpm", "Packages", db, (size_t)p * BDB_PS(db) + 100);
	expect_failure(*state, FC_EPARSE, "file truncated");
	put_le32(db + 32, p - 1);
	put_db(*state, "var/lib/rpm", "Packages", db, (size_t)p * BDB_PS(db));
	expect_failure(*state, FC_EPARSE, "past the last page");
	free(db);
}

static void test_bdb_random_bytes(void **state)
{
	unsigned char junk[65536];

	junk_fill(junk, sizeof(junk), 7);
	put_db(*state, "var/lib/rpm", "Packages", junk, sizeof(junk));
	expect_failure(*state, FC_EPARSE, "not an rpm database");
}

static void test_bdb_overflow_self_loop(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t p = bdb_find(db, len, 7, 1);

	put_le32(BDB_PAGE(db, p) + 16, p);
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_EPARSE, "overflow chain loops");
	free(db);
}

/* A loop back into the middle of a long chain. */
static void test_bdb_overflow_inner_loop(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_CHAIN, &len);
	uint32_t hash_pg, p = bdb_chain_start(db, len, &hash_pg), third = 0, hop;

	for (hop = 0; hop < 5; hop++) {
		if (hop == 2)
			third = p;
		p = le32(BDB_PAGE(db, p) + 16);
	}
	put_le32(BDB_PAGE(db, p) + 16, third);
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_EPARSE, "overflow chain");
	free(db);
}

static void test_bdb_wrong_pgno(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t p = bdb_find(db, len, 13, 1);

	put_le32(BDB_PAGE(db, p) + 8, p + 6);
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_EPARSE, "page number field says");
	free(db);
}

static void test_bdb_overflow_wrong_pgno(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t p = bdb_find(db, len, 7, 1);

	put_le32(BDB_PAGE(db, p) + 8, 0);
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_EPARSE, "page number field says 0");
	free(db);
}

static void test_bdb_item_offset_past_end(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t p = bdb_find(db, len, 13, 1);

	put_le16(BDB_PAGE(db, p) + 26, 5000);
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_EPARSE, "offset 5000 past page end");
	free(db);
}

static void test_bdb_item_offset_in_index(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t p = bdb_find(db, len, 13, 1);

	put_le16(BDB_PAGE(db, p) + 26 + 2, 12);
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_EPARSE, "inside the page index");
	free(db);
}

static void test_bdb_item_count_overflows_page(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t p = bdb_find(db, len, 13, 1);

	put_le16(BDB_PAGE(db, p) + 20, 3000);
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_EPARSE, "bad item count 3000");
	free(db);
}

static void test_bdb_offpage_too_large(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t hash_pg, i, n;
	unsigned char *pg, *item;

	bdb_chain_start(db, len, &hash_pg);
	pg = BDB_PAGE(db, hash_pg);
	n = le16(pg + 20);
	for (i = 1; i < n; i += 2) {
		item = pg + le16(pg + 26 + 2 * i);
		if (item[0] == 3)
			put_le32(item + 8, 0x7fffffff);
	}
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_ELIMIT, "exceeds the");
	free(db);
}

static void test_bdb_offpage_length_mismatch(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t hash_pg, i, n;
	unsigned char *pg, *item;

	bdb_chain_start(db, len, &hash_pg);
	pg = BDB_PAGE(db, hash_pg);
	n = le16(pg + 20);
	for (i = 1; i < n; i += 2) {
		item = pg + le16(pg + 26 + 2 * i);
		if (item[0] == 3)
			put_le32(item + 8, le32(item + 8) + 1);
	}
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_EPARSE, "ends after");
	free(db);
}

/* A broken header blob inside a good container names the record. */
static void test_bdb_bad_header_in_record(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t hash_pg, first = bdb_chain_start(db, len, &hash_pg);

	put_be32(BDB_PAGE(db, first) + 26, 0); /* il */
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_failure(*state, FC_EPARSE, "'/var/lib/rpm/Packages': record 1 (page");
	expect_failure(*state, FC_EPARSE, "il 0 out of range");
	free(db);
}

static void test_bdb_meta_checks(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	unsigned char *copy = xmalloc(len);

	memcpy(copy, db, len);
	put_le32(copy + 12, 0x00053162); /* btree magic */
	put_db(*state, "var/lib/rpm", "Packages", copy, len);
	expect_failure(*state, FC_EPARSE, "not an rpm database");
	memcpy(copy, db, len);
	put_le32(copy + 20, 3000); /* page size */
	put_db(*state, "var/lib/rpm", "Packages", copy, len);
	expect_failure(*state, FC_EPARSE, "bad page size 3000");
	memcpy(copy, db, len);
	copy[24] = 1; /* encrypt_alg */
	put_db(*state, "var/lib/rpm", "Packages", copy, len);
	expect_failure(*state, FC_EPARSE, "encrypted");
	memcpy(copy, db, len);
	put_le32(copy + 16, 7); /* hash version */
	put_db(*state, "var/lib/rpm", "Packages", copy, len);
	expect_failure(*state, FC_EPARSE, "unsupported hash version 7");
	memcpy(copy, db, len);
	BDB_PAGE(copy, 1)[25] = 5; /* a btree leaf page in a hash file */
	put_db(*state, "var/lib/rpm", "Packages", copy, len);
	expect_failure(*state, FC_EPARSE, "unexpected page type 5");
	free(copy);
	free(db);
}

static void swap32_at(unsigned char *p)
{
	unsigned char t = p[0];

	p[0] = p[3];
	p[3] = t;
	t = p[1];
	p[1] = p[2];
	p[2] = t;
}

static void swap16_at(unsigned char *p)
{
	unsigned char t = p[0];

	p[0] = p[1];
	p[1] = t;
}

/* Swaps a hash page's item index and the numbers inside its items. */
static void bdb_swap_items(unsigned char *pg)
{
	uint32_t n = le16(pg + 20), i;
	unsigned char *item;

	for (i = 0; i < n; i++) {
		item = pg + le16(pg + 26 + 2 * i);
		if (i % 2 == 0 && item[0] == 1)
			swap32_at(item + 1); /* record number */
		if (i % 2 == 1 && item[0] == 3) {
			swap32_at(item + 4); /* first overflow page */
			swap32_at(item + 8); /* total length */
		}
		swap16_at(pg + 26 + 2 * i);
	}
}

/* Rewrites a little-endian Packages file as a big-endian host (s390x)
 * would have written it: every number in the file's order except the
 * header blobs, which stay big-endian. */
static void bdb_to_big_endian(unsigned char *db, size_t len)
{
	static const unsigned meta[] = {0, 4, 8, 12, 16, 20, 28, 32, 36, 40, 44, 48};
	uint32_t ps = BDB_PS(db), p;
	unsigned char *pg;
	size_t i;

	for (p = 1; (size_t)(p + 1) * ps <= len; p++) {
		pg = db + (size_t)p * ps;
		if (pg[25] == 2 || pg[25] == 13)
			bdb_swap_items(pg);
		for (i = 0; i < 20; i += 4)
			swap32_at(pg + i);
		swap16_at(pg + 20);
		swap16_at(pg + 22);
	}
	for (i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
		swap32_at(db + meta[i]);
	for (i = 72; i < 224; i += 4)
		swap32_at(db + i);
}

static void test_bdb_big_endian(void **state)
{
	size_t len, i;
	unsigned char *db = corpus_load(CORPUS_BDB_MANY, &len);
	struct got le = {.from = "rpm"}, be = {.from = "rpm"};
	struct strs a = {0}, b = {0};

	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_success(*state, &le);
	bdb_to_big_endian(db, len);
	assert_int_equal(db[12], 0x00);
	assert_int_equal(db[15], 0x61);
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_success(*state, &be);
	print_message("# little-endian %zu packages, big-endian copy %zu\n", le.n, be.n);
	assert_int_equal(le.n, 99);
	for (i = 0; i < le.n; i++)
		strs_push(&a, pkg_row(&le.r[i]));
	for (i = 0; i < be.n; i++)
		strs_push(&b, pkg_row(&be.r[i]));
	assert_int_equal(strs_diff(&b, &a, "big-endian copy"), 0);
	strs_release(&a);
	strs_release(&b);
	got_release(&le);
	got_release(&be);
	free(db);
}

/* Pre-4.6 Berkeley DB (RHEL 5) wrote unsorted hash pages, type 2. */
static void test_bdb_page_type_2(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_BDB_SMALL, &len);
	uint32_t p;
	struct got l = {.from = "rpm"};

	for (p = 1; (size_t)(p + 1) * BDB_PS(db) <= len; p++)
		if (BDB_PAGE(db, p)[25] == 13)
			BDB_PAGE(db, p)[25] = 2;
	put_db(*state, "var/lib/rpm", "Packages", db, len);
	expect_success(*state, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.r[0].name, "dive");
	assert_string_equal(l.r[0].version, "0.9.2-1");
	got_release(&l);
	free(db);
}

/* ---- ndb ---------------------------------------------------------------- */

#define NDB_DIR "usr/lib/sysimage/rpm"

static void test_ndb_bad_slot_magic(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_NDB, &len);

	db[16 * 3] = 'X'; /* slot 3: slots are 16 bytes from the file start */
	put_db(*state, NDB_DIR, "Packages.db", db, len);
	expect_failure(*state, FC_EPARSE, "slot 3: bad slot magic");
	free(db);
}

static void test_ndb_bad_checksum(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_NDB, &len);
	uint32_t blkoff = le32(db + 32 + 8);

	db[(size_t)blkoff * 16 + 16 + 200] ^= 0x20;
	put_db(*state, NDB_DIR, "Packages.db", db, len);
	expect_failure(*state, FC_EPARSE, "blob checksum mismatch");
	free(db);
}

static void test_ndb_blkoff_past_end(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_NDB, &len);

	put_le32(db + 32 + 8, (uint32_t)(len / 16) - 1);
	put_db(*state, NDB_DIR, "Packages.db", db, len);
	expect_failure(*state, FC_EPARSE, "outside the blob area");
	put_le32(db + 32 + 8, 3); /* inside the slot pages */
	put_db(*state, NDB_DIR, "Packages.db", db, len);
	expect_failure(*state, FC_EPARSE, "outside the blob area");
	free(db);
}

static void test_ndb_blob_checks(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_NDB, &len);
	uint32_t blkoff = le32(db + 32 + 8), blkcnt = le32(db + 32 + 12);

	put_le32(db + 32 + 12, blkcnt + 1);
	put_db(*state, NDB_DIR, "Packages.db", db, len);
	expect_failure(*state, FC_EPARSE, "does not fill");
	put_le32(db + 32 + 12, blkcnt);
	put_le32(db + (size_t)blkoff * 16 + 4, 77); /* package index in the head */
	put_db(*state, NDB_DIR, "Packages.db", db, len);
	expect_failure(*state, FC_EPARSE, "bad blob head");
	put_db(*state, NDB_DIR, "Packages.db", db, len - 8);
	expect_failure(*state, FC_EPARSE, "not a multiple of 16");
	free(db);
}

static void test_ndb_bad_header_in_blob(void **state)
{
	size_t len;
	unsigned char *db = corpus_load(CORPUS_NDB, &len);
	uint32_t blkoff = le32(db + 32 + 8), blkcnt = le32(db + 32 + 12);
	unsigned char *blob = db + (size_t)blkoff * 16;
	size_t size = (size_t)blkcnt * 16;

	put_be32(blob + 16 + 4, 0x7fffffff); /* dl, then fix the checksum */
	put_le32(blob + size - 12, (uint32_t)adler32(adler32(0, NULL, 0), blob, (uInt)(size - 12)));
	put_db(*state, NDB_DIR, "Packages.db", db, len);
	expect_failure(*state, FC_EPARSE, "package 1 (block");
	expect_failure(*state, FC_EPARSE, "dl 2147483647 exceeds");
	free(db);
}

/* ---- header blobs ------------------------------------------------------- */

/* Builds a header blob: entries in order, data aligned per type. */
struct hb {
	unsigned char index[16 * 64];
	unsigned char data[16384];
	uint32_t il, dl, ril;
	bool region, closed;
};

static void hb_entry(struct hb *h, uint32_t i, int32_t tag, uint32_t type, int32_t off,
                     uint32_t count)
{
	put_be32(h->index + 16 * i, (uint32_t)tag);
	put_be32(h->index + 16 * i + 4, type);
	put_be32(h->index + 16 * i + 8, (uint32_t)off);
	put_be32(h->index + 16 * i + 12, count);
}

static void hb_init(struct hb *h, bool region)
{
	memset(h, 0, sizeof(*h));
	h->region = region;
	h->il = region ? 1 : 0;
}

static void hb_add(struct hb *h, int32_t tag, uint32_t type, const void *p, size_t len,
                   uint32_t count)
{
	uint32_t align = type == 3 ? 2 : type == 4 ? 4 : type == 5 ? 8 : 1;

	while (h->dl % align)
		h->data[h->dl++] = 0;
	assert_true(h->dl + len <= sizeof(h->data));
	hb_entry(h, h->il++, tag, type, (int32_t)h->dl, count);
	memcpy(h->data + h->dl, p, len);
	h->dl += (uint32_t)len;
}

static void hb_str(struct hb *h, int32_t tag, const char *s)
{
	hb_add(h, tag, 6, s, strlen(s) + 1, 1);
}

static void hb_int32(struct hb *h, int32_t tag, uint32_t v)
{
	unsigned char b[4];

	put_be32(b, v);
	hb_add(h, tag, 4, b, 4, 1);
}

/* Ends the immutable region: entry 0 and the trailer after its data.
 * Entries added afterwards are dribbles. */
static void hb_close_region(struct hb *h)
{
	hb_entry(h, 0, 63, 7, (int32_t)h->dl, 16);
	put_be32(h->data + h->dl, 63);
	put_be32(h->data + h->dl + 4, 7);
	put_be32(h->data + h->dl + 8, (uint32_t) - (int32_t)(16 * h->il));
	put_be32(h->data + h->dl + 12, 16);
	h->dl += 16;
	h->ril = h->il;
	h->closed = true;
}

static size_t hb_finish(struct hb *h, unsigned char *out, size_t cap)
{
	size_t total;

	if (h->region && !h->closed)
		hb_close_region(h);
	total = 8 + 16 * (size_t)h->il + h->dl;
	assert_true(total <= cap);
	put_be32(out, h->il);
	put_be32(out + 4, h->dl);
	memcpy(out + 8, h->index, 16 * (size_t)h->il);
	memcpy(out + 8 + 16 * (size_t)h->il, h->data, h->dl);
	return total;
}

/* Entry i's field at byte off (0 tag, 4 type, 8 offset, 12 count). */
#define HB_FIELD(blob, i, off) ((blob) + 8 + 16 * (i) + (off))

/* The standard test header: region 63, entries 1..6 = NAME foo, VERSION
 * 1.0, RELEASE 2, EPOCH 3, ARCH x86_64, VENDOR Acme. */
static size_t hb_standard(unsigned char *out, size_t cap)
{
	struct hb h;

	hb_init(&h, true);
	hb_str(&h, 1000, "foo");
	hb_str(&h, 1001, "1.0");
	hb_str(&h, 1002, "2");
	hb_int32(&h, 1003, 3);
	hb_str(&h, 1022, "x86_64");
	hb_str(&h, 1011, "Acme");
	return hb_finish(&h, out, cap);
}

/* rpm_header_parse must refuse blob with want and a message with needle. */
static void expect_bad_header(const unsigned char *blob, size_t len, enum fc_rc want,
                              const char *needle)
{
	struct rpm_header_info info;
	char err[FC_ERRLEN] = "";
	enum fc_rc rc = rpm_header_parse(blob, len, &info, err);

	print_message("# %s: %s\n", fc_strerror(rc), err);
	if (rc != want)
		fail_msg("got '%s' (%s), want '%s'", fc_strerror(rc), err, fc_strerror(want));
	if (!strstr(err, needle))
		fail_msg("message '%s' lacks '%s'", err, needle);
	assert_null(info.name);
}

static void test_header_valid(void **state)
{
	unsigned char blob[512];
	size_t len = hb_standard(blob, sizeof(blob));
	struct rpm_header_info info;
	char err[FC_ERRLEN];

	(void)state;
	assert_int_equal(rpm_header_parse(blob, len, &info, err), FC_OK);
	assert_string_equal(info.name, "foo");
	assert_string_equal(info.version, "1.0");
	assert_string_equal(info.release, "2");
	assert_string_equal(info.arch, "x86_64");
	assert_string_equal(info.vendor, "Acme");
	assert_true(info.has_epoch);
	assert_int_equal(info.epoch, 3);
}

static void test_header_intro(void **state)
{
	unsigned char blob[512];
	size_t len = hb_standard(blob, sizeof(blob));

	(void)state;
	expect_bad_header(blob, 4, FC_EPARSE, "shorter than 8");
	put_be32(blob, 0);
	expect_bad_header(blob, len, FC_EPARSE, "il 0 out of range");
	put_be32(blob, 0x10000);
	expect_bad_header(blob, len, FC_EPARSE, "il 65536 out of range");
	put_be32(blob, 0xffffffff);
	expect_bad_header(blob, len, FC_EPARSE, "il 4294967295 out of range");
	put_be32(blob, 7);
	put_be32(blob + 4, 45);
	expect_bad_header(blob, len, FC_EPARSE, "does not match il 7 and dl 45");
	put_be32(blob + 4, 0x10000000);
	expect_bad_header(blob, len, FC_EPARSE, "dl 268435456 exceeds");
	put_be32(blob + 4, 44);
	expect_bad_header(blob, len - 1, FC_EPARSE, "does not match");
	/* Only the length is looked at before the limit check. */
	expect_bad_header(blob, RPM_HEADER_MAX + 1, FC_ELIMIT, "exceeds the");
}

static void test_header_offsets(void **state)
{
	unsigned char blob[512];
	size_t len = hb_standard(blob, sizeof(blob));

	(void)state;
	put_be32(HB_FIELD(blob, 5, 8), 44 + 64); /* ARCH */
	expect_bad_header(blob, len, FC_EPARSE, "offset 108 outside the data store of 44 bytes");
	put_be32(HB_FIELD(blob, 5, 8), 0xfffffff0);
	expect_bad_header(blob, len, FC_EPARSE, "offset -16 outside the data store");
	len = hb_standard(blob, sizeof(blob));
	put_be32(HB_FIELD(blob, 2, 8), 0); /* VERSION over NAME */
	expect_bad_header(blob, len, FC_EPARSE, "overlaps the previous entry");
	len = hb_standard(blob, sizeof(blob));
	put_be32(HB_FIELD(blob, 4, 8), 13); /* EPOCH misaligned */
	expect_bad_header(blob, len, FC_EPARSE, "not aligned to 4");
	len = hb_standard(blob, sizeof(blob));
	put_be32(HB_FIELD(blob, 4, 12), 10); /* EPOCH: 40 bytes from offset 12 */
	expect_bad_header(blob, len, FC_EPARSE, "pass the data store end");
}

static void test_header_entry_fields(void **state)
{
	unsigned char blob[512];
	size_t len = hb_standard(blob, sizeof(blob));

	(void)state;
	put_be32(HB_FIELD(blob, 1, 0), 99);
	expect_bad_header(blob, len, FC_EPARSE, "tag 99 below 100");
	len = hb_standard(blob, sizeof(blob));
	put_be32(HB_FIELD(blob, 5, 4), 10);
	expect_bad_header(blob, len, FC_EPARSE, "type 10 out of range");
	put_be32(HB_FIELD(blob, 5, 4), 0);
	expect_bad_header(blob, len, FC_EPARSE, "type 0 out of range");
	len = hb_standard(blob, sizeof(blob));
	put_be32(HB_FIELD(blob, 5, 12), 0);
	expect_bad_header(blob, len, FC_EPARSE, "count 0 out of range");
	put_be32(HB_FIELD(blob, 5, 12), 2);
	expect_bad_header(blob, len, FC_EPARSE, "STRING with count 2");
	len = hb_standard(blob, sizeof(blob));
	put_be32(HB_FIELD(blob, 1, 4), 4); /* NAME as INT32 */
	expect_bad_header(blob, len, FC_EPARSE, "tag 1000 has type 4, expected 6");
}

static void test_header_missing_nul(void **state)
{
	unsigned char blob[512];
	size_t len;
	struct hb h;

	(void)state;
	hb_init(&h, false); /* legacy header: no region */
	hb_add(&h, 1000, 6, "abc", 3, 1);
	len = hb_finish(&h, blob, sizeof(blob));
	expect_bad_header(blob, len, FC_EPARSE, "has no NUL before the data store end");
	hb_init(&h, false);
	hb_add(&h, 1011, 8, "one\0two", 7, 2);
	len = hb_finish(&h, blob, sizeof(blob));
	expect_bad_header(blob, len, FC_EPARSE, "string 1 has no NUL");
	/* In a region the string would run on into the trailer. */
	len = hb_standard(blob, sizeof(blob));
	blob[8 + 16 * 7 + 27] = 'X';
	expect_bad_header(blob, len, FC_EPARSE, "overlaps the region trailer");
}

static void test_header_region(void **state)
{
	unsigned char blob[512];
	size_t len = hb_standard(blob, sizeof(blob));
	unsigned char *trailer = blob + 8 + 16 * 7 + 28;

	(void)state;
	put_be32(HB_FIELD(blob, 0, 8), (uint32_t)-16); /* trailer in the index */
	expect_bad_header(blob, len, FC_EPARSE, "region trailer offset -16 outside");
	put_be32(HB_FIELD(blob, 0, 8), 36); /* trailer would pass dl */
	expect_bad_header(blob, len, FC_EPARSE, "region trailer offset 36 outside");
	put_be32(HB_FIELD(blob, 0, 8), 28);
	put_be32(HB_FIELD(blob, 0, 12), 15);
	expect_bad_header(blob, len, FC_EPARSE, "region tag 63 has type 7 count 15");
	put_be32(HB_FIELD(blob, 0, 12), 16);
	put_be32(trailer + 8, (uint32_t) - (16 * 8)); /* 8 entries, il is 7 */
	expect_bad_header(blob, len, FC_EPARSE, "does not give 1..7 entries");
	put_be32(trailer + 8, (uint32_t)-20);
	expect_bad_header(blob, len, FC_EPARSE, "does not give");
	put_be32(trailer + 8, 0);
	expect_bad_header(blob, len, FC_EPARSE, "does not give");
	put_be32(trailer + 8, (uint32_t) - (16 * 7));
	put_be32(trailer, 62);
	expect_bad_header(blob, len, FC_EPARSE, "region trailer has tag 62");
}

/* The data-length sum (rpm hdrblobImport) catches unaccounted bytes. */
static void test_header_dl_sum(void **state)
{
	unsigned char blob[512];
	size_t len;
	struct hb h;

	(void)state;
	hb_init(&h, true);
	hb_str(&h, 1000, "foo");
	h.dl += 4; /* four stray bytes before the trailer */
	len = hb_finish(&h, blob, sizeof(blob));
	expect_bad_header(blob, len, FC_EPARSE, "add up to");
}

/* Dribbles after the region replace region entries; string tags may use
 * STRING_ARRAY or I18NSTRING (the first string counts). */
static void test_header_dribbles_and_string_types(void **state)
{
	unsigned char blob[512];
	size_t len;
	struct hb h;
	struct rpm_header_info info;
	char err[FC_ERRLEN];

	(void)state;
	hb_init(&h, true);
	hb_add(&h, 1000, 9, "bar\0bar-de", 11, 2);
	hb_str(&h, 1001, "1");
	hb_str(&h, 1002, "1");
	hb_add(&h, 1011, 8, "Vendor A\0Vendor B", 18, 2);
	hb_close_region(&h);
	hb_int32(&h, 1008, 1700000000); /* INSTALLTIME */
	hb_str(&h, 1022, "noarch");
	hb_str(&h, 1001, "9");
	len = hb_finish(&h, blob, sizeof(blob));
	assert_int_equal(rpm_header_parse(blob, len, &info, err), FC_OK);
	assert_string_equal(info.name, "bar");
	assert_string_equal(info.version, "9");
	assert_string_equal(info.arch, "noarch");
	assert_string_equal(info.vendor, "Vendor A");
	assert_false(info.has_epoch);
}

/* ---- turning headers into packages ------------------------------------ */

static void test_emit(void **state)
{
	unsigned char blob[8192];
	char err[FC_ERRLEN], big[5001];
	struct got l = {.from = "rpm"};
	struct rpm_header_sink sink;
	struct hb h;
	size_t len;

	(void)state;
	rpm_header_sink_init(&sink, "/x/Packages", collect, &l);
	len = hb_standard(blob, sizeof(blob));
	assert_int_equal(rpm_header_emit(&sink, blob, len, "record 1", err), FC_OK);
	hb_init(&h, true);
	hb_str(&h, 1000, "gpg-pubkey");
	hb_str(&h, 1001, "d4082792");
	hb_str(&h, 1002, "5b32db75");
	len = hb_finish(&h, blob, sizeof(blob));
	assert_int_equal(rpm_header_emit(&sink, blob, len, "record 2", err), FC_OK);
	hb_init(&h, true);
	hb_str(&h, 1001, "1.0"); /* no NAME */
	len = hb_finish(&h, blob, sizeof(blob));
	assert_int_equal(rpm_header_emit(&sink, blob, len, "record 3", err), FC_OK);
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	hb_init(&h, true);
	hb_str(&h, 1000, big);
	len = hb_finish(&h, blob, sizeof(blob));
	assert_int_equal(rpm_header_emit(&sink, blob, len, "record 4", err), FC_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(sink.seen, 4);
	assert_string_equal(l.r[0].name, "foo");
	assert_string_equal(l.r[0].version, "3:1.0-2");
	assert_string_equal(l.r[0].arch, "x86_64");
	assert_string_equal(l.r[0].publisher, "Acme");
	assert_int_equal(strlen(l.r[1].name), PKG_MAX_FIELD);
	assert_string_equal(l.r[1].version, "");
	assert_string_equal(l.r[1].arch, "");
	sink.packages = PKG_MAX_COUNT;
	len = hb_standard(blob, sizeof(blob));
	assert_int_equal(rpm_header_emit(&sink, blob, len, "record 5", err), FC_ELIMIT);
	print_message("# %s\n", err);
	assert_non_null(strstr(err, "more than"));
	got_release(&l);
}

/* ---- SQLite -------------------------------------------------------------- */

static void sql_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static void sql_insert(sqlite3 *db, const unsigned char *blob, size_t len)
{
	sqlite3_stmt *st;

	assert_int_equal(
	    sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_TRANSIENT), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
}

/* Creates an rpm-style SQLite database at path holding one blob (if any). */
static void make_sqlite(const char *path, const unsigned char *blob, size_t len)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sql_exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, "
	             "blob BLOB NOT NULL)");
	if (blob)
		sql_insert(db, blob, len);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void test_sqlite_not_a_database(void **state)
{
	unsigned char junk[8192];

	junk_fill(junk, sizeof(junk), 11);
	memcpy(junk, "SQLite format 3", 16);
	put_db(*state, "var/lib/rpm", "rpmdb.sqlite", junk, sizeof(junk));
	expect_failure(*state, FC_EPARSE, "not a database");
}

static void test_sqlite_bad_header_blob(void **state)
{
	const struct tmp *t = *state;
	unsigned char blob[512];
	char path[512];
	size_t len = hb_standard(blob, sizeof(blob));

	mkdirs(t->root, "var/lib/rpm");
	tmp_path(t, "var/lib/rpm/rpmdb.sqlite", path, sizeof(path));
	put_be32(blob, 0);
	make_sqlite(path, blob, len);
	expect_failure(*state, FC_EPARSE,
	               "'/var/lib/rpm/rpmdb.sqlite': hnum 1: header index "
	               "count il 0 out of range");
}

static void test_sqlite_no_table(void **state)
{
	const struct tmp *t = *state;
	char path[512];
	sqlite3 *db;

	mkdirs(t->root, "var/lib/rpm");
	tmp_path(t, "var/lib/rpm/rpmdb.sqlite", path, sizeof(path));
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sql_exec(db, "CREATE TABLE Other (x)");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	expect_failure(*state, FC_EPARSE, "no such table");
}

static void test_sqlite_skips_pubkey_and_nameless(void **state)
{
	const struct tmp *t = *state;
	unsigned char blob[512];
	char path[512];
	struct got l = {.from = "rpm"};
	struct hb h;
	sqlite3 *db;
	size_t len;

	mkdirs(t->root, "var/lib/rpm");
	tmp_path(t, "var/lib/rpm/rpmdb.sqlite", path, sizeof(path));
	make_sqlite(path, blob, hb_standard(blob, sizeof(blob)));
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	hb_init(&h, true);
	hb_str(&h, 1000, "gpg-pubkey");
	len = hb_finish(&h, blob, sizeof(blob));
	sql_insert(db, blob, len);
	hb_init(&h, true);
	hb_str(&h, 1022, "noarch");
	len = hb_finish(&h, blob, sizeof(blob));
	sql_insert(db, blob, len);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	expect_success(t, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.r[0].version, "3:1.0-2");
	assert_string_equal(l.r[0].publisher, "Acme");
	got_release(&l);
}

/* A blob over RPM_HEADER_MAX is refused before SQLite loads it. */
static void test_sqlite_blob_too_large(void **state)
{
	const struct tmp *t = *state;
	char path[512];
	sqlite3 *db;

	mkdirs(t->root, "var/lib/rpm");
	tmp_path(t, "var/lib/rpm/rpmdb.sqlite", path, sizeof(path));
	make_sqlite(path, NULL, 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sql_exec(db, "INSERT INTO Packages (blob) VALUES (zeroblob(67109000))");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	expect_failure(t, FC_ELIMIT, "too big");
}

/* Reading a WAL database from a writable directory creates no -wal/-shm. */
static void test_sqlite_creates_no_files(void **state)
{
	const struct tmp *t = *state;
	size_t len, before;
	unsigned char *db = corpus_load(CORPUS_SQLITE, &len);
	struct got l = {.from = "rpm"};

	assert_int_equal(db[18], 2); /* the corpus file is in WAL mode */
	put_db(t, "var/lib/rpm", "rpmdb.sqlite", db, len);
	before = entries_below(t->root);
	expect_success(t, &l);
	assert_int_equal(l.n, 129);
	assert_int_equal(entries_below(t->root), before);
	got_release(&l);
	free(db);
}

/* Rows that sit only in the WAL of a live database are read too. */
static void test_sqlite_reads_wal(void **state)
{
	const struct tmp *t = *state;
	size_t len;
	unsigned char *db = corpus_load(CORPUS_SQLITE, &len), blob[512];
	char path[512];
	struct got l = {.from = "rpm"};
	struct hb h;
	sqlite3 *w;

	put_db(t, "var/lib/rpm", "rpmdb.sqlite", db, len);
	tmp_path(t, "var/lib/rpm/rpmdb.sqlite", path, sizeof(path));
	assert_int_equal(sqlite3_open(path, &w), SQLITE_OK);
	sql_exec(w, "PRAGMA wal_autocheckpoint=0");
	hb_init(&h, true);
	hb_str(&h, 1000, "walpkg");
	hb_str(&h, 1001, "1");
	hb_str(&h, 1002, "1");
	sql_insert(w, blob, hb_finish(&h, blob, sizeof(blob)));
	expect_success(t, &l); /* the writer still holds -wal and -shm */
	assert_int_equal(sqlite3_close(w), SQLITE_OK);
	print_message("# %zu packages with the WAL row\n", l.n);
	assert_int_equal(l.n, 130);
	assert_non_null(got_find(&l, "walpkg"));
	got_release(&l);
	free(db);
}

/* When the read-only open fails (here: the -wal "file" is a directory),
 * the reader retries with immutable=1 and warns. */
static void test_sqlite_immutable_fallback(void **state)
{
	const struct tmp *t = *state;
	size_t len, before;
	unsigned char *db = corpus_load(CORPUS_SQLITE, &len);
	struct got l = {.from = "rpm"};

	put_db(t, "var/lib/rpm", "rpmdb.sqlite", db, len);
	put_db(t, "var/lib/rpm", "rpmdb.sqlite-shm", db, 0);
	mkdirs(t->root, "var/lib/rpm/rpmdb.sqlite-wal");
	before = entries_below(t->root);
	expect_success(t, &l);
	assert_int_equal(l.n, 129);
	assert_int_equal(entries_below(t->root), before);
	got_release(&l);
	free(db);
}

/* ---- finding the database ---------------------------------------------- */

static void test_no_database(void **state)
{
	const struct tmp *t = *state;

	mkdirs(t->root, "var/lib/dpkg");
	mkdirs(t->root, "usr/share/rpm");
	expect_failure(t, FC_ENOENT, "no rpm database below");
}

/* Fedora >= 36, RHEL 10: var/lib/rpm -> ../../usr/lib/sysimage/rpm. */
static void test_symlinked_dbpath(void **state)
{
	const struct tmp *t = *state;
	unsigned char blob[512];
	char path[512];
	struct got l = {.from = "rpm"};

	mkdirs(t->root, "usr/lib/sysimage/rpm");
	mkdirs(t->root, "var/lib");
	tmp_path(t, "usr/lib/sysimage/rpm/rpmdb.sqlite", path, sizeof(path));
	make_sqlite(path, blob, hb_standard(blob, sizeof(blob)));
	tmp_path(t, "var/lib/rpm", path, sizeof(path));
	assert_int_equal(symlink("../../usr/lib/sysimage/rpm", path), 0);
	expect_success(t, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.r[0].name, "foo");
	got_release(&l);
}

/* Empty files are passed over; the format comes from the content. */
static void test_empty_file_and_content_sniffing(void **state)
{
	const struct tmp *t = *state;
	unsigned char blob[512] = {0};
	char path[512];
	struct got l = {.from = "rpm"};

	put_db(t, "var/lib/rpm", "rpmdb.sqlite", blob, 0);
	tmp_path(t, "var/lib/rpm/Packages", path, sizeof(path));
	make_sqlite(path, blob, hb_standard(blob, sizeof(blob)));
	expect_success(t, &l);
	assert_int_equal(l.n, 1);
	got_release(&l);
}

static void test_not_a_regular_file(void **state)
{
	const struct tmp *t = *state;

	mkdirs(t->root, "var/lib/rpm/Packages");
	expect_failure(t, FC_EIO, "not a regular file");
}

/* A callback's failure stops the read and comes back with its code. */
static void test_callback_stops(void **state)
{
	const struct tmp *t = *state;
	size_t len;
	unsigned char *db = corpus_load(CORPUS_NDB, &len);
	struct got l = {.from = "rpm"};
	char err[FC_ERRLEN] = "";

	put_db(t, NDB_DIR, "Packages.db", db, len);
	l.stop_after = 3;
	l.stop_rc = FC_ELIMIT;
	assert_int_equal(rpmdb_read(t->root, collect, &l, err), FC_ELIMIT);
	print_message("# %s\n", err);
	assert_int_equal(l.n, 3);
	assert_non_null(strstr(err, "not taken"));
	got_release(&l);
	free(db);
}

static void test_sniff(void **state)
{
	unsigned char head[32] = {0};

	(void)state;
	assert_int_equal(rpmdb_sniff(head, sizeof(head)), RPMDB_UNKNOWN);
	memcpy(head, "RpmP\1\0\0\0", 8); /* ndb version 1 is not known */
	assert_int_equal(rpmdb_sniff(head, sizeof(head)), RPMDB_UNKNOWN);
	head[4] = 0;
	assert_int_equal(rpmdb_sniff(head, sizeof(head)), RPMDB_NDB);
	memset(head, 0, sizeof(head));
	memcpy(head + 12, "\x00\x06\x15\x61", 4);
	assert_int_equal(rpmdb_sniff(head, sizeof(head)), RPMDB_BDB);
	memcpy(head + 12, "\x61\x15\x06\x00", 4);
	assert_int_equal(rpmdb_sniff(head, sizeof(head)), RPMDB_BDB);
	assert_int_equal(rpmdb_sniff(head, 15), RPMDB_UNKNOWN);
	memcpy(head, "SQLite format 3", 16);
	assert_int_equal(rpmdb_sniff(head, sizeof(head)), RPMDB_SQLITE);
}

#define TMP_TEST(f) cmocka_unit_test_setup_teardown(f, tmp_setup, tmp_teardown)

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_header_valid),
	    cmocka_unit_test(test_header_intro),
	    cmocka_unit_test(test_header_offsets),
	    cmocka_unit_test(test_header_entry_fields),
	    cmocka_unit_test(test_header_missing_nul),
	    cmocka_unit_test(test_header_region),
	    cmocka_unit_test(test_header_dl_sum),
	    cmocka_unit_test(test_header_dribbles_and_string_types),
	    cmocka_unit_test(test_emit),
	    cmocka_unit_test(test_sniff),
	    TMP_TEST(test_no_database),
	    TMP_TEST(test_symlinked_dbpath),
	    TMP_TEST(test_empty_file_and_content_sniffing),
	    TMP_TEST(test_not_a_regular_file),
	    TMP_TEST(test_callback_stops),
	    TMP_TEST(test_bdb_truncated_mid_page),
	    TMP_TEST(test_bdb_truncated_mid_chain),
	    TMP_TEST(test_bdb_random_bytes),
	    TMP_TEST(test_bdb_overflow_self_loop),
	    TMP_TEST(test_bdb_overflow_inner_loop),
	    TMP_TEST(test_bdb_wrong_pgno),
	    TMP_TEST(test_bdb_overflow_wrong_pgno),
	    TMP_TEST(test_bdb_item_offset_past_end),
	    TMP_TEST(test_bdb_item_offset_in_index),
	    TMP_TEST(test_bdb_item_count_overflows_page),
	    TMP_TEST(test_bdb_offpage_too_large),
	    TMP_TEST(test_bdb_offpage_length_mismatch),
	    TMP_TEST(test_bdb_bad_header_in_record),
	    TMP_TEST(test_bdb_meta_checks),
	    TMP_TEST(test_bdb_big_endian),
	    TMP_TEST(test_bdb_page_type_2),
	    TMP_TEST(test_ndb_bad_slot_magic),
	    TMP_TEST(test_ndb_bad_checksum),
	    TMP_TEST(test_ndb_blkoff_past_end),
	    TMP_TEST(test_ndb_blob_checks),
	    TMP_TEST(test_ndb_bad_header_in_blob),
	    TMP_TEST(test_sqlite_not_a_database),
	    TMP_TEST(test_sqlite_bad_header_blob),
	    TMP_TEST(test_sqlite_no_table),
	    TMP_TEST(test_sqlite_skips_pubkey_and_nameless),
	    TMP_TEST(test_sqlite_blob_too_large),
	    TMP_TEST(test_sqlite_creates_no_files),
	    TMP_TEST(test_sqlite_reads_wal),
	    TMP_TEST(test_sqlite_immutable_fallback),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), ncases, n, i;
	struct corpus_case *cases;
	struct CMUnitTest *tests;
	int rc;

	ncases = cases_load(&cases);
	tests = xcalloc(nfixed + ncases + 1, sizeof(*tests));
	memcpy(tests, fixed, sizeof(fixed));
	n = nfixed;
	if (!ncases) {
		tests[n].name = "corpus";
		tests[n++].test_func = test_corpus_absent;
	}
	for (i = 0; i < ncases; i++, n++) {
		tests[n].name = cases[i].label;
		tests[n].test_func = test_corpus_case;
		tests[n].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("rpmdb", tests, n, NULL, NULL);
	for (i = 0; i < ncases; i++) {
		free(cases[i].name);
		free(cases[i].label);
	}
	free(cases);
	free(tests);
	return rc;
}
