/* test_readiness.c - ready_facts_from_json and ready_classify: every rule
 * and boundary of docs/readiness.md (../shared/reference/
 * windows11-readiness.md sections 2, 3, 6, 7), table-driven. Each row is a
 * patch to a machine that passes every check, written as the hw_json text
 * the collector stores (so the reading of the facts is tested too); a
 * member set to null in the patch removes it (the fact is unknown). Every
 * expected value is written by hand from the reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "readiness.h"

/* An Intel i5-8250U (6/142/10) laptop with everything Windows 11 needs. */
static const char base_json[] =
    "{\"cpu\":{\"manufacturer\":\"GenuineIntel\",\"familynumber\":\"6\",\"model\":\"142\","
    "\"stepping\":10,\"name\":\"Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz\",\"core\":4,"
    "\"speed\":1800},"
    "\"bios\":{\"bdate\":\"2018-03-01\",\"smodel\":\"Latitude 7490\","
    "\"secure_boot\":\"enabled\"},"
    "\"hardware\":{\"memory\":7863,\"chassis_type\":\"10\"},"
    "\"hw\":{\"cpu_logical\":8,\"cpu_platform_flags\":128,\"cpu_sse42\":true,"
    "\"cpu_popcnt\":true,\"memory_installed_mib\":8192,\"system_volume_mib\":243000,"
    "\"firmware\":\"uefi\",\"secure_boot_capable\":true,\"tpm_present\":true,"
    "\"tpm_version\":\"2.0\",\"os_bits\":64}}";

/* Merges patch into base, one level into each object member; null
 * removes. */
static void merge(cJSON *base, const cJSON *patch)
{
	const cJSON *p;
	cJSON *b;

	cJSON_ArrayForEach(p, patch)
	{
		b = cJSON_GetObjectItemCaseSensitive(base, p->string);
		if (cJSON_IsNull(p)) {
			cJSON_DeleteItemFromObjectCaseSensitive(base, p->string);
		} else if (cJSON_IsObject(p) && cJSON_IsObject(b)) {
			merge(b, p);
		} else {
			cJSON_DeleteItemFromObjectCaseSensitive(base, p->string);
			cJSON_AddItemToObject(base, p->string, cJSON_Duplicate(p, 1));
		}
	}
}

/* The hw_json of the base machine with patch applied; the caller frees. */
static char *patched(const char *patch)
{
	cJSON *base = cJSON_Parse(base_json), *p = cJSON_Parse(patch);
	char *s;

	assert_non_null(base);
	assert_non_null(p);
	merge(base, p);
	s = cJSON_PrintUnformatted(base);
	assert_non_null(s);
	cJSON_Delete(base);
	cJSON_Delete(p);
	return s;
}

static void os_set(struct os_class *os, const char *family, const char *product,
                   const char *edition, const char *build, const char *release, const char *arch)
{
	memset(os, 0, sizeof(*os));
	snprintf(os->os_family, sizeof(os->os_family), "%s", family);
	snprintf(os->os_product, sizeof(os->os_product), "%s", product);
	snprintf(os->os_edition, sizeof(os->os_edition), "%s", edition);
	snprintf(os->os_build, sizeof(os->os_build), "%s", build);
	snprintf(os->os_release, sizeof(os->os_release), "%s", release);
	snprintf(os->arch, sizeof(os->arch), "%s", arch);
}

/* A Windows 10 Pro 22H2 x64 machine's verdict with patch. */
static void verdict(const char *patch, const char *arch, struct ready_verdict *v)
{
	struct os_class os;
	struct ready_facts f;
	char *doc = patched(patch);

	os_set(&os, "windows", "Windows 10", "Pro", "19045.5131", "22H2", arch);
	ready_facts_from_json(doc, &f);
	free(doc);
	memset(v, 0x5a, sizeof(*v));
	ready_classify(&os, &f, v);
}

struct row {
	const char *what;
	const char *patch;
	const char *win11;
	const char *reasons;
};

