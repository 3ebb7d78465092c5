/* fuzz_osrelease.c - parse_osrelease_ex (agent/parse_osrelease.h) on any
 * bytes: the contract of its header (keys match [A-Za-z_][A-Za-z0-9_]*,
 * values hold no NUL and fit the limits, err set on failure only). */
#include <string.h>

#include "fuzz.h"
#include "kvlist.h"
#include "parse_osrelease.h"

static int key_ok(const char *k)
{
	size_t i;

	if (!((k[0] >= 'A' && k[0] <= 'Z') || (k[0] >= 'a' && k[0] <= 'z') || k[0] == '_'))
		return 0;
	for (i = 1; k[i]; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[FC_ERRLEN];
	struct kvlist kv;
	size_t skipped = 0, i;
	enum fc_rc rc;

	memset(err, 'x', sizeof(err));
	rc = parse_osrelease_ex((const char *)data, size, &kv, &skipped, err);
	fuzz_check_err(rc, err);
	FUZZ_CHECK(rc == FC_OK || rc == FC_EPARSE || rc == FC_ELIMIT);
	if (rc) {
		FUZZ_CHECK(kv.n == 0);
		return 0;
	}
	FUZZ_CHECK(kv.n <= PARSE_OSRELEASE_MAX_KEYS);
	for (i = 0; i < kv.n; i++) {
		FUZZ_CHECK(key_ok(kv.items[i].key));
		FUZZ_CHECK(strlen(kv.items[i].value) <= PARSE_OSRELEASE_MAX_LINE);
	}
	(void)kvlist_get(&kv, "ID");
	kvlist_release(&kv);
	return 0;
}
