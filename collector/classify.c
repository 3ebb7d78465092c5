/* classify.c - what a machine runs, from its stored raw facts. The rules
 * and their sources are in docs/classification.md. Every field of the facts
 * comes from an untrusted agent: each is type-checked before use, strings
 * are copied truncated into the fixed fields, and a missing or wrong-typed
 * field is treated as absent. */
#include "classify.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUITE_SMALLBUSINESS 0x1
#define SUITE_ENTERPRISE 0x2
#define SUITE_EMBEDDEDNT 0x40
#define SUITE_DATACENTER 0x80
#define SUITE_PERSONAL 0x200
#define SUITE_BLADE 0x400
#define SUITE_STORAGE_SERVER 0x2000
#define SUITE_COMPUTE_SERVER 0x4000
#define SUITE_WH_SERVER 0x8000

#define PT_WORKSTATION 1
#define PT_DC 2
#define PT_SERVER 3

/* The Windows facts, type-checked. A number is -1 when absent. */
struct win {
	long long major, minor, build, ubr, ptype, suite, r2;
	long long reg_major, reg_minor, reg_build; /* optional registry numbers */
	const char *product_name, *edition_id, *display_version, *release_id, *csd;
	const char *inst_type, *cur_version, *native_arch;
	bool embedded, posready, media_center, tablet_pc, starter;
};

struct build_name {
	long long build;
	const char *name;
};

/* facts a.3: build -> feature release */
static const struct build_name win10_releases[] = {
    {10240, "1507"}, {10586, "1511"}, {14393, "1607"}, {15063, "1703"}, {16299, "1709"},
    {17134, "1803"}, {17763, "1809"}, {18362, "1903"}, {18363, "1909"}, {19041, "2004"},
    {19042, "20H2"}, {19043, "21H1"}, {19044, "21H2"}, {19045, "22H2"},
};
static const struct build_name win11_releases[] = {
    {22000, "21H2"}, {22621, "22H2"}, {22631, "23H2"},
    {26100, "24H2"}, {26200, "25H2"}, {28000, "26H1"},
};
/* facts a.3: server build -> product, in build order */
static const struct build_name server10_products[] = {
    {14393, "Windows Server 2016"}, {17763, "Windows Server 2019"}, {20348, "Windows Server 2022"},
    {25398, "Windows Server 23H2"}, {26100, "Windows Server 2025"},
};
/* facts a.3 (LTSB/LTSC): build -> channel name, in build order */
static const struct build_name ltsc_names[] = {
    {10240, "LTSB 2015"}, {14393, "LTSB 2016"}, {17763, "LTSC 2019"},
    {19044, "LTSC 2021"}, {26100, "LTSC 2024"},
};

/* ---- small helpers ---- */

/* Copies s (NULL: "") into dst, truncated to cap - 1 bytes. */
static void put(char *dst, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

__attribute__((format(printf, 3, 4))) static void putf(char *dst, size_t cap, const char *fmt, ...)
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
static void flag(struct os_class *out, const char *reason)
{
	size_t n = strlen(out->flag_reason);

	out->flagged = true;
	if (n && n + 2 < sizeof(out->flag_reason)) {
		put(out->flag_reason + n, sizeof(out->flag_reason) - n, "; ");
		n += 2;
	}
	put(out->flag_reason + n, sizeof(out->flag_reason) - n, reason);
}

/* The string value of obj.key, or NULL when absent, not a string or empty. */
static const char *jstr(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	if (!cJSON_IsString(it) || !it->valuestring || !it->valuestring[0])
		return NULL;
	return it->valuestring;
}

/* Parses a non-negative decimal (or 0x hexadecimal) number of at most 20
 * characters that fits 32 bits. */
static bool parse_u32(const char *s, long long *v)
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
static long long jnum(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	long long v = -1;

	if (cJSON_IsNumber(it)) {
		double d = it->valuedouble;

		if (isfinite(d) && d >= 0 && d <= 4294967295.0 && d == floor(d))
			v = (long long)d;
	} else if (cJSON_IsString(it)) {
		if (!parse_u32(it->valuestring, &v))
			v = -1;
	}
	return v;
}

/* obj.key as a flag: true, a non-zero number, or "1"/"true"/"yes". */
static bool jflag(const cJSON *obj, const char *key)
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

static bool has_prefix(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

static bool contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; s && *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return false;
}

static const char *lookup(const struct build_name *t, size_t n, long long build)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].build == build)
			return t[i].name;
	return NULL;
}

