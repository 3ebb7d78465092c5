/* http.c - the collector's HTTP(S) server (libmicrohttpd): starting and
 * stopping, routing, the per-request lifecycle, GET /healthz and GET
 * /metrics. The answers are in http_answer.c, POST /api/v1/inventory and
 * the writer thread in http_inventory.c, the other routes in http_*.c.
 *
 * Threads: MHD's internal polling thread with a pool of workers; the store
 * is used under srv->store_lock. Signals: SIGTERM and SIGINT are blocked in
 * every thread and taken with sigwait() by the thread that called
 * http_serve(). */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "fctime.h"
#include "http_priv.h"
#include "json.h"
#include "sha256.h"
#include "log.h"
#include "outfile.h"
#include "platform.h"
#include "textesc.h"
#include "xalloc.h"

#define TLS_MAX_PEM ((size_t)1 << 20)
#define JSON_TYPE "application/json"
/* libmicrohttpd's memory for one connection: the request line, the headers
 * and the query arguments (MHD_OPTION_CONNECTION_MEMORY_LIMIT). Half of it
 * is the first read buffer, so a request line shorter than that leaves the
 * other half for the arguments' records (some 56 bytes each). */
#define HTTP_POOL_SIZE ((size_t)64 << 10)
/* A request line with a query string: the longest URI (else 414) and the
 * most query arguments (else 431). Together they keep the arguments within
 * HTTP_POOL_SIZE (see on_uri). */
#define HTTP_MAX_URI ((size_t)16 << 10)
#define HTTP_MAX_QUERY_ARGS 128

void http_config_default(struct http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = "127.0.0.1:8080";
	cfg->threads = 4;
	cfg->max_connections = 256;
	cfg->conn_timeout = 30;
	cfg->next_report_seconds = 86400;
	cfg->listen_fd = -1;
	cfg->queue_max = 128;
	cfg->batch_max = 64;
	cfg->clock_skew = STORE_SKEW_TOLERANCE;
	ingest_limits_default(&cfg->limits);
}

void http_rfc3339(int64_t t, char out[HTTP_TIME_LEN])
{
	(void)fctime_format_rfc3339(t, out); /* "" past 9999 */
}

/* One line on stderr, after the time and the program's name; the message
 * escaped like every log line (textesc.h). */
void server_log(const char *fmt, ...)
{
	char when[HTTP_TIME_LEN];
	char msg[512];
	va_list ap;

	http_rfc3339((int64_t)time(NULL), when);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	textesc_printf(stderr, "%s fleetcensus-collector: %s", when, msg);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	server_log("libmicrohttpd: %s", msg);
}

/* ---- authentication ---- */

/* Copies src into dst (size bytes), control characters made '?'. */
static void copy_printable(char *dst, size_t size, const char *src, bool keep_space)
{
	size_t i;

	for (i = 0; i + 1 < size && src[i]; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = (ch < 0x20 || ch == 0x7f || (!keep_space && ch == ' ')) ? '?' : (char)ch;
	}
	dst[i] = '\0';
}

