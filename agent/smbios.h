/* smbios.h - the SMBIOS system information (type 1), BIOS (type 0),
 * chassis (type 3) and memory devices (type 17) from a raw table as Windows'
 * GetSystemFirmwareTable('RSMB') returns it or Linux's
 * /sys/firmware/dmi/tables/DMI holds it (pure, bounded). */
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

/* The BIOS, chassis and memory facts of a structure table. */
struct smbios_hw {
	char bios_vendor[SMBIOS_STR]; /* "" when absent */
	char bios_version[SMBIOS_STR];
	char bios_date[SMBIOS_STR]; /* as stored: MM/DD/YYYY */
	int chassis_type; /* type 3 byte 5 & 0x7F; -1 without type 3 */
	long long memory_mib; /* sum of the type 17 sizes; -1 when not known */
	int memory_devices; /* type 17 structures seen */
	char memory_err[FC_ERRLEN]; /* why memory_mib is -1 */
};

/* The structure table inside a RawSMBIOSData buffer (the 8-byte header
 * checked): *table and *tlen. FC_EPARSE, with err, when malformed. */
enum fc_rc smbios_rsmb_table(const unsigned char *raw, size_t len, const unsigned char **table,
                             size_t *tlen, char *err);

/* Reads types 0, 3 and 17 of the structure table (no header: the DMI file,
 * or smbios_rsmb_table's result) into out. A type 17 Size of 0 is an empty
 * slot; 0x7FFF means the Extended Size (SMBIOS 2.7, MiB in bits 30:0); bit
 * 15 set means KiB; 0xFFFF (unknown) makes memory_mib unknown. FC_OK (also
 * when a type is missing: its fields stay empty), FC_EPARSE with err for a
 * malformed table. */
enum fc_rc smbios_hw_info(const unsigned char *table, size_t tlen, struct smbios_hw *out,
                          char *err);

#endif
