/* spool.h - the agent's state directory: the run lock and the spooled report.
 *
 * Layout: <state_dir>/lock (flock, mode 0600) and
 * <state_dir>/spool/report.json.gz (mode 0600), the newest undelivered
 * report. Only one report is kept: a newer one replaces it. Callers hold the
 * lock while they use the spool. Every function fills err (FC_ERRLEN bytes)
 * on failure and logs nothing: the caller logs it once. */
#ifndef FC_AGENT_SPOOL_H
#define FC_AGENT_SPOOL_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "fc_rc.h"

/* The largest report the spool stores or loads. */
#define SPOOL_MAX ((size_t)64 * 1024 * 1024)

/* Takes an exclusive non-blocking flock on <state_dir>/lock, creating the
 * file (mode 0600) if needed; the directory must exist (spool_mkdirs). *fd
 * receives the lock fd (-1 on failure); spool_unlock closes it. Returns
 * FC_OK, FC_ELOCKED when another process (or another open of the file)
 * holds the lock, or FC_EIO. */
enum fc_rc spool_lock(const char *state_dir, int *fd, char *err);

/* Releases the lock by closing fd; -1 is ignored. */
void spool_unlock(int fd);

/* Stores the len bytes at gz (a gzip report) as the spooled report,
 * replacing any older one atomically: written to a temporary file in the
 * spool directory, fsynced, renamed over the old one, then the directory is
 * fsynced. Creates <state_dir>/spool (mode 0700) if missing and removes
 * temporary files an interrupted earlier put left behind. Returns FC_OK,
 * FC_ELIMIT (len > SPOOL_MAX) or FC_EIO; on failure an older spooled report
 * is left as it was. */
enum fc_rc spool_put(const char *state_dir, const void *gz, size_t len, char *err);

/* A spooled report being written, gzip-compressed as it comes. */
struct spool_writer;

/* Starts a new spooled report: a temporary file in <state_dir>/spool
 * (created, mode 0700, if missing; leftovers of interrupted runs removed).
 * *out receives the writer, which spool_commit or spool_abort ends. Returns
 * FC_OK or FC_EIO/FC_ELIMIT with err set. */
enum fc_rc spool_begin(const char *state_dir, struct spool_writer **out, char *err);

/* An inventory_sink's write and restart on a spool_writer (ctx): compresses len
 * bytes into the file; restart drops everything written so far. At most
 * SPOOL_MAX compressed bytes (FC_ELIMIT). Errors are kept for spool_commit. */
enum fc_rc spool_write(void *ctx, const void *data, size_t len);
enum fc_rc spool_restart(void *ctx);

/* Ends the gzip stream, syncs the file and renames it over the spooled
 * report, then syncs the directory; frees w. Returns FC_OK or the first
 * error of the writer (err set); on error the older spooled report is left
 * as it was. */
enum fc_rc spool_commit(struct spool_writer *w, char *err);

/* Removes the temporary file and frees w (NULL is ignored). */
void spool_abort(struct spool_writer *w);

/* The spooled report's path (SPOOL_PATH_MAX bytes) and size. Returns FC_OK,
 * FC_ENOENT or FC_EIO (not a regular file of at most SPOOL_MAX bytes), with
 * err set. */
enum fc_rc spool_file(const char *state_dir, char *path, size_t *len, char *err);

#define SPOOL_PATH_MAX 4096

/* Loads the spooled report into out, which the caller initialised (its old
 * contents are replaced; on failure it is empty). Returns FC_OK, FC_ENOENT
 * when nothing is spooled, FC_ELIMIT (larger than SPOOL_MAX or out->max),
 * FC_EPARSE (the file is not gzip data: the caller should spool_clear it)
 * or FC_EIO. */
enum fc_rc spool_get(const char *state_dir, struct buf *out, char *err);

/* Removes the spooled report. Returns FC_OK (also when none was spooled) or
 * FC_EIO. */
enum fc_rc spool_clear(const char *state_dir, char *err);

/* Creates directory dir and its missing parents, each with mode 0700;
 * existing directories are left as they are. Returns FC_OK, FC_ELIMIT (path
 * too long) or FC_EIO (err names the directory that could not be made). */
enum fc_rc spool_mkdirs(const char *dir, char *err);

#endif
