/* test_auth.c - tokens: generation, hashing, comparison, the Bearer header
 * and role names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth.h"
#include "sha256.h"

static void test_token_new(void **state)
{
	char a[AUTH_TOKEN_LEN + 1], b[AUTH_TOKEN_LEN + 1];
	size_t i;

	(void)state;
	assert_int_equal(auth_token_new(a), FC_OK);
	assert_int_equal(auth_token_new(b), FC_OK);
	assert_int_equal(strlen(a), AUTH_TOKEN_LEN);
	for (i = 0; i < AUTH_TOKEN_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
	/* A token is a valid Bearer credential. */
	assert_non_null(auth_bearer("Bearer 0123456789abcdef0123456789abcdef"));
}

static void test_token_hash(void **state)
{
	static const char abc[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	unsigned char h[AUTH_HASH_LEN], h2[AUTH_HASH_LEN];
	char hex[2 * AUTH_HASH_LEN + 1];

	(void)state;
	assert_int_equal(AUTH_HASH_LEN, SHA256_LEN);
	auth_token_hash("abc", h); /* FIPS 180-2 example */
	hex_encode(h, sizeof(h), hex);
	assert_string_equal(hex, abc);
	auth_token_hash("abd", h2);
	assert_false(auth_hash_equal(h, h2));
	auth_token_hash("abc", h2);
	assert_true(auth_hash_equal(h, h2));
}

static void test_hash_equal(void **state)
{
	unsigned char a[AUTH_HASH_LEN], b[AUTH_HASH_LEN];

	(void)state;
	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_true(auth_hash_equal(a, b));
	b[0] ^= 1;
	assert_false(auth_hash_equal(a, b));
	b[0] ^= 1;
	b[AUTH_HASH_LEN - 1] ^= 0x80;
	assert_false(auth_hash_equal(a, b));
}

static void test_bearer_accepts(void **state)
{
	char hdr[7 + 256 + 1];
	const char *t;

	(void)state;
	assert_string_equal(auth_bearer("Bearer abc123"), "abc123");
	assert_string_equal(auth_bearer("bearer abc123"), "abc123");
	assert_string_equal(auth_bearer("BEARER x"), "x");
	assert_string_equal(auth_bearer("Bearer a.b-c_d~e+f/g=="), "a.b-c_d~e+f/g==");
	memcpy(hdr, "Bearer ", 7);
	memset(hdr + 7, 'k', 256);
	hdr[7 + 256] = '\0';
	t = auth_bearer(hdr);
	assert_non_null(t);
	assert_int_equal(strlen(t), 256);
	assert_ptr_equal(t, hdr + 7);
}

static void test_bearer_rejects(void **state)
{
	static const char *const bad[] = {
	    "",
	    "Bearer",
	    "Bearer ",
	    "Bearer  abc", /* two spaces */
	    "Bearer abc def",
	    "Bearer abc ",
	    "Bearer abc\t",
	    "Bearer abc\r\n",
	    "Bearer\tabc",
	    "Bearerabc",
	    "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
	    "Token abc",
	    " Bearer abc",
	    "Bearer ab\x7f",
	    "Bearer ab\x01",
	    "Bearer \xc3\xa9t\xc3\xa9",
	};
	char hdr[7 + 257 + 1];
	size_t i;

	(void)state;
	assert_null(auth_bearer(NULL));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (auth_bearer(bad[i]))
			fail_msg("accepted bad header %zu: '%s'", i, bad[i]);
	}
	memcpy(hdr, "Bearer ", 7);
	memset(hdr + 7, 'k', 257);
	hdr[7 + 257] = '\0';
	assert_null(auth_bearer(hdr));
}

static void test_roles(void **state)
{
	enum token_role r = ROLE_AGENT;

	(void)state;
	assert_string_equal(auth_role_name(ROLE_AGENT), "agent");
	assert_string_equal(auth_role_name(ROLE_READER), "reader");
	assert_string_equal(auth_role_name(ROLE_ADMIN), "admin");
	assert_true(auth_role_parse("reader", &r));
	assert_int_equal(r, ROLE_READER);
	assert_true(auth_role_parse("admin", &r));
	assert_int_equal(r, ROLE_ADMIN);
	assert_true(auth_role_parse("agent", &r));
	assert_int_equal(r, ROLE_AGENT);
	assert_false(auth_role_parse("Admin", &r));
	assert_false(auth_role_parse("", &r));
	assert_false(auth_role_parse("root", &r));
	assert_false(auth_role_parse(NULL, &r));
	assert_int_equal(r, ROLE_AGENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token_new),      cmocka_unit_test(test_token_hash),
	    cmocka_unit_test(test_hash_equal),     cmocka_unit_test(test_bearer_accepts),
	    cmocka_unit_test(test_bearer_rejects), cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
