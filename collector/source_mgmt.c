/* source_mgmt.c - the management sources: sccm-csv (the query of
 * docs/imports.md over the ConfigMgr views), intune-csv (Intune's "All
 * devices" export) and intune-json (Graph managedDevices). */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "source_int.h"
#include "xalloc.h"

/* One column of a CSV kind and where its value goes. */
enum col_use {
	C_HOST,
	C_DOMAIN,
	C_OSNAME,
	C_OSVER,
	C_BUILD,
	C_SP,
	C_ARCH,
	C_UUID,
	C_SERIAL,
	C_MAKER,
	C_CLIENT,
	C_DATE,
	C_KEY
};
struct col_map {
	const char *name;
	enum col_use use;
	bool required;
};

static const struct col_map sccm_cols[] = {
    {"Name0", C_HOST, true},
    {"Full_Domain_Name0", C_DOMAIN, false},
    {"Caption0", C_OSNAME, true},
    {"Version0", C_OSVER, false},
    {"BuildNumber0", C_BUILD, false},
    {"CSDVersion0", C_SP, false},
    {"OSArchitecture0", C_ARCH, false},
    {"SMBIOS_GUID0", C_UUID, false},
    {"SerialNumber0", C_SERIAL, false},
    {"Manufacturer0", C_MAKER, false},
    {"Client0", C_CLIENT, false},
    {"Last_Logon_Timestamp0", C_DATE, false},
    {NULL, C_KEY, false},
};

static const struct col_map intune_cols[] = {
    {"Device ID", C_KEY, true},       {"Device name", C_HOST, true},
    {"OS", C_OSNAME, true},           {"OS version", C_OSVER, false},
    {"Last check-in", C_DATE, false}, {"Serial number", C_SERIAL, false},
    {"Manufacturer", C_MAKER, false}, {NULL, C_KEY, false},
};

/* Serial numbers that are no key: empty, or what unprogrammed boards say. */
static bool serial_usable(const char *s)
{
	static const char *const junk[] = {"",
	                                   "0",
	                                   "none",
	                                   "default string",
	                                   "to be filled by o.e.m.",
	                                   "system serial number",
	                                   "not specified",
	                                   "0123456789",
	                                   "n/a"};
	size_t i;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		if (!strcasecmp(s, junk[i]))
			return false;
	return true;
}

/* Stores value v of column m in w. */
static enum fc_rc put(struct source_csv *c, const struct col_map *m, const char *v,
                      enum source_date_order order, struct sighting *w, char *err)
{
	char why[FC_ERRLEN];

	switch (m->use) {
	case C_HOST:
		if (!*v || strlen(v) > 255)
			return source_bad(c, m->name, *v ? "too long" : "empty", err);
		source_set_fqdn(w, v);
		break;
	case C_DOMAIN:
		if (*v)
			source_set(&w->domain, v, true);
		break;
	case C_OSNAME: source_set(&w->os_name, v, false); break;
	case C_OSVER: source_set(&w->os_version, v, false); break;
	case C_BUILD: break; /* Version0 has it */
	case C_SP: source_set(&w->os_sp, v, false); break;
	case C_ARCH: source_set(&w->arch, v, false); break;
	case C_UUID: source_set_uuid(w, v); break;
	case C_SERIAL: source_set(&w->serial, serial_usable(v) ? v : "", true); break;
	case C_MAKER: source_set(&w->maker, v, true); break;
	case C_CLIENT:
		if (*v && strcmp(v, "0") && strcmp(v, "1"))
			return source_bad(c, m->name, "neither 0 nor 1", err);
		break;
	case C_DATE:
		if (*v && source_parse_date(v, order, &w->last_seen, why))
			return source_bad(c, m->name, why, err);
		break;
	case C_KEY:
		if (!*v)
			return source_bad(c, m->name, "empty", err);
		source_set(&w->key, v, true);
		break;
	}
	return FC_OK;
}

/* Reads every row of c with the columns of map. */
static enum fc_rc read_map(struct source_csv *c, const char *kind, const struct col_map *map,
                           enum source_date_order order, struct source_rows *out, char *err)
{
	int col[16];
	bool eof = false;
	enum fc_rc rc = FC_OK;
	size_t i;

