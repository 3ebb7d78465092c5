/* parse_dpkg.h - parse a dpkg status database held in memory.
 *
 * The input is RFC 822-style stanzas separated by blank lines (lines holding
 * only blanks count as blank); a line starting with a space or tab continues
 * the previous field. Field names are matched case-insensitively; only
 * Package, Status, Version, Architecture and Maintainer are read. Lines end
 * with LF or CRLF; the last stanza may lack its final newline.
 *
 * Each installed package is reported with from "deb", version verbatim
 * (epoch kept), arch as written and publisher = Maintainer. A package of
 * several architectures (Multi-Arch: same) is reported once per stanza. */
#ifndef FC_AGENT_PARSE_DPKG_H
#define FC_AGENT_PARSE_DPKG_H

#include <stddef.h>

#include "fc_rc.h"
#include "pkg.h"

/* Parses /var/lib/dpkg/status: reports each stanza whose Status field's third
 * word is "installed" (so "deinstall ok installed" and "hold ok installed"
 * count; config-files, half-installed, unpacked, not-installed do not). A
 * stanza without Package is skipped (LOG_DEBUG); one without Version is
 * reported with version "". Lines without ':' are skipped.
 * err (FC_ERRLEN bytes) is "" on FC_OK. Returns FC_OK, FC_EPARSE (a NUL
 * byte; err names the line), FC_ELIMIT (a read field longer than
 * PKG_MAX_FIELD, err names the line and package; more than PKG_MAX_COUNT
 * packages) or the first code other than FC_OK that cb returns. */
enum fc_rc parse_dpkg(const char *buf, size_t len, fc_pkg_cb cb, void *ctx, char *err);

/* As parse_dpkg, for a piece of a status file that starts on line
 * first_line (from 1) of the file: the line numbers in err and in the log
 * are the file's. parse_dpkg is parse_dpkg_at with first_line 1. */
enum fc_rc parse_dpkg_at(const char *buf, size_t len, size_t first_line, fc_pkg_cb cb, void *ctx,
                         char *err);

/* As parse_dpkg, for one file of /var/lib/dpkg/status.d/ (distroless
 * images): a stanza without a Status field is an installed package. Stanzas
 * with a Status field are judged as parse_dpkg does. Other files found there
 * (*.md5sums) hold no Package field and report nothing. */
enum fc_rc parse_dpkg_statusd(const char *buf, size_t len, fc_pkg_cb cb, void *ctx, char *err);

#endif
