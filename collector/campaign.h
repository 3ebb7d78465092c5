/* campaign.h - joint tender campaigns (docs/campaigns.md, issue 18): an
 * admin creates a campaign; each organisation's manager joins, signs
 * (freezing its rows) or withdraws until the deadline or close; show lists
 * the joined organisations' rows and the totals, cost forecasts what it
 * costs. One implementation behind the CLI (campaign_cli.c) and HTTP
 * (http_campaigns.c); every change is appended to the audit log. */
#ifndef FC_COLLECTOR_CAMPAIGN_H
#define FC_COLLECTOR_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "buf.h"
#include "fc_rc.h"
#include "lifecycle.h"
#include "store.h"

/* Who asks: the local command line is an admin; over HTTP (or the CLI's
 * --token-file) the token's role and organisation. who is what the log
 * and signed_by record: "cli:USER" or "token:ID". */
struct campaign_actor {
	enum token_role role;
	int64_t org_id; /* the token's organisation, 0 for admin */
	char who[80];
};

/* Fills a as the local admin: who is "cli:" and the effective user's name
 * (or "cli:uid N"). */
void campaign_actor_cli(struct campaign_actor *a);

/* The time campaigns take as now: FC_TEST_NOW (test-only; "YYYY-MM-DD" or
 * "YYYY-MM-DDThh:mm:ssZ") when set, else the clock. The only place the
 * variable is read. */
int64_t campaign_now(void);

struct campaign_spec {
	const char *name;
	const char *products; /* os_product names, comma-separated */
	const char *split; /* NULL or "": none; "win11": a line per Windows 11 verdict */
	const char *as_of; /* YYYY-MM-DD */
	long horizon_months;
	const char *deadline; /* YYYY-MM-DD: the last day changes are taken */
	long min_cell;
	const char *prices, *fees; /* the schedules' CSV text, NULL when none */
	size_t prices_len, fees_len;
	const char *prices_name, *fees_name; /* their file names, for errors */
};

enum campaign_action { CAMPAIGN_JOIN, CAMPAIGN_SIGN, CAMPAIGN_WITHDRAW };

/* "join", "sign", "withdraw"; false when name is none of them. */
bool campaign_action_parse(const char *name, enum campaign_action *a);

enum campaign_format { CAMPAIGN_TABLE = 0, CAMPAIGN_CSV, CAMPAIGN_JSON, CAMPAIGN_XLSX };

/* Parses "table", "csv", "json", "xlsx". */
bool campaign_format_parse(const char *name, enum campaign_format *f);

/* The error codes below: FC_EUSAGE (bad value; err names it, a schedule's
 * error names the file, line and column), FC_ENOENT (no such campaign or
 * organisation), FC_EPERM (the actor may not), FC_EREFUSED (the campaign
 * is final, or the organisation is not in the state the action needs),
 * FC_EEXIST (a name taken, an organisation joined already), FC_EBUSY,
 * FC_EDB, FC_ELIMIT. Nothing is stored when an error is returned. */

/* Creates a campaign (admin). The schedules are checked and stored with it. */
enum fc_rc campaign_create(struct store *st, const struct campaign_spec *spec,
                           const struct campaign_actor *a, char *err);
/* Joins, signs (freezing the organisation's rows as they are now) or
 * withdraws organisation org from campaign name. */
enum fc_rc campaign_act(struct store *st, const struct lifecycle *lc, const char *name,
                        const char *org, enum campaign_action action,
                        const struct campaign_actor *a, char *err);
/* Closes campaign name (admin): its table is final. */
enum fc_rc campaign_close(struct store *st, const char *name, const struct campaign_actor *a,
                          char *err);

/* Appends campaign name's table to out (docs/campaigns.md): an admin sees
 * every joined organisation and the ALL lines, a manager or reader its own
 * organisation's rows. */
enum fc_rc campaign_show(struct store *st, const struct lifecycle *lc, const char *name,
                         const struct campaign_actor *a, enum campaign_format fmt, struct buf *out,
                         char *err);
/* Appends campaign name's cost forecast (admin, or a manager or reader for
 * its own organisation): per organisation and ESU year, then ALL per year. */
enum fc_rc campaign_cost(struct store *st, const struct lifecycle *lc, const char *name,
                         const struct campaign_actor *a, enum campaign_format fmt, struct buf *out,
                         char *err);
/* Appends the list of campaigns (not to an agent token). */
enum fc_rc campaign_list(struct store *st, const struct campaign_actor *a, enum campaign_format fmt,
                         struct buf *out, char *err);
/* Appends campaign name's audit log (admin). */
enum fc_rc campaign_log(struct store *st, const char *name, const struct campaign_actor *a,
                        enum campaign_format fmt, struct buf *out, char *err);

/* Sets organisation org's attribute key to value (admin; the CLI's org
 * set): "kind" (1 to 64 bytes), "population" (a whole number), or a free
 * key of letters, digits, '_', '-', '.' (1 to 64 bytes); value NULL removes
 * it. Logged like a campaign change, under campaign "". */
enum fc_rc campaign_org_set(struct store *st, const char *org, const char *key, const char *value,
                            const struct campaign_actor *a, char *err);

/* The size bands of a fee schedule (docs/campaigns.md), for report counts
 * --by size_band. */
struct campaign_bands;
/* Reads the fee schedule at path (at most 1 MiB); err names the file, line
 * and column of an error. Returns FC_OK (*out freed by the caller with
 * campaign_bands_free), FC_EUSAGE, FC_ENOENT, FC_EIO. */
enum fc_rc campaign_bands_load(const char *path, struct campaign_bands **out, char *err);
void campaign_bands_free(struct campaign_bands *b);
/* Writes organisation org's size band (by its population attribute) to
 * out: "unknown" when it has no population or no band holds it. */
enum fc_rc campaign_size_band(struct store *st, const struct campaign_bands *b, const char *org,
                              char *out, size_t size, char *err);

#endif
