/* ingest_hw.c - the readiness facts of a report (docs/protocol.md
 * "Readiness facts"): the shape of each one the collector reads, in the
 * GLPI fields (cpus[0], bios, hardware) and in content.fleetcensus.hw and
 * hw_unknown, and the compact hw_json document the store keeps of them, so
 * that the readiness verdict (readiness.h) can be recomputed. A fact of the
 * wrong type refuses the report (400, the field named); a fact the
 * collector does not know is left out. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "ingest_int.h"
#include "xalloc.h"

#define HW_MAX_STRING 256 /* bytes in a fact's string */
#define HW_MAX_REASON 200 /* bytes in a hw_unknown reason */
#define HW_MAX_RELEASES 16 /* release keys in hw.appraiser */
#define HW_MAX_INT 9007199254740991.0 /* 2^53 - 1 */

enum hw_type { HW_STR, HW_INT, HW_BOOL };

/* One fact read from an object: its key and type. */
struct hw_field {
	const char *key;
	enum hw_type type;
};

static const struct hw_field cpu_fields[] = {
    {"manufacturer", HW_STR}, {"familynumber", HW_STR}, {"model", HW_STR}, {"stepping", HW_INT},
    {"name", HW_STR},         {"core", HW_INT},         {"speed", HW_INT}};
static const struct hw_field bios_fields[] = {
    {"bdate", HW_STR},  {"bmanufacturer", HW_STR}, {"bversion", HW_STR}, {"smanufacturer", HW_STR},
    {"smodel", HW_STR}, {"secure_boot", HW_STR},   {"ssn", HW_STR}};
static const struct hw_field hardware_fields[] = {{"memory", HW_INT}, {"chassis_type", HW_STR}};
static const struct hw_field fc_hw_fields[] = {{"cpu_logical", HW_INT},
                                               {"cpu_platform_flags", HW_INT},
                                               {"cpu_sse42", HW_BOOL},
                                               {"cpu_popcnt", HW_BOOL},
                                               {"cpu_arm_v81_atomics", HW_BOOL},
                                               {"memory_installed_mib", HW_INT},
                                               {"system_volume_mib", HW_INT},
                                               {"firmware", HW_STR},
                                               {"secure_boot_capable", HW_BOOL},
                                               {"secure_boot_setup_mode", HW_BOOL},
                                               {"tpm_present", HW_BOOL},
                                               {"tpm_version", HW_STR},
                                               {"os_bits", HW_INT},
                                               {"esu_licensed_year", HW_INT}};

/* Checks one member against its type and length; on failure err names
 * path.key. */
static enum fc_rc check_value(const cJSON *it, const char *path, const char *key, enum hw_type type,
                              size_t max_len, char *err)
{
	const char *what = NULL;

	if (type == HW_STR && !cJSON_IsString(it))
		what = "not a string";
	else if (type == HW_STR && strlen(it->valuestring) > max_len)
		what = "too long";
	else if (type == HW_BOOL && !cJSON_IsBool(it))
		what = "not a boolean";
	else if (type == HW_INT &&
	         (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > HW_MAX_INT ||
	          floor(it->valuedouble) != it->valuedouble))
		what = "not a whole number from 0";
	if (!what)
		return FC_OK;
	snprintf(err, FC_ERRLEN, "%s.%s: %s", path, key, what);
	return type == HW_STR && cJSON_IsString(it) ? FC_ELIMIT : FC_EPARSE;
}

/* Copies the known fields of obj (path) into a new object added to doc as
 * name, each checked. obj NULL: nothing. */
