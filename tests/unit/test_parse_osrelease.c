/* test_parse_osrelease.c - os-release parser: fixtures, malformed input and
 * the shared real-world corpus (../shared/corpus/os-release). */
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
#include "kvlist.h"
#include "parse_osrelease.h"
#include "rootfs.h"
#include "testutil.h"
#include "xalloc.h"

#define FIXTURES "tests/fixtures/osrelease/"
#define CORPUS_FILE_MAX (1u << 20)
#define GARBAGE_SEED 2463534242u

/* Parses a fixture that must parse; returns the number of skipped lines. */
static size_t parse_fixture(const char *name, struct kvlist *kv)
{
	char path[256], err[FC_ERRLEN];
	size_t len, skipped = 0;
	char *text;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	text = slurp(path, &len);
	if (parse_osrelease_ex(text, len, kv, &skipped, err) != FC_OK)
		fail_msg("'%s': %s", name, err);
	assert_string_equal(err, "");
	free(text);
	return skipped;
}

static void assert_key(const struct kvlist *kv, const char *key, const char *want)
{
	const char *got = kvlist_get(kv, key);

	if (!want) {
		if (got)
			fail_msg("key %s: expected absent, got '%s'", key, got);
		return;
	}
	if (!got)
		fail_msg("key %s: expected '%s', absent", key, want);
	if (strcmp(got, want))
		fail_msg("key %s: expected '%s', got '%s'", key, want, got);
}

/* ---- distribution fixtures ---- */

struct distro_case {
	const char *file;
	const char *id;
	const char *version_id; /* NULL: must be absent */
	const char *pretty_name;
	size_t nkeys;
	const char *extra_key;
	const char *extra_value;
};

static const struct distro_case distros[] = {
    {"debian-12", "debian", "12", "Debian GNU/Linux 12 (bookworm)", 9, "VERSION_CODENAME",
     "bookworm"},
    {"ubuntu-22.04", "ubuntu", "22.04", "Ubuntu 22.04.4 LTS", 12, "ID_LIKE", "debian"},
    {"rhel-9", "rhel", "9.4", "Red Hat Enterprise Linux 9.4 (Plow)", 17, "CPE_NAME",
     "cpe:/o:redhat:enterprise_linux:9::baseos"},
    {"rocky-9", "rocky", "9.3", "Rocky Linux 9.3 (Blue Onyx)", 17, "SUPPORT_END", "2032-05-31"},
    {"almalinux-9", "almalinux", "9.4", "AlmaLinux 9.4 (Seafoam Ocelot)", 18, "ID_LIKE",
     "rhel centos fedora"},
    {"fedora-40", "fedora", "40", "Fedora Linux 40 (Container Image)", 22, "VERSION_CODENAME", ""},
    {"opensuse-leap-15.5", "opensuse-leap", "15.5", "openSUSE Leap 15.5", 12, "ID_LIKE",
     "suse opensuse"},
    {"sles-15-sp5", "sles", "15.5", "SUSE Linux Enterprise Server 15 SP5", 9, "VERSION", "15-SP5"},
    {"alpine-3.19", "alpine", "3.19.1", "Alpine Linux v3.19", 6, "NAME", "Alpine Linux"},
    {"arch", "arch", NULL, "Arch Linux", 11, "BUILD_ID", "rolling"},
    {"amazon-2023", "amzn", "2023", "Amazon Linux 2023.4.20240611", 16, "SUPPORT_END",
     "2028-03-15"},
    {"oracle-8", "ol", "8.9", "Oracle Linux Server 8.9", 17, "VARIANT_ID", "server"},
};

static void test_distro(void **state)
{
	const struct distro_case *c = *state;
	struct kvlist kv;

	assert_int_equal(parse_fixture(c->file, &kv), 0);
	assert_key(&kv, "ID", c->id);
	assert_key(&kv, "VERSION_ID", c->version_id);
	assert_key(&kv, "PRETTY_NAME", c->pretty_name);
	assert_key(&kv, c->extra_key, c->extra_value);
	assert_int_equal(kv.n, c->nkeys);
	kvlist_release(&kv);
}

