/* fuzz_pacman.c - parse_pacman_desc (agent/parse_pacman.h) on any bytes:
 * exactly one package on FC_OK, none otherwise. */
#include <string.h>

#include "fuzz.h"
#include "parse_pacman.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[FC_ERRLEN];
	size_t n = 0;
	enum fc_rc rc;

	memset(err, 'x', sizeof(err));
	rc = parse_pacman_desc((const char *)data, size, fuzz_pkg_cb, &n, err);
	fuzz_check_err(rc, err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	FUZZ_CHECK(n == (rc == FC_OK ? 1u : 0u));
	return 0;
}
