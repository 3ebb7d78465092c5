/* test_config.c - the agent's configuration file and settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "config.h"

static void test_config_file(void **state)
{
	const char *text = "# fleetcensus agent\n"
	                   "server = https://collector.example:8443\n"
	                   "  token-file=/etc/fleetcensus/token  \n"
	                   "\n"
	                   "timeout = 30\r\n"
	                   "state-dir = \"/var/lib/fc state\"\n"
	                   "verbose = yes\n";
	struct agent_opts o;
	char err[FC_ERRLEN];

	(void)state;
	agent_opts_init(&o);
	assert_int_equal(config_parse(text, strlen(text), &o, err), FC_OK);
	assert_string_equal(o.server, "https://collector.example:8443");
	assert_string_equal(o.token_file, "/etc/fleetcensus/token");
	assert_string_equal(o.state_dir, "/var/lib/fc state");
	assert_int_equal(o.timeout, 30);
	assert_int_equal(o.verbose, 1);
	assert_int_equal(o.splay, -1);
	assert_null(o.token);
	agent_opts_release(&o);
}

static void expect_bad(const char *text, const char *want)
{
	struct agent_opts o;
	char err[FC_ERRLEN] = "";

	agent_opts_init(&o);
	assert_int_equal(config_parse(text, strlen(text), &o, err), FC_ECONFIG);
	if (!strstr(err, want))
		fail_msg("error '%s' does not mention '%s'", err, want);
	agent_opts_release(&o);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_bad("server https://x\n", "line 1: expected 'key = value'");
	expect_bad("\n\nsrever = x\n", "line 3: unknown setting 'srever'");
	expect_bad("timeout = 0\n", "'timeout' must be 1 to 3600");
	expect_bad("timeout = 12abc\n", "not '12abc'");
	expect_bad("splay = -5\n", "'splay' must be 0 to 86400");
	expect_bad("verbose = maybe\n", "must be true or false");
	expect_bad("server =\n", "'server' needs a value");
}

static void test_config_nul_and_long(void **state)
{
	static char big[8000];
	struct agent_opts o;
	char err[FC_ERRLEN];

	(void)state;
	agent_opts_init(&o);
	assert_int_equal(config_parse("server = a\0b\n", 13, &o, err), FC_ECONFIG);
	assert_non_null(strstr(err, "NUL"));
	memcpy(big, "token = ", 8);
	memset(big + 8, 'x', sizeof(big) - 10);
	big[sizeof(big) - 2] = '\n';
	assert_int_equal(config_parse(big, strlen(big), &o, err), FC_ECONFIG);
	assert_non_null(strstr(err, "too long"));
	agent_opts_release(&o);
}

static void test_parse_long(void **state)
{
	long v = 0;

	(void)state;
	assert_int_equal(config_parse_long("42", 0, 100, &v), FC_OK);
	assert_int_equal(v, 42);
	assert_int_equal(config_parse_long("", 0, 100, &v), FC_EPARSE);
	assert_int_equal(config_parse_long("101", 0, 100, &v), FC_EPARSE);
	assert_int_equal(config_parse_long("99999999999999999999", 0, 100, &v), FC_EPARSE);
}

/* A token file is refused when anyone but its owner may read or write it,
 * or when it belongs to someone other than this user or root. */
static void test_token_file_check(void **state)
{
	char err[FC_ERRLEN] = "";

	(void)state;
	assert_int_equal(config_check_token_file("t", 0100600, 1000, 1000, err), FC_OK);
	assert_int_equal(config_check_token_file("t", 0100400, 0, 1000, err), FC_OK);
	assert_int_equal(config_check_token_file("t", 0100600, 0, 0, err), FC_OK);
	assert_int_equal(config_check_token_file("t", 0100644, 0, 0, err), FC_ECONFIG);
	assert_non_null(strstr(err, "'t' is accessible by other users (mode 0644)"));
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(config_check_token_file("t", 0100640, 0, 0, err), FC_ECONFIG);
	assert_int_equal(config_check_token_file("t", 0100602, 0, 0, err), FC_ECONFIG);
	assert_int_equal(config_check_token_file("t", 0100620, 0, 0, err), FC_ECONFIG);
	assert_int_equal(config_check_token_file("t", 0100600, 1001, 1000, err), FC_ECONFIG);
	assert_non_null(strstr(err, "another user (uid 1001)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_file),         cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_config_nul_and_long), cmocka_unit_test(test_parse_long),
	    cmocka_unit_test(test_token_file_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
