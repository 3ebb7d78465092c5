/* store_ui.c - the store's queries for the operator console. */
#include "store_ui.h"

#include "store_int.h"

struct hits {
	store_ui_hit_cb cb;
	void *ctx;
};

static enum fc_rc hit_row(sqlite3_stmt *st, void *ctx)
{
	struct hits *h = ctx;
	struct store_ui_hit hit;

	hit.org = (const char *)sqlite3_column_text(st, 0);
	hit.machine = (const char *)sqlite3_column_text(st, 1);
	hit.hostname = (const char *)sqlite3_column_text(st, 2);
	hit.os_product = (const char *)sqlite3_column_text(st, 3);
	hit.last_seen = sqlite3_column_int64(st, 4);
	return h->cb(&hit, h->ctx);
}

#define SEARCH_SELECT                                                                              \
	"SELECT o.name, m.public_id, m.hostname, m.os_product, m.last_seen"                        \
	" FROM machines m INDEXED BY machines_order JOIN organisations o ON o.id = m.org_id"
#define SEARCH_TAIL                                                                                \
	" AND (?2 = '' OR instr(lower(m.hostname), lower(?2)) > 0)"                                \
	" ORDER BY m.org_id, m.hostname, m.public_id LIMIT ?3 OFFSET ?4"

enum fc_rc store_ui_search(struct store *s, int64_t org_id, const char *q, int64_t offset,
                           int64_t limit, store_ui_hit_cb cb, void *ctx, char *err)
{
	struct hits h = {cb, ctx};

	/* two statements, so that one organisation's search reads its range of
	 * the index only */
	return store_exec(
	    s, STORE_ONCE,
	    org_id ? SEARCH_SELECT " WHERE m.org_id = ?1" SEARCH_TAIL
	           : SEARCH_SELECT " WHERE ?1 = 0" SEARCH_TAIL,
	    STORE_ARGS(STORE_INT(org_id), STORE_TEXT(q), STORE_INT(limit), STORE_INT(offset)),
	    hit_row, &h, "searching machines", err);
}
