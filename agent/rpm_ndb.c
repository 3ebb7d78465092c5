/* rpm_ndb.c - read rpm's ndb "Packages.db" (SUSE, rpm >= 4.15) without librpm.
 *
 * Layout (reference/rpmdb-formats.md section 4, rpm lib/backend/ndb/
 * rpmpkg.c), all little-endian: slotnpages pages of 4096 bytes hold the
 * 32-byte file header and then 16-byte slots (magic, package index, blob
 * offset and size in 16-byte blocks). Each used slot points at a blob:
 * 16-byte head, the header blob, zero padding and a 12-byte tail with an
 * Adler-32 of everything before it. Slot pages are read one at a time and
 * blobs one at a time. */
#include "rpmdb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "log.h"
#include "xalloc.h"

#define NDB_MAGIC 0x506D7052u /* "RpmP" */
#define NDB_SLOT_MAGIC 0x746F6C53u /* "Slot" */
#define NDB_BLOB_HEAD_MAGIC 0x53626C42u /* "BlbS" */
#define NDB_BLOB_TAIL_MAGIC 0x45626C42u /* "BlbE" */
#define NDB_PAGE 4096
#define NDB_SLOT 16
#define NDB_BLOCK 16
#define NDB_SLOTS_PER_PAGE (NDB_PAGE / NDB_SLOT)
#define NDB_HEADER_SLOTS 2 /* the file header takes the first two slots */
#define NDB_MAX_SLOT_PAGES 2048
#define NDB_BLOB_HEAD 16
#define NDB_BLOB_TAIL 12
#define NDB_LOCK_TRIES 50 /* wait at most 5 s for a writer */
#define NDB_LOCK_WAIT_NS 100000000L

struct ndb {
	int fd;
	uint64_t blocks; /* file size in 16-byte blocks */
	uint32_t slotnpages; /* pages of slots, header included */
	unsigned char page[NDB_PAGE];
	unsigned char *blob; /* one blob, head to tail */
	size_t blob_cap;
	struct rpm_header_sink *sink;
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Takes a shared lock as rpm's readers do, so that a running rpm finishes
 * its write first. Returns true when locked; after a few seconds reads on
 * without the lock (the blob checksums still catch torn writes). */
static bool ndb_lock(int fd, const char *path)
{
	struct timespec wait = {0, NDB_LOCK_WAIT_NS};
	int i, e = 0;

	for (i = 0; i < NDB_LOCK_TRIES; i++) {
		if (flock(fd, LOCK_SH | LOCK_NB) == 0)
			return true;
		e = errno;
		if (e != EWOULDBLOCK && e != EINTR)
			break;
		nanosleep(&wait, NULL);
	}
	LOG_WARN("'%s': cannot take a shared lock: %s; reading without it", path, strerror(e));
	return false;
}

static enum fc_rc ndb_read(const struct ndb *n, void *buf, size_t len, uint64_t off,
                           const char *what, char *err)
{
	enum fc_rc rc = rpmdb_pread(n->fd, buf, len, off);

	if (rc == FC_EIO)
		snprintf(err, FC_ERRLEN, "'%s': %s: cannot read: %s", n->sink->path, what,
		         strerror(errno));
	else if (rc)
		snprintf(err, FC_ERRLEN, "'%s': %s: file truncated", n->sink->path, what);
	return rc;
}

/* Reads slot page 0 and checks the file header and size. */
static enum fc_rc ndb_head(struct ndb *n, char *err)
{
	struct stat st;
	const char *path = n->sink->path;
	enum fc_rc rc;