unsigned http_token_check(struct http_server *srv, struct http_req *r, const char *token, char *msg)
{
	unsigned char hash[AUTH_HASH_LEN];
	struct store_token tok;
	char err[FC_ERRLEN];
	enum fc_rc rc;

	auth_token_hash(token, hash);
	pthread_mutex_lock(&srv->store_lock);
	rc = store_token_check(srv->st, hash, &tok, err);
	if (rc == FC_OK) {
		r->role = tok.role;
		r->org_id = tok.org_id;
		r->token_id = tok.id;
		copy_printable(r->org, sizeof(r->org), tok.org_name ? tok.org_name : "", true);
	}
	pthread_mutex_unlock(&srv->store_lock);
	if (rc == FC_ENOENT) {
		snprintf(msg, FC_ERRLEN, "unknown or revoked token");
		return MHD_HTTP_UNAUTHORIZED;
	}
	if (rc == FC_EBUSY) {
		snprintf(msg, FC_ERRLEN, "database busy, try again later");
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	if (rc) {
		LOG_ERR("checking a token: %s", err);
		snprintf(msg, FC_ERRLEN, "internal error checking the token");
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	return 0;
}

unsigned http_authenticate(struct http_server *srv, struct MHD_Connection *c, struct http_req *r,
                           char *msg)
{
	const char *hdr, *token;

	hdr = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!hdr) {
		snprintf(msg, FC_ERRLEN, "missing Authorization header (want 'Bearer TOKEN')");
		return MHD_HTTP_UNAUTHORIZED;
	}
	token = auth_bearer(hdr);
	if (!token) {
		snprintf(msg, FC_ERRLEN, "malformed Authorization header (want 'Bearer TOKEN')");
		return MHD_HTTP_UNAUTHORIZED;
	}
	return http_token_check(srv, r, token, msg);
}

/* ---- request bodies ---- */

/* Takes a piece of the body. Past limits.max_body the rest is counted and
 * discarded, and the 413 goes out when the body is complete (MHD cannot
 * answer in the middle of an upload); a client that goes on sending past
 * twice the limit is disconnected. Bodies of other routes are discarded. */
static enum MHD_Result take_body(struct http_server *srv, struct http_req *r, const char *data,
                                 size_t len)
{
	size_t max = srv->cfg->limits.max_body;
	bool keep = r->route == ROUTE_INVENTORY || r->route == ROUTE_PEER || r->route == ROUTE_UI ||
	            r->route == ROUTE_ADMIN;

	r->bytes_in += len;
	if (keep && !r->too_big && buf_add(&r->body, data, len) != FC_OK)
		r->too_big = true;
	if (r->bytes_in > max && (!keep || r->bytes_in - max > max)) {
		server_log("%s %s: closing the connection after %zu body bytes", r->method, r->path,
		           r->bytes_in);
		return MHD_NO;
	}
	return MHD_YES;
}

double http_seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- GET /healthz, GET /metrics ---- */

static enum MHD_Result healthz(struct http_server *srv, struct MHD_Connection *c,
                               struct http_req *r)
{
	static const char ok[] = "{\"status\":\"ok\"}";
	bool writable;

	pthread_mutex_lock(&srv->store_lock);
	writable = store_writable(srv->st);
	pthread_mutex_unlock(&srv->store_lock);
	if (!writable)
		return http_reply_error_hdr(c, r, MHD_HTTP_SERVICE_UNAVAILABLE,
		                            "the database is not writable", NULL, NULL);
	return http_reply(c, r, MHD_HTTP_OK, JSON_TYPE, ok, sizeof(ok) - 1, NULL, NULL);
}

static enum MHD_Result metrics_page(struct http_server *srv, struct MHD_Connection *c,
                                    struct http_req *r)
{
	char err[FC_ERRLEN];
	struct buf out;
	enum fc_rc rc;
	enum MHD_Result ret;
	unsigned status = 0;

	/* no token needed; the per-organisation gauge (organisation names)
	 * only for an admin token */
	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))
		status = http_authenticate(srv, c, r, err);
	if (status)
		return http_reply_error(c, r, status, err);
	buf_init(&out, HTTP_MAX_METRICS);
	pthread_mutex_lock(&srv->store_lock);
	rc = metrics_render(&srv->metrics, srv->st, r->role == ROLE_ADMIN, &out, err);
	pthread_mutex_unlock(&srv->store_lock);
	if (rc) {
		LOG_ERR("metrics: %s", err);
		ret = http_reply_error(c, r,
		                       rc == FC_EBUSY ? MHD_HTTP_SERVICE_UNAVAILABLE
		                                      : MHD_HTTP_INTERNAL_SERVER_ERROR,
		                       "cannot read the metrics");
	} else {
		ret = http_reply_take(c, r, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
		                      &out);
	}
	buf_release(&out);
	return ret;
}

/* ---- the request lifecycle ---- */

