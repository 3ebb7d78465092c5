/* peer_glpi.c - a plain GLPI-format inventory (no content.fleetcensus) made
 * readable as one of ours. Pure: no database, no network, no logging.
 *
 * What is kept (docs/peer-agents.md, docs/privacy.md): the OS facts of
 * content.operatingsystem listed in os_keys, the hardware identity (UUID,
 * BIOS serial, MAC addresses: only as the keys of docs/identity.md, the
 * serial and MACs hashed), the software list and the readiness facts the
 * collector reads from hardware, bios and cpus. User names, processes,
 * environment variables, IP addresses and the rest are never copied out of
 * the parsed tree, which is gone when ingest_decode returns. */
#include "peer_glpi.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "fctime.h"
#include "json.h"
#include "sha256.h"
#include "uuid.h"

/* The members of content.operatingsystem that classification reads. */
static const char *const os_keys[] = {
    "name", "full_name", "version", "kernel_name", "kernel_version", "service_pack", "arch",
};

/* BIOS serial numbers that many machines share (firmware defaults). */
static const char *const serial_placeholders[] = {
    "",
    "0",
    "00000000",
    "0123456789",
    "123456789",
    "Default string",
    "None",
    "Not Applicable",
    "Not Available",
    "Not Specified",
    "System Serial Number",
    "To Be Filled By O.E.M.",
    "To be filled by O.E.M.",
    "Chassis Serial Number",
    "Base Board Serial Number",
    "Unknown",
};

static const char *str_item(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* c when it is visible ASCII other than a quote or backslash, else '?'. */
static char agent_char(char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?';
}

void peer_glpi_agent(const char *versionclient, char name[PEER_AGENT_LEN],
                     char version[PEER_AGENT_LEN])
{
	const char *v = versionclient ? strstr(versionclient, "_v") : NULL;
	size_t n, i;

	name[0] = version[0] = '\0';
	if (!versionclient)
		return;
	n = v ? (size_t)(v - versionclient) : strlen(versionclient);
	for (i = 0; i < n && i < PEER_AGENT_LEN - 1; i++)
		name[i] = agent_char(versionclient[i]);
	name[i] = '\0';
	if (!v)
		return;
	v += 2;
	for (i = 0; v[i] && i < PEER_AGENT_LEN - 1; i++)
		version[i] = agent_char(v[i]);
	version[i] = '\0';
}

/* 64 hex digits of SHA-256(tag "\n" value). */
static void key_hash(const char *tag, const char *value, char out[65])
{
	struct sha256 c;
	unsigned char d[SHA256_LEN];

	sha256_init(&c);
	sha256_update(&c, tag, strlen(tag));
	sha256_update(&c, "\n", 1);
	sha256_update(&c, value, strlen(value));
	sha256_final(&c, d);
	hex_encode(d, SHA256_LEN, out);
	out[64] = '\0';
}

static bool serial_usable(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(serial_placeholders) / sizeof(serial_placeholders[0]); i++)
		if (!strcasecmp(s, serial_placeholders[i]))
			return false;
	return strlen(s) >= 3 && strlen(s) <= 128;
}

/* A MAC address "aa:bb:cc:dd:ee:ff" (any case, ':' or '-') in lower case;
 * false when it is not one, or all zero, or locally administered (virtual
 * interfaces, randomised addresses). */
static bool mac_norm(const char *s, char out[18])
{
	size_t i;
	char d;

	if (strlen(s) != 17)
		return false;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':' && s[i] != '-')
				return false;
			out[i] = ':';
			continue;
		}
		d = uuid_hex_digit(s[i]);
		if (!d)
			return false;
		out[i] = d;
	}
	out[17] = '\0';
	d = out[1];
	return strcmp(out, "00:00:00:00:00:00") && !((d <= '9' ? d - '0' : d - 'a' + 10) & 2);
}