static void test_keys_in_file_order(void **state)
{
	struct kvlist kv;

	(void)state;
	parse_fixture("debian-12", &kv);
	assert_string_equal(kv.items[0].key, "PRETTY_NAME");
	assert_string_equal(kv.items[8].key, "BUG_REPORT_URL");
	assert_string_equal(kv.items[8].value, "https://bugs.debian.org/");
	kvlist_release(&kv);
}

/* ---- malformed fixtures ---- */

static void test_no_separator(void **state)
{
	struct kvlist kv;

	(void)state;
	assert_int_equal(parse_fixture("bad-noseparator", &kv), 7);
	assert_int_equal(kv.n, 4);
	assert_key(&kv, "NAME", "No Separator Linux");
	assert_key(&kv, "ID", "nosep");
	assert_key(&kv, "VERSION_ID", "1.0");
	assert_key(&kv, "SPACED_KEY", "spaced value");
	assert_key(&kv, "BAD-KEY", NULL);
	assert_key(&kv, "1ST_KEY", NULL);
	kvlist_release(&kv);
}

static void test_unterminated_quotes(void **state)
{
	struct kvlist kv;

	(void)state;
	parse_fixture("bad-unterminated", &kv);
	assert_int_equal(kv.n, 4);
	assert_key(&kv, "NAME", "Unterminated Linux");
	assert_key(&kv, "ID", "unterminated");
	assert_key(&kv, "PRETTY_NAME", "Single open");
	assert_key(&kv, "VERSION_ID", "2.0");
	kvlist_release(&kv);
}

static void test_escapes(void **state)
{
	struct kvlist kv;

	(void)state;
	parse_fixture("escapes", &kv);
	assert_int_equal(kv.n, 11);
	assert_key(&kv, "NAME", "Escape \"Quoted\" Linux");
	assert_key(&kv, "PRETTY_NAME", "Back\\slash $HOME `uname` and \\n kept");
	assert_key(&kv, "ID", "escape linux");
	assert_key(&kv, "VARIANT", "single \\\"raw\\\" $HOME");
	assert_key(&kv, "VERSION", "1.0 (Continued)");
	assert_key(&kv, "BUILD_ID", "unquoted\\value");
	assert_key(&kv, "HOME_URL", "$HOME");
	assert_key(&kv, "VERSION_CODENAME", "part one and two");
	assert_key(&kv, "CPE_NAME", "trailing blanks");
	assert_key(&kv, "EMPTY", "");
	assert_key(&kv, "EMPTY_QUOTED", "");
	kvlist_release(&kv);
}

static void test_comments(void **state)
{
	struct kvlist kv;

	(void)state;
	assert_int_equal(parse_fixture("comments", &kv), 0);
	assert_int_equal(kv.n, 4);
	assert_key(&kv, "ID", "comments");
	assert_string_equal(kv.items[0].value, "first");
	assert_key(&kv, "NAME", "Comment Linux");
	assert_key(&kv, "VERSION_ID", "3 # not a comment");
	kvlist_release(&kv);
}

static void test_crlf(void **state)
{
	struct kvlist kv;

	(void)state;
	parse_fixture("crlf", &kv);
	assert_int_equal(kv.n, 8);
	assert_key(&kv, "ID", "ubuntu");
	assert_key(&kv, "VERSION_ID", "24.04");
	assert_key(&kv, "PRETTY_NAME", "Ubuntu 24.04 LTS");
	assert_key(&kv, "UBUNTU_CODENAME", "noble");
	kvlist_release(&kv);
}

static void test_invalid_utf8_kept(void **state)
{
	struct kvlist kv;

	(void)state;
	parse_fixture("bad-utf8", &kv);
	assert_int_equal(kv.n, 4);
	assert_key(&kv, "NAME", "Caf\xe9 Linux");
	assert_key(&kv, "PRETTY_NAME", "Bad \xc0\xaf overlong \xff\xfe end");
	assert_key(&kv, "ID", "utf8bad");
	assert_key(&kv, "VERSION_ID", "1\xed\xa0\x80");
	kvlist_release(&kv);
}

static void test_nul_byte(void **state)
{
	char err[FC_ERRLEN];
	struct kvlist kv;
	size_t len;
	char *text = slurp(FIXTURES "bad-nul", &len);

	(void)state;
	assert_int_equal(parse_osrelease(text, len, &kv, err), FC_EPARSE);
	assert_non_null(strstr(err, "NUL byte on line 2"));
	assert_int_equal(kv.n, 0);
	kvlist_release(&kv);
	free(text);
}

