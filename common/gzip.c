/* gzip.c - gzip compression and bounded decompression (zlib). */
#include "gzip.h"

#include <assert.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "log.h"

#define GZIP_LEVEL 6
#define GZIP_WBITS_GZIP (15 + 16) /* write a gzip wrapper */
#define GZIP_WBITS_AUTO (15 + 32) /* read gzip or zlib, from the header */
#define GZIP_CHUNK 16384

/* Hands zlib the next piece of in (at most UINT_MAX bytes) once it has used
 * the previous one; *pos counts the bytes handed over so far. */
static void gzip_feed(z_stream *zs, const unsigned char *in, size_t len, size_t *pos)
{
	size_t n = len - *pos;

	if (zs->avail_in > 0 || n == 0)
		return;
	if (n > UINT_MAX)
		n = UINT_MAX;
	zs->next_in = in + *pos;
	zs->avail_in = (uInt)n;
	*pos += n;
}

enum fc_rc gzip_compress(const void *in, size_t len, struct buf *out)
{
	unsigned char chunk[GZIP_CHUNK];
	z_stream zs;
	size_t pos = 0;
	int zrc, flush;
	enum fc_rc rc = FC_OK;

	assert(in || len == 0);
	buf_reset(out);
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, GZIP_LEVEL, Z_DEFLATED, GZIP_WBITS_GZIP, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		LOG_ERR("cannot start gzip compression: out of memory");
		buf_release(out);
		return FC_ENOMEM;
	}
	do {
		gzip_feed(&zs, in, len, &pos);
		flush = pos == len ? Z_FINISH : Z_NO_FLUSH;
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zrc = deflate(&zs, flush);
		assert(zrc != Z_STREAM_ERROR);
		rc = buf_add(out, chunk, sizeof(chunk) - zs.avail_out);
		if (rc) {
			LOG_ERR("compressed report is larger than %zu bytes", out->max);
			goto out_end;
		}
	} while (zrc != Z_STREAM_END);
out_end:
	deflateEnd(&zs);
	return rc;
}

/* After the end of one member, at offset off of the len bytes at in: true when
 * another gzip member follows (RFC 1952 allows several in one stream). */
static bool gzip_another_member(const unsigned char *in, size_t len, size_t off)
{
	return len - off >= 2 && in[off] == 0x1f && in[off + 1] == 0x8b;
}

/* Runs inflate once into chunk, asking for at most one byte more than max_out
 * allows, so that passing the limit is seen without producing more. Adds the
 * output to out. *zrc receives inflate's result. */
static enum fc_rc gzip_inflate_step(z_stream *zs, size_t max_out, struct buf *out, int *zrc,
                                    char *err)
{
	unsigned char chunk[GZIP_CHUNK];
	size_t room = max_out - out->len;
	size_t want = room < sizeof(chunk) ? room + 1 : sizeof(chunk);
	size_t got;

	zs->next_out = chunk;
	zs->avail_out = (uInt)want;
	*zrc = inflate(zs, Z_NO_FLUSH);
	got = want - zs->avail_out;
	if (got > room) {
		snprintf(err, FC_ERRLEN, "decompressed data is larger than %zu bytes", max_out);
		return FC_ELIMIT;
	}
	if (buf_add(out, chunk, got)) {
		snprintf(err, FC_ERRLEN, "decompressed data is larger than %zu bytes", out->max);
		return FC_ELIMIT;
	}
	return FC_OK;
}

/* Translates an inflate result other than Z_OK and Z_STREAM_END. */
static enum fc_rc gzip_inflate_error(const z_stream *zs, int zrc, char *err)
{
	if (zrc == Z_MEM_ERROR) {
		snprintf(err, FC_ERRLEN, "cannot decompress: out of memory");
		return FC_ENOMEM;
	}
	if (zrc == Z_BUF_ERROR) {
		snprintf(err, FC_ERRLEN, "compressed data is truncated");
		return FC_EPARSE;
	}
	if (zrc == Z_NEED_DICT) {
		snprintf(err, FC_ERRLEN, "compressed data needs a preset dictionary");
		return FC_EPARSE;
	}
	snprintf(err, FC_ERRLEN, "compressed data is corrupt: %s",
	         zs->msg ? zs->msg : "unknown zlib error");
	return FC_EPARSE;
}

enum fc_rc gzip_decompress(const void *in, size_t len, size_t max_out, struct buf *out, char *err)
{
	z_stream zs;
	size_t pos = 0, off;
	int zrc = Z_OK;
	enum fc_rc rc = FC_OK;

	assert((in || len == 0) && err);
	buf_reset(out);
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, GZIP_WBITS_AUTO) != Z_OK) {
		snprintf(err, FC_ERRLEN, "cannot start decompression: out of memory");
		buf_release(out);
		return FC_ENOMEM;
	}
	for (;;) {
		gzip_feed(&zs, in, len, &pos);
		rc = gzip_inflate_step(&zs, max_out, out, &zrc, err);
		if (rc)
			break;
		if (zrc == Z_OK)
			continue;
		if (zrc != Z_STREAM_END) {
			rc = gzip_inflate_error(&zs, zrc, err);
			break;
		}
		off = pos - zs.avail_in;
		if (off == len)
			break;
		if (!gzip_another_member(in, len, off)) {
			snprintf(err, FC_ERRLEN, "%zu bytes of trailing data after the stream",
			         len - off);
			rc = FC_EPARSE;
			break;
		}
		inflateReset(&zs);
	}
	inflateEnd(&zs);
	if (rc)
		buf_release(out);
	return rc;
}
