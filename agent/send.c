/* send.c - deliver a gzip report to the collector over HTTP(S) (libcurl).
 *
 * libcurl is loaded with dlopen when the first report is sent
 * (send_global_init), not linked: its dependency tree (TLS, Kerberos, LDAP,
 * SSH, HTTP/2, ...) costs several MiB of memory and start-up time in every
 * run that writes a file and sends nothing. Build with -DFC_CURL_LINKED=1
 * (and -lcurl) to link it instead, e.g. for a static binary.
 *
 * With FC_CURL_MBEDTLS (the Windows build: curl 7.88 on mbedTLS 2.28) the
 * certificate check also accepts an iPAddress subjectAltName equal to the
 * URL's IP address, which mbedTLS 2.28 does not compare (certsan.h). */
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
#ifndef FC_CURL_LINKED
#include <dlfcn.h>
#endif
#if defined(FC_CURL_LINKED) && defined(FC_CURL_MBEDTLS)
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "certsan.h"
#define SEND_IP_SAN 1
#endif

#include "buf.h"
#include "fc_printf.h"
#include "log.h"
#include "os.h"
#include "platform.h"

#ifndef FC_VERSION
#define FC_VERSION "unknown"
#endif

#define SEND_URL_MAX 4096
#define SEND_AUTH_HEADER "Authorization:"

#define SEND_CURL_SONAME "libcurl.so.4"

/* The libcurl functions used, resolved once by send_global_init. This and
 * libcurl's own global state are the module's only globals. */
static struct {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *curl);
	const char *(*easy_strerror)(CURLcode c);
	CURLHcode (*easy_header)(CURL *easy, const char *name, size_t index, unsigned int origin,
	                         int request, struct curl_header **hout);
	time_t (*getdate)(const char *p, const time_t *unused);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *data);
	void (*slist_free_all)(struct curl_slist *list);
} cu;

/* Sets one option unless an earlier one failed; c collects the first error. */
#define SEND_SETOPT(c, h, opt, val)                                                                \
	do {                                                                                       \
		if ((c) == CURLE_OK)                                                               \
			(c) = cu.easy_setopt((h), (opt), (val));                                   \
	} while (0)

struct send_ctx {
	CURL *curl;
	struct curl_slist *headers;
	struct buf url;
	struct buf answer;
	bool answer_too_big;
	const char *path_body; /* send_body.path */
	long path_off; /* bytes of it sent */
	char errbuf[CURL_ERROR_SIZE];
	unsigned char host_ip[16]; /* the URL's host when it is an IP address */
	size_t host_ip_len; /* 4 or 16; 0 for a host name */
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
		l = cu.slist_append(ctx->headers, fixed[i]);
		if (!l)
			return FC_ENOMEM;
		ctx->headers = l;
	}
	buf_init(&auth, 64 * 1024);
	if (buf_printf(&auth, SEND_AUTH_HEADER " Bearer %s", token))
		return FC_ECONFIG;
	l = cu.slist_append(ctx->headers, auth.ptr);
	buf_release(&auth);
	if (!l)
		return FC_ENOMEM;
	ctx->headers = l;
	return FC_OK;
}

static size_t send_read_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	size_t n = fread(data, size, nmemb, userp);

	return n == 0 && ferror((FILE *)userp) ? CURL_READFUNC_ABORT : n;
}

/* Reads the next piece of the file at ctx->path_body: opened, read from the
 * offset reached so far, closed. */
static size_t send_read_path_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct send_ctx *ctx = userp;
	FILE *f = plat_fopen(ctx->path_body, "rb");
	size_t n = 0;

	if (!f || fseek(f, ctx->path_off, SEEK_SET) != 0) {
		if (f)
			fclose(f);
		return CURL_READFUNC_ABORT;
	}
	n = fread(data, size, nmemb, f);
	if (n == 0 && ferror(f))
		n = CURL_READFUNC_ABORT;
	else
		ctx->path_off += (long)n;
	fclose(f);
	return n;
}

#ifdef SEND_IP_SAN
/* mbedTLS's certificate check callback: on the server's own certificate
 * (depth 0), when the URL's host is an IP address that mbedTLS compared
 * with the DNS names only, clears the name mismatch if and only if the
 * certificate has an iPAddress subjectAltName equal to it. Every other flag
 * stays. */
static int send_verify_cb(void *userp, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	const struct send_ctx *ctx = userp;

	if (depth == 0 && ctx->host_ip_len && (*flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) &&
	    certsan_has_ip(crt->raw.p, crt->raw.len, ctx->host_ip, ctx->host_ip_len)) {
		LOG_DEBUG("the server certificate names the address as an iPAddress");
		*flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH;
	}
	return 0;
}

/* CURLOPT_SSL_CTX_FUNCTION: ssl_ctx is curl's mbedtls_ssl_config. */
static CURLcode send_sslctx_cb(CURL *curl, void *ssl_ctx, void *userp)
{
	(void)curl;
	mbedtls_ssl_conf_verify(ssl_ctx, send_verify_cb, userp);
	return CURLE_OK;
}

