/* cmd.c - what the collector's commands share: exit codes, opening the
 * database with one clear line when it cannot be, the option-value error
 * text, the end of output. */
#include "cmd.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

int cmd_exit_for(enum fc_rc rc)
{
	switch (rc) {
	case FC_OK: return EXIT_DONE;
	case FC_EUSAGE: return EXIT_USAGE;
	case FC_EPARSE:
	case FC_ELIMIT:
	case FC_ENOENT:
	case FC_EEXIST: return EXIT_DATAERR;
	case FC_EIO:
	case FC_EDB: return EXIT_IOERR;
	case FC_EBUSY:
	case FC_ELOCKED: return EXIT_TEMPFAIL;
	case FC_ENET: return EXIT_UNAVAIL;
	case FC_ECONFIG: return EXIT_CONFIG;
	default: return EXIT_SOFTWARE;
	}
}

int cmd_flush(const struct cmd_opts *o, int code)
{
	if (fflush(o->out) != 0 || ferror(o->out)) {
		LOG_ERR("cannot write to standard output: %s", strerror(errno));
		return code ? code : EXIT_IOERR;
	}
	return code;
}

int cmd_bad_value(const char *name, const char *value, const char *want)
{
	LOG_ERR("--%s: '%s' is not %s", name, value, want);
	return EXIT_USAGE;
}

/* Puts the name of the effective user in out ("uid N" when it has none). */
static void user_name(char *out, size_t n)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw)
		snprintf(out, n, "%s", pw->pw_name);
	else
		snprintf(out, n, "uid %lu", (unsigned long)geteuid());
}

/* Logs that the user lacks what (read, write) on path; returns 77. */
static int no_permission(const char *db, const char *path, const char *what, const char *why)
{
	char user[64];
	struct stat sb;

	user_name(user, sizeof(user));
	if (stat(path, &sb) == 0)
		LOG_ERR("database '%s': user '%s' cannot %s '%s' (mode %04o, uid %lu, gid %lu)%s",
		        db, user, what, path, (unsigned)(sb.st_mode & 07777),
		        (unsigned long)sb.st_uid, (unsigned long)sb.st_gid, why);
	else
		LOG_ERR("database '%s': user '%s' cannot %s '%s'%s", db, user, what, path, why);
	return EXIT_NOPERM;
}

/* The checks of cmd_open_store before SQLite opens db, so that a missing
 * directory or a permission problem is one line naming it: the directory
 * must exist; the database must be readable (and writable to write: on a
 * read-only file system that is 74); its
 * -wal and -shm files, which SQLite needs even to read, must be readable
 * (and writable to write) or, when missing, creatable in the directory.
 * Returns 0 or an exit code. */
static int db_preflight(const char *db, bool create, bool write)
{
	char dir[PATH_MAX], side[PATH_MAX + 8];
	const char *slash = strrchr(db, '/');
	static const char *const sfx[] = {"-wal", "-shm"};
	bool dir_w;
	size_t i;

	if (!*db || !strcmp(db, ":memory:"))
		return 0;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == db ? 1 : (int)(slash - db), db);
	if (access(dir, F_OK) != 0 && errno == ENOENT) {
		LOG_ERR("database '%s': directory '%s' does not exist", db, dir);
		return create ? EXIT_CANTCREAT : EXIT_NOINPUT;
	}
	dir_w = euidaccess(dir, W_OK | X_OK) == 0;
	if (access(db, F_OK) != 0) {
		if (errno == ENOENT && create && !dir_w)
			return no_permission(db, dir, "create files in", "");
		return 0; /* store_open says what is wrong */
	}
	if (euidaccess(db, R_OK) != 0 && errno == EACCES)
		return no_permission(db, db, "read", "");
	if (write && euidaccess(db, W_OK) != 0 && errno == EACCES)
		return no_permission(db, db, "write", "");
	if (write && euidaccess(db, W_OK) != 0 && errno == EROFS) {
		LOG_ERR("database '%s': it is on a read-only file system", db);
		return EXIT_IOERR;
	}
	for (i = 0; i < 2; i++) {
		snprintf(side, sizeof(side), "%s%s", db, sfx[i]);
		if (access(side, F_OK) != 0) {
			if (!dir_w)
				return no_permission(
				    db, dir, "create files in",
				    write ? ""
				          : " (SQLite needs the -wal and -shm files to read "
				            "a database; 'serve' keeps them there)");
			continue;
		}
		if (euidaccess(side, write ? R_OK | W_OK : R_OK) != 0 && errno == EACCES)
			return no_permission(db, side, write ? "write" : "read", "");
	}
	return 0;
}

bool cmd_can_write(const char *db)
{
	return euidaccess(db, W_OK) == 0;
}

int cmd_open_store(const struct cmd_opts *o, bool create, bool readonly, struct store **st)
{
	char err[FC_ERRLEN] = "";
	enum fc_rc rc;
	int code = db_preflight(o->db, create, !readonly);

	*st = NULL;
	if (code)
		return code;
	if (readonly)
		rc = store_open_readonly(o->db, st, err);
	else
		rc = store_open(o->db, create, st, err);
	if (rc == FC_OK)
		return EXIT_DONE;
	LOG_ERR("database '%s': %s", o->db, err);
	if (rc == FC_ENOENT)
		return EXIT_NOINPUT;
	if (rc == FC_EIO && create)
		return EXIT_CANTCREAT;
	return cmd_exit_for(rc);
}