/* The lowest physical MAC address of content.networks ("" when none). */
static void lowest_mac(const cJSON *content, char out[18])
{
	const cJSON *nets = cJSON_GetObjectItemCaseSensitive(content, "networks"), *e, *v;
	const char *mac;
	char m[18];

	out[0] = '\0';
	if (!cJSON_IsArray(nets))
		return;
	for (e = nets->child; e; e = e->next) {
		mac = str_item(e, "mac");
		v = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "virtualdev") : NULL;
		if (!mac || cJSON_IsTrue(v) || (cJSON_IsNumber(v) && v->valuedouble != 0) ||
		    (cJSON_IsString(v) && !strcmp(v->valuestring, "1")))
			continue;
		if (mac_norm(mac, m) && (!out[0] || strcmp(m, out) < 0))
			memcpy(out, m, sizeof(m));
	}
}

/* An architecture as these agents write it, in the names classification
 * knows ("x64-based PC" from SCCM data, "64-bit", "x86_64", ...). */
static const char *arch_norm(const char *a)
{
	if (!a)
		return NULL;
	if (strstr(a, "ARM64") || strstr(a, "arm64") || strstr(a, "aarch64"))
		return "arm64";
	if (strstr(a, "x64") || strstr(a, "X64") || strstr(a, "64-bit") || strstr(a, "x86_64") ||
	    strstr(a, "amd64") || strstr(a, "AMD64"))
		return "x86_64";
	if (strstr(a, "x86") || strstr(a, "32-bit") || strstr(a, "i686") || strstr(a, "i386"))
		return "x86";
	return a;
}

/* True when s is "major.minor.build" (digits and two dots). */
static bool is_build_version(const char *s)
{
	size_t dots = 0;

	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (*s < '0' || *s > '9')
			return false;
	}
	return dots == 2;
}

/* Copies s into out (size bytes) with no-break spaces (U+00A0, in some
 * localised captions) made spaces, runs of spaces made one, and no space
 * at either end. */
static void spaces_norm(const char *s, char *out, size_t size)
{
	size_t n = 0;
	bool space = false;

	for (; *s && n + 1 < size; s++) {
		if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
			s++;
			space = true;
			continue;
		}
		if (*s == ' ' || *s == '\t') {
			space = true;
			continue;
		}
		if (space && n && n + 2 < size)
			out[n++] = ' ';
		space = false;
		out[n++] = *s;
	}
	out[n] = '\0';
}

/* The kept OS facts of content.operatingsystem, normalised: a Windows
 * build in the version field (SCCM-made inventories) is the kernel
 * version. */
static cJSON *os_facts(const cJSON *os)
{
	cJSON *out = cJSON_CreateObject();
	const char *v, *name = str_item(os, "full_name");
	bool windows = (name && strstr(name, "Windows")) ||
	               ((v = str_item(os, "name")) && strstr(v, "Windows"));
	char text[256];
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < sizeof(os_keys) / sizeof(os_keys[0]); i++) {
		v = str_item(os, os_keys[i]);
		if (!v)
			continue;
		if (!strcmp(os_keys[i], "arch"))
			v = arch_norm(v);
		if (!strcmp(os_keys[i], "full_name") || !strcmp(os_keys[i], "name")) {
			spaces_norm(v, text, sizeof(text));
			v = text;
		}
		if (!strcmp(os_keys[i], "version") && windows && is_build_version(v) &&
		    !str_item(os, "kernel_version"))
			json_add_str(out, "kernel_version", v);
		else
			json_add_str(out, os_keys[i], v);
	}
	return out;
}

static void new_report_id(char out[37])
{
	unsigned char b[16];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(b)) {
		n = getrandom(b + got, sizeof(b) - got, 0);
		if (n <= 0) { /* no entropy source: the clock and a counter */
			static unsigned long seq;
			unsigned long x = (unsigned long)time(NULL) ^ (++seq << 20);

			memcpy(b + got, &x,
			       sizeof(b) - got < sizeof(x) ? sizeof(b) - got : sizeof(x));
			got += sizeof(x);
			continue;
		}
		got += (size_t)n;
	}
	uuid_format_v4(b, out);
}