static enum http_route route_of(const char *url)
{
	if (!strcmp(url, "/api/v1/inventory"))
		return ROUTE_INVENTORY;
	if (!strcmp(url, "/api/v1/machines"))
		return ROUTE_MACHINES;
	if (!strcmp(url, "/healthz"))
		return ROUTE_HEALTHZ;
	if (!strcmp(url, "/metrics"))
		return ROUTE_METRICS;
	if (!strncmp(url, HTTP_REPORTS_PREFIX, strlen(HTTP_REPORTS_PREFIX)))
		return ROUTE_REPORTS;
	if (!strncmp(url, HTTP_CAMPAIGNS, strlen(HTTP_CAMPAIGNS)) &&
	    (!url[strlen(HTTP_CAMPAIGNS)] || url[strlen(HTTP_CAMPAIGNS)] == '/') &&
	    strlen(url) < strlen(HTTP_CAMPAIGNS) + 256)
		return ROUTE_CAMPAIGNS;
	if ((!strcmp(url, "/api/v1/tokens") || !strncmp(url, "/api/v1/tokens/", 15) ||
	     !strncmp(url, "/api/v1/machines/", 17)) &&
	    strlen(url) < 8 + 256)
		return ROUTE_ADMIN;
	if (!strcmp(url, "/ocsinventory") || !strcmp(url, "/ocsinventory/") ||
	    !strcmp(url, "/front/inventory.php"))
		return ROUTE_PEER;
	if (!strcmp(url, HTTP_UI_PREFIX) ||
	    (!strncmp(url, HTTP_UI_PREFIX "/", strlen(HTTP_UI_PREFIX) + 1) && strlen(url) < 100))
		return ROUTE_UI;
	return ROUTE_NONE;
}

static struct http_req *req_new(struct http_server *srv)
{
	struct http_req *r = xcalloc(1, sizeof(*r));

	clock_gettime(CLOCK_MONOTONIC, &r->start);
	snprintf(r->method, sizeof(r->method), "-");
	snprintf(r->path, sizeof(r->path), "-");
	buf_init(&r->body, srv->cfg->limits.max_body);
	atomic_fetch_add(&srv->inflight, 1);
	return r;
}

/* The access handler's first call: the method and the path as MHD parsed
 * them (the query string apart, percent-decoded). */
static void req_begin(struct http_req *r, const char *url, const char *method)
{
	r->begun = true;
	r->route = route_of(url);
	if (r->route == ROUTE_UI || r->route == ROUTE_ADMIN)
		buf_init(&r->body, HTTP_UI_MAX_FORM); /* still empty: a smaller bound */
	if (r->route == ROUTE_REPORTS)
		snprintf(r->kind, sizeof(r->kind), "%s", url + strlen(HTTP_REPORTS_PREFIX));
	if (r->route == ROUTE_CAMPAIGNS)
		snprintf(r->campaign, sizeof(r->campaign), "%s", url + strlen(HTTP_CAMPAIGNS));
	if (r->route == ROUTE_ADMIN)
		snprintf(r->campaign, sizeof(r->campaign), "%s", url + strlen("/api/v1/"));
	copy_printable(r->method, sizeof(r->method), method, false);
	copy_printable(r->path, sizeof(r->path), url, false);
}

/* MHD_OPTION_URI_LOG_CALLBACK: MHD has read a request line and is about to
 * parse its query string. The request's state begins here, so that every
 * request, even one MHD refuses itself (a malformed Content-Length, too
 * many headers), gets its log line. libmicrohttpd 0.9.75 keeps the query's
 * arguments in the connection's pool (HTTP_POOL_SIZE) and, when that runs
 * out, neither answers nor calls the handler until the connection times
 * out; so a query string that could come near that is cut here, before MHD
 * parses it (uri lies in the connection's read buffer, which MHD itself
 * rewrites in place), and the first call answers r->refused. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct http_req *r = req_new(cls);
	const char *q = uri ? strchr(uri, '?') : NULL;
	size_t args = 1;

	(void)c;
	if (uri)
		copy_printable(r->path,
		               q && (size_t)(q - uri) < sizeof(r->path) ? (size_t)(q - uri) + 1
		                                                        : sizeof(r->path),
		               uri, false);
	if (!q)
		return r;
	for (const char *p = q; *p; p++)
		args += *p == '&';
	if (strlen(uri) > HTTP_MAX_URI)
		r->refused = MHD_HTTP_URI_TOO_LONG;
	else if (args > HTTP_MAX_QUERY_ARGS)
		r->refused = MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
	if (r->refused)
		((char *)q)[1] = '\0';
	return r;
}

/* The headers that frame a request's body, counted (RFC 9112, 6). */
struct framing {
	unsigned lengths, codings;
	const char *coding; /* the last Transfer-Encoding value */
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	struct framing *f = cls;

