/* import_source.h - import --source KIND: the files of another inventory
 * source (source.h) as one snapshot of an organisation's sightings
 * (store_sighting.h); docs/imports.md. */
#ifndef FC_COLLECTOR_IMPORT_SOURCE_H
#define FC_COLLECTOR_IMPORT_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fc_rc.h"
#include "source.h"
#include "store.h"

/* The largest source file read (an AD export of 100,000 computers in
 * UTF-16 is about 60 MB). */
#define IMPORT_SOURCE_MAX_BYTES ((size_t)512 << 20)

struct import_source_opts {
	const char *kind; /* --source */
	const char *date_order; /* --date-order dmy|mdy, NULL: unset */
	const char *dir_window; /* --directory-window DAYS, NULL: 90 */
	bool follow_symlinks;
	struct source_ldap_opts ldap; /* --source ldap: --ldap-url, ... */
};

/* Reads the n files of paths (none for --source ldap: its server) (all of them one snapshot of
 * kind) and stores them in one transaction, printing "SOURCE: N rows, C counted, A matched to agent
 * machines, X ambiguous, R removed" on out. A bad file stores nothing: FC_EPARSE/FC_ELIMIT (logged
 * "FILE:LINE: column NAME: ..."), FC_ENOENT/FC_EIO as import_read, FC_EUSAGE for a bad option; a
 * database failure is FC_EDB/FC_EBUSY with *store_failed set. */
enum fc_rc import_source(struct store *st, int64_t org_id, const struct import_source_opts *o,
                         char *const *paths, int n, FILE *out, bool *store_failed);

#endif
