/* test_import.c - collector/import.c: which files import reads (regular
 * files; a symbolic link only to a file of the invoking user or root, or
 * with --follow-symlinks; FIFOs, devices and directories refused at once),
 * the bound on what it reads, standard input, and importing files into a
 * real store: outcomes, refusals, the first failure's code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import.h"
#include "ingest.h"
#include "store.h"
#include "testutil.h"

/* A report as the agent writes it (one package); UUID, report id and
 * software part are replaced by the tests through printf. */
static const char report_fmt[] =
    "{\"deviceid\":\"ws-0042-2026-11-29-22-26-14\",\"itemtype\":\"Computer\","
    "\"action\":\"inventory\",\"content\":{\"versionclient\":\"fleetcensus-agent_v0.1.0\","
    "%s"
    "\"operatingsystem\":{\"name\":\"Debian GNU/Linux\","
    "\"full_name\":\"Debian GNU/Linux 12 (bookworm)\",\"version\":\"12\","
    "\"kernel_name\":\"linux\",\"kernel_version\":\"6.1.0-27-amd64\",\"arch\":\"x86_64\"},"
    "\"hardware\":{\"name\":\"ws-0042\",\"uuid\":\"%s\"},"
    "\"fleetcensus\":{\"schema\":1,\"report_id\":\"%s\","
    "\"collected_at\":\"2026-11-29T22:26:14Z\","
    "\"agent_id\":\"06d1369b-51e8-4dfc-a373-37d46c96007e\","
    "\"sections\":{\"os\":\"ok\",\"software\":\"ok\",\"hardware\":\"ok\"},\"errors\":{}%s}}}";
static const char full_sw[] =
    "\"softwares\":[{\"name\":\"base-files\",\"version\":\"12.4+deb12u5\",\"arch\":\"amd64\","
    "\"from\":\"deb\"}],";
static const char short_fc[] =
    ",\"software_unchanged\":true,\"software_count\":1,\"software_digest\":"
    "\"0000000000000000000000000000000000000000000000000000000000000000\"";

#define HW1 "4c4c4544-0048-5110-8032-b5c04f585731"
#define HW2 "4c4c4544-0037-4810-8036-b4c04f4e3732"
#define RID1 "ed66549f-0601-4cc4-a07c-5e4d53622d10"
#define RID2 "5b7e2a10-93c4-4d2e-8f61-0a9b8c7d6e5f"

struct fixture {
	char dir[256];
	char db[512];
	char path[640];
	struct store *s;
	int64_t org;
	struct import_opts o;
};

static int setup(void **state)
{
	static struct fixture f;
	char err[FC_ERRLEN];

	memset(&f, 0, sizeof(f));
	if (!store_tmp_open("import", f.dir, sizeof(f.dir), f.db, sizeof(f.db), &f.s, err) ||
	    store_org_add(f.s, "Gemeente Utrecht", &f.org, err) != FC_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	ingest_limits_default(&f.o.limits);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	return store_tmp_close(f->s, f->dir);
}

static const char *at(struct fixture *f, const char *name)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	return f->path;
}

/* Writes a report (full unless short) with hardware UUID hw and report id
 * rid to name in the fixture's directory; returns its path (f->path). */
static const char *write_report(struct fixture *f, const char *name, const char *hw,
                                const char *rid, bool is_short)
{
	FILE *fp = fopen(at(f, name), "w");

	assert_non_null(fp);
	assert_true(fprintf(fp, report_fmt, is_short ? "" : full_sw, hw, rid,
	                    is_short ? short_fc : "") > 0);
	assert_int_equal(fclose(fp), 0);
	return f->path;
}

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* import_read of path into a fresh buffer of max bytes; returns the code,
 * err as import_read sets it. */
static enum fc_rc read_one(const char *path, bool follow, size_t max, char *err)
{
	struct buf b;
	enum fc_rc rc;

	buf_init(&b, max);
	err[0] = '\0';
	rc = import_read(path, follow, &b, err);
	buf_release(&b);
	return rc;
}

static void test_read_regular_and_bounds(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN];
	struct buf b;

	write_text(at(f, "ten"), "0123456789");
	buf_init(&b, 10);
	assert_int_equal(import_read(f->path, false, &b, err), FC_OK);
	assert_string_equal(buf_cstr(&b), "0123456789");
	buf_release(&b);
	assert_int_equal(read_one(f->path, false, 9, err), FC_ELIMIT);
	assert_string_equal(err, "larger than 9 bytes (--max-body)");
	assert_int_equal(read_one(at(f, "missing"), false, 10, err), FC_ENOENT);
	assert_string_equal(err, "cannot open: No such file or directory");
}

static void test_read_refuses_non_regular(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN], link[700];

	assert_int_equal(mkfifo(at(f, "fifo"), 0600), 0);
	assert_int_equal(read_one(f->path, false, 100, err), FC_ENOENT); /* at once */
	assert_string_equal(err, "a FIFO, not a regular file: not read");
	snprintf(link, sizeof(link), "%s/fifo-link", f->dir);
	assert_int_equal(symlink(f->path, link), 0);
	assert_int_equal(read_one(link, true, 100, err), FC_ENOENT);
	assert_string_equal(err, "a symbolic link to a FIFO, not a regular file: not read");
	assert_int_equal(read_one(f->dir, false, 100, err), FC_ENOENT);
	assert_string_equal(err, "a directory, not a regular file: not read");
}

