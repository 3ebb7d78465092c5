/* ui_pages.c - the console's pages (docs/console.md): overview, tender,
 * campaigns, burn-down, stale machines and the machine search. Every
 * number comes from the same code as the CLI (report.c, campaign.c), with
 * the organisation scoping of the API: a reader or manager sees its own
 * organisation only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "log.h"
#include "store_ui.h"
#include "ui_int.h"
#include "xalloc.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define SEARCH_PAGE 50
#define SEARCH_MAX_PAGE 100000
#define STALE_PAGE 500

/* The error of a report or campaign call, as a page. */
static enum MHD_Result fail(struct ui_ctx *u, enum fc_rc rc, const char *err)
{
	switch (rc) {
	case FC_EUSAGE: return ui_reply_msg(u, MHD_HTTP_BAD_REQUEST, "Bad request", err);
	case FC_ENOENT: return ui_reply_msg(u, MHD_HTTP_NOT_FOUND, "Not found", err);
	case FC_EPERM: return ui_reply_msg(u, MHD_HTTP_FORBIDDEN, "Not allowed", err);
	case FC_EREFUSED:
	case FC_EEXIST: return ui_reply_msg(u, MHD_HTTP_CONFLICT, "Refused", err);
	case FC_EBUSY:
		return ui_reply_msg(u, MHD_HTTP_SERVICE_UNAVAILABLE, "Busy",
		                    "the database is busy, try again later");
	default: LOG_ERR("console %s: %s", u->r->path, err);
	}
	return ui_reply_msg(u, MHD_HTTP_INTERNAL_SERVER_ERROR, "Error", "internal error");
}

/* Sends b as the page, or 500 when building it failed (rc). */
static enum MHD_Result finish(struct ui_ctx *u, struct buf *b, enum fc_rc rc)
{
	enum MHD_Result ret;

	if (!rc)
		rc = ui_page_end(b);
	ret = rc ? ui_reply_msg(u, MHD_HTTP_INTERNAL_SERVER_ERROR, "Error", "page too large")
	         : ui_reply_page(u, MHD_HTTP_OK, b);
	buf_release(b);
	return ret;
}

/* Appends <input> for a GET filter: label text, name, current value. */
static enum fc_rc add_input(struct buf *b, const char *label, const char *name, const char *value,
                            const char *type)
{
	enum fc_rc rc = buf_printf(b, "<label for=\"%s\">", name);

	if (!rc)
		rc = ui_esc(b, label);
	if (!rc)
		rc = buf_printf(b, "</label> <input id=\"%s\" name=\"%s\" type=\"%s\" value=\"",
		                name, name, type);
	if (!rc)
		rc = ui_esc(b, value);
	if (!rc)
		rc = buf_addstr(b, "\"> ");
	return rc;
}

/* Parses a whole number argument (0..max) into *out; false when bad. */
static bool num_arg(struct ui_ctx *u, const char *name, long max, long *out)
{
	const char *s = ui_arg(u, name);
	char *end;
	long v;

	if (!s)
		return true;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return false;
	*out = v;
	return true;
}

static bool date_arg(struct ui_ctx *u, const char *name, char out[11])
{
	const char *s = ui_arg(u, name);

	if (!s)
		return true;
	if (strlen(s) != 10)
		return false;
	memcpy(out, s, 11);
	return true;
}

/* Answers report o as a CSV download named filename (the CLI's bytes). */
static enum MHD_Result csv_download(struct ui_ctx *u, struct report_opts *o, const char *filename)
{
	char err[FC_ERRLEN] = "";
	struct buf b;
	enum fc_rc rc;

