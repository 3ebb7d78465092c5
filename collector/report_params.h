/* report_params.h - which parameters each report kind takes: one table for
 * the command line (report KIND --min-cell K) and HTTP
 * (/api/v1/reports/KIND?min_cell=K), so that an option or a parameter that
 * does not apply is refused, never silently ignored. Parameters go by their
 * HTTP names; the command line's are the same with '-' for '_' (as-of,
 * horizon-months, min-cell). */
#ifndef FC_COLLECTOR_REPORT_PARAMS_H
#define FC_COLLECTOR_REPORT_PARAMS_H

#include <stdbool.h>

/* True when kind is a report kind (machines, counts, tender, ...). */
bool report_kind_known(const char *kind);

/* True when param is a parameter of some report kind. */
bool report_param_known(const char *param);

/* True when the report kind takes param. An unknown kind takes nothing. */
bool report_param_applies(const char *kind, const char *param);

#endif
