/* fuzz_rpm_sqlite.c - rpmdb_read_sqlite (agent/rpmdb.h) on any bytes as an
 * rpmdb.sqlite. The reader wants a path: each input is written to the same
 * file in a private tmpfs directory, its -wal, -shm and -journal removed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "rpmdb.h"

static char db[300], side[3][310];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const suffix[3] = {"-wal", "-shm", "-journal"};
	int i;

	(void)argc;
	(void)argv;
	snprintf(db, sizeof(db), "%s/rpmdb.sqlite", fuzz_tmpdir());
	for (i = 0; i < 3; i++)
		snprintf(side[i], sizeof(side[i]), "%s%s", db, suffix[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpm_header_sink sink;
	char err[FC_ERRLEN];
	size_t n = 0;
	enum fc_rc rc;
	int i;

	for (i = 0; i < 3; i++)
		(void)unlink(side[i]);
	fuzz_write_file(db, data, size);
	rpm_header_sink_init(&sink, "/var/lib/rpm/rpmdb.sqlite", fuzz_pkg_cb, &n);
	err[0] = '\0';
	rc = rpmdb_read_sqlite(db, &sink, err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT || rc == FC_EIO);
	if (rc)
		fuzz_check_err(rc, err);
	FUZZ_CHECK(sink.packages == n);
	/* a read-only reader makes no file beside the database */
	for (i = 0; i < 3; i++)
		FUZZ_CHECK(access(side[i], F_OK) != 0);
	return 0;
}
