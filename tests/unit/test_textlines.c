/* test_textlines.c - line walking shared by the text parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "textlines.h"

static void expect_lines(const char *buf, size_t len, const char *const *want, size_t nwant)
{
	const char *line;
	size_t pos = 0, n, i = 0;

	while (textlines_next(buf, len, &pos, &line, &n)) {
		assert_true(i < nwant);
		assert_int_equal(n, strlen(want[i]));
		assert_memory_equal(line, want[i], n);
		i++;
	}
	assert_int_equal(i, nwant);
	assert_int_equal(pos, len);
}

static void test_line_ends(void **state)
{
	static const char *const lf[] = {"a=1", "", "b=2"};
	static const char *const crlf[] = {"a=1", "b=2"};
	static const char *const lone_cr[] = {"a\r=1", "last"};

	(void)state;
	expect_lines("a=1\n\nb=2\n", 9, lf, 3);
	expect_lines("a=1\n\nb=2", 8, lf, 3); /* no final LF: the last line still counts */
	expect_lines("a=1\r\nb=2\r\n", 10, crlf, 2);
	expect_lines("a\r=1\nlast\r", 10, lone_cr, 2); /* a CR inside a line stays */
	expect_lines("", 0, NULL, 0);
}

static void test_line_numbers_and_nul(void **state)
{
	static const char text[] = "one\ntwo\nth\0ree\n";
	size_t line = 0;

	(void)state;
	assert_int_equal(textlines_line_of(text, text), 1);
	assert_int_equal(textlines_line_of(text, text + 4), 2);
	assert_int_equal(textlines_line_of(text, text + sizeof(text) - 1), 4);
	assert_true(textlines_has_nul(text, sizeof(text) - 1, &line));
	assert_int_equal(line, 3);
	assert_false(textlines_has_nul("no nul\n", 7, &line));
	assert_false(textlines_has_nul(NULL, 0, &line));
}

static void test_cstr(void **state)
{
	char dst[8];

	(void)state;
	assert_string_equal(textlines_cstr(dst, "abcdef", 3), "abc");
	assert_string_equal(textlines_cstr(dst, NULL, 0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_ends),
	    cmocka_unit_test(test_line_numbers_and_nul),
	    cmocka_unit_test(test_cstr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
