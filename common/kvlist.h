/* kvlist.h - an ordered list of key/value strings (os-release keys, release
 * files, configuration). Keys may repeat; kvlist_get returns the last one. */
#ifndef FC_COMMON_KVLIST_H
#define FC_COMMON_KVLIST_H

#include <stddef.h>

struct kv {
	char *key;
	char *value;
};

struct kvlist {
	struct kv *items;
	size_t n;
	size_t cap;
};

void kvlist_init(struct kvlist *l);
void kvlist_release(struct kvlist *l);
/* Appends copies of key and value (value may hold any bytes but NUL). */
void kvlist_add(struct kvlist *l, const char *key, const char *value);
/* Appends copies of the given byte ranges. */
void kvlist_addn(struct kvlist *l, const char *key, size_t klen, const char *value, size_t vlen);
/* Sets key to value, replacing an existing entry in place or appending. */
void kvlist_set(struct kvlist *l, const char *key, const char *value);
/* Returns the value of the last entry named key, valid until l changes;
 * NULL when there is none. */
const char *kvlist_get(const struct kvlist *l, const char *key);

#endif
