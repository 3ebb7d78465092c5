/* platform_posix.c - platform.h on POSIX systems: the calls themselves. */
#include "platform.h"

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

int plat_mkstemp(char *tmpl)
{
	return mkstemp(tmpl);
}

int plat_mkdir(const char *path)
{
	return mkdir(path, 0700);
}

int plat_stat(const char *path, struct stat *st)
{
	return stat(path, st);
}

int plat_unlink(const char *path)
{
	return unlink(path);
}

int plat_replace(const char *from, const char *to)
{
	return rename(from, to);
}

int plat_fsync(int fd)
{
	return fsync(fd);
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
