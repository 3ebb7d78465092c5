/* privs.h - serve --user NAME: giving up root once the privileged work is
 * done (docs/security.md says what is opened before and after). */
#ifndef FC_COLLECTOR_PRIVS_H
#define FC_COLLECTOR_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

#include "fc_rc.h"

#define PRIVS_NAME_MAX 256

struct privs_user {
	char name[PRIVS_NAME_MAX];
	uid_t uid;
	gid_t gid; /* the user's primary group */
};

/* Looks up the user name in the password database. Returns FC_OK,
 * FC_ENOENT (no such user) or FC_EUSAGE (a name that is too long, or root:
 * dropping to uid 0 drops nothing), err set. */
enum fc_rc privs_lookup(const char *name, struct privs_user *u, char *err);

/* Becomes u for good: the supplementary groups of u (initgroups), then
 * setgid, then setuid, in that order (after setuid the others are no longer
 * allowed); then checks that root cannot be regained and sets
 * no_new_privs. Needs root; a process already running as u has nothing to
 * drop and gets FC_OK. Returns FC_OK or FC_ECONFIG (err set). */
enum fc_rc privs_drop(const struct privs_user *u, char *err);

/* Whether this process (its real user: call it after privs_drop) may
 * write the SQLite database path: its directory (for new -wal, -shm and
 * journal files), and path and those files where they exist already. */
bool privs_can_write(const char *path);

#endif