	buf_init(&b, (size_t)256 << 20);
	o->format = REPORT_CSV;
	if (u->r->role != ROLE_ADMIN) {
		o->orgs[0] = u->r->org;
		o->n_orgs = 1;
	}
	pthread_mutex_lock(&u->srv->store_lock);
	report_snapshot_today(u->srv->st);
	rc = u->srv->cfg->lifecycle ? report_run(u->srv->st, u->srv->cfg->lifecycle, o, &b, err)
	                            : FC_ECONFIG;
	pthread_mutex_unlock(&u->srv->store_lock);
	if (rc) {
		buf_release(&b);
		return fail(u, rc, err);
	}
	return ui_reply_file(u, "text/csv; charset=utf-8; header=present", filename, &b);
}

/* ---- overview ---- */

static enum fc_rc overview_section(struct ui_ctx *u, struct buf *b, const char *by,
                                   const char *part, const char *title)
{
	struct report_opts o;
	char err[FC_ERRLEN];
	cJSON *arr = NULL;
	enum fc_rc rc;

	report_opts_default(&o);
	o.kind = "counts";
	o.by = by;
	rc = ui_report(u, &o, &arr, err);
	if (rc) {
		LOG_ERR("console overview: %s", err);
		return buf_addstr(b, "<p class=\"err\">cannot count the machines</p>");
	}
	rc = buf_addstr(b, "<section><h2>");
	if (!rc)
		rc = ui_esc(b, title);
	if (!rc)
		rc = buf_addstr(b, "</h2>");
	if (!rc)
		rc = ui_svg_bars(b, arr, "org", part, "machines", title);
	if (!rc)
		rc = ui_json_table(b, arr, title);
	if (!rc)
		rc = buf_addstr(b, "</section>\n");
	cJSON_Delete(arr);
	return rc;
}

enum MHD_Result ui_page_overview(struct ui_ctx *u)
{
	struct buf b;
	enum fc_rc rc;

	buf_init(&b, UI_MAX_PAGE);
	rc = ui_page_begin(&b, "Overview", u->who, u->csrf);
	if (!rc)
		rc = overview_section(u, &b, "org,support_status", "support_status",
		                      "Machines per support status");
	if (!rc)
		rc = overview_section(u, &b, "org,win11", "win11", "Windows 11 readiness");
	if (!rc) /* how much of the count an agent has verified (docs/identity.md) */
		rc = overview_section(u, &b, "org,evidence", "evidence", "Machines by evidence");
	return finish(u, &b, rc);
}

/* ---- tender ---- */

enum MHD_Result ui_page_tender(struct ui_ctx *u, bool csv)
{
	struct report_opts o;
	char err[FC_ERRLEN] = "", qs[256], caption[200];
	cJSON *arr = NULL;
	struct buf b;
	enum fc_rc rc;

	report_opts_default(&o);
	o.kind = "tender";
	if (!date_arg(u, "as_of", o.as_of) || !num_arg(u, "horizon", 1200, &o.horizon_months) ||
	    !num_arg(u, "min_cell", 1000000, &o.min_cell))
		return ui_reply_msg(
		    u, MHD_HTTP_BAD_REQUEST, "Bad request",
		    "as_of: want YYYY-MM-DD; horizon: 0 to 1200 months; min_cell: 0 "
		    "to 1000000");
	if (csv)
		return csv_download(u, &o, "tender.csv");
	rc = ui_report(u, &o, &arr, err);
	if (rc)
		return fail(u, rc, err);
	snprintf(qs, sizeof(qs), "as_of=%s&horizon=%ld&min_cell=%ld", o.as_of, o.horizon_months,
	         o.min_cell);
	snprintf(caption, sizeof(caption),
	         "Machines whose support ends by the horizon (as of %s, horizon %ld months, "
	         "counts below %ld hidden)",
	         o.as_of[0] ? o.as_of : "today", o.horizon_months, o.min_cell);
	buf_init(&b, UI_MAX_PAGE);
	rc = ui_page_begin(&b, "Tender", u->who, u->csrf);
	if (!rc)
		rc = buf_addstr(&b, "<form method=\"get\" action=\"/ui/tender\">");
	if (!rc)
		rc = add_input(&b, "As of (YYYY-MM-DD)", "as_of", o.as_of, "text");
	if (!rc)
		rc = buf_printf(&b, "%s", "");
	if (!rc) {
		char n[32];

		snprintf(n, sizeof(n), "%ld", o.horizon_months);
		rc = add_input(&b, "Horizon (months)", "horizon", n, "number");
		snprintf(n, sizeof(n), "%ld", o.min_cell);
		if (!rc)
			rc = add_input(&b, "Smallest cell shown", "min_cell", n, "number");
	}
	if (!rc)
		rc = buf_addstr(&b, "<button type=\"submit\">Show</button></form>"
		                    "<p class=\"noprint\"><a href=\"/ui/tender.csv?");
	if (!rc)
		rc = ui_esc(&b, qs);
	if (!rc)
		rc = buf_addstr(&b, "\" id=\"tender-csv\">Download CSV</a></p>");
	if (!rc)
		rc = ui_json_table(&b, arr, caption);
	cJSON_Delete(arr);
	return finish(u, &b, rc);
}