	(void)kind;
	if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
		f->lengths++;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		f->codings++;
		f->coding = value ? value : "";
	}
	return MHD_YES;
}

/* Checks, before any of the body is read, that the request says in one way
 * only where its body ends: at most one Content-Length, at most one
 * Transfer-Encoding, not both, and no transfer coding but chunked (what a
 * proxy in front may read differently is refused, as nginx does). Returns
 * 0, or 400 or 501 with msg (FC_ERRLEN) saying why. */
static unsigned check_framing(struct MHD_Connection *c, char *msg)
{
	struct framing f = {0, 0, NULL};
	char coding[41];

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
	if (f.lengths > 1) {
		snprintf(msg, FC_ERRLEN, "more than one Content-Length header");
		return MHD_HTTP_BAD_REQUEST;
	}
	if (f.codings > 1) {
		snprintf(msg, FC_ERRLEN, "more than one Transfer-Encoding header");
		return MHD_HTTP_BAD_REQUEST;
	}
	if (f.codings && f.lengths) {
		snprintf(msg, FC_ERRLEN, "both Content-Length and Transfer-Encoding");
		return MHD_HTTP_BAD_REQUEST;
	}
	if (f.codings && strcasecmp(f.coding, "chunked")) {
		copy_printable(coding, sizeof(coding), f.coding, true);
		snprintf(msg, FC_ERRLEN, "transfer coding '%s' is not supported (only chunked)",
		         coding);
		return MHD_HTTP_NOT_IMPLEMENTED;
	}
	return 0;
}

/* The first call for a request: route and method, then the route's own
 * first step. GET routes answer on the last call, when the request is
 * complete, so that the connection can be kept alive. */
static enum MHD_Result first_call(struct http_server *srv, struct MHD_Connection *c,
                                  struct http_req *r, const char *method)
{
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
	char msg[FC_ERRLEN];
	unsigned status = check_framing(c, msg);