	for (i = 0; map[i].name; i++) {
		col[i] = source_csv_col(c, map[i].name);
		if (col[i] < 0 && map[i].required) {
			snprintf(err, FC_ERRLEN, "%s:%ld: column %s: missing (is this a %s file?)",
			         c->path, c->line - 1, map[i].name, kind);
			return FC_EPARSE;
		}
	}
	while (!rc) {
		struct sighting *w;
		char key[600];

		rc = source_csv_next(c, &eof, err);
		if (rc || eof)
			break;
		if (out->n == SOURCE_MAX_ROWS) {
			snprintf(err, FC_ERRLEN, "%s:%ld: more than %d rows", c->path, c->rec_line,
			         SOURCE_MAX_ROWS);
			return FC_ELIMIT;
		}
		w = source_rows_add(out, c->rec_line);
		for (i = 0; map[i].name && !rc; i++)
			if (col[i] >= 0)
				rc = put(c, &map[i], source_csv_get(c, col[i]), order, w, err);
		if (!rc && !*w->key) {
			snprintf(key, sizeof(key), "%s.%s", w->host, w->domain);
			source_set(&w->key, *w->hw_uuid ? w->hw_uuid : key, true);
		}
	}
	return rc;
}

enum fc_rc source_read_sccm(struct source_csv *c, enum source_date_order order,
                            struct source_rows *out, char *err)
{
	return read_map(c, "sccm-csv", sccm_cols, order, out, err);
}

enum fc_rc source_read_intune(struct source_csv *c, enum source_date_order order,
                              struct source_rows *out, char *err)
{
	return read_map(c, "intune-csv", intune_cols, order, out, err);
}

/* String member key of o, "" when absent or null; false when of another
 * type or too long. */
static bool jstr(const cJSON *o, const char *key, const char **out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = "";
	if (!it || cJSON_IsNull(it))
		return true;
	if (!cJSON_IsString(it) || strlen(it->valuestring) > SOURCE_MAX_FIELD)
		return false;
	*out = it->valuestring;
	return true;
}

/* One managedDevice object into w. */
static enum fc_rc json_row(const char *path, size_t idx, const cJSON *d, struct sighting *w,
                           char *err)
{
	static const char *const keys[] = {
	    "id",           "deviceName",   "operatingSystem", "osVersion",
	    "serialNumber", "manufacturer", "lastSyncDateTime"};
	const char *v[7], *bad = NULL;
	char why[FC_ERRLEN] = "";
	size_t i;

	for (i = 0; i < 7 && !bad; i++)
		if (!jstr(d, keys[i], &v[i]))
			bad = keys[i];
	if (!bad && (!*v[0] || !*v[1]))
		bad = *v[0] ? "deviceName" : "id";
	if (!bad && *v[6] && source_parse_date(v[6], SOURCE_DATE_UNSET, &w->last_seen, why))
		bad = "lastSyncDateTime";
	if (bad) {
		snprintf(err, FC_ERRLEN, "%s: value[%zu]: member %s: %s", path, idx, bad,
		         *why ? why : "missing, empty or not a string");
		return FC_EPARSE;
	}
	source_set(&w->key, v[0], true);
	source_set_fqdn(w, v[1]);
	source_set(&w->os_name, v[2], false);
	source_set(&w->os_version, v[3], false);
	source_set(&w->serial, serial_usable(v[4]) ? v[4] : "", true);
	source_set(&w->maker, v[5], true);
	return FC_OK;
}

enum fc_rc source_read_intune_json(const char *path, const char *data, size_t len,
                                   struct source_rows *out, char *err)
{
	cJSON *doc = cJSON_ParseWithLength(data, len);
	const cJSON *list =
	    cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "value");
	const cJSON *d;
	enum fc_rc rc = FC_OK;
	size_t i = 0;

	if (!cJSON_IsArray(list)) {
		snprintf(err, FC_ERRLEN,
		         "%s: not a Graph managedDevices list (JSON with an array 'value')", path);
		rc = FC_EPARSE;
		goto out_delete;
	}
	cJSON_ArrayForEach(d, list)
	{
		if (i == SOURCE_MAX_ROWS) {
			snprintf(err, FC_ERRLEN, "%s: more than %d devices", path, SOURCE_MAX_ROWS);
			rc = FC_ELIMIT;
			break;
		}
		rc = cJSON_IsObject(d)
		         ? json_row(path, i, d, source_rows_add(out, 0), err)
		         : (snprintf(err, FC_ERRLEN, "%s: value[%zu]: not an object", path, i),
		            FC_EPARSE);
		if (rc)
			break;
		i++;
	}
out_delete:
	cJSON_Delete(doc);
	return rc;
}