/* ---- campaigns ---- */

/* s percent-encoded for a query string (unreserved characters kept); the
 * caller frees it. */
static char *url_encode(const char *s)
{
	static const char digits[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(s) * 3 + 1), *p = out;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			*p++ = (char)ch;
		} else {
			*p++ = '%';
			*p++ = digits[ch >> 4];
			*p++ = digits[ch & 15];
		}
	}
	*p = '\0';
	return out;
}

static void actor_of(const struct ui_ctx *u, struct campaign_actor *a)
{
	memset(a, 0, sizeof(*a));
	a->role = u->r->role;
	a->org_id = u->r->org_id;
	snprintf(a->who, sizeof(a->who), "console:token:%lld", (long long)u->r->token_id);
}

/* Appends JSON text (an array, or an object of arrays) as tables. */
static enum fc_rc add_json_tables(struct buf *b, const char *text, size_t len, const char *caption)
{
	cJSON *doc = cJSON_ParseWithLength(text ? text : "[]", text ? len : 2);
	const cJSON *it;
	enum fc_rc rc = FC_OK;

	if (!doc)
		return FC_EPARSE;
	if (cJSON_IsArray(doc)) {
		rc = ui_json_table(b, doc, caption);
	} else {
		for (it = doc->child; it && !rc; it = it->next) {
			if (cJSON_IsArray(it)) {
				rc = ui_json_table(b, it, it->string);
				continue;
			}
			rc = buf_addstr(b, "<p><strong>");
			if (!rc)
				rc = ui_esc(b, it->string);
			if (!rc)
				rc = buf_addstr(b, ":</strong> ");
			if (!rc && cJSON_IsString(it))
				rc = ui_esc(b, it->valuestring);
			else if (!rc && cJSON_IsNumber(it))
				rc = buf_printf(b, "%g", it->valuedouble);
			if (!rc)
				rc = buf_addstr(b, "</p>");
		}
	}
	cJSON_Delete(doc);
	return rc;
}

/* Runs one campaign call into out as fmt. */
static enum fc_rc campaign_call(struct ui_ctx *u, int what, const char *name,
                                enum campaign_format fmt, struct buf *out, char *err)
{
	struct campaign_actor a;
	enum fc_rc rc;

	actor_of(u, &a);
	if (!u->srv->cfg->lifecycle) {
		snprintf(err, FC_ERRLEN, "the server has no lifecycle catalogue");
		return FC_ECONFIG;
	}
	pthread_mutex_lock(&u->srv->store_lock);
	if (what == 0)
		rc = campaign_list(u->srv->st, &a, fmt, out, err);
	else if (what == 1)
		rc = campaign_show(u->srv->st, u->srv->cfg->lifecycle, name, &a, fmt, out, err);
	else
		rc = campaign_log(u->srv->st, name, &a, fmt, out, err);
	pthread_mutex_unlock(&u->srv->store_lock);
	return rc;
}

