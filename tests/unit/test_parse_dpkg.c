/* test_parse_dpkg.c - dpkg status parser: fixtures, bad input and the shared
 * real-world corpus (../shared/corpus/packages/dpkg). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse_dpkg.h"
#include "rootfs.h"
#include "testutil.h"
#include "xalloc.h"

#define FIXTURES "tests/fixtures/dpkg/"

/* ---- fixtures ---- */

static void test_status_fixture(void **state)
{
	struct got g = {.from = "deb"};

	(void)state;
	parse_pkg_fixture(parse_dpkg, FIXTURES "status", &g);
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
	struct got g = {.from = "deb"};
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
	struct got g = {.from = "deb"};

	(void)state;
	parse_pkg_fixture(parse_dpkg, FIXTURES "status-crlf", &g);
	assert_int_equal(g.n, 2);
	assert_rec(&g, 0, "curl", "7.88.1-10+deb12u5", "arm64",
	           "Debian Curl Maintainers <team+curl@tracker.debian.org>");
	assert_rec(&g, 1, "libcurl4", "7.88.1-10+deb12u5", "arm64", "");
	got_release(&g);
}

static void test_statusd_fixtures(void **state)
{
	struct got g = {.from = "deb"};

	(void)state;
	parse_pkg_fixture(parse_dpkg_statusd, FIXTURES "status.d/libssl3", &g);
	parse_pkg_fixture(parse_dpkg_statusd, FIXTURES "status.d/netbase", &g);
	parse_pkg_fixture(parse_dpkg_statusd, FIXTURES "status.d/netbase.md5sums", &g);
	parse_pkg_fixture(parse_dpkg_statusd, FIXTURES "status.d/tzdata-removed", &g);
	assert_int_equal(g.n, 2);
	assert_rec(&g, 0, "libssl3", "3.0.13-1~deb12u1", "arm64",
	           "Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>");
	assert_rec(&g, 1, "netbase", "6.4", "all", "Marco d'Itri <md@linux.it>");
	got_release(&g);

	/* in a status file, a stanza without Status is not installed */
	parse_pkg_fixture(parse_dpkg, FIXTURES "status.d/netbase", &g);
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
	struct got g = {.from = "deb"};

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
	struct got g = {.from = "deb"};

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
	struct got g = {.from = "deb"};

	(void)state;
	assert_int_equal(parse_dpkg(s, sizeof(s) - 1, collect, &g, err), FC_EPARSE);
	assert_non_null(strstr(err, "line 4: NUL byte"));
	assert_int_equal(g.n, 0);
}

/* A piece of a file starting on line first_line: errors name the file's
 * lines, with the same text as parse_dpkg's. */
static void test_first_line(void **state)
{
	static const char nul[] = "Package: a\nStatus: install ok installed\n\nPackage: b\0c\n";
	static const char cut[] = "Package: a\nStatus: install ok installed\nVersion: 1";
	char err[FC_ERRLEN];
	struct got g = {.from = "deb"};

	(void)state;
	assert_int_equal(parse_dpkg_at(nul, sizeof(nul) - 1, 1001, collect, &g, err), FC_EPARSE);
	assert_string_equal(err, "line 1004: NUL byte (binary data, not a status file)");
	assert_int_equal(parse_dpkg_at(cut, sizeof(cut) - 1, 7, collect, &g, err), FC_EPARSE);
	assert_string_equal(err, "line 9: no newline at the end: the file is truncated");
	assert_int_equal(parse_dpkg_at(cut, sizeof(cut) - 1, 1, collect, &g, err), FC_EPARSE);
	assert_string_equal(err, "line 3: no newline at the end: the file is truncated");
	assert_int_equal(g.n, 0);
}

static void add_str(struct buf *b, const char *s)
{
	assert_int_equal(buf_addstr(b, s), FC_OK);
}

static void test_field_too_long(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {.from = "deb"};
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
	assert_int_equal(parse_dpkg_at(b.ptr, b.len, 40, collect, &g, err), FC_ELIMIT);
	assert_string_equal(err, "line 42: Version of package 'longver' is longer than 4096 bytes");
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
	struct got g = {.from = "deb", .stop_after = 2};
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
	struct got g = {.from = "deb"};
	size_t n = 300000;
	char *s = xmalloc(n);
	enum fc_rc rc;

	(void)state;
	fill_garbage(s, n, 88172645u, ':');
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

/* Keeps rows whose status is "installed", or "(no Status field)" when
 * statusd (distroless status.d stanzas). */
static bool keep_row(char *const *f, int statusd)
{
	return !strcmp(f[3], "installed") || (statusd && !strcmp(f[3], "(no Status field)"));
}

/* Parses var/lib/dpkg/status and every status.d/ file of a case's root
 * (skipping *.md5sums, as dpkg-query's callers do); returns 1 when status.d
 * was used. */
static int parse_root(const char *root, struct got *g)
{
	char err[FC_ERRLEN], path[512];
	enum fc_rc rc;
	struct dirent *e;
	DIR *d;
	size_t n;

	if (rootfs_exists(root, "/var/lib/dpkg/status"))
		parse_root_file(parse_dpkg, root, "/var/lib/dpkg/status", g);
	d = rootfs_opendir(root, "/var/lib/dpkg/status.d", &rc, err);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (e->d_name[0] == '.' || (n > 8 && !strcmp(e->d_name + n - 8, ".md5sums")))
			continue;
		snprintf(path, sizeof(path), "/var/lib/dpkg/status.d/%s", e->d_name);
		parse_root_file(parse_dpkg_statusd, root, path, g);
	}
	closedir(d);
	return 1;
}

/* Expected lists: name, version, arch, status columns (tab separated,
 * optional header). */
static void test_corpus(void **state)
{
	static const struct pkg_corpus c = {
	    .kind = "dpkg",
	    .from = "deb",
	    .parse_root = parse_root,
	    .expected = "expected.tsv",
	    .expected_alt = "expected-dpkg-query.tsv",
	    .header = "package",
	    .ncols = 4,
	    .keep = keep_row,
	};

	(void)state;
	corpus_run(&c);
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
	    cmocka_unit_test(test_first_line),
	    cmocka_unit_test(test_field_too_long),
	    cmocka_unit_test(test_too_many_packages),
	    cmocka_unit_test(test_callback_stops),
	    cmocka_unit_test(test_binary_garbage),
	    cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
