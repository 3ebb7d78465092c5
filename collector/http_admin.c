/* http_admin.c - the everyday admin commands over HTTP (issue 14), for
 * admin tokens only (another token 403, none 401), on the store functions
 * the CLI's commands use (cmd_admin.c; tokens are made by store_token_make):
 *   GET  /api/v1/tokens[?format=json|csv|table]   token list (never a secret)
 *   POST /api/v1/tokens                            token add (body: org, role,
 *        label, expires; urlencoded or JSON) -> 201 {"id":N,"token":"..."}
 *   POST /api/v1/tokens/ID/revoke                  token revoke
 *   POST /api/v1/machines/MACHINE/delete?org=NAME  machine delete
 *   POST /api/v1/machines/MACHINE/move?org=NAME&to=ORG   machine move
 * Each change gets one log line (server_log) without the token. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "fctime.h"
#include "http_priv.h"
#include "json.h"
#include "log.h"
#include "textesc.h"
#include "ui_html.h"

/* The most a token list may hold. */
#define HTTP_MAX_TOKENS ((size_t)16 << 20)
/* A token's label (store.h: at most 200 bytes) and its NUL. */
#define LABEL_LEN 201

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

static enum MHD_Result fail(struct MHD_Connection *c, struct http_req *r, enum fc_rc rc,
                            const char *err)
{
	unsigned status = status_for(rc);

	if (status == MHD_HTTP_INTERNAL_SERVER_ERROR)
		LOG_ERR("%s %s: %s", r->method, r->path, err);
	return http_reply_error(c, r, status,
	                        status == MHD_HTTP_INTERNAL_SERVER_ERROR ? "internal error" : err);
}

static enum MHD_Result reply_doc(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                 cJSON *doc)
{
	char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
	enum MHD_Result ret;

	cJSON_Delete(doc);
	if (!text)
		return MHD_NO;
	ret = http_reply(c, r, status, "application/json", text, strlen(text), NULL, NULL);
	cJSON_free(text);
	return ret;
}

/* The query's parameters, each one of allowed (a space-separated list). */
struct params {
	const char *allowed;
	char msg[FC_ERRLEN];
	bool bad;
};

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	struct params *p = cls;
	size_t len = strlen(key);

	(void)kind;
	(void)value;
	for (const char *a = p->allowed; len && *a; a += strcspn(a, " "), a += *a == ' ')
		if (!strncmp(a, key, len) && (a[len] == ' ' || !a[len]))
			return MHD_YES;
	snprintf(p->msg, sizeof(p->msg), "unknown parameter '%.64s'", key);
	p->bad = true;
	return MHD_NO;
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* ---- GET /api/v1/tokens ---- */

enum list_format { LIST_JSON, LIST_CSV, LIST_TABLE };

struct listing {
	enum list_format fmt;
	cJSON *arr;
	struct buf *out;
	int64_t now;
};

static void when(int64_t t, char out[FCTIME_RFC3339_LEN])
{
	if (!t || !fctime_format_rfc3339(t, out))
		snprintf(out, FCTIME_RFC3339_LEN, "never");
}

static enum fc_rc list_one(const struct store_token *t, void *ctx)
{
	struct listing *l = ctx;
	const char *state = t->revoked                           ? "revoked"
	                    : t->expires && t->expires <= l->now ? "expired"
	                                                         : "active";
	char created[FCTIME_RFC3339_LEN], used[FCTIME_RFC3339_LEN], expires[FCTIME_RFC3339_LEN];
	const char *label = t->label ? t->label : "";
	const char *f[8];
	char id[24];
	enum fc_rc rc = FC_OK;
	cJSON *o;

