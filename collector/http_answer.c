/* http_answer.c - the HTTP server's answers (http_priv.h): a body copied or
 * taken, JSON documents, the error document and its headers (401 with
 * WWW-Authenticate, 429/503 with Retry-After, the peer agents' own form on
 * their route). */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "http_priv.h"
#include "json.h"
#include "log.h"

#define JSON_TYPE "application/json"
/* Retry-After of a 429 or 503 (database busy, too many requests). */
#define RETRY_AFTER "60"

enum MHD_Result http_reply(struct MHD_Connection *c, struct http_req *r, unsigned status,
                           const char *ctype, const void *body, size_t len, const char *hdr,
                           const char *val)
{
	struct MHD_Response *resp;
	enum MHD_Result ret = MHD_NO;

	resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp) {
		LOG_ERR("cannot create a response of %zu bytes", len);
		return MHD_NO;
	}
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) == MHD_NO ||
	    (hdr && MHD_add_response_header(resp, hdr, val) == MHD_NO)) {
		LOG_ERR("cannot add a response header");
		goto out_destroy;
	}
	ret = MHD_queue_response(c, status, resp);
	if (ret == MHD_YES) {
		r->status = status;
		r->bytes_out = len;
	}
out_destroy:
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result http_reply_take(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                const char *ctype, struct buf *b)
{
	struct MHD_Response *resp;
	enum MHD_Result ret = MHD_NO;
	size_t len;
	char *p = buf_take(b, &len);

	resp = MHD_create_response_from_buffer(len, p, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		LOG_ERR("cannot create a response of %zu bytes", len);
		free(p);
		return MHD_NO;
	}
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) == MHD_NO) {
		LOG_ERR("cannot add a response header");
		goto out_destroy;
	}
	ret = MHD_queue_response(c, status, resp);
	if (ret == MHD_YES) {
		r->status = status;
		r->bytes_out = len;
	}
out_destroy:
	MHD_destroy_response(resp);
	return ret;
}

/* Queues doc, printed compactly, with status; doc stays the caller's. */
enum MHD_Result http_reply_json(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                const cJSON *doc, const char *hdr, const char *val)
{
	enum MHD_Result ret;
	char *text = cJSON_PrintUnformatted(doc);

	if (!text) {
		LOG_ERR("out of memory printing a JSON answer");
		return MHD_NO;
	}
	ret = http_reply(c, r, status, JSON_TYPE, text, strlen(text), hdr, val);
	cJSON_free(text);
	return ret;
}

/* Queues {"status":"error","error":msg} with status, plus "resend":resend
 * when resend is not NULL and, when hdr is not NULL, the header hdr: val. */
enum MHD_Result http_reply_error_doc(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                     const char *msg, const char *resend, const char *hdr,
                                     const char *val)
{
	enum MHD_Result ret;
	cJSON *doc = cJSON_CreateObject();

	if (!doc) {
		LOG_ERR("out of memory building a JSON answer");
		return MHD_NO;
	}
	json_add_str(doc, "status", "error");
	json_add_str(doc, "error", msg);
	if (resend)
		json_add_str(doc, "resend", resend);
	ret = http_reply_json(c, r, status, doc, hdr, val);
	cJSON_Delete(doc);
	return ret;
}

/* Queues {"status":"error","error":msg} with status and, when hdr is not
 * NULL, the header hdr: val. */
enum MHD_Result http_reply_error_hdr(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                     const char *msg, const char *hdr, const char *val)
{
	return http_reply_error_doc(c, r, status, msg, NULL, hdr, val);
}

enum MHD_Result http_reply_error(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                 const char *msg)
{
	if (r->route == ROUTE_PEER)
		return http_peer_error(c, r, status, msg);
	if (status == MHD_HTTP_UNAUTHORIZED)
		return http_reply_error_hdr(c, r, status, msg, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                            "Bearer");
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE || status == MHD_HTTP_TOO_MANY_REQUESTS)
		return http_reply_error_hdr(c, r, status, msg, MHD_HTTP_HEADER_RETRY_AFTER,
		                            RETRY_AFTER);
	return http_reply_error_hdr(c, r, status, msg, NULL, NULL);
}