/* The last entry of t (in build order) at or below build; NULL below all. */
static const struct build_name *floor_entry(const struct build_name *t, size_t n, long long build)
{
	const struct build_name *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (t[i].build <= build)
			best = &t[i];
	return best;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Normalises an architecture name into out (facts: agent and GLPI names,
 * Windows PROCESSOR_ARCHITECTURE names and numbers). */
static void norm_arch(const char *a, char out[16])
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
			put(out, 16, map[i].to);
			return;
		}
	}
	for (i = 0; a[i] && n < 15; i++)
		if (isalnum((unsigned char)a[i]) || a[i] == '_')
			out[n++] = (char)tolower((unsigned char)a[i]);
	out[n] = '\0';
}

/* ---- Windows ---- */

static void win_read(const cJSON *w, struct win *f)
{
	f->major = jnum(w, "major");
	f->minor = jnum(w, "minor");
	f->build = jnum(w, "build");
	if (f->build > 0xFFFF)
		f->build &= 0xFFFF; /* high bits carry flags (facts a.1) */
	f->ubr = jnum(w, "ubr");
	f->ptype = jnum(w, "product_type");
	f->suite = jnum(w, "suite_mask");
	f->r2 = jnum(w, "server_r2");
	f->reg_major = jnum(w, "current_major_version_number");
	f->reg_minor = jnum(w, "current_minor_version_number");
	f->reg_build = jnum(w, "current_build_number");
	f->product_name = jstr(w, "product_name");
	f->edition_id = jstr(w, "edition_id");
	f->display_version = jstr(w, "display_version");
	f->release_id = jstr(w, "release_id");
	f->csd = jstr(w, "csd_version");
	f->inst_type = jstr(w, "installation_type");
	f->cur_version = jstr(w, "current_version");
	f->native_arch = jstr(w, "native_arch");
	f->embedded = jflag(w, "embedded");
	f->posready = jflag(w, "posready");
	f->media_center = jflag(w, "media_center");
	f->tablet_pc = jflag(w, "tablet_pc");
	f->starter = jflag(w, "starter");
	if (f->suite < 0)
		f->suite = 0;
}

/* The build of a Windows 10 feature release named rel; 0 when unknown. */
static long long win10_release_build(const char *rel)
{
	for (size_t i = 0; rel && i < NELEM(win10_releases); i++)
		if (!strcmp(win10_releases[i].name, rel) ||
		    (!strcmp(rel, "2009") && win10_releases[i].build == 19042))
			return win10_releases[i].build;
	return 0;
}

/* Registry evidence of NT 10.0 (facts a.3): CurrentMajorVersionNumber,
 * DisplayVersion and ReleaseId exist only from Windows 10 on. */
static bool reg_says_nt10(const struct win *f)
{
	return f->reg_major == 10 || f->display_version || f->release_id;
}

/* Parses "X.Y" into major and minor. */
static bool parse_xy(const char *s, long long *x, long long *y)
{
	char a[24], *dot;

	if (!s || strlen(s) >= sizeof(a))
		return false;
	put(a, sizeof(a), s);
	dot = strchr(a, '.');
	if (!dot)
		return false;
	*dot = '\0';
	return parse_u32(a, x) && parse_u32(dot + 1, y);
}

/* The lowest build of an NT 5.x/6.x version, for a version known only from
 * CurrentVersion. */
static long long base_build(long long major, long long minor)
{
	static const long long t[][3] = {{5, 0, 2195}, {5, 1, 2600}, {5, 2, 3790}, {6, 0, 6000},
	                                 {6, 1, 7600}, {6, 2, 9200}, {6, 3, 9600}};

	for (size_t i = 0; i < NELEM(t); i++)
		if (t[i][0] == major && t[i][1] == minor)
			return t[i][2];
	return 0;
}

/* The true version (facts a.1, a.3, a.5): RtlGetVersion values, raised to
 * the registry's when those are higher (a compatibility shim lies low). */
