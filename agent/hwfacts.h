/* hwfacts.h - the readiness facts (Windows 11 and ESU; docs/protocol.md,
 * "Readiness facts") and their pure decoders: /proc/cpuinfo text, efivar
 * bytes, TPM sysfs text, TPM_DEVICE_INFO, CPUID leaf 1, SMBIOS dates and
 * registry values come in as bytes, so the unit tests and the fuzzer run
 * them on Linux. The os_*.c probes only read; nothing here decides.
 *
 * Every fact is a value, absent (said by a value: tpm_present 0, firmware
 * "bios") or unknown: not set, and named in unknown with the reason. */
#ifndef FC_AGENT_HWFACTS_H
#define FC_AGENT_HWFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_printf.h"
#include "fc_rc.h"
#include "kvlist.h"

#define HW_STR_MAX 256 /* longest string fact, in bytes */
#define HW_REASON_MAX 200 /* longest reason in hw_unknown, in bytes */
#define HW_APPRAISER_MAX 16 /* release keys kept from the appraiser */
#define HW_CPUINFO_MAX (4u << 20) /* /proc/cpuinfo read at most */

struct hw_appraiser {
	char *release; /* the subkey name: "CO21H2", "GE24H2" */
	char *upgex; /* UpgEx as stored, NULL when the value is absent */
	char *red_reason; /* RedReason as stored, NULL when absent */
};

/* Numbers are -1 and strings NULL when not known; booleans -1, 0 or 1. */
struct hw_ready {
	char *cpu_vendor, *cpu_brand;
	long long cpu_family, cpu_model, cpu_stepping;
	long long cpu_logical, cpu_cores, cpu_max_mhz, cpu_platform_flags;
	int cpu_sse42, cpu_popcnt, cpu_arm_v81_atomics;
	long long memory_installed_mib, system_volume_mib;
	const char *firmware; /* "uefi", "bios" */
	int secure_boot_capable, secure_boot_enabled, secure_boot_setup_mode;
	int tpm_present;
	const char *tpm_version; /* "2.0", "1.2" */
	long long os_bits;
	char bios_date[11]; /* YYYY-MM-DD, "" when not known */
	long long esu_licensed_year; /* 0..3 */
	bool appraiser_read; /* the appraiser key was read (Windows) */
	size_t n_appraiser;
	struct hw_appraiser appraiser[HW_APPRAISER_MAX];
	struct kvlist unknown; /* fact -> reason, as content.fleetcensus.hw_unknown */
};

void hw_ready_init(struct hw_ready *r);
void hw_ready_release(struct hw_ready *r);

/* Records fact as unknown with the reason (printf format; cut to
 * HW_REASON_MAX bytes, control bytes replaced by '?'). A later call for the
 * same fact replaces the reason. */
void hw_unknown(struct hw_ready *r, const char *fact, const char *fmt, ...) FC_PRINTF(3, 4);

/* Drops fact from the unknown list (it has been read after all). */
void hw_known(struct hw_ready *r, const char *fact);

/* Decodes /proc/cpuinfo text (len bytes, need not end in NUL): vendor_id,
 * cpu family, model, stepping, model name, the processor count, the
 * distinct (physical id, core id) pairs, cpu MHz (cpu_max_mhz, when it is
 * still unknown), flags sse4_2 and popcnt, Features atomics (ARM). Each fact
 * the text lacks or has malformed is named in unknown. FC_EPARSE when the
 * text has no "processor" entry at all (every CPU fact is then unknown). */
enum fc_rc hwfacts_cpuinfo(const char *text, size_t len, struct hw_ready *r);

/* Decodes CPUID leaf 1 (eax, ecx) into the display family, model and
 * stepping (Intel SDM: family + extended family when family is 15; model +
 * extended model << 4 when family is 6 or 15, as Linux and Windows show
 * them) and the SSE4.2 (ecx bit 20) and POPCNT (bit 23) flags. */
void hwfacts_cpuid(uint32_t eax, uint32_t ecx, struct hw_ready *r);

/* The value of a boolean UEFI variable read from efivarfs: 4 bytes of
 * attributes, then one byte 0 or 1. FC_EPARSE, with err, for anything else. */
enum fc_rc hwfacts_efivar_bool(const unsigned char *data, size_t len, int *on, char *err);

/* The TPM's version from sysfs text: tpm_version_major ("2" or "1", may be
 * NULL when the file is missing), else the "TCG version: 1.2" line of
 * device/caps (may be NULL). *version is "2.0" or "1.2"; FC_EPARSE with err
 * when neither says. */
enum fc_rc hwfacts_tpm_sysfs(const char *major, const char *caps, const char **version, char *err);

/* The version from a TPM_DEVICE_INFO as Tbsi_GetDeviceInfo fills it (four
 * little-endian 32-bit words; tpmVersion is the second: 1 = 1.2, 2 = 2.0). */
enum fc_rc hwfacts_tpm_device_info(const unsigned char *data, size_t len, const char **version,
                                   char *err);

/* An SMBIOS BIOS date, MM/DD/YYYY or MM/DD/YY (years 00..79 are 20xx, as
 * dmidecode reads them, 80..99 19xx), as YYYY-MM-DD in out. FC_EPARSE with
 * err (quoting the text) for anything else, or an impossible date. */
enum fc_rc hwfacts_bios_date(const char *text, char out[11], char *err);

/* A number written in text: base 10, or 16 with or without "0x" when hex;
 * surrounding blanks and one trailing newline allowed, nothing else; at most
 * max. FC_EPARSE with err otherwise. */
enum fc_rc hwfacts_number(const char *text, bool hex, long long max, long long *out, char *err);

/* A REG_DWORD (or REG_QWORD) registry value as a number of at most max;
 * FC_EPARSE with err for another type, size or a larger value. */
enum fc_rc hwfacts_reg_number(unsigned type, const unsigned char *data, size_t len, long long max,
                              long long *out, char *err);

/* Adds one appraiser release key with its UpgEx and RedReason (either may
 * be NULL). Keys past HW_APPRAISER_MAX, or longer than 64 bytes, are
 * dropped (FC_ELIMIT); strings are cut to HW_STR_MAX bytes. */
enum fc_rc hwfacts_appraiser_add(struct hw_ready *r, const char *release, const char *upgex,
                                 const char *red_reason);

/* The highest commercial ESU year licensed, from the SL licensing status of
 * the year 1..3 activation IDs (1 = licensed; any other value not). */
long long hwfacts_esu_year(const unsigned long status[3]);

/* The SMBIOS- or DMI-backed facts (smbios_vendor, smbios_model,
 * chassis_type, bios_vendor, bios_version, bios_date) that are in neither
 * dmi nor unknown are named unknown with why ("no /sys/class/dmi/id"). The
 * date is converted here from dmi's bios_date into r->bios_date. */
void hwfacts_dmi_finish(struct hw_ready *r, const struct kvlist *dmi, const char *why);

/* The activation IDs of the three commercial ESU years. */
#define HW_ESU_YEAR1 "f520e45e-7413-4a34-a497-d2765967d094"
#define HW_ESU_YEAR2 "1043add5-23b1-4afb-9a0f-64343c8f3f8d"
#define HW_ESU_YEAR3 "83d49986-add3-41d7-ba33-87c7bfb5c0fb"

#endif
