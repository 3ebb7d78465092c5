/* inventory.c - build one inventory report, streamed as JSON text to a sink:
 * nothing of the package list is kept in memory but the digest and the
 * architecture counts, so memory does not grow with the number of packages. */
#include "inventory.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "platform.h"
#include "sha256.h"
#include "utf8.h"
#include "xalloc.h"

#define ARCH_SLOTS 8
#define JW_BUF 16384
#define JW_DEPTH 8
/* The Windows updates list is kept in memory until the extension is written
 * (a few hundred entries on a real machine). */
#define REPORT_UPDATES_MAX ((size_t)8 << 20)

/* A streaming JSON writer: output is buffered and handed to the sink. */
struct jw {
	const struct inventory_sink *sink;
	enum fc_rc rc; /* the first sink error; later output is dropped */
	int depth;
	bool first[JW_DEPTH]; /* nothing written yet in the object/array at that depth */
	size_t len;
	char buf[JW_BUF];
};

struct inventory {
	char *root;
	struct inventory_ids ids;
	struct os_facts f;
	struct hw_facts h;
	struct inventory_summary sum;
	const char *arch; /* operatingsystem.arch: kernel_arch or arch_buf */
	char arch_buf[32];
	bool listed; /* a full report has been written (sum.software is known) */
	struct buf updates; /* content.fleetcensus.updates' elements as JSON text */
};

struct pkg_ctx {
	struct jw *w;
	struct jw *uw; /* the updates list, into struct inventory's updates */
	long count;
	struct sha256 digest; /* over the list as sent: docs/protocol.md */
	struct {
		char name[32];
		long n;
	} arch[ARCH_SLOTS];
};

static void jw_init(struct jw *w, const struct inventory_sink *sink)
{
	w->sink = sink;
	w->rc = FC_OK;
	w->depth = 0;
	w->first[0] = true;
	w->len = 0;
}

static void jw_flush(struct jw *w)
{
	if (w->len && !w->rc)
		w->rc = w->sink->write(w->sink->ctx, w->buf, w->len);
	w->len = 0;
}

static void jw_raw(struct jw *w, const char *s, size_t n)
{
	size_t k;

	while (n > 0) {
		if (w->len == sizeof(w->buf))
			jw_flush(w);
		k = sizeof(w->buf) - w->len < n ? sizeof(w->buf) - w->len : n;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
	}
}

/* A comma unless this is the first member or element at this depth. */
static void jw_sep(struct jw *w)
{
	if (!w->first[w->depth])
		jw_raw(w, ",", 1);
	w->first[w->depth] = false;
}

/* Writes s, valid UTF-8, as a JSON string. */
static void jw_quote(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	char esc[6] = {'\\', 'u', '0', '0', 0, 0};

	jw_raw(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		jw_raw(w, run, (size_t)(s - run));
		run = s + 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			jw_raw(w, esc, 2);
			esc[1] = 'u';
		} else if (c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f') {
			esc[1] = c == '\n'   ? 'n'
			         : c == '\t' ? 't'
			         : c == '\r' ? 'r'
			         : c == '\b' ? 'b'
			                     : 'f';
			jw_raw(w, esc, 2);
			esc[1] = 'u';
		} else {
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			jw_raw(w, esc, 6);
		}
	}
	jw_raw(w, run, (size_t)(s - run));
	jw_raw(w, "\"", 1);
}

static void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	jw_quote(w, key);
	jw_raw(w, ":", 1);
}

/* Opens an object or array ('{' or '['), as a member named key or (key
 * NULL) as an array element. */
