/* smbios.h - the SMBIOS system information (type 1) from a raw table as
 * Windows' GetSystemFirmwareTable('RSMB') returns it (pure, bounded). */
#ifndef FC_AGENT_SMBIOS_H
#define FC_AGENT_SMBIOS_H

#include <stddef.h>

#include "fc_rc.h"

#define SMBIOS_STR 128

struct smbios_system {
	char uuid[37]; /* lower-case 8-4-4-4-12, "" when not present (all 00 or all FF) */
	char manufacturer[SMBIOS_STR]; /* "" when absent */
	char product[SMBIOS_STR];
	char serial[SMBIOS_STR];
};

/* Parses raw: the RawSMBIOSData header (Used20CallingMethod, major, minor,
 * DmiRevision, a 32-bit little-endian table length) and the structure
 * table. Finds the first type 1 structure and fills out. From SMBIOS 2.6 on
 * the UUID's first three fields are little-endian and are swapped to the
 * RFC 4122 text order (as dmidecode and Linux's product_uuid do); before
 * 2.6 the bytes are printed as stored. FC_ENOENT when the table has no
 * type 1 structure; FC_EPARSE, with err, for a malformed table. */
enum fc_rc smbios_system_info(const unsigned char *raw, size_t len, struct smbios_system *out,
                              char *err);

#endif
