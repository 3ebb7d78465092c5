/* fc_rc.h - the one error code type of fleetcensus.
 *
 * Add new codes at the end only; never renumber (the numbers may appear in
 * logs and in other programs' expectations). */
#ifndef FC_INCLUDE_FC_RC_H
#define FC_INCLUDE_FC_RC_H

#include "fc_printf.h"

enum fc_rc {
	FC_OK = 0,
	FC_ENOMEM, /* out of memory (only where a library reports it) */
	FC_EIO, /* a file or directory could not be read or written */
	FC_EPARSE, /* input is malformed */
	FC_ENET, /* network failure: connect, TLS, timeout */
	FC_EHTTP, /* the server answered with an HTTP error */
	FC_EDB, /* a database call failed */
	FC_ELIMIT, /* input exceeds a size or count limit */
	FC_EUSAGE, /* bad command line */
	FC_ECONFIG, /* bad configuration */
	FC_ENOENT, /* the thing looked for does not exist */
	FC_ELOCKED, /* another process holds the lock */
	FC_EREFUSED, /* the server refused the request for good */
	FC_EEXIST, /* the thing to create exists already */
	FC_EBUSY, /* try again later: the database or server is busy or full */
	FC_EPERM, /* the caller may not do this (a token of another role or organisation) */
};

/* Returns a static, lower-case description of rc; never NULL. */
const char *fc_strerror(enum fc_rc rc);

/* Size of an error message buffer handed to parsers and readers. */
#define FC_ERRLEN 256

/* Writes one message to err (FC_ERRLEN bytes, cut short when longer);
 * does nothing when err is NULL. */
FC_PRINTF(2, 3) void fc_seterr(char *err, const char *fmt, ...);

#endif
