/* test_spool.c - the agent's run lock and report spool. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "gzip.h"
#include "spool.h"
#include "testutil.h"

struct fixture {
	char dir[256]; /* a fresh temporary directory */
	char state[512]; /* dir/state, not created */
	char path[1024]; /* scratch */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	if (!tmpdir_new(f->dir, sizeof(f->dir), "spool")) {
		free(f);
		return -1;
	}
	snprintf(f->state, sizeof(f->state), "%s/state", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[600];
	int rc;

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' && rm -rf '%s'", f->dir, f->dir);
	rc = system(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

static const char *fpath(struct fixture *f, const char *rel)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, rel);
	return f->path;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* A small gzip-looking payload: the magic, then text. */
static size_t payload(char *out, size_t cap, const char *text)
{
	int n = snprintf(out, cap, "\x1f\x8b%s", text);

	assert_true(n > 0 && (size_t)n < cap);
	return (size_t)n;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	}
	closedir(d);
	return n;
}

static void test_mkdirs(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";

	assert_int_equal(spool_mkdirs(fpath(f, "a/b//c/"), err), FC_OK);
	assert_int_equal(mode_of(fpath(f, "a")), 0700);
	assert_int_equal(mode_of(fpath(f, "a/b/c")), 0700);
	assert_int_equal(spool_mkdirs(fpath(f, "a/b/c"), err), FC_OK); /* exists */
	assert_int_equal(chmod(fpath(f, "a"), 0755), 0);
	assert_int_equal(spool_mkdirs(fpath(f, "a/b"), err), FC_OK);
	assert_int_equal(mode_of(fpath(f, "a")), 0755); /* left as it was */
	assert_int_equal(spool_mkdirs("", err), FC_EIO);
}

static void test_mkdirs_below_file(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";
	int fd = open(fpath(f, "file"), O_CREAT | O_WRONLY, 0600);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(spool_mkdirs(fpath(f, "file"), err), FC_EIO);
	assert_non_null(strstr(err, "not a directory"));
	assert_int_equal(spool_mkdirs(fpath(f, "file/state"), err), FC_EIO);
	assert_non_null(strstr(err, "cannot create directory"));
	assert_non_null(strstr(err, "/file/state"));
	assert_non_null(strstr(err, "Not a directory"));
}

static void test_put_get_replace_clear(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "", a[64], b[64];
	size_t alen = payload(a, sizeof(a), "first report"), blen;
	struct buf out;

	blen = payload(b, sizeof(b), "second, longer report");
	buf_init(&out, SPOOL_MAX);
	assert_int_equal(spool_get(f->state, &out, err), FC_ENOENT);
	assert_null(out.ptr);
	assert_int_equal(spool_put(f->state, a, alen, err), FC_OK);
	assert_int_equal(mode_of(fpath(f, "state")), 0700);
	assert_int_equal(mode_of(fpath(f, "state/spool")), 0700);
	assert_int_equal(mode_of(fpath(f, "state/spool/report.json.gz")), 0600);
	assert_int_equal(spool_get(f->state, &out, err), FC_OK);
	assert_int_equal(out.len, alen);
	assert_memory_equal(out.ptr, a, alen);

	assert_int_equal(spool_put(f->state, b, blen, err), FC_OK);
	assert_int_equal(spool_get(f->state, &out, err), FC_OK);
	assert_int_equal(out.len, blen);
	assert_memory_equal(out.ptr, b, blen);
	assert_int_equal(count_entries(fpath(f, "state/spool")), 1); /* no temporaries */

	assert_int_equal(spool_clear(f->state, err), FC_OK);
	assert_int_equal(spool_get(f->state, &out, err), FC_ENOENT);
	assert_null(out.ptr);
	assert_int_equal(spool_clear(f->state, err), FC_OK); /* nothing to clear */
	buf_release(&out);
}

/* A streamed report: gzip as it comes, restart drops what was written,
 * commit replaces the spooled report; abort leaves the old one. */
