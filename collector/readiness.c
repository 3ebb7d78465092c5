/* readiness.c - Windows 11 readiness and Windows 10 ESU eligibility from a
 * machine's facts (readiness.h). Every rule is in docs/readiness.md with
 * its source; the CPU rule is Microsoft's HardwareReadiness.ps1 (v2). */
#include "readiness.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Installed memory passes at 3.5 GiB: the script rounds GiB half to even. */
#define READY_MEM_PASS_MIB 3584
/* Usable memory (installed unknown) this far below 3.5 GiB surely fails:
 * firmware, graphics and a 32-bit OS keep at most 1 GiB of 4 GiB. */
#define READY_MEM_FAIL_MIB 2560
/* The system volume passes at 63.5 GiB (64 after the same rounding). */
#define READY_DISK_PASS_MIB 65024

void ready_facts_init(struct ready_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->cpu_family = f->cpu_model = f->cpu_stepping = -1;
	f->cpu_logical = f->cpu_cores = -1;
	f->cpu_max_mhz = f->cpu_platform_flags = -1;
	f->memory_installed_mib = f->memory_usable_mib = f->system_volume_mib = -1;
	f->tpm_version = f->os_bits = f->chassis_type = -1;
	f->esu_licensed_year = -1;
}

/* ---- reading the stored facts ---- */

static void get_str(const cJSON *obj, const char *key, char *out, size_t size)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsString(it))
		snprintf(out, size, "%s", it->valuestring);
}

/* An integer member (a JSON number), -1 when absent or not one. */
static int64_t get_int(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 9.0e15)
		return -1;
	return (int64_t)it->valuedouble;
}

