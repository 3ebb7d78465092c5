/* winreg_decode.h - decoding raw Windows registry values and the Uninstall-entry
 * rules, without Windows: values come in as bytes plus their type, exactly
 * as RegQueryValueExW returns them, so the unit tests run on Linux.
 *
 * Registry data is not trusted: strings may lack their terminating NUL or
 * have an odd byte count, numbers may have the wrong size. Every function is
 * bounded by WINREG_MAX_VALUE and says what is wrong in err (FC_ERRLEN). */
#ifndef FC_AGENT_WINREG_DECODE_H
#define FC_AGENT_WINREG_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "fc_rc.h"

/* The registry value types (winnt.h REG_*), with their Windows numbers. */
enum winreg_type {
	WINREG_NONE = 0,
	WINREG_SZ = 1,
	WINREG_EXPAND_SZ = 2,
	WINREG_BINARY = 3,
	WINREG_DWORD = 4,
	WINREG_DWORD_BIG_ENDIAN = 5,
	WINREG_LINK = 6,
	WINREG_MULTI_SZ = 7,
	WINREG_QWORD = 11,
};

/* The largest value decoded, in bytes (a string of 32767 UTF-16 units). */
#define WINREG_MAX_VALUE 65536u

/* UTF-16LE bytes to a heap UTF-8 string the caller frees: stops at the
 * first NUL unit, ignores a trailing odd byte, and replaces unpaired
 * surrogates by U+FFFD. Never fails (OOM aborts). */
char *winreg_utf16_to_utf8(const unsigned char *data, size_t len);

/* Decodes a REG_SZ or REG_EXPAND_SZ value (left unexpanded) into a heap
 * UTF-8 string in *out (the caller frees it). REG_MULTI_SZ gives its
 * strings joined by '\n' (empty strings dropped). Other types: FC_EPARSE;
 * more than WINREG_MAX_VALUE bytes: FC_ELIMIT. *out is NULL on failure. */
enum fc_rc winreg_string(unsigned type, const unsigned char *data, size_t len, char **out,
                         char *err);

/* Decodes REG_DWORD (4 bytes, little-endian), REG_DWORD_BIG_ENDIAN (4) or
 * REG_QWORD (8) into *out. A wrong size or another type: FC_EPARSE. */
enum fc_rc winreg_number(unsigned type, const unsigned char *data, size_t len,
                         unsigned long long *out, char *err);

/* True when the '\n'-separated list (a decoded REG_MULTI_SZ) holds word,
 * compared without regard to ASCII case. */
bool winreg_list_has(const char *list, const char *word);

/* Normalises a MachineGuid ("{}"-braced or not, dashes at 8-4-4-4-12 or
 * none, any case) to 32 lower-case hex digits in out. FC_EPARSE for anything
 * else and for the all-zero GUID. */
enum fc_rc winreg_machine_guid(const char *guid, char out[33]);

/* The raw values of one Uninstall subkey that decide what it is; NULL (or
 * -1) when the value is absent. */
struct winreg_uninstall {
	const char *key_name; /* the subkey's name */
	const char *display_name;
	const char *parent_key_name;
	const char *release_type;
	long long system_component; /* DWORD SystemComponent, -1 absent */
};

enum winreg_kind {
	WINREG_SKIP = 0, /* no DisplayName: not shown in Add/Remove Programs */
	WINREG_PRODUCT, /* an installed product */
	WINREG_UPDATE, /* an update, hotfix or service pack of something else */
};

/* Applies the Uninstall-entry rules (docs/protocol.md): no or blank
 * DisplayName: skip; ParentKeyName set, ReleaseType one of "Security
 * Update", "Update Rollup", "Hotfix", "Update", "Service Pack", or the key
 * name or DisplayName naming a KB article (KB and six or more digits):
 * update; otherwise a product. *hidden is set for SystemComponent = 1. */
enum winreg_kind winreg_classify(const struct winreg_uninstall *u, bool *hidden);

/* True when s holds "KB" (any case) followed by at least six digits, not
 * preceded by a letter or digit. */
bool winreg_names_kb(const char *s);

#endif
