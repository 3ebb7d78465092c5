/* send.c - deliver a gzip report to the collector over HTTP(S) (libcurl). */
#include "send.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "buf.h"
#include "fc_printf.h"
#include "log.h"

#ifndef FC_VERSION
#define FC_VERSION "unknown"
#endif

#define SEND_URL_MAX 4096
#define SEND_AUTH_HEADER "Authorization:"

/* Sets one option unless an earlier one failed; c collects the first error. */
#define SEND_SETOPT(c, h, opt, val)                                                                \
	do {                                                                                       \
		if ((c) == CURLE_OK)                                                               \
			(c) = curl_easy_setopt((h), (opt), (val));                                 \
	} while (0)

struct send_ctx {
	CURL *curl;
	struct curl_slist *headers;
	struct buf url;
	struct buf answer;
	bool answer_too_big;
	char errbuf[CURL_ERROR_SIZE];
};

/* Formats res->message, truncated to fit, on one line: control characters
 * (which may come from the server) become spaces. */
FC_PRINTF(2, 3)
static void send_message(struct send_result *res, const char *fmt, ...);

static void send_message(struct send_result *res, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
	for (p = res->message; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
}

/* A token goes into a header: visible ASCII only, so it cannot add lines. */
static bool send_token_ok(const char *token)
{
	const unsigned char *p = (const unsigned char *)token;

	if (!*p)
		return false;
	for (; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f)
			return false;
	}
	return true;
}

/* Builds server (without its trailing slashes) + SEND_PATH into url. */
static enum fc_rc send_build_url(const char *server, struct buf *url)
{
	size_t n = strlen(server);

	while (n > 0 && server[n - 1] == '/')
		n--;
	if (n == 0)
		return FC_ECONFIG;
	if (buf_add(url, server, n) || buf_addstr(url, SEND_PATH))
		return FC_ECONFIG;
	return FC_OK;
}

static size_t send_write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct send_ctx *ctx = userp;
	size_t n = size * nmemb; /* size is always 1 */

	if (buf_add(&ctx->answer, data, n)) {
		ctx->answer_too_big = true;
		return 0; /* stops the transfer: libcurl reports CURLE_WRITE_ERROR */
	}
	return n;
}

/* Logs one block of verbose output line by line, prefixed like curl -v, with
 * the value of an outgoing Authorization header replaced. */
static void send_debug_lines(char prefix, const char *data, size_t size)
{
	size_t n, len = strlen(SEND_AUTH_HEADER);

	while (size > 0) {
		for (n = 0; n < size && data[n] != '\n'; n++)
			;
		if (prefix == '>' && n >= len && !strncasecmp(data, SEND_AUTH_HEADER, len))
			log_write(LOG_LEVEL_INFO, __FILE__, __LINE__, "> %s [redacted]",
			          SEND_AUTH_HEADER);
		else if (n > 0 && !(n == 1 && data[0] == '\r'))
			log_write(LOG_LEVEL_INFO, __FILE__, __LINE__, "%c %.*s", prefix,
			          (int)(data[n - 1] == '\r' ? n - 1 : n), data);
		if (n < size)
			n++;
		data += n;
		size -= n;
	}
}

static int send_debug_cb(CURL *curl, curl_infotype type, char *data, size_t size, void *userp)
{
	(void)curl;
	(void)userp;
	switch (type) {
	case CURLINFO_TEXT: send_debug_lines('*', data, size); break;
	case CURLINFO_HEADER_IN: send_debug_lines('<', data, size); break;
	case CURLINFO_HEADER_OUT: send_debug_lines('>', data, size); break;
	default: break; /* bodies and TLS records are not logged */
	}
	return 0;
}

/* Adds the request headers to ctx->headers. */
static enum fc_rc send_add_headers(struct send_ctx *ctx, const char *token)
{
	static const char *const fixed[] = {"Content-Type: application/json",
	                                    "Content-Encoding: gzip", "Expect:"};
	struct curl_slist *l;
	struct buf auth;
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		l = curl_slist_append(ctx->headers, fixed[i]);
		if (!l)
			return FC_ENOMEM;
		ctx->headers = l;
	}
	buf_init(&auth, 64 * 1024);
	if (buf_printf(&auth, SEND_AUTH_HEADER " Bearer %s", token))
		return FC_ECONFIG;
	l = curl_slist_append(ctx->headers, auth.ptr);
	buf_release(&auth);
	if (!l)
		return FC_ENOMEM;
	ctx->headers = l;
	return FC_OK;
}