/* A decimal string member ("6"), -1 when absent or not one. */
static int get_decimal(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *s;
	long v = 0;

	if (!cJSON_IsString(it) || !it->valuestring[0] || strlen(it->valuestring) > 6)
		return -1;
	for (s = it->valuestring; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

static enum ready_tri get_bool(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsBool(it))
		return READY_UNKNOWN;
	return cJSON_IsTrue(it) ? READY_YES : READY_NO;
}

/* The rank of an appraiser release key ("CO21H2": 212), 0 when it has not
 * that form. */
static int appraiser_rank(const char *key)
{
	if (strlen(key) != 6 || !isalpha((unsigned char)key[0]) ||
	    !isalpha((unsigned char)key[1]) || !isdigit((unsigned char)key[2]) ||
	    !isdigit((unsigned char)key[3]) || key[4] != 'H' || (key[5] != '1' && key[5] != '2'))
		return 0;
	return (key[2] - '0') * 100 + (key[3] - '0') * 10 + (key[5] - '0');
}

/* The newest release key of hw.appraiser with its UpgEx and RedReason. */
static void read_appraiser(const cJSON *app, struct ready_facts *f)
{
	const cJSON *k, *best = NULL;
	int rank, best_rank = 0;

	cJSON_ArrayForEach(k, app)
	{
		rank = k->string && cJSON_IsObject(k) ? appraiser_rank(k->string) : 0;
		if (rank > best_rank) {
			best_rank = rank;
			best = k;
		}
	}
	if (!best)
		return;
	snprintf(f->appraiser_key, sizeof(f->appraiser_key), "%s", best->string);
	get_str(best, "UpgEx", f->appraiser_upgex, sizeof(f->appraiser_upgex));
	get_str(best, "RedReason", f->appraiser_red, sizeof(f->appraiser_red));
}

static void read_hw(const cJSON *hw, struct ready_facts *f)
{
	char s[16] = "";
	int64_t v;

	v = get_int(hw, "cpu_logical");
	f->cpu_logical = v > 100000 ? 100000 : (int)v;
	f->cpu_platform_flags = get_int(hw, "cpu_platform_flags");
	f->cpu_sse42 = get_bool(hw, "cpu_sse42");
	f->cpu_popcnt = get_bool(hw, "cpu_popcnt");
	f->cpu_arm_v81_atomics = get_bool(hw, "cpu_arm_v81_atomics");
	f->memory_installed_mib = get_int(hw, "memory_installed_mib");
	f->system_volume_mib = get_int(hw, "system_volume_mib");
	get_str(hw, "firmware", s, sizeof(s));
	f->firmware = !strcmp(s, "uefi")   ? READY_FW_UEFI
	              : !strcmp(s, "bios") ? READY_FW_BIOS
	                                   : READY_FW_UNKNOWN;
	f->secure_boot_capable = get_bool(hw, "secure_boot_capable");
	f->tpm_present = get_bool(hw, "tpm_present");
	s[0] = '\0';
	get_str(hw, "tpm_version", s, sizeof(s));
	f->tpm_version = !strcmp(s, "2.0") ? 20 : !strcmp(s, "1.2") ? 12 : -1;
	v = get_int(hw, "os_bits");
	f->os_bits = v == 32 || v == 64 ? (int)v : -1;
	v = get_int(hw, "esu_licensed_year");
	f->esu_licensed_year = v >= 0 && v <= 3 ? (int)v : -1;
	read_appraiser(cJSON_GetObjectItemCaseSensitive(hw, "appraiser"), f);
}

/* True for "YYYY-MM-DD" (digits and dashes; GLPI's format). */
static bool is_date(const char *s)
{
	size_t i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	return s[10] == '\0';
}

static void read_glpi(const cJSON *doc, struct ready_facts *f)
{
	const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(doc, "cpu");
	const cJSON *bios = cJSON_GetObjectItemCaseSensitive(doc, "bios");
	const cJSON *hard = cJSON_GetObjectItemCaseSensitive(doc, "hardware");
	char sb[16] = "";
	int64_t v;

	get_str(cpu, "manufacturer", f->cpu_vendor, sizeof(f->cpu_vendor));
	f->cpu_family = get_decimal(cpu, "familynumber");
	f->cpu_model = get_decimal(cpu, "model");
	v = get_int(cpu, "stepping");
	f->cpu_stepping = v > 255 ? -1 : (int)v;
	get_str(cpu, "name", f->cpu_brand, sizeof(f->cpu_brand));
	v = get_int(cpu, "core");
	f->cpu_cores = v > 100000 ? 100000 : (int)v;
	f->cpu_max_mhz = get_int(cpu, "speed");
	get_str(bios, "smodel", f->smbios_model, sizeof(f->smbios_model));
	get_str(bios, "bdate", f->bios_date, sizeof(f->bios_date));
	if (!is_date(f->bios_date))
		f->bios_date[0] = '\0';
	get_str(bios, "secure_boot", sb, sizeof(sb));
	if (f->secure_boot_capable == READY_UNKNOWN && sb[0])
		f->secure_boot_capable = !strcmp(sb, "unsupported") ? READY_NO : READY_YES;
	f->memory_usable_mib = get_int(hard, "memory");
	f->chassis_type = get_decimal(hard, "chassis_type");
}

void ready_facts_from_json(const char *hw_json, struct ready_facts *f)
{
	cJSON *doc = hw_json && hw_json[0] ? cJSON_Parse(hw_json) : NULL;

	ready_facts_init(f);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return;
	}
	read_hw(cJSON_GetObjectItemCaseSensitive(doc, "hw"), f);
	read_glpi(doc, f);
	cJSON_Delete(doc);
}

/* ---- the rules ---- */

/* What one check found, in increasing weight for the verdict. */
enum outcome { OUT_PASS = 0, OUT_FIRMWARE, OUT_PARTS, OUT_UNKNOWN, OUT_REPLACE };

/* The checks, in the order of win11_reasons, with their tokens. */
enum check { CK_CPUFMS, CK_CPU, CK_SSE, CK_TPM, CK_UEFI, CK_MEMORY, CK_DISK, CK_OS32, CK__N };
static const char *const check_token[CK__N] = {
    "CpuFms",         "CPU",    "Sse42Popcnt",     "Tpm",
    "UefiSecureBoot", "Memory", "SystemDriveSize", "Os32Bit"};

