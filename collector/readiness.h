/* readiness.h - Windows 11 readiness and Windows 10 ESU eligibility of one
 * machine, from its stored facts (docs/protocol.md "Readiness facts") and
 * its OS classification. Pure functions: no database, no clock. The rules
 * and their sources are in docs/readiness.md (from
 * ../shared/reference/windows11-readiness.md). */
#ifndef FC_COLLECTOR_READINESS_H
#define FC_COLLECTOR_READINESS_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "classify.h"

/* A boolean fact: not known, false, true. */
enum ready_tri { READY_UNKNOWN = 0, READY_NO, READY_YES };

/* The facts, as received. Numbers are -1 when unknown; strings "" when
 * unknown. */
struct ready_facts {
	char cpu_vendor[64]; /* CPUID vendor, or the registry's on ARM64 */
	int cpu_family, cpu_model, cpu_stepping; /* display values */
	char cpu_brand[128];
	int cpu_logical; /* logical processors */
	int cpu_cores;
	int64_t cpu_max_mhz;
	int64_t cpu_platform_flags; /* 1 << IA32_PLATFORM_ID[52:50] */
	enum ready_tri cpu_sse42, cpu_popcnt, cpu_arm_v81_atomics;
	int64_t memory_installed_mib, memory_usable_mib, system_volume_mib;
	enum { READY_FW_UNKNOWN = 0, READY_FW_BIOS, READY_FW_UEFI } firmware;
	enum ready_tri secure_boot_capable;
	enum ready_tri tpm_present;
	int tpm_version; /* 20 (2.0), 12 (1.2), -1 unknown */
	int os_bits; /* 32, 64, -1 unknown */
	char smbios_model[128];
	int chassis_type; /* SMBIOS type 3 byte 5 & 0x7F, -1 unknown */
	char bios_date[11]; /* YYYY-MM-DD or "" */
	/* Windows' appraiser, for the newest release key it wrote: */
	char appraiser_key[16]; /* "GE24H2", "" when none */
	char appraiser_upgex[16]; /* Red, Orange, Yellow, Green */
	char appraiser_red[64]; /* RedReason as stored */
	int esu_licensed_year; /* 0..3, -1 unknown */
};

/* Sets every fact to unknown. */
void ready_facts_init(struct ready_facts *f);

/* Reads the facts from the stored hw_json text ({"cpu":{...},"bios":{...},
 * "hardware":{...},"hw":{...}}, as ingest_decode makes it; "" or "{}":
 * nothing known). Facts of the wrong type are left unknown (ingest refuses
 * them; this never fails). */
void ready_facts_from_json(const char *hw_json, struct ready_facts *f);

/* The verdicts of docs/readiness.md. Every string is "" only where said. */
struct ready_verdict {
	char win11[16]; /* ready, firmware, parts, replace, unknown, n/a */
	char win11_reasons[160]; /* ';'-separated tokens; "" for ready (unless the
	                            appraiser disagrees) and n/a */
	char esu_eligible[8]; /* yes, no, unknown, n/a */
	char esu_licensed[4]; /* "1".."3", "" none or unknown */
	char cpu[128]; /* the CPU's brand string, "" unknown */
	char chassis[32]; /* the chassis type's name, "" unknown */
	char bios_date[11]; /* YYYY-MM-DD, "" unknown */
	char bios_year[5]; /* YYYY, "" unknown */
};

/* Classifies one machine: os is its OS classification (classify.h), f its
 * facts. Always fills out. */
void ready_classify(const struct os_class *os, const struct ready_facts *f,
                    struct ready_verdict *out);

/* The name of SMBIOS chassis type t (DSP0134 7.4.1), NULL when t is not
 * one of 1..36. Static storage. */
const char *ready_chassis_name(int t);

#endif