/* Sets every transfer option on ctx->curl. */
static CURLcode send_setup(struct send_ctx *ctx, const struct send_opts *o, const void *gz,
                           size_t gzlen)
{
	long timeout = o->timeout > 0 ? o->timeout : SEND_DEFAULT_TIMEOUT;
	CURL *h = ctx->curl;
	CURLcode c = CURLE_OK;

	SEND_SETOPT(c, h, CURLOPT_ERRORBUFFER, ctx->errbuf);
	SEND_SETOPT(c, h, CURLOPT_URL, ctx->url.ptr);
	SEND_SETOPT(c, h, CURLOPT_PROTOCOLS_STR, "http,https");
	SEND_SETOPT(c, h, CURLOPT_FOLLOWLOCATION, 0L);
	SEND_SETOPT(c, h, CURLOPT_NOSIGNAL, 1L);
	SEND_SETOPT(c, h, CURLOPT_TIMEOUT, timeout);
	SEND_SETOPT(c, h, CURLOPT_CONNECTTIMEOUT, timeout);
	SEND_SETOPT(c, h, CURLOPT_SSL_VERIFYPEER, 1L);
	SEND_SETOPT(c, h, CURLOPT_SSL_VERIFYHOST, 2L);
	SEND_SETOPT(c, h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (o->cacert)
		SEND_SETOPT(c, h, CURLOPT_CAINFO, o->cacert);
	SEND_SETOPT(c, h, CURLOPT_USERAGENT, "fleetcensus-agent/" FC_VERSION);
	SEND_SETOPT(c, h, CURLOPT_HTTPHEADER, ctx->headers);
	SEND_SETOPT(c, h, CURLOPT_POST, 1L);
	SEND_SETOPT(c, h, CURLOPT_POSTFIELDS, gz ? gz : ""); /* NULL would read stdin */
	SEND_SETOPT(c, h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)gzlen);
	SEND_SETOPT(c, h, CURLOPT_WRITEFUNCTION, send_write_cb);
	SEND_SETOPT(c, h, CURLOPT_WRITEDATA, ctx);
	if (o->verbose) {
		SEND_SETOPT(c, h, CURLOPT_DEBUGFUNCTION, send_debug_cb);
		SEND_SETOPT(c, h, CURLOPT_VERBOSE, 1L);
	}
	return c;
}

/* Seconds from a Retry-After header (delta-seconds or an HTTP date), or -1. */
static long send_retry_after(CURL *curl)
{
	struct curl_header *h;
	long secs;
	char *end;
	time_t when;

	if (curl_easy_header(curl, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return -1;
	if (isdigit((unsigned char)h->value[0])) {
		errno = 0;
		secs = strtol(h->value, &end, 10);
		if (errno || (*end && !isspace((unsigned char)*end)))
			return -1;
		return secs;
	}
	when = curl_getdate(h->value, NULL);
	if (when == -1)
		return -1;
	return when > time(NULL) ? (long)(when - time(NULL)) : 0;
}

/* Reads the JSON answer of an accepted report. */
static void send_parse_ok(const struct buf *answer, struct send_result *res)
{
	cJSON *root = cJSON_ParseWithLength(buf_cstr(answer), answer->len);
	const cJSON *obj = cJSON_IsObject(root) ? root : NULL;
	const cJSON *next = cJSON_GetObjectItemCaseSensitive(obj, "next_report_seconds");
	const cJSON *machine = cJSON_GetObjectItemCaseSensitive(obj, "machine");

	if (cJSON_IsNumber(next) && isfinite(next->valuedouble) && next->valuedouble >= 0 &&
	    next->valuedouble <= (double)INT_MAX)
		res->next_report_seconds = (long)next->valuedouble;
	if (cJSON_IsString(machine))
		send_message(res, "delivered (HTTP %ld), machine '%.100s'", res->http_status,
		             machine->valuestring);
	else
		send_message(res, "delivered (HTTP %ld)", res->http_status);
	if (!obj)
		LOG_DEBUG("the collector's answer is not a JSON object");
	cJSON_Delete(root);
}

/* Describes an HTTP error answer: its JSON "error" text, else its first line. */
static void send_parse_error(const struct buf *answer, struct send_result *res)
{
	cJSON *root = cJSON_ParseWithLength(buf_cstr(answer), answer->len);
	const cJSON *error =
	    cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "error") : NULL;
	const char *text = buf_cstr(answer);

	if (cJSON_IsString(error))
		text = error->valuestring;
	else if (root)
		text = "";
	send_message(res, "server answered HTTP %ld%s%.*s", res->http_status, *text ? ": " : "",
	             (int)strcspn(text, "\r\n"), text);
	cJSON_Delete(root);
}

/* Maps the HTTP status of a complete answer to a code and a message. */
static enum fc_rc send_classify(struct send_ctx *ctx, struct send_result *res)
{
	long s = res->http_status;
	char *location = NULL;

	res->retry_after = send_retry_after(ctx->curl);
	if (s >= 200 && s <= 299) {
		send_parse_ok(&ctx->answer, res);
		return FC_OK;
	}
	if (s >= 300 && s <= 399) {
		if (curl_easy_getinfo(ctx->curl, CURLINFO_REDIRECT_URL, &location) != CURLE_OK)
			location = NULL;
		send_message(res, "server answered HTTP %ld redirecting to '%.150s' (not followed)",
		             s, location ? location : "?");
		return FC_EREFUSED;
	}
	send_parse_error(&ctx->answer, res);
	if (s >= 400 && s <= 499 && s != 408 && s != 429)
		return FC_EREFUSED;
	return FC_EHTTP;
}

/* Translates a failed transfer: a bad URL or CA file is the configuration's
 * fault, everything else the network's. */
static enum fc_rc send_curl_rc(CURLcode c)
{
	switch (c) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_SSL_CACERT_BADFILE: return FC_ECONFIG;
	case CURLE_OUT_OF_MEMORY: return FC_ENOMEM;
	default: return FC_ENET;
	}
}

