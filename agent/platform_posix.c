/* platform_posix.c - platform.h on POSIX systems: the calls themselves. */
#include "platform.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "rootfs.h"
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

int plat_make_public(int fd)
{
	return fchmod(fd, 0644);
}

int plat_lock(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB);
}

void plat_utf8_args(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
}

void plat_gmtime(time_t t, struct tm *out)
{
	gmtime_r(&t, out);
}

enum fc_rc plat_read_file(const char *path, size_t max, struct buf *out, char *err)
{
	return rootfs_read(NULL, path, max, out, err);
}

char *plat_default_config(void)
{
	return xstrdup(CONFIG_DEFAULT_PATH);
}

char *plat_default_state_dir(void)
{
	return xstrdup(CONFIG_DEFAULT_STATE_DIR);
}

char *plat_default_config_help(void)
{
	return xstrdup(CONFIG_DEFAULT_PATH);
}