	if (status)
		return http_reply_error_hdr(c, r, status, msg, MHD_HTTP_HEADER_CONNECTION, "close");
	if (r->refused == MHD_HTTP_URI_TOO_LONG) {
		snprintf(msg, FC_ERRLEN, "a URI with a query string may have at most %zu bytes",
		         HTTP_MAX_URI);
		return http_reply_error(c, r, r->refused, msg);
	}
	if (r->refused) {
		snprintf(msg, FC_ERRLEN, "a query string may have at most %d arguments",
		         HTTP_MAX_QUERY_ARGS);
		return http_reply_error(c, r, r->refused, msg);
	}
	if (r->route == ROUTE_NONE)
		return http_reply_error(c, r, MHD_HTTP_NOT_FOUND, "no such path");
	if (r->route == ROUTE_PEER && !post)
		return http_reply_error_hdr(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed",
		                            MHD_HTTP_HEADER_ALLOW, "POST");
	if (r->route == ROUTE_PEER)
		return http_peer_begin(srv, c, r);
	if (r->route == ROUTE_INVENTORY && !post)
		return http_reply_error_hdr(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed",
		                            MHD_HTTP_HEADER_ALLOW, "POST");
	if (r->route != ROUTE_INVENTORY && !get &&
	    !((r->route == ROUTE_CAMPAIGNS || r->route == ROUTE_UI || r->route == ROUTE_ADMIN) &&
	      post))
		return http_reply_error_hdr(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed",
		                            MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (r->route == ROUTE_INVENTORY)
		return http_inventory_begin(srv, c, r);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
	struct http_server *srv = cls;
	struct http_req *r = *req_cls;
	size_t len = *upload_data_size;

	(void)version;
	if (!r) {
		r = req_new(srv); /* on_uri made it, unless MHD skipped it */
		*req_cls = r;
	}
	if (!r->begun) {
		req_begin(r, url, method);
		return first_call(srv, c, r, method);
	}
	if (len) {
		*upload_data_size = 0;
		return take_body(srv, r, upload_data, len);
	}
	switch (r->route) {
	case ROUTE_INVENTORY: return http_inventory_finish(srv, c, r);
	case ROUTE_MACHINES: return http_machines(srv, c, r);
	case ROUTE_HEALTHZ: return healthz(srv, c, r);
	case ROUTE_METRICS: return metrics_page(srv, c, r);
	case ROUTE_REPORTS: return http_reports(srv, c, r);
	case ROUTE_CAMPAIGNS: return http_campaigns(srv, c, r);
	case ROUTE_PEER:
		return r->job ? http_inventory_answer(srv, c, r) : http_peer_finish(srv, c, r);
	case ROUTE_UI: return http_ui(srv, c, r);
	case ROUTE_ADMIN: return http_admin(srv, c, r);
	case ROUTE_NONE: break;
	}
	return http_reply_error(c, r, MHD_HTTP_NOT_FOUND, "no such path");
}

static const char *termination_name(enum MHD_RequestTerminationCode toe)
{
	switch (toe) {
	case MHD_REQUEST_TERMINATED_COMPLETED_OK: return "";
	case MHD_REQUEST_TERMINATED_WITH_ERROR: return " (closed: error)";
	case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED: return " (closed: timeout)";
	case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN: return " (closed: shutdown)";
	case MHD_REQUEST_TERMINATED_READ_ERROR: return " (closed: read error)";
	case MHD_REQUEST_TERMINATED_CLIENT_ABORT: return " (closed by the client)";
	}
	return " (closed)";
}

/* The request is over (answered, or the connection failed): one log line,
 * the counters, and the request's memory. */
static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_req *r = *req_cls;
	char when[HTTP_TIME_LEN];
	double ms;

	(void)c;
	if (!r)
		return;
	ms = http_seconds_since(&r->start) * 1000.0;
	http_rfc3339((int64_t)time(NULL), when);
	textesc_printf(stderr, "%s %s %s %u org=%s%s%s in=%zu out=%zu ms=%.1f%s", when, r->method,
	               r->path, r->status, r->org[0] ? "\"" : "-", r->org, r->org[0] ? "\"" : "",
	               r->bytes_in, r->bytes_out, ms, termination_name(toe));
	metrics_count_request(&srv->metrics, r->status, r->bytes_in);
	http_job_free(r->job); /* only when the connection ended before the answer */
	buf_release(&r->body);
	free(r);
	*req_cls = NULL;
	atomic_fetch_sub(&srv->inflight, 1);
}

/* ---- starting and stopping ---- */

static enum fc_rc parse_port(const char *s, unsigned *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 65535)
		return FC_EUSAGE;
	*port = (unsigned)v;
	return FC_OK;
}

/* Parses "ADDR:PORT" or "[ADDR6]:PORT" (numeric addresses) into sa. */
static enum fc_rc parse_listen(const char *s, struct sockaddr_storage *sa, bool *v6, char *err)
{
	char host[INET6_ADDRSTRLEN];
	const char *h = s, *colon;
	size_t hlen;
	unsigned port;
	struct sockaddr_in *in4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	if (s[0] == '[') {
		h = s + 1;
		colon = strchr(h, ']');
		hlen = colon ? (size_t)(colon - h) : 0;
		colon = colon && colon[1] == ':' ? colon + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		hlen = colon ? (size_t)(colon - s) : 0;
		if (colon && memchr(s, ':', hlen))
			colon = NULL; /* an IPv6 address without brackets */
	}
	if (!colon || !hlen || hlen >= sizeof(host) || parse_port(colon + 1, &port))
		goto out_bad;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*v6 = false;
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		return FC_OK;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return FC_OK;
	}