static void run_rows(const struct row *rows, size_t n)
{
	struct ready_verdict v;
	size_t i;

	for (i = 0; i < n; i++) {
		verdict(rows[i].patch, "x86_64", &v);
		if (strcmp(v.win11, rows[i].win11) || strcmp(v.win11_reasons, rows[i].reasons))
			fail_msg("%s: got %s '%s', want %s '%s'", rows[i].what, v.win11,
			         v.win11_reasons, rows[i].win11, rows[i].reasons);
	}
}

#define ROWS(r) run_rows(r, sizeof(r) / sizeof(r[0]))

static void base_is_ready(void **state)
{
	struct ready_verdict v;

	(void)state;
	verdict("{}", "x86_64", &v);
	assert_string_equal(v.win11, "ready");
	assert_string_equal(v.win11_reasons, "");
	assert_string_equal(v.esu_eligible, "yes");
	assert_string_equal(v.esu_licensed, "");
	assert_string_equal(v.cpu, "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz");
	assert_string_equal(v.chassis, "Notebook");
	assert_string_equal(v.bios_date, "2018-03-01");
	assert_string_equal(v.bios_year, "2018");
}

/* HardwareReadiness.ps1 v2's Intel rule (reference section 2). */
static void intel_rule(void **state)
{
	static const struct row rows[] = {
	    {"8th gen 6/142/10", "{}", "ready", ""},
	    {"Amber Lake 6/142/9 flags 0x10",
	     "{\"cpu\":{\"stepping\":9},\"hw\":{\"cpu_platform_flags\":16}}", "ready", ""},
	    {"Kaby Lake U 6/142/9 flags 0x80",
	     "{\"cpu\":{\"stepping\":9},\"hw\":{\"cpu_platform_flags\":128}}", "replace", "CpuFms"},
	    {"6/142/9 flags 0x08", "{\"cpu\":{\"stepping\":9},\"hw\":{\"cpu_platform_flags\":8}}",
	     "replace", "CpuFms"},
	    {"6/142/9 flags unknown",
	     "{\"cpu\":{\"stepping\":9},\"hw\":{\"cpu_platform_flags\":null}}", "unknown",
	     "CpuFms?"},
	    {"Kaby Lake-G 6/158/9 flags 0x08",
	     "{\"cpu\":{\"model\":\"158\",\"stepping\":9},\"hw\":{\"cpu_platform_flags\":8}}",
	     "ready", ""},
	    {"Kaby Lake S 6/158/9 flags 0x02",
	     "{\"cpu\":{\"model\":\"158\",\"stepping\":9},\"hw\":{\"cpu_platform_flags\":2}}",
	     "replace", "CpuFms"},
	    {"6/158/9 flags 0x10",
	     "{\"cpu\":{\"model\":\"158\",\"stepping\":9},\"hw\":{\"cpu_platform_flags\":16}}",
	     "replace", "CpuFms"},
	    {"Coffee Lake 6/158/10", "{\"cpu\":{\"model\":\"158\"}}", "ready", ""},
	    {"6/142 stepping unknown", "{\"cpu\":{\"stepping\":null}}", "unknown", "CpuFms?"},
	    {"Skylake 6/94", "{\"cpu\":{\"model\":\"94\"}}", "replace", "CpuFms"},
	    {"model 95, the last that fails", "{\"cpu\":{\"model\":\"95\"}}", "replace", "CpuFms"},
	    {"model 96, the first that passes", "{\"cpu\":{\"model\":\"96\"}}", "ready", ""},
	    {"Cascade Lake 6/85, the exception", "{\"cpu\":{\"model\":\"85\"}}", "ready", ""},
	    {"family 7 model 85: v2 fails it",
	     "{\"cpu\":{\"familynumber\":\"7\",\"model\":\"85\"}}", "replace", "CpuFms"},
	    {"family 7 model 142 stepping 9: no platform test in v2",
	     "{\"cpu\":{\"familynumber\":\"7\",\"stepping\":9},\"hw\":{\"cpu_platform_flags\":1}}",
	     "ready", ""},
	    {"Pentium 4 15/6", "{\"cpu\":{\"familynumber\":\"15\",\"model\":\"6\"}}", "replace",
	     "CpuFms"},
	    {"family 5 model 200 (below 6: no rule)",
	     "{\"cpu\":{\"familynumber\":\"5\",\"model\":\"200\"}}", "ready", ""},
	    {"model unknown", "{\"cpu\":{\"model\":null}}", "unknown", "CpuFms?"},
	    {"model not a number", "{\"cpu\":{\"model\":\"8E\"}}", "unknown", "CpuFms?"},
	};

	(void)state;
	ROWS(rows);
}