	when(t->created, created);
	when(t->last_used, used);
	when(t->expires, expires);
	if (l->fmt == LIST_JSON) {
		o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(l->arr, o)) {
			cJSON_Delete(o);
			return FC_ENOMEM;
		}
		json_add_num(o, "id", (double)t->id);
		json_add_str(o, "role", auth_role_name(t->role));
		if (t->org_name)
			json_add_str(o, "org", t->org_name);
		else
			cJSON_AddNullToObject(o, "org");
		json_add_str(o, "created", created);
		if (t->last_used)
			json_add_str(o, "last_used", used);
		else
			cJSON_AddNullToObject(o, "last_used");
		if (t->expires)
			json_add_str(o, "expires", expires);
		else
			cJSON_AddNullToObject(o, "expires");
		json_add_str(o, "label", label);
		json_add_str(o, "state", state);
		return FC_OK;
	}
	snprintf(id, sizeof(id), "%" PRId64, t->id);
	f[0] = id;
	f[1] = auth_role_name(t->role);
	f[2] = t->org_name ? t->org_name : "-";
	f[3] = created;
	f[4] = used;
	f[5] = expires;
	f[6] = label[0] ? label : "-";
	f[7] = state;
	for (size_t i = 0; i < 8 && !rc; i++) {
		if (i)
			rc = buf_add(l->out, l->fmt == LIST_CSV ? "," : "\t", 1);
		if (!rc)
			rc = l->fmt == LIST_CSV ? textesc_csv(l->out, f[i])
			                        : textesc_text(l->out, f[i], strlen(f[i]));
	}
	if (!rc)
		rc =
		    buf_add(l->out, l->fmt == LIST_CSV ? "\r\n" : "\n", l->fmt == LIST_CSV ? 2 : 1);
	return rc;
}

static enum MHD_Result token_list(struct http_server *srv, struct MHD_Connection *c,
                                  struct http_req *r)
{
	static const char *const ctypes[] = {"application/json",
	                                     "text/csv; charset=utf-8; header=present",
	                                     "text/plain; charset=utf-8"};
	const char *fs = arg(c, "format");
	struct listing l = {LIST_JSON, NULL, NULL, (int64_t)time(NULL)};
	char err[FC_ERRLEN] = "";
	enum MHD_Result ret;
	struct buf out;
	enum fc_rc rc = FC_OK;
	char *text;

	if (fs && !strcmp(fs, "csv"))
		l.fmt = LIST_CSV;
	else if (fs && !strcmp(fs, "table"))
		l.fmt = LIST_TABLE;
	else if (fs && strcmp(fs, "json"))
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST,
		                        "format: want json, csv or table");
	buf_init(&out, HTTP_MAX_TOKENS);
	l.out = &out;
	if (l.fmt == LIST_JSON && !(l.arr = cJSON_CreateArray()))
		return MHD_NO;
	if (l.fmt == LIST_CSV)
		rc = buf_addstr(&out, "id,role,org,created,last_used,expires,label,state\r\n");
	if (l.fmt == LIST_TABLE)
		rc = buf_addstr(&out, "ID\tROLE\tORG\tCREATED\tLAST_USED\tEXPIRES\tLABEL\tSTATE\n");
	pthread_mutex_lock(&srv->store_lock);
	if (!rc)
		rc = store_token_each(srv->st, list_one, &l, err);
	pthread_mutex_unlock(&srv->store_lock);
	if (!rc && l.fmt == LIST_JSON) {
		text = cJSON_PrintUnformatted(l.arr);
		rc = text ? buf_addstr(&out, text) : FC_ENOMEM;
		cJSON_free(text);
	}
	cJSON_Delete(l.arr);
	if (rc && !err[0])
		snprintf(err, sizeof(err), "the token list does not fit: %s", fc_strerror(rc));
	ret = rc ? fail(c, r, rc, err) : http_reply_take(c, r, MHD_HTTP_OK, ctypes[l.fmt], &out);
	buf_release(&out);
	return ret;
}

/* ---- POST /api/v1/tokens ---- */

/* The urlencoded field after the one at p, or NULL. */
static const char *next_field(const char *p)
{
	p = strchr(p, '&');
	return p ? p + 1 : NULL;
}

/* Takes field name of the body (urlencoded, or a JSON object of strings)
 * into out; false when absent. *bad with msg when present but unusable. */
