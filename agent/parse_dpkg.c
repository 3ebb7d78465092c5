/* parse_dpkg.c - parse a dpkg status database held in memory. */
#include "parse_dpkg.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "textlines.h"
#include "xalloc.h"

enum deb_field { DEB_PACKAGE, DEB_STATUS, DEB_VERSION, DEB_ARCH, DEB_MAINT, DEB_NFIELDS };

static const char *const deb_names[DEB_NFIELDS] = {"Package", "Status", "Version", "Architecture",
                                                   "Maintainer"};

#define DEB_SLOT (PKG_MAX_FIELD + 1)
#define DEB_NAME_SHOWN 64 /* most bytes of a package name quoted in err */

struct deb {
	const char *val[DEB_NFIELDS]; /* field values inside the input; NULL when absent */
	size_t vlen[DEB_NFIELDS];
	bool seen; /* the current stanza has a field line */
	size_t start; /* line the current stanza starts on */
	size_t line; /* current line, from 1 */
	size_t count; /* packages reported */
	bool statusd; /* a stanza without Status is installed */
	char *scratch; /* DEB_NFIELDS slots of DEB_SLOT bytes for NUL-terminated copies */
	fc_pkg_cb cb;
	void *ctx;
	char *err;
};

static bool deb_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool deb_blank_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!deb_blank(s[i]))
			return false;
	return true;
}

/* ASCII case-insensitive comparison of s (n bytes) with the C string name. */
static bool deb_name_is(const char *s, size_t n, const char *name)
{
	size_t i;
	char a, b;

	if (strlen(name) != n)
		return false;
	for (i = 0; i < n; i++) {
		a = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		b = name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] - 'A' + 'a') : name[i];
		if (a != b)
			return false;
	}
	return true;
}

/* True when the third word of a Status value is "installed". */
static bool deb_installed(const char *p, size_t n)
{
	size_t i = 0, start;
	int word = 0;

	while (i < n) {
		while (i < n && deb_blank(p[i]))
			i++;
		start = i;
		while (i < n && !deb_blank(p[i]))
			i++;
		if (i > start && ++word == 3)
			return i - start == 9 && !memcmp(p + start, "installed", 9);
	}
	return false;
}

static enum fc_rc deb_too_long(struct deb *d, int f)
{
	const char *pkg = d->val[DEB_PACKAGE];
	size_t plen = d->vlen[DEB_PACKAGE];

	if (pkg && plen > 0 && f != DEB_PACKAGE)
		snprintf(d->err, FC_ERRLEN,
		         "line %zu: %s of package '%.*s' is longer than %d bytes", d->line,
		         deb_names[f], (int)(plen < DEB_NAME_SHOWN ? plen : DEB_NAME_SHOWN), pkg,
		         PKG_MAX_FIELD);
	else
		snprintf(d->err, FC_ERRLEN, "line %zu: %s is longer than %d bytes", d->line,
		         deb_names[f], PKG_MAX_FIELD);
	return FC_ELIMIT;
}

/* Records one "Name: value" line of the current stanza. */
static enum fc_rc deb_field_line(struct deb *d, const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	const char *v;
	size_t klen, vlen;
	int f;

	if (!colon) {
		LOG_DEBUG("dpkg line %zu has no ':', skipped", d->line);
		return FC_OK;
	}
	klen = (size_t)(colon - s);
	for (f = 0; f < DEB_NFIELDS; f++)
		if (deb_name_is(s, klen, deb_names[f]))
			break;
	if (f == DEB_NFIELDS)
		return FC_OK;
	v = colon + 1;
	vlen = n - klen - 1;
	while (vlen > 0 && deb_blank(*v)) {
		v++;
		vlen--;
	}
	while (vlen > 0 && deb_blank(v[vlen - 1]))
		vlen--;
	if (vlen > PKG_MAX_FIELD)
		return deb_too_long(d, f);
	d->val[f] = v;
	d->vlen[f] = vlen;
	return FC_OK;
}

