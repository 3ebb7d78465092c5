/* uuid.c - UUIDs as text. */
#include "uuid.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

char uuid_hex_digit(char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
		return c;
	if (c >= 'A' && c <= 'F')
		return (char)(c - 'A' + 'a');
	return 0;
}

bool uuid_hex(const char *s, size_t len, char hex[UUID_HEX_LEN + 1])
{
	size_t i, o = 0;
	bool dashed = len == UUID_TEXT_LEN;

	if (len != UUID_TEXT_LEN && len != UUID_HEX_LEN)
		return false;
	for (i = 0; i < len; i++) {
		if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return false;
			continue;
		}
		hex[o] = uuid_hex_digit(s[i]);
		if (!hex[o++])
			return false;
	}
	hex[UUID_HEX_LEN] = '\0';
	return true;
}

void uuid_format(const char hex[UUID_HEX_LEN + 1], char out[UUID_TEXT_LEN + 1])
{
	snprintf(out, UUID_TEXT_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
	         hex + 16, hex + 20);
}

void uuid_bytes_hex(const unsigned char bytes[16], char hex[UUID_HEX_LEN + 1])
{
	static const char digit[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 16; i++) {
		hex[2 * i] = digit[bytes[i] >> 4];
		hex[2 * i + 1] = digit[bytes[i] & 0x0F];
	}
	hex[UUID_HEX_LEN] = '\0';
}

void uuid_format_v4(const unsigned char bytes[16], char out[UUID_TEXT_LEN + 1])
{
	unsigned char b[16];
	char hex[UUID_HEX_LEN + 1];

	memcpy(b, bytes, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	uuid_bytes_hex(b, hex);
	uuid_format(hex, out);
}

bool uuid_normalise(const char *uuid, char out[UUID_TEXT_LEN + 1])
{
	char hex[UUID_HEX_LEN + 1];

	out[0] = '\0';
	if (!uuid_hex(uuid, strlen(uuid), hex))
		return false;
	uuid_format(hex, out);
	return true;
}

void uuid_swap(char hex[UUID_HEX_LEN + 1])
{
	static const int map[16] = {6, 7, 4, 5, 2, 3, 0, 1, 10, 11, 8, 9, 14, 15, 12, 13};
	char head[16];
	int i;

	for (i = 0; i < 16; i++)
		head[i] = hex[map[i]];
	memcpy(hex, head, sizeof(head));
}

/* ---- placeholders ---- */

/* Fixed placeholders, each also matched byte-swapped (uuid_swap). Keep this
 * list and the table in docs/identity.md ("Placeholder hardware UUIDs")
 * identical; the sources are given there. */
static const char *const uuid_placeholders[] = {
    "03000200040005000006000700080009", /* AMI BIOS/Aptio default, "To Be Filled By O.E.M." */
    "4c4c454400002010802080c04f202020", /* Dell "DELL" + a blank service tag */
    "1234567812345678"
    "90abcddeefaabbcc", /* unprogrammed boards, FOG project list */
    "07090201010303010807060504030201", /* FreeBSD rc.d/hostid */
    "11111111222233334444555555555555", /* FreeBSD rc.d/hostid */
    "890e2d14cacd45d1ae66bc80e8bfeb0f", /* FreeBSD rc.d/hostid: shared by board series */
    "8e275844178f44a8aceba7d7e5178c63", /* FreeBSD rc.d/hostid: shared by board series */
    "dc698397fa544cf282c8b1b5307a6a7f", /* FreeBSD rc.d/hostid: shared by board series */
};

/* True when all 16 bytes are the same (zeros: "ID not present"; all F: "not
 * present but settable"; 11.., 5858.. ("XXXX"), fefe.. and so on). */
static bool uuid_one_byte(const char hex[UUID_HEX_LEN + 1])
{
	int i;

	for (i = 2; i < UUID_HEX_LEN; i++)
		if (hex[i] != hex[i % 2])
			return false;
	return true;
}

/* True when everything after the first group is f (ffffff00-ffff-...). */
static bool uuid_tail_f(const char hex[UUID_HEX_LEN + 1])
{
	int i;

	for (i = 8; i < UUID_HEX_LEN; i++)
		if (hex[i] != 'f')
			return false;
	return true;
}

static bool uuid_listed(const char hex[UUID_HEX_LEN + 1])
{
	size_t i;

	for (i = 0; i < sizeof(uuid_placeholders) / sizeof(uuid_placeholders[0]); i++)
		if (!strcmp(hex, uuid_placeholders[i]))
			return true;
	return false;
}

bool uuid_is_placeholder(const char *uuid)
{
	char hex[UUID_HEX_LEN + 1];

	assert(uuid);
	if (!uuid_hex(uuid, strlen(uuid), hex))
		return false;
	if (uuid_one_byte(hex) || uuid_tail_f(hex) || uuid_listed(hex))
		return true;
	uuid_swap(hex);
	return uuid_listed(hex);
}
