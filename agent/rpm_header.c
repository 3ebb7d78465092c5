/* rpm_header.c - validate rpm header blobs and report them as packages.
 *
 * The checks follow rpm 4.18 lib/header.c (hdrblobVerifyLengths,
 * hdrblobVerifyRegion, hdrblobVerifyInfo and the data-length sum of
 * hdrblobImport) with the hardening listed in reference/rpmdb-formats.md
 * section 1.5: every length is computed in 64 bits and checked before use. */
#include "rpm_header.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

#define HDR_IL_MAX 0xFFFFu /* rpm hdrchkRange on il */
#define HDR_DL_MAX 0x0FFFFFFFu /* rpm HEADER_DATA_MAX */
#define HDR_COUNT_MAX 0xFFFFFu /* most elements in a non-BIN entry */
#define HDR_ENTRY_SIZE 16u /* one index entry, also the region trailer */
#define HDR_REGION_COUNT 16u /* count of a region tag entry */
#define HDR_TAG_MIN 100 /* HEADER_I18NTABLE: lowest ordinary tag */

enum hdr_type {
	HDR_CHAR = 1,
	HDR_INT8 = 2,
	HDR_INT16 = 3,
	HDR_INT32 = 4,
	HDR_INT64 = 5,
	HDR_STRING = 6,
	HDR_BIN = 7,
	HDR_STRING_ARRAY = 8,
	HDR_I18NSTRING = 9,
};

enum hdr_tag {
	HDR_TAG_IMAGE = 61,
	HDR_TAG_SIGNATURES = 62,
	HDR_TAG_IMMUTABLE = 63,
	HDR_TAG_NAME = 1000,
	HDR_TAG_VERSION = 1001,
	HDR_TAG_RELEASE = 1002,
	HDR_TAG_EPOCH = 1003,
	HDR_TAG_VENDOR = 1011,
	HDR_TAG_ARCH = 1022,
};

/* One index entry, converted to host order. */
struct hdr_entry {
	int32_t tag;
	uint32_t type;
	int32_t offset; /* into the data store */
	uint32_t count;
};

/* A blob whose intro (il, dl, total length) has been checked. */
struct hdr {
	const unsigned char *index; /* il entries of 16 bytes */
	const unsigned char *data; /* dl bytes */
	uint32_t il;
	uint32_t dl;
	int32_t region; /* region tag, 0 for a legacy header without one */
	uint32_t rdl; /* the region's share of the data store, trailer included */
	bool typechk; /* known tags must carry their known type */
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void entry_decode(const unsigned char *p, struct hdr_entry *e)
{
	e->tag = (int32_t)be32(p);
	e->type = be32(p + 4);
	e->offset = (int32_t)be32(p + 8);
	e->count = be32(p + 12);
}

static bool type_is_string(uint32_t type)
{
	return type == HDR_STRING || type == HDR_STRING_ARRAY || type == HDR_I18NSTRING;
}

/* Bytes per element of a fixed-size type (1..5, 7); callers check the range. */
static uint32_t type_size(uint32_t type)
{
	switch (type) {
	case HDR_INT16: return 2;
	case HDR_INT32: return 4;
	case HDR_INT64: return 8;
	default: return 1;
	}
}

/* Alignment of a type's data; strings and BIN are byte-aligned. */
static uint32_t type_align(uint32_t type)
{
	return type_is_string(type) ? 1 : type_size(type);
}

/* The on-disk type rpm knows for the tags this reader uses, 0 for others
 * (rpm permits unknown tags for forward compatibility). */
static uint32_t tag_known_type(int32_t tag)
{
	switch (tag) {
	case HDR_TAG_NAME:
	case HDR_TAG_VERSION:
	case HDR_TAG_RELEASE:
	case HDR_TAG_VENDOR:
	case HDR_TAG_ARCH: return HDR_STRING;
	case HDR_TAG_EPOCH: return HDR_INT32;
	}
	return 0;
}

/* rpm hdrchkTagType: a known tag must have its type; string tags may use
 * any string type. */
static bool tag_type_ok(int32_t tag, uint32_t type)
{
	uint32_t want = tag_known_type(tag);

	if (!want || want == type)
		return true;
	return type_is_string(want) && type_is_string(type);
}

/* Checks the length, il and dl of the blob and fills h's layout. */
static enum fc_rc hdr_intro(const unsigned char *blob, size_t len, struct hdr *h, char *err)
{
	uint64_t total;

