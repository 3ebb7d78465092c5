/* classify.h - what a machine runs, from its stored raw facts. Pure
 * functions: no database, no catalogue, no clock. The rules are in
 * docs/classification.md and come from
 * ../shared/reference/windows-and-linux-facts.md. */
#ifndef FC_COLLECTOR_CLASSIFY_H
#define FC_COLLECTOR_CLASSIFY_H

#include <stdbool.h>

#include <cJSON.h>

#include "fc_rc.h"

/* The canonical record; every field is a NUL-terminated string, "" when
 * unknown or not applicable. */
struct os_class {
	char os_family[16]; /* windows, linux, macos, bsd, unknown */
	char os_id[64]; /* windows, or the os-release ID (debian, rhel, centos, ...) */
	char os_product[96]; /* the lifecycle key: "Windows XP", "Windows Server 2003 R2",
	                        "Windows 11", "Debian 12", "Ubuntu 22.04",
	                        "Red Hat Enterprise Linux 8", "CentOS 7", ... */
	char os_edition[64]; /* "Home", "Professional", "Professional x64", "Media Center",
	                        "Tablet PC", "Starter", "Embedded", "POSReady 2009",
	                        "Enterprise", "Enterprise LTSC 2019", "Standard", ... */
	char os_version[64]; /* Windows: major.minor.build; Linux: VERSION_ID verbatim */
	char os_build[32]; /* Windows: build[.ubr]; Linux: BUILD_ID when present */
	char os_release[16]; /* Windows feature release: "22H2", "1809", ... */
	char os_service_pack[32]; /* "Service Pack 3", ... */
	char arch[16]; /* x86, x86_64, arm64, ... (normalised) */
	bool flagged; /* undecidable: the conservative product was chosen */
	char flag_reason[128]; /* why, when flagged */
};

/* Classifies from the raw facts: operatingsystem is the report's
 * content.operatingsystem (GLPI fields) and fleetcensus its
 * content.fleetcensus (os_release, release_files, windows); either may be
 * NULL. Always fills out (os_family "unknown" when nothing fits). */
void classify_facts(const cJSON *operatingsystem, const cJSON *fleetcensus, struct os_class *out);

/* The same from the stored os_json text ({"operatingsystem":{...},
 * "fleetcensus":{...}}, as ingest_decode makes it). Returns FC_EPARSE with
 * err set when the text is not such an object; out is then "unknown". */
enum fc_rc classify_os_json(const char *os_json, struct os_class *out, char *err);

#endif
