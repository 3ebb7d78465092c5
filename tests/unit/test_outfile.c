/* test_outfile.c - common/outfile.c and the whole-file reads of
 * common/platform.h: atomic replacement of regular files with their mode
 * kept (else the umask's), devices and FIFOs written in place or refused,
 * no temporary file left behind, bounded reads that refuse FIFOs at once.
 * Device nodes are scratch ones made with mknod (skipped when not root),
 * never the real /dev/null. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "buf.h"
#include "outfile.h"
#include "platform.h"
#include "testutil.h"

struct fixture {
	char dir[256];
	char path[512];
	mode_t umask_before;
};

static int setup(void **state)
{
	static struct fixture f;

	if (!tmpdir_new(f.dir, sizeof(f.dir), "outfile"))
		return -1;
	f.umask_before = umask(022);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	umask(f->umask_before);
	return tmpdir_remove(f->dir);
}

static const char *at(struct fixture *f, const char *name)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	return f->path;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* The number of entries of dir other than "." and "..". */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_new_file_follows_umask(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN];
	char *text;
	size_t len;

	umask(077);
	assert_int_equal(outfile_save(at(f, "a.txt"), "hello\n", 6, err), FC_OK);
	assert_int_equal(mode_of(f->path), 0600);
	text = slurp(f->path, &len);
	assert_string_equal(text, "hello\n");
	free(text);
	umask(022);
	assert_int_equal(outfile_save(at(f, "b.txt"), "", 0, err), FC_OK);
	assert_int_equal(mode_of(f->path), 0644);
	assert_int_equal(entries(f->dir), 2); /* no temporary file left */
}

static void test_replace_keeps_mode(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN];
	char *text;
	size_t len;

	write_text(at(f, "keep.txt"), "old old old\n", 0600);
	umask(022);
	assert_int_equal(outfile_save(f->path, "new\n", 4, err), FC_OK);
	assert_int_equal(mode_of(f->path), 0600);
	text = slurp(f->path, &len);
	assert_string_equal(text, "new\n");
	free(text);
	write_text(at(f, "group.txt"), "x", 0664);
	umask(077);
	assert_int_equal(outfile_save(f->path, "y", 1, err), FC_OK);
	assert_int_equal(mode_of(f->path), 0664);
	assert_int_equal(entries(f->dir), 2);
}

static void test_stream_and_abort(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN];
	struct outfile of;
	FILE *fp;
	char *text;
	size_t len;

	write_text(at(f, "s.json"), "before", 0644);
	assert_int_equal(outfile_open(&of, f->path, 0, err), FC_OK);
	assert_false(of.in_place);
	fp = outfile_stream(&of, err);
	assert_non_null(fp);
	fputs("half", fp);
	outfile_abort(&of);
	text = slurp(f->path, &len); /* abandoned: the old file is untouched */
	assert_string_equal(text, "before");
	free(text);
	assert_int_equal(entries(f->dir), 1);
	assert_int_equal(outfile_open(&of, f->path, 0, err), FC_OK);
	fp = outfile_stream(&of, err);
	fputs("first try", fp);
	assert_int_equal(fflush(fp), 0);
	assert_int_equal(plat_truncate(fileno(fp)), 0); /* restarting, as report_write does */
	rewind(fp);
	fputs("{}", fp);
	assert_int_equal(outfile_commit(&of, err), FC_OK);
	text = slurp(f->path, &len);
	assert_string_equal(text, "{}");
	free(text);
}

static void test_new_never_overwrites(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN];
	struct outfile of;
	char *text;
	size_t len;

	write_text(at(f, "taken.json"), "mine", 0644);
	assert_int_equal(outfile_open(&of, f->path, OUTFILE_NEW, err), FC_EEXIST);
	assert_non_null(strstr(err, "exists already"));
	assert_int_equal(outfile_open(&of, at(f, "free.json"), OUTFILE_NEW, err), FC_OK);
	assert_int_equal(outfile_write(&of, "a", 1, err), FC_OK);
	write_text(f->path, "raced", 0644); /* someone takes the name meanwhile */
	assert_int_equal(outfile_commit(&of, err), FC_EEXIST);
	text = slurp(f->path, &len);
	assert_string_equal(text, "raced");
	free(text);
	assert_int_equal(entries(f->dir), 2); /* the temporary file is gone */
}

static void test_refused_and_errors(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN], longname[5000];
	struct outfile of;

	assert_int_equal(mkdir(at(f, "sub"), 0755), 0);
	assert_int_equal(outfile_open(&of, f->path, 0, err), FC_EIO);
	assert_non_null(strstr(err, "is a directory"));
	assert_int_equal(outfile_save(at(f, "missing/x.txt"), "x", 1, err), FC_EIO);
	assert_non_null(strstr(err, "missing/.x.txt.tmp"));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(outfile_open(&of, longname, 0, err), FC_ELIMIT);
	assert_int_equal(outfile_open(&of, "dir/", 0, err), FC_EIO);
	assert_int_equal(entries(f->dir), 1);
}

