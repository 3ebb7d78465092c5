/* os_windows_int.h - what the two Windows probe files share (os_windows.c:
 * OS version, hardware, software, random; os_windows_hw.c: the readiness
 * facts). Private to them; empty outside Windows builds, so that
 * `make hdrcheck` compiles it on its own anywhere. */
#ifndef FC_OS_WINDOWS_INT_H
#define FC_OS_WINDOWS_INT_H

#ifdef _WIN32

#include <stdbool.h>
#include <winsock2.h>
#include <windows.h>

#include "fc_rc.h"
#include "hwfacts.h"
#include "os.h"

#define NT_CURRENT_VERSION L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
#define KEY_NAME_MAX 256 /* registry key names are at most 255 characters */

#ifndef KEY_WOW64_64KEY
#define KEY_WOW64_64KEY 0x0100
#endif
#ifndef KEY_WOW64_32KEY
#define KEY_WOW64_32KEY 0x0200
#endif
#ifndef PROCESSOR_ARCHITECTURE_ARM64
#define PROCESSOR_ARCHITECTURE_ARM64 12
#endif

/* Casting through this type keeps -Wcast-function-type quiet about
 * GetProcAddress results. */
typedef void (*any_fn)(void);

/* fn of an already loaded system DLL (kernel32.dll), or NULL when this
 * Windows lacks it (the caller falls back). */
any_fn win_resolve(const wchar_t *dll, const char *name);

/* Reads value name of open key k into a heap buffer (*data, *len, *type;
 * the caller frees *data). FC_ENOENT when absent, FC_ELIMIT when larger
 * than WINREG_MAX_VALUE. */
enum fc_rc win_reg_raw(HKEY k, const wchar_t *name, DWORD *type, unsigned char **data, DWORD *len);

/* A string value as heap UTF-8 (the caller frees it), or NULL when absent
 * or not a string. */
char *win_reg_str(HKEY k, const wchar_t *name);

/* A decimal string value (CurrentBuildNumber) as a number, -1 otherwise. */
long long win_reg_decimal(HKEY k, const wchar_t *name);

/* Key path below root opened for reading in view (0, KEY_WOW64_64KEY,
 * KEY_WOW64_32KEY); NULL when it cannot be opened. RegCloseKey it. */
HKEY win_reg_open(HKEY root, const wchar_t *path, REGSAM view);

/* Whether Windows itself is 64-bit (also under WOW64). */
bool win_is_64bit(void);

/* The readiness facts (os_windows_hw.c, docs/protocol.md): installed memory
 * and system volume size, read before SMBIOS... */
void win_ready_memory_volume(struct hw_ready *r);

/* ...and the processor, firmware, TPM, appraiser and ESU facts, after
 * cpu_and_memory. */
void win_ready_windows(struct hw_facts *h);

#endif /* _WIN32 */
#endif /* FC_OS_WINDOWS_INT_H */
