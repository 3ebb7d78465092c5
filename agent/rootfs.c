/* rootfs.c - read files below a root directory as if it were "/". */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

#define ROOTFS_PATH_MAX 4096

static bool root_is_host(const char *root)
{
	return !root || !*root || (root[0] == '/' && root[1] == '\0');
}

/* Prepends "s/" to the pending components in rest (a NUL-terminated string
 * of at most cap bytes). */
static enum fc_rc rest_prepend(char *rest, size_t cap, const char *s)
{
	size_t ls = strlen(s), lr = strlen(rest);

	if (ls + 1 + lr + 1 > cap)
		return FC_ELIMIT;
	memmove(rest + ls + 1, rest, lr + 1);
	memcpy(rest, s, ls);
	rest[ls] = '/';
	return FC_OK;
}

/* Takes the first component of rest into comp (NUL-terminated). */
static void rest_pop(char *rest, char *comp, size_t cap)
{
	size_t i = 0, n;

	while (rest[i] == '/')
		i++;
	n = strcspn(rest + i, "/");
	if (n >= cap)
		n = cap - 1;
	memcpy(comp, rest + i, n);
	comp[n] = '\0';
	memmove(rest, rest + i + n, strlen(rest + i + n) + 1);
}

static void out_drop_last(struct buf *out, size_t base)
{
	while (out->len > base && out->ptr[out->len - 1] != '/')
		out->len--;
	if (out->len > base)
		out->len--;
	out->ptr[out->len] = '\0';
}

enum fc_rc rootfs_resolve(const char *root, const char *path, struct buf *out, char *err)
{
	char rest[ROOTFS_PATH_MAX * 2], comp[NAME_MAX + 1], link[ROOTFS_PATH_MAX];
	size_t base;
	int links = 0;
	struct stat st;
	ssize_t n;

	buf_reset(out);
	if (buf_addstr(out, root_is_host(root) ? "" : root))
		goto too_long;
	while (out->len > 0 && out->ptr[out->len - 1] == '/')
		out->ptr[--out->len] = '\0';
	base = out->len;
	rest[0] = '\0';
	if (root_is_host(root) && path[0] != '/' && !getcwd(rest, sizeof(rest) - 1)) {
		snprintf(err, FC_ERRLEN, "cannot read '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	if (strlen(rest) + 1 + strlen(path) >= sizeof(rest))
		goto too_long;
	if (rest[0])
		strncat(rest, "/", sizeof(rest) - strlen(rest) - 1);
	strncat(rest, path, sizeof(rest) - strlen(rest) - 1);
	for (;;) {
		rest_pop(rest, comp, sizeof(comp));
		if (!comp[0])
			break;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			out_drop_last(out, base);
			continue;
		}
		if (buf_addc(out, '/') || buf_addstr(out, comp))
			goto too_long;
		if (lstat(out->ptr, &st) != 0) {
			snprintf(err, FC_ERRLEN, "cannot read '%s': %s", path, strerror(errno));
			return errno == ENOENT || errno == ENOTDIR ? FC_ENOENT : FC_EIO;
		}
		if (!S_ISLNK(st.st_mode))
			continue;
		if (++links > ROOTFS_MAX_LINKS) {
			snprintf(err, FC_ERRLEN, "cannot read '%s': %s", path, strerror(ELOOP));
			return FC_EIO;
		}
		n = readlink(out->ptr, link, sizeof(link) - 1);
		if (n < 0) {
			snprintf(err, FC_ERRLEN, "cannot read link '%s': %s", out->ptr,
			         strerror(errno));
			return FC_EIO;
		}
		link[n] = '\0';
		out_drop_last(out, base);
		if (link[0] == '/') {
			out->len = base;
			out->ptr[base] = '\0';
		}
		if (rest_prepend(rest, sizeof(rest), link))
			goto too_long;
	}
	if (out->len == base && buf_addc(out, '/'))
		goto too_long;
	return FC_OK;
too_long:
	snprintf(err, FC_ERRLEN, "path '%s' is too long", path);
	return FC_ELIMIT;
}

int rootfs_open(const char *root, const char *path, int flags, enum fc_rc *rc, char *err)
{
	struct buf host;
	int fd = -1;

	buf_init(&host, ROOTFS_PATH_MAX * 2);
	*rc = rootfs_resolve(root, path, &host, err);
	if (*rc)
		goto out;
	fd = open(host.ptr, flags | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, FC_ERRLEN, "cannot open '%s': %s", path, strerror(errno));
		*rc = errno == ENOENT ? FC_ENOENT : FC_EIO;
	}
out:
	buf_release(&host);
	return fd;
}

enum fc_rc rootfs_read(const char *root, const char *path, size_t max, struct buf *out, char *err)
{
	enum fc_rc rc;
	char chunk[16384];
	struct stat st;
	ssize_t n;
	int fd = rootfs_open(root, path, 0, &rc, err);

	if (fd < 0)
		return rc;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, FC_ERRLEN, "'%s' is not a regular file", path);
		rc = FC_EIO;
		goto out_close;
	}
	if ((unsigned long long)st.st_size > max) {
		snprintf(err, FC_ERRLEN, "'%s' is larger than %zu bytes", path, max);
		rc = FC_ELIMIT;
		goto out_close;
	}
	buf_reset(out);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, FC_ERRLEN, "cannot read '%s': %s", path, strerror(errno));
			rc = FC_EIO;
			goto out_close;
		}
		if ((size_t)n > max - out->len || buf_add(out, chunk, (size_t)n)) {
			snprintf(err, FC_ERRLEN, "'%s' is larger than %zu bytes", path, max);
			rc = FC_ELIMIT;
			goto out_close;
		}
	}
	if (!out->ptr)
		rc = buf_add(out, "", 0);
out_close:
	close(fd);
	return rc;
}

DIR *rootfs_opendir(const char *root, const char *path, enum fc_rc *rc, char *err)
{
	DIR *d;
	int fd = rootfs_open(root, path, O_DIRECTORY, rc, err);

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		snprintf(err, FC_ERRLEN, "cannot open directory '%s': %s", path, strerror(errno));
		*rc = FC_EIO;
		close(fd);
	}
	return d;
}

bool rootfs_exists(const char *root, const char *path)
{
	struct buf host;
	char err[FC_ERRLEN];
	enum fc_rc rc;

	buf_init(&host, ROOTFS_PATH_MAX * 2);
	rc = rootfs_resolve(root, path, &host, err);
	buf_release(&host);
	return rc == FC_OK;
}
