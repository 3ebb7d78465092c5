/* test_send.c - send_report against tests/e2e/httpd.py on loopback.
 *
 * Each test starts the server (Debian's /usr/bin/python3) in a fresh
 * temporary directory and stops it with SIGTERM. Run from the top of the
 * repository (as make does); the tests skip when python3 or the server
 * script is missing, the TLS tests also when openssl is. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "buf.h"
#include "gzip.h"
#include "send.h"
#include "testutil.h"

#define OPENSSL "/usr/bin/openssl"
#define TOKEN "tok-Secret_123"

static const char report[] = "{\"deviceid\":\"host-2024-01-01-00-00-00\",\"content\":{}}";

struct fixture {
	char dir[256];
	char path[512]; /* scratch */
	char url[128];
	pid_t pid; /* the server, or 0 */
	struct buf gz;
	struct send_result res;
};

static const char *fpath(struct fixture *f, const char *rel)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, rel);
	return f->path;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	if (!tmpdir_new(f->dir, sizeof(f->dir), "send")) {
		free(f);
		return -1;
	}
	buf_init(&f->gz, 1 << 20);
	if (gzip_compress(report, strlen(report), &f->gz) != FC_OK)
		return -1;
	*state = f;
	return 0;
}

static void server_stop(struct fixture *f)
{
	httpd_stop(&f->pid);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[300];
	int rc;

	server_stop(f);
	buf_release(&f->gz);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	rc = system(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* Runs argv (a full path first) with its output sent to /dev/null. */
static pid_t spawn(char *const argv[])
{
	pid_t pid = fork();
	int null;

	if (pid != 0)
		return pid;
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 1);
		if (!getenv("FC_TEST_VERBOSE"))
			dup2(null, 2);
	}
	execv(argv[0], argv);
	_exit(127);
}

/* Starts httpd.py in mode (with TLS when tls) and sets f->url. Skips the
 * test when python3 or the script is missing. */
static void server_start(struct fixture *f, const char *mode, bool tls)
{
	f->pid = httpd_start(f->dir, mode, tls, f->url, sizeof(f->url));
}

