/* peer_ocs.c - OCS Inventory / FusionInventory XML messages into the facts
 * of a report. Pure: no database, no network, no logging.
 *
 * Order of checks (as ingest.c):
 *   1. size as received (413);
 *   2. zlib or gzip, told from the first bytes, inflated within the
 *      decompressed-size and ratio limits (413; 400 corrupt);
 *   3. the text: UTF-16 and NUL bytes refused, and any <!ENTITY declaration
 *      refused before the parser runs (billion laughs, external entities);
 *   4. libxml2 with XML_PARSE_NONET, without XML_PARSE_NOENT,
 *      XML_PARSE_DTDLOAD or XML_PARSE_HUGE (its own depth and size limits
 *      stay on); a document type with entities is refused again after;
 *   5. the kept fields (docs/peer-agents.md) are copied into a plain GLPI
 *      inventory, which ingest_decode then checks like any report. Text is
 *      read from text and CDATA nodes only: an entity reference is never
 *      expanded. */
#include "peer_ocs.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "gzip.h"
#include "json.h"
#include "xalloc.h"

#define OCS_RATIO_FLOOR ((size_t)1 << 20)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_setup(void)
{
	xmlInitParser();
}

void peer_ocs_global_init(void)
{
	pthread_once(&xml_once, xml_setup);
}

/* Skips a UTF-8 BOM and blanks. */
static size_t text_start(const unsigned char *p, size_t len)
{
	size_t i = 0;

	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

static bool is_compressed(const unsigned char *p, size_t len)
{
	return len >= 2 && ((p[0] == 0x1f && p[1] == 0x8b) ||
	                    ((p[0] & 0x0f) == 8 && ((p[0] << 8) | p[1]) % 31 == 0));
}

bool peer_ocs_sniff(const void *body, size_t len)
{
	const unsigned char *p = body;
	size_t i;

	if (is_compressed(p, len))
		return p[0] != 0x1f; /* zlib: these agents; gzip: ours too */
	i = text_start(p, len);
	return i < len && p[i] == '<';
}

enum fc_rc peer_ocs_inflate(const void *body, size_t len, const struct ingest_limits *lim,
                            struct buf *out, char *err)
{
	size_t max_out = lim->max_decompressed;
	char zerr[FC_ERRLEN];
	enum fc_rc rc;

	buf_init(out, 1);
	if (len > lim->max_body) {
		snprintf(err, FC_ERRLEN, "body is larger than %zu bytes", lim->max_body);
		return FC_ELIMIT;
	}
	if (!is_compressed(body, len)) {
		buf_init(out, lim->max_body + 1);
		return buf_add(out, body, len);
	}
	if (lim->max_ratio && len <= SIZE_MAX / lim->max_ratio && len * lim->max_ratio < max_out)
		max_out =
		    len * lim->max_ratio > OCS_RATIO_FLOOR ? len * lim->max_ratio : OCS_RATIO_FLOOR;
	if (max_out > lim->max_decompressed)
		max_out = lim->max_decompressed;
	buf_init(out, max_out + 1);
	rc = gzip_decompress(body, len, max_out, out, zerr);
	if (rc == FC_ELIMIT)
		snprintf(err, FC_ERRLEN, "decompressed body is larger than %zu bytes", max_out);
	else if (rc)
		snprintf(err, FC_ERRLEN, "compressed body (zlib or gzip): %s", zerr);
	return rc;
}

/* The checks on the raw text before libxml2 sees it. */
static enum fc_rc ocs_precheck(const struct buf *t, char *err)
{
	const unsigned char *p = (const unsigned char *)t->ptr;
	size_t i;

	if (t->len >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE))) {
		snprintf(err, FC_ERRLEN, "XML in UTF-16: not accepted (send UTF-8)");
		return FC_EPARSE;
	}
	if (memchr(p, '\0', t->len)) {
		snprintf(err, FC_ERRLEN, "XML with a NUL byte: not accepted");
		return FC_EPARSE;
	}
	i = text_start(p, t->len);
	if (i >= t->len || p[i] != '<') {
		snprintf(err, FC_ERRLEN, "not XML (does not start with '<')");
		return FC_EPARSE;
	}
	if (memmem(p, t->len, "<!ENTITY", 8)) {
		snprintf(err, FC_ERRLEN, "XML entity declarations are refused (<!ENTITY)");
		return FC_EPARSE;
	}
	return FC_OK;
}