enum MHD_Result ui_page_campaigns(struct ui_ctx *u)
{
	char err[FC_ERRLEN] = "";
	struct buf out, b;
	cJSON *doc, *it;
	enum fc_rc rc;

	buf_init(&out, UI_MAX_PAGE);
	rc = campaign_call(u, 0, NULL, CAMPAIGN_JSON, &out, err);
	if (rc) {
		buf_release(&out);
		return fail(u, rc, err);
	}
	doc = cJSON_ParseWithLength(out.ptr ? out.ptr : "[]", out.ptr ? out.len : 2);
	buf_release(&out);
	buf_init(&b, UI_MAX_PAGE);
	rc = doc ? ui_page_begin(&b, "Campaigns", u->who, u->csrf) : FC_EPARSE;
	if (!rc)
		rc = buf_addstr(&b, "<ul>");
	for (it = doc && cJSON_IsArray(doc) ? doc->child : NULL; it && !rc; it = it->next) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "campaign");
		char *enc;

		if (!cJSON_IsString(n))
			continue;
		enc = url_encode(n->valuestring);
		rc = buf_addstr(&b, "<li><a href=\"/ui/campaign?name=");
		if (!rc)
			rc = ui_esc(&b, enc);
		free(enc);
		if (!rc)
			rc = buf_addstr(&b, "\">");
		if (!rc)
			rc = ui_esc(&b, n->valuestring);
		if (!rc)
			rc = buf_addstr(&b, "</a></li>");
	}
	if (!rc)
		rc = buf_addstr(&b, "</ul>");
	if (!rc && doc)
		rc = ui_json_table(&b, doc, "Campaigns");
	cJSON_Delete(doc);
	return finish(u, &b, rc);
}

/* The forms that join, sign and withdraw (a manager's). */
static enum fc_rc add_action_forms(struct ui_ctx *u, struct buf *b, const char *name)
{
	static const char *const actions[] = {"join", "sign", "withdraw"};
	enum fc_rc rc = buf_addstr(b, "<section class=\"noprint\"><h2>For ");

	if (!rc)
		rc = ui_esc(b, u->r->org);
	if (!rc)
		rc = buf_addstr(b, "</h2>");
	for (size_t i = 0; i < 3 && !rc; i++) {
		rc = buf_addstr(b, "<form method=\"post\" action=\"/ui/campaign\"><input "
		                   "type=\"hidden\" name=\"csrf\" value=\"");
		if (!rc)
			rc = ui_esc(b, u->csrf);
		if (!rc)
			rc = buf_addstr(b, "\"><input type=\"hidden\" name=\"name\" value=\"");
		if (!rc)
			rc = ui_esc(b, name);
		if (!rc)
			rc = buf_printf(b,
			                "\"><input type=\"hidden\" name=\"action\" value=\"%s\">"
			                "<button type=\"submit\" id=\"%s\">%s</button></form> ",
			                actions[i], actions[i], actions[i]);
	}
	if (!rc)
		rc = buf_addstr(b, "</section>");
	return rc;
}

enum MHD_Result ui_page_campaign(struct ui_ctx *u, bool xlsx)
{
	const char *name = ui_arg(u, "name");
	char err[FC_ERRLEN] = "";
	struct buf out, b;
	enum fc_rc rc;
	char *enc;

