/* smbios.c - the SMBIOS type 1 structure from a raw RSMB table (pure). */
#include "smbios.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "uuid.h"

#define RSMB_HEADER 8
#define TYPE1_MIN_LEN 0x19 /* SMBIOS 2.1: up to and including the UUID */

/* strnlen(3), which XP's msvcrt.dll lacks. */
static size_t bounded_len(const unsigned char *p, size_t max)
{
	size_t n = 0;

	while (n < max && p[n])
		n++;
	return n;
}

/* Copies string number idx (1-based) of the set at [p, end) to out. */
static void smbios_string(const unsigned char *p, const unsigned char *end, unsigned idx,
                          char out[SMBIOS_STR])
{
	size_t n, i;

	out[0] = '\0';
	while (idx > 1 && p < end && *p) {
		p += bounded_len(p, (size_t)(end - p)) + 1;
		idx--;
	}
	if (idx != 1 || p >= end)
		return;
	n = bounded_len(p, (size_t)(end - p));
	if (n >= SMBIOS_STR)
		n = SMBIOS_STR - 1;
	for (i = 0; i < n; i++)
		out[i] = p[i] >= 0x20 && p[i] != 0x7F ? (char)p[i] : '?';
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static void smbios_uuid(const unsigned char *u, bool swap, char out[37])
{
	char hex[UUID_HEX_LEN + 1];
	bool all00 = true, allff = true;
	size_t i;

	for (i = 0; i < 16; i++) {
		all00 = all00 && u[i] == 0x00;
		allff = allff && u[i] == 0xFF;
	}
	out[0] = '\0';
	if (all00 || allff)
		return;
	uuid_bytes_hex(u, hex);
	if (swap)
		uuid_swap(hex);
	uuid_format(hex, out);
}

/* The end of the string set starting at p (after its double NUL), or NULL. */
static const unsigned char *strings_end(const unsigned char *p, const unsigned char *end)
{
	while (p + 1 < end) {
		if (p[0] == 0 && p[1] == 0)
			return p + 2;
		p++;
	}
	return NULL;
}

enum fc_rc smbios_system_info(const unsigned char *raw, size_t len, struct smbios_system *out,
                              char *err)
{
	const unsigned char *p, *end, *next;
	unsigned long tlen;
	bool swap;

	memset(out, 0, sizeof(*out));
	if (len < RSMB_HEADER) {
		snprintf(err, FC_ERRLEN, "SMBIOS data of %zu bytes has no header", len);
		return FC_EPARSE;
	}
	tlen = (unsigned long)raw[4] | (unsigned long)raw[5] << 8 | (unsigned long)raw[6] << 16 |
	       (unsigned long)raw[7] << 24;
	if (tlen > len - RSMB_HEADER) {
		snprintf(err, FC_ERRLEN, "SMBIOS table length %lu is over the %zu bytes returned",
		         tlen, len - RSMB_HEADER);
		return FC_EPARSE;
	}
	swap = raw[1] > 2 || (raw[1] == 2 && raw[2] >= 6);
	p = raw + RSMB_HEADER;
	end = p + tlen;
	while (p + 4 <= end) {
		if (p[1] < 4 || p + p[1] > end) {
			snprintf(err, FC_ERRLEN,
			         "SMBIOS structure at offset %zu has a bad length %u",
			         (size_t)(p - raw), p[1]);
			return FC_EPARSE;
		}
		next = strings_end(p + p[1], end);
		if (!next) {
			snprintf(err, FC_ERRLEN,
			         "SMBIOS structure at offset %zu has unterminated strings",
			         (size_t)(p - raw));
			return FC_EPARSE;
		}
		if (p[0] == 1 && p[1] >= 8) {
			smbios_string(p + p[1], next, p[4], out->manufacturer);
			smbios_string(p + p[1], next, p[5], out->product);
			smbios_string(p + p[1], next, p[7], out->serial);
			if (p[1] >= TYPE1_MIN_LEN)
				smbios_uuid(p + 8, swap, out->uuid);
			return FC_OK;
		}
		if (p[0] == 127)
			break;
		p = next;
	}
	snprintf(err, FC_ERRLEN, "SMBIOS table has no system information (type 1)");
	return FC_ENOENT;
}
