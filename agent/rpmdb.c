/* rpmdb.c - find the rpm database below a root, tell its format, read it.
 *
 * The Berkeley DB and ndb readers live in rpm_bdb.c and rpm_ndb.c; the
 * SQLite reader is here, a thin layer over libsqlite3. */
#include "rpmdb.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "log.h"
#include "rootfs.h"

#define RPMDB_SQLITE_BUSY_MS 5000
#define RPMDB_SQLITE_ROW_MAX ((int)RPM_HEADER_MAX + 64) /* one blob and its hnum */
#define RPMDB_SNIFF_LEN 32
#define RPMDB_URI_MAX (3 * PATH_MAX + 64)

/* Where rpm keeps its database, and the file names of its three formats in
 * the order rpm itself probes them. */
static const char *const rpmdb_dirs[] = {"/var/lib/rpm", "/usr/lib/sysimage/rpm", "/usr/share/rpm"};
static const char *const rpmdb_names[] = {"rpmdb.sqlite", "Packages.db", "Packages"};

enum fc_rc rpmdb_pread(int fd, void *buf, size_t n, uint64_t off)
{
	const uint64_t max = sizeof(off_t) >= 8 ? (uint64_t)INT64_MAX : (uint64_t)INT32_MAX;
	unsigned char *p = buf;
	size_t got = 0;
	ssize_t r;

	if (off > max || n > max - off) {
		errno = EOVERFLOW;
		return FC_EIO;
	}
	while (got < n) {
		r = pread(fd, p + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return FC_EIO;
		if (r == 0)
			return FC_EPARSE;
		got += (size_t)r;
	}
	return FC_OK;
}

enum rpmdb_format rpmdb_sniff(const unsigned char *head, size_t len)
{
	static const unsigned char bdb_le[4] = {0x61, 0x15, 0x06, 0x00};
	static const unsigned char bdb_be[4] = {0x00, 0x06, 0x15, 0x61};
	static const unsigned char ndb_v0[8] = {'R', 'p', 'm', 'P', 0, 0, 0, 0};

