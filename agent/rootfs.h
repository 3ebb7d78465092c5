/* rootfs.h - read files below a root directory as if it were "/".
 *
 * Symbolic links are resolved inside the root: an absolute link target is
 * taken relative to the root and ".." never climbs above it, so a fixture
 * tree or a mounted image is read exactly as its own system would read it.
 * More than ROOTFS_MAX_LINKS links in one lookup is a loop (ELOOP). */
#ifndef FC_AGENT_ROOTFS_H
#define FC_AGENT_ROOTFS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "fc_rc.h"

#define ROOTFS_MAX_LINKS 40

/* Resolves path (absolute, as seen inside root) to a host path in out.
 * root NULL or "/" means the host's own root; there a relative path is taken
 * from the current directory. Returns FC_OK, FC_ENOENT when a
 * component is missing (out then holds the path up to it), FC_EIO (err says
 * why: a loop, permission) or FC_ELIMIT (path too long). */
enum fc_rc rootfs_resolve(const char *root, const char *path, struct buf *out, char *err);

/* Opens path below root read-only. Returns an fd, or -1 with err set and
 * *rc set to FC_ENOENT, FC_EIO or FC_ELIMIT. */
int rootfs_open(const char *root, const char *path, int flags, enum fc_rc *rc, char *err);

/* Reads the whole regular file path below root into out (which the caller
 * initialised; its max is not changed). A file larger than max bytes gives
 * FC_ELIMIT without reading it all. Other codes as rootfs_open. */
enum fc_rc rootfs_read(const char *root, const char *path, size_t max, struct buf *out, char *err);

/* Opens directory path below root; NULL with *rc and err set on failure.
 * The caller closes it with closedir(). */
DIR *rootfs_opendir(const char *root, const char *path, enum fc_rc *rc, char *err);

/* True when path exists below root (after resolving links). */
bool rootfs_exists(const char *root, const char *path);

#endif
