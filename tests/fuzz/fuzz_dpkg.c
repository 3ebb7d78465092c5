/* fuzz_dpkg.c - parse_dpkg and parse_dpkg_statusd (agent/parse_dpkg.h) on
 * the same bytes, as /var/lib/dpkg/status and as a status.d file. */
#include <string.h>

#include "fuzz.h"
#include "parse_dpkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[FC_ERRLEN];
	size_t n = 0, nd = 0;
	enum fc_rc rc;

	memset(err, 'x', sizeof(err));
	rc = parse_dpkg((const char *)data, size, fuzz_pkg_cb, &n, err);
	fuzz_check_err(rc, err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	memset(err, 'x', sizeof(err));
	rc = parse_dpkg_statusd((const char *)data, size, fuzz_pkg_cb, &nd, err);
	fuzz_check_err(rc, err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	/* every stanza parse_dpkg reports is reported by the status.d reading too */
	if (rc == FC_OK)
		FUZZ_CHECK(nd >= n);
	return 0;
}