static void amd_qualcomm_other(void **state)
{
	static const struct row rows[] = {
	    {"Zen 1 23/1",
	     "{\"cpu\":{\"manufacturer\":\"AuthenticAMD\",\"familynumber\":\"23\",\"model\":\"1\"}"
	     "}",
	     "replace", "CpuFms"},
	    {"Raven Ridge 23/17",
	     "{\"cpu\":{\"manufacturer\":\"AuthenticAMD\",\"familynumber\":\"23\",\"model\":\"17\"}"
	     "}",
	     "replace", "CpuFms"},
	    {"Zen+ 23/8",
	     "{\"cpu\":{\"manufacturer\":\"AuthenticAMD\",\"familynumber\":\"23\",\"model\":\"8\"}"
	     "}",
	     "ready", ""},
	    {"Zen 2 23/113",
	     "{\"cpu\":{\"manufacturer\":\"AuthenticAMD\",\"familynumber\":\"23\","
	     "\"model\":\"113\"}}",
	     "ready", ""},
	    {"Zen 3 25/33",
	     "{\"cpu\":{\"manufacturer\":\"AuthenticAMD\",\"familynumber\":\"25\",\"model\":\"33\"}"
	     "}",
	     "ready", ""},
	    {"Excavator 21/101",
	     "{\"cpu\":{\"manufacturer\":\"AuthenticAMD\",\"familynumber\":\"21\","
	     "\"model\":\"101\"}}",
	     "replace", "CpuFms"},
	    {"22, the last family that fails",
	     "{\"cpu\":{\"manufacturer\":\"AuthenticAMD\",\"familynumber\":\"22\",\"model\":\"48\"}"
	     "}",
	     "replace", "CpuFms"},
	    {"AMD 23 model unknown",
	     "{\"cpu\":{\"manufacturer\":\"AuthenticAMD\",\"familynumber\":\"23\",\"model\":null}}",
	     "unknown", "CpuFms?"},
	    {"Qualcomm with ARMv8.1 atomics",
	     "{\"cpu\":{\"manufacturer\":\"Qualcomm Technologies Inc\"},\"hw\":{\"cpu_sse42\":null,"
	     "\"cpu_popcnt\":null,\"cpu_arm_v81_atomics\":true}}",
	     "ready", ""},
	    {"Qualcomm without",
	     "{\"cpu\":{\"manufacturer\":\"Qualcomm Technologies Inc\"},"
	     "\"hw\":{\"cpu_sse42\":null,\"cpu_popcnt\":null,"
	     "\"cpu_arm_v81_atomics\":false}}",
	     "replace", "CpuFms"},
	    {"Qualcomm atomics unknown",
	     "{\"cpu\":{\"manufacturer\":\"Qualcomm Technologies Inc\"},"
	     "\"hw\":{\"cpu_sse42\":null,\"cpu_popcnt\":null}}",
	     "unknown", "CpuFms?"},
	    {"another vendor", "{\"cpu\":{\"manufacturer\":\"CentaurHauls\"}}", "replace",
	     "CpuFms"},
	    {"vendor unknown", "{\"cpu\":{\"manufacturer\":null}}", "unknown",
	     "CpuFms?;Sse42Popcnt?"},
	    /* other inventory agents name the maker, not the CPUID id */
	    {"maker name Intel, model unknown",
	     "{\"cpu\":{\"manufacturer\":\"Intel\",\"familynumber\":null,\"model\":null}}",
	     "unknown", "CpuFms?"},
	    {"maker name AMD, Zen 1",
	     "{\"cpu\":{\"manufacturer\":\"AMD\",\"familynumber\":\"23\","
	     "\"model\":\"1\"}}",
	     "replace", "CpuFms"},
	    {"a vendor text nobody knows", "{\"cpu\":{\"manufacturer\":\"Virtual CPU\"}}",
	     "unknown", "CpuFms?;Sse42Popcnt?"},
	};

	(void)state;
	ROWS(rows);
}