/* Makes a self-signed certificate for 127.0.0.1 and localhost. */
static void make_cert(struct fixture *f)
{
	char cert[512], key[512];
	char *argv[] = {OPENSSL,
	                "req",
	                "-x509",
	                "-newkey",
	                "ec",
	                "-pkeyopt",
	                "ec_paramgen_curve:prime256v1",
	                "-nodes",
	                "-days",
	                "2",
	                "-subj",
	                "/CN=localhost",
	                "-addext",
	                "subjectAltName=IP:127.0.0.1,DNS:localhost",
	                "-keyout",
	                key,
	                "-out",
	                cert,
	                NULL};
	pid_t pid;
	int status;

	if (access(OPENSSL, X_OK) != 0)
		skip();
	snprintf(cert, sizeof(cert), "%s/cert.pem", f->dir);
	snprintf(key, sizeof(key), "%s/key.pem", f->dir);
	pid = spawn(argv);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static enum fc_rc send_to(struct fixture *f, const char *url, const char *cacert, long timeout)
{
	struct send_opts o = {url, TOKEN, cacert, timeout, false};

	return send_report(&o, f->gz.ptr, f->gz.len, &f->res);
}

/* Returns the n-th (1-based) JSON line of the server's log; cJSON_Delete it. */
static cJSON *log_entry(struct fixture *f, int n)
{
	char line[65536];
	FILE *lf = fopen(fpath(f, "log"), "r");
	cJSON *e = NULL;
	int i;

	assert_non_null(lf);
	for (i = 0; i < n; i++) {
		if (!fgets(line, sizeof(line), lf)) {
			fclose(lf);
			fail_msg("the server logged fewer than %d requests", n);
		}
	}
	fclose(lf);
	e = cJSON_Parse(line);
	assert_non_null(e);
	return e;
}

static const char *entry_str(const cJSON *e, const char *obj, const char *key)
{
	const cJSON *o = obj ? cJSON_GetObjectItemCaseSensitive(e, obj) : e;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static int count_requests(struct fixture *f)
{
	char line[65536];
	FILE *lf = fopen(fpath(f, "log"), "r");
	int n = 0;

	if (!lf)
		return 0;
	while (fgets(line, sizeof(line), lf))
		n++;
	fclose(lf);
	return n;
}

static void test_ok(void **state)
{
	struct fixture *f = *state;
	char body[256] = "", url[160];
	FILE *rf;
	cJSON *e;

	server_start(f, "ok", false);
	assert_int_equal(send_to(f, f->url, NULL, 10), FC_OK);
	assert_int_equal(f->res.http_status, 200);
	assert_int_equal(f->res.next_report_seconds, 3600);
	assert_int_equal(f->res.retry_after, -1);
	assert_non_null(strstr(f->res.message, "m1"));
	assert_null(strstr(f->res.message, TOKEN));

	e = log_entry(f, 1);
	assert_string_equal(entry_str(e, NULL, "path"), SEND_PATH);
	assert_string_equal(entry_str(e, "headers", "Authorization"), "Bearer " TOKEN);
	assert_string_equal(entry_str(e, "headers", "Content-Encoding"), "gzip");
	assert_string_equal(entry_str(e, "headers", "Content-Type"), "application/json");
	assert_string_equal(entry_str(e, "headers", "User-Agent"), "fleetcensus-agent/" FC_VERSION);
	cJSON_Delete(e);
	rf = fopen(fpath(f, "req-1.json"), "r");
	assert_non_null(rf);
	assert_true(fread(body, 1, sizeof(body) - 1, rf) > 0);
	fclose(rf);
	assert_string_equal(body, report);

	snprintf(url, sizeof(url), "%s//", f->url); /* trailing slashes */
	assert_int_equal(send_to(f, url, NULL, 10), FC_OK);
	e = log_entry(f, 2);
	assert_string_equal(entry_str(e, NULL, "path"), SEND_PATH);
	cJSON_Delete(e);
}

static void test_e400_refused(void **state)
{
	struct fixture *f = *state;

	server_start(f, "e400", false);
	assert_int_equal(send_to(f, f->url, NULL, 10), FC_EREFUSED);
	assert_int_equal(f->res.http_status, 400);
	assert_int_equal(f->res.next_report_seconds, -1);
	assert_non_null(strstr(f->res.message, "softwares[3].name: missing"));
}

static void test_e401_refused(void **state)
{
	struct fixture *f = *state;

	server_start(f, "e401", false);
	assert_int_equal(send_to(f, f->url, NULL, 10), FC_EREFUSED);
	assert_int_equal(f->res.http_status, 401);
	assert_non_null(strstr(f->res.message, "invalid token"));
}

static void test_e500_retry(void **state)
{
	struct fixture *f = *state;

	server_start(f, "e500", false);
	assert_int_equal(send_to(f, f->url, NULL, 10), FC_EHTTP);
	assert_int_equal(f->res.http_status, 500);
	assert_int_equal(f->res.retry_after, -1);
	assert_non_null(strstr(f->res.message, "500"));
}

static void test_e429_retry_after(void **state)
{
	struct fixture *f = *state;

	server_start(f, "e429", false);
	assert_int_equal(send_to(f, f->url, NULL, 10), FC_EHTTP);
	assert_int_equal(f->res.http_status, 429);
	assert_int_equal(f->res.retry_after, 1);
	assert_false(f->res.resend_full);
}

/* 503 with Retry-After once, then 200: send_report_backoff waits at least a
 * second and sends again. */
static void test_backoff_then_ok(void **state)
{
	struct fixture *f = *state;
	struct send_opts o = {NULL, TOKEN, NULL, 10, false};
	struct send_body body = {f->gz.ptr, NULL, NULL, f->gz.len};
	struct timespec t0, t1;

	server_start(f, "busy1", false);
	o.server = f->url;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(send_report_backoff(&o, &body, &f->res), FC_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(count_requests(f), 2);
	assert_true(t1.tv_sec - t0.tv_sec >= 1);
}

/* Always 429 with Retry-After: 1: one send and SEND_BACKOFF_TRIES more. */
static void test_backoff_gives_up(void **state)
{
	struct fixture *f = *state;
	struct send_opts o = {NULL, TOKEN, NULL, 10, false};
	struct send_body body = {f->gz.ptr, NULL, NULL, f->gz.len};

	server_start(f, "e429", false);
	o.server = f->url;
	assert_int_equal(send_report_backoff(&o, &body, &f->res), FC_EHTTP);
	assert_int_equal(count_requests(f), 1 + SEND_BACKOFF_TRIES);
	assert_int_equal(f->res.http_status, 429);
}

/* No waiting without Retry-After (500), or after a refusal. */
static void test_backoff_only_with_retry_after(void **state)
{
	struct fixture *f = *state;
	struct send_opts o = {NULL, TOKEN, NULL, 10, false};
	struct send_body body = {f->gz.ptr, NULL, NULL, f->gz.len};

	server_start(f, "e500", false);
	o.server = f->url;
	assert_int_equal(send_report_backoff(&o, &body, &f->res), FC_EHTTP);
	assert_int_equal(count_requests(f), 1);
}

/* A body read from a stream, then from a path, arrives byte for byte. */
static void test_body_from_file(void **state)
{
	struct fixture *f = *state;
	struct send_opts o = {NULL, TOKEN, NULL, 10, false};
	struct send_body body = {NULL, NULL, NULL, f->gz.len};
	char body_sha[65];
	cJSON *e1, *e2;

	server_start(f, "ok", false);
	o.server = f->url;
	body.file = tmpfile();
	assert_non_null(body.file);
	assert_int_equal(fwrite(f->gz.ptr, 1, f->gz.len, body.file), f->gz.len);
	assert_int_equal(send_report_body(&o, &body, &f->res), FC_OK);
	fclose(body.file);
	body.file = NULL; /* the same bytes from a path */
	body.path = fpath(f, "body.gz");
	{
		FILE *bf = fopen(body.path, "wb");

		assert_non_null(bf);
		assert_int_equal(fwrite(f->gz.ptr, 1, f->gz.len, bf), f->gz.len);
		assert_int_equal(fclose(bf), 0);
	}
	assert_int_equal(send_report_body(&o, &body, &f->res), FC_OK);
	e1 = log_entry(f, 1);
	e2 = log_entry(f, 2);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(e1, "raw_size")->valueint, f->gz.len);
	snprintf(body_sha, sizeof(body_sha), "%s", entry_str(e1, NULL, "body_sha256"));
	assert_string_equal(entry_str(e2, NULL, "body_sha256"), body_sha);
	assert_string_equal(entry_str(e1, NULL, "raw_sha256"), entry_str(e2, NULL, "raw_sha256"));
	cJSON_Delete(e1);
	cJSON_Delete(e2);
	/* and it is the report, decoded */
	{
		char got[256] = "";
		FILE *rf = fopen(fpath(f, "req-2.json"), "r");

		assert_non_null(rf);
		assert_true(fread(got, 1, sizeof(got) - 1, rf) > 0);
		fclose(rf);
		assert_string_equal(got, report);
	}
}

/* The wait: Retry-After plus up to half of it, at least a second. */
static void test_backoff_ms(void **state)
{
	(void)state;
	assert_int_equal(send_backoff_ms(0, 12345), 1000);
	assert_int_equal(send_backoff_ms(1, 0), 1000);
	assert_int_equal(send_backoff_ms(1, 500), 1500);
	assert_int_equal(send_backoff_ms(1, 501), 1000);
	assert_int_equal(send_backoff_ms(10, 5000), 15000);
	assert_int_equal(send_backoff_ms(10, 4999), 14999);
	assert_int_equal(send_backoff_ms(600, 0xffffffffu), 600000 + 0xffffffffu % 300001);
}

/* 409 with "resend":"full" to a short report: refused, resend_full set. */
static void test_409_resend_full(void **state)
{
	struct fixture *f = *state;
	const char *short_report = "{\"deviceid\":\"x\",\"content\":{\"fleetcensus\":"
	                           "{\"software_unchanged\":true}}}";
	struct send_opts o = {NULL, TOKEN, NULL, 10, false};
	struct buf gz;

	server_start(f, "short409", false);
	o.server = f->url;
	buf_init(&gz, 1 << 20);
	assert_int_equal(gzip_compress(short_report, strlen(short_report), &gz), FC_OK);
	assert_int_equal(send_report(&o, gz.ptr, gz.len, &f->res), FC_EREFUSED);
	assert_int_equal(f->res.http_status, 409);
	assert_true(f->res.resend_full);
	assert_int_equal(send_report(&o, f->gz.ptr, f->gz.len, &f->res), FC_OK);
	assert_false(f->res.resend_full);
	buf_release(&gz);
}

static void test_hang_times_out(void **state)
{
	struct fixture *f = *state;
	time_t t0;

	server_start(f, "hang", false);
	t0 = time(NULL);
	assert_int_equal(send_to(f, f->url, NULL, 1), FC_ENET);
	assert_true(time(NULL) - t0 <= 4);
	assert_int_equal(f->res.http_status, 0);
	assert_non_null(strstr(f->res.message, "imed out"));
}

static void test_close_without_answer(void **state)
{
	struct fixture *f = *state;

	server_start(f, "close", false);
	assert_int_equal(send_to(f, f->url, NULL, 10), FC_ENET);
	assert_int_equal(f->res.http_status, 0);
	assert_true(f->res.message[0] != '\0');
	assert_int_equal(count_requests(f), 1);
}

/* A loopback port nothing listens on (bound, then closed). */
static int free_port(void)
{
	struct sockaddr_in sa = {0};
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(s >= 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(s);
	return port;
}

static void test_connection_refused(void **state)
{
	struct fixture *f = *state;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", free_port());
	assert_int_equal(send_to(f, url, NULL, 5), FC_ENET);
	assert_int_equal(f->res.http_status, 0);
	assert_non_null(strstr(f->res.message, "onnect"));
}

static void test_redirect_not_followed(void **state)
{
	struct fixture *f = *state;

	server_start(f, "r302", false);
	assert_int_equal(send_to(f, f->url, NULL, 10), FC_EREFUSED);
	assert_int_equal(f->res.http_status, 302);
	assert_non_null(strstr(f->res.message, "127.0.0.1:9/stolen"));
	assert_int_equal(count_requests(f), 1);
}

static void test_big_answer_capped(void **state)
{
	struct fixture *f = *state;

	server_start(f, "big", false);
	assert_int_equal(send_to(f, f->url, NULL, 10), FC_OK);
	assert_int_equal(f->res.http_status, 200);
	assert_int_equal(f->res.next_report_seconds, -1);
}

static void test_tls(void **state)
{
	struct fixture *f = *state;
	char url[128];
	char cert[512];

	make_cert(f);
	snprintf(cert, sizeof(cert), "%s", fpath(f, "cert.pem"));
	server_start(f, "ok", true);
	assert_int_equal(send_to(f, f->url, cert, 10), FC_OK);
	assert_int_equal(f->res.http_status, 200);
	snprintf(url, sizeof(url), "https://localhost:%s", strrchr(f->url, ':') + 1);
	assert_int_equal(send_to(f, url, cert, 10), FC_OK);

	assert_int_equal(send_to(f, f->url, NULL, 10), FC_ENET); /* not in the system store */
	assert_int_equal(f->res.http_status, 0);
	assert_non_null(strstr(f->res.message, "certificate"));
	assert_int_equal(send_to(f, f->url, fpath(f, "missing.pem"), 10), FC_ECONFIG);
	assert_int_equal(count_requests(f), 2);
}

static void test_bad_config(void **state)
{
	struct fixture *f = *state;
	struct send_opts o = {"http://127.0.0.1:9", "tok\r\nX-Evil: 1", NULL, 1, false};

	assert_int_equal(send_report(&o, f->gz.ptr, f->gz.len, &f->res), FC_ECONFIG);
	assert_non_null(strstr(f->res.message, "token"));
	assert_null(strstr(f->res.message, "Evil"));
	o.token = "";
	assert_int_equal(send_report(&o, f->gz.ptr, f->gz.len, &f->res), FC_ECONFIG);
	o.token = NULL;
	assert_int_equal(send_report(&o, f->gz.ptr, f->gz.len, &f->res), FC_ECONFIG);
	o.token = TOKEN;
	o.server = "///";
	assert_int_equal(send_report(&o, f->gz.ptr, f->gz.len, &f->res), FC_ECONFIG);
	o.server = "ftp://127.0.0.1:9";
	assert_int_equal(send_report(&o, f->gz.ptr, f->gz.len, &f->res), FC_ECONFIG);
	assert_non_null(strstr(f->res.message, "ftp"));
}

/* Verbose output goes to stderr: capture it and look for the token. */
static void test_verbose_hides_token(void **state)
{
	struct fixture *f = *state;
	struct send_opts o = {NULL, TOKEN, NULL, 10, true};
	char text[65536];
	size_t n;
	int saved, fd;
	enum fc_rc rc;
	FILE *lf;

	server_start(f, "ok", false);
	o.server = f->url;
	fd = open(fpath(f, "stderr"), O_CREAT | O_RDWR | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	rc = send_report(&o, f->gz.ptr, f->gz.len, &f->res);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	assert_int_equal(rc, FC_OK);
	lf = fopen(fpath(f, "stderr"), "r");
	assert_non_null(lf);
	n = fread(text, 1, sizeof(text) - 1, lf);
	fclose(lf);
	text[n] = '\0';
	assert_non_null(strstr(text, "> POST " SEND_PATH));
	assert_non_null(strstr(text, "Authorization: [redacted]"));
	assert_non_null(strstr(text, "< HTTP/1.1 200"));
	assert_null(strstr(text, TOKEN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_e400_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_e401_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_e500_retry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_e429_retry_after, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backoff_then_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backoff_gives_up, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backoff_only_with_retry_after, setup, teardown),
	    cmocka_unit_test(test_backoff_ms),
	    cmocka_unit_test_setup_teardown(test_body_from_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_409_resend_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hang_times_out, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_close_without_answer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_connection_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_redirect_not_followed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_big_answer_capped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tls, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_config, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verbose_hides_token, setup, teardown),
	};
	char err[FC_ERRLEN];
	int failed;

	/* Loopback traffic never goes through a proxy from the environment. */
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	if (send_global_init(err) != FC_OK)
		return 1;
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	send_global_cleanup();
	return failed;
}
