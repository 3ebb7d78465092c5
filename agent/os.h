/* os.h - the one probe interface. There is exactly one implementation per
 * OS (os_linux.c, later os_windows.c); the Makefile picks it. The probes
 * only read the system; the pure parsers (parse_*.c, rpmdb.c) interpret.
 *
 * Every probe takes root: the directory to read the system from (NULL or
 * "/" for the running system). Sections that cannot be read say so in their
 * status and err; they are never reported as empty. */
#ifndef FC_AGENT_OS_H
#define FC_AGENT_OS_H

#include <stddef.h>

#include "fc_rc.h"
#include "hwfacts.h"
#include "kvlist.h"
#include "pkg.h"

enum section_status { SECTION_OK = 0, SECTION_FAILED, SECTION_SKIPPED };

/* Returns "ok", "failed" or "skipped". */
const char *section_status_name(enum section_status s);

/* The Windows version facts of content.fleetcensus.windows (docs/protocol.md,
 * docs/classification.md): numbers -1, strings NULL and flags -1 when
 * unknown. present is 0 on other systems. */
struct win_facts {
	int present;
	long long major, minor, build, ubr, product_type, suite_mask, server_r2;
	long long reg_major, reg_minor,
	    reg_build; /* CurrentMajor/MinorVersionNumber, CurrentBuildNumber */
	char *product_name, *edition_id, *display_version, *release_id, *csd_version;
	char *installation_type, *current_version, *native_arch;
	int embedded, posready, media_center, tablet_pc, starter;
};

struct os_facts {
	enum section_status status;
	char err[FC_ERRLEN];
	char osrel_path[32]; /* "/etc/os-release", "/usr/lib/os-release" or "" */
	struct kvlist osrel; /* every key of that file, verbatim, in file order */
	struct kvlist release_files; /* legacy files (no os-release): path -> first line */
	char *kernel_name; /* "linux" */
	char *kernel_version; /* uname release of the running kernel */
	char *kernel_arch; /* uname machine of the running kernel */
	char *hostname; /* short host name */
	char *fqdn; /* the name with its domain, when known */
	char *dns_domain; /* NULL when unknown */
	/* GLPI operatingsystem fields set by probes that have no os-release
	 * (Windows); NULL elsewhere. */
	char *os_name, *os_full_name, *os_version, *service_pack;
	char *workgroup; /* Windows: the NetBIOS domain or workgroup joined */
	struct win_facts win;
};

struct hw_facts {
	enum section_status status;
	char err[FC_ERRLEN];
	struct kvlist dmi; /* /sys/class/dmi/id file name -> value, those readable */
	long long memory_mb; /* MemTotal, MiB; -1 unknown */
	char *cpu_model; /* NULL unknown */
	long cpu_count; /* logical CPUs; -1 unknown */
	char *vmsystem; /* "Physical", "KVM", "VMware", "Docker", ... */
	struct kvlist macs; /* physical interface name -> MAC address */
	char *machine_id; /* raw /etc/machine-id (32 hex), NULL if absent or invalid */
	struct hw_ready ready; /* the readiness facts (docs/protocol.md) */
};

void os_facts_init(struct os_facts *f);
void os_facts_release(struct os_facts *f);
void hw_facts_init(struct hw_facts *h);
void hw_facts_release(struct hw_facts *h);

/* Reads the OS identity below root into f (initialised by the caller).
 * Always returns FC_OK: failures are recorded in f->status and f->err. */
enum fc_rc os_get_info(const char *root, struct os_facts *f);

/* Reads hardware facts below root into h (initialised by the caller).
 * Always returns FC_OK: failures are recorded in h->status and h->err. */
enum fc_rc os_get_hardware(const char *root, struct hw_facts *h);

/* Calls cb for every installed package of every package database found
 * below root. Returns FC_OK (also when there is no database: *found is then
 * 0), or an error with err naming the database and the problem. */
enum fc_rc os_each_package(const char *root, fc_pkg_cb cb, void *ctx, int *found, char *err);

/* Fills buf with n random bytes from the OS. */
enum fc_rc os_random(void *buf, size_t n);

#endif