/* Clock, logical processors, SSE4.2 and POPCNT. */
static void cpu_clock_threads_popcnt(void **state)
{
	static const struct row rows[] = {
	    {"1 GHz exactly fails", "{\"cpu\":{\"speed\":1000}}", "replace", "CPU"},
	    {"1001 MHz passes", "{\"cpu\":{\"speed\":1001}}", "ready", ""},
	    {"clock unknown", "{\"cpu\":{\"speed\":null}}", "unknown", "CPU?"},
	    {"one logical processor", "{\"hw\":{\"cpu_logical\":1}}", "replace", "CPU"},
	    {"two logical processors", "{\"hw\":{\"cpu_logical\":2}}", "ready", ""},
	    {"logical processors unknown (cores are not threads)",
	     "{\"hw\":{\"cpu_logical\":null}}", "unknown", "CPU?"},
	    {"Core 2 (6/23) without POPCNT",
	     "{\"cpu\":{\"model\":\"23\",\"name\":\"Intel(R) Core(TM)2 Duo CPU E8400 @ 3.00GHz\"},"
	     "\"hw\":{\"cpu_popcnt\":false}}",
	     "replace", "CpuFms;Sse42Popcnt"},
	    {"no SSE4.2", "{\"hw\":{\"cpu_sse42\":false}}", "replace", "Sse42Popcnt"},
	    {"POPCNT unknown", "{\"hw\":{\"cpu_popcnt\":null}}", "unknown", "Sse42Popcnt?"},
	    {"a replace blocker outranks unknown facts",
	     "{\"hw\":{\"cpu_popcnt\":false,\"tpm_version\":null,\"tpm_present\":null}}", "replace",
	     "Sse42Popcnt"},
	};

	(void)state;
	ROWS(rows);
}

/* TPM and the firmware (reference sections 2 and 7). */
static void tpm_and_firmware(void **state)
{
	static const struct row rows[] = {
	    {"TPM 1.2", "{\"hw\":{\"tpm_version\":\"1.2\"}}", "replace", "Tpm"},
	    {"no TPM visible: firmware TPM off",
	     "{\"hw\":{\"tpm_present\":false,\"tpm_version\":null}}", "firmware", "Tpm"},
	    {"no TPM on a CPU that fails",
	     "{\"cpu\":{\"model\":\"94\"},\"hw\":{\"tpm_present\":false,\"tpm_version\":null}}",
	     "replace", "CpuFms;Tpm"},
	    {"TPM unknown", "{\"hw\":{\"tpm_present\":null,\"tpm_version\":null}}", "unknown",
	     "Tpm?"},
	    {"TPM present, version unknown", "{\"hw\":{\"tpm_version\":null}}", "unknown", "Tpm?"},
	    {"legacy BIOS boot on a CPU that passes",
	     "{\"bios\":{\"secure_boot\":\"unsupported\"},\"hw\":{\"firmware\":\"bios\","
	     "\"secure_boot_capable\":false}}",
	     "firmware", "UefiSecureBoot"},
	    {"legacy BIOS boot on a CPU that fails",
	     "{\"cpu\":{\"model\":\"60\"},\"hw\":{\"firmware\":\"bios\",\"secure_boot_capable\":"
	     "null}}",
	     "replace", "CpuFms;UefiSecureBoot"},
	    {"BIOS boot and no TPM", "{\"hw\":{\"firmware\":\"bios\",\"tpm_present\":false}}",
	     "firmware", "Tpm;UefiSecureBoot"},
	    {"UEFI without Secure Boot",
	     "{\"bios\":{\"secure_boot\":\"unsupported\"},\"hw\":{\"secure_boot_capable\":false}}",
	     "replace", "UefiSecureBoot"},
	    {"Secure Boot off is no blocker",
	     "{\"bios\":{\"secure_boot\":\"disabled\"},\"hw\":{\"secure_boot_capable\":null}}",
	     "ready", ""},
	    {"capability unknown",
	     "{\"bios\":{\"secure_boot\":null},\"hw\":{\"secure_boot_capable\":null}}", "unknown",
	     "UefiSecureBoot?"},
	    {"firmware unknown, Secure Boot capable", "{\"hw\":{\"firmware\":null}}", "ready", ""},
	    {"firmware unknown",
	     "{\"bios\":{\"secure_boot\":null},\"hw\":{\"firmware\":null,"
	     "\"secure_boot_capable\":null}}",
	     "unknown", "UefiSecureBoot?"},
	};

	(void)state;
	ROWS(rows);
}

