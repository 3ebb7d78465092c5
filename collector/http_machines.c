/* http_machines.c - GET /api/v1/machines?org=NAME&format=json|csv: the
 * stored machines of one organisation (reader and admin tokens) or of all
 * of them (admin tokens), as a JSON array or as CSV (RFC 4180; every field
 * through report_csv_field, so machine text cannot start a formula). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "http_priv.h"
#include "json.h"
#include "log.h"
#include "report.h"

struct listing {
	struct buf *out;
	bool csv;
	size_t n; /* machines written */
};

static const char csv_header[] = "org,machine,hostname,last_seen,collected_at,os_id,"
                                 "os_version_id,os_pretty_name,software_count\r\n";

/* ---- JSON ---- */

static enum fc_rc add_json(const struct store_machine *m, struct listing *l)
{
	char seen[HTTP_TIME_LEN];
	enum fc_rc rc = FC_EPARSE;
	cJSON *o = cJSON_CreateObject(), *os;
	char *text = NULL;

	if (!o)
		goto out_delete;
	http_rfc3339(m->last_seen, seen);
	json_add_str(o, "org", m->org);
	json_add_str(o, "machine", m->machine);
	json_add_str(o, "hostname", m->hostname);
	json_add_str(o, "last_seen", seen);
	json_add_str(o, "collected_at", m->collected_at);
	json_add_str(o, "hw_uuid", m->hw_uuid);
	json_add_str(o, "machine_id", m->machine_id);
	json_add_str(o, "agent_id", m->agent_id);
	if (m->software_count >= 0)
		json_add_num(o, "software_count", (double)m->software_count);
	else if (!cJSON_AddNullToObject(o, "software_count"))
		goto out_delete;
	os = m->os_json ? cJSON_Parse(m->os_json) : NULL;
	if (!os)
		os = cJSON_CreateNull();
	if (!os || !cJSON_AddItemToObject(o, "os", os))
		goto out_delete;
	text = cJSON_PrintUnformatted(o);
	if (!text)
		goto out_delete;
	rc = buf_addstr(l->out, l->n ? "," : "[");
	if (rc == FC_OK)
		rc = buf_addstr(l->out, text);
out_delete:
	if (rc == FC_EPARSE)
		LOG_ERR("out of memory building the machine list");
	cJSON_free(text);
	cJSON_Delete(o);
	return rc;
}

/* The text of a string or number item, into out (size bytes); "" when the
 * item is absent or of another type. */
static void item_text(const cJSON *item, char *out, size_t size)
{
	out[0] = '\0';
	if (cJSON_IsString(item))
		snprintf(out, size, "%s", item->valuestring);
	else if (cJSON_IsNumber(item))
		snprintf(out, size, "%.15g", item->valuedouble);
}

/* os_id, os_version_id and os_pretty_name from the stored facts: the
 * os-release keys ID, VERSION_ID, PRETTY_NAME; for Windows "windows",
 * major.minor.build and product_name; else "" (the pretty name falls back to
 * operatingsystem.full_name). */
static void os_fields(const cJSON *os, char id[128], char ver[128], char pretty[512])
{
	const cJSON *fc = cJSON_GetObjectItemCaseSensitive(os, "fleetcensus");
	const cJSON *rel = cJSON_GetObjectItemCaseSensitive(fc, "os_release");
	const cJSON *win = cJSON_GetObjectItemCaseSensitive(fc, "windows");
	char a[40], b[40], c[40];

	id[0] = ver[0] = pretty[0] = '\0';
	if (cJSON_IsObject(rel)) {
		item_text(cJSON_GetObjectItemCaseSensitive(rel, "ID"), id, 128);
		item_text(cJSON_GetObjectItemCaseSensitive(rel, "VERSION_ID"), ver, 128);
		item_text(cJSON_GetObjectItemCaseSensitive(rel, "PRETTY_NAME"), pretty, 512);
	} else if (cJSON_IsObject(win)) {
		snprintf(id, 128, "windows");
		item_text(cJSON_GetObjectItemCaseSensitive(win, "major"), a, sizeof(a));
		item_text(cJSON_GetObjectItemCaseSensitive(win, "minor"), b, sizeof(b));
		item_text(cJSON_GetObjectItemCaseSensitive(win, "build"), c, sizeof(c));
		if (a[0] && b[0] && c[0])
			snprintf(ver, 128, "%s.%s.%s", a, b, c);
		item_text(cJSON_GetObjectItemCaseSensitive(win, "product_name"), pretty, 512);
	}
	if (!pretty[0])
		item_text(cJSON_GetObjectItemCaseSensitive(
		              cJSON_GetObjectItemCaseSensitive(os, "operatingsystem"), "full_name"),
		          pretty, 512);
}

static enum fc_rc add_csv(const struct store_machine *m, struct listing *l)
{
	char seen[HTTP_TIME_LEN], count[24], id[128], ver[128], pretty[512];
	cJSON *os = m->os_json ? cJSON_Parse(m->os_json) : NULL;
	enum fc_rc rc;

