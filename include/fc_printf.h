/* fc_printf.h - the printf format attribute for our own printf-like
 * functions. mingw-w64 (with __USE_MINGW_ANSI_STDIO=1) formats with its own
 * C99 printf and names that archetype __MINGW_PRINTF_FORMAT; plain "printf"
 * there would mean msvcrt's, which knows no %zu or %lld. */
#ifndef FC_INCLUDE_FC_PRINTF_H
#define FC_INCLUDE_FC_PRINTF_H

#include <stdio.h>

#if defined(__MINGW_PRINTF_FORMAT)
#define FC_PRINTF(fmt, args) __attribute__((format(__MINGW_PRINTF_FORMAT, fmt, args)))
#elif defined(__GNUC__)
#define FC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define FC_PRINTF(fmt, args)
#endif

#endif
