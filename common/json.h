/* json.h - small helpers over cJSON for building documents from untrusted
 * strings: every string added is made valid UTF-8 first, so the output is
 * always strict UTF-8 JSON whatever bytes a file held. */
#ifndef FC_COMMON_JSON_H
#define FC_COMMON_JSON_H

#include <cJSON.h>

/* Adds key: s to obj, replacing ill-formed UTF-8 with U+FFFD. s NULL adds
 * nothing. The item belongs to obj. */
void json_add_str(cJSON *obj, const char *key, const char *s);
/* Adds key: n (a number) to obj. */
void json_add_num(cJSON *obj, const char *key, double n);
/* Adds and returns a new empty object (or array) under key; obj owns it. */
cJSON *json_add_obj(cJSON *obj, const char *key);
cJSON *json_add_arr(cJSON *obj, const char *key);

#endif
