/* xalloc.h - allocation that never returns NULL.
 *
 * Out of memory is logged and ends the process with abort(): callers never
 * check for NULL (Redis zmalloc policy). */
#ifndef FC_COMMON_XALLOC_H
#define FC_COMMON_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Returns a heap copy of s; the caller frees it. */
char *xstrdup(const char *s);
/* Returns a heap copy of the n bytes at s, NUL-terminated; the caller frees it. */
char *xstrndup(const char *s, size_t n);

#define FREE_AND_NULL(p)                                                                           \
	do {                                                                                       \
		free(p);                                                                           \
		(p) = NULL;                                                                        \
	} while (0)

#endif
