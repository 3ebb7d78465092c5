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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_params),
	    cmocka_unit_test(test_exit_codes),
	    cmocka_unit_test_setup_teardown(test_open_new_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_org_token_backup, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