/* ---- bad input built in memory ---- */

static enum fc_rc parse_str(const char *s, struct kvlist *kv, size_t *skipped, char *err)
{
	return parse_osrelease_ex(s, strlen(s), kv, skipped, err);
}

static void test_empty_and_truncated(void **state)
{
	char err[FC_ERRLEN];
	struct kvlist kv;
	size_t skipped;

	(void)state;
	assert_int_equal(parse_osrelease(NULL, 0, &kv, err), FC_OK);
	assert_int_equal(kv.n, 0);
	kvlist_release(&kv);

	assert_int_equal(parse_str("ID=debian\nVERSION_ID=\"1", &kv, &skipped, err), FC_OK);
	assert_key(&kv, "ID", "debian");
	assert_key(&kv, "VERSION_ID", "1");
	kvlist_release(&kv);

	assert_int_equal(parse_str("ID=arch\nPRETTY_NA", &kv, &skipped, err), FC_OK);
	assert_int_equal(kv.n, 1);
	assert_int_equal(skipped, 1);
	kvlist_release(&kv);

	assert_int_equal(parse_str("ID=a\\", &kv, &skipped, err), FC_OK);
	assert_key(&kv, "ID", "a");
	kvlist_release(&kv);

	assert_int_equal(parse_str("ID=a\rVERSION_ID=1\r", &kv, &skipped, err), FC_OK);
	assert_key(&kv, "ID", "a");
	assert_key(&kv, "VERSION_ID", "1");
	kvlist_release(&kv);

	assert_int_equal(parse_str("\n\n   \n\t\n", &kv, &skipped, err), FC_OK);
	assert_int_equal(kv.n, 0);
	assert_int_equal(skipped, 0);
	kvlist_release(&kv);
}

static void test_line_too_long(void **state)
{
	char err[FC_ERRLEN];
	struct kvlist kv;
	size_t n = PARSE_OSRELEASE_MAX_LINE;
	char *s = xmalloc(n + 16);

	(void)state;
	memcpy(s, "ID=x\nA=", 7);
	memset(s + 7, 'a', n - 2);
	memcpy(s + 5 + n, "\nB=1\n", 6);
	assert_int_equal(parse_str(s, &kv, NULL, err), FC_OK);
	assert_int_equal(strlen(kvlist_get(&kv, "A")), n - 2);
	assert_key(&kv, "B", "1");
	kvlist_release(&kv);

	memset(s + 7, 'a', n - 1);
	memcpy(s + 6 + n, "\nB=1\n", 6);
	assert_int_equal(parse_str(s, &kv, NULL, err), FC_ELIMIT);
	assert_non_null(strstr(err, "line 2 is longer than 65536 bytes"));
	assert_int_equal(kv.n, 0);
	kvlist_release(&kv);
	free(s);
}

static void test_value_too_long(void **state)
{
	char err[FC_ERRLEN];
	struct kvlist kv;
	size_t chunk = 30000, i;
	char *s = xmalloc(3 * (chunk + 2) + 16);
	char *p = s;

	(void)state;
	memcpy(p, "LONG=\"", 6);
	p += 6;
	for (i = 0; i < 3; i++) {
		memset(p, 'v', chunk);
		memcpy(p + chunk, "\\\n", 2);
		p += chunk + 2;
	}
	memcpy(p, "\"\n", 3);
	assert_int_equal(parse_str(s, &kv, NULL, err), FC_ELIMIT);
	assert_non_null(strstr(err, "value of 'LONG' is longer than"));
	kvlist_release(&kv);
	free(s);
}