out_bad:
	snprintf(err, FC_ERRLEN,
	         "listen address '%s': want ADDR:PORT or [ADDR6]:PORT, a numeric address and a "
	         "port 0-65535",
	         s);
	return FC_EUSAGE;
}

/* Reads a PEM file of at most TLS_MAX_PEM bytes into out (NUL-terminated),
 * a regular file only (common/platform.h). FC_ECONFIG with err set. */
static enum fc_rc read_pem(const char *path, struct buf *out, char *err)
{
	if (plat_read_file(path, TLS_MAX_PEM, out, err) != FC_OK)
		return FC_ECONFIG;
	if (!strstr(buf_cstr(out), "-----BEGIN ")) {
		snprintf(err, FC_ERRLEN, "'%s' is not a PEM file", path);
		return FC_ECONFIG;
	}
	return FC_OK;
}

static struct MHD_Daemon *start_daemon(struct http_server *srv, const struct sockaddr_storage *sa,
                                       bool v6, const struct buf *key, const struct buf *cert)
{
	const struct http_config *cfg = srv->cfg;
	/* poll(), not epoll: libmicrohttpd 0.9.75's edge-triggered epoll loses
	 * the end of a connection whose request bytes and FIN came together
	 * (clients that gave up while it was at --max-connections), which then
	 * held its slot until --conn-timeout */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	struct MHD_OptionItem extra[8];
	size_t n = 0;

	extra[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                                     (intptr_t)HTTP_POOL_SIZE, NULL};

	if (cfg->listen_fd >= 0)
		extra[n++] =
		    (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, cfg->listen_fd, NULL};

	if (cfg->threads > 1)
		extra[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
		                                     (intptr_t)cfg->threads, NULL};
	if (key) {
		flags |= MHD_USE_TLS;
		extra[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, key->ptr};
		extra[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cert->ptr};
		extra[n++] = (struct MHD_OptionItem){
		    MHD_OPTION_HTTPS_PRIORITIES, 0,
		    (void *)(cfg->tls_priorities ? cfg->tls_priorities : HTTP_TLS_PRIORITIES)};
	}
	extra[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	/* the logger comes first, so that MHD reports option errors through it */
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
	                        on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)sa,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->conn_timeout,
	                        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_ARRAY,
	                        extra, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_END);
}

/* Writes the port and a newline to path (common/outfile.c: a regular file
 * replaced atomically, so that a reader never sees a partial file). */
static enum fc_rc write_port_file(const char *path, unsigned port, char *err)
{
	char line[16], why[FC_ERRLEN];
	int n = snprintf(line, sizeof(line), "%u\n", port);

	if (outfile_save(path, line, (size_t)n, why) == FC_OK)
		return FC_OK;
	snprintf(err, FC_ERRLEN, "port file '%s': %s", path, why);
	return FC_EIO;
}

/* Stops accepting, waits (at most conn_timeout seconds, or until another
 * stop signal) for the requests in flight, then stops the writer and the
 * daemon. */
static void drain_and_stop(struct http_server *srv, struct MHD_Daemon *d, const sigset_t *stop)
{
	const struct timespec tick = {0, 50L * 1000 * 1000};
	long waited_ms = 0, limit_ms = (long)srv->cfg->conn_timeout * 1000;
	MHD_socket lfd = MHD_quiesce_daemon(d);

	while (atomic_load(&srv->inflight) > 0 && waited_ms < limit_ms) {
		if (sigtimedwait(stop, NULL, &tick) > 0) {
			server_log("second stop signal: not waiting for %u requests",
			           atomic_load(&srv->inflight));
			break;
		}
		waited_ms += 50;
	}
	http_writer_stop(srv); /* resumes every suspended connection first */
	MHD_stop_daemon(d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
}

/* Runs the started daemon d until SIGTERM or SIGINT. */
static enum fc_rc run(struct http_server *srv, struct MHD_Daemon *d, const sigset_t *stop,
                      char *err)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	const struct http_config *cfg = srv->cfg;
	unsigned port = info ? info->port : 0;
	enum fc_rc rc;
	int sig = 0;

	if (cfg->port_file) {
		rc = write_port_file(cfg->port_file, port, err);
		if (rc) {
			MHD_stop_daemon(d);
			return rc;
		}
	}
	server_log("listening on %s (port %u, %s, %u threads)", cfg->listen, port,
	           cfg->tls_cert ? "HTTPS" : "HTTP", cfg->threads > 1 ? cfg->threads : 1);
	while (sigwait(stop, &sig) != 0)
		;
	server_log("%s: stopping, requests in flight: %u", sig == SIGINT ? "SIGINT" : "SIGTERM",
	           atomic_load(&srv->inflight));
	drain_and_stop(srv, d, stop);
	server_log("stopped");
	return FC_OK;
}