static bool field(const char *body, cJSON *doc, const char *name, char *out, size_t size, bool *bad,
                  char *msg)
{
	const cJSON *v;

	if (!doc) {
		if (!strstr(body, name) || ui_form_value(body, name, out, size))
			return out[0] != '\0';
		/* ui_form_value says false for "absent" and "too long" alike */
		for (const char *p = body; p; p = next_field(p))
			if (!strncmp(p, name, strlen(name)) && p[strlen(name)] == '=') {
				snprintf(msg, FC_ERRLEN, "%s: too long or not text", name);
				*bad = true;
			}
		return false;
	}
	v = cJSON_GetObjectItemCaseSensitive(doc, name);
	if (!v || cJSON_IsNull(v))
		return false;
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= size) {
		snprintf(msg, FC_ERRLEN, "%s: want a string of at most %zu bytes", name, size - 1);
		*bad = true;
		return false;
	}
	snprintf(out, size, "%s", v->valuestring);
	return out[0] != '\0';
}

/* The names a JSON body may hold; another is refused as a query's is. */
static bool json_fields_known(const cJSON *doc, char *msg)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, doc)
	{
		if (!it->string || (strcmp(it->string, "org") && strcmp(it->string, "role") &&
		                    strcmp(it->string, "label") && strcmp(it->string, "expires"))) {
			snprintf(msg, FC_ERRLEN, "unknown field '%.64s'",
			         it->string ? it->string : "");
			return false;
		}
	}
	return true;
}

static bool form_fields_known(const char *body, char *msg)
{
	for (const char *p = body; p && *p; p = next_field(p)) {
		size_t n = strcspn(p, "=&");

		if ((n == 3 && (!strncmp(p, "org", 3))) || (n == 4 && !strncmp(p, "role", 4)) ||
		    (n == 5 && !strncmp(p, "label", 5)) || (n == 7 && !strncmp(p, "expires", 7)) ||
		    !n)
			continue;
		snprintf(msg, FC_ERRLEN, "unknown field '%.*s'", (int)(n < 64 ? n : 64), p);
		return false;
	}
	return true;
}

static enum MHD_Result token_add(struct http_server *srv, struct MHD_Connection *c,
                                 struct http_req *r)
{
	char org[HTTP_ORG_LEN] = "", role_s[16] = "", label[LABEL_LEN] = "", exp_s[16] = "";
	char msg[FC_ERRLEN] = "", err[FC_ERRLEN] = "";
	char token[AUTH_TOKEN_LEN + 1] = "";
	const char *body;
	int64_t org_id = 0, id = 0, expires = 0;
	enum token_role role;
	bool bad = false, have_org, have_exp;
	enum fc_rc rc = FC_OK;
	cJSON *doc = NULL, *ans;