	if (!name)
		return ui_reply_msg(u, MHD_HTTP_BAD_REQUEST, "Bad request", "name: the campaign");
	buf_init(&out, UI_MAX_PAGE);
	rc = campaign_call(u, 1, name, xlsx ? CAMPAIGN_XLSX : CAMPAIGN_JSON, &out, err);
	if (rc) {
		buf_release(&out);
		return fail(u, rc, err);
	}
	if (xlsx)
		return ui_reply_file(u, XLSX_TYPE, "campaign.xlsx", &out);
	buf_init(&b, UI_MAX_PAGE);
	enc = url_encode(name);
	rc = ui_page_begin(&b, name, u->who, u->csrf);
	if (!rc)
		rc = buf_addstr(&b, "<p class=\"noprint\"><a id=\"campaign-xlsx\" "
		                    "href=\"/ui/campaign.xlsx?name=");
	if (!rc)
		rc = ui_esc(&b, enc);
	free(enc);
	if (!rc)
		rc = buf_addstr(&b, "\">Download XLSX</a></p>");
	if (!rc)
		rc = add_json_tables(&b, out.ptr, out.len, "Members and totals");
	buf_release(&out);
	if (!rc && u->r->role == ROLE_MANAGER)
		rc = add_action_forms(u, &b, name);
	if (!rc && u->r->role == ROLE_ADMIN) {
		buf_init(&out, UI_MAX_PAGE);
		if (campaign_call(u, 2, name, CAMPAIGN_JSON, &out, err) == FC_OK) {
			rc = buf_addstr(&b, "<h2>Audit log</h2>");
			if (!rc)
				rc = add_json_tables(&b, out.ptr, out.len, "Audit log");
		}
		buf_release(&out);
	}
	return finish(u, &b, rc);
}

enum MHD_Result ui_post_campaign(struct ui_ctx *u)
{
	char name[256], action[16], err[FC_ERRLEN] = "", loc[1024];
	enum campaign_action act;
	struct campaign_actor a;
	enum fc_rc rc;
	char *enc;

	if (u->r->role != ROLE_MANAGER)
		return ui_reply_msg(
		    u, MHD_HTTP_FORBIDDEN, "Not allowed",
		    "only a manager joins, signs or withdraws, for its organisation");
	if (!ui_form_value(u->form, "name", name, sizeof(name)) || !name[0] ||
	    !ui_form_value(u->form, "action", action, sizeof(action)) ||
	    !campaign_action_parse(action, &act))
		return ui_reply_msg(u, MHD_HTTP_BAD_REQUEST, "Bad request",
		                    "the form wants a campaign name and an action (join, sign, "
		                    "withdraw)");
	actor_of(u, &a);
	pthread_mutex_lock(&u->srv->store_lock);
	rc = campaign_act(u->srv->st, u->srv->cfg->lifecycle, name, u->r->org, act, &a, err);
	pthread_mutex_unlock(&u->srv->store_lock);
	if (rc)
		return fail(u, rc, err);
	enc = url_encode(name);
	snprintf(loc, sizeof(loc), "/ui/campaign?name=%s", enc);
	free(enc);
	return ui_redirect(u->c, u->r, loc, NULL);
}

/* ---- burn-down, stale ---- */

enum MHD_Result ui_page_burndown(struct ui_ctx *u)
{
	struct report_opts o;
	char err[FC_ERRLEN] = "";
	const char *product = ui_arg(u, "product");
	cJSON *arr = NULL;
	struct buf b;
	enum fc_rc rc;

	report_opts_default(&o);
	o.kind = "trend";
	o.product = product;
	if (!date_arg(u, "from", o.from) || !date_arg(u, "to", o.to))
		return ui_reply_msg(u, MHD_HTTP_BAD_REQUEST, "Bad request",
		                    "from, to: want YYYY-MM-DD");
	if (product) {
		rc = ui_report(u, &o, &arr, err);
		if (rc)
			return fail(u, rc, err);
	}
	buf_init(&b, UI_MAX_PAGE);
	rc = ui_page_begin(&b, "Migration burn-down", u->who, u->csrf);
	if (!rc)
		rc = buf_addstr(&b, "<form method=\"get\" action=\"/ui/burndown\">");
	if (!rc)
		rc = add_input(&b, "Product (as in the reports, e.g. Windows 10)", "product",
		               product ? product : "", "text");
	if (!rc)
		rc = add_input(&b, "From", "from", o.from, "text");
	if (!rc)
		rc = add_input(&b, "To", "to", o.to, "text");
	if (!rc)
		rc = buf_addstr(&b, "<button type=\"submit\">Show</button></form>");
	if (!rc && arr)
		rc = ui_svg_lines(&b, arr, "org", "date", "machines",
		                  "Machines still on the product, per day");
	if (!rc && arr)
		rc = ui_json_table(&b, arr, "Machines per day (daily snapshots)");
	cJSON_Delete(arr);
	return finish(u, &b, rc);
}

