/* http.h - the collector's HTTP(S) server (libmicrohttpd).
 *
 * Routes: POST /api/v1/inventory (agent tokens), GET /api/v1/machines
 * (reader and admin tokens), GET /healthz, GET /metrics. Reports are
 * decoded in the MHD threads and committed in batches by one writer thread
 * on its own database connection (group commit); a report's 200 goes out
 * only after its batch committed. Everything else uses st under a mutex. */
#ifndef FC_COLLECTOR_HTTP_H
#define FC_COLLECTOR_HTTP_H

#include <stddef.h>

#include "fc_rc.h"
#include "ingest.h"
#include "lifecycle.h"
#include "store.h"

/* The TLS offered by default: TLS 1.2 and 1.3 only; in 1.2 only ECDHE key
 * exchange (forward secrecy) with AEAD ciphers (AES-GCM, ChaCha20-Poly1305);
 * the server's order of preference. A GnuTLS priority string
 * (gnutls_priority_init(3)); serve --tls-priorities replaces it. */
#define HTTP_TLS_PRIORITIES                                                                        \
	"SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"                                           \
	"-CIPHER-ALL:+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-GCM:"                                \
	"-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:%SERVER_PRECEDENCE"

struct http_config {
	const char *listen; /* "ADDR:PORT" or "[ADDR6]:PORT"; port 0 picks a free one */
	const char *tls_cert; /* PEM files: both set = HTTPS only; both NULL = HTTP */
	const char *tls_key;
	const char *tls_priorities; /* GnuTLS priority string; NULL: HTTP_TLS_PRIORITIES */
	unsigned threads; /* worker threads (MHD thread pool); default 4 */
	unsigned max_connections; /* default 256 */
	unsigned conn_timeout; /* seconds a connection may be idle; default 30 */
	long next_report_seconds; /* told to agents on success; default 86400 */
	const char *port_file; /* when set, the bound port is written there once listening */
	struct ingest_limits limits;
	const struct lifecycle *lifecycle; /* the catalogue of the reports; NULL: none */
	/* Set by http_bind() before privileges are dropped: the bound listening
	 * socket (-1: http_serve binds listen itself) and the certificate and
	 * key read as PEM text (NULL: http_serve reads the files). */
	int listen_fd;
	char *tls_cert_pem;
	char *tls_key_pem;
	const char *db_path; /* the database st was opened on: the writer opens its own
	                        connection to it; NULL: the writer uses st */
	unsigned queue_max; /* decoded reports waiting for the writer; past it, 503 (default 128) */
	unsigned batch_max; /* reports committed in one transaction at most (default 64) */
	long clock_skew; /* seconds a report's collected_at may lie ahead (STORE_SKEW_TOLERANCE) */
};

/* Fills the defaults above (listen 127.0.0.1:8080, no TLS, default limits). */
void http_config_default(struct http_config *cfg);

/* Binds cfg->listen and reads the TLS files into cfg, for a server that
 * drops its privileges before it opens the database and starts serving
 * (serve --user): ports below 1024 and root-only keys keep working. Returns
 * FC_OK, FC_EUSAGE (bad address), FC_ENET (cannot bind) or FC_ECONFIG
 * (certificate or key), err set. http_serve then takes the socket over;
 * http_unbind() frees what is left, in every case. */
enum fc_rc http_bind(struct http_config *cfg, char *err);
void http_unbind(struct http_config *cfg);

/* Serves on st until SIGTERM or SIGINT: then stops accepting, finishes the
 * requests in flight and returns FC_OK (the caller closes the store).
 * Returns an error (err set) when it cannot start: bad address, port in
 * use, unreadable certificate. Logs one line per request outcome to stderr
 * (method, path, status, organisation, bytes, milliseconds; never a token). */
enum fc_rc http_serve(const struct http_config *cfg, struct store *st, char *err);

#endif
