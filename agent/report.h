/* report.h - build one inventory report (GLPI inventory format with the
 * content.fleetcensus extension; see docs/protocol.md). */
#ifndef FC_AGENT_REPORT_H
#define FC_AGENT_REPORT_H

#include <stddef.h>

#include "fc_rc.h"
#include "os.h"

struct report_ids {
	const char *agent_id; /* UUID kept in the state dir */
	const char *since; /* the agent id's creation, YYYY-MM-DD-hh-mm-ss: with the
	                      host name it makes the GLPI deviceid */
	const char *report_id; /* UUID, new for each report */
	const char *collected_at; /* RFC 3339 UTC */
};

struct report_summary {
	enum section_status os, software, hardware;
	long packages;
	char software_err[FC_ERRLEN];
};

/* Collects OS, packages and hardware below root (NULL = this system) and
 * returns the report as compact JSON text in *json (heap; the caller frees
 * it with free()). Sections that fail are marked so in the report; only an
 * internal error makes this return non-OK. */
enum fc_rc report_build(const char *root, const struct report_ids *ids, char **json,
                        struct report_summary *sum);

/* Hashes a raw machine-id (32 hex digits) with fleetcensus' application key,
 * as systemd's sd_id128_get_machine_app_specific() does; writes 32 hex
 * digits and a NUL to out. Returns FC_EPARSE for a malformed id. */
enum fc_rc report_hash_machine_id(const char *machine_id, char out[33]);

/* content.fleetcensus.windows for w as compact JSON text, as report_build
 * writes it (heap; the caller frees it with free()); NULL when out of
 * memory. For the tests that pin the object the collector classifies. */
char *report_windows_json(const struct win_facts *w);

/* The application key: systemd-id128 machine-id --app-specific=REPORT_APP_ID
 * prints the same value as the report's machine_id. */
#define REPORT_APP_ID "5f3c2d8e9a414b6e8c1d2e7f90a4b3c5"

#endif
