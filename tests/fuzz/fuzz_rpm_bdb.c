/* fuzz_rpm_bdb.c - rpm_bdb_read (agent/rpmdb.h) on any bytes as a Berkeley
 * DB hash Packages file, held in a memfd. */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "rpmdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpm_header_sink sink;
	char err[FC_ERRLEN];
	size_t n = 0;
	enum fc_rc rc;
	int fd = fuzz_memfd(data, size);

	(void)rpmdb_sniff(data, size);
	rpm_header_sink_init(&sink, "/var/lib/rpm/Packages", fuzz_pkg_cb, &n);
	err[0] = '\0';
	rc = rpm_bdb_read(fd, &sink, err);
	close(fd);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	if (rc)
		fuzz_check_err(rc, err);
	FUZZ_CHECK(sink.packages == n);
	return 0;
}