static enum fc_rc copy_fields(const cJSON *obj, const char *path, const struct hw_field *fields,
                              size_t n, cJSON *doc, const char *name, char *err)
{
	const cJSON *it;
	cJSON *out = NULL;
	size_t i;
	enum fc_rc rc;

	if (!obj)
		return FC_OK;
	for (i = 0; i < n; i++) {
		it = cJSON_GetObjectItemCaseSensitive(obj, fields[i].key);
		if (!it || cJSON_IsNull(it))
			continue;
		rc = check_value(it, path, fields[i].key, fields[i].type, HW_MAX_STRING, err);
		if (rc)
			return rc;
		if (!out)
			out = cJSON_AddObjectToObject(doc, name);
		if (!out || !cJSON_AddItemToObject(out, fields[i].key, cJSON_Duplicate(it, 0)))
			return FC_ENOMEM;
	}
	return FC_OK;
}

/* The member key of obj when it is an object (NULL when absent); err when
 * it is something else. */
static enum fc_rc object_member(const cJSON *obj, const char *path, const char *key,
                                const cJSON **out, char *err)
{
	*out = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	if (!*out || cJSON_IsObject(*out))
		return FC_OK;
	snprintf(err, FC_ERRLEN, "%s%s%s: not an object", path, *path ? "." : "", key);
	return FC_EPARSE;
}

/* hw.appraiser: at most HW_MAX_RELEASES release keys, each an object whose
 * UpgEx and RedReason are strings. */
static enum fc_rc copy_appraiser(const cJSON *hw, cJSON *out_hw, char *err)
{
	const char *path = "content.fleetcensus.hw.appraiser";
	const cJSON *app, *rel, *it;
	cJSON *copy, *r;
	size_t n = 0;
	char p[96];
	enum fc_rc rc = object_member(hw, "content.fleetcensus.hw", "appraiser", &app, err);

	if (rc || !app)
		return rc;
	copy = cJSON_AddObjectToObject(out_hw, "appraiser");
	if (!copy)
		return FC_ENOMEM;
	cJSON_ArrayForEach(rel, app)
	{
		if (++n > HW_MAX_RELEASES) {
			snprintf(err, FC_ERRLEN, "%s: more than %d release keys", path,
			         HW_MAX_RELEASES);
			return FC_ELIMIT;
		}
		snprintf(p, sizeof(p), "%s.%.32s", path, rel->string ? rel->string : "");
		if (!cJSON_IsObject(rel) || strlen(rel->string) > 32) {
			snprintf(err, FC_ERRLEN, "%s: not an object", p);
			return FC_EPARSE;
		}
		r = cJSON_AddObjectToObject(copy, rel->string);
		if (!r)
			return FC_ENOMEM;
		it = cJSON_GetObjectItemCaseSensitive(rel, "UpgEx");
		rc = it ? check_value(it, p, "UpgEx", HW_STR, HW_MAX_STRING, err) : FC_OK;
		if (!rc && it && !cJSON_AddItemToObject(r, "UpgEx", cJSON_Duplicate(it, 0)))
			return FC_ENOMEM;
		it = cJSON_GetObjectItemCaseSensitive(rel, "RedReason");
		if (!rc && it)
			rc = check_value(it, p, "RedReason", HW_STR, HW_MAX_STRING, err);
		if (!rc && it && !cJSON_AddItemToObject(r, "RedReason", cJSON_Duplicate(it, 0)))
			return FC_ENOMEM;
		if (rc)
			return rc;
	}
	return FC_OK;
}

/* hw_unknown: fact name -> reason (a string of at most HW_MAX_REASON). */
static enum fc_rc copy_unknown(const cJSON *fc, cJSON *doc, char *err)
{
	const char *path = "content.fleetcensus.hw_unknown";
	const cJSON *unk, *it;
	cJSON *copy;
	size_t n = 0;
	enum fc_rc rc = object_member(fc, "content.fleetcensus", "hw_unknown", &unk, err);

