/* test_cmd.c - the collector's commands without the command line
 * (cmd.c, cmd_admin.c, cmd_data.c) and the report kinds' parameters
 * (report_params.c), on a real database in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "report_params.h"
#include "testutil.h"

struct fixture {
	char dir[256];
	char db[320];
	char *args[4];
	struct cmd_opts o;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	if (!tmpdir_new(f.dir, sizeof(f.dir), "test_cmd"))
		return -1;
	snprintf(f.db, sizeof(f.db), "%s/c.db", f.dir);
	http_config_default(&f.o.http);
	report_opts_default(&f.o.report);
	f.o.db = f.db;
	f.o.args = f.args;
	f.o.out = tmpfile();
	*state = &f;
	return f.o.out ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fclose(f->o.out);
	return tmpdir_remove(f->dir);
}

/* What the command printed so far, from the start (static buffer). */
static const char *printed(struct fixture *f)
{
	static char text[4096];
	size_t n;

	fflush(f->o.out);
	rewind(f->o.out);
	n = fread(text, 1, sizeof(text) - 1, f->o.out);
	text[n] = '\0';
	return text;
}

static void test_report_params(void **state)
{
	(void)state;
	assert_true(report_kind_known("tender"));
	assert_false(report_kind_known("tenders"));
	assert_true(report_param_known("min_cell"));
	assert_false(report_param_known("asof"));
	assert_true(report_param_applies("tender", "min_cell"));
	assert_false(report_param_applies("counts", "min_cell"));
	assert_false(report_param_applies("machines", "min_cell"));
	assert_false(report_param_applies("tender", "by"));
	assert_false(report_param_applies("counts", "product"));
	assert_true(report_param_applies("trend", "as_of"));
	assert_false(report_param_applies("trend", "window"));
	assert_false(report_param_applies("nonsense", "format"));
}

static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(cmd_exit_for(FC_OK), EXIT_DONE);
	assert_int_equal(cmd_exit_for(FC_EBUSY), EXIT_TEMPFAIL);
	assert_int_equal(cmd_exit_for(FC_ENOENT), EXIT_DATAERR);
	assert_int_equal(cmd_bad_value("threads", "0", "a number"), EXIT_USAGE);
}

/* Commands that do not create refuse a new path (66) and create nothing;
 * a missing directory is 66 to read and 73 to create. */
static void test_open_new_path(void **state)
{
	struct fixture *f = *state;
	struct store *st = (struct store *)1;
	char nodir[400];

	assert_int_equal(cmd_open_store(&f->o, false, false, &st), EXIT_NOINPUT);
	assert_null(st);
	assert_int_equal(access(f->db, F_OK), -1);
	assert_int_equal(cmd_org_list(&f->o), EXIT_NOINPUT);
	assert_int_equal(cmd_snapshot(&f->o), EXIT_NOINPUT);
	assert_int_equal(access(f->db, F_OK), -1);
	snprintf(nodir, sizeof(nodir), "%s/no/c.db", f->dir);
	f->o.db = nodir;
	assert_int_equal(cmd_open_store(&f->o, false, true, &st), EXIT_NOINPUT);
	assert_int_equal(cmd_open_store(&f->o, true, false, &st), EXIT_CANTCREAT);
	f->o.db = f->db;
}

/* org add prints the token; token revoke says what it revoked and refuses
 * twice; backup writes a copy that opens. */
static void test_org_token_backup(void **state)
{
	struct fixture *f = *state;
	char copy[400];
	struct stat sb;

	f->args[0] = "north";
	f->o.nargs = 1;
	assert_int_equal(cmd_org_add(&f->o), EXIT_DONE);
	assert_int_equal(strlen(printed(f)), 65); /* 64 hex digits and a newline */
	f->args[0] = "1";
	assert_int_equal(cmd_token_revoke(&f->o), EXIT_DONE);
	assert_non_null(strstr(printed(f), "token 1 revoked (agent, north)\n"));
	assert_int_equal(cmd_token_revoke(&f->o), EXIT_DATAERR);
	f->args[0] = "9";
	assert_int_equal(cmd_token_revoke(&f->o), EXIT_DATAERR);
	snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
	f->args[0] = copy;
	f->o.quiet = true;
	assert_int_equal(cmd_backup(&f->o), EXIT_DONE);
	assert_int_equal(stat(copy, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(cmd_backup(&f->o), EXIT_CANTCREAT); /* exists */
	f->o.force = true;
	assert_int_equal(cmd_backup(&f->o), EXIT_DONE);
	assert_int_equal(db_int(copy, "SELECT count(*) FROM organisations"), 1);
	assert_int_equal(db_int(copy, "SELECT revoked FROM tokens WHERE id = 1"), 1);
}

/* machine delete and move through the store: by id or a unique host name;
 * class_counts equals a recount after each; a host name of two machines is
 * refused. */
static void test_machine_delete_move(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN], id[37], moved[37];
	struct ingest_report r;
	struct store *st;
	int64_t a, b, now = (int64_t)time(NULL);
	const char *recount =
	    "SELECT count(*) FROM organisations o WHERE (SELECT coalesce(sum(c.machines), 0)"
	    " FROM class_counts c WHERE c.org_id = o.id) <> (SELECT count(*) FROM machines m"
	    " WHERE m.org_id = o.id)";

	assert_int_equal(store_open(f->db, true, &st, err), FC_OK);
	assert_int_equal(store_org_add(st, "a", &a, err), FC_OK);
	assert_int_equal(store_org_add(st, "b", &b, err), FC_OK);
	report_init_at(&r, 1, "00000000-0000-4000-8000-000000000001", "pc1", now);
	store_put_ok(st, a, &r, now);
	report_init_at(&r, 2, "00000000-0000-4000-8000-000000000002", "twin", now);
	store_put_ok(st, a, &r, now);
	report_init_at(&r, 3, "00000000-0000-4000-8000-000000000003", "twin", now);
	store_put_ok(st, a, &r, now);
	assert_int_equal(store_machine_move(st, a, "twin", b, id, err), FC_EEXIST);
	assert_int_equal(store_machine_move(st, a, "pc1", b, id, err), FC_OK);
	assert_int_equal(strlen(id), 36);
	memcpy(moved, id, sizeof(moved));
	assert_int_equal(store_machine_delete(st, a, "pc1", id, err), FC_ENOENT);
	assert_string_equal(id, "");
	assert_int_equal(store_machine_delete(st, b, moved, id, err), FC_OK);
	assert_string_equal(id, moved);
	assert_int_equal(store_machine_delete(st, b, "pc1", id, err), FC_ENOENT);
	store_close(st);
	assert_int_equal(db_int(f->db, recount), 0);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM machines"), 2);
	assert_int_equal(db_int(f->db, "SELECT count(*) FROM reports"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_params),
	    cmocka_unit_test(test_exit_codes),
	    cmocka_unit_test_setup_teardown(test_open_new_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_org_token_backup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_machine_delete_move, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
