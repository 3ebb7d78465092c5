/* buf.c - a growable byte buffer with a hard maximum. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void buf_init(struct buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	FREE_AND_NULL(b->ptr);
	b->len = 0;
	b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

enum fc_rc buf_add(struct buf *b, const void *data, size_t n)
{
	size_t need;

	if (n > b->max || b->len > b->max - n) {
		buf_release(b);
		return FC_ELIMIT;
	}
	need = b->len + n + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < need)
			cap *= 2;
		b->ptr = xrealloc(b->ptr, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return FC_OK;
}

enum fc_rc buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum fc_rc buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

enum fc_rc buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;
	char *big;
	enum fc_rc rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return FC_EPARSE;
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, (size_t)n);
	big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

const char *buf_cstr(const struct buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *buf_take(struct buf *b, size_t *len)
{
	char *p = b->ptr ? b->ptr : xstrdup("");

	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
