/* ui_int.h - what the console's files (ui*.c) share: the signed-in
 * request, the answers and the pages. Private to the console. */
#ifndef FC_COLLECTOR_UI_INT_H
#define FC_COLLECTOR_UI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "http_priv.h"
#include "report.h"
#include "ui_html.h"

/* The most a console page may hold. */
#define UI_MAX_PAGE ((size_t)64 << 20)
/* The most a form's body may hold. */
#define UI_MAX_FORM HTTP_UI_MAX_FORM
/* Hex digits of a session id and of a CSRF token, and their NUL. */
#define UI_KEY_LEN 65

/* One request to a console page by a signed-in user. */
struct ui_ctx {
	struct http_server *srv;
	struct MHD_Connection *c;
	struct http_req *r; /* role, org_id, org, token_id set from the session */
	char csrf[UI_KEY_LEN]; /* the session's CSRF token */
	char who[300]; /* "reader of north", "admin" */
	const char *form; /* a POST's body (NUL-terminated), else NULL */
};

/* Queues page b (text/html) with status and the console's security headers;
 * b is empty afterwards. */
enum MHD_Result ui_reply_page(struct ui_ctx *u, unsigned status, struct buf *b);
/* Queues b as a download named filename (ASCII, no quotes) of ctype. */
enum MHD_Result ui_reply_file(struct ui_ctx *u, const char *ctype, const char *filename,
                              struct buf *b);
/* Queues a short page saying msg (escaped) with status. */
enum MHD_Result ui_reply_msg(struct ui_ctx *u, unsigned status, const char *title, const char *msg);
/* Queues a 303 to location (a path of the console). */
enum MHD_Result ui_redirect(struct MHD_Connection *c, struct http_req *r, const char *location,
                            const char *cookie);
/* A query argument, or NULL. */
const char *ui_arg(const struct ui_ctx *u, const char *name);

/* Runs a report as JSON with o (orgs forced to the user's own for a reader
 * or manager); *out is the parsed array (cJSON_Delete), NULL on error with
 * err set. Returns FC_OK or the report's error. */
enum fc_rc ui_report(struct ui_ctx *u, struct report_opts *o, cJSON **out, char *err);

/* The pages (ui_pages.c): each answers the request. */
enum MHD_Result ui_page_overview(struct ui_ctx *u);
enum MHD_Result ui_page_tender(struct ui_ctx *u, bool csv);
enum MHD_Result ui_page_campaigns(struct ui_ctx *u);
enum MHD_Result ui_page_campaign(struct ui_ctx *u, bool xlsx);
enum MHD_Result ui_post_campaign(struct ui_ctx *u);
enum MHD_Result ui_page_burndown(struct ui_ctx *u);
enum MHD_Result ui_page_stale(struct ui_ctx *u, bool csv);
enum MHD_Result ui_page_search(struct ui_ctx *u);

/* Charts (ui_svg.c). Bars: rows of arr grouped by the string field group,
 * stacked by the string field part, sized by the number field value. */
enum fc_rc ui_svg_bars(struct buf *b, const cJSON *arr, const char *group, const char *part,
                       const char *value, const char *label);
/* Lines: one per distinct string field series, x the date field, y value. */
enum fc_rc ui_svg_lines(struct buf *b, const cJSON *arr, const char *series, const char *date,
                        const char *value, const char *label);

#endif
