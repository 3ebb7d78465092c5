/* test_rootfs.c - reading files below a root, with links resolved inside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_at(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void dir_at(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/fc-rootfs-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	dir_at("etc");
	dir_at("usr");
	dir_at("usr/lib");
	put("usr/lib/os-release", "ID=debian\n");
	link_at("/usr/lib/os-release", "etc/os-release"); /* absolute: inside root */
	link_at("../usr/lib/os-release", "etc/rel-link"); /* relative */
	link_at("../../../../../../etc/hostname", "etc/escape"); /* may not climb out */
	link_at("loop-b", "etc/loop-a");
	link_at("loop-a", "etc/loop-b");
	put("etc/big", "0123456789");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_links_resolve_inside_root(void **state)
{
	struct buf b;
	char err[FC_ERRLEN];

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(rootfs_read(root, "/etc/os-release", 1024, &b, err), FC_OK);
	assert_string_equal(buf_cstr(&b), "ID=debian\n");
	assert_int_equal(rootfs_read(root, "/etc/rel-link", 1024, &b, err), FC_OK);
	assert_string_equal(buf_cstr(&b), "ID=debian\n");
	/* /etc/hostname exists on the host but not in the root */
	assert_int_equal(rootfs_read(root, "/etc/escape", 1024, &b, err), FC_ENOENT);
	assert_true(rootfs_exists(root, "/usr/lib/os-release"));
	assert_false(rootfs_exists(root, "/etc/escape"));
	buf_release(&b);
}

static void test_loop_and_limits(void **state)
{
	struct buf b;
	char err[FC_ERRLEN];

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(rootfs_read(root, "/etc/loop-a", 1024, &b, err), FC_EIO);
	assert_non_null(strstr(err, "symbolic links"));
	assert_int_equal(rootfs_read(root, "/etc/big", 5, &b, err), FC_ELIMIT);
	assert_non_null(strstr(err, "larger than 5 bytes"));
	assert_int_equal(rootfs_read(root, "/etc", 1024, &b, err), FC_EIO);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(rootfs_read(root, "/etc/missing", 1024, &b, err), FC_ENOENT);
	buf_release(&b);
}

static void test_dotdot_stays_in_root(void **state)
{
	struct buf host;
	char err[FC_ERRLEN], want[128];

	(void)state;
	buf_init(&host, 4096);
	assert_int_equal(rootfs_resolve(root, "/../../usr/./lib/os-release", &host, err), FC_OK);
	snprintf(want, sizeof(want), "%s/usr/lib/os-release", root);
	assert_string_equal(buf_cstr(&host), want);
	assert_int_equal(rootfs_resolve(NULL, "/", &host, err), FC_OK);
	assert_string_equal(buf_cstr(&host), "/");
	buf_release(&host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_links_resolve_inside_root),
	    cmocka_unit_test(test_loop_and_limits),
	    cmocka_unit_test(test_dotdot_stays_in_root),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
