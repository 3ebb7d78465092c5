/* hwfacts.c - the readiness facts' pure decoders (see hwfacts.h). */
#include "hwfacts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_printf.h"
#include "utf8.h"
#include "winreg_decode.h"
#include "xalloc.h"

#define CORE_PAIRS_MAX 8192 /* distinct (physical id, core id) pairs counted */

void hw_ready_init(struct hw_ready *r)
{
	memset(r, 0, sizeof(*r));
	r->cpu_family = r->cpu_model = r->cpu_stepping = -1;
	r->cpu_logical = r->cpu_cores = r->cpu_max_mhz = r->cpu_platform_flags = -1;
	r->cpu_sse42 = r->cpu_popcnt = r->cpu_arm_v81_atomics = -1;
	r->memory_installed_mib = r->system_volume_mib = -1;
	r->secure_boot_capable = r->secure_boot_enabled = r->secure_boot_setup_mode = -1;
	r->tpm_present = -1;
	r->os_bits = -1;
	r->esu_licensed_year = -1;
	kvlist_init(&r->unknown);
}

void hw_ready_release(struct hw_ready *r)
{
	size_t i;

	free(r->cpu_vendor);
	free(r->cpu_brand);
	for (i = 0; i < r->n_appraiser; i++) {
		free(r->appraiser[i].release);
		free(r->appraiser[i].upgex);
		free(r->appraiser[i].red_reason);
	}
	kvlist_release(&r->unknown);
	hw_ready_init(r);
}

/* Copies at most max bytes of s (n bytes) with control bytes as '?'. */
static char *clean_copy(const char *s, size_t n, size_t max)
{
	char *out;
	size_t i;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
	}
	out = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i];
	out[n] = '\0';
	return out;
}

void hw_unknown(struct hw_ready *r, const char *fact, const char *fmt, ...)
{
	char tmp[HW_REASON_MAX + 1], *clean;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	clean = clean_copy(tmp, strlen(tmp), HW_REASON_MAX);
	kvlist_set(&r->unknown, fact, clean);
	free(clean);
}

void hw_known(struct hw_ready *r, const char *fact)
{
	size_t i;

	for (i = 0; i < r->unknown.n; i++) {
		if (strcmp(r->unknown.items[i].key, fact))
			continue;
		free(r->unknown.items[i].key);
		free(r->unknown.items[i].value);
		memmove(&r->unknown.items[i], &r->unknown.items[i + 1],
		        (r->unknown.n - i - 1) * sizeof(r->unknown.items[0]));
		r->unknown.n--;
		i--;
	}
}

/* Formats the reason into err (FC_ERRLEN) with control bytes as '?': the
 * quoted text is from outside. */
FC_PRINTF(2, 3) static void set_err(char *err, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(err, FC_ERRLEN, fmt, ap);
	va_end(ap);
	for (i = 0; err[i]; i++)
		if ((unsigned char)err[i] < 0x20 || err[i] == 0x7F)
			err[i] = '?';
}

enum fc_rc hwfacts_number(const char *text, bool hex, long long max, long long *out, char *err)
{
	const char *p = text;
	char *end;
	long long v;

	*out = -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (hex && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!((*p >= '0' && *p <= '9') || (hex && strchr("abcdefABCDEF", *p) && *p))) {
		set_err(err, "'%.40s' is not a number", text);
		return FC_EPARSE;
	}
	errno = 0;
	v = strtoll(p, &end, hex ? 16 : 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end == '\n')
		end++;
	if (*end || errno || v < 0 || v > max) {
		set_err(err, "'%.40s' is not a number up to %lld", text, max);
		return FC_EPARSE;
	}
	*out = v;
	return FC_OK;
}

/* ---- /proc/cpuinfo ---- */

struct cpuinfo_scan {
	struct hw_ready *r;
	long long phys; /* the current entry's physical id, -1 none */
	bool entry_core; /* the current entry's core id was counted */
	long long (*pairs)[2];
	size_t n_pairs;
	bool any_core_id, bad_core_id, overflow;
	bool have_vendor, have_family, have_model, have_stepping, have_brand, have_flags;
	bool have_features, have_mhz, arm;
	char bad[FC_ERRLEN]; /* the first malformed number, for its fact */
};

static bool word_in(const char *v, size_t n, const char *word)
{
	size_t w = strlen(word), i = 0;

	while (i < n) {
		size_t s = i;

		while (i < n && v[i] != ' ' && v[i] != '\t')
			i++;
		if (i - s == w && !memcmp(v + s, word, w))
			return true;
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
	}
	return false;
}

