/* report_coverage.h - report coverage (docs/reports.md): per organisation
 * its current machines by evidence: org, machines, agent, management,
 * directory, agent_and_directory, directory_only, agent_only and
 * verified_pct (agent_and_directory / directory, one decimal; empty without
 * directory machines). */
#ifndef FC_COLLECTOR_REPORT_COVERAGE_H
#define FC_COLLECTOR_REPORT_COVERAGE_H

#include <stdint.h>

#include "buf.h"
#include "fc_rc.h"
#include "report.h"
#include "store.h"

/* Writes the coverage of org_id (0: all, filtered by o->orgs) for the
 * machines last seen at or after since to out in o->format. Returns FC_OK,
 * FC_ELIMIT, FC_EDB (err set). */
enum fc_rc report_coverage(struct store *st, const struct report_opts *o, int64_t org_id,
                           int64_t since, struct buf *out, char *err);

#endif