/* Memory and the system volume: the script's GiB rounded half to even. */
static void memory_and_volume(void **state)
{
	static const struct row rows[] = {
	    {"4 GiB installed", "{\"hw\":{\"memory_installed_mib\":4096}}", "ready", ""},
	    {"3.5 GiB installed rounds to 4", "{\"hw\":{\"memory_installed_mib\":3584}}", "ready",
	     ""},
	    {"just under 3.5 GiB installed", "{\"hw\":{\"memory_installed_mib\":3583}}", "parts",
	     "Memory"},
	    {"2 GiB installed", "{\"hw\":{\"memory_installed_mib\":2048}}", "parts", "Memory"},
	    {"installed known: usable not read",
	     "{\"hardware\":{\"memory\":3000},\"hw\":{\"memory_installed_mib\":4096}}", "ready",
	     ""},
	    {"3.5 GiB usable, installed unknown",
	     "{\"hardware\":{\"memory\":3584},\"hw\":{\"memory_installed_mib\":null}}", "ready",
	     ""},
	    {"under 3.5 GiB usable: maybe 4 installed",
	     "{\"hardware\":{\"memory\":3583},\"hw\":{\"memory_installed_mib\":null}}", "unknown",
	     "Memory?"},
	    {"2.5 GiB usable: maybe 4 installed",
	     "{\"hardware\":{\"memory\":2560},\"hw\":{\"memory_installed_mib\":null}}", "unknown",
	     "Memory?"},
	    {"under 2.5 GiB usable",
	     "{\"hardware\":{\"memory\":2559},\"hw\":{\"memory_installed_mib\":null}}", "parts",
	     "Memory"},
	    {"2 GiB usable",
	     "{\"hardware\":{\"memory\":2048},\"hw\":{\"memory_installed_mib\":null}}", "parts",
	     "Memory"},
	    {"memory unknown",
	     "{\"hardware\":{\"memory\":null},\"hw\":{\"memory_installed_mib\":null}}", "unknown",
	     "Memory?"},
	    {"64 GiB volume exactly", "{\"hw\":{\"system_volume_mib\":65536}}", "ready", ""},
	    {"63.5 GiB rounds to 64", "{\"hw\":{\"system_volume_mib\":65024}}", "ready", ""},
	    {"just under 63.5 GiB", "{\"hw\":{\"system_volume_mib\":65023}}", "parts",
	     "SystemDriveSize"},
	    {"a \"64 GB\" SSD's volume", "{\"hw\":{\"system_volume_mib\":61035}}", "parts",
	     "SystemDriveSize"},
	    {"volume unknown", "{\"hw\":{\"system_volume_mib\":null}}", "unknown",
	     "SystemDriveSize?"},
	    {"parts outrank firmware",
	     "{\"hw\":{\"memory_installed_mib\":2048,\"tpm_present\":false,\"tpm_version\":null}}",
	     "parts", "Tpm;Memory"},
	    {"unknown outranks parts",
	     "{\"hw\":{\"memory_installed_mib\":2048,\"tpm_version\":null}}", "unknown",
	     "Tpm?;Memory"},
	};

	(void)state;
	ROWS(rows);
}

/* The OS's bitness; the classification's arch when os_bits is unknown. */
static void os_bits(void **state)
{
	static const struct row rows[] = {
	    {"32-bit Windows", "{\"hw\":{\"os_bits\":32}}", "firmware", "Os32Bit"},
	    {"32-bit Windows and small memory",
	     "{\"hw\":{\"os_bits\":32,\"memory_installed_mib\":3072}}", "parts", "Memory;Os32Bit"},
	};
	struct ready_verdict v;

	(void)state;
	ROWS(rows);
	verdict("{\"hw\":{\"os_bits\":null}}", "x86", &v);
	assert_string_equal(v.win11, "firmware");
	assert_string_equal(v.win11_reasons, "Os32Bit");
	verdict("{\"hw\":{\"os_bits\":null}}", "x86_64", &v);
	assert_string_equal(v.win11, "ready");
	verdict("{\"hw\":{\"os_bits\":null}}", "", &v);
	assert_string_equal(v.win11, "unknown");
	assert_string_equal(v.win11_reasons, "Os32Bit?");
	verdict("{\"hw\":{\"os_bits\":64}}", "x86", &v);
	assert_string_equal(v.win11, "ready");
}