	if (len >= 16 && !memcmp(head, "SQLite format 3", 16))
		return RPMDB_SQLITE;
	if (len >= 8 && !memcmp(head, ndb_v0, sizeof(ndb_v0)))
		return RPMDB_NDB;
	if (len >= 16 && (!memcmp(head + 12, bdb_le, 4) || !memcmp(head + 12, bdb_be, 4)))
		return RPMDB_BDB;
	return RPMDB_UNKNOWN;
}

/* Appends file to uri as a SQLite "file:" URI with the read-only query. */
static enum fc_rc sqlite_uri(const char *file, bool immutable, struct buf *uri)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)file;
	enum fc_rc rc;

	while (p[0] == '/' && p[1] == '/')
		p++; /* "file://" would start an authority */
	rc = buf_addstr(uri, "file:");
	for (; *p && !rc; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p))
			rc = buf_addc(uri, (char)*p);
		else
			rc = buf_printf(uri, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	if (!rc)
		rc = buf_addstr(uri, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
	return rc;
}

/* Describes SQLite failure code in err; returns FC_EPARSE when the file is
 * no usable rpm database, FC_EIO otherwise. SQLite's message may quote the
 * file's schema text, line ends included: control characters become
 * spaces, so that err stays one line. */
static enum fc_rc sqlite_fail(sqlite3 *db, int code, const char *path, char *err)
{
	int primary = code & 0xff;
	char *p;

	snprintf(err, FC_ERRLEN, "'%s': sqlite: %s", path,
	         db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
	for (p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT || primary == SQLITE_ERROR)
		return FC_EPARSE;
	return primary == SQLITE_TOOBIG ? FC_ELIMIT : FC_EIO;
}

/* Whether a failure with code, before any row, may go away with immutable=1
 * (a WAL database whose -shm cannot be used, a hot journal, a lock). */
static bool sqlite_retryable(int code)
{
	int primary = code & 0xff;

	return primary != SQLITE_OK && primary != SQLITE_ROW && primary != SQLITE_DONE &&
	       primary != SQLITE_NOTADB && primary != SQLITE_CORRUPT && primary != SQLITE_ERROR &&
	       primary != SQLITE_TOOBIG;
}

/* Steps through SELECT hnum, blob; *code gets the last SQLite code. */
static enum fc_rc sqlite_rows(sqlite3 *db, sqlite3_stmt *st, struct rpm_header_sink *sink,
                              int *code, char *err)
{
	char where[48];
	const void *blob;
	int len;
	enum fc_rc rc;

	for (;;) {
		*code = sqlite3_step(st);
		if (*code == SQLITE_DONE)
			return FC_OK;
		if (*code != SQLITE_ROW)
			return sqlite_fail(db, *code, sink->path, err);
		snprintf(where, sizeof(where), "hnum %lld", (long long)sqlite3_column_int64(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_BLOB) {
			snprintf(err, FC_ERRLEN, "'%s': %s: blob column holds no BLOB", sink->path,
			         where);
			return FC_EPARSE;
		}
		blob = sqlite3_column_blob(st, 1);
		len = sqlite3_column_bytes(st, 1);
		if (!blob && len > 0)
			return sqlite_fail(db, sqlite3_errcode(db), sink->path, err);
		rc = rpm_header_emit(sink, blob, (size_t)len, where, err);
		if (rc)
			return rc;
	}
}

/* One read of the Packages table through a read-only connection. *retry is
 * set when it failed before any header in a way immutable=1 may cure. */
static enum fc_rc sqlite_attempt(const char *file, bool immutable, struct rpm_header_sink *sink,
                                 bool *retry, char *err)
{
	struct buf uri;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned long seen = sink->seen;
	int code;
	enum fc_rc rc;

	buf_init(&uri, RPMDB_URI_MAX);
	*retry = false;
	if (sqlite_uri(file, immutable, &uri)) {
		snprintf(err, FC_ERRLEN, "'%s': host path too long", sink->path);
		rc = FC_ELIMIT;
		goto out;
	}
	code = sqlite3_open_v2(uri.ptr, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	if (code == SQLITE_OK)
		code = sqlite3_busy_timeout(db, RPMDB_SQLITE_BUSY_MS);
	if (code == SQLITE_OK) /* a larger row fails with SQLITE_TOOBIG, unread */
		(void)sqlite3_limit(db, SQLITE_LIMIT_LENGTH, RPMDB_SQLITE_ROW_MAX);
	if (code == SQLITE_OK)
		code = sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &st, NULL);
	if (code == SQLITE_OK)
		rc = sqlite_rows(db, st, sink, &code, err);
	else
		rc = sqlite_fail(db, code, sink->path, err);
	*retry = rc && sink->seen == seen && sqlite_retryable(code);
	(void)sqlite3_finalize(st); /* repeats the last step's error, already handled */
	code = sqlite3_close(db);
	if (code != SQLITE_OK && !rc) {
		snprintf(err, FC_ERRLEN, "'%s': sqlite: cannot close: %s", sink->path,
		         sqlite3_errstr(code));
		rc = FC_EIO;
	}
out:
	buf_release(&uri);
	return rc;
}

/* Sets *wal when the database header says WAL mode (bytes 18 and 19). */
static enum fc_rc sqlite_is_wal(const char *file, const char *path, bool *wal, char *err)
{
	unsigned char head[20];
	enum fc_rc rc;
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	*wal = false;
	if (fd < 0) {
		snprintf(err, FC_ERRLEN, "'%s': cannot open: %s", path, strerror(errno));
		return FC_EIO;
	}
	rc = rpmdb_pread(fd, head, sizeof(head), 0);
	if (rc == FC_EIO)
		snprintf(err, FC_ERRLEN, "'%s': cannot read: %s", path, strerror(errno));
	else if (rc)
		snprintf(err, FC_ERRLEN, "'%s': too short for a SQLite database", path);
	close(fd);
	if (!rc)
		*wal = head[18] == 2 || head[19] == 2;
	return rc;
}

static bool sidecar_exists(const char *file, const char *suffix)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s%s", file, suffix);

	return n > 0 && (size_t)n < sizeof(path) && lstat(path, &st) == 0;
}

enum fc_rc rpmdb_read_sqlite(const char *file, struct rpm_header_sink *sink, char *err)
{
	bool wal, retry, immutable, has_wal;
	enum fc_rc rc;

	rc = sqlite_is_wal(file, sink->path, &wal, err);
	if (rc)
		return rc;
	has_wal = sidecar_exists(file, "-wal");
	/* A read-only connection would create missing -wal/-shm files. */
	immutable = wal && !(has_wal && sidecar_exists(file, "-shm"));
	if (immutable && has_wal)
		LOG_WARN("'%s': WAL file without -shm; reading with immutable=1, uncheckpointed "
		         "WAL content may be missed",
		         sink->path);
	rc = sqlite_attempt(file, immutable, sink, &retry, err);
	if (!rc || !retry || immutable)
		return rc;
	LOG_WARN("'%s': read-only open failed (%s); retrying with immutable=1, uncheckpointed WAL "
	         "content may be missed",
	         sink->path, err);
	return sqlite_attempt(file, true, sink, &retry, err);
}

/* Opens path below root when it is a non-empty regular file. Returns the
 * fd, or -1 with *rc FC_ENOENT (absent or empty: try the next candidate) or
 * another code and err set. */
static int candidate_open(const char *root, const char *path, off_t *size, enum fc_rc *rc,
                          char *err)
{
	struct stat st;
	int fd = rootfs_open(root, path, O_NONBLOCK, rc, err);

	if (fd < 0)
		return -1;
	*rc = FC_OK;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, FC_ERRLEN, "'%s' is not a regular file", path);
		*rc = FC_EIO;
	} else if (st.st_size == 0) {
		LOG_WARN("'%s' is empty; ignored", path);
		*rc = FC_ENOENT;
	}
	if (*rc) {
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

/* Reads the database open on fd, of size bytes, as its content says. */
static enum fc_rc read_database(const char *root, int fd, off_t size, struct rpm_header_sink *sink,
                                char *err)
{
	unsigned char head[RPMDB_SNIFF_LEN];
	size_t n = size < RPMDB_SNIFF_LEN ? (size_t)size : RPMDB_SNIFF_LEN;
	struct buf host;
	enum fc_rc rc = rpmdb_pread(fd, head, n, 0);

	if (rc) {
		snprintf(err, FC_ERRLEN, "'%s': cannot read: %s", sink->path,
		         rc == FC_EIO ? strerror(errno) : "file shrank");
		return rc == FC_EIO ? FC_EIO : FC_EPARSE;
	}
	switch (rpmdb_sniff(head, n)) {
	case RPMDB_BDB: return rpm_bdb_read(fd, sink, err);
	case RPMDB_NDB: return rpm_ndb_read(fd, sink, err);
	case RPMDB_SQLITE: break;
	case RPMDB_UNKNOWN:
		snprintf(err, FC_ERRLEN,
		         "'%s': not an rpm database (no SQLite, ndb or Berkeley DB hash magic)",
		         sink->path);
		return FC_EPARSE;
	}
	buf_init(&host, PATH_MAX);
	rc = rootfs_resolve(root, sink->path, &host, err);
	if (!rc)
		rc = rpmdb_read_sqlite(buf_cstr(&host), sink, err);
	buf_release(&host);
	return rc;
}

enum fc_rc rpmdb_read(const char *root, fc_pkg_cb cb, void *ctx, char *err)
{
	struct rpm_header_sink sink;
	char path[64];
	size_t d, f;
	off_t size;
	int fd;
	enum fc_rc rc;

	err[0] = '\0';
	for (d = 0; d < sizeof(rpmdb_dirs) / sizeof(rpmdb_dirs[0]); d++) {
		for (f = 0; f < sizeof(rpmdb_names) / sizeof(rpmdb_names[0]); f++) {
			snprintf(path, sizeof(path), "%s/%s", rpmdb_dirs[d], rpmdb_names[f]);
			fd = candidate_open(root, path, &size, &rc, err);
			if (fd < 0 && rc == FC_ENOENT)
				continue;
			if (fd < 0)
				return rc;
			rpm_header_sink_init(&sink, path, cb, ctx);
			rc = read_database(root, fd, size, &sink, err);
			close(fd);
			if (!rc)
				err[0] = '\0'; /* drop messages about absent candidates */
			return rc;
		}
	}
	snprintf(err, FC_ERRLEN, "no rpm database below '%s'", root ? root : "/");
	return FC_ENOENT;
}
