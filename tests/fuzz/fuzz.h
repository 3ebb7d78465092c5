/* fuzz.h - what the fuzz targets (tests/fuzz/fuzz_*.c) share.
 *
 * Each target defines LLVMFuzzerTestOneInput (and, when it needs one-time
 * setup, LLVMFuzzerInitialize) and is linked with libFuzzer, ASan and UBSan
 * by mk/fuzz.mk. A target calls abort() (through FUZZ_CHECK) when a function
 * breaks its documented contract, so that libFuzzer records the input as a
 * crash. How to run them: docs/testing.md. */
#ifndef FC_TESTS_FUZZ_FUZZ_H
#define FC_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "fc_rc.h"
#include "agent/pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with the condition's text, file and line when cond is false. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(__FILE__, __LINE__, #cond);                                      \
	} while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *what);

/* A NUL-terminated heap copy of the size bytes at data; the caller frees it. */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* An anonymous in-memory file (memfd) holding the size bytes at data, its
 * offset at 0; the caller closes it. Aborts when it cannot be made. */
int fuzz_memfd(const uint8_t *data, size_t size);

/* A private directory on tmpfs (/dev/shm, else $TMPDIR or /tmp), made on the
 * first call and removed with its files at exit. The result is static. */
const char *fuzz_tmpdir(void);

/* Writes the size bytes at data to path (created or truncated). Aborts when
 * it cannot. */
void fuzz_write_file(const char *path, const uint8_t *data, size_t size);

/* An fc_pkg_cb for every package reader; ctx is NULL or a size_t counter.
 * Checks the fc_pkg contract of pkg.h (no NULL field, a non-empty name,
 * fields at most PKG_MAX_FIELD bytes, the expected from) and reads every
 * byte, so that ASan sees a string that is not terminated. */
enum fc_rc fuzz_pkg_cb(const struct fc_pkg *pkg, void *ctx);

/* Checks the err contract of the parsers: "" on FC_OK, one non-empty line
 * shorter than FC_ERRLEN otherwise. */
void fuzz_check_err(enum fc_rc rc, const char *err);

#endif