static void test_stream_restart_commit(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "", path[SPOOL_PATH_MAX];
	struct spool_writer *w;
	struct buf gz, json;
	size_t len = 0;
	int i;

	buf_init(&gz, SPOOL_MAX);
	buf_init(&json, 1 << 20);
	assert_int_equal(spool_begin(f->state, &w, err), FC_OK);
	for (i = 0; i < 1000; i++)
		assert_int_equal(spool_write(w, "dropped ", 8), FC_OK);
	assert_int_equal(spool_restart(w), FC_OK);
	for (i = 0; i < 1000; i++)
		assert_int_equal(spool_write(w, "kept ", 5), FC_OK);
	assert_int_equal(spool_commit(w, err), FC_OK);
	assert_int_equal(mode_of(fpath(f, "state/spool/report.json.gz")), 0600);
	assert_int_equal(count_entries(fpath(f, "state/spool")), 1);
	assert_int_equal(spool_file(f->state, path, &len, err), FC_OK);
	assert_string_equal(path, fpath(f, "state/spool/report.json.gz"));
	assert_int_equal(spool_get(f->state, &gz, err), FC_OK);
	assert_int_equal(len, gz.len);
	assert_int_equal(gzip_decompress(gz.ptr, gz.len, 1 << 20, &json, err), FC_OK);
	assert_int_equal(json.len, 5000);
	assert_memory_equal(json.ptr, "kept kept ", 10);
	assert_null(strstr(json.ptr, "dropped"));

	assert_int_equal(spool_begin(f->state, &w, err), FC_OK);
	assert_int_equal(spool_write(w, "never", 5), FC_OK);
	spool_abort(w);
	assert_int_equal(count_entries(fpath(f, "state/spool")), 1);
	assert_int_equal(spool_get(f->state, &gz, err), FC_OK);
	assert_int_equal(gzip_decompress(gz.ptr, gz.len, 1 << 20, &json, err), FC_OK);
	assert_int_equal(json.len, 5000);
	assert_int_equal(spool_clear(f->state, err), FC_OK);
	assert_int_equal(spool_file(f->state, path, &len, err), FC_ENOENT);
	buf_release(&gz);
	buf_release(&json);
}

static void test_put_sweeps_leftovers(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "", a[64];
	size_t alen = payload(a, sizeof(a), "report");
	int fd;

	assert_int_equal(spool_mkdirs(fpath(f, "state/spool"), err), FC_OK);
	fd = open(fpath(f, "state/spool/.report.json.gz.abcdef"), O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(spool_put(f->state, a, alen, err), FC_OK);
	assert_int_equal(count_entries(fpath(f, "state/spool")), 1);
}

static void test_get_rejects_bad_files(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";
	struct buf out;
	int fd;

	buf_init(&out, SPOOL_MAX);
	assert_int_equal(spool_put(f->state, "plain text", 10, err), FC_OK);
	assert_int_equal(spool_get(f->state, &out, err), FC_EPARSE);
	assert_non_null(strstr(err, "not gzip"));
	assert_int_equal(spool_put(f->state, "", 0, err), FC_OK);
	assert_int_equal(spool_get(f->state, &out, err), FC_EPARSE);

	fd = open(fpath(f, "state/spool/report.json.gz"), O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)SPOOL_MAX + 1), 0); /* sparse */
	close(fd);
	assert_int_equal(spool_get(f->state, &out, err), FC_ELIMIT);
	assert_null(out.ptr);

	assert_int_equal(spool_clear(f->state, err), FC_OK);
	assert_int_equal(mkdir(fpath(f, "state/spool/report.json.gz"), 0700), 0);
	assert_int_equal(spool_get(f->state, &out, err), FC_EIO);
	assert_int_equal(spool_put(f->state, "\x1f\x8bx", 3, err), FC_EIO);
	assert_non_null(strstr(err, "cannot rename"));
	assert_int_equal(count_entries(fpath(f, "state/spool")), 1);
	buf_release(&out);
}

