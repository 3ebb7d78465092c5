/* http_priv.h - what the files of the HTTP server (http*.c) share: the
 * server's state, the per-request state and the answer helpers.
 * Not for other modules: they use http.h. */
#ifndef FC_COLLECTOR_HTTP_PRIV_H
#define FC_COLLECTOR_HTTP_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include <cJSON.h>
#include <microhttpd.h>

#include "auth.h"
#include "buf.h"
#include "http.h"
#include "metrics.h"
#include "store.h"

/* The most a GET /api/v1/machines answer may hold. */
#define HTTP_MAX_LISTING ((size_t)256 << 20)
/* The most a GET /metrics answer may hold. */
#define HTTP_MAX_METRICS ((size_t)16 << 20)
/* Longest organisation name (store.h) plus its NUL. */
#define HTTP_ORG_LEN 201
/* "YYYY-MM-DDThh:mm:ssZ" and its NUL. */
#define HTTP_TIME_LEN 21

struct http_job;

struct http_server {
	const struct http_config *cfg;
	struct store *st;
	pthread_mutex_t store_lock; /* every store_* call on st holds it */
	struct metrics metrics;
	atomic_uint inflight; /* requests begun and not yet completed */
	/* The writer (group commit): a queue of decoded reports whose
	 * connections are suspended until their batch committed. */
	struct store *wst; /* the writer's connection (st when cfg->db_path is NULL) */
	pthread_t writer;
	bool writer_started;
	pthread_mutex_t q_lock;
	pthread_cond_t q_cond;
	struct http_job *q_head, *q_tail;
	unsigned q_len;
	bool q_stop; /* the writer ends once the queue is empty */
};

enum http_route {
	ROUTE_NONE,
	ROUTE_INVENTORY,
	ROUTE_MACHINES,
	ROUTE_HEALTHZ,
	ROUTE_METRICS,
	ROUTE_REPORTS,
	ROUTE_CAMPAIGNS,
	ROUTE_PEER, /* /ocsinventory, /front/inventory.php: other agents (http_peer.c) */
	ROUTE_UI,
	ROUTE_ADMIN /* /api/v1/tokens..., /api/v1/machines/M/ACTION (http_admin.c) */
};

/* GET /api/v1/reports/KIND */
#define HTTP_REPORTS_PREFIX "/api/v1/reports/"
/* GET /api/v1/campaigns[/NAME[/cost]], POST /api/v1/campaigns/NAME/ACTION */
#define HTTP_CAMPAIGNS "/api/v1/campaigns"
/* GET and POST /ui/...: the operator console (ui.c, docs/console.md) */
#define HTTP_UI_PREFIX "/ui"
/* The most a console form's body may hold (else 413). */
#define HTTP_UI_MAX_FORM ((size_t)16 << 10)

/* One request, allocated once MHD has read its request line
 * (MHD_OPTION_URI_LOG_CALLBACK) and freed when MHD says the request is
 * complete (MHD_OPTION_NOTIFY_COMPLETED). */
struct http_req {
	bool begun; /* the access handler has been called */
	unsigned refused; /* 414 or 431: the query string was cut (on_uri in http.c) */
	enum http_route route;
	struct timespec start; /* CLOCK_MONOTONIC */
	unsigned status; /* the status answered; 0 until then */
	size_t bytes_in; /* body bytes received (kept or discarded) */
	size_t bytes_out; /* body bytes of the answer */
	char method[16]; /* for the log, shortened and made printable */
	char path[128];
	char org[HTTP_ORG_LEN]; /* the token's organisation; "" for none or admin */
	int64_t org_id;
	enum token_role role;
	int64_t token_id; /* the token's id (who a campaign change records) */
	bool too_big; /* the body passed limits.max_body: the rest is discarded */
	char kind[32]; /* ROUTE_REPORTS: the report kind from the path (shortened) */
	char campaign[256]; /* ROUTE_CAMPAIGNS: the path after HTTP_CAMPAIGNS (decoded);
	                     * ROUTE_ADMIN: the path after "/api/v1/" */
	struct buf body;
	struct http_job *job; /* ROUTE_INVENTORY: queued for the writer; answered when done */
	unsigned peer; /* ROUTE_PEER: how to answer (HTTP_PEER_* in http_peer.c) */
};

/* Queues an answer with a copy of the len bytes at body (MHD_RESPMEM_MUST_COPY),
 * the Content-Type ctype and, when hdr is not NULL, the header hdr: val.
 * Records status and size in r. Returns MHD's verdict. */
enum MHD_Result http_reply(struct MHD_Connection *c, struct http_req *r, unsigned status,
                           const char *ctype, const void *body, size_t len, const char *hdr,
                           const char *val);

/* Queues the contents of b, taken from it (MHD_RESPMEM_MUST_FREE: MHD
 * frees them), as http_reply does; b is empty afterwards. */
enum MHD_Result http_reply_take(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                const char *ctype, struct buf *b);

/* Queues {"status":"error","error":msg} with status; a 401 gets
 * WWW-Authenticate: Bearer, a 429 or 503 gets Retry-After. */
enum MHD_Result http_reply_error(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                 const char *msg);

/* Queues doc, printed compactly, with status and, when hdr is not NULL, the
 * header hdr: val; doc stays the caller's. */
enum MHD_Result http_reply_json(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                const cJSON *doc, const char *hdr, const char *val);

