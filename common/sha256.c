/* sha256.c - SHA-256 and HMAC-SHA-256, with the x86 SHA extensions when the
 * CPU has them (chosen at run time) and portable C otherwise. */
#include "sha256.h"
#include "sha256_impl.h"

#include <string.h>

static const uint32_t k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* The portable block function: nblocks 64-byte blocks from p into h. */
static void blocks_portable(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	uint32_t w[64], a, b, cc, d, e, f, g, hh, t1, t2;
	int i;

	for (; nblocks > 0; nblocks--, p += 64) {
		for (i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
		for (i = 16; i < 64; i++)
			w[i] = w[i - 16] +
			       (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
			       w[i - 7] +
			       (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
		a = h[0], b = h[1], cc = h[2], d = h[3];
		e = h[4], f = h[5], g = h[6], hh = h[7];
		for (i = 0; i < 64; i++) {
			t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) +
			     k[i] + w[i];
			t2 =
			    (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
			hh = g, g = f, f = e, e = d + t1;
			d = cc, cc = b, b = a, a = t1 + t2;
		}
		h[0] += a, h[1] += b, h[2] += cc, h[3] += d;
		h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
	}
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>

/* The same with the x86 SHA extensions. Only this function is compiled for
 * them (the target attribute), so the file needs no -msha and the rest runs
 * on any x86-64; it is called only after shani_usable() said yes.
 *
 * sha256rnds2 does two rounds on the state held as two vectors, ABEF and
 * CDGH (A in the top 32 bits), with W[t] + K[t] of the two rounds in the low
 * 64 bits of its third operand; its result is the new ABEF, and the old ABEF
 * is the new CDGH. The schedule keeps W[t..t+15] in four vectors, W[t] in
 * the lowest lane of m0: sha256msg1 adds sigma0 of the next word to four
 * words, sha256msg2 adds sigma1 of the two before (W[t-7..t-4] is added in
 * between, cut out of m2:m3 with palignr). */
/* An unaligned 16-byte load (the cast through void * keeps -Wcast-align quiet). */
#define LOADU(q) _mm_loadu_si128((const __m128i *)(const void *)(q))

__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_shani(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	/* pshufb mask: each 32-bit word from big- to little-endian. */
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i abef, cdgh, t, m0, m1, m2, m3, next, wk, abef0, cdgh0;
	int r;

	/* h[0..3] = A B C D and h[4..7] = E F G H; lanes below are listed lowest
	 * first. */
	t = _mm_shuffle_epi32(LOADU(&h[0]), 0xB1);
	cdgh = _mm_shuffle_epi32(LOADU(&h[4]), 0x1B);
	abef = _mm_alignr_epi8(t, cdgh, 8); /* lanes F E B A */
	cdgh = _mm_blend_epi16(cdgh, t, 0xF0); /* lanes H G D C */

	for (; nblocks > 0; nblocks--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		m0 = _mm_shuffle_epi8(LOADU(p), bswap);
		m1 = _mm_shuffle_epi8(LOADU(p + 16), bswap);
		m2 = _mm_shuffle_epi8(LOADU(p + 32), bswap);
		m3 = _mm_shuffle_epi8(LOADU(p + 48), bswap);
		for (r = 0; r < 16; r++) {
			/* Rounds 4r .. 4r+3 with m0 = W[4r..4r+3]. */
			wk = _mm_add_epi32(m0, LOADU(&k[4 * r]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
			if (r < 12) {
				/* W[4r+16..4r+19] from W[4r..4r+15]. */
				next = _mm_sha256msg1_epu32(m0, m1);
				next = _mm_add_epi32(next, _mm_alignr_epi8(m3, m2, 4));
				next = _mm_sha256msg2_epu32(next, m3);
				m0 = m1, m1 = m2, m2 = m3, m3 = next;
			} else {
				m0 = m1, m1 = m2, m2 = m3;
			}
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}

	t = _mm_shuffle_epi32(abef, 0x1B); /* lanes A B E F */
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1); /* lanes G H C D */
	abef = _mm_blend_epi16(t, cdgh, 0xF0); /* lanes A B C D */
	cdgh = _mm_alignr_epi8(cdgh, t, 8); /* lanes E F G H */
	_mm_storeu_si128((__m128i *)(void *)&h[0], abef);
	_mm_storeu_si128((__m128i *)(void *)&h[4], cdgh);
}

/* CPUID: leaf 1 ECX bit 9 SSSE3 and bit 19 SSE4.1, leaf 7 subleaf 0 EBX bit
 * 29 SHA. (XMM state needs no OS check: every x86-64 OS saves it.) */
static int shani_usable(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19)))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & (1u << 29)) != 0;
}

/* The choice: 0 until the first hash, then SHA256_IMPL_PORTABLE or
 * SHA256_IMPL_SHANI. It is made lazily, without a lock, pthread_once or a
 * constructor (the Windows agent has no pthreads): threads hashing for the
 * first time at once may each run CPUID, and each stores the same value.
 * Relaxed __atomic loads and stores make that a benign race rather than a
 * data race in the C11 sense (and keep ThreadSanitizer quiet); they compile
 * to plain moves. No other memory is published through this variable. */
static int impl_choice;

static int impl_get(void)
{
	int v = __atomic_load_n(&impl_choice, __ATOMIC_RELAXED);

	if (v == 0) {
		v = shani_usable() ? SHA256_IMPL_SHANI : SHA256_IMPL_PORTABLE;
		__atomic_store_n(&impl_choice, v, __ATOMIC_RELAXED);
	}
	return v;
}

int sha256_impl_force(int which)
{
	if (which == SHA256_IMPL_SHANI && !shani_usable())
		return -1;
	if (which != SHA256_IMPL_AUTO && which != SHA256_IMPL_PORTABLE &&
	    which != SHA256_IMPL_SHANI)
		return -1;
	__atomic_store_n(&impl_choice, which, __ATOMIC_RELAXED);
	return 0;
}

int sha256_impl_active(void)
{
	return impl_get();
}
#else
/* No SHA-NI code in this build: always the portable one. */
int sha256_impl_force(int which)
{
	return which == SHA256_IMPL_AUTO || which == SHA256_IMPL_PORTABLE ? 0 : -1;
}

int sha256_impl_active(void)
{
	return SHA256_IMPL_PORTABLE;
}
#endif

/* Hashes nblocks whole 64-byte blocks from p into h. */
static void blocks(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
#ifdef HAVE_SHANI
	if (impl_get() == SHA256_IMPL_SHANI) {
		blocks_shani(h, p, nblocks);
		return;
	}
#endif
	blocks_portable(h, p, nblocks);
}

void sha256_init(struct sha256 *c)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->used = 0;
}

/* Whole blocks are hashed straight from data; only a partial block (the
 * start, to fill what an earlier call left, and the tail) goes through
 * c->block. */
void sha256_update(struct sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t take, n;

	if (len == 0)
		return;
	c->total += len;
	if (c->used > 0) {
		take = 64 - c->used < len ? 64 - c->used : len;
		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		len -= take;
		if (c->used < 64)
			return;
		blocks(c->h, c->block, 1);
		c->used = 0;
	}
	n = len / 64;
	if (n > 0) {
		blocks(c->h, p, n);
		p += 64 * n;
		len -= 64 * n;
	}
	if (len > 0) {
		memcpy(c->block, p, len);
		c->used = len;
	}
}

/* Pads with 0x80, zeros and the message length in bits (big-endian) to a
 * whole block, or two when fewer than 9 bytes are left in this one. */
void sha256_final(struct sha256 *c, unsigned char out[SHA256_LEN])
{
	uint64_t bits = c->total * 8;
	int i;

	c->block[c->used++] = 0x80;
	if (c->used > 56) {
		memset(c->block + c->used, 0, 64 - c->used);
		blocks(c->h, c->block, 1);
		c->used = 0;
	}
	memset(c->block + c->used, 0, 56 - c->used);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	blocks(c->h, c->block, 1);
	c->used = 0;
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, out);
}

void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
                 unsigned char out[SHA256_LEN])
{
	unsigned char k0[64] = {0}, pad[64], inner[SHA256_LEN];
	struct sha256 c;
	int i;

	if (keylen > 64)
		sha256(key, keylen, k0);
	else
		memcpy(k0, key, keylen);
	for (i = 0; i < 64; i++)
		pad[i] = k0[i] ^ 0x36;
	sha256_init(&c);
	sha256_update(&c, pad, 64);
	sha256_update(&c, msg, msglen);
	sha256_final(&c, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k0[i] ^ 0x5c;
	sha256_init(&c);
	sha256_update(&c, pad, 64);
	sha256_update(&c, inner, SHA256_LEN);
	sha256_final(&c, out);
}

void hex_encode(const unsigned char *bin, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[bin[i] >> 4];
		hex[2 * i + 1] = digits[bin[i] & 15];
	}
	hex[2 * len] = '\0';
}