/* The text of element n: its text and CDATA children, in order (entity
 * references are not expanded). The caller frees the result. */
static char *node_text(const xmlNode *n)
{
	const xmlNode *c;
	size_t total = 0, k;
	char *s, *p;

	for (c = n->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			total += strlen((const char *)c->content);
	p = s = xmalloc(total + 1);
	for (c = n->children; c; c = c->next) {
		if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
			continue;
		k = strlen((const char *)c->content);
		memcpy(p, c->content, k);
		p += k;
	}
	*p = '\0';
	return s;
}

static bool is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* The first child element of n called name, or NULL. */
static const xmlNode *child(const xmlNode *n, const char *name)
{
	const xmlNode *c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

/* One XML field copied into a JSON member. */
struct field {
	const char *xml, *json;
	bool number;
};

static const struct field hardware_fields[] = {
    {"NAME", "name", false}, {"UUID", "uuid", false}, {"MEMORY", "memory", true}, {0}};
static const struct field bios_fields[] = {{"SSN", "ssn", false},
                                           {"SMANUFACTURER", "smanufacturer", false},
                                           {"SMODEL", "smodel", false},
                                           {"BDATE", "bdate", false},
                                           {"BVERSION", "bversion", false},
                                           {"SECURE_BOOT", "secure_boot", false},
                                           {0}};
static const struct field os_fields[] = {{"NAME", "name", false},
                                         {"FULL_NAME", "full_name", false},
                                         {"VERSION", "version", false},
                                         {"KERNEL_NAME", "kernel_name", false},
                                         {"KERNEL_VERSION", "kernel_version", false},
                                         {"SERVICE_PACK", "service_pack", false},
                                         {"ARCH", "arch", false},
                                         {0}};
static const struct field cpu_fields[] = {{"MANUFACTURER", "manufacturer", false},
                                          {"NAME", "name", false},
                                          {"SPEED", "speed", true},
                                          {"CORE", "core", true},
                                          {"THREAD", "thread", true},
                                          {"FAMILYNUMBER", "familynumber", false},
                                          {"MODEL", "model", false},
                                          {"STEPPING", "stepping", true},
                                          {0}};
static const struct field sw_fields[] = {{"NAME", "name", false}, {"VERSION", "version", false},
                                         {"ARCH", "arch", false}, {"PUBLISHER", "publisher", false},
                                         {"FROM", "from", false}, {0}};
static const struct field net_fields[] = {
    {"MACADDR", "mac", false}, {"VIRTUALDEV", "virtualdev", false}, {0}};

/* A BIOS date MM/DD/YYYY as YYYY-MM-DD (GLPI's form); others as they are. */
static void add_value(cJSON *obj, const struct field *f, const char *v)
{
	char date[11];
	char *end;
	long long n;

	if (f->number) {
		n = strtoll(v, &end, 10);
		if (end != v && !*end && n >= 0 && n < (1LL << 40))
			json_add_num(obj, f->json, (double)n);
		return;
	}
	if (!strcmp(f->json, "bdate") && strlen(v) == 10 && v[2] == '/' && v[5] == '/') {
		snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", v + 6, v, v + 3);
		v = date;
	}
	json_add_str(obj, f->json, v);
}

/* The fields of section element sec into obj. */
static void copy_fields(const xmlNode *sec, const struct field *fields, cJSON *obj)
{
	const struct field *f;
	const xmlNode *e;
	char *v;

	for (f = fields; f->xml; f++) {
		e = child(sec, f->xml);
		if (!e || cJSON_GetObjectItemCaseSensitive(obj, f->json))
			continue;
		v = node_text(e);
		add_value(obj, f, v);
		free(v);
	}
}

/* Facts read from several places for the OS when there is no
 * OPERATINGSYSTEM section (older agents, the OCS agent). */
struct os_hints {
	char *osname, *osversion, *oscomments, *arch, *archname, *description, *env_arch,
	    *env_arch6432;
};

static void hints_release(struct os_hints *h)
{
	free(h->osname);
	free(h->osversion);
	free(h->oscomments);
	free(h->arch);
	free(h->archname);
	free(h->description);
	free(h->env_arch);
	free(h->env_arch6432);
}

static void take_text(const xmlNode *sec, const char *name, char **slot)
{
	const xmlNode *e = child(sec, name);

	if (e && !*slot)
		*slot = node_text(e);
}

/* ENVS: only the processor architecture (the OS's when a 32-bit agent ran
 * on a 64-bit Windows); every other variable is dropped unread. */
static void env_arch(const xmlNode *sec, struct os_hints *h)
{
	const xmlNode *k = child(sec, "KEY");
	char *key;

	if (!k)
		return;
	key = node_text(k);
	if (!strcmp(key, "PROCESSOR_ARCHITEW6432"))
		take_text(sec, "VAL", &h->env_arch6432);
	else if (!strcmp(key, "PROCESSOR_ARCHITECTURE"))
		take_text(sec, "VAL", &h->env_arch);
	free(key);
}

/* The OS facts from HARDWARE (and ENVS) when OPERATINGSYSTEM says less. */
static void os_fallback(cJSON *os, const struct os_hints *h)
{
	const char *arch = h->env_arch6432 ? h->env_arch6432 : h->env_arch;
	bool windows = h->osname && strstr(h->osname, "Windows");
	const char *p;
	char ver[32];
	size_t n;

	if (!cJSON_GetObjectItemCaseSensitive(os, "full_name") &&
	    !cJSON_GetObjectItemCaseSensitive(os, "name") && h->osname) {
		json_add_str(os, "full_name", h->osname);
		if (h->osversion)
			json_add_str(os, "kernel_version", h->osversion);
		if (windows && h->oscomments)
			json_add_str(os, "service_pack", h->oscomments);
		for (p = h->osname; *p && (*p < '0' || *p > '9'); p++)
			;
		n = strspn(p, "0123456789.");
		if (!windows && n && n < sizeof(ver)) {
			memcpy(ver, p, n);
			ver[n] = '\0';
			json_add_str(os, "version", ver);
		}
		if (!windows && strstr(h->osname, "Linux"))
			json_add_str(os, "kernel_name", "linux");
	}
	if (cJSON_GetObjectItemCaseSensitive(os, "arch"))
		return;
	if (!arch && h->arch)
		arch = h->arch;
	if (arch) {
		json_add_str(os, "arch", arch);
	} else if (h->description && h->osname && !windows && strchr(h->description, '/')) {
		/* the OCS agent: "x86_64/00-00-00 00:43:41" (machine/uptime) */
		n = strcspn(h->description, "/");
		if (n && n < sizeof(ver)) {
			memcpy(ver, h->description, n);
			ver[n] = '\0';
			json_add_str(os, "arch", ver);
		}
	} else if (h->archname && h->osname && !windows) {
		/* the agent's Perl ("i686-linux-thread-multi"): the OS's on
		 * Linux, not on Windows (a 32-bit Perl on a 64-bit system) */
		n = strcspn(h->archname, "-");
		if (n && n < sizeof(ver)) {
			memcpy(ver, h->archname, n);
			ver[n] = '\0';
			json_add_str(os, "arch", ver);
		}
	}
}

/* One element of CONTENT into the JSON content. */
static void content_elem(const xmlNode *e, cJSON *content, cJSON *os, cJSON *sw, cJSON *cpus,
                         cJSON *nets, struct os_hints *h)
{
	const char *name = (const char *)e->name;
	cJSON *o;
	char *v;

	if (!strcmp(name, "SOFTWARES")) {
		o = cJSON_CreateObject();
		copy_fields(e, sw_fields, o);
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "name")) &&
		    cJSON_GetObjectItemCaseSensitive(o, "name")->valuestring[0])
			cJSON_AddItemToArray(sw, o);
		else
			cJSON_Delete(o);
	} else if (!strcmp(name, "HARDWARE")) {
		o = cJSON_GetObjectItemCaseSensitive(content, "hardware");
		copy_fields(e, hardware_fields, o ? o : json_add_obj(content, "hardware"));
		take_text(e, "OSNAME", &h->osname);
		take_text(e, "OSVERSION", &h->osversion);
		take_text(e, "OSCOMMENTS", &h->oscomments);
		take_text(e, "ARCH", &h->arch);
		take_text(e, "ARCHNAME", &h->archname);
		take_text(e, "DESCRIPTION", &h->description);
	} else if (!strcmp(name, "BIOS")) {
		copy_fields(e, bios_fields, json_add_obj(content, "bios"));
	} else if (!strcmp(name, "OPERATINGSYSTEM")) {
		copy_fields(e, os_fields, os);
	} else if (!strcmp(name, "CPUS")) {
		o = cJSON_CreateObject();
		copy_fields(e, cpu_fields, o);
		cJSON_AddItemToArray(cpus, o);
	} else if (!strcmp(name, "NETWORKS")) {
		o = cJSON_CreateObject();
		copy_fields(e, net_fields, o);
		cJSON_AddItemToArray(nets, o);
	} else if (!strcmp(name, "ENVS")) {
		env_arch(e, h);
	} else if (!strcmp(name, "VERSIONCLIENT") &&
	           !cJSON_GetObjectItemCaseSensitive(content, "versionclient")) {
		v = node_text(e);
		json_add_str(content, "versionclient", v);
		free(v);
	}
}