static void jw_open(struct jw *w, const char *key, char c)
{
	if (key)
		jw_key(w, key);
	else
		jw_sep(w);
	jw_raw(w, &c, 1);
	if (w->depth + 1 >= JW_DEPTH) {
		LOG_ERR("JSON nesting too deep");
		abort(); /* a programming error: the report's shape is fixed */
	}
	w->first[++w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	jw_raw(w, &c, 1);
	w->depth--;
}

/* key: s, with ill-formed UTF-8 replaced by U+FFFD; nothing when s is NULL.
 * Returns the string as written (s, or *clean which the caller frees). */
static const char *jw_str(struct jw *w, const char *key, const char *s, char **clean)
{
	*clean = NULL;
	if (!s)
		return NULL;
	if (!utf8_valid(s, strlen(s))) {
		*clean = utf8_sanitize(s, strlen(s));
		s = *clean;
	}
	jw_key(w, key);
	jw_quote(w, s);
	return s;
}

static void jw_kstr(struct jw *w, const char *key, const char *s)
{
	char *clean;

	jw_str(w, key, s, &clean);
	free(clean);
}

static void jw_knum(struct jw *w, const char *key, long long n)
{
	char num[32];

	jw_key(w, key);
	jw_raw(w, num, (size_t)snprintf(num, sizeof(num), "%lld", n));
}

static void jw_kbool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

/* Writes key: s of a package and feeds the string as sent, or "" when
 * absent, and a NUL to the digest. Optional fields are left out when empty. */
static void pkg_field(struct pkg_ctx *ctx, const char *key, const char *s, bool optional)
{
	const char *sent;
	char *clean;

	if (optional && s && !*s)
		s = NULL;
	sent = jw_str(ctx->w, key, s, &clean);
	if (sent)
		sha256_update(&ctx->digest, sent, strlen(sent) + 1);
	else
		sha256_update(&ctx->digest, "", 1);
	free(clean);
}

static void count_arch(struct pkg_ctx *ctx, const char *a)
{
	int i;

	if (!a || !*a || !strcmp(a, "all") || !strcmp(a, "noarch") || !strcmp(a, "any") ||
	    strlen(a) >= sizeof(ctx->arch[0].name))
		return;
	for (i = 0; i < ARCH_SLOTS; i++) {
		if (!ctx->arch[i].n)
			snprintf(ctx->arch[i].name, sizeof(ctx->arch[i].name), "%s", a);
		if (!strcmp(ctx->arch[i].name, a)) {
			ctx->arch[i].n++;
			break;
		}
	}
}

/* A Windows update or hotfix: into content.fleetcensus.updates, with the
 * fields of a package; neither counted nor part of the digest. */
static enum fc_rc add_update(const struct fc_pkg *p, struct jw *w)
{
	jw_open(w, NULL, '{');
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "version", p->version);
	jw_kstr(w, "arch", p->arch && *p->arch ? p->arch : NULL);
	jw_kstr(w, "publisher", p->publisher && *p->publisher ? p->publisher : NULL);
	jw_kstr(w, "from", p->from);
	jw_kstr(w, "system_category", p->system_category);
	jw_kstr(w, "userid", p->userid);
	jw_close(w, '}');
	return w->rc;
}

static enum fc_rc add_pkg(const struct fc_pkg *p, void *vctx)
{
	struct pkg_ctx *ctx = vctx;

	if (ctx->count >= PKG_MAX_COUNT)
		return FC_ELIMIT;
	if (p->is_update)
		return add_update(p, ctx->uw);
	if (ctx->count == 0)
		jw_open(ctx->w, "softwares", '[');
	jw_open(ctx->w, NULL, '{');
	pkg_field(ctx, "name", p->name, false);
	pkg_field(ctx, "version", p->version, false);
	pkg_field(ctx, "arch", p->arch, true);
	pkg_field(ctx, "publisher", p->publisher, true);
	pkg_field(ctx, "from", p->from, false);
	/* Windows only, and not part of the digest (docs/protocol.md) */
	jw_kstr(ctx->w, "system_category", p->system_category);
	jw_kstr(ctx->w, "userid", p->userid);
	jw_close(ctx->w, '}');
	ctx->count++;
	count_arch(ctx, p->arch);
	return ctx->w->rc;
}

/* The packages' own architecture names, in the kernel's (uname -m) words;
 * NULL for a name the kernel shares. */
static const char *arch_uname_name(const char *a)
{
	static const char *const map[][2] = {
	    {"amd64", "x86_64"},    {"arm64", "aarch64"}, {"i386", "i686"},    {"armhf", "armv7l"},
	    {"ppc64el", "ppc64le"}, {"x86", "i686"},      {"armv7h", "armv7l"}};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(a, map[i][0]))
			return map[i][1];
	return NULL;
}

/* With --root the packages witness the architecture better than the running
 * kernel; the most common package architecture wins, written to name.
 * Returns false when no package has one. */
