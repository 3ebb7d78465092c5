/* source.c - the source kinds, dates and the reading of a source file
 * (source.h). */
#include "source.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "source_int.h"
#include "uuid.h"
#include "xalloc.h"

static const struct source_kind kinds[] = {
    {"ad-csv", SOURCE_DIRECTORY},      {"sccm-csv", SOURCE_MANAGEMENT},
    {"intune-csv", SOURCE_MANAGEMENT}, {"intune-json", SOURCE_MANAGEMENT},
    {"ldap", SOURCE_DIRECTORY}, /* read from a server, not a file (source_ldap.c) */
};

const struct source_kind *source_kind_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

const char *source_evidence_name(enum source_evidence e)
{
	return e == SOURCE_AGENT ? "agent" : e == SOURCE_MANAGEMENT ? "management" : "directory";
}

struct sighting *source_rows_add(struct source_rows *r, long line)
{
	struct sighting *w;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	w = &r->v[r->n++];
	memset(w, 0, sizeof(*w));
	w->key = xstrdup("");
	w->host = xstrdup("");
	w->domain = xstrdup("");
	w->hw_uuid = xstrdup("");
	w->serial = xstrdup("");
	w->maker = xstrdup("");
	w->os_name = xstrdup("");
	w->os_version = xstrdup("");
	w->os_sp = xstrdup("");
	w->arch = xstrdup("");
	w->enabled = true;
	w->line = line;
	return w;
}

void source_set(char **dst, const char *s, bool low)
{
	size_t n = strlen(s), i;

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	free(*dst);
	*dst = xstrndup(s, n);
	for (i = 0; low && i < n; i++)
		(*dst)[i] = (char)tolower((unsigned char)(*dst)[i]);
}

void source_set_fqdn(struct sighting *w, const char *fqdn)
{
	const char *dot = strchr(fqdn, '.');
	char *host = xstrndup(fqdn, dot ? (size_t)(dot - fqdn) : strlen(fqdn));

	source_set(&w->host, host, true);
	free(host);
	if (dot)
		source_set(&w->domain, dot + 1, true);
}

void source_set_uuid(struct sighting *w, const char *text)
{
	char u[UUID_TEXT_LEN + 1];

	if (uuid_normalise(text, u) && !uuid_is_placeholder(u))
		source_set(&w->hw_uuid, u, true);
}

void source_rows_free(struct sighting *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].key);
		free(rows[i].host);
		free(rows[i].domain);
		free(rows[i].hw_uuid);
		free(rows[i].serial);
		free(rows[i].maker);
		free(rows[i].os_name);
		free(rows[i].os_version);
		free(rows[i].os_sp);
		free(rows[i].arch);
	}
	free(rows);
}

enum fc_rc source_bad(const struct source_csv *c, const char *col, const char *why, char *err)
{
	snprintf(err, FC_ERRLEN, "%s:%ld: column %s: %s", c->path, c->rec_line, col, why);
	return FC_EPARSE;
}

enum fc_rc source_need_cols(const struct source_csv *c, const char *kind, const char *const *names,
                            char *err)
{
	for (; *names; names++)
		if (source_csv_col(c, *names) < 0) {
			snprintf(err, FC_ERRLEN, "%s:%ld: column %s: missing (is this a %s file?)",
			         c->path, c->rec_line ? c->rec_line : 1L, *names, kind);
			return FC_EPARSE;
		}
	return FC_OK;
}

/* Reads up to max digits from *p into *v; false when there are none. */
static bool num(const char **p, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && isdigit((unsigned char)**p)) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n > 0;
}

/* The time part " 9:14:02 AM", "T09:14:02.0000000Z" at p into *secs. */
static bool parse_time(const char *p, int *secs)
{
	int h = 0, m = 0, s = 0;

	*secs = 0;
	if (!*p)
		return true;
	if (*p != ' ' && *p != 'T')
		return false;
	p++;
	if (!num(&p, 2, &h) || *p++ != ':' || !num(&p, 2, &m))
		return false;
	if (*p == ':' && (p++, !num(&p, 2, &s)))
		return false;
	if (*p == '.' || *p == ',')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == ' ' && (!strcasecmp(p + 1, "AM") || !strcasecmp(p + 1, "PM"))) {
		if (h < 1 || h > 12)
			return false;
		h = h % 12 + (toupper((unsigned char)p[1]) == 'P' ? 12 : 0);
		p += 3;
	}
	if (*p == 'Z')
		p++;
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':')
		p += 6; /* an offset: the wall time is taken as UTC (a day's error at most) */
	if (*p || h > 23 || m > 59 || s > 60)
		return false;
	*secs = h * 3600 + m * 60 + s;
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

enum fc_rc source_parse_date(const char *s, enum source_date_order order, int64_t *out, char *why)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *p = s;
	int a, b, y, d, m, secs;
	char sep;

	*out = 0;
	if (!num(&p, 4, &a))
		goto out_bad;
	sep = *p;
	if ((sep != '-' && sep != '/' && sep != '.') || (p++, !num(&p, 2, &b)) || *p++ != sep ||
	    !num(&p, 4, &y))
		goto out_bad;
	if (p - s == 10 && s[4] == '-') { /* yyyy-mm-dd */
		m = b;
		d = y;
		y = a;
	} else if (p - s < 8 || y < 1000) {
		goto out_bad;
	} else if (a > 12 || (b <= 12 && order == SOURCE_DATE_DMY)) {
		d = a;
		m = b;
	} else if (b > 12 || order == SOURCE_DATE_MDY) {
		m = a;
		d = b;
	} else {
		goto out_ambiguous;
	}
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))) || !parse_time(p, &secs))
		goto out_bad;
	*out = days_from_civil(y, m, d) * 86400 + secs;
	return FC_OK;
out_ambiguous:
	snprintf(why, FC_ERRLEN,
	         "'%.40s' is ambiguous (day and month both 12 or less): give --date-order dmy "
	         "or mdy, as the exporting machine's culture writes dates",
	         s);
	return FC_EPARSE;
out_bad:
	snprintf(why, FC_ERRLEN, "'%.40s' is not a date", s);
	return FC_EPARSE;
}

enum fc_rc source_read(const struct source_kind *kind, const char *path, const char *data,
                       size_t len, enum source_date_order order, struct sighting **rows, size_t *n,
                       char *err)
{
	struct source_rows r = {NULL, 0, 0};
	struct source_csv c;
	enum fc_rc rc;

	*rows = NULL;
	*n = 0;
	if (!strcmp(kind->name, "intune-json")) {
		rc = source_read_intune_json(path, data, len, &r, err);
	} else {
		rc = source_csv_open(&c, path, data, len, err);
		if (!rc && !strcmp(kind->name, "ad-csv"))
			rc = source_read_ad(&c, order, &r, err);
		else if (!rc && !strcmp(kind->name, "sccm-csv"))
			rc = source_read_sccm(&c, order, &r, err);
		else if (!rc)
			rc = source_read_intune(&c, order, &r, err);
		source_csv_release(&c);
	}
	if (rc) {
		source_rows_free(r.v, r.n);
		return rc;
	}
	*rows = r.v;
	*n = r.n;
	return FC_OK;
}
