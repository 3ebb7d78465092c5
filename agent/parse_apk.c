/* parse_apk.c - parse an apk installed database held in memory. */
#include "parse_apk.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "textlines.h"
#include "xalloc.h"

enum apk_field { APK_NAME, APK_VERSION, APK_ARCH, APK_MAINT, APK_NFIELDS };

static const char apk_keys[APK_NFIELDS] = {'P', 'V', 'A', 'm'};

#define APK_SLOT (PKG_MAX_FIELD + 1)
#define APK_NAME_SHOWN 64 /* most bytes of a package name quoted in err */

struct apk {
	const char *val[APK_NFIELDS]; /* values inside the input; NULL when absent */
	size_t vlen[APK_NFIELDS];
	bool seen; /* the current record has a line */
	size_t start; /* line the current record starts on */
	size_t line; /* current line, from 1 */
	size_t count; /* packages reported */
	char *scratch; /* APK_NFIELDS slots of APK_SLOT bytes for NUL-terminated copies */
	fc_pkg_cb cb;
	void *ctx;
	char *err;
};

static enum fc_rc apk_too_long(struct apk *a, char key)
{
	const char *pkg = a->val[APK_NAME];
	size_t plen = a->vlen[APK_NAME];

	if (pkg && plen > 0 && key != 'P')
		snprintf(a->err, FC_ERRLEN,
		         "line %zu: %c: of package '%.*s' is longer than %d bytes", a->line, key,
		         (int)(plen < APK_NAME_SHOWN ? plen : APK_NAME_SHOWN), pkg, PKG_MAX_FIELD);
	else
		snprintf(a->err, FC_ERRLEN, "line %zu: %c: is longer than %d bytes", a->line, key,
		         PKG_MAX_FIELD);
	return FC_ELIMIT;
}

/* Records one "X:value" line of the current record. */
static enum fc_rc apk_field_line(struct apk *a, const char *s, size_t n)
{
	int f;

	if (n < 2 || s[1] != ':') {
		LOG_DEBUG("apk line %zu is not 'X:value', skipped", a->line);
		return FC_OK;
	}
	for (f = 0; f < APK_NFIELDS; f++)
		if (s[0] == apk_keys[f])
			break;
	if (f == APK_NFIELDS)
		return FC_OK;
	if (n - 2 > PKG_MAX_FIELD)
		return apk_too_long(a, s[0]);
	a->val[f] = s + 2;
	a->vlen[f] = n - 2;
	return FC_OK;
}

/* Returns a NUL-terminated copy of field f, valid until the next record. */
static const char *apk_get(struct apk *a, int f)
{
	return textlines_cstr(a->scratch + (size_t)f * APK_SLOT, a->val[f], a->vlen[f]);
}

/* Ends the current record and reports it. */
static enum fc_rc apk_end_record(struct apk *a)
{
	struct fc_pkg pkg = {0};
	enum fc_rc rc = FC_OK;

	if (!a->seen)
		return FC_OK;
	if (!a->val[APK_NAME] || a->vlen[APK_NAME] == 0) {
		LOG_DEBUG("apk record at line %zu has no P: line, skipped", a->start);
	} else if (a->count >= PKG_MAX_COUNT) {
		snprintf(a->err, FC_ERRLEN, "line %zu: more than %d packages", a->start,
		         PKG_MAX_COUNT);
		rc = FC_ELIMIT;
	} else {
		a->count++;
		pkg.name = apk_get(a, APK_NAME);
		pkg.version = apk_get(a, APK_VERSION);
		pkg.arch = apk_get(a, APK_ARCH);
		pkg.publisher = apk_get(a, APK_MAINT);
		pkg.from = "apk";
		rc = a->cb(&pkg, a->ctx);
	}
	memset(a->val, 0, sizeof(a->val));
	memset(a->vlen, 0, sizeof(a->vlen));
	a->seen = false;
	return rc;
}

enum fc_rc parse_apk(const char *buf, size_t len, fc_pkg_cb cb, void *ctx, char *err)
{
	return parse_apk_at(buf, len, 1, cb, ctx, err);
}

enum fc_rc parse_apk_at(const char *buf, size_t len, size_t first_line, fc_pkg_cb cb, void *ctx,
                        char *err)
{
	struct apk a = {.cb = cb, .ctx = ctx, .err = err};
	enum fc_rc rc = FC_OK;
	size_t pos = 0, n;
	const char *s;

	assert(cb && err && (buf || !len) && first_line > 0);
	err[0] = '\0';
	if (textlines_has_nul(buf, len, &a.line)) {
		snprintf(err, FC_ERRLEN, "line %zu: NUL byte (binary data, not an apk database)",
		         a.line + first_line - 1);
		return FC_EPARSE;
	}
	a.line = first_line - 1;
	a.scratch = xmalloc(APK_NFIELDS * (size_t)APK_SLOT);
	while (rc == FC_OK && textlines_next(buf, len, &pos, &s, &n)) {
		a.line++;
		if (n == 0) {
			rc = apk_end_record(&a);
			continue;
		}
		if (!a.seen)
			a.start = a.line;
		a.seen = true;
		rc = apk_field_line(&a, s, n);
	}
	if (rc == FC_OK)
		rc = apk_end_record(&a);
	free(a.scratch);
	return rc;
}
