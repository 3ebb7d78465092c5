/* http_peer.c - other agents' protocols on /ocsinventory and
 * /front/inventory.php (docs/peer-agents.md): the OCS/FusionInventory XML
 * protocol (PROLOG, INVENTORY) and the GLPI agent JSON protocol (CONTACT,
 * INVENTORY), both on both paths as GLPI 10 does. The organisation comes
 * from HTTP basic authentication, the password being an agent token; a
 * decoded inventory goes to the writer as a POST /api/v1/inventory does. */
#include "http_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <zlib.h>

#include "json.h"
#include "log.h"
#include "peer_ocs.h"
#include "xalloc.h"

/* r->peer: how the agent wants its answer. */
#define HTTP_PEER_JSON 1u /* the GLPI JSON protocol */
#define HTTP_PEER_ZLIB 2u /* answer zlib-compressed */
#define HTTP_PEER_OCS_TYPE 4u /* ... as application/x-compressed (OCS agents) */
#define HTTP_PEER_AGENT_ID 8u /* GLPI-Agent-ID was sent */

#define PEER_REALM "Basic realm=\"fleetcensus\""
#define PEER_MAX_CONTACT ((size_t)64 << 10)

/* ---- answers ---- */

/* The Content-Type of an answer of kind json or XML to r. */
static const char *answer_type(const struct http_req *r, bool json)
{
	if (r->peer & HTTP_PEER_ZLIB)
		return r->peer & HTTP_PEER_OCS_TYPE ? "application/x-compressed"
		                                    : "application/x-compress-zlib";
	return json ? "application/json" : "application/xml";
}

/* Queues text (len bytes) with status, zlib-compressed (level 6, the "78 9C"
 * header FusionInventory looks for) when the agent sent zlib. */
static enum MHD_Result peer_reply(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                  bool json, const char *text, size_t len, const char *hdr,
                                  const char *val)
{
	uLongf n = compressBound((uLong)len);
	unsigned char *z;
	enum MHD_Result ret;

	if (!(r->peer & HTTP_PEER_ZLIB))
		return http_reply(c, r, status, answer_type(r, json), text, len, hdr, val);
	z = xmalloc(n);
	if (compress2(z, &n, (const Bytef *)text, (uLong)len, Z_DEFAULT_COMPRESSION) != Z_OK) {
		free(z);
		LOG_ERR("cannot compress an answer of %zu bytes", len);
		return MHD_NO;
	}
	ret = http_reply(c, r, status, answer_type(r, json), z, n, hdr, val);
	free(z);
	return ret;
}

/* The XML answer <REPLY>...</REPLY> with the elements of body. */
static enum MHD_Result ocs_reply(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                 const char *body, const char *hdr, const char *val)
{
	char text[1024];
	int n = snprintf(text, sizeof(text),
	                 "<?xml version='1.0' encoding='UTF-8'?>\n<REPLY>\n%s</REPLY>\n", body);

	if (n < 0 || (size_t)n >= sizeof(text))
		return MHD_NO;
	return peer_reply(c, r, status, false, text, (size_t)n, hdr, val);
}

/* The JSON answer doc (kept by the caller). */
static enum MHD_Result glpi_reply(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                  const cJSON *doc, const char *hdr, const char *val)
{
	char *s = cJSON_PrintUnformatted(doc);
	enum MHD_Result ret;

	if (!s) {
		LOG_ERR("out of memory building a JSON answer");
		return MHD_NO;
	}
	ret = peer_reply(c, r, status, true, s, strlen(s), hdr, val);
	cJSON_free(s);
	return ret;
}

/* Hours until the next report, as these agents count (at least 1). */
static long peer_hours(const struct http_server *srv)
{
	long h = srv->cfg->next_report_seconds / 3600;

	return h > 0 ? h : 1;
}

/* Copies msg into out for an XML text node: <, > and & left out. */
static void xml_safe(const char *msg, char *out, size_t size)
{
	size_t i, n = 0;

	for (i = 0; msg[i] && n + 1 < size; i++)
		if (msg[i] != '<' && msg[i] != '>' && msg[i] != '&')
			out[n++] = msg[i];
	out[n] = '\0';
}

