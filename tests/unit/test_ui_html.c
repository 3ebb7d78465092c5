/* test_ui_html.c - the console's one HTML escaper, its tables and the
 * urlencoded form reader (collector/ui_html.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ui_html.h"

static const char *esc(struct buf *b, const char *s)
{
	buf_release(b);
	buf_init(b, 1 << 16);
	assert_int_equal(ui_esc(b, s), FC_OK);
	return buf_cstr(b);
}

static void test_esc(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_string_equal(esc(&b, "plain text"), "plain text");
	assert_string_equal(esc(&b, "<img src=x onerror=alert(1)>"),
	                    "&lt;img src=x onerror=alert(1)&gt;");
	assert_string_equal(esc(&b, "a&b \"q\" 'r'"), "a&amp;b &quot;q&quot; &#39;r&#39;");
	assert_string_equal(esc(&b, "tab\there\nline"), "tab\there\nline");
	assert_string_equal(esc(&b, "bell\a esc\x1b del\x7f"),
	                    "bell\xef\xbf\xbd esc\xef\xbf\xbd del\xef\xbf\xbd");
	assert_string_equal(esc(&b, "Zürich"), "Zürich");
	assert_string_equal(esc(&b, ""), "");
	assert_string_equal(esc(&b, NULL), "");
	assert_string_equal(esc(&b, "<"), "&lt;");
	assert_string_equal(esc(&b, "x>"), "x&gt;");
	buf_release(&b);
}

static void test_esc_limit(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_not_equal(ui_esc(&b, "<<<<<<<<"), FC_OK); /* over its maximum */
	buf_release(&b);
}

static void test_table(void **state)
{
	cJSON *arr =
	    cJSON_Parse("[{\"org\":\"<b>\",\"machines\":3},{\"org\":\"x\",\"machines\":1.5}]");
	struct buf b;
	const char *t;

	(void)state;
	assert_non_null(arr);
	buf_init(&b, 1 << 16);
	assert_int_equal(ui_json_table(&b, arr, "Cap<tion>"), FC_OK);
	t = buf_cstr(&b);
	assert_non_null(strstr(t, "<caption>Cap&lt;tion&gt;</caption>"));
	assert_non_null(strstr(t, "<th scope=\"col\">org</th><th scope=\"col\">machines</th>"));
	assert_non_null(strstr(t, "<td>&lt;b&gt;</td><td>3</td>"));
	assert_non_null(strstr(t, "<td>1.50</td>"));
	assert_null(strstr(t, "<b>"));
	cJSON_Delete(arr);
	buf_release(&b);
	arr = cJSON_Parse("[{\"n\":1},{\"n\":2},{\"n\":3},{\"n\":4}]");
	buf_init(&b, 1 << 16);
	assert_int_equal(ui_json_table_part(&b, arr, "c", 1, 2), FC_OK);
	t = buf_cstr(&b);
	assert_null(strstr(t, "<td>1</td>"));
	assert_non_null(strstr(t, "<td>2</td></tr>\n<tr><td>3</td>"));
	assert_null(strstr(t, "<td>4</td>"));
	cJSON_Delete(arr);
	buf_release(&b);
	arr = cJSON_Parse("[]");
	buf_init(&b, 1 << 16);
	assert_int_equal(ui_json_table(&b, arr, "c"), FC_OK);
	assert_non_null(strstr(buf_cstr(&b), "none"));
	cJSON_Delete(arr);
	buf_release(&b);
}

static void test_page(void **state)
{
	struct buf b;
	const char *t;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(ui_page_begin(&b, "T<1>", "reader of <o>", "ab\"c"), FC_OK);
	assert_int_equal(ui_page_end(&b), FC_OK);
	t = buf_cstr(&b);
	assert_non_null(strstr(t, "<title>T&lt;1&gt; - fleetcensus</title>"));
	assert_non_null(strstr(t, "reader of &lt;o&gt;"));
	assert_non_null(strstr(t, "value=\"ab&quot;c\""));
	assert_null(strstr(t, "<script"));
	buf_release(&b);
}

static void test_form(void **state)
{
	char v[16];

	(void)state;
	assert_true(ui_form_value("csrf=abc&token=12", "token", v, sizeof(v)));
	assert_string_equal(v, "12");
	assert_true(ui_form_value("name=esu+10%2Fx&a=1", "name", v, sizeof(v)));
	assert_string_equal(v, "esu 10/x");
	assert_true(ui_form_value("xname=1&name=", "name", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_false(ui_form_value("xname=1", "name", v, sizeof(v)));
	assert_false(ui_form_value("name=%zz", "name", v, sizeof(v)));
	assert_false(ui_form_value("name=%4", "name", v, sizeof(v)));
	assert_false(ui_form_value("name=a%00b", "name", v, sizeof(v)));
	assert_false(ui_form_value("name=0123456789abcdefg", "name", v, sizeof(v)));
	assert_false(ui_form_value("", "name", v, sizeof(v)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_esc),   cmocka_unit_test(test_esc_limit),
	    cmocka_unit_test(test_table), cmocka_unit_test(test_page),
	    cmocka_unit_test(test_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
