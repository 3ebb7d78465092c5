/* parse_apk.h - parse an apk installed database (/lib/apk/db/installed)
 * held in memory.
 *
 * Records are separated by blank lines; each line is "X:value" with a
 * one-character, case-sensitive index (apk-package(5)). Read: P name,
 * V version, A arch, m maintainer (o origin is not part of struct fc_pkg).
 * Values are taken verbatim after the colon; lines end with LF or CRLF and
 * the last record may lack its final newline. */
#ifndef FC_AGENT_PARSE_APK_H
#define FC_AGENT_PARSE_APK_H

#include <stddef.h>

#include "fc_rc.h"
#include "pkg.h"

/* Reports every record with a non-empty P: line, with from "apk" (a record
 * without V: gets version ""). Records without P: and lines that are not
 * "X:value" are skipped (LOG_DEBUG). err (FC_ERRLEN bytes) is "" on FC_OK.
 * Returns FC_OK, FC_EPARSE (a NUL byte; err names the line), FC_ELIMIT (a
 * read value longer than PKG_MAX_FIELD, err names the line and package; more
 * than PKG_MAX_COUNT packages) or the first code other than FC_OK that cb
 * returns. */
enum fc_rc parse_apk(const char *buf, size_t len, fc_pkg_cb cb, void *ctx, char *err);

/* As parse_apk, for a piece of a database that starts on line first_line
 * (from 1) of the file: the line numbers in err and in the log are the
 * file's. parse_apk is parse_apk_at with first_line 1. */
enum fc_rc parse_apk_at(const char *buf, size_t len, size_t first_line, fc_pkg_cb cb, void *ctx,
                        char *err);

#endif
