/* buf.h - a growable byte buffer with a hard maximum (curl dynbuf).
 *
 * The contents are always NUL-terminated, so text can be used as a C string.
 * An append that would pass the maximum frees the buffer and returns
 * FC_ELIMIT; the buffer is then empty and usable again. */
#ifndef FC_COMMON_BUF_H
#define FC_COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "fc_printf.h"
#include "fc_rc.h"

struct buf {
	char *ptr; /* NULL until the first append */
	size_t len; /* bytes used, not counting the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* the most len may ever be */
};

/* Initialises an empty buffer that may hold at most max bytes. Cannot fail. */
void buf_init(struct buf *b, size_t max);
/* Frees the contents; b is empty afterwards and may be reused. */
void buf_release(struct buf *b);
/* Empties b but keeps its memory. */
void buf_reset(struct buf *b);
enum fc_rc buf_add(struct buf *b, const void *data, size_t n);
enum fc_rc buf_addstr(struct buf *b, const char *s);
enum fc_rc buf_addc(struct buf *b, char c);
FC_PRINTF(2, 3)
enum fc_rc buf_printf(struct buf *b, const char *fmt, ...);
/* Returns the contents as a C string valid until the next change of b;
 * never NULL ("" when empty). */
const char *buf_cstr(const struct buf *b);
/* Hands the contents to the caller, who frees them; b is empty afterwards.
 * Returns a heap "" for an empty buffer, never NULL. */
char *buf_take(struct buf *b, size_t *len);

#endif
