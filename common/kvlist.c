/* kvlist.c - an ordered list of key/value strings. */
#include "kvlist.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void kvlist_init(struct kvlist *l)
{
	l->items = NULL;
	l->n = 0;
	l->cap = 0;
}

void kvlist_release(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	FREE_AND_NULL(l->items);
	l->n = 0;
	l->cap = 0;
}

void kvlist_addn(struct kvlist *l, const char *key, size_t klen, const char *value, size_t vlen)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->n].key = xstrndup(key, klen);
	l->items[l->n].value = xstrndup(value, vlen);
	l->n++;
}

void kvlist_add(struct kvlist *l, const char *key, const char *value)
{
	kvlist_addn(l, key, strlen(key), value, strlen(value));
}

void kvlist_set(struct kvlist *l, const char *key, const char *value)
{
	size_t i;

	for (i = l->n; i-- > 0;) {
		if (!strcmp(l->items[i].key, key)) {
			free(l->items[i].value);
			l->items[i].value = xstrdup(value);
			return;
		}
	}
	kvlist_add(l, key, value);
}

const char *kvlist_get(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = l->n; i-- > 0;)
		if (!strcmp(l->items[i].key, key))
			return l->items[i].value;
	return NULL;
}