/* MHD could not start: tells a listen address that cannot be bound (in
 * use, not local: FC_ENET) from a certificate or key GnuTLS refused
 * (FC_ECONFIG), by trying to bind the address. */
static enum fc_rc start_failed(const struct http_config *cfg, const struct sockaddr_storage *sa,
                               char *err)
{
	socklen_t len =
	    sa->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int one = 1, fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int bind_errno = 0;

	if (fd >= 0 && cfg->listen_fd < 0) {
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)); /* as MHD does */
		if (bind(fd, (const struct sockaddr *)sa, len) != 0)
			bind_errno = errno;
		close(fd);
	}
	if (bind_errno || !cfg->tls_cert) {
		snprintf(err, FC_ERRLEN, "cannot listen on '%s': %s", cfg->listen,
		         bind_errno ? strerror(bind_errno) : "see the message above");
		return FC_ENET;
	}
	if (cfg->tls_priorities)
		snprintf(err, FC_ERRLEN,
		         "cannot serve HTTPS with '%s', '%s' and --tls-priorities '%s' (see the "
		         "message above)",
		         cfg->tls_cert, cfg->tls_key, cfg->tls_priorities);
	else
		snprintf(err, FC_ERRLEN,
		         "cannot serve HTTPS with '%s' and '%s' (see the message above)",
		         cfg->tls_cert, cfg->tls_key);
	return FC_ECONFIG;
}

static enum fc_rc load_tls(const struct http_config *cfg, struct buf *key, struct buf *cert,
                           char *err)
{
	enum fc_rc rc;

	if (!cfg->tls_cert != !cfg->tls_key) {
		snprintf(err, FC_ERRLEN,
		         "a TLS certificate needs its key and a key its certificate");
		return FC_EUSAGE;
	}
	if (!cfg->tls_cert && cfg->tls_priorities) {
		snprintf(err, FC_ERRLEN, "--tls-priorities needs --tls-cert and --tls-key");
		return FC_EUSAGE;
	}
	if (!cfg->tls_cert)
		return FC_OK;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, FC_ERRLEN, "this libmicrohttpd has no TLS support");
		return FC_ECONFIG;
	}
	if (cfg->tls_key_pem && cfg->tls_cert_pem) {
		if (buf_addstr(cert, cfg->tls_cert_pem) != FC_OK ||
		    buf_addstr(key, cfg->tls_key_pem) != FC_OK) {
			snprintf(err, FC_ERRLEN, "the TLS certificate or key is too large");
			return FC_ECONFIG;
		}
		return FC_OK;
	}
	rc = read_pem(cfg->tls_cert, cert, err);
	if (rc == FC_OK)
		rc = read_pem(cfg->tls_key, key, err);
	return rc;
}

/* Runs the server on sa with stop signals blocked in every thread, so that
 * only run()'s sigwait() takes them. */