static void win_version(struct win *f, struct os_class *out)
{
	long long x = -1, y = -1;

	if (reg_says_nt10(f) && f->major < 10) {
		f->major = 10;
		f->minor = 0;
		f->build = f->reg_build > 0 ? f->reg_build : 0;
		if (f->build)
			return;
		f->build =
		    win10_release_build(f->display_version ? f->display_version : f->release_id);
		flag(out, f->build ? "build taken from the release name"
		                   : "Windows 10 evidence without a build");
		return;
	}
	if (f->major < 10 && parse_xy(f->cur_version, &x, &y) &&
	    (x > f->major || (x == f->major && y > f->minor))) {
		if (!(f->product_name && strstr(f->product_name, "8.1")) && x == 6 && y == 3)
			flag(out, "CurrentVersion 6.3 over a lower RtlGetVersion, not confirmed by "
			          "ProductName");
		f->major = x;
		f->minor = y;
		f->build = base_build(x, y);
	}
	if (f->reg_build > f->build && f->major >= 0)
		f->build = f->reg_build;
}

/* The product type (facts a.2); installation type or product name when
 * absent, and otherwise workstation (the earlier-ending product), flagged. */
static long long win_ptype(const struct win *f, struct os_class *out)
{
	if (f->ptype >= PT_WORKSTATION && f->ptype <= PT_SERVER)
		return f->ptype;
	if (f->inst_type && !strcasecmp(f->inst_type, "Client"))
		return PT_WORKSTATION;
	if (f->inst_type && contains_ci(f->inst_type, "Server"))
		return PT_SERVER;
	if (f->product_name && contains_ci(f->product_name, "Server"))
		return PT_SERVER;
	flag(out, "product type unknown, assumed workstation");
	return PT_WORKSTATION;
}

/* The edition of a server (2003 from the suite mask; 2008+ from EditionID). */
static void server_edition(const struct win *f, struct os_class *out)
{
	const char *e = f->edition_id;
	char buf[64];
	size_t n;

	if (has_prefix(e, "Server") && e[6]) {
		put(buf, sizeof(buf), e + 6);
		n = strlen(buf);
		if (n > 4 && !strcmp(buf + n - 4, "Eval"))
			putf(out->os_edition, sizeof(out->os_edition), "%.*s Evaluation",
			     (int)(n - 4), buf);
		else
			put(out->os_edition, sizeof(out->os_edition), buf);
		return;
	}
	if (e) {
		put(out->os_edition, sizeof(out->os_edition), e);
		return;
	}
	if (f->suite & SUITE_DATACENTER)
		e = "Datacenter";
	else if (f->suite & SUITE_ENTERPRISE)
		e = "Enterprise";
	else if (f->suite & SUITE_BLADE)
		e = "Web";
	else if (f->suite & SUITE_STORAGE_SERVER)
		e = "Storage";
	else if (f->suite & SUITE_COMPUTE_SERVER)
		e = "Compute Cluster";
	else if (f->suite & SUITE_SMALLBUSINESS)
		e = "Small Business";
	else
		e = "Standard";
	put(out->os_edition, sizeof(out->os_edition), e);
}

/* Windows XP (5.1) and 5.2 workstation (facts a.4). */
static void win_xp(const struct win *f, struct os_class *out)
{
	bool embedded = f->embedded || (f->suite & SUITE_EMBEDDEDNT);
	const char *e;

	put(out->os_product, sizeof(out->os_product), "Windows XP");
	if (f->major == 5 && f->minor == 2) {
		put(out->os_edition, sizeof(out->os_edition), "Professional x64");
		return;
	}
	if (embedded)
		e = f->posready ? "POSReady 2009" : "Embedded";
	else if (f->media_center)
		e = "Media Center";
	else if (f->tablet_pc)
		e = "Tablet PC";
	else if (f->starter)
		e = "Starter";
	else if (f->suite & SUITE_PERSONAL)
		e = "Home";
	else
		e = "Professional";
	put(out->os_edition, sizeof(out->os_edition), e);
	if (f->posready && !embedded)
		flag(out, "PosReady registry value without Embedded evidence");
}

