/* test_gzip.c - gzip_compress and the bounded gzip_decompress. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define ZLIB_CONST
#include <zlib.h>

#include "buf.h"
#include "gzip.h"

#define BIG ((size_t)256 << 20)
#define MIB ((size_t)1 << 20)
#define BOMB_CHUNK 65536

static const char text[] = "{\"deviceid\":\"host-2024-01-01-00-00-00\",\"content\":{\"softwares\":"
                           "[{\"name\":\"bash\",\"version\":\"5.2.15-2+b2\"},"
                           "{\"name\":\"coreutils\",\"version\":\"9.1-1\"}]}}";

/* Fills p with n bytes that compress a little, from a fixed seed. */
static void fill_pseudo(unsigned char *p, size_t n)
{
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (unsigned char)((x >> 16) % 40 + 'A');
	}
}

static void gz(const void *in, size_t len, struct buf *out)
{
	buf_init(out, BIG);
	assert_int_equal(gzip_compress(in, len, out), FC_OK);
}

/* A zlib (RFC 1950) stream of in, the HTTP "deflate" coding. */
static void zlib_stream(const void *in, size_t len, struct buf *out)
{
	uLongf n = compressBound(len);
	unsigned char *z = malloc(n);

	assert_non_null(z);
	assert_int_equal(compress2(z, &n, in, len, 6), Z_OK);
	buf_init(out, BIG);
	assert_int_equal(buf_add(out, z, n), FC_OK);
	free(z);
}

static void expect_decoded(const struct buf *z, const void *want, size_t len)
{
	char err[FC_ERRLEN] = "";
	struct buf out;

	buf_init(&out, BIG);
	assert_int_equal(gzip_decompress(z->ptr, z->len, len, &out, err), FC_OK);
	assert_int_equal(out.len, len);
	if (len)
		assert_memory_equal(out.ptr, want, len);
	buf_release(&out);
}

static enum fc_rc decode_rc(const void *in, size_t len, size_t max_out)
{
	char err[FC_ERRLEN] = "";
	struct buf out;
	enum fc_rc rc;

	buf_init(&out, BIG);
	assert_int_equal(buf_addstr(&out, "old contents"), FC_OK);
	rc = gzip_decompress(in, len, max_out, &out, err);
	if (rc) {
		assert_null(out.ptr); /* emptied on failure */
		assert_int_equal(out.len, 0);
		assert_true(err[0] != '\0');
	}
	buf_release(&out);
	return rc;
}

static void test_roundtrip_text(void **state)
{
	struct buf z;

	(void)state;
	gz(text, strlen(text), &z);
	assert_true(z.len > 18);
	assert_int_equal((unsigned char)z.ptr[0], 0x1f); /* gzip magic, deflate */
	assert_int_equal((unsigned char)z.ptr[1], 0x8b);
	assert_int_equal(z.ptr[2], 8);
	expect_decoded(&z, text, strlen(text));
	buf_release(&z);
}

static void test_roundtrip_empty(void **state)
{
	struct buf z;

	(void)state;
	gz("", 0, &z);
	assert_int_equal((unsigned char)z.ptr[0], 0x1f);
	expect_decoded(&z, "", 0);
	buf_release(&z);
}

static void test_roundtrip_large(void **state)
{
	size_t n = 5 * MIB + 17;
	unsigned char *data = malloc(n);
	struct buf z, z2;

	(void)state;
	assert_non_null(data);
	fill_pseudo(data, n);
	gz(data, n, &z);
	assert_true(z.len < n);
	expect_decoded(&z, data, n);
	gz(data, n, &z2); /* no timestamp: the same input gives the same bytes */
	assert_int_equal(z.len, z2.len);
	assert_memory_equal(z.ptr, z2.ptr, z.len);
	buf_release(&z);
	buf_release(&z2);
	free(data);
}

static void test_compress_replaces_and_limits(void **state)
{
	unsigned char data[4096];
	struct buf z;

	(void)state;
	fill_pseudo(data, sizeof(data));
	buf_init(&z, 100);
	assert_int_equal(buf_addstr(&z, "stale"), FC_OK);
	assert_int_equal(gzip_compress(data, sizeof(data), &z), FC_ELIMIT);
	assert_null(z.ptr);
	assert_int_equal(z.len, 0);
	z.max = BIG;
	assert_int_equal(buf_addstr(&z, "stale"), FC_OK);
	assert_int_equal(gzip_compress(text, strlen(text), &z), FC_OK);
	assert_int_equal((unsigned char)z.ptr[0], 0x1f);
	expect_decoded(&z, text, strlen(text));
	buf_release(&z);
}

