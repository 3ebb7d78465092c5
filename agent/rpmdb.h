/* rpmdb.h - installed packages from an rpm database, without librpm.
 *
 * Reads all three formats rpm has used: Berkeley DB hash "Packages"
 * (rpm_bdb.c), SQLite "rpmdb.sqlite" (rpmdb.c, through libsqlite3) and ndb
 * "Packages.db" (rpm_ndb.c). Each stores one header blob per package; those
 * are checked and reported by rpm_header.c. Facts and validation rules:
 * reference/rpmdb-formats.md.
 *
 * Every reader keeps memory bounded: pages and blobs are read one at a time
 * with pread, never the whole file. On a malformed database the whole read
 * fails; packages already passed to the callback must then be discarded by
 * the caller. */
#ifndef FC_AGENT_RPMDB_H
#define FC_AGENT_RPMDB_H

#include <stddef.h>
#include <stdint.h>

#include "fc_rc.h"
#include "pkg.h"
#include "rpm_header.h"

/* Finds the rpm database below root (NULL or "/" = this host): the first of
 * rpmdb.sqlite, Packages.db and Packages in var/lib/rpm, usr/lib/sysimage/rpm
 * and usr/share/rpm (in that order; links resolved inside root; empty files
 * ignored), and tells the format from the content: SQLite magic, then ndb
 * "RpmP" version 0, then the Berkeley DB hash magic in either byte order.
 * Calls cb once per installed package except gpg-pubkey, with from "rpm",
 * version "[EPOCH:]VERSION-RELEASE" (epoch only when the header has one), arch
 * and publisher (VENDOR) "" when absent. Returns FC_OK; FC_ENOENT when root
 * holds no rpm database (the machine is not rpm-based); FC_EPARSE, FC_EIO or
 * FC_ELIMIT when the database is malformed, unreadable or too large; or the
 * callback's code. On every failure err (FC_ERRLEN bytes) holds one line
 * naming the file and the problem. Nothing is logged except warnings about
 * skipped headers and WAL content that may be missed. */
enum fc_rc rpmdb_read(const char *root, fc_pkg_cb cb, void *ctx, char *err);

/* The formats rpmdb_read() tells apart. */
enum rpmdb_format {
	RPMDB_UNKNOWN = 0,
	RPMDB_SQLITE,
	RPMDB_NDB,
	RPMDB_BDB,
};

/* Tells the format from the first len bytes of a file (32 suffice). */
enum rpmdb_format rpmdb_sniff(const unsigned char *head, size_t len);

/* Reads exactly n bytes at offset off of fd into buf, retrying on EINTR.
 * Returns FC_OK, FC_EIO with errno set, or FC_EPARSE when the file ends
 * first (a truncated database). */
enum fc_rc rpmdb_pread(int fd, void *buf, size_t n, uint64_t off);

/* Reads a Berkeley DB hash Packages file open on fd (either byte order,
 * page types 2 and 13, overflow chains), page by page in file order, and
 * sends every record except key 0 to sink. Returns FC_OK, FC_EPARSE
 * (malformed or truncated), FC_ELIMIT (a header over RPM_HEADER_MAX, too many
 * headers), FC_EIO (read error) or the callback's code, with err set. */
enum fc_rc rpm_bdb_read(int fd, struct rpm_header_sink *sink, char *err);

/* Reads an ndb Packages.db open on fd: every used slot's blob, checked
 * (magics, package index, block count, Adler-32) before it goes to sink.
 * Takes a shared flock as rpm does, waiting a few seconds at most. Codes as
 * rpm_bdb_read(). */
enum fc_rc rpm_ndb_read(int fd, struct rpm_header_sink *sink, char *err);

/* Reads the Packages table of the SQLite database at host path file
 * (a path on this machine, not below a root) read-only, creating no files
 * beside it: when the database is in WAL mode without both -wal and -shm
 * files, or when a plain read-only open fails before any row, it is read
 * with immutable=1 (with a warning when WAL content may be missed). Codes
 * as rpm_bdb_read(); SQLite's own errors give FC_EPARSE for a file that is
 * not a database or lacks the table, FC_EIO otherwise. */
enum fc_rc rpmdb_read_sqlite(const char *file, struct rpm_header_sink *sink, char *err);

#endif
