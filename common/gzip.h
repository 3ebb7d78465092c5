/* gzip.h - gzip compression and bounded decompression (zlib).
 *
 * The agent compresses its report before sending or spooling it; the
 * collector decompresses request bodies, which come from the network, so
 * decompression is bounded by a caller-given output limit and never holds
 * more than that many bytes of output. */
#ifndef FC_COMMON_GZIP_H
#define FC_COMMON_GZIP_H

#include <stddef.h>

#include "buf.h"
#include "fc_rc.h"

/* Compresses the len bytes at in into one gzip member (level 6) and stores it
 * in out, which the caller initialised; its old contents are replaced. The
 * result is bounded by out->max. Returns FC_OK, FC_ELIMIT (the result would
 * pass out->max) or FC_ENOMEM (zlib could not allocate); failures are logged
 * and leave out empty. */
enum fc_rc gzip_compress(const void *in, size_t len, struct buf *out);

/* Decompresses the len bytes at in, a gzip stream (one or more members) or a
 * zlib stream (HTTP "deflate"), detected from its header, into out, which the
 * caller initialised; its old contents are replaced. Output is produced in
 * small steps and never passes max_out bytes: a stream that would expand
 * further stops there with FC_ELIMIT. Returns FC_OK, FC_ELIMIT (also when
 * out->max is smaller than the output), FC_EPARSE (not gzip or zlib, corrupt,
 * bad checksum, truncated, or trailing garbage) or FC_ENOMEM. On failure out
 * is empty and err (FC_ERRLEN bytes) says why; nothing is logged. */
enum fc_rc gzip_decompress(const void *in, size_t len, size_t max_out, struct buf *out, char *err);

#endif
