/* ingest.c - one received report (an HTTP body or a file) into the facts the
 * collector stores: bounded decompression, a scan of the raw text, JSON
 * parsing, shape validation, identity keys. Pure: no database, no network,
 * no logging (the caller logs the outcome with its context). Its only global
 * state is cJSON's allocation hooks and each thread's scratch arena
 * (ingest_json.c).
 *
 * Order of checks, cheapest and most dangerous first:
 *   1. size of the body as received (413);
 *   2. Content-Encoding (415) and bounded decompression (413 past the limit,
 *      400 corrupt or truncated);
 *   3. one pass over the text (ingest_scan.c): NUL bytes, invalid UTF-8, raw
 *      control characters in strings, \u0000 escapes (400); nesting depth
 *      (400); string length (bytes between the quotes as written, escapes
 *      included; keys too), number of JSON values (commas plus containers)
 *      and of content.softwares entries (413). This runs before cJSON so that
 *      cJSON never recurses deeply and never builds a tree larger than the
 *      limits allow. The software list, when it has the plain shape agents
 *      send, is read during this pass (sw_read) and cut out of the text;
 *   4. cJSON, with no trailing data allowed (400);
 *   5. the shape of every field read, with its path in err (400; 413 for the
 *      software count).
 *
 * Memory: cJSON's tree and every string in it come from a per-thread arena
 * (arena.h) that is reset after each report; the software strings that
 * outlive the call are in one block the report owns. */
#include "ingest.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "buf.h"
#include "fctime.h"
#include "gzip.h"
#include "ingest_int.h"
#include "peer_glpi.h"
#include "sha256.h"
#include "uuid.h"
#include "xalloc.h"

#define INGEST_MIB ((size_t)1 << 20)
/* Decompressed bytes always allowed, whatever the ratio: a tiny body may
 * legitimately compress very well (a report of one repeated package). */
#define INGEST_RATIO_FLOOR INGEST_MIB
#define INGEST_ID_MAX 64

void ingest_limits_default(struct ingest_limits *lim)
{
	lim->max_body = 8 * INGEST_MIB;
	lim->max_decompressed = 64 * INGEST_MIB;
	lim->max_ratio = 200;
	lim->max_depth = 32;
	lim->max_string = 64 * 1024;
	lim->max_software = 100000;
	lim->tree_lists = false;
}

void ingest_report_init(struct ingest_report *r)
{
	memset(r, 0, sizeof(*r));
}

void ingest_report_release(struct ingest_report *r)
{
	free(r->sw);
	free(r->sw_strings);
	free(r->deviceid);
	free(r->hostname);
	free(r->os_json);
	free(r->hw_json);
	ingest_report_init(r);
}

/* The software list digest's tag (docs/protocol.md). */
static const char sw_digest_tag[] = "fleetcensus software list 1\n";

/* Copies the software strings, which point into the arena, into one block
 * the report owns. */
static void sw_own_strings(struct ingest_report *r)
{
	size_t i, k, total = 0, n;
	char **f[5];
	char *p;

	for (i = 0; i < r->n_sw; i++) {
		f[0] = &r->sw[i].name, f[1] = &r->sw[i].version, f[2] = &r->sw[i].arch;
		f[3] = &r->sw[i].publisher, f[4] = &r->sw[i].from;
		for (k = 0; k < 5; k++)
			total += (*f[k] ? strlen(*f[k]) : 0) + 1;
	}
	p = r->sw_strings = xmalloc(total ? total : 1);
	for (i = 0; i < r->n_sw; i++) {
		f[0] = &r->sw[i].name, f[1] = &r->sw[i].version, f[2] = &r->sw[i].arch;
		f[3] = &r->sw[i].publisher, f[4] = &r->sw[i].from;
		for (k = 0; k < 5; k++) {
			n = *f[k] ? strlen(*f[k]) : 0;
			memcpy(p, n ? *f[k] : "", n);
			p[n] = '\0';
			*f[k] = p;
			p += n + 1;
		}
	}
}

/* ---- the body ---- */