/* Queues {"status":"error","error":msg} with status, plus "resend":resend
 * when resend is not NULL and, when hdr is not NULL, the header hdr: val. */
enum MHD_Result http_reply_error_doc(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                     const char *msg, const char *resend, const char *hdr,
                                     const char *val);

/* http_reply_error_doc without "resend". */
enum MHD_Result http_reply_error_hdr(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                     const char *msg, const char *hdr, const char *val);

/* Seconds on CLOCK_MONOTONIC since t0. */
double http_seconds_since(const struct timespec *t0);

/* Checks token (the secret, as the client sent it): 0 for a live token,
 * with r->role, r->org_id, r->token_id and r->org set; otherwise the status
 * to answer (401 unknown or revoked, 503 database busy, 500 other database
 * errors), with msg (FC_ERRLEN) saying why. */
unsigned http_token_check(struct http_server *srv, struct http_req *r, const char *token,
                          char *msg);

/* Checks the request's bearer token. Returns 0 for a live token, with
 * r->role, r->org_id and r->org set; otherwise the status to answer (401
 * when missing, malformed, unknown or revoked, 503 when the database is
 * busy, 500 on other database errors), with msg (FC_ERRLEN) saying why. */
unsigned http_authenticate(struct http_server *srv, struct MHD_Connection *c, struct http_req *r,
                           char *msg);

/* Writes t (Unix time) as RFC 3339 UTC, "" when it cannot be shown. */
void http_rfc3339(int64_t t, char out[HTTP_TIME_LEN]);

/* The first call's checks of a report (http_inventory.c), after the
 * token: an agent token, and a declared Content-Length within
 * limits.max_body. Returns 0, or the status to answer with msg (FC_ERRLEN). */
unsigned http_report_allowed(struct http_server *srv, struct MHD_Connection *c,
                             const struct http_req *r, char *msg);

/* POST /api/v1/inventory (http_inventory.c). First call: an agent token
 * and a declared size within limits.max_body, else the error is answered. */
enum MHD_Result http_inventory_begin(struct http_server *srv, struct MHD_Connection *c,
                                     struct http_req *r);

/* Last call: decodes the body and queues the report for the writer,
 * suspending the connection (or answers the error, or 503 when the queue
 * is full); called again once the writer is done with it, to answer. */
enum MHD_Result http_inventory_finish(struct http_server *srv, struct MHD_Connection *c,
                                      struct http_req *r);

/* The writer is done with r's report (r->job): the answer, in the form of
 * r's route. */
enum MHD_Result http_inventory_answer(struct http_server *srv, struct MHD_Connection *c,
                                      struct http_req *r);

/* Frees a job (NULL allowed): a report the writer never answered. */
void http_job_free(struct http_job *j);

/* Starts the writer thread on its own connection to cfg->db_path (srv->st
 * when NULL). FC_OK, or the store's error / FC_ENOMEM with err set. */
enum fc_rc http_writer_start(struct http_server *srv, char *err);

/* Lets the writer commit what is queued (resuming each connection), then
 * ends it. Nothing when it was not started. */
void http_writer_stop(struct http_server *srv);

/* Queues the decoded report rep (its contents are taken; rep is left
 * empty) for the writer as POST /api/v1/inventory does, suspending the
 * connection; the answer goes out on the next call. Answers 503 itself when
 * the queue is full. */
enum MHD_Result http_inventory_queue(struct http_server *srv, struct MHD_Connection *c,
                                     struct http_req *r, struct ingest_report *rep);

/* ROUTE_PEER (http_peer.c): the first call (basic authentication, size),
 * the last (decode, answer or queue), the answer once stored, and errors
 * in the form the agent reads. */
enum MHD_Result http_peer_begin(struct http_server *srv, struct MHD_Connection *c,
                                struct http_req *r);
enum MHD_Result http_peer_finish(struct http_server *srv, struct MHD_Connection *c,
                                 struct http_req *r);
enum MHD_Result http_peer_stored(struct http_server *srv, struct MHD_Connection *c,
                                 struct http_req *r);
enum MHD_Result http_peer_error(struct MHD_Connection *c, struct http_req *r, unsigned status,
                                const char *msg);

/* Answers GET /api/v1/machines (reader and admin tokens). */
enum MHD_Result http_machines(struct http_server *srv, struct MHD_Connection *c,
                              struct http_req *r);

/* Answers GET /api/v1/reports/KIND (reader and admin tokens). */
enum MHD_Result http_reports(struct http_server *srv, struct MHD_Connection *c, struct http_req *r);

/* Answers the campaign routes (http_campaigns.c, docs/campaigns.md). */
enum MHD_Result http_campaigns(struct http_server *srv, struct MHD_Connection *c,
                               struct http_req *r);

/* Answers the admin routes (http_admin.c, docs/protocol.md): tokens,
 * machine delete and move, for admin tokens only. */
enum MHD_Result http_admin(struct http_server *srv, struct MHD_Connection *c, struct http_req *r);

/* One line on stderr after the time and the program's name (escaped). */
void server_log(const char *fmt, ...) FC_PRINTF(1, 2);

/* Answers the console's pages under /ui/ (ui.c): GET, or POST with a
 * urlencoded form in r->body. */
enum MHD_Result http_ui(struct http_server *srv, struct MHD_Connection *c, struct http_req *r);

#endif
