/* outfile.h - writing an output file (the agent's --output, the collector's
 * report --output) without harming what is there.
 *
 * What path names decides how it is written:
 *  - nothing, or a regular file: a temporary file in the same directory is
 *    written, fsynced and renamed over path, then the directory is fsynced.
 *    A reader never sees a partial file. The new file gets the mode of the
 *    file it replaces, else 0666 minus the umask.
 *  - a character device or a FIFO (/dev/null, a named pipe): written in
 *    place, as the shell's '>' does; nothing is renamed, truncated or
 *    created. A FIFO that no process reads is refused at once.
 *  - a symbolic link: written through, in place, as '>' does (so the
 *    kernel's protected_symlinks applies): a regular file at its end is
 *    truncated and rewritten, keeping its inode and mode (not atomically), a
 *    character device or FIFO as above; a link to nothing or to anything
 *    else is refused. The link itself is never replaced.
 *  - anything else (a directory, a block device, a socket): refused.
 * On Windows only the first case exists. */
#ifndef FC_COMMON_OUTFILE_H
#define FC_COMMON_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fc_rc.h"

enum outfile_flags {
	/* path must not exist: the file is given its name only if no file has
	 * it (plat_rename_new), never over one, and path is never written in
	 * place (an output directory's unique names). */
	OUTFILE_NEW = 1 << 0,
};

struct outfile {
	char *path; /* the name given */
	char *tmp; /* the temporary file; NULL when written in place */
	char *dir; /* path's directory, fsynced after the rename */
	FILE *f; /* from outfile_stream, else NULL */
	int fd; /* -1 once closed */
	int mode; /* the new file's permission bits */
	bool in_place; /* a device, FIFO or link: written where it is */
	bool truncate; /* in place on a regular file: truncate before writing */
	bool is_new; /* OUTFILE_NEW */
};

/* Opens path for writing as described above, with flags (enum
 * outfile_flags). FC_OK: the caller writes (outfile_write, or the stream of
 * outfile_stream) and ends with outfile_commit or outfile_abort. Else of
 * holds nothing and err (FC_ERRLEN) names the file and says why: FC_ELIMIT
 * the name is too long, FC_EEXIST (OUTFILE_NEW) path exists, FC_EIO it
 * cannot be created or opened, or is not a file that may be written. */
enum fc_rc outfile_open(struct outfile *of, const char *path, unsigned flags, char *err);

/* Writes len bytes of data. FC_OK or FC_EIO (err set). */
enum fc_rc outfile_write(struct outfile *of, const void *data, size_t len, char *err);

/* A stdio stream on the file ("w+b": a temporary file can be rewound and
 * truncated to start over; what is written in place cannot), owned by of: the
 * caller writes and neither closes it nor uses outfile_write. NULL (err
 * set) when it cannot be made. */
FILE *outfile_stream(struct outfile *of, char *err);

/* Finishes the file: flushes; for a temporary file fsync, the mode, the
 * rename to path (plat_replace, or plat_rename_new with OUTFILE_NEW) and an
 * fsync of the directory; closes. of holds nothing afterwards, on every
 * path. FC_OK, FC_EEXIST (OUTFILE_NEW: path appeared; not overwritten) or
 * FC_EIO, with err set; on failure the temporary file is removed. */
enum fc_rc outfile_commit(struct outfile *of, char *err);

/* Gives up: closes and removes the temporary file. Accepts a closed of. */
void outfile_abort(struct outfile *of);

/* outfile_open, outfile_write and outfile_commit of len bytes of data:
 * the whole output of the collector's reports. Codes as those. */
enum fc_rc outfile_save(const char *path, const void *data, size_t len, char *err);

#endif