/* Copies up to 32 bytes of s into out for an error message, printable ASCII
 * only (the value came from the network and ends up in logs and answers). */
static void printable(const char *s, char out[40])
{
	size_t i;

	for (i = 0; s[i] && i < 32; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\'' ? s[i] : '?';
	out[i] = '\0';
	if (s[i])
		memcpy(out + i, "...", 4);
}

/* The decompressed size allowed for a body of len bytes. */
static size_t ingest_max_out(size_t len, const struct ingest_limits *lim)
{
	size_t by_ratio = SIZE_MAX;

	if (lim->max_ratio && len <= SIZE_MAX / lim->max_ratio)
		by_ratio = len * lim->max_ratio;
	if (by_ratio < INGEST_RATIO_FLOOR)
		by_ratio = INGEST_RATIO_FLOOR;
	return by_ratio < lim->max_decompressed ? by_ratio : lim->max_decompressed;
}

static enum fc_rc ingest_inflate(const void *body, size_t len, const char *encoding,
                                 const struct ingest_limits *lim, struct buf *text, char *err)
{
	size_t max_out = ingest_max_out(len, lim);
	char zerr[FC_ERRLEN];
	enum fc_rc rc;

	buf_init(text, max_out);
	rc = gzip_decompress(body, len, max_out, text, zerr);
	if (rc == FC_ELIMIT && max_out < lim->max_decompressed && max_out > INGEST_RATIO_FLOOR)
		snprintf(err, FC_ERRLEN,
		         "decompressed body is larger than %zu bytes (%zu times the %zu bytes "
		         "received)",
		         max_out, lim->max_ratio, len);
	else if (rc == FC_ELIMIT)
		snprintf(err, FC_ERRLEN, "decompressed body is larger than %zu bytes", max_out);
	else if (rc)
		snprintf(err, FC_ERRLEN, "Content-Encoding %s: %s", encoding, zerr);
	return rc;
}

/* Puts the JSON text of body into text (NUL-terminated, which cJSON needs to
 * refuse trailing data safely): a copy, or the decompressed body. */
static enum fc_rc ingest_body(const void *body, size_t len, const char *encoding,
                              const struct ingest_limits *lim, struct buf *text, char *err)
{
	const unsigned char *p = body;
	char shown[40];

	buf_init(text, lim->max_body);
	if (len > lim->max_body) {
		snprintf(err, FC_ERRLEN, "body is larger than %zu bytes", lim->max_body);
		return FC_ELIMIT;
	}
	if (encoding && (!strcasecmp(encoding, "gzip") || !strcasecmp(encoding, "x-gzip")))
		return ingest_inflate(body, len, "gzip", lim, text, err);
	if (encoding && !strcasecmp(encoding, "deflate"))
		return ingest_inflate(body, len, "deflate", lim, text, err);
	if (encoding && *encoding && strcasecmp(encoding, "identity")) {
		printable(encoding, shown);
		snprintf(err, FC_ERRLEN,
		         "unsupported Content-Encoding '%s' (gzip, deflate or identity)", shown);
		return FC_EUSAGE;
	}
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		snprintf(err, FC_ERRLEN, "body is gzip data but Content-Encoding is not gzip");
		return FC_EPARSE;
	}
	return buf_add(text, body, len);
}

/* ---- the shape ---- */

static const char *json_type_name(int type)
{
	switch (type) {
	case cJSON_Object: return "an object";
	case cJSON_Array: return "an array";
	case cJSON_String: return "a string";
	case cJSON_Number: return "a number";
	}
	return "of the expected type";
}

/* Looks up key in obj, whose path is path ("" at the top level), and checks
 * that it has type (cJSON_Object, cJSON_String, ...). *item is borrowed from
 * obj, NULL when the member is absent and not required. */
