/* test_common.c - buffers, key/value lists, UTF-8, SHA-256 (both block
 * functions: portable C and SHA-NI) and HMAC. */
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
#include "sha256_impl.h"
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

static void hex_digest(const void *data, size_t len, char hex[2 * SHA256_LEN + 1])
{
	unsigned char d[SHA256_LEN];

	sha256(data, len, d);
	hex_encode(d, SHA256_LEN, hex);
}

/* Switches to implementation which, or skips the test (with a message)
 * when this build or CPU does not have it: never a silent pass. */
static void use_impl(int which)
{
	if (sha256_impl_force(which) != 0) {
		print_message("sha256: no SHA-NI in this build or on this CPU (or under valgrind, "
		              "which hides it): skipped\n");
		skip();
	}
	assert_int_equal(sha256_impl_active(), which);
}

static int impl_auto(void **state)
{
	(void)state;
	return sha256_impl_force(SHA256_IMPL_AUTO);
}

/* FIPS 180-2 appendix B, RFC 4231 test case 2, and the lengths around the
 * block and padding boundaries of the bytes i % 251 (digests from Python's
 * hashlib: python3 -c 'import hashlib; print(hashlib.sha256(bytes(i % 251
 * for i in range(N))).hexdigest())'). */
static void check_vectors(void)
{
	static const struct {
		size_t len;
		const char *hex;
	} pat[] = {
	    {0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	    {1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"},
	    {55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"},
	    {56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"},
	    {57, "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f"},
	    {63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"},
	    {64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"},
	    {65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"},
	    {119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"},
	    {120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"},
	    {127, "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976"},
	    {128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"},
	    {129, "5099c6a56203f9687f7d33f4bfdf576d31dc91f6b695ecea38b2770c87631135"},
	    {1000, "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d"},
	    {4096, "d67c656e01756650d77717b0839985a056ec28ffe174601d690fc407a2ceffca"},
	};
	unsigned char d[SHA256_LEN], buf[4096];
	char hex[2 * SHA256_LEN + 1];
	struct sha256 c;
	size_t i;
	char *million;

	hex_digest("abc", 3, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* One million 'a': a byte per update (the buffered path), then at once. */
	sha256_init(&c);
	for (i = 0; i < 1000000; i++)
		sha256_update(&c, "a", 1);
	sha256_final(&c, d);
	hex_encode(d, SHA256_LEN, hex);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	million = malloc(1000000);
	assert_non_null(million);
	memset(million, 'a', 1000000);
	hex_digest(million, 1000000, hex);
	free(million);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
	hex_encode(d, SHA256_LEN, hex);
	assert_string_equal(hex,
	                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i % 251);
	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++) {
		hex_digest(buf, pat[i].len, hex);
		assert_string_equal(hex, pat[i].hex);
	}
}

static void test_sha256_vectors(void **state)
{
	(void)state;
	use_impl(SHA256_IMPL_PORTABLE);
	check_vectors();
}

static void test_sha256_vectors_shani(void **state)
{
	(void)state;
	use_impl(SHA256_IMPL_SHANI);
	check_vectors();
}

/* xorshift64: a fixed sequence, so that a failure can be replayed. */
static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Hashes p[0..len) with update() calls cut at random points. */
static void split_digest(const unsigned char *p, size_t len, uint64_t *s,
                         unsigned char out[SHA256_LEN])
{
	struct sha256 c;
	size_t take;

	sha256_init(&c);
	while (len > 0) {
		take = (size_t)(rnd_next(s) % 4 == 0 ? rnd_next(s) % (len + 1)
		                                     : rnd_next(s) % (len < 130 ? len + 1 : 130));
		sha256_update(&c, p, take);
		p += take;
		len -= take;
	}
	sha256_final(&c, out);
}

/* Random lengths 0..4096 at random offsets (unaligned input), cut into
 * update() calls at random points: the portable digest in one call, the
 * portable and the SHA-NI digests of two different cuts must all agree. */
static void test_sha256_portable_vs_shani(void **state)
{
	static unsigned char buf[4096 + 16];
	unsigned char one[SHA256_LEN], port[SHA256_LEN], ni[SHA256_LEN];
	uint64_t s = 0x9e3779b97f4a7c15u;
	size_t i, len, off;
	int round;

	(void)state;
	use_impl(SHA256_IMPL_SHANI);
	for (round = 0; round < 2000; round++) {
		len = (size_t)(rnd_next(&s) % 4097);
		off = (size_t)(rnd_next(&s) % 16);
		for (i = 0; i < len; i++)
			buf[off + i] = (unsigned char)rnd_next(&s);
		assert_int_equal(sha256_impl_force(SHA256_IMPL_PORTABLE), 0);
		sha256(buf + off, len, one);
		split_digest(buf + off, len, &s, port);
		assert_int_equal(sha256_impl_force(SHA256_IMPL_SHANI), 0);
		split_digest(buf + off, len, &s, ni);
		if (memcmp(one, port, SHA256_LEN) != 0 || memcmp(one, ni, SHA256_LEN) != 0)
			fail_msg("round %d: length %zu offset %zu: digests differ", round, len,
			         off);
	}
}

/* A forced choice that cannot be honoured changes nothing; AUTO detects. */
static void test_sha256_impl_force(void **state)
{
	(void)state;
	assert_int_equal(sha256_impl_force(SHA256_IMPL_PORTABLE), 0);
	assert_int_equal(sha256_impl_active(), SHA256_IMPL_PORTABLE);
	assert_int_equal(sha256_impl_force(7), -1);
	assert_int_equal(sha256_impl_active(), SHA256_IMPL_PORTABLE);
	if (sha256_impl_force(SHA256_IMPL_SHANI) != 0)
		assert_int_equal(sha256_impl_active(), SHA256_IMPL_PORTABLE);
	assert_int_equal(sha256_impl_force(SHA256_IMPL_AUTO), 0);
	print_message("sha256: this machine uses the %s block function\n",
	              sha256_impl_active() == SHA256_IMPL_SHANI ? "SHA-NI" : "portable");
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
	    cmocka_unit_test(test_buf_limit),
	    cmocka_unit_test(test_buf_take_and_big_printf),
	    cmocka_unit_test(test_kvlist),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test_teardown(test_sha256_vectors, impl_auto),
	    cmocka_unit_test_teardown(test_sha256_vectors_shani, impl_auto),
	    cmocka_unit_test_teardown(test_sha256_portable_vs_shani, impl_auto),
	    cmocka_unit_test_teardown(test_sha256_impl_force, impl_auto),
	    cmocka_unit_test(test_hmac_long_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