	if (len < 8) {
		snprintf(err, FC_ERRLEN, "header of %zu bytes is shorter than 8", len);
		return FC_EPARSE;
	}
	if (len > RPM_HEADER_MAX) {
		snprintf(err, FC_ERRLEN, "header of %zu bytes exceeds the %zu byte limit", len,
		         RPM_HEADER_MAX);
		return FC_ELIMIT;
	}
	h->il = be32(blob);
	h->dl = be32(blob + 4);
	if (h->il < 1 || h->il > HDR_IL_MAX) {
		snprintf(err, FC_ERRLEN, "header index count il %" PRIu32 " out of range 1..%u",
		         h->il, HDR_IL_MAX);
		return FC_EPARSE;
	}
	if (h->dl > HDR_DL_MAX) {
		snprintf(err, FC_ERRLEN, "header data length dl %" PRIu32 " exceeds %u", h->dl,
		         HDR_DL_MAX);
		return FC_EPARSE;
	}
	total = 8 + (uint64_t)HDR_ENTRY_SIZE * h->il + h->dl;
	if (total != len) {
		snprintf(err, FC_ERRLEN,
		         "header of %zu bytes does not match il %" PRIu32 " and dl %" PRIu32
		         " (%" PRIu64 " bytes)",
		         len, h->il, h->dl, total);
		return FC_EPARSE;
	}
	h->index = blob + 8;
	h->data = h->index + (size_t)HDR_ENTRY_SIZE * h->il;
	return FC_OK;
}

/* rpm hdrblobVerifyRegion, stricter: the trailer must lie inside the data
 * store and the region must hold at least entry 0. A header whose entry 0
 * is no region tag is a legacy header: no region, no type checks. */
static enum fc_rc hdr_region(struct hdr *h, char *err)
{
	struct hdr_entry e, t;
	int64_t ril;

