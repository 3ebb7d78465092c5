/* campaign_int.h - what campaign.c, campaign_cost.c share: a campaign read
 * from the store, its rows as show lists them, and a table of cells that is
 * rendered as a report (table, CSV, JSON) or an XLSX sheet. Private to
 * campaigns. */
#ifndef FC_COLLECTOR_CAMPAIGN_INT_H
#define FC_COLLECTOR_CAMPAIGN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "campaign.h"
#include "fc_rc.h"
#include "lifecycle.h"
#include "store.h"

/* A campaign as stored, its strings owned (camp_release frees them). */
struct camp {
	int64_t id;
	char *name, *products, *split, *as_of, *deadline, *prices, *fees;
	int64_t horizon_months, min_cell, created, closed;
};

/* Reads campaign name into c. FC_ENOENT when there is none. */
enum fc_rc camp_get(struct store *st, const char *name, struct camp *c, char *err);
void camp_release(struct camp *c);

/* One row of a campaign's table: an organisation's machines of one product,
 * edition, release, arch (and split value), frozen (signed) or live
 * (joined). Strings owned. */
struct crow {
	char *product, *edition, *release, *arch, *split, *status, *org;
	const char *state; /* "signed" or "joined" (static) */
	int64_t org_id, signed_at, joined_at, machines;
};
struct crows {
	struct crow *v;
	size_t n, cap;
};

/* Collects the rows of campaign c's joined and signed organisations (only
 * org_id's when not 0), ordered by product, edition, release, arch, split,
 * then organisation. */
enum fc_rc crows_collect(struct store *st, const struct lifecycle *lc, const struct camp *c,
                         int64_t org_id, struct crows *out, char *err);
void crows_release(struct crows *r);
/* Appends the live rows of member m (as joined: the tender report's rows of
 * its organisation, the campaign's products only) to out. */
struct store_member;
enum fc_rc crows_live(struct store *st, const struct lifecycle *lc, const struct camp *c,
                      const struct store_member *m, struct crows *out, char *err);

/* A table: ncols columns, rows of cells (copied), each cell a number the
 * collector computed or text. */
struct ctable {
	const char *name; /* the XLSX sheet's name */
	const char *const *cols;
	size_t ncols, nrows, cap;
	char **cells;
	bool *num;
};
void ctable_init(struct ctable *t, const char *name, const char *const *cols, size_t ncols);
void ctable_row(struct ctable *t, const char *const *v, const bool *num);
void ctable_release(struct ctable *t);
/* Renders the n tables to out: XLSX one sheet each; the other formats
 * take only the first. Returns FC_OK, FC_ELIMIT, FC_EIO. */
enum fc_rc ctable_render(struct ctable *t, size_t n, enum campaign_format fmt, struct buf *out,
                         char *err);

/* Checks the price and fee schedules (campaign_cost.c); err names the
 * file, line and column of the first error. FC_OK, FC_EUSAGE. */
enum fc_rc camp_schedules_check(const struct campaign_spec *spec, char *err);

#endif
