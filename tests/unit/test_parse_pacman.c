/* test_parse_pacman.c - pacman desc parser: fixtures, bad input and the
 * shared real-world corpus (../shared/corpus/packages/pacman). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "parse_pacman.h"
#include "rootfs.h"
#include "xalloc.h"

#define FIXTURES "tests/fixtures/pacman/"

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
	assert_string_equal(p->from, "pacman");
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
	if (parse_pacman_desc(text, len, collect, g, err) != FC_OK)
		fail_msg("'%s': %s", name, err);
	assert_string_equal(err, "");
	free(text);
}

static enum fc_rc parse_str(const char *s, struct got *g, char *err)
{
	return parse_pacman_desc(s, strlen(s), collect, g, err);
}

/* ---- fixtures ---- */

static void test_local_fixtures(void **state)
{
	struct got g = {0};

	(void)state;
	parse_fixture("local/bash-5.2.026-2/desc", &g);
	parse_fixture("local/filesystem-2024.04.07-1/desc", &g);
	parse_fixture("local/iana-etc-20240612-1/desc", &g);
	parse_fixture("desc-epoch", &g);
	parse_fixture("desc-crlf", &g);
	parse_fixture("desc-truncated", &g);
	assert_int_equal(g.n, 6);
	assert_rec(&g, 0, "bash", "5.2.026-2", "x86_64",
	           "Giancarlo Razzolini <grazzolini@archlinux.org>");
	assert_rec(&g, 1, "filesystem", "2024.04.07-1", "any", "David Runge <dvzrv@archlinux.org>");
	assert_rec(&g, 2, "iana-etc", "20240612-1", "any", "");
	assert_rec(&g, 3, "zlib", "1:1.3.1-2", "x86_64", "Levente Polyak <anthraxx@archlinux.org>");
	assert_rec(&g, 4, "openssl", "3.3.1-1", "x86_64", "Pierre Schmitz <pierre@archlinux.de>");
	assert_rec(&g, 5, "zstd", "1.5.6-1", "x86_64", "Levente Polyak <anthraxx@archlinux.org>");
	got_release(&g);
}

static void test_missing_sections(void **state)
{
	char path[256], err[FC_ERRLEN];
	struct got g = {0};
	size_t len;
	char *text;

	(void)state;
	snprintf(path, sizeof(path), FIXTURES "desc-noversion");
	text = slurp(path, &len);
	assert_int_equal(parse_pacman_desc(text, len, collect, &g, err), FC_EPARSE);
	assert_string_equal(err, "pacman desc has no %VERSION%");
	free(text);
	snprintf(path, sizeof(path), FIXTURES "desc-noname");
	text = slurp(path, &len);
	assert_int_equal(parse_pacman_desc(text, len, collect, &g, err), FC_EPARSE);
	assert_string_equal(err, "pacman desc has no %NAME%");
	free(text);
	assert_int_equal(parse_pacman_desc(NULL, 0, collect, &g, err), FC_EPARSE);
	/* a header with an empty value, a truncated header */
	assert_int_equal(parse_str("%NAME%\n\n%VERSION%\n1-1\n", &g, err), FC_EPARSE);
	assert_int_equal(parse_str("%NAME%\nx\n\n%VERS", &g, err), FC_EPARSE);
	assert_int_equal(g.n, 0);
}

/* ---- bad input built in memory ---- */

static void test_odd_lines(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};

	(void)state;
	/* stray lines outside sections, extra values, a value that looks like
	 * a header, repeated blank lines */
	assert_int_equal(parse_str("stray line\n\n\n%NAME%\nfoo\nsecond value ignored\n\n"
	                           "%DESC%\n%VERSION%\n\n%VERSION%\n2.0-1\n\n\n%ARCH%\naarch64\n",
	                           &g, err),
	                 FC_OK);
	assert_int_equal(g.n, 1);
	assert_rec(&g, 0, "foo", "2.0-1", "aarch64", "");
	got_release(&g);
	/* header names are case-sensitive and whole lines */
	assert_int_equal(parse_str("%name%\nfoo\n\n%NAME% \nbar\n", &g, err), FC_EPARSE);
	assert_int_equal(g.n, 0);
}

static void test_invalid_utf8_kept(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};

	(void)state;
	assert_int_equal(
	    parse_str("%NAME%\ncaf\xe9\n\n%VERSION%\n1\xff-1\n\n%PACKAGER%\n\xc3\x28\n", &g, err),
	    FC_OK);
	assert_rec(&g, 0, "caf\xe9", "1\xff-1", "", "\xc3\x28");
	got_release(&g);
}

