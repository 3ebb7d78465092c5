/* fuzz_http.c - the collector's HTTP request handling, end to end.
 *
 * LLVMFuzzerInitialize starts the real server (http_serve, collector/http.h)
 * once, in a thread of this process, on a loopback port with a SQLite store
 * on tmpfs holding two organisations and fixed agent, reader, admin and
 * revoked tokens (TOKEN_* below, so that raw seeds can name them). Each
 * input becomes one request sent over a fresh TCP connection; the answer is
 * read until the server closes, and then the server must still answer
 * GET /healthz with 200. A crash, leak or sanitizer report in any server
 * thread stops the run as one in the harness would.
 *
 * Input, byte 0 with bit 7 set: the rest is sent as it is (raw HTTP).
 * Otherwise a structured request, so that mutations reach deep paths:
 *   byte 0  method (METHODS), byte 1 path (PATHS; the last entry takes
 *   piece 0 as the path), byte 2 Authorization (AUTH_*), byte 3 flags
 *   (F_*); then up to four pieces separated by NUL bytes: query string,
 *   extra header lines, Authorization value, body (the rest, NULs kept). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "auth.h"
#include "buf.h"
#include "fuzz.h"
#include "gzip.h"
#include "http.h"
#include "lifecycle.h"
#include "store.h"
#include "xalloc.h"

#define TOKEN_AGENT "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TOKEN_READER "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define TOKEN_ADMIN "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define TOKEN_REVOKED "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
#define ALIVE_MS 4000 /* longest wait for the answer to GET /healthz */
#define ANSWER_MS 300 /* longest wait for the answer to a fuzzed request */
#define IDLE_MS 5 /* an answer has ended when nothing more comes for this long */
#define MAX_REQUEST ((size_t)32 << 20)

enum {
	AUTH_NONE,
	AUTH_AGENT,
	AUTH_READER,
	AUTH_ADMIN,
	AUTH_REVOKED,
	AUTH_BEARER,
	AUTH_RAW,
	AUTH_N
};
enum {
	F_ENCODING = 3, /* 0 none, 1 gzip, 2 deflate (both compressed here), 3 piece-less "br" */
	F_CHUNKED = 1 << 2, /* Transfer-Encoding: chunked */
	F_NO_LENGTH = 1 << 3, /* no Content-Length */
	F_PIPELINE = 1 << 4, /* keep-alive, a GET /healthz pipelined after */
};

static const char *const METHODS[] = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "get"};
static const char *const PATHS[] = {"/api/v1/inventory",
                                    "/api/v1/machines",
                                    "/healthz",
                                    "/metrics",
                                    "/api/v1/reports/machines",
                                    "/api/v1/reports/counts",
                                    "/api/v1/reports/tender",
                                    "/api/v1/reports/software",
                                    "/api/v1/reports/trend",
                                    "/api/v1/reports/stale",
                                    "/api/v1/reports/",
                                    "/",
                                    NULL /* piece 0 */};
#define NPATHS (sizeof(PATHS) / sizeof(PATHS[0]))
#define NMETHODS (sizeof(METHODS) / sizeof(METHODS[0]))

static unsigned short port;
static char serve_err[FC_ERRLEN];

struct server {
	struct http_config cfg;
	struct store *st;
	struct lifecycle *lc;
};
static struct server srv;

static void *serve(void *arg)
{
	enum fc_rc rc = http_serve(&srv.cfg, srv.st, serve_err);

	(void)arg;
	fprintf(stderr, "fuzz_http: the server stopped: %s (%s)\n", fc_strerror(rc), serve_err);
	abort();
	return NULL;
}

static void add_token(const char *token, enum token_role role, int64_t org, bool revoke)
{
	unsigned char hash[AUTH_HASH_LEN];
	char err[FC_ERRLEN];
	int64_t id;

	auth_token_hash(token, hash);
	FUZZ_CHECK(store_token_add(srv.st, role, org, hash, &id, err) == FC_OK);
	if (revoke)
		FUZZ_CHECK(store_token_revoke(srv.st, id, err) == FC_OK);
}