static enum fc_rc serve_on(const struct http_config *cfg, struct store *st,
                           const struct sockaddr_storage *sa, bool v6, const struct buf *key,
                           const struct buf *cert, char *err)
{
	struct http_server srv;
	sigset_t stop, blocked, old;
	struct MHD_Daemon *d;
	enum fc_rc rc;

	memset(&srv, 0, sizeof(srv));
	srv.cfg = cfg;
	srv.st = st;
	pthread_mutex_init(&srv.store_lock, NULL);
	pthread_mutex_init(&srv.q_lock, NULL);
	pthread_cond_init(&srv.q_cond, NULL);
	metrics_init(&srv.metrics);
	atomic_init(&srv.inflight, 0);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	blocked = stop;
	sigaddset(&blocked, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &blocked, &old);
	rc = http_writer_start(&srv, err);
	d = rc ? NULL : start_daemon(&srv, sa, v6, key, cert);
	if (d)
		rc = run(&srv, d, &stop, err);
	else if (!rc)
		rc = start_failed(cfg, sa, err);
	if (!d && cfg->listen_fd >= 0)
		close(cfg->listen_fd);
	http_writer_stop(&srv);
	while (sigtimedwait(&stop, NULL, &(struct timespec){0, 0}) > 0)
		; /* a stop signal that came while stopping is not delivered again */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	metrics_release(&srv.metrics);
	pthread_cond_destroy(&srv.q_cond);
	pthread_mutex_destroy(&srv.q_lock);
	pthread_mutex_destroy(&srv.store_lock);
	return rc;
}

enum fc_rc http_serve(const struct http_config *cfg, struct store *st, char *err)
{
	struct sockaddr_storage sa;
	struct buf key, cert;
	bool v6 = false;
	enum fc_rc rc;

	ingest_global_init(); /* before MHD's threads use cJSON */
	buf_init(&key, TLS_MAX_PEM);
	buf_init(&cert, TLS_MAX_PEM);
	rc = parse_listen(cfg->listen, &sa, &v6, err);
	if (rc == FC_OK)
		rc = load_tls(cfg, &key, &cert, err);
	if (rc == FC_OK)
		rc = serve_on(cfg, st, &sa, v6, cfg->tls_cert ? &key : NULL, &cert, err);
	if (key.ptr)
		explicit_bzero(key.ptr, key.len);
	buf_release(&key);
	buf_release(&cert);
	return rc;
}

/* Zeroes and frees a PEM copy. */
static void free_pem(char **pem)
{
	if (!*pem)
		return;
	explicit_bzero(*pem, strlen(*pem));
	free(*pem);
	*pem = NULL;
}

/* Reads path into *pem (a NUL-terminated heap copy). */
static enum fc_rc take_pem(const char *path, char **pem, char *err)
{
	struct buf b;
	size_t len;
	enum fc_rc rc;

	buf_init(&b, TLS_MAX_PEM);
	rc = read_pem(path, &b, err);
	if (rc == FC_OK)
		*pem = buf_take(&b, &len);
	if (b.ptr)
		explicit_bzero(b.ptr, b.len);
	buf_release(&b);
	return rc;
}

enum fc_rc http_bind(struct http_config *cfg, char *err)
{
	struct sockaddr_storage sa;
	socklen_t len;
	bool v6 = false;
	int one = 1, fd;
	enum fc_rc rc = parse_listen(cfg->listen, &sa, &v6, err);

	if (rc == FC_OK && cfg->tls_cert && cfg->tls_key)
		rc = take_pem(cfg->tls_cert, &cfg->tls_cert_pem, err);
	if (rc == FC_OK && cfg->tls_cert && cfg->tls_key)
		rc = take_pem(cfg->tls_key, &cfg->tls_key_pem, err);
	if (rc)
		return rc;
	len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
	    bind(fd, (const struct sockaddr *)&sa, len) != 0 || listen(fd, SOMAXCONN) != 0) {
		snprintf(err, FC_ERRLEN, "cannot listen on '%s': %s", cfg->listen, strerror(errno));
		if (fd >= 0)
			close(fd);
		return FC_ENET;
	}
	cfg->listen_fd = fd;
	return FC_OK;
}

void http_unbind(struct http_config *cfg)
{
	free_pem(&cfg->tls_cert_pem);
	free_pem(&cfg->tls_key_pem);
	cfg->listen_fd = -1; /* http_serve closed it, or the process ends */
}
