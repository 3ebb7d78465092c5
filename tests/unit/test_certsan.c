/* test_certsan.c - agent/certsan.c: IP literals, and iPAddress
 * subjectAltNames found in certificates made here with openssl (the
 * certificates the Windows agent meets: `openssl req -x509 -addext
 * subjectAltName=...`, as tests/e2e/t620-wine-send.sh makes them). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsan.h"
#include "testutil.h"

struct fixture {
	char dir[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || !tmpdir_new(f->dir, sizeof(f->dir), "certsan")) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc;

	rc = tmpdir_remove(f->dir);
	free(f);
	return rc;
}

/* A self-signed certificate with the extension ext ("" for none), as DER
 * in *out (heap) and *len; skips the test when openssl is missing. */
static void make_cert(struct fixture *f, const char *ext, unsigned char **out, size_t *len)
{
	char cmd[1024], path[512];
	FILE *fp;
	long n;

	if (system("command -v openssl >/dev/null 2>&1") != 0)
		skip();
	snprintf(path, sizeof(path), "%s/cert.der", f->dir);
	snprintf(cmd, sizeof(cmd),
	         "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
	         "-days 1 -subj /CN=localhost %s%s%s -keyout '%s/key.pem' -outform DER "
	         "-out '%s' >/dev/null 2>&1",
	         *ext ? "-addext '" : "", ext, *ext ? "'" : "", f->dir, path);
	assert_int_equal(system(cmd), 0);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	*out = malloc((size_t)n);
	assert_non_null(*out);
	assert_int_equal(fread(*out, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
}

/* Whether the certificate has iPAddress host (an IP literal). */
static bool has(const unsigned char *der, size_t len, const char *host)
{
	unsigned char ip[16];
	size_t n;

	assert_true(certsan_parse_ip(host, ip, &n));
	return certsan_has_ip(der, len, ip, n);
}

static void test_parse_ip(void **state)
{
	static const unsigned char v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	                                     0,    0,    0,    0,    0, 0, 0, 1};
	static const unsigned char mapped[16] = {0, 0, 0,    0,    0,   0, 0, 0,
	                                         0, 0, 0xff, 0xff, 192, 0, 2, 1};
	static const char *const bad[] = {"localhost",
	                                  "127.0.0",
	                                  "127.0.0.1.",
	                                  "256.0.0.1",
	                                  "1.2.3.4.5",
	                                  "",
	                                  "127.0.0.1:8443",
	                                  ":::",
	                                  "1::2::3",
	                                  "12345::",
	                                  "1:2:3:4:5:6:7:8:9",
	                                  "1:2:3:4:5:6:7:8::",
	                                  "[::1",
	                                  "fe80::1%eth0",
	                                  "1:",
	                                  ":1",
	                                  "a.b.c.d"};
	unsigned char ip[16];
	size_t n, i;

	(void)state;
	assert_true(certsan_parse_ip("127.0.0.1", ip, &n));
	assert_int_equal(n, 4);
	assert_memory_equal(ip, "\x7f\x00\x00\x01", 4);
	assert_true(certsan_parse_ip("2001:db8::1", ip, &n));
	assert_int_equal(n, 16);
	assert_memory_equal(ip, v6, 16);
	assert_true(certsan_parse_ip("[2001:DB8:0:0:0:0:0:1]", ip, &n));
	assert_memory_equal(ip, v6, 16);
	assert_true(certsan_parse_ip("::ffff:192.0.2.1", ip, &n));
	assert_memory_equal(ip, mapped, 16);
	assert_true(certsan_parse_ip("::", ip, &n));
	assert_int_equal(n, 16);
	assert_true(certsan_parse_ip("[::1]", ip, &n));
	assert_int_equal(ip[15], 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (certsan_parse_ip(bad[i], ip, &n))
			fail_msg("'%s' parsed as an IP address", bad[i]);
	}
}

static void test_ip_san(void **state)
{
	unsigned char *der;
	size_t len;

	make_cert(*state, "subjectAltName=IP:127.0.0.1,DNS:localhost", &der, &len);
	assert_true(has(der, len, "127.0.0.1"));
	assert_false(has(der, len, "127.0.0.2"));
	assert_false(has(der, len, "::1"));
	free(der);
	make_cert(*state, "subjectAltName=DNS:localhost,IP:::1,IP:192.0.2.7", &der, &len);
	assert_true(has(der, len, "[::1]"));
	assert_true(has(der, len, "192.0.2.7"));
	assert_false(has(der, len, "127.0.0.1"));
	free(der);
}

static void test_critical_san(void **state)
{
	unsigned char *der;
	size_t len;

	make_cert(*state, "subjectAltName=critical,IP:10.1.2.3", &der, &len);
	assert_true(has(der, len, "10.1.2.3"));
	free(der);
}

/* The address only as a DNS name, or no subjectAltName: no iPAddress. */
static void test_no_ip_san(void **state)
{
	unsigned char *der;
	size_t len;

	make_cert(*state, "subjectAltName=DNS:127.0.0.1,DNS:localhost", &der, &len);
	assert_false(has(der, len, "127.0.0.1"));
	free(der);
	make_cert(*state, "", &der, &len);
	assert_false(has(der, len, "127.0.0.1"));
	free(der);
}

/* Every truncation and a corrupted length: no match, no read past the end
 * (the sanitizer build checks). */
static void test_malformed(void **state)
{
	unsigned char *der, *copy;
	size_t len, i;

	make_cert(*state, "subjectAltName=IP:127.0.0.1", &der, &len);
	for (i = 0; i < len; i++) {
		copy = malloc(i ? i : 1);
		assert_non_null(copy);
		memcpy(copy, der, i);
		assert_false(has(copy, i, "127.0.0.1"));
		free(copy);
	}
	der[1] = 0x84; /* a 4-byte length where the certificate has 2 */
	assert_false(has(der, len, "127.0.0.1"));
	free(der);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ip),
	    cmocka_unit_test_setup_teardown(test_ip_san, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_critical_san, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_ip_san, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
