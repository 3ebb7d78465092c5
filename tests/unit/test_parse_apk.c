/* test_parse_apk.c - apk installed-database parser: fixtures, bad input and
 * the shared real-world corpus (../shared/corpus/packages/apk). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "parse_apk.h"
#include "rootfs.h"
#include "xalloc.h"

#define FIXTURES "tests/fixtures/apk/"

/* ---- helpers (the same in each package parser test) ---- */

struct rec {
	char *name, *version, *arch, *publisher;
};

struct got {
	struct rec *r;
	size_t n, cap;
	size_t stop_after; /* the callback fails after this many packages; 0: never */
};

static enum fc_rc collect(const struct fc_pkg *p, void *ctx)
{
	struct got *g = ctx;
	struct rec *r;

	assert_non_null(p->name);
	assert_true(p->name[0] != '\0');
	assert_non_null(p->version);
	assert_non_null(p->arch);
	assert_non_null(p->publisher);
	assert_string_equal(p->from, "apk");
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->r = xrealloc(g->r, g->cap * sizeof(*g->r));
	}
	r = &g->r[g->n++];
	r->name = xstrdup(p->name);
	r->version = xstrdup(p->version);
	r->arch = xstrdup(p->arch);
	r->publisher = xstrdup(p->publisher);
	return g->stop_after && g->n == g->stop_after ? FC_EIO : FC_OK;
}

static void got_release(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->r[i].name);
		free(g->r[i].version);
		free(g->r[i].arch);
		free(g->r[i].publisher);
	}
	free(g->r);
	memset(g, 0, sizeof(*g));
}

static void assert_rec(const struct got *g, size_t i, const char *name, const char *version,
                       const char *arch, const char *publisher)
{
	assert_true(i < g->n);
	assert_string_equal(g->r[i].name, name);
	assert_string_equal(g->r[i].version, version);
	assert_string_equal(g->r[i].arch, arch);
	if (publisher)
		assert_string_equal(g->r[i].publisher, publisher);
}

/* Reads a whole file (a host path); the caller frees the result. Fails the
 * test if it cannot. */
static char *slurp(const char *path, size_t *len)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		fail_msg("cannot open '%s'", path);
	buf_init(&b, 64u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), FC_OK);
	assert_int_equal(ferror(f), 0);
	fclose(f);
	if (!b.ptr)
		assert_int_equal(buf_add(&b, "", 0), FC_OK);
	return buf_take(&b, len);
}

static void parse_fixture(const char *name, struct got *g)
{
	char path[256], err[FC_ERRLEN];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	text = slurp(path, &len);
	if (parse_apk(text, len, collect, g, err) != FC_OK)
		fail_msg("'%s': %s", name, err);
	assert_string_equal(err, "");
	free(text);
}

static enum fc_rc parse_str(const char *s, struct got *g, char *err)
{
	return parse_apk(s, strlen(s), collect, g, err);
}

/* ---- fixtures ---- */

static void test_installed_fixture(void **state)
{
	struct got g = {0};

	(void)state;
	parse_fixture("installed", &g);
	assert_int_equal(g.n, 5);
	assert_rec(&g, 0, "musl", "1.2.4_git20230717-r4", "x86_64",
	           "Timo Ter\xc3\xa4s <timo.teras@iki.fi>");
	assert_rec(&g, 1, "busybox", "1.36.1-r15", "x86_64",
	           "S\xc3\xb6ren Tempel <soeren+alpine@soeren-tempel.net>");
	assert_rec(&g, 2, "libcrypto3", "3.1.4-r5", "x86_64",
	           "Ariadne Conill <ariadne@dereferenced.org>");
	assert_rec(&g, 3, "alpine-baselayout-data", "3.4.3-r2", "x86_64",
	           "Natanael Copa <ncopa@alpinelinux.org>");
	assert_rec(&g, 4, "scanelf", "1.3.7-r2", "aarch64",
	           "Natanael Copa <ncopa@alpinelinux.org>");
	got_release(&g);
}

static void test_truncated_fixture(void **state)
{
	struct got g = {0};

	(void)state;
	parse_fixture("installed-truncated", &g);
	assert_int_equal(g.n, 2);
	assert_rec(&g, 0, "zlib", "1.3.1-r0", "x86_64", "Natanael Copa <ncopa@alpinelinux.org>");
	assert_rec(&g, 1, "ca-certificates-bundle", "20240226-r0", "x86_64",
	           "Natanael Copa <ncopa@alpinelinux.org>");
	got_release(&g);
}

/* ---- bad input built in memory ---- */