static enum fc_rc member(const cJSON *obj, const char *path, const char *key, int type,
                         bool required, const cJSON **item, char *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *dot = *path ? "." : "";

	*item = NULL;
	if (!it && !required)
		return FC_OK;
	if (!it) {
		snprintf(err, FC_ERRLEN, "%s%s%s: missing", path, dot, key);
		return FC_EPARSE;
	}
	if ((it->type & 0xFF) != type) {
		snprintf(err, FC_ERRLEN, "%s%s%s: not %s", path, dot, key, json_type_name(type));
		return FC_EPARSE;
	}
	*item = it;
	return FC_OK;
}

/* Looks up an optional string member and returns a heap copy ("" when
 * absent) in *out. */
static enum fc_rc member_strdup(const cJSON *obj, const char *path, const char *key, char **out,
                                char *err)
{
	const cJSON *it;
	enum fc_rc rc = member(obj, path, key, cJSON_String, false, &it, err);

	*out = rc ? NULL : xstrdup(it ? it->valuestring : "");
	return rc;
}

static enum fc_rc fc_schema(const cJSON *fc, char *err)
{
	const cJSON *it;
	enum fc_rc rc = member(fc, "content.fleetcensus", "schema", cJSON_Number, true, &it, err);

	if (!rc && it->valuedouble != 1) {
		snprintf(
		    err, FC_ERRLEN,
		    "content.fleetcensus.schema: unsupported schema version %g (this collector "
		    "knows 1)",
		    it->valuedouble);
		rc = FC_EPARSE;
	}
	return rc;
}

/* content.fleetcensus.report_id and collected_at, both required. */
static enum fc_rc fc_report(const cJSON *fc, struct ingest_report *out, char *err)
{
	const cJSON *it;
	enum fc_rc rc =
	    member(fc, "content.fleetcensus", "report_id", cJSON_String, true, &it, err);

	if (rc)
		return rc;
	if (!uuid_normalise(it->valuestring, out->report_id)) {
		snprintf(err, FC_ERRLEN, "content.fleetcensus.report_id: not a UUID");
		return FC_EPARSE;
	}
	rc = member(fc, "content.fleetcensus", "collected_at", cJSON_String, true, &it, err);
	if (rc)
		return rc;
	if (!fctime_parse_rfc3339(it->valuestring, &out->collected_ts) ||
	    !fctime_format_rfc3339(out->collected_ts, out->collected_at)) {
		snprintf(err, FC_ERRLEN,
		         "content.fleetcensus.collected_at: not an RFC 3339 time "
		         "(YYYY-MM-DDThh:mm:ssZ)");
		return FC_EPARSE;
	}
	return FC_OK;
}

/* content.fleetcensus.agent_id and machine_id, both optional. */
static enum fc_rc fc_ids(const cJSON *fc, struct ingest_report *out, char *err)
{
	const cJSON *it;
	size_t i, n;
	enum fc_rc rc =
	    member(fc, "content.fleetcensus", "agent_id", cJSON_String, false, &it, err);

	if (!rc && it && strlen(it->valuestring) > INGEST_ID_MAX) {
		snprintf(err, FC_ERRLEN, "content.fleetcensus.agent_id: longer than %d bytes",
		         INGEST_ID_MAX);
		rc = FC_EPARSE;
	}
	if (!rc && it)
		snprintf(out->agent_id, sizeof(out->agent_id), "%s", it->valuestring);
	if (!rc)
		rc = member(fc, "content.fleetcensus", "machine_id", cJSON_String, false, &it, err);
	if (rc || !it)
		return rc;
	n = strlen(it->valuestring);
	if (n > INGEST_ID_MAX) {
		snprintf(err, FC_ERRLEN, "content.fleetcensus.machine_id: longer than %d bytes",
		         INGEST_ID_MAX);
		return FC_EPARSE;
	}
	for (i = 0; i < n; i++) {
		out->machine_id[i] = uuid_hex_digit(it->valuestring[i]);
		if (!out->machine_id[i]) {
			out->machine_id[0] = '\0';
			snprintf(err, FC_ERRLEN,
			         "content.fleetcensus.machine_id: not a hex string");
			return FC_EPARSE;
		}
	}
	out->machine_id[n] = '\0';
	return FC_OK;
}

