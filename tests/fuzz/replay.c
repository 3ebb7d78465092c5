/* replay.c - main() of the replay programs: a fuzz target built with the
 * project's compiler (gcc, plain or SANITIZE=1) instead of libFuzzer, run on
 * given input files. tests/e2e/t180-fuzz-regress.sh runs them on the
 * regression inputs of tests/fixtures/fuzz/<target>/, so that every crash
 * the fuzzers found stays fixed in every build, with or without clang.
 *
 * Usage: replay_<target> FILE...; prints one line per file and exits 0, or
 * dies as the target would under libFuzzer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"

/* Defined only by the targets that need one-time setup. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static unsigned char *read_all(const char *path, size_t *len)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		exit(66);
	}
	buf_init(&b, (size_t)64 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(&b, chunk, n) != FC_OK) {
			fprintf(stderr, "%s: larger than 64 MiB\n", path);
			exit(66);
		}
	}
	if (ferror(f)) {
		perror(path);
		exit(66);
	}
	fclose(f);
	return (unsigned char *)buf_take(&b, len);
}

int main(int argc, char **argv)
{
	unsigned char *text, *data;
	size_t len;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 64;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		text = read_all(argv[i], &len);
		data = malloc(len ? len : 1); /* exactly len bytes, as libFuzzer gives */
		if (!data)
			abort();
		memcpy(data, text, len);
		free(text);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		printf("replayed %s (%zu bytes)\n", argv[i], len);
	}
	return 0;
}
