/* auth.h - tokens: 256-bit random secrets, shown once, stored as SHA-256. */
#ifndef FC_COLLECTOR_AUTH_H
#define FC_COLLECTOR_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "fc_rc.h"

#define AUTH_TOKEN_LEN 64 /* hex digits of a token (256 bits) */
#define AUTH_HASH_LEN 32 /* bytes of a token's SHA-256 */

/* A manager joins, signs and withdraws campaigns for its organisation
 * (docs/campaigns.md). */
enum token_role { ROLE_AGENT = 1, ROLE_READER = 2, ROLE_ADMIN = 3, ROLE_MANAGER = 4 };

/* Returns "agent", "reader", "admin" or "manager". */
const char *auth_role_name(enum token_role role);
/* Parses a role name; false when it is none of the four. */
bool auth_role_parse(const char *name, enum token_role *role);

/* Makes a new random token: AUTH_TOKEN_LEN lower-case hex digits and a NUL. */
enum fc_rc auth_token_new(char token[AUTH_TOKEN_LEN + 1]);

/* The SHA-256 of a token's text, as stored. */
void auth_token_hash(const char *token, unsigned char hash[AUTH_HASH_LEN]);

/* Compares two hashes in constant time. */
bool auth_hash_equal(const unsigned char a[AUTH_HASH_LEN], const unsigned char b[AUTH_HASH_LEN]);

/* Takes the token from an Authorization header value: exactly "Bearer " (any
 * case of "bearer") followed by the token, at most 256 bytes of visible
 * ASCII. Returns a pointer into header, or NULL when malformed. */
const char *auth_bearer(const char *header);

#endif
