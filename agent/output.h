/* output.h - the agent's --output: the report written to a file, into a
 * directory under a new unique name, or to standard output. */
#ifndef FC_AGENT_OUTPUT_H
#define FC_AGENT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "fc_rc.h"
#include "inventory.h"

/* Writes the full report r and a newline to path, which is '-' (standard
 * output), a directory (a trailing slash, or an existing directory: a new
 * file named by output_name, never over an existing one) or a file
 * (common/outfile.h: a regular file is replaced atomically, a character
 * device or FIFO written in place). A file is written as the report is
 * built; standard output, a device and a FIFO get it built in memory
 * first, since they cannot start over if the software list fails half-way.
 * collected_at and report_id name the file in a directory; its path is
 * then said on stdout ("report written to 'DIR/NAME'") unless quiet, since
 * nobody else knows it. Logs what failed; returns FC_OK, FC_ENOMEM (the
 * report is too large to build in memory) or FC_EIO (not written). */
enum fc_rc output_write(const char *path, struct inventory *r, const char *collected_at,
                        const char *report_id, bool quiet);

/* True when path names a directory: a trailing slash (or backslash on
 * Windows), or an existing directory. */
bool output_is_dir(const char *path);

/* The file name of a report in an output directory:
 * fleetcensus-<host>-<YYYYmmddTHHMMSSZ>-<first 8 of report_id>.json, the
 * host name reduced to letters, digits, '.', '-' and '_' ("unknown" when
 * empty); collected_at is RFC 3339. Truncated to cap. */
void output_name(const char *hostname, const char *collected_at, const char *report_id, char *name,
                 size_t cap);

#endif
