/* platform_win.h - the UTF-8/UTF-16 conversions of platform_windows.c, for
 * the agent's other Windows-only files (agent/hostenv_windows.c). */
#ifndef FC_COMMON_PLATFORM_WIN_H
#define FC_COMMON_PLATFORM_WIN_H

#include <stddef.h>

/* UTF-8 to a heap UTF-16 string the caller frees; NULL with errno EINVAL
 * for invalid UTF-8 (ENAMETOOLONG past 32768 units). */
wchar_t *plat_widen(const char *s);

/* UTF-16 to a heap UTF-8 string the caller frees (unpaired surrogates
 * become U+FFFD); never NULL. */
char *plat_narrow(const wchar_t *w);

#endif