static void test_put_limit(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";

	/* The size is checked before the data is touched. */
	assert_int_equal(spool_put(f->state, "\x1f\x8b", SPOOL_MAX + 1, err), FC_ELIMIT);
	assert_int_equal(access(fpath(f, "state"), F_OK), -1);
}

static void test_unwritable_state_dir(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "", a[64];
	size_t alen = payload(a, sizeof(a), "report");
	int fd = open(fpath(f, "file"), O_CREAT | O_WRONLY, 0600);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(spool_put(fpath(f, "file"), a, alen, err), FC_EIO);
	assert_non_null(strstr(err, "/file/spool"));
	assert_non_null(strstr(err, "Not a directory"));
	assert_int_equal(spool_lock(fpath(f, "file"), &fd, err), FC_EIO);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err, "lock"));
	assert_int_equal(spool_lock(fpath(f, "missing"), &fd, err), FC_EIO);
	assert_non_null(strstr(err, "No such file"));
}

/* The checks of test_readonly_state_dir, without cmocka assertions so that a
 * child process can run them: 0 when all hold, else the failing step. */
static int readonly_checks(const char *state_dir)
{
	char err[FC_ERRLEN] = "", path[600];

	snprintf(path, sizeof(path), "%s/spool", state_dir);
	if (spool_mkdirs(state_dir, err) != FC_OK || chmod(state_dir, 0500) != 0)
		return 1;
	if (spool_put(state_dir, "\x1f\x8b", 2, err) != FC_EIO || !strstr(err, "Permission denied"))
		return 2;
	if (spool_mkdirs(path, err) != FC_EIO || !strstr(err, "/state/spool"))
		return 3;
	return chmod(state_dir, 0700) == 0 ? 0 : 4;
}

/* Permission checks do not apply to root: as root, the checks run in a child
 * that switches to the unprivileged uid/gid 65534 (nobody). */
static void test_readonly_state_dir(void **state)
{
	struct fixture *f = *state;
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		assert_int_equal(readonly_checks(f->state), 0);
		return;
	}
	assert_int_equal(chown(f->dir, 65534, 65534), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(10);
		_exit(readonly_checks(f->state));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_lock_same_process(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "";
	int fd1, fd2;

	assert_int_equal(spool_mkdirs(f->state, err), FC_OK);
	assert_int_equal(spool_lock(f->state, &fd1, err), FC_OK);
	assert_true(fd1 >= 0);
	assert_int_equal(mode_of(fpath(f, "state/lock")), 0600);
	assert_int_equal(spool_lock(f->state, &fd2, err), FC_ELOCKED); /* another open */
	assert_int_equal(fd2, -1);
	assert_non_null(strstr(err, "holds the lock"));
	spool_unlock(fd1);
	assert_int_equal(spool_lock(f->state, &fd2, err), FC_OK);
	spool_unlock(fd2);
	spool_unlock(-1);
}

/* A child takes the lock and holds it until the parent closes a pipe. */
static void test_lock_contention(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN] = "", c = 0;
	int ready[2], release[2], fd, status;
	pid_t pid;

	assert_int_equal(spool_mkdirs(f->state, err), FC_OK);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(release), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(release[1]);
		if (spool_lock(f->state, &fd, err) != FC_OK)
			_exit(1);
		if (write(ready[1], "L", 1) != 1 || read(release[0], &c, 1) < 0)
			_exit(2);
		_exit(0);
	}
	close(ready[1]);
	close(release[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(spool_lock(f->state, &fd, err), FC_ELOCKED);
	assert_non_null(strstr(err, "state/lock"));
	close(release[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(spool_lock(f->state, &fd, err), FC_OK); /* released at exit */
	spool_unlock(fd);
	close(ready[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_mkdirs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mkdirs_below_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_put_get_replace_clear, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stream_restart_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_put_sweeps_leftovers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_get_rejects_bad_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_put_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unwritable_state_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_readonly_state_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_same_process, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_contention, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
