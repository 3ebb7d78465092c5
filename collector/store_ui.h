/* store_ui.h - the store's queries for the operator console (ui_pages.c). */
#ifndef FC_COLLECTOR_STORE_UI_H
#define FC_COLLECTOR_STORE_UI_H

#include <stdint.h>

#include "fc_rc.h"
#include "store.h"

/* One machine of a search; the strings stay valid during the callback. */
struct store_ui_hit {
	const char *org, *machine, *hostname, *os_product;
	int64_t last_seen;
};
typedef enum fc_rc (*store_ui_hit_cb)(const struct store_ui_hit *h, void *ctx);

/* Calls cb for at most limit machines of organisation org_id (0: all) whose
 * host name contains q (ASCII case-insensitive; "" matches every one),
 * after skipping offset of them, ordered by organisation id, host name and
 * public id (the index machines_order: the host names are read from the
 * index, the rest only for the rows shown). Returns FC_OK, FC_EBUSY or
 * FC_EDB with err set, or what cb returned. */
enum fc_rc store_ui_search(struct store *s, int64_t org_id, const char *q, int64_t offset,
                           int64_t limit, store_ui_hit_cb cb, void *ctx, char *err);

#endif
