/* test_deliver.c - deliver_inventory's decisions, on the real path: an
 * inventory of the debian12 fixture root, a real spool and software.digest
 * in a temporary state directory, and libcurl sending to tests/e2e/httpd.py
 * on loopback, which records every request.
 *
 * Run from the top of the repository (as make does); the tests skip when
 * python3 or the server script is missing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <cJSON.h>

#include "buf.h"
#include "deliver.h"
#include "exitcode.h"
#include "gzip.h"
#include "inventory.h"
#include "send.h"
#include "spool.h"
#include "state.h"
#include "testutil.h"

#define ROOT "tests/fixtures/roots/debian12"
#define TOKEN "tok-Secret_123"
#define OTHER_DIGEST "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct fixture {
	char dir[256];
	char state[300]; /* the agent's state directory */
	char srv[300]; /* the server's files */
	char url[128];
	pid_t pid;
	char digest[STATE_DIGEST_LEN + 1]; /* of the fixture root's software list */
};

static const struct inventory_ids ids = {
    "6f1c4b2e-8d3a-4e5f-9a7b-1c2d3e4f5a6b", "2024-01-01-00-00-00",
    "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f7a", "2026-12-04T10:00:00Z"};

/* The digest of ROOT's software list, as a full inventory reports it. */
static void root_digest(char out[STATE_DIGEST_LEN + 1])
{
	struct inventory *inv;
	struct inventory_sink sink;
	struct buf b;

	assert_int_equal(inventory_collect(ROOT, &ids, &inv), FC_OK);
	buf_init(&b, (size_t)16 << 20);
	inventory_sink_buf(&sink, &b);
	assert_int_equal(inventory_write(inv, INVENTORY_FULL, &sink), FC_OK);
	assert_true(inventory_has_list(inv));
	assert_int_equal(strlen(inventory_summary(inv)->software_digest), STATE_DIGEST_LEN);
	memcpy(out, inventory_summary(inv)->software_digest, STATE_DIGEST_LEN + 1);
	buf_release(&b);
	inventory_free(inv);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || !tmpdir_new(f->dir, sizeof(f->dir), "deliver")) {
		free(f);
		return -1;
	}
	snprintf(f->state, sizeof(f->state), "%s/state", f->dir);
	snprintf(f->srv, sizeof(f->srv), "%s/srv", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc;

	httpd_stop(&f->pid);
	rc = tmpdir_remove(f->dir);
	free(f);
	return rc;
}

/* Starts the server in mode; makes the state directory, holding
 * software.digest = digest unless that is NULL. */
static void start(struct fixture *f, const char *mode, const char *digest)
{
	char err[FC_ERRLEN];

	assert_int_equal(spool_mkdirs(f->srv, err), FC_OK);
	assert_int_equal(spool_mkdirs(f->state, err), FC_OK);
	root_digest(f->digest);
	if (digest)
		assert_int_equal(state_write_digest(f->state, digest, err), FC_OK);
	f->pid = httpd_start(f->srv, mode, false, f->url, sizeof(f->url));
}

/* One send run: collects ROOT and delivers it to url; returns the exit code. */
static int deliver_to(struct fixture *f, const char *url)
{
	struct deliver_opts o = {{url, TOKEN, NULL, 10, false}, f->state, 0, true};
	struct inventory *inv;
	int code;

	assert_int_equal(inventory_collect(ROOT, &ids, &inv), FC_OK);
	code = deliver_inventory(&o, inv);
	inventory_free(inv);
	return code;
}

/* The digest in software.digest, or "" when there is none. */
static const char *known_digest(struct fixture *f)
{
	static char d[STATE_DIGEST_LEN + 1];

	if (state_read_digest(f->state, d) != FC_OK)
		d[0] = '\0';
	return d;
}

static bool spooled(struct fixture *f)
{
	char err[FC_ERRLEN], path[SPOOL_PATH_MAX];
	size_t len;
	enum fc_rc rc = spool_file(f->state, path, &len, err);

	assert_true(rc == FC_OK || rc == FC_ENOENT);
	return rc == FC_OK;
}