static bool witness_arch(const struct pkg_ctx *ctx, char name[32])
{
	const char *mapped;
	int i, best = -1;

	for (i = 0; i < ARCH_SLOTS; i++)
		if (ctx->arch[i].n && (best < 0 || ctx->arch[i].n > ctx->arch[best].n))
			best = i;
	if (best < 0)
		return false;
	mapped = arch_uname_name(ctx->arch[best].name);
	snprintf(name, 32, "%s", mapped ? mapped : ctx->arch[best].name);
	return true;
}

static void write_operatingsystem(struct jw *w, const struct os_facts *f, const char *arch)
{
	const char *name = kvlist_get(&f->osrel, "NAME");
	const char *full = kvlist_get(&f->osrel, "PRETTY_NAME");
	const char *version = kvlist_get(&f->osrel, "VERSION_ID");

	if (f->os_name) { /* a probe without os-release (Windows) */
		name = f->os_name;
		full = f->os_full_name;
		version = f->os_version;
	}
	if (!f->osrel.n && f->release_files.n) {
		full = f->release_files.items[0].value;
		name = full;
	}
	jw_open(w, "operatingsystem", '{');
	jw_kstr(w, "name", name ? name : "Linux");
	jw_kstr(w, "full_name", full ? full : name);
	jw_kstr(w, "version", version);
	jw_kstr(w, "kernel_name", f->kernel_name);
	jw_kstr(w, "kernel_version", f->kernel_version);
	jw_kstr(w, "arch", arch);
	jw_kstr(w, "fqdn", f->fqdn);
	jw_kstr(w, "dns_domain", f->dns_domain);
	jw_kstr(w, "service_pack", f->service_pack);
	jw_close(w, '}');
}

static void write_kvlist(struct jw *w, const char *key, const struct kvlist *l);

/* cpus[0]: the GLPI fields of the readiness facts (docs/protocol.md). */
static void write_cpu(struct jw *w, const struct hw_facts *h)
{
	const struct hw_ready *rd = &h->ready;
	char num[24];

	jw_open(w, "cpus", '[');
	jw_open(w, NULL, '{');
	jw_kstr(w, "name", rd->cpu_brand ? rd->cpu_brand : h->cpu_model);
	jw_kstr(w, "manufacturer", rd->cpu_vendor);
	if (rd->cpu_family >= 0) {
		snprintf(num, sizeof(num), "%lld", rd->cpu_family);
		jw_kstr(w, "familynumber", num);
	}
	if (rd->cpu_model >= 0) {
		snprintf(num, sizeof(num), "%lld", rd->cpu_model);
		jw_kstr(w, "model", num);
	}
	if (rd->cpu_stepping >= 0)
		jw_knum(w, "stepping", rd->cpu_stepping);
	if (rd->cpu_cores >= 0)
		jw_knum(w, "core", rd->cpu_cores);
	if (rd->cpu_max_mhz >= 0)
		jw_knum(w, "speed", rd->cpu_max_mhz);
	jw_close(w, '}');
	jw_close(w, ']');
}

static void ready_num(struct jw *w, const char *key, long long v)
{
	if (v >= 0)
		jw_knum(w, key, v);
}

static void ready_bool(struct jw *w, const char *key, int v)
{
	if (v >= 0)
		jw_kbool(w, key, v != 0);
}

/* content.fleetcensus.hw and hw_unknown: the readiness facts that have no
 * GLPI field, and the reasons of those not known. */
static void write_ready(struct jw *w, const struct hw_ready *rd)
{
	size_t i;

	jw_open(w, "hw", '{');
	ready_num(w, "cpu_logical", rd->cpu_logical);
	ready_num(w, "cpu_platform_flags", rd->cpu_platform_flags);
	ready_bool(w, "cpu_sse42", rd->cpu_sse42);
	ready_bool(w, "cpu_popcnt", rd->cpu_popcnt);
	ready_bool(w, "cpu_arm_v81_atomics", rd->cpu_arm_v81_atomics);
	ready_num(w, "memory_installed_mib", rd->memory_installed_mib);
	ready_num(w, "system_volume_mib", rd->system_volume_mib);
	jw_kstr(w, "firmware", rd->firmware);
	ready_bool(w, "secure_boot_capable", rd->secure_boot_capable);
	ready_bool(w, "secure_boot_setup_mode", rd->secure_boot_setup_mode);
	ready_bool(w, "tpm_present", rd->tpm_present);
	jw_kstr(w, "tpm_version", rd->tpm_version);
	ready_num(w, "os_bits", rd->os_bits);
	if (rd->appraiser_read) {
		jw_open(w, "appraiser", '{');
		for (i = 0; i < rd->n_appraiser; i++) {
			jw_open(w, rd->appraiser[i].release, '{');
			jw_kstr(w, "UpgEx", rd->appraiser[i].upgex);
			jw_kstr(w, "RedReason", rd->appraiser[i].red_reason);
			jw_close(w, '}');
		}
		jw_close(w, '}');
	}
	ready_num(w, "esu_licensed_year", rd->esu_licensed_year);
	jw_close(w, '}');
	write_kvlist(w, "hw_unknown", &rd->unknown);
}