enum MHD_Result ui_page_stale(struct ui_ctx *u, bool csv)
{
	struct report_opts o;
	char err[FC_ERRLEN] = "";
	cJSON *arr = NULL;
	long page = 1;
	struct buf b;
	enum fc_rc rc;
	int n;

	report_opts_default(&o);
	o.kind = "stale";
	if (!date_arg(u, "as_of", o.as_of) || !num_arg(u, "window", 36500, &o.window_days) ||
	    !num_arg(u, "page", SEARCH_MAX_PAGE, &page) || page < 1)
		return ui_reply_msg(u, MHD_HTTP_BAD_REQUEST, "Bad request",
		                    "as_of: want YYYY-MM-DD; window: 0 to 36500 days; page: 1 to "
		                    "100000");
	if (csv)
		return csv_download(u, &o, "stale.csv");
	rc = ui_report(u, &o, &arr, err);
	if (rc)
		return fail(u, rc, err);
	n = cJSON_GetArraySize(arr);
	buf_init(&b, UI_MAX_PAGE);
	rc = ui_page_begin(&b, "Stale machines", u->who, u->csrf);
	if (!rc)
		rc = buf_printf(&b,
		                "<p>%d machines not seen within %ld days; rows %ld to %ld shown. "
		                "<a class=\"noprint\" href=\"/ui/stale.csv?as_of=",
		                n, o.window_days, n ? (page - 1) * STALE_PAGE + 1 : 0,
		                (page * STALE_PAGE < n ? page * STALE_PAGE : n));
	if (!rc)
		rc = ui_esc(&b, o.as_of);
	if (!rc)
		rc = buf_printf(&b, "&amp;window=%ld\">Download all as CSV</a></p>", o.window_days);
	if (!rc)
		rc = ui_json_table_part(&b, arr, "Stale machines", (size_t)(page - 1) * STALE_PAGE,
		                        STALE_PAGE);
	if (!rc && page * STALE_PAGE < n)
		rc = buf_printf(&b,
		                "<p class=\"noprint\"><a rel=\"next\" href=\"/ui/stale?as_of=%s"
		                "&amp;window=%ld&amp;page=%ld\">Next</a></p>",
		                o.as_of, o.window_days, page + 1);
	cJSON_Delete(arr);
	return finish(u, &b, rc);
}

/* ---- search ---- */

struct search {
	struct buf *b;
	const char *q; /* substring of the host name, case-insensitive; NULL: all */
	long skip, shown;
	bool more;
	enum fc_rc rc;
};

static enum fc_rc search_row(const struct store_ui_hit *m, void *ctx)
{
	struct search *s = ctx;
	struct buf *b = s->b;
	char seen[HTTP_TIME_LEN];
	enum fc_rc rc;

	if (s->shown == SEARCH_PAGE) {
		s->more = true; /* the one row past the page */
		return FC_OK;
	}
	s->shown++;
	http_rfc3339(m->last_seen, seen);
	rc = buf_addstr(b, "<tr><td>");
	if (!rc)
		rc = ui_esc(b, m->org);
	if (!rc)
		rc = buf_addstr(b, "</td><td>");
	if (!rc)
		rc = ui_esc(b, m->hostname);
	if (!rc)
		rc = buf_addstr(b, "</td><td>");
	if (!rc)
		rc = ui_esc(b, m->machine);
	if (!rc)
		rc = buf_addstr(b, "</td><td>");
	if (!rc)
		rc = ui_esc(b, m->os_product);
	if (!rc)
		rc = buf_addstr(b, "</td><td>");
	if (!rc)
		rc = ui_esc(b, seen);
	if (!rc)
		rc = buf_addstr(b, "</td></tr>\n");
	s->rc = rc;
	return rc;
}