static void test_too_many_keys(void **state)
{
	char err[FC_ERRLEN], line[32];
	struct kvlist kv;
	struct buf b;
	int i;

	(void)state;
	buf_init(&b, 1u << 20);
	for (i = 0; i < PARSE_OSRELEASE_MAX_KEYS; i++) {
		snprintf(line, sizeof(line), "KEY_%d=%d\n", i, i);
		assert_int_equal(buf_addstr(&b, line), FC_OK);
	}
	assert_int_equal(parse_osrelease(b.ptr, b.len, &kv, err), FC_OK);
	assert_int_equal(kv.n, PARSE_OSRELEASE_MAX_KEYS);
	assert_key(&kv, "KEY_1023", "1023");
	kvlist_release(&kv);
	assert_int_equal(buf_addstr(&b, "ONE_MORE=1\n"), FC_OK);
	assert_int_equal(parse_osrelease(b.ptr, b.len, &kv, err), FC_ELIMIT);
	assert_non_null(strstr(err, "more than 1024 keys"));
	assert_int_equal(kv.n, 0);
	kvlist_release(&kv);
	buf_release(&b);
}

static void test_binary_garbage(void **state)
{
	char err[FC_ERRLEN];
	struct kvlist kv;
	size_t n = 200000;
	char *s = xmalloc(n);
	enum fc_rc rc;

	(void)state;
	fill_garbage(s, n, GARBAGE_SEED, '=');
	rc = parse_osrelease(s, n, &kv, err);
	assert_true(rc == FC_OK || rc == FC_ELIMIT);
	kvlist_release(&kv);
	fill_garbage(s, n, GARBAGE_SEED, '\0');
	assert_int_equal(parse_osrelease(s, n, &kv, err), FC_EPARSE);
	assert_non_null(strstr(err, "NUL byte on line"));
	kvlist_release(&kv);
	free(s);
}

/* ---- the shared corpus ---- */

struct csv {
	char **f;
	size_t n;
	size_t cap;
};

static void csv_clear(struct csv *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->f[i]);
	c->n = 0;
}

static void csv_push(struct csv *c, struct buf *field)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->f = xrealloc(c->f, c->cap * sizeof(*c->f));
	}
	c->f[c->n++] = buf_take(field, NULL);
}

/* Reads the CSV record at *pos (RFC 4180 quoting, newlines allowed inside
 * quotes) into c; false at the end of s. */
static int csv_record(const char *s, size_t len, size_t *pos, struct csv *c)
{
	struct buf field;
	int quoted = 0;
	size_t i = *pos;

	csv_clear(c);
	if (i >= len)
		return 0;
	buf_init(&field, 1u << 20);
	for (; i < len; i++) {
		if (quoted && s[i] == '"' && i + 1 < len && s[i + 1] == '"')
			assert_int_equal(buf_addc(&field, s[i++]), FC_OK);
		else if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == ',')
			csv_push(c, &field);
		else if (!quoted && s[i] == '\n')
			break;
		else if (!(s[i] == '\r' && !quoted))
			assert_int_equal(buf_addc(&field, s[i]), FC_OK);
	}
	csv_push(c, &field);
	*pos = i + 1;
	return 1;
}

static size_t csv_col(const struct csv *hdr, const char *name)
{
	size_t i;

	for (i = 0; i < hdr->n; i++)
		if (!strcmp(hdr->f[i], name))
			return i;
	fail_msg("EXPECTED.csv has no column '%s'", name);
	return 0;
}

/* True when a "file" holds only a link target: how a symbolic link reads
 * after a checkout that does not create links. */
static int is_link_text(const struct buf *b)
{
	return b->len > 0 && b->len < 256 && !memchr(b->ptr, '=', b->len) &&
	       !memchr(b->ptr, '\n', b->len) && strstr(b->ptr, "os-release");
}

/* Reads path below root, following real symbolic links (rootfs_read) and
 * link-text files (relative to the file's directory, inside root). */
static enum fc_rc read_osrelease(const char *root, const char *path, struct buf *b, char *err)
{
	char cur[512], next[1024];
	enum fc_rc rc;
	int hops;
	size_t dir;

	snprintf(cur, sizeof(cur), "%s", path);
	for (hops = 0; hops < 8; hops++) {
		rc = rootfs_read(root, cur, CORPUS_FILE_MAX, b, err);
		if (rc || !is_link_text(b))
			return rc;
		dir = (size_t)(strrchr(cur, '/') - cur);
		if (b->ptr[0] == '/')
			snprintf(next, sizeof(next), "%s", b->ptr);
		else
			snprintf(next, sizeof(next), "%.*s/%s", (int)dir, cur, b->ptr);
		snprintf(cur, sizeof(cur), "%s", next);
	}
	snprintf(err, FC_ERRLEN, "too many link-text hops from '%s'", path);
	return FC_EIO;
}

