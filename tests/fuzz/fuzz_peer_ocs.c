/* fuzz_peer_ocs.c - peer_ocs_decode (collector/peer_ocs.h) as the collector
 * runs it on an OCS/FusionInventory body: zlib or gzip or plain, libxml2
 * without entities or network, the kept fields into a report.
 *
 * Input: byte 0, when odd, has this harness zlib-compress the rest first
 * (so mutations of the XML also reach the parser through a compressed
 * body); byte 1, when odd, selects small limits. The rest is the body. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "ingest.h"
#include "peer_ocs.h"
#include "xalloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ingest_global_init();
	peer_ocs_global_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ingest_limits lim;
	struct peer_ocs_msg msg;
	struct ingest_report r;
	char err[FC_ERRLEN];
	unsigned char *z = NULL;
	uLongf zn;
	const uint8_t *body;
	size_t len;
	int status = 0;
	enum fc_rc rc;

	if (size < 2)
		return 0;
	ingest_limits_default(&lim);
	if (data[1] & 1) {
		lim.max_body = 4096;
		lim.max_decompressed = 16384;
		lim.max_software = 4;
		lim.max_string = 64;
	}
	body = data + 2;
	len = size - 2;
	if (data[0] & 1) {
		zn = compressBound((uLong)len);
		z = xmalloc(zn);
		if (compress(z, &zn, body, (uLong)len) != Z_OK)
			abort();
		body = z;
		len = zn;
	}
	snprintf(msg.user_agent, sizeof(msg.user_agent), "fuzz_v1");
	ingest_report_init(&r);
	rc = peer_ocs_decode(body, len, &lim, &msg, &r, &status, err);
	fuzz_check_err(rc, err);
	if (rc) {
		FUZZ_CHECK(status == 400 || status == 413 || status == 415);
		FUZZ_CHECK(r.os_json == NULL && r.n_sw == 0);
	} else {
		FUZZ_CHECK(status == 200 && msg.query[0]);
		FUZZ_CHECK(strcmp(msg.query, "INVENTORY") ? r.os_json == NULL : r.os_json != NULL);
		FUZZ_CHECK(r.n_sw <= lim.max_software);
	}
	ingest_report_release(&r);
	free(z);
	return 0;
}