/* The kept facts of REQUEST/CONTENT as a plain GLPI inventory. */
static cJSON *ocs_inventory(const xmlNode *content_el, const char *deviceid, const char *user_agent)
{
	cJSON *root = cJSON_CreateObject(), *content, *os, *sw, *cpus, *nets;
	struct os_hints h = {0};
	const xmlNode *e;

	json_add_str(root, "deviceid", deviceid);
	json_add_str(root, "itemtype", "Computer");
	content = json_add_obj(root, "content");
	os = json_add_obj(content, "operatingsystem");
	sw = json_add_arr(content, "softwares");
	cpus = json_add_arr(content, "cpus");
	nets = json_add_arr(content, "networks");
	for (e = content_el->children; e; e = e->next)
		if (e->type == XML_ELEMENT_NODE)
			content_elem(e, content, os, sw, cpus, nets, &h);
	os_fallback(os, &h);
	if (!cJSON_GetObjectItemCaseSensitive(content, "versionclient"))
		json_add_str(content, "versionclient", user_agent);
	hints_release(&h);
	return root;
}

/* Copies the text of e into out (size bytes), printable ASCII only. */
static void small_text(const xmlNode *e, char *out, size_t size)
{
	char *v = e ? node_text(e) : NULL;
	size_t i;

	out[0] = '\0';
	if (!v)
		return;
	for (i = 0; v[i] && i + 1 < size; i++)
		out[i] = v[i] > 0x20 && v[i] < 0x7f ? v[i] : '?';
	out[i] = '\0';
	free(v);
}

