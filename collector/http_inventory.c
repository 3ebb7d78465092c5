/* http_inventory.c - POST /api/v1/inventory: the token and the declared
 * size on the first call, the body decoded in the MHD thread, the report
 * queued for the writer thread (group commit: a batch of reports, one
 * transaction) with its connection suspended, and the answer once the batch
 * committed. The request lifecycle that calls these is in http.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "http_priv.h"
#include "ingest.h"
#include "json.h"
#include "log.h"
#include "sha256.h"
#include "xalloc.h"

/* Retry-After of a 503 for a full queue: the writer empties a full queue in
 * well under a second at the measured rates (bench/profiles/). */
#define QUEUE_RETRY_AFTER "2"

/* One decoded report waiting for the writer, and its outcome. */
struct http_job {
	struct store_put_job put;
	struct ingest_report rep;
	struct MHD_Connection *c;
	struct timespec t0; /* decoding began */
	struct http_job *next;
};

void http_job_free(struct http_job *j)
{
	if (!j)
		return;
	ingest_report_release(&j->rep);
	free(j);
}

/* 409 {"status":"error","error":msg,"resend":"full"}: docs/protocol.md
 * "Unchanged software lists". */
static enum MHD_Result reply_resend(struct MHD_Connection *c, struct http_req *r, const char *msg)
{
	return http_reply_error_doc(c, r, MHD_HTTP_CONFLICT, msg, "full", NULL, NULL);
}

unsigned http_report_allowed(struct http_server *srv, struct MHD_Connection *c,
                             const struct http_req *r, char *msg)
{
	const char *cl;
	unsigned long long n;
	char *end;

	if (r->role != ROLE_AGENT) {
		snprintf(msg, FC_ERRLEN, "a %s token cannot send reports (use an agent token)",
		         auth_role_name(r->role));
		return MHD_HTTP_FORBIDDEN;
	}
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl) {
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (!errno && end != cl && n > srv->cfg->limits.max_body) {
			snprintf(msg, FC_ERRLEN,
			         "body of %llu bytes exceeds the limit of %zu bytes", n,
			         srv->cfg->limits.max_body);
			return MHD_HTTP_CONTENT_TOO_LARGE;
		}
	}
	return 0;
}

/* First call: the token must be a live agent token and a declared
 * Content-Length must fit limits.max_body; then the body is collected. */
enum MHD_Result http_inventory_begin(struct http_server *srv, struct MHD_Connection *c,
                                     struct http_req *r)
{
	char msg[FC_ERRLEN];
	unsigned status;

	status = http_authenticate(srv, c, r, msg);
	if (!status)
		status = http_report_allowed(srv, c, r, msg);
	return status ? http_reply_error(c, r, status, msg) : MHD_YES;
}

static enum MHD_Result inventory_stored(struct http_server *srv, struct MHD_Connection *c,
                                        struct http_req *r, const struct store_put_result *res)
{
	enum MHD_Result ret;
	cJSON *doc = cJSON_CreateObject();

	if (!doc) {
		LOG_ERR("out of memory building a JSON answer");
		return MHD_NO;
	}
	json_add_str(doc, "status", "ok");
	json_add_str(doc, "machine", res->machine);
	json_add_num(doc, "next_report_seconds", (double)srv->cfg->next_report_seconds);
	ret = http_reply_json(c, r, MHD_HTTP_OK, doc, NULL, NULL);
	cJSON_Delete(doc);
	return ret;
}

/* Commits batches of queued reports until q_stop and the queue is empty;
 * resumes each report's connection after its batch committed (or failed). */
static void *writer_main(void *arg)
{
	struct http_server *srv = arg;
	unsigned max = srv->cfg->batch_max ? srv->cfg->batch_max : 64;
	struct store_put_job *puts = xcalloc(max, sizeof(*puts));
	struct http_job **batch = xcalloc(max, sizeof(*batch));
	char err[FC_ERRLEN];
	int64_t now;
	unsigned n, i;

	for (;;) {
		pthread_mutex_lock(&srv->q_lock);
		while (!srv->q_head && !srv->q_stop)
			pthread_cond_wait(&srv->q_cond, &srv->q_lock);
		for (n = 0; n < max && srv->q_head; n++) {
			batch[n] = srv->q_head;
			srv->q_head = batch[n]->next;
			srv->q_len--;
		}
		if (!srv->q_head)
			srv->q_tail = NULL;
		pthread_mutex_unlock(&srv->q_lock);
		if (!n)
			break;
		now = (int64_t)time(NULL);
		for (i = 0; i < n; i++) {
			puts[i] = batch[i]->put;
			puts[i].received_at = now;
		}
		if (srv->wst == srv->st)
			pthread_mutex_lock(&srv->store_lock);
		if (store_put_batch(srv->wst, puts, n, err))
			LOG_WARN("a batch of %u reports was not stored: %s", n, err);
		if (srv->wst == srv->st)
			pthread_mutex_unlock(&srv->store_lock);
		for (i = 0; i < n; i++) {
			batch[i]->put = puts[i];
			MHD_resume_connection(batch[i]->c);
		}
	}
	free(puts);
	free(batch);
	return NULL;
}

/* Queues the decoded report for the writer and suspends the connection;
 * the answer goes out when http_inventory_finish is called again. False when
 * the queue is full (answer 503). */
static bool job_queue(struct http_server *srv, struct MHD_Connection *c, struct http_req *r,
                      struct http_job *j)
{
	unsigned max = srv->cfg->queue_max ? srv->cfg->queue_max : 128;

