/* send.h - deliver a gzip report to the collector over HTTP(S) (libcurl).
 *
 * The program calls send_global_init() once, before its first send_report
 * and before starting any thread, and send_global_cleanup() at exit;
 * send_report never does (libcurl's global init is not thread-safe). */
#ifndef FC_AGENT_SEND_H
#define FC_AGENT_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fc_rc.h"

#define SEND_PATH "/api/v1/inventory"
#define SEND_ANSWER_MAX (64 * 1024) /* bytes of the server's answer kept */
#define SEND_DEFAULT_TIMEOUT 60L /* seconds, used when timeout <= 0 */
#define SEND_RETRY_AFTER_MAX 600L /* longest Retry-After waited for in one run, seconds */
#define SEND_MEMORY_BODY_MAX ((size_t)1 << 20) /* larger spooled reports are sent from the file */
#define SEND_BACKOFF_TRIES 3 /* sends again after 429/503 with Retry-After, per run */

struct send_opts {
	const char *server; /* base URL, e.g. "https://collector:8443"; SEND_PATH is appended */
	const char *token; /* bearer token, never logged */
	const char *cacert; /* CA file, or NULL for the system store */
	long timeout; /* whole-transfer and connect timeout, seconds */
	bool verbose; /* log the exchange (INFO), the Authorization value redacted */
};

struct send_result {
	long http_status; /* 0 when no HTTP answer */
	long retry_after; /* seconds from Retry-After, -1 if none */
	long next_report_seconds; /* from a 2xx JSON answer, -1 if absent */
	bool resend_full; /* a 409 whose JSON answer says "resend":"full" */
	char message[FC_ERRLEN]; /* one line: what happened */
};

/* A request body: len bytes of a gzip report, at data; or read from the
 * start of file; or (path) read from the file at path, which is opened for
 * each piece libcurl asks for, so that no descriptor stays open for it
 * during the transfer. Only the first of data, file and path is used. */
struct send_body {
	const void *data;
	FILE *file;
	const char *path;
	size_t len;
};

/* Loads libcurl (dlopen, unless built with FC_CURL_LINKED) and runs its
 * global initialisation. Returns FC_OK; FC_ECONFIG when libcurl cannot be
 * loaded or lacks a function (err says which); FC_ENOMEM when its
 * initialisation fails. Calling it again after FC_OK only initialises
 * libcurl again (pair each call with send_global_cleanup). */
enum fc_rc send_global_init(char *err);

/* Undoes send_global_init; libcurl itself stays loaded. Harmless when
 * send_global_init failed or was never called. */
void send_global_cleanup(void);

/* POSTs the gzlen bytes at gz (a gzip-compressed JSON report) to
 * o->server + SEND_PATH with Content-Type: application/json,
 * Content-Encoding: gzip, Authorization: Bearer <token> and User-Agent:
 * fleetcensus-agent/<FC_VERSION>. TLS (1.2 or later) peer and host name are
 * verified against o->cacert or the system store; proxies come from the
 * usual environment variables; redirects are not followed (they would carry
 * the token away).
 * At most SEND_ANSWER_MAX bytes of the answer are read.
 *
 * Returns FC_OK for 2xx; FC_EREFUSED for 3xx and 4xx other than 408 and 429
 * (do not send this report again; for a 409 whose JSON answer holds
 * "resend":"full", res->resend_full is set: send the full report instead); FC_EHTTP for 5xx, 408,
 * 429 and other answers (try again later, after res->retry_after when set); FC_ENET when no
 * complete answer came (connection, TLS, timeout); FC_ECONFIG for a bad server URL (or a scheme
 * other than http/https), token or CA file; FC_ENOMEM when libcurl could not allocate. res is
 * filled on every path. Nothing is logged above DEBUG: the caller reports res->message once. The
 * token never appears in res or the log. */
enum fc_rc send_report(const struct send_opts *o, const void *gz, size_t gzlen,
                       struct send_result *res);

/* As send_report, for a body in memory or in a file. A file that cannot be
 * read to its len-th byte fails the transfer (FC_ENET). */
enum fc_rc send_report_body(const struct send_opts *o, const struct send_body *b,
                            struct send_result *res);

/* How long to wait after a Retry-After of retry_after seconds, in
 * milliseconds: retry_after plus a jitter of random modulo half of it (so
 * uniform in [0, retry_after / 2] for a uniform random), at least 1000. */
long send_backoff_ms(long retry_after, unsigned int random);

/* send_report_body, and while the answer is 429 or 503 with a Retry-After of at
 * most SEND_RETRY_AFTER_MAX seconds, waits send_backoff_ms of it and sends
 * again, at most SEND_BACKOFF_TRIES times (docs/protocol.md,
 * "Back-pressure"). Returns what the last send_report returned; each wait
 * is logged at INFO. */
enum fc_rc send_report_backoff(const struct send_opts *o, const struct send_body *b,
                               struct send_result *res);

#endif
