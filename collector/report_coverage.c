/* report_coverage.c - report coverage: per organisation, its current
 * machines by evidence (docs/reports.md, "coverage"; docs/identity.md,
 * "Sightings"). */
#include "report_coverage.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store_sighting.h"

static const char *const coverage_cols[] = {"org",
                                            "machines",
                                            "agent",
                                            "management",
                                            "directory",
                                            "agent_and_directory",
                                            "directory_only",
                                            "agent_only",
                                            "verified_pct"};
#define N_COLS (sizeof(coverage_cols) / sizeof(coverage_cols[0]))

struct cov {
	const struct report_opts *o;
	struct report_writer *w;
};

static enum fc_rc coverage_row(const struct store_coverage *c, void *ctx)
{
	struct cov *v = ctx;
	const int64_t n[] = {
	    c->machines,       c->agent,     c->management, c->directory, c->agent_and_directory,
	    c->directory_only, c->agent_only};
	char num[N_COLS][24];
	const char *row[N_COLS];
	bool isnum[N_COLS];
	size_t i;
	bool wanted = v->o->n_orgs <= 1;

	for (i = 0; i < v->o->n_orgs && !wanted; i++)
		wanted = !strcmp(v->o->orgs[i], c->org);
	if (!wanted)
		return FC_OK;
	row[0] = c->org;
	isnum[0] = false;
	for (i = 0; i < 7; i++) {
		snprintf(num[i + 1], sizeof(num[i + 1]), "%" PRId64, n[i]);
		row[i + 1] = num[i + 1];
		isnum[i + 1] = true;
	}
	if (c->directory)
		snprintf(num[8], sizeof(num[8]), "%.1f",
		         100.0 * (double)c->agent_and_directory / (double)c->directory);
	else
		num[8][0] = '\0';
	row[8] = num[8];
	isnum[8] = c->directory != 0;
	return report_writer_row(v->w, row, isnum);
}

enum fc_rc report_coverage(struct store *st, const struct report_opts *o, int64_t org_id,
                           int64_t since, struct buf *out, char *err)
{
	struct cov v = {o, report_writer_new(o->format, out, coverage_cols, N_COLS)};

	return report_writer_free(v.w,
	                          store_coverage_each(st, org_id, since, coverage_row, &v, err));
}
