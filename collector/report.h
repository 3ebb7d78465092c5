/* report.h - the collector's reports: machines, counts, tender, software,
 * trend, stale, readiness. The same code serves the CLI (fleetcensus-collector report
 * KIND) and HTTP (GET /api/v1/reports/KIND), so both give the same output.
 * Formats and columns are documented in docs/reports.md. */
#ifndef FC_COLLECTOR_REPORT_H
#define FC_COLLECTOR_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fc_rc.h"
#include "lifecycle.h"
#include "store.h"

struct campaign_bands;

enum report_format { REPORT_TABLE = 0, REPORT_CSV, REPORT_JSON };

#define REPORT_MAX_ORGS 64

struct report_opts {
	const char *kind; /* machines, counts, tender, software, trend, stale, readiness */
	enum report_format format; /* table for people (default), csv with a header, json array */
	char as_of[11]; /* YYYY-MM-DD; "" = today (UTC) */
	long window_days; /* machines not seen within this are left out (default 30) */
	long horizon_months; /* tender: support ending by as_of + horizon (default 0) */
	long min_cell; /* tender: counts below this shown as "<K" (0 = off) */
	const char *split; /* tender: NULL, or "win11" (a line per verdict) */
	const char *orgs[REPORT_MAX_ORGS]; /* --org NAME...; none = every organisation */
	size_t n_orgs;
	const char *by; /* counts: comma-separated fields */
	const char *name_pattern; /* software: name pattern ('*' '?', case-insensitive) */
	const char *version_pattern; /* software: version pattern, NULL = any */
	const char *product; /* trend: os_product */
	const char *host_pattern; /* machines, stale: hostname pattern, NULL = any */
	const char *software_pattern; /* machines, stale: has software named so, NULL = any */
	char from[11], to[11]; /* trend: date range, "" = open */
	const struct campaign_bands *bands; /* counts --by size_band: a fee schedule's bands */
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

/* ---- for other tables (campaign.c) ---- */

/* The table/CSV/JSON writer of the reports, for a table of ncols (at most
 * 16) columns named cols (kept, not copied): the CSV header comes first,
 * every cell is made inert for its format as in the reports. The caller
 * frees it with report_writer_free, which ends the output. */
struct report_writer;
struct report_writer *report_writer_new(enum report_format fmt, struct buf *out,
                                        const char *const *cols, size_t ncols);
/* Adds a row of ncols strings; num (NULL: none) marks the numbers the
 * collector computed. Returns FC_OK or FC_ELIMIT. */
enum fc_rc report_writer_row(struct report_writer *rw, const char *const *v, const bool *num);
/* Ends the output (the table itself, the JSON array's end) when rc is FC_OK
 * and frees rw (NULL accepted). Returns rc or the writer's error. */
enum fc_rc report_writer_free(struct report_writer *rw, enum fc_rc rc);

/* as_of ("YYYY-MM-DD") plus months, the day clamped to the month's end. */
void report_add_months(const char *as_of, long months, char out[11]);

/* One row of the tender report before --min-cell: an organisation's
 * machines of one product, edition, release, arch (and with o->split
 * "win11" Windows 11 verdict, else win11 is "") whose support (at as_of +
 * horizon) is esu or eol. Valid during the callback only. */
struct report_tender_row {
	const char *org, *os_product, *os_edition, *os_release, *arch, *win11;
	const char *support_status, *support_end;
	int64_t machines;
};
typedef enum fc_rc (*report_tender_cb)(const struct report_tender_row *row, void *ctx);

/* Calls cb for each row the tender report would count (o's as_of, window,
 * horizon_months, orgs and split; not min_cell or format), ordered by
 * product, edition, release, arch, [win11,] organisation. Returns FC_OK, cb's code,
 * FC_EUSAGE, FC_ENOENT, FC_EDB (err set). */
enum fc_rc report_tender_each(struct store *st, const struct lifecycle *lc,
                              const struct report_opts *o, report_tender_cb cb, void *ctx,
                              char *err);

#endif