/* Vista to 11 client edition names from EditionID (facts a.3). */
static void client_edition(const struct win *f, struct os_class *out)
{
	static const struct {
		const char *id, *name;
	} map[] = {
	    {"Core", "Home"},
	    {"CoreN", "Home N"},
	    {"CoreSingleLanguage", "Home Single Language"},
	    {"CoreCountrySpecific", "Home China"},
	    {"Professional", "Pro"},
	    {"ProfessionalN", "Pro N"},
	    {"ProfessionalEducation", "Pro Education"},
	    {"ProfessionalWorkstation", "Pro for Workstations"},
	    {"Enterprise", "Enterprise"},
	    {"EnterpriseN", "Enterprise N"},
	    {"Education", "Education"},
	    {"EducationN", "Education N"},
	    {"IoTEnterprise", "IoT Enterprise"},
	    {"ServerRdsh", "Enterprise multi-session"},
	    {"HomeBasic", "Home Basic"},
	    {"HomePremium", "Home Premium"},
	    {"HomeBasicN", "Home Basic N"},
	    {"HomePremiumN", "Home Premium N"},
	};
	const char *e = f->edition_id;

	if (!e) {
		flag(out, "no EditionID");
		return;
	}
	for (size_t i = 0; i < NELEM(map); i++) {
		if (!strcmp(e, map[i].id)) {
			e = map[i].name;
			break;
		}
	}
	/* Vista/7 say Professional; 8 and 8.1 call Core the plain edition */
	if (f->major == 6 && f->minor <= 1 && has_prefix(f->edition_id, "Professional"))
		e = f->edition_id;
	if (f->major == 6 && f->minor >= 2 && !strcmp(f->edition_id, "Core"))
		e = "Core";
	put(out->os_edition, sizeof(out->os_edition), e);
}

/* EnterpriseS / IoTEnterpriseS: the LTSB/LTSC by build (facts a.3). */
static void ltsc_edition(const struct win *f, struct os_class *out)
{
	const char *prefix = has_prefix(f->edition_id, "IoT") ? "IoT Enterprise" : "Enterprise";
	const char *name = lookup(ltsc_names, NELEM(ltsc_names), f->build);

	if (!name) {
		const struct build_name *b = floor_entry(ltsc_names, NELEM(ltsc_names), f->build);

		name = b ? b->name : ltsc_names[0].name;
		flag(out, "LTSC edition on a build that is no LTSC release; the older LTSC taken");
	}
	putf(out->os_edition, sizeof(out->os_edition), "%s %s", prefix, name);
}

/* The feature release of NT 10.0 (facts a.3): DisplayVersion, else
 * ReleaseId unless frozen at 2009, else the build table. */
static void win10_release(const struct win *f, bool client, struct os_class *out)
{
	const char *r = NULL;

	if (f->display_version)
		r = f->display_version;
	else if (f->release_id && !(!strcmp(f->release_id, "2009") && f->build > 19041))
		r = f->release_id;
	else if (f->build >= 22000 && client)
		r = lookup(win11_releases, NELEM(win11_releases), f->build);
	else if (client)
		r = lookup(win10_releases, NELEM(win10_releases), f->build);
	else if (f->build == 25398)
		r = "23H2";
	if (!r && f->release_id && !strcmp(f->release_id, "2009") && f->build == 19042)
		r = "20H2";
	put(out->os_release, sizeof(out->os_release), r);
}

/* Server 2016 and later: the product by build (facts a.3, a.5). */
static void win_server10(const struct win *f, struct os_class *out)
{
	const char *p = lookup(server10_products, NELEM(server10_products), f->build);

	if (!p) {
		const struct build_name *b =
		    floor_entry(server10_products, NELEM(server10_products), f->build);

		p = b ? b->name : server10_products[0].name;
		flag(out, "server build not in the table; the older product taken");
	}
	put(out->os_product, sizeof(out->os_product), p);
	server_edition(f, out);
}

/* Vista to 8.1 and Server 2008 to 2012 R2 (facts a.2). */
static void win_nt6(const struct win *f, long long pt, struct os_class *out)
{
	static const char *const client[] = {"Windows Vista", "Windows 7", "Windows 8",
	                                     "Windows 8.1"};
	static const char *const server[] = {"Windows Server 2008", "Windows Server 2008 R2",
	                                     "Windows Server 2012", "Windows Server 2012 R2"};
	long long m = f->minor > 3 ? 3 : f->minor;

	if (f->minor > 3)
		flag(out, "unknown NT 6.x minor version");
	if (pt == PT_WORKSTATION) {
		put(out->os_product, sizeof(out->os_product), client[m]);
		client_edition(f, out);
	} else {
		put(out->os_product, sizeof(out->os_product), server[m]);
		server_edition(f, out);
	}
}