/* Parses t into *doc; err says where it is not well formed. */
static enum fc_rc ocs_parse(const struct buf *t, xmlDoc **doc, char *err)
{
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlParserCtxt *ctx = xmlNewParserCtxt();
	const xmlError *e;
	size_t n;

	*doc = NULL;
	if (!ctx) {
		snprintf(err, FC_ERRLEN, "XML parser: out of memory");
		return FC_ENOMEM;
	}
	*doc = xmlCtxtReadMemory(ctx, t->ptr, (int)t->len, "request.xml", NULL, opts);
	if (!*doc || !ctx->wellFormed) {
		e = xmlCtxtGetLastError(ctx);
		snprintf(err, FC_ERRLEN, "XML not well formed at line %d: %s", e ? e->line : 0,
		         e && e->message ? e->message : "unknown error");
		for (n = strlen(err); n && (err[n - 1] == '\n' || err[n - 1] == ' '); n--)
			err[n - 1] = '\0';
		for (n = 0; err[n]; n++) /* libxml2 quotes the input: one printable line */
			if ((unsigned char)err[n] < 0x20 || (unsigned char)err[n] >= 0x7f)
				err[n] = '?';
		xmlFreeDoc(*doc);
		*doc = NULL;
		xmlFreeParserCtxt(ctx);
		return FC_EPARSE;
	}
	xmlFreeParserCtxt(ctx);
	if ((*doc)->intSubset && ((*doc)->intSubset->entities || (*doc)->intSubset->pentities)) {
		snprintf(err, FC_ERRLEN, "XML entity declarations are refused (<!ENTITY)");
		xmlFreeDoc(*doc);
		*doc = NULL;
		return FC_EPARSE;
	}
	return FC_OK;
}

