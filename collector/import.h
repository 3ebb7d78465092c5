/* import.h - fleetcensus-collector import: report files written by the
 * agent's --output, stored with the checks of a POST.
 *
 * What is read: '-' is standard input; a regular file; a symbolic link only
 * when it leads to a regular file owned by the user running the import or
 * by root, or when follow_symlinks is set (so that root importing a
 * directory others can write into does not read whatever file a link
 * there points to). A FIFO, a device, a directory or a socket is refused
 * at once, without waiting for a writer. */
#ifndef FC_COLLECTOR_IMPORT_H
#define FC_COLLECTOR_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "fc_rc.h"
#include "ingest.h"
#include "store.h"

struct import_opts {
	struct ingest_limits limits; /* max_body bounds what is read */
	bool follow_symlinks; /* --follow-symlinks: any link target that is a regular file */
};

/* How an import went: the first file that failed, if any. */
struct import_result {
	enum fc_rc rc; /* that file's code (import_one), FC_OK when none failed */
	bool store_failed; /* it failed in the database; the files after it were not tried */
	int stored, failed; /* files stored, files that failed */
};

/* Reads path ('-': standard input) into body (initialised by the caller,
 * whose max bounds it), following the rules above. FC_OK; FC_ENOENT when
 * the file cannot be opened or is not one import reads; FC_EIO when a read
 * fails; FC_ELIMIT when it is larger than body->max. err (FC_ERRLEN) says
 * why, without the file's name (the caller puts it first). */
enum fc_rc import_read(const char *path, bool follow_symlinks, struct buf *body, char *err);

/* The outcome of a stored report, as import prints it: "new", "updated",
 * "duplicate" or "stale". */
const char *import_outcome(const struct store_put_result *res);

/* Imports one file into organisation org_id: read (import_read), decode
 * (ingest_decode; a short report is refused), store. FC_OK with *res set;
 * else err says why and *store_failed tells whether the database failed
 * (its code returned) rather than the file (FC_ENOENT, FC_EIO as
 * import_read; FC_ELIMIT or FC_EPARSE when the report is refused). */
enum fc_rc import_one(struct store *st, int64_t org_id, const char *path,
                      const struct import_opts *o, struct store_put_result *res, bool *store_failed,
                      char *err);

/* The files an import reads: its arguments, each directory among them
 * replaced by the report files in it (*.json, *.json.gz, not hidden: the
 * names of the agent's --relay), sorted by name. Entries that are neither
 * regular files nor symbolic links (import_read judges those) are skipped
 * with a warning. */
struct import_list {
	char **paths;
	size_t n, cap;
};

/* Fills l (released by the caller with import_list_release) from the n
 * args. FC_OK; FC_ENOENT or FC_EIO (err set) when a directory cannot be
 * read. */
enum fc_rc import_list_make(char *const *args, int n, struct import_list *l, char *err);
void import_list_release(struct import_list *l);

/* Imports the n files of paths in order, printing "FILE: machine ID
 * (outcome)" on out (NULL: nothing) for each stored one and logging each failure as
 * "FILE: reason"; stops after a database failure. The outcome in *res. */
void import_files(struct store *st, int64_t org_id, char *const *paths, int n,
                  const struct import_opts *o, FILE *out, struct import_result *res);

#endif