/* Appends the links to the previous and next pages. */
static enum fc_rc add_paging(struct buf *b, const char *q, long page, bool more)
{
	char *enc = url_encode(q ? q : "");
	enum fc_rc rc = buf_addstr(b, "<nav aria-label=\"result pages\" class=\"noprint\">");

	if (!rc && page > 1) {
		rc = buf_addstr(b, "<a rel=\"prev\" href=\"/ui/search?q=");
		if (!rc)
			rc = ui_esc(b, enc);
		if (!rc)
			rc = buf_printf(b, "&amp;page=%ld\">Previous</a> ", page - 1);
	}
	if (!rc && more) {
		rc = buf_addstr(b, "<a rel=\"next\" id=\"next\" href=\"/ui/search?q=");
		if (!rc)
			rc = ui_esc(b, enc);
		if (!rc)
			rc = buf_printf(b, "&amp;page=%ld\">Next</a>", page + 1);
	}
	free(enc);
	if (!rc)
		rc = buf_addstr(b, "</nav>");
	return rc;
}

enum MHD_Result ui_page_search(struct ui_ctx *u)
{
	struct search s;
	char err[FC_ERRLEN] = "";
	long page = 1;
	struct buf b;
	enum fc_rc rc, wrc;

	memset(&s, 0, sizeof(s));
	s.q = ui_arg(u, "q");
	if (!num_arg(u, "page", SEARCH_MAX_PAGE, &page) || page < 1 || (s.q && strlen(s.q) > 255))
		return ui_reply_msg(u, MHD_HTTP_BAD_REQUEST, "Bad request",
		                    "page: 1 to 100000; q: at most 255 bytes");
	s.skip = (page - 1) * SEARCH_PAGE;
	buf_init(&b, UI_MAX_PAGE);
	s.b = &b;
	rc = ui_page_begin(&b, "Machine search", u->who, u->csrf);
	if (!rc)
		rc = buf_addstr(&b, "<form method=\"get\" action=\"/ui/search\" role=\"search\">");
	if (!rc)
		rc = add_input(&b, "Host name contains", "q", s.q ? s.q : "", "search");
	if (!rc)
		rc = buf_printf(&b,
		                "<button type=\"submit\">Search</button></form><table><caption>"
		                "Machines, page %ld</caption><thead><tr><th scope=\"col\">org</th>"
		                "<th scope=\"col\">hostname</th><th scope=\"col\">machine</th>"
		                "<th scope=\"col\">os_product</th><th scope=\"col\">last_seen"
		                "</th></tr></thead><tbody>\n",
		                page);
	if (rc)
		return finish(u, &b, rc);
	pthread_mutex_lock(&u->srv->store_lock);
	wrc = store_ui_search(u->srv->st, u->r->role == ROLE_ADMIN ? 0 : u->r->org_id,
	                      s.q ? s.q : "", s.skip, SEARCH_PAGE + 1, search_row, &s, err);
	pthread_mutex_unlock(&u->srv->store_lock);
	if (wrc && !s.rc) {
		buf_release(&b);
		return fail(u, wrc, err);
	}
	rc = s.rc;
	if (!rc && !s.shown)
		rc = buf_addstr(&b, "<tr><td colspan=\"5\">no machines</td></tr>");
	if (!rc)
		rc = buf_addstr(&b, "</tbody></table>");
	if (!rc)
		rc = add_paging(&b, s.q, page, s.more);
	return finish(u, &b, rc);
}
