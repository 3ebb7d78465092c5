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

#include "buf.h"
#include "parse_pacman.h"
#include "rootfs.h"
#include "testutil.h"
#include "xalloc.h"

#define FIXTURES "tests/fixtures/pacman/"

static enum fc_rc parse_str(const char *s, struct got *g, char *err)
{
	return parse_pacman_desc(s, strlen(s), collect, g, err);
}

/* ---- fixtures ---- */

static void test_local_fixtures(void **state)
{
	struct got g = {.from = "pacman"};

	(void)state;
	parse_pkg_fixture(parse_pacman_desc, FIXTURES "local/bash-5.2.026-2/desc", &g);
	parse_pkg_fixture(parse_pacman_desc, FIXTURES "local/filesystem-2024.04.07-1/desc", &g);
	parse_pkg_fixture(parse_pacman_desc, FIXTURES "local/iana-etc-20240612-1/desc", &g);
	parse_pkg_fixture(parse_pacman_desc, FIXTURES "desc-epoch", &g);
	parse_pkg_fixture(parse_pacman_desc, FIXTURES "desc-crlf", &g);
	parse_pkg_fixture(parse_pacman_desc, FIXTURES "desc-truncated", &g);
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
	struct got g = {.from = "pacman"};
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
	struct got g = {.from = "pacman"};

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
	struct got g = {.from = "pacman"};

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
	struct got g = {.from = "pacman"};

	(void)state;
	assert_int_equal(parse_pacman_desc(s, sizeof(s) - 1, collect, &g, err), FC_EPARSE);
	assert_non_null(strstr(err, "line 5: NUL byte"));
	assert_int_equal(g.n, 0);
}

static void test_field_too_long(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {.from = "pacman"};
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
	struct got g = {.from = "pacman", .stop_after = 1};

	(void)state;
	assert_int_equal(parse_str("%NAME%\na\n\n%VERSION%\n1-1\n", &g, err), FC_EIO);
	assert_int_equal(g.n, 1);
	got_release(&g);
}

static void test_binary_garbage(void **state)
{
	char err[FC_ERRLEN];
	struct got g = {.from = "pacman"};
	size_t n = 300000;
	char *s = xmalloc(n);
	enum fc_rc rc;

	(void)state;
	fill_garbage(s, n, 42424242u, '%');
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

/* Parses every local/<entry>/desc below root into g. Entries without a desc
 * (ALPM_DB_VERSION, the plain file beside the package directories of every
 * real pacman database) are skipped, as the agent's read_db_dir does. */
static int parse_root(const char *root, struct got *g)
{
	char err[FC_ERRLEN], path[512];
	enum fc_rc rc;
	struct dirent *e;
	DIR *d = rootfs_opendir(root, "/var/lib/pacman/local", &rc, err);

	if (!d)
		fail_msg("'%s': %s", root, err);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/var/lib/pacman/local/%s/desc", e->d_name);
		if (!rootfs_exists(root, path))
			continue;
		parse_root_file(parse_pacman_desc, root, path, g);
	}
	closedir(d);
	return 0;
}

static void test_corpus(void **state)
{
	static const struct pkg_corpus c = {
	    .kind = "pacman",
	    .from = "pacman",
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
