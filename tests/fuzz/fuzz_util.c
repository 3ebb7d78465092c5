/* fuzz_util.c - helpers the fuzz targets share (fuzz.h). */
#include "fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xalloc.h"

void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "fuzz: %s:%d: check failed: %s\n", file, line, what);
	abort();
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int fuzz_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t done = 0;
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "fuzz: memfd_create: %s\n", strerror(errno));
		abort();
	}
	while (done < size) {
		n = write(fd, data + done, size - done);
		if (n <= 0) {
			fprintf(stderr, "fuzz: writing the memfd: %s\n", strerror(errno));
			abort();
		}
		done += (size_t)n;
	}
	return fd;
}

static char tmpdir[256];

static void tmpdir_remove(void)
{
	char cmd[300];

	if (!tmpdir[0] || getenv("FC_FUZZ_KEEP"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: cannot remove '%s'\n", tmpdir);
}

const char *fuzz_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tmpdir[0])
		return tmpdir;
	if (access("/dev/shm", W_OK) == 0)
		base = "/dev/shm";
	else if (!base || !*base)
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/fc-fuzz.XXXXXX", base);
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "fuzz: cannot make '%s': %s\n", tmpdir, strerror(errno));
		abort();
	}
	atexit(tmpdir_remove);
	return tmpdir;
}

void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		fprintf(stderr, "fuzz: cannot write '%s': %s\n", path, strerror(errno));
		abort();
	}
}

/* Reads every byte of s up to its NUL and returns the length. */
static size_t touch(const char *s)
{
	volatile char sink = 0;
	size_t n = 0;

	for (; s[n]; n++)
		sink ^= s[n];
	(void)sink;
	return n;
}

enum fc_rc fuzz_pkg_cb(const struct fc_pkg *pkg, void *ctx)
{
	static const char *const froms[] = {"deb", "rpm", "apk", "pacman", "registry"};
	size_t i;
	int known = 0;

	FUZZ_CHECK(pkg && pkg->name && pkg->version && pkg->arch && pkg->publisher && pkg->from);
	FUZZ_CHECK(pkg->name[0] != '\0');
	FUZZ_CHECK(touch(pkg->name) <= PKG_MAX_FIELD);
	FUZZ_CHECK(touch(pkg->version) <= PKG_MAX_FIELD);
	FUZZ_CHECK(touch(pkg->arch) <= PKG_MAX_FIELD);
	FUZZ_CHECK(touch(pkg->publisher) <= PKG_MAX_FIELD);
	for (i = 0; i < sizeof(froms) / sizeof(froms[0]); i++)
		known |= !strcmp(pkg->from, froms[i]);
	FUZZ_CHECK(known);
	if (ctx)
		(*(size_t *)ctx)++;
	return FC_OK;
}

void fuzz_check_err(enum fc_rc rc, const char *err)
{
	size_t n = strnlen(err, FC_ERRLEN);

	FUZZ_CHECK(n < FC_ERRLEN);
	if (rc == FC_OK) {
		FUZZ_CHECK(n == 0);
		return;
	}
	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(!memchr(err, '\n', n));
}