/* Request n as the server decoded it; cJSON_Delete it. */
static cJSON *request(struct fixture *f, int n)
{
	char path[400];
	char *text;
	cJSON *doc;

	snprintf(path, sizeof(path), "%s/req-%d.json", f->srv, n);
	text = slurp(path, NULL);
	doc = cJSON_Parse(text);
	free(text);
	assert_non_null(doc);
	return doc;
}

static const char *req_report_id(const cJSON *doc)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "content");
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(c, "fleetcensus");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(x, "report_id");

	assert_true(cJSON_IsString(id));
	return id->valuestring;
}

static bool req_has_list(const cJSON *doc)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "content");

	return cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(c, "softwares"));
}

/* No digest known: the full report goes; accepted, the spool is emptied and
 * software.digest becomes the list's digest. */
static void test_full_accepted(void **state)
{
	struct fixture *f = *state;
	cJSON *doc;

	start(f, "ok", NULL);
	assert_string_equal(known_digest(f), "");
	assert_int_equal(deliver_to(f, f->url), EXIT_DONE);
	assert_string_equal(httpd_kinds(f->srv), "full:200");
	doc = request(f, 1);
	assert_true(req_has_list(doc));
	cJSON_Delete(doc);
	assert_false(spooled(f));
	assert_string_equal(known_digest(f), f->digest);
}

/* The list the collector last accepted: the short report goes, accepted. */
static void test_short_accepted(void **state)
{
	struct fixture *f = *state;
	cJSON *doc;

	start(f, "ok", NULL);
	assert_int_equal(deliver_to(f, f->url), EXIT_DONE);
	assert_int_equal(deliver_to(f, f->url), EXIT_DONE);
	assert_string_equal(httpd_kinds(f->srv), "full:200 short:200");
	doc = request(f, 2);
	assert_false(req_has_list(doc));
	cJSON_Delete(doc);
	assert_false(spooled(f));
	assert_string_equal(known_digest(f), f->digest);
}

/* A 409 asking for the full report to the short one: the full one (the
 * same report) goes in the same run; accepted, exit 0. */
static void test_short_409_then_full(void **state)
{
	struct fixture *f = *state;
	char id[64];
	cJSON *doc;

	start(f, "short409", NULL);
	assert_int_equal(deliver_to(f, f->url), EXIT_DONE);
	assert_string_equal(known_digest(f), f->digest);
	assert_int_equal(deliver_to(f, f->url), EXIT_DONE);
	assert_string_equal(httpd_kinds(f->srv), "full:200 short:409 full:200");
	doc = request(f, 2);
	assert_false(req_has_list(doc));
	snprintf(id, sizeof(id), "%s", req_report_id(doc));
	cJSON_Delete(doc);
	doc = request(f, 3);
	assert_true(req_has_list(doc));
	assert_string_equal(req_report_id(doc), id);
	cJSON_Delete(doc);
	assert_false(spooled(f));
	assert_string_equal(known_digest(f), f->digest);
}

/* A digest of another list: the full report goes, and once it is accepted
 * software.digest holds the new list's digest. */
static void test_changed_list_sent_full(void **state)
{
	struct fixture *f = *state;

	start(f, "ok", OTHER_DIGEST);
	assert_int_equal(deliver_to(f, f->url), EXIT_DONE);
	assert_string_equal(httpd_kinds(f->srv), "full:200");
	assert_string_equal(known_digest(f), f->digest);
}

/* Refused for good (400): exit 69, the spool emptied, no digest kept. */
static void test_full_refused(void **state)
{
	struct fixture *f = *state;

	start(f, "e400", NULL);
	assert_int_equal(deliver_to(f, f->url), EXIT_REFUSED);
	assert_string_equal(httpd_kinds(f->srv), "full:400");
	assert_false(spooled(f));
	assert_string_equal(known_digest(f), "");
}

/* A short report refused otherwise than by 409: final, no full one sent;
 * software.digest is left as it was. */
static void test_short_refused(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN];

	start(f, "e400", NULL);
	assert_int_equal(state_write_digest(f->state, f->digest, err), FC_OK);
	assert_int_equal(deliver_to(f, f->url), EXIT_REFUSED);
	assert_string_equal(httpd_kinds(f->srv), "short:400");
	assert_false(spooled(f));
	assert_string_equal(known_digest(f), f->digest);
}

