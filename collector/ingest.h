/* ingest.h - turn one received report (an HTTP body or a file) into the
 * facts the collector stores: bounded decompression, JSON parsing, shape
 * validation, identity keys. Pure: no database, no network.
 *
 * The same function serves POST /api/v1/inventory and the import command, so
 * a report is accepted or refused the same way whichever way it came. */
#ifndef FC_COLLECTOR_INGEST_H
#define FC_COLLECTOR_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_rc.h"
#include "sha256.h"

/* Limits; ingest_limits_default() fills the documented defaults. */
struct ingest_limits {
	size_t max_body; /* bytes as received (compressed): 8 MiB */
	size_t max_decompressed; /* bytes after decompression: 64 MiB */
	size_t max_ratio; /* decompressed / compressed: 200 (also bounded by max_decompressed) */
	int max_depth; /* JSON nesting depth: 32 */
	size_t max_string; /* bytes in any one JSON string: 64 KiB */
	size_t max_software; /* entries in content.softwares: 100,000 */
	bool tree_lists; /* read content.softwares through cJSON's tree even when
	                    the direct reader could (tests compare the two) */
};

void ingest_limits_default(struct ingest_limits *lim);

/* One software entry, as reported (strings valid UTF-8, never NULL; "" when
 * absent). */
struct ingest_sw {
	char *name;
	char *version;
	char *arch;
	char *publisher;
	char *from;
};

/* The facts of one accepted report. Strings are heap, valid UTF-8 without
 * NUL, never NULL unless said otherwise. */
struct ingest_report {
	char report_id[37]; /* content.fleetcensus.report_id, lower-case UUID */
	char agent_id[65]; /* content.fleetcensus.agent_id ("" when absent) */
	char machine_id[65]; /* content.fleetcensus.machine_id, lower-case hex ("" when absent) */
	char hw_uuid[37]; /* content.hardware.uuid normalised to lower-case
	                     8-4-4-4-12; "" when absent, malformed or a
	                     known placeholder (ingest_uuid_is_placeholder) */
	char collected_at[21]; /* RFC 3339 UTC "YYYY-MM-DDThh:mm:ssZ" */
	int64_t collected_ts; /* the same, seconds since the epoch */
	char *deviceid;
	char *hostname; /* content.hardware.name, else operatingsystem.fqdn's
	                   first label, else "" */
	char *os_json; /* the raw facts, compact JSON: {"operatingsystem":{...},
	                  "fleetcensus":{...}} with content.fleetcensus minus
	                  nothing (sections, errors, os_release,
	                  release_files, windows, ...). Stored verbatim so
	                  classification can be recomputed. */
	char *hw_json; /* the readiness facts (docs/protocol.md "Readiness facts"),
	                  compact JSON: {"cpu":{...},"bios":{...},"hardware":{...},
	                  "hw":{...},"hw_unknown":{...}}, each member only with
	                  the fields read (ingest_hw.c); "{}" when none */
	bool software_ok; /* sections.software == "ok" (else the list is empty
	                     and must not be read as "no software") */
	struct ingest_sw *sw; /* content.softwares, in report order; the strings
	                         all live in sw_strings */
	char *sw_strings;
	bool sw_fast; /* the list was read without cJSON (ingest_scan.c sw_read) */
	size_t n_sw;
	/* docs/protocol.md "Unchanged software lists": a short report has
	 * software_unchanged, no list (n_sw 0), and the digest and count it
	 * claims; a full report with software_ok has the digest computed here
	 * over sw in received order (ingest_sw_digest) and sw_count n_sw. */
	bool software_unchanged;
	bool has_digest; /* sw_digest is set */
	unsigned char sw_digest[32];
	int64_t sw_count;
	size_t body_bytes; /* size as received */
	size_t json_bytes; /* size after decompression */
};

/* Installs cJSON's allocation hooks (see ingest_json.c) once per process. Call
 * it before starting threads that use cJSON; ingest_decode calls it too. */
void ingest_global_init(void);

void ingest_report_init(struct ingest_report *r);
void ingest_report_release(struct ingest_report *r);

/* Decodes body (len bytes, as received) with Content-Encoding encoding (NULL
 * or "" or "identity": plain JSON; "gzip"; "deflate": zlib) into out, which
 * the caller initialised. On failure out is left empty, err holds one line
 * naming the problem and the field ("content.softwares[3].name: not a
 * string"), and *http_status the answer: 400 malformed or wrong shape or
 * unknown schema, 413 over a size limit, 415 unknown encoding.
 * Returns FC_OK, FC_EPARSE, FC_ELIMIT or FC_EUSAGE (encoding). */
enum fc_rc ingest_decode(const void *body, size_t len, const char *encoding,
                         const struct ingest_limits *lim, struct ingest_report *out,
                         int *http_status, char *err);

/* The software list digest of docs/protocol.md over n entries of sw, in
 * that order. */
void ingest_sw_digest(const struct ingest_sw *sw, size_t n, unsigned char out[32]);
/* The same built entry by entry (the store hashes its sorted lists so):
 * ingest_sw_digest_init, ingest_sw_digest_entry for each, sha256_final. */
void ingest_sw_digest_init(struct sha256 *c);
void ingest_sw_digest_entry(struct sha256 *c, const struct ingest_sw *e);

/* True when uuid (any case, with or without dashes) is a known placeholder
 * that many machines share: all zeros, all F, 03000200-0400-0500-0006-
 * 000700080009 and the others listed in docs/identity.md. The same as
 * uuid_is_placeholder (common/uuid.h), which ingest_decode uses. */
bool ingest_uuid_is_placeholder(const char *uuid);

#endif