/* A decimal value of the line into *out (once); the reason when it is bad. */
static void cpuinfo_num(struct cpuinfo_scan *s, const char *fact, const char *v, size_t n,
                        bool *have, long long *out)
{
	char tmp[48], err[FC_ERRLEN];
	long long x;

	if (*have)
		return;
	*have = true;
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 47 ? n : 47), v);
	if (hwfacts_number(tmp, false, 1000000, &x, err) == FC_OK)
		*out = x;
	else
		hw_unknown(s->r, fact, "/proc/cpuinfo: %s", err);
}

static void cpuinfo_core(struct cpuinfo_scan *s, const char *v, size_t n)
{
	char tmp[48], err[FC_ERRLEN];
	long long core;
	size_t i;

	s->any_core_id = true;
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 47 ? n : 47), v);
	if (hwfacts_number(tmp, false, 1LL << 31, &core, err) != FC_OK) {
		s->bad_core_id = true;
		return;
	}
	for (i = 0; i < s->n_pairs; i++)
		if (s->pairs[i][0] == s->phys && s->pairs[i][1] == core)
			return;
	if (s->n_pairs == CORE_PAIRS_MAX) {
		s->overflow = true;
		return;
	}
	s->pairs[s->n_pairs][0] = s->phys;
	s->pairs[s->n_pairs][1] = core;
	s->n_pairs++;
}

static void cpuinfo_mhz(struct cpuinfo_scan *s, const char *v, size_t n)
{
	size_t i = 0;
	long long mhz = 0;

	if (s->have_mhz)
		return;
	s->have_mhz = true;
	while (i < n && i < 9 && v[i] >= '0' && v[i] <= '9')
		mhz = mhz * 10 + (v[i++] - '0');
	if (i > 0 && i < 9 && (i == n || v[i] == '.') && s->r->cpu_max_mhz < 0)
		s->r->cpu_max_mhz = mhz;
}

static void cpuinfo_line(struct cpuinfo_scan *s, const char *k, size_t kn, const char *v, size_t n)
{
	struct hw_ready *r = s->r;

#define KEY(name) (kn == sizeof(name) - 1 && !memcmp(k, name, kn))
	if (KEY("processor")) {
		r->cpu_logical = r->cpu_logical < 0 ? 1 : r->cpu_logical + 1;
		s->phys = -1;
		s->entry_core = false;
	} else if (KEY("vendor_id") && !s->have_vendor) {
		s->have_vendor = true;
		r->cpu_vendor = clean_copy(v, n, HW_STR_MAX);
	} else if (KEY("CPU implementer")) {
		s->arm = true;
	} else if (KEY("cpu family")) {
		cpuinfo_num(s, "cpu_family", v, n, &s->have_family, &r->cpu_family);
	} else if (KEY("model")) {
		cpuinfo_num(s, "cpu_model", v, n, &s->have_model, &r->cpu_model);
	} else if (KEY("stepping")) {
		cpuinfo_num(s, "cpu_stepping", v, n, &s->have_stepping, &r->cpu_stepping);
	} else if (KEY("model name") && !s->have_brand) {
		s->have_brand = true;
		r->cpu_brand = clean_copy(v, n, HW_STR_MAX);
	} else if (KEY("physical id")) {
		char tmp[48], err[FC_ERRLEN];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 47 ? n : 47), v);
		if (hwfacts_number(tmp, false, 1LL << 31, &s->phys, err) != FC_OK)
			s->bad_core_id = true;
	} else if (KEY("core id") && r->cpu_logical > 0 && !s->entry_core) {
		s->entry_core = true; /* one core id per processor entry */
		cpuinfo_core(s, v, n);
	} else if (KEY("cpu MHz")) {
		cpuinfo_mhz(s, v, n);
	} else if (KEY("flags") && !s->have_flags) {
		s->have_flags = true;
		r->cpu_sse42 = word_in(v, n, "sse4_2");
		r->cpu_popcnt = word_in(v, n, "popcnt");
	} else if (KEY("Features") && !s->have_features) {
		s->have_features = true;
		r->cpu_arm_v81_atomics = word_in(v, n, "atomics");
	}
#undef KEY
}

