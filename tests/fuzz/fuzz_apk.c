/* fuzz_apk.c - parse_apk (agent/parse_apk.h) on any bytes. */
#include <string.h>

#include "fuzz.h"
#include "parse_apk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[FC_ERRLEN];
	size_t n = 0;
	enum fc_rc rc;

	memset(err, 'x', sizeof(err));
	rc = parse_apk((const char *)data, size, fuzz_pkg_cb, &n, err);
	fuzz_check_err(rc, err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	return 0;
}
