/* test_common.c - buffers, key/value lists, UTF-8, SHA-256 and HMAC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "kvlist.h"
#include "sha256.h"
#include "utf8.h"
#include "xalloc.h"

static void test_buf_limit(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_addstr(&b, "abcd"), FC_OK);
	assert_int_equal(buf_printf(&b, "%d", 123), FC_OK);
	assert_string_equal(buf_cstr(&b), "abcd123");
	assert_int_equal(buf_addstr(&b, "xy"), FC_ELIMIT);
	assert_int_equal(b.len, 0); /* a failed append frees the buffer */
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(buf_addstr(&b, "ok"), FC_OK);
	buf_release(&b);
}

static void test_buf_take_and_big_printf(void **state)
{
	struct buf b;
	char *p, big[1000];
	size_t len;

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, 4096);
	assert_int_equal(buf_printf(&b, "<%s>", big), FC_OK);
	assert_int_equal(b.len, 1001);
	p = buf_take(&b, &len);
	assert_int_equal(len, 1001);
	assert_int_equal(p[0], '<');
	assert_int_equal(p[1000], '>');
	assert_null(b.ptr);
	free(p);
}

static void test_kvlist(void **state)
{
	struct kvlist l;

	(void)state;
	kvlist_init(&l);
	kvlist_add(&l, "ID", "debian");
	kvlist_add(&l, "ID", "ubuntu");
	kvlist_set(&l, "VERSION_ID", "12");
	assert_string_equal(kvlist_get(&l, "ID"), "ubuntu");
	kvlist_set(&l, "VERSION_ID", "13");
	assert_int_equal(l.n, 3);
	assert_string_equal(kvlist_get(&l, "VERSION_ID"), "13");
	assert_null(kvlist_get(&l, "NAME"));
	kvlist_release(&l);
}

static void test_utf8(void **state)
{
	static const char *const bad[] = {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
	                                  "\xE2\x82", "\xFF",         "a\x80z"};
	size_t i;
	char *s;

	(void)state;
	assert_true(utf8_valid("Gemeente \xC3\x9Ftrecht \xE2\x82\xAC \xF0\x9F\x98\x80", 22));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(utf8_valid(bad[i], strlen(bad[i])));
	s = utf8_sanitize("a\x80z\xE2\x82", 5);
	assert_string_equal(s, "a\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD");
	assert_true(utf8_valid(s, strlen(s)));
	free(s);
	s = utf8_sanitize("a\0b", 3);
	assert_string_equal(s, "a\xEF\xBF\xBD"
	                       "b");
	free(s);
}

/* FIPS 180-2 appendix B and RFC 4231 test case 2. */
static void test_sha256_vectors(void **state)
{
	unsigned char d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	struct sha256 c;
	int i;

	(void)state;
	sha256("abc", 3, d);
	hex_encode(d, SHA256_LEN, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	hex_encode(d, SHA256_LEN, hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	sha256_init(&c);
	for (i = 0; i < 1000000; i++)
		sha256_update(&c, "a", 1);
	sha256_final(&c, d);
	hex_encode(d, SHA256_LEN, hex);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
	hex_encode(d, SHA256_LEN, hex);
	assert_string_equal(hex,
	                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* RFC 4231 test case 6: a key longer than the block size is hashed first. */
static void test_hmac_long_key(void **state)
{
	unsigned char key[131], d[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";

	(void)state;
	memset(key, 0xaa, sizeof(key));
	hmac_sha256(key, sizeof(key), msg, strlen(msg), d);
	hex_encode(d, SHA256_LEN, hex);
	assert_string_equal(hex,
	                    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_limit),      cmocka_unit_test(test_buf_take_and_big_printf),
	    cmocka_unit_test(test_kvlist),         cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_sha256_vectors), cmocka_unit_test(test_hmac_long_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