enum vendor { V_UNKNOWN, V_INTEL, V_AMD, V_QUALCOMM, V_OTHER };

static enum vendor cpu_vendor(const struct ready_facts *f)
{
	/* CPUID vendor ids of x86 makers that Windows 11 supports none of */
	static const char *const others[] = {"CentaurHauls", "HygonGenuine", "  Shanghai  ",
	                                     "GenuineTMx86", "CyrixInstead", "VIA VIA VIA ",
	                                     "Vortex86 SoC", "RiseRiseRise", "NexGenDriven"};
	const char *v = f->cpu_vendor;
	size_t i;

	if (!v[0])
		return V_UNKNOWN;
	/* the CPUID id (our agent), or the maker's name (other inventory agents) */
	if (!strcmp(v, "GenuineIntel") || !strcasecmp(v, "Intel") ||
	    !strncasecmp(v, "Intel Corporation", 17))
		return V_INTEL;
	if (!strcmp(v, "AuthenticAMD") || !strcasecmp(v, "AMD") ||
	    !strncasecmp(v, "Advanced Micro Devices", 22))
		return V_AMD;
	if (!strncasecmp(v, "Qualcomm", 8))
		return V_QUALCOMM;
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (!strcmp(v, others[i]))
			return V_OTHER;
	return V_UNKNOWN; /* a name we do not know: never a guess */
}

/* HardwareReadiness.ps1 v2, CpuFamily.Validate for Intel. */
static enum outcome intel_rule(const struct ready_facts *f)
{
	int fam = f->cpu_family, model = f->cpu_model;

	if (fam < 0 || model < 0)
		return OUT_UNKNOWN;
	if (fam >= 6 && model <= 95 && !(fam == 6 && model == 85))
		return OUT_REPLACE;
	if (fam == 6 && (model == 142 || model == 158)) {
		if (f->cpu_stepping < 0)
			return OUT_UNKNOWN;
		if (f->cpu_stepping != 9)
			return OUT_PASS;
		if (f->cpu_platform_flags < 0)
			return OUT_UNKNOWN;
		if ((model == 142 && f->cpu_platform_flags == 16) ||
		    (model == 158 && f->cpu_platform_flags == 8))
			return OUT_PASS;
		return OUT_REPLACE;
	}
	return OUT_PASS;
}

static enum outcome amd_rule(const struct ready_facts *f)
{
	if (f->cpu_family < 0)
		return OUT_UNKNOWN;
	if (f->cpu_family < 23)
		return OUT_REPLACE;
	if (f->cpu_family == 23 && f->cpu_model < 0)
		return OUT_UNKNOWN;
	if (f->cpu_family == 23 && (f->cpu_model == 1 || f->cpu_model == 17))
		return OUT_REPLACE;
	return OUT_PASS;
}

static enum outcome family_rule(const struct ready_facts *f)
{
	switch (cpu_vendor(f)) {
	case V_INTEL: return intel_rule(f);
	case V_AMD: return amd_rule(f);
	case V_QUALCOMM:
		return f->cpu_arm_v81_atomics == READY_YES  ? OUT_PASS
		       : f->cpu_arm_v81_atomics == READY_NO ? OUT_REPLACE
		                                            : OUT_UNKNOWN;
	case V_OTHER: return OUT_REPLACE;
	default: return OUT_UNKNOWN;
	}
}

static enum outcome worse(enum outcome a, enum outcome b)
{
	return a > b ? a : b;
}

/* MaxClockSpeed > 1000 MHz and at least 2 logical processors. */
static enum outcome cpu_rule(const struct ready_facts *f)
{
	enum outcome o = OUT_PASS;