/* Returns a NUL-terminated copy of field f, valid until the next stanza. */
static const char *deb_get(struct deb *d, int f)
{
	return textlines_cstr(d->scratch + (size_t)f * DEB_SLOT, d->val[f], d->vlen[f]);
}

/* Ends the current stanza: reports it if it is an installed package. */
static enum fc_rc deb_end_stanza(struct deb *d)
{
	struct fc_pkg pkg = {0};
	enum fc_rc rc = FC_OK;
	bool installed;

	if (!d->seen)
		return FC_OK;
	installed = d->val[DEB_STATUS] ? deb_installed(d->val[DEB_STATUS], d->vlen[DEB_STATUS])
	                               : d->statusd;
	if (!d->val[DEB_PACKAGE] || d->vlen[DEB_PACKAGE] == 0) {
		LOG_DEBUG("dpkg stanza at line %zu has no Package field, skipped", d->start);
	} else if (installed && d->count >= PKG_MAX_COUNT) {
		snprintf(d->err, FC_ERRLEN, "line %zu: more than %d installed packages", d->start,
		         PKG_MAX_COUNT);
		rc = FC_ELIMIT;
	} else if (installed) {
		d->count++;
		pkg.name = deb_get(d, DEB_PACKAGE);
		pkg.version = deb_get(d, DEB_VERSION);
		pkg.arch = deb_get(d, DEB_ARCH);
		pkg.publisher = deb_get(d, DEB_MAINT);
		pkg.from = "deb";
		rc = d->cb(&pkg, d->ctx);
	}
	memset(d->val, 0, sizeof(d->val));
	memset(d->vlen, 0, sizeof(d->vlen));
	d->seen = false;
	return rc;
}

static enum fc_rc deb_parse(const char *buf, size_t len, size_t first_line, bool statusd,
                            fc_pkg_cb cb, void *ctx, char *err)
{
	struct deb d = {.statusd = statusd, .cb = cb, .ctx = ctx, .err = err};
	enum fc_rc rc = FC_OK;
	size_t pos = 0, n;
	const char *s;

	assert(cb && err && (buf || !len) && first_line > 0);
	err[0] = '\0';
	if (textlines_has_nul(buf, len, &d.line)) {
		snprintf(err, FC_ERRLEN, "line %zu: NUL byte (binary data, not a status file)",
		         d.line + first_line - 1);
		return FC_EPARSE;
	}
	if (len && buf[len - 1] != '\n') {
		d.line = textlines_line_of(buf, buf + len - 1) + first_line - 1;
		snprintf(err, FC_ERRLEN, "line %zu: no newline at the end: the file is truncated",
		         d.line);
		return FC_EPARSE;
	}
	d.line = first_line - 1;
	d.scratch = xmalloc(DEB_NFIELDS * (size_t)DEB_SLOT);
	while (rc == FC_OK && textlines_next(buf, len, &pos, &s, &n)) {
		d.line++;
		if (deb_blank_line(s, n)) {
			rc = deb_end_stanza(&d);
			continue;
		}
		if (deb_blank(s[0]))
			continue; /* continuation of a multi-line field we do not read */
		if (!d.seen)
			d.start = d.line;
		d.seen = true;
		rc = deb_field_line(&d, s, n);
	}
	if (rc == FC_OK)
		rc = deb_end_stanza(&d);
	free(d.scratch);
	return rc;
}

enum fc_rc parse_dpkg(const char *buf, size_t len, fc_pkg_cb cb, void *ctx, char *err)
{
	return deb_parse(buf, len, 1, false, cb, ctx, err);
}

enum fc_rc parse_dpkg_at(const char *buf, size_t len, size_t first_line, fc_pkg_cb cb, void *ctx,
                         char *err)
{
	return deb_parse(buf, len, first_line, false, cb, ctx, err);
}

enum fc_rc parse_dpkg_statusd(const char *buf, size_t len, fc_pkg_cb cb, void *ctx, char *err)
{
	return deb_parse(buf, len, 1, true, cb, ctx, err);
}