/* The script's i7-7820HQ exception overrides every failure. */
static void i7_7820hq(void **state)
{
	static const char cpu[] = "\"cpu\":{\"model\":\"158\",\"stepping\":9,"
	                          "\"name\":\"Intel(R) Core(TM) i7-7820HQ CPU @ 2.90GHz\"},";
	static const char *const models[] = {"Surface Studio 2", "Precision 5520 ",
	                                     "PRECISION 5520"};
	char patch[512];
	struct ready_verdict v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		snprintf(patch, sizeof(patch),
		         "{%s\"bios\":{\"smodel\":\"%s\"},\"hw\":{\"cpu_platform_flags\":2,"
		         "\"tpm_version\":\"1.2\"}}",
		         cpu, models[i]);
		verdict(patch, "x86_64", &v);
		assert_string_equal(v.win11, "ready");
		assert_string_equal(v.win11_reasons, "");
	}
	snprintf(patch, sizeof(patch),
	         "{%s\"bios\":{\"smodel\":\"Precision 5510\"},\"hw\":{\"cpu_platform_flags\":2,"
	         "\"tpm_version\":\"1.2\"}}",
	         cpu);
	verdict(patch, "x86_64", &v);
	assert_string_equal(v.win11, "replace");
	assert_string_equal(v.win11_reasons, "CpuFms;Tpm");
	verdict("{\"cpu\":{\"model\":\"158\",\"stepping\":9,\"name\":\"Intel(R) Core(TM) "
	        "i7-7700HQ CPU @ 2.80GHz\"},\"bios\":{\"smodel\":\"Surface Studio 2\"},"
	        "\"hw\":{\"cpu_platform_flags\":2}}",
	        "x86_64", &v);
	assert_string_equal(v.win11, "replace");
}

/* Windows' appraiser: ours is kept, a disagreement flagged. */
static void appraiser(void **state)
{
	static const struct row rows[] = {
	    {"agrees: ready and Green",
	     "{\"hw\":{\"appraiser\":{\"GE24H2\":{\"UpgEx\":\"Green\",\"RedReason\":\"\"}}}}",
	     "ready", ""},
	    {"disagrees: ready and Red",
	     "{\"hw\":{\"appraiser\":{\"GE24H2\":{\"UpgEx\":\"Red\",\"RedReason\":\"CpuFms\"}}}}",
	     "ready", "Appraiser:GE24H2=Red/CpuFms"},
	    {"agrees: replace and Red",
	     "{\"cpu\":{\"model\":\"94\"},\"hw\":{\"appraiser\":{\"GE24H2\":{\"UpgEx\":\"Red\","
	     "\"RedReason\":\"CpuFms\"}}}}",
	     "replace", "CpuFms"},
	    {"disagrees: replace and Yellow",
	     "{\"cpu\":{\"model\":\"94\"},\"hw\":{\"appraiser\":{\"CO21H2\":{\"UpgEx\":\"Yellow\"}}"
	     "}}",
	     "replace", "CpuFms;Appraiser:CO21H2=NotRed"},
	    {"the newest release key counts",
	     "{\"hw\":{\"appraiser\":{\"CO21H2\":{\"UpgEx\":\"Red\",\"RedReason\":\"Tpm\"},"
	     "\"GE24H2\":{\"UpgEx\":\"Green\"},\"junk\":{\"UpgEx\":\"Red\"}}}}",
	     "ready", ""},
	    {"RedReason made plain",
	     "{\"hw\":{\"appraiser\":{\"NI22H2\":{\"UpgEx\":\"Red\",\"RedReason\":\"Tpm; =x\"}}}}",
	     "ready", "Appraiser:NI22H2=Red/Tpmx"},
	    {"not compared when ours is unknown",
	     "{\"hw\":{\"tpm_version\":null,\"appraiser\":{\"GE24H2\":{\"UpgEx\":\"Red\"}}}}",
	     "unknown", "Tpm?"},
	};

	(void)state;
	ROWS(rows);
}