	o = worse(o, f->cpu_max_mhz < 0       ? OUT_UNKNOWN
	             : f->cpu_max_mhz <= 1000 ? OUT_REPLACE
	                                      : OUT_PASS);
	o = worse(o, f->cpu_logical < 0   ? OUT_UNKNOWN
	             : f->cpu_logical < 2 ? OUT_REPLACE
	                                  : OUT_PASS);
	return o;
}

/* SSE4.2 and POPCNT on x86 (24H2 and later). */
static enum outcome sse_rule(const struct ready_facts *f)
{
	enum vendor v = cpu_vendor(f);

	if (v == V_QUALCOMM || v == V_OTHER)
		return OUT_PASS;
	if (f->cpu_sse42 == READY_NO || f->cpu_popcnt == READY_NO)
		return OUT_REPLACE;
	if (v == V_UNKNOWN || f->cpu_sse42 == READY_UNKNOWN || f->cpu_popcnt == READY_UNKNOWN)
		return OUT_UNKNOWN;
	return OUT_PASS;
}

/* TPM 2.0 present; none visible is a firmware TPM switched off. */
static enum outcome tpm_rule(const struct ready_facts *f)
{
	if (f->tpm_present == READY_NO)
		return OUT_FIRMWARE;
	if (f->tpm_version == 20)
		return OUT_PASS;
	if (f->tpm_version == 12)
		return OUT_REPLACE;
	return OUT_UNKNOWN;
}

/* UEFI that can do Secure Boot; a legacy BIOS boot is fixed in the firmware
 * (docs/readiness.md: the hardware of a CPU that passes is UEFI-capable). */
static enum outcome uefi_rule(const struct ready_facts *f)
{
	if (f->firmware == READY_FW_BIOS)
		return OUT_FIRMWARE;
	if (f->secure_boot_capable == READY_YES)
		return OUT_PASS;
	if (f->firmware == READY_FW_UEFI && f->secure_boot_capable == READY_NO)
		return OUT_REPLACE;
	return OUT_UNKNOWN;
}

static enum outcome memory_rule(const struct ready_facts *f)
{
	if (f->memory_installed_mib >= 0)
		return f->memory_installed_mib >= READY_MEM_PASS_MIB ? OUT_PASS : OUT_PARTS;
	if (f->memory_usable_mib < 0)
		return OUT_UNKNOWN;
	if (f->memory_usable_mib >= READY_MEM_PASS_MIB)
		return OUT_PASS;
	return f->memory_usable_mib < READY_MEM_FAIL_MIB ? OUT_PARTS : OUT_UNKNOWN;
}

static enum outcome disk_rule(const struct ready_facts *f)
{
	if (f->system_volume_mib < 0)
		return OUT_UNKNOWN;
	return f->system_volume_mib >= READY_DISK_PASS_MIB ? OUT_PASS : OUT_PARTS;
}

/* A 32-bit Windows needs a clean 64-bit install; the OS classification's
 * arch stands in for os_bits when that is unknown. */
static enum outcome os_bits_rule(const struct os_class *os, const struct ready_facts *f)
{
	int bits = f->os_bits;

	if (bits < 0 && !strcmp(os->arch, "x86"))
		bits = 32;
	else if (bits < 0 && (!strcmp(os->arch, "x86_64") || !strcmp(os->arch, "arm64")))
		bits = 64;
	if (bits < 0)
		return OUT_UNKNOWN;
	return bits == 32 ? OUT_FIRMWARE : OUT_PASS;
}

/* Case-insensitive equality after trimming blanks at both ends of s. */
static bool trimmed_equal(const char *s, const char *want)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == strlen(want) && !strncasecmp(s, want, n);
}

/* Case-insensitive substring test. */
static bool contains_nocase(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (!strncasecmp(s, needle, n))
			return true;
	return false;
}

/* The script's exception: an i7-7820HQ in a Surface Studio 2 or a
 * Precision 5520 is capable, whatever else fails. */