/* REQUEST's query and deviceid; for an INVENTORY, its facts into out. */
static enum fc_rc ocs_request(const xmlNode *req, const struct ingest_limits *lim,
                              struct peer_ocs_msg *msg, struct ingest_report *out, int *http_status,
                              char *err)
{
	const xmlNode *content = child(req, "CONTENT");
	cJSON *inv;
	char *text;
	enum fc_rc rc;

	small_text(child(req, "QUERY"), msg->query, sizeof(msg->query));
	small_text(child(req, "DEVICEID"), msg->deviceid, sizeof(msg->deviceid));
	if (!msg->deviceid[0] && content)
		small_text(child(content, "DEVICEID"), msg->deviceid, sizeof(msg->deviceid));
	if (!msg->query[0]) {
		snprintf(err, FC_ERRLEN, "REQUEST/QUERY: missing");
		return FC_EPARSE;
	}
	if (strcmp(msg->query, "INVENTORY"))
		return FC_OK;
	if (!content) {
		snprintf(err, FC_ERRLEN, "REQUEST/CONTENT: missing in an INVENTORY");
		return FC_EPARSE;
	}
	inv = ocs_inventory(content, msg->deviceid, msg->user_agent);
	text = inv ? cJSON_PrintUnformatted(inv) : NULL;
	cJSON_Delete(inv);
	if (!text) {
		snprintf(err, FC_ERRLEN, "cannot build the inventory: out of memory");
		return FC_ENOMEM;
	}
	rc = ingest_decode(text, strlen(text), NULL, lim, out, http_status, err);
	cJSON_free(text);
	return rc;
}

enum fc_rc peer_ocs_decode(const void *body, size_t len, const struct ingest_limits *lim,
                           struct peer_ocs_msg *msg, struct ingest_report *out, int *http_status,
                           char *err)
{
	struct buf text;
	xmlDoc *doc = NULL;
	const xmlNode *root;
	enum fc_rc rc;

	msg->query[0] = msg->deviceid[0] = '\0';
	err[0] = '\0';
	*http_status = 400;
	peer_ocs_global_init();
	rc = peer_ocs_inflate(body, len, lim, &text, err);
	if (!rc)
		rc = ocs_precheck(&text, err);
	if (!rc && text.len > INT32_MAX) {
		snprintf(err, FC_ERRLEN, "body is larger than %d bytes", INT32_MAX);
		rc = FC_ELIMIT;
	}
	if (!rc)
		rc = ocs_parse(&text, &doc, err);
	buf_release(&text);
	if (rc)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (!root || !is_elem(root, "REQUEST")) {
		snprintf(err, FC_ERRLEN, "XML root element is not REQUEST");
		rc = FC_EPARSE;
	} else {
		rc = ocs_request(root, lim, msg, out, http_status, err);
	}
	xmlFreeDoc(doc);
out:
	if (rc == FC_ELIMIT)
		*http_status = 413;
	else if (rc == FC_OK)
		*http_status = 200;
	else if (rc == FC_EUSAGE)
		*http_status = 415;
	else
		*http_status = *http_status >= 400 && *http_status < 500 ? *http_status : 400;
	if (rc && !err[0])
		snprintf(err, FC_ERRLEN, "%s", fc_strerror(rc));
	return rc == FC_ENOMEM ? FC_EPARSE : rc;
}
