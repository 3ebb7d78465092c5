/* test_parse_dpkg.c - dpkg status parser: fixtures, bad input and the shared
 * real-world corpus (../shared/corpus/packages/dpkg). */
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
#include "parse_dpkg.h"
#include "rootfs.h"
#include "xalloc.h"

#define FIXTURES "tests/fixtures/dpkg/"

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
	assert_string_equal(p->from, "deb");
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

typedef enum fc_rc (*parse_fn)(const char *, size_t, fc_pkg_cb, void *, char *);

static void parse_fixture(parse_fn parse, const char *name, struct got *g)
{
	char path[256], err[FC_ERRLEN];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	text = slurp(path, &len);
	if (parse(text, len, collect, g, err) != FC_OK)
		fail_msg("'%s': %s", name, err);
	assert_string_equal(err, "");
	free(text);
}

/* ---- fixtures ---- */

static void test_status_fixture(void **state)
{
	struct got g = {0};

	(void)state;
	parse_fixture(parse_dpkg, "status", &g);
	assert_int_equal(g.n, 8);
	assert_rec(&g, 0, "base-files", "12.4+deb12u6", "amd64",
	           "Santiago Vila <sanvila@debian.org>");
	assert_rec(&g, 1, "libc6", "2.36-9+deb12u7", "amd64",
	           "GNU Libc Maintainers <debian-glibc@lists.debian.org>");
	assert_rec(&g, 2, "libc6", "2.36-9+deb12u7", "i386", NULL);
	assert_rec(&g, 3, "libaudit1", "1:3.0.9-1", "amd64",
	           "Laurent Bigonville <bigon@debian.org>");
	assert_rec(&g, 4, "nano", "7.2-1+deb12u1", "amd64", NULL);
	assert_rec(&g, 5, "tzdata", "2024a-0+deb12u1", "all", NULL);
	assert_rec(&g, 6, "local-tool", "", "amd64", "Site Admin <admin@example.org>");
	assert_rec(&g, 7, "ca-certificates", "20230311", "all",
	           "Julien Cristau <jcristau@debian.org>");
	got_release(&g);
}

/* A status file cut short (no newline at its end) is refused, as dpkg-query
 * refuses it ("end of file during value of field ... (missing final
 * newline)"): a truncated database must not pass for a complete one. */
static void test_truncated_fixture(void **state)
{
	struct got g = {0};
	char err[FC_ERRLEN];
	size_t len;
	char *text;

	(void)state;
	text = slurp(FIXTURES "status-truncated", &len);
	assert_int_equal(parse_dpkg(text, len, collect, &g, err), FC_EPARSE);
	assert_non_null(strstr(err, "no newline at the end"));
	assert_int_equal(g.n, 0);
	/* the same bytes with the final newline restored parse in full */
	text = realloc(text, len + 1);
	text[len] = '\n';
	assert_int_equal(parse_dpkg(text, len + 1, collect, &g, err), FC_OK);
	assert_int_equal(g.n, 2);
	assert_rec(&g, 0, "zlib1g", "1:1.2.13.dfsg-1", "amd64", "Mark Brown <broonie@debian.org>");
	assert_rec(&g, 1, "bash", "5.2.15-2+b7", "amd64", "Matthias Klose <doko@debian.org>");
	free(text);
	got_release(&g);
}

static void test_crlf_fixture(void **state)
{
	struct got g = {0};

	(void)state;
	parse_fixture(parse_dpkg, "status-crlf", &g);
	assert_int_equal(g.n, 2);
	assert_rec(&g, 0, "curl", "7.88.1-10+deb12u5", "arm64",
	           "Debian Curl Maintainers <team+curl@tracker.debian.org>");
	assert_rec(&g, 1, "libcurl4", "7.88.1-10+deb12u5", "arm64", "");
	got_release(&g);
}

static void test_statusd_fixtures(void **state)
{
	struct got g = {0};

	(void)state;
	parse_fixture(parse_dpkg_statusd, "status.d/libssl3", &g);
	parse_fixture(parse_dpkg_statusd, "status.d/netbase", &g);
	parse_fixture(parse_dpkg_statusd, "status.d/netbase.md5sums", &g);
	parse_fixture(parse_dpkg_statusd, "status.d/tzdata-removed", &g);
	assert_int_equal(g.n, 2);
	assert_rec(&g, 0, "libssl3", "3.0.13-1~deb12u1", "arm64",
	           "Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>");
	assert_rec(&g, 1, "netbase", "6.4", "all", "Marco d'Itri <md@linux.it>");
	got_release(&g);

	/* in a status file, a stanza without Status is not installed */
	parse_fixture(parse_dpkg, "status.d/netbase", &g);
	assert_int_equal(g.n, 0);
	got_release(&g);
}

/* ---- bad input built in memory ---- */

static enum fc_rc parse_str(const char *s, struct got *g, char *err)
{
	return parse_dpkg(s, strlen(s), collect, g, err);
}