	if (r->too_big)
		return http_reply_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE,
		                        "the body may have at most 16 KiB");
	body = buf_cstr(&r->body);
	if (strlen(body) != r->body.len)
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST, "the body holds a NUL");
	if (body[strspn(body, " \t\r\n")] == '{') {
		doc = cJSON_Parse(body);
		if (!cJSON_IsObject(doc)) {
			cJSON_Delete(doc);
			return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST,
			                        "the body is not a JSON object");
		}
		bad = !json_fields_known(doc, msg);
	} else {
		bad = !form_fields_known(body, msg);
	}
	have_org = !bad && field(body, doc, "org", org, sizeof(org), &bad, msg);
	if (!bad && !field(body, doc, "role", role_s, sizeof(role_s), &bad, msg) && !bad) {
		snprintf(msg, sizeof(msg), "role: name the role (agent, reader, manager or admin)");
		bad = true;
	}
	if (!bad)
		field(body, doc, "label", label, sizeof(label), &bad, msg);
	have_exp = !bad && field(body, doc, "expires", exp_s, sizeof(exp_s), &bad, msg);
	cJSON_Delete(doc);
	if (!bad && !auth_role_parse(role_s, &role)) {
		snprintf(msg, sizeof(msg), "role: want agent, reader, manager or admin");
		bad = true;
	}
	if (!bad && (role == ROLE_ADMIN) == have_org) {
		snprintf(msg, sizeof(msg), "%s",
		         have_org ? "org: an admin token has no organisation"
		                  : "org: name the organisation");
		bad = true;
	}
	if (!bad && have_exp && (strlen(exp_s) != 10 || !fctime_parse_date(exp_s, &expires))) {
		snprintf(msg, sizeof(msg), "expires: want a date YYYY-MM-DD");
		bad = true;
	}
	if (bad)
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST, msg);
	if (have_exp)
		expires += 86400; /* valid through that day (UTC), as the CLI's */
	pthread_mutex_lock(&srv->store_lock);
	if (have_org)
		rc = store_org_find(srv->st, org, &org_id, err);
	if (rc == FC_OK)
		rc = store_token_make(srv->st, role, org_id, label, expires, token, &id, err);
	pthread_mutex_unlock(&srv->store_lock);
	if (rc == FC_ENOENT && have_org && !id)
		snprintf(err, sizeof(err), "no such organisation");
	if (rc) {
		memset(token, 0, sizeof(token));
		return fail(c, r, rc, err);
	}
	server_log("token %" PRId64 " added (%s%s%s) by token %" PRId64, id, auth_role_name(role),
	           have_org ? ", " : "", have_org ? org : "", r->token_id);
	ans = cJSON_CreateObject();
	if (ans) {
		json_add_num(ans, "id", (double)id);
		json_add_str(ans, "token", token);
		json_add_str(ans, "role", auth_role_name(role));
		if (have_org)
			json_add_str(ans, "org", org);
	}
	memset(token, 0, sizeof(token));
	return reply_doc(c, r, MHD_HTTP_CREATED, ans);
}

/* ---- POST /api/v1/tokens/ID/revoke ---- */

struct about {
	int64_t id;
	cJSON *doc;
};

static enum fc_rc about_one(const struct store_token *t, void *ctx)
{
	struct about *a = ctx;

	if (t->id != a->id)
		return FC_OK;
	json_add_str(a->doc, "role", auth_role_name(t->role));
	if (t->org_name)
		json_add_str(a->doc, "org", t->org_name);
	if (t->label && t->label[0])
		json_add_str(a->doc, "label", t->label);
	return FC_OK;
}

static enum MHD_Result token_revoke(struct http_server *srv, struct MHD_Connection *c,
                                    struct http_req *r, const char *ids)
{
	char err[FC_ERRLEN] = "", *end;
	struct about a = {0, NULL};
	long long id;
	enum fc_rc rc;

	errno = 0;
	id = strtoll(ids, &end, 10);
	if (errno || end == ids || *end || id <= 0 || ids[0] < '0' || ids[0] > '9')
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST,
		                        "not a token id (see GET /api/v1/tokens)");
	a.id = (int64_t)id;
	a.doc = cJSON_CreateObject();
	if (!a.doc)
		return MHD_NO;
	json_add_num(a.doc, "revoked", (double)id);
	pthread_mutex_lock(&srv->store_lock);
	rc = store_token_revoke(srv->st, a.id, err);
	if (rc == FC_OK)
		store_token_each(srv->st, about_one, &a, err);
	pthread_mutex_unlock(&srv->store_lock);
	if (rc) {
		cJSON_Delete(a.doc);
		if (rc == FC_ENOENT)
			snprintf(err, sizeof(err), "no such token");
		return fail(c, r, rc, err);
	}
	server_log("token %lld revoked by token %" PRId64, id, r->token_id);
	return reply_doc(c, r, MHD_HTTP_OK, a.doc);
}

/* ---- POST /api/v1/machines/MACHINE/delete|move ---- */

