/* fuzz_auth.c - auth_bearer (collector/auth.h) on any Authorization header
 * value, then hashing and comparing the token found, as http.c does. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char hash[AUTH_HASH_LEN], again[AUTH_HASH_LEN];
	enum token_role role;
	char *hdr = fuzz_strndup(data, size);
	const char *tok = auth_bearer(hdr);
	size_t i, n;

	if (tok) {
		n = strlen(tok);
		FUZZ_CHECK(tok == hdr + 7 && !strncasecmp(hdr, "Bearer ", 7));
		FUZZ_CHECK(n >= 1 && n <= 256);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(tok[i] > 0x20 && tok[i] < 0x7f);
		auth_token_hash(tok, hash);
		auth_token_hash(tok, again);
		FUZZ_CHECK(auth_hash_equal(hash, again));
		again[size % AUTH_HASH_LEN] ^= 1;
		FUZZ_CHECK(!auth_hash_equal(hash, again));
	}
	if (auth_role_parse(hdr, &role))
		FUZZ_CHECK(!strcmp(auth_role_name(role), hdr));
	free(hdr);
	return 0;
}