/* Windows 2000, XP, XP x64 and Server 2003 / R2 (facts a.2, a.4). */
static void win_nt5(const struct win *f, long long pt, struct os_class *out)
{
	if (f->minor == 0) {
		put(out->os_product, sizeof(out->os_product),
		    pt == PT_WORKSTATION ? "Windows 2000" : "Windows Server 2000");
		if (pt == PT_WORKSTATION)
			put(out->os_edition, sizeof(out->os_edition), "Professional");
		else
			server_edition(f, out);
	} else if (f->minor == 1 || pt == PT_WORKSTATION) {
		win_xp(f, out);
	} else if (f->suite & SUITE_WH_SERVER) {
		put(out->os_product, sizeof(out->os_product), "Windows Home Server");
	} else {
		if (f->r2 < 0 && !(f->product_name && strstr(f->product_name, "R2")))
			flag(out, "SM_SERVERR2 not reported; Server 2003 (not R2) taken");
		put(out->os_product, sizeof(out->os_product),
		    f->r2 > 0 || (f->r2 < 0 && f->product_name && strstr(f->product_name, "R2"))
		        ? "Windows Server 2003 R2"
		        : "Windows Server 2003");
		server_edition(f, out);
	}
}

/* Fills out from the windows object; false when it gives no version. */
static bool classify_windows(const cJSON *w, struct os_class *out)
{
	struct win f;
	long long pt;

	win_read(w, &f);
	win_version(&f, out);
	if (f.major < 5 || f.minor < 0 || f.build < 0)
		return false;
	put(out->os_family, sizeof(out->os_family), "windows");
	put(out->os_id, sizeof(out->os_id), "windows");
	putf(out->os_version, sizeof(out->os_version), "%lld.%lld.%lld", f.major, f.minor, f.build);
	if (f.ubr > 0)
		putf(out->os_build, sizeof(out->os_build), "%lld.%lld", f.build, f.ubr);
	else
		putf(out->os_build, sizeof(out->os_build), "%lld", f.build);
	put(out->os_service_pack, sizeof(out->os_service_pack), f.csd);
	norm_arch(f.native_arch, out->arch);
	pt = win_ptype(&f, out);
	if (f.major == 5) {
		win_nt5(&f, pt, out);
	} else if (f.major == 6) {
		win_nt6(&f, pt, out);
	} else if (f.major == 10 && pt != PT_WORKSTATION) {
		win_server10(&f, out);
		win10_release(&f, false, out);
	} else {
		if (f.major > 10 || f.minor != 0)
			flag(out, "unknown Windows version; Windows 10 rules applied");
		put(out->os_product, sizeof(out->os_product),
		    f.build >= 22000 ? "Windows 11" : "Windows 10");
		if (f.edition_id && has_prefix(strstr(f.edition_id, "EnterpriseS"), "EnterpriseS"))
			ltsc_edition(&f, out);
		else
			client_edition(&f, out);
		win10_release(&f, true, out);
	}
	return true;
}

/* ---- Linux ---- */

/* The part of v before its n-th dot (n = 1: the major version). */
static void ver_prefix(const char *v, int n, char *dst, size_t cap)
{
	size_t i;

	for (i = 0; v[i] && i + 1 < cap; i++) {
		if (v[i] == '.' && --n == 0)
			break;
		dst[i] = v[i];
	}
	dst[i] = '\0';
}

/* os_product of a Linux (or BSD) system from its os-release ID, NAME and
 * VERSION_ID, at the vendor's lifecycle granularity (facts e). */
