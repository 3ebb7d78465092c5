/* test_textesc.c - common/textesc.c, the encoders that make values from
 * machines inert for the reader (tables, logs, CSV), and the logger that
 * uses them (common/log.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "testutil.h"
#include "textesc.h"

/* textesc_text of s as a C string (static until the next call). */
static const char *text(const char *s, size_t len)
{
	static struct buf b;

	buf_release(&b);
	buf_init(&b, 1 << 16);
	assert_int_equal(textesc_text(&b, s, len), FC_OK);
	return buf_cstr(&b);
}

static const char *csv(const char *s)
{
	static struct buf b;

	buf_release(&b);
	buf_init(&b, 1 << 16);
	assert_int_equal(textesc_csv(&b, s), FC_OK);
	return buf_cstr(&b);
}

#define TEXT(s) text(s, sizeof(s) - 1)

static void test_text_kept(void **state)
{
	static const char *const kept[] = {
	    "",
	    "Windows 10 Pro",
	    "C:\\Program Files\\x1b (a backslash stays)",
	    "=HYPERLINK(\"x\") +1 -1 @a", /* formulas are CSV's business */
	    "Gemeente Zürich ☃ 北京市 Ελληνικά русский", /* non-Latin text */
	    "עברית العربية", /* right-to-left letters, no controls */
	    "\xf0\x9f\x98\x80 emoji",
	    "\xc2\xa0no-break space\xc2\xad soft hyphen",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		assert_true(textesc_is_plain(kept[i], strlen(kept[i])));
		assert_string_equal(text(kept[i], strlen(kept[i])), kept[i]);
	}
}

static void test_text_escaped(void **state)
{
	(void)state;
	assert_string_equal(TEXT("\x1b[2J\x07\t\r\n\x7f"), "\\x1b[2J\\x07\\x09\\x0d\\x0a\\x7f");
	assert_string_equal(TEXT("a\0b"), "a\\x00b");
	/* C1 as UTF-8: U+0085 (NEL), U+009B (CSI) */
	assert_string_equal(TEXT("\xc2\x85\xc2\x9b"
	                         "1m"),
	                    "\\u0085\\u009b1m");
	/* bidirectional controls and separators */
	assert_string_equal(TEXT("\xe2\x80\xae"
	                         "abc\xe2\x80\xac"),
	                    "\\u202eabc\\u202c");
	assert_string_equal(TEXT("\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"),
	                    "\\u2066\\u2069\\u200e\\u200f\\u061c");
	assert_string_equal(TEXT("\xe2\x80\xa8\xe2\x80\xa9"), "\\u2028\\u2029");
	/* ill-formed UTF-8: every byte shown, a raw C1 byte too */
	assert_string_equal(TEXT("\x9b\xff\xc0\xaf\xed\xa0\x80\xe2\x80"),
	                    "\\x9b\\xff\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x80");
	assert_false(textesc_is_plain("a\x1b", 2));
	assert_false(textesc_is_plain("\xe2\x80\xae", 3));
	assert_false(textesc_is_plain("\xff", 1));
}

static void test_text_to(void **state)
{
	char dst[8];

	(void)state;
	assert_int_equal(textesc_text_to(dst, sizeof(dst), "abc", 3), 3);
	assert_string_equal(dst, "abc");
	/* an escape that does not fit is left out whole */
	assert_int_equal(textesc_text_to(dst, sizeof(dst), "abcd\x1b", 5), 4);
	assert_string_equal(dst, "abcd");
	assert_int_equal(textesc_text_to(dst, sizeof(dst), "abc\x1b", 4), 7);
	assert_string_equal(dst, "abc\\x1b");
	/* nor is a character cut */
	assert_int_equal(textesc_text_to(dst, sizeof(dst), "abcde\xe2\x98\x83", 8), 5);
	assert_string_equal(dst, "abcde");
	assert_int_equal(textesc_text_to(dst, 1, "abc", 3), 0);
	assert_string_equal(dst, "");
}

static void test_csv(void **state)
{
	(void)state;
	assert_string_equal(csv("plain"), "plain");
	assert_string_equal(csv(""), "");
	assert_string_equal(csv("a,b"), "\"a,b\"");
	assert_string_equal(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
	/* OWASP: = + - @ tab CR at the start */
	assert_string_equal(csv("=HYPERLINK(\"http://x\",\"y\")"),
	                    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	assert_string_equal(csv("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
	assert_string_equal(csv("-1"), "'-1");
	assert_string_equal(csv("@SUM(A1)"), "'@SUM(A1)");
	/* a tab, CR or LF is escaped, so the cell starts with a backslash */
	assert_string_equal(csv("\t=1"), "\\x09=1");
	assert_string_equal(csv("\r\n=1"), "\\x0d\\x0a=1");
	assert_string_equal(csv("a\r\nb,c"), "\"a\\x0d\\x0ab,c\"");
	/* not at the start: unchanged */
	assert_string_equal(csv("1+1=2"), "1+1=2");
	assert_string_equal(csv("x-1"), "x-1");
	assert_string_equal(csv("\xe2\x80\xae=1"), "\\u202e=1");
	assert_string_equal(csv("Zürich"), "Zürich");
	assert_true(textesc_csv_formula_start('='));
	assert_true(textesc_csv_formula_start('\r'));
	assert_false(textesc_csv_formula_start('\''));
	assert_false(textesc_csv_formula_start('<'));
}

static void test_csv_limit(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(textesc_csv(&b, "\x1b\x1b\x1b"), FC_ELIMIT);
	buf_release(&b);
}

/* Runs fn with stderr going to a file; returns what it wrote (the caller
 * frees it). */
static char *capture_stderr(void (*fn)(void))
{
	char dir[256], path[300], *got;
	size_t len;
	int fd, saved;

	assert_true(tmpdir_new(dir, sizeof(dir), "textesc"));
	snprintf(path, sizeof(path), "%s/err", dir);
	fd = creat(path, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0 && dup2(fd, 2) == 2);
	fn();
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	close(fd);
	got = slurp(path, &len);
	assert_int_equal(tmpdir_remove(dir), 0);
	return got;
}

static void log_hostile(void)
{
	log_set_prog("fc-test");
	LOG_ERR("'%s': %s", "evil\r\nfc-test: error: forged\x1b]8;;http://x\x07",
	        "\xc2\x9b\xe2\x80\xae");
	LOG_WARN("plain Zürich line");
	textesc_printf(stderr, "%s: machine %s", "\x1b[2Jfile.json", "m1");
}

static void log_long(void)
{
	char big[TEXTESC_LINE_MAX + 100];

	memset(big, '\x1b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	LOG_ERR("%s", big);
}

static void test_log_escaped(void **state)
{
	char *got;
	size_t i, lines = 0;

	(void)state;
	got = capture_stderr(log_hostile);
	assert_string_equal(got, "fc-test: error: 'evil\\x0d\\x0afc-test: error: "
	                         "forged\\x1b]8;;http://x\\x07': \\u009b\\u202e\n"
	                         "fc-test: warning: plain Zürich line\n"
	                         "\\x1b[2Jfile.json: machine m1\n");
	free(got);
	got = capture_stderr(log_long);
	for (i = 0; got[i]; i++) {
		lines += got[i] == '\n';
		assert_true(got[i] == '\n' || (got[i] >= 0x20 && got[i] < 0x7f));
	}
	assert_int_equal(lines, 1);
	assert_non_null(strstr(got, "\\x1b\\x1b...\n"));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_kept), cmocka_unit_test(test_text_escaped),
	    cmocka_unit_test(test_text_to),   cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_csv_limit), cmocka_unit_test(test_log_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
