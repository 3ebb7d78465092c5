/* platform.h - the few file-system and process operations that differ
 * between POSIX systems and Windows, for both programs (the collector is
 * built for POSIX only). platform_posix.c and platform_windows.c implement
 * them; the Makefile picks one, as it picks agent/os_<platform>.c.
 *
 * Paths are UTF-8 everywhere; the Windows side converts them to UTF-16 for
 * the wide Win32 and CRT calls. Functions returning int return 0 on success
 * and -1 with errno set on failure, as the POSIX calls they replace. */
#ifndef FC_COMMON_PLATFORM_H
#define FC_COMMON_PLATFORM_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "fc_rc.h"

/* Flags the POSIX code passes that Windows' CRT does not know. */
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif
/* No symbolic links for plat_lstat to find on Windows. */
#ifndef S_ISLNK
#define S_ISLNK(m) 0
#endif

/* open(2) with a UTF-8 path; always binary (no newline translation). */
int plat_open(const char *path, int flags, int mode);

/* fopen(3) with a UTF-8 path. */
FILE *plat_fopen(const char *path, const char *mode);

/* mkstemp(3): replaces the trailing XXXXXX of tmpl and creates the file
 * exclusively, binary, readable by its owner. */
int plat_mkstemp(char *tmpl);

/* mkstemps(3): as plat_mkstemp, with the XXXXXX followed by suffixlen
 * characters that are kept. */
int plat_mkstemps(char *tmpl, int suffixlen);

/* mkdir(2) with mode (on Windows the directory inherits its ACL, and
 * missing parents are created too). */
int plat_mkdir(const char *path, int mode);

/* stat(2); on Windows only st_mode (S_IFDIR or S_IFREG), st_size and
 * st_mtime are filled. */
int plat_stat(const char *path, struct stat *st);

/* lstat(2) (plat_stat on Windows). */
int plat_lstat(const char *path, struct stat *st);

/* unlink(2). */
int plat_unlink(const char *path);

/* Renames from to to, replacing to if it exists, durably where the system
 * allows (rename(2); MoveFileExW with REPLACE_EXISTING | WRITE_THROUGH). */
int plat_replace(const char *from, const char *to);

/* Gives the file from the new name to, which must not exist (-1 with errno
 * EEXIST when it does: nothing is ever overwritten); from is gone on
 * success. link(2) then unlink(2), or, where the file system has no hard
 * links, rename(2) after checking that to does not exist; MoveFileExW
 * without MOVEFILE_REPLACE_EXISTING on Windows. */
int plat_rename_new(const char *from, const char *to);

/* fsync(2) of an open file (FlushFileBuffers on Windows). */
int plat_fsync(int fd);

/* ftruncate(fd, 0) (SetEndOfFile at offset 0 on Windows). The caller
 * rewinds its stream. */
int plat_truncate(int fd);

/* Sleeps ms milliseconds (nanosleep, restarted after signals; Sleep). */
void plat_sleep_ms(long ms);

/* True for a character that ends a directory name in a path: '/' (and '\\'
 * on Windows). */
bool plat_is_dirsep(char c);

/* A directory's entries, names in UTF-8 ("." and ".." included or not). */
struct plat_dir;

/* opendir(3); NULL with errno set when dir cannot be read. */
struct plat_dir *plat_opendir(const char *dir);

/* The next entry's name (valid until the next call), or NULL at the end. */
const char *plat_readdir(struct plat_dir *d);

void plat_closedir(struct plat_dir *d);

/* Makes a rename inside dir durable (fsync of the directory; nothing on
 * Windows, where MOVEFILE_WRITE_THROUGH did it). */
int plat_sync_dir(const char *dir);

/* Gives the open file the permission bits mode (fchmod; nothing on
 * Windows, where the file inherits its directory's ACL). */
int plat_set_mode(int fd, int mode);

/* The process's file mode creation mask (0 on Windows). Reads it by setting
 * it twice (umask(2)): call it before starting threads that create files. */
int plat_umask(void);

/* Clears O_NONBLOCK on the open file fd (nothing on Windows). */
int plat_set_blocking(int fd);

/* Takes an exclusive, non-blocking lock on the open file fd (flock;
 * LockFileEx). Fails with errno EWOULDBLOCK when another process holds it;
 * closing fd releases it. */
int plat_lock(int fd);

/* gmtime_r(3). */
void plat_gmtime(time_t t, struct tm *out);

/* Reads the whole regular file path into out (initialised by the caller,
 * emptied first; its max is not changed), following symbolic links.
 * Anything but a regular file (a FIFO, a device, a directory) is refused at
 * once, without waiting for a writer. FC_ENOENT when path does not exist,
 * FC_ELIMIT when the file is larger than max (found without reading it),
 * FC_EIO otherwise; err (FC_ERRLEN) names the file and says why. */
enum fc_rc plat_read_file(const char *path, size_t max, struct buf *out, char *err);

/* Reads the open file fd to its end into out (emptied first), at most max
 * bytes; name is the file's name in err. FC_ELIMIT when there is more,
 * FC_EIO (errno kept) when a read fails. fd stays open. */
enum fc_rc plat_read_fd(int fd, const char *name, size_t max, struct buf *out, char *err);

#endif