static void linux_product(const char *id, const char *name, const char *ver, struct os_class *out)
{
	static const struct {
		const char *id, *product;
		int parts; /* version parts kept: 1 major, 2 major.minor, 0 none */
	} map[] = {
	    {"debian", "Debian", 1},
	    {"ubuntu", "Ubuntu", 2},
	    {"rhel", "Red Hat Enterprise Linux", 1},
	    {"centos", "CentOS", 1},
	    {"rocky", "Rocky Linux", 1},
	    {"almalinux", "AlmaLinux", 1},
	    {"ol", "Oracle Linux", 1},
	    {"scientific", "Scientific Linux", 1},
	    {"fedora", "Fedora", 1},
	    {"opensuse-leap", "openSUSE Leap", 2},
	    {"opensuse", "openSUSE", 2},
	    {"opensuse-tumbleweed", "openSUSE Tumbleweed", 0},
	    {"alpine", "Alpine Linux", 2},
	    {"arch", "Arch Linux", 0},
	    {"linuxmint", "Linux Mint", 2},
	    {"freebsd", "FreeBSD", 1},
	};
	char v[48];

	ver = ver ? ver : "";
	if (!strcmp(id, "sles") || !strcmp(id, "sled")) {
		const char *kind = id[3] == 's' ? "Server" : "Desktop";
		const char *dot = strchr(ver, '.');

		ver_prefix(ver, 1, v, sizeof(v));
		if (dot && strcmp(dot + 1, "0") != 0 && dot[1]) {
			putf(out->os_service_pack, sizeof(out->os_service_pack), "SP%.8s", dot + 1);
			putf(out->os_product, sizeof(out->os_product),
			     "SUSE Linux Enterprise %s %s %s", kind, v, out->os_service_pack);
		} else {
			putf(out->os_product, sizeof(out->os_product),
			     "SUSE Linux Enterprise %s %s", kind, v);
		}
		return;
	}
	if (!strcmp(id, "amzn")) {
		if (!strcmp(ver, "2") || (strlen(ver) == 4 && has_prefix(ver, "20")))
			putf(out->os_product, sizeof(out->os_product), "Amazon Linux %s", ver);
		else
			putf(out->os_product, sizeof(out->os_product), "Amazon Linux AMI %.40s",
			     ver);
		return;
	}
	if (!strcmp(id, "centos") && name && strstr(name, "Stream")) {
		ver_prefix(ver, 1, v, sizeof(v));
		putf(out->os_product, sizeof(out->os_product), "CentOS Stream %s", v);
		return;
	}
	for (size_t i = 0; i < NELEM(map); i++) {
		if (strcmp(id, map[i].id) != 0)
			continue;
		if (!map[i].parts || !*ver) {
			if (map[i].parts)
				flag(out, "no version");
			put(out->os_product, sizeof(out->os_product), map[i].product);
			return;
		}
		ver_prefix(ver, map[i].parts, v, sizeof(v));
		putf(out->os_product, sizeof(out->os_product), "%s %s", map[i].product, v);
		return;
	}
	putf(out->os_product, sizeof(out->os_product), "%.60s%s%.30s", name ? name : id,
	     *ver ? " " : "", ver);
}

/* Copies an os-release ID, lower-cased, keeping [a-z0-9._-] (os-release(5)). */
static void norm_id(const char *s, char *dst, size_t cap)
{
	size_t n = 0;

	for (; s && *s && n + 1 < cap; s++)
		if (isalnum((unsigned char)*s) || strchr("._-", *s))
			dst[n++] = (char)tolower((unsigned char)*s);
	dst[n] = '\0';
}

static void set_family(const char *id, struct os_class *out)
{
	put(out->os_family, sizeof(out->os_family),
	    !strcmp(id, "freebsd") || !strcmp(id, "openbsd") || !strcmp(id, "netbsd") ? "bsd"
	                                                                              : "linux");
}

static bool classify_osrelease(const cJSON *osr, struct os_class *out)
{
	const char *ver = jstr(osr, "VERSION_ID");

	norm_id(jstr(osr, "ID"), out->os_id, sizeof(out->os_id));
	if (!out->os_id[0])
		return false;
	set_family(out->os_id, out);
	put(out->os_version, sizeof(out->os_version), ver);
	put(out->os_build, sizeof(out->os_build), jstr(osr, "BUILD_ID"));
	linux_product(out->os_id, jstr(osr, "NAME"), ver, out);
	return true;
}

/* The ID of a distribution from the text before " release " in a
 * redhat-release style line, or from a GLPI name. */
static const char *id_from_name(const char *s)
{
	static const struct {
		const char *prefix, *id;
	} map[] = {
	    {"CentOS", "centos"},
	    {"Red Hat", "rhel"},
	    {"Oracle Linux", "ol"},
	    {"Enterprise Linux", "ol"},
	    {"Rocky", "rocky"},
	    {"AlmaLinux", "almalinux"},
	    {"Scientific Linux", "scientific"},
	    {"Fedora", "fedora"},
	    {"Debian", "debian"},
	    {"Ubuntu", "ubuntu"},
	    {"SUSE Linux Enterprise Server", "sles"},
	    {"SUSE Linux Enterprise Desktop", "sled"},
	    {"openSUSE Leap", "opensuse-leap"},
	    {"openSUSE", "opensuse"},
	    {"Alpine", "alpine"},
	    {"Amazon Linux", "amzn"},
	    {"Arch Linux", "arch"},
	};

	for (size_t i = 0; s && i < NELEM(map); i++)
		if (has_prefix(s, map[i].prefix))
			return map[i].id;
	return NULL;
}