/* content.fleetcensus.sections: each known section, when present, is ok,
 * failed or skipped. Sets out->software_ok. */
static enum fc_rc fc_sections(const cJSON *fc, struct ingest_report *out, char *err)
{
	static const char *const names[] = {"os", "software", "hardware"};
	const char *path = "content.fleetcensus.sections";
	const cJSON *sec, *it;
	size_t i;
	enum fc_rc rc =
	    member(fc, "content.fleetcensus", "sections", cJSON_Object, false, &sec, err);

	for (i = 0; !rc && sec && i < sizeof(names) / sizeof(names[0]); i++) {
		rc = member(sec, path, names[i], cJSON_String, false, &it, err);
		if (rc || !it)
			continue;
		if (strcmp(it->valuestring, "ok") && strcmp(it->valuestring, "failed") &&
		    strcmp(it->valuestring, "skipped")) {
			snprintf(err, FC_ERRLEN, "%s.%s: not ok, failed or skipped", path,
			         names[i]);
			rc = FC_EPARSE;
		}
		if (!rc && i == 1)
			out->software_ok = !strcmp(it->valuestring, "ok");
	}
	return rc;
}

/* Parses 64 hex digits into 32 bytes; false when s is anything else. */
static bool digest_parse(const char *s, unsigned char out[32])
{
	size_t i;
	char a, b;

	if (strlen(s) != 64)
		return false;
	for (i = 0; i < 32; i++) {
		a = uuid_hex_digit(s[2 * i]);
		b = uuid_hex_digit(s[2 * i + 1]);
		if (!a || !b || a != s[2 * i] || b != s[2 * i + 1])
			return false;
		out[i] = (unsigned char)(((a <= '9' ? a - '0' : a - 'a' + 10) << 4) |
		                         (b <= '9' ? b - '0' : b - 'a' + 10));
	}
	return true;
}

/* content.fleetcensus.software_unchanged, software_digest and
 * software_count (docs/protocol.md "Unchanged software lists"). A short
 * report needs the software section ok, the digest and the count; a full
 * report's claimed digest is not trusted (the collector computes its own). */
static enum fc_rc fc_digest(const cJSON *fc, struct ingest_report *out, char *err)
{
	const char *path = "content.fleetcensus";
	const cJSON *un, *dg, *cnt;
	unsigned char claimed[SHA256_LEN];
	enum fc_rc rc;

	rc = member(fc, path, "software_digest", cJSON_String, false, &dg, err);
	if (!rc)
		rc = member(fc, path, "software_count", cJSON_Number, false, &cnt, err);
	if (rc)
		return rc;
	un = cJSON_GetObjectItemCaseSensitive(fc, "software_unchanged");
	if (un && !cJSON_IsBool(un)) {
		snprintf(err, FC_ERRLEN, "%s.software_unchanged: not true or false", path);
		return FC_EPARSE;
	}
	if (dg && !digest_parse(dg->valuestring, claimed)) {
		snprintf(err, FC_ERRLEN, "%s.software_digest: not 64 lower-case hex digits", path);
		return FC_EPARSE;
	}
	if (cnt && (cnt->valuedouble < 0 || cnt->valuedouble > 1e9 ||
	            cnt->valuedouble != (double)(int64_t)cnt->valuedouble)) {
		snprintf(err, FC_ERRLEN, "%s.software_count: not a whole number 0..1000000000",
		         path);
		return FC_EPARSE;
	}
	if (!cJSON_IsTrue(un))
		return FC_OK;
	if (!out->software_ok) {
		snprintf(err, FC_ERRLEN,
		         "%s.software_unchanged: true, but sections.software is not ok", path);
		return FC_EPARSE;
	}
	if (!dg || !cnt) {
		snprintf(err, FC_ERRLEN, "%s.%s: missing (a short report needs it)", path,
		         dg ? "software_count" : "software_digest");
		return FC_EPARSE;
	}
	/* only a short report's claim is kept: a full report's digest is
	 * computed from its list */
	out->software_unchanged = true;
	out->has_digest = true;
	memcpy(out->sw_digest, claimed, SHA256_LEN);
	out->sw_count = (int64_t)cnt->valuedouble;
	return FC_OK;
}