static void test_empty_and_odd_lines(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};

	(void)state;
	assert_int_equal(parse_dpkg(NULL, 0, collect, &g, err), FC_OK);
	assert_int_equal(parse_str("\n\n \t\n\n", &g, err), FC_OK);
	assert_int_equal(parse_str(" leading continuation\nno colon here\n\n", &g, err), FC_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(parse_str("garbage line\nPackage: a\nalso garbage\nStatus: install ok "
	                           "installed\nVersion: 1\n",
	                           &g, err),
	                 FC_OK);
	assert_int_equal(g.n, 1);
	assert_rec(&g, 0, "a", "1", "", "");
	got_release(&g);
	/* cut in the middle of the Status line: refused as truncated */
	assert_int_equal(parse_str("Package: a\nVersion: 1\nStatus: install ok", &g, err),
	                 FC_EPARSE);
	assert_string_equal(err, "line 3: no newline at the end: the file is truncated");
	assert_int_equal(g.n, 0);
	/* an empty Package value is no package */
	assert_int_equal(parse_str("Package:\nStatus: install ok installed\n", &g, err), FC_OK);
	assert_int_equal(g.n, 0);
	/* blanks around values, tab after the colon */
	assert_int_equal(parse_str("Package:\tb  \nStatus:  install  ok  installed \n", &g, err),
	                 FC_OK);
	assert_rec(&g, 0, "b", "", "", "");
	got_release(&g);
}

static void test_invalid_utf8_kept(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};

	(void)state;
	assert_int_equal(parse_str("Package: caf\xe9\nStatus: install ok installed\n"
	                           "Maintainer: J\xc3\x28 <x@example.org>\nVersion: 1\xff\n",
	                           &g, err),
	                 FC_OK);
	assert_rec(&g, 0, "caf\xe9", "1\xff", "", "J\xc3\x28 <x@example.org>");
	got_release(&g);
}

static void test_nul_byte(void **state)
{
	static const char s[] = "Package: a\nStatus: install ok installed\n\nPackage: b\0c\n";
	char err[FC_ERRLEN];
	struct got g = {0};

	(void)state;
	assert_int_equal(parse_dpkg(s, sizeof(s) - 1, collect, &g, err), FC_EPARSE);
	assert_non_null(strstr(err, "line 4: NUL byte"));
	assert_int_equal(g.n, 0);
}

static void add_str(struct buf *b, const char *s)
{
	assert_int_equal(buf_addstr(b, s), FC_OK);
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
	add_str(&b, "Package: longver\nStatus: install ok installed\nVersion: ");
	add_many(&b, '9', PKG_MAX_FIELD);
	add_str(&b, "\n");
	assert_int_equal(parse_dpkg(b.ptr, b.len, collect, &g, err), FC_OK);
	assert_int_equal(strlen(g.r[0].version), PKG_MAX_FIELD);
	got_release(&g);

	b.len--;
	add_str(&b, "9\n");
	assert_int_equal(parse_dpkg(b.ptr, b.len, collect, &g, err), FC_ELIMIT);
	assert_string_equal(err, "line 3: Version of package 'longver' is longer than 4096 bytes");
	assert_int_equal(g.n, 0);

	buf_reset(&b);
	add_str(&b, "Status: install ok installed\nPackage: ");
	add_many(&b, 'p', PKG_MAX_FIELD + 1);
	add_str(&b, "\n");
	assert_int_equal(parse_dpkg(b.ptr, b.len, collect, &g, err), FC_ELIMIT);
	assert_string_equal(err, "line 2: Package is longer than 4096 bytes");

	/* fields we do not read may be long */
	buf_reset(&b);
	add_str(&b, "Package: d\nStatus: install ok installed\nDepends: ");
	add_many(&b, 'x', 500000);
	add_str(&b, "\nDescription: x\n y\n");
	assert_int_equal(parse_dpkg(b.ptr, b.len, collect, &g, err), FC_OK);
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
	static const char stanza[] = "Package: p\nStatus: install ok installed\n\n";
	size_t n = (size_t)PKG_MAX_COUNT + 1, i, count = 0;
	char *s = xmalloc(n * (sizeof(stanza) - 1));
	char err[FC_ERRLEN];

	(void)state;
	for (i = 0; i < n; i++)
		memcpy(s + i * (sizeof(stanza) - 1), stanza, sizeof(stanza) - 1);
	assert_int_equal(parse_dpkg(s, (n - 1) * (sizeof(stanza) - 1), count_only, &count, err),
	                 FC_OK);
	assert_int_equal(count, PKG_MAX_COUNT);
	count = 0;
	assert_int_equal(parse_dpkg(s, n * (sizeof(stanza) - 1), count_only, &count, err),
	                 FC_ELIMIT);
	assert_non_null(strstr(err, "more than 200000 installed packages"));
	free(s);
}