/* Sets ctx->host_ip from the URL's host (as curl parses it) when that is an
 * IP address. */
static void send_host_ip(struct send_ctx *ctx)
{
	CURLU *u = curl_url();
	char *host = NULL;

	ctx->host_ip_len = 0;
	if (u && curl_url_set(u, CURLUPART_URL, ctx->url.ptr, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    !certsan_parse_ip(host, ctx->host_ip, &ctx->host_ip_len))
		ctx->host_ip_len = 0;
	curl_free(host);
	curl_url_cleanup(u);
}
#endif

/* Sets every transfer option on ctx->curl. */
static CURLcode send_setup(struct send_ctx *ctx, const struct send_opts *o,
                           const struct send_body *b)
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
#ifdef SEND_IP_SAN
	send_host_ip(ctx);
	if (ctx->host_ip_len) {
		SEND_SETOPT(c, h, CURLOPT_SSL_CTX_FUNCTION, send_sslctx_cb);
		SEND_SETOPT(c, h, CURLOPT_SSL_CTX_DATA, ctx);
	}
#endif
	SEND_SETOPT(c, h, CURLOPT_USERAGENT, "fleetcensus-agent/" FC_VERSION);
	SEND_SETOPT(c, h, CURLOPT_HTTPHEADER, ctx->headers);
	SEND_SETOPT(c, h, CURLOPT_POST, 1L);
	if (b->data || (!b->file && !b->path)) {
		/* NULL would make libcurl read stdin */
		SEND_SETOPT(c, h, CURLOPT_POSTFIELDS, b->data ? b->data : "");
	} else if (!b->file) {
		ctx->path_body = b->path;
		SEND_SETOPT(c, h, CURLOPT_READFUNCTION, send_read_path_cb);
		SEND_SETOPT(c, h, CURLOPT_READDATA, ctx);
	} else {
		SEND_SETOPT(c, h, CURLOPT_READFUNCTION, send_read_cb);
		SEND_SETOPT(c, h, CURLOPT_READDATA, b->file);
	}
	SEND_SETOPT(c, h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len);
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

	if (cu.easy_header(curl, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return -1;
	if (isdigit((unsigned char)h->value[0])) {
		errno = 0;
		secs = strtol(h->value, &end, 10);
		if (errno || (*end && !isspace((unsigned char)*end)))
			return -1;
		return secs;
	}
	when = cu.getdate(h->value, NULL);
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
	const cJSON *resend =
	    cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "resend") : NULL;
	const char *text = buf_cstr(answer);

	res->resend_full = res->http_status == 409 && cJSON_IsString(resend) &&
	                   !strcmp(resend->valuestring, "full");
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
		if (cu.easy_getinfo(ctx->curl, CURLINFO_REDIRECT_URL, &location) != CURLE_OK)
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
	CURLcode c = cu.easy_perform(ctx->curl);

	if (cu.easy_getinfo(ctx->curl, CURLINFO_RESPONSE_CODE, &res->http_status) != CURLE_OK)
		res->http_status = 0;
	if (c == CURLE_WRITE_ERROR && ctx->answer_too_big && res->http_status != 0) {
		LOG_DEBUG("the answer from '%s' is larger than %d bytes; ignored", ctx->url.ptr,
		          SEND_ANSWER_MAX);
		buf_release(&ctx->answer);
		c = CURLE_OK;
	}
	if (c != CURLE_OK) {
		LOG_DEBUG("POST '%s': %s: %s", ctx->url.ptr, cu.easy_strerror(c), ctx->errbuf);
		if (!ctx->errbuf[0] || strstr(ctx->errbuf, cu.easy_strerror(c)))
			send_message(res, "%s", ctx->errbuf[0] ? ctx->errbuf : cu.easy_strerror(c));
		else
			send_message(res, "%s: %s", cu.easy_strerror(c), ctx->errbuf);
		return send_curl_rc(c);
	}
	return send_classify(ctx, res);
}

enum fc_rc send_report(const struct send_opts *o, const void *gz, size_t gzlen,
                       struct send_result *res)
{
	struct send_body b = {gz, NULL, NULL, gzlen};

	return send_report_body(o, &b, res);
}

enum fc_rc send_report_body(const struct send_opts *o, const struct send_body *b,
                            struct send_result *res)
{
	struct send_ctx ctx = {0};
	enum fc_rc rc;
	CURLcode c;

	assert(o && o->server && b && (b->data || b->file || b->path || b->len == 0) && res);
	assert(cu.easy_init); /* send_global_init first */
	res->http_status = 0;
	res->retry_after = -1;
	res->next_report_seconds = -1;
	res->resend_full = false;
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
	ctx.curl = cu.easy_init();
	rc = ctx.curl ? send_add_headers(&ctx, o->token) : FC_ENOMEM;
	if (rc) {
		send_message(res, "cannot prepare the request: %s", fc_strerror(rc));
		goto out;
	}
	if (!b->data && b->file && fseek(b->file, 0, SEEK_SET) != 0) {
		send_message(res, "cannot read the report: %s", strerror(errno));
		rc = FC_EIO;
		goto out;
	}
	c = send_setup(&ctx, o, b);
	if (c != CURLE_OK) {
		send_message(res, "cannot prepare the request: %s", cu.easy_strerror(c));
		rc = c == CURLE_OUT_OF_MEMORY ? FC_ENOMEM : FC_ECONFIG;
		goto out;
	}
	rc = send_perform(&ctx, res);
out:
	cu.easy_cleanup(ctx.curl);
	cu.slist_free_all(ctx.headers);
	buf_release(&ctx.url);
	buf_release(&ctx.answer);
	return rc;
}

long send_backoff_ms(long retry_after, unsigned int random)
{
	long ms = retry_after * 1000;

	ms += (long)(random % (unsigned int)(ms / 2 + 1));
	return ms < 1000 ? 1000 : ms;
}

enum fc_rc send_report_backoff(const struct send_opts *o, const struct send_body *b,
                               struct send_result *res)
{
	unsigned int r;
	enum fc_rc rc;
	long ms;
	int tries = 0;

	for (;;) {
		rc = send_report_body(o, b, res);
		if (rc != FC_EHTTP || (res->http_status != 429 && res->http_status != 503) ||
		    res->retry_after < 0 || res->retry_after > SEND_RETRY_AFTER_MAX ||
		    tries >= SEND_BACKOFF_TRIES)
			return rc;
		tries++;
		if (os_random(&r, sizeof(r)) != FC_OK)
			r = 0;
		ms = send_backoff_ms(res->retry_after, r);
		LOG_INFO("the collector is busy (HTTP %ld, Retry-After %ld); sending again in "
		         "%ld.%03ld s (%d of %d)",
		         res->http_status, res->retry_after, ms / 1000, ms % 1000, tries,
		         SEND_BACKOFF_TRIES);
		plat_sleep_ms(ms);
	}
}

#ifdef FC_CURL_LINKED
static enum fc_rc send_load(char *err)
{
	(void)err;
	cu.global_init = curl_global_init;
	cu.global_cleanup = curl_global_cleanup;
	cu.easy_init = curl_easy_init;
	cu.easy_setopt = curl_easy_setopt;
	cu.easy_perform = curl_easy_perform;
	cu.easy_getinfo = curl_easy_getinfo;
	cu.easy_cleanup = curl_easy_cleanup;
	cu.easy_strerror = curl_easy_strerror;
	cu.easy_header = curl_easy_header;
	cu.getdate = curl_getdate;
	cu.slist_append = curl_slist_append;
	cu.slist_free_all = curl_slist_free_all;
	return FC_OK;
}
#else
/* Loads libcurl and resolves every function of cu; the library stays loaded
 * until the process ends (its TLS libraries register exit handlers). */
static enum fc_rc send_load(char *err)
{
#define SEND_SYM(field, name)                                                                      \
	{                                                                                          \
		(void *)&cu.field, sizeof(cu.field), name                                          \
	}
	static const struct {
		void *slot;
		size_t size;
		const char *name;
	} syms[] = {SEND_SYM(global_init, "curl_global_init"),
	            SEND_SYM(global_cleanup, "curl_global_cleanup"),
	            SEND_SYM(easy_init, "curl_easy_init"),
	            SEND_SYM(easy_setopt, "curl_easy_setopt"),
	            SEND_SYM(easy_perform, "curl_easy_perform"),
	            SEND_SYM(easy_getinfo, "curl_easy_getinfo"),
	            SEND_SYM(easy_cleanup, "curl_easy_cleanup"),
	            SEND_SYM(easy_strerror, "curl_easy_strerror"),
	            SEND_SYM(easy_header, "curl_easy_header"),
	            SEND_SYM(getdate, "curl_getdate"),
	            SEND_SYM(slist_append, "curl_slist_append"),
	            SEND_SYM(slist_free_all, "curl_slist_free_all")};
#undef SEND_SYM
	void *lib = dlopen(SEND_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	void *sym;
	size_t i;

	if (!lib) {
		snprintf(err, FC_ERRLEN, "cannot load %s (install libcurl4): %s", SEND_CURL_SONAME,
		         dlerror());
		return FC_ECONFIG;
	}
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		sym = dlsym(lib, syms[i].name);
		if (!sym) {
			snprintf(err, FC_ERRLEN, "%s has no %s: libcurl 7.83 or later is needed",
			         SEND_CURL_SONAME, syms[i].name);
			memset(&cu, 0, sizeof(cu));
			return FC_ECONFIG;
		}
		assert(syms[i].size == sizeof(sym));
		memcpy(syms[i].slot, &sym, sizeof(sym)); /* POSIX: data and code pointers agree */
	}
	return FC_OK;
}
#endif

enum fc_rc send_global_init(char *err)
{
	enum fc_rc rc = FC_OK;

	if (!cu.global_init)
		rc = send_load(err);
	if (rc == FC_OK && cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, FC_ERRLEN, "cannot initialise libcurl");
		rc = FC_ENOMEM;
	}
	return rc;
}

void send_global_cleanup(void)
{
	if (cu.global_cleanup)
		cu.global_cleanup();
}
