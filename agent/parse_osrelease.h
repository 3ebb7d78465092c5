/* parse_osrelease.h - parse an os-release(5) file held in memory.
 *
 * The syntax follows systemd's env-file reader: KEY=value lines, '#' and ';'
 * comment lines, blank lines, single quotes (no escapes inside), double
 * quotes (backslash escapes \" \\ \$ \` ; a backslash before any other
 * character is kept), unquoted values (a backslash takes the next character
 * literally, trailing blanks are dropped), adjacent quoted parts joined,
 * backslash-newline continues a value, no variable expansion. LF, CRLF and a
 * lone CR end a line.
 *
 * Deliberate differences from systemd, for robustness against broken files:
 * - a quote left open at the end of a line ends the value there (systemd
 *   would run on to the next matching quote, swallowing later lines);
 * - keys must match [A-Za-z_][A-Za-z0-9_]*; lines with another key, or with
 *   no '=', are skipped and counted (not an error);
 * - values are kept byte for byte: invalid UTF-8 is neither dropped nor
 *   repaired here (the JSON layer does that).
 * Unknown keys are kept; a repeated key is kept twice (kvlist_get returns
 * the last, as systemd does). */
#ifndef FC_AGENT_PARSE_OSRELEASE_H
#define FC_AGENT_PARSE_OSRELEASE_H

#include <stddef.h>

#include "fc_rc.h"
#include "kvlist.h"

#define PARSE_OSRELEASE_MAX_LINE (64u << 10) /* longest physical line or value */
#define PARSE_OSRELEASE_MAX_KEYS 1024 /* most assignments kept */

/* Parses the len bytes at buf (NULL allowed when len is 0) into out, in file
 * order. out need not be initialised: it is initialised here, and is empty
 * again (nothing to free) unless FC_OK is returned; on FC_OK the caller
 * releases it with kvlist_release. err (FC_ERRLEN bytes) is "" on FC_OK.
 * Returns FC_OK (also for a file with no keys), FC_EPARSE (a NUL byte; err
 * names the line) or FC_ELIMIT (a line or value longer than
 * PARSE_OSRELEASE_MAX_LINE, more than PARSE_OSRELEASE_MAX_KEYS keys). */
enum fc_rc parse_osrelease(const char *buf, size_t len, struct kvlist *out, char *err);

/* As parse_osrelease; also stores in *skipped (when not NULL) how many lines
 * were skipped for having no '=' or an invalid key. */
enum fc_rc parse_osrelease_ex(const char *buf, size_t len, struct kvlist *out, size_t *skipped,
                              char *err);

#endif