	http_rfc3339(m->last_seen, seen);
	os_fields(os, id, ver, pretty);
	cJSON_Delete(os);
	count[0] = '\0';
	if (m->software_count >= 0)
		snprintf(count, sizeof(count), "%lld", (long long)m->software_count);
	rc = report_csv_field(l->out, m->org, false);
	if (rc == FC_OK)
		rc = report_csv_field(l->out, m->machine, false);
	if (rc == FC_OK)
		rc = report_csv_field(l->out, m->hostname, false);
	if (rc == FC_OK)
		rc = report_csv_field(l->out, seen, false);
	if (rc == FC_OK)
		rc = report_csv_field(l->out, m->collected_at, false);
	if (rc == FC_OK)
		rc = report_csv_field(l->out, id, false);
	if (rc == FC_OK)
		rc = report_csv_field(l->out, ver, false);
	if (rc == FC_OK)
		rc = report_csv_field(l->out, pretty, false);
	if (rc == FC_OK)
		rc = report_csv_field(l->out, count, true);
	return rc;
}

static enum fc_rc add_machine(const struct store_machine *m, void *ctx)
{
	struct listing *l = ctx;
	enum fc_rc rc = l->csv ? add_csv(m, l) : add_json(m, l);

	if (rc == FC_OK)
		l->n++;
	return rc;
}

/* ---- the route ---- */

/* Which organisation the request may list: sets *org_id (0: all) or
 * returns the status to refuse with, msg saying why. */
static unsigned choose_org(struct http_server *srv, const struct http_req *r, const char *org,
                           int64_t *org_id, char *msg)
{
	char err[FC_ERRLEN];
	enum fc_rc rc = FC_OK;
	int64_t id = 0;

	if (org) {
		pthread_mutex_lock(&srv->store_lock);
		rc = store_org_find(srv->st, org, &id, err);
		pthread_mutex_unlock(&srv->store_lock);
	}
	if (rc && rc != FC_ENOENT) {
		LOG_ERR("finding an organisation: %s", err);
		snprintf(msg, FC_ERRLEN, "internal error finding the organisation");
		return rc == FC_EBUSY ? MHD_HTTP_SERVICE_UNAVAILABLE
		                      : MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	if (r->role == ROLE_READER) {
		if (org && (rc || id != r->org_id)) {
			snprintf(msg, FC_ERRLEN,
			         "a reader token may read only its own organisation");
			return MHD_HTTP_FORBIDDEN;
		}
		*org_id = r->org_id;
		return 0;
	}
	if (rc == FC_ENOENT) {
		snprintf(msg, FC_ERRLEN, "org: no organisation '%.200s'", org);
		return MHD_HTTP_NOT_FOUND;
	}
	*org_id = id;
	return 0;
}

/* Builds the listing of org_id into out under the store lock. */
static unsigned build_listing(struct http_server *srv, int64_t org_id, bool csv, struct buf *out,
                              char *msg)
{
	struct listing l = {out, csv, 0};
	char err[FC_ERRLEN] = "";
	enum fc_rc rc;

	rc = csv ? buf_addstr(out, csv_header) : FC_OK;
	pthread_mutex_lock(&srv->store_lock);
	if (rc == FC_OK)
		rc = store_machine_each(srv->st, org_id, add_machine, &l, err);
	pthread_mutex_unlock(&srv->store_lock);
	if (rc == FC_OK && !csv)
		rc = buf_addstr(out, l.n ? "]" : "[]");
	if (rc == FC_ELIMIT) {
		snprintf(msg, FC_ERRLEN, "the list exceeds %zu bytes: ask for one organisation",
		         out->max);
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	if (rc) {
		LOG_ERR("listing machines: %s", rc == FC_EPARSE ? "out of memory" : err);
		snprintf(msg, FC_ERRLEN, "internal error listing the machines");
		return rc == FC_EBUSY ? MHD_HTTP_SERVICE_UNAVAILABLE
		                      : MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	return 0;
}

/* Notes in msg the first parameter that is not org or format (a misspelt
 * one must not give every machine). */
static enum MHD_Result unknown_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	char *msg = cls;

	(void)kind;
	(void)value;
	if (!strcmp(key, "org") || !strcmp(key, "format"))
		return MHD_YES;
	snprintf(msg, FC_ERRLEN, "unknown parameter '%.64s'", key);
	return MHD_NO;
}

enum MHD_Result http_machines(struct http_server *srv, struct MHD_Connection *c, struct http_req *r)
{
	const char *org = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "org");
	const char *format = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
	char msg[FC_ERRLEN];
	int64_t org_id = 0;
	unsigned status;
	struct buf out;
	enum MHD_Result ret;
	bool csv = format && !strcmp(format, "csv");

	status = http_authenticate(srv, c, r, msg);
	if (status)
		return http_reply_error(c, r, status, msg);
	if (r->role != ROLE_READER && r->role != ROLE_ADMIN)
		return http_reply_error(c, r, MHD_HTTP_FORBIDDEN,
		                        "an agent token cannot read machines (use a reader or "
		                        "admin token)");
	msg[0] = '\0';
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, unknown_param, msg);
	if (msg[0])
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST, msg);
	if (format && !csv && strcmp(format, "json"))
		return http_reply_error(c, r, MHD_HTTP_BAD_REQUEST, "format: want json or csv");
	status = choose_org(srv, r, org, &org_id, msg);
	if (status)
		return http_reply_error(c, r, status, msg);
	buf_init(&out, HTTP_MAX_LISTING);
	status = build_listing(srv, org_id, csv, &out, msg);
	if (status)
		ret = http_reply_error(c, r, status, msg);
	else
		ret = http_reply_take(
		    c, r, MHD_HTTP_OK,
		    csv ? "text/csv; charset=utf-8; header=present" : "application/json", &out);
	buf_release(&out);
	return ret;
}
