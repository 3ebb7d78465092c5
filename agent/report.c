/* report.c - build one inventory report. */
#include "report.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "sha256.h"
#include "xalloc.h"

#define ARCH_SLOTS 8

struct pkg_ctx {
	cJSON *arr;
	cJSON *updates; /* Windows updates and hotfixes, or NULL */
	long count;
	struct {
		char name[32];
		long n;
	} arch[ARCH_SLOTS];
};

static enum fc_rc add_pkg(const struct fc_pkg *p, void *vctx)
{
	struct pkg_ctx *ctx = vctx;
	cJSON *o;
	int i;

	if (ctx->count >= PKG_MAX_COUNT)
		return FC_ELIMIT;
	if (p->is_update && !ctx->updates)
		ctx->updates = cJSON_CreateArray();
	o = cJSON_CreateObject();
	if (!o || !cJSON_AddItemToArray(p->is_update ? ctx->updates : ctx->arr, o)) {
		LOG_ERR("out of memory building JSON");
		abort();
	}
	json_add_str(o, "name", p->name);
	json_add_str(o, "version", p->version);
	if (p->arch && *p->arch)
		json_add_str(o, "arch", p->arch);
	if (p->publisher && *p->publisher)
		json_add_str(o, "publisher", p->publisher);
	json_add_str(o, "from", p->from);
	json_add_str(o, "system_category", p->system_category);
	json_add_str(o, "userid", p->userid);
	if (p->is_update)
		return FC_OK;
	ctx->count++;
	if (!p->arch || !*p->arch || !strcmp(p->arch, "all") || !strcmp(p->arch, "noarch") ||
	    !strcmp(p->arch, "any") || strlen(p->arch) >= sizeof(ctx->arch[0].name))
		return FC_OK;
	for (i = 0; i < ARCH_SLOTS; i++) {
		if (!ctx->arch[i].n)
			snprintf(ctx->arch[i].name, sizeof(ctx->arch[i].name), "%s", p->arch);
		if (!strcmp(ctx->arch[i].name, p->arch)) {
			ctx->arch[i].n++;
			break;
		}
	}
	return FC_OK;
}

/* The packages' own architecture names, in the kernel's (uname -m) words. */
static const char *arch_uname_name(const char *a)
{
	static const char *const map[][2] = {
	    {"amd64", "x86_64"},    {"arm64", "aarch64"}, {"i386", "i686"},    {"armhf", "armv7l"},
	    {"ppc64el", "ppc64le"}, {"x86", "i686"},      {"armv7h", "armv7l"}};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(a, map[i][0]))
			return map[i][1];
	return a;
}

/* With --root the packages witness the architecture better than the running
 * kernel; the most common package architecture wins. */
static const char *witness_arch(const struct pkg_ctx *ctx)
{
	int i, best = -1;

	for (i = 0; i < ARCH_SLOTS; i++)
		if (ctx->arch[i].n && (best < 0 || ctx->arch[i].n > ctx->arch[best].n))
			best = i;
	return best < 0 ? NULL : arch_uname_name(ctx->arch[best].name);
}

static void add_operatingsystem(cJSON *content, const struct os_facts *f, const char *arch)
{
	cJSON *os = json_add_obj(content, "operatingsystem");
	const char *name = kvlist_get(&f->osrel, "NAME");
	const char *full = kvlist_get(&f->osrel, "PRETTY_NAME");
	const char *version = kvlist_get(&f->osrel, "VERSION_ID");

	if (f->os_name) {
		name = f->os_name;
		full = f->os_full_name;
		version = f->os_version;
	}

	if (!f->osrel.n && f->release_files.n) {
		full = f->release_files.items[0].value;
		name = full;
	}
	json_add_str(os, "name", name ? name : "Linux");
	json_add_str(os, "full_name", full ? full : name);
	json_add_str(os, "version", version);
	json_add_str(os, "kernel_name", f->kernel_name);
	json_add_str(os, "kernel_version", f->kernel_version);
	json_add_str(os, "arch", arch);
	json_add_str(os, "fqdn", f->fqdn);
	json_add_str(os, "dns_domain", f->dns_domain);
	json_add_str(os, "service_pack", f->service_pack);
}

static void add_win_num(cJSON *o, const char *key, long long v)
{
	if (v >= 0)
		json_add_num(o, key, (double)v);
}

static void add_win_flag(cJSON *o, const char *key, int v)
{
	if (v >= 0 && !cJSON_AddBoolToObject(o, key, v != 0)) {
		LOG_ERR("out of memory building JSON");
		abort();
	}
}

/* content.fleetcensus.windows: the raw version facts of a Windows machine
 * (keys: docs/protocol.md; collector/classify.c reads them). */
