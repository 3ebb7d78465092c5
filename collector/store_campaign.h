/* store_campaign.h - the store's part of campaigns (docs/campaigns.md):
 * organisation attributes, campaigns, their members, the rows frozen at
 * signing, and the append-only audit log. The rules (who may do what,
 * when) are campaign.c's; these functions only read and write. */
#ifndef FC_COLLECTOR_STORE_CAMPAIGN_H
#define FC_COLLECTOR_STORE_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_rc.h"
#include "store.h"

/* The longest attribute key and value (bytes). */
#define STORE_ATTR_KEY_MAX 64
#define STORE_ATTR_VALUE_MAX 200

/* A write transaction (BEGIN IMMEDIATE) around several calls below, so that
 * a rule checked is still true when its change is stored. Returns FC_OK,
 * FC_EBUSY, FC_EDB. */
enum fc_rc store_campaign_begin(struct store *s, char *err);
/* Ends it: commits when rc is FC_OK, else (or when the commit fails) rolls
 * it back (failures of the rollback only logged). Returns rc or the
 * commit's failure. */
enum fc_rc store_campaign_end(struct store *s, enum fc_rc rc, char *err);

/* ---- organisation attributes ---- */

/* Sets (value NULL: removes) attribute key of organisation org_id. */
enum fc_rc store_org_attr_set(struct store *s, int64_t org_id, const char *key, const char *value,
                              char *err);
/* Copies the value of attribute key into out (size bytes); *found false
 * (out "") when it is not set. */
enum fc_rc store_org_attr_get(struct store *s, int64_t org_id, const char *key, char *out,
                              size_t size, bool *found, char *err);

/* ---- campaigns ---- */

struct store_campaign {
	int64_t id;
	const char *name;
	const char *products; /* os_product names, comma-separated */
	const char *split; /* "" or the split column ("win11") */
	const char *as_of; /* YYYY-MM-DD */
	int64_t horizon_months;
	const char *deadline; /* YYYY-MM-DD, the last day changes are taken */
	int64_t min_cell;
	const char *prices, *fees; /* the schedules' CSV text, "" when none */
	int64_t created;
	int64_t closed; /* Unix time, 0 while open */
};
typedef enum fc_rc (*store_campaign_cb)(const struct store_campaign *c, void *ctx);

/* Stores a new campaign (c->id and c->closed ignored). FC_EEXIST when the
 * name is taken. */
enum fc_rc store_campaign_add(struct store *s, const struct store_campaign *c, int64_t *id,
                              char *err);
/* Calls cb with campaign name (strings valid during the call only).
 * FC_ENOENT (err says so) when there is none. */
enum fc_rc store_campaign_get(struct store *s, const char *name, store_campaign_cb cb, void *ctx,
                              char *err);
/* Calls cb for every campaign, by name. */
enum fc_rc store_campaign_each(struct store *s, store_campaign_cb cb, void *ctx, char *err);
/* Marks campaign id closed at time at. */
enum fc_rc store_campaign_close(struct store *s, int64_t id, int64_t at, char *err);

/* ---- members ---- */

struct store_member {
	int64_t org_id;
	char org[201];
	char state[12]; /* joined, signed, withdrawn */
	int64_t joined_at, signed_at; /* Unix time; signed_at 0 when not signed */
	char signed_by[80];
};
typedef enum fc_rc (*store_member_cb)(const struct store_member *m, void *ctx);

/* Reads organisation org_id's membership of campaign campaign_id into m;
 * *found false (m zeroed) when it never joined. */
enum fc_rc store_member_get(struct store *s, int64_t campaign_id, int64_t org_id,
                            struct store_member *m, bool *found, char *err);
/* Stores m (insert or replace: state, times, signed_by). */
enum fc_rc store_member_put(struct store *s, int64_t campaign_id, const struct store_member *m,
                            char *err);
/* Calls cb for each member of campaign_id (every state), by organisation
 * name. */
enum fc_rc store_member_each(struct store *s, int64_t campaign_id, store_member_cb cb, void *ctx,
                             char *err);

/* ---- rows frozen at signing ---- */

struct store_campaign_row {
	int64_t org_id;
	const char *os_product, *os_edition, *os_release, *arch, *split;
	const char *support_status, *support_end;
	int64_t machines;
};
typedef enum fc_rc (*store_campaign_row_cb)(const struct store_campaign_row *r, void *ctx);

/* Removes the frozen rows of org_id in campaign_id. */
enum fc_rc store_campaign_rows_clear(struct store *s, int64_t campaign_id, int64_t org_id,
                                     char *err);
enum fc_rc store_campaign_row_add(struct store *s, int64_t campaign_id,
                                  const struct store_campaign_row *r, char *err);
/* Calls cb for the frozen rows of org_id in campaign_id, ordered by
 * product, edition, release, arch and split. */
enum fc_rc store_campaign_rows_each(struct store *s, int64_t campaign_id, int64_t org_id,
                                    store_campaign_row_cb cb, void *ctx, char *err);

/* ---- the audit log ---- */

struct store_campaign_log {
	int64_t id;
	const char *campaign;
	int64_t at;
	const char *who, *action, *org, *old_value, *new_value;
};
typedef enum fc_rc (*store_campaign_log_cb)(const struct store_campaign_log *l, void *ctx);

/* Appends one entry (l->id ignored). */
enum fc_rc store_campaign_log_add(struct store *s, const struct store_campaign_log *l, char *err);
/* Calls cb for each entry of campaign (by name), oldest first. */
enum fc_rc store_campaign_log_each(struct store *s, const char *campaign, store_campaign_log_cb cb,
                                   void *ctx, char *err);

#endif
