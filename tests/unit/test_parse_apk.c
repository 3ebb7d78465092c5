/* test_parse_apk.c - apk installed-database parser: fixtures, bad input and
 * the shared real-world corpus (../shared/corpus/packages/apk). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse_apk.h"
#include "testutil.h"
#include "xalloc.h"

#define FIXTURES "tests/fixtures/apk/"

static enum fc_rc parse_str(const char *s, struct got *g, char *err)
{
	return parse_apk(s, strlen(s), collect, g, err);
}

/* ---- fixtures ---- */

static void test_installed_fixture(void **state)
{
	struct got g = {.from = "apk"};

	(void)state;
	parse_pkg_fixture(parse_apk, FIXTURES "installed", &g);
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
	struct got g = {.from = "apk"};

	(void)state;
	parse_pkg_fixture(parse_apk, FIXTURES "installed-truncated", &g);
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
	struct got g = {.from = "apk"};

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
	struct got g = {.from = "apk"};

	(void)state;
	assert_int_equal(parse_str("P:caf\xe9\nV:1\xff-r0\nm:\xc3\x28\n", &g, err), FC_OK);
	assert_rec(&g, 0, "caf\xe9", "1\xff-r0", "", "\xc3\x28");
	got_release(&g);
}

static void test_nul_byte(void **state)
{
	static const char s[] = "P:a\nV:1\n\nP:b\nV:\0\n";
	char err[FC_ERRLEN];
	struct got g = {.from = "apk"};

	(void)state;
	assert_int_equal(parse_apk(s, sizeof(s) - 1, collect, &g, err), FC_EPARSE);
	assert_non_null(strstr(err, "line 5: NUL byte"));
	assert_int_equal(g.n, 0);
}

/* A piece of a file starting on line first_line: errors name the file's
 * lines, with the same text as parse_apk's. */
static void test_first_line(void **state)
{
	static const char s[] = "P:a\nV:1\n\nP:b\nV:\0\n";
	char err[FC_ERRLEN];
	struct got g = {.from = "apk"};

	(void)state;
	assert_int_equal(parse_apk_at(s, sizeof(s) - 1, 100, collect, &g, err), FC_EPARSE);
	assert_string_equal(err, "line 104: NUL byte (binary data, not an apk database)");
	assert_int_equal(parse_apk_at(s, sizeof(s) - 1, 1, collect, &g, err), FC_EPARSE);
	assert_string_equal(err, "line 5: NUL byte (binary data, not an apk database)");
	assert_int_equal(g.n, 0);
}

static void test_field_too_long(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {.from = "apk"};
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
	struct got g = {.from = "apk", .stop_after = 1};

	(void)state;
	assert_int_equal(parse_str("P:a\n\nP:b\n\nP:c\n", &g, err), FC_EIO);
	assert_int_equal(g.n, 1);
	got_release(&g);
}

static void test_binary_garbage(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {.from = "apk"};
	size_t n = 300000;
	char *s = xmalloc(n);
	enum fc_rc rc;

	(void)state;
	fill_garbage(s, n, 1234567u, 'P');
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

static int parse_root(const char *root, struct got *g)
{
	parse_root_file(parse_apk, root, "/lib/apk/db/installed", g);
	return 0;
}

static void test_corpus(void **state)
{
	static const struct pkg_corpus c = {
	    .kind = "apk",
	    .from = "apk",
	    .parse_root = parse_root,
	    .expected = "expected.tsv",
	    .header = "name",
	    .ncols = 3,
	};

	(void)state;
	corpus_run(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_installed_fixture),
	    cmocka_unit_test(test_truncated_fixture),
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