	entry_decode(h->index, &e);
	h->region = 0;
	h->rdl = h->dl;
	h->typechk = false;
	if (e.tag != HDR_TAG_IMAGE && e.tag != HDR_TAG_SIGNATURES && e.tag != HDR_TAG_IMMUTABLE)
		return FC_OK;
	if (e.type != HDR_BIN || e.count != HDR_REGION_COUNT) {
		snprintf(err, FC_ERRLEN,
		         "region tag %" PRId32 " has type %" PRIu32 " count %" PRIu32, e.tag,
		         e.type, e.count);
		return FC_EPARSE;
	}
	if (e.offset < 0 || (int64_t)e.offset + HDR_ENTRY_SIZE > h->dl) {
		snprintf(err, FC_ERRLEN,
		         "region trailer offset %" PRId32 " outside the data store of %" PRIu32
		         " bytes",
		         e.offset, h->dl);
		return FC_EPARSE;
	}
	entry_decode(h->data + e.offset, &t);
	if (e.tag == HDR_TAG_SIGNATURES && t.tag == HDR_TAG_IMAGE)
		t.tag = HDR_TAG_SIGNATURES; /* old packages, as rpm fixes up */
	if (t.tag != e.tag || t.type != HDR_BIN || t.count != HDR_REGION_COUNT) {
		snprintf(err, FC_ERRLEN,
		         "region trailer has tag %" PRId32 " type %" PRIu32 " count %" PRIu32
		         " (region tag %" PRId32 ")",
		         t.tag, t.type, t.count, e.tag);
		return FC_EPARSE;
	}
	ril = -(int64_t)t.offset;
	if (ril < HDR_ENTRY_SIZE || ril % HDR_ENTRY_SIZE || ril / HDR_ENTRY_SIZE > h->il) {
		snprintf(err, FC_ERRLEN,
		         "region trailer offset %" PRId32 " does not give 1..%" PRIu32 " entries",
		         t.offset, h->il);
		return FC_EPARSE;
	}
	h->region = e.tag;
	h->rdl = (uint32_t)e.offset + HDR_ENTRY_SIZE;
	h->typechk = e.tag != HDR_TAG_SIGNATURES;
	return FC_OK;
}

/* rpm dataLength: the bytes entry i's data takes, found without reading
 * past the data store. Strings must be NUL-terminated inside it. */
static enum fc_rc hdr_data_length(const struct hdr *h, const struct hdr_entry *e, uint32_t i,
                                  uint64_t *len, char *err)
{
	const char *p = (const char *)h->data + e->offset;
	size_t avail = h->dl - (uint32_t)e->offset, n = 0, k;
	uint32_t s;

	if (!type_is_string(e->type)) {
		*len = (uint64_t)type_size(e->type) * e->count;
		if (*len <= avail)
			return FC_OK;
		snprintf(err, FC_ERRLEN,
		         "entry %" PRIu32 " (tag %" PRId32 "): %" PRIu64 " bytes at offset %" PRId32
		         " pass the data store end (%" PRIu32 " bytes)",
		         i, e->tag, *len, e->offset, h->dl);
		return FC_EPARSE;
	}
	if (e->type == HDR_STRING && e->count != 1) {
		snprintf(err, FC_ERRLEN,
		         "entry %" PRIu32 " (tag %" PRId32 "): STRING with count %" PRIu32, i,
		         e->tag, e->count);
		return FC_EPARSE;
	}
	for (s = 0; s < e->count; s++) {
		k = strnlen(p + n, avail - n);
		if (k == avail - n) {
			snprintf(err, FC_ERRLEN,
			         "entry %" PRIu32 " (tag %" PRId32 "): string %" PRIu32
			         " has no NUL before the data store end",
			         i, e->tag, s);
			return FC_EPARSE;
		}
		n += k + 1;
	}
	*len = n;
	return FC_OK;
}

/* rpm hdrblobVerifyInfo, first half: tag, type and count of entry i. */
static enum fc_rc hdr_check_kind(const struct hdr *h, uint32_t i, const struct hdr_entry *e,
                                 char *err)
{
	if (e->tag < HDR_TAG_MIN) {
		snprintf(err, FC_ERRLEN, "entry %" PRIu32 ": tag %" PRId32 " below %d", i, e->tag,
		         HDR_TAG_MIN);
		return FC_EPARSE;
	}
	if (e->type < HDR_CHAR || e->type > HDR_I18NSTRING) {
		snprintf(err, FC_ERRLEN,
		         "entry %" PRIu32 " (tag %" PRId32 "): type %" PRIu32 " out of range", i,
		         e->tag, e->type);
		return FC_EPARSE;
	}
	if (e->count < 1 || e->count > h->dl || (e->type != HDR_BIN && e->count > HDR_COUNT_MAX)) {
		snprintf(err, FC_ERRLEN,
		         "entry %" PRIu32 " (tag %" PRId32 "): count %" PRIu32 " out of range", i,
		         e->tag, e->count);
		return FC_EPARSE;
	}
	if (h->typechk && !tag_type_ok(e->tag, e->type)) {
		snprintf(err, FC_ERRLEN,
		         "entry %" PRIu32 ": tag %" PRId32 " has type %" PRIu32
		         ", expected %" PRIu32,
		         i, e->tag, e->type, tag_known_type(e->tag));
		return FC_EPARSE;
	}
	return FC_OK;
}

/* rpm hdrblobVerifyInfo, second half: where entry i's data starts. It must
 * lie in the data store, aligned, at or after end (the previous entry's
 * end: entries are sorted and do not overlap). */
static enum fc_rc hdr_check_offset(const struct hdr *h, uint32_t i, const struct hdr_entry *e,
                                   int64_t end, char *err)
{
	uint32_t align = type_align(e->type);

	if (e->offset < 0 || (uint32_t)e->offset > h->dl) {
		snprintf(err, FC_ERRLEN,
		         "entry %" PRIu32 " (tag %" PRId32 "): offset %" PRId32
		         " outside the data store of %" PRIu32 " bytes",
		         i, e->tag, e->offset, h->dl);
		return FC_EPARSE;
	}
	if (e->offset < end) {
		snprintf(err, FC_ERRLEN,
		         "entry %" PRIu32 " (tag %" PRId32 "): offset %" PRId32
		         " overlaps the previous entry, which ends at %" PRId64,
		         i, e->tag, e->offset, end);
		return FC_EPARSE;
	}
	if ((uint32_t)e->offset % align) {
		snprintf(err, FC_ERRLEN,
		         "entry %" PRIu32 " (tag %" PRId32 "): offset %" PRId32
		         " not aligned to %" PRIu32,
		         i, e->tag, e->offset, align);
		return FC_EPARSE;
	}
	return FC_OK;
}

/* Checks entry i; advances *end to the end of its data and adds its
 * aligned length to *sum (the hdrblobImport consistency sum). */
static enum fc_rc hdr_check_entry(const struct hdr *h, uint32_t i, int64_t *end, uint64_t *sum,
                                  char *err)
{
	struct hdr_entry e;
	uint64_t len;
	uint32_t align;
	enum fc_rc rc;

	entry_decode(h->index + (size_t)HDR_ENTRY_SIZE * i, &e);
	rc = hdr_check_kind(h, i, &e, err);
	if (!rc)
		rc = hdr_check_offset(h, i, &e, *end, err);
	if (!rc)
		rc = hdr_data_length(h, &e, i, &len, err);
	if (rc)
		return rc;
	if (h->region && e.offset + len > h->rdl - HDR_ENTRY_SIZE && (uint32_t)e.offset < h->rdl) {
		snprintf(err, FC_ERRLEN,
		         "entry %" PRIu32 " (tag %" PRId32 "): data overlaps the region "
		         "trailer at offset %" PRIu32,
		         i, e.tag, h->rdl - HDR_ENTRY_SIZE);
		return FC_EPARSE;
	}
	align = type_align(e.type);
	*end = e.offset + (int64_t)len;
	*sum = (*sum + align - 1) / align * align + len;
	return FC_OK;
}

/* Takes the value of entry i when it is one of the tags a package list
 * needs; a later entry (a dribble) replaces an earlier one, as in rpm. */
static enum fc_rc hdr_pick(const struct hdr *h, uint32_t i, struct rpm_header_info *out, char *err)
{
	struct hdr_entry e;
	const char **slot;