static enum MHD_Result machine_change(struct http_server *srv, struct MHD_Connection *c,
                                      struct http_req *r, const char *machine, bool move)
{
	struct params p = {move ? "org to" : "org", "", false};
	const char *org = arg(c, "org"), *to = arg(c, "to");
	char err[FC_ERRLEN] = "", id[37] = "";
	int64_t org_id = 0, to_id = 0;
	enum fc_rc rc;
	cJSON *doc;

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_param, &p);
	if (p.bad)
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST, p.msg);
	if (!org || !org[0] || (move && (!to || !to[0])))
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST,
		                        !org || !org[0]
		                            ? "org: name the machine's organisation"
		                            : "to: name the organisation to move it to");
	pthread_mutex_lock(&srv->store_lock);
	rc = store_org_find(srv->st, org, &org_id, err);
	if (!rc && move)
		rc = store_org_find(srv->st, to, &to_id, err);
	if (!rc && move && to_id == org_id) {
		snprintf(err, sizeof(err), "to names the machine's own organisation");
		rc = FC_EUSAGE;
	}
	if (!rc)
		rc = move ? store_machine_move(srv->st, org_id, machine, to_id, id, err)
		          : store_machine_delete(srv->st, org_id, machine, id, err);
	pthread_mutex_unlock(&srv->store_lock);
	if (rc)
		return fail(c, r, rc, err);
	if (move)
		server_log("machine %s moved from '%s' to '%s' by token %" PRId64, id, org, to,
		           r->token_id);
	else
		server_log("machine %s deleted from '%s' by token %" PRId64, id, org, r->token_id);
	doc = cJSON_CreateObject();
	if (!doc)
		return MHD_NO;
	json_add_str(doc, move ? "moved" : "deleted", id);
	json_add_str(doc, "org", org);
	if (move)
		json_add_str(doc, "to", to);
	return reply_doc(c, r, MHD_HTTP_OK, doc);
}

/* ---- the route ---- */

enum MHD_Result http_admin(struct http_server *srv, struct MHD_Connection *c, struct http_req *r)
{
	const char *rest = r->campaign; /* the path after "/api/v1/" (req_begin) */
	bool post = !strcmp(r->method, MHD_HTTP_METHOD_POST);
	struct params p = {"format", "", false};
	char err[FC_ERRLEN] = "", what[256];
	unsigned status = http_authenticate(srv, c, r, err);
	const char *slash;

	if (status)
		return http_reply_error(c, r, status, err);
	if (r->role != ROLE_ADMIN)
		return http_reply_error(c, r, MHD_HTTP_FORBIDDEN,
		                        "only an admin token may do this");
	if (!strcmp(rest, "tokens") && !post) {
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_param, &p);
		return p.bad ? http_reply_error(c, r, MHD_HTTP_BAD_REQUEST, p.msg)
		             : token_list(srv, c, r);
	}
	if (!strcmp(rest, "tokens")) {
		p.allowed = "";
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_param, &p);
		return p.bad ? http_reply_error(c, r, MHD_HTTP_BAD_REQUEST, p.msg)
		             : token_add(srv, c, r);
	}
	slash = strrchr(rest, '/');
	if (!slash || (size_t)(slash - rest) >= sizeof(what))
		return http_reply_error(c, r, MHD_HTTP_NOT_FOUND, "no such path");
	snprintf(what, sizeof(what), "%.*s", (int)(slash - rest), rest);
	if (!strncmp(what, "tokens/", 7) && !strcmp(slash, "/revoke")) {
		if (!post)
			return http_reply_error_hdr(c, r, MHD_HTTP_METHOD_NOT_ALLOWED,
			                            "method not allowed", MHD_HTTP_HEADER_ALLOW,
			                            "POST");
		p.allowed = "";
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, check_param, &p);
		return p.bad ? http_reply_error(c, r, MHD_HTTP_BAD_REQUEST, p.msg)
		             : token_revoke(srv, c, r, what + 7);
	}
	if (!strncmp(what, "machines/", 9) && what[9] && !strchr(what + 9, '/') &&
	    (!strcmp(slash, "/delete") || !strcmp(slash, "/move"))) {
		if (!post)
			return http_reply_error_hdr(c, r, MHD_HTTP_METHOD_NOT_ALLOWED,
			                            "method not allowed", MHD_HTTP_HEADER_ALLOW,
			                            "POST");
		return machine_change(srv, c, r, what + 9, !strcmp(slash, "/move"));
	}
	return http_reply_error(c, r, MHD_HTTP_NOT_FOUND, "no such path");
}