	if (fstat(n->fd, &st) != 0) {
		snprintf(err, FC_ERRLEN, "'%s': cannot stat: %s", path, strerror(errno));
		return FC_EIO;
	}
	if (st.st_size < NDB_PAGE || st.st_size % NDB_BLOCK) {
		snprintf(err, FC_ERRLEN, "'%s': size %lld is not a multiple of %d of at least %d",
		         path, (long long)st.st_size, NDB_BLOCK, NDB_PAGE);
		return FC_EPARSE;
	}
	n->blocks = (uint64_t)st.st_size / NDB_BLOCK;
	rc = ndb_read(n, n->page, NDB_PAGE, 0, "slot page 0", err);
	if (rc)
		return rc;
	if (le32(n->page) != NDB_MAGIC || le32(n->page + 4) != 0) {
		snprintf(err, FC_ERRLEN, "'%s': not an ndb version 0 file", path);
		return FC_EPARSE;
	}
	n->slotnpages = le32(n->page + 12);
	if (n->slotnpages < 1 || n->slotnpages > NDB_MAX_SLOT_PAGES ||
	    (uint64_t)n->slotnpages * NDB_PAGE > (uint64_t)st.st_size) {
		snprintf(err, FC_ERRLEN, "'%s': slot page count %" PRIu32 " out of range", path,
		         n->slotnpages);
		return FC_EPARSE;
	}
	return FC_OK;
}

/* Checks the blob of size bytes in n->blob: head, block count, tail and
 * checksum. Sets *bloblen to the header blob's length. */
static enum fc_rc ndb_check_blob(const struct ndb *n, uint32_t pkgidx, size_t size,
                                 uint32_t *bloblen, const char *where, char *err)
{
	const unsigned char *b = n->blob, *tail;
	uint32_t stored;
	unsigned long sum;

	*bloblen = le32(b + 12);
	if (le32(b) != NDB_BLOB_HEAD_MAGIC || le32(b + 4) != pkgidx) {
		snprintf(err, FC_ERRLEN, "'%s': %s: bad blob head (magic or package index)",
		         n->sink->path, where);
		return FC_EPARSE;
	}
	if (((uint64_t)NDB_BLOB_HEAD + *bloblen + NDB_BLOB_TAIL + NDB_BLOCK - 1) / NDB_BLOCK !=
	    size / NDB_BLOCK) {
		snprintf(err, FC_ERRLEN,
		         "'%s': %s: blob length %" PRIu32 " does not fill %zu blocks",
		         n->sink->path, where, *bloblen, size / NDB_BLOCK);
		return FC_EPARSE;
	}
	tail = b + size - NDB_BLOB_TAIL;
	if (le32(tail + 8) != NDB_BLOB_TAIL_MAGIC || le32(tail + 4) != *bloblen) {
		snprintf(err, FC_ERRLEN, "'%s': %s: bad blob tail", n->sink->path, where);
		return FC_EPARSE;
	}
	stored = le32(tail);
	sum = adler32(adler32(0L, Z_NULL, 0), b, (uInt)(size - NDB_BLOB_TAIL));
	if (sum != stored) {
		snprintf(err, FC_ERRLEN,
		         "'%s': %s: blob checksum mismatch (stored %08" PRIx32 ", computed %08lx)",
		         n->sink->path, where, stored, sum);
		return FC_EPARSE;
	}
	return FC_OK;
}

/* Reads, checks and reports the blob of blkcnt blocks at block blkoff. */
static enum fc_rc ndb_blob(struct ndb *n, uint32_t pkgidx, uint32_t blkoff, uint32_t blkcnt,
                           char *err)
{
	size_t size = (size_t)blkcnt * NDB_BLOCK;
	uint32_t bloblen;
	char where[64];
	enum fc_rc rc;

	snprintf(where, sizeof(where), "package %" PRIu32 " (block %" PRIu32 ")", pkgidx, blkoff);
	if (size > RPM_HEADER_MAX + NDB_BLOB_HEAD + NDB_BLOB_TAIL + NDB_BLOCK) {
		snprintf(err, FC_ERRLEN, "'%s': %s: blob of %zu bytes exceeds the %zu byte limit",
		         n->sink->path, where, size, RPM_HEADER_MAX);
		return FC_ELIMIT;
	}
	if (size > n->blob_cap) {
		n->blob = xrealloc(n->blob, size);
		n->blob_cap = size;
	}
	rc = ndb_read(n, n->blob, size, (uint64_t)blkoff * NDB_BLOCK, where, err);
	if (!rc)
		rc = ndb_check_blob(n, pkgidx, size, &bloblen, where, err);
	if (!rc)
		rc = rpm_header_emit(n->sink, n->blob + NDB_BLOB_HEAD, bloblen, where, err);
	return rc;
}

/* Checks slot number slot (16 bytes at s) and reads its blob when used. A
 * slot with blob offset 0 is free, as in rpm. */
static enum fc_rc ndb_slot(struct ndb *n, uint32_t slot, const unsigned char *s, char *err)
{
	uint32_t pkgidx = le32(s + 4), blkoff = le32(s + 8), blkcnt = le32(s + 12);
	uint64_t first = (uint64_t)n->slotnpages * NDB_SLOTS_PER_PAGE;

	if (le32(s) != NDB_SLOT_MAGIC) {
		snprintf(err, FC_ERRLEN, "'%s': slot %" PRIu32 ": bad slot magic", n->sink->path,
		         slot);
		return FC_EPARSE;
	}
	if (blkoff == 0)
		return FC_OK;
	if (pkgidx == 0 || blkcnt == 0) {
		snprintf(err, FC_ERRLEN,
		         "'%s': slot %" PRIu32 ": used slot with package %" PRIu32 " and %" PRIu32
		         " blocks",
		         n->sink->path, slot, pkgidx, blkcnt);
		return FC_EPARSE;
	}
	if (blkoff < first || (uint64_t)blkoff + blkcnt > n->blocks) {
		snprintf(err, FC_ERRLEN,
		         "'%s': slot %" PRIu32 ": blob at block %" PRIu32 " (%" PRIu32
		         " blocks) outside the blob area (blocks %" PRIu64 "..%" PRIu64 ")",
		         n->sink->path, slot, blkoff, blkcnt, first, n->blocks);
		return FC_EPARSE;
	}
	return ndb_blob(n, pkgidx, blkoff, blkcnt, err);
}

enum fc_rc rpm_ndb_read(int fd, struct rpm_header_sink *sink, char *err)
{
	struct ndb *n = xcalloc(1, sizeof(*n));
	char what[32];
	uint32_t p, s;
	bool locked;
	enum fc_rc rc;

	n->fd = fd;
	n->sink = sink;
	locked = ndb_lock(fd, sink->path);
	rc = ndb_head(n, err);
	for (p = 0; p < n->slotnpages && !rc; p++) {
		snprintf(what, sizeof(what), "slot page %" PRIu32, p);
		if (p > 0)
			rc = ndb_read(n, n->page, NDB_PAGE, (uint64_t)p * NDB_PAGE, what, err);
		for (s = p ? 0 : NDB_HEADER_SLOTS; s < NDB_SLOTS_PER_PAGE && !rc; s++)
			rc = ndb_slot(n, p * NDB_SLOTS_PER_PAGE + s, n->page + s * NDB_SLOT, err);
	}
	if (locked)
		(void)flock(fd, LOCK_UN); /* closing fd would release it too */
	free(n->blob);
	free(n);
	return rc;
}
