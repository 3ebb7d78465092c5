/* classify_windows.c - the Windows rules of the classifier (classify.c):
 * RtlGetVersion and registry facts → product, edition, release
 * (docs/classification.md, facts a.1-a.5). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_int.h"

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

/* ---- Windows ---- */

static void win_read(const cJSON *w, struct win *f)
{
	f->major = classify_jnum(w, "major");
	f->minor = classify_jnum(w, "minor");
	f->build = classify_jnum(w, "build");
	if (f->build > 0xFFFF)
		f->build &= 0xFFFF; /* high bits carry flags (facts a.1) */
	f->ubr = classify_jnum(w, "ubr");
	f->ptype = classify_jnum(w, "product_type");
	f->suite = classify_jnum(w, "suite_mask");
	f->r2 = classify_jnum(w, "server_r2");
	f->reg_major = classify_jnum(w, "current_major_version_number");
	f->reg_minor = classify_jnum(w, "current_minor_version_number");
	f->reg_build = classify_jnum(w, "current_build_number");
	f->product_name = classify_jstr(w, "product_name");
	f->edition_id = classify_jstr(w, "edition_id");
	f->display_version = classify_jstr(w, "display_version");
	f->release_id = classify_jstr(w, "release_id");
	f->csd = classify_jstr(w, "csd_version");
	f->inst_type = classify_jstr(w, "installation_type");
	f->cur_version = classify_jstr(w, "current_version");
	f->native_arch = classify_jstr(w, "native_arch");
	f->embedded = classify_jflag(w, "embedded");
	f->posready = classify_jflag(w, "posready");
	f->media_center = classify_jflag(w, "media_center");
	f->tablet_pc = classify_jflag(w, "tablet_pc");
	f->starter = classify_jflag(w, "starter");
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
		classify_flag(out, f->build ? "build taken from the release name"
		                            : "Windows 10 evidence without a build");
		return;
	}
	if (f->major < 10 && classify_parse_xy(f->cur_version, &x, &y) &&
	    (x > f->major || (x == f->major && y > f->minor))) {
		if (!(f->product_name && strstr(f->product_name, "8.1")) && x == 6 && y == 3)
			classify_flag(
			    out, "CurrentVersion 6.3 over a lower RtlGetVersion, not confirmed by "
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
	if (f->inst_type && classify_contains_ci(f->inst_type, "Server"))
		return PT_SERVER;
	if (f->product_name && classify_contains_ci(f->product_name, "Server"))
		return PT_SERVER;
	classify_flag(out, "product type unknown, assumed workstation");
	return PT_WORKSTATION;
}

/* The edition of a server (2003 from the suite mask; 2008+ from EditionID). */
static void server_edition(const struct win *f, struct os_class *out)
{
	const char *e = f->edition_id;
	char buf[64];
	size_t n;

	if (classify_has_prefix(e, "Server") && e[6]) {
		classify_put(buf, sizeof(buf), e + 6);
		n = strlen(buf);
		if (n > 4 && !strcmp(buf + n - 4, "Eval"))
			classify_putf(out->os_edition, sizeof(out->os_edition), "%.*s Evaluation",
			              (int)(n - 4), buf);
		else
			classify_put(out->os_edition, sizeof(out->os_edition), buf);
		return;
	}
	if (e) {
		classify_put(out->os_edition, sizeof(out->os_edition), e);
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
	classify_put(out->os_edition, sizeof(out->os_edition), e);
}

/* Windows XP (5.1) and 5.2 workstation (facts a.4). */
static void win_xp(const struct win *f, struct os_class *out)
{
	bool embedded = f->embedded || (f->suite & SUITE_EMBEDDEDNT);
	const char *e;

	classify_put(out->os_product, sizeof(out->os_product), "Windows XP");
	if (f->major == 5 && f->minor == 2) {
		classify_put(out->os_edition, sizeof(out->os_edition), "Professional x64");
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
	classify_put(out->os_edition, sizeof(out->os_edition), e);
	if (f->posready && !embedded)
		classify_flag(out, "PosReady registry value without Embedded evidence");
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
		classify_flag(out, "no EditionID");
		return;
	}
	for (size_t i = 0; i < NELEM(map); i++) {
		if (!strcmp(e, map[i].id)) {
			e = map[i].name;
			break;
		}
	}
	/* Vista/7 say Professional; 8 and 8.1 call Core the plain edition */
	if (f->major == 6 && f->minor <= 1 && classify_has_prefix(f->edition_id, "Professional"))
		e = f->edition_id;
	if (f->major == 6 && f->minor >= 2 && !strcmp(f->edition_id, "Core"))
		e = "Core";
	classify_put(out->os_edition, sizeof(out->os_edition), e);
}

/* EnterpriseS / IoTEnterpriseS: the LTSB/LTSC by build (facts a.3). */
static void ltsc_edition(const struct win *f, struct os_class *out)
{
	const char *prefix =
	    classify_has_prefix(f->edition_id, "IoT") ? "IoT Enterprise" : "Enterprise";
	const char *name = lookup(ltsc_names, NELEM(ltsc_names), f->build);

	if (!name) {
		const struct build_name *b = floor_entry(ltsc_names, NELEM(ltsc_names), f->build);

		name = b ? b->name : ltsc_names[0].name;
		classify_flag(
		    out, "LTSC edition on a build that is no LTSC release; the older LTSC taken");
	}
	classify_putf(out->os_edition, sizeof(out->os_edition), "%s %s", prefix, name);
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
	classify_put(out->os_release, sizeof(out->os_release), r);
}

/* Server 2016 and later: the product by build (facts a.3, a.5). */
static void win_server10(const struct win *f, struct os_class *out)
{
	const char *p = lookup(server10_products, NELEM(server10_products), f->build);

	if (!p) {
		const struct build_name *b =
		    floor_entry(server10_products, NELEM(server10_products), f->build);

		p = b ? b->name : server10_products[0].name;
		classify_flag(out, "server build not in the table; the older product taken");
	}
	classify_put(out->os_product, sizeof(out->os_product), p);
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
		classify_flag(out, "unknown NT 6.x minor version");
	if (pt == PT_WORKSTATION) {
		classify_put(out->os_product, sizeof(out->os_product), client[m]);
		client_edition(f, out);
	} else {
		classify_put(out->os_product, sizeof(out->os_product), server[m]);
		server_edition(f, out);
	}
}

/* Windows 2000, XP, XP x64 and Server 2003 / R2 (facts a.2, a.4). */
static void win_nt5(const struct win *f, long long pt, struct os_class *out)
{
	if (f->minor == 0) {
		classify_put(out->os_product, sizeof(out->os_product),
		             pt == PT_WORKSTATION ? "Windows 2000" : "Windows Server 2000");
		if (pt == PT_WORKSTATION)
			classify_put(out->os_edition, sizeof(out->os_edition), "Professional");
		else
			server_edition(f, out);
	} else if (f->minor == 1 || pt == PT_WORKSTATION) {
		win_xp(f, out);
	} else if (f->suite & SUITE_WH_SERVER) {
		classify_put(out->os_product, sizeof(out->os_product), "Windows Home Server");
	} else {
		if (f->r2 < 0 && !(f->product_name && strstr(f->product_name, "R2")))
			classify_flag(out, "SM_SERVERR2 not reported; Server 2003 (not R2) taken");
		classify_put(out->os_product, sizeof(out->os_product),
		             f->r2 > 0 ||
		                     (f->r2 < 0 && f->product_name && strstr(f->product_name, "R2"))
		                 ? "Windows Server 2003 R2"
		                 : "Windows Server 2003");
		server_edition(f, out);
	}
}

/* Fills out from the windows object; false when it gives no version. */
bool classify_windows(const cJSON *w, struct os_class *out)
{
	struct win f;
	long long pt;

	win_read(w, &f);
	win_version(&f, out);
	if (f.major < 5 || f.minor < 0 || f.build < 0)
		return false;
	classify_put(out->os_family, sizeof(out->os_family), "windows");
	classify_put(out->os_id, sizeof(out->os_id), "windows");
	classify_putf(out->os_version, sizeof(out->os_version), "%lld.%lld.%lld", f.major, f.minor,
	              f.build);
	if (f.ubr > 0)
		classify_putf(out->os_build, sizeof(out->os_build), "%lld.%lld", f.build, f.ubr);
	else
		classify_putf(out->os_build, sizeof(out->os_build), "%lld", f.build);
	classify_put(out->os_service_pack, sizeof(out->os_service_pack), f.csd);
	classify_norm_arch(f.native_arch, out->arch);
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
			classify_flag(out, "unknown Windows version; Windows 10 rules applied");
		classify_put(out->os_product, sizeof(out->os_product),
		             f.build >= 22000 ? "Windows 11" : "Windows 10");
		if (f.edition_id &&
		    classify_has_prefix(strstr(f.edition_id, "EnterpriseS"), "EnterpriseS"))
			ltsc_edition(&f, out);
		else
			client_edition(&f, out);
		win10_release(&f, true, out);
	}
	return true;
}

const char *classify_win_release(long long build)
{
	return build >= 22000 ? lookup(win11_releases, NELEM(win11_releases), build)
	                      : lookup(win10_releases, NELEM(win10_releases), build);
}

const char *classify_win_ltsc_name(long long build)
{
	return lookup(ltsc_names, NELEM(ltsc_names), build);
}
