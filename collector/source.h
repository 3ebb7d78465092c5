/* source.h - machines seen by other inventory sources (issue 16): Active
 * Directory, ConfigMgr, Intune. Each row of a source becomes a sighting of
 * a machine with an evidence class (docs/identity.md, "Sightings"). The
 * readers are pure: a file's bytes in, sightings out. */
#ifndef FC_COLLECTOR_SOURCE_H
#define FC_COLLECTOR_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fc_rc.h"

/* Limits on a source file, as for reports. */
#define SOURCE_MAX_ROWS 1000000
#define SOURCE_MAX_FIELD 4096
#define SOURCE_MAX_COLS 512

/* The evidence classes, best first. */
enum source_evidence { SOURCE_AGENT = 0, SOURCE_MANAGEMENT = 1, SOURCE_DIRECTORY = 2 };

/* How an ambiguous date (both of its first two numbers <= 12) is read. */
enum source_date_order { SOURCE_DATE_UNSET = 0, SOURCE_DATE_DMY, SOURCE_DATE_MDY };

/* One row of a source. Every string is owned (xstrdup) and "" when
 * unknown; host and domain are lower-case. */
struct sighting {
	char *key; /* the row's identity within its source (objectGUID, ...) */
	char *host; /* the short host name */
	char *domain; /* its DNS domain */
	char *hw_uuid; /* normalised (uuid_normalise), "" for none or a placeholder */
	char *serial, *maker;
	char *os_name; /* "Windows 10 Pro", as the source says it */
	char *os_version; /* "10.0.19045" (AD's "10.0 (19045)" rewritten) */
	char *os_sp; /* "Service Pack 3" */
	char *arch; /* "64-bit", "x64", ... as given, "" when the source has none */
	bool enabled; /* false: a disabled computer account (not counted) */
	int64_t last_seen; /* last logon / check-in, Unix time; 0 unknown */
	long line; /* the file's line of the row */
};

/* A source kind: its name on the command line and its evidence class. */
struct source_kind {
	const char *name; /* "ad-csv", "sccm-csv", "intune-csv", "intune-json" */
	enum source_evidence evidence;
};

/* The kind called name, NULL when there is none. */
const struct source_kind *source_kind_find(const char *name);
/* "agent", "management" or "directory". */
const char *source_evidence_name(enum source_evidence e);

/* Reads the file data (len bytes, named path in messages) of kind into
 * *rows (*n of them; the caller frees them with source_rows_free). Any bad
 * input stops it: FC_EPARSE (or FC_ELIMIT) with err (FC_ERRLEN) set to
 * "PATH:LINE: column NAME: what is wrong" (or "PATH: ..."). */
enum fc_rc source_read(const struct source_kind *kind, const char *path, const char *data,
                       size_t len, enum source_date_order order, struct sighting **rows, size_t *n,
                       char *err);
void source_rows_free(struct sighting *rows, size_t n);

/* Where the ldap source reads (import --source ldap, docs/imports.md). */
struct source_ldap_opts {
	const char *url; /* ldaps://HOST[:PORT], or ldap://... with starttls */
	const char *bind_dn; /* a DN, user@realm or DOMAIN\\user */
	const char *password_file; /* its first line; the file owner-only */
	const char *base; /* the base DN searched (subtree) */
	const char *filter; /* NULL: (objectCategory=computer) */
	const char *ca_file; /* NULL: the system's CA certificates */
	bool starttls;
};

/* Reads the computers of a directory server over LDAP with TLS into *rows
 * (*n of them, freed with source_rows_free), each as an ad-csv row. On a
 * failure nothing is returned and err (FC_ERRLEN) names the server and
 * what failed: FC_EUSAGE (bad URL, base or filter), FC_ECONFIG (the
 * password file, the TLS setup, a refused bind), FC_ENOENT (no password
 * file), FC_ENET (the server unreachable, TLS or the search failed),
 * FC_EPARSE/FC_ELIMIT (a bad entry, too many). */
enum fc_rc source_ldap_read(const struct source_ldap_opts *o, struct sighting **rows, size_t *n,
                            char *err);

/* Parses a date as PowerShell, ConfigMgr or Intune write it: ISO 8601
 * ("2026-11-28T09:14:02Z", "2026-11-20 09:12:45.0000000"), en-US
 * ("11/28/2026 9:14:02 AM"), nl-NL ("28-11-2026 09:14:02") or dd.mm.yyyy,
 * the time optional; UTC assumed. A date whose day and month are both <= 12
 * needs order. FC_OK with *out set, else FC_EPARSE with why (FC_ERRLEN). */
enum fc_rc source_parse_date(const char *s, enum source_date_order order, int64_t *out, char *why);

#endif