struct corpus_cols {
	size_t dir, id, version_id, pretty_name, file;
};

/* Checks one EXPECTED.csv row; returns 1 when it matched. */
static int check_row(const char *corpus, const struct csv *row, const struct corpus_cols *c)
{
	static const char *const keys[] = {"ID", "VERSION_ID", "PRETTY_NAME"};
	const char *want[3] = {row->f[c->id], row->f[c->version_id], row->f[c->pretty_name]};
	char root[1024], err[FC_ERRLEN];
	struct kvlist kv;
	struct buf b;
	const char *got;
	int i, ok = 0;

	snprintf(root, sizeof(root), "%s/os-release/roots/%s", corpus, row->f[c->dir]);
	buf_init(&b, CORPUS_FILE_MAX);
	if (read_osrelease(root, row->f[c->file], &b, err) == FC_OK &&
	    parse_osrelease(b.ptr, b.len, &kv, err) == FC_OK) {
		ok = 1;
		for (i = 0; i < 3; i++) {
			got = kvlist_get(&kv, keys[i]);
			if (strcmp(got ? got : "", want[i])) {
				print_message("%s: %s is '%s', expected '%s'\n", row->f[c->dir],
				              keys[i], got ? got : "(absent)", want[i]);
				ok = 0;
			}
		}
		kvlist_release(&kv);
	} else
		print_message("%s: %s\n", row->f[c->dir], err);
	buf_release(&b);
	return ok;
}

static void test_corpus(void **state)
{
	char corpus[512], path[600];
	struct csv hdr = {0}, row = {0};
	struct corpus_cols c;
	struct stat st;
	size_t len, pos = 0, total = 0, matched = 0;
	char *csv;

	(void)state;
	snprintf(corpus, sizeof(corpus), "%s/corpus", shared_dir());
	snprintf(path, sizeof(path), "%s/os-release/EXPECTED.csv", corpus);
	if (stat(path, &st) != 0) {
		print_message("corpus not found at '%s' (set FC_SHARED), skipping\n", path);
		skip();
	}
	csv = slurp(path, &len);
	assert_true(csv_record(csv, len, &pos, &hdr));
	c.dir = csv_col(&hdr, "dir");
	c.id = csv_col(&hdr, "id");
	c.version_id = csv_col(&hdr, "version_id");
	c.pretty_name = csv_col(&hdr, "pretty_name");
	c.file = csv_col(&hdr, "osrelease_file");
	while (csv_record(csv, len, &pos, &row)) {
		if (row.n != hdr.n) {
			print_message("EXPECTED.csv: a row has %zu fields, not %zu\n", row.n,
			              hdr.n);
			total++;
			continue;
		}
		if (!row.f[c.file][0])
			continue;
		total++;
		matched += (size_t)check_row(corpus, &row, &c);
	}
	print_message("os-release corpus: %zu of %zu rows matched\n", matched, total);
	assert_true(total > 0);
	assert_int_equal(matched, total);
	csv_clear(&hdr);
	csv_clear(&row);
	free(hdr.f);
	free(row.f);
	free(csv);
}

#define DISTRO_TEST(i)                                                                             \
	{                                                                                          \
		distros[i].file, test_distro, NULL, NULL, (void *)&distros[i]                      \
	}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    DISTRO_TEST(0),
	    DISTRO_TEST(1),
	    DISTRO_TEST(2),
	    DISTRO_TEST(3),
	    DISTRO_TEST(4),
	    DISTRO_TEST(5),
	    DISTRO_TEST(6),
	    DISTRO_TEST(7),
	    DISTRO_TEST(8),
	    DISTRO_TEST(9),
	    DISTRO_TEST(10),
	    DISTRO_TEST(11),
	    cmocka_unit_test(test_keys_in_file_order),
	    cmocka_unit_test(test_no_separator),
	    cmocka_unit_test(test_unterminated_quotes),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_comments),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_invalid_utf8_kept),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_empty_and_truncated),
	    cmocka_unit_test(test_line_too_long),
	    cmocka_unit_test(test_value_too_long),
	    cmocka_unit_test(test_too_many_keys),
	    cmocka_unit_test(test_binary_garbage),
	    cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
