/* rpm_bdb.c - read rpm's Berkeley DB hash "Packages" file without libdb.
 *
 * Layout (reference/rpmdb-formats.md section 2, Berkeley DB db_page.h):
 * page 0 is the hash metadata page; hash pages (types 2 and 13) hold
 * key/value item pairs, the key a 4-byte record number in the file's byte
 * order and the value a header blob, inline or in a chain of overflow
 * pages (type 7). Pages are scanned in file order, so each record is seen
 * exactly once and the walk itself cannot loop; overflow chains are bounded
 * by their declared length and by the page count. */
#include "rpmdb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

#define BDB_META_SIZE 512 /* the metadata fields used lie in the first 512 bytes */
#define BDB_PAGE_HDR 26 /* page header; the item index follows */
#define BDB_MAGIC_HASH 0x00061561u
#define BDB_MAGIC_BTREE 0x00053162u
#define BDB_VERSION_MIN 8 /* hash versions rpm's bdb_ro reads */
#define BDB_VERSION_MAX 10
#define BDB_PAGESIZE_MIN 512
#define BDB_PAGESIZE_MAX 65536
#define BDB_MAX_PAGES (1u << 24) /* 64 GiB at 4 KiB pages: far beyond any rpmdb */
#define BDB_METAFLAG_CHKSUM 0x01

enum bdb_page_type {
	BDB_P_INVALID = 0,
	BDB_P_HASH_UNSORTED = 2,
	BDB_P_OVERFLOW = 7,
	BDB_P_HASHMETA = 8,
	BDB_P_HASH = 13,
};

enum bdb_item_type {
	BDB_H_KEYDATA = 1,
	BDB_H_OFFPAGE = 3,
};

#define BDB_OFFPAGE_SIZE 12 /* type, 3 unused bytes, first page, total length */

struct bdb {
	int fd;
	bool big; /* written on a big-endian host */
	uint32_t pagesize;
	uint32_t last_pgno;
	unsigned char *page; /* the hash page being walked */
	unsigned char *ovfl; /* one overflow page */
	unsigned char *blob; /* an off-page header being assembled */
	size_t blob_cap;
	struct rpm_header_sink *sink;
};