static bool i7_7820hq_exception(const struct ready_facts *f)
{
	return contains_nocase(f->cpu_brand, "i7-7820hq cpu @ 2.90ghz") &&
	       (trimmed_equal(f->smbios_model, "surface studio 2") ||
	        trimmed_equal(f->smbios_model, "precision 5520"));
}

/* Appends ";" (unless first) and s to out (size bytes), truncating. */
static void add_token(char *out, size_t size, const char *s)
{
	size_t len = strlen(out);

	if (len + 1 >= size)
		return;
	snprintf(out + len, size - len, "%s%s", len ? ";" : "", s);
}

/* The appraiser's flag when its verdict (Red: blocked) disagrees with a
 * decided verdict of ours: "Appraiser:KEY=UpgEx/RedReason". */
static void appraiser_flag(const struct ready_facts *f, struct ready_verdict *v)
{
	bool red = !strcasecmp(f->appraiser_upgex, "Red"), ours = strcmp(v->win11, "ready") != 0;
	char tok[96], red_reason[64];
	size_t i, o = 0;

	if (!f->appraiser_key[0] || !f->appraiser_upgex[0] || !strcmp(v->win11, "unknown") ||
	    red == ours)
		return;
	for (i = 0; f->appraiser_red[i] && o + 1 < sizeof(red_reason); i++)
		if (isalnum((unsigned char)f->appraiser_red[i]) || f->appraiser_red[i] == ',' ||
		    f->appraiser_red[i] == '_')
			red_reason[o++] = f->appraiser_red[i];
	red_reason[o] = '\0';
	snprintf(tok, sizeof(tok), "Appraiser:%s=%s%s%s", f->appraiser_key, red ? "Red" : "NotRed",
	         o ? "/" : "", red_reason);
	add_token(v->win11_reasons, sizeof(v->win11_reasons), tok);
}

static const char *const verdict_name[] = {"ready", "firmware", "parts", "unknown", "replace"};

/* The hardware verdict of a Windows client, or of a Linux machine's
 * hardware (windows false: no OS bitness rule, its OS is replaced anyway). */
static void win11_client(const struct os_class *os, const struct ready_facts *f, bool windows,
                         struct ready_verdict *v)
{
	enum outcome o[CK__N], verdict = OUT_PASS;
	char tok[32];
	size_t i;

	if (i7_7820hq_exception(f)) {
		snprintf(v->win11, sizeof(v->win11), "ready");
		return;
	}
	o[CK_CPUFMS] = family_rule(f);
	o[CK_CPU] = cpu_rule(f);
	o[CK_SSE] = sse_rule(f);
	o[CK_TPM] = tpm_rule(f);
	o[CK_UEFI] = uefi_rule(f);
	o[CK_MEMORY] = memory_rule(f);
	o[CK_DISK] = disk_rule(f);
	o[CK_OS32] = windows ? os_bits_rule(os, f) : OUT_PASS;
	for (i = 0; i < CK__N; i++)
		verdict = worse(verdict, o[i]);
	snprintf(v->win11, sizeof(v->win11), "%s", verdict_name[verdict]);
	for (i = 0; i < CK__N; i++) {
		if (o[i] == OUT_PASS || (o[i] == OUT_UNKNOWN && verdict != OUT_UNKNOWN))
			continue;
		snprintf(tok, sizeof(tok), "%s%s", check_token[i], o[i] == OUT_UNKNOWN ? "?" : "");
		add_token(v->win11_reasons, sizeof(v->win11_reasons), tok);
	}
	appraiser_flag(f, v);
}

