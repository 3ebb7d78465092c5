/* auth.c - tokens: random generation, hashing, constant-time comparison and
 * the Authorization header. */
#include "auth.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "log.h"
#include "sha256.h"

#define AUTH_TOKEN_BYTES (AUTH_TOKEN_LEN / 2)
#define AUTH_BEARER_MAX 256

const char *auth_role_name(enum token_role role)
{
	switch (role) {
	case ROLE_AGENT: return "agent";
	case ROLE_READER: return "reader";
	case ROLE_ADMIN: return "admin";
	case ROLE_MANAGER: return "manager";
	}
	return "unknown";
}

bool auth_role_parse(const char *name, enum token_role *role)
{
	if (!name)
		return false;
	if (strcmp(name, "agent") == 0)
		*role = ROLE_AGENT;
	else if (strcmp(name, "reader") == 0)
		*role = ROLE_READER;
	else if (strcmp(name, "admin") == 0)
		*role = ROLE_ADMIN;
	else if (strcmp(name, "manager") == 0)
		*role = ROLE_MANAGER;
	else
		return false;
	return true;
}

enum fc_rc auth_token_new(char token[AUTH_TOKEN_LEN + 1])
{
	unsigned char raw[AUTH_TOKEN_BYTES];
	size_t got = 0;
	ssize_t n;

	token[0] = '\0';
	while (got < sizeof(raw)) {
		n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			LOG_ERR("cannot get random bytes for a token: %s",
			        n < 0 ? strerror(errno) : "no data");
			return FC_EIO;
		}
		got += (size_t)n;
	}
	hex_encode(raw, sizeof(raw), token);
	memset(raw, 0, sizeof(raw));
	return FC_OK;
}

void auth_token_hash(const char *token, unsigned char hash[AUTH_HASH_LEN])
{
	sha256(token, strlen(token), hash);
}

bool auth_hash_equal(const unsigned char a[AUTH_HASH_LEN], const unsigned char b[AUTH_HASH_LEN])
{
	volatile unsigned char diff = 0;
	size_t i;

	for (i = 0; i < AUTH_HASH_LEN; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

const char *auth_bearer(const char *header)
{
	static const char scheme[] = "Bearer ";
	const size_t slen = sizeof(scheme) - 1;
	const char *tok;
	size_t i;

	if (!header || strncasecmp(header, scheme, slen) != 0)
		return NULL;
	tok = header + slen;
	for (i = 0; tok[i]; i++) {
		if (i >= AUTH_BEARER_MAX)
			return NULL;
		if ((unsigned char)tok[i] < 0x21 || (unsigned char)tok[i] > 0x7e)
			return NULL;
	}
	return i ? tok : NULL;
}
