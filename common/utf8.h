/* utf8.h - make arbitrary bytes safe to put in a JSON string. */
#ifndef FC_COMMON_UTF8_H
#define FC_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the len bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF) and hold no NUL. */
bool utf8_valid(const char *s, size_t len);

/* Writes code point cp (at most U+10FFFF, not a surrogate) as UTF-8 to out,
 * which has room for 4 bytes; returns the bytes written. */
size_t utf8_put(unsigned long cp, char *out);

/* Returns a heap copy of the len bytes at s in which every ill-formed
 * sequence and every NUL is replaced by U+FFFD; the caller frees it. */
char *utf8_sanitize(const char *s, size_t len);

/* The length (1 to 4) of the well-formed UTF-8 character that starts the
 * len (> 0) bytes at s, or 0 when they start with an ill-formed sequence or
 * a NUL. */
size_t utf8_char_len(const char *s, size_t len);

#endif