static void write_hardware(struct jw *w, const struct os_facts *f, const struct hw_facts *h)
{
	static const char *const bios[][2] = {
	    {"ssn", "product_serial"},    {"smanufacturer", "sys_vendor"},
	    {"smodel", "product_name"},   {"bmanufacturer", "bios_vendor"},
	    {"bversion", "bios_version"}, {"mmanufacturer", "board_vendor"},
	    {"mmodel", "board_name"},     {"msn", "board_serial"}};
	const struct hw_ready *rd = &h->ready;
	size_t i;

	jw_open(w, "hardware", '{');
	jw_kstr(w, "name", f->hostname);
	jw_kstr(w, "uuid", kvlist_get(&h->dmi, "product_uuid"));
	if (h->memory_mb >= 0)
		jw_knum(w, "memory", h->memory_mb);
	jw_kstr(w, "vmsystem", h->vmsystem);
	jw_kstr(w, "workgroup", f->workgroup);
	jw_kstr(w, "chassis_type", kvlist_get(&h->dmi, "chassis_type"));
	jw_close(w, '}');
	jw_open(w, "bios", '{');
	for (i = 0; i < sizeof(bios) / sizeof(bios[0]); i++)
		jw_kstr(w, bios[i][0], kvlist_get(&h->dmi, bios[i][1]));
	if (rd->bios_date[0])
		jw_kstr(w, "bdate", rd->bios_date);
	if (rd->secure_boot_capable == 0)
		jw_kstr(w, "secure_boot", "unsupported");
	else if (rd->secure_boot_enabled >= 0)
		jw_kstr(w, "secure_boot", rd->secure_boot_enabled ? "enabled" : "disabled");
	jw_close(w, '}');
	if (h->cpu_model || rd->cpu_brand || rd->cpu_vendor || rd->cpu_family >= 0 ||
	    rd->cpu_cores >= 0 || rd->cpu_max_mhz >= 0)
		write_cpu(w, h);
	jw_open(w, "networks", '[');
	for (i = 0; i < h->macs.n; i++) {
		jw_open(w, NULL, '{');
		jw_kstr(w, "description", h->macs.items[i].key);
		jw_kstr(w, "mac", h->macs.items[i].value);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

/* An object of the list's keys; a key that repeats keeps its last value, at
 * the place of its last occurrence. */
static void write_kvlist(struct jw *w, const char *key, const struct kvlist *l)
{
	size_t i, j;

	jw_open(w, key, '{');
	for (i = 0; i < l->n; i++) {
		for (j = i + 1; j < l->n && strcmp(l->items[i].key, l->items[j].key); j++)
			;
		if (j == l->n)
			jw_kstr(w, l->items[i].key, l->items[i].value);
	}
	jw_close(w, '}');
}

enum fc_rc inventory_hash_machine_id(const char *machine_id, char out[33])
{
	unsigned char key[16], app[16], mac[SHA256_LEN];
	size_t i;

	if (strlen(machine_id) != 32)
		return FC_EPARSE;
	for (i = 0; i < 16; i++) {
		if (sscanf(machine_id + 2 * i, "%2hhx", &key[i]) != 1 ||
		    sscanf(INVENTORY_APP_ID + 2 * i, "%2hhx", &app[i]) != 1)
			return FC_EPARSE;
	}
	hmac_sha256(key, sizeof(key), app, sizeof(app), mac);
	mac[6] = (unsigned char)((mac[6] & 0x0F) | 0x40);
	mac[8] = (unsigned char)((mac[8] & 0x3F) | 0x80);
	hex_encode(mac, 16, out);
	return FC_OK;
}

static void win_num(struct jw *w, const char *key, long long v)
{
	if (v >= 0)
		jw_knum(w, key, v);
}

static void win_flag(struct jw *w, const char *key, int v)
{
	if (v >= 0)
		jw_kbool(w, key, v != 0);
}

/* content.fleetcensus.windows: the raw version facts of a Windows machine
 * (keys: docs/protocol.md; collector/classify.c reads them); a member named
 * key, or the top-level value when key is NULL. */
static void write_windows(struct jw *w, const char *key, const struct win_facts *f)
{
	jw_open(w, key, '{');
	win_num(w, "major", f->major);
	win_num(w, "minor", f->minor);
	win_num(w, "build", f->build);
	win_num(w, "ubr", f->ubr);
	win_num(w, "product_type", f->product_type);
	win_num(w, "suite_mask", f->suite_mask);
	jw_kstr(w, "product_name", f->product_name);
	jw_kstr(w, "edition_id", f->edition_id);
	jw_kstr(w, "display_version", f->display_version);
	jw_kstr(w, "release_id", f->release_id);
	jw_kstr(w, "csd_version", f->csd_version);
	jw_kstr(w, "installation_type", f->installation_type);
	jw_kstr(w, "current_version", f->current_version);
	win_num(w, "current_major_version_number", f->reg_major);
	win_num(w, "current_minor_version_number", f->reg_minor);
	win_num(w, "current_build_number", f->reg_build);
	jw_kstr(w, "native_arch", f->native_arch);
	win_flag(w, "embedded", f->embedded);
	win_flag(w, "posready", f->posready);
	win_flag(w, "media_center", f->media_center);
	win_flag(w, "tablet_pc", f->tablet_pc);
	win_flag(w, "starter", f->starter);
	win_num(w, "server_r2", f->server_r2);
	jw_close(w, '}');
}

char *inventory_windows_json(const struct win_facts *f)
{
	struct inventory_sink sink;
	struct buf b;
	struct jw *w = xmalloc(sizeof(*w));
	enum fc_rc rc;

	buf_init(&b, (size_t)1 << 20);
	inventory_sink_buf(&sink, &b);
	jw_init(w, &sink);
	write_windows(w, NULL, f);
	jw_flush(w);
	rc = w->rc;
	free(w);
	if (!rc)
		rc = buf_addc(&b, '\0');
	return rc ? NULL : buf_take(&b, NULL);
}

static void write_extension(struct jw *w, const struct inventory *r, bool brief)
{
	const struct inventory_summary *sum = &r->sum;
	char hashed[33];

	jw_open(w, "fleetcensus", '{');
	jw_knum(w, "schema", 1);
	jw_kstr(w, "report_id", r->ids.report_id);
	jw_kstr(w, "collected_at", r->ids.collected_at);
	jw_kstr(w, "agent_id", r->ids.agent_id);
	if (r->h.machine_id && inventory_hash_machine_id(r->h.machine_id, hashed) == FC_OK)
		jw_kstr(w, "machine_id", hashed);
	jw_open(w, "sections", '{');
	jw_kstr(w, "os", section_status_name(sum->os));
	jw_kstr(w, "software", section_status_name(sum->software));
	jw_kstr(w, "hardware", section_status_name(sum->hardware));
	jw_close(w, '}');
	jw_open(w, "errors", '{');
	if (sum->os != SECTION_OK)
		jw_kstr(w, "os", r->f.err);
	if (sum->software != SECTION_OK)
		jw_kstr(w, "software", sum->software_err);
	if (sum->hardware != SECTION_OK)
		jw_kstr(w, "hardware", r->h.err);
	jw_close(w, '}');
	if (sum->software == SECTION_OK) {
		jw_kstr(w, "software_digest", sum->software_digest);
		jw_knum(w, "software_count", sum->packages);
		if (brief) {
			jw_key(w, "software_unchanged");
			jw_raw(w, "true", 4);
		}
	}
	if (r->f.osrel.n)
		write_kvlist(w, "os_release", &r->f.osrel);
	if (r->f.release_files.n)
		write_kvlist(w, "release_files", &r->f.release_files);
	if (r->f.win.present)
		write_windows(w, "windows", &r->f.win);
	if (sum->hardware != SECTION_SKIPPED || r->h.ready.cpu_logical >= 0 || r->h.ready.unknown.n)
		write_ready(w, &r->h.ready);
	if (r->updates.len) {
		jw_key(w, "updates");
		jw_raw(w, "[", 1);
		jw_raw(w, r->updates.ptr, r->updates.len);
		jw_raw(w, "]", 1);
	}
	jw_close(w, '}');
}

/* Everything up to the software list. */
static void write_head(struct jw *w, const struct inventory *r)
{
	const char *host = r->f.hostname ? r->f.hostname : "";
	size_t n = strlen(host) + strlen(r->ids.since) + 2;
	char *deviceid = xmalloc(n);

	snprintf(deviceid, n, "%s-%s", host, r->ids.since);
	jw_open(w, NULL, '{');
	jw_kstr(w, "deviceid", deviceid);
	free(deviceid);
	jw_kstr(w, "itemtype", "Computer");
	jw_kstr(w, "action", "inventory");
	jw_open(w, "content", '{');
	jw_kstr(w, "versionclient", "fleetcensus-agent_v" FC_VERSION);
}

/* Everything after the software list. */
static void write_tail(struct jw *w, const struct inventory *r, bool brief)
{
	write_operatingsystem(w, &r->f, r->arch);
	write_hardware(w, &r->f, &r->h);
	write_extension(w, r, brief);
	jw_close(w, '}');
	jw_close(w, '}');
	jw_flush(w);
}

/* Streams the packages into the list; sets the software section's status,
 * digest and count, and the architecture. *partial is set when the list
 * failed after some of its packages were written (the sink must start
 * over without them). Returns a sink error only. */
static enum fc_rc write_software(struct jw *w, struct inventory *r, bool *partial)
{
	struct inventory_summary *sum = &r->sum;
	struct pkg_ctx *ctx = xcalloc(1, sizeof(*ctx));
	struct inventory_sink usink;
	unsigned char bin[SHA256_LEN];
	int found = 0;
	enum fc_rc rc;

	*partial = false;
	ctx->w = w;
	ctx->uw = xmalloc(sizeof(*ctx->uw));
	buf_reset(&r->updates);
	inventory_sink_buf(&usink, &r->updates);
	jw_init(ctx->uw, &usink);
	sha256_init(&ctx->digest);
	sha256_update(&ctx->digest, INVENTORY_DIGEST_TAG, strlen(INVENTORY_DIGEST_TAG));
	rc = os_each_package(r->root, add_pkg, ctx, &found, sum->software_err);
	if (w->rc) {
		rc = w->rc;
		goto out;
	}
	jw_flush(ctx->uw);
	if (ctx->uw->rc) {
		snprintf(sum->software_err, sizeof(sum->software_err),
		         "the updates list is larger than %zu bytes", REPORT_UPDATES_MAX);
		rc = FC_ELIMIT;
	}
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
	} else {
		if (ctx->count == 0)
			jw_open(w, "softwares", '[');
		jw_close(w, ']');
		sha256_final(&ctx->digest, bin);
		hex_encode(bin, sizeof(bin), sum->software_digest);
	}
	sum->packages = sum->software == SECTION_OK ? ctx->count : 0;
	if (sum->software != SECTION_OK)
		buf_reset(&r->updates); /* a failed list has no updates either */
	r->arch = r->root && strcmp(r->root, "/") && witness_arch(ctx, r->arch_buf)
	              ? r->arch_buf
	              : r->f.kernel_arch;
	*partial = sum->software != SECTION_OK && ctx->count > 0;
	rc = FC_OK;
out:
	free(ctx->uw);
	free(ctx);
	return rc;
}

enum fc_rc inventory_collect(const char *root, const struct inventory_ids *ids,
                             struct inventory **out)
{
	struct inventory *r = xcalloc(1, sizeof(*r));

	r->root = root ? xstrdup(root) : NULL;
	r->ids = *ids;
	buf_init(&r->updates, REPORT_UPDATES_MAX);
	os_facts_init(&r->f);
	hw_facts_init(&r->h);
	os_get_info(root, &r->f);
	os_get_hardware(root, &r->h);
	r->sum.os = r->f.status;
	r->sum.hardware = r->h.status;
	r->sum.software = SECTION_SKIPPED;
	r->arch = r->f.kernel_arch;
	snprintf(r->sum.hostname, sizeof(r->sum.hostname), "%s",
	         r->f.hostname ? r->f.hostname : "");
	*out = r;
	return FC_OK;
}

enum fc_rc inventory_write(struct inventory *r, enum inventory_form form,
                           const struct inventory_sink *sink)
{
	struct jw *w;
	enum fc_rc rc = FC_OK;
	bool partial = false;

	assert(form == INVENTORY_FULL || inventory_has_list(r));
	if (form == INVENTORY_SHORT && !inventory_has_list(r))
		return FC_ENOENT; /* no short form without a list */
	w = xmalloc(sizeof(*w));
	jw_init(w, sink);
	write_head(w, r);
	if (form == INVENTORY_FULL) {
		r->sum.software_err[0] = '\0';
		r->sum.software_digest[0] = '\0';
		r->sum.software = SECTION_OK;
		rc = write_software(w, r, &partial);
		r->listed = true;
	}
	if (!rc && partial) {
		rc = sink->restart ? sink->restart(sink->ctx) : FC_EIO;
		if (!rc) {
			jw_init(w, sink);
			write_head(w, r);
		}
	}
	if (!rc) {
		write_tail(w, r, form == INVENTORY_SHORT);
		rc = w->rc;
	}
	free(w);
	return rc;
}

void inventory_log_summary(const struct inventory *r)
{
	const struct inventory_summary *sum = &r->sum;

	LOG_INFO("collected: os %s, software %s (%ld packages), hardware %s",
	         section_status_name(sum->os), section_status_name(sum->software), sum->packages,
	         section_status_name(sum->hardware));
}

bool inventory_has_list(const struct inventory *r)
{
	return r->listed && r->sum.software == SECTION_OK;
}

const struct inventory_summary *inventory_summary(const struct inventory *r)
{
	return &r->sum;
}

void inventory_free(struct inventory *r)
{
	if (!r)
		return;
	os_facts_release(&r->f);
	hw_facts_release(&r->h);
	buf_release(&r->updates);
	free(r->root);
	free(r);
}

static enum fc_rc sink_buf_write(void *ctx, const void *data, size_t len)
{
	return buf_add(ctx, data, len);
}

static enum fc_rc sink_buf_restart(void *ctx)
{
	buf_reset(ctx);
	return FC_OK;
}

void inventory_sink_buf(struct inventory_sink *s, struct buf *b)
{
	s->write = sink_buf_write;
	s->restart = sink_buf_restart;
	s->ctx = b;
}

static enum fc_rc sink_file_write(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? FC_OK : FC_EIO;
}

static enum fc_rc sink_file_restart(void *ctx)
{
	FILE *f = ctx;

	if (fflush(f) != 0 || plat_truncate(fileno(f)) != 0)
		return FC_EIO;
	rewind(f);
	return FC_OK;
}

void inventory_sink_file(struct inventory_sink *s, FILE *f)
{
	s->write = sink_file_write;
	s->restart = sink_file_restart;
	s->ctx = f;
}

enum fc_rc inventory_build(const char *root, const struct inventory_ids *ids, char **json,
                           char **short_json, struct inventory_summary *sum)
{
	struct inventory *r;
	struct inventory_sink sink;
	struct buf b;
	enum fc_rc rc;

	*json = NULL;
	if (short_json)
		*short_json = NULL;
	inventory_collect(root, ids, &r);
	buf_init(&b, (size_t)1 << 30);
	inventory_sink_buf(&sink, &b);
	rc = inventory_write(r, INVENTORY_FULL, &sink);
	if (!rc)
		*json = buf_take(&b, NULL);
	if (!rc && short_json && inventory_has_list(r)) {
		rc = inventory_write(r, INVENTORY_SHORT, &sink);
		if (!rc)
			*short_json = buf_take(&b, NULL);
	}
	buf_release(&b);
	*sum = r->sum;
	inventory_free(r);
	if (rc) {
		free(*json);
		*json = NULL;
		LOG_ERR("cannot build the report: %s", fc_strerror(rc));
	}
	return rc;
}