static void add_windows(cJSON *ext, const struct win_facts *w)
{
	cJSON *o = json_add_obj(ext, "windows");

	add_win_num(o, "major", w->major);
	add_win_num(o, "minor", w->minor);
	add_win_num(o, "build", w->build);
	add_win_num(o, "ubr", w->ubr);
	add_win_num(o, "product_type", w->product_type);
	add_win_num(o, "suite_mask", w->suite_mask);
	json_add_str(o, "product_name", w->product_name);
	json_add_str(o, "edition_id", w->edition_id);
	json_add_str(o, "display_version", w->display_version);
	json_add_str(o, "release_id", w->release_id);
	json_add_str(o, "csd_version", w->csd_version);
	json_add_str(o, "installation_type", w->installation_type);
	json_add_str(o, "current_version", w->current_version);
	add_win_num(o, "current_major_version_number", w->reg_major);
	add_win_num(o, "current_minor_version_number", w->reg_minor);
	add_win_num(o, "current_build_number", w->reg_build);
	json_add_str(o, "native_arch", w->native_arch);
	add_win_flag(o, "embedded", w->embedded);
	add_win_flag(o, "posready", w->posready);
	add_win_flag(o, "media_center", w->media_center);
	add_win_flag(o, "tablet_pc", w->tablet_pc);
	add_win_flag(o, "starter", w->starter);
	add_win_num(o, "server_r2", w->server_r2);
}

static void add_hardware(cJSON *content, const struct os_facts *f, const struct hw_facts *h)
{
	cJSON *hw = json_add_obj(content, "hardware"), *bios, *nets, *n;
	size_t i;

	json_add_str(hw, "name", f->hostname);
	json_add_str(hw, "uuid", kvlist_get(&h->dmi, "product_uuid"));
	if (h->memory_mb >= 0)
		json_add_num(hw, "memory", (double)h->memory_mb);
	json_add_str(hw, "vmsystem", h->vmsystem);
	json_add_str(hw, "workgroup", f->workgroup);
	json_add_str(hw, "chassis_type", kvlist_get(&h->dmi, "chassis_type"));
	bios = json_add_obj(content, "bios");
	json_add_str(bios, "ssn", kvlist_get(&h->dmi, "product_serial"));
	json_add_str(bios, "smanufacturer", kvlist_get(&h->dmi, "sys_vendor"));
	json_add_str(bios, "smodel", kvlist_get(&h->dmi, "product_name"));
	json_add_str(bios, "bmanufacturer", kvlist_get(&h->dmi, "bios_vendor"));
	json_add_str(bios, "bversion", kvlist_get(&h->dmi, "bios_version"));
	json_add_str(bios, "mmanufacturer", kvlist_get(&h->dmi, "board_vendor"));
	json_add_str(bios, "mmodel", kvlist_get(&h->dmi, "board_name"));
	json_add_str(bios, "msn", kvlist_get(&h->dmi, "board_serial"));
	if (h->cpu_model || h->cpu_count > 0) {
		cJSON *cpus = json_add_arr(content, "cpus"), *c = cJSON_CreateObject();

		cJSON_AddItemToArray(cpus, c);
		json_add_str(c, "name", h->cpu_model);
		if (h->cpu_count > 0)
			json_add_num(c, "core", (double)h->cpu_count);
	}
	nets = json_add_arr(content, "networks");
	for (i = 0; i < h->macs.n; i++) {
		n = cJSON_CreateObject();
		cJSON_AddItemToArray(nets, n);
		json_add_str(n, "description", h->macs.items[i].key);
		json_add_str(n, "mac", h->macs.items[i].value);
	}
}

static void add_kvlist(cJSON *parent, const char *key, const struct kvlist *l)
{
	cJSON *o = json_add_obj(parent, key);
	size_t i;

	for (i = 0; i < l->n; i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(o, l->items[i].key);
		json_add_str(o, l->items[i].key, l->items[i].value);
	}
}

enum fc_rc report_hash_machine_id(const char *machine_id, char out[33])
{
	unsigned char key[16], app[16], mac[SHA256_LEN];
	size_t i;

	if (strlen(machine_id) != 32)
		return FC_EPARSE;
	for (i = 0; i < 16; i++) {
		if (sscanf(machine_id + 2 * i, "%2hhx", &key[i]) != 1 ||
		    sscanf(REPORT_APP_ID + 2 * i, "%2hhx", &app[i]) != 1)
			return FC_EPARSE;
	}
	hmac_sha256(key, sizeof(key), app, sizeof(app), mac);
	mac[6] = (unsigned char)((mac[6] & 0x0F) | 0x40);
	mac[8] = (unsigned char)((mac[8] & 0x3F) | 0x80);
	hex_encode(mac, 16, out);
	return FC_OK;
}