/* content.fleetcensus, which must exist and have schema 1. */
static enum fc_rc ingest_fleetcensus(const cJSON *content, struct ingest_report *out, char *err)
{
	const cJSON *fc;
	enum fc_rc rc = member(content, "content", "fleetcensus", cJSON_Object, true, &fc, err);

	if (!rc)
		rc = fc_schema(fc, err);
	if (!rc)
		rc = fc_report(fc, out, err);
	if (!rc)
		rc = fc_ids(fc, out, err);
	if (!rc)
		rc = fc_sections(fc, out, err);
	if (!rc)
		rc = fc_digest(fc, out, err);
	return rc;
}

/* One entry of content.softwares, in one walk over its members: the five
 * fields we keep point at their strings in the arena (sw_own_strings copies
 * them once the whole list is read); absent ones are "". Of a key given
 * twice the first counts, as cJSON_GetObjectItem would find it. The path
 * for an error is only formatted when there is one. */
static enum fc_rc ingest_sw_entry(const cJSON *e, size_t idx, struct ingest_sw *sw, char *err)
{
	char **slot[5] = {&sw->name, &sw->version, &sw->arch, &sw->publisher, &sw->from};
	const cJSON *it;
	size_t k;

	if (!cJSON_IsObject(e)) {
		snprintf(err, FC_ERRLEN, "content.softwares[%zu]: not an object", idx);
		return FC_EPARSE;
	}
	for (it = e->child; it; it = it->next) {
		k = ingest_sw_key((const unsigned char *)it->string, strlen(it->string));
		if (k == 5 || *slot[k])
			continue;
		if ((it->type & 0xFF) != cJSON_String) {
			snprintf(err, FC_ERRLEN, "content.softwares[%zu].%s: not a string", idx,
			         it->string);
			return FC_EPARSE;
		}
		*slot[k] = it->valuestring;
	}
	if (!sw->name) {
		snprintf(err, FC_ERRLEN, "content.softwares[%zu].name: missing", idx);
		return FC_EPARSE;
	}
	if (!sw->name[0]) {
		snprintf(err, FC_ERRLEN, "content.softwares[%zu].name: empty", idx);
		return FC_EPARSE;
	}
	ingest_sw_absent(sw);
	return FC_OK;
}

/* Forgets a list sw_read read (and its digest: a short report's claimed
 * one, set before, stays). */
static void sw_drop(struct ingest_report *out)
{
	if (!out->sw_fast)
		return;
	FREE_AND_NULL(out->sw);
	FREE_AND_NULL(out->sw_strings);
	out->n_sw = 0;
	out->sw_fast = false;
	memset(out->sw_digest, 0, sizeof(out->sw_digest));
}

/* content.softwares, read only when sections.software is ok (then it must be
 * there: an "ok" section without its list is not an empty list). sw_read
 * may have read it already (the array cJSON saw is then empty). */
static enum fc_rc ingest_softwares(const cJSON *content, const struct ingest_limits *lim,
                                   struct ingest_report *out, char *err)
{
	const cJSON *arr, *e;
	size_t n = 0;
	enum fc_rc rc;

	if (!out->software_ok || out->software_unchanged)
		sw_drop(out);
	if (!out->software_ok)
		return FC_OK;
	if (out->software_unchanged) {
		if (cJSON_GetObjectItemCaseSensitive(content, "softwares")) {
			snprintf(err, FC_ERRLEN,
			         "content.softwares: present in a short report "
			         "(content.fleetcensus.software_unchanged is true)");
			return FC_EPARSE;
		}
		return FC_OK;
	}
	rc = member(content, "content", "softwares", cJSON_Array, true, &arr, err);
	if (rc)
		return rc;
	if (!out->sw_fast) {
		for (e = arr->child; e; e = e->next)
			n++;
		if (n > lim->max_software) {
			snprintf(err, FC_ERRLEN, "content.softwares: more than %zu entries",
			         lim->max_software);
			return FC_ELIMIT;
		}
		out->sw = xcalloc(n ? n : 1, sizeof(*out->sw));
		for (e = arr->child; e; e = e->next) {
			rc = ingest_sw_entry(e, out->n_sw, &out->sw[out->n_sw], err);
			out->n_sw++; /* released with the rest, complete or not */
			if (rc)
				return rc;
		}
		sw_own_strings(out);
		ingest_sw_digest(out->sw, out->n_sw, out->sw_digest);
	} /* else sw_read computed the digest */
	out->has_digest = true;
	out->sw_count = (int64_t)out->n_sw;
	return FC_OK;
}

