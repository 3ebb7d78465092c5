/* inventory.h - build the agent's inventory document: one inventory report
 * (GLPI inventory format with the content.fleetcensus extension; see
 * docs/protocol.md). The collector's tender reports are collector/report.h. */
#ifndef FC_AGENT_INVENTORY_H
#define FC_AGENT_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "fc_rc.h"
#include "os.h"

struct inventory_ids {
	const char *agent_id; /* UUID kept in the state dir */
	const char *since; /* the agent id's creation, YYYY-MM-DD-hh-mm-ss: with the
	                      host name it makes the GLPI deviceid */
	const char *report_id; /* UUID, new for each report */
	const char *collected_at; /* RFC 3339 UTC */
};

struct inventory_summary {
	enum section_status os, software, hardware;
	long packages;
	char software_err[FC_ERRLEN];
	char software_digest[65]; /* hex SHA-256 of the list when software is ok, else "" */
	char hostname[64]; /* the report's host name, cut short; "" when unknown */
};

/* The software list's digest starts with this tag (docs/protocol.md,
 * "Unchanged software lists"). */
#define INVENTORY_DIGEST_TAG "fleetcensus software list 1\n"

/* One collected report: the OS and hardware facts, kept in memory (small);
 * the package list is read again each time a full report is written. */
struct inventory;

enum inventory_form {
	INVENTORY_FULL, /* with content.softwares */
	INVENTORY_SHORT /* without, with software_unchanged: docs/protocol.md */
};

/* Where inventory_write puts the JSON text. write takes the next len bytes;
 * restart drops everything written so far (the software list failed after
 * part of it was written) and may be NULL when that is impossible. Both
 * return FC_OK or an error that ends the report. */
struct inventory_sink {
	enum fc_rc (*write)(void *ctx, const void *data, size_t len);
	enum fc_rc (*restart)(void *ctx);
	void *ctx;
};

/* Sinks into a buffer (the caller's; its max bounds the report) and into a
 * stdio stream opened for writing on a regular file (truncated on restart). */
void inventory_sink_buf(struct inventory_sink *s, struct buf *b);
void inventory_sink_file(struct inventory_sink *s, FILE *f);

/* Reads the OS and hardware facts below root (NULL = this system) into a new
 * report *out (freed with inventory_free). ids' strings must outlive it.
 * Returns FC_OK: failures are recorded in the report's sections. */
enum fc_rc inventory_collect(const char *root, const struct inventory_ids *ids,
                             struct inventory **out);

/* Writes the report as compact JSON to sink. INVENTORY_FULL streams the
 * package databases into content.softwares while it writes (nothing of the
 * list is kept but its digest, count and architecture counts), and sets the
 * summary's software fields; when a database fails after packages were
 * written, the sink is restarted and the report written without the list.
 * INVENTORY_SHORT needs inventory_has_list (asserted; FC_ENOENT, nothing
 * written, when asserts are off). Returns FC_OK or the sink's error. */
enum fc_rc inventory_write(struct inventory *r, enum inventory_form form,
                           const struct inventory_sink *sink);

/* True when the last INVENTORY_FULL write of r put out its software list
 * (the software section is ok): only then has r a short form. */
bool inventory_has_list(const struct inventory *r);

/* Logs the summary's section states and package count (INFO, one line:
 * "collected: os ok, software ok (N packages), hardware ok"). */
void inventory_log_summary(const struct inventory *r);

/* The report's summary; valid until inventory_free. */
const struct inventory_summary *inventory_summary(const struct inventory *r);

void inventory_free(struct inventory *r);

/* Collects OS, packages and hardware below root (NULL = this system) and
 * returns the report as compact JSON text in *json (heap; the caller frees
 * it with free()); inventory_collect and inventory_write into memory. Every report whose software
 * section is ok carries content.fleetcensus.software_digest and software_count (also in sum). When
 * short_json is not NULL it receives the short form of the same report (no content.softwares,
 * software_unchanged: true) if the software section is ok, else NULL; the caller frees it. Sections
 * that fail are marked so in the report; only an internal error makes this return non-OK (both
 * outputs NULL). */
enum fc_rc inventory_build(const char *root, const struct inventory_ids *ids, char **json,
                           char **short_json, struct inventory_summary *sum);

/* Hashes a raw machine-id (32 hex digits) with fleetcensus' application key,
 * as systemd's sd_id128_get_machine_app_specific() does; writes 32 hex
 * digits and a NUL to out. Returns FC_EPARSE for a malformed id. */
enum fc_rc inventory_hash_machine_id(const char *machine_id, char out[33]);

/* content.fleetcensus.windows for w as compact JSON text, as inventory_build
 * writes it (heap; the caller frees it with free()); NULL when out of
 * memory. For the tests that pin the object the collector classifies. */
char *inventory_windows_json(const struct win_facts *w);

/* The application key: systemd-id128 machine-id --app-specific=INVENTORY_APP_ID
 * prints the same value as the report's machine_id. */
#define INVENTORY_APP_ID "5f3c2d8e9a414b6e8c1d2e7f90a4b3c5"

#endif
