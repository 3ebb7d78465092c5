/* json.c - small helpers over cJSON for building documents. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "utf8.h"
#include "xalloc.h"

/* cJSON returns NULL only when malloc fails; end like xalloc does. */
static cJSON *must(cJSON *item)
{
	if (!item) {
		LOG_ERR("out of memory building JSON");
		abort();
	}
	return item;
}

void json_add_str(cJSON *obj, const char *key, const char *s)
{
	char *clean;

	if (!s)
		return;
	if (utf8_valid(s, strlen(s))) {
		must(cJSON_AddStringToObject(obj, key, s));
		return;
	}
	clean = utf8_sanitize(s, strlen(s));
	must(cJSON_AddStringToObject(obj, key, clean));
	free(clean);
}

void json_add_num(cJSON *obj, const char *key, double n)
{
	must(cJSON_AddNumberToObject(obj, key, n));
}

cJSON *json_add_obj(cJSON *obj, const char *key)
{
	return must(cJSON_AddObjectToObject(obj, key));
}

cJSON *json_add_arr(cJSON *obj, const char *key)
{
	return must(cJSON_AddArrayToObject(obj, key));
}