void ingest_sw_digest_init(struct sha256 *c)
{
	sha256_init(c);
	sha256_update(c, sw_digest_tag, sizeof(sw_digest_tag) - 1);
}

void ingest_sw_digest_entry(struct sha256 *c, const struct ingest_sw *e)
{
	const char *f[5] = {e->name, e->version, e->arch, e->publisher, e->from};
	size_t k;

	for (k = 0; k < 5; k++) {
		f[k] = f[k] ? f[k] : "";
		sha256_update(c, f[k], strlen(f[k]) + 1);
	}
}

void ingest_sw_digest(const struct ingest_sw *sw, size_t n, unsigned char out[32])
{
	struct sha256 c;
	size_t i;

	ingest_sw_digest_init(&c);
	for (i = 0; i < n; i++)
		ingest_sw_digest_entry(&c, &sw[i]);
	sha256_final(&c, out);
}

/* content.hardware (uuid, name) and content.operatingsystem.fqdn: the
 * hardware UUID and the host name. */
static enum fc_rc ingest_host(const cJSON *content, struct ingest_report *out, char *err)
{
	const cJSON *hw, *os, *uuid = NULL, *name = NULL, *fqdn = NULL;
	enum fc_rc rc = member(content, "content", "hardware", cJSON_Object, false, &hw, err);

	if (!rc && hw)
		rc = member(hw, "content.hardware", "uuid", cJSON_String, false, &uuid, err);
	if (!rc && hw)
		rc = member(hw, "content.hardware", "name", cJSON_String, false, &name, err);
	if (!rc)
		rc = member(content, "content", "operatingsystem", cJSON_Object, false, &os, err);
	if (!rc && os)
		rc = member(os, "content.operatingsystem", "fqdn", cJSON_String, false, &fqdn, err);
	if (rc)
		return rc;
	if (uuid &&
	    (!uuid_normalise(uuid->valuestring, out->hw_uuid) || uuid_is_placeholder(out->hw_uuid)))
		out->hw_uuid[0] = '\0';
	if (name && name->valuestring[0])
		out->hostname = xstrdup(name->valuestring);
	else if (fqdn)
		out->hostname = xstrndup(fqdn->valuestring, strcspn(fqdn->valuestring, "."));
	else
		out->hostname = xstrdup("");
	return FC_OK;
}

/* Moves content.operatingsystem (or {}) and content.fleetcensus out of root
 * into the compact os_json document. Both were checked to be objects. */
static enum fc_rc ingest_os_json(cJSON *root, struct ingest_report *out, char *err)
{
	cJSON *content = cJSON_GetObjectItemCaseSensitive(root, "content");
	cJSON *doc = cJSON_CreateObject();
	cJSON *os = cJSON_DetachItemFromObjectCaseSensitive(content, "operatingsystem");
	cJSON *fc = cJSON_DetachItemFromObjectCaseSensitive(content, "fleetcensus");
	char *s = NULL;
	enum fc_rc rc = FC_ENOMEM;