static bool is_windows_client(const char *product)
{
	static const char *const clients[] = {"Windows 10",  "Windows 8.1",   "Windows 8",
	                                      "Windows 7",   "Windows Vista", "Windows XP",
	                                      "Windows 2000"};
	size_t i;

	for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
		if (!strcmp(product, clients[i]))
			return true;
	return false;
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* Windows 10 ESU: 22H2 (build 19045) in an edition with commercial ESU. */
static const char *esu_rule(const struct os_class *os)
{
	const char *e = os->os_edition;
	long build;
	char *end;

	if (strcmp(os->os_product, "Windows 10"))
		return strcmp(os->os_family, "unknown") && os->os_family[0] && os->os_product[0]
		           ? "n/a"
		           : "unknown";
	if (strstr(e, "LTS"))
		return "no";
	build = strtol(os->os_build, &end, 10);
	if (end == os->os_build)
		build = !strcmp(os->os_release, "22H2") ? 19045 : -1;
	if (build < 0)
		return "unknown";
	if (build != 19045)
		return "no";
	if (has_prefix(e, "Home"))
		return "no";
	if (has_prefix(e, "Pro") || has_prefix(e, "Education") || has_prefix(e, "Enterprise"))
		return "yes";
	return "unknown";
}

static const char *const chassis_names[] = {"Other",
                                            "Unknown",
                                            "Desktop",
                                            "Low Profile Desktop",
                                            "Pizza Box",
                                            "Mini Tower",
                                            "Tower",
                                            "Portable",
                                            "Laptop",
                                            "Notebook",
                                            "Hand Held",
                                            "Docking Station",
                                            "All In One",
                                            "Sub Notebook",
                                            "Space-saving",
                                            "Lunch Box",
                                            "Main Server Chassis",
                                            "Expansion Chassis",
                                            "Sub Chassis",
                                            "Bus Expansion Chassis",
                                            "Peripheral Chassis",
                                            "RAID Chassis",
                                            "Rack Mount Chassis",
                                            "Sealed-case PC",
                                            "Multi-system",
                                            "CompactPCI",
                                            "AdvancedTCA",
                                            "Blade",
                                            "Blade Enclosing",
                                            "Tablet",
                                            "Convertible",
                                            "Detachable",
                                            "IoT Gateway",
                                            "Embedded PC",
                                            "Mini PC",
                                            "Stick PC"};

const char *ready_chassis_name(int t)
{
	if (t < 1 || t > (int)(sizeof(chassis_names) / sizeof(chassis_names[0])))
		return NULL;
	return chassis_names[t - 1];
}

/* The display columns: CPU, chassis, BIOS date and year. */
static void display(const struct ready_facts *f, struct ready_verdict *v)
{
	const char *ch = ready_chassis_name(f->chassis_type);

	snprintf(v->cpu, sizeof(v->cpu), "%s", f->cpu_brand);
	if (ch)
		snprintf(v->chassis, sizeof(v->chassis), "%s", ch);
	else if (f->chassis_type >= 0)
		snprintf(v->chassis, sizeof(v->chassis), "%d", f->chassis_type);
	snprintf(v->bios_date, sizeof(v->bios_date), "%s", f->bios_date);
	if (is_date(f->bios_date))
		snprintf(v->bios_year, sizeof(v->bios_year), "%.4s", f->bios_date);
}

void ready_classify(const struct os_class *os, const struct ready_facts *f,
                    struct ready_verdict *out)
{
	memset(out, 0, sizeof(*out));
	if (!strcmp(os->os_product, "Windows 11"))
		snprintf(out->win11, sizeof(out->win11), "ready");
	else if (is_windows_client(os->os_product))
		win11_client(os, f, true, out);
	else if (!strcmp(os->os_family, "linux"))
		win11_client(os, f, false, out);
	else if (!os->os_family[0] || !strcmp(os->os_family, "unknown") ||
	         (!strcmp(os->os_family, "windows") && !os->os_product[0]))
		snprintf(out->win11, sizeof(out->win11), "unknown");
	else
		snprintf(out->win11, sizeof(out->win11), "n/a");
	snprintf(out->esu_eligible, sizeof(out->esu_eligible), "%s", esu_rule(os));
	if (f->esu_licensed_year > 0)
		snprintf(out->esu_licensed, sizeof(out->esu_licensed), "%d", f->esu_licensed_year);
	display(f, out);
}
