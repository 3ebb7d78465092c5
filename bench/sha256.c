/* sha256.c - SHA-256 throughput of the portable and the SHA-NI block
 * functions (common/sha256.c) on 100 KB buffers, the size of a software
 * list the collector digests per report: in one sha256() call, and in
 * sha256_update() calls of 24 bytes, as the collector and the agent feed
 * the list's fields one by one (collector/ingest.c, agent/inventory.c).
 *
 *   sha256 [ROUNDS]   (default 15)
 *
 * Each round hashes the buffer for at least 0.1 s per implementation and
 * way of calling, the implementations alternating so that a change in the machine's load
 * touches both alike; the figure is the median over the rounds, in MB/s
 * (10^6 bytes), and the SHA-NI/portable ratio. Exits 1 when the two digests
 * differ. Without SHA-NI (another CPU, or under valgrind) only the portable
 * figure is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sha256.h"
#include "sha256_impl.h"

#define BUF_LEN (100 * 1000)
#define MAX_ROUNDS 101
#define FIELD 24

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hashes buf in update() calls of chunk bytes (0: in one sha256() call). */
static void hash(const unsigned char *buf, size_t chunk, unsigned char out[SHA256_LEN])
{
	struct sha256 c;
	size_t off;

	if (chunk == 0) {
		sha256(buf, BUF_LEN, out);
		return;
	}
	sha256_init(&c);
	for (off = 0; off < BUF_LEN; off += chunk)
		sha256_update(&c, buf + off, BUF_LEN - off < chunk ? BUF_LEN - off : chunk);
	sha256_final(&c, out);
}

/* MB/s of hash() with implementation which, for >= 0.1 s. */
static double rate(int which, const unsigned char *buf, size_t chunk, unsigned char out[SHA256_LEN])
{
	double start = now(), t;
	long n = 0;

	if (sha256_impl_force(which) != 0)
		return 0;
	do {
		hash(buf, chunk, out);
		n++;
		t = now() - start;
	} while (t < 0.1);
	return (double)n * BUF_LEN / t / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Measures and prints one way of calling; returns 1 when the digests differ. */
static int report(const unsigned char *buf, size_t chunk, int rounds, int have_ni)
{
	static double port[MAX_ROUNDS], ni[MAX_ROUNDS];
	unsigned char dport[SHA256_LEN], dni[SHA256_LEN];
	int i;

	for (i = 0; i < rounds; i++) {
		port[i] = rate(SHA256_IMPL_PORTABLE, buf, chunk, dport);
		if (have_ni)
			ni[i] = rate(SHA256_IMPL_SHANI, buf, chunk, dni);
	}
	if (have_ni && memcmp(dport, dni, SHA256_LEN) != 0) {
		fprintf(stderr, "sha256: the portable and SHA-NI digests differ\n");
		return 1;
	}
	qsort(port, (size_t)rounds, sizeof(port[0]), cmp_double);
	qsort(ni, (size_t)rounds, sizeof(ni[0]), cmp_double);
	if (chunk == 0)
		printf("one sha256() call:\n");
	else
		printf("sha256_update() calls of %zu bytes:\n", chunk);
	printf("  portable  %8.1f MB/s\n", port[rounds / 2]);
	if (have_ni) {
		printf("  SHA-NI    %8.1f MB/s\n", ni[rounds / 2]);
		printf("  ratio SHA-NI / portable: %.2f\n", ni[rounds / 2] / port[rounds / 2]);
	} else {
		printf("  SHA-NI    not available (this build or CPU, or under valgrind)\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char buf[BUF_LEN];
	unsigned long x = 12345;
	int rounds = 15, i, have_ni, bad;

	if (argc > 1) {
		rounds = atoi(argv[1]);
		if (rounds < 1 || rounds > MAX_ROUNDS) {
			fprintf(stderr, "sha256: ROUNDS must be 1..%d\n", MAX_ROUNDS);
			return 2;
		}
	}
	for (i = 0; i < BUF_LEN; i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (unsigned char)(x >> 16);
	}
	have_ni = sha256_impl_force(SHA256_IMPL_SHANI) == 0;
	printf(
	    "SHA-256 of a %d-byte buffer, median MB/s (10^6 bytes/s) of %d rounds of >= 0.1 s:\n",
	    BUF_LEN, rounds);
	bad = report(buf, 0, rounds, have_ni) || report(buf, FIELD, rounds, have_ni);
	sha256_impl_force(SHA256_IMPL_AUTO);
	return bad;
}