/* The first run of digits and dots in s, into v. */
static void first_version(const char *s, char *v, size_t cap)
{
	size_t n = 0;

	while (*s && !isdigit((unsigned char)*s))
		s++;
	while ((isdigit((unsigned char)*s) || *s == '.') && n + 1 < cap)
		v[n++] = *s++;
	while (n && v[n - 1] == '.')
		n--;
	v[n] = '\0';
}

/* "CentOS release 6.10 (Final)", "Red Hat Enterprise Linux Server release
 * 5.11 (Tikanga)", "CentOS Linux release 7.9.2009 (Core)". */
static bool from_redhat_line(const char *line, struct os_class *out)
{
	const char *rel = strstr(line, " release ");
	const char *id = id_from_name(line);
	char v[32];

	if (!rel || !id)
		return false;
	first_version(rel + 9, v, sizeof(v));
	put(out->os_id, sizeof(out->os_id), id);
	put(out->os_version, sizeof(out->os_version), v);
	linux_product(id, NULL, v, out);
	return true;
}

/* "SUSE Linux Enterprise Server 11 (x86_64)", perhaps followed by the
 * "VERSION = 11" and "PATCHLEVEL = 4" lines. */
static bool from_suse_line(const char *text, struct os_class *out)
{
	const char *id = id_from_name(text);
	const char *pl = strstr(text, "PATCHLEVEL");
	char v[32], p[16] = "";

	if (!id)
		return false;
	first_version(text, v, sizeof(v));
	if (pl)
		first_version(pl, p, sizeof(p));
	if (!strcmp(id, "sles") || !strcmp(id, "sled")) {
		if (p[0])
			putf(out->os_version, sizeof(out->os_version), "%s.%s", v, p);
		else
			put(out->os_version, sizeof(out->os_version), v);
		if (!p[0])
			flag(out, "service pack unknown: only SuSE-release's first line reported");
	} else {
		put(out->os_version, sizeof(out->os_version), v);
	}
	put(out->os_id, sizeof(out->os_id), id);
	linux_product(id, NULL, out->os_version, out);
	return true;
}

/* lsb-release text: DISTRIB_ID= and DISTRIB_RELEASE= where present. */
static bool from_lsb(const char *text, struct os_class *out)
{
	const char *idp = strstr(text, "DISTRIB_ID=");
	const char *rp = strstr(text, "DISTRIB_RELEASE=");
	char name[48] = "", v[32] = "";
	size_t n = 0;

	if (!idp)
		return false;
	for (idp += 11; *idp && *idp != '\n' && *idp != '"' && n + 1 < sizeof(name); idp++)
		name[n++] = *idp;
	name[n] = '\0';
	if (rp)
		first_version(rp + 16, v, sizeof(v));
	norm_id(name, out->os_id, sizeof(out->os_id));
	if (!out->os_id[0])
		return false;
	put(out->os_version, sizeof(out->os_version), v);
	if (!v[0])
		flag(out, "lsb-release without DISTRIB_RELEASE");
	linux_product(out->os_id, name, v, out);
	return true;
}

static bool from_simple_version(const char *id, const char *text, struct os_class *out)
{
	char v[32];

	first_version(text, v, sizeof(v));
	if (!v[0] || !isdigit((unsigned char)text[0]))
		return false;
	put(out->os_id, sizeof(out->os_id), id);
	put(out->os_version, sizeof(out->os_version), v);
	linux_product(id, NULL, v, out);
	return true;
}

/* The legacy /etc release files (facts e, protocol release_files), most
 * specific first. */
