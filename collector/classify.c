/* classify.c - what a machine runs, from its stored raw facts. The rules
 * and their sources are in docs/classification.md. Every field of the facts
 * comes from an untrusted agent: each is type-checked before use, strings
 * are copied truncated into the fixed fields, and a missing or wrong-typed
 * field is treated as absent. This file: the entry points, the helpers the
 * rule files share (classify_int.h) and the GLPI operatingsystem fields of
 * other agents; the Windows rules are in classify_windows.c, the Linux ones
 * in classify_linux.c. */
#include "classify.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_int.h"

/* ---- small helpers ---- */

/* Copies s (NULL: "") into dst, truncated to cap - 1 bytes. */
void classify_put(char *dst, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

__attribute__((format(printf, 3, 4))) void classify_putf(char *dst, size_t cap, const char *fmt,
                                                         ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		dst[0] = '\0';
}

/* Marks out undecidable and appends reason to flag_reason. */
void classify_flag(struct os_class *out, const char *reason)
{
	size_t n = strlen(out->flag_reason);

	out->flagged = true;
	if (n && n + 2 < sizeof(out->flag_reason)) {
		classify_put(out->flag_reason + n, sizeof(out->flag_reason) - n, "; ");
		n += 2;
	}
	classify_put(out->flag_reason + n, sizeof(out->flag_reason) - n, reason);
}

/* The string value of obj.key, or NULL when absent, not a string or empty. */
const char *classify_jstr(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	if (!cJSON_IsString(it) || !it->valuestring || !it->valuestring[0])
		return NULL;
	return it->valuestring;
}

/* Parses a non-negative decimal (or 0x hexadecimal) number of at most 20
 * characters that fits 32 bits. */
bool classify_parse_u32(const char *s, long long *v)
{
	char *end = NULL;
	long long n;
	int base = 10;

	if (!s || !*s || strlen(s) > 20 || !isdigit((unsigned char)s[0]))
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	errno = 0;
	n = strtoll(s, &end, base);
	if (errno || end == s || *end || n < 0 || n > 0xFFFFFFFFLL)
		return false;
	*v = n;
	return true;
}

/* obj.key as a number in 0..2^32-1 (a JSON number or a numeric string);
 * -1 when absent or not such a number. */
long long classify_jnum(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	long long v = -1;

	if (cJSON_IsNumber(it)) {
		double d = it->valuedouble;

		if (isfinite(d) && d >= 0 && d <= 4294967295.0 && d == floor(d))
			v = (long long)d;
	} else if (cJSON_IsString(it)) {
		if (!classify_parse_u32(it->valuestring, &v))
			v = -1;
	}
	return v;
}

/* obj.key as a flag: true, a non-zero number, or "1"/"true"/"yes". */
bool classify_jflag(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	const char *s;

	if (cJSON_IsTrue(it))
		return true;
	if (cJSON_IsNumber(it))
		return isfinite(it->valuedouble) && it->valuedouble != 0;
	if (!cJSON_IsString(it) || !it->valuestring)
		return false;
	s = it->valuestring;
	return !strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes");
}

bool classify_has_prefix(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

bool classify_contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; s && *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return false;
}

/* Normalises an architecture name into out (facts: agent and GLPI names,
 * Windows PROCESSOR_ARCHITECTURE names and numbers). */
void classify_norm_arch(const char *a, char out[16])
{
	static const struct {
		const char *from, *to;
	} map[] = {
	    {"amd64", "x86_64"},  {"x86_64", "x86_64"}, {"x64", "x86_64"},      {"em64t", "x86_64"},
	    {"64-bit", "x86_64"}, {"9", "x86_64"},      {"i386", "x86"},        {"i486", "x86"},
	    {"i586", "x86"},      {"i686", "x86"},      {"x86", "x86"},         {"32-bit", "x86"},
	    {"0", "x86"},         {"aarch64", "arm64"}, {"arm64", "arm64"},     {"12", "arm64"},
	    {"armv7l", "arm"},    {"armhf", "arm"},     {"arm", "arm"},         {"5", "arm"},
	    {"ia64", "ia64"},     {"6", "ia64"},        {"ppc64el", "ppc64le"},
	};
	size_t i, n = 0;

	out[0] = '\0';
	if (!a)
		return;
	for (i = 0; i < NELEM(map); i++) {
		if (!strcasecmp(a, map[i].from)) {
			classify_put(out, 16, map[i].to);
			return;
		}
	}
	for (i = 0; a[i] && n < 15; i++)
		if (isalnum((unsigned char)a[i]) || a[i] == '_')
			out[n++] = (char)tolower((unsigned char)a[i]);
	out[n] = '\0';
}

/* Parses "X.Y" into major and minor. */
bool classify_parse_xy(const char *s, long long *x, long long *y)
{
	char a[24], *dot;

	if (!s || strlen(s) >= sizeof(a))
		return false;
	classify_put(a, sizeof(a), s);
	dot = strchr(a, '.');
	if (!dot)
		return false;
	*dot = '\0';
	return classify_parse_u32(a, x) && classify_parse_u32(dot + 1, y);
}

/* ---- GLPI operatingsystem fields (other agents) ---- */

/* "Microsoft Windows XP Professional", "Microsoft Windows 10 Pro",
 * "Microsoft Windows Server 2008 R2 Standard", with kernel_version
 * "10.0.22631" where the agent sends it. */
/* The edition words other agents send in a Windows caption, in English
 * (French captions, "Professionnel" on XP and 7 being "Professional"); an
 * edition that starts with none of them (a modified build's name) is "". */
static void glpi_edition(const char *product, long long build, char e[64])
{
	static const char *const known[] = {
	    "Home",      "Pro",      "Professional", "Enterprise", "Ultimate",   "Starter",
	    "Education", "Standard", "Datacenter",   "Web",        "Essentials", "Foundation",
	    "Media",     "Tablet",   "Embedded",     "IoT",        "Business",   "Storage",
	    "Small",     "Hyper-V",  "Team",         "Cloud",      "SE",
	};
	bool old = !strcmp(product, "Windows XP") || !strcmp(product, "Windows Vista") ||
	           !strcmp(product, "Windows 7") || !strcmp(product, "Windows 2000");
	char w[64] = "", ch[32] = "";
	const char *p = e, *b;
	size_t n, i;
	bool ok = false, lts = strstr(e, "LTSB") || strstr(e, "LTSC");

	while (*p) {
		n = strcspn(p, " ");
		if (n == 13 && !strncmp(p, "Professionnel", 13))
			snprintf(w + strlen(w), sizeof(w) - strlen(w), "%s%s", *w ? " " : "",
			         old ? "Professional" : "Pro");
		else if (n == 10 && !strncmp(p, "Entreprise", 10))
			snprintf(w + strlen(w), sizeof(w) - strlen(w), "%sEnterprise",
			         *w ? " " : "");
		else if (n == 7 && !strncmp(p, "Famille", 7))
			snprintf(w + strlen(w), sizeof(w) - strlen(w), "%sHome", *w ? " " : "");
		else if (n == 4 && (!strncmp(p, "LTSB", 4) || !strncmp(p, "LTSC", 4)))
			snprintf(ch, sizeof(ch), "%.4s", p);
		else if (n && !(lts && n == 4 && isdigit((unsigned char)p[0])))
			snprintf(w + strlen(w), sizeof(w) - strlen(w), "%s%.*s", *w ? " " : "",
			         (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
	for (i = 0; i < NELEM(known) && !ok; i++)
		ok = !strncmp(w, known[i], strlen(known[i])) &&
		     (w[strlen(known[i])] == '\0' || w[strlen(known[i])] == ' ');
	if (!ok)
		w[0] = '\0';
	if (ok && ch[0]) {
		b = classify_win_ltsc_name(build);
		if (b)
			snprintf(w + strlen(w), sizeof(w) - strlen(w), " %s", b);
		else
			snprintf(w + strlen(w), sizeof(w) - strlen(w), " %s", ch);
	}
	classify_put(e, 64, w);
}

static bool glpi_windows(const cJSON *os, const char *name, struct os_class *out)
{
	static const char *const products[] = {
	    "Windows Server 2003 R2",
	    "Windows Server 2008 R2",
	    "Windows Server 2012 R2",
	    "Windows Server 2003",
	    "Windows Server 2008",
	    "Windows Server 2012",
	    "Windows Server 2016",
	    "Windows Server 2019",
	    "Windows Server 2022",
	    "Windows Server 2025",
	    "Windows XP",
	    "Windows Vista",
	    "Windows 7",
	    "Windows 8.1",
	    "Windows 8",
	    "Windows 10",
	    "Windows 11",
	    "Windows 2000",
	};
	const char *p = NULL, *rest = NULL, *kv = classify_jstr(os, "kernel_version");
	const char *ver = classify_jstr(os, "version");
	long long x = -1, y = -1, build = -1;
	char e[64];
	size_t n;

	for (size_t i = 0; i < NELEM(products) && !p; i++) {
		rest = strstr(name, products[i]);
		if (rest) {
			p = products[i];
			rest += strlen(p);
		}
	}
	if (!p)
		return false;
	classify_put(out->os_family, sizeof(out->os_family), "windows");
	classify_put(out->os_id, sizeof(out->os_id), "windows");
	classify_put(out->os_product, sizeof(out->os_product), p);
	while (*rest == ' ' || *rest == ',')
		rest++;
	classify_put(e, sizeof(e), rest);
	n = strlen(e);
	if (n >= 8 && !strcmp(e + n - 8, " Edition"))
		e[n - 8] = '\0';
	else if (!strcmp(e, "Edition"))
		e[0] = '\0';
	classify_put(out->os_edition, sizeof(out->os_edition), e);
	if (kv && strlen(kv) < 24) {
		char a[24], *dot;

		classify_put(a, sizeof(a), kv);
		dot = strrchr(a, '.');
		if (dot && classify_parse_u32(dot + 1, &build)) {
			*dot = '\0';
			if (classify_parse_xy(a, &x, &y)) {
				classify_put(out->os_version, sizeof(out->os_version), kv);
				classify_putf(out->os_build, sizeof(out->os_build), "%lld", build);
			} else {
				build = -1;
			}
		}
	}
	/* other agents' misreports: Windows 10 as 8 (an old manifest), 11 as
	 * 10 (the caption of early builds), and the frozen ReleaseId 2009 */
	if ((!strcmp(p, "Windows 8") || !strcmp(p, "Windows 8.1")) && x == 10 && y == 0)
		p = build >= 22000 ? "Windows 11" : "Windows 10";
	if (!strcmp(p, "Windows 10") && build >= 22000)
		p = "Windows 11";
	classify_put(out->os_product, sizeof(out->os_product), p);
	glpi_edition(p, build, out->os_edition);
	if (ver && !strcmp(ver, "2009") && build > 19042)
		ver = NULL;
	if (ver && strlen(ver) == 4 && (ver[2] == 'H' || isdigit((unsigned char)ver[2])) &&
	    (!strcmp(p, "Windows 10") || !strcmp(p, "Windows 11")))
		classify_put(out->os_release, sizeof(out->os_release), ver);
	else if (!strcmp(p, "Windows 10") || !strcmp(p, "Windows 11"))
		classify_put(out->os_release, sizeof(out->os_release), classify_win_release(build));
	classify_put(out->os_service_pack, sizeof(out->os_service_pack),
	             classify_jstr(os, "service_pack"));
	return true;
}

static bool classify_glpi(const cJSON *os, struct os_class *out)
{
	const char *name = classify_jstr(os, "full_name");
	const char *id;

	if (!name || !strstr(name, "Windows"))
		name = classify_jstr(os, "name") ? classify_jstr(os, "name") : name;
	if (!name)
		return false;
	/* a name that says nothing ("RedHatEnterpriseServer"): the full name */
	if (!strstr(name, "Windows") && !classify_id_from_name(name) &&
	    !strstr(name, " release ") && classify_jstr(os, "full_name"))
		name = classify_jstr(os, "full_name");
	if (strstr(name, "Windows"))
		return glpi_windows(os, name, out);
	if (classify_redhat_line(name, out)) {
		classify_set_family(out->os_id, out);
		return true;
	}
	id = classify_id_from_name(name);
	if (id) {
		classify_put(out->os_id, sizeof(out->os_id), id);
		classify_put(out->os_version, sizeof(out->os_version),
		             classify_jstr(os, "version"));
		classify_linux_product(id, name, classify_jstr(os, "version"), out);
		classify_set_family(id, out);
		return true;
	}
	if (classify_contains_ci(name, "mac")) {
		classify_put(out->os_family, sizeof(out->os_family), "macos");
		classify_put(out->os_id, sizeof(out->os_id), "macos");
	} else if (classify_jstr(os, "kernel_name") &&
	           !strcasecmp(classify_jstr(os, "kernel_name"), "linux")) {
		classify_put(out->os_family, sizeof(out->os_family), "linux");
	} else {
		return false;
	}
	classify_put(out->os_version, sizeof(out->os_version), classify_jstr(os, "version"));
	classify_putf(out->os_product, sizeof(out->os_product), "%.60s%s%.30s", name,
	              out->os_version[0] ? " " : "", out->os_version);
	return true;
}

/* ---- entry points ---- */

static void set_unknown(struct os_class *out)
{
	memset(out, 0, sizeof(*out));
	classify_put(out->os_family, sizeof(out->os_family), "unknown");
}

static const cJSON *obj_item(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsObject(it) ? it : NULL;
}

void classify_facts(const cJSON *operatingsystem, const cJSON *fleetcensus, struct os_class *out)
{
	const cJSON *os = cJSON_IsObject(operatingsystem) ? operatingsystem : NULL;
	const cJSON *w = obj_item(fleetcensus, "windows");
	const cJSON *osr = obj_item(fleetcensus, "os_release");
	const cJSON *rf = obj_item(fleetcensus, "release_files");
	int step;

	for (step = 0; step < 4; step++) {
		bool ok = false;

		set_unknown(out);
		if (step == 0 && w)
			ok = classify_windows(w, out);
		else if (step == 1 && osr)
			ok = classify_osrelease(osr, out);
		else if (step == 2 && rf)
			ok = classify_release_files(rf, out);
		else if (step == 3 && os)
			ok = classify_glpi(os, out);
		if (ok)
			break;
	}
	if (step == 4) {
		set_unknown(out);
		return;
	}
	if (!out->arch[0])
		classify_norm_arch(classify_jstr(os, "arch"), out->arch);
}

enum fc_rc classify_os_json(const char *os_json, struct os_class *out, char *err)
{
	cJSON *doc = os_json ? cJSON_Parse(os_json) : NULL;
	enum fc_rc rc = FC_OK;

	if (!cJSON_IsObject(doc)) {
		set_unknown(out);
		if (err)
			snprintf(err, FC_ERRLEN, "stored facts are not a JSON object");
		rc = FC_EPARSE;
		goto out_delete;
	}
	classify_facts(obj_item(doc, "operatingsystem"), obj_item(doc, "fleetcensus"), out);
out_delete:
	cJSON_Delete(doc);
	return rc;
}
