/* platform_posix.c - platform.h on POSIX systems: the calls themselves. */
#include "platform.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int plat_open(const char *path, int flags, int mode)
{
	return open(path, flags | O_CLOEXEC, mode);
}

FILE *plat_fopen(const char *path, const char *mode)
{
	return fopen(path, mode);
}

int plat_mkstemp(char *tmpl)
{
	return mkstemp(tmpl);
}

int plat_mkstemps(char *tmpl, int suffixlen)
{
	return mkstemps(tmpl, suffixlen);
}

int plat_mkdir(const char *path, int mode)
{
	return mkdir(path, (mode_t)mode);
}

int plat_stat(const char *path, struct stat *st)
{
	return stat(path, st);
}

int plat_lstat(const char *path, struct stat *st)
{
	return lstat(path, st);
}

int plat_unlink(const char *path)
{
	return unlink(path);
}

int plat_replace(const char *from, const char *to)
{
	return rename(from, to);
}

int plat_rename_new(const char *from, const char *to)
{
	struct stat st;

	if (link(from, to) == 0) {
		(void)unlink(from); /* the file has its new name; a leftover only costs a name */
		return 0;
	}
	if (errno == EEXIST)
		return -1;
	/* no hard links here (FAT, some network shares): check, then rename */
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

int plat_fsync(int fd)
{
	return fsync(fd);
}

int plat_truncate(int fd)
{
	return ftruncate(fd, 0);
}

void plat_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

bool plat_is_dirsep(char c)
{
	return c == '/';
}

struct plat_dir {
	DIR *d;
};

struct plat_dir *plat_opendir(const char *dir)
{
	DIR *d = opendir(dir);
	struct plat_dir *p;

	if (!d)
		return NULL;
	p = xmalloc(sizeof(*p));
	p->d = d;
	return p;
}

const char *plat_readdir(struct plat_dir *d)
{
	struct dirent *de = readdir(d->d);

	return de ? de->d_name : NULL;
}

void plat_closedir(struct plat_dir *d)
{
	if (!d)
		return;
	(void)closedir(d->d); /* read-only: nothing to lose */
	free(d);
}

int plat_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, saved;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	(void)close(fd); /* read-only descriptor: nothing to lose */
	errno = saved;
	return rc;
}

int plat_set_mode(int fd, int mode)
{
	return fchmod(fd, (mode_t)mode);
}

int plat_umask(void)
{
	mode_t m = umask(077);

	(void)umask(m); /* puts it back; umask(2) cannot fail */
	return (int)m;
}

int plat_set_blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

int plat_lock(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB);
}

void plat_gmtime(time_t t, struct tm *out)
{
	gmtime_r(&t, out);
}

enum fc_rc plat_read_fd(int fd, const char *name, size_t max, struct buf *out, char *err)
{
	char chunk[16384];
	ssize_t n;
	int saved;

	buf_reset(out);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			snprintf(err, FC_ERRLEN, "cannot read '%s': %s", name, strerror(errno));
			errno = saved;
			return FC_EIO;
		}
		if (n == 0)
			break;
		if ((size_t)n > max - out->len || buf_add(out, chunk, (size_t)n)) {
			snprintf(err, FC_ERRLEN, "'%s' is larger than %zu bytes", name, max);
			return FC_ELIMIT;
		}
	}
	return out->ptr ? FC_OK : buf_add(out, "", 0);
}

enum fc_rc plat_read_file(const char *path, size_t max, struct buf *out, char *err)
{
	struct stat st;
	enum fc_rc rc;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, FC_ERRLEN, "cannot %s '%s': %s",
		         errno == ENOENT || errno == ENOTDIR ? "read" : "open", path,
		         strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? FC_ENOENT : FC_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, FC_ERRLEN, "'%s' is not a regular file", path);
		rc = FC_EIO;
	} else if ((unsigned long long)st.st_size > max) {
		snprintf(err, FC_ERRLEN, "'%s' is larger than %zu bytes", path, max);
		rc = FC_ELIMIT;
	} else if (plat_set_blocking(fd) != 0) {
		snprintf(err, FC_ERRLEN, "cannot read '%s': %s", path, strerror(errno));
		rc = FC_EIO;
	} else {
		rc = plat_read_fd(fd, path, max, out, err);
	}
	(void)close(fd); /* read-only descriptor: nothing to lose */
	return rc;
}