/* Waits for the server to write its port file; aborts after 20 s. */
static void wait_port(const char *path)
{
	const struct timespec tick = {0, 10 * 1000 * 1000};
	unsigned p = 0;
	int i;

	for (i = 0; i < 2000; i++) {
		FILE *f = fopen(path, "r");

		if (f) {
			int ok = fscanf(f, "%u", &p) == 1;

			fclose(f);
			if (ok && p > 0 && p < 65536) {
				port = (unsigned short)p;
				return;
			}
		}
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "fuzz_http: the server did not start\n");
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char db[300], portfile[300];
	char err[FC_ERRLEN];
	int64_t org, other;
	pthread_t t;

	(void)argc;
	(void)argv;
	snprintf(db, sizeof(db), "%s/collector.db", fuzz_tmpdir());
	snprintf(portfile, sizeof(portfile), "%s/port", fuzz_tmpdir());
	if (store_open(db, true, &srv.st, err) != FC_OK) {
		fprintf(stderr, "fuzz_http: %s\n", err);
		abort();
	}
	FUZZ_CHECK(store_org_add(srv.st, "fuzz-org", &org, err) == FC_OK);
	FUZZ_CHECK(store_org_add(srv.st, "other \"org\", with, commas", &other, err) == FC_OK);
	add_token(TOKEN_AGENT, ROLE_AGENT, org, false);
	add_token(TOKEN_READER, ROLE_READER, org, false);
	add_token(TOKEN_ADMIN, ROLE_ADMIN, 0, false);
	add_token(TOKEN_REVOKED, ROLE_AGENT, other, true);
	srv.lc = lifecycle_new();
	FUZZ_CHECK(srv.lc != NULL);
	http_config_default(&srv.cfg);
	srv.cfg.listen = "127.0.0.1:0";
	srv.cfg.threads = 1;
	srv.cfg.conn_timeout = 10;
	srv.cfg.port_file = portfile;
	srv.cfg.lifecycle = srv.lc;
	FUZZ_CHECK(pthread_create(&t, NULL, serve, NULL) == 0);
	FUZZ_CHECK(pthread_detach(t) == 0);
	wait_port(portfile);
	return 0;
}

/* ---- one exchange ---- */

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* After connect() failed with errno: true when it was only interrupted by
 * a signal (libFuzzer's timers) and the connection then completed. */
static bool connected_after_eintr(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	socklen_t len = sizeof(int);
	int e = 0;

	if (errno != EINTR)
		return false;
	while (poll(&pfd, 1, ALIVE_MS) < 0)
		if (errno != EINTR)
			return false;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0 || e != 0) {
		errno = e ? e : errno;
		return false;
	}
	return true;
}

/* Sends req (len bytes) on a new connection, ends the sending side, and
 * reads the answer into ans (at most cap - 1 bytes kept, NUL-terminated)
 * until the server closes, nothing more comes for IDLE_MS after some bytes,
 * or wait_ms pass; then closes the connection. Returns the bytes kept.
 *
 * Not waiting for the close: libmicrohttpd 0.9.75 keeps a connection whose
 * client has shut down its sending side open until the idle timeout when
 * the request is incomplete, and even after answering a request that
 * declared "Content-Length: 0" (GET included). The server being alive is
 * checked separately (check_alive). */
static size_t exchange(const char *req, size_t len, char *ans, size_t cap, long wait_ms)
{
	struct sockaddr_in sa;
	struct linger lg = {1, 0}; /* close with RST: no TIME_WAIT pile-up */
	struct timespec t0;
	struct pollfd pfd;
	size_t got = 0, sent = 0;
	char sink[4096];
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	FUZZ_CHECK(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && !connected_after_eintr(fd)) {
		fprintf(stderr, "fuzz_http: connect: %s\n", strerror(errno));
		abort();
	}
	while (sent < len) {
		n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the server may close early (413, bad request) */
		sent += (size_t)n;
	}
	(void)shutdown(fd, SHUT_WR);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long left = wait_ms - ms_since(&t0);

		if (left <= 0)
			break;
		if (got && left > IDLE_MS)
			left = IDLE_MS;
		pfd.fd = fd;
		pfd.events = POLLIN;
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 && got)
			break;
		if (n <= 0)
			continue;
		n = recv(fd, got + 1 < cap ? ans + got : sink,
		         got + 1 < cap ? cap - 1 - got : sizeof(sink), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got + 1 < cap)
			got += (size_t)n;
	}
	ans[got] = '\0';
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	return got;
}

static void check_alive(void)
{
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                          "Connection: close\r\n\r\n";
	char ans[512];

	exchange(req, sizeof(req) - 1, ans, sizeof(ans), ALIVE_MS);
	if (strncmp(ans, "HTTP/1.1 200 ", 13) != 0) {
		fprintf(stderr, "fuzz_http: GET /healthz answered '%.60s'\n", ans);
		abort();
	}
}

/* ---- building the request ---- */

/* Splits data (size bytes) at NUL bytes into at most n pieces; the last
 * piece takes the rest, NULs included. Missing pieces are empty. */
static void split(const uint8_t *data, size_t size, const char **piece, size_t *len, int n)
{
	const uint8_t *end = data + size, *nul;
	int i;

	for (i = 0; i < n; i++) {
		piece[i] = (const char *)data;
		nul = i + 1 < n ? memchr(data, '\0', (size_t)(end - data)) : NULL;
		len[i] = nul ? (size_t)(nul - data) : (size_t)(end - data);
		data = nul ? nul + 1 : end;
	}
}

