/* http_campaigns.c - the campaign routes (docs/campaigns.md), the same
 * code as the CLI (campaign.c):
 *   GET  /api/v1/campaigns                    the list
 *   GET  /api/v1/campaigns/NAME[?format=]     the table (json by default)
 *   GET  /api/v1/campaigns/NAME/cost[?format=]
 *   POST /api/v1/campaigns/NAME/join|sign|withdraw[?org=ORG]
 * A manager token acts for its own organisation (org, when given, must be
 * it); an admin token for the org it names; reader and agent tokens never.
 * GET has no side effects; a POST's body is ignored. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "campaign.h"
#include "http_priv.h"
#include "json.h"
#include "log.h"

/* The most a campaign answer may hold. */
#define HTTP_MAX_CAMPAIGN ((size_t)256 << 20)
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static unsigned status_for(enum fc_rc rc)
{
	switch (rc) {
	case FC_EUSAGE: return MHD_HTTP_BAD_REQUEST;
	case FC_ENOENT: return MHD_HTTP_NOT_FOUND;
	case FC_EPERM: return MHD_HTTP_FORBIDDEN;
	case FC_EREFUSED:
	case FC_EEXIST: return MHD_HTTP_CONFLICT;
	case FC_EBUSY: return MHD_HTTP_SERVICE_UNAVAILABLE;
	default: return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

static const char *ctype_for(enum campaign_format f)
{
	switch (f) {
	case CAMPAIGN_CSV: return "text/csv; charset=utf-8; header=present";
	case CAMPAIGN_TABLE: return "text/plain; charset=utf-8";
	case CAMPAIGN_XLSX: return XLSX_TYPE;
	default: return "application/json";
	}
}

static void actor_of(const struct http_req *r, struct campaign_actor *a)
{
	memset(a, 0, sizeof(*a));
	a->role = r->role;
	a->org_id = r->org_id;
	snprintf(a->who, sizeof(a->who), "token:%lld", (long long)r->token_id);
}

static enum MHD_Result fail(struct MHD_Connection *c, struct http_req *r, enum fc_rc rc,
                            const char *err)
{
	unsigned status = status_for(rc);

	if (status == MHD_HTTP_INTERNAL_SERVER_ERROR)
		LOG_ERR("%s %s: %s", r->method, r->path, err);
	return http_reply_error(c, r, status,
	                        status == MHD_HTTP_INTERNAL_SERVER_ERROR ? "internal error" : err);
}

/* 405 with the Allow header: allow is the method the path takes. */
static enum MHD_Result not_allowed(struct MHD_Connection *c, struct http_req *r, const char *allow)
{
	enum MHD_Result ret;
	cJSON *doc = cJSON_CreateObject();
	char *text;

	if (!doc)
		return MHD_NO;
	json_add_str(doc, "status", "error");
	json_add_str(doc, "error", "method not allowed");
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!text)
		return MHD_NO;
	ret = http_reply(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, "application/json", text, strlen(text),
	                 MHD_HTTP_HEADER_ALLOW, allow);
	cJSON_free(text);
	return ret;
}

/* GET: the list, a table or a cost forecast. */
static enum MHD_Result answer_get(struct http_server *srv, struct MHD_Connection *c,
                                  struct http_req *r, const char *name, bool cost)
{
	const char *fs = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
	enum campaign_format fmt = CAMPAIGN_JSON;
	struct campaign_actor a;
	char err[FC_ERRLEN] = "";
	enum MHD_Result ret;
	struct buf out;
	enum fc_rc rc;

	if (fs && !campaign_format_parse(fs, &fmt))
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST,
		                        "format: want json, csv, table or xlsx");
	actor_of(r, &a);
	buf_init(&out, HTTP_MAX_CAMPAIGN);
	pthread_mutex_lock(&srv->store_lock);
	if (!name)
		rc = campaign_list(srv->st, &a, fmt, &out, err);
	else if (cost)
		rc = campaign_cost(srv->st, srv->cfg->lifecycle, name, &a, fmt, &out, err);
	else
		rc = campaign_show(srv->st, srv->cfg->lifecycle, name, &a, fmt, &out, err);
	pthread_mutex_unlock(&srv->store_lock);
	ret = rc ? fail(c, r, rc, err) : http_reply_take(c, r, MHD_HTTP_OK, ctype_for(fmt), &out);
	buf_release(&out);
	return ret;
}

/* POST .../NAME/ACTION: for the token's organisation, or an admin's org. */
static enum MHD_Result answer_post(struct http_server *srv, struct MHD_Connection *c,
                                   struct http_req *r, const char *name,
                                   enum campaign_action action, const char *action_name)
{
	const char *org = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "org");
	struct campaign_actor a;
	char err[FC_ERRLEN] = "";
	enum MHD_Result ret;
	enum fc_rc rc;
	cJSON *doc;
	char *text;

	if (!org && r->role != ROLE_ADMIN)
		org = r->org; /* campaign_act decides whether this token may act */
	if (!org)
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST,
		                        "org: name the organisation (an admin token has none)");
	actor_of(r, &a);
	pthread_mutex_lock(&srv->store_lock);
	rc = campaign_act(srv->st, srv->cfg->lifecycle, name, org, action, &a, err);
	pthread_mutex_unlock(&srv->store_lock);
	if (rc)
		return fail(c, r, rc, err);
	doc = cJSON_CreateObject();
	if (!doc)
		return MHD_NO;
	json_add_str(doc, "status", "ok");
	json_add_str(doc, "campaign", name);
	json_add_str(doc, "org", org);
	json_add_str(doc, "action", action_name);
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!text)
		return MHD_NO;
	ret = http_reply(c, r, MHD_HTTP_OK, "application/json", text, strlen(text), NULL, NULL);
	cJSON_free(text);
	return ret;
}

enum MHD_Result http_campaigns(struct http_server *srv, struct MHD_Connection *c,
                               struct http_req *r)
{
	char msg[FC_ERRLEN] = "", name[256];
	const char *slash, *tail = "";
	enum campaign_action action;
	bool post = !strcmp(r->method, MHD_HTTP_METHOD_POST);
	unsigned status;

	status = http_authenticate(srv, c, r, msg);
	if (status)
		return http_reply_error(c, r, status, msg);
	if (!srv->cfg->lifecycle)
		return http_reply_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		                        "the server has no lifecycle catalogue");
	if (!r->campaign[0] || !strcmp(r->campaign, "/"))
		return post ? not_allowed(c, r, "GET, HEAD") : answer_get(srv, c, r, NULL, false);
	slash = strchr(r->campaign + 1, '/');
	snprintf(name, sizeof(name), "%.*s",
	         (int)(slash ? (size_t)(slash - r->campaign - 1) : strlen(r->campaign + 1)),
	         r->campaign + 1);
	if (slash)
		tail = slash + 1;
	if (!name[0] || strchr(tail, '/'))
		return http_reply_error(c, r, MHD_HTTP_NOT_FOUND, "no such path");
	if (campaign_action_parse(tail, &action))
		return post ? answer_post(srv, c, r, name, action, tail)
		            : not_allowed(c, r, "POST");
	if (tail[0] && strcmp(tail, "cost"))
		return http_reply_error(c, r, MHD_HTTP_NOT_FOUND, "no such path");
	if (post)
		return not_allowed(c, r, "GET, HEAD");
	return answer_get(srv, c, r, name, tail[0] != '\0');
}