enum MHD_Result http_peer_error(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                const char *msg)
{
	const char *hdr = NULL, *val = NULL;
	char body[FC_ERRLEN + 64], safe[FC_ERRLEN];
	enum MHD_Result ret;
	cJSON *doc;

	if (status == MHD_HTTP_UNAUTHORIZED)
		hdr = MHD_HTTP_HEADER_WWW_AUTHENTICATE, val = PEER_REALM;
	else if (status == MHD_HTTP_SERVICE_UNAVAILABLE || status == MHD_HTTP_TOO_MANY_REQUESTS)
		hdr = MHD_HTTP_HEADER_RETRY_AFTER, val = "60";
	if (!(r->peer & HTTP_PEER_JSON)) {
		xml_safe(msg, safe, sizeof(safe));
		snprintf(body, sizeof(body), "  <ERROR>%s</ERROR>\n", safe);
		return ocs_reply(c, r, status, body, hdr, val);
	}
	doc = cJSON_CreateObject();
	if (!doc)
		return MHD_NO;
	json_add_str(doc, "status", "error");
	/* "busy server" is the GLPI protocol's back-pressure answer */
	json_add_str(doc, "message", status == MHD_HTTP_SERVICE_UNAVAILABLE ? "busy server" : msg);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		json_add_str(doc, "expiration", "30m");
	else
		json_add_num(doc, "expiration", 24);
	ret = glpi_reply(c, r, status, doc, hdr, val);
	cJSON_Delete(doc);
	return ret;
}

enum MHD_Result http_peer_stored(struct http_server *srv, struct MHD_Connection *c,
                                 struct http_req *r)
{
	enum MHD_Result ret;
	cJSON *doc;

	if (!(r->peer & HTTP_PEER_JSON))
		return ocs_reply(c, r, MHD_HTTP_OK, "  <RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE>\n",
		                 NULL, NULL);
	doc = cJSON_CreateObject();
	if (!doc)
		return MHD_NO;
	if (r->peer & HTTP_PEER_AGENT_ID) {
		json_add_str(doc, "status", "ok");
		json_add_num(doc, "expiration", (double)peer_hours(srv));
	} else {
		json_add_str(doc, "RESPONSE", "SEND");
	}
	ret = glpi_reply(c, r, MHD_HTTP_OK, doc, NULL, NULL);
	cJSON_Delete(doc);
	return ret;
}

/* The PROLOG answer: send an inventory every PROLOG_FREQ hours. A GLPI
 * agent (GLPI-Agent-ID) gets the JSON one that moves it to the JSON
 * protocol, as GLPI 10 answers. */
static enum MHD_Result ocs_prolog(struct http_server *srv, struct MHD_Connection *c,
                                  struct http_req *r)
{
	char body[128];
	cJSON *doc;
	enum MHD_Result ret;

	if (!(r->peer & HTTP_PEER_AGENT_ID)) {
		snprintf(body, sizeof(body),
		         "  <PROLOG_FREQ>%ld</PROLOG_FREQ>\n  <RESPONSE>SEND</RESPONSE>\n",
		         peer_hours(srv));
		return ocs_reply(c, r, MHD_HTTP_OK, body, NULL, NULL);
	}
	r->peer |= HTTP_PEER_JSON;
	doc = cJSON_CreateObject();
	if (!doc)
		return MHD_NO;
	json_add_str(doc, "status", "ok");
	json_add_num(doc, "expiration", (double)peer_hours(srv));
	ret = glpi_reply(c, r, MHD_HTTP_OK, doc, NULL, NULL);
	cJSON_Delete(doc);
	return ret;
}

/* The CONTACT answer: inventory is the one task served; every other task
 * the agent has enabled is named in disabled. */
static enum MHD_Result glpi_contact(struct http_server *srv, struct MHD_Connection *c,
                                    struct http_req *r, const cJSON *req)
{
	const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(req, "enabled-tasks"), *t;
	cJSON *doc = cJSON_CreateObject(), *inv, *dis = NULL;
	enum MHD_Result ret;