/* Which machines get a verdict. */
static void applicability(void **state)
{
	static const struct {
		const char *family, *product, *win11;
	} rows[] = {
	    {"windows", "Windows 11", "ready"}, {"windows", "Windows 7", "ready"},
	    {"windows", "Windows XP", "ready"}, {"windows", "Windows Server 2019", "n/a"},
	    {"windows", "", "unknown"},         {"linux", "Debian 12", "ready"},
	    {"unknown", "", "unknown"},         {"", "", "unknown"},
	};
	struct os_class os;
	struct ready_facts f;
	struct ready_verdict v;
	size_t i;

	(void)state;
	ready_facts_from_json(base_json, &f);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		os_set(&os, rows[i].family, rows[i].product, "", "", "", "x86_64");
		ready_classify(&os, &f, &v);
		if (strcmp(v.win11, rows[i].win11) || strcmp(v.win11_reasons, ""))
			fail_msg("%s: got %s '%s'", rows[i].product, v.win11, v.win11_reasons);
	}
	/* Windows 11 is ready whatever the facts */
	ready_facts_init(&f);
	os_set(&os, "windows", "Windows 11", "Pro", "26100.1", "24H2", "x86_64");
	ready_classify(&os, &f, &v);
	assert_string_equal(v.win11, "ready");
	/* nothing known about a Windows 10 machine (an older agent) */
	os_set(&os, "windows", "Windows 10", "Pro", "19045.1", "22H2", "x86_64");
	ready_classify(&os, &f, &v);
	assert_string_equal(v.win11, "unknown");
	assert_string_equal(v.win11_reasons, "CpuFms?;CPU?;Sse42Popcnt?;Tpm?;UefiSecureBoot?;"
	                                     "Memory?;SystemDriveSize?");
	assert_string_equal(v.cpu, "");
	assert_string_equal(v.chassis, "");
	assert_string_equal(v.bios_year, "");
}

/* ESU eligibility per edition and build (reference section 6). */
static void esu(void **state)
{
	static const struct {
		const char *family, *product, *edition, *build, *release, *want;
	} rows[] = {
	    {"windows", "Windows 10", "Pro", "19045.5131", "22H2", "yes"},
	    {"windows", "Windows 10", "Pro N", "19045.5131", "22H2", "yes"},
	    {"windows", "Windows 10", "Pro Education", "19045.3803", "22H2", "yes"},
	    {"windows", "Windows 10", "Pro for Workstations", "19045.3803", "22H2", "yes"},
	    {"windows", "Windows 10", "Enterprise", "19045.5131", "22H2", "yes"},
	    {"windows", "Windows 10", "Enterprise N", "19045.5131", "22H2", "yes"},
	    {"windows", "Windows 10", "Enterprise multi-session", "19045.1", "22H2", "yes"},
	    {"windows", "Windows 10", "Education", "19045.5131", "22H2", "yes"},
	    {"windows", "Windows 10", "Home", "19045.5131", "22H2", "no"},
	    {"windows", "Windows 10", "Home Single Language", "19045.5131", "22H2", "no"},
	    {"windows", "Windows 10", "Enterprise LTSC 2021", "19044.5131", "21H2", "no"},
	    {"windows", "Windows 10", "IoT Enterprise LTSC 2021", "19044.5131", "21H2", "no"},
	    {"windows", "Windows 10", "Enterprise LTSC 2019", "17763.100", "1809", "no"},
	    {"windows", "Windows 10", "Pro", "19044.3086", "21H2", "no"},
	    {"windows", "Windows 10", "Enterprise", "18363.1", "1909", "no"},
	    {"windows", "Windows 10", "Pro", "", "22H2", "yes"},
	    {"windows", "Windows 10", "Pro", "", "", "unknown"},
	    {"windows", "Windows 10", "IoT Enterprise", "19045.1", "22H2", "unknown"},
	    {"windows", "Windows 10", "", "19045.1", "22H2", "unknown"},
	    {"windows", "Windows 11", "Pro", "22631.1", "23H2", "n/a"},
	    {"windows", "Windows 7", "Professional", "7601", "", "n/a"},
	    {"windows", "Windows Server 2019", "Standard", "17763.1", "", "n/a"},
	    {"linux", "Debian 12", "", "", "", "n/a"},
	    {"unknown", "", "", "", "", "unknown"},
	};
	struct os_class os;
	struct ready_facts f;
	struct ready_verdict v;
	size_t i;

	(void)state;
	ready_facts_init(&f);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		os_set(&os, rows[i].family, rows[i].product, rows[i].edition, rows[i].build,
		       rows[i].release, "x86_64");
		ready_classify(&os, &f, &v);
		if (strcmp(v.esu_eligible, rows[i].want))
			fail_msg("%s %s %s: got %s, want %s", rows[i].product, rows[i].edition,
			         rows[i].build, v.esu_eligible, rows[i].want);
	}
	f.esu_licensed_year = 2;
	os_set(&os, "windows", "Windows 10", "Enterprise", "19045.1", "22H2", "x86_64");
	ready_classify(&os, &f, &v);
	assert_string_equal(v.esu_licensed, "2");
	f.esu_licensed_year = 0;
	ready_classify(&os, &f, &v);
	assert_string_equal(v.esu_licensed, "");
}