static void test_read_symlinks(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN], target[700];

	write_text(at(f, "mine"), "{}");
	snprintf(target, sizeof(target), "%s", f->path);
	assert_int_equal(symlink(target, at(f, "mine-link")), 0);
	assert_int_equal(read_one(f->path, false, 100, err), FC_OK);
	if (geteuid() != 0)
		skip(); /* giving a file to another user needs root */
	write_text(at(f, "theirs"), "{}");
	assert_int_equal(chown(f->path, 65534, 65534), 0);
	snprintf(target, sizeof(target), "%s", f->path);
	assert_int_equal(symlink(target, at(f, "theirs-link")), 0);
	assert_int_equal(read_one(f->path, false, 100, err), FC_ENOENT);
	assert_string_equal(err, "a symbolic link to a file of another user (uid 65534): not "
	                         "followed without --follow-symlinks");
	assert_int_equal(read_one(f->path, true, 100, err), FC_OK);
	assert_int_equal(read_one(target, false, 100, err), FC_OK); /* named itself: read */
}

static void test_read_stdin(void **state)
{
	char err[FC_ERRLEN];
	struct buf b;
	int p[2], saved = dup(STDIN_FILENO);

	(void)state;
	assert_true(saved >= 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "from a pipe", 11), 11);
	close(p[1]);
	assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	close(p[0]);
	buf_init(&b, 100);
	assert_int_equal(import_read("-", false, &b, err), FC_OK);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	assert_string_equal(buf_cstr(&b), "from a pipe");
	buf_release(&b);
}

static void test_import_one(void **state)
{
	struct fixture *f = *state;
	struct store_put_result res;
	char err[FC_ERRLEN] = "";
	bool store_failed = true;

	write_report(f, "a.json", HW1, RID1, false);
	assert_int_equal(import_one(f->s, f->org, f->path, &f->o, &res, &store_failed, err), FC_OK);
	assert_false(store_failed);
	assert_string_equal(import_outcome(&res), "new");
	assert_int_equal(import_one(f->s, f->org, f->path, &f->o, &res, &store_failed, err), FC_OK);
	assert_string_equal(import_outcome(&res), "duplicate");
	write_text(at(f, "bad.json"), "{not json");
	assert_int_equal(import_one(f->s, f->org, f->path, &f->o, &res, &store_failed, err),
	                 FC_EPARSE);
	assert_false(store_failed);
	write_report(f, "short.json", HW2, RID2, true);
	assert_int_equal(import_one(f->s, f->org, f->path, &f->o, &res, &store_failed, err),
	                 FC_EPARSE);
	assert_non_null(strstr(err, "a short report"));
	f->o.limits.max_body = 100;
	write_report(f, "b.json", HW2, RID2, false);
	assert_int_equal(import_one(f->s, f->org, f->path, &f->o, &res, &store_failed, err),
	                 FC_ELIMIT);
	assert_string_equal(err, "larger than 100 bytes (--max-body)");
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines"), 1);
}

static void test_import_files(void **state)
{
	struct fixture *f = *state;
	char a[700], bad[700], fifo[700], out[512];
	char *paths[3] = {bad, a, fifo};
	struct import_result res;
	FILE *fp = tmpfile();
	size_t n;

	assert_non_null(fp);
	write_text(at(f, "bad.json"), "[]");
	snprintf(bad, sizeof(bad), "%s", f->path);
	write_report(f, "a.json", HW1, RID1, false);
	snprintf(a, sizeof(a), "%s", f->path);
	assert_int_equal(mkfifo(at(f, "fifo.json"), 0600), 0);
	snprintf(fifo, sizeof(fifo), "%s", f->path);
	import_files(f->s, f->org, paths, 3, &f->o, fp, &res);
	assert_int_equal(res.stored, 1);
	assert_int_equal(res.failed, 2);
	assert_int_equal(res.rc, FC_EPARSE); /* the first failure's */
	assert_false(res.store_failed);
	rewind(fp);
	n = fread(out, 1, sizeof(out) - 1, fp);
	out[n] = '\0';
	fclose(fp);
	assert_non_null(strstr(out, "a.json: machine "));
	assert_non_null(strstr(out, " (new)\n"));
	assert_null(strstr(out, "fifo"));
	paths[0] = fifo;
	import_files(f->s, f->org, paths, 1, &f->o, stdout, &res);
	assert_int_equal(res.rc, FC_ENOENT);
	assert_int_equal(res.stored, 0);
}

/* import DIR: the report files in it, sorted; hidden files, other names,
 * FIFOs and subdirectories left out; other arguments kept as given. */
static void test_list_dir(void **state)
{
	struct fixture *f = *state;
	struct import_list l;
	char err[FC_ERRLEN], sub[600], *args[3];
	FILE *fp;
	const char *names[] = {"b.json", "a.json.gz", ".hidden.json", "notes.txt", "x.json.bak"};
	size_t i;

	snprintf(sub, sizeof(sub), "%s/in", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(f->path, sizeof(f->path), "%s/%s", sub, names[i]);
		fp = fopen(f->path, "w");
		assert_non_null(fp);
		fclose(fp);
	}
	snprintf(f->path, sizeof(f->path), "%s/fifo.json", sub);
	assert_int_equal(mkfifo(f->path, 0600), 0);
	snprintf(f->path, sizeof(f->path), "%s/dir.json", sub);
	assert_int_equal(mkdir(f->path, 0700), 0);
	args[0] = "-";
	args[1] = sub;
	args[2] = "plain.json";
	assert_int_equal(import_list_make(args, 3, &l, err), FC_OK);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.paths[0], "-");
	assert_true(strstr(l.paths[1], "/in/a.json.gz") != NULL);
	assert_true(strstr(l.paths[2], "/in/b.json") != NULL);
	assert_string_equal(l.paths[3], "plain.json");
	import_list_release(&l);
	assert_int_equal(l.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_read_regular_and_bounds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_refuses_non_regular, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_symlinks, setup, teardown),
	    cmocka_unit_test(test_read_stdin),
	    cmocka_unit_test_setup_teardown(test_import_one, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_dir, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