static void test_zlib_stream(void **state)
{
	struct buf z;

	(void)state;
	zlib_stream(text, strlen(text), &z);
	assert_int_equal((unsigned char)z.ptr[0], 0x78);
	expect_decoded(&z, text, strlen(text));
	z.ptr[z.len - 1] ^= 0x01; /* Adler-32 */
	assert_int_equal(decode_rc(z.ptr, z.len, BIG), FC_EPARSE);
	buf_release(&z);
}

static void test_raw_deflate_rejected(void **state)
{
	unsigned char out[512];
	z_stream zs;

	(void)state;
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (const Bytef *)text;
	zs.avail_in = (uInt)strlen(text);
	zs.next_out = out;
	zs.avail_out = sizeof(out);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(decode_rc(out, sizeof(out) - zs.avail_out, BIG), FC_EPARSE);
	deflateEnd(&zs);
}

static void test_members_and_trailing_data(void **state)
{
	struct buf a, b, both;

	(void)state;
	gz("first,", 6, &a);
	gz("second", 6, &b);
	buf_init(&both, BIG);
	assert_int_equal(buf_add(&both, a.ptr, a.len), FC_OK);
	assert_int_equal(buf_add(&both, b.ptr, b.len), FC_OK);
	expect_decoded(&both, "first,second", 12);
	assert_int_equal(decode_rc(both.ptr, both.len, 11), FC_ELIMIT);
	assert_int_equal(buf_addc(&both, '\n'), FC_OK);
	assert_int_equal(decode_rc(both.ptr, both.len, BIG), FC_EPARSE);
	assert_int_equal(decode_rc(both.ptr, a.len + 1, BIG), FC_EPARSE);
	buf_release(&a);
	buf_release(&b);
	buf_release(&both);
}

static void test_limit_exact(void **state)
{
	size_t n = 100000;
	unsigned char *data = malloc(n);
	struct buf z, out;
	char err[FC_ERRLEN];

	(void)state;
	assert_non_null(data);
	fill_pseudo(data, n);
	gz(data, n, &z);
	assert_int_equal(decode_rc(z.ptr, z.len, n), FC_OK);
	assert_int_equal(decode_rc(z.ptr, z.len, n - 1), FC_ELIMIT);
	assert_int_equal(decode_rc(z.ptr, z.len, 0), FC_ELIMIT);
	buf_init(&out, n - 1); /* the buffer's own maximum counts too */
	assert_int_equal(gzip_decompress(z.ptr, z.len, n, &out, err), FC_ELIMIT);
	assert_null(out.ptr);
	buf_release(&z);
	gz("", 0, &z);
	assert_int_equal(decode_rc(z.ptr, z.len, 0), FC_OK);
	buf_release(&z);
	free(data);
}

static void test_truncated(void **state)
{
	struct buf g, z;
	size_t i;

	(void)state;
	gz(text, strlen(text), &g);
	zlib_stream(text, strlen(text), &z);
	for (i = 0; i < g.len; i++)
		assert_int_equal(decode_rc(g.ptr, i, BIG), FC_EPARSE);
	for (i = 0; i < z.len; i++)
		assert_int_equal(decode_rc(z.ptr, i, BIG), FC_EPARSE);
	assert_int_equal(decode_rc(NULL, 0, BIG), FC_EPARSE);
	buf_release(&g);
	buf_release(&z);
}

/* Flips bits at offset off (from the end when negative) of a gzip stream. */
static enum fc_rc decode_flipped(const struct buf *g, long off, unsigned char bits)
{
	char *copy = malloc(g->len);
	size_t at = off < 0 ? g->len - (size_t)-off : (size_t)off;
	enum fc_rc rc;

	assert_non_null(copy);
	memcpy(copy, g->ptr, g->len);
	copy[at] = (char)(copy[at] ^ bits);
	rc = decode_rc(copy, g->len, BIG);
	free(copy);
	return rc;
}

static void test_corrupt(void **state)
{
	struct buf g;

	(void)state;
	gz(text, strlen(text), &g);
	assert_int_equal(decode_flipped(&g, 0, 0xff), FC_EPARSE); /* magic */
	assert_int_equal(decode_flipped(&g, 2, 0x01), FC_EPARSE); /* method */
	assert_int_equal(decode_flipped(&g, 14, 0x10), FC_EPARSE); /* deflate data */
	assert_int_equal(decode_flipped(&g, -8, 0x01), FC_EPARSE); /* CRC-32 */
	assert_int_equal(decode_flipped(&g, -4, 0x01), FC_EPARSE); /* ISIZE */
	assert_int_equal(decode_rc("not compressed at all", 21, BIG), FC_EPARSE);
	buf_release(&g);
}

