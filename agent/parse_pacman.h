/* parse_pacman.h - parse one pacman local database entry
 * (/var/lib/pacman/local/<name>-<version>/desc, alpm-db-desc(5)) held in
 * memory.
 *
 * The file is a list of sections: a "%NAME%" header line, value lines, and a
 * blank line. Read: %NAME%, %VERSION%, %ARCH%, %PACKAGER% (first value line
 * of each); other sections are skipped. Lines end with LF or CRLF. */
#ifndef FC_AGENT_PARSE_PACMAN_H
#define FC_AGENT_PARSE_PACMAN_H

#include <stddef.h>

#include "fc_rc.h"
#include "pkg.h"

/* Calls cb exactly once, with from "pacman", when FC_OK is returned (and not
 * at all otherwise, except when cb itself fails). err (FC_ERRLEN bytes) is
 * "" on FC_OK. Returns FC_OK, FC_EPARSE (no non-empty %NAME% or %VERSION%,
 * or a NUL byte; err says which and where), FC_ELIMIT (a read value longer
 * than PKG_MAX_FIELD, err names the line) or the code cb returns. */
enum fc_rc parse_pacman_desc(const char *buf, size_t len, fc_pkg_cb cb, void *ctx, char *err);

#endif
