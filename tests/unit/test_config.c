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

/* url is refused with an error holding want. */
static void url_bad(const char *url, const char *want)
{
	char err[FC_ERRLEN] = "";

	assert_int_equal(config_check_server(url, err), FC_EPARSE);
	if (!strstr(err, want))
		fail_msg("'%s': error '%s' does not mention '%s'", url, err, want);
}

static void test_server_url_ok(void **state)
{
	static const char *const good[] = {
	    "http://127.0.0.1:9",
	    "https://collector.example.org:8443",
	    "https://collector.example.org",
	    "HTTPS://Collector.Example.ORG:8443/",
	    "http://h:1",
	    "http://h:65535/",
	    "http://h:/", /* an empty port: the scheme's default */
	    "http://[::1]:8443",
	    "http://[fe80::1%25eth0]:8443",
	    "http://[::ffff:192.0.2.1]",
	    "https://proxy.example/fleetcensus/",
	    "http://xn--zeist-gemeente-8kb.nl",
	    "http://fc_collector.lan:80",
	};
	char err[FC_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (config_check_server(good[i], err) != FC_OK)
			fail_msg("'%s' refused: %s", good[i], err);
}

static void test_server_url_scheme(void **state)
{
	(void)state;
	url_bad("ftp://host:21", "'ftp://host:21': scheme 'ftp' is not http or https");
	url_bad("file:///etc/passwd", "scheme 'file'");
	url_bad("httpx://h", "scheme 'httpx'");
	url_bad("not-a-url", "'not-a-url': must start with http:// or https://");
	url_bad("127.0.0.1:8443", "must start with http:// or https://");
	url_bad("http:/h", "must start with http:// or https://");
	url_bad("http:h", "must start with http:// or https://");
	url_bad("://h", "must start with http:// or https://");
	url_bad("", "must start with http:// or https://");
}

static void test_server_url_host_port(void **state)
{
	(void)state;
	url_bad("http://", "no host");
	url_bad("http:///path", "no host");
	url_bad("http://:80", "'http://:80': no host");
	url_bad("http://h:99999", "port '99999' is not 1 to 65535");
	url_bad("http://h:0", "port '0' is not 1 to 65535");
	url_bad("http://h:65536", "port '65536'");
	url_bad("http://h:0000080", "port '0000080'");
	url_bad("http://h:-1", "port '-1'");
	url_bad("http://h:80x/", "port '80x'");
	url_bad("http://h:8:8", "port '8:8'");
	url_bad("http://[::1", "unclosed '['");
	url_bad("http://[]:80", "not an IPv6 address");
	url_bad("http://[h]:80", "not an IPv6 address");
	url_bad("http://[::1%]:80", "not an IPv6 address");
	url_bad("http://[::1%eth0!]:80", "not an IPv6 address");
	url_bad("http://[::1]x", "other than ':port'");
	url_bad("http://[::1]:0", "port '0'");
	url_bad("http://user:pw@h", "user name");
	url_bad("http://h!st", "character other than letters");
	url_bad("http://h:80/a?b=1", "query or fragment");
	url_bad("http://h:80/#x", "query or fragment");
}

/* Bytes a terminal or log would interpret are refused and never echoed. */
static void test_server_url_chars(void **state)
{
	static char big[CONFIG_MAX_URL + 16];
	char err[FC_ERRLEN];

	(void)state;
	url_bad("http://h ost", "space or control character (byte 9 of 12)");
	url_bad(" http://h", "space or control character (byte 1 of 9)");
	url_bad("http://h\t", "space or control character");
	url_bad("http://h/\x7f", "space or control character");
	url_bad("http://h\x1b[2J", "space or control character");
	assert_int_equal(config_check_server("http://h\x1b[2J", err), FC_EPARSE);
	assert_null(strchr(err, '\x1b'));
	url_bad("http://h\xc3\xa9.nl", "non-ASCII byte (byte 9)");
	memcpy(big, "http://h/", 9);
	memset(big + 9, 'a', sizeof(big) - 10);
	url_bad(big, "longer than 2048 bytes");
	big[CONFIG_MAX_URL] = '\0';
	assert_int_equal(config_check_server(big, err), FC_OK);
	/* a long URL is shortened in the message */
	big[300] = '?';
	assert_int_equal(config_check_server(big, err), FC_EPARSE);
	assert_true(strlen(err) < 200);
	assert_non_null(strstr(err, "...': a query"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_file),         cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_config_nul_and_long), cmocka_unit_test(test_parse_long),
	    cmocka_unit_test(test_token_file_check),    cmocka_unit_test(test_server_url_ok),
	    cmocka_unit_test(test_server_url_scheme),   cmocka_unit_test(test_server_url_host_port),
	    cmocka_unit_test(test_server_url_chars),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