static void test_fifo_in_place(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN], got[16];
	struct outfile of;
	struct stat st;
	int rd;

	assert_int_equal(mkfifo(at(f, "pipe"), 0600), 0);
	assert_int_equal(outfile_open(&of, f->path, 0, err), FC_EIO); /* nobody reads */
	assert_non_null(strstr(err, "no process reads the FIFO"));
	rd = open(f->path, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(outfile_open(&of, f->path, 0, err), FC_OK);
	assert_true(of.in_place);
	assert_int_equal(outfile_write(&of, "report\n", 7, err), FC_OK);
	assert_int_equal(outfile_commit(&of, err), FC_OK);
	assert_int_equal(read(rd, got, sizeof(got)), 7);
	assert_memory_equal(got, "report\n", 7);
	close(rd);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(entries(f->dir), 1);
}

static void test_devices(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN];
	struct stat st;

	if (geteuid() != 0)
		skip(); /* mknod needs root */
	assert_int_equal(mknod(at(f, "null"), S_IFCHR | 0666, makedev(1, 3)), 0);
	assert_int_equal(outfile_save(f->path, "report\n", 7, err), FC_OK);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(1, 3));
	assert_int_equal(mknod(at(f, "loop"), S_IFBLK | 0600, makedev(7, 0)), 0);
	assert_int_equal(outfile_save(f->path, "report\n", 7, err), FC_EIO);
	assert_non_null(strstr(err, "not a regular file, character device or FIFO"));
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISBLK(st.st_mode));
	assert_int_equal(entries(f->dir), 2);
}

static void test_symlink_written_through(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN], target[600];
	struct stat st;
	char *text;
	size_t len;

	write_text(at(f, "target"), "a longer old text\n", 0640);
	snprintf(target, sizeof(target), "%s", f->path);
	assert_int_equal(symlink("target", at(f, "link")), 0);
	assert_int_equal(outfile_save(f->path, "new\n", 4, err), FC_OK);
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode)); /* the link stays */
	text = slurp(target, &len);
	assert_string_equal(text, "new\n"); /* truncated, rewritten */
	free(text);
	assert_int_equal(mode_of(target), 0640);
	assert_int_equal(symlink("nowhere/x", at(f, "dangling")), 0);
	assert_int_equal(outfile_save(f->path, "x", 1, err), FC_EIO);
	assert_non_null(strstr(err, "dangling"));
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(mkfifo(at(f, "fifo"), 0600), 0);
	assert_int_equal(symlink("fifo", at(f, "fifo-link")), 0);
	assert_int_equal(outfile_save(f->path, "x", 1, err), FC_EIO);
	assert_non_null(strstr(err, "no process reads the FIFO"));
	assert_int_equal(entries(f->dir), 5);
}

static void test_read_file(void **state)
{
	struct fixture *f = *state;
	char err[FC_ERRLEN];
	struct buf b;

	buf_init(&b, 1 << 20);
	write_text(at(f, "r.txt"), "twelve bytes", 0600);
	assert_int_equal(plat_read_file(f->path, 12, &b, err), FC_OK);
	assert_string_equal(buf_cstr(&b), "twelve bytes");
	assert_int_equal(plat_read_file(f->path, 11, &b, err), FC_ELIMIT);
	assert_non_null(strstr(err, "r.txt' is larger than 11 bytes"));
	assert_int_equal(plat_read_file(at(f, "none"), 11, &b, err), FC_ENOENT);
	assert_non_null(strstr(err, "none"));
	assert_int_equal(mkfifo(at(f, "fifo"), 0600), 0);
	assert_int_equal(plat_read_file(f->path, 100, &b, err), FC_EIO); /* at once */
	assert_non_null(strstr(err, "fifo' is not a regular file"));
	write_text(at(f, "empty"), "", 0600);
	assert_int_equal(plat_read_file(f->path, 100, &b, err), FC_OK);
	assert_non_null(b.ptr);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void test_read_fd(void **state)
{
	char err[FC_ERRLEN];
	struct buf b;
	int p[2];

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "0123456789", 10), 10);
	close(p[1]);
	assert_int_equal(plat_read_fd(p[0], "-", 9, &b, err), FC_ELIMIT);
	assert_string_equal(err, "'-' is larger than 9 bytes");
	close(p[0]);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "0123456789", 10), 10);
	close(p[1]);
	assert_int_equal(plat_read_fd(p[0], "-", 10, &b, err), FC_OK);
	assert_string_equal(buf_cstr(&b), "0123456789");
	close(p[0]);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_new_file_follows_umask, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replace_keeps_mode, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stream_and_abort, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_new_never_overwrites, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused_and_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fifo_in_place, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_written_through, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_file, setup, teardown),
	    cmocka_unit_test(test_read_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
