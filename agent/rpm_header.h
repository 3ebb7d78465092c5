/* rpm_header.h - the header blob an rpm database stores for each package.
 *
 * All three database formats (Berkeley DB, SQLite, ndb) hold the same blob:
 * il, dl, il 16-byte index entries and dl bytes of data, all big-endian.
 * rpm_header_parse() validates a blob the way rpm 4.18 does (plus the extra
 * hardening in reference/rpmdb-formats.md section 1.5) and picks out the
 * fields a package list needs. rpm_header_emit() turns a blob into one
 * fc_pkg for a reader's callback. */
#ifndef FC_AGENT_RPM_HEADER_H
#define FC_AGENT_RPM_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_rc.h"
#include "pkg.h"

/* Largest header blob accepted. rpm allows 256 MiB; real headers stay far
 * below 64 MiB, so anything larger is refused with FC_ELIMIT. */
#define RPM_HEADER_MAX ((size_t)64 << 20)

/* Most headers one database may hold, counting skipped ones. */
#define RPM_HEADER_MAX_SEEN (2 * PKG_MAX_COUNT)

/* The fields of one header. String pointers point into the parsed blob, are
 * NUL-terminated there and stay valid as long as the blob; NULL when the tag
 * is absent. */
struct rpm_header_info {
	const char *name; /* NAME 1000 */
	const char *version; /* VERSION 1001 */
	const char *release; /* RELEASE 1002 */
	const char *arch; /* ARCH 1022 */
	const char *vendor; /* VENDOR 1011 */
	bool has_epoch; /* EPOCH 1003 present */
	uint32_t epoch;
};

/* Validates the len-byte header blob and fills out (set on every path).
 * A pure function: no I/O, no allocation, no logging. Returns FC_OK,
 * FC_EPARSE for a malformed blob or FC_ELIMIT for one larger than
 * RPM_HEADER_MAX, with err (FC_ERRLEN bytes) saying what is wrong. */
enum fc_rc rpm_header_parse(const unsigned char *blob, size_t len, struct rpm_header_info *out,
                            char *err);

/* Where a database reader sends its headers. */
struct rpm_header_sink {
	const char *path; /* database path shown in messages */
	fc_pkg_cb cb; /* called once per reported package */
	void *ctx; /* handed to cb */
	unsigned long seen; /* headers handed to rpm_header_emit() so far */
	unsigned long packages; /* packages reported through cb so far */
};

/* Prepares sink for one database; path must outlive the sink. Cannot fail. */
void rpm_header_sink_init(struct rpm_header_sink *sink, const char *path, fc_pkg_cb cb, void *ctx);

/* Parses blob, record where (e.g. "record 5 (page 1)") of sink->path, and
 * reports it through sink->cb as a package with from "rpm" and version
 * "[EPOCH:]VERSION-RELEASE". Headers without a NAME are skipped with a
 * warning, as rpm does; gpg-pubkey headers are skipped silently. Returns
 * FC_OK, FC_EPARSE or FC_ELIMIT (bad blob, too many headers) or the
 * callback's code, with err naming the file, the record and the problem. */
enum fc_rc rpm_header_emit(struct rpm_header_sink *sink, const unsigned char *blob, size_t len,
                           const char *where, char *err);

#endif
