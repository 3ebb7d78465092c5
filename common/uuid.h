/* uuid.h - UUIDs as text, one way for both programs: reading the forms
 * machines report (8-4-4-4-12 or 32 hex digits, any case), the normal form
 * we store (lower-case 8-4-4-4-12), formatting bytes, the SMBIOS byte order,
 * and the placeholder UUIDs that many machines share. Pure. */
#ifndef FC_COMMON_UUID_H
#define FC_COMMON_UUID_H

#include <stdbool.h>
#include <stddef.h>

#define UUID_TEXT_LEN 36 /* 8-4-4-4-12 */
#define UUID_HEX_LEN 32 /* the digits alone */

/* Returns the lower-case form of the hex digit c, or 0 when c is none. */
char uuid_hex_digit(char c);

/* Writes the 32 hex digits of the len bytes at s (8-4-4-4-12 or 32 digits
 * without dashes, any case) to hex in lower case, NUL-terminated. Returns
 * false when s is neither form (hex is then partly written). */
bool uuid_hex(const char *s, size_t len, char hex[UUID_HEX_LEN + 1]);

/* Formats 32 hex digits as 8-4-4-4-12 (their case kept). */
void uuid_format(const char hex[UUID_HEX_LEN + 1], char out[UUID_TEXT_LEN + 1]);

/* Writes 16 bytes as 32 lower-case hex digits, NUL-terminated. */
void uuid_bytes_hex(const unsigned char bytes[16], char hex[UUID_HEX_LEN + 1]);

/* Formats 16 random bytes as an RFC 4122 version 4 UUID (lower-case
 * 8-4-4-4-12, with the version and variant bits set). */
void uuid_format_v4(const unsigned char bytes[16], char out[UUID_TEXT_LEN + 1]);

/* Writes the NUL-terminated uuid in normal form (lower-case 8-4-4-4-12) to
 * out. Returns false, leaving out "", when uuid is malformed. */
bool uuid_normalise(const char *uuid, char out[UUID_TEXT_LEN + 1]);

/* Swaps the byte order of the first three fields of 32 hex digits in place
 * (SMBIOS 2.6+ stores them little-endian; older firmware did not). */
void uuid_swap(char hex[UUID_HEX_LEN + 1]);

/* True when uuid (any case, with or without dashes) is a known placeholder
 * that many machines share: all zeros, all F, 03000200-0400-0500-0006-
 * 000700080009 and the others listed in docs/identity.md ("Placeholder
 * hardware UUIDs"), each also byte-swapped. False for a malformed uuid. */
bool uuid_is_placeholder(const char *uuid);

#endif
