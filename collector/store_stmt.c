/* store_stmt.c - running the store's SQL: the cache of prepared statements,
 * binding values, stepping through rows, reading columns, transactions and
 * the translation of SQLite errors (the prepare/bind/step/reset loop is
 * written here once). */
#include "store_int.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "log.h"

void store_fail(char *err, const char *fmt, ...)
{
	char msg[FC_ERRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err ? err : msg, FC_ERRLEN, fmt, ap);
	va_end(ap);
	if (!err)
		LOG_ERR("%s", msg);
}

/* Why the database's file system cannot take writes now (it is read-only,
 * or has no space left), or NULL. SQLite reports a write that failed with
 * EROFS as a plain SQLITE_IOERR_WRITE, without a reliable errno. */
static const char *fs_unwritable(struct store *s)
{
	const char *path = s && s->db ? sqlite3_db_filename(s->db, "main") : NULL;
	const char *wal = s && s->db ? sqlite3_filename_wal(path) : NULL;
	struct statvfs sv;
	int fd;

	if (!path || !*path)
		return NULL;
	/* Opening for writing fails with EROFS also after an emergency remount,
	 * which statvfs does not show. The WAL, not the database: closing an fd
	 * of the database would drop SQLite's POSIX locks on it. */
	fd = wal && *wal ? open(wal, O_WRONLY | O_CLOEXEC) : -1;
	if (fd < 0 && errno == EROFS)
		return "the file system is read-only";
	if (fd >= 0)
		close(fd);
	if (statvfs(path, &sv) == 0 && ((sv.f_flag & ST_RDONLY) || sv.f_bavail == 0))
		return sv.f_bavail == 0 ? "the file system is full"
		                        : "the file system is read-only";
	return NULL;
}

enum fc_rc store_dbfail(struct store *s, int rc, const char *what, char *err)
{
	int primary = rc & 0xff;
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	const char *why = primary == SQLITE_IOERR ? fs_unwritable(s) : NULL;

	if (why) { /* transient like SQLITE_FULL: 503, not 500 */
		LOG_WARN("database: %s: %s (%s)", what, msg, why);
		fc_seterr(err, "database busy: %s: %s (%s)", what, msg, why);
		return FC_EBUSY;
	}
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_FULL ||
	    primary == SQLITE_READONLY) {
		LOG_WARN("database: %s: %s", what, msg);
		fc_seterr(err, "database busy: %s: %s", what, msg);
		return FC_EBUSY;
	}
	LOG_ERR("database: %s: %s (extended code %d)", what, msg, rc);
	fc_seterr(err, "database error: %s: %s", what, msg);
	return FC_EDB;
}

enum fc_rc store_stmt(struct store *s, enum store_stmt id, const char *sql, sqlite3_stmt **out,
                      char *err)
{
	int rc;

	assert(id < ST__COUNT);
	*out = NULL;
	if (!s->st[id]) {
		rc =
		    sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st[id], NULL);
		if (rc != SQLITE_OK) {
			s->st[id] = NULL;
			LOG_ERR("database: cannot prepare '%s': %s", sql, sqlite3_errmsg(s->db));
			fc_seterr(err, "database error: cannot prepare a statement: %s",
			          sqlite3_errmsg(s->db));
			return FC_EDB;
		}
	}
	*out = s->st[id];
	return FC_OK;
}

void store_stmt_done(sqlite3_stmt *st)
{
	if (!st)
		return;
	/* The step's error was reported already; reset repeats it. */
	(void)sqlite3_reset(st);
	(void)sqlite3_clear_bindings(st);
}

/* Binds args[0..n) to st's parameters from ?1 on. Returns SQLite's code. */
static int bind_args(sqlite3_stmt *st, const struct store_arg *args, size_t n)
{
	int src = SQLITE_OK, at = 1;
	size_t i;

	for (i = 0; src == SQLITE_OK && i < n; i++) {
		switch (args[i].type) {
		case STORE_A_INT: src = sqlite3_bind_int64(st, at++, args[i].i); break;
		case STORE_A_ID:
			src = args[i].i ? sqlite3_bind_int64(st, at, args[i].i)
			                : sqlite3_bind_null(st, at);
			at++;
			break;
		case STORE_A_TEXT:
			src = sqlite3_bind_text(st, at++, args[i].t, -1, SQLITE_STATIC);
			break;
		case STORE_A_BLOB:
			src = args[i].b
			          ? sqlite3_bind_blob(st, at, args[i].b, args[i].n, SQLITE_STATIC)
			          : sqlite3_bind_null(st, at);
			at++;
			break;
		case STORE_A_CLASS:
			src = store_bind_class(st, at, args[i].c);
			at += STORE_CLASS_NCOLS;
			break;
		}
	}
	assert(src != SQLITE_OK || at - 1 == sqlite3_bind_parameter_count(st));
	return src;
}

enum fc_rc store_bind(struct store *s, enum store_stmt id, const char *sql,
                      const struct store_arg *args, size_t n, const char *what, sqlite3_stmt **out,
                      char *err)
{
	enum fc_rc rc;
	int src;

	rc = store_stmt(s, id, sql, out, err);
	if (rc)
		return rc;
	src = bind_args(*out, args, n);
	if (src != SQLITE_OK) {
		rc = store_dbfail(s, src, what, err);
		store_stmt_done(*out);
		*out = NULL;
	}
	return rc;
}

enum fc_rc store_exec(struct store *s, enum store_stmt id, const char *sql,
                      const struct store_arg *args, size_t n, store_row_cb row, void *ctx,
                      const char *what, char *err)
{
	sqlite3_stmt *st = NULL;
	enum fc_rc rc;
	int src = SQLITE_DONE;

	if (id == STORE_ONCE) {
		src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
		if (src == SQLITE_OK)
			src = bind_args(st, args, n);
		rc = src == SQLITE_OK ? FC_OK : store_dbfail(s, src, what, err);
	} else {
		rc = store_bind(s, id, sql, args, n, what, &st, err);
	}
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = row ? row(st, ctx) : FC_OK;
	if (!rc && src != SQLITE_DONE)
		rc = store_dbfail(s, src, what, err);
	if (id == STORE_ONCE)
		sqlite3_finalize(st); /* its error was reported above */
	else
		store_stmt_done(st);
	return rc;
}

enum fc_rc store_row_int(sqlite3_stmt *st, void *ctx)
{
	struct store_int *v = ctx;

	v->v = sqlite3_column_int64(st, 0);
	v->found = true;
	return FC_OK;
}

const char *store_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

bool store_col_copy(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	if (n >= size)
		return false;
	memcpy(out, t ? (const char *)t : "", n);
	out[n] = '\0';
	return true;
}

enum fc_rc store_run(struct store *s, enum store_stmt id, const char *sql, const char *what,
                     char *err)
{
	return store_exec(s, id, sql, STORE_NOARGS, NULL, NULL, what, err);
}

enum fc_rc store_begin(struct store *s, char *err)
{
	return store_run(s, ST_BEGIN, "BEGIN IMMEDIATE", "starting a transaction", err);
}

enum fc_rc store_commit(struct store *s, char *err)
{
	return store_run(s, ST_COMMIT, "COMMIT", "committing", err);
}

enum fc_rc store_end(struct store *s, enum fc_rc rc, char *err)
{
	if (!rc)
		rc = store_commit(s, err);
	if (rc)
		store_rollback(s);
	return rc;
}

void store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return;
	if (store_run(s, ST_ROLLBACK, "ROLLBACK", "rolling back", NULL))
		LOG_WARN("database: the transaction could not be rolled back");
}
