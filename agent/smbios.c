/* smbios.c - SMBIOS structures 0, 1, 3 and 17 from a raw table (pure). */
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

enum fc_rc smbios_rsmb_table(const unsigned char *raw, size_t len, const unsigned char **table,
                             size_t *tlen, char *err)
{
	unsigned long n;

	*table = NULL;
	*tlen = 0;
	if (len < RSMB_HEADER) {
		snprintf(err, FC_ERRLEN, "SMBIOS data of %zu bytes has no header", len);
		return FC_EPARSE;
	}
	n = (unsigned long)raw[4] | (unsigned long)raw[5] << 8 | (unsigned long)raw[6] << 16 |
	    (unsigned long)raw[7] << 24;
	if (n > len - RSMB_HEADER) {
		snprintf(err, FC_ERRLEN, "SMBIOS table length %lu is over the %zu bytes returned",
		         n, len - RSMB_HEADER);
		return FC_EPARSE;
	}
	*table = raw + RSMB_HEADER;
	*tlen = n;
	return FC_OK;
}

static unsigned word_at(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* Adds one type 17 structure's size to out. */
static void memory_device(const unsigned char *p, struct smbios_hw *out)
{
	unsigned size;
	unsigned long ext;

	out->memory_devices++;
	if (out->memory_mib < 0 || p[1] < 0x0E)
		return;
	size = word_at(p + 0x0C);
	if (size == 0xFFFF) {
		out->memory_mib = -1;
		snprintf(out->memory_err, FC_ERRLEN, "a memory device of unknown size (0xFFFF)");
	} else if (size == 0x7FFF) {
		if (p[1] < 0x20) {
			out->memory_mib = -1;
			snprintf(out->memory_err, FC_ERRLEN,
			         "a memory device refers to an extended size it does not have");
			return;
		}
		ext = (unsigned long)word_at(p + 0x1C) | (unsigned long)word_at(p + 0x1E) << 16;
		out->memory_mib += (long long)(ext & 0x7FFFFFFFul);
	} else if (size & 0x8000) {
		out->memory_mib += (long long)(size & 0x7FFF) / 1024;
	} else {
		out->memory_mib += size;
	}
}

enum fc_rc smbios_hw_info(const unsigned char *table, size_t tlen, struct smbios_hw *out, char *err)
{
	const unsigned char *p = table, *end = table + tlen, *next;

	memset(out, 0, sizeof(*out));
	out->chassis_type = -1;
	while (p + 4 <= end) {
		if (p[1] < 4 || p + p[1] > end) {
			snprintf(err, FC_ERRLEN,
			         "SMBIOS structure at offset %zu has a bad length %u",
			         (size_t)(p - table), p[1]);
			return FC_EPARSE;
		}
		next = strings_end(p + p[1], end);
		if (!next) {
			snprintf(err, FC_ERRLEN,
			         "SMBIOS structure at offset %zu has unterminated strings",
			         (size_t)(p - table));
			return FC_EPARSE;
		}
		if (p[0] == 0 && p[1] >= 9 && !out->bios_vendor[0] && !out->bios_version[0]) {
			smbios_string(p + p[1], next, p[4], out->bios_vendor);
			smbios_string(p + p[1], next, p[5], out->bios_version);
			smbios_string(p + p[1], next, p[8], out->bios_date);
		} else if (p[0] == 3 && p[1] >= 6 && out->chassis_type < 0) {
			out->chassis_type = p[5] & 0x7F;
		} else if (p[0] == 17) {
			memory_device(p, out);
		} else if (p[0] == 127) {
			break;
		}
		p = next;
	}
	if (out->memory_devices == 0) {
		out->memory_mib = -1;
		snprintf(out->memory_err, FC_ERRLEN,
		         "no memory device (type 17) in the SMBIOS table");
	}
	return FC_OK;
}