static void add_extension(cJSON *content, const struct report_ids *ids, const struct os_facts *f,
                          const struct hw_facts *h, const struct report_summary *sum)
{
	cJSON *ext = json_add_obj(content, "fleetcensus"), *sec, *errs;
	char hashed[33];

	json_add_num(ext, "schema", 1);
	json_add_str(ext, "report_id", ids->report_id);
	json_add_str(ext, "collected_at", ids->collected_at);
	json_add_str(ext, "agent_id", ids->agent_id);
	if (h->machine_id && report_hash_machine_id(h->machine_id, hashed) == FC_OK)
		json_add_str(ext, "machine_id", hashed);
	sec = json_add_obj(ext, "sections");
	json_add_str(sec, "os", section_status_name(sum->os));
	json_add_str(sec, "software", section_status_name(sum->software));
	json_add_str(sec, "hardware", section_status_name(sum->hardware));
	errs = json_add_obj(ext, "errors");
	if (sum->os != SECTION_OK)
		json_add_str(errs, "os", f->err);
	if (sum->software != SECTION_OK)
		json_add_str(errs, "software", sum->software_err);
	if (sum->hardware != SECTION_OK)
		json_add_str(errs, "hardware", h->err);
	if (f->osrel.n)
		add_kvlist(ext, "os_release", &f->osrel);
	if (f->release_files.n)
		add_kvlist(ext, "release_files", &f->release_files);
	if (f->win.present)
		add_windows(ext, &f->win);
}

char *report_windows_json(const struct win_facts *w)
{
	cJSON *ext = cJSON_CreateObject();
	char *s;

	if (!ext)
		return NULL;
	add_windows(ext, w);
	s = cJSON_PrintUnformatted(cJSON_GetObjectItem(ext, "windows"));
	cJSON_Delete(ext);
	return s;
}

/* Collects the packages into content.softwares; on failure the list is
 * dropped, so that a failed section is never read as a short one. */
static void add_software(const char *root, cJSON *content, struct pkg_ctx *ctx,
                         struct report_summary *sum)
{
	int found = 0;
	enum fc_rc rc;

	ctx->arr = json_add_arr(content, "softwares");
	rc = os_each_package(root, add_pkg, ctx, &found, sum->software_err);
	if (rc == FC_ELIMIT && !sum->software_err[0])
		snprintf(sum->software_err, sizeof(sum->software_err), "more than %d packages",
		         PKG_MAX_COUNT);
	if (rc) {
		LOG_WARN("software: %s", sum->software_err);
		sum->software = SECTION_FAILED;
	} else if (!found) {
		snprintf(sum->software_err, sizeof(sum->software_err),
		         "no package database found (dpkg, rpm, apk, pacman)");
		sum->software = SECTION_SKIPPED;
	}
	if (sum->software != SECTION_OK) {
		cJSON_DeleteItemFromObjectCaseSensitive(content, "softwares");
		cJSON_Delete(ctx->updates);
		ctx->updates = NULL;
		ctx->count = 0;
	}
	sum->packages = ctx->count;
}

enum fc_rc report_build(const char *root, const struct report_ids *ids, char **json,
                        struct report_summary *sum)
{
	struct os_facts f;
	struct hw_facts h;
	struct pkg_ctx ctx;
	cJSON *doc = cJSON_CreateObject(), *content;
	const char *arch;
	char deviceid[400];
	bool at_root = root && strcmp(root, "/");

	memset(&ctx, 0, sizeof(ctx));
	memset(sum, 0, sizeof(*sum));
	os_facts_init(&f);
	hw_facts_init(&h);
	os_get_info(root, &f);
	os_get_hardware(root, &h);
	sum->os = f.status;
	sum->hardware = h.status;
	snprintf(deviceid, sizeof(deviceid), "%s-%s", f.hostname, ids->since);
	json_add_str(doc, "deviceid", deviceid);
	json_add_str(doc, "itemtype", "Computer");
	json_add_str(doc, "action", "inventory");
	content = json_add_obj(doc, "content");
	json_add_str(content, "versionclient", "fleetcensus-agent_v" FC_VERSION);
	add_software(root, content, &ctx, sum);
	arch = at_root ? witness_arch(&ctx) : NULL;
	add_operatingsystem(content, &f, arch ? arch : f.kernel_arch);
	add_hardware(content, &f, &h);
	add_extension(content, ids, &f, &h, sum);
	if (ctx.updates)
		cJSON_AddItemToObject(cJSON_GetObjectItem(content, "fleetcensus"), "updates",
		                      ctx.updates);
	*json = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	os_facts_release(&f);
	hw_facts_release(&h);
	if (!*json) {
		LOG_ERR("out of memory printing JSON");
		return FC_ENOMEM;
	}
	return FC_OK;
}