static void test_callback_stops(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {.stop_after = 2};
	size_t len;
	char *text = slurp(FIXTURES "status", &len);

	(void)state;
	assert_int_equal(parse_dpkg(text, len, collect, &g, err), FC_EIO);
	assert_int_equal(g.n, 2);
	got_release(&g);
	free(text);
}

static void test_binary_garbage(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {0};
	size_t n = 300000, i;
	char *s = xmalloc(n);
	uint32_t x = 88172645u;
	enum fc_rc rc;

	(void)state;
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		s[i] = (char)(x & 0xff);
		if (s[i] == '\0')
			s[i] = ':';
	}
	rc = parse_dpkg(s, n, collect, &g, err);
	assert_true(rc == FC_OK || rc == FC_ELIMIT);
	got_release(&g);
	s[n / 2] = '\0';
	assert_int_equal(parse_dpkg(s, n, collect, &g, err), FC_EPARSE);
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

/* Reads an expected list: name, version, arch, status columns (tab
 * separated, optional header). Keeps rows whose status is "installed", or
 * "(no Status field)" when statusd (distroless status.d stanzas). */
static void read_expected(const char *path, int statusd, struct strs *want)
{
	size_t len;
	char *text = slurp(path, &len), *line, *next, *f[4];
	int i;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (i = 0; i < 4; i++) {
			f[i] = line;
			line = strchr(line, '\t');
			if (!line && i < 3)
				fail_msg("'%s': a row has fewer than 4 columns", path);
			if (line)
				*line++ = '\0';
		}
		if (!strcmp(f[0], "package") && !strcmp(f[1], "version"))
			continue;
		if (!strcmp(f[3], "installed") || (statusd && !strcmp(f[3], "(no Status field)")))
			strs_add(want, f[0], f[1], f[2]);
	}
	free(text);
}

static enum fc_rc collect_str(const struct fc_pkg *p, void *ctx)
{
	assert_string_equal(p->from, "deb");
	strs_add(ctx, p->name, p->version, p->arch);
	return FC_OK;
}

static void parse_corpus_file(const char *root, const char *path, parse_fn parse, struct strs *got)
{
	char err[FC_ERRLEN];
	struct buf b;

	buf_init(&b, PKG_MAX_TEXT_DB);
	if (rootfs_read(root, path, PKG_MAX_TEXT_DB, &b, err) != FC_OK)
		fail_msg("'%s%s': %s", root, path, err);
	if (parse(b.ptr, b.len, collect_str, got, err) != FC_OK)
		fail_msg("'%s%s': %s", root, path, err);
	buf_release(&b);
}

/* Parses var/lib/dpkg/status and every status.d/ file of a case's root
 * (skipping *.md5sums, as dpkg-query's callers do); returns 1 when status.d
 * was used. */
static int parse_case_root(const char *root, struct strs *got)
{
	char err[FC_ERRLEN], path[512];
	enum fc_rc rc;
	struct dirent *e;
	DIR *d;
	size_t n;

	if (rootfs_exists(root, "/var/lib/dpkg/status"))
		parse_corpus_file(root, "/var/lib/dpkg/status", parse_dpkg, got);
	d = rootfs_opendir(root, "/var/lib/dpkg/status.d", &rc, err);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (e->d_name[0] == '.' || (n > 8 && !strcmp(e->d_name + n - 8, ".md5sums")))
			continue;
		snprintf(path, sizeof(path), "/var/lib/dpkg/status.d/%s", e->d_name);
		parse_corpus_file(root, path, parse_dpkg_statusd, got);
	}
	closedir(d);
	return 1;
}

/* Checks one case directory; returns 1 when it matched. */
static int check_case(const char *dir, const char *name)
{
	char root[1024], path[1100], label[256];
	struct strs got = {0}, want = {0};
	struct stat st;
	int statusd;
	size_t bad;

	snprintf(root, sizeof(root), "%s/%s/root", dir, name);
	statusd = parse_case_root(root, &got);
	snprintf(path, sizeof(path), "%s/%s/expected.tsv", dir, name);
	if (stat(path, &st) != 0)
		snprintf(path, sizeof(path), "%s/%s/expected-dpkg-query.tsv", dir, name);
	read_expected(path, statusd, &want);
	snprintf(label, sizeof(label), "dpkg/%s", name);
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
	snprintf(dir, sizeof(dir), "%s/corpus/packages/dpkg", shared_dir());
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
		if (strncmp(line, "dpkg/", 5) || !tab)
			continue;
		*tab = '\0';
		cases++;
		matched += (size_t)check_case(dir, line + 5);
	}
	free(text);
	print_message("dpkg corpus: %zu of %zu cases matched\n", matched, cases);
	assert_true(cases > 0);
	assert_int_equal(matched, cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_fixture),
	    cmocka_unit_test(test_truncated_fixture),
	    cmocka_unit_test(test_crlf_fixture),
	    cmocka_unit_test(test_statusd_fixtures),
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