static void test_empty_and_odd_lines(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};

	(void)state;
	assert_int_equal(parse_apk(NULL, 0, collect, &g, err), FC_OK);
	assert_int_equal(parse_str("\n\n\n", &g, err), FC_OK);
	assert_int_equal(parse_str("no separator\nX\n::\n\nV:1.0\n", &g, err), FC_OK);
	assert_int_equal(g.n, 0);
	/* CRLF, the case of the index letter matters (p: is provides) */
	assert_int_equal(parse_str("p:cmd:sh\r\nP:sh\r\nv:0\r\nV:2-r0\r\na:0:0:755\r\nA:armv7\r\n"
	                           "M:0:0:755\r\nm:Me <me@example.org>\r\n",
	                           &g, err),
	                 FC_OK);
	assert_int_equal(g.n, 1);
	assert_rec(&g, 0, "sh", "2-r0", "armv7", "Me <me@example.org>");
	got_release(&g);
	/* a record without V: still names a package; an empty P: does not */
	assert_int_equal(parse_str("P:noversion\n\nP:\nV:1\n", &g, err), FC_OK);
	assert_int_equal(g.n, 1);
	assert_rec(&g, 0, "noversion", "", "", "");
	got_release(&g);
	/* a whitespace-only line is not a record separator in apk */
	assert_int_equal(parse_str("P:a\n \nV:1\n", &g, err), FC_OK);
	assert_int_equal(g.n, 1);
	assert_rec(&g, 0, "a", "1", "", "");
	got_release(&g);
}

static void test_invalid_utf8_kept(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};

	(void)state;
	assert_int_equal(parse_str("P:caf\xe9\nV:1\xff-r0\nm:\xc3\x28\n", &g, err), FC_OK);
	assert_rec(&g, 0, "caf\xe9", "1\xff-r0", "", "\xc3\x28");
	got_release(&g);
}

static void test_nul_byte(void **state)
{
	static const char s[] = "P:a\nV:1\n\nP:b\nV:\0\n";
	char err[FC_ERRLEN];
	struct got g = {0};

	(void)state;
	assert_int_equal(parse_apk(s, sizeof(s) - 1, collect, &g, err), FC_EPARSE);
	assert_non_null(strstr(err, "line 5: NUL byte"));
	assert_int_equal(g.n, 0);
}

static void add_many(struct buf *b, char c, size_t n)
{
	while (n-- > 0)
		assert_int_equal(buf_addc(b, c), FC_OK);
}

static void test_field_too_long(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};
	struct buf b;

	(void)state;
	buf_init(&b, 1u << 20);
	assert_int_equal(buf_addstr(&b, "P:longver\nV:"), FC_OK);
	add_many(&b, '1', PKG_MAX_FIELD);
	assert_int_equal(parse_apk(b.ptr, b.len, collect, &g, err), FC_OK);
	assert_int_equal(strlen(g.r[0].version), PKG_MAX_FIELD);
	got_release(&g);
	add_many(&b, '1', 1);
	assert_int_equal(parse_apk(b.ptr, b.len, collect, &g, err), FC_ELIMIT);
	assert_string_equal(err, "line 2: V: of package 'longver' is longer than 4096 bytes");
	assert_int_equal(g.n, 0);

	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "P:"), FC_OK);
	add_many(&b, 'n', PKG_MAX_FIELD + 1);
	assert_int_equal(parse_apk(b.ptr, b.len, collect, &g, err), FC_ELIMIT);
	assert_string_equal(err, "line 1: P: is longer than 4096 bytes");

	/* index lines we do not read may be long */
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "P:d\nD:"), FC_OK);
	add_many(&b, 'x', 500000);
	assert_int_equal(parse_apk(b.ptr, b.len, collect, &g, err), FC_OK);
	assert_int_equal(g.n, 1);
	got_release(&g);
	buf_release(&b);
}

static enum fc_rc count_only(const struct fc_pkg *p, void *ctx)
{
	(void)p;
	(*(size_t *)ctx)++;
	return FC_OK;
}

static void test_too_many_packages(void **state)
{
	static const char rec[] = "P:p\nV:1-r0\n\n";
	size_t n = (size_t)PKG_MAX_COUNT + 1, i, count = 0;
	char *s = xmalloc(n * (sizeof(rec) - 1));
	char err[FC_ERRLEN];

	(void)state;
	for (i = 0; i < n; i++)
		memcpy(s + i * (sizeof(rec) - 1), rec, sizeof(rec) - 1);
	assert_int_equal(parse_apk(s, (n - 1) * (sizeof(rec) - 1), count_only, &count, err), FC_OK);
	assert_int_equal(count, PKG_MAX_COUNT);
	count = 0;
	assert_int_equal(parse_apk(s, n * (sizeof(rec) - 1), count_only, &count, err), FC_ELIMIT);
	assert_non_null(strstr(err, "more than 200000 packages"));
	free(s);
}

static void test_callback_stops(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {.stop_after = 1};

	(void)state;
	assert_int_equal(parse_str("P:a\n\nP:b\n\nP:c\n", &g, err), FC_EIO);
	assert_int_equal(g.n, 1);
	got_release(&g);
}

static void test_binary_garbage(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};
	size_t n = 300000, i;
	char *s = xmalloc(n);
	uint32_t x = 1234567u;
	enum fc_rc rc;

	(void)state;
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		s[i] = (char)(x & 0xff);
		if (s[i] == '\0')
			s[i] = 'P';
	}
	rc = parse_apk(s, n, collect, &g, err);
	assert_true(rc == FC_OK || rc == FC_ELIMIT);
	got_release(&g);
	s[n - 1] = '\0';
	assert_int_equal(parse_apk(s, n, collect, &g, err), FC_EPARSE);
	assert_non_null(strstr(err, "NUL byte"));
	got_release(&g);
	free(s);
}

