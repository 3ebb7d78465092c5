/* pkg.h - one installed package, as every package reader reports it.
 *
 * Readers stream: they call a fc_pkg_cb once per package, with strings that
 * stay valid only during the call. A callback that returns anything but
 * FC_OK stops the reader, which returns that code. */
#ifndef FC_AGENT_PKG_H
#define FC_AGENT_PKG_H

#include "fc_rc.h"

struct fc_pkg {
	const char *name; /* never NULL or empty */
	const char *version; /* full version as the package tool prints it, "" if none */
	const char *arch; /* "" if none */
	const char *publisher; /* maintainer, vendor or packager, "" if none */
	const char *from; /* "deb", "rpm", "apk", "pacman" or "registry" */
	/* Windows only; readers that do not know them leave them zero. */
	const char *system_category; /* "system_component" (hidden entry) or NULL */
	const char *userid; /* the user's SID for a per-user install, or NULL */
	int is_update; /* an update/hotfix: listed apart, not a product */
};

typedef enum fc_rc (*fc_pkg_cb)(const struct fc_pkg *pkg, void *ctx);

/* Limits every reader applies to input from package databases. */
#define PKG_MAX_FIELD 4096 /* longest name, version, arch or publisher kept */
#define PKG_MAX_COUNT 200000 /* most packages one database may list */
#define PKG_MAX_TEXT_DB (512u << 20) /* largest text database read (dpkg status, apk) */

#endif
