/* rc.c - descriptions of the fc_rc codes and the one writer of error
 * messages (fc_seterr). */
#include "fc_rc.h"

#include <stdarg.h>
#include <stdio.h>

const char *fc_strerror(enum fc_rc rc)
{
	switch (rc) {
	case FC_OK: return "no error";
	case FC_ENOMEM: return "out of memory";
	case FC_EIO: return "input/output error";
	case FC_EPARSE: return "malformed input";
	case FC_ENET: return "network error";
	case FC_EHTTP: return "HTTP error";
	case FC_EDB: return "database error";
	case FC_ELIMIT: return "limit exceeded";
	case FC_EUSAGE: return "usage error";
	case FC_ECONFIG: return "configuration error";
	case FC_ENOENT: return "not found";
	case FC_ELOCKED: return "locked by another process";
	case FC_EREFUSED: return "refused by the server";
	case FC_EEXIST: return "already exists";
	case FC_EBUSY: return "busy, try again later";
	case FC_EPERM: return "not permitted";
	}
	return "unknown error";
}

void fc_seterr(char *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err, FC_ERRLEN, fmt, ap);
	va_end(ap);
}