	entry_decode(h->index + (size_t)HDR_ENTRY_SIZE * i, &e);
	switch (e.tag) {
	case HDR_TAG_NAME: slot = &out->name; break;
	case HDR_TAG_VERSION: slot = &out->version; break;
	case HDR_TAG_RELEASE: slot = &out->release; break;
	case HDR_TAG_VENDOR: slot = &out->vendor; break;
	case HDR_TAG_ARCH: slot = &out->arch; break;
	case HDR_TAG_EPOCH:
		if (e.type != HDR_INT32) {
			snprintf(err, FC_ERRLEN, "EPOCH has type %" PRIu32 ", not INT32", e.type);
			return FC_EPARSE;
		}
		out->has_epoch = true;
		out->epoch = be32(h->data + e.offset);
		return FC_OK;
	default: return FC_OK;
	}
	if (!type_is_string(e.type)) {
		snprintf(err, FC_ERRLEN, "tag %" PRId32 " has type %" PRIu32 ", not a string",
		         e.tag, e.type);
		return FC_EPARSE;
	}
	*slot = (const char *)h->data + e.offset;
	return FC_OK;
}

enum fc_rc rpm_header_parse(const unsigned char *blob, size_t len, struct rpm_header_info *out,
                            char *err)
{
	struct hdr h;
	int64_t end = 0;
	uint64_t sum = 0;
	uint32_t i, first;
	enum fc_rc rc;

	memset(out, 0, sizeof(*out));
	rc = hdr_intro(blob, len, &h, err);
	if (!rc)
		rc = hdr_region(&h, err);
	if (rc)
		return rc;
	first = h.region ? 1 : 0;
	for (i = first; i < h.il && !rc; i++)
		rc = hdr_check_entry(&h, i, &end, &sum, err);
	if (rc)
		return rc;
	if (h.region && sum + HDR_ENTRY_SIZE != h.dl) {
		snprintf(err, FC_ERRLEN,
		         "entry data and trailer add up to %" PRIu64 " bytes, not dl %" PRIu32,
		         sum + HDR_ENTRY_SIZE, h.dl);
		return FC_EPARSE;
	}
	for (i = first; i < h.il && !rc; i++)
		rc = hdr_pick(&h, i, out, err);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

void rpm_header_sink_init(struct rpm_header_sink *sink, const char *path, fc_pkg_cb cb, void *ctx)
{
	sink->path = path;
	sink->cb = cb;
	sink->ctx = ctx;
	sink->seen = 0;
	sink->packages = 0;
}

/* Returns s, or a copy cut to PKG_MAX_FIELD bytes that *own takes. */
static const char *field_clip(const char *s, char **own)
{
	if (strnlen(s, PKG_MAX_FIELD + 1) <= PKG_MAX_FIELD)
		return s;
	*own = xstrndup(s, PKG_MAX_FIELD);
	return *own;
}

/* Writes "[EPOCH:]VERSION[-RELEASE]" to out (cap bytes); false when cut. */
static bool format_version(const struct rpm_header_info *h, char *out, size_t cap)
{
	char epoch[16] = "";
	int n;

	if (h->has_epoch)
		snprintf(epoch, sizeof(epoch), "%" PRIu32 ":", h->epoch);
	n = snprintf(out, cap, "%s%s%s%s", epoch, h->version ? h->version : "",
	             h->release ? "-" : "", h->release ? h->release : "");
	return n >= 0 && (size_t)n < cap;
}

static enum fc_rc emit_pkg(struct rpm_header_sink *sink, const struct rpm_header_info *h,
                           const char *where, char *err)
{
	char version[PKG_MAX_FIELD + 1];
	char *own[3] = {NULL, NULL, NULL};
	struct fc_pkg pkg = {0};
	enum fc_rc rc;

	if (!format_version(h, version, sizeof(version)))
		LOG_WARN("'%s': %s: version of '%.64s' cut to %d bytes", sink->path, where, h->name,
		         PKG_MAX_FIELD);
	pkg.name = field_clip(h->name, &own[0]);
	pkg.version = version;
	pkg.arch = h->arch ? field_clip(h->arch, &own[1]) : "";
	pkg.publisher = h->vendor ? field_clip(h->vendor, &own[2]) : "";
	pkg.from = "rpm";
	rc = sink->cb(&pkg, sink->ctx);
	if (rc)
		snprintf(err, FC_ERRLEN, "'%s': %s: package '%.64s' not taken: %s", sink->path,
		         where, pkg.name, fc_strerror(rc));
	else
		sink->packages++;
	free(own[0]);
	free(own[1]);
	free(own[2]);
	return rc;
}

enum fc_rc rpm_header_emit(struct rpm_header_sink *sink, const unsigned char *blob, size_t len,
                           const char *where, char *err)
{
	struct rpm_header_info h;
	char msg[FC_ERRLEN];
	enum fc_rc rc;

	if (++sink->seen > RPM_HEADER_MAX_SEEN) {
		snprintf(err, FC_ERRLEN, "'%s': more than %d headers", sink->path,
		         RPM_HEADER_MAX_SEEN);
		return FC_ELIMIT;
	}
	rc = rpm_header_parse(blob, len, &h, msg);
	if (rc) {
		snprintf(err, FC_ERRLEN, "'%s': %s: %.200s", sink->path, where, msg);
		return rc;
	}
	if (!h.name || !h.name[0]) {
		LOG_WARN("'%s': %s: header without a name; skipped", sink->path, where);
		return FC_OK;
	}
	if (!strcmp(h.name, "gpg-pubkey"))
		return FC_OK;
	if (sink->packages >= PKG_MAX_COUNT) {
		snprintf(err, FC_ERRLEN, "'%s': more than %d packages", sink->path, PKG_MAX_COUNT);
		return FC_ELIMIT;
	}
	return emit_pkg(sink, &h, where, err);
}
