/* ingest_int.h - what the parts of ingest share; no other module includes
 * it. ingest.c: the body, the shape checks and ingest_decode;
 * ingest_scan.c: the one pass over the text and the direct reader of the
 * software list; ingest_json.c: cJSON in the calling thread's arena. */
#ifndef FC_COLLECTOR_INGEST_INT_H
#define FC_COLLECTOR_INGEST_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "fc_rc.h"
#include "ingest.h"

/* Where the first content.softwares array is in the text (found false:
 * none was, or it does not close with ']'). */
struct ingest_sw_span {
	bool found;
	size_t at, end; /* offsets of '[' and ']' */
};

/* One pass over the len bytes of text before cJSON sees them (the checks
 * are listed at the top of ingest.c). out: where the direct reader puts
 * the software list it reads (sw, n_sw, sw_strings, sw_digest, sw_fast),
 * or NULL (no reader: cJSON's tree reads the list). *span says where the
 * list is. On failure err names the problem. Returns FC_OK, FC_EPARSE or
 * FC_ELIMIT; out may hold a list either way (ingest_report_release). */
enum fc_rc ingest_scan(const char *text, size_t len, const struct ingest_limits *lim,
                       struct ingest_report *out, struct ingest_sw_span *span, char *err);

/* Which of the five kept fields of a software entry (name, version, arch,
 * publisher, from: 0..4) the key of klen bytes at key names; 5: none. */
size_t ingest_sw_key(const unsigned char *key, size_t klen);

/* Points the fields of sw other than name that are still NULL at "" (a
 * static empty string, never freed). */
void ingest_sw_absent(struct ingest_sw *sw);

/* The readiness facts of content (ingest_hw.c): checks the shape of each
 * one read and sets out->hw_json. On failure err names the field. Returns
 * FC_OK, FC_EPARSE (wrong type), FC_ELIMIT (too long or too many) or
 * FC_ENOMEM. */
struct cJSON;
enum fc_rc ingest_hw(const struct cJSON *content, struct ingest_report *out, char *err);

/* Opens this thread's arena for cJSON's allocations (created on first use,
 * freed when the thread ends), until ingest_json_end, which resets it: every
 * cJSON tree made in between is then gone, cJSON_Delete or not. */
void ingest_json_begin(void);
void ingest_json_end(void);

#endif