/* ---- the shared corpus ---- */

static const char *shared_dir(void)
{
	const char *s = getenv("FC_SHARED");

	return s && *s ? s : "../shared";
}

struct strs {
	char **s;
	size_t n, cap;
};

static void strs_add(struct strs *l, const char *name, const char *version, const char *arch)
{
	struct buf b;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->s = xrealloc(l->s, l->cap * sizeof(*l->s));
	}
	buf_init(&b, 3 * PKG_MAX_FIELD + 8);
	assert_int_equal(buf_printf(&b, "%s\t%s\t%s", name, version, arch), FC_OK);
	l->s[l->n++] = buf_take(&b, NULL);
}

static void strs_release(struct strs *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof(*l));
}

static int strs_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Compares two lists as sorted multisets; prints the differences and
 * returns how many there are. */
static size_t strs_diff(struct strs *got, struct strs *want, const char *label)
{
	size_t i = 0, j = 0, bad = 0;
	int c;

	qsort(got->s, got->n, sizeof(*got->s), strs_cmp);
	qsort(want->s, want->n, sizeof(*want->s), strs_cmp);
	while (i < got->n || j < want->n) {
		c = i == got->n ? 1 : j == want->n ? -1 : strcmp(got->s[i], want->s[j]);
		if (c && bad++ < 10)
			print_message("%s: %s '%s'\n", label, c < 0 ? "unexpected" : "missing",
			              c < 0 ? got->s[i] : want->s[j]);
		i += c <= 0;
		j += c >= 0;
	}
	return bad;
}

/* Reads an expected.tsv: header, then name, version, arch, origin. */
static void read_expected(const char *path, struct strs *want)
{
	size_t len;
	char *text = slurp(path, &len), *line, *next, *f[3];
	int i;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (i = 0; i < 3; i++) {
			f[i] = line;
			line = strchr(line, '\t');
			if (!line && i < 2)
				fail_msg("'%s': a row has fewer than 3 columns", path);
			if (line)
				*line++ = '\0';
		}
		if (!strcmp(f[0], "name") && !strcmp(f[1], "version"))
			continue;
		strs_add(want, f[0], f[1], f[2]);
	}
	free(text);
}

static enum fc_rc collect_str(const struct fc_pkg *p, void *ctx)
{
	assert_string_equal(p->from, "apk");
	strs_add(ctx, p->name, p->version, p->arch);
	return FC_OK;
}

/* Checks one case directory; returns 1 when it matched. */
static int check_case(const char *dir, const char *name)
{
	char root[1024], path[1100], label[256], err[FC_ERRLEN];
	struct strs got = {0}, want = {0};
	struct buf b;
	size_t bad;

	snprintf(root, sizeof(root), "%s/%s/root", dir, name);
	buf_init(&b, PKG_MAX_TEXT_DB);
	if (rootfs_read(root, "/lib/apk/db/installed", PKG_MAX_TEXT_DB, &b, err) != FC_OK)
		fail_msg("'%s': %s", root, err);
	if (parse_apk(b.ptr, b.len, collect_str, &got, err) != FC_OK)
		fail_msg("'%s': %s", root, err);
	buf_release(&b);
	snprintf(path, sizeof(path), "%s/%s/expected.tsv", dir, name);
	read_expected(path, &want);
	snprintf(label, sizeof(label), "apk/%s", name);
	bad = strs_diff(&got, &want, label);
	print_message("%s: %zu packages, %zu expected, %s\n", label, got.n, want.n,
	              bad ? "MISMATCH" : "match");
	strs_release(&got);
	strs_release(&want);
	return bad == 0;
}

static void test_corpus(void **state)
{
	char dir[512], path[600];
	struct stat st;
	size_t len, cases = 0, matched = 0;
	char *text, *line, *next, *tab;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/corpus/packages/apk", shared_dir());
	snprintf(path, sizeof(path), "%s/corpus/packages/CASES.tsv", shared_dir());
	if (stat(path, &st) != 0) {
		print_message("corpus not found at '%s' (set FC_SHARED), skipping\n", path);
		skip();
	}
	text = slurp(path, &len);
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		tab = strchr(line, '\t');
		if (strncmp(line, "apk/", 4) || !tab)
			continue;
		*tab = '\0';
		cases++;
		matched += (size_t)check_case(dir, line + 4);
	}
	free(text);
	print_message("apk corpus: %zu of %zu cases matched\n", matched, cases);
	assert_true(cases > 0);
	assert_int_equal(matched, cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_installed_fixture),
	    cmocka_unit_test(test_truncated_fixture),
	    cmocka_unit_test(test_empty_and_odd_lines),
	    cmocka_unit_test(test_invalid_utf8_kept),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_field_too_long),
	    cmocka_unit_test(test_too_many_packages),
	    cmocka_unit_test(test_callback_stops),
	    cmocka_unit_test(test_binary_garbage),
	    cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
