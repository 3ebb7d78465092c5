/* report.h - the collector's reports: machines, counts, tender, software,
 * trend, stale. The same code serves the CLI (fleetcensus-collector report
 * KIND) and HTTP (GET /api/v1/reports/KIND), so both give the same output.
 * Formats and columns are documented in docs/reports.md. */
#ifndef FC_COLLECTOR_REPORT_H
#define FC_COLLECTOR_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "fc_rc.h"
#include "lifecycle.h"
#include "store.h"

enum report_format { REPORT_TABLE = 0, REPORT_CSV, REPORT_JSON };

#define REPORT_MAX_ORGS 64

struct report_opts {
	const char *kind; /* machines, counts, tender, software, trend, stale */
	enum report_format format; /* table for people (default), csv with a header, json array */
	char as_of[11]; /* YYYY-MM-DD; "" = today (UTC) */
	long window_days; /* machines not seen within this are left out (default 30) */
	long horizon_months; /* tender: support ending by as_of + horizon (default 0) */
	long min_cell; /* tender: counts below this shown as "<K" (0 = off) */
	const char *orgs[REPORT_MAX_ORGS]; /* --org NAME...; none = every organisation */
	size_t n_orgs;
	const char *by; /* counts: comma-separated fields */
	const char *name_pattern; /* software: name pattern ('*' '?', case-insensitive) */
	const char *version_pattern; /* software: version pattern, NULL = any */
	const char *product; /* trend: os_product */
	const char *host_pattern; /* machines, stale: hostname pattern, NULL = any */
	const char *software_pattern; /* machines, stale: has software named so, NULL = any */
	char from[11], to[11]; /* trend: date range, "" = open */
};

/* Sets the defaults above. */
void report_opts_default(struct report_opts *o);

/* Appends s to out as one RFC 4180 CSV field (textesc_csv: control and
 * bidirectional characters escaped, a "'" before a leading '=', '+', '-',
 * '@', quoted when it holds a comma or a quote), then a comma or (last) the
 * CRLF that ends the row. Returns FC_OK or FC_ELIMIT. */
enum fc_rc report_csv_field(struct buf *out, const char *s, bool last);

/* Takes today's (UTC) snapshot of the counts if none was taken yet, as the
 * day's first report or ingest does; a failure (a read-only database) only
 * misses it and is logged at debug level. The caller holds st. */
void report_snapshot_today(struct store *st);

/* Runs one report over st with catalogue lc and appends its text to out.
 * Returns FC_OK, FC_EUSAGE (bad kind, field or option: err says which),
 * FC_ENOENT (an --org that does not exist), FC_EDB. */
enum fc_rc report_run(struct store *st, const struct lifecycle *lc, const struct report_opts *o,
                      struct buf *out, char *err);

#endif