	if (!doc)
		return MHD_NO;
	json_add_str(doc, "status", "ok");
	json_add_num(doc, "expiration", (double)peer_hours(srv));
	inv = json_add_obj(json_add_obj(doc, "tasks"), "inventory");
	json_add_str(inv, "server", "glpi");
	json_add_str(inv, "version", "fleetcensus " FC_VERSION);
	for (t = cJSON_IsArray(tasks) ? tasks->child : NULL; t; t = t->next) {
		if (!cJSON_IsString(t) || !strcmp(t->valuestring, "inventory"))
			continue;
		if (!dis)
			dis = json_add_arr(doc, "disabled");
		cJSON_AddItemToArray(dis, cJSON_CreateString(t->valuestring));
	}
	if (dis)
		json_add_str(doc, "message", "only the inventory task is served");
	ret = glpi_reply(c, r, MHD_HTTP_OK, doc, NULL, NULL);
	cJSON_Delete(doc);
	return ret;
}

/* ---- authentication ---- */

static int b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	return ch == '/' ? 63 : -1;
}

/* The password of an Authorization "Basic ..." value into pw (size bytes);
 * false when it is not one. */
static bool basic_password(const char *hdr, char *pw, size_t size)
{
	char raw[384];
	size_t n = 0, i;
	unsigned acc = 0;
	int bits = 0, v;
	const char *colon;

	if (strncasecmp(hdr, "Basic ", 6))
		return false;
	for (hdr += 6; *hdr == ' '; hdr++)
		;
	for (i = 0; hdr[i] && hdr[i] != '='; i++) {
		v = b64_val((unsigned char)hdr[i]);
		if (v < 0 || n + 1 >= sizeof(raw))
			return false;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[n++] = (char)((acc >> bits) & 0xFF);
		}
	}
	raw[n] = '\0';
	colon = memchr(raw, ':', n);
	if (!colon || strlen(colon + 1) + 1 > size || memchr(raw, '\0', n))
		return false;
	snprintf(pw, size, "%s", colon + 1);
	return true;
}

/* Checks the basic credentials: 0 with r's organisation set, or the status
 * to answer with msg. */
static unsigned peer_authenticate(struct http_server *srv, struct MHD_Connection *c,
                                  struct http_req *r, char *msg)
{
	const char *hdr =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	char pw[257];
	unsigned status;

	if (!hdr) {
		snprintf(msg, FC_ERRLEN,
		         "authentication required (basic, the password being an "
		         "agent token)");
		return MHD_HTTP_UNAUTHORIZED;
	}
	if (!basic_password(hdr, pw, sizeof(pw))) {
		snprintf(msg, FC_ERRLEN, "malformed Authorization header (want Basic credentials)");
		return MHD_HTTP_UNAUTHORIZED;
	}
	status = http_token_check(srv, r, pw, msg);
	memset(pw, 0, sizeof(pw));
	return status;
}

/* ---- the requests ---- */

/* How the agent speaks, from its headers (before the body is read). */
static void peer_mode(struct MHD_Connection *c, struct http_req *r)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");

	r->peer = 0;
	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "GLPI-Agent-ID"))
		r->peer |= HTTP_PEER_AGENT_ID | HTTP_PEER_JSON;
	if (ct && (!strncasecmp(ct, "application/x-compress-zlib", 27) ||
	           !strncasecmp(ct, "application/x-zlib", 18)))
		r->peer |= HTTP_PEER_ZLIB;
	else if (ct && !strncasecmp(ct, "application/x-compress", 22))
		r->peer |= HTTP_PEER_ZLIB | HTTP_PEER_OCS_TYPE; /* x-compress, x-compressed */
	if (ct && !strncasecmp(ct, "application/json", 16))
		r->peer |= HTTP_PEER_JSON;
}

enum MHD_Result http_peer_begin(struct http_server *srv, struct MHD_Connection *c,
                                struct http_req *r)
{
	char msg[FC_ERRLEN];
	unsigned status;

	peer_mode(c, r);
	status = peer_authenticate(srv, c, r, msg);
	if (!status)
		status = http_report_allowed(srv, c, r, msg);
	return status ? http_peer_error(c, r, status, msg) : MHD_YES;
}

/* An XML message: PROLOG answered, INVENTORY queued. */
static enum MHD_Result peer_xml(struct http_server *srv, struct MHD_Connection *c,
                                struct http_req *r, const struct buf *text)
{
	struct ingest_limits lim = srv->cfg->limits;
	const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
	struct peer_ocs_msg msg;
	struct ingest_report rep;
	char err[FC_ERRLEN + 32];
	int status = 0;
	enum fc_rc rc;