/* The full report of the spool, decompressed, holds the software list. */
static void assert_spool_full(struct fixture *f)
{
	char err[FC_ERRLEN];
	struct buf gz, json;

	buf_init(&gz, SPOOL_MAX);
	buf_init(&json, SPOOL_MAX);
	assert_int_equal(spool_get(f->state, &gz, err), FC_OK);
	assert_int_equal(gzip_decompress(gz.ptr, gz.len, SPOOL_MAX, &json, err), FC_OK);
	assert_non_null(strstr(json.ptr, "\"softwares\":["));
	buf_release(&gz);
	buf_release(&json);
}

/* A temporary failure (500): exit 75, the report stays in the spool and no
 * digest is written: the next run sends it in full. */
static void test_temporary_failure(void **state)
{
	struct fixture *f = *state;

	start(f, "e500", OTHER_DIGEST);
	assert_int_equal(deliver_to(f, f->url), EXIT_TEMPFAIL);
	assert_string_equal(httpd_kinds(f->srv), "full:500");
	assert_true(spooled(f));
	assert_spool_full(f);
	assert_string_equal(known_digest(f), OTHER_DIGEST);
}

/* Nobody listening: exit 75, spooled; the next run, with the collector
 * back, delivers and empties the spool. */
static void test_unreachable_then_delivered(void **state)
{
	struct fixture *f = *state;
	char url[128];

	start(f, "ok", NULL);
	snprintf(url, sizeof(url), "%s", f->url);
	httpd_stop(&f->pid);
	assert_int_equal(deliver_to(f, url), EXIT_TEMPFAIL);
	assert_true(spooled(f));
	assert_spool_full(f);
	assert_string_equal(known_digest(f), "");
	f->pid = httpd_start(f->srv, "ok", false, f->url, sizeof(f->url));
	assert_int_equal(deliver_to(f, f->url), EXIT_DONE);
	assert_string_equal(httpd_kinds(f->srv), "full:200");
	assert_false(spooled(f));
	assert_string_equal(known_digest(f), f->digest);
}

/* The decisions as tables: send outcome -> exit code and spool. */
static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(deliver_exit_code(FC_OK), EXIT_DONE);
	assert_int_equal(deliver_exit_code(FC_EREFUSED), EXIT_REFUSED);
	assert_int_equal(deliver_exit_code(FC_ENOMEM), EXIT_SOFTWARE);
	assert_int_equal(deliver_exit_code(FC_EHTTP), EXIT_TEMPFAIL);
	assert_int_equal(deliver_exit_code(FC_ENET), EXIT_TEMPFAIL);
	assert_int_equal(deliver_exit_code(FC_ECONFIG), EXIT_TEMPFAIL);
	assert_true(deliver_clears_spool(FC_OK));
	assert_true(deliver_clears_spool(FC_EREFUSED));
	assert_false(deliver_clears_spool(FC_EHTTP));
	assert_false(deliver_clears_spool(FC_ENET));
	assert_false(deliver_clears_spool(FC_ENOMEM));
	assert_int_equal(deliver_relay_exit_code(FC_OK), EXIT_DONE);
	assert_int_equal(deliver_relay_exit_code(FC_EREFUSED), EXIT_REFUSED);
	assert_int_equal(deliver_relay_exit_code(FC_EHTTP), EXIT_TEMPFAIL);
	assert_int_equal(deliver_relay_exit_code(FC_ENET), EXIT_TEMPFAIL);
	assert_int_equal(deliver_relay_exit_code(FC_ECONFIG), EXIT_CONFIG);
	assert_int_equal(deliver_relay_exit_code(FC_EIO), EXIT_NOINPUT);
	assert_int_equal(deliver_relay_exit_code(FC_ENOMEM), EXIT_SOFTWARE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_full_accepted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_short_accepted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_short_409_then_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_changed_list_sent_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_full_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_short_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_temporary_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unreachable_then_delivered, setup, teardown),
	    cmocka_unit_test(test_exit_codes),
	};
	char err[FC_ERRLEN];
	int failed;

	if (send_global_init(err) != FC_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	send_global_cleanup();
	return failed;
}