/* Runs the transfer and translates its outcome. */
static enum fc_rc send_perform(struct send_ctx *ctx, struct send_result *res)
{
	CURLcode c = curl_easy_perform(ctx->curl);

	if (curl_easy_getinfo(ctx->curl, CURLINFO_RESPONSE_CODE, &res->http_status) != CURLE_OK)
		res->http_status = 0;
	if (c == CURLE_WRITE_ERROR && ctx->answer_too_big && res->http_status != 0) {
		LOG_DEBUG("the answer from '%s' is larger than %d bytes; ignored", ctx->url.ptr,
		          SEND_ANSWER_MAX);
		buf_release(&ctx->answer);
		c = CURLE_OK;
	}
	if (c != CURLE_OK) {
		LOG_DEBUG("POST '%s': %s: %s", ctx->url.ptr, curl_easy_strerror(c), ctx->errbuf);
		if (!ctx->errbuf[0] || strstr(ctx->errbuf, curl_easy_strerror(c)))
			send_message(res, "%s",
			             ctx->errbuf[0] ? ctx->errbuf : curl_easy_strerror(c));
		else
			send_message(res, "%s: %s", curl_easy_strerror(c), ctx->errbuf);
		return send_curl_rc(c);
	}
	return send_classify(ctx, res);
}

enum fc_rc send_report(const struct send_opts *o, const void *gz, size_t gzlen,
                       struct send_result *res)
{
	struct send_ctx ctx = {0};
	enum fc_rc rc;
	CURLcode c;

	assert(o && o->server && (gz || gzlen == 0) && res);
	res->http_status = 0;
	res->retry_after = -1;
	res->next_report_seconds = -1;
	res->message[0] = '\0';
	buf_init(&ctx.url, SEND_URL_MAX);
	buf_init(&ctx.answer, SEND_ANSWER_MAX);
	if (!o->token || !send_token_ok(o->token)) {
		send_message(res, "the token is empty or holds spaces or control characters");
		rc = FC_ECONFIG;
		goto out;
	}
	if (send_build_url(o->server, &ctx.url)) {
		send_message(res, "bad server URL '%.200s'", o->server);
		rc = FC_ECONFIG;
		goto out;
	}
	ctx.curl = curl_easy_init();
	rc = ctx.curl ? send_add_headers(&ctx, o->token) : FC_ENOMEM;
	if (rc) {
		send_message(res, "cannot prepare the request: %s", fc_strerror(rc));
		goto out;
	}
	c = send_setup(&ctx, o, gz, gzlen);
	if (c != CURLE_OK) {
		send_message(res, "cannot prepare the request: %s", curl_easy_strerror(c));
		rc = c == CURLE_OUT_OF_MEMORY ? FC_ENOMEM : FC_ECONFIG;
		goto out;
	}
	rc = send_perform(&ctx, res);
out:
	curl_easy_cleanup(ctx.curl);
	curl_slist_free_all(ctx.headers);
	buf_release(&ctx.url);
	buf_release(&ctx.answer);
	return rc;
}