	if (rc || !unk)
		return rc;
	copy = cJSON_AddObjectToObject(doc, "hw_unknown");
	if (!copy)
		return FC_ENOMEM;
	cJSON_ArrayForEach(it, unk)
	{
		if (++n > 64) {
			snprintf(err, FC_ERRLEN, "%s: more than 64 facts", path);
			return FC_ELIMIT;
		}
		if (strlen(it->string) > 64) {
			snprintf(err, FC_ERRLEN, "%s: a fact name longer than 64 bytes", path);
			return FC_ELIMIT;
		}
		rc = check_value(it, path, it->string, HW_STR, HW_MAX_REASON, err);
		if (rc)
			return rc;
		if (!cJSON_AddItemToObject(copy, it->string, cJSON_Duplicate(it, 0)))
			return FC_ENOMEM;
	}
	return FC_OK;
}

/* content.cpus[0], when cpus is there: an array whose first entry is an
 * object. */
static enum fc_rc first_cpu(const cJSON *content, const cJSON **cpu, char *err)
{
	const cJSON *cpus = cJSON_GetObjectItemCaseSensitive(content, "cpus");

	*cpu = NULL;
	if (!cpus)
		return FC_OK;
	if (!cJSON_IsArray(cpus)) {
		snprintf(err, FC_ERRLEN, "content.cpus: not an array");
		return FC_EPARSE;
	}
	*cpu = cJSON_GetArrayItem(cpus, 0);
	if (*cpu && !cJSON_IsObject(*cpu)) {
		snprintf(err, FC_ERRLEN, "content.cpus[0]: not an object");
		return FC_EPARSE;
	}
	return FC_OK;
}

/* Reads every fact into doc. */
static enum fc_rc hw_facts(const cJSON *content, cJSON *doc, char *err)
{
	const cJSON *cpu, *bios, *hard, *fc, *hw;
	cJSON *out_hw;
	enum fc_rc rc;

	rc = first_cpu(content, &cpu, err);
	if (!rc)
		rc = copy_fields(cpu, "content.cpus[0]", cpu_fields,
		                 sizeof(cpu_fields) / sizeof(cpu_fields[0]), doc, "cpu", err);
	if (!rc)
		rc = object_member(content, "content", "bios", &bios, err);
	if (!rc)
		rc = copy_fields(bios, "content.bios", bios_fields,
		                 sizeof(bios_fields) / sizeof(bios_fields[0]), doc, "bios", err);
	if (!rc)
		rc = object_member(content, "content", "hardware", &hard, err);
	if (!rc)
		rc = copy_fields(hard, "content.hardware", hardware_fields,
		                 sizeof(hardware_fields) / sizeof(hardware_fields[0]), doc,
		                 "hardware", err);
	if (!rc)
		rc = object_member(content, "content", "fleetcensus", &fc, err);
	if (!rc)
		rc = object_member(fc, "content.fleetcensus", "hw", &hw, err);
	if (rc || !fc)
		return rc;
	rc = copy_fields(hw, "content.fleetcensus.hw", fc_hw_fields,
	                 sizeof(fc_hw_fields) / sizeof(fc_hw_fields[0]), doc, "hw", err);
	if (!rc && hw) {
		out_hw = cJSON_GetObjectItemCaseSensitive(doc, "hw");
		if (!out_hw)
			out_hw = cJSON_AddObjectToObject(doc, "hw");
		rc = out_hw ? copy_appraiser(hw, out_hw, err) : FC_ENOMEM;
	}
	if (!rc)
		rc = copy_unknown(fc, doc, err);
	return rc;
}

enum fc_rc ingest_hw(const cJSON *content, struct ingest_report *out, char *err)
{
	cJSON *doc = cJSON_CreateObject();
	char *s = NULL;
	enum fc_rc rc = doc ? hw_facts(content, doc, err) : FC_ENOMEM;

	if (!rc) {
		s = cJSON_PrintUnformatted(doc);
		if (s)
			out->hw_json = xstrdup(s);
		else
			rc = FC_ENOMEM;
		cJSON_free(s);
	}
	cJSON_Delete(doc);
	if (rc == FC_ENOMEM)
		snprintf(err, FC_ERRLEN, "cannot build the stored hardware facts: out of memory");
	return rc;
}