	r->peer &= ~HTTP_PEER_JSON;
	lim.max_body = lim.max_decompressed; /* the text is inflated already */
	snprintf(msg.user_agent, sizeof(msg.user_agent), "%s", ua ? ua : "");
	ingest_report_init(&rep);
	rc = peer_ocs_decode(text->ptr, text->len, &lim, &msg, &rep, &status, err);
	if (rc)
		return http_peer_error(c, r, (unsigned)status, err);
	if (!strcmp(msg.query, "PROLOG"))
		return ocs_prolog(srv, c, r);
	if (strcmp(msg.query, "INVENTORY")) {
		ingest_report_release(&rep);
		snprintf(err, sizeof(err), "Query '%.40s' is not supported", msg.query);
		return http_peer_error(c, r, 501, err);
	}
	return http_inventory_queue(srv, c, r, &rep);
}

/* A JSON message: CONTACT answered, anything else decoded as an inventory. */
static enum MHD_Result peer_json(struct http_server *srv, struct MHD_Connection *c,
                                 struct http_req *r, const struct buf *text)
{
	struct ingest_limits lim = srv->cfg->limits;
	struct ingest_report rep;
	char err[FC_ERRLEN];
	int status = 0;
	enum fc_rc rc;
	cJSON *doc;
	const char *action;
	enum MHD_Result ret;

	r->peer |= HTTP_PEER_JSON;
	if (text->len <= PEER_MAX_CONTACT) {
		doc = cJSON_ParseWithLength(text->ptr, text->len);
		action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "action"));
		if (action && !strcmp(action, "contact")) {
			ret = glpi_contact(srv, c, r, doc);
			cJSON_Delete(doc);
			return ret;
		}
		cJSON_Delete(doc);
	}
	lim.max_body = lim.max_decompressed;
	ingest_report_init(&rep);
	rc = ingest_decode(text->ptr, text->len, NULL, &lim, &rep, &status, err);
	if (rc)
		return http_peer_error(c, r, status >= 400 && status < 500 ? (unsigned)status : 400,
		                       err);
	if (rep.software_unchanged) {
		ingest_report_release(&rep);
		return http_peer_error(c, r, MHD_HTTP_BAD_REQUEST,
		                       "short reports are for /api/v1/inventory");
	}
	return http_inventory_queue(srv, c, r, &rep);
}

/* The body as text: inflated (zlib or gzip, told from its first bytes,
 * whatever the Content-Type says) within the limits. */
static enum fc_rc peer_text(const struct http_server *srv, const struct buf *body, struct buf *text,
                            unsigned *status, char *err)
{
	const struct ingest_limits *lim = &srv->cfg->limits;
	enum fc_rc rc = peer_ocs_inflate(body->ptr, body->len, lim, text, err);

	*status = rc == FC_ELIMIT ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_BAD_REQUEST;
	return rc;
}

enum MHD_Result http_peer_finish(struct http_server *srv, struct MHD_Connection *c,
                                 struct http_req *r)
{
	char err[FC_ERRLEN];
	struct buf text;
	unsigned status;
	size_t i = 0;
	enum MHD_Result ret;

	if (r->too_big) {
		snprintf(err, FC_ERRLEN, "body exceeds the limit of %zu bytes",
		         srv->cfg->limits.max_body);
		return http_peer_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, err);
	}
	if (peer_text(srv, &r->body, &text, &status, err)) {
		buf_release(&r->body);
		return http_peer_error(c, r, status, err);
	}
	buf_release(&r->body);
	while (i < text.len && strchr(" \t\r\n", text.ptr[i]))
		i++;
	if (i < text.len && text.ptr[i] == '{')
		ret = peer_json(srv, c, r, &text);
	else if (i < text.len && (text.ptr[i] == '<' || (unsigned char)text.ptr[i] == 0xEF))
		ret = peer_xml(srv, c, r, &text);
	else
		ret = http_peer_error(c, r, MHD_HTTP_BAD_REQUEST,
		                      text.len ? "neither XML nor JSON" : "empty body");
	buf_release(&text);
	return ret;
}
