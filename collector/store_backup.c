/* store_backup.c - a consistent copy of the store while it is in use:
 * SQLite's online backup API, into a temporary file beside the target,
 * synced and given the target's name. */
#include "store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"
#include "store_int.h"

#define BACKUP_TRIES 600 /* 50 ms apart: 30 s of a busy database */

/* Copies s into the new database file at tmp. */
static enum fc_rc copy_into(struct store *s, const char *tmp, char *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int src, tries = 0;
	enum fc_rc rc = FC_OK;

	src = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (src != SQLITE_OK) {
		store_seterr(err, "cannot open '%s': %s", tmp,
		             dst ? sqlite3_errmsg(dst) : sqlite3_errstr(src));
		sqlite3_close(dst);
		return FC_EIO;
	}
	b = sqlite3_backup_init(dst, "main", s->db, "main");
	if (!b) {
		store_seterr(err, "cannot start the backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return FC_EDB;
	}
	do {
		src = sqlite3_backup_step(b, -1); /* every page in one read transaction */
		if (src == SQLITE_BUSY || src == SQLITE_LOCKED)
			plat_sleep_ms(50);
	} while ((src == SQLITE_BUSY || src == SQLITE_LOCKED) && ++tries < BACKUP_TRIES);
	(void)sqlite3_backup_finish(b);
	if (src != SQLITE_DONE) {
		store_seterr(err, "backup into '%s': %s", tmp, sqlite3_errstr(src));
		rc = src == SQLITE_BUSY || src == SQLITE_LOCKED                    ? FC_EBUSY
		     : (src & 0xff) == SQLITE_FULL || (src & 0xff) == SQLITE_IOERR ? FC_EIO
		                                                                   : FC_EDB;
	}
	if (sqlite3_close(dst) != SQLITE_OK && !rc) {
		store_seterr(err, "cannot close '%s'", tmp);
		rc = FC_EIO;
	}
	return rc;
}

/* Makes tmp durable and gives it the name path (replace: over an existing
 * file). */
static enum fc_rc settle(const char *tmp, const char *path, bool replace, char *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd = plat_open(tmp, O_RDONLY, 0);

	if (fd < 0 || plat_fsync(fd) != 0) {
		store_seterr(err, "cannot sync '%s': %s", tmp, strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return FC_EIO;
	}
	(void)close(fd); /* read only */
	if ((replace ? plat_replace(tmp, path) : plat_rename_new(tmp, path)) != 0) {
		store_seterr(err, "cannot create '%s': %s%s", path, strerror(errno),
		             errno == EEXIST ? " (--force replaces it)" : "");
		return errno == EEXIST ? FC_EEXIST : FC_EIO;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
	         slash ? path : ".");
	if (plat_sync_dir(dir) != 0) {
		store_seterr(err, "cannot sync the directory of '%s': %s", path, strerror(errno));
		return FC_EIO;
	}
	return FC_OK;
}

enum fc_rc store_backup(struct store *s, const char *path, bool replace, char *err)
{
	char tmp[PATH_MAX];
	enum fc_rc rc;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp)) {
		store_seterr(err, "'%s': the name is too long", path);
		return FC_EUSAGE;
	}
	fd = plat_mkstemp(tmp); /* owner only, like the database */
	if (fd < 0) {
		store_seterr(err, "cannot create '%s': %s", tmp, strerror(errno));
		return FC_EIO;
	}
	(void)close(fd); /* nothing written yet */
	rc = copy_into(s, tmp, err);
	if (rc == FC_OK)
		rc = settle(tmp, path, replace, err);
	if (rc)
		(void)plat_unlink(tmp);
	return rc;
}