/* Names the CPU facts the scan did not find. */
static void cpuinfo_missing(struct cpuinfo_scan *s)
{
	struct hw_ready *r = s->r;
	bool x86 = s->have_vendor || s->have_flags;
	const char *arm = s->arm ? "an ARM CPU: " : "";

	if (!s->have_vendor)
		hw_unknown(r, "cpu_vendor", "%s/proc/cpuinfo has no %s", arm, "vendor_id");
	if (!s->have_family)
		hw_unknown(r, "cpu_family", "%s/proc/cpuinfo has no %s", arm, "cpu family");
	if (!s->have_model)
		hw_unknown(r, "cpu_model", "%s/proc/cpuinfo has no %s", arm, "model");
	if (!s->have_stepping)
		hw_unknown(r, "cpu_stepping", "%s/proc/cpuinfo has no %s", arm, "stepping");
	if (!s->have_brand)
		hw_unknown(r, "cpu_brand", "%s/proc/cpuinfo has no %s", arm, "model name");
	if (s->overflow)
		hw_unknown(r, "cpu_cores", "more than %d cores in /proc/cpuinfo", CORE_PAIRS_MAX);
	else if (s->bad_core_id)
		hw_unknown(r, "cpu_cores", "/proc/cpuinfo has a malformed core id or physical id");
	else if (!s->any_core_id)
		hw_unknown(r, "cpu_cores", "%s/proc/cpuinfo has no %s", arm, "core id");
	else
		r->cpu_cores = (long long)s->n_pairs;
	if (!s->have_flags && !s->arm) {
		hw_unknown(r, "cpu_sse42", "%s/proc/cpuinfo has no %s", arm, "flags");
		hw_unknown(r, "cpu_popcnt", "%s/proc/cpuinfo has no %s", arm, "flags");
	} else if (!x86 && s->arm) {
		hw_unknown(r, "cpu_sse42", "an ARM CPU: not an x86 flag");
		hw_unknown(r, "cpu_popcnt", "an ARM CPU: not an x86 flag");
	}
	if (s->arm && !s->have_features)
		hw_unknown(r, "cpu_arm_v81_atomics", "%s/proc/cpuinfo has no %s", arm, "Features");
}

enum fc_rc hwfacts_cpuinfo(const char *text, size_t len, struct hw_ready *r)
{
	struct cpuinfo_scan s;
	const char *p = text, *end = text + len;

	memset(&s, 0, sizeof(s));
	s.r = r;
	s.phys = -1;
	s.pairs = xmalloc(CORE_PAIRS_MAX * sizeof(*s.pairs));
	r->cpu_logical = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *colon = memchr(p, ':', (size_t)(le - p));
		const char *ke, *v;

		if (colon) {
			ke = colon;
			while (ke > p && (ke[-1] == ' ' || ke[-1] == '\t'))
				ke--;
			v = colon + 1;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			cpuinfo_line(&s, p, (size_t)(ke - p), v, (size_t)(le - v));
		}
		p = le + 1;
	}
	free(s.pairs);
	if (r->cpu_logical < 0) {
		static const char *const all[] = {"cpu_vendor",   "cpu_family", "cpu_model",
		                                  "cpu_stepping", "cpu_brand",  "cpu_logical",
		                                  "cpu_cores",    "cpu_sse42",  "cpu_popcnt"};
		size_t i;

		FREE_AND_NULL(r->cpu_vendor);
		FREE_AND_NULL(r->cpu_brand);
		r->cpu_family = r->cpu_model = r->cpu_stepping = r->cpu_cores = -1;
		r->cpu_sse42 = r->cpu_popcnt = r->cpu_arm_v81_atomics = -1;
		r->cpu_max_mhz = -1;
		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			hw_unknown(r, all[i], "/proc/cpuinfo has no processor entry");
		return FC_EPARSE;
	}
	cpuinfo_missing(&s);
	return FC_OK;
}

/* ---- CPUID, efivars, TPM ---- */

void hwfacts_cpuid(uint32_t eax, uint32_t ecx, struct hw_ready *r)
{
	uint32_t family = (eax >> 8) & 0xF, model = (eax >> 4) & 0xF;

	if (family == 0xF)
		family += (eax >> 20) & 0xFF;
	if (family == 6 || family >= 0xF)
		model += ((eax >> 16) & 0xF) << 4;
	r->cpu_family = family;
	r->cpu_model = model;
	r->cpu_stepping = eax & 0xF;
	r->cpu_sse42 = (ecx >> 20) & 1;
	r->cpu_popcnt = (ecx >> 23) & 1;
}

enum fc_rc hwfacts_efivar_bool(const unsigned char *data, size_t len, int *on, char *err)
{
	*on = -1;
	if (len != 5) {
		set_err(err, "%zu bytes, not 4 of attributes and 1 of value", len);
		return FC_EPARSE;
	}
	if (data[4] > 1) {
		set_err(err, "value %u is neither 0 nor 1", data[4]);
		return FC_EPARSE;
	}
	*on = data[4];
	return FC_OK;
}

enum fc_rc hwfacts_tpm_sysfs(const char *major, const char *caps, const char **version, char *err)
{
	const char *p;