static void put_le32(struct buf *b, uint32_t v)
{
	unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                       (unsigned char)(v >> 24)};

	assert_int_equal(buf_add(b, le, 4), FC_OK);
}

/* Builds a gzip stream of chunks * 64 KiB zeros without ever holding them:
 * one 64 KiB chunk is deflated with a full flush (byte-aligned, no reference
 * to earlier data), so its bytes can be repeated; the CRC comes from
 * crc32_combine. 16384 chunks make a 1 GiB bomb of about 2 MiB. */
static void make_bomb(size_t chunks, struct buf *out)
{
	static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3};
	static unsigned char zeros[BOMB_CHUNK];
	unsigned char blk[4096], fin[64];
	size_t blklen, i;
	uLong crc = crc32(0L, Z_NULL, 0), c0 = crc32(0L, zeros, BOMB_CHUNK);
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = zeros;
	zs.avail_in = BOMB_CHUNK;
	zs.next_out = blk;
	zs.avail_out = sizeof(blk);
	assert_int_equal(deflate(&zs, Z_FULL_FLUSH), Z_OK);
	assert_int_equal(zs.avail_in, 0);
	blklen = sizeof(blk) - zs.avail_out;
	zs.next_out = fin;
	zs.avail_out = sizeof(fin);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	buf_init(out, BIG);
	assert_int_equal(buf_add(out, head, sizeof(head)), FC_OK);
	for (i = 0; i < chunks; i++) {
		assert_int_equal(buf_add(out, blk, blklen), FC_OK);
		crc = crc32_combine(crc, c0, BOMB_CHUNK);
	}
	assert_int_equal(buf_add(out, fin, sizeof(fin) - zs.avail_out), FC_OK);
	put_le32(out, (uint32_t)crc);
	put_le32(out, (uint32_t)(chunks * BOMB_CHUNK));
	deflateEnd(&zs);
}

static void test_bomb_construction(void **state)
{
	unsigned char *zeros = calloc(1, 16 * BOMB_CHUNK);
	struct buf b;

	(void)state;
	assert_non_null(zeros);
	make_bomb(16, &b); /* the same construction, small enough to inflate */
	expect_decoded(&b, zeros, 16 * BOMB_CHUNK);
	buf_release(&b);
	free(zeros);
}

static void test_bomb_stops_at_limit(void **state)
{
	struct buf b;

	(void)state;
	make_bomb(16384, &b);
	assert_true(b.len < 4 * MIB);
	assert_int_equal(decode_rc(b.ptr, b.len, MIB), FC_ELIMIT);
	assert_int_equal(decode_rc(b.ptr, b.len, 0), FC_ELIMIT);
	buf_release(&b);
}

/* Data memory of this process in bytes, from /proc/self/status; 0 if unknown. */
static size_t vm_data(void)
{
	char line[256];
	size_t kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmData: %zu kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb * 1024;
}

/* In a child limited to 384 MiB more data memory than it has (room for
 * sanitizer quarantine), a 1 GiB bomb with a 16 MiB limit must end in
 * FC_ELIMIT: an allocation anywhere near the bomb's size would abort the
 * child instead. The child uses no cmocka
 * assertions (a failure there would run the rest of the suite in it). */
static int bomb_child(const struct buf *b)
{
	char err[FC_ERRLEN];
	struct buf out;
	struct rlimit rl;
	size_t data = vm_data();
	enum fc_rc rc;

	rl.rlim_cur = rl.rlim_max = data + 384 * MIB;
	if (data == 0 || setrlimit(RLIMIT_DATA, &rl) != 0)
		return 2;
	buf_init(&out, BIG);
	rc = gzip_decompress(b->ptr, b->len, 16 * MIB, &out, err);
	return rc == FC_ELIMIT && out.ptr == NULL ? 0 : 1;
}

static void test_bomb_memory_bounded(void **state)
{
	struct buf b;
	pid_t pid;
	int status;

	(void)state;
	make_bomb(16384, &b);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(bomb_child(&b));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	buf_release(&b);
	assert_true(WIFEXITED(status)); /* not killed by abort() */
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip_text),
	    cmocka_unit_test(test_roundtrip_empty),
	    cmocka_unit_test(test_roundtrip_large),
	    cmocka_unit_test(test_compress_replaces_and_limits),
	    cmocka_unit_test(test_zlib_stream),
	    cmocka_unit_test(test_raw_deflate_rejected),
	    cmocka_unit_test(test_members_and_trailing_data),
	    cmocka_unit_test(test_limit_exact),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_corrupt),
	    cmocka_unit_test(test_bomb_construction),
	    cmocka_unit_test(test_bomb_stops_at_limit),
	    cmocka_unit_test(test_bomb_memory_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