static uint32_t bdb_u32(const struct bdb *b, const unsigned char *p)
{
	if (b->big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t bdb_u16(const struct bdb *b, const unsigned char *p)
{
	return b->big ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
}

/* Reads n bytes of page pgno, from its start, into buf. */
static enum fc_rc bdb_read(const struct bdb *b, uint32_t pgno, unsigned char *buf, size_t n,
                           char *err)
{
	enum fc_rc rc = rpmdb_pread(b->fd, buf, n, (uint64_t)pgno * b->pagesize);

	if (rc == FC_EIO)
		snprintf(err, FC_ERRLEN, "'%s': page %" PRIu32 ": cannot read: %s", b->sink->path,
		         pgno, strerror(errno));
	else if (rc)
		snprintf(err, FC_ERRLEN, "'%s': page %" PRIu32 ": file truncated", b->sink->path,
		         pgno);
	return rc;
}

/* Tells the byte order from the magic at offset 12 of the metadata page. */
static enum fc_rc bdb_byte_order(struct bdb *b, const unsigned char *meta, char *err)
{
	bool btree;

	b->big = false;
	if (bdb_u32(b, meta + 12) == BDB_MAGIC_HASH)
		return FC_OK;
	btree = bdb_u32(b, meta + 12) == BDB_MAGIC_BTREE;
	b->big = true;
	if (bdb_u32(b, meta + 12) == BDB_MAGIC_HASH)
		return FC_OK;
	btree = btree || bdb_u32(b, meta + 12) == BDB_MAGIC_BTREE;
	snprintf(err, FC_ERRLEN, "'%s': %s", b->sink->path,
	         btree ? "a Berkeley DB btree, not a hash database"
	               : "no Berkeley DB hash magic at offset 12");
	return FC_EPARSE;
}

/* Checks the metadata fields that say how to read the rest. */
static enum fc_rc bdb_meta_fields(struct bdb *b, const unsigned char *meta, char *err)
{
	uint32_t version = bdb_u32(b, meta + 16);
	const char *path = b->sink->path;

	b->pagesize = bdb_u32(b, meta + 20);
	b->last_pgno = bdb_u32(b, meta + 32);
	if (version < BDB_VERSION_MIN || version > BDB_VERSION_MAX) {
		snprintf(err, FC_ERRLEN, "'%s': unsupported hash version %" PRIu32, path, version);
		return FC_EPARSE;
	}
	if (b->pagesize < BDB_PAGESIZE_MIN || b->pagesize > BDB_PAGESIZE_MAX ||
	    (b->pagesize & (b->pagesize - 1))) {
		snprintf(err, FC_ERRLEN, "'%s': bad page size %" PRIu32, path, b->pagesize);
		return FC_EPARSE;
	}
	if (bdb_u32(b, meta + 8) != 0 || meta[25] != BDB_P_HASHMETA) {
		snprintf(err, FC_ERRLEN, "'%s': page 0 is not a hash metadata page", path);
		return FC_EPARSE;
	}
	if (meta[24] != 0 || (meta[26] & BDB_METAFLAG_CHKSUM)) {
		snprintf(err, FC_ERRLEN,
		         "'%s': encrypted or checksummed databases are not supported", path);
		return FC_EPARSE;
	}
	if (b->last_pgno >= BDB_MAX_PAGES) {
		snprintf(err, FC_ERRLEN,
		         "'%s': last page %" PRIu32 " exceeds the limit of %u pages", path,
		         b->last_pgno, BDB_MAX_PAGES);
		return FC_ELIMIT;
	}
	return FC_OK;
}

/* Reads and checks the metadata page; every page up to last_pgno must lie
 * inside the file. */
static enum fc_rc bdb_meta(struct bdb *b, char *err)
{
	unsigned char meta[BDB_META_SIZE];
	struct stat st;
	uint64_t need;
	enum fc_rc rc;

	if (fstat(b->fd, &st) != 0) {
		snprintf(err, FC_ERRLEN, "'%s': cannot stat: %s", b->sink->path, strerror(errno));
		return FC_EIO;
	}
	if (st.st_size < BDB_META_SIZE) {
		snprintf(err, FC_ERRLEN, "'%s': %lld bytes is too short for a Berkeley DB file",
		         b->sink->path, (long long)st.st_size);
		return FC_EPARSE;
	}
	b->pagesize = BDB_META_SIZE;
	rc = bdb_read(b, 0, meta, sizeof(meta), err);
	if (!rc)
		rc = bdb_byte_order(b, meta, err);
	if (!rc)
		rc = bdb_meta_fields(b, meta, err);
	if (rc)
		return rc;
	need = ((uint64_t)b->last_pgno + 1) * b->pagesize;
	if (need > (uint64_t)st.st_size) {
		snprintf(err, FC_ERRLEN,
		         "'%s': file truncated: last page %" PRIu32 " ends at byte %" PRIu64
		         ", the file has %lld",
		         b->sink->path, b->last_pgno, need, (long long)st.st_size);
		return FC_EPARSE;
	}
	return FC_OK;
}

/* Checks a hash page's header and item index: an even number of items,
 * each offset inside the page, after the index and below the previous one
 * (items are packed from the page end down). */
static enum fc_rc bdb_check_hash_page(const struct bdb *b, uint32_t pgno, char *err)
{
	const unsigned char *pg = b->page;
	uint32_t n = bdb_u16(b, pg + 20), lo = BDB_PAGE_HDR + 2 * n, prev = b->pagesize;
	uint32_t i, off;
	const char *path = b->sink->path;

	if (bdb_u32(b, pg + 8) != pgno) {
		snprintf(err, FC_ERRLEN, "'%s': page %" PRIu32 ": page number field says %" PRIu32,
		         path, pgno, bdb_u32(b, pg + 8));
		return FC_EPARSE;
	}
	if (n % 2 || lo > b->pagesize) {
		snprintf(err, FC_ERRLEN, "'%s': page %" PRIu32 ": bad item count %" PRIu32, path,
		         pgno, n);
		return FC_EPARSE;
	}
	for (i = 0; i < n; i++) {
		off = bdb_u16(b, pg + BDB_PAGE_HDR + 2 * i);
		if (off >= prev || off < lo) {
			snprintf(err, FC_ERRLEN,
			         "'%s': page %" PRIu32 ": item %" PRIu32 " offset %" PRIu32 " %s",
			         path, pgno, i, off,
			         off >= b->pagesize ? "past page end"
			         : off < lo         ? "inside the page index"
			                            : "overlaps the previous item");
			return FC_EPARSE;
		}
		prev = off;
	}
	return FC_OK;
}

/* Item i of the checked hash page: its bytes and length (at least 1). */
static const unsigned char *bdb_item(const struct bdb *b, uint32_t i, size_t *len)
{
	uint32_t off = bdb_u16(b, b->page + BDB_PAGE_HDR + 2 * i);
	uint32_t end = i ? bdb_u16(b, b->page + BDB_PAGE_HDR + 2 * (i - 1)) : b->pagesize;

	*len = end - off;
	return b->page + off;
}

/* Checks overflow page pgno, just read into b->ovfl, and returns how many
 * data bytes it holds in *n. */
static enum fc_rc bdb_check_ovfl_page(const struct bdb *b, uint32_t pgno, uint32_t *n,
                                      const char *where, char *err)
{
	const unsigned char *pg = b->ovfl;

	*n = bdb_u16(b, pg + 22);
	if (bdb_u32(b, pg + 8) != pgno) {
		snprintf(err, FC_ERRLEN,
		         "'%s': %s: page %" PRIu32 ": page number field says %" PRIu32,
		         b->sink->path, where, pgno, bdb_u32(b, pg + 8));
		return FC_EPARSE;
	}
	if (pg[25] != BDB_P_OVERFLOW) {
		snprintf(err, FC_ERRLEN,
		         "'%s': %s: overflow chain reaches page %" PRIu32 " of type %u",
		         b->sink->path, where, pgno, pg[25]);
		return FC_EPARSE;
	}
	if (*n == 0 || *n > b->pagesize - BDB_PAGE_HDR) {
		snprintf(err, FC_ERRLEN,
		         "'%s': %s: overflow page %" PRIu32 " holds %" PRIu32 " bytes",
		         b->sink->path, where, pgno, *n);
		return FC_EPARSE;
	}
	return FC_OK;
}

/* Copies the overflow chain starting at page first, which must hold exactly
 * total bytes, into b->blob. */
static enum fc_rc bdb_overflow(struct bdb *b, uint32_t first, uint32_t total, const char *where,
                               char *err)
{
	uint32_t pgno = first, got = 0, hops = 0, n;
	enum fc_rc rc = FC_OK;

	if (total > b->blob_cap) {
		b->blob = xrealloc(b->blob, total);
		b->blob_cap = total;
	}
	while (pgno && !rc) {
		if (pgno > b->last_pgno) {
			snprintf(err, FC_ERRLEN,
			         "'%s': %s: overflow page %" PRIu32 " past the last page %" PRIu32,
			         b->sink->path, where, pgno, b->last_pgno);
			return FC_EPARSE;
		}
		if (++hops > b->last_pgno) {
			snprintf(err, FC_ERRLEN,
			         "'%s': %s: overflow chain from page %" PRIu32
			         " visits more pages than the file has",
			         b->sink->path, where, first);
			return FC_EPARSE;
		}
		rc = bdb_read(b, pgno, b->ovfl, b->pagesize, err);
		if (!rc)
			rc = bdb_check_ovfl_page(b, pgno, &n, where, err);
		if (!rc && n > total - got) {
			snprintf(err, FC_ERRLEN,
			         "'%s': %s: overflow chain from page %" PRIu32
			         " holds more than the declared %" PRIu32 " bytes",
			         b->sink->path, where, first, total);
			rc = FC_EPARSE;
		}
		if (rc)
			return rc;
		memcpy(b->blob + got, b->ovfl + BDB_PAGE_HDR, n);
		got += n;
		if (bdb_u32(b, b->ovfl + 16) == pgno || bdb_u32(b, b->ovfl + 16) == first) {
			snprintf(err, FC_ERRLEN,
			         "'%s': %s: overflow chain loops from page %" PRIu32
			         " back to page %" PRIu32,
			         b->sink->path, where, pgno, bdb_u32(b, b->ovfl + 16));
			return FC_EPARSE;
		}
		pgno = bdb_u32(b, b->ovfl + 16);
	}
	if (got != total) {
		snprintf(err, FC_ERRLEN,
		         "'%s': %s: overflow chain from page %" PRIu32 " ends after %" PRIu32
		         " of %" PRIu32 " bytes",
		         b->sink->path, where, first, got, total);
		return FC_EPARSE;
	}
	return FC_OK;
}

/* Sends the value of an off-page item (12 bytes at v) to the sink. */
static enum fc_rc bdb_offpage(struct bdb *b, const unsigned char *v, size_t vlen, const char *where,
                              char *err)
{
	uint32_t first = vlen >= BDB_OFFPAGE_SIZE ? bdb_u32(b, v + 4) : 0;
	uint32_t total = vlen >= BDB_OFFPAGE_SIZE ? bdb_u32(b, v + 8) : 0;
	enum fc_rc rc;

	if (vlen != BDB_OFFPAGE_SIZE || first == 0) {
		snprintf(err, FC_ERRLEN,
		         "'%s': %s: bad off-page item (%zu bytes, page %" PRIu32 ")", b->sink->path,
		         where, vlen, first);
		return FC_EPARSE;
	}
	if (total > RPM_HEADER_MAX) {
		snprintf(err, FC_ERRLEN,
		         "'%s': %s: header of %" PRIu32 " bytes exceeds the %zu byte limit",
		         b->sink->path, where, total, RPM_HEADER_MAX);
		return FC_ELIMIT;
	}
	rc = bdb_overflow(b, first, total, where, err);
	if (!rc)
		rc = rpm_header_emit(b->sink, b->blob, total, where, err);
	return rc;
}

/* Reads the key/value pair at items k and k+1 of the checked hash page
 * pgno. Key 0 holds the last record number rpm allocated, not a header. */
static enum fc_rc bdb_pair(struct bdb *b, uint32_t pgno, uint32_t k, char *err)
{
	const unsigned char *key, *val;
	size_t klen, vlen;
	uint32_t rec;
	char where[64];

	key = bdb_item(b, k, &klen);
	val = bdb_item(b, k + 1, &vlen);
	if (key[0] != BDB_H_KEYDATA || klen != 5) {
		snprintf(err, FC_ERRLEN,
		         "'%s': page %" PRIu32 ": item %" PRIu32
		         " is no 4-byte record number (type %u, %zu bytes)",
		         b->sink->path, pgno, k, key[0], klen);
		return FC_EPARSE;
	}
	rec = bdb_u32(b, key + 1);
	if (rec == 0)
		return FC_OK;
	snprintf(where, sizeof(where), "record %" PRIu32 " (page %" PRIu32 ")", rec, pgno);
	if (val[0] == BDB_H_KEYDATA)
		return rpm_header_emit(b->sink, val + 1, vlen - 1, where, err);
	if (val[0] == BDB_H_OFFPAGE)
		return bdb_offpage(b, val, vlen, where, err);
	snprintf(err, FC_ERRLEN, "'%s': %s: unsupported item type %u", b->sink->path, where,
	         val[0]);
	return FC_EPARSE;
}

/* Reads page pgno's header and, for a hash page, all its pairs. Overflow
 * and free pages are passed over: chains are read from their items. */
static enum fc_rc bdb_page(struct bdb *b, uint32_t pgno, char *err)
{
	uint32_t k, n;
	enum fc_rc rc;

	rc = bdb_read(b, pgno, b->page, BDB_PAGE_HDR, err);
	if (rc)
		return rc;
	switch (b->page[25]) {
	case BDB_P_INVALID:
	case BDB_P_OVERFLOW: return FC_OK;
	case BDB_P_HASH_UNSORTED:
	case BDB_P_HASH: break;
	default:
		snprintf(err, FC_ERRLEN, "'%s': page %" PRIu32 ": unexpected page type %u",
		         b->sink->path, pgno, b->page[25]);
		return FC_EPARSE;
	}
	rc = bdb_read(b, pgno, b->page, b->pagesize, err);
	if (!rc)
		rc = bdb_check_hash_page(b, pgno, err);
	n = bdb_u16(b, b->page + 20);
	for (k = 0; k + 1 < n && !rc; k += 2)
		rc = bdb_pair(b, pgno, k, err);
	return rc;
}

enum fc_rc rpm_bdb_read(int fd, struct rpm_header_sink *sink, char *err)
{
	struct bdb b;
	uint32_t pgno;
	enum fc_rc rc;

	memset(&b, 0, sizeof(b));
	b.fd = fd;
	b.sink = sink;
	rc = bdb_meta(&b, err);
	if (rc)
		return rc;
	b.page = xmalloc(b.pagesize);
	b.ovfl = xmalloc(b.pagesize);
	for (pgno = 1; pgno <= b.last_pgno && !rc; pgno++)
		rc = bdb_page(&b, pgno, err);
	free(b.page);
	free(b.ovfl);
	free(b.blob);
	return rc;
}
