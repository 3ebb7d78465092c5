/* peer_ocs.h - the OCS Inventory / FusionInventory XML messages (PROLOG
 * and INVENTORY), decoded with libxml2 into the facts ingest_decode makes
 * of a report. Pure: no database, no network, no logging. */
#ifndef FC_COLLECTOR_PEER_OCS_H
#define FC_COLLECTOR_PEER_OCS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "fc_rc.h"
#include "ingest.h"

/* What a message asked. */
struct peer_ocs_msg {
	char query[16]; /* REQUEST/QUERY: "PROLOG", "INVENTORY", ... (upper case) */
	char deviceid[129]; /* REQUEST/DEVICEID (or CONTENT/DEVICEID), printable */
	char user_agent[64]; /* set by the caller ("" when unknown): the agent's
	                        name and version when CONTENT/VERSIONCLIENT is absent
	                        (the OCS agent sends it only as its User-Agent) */
};

/* Calls xmlInitParser once per process (ingest_global_init's companion). */
void peer_ocs_global_init(void);

/* True when the len bytes at body look like one of these messages: a zlib
 * stream, or text starting with '<' (after a BOM and blanks). A gzip
 * stream is not told apart (our agent's reports are gzip JSON). */
bool peer_ocs_sniff(const void *body, size_t len);

/* The len bytes at body as text in out (which this initialises; the caller
 * releases it): inflated when they are a zlib or gzip stream (told from the
 * first bytes), copied otherwise, within lim's max_body, max_decompressed
 * and ratio. Returns FC_OK, FC_ELIMIT or FC_EPARSE with err set. */
enum fc_rc peer_ocs_inflate(const void *body, size_t len, const struct ingest_limits *lim,
                            struct buf *out, char *err);

/* Decodes one message: body (len bytes as received: a zlib stream, gzip, or
 * plain XML, told from its first bytes) within lim (max_body,
 * max_decompressed, the ratio, max_string, max_software). XML is parsed
 * without network access, DTD loading or entity substitution; a document
 * type declaring entities is refused. msg gets the query and deviceid
 * (msg->user_agent is read).
 * An INVENTORY's facts go into out (initialised by the caller) through
 * ingest_decode, so the rules of a report apply; other queries leave out
 * empty. On failure err names the problem and *http_status is 400
 * (malformed), 413 (a limit) or 415. Returns FC_OK, FC_EPARSE, FC_ELIMIT. */
enum fc_rc peer_ocs_decode(const void *body, size_t len, const struct ingest_limits *lim,
                           struct peer_ocs_msg *msg, struct ingest_report *out, int *http_status,
                           char *err);

#endif
