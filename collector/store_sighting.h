/* store_sighting.h - the sightings of other inventory sources in the
 * store, matched to machines by the rules of docs/identity.md
 * ("Sightings"), and the coverage figures they give. */
#ifndef FC_COLLECTOR_STORE_SIGHTING_H
#define FC_COLLECTOR_STORE_SIGHTING_H

#include <stddef.h>
#include <stdint.h>

#include "fc_rc.h"
#include "source.h"
#include "store.h"

/* How long a directory sighting counts after its last logon, by default
 * (--directory-window): AD's lastLogonTimestamp lags up to 14 days. */
#define STORE_DIRECTORY_WINDOW ((int64_t)90 * 86400)

struct store_sight_result {
	size_t rows; /* rows of the snapshot */
	size_t counted; /* enabled and fresh: they count */
	size_t agent; /* matched to a machine an agent reports */
	size_t ambiguous; /* two or more candidates: not merged, flagged */
	size_t removed; /* sightings of the previous snapshot not in this one */
};

/* Replaces the snapshot of source (a source_kind name) of organisation
 * org_id by the n rows, in one transaction: rows of the previous snapshot
 * that are missing are removed, each row is matched (docs/identity.md), a
 * counted row that matches no machine makes one (evidence ev), machines
 * made from sightings are reclassified from their best sighting and
 * removed when none is left. A directory row counts when enabled and its
 * last logon is within dir_window seconds of now; a management row when
 * enabled. Returns FC_OK, FC_EBUSY, FC_EDB with err set. */
enum fc_rc store_sightings_replace(struct store *s, int64_t org_id, const char *source,
                                   enum source_evidence ev, const struct sighting *rows, size_t n,
                                   int64_t now, int64_t dir_window, struct store_sight_result *res,
                                   char *err);

/* Called in the transaction of an agent report that made machine (a new
 * row id of org_id): a machine made from sightings with its hardware UUID,
 * or its host name in its DNS domain, becomes this machine (its sightings
 * move to it and it is removed), when there is exactly one. */
enum fc_rc store_sighting_adopt(struct store *s, int64_t org_id, int64_t machine, char *err);

/* store_class_groups with the machines' best evidence too (g->evidence;
 * the readiness fields ""), read from the machines themselves. */
enum fc_rc store_evidence_groups(struct store *s, int64_t org_id, int64_t since, store_class_cb cb,
                                 void *ctx, char *err);

/* One row of report coverage. */
struct store_coverage {
	const char *org;
	int64_t machines, agent, management, directory, agent_and_directory, directory_only,
	    agent_only;
};
typedef enum fc_rc (*store_coverage_cb)(const struct store_coverage *c, void *ctx);

/* Calls cb for each organisation (org_id 0: all) with its machines last
 * seen at or after since, by evidence (docs/reports.md, "coverage"). */
enum fc_rc store_coverage_each(struct store *s, int64_t org_id, int64_t since, store_coverage_cb cb,
                               void *ctx, char *err);

#endif
