/* sha256_impl.h - which SHA-256 block function common/sha256.c uses. For the
 * unit tests and bench/sha256.c only: the program itself never calls these,
 * sha256.c chooses on its own the first time it hashes (the SHA extensions
 * when this is an x86-64 build by GCC or clang and the CPU has them, else
 * the portable C code). */
#ifndef FC_COMMON_SHA256_IMPL_H
#define FC_COMMON_SHA256_IMPL_H

enum {
	SHA256_IMPL_AUTO = 0, /* forget a forced choice: detect again */
	SHA256_IMPL_PORTABLE = 1, /* the C code, on every platform */
	SHA256_IMPL_SHANI = 2 /* sha256rnds2/msg1/msg2 (x86-64 with SHA-NI) */
};

/* Makes every later hash use implementation which (SHA256_IMPL_*), in every
 * thread. Returns 0, or -1 (and changes nothing) when which is unknown or
 * cannot run in this build or on this CPU. Both give the same digests, so a
 * switch while another thread is hashing is harmless. */
int sha256_impl_force(int which);
/* The implementation in use now: SHA256_IMPL_PORTABLE or SHA256_IMPL_SHANI. */
int sha256_impl_active(void);

#endif