	pthread_mutex_lock(&srv->q_lock);
	if (srv->q_len >= max) {
		pthread_mutex_unlock(&srv->q_lock);
		return false;
	}
	/* suspended before the writer can see the job, so its resume follows */
	MHD_suspend_connection(c);
	r->job = j;
	if (srv->q_tail)
		srv->q_tail->next = j;
	else
		srv->q_head = j;
	srv->q_tail = j;
	srv->q_len++;
	pthread_cond_signal(&srv->q_cond);
	pthread_mutex_unlock(&srv->q_lock);
	return true;
}

/* Queues j for the writer, or answers 503 when the queue is full (in the
 * peer agents' form on their route). */
static enum MHD_Result queue_job(struct http_server *srv, struct MHD_Connection *c,
                                 struct http_req *r, struct http_job *j)
{
	j->c = c;
	j->put.org_id = r->org_id;
	j->put.r = &j->rep;
	if (job_queue(srv, c, r, j))
		return MHD_YES;
	http_job_free(j);
	if (r->route == ROUTE_PEER)
		return http_peer_error(c, r, MHD_HTTP_SERVICE_UNAVAILABLE, "busy server");
	return http_reply_error_hdr(c, r, MHD_HTTP_SERVICE_UNAVAILABLE,
	                            "the collector is busy (its queue of reports is full), try "
	                            "again later",
	                            MHD_HTTP_HEADER_RETRY_AFTER, QUEUE_RETRY_AFTER);
}

enum MHD_Result http_inventory_answer(struct http_server *srv, struct MHD_Connection *c,
                                      struct http_req *r)
{
	struct http_job *j = r->job;
	const struct store_put_result *res = &j->put.res;
	enum MHD_Result ret;
	char msg[FC_ERRLEN + 128];
	char hex[2 * SHA256_LEN + 1];
	size_t i;

	if (j->put.rc == FC_EBUSY) {
		LOG_WARN("report from '%s' not stored: %s", r->org, j->put.err);
		ret = http_reply_error(c, r, MHD_HTTP_SERVICE_UNAVAILABLE,
		                       "database busy, try again later");
	} else if (j->put.rc) {
		LOG_ERR("report from '%s' not stored: %s", r->org, j->put.err);
		ret = http_reply_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		                       "internal error storing the report");
	} else if (res->resend_full) {
		for (i = 0; i < SHA256_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", j->rep.sw_digest[i]);
		snprintf(msg, sizeof(msg),
		         "software list %s is not the one stored for this machine: send the full "
		         "report",
		         hex);
		ret = reply_resend(c, r, msg);
	} else {
		metrics_count_report(&srv->metrics, res->duplicate, http_seconds_since(&j->t0));
		ret = r->route == ROUTE_PEER ? http_peer_stored(srv, c, r)
		                             : inventory_stored(srv, c, r, res);
	}
	r->job = NULL;
	http_job_free(j);
	return ret;
}

/* Last call: decode the body (in this MHD thread) and queue the report for
 * the writer; called again after the writer committed it, to answer. */
enum MHD_Result http_inventory_finish(struct http_server *srv, struct MHD_Connection *c,
                                      struct http_req *r)
{
	struct http_job *j;
	char err[FC_ERRLEN];
	int status = 0;
	enum fc_rc rc;

	if (r->job)
		return http_inventory_answer(srv, c, r);
	if (r->too_big) {
		snprintf(err, FC_ERRLEN, "body exceeds the limit of %zu bytes",
		         srv->cfg->limits.max_body);
		return http_reply_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, err);
	}
	j = xcalloc(1, sizeof(*j));
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	ingest_report_init(&j->rep);
	rc = ingest_decode(
	    buf_cstr(&r->body), r->body.len,
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_ENCODING),
	    &srv->cfg->limits, &j->rep, &status, err);
	buf_release(&r->body);
	if (rc) {
		if (status < 400 || status > 499) {
			LOG_ERR("ingest_decode gave status %d for: %s", status, err);
			status = MHD_HTTP_BAD_REQUEST;
		}
		http_job_free(j);
		return http_reply_error(c, r, (unsigned)status, err);
	}
	return queue_job(srv, c, r, j);
}

enum MHD_Result http_inventory_queue(struct http_server *srv, struct MHD_Connection *c,
                                     struct http_req *r, struct ingest_report *rep)
{
	struct http_job *j = xcalloc(1, sizeof(*j));

	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	j->rep = *rep;
	ingest_report_init(rep);
	return queue_job(srv, c, r, j);
}

/* Starts the writer thread, on its own connection to cfg->db_path. */
enum fc_rc http_writer_start(struct http_server *srv, char *err)
{
	srv->wst = srv->st;
	if (srv->cfg->db_path) {
		enum fc_rc rc = store_open(srv->cfg->db_path, false, &srv->wst, err);

		if (rc)
			return rc;
	}
	store_set_clock_skew(srv->wst, srv->cfg->clock_skew);
	if (pthread_create(&srv->writer, NULL, writer_main, srv) != 0) {
		snprintf(err, FC_ERRLEN, "cannot start the writer thread");
		if (srv->wst != srv->st)
			store_close(srv->wst);
		srv->wst = NULL;
		return FC_ENOMEM;
	}
	srv->writer_started = true;
	return FC_OK;
}

/* Lets the writer commit what is queued, then ends it. */
void http_writer_stop(struct http_server *srv)
{
	if (!srv->writer_started)
		return;
	pthread_mutex_lock(&srv->q_lock);
	srv->q_stop = true;
	pthread_cond_broadcast(&srv->q_cond);
	pthread_mutex_unlock(&srv->q_lock);
	pthread_join(srv->writer, NULL);
	srv->writer_started = false;
	if (srv->wst != srv->st)
		store_close(srv->wst);
	srv->wst = NULL;
}
