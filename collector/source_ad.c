/* source_ad.c - ad-csv: what Get-ADComputer ... | Export-Csv writes
 * (docs/imports.md), from Windows PowerShell 5.1 or PowerShell 7. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "source_int.h"
#include "xalloc.h"

/* Seconds from 1601-01-01 (FILETIME) to 1970-01-01. */
#define FILETIME_UNIX_DIFF 11644473600LL

/* "10.0 (19045)" -> "10.0.19045"; "10.0" as it is. False when it is
 * neither. */
static bool ad_version(const char *v, char *out, size_t size)
{
	unsigned major, minor, build;
	int used = 0;

	if (sscanf(v, "%3u.%3u (%7u)%n", &major, &minor, &build, &used) == 3 &&
	    (size_t)used == strlen(v))
		return snprintf(out, size, "%u.%u.%u", major, minor, build) < (int)size;
	used = 0;
	if (sscanf(v, "%3u.%3u%n", &major, &minor, &used) == 2 && (size_t)used == strlen(v))
		return snprintf(out, size, "%u.%u", major, minor) < (int)size;
	return false;
}

/* The DNS domain of a distinguished name: its DC= parts joined by dots. */
static void dn_domain(const char *dn, char *out, size_t size)
{
	const char *p = dn;
	size_t n = 0;

	out[0] = '\0';
	while ((p = strcasestr(p, "DC=")) != NULL) {
		size_t k = strcspn(p + 3, ",");
		if (n + k + 2 > size)
			return;
		if (n)
			out[n++] = '.';
		memcpy(out + n, p + 3, k);
		n += k;
		out[n] = '\0';
		p += 3 + k;
	}
}

/* lastLogonTimestamp (a FILETIME, 0 = never) into *out. */
static bool filetime(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		return false;
	*out = v && v != INT64_MAX ? v / 10000000 - FILETIME_UNIX_DIFF : 0; /* 0, max: never */
	return true;
}

enum fc_rc source_ad_fill(source_ad_get get, void *ctx, enum source_date_order order,
                          struct sighting *w, const char **col, char *why)
{
	const char *name = get(ctx, "Name");
	const char *dns = get(ctx, "DNSHostName");
	const char *dn = get(ctx, "DistinguishedName");
	const char *ver = get(ctx, "OperatingSystemVersion");
	const char *en = get(ctx, "Enabled");
	const char *lld = get(ctx, "LastLogonDate");
	const char *llt = get(ctx, "lastLogonTimestamp");
	char tmp[256];

#define AD_BAD(c, w_)                                                                              \
	do {                                                                                       \
		*col = (c);                                                                        \
		snprintf(why, FC_ERRLEN, "%s", (w_));                                              \
		return FC_EPARSE;                                                                  \
	} while (0)
	if (!*name || strchr(name, '.') || strlen(name) > 63)
		AD_BAD("Name", *name ? "not a computer name" : "empty");
	if (*dns)
		source_set_fqdn(w, dns);
	source_set(&w->host, name, true);
	if (!*w->domain) {
		dn_domain(dn, tmp, sizeof(tmp));
		source_set(&w->domain, tmp, true);
	}
	source_set(&w->key, get(ctx, "ObjectGUID"), true);
	if (!*w->key && *dn)
		source_set(&w->key, dn, true);
	if (!*w->key) {
		snprintf(tmp, sizeof(tmp), "%s.%s", w->host, w->domain);
		source_set(&w->key, tmp, true);
	}
	source_set(&w->os_name, get(ctx, "OperatingSystem"), false);
	source_set(&w->os_sp, get(ctx, "OperatingSystemServicePack"), false);
	/* Windows writes "10.0 (19045)"; a Samba DC ("4.17.12-Debian") or a
	 * Linux host joined by sssd/realmd writes its own form: kept as it is
	 * when OperatingSystem names something else than Windows. */
	if (*ver && !ad_version(ver, tmp, sizeof(tmp))) {
		if (!*w->os_name || !strncasecmp(w->os_name, "Windows", 7))
			AD_BAD("OperatingSystemVersion", "not like '10.0 (19045)'");
		snprintf(tmp, sizeof(tmp), "%s", ver);
	}
	source_set(&w->os_version, *ver ? tmp : "", false);
	if (*en && strcasecmp(en, "True") && strcasecmp(en, "False"))
		AD_BAD("Enabled", "neither True nor False");
	w->enabled = strcasecmp(en, "False") != 0;
	if (*lld && source_parse_date(lld, order, &w->last_seen, why)) {
		*col = "LastLogonDate";
		return FC_EPARSE;
	}
	if (!*lld && *llt && !filetime(llt, &w->last_seen))
		AD_BAD("lastLogonTimestamp", "not a FILETIME (a whole number)");
#undef AD_BAD
	return FC_OK;
}

/* A CSV row's field by column name (source_ad_get). */
static const char *csv_get(void *ctx, const char *col)
{
	struct source_csv *c = ctx;

	return source_csv_get(c, source_csv_col(c, col));
}

/* One row's fields into w; FC_EPARSE with err on a bad field. */
static enum fc_rc ad_row(struct source_csv *c, enum source_date_order order, struct sighting *w,
                         char *err)
{
	const char *col = NULL;
	char why[FC_ERRLEN];

	if (source_ad_fill(csv_get, c, order, w, &col, why))
		return source_bad(c, col, why, err);
	return FC_OK;
}

enum fc_rc source_read_ad(struct source_csv *c, enum source_date_order order,
                          struct source_rows *out, char *err)
{
	static const char *const need[] = {"Name", NULL};
	enum fc_rc rc = source_need_cols(c, "ad-csv", need, err);
	bool eof = false;

	while (!rc) {
		rc = source_csv_next(c, &eof, err);
		if (rc || eof)
			break;
		if (out->n == SOURCE_MAX_ROWS) {
			snprintf(err, FC_ERRLEN, "%s:%ld: more than %d rows", c->path, c->rec_line,
			         SOURCE_MAX_ROWS);
			return FC_ELIMIT;
		}
		rc = ad_row(c, order, source_rows_add(out, c->rec_line), err);
	}
	return rc;
}
