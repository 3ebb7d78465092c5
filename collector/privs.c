/* privs.c - serve --user NAME: giving up root for good. */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "xalloc.h"

#define PRIVS_PWBUF 16384

enum fc_rc privs_lookup(const char *name, struct privs_user *u, char *err)
{
	char pwbuf[PRIVS_PWBUF];
	struct passwd pw, *found = NULL;
	int e;

	memset(u, 0, sizeof(*u));
	if (!*name || strlen(name) >= sizeof(u->name)) {
		snprintf(err, FC_ERRLEN, "--user: want a user name of 1 to %d bytes",
		         PRIVS_NAME_MAX - 1);
		return FC_EUSAGE;
	}
	e = getpwnam_r(name, &pw, pwbuf, sizeof(pwbuf), &found);
	if (!found) {
		snprintf(err, FC_ERRLEN, "--user: no such user '%s'%s%s", name, e ? ": " : "",
		         e ? strerror(e) : "");
		return FC_ENOENT;
	}
	if (pw.pw_uid == 0) {
		snprintf(err, FC_ERRLEN,
		         "--user: '%s' is uid 0, which drops nothing: name an unprivileged user",
		         name);
		return FC_EUSAGE;
	}
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	return FC_OK;
}

enum fc_rc privs_drop(const struct privs_user *u, char *err)
{
	const char *step;

	if (getuid() == u->uid && geteuid() == u->uid && getgid() == u->gid && getegid() == u->gid)
		return FC_OK;
	if (geteuid() != 0) {
		snprintf(err, FC_ERRLEN,
		         "--user %s: only root can change to another user (running as uid %lu)",
		         u->name, (unsigned long)geteuid());
		return FC_ECONFIG;
	}
	step = "initgroups";
	if (initgroups(u->name, u->gid) != 0)
		goto out_fail;
	step = "setgid";
	if (setgid(u->gid) != 0)
		goto out_fail;
	step = "setuid";
	if (setuid(u->uid) != 0)
		goto out_fail;
	if (setuid(0) != -1 || setgid(0) != -1 || getuid() != u->uid || geteuid() != u->uid ||
	    getgid() != u->gid || getegid() != u->gid) {
		snprintf(err, FC_ERRLEN, "--user %s: root could be regained after the change",
		         u->name);
		return FC_ECONFIG;
	}
	step = "prctl(PR_SET_NO_NEW_PRIVS)";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0)
		goto out_fail;
	return FC_OK;
out_fail:
	snprintf(err, FC_ERRLEN, "--user %s: %s failed: %s", u->name, step, strerror(errno));
	return FC_ECONFIG;
}

bool privs_can_write(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	size_t len = strlen(path) + sizeof("-journal");
	char *name = xmalloc(len), *dir = xstrdup(path);
	bool ok = access(dirname(dir), W_OK | X_OK) == 0;
	size_t i;

	for (i = 0; ok && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(name, len, "%s%s", path, suffixes[i]);
		ok = access(name, W_OK) == 0 || errno == ENOENT;
	}
	free(name);
	free(dir);
	return ok;
}