/* The body as sent: compressed here when flags ask for it. */
static void body_encode(unsigned flags, const char *body, size_t len, struct buf *out)
{
	uLongf n;
	unsigned char *z;

	if ((flags & F_ENCODING) == 1) {
		if (gzip_compress(body, len, out) == FC_OK)
			return;
	} else if ((flags & F_ENCODING) == 2) {
		n = compressBound((uLong)len);
		z = xmalloc((size_t)n);
		if (compress2(z, &n, (const Bytef *)body, (uLong)len, 6) == Z_OK) {
			buf_reset(out);
			(void)buf_add(out, z, (size_t)n);
			free(z);
			return;
		}
		free(z);
	}
	buf_reset(out);
	(void)buf_add(out, body, len);
}

static void add_auth(struct buf *req, unsigned sel, const char *val, size_t n)
{
	static const char *const tokens[] = {NULL, TOKEN_AGENT, TOKEN_READER, TOKEN_ADMIN,
	                                     TOKEN_REVOKED};

	if (sel == AUTH_NONE)
		return;
	if (sel < AUTH_BEARER) {
		(void)buf_printf(req, "Authorization: Bearer %s\r\n", tokens[sel]);
		return;
	}
	(void)buf_addstr(req, sel == AUTH_BEARER ? "Authorization: Bearer " : "Authorization: ");
	(void)buf_add(req, val, n);
	(void)buf_addstr(req, "\r\n");
}

static void add_body(struct buf *req, unsigned flags, const struct buf *body)
{
	static const char *const enc[] = {NULL, "gzip", "deflate", "br"};
	size_t off, step = 1 + (flags >> 5) * 700;

	if (enc[flags & F_ENCODING])
		(void)buf_printf(req, "Content-Encoding: %s\r\n", enc[flags & F_ENCODING]);
	if (flags & F_CHUNKED) {
		(void)buf_addstr(req, "Transfer-Encoding: chunked\r\n\r\n");
		for (off = 0; off < body->len; off += step) {
			size_t n = body->len - off < step ? body->len - off : step;

			(void)buf_printf(req, "%zx\r\n", n);
			(void)buf_add(req, body->ptr + off, n);
			(void)buf_addstr(req, "\r\n");
		}
		(void)buf_addstr(req, "0\r\n\r\n");
		return;
	}
	if (!(flags & F_NO_LENGTH) && body->len)
		(void)buf_printf(req, "Content-Length: %zu\r\n", body->len);
	(void)buf_addstr(req, "\r\n");
	if (body->len)
		(void)buf_add(req, body->ptr, body->len);
}

static void build(const uint8_t *data, size_t size, struct buf *req)
{
	const char *piece[4];
	size_t len[4];
	unsigned flags = data[3];
	struct buf body;

	split(data + 4, size - 4, piece, len, 4);
	(void)buf_printf(req, "%s ", METHODS[data[0] % NMETHODS]);
	if (PATHS[data[1] % NPATHS])
		(void)buf_addstr(req, PATHS[data[1] % NPATHS]);
	else
		(void)buf_add(req, piece[0], len[0]);
	if (PATHS[data[1] % NPATHS] && len[0]) {
		(void)buf_addc(req, '?');
		(void)buf_add(req, piece[0], len[0]);
	}
	(void)buf_addstr(req, " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
	add_auth(req, data[2] % AUTH_N, piece[2], len[2]);
	if (len[1]) {
		(void)buf_add(req, piece[1], len[1]);
		if (piece[1][len[1] - 1] != '\n')
			(void)buf_addstr(req, "\r\n");
	}
	if (!(flags & F_PIPELINE))
		(void)buf_addstr(req, "Connection: close\r\n");
	buf_init(&body, MAX_REQUEST);
	body_encode(flags, piece[3], len[3], &body);
	add_body(req, flags, &body);
	buf_release(&body);
	if (flags & F_PIPELINE)
		(void)buf_addstr(req, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		                      "Connection: close\r\n\r\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char ans[1 << 16];
	struct buf req;
	size_t n;
	bool complete;

	if (size < 4)
		return 0;
	buf_init(&req, MAX_REQUEST);
	if (data[0] & 0x80)
		(void)buf_add(&req, data + 1, size - 1);
	else
		build(data, size, &req);
	/* without the blank line that ends the head no answer can come */
	complete = memmem(buf_cstr(&req), req.len, "\r\n\r\n", 4) ||
	           memmem(buf_cstr(&req), req.len, "\n\n", 2);
	n = exchange(buf_cstr(&req), req.len, ans, sizeof(ans), complete ? ANSWER_MS : 0);
	if (n)
		FUZZ_CHECK(!strncmp(ans, "HTTP/1.", 7));
	buf_release(&req);
	check_alive();
	return 0;
}