	*version = NULL;
	if (major) {
		if (!strcmp(major, "2") || !strcmp(major, "2\n"))
			*version = "2.0";
		else if (!strcmp(major, "1") || !strcmp(major, "1\n"))
			*version = "1.2";
		if (*version)
			return FC_OK;
		set_err(err, "tpm_version_major is '%.20s'", major);
		return FC_EPARSE;
	}
	p = caps ? strstr(caps, "TCG version: ") : NULL;
	if (!p) {
		set_err(err, "no tpm_version_major and no TCG version in device/caps");
		return FC_EPARSE;
	}
	p += strlen("TCG version: ");
	if (!strncmp(p, "1.2", 3) && (p[3] == '\0' || p[3] == '\n' || p[3] == '\r')) {
		*version = "1.2";
		return FC_OK;
	}
	set_err(err, "device/caps says TCG version '%.10s'", p);
	return FC_EPARSE;
}

enum fc_rc hwfacts_tpm_device_info(const unsigned char *data, size_t len, const char **version,
                                   char *err)
{
	uint32_t v;

	*version = NULL;
	if (len < 8) {
		set_err(err, "TPM_DEVICE_INFO of %zu bytes", len);
		return FC_EPARSE;
	}
	v = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16 |
	    (uint32_t)data[7] << 24;
	if (v == 1)
		*version = "1.2";
	else if (v == 2)
		*version = "2.0";
	else {
		set_err(err, "TPM_DEVICE_INFO.tpmVersion is %lu", (unsigned long)v);
		return FC_EPARSE;
	}
	return FC_OK;
}

/* ---- dates, registry values ---- */

static bool digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

enum fc_rc hwfacts_bios_date(const char *text, char out[11], char *err)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t n = strlen(text);
	int m, d, y;

	out[0] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	if ((n != 10 && n != 8) || text[2] != '/' || text[5] != '/' || !digits(text, 2) ||
	    !digits(text + 3, 2) || !digits(text + 6, n - 6)) {
		set_err(err, "BIOS date '%.40s' is not MM/DD/YYYY", text);
		return FC_EPARSE;
	}
	m = (text[0] - '0') * 10 + (text[1] - '0');
	d = (text[3] - '0') * 10 + (text[4] - '0');
	y = (int)strtol(text + 6, NULL, 10);
	if (n == 8)
		y += y < 80 ? 2000 : 1900;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || y < 1980 || y > 2999 ||
	    (m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)))) {
		set_err(err, "BIOS date '%.40s' is not a date", text);
		return FC_EPARSE;
	}
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return FC_OK;
}

enum fc_rc hwfacts_reg_number(unsigned type, const unsigned char *data, size_t len, long long max,
                              long long *out, char *err)
{
	unsigned long long v;
	enum fc_rc rc;

	*out = -1;
	rc = winreg_number(type, data, len, &v, err);
	if (rc)
		return rc;
	if (v > (unsigned long long)max) {
		set_err(err, "%llu is over %lld", v, max);
		return FC_EPARSE;
	}
	*out = (long long)v;
	return FC_OK;
}

enum fc_rc hwfacts_appraiser_add(struct hw_ready *r, const char *release, const char *upgex,
                                 const char *red_reason)
{
	struct hw_appraiser *a;
	size_t n = strlen(release);

	r->appraiser_read = true;
	if (r->n_appraiser == HW_APPRAISER_MAX || n == 0 || n > 64 || !utf8_valid(release, n))
		return FC_ELIMIT;
	a = &r->appraiser[r->n_appraiser++];
	a->release = clean_copy(release, n, 64);
	a->upgex = upgex ? clean_copy(upgex, strlen(upgex), HW_STR_MAX) : NULL;
	a->red_reason = red_reason ? clean_copy(red_reason, strlen(red_reason), HW_STR_MAX) : NULL;
	return FC_OK;
}

long long hwfacts_esu_year(const unsigned long status[3])
{
	long long y;

	for (y = 3; y > 0; y--)
		if (status[y - 1] == 1)
			return y;
	return 0;
}

void hwfacts_dmi_finish(struct hw_ready *r, const struct kvlist *dmi, const char *why)
{
	static const char *const facts[][2] = {
	    {"smbios_vendor", "sys_vendor"},  {"smbios_model", "product_name"},
	    {"chassis_type", "chassis_type"}, {"bios_vendor", "bios_vendor"},
	    {"bios_version", "bios_version"}, {"bios_date", "bios_date"}};
	const char *date = kvlist_get(dmi, "bios_date");
	char err[FC_ERRLEN];
	size_t i;

	if (date && hwfacts_bios_date(date, r->bios_date, err) != FC_OK)
		hw_unknown(r, "bios_date", "%s", err);
	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		if (!kvlist_get(dmi, facts[i][1]) && !kvlist_get(&r->unknown, facts[i][0]))
			hw_unknown(r, facts[i][0], "%s", why);
}