/* Reading the stored facts: junk and wrong types leave them unknown. */
static void facts_from_json(void **state)
{
	static const char *const junk[] = {NULL,
	                                   "",
	                                   "{}",
	                                   "[]",
	                                   "not json",
	                                   "{\"cpu\":[1]}",
	                                   "{\"cpu\":{\"familynumber\":6,\"model\":\"-1\","
	                                   "\"stepping\":\"9\",\"speed\":-5},"
	                                   "\"hw\":{\"cpu_sse42\":1,\"os_bits\":48,"
	                                   "\"esu_licensed_year\":7,\"tpm_version\":\"3.0\"},"
	                                   "\"bios\":{\"bdate\":\"03/01/2018\"}}"};
	struct ready_facts f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		memset(&f, 0x5a, sizeof(f));
		ready_facts_from_json(junk[i], &f);
		assert_int_equal(f.cpu_family, -1);
		assert_int_equal(f.cpu_model, -1);
		assert_int_equal(f.cpu_stepping, -1);
		assert_int_equal(f.cpu_max_mhz, -1);
		assert_int_equal(f.cpu_sse42, READY_UNKNOWN);
		assert_int_equal(f.os_bits, -1);
		assert_int_equal(f.esu_licensed_year, -1);
		assert_int_equal(f.tpm_version, -1);
		assert_string_equal(f.bios_date, "");
		assert_string_equal(f.cpu_vendor, "");
	}
	ready_facts_from_json(base_json, &f);
	assert_int_equal(f.cpu_family, 6);
	assert_int_equal(f.cpu_model, 142);
	assert_int_equal(f.cpu_stepping, 10);
	assert_int_equal(f.cpu_logical, 8);
	assert_int_equal(f.memory_installed_mib, 8192);
	assert_int_equal(f.memory_usable_mib, 7863);
	assert_int_equal(f.firmware, READY_FW_UEFI);
	assert_int_equal(f.tpm_present, READY_YES);
	assert_int_equal(f.tpm_version, 20);
	assert_int_equal(f.chassis_type, 10);
	assert_string_equal(ready_chassis_name(3), "Desktop");
	assert_string_equal(ready_chassis_name(36), "Stick PC");
	assert_null(ready_chassis_name(0));
	assert_null(ready_chassis_name(37));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(base_is_ready),
	    cmocka_unit_test(intel_rule),
	    cmocka_unit_test(amd_qualcomm_other),
	    cmocka_unit_test(cpu_clock_threads_popcnt),
	    cmocka_unit_test(tpm_and_firmware),
	    cmocka_unit_test(memory_and_volume),
	    cmocka_unit_test(os_bits),
	    cmocka_unit_test(i7_7820hq),
	    cmocka_unit_test(appraiser),
	    cmocka_unit_test(applicability),
	    cmocka_unit_test(esu),
	    cmocka_unit_test(facts_from_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