static void test_nul_byte(void **state)
{
	static const char s[] = "%NAME%\na\n\n%VERSION%\n1\0-1\n";
	char err[FC_ERRLEN];
	struct got g = {0};

	(void)state;
	assert_int_equal(parse_pacman_desc(s, sizeof(s) - 1, collect, &g, err), FC_EPARSE);
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
	buf_init(&b, 4u << 20);
	assert_int_equal(buf_addstr(&b, "%NAME%\nlong\n\n%VERSION%\n"), FC_OK);
	add_many(&b, '1', PKG_MAX_FIELD);
	assert_int_equal(parse_pacman_desc(b.ptr, b.len, collect, &g, err), FC_OK);
	assert_int_equal(strlen(g.r[0].version), PKG_MAX_FIELD);
	got_release(&g);
	add_many(&b, '1', 1);
	assert_int_equal(parse_pacman_desc(b.ptr, b.len, collect, &g, err), FC_ELIMIT);
	assert_string_equal(err, "line 5: value of %VERSION% is longer than 4096 bytes");
	assert_int_equal(g.n, 0);

	/* sections we do not read may be long and have many lines */
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "%NAME%\nbig\n\n%VERSION%\n1-1\n\n%DESC%\n"), FC_OK);
	add_many(&b, 'x', 500000);
	assert_int_equal(buf_addstr(&b, "\n\n%FILES%\n"), FC_OK);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_addstr(&b, "usr/bin/x\n"), FC_OK);
	assert_int_equal(parse_pacman_desc(b.ptr, b.len, collect, &g, err), FC_OK);
	assert_int_equal(g.n, 1);
	got_release(&g);
	buf_release(&b);
}

static void test_callback_code_returned(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {.stop_after = 1};

	(void)state;
	assert_int_equal(parse_str("%NAME%\na\n\n%VERSION%\n1-1\n", &g, err), FC_EIO);
	assert_int_equal(g.n, 1);
	got_release(&g);
}

static void test_binary_garbage(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};
	size_t n = 300000, i;
	char *s = xmalloc(n);
	uint32_t x = 42424242u;
	enum fc_rc rc;

	(void)state;
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		s[i] = (char)(x & 0xff);
		if (s[i] == '\0')
			s[i] = '%';
	}
	rc = parse_pacman_desc(s, n, collect, &g, err);
	assert_true(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	assert_true(g.n == (rc == FC_OK ? 1u : 0u));
	got_release(&g);
	s[0] = '\0';
	assert_int_equal(parse_pacman_desc(s, n, collect, &g, err), FC_EPARSE);
	assert_non_null(strstr(err, "line 1: NUL byte"));
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

/* Reads an expected.tsv: header, then name, version, arch. */
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
	assert_string_equal(p->from, "pacman");
	strs_add(ctx, p->name, p->version, p->arch);
	return FC_OK;
}

/* Parses every local/<entry>/desc below root into got. */
static void parse_case_root(const char *root, struct strs *got)
{
	char err[FC_ERRLEN], path[512];
	enum fc_rc rc;
	struct dirent *e;
	struct buf b;
	DIR *d = rootfs_opendir(root, "/var/lib/pacman/local", &rc, err);

	if (!d)
		fail_msg("'%s': %s", root, err);
	buf_init(&b, PKG_MAX_TEXT_DB);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/var/lib/pacman/local/%s/desc", e->d_name);
		if (rootfs_read(root, path, PKG_MAX_TEXT_DB, &b, err) != FC_OK)
			fail_msg("'%s%s': %s", root, path, err);
		if (parse_pacman_desc(b.ptr, b.len, collect_str, got, err) != FC_OK)
			fail_msg("'%s%s': %s", root, path, err);
	}
	buf_release(&b);
	closedir(d);
}

/* Checks one case directory; returns 1 when it matched. */
static int check_case(const char *dir, const char *name)
{
	char root[1024], path[1100], label[256];
	struct strs got = {0}, want = {0};
	size_t bad;

	snprintf(root, sizeof(root), "%s/%s/root", dir, name);
	parse_case_root(root, &got);
	snprintf(path, sizeof(path), "%s/%s/expected.tsv", dir, name);
	read_expected(path, &want);
	snprintf(label, sizeof(label), "pacman/%s", name);
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
	snprintf(dir, sizeof(dir), "%s/corpus/packages/pacman", shared_dir());
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
		if (strncmp(line, "pacman/", 7) || !tab)
			continue;
		*tab = '\0';
		cases++;
		matched += (size_t)check_case(dir, line + 7);
	}
	free(text);
	print_message("pacman corpus: %zu of %zu cases matched\n", matched, cases);
	assert_true(cases > 0);
	assert_int_equal(matched, cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_local_fixtures),
	    cmocka_unit_test(test_missing_sections),
	    cmocka_unit_test(test_odd_lines),
	    cmocka_unit_test(test_invalid_utf8_kept),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_field_too_long),
	    cmocka_unit_test(test_callback_code_returned),
	    cmocka_unit_test(test_binary_garbage),
	    cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