static bool classify_release_files(const cJSON *rf, struct os_class *out)
{
	static const struct {
		const char *path;
		int kind; /* 0 redhat-style, 1 SuSE, 2 lsb, 3 bare version of id */
		const char *id;
	} files[] = {
	    {"/etc/centos-release", 0, NULL},     {"/etc/redhat-release", 0, NULL},
	    {"/etc/oracle-release", 0, NULL},     {"/etc/system-release", 0, NULL},
	    {"/etc/SuSE-release", 1, NULL},       {"/etc/lsb-release", 2, NULL},
	    {"/etc/debian_version", 3, "debian"}, {"/etc/alpine-release", 3, "alpine"},
	};

	for (size_t i = 0; i < NELEM(files); i++) {
		const char *s = jstr(rf, files[i].path);
		bool ok = false;

		if (!s)
			continue;
		if (files[i].kind == 0)
			ok = from_redhat_line(s, out);
		else if (files[i].kind == 1)
			ok = from_suse_line(s, out);
		else if (files[i].kind == 2)
			ok = from_lsb(s, out);
		else
			ok = from_simple_version(files[i].id, s, out);
		if (ok) {
			set_family(out->os_id, out);
			return true;
		}
	}
	return false;
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
		b = lookup(ltsc_names, NELEM(ltsc_names), build);
		if (b)
			snprintf(w + strlen(w), sizeof(w) - strlen(w), " %s", b);
		else
			snprintf(w + strlen(w), sizeof(w) - strlen(w), " %s", ch);
	}
	put(e, 64, w);
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
	const char *p = NULL, *rest = NULL, *kv = jstr(os, "kernel_version");
	const char *ver = jstr(os, "version");
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
	put(out->os_family, sizeof(out->os_family), "windows");
	put(out->os_id, sizeof(out->os_id), "windows");
	put(out->os_product, sizeof(out->os_product), p);
	while (*rest == ' ' || *rest == ',')
		rest++;
	put(e, sizeof(e), rest);
	n = strlen(e);
	if (n >= 8 && !strcmp(e + n - 8, " Edition"))
		e[n - 8] = '\0';
	else if (!strcmp(e, "Edition"))
		e[0] = '\0';
	put(out->os_edition, sizeof(out->os_edition), e);
	if (kv && strlen(kv) < 24) {
		char a[24], *dot;

		put(a, sizeof(a), kv);
		dot = strrchr(a, '.');
		if (dot && parse_u32(dot + 1, &build)) {
			*dot = '\0';
			if (parse_xy(a, &x, &y)) {
				put(out->os_version, sizeof(out->os_version), kv);
				putf(out->os_build, sizeof(out->os_build), "%lld", build);
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
	put(out->os_product, sizeof(out->os_product), p);
	glpi_edition(p, build, out->os_edition);
	if (ver && !strcmp(ver, "2009") && build > 19042)
		ver = NULL;
	if (ver && strlen(ver) == 4 && (ver[2] == 'H' || isdigit((unsigned char)ver[2])) &&
	    (!strcmp(p, "Windows 10") || !strcmp(p, "Windows 11")))
		put(out->os_release, sizeof(out->os_release), ver);
	else if (!strcmp(p, "Windows 10") || !strcmp(p, "Windows 11"))
		put(out->os_release, sizeof(out->os_release),
		    build >= 22000 ? lookup(win11_releases, NELEM(win11_releases), build)
		                   : lookup(win10_releases, NELEM(win10_releases), build));
	put(out->os_service_pack, sizeof(out->os_service_pack), jstr(os, "service_pack"));
	return true;
}

static bool classify_glpi(const cJSON *os, struct os_class *out)
{
	const char *name = jstr(os, "full_name");
	const char *id;

	if (!name || !strstr(name, "Windows"))
		name = jstr(os, "name") ? jstr(os, "name") : name;
	if (!name)
		return false;
	/* a name that says nothing ("RedHatEnterpriseServer"): the full name */
	if (!strstr(name, "Windows") && !id_from_name(name) && !strstr(name, " release ") &&
	    jstr(os, "full_name"))
		name = jstr(os, "full_name");
	if (strstr(name, "Windows"))
		return glpi_windows(os, name, out);
	if (from_redhat_line(name, out)) {
		set_family(out->os_id, out);
		return true;
	}
	id = id_from_name(name);
	if (id) {
		put(out->os_id, sizeof(out->os_id), id);
		put(out->os_version, sizeof(out->os_version), jstr(os, "version"));
		linux_product(id, name, jstr(os, "version"), out);
		set_family(id, out);
		return true;
	}
	if (contains_ci(name, "mac")) {
		put(out->os_family, sizeof(out->os_family), "macos");
		put(out->os_id, sizeof(out->os_id), "macos");
	} else if (jstr(os, "kernel_name") && !strcasecmp(jstr(os, "kernel_name"), "linux")) {
		put(out->os_family, sizeof(out->os_family), "linux");
	} else {
		return false;
	}
	put(out->os_version, sizeof(out->os_version), jstr(os, "version"));
	putf(out->os_product, sizeof(out->os_product), "%.60s%s%.30s", name,
	     out->os_version[0] ? " " : "", out->os_version);
	return true;
}

/* ---- entry points ---- */

static void set_unknown(struct os_class *out)
{
	memset(out, 0, sizeof(*out));
	put(out->os_family, sizeof(out->os_family), "unknown");
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
		norm_arch(jstr(os, "arch"), out->arch);
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
