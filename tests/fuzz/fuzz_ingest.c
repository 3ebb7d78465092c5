/* fuzz_ingest.c - ingest_decode (collector/ingest.h) as the collector runs
 * it on a POST body: bounded decompression, JSON, validation.
 *
 * Input: byte 0 chooses the Content-Encoding (bits 0-2, table below) and,
 * with bit 7 set, has this harness compress the body first with that
 * encoding (gzip or zlib), so that mutations of the JSON also reach the
 * JSON layer through a compressed body; without it the body is decoded as
 * given (raw gzip or zlib streams, corrupt ones included). Byte 1, when odd,
 * selects small limits so that every limit check can be reached with small
 * inputs. The rest is the body. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "fuzz.h"
#include "gzip.h"
#include "ingest.h"
#include "xalloc.h"

static const char *const encodings[8] = {NULL,      "",       "identity", "gzip",
                                         "deflate", "x-gzip", "GZIP",     "br"};

/* Compresses in (len bytes) as encoding number enc into out (empty, with
 * room); returns 0 when enc names no compression. */
static int compress_as(unsigned enc, const uint8_t *in, size_t len, struct buf *out)
{
	unsigned char *z;
	uLongf n;
	int ok;

	if (enc == 3 || enc == 5 || enc == 6)
		return gzip_compress(in, len, out) == FC_OK;
	if (enc != 4)
		return 0;
	n = compressBound((uLong)len);
	z = xmalloc((size_t)n);
	ok = compress2(z, &n, in, (uLong)len, 6) == Z_OK && buf_add(out, z, (size_t)n) == FC_OK;
	free(z);
	return ok;
}

static void limits_small(struct ingest_limits *lim, uint8_t sel)
{
	lim->max_body = 256 + (size_t)(sel >> 1) * 64;
	lim->max_decompressed = 1024 + (size_t)(sel >> 4) * 512;
	lim->max_ratio = 1 + (sel >> 5);
	lim->max_depth = 1 + (sel >> 3) % 8;
	lim->max_string = 8 + (size_t)(sel >> 2) % 32;
	lim->max_software = (sel >> 4) % 4;
}

static void check_report(const struct ingest_report *r, size_t body_len)
{
	size_t i;

	FUZZ_CHECK(r->deviceid && r->hostname && r->os_json);
	FUZZ_CHECK(strlen(r->report_id) == 36);
	FUZZ_CHECK(strlen(r->collected_at) == 20);
	FUZZ_CHECK(r->hw_uuid[0] == '\0' || strlen(r->hw_uuid) == 36);
	FUZZ_CHECK(r->body_bytes == body_len);
	FUZZ_CHECK(r->software_ok || r->n_sw == 0);
	for (i = 0; i < r->n_sw; i++)
		FUZZ_CHECK(r->sw[i].name && r->sw[i].version && r->sw[i].arch &&
		           r->sw[i].publisher && r->sw[i].from);
}

/* The stored facts of both decodes are the same; an inventory of another
 * agent (peer_glpi.c adds a "peer" object) is given a random report_id and
 * the time of receipt as collected_at by each decode, so those two values
 * are left out of the comparison. */
static bool same_facts(const char *a, const char *b)
{
	static const struct {
		const char *key;
		size_t len;
	} made[] = {{"\"report_id\":\"", 36}, {"\"collected_at\":\"", 20}};
	char *x, *y, *p;
	bool same;
	size_t i, k;

	if (!strstr(a, "\"peer\":{") || !strstr(b, "\"peer\":{"))
		return !strcmp(a, b);
	x = xstrdup(a);
	y = xstrdup(b);
	for (i = 0; i < 2; i++) {
		char *s[2] = {x, y};

		for (k = 0; k < 2; k++) {
			p = strstr(s[k], made[i].key);
			if (p && strlen(p) >= strlen(made[i].key) + made[i].len)
				memset(p + strlen(made[i].key), '-', made[i].len);
		}
	}
	same = !strcmp(x, y);
	free(x);
	free(y);
	return same;
}

/* The direct software-list reader (ingest.c sw_fast) must not change any
 * outcome: decoding with cJSON's tree only gives the same answer, error
 * text, entries and digest. */
static void same_as_tree(const uint8_t *body, size_t len, const char *enc,
                         const struct ingest_limits *lim, enum fc_rc rc, int status,
                         const char *err, const struct ingest_report *rep)
{
	struct ingest_limits tree = *lim;
	struct ingest_report t;
	char terr[FC_ERRLEN];
	int tstatus = 0;
	size_t i;

	tree.tree_lists = true;
	ingest_report_init(&t);
	terr[0] = '\0';
	FUZZ_CHECK(ingest_decode(body, len, enc, &tree, &t, &tstatus, terr) == rc);
	FUZZ_CHECK(tstatus == status && !strcmp(terr, err));
	if (!rc) {
		FUZZ_CHECK(t.n_sw == rep->n_sw && !t.sw_fast);
		FUZZ_CHECK(!memcmp(t.sw_digest, rep->sw_digest, sizeof(t.sw_digest)));
		FUZZ_CHECK(same_facts(t.os_json, rep->os_json));
		for (i = 0; i < t.n_sw; i++)
			FUZZ_CHECK(!strcmp(t.sw[i].name, rep->sw[i].name) &&
			           !strcmp(t.sw[i].version, rep->sw[i].version) &&
			           !strcmp(t.sw[i].arch, rep->sw[i].arch) &&
			           !strcmp(t.sw[i].publisher, rep->sw[i].publisher) &&
			           !strcmp(t.sw[i].from, rep->sw[i].from));
	}
	ingest_report_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_limits lim;
	struct ingest_report rep;
	struct buf z;
	char err[FC_ERRLEN];
	const uint8_t *body;
	size_t len;
	unsigned enc;
	int status = 0;
	enum fc_rc rc;

	if (size < 2)
		return 0;
	enc = data[0] & 7;
	ingest_limits_default(&lim);
	if (data[1] & 1)
		limits_small(&lim, data[1]);
	body = data + 2;
	len = size - 2;
	buf_init(&z, (size_t)16 << 20);
	if ((data[0] & 0x80) && compress_as(enc, body, len, &z)) {
		body = (const uint8_t *)z.ptr;
		len = z.len;
	}
	ingest_report_init(&rep);
	memset(err, 'x', sizeof(err));
	err[0] = '\0';
	rc = ingest_decode(len ? body : (const uint8_t *)"", len, encodings[enc], &lim, &rep,
	                   &status, err);
	if (rc) {
		FUZZ_CHECK(rc == FC_EPARSE || rc == FC_ELIMIT || rc == FC_EUSAGE);
		FUZZ_CHECK(status == 400 || status == 413 || status == 415);
		FUZZ_CHECK((rc == FC_ELIMIT) == (status == 413));
		FUZZ_CHECK((rc == FC_EUSAGE) == (status == 415));
		fuzz_check_err(rc, err);
		FUZZ_CHECK(rep.n_sw == 0 && !rep.sw && !rep.os_json && !rep.deviceid);
	} else {
		check_report(&rep, len);
	}
	same_as_tree(len ? body : (const uint8_t *)"", len, encodings[enc], &lim, rc, status, err,
	             &rep);
	ingest_report_release(&rep);
	buf_release(&z);
	return 0;
}