/* content.fleetcensus.sections, agent_id, machine_id and peer. */
static void add_keys(const cJSON *root, const cJSON *content, cJSON *fc)
{
	const char *deviceid = str_item(root, "deviceid");
	const char *serial = str_item(cJSON_GetObjectItemCaseSensitive(content, "bios"), "ssn");
	cJSON *sec = json_add_obj(fc, "sections"), *peer = json_add_obj(fc, "peer");
	char key[65], mac[18], name[PEER_AGENT_LEN], version[PEER_AGENT_LEN];

	json_add_str(sec, "os", "ok");
	json_add_str(sec, "software",
	             cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(content, "softwares"))
	                 ? "ok"
	                 : "skipped");
	if (deviceid && deviceid[0]) {
		key_hash("fleetcensus peer deviceid", deviceid, key);
		json_add_str(fc, "agent_id", key);
	}
	lowest_mac(content, mac);
	if (serial && serial_usable(serial)) {
		key_hash("fleetcensus peer serial", serial, key);
		json_add_str(fc, "machine_id", key);
	} else if (mac[0]) {
		key_hash("fleetcensus peer mac", mac, key);
		json_add_str(fc, "machine_id", key);
	}
	peer_glpi_agent(str_item(content, "versionclient"), name, version);
	json_add_str(peer, "agent", name);
	json_add_str(peer, "version", version);
}

enum fc_rc peer_glpi_adopt(cJSON *root, cJSON *content, char *err)
{
	const cJSON *os = cJSON_GetObjectItemCaseSensitive(content, "operatingsystem");
	const cJSON *sw = cJSON_GetObjectItemCaseSensitive(content, "softwares");
	char id[37], when[FCTIME_RFC3339_LEN];
	const char *vc;
	cJSON *fc, *facts;

	if (os && !cJSON_IsObject(os)) {
		snprintf(err, FC_ERRLEN, "content.operatingsystem: not an object");
		return FC_EPARSE;
	}
	if (sw && !cJSON_IsArray(sw)) {
		snprintf(err, FC_ERRLEN, "content.softwares: not an array");
		return FC_EPARSE;
	}
	vc = str_item(content, "versionclient");
	if ((!os && !vc && !cJSON_GetObjectItemCaseSensitive(content, "hardware")) ||
	    (vc && !strncmp(vc, "fleetcensus", 11))) {
		/* ours without its facts, or not an inventory: say what ours needs */
		snprintf(err, FC_ERRLEN, "content.fleetcensus: missing");
		return FC_EPARSE;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "partial")) && (!os || !sw)) {
		/* only the changed sections: storing it would lose the others */
		snprintf(err, FC_ERRLEN,
		         "partial inventory without content.%s: not counted (set the GLPI "
		         "agent's full-inventory-postpone = 0)",
		         os ? "softwares" : "operatingsystem");
		return FC_EPARSE;
	}
	fc = json_add_obj(content, "fleetcensus");
	facts = os_facts(os);
	if (!fc || !facts) {
		cJSON_Delete(facts);
		snprintf(err, FC_ERRLEN, "cannot build the stored facts: out of memory");
		return FC_ENOMEM;
	}
	while (cJSON_GetObjectItemCaseSensitive(content, "operatingsystem")) /* each copy */
		cJSON_DeleteItemFromObjectCaseSensitive(content, "operatingsystem");
	cJSON_AddItemToObject(content, "operatingsystem", facts);
	json_add_num(fc, "schema", 1);
	new_report_id(id);
	json_add_str(fc, "report_id", id);
	if (!fctime_format_rfc3339((int64_t)time(NULL), when))
		snprintf(when, sizeof(when), "1970-01-01T00:00:00Z");
	json_add_str(fc, "collected_at", when);
	add_keys(root, content, fc);
	return FC_OK;
}