	if (!os)
		os = cJSON_CreateObject();
	if (!doc || !os || !fc || !cJSON_AddItemToObject(doc, "operatingsystem", os)) {
		cJSON_Delete(os);
		cJSON_Delete(fc);
		goto out_delete;
	}
	if (!cJSON_AddItemToObject(doc, "fleetcensus", fc)) {
		cJSON_Delete(fc);
		goto out_delete;
	}
	s = cJSON_PrintUnformatted(doc);
	if (s) {
		out->os_json = xstrdup(s);
		cJSON_free(s);
		rc = FC_OK;
	}
out_delete:
	cJSON_Delete(doc);
	if (rc)
		snprintf(err, FC_ERRLEN, "cannot build the stored facts: out of memory");
	return rc;
}

/* Checks the shape of the parsed document and fills out. */
static enum fc_rc ingest_doc(cJSON *root, const struct ingest_limits *lim,
                             struct ingest_report *out, char *err)
{
	const cJSON *content;
	enum fc_rc rc = FC_OK;

	if (!cJSON_IsObject(root)) {
		snprintf(err, FC_ERRLEN, "top level: not an object");
		return FC_EPARSE;
	}
	rc = member(root, "", "content", cJSON_Object, true, &content, err);
	if (!rc && !cJSON_GetObjectItemCaseSensitive(content, "fleetcensus"))
		rc = peer_glpi_adopt(root, (cJSON *)content, err); /* another agent's */
	if (!rc)
		rc = ingest_fleetcensus(content, out, err);
	if (!rc)
		rc = member_strdup(root, "", "deviceid", &out->deviceid, err);
	if (!rc)
		rc = ingest_host(content, out, err);
	if (!rc)
		rc = ingest_softwares(content, lim, out, err);
	if (!rc)
		rc = ingest_hw(content, out, err);
	if (!rc)
		rc = ingest_os_json(root, out, err);
	return rc;
}

static int ingest_http_status(enum fc_rc rc)
{
	switch (rc) {
	case FC_OK: return 200;
	case FC_EPARSE: return 400;
	case FC_ELIMIT: return 413;
	case FC_EUSAGE: return 415;
	default: return 500;
	}
}

enum fc_rc ingest_decode(const void *body, size_t len, const char *encoding,
                         const struct ingest_limits *lim, struct ingest_report *out,
                         int *http_status, char *err)
{
	struct buf text;
	struct ingest_sw_span span;
	cJSON *root = NULL;
	const char *end = NULL;
	size_t json_len, cut = 0, at;
	enum fc_rc rc;

	assert((body || len == 0) && lim && out && http_status && err);
	err[0] = '\0';
	ingest_report_release(out);
	rc = ingest_body(body, len, encoding, lim, &text, err);
	if (rc)
		goto out_release;
	if (text.len == 0) {
		snprintf(err, FC_ERRLEN, "empty body");
		rc = FC_EPARSE;
		goto out_release;
	}
	rc = ingest_scan(text.ptr, text.len, lim, lim->tree_lists ? NULL : out, &span, err);
	if (rc)
		goto out_release;
	json_len = text.len;
	if (out->sw_fast && span.found) {
		/* cJSON gets the text with the list read: "[]" in its place */
		cut = span.end - span.at - 1;
		memmove(text.ptr + span.at + 1, text.ptr + span.end, text.len - span.end + 1);
		text.len -= cut;
	}
	ingest_json_begin();
	root = cJSON_ParseWithLengthOpts(text.ptr, text.len + 1, &end, 1);
	if (!root) {
		at = end && end >= text.ptr ? (size_t)(end - text.ptr) : 0;
		snprintf(err, FC_ERRLEN, "invalid JSON at byte %zu", at > span.at ? at + cut : at);
		rc = FC_EPARSE;
	} else {
		rc = ingest_doc(root, lim, out, err);
		out->body_bytes = len;
		out->json_bytes = json_len;
	}
	ingest_json_end(); /* the tree goes with it */
out_release:
	buf_release(&text);
	if (rc) {
		ingest_report_release(out);
		if (!err[0])
			snprintf(err, FC_ERRLEN, "%s", fc_strerror(rc));
	}
	*http_status = ingest_http_status(rc);
	return rc;
}

bool ingest_uuid_is_placeholder(const char *uuid)
{
	return uuid_is_placeholder(uuid);
}
